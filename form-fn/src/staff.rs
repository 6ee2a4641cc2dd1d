//! The staff actions, once, for the staff command (`form-fn-admin`) and the staff inbox
//! ([`crate::inbox`]): list submissions by form, status and date, show one, page through the
//! inbox's list ([`queue`]); act on a case, each action conditional on the version the staff
//! member saw ([`case`]: status with a message to the beneficiary, assign or refer, internal
//! note, data checked against the documents, who opened it); export ([`export`]); serve a
//! person's rights: find, export, correct and erase their records, and purge what has outlived
//! its retention ([`person`]); enter a survey answer given in an interview ([`interview`]); and
//! the periodic report ([`report`]). Callers parse and print; the
//! rules are here.
//!
//! The command runs with the staff member's own AWS credentials (profile, SSO or environment);
//! the inbox with the service's role, after a Cognito sign-in. The DynamoDB calls are here, not in
//! [`crate::store`], which holds the beneficiaries' side.

pub mod case;
pub mod export;
pub mod interview;
pub mod person;
pub mod queue;
pub mod report;

pub use case::ActionError;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use forms::normalise::display_code;
use forms::{FormDef, Status};

use crate::clock::now_epoch;
use crate::content::Content;
use crate::record::Record;
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
    mailer: crate::mail::Mailer,
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
        Ok(Staff::with_content(client, table, content))
    }

    /// The staff view of `table` at `client`, knowing the forms of `content`; status changes
    /// record the beneficiary's e-mail, with links to the site at `SITE_URL` (or the content's
    /// address).
    pub fn with_content(client: Client, table: impl Into<String>, content: Content) -> Staff {
        let site_url = std::env::var("SITE_URL").ok().filter(|v| !v.is_empty());
        let mailer = crate::mail::Mailer::unparsed(&content, site_url.as_deref());
        Staff::with_mailer(client, table, content, mailer)
    }

    /// The staff view with the site's e-mails rendered by `mailer` (the service's own, so its
    /// templates are read once).
    pub fn with_mailer(
        client: Client,
        table: impl Into<String>,
        content: Content,
        mailer: crate::mail::Mailer,
    ) -> Staff {
        Staff {
            client,
            table: table.into(),
            content,
            mailer,
        }
    }

    /// The forms this staff view knows.
    pub fn content(&self) -> &Content {
        &self.content
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
    pub fn mailer(&self) -> &crate::mail::Mailer {
        &self.mailer
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
}
