//! The `c1-setup` command line, free of Tauri: its arguments, its logging,
//! and the subcommands that run without a window (`paths`, `verify-sso`).
//! The desktop binary parses [`Cli`]; with no subcommand it opens the
//! window, otherwise it hands the subcommand to [`run`]. This crate builds
//! and tests without WebKit.

pub mod logging;
mod verify_sso;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use c1_setup_core::endpoints::DEFAULT_LOOPBACK_PORT;

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

/// The options of `c1-setup verify-sso`.
#[derive(Debug, Clone, Args)]
pub struct VerifySsoArgs {
    /// The JumpCloud OpenID issuer of your region, exactly, with its trailing
    /// slash: https://oauth.id.jumpcloud.com/ (US), https://oauth.id.eu.jumpcloud.com/ (EU),
    /// https://oauth.id.in.jumpcloud.com/ (India).
    #[arg(long, value_name = "URL")]
    pub issuer: String,

    /// The Client ID of the ConductorOne app in JumpCloud (its SSO tab).
    #[arg(long, value_name = "ID")]
    pub client_id: String,

    /// Read the Client Secret from standard input (e.g. piped from a password
    /// manager) instead of the keychain entry that step 3 of the window stored
    /// for this Client ID.
    #[arg(long)]
    pub client_secret_stdin: bool,

    /// The loopback port of the Redirect URI http://127.0.0.1:<PORT>/callback
    /// listed in the JumpCloud app.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_LOOPBACK_PORT,
          value_parser = clap::value_parser!(u16).range(1..))]
    pub port: u16,

    /// How long to wait for the sign-in in the browser, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: u64,

    /// Print the result as one JSON object on the last line of stdout.
    #[arg(long)]
    pub json: bool,
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
