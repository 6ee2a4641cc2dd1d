//! Where a request stands in the policy's procedure: received, under review, needs more
//! information, accepted, declined, completed. Each status has one Arabic label, shown to the
//! beneficiary on follow-up and to staff by the staff command.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A step of the procedure a request goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Stored; nobody has looked at it yet.
    Received,
    /// The association is studying it.
    UnderReview,
    /// The association needs more from the sender (the staff message says what).
    NeedsInfo,
    Accepted,
    Declined,
    /// The service was given or the matter closed.
    Completed,
}

impl Status {
    /// Every status, in the procedure's order.
    pub const ALL: [Status; 6] = [
        Status::Received,
        Status::UnderReview,
        Status::NeedsInfo,
        Status::Accepted,
        Status::Declined,
        Status::Completed,
    ];

    /// The name stored and typed by staff (`under_review`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::UnderReview => "under_review",
            Status::NeedsInfo => "needs_info",
            Status::Accepted => "accepted",
            Status::Declined => "declined",
            Status::Completed => "completed",
        }
    }

    /// The Arabic label shown to the beneficiary.
    pub fn label(self) -> &'static str {
        match self {
            Status::Received => "تم الاستلام",
            Status::UnderReview => "قيد الدراسة",
            Status::NeedsInfo => "بحاجة إلى معلومات إضافية",
            Status::Accepted => "مقبول",
            Status::Declined => "مرفوض",
            Status::Completed => "مكتمل",
        }
    }

    /// Whether the request still waits for something from the association or the sender.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Declined | Status::Completed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a status; says which names are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown status {0:?}: use one of received, under_review, needs_info, accepted, declined, completed"
)]
pub struct UnknownStatus(pub String);

impl FromStr for Status {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s.trim())
            .ok_or_else(|| UnknownStatus(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_from_its_name() {
        for st in Status::ALL {
            assert_eq!(st.as_str().parse::<Status>(), Ok(st));
            assert_eq!(serde_norway::to_string(&st).unwrap().trim(), st.as_str());
        }
    }

    #[test]
    fn labels_are_arabic_and_distinct() {
        let labels: std::collections::HashSet<_> = Status::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(labels.len(), 6);
        assert_eq!(Status::NeedsInfo.label(), "بحاجة إلى معلومات إضافية");
    }

    #[test]
    fn an_unknown_name_says_which_are_known() {
        let err = "closed".parse::<Status>().unwrap_err();
        assert!(err.to_string().contains("under_review"), "{err}");
    }

    #[test]
    fn only_declined_and_completed_are_closed() {
        let open: Vec<_> = Status::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(
            open,
            [
                Status::Received,
                Status::UnderReview,
                Status::NeedsInfo,
                Status::Accepted
            ]
        );
    }
}
