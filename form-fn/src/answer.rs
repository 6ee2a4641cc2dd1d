//! The answers the service gives, in the two forms a client may ask for: an HTML page in the
//! site's look for a browser posting a form, or JSON for a script (`Accept: application/json`).
//! The messages themselves are in [`crate::messages`].

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use crate::body::Refused;
use crate::messages::{MSG_INVALID, MSG_MALFORMED, MSG_NOT_UTF8, MSG_TOO_LARGE, MSG_UNSUPPORTED};
use crate::pages::{ErrorView, Pages};

/// Seconds a client should wait before sending again after a `503`.
pub const RETRY_AFTER_SECS: u64 = 30;

/// What happened to a request, for the access log (never what it held).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome(pub &'static str);

/// The form id a request was for, once known to be one of the site's, for the access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormId(pub String);

/// Marks a response with its outcome.
pub fn with_outcome(mut resp: Response, outcome: &'static str) -> Response {
    resp.extensions_mut().insert(Outcome(outcome));
    resp
}

/// An error answer: JSON `{error, message}` or the error page.
pub fn error(
    pages: &Pages,
    json: bool,
    status: StatusCode,
    kind: &'static str,
    title: &str,
    message: &str,
) -> Response {
    let retry = status == StatusCode::SERVICE_UNAVAILABLE;
    let mut resp = if json {
        (status, Json(json!({ "error": kind, "message": message }))).into_response()
    } else {
        let html = pages.error(&ErrorView {
            status: status.as_u16(),
            title,
            message,
            retry,
        });
        (status, Html(html)).into_response()
    };
    if retry {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    }
    with_outcome(resp, kind)
}

/// The answer to a body refused before its fields were read.
pub fn refused(pages: &Pages, json: bool, why: Refused) -> Response {
    let (status, kind, title, message) = match why {
        Refused::UnsupportedType => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type",
            "صيغة غير مقبولة",
            MSG_UNSUPPORTED,
        ),
        Refused::TooLarge | Refused::TooManyFields => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "المحتوى أكبر من المسموح",
            MSG_TOO_LARGE,
        ),
        Refused::NotUtf8 => (
            StatusCode::BAD_REQUEST,
            "not_utf8",
            "رموز غير صالحة",
            MSG_NOT_UTF8,
        ),
        Refused::Malformed => (
            StatusCode::BAD_REQUEST,
            "malformed",
            "تعذّرت قراءة الطلب",
            MSG_MALFORMED,
        ),
    };
    error(pages, json, status, kind, title, message)
}

/// `422` in JSON: one Arabic message per field.
pub fn invalid_json(errors: &[forms::FieldError]) -> Response {
    let by_field: BTreeMap<&str, &str> = errors
        .iter()
        .map(|e| (e.field.as_str(), e.message.as_str()))
        .collect();
    let resp = (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "error": "invalid", "message": MSG_INVALID, "errors": by_field })),
    )
        .into_response();
    with_outcome(resp, "invalid")
}
