//! Who sent a request, as far as the service needs to know: the client's address (for the
//! idempotency window without JavaScript and for slowing follow-up guesses) and its `User-Agent`.
//! Neither is ever logged.

use std::net::SocketAddr;

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
