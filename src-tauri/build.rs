// App commands are listed here so that tauri-build generates an `allow-<command>`
// permission for each; a command is callable from the webview only when a
// capability file grants it (see capabilities/main.json).
const COMMANDS: &[&str] = &[
    "app_info",
    "progress",
    "bench_ready",
    "show_window",
    "keychain_status",
    "dismiss_welcome",
    "set_step",
    "start_over",
    "open_page",
    "copy_text",
    "check_instance_fields",
    "save_instance",
    "paste_invite_code",
    "jumpcloud_app_form",
    "regions",
    "set_region",
    "set_loopback_port",
    "set_checklist",
    "save_credentials",
    "paste_client_secret",
    "paste_client_id",
    "verify_sso",
    "cancel_verification",
    "check_instance_address",
    "open_signup",
    "confirm_setup_page",
    "signup_submitted",
    "copy_secret",
    "wait_for_instance",
    "stop_waiting",
    "access_form",
    "set_access_checklist",
    "finish_setup",
    "export_report",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed: see the message above");
}
