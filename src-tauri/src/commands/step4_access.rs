//! Step 4: give your colleagues access, then the done screen and the report.

use std::collections::BTreeSet;

use c1_setup_core::state::SavedState;
use c1_setup_core::steps::step4_access::{self, AccessForm, AccessItem};
use c1_setup_core::AppError;
use tauri::{AppHandle, Runtime, State};

use crate::save_dialog::{save_as, SaveAs};
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
        (report, step4_access::report_file_name(setup.state()))
    };
    save_as(
        &app,
        &SaveAs {
            title: "Export the setup report",
            file_name: &file_name,
            filter: ("Markdown", "md"),
            what: "the report",
            suggested_folder: "Documents",
        },
        report.as_bytes(),
    )
}
