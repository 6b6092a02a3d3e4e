//! The single source of truth for every address and fixed label the assistant
//! uses: JumpCloud's regions (issuer and Admin Portal), ConductorOne's signup
//! and callback, the instance and login URL templates, and the assistant's own
//! loopback redirect URI.
//!
//! The UI never builds a URL itself; it asks for these values. Tests and the
//! sandbox point the assistant at stand-ins through one mechanism only:
//! the `C1_SETUP_ENDPOINTS` environment variable naming a JSON file (see
//! [`Overrides`]). When an override is active, [`Endpoints::sandbox`] is true
//! and the window shows a "Sandbox" banner.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

/// The environment variable naming an endpoint override file.
pub const OVERRIDE_ENV: &str = "C1_SETUP_ENDPOINTS";

/// The loopback port the assistant listens on for the verification login,
/// unless the admin changes it. Outside the ranges Windows commonly reserves
/// for Hyper-V (which start at 49152) and not used by well-known services.
pub const DEFAULT_LOOPBACK_PORT: u16 = 38710;

/// The Display Label ConductorOne's procedure asks for in JumpCloud.
pub const JUMPCLOUD_APP_LABEL: &str = "ConductorOne";

/// ConductorOne's signup page and the callback it registers with every IdP.
/// Both live on the accounts host, not on the tenant's domain.
const C1_ACCOUNTS_BASE: &str = "https://accounts.conductor.one/";
const C1_SIGNUP_PATH: &str = "accounts/signup";
const C1_CALLBACK_PATH: &str = "auth/callback";
/// `{domain}` is replaced by the instance's DNS label.
const C1_INSTANCE_TEMPLATE: &str = "https://{domain}.conductor.one/";
const C1_LOGIN_PATH_AND_QUERY: &str = "login?sso_operation=initiate_login";

/// ConductorOne's documentation, for the step after the signup ("Connect
/// your user directory": the JumpCloud connector). Its address is inferred
/// (not in the sources the assistant relies on); the documentation's home
/// is used rather than a deeper page, so a moved page still lands somewhere
/// useful, and the done screen says what to look for there.
const C1_DOCS: &str = "https://www.conductorone.com/docs/";

/// JumpCloud's data regions. One issuer serves every organisation in a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Region {
    #[default]
    Us,
    Eu,
    In,
}

impl Region {
    pub const ALL: [Region; 3] = [Region::Us, Region::Eu, Region::In];

    pub fn label(self) -> &'static str {
        match self {
            Region::Us => "United States",
            Region::Eu => "Europe",
            Region::In => "India",
        }
    }

    /// The OpenID issuer, exactly as JumpCloud publishes it: the trailing
    /// slash is part of it and clients that drop it fail the issuer check.
    pub fn issuer(self) -> &'static str {
        match self {
            Region::Us => "https://oauth.id.jumpcloud.com/",
            Region::Eu => "https://oauth.id.eu.jumpcloud.com/",
            Region::In => "https://oauth.id.in.jumpcloud.com/",
        }
    }

    /// The Admin Portal's base address.
    /// India's console host follows the pattern of the others; it is not
    /// confirmed by JumpCloud's public documentation (inferred).
    pub fn admin_console(self) -> &'static str {
        match self {
            Region::Us => "https://console.jumpcloud.com/",
            Region::Eu => "https://console.eu.jumpcloud.com/",
            Region::In => "https://console.in.jumpcloud.com/",
        }
    }
}

/// Admin Portal routes, relative to the console base (single-page app
/// routes). Both are inferred (not in JumpCloud's public documentation).
/// A wrong route still lands in the Admin Portal, whose home is a safe
/// fallback: steps 2 and 4 say which menu entry to pick from there.
const CONSOLE_SSO_APPS_ROUTE: &str = "#/sso";
const CONSOLE_USER_GROUPS_ROUTE: &str = "#/groups/user";

/// The pages the assistant opens in the admin's browser. The window can only
/// name one of these; the address itself always comes from [`Endpoints`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Page {
    /// JumpCloud Admin Portal: SSO applications.
    SsoApplications,
    /// JumpCloud Admin Portal: user groups.
    UserGroups,
    /// ConductorOne's signup page.
    Signup,
    /// The new ConductorOne instance.
    Instance,
    /// ConductorOne's documentation (connecting a user directory).
    Docs,
}

/// Replacements for the real services, for tests and the sandbox. Every field
/// is optional; a missing one keeps the real value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// Replaces the region's issuer (keep the exact form, trailing slash included).
    pub issuer: Option<String>,
    /// Replaces the Admin Portal base.
    pub admin_console: Option<String>,
    /// Replaces ConductorOne's accounts base (signup page and callback).
    pub accounts_base: Option<String>,
    /// Replaces the instance address template; must contain `{domain}`.
    pub instance_template: Option<String>,
}

/// Why an override could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OverrideError {
    #[error("cannot read the endpoint override file {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("the endpoint override {field} is not a usable address: {reason}")]
    Invalid { field: &'static str, reason: String },
}

/// The addresses in force for one region, after overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    region: Region,
    issuer: String,
    admin_console: Url,
    accounts_base: Url,
    instance_template: String,
    sandbox: bool,
}

impl Endpoints {
    /// The real services for a region.
    pub fn real(region: Region) -> Self {
        Self {
            region,
            issuer: region.issuer().to_owned(),
            admin_console: parse_static(region.admin_console()),
            accounts_base: parse_static(C1_ACCOUNTS_BASE),
            instance_template: C1_INSTANCE_TEMPLATE.to_owned(),
            sandbox: false,
        }
    }

    /// The real services with `overrides` applied. Each replacement must be
    /// https, or plain http on a loopback host.
    pub fn with_overrides(region: Region, overrides: &Overrides) -> Result<Self, OverrideError> {
        let mut endpoints = Self::real(region);
        if let Some(issuer) = &overrides.issuer {
            check_transport("issuer", issuer)?;
            endpoints.issuer.clone_from(issuer);
            endpoints.sandbox = true;
        }
        if let Some(console) = &overrides.admin_console {
            endpoints.admin_console = check_transport("admin_console", console)?;
            endpoints.sandbox = true;
        }
        if let Some(accounts) = &overrides.accounts_base {
            endpoints.accounts_base = check_transport("accounts_base", accounts)?;
            endpoints.sandbox = true;
        }
        if let Some(template) = &overrides.instance_template {
            if !template.contains("{domain}") {
                return Err(OverrideError::Invalid {
                    field: "instance_template",
                    reason: "it must contain {domain}".into(),
                });
            }
            check_transport(
                "instance_template",
                &template.replace("{domain}", "example"),
            )?;
            endpoints.instance_template.clone_from(template);
            endpoints.sandbox = true;
        }
        Ok(endpoints)
    }

    /// Reads the overrides named by `C1_SETUP_ENDPOINTS`, if set.
    pub fn overrides_from_env() -> Result<Overrides, OverrideError> {
        match std::env::var_os(OVERRIDE_ENV) {
            None => Ok(Overrides::default()),
            Some(path) if path.is_empty() => Ok(Overrides::default()),
            Some(path) => Self::overrides_from_file(Path::new(&path)),
        }
    }

    pub fn overrides_from_file(path: &Path) -> Result<Overrides, OverrideError> {
        let unreadable = |reason: String| OverrideError::Unreadable {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| unreadable(e.to_string()))
    }

    pub fn region(&self) -> Region {
        self.region
    }

    /// True when any address points somewhere other than the real services.
    pub fn sandbox(&self) -> bool {
        self.sandbox
    }

    /// The OpenID issuer, exactly (trailing slash included).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The Admin Portal's SSO applications page.
    pub fn sso_apps_page(&self) -> String {
        format!("{}{CONSOLE_SSO_APPS_ROUTE}", self.admin_console)
    }

    /// The Admin Portal's user groups page.
    pub fn user_groups_page(&self) -> String {
        format!("{}{CONSOLE_USER_GROUPS_ROUTE}", self.admin_console)
    }

    /// ConductorOne's signup page.
    pub fn signup_page(&self) -> String {
        join(&self.accounts_base, C1_SIGNUP_PATH)
    }

    /// ConductorOne's redirect URI, the same for every identity provider.
    pub fn conductorone_redirect_uri(&self) -> String {
        join(&self.accounts_base, C1_CALLBACK_PATH)
    }

    /// The instance's address, e.g. `https://acmeco.conductor.one/`.
    /// `domain` must already be a validated DNS label.
    pub fn instance_url(&self, domain: &str) -> String {
        self.instance_template.replace("{domain}", domain)
    }

    /// Whether `url` belongs to the instance of `domain`: an address on the
    /// instance itself, or ConductorOne's sign-in for it on the accounts
    /// host. The second form is inferred (a sign-in page naming the domain in
    /// its path or query); a wrong guess only makes the assistant wait for
    /// an answer from the instance itself.
    pub fn belongs_to_instance(&self, domain: &str, url: &Url) -> bool {
        let instance = self.instance_url(domain);
        if url.as_str().starts_with(&instance) {
            return true;
        }
        let on_accounts = url.scheme() == self.accounts_base.scheme()
            && url.host_str() == self.accounts_base.host_str()
            && url.port_or_known_default() == self.accounts_base.port_or_known_default();
        let names_domain = url
            .path_segments()
            .into_iter()
            .flatten()
            .any(|s| s == domain)
            || url.query_pairs().any(|(_, v)| v == domain);
        on_accounts && names_domain && url.path().contains("login")
    }

    /// The Login URL JumpCloud's app form asks for.
    pub fn login_url(&self, domain: &str) -> String {
        format!("{}{C1_LOGIN_PATH_AND_QUERY}", self.instance_url(domain))
    }

    /// The assistant's own redirect URI for the verification login. Always the
    /// IPv4 loopback literal, never `localhost`: JumpCloud matches redirect URIs
    /// exactly, and `localhost` may resolve to `::1` first.
    pub fn loopback_redirect_uri(port: u16) -> String {
        format!("http://127.0.0.1:{port}/callback")
    }

    /// The address of `page`. The instance needs the validated domain.
    pub fn page_url(&self, page: Page, domain: &str) -> Option<String> {
        match page {
            Page::SsoApplications => Some(self.sso_apps_page()),
            Page::UserGroups => Some(self.user_groups_page()),
            Page::Signup => Some(self.signup_page()),
            Page::Docs => Some(C1_DOCS.to_owned()),
            Page::Instance if domain.is_empty() => None,
            Page::Instance => Some(self.instance_url(domain)),
        }
    }

    /// Whether `url` is one the assistant may open in the system browser: it
    /// must be exactly one of the pages this table builds. The instance's
    /// address counts only for a `domain` that is one lower-case DNS label,
    /// so that no value can turn it into another site's address.
    pub fn is_openable(&self, url: &str, domain: Option<&str>) -> bool {
        let mut allowed = vec![
            self.sso_apps_page(),
            self.user_groups_page(),
            self.signup_page(),
            C1_DOCS.to_owned(),
        ];
        if let Some(domain) = domain.filter(|d| is_dns_label(d)) {
            allowed.push(self.instance_url(domain));
        }
        allowed.iter().any(|a| a == url)
    }
}

/// One DNS label as the instance's address uses it: 1 to 63 of `a-z`, `0-9`
/// and `-`, not starting or ending with `-`. (The domain field's own check,
/// with its messages, is `fields::validate_domain`.)
fn is_dns_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

fn join(base: &Url, path: &str) -> String {
    // The bases always end in '/', so a relative join appends.
    base.join(path)
        .map_or_else(|_| format!("{base}{path}"), |u| u.to_string())
}

fn parse_static(url: &str) -> Url {
    Url::parse(url).unwrap_or_else(|e| panic!("built-in endpoint {url} is invalid: {e}"))
}

/// https everywhere, plain http only for loopback hosts.
pub fn check_transport(field: &'static str, value: &str) -> Result<Url, OverrideError> {
    let url = Url::parse(value).map_err(|e| OverrideError::Invalid {
        field,
        reason: e.to_string(),
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback_host(&url) => Ok(url),
        other => Err(OverrideError::Invalid {
            field,
            reason: format!(
                "{other}:// is only allowed for 127.0.0.1, [::1] and localhost; use https"
            ),
        }),
    }
}

/// True for `127.0.0.1` (any 127/8 address), `[::1]` and `localhost`.
pub fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_instance_and_its_sign_in_belong_to_it() {
        let e = Endpoints::real(Region::Us);
        let belongs = |u: &str| e.belongs_to_instance("acmeco", &Url::parse(u).expect("url"));
        assert!(belongs("https://acmeco.conductor.one/"));
        assert!(belongs("https://acmeco.conductor.one/login?next=/"));
        assert!(belongs(
            "https://accounts.conductor.one/login?tenant=acmeco"
        ));
        assert!(!belongs("https://www.conductorone.com/"));
        assert!(!belongs("https://accounts.conductor.one/accounts/signup"));
        assert!(!belongs(
            "https://accounts.conductor.one/login?tenant=other"
        ));
        assert!(!belongs("https://acmeco.conductor.one.evil.example/"));
        assert!(!belongs("https://other.conductor.one/"));
    }

    #[test]
    fn issuers_keep_their_trailing_slash_in_every_region() {
        assert_eq!(Region::Us.issuer(), "https://oauth.id.jumpcloud.com/");
        assert_eq!(Region::Eu.issuer(), "https://oauth.id.eu.jumpcloud.com/");
        assert_eq!(Region::In.issuer(), "https://oauth.id.in.jumpcloud.com/");
        for region in Region::ALL {
            let e = Endpoints::real(region);
            assert!(e.issuer().ends_with('/'));
            assert!(e.issuer().starts_with("https://"));
            assert!(!e.sandbox());
        }
    }

    #[test]
    fn admin_portal_pages_follow_the_region() {
        assert_eq!(
            Endpoints::real(Region::Us).sso_apps_page(),
            "https://console.jumpcloud.com/#/sso"
        );
        assert_eq!(
            Endpoints::real(Region::Eu).sso_apps_page(),
            "https://console.eu.jumpcloud.com/#/sso"
        );
        assert_eq!(
            Endpoints::real(Region::In).user_groups_page(),
            "https://console.in.jumpcloud.com/#/groups/user"
        );
    }

    #[test]
    fn conductorone_values_are_on_the_accounts_host_and_the_tenant() {
        let e = Endpoints::real(Region::Eu);
        assert_eq!(
            e.signup_page(),
            "https://accounts.conductor.one/accounts/signup"
        );
        assert_eq!(
            e.conductorone_redirect_uri(),
            "https://accounts.conductor.one/auth/callback"
        );
        assert_eq!(e.instance_url("acmeco"), "https://acmeco.conductor.one/");
        assert_eq!(
            e.login_url("acmeco"),
            "https://acmeco.conductor.one/login?sso_operation=initiate_login"
        );
        assert_eq!(
            Endpoints::loopback_redirect_uri(38710),
            "http://127.0.0.1:38710/callback"
        );
    }

    #[test]
    fn overrides_replace_addresses_and_mark_the_sandbox() {
        let overrides = Overrides {
            issuer: Some("http://127.0.0.1:4000/".into()),
            admin_console: Some("http://127.0.0.1:4000/console/".into()),
            accounts_base: Some("http://127.0.0.1:4100/".into()),
            instance_template: Some("http://127.0.0.1:4100/instances/{domain}/".into()),
        };
        let e = Endpoints::with_overrides(Region::Us, &overrides).expect("loopback http is fine");
        assert!(e.sandbox());
        assert_eq!(e.issuer(), "http://127.0.0.1:4000/");
        assert_eq!(e.sso_apps_page(), "http://127.0.0.1:4000/console/#/sso");
        assert_eq!(e.signup_page(), "http://127.0.0.1:4100/accounts/signup");
        assert_eq!(
            e.instance_url("acme"),
            "http://127.0.0.1:4100/instances/acme/"
        );
    }

    #[test]
    fn overrides_refuse_plain_http_off_loopback() {
        let overrides = Overrides {
            issuer: Some("http://idp.example.com/".into()),
            ..Overrides::default()
        };
        let err = Endpoints::with_overrides(Region::Us, &overrides).expect_err("must refuse");
        assert!(matches!(
            err,
            OverrideError::Invalid {
                field: "issuer",
                ..
            }
        ));
        let template = Overrides {
            instance_template: Some("https://example.com/".into()),
            ..Overrides::default()
        };
        assert!(Endpoints::with_overrides(Region::Us, &template).is_err());
    }

    #[test]
    fn only_pages_from_the_table_are_openable() {
        let e = Endpoints::real(Region::Us);
        assert!(e.is_openable("https://console.jumpcloud.com/#/sso", None));
        assert!(e.is_openable("https://accounts.conductor.one/accounts/signup", None));
        assert!(e.is_openable("https://acme.conductor.one/", Some("acme")));
        assert!(!e.is_openable("https://acme.conductor.one/", None));
        assert!(!e.is_openable("https://evil.example/", None));
        assert!(!e.is_openable("file:///etc/passwd", None));
        for domain in ["evil.example/x?", "evil.example#", "Acme", "-acme", ""] {
            let url = e.instance_url(domain);
            assert!(!e.is_openable(&url, Some(domain)), "{url}");
        }
    }

    #[test]
    fn every_page_comes_from_the_table() {
        let e = Endpoints::real(Region::Eu);
        for page in [
            Page::SsoApplications,
            Page::UserGroups,
            Page::Signup,
            Page::Instance,
        ] {
            let url = e.page_url(page, "acme").expect("has an address");
            assert!(e.is_openable(&url, Some("acme")), "{url}");
        }
        assert_eq!(e.page_url(Page::Instance, ""), None);
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for ok in [
            "http://127.0.0.1:1/",
            "http://[::1]:1/",
            "http://localhost/",
            "http://127.0.0.2/",
        ] {
            assert!(is_loopback_host(&Url::parse(ok).expect("valid")), "{ok}");
        }
        for no in [
            "http://10.0.0.1/",
            "http://localhost.example.com/",
            "http://[::2]/",
        ] {
            assert!(!is_loopback_host(&Url::parse(no).expect("valid")), "{no}");
        }
    }
}
