//! What the window needs at start: a shell concern (the version, the
//! benchmark mode), with the steps and the saved progress from the core.

use c1_setup_core::progress::SavedState;
use c1_setup_core::session::Session;
use c1_setup_core::steps::{steps, StepInfo};
use c1_setup_core::AppError;
use serde::Serialize;
use ts_rs::TS;

use crate::bench;

/// What the window needs at start: the steps and whether it talks to the
/// real services or to stand-ins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub steps: Vec<StepInfo>,
    /// True when an endpoint override is active: the window shows a banner.
    pub sandbox: bool,
    /// True when `scripts/run` gave the rehearsal its own throwaway keyring
    /// (`C1_SETUP_SANDBOX_KEYRING`): the banner says secrets go there.
    pub sandbox_keyring: bool,
    /// Saved progress to resume from (a fresh state on first launch).
    pub progress: SavedState,
    /// True when started for the benchmark (`C1_SETUP_BENCH`): the window
    /// reports when step 1 is interactive.
    pub benchmark: bool,
    /// One sentence to show once, e.g. that a damaged state file was set aside.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

impl AppInfo {
    /// The start-up view of `session`; the notice is shown once.
    pub fn of(session: &Session) -> Result<Self, AppError> {
        let setup = session.setup();
        Ok(Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            steps: steps(),
            sandbox: setup.endpoints()?.sandbox(),
            sandbox_keyring: std::env::var_os("C1_SETUP_SANDBOX_KEYRING").is_some(),
            progress: setup.state().clone(),
            benchmark: bench::benchmark_mode(),
            notice: session.take_notice(),
        })
    }
}
