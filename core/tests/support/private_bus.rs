//! A private D-Bus session bus for the keychain tests: nothing on it can be
//! auto-started, so a test decides exactly which services exist.

use std::path::Path;

/// Writes a session bus configuration listening on `socket` to `config`.
pub fn write_config(config: &Path, socket: &Path) {
    std::fs::write(
        config,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
            socket.display()
        ),
    )
    .expect("write the bus configuration");
}

/// Starts `dbus-daemon` with a configuration written to `config`, listening
/// on `socket`. Returns the daemon (the caller kills it) and its address.
pub fn start(config: &Path, socket: &Path) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    write_config(config, socket);
    let mut daemon = Command::new("dbus-daemon")
        .arg(format!("--config-file={}", config.display()))
        .args(["--nofork", "--print-address"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon is installed (package dbus)");
    let mut address = String::new();
    BufReader::new(daemon.stdout.take().expect("piped stdout"))
        .read_line(&mut address)
        .expect("dbus-daemon prints its address");
    let address = address.trim().to_owned();
    assert!(
        address.starts_with("unix:"),
        "dbus-daemon printed {address:?}"
    );
    (daemon, address)
}
