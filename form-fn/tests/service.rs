//! The router over HTTP against a real DynamoDB-compatible server: the embedded store, or the one
//! `FORM_FN_TEST_ENDPOINT` names (the moto step runs these same tests against moto's server).

mod common;

use std::collections::HashSet;

use common::*;
use forms::normalise::display_code;
use reqwest::StatusCode;
use serde_json::{Value, json};

const FORM: &str = "application/x-www-form-urlencoded";

async fn post_json(svc: &Service, path: &str, body: &Value) -> (StatusCode, Value) {
    let r = http()
        .post(svc.url(path))
        .header("accept", "application/json")
        .json(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn post_form(svc: &Service, path: &str, body: String) -> (StatusCode, String) {
    let r = http()
        .post(svc.url(path))
        .header("content-type", FORM)
        .header("user-agent", "Mozilla/5.0 (tests)")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.text().await.unwrap())
}

fn s(
    item: &std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
    k: &str,
) -> String {
    item[k].as_s().unwrap().clone()
}

#[tokio::test]
async fn every_form_is_stored_from_both_encodings() {
    let svc = start().await;
    let content = content();
    let mut expected = 0;
    for form in content.forms.values() {
        let answers = good_answers(form);
        let path = format!("/api/forms/{}", form.id);

        let (status, html) = post_form(&svc, &path, form_body(&answers)).await;
        assert_eq!(status, StatusCode::OK, "{}: {html}", form.id);
        assert!(
            html.contains("lang=\"ar\""),
            "{}: the answer is an Arabic page",
            form.id
        );
        let (status, body) = post_json(&svc, &path, &json_body(form, &answers)).await;
        assert_eq!(status, StatusCode::CREATED, "{}: {body}", form.id);
        assert_eq!(body["status"], "received");
        assert_eq!(body["status_label"], "تم الاستلام");
        expected += 2;
        if form.trackable {
            let code = body["code"]
                .as_str()
                .expect("a trackable form gives a code");
            assert_eq!(
                forms::normalise::code(code)
                    .map(|c| display_code(&c))
                    .as_deref(),
                Some(code)
            );
            let grouped = regex_code(&html).expect("the confirmation page shows the code");
            assert_ne!(grouped, code, "each submission has its own code");
        } else {
            assert!(
                body["code"].is_null(),
                "{}: no code for a form that is not followed up",
                form.id
            );
            assert!(
                regex_code(&html).is_none(),
                "{}: no code on the page",
                form.id
            );
        }
        assert_eq!(
            body["expected_by"].is_string(),
            form.response.as_ref().is_some_and(|r| r.is_promise()),
            "{}: an answer date only for a form that promises one",
            form.id
        );
    }
    let items = svc.submissions().await;
    assert_eq!(items.len(), expected);
    for item in &items {
        let form = content.form(&s(item, "form")).unwrap();
        let values = item["values"].as_m().unwrap();
        for f in &form.fields {
            let v = values
                .get(&f.name)
                .unwrap_or_else(|| panic!("{}: {} stored", form.id, f.name));
            match f.kind {
                forms::FieldType::Phone => assert_eq!(v.as_s().unwrap(), PHONE),
                forms::FieldType::NationalId => assert_eq!(v.as_s().unwrap(), "1000000008"),
                forms::FieldType::Email => assert_eq!(v.as_s().unwrap(), "Sara@example.org"),
                forms::FieldType::Rating => assert_eq!(v.as_s().unwrap(), "4"),
                _ => {}
            }
        }
        assert_eq!(s(item, "status"), "received");
        let ttl: u64 = item["expires_at"].as_n().unwrap().parse().unwrap();
        let now = form_fn::clock::now_epoch();
        let days = (ttl - now) as f64 / 86_400.0;
        assert!(
            (days - f64::from(form.retention_days)).abs() < 0.01,
            "kept for the form's retention period"
        );
    }
}

/// The embedded site with its request form answered as `response` says.
fn with_response(response: forms::Response) -> (form_fn::content::Content, forms::FormDef) {
    let mut content = content();
    let request = content.forms.get_mut("request").expect("a request form");
    request.response = Some(response);
    let form = request.clone();
    (content, form)
}

#[tokio::test]
async fn a_minimum_answer_period_is_said_as_no_sooner_than_and_gives_no_date() {
    let (content, form) = with_response(forms::Response {
        days: 14,
        kind: forms::ResponseKind::AtLeast,
        quote: Some("خلال مدة لا تقل عن أسبوعين".to_string()),
    });
    let svc = start_with_content(content).await;
    let answers = good_answers(&form);
    let (status, body) = post_json(&svc, "/api/forms/request", &json_body(&form, &answers)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["expected_by"].is_null(), "no answer date: {body}");
    assert_eq!(body["response"]["kind"], "at_least");
    assert_eq!(body["response"]["days"], 14);

    let (status, html) = post_form(&svc, "/api/forms/request", form_body(&answers)).await;
    assert_eq!(status, StatusCode::OK);
    let said = "لا يأتي الرد على طلبك قبل 14 يومًا من وصوله";
    assert!(html.contains(said), "{html}");
    assert!(html.contains("«خلال مدة لا تقل عن أسبوعين»"), "{html}");
    assert!(!html.contains("موعد الرد المتوقع"), "{html}");
    assert!(!html.contains("خلال 14 يومًا"), "{html}");
    for item in svc.submissions().await {
        assert!(!item.contains_key("expected_by"), "no due day is stored");
    }

    let code = body["code"].as_str().unwrap();
    let (status, page) = post_form(
        &svc,
        "/api/track",
        form_body(&[
            ("code".into(), code.to_string()),
            ("contact".into(), PHONE_TYPED.into()),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(said), "the follow-up says it too: {page}");
    assert!(!page.contains("موعد الرد المتوقع"), "{page}");
}

#[tokio::test]
async fn a_promised_answer_period_gives_the_answer_date() {
    let (content, form) = with_response(forms::Response {
        days: 14,
        kind: forms::ResponseKind::Within,
        quote: None,
    });
    let svc = start_with_content(content).await;
    let answers = good_answers(&form);
    let before = forms::dates::Day::today().add_days(14).to_string();
    let (status, body) = post_json(&svc, "/api/forms/request", &json_body(&form, &answers)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The day in Riyadh may turn during the request.
    let after = forms::dates::Day::today().add_days(14).to_string();
    let got = body["expected_by"].as_str().expect("an answer date");
    assert!(got == before || got == after, "{got}");

    let (_, html) = post_form(&svc, "/api/forms/request", form_body(&answers)).await;
    assert!(html.contains("موعد الرد المتوقع"), "{html}");
    assert!(!html.contains("لا يأتي الرد"), "{html}");
}

/// The first tracking code (XXXX-XXXX-XXXX) in a text.
fn regex_code(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let sym = |c: char| forms::normalise::CODE_ALPHABET.contains(&(c as u32 as u8)) && c.is_ascii();
    (0..chars.len().saturating_sub(13)).find_map(|i| {
        let w = &chars[i..i + 14];
        let ok = w
            .iter()
            .enumerate()
            .all(|(j, &c)| if j == 4 || j == 9 { c == '-' } else { sym(c) });
        let bounded = i == 0 || !sym(chars[i - 1]);
        (ok && bounded).then(|| w.iter().collect())
    })
}

#[tokio::test]
async fn validation_errors_give_the_definitions_arabic_messages() {
    let svc = start().await;
    let content = content();
    let form = trackable(&content);
    let contact = form.contact_fields().next().unwrap();
    let required = form
        .fields
        .iter()
        .find(|f| f.required && !f.contact)
        .unwrap();
    let mut answers: Vec<_> = good_answers(&form)
        .into_iter()
        .filter(|(k, _)| *k != required.name)
        .collect();
    for a in answers.iter_mut().filter(|(k, _)| *k == contact.name) {
        a.1 = "٠٥٠١٢".to_string();
    }
    let path = format!("/api/forms/{}", form.id);
    let (status, body) = post_json(&svc, &path, &json_body(&form, &answers)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][&contact.name], contact.msg_invalid());
    assert_eq!(body["errors"][&required.name], required.msg_required());
    assert_eq!(body["errors"].as_object().unwrap().len(), 2, "{body}");

    let (status, html) = post_form(&svc, &path, form_body(&answers)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(&forms::render::escape_html(&contact.msg_invalid())),
        "{html}"
    );
    assert!(svc.submissions().await.is_empty(), "nothing is stored");
}

#[tokio::test]
async fn the_same_key_gives_the_same_code_and_one_record() {
    let svc = start().await;
    let content = content();
    let form = trackable(&content);
    let path = format!("/api/forms/{}", form.id);
    let body = json_body(&form, &good_answers(&form));
    let send = |key: &'static str| {
        http()
            .post(svc.url(&path))
            .header("accept", "application/json")
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let a: Value = send("6a1f0c3e-4b2d-4e8f-9c7a-1d2e3f405162")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let b: Value = send("6a1f0c3e-4b2d-4e8f-9c7a-1d2e3f405162")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(a["code"], b["code"]);
    assert_eq!(svc.submissions().await.len(), 1);
    let c: Value = send("0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(a["code"], c["code"], "another key is another submission");
    assert_eq!(svc.submissions().await.len(), 2);

    // The hidden field the page's script fills does the same for an HTML form.
    let mut answers = good_answers(&form);
    answers.push((
        "idempotency_key".into(),
        "f00dfeed-0000-4000-8000-000000000001".into(),
    ));
    let (_, first) = post_form(&svc, &path, form_body(&answers)).await;
    let (_, again) = post_form(&svc, &path, form_body(&answers)).await;
    assert_eq!(regex_code(&first), regex_code(&again));
    assert!(regex_code(&first).is_some());
    assert_eq!(svc.submissions().await.len(), 3);
}

#[tokio::test]
async fn a_double_post_without_javascript_is_one_record_but_two_people_are_two() {
    let svc = start().await;
    let content = content();
    let form = untracked(&content).unwrap_or_else(|| trackable(&content));
    let path = format!("/api/forms/{}", form.id);
    let body = form_body(&good_answers(&form));
    let send = |ua: &'static str| {
        http()
            .post(svc.url(&path))
            .header("content-type", FORM)
            .header("user-agent", ua)
            .body(body.clone())
            .send()
    };
    let (a, b) = tokio::join!(send("Browser A"), send("Browser A"));
    assert_eq!(a.unwrap().status(), StatusCode::OK);
    assert_eq!(b.unwrap().status(), StatusCode::OK);
    assert_eq!(
        send("Browser A").await.unwrap().status(),
        StatusCode::OK,
        "a refresh"
    );
    assert_eq!(
        svc.submissions().await.len(),
        1,
        "a double click and a refresh store one record"
    );
    send("Browser B").await.unwrap();
    assert_eq!(
        svc.submissions().await.len(),
        2,
        "another person with the same answers is recorded"
    );
}

#[tokio::test]
async fn behind_cloudfront_a_request_sent_around_it_is_refused_and_stores_nothing() {
    let svc = start_behind_cloudfront("verify-7f3a9c").await;
    let content = content();
    let form = trackable(&content);
    let url = svc.url(&format!("/api/forms/{}", form.id));
    let answers = json_body(&form, &good_answers(&form));
    let send = |verify: Option<&'static str>| {
        let mut r = http()
            .post(&url)
            .header("accept", "application/json")
            .header("cloudfront-viewer-address", "198.51.100.7:443")
            .json(&answers);
        if let Some(v) = verify {
            r = r.header("x-origin-verify", v);
        }
        r.send()
    };
    for verify in [None, Some("verify-7f3a9"), Some("not-the-value")] {
        let r = send(verify).await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{verify:?}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["message"], form_fn::messages::MSG_NO_FORM);
    }
    assert!(svc.submissions().await.is_empty(), "nothing stored");
    let r = send(Some("verify-7f3a9c")).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(svc.submissions().await.len(), 1);
}

#[tokio::test]
async fn behind_cloudfront_during_a_rotation_the_current_and_the_previous_value_pass() {
    // What infra/deploy --rotate-origin-secret sets while CloudFront's edges move from the
    // previous value to the new one: both are accepted, nothing else is.
    let svc = start_behind_cloudfront("new-4b8e2d, old-7f3a9c").await;
    let content = content();
    let form = trackable(&content);
    let url = svc.url(&format!("/api/forms/{}", form.id));
    let answers = json_body(&form, &good_answers(&form));
    // The second accepted request carries other answers, so it is not the first one sent again.
    let mut other = answers.clone();
    let text = form
        .fields
        .iter()
        .find(|f| matches!(f.kind, forms::FieldType::Text | forms::FieldType::Textarea))
        .expect("the form has a text field");
    other[&text.name] = serde_json::Value::String(format!(
        "{} أيضًا",
        answers[&text.name].as_str().unwrap_or_default()
    ));
    let send_body = |verify: &'static str, visitor: &'static str, body: &serde_json::Value| {
        http()
            .post(&url)
            .header("accept", "application/json")
            .header("cloudfront-viewer-address", visitor)
            .header("x-origin-verify", verify)
            .json(body)
            .send()
    };
    let send = |verify: &'static str, visitor: &'static str| send_body(verify, visitor, &answers);
    for verify in [
        "new-4b8e2d,old-7f3a9c",
        "new-4b8e2d, old-7f3a9c",
        "",
        "old-7f3a9",
        "new",
    ] {
        let r = send(verify, "198.51.100.7:443").await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{verify:?}");
    }
    assert!(svc.submissions().await.is_empty(), "nothing stored");
    let r = send("new-4b8e2d", "198.51.100.7:443").await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "the new value");
    let r = send_body("old-7f3a9c", "203.0.113.25:443", &other)
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "the previous value: {:?}",
        r.text().await
    );
    assert_eq!(svc.submissions().await.len(), 2);
}

#[tokio::test]
async fn the_honeypot_keeps_the_record_apart_briefly_and_looks_the_same() {
    let svc = start().await;
    let content = content();
    let form = trackable(&content);
    let path = format!("/api/forms/{}", form.id);
    let mut answers = good_answers(&form);
    answers.push((
        forms::definition::HONEYPOT.into(),
        "http://spam.example".into(),
    ));
    let (status, html) = post_form(&svc, &path, form_body(&answers)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        regex_code(&html).is_some(),
        "the robot sees a code like anyone"
    );
    let (status, body) = post_json(&svc, &path, &json_body(&form, &answers)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(body["code"].is_string());
    // Stored (a browser's autofill may have filled the trap in), flagged, out of staff's lists, and
    // kept only briefly.
    let items = svc.submissions().await;
    assert_eq!(items.len(), 2);
    let now = form_fn::clock::now_epoch();
    for item in &items {
        assert_eq!(item["spam"].as_bool(), Ok(&true));
        assert_eq!(s(item, "gsi1pk"), format!("{}#spam", form.id));
        let expires: u64 = item["expires_at"].as_n().unwrap().parse().unwrap();
        let days = u64::from(form_fn::table::SPAM_RETENTION_DAYS);
        assert!(expires <= now + days * 86_400 && expires + 60 >= now + days * 86_400);
    }
    // The person whose browser filled it in can still follow the request up.
    let (status, _) = post_json(
        &svc,
        "/api/track",
        &json!({"code": body["code"], "contact": PHONE_TYPED}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_field_named_like_an_autofilled_one_is_no_trap() {
    let svc = start().await;
    let content = content();
    let form = trackable(&content);
    let mut answers = good_answers(&form);
    answers.push(("website".into(), "https://example.org".into()));
    let (status, _) = post_json(
        &svc,
        &format!("/api/forms/{}", form.id),
        &json_body(&form, &answers),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown field");
    assert_ne!(forms::definition::HONEYPOT, "website");
}

#[tokio::test]
async fn follow_up_needs_the_right_contact_and_slows_guessing() {
    let svc = start().await;
    let content = content();
    let form = trackable(&content);
    let path = format!("/api/forms/{}", form.id);
    let (_, body) = post_json(&svc, &path, &json_body(&form, &good_answers(&form))).await;
    let code = body["code"].as_str().unwrap().to_string();

    // The code typed loosely and the phone written differently still find it.
    let loose = code.to_lowercase().replace('-', " ");
    let (status, found) = post_json(
        &svc,
        "/api/track",
        &json!({"code": loose, "contact": "+966 50 123 4567"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["code"], code.as_str());
    assert_eq!(found["status"], "received");
    assert_eq!(found["status_label"], "تم الاستلام");
    assert_eq!(found["form_title"], form.title.as_str());
    assert_eq!(found["history"].as_array().unwrap().len(), 1);

    let (html_status, html) = post_form(
        &svc,
        "/api/track",
        form_body(&[
            ("code".into(), code.clone()),
            ("contact".into(), PHONE_TYPED.into()),
        ]),
    )
    .await;
    assert_eq!(html_status, StatusCode::OK);
    assert!(html.contains("تم الاستلام"), "{html}");

    // A wrong phone and a wrong code get the very same answer.
    let (s1, wrong_phone) = post_json(
        &svc,
        "/api/track",
        &json!({"code": code, "contact": "0599999999"}),
    )
    .await;
    let other = form_fn::code::new_code();
    let (s2, wrong_code) = post_json(
        &svc,
        "/api/track",
        &json!({"code": other, "contact": PHONE_TYPED}),
    )
    .await;
    assert_eq!((s1, s2), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(wrong_phone, wrong_code);
    assert!(!wrong_phone.to_string().contains("تم الاستلام"));

    // Repeated guesses on one code are slowed: after the limit, 429 with Retry-After, even with the
    // right phone.
    for _ in 1..form_fn::track::MAX_FAILURES_PER_CODE {
        post_json(
            &svc,
            "/api/track",
            &json!({"code": code, "contact": "0599999999"}),
        )
        .await;
    }
    let r = http()
        .post(svc.url("/api/track"))
        .header("accept", "application/json")
        .json(&json!({"code": code, "contact": PHONE_TYPED}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= form_fn::store::TRY_WINDOW.as_secs());
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["message"], form_fn::messages::MSG_THROTTLED);
}

/// Sends `answers` to a form as a browser without script does and reads the tracking code from the
/// confirmation page.
async fn submit_html(svc: &Service, form: &str, answers: &[(String, String)]) -> String {
    let (status, html) = post_form(svc, &format!("/api/forms/{form}"), form_body(answers)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    regex_code(&html).expect("the confirmation page shows the code")
}

/// Follows a request up through the HTML form, as a browser without script does.
async fn track_html(svc: &Service, code: &str, contact: &str) -> (StatusCode, String) {
    post_form(
        svc,
        "/api/track",
        form_body(&[
            ("code".into(), code.into()),
            ("contact".into(), contact.into()),
        ]),
    )
    .await
}

#[tokio::test]
async fn follow_up_by_the_phone_or_the_email_given_through_the_html_forms() {
    let svc = start().await;
    let content = content();
    let form = trackable(&content);
    let email = form
        .contact_fields()
        .find(|f| f.kind == forms::FieldType::Email)
        .expect("the trackable form takes an e-mail to follow up with");
    let mut answers = good_answers(&form);
    for a in answers.iter_mut().filter(|(k, _)| *k == email.name) {
        a.1 = " Sara.Ali@Example.ORG ".to_string();
    }
    let code = submit_html(&svc, &form.id, &answers).await;
    let items = svc.submissions().await;
    let item = &items[0];
    let stored: Vec<_> = item["contacts"]
        .as_l()
        .unwrap()
        .iter()
        .map(|c| c.as_s().unwrap().as_str())
        .collect();
    assert_eq!(
        stored,
        [PHONE, "sara.ali@example.org"],
        "each contact kept normalised"
    );

    for (contact, why) in [
        (PHONE_TYPED, "the phone in Arabic-Indic digits"),
        ("+966 50 123 4567", "the phone written another way"),
        ("sara.ali@example.org", "the e-mail in lower case"),
        (
            "  SARA.ALI@EXAMPLE.ORG  ",
            "the e-mail in upper case, with spaces",
        ),
    ] {
        let (status, html) = track_html(&svc, &code, contact).await;
        assert_eq!(status, StatusCode::OK, "{why}: {html}");
        assert!(html.contains("تم الاستلام"), "{why}: the status is shown");
        assert!(
            html.contains(&code),
            "{why}: the request is named by its code"
        );
    }
    for (contact, why) in [
        ("sara.ali@example.com", "another e-mail"),
        ("0599999999", "another phone"),
    ] {
        let (status, html) = track_html(&svc, &code, contact).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{why}");
        assert!(
            !html.contains("تم الاستلام"),
            "{why}: nothing of the request is shown"
        );
    }

    // A request sent without an e-mail is followed up by its phone only.
    let no_email: Vec<_> = good_answers(&form)
        .into_iter()
        .filter(|(k, _)| *k != email.name)
        .collect();
    let code = submit_html(&svc, &form.id, &no_email).await;
    assert_eq!(track_html(&svc, &code, PHONE_TYPED).await.0, StatusCode::OK);
    assert_eq!(
        track_html(&svc, &code, "sara.ali@example.org").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_conditional_field_is_required_and_kept_only_for_the_answers_it_names() {
    let svc = start().await;
    let content = content();
    let mut checked = 0;
    for form in content.forms.values() {
        for field in form.fields.iter().filter(|f| f.required_if.is_some()) {
            let cond = field.required_if.as_ref().unwrap();
            let other = form.field(&cond.field).unwrap();
            let path = format!("/api/forms/{}", form.id);
            for option in &other.options {
                let answers = |with_field: bool| -> Vec<(String, String)> {
                    good_answers(form)
                        .into_iter()
                        .filter(|(k, _)| *k != other.name && (with_field || *k != field.name))
                        .chain([(other.name.clone(), option.value.clone())])
                        .collect()
                };
                let asked = cond.any_of.contains(&option.value);
                let before = svc.submissions().await.len();
                let (status, html) = post_form(&svc, &path, form_body(&answers(false))).await;
                if asked {
                    assert_eq!(
                        status,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "{}: {}",
                        option.value,
                        field.name
                    );
                    assert!(
                        html.contains(&forms::render::escape_html(&field.msg_required())),
                        "{}: the message says {} is needed",
                        option.value,
                        field.name
                    );
                    assert_eq!(svc.submissions().await.len(), before, "nothing stored");
                } else {
                    assert_eq!(
                        status,
                        StatusCode::OK,
                        "{}: not asked, not needed",
                        option.value
                    );
                }
                // Sent with the field filled in: kept only where it is asked for.
                let (status, body) = post_json(&svc, &path, &json_body(form, &answers(true))).await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
                checked += 1;
                let Some(code) = body["code"].as_str().and_then(forms::normalise::code) else {
                    continue; // a form that is not followed up: its record has no code to find
                };
                let item = svc
                    .submissions()
                    .await
                    .into_iter()
                    .find(|i| s(i, "pk") == format!("SUB#{code}"))
                    .expect("the record is stored");
                let values = item["values"].as_m().unwrap();
                assert_eq!(
                    values.contains_key(&field.name),
                    asked,
                    "{}: {} is stored only when asked for",
                    option.value,
                    field.name
                );
            }
        }
    }
    assert!(checked > 0, "the content has a conditional field");
}

#[tokio::test]
async fn guessing_many_codes_from_one_client_is_slowed() {
    let svc = start().await;
    let mut last = StatusCode::OK;
    for _ in 0..=form_fn::track::MAX_FAILURES_PER_CLIENT {
        let (status, _) = post_json(
            &svc,
            "/api/track",
            &json!({"code": form_fn::code::new_code(), "contact": PHONE_TYPED}),
        )
        .await;
        last = status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

/// Sends `n` follow-ups at once, `code(i)` each with a wrong phone; how many were looked up (404)
/// and how many refused (429, or 503 "try again later" from a store that could not answer in
/// time: refused too, and never a lookup).
async fn parallel_guesses(
    svc: &Service,
    n: usize,
    code: impl Fn(usize) -> String,
) -> (usize, usize) {
    let mut tasks = Vec::new();
    for i in 0..n {
        let url = svc.url("/api/track");
        let body = json!({"code": code(i), "contact": "0599999999"});
        tasks.push(tokio::spawn(async move {
            http()
                .post(url)
                .header("accept", "application/json")
                .json(&body)
                .send()
                .await
                .unwrap()
        }));
    }
    let (mut looked_up, mut throttled) = (0, 0);
    for t in tasks {
        let r = t.await.unwrap();
        match r.status() {
            StatusCode::NOT_FOUND => looked_up += 1,
            StatusCode::TOO_MANY_REQUESTS => throttled += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(
                    r.headers().contains_key("retry-after"),
                    "a 503 says when to retry"
                );
                throttled += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    (looked_up, throttled)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_cannot_race_past_the_limits() {
    let svc = start().await;
    let code = form_fn::code::new_code();
    let (looked_up, throttled) = parallel_guesses(&svc, 40, |_| code.clone()).await;
    eprintln!("40 parallel guesses of one code: {looked_up} looked up, {throttled} refused");
    assert!(looked_up as u64 <= form_fn::track::MAX_FAILURES_PER_CODE);
    assert_eq!(looked_up + throttled, 40);

    let svc = start().await;
    let (looked_up, throttled) = parallel_guesses(&svc, 40, |_| form_fn::code::new_code()).await;
    eprintln!("40 parallel guesses of random codes: {looked_up} looked up, {throttled} refused");
    assert!(looked_up as u64 <= form_fn::track::MAX_FAILURES_PER_CLIENT);
    assert_eq!(looked_up + throttled, 40);
}

#[tokio::test]
async fn following_ones_own_request_up_often_is_never_slowed() {
    let svc = start().await;
    let content = content();
    let form = trackable(&content);
    let path = format!("/api/forms/{}", form.id);
    let (_, body) = post_json(&svc, &path, &json_body(&form, &good_answers(&form))).await;
    for _ in 0..=form_fn::track::MAX_FAILURES_PER_CLIENT {
        let (status, _) = post_json(
            &svc,
            "/api/track",
            &json!({"code": body["code"], "contact": PHONE_TYPED}),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
}

#[tokio::test]
async fn one_client_cannot_send_past_its_submission_limit() {
    let svc = start_configured(None, None, |c| c.submissions_per_client = 3).await;
    let content = content();
    let form = trackable(&content);
    let path = format!("/api/forms/{}", form.id);
    let send = |n: usize| {
        let mut answers = good_answers(&form);
        answers.push(("idempotency_key".into(), format!("limit-test-key-{n:04}")));
        json_body(&form, &answers)
    };
    let mut codes = Vec::new();
    for n in 0..3 {
        let (status, body) = post_json(&svc, &path, &send(n)).await;
        assert_eq!(status, StatusCode::CREATED);
        codes.push(body["code"].clone());
    }
    let r = http()
        .post(svc.url(&path))
        .header("accept", "application/json")
        .json(&send(3))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= form_fn::store::TRY_WINDOW.as_secs());
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["message"], form_fn::messages::MSG_TOO_MANY_SUBMISSIONS);
    // A repeat of one already sent is answered with its code: it makes nothing new.
    let (status, again) = post_json(&svc, &path, &send(1)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["code"], codes[1]);
    assert_eq!(svc.submissions().await.len(), 3);
}

#[tokio::test]
async fn every_answer_is_uncached_and_has_the_security_headers() {
    let svc = start().await;
    let content = content();
    let form = trackable(&content);
    let c = http();
    let answers = [
        c.post(svc.url(&format!("/api/forms/{}", form.id)))
            .header("accept", "application/json")
            .json(&json_body(&form, &good_answers(&form))),
        c.post(svc.url(&format!("/api/forms/{}", form.id)))
            .header("content-type", FORM)
            .body(form_body(&good_answers(&form))),
        c.post(svc.url("/api/track"))
            .header("content-type", FORM)
            .body("code=K7M4-Q9TX-3HRP&contact=0501234567"),
        c.get(svc.url("/api/nothing-here")),
        c.get(svc.url("/api/health")),
    ];
    for request in answers {
        let r = request.send().await.unwrap();
        for (name, value) in form_fn::router::SECURITY_HEADERS {
            assert_eq!(
                r.headers().get(name).and_then(|v| v.to_str().ok()),
                Some(value),
                "{name} on a {} answer",
                r.status()
            );
        }
    }
}

#[tokio::test]
async fn a_form_posted_from_another_site_is_refused_and_stores_nothing() {
    let svc = start().await;
    let content = content();
    let form = trackable(&content);
    let url = svc.url(&format!("/api/forms/{}", form.id));
    let body = form_body(&good_answers(&form));
    let post = |headers: &[(&str, &str)]| {
        let mut r = http()
            .post(&url)
            .header("content-type", FORM)
            .body(body.clone());
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.send()
    };
    let r = post(&[
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(form_fn::messages::MSG_CROSS_SITE)
    );
    let r = post(&[("origin", "https://evil.example")]).await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "by Origin where Sec-Fetch-Site is not sent"
    );
    let r = post(&[("origin", "null")]).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(svc.submissions().await.is_empty());
    // The site's own pages, and clients that say neither, are served.
    let own = content.site.base_url.trim_end_matches('/').to_string();
    let site_origin = own.split('/').take(3).collect::<Vec<_>>().join("/");
    for headers in [
        vec![
            ("sec-fetch-site", "same-origin"),
            ("origin", "http://127.0.0.1:1"),
        ],
        vec![("origin", site_origin.as_str())],
        vec![],
    ] {
        let r = post(&headers).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{headers:?}");
    }
}

#[tokio::test]
async fn invisible_characters_in_a_name_or_line_breaks_in_one_line_are_refused() {
    let svc = start().await;
    let content = content();
    let form = trackable(&content);
    let name = form
        .fields
        .iter()
        .find(|f| f.kind == forms::FieldType::Text)
        .expect("the form asks for a name")
        .name
        .clone();
    for bad in [
        "سارة\u{200B}العتيبي",
        "سارة\u{2028}العتيبي",
        "\u{FEFF}سارة العتيبي",
    ] {
        let answers: Vec<(String, String)> = good_answers(&form)
            .into_iter()
            .map(|(k, v)| {
                if k == name {
                    (k, bad.to_string())
                } else {
                    (k, v)
                }
            })
            .collect();
        let (status, body) = post_json(
            &svc,
            &format!("/api/forms/{}", form.id),
            &json_body(&form, &answers),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        assert!(
            body["errors"][&name].as_str().unwrap().contains("سطر واحد")
                || body["errors"][&name]
                    .as_str()
                    .unwrap()
                    .contains("غير مرئية")
        );
    }
    assert!(svc.submissions().await.is_empty());
}

#[tokio::test]
async fn hostile_and_malformed_bodies_get_clear_4xx_answers() {
    let svc = start().await;
    let content = content();
    let form = trackable(&content);
    let path = format!("/api/forms/{}", form.id);
    let url = svc.url(&path);
    let c = http();
    let json_msg = |v: Value| v["message"].as_str().unwrap_or("").to_string();

    // Too large.
    let big = format!("details={}", "%D8%A7".repeat(20_000));
    let r = c
        .post(&url)
        .header("content-type", FORM)
        .header("accept", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        json_msg(r.json().await.unwrap()),
        form_fn::messages::MSG_TOO_LARGE
    );

    // 10,000 fields.
    let many = (0..10_000)
        .map(|i| format!("f{i}=1"))
        .collect::<Vec<_>>()
        .join("&");
    let r = c
        .post(&url)
        .header("content-type", FORM)
        .body(many)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(form_fn::messages::MSG_TOO_LARGE)
    );

    // Wrong content type.
    let r = c
        .post(&url)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(form_fn::messages::MSG_UNSUPPORTED)
    );

    // Unknown form.
    let (status, body) = post_json(&svc, "/api/forms/nothing-here", &json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json_msg(body), form_fn::messages::MSG_NO_FORM);

    // Invalid UTF-8, raw and percent-encoded, in both encodings.
    for (ct, bytes) in [
        (FORM, b"full_name=%FF%FE".to_vec()),
        (FORM, b"full_name=\xff\xfe".to_vec()),
        ("application/json", b"{\"full_name\": \"\xff\"}".to_vec()),
    ] {
        let r = c
            .post(&url)
            .header("content-type", ct)
            .header("accept", "application/json")
            .body(bytes)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            json_msg(r.json().await.unwrap()),
            form_fn::messages::MSG_NOT_UTF8
        );
    }

    // Deep JSON, nested objects and text that is not JSON.
    let deep = format!("{{\"a\": {}{}}}", "[".repeat(30_000), "]".repeat(30_000));
    for body in [deep.as_str(), "{\"a\": {\"b\": 1}}", "not json"] {
        let r = c
            .post(&url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{:.40}", body);
    }

    // A bidi override in a field.
    let text_field = form
        .fields
        .iter()
        .find(|f| f.kind == forms::FieldType::Text)
        .unwrap();
    let mut answers = good_answers(&form);
    for a in answers.iter_mut().filter(|(k, _)| *k == text_field.name) {
        a.1 = "سارة \u{202E}لقحلا".to_string();
    }
    let (status, body) = post_json(&svc, &path, &json_body(&form, &answers)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["errors"][&text_field.name]
            .as_str()
            .unwrap()
            .contains("اتجاه النص"),
        "{body}"
    );

    // Unknown fields.
    let mut answers = good_answers(&form);
    answers.push(("admin".into(), "true".into()));
    let (status, body) = post_json(&svc, &path, &json_body(&form, &answers)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"]["admin"], forms::validate::MSG_UNKNOWN_FIELD);

    // A script in a text is stored as text and never sent back as markup.
    let area = form
        .fields
        .iter()
        .find(|f| f.kind == forms::FieldType::Textarea)
        .unwrap();
    let script = "<script>alert('x')</script> أحتاج إلى مساعدة عاجلة في التسجيل";
    let mut answers = good_answers(&form);
    for a in answers.iter_mut().filter(|(k, _)| *k == area.name) {
        a.1 = script.to_string();
    }
    let (status, html) = post_form(&svc, &path, form_body(&answers)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("<script>alert"), "{html}");
    // Shown again with an error elsewhere, it is escaped.
    let required = form
        .fields
        .iter()
        .find(|f| f.required && f.name != area.name)
        .unwrap();
    answers.retain(|(k, _)| *k != required.name);
    let (status, html) = post_form(&svc, &path, form_body(&answers)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!html.contains("<script>alert"), "{html}");
    let items = svc.submissions().await;
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0]["values"].as_m().unwrap()[&area.name]
            .as_s()
            .unwrap(),
        script
    );

    // Nothing above was a server error.
    let r = c.get(svc.url("/api/health")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_store_that_does_not_answer_gets_503_and_no_confirmation() {
    // An endpoint where nothing listens.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let (base, _server) = serve(&closed, "forms").await;
    let content = content();
    let form = trackable(&content);
    let r = http()
        .post(format!("{base}/api/forms/{}", form.id))
        .header("accept", "application/json")
        .json(&json_body(&form, &good_answers(&form)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().contains_key("retry-after"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["message"], form_fn::messages::MSG_NOT_SAVED);
    assert!(body.get("code").is_none());
    let r = http()
        .post(format!("{base}/api/forms/{}", form.id))
        .header("content-type", FORM)
        .body(form_body(&good_answers(&form)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let html = r.text().await.unwrap();
    assert!(html.contains("لم يُحفظ"), "{html}");
    assert!(regex_code(&html).is_none());
    let r = http()
        .get(format!("{base}/api/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn when_the_store_stops_mid_test_every_confirmation_was_stored() {
    if external_endpoint().is_some() {
        return; // Stopping the external server is not this test's to do; the closed-port test covers it.
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("forms.sqlite");
    let mut svc = start_with(Some(&file)).await;
    let content = content();
    let form = trackable(&content);
    let url = svc.url(&format!("/api/forms/{}", form.id));
    let mut confirmed = Vec::new();
    let mut refused = 0;
    for i in 0..40 {
        if i == 15 {
            svc.store.take().unwrap().stop().await;
        }
        let mut answers = good_answers(&form);
        answers.push(("idempotency_key".into(), format!("mid-test-key-{i:04}")));
        let r = http()
            .post(&url)
            .header("accept", "application/json")
            .json(&json_body(&form, &answers))
            .send()
            .await
            .unwrap();
        match r.status() {
            StatusCode::CREATED => confirmed.push(
                r.json::<Value>().await.unwrap()["code"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            ),
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(r.headers().contains_key("retry-after"));
                refused += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(confirmed.len(), 15);
    assert_eq!(refused, 25);
    // The store comes back on the same file: every confirmed code is there.
    let again = form_fn::local::LocalStore::start(Some(&file))
        .await
        .unwrap();
    let db = form_fn::table::client(Some(again.endpoint())).await;
    let stored: HashSet<String> = submissions_in(&db, &svc.table)
        .await
        .iter()
        .map(|i| display_code(s(i, "pk").trim_start_matches("SUB#")))
        .collect();
    for code in &confirmed {
        assert!(
            stored.contains(code),
            "{code} was confirmed but is not stored"
        );
    }
}

/// Clients sending at once: 50, or `FORM_FN_TEST_CLIENTS` for a server that answers one request at
/// a time (the moto step), where 50 waiting clients keep every request past the service's limit.
fn clients() -> usize {
    std::env::var("FORM_FN_TEST_CLIENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50)
}

/// Submissions each client sends: 20 (1,000 in all), or `FORM_FN_TEST_PER_CLIENT` for a server
/// that cannot take 1,000 (the moto step: moto copies its table on every transaction).
fn per_client() -> usize {
    std::env::var("FORM_FN_TEST_PER_CLIENT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_submissions_from_fifty_clients_are_each_stored_once() {
    let svc = start().await;
    let per_client = per_client();
    let clients = clients();
    let total = clients * per_client;
    let content = content();
    let form = trackable(&content);
    let url = svc.url(&format!("/api/forms/{}", form.id));
    let answers = json_body(&form, &good_answers(&form));
    let mut tasks = Vec::new();
    for client in 0..clients {
        let url = url.clone();
        let answers = answers.clone();
        tasks.push(tokio::spawn(async move {
            let c = http();
            let mut codes = Vec::new();
            for n in 0..per_client {
                let key = format!("client-{client:02}-submission-{n:02}");
                let send = || {
                    c.post(&url)
                        .header("accept", "application/json")
                        .header("idempotency-key", key.clone())
                        .json(&answers)
                        .send()
                };
                // A 503 says nothing was saved and to send again: the client does, with its key,
                // waiting a little longer each time (a slow store, such as moto answering one
                // request at a time, may need several seconds to catch up).
                let mut r = send().await.unwrap();
                for attempt in 1..=30u64 {
                    if r.status() != StatusCode::SERVICE_UNAVAILABLE {
                        break;
                    }
                    assert!(r.headers().contains_key("retry-after"));
                    let wait = (100 * attempt).min(1_000);
                    tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                    r = send().await.unwrap();
                }
                assert_eq!(r.status(), StatusCode::CREATED);
                let first: Value = r.json().await.unwrap();
                // Every fifth is retried, as after a time-out: it must not count twice.
                if n % 5 == 0 {
                    let mut again = send().await.unwrap();
                    while again.status() == StatusCode::SERVICE_UNAVAILABLE {
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        again = send().await.unwrap();
                    }
                    let again: Value = again.json().await.unwrap();
                    assert_eq!(again["code"], first["code"]);
                }
                codes.push(first["code"].as_str().unwrap().to_string());
            }
            codes
        }));
    }
    let mut answered = HashSet::new();
    for t in tasks {
        answered.extend(t.await.unwrap());
    }
    assert_eq!(answered.len(), total, "every submission got its own code");
    let items = svc.submissions().await;
    assert_eq!(items.len(), total, "each submission stored exactly once");
    let stored: HashSet<String> = items
        .iter()
        .map(|i| display_code(s(i, "pk").trim_start_matches("SUB#")))
        .collect();
    assert_eq!(stored, answered, "the codes given are the codes stored");
}

/// The service's answers show the site's name and menu but none of the contact details of
/// `site.yaml`, which only the site's own pages show: a new phone number is published with the
/// site, without a new deployment of the service (`SiteConfig::for_service`).
#[tokio::test]
async fn the_answers_carry_no_contact_detail_so_changing_one_needs_no_new_service() {
    let svc = start().await;
    let embedded = forms::SiteConfig::from_yaml(
        "site.yaml",
        &std::fs::read_to_string(
            std::path::Path::new(form_fn::content::Content::source_dir()).join("site.yaml"),
        )
        .unwrap(),
    )
    .unwrap();
    let form = trackable(&content());
    let (status, html) = post_form(
        &svc,
        &format!("/api/forms/{}", form.id),
        form_body(&good_answers(&form)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(&embedded.name), "the site's name");
    for item in &embedded.nav {
        assert!(
            html.contains(&format!("href=\"{}\"", item.path)),
            "{}",
            item.path
        );
    }
    let contact = &embedded.contact;
    let details = [
        &contact.phone,
        &contact.whatsapp,
        &contact.email,
        &contact.hours,
    ];
    assert!(
        details.iter().any(|d| d.is_some()),
        "the site has contact details"
    );
    for detail in details.into_iter().flatten() {
        assert!(!html.contains(detail.as_str()), "{detail} in the answer");
    }
}

/// The `href` of the survey invitation on a confirmation page, if there is one.
fn survey_invite(html: &str) -> Option<String> {
    let at = html.find("id=\"survey-invite\"")?;
    let start = html[..at].rfind("href=\"")? + "href=\"".len();
    Some(html[start..].split('"').next()?.to_string())
}

#[tokio::test]
async fn a_request_s_confirmation_invites_to_the_survey_without_a_word_of_the_person() {
    let mut content = content();
    let form = trackable(&content);
    let survey = content
        .forms
        .values()
        .find(|f| f.kind == forms::FormKind::Survey)
        .cloned()
        .expect("the embedded site has a survey");
    let svc = start_with_content(content.clone()).await;
    let answers = good_answers(&form);
    let (status, html) = post_form(
        &svc,
        &format!("/api/forms/{}", form.id),
        form_body(&answers),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let link = survey_invite(&html).expect("the confirmation invites to the survey");
    assert_eq!(link, format!("/forms/{}/", survey.id));
    // The survey's own confirmation does not invite to itself.
    let (status, html) = post_form(
        &svc,
        &format!("/api/forms/{}", survey.id),
        form_body(&good_answers(&survey)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(survey_invite(&html), None);

    // A survey that asks which service: the link names the service, and nothing of the person.
    let yaml = format!(
        "title: استبيان\nkind: survey\nfields:\n  - name: service\n    label: الخدمة\n    type: choice\n    options:\n      - {{ value: {id}, label: الخدمة }}\n  - {{ name: overall, label: التقييم, type: rating, scale: 5, required: true }}\n",
        id = form.id
    );
    let by_service = forms::FormDef::from_yaml(&survey.id, "forms/survey.yaml", &yaml).unwrap();
    content.forms.insert(survey.id.clone(), by_service);
    let svc = start_with_content(content).await;
    let (status, html) = post_form(
        &svc,
        &format!("/api/forms/{}", form.id),
        form_body(&answers),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let link = survey_invite(&html).unwrap();
    assert_eq!(link, format!("/forms/{}/?service={}", survey.id, form.id));
    let code = svc.submissions().await.into_iter().find_map(|i| {
        i.get(form_fn::table::PK)?
            .as_s()
            .ok()?
            .strip_prefix("SUB#")
            .map(str::to_string)
    });
    let code = code.expect("the request is stored");
    for personal in [
        code.as_str(),
        PHONE,
        "0501234567",
        "Example.org",
        "example.org",
    ] {
        assert!(!link.contains(personal), "{link} names {personal}");
    }
}
