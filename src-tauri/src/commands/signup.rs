//! ConductorOne's signup: the address checked before it, its signup page
//! (page 1, end of step 1), the page it opens (page 2, after step 3's test
//! sign-in), the paste helper, and the wait for the new instance.

use std::sync::Arc;

use c1_setup_core::liveness::{LiveInstance, LivenessUpdate};
use c1_setup_core::progress::SavedState;
use c1_setup_core::session::{Session, Task};
use c1_setup_core::steps::signup::{AddressCheck, StoredSecret};
use c1_setup_core::AppError;
use tauri::ipc::Channel;
use tauri::State;

use crate::clipboard::SystemClipboard;
use crate::opener::{open, Opened};

/// Checks the instance's address once before the signup (the baseline).
#[tauri::command]
pub async fn check_instance_address(session: State<'_, Session>) -> Result<AddressCheck, AppError> {
    session.check_instance_address().await
}

/// Opens ConductorOne's signup page (page 1), once step 1 is saved.
#[tauri::command]
pub fn open_signup(session: State<'_, Session>) -> Result<Opened, AppError> {
    let url = session.setup().open_signup()?;
    Ok(open(url))
}

/// The admin sees page 2, "Setting up JumpCloud to work with ConductorOne".
#[tauri::command]
pub fn confirm_setup_page(session: State<'_, Session>) -> Result<SavedState, AppError> {
    let mut setup = session.setup();
    setup.confirm_setup_page()?;
    Ok(setup.state().clone())
}

/// The admin entered the Client ID and secret on page 2 and signed in.
#[tauri::command]
pub fn signup_submitted(session: State<'_, Session>) -> Result<SavedState, AppError> {
    let mut setup = session.setup();
    setup.record_signup_submitted()?;
    Ok(setup.state().clone())
}

/// Copies the invite code or the Client Secret from the keychain to the
/// clipboard, cleared 30 seconds later if still there. Returns those seconds.
#[tauri::command]
pub async fn copy_secret(
    session: State<'_, Session>,
    which: StoredSecret,
) -> Result<u32, AppError> {
    session.copy_secret(which, Arc::new(SystemClipboard)).await
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
