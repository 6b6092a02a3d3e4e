//! Step 2: create the OIDC app in JumpCloud.

use std::collections::BTreeSet;

use c1_setup_core::endpoints::Region;
use c1_setup_core::progress::ChecklistItem;
use c1_setup_core::session::Session;
use c1_setup_core::steps::step2_jumpcloud_app::{self, JumpcloudAppForm, RegionOption};
use c1_setup_core::AppError;
use tauri::State;

/// The values to enter in JumpCloud's form, in the form's order.
#[tauri::command]
pub fn jumpcloud_app_form(session: State<'_, Session>) -> Result<JumpcloudAppForm, AppError> {
    session.setup().jumpcloud_form()
}

#[tauri::command]
pub fn regions() -> Vec<RegionOption> {
    step2_jumpcloud_app::regions()
}

#[tauri::command]
pub fn set_region(
    session: State<'_, Session>,
    region: Region,
) -> Result<JumpcloudAppForm, AppError> {
    session.setup().set_region(region)
}

/// Changes the loopback port of the verification login; the form's second
/// redirect URI follows.
#[tauri::command]
pub fn set_loopback_port(
    session: State<'_, Session>,
    port: String,
) -> Result<JumpcloudAppForm, AppError> {
    session.setup().set_loopback_port(&port)
}

#[tauri::command]
pub fn set_checklist(
    session: State<'_, Session>,
    ticked: BTreeSet<ChecklistItem>,
) -> Result<(), AppError> {
    session.setup().set_checklist(ticked)
}
