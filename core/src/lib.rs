//! The ConductorOne Setup Assistant's logic, with no dependency on Tauri.
//!
//! Imports point one way, from the top of this list to the bottom:
//! - [`session`]: what the window keeps between commands;
//! - [`report`]: the setup report, from the saved progress;
//! - [`steps`]: one module per documented step (and the signup between steps
//!   3 and 4), each with its texts, its checks and its use-cases;
//! - [`setup`]: the wizard's data and the use-cases of the whole wizard;
//! - [`progress`]: the saved progress and its state file;
//! - the engines and adapters: [`login`] (the verification login),
//!   [`liveness`] (the instance check), [`net`], [`keychain`], [`browser`],
//!   [`clipboard_guard`];
//! - the leaves: [`fields`], [`endpoints`], [`error`], [`step`], [`secret`],
//!   [`paths`].
//!
//! The desktop shell in `src-tauri` and the terminal command in `cli` both
//! call into this crate, so it is tested without WebKit.

pub mod browser;
pub mod clipboard_guard;
pub mod endpoints;
pub mod error;
pub mod fields;
pub mod keychain;
pub mod liveness;
pub mod login;
pub mod net;
pub mod paths;
pub mod progress;
pub mod report;
pub mod secret;
pub mod session;
pub mod setup;
pub mod step;
pub mod steps;

pub use error::{AppError, ErrorKind};
pub use secret::Secret;
