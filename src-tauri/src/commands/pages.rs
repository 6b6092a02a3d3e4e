//! Pages and values the window hands to the desktop: a page of the
//! endpoint table opened in the browser, a plain value put on the clipboard.

use c1_setup_core::clipboard_guard::Clipboard;
use c1_setup_core::endpoints::Page;
use c1_setup_core::session::Session;
use c1_setup_core::AppError;
use tauri::State;

use crate::clipboard::SystemClipboard;
use crate::opener::{open, Opened};

/// Opens one of the endpoint table's pages in the system browser. The window
/// names a page; it cannot pass an address.
#[tauri::command]
pub fn open_page(session: State<'_, Session>, page: Page) -> Result<Opened, AppError> {
    let url = session.setup().page_url(page)?;
    Ok(open(url))
}

/// Puts a non-secret value (a URL, a label) on the clipboard.
#[tauri::command]
pub fn copy_text(text: String) -> Result<(), AppError> {
    SystemClipboard.write_text(&text)
}
