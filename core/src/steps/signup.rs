//! The signup: once the verification login passed, the assistant opens
//! ConductorOne's signup page, copies the invite code and the Client Secret
//! for it from the keychain (cleared from the clipboard again after
//! [`CLEAR_AFTER`]), and waits for the new instance's address to answer.
//! ConductorOne's server runs its own sign-in with JumpCloud and creates the
//! instance; the assistant only sees the result.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::clipboard_guard::{copy_secret_then_clear, Clipboard, CLEAR_AFTER};
use crate::error::{AppError, ErrorKind};
use crate::keychain::{SecretKey, SecretStore};
use crate::liveness::{self, LiveInstance, LivenessConfig, LivenessUpdate};
use crate::secret::Secret;
use crate::session::{Session, Task};
use crate::setup::Setup;
use crate::step::StepId;

/// The two secrets the paste helper can copy for ConductorOne's signup form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StoredSecret {
    InviteCode,
    ClientSecret,
}

impl Setup {
    /// The admin opened ConductorOne's signup page. Only allowed once the
    /// verification login proved the JumpCloud app works. Returns the page.
    pub fn open_signup(&mut self) -> Result<String, AppError> {
        if !self.verified() {
            return Err(AppError::new(
                ErrorKind::InvalidInput,
                "ConductorOne's signup is offered only after the test sign-in with JumpCloud worked.",
                "Press \"Sign up with JumpCloud\" in step 3 first and fix anything it reports.",
            )
            .at_step(StepId::Connect));
        }
        if self.state.signup.opened_at.is_none() {
            self.state.signup.opened_at = Some(OffsetDateTime::now_utc());
            self.save()?;
        }
        Ok(self.endpoints()?.signup_page())
    }

    /// A stored secret, for the paste helper of ConductorOne's signup. When
    /// it is gone from the keychain, the state file is corrected so the
    /// window asks for it again.
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
}

impl Session {
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
        let cleared = copy_secret_then_clear(clipboard, secret, CLEAR_AFTER)?;
        tokio::spawn(async move {
            if let Ok(true) = cleared.await {
                tracing::info!("cleared the clipboard after a copied secret");
            }
        });
        Ok(u32::try_from(CLEAR_AFTER.as_secs()).unwrap_or(u32::MAX))
    }

    /// Waits until the new instance's address answers, reporting each check
    /// on `on_update`, and records when it did. "Stop waiting" ends it with
    /// `cancelled`; the admin can come back later.
    pub async fn wait_for_instance(
        &self,
        on_update: &(dyn Fn(LivenessUpdate) + Send + Sync),
    ) -> Result<LiveInstance, AppError> {
        let url = self.setup().instance_url()?;
        let cancel = self.begin(Task::WaitForInstance);
        let live = liveness::wait_until_live(&url, &LivenessConfig::default(), on_update, &cancel)
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
    use crate::setup::test_support::{reopen, setup, stored_setup, verified};

    #[test]
    fn the_signup_waits_for_a_passed_verification_and_is_remembered() {
        let (mut s, dir) = setup();
        let secrets = MemoryStore::new();
        stored_setup(&mut s, &secrets);
        let err = s.open_signup().expect_err("not verified yet");
        assert_eq!(err.step, Some(StepId::Connect));
        let request = s.saved_verification_request().expect("saved");
        let issuer = request.issuer.clone();
        let v = s
            .prepare_verification(
                request,
                crate::steps::step3_connect::SecretSource::Keychain(&secrets),
            )
            .expect("prepared");
        s.record_verification(&v, &Ok(verified(&issuer)))
            .expect("saved");
        assert!(s.verified());
        assert_eq!(
            s.open_signup().expect("allowed"),
            "https://accounts.conductor.one/accounts/signup"
        );
        s.record_instance_live(OffsetDateTime::now_utc())
            .expect("saved");
        s.set_access_checklist([crate::progress::AccessItem::PickGroup].into())
            .expect("saved");
        s.finish().expect("saved");
        let resumed = reopen(&dir);
        let r = resumed.state();
        assert!(r.signup.opened_at.is_some() && r.signup.instance_live_at.is_some());
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
}
