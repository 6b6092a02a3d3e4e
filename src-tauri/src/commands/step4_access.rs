//! Step 4: give your colleagues access, then the done screen and the report.

use std::collections::BTreeSet;

use c1_setup_core::progress::{AccessItem, SavedState};
use c1_setup_core::session::Session;
use c1_setup_core::steps::step4_access::AccessForm;
use c1_setup_core::AppError;
use tauri::{AppHandle, Runtime, State};

use crate::save_dialog::{save_as, SaveAs};

/// What to do in JumpCloud's user groups, and the optional clean-up.
#[tauri::command]
pub fn access_form(session: State<'_, Session>) -> Result<AccessForm, AppError> {
    session.setup().access_form()
}

#[tauri::command]
pub fn set_access_checklist(
    session: State<'_, Session>,
    ticked: BTreeSet<AccessItem>,
) -> Result<(), AppError> {
    session.setup().set_access_checklist(ticked)
}

/// Step 4 is done: from now on the window opens on the done screen.
#[tauri::command]
pub fn finish_setup(session: State<'_, Session>) -> Result<SavedState, AppError> {
    let mut setup = session.setup();
    setup.finish()?;
    Ok(setup.state().clone())
}

/// Asks where to save the setup report (Markdown) and writes it there. The
/// report never holds a secret. `None` when the admin closed the dialog.
#[tauri::command]
pub async fn export_report<R: Runtime>(
    app: AppHandle<R>,
    session: State<'_, Session>,
) -> Result<Option<String>, AppError> {
    let report = session.setup().report()?;
    save_as(
        &app,
        &SaveAs::report(&report.file_name),
        report.markdown.as_bytes(),
    )
}
