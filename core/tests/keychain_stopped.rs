//! A Secret Service that stops answering (here: gnome-keyring-daemon frozen
//! with SIGSTOP in the middle of a call, as a hung service or an unanswered
//! unlock prompt behaves) neither freezes the window's other commands nor
//! hangs the use-case: the call gives up with `keychain_unavailable`.
//!
//! Starts its own gnome-keyring on a private D-Bus bus. One test in its own
//! binary: it points this process at that bus. Runs only when
//! `C1_SETUP_REAL_KEYCHAIN=1` (needs dbus-daemon and gnome-keyring).
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)]

#[path = "support/private_bus.rs"]
mod private_bus;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use c1_setup_core::endpoints::Overrides;
use c1_setup_core::progress::StateStore;
use c1_setup_core::session::Session;
use c1_setup_core::setup::Setup;
use c1_setup_core::steps::step1_instance::InstanceInput;
use c1_setup_core::{ErrorKind, Secret};

const GATE: &str = "C1_SETUP_REAL_KEYCHAIN";

/// The process that owns `org.freedesktop.secrets` on the bus.
fn secret_service_pid() -> Option<u32> {
    let out = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            "string:org.freedesktop.secrets",
        ])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .last()?
        .parse()
        .ok()
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{name} {pid}");
}

/// Ends the test's own keyring daemon, resumed first, even when the test fails.
struct OwnDaemon(u32);

impl Drop for OwnDaemon {
    fn drop(&mut self) {
        let pid = self.0.to_string();
        let _ = Command::new("kill").args(["-CONT", &pid]).status();
        let _ = Command::new("kill").arg(&pid).status();
    }
}

fn instance(code: &str) -> InstanceInput {
    InstanceInput {
        domain: "acmeco".into(),
        display_name: "Acme Co".into(),
        invite_code: Secret::from(code),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_secret_service_times_out_and_other_commands_still_answer() {
    if std::env::var(GATE).as_deref() != Ok("1") {
        eprintln!("SKIPPED: set {GATE}=1 to run (needs dbus-daemon, gnome-keyring)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for sub in ["data", "run", "home", "state"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    let (mut bus, address) =
        private_bus::start(&dir.path().join("bus.conf"), &dir.path().join("run/bus"));
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address);
    std::env::set_var("XDG_DATA_HOME", dir.path().join("data"));
    std::env::set_var("XDG_RUNTIME_DIR", dir.path().join("run"));
    let mut keyring = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets"])
        .env("HOME", dir.path().join("home"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon is installed");
    keyring
        .stdin
        .take()
        .unwrap()
        .write_all(b"test-password")
        .unwrap();
    assert!(keyring.wait().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let pid = loop {
        if let Some(pid) = secret_service_pid() {
            break pid;
        }
        assert!(Instant::now() < deadline, "gnome-keyring did not register");
        std::thread::sleep(Duration::from_millis(50));
    };
    let daemon = OwnDaemon(pid);

    let (setup, _) = Setup::open(
        StateStore::new(dir.path().join("state")),
        Overrides::default(),
    );
    let session =
        Arc::new(Session::new(setup, None, None).with_keychain_timeout(Duration::from_secs(2)));
    // The keychain works: step 1 is saved, the invite code stored.
    session
        .with_secrets(|setup, secrets| setup.save_instance(&instance("Code-1"), secrets))
        .await
        .expect("stored while the service answers");

    signal(pid, "STOP");
    let started = Instant::now();
    let saving = {
        let session = session.clone();
        tokio::spawn(async move {
            session
                .with_secrets(|setup, secrets| setup.save_instance(&instance("Code-2"), secrets))
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Meanwhile another command (one that needs the wizard, not the keychain)
    // answers at once.
    let asked = Instant::now();
    let domain = tokio::task::spawn_blocking({
        let session = session.clone();
        move || session.setup().state().domain.clone()
    });
    let domain = tokio::time::timeout(Duration::from_secs(1), domain).await;
    let answered_in = asked.elapsed();
    let result = tokio::time::timeout(Duration::from_secs(20), saving).await;
    drop(daemon);
    let _ = bus.kill();
    let _ = bus.wait();

    let domain = domain.expect("the wizard answered while the keychain hung");
    assert_eq!(domain.unwrap(), "acmeco");
    assert!(answered_in < Duration::from_millis(500), "{answered_in:?}");
    let err = result
        .expect("the keychain call was bounded")
        .unwrap()
        .expect_err("the frozen service cannot store");
    assert_eq!(err.kind, ErrorKind::KeychainUnavailable, "{err:?}");
    assert!(err.fix.contains("unlock"), "{}", err.fix);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(10),
        "{took:?}"
    );
}
