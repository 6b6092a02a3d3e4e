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

/// A plugin whose initialization script hands `session`'s start-up view to
/// the page before the page's own script runs (ui/src/boot.ts takes it), so
/// the first frame does not wait for the `app_info` round trip (8 ms of the
/// 45 from navigation to the first frame, docs/benchmarks.md). The view
/// holds no secret: it is what `app_info` returns. Without a view (the
/// endpoints are unusable) there is no script, and the page asks
/// `app_info`, which reports the problem.
pub fn handed_over<R: tauri::Runtime>(session: &Session) -> tauri::plugin::TauriPlugin<R> {
    let plugin = tauri::plugin::Builder::new("start-up-view");
    match AppInfo::of(session).ok().as_ref().and_then(boot_script) {
        Some(script) => plugin.js_init_script(script),
        None => plugin,
    }
    .build()
}

/// The script that sets `window.__C1_SETUP_BOOT__` to `info`. JSON is a
/// JavaScript expression, so the view goes in as data, never as code.
fn boot_script(info: &AppInfo) -> Option<String> {
    let json = serde_json::to_string(info).ok()?;
    Some(format!("window.__C1_SETUP_BOOT__ = {json};"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boot_script_carries_the_view_as_json_data() {
        let info = AppInfo {
            version: "1.2.3".to_owned(),
            steps: steps(),
            sandbox: false,
            sandbox_keyring: false,
            progress: SavedState::default(),
            benchmark: false,
            notice: Some("A line with \"quotes\", </script> and \u{2028}.".to_owned()),
        };
        let script = boot_script(&info).expect("script");
        let json = script
            .strip_prefix("window.__C1_SETUP_BOOT__ = ")
            .and_then(|rest| rest.strip_suffix(';'))
            .expect("one assignment");
        let back: serde_json::Value = serde_json::from_str(json).expect("JSON");
        assert_eq!(back, serde_json::to_value(&info).expect("value"));
        assert_eq!(
            back["notice"],
            "A line with \"quotes\", </script> and \u{2028}."
        );
    }
}
