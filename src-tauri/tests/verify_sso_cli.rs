//! `c1-setup verify-sso` run as a program, against the real OpenID provider
//! `sandbox/idp-server.mjs` (oidc-provider, configured like JumpCloud), with the
//! headless test browser `sandbox/browser.mjs` as `$BROWSER`. No display
//! is needed: the variables that name one are removed for every run.
//!
//! Needs Node.js 20+ and `npm ci --prefix sandbox`.

#[path = "../../core/tests/support/real_idp.rs"]
#[allow(dead_code)]
mod real_idp;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use real_idp::{RealIdp, CLIENT_ID, CLIENT_SECRET};
use serde_json::Value;

const WRONG_SECRET: &str = "not-the-right-secret-7d1e0b";
/// The longest any run may take before the test gives up on it.
const RUN_LIMIT: Duration = Duration::from_secs(60);

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the repository root")
        .to_path_buf()
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind a free port");
    listener.local_addr().expect("address").port()
}

fn redirect_uri(port: u16) -> String {
    format!("http://127.0.0.1:{port}/callback")
}

/// One run of the command in a clean home folder.
struct Invocation {
    args: Vec<String>,
    stdin: Option<String>,
    env: Vec<(String, String)>,
    home: tempfile::TempDir,
}

impl Invocation {
    fn new<I, S>(args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let home = tempfile::tempdir().expect("a temporary home");
        let browser = repo_root().join("sandbox/browser.mjs");
        let mut run = Self {
            args: args.into_iter().map(Into::into).collect(),
            stdin: None,
            env: Vec::new(),
            home,
        };
        run.set("BROWSER", format!("node '{}'", browser.display()));
        let log = run.browser_log_path();
        run.set("C1_TEST_BROWSER_LOG", log.display().to_string());
        run
    }

    /// `--issuer <idp> --client-id <test client> --port <port>` and more.
    fn against(idp: &RealIdp, port: u16, more: &[&str]) -> Self {
        let mut args = vec![
            "verify-sso".to_owned(),
            "--issuer".to_owned(),
            idp.issuer.clone(),
            "--client-id".to_owned(),
            CLIENT_ID.to_owned(),
            "--port".to_owned(),
            port.to_string(),
        ];
        args.extend(more.iter().map(|a| (*a).to_owned()));
        Self::new(args)
    }

    fn set(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        self.env.push((name.to_owned(), value.into()));
        self
    }

    fn stdin(&mut self, text: impl Into<String>) -> &mut Self {
        self.stdin = Some(text.into());
        self
    }

    fn browser_log_path(&self) -> PathBuf {
        self.home.path().join("browser.log")
    }

    fn spawn(&self) -> Running {
        let home = self.home.path();
        let mut command = Command::new(env!("CARGO_BIN_EXE_c1-setup"));
        command
            .args(&self.args)
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("C1_SETUP_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in &self.env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("c1-setup starts");
        let mut stdin = child.stdin.take().expect("stdin");
        if let Some(text) = &self.stdin {
            stdin.write_all(text.as_bytes()).expect("write stdin");
        }
        drop(stdin);
        let stdout = drain(child.stdout.take().expect("stdout"));
        let stderr = drain(child.stderr.take().expect("stderr"));
        Running {
            child,
            stdout,
            stderr,
        }
    }

    fn run(&self) -> Finished {
        self.spawn().finish()
    }

    /// The browser log's JSON lines, waiting up to `wait` for one whose
    /// `event` is `until`.
    fn browser_log(&self, until: &str, wait: Duration) -> Vec<Value> {
        let deadline = Instant::now() + wait;
        loop {
            let entries = read_json_lines(&self.browser_log_path());
            if entries.iter().any(|e| e["event"] == until) || Instant::now() > deadline {
                return entries;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn read_json_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON log line"))
        .collect()
}

fn drain(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    std::thread::spawn(move || {
        let mut buf = [0_u8; 4096];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => sink
                    .lock()
                    .expect("output")
                    .push_str(&String::from_utf8_lossy(&buf[..n])),
            }
        }
    });
    text
}

struct Running {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Running {
    fn stderr_so_far(&self) -> String {
        self.stderr.lock().expect("stderr").clone()
    }

    /// Waits until stderr contains `text`.
    fn wait_for_stderr(&mut self, text: &str) {
        let deadline = Instant::now() + RUN_LIMIT;
        while !self.stderr_so_far().contains(text) {
            let exited = self.child.try_wait().expect("poll").is_some();
            assert!(
                !exited && Instant::now() < deadline,
                "c1-setup never printed {text:?}; stderr so far:\n{}",
                self.stderr_so_far()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn finish(mut self) -> Finished {
        let deadline = Instant::now() + RUN_LIMIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("poll") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "c1-setup did not finish within {RUN_LIMIT:?}; stderr:\n{}",
                    self.stderr_so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        };
        // Let the reader threads collect the last bytes.
        std::thread::sleep(Duration::from_millis(100));
        Finished {
            code: status.code().expect("an exit code, not a signal"),
            stdout: self.stdout.lock().expect("stdout").clone(),
            stderr: self.stderr.lock().expect("stderr").clone(),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[derive(Debug)]
struct Finished {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Finished {
    /// The `--json` object: the last line of stdout.
    fn json(&self) -> Value {
        let last = self.stdout.lines().last().unwrap_or_else(|| {
            panic!(
                "stdout is empty (exit {}); stderr:\n{}",
                self.code, self.stderr
            )
        });
        serde_json::from_str(last)
            .unwrap_or_else(|e| panic!("the last stdout line is not JSON ({e}): {last:?}"))
    }

    fn assert_no_secret(&self) {
        for secret in [CLIENT_SECRET, WRONG_SECRET] {
            assert!(!self.stdout.contains(secret), "secret on stdout");
            assert!(!self.stderr.contains(secret), "secret on stderr");
        }
    }

    /// The sign-in address printed under "Sign-in address:".
    fn printed_url(&self) -> String {
        let mut lines = self.stderr.lines();
        lines
            .by_ref()
            .find(|l| l.starts_with("Sign-in address"))
            .unwrap_or_else(|| panic!("no sign-in address on stderr:\n{}", self.stderr));
        lines.next().expect("the address line").trim().to_owned()
    }
}

fn start_idp(port: u16) -> RealIdp {
    RealIdp::start(&[redirect_uri(port)], serde_json::json!({}))
}

#[test]
fn a_successful_sign_in_prints_one_json_object_and_exits_0() {
    let port = free_port();
    let idp = start_idp(port);
    let mut run = Invocation::against(&idp, port, &["--client-secret-stdin", "--json"]);
    run.stdin(format!("{CLIENT_SECRET}\n"));
    let done = run.run();

    assert_eq!(done.code, 0, "{done:?}\nprovider:\n{}", idp.stderr());
    let json = done.json();
    assert_eq!(json["ok"], true, "{json}");
    assert_eq!(json["issuer"], idp.issuer.as_str());
    assert_eq!(json["email"], "admin@example.com");
    assert_eq!(json["email_verified"], true);
    assert_eq!(json["subject"], "admin");
    assert_eq!(json["groups"], serde_json::json!(["it-admins"]));
    done.assert_no_secret();

    // The provider's authorization URL is on stderr, and it is the address
    // the browser was sent to.
    let url = done.printed_url();
    assert!(url.starts_with(&format!("{}auth?", idp.issuer)), "{url}");
    assert!(url.contains(&format!("client_id={CLIENT_ID}")), "{url}");
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    let log = run.browser_log("finished", Duration::from_secs(5));
    assert_eq!(log[0]["event"], "opened");
    assert_eq!(log[0]["url"], format!("http://127.0.0.1:{port}/"));
    assert!(
        log.iter()
            .any(|e| e["event"] == "request" && e["url"] == url.as_str()),
        "the browser never loaded the printed address: {log:?}"
    );
    let finished = log.last().expect("a last entry");
    assert_eq!(finished["event"], "finished", "{log:?}");
    assert_eq!(finished["outcome"], "callback");
    assert_eq!(finished["status"], 200);
    assert_ne!(
        finished["title"], "The assistant stopped waiting",
        "{finished}"
    );
    assert!(
        finished["text"]
            .as_str()
            .is_some_and(|t| t.contains("admin@example.com")),
        "{finished}"
    );
}

#[test]
fn without_json_the_report_names_the_verified_email_and_what_was_proven() {
    let port = free_port();
    let idp = start_idp(port);
    let mut run = Invocation::against(&idp, port, &["--client-secret-stdin"]);
    run.stdin(format!("  {CLIENT_SECRET}  \r\n"));
    let done = run.run();

    assert_eq!(done.code, 0, "{done:?}");
    assert!(
        done.stdout
            .starts_with("Verified: JumpCloud signed in admin@example.com"),
        "{}",
        done.stdout
    );
    assert!(done.stdout.contains("What this proved:"), "{}", done.stdout);
    assert!(done.stdout.contains("Groups JumpCloud sent: it-admins"));
    assert!(serde_json::from_str::<Value>(done.stdout.lines().last().unwrap_or("")).is_err());
    assert!(done.stderr.contains("Checking the issuer"));
    done.assert_no_secret();
}

#[test]
fn a_wrong_secret_fails_with_invalid_client_and_exit_1() {
    let port = free_port();
    let idp = start_idp(port);
    let mut run = Invocation::against(&idp, port, &["--client-secret-stdin", "--json"]);
    run.stdin(WRONG_SECRET);
    let done = run.run();

    assert_eq!(done.code, 1, "{done:?}");
    let json = done.json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["kind"], "invalid_client", "{json}");
    assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(json["fix"].as_str().is_some_and(|f| !f.is_empty()));
    assert!(json.as_object().expect("object").contains_key("detail"));
    assert!(!done.printed_url().is_empty());
    done.assert_no_secret();
}

#[test]
fn declining_in_the_browser_fails_with_access_denied_and_exit_1() {
    let port = free_port();
    let idp = start_idp(port);
    let mut run = Invocation::against(&idp, port, &["--client-secret-stdin", "--json"]);
    run.stdin(CLIENT_SECRET).set("C1_TEST_BROWSER_DECLINE", "1");
    let done = run.run();

    assert_eq!(done.code, 1, "{done:?}");
    let json = done.json();
    assert_eq!(json["kind"], "access_denied", "{json}");
    assert!(
        json["fix"]
            .as_str()
            .is_some_and(|f| f.to_lowercase().contains("group")),
        "{json}"
    );
    let log = run.browser_log("finished", Duration::from_secs(5));
    let finished = log.last().expect("a last entry");
    assert_eq!(finished["outcome"], "callback", "{log:?}");
    assert!(
        finished["url"]
            .as_str()
            .is_some_and(|u| u.contains("error=access_denied")),
        "{finished}"
    );
    // The tab got the result page before the command ended.
    assert_eq!(finished["title"], "The sign-in check failed", "{finished}");
    assert!(
        finished["text"]
            .as_str()
            .is_some_and(|t| t.contains("What to do: In the JumpCloud app")),
        "{finished}"
    );
    done.assert_no_secret();
}

#[test]
fn usage_errors_exit_2() {
    let issuer = "https://oauth.id.jumpcloud.com/";
    // clap's own errors: a required option missing, a port out of range.
    let missing = Invocation::new(["verify-sso", "--client-id", "abc"]).run();
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(missing.stderr.contains("--issuer"), "{}", missing.stderr);
    let port_zero = Invocation::new([
        "verify-sso",
        "--issuer",
        issuer,
        "--client-id",
        "abc",
        "--port",
        "0",
    ])
    .run();
    assert_eq!(port_zero.code, 2, "{port_zero:?}");

    // The command's own checks, with the JSON object for scripts.
    let plain_http = Invocation::new([
        "verify-sso",
        "--issuer",
        "http://oauth.id.jumpcloud.com/",
        "--client-id",
        "abc",
        "--json",
    ])
    .run();
    assert_eq!(plain_http.code, 2, "{plain_http:?}");
    assert_eq!(plain_http.json()["kind"], "invalid_input");
    assert!(plain_http.stderr.is_empty(), "{}", plain_http.stderr);

    let bad_id = Invocation::new(["verify-sso", "--issuer", issuer, "--client-id", "a b"]).run();
    assert_eq!(bad_id.code, 2, "{bad_id:?}");
    assert!(bad_id.stderr.contains("Client ID"), "{}", bad_id.stderr);
    assert!(bad_id.stdout.is_empty());

    let mut empty = Invocation::new([
        "verify-sso",
        "--issuer",
        issuer,
        "--client-id",
        "abc",
        "--client-secret-stdin",
        "--json",
    ]);
    empty.stdin("\n");
    let empty = empty.run();
    assert_eq!(empty.code, 2, "{empty:?}");
    let json = empty.json();
    assert_eq!(json["kind"], "invalid_input");
    assert!(json["message"]
        .as_str()
        .is_some_and(|m| m.contains("standard input")));

    // None of these ran a login: no browser was opened.
    for run in [&missing, &port_zero, &plain_http, &bad_id, &empty] {
        assert!(!run.stderr.contains("Sign-in address"), "{run:?}");
    }
}

#[test]
fn the_keychain_secret_is_not_sent_to_another_issuer() {
    // A server that would receive the secret: it must not even be contacted.
    let elsewhere = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    elsewhere.set_nonblocking(true).expect("non-blocking");
    let issuer = format!(
        "http://127.0.0.1:{}/",
        elsewhere.local_addr().expect("addr").port()
    );
    let run = Invocation::new([
        "verify-sso",
        "--issuer",
        issuer.as_str(),
        "--client-id",
        CLIENT_ID,
        "--json",
    ]);
    // The window's progress: step 3 done for this app, in the US region.
    let state_dir = run.home.path().join("config/dev.c1setup.assistant");
    std::fs::create_dir_all(&state_dir).expect("settings folder");
    let saved = serde_json::json!({
        "format_version": 1,
        "domain": "acmeco",
        "client_id": CLIENT_ID,
        "client_secret_stored": true,
    });
    std::fs::write(state_dir.join("state.json"), saved.to_string()).expect("saved");
    let done = run.run();
    assert_eq!(done.code, 2, "{done:?}");
    let json = done.json();
    assert_eq!(json["kind"], "invalid_input");
    assert!(json["message"]
        .as_str()
        .is_some_and(|m| m.contains("https://oauth.id.jumpcloud.com/")
            && m.contains(&issuer)
            && m.contains("only sent to the JumpCloud issuer it was stored for")));
    assert!(json["fix"]
        .as_str()
        .is_some_and(|f| f.contains("--client-secret-stdin")));
    assert!(
        matches!(elsewhere.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "nothing was sent to {issuer}"
    );
}

#[test]
fn without_saved_progress_the_keychain_path_reports_secret_not_found() {
    let run = Invocation::new([
        "verify-sso",
        "--issuer",
        "https://oauth.id.jumpcloud.com/",
        "--client-id",
        "abc123",
        "--json",
    ]);
    let done = run.run();
    assert_eq!(done.code, 1, "{done:?}");
    let json = done.json();
    assert_eq!(json["kind"], "secret_not_found", "{json}");
    let fix = json["fix"].as_str().expect("fix");
    assert!(fix.contains("--client-secret-stdin"), "{fix}");
    assert!(fix.contains("step 3"), "{fix}");
    assert!(read_json_lines(&run.browser_log_path()).is_empty());
}

#[cfg(unix)]
#[test]
fn ctrl_c_cancels_the_waiting_login_with_exit_1() {
    let port = free_port();
    let idp = start_idp(port);
    let mut run = Invocation::against(&idp, port, &["--client-secret-stdin", "--json"]);
    // The admin never signs in.
    run.stdin(CLIENT_SECRET).set("C1_TEST_BROWSER_IGNORE", "1");
    let mut running = run.spawn();
    running.wait_for_stderr("Ctrl-C cancels");
    let pid = running.child.id().to_string();
    let sent = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let done = running.finish();

    assert_eq!(done.code, 1, "{done:?}");
    assert_eq!(done.json()["kind"], "cancelled");
    assert!(done.stderr.contains("cancelled"), "{}", done.stderr);
    let log = run.browser_log("opened", Duration::from_secs(1));
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["follow"], false);
    // The listener is closed: the port can be bound again.
    std::net::TcpListener::bind(("127.0.0.1", port)).expect("the port is free again");
    done.assert_no_secret();
}

#[test]
fn when_no_browser_opens_the_address_is_still_printed_and_the_wait_times_out() {
    let port = free_port();
    let idp = start_idp(port);
    let mut run = Invocation::against(
        &idp,
        port,
        &["--client-secret-stdin", "--json", "--timeout", "2"],
    );
    run.stdin(CLIENT_SECRET).set("BROWSER", "false");
    let done = run.run();

    assert_eq!(done.code, 1, "{done:?}");
    assert!(
        done.stderr.contains("No browser could be opened"),
        "{}",
        done.stderr
    );
    assert!(done.printed_url().starts_with(&idp.issuer));
    let json = done.json();
    assert_eq!(json["kind"], "timeout", "{json}");
    assert!(
        json["fix"]
            .as_str()
            .is_some_and(|f| f.contains(&redirect_uri(port))),
        "{json}"
    );
    done.assert_no_secret();
}

#[test]
fn the_outcome_is_recorded_in_the_saved_progress_as_the_window_records_it() {
    let port = free_port();
    let idp = start_idp(port);
    let mut run = Invocation::against(&idp, port, &["--client-secret-stdin", "--json"]);
    // The window's saved progress for this app (step 3 done, not verified yet).
    let state_dir = run.home.path().join("config/dev.c1setup.assistant");
    std::fs::create_dir_all(&state_dir).expect("settings folder");
    let state_file = state_dir.join("state.json");
    let saved = serde_json::json!({
        "format_version": 1,
        "domain": "acmeco",
        "client_id": CLIENT_ID,
        "client_secret_stored": true,
        "loopback_port": port,
    });
    std::fs::write(&state_file, saved.to_string()).expect("saved");
    run.stdin(CLIENT_SECRET);
    let done = run.run();
    assert_eq!(done.code, 0, "{done:?}\nprovider:\n{}", idp.stderr());

    let state: Value =
        serde_json::from_str(&std::fs::read_to_string(&state_file).expect("kept")).expect("JSON");
    let record = &state["verification"];
    assert_eq!(record["client_id"], CLIENT_ID, "{state}");
    assert_eq!(record["issuer"], idp.issuer.as_str());
    assert_eq!(record["outcome"]["result"], "passed");
    assert_eq!(record["outcome"]["email"], "admin@example.com");
    assert!(!state.to_string().contains(CLIENT_SECRET));
}
