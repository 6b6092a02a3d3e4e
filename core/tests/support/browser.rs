//! A headless browser for the login tests: it follows redirects itself,
//! keeps cookies, fills in the provider's login form, and finally loads the
//! loopback callback, whose page it keeps for the test to read.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use c1_setup_core::browser::OpenBrowser;
use c1_setup_core::{AppError, ErrorKind};
use reqwest::{redirect, Client, Method};
use tokio::task::JoinHandle;
use url::Url;

/// What the "admin" does in the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Signs in as `login` and accepts.
    Approve { login: String },
    /// Declines the sign-in on the provider's page.
    Deny,
    /// Never touches the page (the admin walked away).
    Ignore,
    /// Signs in as `login` and accepts, while a hostile local program holds
    /// many idle connections to the loopback port and sends a callback with
    /// a forged state first, and the browser sends 40 KiB of cookies to it.
    Hostile { login: String },
    /// Only a forged callback (another state) reaches the loopback port.
    ForgeOnly,
    /// The browser cannot be started.
    Fail,
}

/// The last page the browser showed.
#[derive(Debug, Clone, Default)]
pub struct Visit {
    /// Every URL loaded, in order.
    pub urls: Vec<String>,
    pub status: u16,
    pub body: String,
    /// What the loopback port answered a callback with a forged state.
    pub forged: Option<String>,
    /// How many of the hostile program's idle connections were closed.
    pub idle_closed: usize,
}

/// How many idle connections the hostile program opens.
pub const IDLE_CONNECTIONS: usize = 200;

#[derive(Debug, Clone)]
pub struct HeadlessBrowser {
    mode: Mode,
    opened: Arc<Mutex<Vec<String>>>,
    run: Arc<Mutex<Option<JoinHandle<Visit>>>>,
}

impl HeadlessBrowser {
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            opened: Arc::default(),
            run: Arc::default(),
        }
    }

    pub fn approving() -> Self {
        Self::new(Mode::Approve {
            login: "admin".into(),
        })
    }

    /// The URLs the engine asked to open.
    pub fn opened(&self) -> Vec<String> {
        self.opened.lock().expect("opened").clone()
    }

    /// Waits for the browsing to finish and returns the last page.
    pub async fn visit(&self) -> Option<Visit> {
        let handle = self.run.lock().expect("run").take()?;
        Some(handle.await.expect("the browser task ran"))
    }
}

impl OpenBrowser for HeadlessBrowser {
    fn open(&self, url: &str) -> Result<(), AppError> {
        self.opened.lock().expect("opened").push(url.to_owned());
        match &self.mode {
            Mode::Ignore => Ok(()),
            Mode::Fail => Err(AppError::new(
                ErrorKind::BrowserOpenFailed,
                "No browser could be started.",
                "Open the address shown in the window yourself.",
            )),
            mode => {
                let handle = tokio::spawn(browse(url.to_owned(), mode.clone()));
                *self.run.lock().expect("run") = Some(handle);
                Ok(())
            }
        }
    }
}

/// Loads `start` and follows the flow as `mode` says.
pub async fn browse(start: String, mode: Mode) -> Visit {
    let start_url = Url::parse(&start).expect("start URL");
    let loopback = start_url.port().expect("a loopback port");
    match &mode {
        Mode::ForgeOnly => {
            return Visit {
                forged: Some(forge(loopback).await),
                ..Visit::default()
            };
        }
        Mode::Hostile { login } => {
            let mut idle = Vec::new();
            for _ in 0..IDLE_CONNECTIONS {
                idle.push(
                    tokio::net::TcpStream::connect(("127.0.0.1", loopback))
                        .await
                        .expect("an idle connection"),
                );
            }
            let forged = forge(loopback).await;
            let mut visit = Box::pin(follow(
                start,
                &Mode::Approve {
                    login: login.clone(),
                },
                Some(loopback),
            ))
            .await;
            visit.forged = Some(forged);
            for stream in &mut idle {
                let mut byte = [0_u8; 1];
                if let Ok(Ok(0)) = tokio::time::timeout(
                    std::time::Duration::from_millis(20),
                    tokio::io::AsyncReadExt::read(stream, &mut byte),
                )
                .await
                {
                    visit.idle_closed += 1;
                }
            }
            return visit;
        }
        _ => {}
    }
    follow(start, &mode, None).await
}

/// Sends a callback with a made-up code and state to the loopback port, as
/// an old tab or another program could; returns the status line.
async fn forge(port: u16) -> String {
    let response = Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(format!(
            "http://127.0.0.1:{port}/callback?code=forged&state=not-this-login-state"
        ))
        .send()
        .await
        .expect("the forged callback is answered");
    let status = response.status().as_u16();
    format!("{status} {}", response.text().await.unwrap_or_default())
}

/// Follows the flow from `start`; requests to `big_cookies_for` carry 40 KiB
/// of cookies, as a browser with many cookies for 127.0.0.1 sends.
async fn follow(start: String, mode: &Mode, big_cookies_for: Option<u16>) -> Visit {
    let client = Client::builder()
        .redirect(redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("client");
    let mut cookies: BTreeMap<String, String> = BTreeMap::new();
    let mut visit = Visit::default();
    let mut method = Method::GET;
    let mut form: Vec<(String, String)> = Vec::new();
    let mut url = Url::parse(&start).expect("start URL");
    for _ in 0..30 {
        visit.urls.push(url.to_string());
        let mut request = client.request(method.clone(), url.clone());
        if big_cookies_for.is_some() && url.port() == big_cookies_for {
            let jar: Vec<String> = (0..10)
                .map(|i| format!("tracker{i}={}", "c".repeat(4000)))
                .collect();
            request = request.header("cookie", jar.join("; "));
        } else if !cookies.is_empty() {
            let header: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            request = request.header("cookie", header.join("; "));
        }
        if method == Method::POST {
            request = request.form(&form);
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                visit.status = 0;
                visit.body = format!("request failed: {e}");
                return visit;
            }
        };
        for set_cookie in response.headers().get_all("set-cookie") {
            remember_cookie(&mut cookies, set_cookie.to_str().unwrap_or_default());
        }
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_owned);
        visit.status = status.as_u16();
        visit.body = response.text().await.unwrap_or_default();
        if status.is_redirection() {
            let Some(location) = location else {
                return visit;
            };
            url = url.join(&location).expect("valid Location");
            method = Method::GET;
            continue;
        }
        // The provider's login page: fill in the form.
        if status.is_success() && url.path().starts_with("/interaction/") {
            let Some(action) = form_action(&visit.body) else {
                return visit;
            };
            url = url.join(&action).expect("valid form action");
            form = match mode {
                Mode::Approve { login } => vec![
                    ("login".into(), login.clone()),
                    ("decision".into(), "approve".into()),
                ],
                _ => vec![
                    ("login".into(), "admin".into()),
                    ("decision".into(), "deny".into()),
                ],
            };
            method = Method::POST;
            continue;
        }
        return visit;
    }
    visit
}

fn remember_cookie(cookies: &mut BTreeMap<String, String>, header: &str) {
    let pair = header.split(';').next().unwrap_or_default();
    let Some((name, value)) = pair.split_once('=') else {
        return;
    };
    let expired = header.to_ascii_lowercase().contains("max-age=0")
        || header
            .to_ascii_lowercase()
            .contains("expires=thu, 01 jan 1970");
    if value.is_empty() || expired {
        cookies.remove(name.trim());
    } else {
        cookies.insert(name.trim().to_owned(), value.trim().to_owned());
    }
}

fn form_action(html: &str) -> Option<String> {
    let start = html.find("action=\"")? + "action=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].replace("&amp;", "&").replace("&#47;", "/"))
}
