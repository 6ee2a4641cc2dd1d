//! The service's one router, served the same way by Lambda and locally. Every route is declared
//! here, under `/api` so that the site and the service share one origin.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sha2::{Digest, Sha256};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::answer;
use crate::app::App;
use crate::body;
use crate::client::{self, Client, ViaCdn};
use crate::messages;
use crate::routes::{self, HEALTH, SUBMIT, TRACK};
use crate::store;
use crate::{access_log, inbox, submit, track};

/// How long one request may take in all; the store's own timeouts are shorter.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(9);

/// Marks the answer given for a panic, so that it can be given as the client asked.
#[derive(Debug, Clone, Copy)]
struct Panicked;

/// Headers on every answer of the service, also when it is reached without CloudFront (which sets
/// the same): nothing is cached (confirmations and follow-ups hold codes and staff's messages), and
/// the site's security headers. The content policy is the site's without
/// `upgrade-insecure-requests`, which CloudFront adds, so that the service also runs over plain
/// HTTP on a developer's machine.
pub const SECURITY_HEADERS: [(&str, &str); 7] = [
    ("cache-control", "no-store"),
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("cross-origin-opener-policy", "same-origin"),
    (
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    ),
];

/// The router over `app`. `cors_origins` lists the origins allowed to post JSON from another site
/// (none by default).
pub fn router(app: Arc<App>, cors_origins: &[String]) -> Router {
    let routes = Router::new()
        .route(SUBMIT, post(submit::submit))
        .route(TRACK, post(track::track))
        .route(HEALTH, get(health))
        .route(routes::STAFF_INBOX, get(inbox::inbox))
        .route(
            routes::STAFF_SIGN_IN,
            get(inbox::sign_in_form).post(inbox::sign_in),
        )
        .route(routes::STAFF_CHALLENGE, post(inbox::challenge))
        .route(routes::STAFF_SIGN_OUT, post(inbox::sign_out))
        .route(routes::STAFF_CASE, get(inbox::case))
        .route(routes::STAFF_CASE_ACTION, post(inbox::case_action))
        .route(
            routes::STAFF_CASE_CORRECT,
            get(inbox::people::correct_form).post(inbox::people::correct),
        )
        .route(
            routes::STAFF_PEOPLE,
            get(inbox::people::search_form).post(inbox::people::search),
        )
        .route(routes::STAFF_PEOPLE_EXPORT, post(inbox::people::export))
        .route(routes::STAFF_PEOPLE_ERASE, post(inbox::people::erase))
        .route(routes::STAFF_EXPORT, get(inbox::export))
        .route(routes::STAFF_INTERVIEWS, get(inbox::interview::interviews))
        .route(
            routes::STAFF_INTERVIEW,
            get(inbox::interview::interview_form).post(inbox::interview::interview),
        )
        .route(routes::STAFF_REPORT, get(inbox::report))
        .route(routes::STAFF_ACCOUNTS, get(inbox::accounts))
        .route(routes::STAFF_ACCOUNTS_ACTION, post(inbox::accounts_action));
    // The one-time link of a developer's machine: never in the Lambda's build.
    #[cfg(feature = "local")]
    let routes = routes.route(routes::STAFF_LINK, get(inbox::sign_in_link));
    let routes = routes.fallback(not_found);
    layered(routes, app, cors_origins)
}

/// `routes` with everything every answer goes through.
fn layered(routes: Router<Arc<App>>, app: Arc<App>, cors_origins: &[String]) -> Router {
    let pages_for_panic = app.clone();
    let mut router = routes
        .layer(middleware::from_fn(identify_client))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            through_cloudfront,
        ))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            within_time_limit,
        ))
        .layer(middleware::from_fn_with_state(app.clone(), same_site_only))
        .with_state(app.clone())
        .layer(CatchPanicLayer::custom(move |_| {
            let mut resp = panic_answer(&pages_for_panic, false);
            resp.extensions_mut().insert(Panicked);
            resp
        }))
        .layer(middleware::from_fn_with_state(app, with_headers));
    let origins: Vec<HeaderValue> = cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    if !origins.is_empty() {
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::POST, Method::GET])
                .allow_headers([
                    header::CONTENT_TYPE,
                    header::ACCEPT,
                    header::HeaderName::from_static(submit::IDEMPOTENCY_HEADER),
                ])
                .max_age(Duration::from_secs(3600)),
        );
    }
    router.layer(middleware::from_fn(access_log::log_request))
}

/// The answer to a request whose handling panicked: nothing is known to be saved.
fn panic_answer(app: &App, json: bool) -> Response {
    answer::error(
        &app.pages,
        json,
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "عطل غير متوقع",
        messages::MSG_NOT_SAVED,
    )
}

/// Gives the panic answer in JSON to a client that asked for JSON, and puts
/// [`SECURITY_HEADERS`] on every answer.
async fn with_headers(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let json = body::wants_json(req.headers());
    let mut resp = next.run(req).await;
    if json && resp.extensions().get::<Panicked>().is_some() {
        resp = panic_answer(&app, true);
    }
    for (name, value) in SECURITY_HEADERS {
        resp.headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    // A form with a challenge shown again (a refusal) loads the provider's widget.
    if let Some(v) = &app.captcha
        && let Ok(policy) =
            HeaderValue::from_str(&v.provider().content_policy(SECURITY_HEADERS[1].1))
    {
        resp.headers_mut()
            .insert(axum::http::header::CONTENT_SECURITY_POLICY, policy);
    }
    resp
}

/// Whether a request was sent by a page of another site, as far as the browser says: by
/// `Sec-Fetch-Site` where it sends it, else by an `Origin` that is neither the site's, the
/// service's own (`Host`), nor one of `allowed`. A request that says neither (a script, an old
/// browser) is not refused.
pub fn cross_site(headers: &HeaderMap, site_origin: &str, allowed: &[String]) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let origin = text("origin").map(|o| o.trim_end_matches('/'));
    if origin.is_some_and(|o| o == site_origin || allowed.iter().any(|a| a == o)) {
        return false;
    }
    if let Some(fetch_site) = text("sec-fetch-site") {
        return !matches!(fetch_site, "same-origin" | "same-site" | "none");
    }
    match origin {
        None => false,
        Some(o) => {
            let host = o.split_once("://").map_or(o, |(_, h)| h);
            text("host") != Some(host)
        }
    }
}

/// Refuses a form posted from a page of another site, with `400`: CloudFront would replace a
/// `403` with the site's 404 page.
async fn same_site_only(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    if req.method() == Method::POST
        && cross_site(req.headers(), &app.site_origin, &app.cors_origins)
    {
        return answer::error(
            &app.pages,
            body::wants_json(req.headers()),
            StatusCode::BAD_REQUEST,
            "cross_site",
            "طلب من موقع آخر",
            messages::MSG_CROSS_SITE,
        );
    }
    next.run(req).await
}

/// Behind CloudFront (`FORMS_ORIGIN_VERIFY` set): a request that did not come through it (no or
/// a wrong `X-Origin-Verify`) is answered 404 as an unknown address, and one that did is marked
/// [`ViaCdn`] so that the visitor's address CloudFront gives is trusted.
async fn through_cloudfront(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    if !app.origin_verify.is_empty() {
        let given = req
            .headers()
            .get(client::ORIGIN_VERIFY_HEADER)
            .map(|g| Sha256::digest(g.as_bytes()));
        // Compared as digests, and with every accepted value, so the time taken says nothing of
        // how much of it matched, nor which.
        let accepted = given.is_some_and(|g| {
            app.origin_verify
                .iter()
                .fold(false, |ok, v| ok | (Sha256::digest(v.as_bytes()) == g))
        });
        if !accepted {
            let resp = not_found(State(app.clone()), req.headers().clone()).await;
            return answer::with_outcome(resp, "not_through_cloudfront");
        }
        req.extensions_mut().insert(ViaCdn);
    }
    next.run(req).await
}

/// Puts the [`Client`] in the request's extensions for the handlers.
async fn identify_client(mut req: Request, next: Next) -> Response {
    let client = Client::of(&req);
    req.extensions_mut().insert(client);
    next.run(req).await
}

/// `GET /api/health`: `200` when the table answers, `503` when it does not.
async fn health(State(app): State<Arc<App>>) -> Response {
    let forms: Vec<&str> = app.content.forms.keys().map(String::as_str).collect();
    let resp = match app.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ok", "forms": forms })),
        )
            .into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "health: store unavailable");
            let mut r = (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "store_unavailable" })),
            )
                .into_response();
            r.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(answer::RETRY_AFTER_SECS),
            );
            r
        }
    };
    answer::with_outcome(resp, "health")
}

/// Answers `503` with `Retry-After` and the Arabic "nothing was saved, send again" when a request
/// takes longer than [`REQUEST_TIMEOUT`]. Sending again is safe: the idempotency key makes a
/// submission that did reach the store find its record.
async fn within_time_limit(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let json = body::wants_json(req.headers());
    let tracking = req.uri().path() == TRACK;
    let deadline = tokio::time::Instant::now() + REQUEST_TIMEOUT;
    let handled = store::with_deadline(deadline, next.run(req));
    match tokio::time::timeout_at(deadline, handled).await {
        Ok(resp) => resp,
        Err(_) => {
            tracing::warn!("request timed out");
            let message = if tracking {
                messages::MSG_TRACK_UNAVAILABLE
            } else {
                messages::MSG_NOT_SAVED
            };
            answer::error(
                &app.pages,
                json,
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "عطل مؤقت",
                message,
            )
        }
    }
}

/// Any other address.
async fn not_found(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    answer::error(
        &app.pages,
        body::wants_json(&headers),
        StatusCode::NOT_FOUND,
        "not_found",
        "الصفحة غير موجودة",
        messages::MSG_NO_FORM,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Content;
    use crate::pages::Pages;
    use crate::{store, table};

    #[test]
    fn a_store_call_and_its_retries_end_well_within_the_request_limit() {
        // Every attempt and every wait between them, taken whole, is still bounded by the
        // operation's own limit, which leaves the request time to answer after it.
        let attempts = table::ATTEMPT_TIMEOUT * table::MAX_ATTEMPTS
            + table::MAX_BACKOFF * (table::MAX_ATTEMPTS - 1);
        assert!(table::OPERATION_TIMEOUT <= attempts);
        assert!(table::CONNECT_TIMEOUT <= table::ATTEMPT_TIMEOUT);
        assert!(
            table::OPERATION_TIMEOUT + store::WRITE_MARGIN < REQUEST_TIMEOUT,
            "a write begun with its time left ends before the request limit"
        );
        // A submission makes at most two calls (the repeat check and the limit) before its write.
        assert!(
            table::OPERATION_TIMEOUT * 2 + table::OPERATION_TIMEOUT + store::WRITE_MARGIN
                <= REQUEST_TIMEOUT,
            "a submission whose first calls take their longest still has time for its write"
        );
    }

    async fn serve_panicking() -> String {
        let content = Content::embedded().expect("the embedded site parses");
        let pages = Pages::new(&content, None);
        let db = crate::table::client(Some("http://127.0.0.1:9")).await;
        let config = crate::config::Config {
            site_url: Some("https://example.org".to_string()),
            submissions_per_client: 1,
            ..Default::default()
        };
        let app = Arc::new(App::new(content, pages, &config, db).unwrap());
        let routes = Router::new().route(
            "/api/boom",
            post(|| async {
                if true {
                    panic!("a bug");
                }
                StatusCode::OK
            }),
        );
        let service = layered(routes, app, &[]);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(
                listener,
                service.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .unwrap();
        });
        format!("http://{addr}/api/boom")
    }

    #[tokio::test]
    async fn a_panic_is_answered_as_asked_html_or_json_with_the_headers() {
        let url = serve_panicking().await;
        let c = reqwest::Client::new();
        let r = c
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(r.headers()["cache-control"], "no-store");
        assert!(r.text().await.unwrap().contains(messages::MSG_NOT_SAVED));
        let r = c
            .post(&url)
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(r.headers()["cache-control"], "no-store");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"], "internal");
        assert_eq!(body["message"], messages::MSG_NOT_SAVED);
    }

    #[test]
    fn cross_site_is_read_from_fetch_metadata_then_origin() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        let site = "https://example.org";
        let other = vec!["https://partner.example".to_string()];
        let cross = |pairs| cross_site(&headers(pairs), site, &other);
        assert!(cross(&[("sec-fetch-site", "cross-site")]));
        assert!(!cross(&[("sec-fetch-site", "same-origin")]));
        assert!(!cross(&[("sec-fetch-site", "none")]));
        assert!(!cross(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://partner.example")
        ]));
        assert!(cross(&[("origin", "https://evil.example")]));
        assert!(cross(&[("origin", "null")]));
        assert!(!cross(&[("origin", "https://example.org")]));
        assert!(!cross(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ]));
        assert!(!cross(&[]));
    }
}
