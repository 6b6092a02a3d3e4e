//! Steps 1 to 3 as the window drives them, through the wizard's use-cases:
//! mistakes reported at the fields, corrected values saved, the progress
//! resumed after a relaunch. Secrets never reach the state file.

use std::fs;

use c1_setup_core::endpoints::{Overrides, Region};
use c1_setup_core::keychain::{MemoryStore, SecretKey, SecretStore};
use c1_setup_core::progress::{ChecklistItem, StateStore};
use c1_setup_core::setup::Setup;
use c1_setup_core::step::StepId;
use c1_setup_core::steps::step1_instance::InstanceInput;
use c1_setup_core::steps::step2_jumpcloud_app::FormItemId;
use c1_setup_core::steps::step3_connect::ConnectInput;

const INVITE_CODE: &str = "InV1te-CoDe-MiXeD";
const CLIENT_SECRET: &str = "S3cr3t-Value-That-Is-Long-Enough-42";

#[test]
fn a_full_pass_saves_and_resumes_without_any_secret_on_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let open = || {
        Setup::open(
            StateStore::new(dir.path().join("config")),
            Overrides::default(),
        )
        .0
    };
    let secrets = MemoryStore::new();
    let mut setup = open();

    // Step 1, first with mistakes, then corrected.
    let bad: InstanceInput = serde_json::from_value(serde_json::json!({
        "domain": "https://AcmeCo.conductor.one/",
        "display_name": "",
        "invite_code": format!("{} x", INVITE_CODE),
    }))
    .expect("JSON");
    let err = setup
        .save_instance(&bad, &secrets)
        .expect_err("three problems");
    let fields: Vec<_> = err.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["domain", "display_name", "invite_code"]);
    let err_json = serde_json::to_string(&err).expect("JSON");
    assert!(!err_json.contains(INVITE_CODE), "{err_json}");
    assert_eq!(err.fields[0].suggestion.as_deref(), Some("acmeco"));
    assert!(secrets.is_empty(), "nothing is stored from a refused step");

    let good: InstanceInput = serde_json::from_value(serde_json::json!({
        "domain": err.fields[0].suggestion.clone().expect("suggested"),
        "display_name": "  Acme Co ",
        "invite_code": format!("\n {INVITE_CODE}\n"),
    }))
    .expect("JSON");
    setup.save_instance(&good, &secrets).expect("valid");
    assert_eq!(
        secrets
            .get(&SecretKey::invite_code("acmeco"))
            .expect("stored")
            .expose(),
        INVITE_CODE
    );
    setup.set_step(StepId::JumpcloudApp).expect("saved");

    // Step 2 in Europe with a changed port.
    setup.set_region(Region::Eu).expect("saved");
    let form = setup.set_loopback_port("40500").expect("valid port");
    let redirect = form
        .items
        .iter()
        .find(|i| i.id == FormItemId::RedirectUris)
        .expect("present");
    assert_eq!(redirect.values[1].text, "http://127.0.0.1:40500/callback");
    assert_eq!(
        form.admin_portal_url,
        "https://console.eu.jumpcloud.com/#/sso"
    );
    setup
        .set_checklist(ChecklistItem::ALL.into_iter().collect())
        .expect("saved");
    setup.set_step(StepId::Connect).expect("saved");

    // Step 3.
    let connect: ConnectInput = serde_json::from_value(serde_json::json!({
        "client_id": " client-id-1 ",
        "client_secret": format!("{CLIENT_SECRET}\r\n"),
    }))
    .expect("JSON");
    setup.save_credentials(&connect, &secrets).expect("valid");

    // Relaunch: the same progress comes back.
    let resumed = open();
    let mut expected = setup.state().clone();
    expected.updated_at = resumed.state().updated_at; // stamped when written
    assert_eq!(resumed.state(), &expected);
    assert_eq!(resumed.state().current_step, StepId::Connect);
    assert_eq!(resumed.state().client_id.as_deref(), Some("client-id-1"));
    assert_eq!(resumed.state().loopback_port, 40500);

    // Nothing in the directory holds a secret.
    for entry in fs::read_dir(dir.path().join("config")).expect("readable") {
        let bytes = fs::read(entry.expect("entry").path()).expect("readable");
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(INVITE_CODE));
        assert!(!text.contains(CLIENT_SECRET));
    }
}
