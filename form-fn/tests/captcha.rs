//! The optional challenge (`captcha: true` on a form, `captcha:` in site.yaml): verified with the
//! provider before anything is stored, against a local stand-in of the provider's verify address
//! that records what it was asked.

mod common;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing;
use common::*;
use form_fn::content::Content;
use forms::captcha::{Captcha, Provider};
use reqwest::StatusCode;

const SECRET: &str = "0x4AAAAAAAtest-secret";
const GOOD: &str = "XXXX.DUMMY.TOKEN.XXXX";

/// What the stand-in was asked: each request's form fields.
type Asked = Arc<Mutex<Vec<Vec<(String, String)>>>>;

/// A stand-in of the provider's verify address: `success` for the token [`GOOD`] sent with the
/// right secret, otherwise a refusal, as the providers answer.
async fn provider() -> (String, Asked) {
    let asked: Asked = Arc::default();
    let log = asked.clone();
    let app = Router::new().route(
        "/siteverify",
        routing::post(move |axum::Form(fields): axum::Form<Vec<(String, String)>>| {
            let log = log.clone();
            async move {
                let get = |k: &str| {
                    fields
                        .iter()
                        .find(|(n, _)| n == k)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                let ok = get("secret") == SECRET && get("response") == GOOD;
                log.lock().unwrap().push(fields);
                axum::Json(if ok {
                    serde_json::json!({"success": true, "error-codes": []})
                } else {
                    serde_json::json!({"success": false, "error-codes": ["invalid-input-response"]})
                })
            }
        }),
    );
    let (base, _server) = serve_router(app).await;
    (format!("{base}/siteverify"), asked)
}

/// The embedded site with Turnstile named in site.yaml and the trackable form asking for it.
fn with_challenge() -> (Content, forms::FormDef) {
    let mut content = content();
    content.site.captcha = Some(Captcha {
        provider: Provider::Turnstile,
        site_key: "1x00000000000000000000AA".to_string(),
    });
    let mut form = trackable(&content);
    form.captcha = true;
    content.forms.insert(form.id.clone(), form.clone());
    (content, form)
}

async fn start_with_provider(verify_url: String) -> (Service, forms::FormDef) {
    let (content, form) = with_challenge();
    let svc = start_configured(None, Some(content), move |c| {
        c.captcha_secret = Some(SECRET.to_string());
        c.captcha_verify_url = Some(verify_url);
    })
    .await;
    (svc, form)
}

fn body_with_token(form: &forms::FormDef, token: Option<&str>) -> String {
    let mut answers = good_answers(form);
    if let Some(t) = token {
        answers.push(("cf-turnstile-response".to_string(), t.to_string()));
    }
    form_body(&answers)
}

async fn post(svc: &Service, form: &forms::FormDef, body: String) -> reqwest::Response {
    http()
        .post(svc.url(&format!("/api/forms/{}", form.id)))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn without_the_challenge_passed_nothing_is_stored_and_the_form_says_why_in_arabic() {
    let (url, asked) = provider().await;
    let (svc, form) = start_with_provider(url).await;
    for token in [None, Some("forged-token")] {
        let r = post(&svc, &form, body_with_token(&form, token)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{token:?}");
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            csp.contains("script-src 'self' https://challenges.cloudflare.com"),
            "the form shown again may load the widget: {csp}"
        );
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"field-captcha-error\""), "{html}");
        assert!(html.contains("أكمل خطوة التحقق"), "{html}");
        assert!(
            html.contains("href=\"#field-captcha\""),
            "the summary links to it"
        );
        assert!(
            html.contains("class=\"cf-turnstile\""),
            "the widget is shown again"
        );
        // What the person wrote is kept on the page.
        let (_, name) = good_answers(&form)
            .into_iter()
            .find(|(n, _)| {
                form.field(n)
                    .is_some_and(|f| f.kind == forms::FieldType::Text)
            })
            .unwrap();
        assert!(html.contains(&name), "the answers are kept");
    }
    assert!(svc.submissions().await.is_empty(), "nothing stored");
    // No token: the provider is not even asked. A forged one: asked, with the secret.
    let asked = asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(asked[0].contains(&("secret".to_string(), SECRET.to_string())));
    assert!(asked[0].contains(&("response".to_string(), "forged-token".to_string())));
}

#[tokio::test]
async fn a_passed_challenge_is_stored_once_and_its_token_is_not_kept() {
    let (url, asked) = provider().await;
    let (svc, form) = start_with_provider(url).await;
    let r = post(&svc, &form, body_with_token(&form, Some(GOOD))).await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    let stored = svc.submissions().await;
    assert_eq!(stored.len(), 1);
    let item = format!("{:?}", stored[0]);
    assert!(!item.contains(GOOD), "the token is not stored: {item}");
    let asked = asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0]
            .iter()
            .any(|(k, v)| k == "remoteip" && !v.is_empty()),
        "the client's address is sent: {asked:?}"
    );
}

#[tokio::test]
async fn a_provider_that_does_not_answer_means_not_saved_never_received() {
    // A port where nothing listens.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/siteverify", closed.local_addr().unwrap());
    drop(closed);
    let (svc, form) = start_with_provider(url).await;
    let r = http()
        .post(svc.url(&format!("/api/forms/{}", form.id)))
        .header("accept", "application/json")
        .json(&json_body(&form, &{
            let mut a = good_answers(&form);
            a.push(("cf-turnstile-response".to_string(), GOOD.to_string()));
            a
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"], "not_saved", "{body}");
    assert!(body["code"].is_null(), "no tracking code: {body}");
    assert!(svc.submissions().await.is_empty());
}

#[tokio::test]
async fn forms_without_the_check_are_not_asked_for_it() {
    let (url, asked) = provider().await;
    let (svc, form) = start_with_provider(url).await;
    let other = svc_other_form(&form);
    let r = post(&svc, &other, form_body(&good_answers(&other))).await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    assert_eq!(svc.submissions().await.len(), 1);
    assert!(asked.lock().unwrap().is_empty());
}

fn svc_other_form(with_check: &forms::FormDef) -> forms::FormDef {
    content()
        .forms
        .into_values()
        .find(|f| f.id != with_check.id && !f.fields.is_empty())
        .expect("the site has another form")
}

#[test]
fn the_service_does_not_start_with_a_challenge_and_no_secret() {
    let (content, form) = with_challenge();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = rt.block_on(form_fn::table::client(Some("http://127.0.0.1:9")));
    let err = form_fn::service_for(content, &form_fn::config::Config::default(), client)
        .expect_err("refused");
    let text = err.to_string();
    assert!(text.contains("FORMS_CAPTCHA_SECRET"), "{text}");
    assert!(text.contains(&form.id), "{text}");
}
