//! The token exchange: `client_secret_post` with the PKCE verifier. The
//! provider's answer is read by hand so that each failure gets its own kind
//! and its (redacted, shortened) body is kept for the diagnosis.

use serde::Deserialize;

use super::diagnosis::{self, summarize_response};
use crate::error::AppError;
use crate::net::http::{Answer, FetchError, Http};
use crate::secret::Secret;

/// The tokens of one login. Never stored, shown or serialised.
#[derive(Debug)]
pub struct TokenSet {
    pub id_token: Secret,
    /// Opaque: only ever sent back to the provider's userinfo endpoint.
    pub access_token: Secret,
}

/// What the token request needs.
#[derive(Debug)]
pub struct TokenRequest<'a> {
    pub token_endpoint: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a Secret,
    pub code: &'a str,
    pub pkce_verifier: &'a Secret,
    pub redirect_uri: &'a str,
}

pub(crate) async fn exchange(http: &Http, req: &TokenRequest<'_>) -> Result<TokenSet, AppError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", req.code),
        ("redirect_uri", req.redirect_uri),
        ("client_id", req.client_id),
        ("client_secret", req.client_secret.expose()),
        ("code_verifier", req.pkce_verifier.expose()),
    ];
    let request = http
        .post("token_endpoint", req.token_endpoint)
        .map_err(|e| diagnosis::token_response_invalid(&e.to_string()))?
        .header("accept", "application/json")
        .form(&form);
    let answer = Http::send(request).await.map_err(|e| match e {
        FetchError::TooLarge => diagnosis::token_response_invalid(&e.to_string()),
        other => diagnosis::token_response_invalid(&format!(
            "the token endpoint {} did not answer: {other}",
            req.token_endpoint
        )),
    })?;
    let hide = [
        req.client_secret.expose(),
        req.code,
        req.pkce_verifier.expose(),
    ];
    interpret(&answer, &hide)
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    error_description: Option<String>,
}

#[derive(Deserialize)]
struct SuccessBody {
    access_token: Option<String>,
    token_type: Option<String>,
    id_token: Option<String>,
}

/// Reads the token endpoint's answer. `hide` lists values that must not
/// appear in a detail (the secret, the code, the verifier).
pub(crate) fn interpret(answer: &Answer, hide: &[&str]) -> Result<TokenSet, AppError> {
    let detail = || summarize_response(answer.status, &answer.content_type, &answer.body, hide);
    if !answer.is_success() {
        return Err(match serde_json::from_slice::<ErrorBody>(&answer.body) {
            Ok(body) => error_kind(&body, &detail()),
            Err(_) if answer.status == 401 => diagnosis::invalid_client(&detail()),
            Err(_) => diagnosis::token_response_invalid(&detail()),
        });
    }
    let body: SuccessBody = serde_json::from_slice(&answer.body).map_err(|e| {
        diagnosis::token_response_invalid(&format!("not a JSON token response ({e}); {}", detail()))
    })?;
    if let Some(token_type) = &body.token_type {
        if !token_type.eq_ignore_ascii_case("bearer") {
            return Err(diagnosis::token_response_invalid(&format!(
                "token_type is \"{}\", not Bearer",
                diagnosis::quote(token_type, hide)
            )));
        }
    }
    let access_token = body.access_token.filter(|t| !t.is_empty()).ok_or_else(|| {
        diagnosis::token_response_invalid(&format!("access_token is missing; {}", detail()))
    })?;
    let id_token = body.id_token.filter(|t| !t.is_empty()).ok_or_else(|| {
        diagnosis::token_response_invalid(&format!(
            "id_token is missing (was the openid scope granted?); {}",
            detail()
        ))
    })?;
    Ok(TokenSet {
        id_token: Secret::new(id_token),
        access_token: Secret::new(access_token),
    })
}

fn error_kind(body: &ErrorBody, detail: &str) -> AppError {
    match body.error.as_str() {
        "invalid_client" | "unauthorized_client" => diagnosis::invalid_client(detail),
        "invalid_grant" => diagnosis::invalid_grant(detail),
        other => diagnosis::idp_error(other, body.error_description.as_deref())
            .with_detail(detail.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const SECRET: &str = "client-secret-value";

    fn answer(status: u16, content_type: &str, body: &str) -> Answer {
        Answer {
            status,
            content_type: content_type.to_owned(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn kind(a: &Answer) -> ErrorKind {
        interpret(a, &[SECRET]).expect_err("fails").kind
    }

    #[test]
    fn a_complete_answer_gives_both_tokens() {
        let ok = answer(
            200,
            "application/json",
            r#"{"access_token":"opaque","token_type":"bearer","id_token":"a.b.c","expires_in":3600}"#,
        );
        let tokens = interpret(&ok, &[SECRET]).expect("valid");
        assert_eq!(tokens.id_token.expose(), "a.b.c");
        assert_eq!(tokens.access_token.expose(), "opaque");
        assert!(!format!("{tokens:?}").contains("opaque"));
    }

    #[test]
    fn provider_errors_map_to_their_kinds() {
        let json = "application/json";
        assert_eq!(
            kind(&answer(
                401,
                json,
                r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#
            )),
            ErrorKind::InvalidClient
        );
        assert_eq!(
            kind(&answer(400, json, r#"{"error":"invalid_grant"}"#)),
            ErrorKind::InvalidGrant
        );
        assert_eq!(
            kind(&answer(401, "text/plain", "Unauthorized")),
            ErrorKind::InvalidClient
        );
        assert_eq!(
            kind(&answer(400, json, r#"{"error":"invalid_request"}"#)),
            ErrorKind::IdpError
        );
        assert_eq!(
            kind(&answer(502, "text/html", "<html>Bad gateway</html>")),
            ErrorKind::TokenResponseInvalid
        );
    }

    #[test]
    fn garbage_and_incomplete_answers_are_token_response_invalid_without_secrets() {
        for body in [
            "<html>oops</html>",
            "",
            "[1,2]",
            r#"{"access_token":"x","token_type":"bearer"}"#,
            r#"{"id_token":"a.b.c","token_type":"bearer"}"#,
            r#"{"access_token":"x","token_type":"mac","id_token":"a.b.c"}"#,
        ] {
            let err = interpret(&answer(200, "application/json", body), &[SECRET]).expect_err(body);
            assert_eq!(err.kind, ErrorKind::TokenResponseInvalid, "{body}");
        }
        let echo = answer(500, "text/plain", &format!("bad secret {SECRET}"));
        let err = interpret(&echo, &[SECRET]).expect_err("fails");
        let json = serde_json::to_string(&err).expect("json");
        assert!(!json.contains(SECRET), "{json}");
        assert!(json.contains("HTTP 500"));
    }
}
