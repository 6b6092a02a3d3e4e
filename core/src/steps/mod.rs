//! One module per documented step, plus the signup between steps 3
//! and 4. Each holds that step's texts, its input checks, the values the
//! admin copies and, as an `impl Setup` block, the step's use-cases with the
//! state changes they make, so a newcomer finds a step in one place (the
//! shell's commands and the UI's views mirror this layout).

use serde::Serialize;
use ts_rs::TS;

use crate::step::StepId;

pub mod signup;
pub mod step1_instance;
pub mod step2_jumpcloud_app;
pub mod step3_connect;
pub mod step4_access;

/// What the step list shows for one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StepInfo {
    pub id: StepId,
    pub number: u8,
    pub title: String,
    pub summary: String,
}

/// The step list, in the order of ConductorOne's documented procedure.
pub fn steps() -> Vec<StepInfo> {
    StepId::ALL
        .iter()
        .map(|&id| {
            let (title, summary) = match id {
                StepId::Instance => (step1_instance::TITLE, step1_instance::SUMMARY),
                StepId::JumpcloudApp => (step2_jumpcloud_app::TITLE, step2_jumpcloud_app::SUMMARY),
                StepId::Connect => (step3_connect::TITLE, step3_connect::SUMMARY),
                StepId::Access => (step4_access::TITLE, step4_access::SUMMARY),
            };
            StepInfo {
                id,
                number: id.number(),
                title: title.to_owned(),
                summary: summary.to_owned(),
            }
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
}
