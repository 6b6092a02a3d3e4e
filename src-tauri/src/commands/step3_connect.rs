//! Step 3: connect JumpCloud to ConductorOne: store the Client ID and secret,
//! then prove the JumpCloud app works with a verification login.

use c1_setup_core::login::{LoginProgress, Verified};
use c1_setup_core::session::{Session, Task};
use c1_setup_core::steps::step3_connect::{self, ConnectInput, CredentialsSaved};
use c1_setup_core::AppError;
use tauri::ipc::Channel;
use tauri::State;

use crate::clipboard::SystemClipboard;
use crate::opener::SystemBrowser;

/// Stores the Client ID (state file) and the Client Secret (keychain), and
/// empties the clipboard if it still holds the secret.
#[tauri::command]
pub async fn save_credentials(
    session: State<'_, Session>,
    input: ConnectInput,
) -> Result<CredentialsSaved, AppError> {
    session.save_credentials(input, &SystemClipboard).await
}

/// The Client Secret's Paste button: Rust reads the clipboard and stores the
/// secret with `client_id`; the secret never reaches the window.
#[tauri::command]
pub async fn paste_client_secret(
    session: State<'_, Session>,
    client_id: String,
) -> Result<CredentialsSaved, AppError> {
    session
        .paste_client_secret(client_id, &SystemClipboard)
        .await
}

/// The Client ID's Paste button: the clipboard's text, once checked (a
/// Client ID is not a secret). The window itself cannot read the clipboard.
#[tauri::command]
pub fn paste_client_id() -> Result<String, AppError> {
    step3_connect::paste_client_id(&SystemClipboard)
}

/// Runs the verification login with the stored secret, reporting progress
/// on `on_progress`. The result (never a token) is saved in the state file.
#[tauri::command]
pub async fn verify_sso(
    session: State<'_, Session>,
    on_progress: Channel<LoginProgress>,
) -> Result<Verified, AppError> {
    let progress = move |p: LoginProgress| {
        if let Err(e) = on_progress.send(p) {
            tracing::debug!("the window stopped listening to login progress: {e}");
        }
    };
    session.verify(&SystemBrowser, &progress).await
}

/// Stops a running verification login; it then ends with `cancelled`.
#[tauri::command]
pub fn cancel_verification(session: State<'_, Session>) -> bool {
    session.cancel(Task::Login)
}
