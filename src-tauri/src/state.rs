//! What the shell keeps between commands: the wizard (`Setup`), the probed
//! keychain and the running verification login, if any.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use c1_setup_core::endpoints::{Endpoints, OverrideError, Region};
use c1_setup_core::keychain::{KeyringStore, SecretStore};
use c1_setup_core::login::CancelToken;
use c1_setup_core::setup::Setup;
use c1_setup_core::state::StateStore;
use c1_setup_core::AppError;

/// Shared by every command through `tauri::State`.
pub struct AppState {
    setup: Arc<Mutex<Setup>>,
    notice: Mutex<Option<String>>,
    secrets: OnceLock<Arc<dyn SecretStore>>,
    tasks: Mutex<Vec<(Task, CancelToken)>>,
}

/// Long-running work the admin can cancel from the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// The verification login of step 3.
    Login,
    /// Waiting for the new instance to answer.
    WaitForInstance,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("setup", &self.setup)
            .field("keychain_ready", &self.secrets.get().is_some())
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// The saved progress in the platform config directory, and the real
    /// services or the stand-ins named by `C1_SETUP_ENDPOINTS`.
    pub fn from_environment() -> Result<Self, String> {
        let overrides =
            Endpoints::overrides_from_env().map_err(|e: OverrideError| e.to_string())?;
        // Refuse a bad override at start rather than on first use.
        Endpoints::with_overrides(Region::default(), &overrides).map_err(|e| e.to_string())?;
        let store = StateStore::in_config_dir().map_err(|e| e.message)?;
        let (setup, notice) = Setup::open(store, overrides);
        Ok(Self::new(setup, notice, None))
    }

    /// A state over `setup`, with `secrets` preset (tests) or probed on first use.
    pub fn new(
        setup: Setup,
        notice: Option<String>,
        secrets: Option<Arc<dyn SecretStore>>,
    ) -> Self {
        let slot = OnceLock::new();
        if let Some(secrets) = secrets {
            let _ = slot.set(secrets);
        }
        Self {
            setup: Arc::new(Mutex::new(setup)),
            notice: Mutex::new(notice),
            secrets: slot,
            tasks: Mutex::new(Vec::new()),
        }
    }

    pub fn setup(&self) -> MutexGuard<'_, Setup> {
        self.setup
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The notice to show once (then forgotten).
    pub fn take_notice(&self) -> Option<String> {
        self.notice
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    /// The OS keychain, proved real and persistent on first use. Probing can
    /// block on D-Bus or an unlock prompt, so it runs off the main thread.
    pub async fn secrets(&self) -> Result<Arc<dyn SecretStore>, AppError> {
        if let Some(store) = self.secrets.get() {
            return Ok(store.clone());
        }
        let probed = tauri::async_runtime::spawn_blocking(KeyringStore::probe)
            .await
            .map_err(|e| AppError::internal(format!("The keychain check stopped: {e}")))??;
        let store: Arc<dyn SecretStore> = Arc::new(probed);
        Ok(self.secrets.get_or_init(|| store).clone())
    }

    /// Runs a wizard use-case that touches the keychain, off the main thread.
    pub async fn with_secrets<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Setup, &dyn SecretStore) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let secrets = self.secrets().await?;
        let setup = self.setup.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let mut setup = setup
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut setup, secrets.as_ref())
        })
        .await
        .map_err(|e| AppError::internal(format!("The keychain operation stopped: {e}")))?
    }

    /// Registers a new run of `task`, cancelling any earlier one.
    pub fn begin(&self, task: Task) -> CancelToken {
        let token = CancelToken::new();
        let mut tasks = self
            .tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (t, old) in tasks.iter() {
            if *t == task {
                old.cancel();
            }
        }
        tasks.retain(|(t, _)| *t != task);
        tasks.push((task, token.clone()));
        token
    }

    /// Cancels the running `task`; true if there was one.
    pub fn cancel(&self, task: Task) -> bool {
        let mut tasks = self
            .tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let before = tasks.len();
        tasks.retain(|(t, token)| {
            if *t == task {
                token.cancel();
            }
            *t != task
        });
        tasks.len() != before
    }
}
