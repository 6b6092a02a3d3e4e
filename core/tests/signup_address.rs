//! Step 1's check of the instance's address before ConductorOne's signup,
//! through the window's use-case, against small HTTP servers on 127.0.0.1:
//! an address that already answers like an instance gets a warning for the
//! Domain field; one that redirects elsewhere or answers 404 does not. The
//! answer is kept as the baseline the later wait compares with.

use std::sync::Arc;

use c1_setup_core::endpoints::Overrides;
use c1_setup_core::keychain::{MemoryStore, SecretStore};
use c1_setup_core::liveness::ProbeOutcome;
use c1_setup_core::progress::StateStore;
use c1_setup_core::secret::Secret;
use c1_setup_core::session::Session;
use c1_setup_core::setup::Setup;
use c1_setup_core::steps::step1_instance::InstanceInput;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Answers every request with `status` and `headers`.
async fn server(status: u16, headers: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf).await;
            let answer = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n{headers}\r\n"
            );
            let _ = stream.write_all(answer.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    });
    format!("http://127.0.0.1:{port}/")
}

async fn check(status: u16, headers: &'static str) -> (ProbeOutcome, Option<String>, Setup) {
    let base = server(status, headers).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let overrides = Overrides {
        accounts_base: Some(base.clone()),
        instance_template: Some(format!("{base}instances/{{domain}}/")),
        ..Overrides::default()
    };
    let (mut setup, _) = Setup::open(StateStore::new(dir.path().join("cfg")), overrides.clone());
    let secrets: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    setup
        .save_instance(
            &InstanceInput {
                domain: "acmeco".into(),
                display_name: "Acme Co".into(),
                invite_code: Secret::from("Code-1"),
            },
            secrets.as_ref(),
        )
        .expect("step 1");
    let session = Session::new(setup, None, Some(secrets));
    let found = session.check_instance_address().await.expect("checked");
    assert_eq!(found.url, format!("{base}instances/acmeco/"));
    let (reopened, _) = Setup::open(StateStore::new(dir.path().join("cfg")), overrides);
    (found.outcome, found.warning, reopened)
}

#[tokio::test]
async fn an_address_that_already_answers_like_an_instance_is_flagged_as_maybe_taken() {
    let (outcome, warning, saved) = check(200, "").await;
    assert_eq!(outcome, ProbeOutcome::Live { status: 200 });
    let warning = warning.expect("a warning for the Domain field");
    assert!(warning.contains("may be taken"), "{warning}");
    assert_eq!(saved.state().signup.baseline, Some(outcome));
}

#[tokio::test]
async fn a_redirect_elsewhere_or_a_404_is_no_instance_and_no_warning() {
    for (status, headers, expected) in [
        (
            302,
            "Location: http://home.example/\r\n",
            ProbeOutcome::Elsewhere { status: 302 },
        ),
        (404, "", ProbeOutcome::NotYet { status: 404 }),
    ] {
        let (outcome, warning, saved) = check(status, headers).await;
        assert_eq!(outcome, expected);
        assert_eq!(warning, None);
        assert_eq!(saved.state().signup.baseline, Some(expected));
    }
}
