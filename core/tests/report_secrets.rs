//! The setup report made while the Client Secret and the invite code are in
//! the keychain (the in-memory stand-in) contains neither of them.

use c1_setup_core::endpoints::{Endpoints, Region};
use c1_setup_core::keychain::{MemoryStore, SecretKey, SecretStore};
use c1_setup_core::login::{CheckId, CheckResult};
use c1_setup_core::progress::{
    AccessItem, SavedState, Signup, VerificationOutcome, VerificationRecord,
};
use c1_setup_core::report::report_markdown;
use c1_setup_core::steps::step4_access::access_form;
use c1_setup_core::Secret;
use time::OffsetDateTime;

const DOMAIN: &str = "acmeco";
const CLIENT_ID: &str = "0a1b2c3d-client";
const CLIENT_SECRET: &str = "Zq8vR2sEcReTvAlUe7731xkWp";
const INVITE_CODE: &str = "InViTeCoDe4242KpQz";

#[test]
fn the_report_never_contains_the_secret_or_the_invite_code() {
    let store = MemoryStore::new();
    let secret_key = SecretKey::client_secret(DOMAIN, CLIENT_ID);
    let invite_key = SecretKey::invite_code(DOMAIN);
    store
        .put(&secret_key, &Secret::from(CLIENT_SECRET))
        .expect("secret stored");
    store
        .put(&invite_key, &Secret::from(INVITE_CODE))
        .expect("invite code stored");

    let at = OffsetDateTime::from_unix_timestamp(1_714_560_000).expect("valid");
    let state = SavedState {
        domain: DOMAIN.into(),
        display_name: "Acme Co".into(),
        region: Region::Eu,
        client_id: Some(CLIENT_ID.into()),
        client_secret_stored: true,
        invite_code_stored: true,
        verification: Some(VerificationRecord {
            at,
            issuer: Region::Eu.issuer().into(),
            client_id: CLIENT_ID.into(),
            outcome: VerificationOutcome::Passed {
                email: "admin@acme.example".into(),
                email_verified: Some(true),
                checks: vec![CheckResult {
                    id: CheckId::ClientSecret,
                    label: "The Client ID and Client Secret are correct.".into(),
                }],
            },
        }),
        signup: Signup {
            opened_at: Some(at),
            instance_live_at: Some(at),
            ..Signup::default()
        },
        access_checklist: AccessItem::ALL.into(),
        finished_at: Some(at),
        ..SavedState::default()
    };

    let endpoints = Endpoints::real(Region::Eu);
    let report = report_markdown(&state, &endpoints, at);

    // Both secrets really are in the store while the report is made.
    assert_eq!(
        store.get(&secret_key).expect("secret").expose(),
        CLIENT_SECRET
    );
    assert_eq!(
        store.get(&invite_key).expect("invite").expose(),
        INVITE_CODE
    );

    for secret in [CLIENT_SECRET, INVITE_CODE] {
        assert!(
            !report.contains(secret),
            "the report leaks a secret:\n{report}"
        );
        // Not even a recognisable piece of it.
        for piece in secret.as_bytes().windows(8) {
            let piece = std::str::from_utf8(piece).expect("ASCII");
            assert!(!report.contains(piece), "{piece:?} in:\n{report}");
        }
    }
    // The report still says where the secrets are, without them.
    assert!(report.contains("keychain"), "{report}");
    assert!(report.contains(CLIENT_ID));

    // Step 4's form has nothing secret either.
    let form =
        serde_json::to_string(&access_form(&endpoints, state.loopback_port)).expect("serialises");
    assert!(!form.contains(CLIENT_SECRET) && !form.contains(INVITE_CODE));
}
