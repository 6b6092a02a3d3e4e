//! ID token verification with `openidconnect`'s own verifier: the signature
//! against the provider's key set (asymmetric algorithms only: never `none`,
//! never HS*), `iss`, `aud` (no audience besides this Client ID), `exp`
//! (with [`CLOCK_SKEW_SECS`]), `nonce`, and `iat` and `sub` present.
//!
//! What is left here is what the library does not do: fetching the key set
//! through the assistant's HTTP client, fetching it once more when no key
//! matches the token (key rotation), reading JumpCloud's `memberOf` group
//! claim, and naming the failed check in the error's `detail` in the
//! diagnosis's words.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use openidconnect::core::{
    CoreGenderClaim, CoreIdTokenVerifier, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AdditionalClaims, ClaimsVerificationError, ClientId, IdTokenClaims, IssuerUrl,
    JwsSigningAlgorithm as _, Nonce, SignatureVerificationError,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::diagnosis;
use crate::error::AppError;
use crate::net::http::{FetchError, Http};

/// Clock skew allowed when checking `exp`.
pub const CLOCK_SKEW_SECS: u64 = 120;

/// The algorithms accepted: the provider's public keys only. JumpCloud signs
/// with RS256.
const ALGORITHMS: [CoreJwsSigningAlgorithm; 9] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EdDsa,
];

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

/// JumpCloud's group claim, which the library does not know.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct GroupClaim {
    #[serde(rename = "memberOf", default, skip_serializing_if = "Option::is_none")]
    member_of: Option<Value>,
}

impl AdditionalClaims for GroupClaim {}

/// An ID token as the library reads it, with the group claim.
pub type IdToken = openidconnect::IdToken<
    GroupClaim,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

type TokenClaims = IdTokenClaims<GroupClaim, CoreGenderClaim>;

fn invalid(check: &str, what: &str) -> AppError {
    diagnosis::id_token_invalid(check, what)
}

/// Reads the token (three base64url parts, a JSON header and claims with
/// `iss`, `exp`, `iat` and `sub`); nothing is trusted yet.
pub fn parse(token: &str) -> Result<IdToken, AppError> {
    token.parse::<IdToken>().map_err(|e| {
        let missing = diagnosis::named_in(&e, "missing field `").unwrap_or_default();
        let (check, what) = match missing.as_str() {
            "alg" => ("alg", "the header names no algorithm".to_owned()),
            "iss" => ("iss", "the issuer claim is missing".to_owned()),
            "exp" => ("exp", "the expiry claim is missing".to_owned()),
            "iat" => ("iat", "the issued-at claim is missing".to_owned()),
            "sub" => ("sub", "the subject claim is missing".to_owned()),
            _ => match diagnosis::named_in(&e, "unrecognized JSON Web Algorithm `") {
                Some(alg) => ("alg", not_supported(&alg)),
                None => ("format", format!("the token could not be read ({e})")),
            },
        };
        invalid(check, &what)
    })
}

/// Runs the library's checks with `keys`: the claims, or the library's error.
pub fn check(
    token: &IdToken,
    keys: CoreJsonWebKeySet,
    expected: ExpectedClaims<'_>,
    now: SystemTime,
) -> Result<IdentityClaims, ClaimsVerificationError> {
    let issuer = IssuerUrl::new(expected.issuer.to_owned())
        .map_err(|e| ClaimsVerificationError::Other(format!("the expected issuer: {e}")))?;
    let skewed = now - Duration::from_secs(CLOCK_SKEW_SECS);
    let verifier = CoreIdTokenVerifier::new_public_client(
        ClientId::new(expected.client_id.to_owned()),
        issuer,
        keys,
    )
    .set_allowed_algs(ALGORITHMS)
    .set_time_fn(move || skewed.into());
    let claims = token.claims(&verifier, &Nonce::new(expected.nonce.to_owned()))?;
    // The library leaves `azp` alone; OpenID Connect Core 3.1.3.7 (5): when
    // present, it must be this client.
    if let Some(azp) = claims.authorized_party() {
        if azp.as_str() != expected.client_id {
            return Err(ClaimsVerificationError::InvalidAudience(format!(
                "azp names {}",
                azp.as_str()
            )));
        }
    }
    Ok(IdentityClaims {
        subject: claims.subject().to_string(),
        email: claims
            .email()
            .map(|e| e.trim())
            .filter(|e| !e.is_empty())
            .map(str::to_owned),
        email_verified: claims.email_verified(),
        groups: groups_in(claims.additional_claims().member_of.as_ref()),
    })
}

/// Whether the check stopped only for want of a key matching the token.
pub fn needs_a_key(outcome: &Result<IdentityClaims, ClaimsVerificationError>) -> bool {
    matches!(
        outcome,
        Err(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey
        ))
    )
}

/// Checks the token. The first check has no keys, so whatever the library
/// refuses without them (`alg none`, HS*, `iss`, `aud`) is refused before
/// any request; then with the published key set, and once more with the set
/// fetched again if no key matches (the provider may have rotated its keys).
pub(crate) async fn verify(
    http: &Http,
    jwks_uri: &str,
    token: &str,
    expected: ExpectedClaims<'_>,
) -> Result<IdentityClaims, AppError> {
    let now = SystemTime::now();
    let parsed = parse(token)?;
    let mut outcome = check(&parsed, CoreJsonWebKeySet::new(Vec::new()), expected, now);
    for _fetch in ["published", "refetched"] {
        if !needs_a_key(&outcome) {
            break;
        }
        outcome = check(&parsed, fetch_jwks(http, jwks_uri).await?, expected, now);
    }
    outcome.map_err(|e| explain(&parsed, token, e, expected, now))
}

async fn fetch_jwks(http: &Http, jwks_uri: &str) -> Result<CoreJsonWebKeySet, AppError> {
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
    serde_json::from_slice(&answer.body)
        .map_err(|e| unavailable(&format!("the key set is not a JSON Web Key Set ({e})")))
}

/// The library's error as the check it names and the diagnosis's words.
/// The token's claims, as they stand, only shape the words.
pub fn explain(
    token: &IdToken,
    raw: &str,
    error: ClaimsVerificationError,
    expected: ExpectedClaims<'_>,
    now: SystemTime,
) -> AppError {
    use ClaimsVerificationError as Claim;
    use SignatureVerificationError as Signature;
    let q = |v: &str| diagnosis::quote(v, &[]);
    let claims = unverified(token);
    let kid = || q(&header_kid(raw).unwrap_or_else(|| "(none)".into()));
    let (check, what) = match error {
        Claim::SignatureVerification(Signature::NoMatchingKey) => (
            "signature",
            format!(
                "no key in the provider's key set matches the token (kid {})",
                kid()
            ),
        ),
        Claim::SignatureVerification(Signature::AmbiguousKeyId(_)) => (
            "signature",
            format!(
                "several keys in the provider's key set match the token (kid {})",
                kid()
            ),
        ),
        Claim::SignatureVerification(Signature::CryptoError(_) | Signature::InvalidKey(_)) => (
            "signature",
            "the signature does not match the provider's published key".to_owned(),
        ),
        Claim::SignatureVerification(Signature::NoSignature) => (
            "alg",
            "the token is unsigned (alg none), which is never accepted".to_owned(),
        ),
        Claim::SignatureVerification(
            Signature::DisallowedAlg(why) | Signature::UnsupportedAlg(why),
        ) => ("alg", algorithm_refused(token).unwrap_or(why)),
        Claim::SignatureVerification(other) => ("signature", other.to_string()),
        Claim::InvalidIssuer(_) => (
            "iss",
            format!(
                "issued by \"{}\", expected \"{}\"",
                q(claims.map_or("", |c| c.issuer().as_str())),
                expected.issuer
            ),
        ),
        Claim::InvalidAudience(_) => {
            match claims.and_then(|c| other_party(c, expected.client_id)) {
                Some(azp) => (
                    "azp",
                    format!(
                    "the token was issued to the application \"{}\", not to the Client ID \"{}\"",
                    q(&azp),
                    expected.client_id
                ),
                ),
                None => ("aud", audience_refused(claims, expected.client_id)),
            }
        }
        Claim::Expired(_) => {
            let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
            let now = i64::try_from(now).unwrap_or(i64::MAX);
            let ago = claims.map_or(0, |c| now.saturating_sub(c.expiration().timestamp()));
            (
                "exp",
                format!("the token expired {ago} seconds ago (check this computer's clock)"),
            )
        }
        Claim::InvalidNonce(_) => ("nonce", "the nonce does not match this sign-in".to_owned()),
        Claim::InvalidSubject(why) => ("sub", why),
        Claim::Unsupported(why) => ("format", why),
        other => ("claims", other.to_string()),
    };
    invalid(check, &what)
}

/// Why the token's algorithm is refused: a shared secret, or not supported.
fn algorithm_refused(token: &IdToken) -> Option<String> {
    let alg = token.signing_alg().ok()?;
    let name = serde_json::to_value(alg).ok()?.as_str()?.to_owned();
    Some(if alg.uses_shared_secret() {
        format!("{name} is a shared-secret algorithm; only the provider's public keys are accepted")
    } else {
        not_supported(&name)
    })
}

/// The `azp` of a token meant for this Client ID alone, when it names
/// another application.
fn other_party(claims: &TokenClaims, client_id: &str) -> Option<String> {
    let only_this_client = claims.audiences().iter().all(|a| a.as_str() == client_id);
    let azp = claims.authorized_party()?.as_str();
    (only_this_client && azp != client_id).then(|| azp.to_owned())
}

/// Whom the token is meant for, against the Client ID.
fn audience_refused(claims: Option<&TokenClaims>, client_id: &str) -> String {
    let all: Vec<&str> = claims
        .map(|c| c.audiences().iter().map(|a| a.as_str()).collect())
        .unwrap_or_default();
    let others: Vec<&str> = all.iter().copied().filter(|a| *a != client_id).collect();
    let q = |v: &[&str]| diagnosis::quote(&v.join(", "), &[]);
    if all.is_empty() {
        "the audience claim is missing".to_owned()
    } else if others.len() < all.len() {
        format!(
            "the token is also meant for \"{}\"; only a token for this Client ID alone is accepted",
            q(&others)
        )
    } else {
        format!(
            "the token is meant for \"{}\", not for the Client ID \"{client_id}\"",
            q(&all)
        )
    }
}

fn not_supported(alg: &str) -> String {
    format!(
        "the algorithm {} is not supported",
        diagnosis::quote(alg, &[])
    )
}

/// The claims as they stand, signature unchecked: only to word an error the
/// library reported.
fn unverified(token: &IdToken) -> Option<&TokenClaims> {
    let reader =
        CoreIdTokenVerifier::new_insecure_without_verification().set_time_fn(|| UNIX_EPOCH.into());
    token.claims(&reader, |_: Option<&Nonce>| Ok(())).ok()
}

/// The key id the header names, for the message (the library chooses the key).
fn header_kid(raw: &str) -> Option<String> {
    let header = URL_SAFE_NO_PAD.decode(raw.split('.').next()?).ok()?;
    let header: Value = serde_json::from_slice(&header).ok()?;
    header.get("kid")?.as_str().map(str::to_owned)
}

/// The `memberOf` group claim: a string for one group, an array otherwise.
pub fn groups_in(member_of: Option<&Value>) -> Vec<String> {
    match member_of {
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
    use openidconnect::core::{CoreEdDsaPrivateSigningKey, CoreHmacKey, CoreRsaPrivateSigningKey};
    use openidconnect::{JsonWebKeyId, PrivateSigningKey};
    use serde_json::json;

    const RSA_1: &str = include_str!("../../tests/support/keys/rsa-1.pem");
    const RSA_2: &str = include_str!("../../tests/support/keys/rsa-2.pem");
    const ED25519: &str = include_str!("../../tests/support/keys/ed25519-1.pem");
    const NOW: u64 = 1_700_000_000;

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW)
    }

    fn expected() -> ExpectedClaims<'static> {
        ExpectedClaims {
            issuer: "https://oauth.id.jumpcloud.com/",
            client_id: "client-1",
            nonce: "n-1",
        }
    }

    fn rsa(pem: &str, kid: &str) -> CoreRsaPrivateSigningKey {
        CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new(kid.into()))).expect("rsa")
    }

    fn ed25519() -> CoreEdDsaPrivateSigningKey {
        CoreEdDsaPrivateSigningKey::from_ed25519_pem(
            ED25519,
            Some(JsonWebKeyId::new("ed-1".into())),
        )
        .expect("ed25519")
    }

    /// The provider's published keys: `rsa-1` and `ed-1`.
    fn keys() -> CoreJsonWebKeySet {
        CoreJsonWebKeySet::new(vec![
            rsa(RSA_1, "rsa-1").as_verification_key(),
            ed25519().as_verification_key(),
        ])
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

    /// A compact JWS of `claims`; `alg` picks the key (RS256: `rsa-1`).
    fn signed_as(alg: &str, kid: Option<&str>, claims: &Value) -> String {
        let mut header = json!({ "alg": alg, "typ": "JWT" });
        if let Some(kid) = kid {
            header["kid"] = json!(kid);
        }
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = match alg {
            "RS256" => rsa(RSA_1, "rsa-1")
                .sign(
                    &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                    input.as_bytes(),
                )
                .expect("RS256"),
            "EdDSA" => ed25519()
                .sign(&CoreJwsSigningAlgorithm::EdDsa, input.as_bytes())
                .expect("EdDSA"),
            "HS256" => CoreHmacKey::new(b"the-client-secret".to_vec())
                .sign(&CoreJwsSigningAlgorithm::HmacSha256, input.as_bytes())
                .expect("HS256"),
            _ => b"not-a-signature".to_vec(),
        };
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    fn signed(claims: &Value) -> String {
        signed_as("RS256", Some("rsa-1"), claims)
    }

    /// The identity, or the error the assistant reports, for `raw` checked
    /// against `keys` the way `verify` checks it.
    fn outcome(raw: &str, keys: CoreJsonWebKeySet) -> Result<IdentityClaims, AppError> {
        let token = parse(raw)?;
        check(&token, keys, expected(), now())
            .map_err(|e| explain(&token, raw, e, expected(), now()))
    }

    /// The `detail` of the refusal of `raw`, checked against the published keys.
    fn refusal(raw: &str) -> String {
        let err = outcome(raw, keys()).expect_err("refused");
        assert_eq!(err.kind, ErrorKind::IdTokenInvalid, "{err:?}");
        err.detail.expect("detail")
    }

    fn without(field: &str) -> Value {
        let mut claims = good();
        claims.as_object_mut().expect("object").remove(field);
        claims
    }

    fn with(field: &str, value: Value) -> Value {
        let mut claims = good();
        claims[field] = value;
        claims
    }

    #[test]
    fn a_good_token_gives_the_identity() {
        let id = outcome(&signed(&good()), keys()).expect("valid");
        assert_eq!(
            id,
            IdentityClaims {
                subject: "user-1".into(),
                email: Some("admin@example.com".into()),
                email_verified: Some(true),
                groups: vec!["it-admins".into()],
            }
        );
        let mut other_shapes = with("aud", json!("client-1"));
        other_shapes["memberOf"] = json!(["a", "b"]);
        other_shapes["email_verified"] = json!("false");
        other_shapes["email"] = json!("  ");
        let id = outcome(&signed(&other_shapes), keys()).expect("valid");
        assert_eq!(id.groups, ["a", "b"]);
        assert_eq!(id.email_verified, Some(false), "string booleans are read");
        assert_eq!(id.email, None, "a blank email is no email");
        let eddsa = signed_as("EdDSA", Some("ed-1"), &good());
        assert!(outcome(&eddsa, keys()).is_ok());
        let skew = i64::try_from(CLOCK_SKEW_SECS).expect("small");
        let now = i64::try_from(NOW).expect("small");
        assert!(
            outcome(&signed(&with("exp", json!(now - skew + 1))), keys()).is_ok(),
            "within the allowed skew"
        );
        assert!(outcome(&signed(&with("exp", json!(now - skew - 1))), keys()).is_err());
    }

    #[test]
    fn each_failed_claim_is_named_in_the_detail() {
        let cases = [
            (
                with("iss", json!("https://oauth.id.jumpcloud.com")),
                "iss: issued by \"https://oauth.id.jumpcloud.com\", expected \"https://oauth.id.jumpcloud.com/\"",
            ),
            (without("iss"), "iss: the issuer claim is missing"),
            (
                with("aud", json!(["other"])),
                "aud: the token is meant for \"other\", not for the Client ID \"client-1\"",
            ),
            (without("aud"), "aud: the audience claim is missing"),
            (
                with("aud", json!(["client-1", "other"])),
                "aud: the token is also meant for \"other\"; only a token for this Client ID alone is accepted",
            ),
            (
                with("exp", json!(NOW - 3600)),
                "exp: the token expired 3600 seconds ago (check this computer's clock)",
            ),
            (without("exp"), "exp: the expiry claim is missing"),
            (without("iat"), "iat: the issued-at claim is missing"),
            (
                with("nonce", json!("other")),
                "nonce: the nonce does not match this sign-in",
            ),
            (
                without("nonce"),
                "nonce: the nonce does not match this sign-in",
            ),
            (without("sub"), "sub: the subject claim is missing"),
        ];
        for (claims, detail) in cases {
            assert_eq!(refusal(&signed(&claims)), detail, "{claims}");
        }
        // Another audience is refused even when azp names this client.
        let mut with_azp = with("aud", json!(["client-1", "other"]));
        with_azp["azp"] = json!("client-1");
        assert!(refusal(&signed(&with_azp)).starts_with("aud: "));
        // A token for this Client ID alone must not name another party.
        let mut other_azp = good();
        other_azp["azp"] = json!("other-app");
        assert_eq!(
            refusal(&signed(&other_azp)),
            "azp: the token was issued to the application \"other-app\", not to the Client ID \"client-1\""
        );
        let mut this_azp = good();
        this_azp["azp"] = json!("client-1");
        assert!(outcome(&signed(&this_azp), keys()).is_ok());
    }

    #[test]
    fn signature_failures_are_named() {
        // Names rsa-1 but is signed with rsa-2.
        let raw = signed(&good());
        let (input, _) = raw.rsplit_once('.').expect("three parts");
        let signature = rsa(RSA_2, "rsa-2")
            .sign(
                &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                input.as_bytes(),
            )
            .expect("RS256");
        let signed_by_rsa_2 = format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature));
        assert_eq!(
            refusal(&signed_by_rsa_2),
            "signature: the signature does not match the provider's published key"
        );
        assert_eq!(
            refusal(&signed_as("RS256", Some("rsa-9"), &good())),
            "signature: no key in the provider's key set matches the token (kid rsa-9)"
        );
        let two_rsa_keys = CoreJsonWebKeySet::new(vec![
            rsa(RSA_1, "rsa-1").as_verification_key(),
            rsa(RSA_2, "rsa-2").as_verification_key(),
        ]);
        let err = outcome(&signed_as("RS256", None, &good()), two_rsa_keys).expect_err("ambiguous");
        assert_eq!(
            err.detail.as_deref(),
            Some("signature: several keys in the provider's key set match the token (kid (none))")
        );
    }

    #[test]
    fn only_a_missing_key_asks_for_the_key_set() {
        let empty = || CoreJsonWebKeySet::new(Vec::new());
        let token = parse(&signed(&good())).expect("parses");
        assert!(needs_a_key(&check(&token, empty(), expected(), now())));
        let rotated = parse(&signed_as("RS256", Some("rsa-9"), &good())).expect("parses");
        assert!(needs_a_key(&check(&rotated, keys(), expected(), now())));
        // Refused without any key: no request is made for these.
        for (raw, check_name) in [
            (signed_as("none", None, &good()), "alg"),
            (signed_as("HS256", Some("hmac"), &good()), "alg"),
            (
                signed(&with("iss", json!("https://attacker.example/"))),
                "iss",
            ),
            (signed(&with("aud", json!(["other"]))), "aud"),
        ] {
            let token = parse(&raw).expect("parses");
            let result = check(&token, empty(), expected(), now());
            assert!(!needs_a_key(&result), "{raw}");
            let err = explain(
                &token,
                &raw,
                result.expect_err("refused"),
                expected(),
                now(),
            );
            assert!(
                err.detail
                    .as_deref()
                    .is_some_and(|d| d.starts_with(&format!("{check_name}: "))),
                "{err:?}"
            );
        }
        // Bad claims behind a missing key still wait for the keys: exp and
        // nonce are only checked on a verified signature.
        let expired = parse(&signed(&with("exp", json!(1)))).expect("parses");
        assert!(needs_a_key(&check(&expired, empty(), expected(), now())));
    }

    #[test]
    fn unsigned_symmetric_and_unknown_algorithms_are_refused() {
        let cases = [
            (
                signed_as("none", None, &good()),
                "alg: the token is unsigned (alg none), which is never accepted",
            ),
            (
                signed_as("HS256", Some("hmac"), &good()),
                "alg: HS256 is a shared-secret algorithm; only the provider's public keys are accepted",
            ),
            (
                signed_as("HS512", None, &good()),
                "alg: HS512 is a shared-secret algorithm; only the provider's public keys are accepted",
            ),
            (
                signed_as("ES512", None, &good()),
                "alg: the algorithm ES512 is not supported",
            ),
            (
                signed_as("XX1", None, &good()),
                "alg: the algorithm XX1 is not supported",
            ),
            (
                signed_as("NONE", None, &good()),
                "alg: the algorithm NONE is not supported",
            ),
        ];
        for (raw, detail) in cases {
            assert_eq!(refusal(&raw), detail);
        }
        let no_alg = format!(
            "{}.{}.c2ln",
            URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(good().to_string())
        );
        assert_eq!(refusal(&no_alg), "alg: the header names no algorithm");
        // A shared-secret key in the key set changes nothing.
        let with_secret: CoreJsonWebKeySet = serde_json::from_value(json!({"keys": [
            {"kty": "oct", "kid": "hmac", "k": URL_SAFE_NO_PAD.encode(b"the-client-secret")}
        ]}))
        .expect("key set");
        let hs256 = signed_as("HS256", Some("hmac"), &good());
        assert!(outcome(&hs256, with_secret).is_err());
    }

    #[test]
    fn malformed_tokens_are_format_errors() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256"}"#);
        let claims = URL_SAFE_NO_PAD.encode(good().to_string());
        for token in [
            "abc".to_owned(),
            "a.b".to_owned(),
            format!("{header}.{claims}"),
            format!("{header}.{claims}.sig.extra"),
            format!("{header}.!!!.sig"),
            format!("{}.{claims}.c2ln", URL_SAFE_NO_PAD.encode(b"[1]")),
            format!("{header}.{}.c2ln", URL_SAFE_NO_PAD.encode(b"not json")),
            format!(
                "{header}.{}.c2ln",
                URL_SAFE_NO_PAD.encode(br#"{"exp":"soon"}"#)
            ),
        ] {
            let err = parse(&token).expect_err(&token);
            assert_eq!(err.kind, ErrorKind::IdTokenInvalid);
            assert!(
                err.detail
                    .as_deref()
                    .is_some_and(|d| d.starts_with("format: the token could not be read (")),
                "{token}: {err:?}"
            );
        }
        let access_token_typ = format!(
            "{}.{claims}.c2ln",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"at+jwt"}"#)
        );
        assert!(refusal(&access_token_typ).starts_with("format: "));
        assert!(parse(&format!("{header}.{claims}.c2ln")).is_ok());
    }

    #[test]
    fn key_sets_keep_symmetric_and_encryption_keys_out_of_the_check() {
        let public = serde_json::to_value(rsa(RSA_1, "rsa-1").as_verification_key()).expect("jwk");
        let mut for_encryption = public.clone();
        for_encryption["kid"] = json!("enc");
        for_encryption["use"] = json!("enc");
        let mut for_signing = public;
        for_signing["kid"] = json!("sig");
        for_signing["use"] = json!("sig");
        let body = json!({"keys": [
            {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"},
            for_encryption,
            for_signing,
            {"kty": "weird", "kid": "w"},
        ]})
        .to_string();
        let set = || {
            serde_json::from_str::<CoreJsonWebKeySet>(&body).expect("the unknown key is skipped")
        };
        assert_eq!(set().keys().len(), 3);
        let by = |kid: &str| signed_as("RS256", Some(kid), &good());
        assert!(outcome(&by("sig"), set()).is_ok());
        for kid in ["enc", "hmac", "w"] {
            let token = parse(&by(kid)).expect("parses");
            assert!(
                needs_a_key(&check(&token, set(), expected(), now())),
                "{kid}"
            );
        }
        assert!(serde_json::from_str::<CoreJsonWebKeySet>("{}").is_err());
        assert!(serde_json::from_str::<CoreJsonWebKeySet>("nope").is_err());
    }

    /// Errors the assistant's configuration of the verifier does not
    /// produce today still map to a check name and keep the library's words.
    #[test]
    fn every_library_error_maps_to_a_check() {
        let raw = signed(&good());
        let token = parse(&raw).expect("parses");
        let sig = ClaimsVerificationError::SignatureVerification;
        let cases = [
            (ClaimsVerificationError::Expired("x".into()), "exp"),
            (ClaimsVerificationError::InvalidAudience("x".into()), "aud"),
            (ClaimsVerificationError::InvalidIssuer("x".into()), "iss"),
            (ClaimsVerificationError::InvalidNonce("x".into()), "nonce"),
            (ClaimsVerificationError::InvalidSubject("x".into()), "sub"),
            (ClaimsVerificationError::Unsupported("x".into()), "format"),
            (
                ClaimsVerificationError::InvalidAuthContext("x".into()),
                "claims",
            ),
            (
                ClaimsVerificationError::InvalidAuthTime("x".into()),
                "claims",
            ),
            (ClaimsVerificationError::Other("x".into()), "claims"),
            (sig(SignatureVerificationError::NoMatchingKey), "signature"),
            (
                sig(SignatureVerificationError::AmbiguousKeyId("x".into())),
                "signature",
            ),
            (
                sig(SignatureVerificationError::CryptoError("x".into())),
                "signature",
            ),
            (
                sig(SignatureVerificationError::InvalidKey("x".into())),
                "signature",
            ),
            (
                sig(SignatureVerificationError::Other("x".into())),
                "signature",
            ),
            (sig(SignatureVerificationError::NoSignature), "alg"),
            (
                sig(SignatureVerificationError::DisallowedAlg("x".into())),
                "alg",
            ),
            (
                sig(SignatureVerificationError::UnsupportedAlg("x".into())),
                "alg",
            ),
        ];
        for (error, check_name) in cases {
            let shown = format!("{error:?}");
            let err = explain(&token, &raw, error, expected(), now());
            assert_eq!(err.kind, ErrorKind::IdTokenInvalid);
            let detail = err.detail.expect("detail");
            assert!(
                detail.starts_with(&format!("{check_name}: ")),
                "{shown}: {detail}"
            );
            assert!(
                err.message.contains(&format!("({check_name})")),
                "{}",
                err.message
            );
        }
        // The token's own values shape the words, as they stand.
        let iss = explain(
            &token,
            &raw,
            ClaimsVerificationError::InvalidIssuer("x".into()),
            expected(),
            now(),
        );
        assert_eq!(
            iss.detail.as_deref(),
            Some("iss: issued by \"https://oauth.id.jumpcloud.com/\", expected \"https://oauth.id.jumpcloud.com/\"")
        );
        let exp = explain(
            &token,
            &raw,
            ClaimsVerificationError::Expired("x".into()),
            expected(),
            now(),
        );
        assert_eq!(
            exp.detail.as_deref(),
            Some("exp: the token expired -600 seconds ago (check this computer's clock)")
        );
    }
}
