//! Step 2: create the OIDC app in JumpCloud.

use std::collections::BTreeSet;

use c1_setup_core::endpoints::Region;
use c1_setup_core::steps::step2_jumpcloud_app::{
    self, ChecklistItem, JumpcloudAppForm, RegionOption,
};
use c1_setup_core::{AppError, ErrorKind};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

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
    let Some(path) = app
        .dialog()
        .file()
        .set_title("Save the ConductorOne logo")
        .set_file_name("conductorone-logo.png")
        .add_filter("PNG image", &["png"])
        .blocking_save_file()
    else {
        return Ok(None);
    };
    let path = path.into_path().map_err(|e| {
        AppError::new(
            ErrorKind::FileWriteFailed,
            "That location cannot be used for the logo.",
            "Choose a folder on this computer, such as Downloads.",
        )
        .with_detail(e.to_string())
    })?;
    std::fs::write(&path, LOGO_PNG).map_err(|e| {
        AppError::new(
            ErrorKind::FileWriteFailed,
            format!("The logo could not be saved to {}.", path.display()),
            "Choose a folder you can write to, such as Downloads, and try again.",
        )
        .with_detail(e.to_string())
    })?;
    Ok(Some(path.display().to_string()))
}
