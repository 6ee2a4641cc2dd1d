//! The actions on one case. Each is one conditional update of the submission: it holds only if
//! the case is still at the version the staff member saw (when one is given), adds one to the
//! version and appends the action, with who and when, to the case's internal log; a status change
//! also to the history the beneficiary sees. Two staff acting on one case at once cannot overwrite
//! each other: the second is refused as [`ActionError::Stale`] and changes nothing.
//!
//! Opening a case is recorded apart, as an item `OPENED#{code}` / `{at}#{staff}#{random}` that
//! expires with the submission (who and when, nothing of the case). The case page shown again
//! right after a staff member's own action ([`just_acted`]) is not an opening: the action, in the
//! internal log with who and when, already records that access.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, TransactWriteItem, Update};
use forms::Status;

use super::{Staff, StaffError, sdk_error};
use crate::clock::{epoch_of, now_epoch, now_rfc3339};
use crate::record::{ASSIGNEE, CHECKED, Change, EVENTS, Event, Record, event_attr, history_entry};
use crate::table::{self, GSI_PK, PK, SK, TTL};

/// The start of an access record's partition key.
pub const OPENED_PREFIX: &str = "OPENED#";

/// Why an action was not taken.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// The case changed since the staff member read it: nothing was changed.
    #[error(
        "the case changed since it was read (version {seen} read, now {now}): nothing was changed; show it again and redo the change"
    )]
    Stale { seen: u64, now: u64 },
    #[error("{0}")]
    Failed(#[from] StaffError),
}

impl From<ActionError> for StaffError {
    fn from(e: ActionError) -> StaffError {
        match e {
            ActionError::Failed(e) => e,
            other => StaffError(other.to_string()),
        }
    }
}

/// How long after a staff member's own action the case page shown again is that action's (the
/// page its form leads back to), in seconds.
pub const SHOWN_AFTER_ACTION: i64 = 120;

/// Whether the latest entry of the case's internal log is `by`'s, made at most
/// [`SHOWN_AFTER_ACTION`] seconds before `now` (epoch seconds): the case page shown then follows
/// that action, which is recorded with who and when, so it is not recorded again as an opening.
/// A colleague's action since, or a later visit, makes it an opening again.
pub fn just_acted(record: &Record, by: &str, now: u64) -> bool {
    record.events.last().is_some_and(|e| {
        e.by == by
            && epoch_of(&e.at)
                .is_some_and(|at| (0..=SHOWN_AFTER_ACTION).contains(&(now as i64 - at)))
    })
}

/// Who opened a case, and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Opened {
    pub at: String,
    pub by: String,
}

/// One update: what it sets and removes besides the version and the log.
#[derive(Default)]
struct Parts {
    sets: Vec<String>,
    removes: Vec<String>,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Parts {
    fn set(&mut self, name: &str, attr: &str, value: AttributeValue) {
        self.sets.push(format!("#{name} = :{name}"));
        self.names.insert(format!("#{name}"), attr.to_string());
        self.values.insert(format!(":{name}"), value);
    }
    fn remove(&mut self, name: &str, attr: &str) {
        self.removes.push(format!("#{name}"));
        self.names.insert(format!("#{name}"), attr.to_string());
    }
}

/// No e-mail for an action the beneficiary does not hear of.
fn no_mails(_: &Record, _: u64) -> Vec<TransactWriteItem> {
    Vec::new()
}

/// Whether a transaction was cancelled because its first action's condition failed.
pub(super) fn first_condition_failed(err: &SdkError<TransactWriteItemsError>) -> bool {
    let Some(TransactWriteItemsError::TransactionCanceledException(c)) = err.as_service_error()
    else {
        return false;
    };
    c.cancellation_reasons()
        .first()
        .and_then(|r| r.code())
        .is_some_and(|code| code == "ConditionalCheckFailed")
}

fn conditional_failed(e: &SdkError<UpdateItemError>) -> bool {
    matches!(
        e.as_service_error(),
        Some(UpdateItemError::ConditionalCheckFailedException(_))
    )
}

impl Staff {
    /// Applies `parts` and logs `event` on the case `code`, if it is still at `seen` (any version
    /// when `None`). `mails` gives the outbox items to write in the same transaction, from the
    /// case as read and its version after the change (none for most actions).
    async fn act(
        &self,
        code: &str,
        seen: Option<u64>,
        event: Event,
        mut parts: Parts,
        mails: impl FnOnce(&Record, u64) -> Vec<TransactWriteItem>,
    ) -> Result<Record, ActionError> {
        let record = self.show(code).await?;
        if let Some(seen) = seen
            && seen != record.version
        {
            return Err(ActionError::Stale {
                seen,
                now: record.version,
            });
        }
        let read = seen.unwrap_or(record.version);
        parts
            .sets
            .push("#events = list_append(if_not_exists(#events, :empty), :event)".into());
        parts.names.insert("#events".into(), EVENTS.into());
        parts
            .values
            .insert(":event".into(), AttributeValue::L(vec![event_attr(&event)]));
        parts
            .values
            .insert(":empty".into(), AttributeValue::L(Vec::new()));
        parts
            .values
            .insert(":one".into(), AttributeValue::N("1".into()));
        parts
            .values
            .insert(":now".into(), AttributeValue::N(now_epoch().to_string()));
        parts
            .values
            .insert(":read".into(), AttributeValue::N(read.to_string()));
        parts.names.insert("#pk".into(), PK.into());
        parts.names.insert("#ttl".into(), TTL.into());
        parts.names.insert("#ver".into(), table::VERSION.into());
        let mut expr = format!("ADD #ver :one SET {}", parts.sets.join(", "));
        if !parts.removes.is_empty() {
            expr.push_str(&format!(" REMOVE {}", parts.removes.join(", ")));
        }
        let version_holds = if read == 0 {
            "(attribute_not_exists(#ver) OR #ver = :read)"
        } else {
            "#ver = :read"
        };
        let condition = format!("attribute_exists(#pk) AND #ttl > :now AND {version_holds}");
        let mails = mails(&record, read + 1);
        if mails.is_empty() {
            let out = self
                .client
                .update_item()
                .table_name(&self.table)
                .key(PK, AttributeValue::S(table::submission_pk(code)))
                .key(SK, AttributeValue::S(table::SK_SUBMISSION.to_string()))
                .update_expression(expr)
                .condition_expression(condition)
                .set_expression_attribute_names(Some(parts.names))
                .set_expression_attribute_values(Some(parts.values))
                .return_values(ReturnValue::AllNew)
                .send()
                .await;
            return match out {
                Ok(out) => out.attributes().and_then(Record::from_item).ok_or_else(|| {
                    StaffError("the case was changed but could not be read back".to_string()).into()
                }),
                Err(e) if conditional_failed(&e) => {
                    let now = self.show(code).await?.version;
                    Err(ActionError::Stale { seen: read, now })
                }
                Err(e) => Err(sdk_error("the case was not changed", e).into()),
            };
        }
        // With e-mails: the change and its e-mails are written together, or neither is.
        let update = Update::builder()
            .table_name(&self.table)
            .key(PK, AttributeValue::S(table::submission_pk(code)))
            .key(SK, AttributeValue::S(table::SK_SUBMISSION.to_string()))
            .update_expression(expr)
            .condition_expression(condition)
            .set_expression_attribute_names(Some(parts.names))
            .set_expression_attribute_values(Some(parts.values))
            .build()
            .map_err(|e| StaffError(format!("the case was not changed: {e}")))?;
        let out = self
            .client
            .transact_write_items()
            .set_transact_items(Some(
                std::iter::once(TransactWriteItem::builder().update(update).build())
                    .chain(mails)
                    .collect(),
            ))
            .send()
            .await;
        match out {
            Ok(_) => Ok(self.show(code).await?),
            Err(e) if first_condition_failed(&e) => {
                let now = self.show(code).await?.version;
                Err(ActionError::Stale { seen: read, now })
            }
            Err(e) => Err(sdk_error("the case was not changed", e).into()),
        }
    }

    /// Sets a case's status and adds it to the history the beneficiary sees. `message` replaces
    /// the message shown on follow-up; `None` keeps the one there, an empty text removes it.
    pub async fn set_status(
        &self,
        code: &str,
        status: Status,
        message: Option<&str>,
        seen: Option<u64>,
        by: &str,
    ) -> Result<Record, ActionError> {
        let record = self.show(code).await?;
        let kind = self.kind_of(&record);
        if !status.applies_to(kind) {
            let names: Vec<_> = Status::for_kind(kind).iter().map(|s| s.as_str()).collect();
            return Err(StaffError(format!(
                "status {status} does not apply to a submission of form {:?} (kind {kind:?}): use one of {}",
                record.form,
                names.join(", ")
            ))
            .into());
        }
        let form = record.form;
        let at = now_rfc3339();
        let message = message.map(str::trim);
        let change = Change {
            status,
            at: at.clone(),
            message: message.filter(|m| !m.is_empty()).map(str::to_string),
            by: Some(by.to_string()),
        };
        let mut parts = Parts::default();
        parts.set(
            "status",
            "status",
            AttributeValue::S(status.as_str().to_string()),
        );
        parts.set("updated", "updated_at", AttributeValue::S(at.clone()));
        parts.set(
            "gsi",
            GSI_PK,
            AttributeValue::S(table::gsi_pk(&form, status)),
        );
        parts
            .sets
            .push("#history = list_append(if_not_exists(#history, :empty), :change)".into());
        parts.names.insert("#history".into(), "history".into());
        parts.values.insert(
            ":change".into(),
            AttributeValue::L(vec![history_entry(&change)]),
        );
        match message {
            Some("") => parts.remove("message", "message"),
            Some(m) => parts.set("message", "message", AttributeValue::S(m.to_string())),
            None => {}
        }
        let event = Event {
            kind: "status".into(),
            at,
            by: by.to_string(),
            to: None,
            text: Some(status.as_str().to_string()),
        };
        let shown = message.filter(|m| !m.is_empty());
        let mails = |record: &Record, version: u64| match self.content.form(&record.form) {
            Some(form) => crate::outbox::status_change_puts(
                &self.table,
                &self.mailer,
                form,
                record,
                version,
                status,
                shown,
            ),
            None => Vec::new(),
        };
        self.act(code, seen, event, parts, mails).await
    }

    /// Assigns the case to `to` (a staff member's e-mail), or refers it (`refer`: handed to the
    /// official responsible), with an optional note.
    pub async fn assign(
        &self,
        code: &str,
        to: &str,
        refer: bool,
        note: Option<&str>,
        seen: Option<u64>,
        by: &str,
    ) -> Result<Record, ActionError> {
        let to = to.trim();
        if to.is_empty() {
            return Err(StaffError("say whom to assign the case to".to_string()).into());
        }
        let mut parts = Parts::default();
        parts.set("assignee", ASSIGNEE, AttributeValue::S(to.to_string()));
        let event = Event {
            kind: if refer { "refer" } else { "assign" }.into(),
            at: now_rfc3339(),
            by: by.to_string(),
            to: Some(to.to_string()),
            text: note
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string),
        };
        self.act(code, seen, event, parts, no_mails).await
    }

    /// Adds an internal note (never shown to the beneficiary).
    pub async fn note(
        &self,
        code: &str,
        text: &str,
        seen: Option<u64>,
        by: &str,
    ) -> Result<Record, ActionError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StaffError("the note is empty".to_string()).into());
        }
        let event = Event {
            kind: "note".into(),
            at: now_rfc3339(),
            by: by.to_string(),
            to: None,
            text: Some(text.to_string()),
        };
        self.act(code, seen, event, Parts::default(), no_mails)
            .await
    }

    /// Records that the case's data was checked against the official documents, by whom and when.
    pub async fn mark_checked(
        &self,
        code: &str,
        seen: Option<u64>,
        by: &str,
    ) -> Result<Record, ActionError> {
        let event = Event {
            kind: "checked".into(),
            at: now_rfc3339(),
            by: by.to_string(),
            to: None,
            text: None,
        };
        let mut parts = Parts::default();
        parts.set("checked", CHECKED, event_attr(&event));
        self.act(code, seen, event, parts, no_mails).await
    }

    /// Records that `by` opened the case `record` now.
    pub async fn record_opened(&self, record: &Record, by: &str) -> Result<(), StaffError> {
        let at = now_rfc3339();
        let item = HashMap::from([
            (
                PK.to_string(),
                AttributeValue::S(format!("{OPENED_PREFIX}{}", record.code)),
            ),
            (
                SK.to_string(),
                AttributeValue::S(format!("{at}#{by}#{}", crate::code::new_code())),
            ),
            ("at".to_string(), AttributeValue::S(at)),
            ("by".to_string(), AttributeValue::S(by.to_string())),
            (
                TTL.to_string(),
                AttributeValue::N(record.expires_at.to_string()),
            ),
        ]);
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| sdk_error("the opening was not recorded", e))
    }

    /// Who opened the case `code`, latest first (at most `limit`).
    pub async fn openings(&self, code: &str, limit: i32) -> Result<Vec<Opened>, StaffError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":pk", AttributeValue::S(format!("{OPENED_PREFIX}{code}")))
            .scan_index_forward(false)
            .limit(limit)
            .send()
            .await
            .map_err(|e| sdk_error("reading who opened the case failed", e))?;
        Ok(out
            .items()
            .iter()
            .filter_map(|i| {
                let text = |k: &str| i.get(k).and_then(|v| v.as_s().ok()).cloned();
                Some(Opened {
                    at: text("at")?,
                    by: text("by")?,
                })
            })
            .collect())
    }
}
