//! The verification login: a real OpenID Connect authorization-code login
//! with PKCE through a loopback redirect (RFC 8252), and its diagnosis.
//!
//! The engine knows nothing of the wizard: its errors say what failed and
//! how to fix it, and the step use-case that runs it
//! (step 3) adds which step that is.
//!
//! [`verify`] proves, before ConductorOne's signup is attempted, that the
//! JumpCloud app is set up right: the issuer, the redirect URI, the admin's
//! group assignment, the client secret and its authentication type, the ID
//! token's signature and the email mapping. Every failure is an
//! [`AppError`](crate::AppError) whose kind says which of these is wrong.
//!
//! The flow:
//! 1. discovery ([`discovery`]): the provider's metadata, checked against the
//!    configured issuer;
//! 2. the authorization request ([`request`]): PKCE S256, `state`, `nonce`;
//! 3. the loopback listener ([`listener`], [`callback`]): bound to
//!    `127.0.0.1:<port>`, it redirects the browser to the provider and waits
//!    for the first `/callback` carrying `code` or `error` and this login's
//!    `state` (others get a 400 and the wait goes on);
//! 4. the token exchange ([`token`]) with `client_secret_post`;
//! 5. the ID token ([`id_token`]) and, when it has no email, userinfo
//!    ([`userinfo`]).

mod callback;
mod diagnosis;
mod discovery;
mod flow;
mod id_token;
mod listener;
mod pages;
mod request;
mod token;
mod userinfo;

use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use crate::browser::OpenBrowser;
use crate::endpoints::Endpoints;
use crate::error::AppError;
use crate::secret::Secret;

pub use crate::net::CancelToken;
pub use listener::MAX_CONNECTIONS as MAX_LOOPBACK_CONNECTIONS;

/// How long the listener waits for the browser, unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// What the verification login needs besides the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginConfig {
    /// The OpenID issuer, exactly as the provider publishes it (JumpCloud's
    /// ends with a slash).
    pub issuer: String,
    /// The JumpCloud app's Client ID.
    pub client_id: String,
    /// The loopback port; the redirect URI is `http://127.0.0.1:<port>/callback`.
    pub port: u16,
    /// How long to wait for the login in the browser.
    pub timeout: Duration,
}

impl LoginConfig {
    /// A configuration with the default timeout.
    pub fn new(issuer: impl Into<String>, client_id: impl Into<String>, port: u16) -> Self {
        Self {
            issuer: issuer.into(),
            client_id: client_id.into(),
            port,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The redirect URI the JumpCloud app must list.
    pub fn redirect_uri(&self) -> String {
        Endpoints::loopback_redirect_uri(self.port)
    }
}

/// One thing a successful login proved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CheckId {
    /// The issuer answered and its discovery document matches.
    Issuer,
    /// JumpCloud sent the browser back to the assistant's redirect URI.
    RedirectUri,
    /// The admin was allowed in: a member of a user group assigned to the app.
    GroupAssignment,
    /// The token endpoint accepted the Client ID and secret.
    ClientSecret,
    /// ... sent as Client Secret POST.
    AuthType,
    /// The ID token is signed by the provider and meant for this app.
    IdToken,
    /// The email attribute reaches the app.
    EmailMapping,
}

/// An entry in the "what was proven" list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[ts(export)]
pub struct CheckResult {
    pub id: CheckId,
    /// One sentence for the admin.
    pub label: String,
}

/// The outcome of a successful verification. Holds no token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Verified {
    pub issuer: String,
    pub subject: String,
    pub email: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// The `memberOf` group claim, when JumpCloud sends one.
    pub groups: Vec<String>,
    pub checks: Vec<CheckResult>,
}

/// Where the login is, for the window and the terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "stage", rename_all = "snake_case")]
#[ts(export)]
pub enum LoginProgress {
    /// Reading the provider's configuration.
    Discovering { issuer: String },
    /// The browser was sent to the provider; the admin signs in there.
    WaitingForBrowser {
        /// The provider's full authorization URL: always shown, to copy or open again.
        url: String,
        /// The short local address the browser was opened at (it redirects to `url`).
        local_url: String,
        /// The redirect URI the JumpCloud app must list.
        redirect_uri: String,
        /// False when the browser could not be opened; the admin opens `url` by hand.
        browser_opened: bool,
        /// Why the browser did not open, if it did not.
        #[ts(optional)]
        #[serde(skip_serializing_if = "Option::is_none")]
        browser_error: Option<AppError>,
    },
    /// The browser came back; the assistant checks the result with the provider.
    CheckingWithProvider,
    /// Everything checked out.
    Verified { email: String },
}

/// A progress callback that may be called from any thread.
pub type ProgressFn<'a> = &'a (dyn Fn(LoginProgress) + Send + Sync);

/// Runs the verification login. The secret is only sent to the provider's
/// token endpoint. Cancelling `cancel` from another task stops the login
/// (the listener closes) and returns a `cancelled` error.
pub async fn verify(
    config: &LoginConfig,
    secret: &Secret,
    browser: &dyn OpenBrowser,
    progress: ProgressFn<'_>,
    cancel: &CancelToken,
) -> Result<Verified, AppError> {
    if cancel.is_cancelled() {
        return Err(diagnosis::cancelled());
    }
    tokio::select! {
        result = flow::run(config, secret, browser, progress) => result,
        () = cancel.cancelled() => Err(diagnosis::cancelled()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser::SystemBrowser;

    fn assert_send<T: Send>(_: T) {}

    #[test]
    fn the_login_future_can_run_on_a_multi_threaded_runtime() {
        // Compile-time check: the desktop shell spawns this future on its runtime.
        let config = LoginConfig::new("https://oauth.id.jumpcloud.com/", "client", 38710);
        let secret = Secret::from("s");
        let cancel = CancelToken::new();
        assert_send(verify(&config, &secret, &SystemBrowser, &|_| {}, &cancel));
        assert_eq!(config.redirect_uri(), "http://127.0.0.1:38710/callback");
        assert_eq!(config.timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn progress_and_results_serialise_with_snake_case_tags_and_no_tokens() {
        let waiting = LoginProgress::WaitingForBrowser {
            url: "https://idp/auth?x".into(),
            local_url: "http://127.0.0.1:1/".into(),
            redirect_uri: "http://127.0.0.1:1/callback".into(),
            browser_opened: true,
            browser_error: None,
        };
        let json = serde_json::to_value(&waiting).expect("serialises");
        assert_eq!(json["stage"], "waiting_for_browser");
        assert_eq!(json["url"], "https://idp/auth?x");
        assert!(json.get("browser_error").is_none());
        let json = serde_json::to_value(LoginProgress::CheckingWithProvider).expect("serialises");
        assert_eq!(json, serde_json::json!({"stage": "checking_with_provider"}));
        let verified = Verified {
            issuer: "https://oauth.id.jumpcloud.com/".into(),
            subject: "u1".into(),
            email: "a@b.c".into(),
            email_verified: None,
            groups: vec!["g".into()],
            checks: vec![CheckResult {
                id: CheckId::EmailMapping,
                label: "x".into(),
            }],
        };
        let json = serde_json::to_value(&verified).expect("serialises");
        assert_eq!(json["checks"][0]["id"], "email_mapping");
        assert!(json.get("email_verified").is_none());
        let keys: Vec<&String> = json.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["checks", "email", "groups", "issuer", "subject"]);
    }
}
