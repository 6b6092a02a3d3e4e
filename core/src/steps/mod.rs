//! One module per documented step. Each holds that step's texts, its input
//! validation and the values the admin copies, so a newcomer finds a step in
//! one place (the UI mirrors this in `ui/src/steps/`).

pub mod step1_instance;
pub mod step2_jumpcloud_app;
pub mod step3_connect;
pub mod step4_access;
