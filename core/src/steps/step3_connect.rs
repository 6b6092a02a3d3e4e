//! Step 3: connect JumpCloud to ConductorOne (Client ID and secret, the
//! verification login, the hand-off to ConductorOne's signup).

pub const TITLE: &str = "Connect JumpCloud to ConductorOne";
pub const SUMMARY: &str =
    "Store the Client ID and secret safely and prove that the JumpCloud app signs you in.";

// ---------------------------------------------------------------------------
// The Client ID and Client Secret fields.
// ---------------------------------------------------------------------------

use serde::Deserialize;
use ts_rs::TS;

use super::step1_instance::{field_error, is_invisible};
use crate::error::FieldError;
use crate::secret::Secret;

pub const FIELD_CLIENT_ID: &str = "client_id";
pub const FIELD_CLIENT_SECRET: &str = "client_secret";

/// The shortest value accepted as a Client Secret. JumpCloud's secrets are
/// far longer; anything this short is a partial copy or the wrong field.
pub const CLIENT_SECRET_MIN_CHARS: usize = 16;

/// Where both values are shown in JumpCloud, for the messages.
const WHERE_TO_COPY: &str = "the “Application Saved” popup in JumpCloud (step 2)";

/// Checks the Client ID and returns it trimmed.
pub fn validate_client_id(input: &str) -> Result<String, FieldError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(field_error(
            FIELD_CLIENT_ID,
            "client_id_required",
            format!("Enter the Client ID shown in {WHERE_TO_COPY}."),
            None,
        ));
    }
    if value.chars().any(char::is_whitespace) {
        return Err(field_error(
            FIELD_CLIENT_ID,
            "client_id_has_space",
            format!(
                "The Client ID has a space or line break in the middle, and Client IDs have none. Copy it again from {WHERE_TO_COPY}."
            ),
            None,
        ));
    }
    if value.chars().any(is_invisible) {
        return Err(field_error(
            FIELD_CLIENT_ID,
            "client_id_invisible_character",
            format!(
                "The Client ID contains an invisible character, probably copied along with it. Copy it again from {WHERE_TO_COPY}."
            ),
            None,
        ));
    }
    Ok(value.to_owned())
}

/// Checks the Client Secret. Only surrounding whitespace and line breaks are
/// removed; no message quotes the secret.
pub fn validate_client_secret(input: &str) -> Result<Secret, FieldError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(field_error(
            FIELD_CLIENT_SECRET,
            "client_secret_required",
            format!("Paste the Client Secret shown in {WHERE_TO_COPY}."),
            None,
        ));
    }
    if value.chars().any(char::is_whitespace) {
        return Err(field_error(
            FIELD_CLIENT_SECRET,
            "client_secret_has_space",
            format!(
                "The Client Secret has a space or line break in the middle, and secrets have none. Copy it again in one piece from {WHERE_TO_COPY}."
            ),
            None,
        ));
    }
    if value.chars().any(is_invisible) {
        return Err(field_error(
            FIELD_CLIENT_SECRET,
            "client_secret_invisible_character",
            format!(
                "The Client Secret contains an invisible character, probably copied along with it. Copy it again from {WHERE_TO_COPY}."
            ),
            None,
        ));
    }
    let len = value.chars().count();
    if len < CLIENT_SECRET_MIN_CHARS {
        return Err(field_error(
            FIELD_CLIENT_SECRET,
            "client_secret_too_short",
            format!(
                "This is only {len} characters long, too short for a JumpCloud Client Secret. Copy the whole secret from {WHERE_TO_COPY}. If the popup is closed, generate a new secret in the app's SSO tab."
            ),
            None,
        ));
    }
    Ok(Secret::new(value.to_owned()))
}

/// What the window sends when the admin stores the step 3 values.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct ConnectInput {
    pub client_id: String,
    #[ts(type = "string")]
    pub client_secret: Secret,
}

/// The step 3 values after every check passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidConnect {
    pub client_id: String,
    pub client_secret: Secret,
}

/// Checks both fields and reports every problem at once. A secret equal to
/// the Client ID is refused: it means the same value was pasted twice.
pub fn validate_connect(input: &ConnectInput) -> Result<ValidConnect, Vec<FieldError>> {
    let client_id = validate_client_id(&input.client_id);
    let client_secret = validate_client_secret(input.client_secret.expose());
    match (client_id, client_secret) {
        (Ok(client_id), Ok(client_secret)) => {
            if client_secret.expose() == client_id {
                return Err(vec![field_error(
                    FIELD_CLIENT_SECRET,
                    "client_secret_is_client_id",
                    "The Client Secret is the same as the Client ID. Copy the secret from the second field of the popup.",
                    None,
                )]);
            }
            Ok(ValidConnect {
                client_id,
                client_secret,
            })
        }
        (client_id, client_secret) => Err([client_id.err(), client_secret.err()]
            .into_iter()
            .flatten()
            .collect()),
    }
}

#[cfg(test)]
mod field_tests {
    use super::*;

    const SECRET: &str = "Zq8x-Lw3!pR7_tY2mN5vB0cD";

    #[test]
    fn client_id_rules() {
        let cases: [(&str, Result<&str, &str>); 9] = [
            (
                "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
                Ok("0a1b2c3d-4e5f-6789-abcd-ef0123456789"),
            ),
            ("  AbC123  ", Ok("AbC123")),
            ("\nabc\r\n", Ok("abc")),
            ("x", Ok("x")),
            ("", Err("client_id_required")),
            (" \t ", Err("client_id_required")),
            ("abc def", Err("client_id_has_space")),
            ("abc\ndef", Err("client_id_has_space")),
            ("abc\u{200B}def", Err("client_id_invisible_character")),
        ];
        for (input, want) in cases {
            match (want, validate_client_id(input)) {
                (Ok(expected), Ok(got)) => assert_eq!(got, expected),
                (Err(reason), Err(err)) => {
                    assert_eq!(err.field, FIELD_CLIENT_ID);
                    assert_eq!(err.reason, reason, "{input:?}");
                }
                (_, got) => panic!("{input:?}: unexpected {got:?}"),
            }
        }
    }

    #[test]
    fn client_secret_rules() {
        let padded = format!("  {SECRET}\r\n");
        let inner_space = format!("{} {}", &SECRET[..10], &SECRET[10..]);
        let inner_break = format!("{}\n{}", &SECRET[..10], &SECRET[10..]);
        let zero_width = format!("{}\u{200B}{}", &SECRET[..10], &SECRET[10..]);
        let sixteen = &SECRET[..16];
        let fifteen = &SECRET[..15];
        let cases: Vec<(&str, Result<&str, &str>)> = vec![
            (SECRET, Ok(SECRET)),
            (&padded, Ok(SECRET)),
            (sixteen, Ok(sixteen)),
            (fifteen, Err("client_secret_too_short")),
            ("", Err("client_secret_required")),
            ("\n\n", Err("client_secret_required")),
            (&inner_space, Err("client_secret_has_space")),
            (&inner_break, Err("client_secret_has_space")),
            (&zero_width, Err("client_secret_invisible_character")),
        ];
        for (input, want) in cases {
            match (want, validate_client_secret(input)) {
                (Ok(expected), Ok(secret)) => assert_eq!(secret.expose(), expected),
                (Err(reason), Err(err)) => {
                    assert_eq!(err.field, FIELD_CLIENT_SECRET);
                    assert_eq!(err.reason, reason, "{input:?}");
                    // No part of the secret appears in the message.
                    for chunk in SECRET.as_bytes().chunks(5) {
                        let chunk = std::str::from_utf8(chunk).expect("ASCII");
                        assert!(!err.message.contains(chunk), "{}", err.message);
                    }
                }
                (_, Ok(secret)) => panic!("{input:?}: unexpectedly valid {secret:?}"),
                (_, Err(err)) => panic!("{input:?}: unexpected {err:?}"),
            }
        }
        let err = validate_client_secret(fifteen).expect_err("too short");
        assert!(err.message.contains("15 characters"), "{}", err.message);
    }

    #[test]
    fn connect_reports_both_fields_and_a_swapped_paste() {
        let both = ConnectInput {
            client_id: "a b".into(),
            client_secret: Secret::from("short"),
        };
        let errors = validate_connect(&both).expect_err("two errors");
        let reasons: Vec<_> = errors.iter().map(|e| e.reason.as_str()).collect();
        assert_eq!(reasons, ["client_id_has_space", "client_secret_too_short"]);

        let same = ConnectInput {
            client_id: SECRET.into(),
            client_secret: Secret::from(SECRET),
        };
        let errors = validate_connect(&same).expect_err("same value");
        assert_eq!(errors[0].reason, "client_secret_is_client_id");

        let input: ConnectInput = serde_json::from_value(
            serde_json::json!({"client_id": " id-1 ", "client_secret": format!(" {SECRET} ")}),
        )
        .expect("valid JSON");
        let valid = validate_connect(&input).expect("valid");
        assert_eq!(valid.client_id, "id-1");
        assert_eq!(valid.client_secret.expose(), SECRET);
        assert!(!format!("{valid:?}").contains(SECRET));
    }
}
