//! One assistant at a time: a second launch hands its command line to the
//! running one, which brings its window to the front, and then exits with
//! status 0 without opening a window.
//!
//! - **macOS and Windows**: `tauri-plugin-single-instance`.
//! - **Linux**: the same check, written here on GIO's D-Bus (GDBus). The
//!   plugin's Linux side brings a second D-Bus library (zbus, ~0.8 MiB of the
//!   binary) beside the GDBus that GTK already loads. It keeps the plugin's
//!   wire protocol: the first instance owns `<identifier>.SingleInstance` on
//!   the session bus and serves `org.SingleInstance.DBus.ExecuteCallback(as
//!   argv, s cwd)`; a later one finds the name taken and calls that method.
//!   Without a session bus there is no way to find the other instance: the
//!   assistant logs a warning and starts normally. (With
//!   DBUS_SESSION_BUS_ADDRESS unset, GIO tries `$XDG_RUNTIME_DIR/bus` and
//!   then, on X11, a bus started for the display by `dbus-launch`, as GTK's
//!   accessibility bridge does anyway.)
//!
//! The check runs in a plugin's set-up, which Tauri runs before it creates
//! the window, so a second launch never shows one.

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Runtime};

/// The plugin that makes the assistant single-instance (added in
/// `run_window` only, not in the mock-runtime tests).
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    #[cfg(target_os = "linux")]
    {
        gdbus::plugin()
    }
    #[cfg(not(target_os = "linux"))]
    {
        tauri_plugin_single_instance::init(|app, _args, _cwd| focus_main_window(app))
    }
}

/// What the running assistant does when it is launched again: its window is
/// brought back (unminimized, shown) and given the focus.
fn focus_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(target_os = "linux")]
mod gdbus {
    use std::fmt;

    use gio::glib::{self, ToVariant};
    use gio::{DBusCallFlags, DBusConnection, DBusNodeInfo, RegistrationId};
    use tauri::plugin::TauriPlugin;
    use tauri::{Manager, Runtime};

    use super::focus_main_window;

    /// The interface and method of `tauri-plugin-single-instance`, kept so
    /// that either implementation can hand over to the other.
    const INTERFACE: &str = "org.SingleInstance.DBus";
    const METHOD: &str = "ExecuteCallback";
    const INTROSPECTION: &str = r#"<node>
  <interface name="org.SingleInstance.DBus">
    <method name="ExecuteCallback">
      <arg name="argv" type="as" direction="in"/>
      <arg name="cwd" type="s" direction="in"/>
    </method>
  </interface>
</node>"#;

    /// RequestName's flag and replies (D-Bus specification). Without
    /// ALLOW_REPLACEMENT (1) or REPLACE_EXISTING (2), nobody takes the name
    /// from the first instance, and the first instance takes it from nobody.
    const DO_NOT_QUEUE: u32 = 4;
    const PRIMARY_OWNER: u32 = 1;
    const EXISTS: u32 = 3;
    const ALREADY_OWNER: u32 = 4;

    /// GDBus's own default, written out: how long a second launch waits for
    /// the first to answer.
    const CALL_TIMEOUT_MS: i32 = 25_000;

    /// The bus name for an app identifier, as the plugin builds it.
    pub(super) fn bus_name(identifier: &str) -> String {
        format!("{identifier}.SingleInstance")
    }

    /// The object path for a bus name, as the plugin builds it:
    /// `dev.c1setup.assistant.SingleInstance` is served at
    /// `/dev/c1setup/assistant/SingleInstance`.
    pub(super) fn object_path(name: &str) -> String {
        let path = name.replace('.', "/").replace('-', "_");
        if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        }
    }

    /// Who this launch turned out to be.
    #[derive(Debug)]
    pub(super) enum Outcome {
        /// The first instance: it owns the name and serves the method until
        /// the lock is dropped.
        First(InstanceLock),
        /// Another instance owns the name and accepted this launch's command
        /// line; this one should exit.
        HandedOver,
    }

    /// Why there is no outcome.
    #[derive(Debug)]
    pub(super) enum Error {
        /// The name could not be asked for (or the method not served): there
        /// is no telling whether another instance runs.
        Claim(glib::Error),
        /// Another instance owns the name but did not accept the hand-over.
        HandOver(glib::Error),
    }

    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Self::Claim(error) => {
                    write!(f, "could not claim the single-instance name: {error}")
                }
                Self::HandOver(error) => write!(
                    f,
                    "could not hand over to the assistant that is already running: {error}"
                ),
            }
        }
    }

    impl std::error::Error for Error {}

    /// Owns the bus name and serves the method; dropping it stops serving
    /// and gives the name back. Tauri drops it in `cleanup_before_exit`, as
    /// the plugin does (closing the connection or ending the process gives
    /// the name back too).
    #[derive(Debug)]
    pub(super) struct InstanceLock {
        connection: DBusConnection,
        name: String,
        registration: Option<RegistrationId>,
    }

    impl tauri::Resource for InstanceLock {}

    impl Drop for InstanceLock {
        fn drop(&mut self) {
            if let Some(registration) = self.registration.take() {
                let _ = self.connection.unregister_object(registration);
            }
            let _ = call_bus(
                &self.connection,
                "ReleaseName",
                &(self.name.as_str(),),
                "(u)",
            );
        }
    }

    /// Claims `name` on `connection` for this instance, or, when another
    /// instance has it, hands `args` and `cwd` over to that one and waits
    /// for its answer.
    ///
    /// The first instance serves the method on the thread-default main
    /// context of the calling thread: `on_second_launch` runs there, with a
    /// later launch's arguments and working directory, each time the context
    /// is iterated after a call arrived. In the app that is the main thread,
    /// whose default context GTK's main loop runs.
    pub(super) fn claim_or_forward(
        connection: &DBusConnection,
        name: &str,
        args: &[String],
        cwd: &str,
        on_second_launch: impl Fn(Vec<String>, String) + Send + Sync + 'static,
    ) -> Result<Outcome, Error> {
        let path = object_path(name);
        // The method is served before the name is owned, so that a launch
        // that finds the name taken always finds the method too.
        let registration = serve(connection, &path, on_second_launch).map_err(Error::Claim)?;
        let reply = call_bus(connection, "RequestName", &(name, DO_NOT_QUEUE), "(u)")
            .and_then(|reply| {
                reply.get::<(u32,)>().ok_or_else(|| {
                    glib::Error::new(
                        gio::IOErrorEnum::InvalidData,
                        "unexpected RequestName reply",
                    )
                })
            })
            .map(|(reply,)| reply);
        match reply {
            Ok(PRIMARY_OWNER | ALREADY_OWNER) => Ok(Outcome::First(InstanceLock {
                connection: connection.clone(),
                name: name.to_owned(),
                registration: Some(registration),
            })),
            Ok(EXISTS) => {
                let _ = connection.unregister_object(registration);
                forward(connection, name, &path, args, cwd).map_err(Error::HandOver)?;
                Ok(Outcome::HandedOver)
            }
            Ok(other) => {
                let _ = connection.unregister_object(registration);
                Err(Error::Claim(glib::Error::new(
                    gio::IOErrorEnum::InvalidData,
                    &format!("unexpected RequestName reply {other}"),
                )))
            }
            Err(error) => {
                let _ = connection.unregister_object(registration);
                Err(Error::Claim(error))
            }
        }
    }

    /// Exports the method at `path`; every call runs `on_second_launch` and
    /// is then answered.
    fn serve(
        connection: &DBusConnection,
        path: &str,
        on_second_launch: impl Fn(Vec<String>, String) + Send + Sync + 'static,
    ) -> Result<RegistrationId, glib::Error> {
        let info = DBusNodeInfo::for_xml(INTROSPECTION)?;
        let interface = info.lookup_interface(INTERFACE).ok_or_else(|| {
            glib::Error::new(
                gio::IOErrorEnum::InvalidData,
                "interface missing from its XML",
            )
        })?;
        connection.register_object(
            path,
            &interface,
            move |_connection, _sender, _path, _interface, method, parameters, invocation| {
                // GDBus checks calls against the interface: only this
                // method, with these argument types, gets here.
                match parameters.get::<(Vec<String>, String)>() {
                    Some((args, cwd)) if method == METHOD => {
                        on_second_launch(args, cwd);
                        invocation.return_value(None);
                    }
                    _ => invocation.return_dbus_error(
                        "org.freedesktop.DBus.Error.InvalidArgs",
                        "expected ExecuteCallback(as argv, s cwd)",
                    ),
                }
            },
            |_, _, _, _, _| ().to_variant(),
            |_, _, _, _, _, _| false,
        )
    }

    /// Calls the first instance's method with this launch's command line.
    fn forward(
        connection: &DBusConnection,
        name: &str,
        path: &str,
        args: &[String],
        cwd: &str,
    ) -> Result<(), glib::Error> {
        connection
            .call_sync(
                Some(name),
                path,
                INTERFACE,
                METHOD,
                Some(&(args, cwd).to_variant()),
                Some(glib::VariantTy::UNIT),
                DBusCallFlags::NONE,
                CALL_TIMEOUT_MS,
                gio::Cancellable::NONE,
            )
            .map(drop)
    }

    /// Calls a method of the bus itself (org.freedesktop.DBus) whose reply
    /// has the D-Bus type `reply`, e.g. "(u)".
    fn call_bus(
        connection: &DBusConnection,
        method: &str,
        parameters: &impl ToVariant,
        reply: &str,
    ) -> Result<glib::Variant, glib::Error> {
        connection.call_sync(
            Some("org.freedesktop.DBus"),
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            method,
            Some(&parameters.to_variant()),
            Some(glib::VariantTy::new(reply).expect("a valid type string")),
            DBusCallFlags::NONE,
            CALL_TIMEOUT_MS,
            gio::Cancellable::NONE,
        )
    }

    /// The Linux plugin: claims the name, or hands over and exits.
    pub(super) fn plugin<R: Runtime>() -> TauriPlugin<R> {
        tauri::plugin::Builder::new("single-instance")
            .setup(|app, _api| {
                let connection =
                    match gio::bus_get_sync(gio::BusType::Session, gio::Cancellable::NONE) {
                        Ok(connection) => connection,
                        Err(error) => {
                            tracing::warn!(
                                "no D-Bus session bus, so a second launch cannot find this one; \
                                 starting normally: {error}"
                            );
                            return Ok(());
                        }
                    };
                let name = bus_name(&app.config().identifier);
                let args: Vec<String> = std::env::args_os()
                    .map(|arg| arg.to_string_lossy().into_owned())
                    .collect();
                let cwd = std::env::current_dir()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                let handle = app.clone();
                let on_second_launch = move |_args, _cwd| {
                    tracing::info!("launched again: bringing the window to the front");
                    focus_main_window(&handle);
                };
                match claim_or_forward(&connection, &name, &args, &cwd, on_second_launch) {
                    Ok(Outcome::First(lock)) => {
                        // Kept until Tauri's cleanup before exit.
                        app.resources_table().add(lock);
                        Ok(())
                    }
                    Ok(Outcome::HandedOver) => {
                        tracing::info!("the assistant is already running: handed over to it");
                        app.cleanup_before_exit();
                        std::process::exit(0);
                    }
                    Err(error @ Error::Claim(_)) => {
                        tracing::warn!("{error}; starting normally");
                        Ok(())
                    }
                    Err(error @ Error::HandOver(_)) => Err(error.into()),
                }
            })
            .build()
    }

    /// The claim and the hand-over against a real session bus, each
    /// instance on a connection of its own, as two processes would have.
    /// Run with `dbus-run-session -- cargo test -p c1-setup single_instance`;
    /// scripts/test runs the Rust tests under a private bus.
    #[cfg(test)]
    mod tests {
        #![allow(clippy::unwrap_used)]

        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use std::sync::{mpsc, Arc};
        use std::thread::{self, ThreadId};
        use std::time::{Duration, Instant};

        use gio::{Cancellable, DBusConnectionFlags};

        use super::*;

        /// No step takes this long unless the hand-over is broken.
        const TIMEOUT: Duration = Duration::from_secs(10);

        #[test]
        fn the_names_and_path_are_the_plugins() {
            let name = bus_name("dev.c1setup.assistant");
            assert_eq!(name, "dev.c1setup.assistant.SingleInstance");
            assert_eq!(object_path(&name), "/dev/c1setup/assistant/SingleInstance");
            assert_eq!(object_path("com.my-company.app"), "/com/my_company/app");
        }

        /// The session bus's address, or None (and a line saying why) when
        /// there is none. scripts/test promises one (it sets
        /// C1_SETUP_REAL_KEYCHAIN=1 in a private bus session), so there a
        /// missing bus fails instead of skipping.
        fn bus_address() -> Option<String> {
            match std::env::var("DBUS_SESSION_BUS_ADDRESS") {
                Ok(address) if !address.is_empty() => Some(address),
                _ => {
                    assert_ne!(
                        std::env::var("C1_SETUP_REAL_KEYCHAIN").as_deref(),
                        Ok("1"),
                        "C1_SETUP_REAL_KEYCHAIN=1 but no DBUS_SESSION_BUS_ADDRESS"
                    );
                    eprintln!(
                        "SKIPPED: no DBUS_SESSION_BUS_ADDRESS; run \
                         `dbus-run-session -- cargo test -p c1-setup single_instance`"
                    );
                    None
                }
            }
        }

        /// A connection of its own, not the process's shared one.
        fn connect(address: &str) -> DBusConnection {
            DBusConnection::for_address_sync(
                address,
                DBusConnectionFlags::AUTHENTICATION_CLIENT
                    | DBusConnectionFlags::MESSAGE_BUS_CONNECTION,
                None,
                Cancellable::NONE,
            )
            .unwrap()
        }

        /// A name no other test, run or program uses.
        fn fresh_name() -> String {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            bus_name(&format!("dev.c1setup.test.p{}.n{n}", std::process::id()))
        }

        fn has_owner(connection: &DBusConnection, name: &str) -> bool {
            let reply = call_bus(connection, "NameHasOwner", &(name,), "(b)").unwrap();
            reply.get::<(bool,)>().unwrap().0
        }

        /// A second launch, as the callback of the first saw it.
        type Received = (Vec<String>, String, ThreadId);

        /// The first instance on a thread of its own, with its own main
        /// context, iterated (as GTK's main loop would) until `stop` is set;
        /// then the connection is closed without giving the name back, as
        /// when the process ends. Sends whether it claimed the name, and
        /// every call its callback gets.
        fn first_instance(
            address: String,
            name: String,
            stop: Arc<AtomicBool>,
        ) -> (
            thread::JoinHandle<()>,
            mpsc::Receiver<(bool, ThreadId)>,
            mpsc::Receiver<Received>,
        ) {
            let (claimed_tx, claimed) = mpsc::channel();
            let (called_tx, called) = mpsc::channel();
            let handle = thread::spawn(move || {
                let context = glib::MainContext::new();
                context
                    .with_thread_default(|| {
                        let connection = connect(&address);
                        let on_second_launch = move |args, cwd| {
                            let _ = called_tx.send((args, cwd, thread::current().id()));
                        };
                        let outcome = claim_or_forward(
                            &connection,
                            &name,
                            &["c1-setup".to_owned()],
                            "/first",
                            on_second_launch,
                        );
                        let lock = match outcome {
                            Ok(Outcome::First(lock)) => Some(lock),
                            _ => None,
                        };
                        claimed_tx
                            .send((lock.is_some(), thread::current().id()))
                            .unwrap();
                        let deadline = Instant::now() + TIMEOUT;
                        while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
                            while context.iteration(false) {}
                            thread::sleep(Duration::from_millis(5));
                        }
                        connection.close_sync(Cancellable::NONE).unwrap();
                        drop(lock);
                    })
                    .unwrap();
            });
            (handle, claimed, called)
        }

        #[test]
        fn a_second_launch_hands_over_to_the_first_and_the_name_is_free_once_it_is_gone() {
            let Some(address) = bus_address() else {
                return;
            };
            let name = fresh_name();
            let stop = Arc::new(AtomicBool::new(false));
            let (first, claimed, called) =
                first_instance(address.clone(), name.clone(), Arc::clone(&stop));
            let (first_claimed, first_thread) = claimed.recv_timeout(TIMEOUT).unwrap();
            assert!(first_claimed, "the first instance owns the name");

            let second = connect(&address);
            let args = vec![
                "/usr/bin/c1-setup".to_owned(),
                "--an argument".to_owned(),
                "ünïcode".to_owned(),
            ];
            let second_called = Arc::new(AtomicBool::new(false));
            let flag = Arc::clone(&second_called);
            let outcome = claim_or_forward(
                &second,
                &name,
                &args,
                "/home/admin/work dir",
                move |_, _| {
                    flag.store(true, Ordering::SeqCst);
                },
            );
            assert!(
                matches!(outcome, Ok(Outcome::HandedOver)),
                "the second launch hands over: {outcome:?}"
            );
            let (got_args, got_cwd, thread) = called
                .recv_timeout(TIMEOUT)
                .expect("the first instance's callback was called");
            assert_eq!(got_args, args);
            assert_eq!(got_cwd, "/home/admin/work dir");
            assert_eq!(
                thread, first_thread,
                "the callback runs on the thread whose main context served the method"
            );
            assert!(called.try_recv().is_err(), "called once");
            assert!(!second_called.load(Ordering::SeqCst));

            stop.store(true, Ordering::SeqCst);
            first.join().unwrap();

            // The bus notices the closed connection on its own time.
            let third = connect(&address);
            let deadline = Instant::now() + TIMEOUT;
            while has_owner(&third, &name) {
                assert!(Instant::now() < deadline, "the name was not freed");
                thread::sleep(Duration::from_millis(10));
            }
            let outcome = claim_or_forward(&third, &name, &args, "/", |_, _| {});
            assert!(
                matches!(outcome, Ok(Outcome::First(_))),
                "a later launch is the first again: {outcome:?}"
            );
        }

        #[test]
        fn dropping_the_lock_gives_the_name_back() {
            let Some(address) = bus_address() else {
                return;
            };
            let name = fresh_name();
            let first = connect(&address);
            let lock = match claim_or_forward(&first, &name, &[], "/", |_, _| {}) {
                Ok(Outcome::First(lock)) => lock,
                other => panic!("the first claim owns the name: {other:?}"),
            };
            let second = connect(&address);
            assert!(has_owner(&second, &name));
            drop(lock);
            assert!(!has_owner(&second, &name), "given back while connected");
            let outcome = claim_or_forward(&second, &name, &[], "/", |_, _| {});
            assert!(matches!(outcome, Ok(Outcome::First(_))), "{outcome:?}");
            // The first connection serves nothing any more: claiming there
            // again registers the method afresh instead of failing.
            drop(outcome);
            assert!(matches!(
                claim_or_forward(&first, &name, &[], "/", |_, _| {}),
                Ok(Outcome::First(_))
            ));
        }
    }
}
