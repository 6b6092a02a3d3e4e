//! The command line: no subcommand opens the window; subcommands run headless.

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
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        None => run_window(),
        Some(Command::Paths) => {
            print_paths();
            ExitCode::SUCCESS
        }
    }
}

fn run_window() -> ExitCode {
    if let Some(problem) = missing_display() {
        eprintln!("{problem}");
        return ExitCode::FAILURE;
    }
    let _log_guard = crate::logging::init();
    crate::run();
    ExitCode::SUCCESS
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
