//! Step 4: give your colleagues access, then the done screen and the report.

use std::collections::BTreeSet;

use c1_setup_core::state::SavedState;
use c1_setup_core::steps::step4_access::{self, AccessForm, AccessItem};
use c1_setup_core::{AppError, ErrorKind};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use crate::state::AppState;

/// What to do in JumpCloud's user groups, and the optional clean-up.
#[tauri::command]
pub fn access_form(state: State<'_, AppState>) -> Result<AccessForm, AppError> {
    let setup = state.setup();
    Ok(step4_access::access_form(
        &setup.endpoints()?,
        setup.state().loopback_port,
    ))
}

#[tauri::command]
pub fn set_access_checklist(
    state: State<'_, AppState>,
    ticked: BTreeSet<AccessItem>,
) -> Result<(), AppError> {
    state.setup().set_access_checklist(ticked)
}

/// Step 4 is done: from now on the window opens on the done screen.
#[tauri::command]
pub fn finish_setup(state: State<'_, AppState>) -> Result<SavedState, AppError> {
    let mut setup = state.setup();
    setup.finish()?;
    Ok(setup.state().clone())
}

/// Asks where to save the setup report (Markdown) and writes it there. The
/// report never holds the secret, the invite code or a token. `None` when
/// the admin closed the dialog.
#[tauri::command]
pub async fn export_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<String>, AppError> {
    let (report, file_name) = {
        let setup = state.setup();
        let report = step4_access::report_markdown(
            setup.state(),
            &setup.endpoints()?,
            time::OffsetDateTime::now_utc(),
        );
        (
            report,
            format!("conductorone-setup-{}.md", setup.state().domain),
        )
    };
    let Some(path) = app
        .dialog()
        .file()
        .set_title("Export the setup report")
        .set_file_name(&file_name)
        .add_filter("Markdown", &["md"])
        .blocking_save_file()
    else {
        return Ok(None);
    };
    let path = path.into_path().map_err(|e| {
        AppError::new(
            ErrorKind::FileWriteFailed,
            "That location cannot be used for the report.",
            "Choose a folder on this computer, such as Documents.",
        )
        .with_detail(e.to_string())
    })?;
    std::fs::write(&path, report).map_err(|e| {
        AppError::new(
            ErrorKind::FileWriteFailed,
            format!("The report could not be saved to {}.", path.display()),
            "Choose a folder you can write to, such as Documents, and try again.",
        )
        .with_detail(e.to_string())
    })?;
    Ok(Some(path.display().to_string()))
}
