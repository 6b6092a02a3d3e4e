//! What the desktop window keeps between its commands: the wizard
//! ([`Setup`]) behind a lock, the keychain (proved real on first use), the
//! long-running tasks the admin can cancel, and a notice to show once.
//!
//! The window's commands each make one call here or on [`Setup`]; the
//! use-cases that need the keychain, a cancellable task or the clipboard are
//! `impl Session` blocks in their step's module. The lock is never held
//! across keychain I/O on the caller's thread: keychain work runs on a
//! blocking thread.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use crate::endpoints::{Endpoints, Region};
use crate::error::AppError;
use crate::keychain::{KeyringStore, SecretStore};
use crate::net::CancelToken;
use crate::progress::StateStore;
use crate::setup::Setup;

/// Long-running work the admin can cancel from the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// The verification login of step 3.
    Login,
    /// Waiting for the new instance to answer.
    WaitForInstance,
}

/// Shared by every command of the window.
pub struct Session {
    setup: Arc<Mutex<Setup>>,
    notice: Mutex<Option<String>>,
    secrets: OnceLock<Arc<dyn SecretStore>>,
    tasks: Mutex<Vec<(Task, CancelToken)>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("setup", &self.setup)
            .field("keychain_ready", &self.secrets.get().is_some())
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Session {
    /// The saved progress in the platform config directory, and the real
    /// services or the stand-ins named by `C1_SETUP_ENDPOINTS`.
    pub fn from_environment() -> Result<Self, String> {
        let overrides = Endpoints::overrides_from_env().map_err(|e| e.to_string())?;
        // Refuse a bad override at start rather than on first use.
        Endpoints::with_overrides(Region::default(), &overrides).map_err(|e| e.to_string())?;
        let store = StateStore::in_config_dir().map_err(|e| e.message)?;
        let (setup, notice) = Setup::open(store, overrides);
        Ok(Self::new(setup, notice, None))
    }

    /// A session over `setup`, with `secrets` preset (tests) or probed on first use.
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

    /// The wizard, for use-cases that touch neither the keychain nor the network.
    pub fn setup(&self) -> MutexGuard<'_, Setup> {
        lock(&self.setup)
    }

    /// The notice to show once (then forgotten).
    pub fn take_notice(&self) -> Option<String> {
        lock(&self.notice).take()
    }

    /// The OS keychain, proved real and persistent on first use. Probing can
    /// block on D-Bus or an unlock prompt, so it runs off the caller's thread.
    pub async fn secrets(&self) -> Result<Arc<dyn SecretStore>, AppError> {
        if let Some(store) = self.secrets.get() {
            return Ok(store.clone());
        }
        let probed = tokio::task::spawn_blocking(KeyringStore::probe)
            .await
            .map_err(|e| AppError::internal(format!("The keychain check stopped: {e}")))??;
        let store: Arc<dyn SecretStore> = Arc::new(probed);
        Ok(self.secrets.get_or_init(|| store).clone())
    }

    /// Runs a wizard use-case that touches the keychain, on a blocking thread.
    pub async fn with_secrets<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Setup, &dyn SecretStore) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let secrets = self.secrets().await?;
        let setup = self.setup.clone();
        tokio::task::spawn_blocking(move || f(&mut lock(&setup), secrets.as_ref()))
            .await
            .map_err(|e| AppError::internal(format!("The keychain operation stopped: {e}")))?
    }

    /// Registers a new run of `task`, cancelling any earlier one.
    pub(crate) fn begin(&self, task: Task) -> CancelToken {
        let token = CancelToken::new();
        let mut tasks = lock(&self.tasks);
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
        let mut tasks = lock(&self.tasks);
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
