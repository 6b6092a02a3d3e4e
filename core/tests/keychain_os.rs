//! `KeyringStore` against the operating system's own keychain, on whichever
//! platform the tests run: the macOS Keychain, Windows Credential Manager, or
//! the Secret Service on Linux. The release workflow runs it on its macOS and
//! Windows runners (`.github/workflows/release.yml`); on Linux,
//! `keychain_secret_service.rs` goes further with an independent client.
//!
//! It writes to the real keychain of whoever runs it, so it runs only when
//! `C1_SETUP_OS_KEYCHAIN=1`; otherwise it prints why it was skipped. Every
//! item it writes has a random name and is deleted again.
#![allow(clippy::unwrap_used)]

use c1_setup_core::keychain::{KeyringStore, SecretKey, SecretStore};
use c1_setup_core::{ErrorKind, Secret};
use rand::distributions::{Alphanumeric, DistString};

const GATE: &str = "C1_SETUP_OS_KEYCHAIN";

fn random(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

#[test]
fn the_os_keychain_keeps_replaces_and_forgets_a_secret() {
    if std::env::var(GATE).as_deref() != Ok("1") {
        eprintln!("SKIPPED: set {GATE}=1 to test against this system's own keychain");
        return;
    }
    let store = KeyringStore::probe().expect("the start-up probe passes against the OS keychain");
    if cfg!(target_os = "macos") {
        assert_eq!(store.store_name(), "macOS Keychain");
    } else if cfg!(target_os = "windows") {
        assert_eq!(store.store_name(), "Windows Credential Manager");
    }

    let domain = format!("t{}", random(8).to_lowercase());
    let key = SecretKey::client_secret(&domain, &random(20));
    let first = format!("first-{}", random(32));
    let second = format!("second-{}", random(32));

    store.put(&key, &Secret::from(first.as_str())).unwrap();
    // A fresh store (as after a restart) reads what was written.
    assert_eq!(KeyringStore::new().get(&key).unwrap().expose(), first);
    store.put(&key, &Secret::from(second.as_str())).unwrap();
    assert_eq!(KeyringStore::new().get(&key).unwrap().expose(), second);

    store.delete(&key).unwrap();
    let err = store.get(&key).unwrap_err();
    assert_eq!(err.kind, ErrorKind::SecretNotFound);
    assert!(!format!("{err:?}").contains(&second));
    store.delete(&key).expect("deleting a missing item is fine");
}
