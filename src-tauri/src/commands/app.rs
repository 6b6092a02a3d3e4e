//! Commands that serve the whole window rather than one step.

use c1_setup_core::wizard::{steps, AppInfo};
use c1_setup_core::AppError;

use crate::state::AppState;

/// The step list, the version and whether the sandbox is active.
#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> Result<AppInfo, AppError> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        steps: steps(),
        sandbox: state.endpoints.sandbox(),
    })
}
