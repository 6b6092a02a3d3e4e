//! The state file: non-secret progress, saved atomically on every change.
