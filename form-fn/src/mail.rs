//! The e-mails, rendered from the site's `templates/email/` with the same filters as its pages (the
//! site's digits and calendar): for each kind, `{kind}.subject.txt`, `{kind}.txt` (the plain-text
//! part) and `{kind}.html` (`lang="ar" dir="rtl"`). [`mime`] makes the message: UTF-8 headers
//! (the subject and the association's name as the sender's display name encoded as RFC 2047
//! says) by `mail-builder`, never by hand.

use std::collections::BTreeMap;

use forms::normalise::display_code;
use forms::render::Renderer;
use forms::{FieldType, FormDef, SiteConfig, Status, Value};
use serde::Serialize;
use tera::Context;

use crate::content::Content;
use crate::templates::Templates;

/// What an e-mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// To the staff a form names: a new submission.
    Staff,
    /// To the beneficiary: their submission arrived.
    Receipt,
    /// To the beneficiary: their request's status changed.
    Status,
    /// To the managers: the day's digest.
    Digest,
}

impl Kind {
    /// The name used in templates and in the table.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Staff => "staff",
            Kind::Receipt => "receipt",
            Kind::Status => "status",
            Kind::Digest => "digest",
        }
    }

    /// The kind a name stands for.
    pub fn parse(name: &str) -> Option<Kind> {
        [Kind::Staff, Kind::Receipt, Kind::Status, Kind::Digest]
            .into_iter()
            .find(|k| k.as_str() == name)
    }
}

/// One e-mail, rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub kind: Kind,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A template that did not render (a broken template; the tests render every one).
#[derive(Debug, thiserror::Error)]
#[error("e-mail template {0} failed: {1}")]
pub struct MailError(String, String);

/// Renders the e-mails of one site. Its templates are parsed once, by the first e-mail (the
/// service's mailer: [`Mailer::unparsed`]) or as it is made ([`Mailer::new`]): a Lambda's cold
/// start parses none, and one that answers a follow-up or a staff page never needs them.
pub struct Mailer {
    site: SiteConfig,
    /// `email/*` and what they use.
    templates: Templates,
    /// The survey's address (relative) for each form whose closing invites to it.
    invites: BTreeMap<String, String>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("site", &self.site.name)
            .finish()
    }
}

/// One answer as the staff e-mail shows it (only with `notify.answers: true`).
#[derive(Debug, Clone, Serialize)]
struct AnswerView {
    label: String,
    value: String,
}

/// One form's line of the digest.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DigestRow {
    pub form: String,
    pub form_title: String,
    /// Received in the last day.
    pub new: usize,
    /// In an open status.
    pub open: usize,
    /// Open past the day the form promises an answer by.
    pub overdue: usize,
}

impl Mailer {
    /// The mailer of `content`, its templates parsed now; `site_url` replaces `site.yaml`'s
    /// `base_url` when set (links).
    pub fn new(content: &Content, site_url: Option<&str>) -> Result<Mailer, MailError> {
        let mailer = Mailer::unparsed(content, site_url);
        mailer.renderer()?;
        Ok(mailer)
    }

    /// The mailer of `content`, its templates parsed at the first e-mail. Should they not load,
    /// that is logged once and no e-mail is recorded.
    pub fn unparsed(content: &Content, site_url: Option<&str>) -> Mailer {
        let mut site = content.site.clone();
        if let Some(url) = site_url {
            site.base_url = url.trim_end_matches('/').to_string();
        }
        let templates = Templates::new(
            &content.templates,
            |n| n.starts_with("email/"),
            "no e-mail is recorded",
        );
        Mailer {
            site,
            templates,
            invites: content.survey_invites(),
        }
    }

    /// The templates, parsed at the first call; or why they do not load.
    fn renderer(&self) -> Result<&Renderer, MailError> {
        self.templates
            .renderer(&self.site)
            .map_err(|e| MailError("*".into(), e.to_string()))
    }

    /// The site's `notifications:`, when it sends e-mails.
    pub fn notifications(&self) -> Option<&forms::Notifications> {
        self.site.notifications.as_ref()
    }

    /// The sender: the association's name and the `from` address.
    pub fn from(&self) -> Option<(String, String)> {
        let n = self.notifications()?;
        Some((self.site.name.clone(), n.from.clone()))
    }

    /// The staff's page of a case.
    pub fn case_url(&self, code: &str) -> String {
        format!("{}/staff/cases/{code}", self.service_url())
    }

    /// The service's address: `forms_url` under the site's address unless it is a full one.
    fn service_url(&self) -> String {
        let f = &self.site.forms_url;
        if f.starts_with("http://") || f.starts_with("https://") {
            f.clone()
        } else {
            format!("{}{f}", self.site.base_url)
        }
    }

    fn context(&self) -> Context {
        let mut ctx = Context::new();
        ctx.insert("site", &self.site);
        ctx.insert("track_url", &format!("{}/track/", self.site.base_url));
        ctx
    }

    fn render(&self, kind: Kind, to: Vec<String>, ctx: &Context) -> Result<Mail, MailError> {
        let one = |ext: &str| {
            let name = format!("email/{}.{ext}", kind.as_str());
            self.renderer()?
                .render(&name, ctx)
                .map_err(|e| MailError(name, e.to_string()))
        };
        Ok(Mail {
            kind,
            to,
            subject: one("subject.txt")?
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            text: one("txt")?,
            html: one("html")?,
        })
    }

    /// The e-mails of a new submission: to the staff the form names, and to the beneficiary of a
    /// trackable form who gave an e-mail address. None when the site sends no e-mail.
    pub fn new_submission(
        &self,
        form: &FormDef,
        code: &str,
        received_at: &str,
        expected_by: Option<&str>,
        values: &BTreeMap<String, Value>,
    ) -> Result<Vec<Mail>, MailError> {
        let Some(n) = self.notifications() else {
            return Ok(Vec::new());
        };
        let mut ctx = self.context();
        ctx.insert("form", form);
        ctx.insert("code", &display_code(code));
        ctx.insert("received_at", received_at);
        ctx.insert("expected_by", &expected_by);
        if let Some(steps) = &form.next_steps {
            // The site's links are relative; in an e-mail they must name the site.
            let html = forms::render::markdown(steps)
                .replace("href=\"/", &format!("href=\"{}/", self.site.base_url));
            ctx.insert("next_steps_html", &html);
        }
        let mut out = Vec::new();
        if let Some(notify) = &form.notify {
            let to: Vec<String> = n.addresses(&notify.staff).map(str::to_string).collect();
            if !to.is_empty() {
                let mut staff = ctx.clone();
                staff.insert("case_url", &self.case_url(code));
                if notify.answers {
                    staff.insert("answers", &answers(form, values));
                }
                out.push(self.render(Kind::Staff, to, &staff)?);
            }
        }
        if form.trackable
            && let Some(email) = beneficiary_email(form, values)
        {
            out.push(self.render(Kind::Receipt, vec![email], &ctx)?);
        }
        Ok(out)
    }

    /// The e-mail to the beneficiary of a status change, when they gave an e-mail address.
    pub fn status_change(
        &self,
        form: &FormDef,
        code: &str,
        status: Status,
        message: Option<&str>,
        values: &BTreeMap<String, Value>,
    ) -> Result<Option<Mail>, MailError> {
        if self.notifications().is_none() || !form.trackable {
            return Ok(None);
        }
        let Some(email) = beneficiary_email(form, values) else {
            return Ok(None);
        };
        let mut ctx = self.context();
        ctx.insert("form", form);
        ctx.insert("code", &display_code(code));
        ctx.insert("status", &status);
        ctx.insert("status_label", status.label(form.kind));
        ctx.insert("message", &message);
        // A closed case invites to the survey (nothing of the person in the link).
        let survey_url = (!status.is_open())
            .then(|| self.invites.get(&form.id))
            .flatten()
            .map(|path| format!("{}{path}", self.site.base_url));
        ctx.insert("survey_url", &survey_url);
        self.render(Kind::Status, vec![email], &ctx).map(Some)
    }

    /// The daily digest to the managers, or none when there is nothing to say or no one to say it
    /// to.
    pub fn digest(&self, day: &str, rows: &[DigestRow]) -> Result<Option<Mail>, MailError> {
        let Some(n) = self.notifications() else {
            return Ok(None);
        };
        let to: Vec<String> = n
            .digest_addresses()
            .into_iter()
            .map(str::to_string)
            .collect();
        let rows: Vec<&DigestRow> = rows
            .iter()
            .filter(|r| r.new + r.open + r.overdue > 0)
            .collect();
        if to.is_empty() || rows.is_empty() {
            return Ok(None);
        }
        let mut ctx = self.context();
        ctx.insert("day", day);
        ctx.insert("rows", &rows);
        ctx.insert("cases_url", &format!("{}/staff/cases", self.service_url()));
        self.render(Kind::Digest, to, &ctx).map(Some)
    }
}

/// The beneficiary's e-mail address: the value of the form's first e-mail field they filled in.
pub fn beneficiary_email(form: &FormDef, values: &BTreeMap<String, Value>) -> Option<String> {
    form.fields
        .iter()
        .filter(|f| f.kind == FieldType::Email)
        .find_map(|f| match values.get(&f.name) {
            Some(Value::One(v)) if !v.trim().is_empty() => Some(v.trim().to_string()),
            _ => None,
        })
}

/// The answers in the form's order, each choice by its label.
fn answers(form: &FormDef, values: &BTreeMap<String, Value>) -> Vec<AnswerView> {
    form.fields
        .iter()
        .filter_map(|f| {
            let label_of = |v: &str| f.option_label(v).unwrap_or(v).to_string();
            let value = match values.get(&f.name)? {
                Value::One(v) => label_of(v),
                Value::Many(vs) => vs
                    .iter()
                    .map(|v| label_of(v))
                    .collect::<Vec<_>>()
                    .join("، "),
            };
            Some(AnswerView {
                label: f.label.clone(),
                value,
            })
        })
        .collect()
}

/// The message as sent: `From` the association, the subject and display name encoded (RFC 2047),
/// a plain-text part and an HTML part. `id` makes the `Message-ID` (the same item gives the same
/// one, so a mail client shows a repeat once); `at` is the time it was recorded (epoch seconds).
pub fn mime(mail: &Mail, from: &(String, String), id: &str, at: u64) -> Vec<u8> {
    let domain = from.1.rsplit_once('@').map_or("localhost", |(_, d)| d);
    mail_builder::MessageBuilder::new()
        .from((from.0.as_str(), from.1.as_str()))
        .to(mail.to.iter().map(String::as_str).collect::<Vec<_>>())
        .subject(mail.subject.as_str())
        .message_id(format!("{id}@{domain}"))
        .date(at as i64)
        .header(
            "Content-Language",
            mail_builder::headers::raw::Raw::new("ar"),
        )
        .header(
            "Auto-Submitted",
            mail_builder::headers::raw::Raw::new("auto-generated"),
        )
        .text_body(mail.text.as_str())
        .html_body(mail.html.as_str())
        .write_to_vec()
        .expect("writing to memory does not fail")
}
