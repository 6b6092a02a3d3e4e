//! IPC contract tests: commands are invoked the way the webview invokes them
//! (command name + JSON body), through Tauri's mock runtime, so a renamed
//! command or argument fails here rather than in the window.

use c1_setup_app::state::AppState;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

fn app_window() -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = c1_setup_app::builder(mock_builder(), AppState::for_tests())
        .build(mock_context(noop_assets()))
        .expect("the app builds on the mock runtime");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", tauri::WebviewUrl::default())
        .build()
        .expect("the main window builds");
    (app, window)
}

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

#[test]
fn app_info_lists_the_four_steps() {
    let (_app, window) = app_window();
    let info = invoke(&window, "app_info", json!({})).expect("app_info succeeds");
    let ids: Vec<_> = info["steps"]
        .as_array()
        .expect("steps is an array")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids, ["instance", "jumpcloud_app", "connect", "access"]);
    assert_eq!(info["sandbox"], false);
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn unknown_commands_are_refused() {
    let (_app, window) = app_window();
    assert!(invoke(&window, "no_such_command", json!({})).is_err());
}
