//! IPC commands. `app` serves the whole window; each step has its own module.
//! Every command returns `Result<_, AppError>`, which crosses IPC as
//! `{kind, message, fix, ...}`.

pub mod app;
