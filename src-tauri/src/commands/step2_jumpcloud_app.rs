//! Step 2: create the OIDC app in JumpCloud.

use std::collections::BTreeSet;

use c1_setup_core::endpoints::Region;
use c1_setup_core::steps::step2_jumpcloud_app::{
    self, ChecklistItem, JumpcloudAppForm, RegionOption,
};
use c1_setup_core::AppError;
use tauri::{AppHandle, Runtime, State};

use crate::save_dialog::{save_as, SaveAs};
use crate::state::AppState;

/// The logo offered for JumpCloud's optional Logo field.
const LOGO_PNG: &[u8] = include_bytes!("../../../icons/icon.png");

/// The values to enter in JumpCloud's form, in the form's order.
#[tauri::command]
pub fn jumpcloud_app_form(state: State<'_, AppState>) -> Result<JumpcloudAppForm, AppError> {
    state.setup().jumpcloud_form()
}

#[tauri::command]
pub fn regions() -> Vec<RegionOption> {
    step2_jumpcloud_app::regions()
}

#[tauri::command]
pub fn set_region(
    state: State<'_, AppState>,
    region: Region,
) -> Result<JumpcloudAppForm, AppError> {
    let mut setup = state.setup();
    setup.set_region(region)?;
    setup.jumpcloud_form()
}

/// Changes the loopback port of the verification login; the form's second
/// redirect URI follows.
#[tauri::command]
pub fn set_loopback_port(
    state: State<'_, AppState>,
    port: String,
) -> Result<JumpcloudAppForm, AppError> {
    let mut setup = state.setup();
    setup.set_loopback_port(&port)?;
    setup.jumpcloud_form()
}

#[tauri::command]
pub fn set_checklist(
    state: State<'_, AppState>,
    ticked: BTreeSet<ChecklistItem>,
) -> Result<(), AppError> {
    state.setup().set_checklist(ticked)
}

/// Asks where to save the logo, and writes it there. `None` when the admin
/// closed the dialog.
#[tauri::command]
pub async fn save_logo<R: Runtime>(app: AppHandle<R>) -> Result<Option<String>, AppError> {
    save_as(
        &app,
        &SaveAs {
            title: "Save the ConductorOne logo",
            file_name: "conductorone-logo.png",
            filter: ("PNG image", "png"),
            what: "the logo",
            suggested_folder: "Downloads",
        },
        LOGO_PNG,
    )
}
