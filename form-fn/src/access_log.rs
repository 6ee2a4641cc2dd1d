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

/// The libraries that log whole events, requests and items (personal data) at `debug` and
/// `trace`: the Lambda runtime and the AWS SDK with its HTTP stack. They are held to `info`
/// whatever `RUST_LOG` says.
pub const CLAMPED: [&str; 8] = [
    "lambda_runtime",
    "lambda_http",
    "aws_smithy",
    "aws_sdk",
    "aws_config",
    "aws_sigv4",
    "hyper",
    "h2",
];

/// Whether an event or span of `target` at `level` may be logged at all (see [`CLAMPED`]).
pub fn allowed(target: &str, level: &tracing::Level) -> bool {
    *level <= tracing::Level::INFO || !CLAMPED.iter().any(|prefix| target.starts_with(prefix))
}

/// Starts JSON logging to standard error with `filter` (a `RUST_LOG` directive).
pub fn init(filter: &str) {
    let _ = tracing::subscriber::set_global_default(subscriber(filter, std::io::stderr));
}

/// The service's logging: JSON lines to `writer`, filtered by `filter` (a `RUST_LOG` directive)
/// and [`allowed`].
pub fn subscriber<W>(filter: &str, writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::{Layer, filter::filter_fn};
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let clamp = filter_fn(|meta| allowed(meta.target(), meta.level()));
    let json = tracing_subscriber::fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_writer(writer)
        .with_filter(clamp);
    tracing_subscriber::registry().with(filter).with(json)
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
    use crate::routes::{HEALTH, STAFF_INBOX, SUBMIT, TRACK};
    let prefix = SUBMIT.trim_end_matches("{form}");
    match path {
        p if p == TRACK => TRACK,
        p if p == HEALTH => HEALTH,
        p if p.starts_with(prefix) && !p[prefix.len()..].contains('/') => SUBMIT,
        p if p == STAFF_INBOX || p.starts_with("/api/staff/") => STAFF_INBOX,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn at_trace_the_runtime_and_the_sdk_still_log_no_events_or_items() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = subscriber("trace", move || writer.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::trace!(target: "lambda_runtime::layers::api_response", "EVENT-BODY");
            tracing::debug!(target: "lambda_runtime", "EVENT-BODY");
            tracing::trace!(target: "aws_smithy_runtime::client::http", "ITEM-BODY");
            tracing::debug!(target: "aws_sdk_dynamodb::operation", "ITEM-BODY");
            tracing::trace!(target: "hyper::proto::h1", "WIRE-BYTES");
            tracing::info!(target: "aws_smithy_runtime", "an info line stays");
            tracing::trace!(target: "form_fn::store", "the service's own trace stays");
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        for secret in ["EVENT-BODY", "ITEM-BODY", "WIRE-BYTES"] {
            assert!(!text.contains(secret), "{secret} was logged: {text}");
        }
        assert!(text.contains("an info line stays"), "{text}");
        assert!(text.contains("the service's own trace stays"), "{text}");
    }

    #[test]
    fn the_clamp_holds_for_every_level_below_info() {
        use tracing::Level;
        assert!(!allowed("aws_smithy_runtime_api::http", &Level::DEBUG));
        assert!(!allowed("lambda_runtime", &Level::TRACE));
        assert!(allowed("lambda_runtime", &Level::WARN));
        assert!(allowed("form_fn::request", &Level::TRACE));
    }
}
