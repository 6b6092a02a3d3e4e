//! Copies a secret (the Client Secret, the invite code) to the clipboard for
//! the admin to paste into ConductorOne's signup page, and clears it again
//! [`CLEAR_AFTER`] later, but only if the clipboard still holds exactly that
//! value: whatever the admin copied in the meantime is left alone.
//!
//! The pending clears live in a [`ClipboardGuard`] (the window's `Session`
//! owns one): when the assistant quits before the 30 seconds are up, the
//! desktop shell runs them at once ([`ClipboardGuard::clear_now`], also run
//! when the guard is dropped), so a secret does not outlive the assistant on
//! the clipboard.
//!
//! The system clipboard sits behind the [`Clipboard`] trait (the desktop
//! shell implements it with arboard, and writes secrets with
//! the platform's "keep out of clipboard history" hints; tests use a fake).
//! The wait uses tokio's clock, so tests drive it with paused time.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::error::{AppError, FieldError};
use crate::secret::Secret;
use crate::step::StepId;

/// How long a copied secret stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(30);

/// The system clipboard, as far as the guard needs it. The guard calls it
/// from an async task, once per copy, and at exit: implementations should
/// return promptly (a system clipboard call of a few milliseconds is fine).
pub trait Clipboard: Send + Sync {
    /// The clipboard's text, or `None` when it holds no text or cannot be read.
    fn read_text(&self) -> Option<String>;
    /// Replaces the clipboard's content with `text`.
    fn write_text(&self, text: &str) -> Result<(), AppError>;
    /// Replaces the clipboard's content with a secret, asking the platform
    /// to keep it out of clipboard history and cloud sync where it can
    /// (the desktop shell's implementation says per platform what is done).
    /// Without such hints this is [`Clipboard::write_text`].
    fn write_secret(&self, secret: &Secret) -> Result<(), AppError> {
        self.write_text(secret.expose())
    }
    /// Empties the clipboard.
    fn clear(&self) -> Result<(), AppError>;
}

/// A copied secret whose clearing is still to come.
struct Pending {
    id: u64,
    clipboard: Arc<dyn Clipboard>,
    secret: Secret,
}

/// The copies of secrets not cleared yet. Each is cleared by its own timer,
/// or by [`ClipboardGuard::clear_now`] (at exit, or when the guard is
/// dropped), whichever comes first; never twice.
#[derive(Default)]
pub struct ClipboardGuard {
    pending: Arc<Mutex<PendingList>>,
}

#[derive(Default)]
struct PendingList {
    next_id: u64,
    items: Vec<Pending>,
}

impl std::fmt::Debug for ClipboardGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClipboardGuard")
            .field("pending", &self.pending_count())
            .finish()
    }
}

impl ClipboardGuard {
    /// Puts `secret` on the clipboard now (with the no-history hints) and,
    /// `after` later, clears the clipboard if it still holds exactly that
    /// value.
    ///
    /// The handle resolves to `true` when the clipboard was cleared, `false`
    /// when it held something else by then, could not be cleared, or was
    /// already dealt with by [`ClipboardGuard::clear_now`]. Dropping the
    /// handle does not stop the clearing. The secret stays in a [`Secret`]
    /// (zeroed when dropped) the whole time; the text read back for the
    /// comparison is wrapped the same way.
    ///
    /// Must be called inside a tokio runtime; an error is returned otherwise,
    /// and when the clipboard cannot be written (nothing is scheduled then).
    pub fn copy_then_clear(
        &self,
        clipboard: Arc<dyn Clipboard>,
        secret: Secret,
        after: Duration,
    ) -> Result<JoinHandle<bool>, AppError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|e| {
            AppError::internal("The assistant could not schedule clearing the clipboard.")
                .with_detail(e.to_string())
        })?;
        clipboard.write_secret(&secret)?;
        // The wait counts from the copy, not from when the task first runs.
        let deadline = tokio::time::Instant::now() + after;
        let id = {
            let mut pending = lock(&self.pending);
            pending.next_id += 1;
            let id = pending.next_id;
            pending.items.push(Pending {
                id,
                clipboard,
                secret,
            });
            id
        };
        let list = self.pending.clone();
        Ok(runtime.spawn(async move {
            tokio::time::sleep_until(deadline).await;
            let due = {
                let mut pending = lock(&list);
                let at = pending.items.iter().position(|p| p.id == id);
                at.map(|at| pending.items.remove(at))
            };
            due.is_some_and(|p| clear_if_unchanged(p.clipboard.as_ref(), &p.secret))
        }))
    }

    /// Runs every pending clear now (the assistant is quitting): the
    /// clipboard is emptied if it still holds one of the copied secrets.
    /// Returns how many clears emptied it.
    pub fn clear_now(&self) -> usize {
        let due = std::mem::take(&mut lock(&self.pending).items);
        if !due.is_empty() {
            tracing::debug!(count = due.len(), "running the pending clipboard clears");
        }
        due.iter()
            .filter(|p| clear_if_unchanged(p.clipboard.as_ref(), &p.secret))
            .count()
    }

    /// How many copies still wait for their clearing.
    pub fn pending_count(&self) -> usize {
        lock(&self.pending).items.len()
    }
}

impl Drop for ClipboardGuard {
    fn drop(&mut self) {
        self.clear_now();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What a Paste button for `field` finds on the clipboard, read in Rust so
/// that a secret never passes through the window: the text as a [`Secret`],
/// or a field error of `step` when the clipboard holds no text.
pub fn pasted(
    clipboard: &dyn Clipboard,
    step: StepId,
    field: &str,
    what: &str,
) -> Result<Secret, AppError> {
    let text = clipboard.read_text().map(Secret::new);
    match text {
        Some(text) if !text.expose().trim().is_empty() => Ok(text),
        _ => Err(AppError::invalid_input(
            step,
            vec![FieldError {
                field: field.to_owned(),
                reason: "clipboard_no_text".to_owned(),
                message: format!(
                    "The clipboard holds no text. Copy the {what} again, or click the field and \
                     paste with Ctrl+V (Cmd+V on a Mac)."
                ),
                suggestion: None,
            }],
        )),
    }
}

/// Clears the clipboard when it holds `secret` (surrounding whitespace
/// aside, as a paste would carry it). True when it was cleared.
pub fn clear_if_unchanged(clipboard: &dyn Clipboard, secret: &Secret) -> bool {
    let current = clipboard.read_text().map(Secret::new);
    let held = current.as_ref().map(|c| c.expose().trim());
    if held.is_none_or(str::is_empty) || held != Some(secret.expose().trim()) {
        tracing::debug!("the clipboard holds something else now; left as it is");
        return false;
    }
    match clipboard.clear() {
        Ok(()) => {
            tracing::debug!("cleared the copied secret from the clipboard");
            true
        }
        Err(e) => {
            // The error's message is the assistant's own wording, never the value.
            tracing::warn!(kind = %e.kind, message = %e.message, "the clipboard could not be cleared");
            false
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::error::ErrorKind;

    /// A clipboard in memory that counts its calls and notes, on tokio's
    /// (paused) clock, when it was cleared.
    #[derive(Debug, Default)]
    pub(crate) struct FakeClipboard {
        text: Mutex<Option<String>>,
        clears: Mutex<u32>,
        cleared_at: Mutex<Vec<tokio::time::Instant>>,
        fail_writes: bool,
        fail_clears: bool,
    }

    impl FakeClipboard {
        pub(crate) fn holds(&self) -> Option<String> {
            self.text.lock().expect("lock").clone()
        }

        pub(crate) fn clears(&self) -> u32 {
            *self.clears.lock().expect("lock")
        }

        fn cleared_at(&self) -> Vec<tokio::time::Instant> {
            self.cleared_at.lock().expect("lock").clone()
        }

        /// The admin copies something else.
        pub(crate) fn admin_copies(&self, text: &str) {
            *self.text.lock().expect("lock") = Some(text.to_owned());
        }
    }

    impl Clipboard for FakeClipboard {
        fn read_text(&self) -> Option<String> {
            self.holds()
        }

        fn write_text(&self, text: &str) -> Result<(), AppError> {
            if self.fail_writes {
                return Err(AppError::new(
                    ErrorKind::ClipboardFailed,
                    "The clipboard could not be used.",
                    "Copy the value by hand.",
                ));
            }
            *self.text.lock().expect("lock") = Some(text.to_owned());
            Ok(())
        }

        fn clear(&self) -> Result<(), AppError> {
            if self.fail_clears {
                return Err(AppError::new(
                    ErrorKind::ClipboardFailed,
                    "The clipboard could not be cleared.",
                    "Copy something else to replace the secret.",
                ));
            }
            *self.text.lock().expect("lock") = None;
            *self.clears.lock().expect("lock") += 1;
            self.cleared_at
                .lock()
                .expect("lock")
                .push(tokio::time::Instant::now());
            Ok(())
        }
    }

    fn fake() -> (Arc<FakeClipboard>, Arc<dyn Clipboard>) {
        let clipboard = Arc::new(FakeClipboard::default());
        let shared: Arc<dyn Clipboard> = clipboard.clone();
        (clipboard, shared)
    }

    /// The timers of a guard that is never dropped (dropping runs the clears).
    fn copy_secret_then_clear(
        clipboard: Arc<dyn Clipboard>,
        secret: Secret,
        after: Duration,
    ) -> Result<JoinHandle<bool>, AppError> {
        static GUARD: std::sync::LazyLock<ClipboardGuard> =
            std::sync::LazyLock::new(ClipboardGuard::default);
        GUARD.copy_then_clear(clipboard, secret, after)
    }

    /// Lets spawned tasks run up to their next wait.
    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_unchanged_clipboard_is_cleared_after_thirty_seconds() {
        let (clipboard, shared) = fake();
        let copied_at = tokio::time::Instant::now();
        let handle =
            copy_secret_then_clear(shared, Secret::from("s3cr3t"), CLEAR_AFTER).expect("copied");
        assert_eq!(clipboard.holds().as_deref(), Some("s3cr3t"));
        settle().await;
        tokio::time::advance(CLEAR_AFTER).await;
        assert!(handle.await.expect("task finished"));
        assert_eq!(clipboard.holds(), None);
        assert_eq!(clipboard.cleared_at(), [copied_at + CLEAR_AFTER]);
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_is_cleared_before_thirty_seconds() {
        let (clipboard, shared) = fake();
        let copied_at = tokio::time::Instant::now();
        let handle = copy_secret_then_clear(shared, Secret::from("invite-CODE"), CLEAR_AFTER)
            .expect("copied");
        settle().await;
        tokio::time::advance(Duration::from_secs(29)).await;
        settle().await;
        assert!(!handle.is_finished());
        assert_eq!(clipboard.holds().as_deref(), Some("invite-CODE"));
        assert_eq!(clipboard.clears(), 0);
        tokio::time::advance(Duration::from_secs(1)).await;
        assert!(handle.await.expect("task finished"));
        assert_eq!(clipboard.holds(), None);
        // Not a moment before: the clearing happened at exactly 30 s.
        assert_eq!(clipboard.cleared_at(), [copied_at + CLEAR_AFTER]);
    }

    #[tokio::test(start_paused = true)]
    async fn something_else_copied_meanwhile_is_left_alone() {
        let (clipboard, shared) = fake();
        let handle =
            copy_secret_then_clear(shared, Secret::from("s3cr3t"), CLEAR_AFTER).expect("copied");
        settle().await;
        tokio::time::advance(Duration::from_secs(10)).await;
        clipboard.admin_copies("a note from the admin");
        tokio::time::advance(Duration::from_secs(20)).await;
        assert!(!handle.await.expect("task finished"));
        assert_eq!(clipboard.holds().as_deref(), Some("a note from the admin"));
        assert_eq!(clipboard.clears(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_value_that_only_differs_slightly_is_left_alone() {
        let (clipboard, shared) = fake();
        let handle =
            copy_secret_then_clear(shared, Secret::from("Case"), CLEAR_AFTER).expect("copied");
        clipboard.admin_copies("case");
        tokio::time::advance(CLEAR_AFTER).await;
        assert!(!handle.await.expect("task finished"));
        assert_eq!(clipboard.holds().as_deref(), Some("case"));
    }

    #[tokio::test(start_paused = true)]
    async fn each_copy_governs_only_its_own_value() {
        let (clipboard, shared) = fake();
        let start = tokio::time::Instant::now();
        let first = copy_secret_then_clear(shared.clone(), Secret::from("secret-1"), CLEAR_AFTER)
            .expect("first copy");
        settle().await;
        tokio::time::advance(Duration::from_secs(10)).await;
        let second = copy_secret_then_clear(shared, Secret::from("invite-2"), CLEAR_AFTER)
            .expect("second copy");
        settle().await;
        assert_eq!(clipboard.holds().as_deref(), Some("invite-2"));

        // 30 s after the first copy: the clipboard holds the second value,
        // which the first timer must not touch.
        tokio::time::advance(Duration::from_secs(20)).await;
        assert!(!first.await.expect("first timer finished"));
        assert_eq!(clipboard.holds().as_deref(), Some("invite-2"));
        assert!(!second.is_finished());

        // 30 s after the second copy: its own value goes.
        tokio::time::advance(Duration::from_secs(10)).await;
        assert!(second.await.expect("second timer finished"));
        assert_eq!(clipboard.holds(), None);
        assert_eq!(
            clipboard.cleared_at(),
            [start + Duration::from_secs(10) + CLEAR_AFTER]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_emptied_clipboard_is_not_cleared_again() {
        let (clipboard, shared) = fake();
        let handle =
            copy_secret_then_clear(shared, Secret::from("s3cr3t"), CLEAR_AFTER).expect("copied");
        *clipboard.text.lock().expect("lock") = None;
        tokio::time::advance(CLEAR_AFTER).await;
        assert!(!handle.await.expect("task finished"));
        assert_eq!(clipboard.clears(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_write_schedules_nothing_and_says_so() {
        let clipboard: Arc<dyn Clipboard> = Arc::new(FakeClipboard {
            fail_writes: true,
            ..FakeClipboard::default()
        });
        let err = copy_secret_then_clear(clipboard, Secret::from("s3cr3t"), CLEAR_AFTER)
            .expect_err("must fail");
        assert_eq!(err.kind, ErrorKind::ClipboardFailed);
        assert!(!format!("{err:?}").contains("s3cr3t"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_clear_resolves_to_false() {
        let clipboard = Arc::new(FakeClipboard {
            fail_clears: true,
            ..FakeClipboard::default()
        });
        let shared: Arc<dyn Clipboard> = clipboard.clone();
        let handle =
            copy_secret_then_clear(shared, Secret::from("s3cr3t"), CLEAR_AFTER).expect("copied");
        tokio::time::advance(CLEAR_AFTER).await;
        assert!(!handle.await.expect("task finished"));
        assert_eq!(clipboard.holds().as_deref(), Some("s3cr3t"));
    }

    #[test]
    fn outside_a_runtime_it_is_an_error_not_a_panic() {
        let (clipboard, shared) = fake();
        let err = copy_secret_then_clear(shared, Secret::from("s3cr3t"), CLEAR_AFTER)
            .expect_err("no runtime");
        assert_eq!(err.kind, ErrorKind::Internal);
        // Nothing was written either.
        assert_eq!(clipboard.holds(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn quitting_early_clears_a_secret_still_on_the_clipboard() {
        let (clipboard, shared) = fake();
        let guard = ClipboardGuard::default();
        let handle = guard
            .copy_then_clear(shared, Secret::from("s3cr3t"), CLEAR_AFTER)
            .expect("copied");
        settle().await;
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(guard.pending_count(), 1);
        assert_eq!(guard.clear_now(), 1);
        assert_eq!(clipboard.holds(), None);
        assert_eq!(guard.pending_count(), 0);
        // The timer finds nothing left to do, and does not clear twice.
        tokio::time::advance(CLEAR_AFTER).await;
        assert!(!handle.await.expect("task finished"));
        assert_eq!(clipboard.clears(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_guard_runs_the_pending_clears_but_spares_other_text() {
        let (clipboard, shared) = fake();
        let guard = ClipboardGuard::default();
        guard
            .copy_then_clear(shared.clone(), Secret::from("invite-1"), CLEAR_AFTER)
            .expect("copied");
        drop(guard);
        assert_eq!(clipboard.holds(), None);

        let guard = ClipboardGuard::default();
        guard
            .copy_then_clear(shared, Secret::from("s3cr3t"), CLEAR_AFTER)
            .expect("copied");
        clipboard.admin_copies("a note from the admin");
        drop(guard);
        assert_eq!(clipboard.holds().as_deref(), Some("a note from the admin"));
        assert_eq!(clipboard.clears(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_cleared_copy_is_no_longer_pending() {
        let (clipboard, shared) = fake();
        let guard = ClipboardGuard::default();
        let handle = guard
            .copy_then_clear(shared, Secret::from("s3cr3t"), CLEAR_AFTER)
            .expect("copied");
        tokio::time::advance(CLEAR_AFTER).await;
        assert!(handle.await.expect("task finished"));
        assert_eq!(guard.pending_count(), 0);
        clipboard.admin_copies("s3cr3t");
        // Copied again by the admin after the clearing: theirs to keep.
        assert_eq!(guard.clear_now(), 0);
        assert_eq!(clipboard.holds().as_deref(), Some("s3cr3t"));
    }
}
