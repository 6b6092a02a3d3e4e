//! An in-memory [`SecretStore`] for tests, with failures that can be
//! injected so every error kind can be exercised. It is never used by the
//! assistant itself: secrets in it vanish when the process ends.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::error::AppError;
use crate::secret::Secret;

use super::failure::{ErrorContext, FailureCause, KeychainFailure, Operation, Platform};
use super::{SecretKey, SecretStore};

/// The name [`MemoryStore`] reports: never a real keychain's name.
pub const MEMORY_STORE_NAME: &str = "the in-memory test store";

#[derive(Debug, Default)]
struct Inner {
    items: HashMap<(String, String), Secret>,
    /// One-shot failures, consumed by the first matching call.
    queued: VecDeque<(Operation, KeychainFailure)>,
    /// A failure returned by every call until cleared.
    always: Option<KeychainFailure>,
    calls: usize,
}

/// A fake keychain. Error messages are worded for `platform` (by default the
/// one the tests run on), so the wording of every platform can be tested
/// anywhere.
#[derive(Debug)]
pub struct MemoryStore {
    platform: Platform,
    inner: Mutex<Inner>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::for_platform(Platform::current())
    }

    pub fn for_platform(platform: Platform) -> Self {
        Self {
            platform,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes the next `operation` fail with `cause`.
    pub fn fail_next(&self, operation: Operation, cause: FailureCause) {
        self.fail_next_with(operation, KeychainFailure::bare(cause));
    }

    /// Makes the next `operation` fail with `failure` (cause and detail).
    pub fn fail_next_with(&self, operation: Operation, failure: KeychainFailure) {
        self.lock().queued.push_back((operation, failure));
    }

    /// Makes every call fail with `cause` until called with `None`.
    pub fn fail_always(&self, cause: Option<FailureCause>) {
        self.lock().always = cause.map(KeychainFailure::bare);
    }

    /// Whether an item is stored under `key`.
    pub fn contains(&self, key: &SecretKey) -> bool {
        self.lock().items.contains_key(&id(key))
    }

    /// How many items are stored.
    pub fn len(&self) -> usize {
        self.lock().items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many calls were made (failed ones included).
    pub fn calls(&self) -> usize {
        self.lock().calls
    }

    fn error(&self, failure: &KeychainFailure, operation: Operation, key: &SecretKey) -> AppError {
        failure.to_app_error(&ErrorContext {
            platform: self.platform,
            store_name: MEMORY_STORE_NAME,
            operation,
            key,
        })
    }

    /// The failure injected for this call, if any.
    fn injected(inner: &mut Inner, operation: Operation) -> Option<KeychainFailure> {
        inner.calls += 1;
        if let Some(failure) = &inner.always {
            return Some(failure.clone());
        }
        let index = inner.queued.iter().position(|(op, _)| *op == operation)?;
        inner.queued.remove(index).map(|(_, failure)| failure)
    }
}

fn id(key: &SecretKey) -> (String, String) {
    (key.service().to_owned(), key.account().to_owned())
}

impl SecretStore for MemoryStore {
    fn put(&self, key: &SecretKey, secret: &Secret) -> Result<(), AppError> {
        let mut inner = self.lock();
        if let Some(failure) = Self::injected(&mut inner, Operation::Put) {
            return Err(self.error(&failure, Operation::Put, key));
        }
        inner.items.insert(id(key), secret.clone());
        Ok(())
    }

    fn get(&self, key: &SecretKey) -> Result<Secret, AppError> {
        let mut inner = self.lock();
        if let Some(failure) = Self::injected(&mut inner, Operation::Get) {
            return Err(self.error(&failure, Operation::Get, key));
        }
        inner.items.get(&id(key)).cloned().ok_or_else(|| {
            self.error(
                &KeychainFailure::bare(FailureCause::NotFound),
                Operation::Get,
                key,
            )
        })
    }

    fn delete(&self, key: &SecretKey) -> Result<(), AppError> {
        let mut inner = self.lock();
        match Self::injected(&mut inner, Operation::Delete) {
            Some(failure) if failure.cause == FailureCause::NotFound => {}
            Some(failure) => return Err(self.error(&failure, Operation::Delete, key)),
            None => {
                inner.items.remove(&id(key));
            }
        }
        Ok(())
    }

    fn store_name(&self) -> &'static str {
        MEMORY_STORE_NAME
    }
}
