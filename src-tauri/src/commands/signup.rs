//! The signup: ConductorOne's signup page, the paste helper, and the wait
//! for the new instance (after step 3's verification login passed).

use std::sync::Arc;

use c1_setup_core::liveness::{LiveInstance, LivenessUpdate};
use c1_setup_core::session::{Session, Task};
use c1_setup_core::steps::signup::StoredSecret;
use c1_setup_core::AppError;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::clipboard::SystemClipboard;
use crate::opener::{open, Opened};

/// Opens ConductorOne's signup page. Refused until the verification login passed.
#[tauri::command]
pub fn open_signup<R: Runtime>(
    app: AppHandle<R>,
    session: State<'_, Session>,
) -> Result<Opened, AppError> {
    let url = session.setup().open_signup()?;
    Ok(open(app, url))
}

/// Copies the invite code or the Client Secret from the keychain to the
/// clipboard, cleared 30 seconds later if still there. Returns those seconds.
#[tauri::command]
pub async fn copy_secret<R: Runtime>(
    app: AppHandle<R>,
    session: State<'_, Session>,
    which: StoredSecret,
) -> Result<u32, AppError> {
    session
        .copy_secret(which, Arc::new(SystemClipboard(app)))
        .await
}

/// Waits until the new instance's address answers, reporting each check on
/// `on_update`.
#[tauri::command]
pub async fn wait_for_instance(
    session: State<'_, Session>,
    on_update: Channel<LivenessUpdate>,
) -> Result<LiveInstance, AppError> {
    let report = move |update: LivenessUpdate| {
        if let Err(e) = on_update.send(update) {
            tracing::debug!("the window stopped listening to the instance check: {e}");
        }
    };
    session.wait_for_instance(&report).await
}

/// "Stop waiting": ends the wait with `cancelled`.
#[tauri::command]
pub fn stop_waiting(session: State<'_, Session>) -> bool {
    session.cancel(Task::WaitForInstance)
}
