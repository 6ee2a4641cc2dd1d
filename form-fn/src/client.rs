//! Who sent a request, as far as the service needs to know: the client's address (for the
//! idempotency window without JavaScript and for the limits on submissions and follow-up guesses)
//! and its `User-Agent`. Neither is ever logged, and the table holds only a keyed hash of the
//! address ([`ClientKey`]).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use axum::extract::{ConnectInfo, Request};
use axum::http::header;
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;

/// The header by which CloudFront shows that a request came through it (see
/// `FORMS_ORIGIN_VERIFY` in [`crate::config`]).
pub const ORIGIN_VERIFY_HEADER: &str = "x-origin-verify";

/// Marks a request that carried the right [`ORIGIN_VERIFY_HEADER`]: its
/// `CloudFront-Viewer-Address` was set by CloudFront, not by whoever sent it.
#[derive(Debug, Clone, Copy)]
pub struct ViaCdn;

/// The sender of the request being answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
}

impl Client {
    /// Reads the client from a request: under Lambda, the viewer's address that CloudFront passes
    /// on (`CloudFront-Viewer-Address`, only on a request marked [`ViaCdn`]) or else API Gateway's
    /// source address; locally, the peer's address.
    pub fn of(req: &Request) -> Client {
        let header_text = |name| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let lambda_ip = req.request_context_ref().and_then(|ctx| match ctx {
            RequestContext::ApiGatewayV2(c) => {
                let via_cdn = req.extensions().get::<ViaCdn>().is_some();
                let viewer = via_cdn
                    .then(|| header_text("cloudfront-viewer-address"))
                    .flatten()
                    .and_then(|a| a.rsplit_once(':').map(|(ip, _)| ip.to_string()));
                viewer.or_else(|| c.http.source_ip.clone())
            }
            _ => None,
        });
        let ip = lambda_ip
            .or_else(|| {
                req.extensions()
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|c| c.0.ip().to_string())
            })
            .unwrap_or_else(|| "unknown".to_string());
        Client {
            ip,
            user_agent: header_text(header::USER_AGENT.as_str()).unwrap_or_default(),
        }
    }
}

impl Client {
    /// The address as limits count it: an IPv4 address whole, an IPv6 address by its /64 (one
    /// household or phone is given a whole /64 and can pick any address in it).
    pub fn counted(&self) -> String {
        counted_address(&self.ip)
    }
}

/// `ip` as limits count it (see [`Client::counted`]); text that is no address is kept as it is.
pub fn counted_address(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                format!("{}/64", Ipv6Addr::from(prefix))
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_string(),
    }
}

/// The secret with which client addresses and codes are hashed before they are written to the
/// table (HMAC-SHA-256): a plain hash of an IPv4 address is reversed by trying all 2^32.
#[derive(Clone)]
pub struct ClientKey(Vec<u8>);

impl ClientKey {
    /// The key given (`FORMS_CLIENT_KEY`).
    pub fn new(key: impl Into<Vec<u8>>) -> ClientKey {
        ClientKey(key.into())
    }

    /// A new random key (counts kept under it are lost when the service restarts).
    pub fn random() -> ClientKey {
        let mut key = vec![0u8; 32];
        getrandom::fill(&mut key).expect("the system has a random source");
        ClientKey(key)
    }

    /// The keyed hash of `text`, in hex.
    pub fn digest(&self, text: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any size");
        mac.update(text.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Never shows the key.
impl std::fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientKey(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_by_their_64_and_ipv4_whole() {
        assert_eq!(
            counted_address("2001:db8:1:2:aaaa::1"),
            counted_address("2001:db8:1:2:ffff:1:2:3")
        );
        assert_eq!(counted_address("2001:db8:1:2::9"), "2001:db8:1:2::/64");
        assert_ne!(
            counted_address("2001:db8:1:2::1"),
            counted_address("2001:db8:1:3::1")
        );
        assert_eq!(counted_address("192.0.2.7"), "192.0.2.7");
        assert_eq!(counted_address("::ffff:192.0.2.7"), "192.0.2.7");
        assert_ne!(counted_address("192.0.2.7"), counted_address("192.0.2.8"));
    }

    #[test]
    fn the_hash_depends_on_the_key_and_is_not_a_plain_sha256() {
        use sha2::Digest;
        let a = ClientKey::new(b"key one".to_vec());
        let b = ClientKey::new(b"key two".to_vec());
        assert_eq!(a.digest("192.0.2.7"), a.digest("192.0.2.7"));
        assert_ne!(a.digest("192.0.2.7"), b.digest("192.0.2.7"));
        let plain: String = Sha256::digest(b"192.0.2.7")
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect();
        assert_ne!(a.digest("192.0.2.7"), plain);
        assert_eq!(format!("{a:?}"), "ClientKey(..)");
    }
}
