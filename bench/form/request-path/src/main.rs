//! Times the form service's request path in-process, with no network between client and service:
//! each step is called many times, every call timed on its own, and the percentiles printed as
//! JSON. The service is the one `form-fn` builds (its embedded site and templates).
//!
//! Usage: `request-path-bench` (the feedback form of the embedded site).

use std::future::Future;
use std::hint::black_box;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use form_fn::config::Config;
use form_fn::content::Content;
use form_fn::local::LocalStore;
use form_fn::pages::{Pages, ReceivedView};
use form_fn::table;
use tower::ServiceExt;

/// Calls per step after the warm-up.
const CALLS: usize = 20_000;
/// Calls per step that go through the store (each one stores a submission).
const STORED_CALLS: usize = 5_000;
const WARM_UP: usize = 500;
const FORM: &str = "feedback";

/// The figures of one step.
struct Step {
    name: &'static str,
    nanos: Vec<u64>,
}

impl Step {
    fn json(mut self) -> serde_json::Value {
        self.nanos.sort_unstable();
        let pct = |p: f64| self.nanos[((self.nanos.len() - 1) as f64 * p).round() as usize];
        let mean = self.nanos.iter().sum::<u64>() as f64 / self.nanos.len() as f64;
        serde_json::json!({
            "name": self.name,
            "calls": self.nanos.len(),
            "p50_ns": pct(0.50),
            "p99_ns": pct(0.99),
            "mean_ns": mean,
        })
    }
}

fn elapsed_ns(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// Times `f` `calls` times after [`WARM_UP`] untimed calls.
fn time<T>(name: &'static str, calls: usize, mut f: impl FnMut(usize) -> T) -> Step {
    for i in 0..WARM_UP {
        black_box(f(i));
    }
    let nanos = (WARM_UP..WARM_UP + calls)
        .map(|i| {
            let start = Instant::now();
            black_box(f(i));
            elapsed_ns(start)
        })
        .collect();
    Step { name, nanos }
}

/// The same for an async step.
async fn time_async<F: Future>(
    name: &'static str,
    calls: usize,
    mut f: impl FnMut(usize) -> F,
) -> Step {
    for i in 0..WARM_UP {
        black_box(f(i).await);
    }
    let mut nanos = Vec::with_capacity(calls);
    for i in WARM_UP..WARM_UP + calls {
        let start = Instant::now();
        black_box(f(i).await);
        nanos.push(elapsed_ns(start));
    }
    Step { name, nanos }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A valid feedback, different for every `i`.
fn valid_body(i: usize) -> String {
    format!(
        "kind=complaint&phone=0501234567&idempotency_key=bench-{i:08}&message={}",
        "%D8%AA%D8%A3%D8%AE%D8%B1+%D8%A7%D9%84%D8%B1%D8%AF+%D8%B9%D9%84%D9%89+%D8%B7%D9%84%D8%A8%D9%8A+%D8%A3%D9%83%D8%AB%D8%B1+%D9%85%D9%86+%D8%A3%D8%B3%D8%A8%D9%88%D8%B9%D9%8A%D9%86"
    )
}

fn post(body: String) -> Request<Body> {
    Request::post(format!("/api/forms/{FORM}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header(header::USER_AGENT, "bench")
        .body(Body::from(body))
        .expect("a well-formed request")
}

fn main() {
    let content = Content::embedded().unwrap_or_else(|errors| {
        for e in errors {
            eprintln!("{e}");
        }
        std::process::exit(1);
    });
    let form = content.form(FORM).expect("the feedback form").clone();
    let pages = Pages::new(&content, None);

    let valid = pairs(&[
        ("kind", "complaint"),
        ("name", "سارة عبدالله"),
        ("phone", "٠٥٠١٢٣٤٥٦٧"),
        ("email", "sara@example.org"),
        (
            "message",
            "تأخر الرد على طلبي أكثر من أسبوعين، وأرجو متابعته مع المسؤول المختص.",
        ),
    ]);
    let invalid = pairs(&[
        ("kind", "other"),
        ("phone", "12"),
        ("email", "not-an-address"),
        ("message", "قصير"),
    ]);
    let refused = match forms::validate(&form, &invalid) {
        Err(forms::Refusal::Invalid(errors)) => errors,
        other => panic!("the invalid submission must be refused with messages, not {other:?}"),
    };
    assert!(
        forms::validate(&form, &valid).is_ok(),
        "the valid submission must pass"
    );

    let mut steps = vec![
        time("validate a valid submission", CALLS, |_| {
            forms::validate(&form, &valid)
        }),
        time("validate an invalid one (4 messages)", CALLS, |_| {
            forms::validate(&form, &invalid)
        }),
        time("render the confirmation page", CALLS, |_| {
            pages.received(&ReceivedView {
                form: &form,
                code: Some("K7QM-3XPA".to_string()),
                received_at: "2026-11-22T03:00:00Z".to_string(),
                expected_by: None,
            })
        }),
        time("render the form again with its messages", CALLS, |_| {
            pages.form(&form, "/api/forms/feedback", &Default::default(), &refused)
        }),
    ];

    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    runtime.block_on(async {
        let store = LocalStore::start(None)
            .await
            .expect("the in-memory store starts");
        let client = table::client(Some(store.endpoint())).await;
        let config = Config::default();
        table::create_if_missing(&client, &config.table)
            .await
            .expect("the table is created");
        let router = form_fn::service(&config, client).expect("the service starts");

        let answer = router
            .clone()
            .oneshot(post(valid_body(0)))
            .await
            .expect("answered");
        assert_eq!(
            answer.status(),
            StatusCode::OK,
            "a valid submission is received"
        );
        let answer = router
            .clone()
            .oneshot(post("kind=x&phone=12&message=short".to_string()))
            .await
            .expect("answered");
        assert_eq!(
            answer.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "an invalid one is refused"
        );

        steps.push(
            time_async(
                "router: an invalid submission refused (no store)",
                CALLS,
                |_| {
                    router.clone().oneshot(post(
                        "kind=other&phone=12&email=x&message=short".to_string(),
                    ))
                },
            )
            .await,
        );
        steps.push(
            time_async(
                "router: a valid submission stored and confirmed (in-memory store over loopback)",
                STORED_CALLS,
                |i| router.clone().oneshot(post(valid_body(i + 1))),
            )
            .await,
        );
        store.stop().await;
    });

    let out = serde_json::json!({
        "what": format!(
            "The `{FORM}` form of the embedded site, in-process. {CALLS} calls per step \
             ({STORED_CALLS} for the stored one) after {WARM_UP} untimed, each call timed on its own."
        ),
        "steps": steps.into_iter().map(Step::json).collect::<Vec<_>>(),
    });
    println!("{out}");
}
