//! The loopback port's check (the settings panel of step 2): the port of
//! the assistant's own redirect URI, `http://127.0.0.1:<port>/callback`.

use super::{field_error, FIELD_LOOPBACK_PORT};
use crate::error::FieldError;

/// Ports below this need administrator rights on macOS and Linux.
pub const MIN_LOOPBACK_PORT: u16 = 1024;

/// Checks the loopback port typed in the settings panel.
///
/// The port must be 1024 or above: lower ports need administrator rights on
/// macOS and Linux, and the assistant never asks for them. Changing the port
/// changes the second redirect URI, which must then be updated in JumpCloud.
pub fn validate_loopback_port(input: &str) -> Result<u16, FieldError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(field_error(
            FIELD_LOOPBACK_PORT,
            "loopback_port_required",
            format!(
                "Enter a port number between {MIN_LOOPBACK_PORT} and {}.",
                u16::MAX
            ),
            None,
        ));
    }
    if !value.chars().all(|c| c.is_ascii_digit()) {
        return Err(field_error(
            FIELD_LOOPBACK_PORT,
            "loopback_port_not_a_number",
            format!(
                "The port must be a whole number between {MIN_LOOPBACK_PORT} and {}, using digits only.",
                u16::MAX
            ),
            None,
        ));
    }
    // Digits only: a parse failure can only mean the number is too large.
    let number = value.parse::<u32>().unwrap_or(u32::MAX);
    check_loopback_port(number)
}

/// Checks a port number already parsed.
pub fn check_loopback_port(number: u32) -> Result<u16, FieldError> {
    match u16::try_from(number) {
        Ok(port) if port >= MIN_LOOPBACK_PORT => Ok(port),
        Ok(_) => Err(field_error(
            FIELD_LOOPBACK_PORT,
            "loopback_port_too_low",
            format!(
                "Ports below {MIN_LOOPBACK_PORT} need administrator rights on many computers. Choose a port from {MIN_LOOPBACK_PORT} to {}.",
                u16::MAX
            ),
            None,
        )),
        Err(_) => Err(field_error(
            FIELD_LOOPBACK_PORT,
            "loopback_port_too_high",
            format!("Port numbers stop at {}. Choose a port from {MIN_LOOPBACK_PORT} to {}.", u16::MAX, u16::MAX),
            None,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::DEFAULT_LOOPBACK_PORT;

    #[test]
    fn loopback_port_rules() {
        let cases: [(&str, Result<u16, &str>); 14] = [
            ("38710", Ok(38_710)),
            (" 1024 ", Ok(1024)),
            ("65535", Ok(65_535)),
            ("08080", Ok(8080)),
            ("", Err("loopback_port_required")),
            ("   ", Err("loopback_port_required")),
            ("1023", Err("loopback_port_too_low")),
            ("80", Err("loopback_port_too_low")),
            ("0", Err("loopback_port_too_low")),
            ("65536", Err("loopback_port_too_high")),
            ("99999999999999999999", Err("loopback_port_too_high")),
            ("-1", Err("loopback_port_not_a_number")),
            ("80.5", Err("loopback_port_not_a_number")),
            ("８０８０", Err("loopback_port_not_a_number")),
        ];
        for (input, want) in cases {
            match (want, validate_loopback_port(input)) {
                (Ok(expected), Ok(port)) => assert_eq!(port, expected, "{input:?}"),
                (Err(reason), Err(err)) => {
                    assert_eq!(err.field, FIELD_LOOPBACK_PORT);
                    assert_eq!(err.reason, reason, "{input:?}");
                    assert!(err.message.contains("1024"), "{}", err.message);
                }
                (_, got) => panic!("{input:?}: unexpected {got:?}"),
            }
        }
        assert_eq!(
            check_loopback_port(u32::from(DEFAULT_LOOPBACK_PORT)),
            Ok(DEFAULT_LOOPBACK_PORT)
        );
        assert!(check_loopback_port(70_000).is_err());
    }
}
