//! A locked keyring is reported as `keychain_locked`, headlessly.
//!
//! The test starts its own gnome-keyring on a private D-Bus bus that has no
//! service directories (so no GUI prompter can be activated), its keyrings
//! in a temporary directory, stores an item with `secret-tool`, locks the
//! "login" collection, and runs the keychain calls in a child process: the
//! unlock prompt cannot be shown, so every call that needs the item fails
//! with `keychain_locked`, and the item is left as it was.
//!
//! Runs only when `C1_SETUP_REAL_KEYCHAIN=1` (needs dbus-daemon,
//! gnome-keyring and secret-tool); see the "Rust tests" check in scripts/test.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)]

#[path = "support/private_bus.rs"]
mod private_bus;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use c1_setup_core::keychain::{KeyringStore, SecretKey, SecretStore};
use c1_setup_core::Secret;

const GATE: &str = "C1_SETUP_REAL_KEYCHAIN";
const CHILD: &str = "C1_SETUP_KEYCHAIN_TEST_CHILD";
const STORED: &str = "stored-before-lock-91c2";
const NEW: &str = "new-value-while-locked-5e7d";

struct Session {
    dir: tempfile::TempDir,
    address: String,
    daemon: Child,
}

impl Session {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["data", "run", "home"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let (daemon, address) =
            private_bus::start(&dir.path().join("bus.conf"), &dir.path().join("run/bus"));
        Self {
            dir,
            address,
            daemon,
        }
    }

    fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    /// A command that talks to this session's bus and keyring.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_RUNTIME_DIR", self.path("run"))
            .env("HOME", self.path("home"))
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        command
    }

    fn run_with_input(&self, program: &str, args: &[&str], input: &str) -> std::process::Output {
        let mut child = self
            .command(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{program} is installed: {e}"));
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    fn start_unlocked_keyring(&self) {
        let out = self.run_with_input(
            "gnome-keyring-daemon",
            &["--unlock", "--components=secrets"],
            "test-password",
        );
        assert!(out.status.success(), "gnome-keyring-daemon --unlock failed");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let out = self
                .command("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .output()
                .unwrap();
            if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
                return;
            }
            assert!(Instant::now() < deadline, "gnome-keyring did not register");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn lookup(&self, key: &SecretKey) -> Option<String> {
        let out = self
            .command("secret-tool")
            .args(["lookup", "service", key.service(), "account", key.account()])
            .output()
            .unwrap();
        out.status
            .success()
            .then(|| String::from_utf8(out.stdout).unwrap())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn key() -> SecretKey {
    SecretKey::client_secret("acmeco", "client-id-locked")
}

#[test]
fn a_locked_keyring_is_reported_and_left_untouched() {
    if std::env::var(GATE).as_deref() != Ok("1") {
        eprintln!("SKIPPED: set {GATE}=1 to run (needs dbus-daemon, gnome-keyring, secret-tool)");
        return;
    }
    let session = Session::start();
    session.start_unlocked_keyring();
    let key = key();
    let out = session.run_with_input(
        "secret-tool",
        &[
            "store",
            "--label=before lock",
            "service",
            key.service(),
            "username",
            key.account(),
            "account",
            key.account(),
            "target",
            "default",
        ],
        STORED,
    );
    assert!(out.status.success(), "secret-tool store failed");
    assert_eq!(session.lookup(&key).as_deref(), Some(STORED));

    let out = session
        .command("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "locking the login collection failed");

    let out = session
        .command(std::env::current_exe().unwrap().to_str().unwrap())
        .args([
            "--exact",
            "child_uses_the_locked_keyring",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    let results: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("RESULT "))
        .collect();
    assert_eq!(
        results,
        [
            "probe=keychain_locked",
            "put=keychain_locked",
            "get=keychain_locked",
            "delete=keychain_locked"
        ],
        "{stdout}\n{stderr}"
    );
    for text in [stdout.as_str(), &stderr] {
        assert!(!text.contains(STORED) && !text.contains(NEW));
    }
    assert!(stdout.contains("Unlock the \"Login\" keyring"), "{stdout}");

    // The item is still there, still locked, and still the only one.
    let out = session
        .command("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.SearchItems",
            &format!(
                "dict:string:string:service,{},account,{}",
                key.service(),
                key.account()
            ),
        ])
        .output()
        .unwrap();
    let reply = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "SearchItems failed: {reply}");
    // The reply holds two arrays: unlocked items, then locked ones.
    let arrays: Vec<&str> = reply.split("array [").skip(1).collect();
    assert_eq!(arrays.len(), 2, "{reply}");
    assert!(
        !arrays[0].contains("object path"),
        "an unlocked copy appeared: {reply}"
    );
    assert_eq!(arrays[1].matches("object path").count(), 1, "{reply}");
}

/// Run by the test above in a child process pointed at the locked keyring.
#[test]
#[ignore = "run by the other test in this file, in a child process with a prepared environment"]
#[allow(clippy::print_stdout)]
fn child_uses_the_locked_keyring() {
    assert_eq!(
        std::env::var(CHILD).as_deref(),
        Ok("1"),
        "run only as a child"
    );
    let report = |op: &str, result: Result<(), c1_setup_core::AppError>| match result {
        Ok(()) => println!("RESULT {op}=ok"),
        Err(err) => {
            println!("MESSAGE {op}: {} | {}", err.message, err.fix);
            println!("RESULT {op}={}", err.kind);
        }
    };
    report("probe", KeyringStore::probe().map(|_| ()));
    let store = KeyringStore::new();
    report("put", store.put(&key(), &Secret::from(NEW)));
    report("get", store.get(&key()).map(|_| ()));
    report("delete", store.delete(&key()));
}
