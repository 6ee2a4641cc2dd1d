//! What the integration tests share: the service started on a loopback port over a real
//! DynamoDB-compatible server (the embedded store, or `FORM_FN_TEST_ENDPOINT` when set, such as a
//! moto server), each test on a table of its own; and valid answers drawn from the embedded form
//! definitions, so the tests follow the content.

#![allow(dead_code)]

pub mod runtime;

use std::collections::HashMap;
use std::net::SocketAddr;

use aws_sdk_dynamodb::types::AttributeValue;
use form_fn::config::Config;
use form_fn::content::Content;
use form_fn::local::LocalStore;
use forms::{FieldType, FormDef};

/// The endpoint of a second, independent DynamoDB-compatible server to test against.
pub fn external_endpoint() -> Option<String> {
    std::env::var("FORM_FN_TEST_ENDPOINT")
        .ok()
        .filter(|v| !v.is_empty())
}

/// A fresh table name.
pub fn table_name() -> String {
    format!("t{}", form_fn::code::new_code().to_lowercase())
}

/// The service on a loopback port.
pub struct Service {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    pub table: String,
    pub endpoint: String,
    pub db: aws_sdk_dynamodb::Client,
    /// The embedded store, when the test started one.
    pub store: Option<LocalStore>,
    server: tokio::task::JoinHandle<()>,
}

impl Service {
    /// The staff's actions on this service's store and table, as the command and the inbox
    /// call them.
    pub async fn staff(&self) -> form_fn::staff::Staff {
        form_fn::staff::Staff::new(
            form_fn::table::client(Some(&self.endpoint)).await,
            &self.table,
        )
        .unwrap()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Serves the router over `endpoint` and `table` on a loopback port.
pub async fn serve(endpoint: &str, table: &str) -> (String, tokio::task::JoinHandle<()>) {
    let config = Config {
        table: table.to_string(),
        submissions_per_client: 1_000_000,
        ..Config::default()
    };
    serve_config(endpoint, config).await
}

/// Serves the router with `config` over `endpoint` on a loopback port.
pub async fn serve_config(endpoint: &str, config: Config) -> (String, tokio::task::JoinHandle<()>) {
    let client = form_fn::table::client(Some(endpoint)).await;
    let router = form_fn::service(&config, client).expect("the service starts");
    serve_router(router).await
}

/// Serves `router` on a loopback port.
pub async fn serve_router(router: axum::Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (format!("http://{addr}"), server)
}

/// Starts the service over the external endpoint if one is set, else over a new embedded store
/// (in memory, or in `file`).
pub async fn start_with(file: Option<&std::path::Path>) -> Service {
    start_configured(file, None, |_| {}).await
}

/// Starts the service as it runs behind CloudFront: requests must carry `X-Origin-Verify` with
/// one of `values` (`FORMS_ORIGIN_VERIFY`'s form: `current` or `current,previous`).
pub async fn start_behind_cloudfront(values: &str) -> Service {
    let values = form_fn::config::origin_values(values);
    start_configured(None, None, move |c| c.origin_verify = values).await
}

/// Starts the service for `content` (the embedded site changed by the test) on a fresh table.
pub async fn start_with_content(content: Content) -> Service {
    start_configured(None, Some(content), |_| {}).await
}

/// Starts the service with its configuration changed by `tweak`. Every test's requests come from
/// one address, so the per-client submission limit is lifted unless `tweak` sets one.
pub async fn start_configured(
    file: Option<&std::path::Path>,
    content: Option<Content>,
    tweak: impl FnOnce(&mut Config),
) -> Service {
    let (endpoint, store) = match external_endpoint() {
        Some(e) => (e, None),
        None => {
            let s = LocalStore::start(file)
                .await
                .expect("the embedded store starts");
            (s.endpoint().to_string(), Some(s))
        }
    };
    let table = table_name();
    let db = patient(form_fn::table::client(Some(&endpoint)).await);
    form_fn::table::create_if_missing(&db, &table)
        .await
        .expect("the table is created");
    let mut config = Config {
        table: table.clone(),
        submissions_per_client: 1_000_000,
        ..Config::default()
    };
    tweak(&mut config);
    let (base, server) = match content {
        None => serve_config(&endpoint, config).await,
        Some(content) => {
            let client = form_fn::table::client(Some(&endpoint)).await;
            let router =
                form_fn::service_for(content, &config, client).expect("the service starts");
            serve_router(router).await
        }
    };
    Service {
        base,
        table,
        endpoint,
        db,
        store,
        server,
    }
}

/// Starts the service on a fresh table.
pub async fn start() -> Service {
    start_with(None).await
}

impl Service {
    /// Every submission item in the table.
    pub async fn submissions(&self) -> Vec<HashMap<String, AttributeValue>> {
        submissions_in(&self.db, &self.table).await
    }

    /// `{base}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// `db` without the service's time limits: the test's own reads of the store (a scan of a whole
/// table of moto's, on a loaded machine) may take longer than a request of the service may.
pub fn patient(db: aws_sdk_dynamodb::Client) -> aws_sdk_dynamodb::Client {
    let config = db
        .config()
        .to_builder()
        .timeout_config(aws_sdk_dynamodb::config::timeout::TimeoutConfig::disabled())
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

/// Every submission item in `table` (a scan, for tests only).
pub async fn submissions_in(
    db: &aws_sdk_dynamodb::Client,
    table: &str,
) -> Vec<HashMap<String, AttributeValue>> {
    let mut out = Vec::new();
    let mut start = None;
    loop {
        let page = db
            .scan()
            .table_name(table)
            .consistent_read(true)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .expect("the table can be scanned");
        out.extend(
            page.items()
                .iter()
                .filter(|i| {
                    i.get("pk")
                        .and_then(|v| v.as_s().ok())
                        .is_some_and(|pk| pk.starts_with("SUB#"))
                })
                .cloned(),
        );
        match page.last_evaluated_key() {
            Some(k) if !k.is_empty() => start = Some(k.clone()),
            _ => break,
        }
    }
    out
}

/// The embedded site.
pub fn content() -> Content {
    Content::embedded().expect("the embedded site parses")
}

/// The phone number every good answer gives, as a person types it.
pub const PHONE_TYPED: &str = "٠٥٠ ١٢٣ ٤٥٦٧";
/// The same number in E.164.
pub const PHONE: &str = "+966501234567";

/// A valid answer to every field of `form` (optional ones too), as a person would type it. A
/// choice that another field's `required_if` names is answered with the first option that asks
/// for that field, so that every field is answered.
pub fn good_answers(form: &FormDef) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in &form.fields {
        let fit = |text: &str| {
            let min = f.min_length.unwrap_or(0);
            let mut t = text.to_string();
            while t.chars().count() < min {
                t.push_str(" وتفاصيل إضافية");
            }
            t.chars().take(f.max_len()).collect::<String>()
        };
        match f.kind {
            FieldType::Text => out.push((f.name.clone(), fit("سارة العتيبي"))),
            FieldType::Textarea => out.push((
                f.name.clone(),
                fit("أحتاج إلى مساعدة في التسجيل في البرنامج التدريبي القادم، وشكرًا لكم."),
            )),
            FieldType::Phone => out.push((f.name.clone(), PHONE_TYPED.to_string())),
            FieldType::Email => out.push((f.name.clone(), "Sara@Example.org".to_string())),
            FieldType::NationalId => out.push((f.name.clone(), "١٠٠٠٠٠٠٠٠٨".to_string())),
            FieldType::Choice => {
                let asking = form
                    .fields
                    .iter()
                    .filter_map(|d| d.required_if.as_ref())
                    .find(|c| c.field == f.name)
                    .and_then(|c| c.any_of.first());
                match asking {
                    Some(v) => out.push((f.name.clone(), v.clone())),
                    None => {
                        let take = if f.multiple { f.options.len() } else { 1 };
                        for o in f.options.iter().take(take) {
                            out.push((f.name.clone(), o.value.clone()));
                        }
                    }
                }
            }
            FieldType::Rating => out.push((f.name.clone(), "٤".to_string())),
            FieldType::Date => out.push((f.name.clone(), "2025-10-20".to_string())),
            FieldType::Code => out.push((f.name.clone(), "K7M4-Q9TX-3HRP".to_string())),
        }
    }
    out
}

/// `pairs` as an `application/x-www-form-urlencoded` body.
pub fn form_body(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `pairs` as a JSON object (repeated names become lists).
pub fn json_body(form: &FormDef, pairs: &[(String, String)]) -> serde_json::Value {
    let mut obj = serde_json::Map::new();
    for (k, v) in pairs {
        let multiple = form.field(k).is_some_and(|f| f.multiple);
        if multiple {
            obj.entry(k.clone())
                .or_insert_with(|| serde_json::Value::Array(Vec::new()))
                .as_array_mut()
                .unwrap()
                .push(serde_json::Value::String(v.clone()));
        } else {
            obj.insert(k.clone(), serde_json::Value::String(v.clone()));
        }
    }
    serde_json::Value::Object(obj)
}

/// A trackable form of the content.
pub fn trackable(content: &Content) -> FormDef {
    content
        .forms
        .values()
        .find(|f| f.trackable)
        .cloned()
        .expect("the content has a trackable form")
}

/// A form that is not followed up (a survey), if the content has one.
pub fn untracked(content: &Content) -> Option<FormDef> {
    content.forms.values().find(|f| !f.trackable).cloned()
}

/// An HTTP client that sends no cookies and waits at most 30 s.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Runs the built `form-fn-admin` binary against the test's store and table.
pub async fn admin(svc: &Service, args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_form-fn-admin"))
        .args(["--endpoint", &svc.endpoint, "--table", &svc.table])
        .args(args)
        .env_remove("AWS_ENDPOINT_URL_DYNAMODB")
        .env("FORMS_STAFF", "سعد")
        .output()
        .await
        .expect("form-fn-admin runs")
}

/// Posts `answers` to `form` as JSON, expects it stored, and returns its grouped tracking code.
pub async fn submit(svc: &Service, form: &FormDef, answers: &[(String, String)]) -> String {
    let r = http()
        .post(svc.url(&format!("/api/forms/{}", form.id)))
        .header("accept", "application/json")
        .json(&json_body(form, answers))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let body: serde_json::Value = r.json().await.unwrap();
    body["code"].as_str().unwrap().to_string()
}

/// The first field of `form` of type `kind`.
pub fn field_of(form: &FormDef, kind: FieldType) -> &forms::Field {
    form.fields
        .iter()
        .find(|f| f.kind == kind)
        .unwrap_or_else(|| panic!("the form {} has a field of type {kind:?}", form.id))
}
