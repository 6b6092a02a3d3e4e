//! Step 3: connect JumpCloud to ConductorOne: the Client ID and Client
//! Secret from JumpCloud's "Application Saved" popup go into the state file
//! and the keychain, and a verification login (a test sign-in that changes
//! nothing) proves the JumpCloud app works before ConductorOne's signup is
//! attempted. The window's step 3 and `c1-setup verify-sso` both prepare and
//! record that login here. What follows a passed login is in the `signup` module.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::browser::OpenBrowser;
use crate::clipboard_guard::Clipboard;
use crate::error::{AppError, ErrorKind, FieldError};
use crate::fields::{
    check_pasted, field_error, Pasted, FIELD_CLIENT_ID, FIELD_CLIENT_SECRET, FIELD_ISSUER,
};
use crate::keychain::{SecretKey, SecretStore};
use crate::login::{self, CancelToken, LoginConfig, ProgressFn, Verified};
use crate::progress::{SavedState, VerificationOutcome, VerificationRecord};
use crate::secret::Secret;
use crate::session::{Session, Task};
use crate::setup::Setup;
use crate::step::StepId;

pub const TITLE: &str = "Connect JumpCloud to ConductorOne";
pub const SUMMARY: &str =
    "Store the Client ID and secret safely and prove that the JumpCloud app signs you in.";

/// The shortest value accepted as a Client Secret. JumpCloud's secrets are
/// far longer; anything this short is a partial copy or the wrong field.
pub const CLIENT_SECRET_MIN_CHARS: usize = 16;

/// Where both values are shown in JumpCloud, for the messages.
const WHERE_TO_COPY: &str = "the “Application Saved” popup in JumpCloud (step 2)";

/// Checks the Client ID and returns it trimmed. The rule (which characters
/// a Client ID has) is [`crate::fields::is_client_id_char`].
pub fn validate_client_id(input: &str) -> Result<String, FieldError> {
    crate::fields::check_client_id(
        Pasted {
            field: FIELD_CLIENT_ID,
            required: format!("Enter the Client ID shown in {WHERE_TO_COPY}."),
            has_space: format!(
                "The Client ID has a space or line break in the middle, and Client IDs have none. Copy it again from {WHERE_TO_COPY}."
            ),
            invisible: format!(
                "The Client ID contains an invisible character, probably copied along with it. Copy it again from {WHERE_TO_COPY}."
            ),
        },
        WHERE_TO_COPY,
        input,
    )
    .map(str::to_owned)
}

/// Checks the Client Secret. Only surrounding whitespace and line breaks are
/// removed; no message quotes the secret.
pub fn validate_client_secret(input: &str) -> Result<Secret, FieldError> {
    let value = check_pasted(
        Pasted {
            field: FIELD_CLIENT_SECRET,
            required: format!("Paste the Client Secret shown in {WHERE_TO_COPY}."),
            has_space: format!(
                "The Client Secret has a space or line break in the middle, and secrets have none. Copy it again in one piece from {WHERE_TO_COPY}."
            ),
            invisible: format!(
                "The Client Secret contains an invisible character, probably copied along with it. Copy it again from {WHERE_TO_COPY}."
            ),
        },
        input,
    )?;
    let len = value.chars().count();
    if len < CLIENT_SECRET_MIN_CHARS {
        return Err(field_error(
            FIELD_CLIENT_SECRET,
            "client_secret_too_short",
            format!(
                "This is only {len} characters long, too short for a JumpCloud Client Secret. Copy the whole secret from {WHERE_TO_COPY}. If the popup is closed, generate a new secret in the app's SSO tab."
            ),
            None,
        ));
    }
    Ok(Secret::new(value.to_owned()))
}

/// What the window sends when the admin stores the step 3 values.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct ConnectInput {
    pub client_id: String,
    #[ts(type = "string")]
    pub client_secret: Secret,
}

/// Checks both fields and reports every problem at once. A secret equal to
/// the Client ID is refused: it means the same value was pasted twice.
fn validate_connect(input: &ConnectInput) -> Result<(String, Secret), Vec<FieldError>> {
    let client_id = validate_client_id(&input.client_id);
    let client_secret = validate_client_secret(input.client_secret.expose());
    match (client_id, client_secret) {
        // Checked before the Client ID's own rule: a secret pasted into both
        // fields breaks that rule too, and this says what happened.
        (_, Ok(client_secret)) if client_secret.expose() == input.client_id.trim() => {
            Err(vec![field_error(
                FIELD_CLIENT_SECRET,
                "client_secret_is_client_id",
                "The Client Secret is the same as the Client ID. Copy the secret from the second field of the popup.",
                None,
            )])
        }
        (Ok(client_id), Ok(client_secret)) => Ok((client_id, client_secret)),
        (client_id, client_secret) => Err([client_id.err(), client_secret.err()]
            .into_iter()
            .flatten()
            .collect()),
    }
}

/// Which JumpCloud app a verification login checks: the issuer exactly, the
/// Client ID, the loopback port of its redirect URI, and how long to wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationRequest {
    pub issuer: String,
    pub client_id: String,
    pub port: u16,
    pub timeout: Duration,
}

/// Where the Client Secret of a verification login comes from.
pub enum SecretSource<'a> {
    /// The keychain item step 3 stored for the request's Client ID.
    Keychain(&'a dyn SecretStore),
    /// Given by the admin for this run only (the terminal's standard input).
    Given(Secret),
}

impl std::fmt::Debug for SecretSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Keychain(_) => "SecretSource::Keychain",
            Self::Given(_) => "SecretSource::Given([redacted])",
        })
    }
}

/// A verification login ready to run: the configuration and the secret.
#[derive(Debug)]
pub struct Verification {
    config: LoginConfig,
    secret: Secret,
}

impl Verification {
    pub fn config(&self) -> &LoginConfig {
        &self.config
    }

    /// Runs the login (see [`login::verify`]). A failure names the step where
    /// it is fixed.
    pub async fn run(
        &self,
        browser: &dyn OpenBrowser,
        progress: ProgressFn<'_>,
        cancel: &CancelToken,
    ) -> Result<Verified, AppError> {
        let result = login::verify(&self.config, &self.secret, browser, progress, cancel).await;
        match &result {
            Ok(_) => tracing::info!(issuer = %self.config.issuer, "verification login succeeded"),
            Err(e) => {
                tracing::info!(issuer = %self.config.issuer, kind = %e.kind, "verification login failed");
            }
        }
        result.map_err(|mut e| {
            e.step = e.step.or(step_to_fix(e.kind));
            e
        })
    }
}

/// Outcomes that say nothing about the JumpCloud app: the admin stopped, the
/// time ran out, a foreign answer arrived, or the port was busy. They never
/// replace an earlier pass of the same app.
pub fn is_transient(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Cancelled | ErrorKind::Timeout | ErrorKind::StateMismatch | ErrorKind::PortInUse
    )
}

/// Where the admin fixes what a failed verification login found: the
/// JumpCloud app's settings (step 2) or the pasted credentials (step 3).
/// Failures that a retry fixes name no step.
pub fn step_to_fix(kind: ErrorKind) -> Option<StepId> {
    match kind {
        ErrorKind::InvalidClient | ErrorKind::IdTokenInvalid => Some(StepId::Connect),
        ErrorKind::IssuerUnreachable
        | ErrorKind::DiscoveryInvalid
        | ErrorKind::IssuerMismatch
        | ErrorKind::AuthMethodUnsupported
        | ErrorKind::PortInUse
        | ErrorKind::Timeout
        | ErrorKind::AccessDenied
        | ErrorKind::IdpError
        | ErrorKind::InvalidGrant
        | ErrorKind::UserinfoInvalid
        | ErrorKind::EmailMissing => Some(StepId::JumpcloudApp),
        _ => None,
    }
}

impl Setup {
    /// Stores step 3's Client ID (state file) and Client Secret (keychain).
    /// A new secret replaces the stored one; a new Client ID drops the old
    /// app's secret.
    pub fn save_credentials(
        &mut self,
        input: &ConnectInput,
        secrets: &dyn SecretStore,
    ) -> Result<(), AppError> {
        let (client_id, client_secret) = validate_connect(input)
            .map_err(|fields| AppError::invalid_input(StepId::Connect, fields))?;
        self.require_domain()?;
        let key = SecretKey::client_secret(&self.state.domain, &client_id);
        secrets.put(&key, &client_secret)?;
        if let Some(old) = self.state.client_id.clone() {
            if old != client_id && self.state.client_secret_stored {
                secrets.delete(&SecretKey::client_secret(&self.state.domain, &old))?;
            }
        }
        self.state.client_id = Some(client_id);
        self.state.client_secret_stored = true;
        self.state.verification = None;
        self.save()
    }

    /// The stored Client Secret. When it is gone from the keychain, the state
    /// file is corrected so the window asks for it again.
    pub fn client_secret(&mut self, secrets: &dyn SecretStore) -> Result<Secret, AppError> {
        let Some(client_id) = self.state.client_id.clone() else {
            return Err(AppError::new(
                ErrorKind::SecretNotFound,
                "No Client ID and Client Secret have been stored yet.",
                "Paste the Client ID and Client Secret from JumpCloud's \"Application Saved\" popup in step 3.",
            )
            .at_step(StepId::Connect));
        };
        match secrets.get(&SecretKey::client_secret(&self.state.domain, &client_id)) {
            Ok(secret) => Ok(secret),
            Err(err) => {
                if err.kind == ErrorKind::SecretNotFound && self.state.client_secret_stored {
                    self.state.client_secret_stored = false;
                    self.save()?;
                }
                Err(err)
            }
        }
    }

    /// The app the saved progress describes: the region's issuer, the stored
    /// Client ID and the chosen loopback port.
    pub fn saved_verification_request(&self) -> Result<VerificationRequest, AppError> {
        Ok(VerificationRequest {
            issuer: self.endpoints()?.issuer().to_owned(),
            client_id: self.state.client_id.clone().unwrap_or_default(),
            port: self.state.loopback_port,
            timeout: login::DEFAULT_TIMEOUT,
        })
    }

    /// Prepares a verification login of `request`'s app. A keychain secret
    /// is the one step 3 stored, found only when the saved progress is for
    /// the same Client ID; otherwise the error says what was saved instead.
    pub fn prepare_verification(
        &mut self,
        request: VerificationRequest,
        source: SecretSource<'_>,
    ) -> Result<Verification, AppError> {
        let secret = match source {
            SecretSource::Given(secret) => secret,
            SecretSource::Keychain(secrets) => {
                let saved = self.state.client_id.as_deref().unwrap_or_default();
                if saved.is_empty() || self.state.domain.is_empty() {
                    return Err(secret_not_found(
                        &request.client_id,
                        "step 3 has not been completed in the window yet",
                    ));
                }
                if saved != request.client_id {
                    return Err(secret_not_found(
                        &request.client_id,
                        &format!("step 3 was completed with another Client ID ({saved})"),
                    ));
                }
                self.check_secret_goes_home(&request.issuer)?;
                self.client_secret(secrets)?
            }
        };
        Ok(Verification {
            config: LoginConfig {
                issuer: request.issuer,
                client_id: request.client_id,
                port: request.port,
                timeout: request.timeout,
            },
            secret,
        })
    }

    /// The keychain's secret is only ever sent to the issuer it was stored
    /// for: the saved region's, or the one the last passed verification of
    /// this app used. Any other issuer (a pasted command's `--issuer`, say)
    /// must be given its secret explicitly; this is checked before the
    /// keychain is read or anything is sent.
    fn check_secret_goes_home(&self, issuer: &str) -> Result<(), AppError> {
        let region = self.endpoints()?.issuer().to_owned();
        let passed = match &self.state.verification {
            Some(VerificationRecord {
                outcome: VerificationOutcome::Passed { .. },
                issuer,
                client_id,
                ..
            }) if Some(client_id) == self.state.client_id.as_ref() => Some(issuer.clone()),
            _ => None,
        };
        if issuer == region || passed.as_deref() == Some(issuer) {
            return Ok(());
        }
        let mut error = AppError::invalid_input(
            StepId::Connect,
            vec![field_error(
                FIELD_ISSUER,
                "issuer_not_the_stored_one",
                format!(
                    "The Client Secret in the keychain is only sent to the JumpCloud issuer it was stored \
                     for ({region}), not to {issuer}: a command pasted from elsewhere must not be able to \
                     send your secret to another server."
                ),
                None,
            )],
        );
        error.fix = format!(
            "Use --issuer {region}, or, if you trust {issuer}, pass the Client Secret for it on \
             standard input with --client-secret-stdin."
        );
        Err(error)
    }

    /// Keeps the outcome of a verification login (never a token), when it
    /// checked the app the saved progress describes.
    pub fn record_verification(
        &mut self,
        verification: &Verification,
        result: &Result<Verified, AppError>,
    ) -> Result<(), AppError> {
        let config = &verification.config;
        if self.state.client_id.as_deref() != Some(config.client_id.as_str()) {
            return Ok(());
        }
        if let Err(err) = result {
            if is_transient(err.kind) && self.verified_with(&config.client_id) {
                // A cancelled or interrupted re-check proves nothing new: the
                // earlier pass of this app stands.
                return Ok(());
            }
        }
        let outcome = match result {
            Ok(verified) => VerificationOutcome::Passed {
                email: verified.email.clone(),
                email_verified: verified.email_verified,
                checks: verified.checks.clone(),
            },
            Err(err) => VerificationOutcome::Failed { kind: err.kind },
        };
        self.state.verification = Some(VerificationRecord {
            at: OffsetDateTime::now_utc(),
            issuer: config.issuer.clone(),
            client_id: config.client_id.clone(),
            outcome,
        });
        self.save()
    }

    /// True when the last verification login of `client_id` succeeded.
    fn verified_with(&self, client_id: &str) -> bool {
        matches!(
            &self.state.verification,
            Some(VerificationRecord { outcome: VerificationOutcome::Passed { .. }, client_id: passed, .. })
                if passed == client_id
        )
    }

    /// True when the last verification login succeeded for the stored app.
    pub fn verified(&self) -> bool {
        matches!(
            &self.state.verification,
            Some(VerificationRecord { outcome: VerificationOutcome::Passed { .. }, client_id, .. })
                if Some(client_id) == self.state.client_id.as_ref()
        )
    }
}

/// What the window shows after the credentials were stored.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CredentialsSaved {
    /// The keychain that holds the secret, e.g. "GNOME Keyring".
    pub store_name: String,
    /// True when the clipboard still held the secret and was emptied.
    pub clipboard_cleared: bool,
    pub progress: SavedState,
}

impl Session {
    /// Stores the Client ID and the Client Secret. This is the only time the
    /// secret crosses from the window to Rust; it never goes back. If the
    /// clipboard still holds the secret afterwards, it is emptied.
    pub async fn save_credentials(
        &self,
        input: ConnectInput,
        clipboard: &dyn Clipboard,
    ) -> Result<CredentialsSaved, AppError> {
        let stored = self
            .store_pasted(
                input.client_secret.clone(),
                clipboard,
                move |setup, secrets| setup.save_credentials(&input, secrets),
            )
            .await?;
        Ok(CredentialsSaved {
            store_name: stored.store_name,
            clipboard_cleared: stored.clipboard_cleared,
            progress: stored.progress,
        })
    }

    /// The Client Secret's Paste button: the clipboard is read here, in
    /// Rust, and the secret stored with `client_id` as by
    /// [`Session::save_credentials`] (the clipboard is emptied afterwards if
    /// it still holds it). The secret never passes through the window.
    pub async fn paste_client_secret(
        &self,
        client_id: String,
        clipboard: &dyn Clipboard,
    ) -> Result<CredentialsSaved, AppError> {
        let client_secret = crate::clipboard_guard::pasted(
            clipboard,
            StepId::Connect,
            crate::fields::FIELD_CLIENT_SECRET,
            "Client Secret",
        )?;
        let input = ConnectInput {
            client_id,
            client_secret,
        };
        self.save_credentials(input, clipboard).await
    }

    /// The window's verification login: the saved app, the keychain's
    /// secret, progress on `progress`; the outcome is recorded. A new run
    /// cancels a running one.
    pub async fn verify(
        &self,
        browser: &dyn OpenBrowser,
        progress: ProgressFn<'_>,
    ) -> Result<Verified, AppError> {
        let verification = self
            .with_secrets(|setup, secrets| {
                let request = setup.saved_verification_request()?;
                setup.prepare_verification(request, SecretSource::Keychain(secrets))
            })
            .await?;
        let cancel = self.begin(Task::Login);
        let result = verification.run(browser, progress, &cancel).await;
        self.setup().record_verification(&verification, &result)?;
        result
    }
}

/// The Client ID's Paste button: the clipboard's text when it is a valid
/// Client ID (not a secret, so it goes to the window's field), or the
/// field's error.
pub fn paste_client_id(clipboard: &dyn Clipboard) -> Result<String, AppError> {
    let text = crate::clipboard_guard::pasted(
        clipboard,
        StepId::Connect,
        crate::fields::FIELD_CLIENT_ID,
        "Client ID",
    )?;
    validate_client_id(text.expose())
        .map_err(|field| AppError::invalid_input(StepId::Connect, vec![field]))
}

/// No stored secret can serve `client_id`, and why.
pub fn secret_not_found(client_id: &str, why: &str) -> AppError {
    AppError::new(
        ErrorKind::SecretNotFound,
        format!("No Client Secret is stored for Client ID {client_id}: {why}."),
        "Open the assistant's window and finish step 3 with this Client ID: it keeps the secret \
         in the keychain.",
    )
    .at_step(StepId::Connect)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::keychain::MemoryStore;
    use crate::setup::test_support::{
        credentials, instance, reopen, setup, stored_setup, verified,
    };

    const SECRET: &str = "Zq8x-Lw3!pR7_tY2mN5vB0cD";

    #[test]
    fn client_id_rules() {
        let cases: [(&str, Result<&str, &str>); 9] = [
            (
                "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
                Ok("0a1b2c3d-4e5f-6789-abcd-ef0123456789"),
            ),
            ("  AbC123  ", Ok("AbC123")),
            ("\nabc\r\n", Ok("abc")),
            ("x", Ok("x")),
            ("", Err("client_id_required")),
            (" \t ", Err("client_id_required")),
            ("abc def", Err("client_id_has_space")),
            ("abc\ndef", Err("client_id_has_space")),
            ("abc\u{200B}def", Err("client_id_invisible_character")),
        ];
        for (input, want) in cases {
            match (want, validate_client_id(input)) {
                (Ok(expected), Ok(got)) => assert_eq!(got, expected),
                (Err(reason), Err(err)) => {
                    assert_eq!(err.field, FIELD_CLIENT_ID);
                    assert_eq!(err.reason, reason, "{input:?}");
                }
                (_, got) => panic!("{input:?}: unexpected {got:?}"),
            }
        }
    }

    #[test]
    fn client_secret_rules() {
        let padded = format!("  {SECRET}\r\n");
        let inner_space = format!("{} {}", &SECRET[..10], &SECRET[10..]);
        let inner_break = format!("{}\n{}", &SECRET[..10], &SECRET[10..]);
        let zero_width = format!("{}\u{200B}{}", &SECRET[..10], &SECRET[10..]);
        let sixteen = &SECRET[..16];
        let fifteen = &SECRET[..15];
        let cases: Vec<(&str, Result<&str, &str>)> = vec![
            (SECRET, Ok(SECRET)),
            (&padded, Ok(SECRET)),
            (sixteen, Ok(sixteen)),
            (fifteen, Err("client_secret_too_short")),
            ("", Err("client_secret_required")),
            ("\n\n", Err("client_secret_required")),
            (&inner_space, Err("client_secret_has_space")),
            (&inner_break, Err("client_secret_has_space")),
            (&zero_width, Err("client_secret_invisible_character")),
        ];
        for (input, want) in cases {
            match (want, validate_client_secret(input)) {
                (Ok(expected), Ok(secret)) => assert_eq!(secret.expose(), expected),
                (Err(reason), Err(err)) => {
                    assert_eq!(err.field, FIELD_CLIENT_SECRET);
                    assert_eq!(err.reason, reason, "{input:?}");
                    // No part of the secret appears in the message.
                    for chunk in SECRET.as_bytes().chunks(5) {
                        let chunk = std::str::from_utf8(chunk).expect("ASCII");
                        assert!(!err.message.contains(chunk), "{}", err.message);
                    }
                }
                (_, Ok(secret)) => panic!("{input:?}: unexpectedly valid {secret:?}"),
                (_, Err(err)) => panic!("{input:?}: unexpected {err:?}"),
            }
        }
        let err = validate_client_secret(fifteen).expect_err("too short");
        assert!(err.message.contains("15 characters"), "{}", err.message);
    }

    #[test]
    fn connect_reports_both_fields_and_a_swapped_paste() {
        let both = ConnectInput {
            client_id: "a b".into(),
            client_secret: Secret::from("short"),
        };
        let errors = validate_connect(&both).expect_err("two errors");
        let reasons: Vec<_> = errors.iter().map(|e| e.reason.as_str()).collect();
        assert_eq!(reasons, ["client_id_has_space", "client_secret_too_short"]);

        let same = ConnectInput {
            client_id: SECRET.into(),
            client_secret: Secret::from(SECRET),
        };
        let errors = validate_connect(&same).expect_err("same value");
        assert_eq!(errors[0].reason, "client_secret_is_client_id");

        let input: ConnectInput = serde_json::from_value(
            serde_json::json!({"client_id": " id-1 ", "client_secret": format!(" {SECRET} ")}),
        )
        .expect("valid JSON");
        let (client_id, client_secret) = validate_connect(&input).expect("valid");
        assert_eq!(client_id, "id-1");
        assert_eq!(client_secret.expose(), SECRET);
        assert!(!format!("{client_secret:?} {input:?}").contains(SECRET));
    }

    #[test]
    fn new_credentials_need_a_new_verification() {
        let (mut s, _dir) = setup();
        let secrets = MemoryStore::new();
        stored_setup(&mut s, &secrets);
        let request = s.saved_verification_request().expect("saved");
        let v = s
            .prepare_verification(request, SecretSource::Keychain(&secrets))
            .expect("prepared");
        s.record_verification(&v, &Ok(verified("i")))
            .expect("saved");
        assert!(s.verified());
        s.save_credentials(
            &ConnectInput {
                client_id: "client-b".into(),
                client_secret: Secret::from("secret-bbbbbbbbbbbbbbbb"),
            },
            &secrets,
        )
        .expect("valid");
        assert!(!s.verified());
    }

    #[test]
    fn credentials_replace_the_old_secret_and_drop_the_old_apps_item() {
        let (mut s, _dir) = setup();
        let secrets = MemoryStore::new();
        s.save_instance(&instance("acmeco", "Code-1"), &secrets)
            .expect("valid");
        let creds = credentials;
        s.save_credentials(&creds("client-a", "secret-aaaaaaaaaaaaaaaa"), &secrets)
            .expect("valid");
        s.save_credentials(&creds("client-a", "secret-bbbbbbbbbbbbbbbb"), &secrets)
            .expect("valid");
        assert_eq!(
            s.client_secret(&secrets).expect("stored").expose(),
            "secret-bbbbbbbbbbbbbbbb"
        );
        s.save_credentials(&creds("client-b", "secret-cccccccccccccccc"), &secrets)
            .expect("valid");
        assert!(!secrets.contains(&SecretKey::client_secret("acmeco", "client-a")));
        assert_eq!(s.state().client_id.as_deref(), Some("client-b"));
    }

    #[test]
    fn a_secret_missing_from_the_keychain_sends_the_admin_back_to_step_3() {
        let (mut s, _dir) = setup();
        let secrets = MemoryStore::new();
        stored_setup(&mut s, &secrets);
        secrets
            .delete(&SecretKey::client_secret("acmeco", "client-a"))
            .expect("deleted");
        let err = s.client_secret(&secrets).expect_err("gone");
        assert_eq!(err.kind, ErrorKind::SecretNotFound);
        assert_eq!(err.step, Some(StepId::Connect));
        assert!(!s.state().client_secret_stored);
    }

    fn request(client_id: &str) -> VerificationRequest {
        VerificationRequest {
            issuer: "https://oauth.id.jumpcloud.com/".into(),
            client_id: client_id.into(),
            port: 38710,
            timeout: Duration::from_secs(5),
        }
    }

    #[test]
    fn the_window_and_the_terminal_record_the_same_outcome() {
        let secrets = MemoryStore::new();
        let outcomes: Vec<_> = [true, false]
            .into_iter()
            .map(|from_window| {
                let (mut s, dir) = setup();
                stored_setup(&mut s, &secrets);
                let (request, source) = if from_window {
                    let req = s.saved_verification_request().expect("saved");
                    (req, SecretSource::Keychain(&secrets))
                } else {
                    (
                        request("client-a"),
                        SecretSource::Given(Secret::from("secret-aaaaaaaaaaaaaaaa")),
                    )
                };
                let v = s.prepare_verification(request, source).expect("prepared");
                assert_eq!(v.secret.expose(), "secret-aaaaaaaaaaaaaaaa");
                s.record_verification(&v, &Ok(verified(&v.config.issuer)))
                    .expect("saved");
                let mut record = reopen(&dir).state().verification.clone().expect("kept");
                record.at = OffsetDateTime::UNIX_EPOCH;
                record
            })
            .collect();
        assert_eq!(outcomes[0], outcomes[1]);
        assert!(matches!(
            outcomes[0].outcome,
            VerificationOutcome::Passed { .. }
        ));
    }

    #[test]
    fn another_apps_result_is_not_recorded_and_its_keychain_secret_not_read() {
        let (mut s, _dir) = setup();
        let secrets = MemoryStore::new();
        stored_setup(&mut s, &secrets);
        let calls = secrets.calls();
        let e = s
            .prepare_verification(request("client-b"), SecretSource::Keychain(&secrets))
            .expect_err("another app");
        assert_eq!(e.kind, ErrorKind::SecretNotFound);
        assert!(
            e.message.contains("another Client ID (client-a)"),
            "{}",
            e.message
        );
        assert_eq!(secrets.calls(), calls);
        let v = s
            .prepare_verification(request("client-b"), SecretSource::Given(Secret::from("x")))
            .expect("given");
        s.record_verification(&v, &Ok(verified("i")))
            .expect("skipped");
        assert!(s.state().verification.is_none());
    }

    #[test]
    fn the_keychain_secret_goes_only_to_the_issuer_it_was_stored_for() {
        let (mut s, _dir) = setup();
        let secrets = MemoryStore::new();
        stored_setup(&mut s, &secrets);
        let calls = secrets.calls();
        let mut elsewhere = request("client-a");
        elsewhere.issuer = "https://evil.example/".into();
        let e = s
            .prepare_verification(elsewhere.clone(), SecretSource::Keychain(&secrets))
            .expect_err("another issuer");
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert_eq!(e.fields[0].field, FIELD_ISSUER);
        assert!(e.message.contains("https://evil.example/"), "{}", e.message);
        assert!(e.fix.contains("--client-secret-stdin"), "{}", e.fix);
        assert_eq!(secrets.calls(), calls, "the keychain was not read");
        // Its own secret may go anywhere the admin says.
        s.prepare_verification(
            elsewhere.clone(),
            SecretSource::Given(Secret::from("secret-for-elsewhere-1")),
        )
        .expect("given");
        // The region's issuer, and the issuer of the last pass, are fine.
        let region = s.saved_verification_request().expect("saved");
        let v = s
            .prepare_verification(region, SecretSource::Keychain(&secrets))
            .expect("the region's issuer");
        let mut passed_elsewhere = verified("https://idp.test/");
        passed_elsewhere.issuer = "https://idp.test/".into();
        let mut there = request("client-a");
        there.issuer = "https://idp.test/".into();
        let given = s
            .prepare_verification(there.clone(), SecretSource::Given(Secret::from("x")))
            .expect("given");
        s.record_verification(&given, &Ok(passed_elsewhere))
            .expect("saved");
        s.prepare_verification(there, SecretSource::Keychain(&secrets))
            .expect("the issuer of the last pass");
        drop(v);
    }

    #[test]
    fn a_cancelled_or_interrupted_recheck_keeps_the_earlier_pass() {
        let (mut s, dir) = setup();
        let secrets = MemoryStore::new();
        stored_setup(&mut s, &secrets);
        let req = s.saved_verification_request().expect("saved");
        let v = s
            .prepare_verification(req, SecretSource::Keychain(&secrets))
            .expect("prepared");
        s.record_verification(&v, &Ok(verified(&v.config.issuer)))
            .expect("saved");
        for kind in [
            ErrorKind::Cancelled,
            ErrorKind::Timeout,
            ErrorKind::StateMismatch,
            ErrorKind::PortInUse,
        ] {
            let err = AppError::new(kind, "m", "f");
            s.record_verification(&v, &Err(err)).expect("saved");
            assert!(s.verified(), "{kind} replaced the pass");
            assert!(reopen(&dir).verified(), "{kind} replaced the saved pass");
        }
        // A failure about the app itself does replace it.
        let err = AppError::new(ErrorKind::InvalidClient, "m", "f");
        s.record_verification(&v, &Err(err)).expect("saved");
        assert!(!s.verified());
    }

    #[test]
    fn failures_name_the_step_that_fixes_them() {
        assert_eq!(step_to_fix(ErrorKind::InvalidClient), Some(StepId::Connect));
        assert_eq!(
            step_to_fix(ErrorKind::IdTokenInvalid),
            Some(StepId::Connect)
        );
        for kind in [
            ErrorKind::Timeout,
            ErrorKind::AccessDenied,
            ErrorKind::EmailMissing,
            ErrorKind::PortInUse,
        ] {
            assert_eq!(step_to_fix(kind), Some(StepId::JumpcloudApp), "{kind}");
        }
        for kind in [
            ErrorKind::Cancelled,
            ErrorKind::StateMismatch,
            ErrorKind::TokenResponseInvalid,
        ] {
            assert_eq!(step_to_fix(kind), None, "{kind}");
        }
    }
}

#[cfg(test)]
mod paste_tests {
    use std::sync::Arc;

    use super::*;
    use crate::clipboard_guard::tests::FakeClipboard;
    use crate::keychain::MemoryStore;
    use crate::setup::test_support::{instance, setup};

    fn session_after_step1() -> (Session, Arc<MemoryStore>, tempfile::TempDir) {
        let (mut wizard, dir) = setup();
        let store = Arc::new(MemoryStore::default());
        wizard
            .save_instance(&instance("acmeco", "Invite-1"), store.as_ref())
            .expect("step 1 saved");
        (Session::new(wizard, None, Some(store.clone())), store, dir)
    }

    #[tokio::test]
    async fn a_pasted_secret_goes_from_the_clipboard_to_the_keychain() {
        let (session, store, _dir) = session_after_step1();
        let clipboard = FakeClipboard::default();
        clipboard.admin_copies("  jc-secret-value-123\n");
        let saved = session
            .paste_client_secret("abc123def".into(), &clipboard)
            .await
            .expect("stored");
        assert!(saved.progress.client_secret_stored);
        assert!(saved.clipboard_cleared);
        assert_eq!(clipboard.holds(), None);
        let stored = store
            .get(&SecretKey::client_secret("acmeco", "abc123def"))
            .expect("in the keychain");
        assert_eq!(stored.expose(), "jc-secret-value-123");
    }

    #[tokio::test]
    async fn an_empty_or_invalid_clipboard_is_an_error_at_the_field() {
        let (session, store, _dir) = session_after_step1();
        let clipboard = FakeClipboard::default();
        let err = session
            .paste_client_secret("abc123def".into(), &clipboard)
            .await
            .expect_err("nothing to paste");
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert_eq!(err.fields[0].field, "client_secret");
        assert_eq!(err.fields[0].reason, "clipboard_no_text");

        clipboard.admin_copies("two words");
        let err = session
            .paste_client_secret("abc123def".into(), &clipboard)
            .await
            .expect_err("not a secret");
        assert_eq!(err.fields[0].field, "client_secret");
        assert!(!format!("{err:?}").contains("two words"));
        assert!(!store.contains(&SecretKey::client_secret("acmeco", "abc123def")));
        // An invalid paste is left on the clipboard: it may be something else.
        assert_eq!(clipboard.holds().as_deref(), Some("two words"));
    }

    #[test]
    fn the_client_id_paste_is_checked_and_returned() {
        let clipboard = FakeClipboard::default();
        clipboard.admin_copies(" abc123def \n");
        assert_eq!(paste_client_id(&clipboard).expect("valid"), "abc123def");
        clipboard.admin_copies("not an id!");
        let err = paste_client_id(&clipboard).expect_err("invalid");
        assert_eq!(err.fields[0].field, "client_id");
    }
}
