//! Verifying the challenge of a form with `captcha: true` (see `forms::captcha`) with its provider,
//! server-side, before anything is stored: the token the widget posted, the secret
//! (`FORMS_CAPTCHA_SECRET`) and the client's address go to the provider's verify address, which
//! answers `{"success": true|false, ...}`. Tests point `FORMS_CAPTCHA_VERIFY_URL` at a stand-in.
//!
//! The HTTP client is the TLS stack the AWS SDK already brings (hyper with rustls and the system's
//! roots), made at the first verification so that a start without one costs nothing.

use std::sync::OnceLock;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Request, header};
use forms::captcha::Provider;
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// How long the provider may take to answer; the request's own deadline still decides whether a
/// write may begin after it.
pub const VERIFY_TIMEOUT: Duration = Duration::from_secs(3);

/// The service's side of the challenge: where and with which secret tokens are verified.
#[derive(Debug, Clone)]
pub struct Verifier {
    provider: Provider,
    secret: String,
    url: String,
}

/// What the provider said of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// No token, or one the provider refused (wrong, expired, used already).
    Failed,
}

/// The provider could not be asked (unreachable, slow, an answer that is not its JSON): nothing
/// is stored, and the sender is told to send again.
#[derive(Debug, thiserror::Error)]
#[error("the challenge provider did not answer: {0}")]
pub struct Unreachable(String);

type Https = HttpClient<HttpsConnector<HttpConnector>, Full<Bytes>>;

fn http() -> &'static Https {
    static CLIENT: OnceLock<Https> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        let tls = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .build();
        HttpClient::builder(TokioExecutor::new()).build(connector)
    })
}

impl Verifier {
    /// A verifier for `provider` with `secret`, at `url` or the provider's own verify address.
    pub fn new(provider: Provider, secret: String, url: Option<String>) -> Verifier {
        Verifier {
            provider,
            secret,
            url: url.unwrap_or_else(|| provider.verify_url().to_string()),
        }
    }

    /// The provider asked.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The field the provider's widget posts its token in.
    pub fn field(&self) -> &'static str {
        self.provider.response_field()
    }

    /// Asks the provider about `token` sent from `ip`.
    pub async fn verify(&self, token: Option<&str>, ip: &str) -> Result<Verdict, Unreachable> {
        let Some(token) = token.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(Verdict::Failed);
        };
        let body: String = url_encode(&[
            ("secret", &self.secret),
            ("response", token),
            ("remoteip", ip),
        ]);
        let req = Request::post(&self.url)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| Unreachable(e.to_string()))?;
        let ask = async {
            let resp = http()
                .request(req)
                .await
                .map_err(|e| Unreachable(e.to_string()))?;
            let status = resp.status();
            let bytes = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| Unreachable(e.to_string()))?
                .to_bytes();
            if !status.is_success() {
                return Err(Unreachable(format!("status {status}")));
            }
            let answer: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|e| Unreachable(e.to_string()))?;
            match answer.get("success").and_then(serde_json::Value::as_bool) {
                Some(true) => Ok(Verdict::Passed),
                Some(false) => Ok(Verdict::Failed),
                None => Err(Unreachable("no `success` in the answer".to_string())),
            }
        };
        tokio::time::timeout(VERIFY_TIMEOUT, ask)
            .await
            .map_err(|_| Unreachable(format!("no answer within {VERIFY_TIMEOUT:?}")))?
    }
}

fn url_encode(pairs: &[(&str, &str)]) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}
