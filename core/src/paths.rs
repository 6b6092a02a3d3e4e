//! Where the assistant keeps its files, per platform. Matches the directories
//! Tauri itself uses for the same identifier, so the shell and the headless
//! command agree.

use std::path::PathBuf;

/// The application identifier (also in `src-tauri/tauri.conf.json`).
pub const APP_IDENTIFIER: &str = "dev.c1setup.assistant";

/// The service name under which keychain entries are stored.
pub const KEYCHAIN_SERVICE: &str = "dev.c1setup.assistant";

/// The configuration directory: the state file lives here.
pub fn config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join(APP_IDENTIFIER))
}

/// The log directory.
pub fn log_dir() -> Option<PathBuf> {
    if cfg!(target_os = "macos") {
        dirs::home_dir().map(|d| d.join("Library/Logs").join(APP_IDENTIFIER))
    } else {
        dirs::data_local_dir().map(|d| d.join(APP_IDENTIFIER).join("logs"))
    }
}

/// The data and cache directories (nothing secret is ever written there either).
pub fn data_dir() -> Option<PathBuf> {
    dirs::data_local_dir().map(|d| d.join(APP_IDENTIFIER))
}

pub fn cache_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join(APP_IDENTIFIER))
}
