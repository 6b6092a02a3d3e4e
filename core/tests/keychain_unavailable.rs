//! With no Secret Service, `KeyringStore` reports `keychain_unavailable`
//! and writes nothing anywhere.
//!
//! Each test starts a private `dbus-daemon` whose configuration has no
//! service directories (so D-Bus activation cannot start gnome-keyring), or
//! no bus at all, and runs the keychain calls in a child process whose HOME
//! and XDG directories point into a fresh temporary directory. The parent
//! then checks the reported kinds, that no file appeared under that
//! directory, and that the secret is not in the child's output.
//!
//! Runs only when `C1_SETUP_NO_KEYCHAIN_SESSION=1` (needs `dbus-daemon`):
//! `C1_SETUP_NO_KEYCHAIN_SESSION=1 cargo test -p c1-setup-core --test keychain_unavailable`
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)]

#[path = "support/private_bus.rs"]
mod private_bus;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use c1_setup_core::keychain::{KeyringStore, SecretKey, SecretStore};
use c1_setup_core::Secret;

const GATE: &str = "C1_SETUP_NO_KEYCHAIN_SESSION";
const CHILD: &str = "C1_SETUP_KEYCHAIN_TEST_CHILD";
const SECRET: &str = "never-written-S3cr3t-7f3a9c";
const INVITE: &str = "never-written-InviteCode-42";

fn gated() -> bool {
    if std::env::var(GATE).as_deref() == Ok("1") {
        true
    } else {
        eprintln!(
            "SKIPPED: set {GATE}=1 to test the keychain with no Secret Service (needs dbus-daemon; \
             see the 'Rust tests' check in scripts/test)"
        );
        false
    }
}

/// A temporary home with the XDG directories inside it.
struct Sandbox {
    root: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        for dir in ["home", "config", "data", "cache", "state", "run"] {
            std::fs::create_dir_all(root.path().join(dir)).unwrap();
        }
        Self { root }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    /// Every file under the sandbox except the bus's own socket and config.
    fn files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(self.root.path(), &mut files);
        files.retain(|p| p != &self.path("bus.conf") && p != &self.path("bus.socket"));
        files.sort();
        files
    }

    /// Runs the child test with the sandbox's HOME/XDG directories and the
    /// given bus address (None: no DBUS_SESSION_BUS_ADDRESS at all).
    fn run_child(&self, bus_address: Option<&str>) -> (String, String) {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args([
                "--exact",
                "child_calls_the_keychain",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .env("HOME", self.path("home"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CACHE_HOME", self.path("cache"))
            .env("XDG_STATE_HOME", self.path("state"))
            .env("XDG_RUNTIME_DIR", self.path("run"))
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        if let Some(address) = bus_address {
            command.env("DBUS_SESSION_BUS_ADDRESS", address);
        }
        let out = command.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
        (stdout, stderr)
    }
}

/// A session bus with no service directories: nothing can be activated.
struct PrivateBus {
    daemon: Child,
    address: String,
}

impl PrivateBus {
    fn start(sandbox: &Sandbox) -> Self {
        let (daemon, address) =
            private_bus::start(&sandbox.path("bus.conf"), &sandbox.path("bus.socket"));
        Self { daemon, address }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// The kinds the child reported, by operation.
fn reported(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("RESULT "))
        .filter_map(|l| l.split_once('='))
        .map(|(op, kind)| (op.to_owned(), kind.to_owned()))
        .collect()
}

fn check(sandbox: &Sandbox, stdout: &str, stderr: &str) {
    let results = reported(stdout);
    let ops: Vec<_> = results.iter().map(|(op, _)| op.as_str()).collect();
    assert_eq!(
        ops,
        ["probe", "put_secret", "put_invite", "get", "delete"],
        "{stdout}\n{stderr}"
    );
    for (op, kind) in &results {
        assert_eq!(kind, "keychain_unavailable", "{op}: {stdout}\n{stderr}");
    }
    for text in [stdout, stderr] {
        assert!(!text.contains(SECRET), "the secret reached the output");
        assert!(!text.contains(INVITE), "the invite code reached the output");
    }
    // The messages shown to the admin name what to install.
    assert!(stdout.contains("gnome-keyring"), "{stdout}");
    let files = sandbox.files();
    assert!(files.is_empty(), "files were written: {files:?}");
}

#[test]
fn a_bus_without_a_secret_service_is_unavailable_and_nothing_is_written() {
    if !gated() {
        return;
    }
    let sandbox = Sandbox::new();
    let bus = PrivateBus::start(&sandbox);
    let (stdout, stderr) = sandbox.run_child(Some(&bus.address));
    check(&sandbox, &stdout, &stderr);
}

#[test]
fn no_session_bus_is_unavailable_and_nothing_is_written() {
    if !gated() {
        return;
    }
    let sandbox = Sandbox::new();
    // No address and an empty XDG_RUNTIME_DIR: there is no bus to find.
    let (stdout, stderr) = sandbox.run_child(None);
    check(&sandbox, &stdout, &stderr);

    // An address whose socket does not exist.
    let sandbox = Sandbox::new();
    let missing = format!("unix:path={}", sandbox.path("run/no-such-bus").display());
    let (stdout, stderr) = sandbox.run_child(Some(&missing));
    check(&sandbox, &stdout, &stderr);
}

/// The keychain calls, run in the child process set up by the tests above.
/// Its stdout is how it reports back to the parent.
#[test]
#[allow(clippy::print_stdout)]
#[ignore = "run by the other tests in this file, in a child process with a prepared environment"]
fn child_calls_the_keychain() {
    assert_eq!(
        std::env::var(CHILD).as_deref(),
        Ok("1"),
        "this test runs only as a child of the other tests in this file"
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
    let key = SecretKey::client_secret("acmeco", "client-id-1");
    report("put_secret", store.put(&key, &Secret::from(SECRET)));
    report(
        "put_invite",
        store.put(&SecretKey::invite_code("acmeco"), &Secret::from(INVITE)),
    );
    report("get", store.get(&key).map(|_| ()));
    report("delete", store.delete(&key));
}
