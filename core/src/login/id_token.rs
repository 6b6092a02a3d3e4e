//! ID token verification: the signature against the provider's JWKS
//! (asymmetric algorithms only: never `none`, never HS*), one JWKS refetch
//! when the key id is unknown (key rotation), then `iss`, `aud` / `azp`,
//! `exp`, `iat`, `nonce` and `sub`. The email and the `memberOf` group claim
//! are read when present.
//!
//! Signatures are checked with `openidconnect`'s JSON Web Key
//! implementation; the claims are checked here so that each failure names
//! its check in the error's `detail`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use openidconnect::core::{
    CoreJsonWebKey, CoreJsonWebKeyType, CoreJsonWebKeyUse, CoreJwsSigningAlgorithm,
};
use openidconnect::JsonWebKey as _;
use serde_json::Value;

use super::diagnosis;
use crate::error::AppError;
use crate::net::http::{FetchError, Http};

/// Clock skew allowed when checking `exp`.
pub const CLOCK_SKEW_SECS: i64 = 120;

/// What the ID token is checked against.
#[derive(Debug, Clone, Copy)]
pub struct ExpectedClaims<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
}

/// The verified identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityClaims {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub groups: Vec<String>,
}

/// A JWS split into its parts, not yet trusted.
#[derive(Debug)]
pub struct UnverifiedJwt {
    pub header: Value,
    pub claims: Value,
    signing_input: String,
    signature: Vec<u8>,
}

fn invalid(check: &str, what: &str) -> AppError {
    diagnosis::id_token_invalid(check, what)
}

/// Splits and decodes a compact JWS.
pub fn parse(token: &str) -> Result<UnverifiedJwt, AppError> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header_b64, claims_b64, signature_b64] = parts.as_slice() else {
        return Err(invalid(
            "format",
            "the token does not have three dot-separated parts",
        ));
    };
    let decode_json = |part: &str, name: &str| -> Result<Value, AppError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| invalid("format", &format!("the {name} is not base64url")))?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|_| invalid("format", &format!("the {name} is not JSON")))?;
        if value.is_object() {
            Ok(value)
        } else {
            Err(invalid(
                "format",
                &format!("the {name} is not a JSON object"),
            ))
        }
    };
    let header = decode_json(header_b64, "header")?;
    let claims = decode_json(claims_b64, "payload")?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .map_err(|_| invalid("format", "the signature is not base64url"))?;
    Ok(UnverifiedJwt {
        header,
        claims,
        signing_input: format!("{header_b64}.{claims_b64}"),
        signature,
    })
}

/// The algorithm named in the header, if it is one the assistant accepts.
pub fn accepted_algorithm(header: &Value) -> Result<CoreJwsSigningAlgorithm, AppError> {
    let Some(alg) = header.get("alg").and_then(Value::as_str) else {
        return Err(invalid("alg", "the header names no algorithm"));
    };
    Ok(match alg {
        "RS256" => CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        "RS384" => CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
        "RS512" => CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
        "PS256" => CoreJwsSigningAlgorithm::RsaSsaPssSha256,
        "PS384" => CoreJwsSigningAlgorithm::RsaSsaPssSha384,
        "PS512" => CoreJwsSigningAlgorithm::RsaSsaPssSha512,
        "ES256" => CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        "ES384" => CoreJwsSigningAlgorithm::EcdsaP384Sha384,
        "EdDSA" => CoreJwsSigningAlgorithm::EdDsa,
        none if none.eq_ignore_ascii_case("none") => {
            return Err(invalid(
                "alg",
                "the token is unsigned (alg none), which is never accepted",
            ));
        }
        hs if hs.starts_with("HS") => {
            return Err(invalid(
                "alg",
                &format!("{hs} is a shared-secret algorithm; only the provider's public keys are accepted"),
            ));
        }
        other => {
            return Err(invalid(
                "alg",
                &format!(
                    "the algorithm {} is not supported",
                    diagnosis::quote(other, &[])
                ),
            ))
        }
    })
}

/// Parses a JWKS document, skipping keys of kinds this crate cannot use.
pub fn parse_jwks(body: &[u8]) -> Result<Vec<CoreJsonWebKey>, String> {
    let doc: Value =
        serde_json::from_slice(body).map_err(|e| format!("the key set is not JSON ({e})"))?;
    let keys = doc
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("the key set has no keys array")?;
    Ok(keys
        .iter()
        .filter_map(|k| serde_json::from_value::<CoreJsonWebKey>(k.clone()).ok())
        .filter(|k| *k.key_type() != CoreJsonWebKeyType::Symmetric)
        .filter(|k| {
            k.key_use()
                .is_none_or(|u| *u == CoreJsonWebKeyUse::Signature)
        })
        .collect())
}

/// How a signature check came out.
#[derive(Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    /// No key in the set has the token's `kid` (or no usable key at all).
    NoMatchingKey,
    /// A matching key exists but the signature does not verify.
    Invalid,
}

/// Checks the signature against `keys`, choosing keys by `kid` when the
/// header has one.
pub fn check_signature(
    jwt: &UnverifiedJwt,
    alg: &CoreJwsSigningAlgorithm,
    keys: &[CoreJsonWebKey],
) -> SignatureCheck {
    let kid = jwt.header.get("kid").and_then(Value::as_str);
    let candidates: Vec<&CoreJsonWebKey> = keys
        .iter()
        .filter(|k| match kid {
            Some(kid) => k.key_id().is_some_and(|id| id.as_str() == kid),
            None => true,
        })
        .collect();
    if candidates.is_empty() {
        return SignatureCheck::NoMatchingKey;
    }
    if candidates.iter().any(|k| {
        k.verify_signature(alg, jwt.signing_input.as_bytes(), &jwt.signature)
            .is_ok()
    }) {
        SignatureCheck::Valid
    } else {
        SignatureCheck::Invalid
    }
}

/// Fetches the key set, checks the signature (refetching once for an
/// unknown `kid`), then the claims.
pub(crate) async fn verify(
    http: &Http,
    jwks_uri: &str,
    token: &str,
    expected: ExpectedClaims<'_>,
) -> Result<IdentityClaims, AppError> {
    let jwt = parse(token)?;
    let alg = accepted_algorithm(&jwt.header)?;
    let keys = fetch_jwks(http, jwks_uri).await?;
    let outcome = match check_signature(&jwt, &alg, &keys) {
        SignatureCheck::NoMatchingKey => {
            // The provider may have rotated its keys since they were published.
            let fresh = fetch_jwks(http, jwks_uri).await?;
            check_signature(&jwt, &alg, &fresh)
        }
        other => other,
    };
    match outcome {
        SignatureCheck::Valid => {}
        SignatureCheck::NoMatchingKey => {
            let kid = jwt
                .header
                .get("kid")
                .and_then(Value::as_str)
                .unwrap_or("(none)");
            return Err(invalid(
                "signature",
                &format!(
                    "no key in the provider's key set matches the token (kid {})",
                    diagnosis::quote(kid, &[])
                ),
            ));
        }
        SignatureCheck::Invalid => {
            return Err(invalid(
                "signature",
                "the signature does not match the provider's published key",
            ));
        }
    }
    check_claims(
        &jwt.claims,
        expected,
        time::OffsetDateTime::now_utc().unix_timestamp(),
    )
}

async fn fetch_jwks(http: &Http, jwks_uri: &str) -> Result<Vec<CoreJsonWebKey>, AppError> {
    let unavailable = |why: &str| {
        invalid(
            "jwks",
            &format!("the provider's signing keys could not be read: {why}"),
        )
    };
    let request = http
        .get("jwks_uri", jwks_uri)
        .map_err(|e| unavailable(&e.to_string()))?
        .header("accept", "application/json");
    let answer = Http::send(request)
        .await
        .map_err(|e: FetchError| unavailable(&e.to_string()))?;
    if !answer.is_success() {
        return Err(unavailable(&format!("HTTP {}", answer.status)));
    }
    parse_jwks(&answer.body).map_err(|e| unavailable(&e))
}

/// Checks the claims of a token whose signature is valid.
pub fn check_claims(
    claims: &Value,
    expected: ExpectedClaims<'_>,
    now: i64,
) -> Result<IdentityClaims, AppError> {
    let q = |v: &str| diagnosis::quote(v, &[]);
    match claims.get("iss").and_then(Value::as_str) {
        Some(iss) if iss == expected.issuer => {}
        Some(iss) => {
            return Err(invalid(
                "iss",
                &format!("issued by \"{}\", expected \"{}\"", q(iss), expected.issuer),
            ))
        }
        None => return Err(invalid("iss", "the issuer claim is missing")),
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => return Err(invalid("aud", "the audience claim is missing")),
    };
    if !audiences.contains(&expected.client_id) {
        return Err(invalid(
            "aud",
            &format!(
                "the token is meant for \"{}\", not for the Client ID \"{}\"",
                q(&audiences.join(", ")),
                expected.client_id
            ),
        ));
    }
    let azp = claims.get("azp").and_then(Value::as_str);
    if audiences.len() > 1 && azp.is_none() {
        return Err(invalid(
            "azp",
            "the token has several audiences but no authorized party",
        ));
    }
    if let Some(azp) = azp {
        if azp != expected.client_id {
            return Err(invalid(
                "azp",
                &format!("the authorized party is \"{}\", not this Client ID", q(azp)),
            ));
        }
    }
    let Some(exp) = claims.get("exp").and_then(Value::as_i64) else {
        return Err(invalid("exp", "the expiry claim is missing"));
    };
    if now > exp.saturating_add(CLOCK_SKEW_SECS) {
        return Err(invalid(
            "exp",
            &format!(
                "the token expired {} seconds ago (check this computer's clock)",
                now - exp
            ),
        ));
    }
    if claims.get("iat").and_then(Value::as_i64).is_none() {
        return Err(invalid("iat", "the issued-at claim is missing"));
    }
    if claims.get("nonce").and_then(Value::as_str) != Some(expected.nonce) {
        return Err(invalid("nonce", "the nonce does not match this sign-in"));
    }
    let subject = match claims.get("sub").and_then(Value::as_str) {
        Some(sub) if !sub.is_empty() => sub.to_owned(),
        _ => return Err(invalid("sub", "the subject claim is missing")),
    };
    Ok(IdentityClaims {
        subject,
        email: email_of(claims),
        email_verified: email_verified_of(claims),
        groups: groups_of(claims),
    })
}

/// The `email` claim, when it is a non-empty string.
pub fn email_of(claims: &Value) -> Option<String> {
    claims
        .get("email")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
}

/// `email_verified` as a boolean; some providers send "true"/"false".
pub fn email_verified_of(claims: &Value) -> Option<bool> {
    match claims.get("email_verified") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// The `memberOf` group claim: a string for one group, an array otherwise.
pub fn groups_of(claims: &Value) -> Vec<String> {
    match claims.get("memberOf") {
        Some(Value::String(one)) if !one.is_empty() => vec![one.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use serde_json::json;

    const NOW: i64 = 1_700_000_000;

    fn expected() -> ExpectedClaims<'static> {
        ExpectedClaims {
            issuer: "https://oauth.id.jumpcloud.com/",
            client_id: "client-1",
            nonce: "n-1",
        }
    }

    fn good() -> Value {
        json!({
            "iss": "https://oauth.id.jumpcloud.com/",
            "aud": ["client-1"],
            "exp": NOW + 600,
            "iat": NOW,
            "nonce": "n-1",
            "sub": "user-1",
            "email": "admin@example.com",
            "email_verified": true,
            "memberOf": "it-admins",
        })
    }

    fn failed_check(claims: &Value) -> String {
        let err = check_claims(claims, expected(), NOW).expect_err("fails");
        assert_eq!(err.kind, ErrorKind::IdTokenInvalid);
        err.detail
            .expect("detail")
            .split(':')
            .next()
            .expect("check")
            .to_owned()
    }

    #[test]
    fn good_claims_give_the_identity() {
        let id = check_claims(&good(), expected(), NOW).expect("valid");
        assert_eq!(id.subject, "user-1");
        assert_eq!(id.email.as_deref(), Some("admin@example.com"));
        assert_eq!(id.email_verified, Some(true));
        assert_eq!(id.groups, ["it-admins"]);
        let mut string_aud = good();
        string_aud["aud"] = json!("client-1");
        string_aud["memberOf"] = json!(["a", "b"]);
        assert_eq!(
            check_claims(&string_aud, expected(), NOW)
                .expect("valid")
                .groups,
            ["a", "b"]
        );
        let mut many = good();
        many["aud"] = json!(["client-1", "other"]);
        many["azp"] = json!("client-1");
        assert!(check_claims(&many, expected(), NOW).is_ok());
        let mut skew = good();
        skew["exp"] = json!(NOW - CLOCK_SKEW_SECS + 1);
        assert!(
            check_claims(&skew, expected(), NOW).is_ok(),
            "within the allowed skew"
        );
    }

    #[test]
    fn each_failed_claim_is_named_in_the_detail() {
        type Mutation = Box<dyn Fn(&mut Value)>;
        let cases: Vec<(&str, Mutation)> = vec![
            (
                "iss",
                Box::new(|c| c["iss"] = json!("https://oauth.id.jumpcloud.com")),
            ),
            (
                "iss",
                Box::new(|c| drop(c.as_object_mut().map(|o| o.remove("iss")))),
            ),
            ("aud", Box::new(|c| c["aud"] = json!(["other"]))),
            (
                "aud",
                Box::new(|c| drop(c.as_object_mut().map(|o| o.remove("aud")))),
            ),
            ("azp", Box::new(|c| c["aud"] = json!(["client-1", "other"]))),
            ("azp", Box::new(|c| c["azp"] = json!("other"))),
            ("exp", Box::new(|c| c["exp"] = json!(NOW - 3600))),
            (
                "exp",
                Box::new(|c| drop(c.as_object_mut().map(|o| o.remove("exp")))),
            ),
            (
                "iat",
                Box::new(|c| drop(c.as_object_mut().map(|o| o.remove("iat")))),
            ),
            ("nonce", Box::new(|c| c["nonce"] = json!("other"))),
            (
                "nonce",
                Box::new(|c| drop(c.as_object_mut().map(|o| o.remove("nonce")))),
            ),
            (
                "sub",
                Box::new(|c| drop(c.as_object_mut().map(|o| o.remove("sub")))),
            ),
            ("sub", Box::new(|c| c["sub"] = json!(""))),
        ];
        for (check, mutate) in cases {
            let mut claims = good();
            mutate(&mut claims);
            assert_eq!(failed_check(&claims), check, "{claims}");
        }
    }

    #[test]
    fn unsigned_and_symmetric_algorithms_are_refused() {
        for (alg, check) in [
            ("none", "alg"),
            ("NONE", "alg"),
            ("HS256", "alg"),
            ("HS512", "alg"),
            ("XX1", "alg"),
        ] {
            let err = accepted_algorithm(&json!({ "alg": alg })).expect_err(alg);
            assert_eq!(
                err.detail.as_deref().and_then(|d| d.split(':').next()),
                Some(check)
            );
        }
        assert!(accepted_algorithm(&json!({})).is_err());
        for alg in ["RS256", "PS256", "ES256", "EdDSA"] {
            assert!(accepted_algorithm(&json!({ "alg": alg })).is_ok(), "{alg}");
        }
    }

    #[test]
    fn malformed_tokens_are_format_errors() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256"}"#);
        let claims = URL_SAFE_NO_PAD.encode(br#"{"sub":"x"}"#);
        for token in [
            "abc".to_owned(),
            "a.b".to_owned(),
            format!("{header}.{claims}"),
            format!("{header}.{claims}.sig.extra"),
            format!("{header}.!!!.sig"),
            format!("{}.{claims}.c2ln", URL_SAFE_NO_PAD.encode(b"[1]")),
            format!("{header}.{}.c2ln", URL_SAFE_NO_PAD.encode(b"not json")),
        ] {
            let err = parse(&token).expect_err(&token);
            assert!(
                err.detail
                    .as_deref()
                    .is_some_and(|d| d.starts_with("format:")),
                "{token}"
            );
        }
        assert!(parse(&format!("{header}.{claims}.c2ln")).is_ok());
    }

    #[test]
    fn key_sets_skip_symmetric_and_encryption_keys() {
        let body = br#"{"keys":[
            {"kty":"oct","k":"c2VjcmV0","kid":"hmac"},
            {"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB","kid":"enc"},
            {"kty":"RSA","use":"sig","n":"AQAB","e":"AQAB","kid":"sig"},
            {"kty":"weird","kid":"w"}
        ]}"#;
        let keys = parse_jwks(body).expect("parses");
        let kids: Vec<_> = keys
            .iter()
            .filter_map(|k| k.key_id().map(|i| i.as_str().to_owned()))
            .collect();
        assert_eq!(kids, ["sig"]);
        assert!(parse_jwks(b"{}").is_err());
        assert!(parse_jwks(b"nope").is_err());
    }
}
