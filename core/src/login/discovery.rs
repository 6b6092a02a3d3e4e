//! OpenID Connect discovery: the provider's metadata, checked before the
//! browser is opened. The discovered issuer must equal the configured one
//! exactly, every endpoint must be https (or plain http on loopback), and a
//! provider that lists its token endpoint authentication methods must list
//! `client_secret_post`.

use serde::Deserialize;

use super::diagnosis;
use crate::endpoints::check_transport;
use crate::error::AppError;
use crate::net::http::{FetchError, Http};

/// The authentication method ConductorOne's signup uses, and so does the check.
pub const CLIENT_SECRET_POST: &str = "client_secret_post";

/// The parts of the discovery document the login uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub userinfo_endpoint: Option<String>,
    /// RFC 9207: the provider promises `iss` on every authorization response.
    pub iss_parameter_supported: bool,
}

#[derive(Debug, Deserialize)]
struct RawMetadata {
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    jwks_uri: Option<String>,
    userinfo_endpoint: Option<String>,
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    authorization_response_iss_parameter_supported: Option<bool>,
}

/// The discovery document's address for `issuer`.
pub fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// Fetches and checks the metadata of `issuer`.
pub(crate) async fn discover(http: &Http, issuer: &str) -> Result<ProviderMetadata, AppError> {
    let url = discovery_url(issuer);
    let request = http.get("issuer", &url).map_err(|e| match e {
        FetchError::NotAllowed(why) => diagnosis::discovery_invalid(
            issuer,
            &format!("the issuer address is not allowed ({why})"),
        ),
        other => diagnosis::issuer_unreachable(issuer, &other.to_string()),
    })?;
    let answer = Http::send(request.header("accept", "application/json"))
        .await
        .map_err(|e| match e {
            FetchError::TooLarge => {
                diagnosis::discovery_invalid(issuer, "its configuration document is far too large")
            }
            FetchError::Untrusted(why) => diagnosis::tls_untrusted(issuer, &why),
            other => diagnosis::issuer_unreachable(issuer, &other.to_string()),
        })?;
    if !answer.is_success() {
        return Err(diagnosis::discovery_invalid(
            issuer,
            &format!(
                "{url} answered HTTP {} instead of its OpenID configuration",
                answer.status
            ),
        ));
    }
    let raw: RawMetadata = serde_json::from_slice(&answer.body).map_err(|e| {
        diagnosis::discovery_invalid(
            issuer,
            &format!("its configuration document is not valid JSON ({e})"),
        )
    })?;
    check(issuer, raw)
}

fn check(issuer: &str, raw: RawMetadata) -> Result<ProviderMetadata, AppError> {
    let found = raw
        .issuer
        .ok_or_else(|| diagnosis::discovery_invalid(issuer, "the issuer field is missing"))?;
    if found != issuer {
        return Err(diagnosis::issuer_mismatch(issuer, &found));
    }
    let endpoint = |field: &'static str, value: Option<String>| -> Result<String, AppError> {
        let value = value
            .ok_or_else(|| diagnosis::discovery_invalid(issuer, &format!("{field} is missing")))?;
        check_transport(field, &value)
            .map_err(|e| diagnosis::discovery_invalid(issuer, &e.to_string()))?;
        Ok(value)
    };
    let authorization_endpoint = endpoint("authorization_endpoint", raw.authorization_endpoint)?;
    let token_endpoint = endpoint("token_endpoint", raw.token_endpoint)?;
    let jwks_uri = endpoint("jwks_uri", raw.jwks_uri)?;
    let userinfo_endpoint = match raw.userinfo_endpoint {
        Some(u) => Some(endpoint("userinfo_endpoint", Some(u))?),
        None => None,
    };
    if let Some(methods) = &raw.token_endpoint_auth_methods_supported {
        if !methods.iter().any(|m| m == CLIENT_SECRET_POST) {
            return Err(diagnosis::auth_method_unsupported(methods));
        }
    }
    Ok(ProviderMetadata {
        issuer: found,
        authorization_endpoint,
        token_endpoint,
        jwks_uri,
        userinfo_endpoint,
        iss_parameter_supported: raw.authorization_response_iss_parameter_supported == Some(true),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    const ISSUER: &str = "https://oauth.id.jumpcloud.com/";

    fn raw(value: serde_json::Value) -> RawMetadata {
        serde_json::from_value(value).expect("shape")
    }

    fn good() -> serde_json::Value {
        serde_json::json!({
            "issuer": ISSUER,
            "authorization_endpoint": "https://oauth.id.jumpcloud.com/oauth2/auth",
            "token_endpoint": "https://oauth.id.jumpcloud.com/oauth2/token",
            "jwks_uri": "https://oauth.id.jumpcloud.com/.well-known/jwks.json",
            "userinfo_endpoint": "https://oauth.id.jumpcloud.com/userinfo",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        })
    }

    #[test]
    fn a_jumpcloud_like_document_passes() {
        let m = check(ISSUER, raw(good())).expect("valid");
        assert_eq!(
            m.token_endpoint,
            "https://oauth.id.jumpcloud.com/oauth2/token"
        );
        assert!(!m.iss_parameter_supported);
        assert_eq!(
            discovery_url(ISSUER),
            "https://oauth.id.jumpcloud.com/.well-known/openid-configuration"
        );
    }

    #[test]
    fn the_issuer_must_match_exactly_including_the_trailing_slash() {
        let err = check("https://oauth.id.jumpcloud.com", raw(good())).expect_err("mismatch");
        assert_eq!(err.kind, ErrorKind::IssuerMismatch);
    }

    #[test]
    fn plain_http_endpoints_and_missing_fields_are_discovery_invalid() {
        let mut doc = good();
        doc["token_endpoint"] = "http://oauth.id.jumpcloud.com/oauth2/token".into();
        assert_eq!(
            check(ISSUER, raw(doc)).expect_err("http").kind,
            ErrorKind::DiscoveryInvalid
        );
        let mut doc = good();
        doc.as_object_mut().expect("object").remove("jwks_uri");
        assert_eq!(
            check(ISSUER, raw(doc)).expect_err("missing").kind,
            ErrorKind::DiscoveryInvalid
        );
    }

    #[test]
    fn a_listed_method_set_without_client_secret_post_is_refused() {
        let mut doc = good();
        doc["token_endpoint_auth_methods_supported"] = serde_json::json!(["client_secret_basic"]);
        let err = check(ISSUER, raw(doc)).expect_err("unsupported");
        assert_eq!(err.kind, ErrorKind::AuthMethodUnsupported);
        // Not listed at all: allowed, the token endpoint will tell.
        let mut doc = good();
        doc.as_object_mut()
            .expect("object")
            .remove("token_endpoint_auth_methods_supported");
        assert!(check(ISSUER, raw(doc)).is_ok());
    }
}
