//! A Lambda runtime API on a loopback port, for running a Lambda binary as Lambda runs it: it hands
//! out the events given to [`LambdaRuntime::invoke`] and returns the function's answers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

/// The runtime API's state: events waiting to be handed out, and who waits for each answer.
#[derive(Clone)]
struct Runtime {
    events: Arc<tokio::sync::Mutex<mpsc::Receiver<(String, Value)>>>,
    waiting: Arc<Mutex<HashMap<String, oneshot::Sender<Value>>>>,
}

async fn next(State(rt): State<Runtime>) -> Response {
    let Some((id, event)) = rt.events.lock().await.recv().await else {
        return StatusCode::GONE.into_response();
    };
    let mut h = HeaderMap::new();
    h.insert(
        "lambda-runtime-aws-request-id",
        HeaderValue::from_str(&id).unwrap(),
    );
    let deadline = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 30_000;
    h.insert(
        "lambda-runtime-deadline-ms",
        HeaderValue::from_str(&deadline.to_string()).unwrap(),
    );
    h.insert(
        "lambda-runtime-invoked-function-arn",
        HeaderValue::from_static("arn:aws:lambda:me-south-1:123456789012:function:form-fn"),
    );
    h.insert(
        "lambda-runtime-trace-id",
        HeaderValue::from_static("Root=1-00000000-000000000000000000000000"),
    );
    (StatusCode::OK, h, event.to_string()).into_response()
}

async fn respond(State(rt): State<Runtime>, Path(id): Path<String>, body: String) -> StatusCode {
    let value: Value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    if let Some(tx) = rt.waiting.lock().unwrap().remove(&id) {
        let _ = tx.send(value);
    }
    StatusCode::ACCEPTED
}

async fn fail(State(rt): State<Runtime>, Path(id): Path<String>, body: String) -> StatusCode {
    if let Some(tx) = rt.waiting.lock().unwrap().remove(&id) {
        let _ = tx.send(json!({ "invocation_error": body }));
    }
    StatusCode::ACCEPTED
}

async fn init_error(body: String) -> StatusCode {
    panic!("the function failed to start: {body}");
}

/// The runtime API, serving on a loopback port.
pub struct LambdaRuntime {
    /// Its address, for `AWS_LAMBDA_RUNTIME_API`.
    pub addr: SocketAddr,
    rt: Runtime,
    tx: mpsc::Sender<(String, Value)>,
}

impl LambdaRuntime {
    /// Serves the runtime API on a free loopback port.
    pub async fn start() -> LambdaRuntime {
        let (tx, rx) = mpsc::channel(8);
        let rt = Runtime {
            events: Arc::new(tokio::sync::Mutex::new(rx)),
            waiting: Arc::new(Mutex::new(HashMap::new())),
        };
        let api = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(respond),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(fail))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(rt.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, api).await.unwrap() });
        LambdaRuntime { addr, rt, tx }
    }

    /// Invokes the function with `event` (request id `id`) and waits up to 30 s for its answer.
    pub async fn invoke(&self, id: String, event: Value) -> Value {
        let (done, answer) = oneshot::channel();
        self.rt.waiting.lock().unwrap().insert(id.clone(), done);
        self.tx.send((id, event)).await.unwrap();
        tokio::time::timeout(Duration::from_secs(30), answer)
            .await
            .expect("the function answers within 30 s")
            .unwrap()
    }
}
