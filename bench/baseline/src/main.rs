//! A bare Tauri v2 hello-world with the same Tauri version, release profile
//! and embedded-UI set-up as the assistant. Its page calls `ready` once
//! loaded; with `C1_SETUP_BENCH` set, that prints the same marker the
//! assistant prints when step 1's form is ready.

#[tauri::command]
#[allow(clippy::print_stdout)] // the marker is read from stdout
fn ready() {
    if std::env::var_os("C1_SETUP_BENCH").is_some() {
        println!("bench: ready");
    }
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the window could not be opened");
}
