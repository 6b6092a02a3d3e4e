//! The assistant's use-cases, one method per thing the admin does: save
//! step 1, pick a region, change the loopback port, tick the checklist, store
//! the JumpCloud credentials, record a verification, start over.
//!
//! Each method validates, updates the keychain and the state file, and keeps
//! the two consistent. The desktop shell calls these from its commands; the
//! tests call them with a temporary directory and the in-memory secret store.

use std::collections::BTreeSet;

use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;

use crate::endpoints::{Endpoints, Overrides};
use crate::error::{AppError, ErrorKind, FieldError};
use crate::keychain::{SecretKey, SecretStore};
use crate::login::Verified;
use crate::secret::Secret;
use crate::state::{LoadOutcome, SavedState, StateStore, VerificationOutcome, VerificationRecord};
use crate::steps::step1_instance::{
    validate_display_name, validate_domain, validate_invite_code, InstanceInput,
};
use crate::steps::step2_jumpcloud_app::{self, ChecklistItem, JumpcloudAppForm};
use crate::steps::step3_connect::{validate_connect, ConnectInput};
use crate::steps::step4_access::AccessItem;
use crate::wizard::StepId;

/// The live check of step 1's two plain fields, while the admin types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct InstanceFieldsCheck {
    /// The domain as it will be used (trimmed, lower case), when valid.
    pub domain: Option<String>,
    /// `https://<domain>.conductor.one/`, when the domain is valid.
    pub instance_url: Option<String>,
    /// Problems with the domain or the display name (empty fields that were
    /// never typed in are not reported here).
    pub errors: Vec<FieldError>,
}

/// What "Start over" removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StartOverReport {
    /// How many keychain items were deleted (invite code, client secret).
    pub secrets_removed: u32,
    /// The keychain they were removed from.
    pub store_name: String,
}

/// The two secrets the paste helper can copy for ConductorOne's signup form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StoredSecret {
    InviteCode,
    ClientSecret,
}

/// The wizard's data and where it is kept.
#[derive(Debug)]
pub struct Setup {
    store: StateStore,
    state: SavedState,
    overrides: Overrides,
}

impl Setup {
    /// Loads saved progress. Returns the one-sentence notice to show when a
    /// damaged or newer state file was moved aside.
    pub fn open(store: StateStore, overrides: Overrides) -> (Self, Option<String>) {
        let (state, notice) = match store.load() {
            LoadOutcome::Fresh => (SavedState::new(), None),
            LoadOutcome::Resumed { state } => (*state, None),
            LoadOutcome::Reset { reason, .. } => (SavedState::new(), Some(reason)),
        };
        (
            Self {
                store,
                state,
                overrides,
            },
            notice,
        )
    }

    pub fn state(&self) -> &SavedState {
        &self.state
    }

    /// The addresses for the chosen region, after any sandbox overrides.
    pub fn endpoints(&self) -> Result<Endpoints, AppError> {
        Endpoints::with_overrides(self.state.region, &self.overrides).map_err(|e| {
            AppError::new(
                ErrorKind::Internal,
                format!("The endpoint overrides cannot be used: {e}."),
                "Fix or remove the file named by C1_SETUP_ENDPOINTS, then relaunch the assistant.",
            )
        })
    }

    fn save(&mut self) -> Result<(), AppError> {
        self.store.save(&self.state)
    }

    /// Remembers the step the admin is on.
    pub fn set_step(&mut self, step: StepId) -> Result<(), AppError> {
        if self.state.current_step == step {
            return Ok(());
        }
        self.state.current_step = step;
        self.save()
    }

    /// Checks the domain and display name as the admin types. Empty fields
    /// are not flagged until the admin continues.
    pub fn check_instance_fields(&self, domain: &str, display_name: &str) -> InstanceFieldsCheck {
        let mut errors = Vec::new();
        let mut valid_domain = None;
        if !domain.trim().is_empty() {
            match validate_domain(domain) {
                Ok(d) => valid_domain = Some(d),
                Err(e) => errors.push(e),
            }
        }
        if !display_name.is_empty() {
            if let Err(e) = validate_display_name(display_name) {
                errors.push(e);
            }
        }
        let instance_url = match (&valid_domain, self.endpoints()) {
            (Some(d), Ok(endpoints)) => Some(endpoints.instance_url(d)),
            _ => None,
        };
        InstanceFieldsCheck {
            domain: valid_domain,
            instance_url,
            errors,
        }
    }

    /// Confirms step 1: the invite code goes into the keychain, the rest into
    /// the state file. An empty invite code keeps the one already stored.
    /// When the domain changes, stored secrets move to the new domain's items.
    pub fn save_instance(
        &mut self,
        input: &InstanceInput,
        secrets: &dyn SecretStore,
    ) -> Result<(), AppError> {
        let keep_code =
            input.invite_code.expose().trim().is_empty() && self.state.invite_code_stored;
        let domain = validate_domain(&input.domain);
        let display_name = validate_display_name(&input.display_name);
        let code = if keep_code {
            Ok(None)
        } else {
            validate_invite_code(input.invite_code.expose()).map(Some)
        };
        let (domain, display_name, code) = match (domain, display_name, code) {
            (Ok(d), Ok(n), Ok(c)) => (d, n, c),
            (d, n, c) => {
                let fields = [d.err(), n.err(), c.err()].into_iter().flatten().collect();
                return Err(AppError::invalid_input(StepId::Instance, fields));
            }
        };

        let old_domain = self.state.domain.clone();
        let domain_changed = !old_domain.is_empty() && old_domain != domain;
        match code {
            Some(code) => {
                secrets.put(&SecretKey::invite_code(&domain), &code)?;
                if domain_changed && self.state.invite_code_stored {
                    secrets.delete(&SecretKey::invite_code(&old_domain))?;
                }
            }
            None if domain_changed => move_secret(
                secrets,
                &SecretKey::invite_code(&old_domain),
                &SecretKey::invite_code(&domain),
            )?,
            None => {}
        }
        if domain_changed && self.state.secret_stored {
            if let Some(client_id) = self.state.client_id.clone() {
                move_secret(
                    secrets,
                    &SecretKey::client_secret(&old_domain, &client_id),
                    &SecretKey::client_secret(&domain, &client_id),
                )?;
            }
        }
        if domain_changed {
            // A verification proved the old Login URL, not this one.
            self.state.verification = None;
        }
        self.state.domain = domain;
        self.state.display_name = display_name;
        self.state.invite_code_stored = true;
        self.save()
    }

    /// The values to enter in JumpCloud's form, for the saved domain, region and port.
    pub fn jumpcloud_form(&self) -> Result<JumpcloudAppForm, AppError> {
        Ok(step2_jumpcloud_app::app_form(
            &self.endpoints()?,
            &self.state.domain,
            self.state.loopback_port,
        ))
    }

    pub fn set_region(&mut self, region: crate::endpoints::Region) -> Result<(), AppError> {
        if self.state.region != region {
            self.state.region = region;
            self.state.verification = None;
            self.save()?;
        }
        Ok(())
    }

    /// Changes the loopback port; a bad value is reported at the field.
    pub fn set_loopback_port(&mut self, input: &str) -> Result<(), AppError> {
        let port = step2_jumpcloud_app::validate_loopback_port(input)
            .map_err(|e| AppError::invalid_input(StepId::JumpcloudApp, vec![e]))?;
        if self.state.loopback_port != port {
            self.state.loopback_port = port;
            self.state.verification = None;
            self.save()?;
        }
        Ok(())
    }

    pub fn set_checklist(&mut self, ticked: BTreeSet<ChecklistItem>) -> Result<(), AppError> {
        self.state.checklist = ticked;
        self.save()
    }

    /// Stores step 3's Client ID (state file) and Client Secret (keychain).
    /// A new secret replaces the stored one; a new Client ID drops the old
    /// app's secret.
    pub fn save_credentials(
        &mut self,
        input: &ConnectInput,
        secrets: &dyn SecretStore,
    ) -> Result<(), AppError> {
        let valid = validate_connect(input)
            .map_err(|fields| AppError::invalid_input(StepId::Connect, fields))?;
        self.require_domain()?;
        let key = SecretKey::client_secret(&self.state.domain, &valid.client_id);
        secrets.put(&key, &valid.client_secret)?;
        if let Some(old) = self.state.client_id.clone() {
            if old != valid.client_id && self.state.secret_stored {
                secrets.delete(&SecretKey::client_secret(&self.state.domain, &old))?;
            }
        }
        self.state.client_id = Some(valid.client_id);
        self.state.secret_stored = true;
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
                if err.kind == ErrorKind::SecretNotFound && self.state.secret_stored {
                    self.state.secret_stored = false;
                    self.save()?;
                }
                Err(err)
            }
        }
    }

    /// A stored secret, for the paste helper of ConductorOne's signup.
    pub fn stored_secret(
        &mut self,
        which: StoredSecret,
        secrets: &dyn SecretStore,
    ) -> Result<Secret, AppError> {
        match which {
            StoredSecret::ClientSecret => self.client_secret(secrets),
            StoredSecret::InviteCode => {
                self.require_domain()?;
                let found = secrets.get(&SecretKey::invite_code(&self.state.domain));
                if matches!(&found, Err(e) if e.kind == ErrorKind::SecretNotFound)
                    && self.state.invite_code_stored
                {
                    self.state.invite_code_stored = false;
                    self.save()?;
                }
                found
            }
        }
    }

    /// Keeps the outcome of a verification login (never a token).
    pub fn record_verification(
        &mut self,
        issuer: &str,
        result: &Result<Verified, AppError>,
    ) -> Result<(), AppError> {
        let Some(client_id) = self.state.client_id.clone() else {
            return Ok(());
        };
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
            issuer: issuer.to_owned(),
            client_id,
            outcome,
        });
        self.save()
    }

    /// True when the last verification login succeeded for the stored app.
    pub fn verified(&self) -> bool {
        matches!(
            &self.state.verification,
            Some(VerificationRecord { outcome: VerificationOutcome::Passed { .. }, client_id, .. })
                if Some(client_id) == self.state.client_id.as_ref()
        )
    }

    /// The admin opened ConductorOne's signup page. Only allowed once the
    /// verification login proved the JumpCloud app works.
    pub fn record_signup_opened(&mut self) -> Result<(), AppError> {
        if !self.verified() {
            return Err(AppError::new(
                ErrorKind::InvalidInput,
                "ConductorOne's signup is offered only after the test sign-in with JumpCloud worked.",
                "Press \"Sign up with JumpCloud\" in step 3 first and fix anything it reports.",
            )
            .at_step(StepId::Connect));
        }
        if self.state.registration.signup_opened_at.is_none() {
            self.state.registration.signup_opened_at = Some(OffsetDateTime::now_utc());
            self.save()?;
        }
        Ok(())
    }

    /// The instance's address answered at `at`: registration is done.
    pub fn record_instance_live(&mut self, at: OffsetDateTime) -> Result<(), AppError> {
        if self.state.registration.instance_live_at.is_none() {
            self.state.registration.instance_live_at = Some(at);
            self.save()?;
        }
        Ok(())
    }

    /// The instance's address, once step 1 is done.
    pub fn instance_url(&self) -> Result<String, AppError> {
        self.require_domain()?;
        Ok(self.endpoints()?.instance_url(&self.state.domain))
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

    /// Deletes the stored secrets and the saved progress.
    pub fn start_over(&mut self, secrets: &dyn SecretStore) -> Result<StartOverReport, AppError> {
        let mut removed = 0;
        if !self.state.domain.is_empty() {
            if self.state.invite_code_stored {
                secrets.delete(&SecretKey::invite_code(&self.state.domain))?;
                removed += 1;
            }
            if let (true, Some(client_id)) = (self.state.secret_stored, &self.state.client_id) {
                secrets.delete(&SecretKey::client_secret(&self.state.domain, client_id))?;
                removed += 1;
            }
        }
        self.store.clear()?;
        self.state = SavedState::new();
        Ok(StartOverReport {
            secrets_removed: removed,
            store_name: secrets.store_name().to_owned(),
        })
    }

    fn require_domain(&self) -> Result<(), AppError> {
        if self.state.domain.is_empty() {
            return Err(AppError::new(
                ErrorKind::InvalidInput,
                "The instance's domain is not set yet.",
                "Go back to step 1 and enter your ConductorOne domain first.",
            )
            .at_step(StepId::Instance));
        }
        Ok(())
    }
}

fn move_secret(
    secrets: &dyn SecretStore,
    from: &SecretKey,
    to: &SecretKey,
) -> Result<(), AppError> {
    let secret = secrets.get(from)?;
    secrets.put(to, &secret)?;
    secrets.delete(from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keychain::MemoryStore;

    fn setup() -> (Setup, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let (setup, notice) = Setup::open(
            StateStore::new(dir.path().join("cfg")),
            Overrides::default(),
        );
        assert!(notice.is_none());
        (setup, dir)
    }

    fn instance(domain: &str, code: &str) -> InstanceInput {
        InstanceInput {
            domain: domain.into(),
            display_name: "Acme Co".into(),
            invite_code: Secret::from(code),
        }
    }

    /// Steps 1 and 3 done: an invite code and a client secret are stored.
    fn stored_setup(s: &mut Setup, secrets: &MemoryStore) {
        s.save_instance(&instance("acmeco", "Code-1"), secrets)
            .expect("valid");
        s.save_credentials(
            &ConnectInput {
                client_id: "client-a".into(),
                client_secret: Secret::from("secret-aaaaaaaaaaaaaaaa"),
            },
            secrets,
        )
        .expect("valid");
    }

    #[test]
    fn the_signup_hand_off_waits_for_a_passed_verification_and_is_remembered() {
        let (mut s, dir) = setup();
        let secrets = MemoryStore::new();
        stored_setup(&mut s, &secrets);
        let err = s.record_signup_opened().expect_err("not verified yet");
        assert_eq!(err.step, Some(StepId::Connect));
        let verified = Verified {
            issuer: "https://oauth.id.jumpcloud.com/".into(),
            subject: "sub".into(),
            email: "admin@acme.example".into(),
            email_verified: Some(true),
            groups: vec![],
            checks: vec![],
        };
        s.record_verification("https://oauth.id.jumpcloud.com/", &Ok(verified))
            .expect("saved");
        assert!(s.verified());
        s.record_signup_opened().expect("allowed");
        s.record_instance_live(OffsetDateTime::now_utc())
            .expect("saved");
        s.set_access_checklist([AccessItem::PickGroup].into())
            .expect("saved");
        s.finish().expect("saved");
        let (resumed, _) = Setup::open(
            StateStore::new(dir.path().join("cfg")),
            Overrides::default(),
        );
        let r = resumed.state();
        assert!(
            r.registration.signup_opened_at.is_some() && r.registration.instance_live_at.is_some()
        );
        assert!(r.finished_at.is_some());
        assert_eq!(r.access_checklist.len(), 1);
        assert_eq!(
            resumed.instance_url().expect("known"),
            "https://acmeco.conductor.one/"
        );
    }

    #[test]
    fn the_paste_helper_reads_both_secrets_and_notices_a_missing_invite_code() {
        let (mut s, _dir) = setup();
        let secrets = MemoryStore::new();
        stored_setup(&mut s, &secrets);
        let code = s
            .stored_secret(StoredSecret::InviteCode, &secrets)
            .expect("stored");
        assert_eq!(code.expose(), "Code-1");
        let secret = s
            .stored_secret(StoredSecret::ClientSecret, &secrets)
            .expect("stored");
        assert_eq!(secret.expose(), "secret-aaaaaaaaaaaaaaaa");
        secrets
            .delete(&SecretKey::invite_code("acmeco"))
            .expect("deleted");
        let err = s
            .stored_secret(StoredSecret::InviteCode, &secrets)
            .expect_err("gone");
        assert_eq!(err.kind, ErrorKind::SecretNotFound);
        assert_eq!(err.step, Some(StepId::Instance));
        assert!(!s.state().invite_code_stored);
    }

    #[test]
    fn new_credentials_need_a_new_verification() {
        let (mut s, _dir) = setup();
        let secrets = MemoryStore::new();
        stored_setup(&mut s, &secrets);
        let verified = Verified {
            issuer: "i".into(),
            subject: "s".into(),
            email: "e@x".into(),
            email_verified: None,
            groups: vec![],
            checks: vec![],
        };
        s.record_verification("i", &Ok(verified)).expect("saved");
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
    fn step1_stores_the_invite_code_in_the_keychain_and_the_rest_in_the_state_file() {
        let (mut s, dir) = setup();
        let secrets = MemoryStore::new();
        s.save_instance(&instance(" AcmeCo ", "InV1te-Code"), &secrets)
            .expect("valid");
        assert_eq!(s.state().domain, "acmeco");
        assert!(s.state().invite_code_stored);
        assert_eq!(
            secrets
                .get(&SecretKey::invite_code("acmeco"))
                .expect("stored")
                .expose(),
            "InV1te-Code"
        );
        let file = std::fs::read_to_string(dir.path().join("cfg/state.json")).expect("saved");
        assert!(!file.contains("InV1te-Code"));
        let (resumed, _) = Setup::open(
            StateStore::new(dir.path().join("cfg")),
            Overrides::default(),
        );
        assert_eq!(resumed.state().display_name, "Acme Co");
    }

    #[test]
    fn bad_step1_input_reports_every_field_and_changes_nothing() {
        let (mut s, _dir) = setup();
        let secrets = MemoryStore::new();
        s.save_instance(&instance("acmeco", "code-1"), &secrets)
            .expect("valid");
        let err = s
            .save_instance(
                &InstanceInput {
                    domain: "acme_co".into(),
                    display_name: String::new(),
                    invite_code: Secret::from("a b"),
                },
                &secrets,
            )
            .expect_err("invalid");
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        let fields: Vec<_> = err.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["domain", "display_name", "invite_code"]);
        assert_eq!(s.state().domain, "acmeco");
        assert_eq!(
            secrets
                .get(&SecretKey::invite_code("acmeco"))
                .expect("kept")
                .expose(),
            "code-1"
        );
    }

    #[test]
    fn an_empty_invite_code_keeps_the_stored_one_and_follows_a_domain_change() {
        let (mut s, _dir) = setup();
        let secrets = MemoryStore::new();
        s.save_instance(&instance("acmeco", "Code-1"), &secrets)
            .expect("valid");
        s.save_instance(&instance("acme2", ""), &secrets)
            .expect("keeps the code");
        assert!(!secrets.contains(&SecretKey::invite_code("acmeco")));
        assert_eq!(
            secrets
                .get(&SecretKey::invite_code("acme2"))
                .expect("moved")
                .expose(),
            "Code-1"
        );
    }

    #[test]
    fn an_empty_invite_code_is_required_the_first_time() {
        let (mut s, _dir) = setup();
        let err = s
            .save_instance(&instance("acmeco", "  "), &MemoryStore::new())
            .expect_err("required");
        assert_eq!(err.fields[0].field, "invite_code");
    }

    #[test]
    fn credentials_replace_the_old_secret_and_drop_the_old_apps_item() {
        let (mut s, _dir) = setup();
        let secrets = MemoryStore::new();
        s.save_instance(&instance("acmeco", "Code-1"), &secrets)
            .expect("valid");
        let creds = |id: &str, secret: &str| ConnectInput {
            client_id: id.into(),
            client_secret: Secret::from(secret),
        };
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
        assert!(!s.state().secret_stored);
    }

    #[test]
    fn start_over_deletes_both_secrets_and_the_state_file() {
        let (mut s, dir) = setup();
        let secrets = MemoryStore::new();
        stored_setup(&mut s, &secrets);
        let report = s.start_over(&secrets).expect("cleared");
        assert_eq!(report.secrets_removed, 2);
        assert!(secrets.is_empty());
        assert!(!dir.path().join("cfg/state.json").exists());
        assert!(s.state().domain.is_empty());
        assert!(!s.state().invite_code_stored && !s.state().secret_stored);
        assert_eq!(s.state().current_step, StepId::Instance);
    }

    #[test]
    fn live_check_flags_bad_fields_but_not_untouched_empty_ones() {
        let (s, _dir) = setup();
        let check = s.check_instance_fields("", "");
        assert!(check.errors.is_empty());
        let check = s.check_instance_fields("https://acmeco.conductor.one/", "Acme");
        assert_eq!(check.errors[0].suggestion.as_deref(), Some("acmeco"));
        let check = s.check_instance_fields("AcmeCo", "Acme");
        assert_eq!(
            check.instance_url.as_deref(),
            Some("https://acmeco.conductor.one/")
        );
    }

    #[test]
    fn port_and_region_changes_are_saved_and_bad_ports_reported_at_the_field() {
        let (mut s, _dir) = setup();
        s.set_loopback_port("40000").expect("valid");
        assert_eq!(s.state().loopback_port, 40000);
        let err = s.set_loopback_port("80").expect_err("privileged");
        assert_eq!(err.fields[0].field, "loopback_port");
        assert_eq!(s.state().loopback_port, 40000);
        s.set_region(crate::endpoints::Region::Eu).expect("saved");
        let form = s.jumpcloud_form().expect("form");
        assert!(form.admin_portal_url.contains("console.eu.jumpcloud.com"));
    }
}
