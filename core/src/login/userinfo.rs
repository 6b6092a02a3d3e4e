//! The userinfo request, made only when the ID token has no email: a Bearer
//! request whose answer must be about the same subject as the ID token.

use serde_json::Value;

use super::diagnosis::{self, summarize_response};
use super::id_token::groups_in;
use crate::error::AppError;
use crate::net::http::{Answer, Http};
use crate::secret::Secret;

/// What userinfo adds to the identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub groups: Vec<String>,
}

pub(crate) async fn fetch(
    http: &Http,
    endpoint: &str,
    access_token: &Secret,
    subject: &str,
) -> Result<UserInfo, AppError> {
    let request = http
        .get("userinfo_endpoint", endpoint)
        .map_err(|e| diagnosis::userinfo_invalid(&e.to_string()))?
        .header("accept", "application/json")
        .bearer_auth(access_token.expose());
    let answer = Http::send(request).await.map_err(|e| {
        diagnosis::userinfo_invalid(&format!("the userinfo endpoint did not answer: {e}"))
    })?;
    interpret(&answer, subject, &[access_token.expose()])
}

/// Reads a userinfo answer for `subject`.
pub(crate) fn interpret(
    answer: &Answer,
    subject: &str,
    hide: &[&str],
) -> Result<UserInfo, AppError> {
    let detail = || summarize_response(answer.status, &answer.content_type, &answer.body, hide);
    if !answer.is_success() {
        return Err(diagnosis::userinfo_invalid(&detail()));
    }
    if answer
        .content_type
        .to_ascii_lowercase()
        .starts_with("application/jwt")
    {
        return Err(diagnosis::userinfo_invalid(
            "the provider answers with signed userinfo, which the assistant does not read",
        ));
    }
    let claims: Value = serde_json::from_slice(&answer.body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| diagnosis::userinfo_invalid(&format!("not a JSON object: {}", detail())))?;
    match claims.get("sub").and_then(Value::as_str) {
        Some(sub) if sub == subject => {}
        Some(other) => {
            return Err(diagnosis::userinfo_invalid(&format!(
                "the answer is about subject \"{}\", not the signed-in \"{subject}\"",
                diagnosis::quote(other, hide)
            )))
        }
        None => {
            return Err(diagnosis::userinfo_invalid(
                "the answer has no subject (sub)",
            ))
        }
    }
    Ok(UserInfo {
        email: email_of(&claims),
        email_verified: email_verified_of(&claims),
        groups: groups_in(claims.get("memberOf")),
    })
}

/// The `email` claim, when it is a non-empty string.
fn email_of(claims: &Value) -> Option<String> {
    claims
        .get("email")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
}

/// `email_verified` as a boolean; some providers send "true"/"false".
fn email_verified_of(claims: &Value) -> Option<bool> {
    match claims.get("email_verified") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn answer(status: u16, content_type: &str, body: &str) -> Answer {
        Answer {
            status,
            content_type: content_type.to_owned(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn the_subject_must_match_and_the_email_is_read() {
        let ok = answer(
            200,
            "application/json",
            r#"{"sub":"u1","email":"a@b.c","email_verified":"true"}"#,
        );
        let info = interpret(&ok, "u1", &[]).expect("valid");
        assert_eq!(info.email.as_deref(), Some("a@b.c"));
        assert_eq!(info.email_verified, Some(true));
        for (a, what) in [
            (
                answer(200, "application/json", r#"{"sub":"u2","email":"a@b.c"}"#),
                "other subject",
            ),
            (
                answer(200, "application/json", r#"{"email":"a@b.c"}"#),
                "no subject",
            ),
            (
                answer(401, "application/json", r#"{"error":"invalid_token"}"#),
                "refused",
            ),
            (answer(200, "application/jwt", "a.b.c"), "signed"),
            (answer(200, "text/html", "<html>"), "garbage"),
        ] {
            assert_eq!(
                interpret(&a, "u1", &[]).expect_err(what).kind,
                ErrorKind::UserinfoInvalid,
                "{what}"
            );
        }
    }
}
