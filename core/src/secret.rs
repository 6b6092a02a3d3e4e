//! A wrapper for credentials (the JumpCloud client secret, the ConductorOne
//! invite code) that cannot leak by accident.
//!
//! * `Debug` and `Display` print `[redacted]`, so a secret in a log line, an
//!   error or a panic message shows nothing.
//! * It implements `Deserialize` (the webview sends it to Rust once) but not
//!   `Serialize`, so it can never be sent back over IPC or written to the
//!   state file.
//! * The memory is zeroed when the value is dropped.

use std::fmt;

use serde::{Deserialize, Deserializer};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The text printed in place of a secret.
pub const REDACTED: &str = "[redacted]";

/// A credential whose text is only reachable through [`Secret::expose`].
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value. The caller gives up its copy.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret's text. Call sites are few and easy to audit: the keychain,
    /// the token request, the clipboard copy of the paste helper.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in characters, for validation messages that must not quote it.
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            secret: Secret,
        }
        let secret = Secret::from("s3cr3t-value");
        assert_eq!(format!("{secret}"), REDACTED);
        assert_eq!(format!("{secret:?}"), REDACTED);
        assert_eq!(format!("{secret:#?}"), REDACTED);
        let holder = format!("{:?}", Holder { secret });
        assert!(!holder.contains("s3cr3t"), "{holder}");
        assert!(holder.contains(REDACTED));
    }

    #[test]
    fn expose_returns_the_exact_text() {
        let secret = Secret::from("MiXeD-Case 1");
        assert_eq!(secret.expose(), "MiXeD-Case 1");
        assert_eq!(secret.char_len(), 12);
    }

    #[test]
    fn deserializes_from_a_json_string() {
        let secret: Secret = serde_json::from_str("\"abc\"").expect("valid JSON string");
        assert_eq!(secret.expose(), "abc");
    }

    #[test]
    fn a_panic_message_with_a_secret_is_redacted() {
        let secret = Secret::from("do-not-print-me");
        let result = std::panic::catch_unwind(|| panic!("failed with {secret:?}"));
        let payload = result.expect_err("must panic");
        let text = payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        assert!(!text.contains("do-not-print-me"));
        assert!(text.contains(REDACTED));
    }
}
