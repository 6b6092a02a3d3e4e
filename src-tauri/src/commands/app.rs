//! Commands that serve the whole window rather than one step.

use c1_setup_core::progress::SavedState;
use c1_setup_core::session::Session;
use c1_setup_core::setup::StartOverReport;
use c1_setup_core::step::StepId;
use c1_setup_core::AppError;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::app_info::AppInfo;
use crate::bench;

/// The step list, the saved progress, and whether the sandbox is active.
#[tauri::command]
pub fn app_info(session: State<'_, Session>) -> Result<AppInfo, AppError> {
    bench::mark("app_info");
    AppInfo::of(&session)
}

/// Benchmark mode only: the window's first step is interactive. Prints the
/// page's own timeline (`page`: when the page's clock started, in ms since
/// the Unix epoch; then ms after that), then the marker the benchmark waits
/// for (the bare baseline app prints the same).
#[tauri::command]
pub fn bench_ready(page: Vec<(String, f64)>) {
    bench::page_marks(&page);
    bench::mark("ready");
}

/// The page's script has started: show the window, which waits for it on
/// Linux (reveal.rs says why). Does nothing to a window already shown.
#[tauri::command]
pub fn show_window<R: tauri::Runtime>(window: tauri::WebviewWindow<R>) {
    crate::reveal::page_started(&window);
}

/// The saved progress as it is now (after a command that changed it).
#[tauri::command]
pub fn progress(session: State<'_, Session>) -> SavedState {
    session.setup().state().clone()
}

/// Which keychain holds the secrets, e.g. "GNOME Keyring".
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct KeychainStatus {
    pub store_name: String,
}

/// Proves the OS keychain works (once per run). The window shows the error
/// and stops when it does not: secrets are never kept anywhere else.
#[tauri::command]
pub async fn keychain_status(session: State<'_, Session>) -> Result<KeychainStatus, AppError> {
    let store_name = session.secrets().await?.store_name().to_owned();
    Ok(KeychainStatus { store_name })
}

/// The admin closed the welcome: from now on it shows only from Help.
#[tauri::command]
pub fn dismiss_welcome(session: State<'_, Session>) -> Result<(), AppError> {
    session.setup().dismiss_welcome()
}

/// Remembers the step the admin is on, so a relaunch resumes there.
#[tauri::command]
pub fn set_step(session: State<'_, Session>, step: StepId) -> Result<(), AppError> {
    session.setup().set_step(step)
}

/// Deletes the stored secrets and the saved progress.
#[tauri::command]
pub async fn start_over(
    session: State<'_, Session>,
) -> Result<(StartOverReport, SavedState), AppError> {
    session
        .with_secrets(|setup, secrets| Ok((setup.start_over(secrets)?, setup.state().clone())))
        .await
}
