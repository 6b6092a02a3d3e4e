//! What the desktop window keeps between its commands: the wizard
//! ([`Setup`]) behind a lock, the keychain (proved real on first use), the
//! long-running tasks the admin can cancel, and a notice to show once.
//!
//! The window's commands each make one call here or on [`Setup`]; the
//! use-cases that need the keychain, a cancellable task or the clipboard are
//! `impl Session` blocks in their step's module. No lock is held across
//! keychain I/O: a use-case that needs the keychain runs on a blocking thread
//! over a copy of the wizard, which replaces the shared one when it is done,
//! and every keychain call is bounded in time ([`KEYCHAIN_TIMEOUT`]), so an
//! unanswered unlock prompt or a hung Secret Service never freezes the
//! window's other commands. The secrets copied to the clipboard that are
//! still to be cleared are kept here too ([`ClipboardGuard`]): the desktop
//! shell clears them when the app exits ([`Session::clear_copied_secrets`]),
//! and dropping the session does the same.

use std::sync::{mpsc, Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use crate::clipboard_guard::{clear_if_unchanged, Clipboard, ClipboardGuard};
use crate::endpoints::{Endpoints, Region};
use crate::error::{AppError, ErrorKind};
use crate::keychain::{KeyringStore, SecretKey, SecretStore};
use crate::net::CancelToken;
use crate::progress::{SavedState, StateStore};
use crate::secret::Secret;
use crate::setup::Setup;

/// What [`Session::store_pasted`] did.
#[derive(Debug)]
pub(crate) struct Stored {
    /// The progress as saved.
    pub progress: SavedState,
    /// The keychain that holds the secret, e.g. "GNOME Keyring".
    pub store_name: String,
    /// True when the clipboard still held the secret and was emptied.
    pub clipboard_cleared: bool,
}

/// Long-running work the admin can cancel from the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// The verification login of step 3.
    Login,
    /// Waiting for the new instance to answer.
    WaitForInstance,
}

/// How long one keychain call may take, unlock prompt included, before the
/// use-case gives up with `keychain_unavailable`.
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(60);

/// Shared by every command of the window.
pub struct Session {
    setup: Arc<Mutex<Setup>>,
    notice: Mutex<Option<String>>,
    secrets: OnceLock<Arc<dyn SecretStore>>,
    tasks: Mutex<Vec<(Task, CancelToken)>>,
    /// Keychain use-cases take turns, so that one's copy of the wizard does
    /// not overwrite another's.
    keychain_turn: tokio::sync::Mutex<()>,
    keychain_timeout: Duration,
    /// Copied secrets still to be cleared; dropping it clears them.
    clipboard: ClipboardGuard,
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
            keychain_turn: tokio::sync::Mutex::new(()),
            keychain_timeout: KEYCHAIN_TIMEOUT,
            clipboard: ClipboardGuard::default(),
        }
    }

    /// The same session with another bound on keychain calls (tests).
    #[must_use]
    pub fn with_keychain_timeout(mut self, timeout: Duration) -> Self {
        self.keychain_timeout = timeout;
        self
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
        let timeout = self.keychain_timeout;
        let probed = tokio::task::spawn_blocking(move || bounded(timeout, KeyringStore::probe))
            .await
            .map_err(|e| AppError::internal(format!("The keychain check stopped: {e}")))??;
        let store: Arc<dyn SecretStore> = Arc::new(probed);
        Ok(self.secrets.get_or_init(|| store).clone())
    }

    /// Runs a wizard use-case that touches the keychain, on a blocking thread,
    /// over a copy of the wizard: the other commands keep answering meanwhile.
    /// The copy, with the use-case's changes (already saved), then replaces
    /// the shared wizard.
    pub async fn with_secrets<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Setup, &dyn SecretStore) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let secrets = self.secrets().await?;
        let _turn = self.keychain_turn.lock().await;
        let mut copy = self.setup().clone();
        let store = Bounded {
            inner: secrets,
            timeout: self.keychain_timeout,
        };
        let (result, copy) = tokio::task::spawn_blocking(move || {
            let result = f(&mut copy, &store);
            (result, copy)
        })
        .await
        .map_err(|e| AppError::internal(format!("The keychain operation stopped: {e}")))?;
        *self.setup() = copy;
        result
    }

    /// Runs a use-case that stores `pasted` in the keychain, then empties the
    /// clipboard if it still holds that value.
    pub(crate) async fn store_pasted(
        &self,
        pasted: Secret,
        clipboard: &dyn Clipboard,
        f: impl FnOnce(&mut Setup, &dyn SecretStore) -> Result<(), AppError> + Send + 'static,
    ) -> Result<Stored, AppError> {
        let (progress, store_name) = self
            .with_secrets(move |setup, secrets| {
                f(setup, secrets)?;
                Ok((setup.state().clone(), secrets.store_name().to_owned()))
            })
            .await?;
        Ok(Stored {
            progress,
            store_name,
            clipboard_cleared: clear_if_unchanged(clipboard, &pasted),
        })
    }

    /// The copies of secrets that are still to be cleared from the clipboard.
    pub fn clipboard_guard(&self) -> &ClipboardGuard {
        &self.clipboard
    }

    /// The app is exiting: clears the clipboard now if it still holds a
    /// secret the assistant copied. Returns how many clears emptied it.
    pub fn clear_copied_secrets(&self) -> usize {
        self.clipboard.clear_now()
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

/// Runs `call` on a thread of its own and waits at most `timeout` for it. A
/// call that does not come back (a hung Secret Service, an unanswered unlock
/// prompt) is left behind on its thread.
fn bounded<T: Send + 'static>(
    timeout: Duration,
    call: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let (done, outcome) = mpsc::channel();
    std::thread::Builder::new()
        .name("keychain-call".into())
        .spawn(move || {
            let _ = done.send(call());
        })
        .map_err(|e| AppError::internal(format!("The keychain call could not start: {e}")))?;
    outcome
        .recv_timeout(timeout)
        .unwrap_or_else(|_| Err(keychain_not_answering(timeout)))
}

fn keychain_not_answering(timeout: Duration) -> AppError {
    AppError::new(
        ErrorKind::KeychainUnavailable,
        format!(
            "The keychain did not answer within {} seconds, so nothing was read or saved.",
            timeout.as_secs().max(1)
        ),
        "If the system asks to unlock the keychain, answer that prompt (it may be behind other windows), \
         then try again. If no prompt appears, the keychain service may be stuck: log out and back in, \
         or restart the computer, then try again.",
    )
}

/// A keychain whose every call is bounded by a timeout.
struct Bounded {
    inner: Arc<dyn SecretStore>,
    timeout: Duration,
}

impl SecretStore for Bounded {
    fn put(&self, key: &SecretKey, secret: &Secret) -> Result<(), AppError> {
        let (inner, key, secret) = (self.inner.clone(), key.clone(), secret.clone());
        bounded(self.timeout, move || inner.put(&key, &secret))
    }
    fn get(&self, key: &SecretKey) -> Result<Secret, AppError> {
        let (inner, key) = (self.inner.clone(), key.clone());
        bounded(self.timeout, move || inner.get(&key))
    }
    fn delete(&self, key: &SecretKey) -> Result<(), AppError> {
        let (inner, key) = (self.inner.clone(), key.clone());
        bounded(self.timeout, move || inner.delete(&key))
    }
    fn store_name(&self) -> &'static str {
        self.inner.store_name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clipboard_guard::tests::FakeClipboard;
    use crate::clipboard_guard::Clipboard;
    use crate::keychain::MemoryStore;
    use crate::setup::test_support::{instance, setup};
    use crate::steps::signup::StoredSecret;

    /// A session after step 1 that copied the invite code to `clipboard`.
    async fn copied_invite_code(clipboard: &Arc<FakeClipboard>) -> (Session, tempfile::TempDir) {
        let (mut wizard, dir) = setup();
        let store = Arc::new(MemoryStore::default());
        wizard
            .save_instance(&instance("acmeco", "Invite-XYZ"), store.as_ref())
            .expect("step 1 saved");
        let session = Session::new(wizard, None, Some(store));
        let shared: Arc<dyn Clipboard> = clipboard.clone();
        session
            .copy_secret(StoredSecret::InviteCode, shared)
            .await
            .expect("copied");
        assert_eq!(clipboard.holds().as_deref(), Some("Invite-XYZ"));
        (session, dir)
    }

    #[tokio::test]
    async fn a_copied_secret_does_not_outlive_the_session() {
        let clipboard = Arc::new(FakeClipboard::default());
        let (session, _dir) = copied_invite_code(&clipboard).await;

        // The admin quits well before the 30 seconds are up.
        drop(session);
        assert_eq!(clipboard.holds(), None);
    }

    #[tokio::test]
    async fn exiting_clears_only_the_secret_the_assistant_copied() {
        let clipboard = Arc::new(FakeClipboard::default());
        let (session, _dir) = copied_invite_code(&clipboard).await;
        clipboard.admin_copies("https://example.com/notes");
        assert_eq!(session.clear_copied_secrets(), 0);
        assert_eq!(
            clipboard.holds().as_deref(),
            Some("https://example.com/notes")
        );
    }
}
