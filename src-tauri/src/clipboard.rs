//! The system clipboard as the core's [`Clipboard`] (copying values,
//! reading a pasted secret, clearing a copied one): plain text through the
//! clipboard plugin, secrets through `arboard` (the library the plugin is
//! built on) with the platform's hints to keep them out of clipboard history.
//!
//! What a copied secret carries, per platform (the one place this is said):
//! - **Windows**: the `CanIncludeInClipboardHistory` and
//!   `CanUploadToCloudClipboard` formats set to 0: not in clipboard history
//!   (Win+V), not synced to the cloud clipboard (arboard's
//!   `exclude_from_history` and `exclude_from_cloud`).
//! - **macOS**: the `org.nspasteboard.ConcealedType` marker, which clipboard
//!   managers that follow nspasteboard.org (Maccy, Alfred, Paste, …) skip;
//!   macOS itself keeps no history.
//! - **Linux (X11 and Wayland)**: the `x-kde-passwordManagerHint` type
//!   ("secret"), which KDE's Klipper and managers that copy it skip. GNOME
//!   keeps no clipboard history of its own.
//!
//! Everywhere, the assistant also clears the secret 30 seconds later and
//! when it quits (`clipboard_guard` in the core), if it is still there.

use c1_setup_core::clipboard_guard::Clipboard;
use c1_setup_core::secret::Secret;
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

    fn write_secret(&self, secret: &Secret) -> Result<(), AppError> {
        // On X11 and Wayland this shares the plugin's clipboard connection
        // (arboard keeps one per process), which goes on serving the value
        // after this handle is dropped.
        let mut clipboard = arboard::Clipboard::new().map_err(|e| clipboard_failed(&e))?;
        kept_out_of_history(clipboard.set())
            .text(secret.expose())
            .map_err(|e| clipboard_failed(&e))
    }

    fn clear(&self) -> Result<(), AppError> {
        self.0.clipboard().clear().map_err(|e| clipboard_failed(&e))
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
