//! Every DynamoDB call the service makes, over `aws-sdk-dynamodb`; the table's design is in
//! [`crate::table`]. The endpoint decides whether this is DynamoDB or a compatible local server.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem};
use forms::{FormDef, Status, Submission, Value};

use crate::code::new_code;
use crate::table::{self, GSI_PK, GSI_SK, Item, PK, SK, TTL};

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
}

/// One status change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub status: Status,
    /// RFC 3339.
    pub at: String,
    pub message: Option<String>,
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

/// Seconds since 1970.
pub fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Now, in RFC 3339 (UTC, whole seconds).
pub fn now_rfc3339() -> String {
    aws_sdk_dynamodb::primitives::DateTime::from_secs(now_epoch() as i64)
        .fmt(aws_sdk_dynamodb::primitives::DateTimeFormat::DateTime)
        .expect("a time after 1970 formats")
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: u64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn get_s(item: &Item, name: &str) -> Option<String> {
    item.get(name)?.as_s().ok().cloned()
}

fn get_n(item: &Item, name: &str) -> Option<u64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

/// The attribute a value is stored as.
pub fn value_attr(v: &Value) -> AttributeValue {
    match v {
        Value::One(x) => s(x.clone()),
        Value::Many(xs) => AttributeValue::L(xs.iter().map(|x| s(x.clone())).collect()),
    }
}

fn change_attr(c: &Change) -> AttributeValue {
    let mut m = std::collections::HashMap::new();
    m.insert("status".to_string(), s(c.status.as_str()));
    m.insert("at".to_string(), s(c.at.clone()));
    if let Some(msg) = &c.message {
        m.insert("message".to_string(), s(msg.clone()));
    }
    AttributeValue::M(m)
}

/// The attribute of one history entry, for the staff command's status change.
pub fn history_entry(c: &Change) -> AttributeValue {
    change_attr(c)
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
        })
    }
}

/// How a failed follow-up is counted: per client address and per code, in windows of this length.
pub const TRY_WINDOW: Duration = Duration::from_secs(15 * 60);

/// A scope of failed follow-ups: one client address, or one code.
#[derive(Debug, Clone, Copy)]
pub enum TryScope<'a> {
    Client(&'a str),
    Code(&'a str),
}

impl TryScope<'_> {
    fn pk(&self, window_start: u64) -> String {
        match self {
            TryScope::Client(ip) => format!("TRY#ip#{}#{window_start}", digest_full(ip)),
            TryScope::Code(code) => format!("TRY#code#{}#{window_start}", digest_full(code)),
        }
    }
}

fn digest_full(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The start of the follow-up counting window that `now` is in, and the seconds until it ends.
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

/// The service's view of the table.
#[derive(Debug, Clone)]
pub struct Store {
    client: Client,
    table: String,
}

impl Store {
    /// A store over `client` and `table`.
    pub fn new(client: Client, table: impl Into<String>) -> Store {
        Store {
            client,
            table: table.into(),
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
        let expires_at = now + u64::from(new.form.retention_days) * 86_400;
        let (key, window) = &new.idempotency;
        for _ in 0..5 {
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
                AttributeValue::L(vec![change_attr(&Change {
                    status: Status::Received,
                    at: new.received_at.clone(),
                    message: None,
                })]),
            );
            item.insert(
                GSI_PK.to_string(),
                s(table::gsi_pk(&new.form.id, Status::Received)),
            );
            item.insert(
                GSI_SK.to_string(),
                s(table::gsi_sk(&new.received_at, &code)),
            );
            item.insert(TTL.to_string(), n(expires_at));
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
                    let failed = |i: usize| {
                        c.cancellation_reasons()
                            .get(i)
                            .and_then(|r| r.code())
                            .is_some_and(|code| code == "ConditionalCheckFailed")
                    };
                    if failed(1) {
                        // An identical request got there first: answer with its receipt.
                        if let Some(r) = self.find_repeat(key).await? {
                            return Ok(Saved::Repeat(r));
                        }
                        continue;
                    }
                    if failed(0) {
                        // The code was taken: draw another.
                        continue;
                    }
                    return Err(unavailable(SdkError::ServiceError(e)));
                }
                Err(e) => return Err(unavailable(e)),
            }
        }
        Err(Unavailable("no free code after five draws".to_string()))
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

    /// The failed follow-ups counted in the current window for each scope.
    pub async fn failures(&self, scopes: &[TryScope<'_>]) -> Result<Vec<u64>, Unavailable> {
        let (start, _) = try_window(now_epoch());
        let mut counts = Vec::with_capacity(scopes.len());
        for scope in scopes {
            let out = self
                .client
                .get_item()
                .table_name(&self.table)
                .key(PK, s(scope.pk(start)))
                .key(SK, s(table::SK_TRY))
                .consistent_read(true)
                .send()
                .await
                .map_err(unavailable)?;
            counts.push(out.item().and_then(|i| get_n(i, "count")).unwrap_or(0));
        }
        Ok(counts)
    }

    /// Counts one failed follow-up in each scope.
    pub async fn count_failure(&self, scopes: &[TryScope<'_>]) -> Result<(), Unavailable> {
        let (start, _) = try_window(now_epoch());
        let expires = start + 2 * TRY_WINDOW.as_secs();
        for scope in scopes {
            self.client
                .update_item()
                .table_name(&self.table)
                .key(PK, s(scope.pk(start)))
                .key(SK, s(table::SK_TRY))
                .update_expression("ADD #count :one SET #ttl = :exp")
                .expression_attribute_names("#count", "count")
                .expression_attribute_names("#ttl", TTL)
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":exp", n(expires))
                .return_values(ReturnValue::None)
                .send()
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }
}
