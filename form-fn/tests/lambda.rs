//! The `form-fn` binary itself, run as Lambda runs it: under a Lambda runtime API on a loopback
//! port that feeds it API Gateway HTTP API (payload 2.0) events, over the embedded store. A
//! submission and a follow-up are answered correctly, and its logs hold no personal data.
//!
//! The binary is the one this workspace builds for the tests (it serves Lambda's invocations
//! whenever `AWS_LAMBDA_RUNTIME_API` is set, with or without the embedded store compiled in);
//! `FORM_FN_LAMBDA_BIN` names another one, e.g. the deployed profile's
//! (`cargo build --profile lambda -p form-fn --no-default-features --bin form-fn`, as
//! `bench/form/run` builds it).

mod common;

use serde_json::{Value, json};

use common::runtime::LambdaRuntime;
use common::*;

/// An API Gateway HTTP API (payload 2.0) event.
fn event(id: &str, route: &str, path: &str, params: Value, headers: Value, body: &str) -> Value {
    json!({
        "version": "2.0",
        "routeKey": route,
        "rawPath": path,
        "rawQueryString": "",
        "headers": headers,
        "pathParameters": params,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.example.org",
            "domainPrefix": "api",
            "http": {
                "method": route.split(' ').next().unwrap(),
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.10",
                "userAgent": "lambda-test"
            },
            "requestId": id,
            "routeKey": route,
            "stage": "$default",
            "time": "20/Oct/2025:09:30:00 +0000",
            "timeEpoch": 1760952600000u64
        },
        "body": body,
        "isBase64Encoded": false
    })
}

/// The value CloudFront sends in `X-Origin-Verify` in this test.
const VERIFY: &str = "4f1c2a8e-0b7d-11f0-9cd2-0242ac120002";

#[tokio::test]
async fn the_lambda_binary_answers_a_submission_and_a_follow_up() {
    let binary = std::env::var("FORM_FN_LAMBDA_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_form-fn").to_string());
    let store = form_fn::local::LocalStore::start(None).await.unwrap();
    let table = table_name();
    let db = form_fn::table::client(Some(store.endpoint())).await;
    form_fn::table::create_if_missing(&db, &table)
        .await
        .unwrap();

    let runtime = LambdaRuntime::start().await;
    let api_addr = runtime.addr;

    let mut child = tokio::process::Command::new(&binary)
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", api_addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "form-fn")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/form-fn")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
        .env("AWS_REGION", "me-south-1")
        .env("AWS_ENDPOINT_URL_DYNAMODB", store.endpoint())
        .env("TABLE_NAME", &table)
        .env("FORMS_ORIGIN_VERIFY", VERIFY)
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the Lambda binary starts");

    let invoke = |id: String, ev: Value| runtime.invoke(id, ev);

    let content = content();
    let form = trackable(&content);
    let answers = json_body(&form, &good_answers(&form));
    // Through CloudFront: every event has the same API Gateway source address (an edge
    // server's); the visitor's own is in CloudFront-Viewer-Address.
    let headers = json!({
        "content-type": "application/json",
        "accept": "application/json",
        "user-agent": "lambda-test",
        "x-origin-verify": VERIFY,
        "cloudfront-viewer-address": "198.51.100.7:50312",
    });
    let route = "POST /api/forms/{form}";
    let path = format!("/api/forms/{}", form.id);
    let reply = invoke(
        "req-submit".into(),
        event(
            "req-submit",
            route,
            &path,
            json!({"form": form.id}),
            headers.clone(),
            &answers.to_string(),
        ),
    )
    .await;
    assert_eq!(reply["statusCode"], 201, "{reply}");
    let body: Value = serde_json::from_str(reply["body"].as_str().unwrap()).unwrap();
    let code = body["code"].as_str().unwrap().to_string();
    assert_eq!(body["status"], "received");
    assert_eq!(
        submissions_in(&db, &table).await.len(),
        1,
        "the submission is stored"
    );

    // The same submission again (API Gateway's retry): the same code, still one record.
    let again = invoke(
        "req-submit-again".into(),
        event(
            "req-submit-again",
            route,
            &path,
            json!({"form": form.id}),
            headers.clone(),
            &answers.to_string(),
        ),
    )
    .await;
    let again: Value = serde_json::from_str(again["body"].as_str().unwrap()).unwrap();
    assert_eq!(again["code"], code.as_str());
    assert_eq!(submissions_in(&db, &table).await.len(), 1);

    // Another visitor with the same answers, through the same edge server: a second record.
    let mut other = headers.clone();
    other["cloudfront-viewer-address"] = json!("203.0.113.25:61000");
    let reply = invoke(
        "req-submit-other".into(),
        event(
            "req-submit-other",
            route,
            &path,
            json!({"form": form.id}),
            other.clone(),
            &answers.to_string(),
        ),
    )
    .await;
    assert_eq!(reply["statusCode"], 201, "{reply}");
    let body: Value = serde_json::from_str(reply["body"].as_str().unwrap()).unwrap();
    assert_ne!(body["code"], code.as_str(), "another person, another code");
    assert_eq!(submissions_in(&db, &table).await.len(), 2);

    // Sent to the API's own address, around CloudFront, with a made-up visitor address: 404.
    let mut around = other;
    around.as_object_mut().unwrap().remove("x-origin-verify");
    around["cloudfront-viewer-address"] = json!("192.0.2.99:1234");
    let reply = invoke(
        "req-around".into(),
        event(
            "req-around",
            route,
            &path,
            json!({"form": form.id}),
            around,
            &answers.to_string(),
        ),
    )
    .await;
    assert_eq!(reply["statusCode"], 404, "{reply}");
    assert_eq!(submissions_in(&db, &table).await.len(), 2);

    // The follow-up, from an HTML form.
    let form_headers = json!({
        "content-type": "application/x-www-form-urlencoded",
        "user-agent": "lambda-test",
        "x-origin-verify": VERIFY,
    });
    let track_body = form_body(&[
        ("code".into(), code.clone()),
        ("contact".into(), PHONE_TYPED.into()),
    ]);
    let reply = invoke(
        "req-track".into(),
        event(
            "req-track",
            "POST /api/track",
            "/api/track",
            json!({}),
            form_headers.clone(),
            &track_body,
        ),
    )
    .await;
    assert_eq!(reply["statusCode"], 200, "{reply}");
    let html = reply["body"].as_str().unwrap();
    assert!(html.contains("تم الاستلام"), "{html}");
    assert!(html.contains(&code), "{html}");

    // A wrong phone number shows nothing.
    let wrong = form_body(&[
        ("code".into(), code.clone()),
        ("contact".into(), "0599999999".into()),
    ]);
    let reply = invoke(
        "req-track-wrong".into(),
        event(
            "req-track-wrong",
            "POST /api/track",
            "/api/track",
            json!({}),
            form_headers,
            &wrong,
        ),
    )
    .await;
    assert_eq!(reply["statusCode"], 404);
    assert!(!reply["body"].as_str().unwrap().contains("تم الاستلام"));

    let reply = invoke(
        "req-health".into(),
        event(
            "req-health",
            "GET /api/health",
            "/api/health",
            json!({}),
            json!({"x-origin-verify": VERIFY}),
            "",
        ),
    )
    .await;
    assert_eq!(reply["statusCode"], 200, "{reply}");

    child.start_kill().unwrap();
    let out = child.wait_with_output().await.unwrap();
    let logs = String::from_utf8_lossy(&out.stderr);
    // One JSON line per request, with the request id, and no personal data.
    assert!(logs.contains("\"request_id\":\"req-submit\""), "{logs}");
    for secret in [
        "0501234567",
        "+966501234567",
        "1000000008",
        "سارة",
        &code,
        &code.replace('-', ""),
    ] {
        assert!(!logs.contains(secret), "the logs hold {secret}: {logs}");
    }
}
