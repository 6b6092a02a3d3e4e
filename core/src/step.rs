//! The four documented steps as a plain identifier, with their order. A leaf:
//! errors, the saved progress and the keychain name a step with it, and
//! nothing here knows what a step contains (that is the `steps` module).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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

    pub fn next(self) -> Option<StepId> {
        Self::ALL.get(usize::from(self.number())).copied()
    }

    pub fn previous(self) -> Option<StepId> {
        usize::from(self.number())
            .checked_sub(2)
            .and_then(|i| Self::ALL.get(i).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
