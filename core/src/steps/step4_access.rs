//! Step 4: give your colleagues access through a JumpCloud user group.

pub const TITLE: &str = "Give your colleagues access";
pub const SUMMARY: &str =
    "Assign the ConductorOne app to the JumpCloud user groups that should use it.";
