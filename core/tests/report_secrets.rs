//! The setup report exported after the whole journey, run through the real
//! use-cases with the Client Secret and the invite code in the keychain (the
//! in-memory stand-in) and handed to the verification, contains neither of
//! them. A control shows the check does catch a value the report prints.

use std::collections::BTreeSet;

use c1_setup_core::endpoints::{Overrides, Region};
use c1_setup_core::keychain::{MemoryStore, SecretKey, SecretStore};
use c1_setup_core::login::{CheckId, CheckResult, Verified};
use c1_setup_core::progress::{AccessItem, StateStore};
use c1_setup_core::setup::Setup;
use c1_setup_core::steps::step1_instance::InstanceInput;
use c1_setup_core::steps::step3_connect::{ConnectInput, SecretSource};
use c1_setup_core::Secret;
use time::OffsetDateTime;

const DOMAIN: &str = "acmeco";
const CLIENT_ID: &str = "0a1b2c3d4e5f";
const CLIENT_SECRET: &str = "Zq8vR2sEcReTvAlUe7731xkWp";
const INVITE_CODE: &str = "InViTeCoDe4242KpQz";

/// Every 8-character piece of either secret that appears in `text`.
fn leaked_pieces(text: &str) -> Vec<String> {
    [CLIENT_SECRET, INVITE_CODE]
        .iter()
        .flat_map(|secret| secret.as_bytes().windows(8))
        .map(|piece| std::str::from_utf8(piece).expect("ASCII").to_owned())
        .filter(|piece| text.contains(piece.as_str()))
        .collect()
}

/// The journey from step 1 to the end, through the same use-cases as the
/// window, with `display_name` for step 1. Returns the wizard and its store.
fn journey(display_name: &str) -> (Setup, MemoryStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut setup, _) = Setup::open(
        StateStore::new(dir.path().join("cfg")),
        Overrides::default(),
    );
    let store = MemoryStore::new();
    setup
        .save_instance(
            &InstanceInput {
                domain: DOMAIN.into(),
                display_name: display_name.into(),
                invite_code: Secret::from(INVITE_CODE),
            },
            &store,
        )
        .expect("step 1");
    setup.set_region(Region::Eu).expect("step 2's region");
    setup
        .save_credentials(
            &ConnectInput {
                client_id: CLIENT_ID.into(),
                client_secret: Secret::from(CLIENT_SECRET),
            },
            &store,
        )
        .expect("step 3");
    // The verification takes the secret from the keychain, as in the window.
    let request = setup.saved_verification_request().expect("request");
    let verification = setup
        .prepare_verification(request, SecretSource::Keychain(&store))
        .expect("verification prepared with the stored secret");
    let verified = Verified {
        issuer: Region::Eu.issuer().into(),
        subject: "sub-1".into(),
        email: "admin@acme.example".into(),
        email_verified: Some(true),
        groups: vec!["IT admins".into()],
        checks: vec![CheckResult {
            id: CheckId::ClientSecret,
            label: "The Client ID and Client Secret are correct.".into(),
        }],
    };
    setup
        .record_verification(&verification, &Ok(verified))
        .expect("recorded");
    setup.open_signup().expect("signup opened");
    setup.confirm_setup_page().expect("page 2 seen");
    setup.record_signup_submitted().expect("submitted");
    setup
        .record_instance_live(OffsetDateTime::now_utc())
        .expect("live");
    setup
        .set_access_checklist(AccessItem::ALL.into_iter().collect::<BTreeSet<_>>())
        .expect("step 4");
    setup.finish().expect("finished");
    (setup, store, dir)
}

#[test]
fn the_exported_report_never_contains_the_secret_or_the_invite_code() {
    let (setup, store, dir) = journey("Acme Co");
    // Both really are in the keychain while the report is made.
    assert_eq!(
        store
            .get(&SecretKey::client_secret(DOMAIN, CLIENT_ID))
            .expect("secret")
            .expose(),
        CLIENT_SECRET
    );
    assert_eq!(
        store
            .get(&SecretKey::invite_code(DOMAIN))
            .expect("invite code")
            .expose(),
        INVITE_CODE
    );
    assert!(setup.verified());

    let report = setup.report().expect("report");
    assert_eq!(report.file_name, "conductorone-setup-acmeco.md");
    assert_eq!(
        leaked_pieces(&report.markdown),
        Vec::<String>::new(),
        "{}",
        report.markdown
    );
    // It still says what was set up and where the secrets are.
    assert!(report.markdown.contains(CLIENT_ID), "{}", report.markdown);
    assert!(report.markdown.contains("keychain"), "{}", report.markdown);
    assert!(report.markdown.contains("admin@acme.example"));

    // Nor does the state file the report is made from, or step 4's form.
    let saved = std::fs::read_to_string(
        std::fs::read_dir(dir.path().join("cfg"))
            .expect("config dir")
            .map(|e| e.expect("entry").path())
            .find(|p| p.extension().is_some_and(|x| x == "json"))
            .expect("the state file"),
    )
    .expect("readable");
    assert_eq!(leaked_pieces(&saved), Vec::<String>::new(), "{saved}");
    let form = serde_json::to_string(&setup.access_form().expect("form")).expect("serialises");
    assert_eq!(leaked_pieces(&form), Vec::<String>::new(), "{form}");
}

#[test]
fn the_check_catches_a_secret_the_report_would_print() {
    // Control: the invite code typed as the display name, which the report
    // prints. The same check must then fail.
    let (setup, _store, _dir) = journey(INVITE_CODE);
    let report = setup.report().expect("report");
    assert!(
        leaked_pieces(&report.markdown).contains(&INVITE_CODE[..8].to_owned()),
        "{}",
        report.markdown
    );
}
