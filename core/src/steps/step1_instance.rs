//! Step 1: create your ConductorOne instance (domain, display name, invite code).
//!
//! Every rule here is a pure function so the window can check a field as the
//! admin types and the use-cases check all three again on Continue. A rule
//! that fails returns a [`FieldError`] with a stable `reason` and a message
//! written for the admin; when the assistant can guess what was meant (a
//! pasted address, a space in the domain) the error carries a `suggestion` the
//! window offers as a one-click fix. The domain's own check is in
//! [`crate::fields`].
//!
//! The invite code is a credential: it only ever lives in a [`Secret`], and no
//! message quotes it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clipboard_guard::{pasted, Clipboard};
use crate::error::{AppError, FieldError};
use crate::fields::{check_pasted, validate_domain, Pasted, FIELD_INVITE_CODE};
use crate::keychain::{SecretKey, SecretStore};
use crate::progress::{SavedState, Signup};
use crate::secret::Secret;
use crate::session::Session;
use crate::setup::{move_secret, Setup};
use crate::step::StepId;

pub const TITLE: &str = "Create your ConductorOne instance";
pub const SUMMARY: &str =
    "Choose the address, the name and the invite code for your ConductorOne instance.";

pub use crate::fields::{validate_display_name, DISPLAY_NAME_MAX_CHARS};

/// Checks the invite code. Its case is never changed: ConductorOne's codes
/// are case-sensitive. Only surrounding whitespace and line breaks are
/// removed. No message quotes the code.
pub fn validate_invite_code(input: &str) -> Result<Secret, FieldError> {
    check_pasted(
        Pasted {
            field: FIELD_INVITE_CODE,
            required: "Enter the invite code you received from ConductorOne.".into(),
            has_space: "The invite code has a space or line break in the middle, and invite codes have none. Copy it again in one piece, exactly as you received it.".into(),
            invisible: "The invite code contains an invisible character, probably copied along with it. Copy it again, or type it by hand keeping capital and small letters as they are.".into(),
        },
        input,
    )
    .map(|code| Secret::new(code.to_owned()))
}

/// What the window sends when the admin confirms step 1.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct InstanceInput {
    pub domain: String,
    pub display_name: String,
    #[ts(type = "string")]
    pub invite_code: Secret,
}

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

impl Setup {
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
    /// Every field problem is reported at once, in screen order, and nothing
    /// saved changes.
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
        if domain_changed && self.state.client_secret_stored {
            if let Some(client_id) = self.state.client_id.clone() {
                move_secret(
                    secrets,
                    &SecretKey::client_secret(&old_domain, &client_id),
                    &SecretKey::client_secret(&domain, &client_id),
                )?;
            }
        }
        if domain_changed {
            // A verification proved the old Login URL, not this one, and
            // ConductorOne's signup was for the old domain.
            self.state.verification = None;
            self.state.signup = Signup::default();
        }
        self.state.domain = domain;
        self.state.display_name = display_name;
        self.state.invite_code_stored = true;
        self.save()
    }
}

/// What the window shows after the invite code was pasted and stored.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct InviteCodePasted {
    /// The keychain that holds the code, e.g. "GNOME Keyring".
    pub store_name: String,
    /// True when the clipboard still held the code and was emptied.
    pub clipboard_cleared: bool,
    pub progress: SavedState,
}

impl Session {
    /// The invite code's Paste button: the clipboard is read here, in Rust,
    /// and step 1 saved with the typed domain and display name as by
    /// [`Setup::save_instance`], so the code goes straight into the keychain
    /// without passing through the window. The clipboard is then emptied if
    /// it still holds the code.
    pub async fn paste_invite_code(
        &self,
        domain: String,
        display_name: String,
        clipboard: &dyn Clipboard,
    ) -> Result<InviteCodePasted, AppError> {
        let invite_code = pasted(
            clipboard,
            StepId::Instance,
            FIELD_INVITE_CODE,
            "invite code",
        )?;
        let input = InstanceInput {
            domain,
            display_name,
            invite_code,
        };
        let stored = self
            .store_pasted(
                input.invite_code.clone(),
                clipboard,
                move |setup, secrets| setup.save_instance(&input, secrets),
            )
            .await?;
        Ok(InviteCodePasted {
            store_name: stored.store_name,
            clipboard_cleared: stored.clipboard_cleared,
            progress: stored.progress,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::Overrides;
    use crate::error::ErrorKind;
    use crate::keychain::MemoryStore;
    use crate::progress::StateStore;
    use crate::setup::test_support::{instance, setup};

    #[test]
    fn invite_code_rules() {
        let cases: Vec<(&str, Result<&str, &str>)> = vec![
            ("AbCdEf-123", Ok("AbCdEf-123")),
            ("abcdef", Ok("abcdef")),
            ("ABCDEF", Ok("ABCDEF")),
            ("  MiXeDcAsE42  ", Ok("MiXeDcAsE42")),
            ("\r\nQwErTy\r\n", Ok("QwErTy")),
            ("\tTab-Around\t", Ok("Tab-Around")),
            ("\u{00A0}NbspAround\u{00A0}", Ok("NbspAround")),
            ("ÄÖÜ-code", Ok("ÄÖÜ-code")),
            ("", Err("invite_code_required")),
            ("  \n ", Err("invite_code_required")),
            ("Abc Def", Err("invite_code_has_space")),
            ("Abc\nDef", Err("invite_code_has_space")),
            ("Abc\tDef", Err("invite_code_has_space")),
            ("Abc\u{200B}Def", Err("invite_code_invisible_character")),
        ];
        for (input, want) in &cases {
            match (want, validate_invite_code(input)) {
                (Ok(expected), Ok(secret)) => assert_eq!(secret.expose(), *expected),
                (Err(reason), Err(err)) => {
                    assert_eq!(err.field, FIELD_INVITE_CODE);
                    assert_eq!(&err.reason, reason, "input {input:?}");
                    let core = input.trim();
                    if !core.is_empty() {
                        for part in core.split(char::is_whitespace).filter(|p| p.len() > 2) {
                            assert!(
                                !err.message.contains(part),
                                "message quotes the code: {}",
                                err.message
                            );
                        }
                    }
                }
                (_, Ok(secret)) => panic!("input {input:?}: unexpectedly valid ({secret:?})"),
                (_, Err(err)) => panic!("input {input:?}: unexpected {err:?}"),
            }
        }
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
}

#[cfg(test)]
mod paste_tests {
    use std::sync::Arc;

    use super::*;
    use crate::clipboard_guard::tests::FakeClipboard;
    use crate::keychain::MemoryStore;
    use crate::session::Session;
    use crate::setup::test_support::setup;

    #[tokio::test]
    async fn a_pasted_invite_code_goes_from_the_clipboard_to_the_keychain() {
        let (wizard, _dir) = setup();
        let store = Arc::new(MemoryStore::default());
        let session = Session::new(wizard, None, Some(store.clone()));
        let clipboard = FakeClipboard::default();
        clipboard.admin_copies("Invite-AbC\n");
        let pasted = session
            .paste_invite_code("acmeco".into(), "Acme Co".into(), &clipboard)
            .await
            .expect("stored");
        assert!(pasted.progress.invite_code_stored);
        assert!(pasted.clipboard_cleared);
        assert_eq!(clipboard.holds(), None);
        let code = store
            .get(&SecretKey::invite_code("acmeco"))
            .expect("in the keychain");
        assert_eq!(code.expose(), "Invite-AbC");
    }

    #[tokio::test]
    async fn nothing_or_a_bad_code_on_the_clipboard_is_an_error_at_the_field() {
        let (wizard, _dir) = setup();
        let store = Arc::new(MemoryStore::default());
        let session = Session::new(wizard, None, Some(store.clone()));
        let clipboard = FakeClipboard::default();
        let err = session
            .paste_invite_code("acmeco".into(), "Acme Co".into(), &clipboard)
            .await
            .expect_err("empty clipboard");
        assert_eq!(err.fields[0].field, FIELD_INVITE_CODE);
        assert_eq!(err.fields[0].reason, "clipboard_no_text");

        clipboard.admin_copies("Abc Def");
        let err = session
            .paste_invite_code("acmeco".into(), "Acme Co".into(), &clipboard)
            .await
            .expect_err("a space in the middle");
        assert_eq!(err.fields[0].field, FIELD_INVITE_CODE);
        assert!(!store.contains(&SecretKey::invite_code("acmeco")));
        assert!(!session.setup().state().invite_code_stored);
    }
}
