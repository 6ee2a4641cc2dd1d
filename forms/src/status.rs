//! Where a submission stands in the policy's procedure: received, under review, needs more
//! information, accepted, declined, completed. Which statuses a submission can take, and the Arabic
//! label of each, depend on its form's [`FormKind`]: a request is «مقبول» or «مرفوض», a note,
//! complaint or suggestion is never accepted or declined but «قيد المعالجة», «تمت معالجتها» or
//! «أُغلقت». The label is shown to the sender on follow-up and to staff by the staff command.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::definition::FormKind;

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

    /// The Arabic label shown for a submission of a form of `kind`.
    pub fn label(self, kind: FormKind) -> &'static str {
        match kind {
            FormKind::Feedback => match self {
                Status::Received => "تم الاستلام",
                // Never set on feedback (see `applies_to`); read as still being dealt with.
                Status::UnderReview | Status::Accepted => "قيد المعالجة",
                Status::NeedsInfo => "بحاجة إلى معلومات إضافية",
                Status::Declined => "أُغلقت",
                Status::Completed => "تمت معالجتها",
            },
            FormKind::Request | FormKind::Survey => match self {
                Status::Received => "تم الاستلام",
                Status::UnderReview => "قيد الدراسة",
                Status::NeedsInfo => "بحاجة إلى معلومات إضافية",
                Status::Accepted => "مقبول",
                Status::Declined => "مرفوض",
                Status::Completed => "مكتمل",
            },
        }
    }

    /// Whether a submission of a form of `kind` can take this status: a survey takes none after
    /// it is received, and feedback is never accepted.
    pub fn applies_to(self, kind: FormKind) -> bool {
        match kind {
            FormKind::Request => true,
            FormKind::Feedback => self != Status::Accepted,
            FormKind::Survey => self == Status::Received,
        }
    }

    /// The statuses a form of `kind` can take, in the procedure's order.
    pub fn for_kind(kind: FormKind) -> Vec<Status> {
        Status::ALL
            .into_iter()
            .filter(|s| s.applies_to(kind))
            .collect()
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
    fn labels_are_arabic_and_distinct_for_each_kind() {
        for kind in [FormKind::Request, FormKind::Feedback] {
            let statuses = Status::for_kind(kind);
            let labels: std::collections::HashSet<_> =
                statuses.iter().map(|s| s.label(kind)).collect();
            assert_eq!(labels.len(), statuses.len(), "{kind:?}");
        }
        assert_eq!(
            Status::NeedsInfo.label(FormKind::Request),
            "بحاجة إلى معلومات إضافية"
        );
    }

    #[test]
    fn feedback_is_dealt_with_and_closed_never_accepted_or_declined() {
        let fb = FormKind::Feedback;
        assert_eq!(Status::Completed.label(fb), "تمت معالجتها");
        assert_eq!(Status::Declined.label(fb), "أُغلقت");
        assert_eq!(Status::UnderReview.label(fb), "قيد المعالجة");
        assert!(!Status::Accepted.applies_to(fb));
        let words: Vec<_> = Status::for_kind(fb).iter().map(|s| s.label(fb)).collect();
        assert!(
            !words
                .iter()
                .any(|w| w.contains("مقبول") || w.contains("مرفوض")),
            "{words:?}"
        );
        assert_eq!(Status::Accepted.label(FormKind::Request), "مقبول");
        assert_eq!(Status::for_kind(FormKind::Survey), [Status::Received]);
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
