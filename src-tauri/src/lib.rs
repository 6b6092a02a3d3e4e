//! The desktop shell: the window, its plugins, and one small command module
//! per step. The logic lives in `c1-setup-core`: a command converts IPC to
//! one call on the core's [`Session`] (or the `Setup` behind it) and back.
//! The OS adapters the core asks for (clipboard, browser opener, save
//! dialog) and the benchmark markers each have a small file here.

mod app_info;
mod bench;
mod clipboard;
pub mod commands;
mod opener;
mod save_dialog;

use std::process::ExitCode;

use c1_setup_core::session::Session;
use tauri::{Manager, Runtime};

/// The application's plugins, state and commands on top of `base`, for any
/// runtime: `run` passes the real one (with the single-instance plugin), the
/// IPC contract tests pass `tauri::test::mock_builder()`.
pub fn builder<R: Runtime>(base: tauri::Builder<R>, session: Session) -> tauri::Builder<R> {
    base.plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(session)
        .invoke_handler(all_commands!())
}

/// Opens the window and runs until it closes.
pub fn run_window() -> ExitCode {
    if let Some(problem) = missing_display() {
        eprintln!("{problem}");
        return ExitCode::FAILURE;
    }
    prefer_shared_memory_rendering();
    let _log_guard = c1_setup_cli::logging::init();
    bench::mark("main");
    let session = match Session::from_environment() {
        Ok(session) => session,
        Err(problem) => {
            tracing::error!("{problem}");
            eprintln!("c1-setup: {problem}");
            return ExitCode::from(2);
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
    bench::mark("builder");
    let app = builder(base, session).setup(|_| {
        bench::mark("setup");
        Ok(())
    });
    if let Err(err) = app.run(tauri::generate_context!()) {
        tracing::error!("the assistant stopped: {err}");
        eprintln!("c1-setup: the window could not be opened: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// On Linux, WebKitGTK renders through GPU buffers (DMA-BUF) by default. For
/// a form like this one that buys nothing, costs about 90 MiB in the web
/// process (measured, see docs/benchmarks.md), and is the usual cause of blank
/// windows on some GPU drivers. Shared-memory rendering is used instead,
/// unless the admin set the variable themselves. Runs before any thread or
/// window exists.
fn prefer_shared_memory_rendering() {
    const VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
    if cfg!(target_os = "linux") && std::env::var_os(VAR).is_none() {
        std::env::set_var(VAR, "1");
    }
}

/// On Linux and the BSDs, a window needs an X11 or Wayland display. Say so in
/// one line instead of letting GTK abort with a stack trace.
fn missing_display() -> Option<String> {
    if !cfg!(all(unix, not(target_os = "macos"))) {
        return None;
    }
    let has = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if has("DISPLAY") || has("WAYLAND_DISPLAY") {
        return None;
    }
    Some(
        "c1-setup: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). \
         On a machine without a screen, run it under Xvfb: xvfb-run -a dbus-run-session -- c1-setup"
            .to_owned(),
    )
}
