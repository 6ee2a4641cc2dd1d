//! `POST /api/forms/{form}`: a submission read, normalised, validated against the form's
//! definition, stored once, and confirmed only once stored.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Extension;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use forms::definition::HONEYPOT;
use forms::normalise::display_code;
use forms::{FieldType, FormDef, Refusal, Status};
use serde_json::json;

use crate::answer::{self, FormId, with_outcome};
use crate::app::App;
use crate::body::{self, Refused};
use crate::captcha::Verdict;
use crate::client::Client;
use crate::clock::now_rfc3339;
use crate::idempotency::{self, Origin};
use crate::messages;
use crate::pages::ReceivedView;
use crate::store::{NewSubmission, Receipt, Reserved, Saved, TryScope};

/// The hidden field the page's script fills with a random key, so that sending twice is sending
/// once.
pub const IDEMPOTENCY_FIELD: &str = "idempotency_key";
/// The header a JSON client may send its key in instead.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// The fields the service reads itself, taken out of the answers: the spam trap's value and the
/// idempotency key.
pub fn take_service_fields(pairs: &mut Vec<(String, String)>) -> (bool, Option<String>) {
    let mut trapped = false;
    let mut key = None;
    pairs.retain(|(name, value)| match name.as_str() {
        HONEYPOT => {
            trapped |= !value.trim().is_empty();
            false
        }
        IDEMPOTENCY_FIELD => {
            key = Some(value.trim().to_string());
            false
        }
        _ => true,
    });
    (trapped, key)
}

/// Takes the (first) value of the field `name` out of `pairs`, removing every value of it.
fn take_field(pairs: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let value = pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone());
    pairs.retain(|(n, _)| n != name);
    value
}

/// The answer to a submission refused for `errors`: the form again with what was sent and each
/// message by its field (HTML), or the messages by field (JSON).
fn invalid(
    app: &App,
    form: &FormDef,
    pairs: &[(String, String)],
    field_key: Option<&str>,
    errors: &[forms::FieldError],
    json: bool,
) -> Response {
    if json {
        return answer::invalid_json(errors);
    }
    let mut values = posted_values(form, pairs);
    if let Some(k) = field_key {
        // Kept, so that the corrected form sent again is still the same submission.
        values.insert(IDEMPOTENCY_FIELD.to_string(), json!(k));
    }
    let action = app.content.site.form_action(&form.id);
    let html = app.pages.form(form, &action, &values, errors);
    with_outcome(
        (StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response(),
        "invalid",
    )
}

/// The answers as posted, for showing the form again: each field's text, or list for a multiple
/// choice. Only the form's own fields.
pub fn posted_values(
    form: &FormDef,
    pairs: &[(String, String)],
) -> BTreeMap<String, serde_json::Value> {
    let mut out = BTreeMap::new();
    for field in &form.fields {
        let given: Vec<&str> = pairs
            .iter()
            .filter(|(n, _)| *n == field.name)
            .map(|(_, v)| v.as_str())
            .collect();
        let value = if field.kind == FieldType::Choice && field.multiple {
            json!(given)
        } else {
            match given.first() {
                Some(v) => json!(v),
                None => continue,
            }
        };
        out.insert(field.name.clone(), value);
    }
    out
}

/// The day by which the association promises an answer, when the form's text promises one; a
/// minimum period gives no day.
fn expected_by(form: &FormDef) -> Option<String> {
    let due = form.response.as_ref()?.due(forms::dates::Day::today())?;
    Some(due.to_string())
}

/// The confirmation: `201` JSON or the confirmation page.
fn confirmed(app: &App, json: bool, form: &FormDef, receipt: &Receipt) -> Response {
    let code = form.trackable.then(|| display_code(&receipt.code));
    if json {
        (
            StatusCode::CREATED,
            Json(json!({
                "code": code,
                "form": form.id,
                "status": Status::Received,
                "status_label": Status::Received.label(form.kind),
                "received_at": receipt.received_at,
                "expected_by": receipt.expected_by,
                "response": form.response,
            })),
        )
            .into_response()
    } else {
        let html = app.pages.received(&ReceivedView {
            form,
            code,
            received_at: receipt.received_at.clone(),
            expected_by: receipt.expected_by.clone(),
        });
        (StatusCode::OK, Html(html)).into_response()
    }
}

/// Handles a submission.
pub async fn submit(
    State(app): State<Arc<App>>,
    Path(form_id): Path<String>,
    Extension(client): Extension<Client>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let json = body::wants_json(&headers);
    let Some(form) = app.content.form(&form_id) else {
        return answer::error(
            &app.pages,
            json,
            StatusCode::NOT_FOUND,
            "unknown_form",
            "النموذج غير موجود",
            messages::MSG_NO_FORM,
        );
    };
    let mut resp = handle(&app, form, &client, &headers, body, json).await;
    resp.extensions_mut().insert(FormId(form.id.clone()));
    resp
}

async fn handle(
    app: &App,
    form: &FormDef,
    client: &Client,
    headers: &HeaderMap,
    body: Body,
    json: bool,
) -> Response {
    let read = async {
        let encoding = body::encoding(headers)?;
        let bytes = body::read(headers, body).await?;
        body::fields(encoding, &bytes)
    };
    let mut pairs = match read.await {
        Ok(p) => p,
        Err(why) => return answer::refused(&app.pages, json, why),
    };
    // A filled-in trap is most likely a robot, but may be a browser's autofill: the submission is
    // handled like any other and stored flagged as spam, kept briefly and out of staff's lists.
    let (trapped, field_key) = take_service_fields(&mut pairs);
    let token = app
        .captcha
        .as_ref()
        .and_then(|v| take_field(&mut pairs, v.field()));
    let answers = match forms::validate(form, &pairs) {
        Ok(a) => a,
        Err(Refusal::TooManyFields) => {
            return answer::refused(&app.pages, json, Refused::TooManyFields);
        }
        Err(Refusal::Invalid(errors)) => {
            return invalid(app, form, &pairs, field_key.as_deref(), &errors, json);
        }
    };
    let header_key = headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let client_key = field_key
        .as_deref()
        .or(header_key)
        .filter(|k| idempotency::valid_client_key(k));
    let origin = match client_key {
        Some(k) => Origin::ClientKey(k),
        None => Origin::Client {
            ip: &client.ip,
            user_agent: &client.user_agent,
        },
    };
    let idempotency = idempotency::key(&form.id, &answers, origin);
    let unavailable = |err: crate::store::Unavailable| {
        tracing::warn!(form = %form.id, error = %err, "submission not saved");
        answer::error(
            &app.pages,
            json,
            StatusCode::SERVICE_UNAVAILABLE,
            "not_saved",
            "لم يُحفظ ما أرسلته",
            messages::MSG_NOT_SAVED,
        )
    };
    match app.store.find_repeat(&idempotency.0).await {
        Ok(Some(receipt)) => {
            return with_outcome(confirmed(app, json, form, &receipt), "repeat");
        }
        Ok(None) => {}
        Err(err) => return unavailable(err),
    }
    if form.captcha
        && let Some(verifier) = &app.captcha
    {
        match verifier.verify(token.as_deref(), &client.ip).await {
            Ok(Verdict::Passed) => {}
            Ok(Verdict::Failed) => {
                let errors = [forms::FieldError {
                    field: "captcha".to_string(),
                    message: messages::MSG_CAPTCHA.to_string(),
                }];
                let resp = invalid(app, form, &pairs, field_key.as_deref(), &errors, json);
                return with_outcome(resp, "captcha_failed");
            }
            Err(err) => {
                tracing::warn!(form = %form.id, error = %err, "challenge not verified");
                return answer::error(
                    &app.pages,
                    json,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "not_saved",
                    "لم يُحفظ ما أرسلته",
                    messages::MSG_NOT_SAVED,
                );
            }
        }
    }
    let ip = client.counted();
    let limit = [(TryScope::Submissions(&ip), app.submissions_per_client)];
    match app.store.reserve(&limit).await {
        Ok(Reserved::Granted) => {}
        Ok(Reserved::Refused { retry_after }) => {
            let mut resp = answer::error(
                &app.pages,
                json,
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_submissions",
                "طلبات كثيرة",
                messages::MSG_TOO_MANY_SUBMISSIONS,
            );
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            return resp;
        }
        Err(err) => return unavailable(err),
    }
    let new = NewSubmission {
        form,
        answers: &answers,
        contacts: answers.contacts(form),
        received_at: now_rfc3339(),
        expected_by: expected_by(form),
        idempotency,
        spam: trapped,
        mailer: app.staff.mailer(),
        entered: None,
    };
    let stored = if trapped { "honeypot" } else { "stored" };
    match app.store.save(&new).await {
        Ok(Saved::New(receipt)) => {
            // Locally, the outbox is drained after the answer (on AWS, the table's stream does it).
            if let Some(wake) = &app.outbox_wake {
                wake.notify_one();
            }
            with_outcome(confirmed(app, json, form, &receipt), stored)
        }
        Ok(Saved::Repeat(receipt)) => with_outcome(confirmed(app, json, form, &receipt), "repeat"),
        Err(err) => unavailable(err),
    }
}
