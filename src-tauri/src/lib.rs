//! The desktop shell: window, plugins, state, and one small command module per
//! step. The logic lives in `c1-setup-core`; commands only translate between
//! IPC and the core.

pub mod cli;
pub mod commands;
mod logging;
mod opener;
mod save_dialog;
pub mod state;
mod verify_sso;

use tauri::{Manager, Runtime};

/// The application's plugins, state and commands on top of `base`, for any
/// runtime: `run` passes the real one (with the single-instance plugin), the
/// IPC contract tests pass `tauri::test::mock_builder()`.
pub fn builder<R: Runtime>(base: tauri::Builder<R>, state: state::AppState) -> tauri::Builder<R> {
    base.plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .invoke_handler(all_commands!())
}

/// Opens the window and runs until it closes.
pub fn run() {
    commands::app::bench_mark("main");
    let state = match state::AppState::from_environment() {
        Ok(state) => state,
        Err(problem) => {
            tracing::error!("{problem}");
            eprintln!("c1-setup: {problem}");
            std::process::exit(2);
        }
    };
    // A second launch focuses the running window instead of opening another.
    // On Linux this goes over the D-Bus session bus; without one the plugin
    // logs a warning and the assistant starts normally.
    let base =
        tauri::Builder::default().plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }));
    commands::app::bench_mark("builder");
    let app = builder(base, state).setup(|_| {
        commands::app::bench_mark("setup");
        Ok(())
    });
    if let Err(err) = app.run(tauri::generate_context!()) {
        tracing::error!("the assistant stopped: {err}");
        eprintln!("c1-setup: the window could not be opened: {err}");
        std::process::exit(1);
    }
}
