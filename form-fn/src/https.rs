//! The service's one HTTPS stack: hyper's HTTP/1.1 client on rustls with ring, the system's
//! roots read once. It carries the AWS SDK's calls ([`sdk_defaults`]) and the service's own (the
//! challenge provider, the user pool's keys: [`client`]), so the Lambda has one TLS stack, one
//! copy of the roots and no HTTP/2 code (the SDK's own client, `aws-smithy-http-client`, always
//! brings `h2`). Nothing is read at start: the roots are read by the first connection, or by
//! [`prepare_roots`] on a thread that yields to everything else.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector as SdkConnector, HttpConnectorFuture, HttpConnectorSettings,
    SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::ErrorKind;
use axum::body::Bytes;
use http_body_util::Full;
use hyper_rustls::{ConfigBuilderExt, HttpsConnector};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::ClientConfig;

/// The client: requests carry a whole body (`Full::default()` for none).
pub type Https = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// How long the service's own calls may take to connect (the AWS SDK's own default).
const CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);
/// How long an idle connection is kept for the next call.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The AWS SDK's shared configuration loader, on this module's client.
pub fn sdk_defaults() -> aws_config::ConfigLoader {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(SharedHttpClient::new(ForSdk))
}

/// The client of the service's own calls, or why there is none (the system has no root
/// certificates). Plain HTTP is allowed too, for the stand-ins of tests.
pub fn client() -> Result<Https, String> {
    with_connect_timeout(Some(CONNECT_TIMEOUT))
}

/// Reads the system's roots on a thread of its own at the lowest priority (Linux's `SCHED_IDLE`),
/// which runs only when its processor has nothing else to run: on one processor the start's own
/// work (the Lambda's first poll) goes first, and the roots are read while it waits. A call that
/// needs them sooner reads them itself rather than wait for a thread that a busy processor may
/// never run. Resolves once the thread is done (at once if none could be started).
pub fn prepare_roots() -> tokio::sync::oneshot::Receiver<()> {
    let (done, ready) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("tls-roots".into())
        .spawn(move || {
            lowest_priority();
            if TLS.get().is_none() {
                // Read outside the cell, so that no caller waits on this thread.
                let _ = TLS.set(read_roots());
            }
            let _ = done.send(());
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no thread to read the TLS roots on; the first call reads them");
    }
    ready
}

#[cfg(target_os = "linux")]
fn lowest_priority() {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: sets the calling thread's own policy (pid 0) from a valid parameter.
    unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) };
}

#[cfg(not(target_os = "linux"))]
fn lowest_priority() {}

/// The TLS settings of every connection, read once: by the first call, or by [`prepare_roots`].
static TLS: OnceLock<Result<ClientConfig, String>> = OnceLock::new();

/// [`TLS`], read now if no one has yet.
fn tls() -> Result<&'static ClientConfig, String> {
    TLS.get_or_init(read_roots).as_ref().map_err(String::clone)
}

/// rustls on ring with the system's roots.
fn read_roots() -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_native_roots()
        .map_err(|e| format!("no root certificates: {e}"))?
        .with_no_client_auth())
}

/// The client that connects within `timeout`: one per timeout the callers use (the store's, the
/// SDK's default), sharing the TLS settings; each keeps its own pool of connections.
fn with_connect_timeout(timeout: Option<Duration>) -> Result<Https, String> {
    static CLIENTS: Mutex<Vec<(Option<Duration>, Https)>> = Mutex::new(Vec::new());
    let mut clients = CLIENTS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, client)) = clients.iter().find(|(t, _)| *t == timeout) {
        return Ok(client.clone());
    }
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    // A request's bytes leave at once (no waiting for the last segment's acknowledgement).
    http.set_nodelay(true);
    http.set_connect_timeout(timeout);
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls()?.clone())
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    let client = Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(IDLE_TIMEOUT)
        .build(connector);
    clients.push((timeout, client.clone()));
    Ok(client)
}

/// The SDK's HTTP client: one connector per pair of timeouts the SDK's clients ask for, each on
/// [`with_connect_timeout`]'s client for its connect timeout.
#[derive(Debug)]
struct ForSdk;

/// A connector's timeouts: to connect, and to read the answer.
type Timeouts = (Option<Duration>, Option<Duration>);

impl HttpClient for ForSdk {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        static CONNECTORS: Mutex<Vec<(Timeouts, SharedHttpConnector)>> = Mutex::new(Vec::new());
        let timeouts = (settings.connect_timeout(), settings.read_timeout());
        let mut connectors = CONNECTORS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, connector)) = connectors.iter().find(|(t, _)| *t == timeouts) {
            return connector.clone();
        }
        let connector = SharedHttpConnector::new(Connector {
            client: with_connect_timeout(timeouts.0),
            read_timeout: timeouts.1,
        });
        connectors.push((timeouts, connector.clone()));
        connector
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        Some(ConnectorMetadata::new("hyper", Some(Cow::Borrowed("1.x"))))
    }
}

/// One SDK connector: its client (or why there is none) and its read timeout.
#[derive(Debug)]
struct Connector {
    client: Result<Https, String>,
    read_timeout: Option<Duration>,
}

impl SdkConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let read_timeout = self.read_timeout;
        let client = self.client.clone();
        HttpConnectorFuture::new(async move {
            let client = client.map_err(|e| ConnectorError::other(e.into(), None))?;
            let request = request
                .try_into_http1x()
                .map_err(|e| ConnectorError::user(e.into()))?;
            let (parts, body) = request.into_parts();
            // The SDK's calls here (DynamoDB, SES, Cognito) send whole bodies, never streams.
            let body = body
                .bytes()
                .map(Bytes::copy_from_slice)
                .ok_or_else(|| ConnectorError::user("a streamed request body".into()))?;
            let sent = client.request(axum::http::Request::from_parts(parts, Full::new(body)));
            let response = match read_timeout {
                Some(limit) => tokio::time::timeout(limit, sent).await.map_err(|_| {
                    ConnectorError::timeout(format!("no answer within {limit:?}").into())
                })?,
                None => sent.await,
            }
            .map_err(classify)?;
            HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                .map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}

/// What the SDK's retries should make of a failed call: a connection that failed or broke is
/// retried (as the SDK's own client decides, less its HTTP/2 cases).
fn classify(err: hyper_util::client::legacy::Error) -> ConnectorError {
    let hyper = find::<hyper::Error>(&err);
    let io = find::<std::io::Error>(&err).is_some();
    if hyper.is_some_and(hyper::Error::is_timeout) {
        ConnectorError::timeout(err.into())
    } else if hyper.is_some_and(hyper::Error::is_user) {
        ConnectorError::user(err.into())
    } else if err.is_connect() || io || hyper.is_some_and(|h| h.is_closed() || h.is_canceled()) {
        ConnectorError::io(err.into())
    } else if hyper.is_some_and(hyper::Error::is_incomplete_message) {
        ConnectorError::other(err.into(), Some(ErrorKind::TransientError))
    } else {
        ConnectorError::other(err.into(), None)
    }
}

/// The first error of type `E` in `err`'s chain.
fn find<'a, E: std::error::Error + 'static>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a E> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<E>() {
            return Some(found);
        }
        next = e.source();
    }
    None
}
