//! Step 2: create the Custom OIDC app in the JumpCloud Admin Portal.

pub const TITLE: &str = "Create the OIDC app in JumpCloud";
pub const SUMMARY: &str =
    "Add a Custom OIDC App in JumpCloud with the values the assistant prepares for you.";
