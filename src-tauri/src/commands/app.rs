//! Commands that serve the whole window rather than one step.

use c1_setup_core::endpoints::Page;
use c1_setup_core::setup::StartOverReport;
use c1_setup_core::state::SavedState;
use c1_setup_core::wizard::{steps, AppInfo, StepId};
use c1_setup_core::{AppError, ErrorKind};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use ts_rs::TS;

use crate::opener::ShellBrowser;
use crate::state::AppState;
use c1_setup_core::browser::OpenBrowser;

/// The step list, the saved progress, and whether the sandbox is active.
#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, AppError> {
    bench_mark("app_info");
    let setup = state.setup();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        steps: steps(),
        sandbox: setup.endpoints()?.sandbox(),
        progress: setup.state().clone(),
        benchmark: benchmark_mode(),
        notice: state.take_notice(),
    })
}

fn benchmark_mode() -> bool {
    std::env::var_os("C1_SETUP_BENCH").is_some()
}

/// Benchmark mode only: prints `bench: <event>` on stdout, where the
/// benchmark timestamps it (start-up breakdown).
#[allow(clippy::print_stdout)] // the markers are read from stdout
pub fn bench_mark(event: &str) {
    if benchmark_mode() {
        println!("bench: {event}");
    }
}

/// Benchmark mode only: the window's first step is interactive. Prints the
/// marker the benchmark waits for (the bare baseline app prints the same).
#[tauri::command]
pub fn bench_ready() {
    bench_mark("ready");
}

/// The saved progress as it is now (after a command that changed it).
#[tauri::command]
pub fn progress(state: State<'_, AppState>) -> SavedState {
    state.setup().state().clone()
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
pub async fn keychain_status(state: State<'_, AppState>) -> Result<KeychainStatus, AppError> {
    let store = state.secrets().await?;
    Ok(KeychainStatus {
        store_name: store.store_name().to_owned(),
    })
}

/// Remembers the step the admin is on, so a relaunch resumes there.
#[tauri::command]
pub fn set_step(state: State<'_, AppState>, step: StepId) -> Result<(), AppError> {
    state.setup().set_step(step)
}

/// Deletes the stored secrets and the saved progress.
#[tauri::command]
pub async fn start_over(
    state: State<'_, AppState>,
) -> Result<(StartOverReport, SavedState), AppError> {
    state
        .with_secrets(|setup, secrets| {
            let report = setup.start_over(secrets)?;
            Ok((report, setup.state().clone()))
        })
        .await
}

/// The outcome of opening a page: the address is always returned so the
/// window can show it (with a Copy button) when no browser opened.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Opened {
    pub url: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<AppError>,
}

/// Opens one of the endpoint table's pages in the system browser. The window
/// names a page; it cannot pass an address.
#[tauri::command]
pub fn open_page<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    page: Page,
) -> Result<Opened, AppError> {
    let (endpoints, domain) = {
        let setup = state.setup();
        (setup.endpoints()?, setup.state().domain.clone())
    };
    let url = endpoints.page_url(page, &domain).ok_or_else(|| {
        AppError::new(
            ErrorKind::UrlNotAllowed,
            "The instance's address is not known yet.",
            "Enter your ConductorOne domain in step 1 first.",
        )
        .at_step(StepId::Instance)
    })?;
    let error = ShellBrowser::new(app).open(&url).err();
    if let Some(err) = &error {
        tracing::warn!(url, kind = %err.kind, "could not open the browser");
    }
    Ok(Opened { url, error })
}

/// Puts a non-secret value (a URL, a label) on the clipboard.
#[tauri::command]
pub fn copy_text<R: Runtime>(app: AppHandle<R>, text: String) -> Result<(), AppError> {
    app.clipboard().write_text(text).map_err(|e| {
        AppError::new(
            ErrorKind::ClipboardFailed,
            "The assistant could not copy to the clipboard.",
            "Select the value and copy it yourself (Ctrl+C, or Cmd+C on a Mac).",
        )
        .with_detail(e.to_string())
    })
}
