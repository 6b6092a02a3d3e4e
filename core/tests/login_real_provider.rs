//! The login engine against a real OpenID provider (`sandbox/idp-server.mjs`:
//! `oidc-provider`, pinned, configured like JumpCloud), driven by a headless
//! browser that fills in its login form.
//!
//! Needs Node.js and `npm ci --prefix sandbox` (run from the repository
//! root) before `cargo test`; without them these tests fail and say so.

mod support;

use std::sync::Arc;
use std::time::Duration;

use c1_setup_core::login::{self, CancelToken, LoginConfig, LoginProgress, Verified};
use c1_setup_core::step::StepId;
use c1_setup_core::steps::step3_connect::step_to_fix;
use c1_setup_core::{AppError, ErrorKind, Secret};
use tokio::sync::Notify;

use support::browser::{HeadlessBrowser, Mode, Visit};
use support::real_idp::{RealIdp, CLIENT_ID, CLIENT_SECRET};
use support::{free_port, Recorder};

struct Outcome {
    result: Result<Verified, AppError>,
    progress: Recorder,
    page: Option<Visit>,
    opened: Vec<String>,
}

/// Starts the provider with `registered` as the client's redirect URI
/// (default: the one the engine uses) and runs one verification.
async fn verify_against(
    port: u16,
    registered: Option<String>,
    extra: serde_json::Value,
    secret: &str,
    mode: Mode,
    timeout: Duration,
) -> (Outcome, RealIdp) {
    let registered = registered.unwrap_or_else(|| format!("http://127.0.0.1:{port}/callback"));
    let idp = RealIdp::start(&[registered], extra);
    let mut config = LoginConfig::new(idp.issuer.clone(), CLIENT_ID, port);
    config.timeout = timeout;
    let browser = HeadlessBrowser::new(mode);
    let progress = Recorder::default();
    let recorder = progress.clone();
    let result = login::verify(
        &config,
        &Secret::from(secret),
        &browser,
        &move |e| recorder.record(e),
        &CancelToken::new(),
    )
    .await;
    let page = browser.visit().await;
    if let Err(err) = &result {
        let json = serde_json::to_string(err).expect("serialises");
        assert!(
            !json.contains(secret) && !json.contains(CLIENT_SECRET),
            "{json}"
        );
    }
    let outcome = Outcome {
        result,
        progress,
        page,
        opened: browser.opened(),
    };
    (outcome, idp)
}

async fn simple(extra: serde_json::Value, secret: &str, mode: Mode) -> (Outcome, RealIdp) {
    verify_against(
        free_port(),
        None,
        extra,
        secret,
        mode,
        Duration::from_secs(30),
    )
    .await
}

fn approve() -> Mode {
    Mode::Approve {
        login: "admin".into(),
    }
}

fn error_of(outcome: &Outcome, idp: &RealIdp) -> AppError {
    match &outcome.result {
        Ok(v) => panic!("expected a failure, got {v:?}"),
        Err(e) => {
            assert!(
                e.kind != ErrorKind::Internal,
                "unexpected internal error {e:?}; provider stderr:\n{}",
                idp.stderr()
            );
            e.clone()
        }
    }
}

#[tokio::test]
async fn a_correct_setup_is_verified_end_to_end() {
    let (outcome, idp) = simple(
        serde_json::json!({"groups": ["it-admins"]}),
        CLIENT_SECRET,
        approve(),
    )
    .await;
    let verified = match &outcome.result {
        Ok(v) => v,
        Err(e) => panic!("{e:?}\nprovider stderr:\n{}", idp.stderr()),
    };
    assert_eq!(verified.issuer, idp.issuer);
    assert!(
        idp.issuer.ends_with('/'),
        "configured like JumpCloud: trailing slash"
    );
    assert_eq!(verified.subject, "admin");
    assert_eq!(verified.email, "admin@example.com");
    assert_eq!(verified.email_verified, Some(true));
    assert_eq!(verified.groups, ["it-admins"]);
    assert_eq!(verified.checks.len(), 7);
    assert_eq!(
        outcome.progress.stages(),
        [
            "discovering",
            "waiting_for_browser",
            "checking_with_provider",
            "verified"
        ]
    );
    let waiting = outcome
        .progress
        .events()
        .into_iter()
        .find_map(|e| match e {
            LoginProgress::WaitingForBrowser { url, local_url, .. } => Some((url, local_url)),
            _ => None,
        })
        .expect("waiting event");
    assert!(
        waiting.0.starts_with(&format!("{}auth?", idp.issuer)),
        "{}",
        waiting.0
    );
    assert_eq!(outcome.opened, [waiting.1]);
    let page = outcome.page.expect("the browser ran");
    assert!(
        page.urls.iter().any(|u| u.contains("/interaction/")),
        "went through the login form"
    );
    assert!(page.body.contains("Sign-in verified"), "{}", page.body);
}

#[tokio::test]
async fn a_wrong_secret_is_invalid_client() {
    let (outcome, idp) = simple(serde_json::json!({}), "not-the-secret", approve()).await;
    let err = error_of(&outcome, &idp);
    assert_eq!(err.kind, ErrorKind::InvalidClient);
    assert_eq!(step_to_fix(err.kind), Some(StepId::Connect));
    assert!(err.fix.contains("Client Secret POST"));
}

#[tokio::test]
async fn a_declined_login_is_access_denied() {
    let (outcome, idp) = simple(serde_json::json!({}), CLIENT_SECRET, Mode::Deny).await;
    let err = error_of(&outcome, &idp);
    assert_eq!(err.kind, ErrorKind::AccessDenied);
    assert!(err.fix.contains("User Groups"));
    let page = outcome.page.expect("page");
    assert!(
        page.body.contains("The sign-in check failed"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn no_email_claim_is_email_missing() {
    let (outcome, idp) = simple(
        serde_json::json!({"omit_email": true}),
        CLIENT_SECRET,
        approve(),
    )
    .await;
    let err = error_of(&outcome, &idp);
    assert_eq!(err.kind, ErrorKind::EmailMissing);
    assert!(err.fix.contains("email") && err.fix.contains("Email"));
}

#[tokio::test]
async fn an_unregistered_redirect_uri_ends_in_timeout_naming_the_redirect_uri() {
    let port = free_port();
    let other = format!("http://127.0.0.1:{}/callback", free_port());
    let (outcome, idp) = verify_against(
        port,
        Some(other),
        serde_json::json!({}),
        CLIENT_SECRET,
        approve(),
        Duration::from_secs(3),
    )
    .await;
    let err = error_of(&outcome, &idp);
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert!(
        err.fix
            .contains(&format!("http://127.0.0.1:{port}/callback")),
        "{}",
        err.fix
    );
    assert_eq!(step_to_fix(err.kind), Some(StepId::JumpcloudApp));
    // The browser stopped on the provider's own error page, never reaching the listener.
    let page = outcome.page.expect("page");
    assert!(page.body.contains("redirect_uri"), "{}", page.body);
    assert!(page.urls.iter().all(|u| !u.contains("/callback")));
}

#[tokio::test]
async fn a_port_in_use_is_reported_before_the_browser_opens() {
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = taken.local_addr().expect("address").port();
    let (outcome, idp) = verify_against(
        port,
        None,
        serde_json::json!({}),
        CLIENT_SECRET,
        approve(),
        Duration::from_secs(5),
    )
    .await;
    let err = error_of(&outcome, &idp);
    assert_eq!(err.kind, ErrorKind::PortInUse);
    assert!(err.message.contains(&port.to_string()));
    assert!(outcome.opened.is_empty());
    drop(taken);
}

#[tokio::test]
async fn cancelling_from_another_task_stops_the_login_and_frees_the_port() {
    let port = free_port();
    let idp = RealIdp::start(
        &[format!("http://127.0.0.1:{port}/callback")],
        serde_json::json!({}),
    );
    let config = LoginConfig::new(idp.issuer.clone(), CLIENT_ID, port);
    let cancel = CancelToken::new();
    let waiting = Arc::new(Notify::new());
    let signal = Arc::clone(&waiting);
    let canceller = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            waiting.notified().await;
            cancel.cancel();
        })
    };
    let on_progress = move |e: LoginProgress| {
        if matches!(e, LoginProgress::WaitingForBrowser { .. }) {
            signal.notify_one();
        }
    };
    let browser = HeadlessBrowser::new(Mode::Ignore);
    let err = login::verify(
        &config,
        &Secret::from(CLIENT_SECRET),
        &browser,
        &on_progress,
        &cancel,
    )
    .await
    .expect_err("cancelled");
    canceller.await.expect("canceller");
    assert_eq!(err.kind, ErrorKind::Cancelled);
    assert_eq!(browser.opened().len(), 1);
    std::net::TcpListener::bind(("127.0.0.1", port)).expect("the listener is closed after cancel");
}

/// Any local program or web page can reach the loopback port: a callback
/// with another state gets a 400 and the wait goes on, a flood of idle
/// connections is capped, and large cookies for 127.0.0.1 do not fail the
/// real callback.
#[tokio::test]
async fn forged_callbacks_a_connection_flood_and_big_cookies_do_not_stop_the_real_sign_in() {
    let (outcome, idp) = simple(
        serde_json::json!({}),
        CLIENT_SECRET,
        Mode::Hostile {
            login: "admin".into(),
        },
    )
    .await;
    if let Err(e) = &outcome.result {
        panic!("{e:?}\nprovider stderr:\n{}", idp.stderr());
    }
    let page = outcome.page.expect("the browser ran");
    let forged = page.forged.expect("a forged callback was sent");
    assert!(forged.starts_with("400 "), "{forged}");
    assert!(forged.contains("Not the sign-in"), "{forged}");
    assert!(page.body.contains("Sign-in verified"), "{}", page.body);
    assert!(
        page.idle_closed
            >= support::browser::IDLE_CONNECTIONS - c1_setup_core::login::MAX_LOOPBACK_CONNECTIONS,
        "only {} idle connections were closed",
        page.idle_closed
    );
}

#[tokio::test]
async fn a_timeout_after_only_forged_callbacks_is_state_mismatch() {
    let (outcome, idp) = verify_against(
        free_port(),
        None,
        serde_json::json!({}),
        CLIENT_SECRET,
        Mode::ForgeOnly,
        Duration::from_secs(2),
    )
    .await;
    let forged = outcome.page.and_then(|p| p.forged).expect("forged");
    assert!(forged.starts_with("400 "), "{forged}");
    let Err(err) = outcome.result else {
        panic!("verified?\n{}", idp.stderr());
    };
    assert_eq!(err.kind, ErrorKind::StateMismatch, "{err:?}");
    assert!(
        err.message.contains("did not belong to this sign-in"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn nobody_signing_in_ends_in_timeout() {
    let port = free_port();
    let (outcome, idp) = verify_against(
        port,
        None,
        serde_json::json!({}),
        CLIENT_SECRET,
        Mode::Ignore,
        Duration::from_secs(1),
    )
    .await;
    let err = error_of(&outcome, &idp);
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert!(err
        .fix
        .contains(&format!("http://127.0.0.1:{port}/callback")));
    assert_eq!(
        outcome.progress.stages(),
        ["discovering", "waiting_for_browser"]
    );
    std::net::TcpListener::bind(("127.0.0.1", port))
        .expect("the listener is closed after the timeout");
}
