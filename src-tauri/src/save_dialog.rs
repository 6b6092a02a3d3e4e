//! "Save as…": the native save dialog, then the file written where the admin
//! chose, with errors that say what to do. Used for the setup report (done
//! screen).

use c1_setup_core::{AppError, ErrorKind};
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

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
    let Some(path) = app
        .dialog()
        .file()
        .set_title(spec.title)
        .set_file_name(spec.file_name)
        .add_filter(spec.filter.0, &[spec.filter.1])
        .blocking_save_file()
    else {
        return Ok(None);
    };
    let path = path.into_path().map_err(|e| {
        AppError::new(
            ErrorKind::FileWriteFailed,
            format!("That location cannot be used for {}.", spec.what),
            format!(
                "Choose a folder on this computer, such as {}.",
                spec.suggested_folder
            ),
        )
        .with_detail(e.to_string())
    })?;
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

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
