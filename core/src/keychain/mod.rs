//! The OS keychain behind a small [`SecretStore`] trait.
//!
//! The JumpCloud client secret and the ConductorOne invite code are kept in
//! the operating system's keychain and nowhere else: the macOS Keychain,
//! Windows Credential Manager, or on Linux the freedesktop.org Secret Service
//! (GNOME Keyring, KWallet, KeePassXC). When the keychain fails, the caller
//! gets an [`AppError`] with one of the keychain kinds; there is no fallback
//! storage of any sort.
//!
//! [`KeyringStore`] reaches the keychain through `keyring-core` and one store
//! crate per platform: `dbus-secret-service-keyring-store` on Linux (libdbus),
//! `apple-native-keyring-store` (its `keychain` module) on macOS and
//! `windows-native-keyring-store` on Windows.
//!
//! # Where items are stored
//!
//! Every item uses the service [`KEYCHAIN_SERVICE`] (`dev.c1setup.assistant`)
//! and an account string that names the setup:
//!
//! | secret | account |
//! |---|---|
//! | JumpCloud client secret | `<domain>/jumpcloud-client-secret/<client id>` |
//! | ConductorOne invite code | `<domain>/conductorone-invite-code` |
//! | start-up check (deleted at once) | `startup-check/<random>` |
//!
//! `<domain>` is the ConductorOne domain in lower case (`acmeco` for
//! `acmeco.conductor.one`). Per platform:
//!
//! * **Linux (Secret Service)**: an item in the default collection with the
//!   attributes `service`, `account` and `username` (both the account
//!   string), `target` = `default`, `application` = `dev.c1setup.assistant`,
//!   and the label from [`SecretKey::label`], e.g.
//!   `ConductorOne Setup Assistant: JumpCloud client secret for acmeco (Client ID abc)`.
//!   Find it with
//!   `secret-tool lookup service dev.c1setup.assistant account acmeco/jumpcloud-client-secret/abc`.
//!   The assistant itself finds the item by `service` and `username` alone,
//!   so items saved by earlier versions and items another program wrote
//!   with those two attributes are found too; saving over such an item
//!   gives it the attributes and label above.
//! * **macOS**: a generic password in the login keychain with service
//!   `dev.c1setup.assistant` and account = the account string.
//! * **Windows**: a generic credential whose target name is
//!   `<account>.dev.c1setup.assistant`, user name = the account string and
//!   comment = the label.
//!
//! # Blocking
//!
//! Every call may block: on Linux it is a few D-Bus round trips (each call
//! opens its own connection and Secret Service session), and any platform
//! may show an unlock or permission prompt and wait for the admin. Async
//! callers (Tauri commands) must call the store from
//! `tokio::task::spawn_blocking`. [`KeyringStore`] also copes with being
//! called on an async worker thread by doing the work on a thread of its own,
//! so a mistake costs latency, not a panic.

mod failure;
mod keyring_store;
mod memory;

use crate::error::AppError;
use crate::paths::KEYCHAIN_SERVICE;
use crate::secret::Secret;

// The failure vocabulary is public for the fake's `fail_next`; the
// classifiers that map platform error codes to it stay inside.
pub use failure::{FailureCause, KeychainFailure, Operation};
pub use keyring_store::KeyringStore;
pub use memory::MemoryStore;

/// Where secrets are kept. Implemented by [`KeyringStore`] (the OS keychain)
/// and [`MemoryStore`] (a fake for tests).
pub trait SecretStore: Send + Sync {
    /// Stores `secret` under `key`, replacing what was there.
    fn put(&self, key: &SecretKey, secret: &Secret) -> Result<(), AppError>;

    /// Reads the secret stored under `key`. A missing item is
    /// [`crate::ErrorKind::SecretNotFound`], pointing at the step where the
    /// secret is entered again.
    fn get(&self, key: &SecretKey) -> Result<Secret, AppError>;

    /// Removes the item under `key`. Removing a missing item is not an error.
    fn delete(&self, key: &SecretKey) -> Result<(), AppError>;

    /// The store's name as the admin knows it ("macOS Keychain", ...), for
    /// "Stored in <name>".
    fn store_name(&self) -> &'static str;
}

/// Which secret an item holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// The JumpCloud OIDC app's client secret (step 3).
    ClientSecret,
    /// The ConductorOne invite code (step 1).
    InviteCode,
    /// The throw-away item written by [`KeyringStore::probe`].
    StartupCheck,
}

/// Which secret, for which setup: the keychain service, account and label.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretKey {
    kind: SecretKind,
    domain: Option<String>,
    client_id: Option<String>,
    account: String,
}

impl SecretKey {
    /// The JumpCloud client secret for the app with `client_id`, used to sign
    /// in to the ConductorOne instance `domain`. Both values are expected to
    /// be validated already; surrounding whitespace is dropped and the
    /// domain is lower-cased.
    pub fn client_secret(domain: &str, client_id: &str) -> Self {
        let domain = normalise_domain(domain);
        let client_id = client_id.trim().to_owned();
        Self {
            kind: SecretKind::ClientSecret,
            account: format!("{domain}/jumpcloud-client-secret/{client_id}"),
            domain: Some(domain),
            client_id: Some(client_id),
        }
    }

    /// The ConductorOne invite code for the instance `domain`.
    pub fn invite_code(domain: &str) -> Self {
        let domain = normalise_domain(domain);
        Self {
            kind: SecretKind::InviteCode,
            account: format!("{domain}/conductorone-invite-code"),
            domain: Some(domain),
            client_id: None,
        }
    }

    /// A throw-away key for the start-up check; `nonce` makes it unique.
    pub(crate) fn startup_check(nonce: &str) -> Self {
        Self {
            kind: SecretKind::StartupCheck,
            account: format!("startup-check/{nonce}"),
            domain: None,
            client_id: None,
        }
    }

    pub fn kind(&self) -> SecretKind {
        self.kind
    }

    /// The keychain service: always [`KEYCHAIN_SERVICE`].
    pub fn service(&self) -> &'static str {
        KEYCHAIN_SERVICE
    }

    /// The keychain account string (see the module documentation).
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The ConductorOne domain this secret belongs to.
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }

    /// The JumpCloud Client ID, for client secrets.
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// The human-readable name keychain tools show for the item.
    pub fn label(&self) -> String {
        let domain = self.domain.as_deref().unwrap_or_default();
        match self.kind {
            SecretKind::ClientSecret => format!(
                "ConductorOne Setup Assistant: JumpCloud client secret for {domain} (Client ID {})",
                self.client_id.as_deref().unwrap_or_default()
            ),
            SecretKind::InviteCode => {
                format!("ConductorOne Setup Assistant: ConductorOne invite code for {domain}")
            }
            SecretKind::StartupCheck => {
                "ConductorOne Setup Assistant: start-up check (safe to delete)".to_owned()
            }
        }
    }
}

fn normalise_domain(domain: &str) -> String {
    domain.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests;
