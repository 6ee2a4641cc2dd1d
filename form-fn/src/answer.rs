//! The answers the service gives, in the two forms a client may ask for: an HTML page in the
//! site's look for a browser posting a form, or JSON for a script (`Accept: application/json`).
//! Every message a beneficiary may read is here, in Arabic, saying what to do next.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use crate::body::Refused;
use crate::pages::{ErrorView, Pages};

/// The form was not sent: the summary's lead.
pub const MSG_INVALID: &str = "لم يُرسل النموذج. صحّح ما يلي ثم أرسله من جديد:";
/// No form at that address.
pub const MSG_NO_FORM: &str =
    "لا يوجد نموذج بهذا العنوان. افتح النموذج من قائمة الموقع ثم أرسله من صفحته.";
/// A body too large, or with too many fields.
pub const MSG_TOO_LARGE: &str =
    "ما أرسلته أكبر مما يقبله النموذج. اختصر النصوص الطويلة ثم أرسل النموذج من جديد.";
/// A body neither a form nor JSON.
pub const MSG_UNSUPPORTED: &str =
    "لم نستطع قراءة ما أرسلته لأنه بصيغة لا يقبلها النموذج. أرسل النموذج من صفحته في الموقع.";
/// A body that cannot be read.
pub const MSG_MALFORMED: &str = "لم نستطع قراءة ما أرسلته. ارجع إلى صفحة النموذج وأرسله من جديد.";
/// A body with bytes that are not text.
pub const MSG_NOT_UTF8: &str = "يحتوي ما أرسلته على رموز غير صالحة لا يمكن قراءتها كنص. ارجع إلى صفحة النموذج واكتب إجاباتك من جديد ثم أرسله.";
/// The store failed: nothing was saved.
/// A challenge not passed (no token, or one the provider refused).
pub const MSG_CAPTCHA: &str = "لم يكتمل التحقق من أن المرسل شخص: أكمل خطوة التحقق أعلى زر الإرسال ثم أرسل مرة أخرى. ما كتبته محفوظ في الصفحة.";
pub const MSG_NOT_SAVED: &str = "لم يُحفظ ما أرسلته بسبب عطل مؤقت لدينا، ولم يُسجَّل. أرسله مرة أخرى بعد دقيقة؛ ولن يُسجَّل مرتين إذا وصل من قبل.";
/// The store failed during a follow-up.
pub const MSG_TRACK_UNAVAILABLE: &str =
    "تعذّر عرض الحالة بسبب عطل مؤقت لدينا. حاول مرة أخرى بعد دقيقة.";
/// A wrong code and a wrong contact get this same answer.
pub const MSG_TRACK_NOT_FOUND: &str = "لم نجد طلبًا أو رسالة بهذا الرمز وهذه البيانات. تأكد من رمز المتابعة، ومن رقم الجوال أو البريد الإلكتروني كما كتبته عند الإرسال.";
/// Too many failed follow-ups.
pub const MSG_THROTTLED: &str = "تجاوزت عدد المحاولات المسموح به. انتظر قليلًا ثم حاول مرة أخرى، وتأكد من رمز المتابعة ومن رقم الجوال أو البريد الإلكتروني.";
/// Too many submissions from one client.
pub const MSG_TOO_MANY_SUBMISSIONS: &str = "وصلنا عدد كبير من الطلبات من جهازك أو شبكتك في وقت قصير. انتظر ربع ساعة ثم أرسل النموذج من جديد.";
/// A form posted from another site.
pub const MSG_CROSS_SITE: &str =
    "لا يُقبل هذا النموذج إلا من صفحته في موقعنا. افتح النموذج من قائمة الموقع ثم أرسله من هناك.";
/// A follow-up contact that is neither a phone number nor an e-mail address.
pub const MSG_TRACK_CONTACT: &str =
    "أدخل رقم الجوال أو البريد الإلكتروني الذي كتبته عند الإرسال، مثل 0501234567";

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
