//! What each verification failure means for the admin: one constructor per
//! kind, each with a message (what happened) and a fix (which JumpCloud field
//! or which step to revisit), plus the helpers that keep provider texts short
//! and free of credentials before they reach a message or a `detail`.

use crate::endpoints::Endpoints;
use crate::error::{AppError, ErrorKind};

/// The longest provider text quoted in a message or a detail.
const MAX_QUOTE_CHARS: usize = 300;

/// Runs of token-like characters at least this long are hidden from quoted
/// provider texts: they may be tokens or codes.
const TOKEN_LIKE_MIN_LEN: usize = 32;

pub fn issuer_unreachable(issuer: &str, why: &str) -> AppError {
    AppError::new(
        ErrorKind::IssuerUnreachable,
        format!("The assistant could not reach JumpCloud's sign-in service at {issuer}."),
        "Check that this computer is online and that a proxy or firewall lets it reach that address \
         (set HTTPS_PROXY if your network needs a proxy). If the address looks wrong, check the region chosen in step 2.",
    )
    .with_detail(quote(why, &[]))
}

/// The server's certificate does not chain to an authority this computer
/// trusts: a TLS-inspecting company proxy whose CA is not installed, or an
/// interception.
pub fn tls_untrusted(address: &str, why: &str) -> AppError {
    AppError::new(
        ErrorKind::TlsUntrusted,
        format!(
            "The assistant refused the secure connection to {address}: its certificate is not issued by an \
             authority this computer trusts."
        ),
        "If your company's network inspects HTTPS, its root certificate must be in this computer's trust \
         store (Keychain Access on macOS, the Windows certificate store, update-ca-certificates on Linux): \
         ask your IT team to install it, then try again. Otherwise the connection may be intercepted: use \
         another network.",
    )
    .with_detail(quote(why, &[]))
}

pub fn discovery_invalid(issuer: &str, what: &str) -> AppError {
    AppError::new(
        ErrorKind::DiscoveryInvalid,
        format!("The sign-in service at {issuer} did not describe itself correctly: {what}."),
        "Check the region chosen in step 2: the address must be JumpCloud's OpenID issuer for your region. \
         If it is right, JumpCloud may be having trouble; try again in a few minutes.",
    )
    .with_detail(quote(what, &[]))
}

pub fn issuer_mismatch(expected: &str, found: &str) -> AppError {
    AppError::new(
        ErrorKind::IssuerMismatch,
        format!(
            "The sign-in service calls itself \"{}\" but the assistant expected exactly \"{expected}\".",
            quote(found, &[])
        ),
        "The issuer must match exactly, including the trailing slash. Check the region chosen in step 2.",
    )
}

pub fn auth_method_unsupported(listed: &[String]) -> AppError {
    AppError::new(
        ErrorKind::AuthMethodUnsupported,
        "The sign-in service does not accept Client Secret POST, which ConductorOne uses to sign in.",
        "Check the region chosen in step 2: JumpCloud's issuer supports Client Secret POST. \
         In the JumpCloud app's SSO tab, Client Authentication Type must be \"Client Secret POST\".",
    )
    .with_detail(quote(
        &format!("token_endpoint_auth_methods_supported: {}", listed.join(", ")),
        &[],
    ))
}

pub fn port_in_use(port: u16, why: &str) -> AppError {
    AppError::new(
        ErrorKind::PortInUse,
        format!("The assistant could not listen on 127.0.0.1:{port}: another program uses that port, or the system reserves it."),
        format!(
            "Close the program using port {port} (another copy of the assistant, perhaps) and try again, \
             or choose another port in step 2 and replace the Redirect URI in the JumpCloud app's SSO tab \
             with the new http://127.0.0.1:<port>/callback."
        ),
    )
    .with_detail(quote(why, &[]))
}

pub fn timeout(port: u16, waited_secs: u64) -> AppError {
    let redirect_uri = Endpoints::loopback_redirect_uri(port);
    AppError::new(
        ErrorKind::Timeout,
        format!("The browser did not come back to the assistant within {waited_secs} seconds."),
        format!(
            "If JumpCloud showed an error about redirect_uri, add exactly {redirect_uri} to Redirect URIs \
             in the JumpCloud app's SSO tab, save, and try again. Otherwise finish signing in within the time \
             and keep the assistant open."
        ),
    )
}

pub fn cancelled() -> AppError {
    AppError::new(
        ErrorKind::Cancelled,
        "The sign-in check was cancelled.",
        "Start the check again when you are ready.",
    )
}

pub fn access_denied(description: Option<&str>) -> AppError {
    let err = AppError::new(
        ErrorKind::AccessDenied,
        "JumpCloud did not let you sign in to the ConductorOne app: you are not in a user group assigned to it, \
         or the sign-in was declined.",
        "In the JumpCloud app, open the User Groups tab, tick a group you are a member of, and save. \
         Then try again and accept the sign-in.",
    );
    match description {
        Some(d) => err.with_detail(quote(d, &[])),
        None => err,
    }
}

pub fn idp_error(error: &str, description: Option<&str>) -> AppError {
    let said = description.map_or_else(|| quote(error, &[]), |d| quote(d, &[]));
    AppError::new(
        ErrorKind::IdpError,
        format!("JumpCloud reported an error: {said}"),
        "Check the JumpCloud app's SSO tab against step 2 (Redirect URIs, Client Authentication Type, \
         the email attribute mapping) and that the app is active, then try again.",
    )
    .with_detail(quote(&format!("error={error}"), &[]))
}

pub fn state_mismatch() -> AppError {
    AppError::new(
        ErrorKind::StateMismatch,
        "The answer that reached the assistant does not belong to this sign-in (its state value differs). \
         It was ignored and nothing was sent to JumpCloud.",
        "Start the check again and finish it in the browser tab it opens. Close older sign-in tabs first.",
    )
}

/// The wait ended and only answers with another `state` had arrived: an
/// older sign-in tab, another program, or a web page sent them.
pub fn only_foreign_callbacks(port: u16, waited_secs: u64, seen: usize) -> AppError {
    let answers = if seen == 1 {
        "1 answer"
    } else {
        &format!("{seen} answers")
    };
    AppError::new(
        ErrorKind::StateMismatch,
        format!(
            "The browser did not come back to the assistant within {waited_secs} seconds. Meanwhile {answers} \
             reached 127.0.0.1:{port} that did not belong to this sign-in (an older sign-in tab, or another \
             program or web page); they were ignored and nothing was sent to JumpCloud."
        ),
        "Close older sign-in tabs, start the check again and finish it in the tab it opens. If this repeats, \
         another program on this computer is calling the assistant's address: close it or choose another port \
         in step 2.",
    )
}

pub fn iss_mismatch(expected: &str, found: Option<&str>) -> AppError {
    let message = match found {
        Some(found) => format!(
            "The answer that reached the assistant says it comes from \"{}\", not from {expected}. \
             It was ignored and nothing was sent to JumpCloud.",
            quote(found, &[])
        ),
        None => format!(
            "The answer that reached the assistant does not say which service sent it, although {expected} \
             promises to. It was ignored and nothing was sent to JumpCloud."
        ),
    };
    AppError::new(
        ErrorKind::IssMismatch,
        message,
        "Start the check again and sign in on JumpCloud's own page. If it happens again, check the region \
         chosen in step 2 and sign out of other identity providers in this browser.",
    )
}

pub fn invalid_client(detail: &str) -> AppError {
    AppError::new(
        ErrorKind::InvalidClient,
        "JumpCloud refused the app's credentials: the Client ID or Client Secret is wrong, \
         or the app's Client Authentication Type is not Client Secret POST.",
        "In the JumpCloud app's SSO tab, set Client Authentication Type to \"Client Secret POST\" and save. \
         Then check the Client ID and Client Secret entered in step 3; if you no longer have the secret, \
         regenerate it in JumpCloud and enter the new one.",
    )
    .with_detail(detail.to_owned())
}

pub fn invalid_grant(detail: &str) -> AppError {
    AppError::new(
        ErrorKind::InvalidGrant,
        "JumpCloud did not accept the sign-in code: it expired, was already used, or does not match this \
         sign-in.",
        "Start the check again and finish it without waiting. If it happens again, check that Redirect URIs \
         in the JumpCloud app's SSO tab lists the assistant's redirect URI exactly.",
    )
    .with_detail(detail.to_owned())
}

pub fn token_response_invalid(detail: &str) -> AppError {
    AppError::new(
        ErrorKind::TokenResponseInvalid,
        "JumpCloud's answer to the sign-in could not be understood.",
        "Try again in a few minutes. If a proxy or security product inspects this computer's web traffic, \
         ask for JumpCloud's addresses to be let through unchanged.",
    )
    .with_detail(detail.to_owned())
}

/// `check` names the failed check (`signature`, `aud`, `exp`, ...); it
/// starts the `detail`.
pub fn id_token_invalid(check: &str, what: &str) -> AppError {
    AppError::new(
        ErrorKind::IdTokenInvalid,
        format!("The identity token JumpCloud returned failed a safety check ({check})."),
        "Check that the Client ID entered in step 3 belongs to this JumpCloud app and that this computer's \
         clock is right. If a proxy inspects web traffic, ask for JumpCloud's addresses to be let through unchanged.",
    )
    .with_detail(format!("{check}: {}", quote(what, &[])))
}

pub fn userinfo_invalid(what: &str) -> AppError {
    AppError::new(
        ErrorKind::UserinfoInvalid,
        "JumpCloud's user information for the signed-in admin could not be used.",
        "Try again. If it happens again, add the email attribute mapping in the JumpCloud app's SSO tab \
         (service provider attribute email, JumpCloud attribute email) so the email arrives in the sign-in itself.",
    )
    .with_detail(quote(what, &[]))
}

pub fn email_missing() -> AppError {
    AppError::new(
        ErrorKind::EmailMissing,
        "The sign-in worked, but JumpCloud did not send your email address, which ConductorOne needs.",
        "In the JumpCloud app's SSO tab, under User Attribute Mapping add service provider attribute \"email\" \
         mapped to JumpCloud attribute \"email\", tick the Email standard scope, save, and try again.",
    )
}

/// A provider text made safe to show: the given values (the secret, the
/// code) and anything token-like replaced by `[redacted]`, control
/// characters dropped, whitespace collapsed, at most [`MAX_QUOTE_CHARS`].
pub fn quote(text: &str, hide: &[&str]) -> String {
    let mut text = text.to_owned();
    for value in hide.iter().filter(|v| !v.is_empty()) {
        text = text.replace(value, crate::secret::REDACTED);
    }
    let text = hide_token_like(&text);
    let mut out = String::with_capacity(text.len().min(MAX_QUOTE_CHARS + 3));
    let mut last_space = false;
    for (count, c) in text
        .chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .enumerate()
    {
        if count >= MAX_QUOTE_CHARS {
            out.push_str("...");
            break;
        }
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.trim().to_owned()
}

/// The name a library error quotes in backticks after `lead`, e.g. the
/// field of serde's "missing field `jwks_uri`". Libraries give some errors
/// only as text; this reads the one name the diagnosis needs from it.
pub fn named_in(error: &impl std::fmt::Display, lead: &str) -> Option<String> {
    let text = error.to_string();
    let (_, rest) = text.split_once(lead)?;
    rest.split_once('`').map(|(name, _)| name.to_owned())
}

fn hide_token_like(text: &str) -> String {
    // '/' ends a run so that URLs, which the diagnosis must keep, break into
    // short runs; a JWT's dots do not, so a whole token is one run.
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || "-_.~+=".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= TOKEN_LIKE_MIN_LEN && !is_field_name(run) {
            out.push_str(crate::secret::REDACTED);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if is_token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A snake_case name such as `id_token_signing_alg_values_supported`: long,
/// but a field the diagnosis names, not a credential (those mix cases and
/// digits).
fn is_field_name(run: &str) -> bool {
    run.contains('_') && run.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// A provider's HTTP answer summarised for a `detail`: status, content type
/// and the body, quoted. JSON string values under keys that hold
/// credentials are hidden first.
pub fn summarize_response(status: u16, content_type: &str, body: &[u8], hide: &[&str]) -> String {
    let text = String::from_utf8_lossy(body);
    let shown = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(mut value) => {
            hide_credential_fields(&mut value);
            value.to_string()
        }
        Err(_) => text.into_owned(),
    };
    let content_type = if content_type.is_empty() {
        "no content type"
    } else {
        content_type
    };
    format!(
        "HTTP {status} ({}): {}",
        quote(content_type, &[]),
        quote(&shown, hide)
    )
}

fn hide_credential_fields(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let k = key.to_ascii_lowercase();
                if k.contains("token")
                    || k.contains("secret")
                    || k == "code"
                    || k.contains("password")
                {
                    *v = serde_json::Value::String(crate::secret::REDACTED.to_owned());
                } else {
                    hide_credential_fields(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(hide_credential_fields),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "Sup3r-Secr3t-Value";

    fn every_login_error() -> Vec<AppError> {
        vec![
            issuer_unreachable("https://oauth.id.jumpcloud.com/", "connection refused"),
            tls_untrusted("https://oauth.id.jumpcloud.com/", "UnknownIssuer"),
            discovery_invalid(
                "https://oauth.id.jumpcloud.com/",
                "token_endpoint is missing",
            ),
            issuer_mismatch(
                "https://oauth.id.jumpcloud.com/",
                "https://oauth.id.jumpcloud.com",
            ),
            auth_method_unsupported(&["client_secret_basic".to_owned()]),
            port_in_use(38710, "address in use"),
            timeout(38710, 300),
            cancelled(),
            access_denied(Some("user not assigned")),
            access_denied(None),
            idp_error("server_error", Some("<b>oops</b>")),
            idp_error("temporarily_unavailable", None),
            state_mismatch(),
            only_foreign_callbacks(38710, 300, 2),
            iss_mismatch(
                "https://oauth.id.jumpcloud.com/",
                Some("https://evil.example/"),
            ),
            iss_mismatch("https://oauth.id.jumpcloud.com/", None),
            invalid_client(&summarize_response(
                401,
                "application/json",
                br#"{"error":"invalid_client"}"#,
                &[SECRET],
            )),
            invalid_grant("code expired"),
            token_response_invalid(&summarize_response(
                200,
                "text/html",
                format!("<html>client_secret={SECRET}</html>").as_bytes(),
                &[SECRET],
            )),
            id_token_invalid("aud", "not for this client"),
            userinfo_invalid("sub differs"),
            email_missing(),
        ]
    }

    #[test]
    fn every_login_kind_has_a_message_and_a_fix_without_secrets() {
        let errors = every_login_error();
        let login_kinds = [
            ErrorKind::IssuerUnreachable,
            ErrorKind::TlsUntrusted,
            ErrorKind::DiscoveryInvalid,
            ErrorKind::IssuerMismatch,
            ErrorKind::AuthMethodUnsupported,
            ErrorKind::PortInUse,
            ErrorKind::Timeout,
            ErrorKind::Cancelled,
            ErrorKind::AccessDenied,
            ErrorKind::IdpError,
            ErrorKind::StateMismatch,
            ErrorKind::IssMismatch,
            ErrorKind::InvalidClient,
            ErrorKind::InvalidGrant,
            ErrorKind::TokenResponseInvalid,
            ErrorKind::IdTokenInvalid,
            ErrorKind::UserinfoInvalid,
            ErrorKind::EmailMissing,
        ];
        for kind in login_kinds {
            assert!(
                errors.iter().any(|e| e.kind == kind),
                "no constructor tested for {kind}"
            );
        }
        for err in &errors {
            assert!(err.message.len() > 20, "{}: message too short", err.kind);
            assert!(err.fix.len() > 20, "{}: fix too short", err.kind);
            let json = serde_json::to_string(err).expect("serialises");
            assert!(!json.contains(SECRET), "{json}");
            assert!(!format!("{err:?}").contains(SECRET));
        }
    }

    #[test]
    fn fixes_name_the_jumpcloud_field() {
        let timed_out = timeout(41234, 300);
        assert!(
            timed_out.fix.contains("http://127.0.0.1:41234/callback"),
            "{}",
            timed_out.fix
        );
        assert!(timed_out.fix.contains("Redirect URIs"));
        let client = invalid_client("401");
        assert!(client.fix.contains("Client Secret POST") && client.fix.contains("Client ID"));
        assert!(client.fix.contains("Client Secret"));
        let email = email_missing();
        assert!(email.fix.contains("attribute") && email.fix.contains("Email"));
        let denied = access_denied(None);
        assert!(denied.fix.contains("User Groups"));
        let token = id_token_invalid("exp", "expired 2 hours ago");
        assert_eq!(token.detail.as_deref(), Some("exp: expired 2 hours ago"));
        assert!(
            port_in_use(1, "x").step.is_none(),
            "the login names no step"
        );
    }

    #[test]
    fn a_name_is_read_from_a_library_error_text() {
        #[derive(Debug, serde::Deserialize)]
        struct Needs {
            #[allow(dead_code)]
            jwks_uri: String,
        }
        let err = serde_json::from_str::<Needs>("{}").expect_err("missing");
        assert_eq!(
            named_in(&err, "missing field `").as_deref(),
            Some("jwks_uri")
        );
        assert_eq!(named_in(&err, "unrecognized JSON Web Algorithm `"), None);
        assert_eq!(named_in(&"missing field `open", "missing field `"), None);
    }

    #[test]
    fn quotes_hide_secrets_and_token_like_text_and_stay_short() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLWJ5dGVz";
        let q = quote(&format!("bad {SECRET} and {jwt}\n\u{7}end"), &[SECRET]);
        assert!(!q.contains(SECRET) && !q.contains(jwt), "{q}");
        assert!(q.ends_with("end") && !q.contains('\n') && !q.contains('\u{7}'));
        let url =
            "https://oauth.id.jumpcloud.com/.well-known/openid-configuration answered HTTP 404";
        assert_eq!(quote(url, &[]), url, "addresses stay readable");
        let field = "id_token_signing_alg_values_supported is missing";
        assert_eq!(quote(field, &[]), field, "field names stay readable");
        let lower_secret = "abcdefghijklmnopqrstuvwxyzabcdefghij";
        assert_eq!(
            quote(lower_secret, &[]),
            "[redacted]",
            "no underscore: hidden"
        );
        let long = "word ".repeat(200);
        assert!(quote(&long, &[]).chars().count() <= MAX_QUOTE_CHARS + 3);
        let s = summarize_response(
            400,
            "application/json",
            br#"{"error":"invalid_request","access_token":"abc","nested":{"id_token":"x"}}"#,
            &[],
        );
        assert!(s.starts_with("HTTP 400 (application/json)"), "{s}");
        assert!(
            s.contains("invalid_request") && !s.contains("\"abc\"") && !s.contains("\"x\""),
            "{s}"
        );
    }
}
