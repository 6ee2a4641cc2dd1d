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
use crate::body;
use crate::client::{self, Client, ViaCdn};
use crate::content::Content;
use crate::pages::Pages;
use crate::store::Store;
use crate::{access_log, submit, track};

/// The submission route.
pub const SUBMIT: &str = "/api/forms/{form}";
/// The follow-up route.
pub const TRACK: &str = "/api/track";
/// The monitoring route.
pub const HEALTH: &str = "/api/health";

/// How long one request may take in all; the store's own timeouts are shorter.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(9);

/// What every handler shares.
pub struct App {
    pub content: Content,
    pub store: Store,
    pub pages: Pages,
    /// The values CloudFront may send in `X-Origin-Verify` (current and, during a rotation,
    /// previous), when the service is behind it; empty otherwise.
    pub origin_verify: Vec<String>,
}

/// The router over `app`. `cors_origins` lists the origins allowed to post JSON from another site
/// (none by default).
pub fn router(app: Arc<App>, cors_origins: &[String]) -> Router {
    let pages_for_panic = app.clone();
    let mut router = Router::new()
        .route(SUBMIT, post(submit::submit))
        .route(TRACK, post(track::track))
        .route(HEALTH, get(health))
        .fallback(not_found)
        .layer(middleware::from_fn(identify_client))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            through_cloudfront,
        ))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            within_time_limit,
        ))
        .with_state(app)
        .layer(CatchPanicLayer::custom(move |_| {
            answer::error(
                &pages_for_panic.pages,
                true,
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "عطل غير متوقع",
                answer::MSG_NOT_SAVED,
            )
        }));
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
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            tracing::warn!("request timed out");
            let message = if tracking {
                answer::MSG_TRACK_UNAVAILABLE
            } else {
                answer::MSG_NOT_SAVED
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
        answer::MSG_NO_FORM,
    )
}
