//! The HTTP client the verification login and the instance check use: redirects are
//! never followed, connect and overall timeouts are set, certificates are
//! checked by the operating system's TLS library against its trust store (so
//! a company's TLS-inspecting CA works), the proxy comes
//! from the environment (`HTTPS_PROXY`, `NO_PROXY`) or the macOS and Windows
//! settings but is never used for a loopback address, plain `http` is refused
//! except for loopback, and answers are read up to a size cap.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::{redirect, Client, RequestBuilder, Response};
use url::Url;

use crate::endpoints::{check_transport, is_loopback_host};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// No discovery document, key set or token response comes near this.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Why a request did not produce an answer.
#[derive(Debug)]
pub(crate) enum FetchError {
    /// The URL is not allowed (plain http off loopback, or unparseable).
    NotAllowed(String),
    /// No answer: DNS, connection, timeout.
    Unreachable(String),
    /// The server's certificate is not trusted by this computer.
    Untrusted(String),
    /// The answer was larger than the cap.
    TooLarge,
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotAllowed(why) | Self::Unreachable(why) | Self::Untrusted(why) => {
                f.write_str(why)
            }
            Self::TooLarge => write!(f, "the answer is larger than {MAX_BODY_BYTES} bytes"),
        }
    }
}

/// A provider's answer, read in full.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Two clients, each built on first use: building one loads the system's
/// trust store (OpenSSL on Linux reads every certificate in /etc/ssl), so a
/// sign-in against a loopback provider never pays for the proxied client,
/// nor a sign-in against JumpCloud for the direct one.
#[derive(Debug, Clone, Default)]
pub(crate) struct Http {
    proxied: Arc<OnceLock<Result<Client, String>>>,
    direct: Arc<OnceLock<Result<Client, String>>>,
}

impl Http {
    pub fn new() -> Self {
        Self::default()
    }

    fn build(direct: bool) -> Result<Client, String> {
        let mut builder = Client::builder()
            .redirect(redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("c1-setup/", env!("CARGO_PKG_VERSION")));
        if direct {
            builder = builder.no_proxy();
        }
        builder
            .build()
            .map_err(|e| format!("the HTTP client could not start: {e}"))
    }

    /// Checks the transport rule and picks the client for `url`.
    fn client_for(&self, field: &'static str, url: &str) -> Result<(Url, &Client), FetchError> {
        let parsed =
            check_transport(field, url).map_err(|e| FetchError::NotAllowed(e.to_string()))?;
        let direct = is_loopback_host(&parsed);
        let cell = if direct { &self.direct } else { &self.proxied };
        let client = cell
            .get_or_init(|| Self::build(direct))
            .as_ref()
            .map_err(|why| FetchError::Unreachable(why.clone()))?;
        Ok((parsed, client))
    }

    pub fn get(&self, field: &'static str, url: &str) -> Result<RequestBuilder, FetchError> {
        let (url, client) = self.client_for(field, url)?;
        Ok(client.get(url))
    }

    pub fn post(&self, field: &'static str, url: &str) -> Result<RequestBuilder, FetchError> {
        let (url, client) = self.client_for(field, url)?;
        Ok(client.post(url))
    }

    /// Sends the request and reads the answer up to the cap.
    pub async fn send(request: RequestBuilder) -> Result<Answer, FetchError> {
        let response = request.send().await.map_err(|e| {
            let why = describe(&e);
            if is_untrusted_certificate(&why) {
                FetchError::Untrusted(why)
            } else {
                FetchError::Unreachable(why)
            }
        })?;
        read_capped(response).await
    }
}

async fn read_capped(mut response: Response) -> Result<Answer, FetchError> {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(FetchError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| FetchError::Unreachable(describe(&e)))?
    {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(FetchError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        content_type,
        body,
    })
}

/// A reqwest error with its causes, without the URL's query (which may hold
/// a code) and without credentials (reqwest never puts form bodies in errors).
/// Whether a connection failed because the server's certificate does not
/// chain to an authority this computer trusts, as each platform's TLS library
/// words it: OpenSSL ("certificate verify failed (unable to get local issuer
/// certificate)"), Windows ("issued by an authority that is not trusted"),
/// macOS ("is not trusted"). Read from the text because native-tls passes
/// the platform's error on as text; wording not listed here is reported as
/// "could not connect", with the text in the details.
fn is_untrusted_certificate(why: &str) -> bool {
    let why = why.to_ascii_lowercase();
    [
        "certificate verify failed",
        "not trusted",
        "self-signed certificate",
        "self signed certificate",
        "unable to get local issuer certificate",
    ]
    .iter()
    .any(|phrase| why.contains(phrase))
}

pub(crate) fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_body() || err.is_decode() {
        "the answer was cut off"
    } else {
        "request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_certificates_are_told_apart_in_each_platforms_words() {
        for untrusted in [
            "could not connect: client error (Connect): error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:../ssl/statem/statem_clnt.c:1889: (unable to get local issuer certificate)",
            "could not connect: client error (Connect): The certificate chain was issued by an authority that is not trusted. (os error -2146893019)",
            "could not connect: client error (Connect): The certificate for this server is invalid: \u{201c}127.0.0.1\u{201d} certificate is not trusted",
            "could not connect: error:0A000086:SSL routines::certificate verify failed (self-signed certificate)",
        ] {
            assert!(is_untrusted_certificate(untrusted), "{untrusted}");
        }
        for other in [
            "could not connect: client error (Connect): tcp connect error: Connection refused (os error 111)",
            "timed out: operation timed out",
            "could not connect: error:0A00010B:SSL routines::wrong version number",
        ] {
            assert!(!is_untrusted_certificate(other), "{other}");
        }
    }

    #[test]
    fn plain_http_is_refused_off_loopback() {
        let http = Http::new();
        assert!(matches!(
            http.get("token_endpoint", "http://idp.example.com/token"),
            Err(FetchError::NotAllowed(_))
        ));
        assert!(http
            .get("token_endpoint", "https://idp.example.com/token")
            .is_ok());
        assert!(http
            .get("token_endpoint", "http://127.0.0.1:9/token")
            .is_ok());
        assert!(matches!(
            http.get("jwks_uri", "not a url"),
            Err(FetchError::NotAllowed(_))
        ));
    }
}
