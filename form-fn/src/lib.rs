//! The form service: takes the requests, feedback and satisfaction surveys of the forms defined in
//! the site's `content/forms/`, stores each exactly once in DynamoDB, and answers follow-ups.
//!
//! One [`router`] serves `POST /api/forms/{form}`, `POST /api/track`, `GET /api/health` and the
//! staff inbox under `/api/staff/` ([`inbox`], behind a sign-in: [`auth`]), the same under Lambda
//! and locally; the route names and shared state are in [`app`]. The table's design is in
//! [`table`]; the staff actions, for the staff command (`form-fn-admin`) and the inbox alike, are
//! [`staff`].

pub mod access_log;
pub mod answer;
pub mod app;
pub mod auth;
pub mod body;
pub mod captcha;
pub mod client;
pub mod clock;
pub mod code;
pub mod config;
pub mod content;
pub mod digest;
pub mod https;
pub mod idempotency;
pub mod inbox;
#[cfg(feature = "local")]
pub mod local;
pub mod lookup;
pub mod mail;
pub mod messages;
pub mod notifier;
pub mod outbox;
pub mod pages;
pub mod record;
pub mod router;
pub mod routes;
pub mod staff;
pub mod store;
pub mod submit;
pub mod table;
mod templates;
pub mod track;

use std::sync::Arc;

use crate::app::App;
use crate::config::Config;
use crate::content::Content;
use crate::pages::Pages;

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the embedded site does not parse:\n{0}")]
    Content(String),
    #[error(
        "forms {0} ask for a challenge (`captcha: true`) but FORMS_CAPTCHA_SECRET is not set: set it to the provider's secret key"
    )]
    CaptchaSecret(String),
}

/// The router for the embedded site over the table `config.table` at `client`.
pub fn service(
    config: &Config,
    client: aws_sdk_dynamodb::Client,
) -> Result<axum::Router, StartError> {
    let content = Content::embedded().map_err(|errs| {
        StartError::Content(
            errs.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    service_for(content, config, client)
}

/// The router for `content` (the embedded site, or one a test changed) over the table
/// `config.table` at `client`.
pub fn service_for(
    content: Content,
    config: &Config,
    client: aws_sdk_dynamodb::Client,
) -> Result<axum::Router, StartError> {
    let pages = Pages::new(&content, config.site_url.as_deref());
    let app = App::new(content, pages, config, client)?;
    Ok(router::router(Arc::new(app), &config.cors_origins))
}
