//! The inbox's data subjects' requests (the PDPL's access, correction and erasure), for managers
//! only: find every record of a person by phone number, e-mail address or ID number as typed,
//! export them, erase them after a confirmation, and correct one answer of a case. Each calls the
//! library function the staff command calls ([`crate::staff::person`]); the rules are there.
//!
//! The identifier is only ever sent in a POST's body (never in an address, so neither access
//! logs nor the browser's history hold it), and is never logged. The search reads the lookup keys
//! only (never a scan): on a table that held submissions before lookup keys existed, until
//! `form-fn-admin person index` has run once, the page says that older records may be missing.
//!
//! An erasure from the inbox takes at most [`MAX_ERASE`] records, each listed and ticked on the
//! page, then a confirmation naming how many: an identifier shared by many people (a staff
//! member's own phone typed in interviews, a family's one e-mail) must not erase them all in one
//! click. Only the records that still hold the identifier are erased, whatever codes are posted.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use forms::normalise::display_code;
use forms::{Field, FieldError, FieldType, FormDef};
use serde::Serialize;
use serde_json::json;

use super::{
    Fields, MSG_STALE, Me, Row, error_page, html, managers_only, me, row, see_other, signed_in,
    signed_in_manager, signed_post, today, value_text, visible_case,
};
use crate::answer::with_outcome;
use crate::app::App;
use crate::auth::session::Session;
use crate::lookup::{Identifier, Kind};
use crate::record::Record;
use crate::routes;
use crate::staff::person::{CorrectError, Reason};

/// The page's title, and its link in the staff bar.
pub const TITLE: &str = "طلبات أصحاب البيانات";
/// The most records one erasure from the inbox takes.
pub const MAX_ERASE: usize = 20;
/// What was typed is no identifier.
pub const MSG_NOT_AN_IDENTIFIER: &str = "اكتب رقم جوال (مثل 0501234567)، أو بريدًا إلكترونيًا (مثل name@example.org)، أو رقم هوية أو إقامة من عشرة أرقام يبدأ بالرقم 1 أو 2.";
/// The search was sent in the address.
pub const MSG_IN_ADDRESS: &str = "لا يُقبل البحث من عنوان الصفحة حتى لا يبقى المعرّف في سجل المتصفح وسجلات الخادم. اكتبه في النموذج أدناه.";
/// None ticked for erasure.
pub const MSG_NONE_TICKED: &str = "اختر سجلًا واحدًا على الأقل لحذفه.";
/// No reason chosen.
pub const MSG_REASON: &str = "اختر سبب الحذف من القائمة.";
/// Too many ticked, [`MAX_ERASE`] written in the site's digits.
fn msg_too_many(app: &App) -> String {
    let max = forms::digits::localise(&MAX_ERASE.to_string(), app.content.site.digits);
    format!(
        "لا يُحذف من صندوق الطلبات أكثر من {max} سجلًا في المرة الواحدة. تحقق أن السجلات المختارة كلها تخص الشخص نفسه، ثم احذفها على دفعات، أو اطلب من المتطوع التقني حذفها بالأمر form-fn-admin person erase."
    )
}
/// A store failure.
const MSG_UNAVAILABLE: &str = "تعذّر الوصول إلى السجلات بسبب عطل مؤقت. حاول بعد دقيقة.";

#[derive(Serialize)]
struct PersonRow {
    #[serde(flatten)]
    row: Row,
    bare_code: String,
}

#[derive(Serialize)]
struct ReasonChoice {
    id: &'static str,
    label: &'static str,
    selected: bool,
}

/// What the page shows: the search form, then (after a search) the records, or the confirmation
/// of an erasure, or what an erasure did.
#[derive(Serialize)]
struct View<'a> {
    me: Me<'a>,
    title: &'static str,
    /// The identifier as typed, kept in the forms (a POST's body, never an address).
    typed: String,
    error: Option<String>,
    /// After a search: what the identifier is (رقم الجوال …).
    kind_label: Option<&'static str>,
    rows: Vec<PersonRow>,
    /// False when some records may lack lookup keys (see the module's note).
    complete: bool,
    reasons: Vec<ReasonChoice>,
    max_erase: usize,
    /// The erasure to confirm: its reason and how many.
    confirm: bool,
    reason: Option<&'static str>,
    reason_label: Option<&'static str>,
    /// What an erasure did: the codes erased.
    erased: Option<Vec<String>>,
}

impl<'a> View<'a> {
    fn new(s: &'a Session, typed: &str) -> View<'a> {
        View {
            me: me(s),
            title: TITLE,
            typed: typed.to_string(),
            error: None,
            kind_label: None,
            rows: Vec::new(),
            complete: true,
            reasons: reasons(None),
            max_erase: MAX_ERASE,
            confirm: false,
            reason: None,
            reason_label: None,
            erased: None,
        }
    }
}

fn reasons(selected: Option<Reason>) -> Vec<ReasonChoice> {
    Reason::ALL
        .iter()
        .map(|r| ReasonChoice {
            id: r.as_str(),
            label: r.label(),
            selected: Some(*r) == selected,
        })
        .collect()
}

fn page(app: &App, view: &View, status: StatusCode, outcome: &'static str) -> Response {
    with_outcome(
        html(
            status,
            app.pages
                .staff("people.html", TITLE, routes::STAFF_PEOPLE, view),
        ),
        outcome,
    )
}

/// An identifier as a person or staff type it: an ID or iqama number, an e-mail address or a
/// phone number, normalised as the command's `--id`, `--email` and `--phone` are.
pub fn identifier(typed: &str) -> Option<Identifier> {
    [Kind::NationalId, Kind::Email, Kind::Phone]
        .into_iter()
        .find_map(|k| Identifier::parse(k, typed))
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Phone => "رقم الجوال",
        Kind::Email => "البريد الإلكتروني",
        Kind::NationalId => "رقم الهوية أو الإقامة",
    }
}

/// The session of a manager's POST whose token matches it, or the answer to give instead.
async fn manager_post(app: &App, headers: &HeaderMap, token: &str) -> Result<Session, Response> {
    let fields = Fields::from([("csrf".to_string(), token.to_string())]);
    let s = signed_post(app, headers, &fields).await?;
    match managers_only(app, &s) {
        Some(r) => Err(r),
        None => Ok(s),
    }
}

/// The first value of `name` among posted pairs, trimmed.
fn first(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

fn unavailable(app: &App, e: &dyn std::fmt::Display) -> Response {
    // The error names operations and codes, never the identifier.
    tracing::warn!(error = %e, "staff: a person's records unavailable");
    error_page(
        app,
        StatusCode::SERVICE_UNAVAILABLE,
        "عطل مؤقت",
        MSG_UNAVAILABLE,
    )
}

/// The person's records through the lookup keys, and whether the keys are known complete.
async fn records_of(app: &App, id: &Identifier) -> Result<(Vec<Record>, bool), Response> {
    let records = app
        .staff
        .find_indexed(id)
        .await
        .map_err(|e| unavailable(app, &e))?;
    let complete = app
        .staff
        .lookup_complete()
        .await
        .map_err(|e| unavailable(app, &e))?;
    Ok((records, complete))
}

/// A manager's POST about one person (`csrf`, `who`): the session, the identifier as typed and
/// as read, and the person's records with whether the lookup keys are known complete; or the
/// answer to give instead (not a manager, a stale form, no identifier, the store unavailable).
struct PersonPost {
    s: Session,
    typed: String,
    id: Identifier,
    records: Vec<Record>,
    complete: bool,
}

async fn person_post(
    app: &App,
    headers: &HeaderMap,
    pairs: &[(String, String)],
) -> Result<PersonPost, Response> {
    let s = manager_post(app, headers, &first(pairs, "csrf")).await?;
    let typed = first(pairs, "who");
    let Some(id) = identifier(&typed) else {
        let mut view = View::new(&s, &typed);
        view.error = Some(MSG_NOT_AN_IDENTIFIER.to_string());
        return Err(page(
            app,
            &view,
            StatusCode::BAD_REQUEST,
            "staff_people_invalid",
        ));
    };
    let (records, complete) = records_of(app, &id).await?;
    Ok(PersonPost {
        s,
        typed,
        id,
        records,
        complete,
    })
}

impl PersonPost {
    /// The search page with `records`, the person's (or those of them chosen).
    fn view<'a>(&'a self, app: &App, records: &[Record]) -> View<'a> {
        let today = today();
        let mut view = View::new(&self.s, &self.typed);
        view.kind_label = Some(kind_label(self.id.kind()));
        view.complete = self.complete;
        view.rows = records
            .iter()
            .map(|r| PersonRow {
                row: row(app, r, &today),
                bare_code: r.code.clone(),
            })
            .collect();
        view
    }
}

/// `GET /api/staff/people`: the search form. A search sent in the address is refused, and not
/// made.
pub async fn search_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<Fields>,
) -> Response {
    let s = match signed_in_manager(&app, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut view = View::new(&s, "");
    if !q.is_empty() {
        view.error = Some(MSG_IN_ADDRESS.to_string());
        return page(
            &app,
            &view,
            StatusCode::BAD_REQUEST,
            "staff_people_in_address",
        );
    }
    page(&app, &view, StatusCode::OK, "staff_people")
}

/// `POST /api/staff/people`: the records of the person with the identifier `who`.
pub async fn search(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let p = match person_post(&app, &headers, &pairs).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    page(
        &app,
        &p.view(&app, &p.records),
        StatusCode::OK,
        "staff_people_found",
    )
}

/// `POST /api/staff/people/export`: the person's records as CSV for Excel (with a BOM) or JSON,
/// as `form-fn-admin person export` writes them.
pub async fn export(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let PersonPost { records, .. } = match person_post(&app, &headers, &pairs).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (body, kind, name) = if first(&pairs, "format") == "json" {
        (app.staff.json(&records), "application/json", "person.json")
    } else {
        (
            app.staff.csv_of_records(&records),
            "text/csv; charset=utf-8",
            "person.csv",
        )
    };
    let mut resp = (StatusCode::OK, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    with_outcome(resp, "staff_people_export")
}

/// `POST /api/staff/people/erase`: the ticked records (`code`, repeated) of the person `who`,
/// for `reason`: without `confirm=1` the confirmation naming how many, with it the erasure.
pub async fn erase(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let p = match person_post(&app, &headers, &pairs).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let ticked: Vec<&str> = pairs
        .iter()
        .filter(|(n, _)| n == "code")
        .filter_map(|(_, v)| Some(v.as_str()).filter(|v| !v.is_empty()))
        .collect();
    // Only the person's own records, whatever was posted.
    let chosen: Vec<Record> = p
        .records
        .iter()
        .filter(|r| ticked.contains(&r.code.as_str()))
        .cloned()
        .collect();
    let reason = first(&pairs, "reason").parse::<Reason>().ok();
    let refuse = |message: String| {
        let mut view = p.view(&app, &p.records);
        view.error = Some(message);
        view.reasons = reasons(reason);
        page(
            &app,
            &view,
            StatusCode::BAD_REQUEST,
            "staff_people_erase_refused",
        )
    };
    let Some(reason) = reason else {
        return refuse(MSG_REASON.to_string());
    };
    if chosen.is_empty() {
        return refuse(MSG_NONE_TICKED.to_string());
    }
    if chosen.len() > MAX_ERASE {
        return refuse(msg_too_many(&app));
    }
    if first(&pairs, "confirm") != "1" {
        let mut view = p.view(&app, &chosen);
        view.confirm = true;
        view.reason = Some(reason.as_str());
        view.reason_label = Some(reason.label());
        return page(&app, &view, StatusCode::OK, "staff_people_erase_confirm");
    }
    let codes: Vec<String> = chosen.iter().map(|r| r.code.clone()).collect();
    let erased = match app.staff.erase(&codes, reason, &p.s.member.email).await {
        Ok(e) => e,
        Err(e) => return unavailable(&app, &e),
    };
    let mut view = View::new(&p.s, "");
    view.reason_label = Some(reason.label());
    view.erased = Some(erased.iter().map(|e| display_code(&e.code)).collect());
    page(&app, &view, StatusCode::OK, "staff_people_erased")
}

// ---------- correcting one answer of a case ----------

#[derive(Serialize)]
struct CorrectView<'a> {
    me: Me<'a>,
    code: String,
    bare_code: String,
    form_title: String,
    field_label: String,
    /// The value stored now, as the case page shows it.
    current: Option<String>,
    /// A refusal that is not the field's own (a stale view).
    error: Option<&'static str>,
}

/// The staff's own fields of the correction form (form_body.html's `staff`).
#[derive(Serialize)]
struct StaffFields<'a> {
    csrf: &'a str,
    channels: [(); 0],
    hidden: Vec<(&'static str, String)>,
}

/// The form `form` reduced to the one field corrected, shown as the public form shows it (its
/// control, label, hint and message), without what the form tells the person about itself.
fn one_field(form: &FormDef, field: &Field) -> FormDef {
    let mut shown = form.clone();
    let mut only = field.clone();
    // The field's ties to others are checked by the library on the whole record.
    only.required_if = None;
    shown.fields = vec![only];
    shown.captcha = false;
    shown.trackable = false;
    shown.retention_days = 0;
    shown.submit = "حفظ التصحيح".to_string();
    shown
}

#[allow(clippy::too_many_arguments)]
fn correct_page(
    app: &App,
    s: &Session,
    r: &Record,
    form: &FormDef,
    field: &Field,
    status: StatusCode,
    typed: Option<&[String]>,
    errors: &[FieldError],
    error: Option<&'static str>,
) -> Response {
    let value = match typed {
        Some(t) if field.kind == FieldType::Choice && field.multiple => json!(t),
        Some(t) => json!(t.first().cloned().unwrap_or_default()),
        None => match r.values.get(&field.name) {
            Some(forms::Value::One(x)) => json!(x),
            Some(forms::Value::Many(xs)) => json!(xs),
            None => json!(""),
        },
    };
    let values = BTreeMap::from([(field.name.clone(), value)]);
    let view = CorrectView {
        me: me(s),
        code: display_code(&r.code),
        bare_code: r.code.clone(),
        form_title: form.title.clone(),
        field_label: field.label.clone(),
        current: r
            .values
            .get(&field.name)
            .map(|v| value_text(v, &field.options)),
        error,
    };
    let staff = StaffFields {
        csrf: &s.csrf,
        channels: [],
        hidden: vec![
            ("field", field.name.clone()),
            ("version", r.version.to_string()),
        ],
    };
    let title = format!("تصحيح «{}» في الطلب {}", field.label, display_code(&r.code));
    html(
        status,
        app.pages.staff_form(
            "correct.html",
            &title,
            &routes::STAFF_CASE_CORRECT.replace("{code}", &r.code),
            &view,
            &one_field(form, field),
            &values,
            errors,
            &staff,
        ),
    )
}

fn no_field(app: &App) -> Response {
    error_page(
        app,
        StatusCode::NOT_FOUND,
        "لا يوجد حقل",
        "لا يوجد في نموذج هذا الطلب حقل بهذا الاسم. ارجع إلى صفحة الطلب واختر «تصحيح» بجانب الإجابة.",
    )
}

/// The case, its form and the field named, for a manager; or the answer to give.
async fn correctable<'a>(
    app: &'a App,
    s: &Session,
    code: &str,
    name: &str,
) -> Result<(Record, &'a FormDef, &'a Field), Response> {
    let r = visible_case(app, s, code).await?;
    let form = app.content.form(&r.form).ok_or_else(|| no_field(app))?;
    let field = form.field(name).ok_or_else(|| no_field(app))?;
    Ok((r, form, field))
}

/// `GET /api/staff/cases/{code}/correct?field=NAME`: the field's form with the value stored.
pub async fn correct_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<Fields>,
) -> Response {
    let s = match signed_in(&app, &headers, true).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Some(r) = managers_only(&app, &s) {
        return r;
    }
    let name = q.get("field").map(String::as_str).unwrap_or("");
    let (r, form, field) = match correctable(&app, &s, &code, name).await {
        Ok(found) => found,
        Err(resp) => return resp,
    };
    with_outcome(
        correct_page(&app, &s, &r, form, field, StatusCode::OK, None, &[], None),
        "staff_correct_form",
    )
}

/// `POST /api/staff/cases/{code}/correct`: sets the field to the value typed, if the form's rules
/// accept it and the case is still at the version seen; else the form again with what was typed.
pub async fn correct(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let s = match manager_post(&app, &headers, &first(&pairs, "csrf")).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (r, form, field) = match correctable(&app, &s, &code, &first(&pairs, "field")).await {
        Ok(found) => found,
        Err(resp) => return resp,
    };
    let typed: Vec<String> = pairs
        .iter()
        .filter(|(n, _)| *n == field.name)
        .map(|(_, v)| v.clone())
        .collect();
    let Ok(seen) = first(&pairs, "version").parse::<u64>() else {
        return correct_page(
            &app,
            &s,
            &r,
            form,
            field,
            StatusCode::BAD_REQUEST,
            Some(&typed),
            &[],
            Some(super::MSG_CSRF),
        );
    };
    let refs: Vec<&str> = typed.iter().map(String::as_str).collect();
    match app
        .staff
        .correct(&r.code, &field.name, &refs, Some(seen), &s.member.email)
        .await
    {
        Ok(_) => with_outcome(
            see_other(&format!("{}?done=correct", routes::case_path(&r.code))),
            "staff_corrected",
        ),
        Err(CorrectError::Invalid(e)) => with_outcome(
            correct_page(
                &app,
                &s,
                &r,
                form,
                field,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&typed),
                &[e],
                None,
            ),
            "staff_correct_invalid",
        ),
        Err(CorrectError::Stale { .. }) => {
            let now = app.staff.show(&r.code).await.unwrap_or(r);
            with_outcome(
                correct_page(
                    &app,
                    &s,
                    &now,
                    form,
                    field,
                    StatusCode::CONFLICT,
                    Some(&typed),
                    &[],
                    Some(MSG_STALE),
                ),
                "staff_stale",
            )
        }
        Err(CorrectError::Staff(e)) => unavailable(&app, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identifier_is_read_in_any_usual_writing() {
        let phone = identifier("0501234567").unwrap();
        for typed in ["٠٥٠ ١٢٣ ٤٥٦٧", "+966 50 123 4567", "00966501234567"] {
            assert_eq!(identifier(typed).as_ref(), Some(&phone), "{typed}");
        }
        assert_eq!(identifier("1000000008").unwrap().kind(), Kind::NationalId);
        assert_eq!(identifier("١٠٠٠٠٠٠٠٠٨").unwrap().kind(), Kind::NationalId);
        assert_eq!(
            identifier("Sara@Example.org"),
            identifier("sara@example.org")
        );
        assert!(identifier("سارة").is_none());
        assert!(identifier("12").is_none());
    }
}
