//! IPC contract tests: commands are invoked the way the webview invokes them
//! (command name + JSON body with the UI's argument names), through Tauri's
//! mock runtime, so a renamed command or argument fails here rather than in
//! the window.
//!
//! The app is built with its real context (tauri.conf.json and the
//! capabilities in capabilities/, compiled in by `generate_context!`), so
//! every call passes Tauri's permission check as in the window: a command
//! the capability does not grant is refused here too. (`mock_context` has
//! an empty access list, with which Tauri skips the check altogether.)

use std::sync::Arc;

use c1_setup_core::endpoints::Overrides;
use c1_setup_core::keychain::{MemoryStore, SecretKey, SecretStore};
use c1_setup_core::progress::StateStore;
use c1_setup_core::session::Session;
use c1_setup_core::setup::Setup;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

struct Harness {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    secrets: Arc<MemoryStore>,
    dir: tempfile::TempDir,
}

fn harness() -> Harness {
    let dir = tempfile::tempdir().expect("temp dir");
    let (setup, _) = Setup::open(
        StateStore::new(dir.path().to_path_buf()),
        Overrides::default(),
    );
    let secrets = Arc::new(MemoryStore::new());
    let store: Arc<dyn SecretStore> = secrets.clone();
    let state = Session::new(setup, None, Some(store));
    let app = c1_setup_app::builder(mock_builder(), state)
        .build(tauri::generate_context!(test = true))
        .expect("the app builds on the mock runtime");
    // The window the capability names (the mock runtime does not open
    // tauri.conf.json's windows by itself).
    let window = tauri::WebviewWindowBuilder::new(&app, "main", tauri::WebviewUrl::default())
        .build()
        .expect("the main window builds");
    Harness {
        _app: app,
        window,
        secrets,
        dir,
    }
}

/// Invokes `cmd` from `window` as its page would (the app's own origin).
fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("valid url"),
            body: InvokeBody::Json(body),
            headers: tauri::http::HeaderMap::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|r| r.deserialize::<Value>().expect("JSON response"))
}

impl Harness {
    fn invoke(&self, cmd: &str, body: Value) -> Result<Value, Value> {
        invoke(&self.window, cmd, body)
    }

    fn save_step1(&self) {
        self.invoke(
            "save_instance",
            json!({"input": {"domain": "AcmeCo", "display_name": "Acme Co", "invite_code": "Inv-Code-1"}}),
        )
        .expect("step 1 saves");
    }
}

#[test]
fn app_info_lists_the_four_steps_and_the_saved_progress() {
    let h = harness();
    let info = h.invoke("app_info", json!({})).expect("app_info succeeds");
    let ids: Vec<_> = info["steps"]
        .as_array()
        .expect("steps is an array")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids, ["instance", "jumpcloud_app", "connect", "access"]);
    assert_eq!(info["sandbox"], false);
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["progress"]["current_step"], "instance");
}

#[test]
fn unknown_commands_are_refused() {
    let h = harness();
    assert!(h.invoke("no_such_command", json!({})).is_err());
}

#[test]
fn step1_live_check_takes_the_uis_camel_case_argument_names() {
    let h = harness();
    let check = h
        .invoke(
            "check_instance_fields",
            json!({"domain": "https://acmeco.conductor.one/", "displayName": "Acme"}),
        )
        .expect("check runs");
    assert_eq!(check["errors"][0]["field"], "domain");
    assert_eq!(check["errors"][0]["suggestion"], "acmeco");
    let check = h
        .invoke(
            "check_instance_fields",
            json!({"domain": "acmeco", "displayName": "Acme"}),
        )
        .expect("check runs");
    assert_eq!(check["instance_url"], "https://acmeco.conductor.one/");
}

#[test]
fn step1_save_keeps_the_invite_code_in_the_keychain_only() {
    let h = harness();
    h.save_step1();
    let stored = h
        .secrets
        .get(&SecretKey::invite_code("acmeco"))
        .expect("stored");
    assert_eq!(stored.expose(), "Inv-Code-1");
    let file = std::fs::read_to_string(h.dir.path().join("state.json")).expect("state saved");
    assert!(file.contains("\"acmeco\""));
    assert!(!file.contains("Inv-Code-1"));

    let err = h
        .invoke(
            "save_instance",
            json!({"input": {"domain": "a_b", "display_name": "", "invite_code": "x y"}}),
        )
        .expect_err("invalid input");
    assert_eq!(err["kind"], "invalid_input");
    assert_eq!(err["fields"].as_array().map(Vec::len), Some(3));
}

#[test]
fn step2_port_region_checklist_and_step_round_trip() {
    let h = harness();
    h.save_step1();
    let err = h
        .invoke("set_loopback_port", json!({"port": "80"}))
        .expect_err("privileged port");
    assert_eq!(err["fields"][0]["field"], "loopback_port");
    let form = h
        .invoke("set_loopback_port", json!({"port": "40123"}))
        .expect("valid port");
    let text = form.to_string();
    assert!(text.contains("http://127.0.0.1:40123/callback"), "{text}");
    let form = h
        .invoke("set_region", json!({"region": "eu"}))
        .expect("region");
    assert!(form["admin_portal_url"]
        .as_str()
        .expect("url")
        .contains("console.eu.jumpcloud.com"));
    h.invoke(
        "set_checklist",
        json!({"ticked": ["create_app", "redirect_uris"]}),
    )
    .expect("checklist");
    h.invoke("set_step", json!({"step": "connect"}))
        .expect("step");
    let info = h.invoke("app_info", json!({})).expect("info");
    assert_eq!(
        info["progress"]["checklist"],
        json!(["create_app", "redirect_uris"])
    );
    assert_eq!(info["progress"]["current_step"], "connect");
    assert_eq!(info["progress"]["loopback_port"], 40123);
    assert_eq!(
        h.invoke("regions", json!({}))
            .expect("regions")
            .as_array()
            .map(Vec::len),
        Some(3)
    );
}

#[test]
fn open_page_only_takes_page_names_from_the_endpoint_table() {
    let h = harness();
    std::env::set_var("BROWSER", "true");
    let opened = h
        .invoke("open_page", json!({"page": "sso_applications"}))
        .expect("opens");
    assert_eq!(opened["url"], "https://console.jumpcloud.com/#/sso");
    assert!(opened.get("error").is_none(), "{opened}");
    assert!(h
        .invoke("open_page", json!({"page": "https://evil.example/"}))
        .is_err());
    let err = h
        .invoke("open_page", json!({"page": "instance"}))
        .expect_err("no domain yet");
    assert_eq!(err["kind"], "url_not_allowed");
}

#[test]
fn step3_credentials_go_to_the_keychain_and_never_come_back() {
    let h = harness();
    h.save_step1();
    let saved = h
        .invoke(
            "save_credentials",
            json!({"input": {"client_id": "client-123", "client_secret": "s3cret-value-0123456789"}}),
        )
        .expect("stored");
    assert_eq!(saved["store_name"], h.secrets.store_name());
    assert_eq!(saved["progress"]["client_id"], "client-123");
    assert!(!saved.to_string().contains("s3cret-value"));
    let stored = h
        .secrets
        .get(&SecretKey::client_secret("acmeco", "client-123"))
        .expect("stored");
    assert_eq!(stored.expose(), "s3cret-value-0123456789");
    let report = h.invoke("start_over", json!({})).expect("start over");
    assert_eq!(report[0]["secrets_removed"], 2);
    assert!(h.secrets.is_empty());
}

#[test]
fn page_1_opens_after_step_1_and_page_2_waits_for_the_test_sign_in() {
    // `true` stands in for the browser: it accepts the address and exits.
    std::env::set_var("BROWSER", "true");
    let h = harness();
    let err = h
        .invoke("open_signup", json!({}))
        .expect_err("no step 1 yet");
    assert_eq!(err["step"], "instance");
    h.save_step1();
    let opened = h.invoke("open_signup", json!({})).expect("page 1");
    assert_eq!(
        opened["url"],
        "https://accounts.conductor.one/accounts/signup"
    );
    let seen = h
        .invoke("confirm_setup_page", json!({}))
        .expect("page 2 seen");
    assert!(seen["signup"]["setup_page_seen_at"].is_string());
    h.invoke(
        "save_credentials",
        json!({"input": {"client_id": "client-123", "client_secret": "s3cret-value-0123456789"}}),
    )
    .expect("stored");
    let err = h
        .invoke("signup_submitted", json!({}))
        .expect_err("not verified");
    assert_eq!(err["kind"], "invalid_input");
    assert_eq!(err["step"], "connect");
    let err = h
        .invoke("copy_secret", json!({"which": "client_secret"}))
        .expect_err("the secret waits for the test sign-in");
    assert_eq!(err["step"], "connect");
    let err = h
        .invoke("copy_secret", json!({"which": "nothing"}))
        .expect_err("unknown secret name");
    assert!(err.to_string().contains("nothing"), "{err}");
}

#[test]
fn step4_form_checklist_and_finish_round_trip() {
    let h = harness();
    h.save_step1();
    let form = h.invoke("access_form", json!({})).expect("form");
    assert_eq!(
        form["user_groups_url"],
        "https://console.jumpcloud.com/#/groups/user"
    );
    assert_eq!(
        form["cleanup"]["redirect_uri"],
        "http://127.0.0.1:38710/callback"
    );
    h.invoke(
        "set_access_checklist",
        json!({"ticked": ["pick_group", "save_group"]}),
    )
    .expect("saved");
    let done = h.invoke("finish_setup", json!({})).expect("finished");
    assert!(done["finished_at"].is_string());
    assert_eq!(
        done["access_checklist"],
        json!(["pick_group", "save_group"])
    );
    assert!(h
        .invoke("set_access_checklist", json!({"ticked": ["no_such_item"]}))
        .is_err());
}

#[test]
fn what_the_capability_does_not_grant_is_refused() {
    let h = harness();
    // The window opens nothing and shows no dialog itself: Rust does each on
    // its behalf (and the clipboard has no plugin to call at all).
    for (cmd, body) in [
        (
            "plugin:opener|open_url",
            json!({"url": "https://example.com/"}),
        ),
        ("plugin:dialog|save", json!({"options": {}})),
    ] {
        let refused = h.invoke(cmd, body).expect_err(cmd);
        let message = refused.as_str().unwrap_or_default();
        assert!(
            message.contains("not allowed"),
            "{cmd} must be refused by the capability, got {refused}"
        );
    }
}

#[test]
fn a_window_the_capability_does_not_name_can_call_no_command() {
    let h = harness();
    let other = tauri::WebviewWindowBuilder::new(
        h.window.app_handle(),
        "other",
        tauri::WebviewUrl::default(),
    )
    .build()
    .expect("a second window builds");
    let refused = invoke(&other, "app_info", json!({})).expect_err("not granted to this window");
    assert!(
        refused.as_str().unwrap_or_default().contains("not allowed"),
        "got {refused}"
    );
    // The same command from the window the capability names is answered.
    h.invoke("app_info", json!({})).expect("granted to main");
}

#[test]
fn the_paste_buttons_are_granted_and_take_the_uis_argument_names() {
    let h = harness();
    h.save_step1();
    // The clipboard is the machine's; whatever it holds, the answer is the
    // command's own (a stored value or a field error), not a refusal.
    for (cmd, body) in [
        ("paste_client_id", json!({})),
        ("paste_client_secret", json!({"clientId": "abc123def"})),
        (
            "paste_invite_code",
            json!({"domain": "acmeco", "displayName": "Acme Co"}),
        ),
    ] {
        if let Err(err) = h.invoke(cmd, body) {
            assert!(err["kind"].is_string(), "{cmd}: {err}");
        }
    }
}
