//! Step 1: create your ConductorOne instance (domain, display name, invite code).

pub const TITLE: &str = "Create your ConductorOne instance";
pub const SUMMARY: &str =
    "Choose the address, the name and the invite code for your ConductorOne instance.";
