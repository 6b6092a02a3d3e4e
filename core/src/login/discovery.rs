//! OpenID Connect discovery: the provider's metadata, read with
//! `openidconnect`'s `ProviderMetadata` (so the fields the Discovery spec
//! requires must be there) and checked before the browser is opened. The
//! discovered issuer must equal the configured one exactly, every endpoint
//! must be https (or plain http on loopback), and a provider that lists its
//! token endpoint authentication methods must list `client_secret_post`.

use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClientAuthMethod, CoreGrantType,
    CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::AdditionalProviderMetadata;
use serde::{Deserialize, Serialize};

use super::diagnosis;
use crate::endpoints::check_transport;
use crate::error::AppError;
use crate::net::http::{FetchError, Http};

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

/// RFC 9207's field, which the library's metadata does not have.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Rfc9207 {
    authorization_response_iss_parameter_supported: Option<bool>,
}

impl AdditionalProviderMetadata for Rfc9207 {}

/// `CoreProviderMetadata` with RFC 9207's field.
type Document = openidconnect::ProviderMetadata<
    Rfc9207,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

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
    check(issuer, &answer.body)
}

/// Reads the document with the library's type and checks it.
fn check(issuer: &str, body: &[u8]) -> Result<ProviderMetadata, AppError> {
    let doc: Document = serde_json::from_slice(body).map_err(|e| {
        let what = match diagnosis::named_in(&e, "missing field `") {
            Some(field) => format!("{field} is missing"),
            None if e.is_data() => {
                format!("its configuration document is not an OpenID configuration ({e})")
            }
            None => format!("its configuration document is not valid JSON ({e})"),
        };
        diagnosis::discovery_invalid(issuer, &what)
    })?;
    if doc.issuer().as_str() != issuer {
        return Err(diagnosis::issuer_mismatch(issuer, doc.issuer()));
    }
    let endpoint = |field: &'static str, value: &str| -> Result<String, AppError> {
        check_transport(field, value)
            .map_err(|e| diagnosis::discovery_invalid(issuer, &e.to_string()))?;
        Ok(value.to_owned())
    };
    let token_endpoint = doc
        .token_endpoint()
        .ok_or_else(|| diagnosis::discovery_invalid(issuer, "token_endpoint is missing"))?;
    let metadata = ProviderMetadata {
        issuer: doc.issuer().to_string(),
        authorization_endpoint: endpoint("authorization_endpoint", doc.authorization_endpoint())?,
        token_endpoint: endpoint("token_endpoint", token_endpoint)?,
        jwks_uri: endpoint("jwks_uri", doc.jwks_uri())?,
        userinfo_endpoint: match doc.userinfo_endpoint() {
            Some(u) => Some(endpoint("userinfo_endpoint", u)?),
            None => None,
        },
        iss_parameter_supported: doc
            .additional_metadata()
            .authorization_response_iss_parameter_supported
            == Some(true),
    };
    if let Some(methods) = doc.token_endpoint_auth_methods_supported() {
        if !methods.contains(&CoreClientAuthMethod::ClientSecretPost) {
            let listed: Vec<String> = methods.iter().map(|m| m.as_ref().to_owned()).collect();
            return Err(diagnosis::auth_method_unsupported(&listed));
        }
    }
    Ok(metadata)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use serde_json::{json, Value};

    const ISSUER: &str = "https://oauth.id.jumpcloud.com/";

    fn checked(doc: &Value) -> Result<ProviderMetadata, AppError> {
        check(ISSUER, doc.to_string().as_bytes())
    }

    fn good() -> Value {
        json!({
            "issuer": ISSUER,
            "authorization_endpoint": "https://oauth.id.jumpcloud.com/oauth2/auth",
            "token_endpoint": "https://oauth.id.jumpcloud.com/oauth2/token",
            "jwks_uri": "https://oauth.id.jumpcloud.com/.well-known/jwks.json",
            "userinfo_endpoint": "https://oauth.id.jumpcloud.com/userinfo",
            "response_types_supported": ["code", "code id_token", "id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported":
                ["client_secret_post", "client_secret_basic", "private_key_jwt", "none"],
            "code_challenge_methods_supported": ["plain", "S256"],
        })
    }

    fn without(field: &str) -> Value {
        let mut doc = good();
        doc.as_object_mut().expect("object").remove(field);
        doc
    }

    #[test]
    fn a_jumpcloud_like_document_passes() {
        let m = checked(&good()).expect("valid");
        assert_eq!(
            m,
            ProviderMetadata {
                issuer: ISSUER.into(),
                authorization_endpoint: "https://oauth.id.jumpcloud.com/oauth2/auth".into(),
                token_endpoint: "https://oauth.id.jumpcloud.com/oauth2/token".into(),
                jwks_uri: "https://oauth.id.jumpcloud.com/.well-known/jwks.json".into(),
                userinfo_endpoint: Some("https://oauth.id.jumpcloud.com/userinfo".into()),
                iss_parameter_supported: false,
            }
        );
        assert_eq!(
            discovery_url(ISSUER),
            "https://oauth.id.jumpcloud.com/.well-known/openid-configuration"
        );
        let mut doc = without("userinfo_endpoint");
        doc["authorization_response_iss_parameter_supported"] = json!(true);
        let m = checked(&doc).expect("valid");
        assert!(m.iss_parameter_supported);
        assert_eq!(m.userinfo_endpoint, None);
    }

    #[test]
    fn the_issuer_must_match_exactly_including_the_trailing_slash() {
        let err = check(
            "https://oauth.id.jumpcloud.com",
            good().to_string().as_bytes(),
        )
        .expect_err("mismatch");
        assert_eq!(err.kind, ErrorKind::IssuerMismatch);
        let mut doc = good();
        doc["issuer"] = json!("https://oauth.id.jumpcloud.com");
        assert_eq!(
            checked(&doc).expect_err("mismatch").kind,
            ErrorKind::IssuerMismatch
        );
    }

    #[test]
    fn plain_http_endpoints_and_missing_fields_are_discovery_invalid() {
        let mut doc = good();
        doc["token_endpoint"] = "http://oauth.id.jumpcloud.com/oauth2/token".into();
        assert_eq!(
            checked(&doc).expect_err("http").kind,
            ErrorKind::DiscoveryInvalid
        );
        // Fields the login uses, and the fields the Discovery spec requires.
        for field in [
            "issuer",
            "authorization_endpoint",
            "token_endpoint",
            "jwks_uri",
            "response_types_supported",
            "subject_types_supported",
            "id_token_signing_alg_values_supported",
        ] {
            let err = checked(&without(field)).expect_err(field);
            assert_eq!(err.kind, ErrorKind::DiscoveryInvalid, "{field}");
            // Quoting hides runs as long as a token, such as the longest field names.
            let expected = format!("{} is missing", diagnosis::quote(field, &[]));
            assert_eq!(err.detail.as_deref(), Some(expected.as_str()));
        }
        let err = check(ISSUER, b"<html>").expect_err("not JSON");
        assert!(
            err.detail
                .as_deref()
                .is_some_and(|d| d.starts_with("its configuration document is not valid JSON")),
            "{err:?}"
        );
        let mut doc = good();
        doc["jwks_uri"] = json!("not a URL");
        let err = checked(&doc).expect_err("not a URL");
        assert!(
            err.detail.as_deref().is_some_and(
                |d| d.starts_with("its configuration document is not an OpenID configuration")
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_listed_method_set_without_client_secret_post_is_refused() {
        let mut doc = good();
        doc["token_endpoint_auth_methods_supported"] =
            json!(["client_secret_basic", "tls_client_auth"]);
        let err = checked(&doc).expect_err("unsupported");
        assert_eq!(err.kind, ErrorKind::AuthMethodUnsupported);
        assert!(
            err.detail
                .as_deref()
                .is_some_and(|d| d.ends_with(": client_secret_basic, tls_client_auth")),
            "{err:?}"
        );
        // Not listed at all: allowed, the token endpoint will tell.
        assert!(checked(&without("token_endpoint_auth_methods_supported")).is_ok());
    }
}
