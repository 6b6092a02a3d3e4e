//! Step 3: connect JumpCloud to ConductorOne (Client ID and secret, the
//! verification login, the hand-off to ConductorOne's signup).

pub const TITLE: &str = "Connect JumpCloud to ConductorOne";
pub const SUMMARY: &str =
    "Store the Client ID and secret safely and prove that the JumpCloud app signs you in.";
