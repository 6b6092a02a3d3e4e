//! `KeyringStore` against a real Secret Service (gnome-keyring), checked
//! with an independent client (`secret-tool` from libsecret-tools).
//!
//! These tests need a D-Bus session with an unlocked gnome-keyring and run
//! only when `C1_SETUP_REAL_KEYCHAIN=1`; otherwise each prints why it was
//! skipped. `scripts/test` runs them so; by hand:
//!
//! ```sh
//! C1_SETUP_REAL_KEYCHAIN=1 XDG_DATA_HOME=$(mktemp -d) dbus-run-session -- bash -c \
//!   'printf pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
//!    cargo test -p c1-setup-core --test keychain_secret_service'
//! ```
//!
//! The tests wait for gnome-keyring to own `org.freedesktop.secrets` before
//! they start: `gnome-keyring-daemon --unlock` returns before it has
//! registered, and a call made in that window would start a second daemon
//! through D-Bus activation.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

use c1_setup_core::keychain::{KeyringStore, SecretKey, SecretStore};
use c1_setup_core::paths::KEYCHAIN_SERVICE;
use c1_setup_core::step::StepId;
use c1_setup_core::{ErrorKind, Secret};
use dbus_secret_service::{EncryptionType, SecretService};
use rand::distributions::{Alphanumeric, DistString};

const GATE: &str = "C1_SETUP_REAL_KEYCHAIN";

/// True when the real keychain tests should run; waits for the Secret
/// Service to be on the bus.
fn real_keychain() -> bool {
    if std::env::var(GATE).as_deref() != Ok("1") {
        eprintln!(
            "SKIPPED: set {GATE}=1 and run inside a D-Bus session with an unlocked gnome-keyring \
             (see the 'Rust tests' check in scripts/test) to test against the real Secret Service"
        );
        return false;
    }
    wait_for_secret_service();
    true
}

fn wait_for_secret_service() {
    let deadline = Instant::now() + Duration::from_secs(10);
    let connection = dbus::blocking::Connection::new_session().unwrap_or_else(|e| {
        panic!("{GATE}=1 but there is no D-Bus session bus ({e}); run the tests under dbus-run-session")
    });
    let bus = connection.with_proxy(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        Duration::from_secs(2),
    );
    loop {
        let (owned,): (bool,) = bus
            .method_call(
                "org.freedesktop.DBus",
                "NameHasOwner",
                ("org.freedesktop.secrets",),
            )
            .unwrap();
        if owned {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{GATE}=1 but nothing owns org.freedesktop.secrets: start it with \
             `printf pass | gnome-keyring-daemon --unlock --components=secrets`"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn random(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

/// A client-secret key unique to this test run.
fn fresh_key() -> SecretKey {
    SecretKey::client_secret(&format!("t{}", random(8).to_lowercase()), &random(20))
}

/// `secret-tool lookup service <service> account <account>`: the stored
/// secret, or None when there is no such item.
fn secret_tool_lookup(key: &SecretKey) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", key.service(), "account", key.account()])
        .output()
        .expect("secret-tool is installed (package libsecret-tools)");
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).expect("utf-8"))
}

/// `secret-tool search --all service <service> account <account>`: the
/// items' label and attribute lines (the secret lines dropped). secret-tool
/// prints labels on stdout and attributes on stderr.
fn secret_tool_search(key: &SecretKey) -> Vec<String> {
    let out = Command::new("secret-tool")
        .args([
            "search",
            "--all",
            "service",
            key.service(),
            "account",
            key.account(),
        ])
        .output()
        .expect("secret-tool is installed (package libsecret-tools)");
    let mut text = String::from_utf8(out.stdout).expect("utf-8");
    text.push_str(&String::from_utf8(out.stderr).expect("utf-8"));
    text.lines()
        .filter(|l| !l.starts_with("secret = "))
        .map(str::to_owned)
        .collect()
}

fn item_count(key: &SecretKey) -> usize {
    secret_tool_search(key)
        .iter()
        .filter(|l| l.starts_with("label = "))
        .count()
}

#[test]
fn probe_proves_the_store_and_names_gnome_keyring() {
    if !real_keychain() {
        return;
    }
    let store = KeyringStore::probe().expect("the probe passes against gnome-keyring");
    assert_eq!(store.store_name(), "GNOME Keyring");

    // The probe cleans up after itself: no start-up check item is left.
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", KEYCHAIN_SERVICE])
        .output()
        .unwrap();
    let listing = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    assert!(!listing.contains("startup-check/"), "{listing}");
}

#[test]
fn a_stored_secret_is_visible_to_secret_tool_then_replaced_then_removed() {
    if !real_keychain() {
        return;
    }
    let store = KeyringStore::new();
    let key = fresh_key();
    let first = format!("first-{}", random(32));
    let second = format!("second-{}", random(32));

    store.put(&key, &Secret::from(first.as_str())).unwrap();
    assert_eq!(secret_tool_lookup(&key).as_deref(), Some(first.as_str()));
    let attributes = secret_tool_search(&key);
    assert!(
        attributes.contains(&format!("label = {}", key.label())),
        "{attributes:?}"
    );
    assert!(attributes.contains(&format!("attribute.service = {KEYCHAIN_SERVICE}")));
    assert!(attributes.contains(&format!("attribute.account = {}", key.account())));
    assert!(attributes.contains(&"attribute.application = dev.c1setup.assistant".to_owned()));

    // Overwrite: same item, new value.
    store.put(&key, &Secret::from(second.as_str())).unwrap();
    assert_eq!(secret_tool_lookup(&key).as_deref(), Some(second.as_str()));
    assert_eq!(
        item_count(&key),
        1,
        "overwriting must not add a second item"
    );
    // A fresh store (as after a restart) reads the new value.
    assert_eq!(KeyringStore::new().get(&key).unwrap().expose(), second);

    store.delete(&key).unwrap();
    assert_eq!(secret_tool_lookup(&key), None);
    assert_eq!(item_count(&key), 0);
    let err = store.get(&key).unwrap_err();
    assert_eq!(err.kind, ErrorKind::SecretNotFound);
    assert_eq!(err.step, Some(StepId::Connect));
    assert!(!format!("{err:?}").contains(&second));
    store.delete(&key).expect("deleting a missing item is fine");
}

#[test]
fn start_over_removes_the_invite_code_and_the_client_secret() {
    if !real_keychain() {
        return;
    }
    let store = KeyringStore::new();
    let domain = format!("t{}", random(8).to_lowercase());
    let secret_key = SecretKey::client_secret(&domain, &random(20));
    let invite_key = SecretKey::invite_code(&domain);
    let invite = format!("Invite-{}", random(12));

    store
        .put(&invite_key, &Secret::from(invite.as_str()))
        .unwrap();
    store
        .put(&secret_key, &Secret::from("client-secret-value-1234"))
        .unwrap();
    assert_eq!(
        secret_tool_lookup(&invite_key).as_deref(),
        Some(invite.as_str())
    );
    assert_eq!(store.get(&invite_key).unwrap().expose(), invite);

    for key in [&invite_key, &secret_key] {
        store.delete(key).unwrap();
        assert_eq!(secret_tool_lookup(key), None);
    }
    let err = store.get(&invite_key).unwrap_err();
    assert_eq!(err.kind, ErrorKind::SecretNotFound);
    assert_eq!(err.step, Some(StepId::Instance));
}

#[test]
fn an_item_written_by_another_client_is_read() {
    if !real_keychain() {
        return;
    }
    let key = fresh_key();
    let value = format!("from-secret-tool-{}", random(16));
    let mut child = Command::new("secret-tool")
        .args([
            "store",
            "--label=written by secret-tool",
            "service",
            key.service(),
            "username",
            key.account(),
            "account",
            key.account(),
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), value.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());

    let store = KeyringStore::new();
    assert_eq!(store.get(&key).unwrap().expose(), value);

    // Saving over it keeps the one item and brings it to the assistant's
    // layout: the missing attributes and the assistant's label.
    store.put(&key, &Secret::from("replaced")).unwrap();
    assert_eq!(secret_tool_lookup(&key).as_deref(), Some("replaced"));
    assert_eq!(item_count(&key), 1);
    assert_eq!(attribute_lines(&key), documented_lines(&key));

    store.delete(&key).unwrap();
    assert_eq!(secret_tool_lookup(&key), None);
}

/// The label and attribute lines `secret-tool search` prints for an item in
/// the layout documented in `c1_setup_core::keychain`, sorted.
fn documented_lines(key: &SecretKey) -> Vec<String> {
    let mut lines = vec![
        format!("label = {}", key.label()),
        format!("attribute.service = {KEYCHAIN_SERVICE}"),
        format!("attribute.username = {}", key.account()),
        format!("attribute.account = {}", key.account()),
        "attribute.target = default".to_owned(),
        "attribute.application = dev.c1setup.assistant".to_owned(),
    ];
    lines.sort();
    lines
}

/// The label and attribute lines of the one item for `key`, sorted.
fn attribute_lines(key: &SecretKey) -> Vec<String> {
    let mut lines: Vec<String> = secret_tool_search(key)
        .into_iter()
        .filter(|l| l.starts_with("label = ") || l.starts_with("attribute."))
        .collect();
    lines.sort();
    lines
}

#[test]
fn a_new_item_carries_every_documented_attribute_and_nothing_else() {
    if !real_keychain() {
        return;
    }
    let store = KeyringStore::new();
    let key = fresh_key();
    store.put(&key, &Secret::from(random(24).as_str())).unwrap();
    assert_eq!(attribute_lines(&key), documented_lines(&key));
    // Overwriting does not change them.
    store.put(&key, &Secret::from(random(24).as_str())).unwrap();
    assert_eq!(attribute_lines(&key), documented_lines(&key));

    // The item is in the default collection, as keyring 3 put it.
    let ss = SecretService::connect(EncryptionType::Dh).unwrap();
    let default_collection = ss.get_default_collection().unwrap();
    let in_default = default_collection
        .search_items(HashMap::from([
            ("service", key.service()),
            ("account", key.account()),
        ]))
        .unwrap();
    assert_eq!(in_default.len(), 1);

    store.delete(&key).unwrap();
    assert_eq!(item_count(&key), 0);
    // Every call built its entry from the Secret Service store itself:
    // keyring-core never got a default store (which could be its mock).
    assert!(keyring_core::get_default_store().is_none());
}

/// Writes an item the way keyring 3 (the assistant's earlier keychain
/// crate) wrote it: `create_item` in the default collection with its
/// attributes `service`, `username`, `target` = `default`, `application`
/// (replaced by the assistant's identifier) and the assistant's extra
/// `account`, the assistant's label, content type text/plain.
fn store_as_keyring_3_did(key: &SecretKey, value: &str) {
    let ss = SecretService::connect(EncryptionType::Dh).unwrap();
    let collection = ss.get_default_collection().unwrap();
    let label = key.label();
    collection
        .create_item(
            &label,
            HashMap::from([
                ("service", key.service()),
                ("username", key.account()),
                ("target", "default"),
                ("application", "dev.c1setup.assistant"),
                ("account", key.account()),
            ]),
            value.as_bytes(),
            true,
            "text/plain",
        )
        .unwrap();
}

#[test]
fn an_item_written_as_keyring_3_wrote_it_is_read_overwritten_and_deleted() {
    if !real_keychain() {
        return;
    }
    let key = fresh_key();
    let old = format!("written-by-keyring-3-{}", random(16));
    store_as_keyring_3_did(&key, &old);
    assert_eq!(secret_tool_lookup(&key).as_deref(), Some(old.as_str()));
    let before = attribute_lines(&key);
    assert_eq!(before, documented_lines(&key));

    let store = KeyringStore::new();
    assert_eq!(store.get(&key).unwrap().expose(), old);

    let new = format!("written-now-{}", random(16));
    store.put(&key, &Secret::from(new.as_str())).unwrap();
    assert_eq!(secret_tool_lookup(&key).as_deref(), Some(new.as_str()));
    assert_eq!(item_count(&key), 1, "the old item is reused, not doubled");
    assert_eq!(attribute_lines(&key), before);
    assert_eq!(KeyringStore::new().get(&key).unwrap().expose(), new);

    store.delete(&key).unwrap();
    assert_eq!(secret_tool_lookup(&key), None);
    assert_eq!(item_count(&key), 0);
    assert_eq!(store.get(&key).unwrap_err().kind, ErrorKind::SecretNotFound);
}

#[test]
fn works_from_spawn_blocking_and_from_an_async_task() {
    if !real_keychain() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let key = fresh_key();
    let value = format!("async-{}", random(24));
    runtime.block_on(async {
        // The documented way: on the blocking pool.
        let (k, v) = (key.clone(), value.clone());
        tokio::task::spawn_blocking(move || {
            let store = KeyringStore::probe()?;
            store.put(&k, &Secret::from(v.as_str()))?;
            store.get(&k)
        })
        .await
        .unwrap()
        .map(|s| assert_eq!(s.expose(), value))
        .unwrap();

        // Called straight from an async task: slower, but must not panic
        // or deadlock.
        let store = KeyringStore::new();
        assert_eq!(store.get(&key).unwrap().expose(), value);
        store.delete(&key).unwrap();
    });
    // And from a current-thread runtime, as a Tauri command's caller might.
    let single = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    single.block_on(async {
        let store = KeyringStore::new();
        assert_eq!(store.get(&key).unwrap_err().kind, ErrorKind::SecretNotFound);
    });
    assert_eq!(secret_tool_lookup(&key), None);
}

#[test]
fn concurrent_callers_each_get_their_own_item() {
    if !real_keychain() {
        return;
    }
    let handles: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let store = KeyringStore::new();
                let key = fresh_key();
                let value = format!("thread-{i}-{}", random(16));
                store.put(&key, &Secret::from(value.as_str())).unwrap();
                assert_eq!(store.get(&key).unwrap().expose(), value);
                assert_eq!(secret_tool_lookup(&key).as_deref(), Some(value.as_str()));
                store.delete(&key).unwrap();
                assert_eq!(secret_tool_lookup(&key), None);
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
}
