//! The ConductorOne Setup Assistant's logic, with no dependency on Tauri.
//!
//! The four documented steps each have one module under [`steps`]; everything
//! the steps share (the endpoint table, the state file, the keychain, the
//! loopback login, the error kinds) sits beside them. The desktop shell in
//! `src-tauri` and the headless `c1-setup verify-sso` command both call into
//! this crate, so it is tested without WebKit.

pub mod browser;
pub mod clipboard_guard;
pub mod endpoints;
pub mod error;
pub mod keychain;
pub mod liveness;
pub mod login;
pub mod paths;
pub mod secret;
pub mod setup;
pub mod state;
pub mod steps;
pub mod wizard;

pub use error::{AppError, ErrorKind};
pub use secret::Secret;
