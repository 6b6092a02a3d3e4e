//! The `c1-setup` command line, free of Tauri: its arguments, its logging,
//! and the subcommands that run without a window (`paths`, `verify-sso`).
//! The desktop binary parses [`Cli`]; with no subcommand it opens the
//! window, otherwise it hands the subcommand to [`run`]. This crate builds
//! and tests without WebKit.

pub mod console;
pub mod logging;
mod verify_sso;

pub use verify_sso::VerifySsoArgs;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// ConductorOne Setup Assistant: sets up ConductorOne with JumpCloud single sign-on.
///
/// Run without a command to open the assistant's window.
#[derive(Debug, Parser)]
#[command(name = "c1-setup", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print where the assistant keeps its state file and logs.
    Paths,
    /// Check, in a terminal, that JumpCloud signs you in to the ConductorOne app.
    ///
    /// Runs the same sign-in check as step 3 of the window: your browser opens
    /// JumpCloud, you sign in, and the assistant checks the Client ID and
    /// secret, the Redirect URI, your user group assignment, the ID token and
    /// the email mapping. The sign-in address is always printed on stderr, to
    /// open by hand if no browser opens ($BROWSER chooses the browser).
    ///
    /// Exit status: 0 verified, 1 the check failed, 2 the command line was
    /// not usable. Set C1_SETUP_LOG (e.g. C1_SETUP_LOG=debug) for a log on
    /// stderr and in the log folder.
    #[command(name = "verify-sso")]
    VerifySso(VerifySsoArgs),
}

/// Runs a headless subcommand: no display, no GTK, no Tauri.
pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Paths => {
            print_paths();
            ExitCode::SUCCESS
        }
        Command::VerifySso(args) => verify_sso::run(&args),
    }
}

#[allow(clippy::print_stdout)]
fn print_paths() {
    use c1_setup_core::paths;
    let show = |p: Option<std::path::PathBuf>| {
        p.map_or_else(
            || "(unknown on this system)".to_owned(),
            |p| p.display().to_string(),
        )
    };
    println!("state: {}", show(paths::config_dir()));
    println!("logs:  {}", show(paths::log_dir()));
}
