//! Confirms that the new ConductorOne instance is live.
//!
//! ConductorOne creates the instance on its own signup page, so the assistant
//! cannot know when that is done: it asks the instance's address
//! (`https://<domain>.conductor.one/`) with a growing pause between checks
//! until it answers as an instance. How the real service answers an address
//! that has no instance is not known (a 404, or a redirect to a marketing or
//! sign-in page), so an answer counts as the instance only when it belongs to
//! it (a 2xx from the address itself, or a redirect that stays on it or goes
//! to ConductorOne's sign-in for it: the caller says which addresses belong)
//! and differs from the answer seen before the signup (the baseline, probed
//! at step 1). A redirect elsewhere, a 404 or another error status means "not
//! yet"; network problems (offline, a name that cannot be looked up, a
//! certificate problem, a check that took too long) are reported calmly and
//! the checks go on until the instance answers or the admin stops waiting.
//! After a few minutes without success, each update carries a hint of what
//! usually went wrong.
//!
//! The request goes through the same client as the verification login: plain
//! `http` only for loopback addresses, the proxy from the environment
//! (`HTTPS_PROXY`, `NO_PROXY`), never a redirect.

use std::io;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use ts_rs::TS;

use crate::endpoints::{check_transport, OverrideError};
use crate::error::{AppError, ErrorKind};
use crate::net::http::{describe, Http};
use crate::net::CancelToken;

/// Which addresses belong to the instance: a redirect to one of them counts
/// as the instance answering.
pub type BelongsToInstance<'a> = &'a (dyn Fn(&url::Url) -> bool + Send + Sync);

/// After this long without the instance, updates carry [`LivenessUpdate::hint`].
pub const HINT_AFTER: Duration = Duration::from_secs(3 * 60);

/// How often and how patiently the instance is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LivenessConfig {
    /// The pause after the first check.
    pub first_delay: Duration,
    /// The longest pause between two checks.
    pub max_delay: Duration,
    /// How long one check may take before it counts as "no answer".
    pub request_timeout: Duration,
    /// How long to wait before saying what usually went wrong.
    pub hint_after: Duration,
}

impl Default for LivenessConfig {
    /// 2 s after the first check, doubling up to 30 s; 10 s per check.
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(30),
            request_timeout: Duration::from_secs(10),
            hint_after: HINT_AFTER,
        }
    }
}

/// The pause after check number `attempt` (1 for the first check; 0 is read
/// as 1): `first_delay` doubled for each check before, never more than
/// `max_delay`. If `max_delay` is below `first_delay`, every pause is
/// `first_delay`. Never overflows, however large `attempt` is.
pub fn next_delay(attempt: u32, config: &LivenessConfig) -> Duration {
    let cap = config.max_delay.max(config.first_delay);
    let doublings = attempt.saturating_sub(1);
    2u32.checked_pow(doublings)
        .and_then(|factor| config.first_delay.checked_mul(factor))
        .map_or(cap, |delay| delay.min(cap))
}

/// What one check of the instance's address found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ProbeOutcome {
    /// A 2xx from the address, or a redirect that stays on the instance: an
    /// instance answers there.
    Live { status: u16 },
    /// A redirect away from the instance (e.g. to a home page): no instance.
    Elsewhere { status: u16 },
    /// An answer, but a 404 or another error status: not created yet.
    NotYet { status: u16 },
    /// The connection was refused or the network is unreachable.
    Offline,
    /// The name could not be looked up.
    Dns,
    /// The secure connection failed (usually a certificate problem).
    Tls,
    /// No answer within the request timeout.
    Timeout,
    /// Something else; `detail` is technical, for support.
    Other { detail: String },
}

impl ProbeOutcome {
    /// The outcome for an answer from `url`: its status and, for a redirect,
    /// where it points (relative to `url`). Redirects are never followed.
    pub fn from_answer(
        url: &str,
        status: u16,
        location: Option<&str>,
        belongs: BelongsToInstance<'_>,
    ) -> Self {
        match status {
            200..=299 => Self::Live { status },
            300..=399 => {
                let target = url::Url::parse(url)
                    .ok()
                    .and_then(|base| base.join(location?).ok());
                if target.is_some_and(|t| belongs(&t)) {
                    Self::Live { status }
                } else {
                    Self::Elsewhere { status }
                }
            }
            _ => Self::NotYet { status },
        }
    }

    /// An instance answers at the address.
    pub fn is_live(&self) -> bool {
        matches!(self, Self::Live { .. })
    }

    /// This answer means the new instance is live, given the answer seen
    /// before the signup: it belongs to the instance and differs from it.
    pub fn is_new_instance(&self, baseline: Option<&ProbeOutcome>) -> bool {
        self.is_live() && baseline != Some(self)
    }
}

/// One check's result, sent to the window while the assistant waits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LivenessUpdate {
    /// The check's number, from 1.
    pub attempt: u32,
    /// When this wait started (RFC 3339, UTC).
    pub since: String,
    pub outcome: ProbeOutcome,
    /// One calm sentence for the admin.
    pub message: String,
    /// Seconds until the next check (rounded up); 0 once the instance is live.
    pub next_check_in_secs: u32,
    /// After a few minutes without the instance: what usually went wrong,
    /// and what to do.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Shown once the wait has lasted [`LivenessConfig::hint_after`].
pub const WAITING_HINT: &str = "This is taking longer than a signup usually does. Look at \
ConductorOne's page in your browser: if it shows an error, fix what it says (a taken domain or a \
wrong invite code is fixed in step 1). If JumpCloud refused the sign-in, check in step 2 that the \
ConductorOne app's User Groups include a group you are in. If you closed the page \"Setting up \
JumpCloud to work with ConductorOne\", start ConductorOne's signup again from step 1.";

/// The instance answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LiveInstance {
    /// The address that answered.
    pub url: String,
    /// The HTTP status it answered with (2xx or 3xx).
    pub status: u16,
    /// When it answered (RFC 3339, UTC).
    pub at: String,
}

impl LiveInstance {
    /// [`Self::at`] as a time, for the state file's
    /// `signup.instance_live_at`.
    pub fn answered_at(&self) -> Option<OffsetDateTime> {
        OffsetDateTime::parse(&self.at, &Rfc3339).ok()
    }
}

/// Checks `url` once, as the baseline before the signup (step 1) or at any
/// time. Network problems are outcomes, not errors.
pub async fn probe_once(
    url: &str,
    config: &LivenessConfig,
    belongs: BelongsToInstance<'_>,
) -> Result<ProbeOutcome, AppError> {
    let http = Http::new();
    check_transport("instance_url", url).map_err(|e| not_allowed(url, &e))?;
    Ok(probe(&http, url, config.request_timeout, belongs).await)
}

/// Checks `url` until the new instance answers there (see
/// [`ProbeOutcome::is_new_instance`]), calling `on_update` after every check
/// (the last one included).
///
/// Returns [`ErrorKind::Cancelled`] as soon as `cancel` is raised (the
/// admin's "Stop waiting"), and [`ErrorKind::UrlNotAllowed`] at once for an
/// address that is not https (plain http is allowed for loopback only).
/// Network problems never end the wait; they are reported in the updates.
pub async fn wait_until_live(
    url: &str,
    baseline: Option<&ProbeOutcome>,
    config: &LivenessConfig,
    belongs: BelongsToInstance<'_>,
    on_update: &(dyn Fn(LivenessUpdate) + Send + Sync),
    cancel: &CancelToken,
) -> Result<LiveInstance, AppError> {
    let http = Http::new();
    // Refuse a disallowed address before the first check, not in a loop.
    let parsed = check_transport("instance_url", url).map_err(|e| not_allowed(url, &e))?;
    let host = parsed.host_str().unwrap_or(url).to_owned();
    let started = tokio::time::Instant::now();
    let since = rfc3339(OffsetDateTime::now_utc());
    tracing::info!(%url, ?baseline, "waiting for the ConductorOne instance to answer");

    let mut attempt: u32 = 0;
    loop {
        if cancel.is_cancelled() {
            return Err(stopped_waiting());
        }
        attempt = attempt.saturating_add(1);
        let outcome = tokio::select! {
            outcome = probe(&http, url, config.request_timeout, belongs) => outcome,
            () = cancel.cancelled() => return Err(stopped_waiting()),
        };
        let new_instance = outcome.is_new_instance(baseline);
        let message = if outcome.is_live() && !new_instance {
            format!(
                "{host} answers as it did before the signup, so this is not yet your new instance; \
                 the assistant keeps checking."
            )
        } else {
            message_for(&outcome, &host, config.request_timeout)
        };
        tracing::debug!(attempt, ?outcome, new_instance, "instance check");
        let hint = (!new_instance && started.elapsed() >= config.hint_after)
            .then(|| WAITING_HINT.to_owned());
        if let (true, ProbeOutcome::Live { status }) = (new_instance, &outcome) {
            let status = *status;
            on_update(LivenessUpdate {
                attempt,
                since: since.clone(),
                outcome,
                message,
                next_check_in_secs: 0,
                hint: None,
            });
            let at = rfc3339(OffsetDateTime::now_utc());
            tracing::info!(%url, status, attempt, "the ConductorOne instance answered");
            return Ok(LiveInstance {
                url: url.to_owned(),
                status,
                at,
            });
        }
        let delay = next_delay(attempt, config);
        on_update(LivenessUpdate {
            attempt,
            since: since.clone(),
            outcome,
            message,
            next_check_in_secs: whole_seconds_up(delay),
            hint,
        });
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = cancel.cancelled() => return Err(stopped_waiting()),
        }
    }
}

/// One check: a GET whose answer's status (and, for a redirect, where it
/// points) is all that matters.
async fn probe(
    http: &Http,
    url: &str,
    timeout: Duration,
    belongs: BelongsToInstance<'_>,
) -> ProbeOutcome {
    let request = match http.get("instance_url", url) {
        Ok(request) => request.timeout(timeout),
        // Checked before the loop; kept for completeness.
        Err(e) => {
            return ProbeOutcome::Other {
                detail: e.to_string(),
            }
        }
    };
    match request.send().await {
        // The body is not read: the status and the redirect say everything.
        Ok(response) => {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok());
            ProbeOutcome::from_answer(url, response.status().as_u16(), location, belongs)
        }
        Err(e) => classify(&e),
    }
}

/// Sorts a failed request into the outcomes the admin is told about.
fn classify(err: &reqwest::Error) -> ProbeOutcome {
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        causes.push(Cause {
            io_kind: cause.downcast_ref::<io::Error>().map(io::Error::kind),
            text: cause.to_string(),
        });
        source = cause.source();
    }
    classify_causes(err.is_timeout(), &causes, || describe(err))
}

/// One link of an error's chain of causes.
#[derive(Debug)]
struct Cause {
    io_kind: Option<io::ErrorKind>,
    text: String,
}

/// The classification itself, on the chain's kinds and texts, so it can be
/// tested with the wordings each platform uses.
fn classify_causes(
    timed_out: bool,
    causes: &[Cause],
    detail: impl FnOnce() -> String,
) -> ProbeOutcome {
    let text = causes
        .iter()
        .map(|c| c.text.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(": ");
    let mentions = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    let io_kind_is = |kinds: &[io::ErrorKind]| {
        causes
            .iter()
            .filter_map(|c| c.io_kind)
            .any(|k| kinds.contains(&k))
    };

    if timed_out || io_kind_is(&[io::ErrorKind::TimedOut]) {
        return ProbeOutcome::Timeout;
    }
    if mentions(&[
        "dns error",
        "failed to lookup address",
        "name or service not known",
        "nodename nor servname",
        "no such host",
        "temporary failure in name resolution",
        "name resolution",
    ]) {
        return ProbeOutcome::Dns;
    }
    if mentions(&[
        "certificate",
        "invalid peer",
        "tls",
        "handshake",
        "received corrupt message",
        "peer is incompatible",
        "received fatal alert",
        // OpenSSL (Linux): "error:0A00010B:SSL routines:...:wrong version number".
        "ssl routines",
        "wrong version number",
    ]) {
        return ProbeOutcome::Tls;
    }
    if io_kind_is(&[
        io::ErrorKind::ConnectionRefused,
        io::ErrorKind::NetworkUnreachable,
        io::ErrorKind::HostUnreachable,
        io::ErrorKind::NetworkDown,
        io::ErrorKind::AddrNotAvailable,
    ]) || mentions(&[
        "connection refused",
        "network is unreachable",
        "no route to host",
        "actively refused",
        "network is down",
    ]) {
        return ProbeOutcome::Offline;
    }
    ProbeOutcome::Other { detail: detail() }
}

/// The sentence shown for an outcome.
fn message_for(outcome: &ProbeOutcome, host: &str, timeout: Duration) -> String {
    const KEEPS_CHECKING: &str = "the assistant keeps checking.";
    match outcome {
        ProbeOutcome::Live { .. } => {
            format!("Your ConductorOne instance at {host} answered: it is live.")
        }
        ProbeOutcome::Elsewhere { status } => format!(
            "Not created yet: {host} sends visitors elsewhere ({status}), not to an instance. Finish the signup in your browser; {KEEPS_CHECKING}"
        ),
        ProbeOutcome::NotYet { status: 404 } => format!(
            "Not created yet: ConductorOne answers 404 for this address. Finish the signup in your browser; {KEEPS_CHECKING}"
        ),
        ProbeOutcome::NotYet { status } if *status >= 500 => format!(
            "ConductorOne answers {status} for this address, a passing problem on its side; {KEEPS_CHECKING}"
        ),
        ProbeOutcome::NotYet { status } => format!(
            "Not ready yet: ConductorOne answers {status} for this address. Finish the signup in your browser; {KEEPS_CHECKING}"
        ),
        ProbeOutcome::Offline => format!(
            "This computer seems to be offline: {host} could not be reached; {KEEPS_CHECKING}"
        ),
        ProbeOutcome::Dns => format!(
            "The name {host} could not be looked up. This computer may be offline, or its network cannot look up names right now; {KEEPS_CHECKING}"
        ),
        ProbeOutcome::Tls => format!(
            "The secure connection to {host} failed, usually because of a certificate problem. A company proxy or antivirus that inspects secure traffic can cause this; {KEEPS_CHECKING}"
        ),
        ProbeOutcome::Timeout => format!(
            "{host} did not answer within {} seconds; {KEEPS_CHECKING}",
            whole_seconds_up(timeout)
        ),
        ProbeOutcome::Other { .. } => {
            format!("The check of {host} did not get an answer; {KEEPS_CHECKING}")
        }
    }
}

/// The admin stopped waiting.
fn stopped_waiting() -> AppError {
    AppError::new(
        ErrorKind::Cancelled,
        "You stopped waiting for your ConductorOne instance. You can come back later: the assistant remembers where you are and resumes waiting.",
        "When the signup in your browser is finished, return to step 3 and the assistant checks the instance's address again.",
    )
}

fn not_allowed(url: &str, err: &OverrideError) -> AppError {
    AppError::new(
        ErrorKind::UrlNotAllowed,
        format!("The assistant will not check {url}: it only uses secure (https) addresses."),
        "Check the domain in step 1. If you use a test setup, its instance address must be https, or http on 127.0.0.1.",
    )
    .with_detail(err.to_string())
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// Whole seconds, rounded up, so a short pause never reads as "0 seconds".
fn whole_seconds_up(delay: Duration) -> u32 {
    let secs = delay
        .as_secs()
        .saturating_add(u64::from(delay.subsec_nanos() > 0));
    u32::try_from(secs).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(first_ms: u64, max_ms: u64) -> LivenessConfig {
        LivenessConfig {
            first_delay: Duration::from_millis(first_ms),
            max_delay: Duration::from_millis(max_ms),
            request_timeout: Duration::from_secs(1),
            hint_after: HINT_AFTER,
        }
    }

    #[test]
    fn the_default_backoff_doubles_from_two_to_thirty_seconds() {
        let c = LivenessConfig::default();
        let secs: Vec<u64> = (1..=7).map(|n| next_delay(n, &c).as_secs()).collect();
        assert_eq!(secs, [2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(next_delay(0, &c), c.first_delay);
        assert_eq!(c.request_timeout, Duration::from_secs(10));
    }

    #[test]
    fn backoff_stays_within_bounds_and_never_shrinks() {
        let configs = [
            LivenessConfig::default(),
            config(1, 1),
            config(7, 1000),
            config(250, 30_000),
            LivenessConfig {
                first_delay: Duration::from_secs(u64::MAX / 4),
                max_delay: Duration::MAX,
                request_timeout: Duration::from_secs(1),
                hint_after: HINT_AFTER,
            },
        ];
        let attempts = (0..200).chain([1_000, 65_535, u32::MAX / 2, u32::MAX - 1, u32::MAX]);
        for c in configs {
            let mut previous = Duration::ZERO;
            for attempt in attempts.clone() {
                let delay = next_delay(attempt, &c);
                assert!(delay >= c.first_delay, "{attempt}: {delay:?} < {c:?}");
                assert!(delay <= c.max_delay, "{attempt}: {delay:?} > {c:?}");
                assert!(delay >= previous, "{attempt}: shrank to {delay:?}");
                previous = delay;
            }
            assert_eq!(next_delay(u32::MAX, &c), c.max_delay);
        }
    }

    #[test]
    fn a_cap_below_the_first_delay_keeps_the_first_delay() {
        let c = config(5_000, 1_000);
        for attempt in [0, 1, 2, 50, u32::MAX] {
            assert_eq!(next_delay(attempt, &c), Duration::from_secs(5));
        }
    }

    #[test]
    fn answers_are_the_instance_only_when_they_belong_to_it() {
        let url = "https://acmeco.conductor.one/";
        let belongs = |u: &url::Url| u.as_str().starts_with(url);
        let outcome = |status, location| ProbeOutcome::from_answer(url, status, location, &belongs);
        for status in [200, 204] {
            assert_eq!(outcome(status, None), ProbeOutcome::Live { status });
        }
        assert_eq!(
            outcome(302, Some("/login?x=1")),
            ProbeOutcome::Live { status: 302 }
        );
        assert_eq!(
            outcome(301, Some("https://acmeco.conductor.one/home")),
            ProbeOutcome::Live { status: 301 }
        );
        for elsewhere in [
            "https://www.conductorone.com/",
            "//evil.example/",
            "https://acmeco.conductor.one.evil/",
        ] {
            assert_eq!(
                outcome(302, Some(elsewhere)),
                ProbeOutcome::Elsewhere { status: 302 },
                "{elsewhere}"
            );
        }
        assert_eq!(outcome(302, None), ProbeOutcome::Elsewhere { status: 302 });
        for status in [100, 400, 404, 410, 429, 500, 503] {
            assert_eq!(outcome(status, None), ProbeOutcome::NotYet { status });
        }
    }

    #[test]
    fn only_an_answer_unlike_the_baseline_is_the_new_instance() {
        let ok = ProbeOutcome::Live { status: 200 };
        assert!(ok.is_new_instance(None));
        assert!(ok.is_new_instance(Some(&ProbeOutcome::NotYet { status: 404 })));
        assert!(ok.is_new_instance(Some(&ProbeOutcome::Elsewhere { status: 302 })));
        assert!(ok.is_new_instance(Some(&ProbeOutcome::Live { status: 302 })));
        assert!(!ok.is_new_instance(Some(&ProbeOutcome::Live { status: 200 })));
        assert!(!ProbeOutcome::Elsewhere { status: 302 }.is_new_instance(None));
    }

    fn cause(io_kind: Option<io::ErrorKind>, text: &str) -> Cause {
        Cause {
            io_kind,
            text: text.to_owned(),
        }
    }

    fn classify_texts(timed_out: bool, causes: &[Cause]) -> ProbeOutcome {
        classify_causes(timed_out, causes, || "detail".to_owned())
    }

    #[test]
    fn network_failures_are_sorted_as_each_platform_words_them() {
        use io::ErrorKind as K;
        let cases = [
            (
                vec![
                    cause(None, "client error (Connect)"),
                    cause(Some(K::ConnectionRefused), "Connection refused (os error 111)"),
                ],
                ProbeOutcome::Offline,
            ),
            (
                vec![cause(
                    Some(K::ConnectionRefused),
                    "No connection could be made because the target machine actively refused it. (os error 10061)",
                )],
                ProbeOutcome::Offline,
            ),
            (
                vec![cause(
                    Some(K::NetworkUnreachable),
                    "Network is unreachable (os error 101)",
                )],
                ProbeOutcome::Offline,
            ),
            (
                vec![cause(None, "tcp connect error: No route to host")],
                ProbeOutcome::Offline,
            ),
            (
                vec![
                    cause(None, "dns error"),
                    cause(
                        Some(K::Other),
                        "failed to lookup address information: Name or service not known",
                    ),
                ],
                ProbeOutcome::Dns,
            ),
            (
                vec![cause(
                    None,
                    "failed to lookup address information: nodename nor servname provided, or not known",
                )],
                ProbeOutcome::Dns,
            ),
            (
                vec![cause(
                    None,
                    "failed to lookup address information: No such host is known. (os error 11001)",
                )],
                ProbeOutcome::Dns,
            ),
            (
                vec![cause(
                    Some(K::InvalidData),
                    "invalid peer certificate: UnknownIssuer",
                )],
                ProbeOutcome::Tls,
            ),
            (
                vec![cause(
                    Some(K::InvalidData),
                    "received corrupt message of type InvalidContentType",
                )],
                ProbeOutcome::Tls,
            ),
            (
                vec![cause(Some(K::TimedOut), "connection timed out")],
                ProbeOutcome::Timeout,
            ),
            (
                vec![cause(None, "connection closed before message completed")],
                ProbeOutcome::Other {
                    detail: "detail".into(),
                },
            ),
        ];
        for (causes, expected) in cases {
            assert_eq!(classify_texts(false, &causes), expected, "{causes:?}");
        }
        assert_eq!(classify_texts(true, &[]), ProbeOutcome::Timeout);
    }

    #[test]
    fn the_platform_tls_libraries_failures_are_secure_connection_problems() {
        for text in [
            // OpenSSL (Linux): an untrusted certificate, and plain HTTP on an HTTPS port.
            "error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed (unable to get local issuer certificate)",
            "error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl/record/ssl3_record.c:350:",
            // SChannel (Windows).
            "The certificate chain was issued by an authority that is not trusted. (os error -2146893019)",
        ] {
            assert_eq!(
                classify_texts(false, &[cause(None, text)]),
                ProbeOutcome::Tls,
                "{text}"
            );
        }
    }

    #[test]
    fn every_message_is_calm_and_says_the_checks_go_on() {
        let outcomes = [
            ProbeOutcome::NotYet { status: 404 },
            ProbeOutcome::NotYet { status: 403 },
            ProbeOutcome::NotYet { status: 503 },
            ProbeOutcome::Offline,
            ProbeOutcome::Dns,
            ProbeOutcome::Tls,
            ProbeOutcome::Timeout,
            ProbeOutcome::Other { detail: "x".into() },
        ];
        for outcome in outcomes {
            let text = message_for(&outcome, "acmeco.conductor.one", Duration::from_secs(10));
            assert!(text.ends_with("the assistant keeps checking."), "{text}");
            assert!(!text.contains("error"), "{text}");
        }
        assert_eq!(
            message_for(
                &ProbeOutcome::NotYet { status: 404 },
                "acmeco.conductor.one",
                Duration::from_secs(10)
            ),
            "Not created yet: ConductorOne answers 404 for this address. Finish the signup in your browser; the assistant keeps checking."
        );
        assert!(message_for(&ProbeOutcome::Offline, "h", Duration::ZERO)
            .starts_with("This computer seems to be offline"));
        assert!(
            message_for(&ProbeOutcome::Timeout, "h", Duration::from_millis(1500))
                .contains("within 2 seconds")
        );
    }

    #[test]
    fn outcomes_serialise_with_a_snake_case_tag() {
        let json = serde_json::to_value(ProbeOutcome::NotYet { status: 404 }).expect("json");
        assert_eq!(json, serde_json::json!({"kind": "not_yet", "status": 404}));
        let json = serde_json::to_value(ProbeOutcome::Offline).expect("json");
        assert_eq!(json, serde_json::json!({"kind": "offline"}));
        let json = serde_json::to_value(ProbeOutcome::Other { detail: "d".into() }).expect("json");
        assert_eq!(json, serde_json::json!({"kind": "other", "detail": "d"}));
    }

    #[test]
    fn seconds_round_up() {
        assert_eq!(whole_seconds_up(Duration::ZERO), 0);
        assert_eq!(whole_seconds_up(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds_up(Duration::from_secs(2)), 2);
        assert_eq!(whole_seconds_up(Duration::from_millis(2001)), 3);
        assert_eq!(whole_seconds_up(Duration::MAX), u32::MAX);
    }
}
