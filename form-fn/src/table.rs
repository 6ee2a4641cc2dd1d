//! The one DynamoDB table the service and the staff command use: its design, its names, how to
//! reach it, and how to create it where no infrastructure template does (locally and in tests).
//!
//! # Design
//!
//! Every item has a partition key `pk` and a sort key `sk` (both strings). The kinds of item:
//!
//! | item | `pk` | `sk` | other attributes |
//! | --- | --- | --- | --- |
//! | submission | `SUB#{code}` | `SUB` | `form`, `status`, `received_at`, `updated_at` (RFC 3339), `expected_by` (ISO date, when the form promises an answer), `values` (map: field → string, or list of strings for a multiple choice), `contacts` (list: each contact field's value given with it, normalised by `forms::normalise::contact` — phone in E.164, e-mail trimmed and in lower case — any of which opens the follow-up; items stored before it have one string `contact` instead, read the same way), `message` (the latest message from staff), `history` (list of `{status, at, message, by}`, `by` the staff member, absent before it was recorded), `assignee` (the staff member's e-mail), `checked` (`{kind, at, by}`: data checked against the documents), `events` (the internal log, never shown to the beneficiary: list of `{kind, at, by, to, text}`, `kind` one of `note`, `assign`, `refer`, `checked`, `status`), `idempotency_pk` (the `pk` of its idempotency key), `version` (number, absent = 0, one more at every staff change), `corrections` (list of `{field, at, by}`, never a value), `gsi1pk`, `gsi1sk`, `expires_at` |
//! | lookup key | `WHO#{sha-256 hex}` | `SUB#{code}` | `type` = `lookup`, `form`, `expires_at` (the submission's) |
//! | idempotency key | `IDEM#{sha-256 hex}` | `IDEM` | `code`, `received_at`, `expected_by`, `expires_at` (end of the window in which a repeat gets the same code) |
//! | attempt counter | `TRY#{scope}#{hmac hex}#{window start}` | `TRY` | `count`, `expires_at` |
//! | erasure record | `AUDIT#{code}` | `ERASED` | `type` = `audit`, `action` = `erase`, `form`, `code`, `at`, `by` (staff member), `reason`, `expires_at` |
//! | lookup keys complete | `META#lookup` | `META` | `at`: from then on every submission has its lookup keys |
//! | outbox item (one e-mail to send) | `OUT#{code}` | `OUT#{seq:06}#{kind}` | `type` = `outbox`, `kind` (`staff`, `receipt`, `status`, `digest`), `code`, `to` (list of addresses), `subject`, `text`, `html` (rendered when recorded), `state` (`pending`, then `sent`, or `refused` when the mail service rejects it for good), `created_at`, `created` (epoch seconds), `attempts`, `settled_at`, `note` (the mail service's message id or the file written; an error kind), `gsi1pk` = `outbox#pending` and `gsi1sk` = `{created_at}#{code}#{sk}` while pending, `expires_at` |
//! | staff session | `STAFF#{staff id}` | `SESS#{sha-256 hex of the session secret}` | `email`, `role`, `csrf`, `created`, `seen` (epoch seconds), `expires_at` (its absolute end) |
//! | case opened | `OPENED#{code}` | `{at}#{staff e-mail}#{random code}` | `at`, `by`, `expires_at` (the submission's) |
//!
//! A submission caught by the spam trap (its hidden field filled in) is stored like any other, with
//! `spam` = `true`, `gsi1pk` = `{form}#spam` (so it is in no list of open requests) and an
//! `expires_at` of [`SPAM_RETENTION_DAYS`] after it was received: a person whose browser filled the
//! trap in still has a record that staff can find by its code.
//!
//! An attempt counter counts, in one window of [`crate::store::TRY_WINDOW`], the attempts of one
//! scope: `ip` (follow-up lookups from one client address, an IPv6 address counted by its /64),
//! `code` (follow-up lookups of one code) or `sub` (new submissions from one client address). The
//! address or code is written only as an HMAC-SHA-256 under the service's secret
//! (`FORMS_CLIENT_KEY`). An attempt is reserved before it is made, with one conditional update
//! (`count < limit`), so parallel attempts cannot all pass the limit; a follow-up that finds its
//! request gives its attempts back.
//!
//! `{code}` is the bare tracking code (12 symbols of Crockford's base 32). A submission, its
//! idempotency key and its lookup keys are written in one transaction, the first two each with a
//! condition that it does not exist yet (an idempotency key whose window has passed counts as
//! absent), so a code is never overwritten and a repeat never makes a second record.
//!
//! **Lookup keys** ([`crate::lookup`]): one item per phone number, e-mail address and ID number a
//! submission holds, keyed by a SHA-256 of its normalised form, so a person's records are one query
//! per identifier (`pk = WHO#…`). Submissions stored before lookup keys existed have none: until
//! `form-fn-admin person index` has written them (and the item `META#lookup`), finding a person
//! also scans the table's submissions. A table created by [`create_if_missing`] starts complete.
//!
//! **Outbox** ([`crate::outbox`]): each e-mail a submission or a status change calls for is an
//! item written in the same transaction (`seq` 0 for a submission's, the submission's new version
//! for a status change's, so a change's e-mail is recorded once), with the condition that it does
//! not exist yet. The daily digest's item has the code `DIGEST{yyyymmdd}`. An item is delivered at
//! most once: it is marked `sent` with a condition that it is still `pending`, which also removes it
//! from the index; on AWS the table's stream (new images) brings each new pending item to the
//! notifier. It expires [`crate::outbox::KEEP_DAYS`] days after it was written (it holds addresses
//! and the e-mail's text), and an erasure deletes a submission's outbox items with it.
//!
//! **Index `gsi1`** (projection: all): `gsi1pk` = `{form}#{status}`, `gsi1sk` =
//! `{received_at}#{code}`. Staff list the submissions of one form in one status, oldest or newest
//! first, or since a date, with one query; open requests are the statuses received, under_review,
//! needs_info and accepted. A status change moves the item to its new `gsi1pk`. Only submissions
//! have `gsi1pk`.
//!
//! **TTL attribute `expires_at`** (epoch seconds): a submission's and its lookup keys' is its
//! received time plus its form's `retention_days` (a trapped one's, [`SPAM_RETENTION_DAYS`]); an
//! erasure record's is its time plus the form's `retention_days`; idempotency keys expire after
//! their window, attempt counters one window after theirs ends. DynamoDB deletes expired items
//! within days, so readers treat an item whose `expires_at` has passed as absent; the local store
//! sweeps them on a timer, and `form-fn-admin purge-expired` deletes them at once.
//!
//! **Erasure** deletes a submission, its lookup keys, its outbox items and its idempotency key in one transaction
//! with the erasure record, which holds no personal data: no value, no contact, no hash of one.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{Credentials, Region, retry::RetryConfig, timeout::TimeoutConfig};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};

/// The partition key.
pub const PK: &str = "pk";
/// The sort key.
pub const SK: &str = "sk";
/// The index staff list submissions with.
pub const GSI: &str = "gsi1";
/// The index's partition key: `{form}#{status}`.
pub const GSI_PK: &str = "gsi1pk";
/// The index's sort key: `{received_at}#{code}`.
pub const GSI_SK: &str = "gsi1sk";
/// The TTL attribute (epoch seconds).
pub const TTL: &str = "expires_at";

/// The sort key of a submission.
pub const SK_SUBMISSION: &str = "SUB";
/// The sort key of an idempotency key.
pub const SK_IDEMPOTENCY: &str = "IDEM";
/// The sort key of a failed follow-up counter.
pub const SK_TRY: &str = "TRY";

/// The start of a lookup key's partition key.
pub const LOOKUP_PREFIX: &str = "WHO#";
/// The start of an erasure record's partition key.
pub const AUDIT_PREFIX: &str = "AUDIT#";
/// The sort key of an erasure record.
pub const SK_ERASED: &str = "ERASED";
/// The partition key of the item saying every submission has its lookup keys.
pub const LOOKUP_COMPLETE_PK: &str = "META#lookup";
/// The sort key of a settings item.
pub const SK_META: &str = "META";

/// A submission's attribute naming its idempotency key's `pk`.
pub const IDEMPOTENCY_PK: &str = "idempotency_pk";
/// A submission's version: absent is 0; every staff change adds one.
pub const VERSION: &str = "version";
/// A submission's list of corrections by staff (`{field, at, by}`).
pub const CORRECTIONS: &str = "corrections";

/// The partition key of the submission with this bare code.
pub fn submission_pk(code: &str) -> String {
    format!("SUB#{code}")
}

/// The index partition key of a form's submissions in a status.
pub fn gsi_pk(form: &str, status: forms::Status) -> String {
    format!("{form}#{status}")
}

/// The index sort key of a submission.
pub fn gsi_sk(received_at: &str, code: &str) -> String {
    format!("{received_at}#{code}")
}

/// How long a connection to the store may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// How long one attempt of a store call may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
/// Attempts of one store call, the first included (the SDK's standard retries).
pub const MAX_ATTEMPTS: u32 = 3;
/// The first wait before a retry; it doubles up to [`MAX_BACKOFF`], with jitter.
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(50);
/// The longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_millis(300);
/// How long one store call may take in all, retries included. A write is begun only while the
/// request has this long left before its own limit (`router::REQUEST_TIMEOUT`), so the request
/// limit never cuts off a write that might still commit.
pub const OPERATION_TIMEOUT: Duration = Duration::from_millis(2500);

/// Days a submission caught by the spam trap is kept.
pub const SPAM_RETENTION_DAYS: u32 = 7;

/// A DynamoDB client with short timeouts and the SDK's standard retries with backoff, so that a
/// store that does not answer is reported within seconds. `endpoint` replaces AWS's (the embedded
/// local store, moto, DynamoDB Local); a loopback endpoint gets placeholder credentials, since such
/// servers check none, while any other uses the usual credential chain (the Lambda's role, or the
/// staff member's own profile).
pub async fn client(endpoint: Option<&str>) -> Client {
    let mut loader = crate::https::sdk_defaults()
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(MAX_ATTEMPTS)
                .with_initial_backoff(INITIAL_BACKOFF)
                .with_max_backoff(MAX_BACKOFF),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .operation_timeout(OPERATION_TIMEOUT)
                .build(),
        );
    if let Some(url) = endpoint {
        loader = loader.endpoint_url(url);
        if is_loopback(url) {
            loader = loader
                .credentials_provider(Credentials::new("local", "local", None, None, "local"))
                .region(Region::new("me-south-1"));
        }
    }
    Client::new(&loader.load().await)
}

/// Whether `url` names this machine.
pub fn is_loopback(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', '?'])
        .next()
        .unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Creates the table with its index and TTL attribute, unless it exists. For the local store and
/// tests; in AWS the infrastructure template creates it.
pub async fn create_if_missing(
    client: &Client,
    table: &str,
) -> Result<(), aws_sdk_dynamodb::Error> {
    if client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .is_ok()
    {
        return Ok(());
    }
    let key = |name: &str, kind| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .expect("name and type are set")
    };
    let attr = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .expect("name and type are set")
    };
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(vec![attr(PK), attr(SK), attr(GSI_PK), attr(GSI_SK)]))
        .set_key_schema(Some(vec![key(PK, KeyType::Hash), key(SK, KeyType::Range)]))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(GSI)
                .set_key_schema(Some(vec![
                    key(GSI_PK, KeyType::Hash),
                    key(GSI_SK, KeyType::Range),
                ]))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .expect("name and keys are set"),
        )
        .send()
        .await;
    match created {
        Ok(_) => {
            // A new table holds no submission without lookup keys.
            client
                .put_item()
                .table_name(table)
                .item(PK, AttributeValue::S(LOOKUP_COMPLETE_PK.to_string()))
                .item(SK, AttributeValue::S(SK_META.to_string()))
                .item("at", AttributeValue::S(crate::clock::now_rfc3339()))
                .send()
                .await?;
        }
        Err(err) => {
            // Another process may have created it meanwhile.
            if client
                .describe_table()
                .table_name(table)
                .send()
                .await
                .is_err()
            {
                return Err(err.into());
            }
        }
    }
    let ttl = client
        .describe_time_to_live()
        .table_name(table)
        .send()
        .await?;
    let enabled = ttl
        .time_to_live_description()
        .and_then(|d| d.attribute_name())
        .is_some_and(|name| name == TTL);
    if !enabled {
        client
            .update_time_to_live()
            .table_name(table)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(TTL)
                    .enabled(true)
                    .build()
                    .expect("name and flag are set"),
            )
            .send()
            .await?;
    }
    Ok(())
}

/// An item as the SDK gives it.
pub type Item = HashMap<String, AttributeValue>;

/// A string attribute.
pub fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

/// A number attribute.
pub fn n(v: u64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// The string attribute `name` of an item, if it has one.
pub fn get_s(item: &Item, name: &str) -> Option<String> {
    item.get(name)?.as_s().ok().cloned()
}

/// The number attribute `name` of an item, if it has one that reads as a whole number.
pub fn get_n(item: &Item, name: &str) -> Option<u64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_endpoints_are_recognised() {
        assert!(is_loopback("http://127.0.0.1:8000"));
        assert!(is_loopback("http://localhost:4566/"));
        assert!(is_loopback("http://[::1]:8000"));
        assert!(!is_loopback("https://dynamodb.me-south-1.amazonaws.com"));
        assert!(!is_loopback("http://127.example.org"));
    }
}
