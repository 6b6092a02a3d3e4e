//! The real store: the operating system's keychain through `keyring-core`
//! and the store crate of each platform, named explicitly.
//!
//! keyring-core only defines the API; the stores live in their own crates:
//! `dbus-secret-service-keyring-store` (the Secret Service over the system's
//! libdbus) on Linux, `apple-native-keyring-store` (its `keychain` module) on macOS and
//! `windows-native-keyring-store` on Windows. Each is a dependency only on
//! its own platform, so a build without it does not compile.
//!
//! keyring-core can hold a process-wide default store, and an entry built
//! without naming a store goes to it. This module never installs a default
//! store and never builds an entry without one: every call (and the start-up
//! check as a whole) creates the platform's store and builds its entries
//! from that store, so no call can
//! end up in keyring-core's in-memory mock. [`KeyringStore::probe`] also
//! checks at run time that the store says it keeps items until they are
//! deleted, then writes, reads back and deletes an item.

use std::sync::{Mutex, PoisonError};

use keyring_core::api::{CredentialPersistence, CredentialStore};
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
    /// It checks that the platform store says it keeps items until they are
    /// deleted, writes a random value under a throw-away key, reads it back
    /// through a second, independent item handle, deletes it and checks it
    /// is gone. On Linux it also names the program behind the Secret Service
    /// (GNOME Keyring, KWallet, KeePassXC) for [`SecretStore::store_name`].
    /// Blocks; see the module documentation.
    pub fn probe() -> Result<Self, AppError> {
        let mut store = Self::new();
        let nonce = Alphanumeric.sample_string(&mut rand::thread_rng(), 16);
        let key = SecretKey::startup_check(&nonce);
        let value = Secret::new(Alphanumeric.sample_string(&mut rand::thread_rng(), 32));

        // One store for the whole check: on Linux each store is a bus
        // connection and a Secret Service session, and creating it already
        // talks to the Secret Service, so it can fail the way a save would.
        run(|| {
            let platform_store =
                platform::store().map_err(|e| store.keyring_error(&e, Operation::Put, &key))?;
            store.round_trip(&*platform_store, &key, &value)
        })?;
        if let Some(name) = run(platform::provider_name) {
            store.store_name = name;
        }
        Ok(store)
    }

    /// The start-up check's steps on one `platform_store`: it keeps items
    /// until deleted, `value` written under `key` is read back through a
    /// second item handle, and is gone once deleted.
    fn round_trip(
        &self,
        platform_store: &CredentialStore,
        key: &SecretKey,
        value: &Secret,
    ) -> Result<(), AppError> {
        if !keeps_items(platform_store) {
            return Err(self.error(
                &KeychainFailure::new(
                    FailureCause::Other,
                    "the keychain back end does not keep items until they are deleted",
                ),
                Operation::Put,
                key,
            ));
        }
        self.put_in(platform_store, key, value)?;
        let read_back = self.get_in(platform_store, key);
        // Clean up even if the read failed; report the first problem.
        let deleted = self.delete_in(platform_store, key);
        let read_back = read_back?;
        deleted?;
        if read_back != *value {
            return Err(self.error(
                &KeychainFailure::new(
                    FailureCause::Other,
                    "the value read back differs from the value written",
                ),
                Operation::Get,
                key,
            ));
        }
        match self.get_in(platform_store, key) {
            Err(err) if err.kind == crate::ErrorKind::SecretNotFound => Ok(()),
            Err(err) => Err(err),
            Ok(_) => Err(self.error(
                &KeychainFailure::new(
                    FailureCause::Other,
                    "the test item was still there after it was deleted",
                ),
                Operation::Delete,
                key,
            )),
        }
    }

    fn put_in(
        &self,
        platform_store: &CredentialStore,
        key: &SecretKey,
        secret: &Secret,
    ) -> Result<(), AppError> {
        platform::put(platform_store, key, secret.expose())
            .map_err(|e| self.keyring_error(&e, Operation::Put, key))
    }

    fn get_in(
        &self,
        platform_store: &CredentialStore,
        key: &SecretKey,
    ) -> Result<Secret, AppError> {
        platform::entry(platform_store, key)
            .and_then(|entry| entry.get_password())
            .map(Secret::new)
            .map_err(|e| self.keyring_error(&e, Operation::Get, key))
    }

    fn delete_in(&self, platform_store: &CredentialStore, key: &SecretKey) -> Result<(), AppError> {
        match platform::entry(platform_store, key).and_then(|entry| entry.delete_credential()) {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(self.keyring_error(&e, Operation::Delete, key)),
        }
    }

    /// Runs `call` on a fresh platform store (see `platform::store`).
    fn with_store<T: Send>(
        &self,
        operation: Operation,
        key: &SecretKey,
        call: impl FnOnce(&CredentialStore) -> Result<T, AppError> + Send,
    ) -> Result<T, AppError> {
        run(|| {
            let platform_store =
                platform::store().map_err(|e| self.keyring_error(&e, operation, key))?;
            call(&*platform_store)
        })
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
        err: &keyring_core::Error,
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
        self.with_store(Operation::Put, key, |s| self.put_in(s, key, secret))
    }

    fn get(&self, key: &SecretKey) -> Result<Secret, AppError> {
        self.with_store(Operation::Get, key, |s| self.get_in(s, key))
    }

    fn delete(&self, key: &SecretKey) -> Result<(), AppError> {
        self.with_store(Operation::Delete, key, |s| self.delete_in(s, key))
    }

    fn store_name(&self) -> &'static str {
        self.store_name
    }
}

/// Whether `store` keeps items until they are deleted. keyring-core's mock
/// (and any store that forgets items at log-out or reboot) does not.
pub(super) fn keeps_items(store: &CredentialStore) -> bool {
    matches!(store.persistence(), CredentialPersistence::UntilDelete)
}

/// Runs one keychain call, serialised with the others. On a thread that is
/// inside a tokio runtime the call runs on a scoped thread of its own: the
/// stores block (a D-Bus round trip, an unlock prompt), and a blocking call
/// must not hold a runtime worker or carry the runtime's context.
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

/// Reduces a keyring-core error to a [`KeychainFailure`], looking into the
/// platform error it wraps. The detail never contains item contents.
pub fn classify_keyring_error(err: &keyring_core::Error) -> KeychainFailure {
    use keyring_core::Error;
    match err {
        Error::NoEntry => KeychainFailure::bare(FailureCause::NotFound),
        Error::BadEncoding(_) => KeychainFailure::new(
            FailureCause::Unreadable,
            "the stored item is not UTF-8 text",
        ),
        // The store's own error only; the bytes stay out of the detail.
        Error::BadDataFormat(_, inner) => KeychainFailure::new(
            FailureCause::Unreadable,
            format!("the stored item is not in the expected format: {inner}"),
        ),
        Error::TooLong(name, limit) => KeychainFailure::new(
            FailureCause::Other,
            format!("item attribute '{name}' is longer than the keychain's limit of {limit}"),
        ),
        Error::Invalid(name, reason) => KeychainFailure::new(
            FailureCause::Other,
            format!("item attribute '{name}' is invalid: {reason}"),
        ),
        Error::Ambiguous(items) => KeychainFailure::new(
            FailureCause::Other,
            format!(
                "{} keychain items match this entry; delete the duplicates",
                items.len()
            ),
        ),
        Error::NoStorageAccess(inner) => platform::classify(inner.as_ref(), true),
        Error::PlatformFailure(inner) => platform::classify(inner.as_ref(), false),
        // BadStoreFormat, NotSupportedByStore, and NoDefaultStore (which this
        // module never asks for), plus whatever keyring-core adds later.
        other => KeychainFailure::new(FailureCause::Other, other.to_string()),
    }
}

#[cfg(target_os = "linux")]
mod platform {
    use std::collections::HashMap;
    use std::sync::Arc;

    use dbus_secret_service_keyring_store::cred::Wrapper;
    use dbus_secret_service_keyring_store::Store;
    use keyring_core::api::CredentialStore;
    use keyring_core::Entry;

    use crate::keychain::failure::{classify_dbus_error_name, FailureCause, KeychainFailure};
    use crate::keychain::SecretKey;
    use crate::paths::APP_IDENTIFIER;

    /// The Secret Service store: a connection to the session bus and a
    /// session with the Secret Service, made afresh for each call so that a
    /// restarted keyring daemon is picked up.
    pub(super) fn store() -> keyring_core::Result<Arc<CredentialStore>> {
        Ok(Store::new()?)
    }

    /// The entry for `key`. The store finds items by `service` and
    /// `username` only (no `target` modifier, which would add `target` to
    /// the search), so items written by keyring 3 (which have every
    /// attribute of the layout) and items written by other clients without
    /// `target` are both found. A new item goes to the default collection.
    pub(super) fn entry(store: &CredentialStore, key: &SecretKey) -> keyring_core::Result<Entry> {
        let label = key.label();
        let modifiers = HashMap::from([("label", label.as_str())]);
        store.build(key.service(), key.account(), Some(&modifiers))
    }

    /// The attributes of the layout the store does not write itself.
    pub(in crate::keychain) fn layout_attributes(key: &SecretKey) -> HashMap<&str, &str> {
        HashMap::from([
            ("target", "default"),
            ("account", key.account()),
            ("application", APP_IDENTIFIER),
        ])
    }

    /// Stores `secret` in the item for `key` and brings the item to the
    /// layout the module documentation lists.
    ///
    /// The store sets the secret of the one matching item, or creates an
    /// item with `service`, `username` and the label; the other attributes
    /// (and the label of an item another client wrote) are then set on the
    /// item itself, only where they differ. An interruption between the two
    /// leaves an item this module still finds, and the next save completes
    /// it.
    pub(super) fn put(
        store: &CredentialStore,
        key: &SecretKey,
        secret: &str,
    ) -> keyring_core::Result<()> {
        let entry = entry(store, key)?;
        entry.set_password(secret)?;
        let item = entry.get_credential()?;
        let wanted = layout_attributes(key);
        let present = item.get_attributes()?;
        if wanted
            .iter()
            .any(|(name, value)| present.get(*name).map(String::as_str) != Some(*value))
        {
            item.update_attributes(&wanted)?;
        }
        if let Some(wrapper) = item.as_any().downcast_ref::<Wrapper>() {
            let label = key.label();
            if wrapper.get_label()? != label {
                wrapper.set_label(&label)?;
            }
        }
        Ok(())
    }

    pub(super) fn classify(
        err: &(dyn std::error::Error + Send + Sync + 'static),
        no_access: bool,
    ) -> KeychainFailure {
        let detail = err.to_string();
        let Some(ss) = err.downcast_ref::<dbus_secret_service::Error>() else {
            let cause = if no_access {
                FailureCause::Locked
            } else {
                FailureCause::Other
            };
            return KeychainFailure::new(cause, detail);
        };
        let cause = match ss {
            dbus_secret_service::Error::Unavailable => FailureCause::ServiceMissing,
            dbus_secret_service::Error::Locked => FailureCause::Locked,
            dbus_secret_service::Error::Prompt => FailureCause::PromptDismissed,
            dbus_secret_service::Error::NoResult => FailureCause::NoDefaultKeyring,
            dbus_secret_service::Error::Dbus(e) => classify_dbus(e),
            _ => FailureCause::Other,
        };
        KeychainFailure::new(cause, detail)
    }

    /// A libdbus error, by its name: the Secret Service's own errors, and
    /// the ones libdbus gives when the session bus cannot be reached.
    fn classify_dbus(err: &dbus::Error) -> FailureCause {
        match err.name().unwrap_or_default() {
            "org.freedesktop.DBus.Error.FileNotFound"
            | "org.freedesktop.DBus.Error.BadAddress"
            | "org.freedesktop.DBus.Error.NotSupported"
            | "org.freedesktop.DBus.Error.IOError" => FailureCause::ServiceMissing,
            name => classify_dbus_error_name(name),
        }
    }

    /// The program that owns `org.freedesktop.secrets` on the session bus,
    /// by its process name.
    pub(super) fn provider_name() -> Option<&'static str> {
        let connection = dbus::blocking::Connection::new_session().ok()?;
        let bus = connection.with_proxy(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            std::time::Duration::from_secs(2),
        );
        let (pid,): (u32,) = bus
            .method_call(
                "org.freedesktop.DBus",
                "GetConnectionUnixProcessID",
                ("org.freedesktop.secrets",),
            )
            .ok()?;
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
    use std::sync::Arc;

    use apple_native_keyring_store::keychain::Store;
    use keyring_core::api::CredentialStore;
    use keyring_core::Entry;

    use crate::keychain::failure::{classify_macos_status, FailureCause, KeychainFailure};
    use crate::keychain::SecretKey;

    /// The store for the user's login keychain (the crate's default).
    pub(super) fn store() -> keyring_core::Result<Arc<CredentialStore>> {
        Ok(Store::new()?)
    }

    /// A generic password with service and account; the store keeps no
    /// other attributes.
    pub(super) fn entry(store: &CredentialStore, key: &SecretKey) -> keyring_core::Result<Entry> {
        store.build(key.service(), key.account(), None)
    }

    pub(super) fn put(
        store: &CredentialStore,
        key: &SecretKey,
        secret: &str,
    ) -> keyring_core::Result<()> {
        entry(store, key)?.set_password(secret)
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
    use std::collections::HashMap;
    use std::sync::Arc;

    use keyring_core::api::CredentialStore;
    use keyring_core::Entry;
    use windows_native_keyring_store::Store;

    use crate::keychain::failure::{
        classify_windows_code, windows_code_from_error, FailureCause, KeychainFailure,
    };
    use crate::keychain::SecretKey;

    /// The store with the crate's default naming: target name
    /// `<user>.<service>`, as keyring 3 named it.
    pub(super) fn store() -> keyring_core::Result<Arc<CredentialStore>> {
        Ok(Store::new()?)
    }

    pub(super) fn entry(store: &CredentialStore, key: &SecretKey) -> keyring_core::Result<Entry> {
        store.build(key.service(), key.account(), None)
    }

    /// Stores the secret (the store keeps the credential's user name and
    /// comment), then sets the comment to the label where it differs.
    pub(super) fn put(
        store: &CredentialStore,
        key: &SecretKey,
        secret: &str,
    ) -> keyring_core::Result<()> {
        let entry = entry(store, key)?;
        entry.set_password(secret)?;
        let label = key.label();
        let present = entry.get_attributes()?;
        if present.get("comment").map(String::as_str) != Some(label.as_str()) {
            entry.update_attributes(&HashMap::from([("comment", label.as_str())]))?;
        }
        Ok(())
    }

    pub(super) fn classify(
        err: &(dyn std::error::Error + Send + Sync + 'static),
        no_access: bool,
    ) -> KeychainFailure {
        let detail = err.to_string();
        let cause = match windows_code_from_error(err) {
            Some(code) => classify_windows_code(code),
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
pub(in crate::keychain) use platform::{layout_attributes, provider_from_process_name};
