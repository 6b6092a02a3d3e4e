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
