//! Steps 1 to 3 as the shell drives them: validate, build the JumpCloud
//! values, save the progress, resume it. Secrets never reach the state file.

use std::fs;

use c1_setup_core::endpoints::{Endpoints, Region};
use c1_setup_core::state::{LoadOutcome, SavedState, StateStore};
use c1_setup_core::steps::step1_instance::{validate_instance, InstanceInput};
use c1_setup_core::steps::step2_jumpcloud_app::{
    app_form, validate_loopback_port, ChecklistItem, FormItemId,
};
use c1_setup_core::steps::step3_connect::{validate_connect, ConnectInput};
use c1_setup_core::wizard::StepId;
use c1_setup_core::AppError;

const INVITE_CODE: &str = "InV1te-CoDe-MiXeD";
const CLIENT_SECRET: &str = "S3cr3t-Value-That-Is-Long-Enough-42";

#[test]
fn a_full_pass_saves_and_resumes_without_any_secret_on_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = StateStore::new(dir.path().join("config"));
    assert_eq!(store.load(), LoadOutcome::Fresh);

    // Step 1, first with mistakes, then corrected.
    let bad: InstanceInput = serde_json::from_value(serde_json::json!({
        "domain": "https://AcmeCo.conductor.one/",
        "display_name": "",
        "invite_code": format!("{} x", INVITE_CODE),
    }))
    .expect("JSON");
    let fields = validate_instance(&bad).expect_err("three problems");
    let err = AppError::invalid_input(StepId::Instance, fields);
    let err_json = serde_json::to_string(&err).expect("JSON");
    assert!(!err_json.contains(INVITE_CODE), "{err_json}");
    assert_eq!(err.fields[0].suggestion.as_deref(), Some("acmeco"));

    let good: InstanceInput = serde_json::from_value(serde_json::json!({
        "domain": err.fields[0].suggestion.clone().expect("suggested"),
        "display_name": "  Acme Co ",
        "invite_code": format!("\n {INVITE_CODE}\n"),
    }))
    .expect("JSON");
    let instance = validate_instance(&good).expect("valid");
    assert_eq!(instance.invite_code.expose(), INVITE_CODE);

    let mut state = SavedState::new();
    state.domain.clone_from(&instance.domain);
    state.display_name.clone_from(&instance.display_name);
    state.invite_code_stored = true;
    state.current_step = StepId::JumpcloudApp;
    store.save(&state).expect("saves");

    // Step 2 in Europe with a changed port.
    state.region = Region::Eu;
    state.loopback_port = validate_loopback_port("40500").expect("valid port");
    let form = app_form(
        &Endpoints::real(state.region),
        &state.domain,
        state.loopback_port,
    );
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
    state.checklist.extend(ChecklistItem::ALL);
    state.current_step = StepId::Connect;
    store.save(&state).expect("saves");

    // Step 3.
    let connect: ConnectInput = serde_json::from_value(serde_json::json!({
        "client_id": " client-id-1 ",
        "client_secret": format!("{CLIENT_SECRET}\r\n"),
    }))
    .expect("JSON");
    let valid = validate_connect(&connect).expect("valid");
    state.client_id = Some(valid.client_id.clone());
    state.secret_stored = true;
    store.save(&state).expect("saves");

    // Relaunch: the same progress comes back.
    let LoadOutcome::Resumed { state: resumed } = store.load() else {
        panic!("expected saved progress");
    };
    assert_eq!(
        *resumed,
        SavedState {
            updated_at: resumed.updated_at,
            ..state
        }
    );
    assert_eq!(resumed.current_step, StepId::Connect);
    assert_eq!(resumed.client_id.as_deref(), Some("client-id-1"));

    // Nothing in the directory holds a secret.
    for entry in fs::read_dir(store.dir()).expect("readable") {
        let bytes = fs::read(entry.expect("entry").path()).expect("readable");
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(INVITE_CODE));
        assert!(!text.contains(CLIENT_SECRET));
    }
}
