//! Rules shared by the fields of several steps: the field ids, how a field
//! error is built, how characters are named in messages, and the one check
//! every pasted credential goes through (the invite code, the Client ID and
//! the Client Secret), and the rules of the values the state file keeps
//! (domain, display name, loopback port, Client ID), which the state file's
//! check on load shares with the window. Each step module adds its own
//! rules on top.

mod client_id;
mod display_name;
mod domain;
mod loopback_port;

pub(crate) use client_id::check_client_id;
pub use client_id::{is_client_id_char, is_stored_client_id};
pub use display_name::{validate_display_name, DISPLAY_NAME_MAX_CHARS};
pub use domain::{validate_domain, DOMAIN_MAX_CHARS};
pub use loopback_port::{check_loopback_port, validate_loopback_port, MIN_LOOPBACK_PORT};

use crate::error::FieldError;

/// Field ids, as the window names its inputs and the errors name them.
pub const FIELD_DOMAIN: &str = "domain";
pub const FIELD_DISPLAY_NAME: &str = "display_name";
pub const FIELD_INVITE_CODE: &str = "invite_code";
pub const FIELD_LOOPBACK_PORT: &str = "loopback_port";
pub const FIELD_CLIENT_ID: &str = "client_id";
pub const FIELD_CLIENT_SECRET: &str = "client_secret";
/// The OpenID issuer (`verify-sso --issuer`).
pub const FIELD_ISSUER: &str = "issuer";

/// Builds a field error.
pub(crate) fn field_error(
    field: &str,
    reason: &str,
    message: impl Into<String>,
    suggestion: Option<String>,
) -> FieldError {
    FieldError {
        field: field.to_owned(),
        reason: reason.to_owned(),
        message: message.into(),
        suggestion,
    }
}

/// Characters that show nothing on screen but often come along with copied
/// text: control characters, zero-width spaces and joiners, direction marks,
/// the byte-order mark and the soft hyphen.
pub(crate) fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
        )
}

/// Names a character for a message: visible ones are quoted, spaces and
/// invisible ones are described, since quoting them would show nothing.
pub(crate) fn describe_char(c: char) -> String {
    match c {
        ' ' => "A space".to_owned(),
        '\t' => "A tab".to_owned(),
        '\n' | '\r' => "A line break".to_owned(),
        c if c.is_whitespace() => format!("A special space (U+{:04X})", u32::from(c)),
        c if is_invisible(c) => format!("An invisible character (U+{:04X})", u32::from(c)),
        c => format!("“{c}”"),
    }
}

/// What to tell the admin about one pasted credential, for each way a paste
/// goes wrong. The reasons are `<field>_required`, `<field>_has_space` and
/// `<field>_invisible_character`. No message may quote the value.
pub(crate) struct Pasted<'a> {
    pub field: &'a str,
    /// Nothing was entered.
    pub required: String,
    /// A space or line break inside the value.
    pub has_space: String,
    /// An invisible character inside the value.
    pub invisible: String,
}

/// The one check of a pasted credential: surrounding whitespace and line
/// breaks removed, nothing else changed (case included); empty values,
/// inner whitespace and invisible characters refused.
pub(crate) fn check_pasted<'v>(spec: Pasted<'_>, input: &'v str) -> Result<&'v str, FieldError> {
    let value = input.trim();
    let (reason, message) = if value.is_empty() {
        ("required", spec.required)
    } else if value.chars().any(char::is_whitespace) {
        ("has_space", spec.has_space)
    } else if value.chars().any(is_invisible) {
        ("invisible_character", spec.invisible)
    } else {
        return Ok(value);
    };
    Err(field_error(
        spec.field,
        &format!("{}_{reason}", spec.field),
        message,
        None,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Pasted<'static> {
        Pasted {
            field: "token",
            required: "empty".into(),
            has_space: "space".into(),
            invisible: "invisible".into(),
        }
    }

    #[test]
    fn a_pasted_value_is_trimmed_and_otherwise_kept_exactly() {
        assert_eq!(check_pasted(spec(), " \r\nAbC-1\t"), Ok("AbC-1"));
        assert_eq!(check_pasted(spec(), "\u{00A0}x\u{00A0}"), Ok("x"));
    }

    #[test]
    fn each_paste_mistake_has_its_reason_and_message() {
        for (input, reason, message) in [
            ("", "token_required", "empty"),
            (" \n", "token_required", "empty"),
            ("a b", "token_has_space", "space"),
            ("a\nb", "token_has_space", "space"),
            ("a\u{200B}b", "token_invisible_character", "invisible"),
            ("a\u{FEFF}", "token_invisible_character", "invisible"),
        ] {
            let err = check_pasted(spec(), input).expect_err(input);
            assert_eq!((err.field.as_str(), err.reason.as_str()), ("token", reason));
            assert_eq!(err.message, message);
        }
    }
}
