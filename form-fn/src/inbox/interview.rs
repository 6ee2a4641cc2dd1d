//! The inbox's interview page: a survey's answer given in person or by phone, entered by staff
//! with the survey's own fields (rendered as the public form renders them, so it works without
//! JavaScript and shows each Arabic message beside its field), the interview's channel and the
//! session's token. Stored by [`crate::staff::Staff::enter_interview`], as the command does.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use forms::report::SurveyChannel;
use forms::{FieldError, FormDef};
use serde::Serialize;
use serde_json::json;

use super::{Fields, Me, error_page, html, me, see_other, signed_in, signed_post};
use crate::answer::with_outcome;
use crate::app::App;
use crate::auth::session::Session;
use crate::record::channel_name;
use crate::routes;
use crate::staff::interview::{CHANNELS, Interview, InterviewError, parse_channel};
use crate::submit::{IDEMPOTENCY_FIELD, posted_values, take_service_fields};

/// The page's title.
pub const TITLE: &str = "إدخال استبيان من مقابلة";
/// No channel chosen.
pub const MSG_CHANNEL: &str = "اختر كيف أُجريت المقابلة: ميدانية أو هاتفية";
/// Stored.
pub const MSG_DONE: &str = "حُفظ الاستبيان من المقابلة. يمكنك إدخال استبيان آخر.";
/// The name of the channel's field on the page.
pub const CHANNEL_FIELD: &str = "interview_channel";

#[derive(Serialize)]
struct Link {
    title: String,
    href: String,
}

#[derive(Serialize)]
struct View<'a> {
    me: Me<'a>,
    title: &'static str,
    /// The surveys to choose from (on the list page).
    surveys: Vec<Link>,
    /// The survey being entered (on its page).
    form_title: Option<String>,
    done: Option<&'static str>,
}

#[derive(Serialize)]
struct ChannelChoice {
    id: &'static str,
    label: &'static str,
    checked: bool,
}

#[derive(Serialize)]
struct StaffFields<'a> {
    csrf: &'a str,
    hidden: [(); 0],
    channels: Vec<ChannelChoice>,
}

fn not_a_survey(app: &App) -> Response {
    with_outcome(
        error_page(
            app,
            StatusCode::NOT_FOUND,
            "لا يوجد استبيان",
            "لا يوجد استبيان بهذا الاسم: تُدخَل المقابلات في نماذج الاستبيان وحدها. ارجع إلى صندوق الطلبات.",
        ),
        "staff_not_a_survey",
    )
}

/// The survey `id`, when it is one.
fn survey<'a>(app: &'a App, id: &str) -> Option<&'a FormDef> {
    app.staff.surveys().find(|f| f.id == id)
}

#[allow(clippy::too_many_arguments)]
fn page(
    app: &App,
    s: &Session,
    form: &FormDef,
    status: StatusCode,
    values: &BTreeMap<String, serde_json::Value>,
    errors: &[FieldError],
    channel: Option<SurveyChannel>,
    done: Option<&'static str>,
) -> Response {
    // The challenge is for the public: staff are signed in.
    let mut shown = form.clone();
    shown.captcha = false;
    let view = View {
        me: me(s),
        title: TITLE,
        surveys: Vec::new(),
        form_title: Some(form.title.clone()),
        done,
    };
    let staff = StaffFields {
        csrf: &s.csrf,
        hidden: [],
        channels: CHANNELS
            .iter()
            .map(|c| ChannelChoice {
                id: channel_name(*c),
                label: c.label(),
                checked: channel == Some(*c),
            })
            .collect(),
    };
    let title = format!("{TITLE}: {}", form.title);
    html(
        status,
        app.pages.staff_form(
            "interview.html",
            &title,
            &routes::interview_path(&form.id),
            &view,
            &shown,
            values,
            errors,
            &staff,
        ),
    )
}

/// A fresh page's answers: none, and a new key, so that sending it twice stores it once.
fn fresh_values() -> BTreeMap<String, serde_json::Value> {
    BTreeMap::from([(
        IDEMPOTENCY_FIELD.to_string(),
        json!(crate::code::new_code()),
    )])
}

/// `GET /api/staff/interviews`: the one survey's page, or the surveys to choose from.
pub async fn interviews(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let s = match signed_in(&app, &headers, true).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let surveys: Vec<Link> = app
        .staff
        .surveys()
        .map(|f| Link {
            title: f.title.clone(),
            href: routes::interview_path(&f.id),
        })
        .collect();
    if let [one] = surveys.as_slice() {
        return see_other(&one.href);
    }
    let view = View {
        me: me(&s),
        title: TITLE,
        surveys,
        form_title: None,
        done: None,
    };
    html(
        StatusCode::OK,
        app.pages
            .staff("interview.html", TITLE, routes::STAFF_INTERVIEWS, &view),
    )
}

/// `GET /api/staff/interviews/{form}`: the survey's fields, empty.
pub async fn interview_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(form): Path<String>,
    Query(q): Query<Fields>,
) -> Response {
    let s = match signed_in(&app, &headers, true).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(form) = survey(&app, &form) else {
        return not_a_survey(&app);
    };
    let done = q.contains_key("done").then_some(MSG_DONE);
    with_outcome(
        page(
            &app,
            &s,
            form,
            StatusCode::OK,
            &fresh_values(),
            &[],
            None,
            done,
        ),
        "staff_interview_form",
    )
}

/// `POST /api/staff/interviews/{form}`: stores the answer and shows a fresh page, or shows the
/// answers again with each field's message.
pub async fn interview(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(form): Path<String>,
    Form(mut pairs): Form<Vec<(String, String)>>,
) -> Response {
    let token: Fields = pairs
        .iter()
        .filter(|(n, _)| n == "csrf")
        .take(1)
        .cloned()
        .collect();
    let s = match signed_post(&app, &headers, &token).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(form) = survey(&app, &form) else {
        return not_a_survey(&app);
    };
    let channel = pairs
        .iter()
        .find(|(n, _)| n == CHANNEL_FIELD)
        .and_then(|(_, v)| parse_channel(v));
    pairs.retain(|(n, _)| n != "csrf" && n != CHANNEL_FIELD);
    let (_, key) = take_service_fields(&mut pairs);
    let again = |errors: Vec<FieldError>| {
        let mut values = posted_values(form, &pairs);
        values.insert(
            IDEMPOTENCY_FIELD.to_string(),
            json!(key.clone().unwrap_or_default()),
        );
        with_outcome(
            page(
                &app,
                &s,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
                &values,
                &errors,
                channel,
                None,
            ),
            "staff_interview_invalid",
        )
    };
    let Some(channel) = channel else {
        // Every message at once: the channel's, and the answers' own.
        let mut errors = vec![FieldError {
            field: CHANNEL_FIELD.to_string(),
            message: MSG_CHANNEL.to_string(),
        }];
        if let Err(forms::Refusal::Invalid(more)) = forms::validate(form, &pairs) {
            errors.extend(more);
        }
        return again(errors);
    };
    let entered = app
        .staff
        .enter_interview(&Interview {
            form: &form.id,
            channel,
            answers: &pairs,
            by: &s.member.email,
            key: key.as_deref(),
        })
        .await;
    match entered {
        Ok(_) => {
            if let Some(wake) = &app.outbox_wake {
                wake.notify_one();
            }
            with_outcome(
                see_other(&format!("{}?done=1", routes::interview_path(&form.id))),
                "staff_interview_stored",
            )
        }
        Err(InterviewError::Invalid(errors)) => again(errors),
        Err(InterviewError::UnknownForm(_) | InterviewError::NotASurvey(_)) => not_a_survey(&app),
        Err(e) => {
            tracing::warn!(form = %form.id, error = %e, "staff: interview not stored");
            error_page(
                &app,
                StatusCode::SERVICE_UNAVAILABLE,
                "لم يُحفظ",
                "لم يُحفظ الاستبيان. ارجع إلى الصفحة السابقة وأعد الإرسال بعد دقيقة؛ ما أدخلته باقٍ فيها.",
            )
        }
    }
}
