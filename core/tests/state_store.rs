//! The state file against the real file system.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use c1_setup_core::endpoints::Region;
use c1_setup_core::progress::ChecklistItem;
use c1_setup_core::progress::{
    LoadOutcome, SavedState, StateStore, VerificationOutcome, VerificationRecord, FORMAT_VERSION,
    STATE_FILE_NAME,
};
use c1_setup_core::step::StepId;
use c1_setup_core::ErrorKind;
use time::OffsetDateTime;

fn sample() -> SavedState {
    SavedState {
        current_step: StepId::JumpcloudApp,
        domain: "acmeco".into(),
        display_name: "Acme Co — Ünïcode 🚀".into(),
        region: Region::In,
        loopback_port: 41_000,
        checklist: [ChecklistItem::RedirectUris, ChecklistItem::LoginUrl].into(),
        client_id: Some("client-123".into()),
        verification: Some(VerificationRecord {
            at: OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("valid"),
            issuer: "https://oauth.id.in.jumpcloud.com/".into(),
            client_id: "client-123".into(),
            outcome: VerificationOutcome::Failed {
                kind: ErrorKind::AccessDenied,
            },
        }),
        invite_code_stored: true,
        client_secret_stored: false,
        ..SavedState::new()
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = fs::read_dir(dir)
        .expect("readable")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn resumed(store: &StateStore) -> SavedState {
    match store.load() {
        LoadOutcome::Resumed { state } => *state,
        other => panic!("expected saved progress, got {other:?}"),
    }
}

fn reset(store: &StateStore) -> (Option<std::path::PathBuf>, String) {
    match store.load() {
        LoadOutcome::Reset { moved_to, reason } => (moved_to, reason),
        other => panic!("expected a reset, got {other:?}"),
    }
}

#[test]
fn nothing_saved_means_a_fresh_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(
        StateStore::new(dir.path().join("missing")).load(),
        LoadOutcome::Fresh
    );
    assert_eq!(
        StateStore::new(dir.path().to_path_buf()).load(),
        LoadOutcome::Fresh
    );
}

#[test]
fn round_trip_keeps_every_value_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = StateStore::new(dir.path().to_path_buf());
    let state = sample();
    let before = OffsetDateTime::now_utc() - time::Duration::seconds(1);
    store.save(&state).expect("saves");
    store.save(&state).expect("saves again over the old file");

    let loaded = resumed(&store);
    assert!(loaded.updated_at >= before, "save stamps the time");
    assert_eq!(
        loaded,
        SavedState {
            updated_at: loaded.updated_at,
            ..state
        }
    );
    assert_eq!(loaded.format_version, FORMAT_VERSION);
    assert_eq!(files_in(dir.path()), [STATE_FILE_NAME]);

    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(store.path()).expect("written")).expect("JSON");
    assert_eq!(json["current_step"], "jumpcloud_app");
    assert_eq!(json["region"], "in");
    assert_eq!(
        json["checklist"],
        serde_json::json!(["redirect_uris", "login_url"])
    );
    assert_eq!(json["verification"]["outcome"]["result"], "failed");
    assert_eq!(json["verification"]["outcome"]["kind"], "access_denied");
}

#[test]
fn the_file_holds_only_the_documented_non_secret_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = StateStore::new(dir.path().to_path_buf());
    store.save(&sample()).expect("saves");
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(store.path()).expect("written")).expect("JSON");
    let keys: BTreeSet<_> = json.as_object().expect("object").keys().cloned().collect();
    let expected: BTreeSet<String> = [
        "format_version",
        "current_step",
        "domain",
        "display_name",
        "region",
        "loopback_port",
        "checklist",
        "client_id",
        "verification",
        "invite_code_stored",
        "client_secret_stored",
        "signup",
        "access_checklist",
        "welcome_seen_at",
        "finished_at",
        "updated_at",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(keys, expected);
}

#[test]
fn a_missing_directory_is_created() {
    let dir = tempfile::tempdir().expect("temp dir");
    let nested = dir.path().join("a").join("b").join("dev.c1setup.assistant");
    let store = StateStore::new(nested.clone());
    store.save(&sample()).expect("creates the directories");
    assert!(nested.join(STATE_FILE_NAME).is_file());
    assert_eq!(resumed(&store).domain, "acmeco");
}

#[test]
fn a_corrupt_file_is_kept_aside_and_the_admin_is_told() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = StateStore::new(dir.path().to_path_buf());
    fs::write(store.path(), b"{\"format_version\": 1, \"domain\": \"acm").expect("write");

    let (moved_to, reason) = reset(&store);
    let moved_to = moved_to.expect("moved aside");
    let name = moved_to
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("state.json.corrupt-"), "{name}");
    assert_eq!(
        fs::read(&moved_to).expect("kept"),
        b"{\"format_version\": 1, \"domain\": \"acm"
    );
    assert!(!store.path().exists());
    assert!(
        reason.contains("damaged") && reason.contains(&name),
        "{reason}"
    );
    assert_eq!(reason.matches(". ").count(), 0, "one sentence: {reason}");

    // The next launch starts fresh; saving works again.
    assert_eq!(store.load(), LoadOutcome::Fresh);
    store.save(&sample()).expect("saves");
    assert_eq!(resumed(&store).domain, "acmeco");
}

#[test]
fn wrong_shapes_count_as_damaged() {
    let cases: [&[u8]; 6] = [
        b"",
        b"[]",
        b"{}",
        b"{\"format_version\": 0}",
        b"{\"format_version\": \"1\"}",
        b"{\"format_version\": 1, \"region\": \"mars\"}",
    ];
    for bytes in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = StateStore::new(dir.path().to_path_buf());
        fs::write(store.path(), bytes).expect("write");
        let (moved_to, _) = reset(&store);
        assert!(moved_to.is_some(), "{:?}", String::from_utf8_lossy(bytes));
        assert_eq!(files_in(dir.path()).len(), 1);
    }
}

#[test]
fn a_newer_file_is_kept_aside_even_if_its_shape_changed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = StateStore::new(dir.path().to_path_buf());
    let newer = format!(
        "{{\"format_version\": {}, \"current_step\": {{\"id\": 7}}}}",
        FORMAT_VERSION + 1
    );
    fs::write(store.path(), &newer).expect("write");

    let (moved_to, reason) = reset(&store);
    let moved_to = moved_to.expect("moved aside");
    let name = moved_to
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with(&format!("state.json.v{}-", FORMAT_VERSION + 1)),
        "{name}"
    );
    assert_eq!(fs::read_to_string(&moved_to).expect("kept"), newer);
    assert!(reason.contains("newer version"), "{reason}");
}

#[test]
fn two_resets_in_the_same_second_keep_both_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = StateStore::new(dir.path().to_path_buf());
    fs::write(store.path(), b"first").expect("write");
    let (first, _) = reset(&store);
    fs::write(store.path(), b"second").expect("write");
    let (second, _) = reset(&store);
    let (first, second) = (first.expect("kept"), second.expect("kept"));
    assert_ne!(first, second);
    assert_eq!(fs::read(first).expect("kept"), b"first");
    assert_eq!(fs::read(second).expect("kept"), b"second");
}

#[test]
fn an_unreadable_file_is_set_aside() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = StateStore::new(dir.path().to_path_buf());
    // A directory where the file should be cannot be read as a file, even
    // with administrator rights.
    fs::create_dir(store.path()).expect("mkdir");
    let (moved_to, reason) = reset(&store);
    assert!(moved_to.expect("moved").is_dir());
    assert!(reason.contains("could not be read"), "{reason}");
    store.save(&sample()).expect("saves");
}

#[test]
fn unknown_fields_and_checklist_ids_are_tolerated_and_missing_fields_defaulted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = StateStore::new(dir.path().to_path_buf());
    let json = serde_json::json!({
        "format_version": 1,
        "current_step": "connect",
        "domain": "acmeco",
        "checklist": ["activate", "something_added_later", 42],
        "a_field_from_later": {"nested": true},
        "updated_at": "2024-05-01T10:15:00Z"
    });
    fs::write(store.path(), serde_json::to_vec(&json).expect("JSON")).expect("write");

    let state = resumed(&store);
    assert_eq!(state.current_step, StepId::Connect);
    assert_eq!(state.domain, "acmeco");
    assert_eq!(state.checklist, [ChecklistItem::Activate].into());
    assert_eq!(state.display_name, "");
    assert_eq!(state.region, Region::Us);
    assert_eq!(
        state.loopback_port,
        c1_setup_core::endpoints::DEFAULT_LOOPBACK_PORT
    );
    assert_eq!(state.client_id, None);
    assert!(!state.client_secret_stored && !state.invite_code_stored);
}

#[test]
fn clear_deletes_the_file_and_is_quiet_when_there_is_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = StateStore::new(dir.path().join("never-created"));
    store.clear().expect("nothing to delete is fine");

    let store = StateStore::new(dir.path().to_path_buf());
    store.save(&sample()).expect("saves");
    store.clear().expect("deletes");
    assert!(!store.path().exists());
    assert_eq!(store.load(), LoadOutcome::Fresh);
}

#[test]
fn an_unwritable_location_is_a_state_write_failure() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A file where the directory should be: no account can create it.
    let blocker = dir.path().join("blocker");
    fs::write(&blocker, b"not a directory").expect("write");
    let store = StateStore::new(blocker.join("dev.c1setup.assistant"));
    let err = store
        .save(&sample())
        .expect_err("cannot create the directory");
    assert_eq!(err.kind, ErrorKind::StateWriteFailed);
    assert!(
        err.message.contains("could not save your progress"),
        "{}",
        err.message
    );
    assert!(err.detail.is_some());
    assert_eq!(fs::read(&blocker).expect("untouched"), b"not a directory");
}

#[cfg(unix)]
#[test]
fn a_read_only_directory_keeps_the_old_file() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().expect("temp dir");
    let store = StateStore::new(dir.path().to_path_buf());
    store.save(&sample()).expect("first save");
    let before = fs::read(store.path()).expect("written");

    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).expect("chmod");
    // Administrators ignore directory permissions; the writer-failure unit
    // test in `state.rs` covers that case.
    let privileged = fs::write(dir.path().join("probe"), b"").is_ok();
    if !privileged {
        let mut changed = sample();
        changed.domain = "changed".into();
        let err = store.save(&changed).expect_err("read-only");
        assert_eq!(err.kind, ErrorKind::StateWriteFailed);
        assert_eq!(fs::read(store.path()).expect("intact"), before);
        assert_eq!(files_in(dir.path()), [STATE_FILE_NAME]);
    }
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod back");
}

#[test]
fn load_outcomes_serialise_for_the_window() {
    let json = serde_json::to_value(LoadOutcome::Fresh).expect("JSON");
    assert_eq!(json, serde_json::json!({"outcome": "fresh"}));
    let json = serde_json::to_value(LoadOutcome::Reset {
        moved_to: None,
        reason: "Because.".into(),
    })
    .expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({"outcome": "reset", "reason": "Because."})
    );
    let json = serde_json::to_value(LoadOutcome::Resumed {
        state: Box::new(sample()),
    })
    .expect("JSON");
    assert_eq!(json["outcome"], "resumed");
    assert_eq!(json["state"]["domain"], "acmeco");
}

/// The half of [`a_crash_in_the_middle_of_a_save_leaves_the_previous_progress`]
/// that runs in a child process, armed to crash before the rename; a no-op
/// in a normal test run.
#[test]
fn crashing_child_saves_once() {
    let Some(dir) = std::env::var_os("C1_TEST_CRASH_DIR") else {
        return;
    };
    let store = StateStore::new(dir.into());
    let mut next = sample();
    next.current_step = StepId::Connect;
    next.client_id = Some("client-after-the-crash".into());
    let _ = store.save(&next);
    unreachable!("the save was armed to crash before the rename");
}

#[test]
fn a_crash_in_the_middle_of_a_save_leaves_the_previous_progress() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = StateStore::new(dir.path().to_path_buf());
    store.save(&sample()).expect("the first save");
    let before = fs::read_to_string(dir.path().join(STATE_FILE_NAME)).expect("state file");

    // Another process saves with the fault armed: it dies between writing
    // its temporary file and renaming it over the state file.
    let trigger = dir.path().join("crash-now");
    fs::write(&trigger, "").expect("trigger");
    let child = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "crashing_child_saves_once", "--test-threads=1"])
        .env("C1_TEST_CRASH_DIR", dir.path())
        .env("C1_SETUP_FAULT_BEFORE_RENAME", &trigger)
        .output()
        .expect("the child runs");
    assert!(!child.status.success(), "the child must have crashed");
    fs::remove_file(&trigger).expect("disarmed");

    // The state file is the previous one, byte for byte; the temporary file
    // the crash left behind is there.
    assert_eq!(
        fs::read_to_string(dir.path().join(STATE_FILE_NAME)).expect("state file"),
        before
    );
    let temps: Vec<_> = files_in(dir.path())
        .into_iter()
        .filter(|n| n.starts_with(".state-"))
        .collect();
    assert_eq!(temps.len(), 1, "{:?}", files_in(dir.path()));

    // A relaunch a while later finds the previous progress and removes the
    // leftover.
    let leftover = fs::File::options()
        .write(true)
        .open(dir.path().join(&temps[0]))
        .expect("leftover");
    leftover
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(60))
        .expect("aged");
    drop(leftover);
    let state = resumed(&store);
    assert_eq!(state.current_step, StepId::JumpcloudApp);
    assert_eq!(state.client_id.as_deref(), Some("client-123"));
    assert_eq!(files_in(dir.path()), [STATE_FILE_NAME]);
}
