//! Opening a page in the admin's browser, the one way the app does it:
//! `$BROWSER` when set (as the core's `browser::open_url` runs it), otherwise
//! the system opener through `tauri-plugin-opener`.

use c1_setup_core::browser::{self, OpenBrowser};
use c1_setup_core::{AppError, ErrorKind};
use tauri::{AppHandle, Runtime};
use tauri_plugin_opener::OpenerExt;

pub struct ShellBrowser<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> ShellBrowser<R> {
    pub fn new(app: AppHandle<R>) -> Self {
        Self { app }
    }
}

impl<R: Runtime> OpenBrowser for ShellBrowser<R> {
    fn open(&self, url: &str) -> Result<(), AppError> {
        if std::env::var_os("BROWSER").is_some_and(|v| !v.is_empty()) {
            return browser::open_url(url);
        }
        self.app.opener().open_url(url, None::<&str>).map_err(|e| {
            AppError::new(
                ErrorKind::BrowserOpenFailed,
                "The assistant could not open your web browser.",
                "Copy the address shown and open it in your browser yourself.",
            )
            .with_detail(e.to_string())
        })
    }
}
