//! The staff actions, once, for the staff command (`form-fn-admin`) and any staff interface that
//! comes later: list submissions by form, status and date, show one, set its status with a message
//! to the beneficiary (seen on follow-up), export ([`export`]), and serve a person's rights: find,
//! export, correct and erase their records, and purge what has outlived its retention
//! ([`person`]), and the periodic report ([`report`]). Callers parse and print; the rules are here.
//!
//! The actions run with the staff member's own AWS credentials (profile, SSO or environment),
//! never the service's, so there is no new password to guard. Their DynamoDB calls are here, not in
//! [`crate::store`]: they need permissions the service does not have (query the index, scan, change
//! or delete a submission).

pub mod export;
pub mod person;
pub mod report;

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use forms::normalise::display_code;
use forms::{FormDef, Status};

use crate::content::Content;
use crate::store::{Change, Record, history_entry, now_epoch, now_rfc3339};
use crate::table::{self, GSI, GSI_PK, GSI_SK, PK, SK};

/// Which submissions a listing or export covers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    pub form: Option<String>,
    pub statuses: Vec<Status>,
    pub since: Option<String>,
    /// Received before this (an RFC 3339 time or a date: compared as text with `received_at`).
    pub until: Option<String>,
}

/// The staff's view of the table.
pub struct Staff {
    client: Client,
    table: String,
    content: Content,
    /// Renders the e-mail a status change records for the beneficiary.
    mailer: Option<crate::mail::Mailer>,
}

/// A failed operation, in words for the staff member.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StaffError(pub String);

/// An SDK error in words: the SDK's context, which names the operation and the AWS error, never
/// the data sent.
pub(crate) fn sdk_error<E: std::error::Error + 'static>(
    what: &str,
    err: aws_sdk_dynamodb::error::SdkError<E>,
) -> StaffError {
    StaffError(format!(
        "{what}: {}",
        aws_sdk_dynamodb::error::DisplayErrorContext(&err)
    ))
}

impl Staff {
    /// The staff view of `table` at `client`, knowing the embedded site's forms.
    pub fn new(client: Client, table: impl Into<String>) -> Result<Staff, StaffError> {
        let content = Content::embedded().map_err(|errs| {
            StaffError(
                errs.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        })?;
        let site_url = std::env::var("SITE_URL").ok().filter(|v| !v.is_empty());
        let mailer = crate::mail::Mailer::new(&content, site_url.as_deref())
            .map_err(|e| StaffError(e.to_string()))?;
        Ok(Staff {
            client,
            table: table.into(),
            content,
            mailer: Some(mailer),
        })
    }

    /// The site the service was built for (its name, calendar and digits).
    pub fn site(&self) -> &forms::SiteConfig {
        &self.content.site
    }

    /// Every form of the site.
    pub fn forms_all(&self) -> impl Iterator<Item = &FormDef> {
        self.content.forms.values()
    }

    /// The mailer of the site's e-mails.
    pub fn mailer(&self) -> Option<&crate::mail::Mailer> {
        self.mailer.as_ref()
    }

    fn forms(&self, filter: &Filter) -> Result<Vec<&FormDef>, StaffError> {
        match &filter.form {
            Some(id) => self.content.form(id).map(|f| vec![f]).ok_or_else(|| {
                StaffError(format!(
                    "no form {id:?}; the forms are: {}",
                    self.content
                        .forms
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }),
            None => Ok(self.content.forms.values().collect()),
        }
    }

    /// The submissions the filter covers, oldest first; those past their retention are left out.
    pub async fn list(&self, filter: &Filter) -> Result<Vec<Record>, StaffError> {
        let now = now_epoch();
        let statuses = if filter.statuses.is_empty() {
            Status::ALL.to_vec()
        } else {
            filter.statuses.clone()
        };
        let mut out = Vec::new();
        for form in self.forms(filter)? {
            for status in &statuses {
                let mut start = None;
                loop {
                    let mut q = self
                        .client
                        .query()
                        .table_name(&self.table)
                        .index_name(GSI)
                        .expression_attribute_names("#pk", GSI_PK)
                        .expression_attribute_values(
                            ":pk",
                            AttributeValue::S(table::gsi_pk(&form.id, *status)),
                        )
                        .set_exclusive_start_key(start.take());
                    let bound =
                        |q: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
                         name: &str,
                         value: &String| {
                            q.expression_attribute_names("#sk", GSI_SK)
                                .expression_attribute_values(name, AttributeValue::S(value.clone()))
                        };
                    q = match (&filter.since, &filter.until) {
                        (Some(since), Some(until)) => {
                            bound(bound(q, ":since", since), ":until", until)
                                .key_condition_expression(
                                    "#pk = :pk AND #sk BETWEEN :since AND :until",
                                )
                        }
                        (Some(since), None) => bound(q, ":since", since)
                            .key_condition_expression("#pk = :pk AND #sk >= :since"),
                        (None, Some(until)) => bound(q, ":until", until)
                            .key_condition_expression("#pk = :pk AND #sk < :until"),
                        (None, None) => q.key_condition_expression("#pk = :pk"),
                    };
                    let page = q.send().await.map_err(|e| sdk_error("listing failed", e))?;
                    out.extend(
                        page.items()
                            .iter()
                            .filter_map(Record::from_item)
                            .filter(|r| r.expires_at > now),
                    );
                    match page.last_evaluated_key() {
                        Some(k) if !k.is_empty() => start = Some(k.clone()),
                        _ => break,
                    }
                }
            }
        }
        out.sort_by(|a, b| (&a.received_at, &a.code).cmp(&(&b.received_at, &b.code)));
        Ok(out)
    }

    /// One submission (absent once past its retention).
    pub async fn show(&self, code: &str) -> Result<Record, StaffError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, AttributeValue::S(table::submission_pk(code)))
            .key(SK, AttributeValue::S(table::SK_SUBMISSION.to_string()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading failed", e))?;
        out.item()
            .and_then(Record::from_item)
            .filter(|r| r.expires_at > now_epoch())
            .ok_or_else(|| StaffError(format!("no submission {}", display_code(code))))
    }

    /// The kind of the form a record was sent with (a request, for a form no longer defined).
    pub fn kind_of(&self, r: &Record) -> forms::FormKind {
        self.content
            .form(&r.form)
            .map(|f| f.kind)
            .unwrap_or_default()
    }

    /// Sets a submission's status, adds it to the history and sets (or clears) the message shown
    /// to the beneficiary.
    pub async fn set_status(
        &self,
        code: &str,
        status: Status,
        message: Option<&str>,
    ) -> Result<Record, StaffError> {
        let record = self.show(code).await?;
        let kind = self.kind_of(&record);
        if !status.applies_to(kind) {
            let names: Vec<_> = Status::for_kind(kind).iter().map(|s| s.as_str()).collect();
            return Err(StaffError(format!(
                "status {status} does not apply to a submission of form {:?} (kind {kind:?}): use one of {}",
                record.form,
                names.join(", ")
            )));
        }
        let at = now_rfc3339();
        let change = Change {
            status,
            at: at.clone(),
            message: message.map(str::to_string),
        };
        let mut values: HashMap<String, AttributeValue> = HashMap::new();
        values.insert(
            ":status".into(),
            AttributeValue::S(status.as_str().to_string()),
        );
        values.insert(":at".into(), AttributeValue::S(at));
        values.insert(
            ":gsi".into(),
            AttributeValue::S(table::gsi_pk(&record.form, status)),
        );
        values.insert(
            ":change".into(),
            AttributeValue::L(vec![history_entry(&change)]),
        );
        values.insert(":empty".into(), AttributeValue::L(Vec::new()));
        values.insert(":one".into(), AttributeValue::N("1".to_string()));
        let mut expr = "ADD #ver :one SET #status = :status, #updated = :at, #gsi = :gsi, #history = list_append(if_not_exists(#history, :empty), :change)".to_string();
        match message {
            Some(m) => {
                values.insert(":message".into(), AttributeValue::S(m.to_string()));
                expr.push_str(", #message = :message");
            }
            None => expr.push_str(" REMOVE #message"),
        }
        let update = aws_sdk_dynamodb::types::Update::builder()
            .table_name(&self.table)
            .key(PK, AttributeValue::S(table::submission_pk(code)))
            .key(SK, AttributeValue::S(table::SK_SUBMISSION.to_string()))
            .update_expression(expr)
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#gsi", GSI_PK)
            .expression_attribute_names("#updated", "updated_at")
            .expression_attribute_names("#history", "history")
            .expression_attribute_names("#message", "message")
            .expression_attribute_names("#ver", table::VERSION)
            .set_expression_attribute_values(Some(values))
            .build()
            .map_err(|e| StaffError(format!("the status was not changed: {e}")))?;
        // The e-mail to the beneficiary is recorded in the same write as the change.
        let mails = match self.content.form(&record.form) {
            Some(form) => crate::outbox::status_change_puts(
                &self.table,
                self.mailer.as_ref(),
                form,
                &record,
                record.version + 1,
                status,
                message,
            ),
            None => Vec::new(),
        };
        self.client
            .transact_write_items()
            .set_transact_items(Some(
                std::iter::once(TransactWriteItem::builder().update(update).build())
                    .chain(mails)
                    .collect(),
            ))
            .send()
            .await
            .map_err(|e| sdk_error("the status was not changed", e))?;
        self.show(code).await
    }
}
