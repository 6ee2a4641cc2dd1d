//! Field interviews: a survey answer given in person or by phone, entered by staff. It is
//! checked by the survey's own definition exactly as the site's submission is
//! ([`forms::validate`]), and stored as a submission of that form with its channel (apart from the
//! answers) and, in the internal log, who entered it, so that the report counts it under its
//! channel and never as web. The staff command and the inbox both call [`Staff::enter_interview`].

use forms::report::SurveyChannel;
use forms::{FieldError, FormKind, Refusal};

use super::{Staff, StaffError};
use crate::client::ClientKey;
use crate::clock::now_rfc3339;
use crate::idempotency::{self, Origin};
use crate::store::{Entered, NewSubmission, Receipt, Saved, Store};

/// The channels an interview can come by, as the command and the inbox name them.
pub const CHANNELS: [SurveyChannel; 2] = [SurveyChannel::InPerson, SurveyChannel::Phone];

/// The channel named `name` (`in-person`, `in_person` or `phone`); never the web.
pub fn parse_channel(name: &str) -> Option<SurveyChannel> {
    match name.trim() {
        "in-person" | "in_person" => Some(SurveyChannel::InPerson),
        "phone" => Some(SurveyChannel::Phone),
        _ => None,
    }
}

/// An interview's answer to enter.
#[derive(Debug, Clone, Copy)]
pub struct Interview<'a> {
    /// The survey form's id.
    pub form: &'a str,
    pub channel: SurveyChannel,
    /// The answers as `field=value` pairs (a multiple choice repeats its name).
    pub answers: &'a [(String, String)],
    /// The staff member who entered it.
    pub by: &'a str,
    /// Makes entering the same page twice (a double click) one answer; `None`: always new.
    pub key: Option<&'a str>,
}

/// Why an interview's answer was not stored.
#[derive(Debug, thiserror::Error)]
pub enum InterviewError {
    #[error("no form {0:?}")]
    UnknownForm(String),
    #[error("{0:?} is not a survey: only a form of kind survey takes interview answers")]
    NotASurvey(String),
    #[error("the web is not an interview's channel: use in-person or phone")]
    Web,
    /// The answers break the form's rules: each field's Arabic message.
    #[error("{}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Staff(#[from] StaffError),
}

impl Staff {
    /// The survey forms (kind `survey`), which take interview answers.
    pub fn surveys(&self) -> impl Iterator<Item = &forms::FormDef> {
        self.forms_all().filter(|f| f.kind == FormKind::Survey)
    }

    /// Validates and stores an interview's answer; its receipt (a repeat of the same `key` and
    /// answers gives the first one's).
    pub async fn enter_interview(&self, i: &Interview<'_>) -> Result<Receipt, InterviewError> {
        let form = self
            .content
            .form(i.form)
            .ok_or_else(|| InterviewError::UnknownForm(i.form.to_string()))?;
        if form.kind != FormKind::Survey {
            return Err(InterviewError::NotASurvey(form.id.clone()));
        }
        if i.channel == SurveyChannel::Web {
            return Err(InterviewError::Web);
        }
        let answers = match forms::validate(form, i.answers) {
            Ok(a) => a,
            Err(Refusal::Invalid(errors)) => return Err(InterviewError::Invalid(errors)),
            Err(Refusal::TooManyFields) => {
                return Err(StaffError("too many fields".to_string()).into());
            }
        };
        let fresh;
        let key = match i.key.filter(|k| idempotency::valid_client_key(k)) {
            Some(k) => k,
            None => {
                fresh = crate::code::new_code();
                &fresh
            }
        };
        let new = NewSubmission {
            form,
            answers: &answers,
            contacts: answers.contacts(form),
            received_at: now_rfc3339(),
            expected_by: None,
            idempotency: idempotency::key(&form.id, &answers, Origin::ClientKey(key)),
            spam: false,
            mailer: self.mailer(),
            entered: Some(Entered {
                channel: i.channel,
                by: i.by,
            }),
        };
        // The key only counts attempts, which an interview does not.
        let store = Store::new(self.client.clone(), &self.table, ClientKey::random());
        match store.save(&new).await {
            Ok(Saved::New(r) | Saved::Repeat(r)) => Ok(r),
            Err(e) => Err(StaffError(format!("not stored: {e}")).into()),
        }
    }
}
