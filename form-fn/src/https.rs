//! The service's HTTPS clients, all on rustls with ring (one crypto library in the Lambda): the one
//! of the AWS SDK's clients ([`sdk_defaults`]) and the one of the service's own outgoing calls
//! (the challenge provider, the user pool's keys: [`client`]). Both are made at first use, so a
//! start that makes no such call costs nothing: the SDK's own client would load and parse the
//! system's roots when an SDK client is made (its `validate_base_client_config`), before the
//! Lambda's first poll; [`AtFirstConnection`] leaves that to the first request.

use std::sync::OnceLock;

use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
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
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(SharedHttpClient::new(AtFirstConnection(http)))
}

/// The SDK's HTTP client without its check at the SDK client's making, which builds a connector
/// (the system's roots read and parsed) only to drop it: the connector is made, once, by the
/// first request, which the Lambda's start sends beside its first poll (`main.rs`).
#[derive(Debug)]
pub struct AtFirstConnection(SharedHttpClient);

impl HttpClient for AtFirstConnection {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn validate_final_config(
        &self,
        components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.validate_final_config(components, cfg)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
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
