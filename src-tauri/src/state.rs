//! What the shell keeps between commands.

use c1_setup_core::endpoints::{Endpoints, OverrideError, Region};

/// Shared by every command through `tauri::State`.
#[derive(Debug)]
pub struct AppState {
    pub endpoints: Endpoints,
}

impl AppState {
    /// The real services, or the stand-ins named by `C1_SETUP_ENDPOINTS`.
    pub fn from_environment() -> Result<Self, OverrideError> {
        let overrides = Endpoints::overrides_from_env()?;
        Ok(Self {
            endpoints: Endpoints::with_overrides(Region::default(), &overrides)?,
        })
    }

    /// The real services, for tests.
    pub fn for_tests() -> Self {
        Self {
            endpoints: Endpoints::real(Region::default()),
        }
    }
}
