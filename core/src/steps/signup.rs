//! ConductorOne's signup, as the documented procedure does it, in two pages:
//! - at the end of step 1 the admin opens ConductorOne's signup page, enters
//!   the domain, the display name and the invite code (the assistant copies
//!   each; the invite code straight from the keychain), clicks "Sign up with
//!   JumpCloud", and leaves the page that opens ("Setting up JumpCloud to work
//!   with ConductorOne") open. A wrong invite code or a taken domain is thus
//!   learnt from ConductorOne itself at step 1. Before that, the instance's
//!   address is checked once, so that later "live" can be told from whatever
//!   the address answers anyway (and a domain that already answers like an
//!   instance gets a warning);
//! - once step 3's test sign-in passed, the assistant hands over the Client
//!   ID and the Client Secret for that page, the admin clicks "Sign up with
//!   JumpCloud" again and signs in, and the assistant waits for the new
//!   instance to answer.
//!
//! ConductorOne's server runs its own sign-in with JumpCloud and creates the
//! instance; the assistant only sees the result. A copied secret is cleared
//! from the clipboard again after [`CLEAR_AFTER`].

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::clipboard_guard::{Clipboard, CLEAR_AFTER};
use crate::error::{AppError, ErrorKind};
use crate::keychain::{SecretKey, SecretStore};
use crate::liveness::{self, LiveInstance, LivenessConfig, LivenessUpdate, ProbeOutcome};
use crate::secret::Secret;
use crate::session::{Session, Task};
use crate::setup::Setup;
use crate::step::StepId;

/// The two secrets the paste helper can copy for ConductorOne's signup pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StoredSecret {
    InviteCode,
    ClientSecret,
}

/// How the instance's address answered before the signup (step 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AddressCheck {
    /// The instance's address.
    pub url: String,
    pub outcome: ProbeOutcome,
    /// A warning for the Domain field when the address already answers like
    /// an instance (the domain may be taken); not a block.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

impl Setup {
    /// The admin opens ConductorOne's signup page (page 1). Allowed once
    /// step 1 is saved; opening it again starts a new round (the earlier
    /// page 2 may be closed). Returns the page's address.
    pub fn open_signup(&mut self) -> Result<String, AppError> {
        self.require_domain()?;
        if !self.state.invite_code_stored {
            return Err(AppError::new(
                ErrorKind::InvalidInput,
                "The invite code is not stored yet.",
                "Enter the invite code from your ConductorOne invitation in step 1 first.",
            )
            .at_step(StepId::Instance));
        }
        let endpoints = self.endpoints()?;
        let url = self.openable(&endpoints, endpoints.signup_page())?;
        let signup = &mut self.state.signup;
        signup.opened_at = Some(OffsetDateTime::now_utc());
        signup.setup_page_seen_at = None;
        signup.submitted_at = None;
        self.save()?;
        Ok(url)
    }

    /// The admin sees page 2, "Setting up JumpCloud to work with ConductorOne".
    pub fn confirm_setup_page(&mut self) -> Result<(), AppError> {
        if self.state.signup.opened_at.is_none() {
            return Err(AppError::new(
                ErrorKind::InvalidInput,
                "ConductorOne's signup page has not been opened from the assistant yet.",
                "Press \"Open ConductorOne's signup page\" in step 1 and fill it in first.",
            )
            .at_step(StepId::Instance));
        }
        if self.state.signup.setup_page_seen_at.is_none() {
            self.state.signup.setup_page_seen_at = Some(OffsetDateTime::now_utc());
            self.save()?;
        }
        Ok(())
    }

    /// The admin entered the Client ID and secret on page 2 and clicked
    /// "Sign up with JumpCloud": only once the test sign-in passed.
    pub fn record_signup_submitted(&mut self) -> Result<(), AppError> {
        self.require_verified()?;
        if self.state.signup.submitted_at.is_none() {
            self.state.signup.submitted_at = Some(OffsetDateTime::now_utc());
            self.save()?;
        }
        Ok(())
    }

    /// A stored secret, for the paste helper of ConductorOne's signup pages.
    /// The Client Secret is handed over only once the test sign-in passed.
    /// When a secret is gone from the keychain, the state file is corrected
    /// so the window asks for it again.
    pub fn stored_secret(
        &mut self,
        which: StoredSecret,
        secrets: &dyn SecretStore,
    ) -> Result<Secret, AppError> {
        match which {
            StoredSecret::ClientSecret => {
                self.require_verified()?;
                self.client_secret(secrets)
            }
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

    /// Keeps how the address answered before the signup. Once the signup
    /// was submitted, the answer may already be the new instance: kept as is.
    pub fn record_baseline(&mut self, outcome: &ProbeOutcome) -> Result<(), AppError> {
        let signup = &self.state.signup;
        if signup.submitted_at.is_some() || signup.instance_live_at.is_some() {
            return Ok(());
        }
        if signup.baseline.as_ref() != Some(outcome) {
            self.state.signup.baseline = Some(outcome.clone());
            self.save()?;
        }
        Ok(())
    }

    /// The instance's address answered at `at`: the signup is done.
    pub fn record_instance_live(&mut self, at: OffsetDateTime) -> Result<(), AppError> {
        if self.state.signup.instance_live_at.is_none() {
            self.state.signup.instance_live_at = Some(at);
            self.save()?;
        }
        Ok(())
    }

    /// The instance's address, once step 1 is done.
    pub fn instance_url(&self) -> Result<String, AppError> {
        self.require_domain()?;
        Ok(self.endpoints()?.instance_url(&self.state.domain))
    }

    fn require_verified(&self) -> Result<(), AppError> {
        if self.verified() {
            return Ok(());
        }
        Err(AppError::new(
            ErrorKind::InvalidInput,
            "The Client ID and Client Secret go to ConductorOne only after the test sign-in with \
             JumpCloud worked.",
            "Press \"Test sign-in with JumpCloud\" in step 3 first and fix anything it reports.",
        )
        .at_step(StepId::Connect))
    }
}

/// The warning for a domain whose address already answers like an instance.
fn taken_warning(url: &str) -> String {
    format!(
        "{url} already answers like a ConductorOne instance, so this domain may be taken. \
         ConductorOne's signup page will say so if it is; then choose another domain here."
    )
}

impl Session {
    /// Checks the instance's address once before the signup and keeps the
    /// answer as the baseline. A network problem is an outcome, not an error.
    pub async fn check_instance_address(&self) -> Result<AddressCheck, AppError> {
        let (url, endpoints, domain) = {
            let setup = self.setup();
            let url = setup.instance_url()?;
            (url, setup.endpoints()?, setup.state().domain.clone())
        };
        let belongs = move |u: &url::Url| endpoints.belongs_to_instance(&domain, u);
        let outcome = liveness::probe_once(&url, &LivenessConfig::default(), &belongs)
            .await
            .map_err(|e| e.at_step(StepId::Instance))?;
        self.setup().record_baseline(&outcome)?;
        Ok(AddressCheck {
            warning: outcome.is_live().then(|| taken_warning(&url)),
            url,
            outcome,
        })
    }

    /// Copies the invite code or the Client Secret from the keychain to the
    /// clipboard, and clears it [`CLEAR_AFTER`] later if it still holds it.
    /// The secret never passes through the window. Returns the seconds until
    /// the clearing.
    pub async fn copy_secret(
        &self,
        which: StoredSecret,
        clipboard: Arc<dyn Clipboard>,
    ) -> Result<u32, AppError> {
        let secret = self
            .with_secrets(move |setup, secrets| setup.stored_secret(which, secrets))
            .await?;
        let cleared = self
            .clipboard_guard()
            .copy_then_clear(clipboard, secret, CLEAR_AFTER)?;
        tokio::spawn(async move {
            if let Ok(true) = cleared.await {
                tracing::info!("cleared the clipboard after a copied secret");
            }
        });
        Ok(u32::try_from(CLEAR_AFTER.as_secs()).unwrap_or(u32::MAX))
    }

    /// Waits until the new instance answers at its address (an answer that
    /// belongs to it and differs from the baseline), reporting each check on
    /// `on_update`, and records when it did. "Stop waiting" ends it with
    /// `cancelled`; the admin can come back later.
    pub async fn wait_for_instance(
        &self,
        on_update: &(dyn Fn(LivenessUpdate) + Send + Sync),
    ) -> Result<LiveInstance, AppError> {
        let (url, baseline, endpoints, domain) = {
            let setup = self.setup();
            (
                setup.instance_url()?,
                setup.state().signup.baseline.clone(),
                setup.endpoints()?,
                setup.state().domain.clone(),
            )
        };
        let belongs = move |u: &url::Url| endpoints.belongs_to_instance(&domain, u);
        let cancel = self.begin(Task::WaitForInstance);
        let live = liveness::wait_until_live(
            &url,
            baseline.as_ref(),
            &LivenessConfig::default(),
            &belongs,
            on_update,
            &cancel,
        )
        .await
        .map_err(|e| {
            // Refused addresses come from step 1's domain; a stop is resumed in step 3.
            let step = if e.kind == ErrorKind::UrlNotAllowed {
                StepId::Instance
            } else {
                StepId::Connect
            };
            e.at_step(step)
        })?;
        let answered = live.answered_at().unwrap_or_else(OffsetDateTime::now_utc);
        self.setup().record_instance_live(answered)?;
        Ok(live)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keychain::MemoryStore;
    use crate::setup::test_support::{instance, reopen, setup, stored_setup, verified};
    use crate::steps::step3_connect::SecretSource;

    fn pass_verification(s: &mut Setup, secrets: &MemoryStore) {
        let request = s.saved_verification_request().expect("saved");
        let issuer = request.issuer.clone();
        let v = s
            .prepare_verification(request, SecretSource::Keychain(secrets))
            .expect("prepared");
        s.record_verification(&v, &Ok(verified(&issuer)))
            .expect("saved");
    }

    #[test]
    fn page_1_opens_after_step_1_and_page_2_takes_the_secret_only_after_the_test_sign_in() {
        let (mut s, dir) = setup();
        let secrets = MemoryStore::new();
        assert_eq!(
            s.open_signup().expect_err("no domain yet").step,
            Some(StepId::Instance)
        );
        s.save_instance(&instance("acmeco", "Code-1"), &secrets)
            .expect("valid");
        assert_eq!(
            s.open_signup().expect("allowed after step 1"),
            "https://accounts.conductor.one/accounts/signup"
        );
        s.confirm_setup_page().expect("seen");
        stored_setup(&mut s, &secrets);
        let err = s
            .stored_secret(StoredSecret::ClientSecret, &secrets)
            .expect_err("not verified yet");
        assert_eq!(err.step, Some(StepId::Connect));
        assert!(s.record_signup_submitted().is_err());
        pass_verification(&mut s, &secrets);
        assert_eq!(
            s.stored_secret(StoredSecret::ClientSecret, &secrets)
                .expect("handed over")
                .expose(),
            "secret-aaaaaaaaaaaaaaaa"
        );
        s.record_signup_submitted().expect("saved");
        s.record_instance_live(OffsetDateTime::now_utc())
            .expect("saved");
        s.set_access_checklist([crate::progress::AccessItem::PickGroup].into())
            .expect("saved");
        s.finish().expect("saved");
        let resumed = reopen(&dir);
        let r = resumed.state();
        assert!(r.signup.opened_at.is_some() && r.signup.setup_page_seen_at.is_some());
        assert!(r.signup.submitted_at.is_some() && r.signup.instance_live_at.is_some());
        assert!(r.finished_at.is_some());
        assert_eq!(r.access_checklist.len(), 1);
        assert_eq!(
            resumed.instance_url().expect("known"),
            "https://acmeco.conductor.one/"
        );
    }

    #[test]
    fn opening_page_1_again_starts_a_new_round_and_a_new_domain_forgets_the_signup() {
        let (mut s, _dir) = setup();
        let secrets = MemoryStore::new();
        s.save_instance(&instance("acmeco", "Code-1"), &secrets)
            .expect("valid");
        s.record_baseline(&ProbeOutcome::NotYet { status: 404 })
            .expect("kept");
        s.open_signup().expect("opened");
        s.confirm_setup_page().expect("seen");
        s.open_signup().expect("opened again");
        assert!(s.state().signup.setup_page_seen_at.is_none());
        s.save_instance(&instance("acme2", ""), &secrets)
            .expect("new domain");
        assert_eq!(s.state().signup, crate::progress::Signup::default());
    }

    #[test]
    fn the_baseline_is_kept_until_the_signup_was_submitted() {
        let (mut s, _dir) = setup();
        let secrets = MemoryStore::new();
        stored_setup(&mut s, &secrets);
        let missing = ProbeOutcome::NotYet { status: 404 };
        s.record_baseline(&missing).expect("kept");
        assert_eq!(s.state().signup.baseline.as_ref(), Some(&missing));
        pass_verification(&mut s, &secrets);
        s.record_signup_submitted().expect("saved");
        s.record_baseline(&ProbeOutcome::Live { status: 200 })
            .expect("ignored");
        assert_eq!(s.state().signup.baseline.as_ref(), Some(&missing));
        assert!(taken_warning("https://acmeco.conductor.one/").contains("may be taken"));
    }

    #[test]
    fn the_paste_helper_reads_the_invite_code_and_notices_it_missing() {
        let (mut s, _dir) = setup();
        let secrets = MemoryStore::new();
        stored_setup(&mut s, &secrets);
        let code = s
            .stored_secret(StoredSecret::InviteCode, &secrets)
            .expect("stored");
        assert_eq!(code.expose(), "Code-1");
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
}
