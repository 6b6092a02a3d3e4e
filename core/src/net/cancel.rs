//! A cancel signal that another task (the window's Cancel button, Ctrl-C in
//! the terminal) can raise while the login runs.

use std::sync::Arc;

use tokio::sync::watch;

/// Cloneable; every clone sees the same signal. Once cancelled it stays so.
#[derive(Debug, Clone)]
pub struct CancelToken {
    sender: Arc<watch::Sender<bool>>,
}

impl Default for CancelToken {
    fn default() -> Self {
        Self::new()
    }
}

impl CancelToken {
    pub fn new() -> Self {
        let (sender, _receiver) = watch::channel(false);
        Self {
            sender: Arc::new(sender),
        }
    }

    /// Raises the signal. Safe to call more than once and from any thread.
    pub fn cancel(&self) {
        self.sender.send_replace(true);
    }

    pub fn is_cancelled(&self) -> bool {
        *self.sender.borrow()
    }

    /// Completes once the signal is raised.
    pub async fn cancelled(&self) {
        let mut receiver = self.sender.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = receiver.wait_for(|cancelled| *cancelled).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_clone_cancelled_elsewhere_wakes_the_waiter() {
        let token = CancelToken::new();
        assert!(!token.is_cancelled());
        let other = token.clone();
        let waiter = tokio::spawn(async move { token.cancelled().await });
        tokio::task::yield_now().await;
        other.cancel();
        waiter.await.expect("waiter finished");
        assert!(other.is_cancelled());
        // Already cancelled: returns at once.
        other.cancelled().await;
    }
}
