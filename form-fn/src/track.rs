//! `POST /api/track`: a request's standing, for the one who holds its tracking code and a phone
//! number or e-mail given with it (any of its form's contact fields). A wrong code and a wrong
//! contact get the same answer, and lookups are counted per client address and per code in the
//! table (so the count holds across Lambda instances), each reserved before it is made and given
//! back when it finds its request: past the limit, the answer is `429` until the window ends.

use std::sync::Arc;

use axum::Extension;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use forms::normalise::display_code;
use forms::{FieldError, Refusal};

use crate::answer::{self, with_outcome};
use crate::app::App;
use crate::body::{self, Refused};
use crate::client::Client;
use crate::messages;
use crate::pages::{ErrorView, HistoryView, TrackResult};
use crate::record::Record;
use crate::store::{Reserved, TryScope, Unavailable};
use crate::submit::{posted_values, take_service_fields};

/// Failed follow-ups allowed from one client address (IPv6: one /64) in one window.
pub const MAX_FAILURES_PER_CLIENT: u64 = 10;
/// Failed follow-ups allowed for one code in one window.
pub const MAX_FAILURES_PER_CODE: u64 = 5;

/// Whether two secrets are equal, taking the same time wherever they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Whether `given` (normalised) is one of the contacts stored with a request. Every stored one is
/// compared, in the same time wherever they differ.
fn contact_matches(stored: &[String], given: &str) -> bool {
    stored
        .iter()
        .fold(false, |found, c| found | (same(c, given) & !c.is_empty()))
}

/// What the follow-up shows of a record.
pub fn result_of(app: &App, record: &Record) -> TrackResult {
    let form = app.content.form(&record.form);
    let form_title = form.map_or_else(|| record.form.clone(), |f| f.title.clone());
    let response = form.and_then(|f| f.response.clone());
    // A date stored under an earlier definition is shown only while the form promises one.
    let promised = response.as_ref().is_some_and(|r| r.is_promise());
    let kind = form.map(|f| f.kind).unwrap_or_default();
    TrackResult {
        code: display_code(&record.code),
        form: record.form.clone(),
        form_title,
        kind,
        status: record.status,
        status_label: record.status.label(kind),
        received_at: record.received_at.clone(),
        updated_at: record.updated_at.clone(),
        expected_by: record.expected_by.clone().filter(|_| promised),
        response,
        message: record.message.clone(),
        history: record
            .history
            .iter()
            .map(|c| HistoryView {
                status: c.status,
                status_label: c.status.label(kind),
                at: c.at.clone(),
            })
            .collect(),
    }
}

/// Handles a follow-up.
pub async fn track(
    State(app): State<Arc<App>>,
    Extension(client): Extension<Client>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let json = body::wants_json(&headers);
    let read = async {
        let encoding = body::encoding(&headers)?;
        let bytes = body::read(&headers, body).await?;
        body::fields(encoding, &bytes)
    };
    let mut pairs = match read.await {
        Ok(p) => p,
        Err(why) => return answer::refused(&app.pages, json, why),
    };
    take_service_fields(&mut pairs);
    let form = &app.content.track;
    let invalid = |errors: Vec<FieldError>, pairs: &[(String, String)]| {
        if json {
            return answer::invalid_json(&errors);
        }
        let html = app.pages.form(
            form,
            &app.content.site.track_action(),
            &posted_values(form, pairs),
            &errors,
        );
        with_outcome(
            (StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response(),
            "invalid",
        )
    };
    let answers = match forms::validate(form, &pairs) {
        Ok(a) => a,
        Err(Refusal::TooManyFields) => {
            return answer::refused(&app.pages, json, Refused::TooManyFields);
        }
        Err(Refusal::Invalid(errors)) => return invalid(errors, &pairs),
    };
    let text = |name: &str| {
        answers
            .values
            .get(name)
            .map(|v| v.joined())
            .unwrap_or_default()
    };
    let code = text("code");
    let Some(contact) = forms::normalise::contact(&text("contact")) else {
        let errors = vec![FieldError {
            field: "contact".to_string(),
            message: messages::MSG_TRACK_CONTACT.to_string(),
        }];
        return invalid(errors, &pairs);
    };
    match lookup(&app, &client, &code, &contact).await {
        Ok(Lookup::Found(record)) => {
            let result = result_of(&app, &record);
            let resp = if json {
                (StatusCode::OK, Json(result)).into_response()
            } else {
                (StatusCode::OK, Html(app.pages.track(Some(&result)))).into_response()
            };
            with_outcome(resp, "found")
        }
        Ok(Lookup::NotFound) => {
            let resp = if json {
                (
                    StatusCode::NOT_FOUND,
                    Json(serde_json::json!({
                        "error": "not_found",
                        "message": messages::MSG_TRACK_NOT_FOUND,
                    })),
                )
                    .into_response()
            } else {
                (StatusCode::NOT_FOUND, Html(app.pages.track(None))).into_response()
            };
            with_outcome(resp, "not_found")
        }
        Ok(Lookup::Throttled { retry_after }) => {
            let mut resp = if json {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    Json(serde_json::json!({
                        "error": "too_many_attempts",
                        "message": messages::MSG_THROTTLED,
                        "retry_after": retry_after,
                    })),
                )
                    .into_response()
            } else {
                let html = app.pages.error(&ErrorView {
                    status: 429,
                    title: "محاولات كثيرة",
                    message: messages::MSG_THROTTLED,
                    retry: true,
                });
                (StatusCode::TOO_MANY_REQUESTS, Html(html)).into_response()
            };
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            with_outcome(resp, "throttled")
        }
        Err(err) => {
            tracing::warn!(error = %err, "follow-up not answered");
            answer::error(
                &app.pages,
                json,
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "تعذّر عرض حالة الطلب",
                messages::MSG_TRACK_UNAVAILABLE,
            )
        }
    }
}

// Lives only for one request, on the stack: boxing the record would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Lookup {
    Found(Box<Record>),
    NotFound,
    Throttled { retry_after: u64 },
}

async fn lookup(
    app: &App,
    client: &Client,
    code: &str,
    contact: &str,
) -> Result<Lookup, Unavailable> {
    let ip = client.counted();
    let scopes = [
        (TryScope::Client(&ip), MAX_FAILURES_PER_CLIENT),
        (TryScope::Code(code), MAX_FAILURES_PER_CODE),
    ];
    if let Reserved::Refused { retry_after } = app.store.reserve(&scopes).await? {
        return Ok(Lookup::Throttled { retry_after });
    }
    let record = app.store.find(code).await?;
    let matches = record
        .as_ref()
        .is_some_and(|r| contact_matches(&r.contacts, contact));
    match record {
        Some(r) if matches => {
            app.store.release(&scopes.map(|(s, _)| s)).await;
            Ok(Lookup::Found(Box::new(r)))
        }
        _ => Ok(Lookup::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_stored_contact_opens_the_follow_up() {
        let stored = ["+966501234567".to_string(), "sara@example.org".to_string()];
        assert!(contact_matches(&stored, "+966501234567"));
        assert!(contact_matches(&stored, "sara@example.org"));
        assert!(!contact_matches(&stored, "sara@example.com"));
        assert!(!contact_matches(&[String::new()], ""));
        assert!(!contact_matches(&[], "+966501234567"));
    }
}
