//! The staff inbox under `/api/staff/`: sign-in pages, the list of cases, a case's page and its
//! actions, the export and the staff accounts; interviews ([`interview`]) and a person's rights
//! ([`people`]) in their own modules. Every page is HTML from `templates/staff/`, works
//! without JavaScript, is `noindex` and (like every answer) `no-store`. Each action calls the one
//! library function the staff command calls too ([`crate::staff`]); the rules are there.
//!
//! Every state-changing POST needs the session's CSRF token (the sign-in forms: the token of the
//! cookie set with the form), besides the router's refusal of cross-site posts; a caseworker sees
//! only cases assigned to them and unassigned ones, and no manager's page. Refusals are never 403,
//! which CloudFront replaces with the site's 404 page: a page or case outside one's role is 404
//! (with its Arabic message, as for a case that does not exist), an expired or forged form token
//! 400, no session 401.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Extension;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use forms::Status;
use forms::normalise::display_code;
use serde::Serialize;

use crate::answer::with_outcome;
use crate::app::App;
use crate::auth::cognito::{Cognito, SignInError, Step};
use crate::auth::session::{self, COOKIE, PRE_COOKIE, Session};
use crate::auth::{Role, StaffMember};
use crate::client::Client;
use crate::clock::{epoch_of, now_epoch};
use crate::lookup::{Identifier, Kind};
use crate::record::Record;
use crate::routes;
use crate::staff::ActionError;
use crate::staff::queue::{self, Whose};

/// Cases on one page of the list.
pub const PAGE_SIZE: usize = 25;

/// A changed case since it was opened.
pub const MSG_STALE: &str = "لم يُحفظ التغيير: عدّل زميل هذه الحالة بعد أن فتحتها. راجع الحالة كما هي الآن أدناه، ثم أعد ما أردت؛ ما كتبته محفوظ في الحقل.";
/// A form of the inbox sent without its token (an old page, or another site).
pub const MSG_CSRF: &str = "انتهت صلاحية هذه الصفحة. افتحها من جديد ثم أعد المحاولة.";
/// Not signed in.
pub const MSG_SIGN_IN: &str = "سجّل الدخول أولًا.";
/// A caseworker on a page for managers, or on another's case.
pub const MSG_FORBIDDEN: &str = "هذه الصفحة ليست ضمن صلاحياتك. ارجع إلى صندوق الطلبات.";

pub mod interview;
pub mod people;

type Fields = HashMap<String, String>;

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Whether the request came over plain HTTP on this machine (no `Secure` cookie then).
fn on_loopback(client: &Client) -> bool {
    client
        .ip
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

fn with_cookie(mut resp: Response, value: String) -> Response {
    if let Ok(v) = HeaderValue::from_str(&value) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

fn error_page(app: &App, status: StatusCode, title: &str, message: &str) -> Response {
    crate::answer::error(&app.pages, false, status, "staff", title, message)
}

/// The session of the request, or the answer to give instead: a GET is sent to the sign-in
/// page, a POST told to sign in (401).
async fn signed_in(app: &App, headers: &HeaderMap, get: bool) -> Result<Session, Response> {
    let found = match session::cookie(headers, COOKIE) {
        Some(c) => app.auth.sessions.find(&c, now_epoch()).await.map_err(|e| {
            tracing::warn!(error = %e, "staff: session store unavailable");
            error_page(
                app,
                StatusCode::SERVICE_UNAVAILABLE,
                "عطل مؤقت",
                "تعذّر التحقق من الدخول. حاول بعد دقيقة.",
            )
        })?,
        None => None,
    };
    match found {
        Some(s) => Ok(s),
        None if get => Err(with_outcome(
            see_other(routes::STAFF_SIGN_IN),
            "staff_sign_in_needed",
        )),
        None => Err(with_outcome(
            error_page(app, StatusCode::UNAUTHORIZED, "سجّل الدخول", MSG_SIGN_IN),
            "staff_sign_in_needed",
        )),
    }
}

/// The session of a state-changing POST whose token matches it.
async fn signed_post(app: &App, headers: &HeaderMap, fields: &Fields) -> Result<Session, Response> {
    let s = signed_in(app, headers, false).await?;
    let given = fields.get("csrf").map(String::as_str).unwrap_or("");
    if !session::same_secret(&s.csrf, given) {
        return Err(token_refused(app));
    }
    Ok(s)
}

/// The refusal of a manager's page to a caseworker (404: see the module's note on 403).
/// The session of a signed-in manager, or the page to answer instead (sign-in, or 404 for a
/// caseworker).
async fn signed_in_manager(app: &App, headers: &HeaderMap) -> Result<Session, Response> {
    let s = signed_in(app, headers, true).await?;
    match managers_only(app, &s) {
        Some(r) => Err(r),
        None => Ok(s),
    }
}

fn managers_only(app: &App, s: &Session) -> Option<Response> {
    (s.member.role != Role::Manager).then(|| {
        with_outcome(
            error_page(app, StatusCode::NOT_FOUND, "غير مسموح", MSG_FORBIDDEN),
            "staff_forbidden",
        )
    })
}

/// Who the staff bar shows.
#[derive(Serialize)]
struct Me<'a> {
    email: &'a str,
    role: Role,
    role_label: &'static str,
    manager: bool,
    csrf: &'a str,
}

fn me(s: &Session) -> Me<'_> {
    Me {
        email: &s.member.email,
        role: s.member.role,
        role_label: s.member.role.label(),
        manager: s.member.role == Role::Manager,
        csrf: &s.csrf,
    }
}

// ---------- sign-in ----------

#[derive(Serialize, Default)]
struct SignInView {
    /// `password`, `new_password`, `mfa` or `mfa_setup`.
    step: &'static str,
    csrf: String,
    username: String,
    session: String,
    secret: String,
    error: Option<&'static str>,
    cognito: bool,
    local: bool,
}

fn sign_in_page(app: &App, status: StatusCode, view: &SignInView) -> Response {
    html(
        status,
        app.pages
            .staff("sign_in.html", "دخول الموظفين", routes::STAFF_SIGN_IN, view),
    )
}

fn local_link_enabled(app: &App) -> bool {
    #[cfg(feature = "local")]
    {
        app.auth.link.is_some()
    }
    #[cfg(not(feature = "local"))]
    {
        let _ = app;
        false
    }
}

/// `GET /api/staff/sign-in`.
pub async fn sign_in_form(
    State(app): State<Arc<App>>,
    Extension(client): Extension<Client>,
) -> Response {
    let pre = session::random_hex(24);
    let view = SignInView {
        step: "password",
        csrf: pre.clone(),
        cognito: app.auth.cognito.is_some(),
        local: local_link_enabled(&app),
        ..Default::default()
    };
    let resp = sign_in_page(&app, StatusCode::OK, &view);
    with_cookie(
        resp,
        session::set_cookie(PRE_COOKIE, &pre, 15 * 60, !on_loopback(&client)),
    )
}

fn sign_in_message(e: &SignInError) -> &'static str {
    match e {
        SignInError::Credentials => {
            "البريد الإلكتروني أو كلمة المرور غير صحيحة، أو الحساب موقوف. تحقق منهما ثم حاول مرة أخرى."
        }
        SignInError::Code => {
            "الرمز غير صحيح أو انتهت مدته. اكتب الرمز الظاهر الآن في تطبيق المصادقة."
        }
        SignInError::Policy => {
            "كلمة المرور الجديدة لا تستوفي الشروط: ١٢ حرفًا على الأقل، فيها حرف كبير وحرف صغير ورقم ورمز."
        }
        SignInError::Expired => "انتهت مهلة الدخول. ابدأ من جديد بالبريد الإلكتروني وكلمة المرور.",
        SignInError::NoRole => "حسابك غير مضاف إلى فريق الموظفين بعد. اطلب من المدير إضافتك.",
        SignInError::Token(_) | SignInError::Unavailable(_) => {
            "تعذّر الدخول بسبب عطل مؤقت. حاول بعد دقيقة."
        }
    }
}

/// The step to show again when a step fails.
struct Failed {
    step: &'static str,
    session: String,
    secret: String,
}

/// Finishes a sign-in step: a session on success, the next step's page otherwise.
async fn after_step(
    app: &App,
    client: &Client,
    pre: String,
    username: String,
    result: Result<Step, SignInError>,
    failed: Failed,
) -> Response {
    let mut view = SignInView {
        csrf: pre,
        username,
        cognito: true,
        local: local_link_enabled(app),
        ..Default::default()
    };
    match result {
        Ok(Step::Done(member)) => start_session(app, client, &member).await,
        Ok(Step::NewPassword { session }) => {
            view.step = "new_password";
            view.session = session;
            sign_in_page(app, StatusCode::OK, &view)
        }
        Ok(Step::Mfa { session }) => {
            view.step = "mfa";
            view.session = session;
            sign_in_page(app, StatusCode::OK, &view)
        }
        Ok(Step::MfaSetup { session, secret }) => {
            view.step = "mfa_setup";
            view.session = session;
            view.secret = secret;
            sign_in_page(app, StatusCode::OK, &view)
        }
        Err(e) => {
            if let SignInError::Token(why) = &e {
                tracing::error!(error = %why, "staff: a token from the pool did not verify");
            }
            if let SignInError::Unavailable(code) = &e {
                tracing::warn!(error = %code, "staff: sign-in failed");
            }
            let restart = matches!(
                e,
                SignInError::Expired | SignInError::Credentials | SignInError::NoRole
            );
            if !restart {
                view.step = failed.step;
                view.session = failed.session;
                view.secret = failed.secret;
            } else {
                view.step = "password";
            }
            view.error = Some(sign_in_message(&e));
            let status = match e {
                SignInError::Credentials | SignInError::Code | SignInError::Expired => {
                    StatusCode::UNAUTHORIZED
                }
                SignInError::NoRole => StatusCode::UNAUTHORIZED,
                SignInError::Policy => StatusCode::BAD_REQUEST,
                _ => StatusCode::SERVICE_UNAVAILABLE,
            };
            with_outcome(sign_in_page(app, status, &view), "staff_sign_in_refused")
        }
    }
}

async fn start_session(app: &App, client: &Client, member: &StaffMember) -> Response {
    match app.auth.sessions.start(member, now_epoch()).await {
        Ok(cookie) => {
            let secure = !on_loopback(client);
            let resp = with_cookie(
                see_other(routes::STAFF_INBOX),
                session::set_cookie(COOKIE, &cookie, session::ABSOLUTE_SECS, secure),
            );
            with_outcome(
                with_cookie(resp, session::set_cookie(PRE_COOKIE, "", 0, secure)),
                "staff_signed_in",
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "staff: session not stored");
            error_page(
                app,
                StatusCode::SERVICE_UNAVAILABLE,
                "عطل مؤقت",
                "تعذّر بدء الجلسة. حاول بعد دقيقة.",
            )
        }
    }
}

/// The sign-in form's own token, if it matches its cookie.
fn pre_token(headers: &HeaderMap, fields: &Fields) -> Option<String> {
    let cookie = session::cookie(headers, PRE_COOKIE).unwrap_or_default();
    let given = fields.get("csrf").cloned().unwrap_or_default();
    session::same_secret(&cookie, &given).then_some(given)
}

/// The answer to a form sent without its token (an old page, or another site's).
fn token_refused(app: &App) -> Response {
    with_outcome(
        error_page(app, StatusCode::BAD_REQUEST, "انتهت صلاحية الصفحة", MSG_CSRF),
        "staff_csrf",
    )
}

fn field(fields: &Fields, name: &str) -> String {
    fields
        .get(name)
        .map(|v| v.trim().to_string())
        .unwrap_or_default()
}

/// What every sign-in step needs: the form's own token, checked, and the user pool.
async fn sign_in_step<'a>(
    app: &'a App,
    headers: &HeaderMap,
    fields: &Fields,
) -> Result<(String, &'a Cognito), Response> {
    let Some(pre) = pre_token(headers, fields) else {
        return Err(token_refused(app));
    };
    match app.auth.cognito().await {
        Some(cognito) => Ok((pre, cognito)),
        None => Err(error_page(
            app,
            StatusCode::NOT_FOUND,
            "غير متاح",
            "الدخول بكلمة المرور غير مُعدّ في هذه النسخة.",
        )),
    }
}

/// `POST /api/staff/sign-in`: e-mail and password.
pub async fn sign_in(
    State(app): State<Arc<App>>,
    Extension(client): Extension<Client>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let (pre, cognito) = match sign_in_step(&app, &headers, &fields).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let username = field(&fields, "email").to_lowercase();
    let password = fields.get("password").cloned().unwrap_or_default();
    let result = cognito.password(&username, &password).await;
    let failed = Failed {
        step: "password",
        session: String::new(),
        secret: String::new(),
    };
    after_step(&app, &client, pre, username, result, failed).await
}

/// `POST /api/staff/sign-in/challenge`: a new password, an authenticator code, or the first code
/// of a newly added authenticator.
pub async fn challenge(
    State(app): State<Arc<App>>,
    Extension(client): Extension<Client>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let (pre, cognito) = match sign_in_step(&app, &headers, &fields).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let username = field(&fields, "username");
    let cognito_session = field(&fields, "session");
    let code = forms::normalise::ascii_digits(&field(&fields, "code")).replace(' ', "");
    let (step, result) = match field(&fields, "step").as_str() {
        "new_password" => {
            let password = fields.get("password").cloned().unwrap_or_default();
            if password != fields.get("password2").cloned().unwrap_or_default() {
                let view = SignInView {
                    step: "new_password",
                    csrf: pre,
                    username,
                    session: cognito_session,
                    error: Some(
                        "كلمتا المرور غير متطابقتين. اكتب الكلمة الجديدة نفسها في الحقلين.",
                    ),
                    cognito: true,
                    ..Default::default()
                };
                return sign_in_page(&app, StatusCode::BAD_REQUEST, &view);
            }
            (
                "new_password",
                cognito
                    .new_password(&cognito_session, &username, &password)
                    .await,
            )
        }
        "mfa" => ("mfa", cognito.mfa(&cognito_session, &username, &code).await),
        "mfa_setup" => (
            "mfa_setup",
            cognito.mfa_setup(&cognito_session, &username, &code).await,
        ),
        _ => ("password", Err(SignInError::Expired)),
    };
    // A wrong first code of a new authenticator shows its key again.
    let failed = Failed {
        step,
        session: cognito_session,
        secret: field(&fields, "secret"),
    };
    after_step(&app, &client, pre, username, result, failed).await
}

/// `GET /api/staff/sign-in/link?token=…`: the local one-time link, from this machine only.
#[cfg(feature = "local")]
pub async fn sign_in_link(
    State(app): State<Arc<App>>,
    Extension(client): Extension<Client>,
    Query(q): Query<Fields>,
) -> Response {
    let Some(link) = app.auth.link.as_ref() else {
        return error_page(
            &app,
            StatusCode::NOT_FOUND,
            "الصفحة غير موجودة",
            crate::messages::MSG_NO_FORM,
        );
    };
    if !on_loopback(&client) {
        return with_outcome(
            error_page(
                &app,
                StatusCode::NOT_FOUND,
                "غير مسموح",
                "رابط الدخول المحلي يُقبل من الجهاز نفسه فقط.",
            ),
            "staff_link_refused",
        );
    }
    if !link.redeem(q.get("token").map(String::as_str).unwrap_or("")) {
        return with_outcome(
            error_page(
                &app,
                StatusCode::UNAUTHORIZED,
                "الرابط غير صالح",
                "رابط الدخول هذا استُعمل من قبل أو غير صحيح. استعمل الرابط الجديد الظاهر في الطرفية.",
            ),
            "staff_link_refused",
        );
    }
    start_session(&app, &client, &crate::auth::LocalLink::member()).await
}

/// `POST /api/staff/sign-out`.
pub async fn sign_out(
    State(app): State<Arc<App>>,
    Extension(client): Extension<Client>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    if let Err(r) = signed_post(&app, &headers, &fields).await {
        return r;
    }
    if let Some(c) = session::cookie(&headers, COOKIE)
        && let Err(e) = app.auth.sessions.end(&c).await
    {
        tracing::warn!(error = %e, "staff: session not ended");
        return error_page(
            &app,
            StatusCode::SERVICE_UNAVAILABLE,
            "عطل مؤقت",
            "تعذّر الخروج. حاول بعد دقيقة.",
        );
    }
    with_outcome(
        with_cookie(
            see_other(routes::STAFF_SIGN_IN),
            session::set_cookie(COOKIE, "", 0, !on_loopback(&client)),
        ),
        "staff_signed_out",
    )
}

// ---------- the list ----------

#[derive(Serialize)]
struct Choice {
    id: String,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct Row {
    code: String,
    href: String,
    form_title: String,
    status: Status,
    status_label: &'static str,
    received_at: String,
    age_days: u64,
    expected_by: Option<String>,
    overdue: bool,
    assignee: Option<String>,
}

#[derive(Serialize)]
struct ListView<'a> {
    me: Me<'a>,
    forms: Vec<Choice>,
    statuses: Vec<Choice>,
    whose: String,
    overdue: bool,
    q: String,
    rows: Vec<Row>,
    next: Option<String>,
    first: Option<String>,
    query_string: String,
    notice: Option<String>,
}

fn today() -> String {
    forms::dates::Day::today().to_string()
}

fn row(app: &App, r: &Record, today: &str) -> Row {
    let age = epoch_of(&r.received_at)
        .map_or(0, |t| now_epoch().saturating_sub(t.max(0) as u64) / 86_400);
    Row {
        code: display_code(&r.code),
        href: routes::case_path(&r.code),
        form_title: app
            .content
            .form(&r.form)
            .map_or(r.form.clone(), |f| f.title.clone()),
        status: r.status,
        status_label: r.status.label(app.staff.kind_of(r)),
        received_at: r.received_at.clone(),
        age_days: age,
        overdue: r.status.is_open() && r.expected_by.as_deref().is_some_and(|d| d < today),
        expected_by: r.expected_by.clone(),
        assignee: r.assignee.clone(),
    }
}

/// Whether a caseworker may see this case.
fn may_see(s: &Session, r: &Record) -> bool {
    s.member.role == Role::Manager || r.assignee.as_deref().is_none_or(|a| a == s.member.email)
}

/// The list's query from its address, within what the staff member may see.
fn list_query(q: &Fields, s: &Session) -> queue::Query {
    let form = q.get("form").filter(|f| !f.is_empty()).cloned();
    let status = q.get("status").and_then(|v| v.parse::<Status>().ok());
    let me = s.member.email.clone();
    let whose = match (q.get("whose").map(String::as_str), s.member.role) {
        (Some("mine"), _) => Whose::Assigned(me),
        (Some("unassigned"), _) => Whose::Unassigned,
        (_, Role::Manager) => Whose::Any,
        (_, Role::Caseworker) => Whose::MineOrUnassigned(me),
    };
    queue::Query {
        forms: form.into_iter().collect(),
        statuses: status.into_iter().collect(),
        whose,
        overdue_on: q
            .get("overdue")
            .filter(|v| v.as_str() == "1")
            .map(|_| today()),
    }
}

/// `GET /api/staff/`: the list of cases.
pub async fn inbox(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> Response {
    let s = match signed_in(&app, &headers, true).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let search = q.get("q").map(|v| v.trim().to_string()).unwrap_or_default();
    let today = today();
    let mut notice = None;
    let (records, next) = if !search.is_empty() {
        if let Some(code) = forms::normalise::code(&search) {
            return see_other(&routes::case_path(&code));
        }
        match Identifier::parse(Kind::Phone, &search)
            .or_else(|| Identifier::parse(Kind::Email, &search))
        {
            Some(id) => match app.staff.find_indexed(&id).await {
                Ok(found) => (found.into_iter().filter(|r| may_see(&s, r)).collect(), None),
                Err(e) => {
                    tracing::warn!(error = %e, "staff: search failed");
                    return error_page(
                        &app,
                        StatusCode::SERVICE_UNAVAILABLE,
                        "عطل مؤقت",
                        "تعذّر البحث. حاول بعد دقيقة.",
                    );
                }
            },
            None => {
                notice = Some(
                    "اكتب رمز متابعة كاملًا، أو رقم جوال، أو بريدًا إلكترونيًا كما كتبه المستفيد."
                        .to_string(),
                );
                (Vec::new(), None)
            }
        }
    } else {
        let query = list_query(&q, &s);
        match app
            .staff
            .page(&query, q.get("after").map(String::as_str), PAGE_SIZE)
            .await
        {
            Ok(page) => (page.records, page.next),
            Err(e) => {
                tracing::warn!(error = %e, "staff: listing failed");
                return error_page(
                    &app,
                    StatusCode::BAD_REQUEST,
                    "تعذّر عرض القائمة",
                    "تعذّر عرض هذه الصفحة من القائمة. ارجع إلى أول القائمة.",
                );
            }
        }
    };
    let selected_form = q.get("form").cloned().unwrap_or_default();
    let selected_status = q.get("status").cloned().unwrap_or_default();
    // The statuses offered: those of the chosen form's kind, else a request's (every status).
    let list_kind = app
        .content
        .form(&selected_form)
        .map(|f| f.kind)
        .unwrap_or_default();
    let keep: Vec<(String, String)> = ["form", "status", "whose", "overdue"]
        .iter()
        .filter_map(|k| Some((k.to_string(), q.get(*k).filter(|v| !v.is_empty())?.clone())))
        .collect();
    let query_string = keep
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let view = ListView {
        me: me(&s),
        forms: app
            .content
            .forms
            .values()
            .map(|f| Choice {
                id: f.id.clone(),
                label: f.title.clone(),
                selected: f.id == selected_form,
            })
            .collect(),
        statuses: Status::for_kind(list_kind)
            .iter()
            .map(|st| Choice {
                id: st.as_str().to_string(),
                label: st.label(list_kind).to_string(),
                selected: st.as_str() == selected_status,
            })
            .collect(),
        whose: q.get("whose").cloned().unwrap_or_default(),
        overdue: q.get("overdue").is_some_and(|v| v == "1"),
        q: search,
        rows: records.iter().map(|r| row(&app, r, &today)).collect(),
        next: next.map(|n| {
            let sep = if query_string.is_empty() { "" } else { "&" };
            format!(
                "{}?{query_string}{sep}after={}",
                routes::STAFF_INBOX,
                percent_encoding::utf8_percent_encode(&n, percent_encoding::NON_ALPHANUMERIC)
            )
        }),
        first: q
            .contains_key("after")
            .then(|| format!("{}?{query_string}", routes::STAFF_INBOX)),
        query_string: query_string.clone(),
        notice,
    };
    html(
        StatusCode::OK,
        app.pages
            .staff("inbox.html", "صندوق الطلبات", routes::STAFF_INBOX, &view),
    )
}

// ---------- a case ----------

#[derive(Serialize)]
struct Answer {
    /// The field's name (for a manager's correction), or the stored key of a form gone.
    name: String,
    label: String,
    value: String,
}

#[derive(Serialize)]
struct HistoryRow {
    status_label: &'static str,
    at: String,
    by: Option<String>,
    message: Option<String>,
}

#[derive(Serialize)]
struct EventRow {
    label: &'static str,
    at: String,
    by: String,
    to: Option<String>,
    text: Option<String>,
}

#[derive(Serialize, Default)]
struct Kept {
    message: String,
    note: String,
    to: String,
}

#[derive(Serialize)]
struct CaseView<'a> {
    me: Me<'a>,
    code: String,
    bare_code: String,
    form_title: String,
    status: Status,
    status_label: &'static str,
    statuses: Vec<Choice>,
    version: u64,
    received_at: String,
    expected_by: Option<String>,
    overdue: bool,
    answers: Vec<Answer>,
    message: Option<String>,
    history: Vec<HistoryRow>,
    events: Vec<EventRow>,
    notes: Vec<EventRow>,
    checked: Option<EventRow>,
    assignee: Option<String>,
    openings: Vec<crate::staff::case::Opened>,
    error: Option<&'static str>,
    done: Option<&'static str>,
    kept: Kept,
}

fn event_label(kind: &str) -> &'static str {
    match kind {
        "note" => "ملاحظة داخلية",
        "assign" => "إسناد",
        "refer" => "تحويل إلى المسؤول المختص",
        "checked" => "مطابقة البيانات مع المستندات الرسمية",
        "status" => "تغيير الحالة",
        "interview" => "إدخال استبيان من مقابلة",
        _ => "إجراء",
    }
}

fn event_row(e: &crate::record::Event, kind: forms::FormKind) -> EventRow {
    EventRow {
        label: event_label(&e.kind),
        at: e.at.clone(),
        by: e.by.clone(),
        to: e.to.clone(),
        text: if e.kind == "status" {
            e.text
                .as_deref()
                .and_then(|t| t.parse::<Status>().ok())
                .map(|s| s.label(kind).to_string())
        } else {
            e.text.clone()
        },
    }
}

fn answers_of(app: &App, r: &Record) -> Vec<Answer> {
    let Some(form) = app.content.form(&r.form) else {
        return r
            .values
            .iter()
            .map(|(k, v)| Answer {
                name: k.clone(),
                label: k.clone(),
                value: value_text(v, &[]),
            })
            .collect();
    };
    form.fields
        .iter()
        .filter_map(|f| {
            let v = r.values.get(&f.name)?;
            Some(Answer {
                name: f.name.clone(),
                label: f.label.clone(),
                value: value_text(v, &f.options),
            })
        })
        .collect()
}

fn value_text(v: &forms::Value, options: &[forms::Choice]) -> String {
    let label = |x: &String| {
        options
            .iter()
            .find(|o| &o.value == x)
            .map_or(x.clone(), |o| o.label.clone())
    };
    match v {
        forms::Value::One(x) => label(x),
        forms::Value::Many(xs) => xs.iter().map(label).collect::<Vec<_>>().join("، "),
    }
}

async fn case_page(
    app: &App,
    s: &Session,
    r: &Record,
    status: StatusCode,
    error: Option<&'static str>,
    done: Option<&'static str>,
    kept: Kept,
) -> Response {
    let kind = app.staff.kind_of(r);
    let openings = app.staff.openings(&r.code, 20).await.unwrap_or_default();
    let today = today();
    let view = CaseView {
        me: me(s),
        code: display_code(&r.code),
        bare_code: r.code.clone(),
        form_title: app
            .content
            .form(&r.form)
            .map_or(r.form.clone(), |f| f.title.clone()),
        status: r.status,
        status_label: r.status.label(kind),
        statuses: Status::for_kind(kind)
            .iter()
            .map(|st| Choice {
                id: st.as_str().to_string(),
                label: st.label(kind).to_string(),
                selected: *st == r.status,
            })
            .collect(),
        version: r.version,
        received_at: r.received_at.clone(),
        overdue: r.status.is_open() && r.expected_by.as_deref().is_some_and(|d| d < today.as_str()),
        expected_by: r.expected_by.clone(),
        answers: answers_of(app, r),
        message: r.message.clone(),
        history: r
            .history
            .iter()
            .rev()
            .map(|h| HistoryRow {
                status_label: h.status.label(kind),
                at: h.at.clone(),
                by: h.by.clone(),
                message: h.message.clone(),
            })
            .collect(),
        events: r.events.iter().rev().map(|e| event_row(e, kind)).collect(),
        notes: r
            .events
            .iter()
            .rev()
            .filter(|e| e.kind == "note")
            .map(|e| event_row(e, kind))
            .collect(),
        checked: r.checked.as_ref().map(|e| event_row(e, kind)),
        assignee: r.assignee.clone(),
        openings,
        error,
        done,
        kept,
    };
    let title = format!("الطلب {}", display_code(&r.code));
    html(
        status,
        app.pages
            .staff("case.html", &title, &routes::case_path(&r.code), &view),
    )
}

/// The case `code` if it exists and the staff member may see it, or the answer to give.
async fn visible_case(app: &App, s: &Session, code: &str) -> Result<Record, Response> {
    let Some(code) = forms::normalise::code(code) else {
        return Err(error_page(
            app,
            StatusCode::NOT_FOUND,
            "لا يوجد طلب",
            "لا يوجد طلب بهذا الرمز. تأكد منه ثم ابحث من جديد.",
        ));
    };
    match app.staff.show(&code).await {
        Ok(r) if may_see(s, &r) => Ok(r),
        Ok(_) => Err(with_outcome(
            error_page(app, StatusCode::NOT_FOUND, "غير مسموح", MSG_FORBIDDEN),
            "staff_forbidden",
        )),
        Err(_) => Err(error_page(
            app,
            StatusCode::NOT_FOUND,
            "لا يوجد طلب",
            "لا يوجد طلب بهذا الرمز. تأكد منه ثم ابحث من جديد.",
        )),
    }
}

/// `GET /api/staff/cases/{code}`: the case page; the opening is recorded, unless the page follows
/// the staff member's own action on it.
pub async fn case(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<Fields>,
) -> Response {
    let s = match signed_in(&app, &headers, true).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let r = match visible_case(&app, &s, &code).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let done = match q.get("done").map(String::as_str) {
        Some("status") => Some("حُفظت الحالة الجديدة، وصارت رسالتها ظاهرة للمستفيد عند المتابعة."),
        Some("assign") => Some("أُسند الطلب."),
        Some("refer") => Some("حُوّل الطلب إلى المسؤول المختص."),
        Some("note") => Some("أُضيفت الملاحظة الداخلية."),
        Some("checked") => Some("سُجّلت مطابقة البيانات مع المستندات."),
        Some("correct") => {
            Some("صُحّحت الإجابة. يحفظ الطلب أي حقل صُحّح ومتى ومن صحّحه، لا القيمة القديمة.")
        }
        _ => None,
    };
    // After the staff member's own action (its form leads back here with `done`), the action
    // already records the access; any other view is an opening.
    let own_action =
        done.is_some() && crate::staff::case::just_acted(&r, &s.member.email, now_epoch());
    if !own_action && let Err(e) = app.staff.record_opened(&r, &s.member.email).await {
        tracing::warn!(error = %e, "staff: opening not recorded");
        return error_page(
            &app,
            StatusCode::SERVICE_UNAVAILABLE,
            "عطل مؤقت",
            "تعذّر فتح الطلب. حاول بعد دقيقة.",
        );
    }
    with_outcome(
        case_page(&app, &s, &r, StatusCode::OK, None, done, Kept::default()).await,
        "staff_case",
    )
}

/// `POST /api/staff/cases/{code}/{action}`.
pub async fn case_action(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((code, action)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> Response {
    let s = match signed_post(&app, &headers, &fields).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let r = match visible_case(&app, &s, &code).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let seen = fields.get("version").and_then(|v| v.parse::<u64>().ok());
    let kept = Kept {
        message: fields.get("message").cloned().unwrap_or_default(),
        note: fields.get("note").cloned().unwrap_or_default(),
        to: fields.get("to").cloned().unwrap_or_default(),
    };
    let Some(seen) = seen else {
        return case_page(
            &app,
            &s,
            &r,
            StatusCode::BAD_REQUEST,
            Some(MSG_CSRF),
            None,
            kept,
        )
        .await;
    };
    let by = s.member.email.as_str();
    let mut done = action.as_str();
    let result = match action.as_str() {
        "status" => match fields.get("status").and_then(|v| v.parse::<Status>().ok()) {
            Some(status) => {
                let message = fields
                    .get("message")
                    .map(String::as_str)
                    .filter(|m| !m.trim().is_empty());
                let clear = fields.get("clear_message").is_some_and(|v| v == "1");
                app.staff
                    .set_status(
                        &r.code,
                        status,
                        if clear { Some("") } else { message },
                        Some(seen),
                        by,
                    )
                    .await
                    .inspect(|_| {
                        // The beneficiary's e-mail of the change, when it records one, goes now.
                        if let Some(wake) = &app.outbox_wake {
                            wake.notify_one();
                        }
                    })
            }
            None => {
                return case_page(
                    &app,
                    &s,
                    &r,
                    StatusCode::BAD_REQUEST,
                    Some("اختر الحالة الجديدة من القائمة."),
                    None,
                    kept,
                )
                .await;
            }
        },
        "assign" => {
            let refer = fields.get("refer").is_some_and(|v| v == "1");
            if refer {
                done = "refer";
            }
            let to = field(&fields, "to");
            if to.is_empty() {
                return case_page(
                    &app,
                    &s,
                    &r,
                    StatusCode::BAD_REQUEST,
                    Some("اكتب البريد الإلكتروني للزميل الذي تُسند إليه الطلب."),
                    None,
                    kept,
                )
                .await;
            }
            if s.member.role == Role::Caseworker && r.assignee.as_deref().is_some_and(|a| a != by) {
                return error_page(&app, StatusCode::NOT_FOUND, "غير مسموح", MSG_FORBIDDEN);
            }
            let note = fields.get("note").map(String::as_str);
            app.staff
                .assign(&r.code, &to, refer, note, Some(seen), by)
                .await
        }
        "note" => {
            let text = field(&fields, "note");
            if text.is_empty() {
                return case_page(
                    &app,
                    &s,
                    &r,
                    StatusCode::BAD_REQUEST,
                    Some("اكتب نص الملاحظة قبل إضافتها."),
                    None,
                    kept,
                )
                .await;
            }
            app.staff.note(&r.code, &text, Some(seen), by).await
        }
        "checked" => app.staff.mark_checked(&r.code, Some(seen), by).await,
        _ => {
            return error_page(
                &app,
                StatusCode::NOT_FOUND,
                "الصفحة غير موجودة",
                crate::messages::MSG_NO_FORM,
            );
        }
    };
    match result {
        Ok(_) => with_outcome(
            see_other(&format!("{}?done={done}", routes::case_path(&r.code))),
            "staff_action",
        ),
        Err(ActionError::Stale { .. }) => {
            let now = app.staff.show(&r.code).await.unwrap_or(r);
            with_outcome(
                case_page(
                    &app,
                    &s,
                    &now,
                    StatusCode::CONFLICT,
                    Some(MSG_STALE),
                    None,
                    kept,
                )
                .await,
                "staff_stale",
            )
        }
        Err(ActionError::Failed(e)) => {
            tracing::warn!(error = %e, "staff: action failed");
            case_page(
                &app,
                &s,
                &r,
                StatusCode::SERVICE_UNAVAILABLE,
                Some("لم يُحفظ التغيير بسبب عطل مؤقت. أعد المحاولة بعد دقيقة."),
                None,
                kept,
            )
            .await
        }
    }
}

// ---------- managers ----------

/// `GET /api/staff/export?format=csv|json&form=…&status=…`: managers only.
pub async fn export(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> Response {
    if let Err(r) = signed_in_manager(&app, &headers).await {
        return r;
    }
    let filter = crate::staff::Filter {
        form: q.get("form").filter(|f| !f.is_empty()).cloned(),
        statuses: q
            .get("status")
            .and_then(|v| v.parse().ok())
            .into_iter()
            .collect(),
        ..Default::default()
    };
    let records = match app.staff.list(&filter).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "staff: export failed");
            return error_page(
                &app,
                StatusCode::SERVICE_UNAVAILABLE,
                "عطل مؤقت",
                "تعذّر التصدير. حاول بعد دقيقة.",
            );
        }
    };
    let (body, kind, name) = if q.get("format").is_some_and(|f| f == "json") {
        (app.staff.json(&records), "application/json", "cases.json")
    } else {
        match app.staff.csv(&records, &filter) {
            Ok(b) => (b, "text/csv; charset=utf-8", "cases.csv"),
            Err(_) => {
                return error_page(
                    &app,
                    StatusCode::BAD_REQUEST,
                    "تعذّر التصدير",
                    "لا يوجد نموذج بهذا الاسم.",
                );
            }
        }
    };
    let mut resp = (StatusCode::OK, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    with_outcome(resp, "staff_export")
}

#[derive(Serialize)]
struct ReportView<'a> {
    me: Me<'a>,
    /// The period as typed, kept in the form.
    period: String,
    /// `gregorian` or `hijri`.
    calendar: &'static str,
    error: Option<&'static str>,
    /// The report's title and its sections of (what, value) rows, when a period was asked for.
    title: Option<String>,
    sections: Vec<(String, Vec<(String, String)>)>,
    /// The same report as CSV.
    csv: Option<String>,
}

/// `GET /api/staff/report?period=…[&calendar=gregorian|hijri][&format=csv]`: the periodic report
/// of satisfaction and service quality (the staff command's `report`), managers only.
pub async fn report(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> Response {
    use forms::report::{Period, PeriodCalendar};
    let s = match signed_in_manager(&app, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let calendar = match q.get("calendar").map(String::as_str) {
        Some("hijri") => PeriodCalendar::Hijri,
        Some("gregorian") => PeriodCalendar::Gregorian,
        _ => match app.content.site.calendar {
            forms::Calendar::Hijri => PeriodCalendar::Hijri,
            _ => PeriodCalendar::Gregorian,
        },
    };
    let typed = q.get("period").map(|p| p.trim()).unwrap_or("");
    let mut view = ReportView {
        me: me(&s),
        period: typed.to_string(),
        calendar: match calendar {
            PeriodCalendar::Hijri => "hijri",
            PeriodCalendar::Gregorian => "gregorian",
        },
        error: None,
        title: None,
        sections: Vec::new(),
        csv: None,
    };
    let page = |view: &ReportView, status: StatusCode| {
        html(
            status,
            app.pages.staff(
                "report.html",
                "تقرير الرضا وجودة الخدمة",
                routes::STAFF_REPORT,
                view,
            ),
        )
    };
    if typed.is_empty() {
        return page(&view, StatusCode::OK);
    }
    let Some(period) = Period::parse(typed) else {
        view.error = Some("اكتب الفترة شهرًا (2026-03) أو ربعًا (2026-Q1) أو سنة (2026).");
        return page(&view, StatusCode::BAD_REQUEST);
    };
    let request = crate::staff::report::ReportRequest {
        period,
        calendar,
        survey: None,
        service_field: None,
        today: forms::dates::Day::today(),
    };
    let report = match app.staff.report(&request).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "staff: report failed");
            view.error = Some("تعذّر إعداد التقرير. حاول بعد دقيقة.");
            return page(&view, StatusCode::SERVICE_UNAVAILABLE);
        }
    };
    let key = period.key();
    if q.get("format").is_some_and(|f| f == "csv") {
        let mut resp = (StatusCode::OK, report.csv()).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"report-{key}.csv\""))
        {
            resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        return with_outcome(resp, "staff_report");
    }
    for [section, what, value] in report.rows() {
        match view.sections.last_mut() {
            Some((name, rows)) if *name == section => rows.push((what, value)),
            _ => view.sections.push((section, vec![(what, value)])),
        }
    }
    view.title = Some(format!(
        "تقرير رضا المستفيدين وجودة الخدمة: {}",
        period.label(calendar, app.content.site.digits)
    ));
    view.csv = Some(format!(
        "{}?period={key}&calendar={}&format=csv",
        routes::STAFF_REPORT,
        view.calendar
    ));
    with_outcome(page(&view, StatusCode::OK), "staff_report")
}

#[derive(Serialize)]
struct AccountsView<'a> {
    me: Me<'a>,
    cognito: bool,
    accounts: Vec<crate::auth::cognito::Account>,
    error: Option<String>,
    done: Option<&'static str>,
}

/// `GET /api/staff/staff`: staff accounts, managers only.
pub async fn accounts(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> Response {
    let s = match signed_in_manager(&app, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut view = AccountsView {
        me: me(&s),
        cognito: app.auth.cognito.is_some(),
        accounts: Vec::new(),
        error: None,
        done: match q.get("done").map(String::as_str) {
            Some("invite") => Some("أُرسلت الدعوة بالبريد الإلكتروني، ومعها كلمة مرور مؤقتة."),
            Some("disable") => Some("أُوقف الحساب وأُنهيت جلساته."),
            Some("enable") => Some("أُعيد تفعيل الحساب."),
            _ => None,
        },
    };
    if let Some(c) = app.auth.cognito().await {
        match c.staff().await {
            Ok(a) => view.accounts = a,
            Err(e) => {
                tracing::warn!(error = %e, "staff: accounts not listed");
                view.error = Some("تعذّر عرض الحسابات. حاول بعد دقيقة.".to_string());
            }
        }
    }
    html(
        StatusCode::OK,
        app.pages.staff(
            "accounts.html",
            "حسابات الموظفين",
            routes::STAFF_ACCOUNTS,
            &view,
        ),
    )
}

/// `POST /api/staff/staff/{action}`: `invite` (email, role), `disable` or `enable` (username,
/// id); managers only.
pub async fn accounts_action(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(action): Path<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let s = match signed_post(&app, &headers, &fields).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Some(r) = managers_only(&app, &s) {
        return r;
    }
    let Some(cognito) = app.auth.cognito().await else {
        return error_page(
            &app,
            StatusCode::NOT_FOUND,
            "غير متاح",
            "حسابات الموظفين تُدار في مجمّع المستخدمين، وهو غير مُعدّ في هذه النسخة.",
        );
    };
    let username = field(&fields, "username");
    let result = match action.as_str() {
        "invite" => {
            let email = field(&fields, "email").to_lowercase();
            let Some(email) = forms::normalise::email(&email) else {
                return error_page(
                    &app,
                    StatusCode::BAD_REQUEST,
                    "بريد غير صالح",
                    "اكتب بريدًا إلكترونيًا صحيحًا مثل name@example.org ثم أعد الدعوة.",
                );
            };
            let role = field(&fields, "role")
                .parse::<Role>()
                .unwrap_or(Role::Caseworker);
            cognito.invite(&email, role).await
        }
        "disable" => {
            if username.is_empty() {
                return error_page(
                    &app,
                    StatusCode::BAD_REQUEST,
                    "لا حساب",
                    "اختر الحساب من القائمة.",
                );
            }
            let r = cognito.disable(&username).await;
            let id = field(&fields, "id");
            if r.is_ok()
                && !id.is_empty()
                && let Err(e) = app.auth.sessions.end_all(&id).await
            {
                tracing::warn!(error = %e, "staff: sessions of a disabled account not ended");
            }
            r
        }
        "enable" => cognito.enable(&username).await,
        _ => {
            return error_page(
                &app,
                StatusCode::NOT_FOUND,
                "الصفحة غير موجودة",
                crate::messages::MSG_NO_FORM,
            );
        }
    };
    match result {
        Ok(()) => with_outcome(
            see_other(&format!("{}?done={action}", routes::STAFF_ACCOUNTS)),
            "staff_accounts",
        ),
        Err(code) => {
            tracing::warn!(error = %code, "staff: account action failed");
            let message = if code == "UsernameExistsException" {
                "لهذا البريد حساب من قبل."
            } else {
                "لم يتم الإجراء بسبب عطل مؤقت. حاول بعد دقيقة."
            };
            error_page(&app, StatusCode::CONFLICT, "لم يتم الإجراء", message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(age_days: u64) -> Row {
        Row {
            code: "K7M4-Q9TX-3HRP".to_string(),
            href: routes::case_path("K7M4Q9TX3HRP"),
            form_title: "طلب".to_string(),
            status: Status::Received,
            status_label: "تم الاستلام",
            received_at: "2025-10-20T09:30:00Z".to_string(),
            age_days,
            expected_by: None,
            overdue: false,
            assignee: None,
        }
    }

    #[test]
    fn the_list_says_how_old_each_case_is_in_arabic_grammar() {
        let content = crate::content::Content::embedded().expect("the embedded site loads");
        let pages = crate::pages::Pages::new(&content, None);
        let view = ListView {
            me: Me {
                email: "local",
                role: Role::Manager,
                role_label: Role::Manager.label(),
                manager: true,
                csrf: "x",
            },
            forms: Vec::new(),
            statuses: Vec::new(),
            whose: String::new(),
            overdue: false,
            q: String::new(),
            rows: [0, 1, 2, 11].into_iter().map(listed).collect(),
            next: None,
            first: None,
            query_string: String::new(),
            notice: None,
        };
        let html = pages.staff("inbox.html", "صندوق الطلبات", routes::STAFF_INBOX, &view);
        let digits = content.site.digits;
        for said in [
            "(اليوم)".to_string(),
            "(منذ يوم واحد)".to_string(),
            "(منذ يومين)".to_string(),
            format!("(منذ {} يومًا)", forms::digits::localise("11", digits)),
        ] {
            assert!(html.contains(&said), "{said} is not in the list:\n{html}");
        }
        assert!(!html.contains(" يوم)"), "a bare «يوم» after a number");
    }
}
