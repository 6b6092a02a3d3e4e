//! Opening a URL in the admin's browser: `$BROWSER` if set, else the platform opener.
//!
//! The terminal command opens pages with [`SystemBrowser`]; the window's own
//! opener (in the shell, through Tauri's opener plugin) defers to
//! [`open_url`] when `$BROWSER` is set, so both honour it the same way. A
//! failure to open is never fatal for the caller: every URL the assistant
//! opens is also shown on screen, to copy or open again.

use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::error::{AppError, ErrorKind};

/// The environment variable naming the admin's preferred browser command.
pub const BROWSER_ENV: &str = "BROWSER";

/// How long to watch a launched opener for a quick failure. Openers such as
/// `xdg-open` hand the URL over and exit at once; a browser started directly
/// through `$BROWSER` may keep running, which counts as success.
const QUICK_FAILURE_WINDOW: Duration = Duration::from_millis(1500);

/// Something that can show a URL to the admin: [`SystemBrowser`] here, the
/// shell's opener in the window, and the tests' own. Implementations should return promptly.
pub trait OpenBrowser: Send + Sync {
    fn open(&self, url: &str) -> Result<(), AppError>;
}

/// The real browser: [`open_url`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemBrowser;

impl OpenBrowser for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), AppError> {
        open_url(url)
    }
}

/// Opens `url`: runs `$BROWSER` (split like a simple command line, never
/// through a shell) with the URL as its last argument when the variable is set
/// and not empty, otherwise the platform's opener.
pub fn open_url(url: &str) -> Result<(), AppError> {
    let browser = std::env::var(BROWSER_ENV)
        .ok()
        .filter(|b| !b.trim().is_empty());
    let argv = match browser {
        Some(command_line) => browser_command(&command_line, url)?,
        None => platform_opener(url),
    };
    run_opener(&argv, url)
}

/// The command line for `$BROWSER`: its words, then the URL.
pub fn browser_command(command_line: &str, url: &str) -> Result<Vec<String>, AppError> {
    let mut words = split_command_line(command_line).map_err(|reason| {
        open_failed(
            url,
            format!("The {BROWSER_ENV} setting could not be read: {reason}."),
        )
    })?;
    if words.is_empty() {
        return Err(open_failed(
            url,
            format!("The {BROWSER_ENV} setting is empty."),
        ));
    }
    words.push(url.to_owned());
    Ok(words)
}

/// The platform's own way of opening a URL in the default browser.
fn platform_opener(url: &str) -> Vec<String> {
    let words: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(target_os = "windows") {
        // Hands the URL to the default browser without going through cmd.exe,
        // whose parsing of & and ^ would mangle query strings.
        &["rundll32", "url.dll,FileProtocolHandler"]
    } else {
        &["xdg-open"]
    };
    let mut argv: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    argv.push(url.to_owned());
    argv
}

/// Starts `argv` and waits briefly for a quick failure.
fn run_opener(argv: &[String], url: &str) -> Result<(), AppError> {
    let (program, rest) = argv
        .split_first()
        .ok_or_else(|| open_failed(url, "No browser command was found.".to_owned()))?;
    let mut child = Command::new(program)
        .args(rest)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| open_failed(url, format!("Could not start `{program}`: {e}.")))?;

    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return check_status(status, program, url),
            Ok(None) if started.elapsed() < QUICK_FAILURE_WINDOW => {
                std::thread::sleep(Duration::from_millis(25));
            }
            Ok(None) => {
                // Still running: a browser that stays in the foreground. Reap it
                // later so it does not linger as a zombie process.
                std::thread::spawn(move || {
                    let _ = child.wait();
                });
                return Ok(());
            }
            Err(e) => {
                return Err(open_failed(
                    url,
                    format!("Could not watch `{program}`: {e}."),
                ));
            }
        }
    }
}

fn check_status(status: ExitStatus, program: &str, url: &str) -> Result<(), AppError> {
    if status.success() {
        Ok(())
    } else {
        Err(open_failed(
            url,
            format!("`{program}` could not open the browser ({status})."),
        ))
    }
}

fn open_failed(url: &str, message: String) -> AppError {
    AppError::new(
        ErrorKind::BrowserOpenFailed,
        message,
        format!(
            "Open this address in your browser yourself (copy it from the window): {url}. \
             To choose the browser the assistant uses, set the {BROWSER_ENV} environment variable \
             to its command, e.g. BROWSER=firefox."
        ),
    )
}

/// Splits a command line into words like a simple POSIX shell would, without
/// running one: whitespace separates words, single quotes keep text as is,
/// double quotes keep text but honour `\"` and `\\`, and a backslash outside
/// quotes escapes the next character.
pub fn split_command_line(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(q) => current.push(q),
                        None => return Err("a single quote is not closed".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(e @ ('"' | '\\')) => current.push(e),
                            Some(other) => {
                                current.push('\\');
                                current.push(other);
                            }
                            None => return Err("a double quote is not closed".into()),
                        },
                        Some(q) => current.push(q),
                        None => return Err("a double quote is not closed".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(e) => current.push(e),
                    None => return Err("it ends with a lone backslash".into()),
                }
            }
            other => {
                in_word = true;
                current.push(other);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_split_like_a_simple_shell() {
        let split = |s: &str| split_command_line(s).expect("valid");
        assert_eq!(split("firefox"), ["firefox"]);
        assert_eq!(split("  firefox   --new-tab "), ["firefox", "--new-tab"]);
        assert_eq!(
            split(r#""/opt/My Browser/run" --profile 'a b' x\ y"#),
            ["/opt/My Browser/run", "--profile", "a b", "x y"]
        );
        assert_eq!(split(r#""say \"hi\"""#), [r#"say "hi""#]);
        assert_eq!(split("''"), [""]);
        assert!(split("").is_empty());
        assert!(split_command_line("'open").is_err());
        assert!(split_command_line("\"open").is_err());
        assert!(split_command_line("open\\").is_err());
    }

    #[test]
    fn the_platform_opener_gets_the_url_as_its_last_argument() {
        let url = "https://console.jumpcloud.com/#/sso?a=1&b=2";
        let argv = platform_opener(url);
        assert_eq!(argv.last().map(String::as_str), Some(url));
        assert!(argv.len() >= 2);
    }

    #[test]
    fn the_url_is_the_last_argument_and_never_goes_through_a_shell() {
        let url = "http://127.0.0.1:38710/start?a=1&b=$(touch x)";
        let argv = browser_command("my-browser --flag", url).expect("valid");
        assert_eq!(argv, ["my-browser", "--flag", url]);
        let err = browser_command("   ", url).expect_err("empty");
        assert_eq!(err.kind, ErrorKind::BrowserOpenFailed);
    }

    #[cfg(unix)]
    #[test]
    fn a_browser_command_receives_the_url_verbatim() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("args.txt");
        let script = dir.path().join("fake browser.sh");
        // The script writes a temporary file and renames it, so a reader never
        // sees half of it.
        std::fs::write(
            &script,
            format!(
                "printf '%s\\n' \"$@\" > '{out}.tmp' && mv '{out}.tmp' '{out}'\n",
                out = out.display()
            ),
        )
        .expect("write script");
        let url = "http://127.0.0.1:1/start?x=1&y='2'";
        // Run through `sh` rather than executing the fresh file: another test
        // thread forking at that moment would make exec fail with "text file
        // busy". The quoted path with a space still tests the splitting.
        let line = format!("sh '{}' --one", script.display());
        let argv = browser_command(&line, url).expect("valid");
        run_opener(&argv, url).expect("the script exits 0");
        // A script slower than the quick-failure window counts as a browser
        // still running, so wait for its output rather than assume it is there.
        let deadline = Instant::now() + Duration::from_secs(30);
        while !out.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let received = std::fs::read_to_string(&out).expect("script ran");
        assert_eq!(received, format!("--one\n{url}\n"));
    }

    #[cfg(unix)]
    #[test]
    fn failures_to_open_are_browser_open_failed_with_the_url_in_the_fix() {
        let url = "http://127.0.0.1:1/start";
        let missing = run_opener(
            &["/nonexistent/browser-command".to_owned(), url.to_owned()],
            url,
        )
        .expect_err("cannot start");
        assert_eq!(missing.kind, ErrorKind::BrowserOpenFailed);
        assert!(missing.fix.contains(url));
        let failing = run_opener(&["false".to_owned(), url.to_owned()], url).expect_err("exits 1");
        assert_eq!(failing.kind, ErrorKind::BrowserOpenFailed);
        assert!(!failing.message.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_browser_that_keeps_running_counts_as_opened() {
        let url = "http://127.0.0.1:1/start";
        // `sh -c CMD NAME`: the URL becomes $0 and is ignored.
        let argv = vec![
            "sh".to_owned(),
            "-c".to_owned(),
            "sleep 3".to_owned(),
            url.to_owned(),
        ];
        run_opener(&argv, url).expect("still running is fine");
    }
}
