//! Step 3: connect JumpCloud to ConductorOne: store the Client ID and secret,
//! then prove the JumpCloud app works with a verification login.

use std::sync::Arc;

use c1_setup_core::browser::OpenBrowser;
use c1_setup_core::clipboard_guard::{copy_secret_then_clear, Clipboard, CLEAR_AFTER};
use c1_setup_core::liveness::{self, LiveInstance, LivenessConfig, LivenessUpdate};
use c1_setup_core::login::{self, LoginConfig, LoginProgress, Verified};
use c1_setup_core::setup::StoredSecret;
use c1_setup_core::state::SavedState;
use c1_setup_core::steps::step3_connect::ConnectInput;
use c1_setup_core::{AppError, ErrorKind, Secret};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use ts_rs::TS;

use crate::commands::app::Opened;
use crate::opener::ShellBrowser;
use crate::state::{AppState, Task};

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
    let cancel = state.begin(Task::Login);
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
    state.cancel(Task::Login)
}

/// Opens ConductorOne's signup page for the hand-off. Refused until the
/// verification login passed.
#[tauri::command]
pub fn open_signup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Opened, AppError> {
    let url = {
        let mut setup = state.setup();
        setup.record_signup_opened()?;
        setup.endpoints()?.signup_page()
    };
    let error = ShellBrowser::new(app).open(&url).err();
    Ok(Opened { url, error })
}

/// The system clipboard through the clipboard plugin, for the guard that
/// clears a copied secret after 30 seconds.
struct SystemClipboard<R: Runtime>(AppHandle<R>);

impl<R: Runtime> Clipboard for SystemClipboard<R> {
    fn read_text(&self) -> Option<String> {
        self.0.clipboard().read_text().ok()
    }

    fn write_text(&self, text: &str) -> Result<(), AppError> {
        self.0
            .clipboard()
            .write_text(text)
            .map_err(|e| clipboard_failed(&e.to_string()))
    }

    fn clear(&self) -> Result<(), AppError> {
        self.0
            .clipboard()
            .clear()
            .map_err(|e| clipboard_failed(&e.to_string()))
    }
}

fn clipboard_failed(detail: &str) -> AppError {
    AppError::new(
        ErrorKind::ClipboardFailed,
        "The assistant could not use the clipboard.",
        "Try the Copy button again. If it keeps failing, restart the assistant.",
    )
    .with_detail(detail)
}

/// Copies the invite code or the Client Secret from the keychain to the
/// clipboard, and clears the clipboard 30 seconds later if it still holds
/// it. The secret never passes through the window.
#[tauri::command]
pub async fn copy_secret<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    which: StoredSecret,
) -> Result<u32, AppError> {
    let secret = state
        .with_secrets(move |setup, secrets| setup.stored_secret(which, secrets))
        .await?;
    let clipboard: Arc<dyn Clipboard> = Arc::new(SystemClipboard(app));
    let cleared = copy_secret_then_clear(clipboard, secret, CLEAR_AFTER)?;
    tauri::async_runtime::spawn(async move {
        if let Ok(true) = cleared.await {
            tracing::info!("cleared the clipboard after a copied secret");
        }
    });
    Ok(u32::try_from(CLEAR_AFTER.as_secs()).unwrap_or(u32::MAX))
}

/// Waits until the new instance's address answers, reporting each check on
/// `on_update`. "Stop waiting" ends it with `cancelled`; the admin can come
/// back later.
#[tauri::command]
pub async fn wait_for_instance(
    state: State<'_, AppState>,
    on_update: Channel<LivenessUpdate>,
) -> Result<LiveInstance, AppError> {
    let url = state.setup().instance_url()?;
    let cancel = state.begin(Task::WaitForInstance);
    let report = move |update: LivenessUpdate| {
        if let Err(e) = on_update.send(update) {
            tracing::debug!("the window stopped listening to the instance check: {e}");
        }
    };
    let live =
        liveness::wait_until_live(&url, &LivenessConfig::default(), &report, &cancel).await?;
    let answered = live
        .answered_at()
        .unwrap_or_else(time::OffsetDateTime::now_utc);
    state.setup().record_instance_live(answered)?;
    Ok(live)
}

#[tauri::command]
pub fn stop_waiting(state: State<'_, AppState>) -> bool {
    state.cancel(Task::WaitForInstance)
}
