//! Step 4: give your colleagues access through a JumpCloud user group.

pub const TITLE: &str = "Give your colleagues access";
pub const SUMMARY: &str =
    "Assign the ConductorOne app to the JumpCloud user groups that should use it.";

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The sub-steps of step 4 the admin ticks off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AccessItem {
    /// Picked (or created) the user group that should use ConductorOne.
    PickGroup,
    /// Opened the group's Applications tab and ticked ConductorOne.
    TickApplication,
    /// Saved the group.
    SaveGroup,
    /// Removed the assistant's loopback redirect URI from the JumpCloud app (optional).
    RemoveLoopbackRedirect,
}
