//! The liveness poll against a small HTTP/1.1 server on 127.0.0.1: a port
//! that refuses connections at first, then answers 404 and later 200; a
//! server that accepts but never answers (the "Stop waiting" path); a
//! redirect on the instance, which counts as live and is not followed; a
//! redirect elsewhere, which never does; an answer like the one seen before
//! the signup, which proves nothing; a TLS failure and a
//! name that cannot be looked up. Delays are tiny; no test asserts timing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use c1_setup_core::liveness::{
    wait_until_live, LiveInstance, LivenessConfig, LivenessUpdate, ProbeOutcome,
};
use c1_setup_core::net::CancelToken;
use c1_setup_core::{AppError, ErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A safety net so a broken poll fails the test instead of hanging it.
const TEST_DEADLINE: Duration = Duration::from_secs(60);

fn quick(request_timeout: Duration) -> LivenessConfig {
    LivenessConfig {
        first_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        request_timeout,
        hint_after: Duration::from_secs(3600),
    }
}

/// What the server does with one connection.
#[derive(Debug, Clone)]
enum Reply {
    /// Reads the request, answers with this status and headers, closes.
    Status(u16, &'static str),
    /// Accepts, reads the request and never answers.
    Hang,
    /// Writes a plain HTTP answer at once, without reading (used to answer
    /// a TLS client with something that is not TLS).
    BlurtPlain,
}

/// Serves `script` one connection at a time; the last entry repeats.
/// Records each request line; `accepted` counts connections.
#[derive(Debug, Default)]
struct Seen {
    request_lines: Mutex<Vec<String>>,
    accepted: Mutex<u32>,
}

impl Seen {
    fn request_lines(&self) -> Vec<String> {
        self.request_lines.lock().expect("lock").clone()
    }

    fn accepted(&self) -> u32 {
        *self.accepted.lock().expect("lock")
    }
}

async fn serve(listener: TcpListener, script: Vec<Reply>, seen: Arc<Seen>) {
    let mut held = Vec::new();
    for n in 0.. {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        *seen.accepted.lock().expect("lock") += 1;
        let reply = script
            .get(n)
            .or_else(|| script.last())
            .cloned()
            .expect("a script");
        match reply {
            Reply::Status(status, headers) => {
                let line = read_request_line(&mut stream).await;
                seen.request_lines.lock().expect("lock").push(line);
                let answer = format!(
                    "HTTP/1.1 {status} {}\r\nContent-Length: 0\r\nConnection: close\r\n{headers}\r\n",
                    reason(status)
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            }
            Reply::Hang => {
                let line = read_request_line(&mut stream).await;
                seen.request_lines.lock().expect("lock").push(line);
                held.push(stream);
            }
            Reply::BlurtPlain => {
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .await;
                let _ = stream.shutdown().await;
            }
        }
    }
}

/// Reads up to the end of the request head and returns its first line.
async fn read_request_line(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        404 => "Not Found",
        _ => "Status",
    }
}

/// Starts a server with `script` on a fresh loopback port.
async fn start(script: Vec<Reply>) -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Seen::default());
    tokio::spawn(serve(listener, script, seen.clone()));
    (format!("http://127.0.0.1:{port}/"), seen)
}

/// Collects the updates and stops the wait (as "Stop waiting" does) after the `n`th.
fn stop_after(
    n: usize,
) -> (
    Arc<Mutex<Vec<LivenessUpdate>>>,
    impl Fn(LivenessUpdate) + Send + Sync,
    CancelToken,
) {
    let cancel = CancelToken::new();
    let stopper = cancel.clone();
    let (updates, on_update) = recorder(move |_, count| {
        if count == n {
            stopper.cancel();
        }
    });
    (updates, on_update, cancel)
}

/// Collects the updates; `then` runs after each one is recorded.
fn recorder(
    then: impl Fn(&LivenessUpdate, usize) + Send + Sync + 'static,
) -> (
    Arc<Mutex<Vec<LivenessUpdate>>>,
    impl Fn(LivenessUpdate) + Send + Sync,
) {
    let updates = Arc::new(Mutex::new(Vec::new()));
    let sink = updates.clone();
    let on_update = move |update: LivenessUpdate| {
        let count = {
            let mut all = sink.lock().expect("lock");
            all.push(update.clone());
            all.len()
        };
        then(&update, count);
    };
    (updates, on_update)
}

async fn poll(
    url: &str,
    config: &LivenessConfig,
    on_update: &(dyn Fn(LivenessUpdate) + Send + Sync),
    cancel: &CancelToken,
) -> Result<LiveInstance, AppError> {
    poll_since(url, None, config, on_update, cancel).await
}

/// [`poll`] with the answer seen before the signup. Only the test server's
/// own address belongs to the instance.
async fn poll_since(
    url: &str,
    baseline: Option<&ProbeOutcome>,
    config: &LivenessConfig,
    on_update: &(dyn Fn(LivenessUpdate) + Send + Sync),
    cancel: &CancelToken,
) -> Result<LiveInstance, AppError> {
    let belongs = |u: &url::Url| u.as_str().starts_with(url);
    tokio::time::timeout(
        TEST_DEADLINE,
        wait_until_live(url, baseline, config, &belongs, on_update, cancel),
    )
    .await
    .expect("the poll ended (safety net, not a timing assertion)")
}

/// Waits until the server has caught up with `count` connections (it may
/// lag behind the client on a busy machine), then checks it did not get more.
async fn assert_accepted(seen: &Seen, count: u32) {
    for _ in 0..2000 {
        if seen.accepted() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(seen.accepted(), count);
}

fn parses_as_rfc3339(text: &str) {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{text:?} is not RFC 3339: {e}"));
}

#[tokio::test]
async fn refused_then_404_twice_then_200_is_live_on_the_fourth_check() {
    // Find a free port and leave it unbound: the first check is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let seen = Arc::new(Seen::default());

    // When the first (refused) check is reported, the server comes up on
    // that port, before the poll's next check: the order is fixed, not timed.
    let (listener_tx, listener_rx) = std::sync::mpsc::channel::<std::net::TcpListener>();
    let listener_tx = Mutex::new(Some(listener_tx));
    let (updates, on_update) = recorder(move |update, _| {
        if update.attempt == 1 {
            let listener =
                std::net::TcpListener::bind(("127.0.0.1", port)).expect("bind the reserved port");
            listener.set_nonblocking(true).expect("non-blocking");
            if let Some(tx) = listener_tx.lock().expect("lock").take() {
                tx.send(listener).expect("server waiting");
            }
        }
    });
    let server_seen = seen.clone();
    tokio::spawn(async move {
        let listener = tokio::task::spawn_blocking(move || listener_rx.recv())
            .await
            .expect("join")
            .expect("a listener");
        let listener = TcpListener::from_std(listener).expect("tokio listener");
        serve(
            listener,
            vec![
                Reply::Status(404, ""),
                Reply::Status(404, ""),
                Reply::Status(200, "Content-Type: text/html\r\n"),
            ],
            server_seen,
        )
        .await;
    });

    let cancel = CancelToken::new();
    let live = poll(&url, &quick(Duration::from_secs(5)), &on_update, &cancel)
        .await
        .expect("the instance goes live");

    assert_eq!(live.url, url);
    assert_eq!(live.status, 200);
    parses_as_rfc3339(&live.at);
    let answered = live.answered_at().expect("a time");
    assert!(answered <= time::OffsetDateTime::now_utc());

    let updates = updates.lock().expect("lock").clone();
    let outcomes: Vec<_> = updates.iter().map(|u| u.outcome.clone()).collect();
    assert_eq!(
        outcomes,
        [
            ProbeOutcome::Offline,
            ProbeOutcome::NotYet { status: 404 },
            ProbeOutcome::NotYet { status: 404 },
            ProbeOutcome::Live { status: 200 },
        ]
    );
    let attempts: Vec<_> = updates.iter().map(|u| u.attempt).collect();
    assert_eq!(attempts, [1, 2, 3, 4]);
    // One "since" for the whole wait.
    assert!(updates.iter().all(|u| u.since == updates[0].since));
    parses_as_rfc3339(&updates[0].since);
    // A next check is announced until the instance is live.
    let next: Vec<_> = updates.iter().map(|u| u.next_check_in_secs).collect();
    assert_eq!(next, [1, 1, 1, 0]);
    assert!(
        updates[0].message.contains("offline"),
        "{}",
        updates[0].message
    );
    assert_eq!(
        updates[1].message,
        "Not created yet: ConductorOne answers 404 for this address. Finish the signup in your browser; the assistant keeps checking."
    );
    assert!(
        updates[3].message.contains("live"),
        "{}",
        updates[3].message
    );

    assert_eq!(seen.request_lines(), ["GET / HTTP/1.1"; 3]);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_each_check_until_the_admin_stops_waiting() {
    let (url, seen) = start(vec![Reply::Hang]).await;
    let (updates, on_update, cancel) = stop_after(3);

    let err = poll(
        &url,
        &quick(Duration::from_millis(200)),
        &on_update,
        &cancel,
    )
    .await
    .expect_err("stopped");

    assert_eq!(err.kind, ErrorKind::Cancelled);
    assert_eq!(err.step, None, "the engine names no step");
    assert!(err.message.contains("come back later"), "{}", err.message);
    assert!(err.message.contains("resumes waiting"), "{}", err.message);

    let updates = updates.lock().expect("lock").clone();
    assert_eq!(updates.len(), 3, "no check after Stop waiting");
    for (n, update) in updates.iter().enumerate() {
        assert_eq!(update.attempt, u32::try_from(n + 1).expect("small"));
        assert_eq!(update.outcome, ProbeOutcome::Timeout);
        assert!(update.next_check_in_secs > 0);
        assert!(
            update.message.ends_with("the assistant keeps checking."),
            "{}",
            update.message
        );
    }
    // Every check was a new request that reached the server.
    assert_accepted(&seen, 3).await;
}

#[tokio::test]
async fn stop_waiting_during_a_check_ends_at_once() {
    let (url, seen) = start(vec![Reply::Hang]).await;
    let cancel = CancelToken::new();
    let (updates, on_update) = recorder(|_, _| {});

    let stopper = cancel.clone();
    let watcher = seen.clone();
    tokio::spawn(async move {
        // Once the first check is in flight, the admin clicks Stop waiting.
        while watcher.request_lines().is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        stopper.cancel();
    });

    // The check itself would wait a long time for the answer.
    let err = poll(&url, &quick(Duration::from_secs(600)), &on_update, &cancel)
        .await
        .expect_err("stopped");
    assert_eq!(err.kind, ErrorKind::Cancelled);
    assert!(updates.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn a_redirect_on_the_instance_counts_as_live_and_is_not_followed() {
    let (url, seen) = start(vec![
        Reply::Status(302, "Location: /login?sso_operation=initiate_login\r\n"),
        Reply::Status(404, ""),
    ])
    .await;
    let (updates, on_update) = recorder(|_, _| {});
    let live = poll(
        &url,
        &quick(Duration::from_secs(5)),
        &on_update,
        &CancelToken::new(),
    )
    .await
    .expect("live");
    assert_eq!(live.status, 302);
    let updates = updates.lock().expect("lock").clone();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].outcome, ProbeOutcome::Live { status: 302 });
    assert_eq!(updates[0].next_check_in_secs, 0);
    // Only the instance's address was asked; the login page was not.
    assert_eq!(seen.request_lines(), ["GET / HTTP/1.1"]);
}

#[tokio::test]
async fn a_redirect_elsewhere_is_never_live_until_the_instance_answers() {
    // Like a service that sends unknown names to its home page, then the
    // signup completes and the address answers as the instance.
    let (url, seen) = start(vec![
        Reply::Status(302, "Location: http://home.example/welcome\r\n"),
        Reply::Status(302, "Location: http://home.example/welcome\r\n"),
        Reply::Status(200, ""),
    ])
    .await;
    let (updates, on_update) = recorder(|_, _| {});
    let elsewhere = ProbeOutcome::Elsewhere { status: 302 };
    let live = poll_since(
        &url,
        Some(&elsewhere),
        &quick(Duration::from_secs(5)),
        &on_update,
        &CancelToken::new(),
    )
    .await
    .expect("live");
    assert_eq!(live.status, 200);
    let outcomes: Vec<_> = updates
        .lock()
        .expect("lock")
        .iter()
        .map(|u| u.outcome.clone())
        .collect();
    assert_eq!(
        outcomes,
        [
            elsewhere.clone(),
            elsewhere,
            ProbeOutcome::Live { status: 200 }
        ]
    );
    assert_eq!(
        seen.request_lines().len(),
        3,
        "the redirect is never followed"
    );
}

#[tokio::test]
async fn an_answer_like_the_baseline_is_not_the_new_instance_and_a_hint_follows() {
    // The address answered 200 before the signup (perhaps a taken domain):
    // the same answer now proves nothing.
    let (url, _seen) = start(vec![Reply::Status(200, "")]).await;
    let (updates, on_update, cancel) = stop_after(3);
    let config = LivenessConfig {
        hint_after: Duration::ZERO,
        ..quick(Duration::from_secs(5))
    };
    let err = poll_since(
        &url,
        Some(&ProbeOutcome::Live { status: 200 }),
        &config,
        &on_update,
        &cancel,
    )
    .await
    .expect_err("never the new instance");
    assert_eq!(err.kind, ErrorKind::Cancelled);
    let updates = updates.lock().expect("lock").clone();
    assert_eq!(updates.len(), 3);
    for update in &updates {
        assert!(update.next_check_in_secs > 0, "{update:?}");
        assert!(
            update.message.contains("as it did before the signup"),
            "{}",
            update.message
        );
        let hint = update
            .hint
            .as_deref()
            .expect("a hint once the wait is long");
        assert!(
            hint.contains("step 1") && hint.contains("User Groups"),
            "{hint}"
        );
    }
}

#[tokio::test]
async fn a_tls_failure_is_reported_and_the_checks_go_on() {
    let (url, seen) = start(vec![Reply::BlurtPlain]).await;
    let tls_url = url.replacen("http://", "https://", 1);
    let (updates, on_update, cancel) = stop_after(2);
    let err = poll(
        &tls_url,
        &quick(Duration::from_secs(5)),
        &on_update,
        &cancel,
    )
    .await
    .expect_err("stopped");
    assert_eq!(err.kind, ErrorKind::Cancelled);
    let updates = updates.lock().expect("lock").clone();
    assert_eq!(updates.len(), 2);
    for update in &updates {
        assert_eq!(update.outcome, ProbeOutcome::Tls, "{update:?}");
        assert!(update.message.contains("certificate"), "{}", update.message);
    }
    assert_accepted(&seen, 2).await;
}

#[tokio::test]
async fn a_name_that_cannot_be_looked_up_is_reported_as_dns() {
    let proxied = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
    // Through a proxy the name is looked up by the proxy, not here: this
    // test would prove nothing, so it fails rather than pass unseen.
    assert!(
        !proxied,
        "a proxy is configured in the environment: unset HTTPS_PROXY, https_proxy, ALL_PROXY and \
         all_proxy to run this test (scripts/test does)"
    );
    // `.invalid` is reserved: it never resolves anywhere (RFC 6761).
    let cancel = CancelToken::new();
    let stopper = cancel.clone();
    let (updates, on_update) = recorder(move |_, _| stopper.cancel());
    let err = poll(
        "https://c1-setup-liveness-check.invalid/",
        &quick(Duration::from_secs(20)),
        &on_update,
        &cancel,
    )
    .await
    .expect_err("stopped");
    assert_eq!(err.kind, ErrorKind::Cancelled);
    let updates = updates.lock().expect("lock").clone();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].outcome, ProbeOutcome::Dns, "{:?}", updates[0]);
    assert!(
        updates[0]
            .message
            .contains("c1-setup-liveness-check.invalid could not be looked up"),
        "{}",
        updates[0].message
    );
}

#[tokio::test]
async fn plain_http_off_loopback_is_refused_before_any_check() {
    let (updates, on_update) = recorder(|_, _| {});
    let err = wait_until_live(
        "http://acmeco.conductor.one/",
        None,
        &LivenessConfig::default(),
        &|_| true,
        &on_update,
        &CancelToken::new(),
    )
    .await
    .expect_err("refused");
    assert_eq!(err.kind, ErrorKind::UrlNotAllowed);
    assert_eq!(err.step, None, "the engine names no step");
    assert!(updates.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn an_already_cancelled_wait_checks_nothing() {
    let (url, seen) = start(vec![Reply::Status(200, "")]).await;
    let cancel = CancelToken::new();
    cancel.cancel();
    let (updates, on_update) = recorder(|_, _| {});
    let err = poll(&url, &LivenessConfig::default(), &on_update, &cancel)
        .await
        .expect_err("cancelled");
    assert_eq!(err.kind, ErrorKind::Cancelled);
    assert!(updates.lock().expect("lock").is_empty());
    assert_eq!(seen.accepted(), 0);
}

#[test]
fn the_wait_can_run_on_another_task() {
    fn assert_send<T: Send>(_: &T) {}
    let on_update = |_: LivenessUpdate| {};
    let cancel = CancelToken::new();
    let config = LivenessConfig::default();
    let belongs = |_: &url::Url| true;
    let future = wait_until_live(
        "https://acmeco.conductor.one/",
        None,
        &config,
        &belongs,
        &on_update,
        &cancel,
    );
    assert_send(&future);
}
