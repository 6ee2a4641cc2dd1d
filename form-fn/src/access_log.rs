//! Structured JSON logs: one line per request with its id, route, form, outcome, status and
//! latency, and never what was sent (no names, phone numbers, ID numbers, free text, tracking
//! codes or client addresses).

use std::time::Instant;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;

use crate::answer::{FormId, Outcome};

/// The header that carries the request id back to the client (to quote when reporting a problem).
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Starts JSON logging to standard error with `filter` (a `RUST_LOG` directive).
pub fn init(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The request's id: API Gateway's under Lambda, else a new random one.
fn request_id(req: &Request) -> String {
    let from_gateway = req.request_context_ref().and_then(|ctx| match ctx {
        RequestContext::ApiGatewayV2(c) => c.request_id.clone(),
        _ => None,
    });
    from_gateway.unwrap_or_else(|| {
        let mut b = [0u8; 8];
        let _ = getrandom::fill(&mut b);
        b.iter().map(|x| format!("{x:02x}")).collect()
    })
}

/// The route a path falls under (the raw path is not logged: it could hold anything).
fn route_of(path: &str) -> &'static str {
    use crate::router::{HEALTH, SUBMIT, TRACK};
    let prefix = SUBMIT.trim_end_matches("{form}");
    match path {
        p if p == TRACK => TRACK,
        p if p == HEALTH => HEALTH,
        p if p.starts_with(prefix) && !p[prefix.len()..].contains('/') => SUBMIT,
        _ => "other",
    }
}

/// Logs one line for the request once it is answered.
pub async fn log_request(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let id = request_id(&req);
    let method = req.method().clone();
    let route = route_of(req.uri().path());
    let mut resp = next.run(req).await;
    let outcome = resp.extensions().get::<Outcome>().map_or("none", |o| o.0);
    let form = resp
        .extensions()
        .get::<FormId>()
        .map_or(String::new(), |f| f.0.clone());
    let status = resp.status().as_u16();
    tracing::info!(
        target: "form_fn::request",
        request_id = %id,
        method = %method,
        route = %route,
        form = %form,
        outcome,
        status,
        latency_ms = start.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    resp
}
