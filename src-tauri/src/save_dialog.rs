//! "Save as…": the native save dialog, then the file written where the admin
//! chose, with errors that say what to do. Used for the setup report (done
//! screen).
//!
//! The dialog is rfd's, shown the way Tauri's dialog plugin shows it (built on
//! the main thread, parented to the window, awaited off it); the plugin itself
//! is not linked, since the window may not call it and it brought Tauri's file
//! system plugin along.

use std::path::PathBuf;
use std::sync::mpsc;

use c1_setup_core::{AppError, ErrorKind};
use tauri::{AppHandle, Manager, Runtime};

/// What is being saved, in the dialog's and the messages' words.
pub struct SaveAs<'a> {
    /// The dialog's title, e.g. "Save the ConductorOne logo".
    pub title: &'a str,
    /// The suggested file name.
    pub file_name: &'a str,
    /// The filter's label and extension, e.g. ("PNG image", "png").
    pub filter: (&'a str, &'a str),
    /// What the file is, for messages: "the logo", "the report".
    pub what: &'a str,
    /// A folder to suggest when the chosen one cannot be used.
    pub suggested_folder: &'a str,
}

impl<'a> SaveAs<'a> {
    /// The setup report (done screen), under `file_name`.
    pub fn report(file_name: &'a str) -> Self {
        Self {
            title: "Export the setup report",
            file_name,
            filter: ("Markdown", "md"),
            what: "the report",
            suggested_folder: "Documents",
        }
    }
}

/// Shows the dialog (blocking: call from an async command, never the main
/// thread) and writes `contents`. `None` when the admin closed the dialog.
pub fn save_as<R: Runtime>(
    app: &AppHandle<R>,
    spec: &SaveAs<'_>,
    contents: &[u8],
) -> Result<Option<String>, AppError> {
    let Some(path) = ask_for_path(app, spec) else {
        return Ok(None);
    };
    std::fs::write(&path, contents).map_err(|e| {
        AppError::new(
            ErrorKind::FileWriteFailed,
            format!(
                "{} could not be saved to {}.",
                capitalised(spec.what),
                path.display()
            ),
            format!(
                "Choose a folder you can write to, such as {}, and try again.",
                spec.suggested_folder
            ),
        )
        .with_detail(e.to_string())
    })?;
    Ok(Some(path.display().to_string()))
}

/// The native save dialog, over the main window; `None` when it was closed
/// (or could not be shown: the window's event loop has stopped).
fn ask_for_path<R: Runtime>(app: &AppHandle<R>, spec: &SaveAs<'_>) -> Option<PathBuf> {
    let (sender, receiver) = mpsc::channel();
    let window = app.get_webview_window("main");
    let dialog = rfd::AsyncFileDialog::new()
        .set_title(spec.title)
        .set_file_name(spec.file_name)
        .add_filter(spec.filter.0, &[spec.filter.1])
        .set_can_create_directories(true);
    // GTK, AppKit and Win32 dialogs belong to the thread that runs the window.
    app.run_on_main_thread(move || {
        let dialog = match &window {
            Some(window) => dialog.set_parent(window),
            None => dialog,
        };
        let chosen = dialog.save_file();
        std::thread::spawn(move || {
            let path = tauri::async_runtime::block_on(chosen).map(|file| file.path().to_owned());
            let _ = sender.send(path);
        });
    })
    .ok()?;
    receiver.recv().ok().flatten()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
