//! A bare Tauri v2 hello-world with the same Tauri version, release profile
//! and embedded-UI set-up as the assistant. With `C1_SETUP_BENCH` set, it
//! prints the same phase markers as the assistant: `main` on entry, `setup`
//! when Tauri's set-up runs, and `ready` once its page has painted.

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
        .setup(|_| {
            mark("setup");
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the window could not be opened");
}
