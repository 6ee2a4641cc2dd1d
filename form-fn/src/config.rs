//! Every environment variable the service reads, in one place.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::client::ClientKey;

/// The port `cargo run -p form-fn` listens on when neither `--port` nor `PORT` is given.
pub const DEFAULT_PORT: u16 = 3000;

/// The table name when `TABLE_NAME` is not set.
pub const DEFAULT_TABLE: &str = "forms";

/// Where the local store keeps its data when `FORMS_DATA_FILE` is not set.
pub const DEFAULT_DATA_FILE: &str = ".data/forms.sqlite";

/// Submissions one client may send in one counting window when `FORMS_SUBMISSIONS_PER_CLIENT` is
/// not set (see [`crate::store::TRY_WINDOW`]).
pub const DEFAULT_SUBMISSIONS_PER_CLIENT: u64 = 30;

/// The service's settings, read from the environment at start.
#[derive(Debug, Clone)]
pub struct Config {
    /// `TABLE_NAME`: the DynamoDB table.
    pub table: String,
    /// `AWS_ENDPOINT_URL_DYNAMODB`: a DynamoDB-compatible endpoint to use instead of AWS's (and
    /// instead of the embedded local store).
    pub endpoint: Option<String>,
    /// `AWS_LAMBDA_RUNTIME_API`: set by Lambda; the service then runs as a Lambda function.
    pub lambda_runtime: bool,
    /// `PORT`: the local port (overridden by `--port`).
    pub port: u16,
    /// `FORMS_DATA_FILE`: the embedded local store's file.
    pub data_file: PathBuf,
    /// `FORMS_CORS_ORIGINS`: comma-separated origins allowed to post JSON from another site; empty
    /// (the default) allows none, since the site and the service share one origin.
    pub cors_origins: Vec<String>,
    /// `SITE_URL`: the published address, when it differs from `site.yaml`'s `base_url`.
    pub site_url: Option<String>,
    /// `RUST_LOG`: the log filter (default `info`).
    pub log_filter: String,
    /// `FORMS_ORIGIN_VERIFY`: the values CloudFront may send in `X-Origin-Verify`, comma-separated:
    /// the current one and, while a rotation reaches every edge, the previous one. When set, a
    /// request without one of them is answered 404, and only a request with one has its
    /// `CloudFront-Viewer-Address` trusted. Unset (empty) locally.
    pub origin_verify: Vec<String>,
    /// `FORMS_CLIENT_KEY`: the secret with which client addresses and codes are hashed in the
    /// table (in AWS from SSM Parameter Store). When unset (locally), a random key is made at
    /// start, so the counts of the limits start again at each restart.
    pub client_key: ClientKey,
    /// `FORMS_SUBMISSIONS_PER_CLIENT`: new submissions one client address (IPv6: one /64) may send
    /// in one counting window; past it the answer is `429` until the window ends.
    pub submissions_per_client: u64,
    /// `FORMS_CAPTCHA_SECRET`: the secret key of the challenge provider that `site.yaml` names
    /// (`captcha:`), needed when a form has `captcha: true` (in AWS from SSM Parameter Store).
    pub captcha_secret: Option<String>,
    /// `FORMS_CAPTCHA_VERIFY_URL`: where tokens are verified, when not the provider's own address
    /// (a stand-in in tests).
    pub captcha_verify_url: Option<String>,
    /// `FORMS_OUTBOX_DIR`: where this process writes the outbox's e-mails as `.eml` files, when it
    /// drains the outbox itself (locally: default `outbox/` beside the data file; under Lambda
    /// never: the notifier does).
    pub outbox_dir: Option<PathBuf>,
}

impl Config {
    /// Reads the environment.
    pub fn from_env() -> Config {
        let lambda_runtime = std::env::var("AWS_LAMBDA_RUNTIME_API").is_ok();
        let data_file = std::env::var("FORMS_DATA_FILE")
            .ok()
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_FILE));
        let outbox_dir = (!lambda_runtime).then(|| {
            std::env::var("FORMS_OUTBOX_DIR")
                .ok()
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| data_file.with_file_name("outbox"))
        });
        Config {
            outbox_dir,
            table: std::env::var("TABLE_NAME")
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| DEFAULT_TABLE.to_string()),
            endpoint: std::env::var("AWS_ENDPOINT_URL_DYNAMODB")
                .ok()
                .filter(|v| !v.is_empty()),
            lambda_runtime,
            port: std::env::var("PORT")
                .ok()
                .and_then(|p| p.parse().ok())
                .unwrap_or(DEFAULT_PORT),
            data_file,
            cors_origins: std::env::var("FORMS_CORS_ORIGINS")
                .ok()
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_string())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            site_url: std::env::var("SITE_URL")
                .ok()
                .map(|v| v.trim().trim_end_matches('/').to_string())
                .filter(|v| !v.is_empty()),
            log_filter: std::env::var("RUST_LOG").unwrap_or_else(|_| "info".to_string()),
            origin_verify: origin_values(&std::env::var("FORMS_ORIGIN_VERIFY").unwrap_or_default()),
            client_key: std::env::var("FORMS_CLIENT_KEY")
                .ok()
                .filter(|v| !v.is_empty())
                .map_or_else(ClientKey::random, ClientKey::new),
            submissions_per_client: std::env::var("FORMS_SUBMISSIONS_PER_CLIENT")
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(DEFAULT_SUBMISSIONS_PER_CLIENT),
            captcha_secret: std::env::var("FORMS_CAPTCHA_SECRET")
                .ok()
                .filter(|v| !v.trim().is_empty()),
            captcha_verify_url: std::env::var("FORMS_CAPTCHA_VERIFY_URL")
                .ok()
                .filter(|v| !v.trim().is_empty()),
        }
    }

    /// The loopback address the local server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }
}

/// The values of `FORMS_ORIGIN_VERIFY` (`current,previous`), blanks around them and empty ones
/// left out.
pub fn origin_values(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// A configuration for tests and embedding: the given table, nothing else set.
impl Default for Config {
    fn default() -> Self {
        Config {
            table: DEFAULT_TABLE.to_string(),
            endpoint: None,
            lambda_runtime: false,
            port: DEFAULT_PORT,
            data_file: PathBuf::from(DEFAULT_DATA_FILE),
            cors_origins: Vec::new(),
            site_url: None,
            log_filter: "info".to_string(),
            origin_verify: Vec::new(),
            client_key: ClientKey::random(),
            submissions_per_client: DEFAULT_SUBMISSIONS_PER_CLIENT,
            captcha_secret: None,
            captcha_verify_url: None,
            outbox_dir: None,
        }
    }
}

/// The file next to the local store's data file where the running service writes its address, for
/// `form-fn-admin --local`.
pub fn local_endpoint_file(data_file: &Path) -> PathBuf {
    let mut name = data_file.as_os_str().to_owned();
    name.push(".endpoint");
    PathBuf::from(name)
}

/// Writes the local store's address for `form-fn-admin --local`.
pub fn write_local_endpoint(data_file: &Path, url: &str) -> std::io::Result<()> {
    std::fs::write(local_endpoint_file(data_file), url)
}
