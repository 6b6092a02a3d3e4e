//! Step 4: give your colleagues access through a JumpCloud user group, and
//! finish.
//!
//! JumpCloud lets members of a user group use an app once the group has the
//! app ticked on its Applications tab. The assistant cannot do that for the
//! admin (it holds no JumpCloud API key), so this step opens the Admin
//! Portal's user groups page and lists what to click. It also offers to
//! remove the assistant's own loopback redirect URI from the JumpCloud app,
//! which ConductorOne does not need.

pub const TITLE: &str = "Give your colleagues access";
pub const SUMMARY: &str =
    "Assign the ConductorOne app to the JumpCloud user groups that should use it.";

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;

use super::step2_jumpcloud_app::ADMIN_PORTAL_MENU_PATHS;
use crate::endpoints::{Endpoints, Region, DEFAULT_LOOPBACK_PORT, JUMPCLOUD_APP_LABEL};
use crate::error::AppError;
use crate::progress::AccessItem;
use crate::setup::Setup;

impl AccessItem {
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
        verify_command: verify_sso_command(endpoints.issuer(), None, port),
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

/// The `c1-setup verify-sso` command line that re-checks the sign-in, with
/// [`CLIENT_ID_PLACEHOLDER`] for a Client ID not known; the port is only
/// given when it is not the default. The values are quoted for a POSIX shell
/// where they need it, so a value cannot become a second command.
pub fn verify_sso_command(issuer: &str, client_id: Option<&str>, port: u16) -> String {
    let client_id = client_id.map_or_else(|| CLIENT_ID_PLACEHOLDER.to_owned(), shell_word);
    let mut command = format!(
        "c1-setup verify-sso --issuer {} --client-id {client_id}",
        shell_word(issuer)
    );
    if port != DEFAULT_LOOPBACK_PORT {
        let _ = write!(command, " --port {port}");
    }
    command
}

/// `value` as one word for a POSIX shell: as it is when it holds only
/// characters no shell treats specially, otherwise in single quotes (inside
/// which only `'` itself needs care: it becomes `'\''`).
fn shell_word(value: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.,:/@%+=".contains(c);
    if !value.is_empty() && value.chars().all(plain) {
        return value.to_owned();
    }
    format!("'{}'", value.replace('\'', "'\\''"))
}

impl Setup {
    /// What to do in JumpCloud's user groups, and the optional clean-up.
    pub fn access_form(&self) -> Result<AccessForm, AppError> {
        Ok(access_form(&self.endpoints()?, self.state.loopback_port))
    }

    pub fn set_access_checklist(&mut self, ticked: BTreeSet<AccessItem>) -> Result<(), AppError> {
        self.state.access_checklist = ticked;
        self.save()
    }

    /// Step 4 is done: the window shows the done screen from now on.
    pub fn finish(&mut self) -> Result<(), AppError> {
        if self.state.finished_at.is_none() {
            self.state.finished_at = Some(OffsetDateTime::now_utc());
            self.save()?;
        }
        Ok(())
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

    /// What a POSIX shell makes of `command`: its words, one per line.
    #[cfg(unix)]
    fn words(command: &str) -> Vec<String> {
        let script = format!("printf '%s\\n' {}", command.trim_start_matches("c1-setup "));
        let out = std::process::Command::new("sh")
            .args(["-c", &script])
            .output()
            .expect("sh runs");
        assert!(out.status.success(), "{script}");
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .lines()
            .map(str::to_owned)
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn the_command_quotes_what_a_shell_would_read_otherwise() {
        let hostile = "x'; exit 7; echo '$(id)` \\ \"";
        let issuer = "https://idp.example/?a=1&b=2";
        let command = verify_sso_command(issuer, Some(hostile), 40_123);
        assert_eq!(
            words(&command),
            [
                "verify-sso",
                "--issuer",
                issuer,
                "--client-id",
                hostile,
                "--port",
                "40123"
            ]
        );
        // Plain values stay as they are, easy to read and retype.
        assert_eq!(
            verify_sso_command(
                "https://oauth.id.jumpcloud.com/",
                Some("0a1b-2c_3.d"),
                38_710
            ),
            "c1-setup verify-sso --issuer https://oauth.id.jumpcloud.com/ --client-id 0a1b-2c_3.d"
        );
    }

    #[test]
    fn checklist_ids_and_labels() {
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
    }
}
