//! Opening a page in the admin's browser: `$BROWSER` when set (run by the
//! core's [`browser::open_url`], as the terminal command does), otherwise the
//! system opener through `tauri-plugin-opener`. Only addresses from the
//! endpoint table reach it.

use c1_setup_core::browser::{self, OpenBrowser};
use c1_setup_core::{AppError, ErrorKind};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;

pub struct ShellBrowser<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> OpenBrowser for ShellBrowser<R> {
    fn open(&self, url: &str) -> Result<(), AppError> {
        if std::env::var_os(browser::BROWSER_ENV).is_some_and(|v| !v.is_empty()) {
            return browser::open_url(url);
        }
        self.0.opener().open_url(url, None::<&str>).map_err(|e| {
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
pub fn open<R: Runtime>(app: AppHandle<R>, url: String) -> Opened {
    let error = ShellBrowser(app).open(&url).err();
    if let Some(err) = &error {
        tracing::warn!(url, kind = %err.kind, "could not open the browser");
    }
    Opened { url, error }
}
