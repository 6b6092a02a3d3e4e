//! The wizard's data and where it is kept: [`Setup`] holds the saved
//! progress and writes it back on every change. Each step's use-cases (what
//! the admin does in that step, with the state changes it makes) are `impl
//! Setup` blocks in that step's module under `steps`; only what
//! serves the whole wizard is here: opening, the endpoints, the current step
//! and starting over.
//!
//! Every use-case validates, updates the keychain and the state file, and
//! keeps the two consistent. The desktop shell and the terminal command call
//! them; the tests call them with a temporary directory and the in-memory
//! secret store.

use serde::Serialize;
use ts_rs::TS;

use crate::endpoints::{Endpoints, Overrides, Page};
use crate::error::{AppError, ErrorKind};
use crate::keychain::{SecretKey, SecretStore};
use crate::progress::{LoadOutcome, SavedState, StateStore};
use crate::step::StepId;

/// What "Start over" removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StartOverReport {
    /// How many keychain items were deleted (invite code, client secret).
    pub secrets_removed: u32,
    /// The keychain they were removed from.
    pub store_name: String,
}

/// The wizard's data and where it is kept.
#[derive(Debug, Clone)]
pub struct Setup {
    store: StateStore,
    pub(crate) state: SavedState,
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

    /// The address of one of the endpoint table's pages, for the browser,
    /// once the table's own check ([`Endpoints::is_openable`]) agrees.
    pub fn page_url(&self, page: Page) -> Result<String, AppError> {
        let endpoints = self.endpoints()?;
        let url = endpoints
            .page_url(page, &self.state.domain)
            .ok_or_else(|| {
                AppError::new(
                    ErrorKind::UrlNotAllowed,
                    "The instance's address is not known yet.",
                    "Enter your ConductorOne domain in step 1 first.",
                )
                .at_step(StepId::Instance)
            })?;
        self.openable(&endpoints, url)
    }

    /// `url`, if the endpoint table allows opening it in the browser.
    pub(crate) fn openable(&self, endpoints: &Endpoints, url: String) -> Result<String, AppError> {
        if endpoints.is_openable(&url, Some(&self.state.domain)) {
            return Ok(url);
        }
        tracing::warn!(%url, "refused to open an address the endpoint table does not allow");
        Err(AppError::new(
            ErrorKind::UrlNotAllowed,
            "The assistant refused to open an address that is not one of its own pages.",
            "Check the domain in step 1 and enter it again if it looks wrong.",
        )
        .at_step(StepId::Instance))
    }

    /// Writes the progress to the state file.
    pub(crate) fn save(&mut self) -> Result<(), AppError> {
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

    /// The admin read the welcome: from now on it shows only from Help.
    pub fn dismiss_welcome(&mut self) -> Result<(), AppError> {
        if self.state.welcome_seen_at.is_none() {
            self.state.welcome_seen_at = Some(time::OffsetDateTime::now_utc());
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
            if let (true, Some(client_id)) =
                (self.state.client_secret_stored, &self.state.client_id)
            {
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

    /// Refuses a use-case that needs step 1's domain before it is set.
    pub(crate) fn require_domain(&self) -> Result<(), AppError> {
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

/// Moves a keychain item to a new name (the domain or Client ID changed).
pub(crate) fn move_secret(
    secrets: &dyn SecretStore,
    from: &SecretKey,
    to: &SecretKey,
) -> Result<(), AppError> {
    let secret = secrets.get(from)?;
    secrets.put(to, &secret)?;
    secrets.delete(from)
}

/// Set-up shared by the use-case tests of every step.
#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::keychain::MemoryStore;
    use crate::login::Verified;
    use crate::secret::Secret;
    use crate::steps::step1_instance::InstanceInput;
    use crate::steps::step3_connect::ConnectInput;

    /// A fresh wizard in a temporary directory (kept alive by the guard).
    pub fn setup() -> (Setup, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let (setup, notice) = Setup::open(
            StateStore::new(dir.path().join("cfg")),
            Overrides::default(),
        );
        assert!(notice.is_none());
        (setup, dir)
    }

    /// The wizard saved in `dir`, as a relaunch would find it.
    pub fn reopen(dir: &tempfile::TempDir) -> Setup {
        Setup::open(
            StateStore::new(dir.path().join("cfg")),
            Overrides::default(),
        )
        .0
    }

    pub fn instance(domain: &str, code: &str) -> InstanceInput {
        InstanceInput {
            domain: domain.into(),
            display_name: "Acme Co".into(),
            invite_code: Secret::from(code),
        }
    }

    pub fn credentials(client_id: &str, secret: &str) -> ConnectInput {
        ConnectInput {
            client_id: client_id.into(),
            client_secret: Secret::from(secret),
        }
    }

    /// Steps 1 and 3 done: an invite code and a client secret are stored.
    pub fn stored_setup(s: &mut Setup, secrets: &MemoryStore) {
        s.save_instance(&instance("acmeco", "Code-1"), secrets)
            .expect("valid");
        s.save_credentials(&credentials("client-a", "secret-aaaaaaaaaaaaaaaa"), secrets)
            .expect("valid");
    }

    /// What a passed verification login returns.
    pub fn verified(issuer: &str) -> Verified {
        Verified {
            issuer: issuer.into(),
            subject: "sub".into(),
            email: "admin@acme.example".into(),
            email_verified: Some(true),
            groups: vec![],
            checks: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use crate::endpoints::Page;
    use crate::error::ErrorKind;
    use crate::keychain::MemoryStore;
    use crate::step::StepId;

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
        assert!(!s.state().invite_code_stored && !s.state().client_secret_stored);
        assert_eq!(s.state().current_step, StepId::Instance);
    }

    #[test]
    fn pages_open_only_after_the_endpoint_tables_check() {
        let (mut s, _dir) = setup();
        s.state.domain = "acmeco".into();
        assert_eq!(
            s.page_url(Page::Instance).expect("allowed"),
            "https://acmeco.conductor.one/"
        );
        // A domain that got past the checks some other way is refused.
        s.state.domain = "evil.example/x?".into();
        let err = s.page_url(Page::Instance).expect_err("refused");
        assert_eq!(err.kind, ErrorKind::UrlNotAllowed);
        assert!(!err.message.contains("evil"), "{}", err.message);
        assert!(s.page_url(Page::Signup).is_ok());
    }
}
