//! Step 4: give your colleagues access through a JumpCloud user group, then
//! the done screen's setup report.
//!
//! JumpCloud lets members of a user group use an app once the group has the
//! app ticked on its Applications tab. The assistant cannot do that for the
//! admin (it holds no JumpCloud API key), so this step opens the Admin
//! Portal's user groups page and lists what to click. It also offers to
//! remove the assistant's own loopback redirect URI from the JumpCloud app,
//! which ConductorOne does not need.
//!
//! [`report_markdown`] writes the setup report the admin exports from the
//! done screen.

pub const TITLE: &str = "Give your colleagues access";
pub const SUMMARY: &str =
    "Assign the ConductorOne app to the JumpCloud user groups that should use it.";

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, UtcOffset};
use ts_rs::TS;

use super::step2_jumpcloud_app::{ADMIN_PORTAL_MENU_PATHS, CLIENT_AUTH_TYPE};
use crate::endpoints::{Endpoints, Region, DEFAULT_LOOPBACK_PORT, JUMPCLOUD_APP_LABEL};
use crate::login::{CheckId, CheckResult};
use crate::state::{SavedState, VerificationOutcome, VerificationRecord};

/// The sub-steps of step 4 the admin ticks off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AccessItem {
    /// Picked (or created) the user group that should use ConductorOne.
    PickGroup,
    /// Opened the group's Applications tab and ticked ConductorOne.
    TickApplication,
    /// Saved the group.
    SaveGroup,
    /// Removed the assistant's loopback redirect URI from the JumpCloud app (optional).
    RemoveLoopbackRedirect,
}

impl AccessItem {
    /// Every item, in the order the admin does them.
    pub const ALL: [AccessItem; 4] = [
        Self::PickGroup,
        Self::TickApplication,
        Self::SaveGroup,
        Self::RemoveLoopbackRedirect,
    ];

    /// What the admin ticks, in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::PickGroup => "Picked or created the user group for my colleagues",
            Self::TickApplication => "Ticked ConductorOne on the group's Applications tab",
            Self::SaveGroup => "Saved the group",
            Self::RemoveLoopbackRedirect => {
                "Removed the assistant's redirect URI from the JumpCloud app"
            }
        }
    }

    /// Items the admin may leave unticked without a warning.
    pub fn optional(self) -> bool {
        matches!(self, Self::RemoveLoopbackRedirect)
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AccessEntry {
    pub id: AccessItem,
    pub label: String,
    pub optional: bool,
}

/// The checklist, in order.
pub fn checklist() -> Vec<AccessEntry> {
    AccessItem::ALL
        .iter()
        .map(|&id| AccessEntry {
            id,
            label: id.label().to_owned(),
            optional: id.optional(),
        })
        .collect()
}

/// The required items not ticked yet, in order: Finish asks for a
/// confirmation when this is not empty.
pub fn unticked(ticked: &BTreeSet<AccessItem>) -> Vec<AccessItem> {
    AccessItem::ALL
        .into_iter()
        .filter(|item| !item.optional() && !ticked.contains(item))
        .collect()
}

/// One thing to do in the Admin Portal, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AccessInstruction {
    /// The checklist line it belongs to.
    pub item: AccessItem,
    /// What to do, in one sentence.
    pub text: String,
    /// A tip, when there is one.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The optional clean-up: the assistant's loopback redirect URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RedirectCleanup {
    pub item: AccessItem,
    /// The value to remove, e.g. `http://127.0.0.1:38710/callback`.
    pub redirect_uri: String,
    /// ConductorOne's redirect URI, which must stay.
    pub keep_redirect_uri: String,
    /// The Admin Portal's SSO applications page, where the app is.
    pub admin_portal_url: String,
    /// Where the field is, in the Admin Portal's words.
    pub location: String,
    /// What to do.
    pub text: String,
    /// Why it may also stay.
    pub why_keep: String,
    /// The terminal command that re-checks the sign-in later, with
    /// `<client-id>` standing for the app's Client ID.
    pub verify_command: String,
}

/// Everything step 4 shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AccessForm {
    pub region: Region,
    /// The Admin Portal's user groups page ("Open JumpCloud user groups").
    pub user_groups_url: String,
    /// The steps in the Admin Portal, in order.
    pub instructions: Vec<AccessInstruction>,
    pub cleanup: RedirectCleanup,
    pub checklist: Vec<AccessEntry>,
}

/// What stands for the Client ID in [`RedirectCleanup::verify_command`].
pub const CLIENT_ID_PLACEHOLDER: &str = "<client-id>";

/// The values for step 4. `port` is the assistant's loopback port, the one
/// in the redirect URI the admin entered in step 2.
pub fn access_form(endpoints: &Endpoints, port: u16) -> AccessForm {
    let instruction = |item, text: &str, note: Option<&str>| AccessInstruction {
        item,
        text: text.to_owned(),
        note: note.map(str::to_owned),
    };
    let instructions = vec![
        instruction(
            AccessItem::PickGroup,
            "In the JumpCloud Admin Portal's user groups, open the group whose members should use ConductorOne, or create one with the + button.",
            Some("Groups you ticked on the app's User Groups tab in step 2 already have access; add more here whenever you like."),
        ),
        instruction(
            AccessItem::TickApplication,
            &format!("Open the group's Applications tab and tick {JUMPCLOUD_APP_LABEL}."),
            None,
        ),
        instruction(
            AccessItem::SaveGroup,
            "Click Save.",
            Some("Members of the group now find ConductorOne on their JumpCloud user portal and can sign in to your instance."),
        ),
    ];
    let redirect_uri = Endpoints::loopback_redirect_uri(port);
    let cleanup = RedirectCleanup {
        item: AccessItem::RemoveLoopbackRedirect,
        text: format!(
            "Optional: in the {JUMPCLOUD_APP_LABEL} app's SSO tab, delete the line {redirect_uri} from Redirect URIs and click Save. Keep {} there: ConductorOne signs people in through it.",
            endpoints.conductorone_redirect_uri()
        ),
        why_keep: format!(
            "ConductorOne does not use {redirect_uri}; only this assistant's sign-in check does. Keeping it lets you re-check the setup later from a terminal with the command below."
        ),
        verify_command: verify_sso_command(endpoints.issuer(), CLIENT_ID_PLACEHOLDER, port),
        location: format!(
            "{} > {JUMPCLOUD_APP_LABEL} > SSO tab > Redirect URIs",
            ADMIN_PORTAL_MENU_PATHS[1]
        ),
        admin_portal_url: endpoints.sso_apps_page(),
        keep_redirect_uri: endpoints.conductorone_redirect_uri(),
        redirect_uri,
    };
    AccessForm {
        region: endpoints.region(),
        user_groups_url: endpoints.user_groups_page(),
        instructions,
        cleanup,
        checklist: checklist(),
    }
}

/// The `c1-setup verify-sso` command line that re-checks the sign-in; the
/// port is only given when it is not the default.
pub fn verify_sso_command(issuer: &str, client_id: &str, port: u16) -> String {
    let mut command = format!("c1-setup verify-sso --issuer {issuer} --client-id {client_id}");
    if port != DEFAULT_LOOPBACK_PORT {
        let _ = write!(command, " --port {port}");
    }
    command
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
    if let Some(opened) = state.registration.signup_opened_at {
        item(out, "Signup page opened", &when(opened));
    }
    let live = match state.registration.instance_live_at {
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
    let client_id = state
        .client_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .unwrap_or(CLIENT_ID_PLACEHOLDER);
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

/// A time for people: `2024-03-05 14:07 UTC`.
fn when(at: OffsetDateTime) -> String {
    let utc = at.to_offset(UtcOffset::UTC);
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
    use crate::endpoints::Overrides;

    #[test]
    fn the_form_for_every_region() {
        let expected = [
            (Region::Us, "https://console.jumpcloud.com/#/groups/user"),
            (Region::Eu, "https://console.eu.jumpcloud.com/#/groups/user"),
            (Region::In, "https://console.in.jumpcloud.com/#/groups/user"),
        ];
        for (region, groups_page) in expected {
            let form = access_form(&Endpoints::real(region), DEFAULT_LOOPBACK_PORT);
            assert_eq!(form.region, region);
            assert_eq!(form.user_groups_url, groups_page);
            let items: Vec<_> = form.instructions.iter().map(|i| i.item).collect();
            assert_eq!(
                items,
                [
                    AccessItem::PickGroup,
                    AccessItem::TickApplication,
                    AccessItem::SaveGroup
                ]
            );
            assert!(form.instructions[0].text.contains("create one"));
            assert!(form.instructions[1].text.contains("Applications tab"));
            assert!(form.instructions[1].text.contains("ConductorOne"));
            assert_eq!(form.instructions[2].text, "Click Save.");
            assert_eq!(form.checklist.len(), AccessItem::ALL.len());
            assert_eq!(
                form.cleanup.verify_command,
                format!(
                    "c1-setup verify-sso --issuer {} --client-id <client-id>",
                    region.issuer()
                )
            );
        }
    }

    #[test]
    fn the_cleanup_names_the_exact_uri_and_why_it_may_stay() {
        let form = access_form(&Endpoints::real(Region::Eu), 40_123);
        let cleanup = &form.cleanup;
        assert_eq!(cleanup.item, AccessItem::RemoveLoopbackRedirect);
        assert_eq!(cleanup.redirect_uri, "http://127.0.0.1:40123/callback");
        assert_eq!(
            cleanup.keep_redirect_uri,
            "https://accounts.conductor.one/auth/callback"
        );
        assert_eq!(
            cleanup.admin_portal_url,
            "https://console.eu.jumpcloud.com/#/sso"
        );
        assert!(cleanup.location.ends_with("SSO tab > Redirect URIs"));
        assert!(cleanup.text.contains("http://127.0.0.1:40123/callback"));
        assert!(cleanup.text.starts_with("Optional"));
        assert!(cleanup.why_keep.contains("re-check"));
        assert_eq!(
            cleanup.verify_command,
            "c1-setup verify-sso --issuer https://oauth.id.eu.jumpcloud.com/ --client-id <client-id> --port 40123"
        );
    }

    #[test]
    fn overridden_endpoints_flow_into_the_form() {
        let overrides = Overrides {
            issuer: Some("http://127.0.0.1:4000/".into()),
            admin_console: Some("http://127.0.0.1:4000/console/".into()),
            accounts_base: Some("http://127.0.0.1:4100/".into()),
            ..Overrides::default()
        };
        let e = Endpoints::with_overrides(Region::Us, &overrides).expect("loopback");
        let form = access_form(&e, DEFAULT_LOOPBACK_PORT);
        assert_eq!(
            form.user_groups_url,
            "http://127.0.0.1:4000/console/#/groups/user"
        );
        assert_eq!(
            form.cleanup.keep_redirect_uri,
            "http://127.0.0.1:4100/auth/callback"
        );
        assert!(form
            .cleanup
            .verify_command
            .contains("--issuer http://127.0.0.1:4000/"));
    }

    #[test]
    fn checklist_ids_labels_and_unticked_items() {
        let json = serde_json::to_value(AccessItem::ALL).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!([
                "pick_group",
                "tick_application",
                "save_group",
                "remove_loopback_redirect"
            ])
        );
        let entries = checklist();
        assert!(entries.iter().all(|e| !e.label.is_empty()));
        assert_eq!(
            entries
                .iter()
                .filter(|e| e.optional)
                .map(|e| e.id)
                .collect::<Vec<_>>(),
            [AccessItem::RemoveLoopbackRedirect]
        );
        let mut ticked = BTreeSet::new();
        assert_eq!(
            unticked(&ticked),
            [
                AccessItem::PickGroup,
                AccessItem::TickApplication,
                AccessItem::SaveGroup
            ]
        );
        ticked.extend([AccessItem::PickGroup, AccessItem::SaveGroup]);
        assert_eq!(unticked(&ticked), [AccessItem::TickApplication]);
        ticked.insert(AccessItem::TickApplication);
        // The optional clean-up never holds up finishing.
        assert!(unticked(&ticked).is_empty());
    }

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
    fn the_file_name_follows_the_domain() {
        let mut state = SavedState::default();
        assert_eq!(report_file_name(&state), "conductorone-setup.md");
        state.domain = "acmeco".into();
        assert_eq!(report_file_name(&state), "conductorone-setup-acmeco.md");
    }
}
