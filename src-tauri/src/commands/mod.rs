//! IPC commands: `app` and `pages` serve the whole window; each documented step has its
//! own module, and so has the signup between steps 3 and 4. Every command
//! converts IPC to one core call and back, and returns
//! `Result<_, AppError>`, which crosses IPC as `{kind, message, fix, ...}`.

pub mod app;
pub mod pages;
pub mod signup;
pub mod step1_instance;
pub mod step2_jumpcloud_app;
pub mod step3_connect;
pub mod step4_access;

/// Every command, for `generate_handler!` and `build.rs`'s permission list.
#[macro_export]
macro_rules! all_commands {
    () => {
        tauri::generate_handler![
            $crate::commands::app::app_info,
            $crate::commands::app::progress,
            $crate::commands::app::bench_ready,
            $crate::commands::app::show_window,
            $crate::commands::app::keychain_status,
            $crate::commands::app::dismiss_welcome,
            $crate::commands::app::set_step,
            $crate::commands::app::start_over,
            $crate::commands::pages::open_page,
            $crate::commands::pages::copy_text,
            $crate::commands::step1_instance::check_instance_fields,
            $crate::commands::step1_instance::save_instance,
            $crate::commands::step1_instance::paste_invite_code,
            $crate::commands::step2_jumpcloud_app::jumpcloud_app_form,
            $crate::commands::step2_jumpcloud_app::regions,
            $crate::commands::step2_jumpcloud_app::set_region,
            $crate::commands::step2_jumpcloud_app::set_loopback_port,
            $crate::commands::step2_jumpcloud_app::set_checklist,
            $crate::commands::step3_connect::save_credentials,
            $crate::commands::step3_connect::paste_client_secret,
            $crate::commands::step3_connect::paste_client_id,
            $crate::commands::step3_connect::verify_sso,
            $crate::commands::step3_connect::cancel_verification,
            $crate::commands::signup::check_instance_address,
            $crate::commands::signup::open_signup,
            $crate::commands::signup::confirm_setup_page,
            $crate::commands::signup::signup_submitted,
            $crate::commands::signup::copy_secret,
            $crate::commands::signup::wait_for_instance,
            $crate::commands::signup::stop_waiting,
            $crate::commands::step4_access::access_form,
            $crate::commands::step4_access::set_access_checklist,
            $crate::commands::step4_access::finish_setup,
            $crate::commands::step4_access::export_report,
        ]
    };
}
