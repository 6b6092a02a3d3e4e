//! The setup report the admin exports from the done screen: a Markdown
//! summary of what was set up where, what the verification login proved and
//! what comes next. It is built from the saved progress alone, so it can
//! never contain the secret, the invite code or a token.

use time::{OffsetDateTime, UtcOffset};

use crate::endpoints::{Endpoints, JUMPCLOUD_APP_LABEL};
use crate::error::AppError;
use crate::login::{CheckId, CheckResult};
use crate::progress::{AccessItem, SavedState, VerificationOutcome, VerificationRecord};
use crate::setup::Setup;
use crate::steps::step2_jumpcloud_app::CLIENT_AUTH_TYPE;
use crate::steps::step4_access::verify_sso_command;

/// The report as the done screen exports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// A file name to suggest, e.g. `conductorone-setup-acmeco.md`.
    pub file_name: String,
    pub markdown: String,
}

impl Setup {
    /// The setup report, as of now.
    pub fn report(&self) -> Result<Report, AppError> {
        Ok(Report {
            file_name: report_file_name(self.state()),
            markdown: report_markdown(self.state(), &self.endpoints()?, OffsetDateTime::now_utc()),
        })
    }
}

/// A file name for the exported report, e.g. `conductorone-setup-acmeco.md`.
pub fn report_file_name(state: &SavedState) -> String {
    if state.domain.is_empty() {
        "conductorone-setup.md".to_owned()
    } else {
        // The domain is a validated DNS label: safe in a file name.
        format!("conductorone-setup-{}.md", state.domain)
    }
}

/// The checks a verification login proves, in the order it proves them, with
/// their names in the report.
const CHECKS: [(CheckId, &str); 7] = [
    (CheckId::Issuer, "Issuer"),
    (CheckId::RedirectUri, "Redirect URI"),
    (CheckId::GroupAssignment, "User group assignment"),
    (CheckId::ClientSecret, "Client ID and Client Secret"),
    (CheckId::AuthType, "Client Authentication Type"),
    (CheckId::IdToken, "Identity token"),
    (CheckId::EmailMapping, "Email attribute mapping"),
];

fn check_name(id: CheckId) -> &'static str {
    match id {
        CheckId::Issuer => CHECKS[0].1,
        CheckId::RedirectUri => CHECKS[1].1,
        CheckId::GroupAssignment => CHECKS[2].1,
        CheckId::ClientSecret => CHECKS[3].1,
        CheckId::AuthType => CHECKS[4].1,
        CheckId::IdToken => CHECKS[5].1,
        CheckId::EmailMapping => CHECKS[6].1,
    }
}

/// The setup report, in Markdown, for the done screen's "Export setup report".
///
/// It lists the domain, display name, region, issuer, Client ID, both
/// redirect URIs, the login URL, the instance's address and when it answered,
/// the sign-in check (when, the admin's email, each check's result), step 4's
/// checklist and what comes next.
///
/// It never holds the Client Secret, the invite code or a token: this
/// function is not given them ([`SavedState`] has no field that could hold
/// one). Every value the admin or JumpCloud supplied is escaped, so a display
/// name with `|`, `*`, backticks or a line break cannot change the
/// document's structure.
pub fn report_markdown(
    state: &SavedState,
    endpoints: &Endpoints,
    generated_at: OffsetDateTime,
) -> String {
    let mut out = String::new();
    let title = if state.display_name.trim().is_empty() {
        state.domain.as_str()
    } else {
        state.display_name.as_str()
    };
    let title = if title.is_empty() {
        "ConductorOne setup report".to_owned()
    } else {
        format!("ConductorOne setup report: {}", text(title))
    };
    line(&mut out, &format!("# {title}"));
    blank(&mut out);
    line(
        &mut out,
        &format!(
            "Made on {} by the ConductorOne Setup Assistant.",
            when(generated_at)
        ),
    );
    blank(&mut out);
    line(
        &mut out,
        "This report holds no Client Secret, invite code or sign-in token: the assistant keeps the secret and the invite code only in your computer's keychain.",
    );
    if endpoints.sandbox() {
        blank(&mut out);
        line(
            &mut out,
            "**Test setup:** the addresses below point at stand-ins, not at the real JumpCloud and ConductorOne services.",
        );
    }

    instance_section(&mut out, state, endpoints);
    jumpcloud_section(&mut out, state, endpoints);
    verification_section(&mut out, state, endpoints);
    access_section(&mut out, state);
    next_section(&mut out, state, endpoints);
    out
}

fn instance_section(out: &mut String, state: &SavedState, endpoints: &Endpoints) {
    heading(out, "ConductorOne instance");
    item(out, "Domain", &code_or_missing(&state.domain));
    item(out, "Display name", &text_or_missing(&state.display_name));
    if state.domain.is_empty() {
        item(out, "Instance address", NOT_ENTERED);
    } else {
        item(
            out,
            "Instance address",
            &code(&endpoints.instance_url(&state.domain)),
        );
    }
    if let Some(opened) = state.signup.opened_at {
        item(out, "Signup page opened", &when(opened));
    }
    let live = match state.signup.instance_live_at {
        Some(at) => format!("answered on {}", when(at)),
        None => "not confirmed yet: the assistant had not seen the instance answer when this report was made".to_owned(),
    };
    item(out, "Instance live", &live);
}

fn jumpcloud_section(out: &mut String, state: &SavedState, endpoints: &Endpoints) {
    heading(out, "JumpCloud app");
    item(out, "App", &text(JUMPCLOUD_APP_LABEL));
    item(out, "Region", &text(endpoints.region().label()));
    item(out, "Issuer", &code(endpoints.issuer()));
    item(
        out,
        "Client ID",
        &state
            .client_id
            .as_deref()
            .map_or_else(|| NOT_ENTERED.to_owned(), code_or_missing),
    );
    item(out, "Client Authentication Type", &text(CLIENT_AUTH_TYPE));
    line(out, "- **Redirect URIs:**");
    line(
        out,
        &format!(
            "  - {} (ConductorOne's sign-in)",
            code(&endpoints.conductorone_redirect_uri())
        ),
    );
    line(
        out,
        &format!(
            "  - {} (this assistant's sign-in check)",
            code(&Endpoints::loopback_redirect_uri(state.loopback_port))
        ),
    );
    if state.domain.is_empty() {
        item(out, "Login URL", NOT_ENTERED);
    } else {
        item(out, "Login URL", &code(&endpoints.login_url(&state.domain)));
    }
}

fn verification_section(out: &mut String, state: &SavedState, endpoints: &Endpoints) {
    heading(out, "Sign-in check");
    let Some(record) = &state.verification else {
        line(
            out,
            "**Not run.** The sign-in check of step 3 has not been run, so nothing above has been proven to work yet.",
        );
        return;
    };
    match &record.outcome {
        VerificationOutcome::Passed {
            email,
            email_verified,
            checks,
        } => {
            let verified = match email_verified {
                Some(true) => " (JumpCloud marks this address as verified)",
                Some(false) => " (JumpCloud marks this address as not verified)",
                None => "",
            };
            line(
                out,
                &format!(
                    "**Passed** on {}. JumpCloud signed in {}{verified}.",
                    when(record.at),
                    text_or_missing(email)
                ),
            );
            other_app_note(out, record, state, endpoints);
            blank(out);
            check_list(out, checks);
        }
        VerificationOutcome::Failed { kind } => {
            line(
                out,
                &format!(
                    "**Not passed.** The last sign-in check, on {}, failed with the error {}. Run the check again in step 3 and follow what it says.",
                    when(record.at),
                    code(kind.as_str())
                ),
            );
            other_app_note(out, record, state, endpoints);
        }
    }
}

/// Says so when the check ran against another issuer or Client ID than the
/// ones listed above.
fn other_app_note(
    out: &mut String,
    record: &VerificationRecord,
    state: &SavedState,
    endpoints: &Endpoints,
) {
    let same_client = state.client_id.as_deref() == Some(record.client_id.as_str());
    if same_client && record.issuer == endpoints.issuer() {
        return;
    }
    blank(out);
    line(
        out,
        &format!(
            "**Note:** this check ran with the Client ID {} against {}, not with the values above. Run it again in step 3.",
            code_or_missing(&record.client_id),
            code_or_missing(&record.issuer)
        ),
    );
}

fn check_list(out: &mut String, checks: &[CheckResult]) {
    if checks.is_empty() {
        line(
            out,
            "The result of each check was not recorded. Run the check again in step 3 to list them here.",
        );
        return;
    }
    for (id, _) in CHECKS {
        match checks.iter().find(|c| c.id == id) {
            Some(check) => line(
                out,
                &format!(
                    "- Passed: **{}**: {}",
                    check_name(id),
                    text_or_missing(&check.label)
                ),
            ),
            None => line(out, &format!("- Not confirmed: **{}**", check_name(id))),
        }
    }
}

fn access_section(out: &mut String, state: &SavedState) {
    heading(out, "Access for your colleagues (step 4)");
    for id in AccessItem::ALL {
        let mark = if state.access_checklist.contains(&id) {
            "x"
        } else {
            " "
        };
        let optional = if id.optional() { " (optional)" } else { "" };
        line(out, &format!("- [{mark}] {}{optional}", text(id.label())));
    }
    blank(out);
    match state.finished_at {
        Some(at) => line(out, &format!("Setup finished on {}.", when(at))),
        None => line(
            out,
            "Step 4 was not marked as finished when this report was made.",
        ),
    }
}

fn next_section(out: &mut String, state: &SavedState, endpoints: &Endpoints) {
    heading(out, "What comes next");
    if state.domain.is_empty() {
        line(
            out,
            "1. Open your ConductorOne instance and sign in with JumpCloud.",
        );
    } else {
        line(
            out,
            &format!(
                "1. Open ConductorOne at {} and sign in with JumpCloud.",
                code(&endpoints.instance_url(&state.domain))
            ),
        );
    }
    line(
        out,
        "2. Connect your user directory: in ConductorOne's onboarding, add the JumpCloud connector with a JumpCloud API key, then check Directory > Directory sources.",
    );
    let client_id = state.client_id.as_deref().filter(|id| !id.is_empty());
    line(
        out,
        &format!(
            "3. To re-check the sign-in later, run {} in a terminal. It needs {} to stay in the JumpCloud app's Redirect URIs.",
            code(&verify_sso_command(
                endpoints.issuer(),
                client_id,
                state.loopback_port
            )),
            code(&Endpoints::loopback_redirect_uri(state.loopback_port))
        ),
    );
}

const NOT_ENTERED: &str = "*not entered yet*";

fn line(out: &mut String, text: &str) {
    out.push_str(text);
    out.push('\n');
}

fn blank(out: &mut String) {
    out.push('\n');
}

fn heading(out: &mut String, title: &str) {
    blank(out);
    line(out, &format!("## {title}"));
    blank(out);
}

fn item(out: &mut String, label: &str, value: &str) {
    line(out, &format!("- **{label}:** {value}"));
}

/// A time for people: `2024-03-05 14:07 UTC`. A time that has no UTC form
/// (a year past 9999 once moved to UTC) is shown with its own offset rather
/// than panic; the state file's check keeps such times out anyway.
fn when(at: OffsetDateTime) -> String {
    let Some(utc) = at.checked_to_offset(UtcOffset::UTC) else {
        return at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| "an unknown time".to_owned());
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute()
    )
}

/// The characters that can start or end Markdown structure in running text
/// (emphasis, code, links, HTML, tables, headings' closing `#`, math,
/// superscript).
const MARKDOWN_SPECIAL: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '<', '>', '#', '|', '~', '&', '$', '!', '{', '}', '^',
];

/// A value as plain text in running Markdown: special characters are
/// backslash-escaped and control characters (line breaks, tabs) become
/// spaces, so the value stays on its line and shows as typed.
pub(crate) fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c.is_control() {
            out.push(' ');
        } else {
            if MARKDOWN_SPECIAL.contains(&c) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// A value as a code span, for addresses and identifiers: fenced with more
/// backticks than it contains, control characters as spaces.
pub(crate) fn code(value: &str) -> String {
    let clean: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.trim().is_empty() {
        return NOT_ENTERED.to_owned();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in clean.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A leading or trailing backtick would merge with the fence; a space on
    // both ends would be stripped. One padding space on each side is removed
    // again by Markdown readers.
    let pad = clean.starts_with('`')
        || clean.ends_with('`')
        || (clean.starts_with(' ') && clean.ends_with(' '));
    if pad {
        format!("{fence} {clean} {fence}")
    } else {
        format!("{fence}{clean}{fence}")
    }
}

fn code_or_missing(value: &str) -> String {
    if value.trim().is_empty() {
        NOT_ENTERED.to_owned()
    } else {
        code(value)
    }
}

fn text_or_missing(value: &str) -> String {
    if value.trim().is_empty() {
        NOT_ENTERED.to_owned()
    } else {
        text(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_has_a_name_in_the_report() {
        for (id, name) in CHECKS {
            assert_eq!(check_name(id), name);
        }
    }

    #[test]
    fn text_escapes_structure_and_flattens_lines() {
        assert_eq!(text("Acme Co"), "Acme Co");
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(text("*bold* _it_"), "\\*bold\\* \\_it\\_");
        assert_eq!(text("`x`"), "\\`x\\`");
        assert_eq!(text("line1\nline2\r\n# h"), "line1 line2  \\# h");
        assert_eq!(text("<b>&amp;</b>"), "\\<b\\>\\&amp;\\</b\\>");
        assert_eq!(text("[l](http://x)"), "\\[l\\](http://x)");
        assert_eq!(text("back\\slash"), "back\\\\slash");
        assert_eq!(text("café · 株式会社"), "café · 株式会社");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("abc"), "`abc`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a``"), "``` `a`` ```");
        assert_eq!(code(" a "), "`  a  `");
        assert_eq!(code("a\nb"), "`a b`");
        assert_eq!(code(""), NOT_ENTERED);
        assert_eq!(code("\n"), NOT_ENTERED);
    }

    #[test]
    fn times_are_shown_in_utc() {
        let at = OffsetDateTime::from_unix_timestamp(1_700_000_000)
            .expect("valid")
            .to_offset(UtcOffset::from_hms(2, 0, 0).expect("offset"));
        assert_eq!(when(at), "2023-11-14 22:13 UTC");
    }

    #[test]
    fn times_without_a_utc_form_do_not_panic() {
        let parse = |at| {
            OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).expect(at)
        };
        let late = "9999-12-31T23:59:59-23:59";
        assert_eq!(when(parse(late)), late);
        assert_eq!(
            when(parse("0000-01-01T00:00:00+23:59")),
            "-001-12-31 00:01 UTC"
        );
    }

    #[test]
    fn the_recheck_command_quotes_the_client_id() {
        let endpoints = Endpoints::real(crate::endpoints::Region::Us);
        let mut state = SavedState {
            client_id: Some("x'; exit 7; echo '$(id)".into()),
            ..SavedState::default()
        };
        let report = report_markdown(&state, &endpoints, OffsetDateTime::UNIX_EPOCH);
        assert!(
            report.contains(r"--client-id 'x'\''; exit 7; echo '\''$(id)'`"),
            "{report}"
        );
        state.client_id = None;
        let report = report_markdown(&state, &endpoints, OffsetDateTime::UNIX_EPOCH);
        assert!(report.contains("--client-id <client-id>`"), "{report}");
    }

    #[test]
    fn the_file_name_follows_the_domain() {
        let mut state = SavedState::default();
        assert_eq!(report_file_name(&state), "conductorone-setup.md");
        state.domain = "acmeco".into();
        assert_eq!(report_file_name(&state), "conductorone-setup-acmeco.md");
    }
}
