//! The terminal of a Windows release build. There the binary is a GUI program
//! (no console window behind the assistant), so Windows gives it no console:
//! started from a terminal for a subcommand, it attaches to that terminal's
//! console so its output, errors and help are seen. Started from the Start
//! menu it opens the window and stays windowless.

use std::ffi::OsString;

use clap::Parser;

use crate::Cli;

/// Whether this start of `c1-setup` talks to a terminal: anything but opening
/// the window (a subcommand, `--help`, `--version`, or a usage error to show).
pub fn wants_terminal<I, T>(args: I) -> bool
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    !matches!(Cli::try_parse_from(args), Ok(Cli { command: None }))
}

/// Attaches to the console of the process that started this one (the
/// terminal), if it has one; does nothing when there is none (Explorer, the
/// Start menu), when a console is already attached, or off Windows.
#[cfg(windows)]
#[allow(unsafe_code)]
pub fn attach_parent_console() {
    use windows_sys::Win32::System::Console::{AttachConsole, ATTACH_PARENT_PROCESS};
    // SAFETY: AttachConsole takes a process id by value and reads or writes no
    // memory of ours; when it fails (no parent console, or one is already
    // attached) nothing changes, which is what is wanted then.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}

/// Elsewhere a terminal program always has its terminal.
#[cfg(not(windows))]
pub fn attach_parent_console() {}

#[cfg(test)]
mod tests {
    use super::wants_terminal;

    #[test]
    fn only_the_window_goes_without_a_terminal() {
        assert!(!wants_terminal(["c1-setup"]));
    }

    #[test]
    fn subcommands_help_version_and_usage_errors_need_the_terminal() {
        for args in [
            &["c1-setup", "verify-sso", "--help"][..],
            &[
                "c1-setup",
                "verify-sso",
                "--issuer",
                "https://oauth.id.jumpcloud.com/",
            ],
            &["c1-setup", "paths"],
            &["c1-setup", "--version"],
            &["c1-setup", "--help"],
            &["c1-setup", "--no-such-option"],
            &["c1-setup", "no-such-command"],
        ] {
            assert!(
                wants_terminal(args),
                "{args:?} should attach to the terminal"
            );
        }
    }
}
