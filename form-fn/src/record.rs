//! A stored submission as the service reads it back ([`Record`]) and the attributes its item is
//! written with: its history, the staff's internal log, corrections, contacts and channel. The
//! item's place in the table is in [`crate::table`]; the calls that write it in [`crate::store`].

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::AttributeValue;
use forms::{Status, Value};

use crate::table::{self, Item, PK, TTL, get_n, get_s, s};

/// The attribute holding the channel of a survey answer entered by staff (`in_person`, `phone`).
pub const CHANNEL: &str = "channel";

/// The stored name of a channel.
pub fn channel_name(c: forms::report::SurveyChannel) -> &'static str {
    match c {
        forms::report::SurveyChannel::Web => "web",
        forms::report::SurveyChannel::InPerson => "in_person",
        forms::report::SurveyChannel::Phone => "phone",
    }
}

fn channel_of_name(name: &str) -> Option<forms::report::SurveyChannel> {
    use forms::report::SurveyChannel::*;
    [Web, InPerson, Phone]
        .into_iter()
        .find(|c| channel_name(*c) == name)
}

/// One status change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub status: Status,
    /// RFC 3339.
    pub at: String,
    pub message: Option<String>,
    /// The staff member who made it (absent for changes made before this was recorded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// A stored submission as read back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Record {
    pub code: String,
    pub form: String,
    pub status: Status,
    pub received_at: String,
    pub updated_at: String,
    pub expected_by: Option<String>,
    /// The latest message from staff to the sender.
    pub message: Option<String>,
    pub history: Vec<Change>,
    pub values: BTreeMap<String, Value>,
    /// Each contact given with the request, normalised: any of them opens the follow-up.
    #[serde(skip)]
    pub contacts: Vec<String>,
    #[serde(skip)]
    pub expires_at: u64,
    /// Staff changes so far (absent in the table: 0); a correction names the version it read.
    pub version: u64,
    /// Which fields staff corrected, when and who: never a value.
    pub corrections: Vec<Correction>,
    /// The staff member the case is assigned to (their e-mail).
    pub assignee: Option<String>,
    /// When and by whom the data was checked against the official documents.
    pub checked: Option<Event>,
    /// What staff did, for staff only: assignments, referrals, notes, checks, status changes.
    pub events: Vec<Event>,
    /// The channel of a survey answer entered by staff; `None`: sent from the site.
    pub channel: Option<forms::report::SurveyChannel>,
}

/// One staff action on a case, as its internal log keeps it (the beneficiary never sees it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    /// `note`, `assign`, `refer`, `checked`, `status` or `interview` (a survey answer entered).
    pub kind: String,
    /// RFC 3339.
    pub at: String,
    /// The staff member.
    pub by: String,
    /// Whom a case was assigned or referred to.
    pub to: Option<String>,
    /// The note's text, the new status.
    pub text: Option<String>,
}

/// The attribute holding a submission's internal log (list of [`Event`]).
pub const EVENTS: &str = "events";
/// The attribute holding a submission's assignee.
pub const ASSIGNEE: &str = "assignee";
/// The attribute holding when and by whom a submission's data was checked (an [`Event`]).
pub const CHECKED: &str = "checked";

/// The attribute of one internal log entry.
pub fn event_attr(e: &Event) -> AttributeValue {
    let mut m = std::collections::HashMap::new();
    m.insert("kind".to_string(), s(e.kind.clone()));
    m.insert("at".to_string(), s(e.at.clone()));
    m.insert("by".to_string(), s(e.by.clone()));
    if let Some(to) = &e.to {
        m.insert("to".to_string(), s(to.clone()));
    }
    if let Some(text) = &e.text {
        m.insert("text".to_string(), s(text.clone()));
    }
    AttributeValue::M(m)
}

fn event_of(v: &AttributeValue) -> Option<Event> {
    let m = v.as_m().ok()?;
    let text = |k: &str| m.get(k).and_then(|x| x.as_s().ok()).cloned();
    Some(Event {
        kind: text("kind")?,
        at: text("at")?,
        by: text("by")?,
        to: text("to"),
        text: text("text"),
    })
}

/// One correction of a value by staff.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Correction {
    pub field: String,
    /// RFC 3339.
    pub at: String,
    /// The staff member.
    pub by: String,
}

/// The attribute a value is stored as.
pub fn value_attr(v: &Value) -> AttributeValue {
    match v {
        Value::One(x) => s(x.clone()),
        Value::Many(xs) => AttributeValue::L(xs.iter().map(|x| s(x.clone())).collect()),
    }
}

/// The attribute of one history entry (a status change).
pub fn history_entry(c: &Change) -> AttributeValue {
    let mut m = std::collections::HashMap::new();
    m.insert("status".to_string(), s(c.status.as_str()));
    m.insert("at".to_string(), s(c.at.clone()));
    if let Some(msg) = &c.message {
        m.insert("message".to_string(), s(msg.clone()));
    }
    if let Some(by) = &c.by {
        m.insert("by".to_string(), s(by.clone()));
    }
    AttributeValue::M(m)
}

/// The attribute holding a submission's normalised contacts (a list of strings).
pub const CONTACTS: &str = "contacts";
/// The attribute that held the one contact of submissions stored before `contacts` (a string).
const LEGACY_CONTACT: &str = "contact";

/// A submission item's normalised contacts: its `contacts`, or the one `contact` of an item
/// stored before there could be several.
fn contacts_of(item: &Item) -> Vec<String> {
    let mut out: Vec<String> = item
        .get(CONTACTS)
        .and_then(|v| v.as_l().ok())
        .map(|l| l.iter().filter_map(|x| x.as_s().ok().cloned()).collect())
        .unwrap_or_default();
    out.extend(get_s(item, LEGACY_CONTACT));
    out
}

impl Record {
    /// The channel it came by: as staff entered it ([`crate::store::Entered`]), else the site.
    /// Never read from the answers, which anyone sending the form writes.
    pub fn came_by(&self) -> forms::report::SurveyChannel {
        self.channel.unwrap_or(forms::report::SurveyChannel::Web)
    }

    /// Reads a submission item; `None` when it is not one.
    pub fn from_item(item: &Item) -> Option<Record> {
        let code = get_s(item, PK)?.strip_prefix("SUB#")?.to_string();
        let values = item
            .get("values")
            .and_then(|v| v.as_m().ok())
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| {
                        let value = match v {
                            AttributeValue::S(x) => Value::One(x.clone()),
                            AttributeValue::L(xs) => Value::Many(
                                xs.iter().filter_map(|x| x.as_s().ok().cloned()).collect(),
                            ),
                            _ => return None,
                        };
                        Some((k.clone(), value))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let history = item
            .get("history")
            .and_then(|v| v.as_l().ok())
            .map(|l| {
                l.iter()
                    .filter_map(|e| {
                        let m = e.as_m().ok()?;
                        Some(Change {
                            status: m.get("status")?.as_s().ok()?.parse().ok()?,
                            at: m.get("at")?.as_s().ok()?.clone(),
                            message: m.get("message").and_then(|x| x.as_s().ok()).cloned(),
                            by: m.get("by").and_then(|x| x.as_s().ok()).cloned(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Record {
            code,
            form: get_s(item, "form")?,
            status: get_s(item, "status")?.parse().ok()?,
            received_at: get_s(item, "received_at")?,
            updated_at: get_s(item, "updated_at")?,
            expected_by: get_s(item, "expected_by"),
            message: get_s(item, "message"),
            history,
            values,
            contacts: contacts_of(item),
            expires_at: get_n(item, TTL).unwrap_or(u64::MAX),
            version: get_n(item, table::VERSION).unwrap_or(0),
            corrections: item
                .get(table::CORRECTIONS)
                .and_then(|v| v.as_l().ok())
                .map(|l| {
                    l.iter()
                        .filter_map(|e| {
                            let m = e.as_m().ok()?;
                            let s = |k: &str| m.get(k)?.as_s().ok().cloned();
                            Some(Correction {
                                field: s("field")?,
                                at: s("at")?,
                                by: s("by")?,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
            assignee: get_s(item, ASSIGNEE),
            checked: item.get(CHECKED).and_then(event_of),
            events: item
                .get(EVENTS)
                .and_then(|v| v.as_l().ok())
                .map(|l| l.iter().filter_map(event_of).collect())
                .unwrap_or_default(),
            channel: get_s(item, CHANNEL).and_then(|c| channel_of_name(&c)),
        })
    }
}
