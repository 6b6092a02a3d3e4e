//! Opening a page in the admin's browser: `$BROWSER` when set (run by the
//! core's [`browser::open_url`], as the terminal command does), otherwise the
//! system opener through the `open` crate (xdg-open and its kin, `open` on
//! macOS, ShellExecute on Windows), the library Tauri's opener plugin calls
//! for the same job; the plugin itself is not linked, since the window may
//! not call it and its other commands brought a D-Bus library along. Only
//! addresses from the endpoint table reach it.

use c1_setup_core::browser::{self, OpenBrowser};
use c1_setup_core::{AppError, ErrorKind};
use serde::Serialize;
use ts_rs::TS;

/// The admin's browser.
#[derive(Debug, Clone, Copy)]
pub struct SystemBrowser;

impl OpenBrowser for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), AppError> {
        if std::env::var_os(browser::BROWSER_ENV).is_some_and(|v| !v.is_empty()) {
            return browser::open_url(url);
        }
        open::that_detached(url).map_err(|e| {
            AppError::new(
                ErrorKind::BrowserOpenFailed,
                "The assistant could not open your web browser.",
                "Copy the address shown and open it in your browser yourself.",
            )
            .with_detail(e.to_string())
        })
    }
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

/// Opens `url` in the browser; a failure is reported beside the address.
pub fn open(url: String) -> Opened {
    let error = SystemBrowser.open(&url).err();
    if let Some(err) = &error {
        tracing::warn!(url, kind = %err.kind, "could not open the browser");
    }
    Opened { url, error }
}
