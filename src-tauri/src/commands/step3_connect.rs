//! Step 3: connect JumpCloud to ConductorOne: store the Client ID and secret,
//! then prove the JumpCloud app works with a verification login.

use c1_setup_core::login::{self, LoginConfig, LoginProgress, Verified};
use c1_setup_core::state::SavedState;
use c1_setup_core::steps::step3_connect::ConnectInput;
use c1_setup_core::{AppError, Secret};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use ts_rs::TS;

use crate::opener::ShellBrowser;
use crate::state::AppState;

/// What the window shows after the credentials were stored.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CredentialsSaved {
    /// The keychain that holds the secret, e.g. "GNOME Keyring".
    pub store_name: String,
    /// True when the clipboard still held the secret and was emptied.
    pub clipboard_cleared: bool,
    pub progress: SavedState,
}

/// Stores the Client ID (state file) and the Client Secret (keychain). This
/// is the only time the secret crosses from the window to Rust; it never goes
/// back. If the clipboard still holds the secret afterwards, it is emptied.
#[tauri::command]
pub async fn save_credentials<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: ConnectInput,
) -> Result<CredentialsSaved, AppError> {
    let secret_on_clipboard = app
        .clipboard()
        .read_text()
        .ok()
        .map(Secret::new)
        .is_some_and(|clip| {
            let held = clip.expose().trim();
            !held.is_empty() && held == input.client_secret.expose().trim()
        });
    let (progress, store_name) = state
        .with_secrets(move |setup, secrets| {
            setup.save_credentials(&input, secrets)?;
            Ok((setup.state().clone(), secrets.store_name().to_owned()))
        })
        .await?;
    let clipboard_cleared = secret_on_clipboard && app.clipboard().clear().is_ok();
    Ok(CredentialsSaved {
        store_name,
        clipboard_cleared,
        progress,
    })
}

/// Runs the verification login with the stored secret, reporting progress
/// on `on_progress`. The result (never a token) is saved in the state file.
#[tauri::command]
pub async fn verify_sso<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    on_progress: Channel<LoginProgress>,
) -> Result<Verified, AppError> {
    let secret = state
        .with_secrets(|setup, secrets| setup.client_secret(secrets))
        .await?;
    let config = {
        let setup = state.setup();
        let client_id = setup.state().client_id.clone().unwrap_or_default();
        LoginConfig::new(
            setup.endpoints()?.issuer(),
            client_id,
            setup.state().loopback_port,
        )
    };
    let cancel = state.begin_login();
    let browser = ShellBrowser::new(app);
    let progress = move |p: LoginProgress| {
        if let Err(e) = on_progress.send(p) {
            tracing::debug!("the window stopped listening to login progress: {e}");
        }
    };
    let result = login::verify(&config, &secret, &browser, &progress, &cancel).await;
    if let Err(e) = &result {
        tracing::info!(issuer = %config.issuer, kind = %e.kind, "verification login failed");
    } else {
        tracing::info!(issuer = %config.issuer, "verification login succeeded");
    }
    state.setup().record_verification(&config.issuer, &result)?;
    result
}

/// Stops a running verification login; it then ends with `cancelled`.
#[tauri::command]
pub fn cancel_verification(state: State<'_, AppState>) -> bool {
    state.cancel_login()
}
