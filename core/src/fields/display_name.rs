//! The display name's check (step 1): one line of text, usually the
//! company's name.

use super::{describe_char, field_error, FIELD_DISPLAY_NAME};
use crate::error::FieldError;

/// The longest display name the assistant accepts.
pub const DISPLAY_NAME_MAX_CHARS: usize = 100;

/// Checks the display name (usually the company's name) and returns it
/// without surrounding whitespace.
pub fn validate_display_name(input: &str) -> Result<String, FieldError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(field_error(
            FIELD_DISPLAY_NAME,
            "display_name_required",
            "Enter a display name, usually your company's name, such as “Acme Co”.",
            None,
        ));
    }
    if let Some(c) = value.chars().find(|&c| c.is_control()) {
        return Err(field_error(
            FIELD_DISPLAY_NAME,
            "display_name_control_character",
            format!(
                "{} is in the display name. Keep the name on one line, without tabs or hidden characters.",
                describe_char(c)
            ),
            None,
        ));
    }
    let len = value.chars().count();
    if len > DISPLAY_NAME_MAX_CHARS {
        return Err(field_error(
            FIELD_DISPLAY_NAME,
            "display_name_too_long",
            format!(
                "The display name is {len} characters long; at most {DISPLAY_NAME_MAX_CHARS} are allowed. Remove {} or more.",
                len - DISPLAY_NAME_MAX_CHARS
            ),
            None,
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_rules() {
        // `Ok(None)`: valid and kept as typed; `Ok(Some(x))`: valid, becomes `x`.
        let cases: Vec<(String, Result<Option<&str>, &str>)> = vec![
            ("Acme Co".into(), Ok(None)),
            ("  Acme Co  ".into(), Ok(Some("Acme Co"))),
            ("Société Générale".into(), Ok(None)),
            ("東京株式会社 🚀".into(), Ok(None)),
            ("é".repeat(100), Ok(None)),
            ("é".repeat(101), Err("display_name_too_long")),
            ("x".repeat(101), Err("display_name_too_long")),
            (String::new(), Err("display_name_required")),
            (" \n\t".into(), Err("display_name_required")),
            ("Acme\nCo".into(), Err("display_name_control_character")),
            ("Acme\tCo".into(), Err("display_name_control_character")),
            ("Acme\u{7}Co".into(), Err("display_name_control_character")),
        ];
        for (input, want) in &cases {
            match (want, validate_display_name(input)) {
                (Ok(expected), Ok(got)) => assert_eq!(got, expected.unwrap_or(input)),
                (Err(reason), Err(err)) => {
                    assert_eq!(err.field, FIELD_DISPLAY_NAME);
                    assert_eq!(&err.reason, reason, "input {input:?}");
                }
                (_, got) => panic!("input {input:?}: unexpected {got:?}"),
            }
        }
        let err = validate_display_name(&"é".repeat(101)).expect_err("too long");
        assert!(err.message.contains("101 characters"), "{}", err.message);
    }
}
