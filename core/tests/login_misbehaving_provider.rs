//! The login engine against a provider that misbehaves on purpose: every
//! check a real provider never fails must turn into its own error kind, and
//! the callback checks must stop before the token endpoint is called.

mod support;

use std::time::Duration;

use c1_setup_core::login::{self, CancelToken, CheckId, LoginConfig, LoginProgress, Verified};
use c1_setup_core::step::StepId;
use c1_setup_core::steps::step3_connect::step_to_fix;
use c1_setup_core::{AppError, ErrorKind, Secret};

use support::bad_idp::{
    BadIdp, Behaviour, CallbackMode, Calls, IdTokenMode, TokenMode, UserinfoMode, CLIENT_ID,
    CLIENT_SECRET, EMAIL, SUBJECT,
};
use support::browser::{HeadlessBrowser, Mode, Visit};
use support::{free_port, Recorder};

struct Run {
    result: Result<Verified, AppError>,
    idp: BadIdp,
    browser: HeadlessBrowser,
    progress: Recorder,
    page: Option<Visit>,
}

async fn run_with(behaviour: Behaviour, mode: Mode, timeout: Duration) -> Run {
    let idp = BadIdp::start(behaviour).await;
    let mut config = LoginConfig::new(idp.issuer.clone(), CLIENT_ID, free_port());
    config.timeout = timeout;
    let browser = HeadlessBrowser::new(mode);
    let progress = Recorder::default();
    let recorder = progress.clone();
    let secret = Secret::from(CLIENT_SECRET);
    let result = login::verify(
        &config,
        &secret,
        &browser,
        &move |e| recorder.record(e),
        &CancelToken::new(),
    )
    .await;
    let page = browser.visit().await;
    if let Err(err) = &result {
        assert_secret_free(err);
    }
    Run {
        result,
        idp,
        browser,
        progress,
        page,
    }
}

async fn run(behaviour: Behaviour) -> Run {
    run_with(
        behaviour,
        Mode::Approve {
            login: "admin".into(),
        },
        Duration::from_secs(20),
    )
    .await
}

fn assert_secret_free(err: &AppError) {
    let json = serde_json::to_string(err).expect("serialises");
    for secret in [CLIENT_SECRET, "opaque-access-token-value", "the-one-code"] {
        assert!(!json.contains(secret), "{json}");
        assert!(!format!("{err:?}").contains(secret));
    }
}

fn failure(run: &Run) -> &AppError {
    match &run.result {
        Ok(v) => panic!("expected a failure, got {v:?}"),
        Err(e) => e,
    }
}

/// The ID token check named first in the detail.
fn failed_check(run: &Run) -> String {
    let err = failure(run);
    assert_eq!(err.kind, ErrorKind::IdTokenInvalid, "{err:?}");
    err.detail
        .as_deref()
        .and_then(|d| d.split(':').next())
        .expect("detail")
        .to_owned()
}

fn id_token(mode: IdTokenMode) -> Behaviour {
    Behaviour {
        id_token: mode,
        ..Behaviour::default()
    }
}

#[tokio::test]
async fn a_well_behaved_login_is_verified_and_reported() {
    let run = run(Behaviour {
        advertise_iss: true,
        ..Behaviour::default()
    })
    .await;
    let verified = run.result.as_ref().expect("verified");
    assert_eq!(verified.issuer, run.idp.issuer);
    assert_eq!(verified.subject, SUBJECT);
    assert_eq!(verified.email, EMAIL);
    assert_eq!(verified.email_verified, Some(true));
    assert_eq!(verified.groups, ["it-admins", "everyone"]);
    let ids: Vec<CheckId> = verified.checks.iter().map(|c| c.id).collect();
    assert_eq!(
        ids,
        [
            CheckId::Issuer,
            CheckId::RedirectUri,
            CheckId::GroupAssignment,
            CheckId::ClientSecret,
            CheckId::AuthType,
            CheckId::IdToken,
            CheckId::EmailMapping
        ]
    );
    assert_eq!(Calls::count(&run.idp.calls.token), 1);
    assert_eq!(Calls::count(&run.idp.calls.jwks), 1);
    assert_eq!(
        Calls::count(&run.idp.calls.userinfo),
        0,
        "the email was in the ID token"
    );
    assert_eq!(
        run.progress.stages(),
        [
            "discovering",
            "waiting_for_browser",
            "checking_with_provider",
            "verified"
        ]
    );
    let page = run.page.as_ref().expect("the browser ran");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Sign-in verified") && page.body.contains(EMAIL),
        "{}",
        page.body
    );
    // The browser was opened at the short local address, which redirected to the provider.
    let opened = run.browser.opened();
    assert_eq!(opened.len(), 1);
    assert!(opened[0].starts_with("http://127.0.0.1:") && opened[0].ends_with('/'));
    assert!(page.urls[1].starts_with(&format!("{}authorize?", run.idp.issuer)));
    // Nothing token-like in what is returned.
    let json = serde_json::to_string(verified).expect("serialises");
    assert!(
        !json.contains("opaque-access-token-value") && !json.contains("eyJ"),
        "{json}"
    );
}

#[tokio::test]
async fn eddsa_signed_tokens_are_accepted() {
    let run = run(id_token(IdTokenMode::GoodEdDsa)).await;
    assert_eq!(run.result.as_ref().expect("verified").email, EMAIL);
}

#[tokio::test]
async fn a_basic_only_client_is_invalid_client_pointing_at_client_secret_post() {
    let run = run(Behaviour {
        token: TokenMode::BasicOnly,
        ..Behaviour::default()
    })
    .await;
    let err = failure(&run);
    assert_eq!(err.kind, ErrorKind::InvalidClient);
    assert!(err.fix.contains("Client Secret POST"));
    assert_eq!(step_to_fix(err.kind), Some(StepId::Connect));
    assert!(
        err.detail
            .as_deref()
            .is_some_and(|d| d.contains("HTTP 401")),
        "{err:?}"
    );
    let page = run.page.as_ref().expect("page");
    assert!(
        page.body.contains("The sign-in check failed") && page.body.contains("Client Secret POST")
    );
}

#[tokio::test]
async fn a_bad_signature_is_refused() {
    assert_eq!(
        failed_check(&run(id_token(IdTokenMode::BadSignature)).await),
        "signature"
    );
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    assert_eq!(
        failed_check(&run(id_token(IdTokenMode::WrongAud)).await),
        "aud"
    );
}

#[tokio::test]
async fn a_token_also_meant_for_another_app_is_refused() {
    // openidconnect's verifier trusts no audience besides the Client ID,
    // with or without azp.
    let run = run(id_token(IdTokenMode::ManyAudNoAzp)).await;
    assert_eq!(failed_check(&run), "aud");
    let detail = failure(&run).detail.as_deref().expect("detail");
    assert!(detail.contains("another-app"), "{detail}");
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    assert_eq!(
        failed_check(&run(id_token(IdTokenMode::WrongIss)).await),
        "iss"
    );
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    assert_eq!(
        failed_check(&run(id_token(IdTokenMode::Expired)).await),
        "exp"
    );
}

#[tokio::test]
async fn missing_sub_or_iat_is_refused() {
    assert_eq!(
        failed_check(&run(id_token(IdTokenMode::MissingSub)).await),
        "sub"
    );
    assert_eq!(
        failed_check(&run(id_token(IdTokenMode::MissingIat)).await),
        "iat"
    );
}

#[tokio::test]
async fn a_nonce_mismatch_is_refused() {
    assert_eq!(
        failed_check(&run(id_token(IdTokenMode::WrongNonce)).await),
        "nonce"
    );
}

#[tokio::test]
async fn unsigned_and_shared_secret_tokens_are_refused() {
    let none = run(id_token(IdTokenMode::AlgNone)).await;
    assert_eq!(failed_check(&none), "alg");
    assert_eq!(
        Calls::count(&none.idp.calls.jwks),
        0,
        "refused before any key is fetched"
    );
    assert_eq!(
        failed_check(&run(id_token(IdTokenMode::Hs256)).await),
        "alg"
    );
}

#[tokio::test]
async fn a_rotated_key_is_found_with_one_refetch() {
    let run = run(id_token(IdTokenMode::RotatedKey)).await;
    assert_eq!(run.result.as_ref().expect("verified").subject, SUBJECT);
    assert_eq!(Calls::count(&run.idp.calls.jwks), 2);
}

#[tokio::test]
async fn an_unknown_key_is_refused_after_exactly_one_refetch() {
    let run = run(id_token(IdTokenMode::UnknownKid)).await;
    assert_eq!(failed_check(&run), "signature");
    assert_eq!(Calls::count(&run.idp.calls.jwks), 2);
}

async fn assert_stopped_before_token(behaviour: Behaviour, kind: ErrorKind) {
    let run = run(behaviour).await;
    let err = failure(&run);
    assert_eq!(err.kind, kind, "{err:?}");
    assert_eq!(
        Calls::count(&run.idp.calls.token),
        0,
        "the token endpoint must not be called"
    );
    assert!(!run
        .progress
        .stages()
        .contains(&"checking_with_provider".to_owned()));
    let page = run.page.as_ref().expect("page");
    assert!(
        page.body.contains("The sign-in check failed"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_state_mismatch_stops_before_the_token_endpoint() {
    // A callback with another state is not this sign-in's: its tab gets a
    // 400, the wait goes on, and the timeout says what arrived.
    let run = run_with(
        Behaviour {
            callback: CallbackMode::WrongState,
            ..Behaviour::default()
        },
        Mode::Approve {
            login: "admin".into(),
        },
        Duration::from_secs(2),
    )
    .await;
    let err = failure(&run);
    assert_eq!(err.kind, ErrorKind::StateMismatch, "{err:?}");
    assert!(
        err.message.contains("did not belong to this sign-in"),
        "{}",
        err.message
    );
    assert_eq!(
        Calls::count(&run.idp.calls.token),
        0,
        "the token endpoint must not be called"
    );
    let page = run.page.as_ref().expect("page");
    assert_eq!(page.status, 400);
    assert!(
        page.body
            .contains("Not the sign-in the assistant is waiting for"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn an_iss_mismatch_stops_before_the_token_endpoint() {
    assert_stopped_before_token(
        Behaviour {
            callback: CallbackMode::WrongIss,
            ..Behaviour::default()
        },
        ErrorKind::IssMismatch,
    )
    .await;
}

#[tokio::test]
async fn a_missing_iss_while_advertised_stops_before_the_token_endpoint() {
    assert_stopped_before_token(
        Behaviour {
            advertise_iss: true,
            callback: CallbackMode::NoIss,
            ..Behaviour::default()
        },
        ErrorKind::IssMismatch,
    )
    .await;
    // Not advertised: a missing iss is fine.
    let run = run(Behaviour {
        callback: CallbackMode::NoIss,
        ..Behaviour::default()
    })
    .await;
    assert!(run.result.is_ok());
}

#[tokio::test]
async fn provider_errors_on_the_redirect_are_mapped_and_escaped() {
    assert_stopped_before_token(
        Behaviour {
            callback: CallbackMode::Error("access_denied".into(), "user is not assigned".into()),
            ..Behaviour::default()
        },
        ErrorKind::AccessDenied,
    )
    .await;
    let run = run(Behaviour {
        callback: CallbackMode::Error(
            "server_error".into(),
            "<script>alert(1)</script> broke".into(),
        ),
        ..Behaviour::default()
    })
    .await;
    let err = failure(&run);
    assert_eq!(err.kind, ErrorKind::IdpError);
    assert!(err.message.contains("broke"));
    let page = run.page.as_ref().expect("page");
    assert!(
        !page.body.contains("<script>") && page.body.contains("&lt;script&gt;"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_userinfo_subject_mismatch_is_refused() {
    let run = run(Behaviour {
        id_token_without_email: true,
        userinfo: UserinfoMode::OtherSub,
        ..Behaviour::default()
    })
    .await;
    assert_eq!(failure(&run).kind, ErrorKind::UserinfoInvalid);
    assert_eq!(Calls::count(&run.idp.calls.userinfo), 1);
}

#[tokio::test]
async fn the_email_comes_from_userinfo_when_the_id_token_lacks_it() {
    let run = run(Behaviour {
        id_token_without_email: true,
        ..Behaviour::default()
    })
    .await;
    let verified = run.result.as_ref().expect("verified");
    assert_eq!(verified.email, EMAIL);
    assert_eq!(
        verified.groups,
        ["it-admins", "everyone"],
        "groups still come from the ID token"
    );
    let missing = run_with(
        Behaviour {
            id_token_without_email: true,
            userinfo: UserinfoMode::NoEmail,
            ..Behaviour::default()
        },
        Mode::Approve {
            login: "admin".into(),
        },
        Duration::from_secs(20),
    )
    .await;
    assert_eq!(failure(&missing).kind, ErrorKind::EmailMissing);
}

#[tokio::test]
async fn a_garbage_token_response_is_token_response_invalid() {
    let run = run(Behaviour {
        token: TokenMode::Garbage,
        ..Behaviour::default()
    })
    .await;
    let err = failure(&run);
    assert_eq!(err.kind, ErrorKind::TokenResponseInvalid);
    let detail = err.detail.as_deref().expect("detail");
    assert!(
        detail.contains("HTTP 200") && detail.contains("text/html"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_discovery_issuer_mismatch_stops_before_the_browser() {
    let run = run_with(
        Behaviour {
            discovery_issuer: Some("http://127.0.0.1:1".into()),
            ..Behaviour::default()
        },
        Mode::Approve {
            login: "admin".into(),
        },
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(failure(&run).kind, ErrorKind::IssuerMismatch);
    assert!(run.browser.opened().is_empty());
    assert_eq!(Calls::count(&run.idp.calls.authorize), 0);
}

#[tokio::test]
async fn a_provider_without_client_secret_post_stops_before_the_browser() {
    let run = run_with(
        Behaviour {
            auth_methods: Some(vec!["client_secret_basic".into(), "private_key_jwt".into()]),
            ..Behaviour::default()
        },
        Mode::Approve {
            login: "admin".into(),
        },
        Duration::from_secs(5),
    )
    .await;
    let err = failure(&run);
    assert_eq!(err.kind, ErrorKind::AuthMethodUnsupported);
    assert!(err
        .detail
        .as_deref()
        .is_some_and(|d| d.contains("client_secret_basic")));
    assert!(run.browser.opened().is_empty());
}

#[tokio::test]
async fn an_unreachable_issuer_is_issuer_unreachable() {
    let port = free_port();
    let config = LoginConfig::new(format!("http://127.0.0.1:{port}/"), CLIENT_ID, free_port());
    let browser = HeadlessBrowser::approving();
    let err = login::verify(
        &config,
        &Secret::from(CLIENT_SECRET),
        &browser,
        &|_| {},
        &CancelToken::new(),
    )
    .await
    .expect_err("nothing listens there");
    assert_eq!(err.kind, ErrorKind::IssuerUnreachable);
    assert!(browser.opened().is_empty());
}

#[tokio::test]
async fn plain_http_off_loopback_is_refused_before_any_request() {
    let config = LoginConfig::new("http://idp.example.com/", CLIENT_ID, free_port());
    let err = login::verify(
        &config,
        &Secret::from(CLIENT_SECRET),
        &HeadlessBrowser::approving(),
        &|_| {},
        &CancelToken::new(),
    )
    .await
    .expect_err("http is refused");
    assert_eq!(err.kind, ErrorKind::DiscoveryInvalid);
}

#[tokio::test]
async fn when_the_browser_cannot_open_the_shown_address_still_works() {
    let idp = BadIdp::start(Behaviour::default()).await;
    let config = LoginConfig::new(idp.issuer.clone(), CLIENT_ID, free_port());
    let progress = Recorder::default();
    let recorder = progress.clone();
    let on_progress = move |event: LoginProgress| {
        if let LoginProgress::WaitingForBrowser {
            url,
            browser_opened,
            browser_error,
            ..
        } = &event
        {
            assert!(!browser_opened);
            assert_eq!(
                browser_error.as_ref().map(|e| e.kind),
                Some(ErrorKind::BrowserOpenFailed)
            );
            // The admin copies the shown address into a browser.
            tokio::spawn(support::browser::browse(
                url.clone(),
                Mode::Approve {
                    login: "admin".into(),
                },
            ));
        }
        recorder.record(event);
    };
    let browser = HeadlessBrowser::new(Mode::Fail);
    let verified = login::verify(
        &config,
        &Secret::from(CLIENT_SECRET),
        &browser,
        &on_progress,
        &CancelToken::new(),
    )
    .await
    .expect("verified through the shown address");
    assert_eq!(verified.email, EMAIL);
    assert_eq!(
        progress.stages().last().map(String::as_str),
        Some("verified")
    );
}
