//! How soon a form is answered, as the association's own text states it: a promise ("within N
//! days") or a minimum ("no sooner than N days"), with the policy's words quoted beside it. Only a
//! promise gives an answer date; a minimum never becomes one.

use serde::{Deserialize, Serialize};

use crate::dates::Day;

/// What the number of days means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseKind {
    /// The text promises an answer within the days: "خلال ١٤ يومًا".
    Within,
    /// The text says the answer takes at least the days: "خلال مدة لا تقل عن أسبوعين".
    AtLeast,
}

/// A form's answer period (`response:` of a form definition).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    pub days: u32,
    pub kind: ResponseKind,
    /// The association's words, as written, shown quoted beside the period.
    #[serde(default)]
    pub quote: Option<String>,
}

impl Response {
    /// The day by which an answer is promised for a submission received on `received`; `None`
    /// for a minimum, which promises no day.
    pub fn due(&self, received: Day) -> Option<Day> {
        match self.kind {
            ResponseKind::Within => Some(received.add_days(self.days as i32)),
            ResponseKind::AtLeast => None,
        }
    }

    /// Whether the period is a promise (an answer date can be shown).
    pub fn is_promise(&self) -> bool {
        self.kind == ResponseKind::Within
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(yaml: &str) -> Response {
        serde_norway::from_str(yaml).unwrap()
    }

    #[test]
    fn only_a_promise_has_a_due_day() {
        let received = Day::parse("2025-10-20").unwrap();
        let within = response("{ days: 14, kind: within }");
        assert_eq!(within.due(received), Day::parse("2025-11-03"));
        let at_least = response("{ days: 14, kind: at_least, quote: خلال مدة لا تقل عن أسبوعين }");
        assert_eq!(at_least.due(received), None);
        assert!(!at_least.is_promise());
        assert_eq!(at_least.quote.as_deref(), Some("خلال مدة لا تقل عن أسبوعين"));
    }

    #[test]
    fn the_kind_must_be_said() {
        assert!(serde_norway::from_str::<Response>("{ days: 14 }").is_err());
        assert!(serde_norway::from_str::<Response>("{ days: 14, kind: about }").is_err());
    }
}
