//! Step 2: create the Custom OIDC app in the JumpCloud Admin Portal.
//!
//! The assistant cannot create the app itself (JumpCloud has no documented API
//! for it), so this step hands the admin every value JumpCloud's form asks
//! for, in the form's order, ready to copy. Addresses come only from the
//! endpoint table ([`Endpoints`]); the names of JumpCloud's menus, fields and
//! choices live here, next to the texts that explain them.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::endpoints::{Endpoints, Region, JUMPCLOUD_APP_LABEL};
use crate::error::AppError;
use crate::progress::ChecklistItem;
use crate::setup::Setup;
use crate::step::StepId;

pub const TITLE: &str = "Create the OIDC app in JumpCloud";
pub const SUMMARY: &str =
    "Add a Custom OIDC App in JumpCloud with the values the assistant prepares for you.";

pub use crate::fields::{check_loopback_port, validate_loopback_port, MIN_LOOPBACK_PORT};

/// Where the SSO applications live in the Admin Portal's menu. JumpCloud has
/// used both names; older portals show the first, newer ones the second.
pub const ADMIN_PORTAL_MENU_PATHS: [&str; 2] =
    ["User authentication > SSO", "Access > SSO Applications"];
/// The button that starts a new app, and the app type to pick.
pub const NEW_APP_BUTTON: &str = "+ Add New Application";
pub const APP_TYPE: &str = "Custom OIDC App";
/// The Client Authentication Type ConductorOne needs.
pub const CLIENT_AUTH_TYPE: &str = "Client Secret POST";
/// The other choices JumpCloud offers, which ConductorOne's login cannot use.
const OTHER_CLIENT_AUTH_TYPES: &str = "Client Secret Basic or Public (None PKCE)";
/// The attribute ConductorOne identifies people by, on both sides of the mapping.
pub const EMAIL_ATTRIBUTE: &str = "email";
/// The popup JumpCloud shows after Activate.
pub const APPLICATION_SAVED_POPUP: &str = "Application Saved";

/// One entry of the region picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RegionOption {
    pub id: Region,
    pub label: String,
    /// The OpenID issuer, trailing slash included.
    pub issuer: String,
    /// The Admin Portal's host, e.g. `console.jumpcloud.com`.
    pub console: String,
    /// True for the region the picker starts on.
    pub is_default: bool,
}

/// The regions JumpCloud runs in, for the picker.
pub fn regions() -> Vec<RegionOption> {
    Region::ALL
        .iter()
        .map(|&region| RegionOption {
            id: region,
            label: region.label().to_owned(),
            issuer: region.issuer().to_owned(),
            console: url::Url::parse(region.admin_console())
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| region.admin_console().to_owned()),
            is_default: region == Region::default(),
        })
        .collect()
}

impl ChecklistItem {
    /// What the admin ticks, in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::CreateApp => "Added a Custom OIDC App called ConductorOne and saved it",
            Self::RedirectUris => "Entered both redirect URIs",
            Self::ClientAuthentication => "Chose Client Secret POST",
            Self::LoginUrl => "Entered the login URL",
            Self::AttributeMapping => "Mapped email to email and ticked the Email scope",
            Self::UserGroups => "Chose the user groups, including one I am in",
            Self::Activate => "Clicked Activate and kept the popup open",
        }
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ChecklistEntry {
    pub id: ChecklistItem,
    pub label: String,
}

/// The checklist, in order.
pub fn checklist() -> Vec<ChecklistEntry> {
    ChecklistItem::ALL
        .iter()
        .map(|&id| ChecklistEntry {
            id,
            label: id.label().to_owned(),
        })
        .collect()
}

/// The entries of JumpCloud's form, in the order the form shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FormItemId {
    DisplayLabel,
    Logo,
    SaveApp,
    RedirectUris,
    ClientAuthenticationType,
    LoginUrl,
    UserAttributeMapping,
    UserGroups,
    Activate,
}

/// What the admin does with an entry in JumpCloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EntryKind {
    /// Paste the value into a text field (the window shows Copy buttons).
    Paste,
    /// Pick the value from a list.
    Choose,
    /// Tick boxes.
    Tick,
    /// Upload a file.
    Upload,
    /// Click a button.
    Click,
}

/// One value to enter, with its own reason when an entry takes several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FormValue {
    /// The exact text to copy or pick.
    pub text: String,
    /// The JumpCloud sub-field it goes into, when the entry has several.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Why this value, in one line.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

impl FormValue {
    fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            field: None,
            why: None,
        }
    }
}

/// One entry of JumpCloud's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FormItem {
    pub id: FormItemId,
    /// JumpCloud's name for the field, tab or button.
    pub label: String,
    pub kind: EntryKind,
    /// The values to copy or pick, in order (none for tabs and buttons).
    pub values: Vec<FormValue>,
    /// Why it matters, in one line.
    pub why: String,
    /// A caution or a tip, when there is one.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub optional: bool,
    /// The checklist line this entry belongs to.
    pub checklist_item: ChecklistItem,
}

/// Everything step 2 shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct JumpcloudAppForm {
    pub region: Region,
    /// The Admin Portal's SSO applications page ("Open JumpCloud Admin Portal").
    pub admin_portal_url: String,
    /// The menu names JumpCloud has used for that page.
    pub menu_paths: Vec<String>,
    pub new_app_button: String,
    pub app_type: String,
    /// The form's entries, in JumpCloud's order.
    pub items: Vec<FormItem>,
    pub checklist: Vec<ChecklistEntry>,
}

/// The values for JumpCloud's Custom OIDC App form. `domain` must already be
/// validated (step 1); `port` is the assistant's loopback port.
pub fn app_form(endpoints: &Endpoints, domain: &str, port: u16) -> JumpcloudAppForm {
    let mut items = create_app_items();
    items.extend(sso_tab_items(endpoints, domain, port));
    items.extend(finishing_items());
    JumpcloudAppForm {
        region: endpoints.region(),
        admin_portal_url: endpoints.sso_apps_page(),
        menu_paths: ADMIN_PORTAL_MENU_PATHS
            .iter()
            .map(|&p| p.to_owned())
            .collect(),
        new_app_button: NEW_APP_BUTTON.to_owned(),
        app_type: APP_TYPE.to_owned(),
        items,
        checklist: checklist(),
    }
}

/// An entry with no values or note yet.
fn item(
    id: FormItemId,
    label: &str,
    kind: EntryKind,
    checklist_item: ChecklistItem,
    why: &str,
) -> FormItem {
    FormItem {
        id,
        label: label.to_owned(),
        kind,
        values: Vec::new(),
        why: why.to_owned(),
        note: None,
        optional: false,
        checklist_item,
    }
}

/// The new app's first page: label, logo, Save.
fn create_app_items() -> Vec<FormItem> {
    let display_label = FormItem {
        values: vec![FormValue::plain(JUMPCLOUD_APP_LABEL)],
        ..item(
            FormItemId::DisplayLabel,
            "Display Label",
            EntryKind::Paste,
            ChecklistItem::CreateApp,
            "The name your colleagues see on their JumpCloud user portal.",
        )
    };
    let logo = FormItem {
        optional: true,
        note: Some(
            "Leave it empty, or upload ConductorOne's logo from ConductorOne's website; the assistant \
             has no copy of it to give you."
                .into(),
        ),
        ..item(
            FormItemId::Logo,
            "Logo",
            EntryKind::Upload,
            ChecklistItem::CreateApp,
            "Optional: makes the app easy to spot on the user portal.",
        )
    };
    let save = item(
        FormItemId::SaveApp,
        "Save",
        EntryKind::Click,
        ChecklistItem::CreateApp,
        "JumpCloud creates the app and opens its SSO tab, where the next values go.",
    );
    vec![display_label, logo, save]
}

/// The SSO tab.
fn sso_tab_items(endpoints: &Endpoints, domain: &str, port: u16) -> Vec<FormItem> {
    let redirect_uris = FormItem {
        values: vec![
            FormValue {
                text: endpoints.conductorone_redirect_uri(),
                field: None,
                why: Some(
                    "ConductorOne's own sign-in address; it is the same for every company.".into(),
                ),
            },
            FormValue {
                text: Endpoints::loopback_redirect_uri(port),
                field: None,
                why: Some(
                    "Lets this assistant test the sign-in on your computer in step 3.".into(),
                ),
            },
        ],
        note: Some("Put each address on its own line, exactly as shown.".into()),
        ..item(
            FormItemId::RedirectUris,
            "Redirect URIs",
            EntryKind::Paste,
            ChecklistItem::RedirectUris,
            "JumpCloud only sends a sign-in back to addresses listed here, character for character.",
        )
    };
    let client_auth = FormItem {
        values: vec![FormValue::plain(CLIENT_AUTH_TYPE)],
        note: Some(format!(
            "With {OTHER_CLIENT_AUTH_TYPES}, JumpCloud refuses ConductorOne's sign-in with “invalid_client”."
        )),
        ..item(
            FormItemId::ClientAuthenticationType,
            "Client Authentication Type",
            EntryKind::Choose,
            ChecklistItem::ClientAuthentication,
            "ConductorOne sends the Client Secret inside its request, which is what this choice expects.",
        )
    };
    let login_url = FormItem {
        values: vec![FormValue::plain(endpoints.login_url(domain))],
        ..item(
            FormItemId::LoginUrl,
            "Login URL",
            EntryKind::Paste,
            ChecklistItem::LoginUrl,
            "Lets people start from the JumpCloud user portal and arrive signed in to your instance.",
        )
    };
    let mapping = FormItem {
        values: vec![
            FormValue {
                text: EMAIL_ATTRIBUTE.to_owned(),
                field: Some("Service Provider Attribute Name".into()),
                why: None,
            },
            FormValue {
                text: EMAIL_ATTRIBUTE.to_owned(),
                field: Some("JumpCloud Attribute Name".into()),
                why: None,
            },
        ],
        note: Some("Click Add Attribute, and tick the Email scope as well.".into()),
        ..item(
            FormItemId::UserAttributeMapping,
            "User Attribute Mapping",
            EntryKind::Paste,
            ChecklistItem::AttributeMapping,
            "ConductorOne recognises each person by their email address, so JumpCloud must send it.",
        )
    };
    vec![redirect_uris, client_auth, login_url, mapping]
}

/// The User Groups tab and Activate.
fn finishing_items() -> Vec<FormItem> {
    let groups = FormItem {
        note: Some(
            "Include a group you are in yourself: otherwise JumpCloud refuses your own sign-in and the instance is not created."
                .into(),
        ),
        ..item(
            FormItemId::UserGroups,
            "User Groups",
            EntryKind::Tick,
            ChecklistItem::UserGroups,
            "Only members of the groups you tick can sign in to ConductorOne.",
        )
    };
    let activate = FormItem {
        note: Some(format!(
            "The Client Secret is shown only once. Leave the “{APPLICATION_SAVED_POPUP}” popup open and go on to step 3."
        )),
        ..item(
            FormItemId::Activate,
            "Activate",
            EntryKind::Click,
            ChecklistItem::Activate,
            "Switches the app on and shows its Client ID and Client Secret.",
        )
    };

    vec![groups, activate]
}

impl Setup {
    /// The values to enter in JumpCloud's form, for the saved domain, region and port.
    pub fn jumpcloud_form(&self) -> Result<JumpcloudAppForm, AppError> {
        Ok(app_form(
            &self.endpoints()?,
            &self.state.domain,
            self.state.loopback_port,
        ))
    }

    /// Changes the JumpCloud region. A verification proved the old region's
    /// issuer, so it no longer counts.
    pub fn set_region(&mut self, region: Region) -> Result<JumpcloudAppForm, AppError> {
        if self.state.region != region {
            self.state.region = region;
            self.state.verification = None;
            self.save()?;
        }
        self.jumpcloud_form()
    }

    /// Changes the loopback port; a bad value is reported at the field. The
    /// form's second redirect URI follows.
    pub fn set_loopback_port(&mut self, input: &str) -> Result<JumpcloudAppForm, AppError> {
        let port = validate_loopback_port(input)
            .map_err(|e| AppError::invalid_input(StepId::JumpcloudApp, vec![e]))?;
        if self.state.loopback_port != port {
            self.state.loopback_port = port;
            self.state.verification = None;
            self.save()?;
        }
        self.jumpcloud_form()
    }

    pub fn set_checklist(&mut self, ticked: BTreeSet<ChecklistItem>) -> Result<(), AppError> {
        self.state.checklist = ticked;
        self.save()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::{Overrides, DEFAULT_LOOPBACK_PORT};
    use crate::setup::test_support::setup;

    fn values(form: &JumpcloudAppForm, id: FormItemId) -> Vec<String> {
        form.items
            .iter()
            .find(|i| i.id == id)
            .expect("item present")
            .values
            .iter()
            .map(|v| v.text.clone())
            .collect()
    }

    #[test]
    fn the_form_follows_jumpclouds_order() {
        let form = app_form(
            &Endpoints::real(Region::Us),
            "acmeco",
            DEFAULT_LOOPBACK_PORT,
        );
        let ids: Vec<_> = form.items.iter().map(|i| i.id).collect();
        assert_eq!(
            ids,
            [
                FormItemId::DisplayLabel,
                FormItemId::Logo,
                FormItemId::SaveApp,
                FormItemId::RedirectUris,
                FormItemId::ClientAuthenticationType,
                FormItemId::LoginUrl,
                FormItemId::UserAttributeMapping,
                FormItemId::UserGroups,
                FormItemId::Activate,
            ]
        );
        // The checklist follows the same order, and every checklist line has
        // at least one entry.
        let mut seen: Vec<ChecklistItem> = Vec::new();
        for item in &form.items {
            if seen.last() != Some(&item.checklist_item) {
                seen.push(item.checklist_item);
            }
            assert!(!item.why.is_empty() && !item.label.is_empty());
        }
        assert_eq!(seen, ChecklistItem::ALL);
        assert_eq!(form.checklist.len(), ChecklistItem::ALL.len());
    }

    #[test]
    fn values_for_every_region() {
        let expected_portal = [
            (Region::Us, "https://console.jumpcloud.com/#/sso"),
            (Region::Eu, "https://console.eu.jumpcloud.com/#/sso"),
            (Region::In, "https://console.in.jumpcloud.com/#/sso"),
        ];
        for (region, portal) in expected_portal {
            let form = app_form(&Endpoints::real(region), "acmeco", 38_710);
            assert_eq!(form.region, region);
            assert_eq!(form.admin_portal_url, portal);
            assert_eq!(values(&form, FormItemId::DisplayLabel), ["ConductorOne"]);
            assert_eq!(
                values(&form, FormItemId::RedirectUris),
                [
                    "https://accounts.conductor.one/auth/callback",
                    "http://127.0.0.1:38710/callback"
                ]
            );
            assert_eq!(
                values(&form, FormItemId::ClientAuthenticationType),
                ["Client Secret POST"]
            );
            assert_eq!(
                values(&form, FormItemId::LoginUrl),
                ["https://acmeco.conductor.one/login?sso_operation=initiate_login"]
            );
            assert_eq!(
                values(&form, FormItemId::UserAttributeMapping),
                ["email", "email"]
            );
            assert!(values(&form, FormItemId::UserGroups).is_empty());
            assert_eq!(
                form.menu_paths,
                ["User authentication > SSO", "Access > SSO Applications"]
            );
            assert_eq!(form.app_type, "Custom OIDC App");
        }
    }

    #[test]
    fn each_redirect_uri_has_its_reason_and_the_port_follows_the_setting() {
        let form = app_form(&Endpoints::real(Region::Eu), "acmeco", 40_123);
        let item = form
            .items
            .iter()
            .find(|i| i.id == FormItemId::RedirectUris)
            .expect("present");
        assert_eq!(item.values[1].text, "http://127.0.0.1:40123/callback");
        assert!(item
            .values
            .iter()
            .all(|v| v.why.as_deref().is_some_and(|w| !w.is_empty())));
    }

    #[test]
    fn the_cautions_are_there() {
        let form = app_form(
            &Endpoints::real(Region::Us),
            "acmeco",
            DEFAULT_LOOPBACK_PORT,
        );
        let note = |id| {
            form.items
                .iter()
                .find(|i| i.id == id)
                .and_then(|i| i.note.clone())
                .expect("has a note")
        };
        assert!(note(FormItemId::Activate).contains("only once"));
        assert!(note(FormItemId::UserGroups).contains("group you are in"));
        assert!(note(FormItemId::ClientAuthenticationType).contains("Client Secret Basic"));
        assert!(note(FormItemId::UserAttributeMapping).contains("Email scope"));
        let logo = form
            .items
            .iter()
            .find(|i| i.id == FormItemId::Logo)
            .expect("present");
        assert!(logo.optional);
        assert!(logo
            .note
            .as_deref()
            .is_some_and(|n| n.contains("Leave it empty")));
    }

    #[test]
    fn overridden_endpoints_flow_into_the_form() {
        let overrides = Overrides {
            admin_console: Some("http://127.0.0.1:4000/console/".into()),
            accounts_base: Some("http://127.0.0.1:4100/".into()),
            instance_template: Some("http://127.0.0.1:4100/i/{domain}/".into()),
            ..Overrides::default()
        };
        let e = Endpoints::with_overrides(Region::In, &overrides).expect("loopback is fine");
        let form = app_form(&e, "acme", 50_000);
        assert_eq!(form.admin_portal_url, "http://127.0.0.1:4000/console/#/sso");
        assert_eq!(
            values(&form, FormItemId::RedirectUris)[0],
            "http://127.0.0.1:4100/auth/callback"
        );
        assert_eq!(
            values(&form, FormItemId::LoginUrl),
            ["http://127.0.0.1:4100/i/acme/login?sso_operation=initiate_login"]
        );
    }

    #[test]
    fn the_region_table() {
        let table = regions();
        let rows: Vec<_> = table
            .iter()
            .map(|r| {
                (
                    r.id,
                    r.label.as_str(),
                    r.issuer.as_str(),
                    r.console.as_str(),
                    r.is_default,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    Region::Us,
                    "United States",
                    "https://oauth.id.jumpcloud.com/",
                    "console.jumpcloud.com",
                    true
                ),
                (
                    Region::Eu,
                    "Europe",
                    "https://oauth.id.eu.jumpcloud.com/",
                    "console.eu.jumpcloud.com",
                    false
                ),
                (
                    Region::In,
                    "India",
                    "https://oauth.id.in.jumpcloud.com/",
                    "console.in.jumpcloud.com",
                    false
                ),
            ]
        );
        let json = serde_json::to_value(&table[1]).expect("serialises");
        assert_eq!(json["id"], "eu");
    }

    #[test]
    fn checklist_ids_and_labels() {
        let json = serde_json::to_value(ChecklistItem::ALL).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!([
                "create_app",
                "redirect_uris",
                "client_authentication",
                "login_url",
                "attribute_mapping",
                "user_groups",
                "activate"
            ])
        );
        let labels: Vec<_> = checklist().into_iter().map(|e| e.label).collect();
        assert_eq!(labels.len(), ChecklistItem::ALL.len());
        assert!(labels.iter().all(|l| !l.is_empty()));
    }

    #[test]
    fn port_and_region_changes_are_saved_and_bad_ports_reported_at_the_field() {
        let (mut s, _dir) = setup();
        s.set_loopback_port("40000").expect("valid");
        assert_eq!(s.state().loopback_port, 40000);
        let err = s.set_loopback_port("80").expect_err("privileged");
        assert_eq!(err.fields[0].field, "loopback_port");
        assert_eq!(s.state().loopback_port, 40000);
        s.set_region(Region::Eu).expect("saved");
        let form = s.jumpcloud_form().expect("form");
        assert!(form.admin_portal_url.contains("console.eu.jumpcloud.com"));
    }
}
