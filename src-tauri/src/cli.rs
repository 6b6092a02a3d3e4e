//! The command line: no subcommand opens the window; subcommands run headless.

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

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        None => run_window(),
        Some(Command::Paths) => {
            print_paths();
            ExitCode::SUCCESS
        }
        // Headless: no display, no GTK, no Tauri.
        Some(Command::VerifySso(args)) => crate::verify_sso::run(&args),
    }
}

fn run_window() -> ExitCode {
    if let Some(problem) = missing_display() {
        eprintln!("{problem}");
        return ExitCode::FAILURE;
    }
    prefer_shared_memory_rendering();
    let _log_guard = crate::logging::init();
    crate::run();
    ExitCode::SUCCESS
}

/// On Linux, WebKitGTK renders through GPU buffers (DMA-BUF) by default. For
/// a form like this one that buys nothing, costs about 90 MiB in the web
/// process (measured, see docs/benchmarks.md), and is the usual cause of blank
/// windows on some GPU drivers. Shared-memory rendering is used instead,
/// unless the admin set the variable themselves. Runs before any thread or
/// window exists.
fn prefer_shared_memory_rendering() {
    const VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
    if cfg!(target_os = "linux") && std::env::var_os(VAR).is_none() {
        std::env::set_var(VAR, "1");
    }
}

/// On Linux and the BSDs, a window needs an X11 or Wayland display. Say so in
/// one line instead of letting GTK abort with a stack trace.
fn missing_display() -> Option<String> {
    if !cfg!(all(unix, not(target_os = "macos"))) {
        return None;
    }
    let has = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if has("DISPLAY") || has("WAYLAND_DISPLAY") {
        return None;
    }
    Some(
        "c1-setup: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). \
         On a machine without a screen, run it under Xvfb: xvfb-run -a dbus-run-session -- c1-setup"
            .to_owned(),
    )
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
