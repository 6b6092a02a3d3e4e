//! A bare Tauri v2 hello-world with the same Tauri version, release profile
//! and embedded-UI set-up as the assistant. With `C1_SETUP_BENCH` set, it
//! prints the same phase markers as the assistant: `main` on entry, `setup`
//! when Tauri's set-up runs, and `ready` once its page has painted. Its window
//! shows when the assistant's does: on Linux with WebKitGTK's shared-memory
//! renderer, hidden until the page's script starts (the assistant's
//! `reveal.rs` says why), otherwise at once.

#[allow(clippy::print_stdout)] // the markers are read from stdout
fn mark(event: &str) {
    if std::env::var_os("C1_SETUP_BENCH").is_some() {
        println!("bench: {event}");
    }
}

/// The page's timeline (`origin`: when its clock started, in ms since the
/// Unix epoch; then ms after that), then the ready marker.
#[tauri::command]
#[allow(clippy::print_stdout)] // the markers are read from stdout
fn ready(page: Vec<(String, f64)>) {
    if std::env::var_os("C1_SETUP_BENCH").is_some() {
        for (event, ms) in page {
            println!("bench-page: {event} {ms:.1}");
        }
    }
    mark("ready");
}

fn main() {
    mark("main");
    tauri::Builder::default()
        .setup(|app| {
            mark("setup");
            let dmabuf_off =
                std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_some_and(|v| v != "0");
            if !(cfg!(target_os = "linux") && dmabuf_off) {
                if let Some(window) = tauri::Manager::get_webview_window(app, "main") {
                    let _ = window.show();
                }
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the window could not be opened");
}
