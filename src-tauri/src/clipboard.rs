//! The system clipboard as the core's [`Clipboard`] (copying values,
//! reading a pasted secret, clearing a copied one), through `arboard`, the
//! library Tauri's clipboard plugin is built on. The plugin itself is not
//! used: the window may not touch the clipboard (its capabilities grant no
//! plugin command), the plugin cannot pass the hints below, and it connects
//! to the clipboard at start-up, which the first frame waited for.
//!
//! What a copied secret carries, per platform (the one place this is said):
//! - **Windows**: the `CanIncludeInClipboardHistory` and
//!   `CanUploadToCloudClipboard` formats set to 0: not in clipboard history
//!   (Win+V), not synced to the cloud clipboard (arboard's
//!   `exclude_from_history` and `exclude_from_cloud`).
//! - **macOS**: the `org.nspasteboard.ConcealedType` marker, which clipboard
//!   managers that follow nspasteboard.org (Maccy, Alfred, Paste, …) skip;
//!   macOS itself keeps no history.
//! - **Linux**: the `x-kde-passwordManagerHint` type ("secret"), which KDE's
//!   Klipper and managers that copy it skip. GNOME keeps no clipboard history
//!   of its own. The clipboard is reached over X11; on a Wayland desktop that
//!   is XWayland, which the desktop keeps in step with its own clipboard (a
//!   Wayland session without XWayland gets the clipboard error below, and the
//!   values can still be selected and copied by hand).
//!
//! Everywhere, the assistant also clears the secret 30 seconds later and
//! when it quits (`clipboard_guard` in the core), if it is still there.

use std::sync::{Mutex, PoisonError};

use c1_setup_core::clipboard_guard::Clipboard;
use c1_setup_core::secret::Secret;
use c1_setup_core::{AppError, ErrorKind};

/// The process's one clipboard connection, opened on first use and kept
/// until the process ends: on X11 and Wayland the owner of a copied value
/// serves it to other programs, so the connection must outlive the copy.
static CONNECTION: Mutex<Option<arboard::Clipboard>> = Mutex::new(None);

/// Runs `call` on the clipboard connection, opening it first if needed.
fn with_clipboard<T>(
    call: impl FnOnce(&mut arboard::Clipboard) -> Result<T, arboard::Error>,
) -> Result<T, AppError> {
    let mut connection = CONNECTION.lock().unwrap_or_else(PoisonError::into_inner);
    let clipboard = match connection.as_mut() {
        Some(clipboard) => clipboard,
        None => connection.insert(arboard::Clipboard::new().map_err(|e| clipboard_failed(&e))?),
    };
    call(clipboard).map_err(|e| clipboard_failed(&e))
}

/// The system clipboard.
#[derive(Debug, Clone, Copy)]
pub struct SystemClipboard;

impl Clipboard for SystemClipboard {
    fn read_text(&self) -> Option<String> {
        with_clipboard(arboard::Clipboard::get_text).ok()
    }

    fn write_text(&self, text: &str) -> Result<(), AppError> {
        with_clipboard(|clipboard| clipboard.set_text(text))
    }

    fn write_secret(&self, secret: &Secret) -> Result<(), AppError> {
        with_clipboard(|clipboard| kept_out_of_history(clipboard.set()).text(secret.expose()))
    }

    fn clear(&self) -> Result<(), AppError> {
        with_clipboard(arboard::Clipboard::clear)
    }
}

#[cfg(target_os = "windows")]
fn kept_out_of_history(set: arboard::Set<'_>) -> arboard::Set<'_> {
    use arboard::SetExtWindows;
    set.exclude_from_history().exclude_from_cloud()
}

#[cfg(target_os = "macos")]
fn kept_out_of_history(set: arboard::Set<'_>) -> arboard::Set<'_> {
    use arboard::SetExtApple;
    set.exclude_from_history()
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
))]
fn kept_out_of_history(set: arboard::Set<'_>) -> arboard::Set<'_> {
    use arboard::SetExtLinux;
    set.exclude_from_history()
}

fn clipboard_failed(e: &dyn std::fmt::Display) -> AppError {
    AppError::new(
        ErrorKind::ClipboardFailed,
        "The assistant could not use the clipboard.",
        "Try the button again. If it keeps failing, restart the assistant; a value shown on screen \
         can also be selected and copied with Ctrl+C (Cmd+C on a Mac).",
    )
    .with_detail(e.to_string())
}
