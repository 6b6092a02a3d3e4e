//! The system clipboard through the clipboard plugin, as the core's
//! [`Clipboard`] (copying values, clearing a copied secret).

use c1_setup_core::clipboard_guard::Clipboard;
use c1_setup_core::{AppError, ErrorKind};
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

pub struct SystemClipboard<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> Clipboard for SystemClipboard<R> {
    fn read_text(&self) -> Option<String> {
        self.0.clipboard().read_text().ok()
    }

    fn write_text(&self, text: &str) -> Result<(), AppError> {
        self.0
            .clipboard()
            .write_text(text)
            .map_err(|e| clipboard_failed(&e))
    }

    fn clear(&self) -> Result<(), AppError> {
        self.0.clipboard().clear().map_err(|e| clipboard_failed(&e))
    }
}

fn clipboard_failed(e: &tauri_plugin_clipboard_manager::Error) -> AppError {
    AppError::new(
        ErrorKind::ClipboardFailed,
        "The assistant could not use the clipboard.",
        "Try the button again. If it keeps failing, restart the assistant; a value shown on screen \
         can also be selected and copied with Ctrl+C (Cmd+C on a Mac).",
    )
    .with_detail(e.to_string())
}
