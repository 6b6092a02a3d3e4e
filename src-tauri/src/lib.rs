//! The desktop shell: the window, its plugins, and one small command module
//! per step. The logic lives in `c1-setup-core`: a command converts IPC to
//! one call on the core's [`Session`] (or the `Setup` behind it) and back.
//! The OS adapters the core asks for (clipboard, browser opener, save
//! dialog), the single-instance check, when the window shows, and the
//! benchmark markers each have a small file here.

mod app_info;
mod bench;
mod clipboard;
pub mod commands;
mod opener;
mod reveal;
mod save_dialog;
mod single_instance;

use std::process::ExitCode;

use c1_setup_core::session::Session;
use tauri::{Manager, Runtime};

/// The application's plugins, state and commands on top of `base`, for any
/// runtime: `run` passes the real one (with the single-instance plugin), the
/// IPC contract tests pass `tauri::test::mock_builder()`.
pub fn builder<R: Runtime>(base: tauri::Builder<R>, session: Session) -> tauri::Builder<R> {
    base.manage(session).invoke_handler(all_commands!())
}

/// A start-up phase marker for the benchmark (see `bench.rs`).
pub fn bench_mark(event: &str) {
    bench::mark(event);
}

/// Opens the window and runs until it closes.
pub fn run_window() -> ExitCode {
    if let Some(problem) = missing_display() {
        eprintln!("{problem}");
        return ExitCode::FAILURE;
    }
    if cfg!(target_os = "linux") {
        for (name, value) in webkit_settings(|name| std::env::var_os(name).is_some()) {
            std::env::set_var(name, value);
        }
    }
    let _log_guard = c1_setup_cli::logging::init();
    bench::mark("logging");
    let session = match Session::from_environment() {
        Ok(session) => session,
        Err(problem) => {
            tracing::error!("{problem}");
            eprintln!("c1-setup: {problem}");
            return ExitCode::from(2);
        }
    };
    bench::mark("session");
    // A second launch focuses the running window instead of opening another
    // (single_instance.rs). On Linux this goes over the D-Bus session bus;
    // without one it logs a warning and the assistant starts normally. The
    // start-up view goes to the page with the page (app_info.rs).
    let base = tauri::Builder::default()
        .plugin(single_instance::plugin())
        .plugin(app_info::handed_over(&session));
    let app = builder(base, session).setup(|app| {
        bench::mark("setup");
        if let Some(window) = app.get_webview_window("main") {
            fit_to_work_area(&window);
            // Hidden until the page starts, on Linux (reveal.rs).
            reveal::at_setup(app.handle(), &window);
        }
        Ok(())
    });
    let app = match app.build(tauri::generate_context!()) {
        Ok(app) => app,
        Err(err) => {
            tracing::error!("the assistant stopped: {err}");
            eprintln!("c1-setup: the window could not be opened: {err}");
            return ExitCode::FAILURE;
        }
    };
    app.run(on_event);
    ExitCode::SUCCESS
}

/// At exit, a secret the assistant copied is cleared from the clipboard if
/// it is still there (the 30-second timers die with the process, and Tauri
/// exits without dropping its state).
fn on_event<R: Runtime>(app: &tauri::AppHandle<R>, event: tauri::RunEvent) {
    if let tauri::RunEvent::Exit = event {
        if let Some(session) = app.try_state::<Session>() {
            let cleared = session.clear_copied_secrets();
            tracing::debug!(cleared, "cleared pending clipboard secrets at exit");
        }
    }
}

/// The window's preferred size, in logical pixels (as in tauri.conf.json).
const PREFERRED: (f64, f64) = (960.0, 720.0);
/// Room left for the window's title bar and frame, in logical pixels.
const FRAME: f64 = 40.0;

/// Sizes the window to the screen's work area (the screen minus taskbars and
/// docks) when the preferred size does not fit, e.g. on a 1366×768 laptop
/// with a taskbar or a 1920×1080 screen at 150 %, and places it in the
/// middle of that area. A window that fits keeps tauri.conf.json's centring.
fn fit_to_work_area<R: Runtime>(window: &tauri::WebviewWindow<R>) {
    let Ok(Some(monitor)) = window.current_monitor() else {
        return;
    };
    let scale = monitor.scale_factor();
    let work_area = monitor.work_area();
    let area = work_area.size.to_logical::<f64>(scale);
    let (width, height) = fitted(PREFERRED, (area.width, area.height));
    tracing::debug!(?work_area, scale, width, height, "window size");
    if (width, height) == PREFERRED {
        return;
    }
    let origin = work_area.position.to_logical::<f64>(scale);
    let _ = window.set_size(tauri::LogicalSize::new(width, height));
    let _ = window.set_position(tauri::LogicalPosition::new(
        origin.x + (area.width - width) / 2.0,
        origin.y + ((area.height - height) / 2.0).max(0.0),
    ));
}

/// The preferred size, shrunk to fit `area` with room for the frame.
fn fitted(preferred: (f64, f64), area: (f64, f64)) -> (f64, f64) {
    (
        preferred.0.min(area.0 - FRAME).max(1.0),
        preferred.1.min(area.1 - FRAME).max(1.0),
    )
}

/// WebKitGTK's settings for a window that shows a form, as environment
/// variables for the web process, each one left alone when `is_set` says the
/// admin set it (measured in docs/benchmarks.md). Applied on Linux before
/// any thread or window exists.
/// - `WEBKIT_DISABLE_DMABUF_RENDERER=1`: WebKitGTK renders through GPU
///   buffers (DMA-BUF) by default. For a form that buys nothing, costs about
///   90 MiB in the web process, and is the usual cause of blank windows on
///   some GPU drivers; shared-memory rendering is used instead.
/// - `JSC_useJIT=0`: the page's script (about 40 KB, run once per click)
///   runs in JavaScriptCore's interpreter. The web process is about 7 MiB
///   smaller without the JIT compilers, and keeps no memory that is both
///   writable and executable, which leaves less to attack.
fn webkit_settings(is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    [("WEBKIT_DISABLE_DMABUF_RENDERER", "1"), ("JSC_useJIT", "0")]
        .into_iter()
        .filter(|(name, _)| !is_set(name))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webkit_settings_apply_unless_the_admin_set_them() {
        assert_eq!(
            webkit_settings(|_| false),
            [("WEBKIT_DISABLE_DMABUF_RENDERER", "1"), ("JSC_useJIT", "0")]
        );
        assert_eq!(
            webkit_settings(|name| name == "JSC_useJIT"),
            [("WEBKIT_DISABLE_DMABUF_RENDERER", "1")]
        );
        assert!(webkit_settings(|_| true).is_empty());
    }

    #[test]
    fn the_window_shrinks_to_the_work_area_and_never_grows() {
        assert_eq!(fitted(PREFERRED, (1920.0, 1040.0)), PREFERRED);
        // 1366×768 with a 48 px taskbar.
        assert_eq!(fitted(PREFERRED, (1366.0, 720.0)), (960.0, 680.0));
        // 1920×1080 at 150 %, taskbar included.
        assert_eq!(fitted(PREFERRED, (1280.0, 688.0)), (960.0, 648.0));
        assert_eq!(fitted(PREFERRED, (800.0, 600.0)), (760.0, 560.0));
    }
}
