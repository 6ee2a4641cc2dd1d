//! Every DynamoDB call the service makes, over `aws-sdk-dynamodb`; the table's design is in
//! [`crate::table`]. The endpoint decides whether this is DynamoDB or a compatible local server.

use std::time::Duration;

use tokio::time::Instant;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    AttributeValue, CancellationReason, Put, ReturnValue, TransactWriteItem,
};
use forms::{FormDef, Status, Submission};

use crate::client::ClientKey;
use crate::clock::now_epoch;
use crate::code::new_code;
use crate::record::{
    CHANNEL, CONTACTS, Change, EVENTS, Event, Record, channel_name, event_attr, history_entry,
    value_attr,
};
use crate::table::{self, GSI_PK, GSI_SK, OPERATION_TIMEOUT, PK, SK, TTL, get_n, get_s, n, s};

/// Time kept free after a write's [`OPERATION_TIMEOUT`] for answering the request.
pub const WRITE_MARGIN: Duration = Duration::from_millis(500);

tokio::task_local! {
    /// When the request being answered must be answered by (set by the router's time limit).
    static DEADLINE: Instant;
}

/// Runs `fut` (a request's handling) with `deadline`, so that no write begins that could outlast
/// it.
pub async fn with_deadline<F: std::future::Future>(deadline: Instant, fut: F) -> F::Output {
    DEADLINE.scope(deadline, fut).await
}

/// Refuses to begin a write that could still be running when the request must be answered: the
/// request limit would answer "not saved" while the write might then commit.
fn time_for_a_write() -> Result<(), Unavailable> {
    let enough = DEADLINE
        .try_with(|d| Instant::now() + OPERATION_TIMEOUT + WRITE_MARGIN <= *d)
        .unwrap_or(true);
    if enough {
        Ok(())
    } else {
        Err(Unavailable("no time left for a write".to_string()))
    }
}

/// The store could not be reached or refused the write after the SDK's retries. The text is the
/// SDK's error kind, never the data.
#[derive(Debug, thiserror::Error)]
#[error("the store is unavailable: {0}")]
pub struct Unavailable(pub String);

fn unavailable<E: std::fmt::Debug>(err: SdkError<E>) -> Unavailable {
    let kind = match &err {
        SdkError::ConstructionFailure(_) => "construction failure".to_string(),
        SdkError::TimeoutError(_) => "timeout".to_string(),
        SdkError::DispatchFailure(_) => "dispatch failure (connection)".to_string(),
        SdkError::ResponseError(_) => "unreadable response".to_string(),
        SdkError::ServiceError(e) => format!("service error {:?}", e.raw().status()),
        _ => "other".to_string(),
    };
    Unavailable(kind)
}

/// What the sender is told a submission was stored as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The bare tracking code.
    pub code: String,
    /// RFC 3339.
    pub received_at: String,
    /// ISO date by which the policy promises an answer.
    pub expected_by: Option<String>,
}

/// Whether a submission was stored now or had been stored by an earlier identical request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    New(Receipt),
    Repeat(Receipt),
}

/// A submission to store.
#[derive(Debug)]
pub struct NewSubmission<'a> {
    pub form: &'a FormDef,
    pub answers: &'a Submission,
    /// Each contact given (phone, e-mail), in the form compared on follow-up
    /// ([`forms::Submission::contacts`]).
    pub contacts: Vec<String>,
    pub received_at: String,
    pub expected_by: Option<String>,
    /// The idempotency key (hex) and how long it holds.
    pub idempotency: (String, Duration),
    /// Caught by the spam trap: kept apart and briefly (see [`crate::table`]).
    pub spam: bool,
    /// Renders the e-mails recorded with it in the outbox (none for a trapped one).
    pub mailer: &'a crate::mail::Mailer,
    /// A survey answer given in an interview and entered by staff (`None` from the site).
    pub entered: Option<Entered<'a>>,
}

/// How a survey answer entered by staff came: its channel (stored apart from the answers, so
/// that no answer sent from the site can claim one) and who entered it (in the internal log).
#[derive(Debug, Clone, Copy)]
pub struct Entered<'a> {
    pub channel: forms::report::SurveyChannel,
    pub by: &'a str,
}

impl NewSubmission<'_> {
    /// The outbox items of this submission under `code`, for its transaction. A template that
    /// fails (the tests render each one) is logged and records none: the submission is still
    /// stored.
    fn outbox_puts(&self, table: &str, code: &str, now: u64) -> Vec<TransactWriteItem> {
        if self.spam {
            return Vec::new();
        }
        match self.mailer.new_submission(
            self.form,
            code,
            &self.received_at,
            self.expected_by.as_deref(),
            &self.answers.values,
        ) {
            Ok(mails) => crate::outbox::puts(table, code, 0, &mails, now),
            Err(err) => {
                tracing::error!(form = %self.form.id, error = %err, "e-mails not recorded");
                Vec::new()
            }
        }
    }
}

/// How attempts are counted: in windows of this length.
pub const TRY_WINDOW: Duration = Duration::from_secs(15 * 60);

/// What attempts are counted for: follow-ups from one client address or of one code, or new
/// submissions from one client address (the address as [`crate::client::Client::counted`] gives it).
#[derive(Debug, Clone, Copy)]
pub enum TryScope<'a> {
    Client(&'a str),
    Code(&'a str),
    Submissions(&'a str),
}

impl TryScope<'_> {
    fn pk(&self, key: &ClientKey, window_start: u64) -> String {
        let (kind, text) = match self {
            TryScope::Client(ip) => ("ip", ip),
            TryScope::Code(code) => ("code", code),
            TryScope::Submissions(ip) => ("sub", ip),
        };
        format!("TRY#{kind}#{}#{window_start}", key.digest(text))
    }
}

/// Whether an attempt may be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reserved {
    /// Counted: go ahead.
    Granted,
    /// A scope is at its limit: wait this many seconds (the rest of the window).
    Refused { retry_after: u64 },
}

/// The start of the counting window that `now` is in, and the seconds until it ends.
pub fn try_window(now: u64) -> (u64, u64) {
    let len = TRY_WINDOW.as_secs();
    let start = now - now % len;
    (start, start + len - now)
}

/// The puts of a new submission's lookup keys ([`crate::lookup`]), after its own two.
fn lookup_puts(
    table: &str,
    new: &NewSubmission<'_>,
    code: &str,
    expires_at: u64,
) -> Vec<TransactWriteItem> {
    crate::lookup::identifiers(Some(new.form), &new.answers.values, &new.contacts)
        .iter()
        .map(|id| {
            let put = Put::builder()
                .table_name(table)
                .set_item(Some(crate::lookup::item(
                    id,
                    code,
                    &new.form.id,
                    expires_at,
                )))
                .build()
                .expect("table and item are set");
            TransactWriteItem::builder().put(put).build()
        })
        .collect()
}

/// What a cancelled transaction's reasons say, item by item (the submission first, then its
/// idempotency key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancelled {
    /// The idempotency key exists: an identical request was stored first.
    KeyTaken,
    /// The code drawn exists: draw another.
    CodeTaken,
    /// Another transaction on the same item was under way (`TransactionConflict`): try again
    /// after a short random wait; the SDK does not retry this itself.
    Conflict,
    /// Anything else (throttling, validation): the store is unavailable.
    Other,
}

/// Reads a cancelled transaction's reasons.
pub fn cancelled(reasons: &[CancellationReason]) -> Cancelled {
    let code = |i: usize| reasons.get(i).and_then(|r| r.code()).unwrap_or("None");
    if code(1) == "ConditionalCheckFailed" {
        Cancelled::KeyTaken
    } else if (0..reasons.len()).any(|i| code(i) == "TransactionConflict") {
        Cancelled::Conflict
    } else if code(0) == "ConditionalCheckFailed" {
        Cancelled::CodeTaken
    } else {
        Cancelled::Other
    }
}

/// A random wait before trying a conflicting transaction again: 20 to 120 ms times the attempt.
fn jitter(attempt: u32) -> Duration {
    let mut b = [0u8; 1];
    let _ = getrandom::fill(&mut b);
    Duration::from_millis((20 + u64::from(b[0]) * 100 / 255) * u64::from(attempt.max(1)))
}

/// The service's view of the table.
#[derive(Debug, Clone)]
pub struct Store {
    client: Client,
    table: String,
    key: ClientKey,
}

impl Store {
    /// A store over `client` and `table`, hashing client addresses and codes with `key`.
    pub fn new(client: Client, table: impl Into<String>, key: ClientKey) -> Store {
        Store {
            client,
            table: table.into(),
            key,
        }
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Whether the table answers (one read of a key that never exists).
    pub async fn ping(&self) -> Result<(), Unavailable> {
        self.client
            .get_item()
            .table_name(&self.table)
            .key(PK, s("HEALTH"))
            .key(SK, s("HEALTH"))
            .send()
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    /// The receipt of the submission an idempotency key points at, while its window holds.
    pub async fn find_repeat(&self, key: &str) -> Result<Option<Receipt>, Unavailable> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(format!("IDEM#{key}")))
            .key(SK, s(table::SK_IDEMPOTENCY))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item().and_then(|item| {
            if get_n(item, TTL).is_some_and(|exp| exp <= now_epoch()) {
                return None;
            }
            Some(Receipt {
                code: get_s(item, "code")?,
                received_at: get_s(item, "received_at")?,
                expected_by: get_s(item, "expected_by"),
            })
        }))
    }

    /// Stores a submission and its idempotency key in one transaction. A new code is drawn if the
    /// one drawn exists already; if the key was written meanwhile by an identical request, that
    /// request's receipt is returned and nothing is written.
    pub async fn save(&self, new: &NewSubmission<'_>) -> Result<Saved, Unavailable> {
        let now = now_epoch();
        let days = if new.spam {
            table::SPAM_RETENTION_DAYS
        } else {
            new.form.retention_days
        };
        let expires_at = now + u64::from(days) * 86_400;
        let (key, window) = &new.idempotency;
        let mut conflicts = 0;
        for _ in 0..5 {
            time_for_a_write()?;
            let code = new_code();
            let mut item = std::collections::HashMap::new();
            item.insert(PK.to_string(), s(table::submission_pk(&code)));
            item.insert(SK.to_string(), s(table::SK_SUBMISSION));
            item.insert("type".to_string(), s("submission"));
            item.insert("form".to_string(), s(new.form.id.clone()));
            item.insert("status".to_string(), s(Status::Received.as_str()));
            item.insert("received_at".to_string(), s(new.received_at.clone()));
            item.insert("updated_at".to_string(), s(new.received_at.clone()));
            if let Some(e) = &new.expected_by {
                item.insert("expected_by".to_string(), s(e.clone()));
            }
            item.insert(
                "values".to_string(),
                AttributeValue::M(
                    new.answers
                        .values
                        .iter()
                        .map(|(k, v)| (k.clone(), value_attr(v)))
                        .collect(),
                ),
            );
            if !new.contacts.is_empty() {
                item.insert(
                    CONTACTS.to_string(),
                    AttributeValue::L(new.contacts.iter().map(|c| s(c.clone())).collect()),
                );
            }
            item.insert(
                "history".to_string(),
                AttributeValue::L(vec![history_entry(&Change {
                    status: Status::Received,
                    at: new.received_at.clone(),
                    message: None,
                    by: None,
                })]),
            );
            let gsi_pk = if new.spam {
                format!("{}#spam", new.form.id)
            } else {
                table::gsi_pk(&new.form.id, Status::Received)
            };
            item.insert(GSI_PK.to_string(), s(gsi_pk));
            if new.spam {
                item.insert("spam".to_string(), AttributeValue::Bool(true));
            }
            item.insert(
                GSI_SK.to_string(),
                s(table::gsi_sk(&new.received_at, &code)),
            );
            item.insert(TTL.to_string(), n(expires_at));
            if let Some(e) = &new.entered {
                item.insert(CHANNEL.to_string(), s(channel_name(e.channel)));
                item.insert(
                    EVENTS.to_string(),
                    AttributeValue::L(vec![event_attr(&Event {
                        kind: "interview".to_string(),
                        at: new.received_at.clone(),
                        by: e.by.to_string(),
                        to: None,
                        text: Some(channel_name(e.channel).to_string()),
                    })]),
                );
            }
            item.insert(table::IDEMPOTENCY_PK.to_string(), s(format!("IDEM#{key}")));

            let mut idem = std::collections::HashMap::new();
            idem.insert(PK.to_string(), s(format!("IDEM#{key}")));
            idem.insert(SK.to_string(), s(table::SK_IDEMPOTENCY));
            idem.insert("type".to_string(), s("idempotency"));
            idem.insert("code".to_string(), s(code.clone()));
            idem.insert("received_at".to_string(), s(new.received_at.clone()));
            if let Some(e) = &new.expected_by {
                idem.insert("expected_by".to_string(), s(e.clone()));
            }
            idem.insert(TTL.to_string(), n(now + window.as_secs()));

            let put_submission = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", PK)
                .build()
                .expect("table and item are set");
            let put_key = Put::builder()
                .table_name(&self.table)
                .set_item(Some(idem))
                .condition_expression("attribute_not_exists(#pk) OR #ttl <= :now")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#ttl", TTL)
                .expression_attribute_values(":now", n(now))
                .build()
                .expect("table and item are set");
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(
                    [
                        TransactWriteItem::builder().put(put_submission).build(),
                        TransactWriteItem::builder().put(put_key).build(),
                    ]
                    .into_iter()
                    .chain(lookup_puts(&self.table, new, &code, expires_at))
                    .chain(new.outbox_puts(&self.table, &code, now))
                    .collect(),
                ))
                .send()
                .await;
            match result {
                Ok(_) => {
                    return Ok(Saved::New(Receipt {
                        code,
                        received_at: new.received_at.clone(),
                        expected_by: new.expected_by.clone(),
                    }));
                }
                Err(SdkError::ServiceError(e)) => {
                    let TransactWriteItemsError::TransactionCanceledException(c) = e.err() else {
                        return Err(unavailable(SdkError::ServiceError(e)));
                    };
                    match cancelled(c.cancellation_reasons()) {
                        Cancelled::KeyTaken => {
                            // An identical request got there first: answer with its receipt.
                            if let Some(r) = self.find_repeat(key).await? {
                                return Ok(Saved::Repeat(r));
                            }
                        }
                        Cancelled::Conflict => {
                            // An identical request is being written at this moment: once it is,
                            // the next try finds its key.
                            conflicts += 1;
                            tokio::time::sleep(jitter(conflicts)).await;
                        }
                        Cancelled::CodeTaken => {}
                        Cancelled::Other => return Err(unavailable(SdkError::ServiceError(e))),
                    }
                }
                Err(e) => return Err(unavailable(e)),
            }
        }
        Err(Unavailable("not stored after five tries".to_string()))
    }

    /// The submission with this bare code, unless it has expired.
    pub async fn find(&self, code: &str) -> Result<Option<Record>, Unavailable> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(table::submission_pk(code)))
            .key(SK, s(table::SK_SUBMISSION))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out
            .item()
            .and_then(Record::from_item)
            .filter(|r| r.expires_at > now_epoch()))
    }

    /// Reserves one attempt in each scope, each held to its limit by one conditional update, so
    /// that parallel attempts cannot all pass. When a scope is at its limit, the attempts already
    /// reserved in the scopes before it are given back.
    pub async fn reserve(&self, scopes: &[(TryScope<'_>, u64)]) -> Result<Reserved, Unavailable> {
        let now = now_epoch();
        let (start, retry_after) = try_window(now);
        let expires = start + 2 * TRY_WINDOW.as_secs();
        for (i, (scope, limit)) in scopes.iter().enumerate() {
            time_for_a_write()?;
            let counted = self
                .client
                .update_item()
                .table_name(&self.table)
                .key(PK, s(scope.pk(&self.key, start)))
                .key(SK, s(table::SK_TRY))
                .update_expression("ADD #count :one SET #ttl = :exp")
                .condition_expression("attribute_not_exists(#count) OR #count < :max")
                .expression_attribute_names("#count", "count")
                .expression_attribute_names("#ttl", TTL)
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":exp", n(expires))
                .expression_attribute_values(":max", n(*limit))
                .return_values(ReturnValue::None)
                .send()
                .await;
            match counted {
                Ok(_) => {}
                Err(SdkError::ServiceError(e))
                    if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
                {
                    let granted: Vec<TryScope> = scopes[..i].iter().map(|(s, _)| *s).collect();
                    self.release(&granted).await;
                    return Ok(Reserved::Refused { retry_after });
                }
                Err(e) => return Err(unavailable(e)),
            }
        }
        Ok(Reserved::Granted)
    }

    /// Gives back an attempt reserved in each scope (a follow-up that found its request, so that
    /// checking one's own request often is never slowed). Best effort: a failure is only logged.
    pub async fn release(&self, scopes: &[TryScope<'_>]) {
        let (start, _) = try_window(now_epoch());
        for scope in scopes {
            if time_for_a_write().is_err() {
                return;
            }
            let given_back = self
                .client
                .update_item()
                .table_name(&self.table)
                .key(PK, s(scope.pk(&self.key, start)))
                .key(SK, s(table::SK_TRY))
                .update_expression("ADD #count :minus")
                .condition_expression("#count > :zero")
                .expression_attribute_names("#count", "count")
                .expression_attribute_values(":minus", AttributeValue::N("-1".to_string()))
                .expression_attribute_values(":zero", n(0))
                .send()
                .await;
            if let Err(e) = given_back {
                tracing::debug!(error = %unavailable(e), "an attempt was not given back");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(code: &str) -> CancellationReason {
        CancellationReason::builder().code(code).build()
    }

    #[test]
    fn cancellation_reasons_are_read_item_by_item() {
        let r = |a: &str, b: &str| cancelled(&[reason(a), reason(b)]);
        assert_eq!(r("None", "ConditionalCheckFailed"), Cancelled::KeyTaken);
        assert_eq!(r("ConditionalCheckFailed", "None"), Cancelled::CodeTaken);
        // DynamoDB cancels one of two overlapping transactions on the same key this way.
        assert_eq!(r("None", "TransactionConflict"), Cancelled::Conflict);
        assert_eq!(r("TransactionConflict", "None"), Cancelled::Conflict);
        assert_eq!(r("ThrottlingError", "None"), Cancelled::Other);
        assert_eq!(cancelled(&[]), Cancelled::Other);
    }

    #[test]
    fn conflict_waits_are_short_and_grow() {
        for attempt in 1..=4 {
            let wait = jitter(attempt);
            assert!(wait >= Duration::from_millis(20) * attempt);
            assert!(wait <= Duration::from_millis(120) * attempt);
        }
    }

    #[tokio::test]
    async fn no_write_begins_without_the_time_to_finish_it() {
        assert!(time_for_a_write().is_ok(), "outside a request: no limit");
        let soon = Instant::now() + OPERATION_TIMEOUT;
        assert!(
            with_deadline(soon, async { time_for_a_write() })
                .await
                .is_err()
        );
        let later = Instant::now() + OPERATION_TIMEOUT + WRITE_MARGIN * 2;
        assert!(
            with_deadline(later, async { time_for_a_write() })
                .await
                .is_ok()
        );
    }
}
