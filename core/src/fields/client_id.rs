//! The Client ID's rule (step 3, `verify-sso --client-id`, the state file).
//! Step 3 words the messages; the rule is here so that the state file's
//! check is the very same.

use super::{check_pasted, describe_char, field_error, Pasted, FIELD_CLIENT_ID};
use crate::error::FieldError;

/// Whether `c` can be part of a JumpCloud Client ID: ASCII letters, digits,
/// `-`, `_` and `.`.
///
/// This rule is inferred: JumpCloud does not document the Client ID's
/// alphabet, and the ones seen are UUID-like (hex digits and hyphens). The
/// set is kept a little wider than that on purpose. If the guess is ever
/// wrong, a real Client ID is refused with a message naming the character
/// (reason `client_id_character`), not silently changed or lost. The rule
/// also keeps the Client ID safe wherever it is printed (file names,
/// keychain items, shell commands).
pub fn is_client_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Checks a Client ID as pasted: `spec`'s checks of any pasted credential
/// (trimmed, not empty, no inner space, no invisible character), then its
/// characters. `copy_from` says where to copy it again.
pub(crate) fn check_client_id<'v>(
    spec: Pasted<'_>,
    copy_from: &str,
    input: &'v str,
) -> Result<&'v str, FieldError> {
    let value = check_pasted(spec, input)?;
    match value.chars().find(|&c| !is_client_id_char(c)) {
        None => Ok(value),
        Some(c) => Err(field_error(
            FIELD_CLIENT_ID,
            "client_id_character",
            format!(
                "{} is not part of a Client ID: JumpCloud's Client IDs have only letters, digits, hyphens (-), underscores (_) and dots (.). Copy it again from {copy_from}.",
                describe_char(c)
            ),
            None,
        )),
    }
}

/// Whether `value` is a Client ID exactly as step 3 would have stored it
/// (for values read back, e.g. from the state file).
pub fn is_stored_client_id(value: &str) -> bool {
    let spec = Pasted {
        field: FIELD_CLIENT_ID,
        required: String::new(),
        has_space: String::new(),
        invisible: String::new(),
    };
    check_client_id(spec, "", value) == Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str) -> Result<&str, FieldError> {
        let spec = Pasted {
            field: FIELD_CLIENT_ID,
            required: "required".into(),
            has_space: "space".into(),
            invisible: "invisible".into(),
        };
        check_client_id(spec, "JumpCloud", input)
    }

    #[test]
    fn a_client_id_has_letters_digits_hyphens_underscores_and_dots() {
        for ok in ["0a1b2c3d-4e5f-6789-abcd-ef0123456789", "AbC_1.2-x", "x"] {
            assert_eq!(check(ok), Ok(ok));
            assert!(is_stored_client_id(ok), "{ok}");
        }
        assert_eq!(check(" abc\n"), Ok("abc"));
        for (bad, named) in [
            ("abc;rm", "“;”"),
            ("$(id)", "“$”"),
            ("a'b", "“'”"),
            ("a`b`", "“`”"),
            ("a\"b", "“\"”"),
            ("ab/c", "“/”"),
            ("clé", "“é”"),
            ("a\u{1b}b", "An invisible character (U+001B)"),
        ] {
            let err = check(bad).expect_err(bad);
            assert_eq!(err.field, FIELD_CLIENT_ID);
            if bad.contains('\u{1b}') {
                assert_eq!(err.reason, "client_id_invisible_character");
            } else {
                assert_eq!(err.reason, "client_id_character", "{bad}");
                assert!(err.message.starts_with(named), "{}", err.message);
                assert!(err.message.ends_with("from JumpCloud."), "{}", err.message);
            }
            assert!(!is_stored_client_id(bad), "{bad}");
        }
        for not_as_stored in ["", " abc", "abc\n", "a b"] {
            assert!(!is_stored_client_id(not_as_stored), "{not_as_stored:?}");
        }
    }
}
