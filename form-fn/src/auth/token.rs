//! Verifying the tokens Cognito issues at sign-in: the RS256 signature against the pool's
//! published keys (JWKS, fetched once and again only when a token names a key not yet known),
//! the issuer (this pool), the app client (`aud` of an ID token, `client_id` of an access token),
//! `token_use` and the expiry. A token that fails any of these is refused.

use std::time::Duration;

use http_body_util::BodyExt;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::RwLock;

/// Seconds of clock difference allowed around a token's expiry.
pub const LEEWAY_SECS: u64 = 30;
/// How long fetching the pool's keys may take.
pub const JWKS_TIMEOUT: Duration = Duration::from_secs(3);

/// Which of Cognito's two tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    Id,
    Access,
}

impl TokenUse {
    fn as_str(self) -> &'static str {
        match self {
            TokenUse::Id => "id",
            TokenUse::Access => "access",
        }
    }
}

/// What the service reads from a verified token.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub exp: u64,
    pub token_use: String,
    #[serde(default)]
    pub aud: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default, rename = "cognito:username")]
    pub cognito_username: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default, rename = "cognito:groups")]
    pub groups: Vec<String>,
}

/// Why a token was refused (no part of the token is kept in it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the token is malformed or its signature does not verify")]
    Signature,
    #[error("the token names a key the pool does not publish")]
    UnknownKey,
    #[error("the token was issued by another user pool")]
    Issuer,
    #[error("the token was issued to another app client")]
    Client,
    #[error("the token is not an {0} token")]
    Use(&'static str),
    #[error("the token has expired")]
    Expired,
    #[error("the pool's keys could not be fetched: {0}")]
    Keys(String),
}

/// Verifies the tokens of one user pool and app client.
pub struct Verifier {
    issuer: String,
    client_id: String,
    jwks_url: String,
    keys: RwLock<Option<JwkSet>>,
}

impl Verifier {
    /// A verifier for the pool `pool_id` in `region` and the app client `client_id`; `endpoint`
    /// replaces Cognito's address for the keys (a test server), the issuer staying AWS's.
    pub fn new(region: &str, pool_id: &str, client_id: &str, endpoint: Option<&str>) -> Verifier {
        super::jwt_crypto::install();
        let issuer = format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}");
        let base = endpoint.map_or(issuer.clone(), |e| {
            format!("{}/{pool_id}", e.trim_end_matches('/'))
        });
        Verifier {
            issuer,
            client_id: client_id.to_string(),
            jwks_url: format!("{base}/.well-known/jwks.json"),
            keys: RwLock::new(None),
        }
    }

    /// The issuer tokens must name.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Verifies `token` as a `usage` token at the time `now` (epoch seconds).
    pub async fn verify_at(
        &self,
        token: &str,
        usage: TokenUse,
        now: u64,
    ) -> Result<Claims, Refused> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| Refused::Signature)?;
        if header.alg != Algorithm::RS256 {
            return Err(Refused::Signature);
        }
        let kid = header.kid.ok_or(Refused::UnknownKey)?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = LEEWAY_SECS;
        validation.validate_aud = false;
        // The issuer, client and expiry are checked below, each with its own reason.
        validation.validate_exp = false;
        validation.required_spec_claims = ["exp", "iss", "sub"].map(String::from).into();
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map_err(|_| Refused::Signature)?
            .claims;
        if claims.iss != self.issuer {
            return Err(Refused::Issuer);
        }
        if claims.token_use != usage.as_str() {
            return Err(Refused::Use(usage.as_str()));
        }
        let client = match usage {
            TokenUse::Id => claims.aud.as_deref(),
            TokenUse::Access => claims.client_id.as_deref(),
        };
        if client != Some(self.client_id.as_str()) {
            return Err(Refused::Client);
        }
        if claims.exp + LEEWAY_SECS <= now {
            return Err(Refused::Expired);
        }
        Ok(claims)
    }

    /// Verifies `token` now.
    pub async fn verify(&self, token: &str, usage: TokenUse) -> Result<Claims, Refused> {
        self.verify_at(token, usage, crate::clock::now_epoch())
            .await
    }

    /// The key `kid`, from the cached set, or from a fresh one when the cache lacks it (the pool
    /// rotated its keys).
    async fn key(&self, kid: &str) -> Result<DecodingKey, Refused> {
        if let Some(set) = self.keys.read().await.as_ref()
            && let Some(jwk) = set.find(kid)
        {
            return DecodingKey::from_jwk(jwk).map_err(|_| Refused::UnknownKey);
        }
        let set = fetch_jwks(&self.jwks_url).await?;
        let found = set
            .find(kid)
            .map(|jwk| DecodingKey::from_jwk(jwk).map_err(|_| Refused::UnknownKey));
        *self.keys.write().await = Some(set);
        found.unwrap_or(Err(Refused::UnknownKey))
    }
}

/// Fetches a key set over HTTPS (or HTTP, for a test server) with the service's one client.
async fn fetch_jwks(url: &str) -> Result<JwkSet, Refused> {
    let failed = |e: &dyn std::fmt::Display| Refused::Keys(e.to_string());
    let client = crate::https::client().map_err(|e| failed(&e))?;
    let uri: axum::http::Uri = url.parse().map_err(|e| failed(&e))?;
    let fetched = async {
        let resp = client.get(uri).await.map_err(|e| failed(&e))?;
        if !resp.status().is_success() {
            return Err(failed(&format!("HTTP {}", resp.status())));
        }
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| failed(&e))?
            .to_bytes();
        serde_json::from_slice::<JwkSet>(&body).map_err(|e| failed(&e))
    };
    tokio::time::timeout(JWKS_TIMEOUT, fetched)
        .await
        .map_err(|_| failed(&"timed out"))?
}
