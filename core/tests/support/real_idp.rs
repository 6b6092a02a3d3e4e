//! The real OpenID provider (`oidc-provider`, pinned in `sandbox`), started
//! with `node` on 127.0.0.1 for one test and killed when the guard drops,
//! also when the test fails.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

pub const CLIENT_ID: &str = "c1-test-client";
pub const CLIENT_SECRET: &str = "c1-test-secret-3f9a7c";

/// A running provider. Dropping it kills the process.
#[derive(Debug)]
pub struct RealIdp {
    child: Child,
    pub issuer: String,
    pub port: u16,
    stderr: Arc<Mutex<String>>,
}

fn idp_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../sandbox")
}

impl RealIdp {
    /// Starts the provider; `redirect_uris` are the client's registered ones.
    /// `extra` is merged into the server's JSON config (e.g. `omit_email`).
    pub fn start(redirect_uris: &[String], extra: serde_json::Value) -> Self {
        let dir = idp_dir();
        assert!(
            dir.join("node_modules/oidc-provider/package.json").is_file(),
            "The test OpenID provider is not installed: run `npm ci --prefix sandbox` in the repository root \
             (needs Node.js 20 or newer), then run the tests again."
        );
        let mut config = serde_json::json!({
            "port": 0,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": redirect_uris,
        });
        if let (Some(config), Some(extra)) = (config.as_object_mut(), extra.as_object()) {
            config.extend(extra.clone());
        }
        let mut child = Command::new("node")
            .arg(dir.join("idp-server.mjs"))
            .arg(config.to_string())
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start `node` for the test OpenID provider (is Node.js installed?): {e}"));

        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().expect("stderr");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err_pipe.read_to_string(&mut text);
            sink.lock().expect("stderr").push_str(&text);
        });

        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Keep the pipe open and drained: the provider must never hit EPIPE.
            let mut rest = String::new();
            let _ = reader.read_to_string(&mut rest);
            sink.lock().expect("output").push_str(&rest);
        });
        let mut idp = Self {
            child,
            issuer: String::new(),
            port: 0,
            stderr,
        };
        let line = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
        let ready: serde_json::Value = serde_json::from_str(line.trim()).unwrap_or_else(|_| {
            std::thread::sleep(Duration::from_millis(200));
            panic!(
                "the test OpenID provider did not start (stdout: {line:?}); its stderr:\n{}",
                idp.stderr.lock().expect("stderr")
            )
        });
        ready["issuer"]
            .as_str()
            .expect("issuer")
            .clone_into(&mut idp.issuer);
        idp.port = u16::try_from(ready["port"].as_u64().expect("port")).expect("a port");
        idp
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr").clone()
    }
}

impl Drop for RealIdp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
