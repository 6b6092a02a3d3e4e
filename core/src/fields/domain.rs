//! The domain field's check (step 1): one DNS label, with a specific
//! message and, where the intent is clear, a suggestion for every common
//! mistake (a pasted address, capital letters, spaces, dots, underscores).

use std::sync::LazyLock;

use url::Url;

use super::{describe_char, field_error, is_invisible, FIELD_DOMAIN};
use crate::endpoints::{Endpoints, Region};
use crate::error::FieldError;

/// The longest DNS label (RFC 1035, section 2.3.4).
pub const DOMAIN_MAX_CHARS: usize = 63;

const ALLOWED_DOMAIN_CHARACTERS: &str = "only the letters a–z, the digits 0–9 and hyphens work";

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

fn is_domain_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// The part of every instance's host after the domain, e.g. `.conductor.one`,
/// read from the endpoint table.
static INSTANCE_HOST_SUFFIX: LazyLock<String> = LazyLock::new(|| {
    const PROBE: &str = "example";
    let url = Endpoints::real(Region::default()).instance_url(PROBE);
    Url::parse(&url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .and_then(|host| host.strip_prefix(PROBE).map(str::to_owned))
        .unwrap_or_default()
});

/// ConductorOne's accounts host (the signup page), read from the endpoint table.
static ACCOUNTS_HOST: LazyLock<String> = LazyLock::new(|| {
    Url::parse(&Endpoints::real(Region::default()).signup_page())
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default()
});

/// Checks the domain and returns it normalised: surrounding whitespace
/// removed, capital letters a–z folded to lower case.
///
/// The domain becomes the first label of `https://<domain>.conductor.one`, so
/// it must be one DNS label: `a-z`, `0-9` and `-`, 1 to 63 characters, not
/// starting or ending with a hyphen.
///
/// Labels starting with `xn--` are accepted. They are ordinary DNS labels
/// (the ASCII form of an internationalised name), ConductorOne does not
/// document any rule against them, and refusing a valid label on a guess
/// would block an admin who chose one on purpose. Names typed with non-ASCII
/// letters are refused with a message instead, because the assistant does not
/// convert them and ConductorOne's form expects the plain form.
pub fn validate_domain(input: &str) -> Result<String, FieldError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(field_error(
            FIELD_DOMAIN,
            "domain_required",
            "Enter a domain, for example “acmeco”. It becomes the address of your ConductorOne instance.",
            None,
        ));
    }
    if let Some(err) = pasted_address(value) {
        return Err(err);
    }
    let folded = value.to_ascii_lowercase();
    if let Some(err) = invalid_domain_character(&folded) {
        return Err(err);
    }
    // Only a-z, 0-9 and '-' are left, so bytes and characters agree.
    let len = folded.len();
    if len > DOMAIN_MAX_CHARS {
        return Err(field_error(
            FIELD_DOMAIN,
            "domain_too_long",
            format!(
                "The domain is {len} characters long; at most {DOMAIN_MAX_CHARS} fit in a web address. Remove {} or more.",
                len - DOMAIN_MAX_CHARS
            ),
            None,
        ));
    }
    if folded.starts_with('-') || folded.ends_with('-') {
        let trimmed = folded.trim_matches('-');
        let suggestion = (!trimmed.is_empty()).then(|| trimmed.to_owned());
        return Err(field_error(
            FIELD_DOMAIN,
            "domain_hyphen_at_edge",
            "The domain can't start or end with a hyphen. Hyphens only work between letters or digits.",
            suggestion,
        ));
    }
    Ok(folded)
}

/// Recognises a pasted web address or host name and, when it is an instance
/// address such as `https://acmeco.conductor.one/`, offers the domain in it.
fn pasted_address(value: &str) -> Option<FieldError> {
    let lower = value.to_ascii_lowercase();
    let (has_scheme, rest) = match lower.find("://") {
        Some(i) => (true, &lower[i + 3..]),
        None => (false, lower.as_str()),
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let has_path = host_end < rest.len();
    let mut host = &rest[..host_end];
    if has_scheme {
        if let Some(at) = host.rfind('@') {
            host = &host[at + 1..];
        }
    }
    if let Some(colon) = host.rfind(':') {
        let port = &host[colon + 1..];
        if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) {
            host = &host[..colon];
        }
    }
    let has_dot = host.contains('.');
    // A final dot is valid DNS ("acmeco.conductor.one.") but not part of the name.
    let host = host.trim_end_matches('.');
    let is_url = has_scheme || (has_path && has_dot);
    if !is_url && !has_dot {
        return None;
    }
    let suffix = INSTANCE_HOST_SUFFIX.as_str();
    let opening = if is_url {
        "This is a web address."
    } else {
        "This is a full host name."
    };
    let reason = if is_url {
        "domain_is_url"
    } else {
        "domain_is_host"
    };

    if !ACCOUNTS_HOST.is_empty() && host == ACCOUNTS_HOST.as_str() {
        return Some(field_error(
            FIELD_DOMAIN,
            "domain_is_signup_address",
            "This is the address of ConductorOne's signup page, not your domain. Enter only the name you want for your instance, such as “acmeco”.",
            None,
        ));
    }
    if let Some(label) = host.strip_suffix(suffix).filter(|_| !suffix.is_empty()) {
        let offered = if label.contains('.') {
            None
        } else {
            validate_domain(label).ok()
        };
        if let Some(domain) = offered {
            return Some(field_error(
                FIELD_DOMAIN,
                reason,
                format!("{opening} Enter only the part before “{suffix}”: “{domain}”."),
                Some(domain),
            ));
        }
        return Some(field_error(
            FIELD_DOMAIN,
            reason,
            format!("{opening} Enter only the name you want before “{suffix}”, such as “acmeco”."),
            None,
        ));
    }
    if is_url {
        return Some(field_error(
            FIELD_DOMAIN,
            reason,
            format!("{opening} Enter only the name you want for your instance, such as “acmeco”; the assistant adds “{suffix}” for you."),
            None,
        ));
    }
    Some(field_error(
        FIELD_DOMAIN,
        "domain_has_dots",
        format!("Dots can't be used: the domain is one word, such as “acmeco”, and the assistant adds “{suffix}” for you."),
        None,
    ))
}

/// Finds the first character that can't be in a DNS label and explains it.
fn invalid_domain_character(folded: &str) -> Option<FieldError> {
    let chars: Vec<char> = folded.chars().collect();
    let index = chars.iter().position(|&c| !is_domain_char(c))?;
    let c = chars[index];
    let suggest_without = |drop: fn(char) -> bool| -> Option<String> {
        let cleaned: String = folded.chars().filter(|&c| !drop(c)).collect();
        validate_domain(&cleaned).ok()
    };

    if c.is_whitespace() {
        return Some(field_error(
            FIELD_DOMAIN,
            "domain_has_space",
            format!(
                "{} can't be used in the domain: {ALLOWED_DOMAIN_CHARACTERS}.",
                describe_char(c)
            ),
            suggest_without(char::is_whitespace),
        ));
    }
    if is_invisible(c) {
        return Some(field_error(
            FIELD_DOMAIN,
            "domain_invisible_character",
            format!(
                "{} is hidden in the domain, probably copied along with it. Type the domain again by hand.",
                describe_char(c)
            ),
            suggest_without(is_invisible),
        ));
    }
    if c.is_alphanumeric() || is_combining_mark(c) {
        // A combining accent is shown together with the letter before it.
        let start = if is_combining_mark(c) && index > 0 {
            index - 1
        } else {
            index
        };
        let end = index
            + 1
            + chars[index + 1..]
                .iter()
                .take_while(|&&m| is_combining_mark(m))
                .count();
        let quoted: String = chars[start..end].iter().collect();
        return Some(field_error(
            FIELD_DOMAIN,
            "domain_non_ascii_letter",
            format!(
                "“{quoted}” can't be used: {ALLOWED_DOMAIN_CHARACTERS}. Internationalised names aren't supported, so spell the domain with plain letters."
            ),
            None,
        ));
    }
    if c.is_ascii() {
        let suggestion = if c == '_' {
            validate_domain(&folded.replace('_', "-")).ok()
        } else {
            None
        };
        return Some(field_error(
            FIELD_DOMAIN,
            "domain_invalid_character",
            format!("“{c}” can't be used in the domain: {ALLOWED_DOMAIN_CHARACTERS}."),
            suggestion,
        ));
    }
    // Emoji and other symbols: quote the whole run, so that a symbol built
    // from several code points (a skin tone, a flag, a joined emoji) shows as
    // one.
    let quoted: String = chars[index..]
        .iter()
        .take_while(|&&s| !s.is_ascii() && !s.is_whitespace())
        .collect();
    Some(field_error(
        FIELD_DOMAIN,
        "domain_invalid_character",
        format!("“{quoted}” can't be used in the domain: {ALLOWED_DOMAIN_CHARACTERS}."),
        None,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a domain check should produce: the normalised value, or the
    /// reason and, if any, the suggestion.
    enum Want {
        Ok(&'static str),
        Err(&'static str, Option<&'static str>),
    }

    const LONG63: &str = "abcdefghijklmnopqrstuvwxyz-0123456789-abcdefghijklmnopqrstuvwxy";

    const LONG64: &str = "abcdefghijklmnopqrstuvwxyz-0123456789-abcdefghijklmnopqrstuvwxyz";
    const LONG81: &str =
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-cccccccccccccccccccccccccccccccccccccccc";

    fn domain_cases() -> Vec<(&'static str, Want)> {
        vec![
            ("acmeco", Want::Ok("acmeco")),
            ("  acmeco \n", Want::Ok("acmeco")),
            ("AcmeCo", Want::Ok("acmeco")),
            ("ACME-CO-2", Want::Ok("acme-co-2")),
            ("a", Want::Ok("a")),
            ("7", Want::Ok("7")),
            ("123abc", Want::Ok("123abc")),
            ("acme--co", Want::Ok("acme--co")),
            ("xn--bcher-kva", Want::Ok("xn--bcher-kva")),
            ("XN--BCHER-KVA", Want::Ok("xn--bcher-kva")),
            (LONG63, Want::Ok(LONG63)),
            ("", Want::Err("domain_required", None)),
            ("   \t\n ", Want::Err("domain_required", None)),
            (LONG64, Want::Err("domain_too_long", None)),
            (LONG81, Want::Err("domain_too_long", None)),
            ("-acme", Want::Err("domain_hyphen_at_edge", Some("acme"))),
            ("acme-", Want::Err("domain_hyphen_at_edge", Some("acme"))),
            ("-", Want::Err("domain_hyphen_at_edge", None)),
            (
                "acme_co",
                Want::Err("domain_invalid_character", Some("acme-co")),
            ),
            ("acme!", Want::Err("domain_invalid_character", None)),
            ("acme/co", Want::Err("domain_invalid_character", None)),
            ("acme co", Want::Err("domain_has_space", Some("acmeco"))),
            ("acme\tco", Want::Err("domain_has_space", Some("acmeco"))),
            (
                "acme\u{200B}co",
                Want::Err("domain_invisible_character", Some("acmeco")),
            ),
            (
                "\u{FEFF}acmeco",
                Want::Err("domain_invisible_character", Some("acmeco")),
            ),
            ("café", Want::Err("domain_non_ascii_letter", None)),
            ("cafe\u{0301}", Want::Err("domain_non_ascii_letter", None)),
            ("bücher", Want::Err("domain_non_ascii_letter", None)),
            ("ÄCME", Want::Err("domain_non_ascii_letter", None)),
            ("東京", Want::Err("domain_non_ascii_letter", None)),
            ("ａｃｍｅ", Want::Err("domain_non_ascii_letter", None)),
            ("acme🚀", Want::Err("domain_invalid_character", None)),
            (
                "👩\u{200D}💻team",
                Want::Err("domain_invalid_character", None),
            ),
            ("acme.co", Want::Err("domain_has_dots", None)),
            ("acme.", Want::Err("domain_has_dots", None)),
            ("admin@acmeco.com", Want::Err("domain_has_dots", None)),
            (
                "https://acmeco.conductor.one/",
                Want::Err("domain_is_url", Some("acmeco")),
            ),
            (
                "http://acmeco.conductor.one/login",
                Want::Err("domain_is_url", Some("acmeco")),
            ),
            (
                "https://AcmeCo.Conductor.One/login?sso_operation=initiate_login",
                Want::Err("domain_is_url", Some("acmeco")),
            ),
            (
                "https://acmeco.conductor.one:443",
                Want::Err("domain_is_url", Some("acmeco")),
            ),
            (
                "acmeco.conductor.one",
                Want::Err("domain_is_host", Some("acmeco")),
            ),
            (
                "acmeco.conductor.one/",
                Want::Err("domain_is_url", Some("acmeco")),
            ),
            (
                "  ACMECO.conductor.one.  ",
                Want::Err("domain_is_host", Some("acmeco")),
            ),
            (
                "https://acme_co.conductor.one/",
                Want::Err("domain_is_url", None),
            ),
            (
                "https://a.b.conductor.one/",
                Want::Err("domain_is_url", None),
            ),
            ("https://www.acmeco.com/", Want::Err("domain_is_url", None)),
            (
                "https://accounts.conductor.one/accounts/signup",
                Want::Err("domain_is_signup_address", None),
            ),
        ]
    }

    #[test]
    fn domain_rules() {
        assert_eq!((LONG63.len(), LONG64.len(), LONG81.len()), (63, 64, 81));
        let cases = domain_cases();
        assert!(cases.len() >= 30);
        for (input, want) in &cases {
            let got = validate_domain(input);
            match (want, &got) {
                (Want::Ok(expected), Ok(value)) => assert_eq!(value, expected, "input {input:?}"),
                (Want::Err(reason, suggestion), Err(err)) => {
                    assert_eq!(err.field, FIELD_DOMAIN, "input {input:?}");
                    assert_eq!(&err.reason, reason, "input {input:?}: {}", err.message);
                    assert_eq!(err.suggestion.as_deref(), *suggestion, "input {input:?}");
                    assert!(!err.message.is_empty());
                }
                _ => panic!("input {input:?}: unexpected {got:?}"),
            }
        }
    }

    #[test]
    fn domain_messages_name_the_problem() {
        let msg = |input: &str| validate_domain(input).expect_err("invalid").message;
        assert!(
            msg("acme_co").contains("“_” can't be used"),
            "{}",
            msg("acme_co")
        );
        assert!(msg("café").contains("“é”"));
        assert!(msg("café").contains("Internationalised names aren't supported"));
        assert!(msg("cafe\u{0301}").contains("“e\u{0301}”"));
        assert!(msg("acme🚀").contains("“🚀”"));
        assert!(msg("👩\u{200D}💻team").contains("“👩\u{200D}💻”"));
        assert!(msg(&"a".repeat(64)).contains("64 characters"));
        assert!(msg(&"a".repeat(70)).contains("Remove 7"));
        assert!(msg("acme co").starts_with("A space"));
        assert!(msg("acme\u{200B}co").contains("U+200B"));
        assert!(msg("acmeco.conductor.one").contains("“acmeco”"));
        assert!(msg("acmeco.conductor.one").contains("“.conductor.one”"));
    }

    #[test]
    fn every_suggestion_is_itself_valid() {
        for input in [
            "https://acmeco.conductor.one/",
            "acme co",
            "acme_co",
            "-acme-",
            "x\u{200B}y",
        ] {
            let err = validate_domain(input).expect_err("invalid");
            let suggestion = err.suggestion.expect("has a suggestion");
            assert_eq!(
                validate_domain(&suggestion).as_deref(),
                Ok(suggestion.as_str())
            );
        }
    }
}
