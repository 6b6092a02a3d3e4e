//! Step 1: create your ConductorOne instance.

use c1_setup_core::progress::SavedState;
use c1_setup_core::session::Session;
use c1_setup_core::steps::step1_instance::{InstanceFieldsCheck, InstanceInput, InviteCodePasted};
use c1_setup_core::AppError;
use tauri::State;

use crate::clipboard::SystemClipboard;

/// Checks the domain and display name while the admin types (the invite code
/// is only sent once, on Continue).
#[tauri::command]
pub fn check_instance_fields(
    session: State<'_, Session>,
    domain: String,
    display_name: String,
) -> InstanceFieldsCheck {
    session
        .setup()
        .check_instance_fields(&domain, &display_name)
}

/// Confirms step 1: the invite code goes into the keychain, the rest into the
/// state file. An empty invite code keeps the stored one.
#[tauri::command]
pub async fn save_instance(
    session: State<'_, Session>,
    input: InstanceInput,
) -> Result<SavedState, AppError> {
    session
        .with_secrets(move |setup, secrets| {
            setup.save_instance(&input, secrets)?;
            Ok(setup.state().clone())
        })
        .await
}

/// The invite code's Paste button: Rust reads the clipboard and saves step 1
/// with the code straight into the keychain; the code never reaches the window.
#[tauri::command]
pub async fn paste_invite_code(
    session: State<'_, Session>,
    domain: String,
    display_name: String,
) -> Result<InviteCodePasted, AppError> {
    session
        .paste_invite_code(domain, display_name, &SystemClipboard)
        .await
}
