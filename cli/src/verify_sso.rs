//! `c1-setup verify-sso`: the verification login of step 3, in a terminal.
//!
//! The same use-case as the window's step 3
//! ([`Setup::prepare_verification`], [`Setup::record_verification`]), no
//! window: nothing here touches GTK or Tauri, so it runs without a display.
//! The Client Secret comes from standard input (`--client-secret-stdin`) or
//! from the keychain entry step 3 stored for the Client ID (only for the issuer
//! it was stored for, see [`Setup::prepare_verification`]); the outcome is
//! recorded in the saved progress when it checked the saved app. Progress and the
//! sign-in address go to stderr; the result goes to stdout, as a short report
//! or, with `--json`, as one JSON object on the last line. Exit status: 0
//! verified, 1 the check failed, 2 the command line was not usable.
//!
//! Values that came from elsewhere (the identity provider's email, groups
//! and error texts, the addresses) are printed through [`shown`], which
//! escapes control characters, so none can move the cursor, retitle the
//! window or fake a line of the report.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use c1_setup_core::browser::SystemBrowser;
use c1_setup_core::endpoints::{check_transport, Endpoints, DEFAULT_LOOPBACK_PORT};
use c1_setup_core::error::FieldError;
use c1_setup_core::fields::{FIELD_CLIENT_SECRET, FIELD_ISSUER};
use c1_setup_core::keychain::{KeyringStore, SecretKey, SecretStore};
use c1_setup_core::login::{LoginProgress, Verified};
use c1_setup_core::net::CancelToken;
use c1_setup_core::paths;
use c1_setup_core::progress::StateStore;
use c1_setup_core::setup::Setup;
use c1_setup_core::step::StepId;
use c1_setup_core::steps::step3_connect::{
    validate_client_id, validate_client_secret, SecretSource, Verification, VerificationRequest,
};
use c1_setup_core::{AppError, ErrorKind, Secret};
use clap::Args;
use serde_json::json;

/// The most read from standard input for the Client Secret. JumpCloud's
/// secrets are far shorter; more than this is not a secret but a file.
const MAX_STDIN_SECRET_BYTES: usize = 8 * 1024;

/// How long the browser tab that brought the callback may take to receive
/// its result page once the login ended. The listener answers it from a task
/// of its own, which must not be cut off by the end of the command.
const TAB_ANSWER_GRACE: Duration = Duration::from_secs(3);

/// How long the runtime may take to wind down after that (e.g. a name lookup
/// still running when Ctrl-C was pressed).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

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

/// How the command ended.
#[derive(Debug)]
enum Outcome {
    /// JumpCloud signed the admin in and every check passed: exit 0.
    Verified(Verified),
    /// The check ran and failed, or could not run: exit 1.
    Failed(AppError),
    /// The command line (or the secret on stdin) was not usable: exit 2.
    Usage(AppError),
}

impl Outcome {
    fn exit_code(&self) -> ExitCode {
        match self {
            Outcome::Verified(_) => ExitCode::SUCCESS,
            Outcome::Failed(_) => ExitCode::from(1),
            Outcome::Usage(_) => ExitCode::from(2),
        }
    }
}

/// Runs the command and returns its exit status.
pub fn run(args: &VerifySsoArgs) -> ExitCode {
    // Logs only on request: the terminal output is the report.
    let _log_guard = if std::env::var_os("C1_SETUP_LOG").is_some() {
        crate::logging::init()
    } else {
        None
    };
    let outcome = execute(args);
    let stdout = io::stdout();
    let stderr = io::stderr();
    // A closed stdout (e.g. `| head -0`) must not turn a verified login into a panic.
    let _ = write_report(&mut stdout.lock(), &mut stderr.lock(), &outcome, args.json);
    outcome.exit_code()
}

fn execute(args: &VerifySsoArgs) -> Outcome {
    let request = match verification_request(args) {
        Ok(request) => request,
        Err(e) => return Outcome::Usage(e),
    };
    let given = if args.client_secret_stdin {
        let stdin = io::stdin();
        if stdin.is_terminal() {
            eprintln!(
                "Paste the Client Secret and press Enter, then Ctrl-D (it is visible while you type; \
                 piping it in, e.g. from a password manager, keeps it off the screen)."
            );
        }
        match read_stdin_secret(&mut stdin.lock()) {
            Ok(secret) => Some(secret),
            Err(e) => return Outcome::Usage(e),
        }
    } else {
        None
    };
    let (mut setup, notice) = open_saved_progress();
    let prepared = if let Some(secret) = given {
        setup.prepare_verification(request, SecretSource::Given(secret))
    } else {
        eprintln!(
            "Reading the Client Secret for Client ID {} from the keychain ...",
            request.client_id
        );
        let keychain = KeychainOnFirstUse::default();
        setup.prepare_verification(request, SecretSource::Keychain(&keychain))
    };
    let verification = match prepared {
        Ok(verification) => verification,
        // E.g. the keychain's secret asked for with another issuer than its own.
        Err(e) if e.kind == ErrorKind::InvalidInput => return Outcome::Usage(e),
        Err(e) => return Outcome::Failed(with_stdin_hint(e, notice)),
    };
    let result = run_login(&verification);
    if let Err(e) = setup.record_verification(&verification, &result) {
        tracing::warn!(kind = %e.kind, "the outcome could not be kept in the saved progress");
    }
    match result {
        Ok(verified) => Outcome::Verified(verified),
        Err(e) => Outcome::Failed(e),
    }
}

/// The OS keychain, probed when the secret is first read: a run that stops
/// earlier (no saved progress for this app) never touches it.
#[derive(Default)]
struct KeychainOnFirstUse(OnceLock<Result<KeyringStore, AppError>>);

impl KeychainOnFirstUse {
    fn store(&self) -> Result<&KeyringStore, AppError> {
        self.0
            .get_or_init(KeyringStore::probe)
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl SecretStore for KeychainOnFirstUse {
    fn put(&self, key: &SecretKey, secret: &Secret) -> Result<(), AppError> {
        self.store()?.put(key, secret)
    }
    fn get(&self, key: &SecretKey) -> Result<Secret, AppError> {
        self.store()?.get(key)
    }
    fn delete(&self, key: &SecretKey) -> Result<(), AppError> {
        self.store()?.delete(key)
    }
    fn store_name(&self) -> &'static str {
        self.store().map_or("the keychain", SecretStore::store_name)
    }
}

/// The window's saved progress (it names the keychain item and keeps the
/// outcome), and the notice when a damaged file was set aside.
fn open_saved_progress() -> (Setup, Option<String>) {
    let overrides = Endpoints::overrides_from_env().unwrap_or_default();
    // Without a settings folder nothing was saved: an empty folder stands in
    // (fresh progress names no app, so nothing is ever written there).
    let dir = paths::config_dir()
        .unwrap_or_else(|| std::env::temp_dir().join("c1-setup-no-settings-folder"));
    Setup::open(StateStore::new(dir), overrides)
}

/// A keychain secret that is not there can still come from standard input.
fn with_stdin_hint(mut e: AppError, notice: Option<String>) -> AppError {
    if e.kind == ErrorKind::SecretNotFound {
        e.fix = format!(
            "Pass the Client Secret on standard input with --client-secret-stdin (e.g. piped from \
             your password manager). {}",
            e.fix
        );
        if let Some(notice) = notice {
            e.detail = Some(notice);
        }
    }
    e
}

/// Checks `--issuer` and `--client-id`.
fn verification_request(args: &VerifySsoArgs) -> Result<VerificationRequest, AppError> {
    let issuer = args.issuer.trim();
    if let Err(e) = check_transport("--issuer", issuer) {
        return Err(usage_error(
            StepId::JumpcloudApp,
            FIELD_ISSUER,
            "issuer_invalid",
            format!("The --issuer value is not usable: {e}."),
            "Pass your region's JumpCloud issuer exactly, with its trailing slash: \
             --issuer https://oauth.id.jumpcloud.com/ (US), https://oauth.id.eu.jumpcloud.com/ (EU) \
             or https://oauth.id.in.jumpcloud.com/ (India).",
        ));
    }
    let client_id = validate_client_id(&args.client_id).map_err(|field| {
        field_usage_error(
            StepId::Connect,
            field,
            "Pass the Client ID of the ConductorOne app with --client-id: JumpCloud shows it in the \
             app's SSO tab in the Admin Portal (SSO Applications).",
        )
    })?;
    Ok(VerificationRequest {
        issuer: issuer.to_owned(),
        client_id,
        port: args.port,
        timeout: Duration::from_secs(args.timeout),
    })
}

/// Reads the Client Secret from `input`: all of it, surrounding whitespace
/// and line breaks removed. Every copy of the raw text is held in a
/// [`Secret`], so it is wiped when dropped; no message quotes it.
fn read_stdin_secret(input: &mut dyn Read) -> Result<Secret, AppError> {
    const FIX: &str = "Send the Client Secret alone on standard input, e.g. piped from your password \
         manager. JumpCloud shows it once, in the \"Application Saved\" popup; if you no longer have \
         it, generate a new one in the ConductorOne app's SSO tab in the JumpCloud Admin Portal.";
    // One allocation, never grown: reading stops one byte past the limit.
    let limit = MAX_STDIN_SECRET_BYTES + 1;
    let mut buffer = String::with_capacity(limit);
    let read = input.take(limit as u64).read_to_string(&mut buffer);
    let raw = Secret::new(buffer);
    if let Err(e) = read {
        return Err(secret_usage_error(
            "client_secret_unreadable",
            format!("The Client Secret could not be read from standard input: {e}."),
            FIX,
        ));
    }
    if raw.expose().len() > MAX_STDIN_SECRET_BYTES {
        return Err(secret_usage_error(
            "client_secret_too_long",
            format!(
                "More than {} KiB arrived on standard input; a Client Secret is far shorter.",
                MAX_STDIN_SECRET_BYTES / 1024
            ),
            FIX,
        ));
    }
    validate_client_secret(raw.expose()).map_err(|mut field| {
        if field.reason == "client_secret_required" {
            "Nothing arrived on standard input, but --client-secret-stdin says the Client Secret \
             comes from there."
                .clone_into(&mut field.message);
        }
        field_usage_error(StepId::Connect, field, FIX)
    })
}

/// Runs the login on a runtime of its own; Ctrl-C cancels it.
fn run_login(verification: &Verification) -> Result<Verified, AppError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            AppError::internal(format!(
                "The assistant could not start its network engine: {e}."
            ))
        })?;
    let cancel = CancelToken::new();
    let result = runtime.block_on(async {
        let on_interrupt = cancel.clone();
        let interrupt = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("Stopping: the sign-in check was cancelled.");
                on_interrupt.cancel();
            }
        });
        let result = verification
            .run(&SystemBrowser, &print_progress, &cancel)
            .await;
        interrupt.abort();
        let _ = interrupt.await;
        // The listener answers the tab from its own task: let it finish.
        let started = Instant::now();
        let runtime = tokio::runtime::Handle::current();
        while runtime.metrics().num_alive_tasks() > 0 && started.elapsed() < TAB_ANSWER_GRACE {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tracing::debug!(waited = ?started.elapsed(), "the browser tab was answered");
        result
    });
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    result
}

/// Short progress lines on stderr. The sign-in address is always printed.
fn print_progress(event: LoginProgress) {
    let stderr = io::stderr();
    let _ = write_progress(&mut stderr.lock(), &event);
}

fn write_progress(out: &mut dyn Write, event: &LoginProgress) -> io::Result<()> {
    match event {
        LoginProgress::Discovering { issuer } => {
            writeln!(out, "Checking the issuer {} ...", shown(issuer))
        }
        LoginProgress::WaitingForBrowser {
            url,
            redirect_uri,
            browser_opened,
            browser_error,
            ..
        } => {
            if *browser_opened {
                writeln!(
                    out,
                    "Your browser was opened at JumpCloud's sign-in page: sign in there with your \
                     JumpCloud account."
                )?;
            } else {
                let why = browser_error
                    .as_ref()
                    .map(|e| format!(" ({})", shown(&e.message)))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "No browser could be opened{why}. Open the address below in a browser yourself."
                )?;
            }
            writeln!(out, "Sign-in address:")?;
            writeln!(out, "  {}", shown(url))?;
            writeln!(
                out,
                "Waiting for the browser to come back to {} (Ctrl-C cancels) ...",
                shown(redirect_uri)
            )
        }
        LoginProgress::CheckingWithProvider => {
            writeln!(
                out,
                "The browser came back; checking the result with JumpCloud ..."
            )
        }
        LoginProgress::Verified { email } => writeln!(out, "Verified {}.", shown(email)),
    }
}

/// The result: JSON or a short report on `out`; usage problems in the short
/// form go to `err`, like any command-line mistake.
fn write_report(
    out: &mut dyn Write,
    err: &mut dyn Write,
    outcome: &Outcome,
    as_json: bool,
) -> io::Result<()> {
    if as_json {
        writeln!(out, "{}", json_report(outcome))?;
        return out.flush();
    }
    match outcome {
        Outcome::Verified(verified) => {
            let checked = match verified.email_verified {
                Some(true) => " (JumpCloud marks this address as verified)",
                _ => "",
            };
            writeln!(
                out,
                "Verified: JumpCloud signed in {}{checked}.",
                shown(&verified.email)
            )?;
            if !verified.checks.is_empty() {
                writeln!(out, "What this proved:")?;
                for check in &verified.checks {
                    writeln!(out, "  - {}", shown(&check.label))?;
                }
            }
            if !verified.groups.is_empty() {
                let groups: Vec<_> = verified.groups.iter().map(|g| shown(g)).collect();
                writeln!(out, "Groups JumpCloud sent: {}", groups.join(", "))?;
            }
            out.flush()
        }
        Outcome::Failed(e) => {
            writeln!(out, "Not verified ({}): {}", e.kind, shown(&e.message))?;
            writeln!(out, "What to do: {}", shown(&e.fix))?;
            if let Some(detail) = &e.detail {
                writeln!(out, "Details: {}", shown(detail))?;
            }
            out.flush()
        }
        Outcome::Usage(e) => {
            writeln!(err, "c1-setup verify-sso: {}", shown(&e.message))?;
            writeln!(err, "{}", shown(&e.fix))?;
            writeln!(err, "Run `c1-setup verify-sso --help` for the options.")?;
            err.flush()
        }
    }
}

/// `text` for a terminal: control characters (C0, DEL and C1, which
/// terminals act on) are shown as escapes, `\e` for ESC and `\xNN` for the
/// others, and so are the invisible marks that reorder or hide text.
fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{1b}' => out.push_str("\\e"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
                let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// The one-line JSON object of `--json`.
fn json_report(outcome: &Outcome) -> serde_json::Value {
    match outcome {
        Outcome::Verified(v) => json!({
            "ok": true,
            "issuer": v.issuer,
            "subject": v.subject,
            "email": v.email,
            "email_verified": v.email_verified,
            "groups": v.groups,
        }),
        Outcome::Failed(e) | Outcome::Usage(e) => json!({
            "ok": false,
            "kind": e.kind,
            "message": e.message,
            "fix": e.fix,
            "detail": e.detail,
        }),
    }
}

fn usage_error(step: StepId, field: &str, reason: &str, message: String, fix: &str) -> AppError {
    field_usage_error(
        step,
        FieldError {
            field: field.to_owned(),
            reason: reason.to_owned(),
            message,
            suggestion: None,
        },
        fix,
    )
}

fn secret_usage_error(reason: &str, message: String, fix: &str) -> AppError {
    usage_error(StepId::Connect, FIELD_CLIENT_SECRET, reason, message, fix)
}

/// An `invalid_input` error for one command-line value.
fn field_usage_error(step: StepId, field: FieldError, fix: &str) -> AppError {
    let mut error = AppError::new(ErrorKind::InvalidInput, field.message.clone(), fix);
    error.step = Some(step);
    error.fields = vec![field];
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use c1_setup_core::fields::FIELD_CLIENT_ID;
    use c1_setup_core::login::{CheckId, CheckResult};
    use c1_setup_core::steps::step3_connect::secret_not_found;

    const SECRET: &str = "s3cr3t-value-0123456789";

    fn args(issuer: &str, client_id: &str) -> VerifySsoArgs {
        VerifySsoArgs {
            issuer: issuer.to_owned(),
            client_id: client_id.to_owned(),
            client_secret_stdin: true,
            port: 38710,
            timeout: 42,
            json: true,
        }
    }

    fn verified() -> Verified {
        Verified {
            issuer: "https://oauth.id.jumpcloud.com/".into(),
            subject: "u-1".into(),
            email: "admin@example.com".into(),
            email_verified: Some(true),
            groups: vec!["it-admins".into(), "c1".into()],
            checks: vec![CheckResult {
                id: CheckId::ClientSecret,
                label: "JumpCloud accepted the Client ID and secret.".into(),
            }],
        }
    }

    fn report(outcome: &Outcome, as_json: bool) -> (String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        write_report(&mut out, &mut err, outcome, as_json).expect("writes");
        (
            String::from_utf8(out).expect("utf-8"),
            String::from_utf8(err).expect("utf-8"),
        )
    }

    #[test]
    fn the_configuration_keeps_the_issuer_exactly_and_trims_the_client_id() {
        let config = verification_request(&args(" https://oauth.id.jumpcloud.com/ ", " abc123\n"))
            .expect("valid");
        assert_eq!(config.issuer, "https://oauth.id.jumpcloud.com/");
        assert_eq!(config.client_id, "abc123");
        assert_eq!(config.port, 38710);
        assert_eq!(config.timeout, Duration::from_secs(42));
        let local =
            verification_request(&args("http://127.0.0.1:4000/", "abc")).expect("loopback http");
        assert_eq!(local.issuer, "http://127.0.0.1:4000/");
    }

    #[test]
    fn a_plain_http_or_malformed_issuer_and_a_bad_client_id_are_usage_errors() {
        for issuer in [
            "http://oauth.id.jumpcloud.com/",
            "oauth.id.jumpcloud.com",
            "",
        ] {
            let e = verification_request(&args(issuer, "abc")).expect_err(issuer);
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{issuer}");
            assert_eq!(e.fields[0].field, FIELD_ISSUER);
            assert!(e.fix.contains("https://oauth.id.jumpcloud.com/"));
            assert_eq!(Outcome::Usage(e).exit_code(), ExitCode::from(2));
        }
        let e = verification_request(&args("https://oauth.id.jumpcloud.com/", "ab c"))
            .expect_err("space");
        assert_eq!(e.fields[0].field, FIELD_CLIENT_ID);
        assert_eq!(e.fields[0].reason, "client_id_has_space");
        assert!(e.fix.contains("--client-id"));
    }

    #[test]
    fn the_stdin_secret_is_trimmed_and_validated_without_being_quoted() {
        let secret = read_stdin_secret(&mut format!("  {SECRET}\r\n").as_bytes()).expect("valid");
        assert_eq!(secret.expose(), SECRET);

        let empty = read_stdin_secret(&mut "\n \n".as_bytes()).expect_err("empty");
        assert_eq!(empty.fields[0].reason, "client_secret_required");
        assert!(empty.message.contains("Nothing arrived on standard input"));

        let short = read_stdin_secret(&mut "tooShort1".as_bytes()).expect_err("short");
        assert_eq!(short.fields[0].reason, "client_secret_too_short");
        assert!(!short.message.contains("tooShort1"));

        let two = format!("{SECRET} {SECRET}");
        let spaced = read_stdin_secret(&mut two.as_bytes()).expect_err("space inside");
        assert_eq!(spaced.fields[0].reason, "client_secret_has_space");
        assert!(!format!("{spaced:?}").contains(SECRET));

        let huge = "x".repeat(MAX_STDIN_SECRET_BYTES + 10);
        let long = read_stdin_secret(&mut huge.as_bytes()).expect_err("too long");
        assert_eq!(long.fields[0].reason, "client_secret_too_long");

        let binary: &[u8] = &[0xff, 0xfe, b'a', b'b'];
        let unreadable = read_stdin_secret(&mut &binary[..]).expect_err("not UTF-8");
        assert_eq!(unreadable.fields[0].reason, "client_secret_unreadable");
        assert_eq!(unreadable.kind, ErrorKind::InvalidInput);
    }

    #[test]
    fn a_secret_missing_from_the_keychain_points_at_standard_input() {
        let e = with_stdin_hint(secret_not_found("abc123", "why"), Some("damaged".into()));
        assert!(
            e.fix
                .starts_with("Pass the Client Secret on standard input"),
            "{}",
            e.fix
        );
        assert!(e.fix.contains("step 3"), "{}", e.fix);
        assert_eq!(e.detail.as_deref(), Some("damaged"));
        let locked = AppError::new(ErrorKind::KeychainLocked, "Locked.", "Unlock it.");
        assert_eq!(with_stdin_hint(locked.clone(), None), locked);
    }

    #[test]
    fn the_json_report_has_exactly_the_documented_fields() {
        let (out, err) = report(&Outcome::Verified(verified()), true);
        assert!(err.is_empty());
        assert_eq!(out.lines().count(), 1);
        let value: serde_json::Value = serde_json::from_str(out.trim()).expect("JSON");
        assert_eq!(
            value,
            json!({
                "ok": true,
                "issuer": "https://oauth.id.jumpcloud.com/",
                "subject": "u-1",
                "email": "admin@example.com",
                "email_verified": true,
                "groups": ["it-admins", "c1"],
            })
        );

        let failure = AppError::new(ErrorKind::InvalidClient, "Rejected.", "Check the secret.")
            .with_detail("invalid_client: bad secret");
        let (out, _) = report(&Outcome::Failed(failure), true);
        let value: serde_json::Value = serde_json::from_str(out.trim()).expect("JSON");
        assert_eq!(
            value,
            json!({
                "ok": false,
                "kind": "invalid_client",
                "message": "Rejected.",
                "fix": "Check the secret.",
                "detail": "invalid_client: bad secret",
            })
        );

        let usage = verification_request(&args("ftp://x/", "abc")).expect_err("usage");
        let (out, err) = report(&Outcome::Usage(usage), true);
        assert!(err.is_empty());
        let value: serde_json::Value = serde_json::from_str(out.trim()).expect("JSON");
        assert_eq!(value["kind"], "invalid_input");
        assert_eq!(value["detail"], serde_json::Value::Null);
    }

    #[test]
    fn the_short_report_names_the_email_the_proofs_or_the_fix() {
        let (out, err) = report(&Outcome::Verified(verified()), false);
        assert!(err.is_empty());
        assert!(out.starts_with("Verified: JumpCloud signed in admin@example.com"));
        assert!(out.contains("  - JumpCloud accepted the Client ID and secret."));
        assert!(out.contains("Groups JumpCloud sent: it-admins, c1"));

        let failure = AppError::new(ErrorKind::AccessDenied, "Not allowed.", "Add the group.");
        let (out, _) = report(&Outcome::Failed(failure), false);
        assert_eq!(
            out,
            "Not verified (access_denied): Not allowed.\nWhat to do: Add the group.\n"
        );

        let usage =
            verification_request(&args("https://oauth.id.jumpcloud.com/", "")).expect_err("usage");
        let (out, err) = report(&Outcome::Usage(usage), false);
        assert!(out.is_empty());
        assert!(err.starts_with("c1-setup verify-sso: Enter the Client ID"));
        assert!(err.contains("--client-id"));
    }

    #[test]
    fn values_from_the_identity_provider_cannot_drive_the_terminal() {
        let mut hostile = verified();
        hostile.email = "admin\u{1b}]0;owned\u{7}@example.com\u{9b}2J".into();
        hostile.groups = vec!["it\u{1b}[2J".into(), "ok\r\nfake line".into()];
        hostile.checks[0].label = "proved\u{1b}[8m".into();
        let (out, _) = report(&Outcome::Verified(hostile.clone()), false);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(
            out.starts_with(r"Verified: JumpCloud signed in admin\e]0;owned\x07@example.com\x9b2J"),
            "{out}"
        );
        assert!(
            out.contains(r"Groups JumpCloud sent: it\e[2J, ok\r\nfake line"),
            "{out}"
        );
        assert!(out.contains(r"  - proved\e[8m"), "{out}");

        let mut progress = Vec::new();
        write_progress(
            &mut progress,
            &LoginProgress::Verified {
                email: hostile.email,
            },
        )
        .expect("writes");
        let progress = String::from_utf8(progress).expect("utf-8");
        assert_eq!(
            progress,
            "Verified admin\\e]0;owned\\x07@example.com\\x9b2J.\n"
        );

        let failure = AppError::new(ErrorKind::AccessDenied, "No\u{1b}[1m.", "Fix.")
            .with_detail("from\u{7}idp");
        let (out, _) = report(&Outcome::Failed(failure), false);
        assert!(
            out.contains(r"No\e[1m.") && out.contains(r"from\x07idp"),
            "{out}"
        );
    }

    #[test]
    fn progress_always_shows_the_sign_in_address() {
        let mut out = Vec::new();
        let closed = AppError::new(ErrorKind::BrowserOpenFailed, "xdg-open failed.", "Open it.");
        write_progress(
            &mut out,
            &LoginProgress::WaitingForBrowser {
                url: "https://idp.example/auth?state=abc".into(),
                local_url: "http://127.0.0.1:38710/".into(),
                redirect_uri: "http://127.0.0.1:38710/callback".into(),
                browser_opened: false,
                browser_error: Some(closed),
            },
        )
        .expect("writes");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("No browser could be opened (xdg-open failed.)"));
        assert!(text.contains("\n  https://idp.example/auth?state=abc\n"));
        assert!(text.contains("http://127.0.0.1:38710/callback"));
    }

    #[test]
    fn exit_codes_follow_the_outcome() {
        assert_eq!(Outcome::Verified(verified()).exit_code(), ExitCode::SUCCESS);
        let e = AppError::new(ErrorKind::Cancelled, "Stopped.", "Run it again.");
        assert_eq!(Outcome::Failed(e.clone()).exit_code(), ExitCode::from(1));
        assert_eq!(Outcome::Usage(e).exit_code(), ExitCode::from(2));
    }
}
