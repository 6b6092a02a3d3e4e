//! The authorization request: code flow, PKCE S256, and `state` and `nonce`
//! values of 256 bits of randomness each.

use openidconnect::{CsrfToken, Nonce, PkceCodeChallenge};
use url::Url;

use crate::secret::Secret;

/// Scopes requested: the email scope carries the mapped `email` attribute.
pub const SCOPES: &str = "openid email profile";

/// Random bytes in `state` and `nonce` (base64url-encoded).
const STATE_AND_NONCE_BYTES: u32 = 32;
/// Random bytes in the PKCE verifier: 64 bytes give an 86-character verifier.
const PKCE_VERIFIER_BYTES: u32 = 64;

/// One login attempt's values. The PKCE verifier is only sent to the token
/// endpoint; it is kept in a [`Secret`] so it cannot reach a log line.
#[derive(Debug)]
pub struct AuthRequest {
    /// The full authorization URL, shown to the admin and opened in the browser.
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: Secret,
    pub redirect_uri: String,
}

impl AuthRequest {
    /// Builds a fresh request for `authorization_endpoint`.
    pub fn new(
        authorization_endpoint: &str,
        client_id: &str,
        redirect_uri: &str,
    ) -> Result<Self, url::ParseError> {
        let state = CsrfToken::new_random_len(STATE_AND_NONCE_BYTES)
            .secret()
            .clone();
        let nonce = Nonce::new_random_len(STATE_AND_NONCE_BYTES)
            .secret()
            .clone();
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256_len(PKCE_VERIFIER_BYTES);
        let mut url = Url::parse(authorization_endpoint)?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", SCOPES)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", challenge.as_str())
            .append_pair("code_challenge_method", "S256");
        Ok(Self {
            url: url.into(),
            state,
            nonce,
            pkce_verifier: Secret::new(verifier.into_secret()),
            redirect_uri: redirect_uri.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openidconnect::PkceCodeVerifier;

    #[test]
    fn the_request_carries_pkce_s256_state_nonce_and_the_exact_redirect_uri() {
        let req = AuthRequest::new(
            "https://oauth.id.jumpcloud.com/oauth2/auth",
            "client-1",
            "http://127.0.0.1:38710/callback",
        )
        .expect("valid endpoint");
        let url = Url::parse(&req.url).expect("valid URL");
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "client-1");
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:38710/callback");
        assert_eq!(q["scope"], "openid email profile");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["state"], req.state);
        assert_eq!(q["nonce"], req.nonce);
        // 32 random bytes, base64url without padding: 43 characters (256 bits).
        assert_eq!(req.state.len(), 43);
        assert_eq!(req.nonce.len(), 43);
        let expected = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(
            req.pkce_verifier.expose().to_owned(),
        ));
        assert_eq!(q["code_challenge"], expected.as_str());
        assert!(!req.url.contains(req.pkce_verifier.expose()));
        let again = AuthRequest::new("https://x.example/auth", "c", "http://127.0.0.1:1/callback")
            .expect("valid");
        assert_ne!(again.state, req.state);
        assert_ne!(again.nonce, req.nonce);
    }

    #[test]
    fn an_endpoint_with_a_query_keeps_it() {
        let req = AuthRequest::new(
            "https://x.example/auth?tenant=a",
            "c",
            "http://127.0.0.1:1/callback",
        )
        .expect("valid");
        assert!(req
            .url
            .starts_with("https://x.example/auth?tenant=a&response_type=code"));
    }
}
