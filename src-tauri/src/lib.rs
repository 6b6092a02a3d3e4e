//! The desktop shell: window, plugins, state, and one small command module per
//! step. The logic lives in `c1-setup-core`; commands only translate between
//! IPC and the core.

pub mod cli;
pub mod commands;
mod logging;
pub mod state;

use tauri::{Manager, Runtime};

/// The application with everything but the platform runtime and the
/// single-instance plugin, so tests can build it on `tauri::test`'s mock runtime.
pub fn builder<R: Runtime>(state: state::AppState) -> tauri::Builder<R> {
    configure(tauri::Builder::<R>::new(), state)
}

/// Plugins, state and commands, on top of `base`.
fn configure<R: Runtime>(base: tauri::Builder<R>, state: state::AppState) -> tauri::Builder<R> {
    base.plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .invoke_handler(tauri::generate_handler![commands::app::app_info])
}

/// Opens the window and runs until it closes.
pub fn run() {
    let state = match state::AppState::from_environment() {
        Ok(state) => state,
        Err(problem) => {
            tracing::error!("{problem}");
            eprintln!("c1-setup: {problem}");
            std::process::exit(2);
        }
    };
    let mut builder = tauri::Builder::default();
    if single_instance_supported() {
        // A second launch focuses the running window instead of opening another.
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }));
    } else {
        tracing::warn!("no D-Bus session bus: a second launch will open a second window");
    }
    let app = configure(builder, state);
    if let Err(err) = app.run(tauri::generate_context!()) {
        tracing::error!("the assistant stopped: {err}");
        eprintln!("c1-setup: the window could not be opened: {err}");
        std::process::exit(1);
    }
}

/// On Linux the single-instance plugin talks over the D-Bus session bus. When
/// there is none (a bare SSH or container session), skip it rather than fail.
fn single_instance_supported() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|dir| std::path::Path::new(&dir).join("bus").exists())
}
