//! The wizard's shape: four steps, in the order of ConductorOne's documented
//! procedure for JumpCloud. Each step's content lives in its own module under
//! [`crate::steps`].

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::steps::{step1_instance, step2_jumpcloud_app, step3_connect, step4_access};

/// The four documented steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StepId {
    /// 1. Create your ConductorOne instance.
    Instance,
    /// 2. Create the OIDC app in JumpCloud.
    JumpcloudApp,
    /// 3. Connect JumpCloud to ConductorOne.
    Connect,
    /// 4. Give your colleagues access.
    Access,
}

impl StepId {
    pub const ALL: [StepId; 4] = [
        StepId::Instance,
        StepId::JumpcloudApp,
        StepId::Connect,
        StepId::Access,
    ];

    /// 1-based position, as shown to the admin.
    pub fn number(self) -> u8 {
        match self {
            StepId::Instance => 1,
            StepId::JumpcloudApp => 2,
            StepId::Connect => 3,
            StepId::Access => 4,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            StepId::Instance => step1_instance::TITLE,
            StepId::JumpcloudApp => step2_jumpcloud_app::TITLE,
            StepId::Connect => step3_connect::TITLE,
            StepId::Access => step4_access::TITLE,
        }
    }

    pub fn summary(self) -> &'static str {
        match self {
            StepId::Instance => step1_instance::SUMMARY,
            StepId::JumpcloudApp => step2_jumpcloud_app::SUMMARY,
            StepId::Connect => step3_connect::SUMMARY,
            StepId::Access => step4_access::SUMMARY,
        }
    }

    pub fn next(self) -> Option<StepId> {
        Self::ALL.get(usize::from(self.number())).copied()
    }

    pub fn previous(self) -> Option<StepId> {
        usize::from(self.number())
            .checked_sub(2)
            .and_then(|i| Self::ALL.get(i).copied())
    }
}

/// What the step list shows for one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StepInfo {
    pub id: StepId,
    pub number: u8,
    pub title: String,
    pub summary: String,
}

/// The step list, in order.
pub fn steps() -> Vec<StepInfo> {
    StepId::ALL
        .iter()
        .map(|&id| StepInfo {
            id,
            number: id.number(),
            title: id.title().to_owned(),
            summary: id.summary().to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_steps_follow_the_documented_procedure() {
        let titles: Vec<_> = steps().into_iter().map(|s| s.title).collect();
        assert_eq!(
            titles,
            [
                "Create your ConductorOne instance",
                "Create the OIDC app in JumpCloud",
                "Connect JumpCloud to ConductorOne",
                "Give your colleagues access",
            ]
        );
    }

    #[test]
    fn next_and_previous_walk_the_list() {
        assert_eq!(StepId::Instance.previous(), None);
        assert_eq!(StepId::Instance.next(), Some(StepId::JumpcloudApp));
        assert_eq!(StepId::Connect.previous(), Some(StepId::JumpcloudApp));
        assert_eq!(StepId::Access.next(), None);
        for (i, id) in StepId::ALL.iter().enumerate() {
            assert_eq!(usize::from(id.number()), i + 1);
        }
    }
}

/// What the window needs at start: the steps and whether it talks to the
/// real services or to stand-ins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub steps: Vec<StepInfo>,
    /// True when an endpoint override is active: the window shows a banner.
    pub sandbox: bool,
    /// Saved progress to resume from (a fresh state on first launch).
    pub progress: crate::state::SavedState,
    /// True when started for the benchmark (`C1_SETUP_BENCH`): the window
    /// reports when step 1 is interactive.
    pub benchmark: bool,
    /// One sentence to show once, e.g. that a damaged state file was set aside.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}
