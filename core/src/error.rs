//! The one error shape that crosses IPC and the `verify-sso --json` output:
//! `{kind, message, fix, step, fields, detail}`.
//!
//! `kind` is stable and machine-readable (snake_case); the UI, the terminal
//! command and the tests switch on it. `message` says what happened and `fix`
//! says what to check and where (which JumpCloud field, which step), in words
//! an IT admin can act on. Messages never contain a secret.

use serde::Serialize;
use ts_rs::TS;

use crate::step::StepId;

/// Declares [`ErrorKind`] from one list: the variants, [`ErrorKind::ALL`] and
/// the snake_case names that serde also produces (a `macro_rules!` rather than
/// a derive crate, for three generated items).
macro_rules! error_kinds {
    ($( $(#[$group:meta])* $variant:ident => $name:literal, )+) => {
        /// Every failure the assistant can report. Adding a kind is an API
        /// change: the UI bindings are generated from this enum.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum ErrorKind {
            $( $(#[$group])* $variant, )+
        }

        impl ErrorKind {
            /// Every kind, for tests and documentation.
            pub const ALL: &'static [ErrorKind] = &[$( Self::$variant, )+];

            /// The snake_case name, as it appears in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $name, )+
                }
            }
        }
    };
}

error_kinds! {
    /// Input checked at a field (the field errors carry their own reasons).
    InvalidInput => "invalid_input",
    // Local files and the system.
    StateWriteFailed => "state_write_failed",
    UrlNotAllowed => "url_not_allowed",
    BrowserOpenFailed => "browser_open_failed",
    ClipboardFailed => "clipboard_failed",
    FileWriteFailed => "file_write_failed",
    // The OS keychain.
    KeychainUnavailable => "keychain_unavailable",
    KeychainLocked => "keychain_locked",
    KeychainAccessDenied => "keychain_access_denied",
    SecretNotFound => "secret_not_found",
    KeychainError => "keychain_error",
    // The verification login (loopback OIDC).
    IssuerUnreachable => "issuer_unreachable",
    TlsUntrusted => "tls_untrusted",
    DiscoveryInvalid => "discovery_invalid",
    IssuerMismatch => "issuer_mismatch",
    AuthMethodUnsupported => "auth_method_unsupported",
    PortInUse => "port_in_use",
    Timeout => "timeout",
    Cancelled => "cancelled",
    AccessDenied => "access_denied",
    IdpError => "idp_error",
    StateMismatch => "state_mismatch",
    IssMismatch => "iss_mismatch",
    InvalidClient => "invalid_client",
    InvalidGrant => "invalid_grant",
    TokenResponseInvalid => "token_response_invalid",
    IdTokenInvalid => "id_token_invalid",
    UserinfoInvalid => "userinfo_invalid",
    EmailMissing => "email_missing",
    /// Anything the assistant did not expect; the message says what to send us.
    Internal => "internal",
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem with one input field, shown under that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FieldError {
    /// The field's id, as the UI names it (`domain`, `display_name`, ...).
    pub field: String,
    /// A stable reason, e.g. `domain_has_dots`.
    pub reason: String,
    /// What is wrong and how to fix it, in one or two sentences.
    pub message: String,
    /// A corrected value the admin can accept with one click, if there is one
    /// (e.g. `acmeco` for a pasted `https://acmeco.conductor.one/`).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// The error every command returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{kind}: {message}")]
#[ts(export)]
pub struct AppError {
    pub kind: ErrorKind,
    /// What happened.
    pub message: String,
    /// What to check, and where.
    pub fix: String,
    /// The step that fixes it, when that is another step.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<StepId>,
    /// Field-level problems, for `invalid_input`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    #[ts(optional, as = "Option<Vec<FieldError>>")]
    pub fields: Vec<FieldError>,
    /// A technical detail for support (never a secret), e.g. which ID token
    /// check failed, or the provider's shortened error body.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            fix: fix.into(),
            step: None,
            fields: Vec::new(),
            detail: None,
        }
    }

    #[must_use]
    pub fn at_step(mut self, step: StepId) -> Self {
        self.step = Some(step);
        self
    }

    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// An `invalid_input` error carrying the field problems.
    pub fn invalid_input(step: StepId, fields: Vec<FieldError>) -> Self {
        let message = match fields.as_slice() {
            [one] => one.message.clone(),
            _ => format!("{} fields need attention.", fields.len()),
        };
        Self {
            kind: ErrorKind::InvalidInput,
            message,
            fix: "Correct the highlighted fields; nothing you typed was lost.".into(),
            step: Some(step),
            fields,
            detail: None,
        }
    }

    /// For failures the assistant did not expect.
    pub fn internal(what: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::Internal,
            what,
            "Try again. If it keeps happening, quit and relaunch the assistant: your progress is saved.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialise_to_their_snake_case_names() {
        for &kind in ErrorKind::ALL {
            let json = serde_json::to_value(kind).expect("serialises");
            assert_eq!(json, serde_json::Value::String(kind.as_str().to_owned()));
        }
    }

    #[test]
    fn app_error_json_has_kind_message_and_fix() {
        let err = AppError::new(
            ErrorKind::PortInUse,
            "Port 53682 is in use.",
            "Pick another port.",
        )
        .at_step(StepId::JumpcloudApp);
        let json = serde_json::to_value(&err).expect("serialises");
        assert_eq!(json["kind"], "port_in_use");
        assert_eq!(json["message"], "Port 53682 is in use.");
        assert_eq!(json["fix"], "Pick another port.");
        assert_eq!(json["step"], "jumpcloud_app");
        assert!(json.get("fields").is_none());
        assert!(json.get("detail").is_none());
    }
}
