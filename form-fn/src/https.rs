//! The service's HTTPS clients, all on rustls with ring (one crypto library in the Lambda): the one
//! of the AWS SDK's clients ([`sdk_defaults`]) and the one of the service's own outgoing calls
//! (the challenge provider, the user pool's keys: [`client`]). Both are made at first use, so a
//! start that makes no such call costs nothing.

use std::sync::OnceLock;

use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use axum::body::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// The AWS SDK's shared configuration loader with the service's HTTP client: rustls on ring with
/// the system's roots, loaded at the first connection.
pub fn sdk_defaults() -> aws_config::ConfigLoader {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https();
    aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(http)
}

/// The client: requests carry a whole body (`Full::default()` for none).
pub type Https = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// The shared client, or why there is none (the system has no root certificates). Plain HTTP is
/// allowed too, for the stand-ins of tests.
pub fn client() -> Result<&'static Https, String> {
    static CLIENT: OnceLock<Result<Https, String>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let connector = hyper_rustls::HttpsConnectorBuilder::new()
                .with_native_roots()
                .map_err(|e| format!("no root certificates: {e}"))?
                .https_or_http()
                .enable_http1()
                .build();
            Ok(Client::builder(TokioExecutor::new()).build(connector))
        })
        .as_ref()
        .map_err(String::clone)
}
