//! The staff inbox, end to end over HTTP: the local one-time link and the case actions against the
//! embedded store (or `FORM_FN_TEST_ENDPOINT`), and the Cognito sign-in against moto's
//! `cognito-idp` when `FORM_FN_TEST_COGNITO` names a moto server (tests/steps/20-form-fn-moto.sh
//! sets it): password, first-time password, authenticator code, tokens forged, expired or from
//! another pool, a caseworker on a manager's page, a cross-site post.

mod common;

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider as cip;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cip::types::{AuthFlowType, ExplicitAuthFlowsType, SoftwareTokenMfaSettingsType};
use common::*;
use form_fn::auth::token::{Refused, TokenUse, Verifier};
use form_fn::staff::queue::{Query, Whose};
use forms::normalise::display_code;
use serde_json::{Value, json};

const LINK: &str = "0123456789abcdef0123456789abcdef0123456789abcdef";

/// A browser without JavaScript: keeps cookies, follows no redirect.
struct Browser {
    base: String,
    http: reqwest::Client,
    cookies: HashMap<String, String>,
}

struct Answer {
    status: u16,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

impl Browser {
    fn new(base: &str) -> Browser {
        Browser {
            base: base.to_string(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn read(&mut self, resp: reqwest::Response) -> Answer {
        let set_cookies: Vec<String> = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        for c in &set_cookies {
            let pair = c.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() || c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        Answer {
            status: resp.status().as_u16(),
            location: resp
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_string()),
            set_cookies,
            body: resp.text().await.unwrap(),
        }
    }

    async fn get(&mut self, path: &str) -> Answer {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap();
        self.read(resp).await
    }

    async fn post_from(&mut self, path: &str, form: &[(&str, &str)], site: &str) -> Answer {
        let body = form
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", site)
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(resp).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.post_from(path, form, "same-origin").await
    }
}

/// The value of the hidden field `name` on a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} on the page"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

async fn submit(svc: &Service, form: &forms::FormDef) -> String {
    let r = http()
        .post(svc.url(&format!("/api/forms/{}", form.id)))
        .header("accept", "application/json")
        .json(&json_body(form, &good_answers(form)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    forms::normalise::code(body["code"].as_str().unwrap()).unwrap()
}

async fn start_local() -> Service {
    start_configured(None, None, |c| c.local_link = Some(LINK.to_string())).await
}

#[tokio::test]
async fn the_local_link_signs_in_once_and_every_staff_page_needs_a_session() {
    let svc = start_local().await;
    let mut b = Browser::new(&svc.base);
    let r = b.get("/api/staff").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location.as_deref(), Some("/api/staff/sign-in"));
    let r = b.get("/api/staff/sign-in/link?token=wrong").await;
    assert_eq!(r.status, 401);
    assert!(!b.cookies.contains_key("staff_session"));
    let r = b
        .get(&format!("/api/staff/sign-in/link?token={LINK}"))
        .await;
    assert_eq!(r.status, 303);
    let cookie = r
        .set_cookies
        .iter()
        .find(|c| c.starts_with("staff_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(cookie.contains("Path=/api/staff"));
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP on this machine: {cookie}"
    );
    let inbox = b.get("/api/staff").await;
    assert_eq!(inbox.status, 200);
    assert!(inbox.body.contains("صندوق الطلبات"));
    assert!(inbox.body.contains("noindex"));
    // Spent: the same link does not sign in twice.
    let mut other = Browser::new(&svc.base);
    let r = other
        .get(&format!("/api/staff/sign-in/link?token={LINK}"))
        .await;
    assert_eq!(r.status, 401);
    // Sign-out ends the session in the table, not only in the browser.
    let csrf = hidden(&inbox.body, "csrf");
    let kept = b.cookies.clone();
    let r = b.post("/api/staff/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 303);
    b.cookies = kept;
    assert_eq!(b.get("/api/staff").await.status, 303);
}

#[tokio::test]
async fn a_case_is_listed_opened_referred_answered_and_the_beneficiary_sees_the_answer() {
    let svc = start_local().await;
    let content = content();
    let form = trackable(&content);
    let code = submit(&svc, &form).await;
    let shown = forms::normalise::display_code(&code);
    let mut b = Browser::new(&svc.base);
    b.get(&format!("/api/staff/sign-in/link?token={LINK}"))
        .await;

    let list = b.get(&format!("/api/staff?form={}", form.id)).await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains(&shown), "the new case is listed");
    // Search by code goes to the case; by phone lists it.
    let r = b
        .get(&format!("/api/staff?q={}", shown.to_lowercase()))
        .await;
    assert_eq!(
        r.location.as_deref(),
        Some(format!("/api/staff/cases/{code}").as_str())
    );
    let r = b.get("/api/staff?q=0501234567").await;
    assert!(r.body.contains(&shown), "found by the phone number");

    let page = b.get(&format!("/api/staff/cases/{code}")).await;
    assert_eq!(page.status, 200);
    let csrf = hidden(&page.body, "csrf");
    let version = hidden(&page.body, "version");
    assert_eq!(version, "0");
    let path = |a: &str| format!("/api/staff/cases/{code}/{a}");
    let r = b
        .post(
            &path("assign"),
            &[
                ("csrf", &csrf),
                ("version", "0"),
                ("to", "official@example.org"),
                ("refer", "1"),
                ("note", "يحتاج قرار المسؤول المختص"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let message = "راجعنا طلبك وسنتواصل معك خلال يومين.";
    let r = b
        .post(
            &path("status"),
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("status", "under_review"),
                ("message", message),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // The same change on the view of version 1 is now stale: refused, what was typed kept.
    let r = b
        .post(
            &path("status"),
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("status", "declined"),
                ("message", "رسالة متأخرة"),
            ],
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains(form_fn::inbox::MSG_STALE));
    assert!(r.body.contains("رسالة متأخرة"));
    let r = b
        .post(
            &path("note"),
            &[
                ("csrf", &csrf),
                ("version", "2"),
                ("note", "اتصلت بالمستفيد"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = b
        .post(&path("checked"), &[("csrf", &csrf), ("version", "3")])
        .await;
    assert_eq!(r.status, 303);

    let record = svc.staff().await.show(&code).await.unwrap();
    assert_eq!(record.status, forms::Status::UnderReview);
    assert_eq!(record.assignee.as_deref(), Some("official@example.org"));
    assert_eq!(record.version, 4);
    assert_eq!(
        record.checked.as_ref().map(|c| c.by.as_str()),
        Some("local")
    );
    let kinds: Vec<&str> = record.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["refer", "status", "note", "checked"]);
    let page = b.get(&format!("/api/staff/cases/{code}")).await;
    assert!(
        page.body.contains("اتصلت بالمستفيد") && page.body.contains("يحتاج قرار المسؤول المختص")
    );
    let openings = svc.staff().await.openings(&code, 10).await.unwrap();
    assert!(openings.len() >= 2 && openings.iter().all(|o| o.by == "local"));

    // The beneficiary reads the message, and never the notes.
    let r = http()
        .post(svc.url("/api/track"))
        .header("accept", "application/json")
        .json(&json!({"code": shown, "contact": PHONE_TYPED}))
        .send()
        .await
        .unwrap();
    let seen: Value = r.json().await.unwrap();
    assert_eq!(seen["status"], "under_review");
    assert_eq!(seen["message"], message);
    let text = seen.to_string();
    assert!(!text.contains("اتصلت بالمستفيد") && !text.contains("official@example.org"));
}

#[tokio::test]
async fn cross_site_and_tokenless_posts_change_nothing() {
    let svc = start_local().await;
    let form = trackable(&content());
    let code = submit(&svc, &form).await;
    let mut b = Browser::new(&svc.base);
    b.get(&format!("/api/staff/sign-in/link?token={LINK}"))
        .await;
    let page = b.get(&format!("/api/staff/cases/{code}")).await;
    let csrf = hidden(&page.body, "csrf");
    let path = format!("/api/staff/cases/{code}/status");
    let fields = [
        ("csrf", csrf.as_str()),
        ("version", "0"),
        ("status", "declined"),
    ];
    let r = b.post_from(&path, &fields, "cross-site").await;
    assert!(
        matches!(r.status, 400 | 403),
        "refused as cross-site: {}",
        r.status
    );
    let r = b
        .post(
            &path,
            &[("csrf", "forged"), ("version", "0"), ("status", "declined")],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains(form_fn::inbox::MSG_CSRF));
    let mut stranger = Browser::new(&svc.base);
    let r = stranger.post(&path, &fields).await;
    assert_eq!(r.status, 401);
    let record = svc.staff().await.show(&code).await.unwrap();
    assert_eq!(record.status, forms::Status::Received);
    assert_eq!(record.version, 0);
}

#[tokio::test]
async fn the_list_pages_through_the_index_with_filters() {
    let svc = start_local().await;
    let form = trackable(&content());
    let mut codes = Vec::new();
    for i in 0..3 {
        let answers = good_answers(&form);
        let r = http()
            .post(svc.url(&format!("/api/forms/{}", form.id)))
            .header("accept", "application/json")
            .header("idempotency-key", format!("staff-page-{i}"))
            .json(&json_body(&form, &answers))
            .send()
            .await
            .unwrap();
        let body: Value = r.json().await.unwrap();
        codes.push(forms::normalise::code(body["code"].as_str().unwrap()).unwrap());
    }
    let staff = svc.staff().await;
    staff
        .assign(&codes[1], "huda@example.org", false, None, Some(0), "local")
        .await
        .unwrap();
    let q = Query {
        forms: vec![form.id.clone()],
        ..Query::default()
    };
    let first = staff.page(&q, None, 2).await.unwrap();
    let got: Vec<&str> = first.records.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(got.len(), 2, "{got:?} {:?} of {codes:?}", first.next);
    let next = first.next.expect("a next page");
    let second = staff.page(&q, Some(&next), 2).await.unwrap();
    let mut seen: Vec<String> = first
        .records
        .iter()
        .chain(&second.records)
        .map(|r| r.code.clone())
        .collect();
    assert_eq!(seen.len(), 3, "every case once");
    seen.sort();
    let mut all = codes.clone();
    all.sort();
    assert_eq!(seen, all);
    assert!(
        staff.page(&q, Some("0.7b7d"), 2).await.is_err(),
        "a forged cursor"
    );

    let mine = Query {
        whose: Whose::Assigned("huda@example.org".into()),
        ..q.clone()
    };
    let page = staff.page(&mine, None, 25).await.unwrap();
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].code, codes[1]);
    let unassigned = Query {
        whose: Whose::Unassigned,
        ..q.clone()
    };
    assert_eq!(
        staff
            .page(&unassigned, None, 25)
            .await
            .unwrap()
            .records
            .len(),
        2
    );
    if form.response.as_ref().is_some_and(|r| r.is_promise()) {
        let late = Query {
            overdue_on: Some("2999-01-01".into()),
            ..q.clone()
        };
        assert_eq!(staff.page(&late, None, 25).await.unwrap().records.len(), 3);
        let not_yet = Query {
            overdue_on: Some("2000-01-01".into()),
            ..q
        };
        assert!(
            staff
                .page(&not_yet, None, 25)
                .await
                .unwrap()
                .records
                .is_empty()
        );
    }
}

/// The codes of the cases listed on an inbox page, in order (from their links).
fn listed(page: &str) -> Vec<String> {
    page.split("class=\"case-list__code\" href=\"")
        .skip(1)
        .map(|rest| {
            let href = unescape(rest.split('"').next().unwrap());
            href.rsplit('/').next().unwrap().to_string()
        })
        .collect()
}

/// The address of the link to the next page of the list, if the page has one.
fn next_page(page: &str) -> Option<String> {
    let link = page.split("<a ").find(|a| a.contains("rel=\"next\""))?;
    let href = link.split("href=\"").nth(1)?.split('"').next()?;
    assert!(
        link.contains("الصفحة التالية"),
        "the next page's link says so: {link}"
    );
    Some(unescape(href))
}

/// An attribute's text as the page escapes it, read back.
fn unescape(text: &str) -> String {
    text.replace("&#x2F;", "/")
        .replace("&#x3D;", "=")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// Sends `n` cases of `form`, each its own (an idempotency key apiece). A 503 ("not saved, send
/// it again", which a slow store can give when the machine is busy) is answered as a beneficiary
/// would: the same submission sent again with the same key, which stores it once.
async fn send_cases(svc: &Service, form: &forms::FormDef, n: usize, tag: &str) {
    for i in 0..n {
        let mut tries = 0;
        loop {
            tries += 1;
            let r = http()
                .post(svc.url(&format!("/api/forms/{}", form.id)))
                .header("accept", "application/json")
                .header("idempotency-key", format!("inbox-pages-{tag}-{i}"))
                .json(&json_body(form, &good_answers(form)))
                .send()
                .await
                .unwrap();
            if r.status() == 503 && tries < 4 {
                continue;
            }
            assert_eq!(r.status(), 201, "case {i} after {tries} tries");
            break;
        }
    }
}

#[tokio::test]
async fn the_inbox_offers_a_next_page_only_when_there_is_one() {
    use form_fn::inbox::PAGE_SIZE;
    let svc = start_local().await;
    let content = content();
    // Cases of two forms when the site has two followed up, so that pages cross partitions.
    let tracked: Vec<forms::FormDef> = content
        .forms
        .values()
        .filter(|f| f.trackable)
        .cloned()
        .collect();
    let (first_form, last_form) = (&tracked[0], tracked.last().unwrap());
    let mut b = Browser::new(&svc.base);
    b.get(&format!("/api/staff/sign-in/link?token={LINK}"))
        .await;

    // A few cases: all on one page, and no next page (the empty partitions of the other forms
    // and statuses are looked at, not taken for more).
    send_cases(&svc, last_form, 2, "few").await;
    let page = b.get("/api/staff").await;
    assert_eq!(page.status, 200);
    assert_eq!(listed(&page.body).len(), 2, "{:?}", listed(&page.body));
    assert_eq!(next_page(&page.body), None, "no next page for two cases");
    assert!(!page.body.contains("الصفحة التالية"));

    // Exactly a page of cases: still no next page.
    send_cases(&svc, last_form, PAGE_SIZE - 2, "page").await;
    let page = b.get("/api/staff").await;
    assert_eq!(listed(&page.body).len(), PAGE_SIZE);
    assert_eq!(next_page(&page.body), None, "nothing after a full page");

    // Two more: the next page holds them, and every case is listed once.
    send_cases(&svc, first_form, 2, "more").await;
    let page = b.get("/api/staff").await;
    let mut seen = listed(&page.body);
    assert_eq!(seen.len(), PAGE_SIZE);
    let next = next_page(&page.body).expect("a link to the next page");
    let rest = b.get(&next).await;
    assert_eq!(rest.status, 200, "{}", rest.body);
    let more = listed(&rest.body);
    assert_eq!(more.len(), 2, "the rest: {more:?}");
    assert_eq!(next_page(&rest.body), None, "the last page");
    assert!(rest.body.contains("الصفحة الأولى"));
    seen.extend(more);
    let total = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), total, "no case on both pages");
    assert_eq!(total, PAGE_SIZE + 2);
}

#[tokio::test]
async fn the_case_page_after_ones_own_action_records_no_new_opening() {
    let svc = start_local().await;
    let form = trackable(&content());
    let code = submit(&svc, &form).await;
    let staff = svc.staff().await;
    let mut b = Browser::new(&svc.base);
    b.get(&format!("/api/staff/sign-in/link?token={LINK}"))
        .await;
    let path = format!("/api/staff/cases/{code}");
    let page = b.get(&path).await;
    assert_eq!(staff.openings(&code, 10).await.unwrap().len(), 1);

    // A note: the form leads back to the case, which is the note's page, not a new opening.
    let csrf = hidden(&page.body, "csrf");
    let r = b
        .post(
            &format!("{path}/note"),
            &[
                ("csrf", &csrf),
                ("version", "0"),
                ("note", "اتصلت بالمستفيد"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let back = r.location.expect("back to the case");
    let shown = b.get(&back).await;
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains("أُضيفت الملاحظة الداخلية."));
    assert_eq!(
        staff.openings(&code, 10).await.unwrap().len(),
        1,
        "the page after one's own note is no new opening"
    );

    // Opening the case again is one.
    b.get(&path).await;
    assert_eq!(staff.openings(&code, 10).await.unwrap().len(), 2);

    // The same address after a colleague's action since is an opening too: the marker alone
    // does not hide a view.
    staff
        .note(&code, "ملاحظة زميل", Some(1), "huda@example.org")
        .await
        .unwrap();
    let shown = b.get(&back).await;
    assert_eq!(shown.status, 200);
    let openings = staff.openings(&code, 10).await.unwrap();
    assert_eq!(openings.len(), 3, "{openings:?}");
    assert!(openings.iter().all(|o| o.by == "local"));
}

// ---------- Cognito (moto) ----------

fn cognito_endpoint() -> Option<String> {
    let e = std::env::var("FORM_FN_TEST_COGNITO")
        .ok()
        .filter(|v| !v.is_empty());
    if e.is_none() {
        eprintln!(
            "skipped: FORM_FN_TEST_COGNITO names no moto server (tests/steps/20-form-fn-moto.sh sets it)"
        );
    }
    e
}

struct Pool {
    c: cip::Client,
    id: String,
    client_id: String,
}

async fn pool(endpoint: &str) -> Pool {
    let conf = form_fn::https::sdk_defaults()
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(cip::config::Credentials::new("t", "t", None, None, "t"))
        .load()
        .await;
    let c = cip::Client::new(&conf);
    let p = c
        .create_user_pool()
        .pool_name(table_name())
        .send()
        .await
        .unwrap();
    let id = p.user_pool().unwrap().id().unwrap().to_string();
    let app = c
        .create_user_pool_client()
        .user_pool_id(&id)
        .client_name("staff")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap();
    let client_id = app
        .user_pool_client()
        .unwrap()
        .client_id()
        .unwrap()
        .to_string();
    for g in ["manager", "caseworker"] {
        c.create_group()
            .user_pool_id(&id)
            .group_name(g)
            .send()
            .await
            .unwrap();
    }
    Pool { c, id, client_id }
}

const PASSWORD: &str = "Correct-Horse-9-Battery";

impl Pool {
    /// An account with a password set, in `group`.
    async fn user(&self, email: &str, group: Option<&str>) {
        self.c
            .admin_create_user()
            .user_pool_id(&self.id)
            .username(email)
            .temporary_password("Temp-Pass-123-x")
            .message_action(cip::types::MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
        self.c
            .admin_set_user_password()
            .user_pool_id(&self.id)
            .username(email)
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .unwrap();
        if let Some(g) = group {
            self.c
                .admin_add_user_to_group()
                .user_pool_id(&self.id)
                .username(email)
                .group_name(g)
                .send()
                .await
                .unwrap();
        }
    }

    /// The tokens of a direct sign-in (id, access).
    async fn tokens(&self, email: &str) -> (String, String) {
        let out = self
            .c
            .initiate_auth()
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .client_id(&self.client_id)
            .auth_parameters("USERNAME", email)
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap();
        let t = out.authentication_result().unwrap();
        (
            t.id_token().unwrap().to_string(),
            t.access_token().unwrap().to_string(),
        )
    }
}

async fn start_with_pool(p: &Pool, endpoint: &str) -> Service {
    let (pool_id, client_id, endpoint) = (p.id.clone(), p.client_id.clone(), endpoint.to_string());
    start_configured(None, None, move |c| {
        c.cognito_pool_id = Some(pool_id);
        c.cognito_client_id = Some(client_id);
        c.cognito_endpoint = Some(endpoint);
    })
    .await
}

/// Signs in through the service's pages with e-mail and password; the page after it.
async fn password_step(b: &mut Browser, email: &str, password: &str) -> Answer {
    let form = b.get("/api/staff/sign-in").await;
    assert_eq!(form.status, 200);
    let csrf = hidden(&form.body, "csrf");
    b.post(
        "/api/staff/sign-in",
        &[("csrf", &csrf), ("email", email), ("password", password)],
    )
    .await
}

#[tokio::test]
async fn cognito_sign_in_wrong_password_first_password_and_authenticator_code() {
    let Some(endpoint) = cognito_endpoint() else {
        return;
    };
    let p = pool(&endpoint).await;
    let svc = start_with_pool(&p, &endpoint).await;

    // A manager with a password signs in, and reaches a manager's page.
    p.user("mona@example.org", Some("manager")).await;
    let mut b = Browser::new(&svc.base);
    let r = password_step(&mut b, "mona@example.org", "wrong-password").await;
    assert_eq!(r.status, 401);
    assert!(r.body.contains("غير صحيحة"));
    assert!(!b.cookies.contains_key("staff_session"));
    let r = password_step(&mut b, "Mona@example.org", PASSWORD).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(b.cookies.contains_key("staff_session"));
    let page = b.get("/api/staff/staff").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("mona@example.org"));

    // An invited account: the temporary password, then a new one (typed twice alike).
    p.c.admin_create_user()
        .user_pool_id(&p.id)
        .username("new@example.org")
        .temporary_password("Temp-Pass-123-x")
        .message_action(cip::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    p.c.admin_add_user_to_group()
        .user_pool_id(&p.id)
        .username("new@example.org")
        .group_name("caseworker")
        .send()
        .await
        .unwrap();
    let mut b = Browser::new(&svc.base);
    let r = password_step(&mut b, "new@example.org", "Temp-Pass-123-x").await;
    assert_eq!(r.status, 200);
    assert_eq!(hidden(&r.body, "step"), "new_password");
    let fields = |pw2: &'static str, page: &str| {
        vec![
            ("csrf".to_string(), hidden(page, "csrf")),
            ("step".to_string(), "new_password".to_string()),
            ("username".to_string(), hidden(page, "username")),
            ("session".to_string(), hidden(page, "session")),
            ("password".to_string(), "New-Pass-456-yz".to_string()),
            ("password2".to_string(), pw2.to_string()),
        ]
    };
    let as_refs = |v: &Vec<(String, String)>| -> Vec<(String, String)> { v.clone() };
    let mismatch = as_refs(&fields("Other-Pass-456", &r.body));
    let m: Vec<(&str, &str)> = mismatch
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r2 = b.post("/api/staff/sign-in/challenge", &m).await;
    assert_eq!(r2.status, 400);
    let good = fields("New-Pass-456-yz", &r2.body);
    let g: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r3 = b.post("/api/staff/sign-in/challenge", &g).await;
    assert_eq!(r3.status, 303, "{}", r3.body);
    // A caseworker reaches no manager's page (404, as CloudFront would replace a 403).
    let r = b.get("/api/staff/staff").await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains(form_fn::inbox::MSG_FORBIDDEN));
    assert_eq!(b.get("/api/staff/export?format=csv").await.status, 404);
    assert_eq!(b.get("/api/staff/report?period=2026").await.status, 404);

    // An account with an authenticator app: the code is asked for after the password.
    p.user("sara@example.org", Some("caseworker")).await;
    let (_, access) = p.tokens("sara@example.org").await;
    p.c.associate_software_token()
        .access_token(&access)
        .send()
        .await
        .unwrap();
    p.c.verify_software_token()
        .access_token(&access)
        .user_code("123456")
        .send()
        .await
        .unwrap();
    p.c.admin_set_user_mfa_preference()
        .user_pool_id(&p.id)
        .username("sara@example.org")
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut b = Browser::new(&svc.base);
    let r = password_step(&mut b, "sara@example.org", PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(hidden(&r.body, "step"), "mfa");
    assert!(
        !b.cookies.contains_key("staff_session"),
        "not signed in before the code"
    );
    let r = b
        .post(
            "/api/staff/sign-in/challenge",
            &[
                ("csrf", &hidden(&r.body, "csrf")),
                ("step", "mfa"),
                ("username", &hidden(&r.body, "username")),
                ("session", &hidden(&r.body, "session")),
                ("code", "123456"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(b.get("/api/staff").await.status, 200);

    // An account in no staff group is refused.
    p.user("nobody@example.org", None).await;
    let mut b = Browser::new(&svc.base);
    let r = password_step(&mut b, "nobody@example.org", PASSWORD).await;
    assert_eq!(r.status, 401);
    assert!(!b.cookies.contains_key("staff_session"));
}

#[tokio::test]
async fn tokens_forged_expired_from_another_pool_or_client_are_refused() {
    let Some(endpoint) = cognito_endpoint() else {
        return;
    };
    let p = pool(&endpoint).await;
    p.user("mona@example.org", Some("manager")).await;
    let (id, access) = p.tokens("mona@example.org").await;
    let region = p.id.split('_').next().unwrap();
    let v = Verifier::new(region, &p.id, &p.client_id, Some(&endpoint));
    let claims = v.verify(&id, TokenUse::Id).await.unwrap();
    assert_eq!(claims.groups, ["manager"]);
    v.verify(&access, TokenUse::Access).await.unwrap();
    assert_eq!(
        v.verify(&access, TokenUse::Id).await,
        Err(Refused::Use("id"))
    );
    assert_eq!(
        v.verify(&id, TokenUse::Access).await,
        Err(Refused::Use("access"))
    );

    // Forged: the claims changed (to another group), the signature kept.
    let parts: Vec<&str> = id.split('.').collect();
    let forged_claims = String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).unwrap())
        .unwrap()
        .replace("manager", "caseworker");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(forged_claims.as_bytes()),
        parts[2]
    );
    assert_eq!(
        v.verify(&forged, TokenUse::Id).await,
        Err(Refused::Signature)
    );
    assert_eq!(
        v.verify("not-a-token", TokenUse::Id).await,
        Err(Refused::Signature)
    );

    // Expired: the same token an hour and more after its expiry.
    let later = claims.exp + 3600;
    assert_eq!(
        v.verify_at(&id, TokenUse::Id, later).await,
        Err(Refused::Expired)
    );

    // Another pool's token (moto signs every pool with one key: the issuer tells them apart).
    let other = pool(&endpoint).await;
    other.user("mona@example.org", Some("manager")).await;
    let (other_id, _) = other.tokens("mona@example.org").await;
    assert_eq!(
        v.verify(&other_id, TokenUse::Id).await,
        Err(Refused::Issuer)
    );

    // Another app client of the same pool.
    let wrong = Verifier::new(region, &p.id, "another-client", Some(&endpoint));
    assert_eq!(wrong.verify(&id, TokenUse::Id).await, Err(Refused::Client));
}

/// A caseworker's account in the pool, signed in.
async fn caseworker(p: &Pool, svc: &Service) -> Browser {
    p.user("sara@example.org", Some("caseworker")).await;
    let mut b = Browser::new(&svc.base);
    assert_eq!(
        password_step(&mut b, "sara@example.org", PASSWORD)
            .await
            .status,
        303
    );
    b
}

#[tokio::test]
async fn a_caseworker_sees_their_cases_and_unassigned_ones_only() {
    let Some(endpoint) = cognito_endpoint() else {
        return;
    };
    let p = pool(&endpoint).await;
    let svc = start_with_pool(&p, &endpoint).await;
    let form = trackable(&content());
    let code = submit(&svc, &form).await;
    svc.staff()
        .await
        .assign(
            &code,
            "someone-else@example.org",
            false,
            None,
            Some(0),
            "mona",
        )
        .await
        .unwrap();
    let mut b = caseworker(&p, &svc).await;
    let list = b.get("/api/staff").await;
    assert!(!list.body.contains(&forms::normalise::display_code(&code)));
    assert_eq!(b.get(&format!("/api/staff/cases/{code}")).await.status, 404);
}

#[tokio::test]
async fn a_session_ends_when_idle_at_its_absolute_end_and_with_its_account() {
    use form_fn::auth::session::{ABSOLUTE_SECS, IDLE_SECS, Sessions};
    use form_fn::auth::{Role, StaffMember};
    let svc = start().await;
    let sessions = Sessions::new(
        form_fn::table::client(Some(&svc.endpoint)).await,
        &svc.table,
    );
    let member = StaffMember {
        id: "sub-1".into(),
        email: "huda@example.org".into(),
        role: Role::Caseworker,
    };
    let t0 = 1_900_000_000;
    let idle = sessions.start(&member, t0).await.unwrap();
    let found = sessions.find(&idle, t0 + 60).await.unwrap().expect("live");
    assert_eq!(found.member, member);
    assert_eq!(
        sessions.find(&idle, t0 + 60 + IDLE_SECS).await.unwrap(),
        None
    );
    assert_eq!(
        sessions.find(&idle, t0 + 120).await.unwrap(),
        None,
        "ended for good"
    );

    // Used every 20 minutes, it still ends at its absolute end.
    let busy = sessions.start(&member, t0).await.unwrap();
    let mut t = t0;
    while t + 1200 < t0 + ABSOLUTE_SECS {
        t += 1200;
        assert!(sessions.find(&busy, t).await.unwrap().is_some(), "at {t}");
    }
    assert_eq!(
        sessions.find(&busy, t0 + ABSOLUTE_SECS).await.unwrap(),
        None
    );

    // A disabled account's sessions all end; a forged cookie finds none.
    let a = sessions.start(&member, t0).await.unwrap();
    let b = sessions.start(&member, t0).await.unwrap();
    assert_eq!(sessions.end_all(&member.id).await.unwrap(), 2);
    assert_eq!(sessions.find(&a, t0 + 1).await.unwrap(), None);
    assert_eq!(sessions.find(&b, t0 + 1).await.unwrap(), None);
    let forged = format!("{}.{}", member.id, "0".repeat(64));
    assert_eq!(sessions.find(&forged, t0 + 1).await.unwrap(), None);
}

/// The survey of the embedded site (the form of kind survey).
fn survey_form() -> forms::FormDef {
    content()
        .forms
        .values()
        .find(|f| f.kind == forms::FormKind::Survey)
        .cloned()
        .expect("the content has a survey")
}

/// This month's survey answers by channel, as the report counts them.
async fn channels_this_month(
    svc: &Service,
) -> std::collections::BTreeMap<forms::report::SurveyChannel, u64> {
    let today = forms::dates::Day::today().to_string();
    let report = svc
        .staff()
        .await
        .report(&form_fn::staff::report::ReportRequest {
            period: forms::report::Period::parse(&today[..7]).unwrap(),
            calendar: forms::report::PeriodCalendar::Gregorian,
            survey: None,
            service_field: None,
            today: forms::dates::Day::today(),
        })
        .await
        .unwrap();
    report.survey.expect("the survey is reported").channels
}

#[tokio::test]
async fn an_interview_is_entered_by_the_command_and_in_the_inbox_and_counted_by_its_channel() {
    use forms::report::SurveyChannel;
    let svc = start_local().await;
    let survey = survey_form();
    let answers = good_answers(&survey);
    // One answer from the site, for comparison.
    http()
        .post(svc.url(&format!("/api/forms/{}", survey.id)))
        .header("accept", "application/json")
        .json(&json_body(&survey, &answers))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();

    // The command: in person.
    let args: Vec<String> = answers.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut cmd = vec!["interview", "--form", &survey.id, "--channel", "in-person"];
    cmd.extend(args.iter().map(String::as_str));
    let out = admin(&svc, &cmd).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A bad answer is refused with the field's Arabic message, and nothing is stored.
    let rating = survey
        .fields
        .iter()
        .find(|f| f.kind == forms::FieldType::Rating)
        .unwrap();
    let bad = format!("{}=9", rating.name);
    let out = admin(
        &svc,
        &[
            "interview",
            "--form",
            &survey.id,
            "--channel",
            "phone",
            &bad,
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(rating.messages.invalid.as_deref().unwrap()),
        "{said}"
    );
    // Only a survey takes an interview.
    let request = trackable(&content());
    let out = admin(
        &svc,
        &["interview", "--form", &request.id, "--channel", "phone"],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a survey"));

    // The inbox: by phone.
    let mut b = Browser::new(&svc.base);
    b.get(&format!("/api/staff/sign-in/link?token={LINK}"))
        .await;
    let r = b.get("/api/staff/interviews").await;
    let path = format!("/api/staff/interviews/{}", survey.id);
    assert_eq!(r.location.as_deref(), Some(path.as_str()));
    let page = b.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("إدخال استبيان من مقابلة"));
    for f in &survey.fields {
        assert!(
            page.body.contains(&format!("name=\"{}\"", f.name)),
            "the field {} is on the page",
            f.name
        );
    }
    let csrf = hidden(&page.body, "csrf");
    let key = hidden(&page.body, "idempotency_key");
    let mut posted: Vec<(&str, &str)> = answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    posted.extend([("csrf", csrf.as_str()), ("idempotency_key", key.as_str())]);
    // Without the channel, or with a bad rating: the page again, each message by its field.
    let r = b.post(&path, &posted).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("field-interview_channel-error"));
    let mut wrong = posted.clone();
    wrong.retain(|(k, _)| *k != rating.name);
    wrong.extend([(rating.name.as_str(), "9"), ("interview_channel", "phone")]);
    let r = b.post(&path, &wrong).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body
            .contains(&format!("id=\"field-{}-error\"", rating.name)),
        "the message is beside its field"
    );
    assert!(r.body.contains(rating.messages.invalid.as_deref().unwrap()));
    // Without the page's token: refused.
    let mut forged = posted.clone();
    forged.retain(|(k, _)| *k != "csrf");
    forged.push(("interview_channel", "phone"));
    assert_eq!(b.post(&path, &forged).await.status, 400);
    // Stored once, even sent twice.
    posted.push(("interview_channel", "phone"));
    for _ in 0..2 {
        let r = b.post(&path, &posted).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.location, Some(format!("{path}?done=1")));
    }
    // A form that is not a survey has no interview page.
    let r = b
        .get(&format!("/api/staff/interviews/{}", request.id))
        .await;
    assert_eq!(r.status, 404);

    assert_eq!(
        channels_this_month(&svc).await,
        std::collections::BTreeMap::from([
            (SurveyChannel::Web, 1),
            (SurveyChannel::InPerson, 1),
            (SurveyChannel::Phone, 1),
        ])
    );
    // The inbox's report page shows the same counts to a manager, and gives them as CSV.
    let month = &forms::dates::Day::today().to_string()[..7];
    let page = b
        .get(&format!(
            "/api/staff/report?period={month}&calendar=gregorian"
        ))
        .await;
    assert_eq!(page.status, 200);
    for channel in [
        SurveyChannel::Web,
        SurveyChannel::InPerson,
        SurveyChannel::Phone,
    ] {
        assert!(page.body.contains(channel.label()), "{}", channel.label());
    }
    let csv_link =
        format!("/api/staff/report?period={month}&amp;calendar=gregorian&amp;format=csv");
    assert!(page.body.contains(&csv_link), "the page links to its CSV");
    let csv = b
        .get(&format!(
            "/api/staff/report?period={month}&calendar=gregorian&format=csv"
        ))
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.starts_with('\u{FEFF}'),
        "CSV for Excel starts with a byte-order mark"
    );
    assert!(csv.body.contains(SurveyChannel::InPerson.label()));
    let wrong = b.get("/api/staff/report?period=March").await;
    assert_eq!(wrong.status, 400);
    assert!(
        wrong.body.contains("2026-Q1"),
        "the message says how to write a period"
    );

    // The manager's export says each answer's channel, in Arabic like its other columns.
    let export = b
        .get(&format!("/api/staff/export?format=csv&form={}", survey.id))
        .await;
    assert_eq!(export.status, 200);
    let lines: Vec<&str> = export
        .body
        .trim_start_matches('\u{FEFF}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        lines.len(),
        4,
        "a header and three answers: {}",
        export.body
    );
    let header: Vec<&str> = lines[0].split(',').collect();
    let column = header
        .iter()
        .position(|h| *h == "\"القناة\"")
        .expect("a channel column");
    let mut channels: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(column).unwrap())
        .collect();
    channels.sort();
    let mut expected: Vec<String> = [
        SurveyChannel::Web,
        SurveyChannel::InPerson,
        SurveyChannel::Phone,
    ]
    .into_iter()
    .map(|c| format!("\"{}\"", form_fn::staff::export::channel_cell(c)))
    .collect();
    expected.sort();
    assert_eq!(channels, expected);

    // Who entered it is in the internal log, not in the answers.
    let entered: Vec<_> = svc
        .staff()
        .await
        .list(&form_fn::staff::Filter {
            form: Some(survey.id.clone()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.channel == Some(SurveyChannel::Phone))
        .collect();
    assert_eq!(entered.len(), 1);
    let log = &entered[0].events;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].kind, "interview");
    assert!(!log[0].by.is_empty());
    assert!(
        entered[0].values.keys().all(|k| survey.field(k).is_some()),
        "only the survey's answers are in the answers"
    );
}

// ---------- a person's rights, from the inbox ----------

/// Every log line the service writes in this test binary, as the Lambda's filter lets them out.
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logs() -> Logs {
    static LOGS: std::sync::OnceLock<Logs> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Logs::default();
        let writer = logs.clone();
        tracing::subscriber::set_global_default(form_fn::access_log::subscriber(
            "info",
            move || writer.clone(),
        ))
        .expect("no other subscriber in this test binary");
        logs
    })
    .clone()
}

/// A signed-in manager (the local link) and the session's form token.
async fn manager(svc: &Service) -> (Browser, String) {
    let mut b = Browser::new(&svc.base);
    let r = b
        .get(&format!("/api/staff/sign-in/link?token={LINK}"))
        .await;
    assert_eq!(r.status, 303);
    let inbox = b.get("/api/staff").await;
    let csrf = hidden(&inbox.body, "csrf");
    (b, csrf)
}

/// Posts the erasure form's pairs.
async fn erase_post(b: &mut Browser, pairs: &[(String, String)]) -> Answer {
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post("/api/staff/people/erase", &refs).await
}

#[tokio::test]
async fn a_manager_finds_exports_corrects_and_erases_a_persons_records_from_the_inbox() {
    let logs = logs();
    let svc = start_local().await;
    let form = trackable(&content());
    let phone = field_of(&form, forms::FieldType::Phone);
    let name = field_of(&form, forms::FieldType::Text);
    let first = submit(&svc, &form).await;
    let mut again = good_answers(&form);
    again.push(("idempotency_key".into(), "people-second".into()));
    let second = forms::normalise::code(&common::submit(&svc, &form, &again).await).unwrap();
    assert_ne!(first, second);
    let mut other_answers = good_answers(&form);
    for (n, v) in other_answers.iter_mut() {
        match form.field(n).map(|f| f.kind) {
            Some(forms::FieldType::Phone) => *v = "0551234567".into(),
            Some(forms::FieldType::Email) => *v = "huda@example.net".into(),
            Some(forms::FieldType::NationalId) => *v = "2000000006".into(),
            _ => {}
        }
    }
    let other = forms::normalise::code(&common::submit(&svc, &form, &other_answers).await).unwrap();
    let (mut b, csrf) = manager(&svc).await;

    // The page is in the managers' bar; a search sent in the address is not made.
    let inbox = b.get("/api/staff").await;
    assert!(inbox.body.contains("href=\"/api/staff/people\""));
    let page = b.get("/api/staff/people").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("method=\"post\" action=\"/api/staff/people\"")
    );
    let r = b.get("/api/staff/people?who=0501234567").await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("لا يُقبل البحث من عنوان الصفحة"));
    assert!(!r.body.contains(&display_code(&first)));
    assert!(
        !r.body.contains("0501234567"),
        "the identifier is not echoed"
    );

    // Found by the number written another way than it was sent (٠٥٠ ١٢٣ ٤٥٦٧).
    let typed = "+966 50 123 4567";
    let found = b
        .post("/api/staff/people", &[("csrf", &csrf), ("who", typed)])
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    for code in [&first, &second] {
        assert!(found.body.contains(&display_code(code)));
        assert!(
            found
                .body
                .contains(&format!("href=\"/api/staff/cases/{code}\""))
        );
    }
    assert!(!found.body.contains(&display_code(&other)));
    // Without the session's token, or from another site: nothing.
    let r = b
        .post("/api/staff/people", &[("csrf", "forged"), ("who", typed)])
        .await;
    assert_eq!(r.status, 400);
    assert!(!r.body.contains(&display_code(&first)));
    let r = b
        .post_from(
            "/api/staff/people",
            &[("csrf", &csrf), ("who", typed)],
            "cross-site",
        )
        .await;
    assert_ne!(r.status, 200);
    assert!(!r.body.contains(&display_code(&first)));
    let none = b
        .post(
            "/api/staff/people",
            &[("csrf", &csrf), ("who", "nobody@example.org")],
        )
        .await;
    assert_eq!(none.status, 200);
    assert!(none.body.contains("لا توجد سجلات محفوظة"));
    let bad = b
        .post("/api/staff/people", &[("csrf", &csrf), ("who", "سارة")])
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("اكتب رقم جوال"));

    // The export: CSV for Excel (a BOM, the form's fields as columns), and JSON.
    let export = |format: &'static str| {
        let http = b.http.clone();
        let url = format!("{}/api/staff/people/export", b.base);
        let cookie = b.cookie_header();
        let body = format!(
            "csrf={csrf}&format={format}&who={}",
            percent_encoding::utf8_percent_encode(typed, percent_encoding::NON_ALPHANUMERIC)
        );
        async move {
            http.post(url)
                .header("cookie", cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let csv = export("csv").await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{FEFF}".as_bytes()), "a BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("\"رمز المتابعة\",\"النموذج\",\"الحالة\""),
        "{header}"
    );
    assert!(header.contains(&format!("\"{}\"", phone.label)), "{header}");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(text.contains(&display_code(&first)) && text.contains(&display_code(&second)));
    assert!(!text.contains(&display_code(&other)));
    let json: Value = export("json").await.json().await.unwrap();
    let codes: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 2);
    assert!(codes.contains(&display_code(&first).as_str()));

    // Correction: the case page offers it beside each answer.
    let case = b.get(&format!("/api/staff/cases/{first}")).await;
    let link = format!("/api/staff/cases/{first}/correct?field={}", phone.name);
    assert!(case.body.contains(&link), "{}", case.body);
    let page = b.get(&link).await;
    assert_eq!(page.status, 200);
    let version = hidden(&page.body, "version");
    let staff = svc.staff().await;
    let before = staff.show(&first).await.unwrap();
    // A bad value: the field's own Arabic message, what was typed kept, nothing changed.
    let message = forms::validate::field_value(phone, &["12"]).unwrap_err();
    let post = format!("/api/staff/cases/{first}/correct");
    let r = b
        .post(
            &post,
            &[
                ("csrf", &csrf),
                ("field", &phone.name),
                ("version", &version),
                (&phone.name, "12"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains(&message), "{}", r.body);
    assert!(r.body.contains("value=\"12\""));
    let after = staff.show(&first).await.unwrap();
    assert_eq!(after.values, before.values);
    assert_eq!(after.version, before.version);
    // A stale view (a colleague's note since): refused in Arabic, what was typed kept.
    staff
        .note(&first, "اتصلت بالمستفيد", Some(before.version), "mona")
        .await
        .unwrap();
    let r = b
        .post(
            &post,
            &[
                ("csrf", &csrf),
                ("field", &name.name),
                ("version", &version),
                (&name.name, "سارة محمد العتيبي"),
            ],
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("عدّل زميل هذه الحالة"));
    assert!(r.body.contains("سارة محمد العتيبي"));
    assert_eq!(staff.show(&first).await.unwrap().values, before.values);
    // The version seen now: corrected, and back to the case page.
    let r = b
        .post(
            &post,
            &[
                ("csrf", &csrf),
                ("field", &name.name),
                ("version", &hidden(&r.body, "version")),
                (&name.name, "سارة محمد العتيبي"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.location.as_deref(),
        Some(format!("/api/staff/cases/{first}?done=correct").as_str())
    );
    assert_eq!(
        staff.show(&first).await.unwrap().values[&name.name],
        forms::Value::One("سارة محمد العتيبي".into())
    );

    // Erasure: a reason and the ticked records, then a confirmation naming how many. A code of
    // someone else's record posted with them is not erased.
    let who = "0501234567";
    let erase_form = |confirm: &str, reason: &str| -> Vec<(String, String)> {
        [
            ("csrf", csrf.as_str()),
            ("who", who),
            ("reason", reason),
            ("code", first.as_str()),
            ("code", second.as_str()),
            ("code", other.as_str()),
            ("confirm", confirm),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let r = erase_post(&mut b, &erase_form("", "")).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("اختر سبب الحذف"));
    let confirm = erase_post(&mut b, &erase_form("", "request")).await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    assert!(
        confirm.body.contains("سيُحذف سجلان نهائيًا"),
        "{}",
        confirm.body
    );
    assert!(!confirm.body.contains(&other));
    assert!(
        staff.show(&first).await.is_ok(),
        "nothing erased before the confirmation"
    );
    let done = erase_post(&mut b, &erase_form("1", "request")).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("حُذف نهائيًا سجلان"), "{}", done.body);
    assert!(staff.show(&first).await.is_err());
    assert!(staff.show(&second).await.is_err());
    assert!(
        staff.show(&other).await.is_ok(),
        "someone else's record stays"
    );
    let again = b
        .post("/api/staff/people", &[("csrf", &csrf), ("who", who)])
        .await;
    assert!(again.body.contains("لا توجد سجلات محفوظة"));
    // The follow-up with the old code finds nothing.
    let r = http()
        .post(svc.url("/api/track"))
        .header("accept", "application/json")
        .json(&json!({"code": first, "contact": PHONE_TYPED}))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 200);
    // The erasure record: who, when, why; no personal data.
    let audit = svc
        .db
        .get_item()
        .table_name(&svc.table)
        .key(
            form_fn::table::PK,
            aws_sdk_dynamodb::types::AttributeValue::S(format!(
                "{}{first}",
                form_fn::table::AUDIT_PREFIX
            )),
        )
        .key(
            form_fn::table::SK,
            aws_sdk_dynamodb::types::AttributeValue::S(form_fn::table::SK_ERASED.into()),
        )
        .send()
        .await
        .unwrap()
        .item
        .expect("an erasure record");
    assert_eq!(audit["reason"].as_s().unwrap(), "request");
    assert!(!audit["by"].as_s().unwrap().is_empty());
    assert!(audit.contains_key("at"));
    let text = format!("{audit:?}");
    for personal in ["966501234567", "سارة", "Sara@", "sara@", "1000000008"] {
        assert!(!text.contains(personal), "{personal} in {text}");
    }

    // No log line holds the identifier, however it was typed.
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("staff_people_found"), "the log is captured");
    for personal in ["501234567", "50 123", "٠٥٠", "nobody@", "سارة"] {
        assert!(!logged.contains(personal), "{personal} logged: {logged}");
    }
}

#[tokio::test]
async fn a_caseworker_gets_404_on_every_page_of_a_persons_rights() {
    let Some(endpoint) = cognito_endpoint() else {
        return;
    };
    let p = pool(&endpoint).await;
    let svc = start_with_pool(&p, &endpoint).await;
    let form = trackable(&content());
    let phone = field_of(&form, forms::FieldType::Phone);
    let code = submit(&svc, &form).await;
    let mut b = caseworker(&p, &svc).await;
    let inbox = b.get("/api/staff").await;
    assert!(
        !inbox.body.contains("/api/staff/people"),
        "not in a caseworker's bar"
    );
    let csrf = hidden(&inbox.body, "csrf");
    let case = b.get(&format!("/api/staff/cases/{code}")).await;
    assert_eq!(case.status, 200, "an unassigned case is hers to see");
    assert!(
        !case.body.contains("/correct?field="),
        "no correction offered"
    );
    let staff = svc.staff().await;
    let before = staff.show(&code).await.unwrap();
    let who = [("csrf", csrf.as_str()), ("who", "0501234567")];
    for r in [
        b.get("/api/staff/people").await,
        b.post("/api/staff/people", &who).await,
        b.post(
            "/api/staff/people/export",
            &[who[0], who[1], ("format", "csv")],
        )
        .await,
        b.post(
            "/api/staff/people/erase",
            &[
                who[0],
                who[1],
                ("reason", "request"),
                ("code", &code),
                ("confirm", "1"),
            ],
        )
        .await,
        b.get(&format!(
            "/api/staff/cases/{code}/correct?field={}",
            phone.name
        ))
        .await,
        b.post(
            &format!("/api/staff/cases/{code}/correct"),
            &[
                ("csrf", &csrf),
                ("field", &phone.name),
                ("version", &before.version.to_string()),
                (&phone.name, "0559998877"),
            ],
        )
        .await,
    ] {
        assert_eq!(r.status, 404, "{}", r.body);
        assert!(r.body.contains("ليست ضمن صلاحياتك"));
        assert!(!r.body.contains(&display_code(&code)));
    }
    let after = staff.show(&code).await.unwrap();
    assert_eq!(after.values, before.values, "nothing corrected");
    assert_eq!(after.version, before.version);
}
