//! Reading what the browser sends to the loopback listener, and checking the
//! authorization response before anything is sent to the token endpoint.
//!
//! Only `GET` requests whose `Host` is exactly `127.0.0.1:<port>` are
//! answered; the request head is capped at [`MAX_REQUEST_BYTES`]; `/` is the
//! short start address that redirects to the provider; `/callback` carries
//! the response; anything else is not found. Query parameters are decoded
//! strictly and may not repeat (RFC 6749 section 3.1).

use std::fmt;

use super::diagnosis;
use crate::error::AppError;

/// The largest request head the listener keeps, Cookie headers not counted.
pub const MAX_REQUEST_BYTES: usize = 32 * 1024;
/// The most a request head may send in all, Cookie headers included: browsers
/// send every cookie set for 127.0.0.1 (cookies ignore ports), which the
/// listener reads past without keeping.
pub const MAX_REQUEST_WITH_COOKIES_BYTES: usize = 1024 * 1024;

/// The path JumpCloud redirects to.
pub const CALLBACK_PATH: &str = "/callback";
/// The short start address's path.
pub const START_PATH: &str = "/";

/// The authorization response's parameters.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub iss: Option<String>,
}

impl fmt::Debug for CallbackParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The code is a one-time credential: never printed.
        f.debug_struct("CallbackParams")
            .field("code", &self.code.as_ref().map(|_| crate::secret::REDACTED))
            .field("state", &self.state)
            .field("error", &self.error)
            .field("error_description", &self.error_description)
            .field("iss", &self.iss)
            .finish()
    }
}

/// What a well-formed request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The short start address: redirect to the provider.
    Start,
    /// `/callback` with `code` or `error`: this decides the login.
    Callback(CallbackParams),
    /// `/callback` with neither `code` nor `error`.
    CallbackIncomplete,
    /// Any other path.
    NotFound,
}

/// Why a request is refused before routing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Not a valid HTTP/1.x request head, or a malformed query.
    Malformed(String),
    /// The head is larger than [`MAX_REQUEST_BYTES`].
    TooLarge,
    /// The `Host` header is missing or not `127.0.0.1:<port>`.
    WrongHost,
    /// Not `GET`.
    MethodNotAllowed,
    /// A parameter of the authorization response appears more than once.
    DuplicateParameter(String),
}

/// Parses a complete request head (up to and including the blank line).
pub fn parse_request(head: &[u8], port: u16) -> Result<Route, Rejection> {
    if head.len() > MAX_REQUEST_BYTES {
        return Err(Rejection::TooLarge);
    }
    let text = std::str::from_utf8(head).map_err(|_| malformed("the request is not text"))?;
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("the request line is not METHOD TARGET VERSION"));
    };
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        return Err(malformed("only HTTP/1.x is spoken here"));
    }
    let mut host = None;
    for line in lines.take_while(|l| !l.is_empty()) {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| malformed("a header line has no colon"))?;
        if name.is_empty() || name.contains(' ') {
            return Err(malformed("a header name is invalid"));
        }
        if name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                return Err(malformed("the Host header appears twice"));
            }
            host = Some(value.trim());
        }
    }
    let expected_host = format!("127.0.0.1:{port}");
    if !host.is_some_and(|h| h.eq_ignore_ascii_case(&expected_host)) {
        return Err(Rejection::WrongHost);
    }
    if method != "GET" {
        return Err(Rejection::MethodNotAllowed);
    }
    if !target.starts_with('/') {
        return Err(malformed("the request target is not a path"));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match path {
        START_PATH => Ok(Route::Start),
        CALLBACK_PATH => {
            let params = parse_callback_query(query)?;
            if params.code.is_some() || params.error.is_some() {
                Ok(Route::Callback(params))
            } else {
                Ok(Route::CallbackIncomplete)
            }
        }
        _ => Ok(Route::NotFound),
    }
}

/// Decodes the callback's query string strictly.
pub fn parse_callback_query(query: &str) -> Result<CallbackParams, Rejection> {
    let mut params = CallbackParams::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode_component(raw_name)?;
        let value = decode_component(raw_value)?;
        let slot = match name.as_str() {
            "code" => &mut params.code,
            "state" => &mut params.state,
            "error" => &mut params.error,
            "error_description" => &mut params.error_description,
            "iss" => &mut params.iss,
            _ => continue,
        };
        if slot.is_some() {
            return Err(Rejection::DuplicateParameter(name));
        }
        *slot = Some(value);
    }
    Ok(params)
}

/// `application/x-www-form-urlencoded` decoding that refuses bad escapes and
/// text that is not UTF-8 instead of guessing.
fn decode_component(raw: &str) -> Result<String, Rejection> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| malformed("the address has a broken %-escape"))?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| malformed("the address is not UTF-8 text"))
}

fn malformed(why: &str) -> Rejection {
    Rejection::Malformed(why.to_owned())
}

/// The expected values an authorization response is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub state: &'a str,
    pub issuer: &'a str,
    /// Discovery said `authorization_response_iss_parameter_supported: true`.
    pub iss_required: bool,
}

/// True when the callback's `state` is the expected one, compared in
/// constant time so that the answer's timing tells nothing about the value.
pub fn state_matches(params: &CallbackParams, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    params
        .state
        .as_deref()
        .is_some_and(|state| bool::from(state.as_bytes().ct_eq(expected.as_bytes())))
}

/// Checks the response and returns the code. On any failure the token
/// endpoint must not be called.
pub fn check_response(params: &CallbackParams, expected: Expected<'_>) -> Result<String, AppError> {
    if !state_matches(params, expected.state) {
        return Err(diagnosis::state_mismatch());
    }
    match params.iss.as_deref() {
        Some(iss) if iss != expected.issuer => {
            return Err(diagnosis::iss_mismatch(expected.issuer, Some(iss)));
        }
        None if expected.iss_required => {
            return Err(diagnosis::iss_mismatch(expected.issuer, None))
        }
        _ => {}
    }
    if let Some(error) = &params.error {
        let description = params.error_description.as_deref();
        return Err(if error == "access_denied" {
            diagnosis::access_denied(description)
        } else {
            diagnosis::idp_error(error, description)
        });
    }
    params
        .code
        .clone()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            diagnosis::idp_error(
                "missing_code",
                Some("The answer had neither a code nor an error."),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const PORT: u16 = 38710;

    fn get(target: &str) -> Vec<u8> {
        format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nUser-Agent: test\r\n\r\n")
            .into_bytes()
    }

    fn callback(query: &str) -> CallbackParams {
        match parse_request(&get(&format!("/callback?{query}")), PORT) {
            Ok(Route::Callback(p)) => p,
            other => panic!("expected a callback, got {other:?}"),
        }
    }

    #[test]
    fn a_code_callback_is_parsed_and_decoded() {
        let p =
            callback("code=abc%2F1&state=s+t&iss=http%3A%2F%2F127.0.0.1%3A9%2F&session_state=x");
        assert_eq!(p.code.as_deref(), Some("abc/1"));
        assert_eq!(p.state.as_deref(), Some("s t"));
        assert_eq!(p.iss.as_deref(), Some("http://127.0.0.1:9/"));
        assert!(!format!("{p:?}").contains("abc"), "the code is not printed");
        let e = callback("error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E&state=s");
        assert_eq!(e.error.as_deref(), Some("access_denied"));
        assert_eq!(e.error_description.as_deref(), Some("<b>no</b>"));
    }

    #[test]
    fn routes_start_callback_incomplete_and_not_found() {
        assert_eq!(parse_request(&get("/"), PORT), Ok(Route::Start));
        assert_eq!(
            parse_request(&get("/callback"), PORT),
            Ok(Route::CallbackIncomplete)
        );
        assert_eq!(
            parse_request(&get("/callback?state=x"), PORT),
            Ok(Route::CallbackIncomplete)
        );
        for other in [
            "/favicon.ico",
            "/callback/",
            "/CALLBACK?code=x",
            "/start",
            "/callbackx?code=1",
        ] {
            assert_eq!(
                parse_request(&get(other), PORT),
                Ok(Route::NotFound),
                "{other}"
            );
        }
    }

    #[test]
    fn malformed_queries_are_refused() {
        for query in [
            "code=%zz&state=s",
            "code=%4&state=s",
            "code=%&state=s",
            "code=%C3%28&state=s",
            "%ff=1",
        ] {
            let head = get(&format!("/callback?{query}"));
            assert!(
                matches!(parse_request(&head, PORT), Err(Rejection::Malformed(_))),
                "{query}"
            );
        }
    }

    #[test]
    fn duplicate_parameters_are_refused() {
        for query in [
            "code=a&code=b&state=s",
            "code=a&state=s&state=t",
            "error=x&error=y&state=s",
            "code=a&iss=x&iss=y",
        ] {
            let head = get(&format!("/callback?{query}"));
            assert!(
                matches!(
                    parse_request(&head, PORT),
                    Err(Rejection::DuplicateParameter(_))
                ),
                "{query}"
            );
        }
        // Unknown parameters may repeat: they are ignored.
        assert!(parse_request(&get("/callback?code=a&state=s&x=1&x=2"), PORT).is_ok());
    }

    #[test]
    fn huge_requests_are_refused() {
        let long = "a".repeat(MAX_REQUEST_BYTES);
        assert_eq!(
            parse_request(&get(&format!("/callback?code={long}")), PORT),
            Err(Rejection::TooLarge)
        );
    }

    #[test]
    fn the_host_must_be_the_loopback_address_and_port() {
        for host in [
            "localhost:38710",
            "127.0.0.1:38711",
            "127.0.0.1",
            "evil.example",
            "[::1]:38710",
            "",
        ] {
            let head = format!("GET /callback?code=a&state=s HTTP/1.1\r\nHost: {host}\r\n\r\n");
            assert_eq!(
                parse_request(head.as_bytes(), PORT),
                Err(Rejection::WrongHost),
                "{host}"
            );
        }
        let no_host = b"GET /callback?code=a HTTP/1.1\r\nAccept: */*\r\n\r\n";
        assert_eq!(parse_request(no_host, PORT), Err(Rejection::WrongHost));
        let twice = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nHost: evil\r\n\r\n");
        assert!(matches!(
            parse_request(twice.as_bytes(), PORT),
            Err(Rejection::Malformed(_))
        ));
        let upper = format!("GET / HTTP/1.1\r\nHOST: 127.0.0.1:{PORT}\r\n\r\n");
        assert_eq!(parse_request(upper.as_bytes(), PORT), Ok(Route::Start));
    }

    #[test]
    fn request_lines_and_methods_are_checked() {
        let post = format!("POST /callback HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n\r\n");
        assert_eq!(
            parse_request(post.as_bytes(), PORT),
            Err(Rejection::MethodNotAllowed)
        );
        for bad in [
            "GET /\r\n\r\n".to_owned(),
            format!("GET / HTTP/2\r\nHost: 127.0.0.1:{PORT}\r\n\r\n"),
            format!("GET http://x/ HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n\r\n"),
            format!("GET  / HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n\r\n"),
            format!("GET / HTTP/1.1\r\nHost 127.0.0.1:{PORT}\r\n\r\n"),
        ] {
            assert!(
                matches!(
                    parse_request(bad.as_bytes(), PORT),
                    Err(Rejection::Malformed(_))
                ),
                "{bad:?}"
            );
        }
        assert!(matches!(
            parse_request(b"\xff\xfe\r\n\r\n", PORT),
            Err(Rejection::Malformed(_))
        ));
    }

    fn expected(iss_required: bool) -> Expected<'static> {
        Expected {
            state: "the-state",
            issuer: "https://oauth.id.jumpcloud.com/",
            iss_required,
        }
    }

    fn params(pairs: &[(&str, &str)]) -> CallbackParams {
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace(':', "%3A")))
            .collect();
        parse_callback_query(&query.join("&")).expect("valid")
    }

    #[test]
    fn state_iss_and_errors_are_checked_in_order() {
        let ok = params(&[("code", "c"), ("state", "the-state")]);
        assert_eq!(check_response(&ok, expected(false)).expect("ok"), "c");
        let kind = |p: &CallbackParams, req: bool| {
            check_response(p, expected(req)).expect_err("fails").kind
        };
        assert_eq!(
            kind(&ok, true),
            ErrorKind::IssMismatch,
            "iss missing while advertised"
        );
        assert_eq!(
            kind(&params(&[("code", "c"), ("state", "other")]), false),
            ErrorKind::StateMismatch
        );
        assert_eq!(
            kind(&params(&[("code", "c")]), false),
            ErrorKind::StateMismatch
        );
        let wrong_iss = params(&[
            ("code", "c"),
            ("state", "the-state"),
            ("iss", "https://evil.example/"),
        ]);
        assert_eq!(kind(&wrong_iss, false), ErrorKind::IssMismatch);
        let right_iss = params(&[
            ("code", "c"),
            ("state", "the-state"),
            ("iss", "https://oauth.id.jumpcloud.com/"),
        ]);
        assert!(check_response(&right_iss, expected(true)).is_ok());
        let denied = params(&[("error", "access_denied"), ("state", "the-state")]);
        assert_eq!(kind(&denied, false), ErrorKind::AccessDenied);
        let other = params(&[
            ("error", "server_error"),
            ("error_description", "boom"),
            ("state", "the-state"),
        ]);
        let err = check_response(&other, expected(false)).expect_err("idp error");
        assert_eq!(err.kind, ErrorKind::IdpError);
        assert!(err.message.contains("boom"));
        // An error with the wrong state is a state mismatch: it may not be ours.
        let forged = params(&[("error", "access_denied"), ("state", "x")]);
        assert_eq!(kind(&forged, false), ErrorKind::StateMismatch);
    }
}
