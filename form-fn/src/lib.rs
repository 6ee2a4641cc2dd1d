//! The form service: takes the requests, feedback and satisfaction surveys of the forms defined in
//! the site's `content/forms/`, stores each exactly once in DynamoDB, and answers follow-ups.
//!
//! One [`router`] serves `POST /api/forms/{form}`, `POST /api/track` and `GET /api/health`, the same
//! under Lambda and locally. The table's design is in [`table`]; the staff actions, for the staff command
//! (`form-fn-admin`) and any later staff interface, are [`staff`].

pub mod access_log;
pub mod answer;
pub mod body;
pub mod captcha;
pub mod client;
pub mod code;
pub mod config;
pub mod content;
pub mod digest;
pub mod idempotency;
#[cfg(feature = "local")]
pub mod local;
pub mod lookup;
pub mod mail;
pub mod notifier;
pub mod outbox;
pub mod pages;
pub mod router;
pub mod staff;
pub mod store;
pub mod submit;
pub mod table;
pub mod track;

use std::sync::Arc;

use crate::config::Config;
use crate::content::Content;
use crate::pages::Pages;
use crate::router::App;
use crate::store::Store;

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the embedded site does not parse:\n{0}")]
    Content(String),
    #[error("the templates do not load: {0}")]
    Templates(#[from] forms::render::RenderError),
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
    let pages = Pages::new(&content, config.site_url.as_deref())?;
    let site_url = config.site_url.as_deref().unwrap_or(&content.site.base_url);
    let site_origin = origin_of(site_url);
    let captcha = match &content.site.captcha {
        Some(c) if content.forms.values().any(|f| f.captcha) => match &config.captcha_secret {
            Some(secret) => Some(captcha::Verifier::new(
                c.provider,
                secret.clone(),
                config.captcha_verify_url.clone(),
            )),
            None => {
                let ids: Vec<&str> = content
                    .forms
                    .values()
                    .filter(|f| f.captcha)
                    .map(|f| f.id.as_str())
                    .collect();
                return Err(StartError::CaptchaSecret(ids.join(", ")));
            }
        },
        _ => None,
    };
    let mailer = match mail::Mailer::new(&content, config.site_url.as_deref()) {
        Ok(m) => Some(m),
        Err(err) => {
            tracing::error!(error = %err, "e-mail templates do not load: no e-mail is recorded");
            None
        }
    };
    let from = mailer.as_ref().and_then(mail::Mailer::from);
    let outbox_wake = match (
        &config.outbox_dir,
        from,
        tokio::runtime::Handle::try_current(),
    ) {
        (Some(dir), Some(from), Ok(runtime)) => {
            let wake = Arc::new(tokio::sync::Notify::new());
            let outbox = outbox::Outbox::new(client.clone(), config.table.clone());
            let sender = outbox::Sender::Files(dir.clone());
            runtime.spawn(outbox::drain_on(outbox, sender, from, wake.clone()));
            Some(wake)
        }
        _ => None,
    };
    let app = App {
        captcha,
        content,
        store: Store::new(client, config.table.clone(), config.client_key.clone()),
        pages,
        origin_verify: config.origin_verify.clone(),
        submissions_per_client: config.submissions_per_client,
        site_origin,
        cors_origins: config.cors_origins.clone(),
        mailer,
        outbox_wake,
    };
    Ok(router::router(Arc::new(app), &config.cors_origins))
}

/// The origin (`scheme://host[:port]`) of a URL.
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    format!("{scheme}://{host}")
}
