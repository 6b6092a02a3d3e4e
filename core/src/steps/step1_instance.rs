//! Step 1: create your ConductorOne instance (domain, display name, invite code).
//!
//! Every rule here is a pure function so the window can check a field as the
//! admin types and the shell can check all three again on Continue. A rule that
//! fails returns a [`FieldError`] with a stable `reason` and a message written
//! for the admin; when the assistant can guess what was meant (a pasted
//! address, a space in the domain) the error carries a `suggestion` the window
//! offers as a one-click fix.
//!
//! The invite code is a credential: it only ever lives in a [`Secret`], and no
//! message quotes it.

use std::sync::LazyLock;

use serde::Deserialize;
use ts_rs::TS;
use url::Url;

use crate::endpoints::{Endpoints, Region};
use crate::error::FieldError;
use crate::secret::Secret;

pub const TITLE: &str = "Create your ConductorOne instance";
pub const SUMMARY: &str =
    "Choose the address, the name and the invite code for your ConductorOne instance.";

/// Field ids, as the window names its inputs.
pub const FIELD_DOMAIN: &str = "domain";
pub const FIELD_DISPLAY_NAME: &str = "display_name";
pub const FIELD_INVITE_CODE: &str = "invite_code";

/// The longest DNS label (RFC 1035, section 2.3.4).
pub const DOMAIN_MAX_CHARS: usize = 63;
/// The longest display name the assistant accepts.
pub const DISPLAY_NAME_MAX_CHARS: usize = 100;

const ALLOWED_DOMAIN_CHARACTERS: &str = "only the letters a–z, the digits 0–9 and hyphens work";

/// Builds a field error. Shared by the step modules.
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
fn describe_char(c: char) -> String {
    match c {
        ' ' => "A space".to_owned(),
        '\t' => "A tab".to_owned(),
        '\n' | '\r' => "A line break".to_owned(),
        c if c.is_whitespace() => format!("A special space (U+{:04X})", u32::from(c)),
        c if is_invisible(c) => format!("An invisible character (U+{:04X})", u32::from(c)),
        c => format!("“{c}”"),
    }
}

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

/// The instance address the window previews under the domain field, or
/// `None` while the domain is not valid.
pub fn instance_preview(endpoints: &Endpoints, input: &str) -> Option<String> {
    validate_domain(input)
        .ok()
        .map(|domain| endpoints.instance_url(&domain))
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

/// Checks the invite code. Its case is never changed: ConductorOne's codes
/// are case-sensitive. Only surrounding whitespace and line breaks are
/// removed. No message quotes the code.
pub fn validate_invite_code(input: &str) -> Result<Secret, FieldError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(field_error(
            FIELD_INVITE_CODE,
            "invite_code_required",
            "Enter the invite code you received from ConductorOne.",
            None,
        ));
    }
    if value.chars().any(char::is_whitespace) {
        return Err(field_error(
            FIELD_INVITE_CODE,
            "invite_code_has_space",
            "The invite code has a space or line break in the middle, and invite codes have none. Copy it again in one piece, exactly as you received it.",
            None,
        ));
    }
    if value.chars().any(is_invisible) {
        return Err(field_error(
            FIELD_INVITE_CODE,
            "invite_code_invisible_character",
            "The invite code contains an invisible character, probably copied along with it. Copy it again, or type it by hand keeping capital and small letters as they are.",
            None,
        ));
    }
    Ok(Secret::new(value.to_owned()))
}

/// What the window sends when the admin confirms step 1.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct InstanceInput {
    pub domain: String,
    pub display_name: String,
    #[ts(type = "string")]
    pub invite_code: Secret,
}

/// Step 1's values after every check passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidInstance {
    /// The DNS label, lower case.
    pub domain: String,
    pub display_name: String,
    /// Exactly as received, minus surrounding whitespace.
    pub invite_code: Secret,
}

impl ValidInstance {
    /// The instance's address, e.g. `https://acmeco.conductor.one/`.
    pub fn instance_url(&self, endpoints: &Endpoints) -> String {
        endpoints.instance_url(&self.domain)
    }
}

/// Checks all three fields and reports every problem at once, in the order
/// the fields appear on screen.
pub fn validate_instance(input: &InstanceInput) -> Result<ValidInstance, Vec<FieldError>> {
    let domain = validate_domain(&input.domain);
    let display_name = validate_display_name(&input.display_name);
    let invite_code = validate_invite_code(input.invite_code.expose());
    match (domain, display_name, invite_code) {
        (Ok(domain), Ok(display_name), Ok(invite_code)) => Ok(ValidInstance {
            domain,
            display_name,
            invite_code,
        }),
        (domain, display_name, invite_code) => {
            Err([domain.err(), display_name.err(), invite_code.err()]
                .into_iter()
                .flatten()
                .collect())
        }
    }
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

    #[test]
    fn preview_shows_the_instance_address_only_when_valid() {
        let e = Endpoints::real(Region::Us);
        assert_eq!(
            instance_preview(&e, " AcmeCo "),
            Some("https://acmeco.conductor.one/".to_owned())
        );
        assert_eq!(instance_preview(&e, "acme.co"), None);
        assert_eq!(instance_preview(&e, ""), None);
    }

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

    #[test]
    fn invite_code_rules() {
        let cases: Vec<(&str, Result<&str, &str>)> = vec![
            ("AbCdEf-123", Ok("AbCdEf-123")),
            ("abcdef", Ok("abcdef")),
            ("ABCDEF", Ok("ABCDEF")),
            ("  MiXeDcAsE42  ", Ok("MiXeDcAsE42")),
            ("\r\nQwErTy\r\n", Ok("QwErTy")),
            ("\tTab-Around\t", Ok("Tab-Around")),
            ("\u{00A0}NbspAround\u{00A0}", Ok("NbspAround")),
            ("ÄÖÜ-code", Ok("ÄÖÜ-code")),
            ("", Err("invite_code_required")),
            ("  \n ", Err("invite_code_required")),
            ("Abc Def", Err("invite_code_has_space")),
            ("Abc\nDef", Err("invite_code_has_space")),
            ("Abc\tDef", Err("invite_code_has_space")),
            ("Abc\u{200B}Def", Err("invite_code_invisible_character")),
        ];
        for (input, want) in &cases {
            match (want, validate_invite_code(input)) {
                (Ok(expected), Ok(secret)) => assert_eq!(secret.expose(), *expected),
                (Err(reason), Err(err)) => {
                    assert_eq!(err.field, FIELD_INVITE_CODE);
                    assert_eq!(&err.reason, reason, "input {input:?}");
                    let core = input.trim();
                    if !core.is_empty() {
                        for part in core.split(char::is_whitespace).filter(|p| p.len() > 2) {
                            assert!(
                                !err.message.contains(part),
                                "message quotes the code: {}",
                                err.message
                            );
                        }
                    }
                }
                (_, Ok(secret)) => panic!("input {input:?}: unexpectedly valid ({secret:?})"),
                (_, Err(err)) => panic!("input {input:?}: unexpected {err:?}"),
            }
        }
    }

    #[test]
    fn all_instance_errors_are_reported_at_once() {
        let input = InstanceInput {
            domain: "https://acmeco.conductor.one/".into(),
            display_name: String::new(),
            invite_code: Secret::from("Has Space"),
        };
        let errors = validate_instance(&input).expect_err("three errors");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [FIELD_DOMAIN, FIELD_DISPLAY_NAME, FIELD_INVITE_CODE]
        );
        assert_eq!(errors[0].suggestion.as_deref(), Some("acmeco"));
    }

    #[test]
    fn a_valid_instance_keeps_the_invite_code_exactly() {
        let input: InstanceInput = serde_json::from_str(
            r#"{"domain":" AcmeCo ","display_name":" Acme Co ","invite_code":" xY7-QqZ \n"}"#,
        )
        .expect("valid JSON");
        let valid = validate_instance(&input).expect("valid");
        assert_eq!(valid.domain, "acmeco");
        assert_eq!(valid.display_name, "Acme Co");
        assert_eq!(valid.invite_code.expose(), "xY7-QqZ");
        assert_eq!(
            valid.instance_url(&Endpoints::real(Region::Eu)),
            "https://acmeco.conductor.one/"
        );
        let debug = format!("{valid:?} {input:?}");
        assert!(!debug.contains("xY7"), "{debug}");
    }
}
