//! The real store: the operating system's keychain through the `keyring`
//! crate, with the platform back end named explicitly.
//!
//! keyring 3 silently falls back to an in-memory mock when none of its
//! platform features is enabled. This module never uses keyring's default
//! store: it builds each item with the platform module
//! (`keyring::secret_service`, `keyring::macos`, `keyring::windows`), and
//! those modules only exist when the platform feature is on, so a build
//! without it does not compile. [`KeyringStore::probe`] also checks at run
//! time that the store keeps items until they are deleted.

use std::sync::{Mutex, PoisonError};

use keyring::credential::CredentialPersistence;
use rand::distributions::{Alphanumeric, DistString};

use crate::error::AppError;
use crate::secret::Secret;

use super::failure::{ErrorContext, FailureCause, KeychainFailure, Operation, Platform};
use super::{SecretKey, SecretStore};

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
compile_error!(
    "The assistant keeps secrets only in the platform keychain; it builds for Linux, macOS and Windows."
);

/// One keychain call at a time: the Secret Service in particular does not
/// cope well with concurrent calls from one process.
static KEYCHAIN_LOCK: Mutex<()> = Mutex::new(());

/// The operating system's keychain.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    store_name: &'static str,
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyringStore {
    /// A store that has not been checked yet. Prefer [`KeyringStore::probe`]
    /// at start-up.
    pub fn new() -> Self {
        Self {
            store_name: Platform::current().store_name(),
        }
    }

    /// Proves the keychain is real and persistent, then returns the store.
    ///
    /// It writes a random value under a throw-away key, reads it back
    /// through a second, independent item handle, deletes it and checks it
    /// is gone. On Linux it also names the program behind the Secret Service
    /// (GNOME Keyring, KWallet, KeePassXC) for [`SecretStore::store_name`].
    /// Blocks; see the module documentation.
    pub fn probe() -> Result<Self, AppError> {
        let mut store = Self::new();
        let nonce = Alphanumeric.sample_string(&mut rand::thread_rng(), 16);
        let key = SecretKey::startup_check(&nonce);
        let value = Secret::new(Alphanumeric.sample_string(&mut rand::thread_rng(), 32));

        if !matches!(platform::persistence(), CredentialPersistence::UntilDelete) {
            return Err(store.error(
                &KeychainFailure::new(
                    FailureCause::Other,
                    "the keychain back end does not keep items until they are deleted",
                ),
                Operation::Put,
                &key,
            ));
        }

        store.put(&key, &value)?;
        let read_back = store.get(&key);
        // Clean up even if the read failed; report the first problem.
        let deleted = store.delete(&key);
        let read_back = read_back?;
        deleted?;
        if read_back != value {
            return Err(store.error(
                &KeychainFailure::new(
                    FailureCause::Other,
                    "the value read back differs from the value written",
                ),
                Operation::Get,
                &key,
            ));
        }
        match store.get(&key) {
            Err(err) if err.kind == crate::ErrorKind::SecretNotFound => {}
            Err(err) => return Err(err),
            Ok(_) => {
                return Err(store.error(
                    &KeychainFailure::new(
                        FailureCause::Other,
                        "the test item was still there after it was deleted",
                    ),
                    Operation::Delete,
                    &key,
                ))
            }
        }
        if let Some(name) = run(platform::provider_name) {
            store.store_name = name;
        }
        Ok(store)
    }

    fn error(&self, failure: &KeychainFailure, operation: Operation, key: &SecretKey) -> AppError {
        failure.to_app_error(&ErrorContext {
            platform: Platform::current(),
            store_name: self.store_name,
            operation,
            key,
        })
    }

    fn keyring_error(
        &self,
        err: &keyring::Error,
        operation: Operation,
        key: &SecretKey,
    ) -> AppError {
        let failure = classify_keyring_error(err);
        tracing::warn!(
            operation = ?operation,
            account = key.account(),
            cause = ?failure.cause,
            detail = failure.detail.as_deref().unwrap_or(""),
            "keychain call failed"
        );
        self.error(&failure, operation, key)
    }
}

impl SecretStore for KeyringStore {
    fn put(&self, key: &SecretKey, secret: &Secret) -> Result<(), AppError> {
        run(|| platform::entry(key)?.set_password(secret.expose()))
            .map_err(|e| self.keyring_error(&e, Operation::Put, key))
    }

    fn get(&self, key: &SecretKey) -> Result<Secret, AppError> {
        run(|| platform::entry(key)?.get_password())
            .map(Secret::new)
            .map_err(|e| self.keyring_error(&e, Operation::Get, key))
    }

    fn delete(&self, key: &SecretKey) -> Result<(), AppError> {
        match run(|| platform::entry(key)?.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(self.keyring_error(&e, Operation::Delete, key)),
        }
    }

    fn store_name(&self) -> &'static str {
        self.store_name
    }
}

/// Runs one keychain call, serialised with the others. On a thread that is
/// inside a tokio runtime the call runs on a scoped thread of its own: the
/// Secret Service client drives its own runtime and must not be started
/// from within another one.
fn run<T: Send>(call: impl FnOnce() -> T + Send) -> T {
    let _guard = KEYCHAIN_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::scope(|scope| match scope.spawn(call).join() {
            Ok(value) => value,
            Err(panic) => std::panic::resume_unwind(panic),
        })
    } else {
        call()
    }
}

/// Reduces a keyring error to a [`KeychainFailure`], looking into the
/// platform error it wraps. The detail never contains item contents.
pub fn classify_keyring_error(err: &keyring::Error) -> KeychainFailure {
    match err {
        keyring::Error::NoEntry => KeychainFailure::bare(FailureCause::NotFound),
        keyring::Error::BadEncoding(_) => KeychainFailure::new(
            FailureCause::Unreadable,
            "the stored item is not UTF-8 text",
        ),
        keyring::Error::TooLong(name, limit) => KeychainFailure::new(
            FailureCause::Other,
            format!("item attribute '{name}' is longer than the keychain's limit of {limit}"),
        ),
        keyring::Error::Invalid(name, reason) => KeychainFailure::new(
            FailureCause::Other,
            format!("item attribute '{name}' is invalid: {reason}"),
        ),
        keyring::Error::Ambiguous(items) => KeychainFailure::new(
            FailureCause::Other,
            format!(
                "{} keychain items match this entry; delete the duplicates",
                items.len()
            ),
        ),
        keyring::Error::NoStorageAccess(inner) => platform::classify(inner.as_ref(), true),
        keyring::Error::PlatformFailure(inner) => platform::classify(inner.as_ref(), false),
        other => KeychainFailure::new(FailureCause::Other, other.to_string()),
    }
}

#[cfg(target_os = "linux")]
mod platform {
    use keyring::credential::CredentialPersistence;
    use keyring::secret_service::SsCredential;
    use keyring::Entry;

    use crate::keychain::failure::{classify_dbus_error_name, FailureCause, KeychainFailure};
    use crate::keychain::SecretKey;
    use crate::paths::APP_IDENTIFIER;

    /// The Secret Service item for `key`, with the attributes and label the
    /// module documentation lists.
    pub(super) fn entry(key: &SecretKey) -> keyring::Result<Entry> {
        let mut credential = SsCredential::new_with_target(None, key.service(), key.account())?;
        credential.label = key.label();
        credential
            .attributes
            .insert("account".to_owned(), key.account().to_owned());
        credential
            .attributes
            .insert("application".to_owned(), APP_IDENTIFIER.to_owned());
        Ok(Entry::new_with_credential(Box::new(credential)))
    }

    pub(super) fn persistence() -> CredentialPersistence {
        keyring::secret_service::default_credential_builder().persistence()
    }

    pub(super) fn classify(
        err: &(dyn std::error::Error + Send + Sync + 'static),
        no_access: bool,
    ) -> KeychainFailure {
        let detail = err.to_string();
        let Some(ss) = err.downcast_ref::<secret_service::Error>() else {
            let cause = if no_access {
                FailureCause::Locked
            } else {
                FailureCause::Other
            };
            return KeychainFailure::new(cause, detail);
        };
        let cause = match ss {
            secret_service::Error::Unavailable => FailureCause::ServiceMissing,
            secret_service::Error::Locked => FailureCause::Locked,
            secret_service::Error::Prompt => FailureCause::PromptDismissed,
            secret_service::Error::NoResult => FailureCause::NoDefaultKeyring,
            secret_service::Error::Zbus(e) => classify_zbus(e),
            secret_service::Error::ZbusFdo(e) => {
                classify_dbus_error_name(zbus::DBusError::name(e).as_str())
            }
            _ => FailureCause::Other,
        };
        KeychainFailure::new(cause, detail)
    }

    fn classify_zbus(err: &zbus::Error) -> FailureCause {
        match err {
            zbus::Error::InputOutput(_)
            | zbus::Error::Address(_)
            | zbus::Error::InterfaceNotFound
            | zbus::Error::Handshake(_) => FailureCause::ServiceMissing,
            zbus::Error::MethodError(name, _, _) => classify_dbus_error_name(name.as_str()),
            zbus::Error::FDO(e) => {
                classify_dbus_error_name(zbus::DBusError::name(e.as_ref()).as_str())
            }
            _ => FailureCause::Other,
        }
    }

    /// The program that owns `org.freedesktop.secrets` on the session bus,
    /// by its process name.
    pub(super) fn provider_name() -> Option<&'static str> {
        let connection = zbus::blocking::Connection::session().ok()?;
        let bus = zbus::blocking::fdo::DBusProxy::new(&connection).ok()?;
        let name = zbus::names::BusName::try_from("org.freedesktop.secrets").ok()?;
        let pid = bus.get_connection_unix_process_id(name).ok()?;
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
        provider_from_process_name(comm.trim())
    }

    pub(in crate::keychain) fn provider_from_process_name(process: &str) -> Option<&'static str> {
        if process.starts_with("gnome-keyring") {
            Some("GNOME Keyring")
        } else if process.starts_with("kwalletd") || process.starts_with("ksecretd") {
            Some("KWallet")
        } else if process.eq_ignore_ascii_case("keepassxc") {
            Some("KeePassXC")
        } else {
            None
        }
    }
}

#[cfg(target_os = "macos")]
mod platform {
    use keyring::credential::CredentialPersistence;
    use keyring::macos::MacCredential;
    use keyring::Entry;

    use crate::keychain::failure::{classify_macos_status, FailureCause, KeychainFailure};
    use crate::keychain::SecretKey;

    pub(super) fn entry(key: &SecretKey) -> keyring::Result<Entry> {
        let credential = MacCredential::new_with_target(None, key.service(), key.account())?;
        Ok(Entry::new_with_credential(Box::new(credential)))
    }

    pub(super) fn persistence() -> CredentialPersistence {
        keyring::macos::default_credential_builder().persistence()
    }

    pub(super) fn classify(
        err: &(dyn std::error::Error + Send + Sync + 'static),
        no_access: bool,
    ) -> KeychainFailure {
        let detail = err.to_string();
        let cause = match err.downcast_ref::<security_framework::base::Error>() {
            Some(status) => classify_macos_status(status.code()),
            None if no_access => FailureCause::ServiceMissing,
            None => FailureCause::Other,
        };
        KeychainFailure::new(cause, detail)
    }

    pub(super) fn provider_name() -> Option<&'static str> {
        None
    }
}

#[cfg(target_os = "windows")]
mod platform {
    use keyring::credential::CredentialPersistence;
    use keyring::windows::WinCredential;
    use keyring::Entry;

    use crate::keychain::failure::{classify_windows_code, FailureCause, KeychainFailure};
    use crate::keychain::SecretKey;

    pub(super) fn entry(key: &SecretKey) -> keyring::Result<Entry> {
        let mut credential = WinCredential::new_with_target(None, key.service(), key.account())?;
        credential.comment = key.label();
        Ok(Entry::new_with_credential(Box::new(credential)))
    }

    pub(super) fn persistence() -> CredentialPersistence {
        keyring::windows::default_credential_builder().persistence()
    }

    pub(super) fn classify(
        err: &(dyn std::error::Error + Send + Sync + 'static),
        no_access: bool,
    ) -> KeychainFailure {
        let detail = err.to_string();
        let cause = match err.downcast_ref::<keyring::windows::Error>() {
            Some(code) => classify_windows_code(code.0),
            None if no_access => FailureCause::ServiceMissing,
            None => FailureCause::Other,
        };
        KeychainFailure::new(cause, detail)
    }

    pub(super) fn provider_name() -> Option<&'static str> {
        None
    }
}

#[cfg(all(test, target_os = "linux"))]
pub(in crate::keychain) use platform::provider_from_process_name;

#[cfg(test)]
pub(super) fn builder_persistence() -> CredentialPersistence {
    platform::persistence()
}
