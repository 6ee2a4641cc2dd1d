//! The outbox: one item per e-mail to send, written in the same transaction as what it tells of
//! (a new submission, a status change), so that a stored submission or change always leads to its
//! e-mails, and delivered after the answer has been given: by the notifier from the table's stream
//! on AWS, by the local service's own drain locally ([`drain`]). Each item is sent at most once
//! (its `state` turns from `pending` to `sent` with a conditional update after the mail service
//! accepted it) and at least once overall (an item not marked sent is tried again).
//!
//! The item (see [`crate::table`]): `pk` = `OUT#{code}`, `sk` = `OUT#{seq:06}#{kind}` where `seq`
//! is 0 for a new submission and the submission's version after a status change.

use std::path::PathBuf;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};

use crate::mail::{Kind, Mail, mime};
use crate::table::{GSI, GSI_PK, GSI_SK, Item, PK, SK, TTL, s};

/// The start of an outbox item's partition key.
pub const PREFIX: &str = "OUT#";
/// The index partition key of the items not sent yet (absent once sent: a sparse index).
pub const PENDING: &str = "outbox#pending";
/// Days an outbox item is kept after it was written (it holds addresses and the e-mail's text).
pub const KEEP_DAYS: u64 = 30;

/// The outbox item's partition key for a submission's code.
pub fn pk(code: &str) -> String {
    format!("{PREFIX}{code}")
}

/// The sort key of an e-mail of a submission: `seq` 0 when it arrived, its version after a change.
pub fn sk(seq: u64, kind: Kind) -> String {
    format!("OUT#{seq:06}#{}", kind.as_str())
}

/// The puts that record `mails` for the submission `code` (each only if not there yet), to add to
/// the transaction that stores the submission or its change.
pub fn puts(
    table_name: &str,
    code: &str,
    seq: u64,
    mails: &[Mail],
    now: u64,
) -> Vec<TransactWriteItem> {
    mails
        .iter()
        .map(|mail| {
            let sk = sk(seq, mail.kind);
            let created = crate::clock::now_rfc3339();
            let item: Item = [
                (PK, s(pk(code))),
                (SK, s(sk.clone())),
                ("type", s("outbox")),
                ("kind", s(mail.kind.as_str())),
                ("code", s(code)),
                (
                    "to",
                    AttributeValue::L(mail.to.iter().map(|t| s(t.clone())).collect()),
                ),
                ("subject", s(mail.subject.clone())),
                ("text", s(mail.text.clone())),
                ("html", s(mail.html.clone())),
                ("state", s("pending")),
                ("created_at", s(created.clone())),
                ("created", AttributeValue::N(now.to_string())),
                (GSI_PK, s(PENDING)),
                (GSI_SK, s(format!("{created}#{code}#{sk}"))),
                (
                    TTL,
                    AttributeValue::N((now + KEEP_DAYS * 86_400).to_string()),
                ),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            let put = Put::builder()
                .table_name(table_name)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(#pk)")
                .expression_attribute_names("#pk", PK)
                .build()
                .expect("table and item are set");
            TransactWriteItem::builder().put(put).build()
        })
        .collect()
}

/// The outbox item that tells the beneficiary of `record`'s change to `status` (none when they
/// gave no e-mail address or the site sends none), to add to the change's transaction; `version`
/// is the submission's version after the change.
pub fn status_change_puts(
    table_name: &str,
    mailer: &crate::mail::Mailer,
    form: &forms::FormDef,
    record: &crate::record::Record,
    version: u64,
    status: forms::Status,
    message: Option<&str>,
) -> Vec<TransactWriteItem> {
    match mailer.status_change(form, &record.code, status, message, &record.values) {
        Ok(Some(mail)) => puts(
            table_name,
            &record.code,
            version,
            &[mail],
            crate::clock::now_epoch(),
        ),
        Ok(None) => Vec::new(),
        Err(err) => {
            tracing::error!(form = %form.id, error = %err, "e-mail not recorded");
            Vec::new()
        }
    }
}

/// The deletes of a submission's outbox items (sent or not: they hold its addresses and the
/// e-mails' text), to add to its erasure's transaction.
pub async fn deletes_for(
    client: &Client,
    table_name: &str,
    code: &str,
) -> Result<Vec<TransactWriteItem>, OutboxError> {
    let out = client
        .query()
        .table_name(table_name)
        .key_condition_expression("#pk = :pk")
        .expression_attribute_names("#pk", PK)
        .expression_attribute_values(":pk", s(pk(code)))
        .projection_expression("#pk, #sk")
        .expression_attribute_names("#sk", SK)
        .send()
        .await
        .map_err(table_error)?;
    Ok(out
        .items()
        .iter()
        .filter_map(|item| {
            let delete = aws_sdk_dynamodb::types::Delete::builder()
                .table_name(table_name)
                .key(PK, item.get(PK)?.clone())
                .key(SK, item.get(SK)?.clone())
                .build()
                .ok()?;
            Some(TransactWriteItem::builder().delete(delete).build())
        })
        .collect())
}

/// An outbox item as read back (from the table or from the stream's new image).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub pk: String,
    pub sk: String,
    pub code: String,
    pub mail: Mail,
    /// Epoch seconds when it was written.
    pub created: u64,
    pub pending: bool,
}

impl Entry {
    /// Reads an outbox item; `None` for any other item.
    pub fn from_item(item: &Item) -> Option<Entry> {
        let get = |k: &str| item.get(k)?.as_s().ok().cloned();
        let pk = get(PK)?;
        if !pk.starts_with(PREFIX) {
            return None;
        }
        Some(Entry {
            sk: get(SK)?,
            code: get("code")?,
            mail: Mail {
                kind: Kind::parse(&get("kind")?)?,
                to: item
                    .get("to")?
                    .as_l()
                    .ok()?
                    .iter()
                    .filter_map(|t| t.as_s().ok().cloned())
                    .collect(),
                subject: get("subject")?,
                text: get("text")?,
                html: get("html")?,
            },
            created: item
                .get("created")
                .and_then(|n| n.as_n().ok())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0),
            pending: get("state").as_deref() == Some("pending"),
            pk,
        })
    }

    /// The `Message-ID`'s left part: the same for every try of this item.
    pub fn message_id(&self) -> String {
        format!("{}.{}", self.code, self.sk.replace('#', "."))
    }
}

/// An SES v2 client with the store's short timeouts and retries; `endpoint` replaces AWS's (moto in
/// tests: a loopback endpoint gets placeholder credentials, as [`crate::table::client`] does).
pub async fn ses_client(endpoint: Option<&str>) -> aws_sdk_sesv2::Client {
    let mut loader = crate::https::sdk_defaults().timeout_config(
        aws_config::timeout::TimeoutConfig::builder()
            .connect_timeout(crate::table::CONNECT_TIMEOUT)
            .operation_timeout(std::time::Duration::from_secs(10))
            .build(),
    );
    if let Some(url) = endpoint {
        loader = loader.endpoint_url(url);
        if crate::table::is_loopback(url) {
            loader = loader
                .credentials_provider(aws_sdk_sesv2::config::Credentials::new(
                    "local", "local", None, None, "local",
                ))
                .region(aws_sdk_sesv2::config::Region::new("me-south-1"));
        }
    }
    aws_sdk_sesv2::Client::new(&loader.load().await)
}

/// Where e-mails go: [`Files`] locally, [`Ses`] on AWS. A trait, not an enum, so that a program
/// links only the senders it makes: the service's Lambda never sends (the notifier does) and so
/// carries no SES client.
pub trait Sender: Sync {
    /// Whether e-mails are written as files (the local drain prints where).
    const FILES: bool = false;

    /// Sends one e-mail; returns where it went (a file path, or the mail service's message id).
    fn send(
        &self,
        entry: &Entry,
        from: &(String, String),
    ) -> impl std::future::Future<Output = Result<String, SendError>> + Send;
}

/// Locally: one `.eml` file per e-mail in this folder.
pub struct Files(pub PathBuf);

/// Amazon SES v2 (or a compatible endpoint).
pub struct Ses(pub aws_sdk_sesv2::Client);

/// Why an e-mail was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later (the service unreachable, throttled, failing).
    #[error("not sent, to try again: {0}")]
    Again(String),
    /// The mail service refuses it for good (an address on the suppression list, a rejected
    /// message): trying again would be refused again.
    #[error("refused for good: {0}")]
    Refused(String),
}

impl Sender for Files {
    const FILES: bool = true;

    async fn send(&self, entry: &Entry, from: &(String, String)) -> Result<String, SendError> {
        let raw = mime(&entry.mail, from, &entry.message_id(), entry.created);
        let dir = &self.0;
        std::fs::create_dir_all(dir).map_err(|e| SendError::Again(e.to_string()))?;
        let path = dir.join(format!("{}.eml", entry.message_id()));
        std::fs::write(&path, raw).map_err(|e| SendError::Again(e.to_string()))?;
        Ok(path.display().to_string())
    }
}

impl Sender for Ses {
    async fn send(&self, entry: &Entry, from: &(String, String)) -> Result<String, SendError> {
        let raw = mime(&entry.mail, from, &entry.message_id(), entry.created);
        let client = &self.0;
        use aws_sdk_sesv2::operation::send_email::SendEmailError;
        use aws_sdk_sesv2::primitives::Blob;
        use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
        let content = EmailContent::builder()
            .raw(
                RawMessage::builder()
                    .data(Blob::new(raw))
                    .build()
                    .expect("data is set"),
            )
            .build();
        let sent = client
            .send_email()
            .from_email_address(&from.1)
            .destination(
                Destination::builder()
                    .set_to_addresses(Some(entry.mail.to.clone()))
                    .build(),
            )
            .content(content)
            .send()
            .await;
        match sent {
            Ok(out) => Ok(out.message_id().unwrap_or_default().to_string()),
            Err(SdkError::ServiceError(e)) => {
                // An address on the account's suppression list is accepted and dropped by
                // SES itself; a message it rejects would be rejected again.
                let refused = matches!(
                    e.err(),
                    SendEmailError::MessageRejected(_)
                        | SendEmailError::MailFromDomainNotVerifiedException(_)
                        | SendEmailError::BadRequestException(_)
                        | SendEmailError::NotFoundException(_)
                );
                let what = format!("{:?}", e.err().meta().code());
                if refused {
                    Err(SendError::Refused(what))
                } else {
                    Err(SendError::Again(what))
                }
            }
            Err(e) => Err(SendError::Again(
                aws_sdk_sesv2::error::DisplayErrorContext(&e).to_string(),
            )),
        }
    }
}

/// The outbox in the table.
#[derive(Clone)]
pub struct Outbox {
    client: Client,
    table: String,
}

/// What became of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// Accepted by the mail service (or written), and marked sent now.
    Sent(String),
    /// Another delivery had marked it sent already (or it is no longer pending).
    Already,
    /// Refused for good by the mail service (a rejected message): set aside, not tried again.
    SetAside,
}

/// An error of the table.
#[derive(Debug, thiserror::Error)]
#[error("outbox: {0}")]
pub struct OutboxError(String);

fn table_error<E: std::error::Error + 'static>(e: SdkError<E>) -> OutboxError {
    OutboxError(aws_sdk_dynamodb::error::DisplayErrorContext(&e).to_string())
}

impl Outbox {
    /// The outbox of `table` at `client`.
    pub fn new(client: Client, table: impl Into<String>) -> Outbox {
        Outbox {
            client,
            table: table.into(),
        }
    }

    /// The items not sent yet, oldest first (at most `limit`).
    pub async fn pending(&self, limit: i32) -> Result<Vec<Entry>, OutboxError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", GSI_PK)
            .expression_attribute_values(":pk", s(PENDING))
            .limit(limit)
            .send()
            .await
            .map_err(table_error)?;
        Ok(out.items().iter().filter_map(Entry::from_item).collect())
    }

    /// The item as it is now (a consistent read), `None` when gone.
    pub async fn get(&self, pk: &str, sk: &str) -> Result<Option<Entry>, OutboxError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(table_error)?;
        Ok(out.item().and_then(Entry::from_item))
    }

    /// Sets the item's state from pending to `state`, only if it is still pending; false when it
    /// was not (another delivery got there first).
    async fn settle(&self, entry: &Entry, state: &str, note: &str) -> Result<bool, OutboxError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(&entry.pk))
            .key(SK, s(&entry.sk))
            .update_expression("SET #state = :state, #at = :at, #note = :note REMOVE #gpk, #gsk")
            .condition_expression("#state = :pending")
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#at", "settled_at")
            .expression_attribute_names("#note", "note")
            .expression_attribute_names("#gpk", GSI_PK)
            .expression_attribute_names("#gsk", GSI_SK)
            .expression_attribute_values(":state", s(state))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":at", s(crate::clock::now_rfc3339()))
            .expression_attribute_values(":note", s(note))
            .send()
            .await;
        match out {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(false)
            }
            Err(e) => Err(table_error(e)),
        }
    }

    /// Counts a failed try (the item's `attempts`); returns the tries so far.
    async fn count_attempt(&self, entry: &Entry) -> Result<u64, OutboxError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(&entry.pk))
            .key(SK, s(&entry.sk))
            .update_expression("ADD #n :one")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#n", "attempts")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(table_error)?;
        Ok(out
            .attributes()
            .and_then(|a| a.get("attempts"))
            .and_then(|n| n.as_n().ok())
            .and_then(|n| n.parse().ok())
            .unwrap_or(1))
    }

    /// Delivers one item unless it has been delivered: reads it (so an item already sent is not
    /// sent again), sends it, then marks it sent. An error means: try again later.
    pub async fn deliver<S: Sender>(
        &self,
        entry: &Entry,
        sender: &S,
        from: &(String, String),
    ) -> Result<Delivered, OutboxError> {
        match self.get(&entry.pk, &entry.sk).await? {
            Some(now) if now.pending => {}
            _ => return Ok(Delivered::Already),
        }
        match sender.send(entry, from).await {
            Ok(where_to) => {
                if self.settle(entry, "sent", &where_to).await? {
                    Ok(Delivered::Sent(where_to))
                } else {
                    Ok(Delivered::Already)
                }
            }
            Err(SendError::Refused(why)) => {
                self.settle(entry, "refused", &why).await?;
                Ok(Delivered::SetAside)
            }
            Err(SendError::Again(why)) => {
                // Counted, never given up on: a mail service down for hours loses nothing. On AWS
                // a record still failing after a day goes to the failure queue (an alarm), and
                // the item stays pending for `form-fn-notifier drain`.
                self.count_attempt(entry).await?;
                Err(OutboxError(format!("not sent: {why}")))
            }
        }
    }
}

/// Delivers every pending item once (locally, after each answer and on a timer); returns how many
/// were sent now. Paths are printed; addresses and contents never are.
pub async fn drain<S: Sender>(
    outbox: &Outbox,
    sender: &S,
    from: &(String, String),
) -> Result<usize, OutboxError> {
    let mut sent = 0;
    for entry in outbox.pending(100).await? {
        match outbox.deliver(&entry, sender, from).await {
            Ok(Delivered::Sent(where_to)) => {
                sent += 1;
                tracing::info!(kind = entry.mail.kind.as_str(), to = %where_to, "e-mail sent");
                if S::FILES {
                    eprintln!("form-fn: e-mail written to {where_to}");
                }
            }
            Ok(Delivered::Already) => {}
            Ok(Delivered::SetAside) => {
                tracing::warn!(kind = entry.mail.kind.as_str(), "e-mail set aside");
            }
            Err(e) => {
                tracing::warn!(kind = entry.mail.kind.as_str(), error = %e, "e-mail not sent yet")
            }
        }
    }
    Ok(sent)
}

/// How often the local drain looks at the outbox when no submission woke it (items a failing
/// delivery left, status changes made by the staff command).
pub const DRAIN_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

/// The local service's delivery: drains the outbox when `wake` is told (after each stored
/// submission) and every [`DRAIN_EVERY`], for as long as the service runs.
pub async fn drain_on<S: Sender>(
    outbox: Outbox,
    sender: S,
    from: (String, String),
    wake: std::sync::Arc<tokio::sync::Notify>,
) {
    loop {
        if let Err(e) = drain(&outbox, &sender, &from).await {
            tracing::warn!(error = %e, "outbox not read");
        }
        let _ = tokio::time::timeout(DRAIN_EVERY, wake.notified()).await;
    }
}
