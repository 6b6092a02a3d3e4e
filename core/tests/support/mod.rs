//! Test-only helpers for the login tests: a headless browser that follows
//! a provider's login flow over HTTP, the real OpenID provider
//! `sandbox/idp-server.mjs`, and a misbehaving provider for the checks a real
//! one never fails.
#![allow(dead_code)]

pub mod bad_idp;
pub mod browser;
pub mod real_idp;

use std::sync::{Arc, Mutex};

use c1_setup_core::login::LoginProgress;

/// A free loopback port (there is a small race until the test binds it).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind a free port");
    listener.local_addr().expect("address").port()
}

/// Collects progress events.
#[derive(Debug, Clone, Default)]
pub struct Recorder(pub Arc<Mutex<Vec<LoginProgress>>>);

impl Recorder {
    pub fn record(&self, event: LoginProgress) {
        self.0.lock().expect("recorder").push(event);
    }

    pub fn events(&self) -> Vec<LoginProgress> {
        self.0.lock().expect("recorder").clone()
    }

    /// The stage tags, in order.
    pub fn stages(&self) -> Vec<String> {
        self.events()
            .iter()
            .map(|e| {
                serde_json::to_value(e).expect("serialises")["stage"]
                    .as_str()
                    .expect("tag")
                    .to_owned()
            })
            .collect()
    }
}
