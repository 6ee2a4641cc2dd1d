//! Who sent a request, as far as the service needs to know: the client's address (for the
//! idempotency window without JavaScript and for slowing follow-up guesses) and its `User-Agent`.
//! Neither is ever logged.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request};
use axum::http::header;
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;

/// The sender of the request being answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
}

impl Client {
    /// Reads the client from a request: under Lambda, the viewer's address that CloudFront passes
    /// on (`CloudFront-Viewer-Address`) or else API Gateway's source address; locally, the peer's
    /// address.
    pub fn of(req: &Request) -> Client {
        let header_text = |name| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let lambda_ip = req.request_context_ref().and_then(|ctx| match ctx {
            RequestContext::ApiGatewayV2(c) => {
                let viewer = header_text("cloudfront-viewer-address")
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
