//! The state of the service that the router and every handler share (the route names are in
//! [`crate::routes`]). Both the router and the handlers use this module; it uses neither.

use std::sync::Arc;

use crate::StartError;
use crate::auth::cognito::Cognito;
use crate::auth::session::Sessions;
use crate::config::Config;
use crate::content::Content;
use crate::pages::Pages;
use crate::staff::Staff;
use crate::store::Store;

/// The user pool staff sign in with.
#[derive(Debug, Clone)]
pub struct CognitoSettings {
    pub pool_id: String,
    pub client_id: String,
    pub endpoint: Option<String>,
}

/// How staff sign in.
pub struct StaffAuth {
    /// The user pool, when configured (`COGNITO_USER_POOL_ID`, `COGNITO_CLIENT_ID`).
    pub cognito: Option<CognitoSettings>,
    /// Its client, made at first use.
    pub cognito_client: tokio::sync::OnceCell<Cognito>,
    pub sessions: Sessions,
    /// The terminal's one-time link, on a developer's machine.
    #[cfg(feature = "local")]
    pub link: Option<crate::auth::LocalLink>,
}

impl StaffAuth {
    /// The user pool's client, when one is configured.
    pub async fn cognito(&self) -> Option<&Cognito> {
        let settings = self.cognito.as_ref()?;
        Some(
            self.cognito_client
                .get_or_init(|| {
                    Cognito::new(
                        &settings.pool_id,
                        &settings.client_id,
                        settings.endpoint.as_deref(),
                    )
                })
                .await,
        )
    }
}

/// What every handler shares.
pub struct App {
    pub content: Content,
    pub store: Store,
    pub pages: Pages,
    /// The staff actions, on the same table.
    pub staff: Staff,
    pub auth: StaffAuth,
    /// The values CloudFront may send in `X-Origin-Verify` (current and, during a rotation,
    /// previous), when the service is behind it; empty otherwise.
    pub origin_verify: Vec<String>,
    /// New submissions one client may send in one counting window.
    pub submissions_per_client: u64,
    /// The site's own origin (`https://host`), from which its forms are posted.
    pub site_origin: String,
    /// Other origins allowed to post (`FORMS_CORS_ORIGINS`).
    pub cors_origins: Vec<String>,
    /// The challenge's verifier, when a form asks for one.
    pub captcha: Option<crate::captcha::Verifier>,
    /// Told after each stored submission, when this process drains the outbox itself (locally).
    pub outbox_wake: Option<Arc<tokio::sync::Notify>>,
}

impl App {
    /// The state of the service for `content` over the table `config.table` at `client`; an
    /// error when a form asks for a challenge whose secret is not configured. Locally (with
    /// `config.outbox_dir` and a Tokio runtime), starts draining the outbox to files.
    pub fn new(
        content: Content,
        pages: Pages,
        config: &Config,
        client: aws_sdk_dynamodb::Client,
    ) -> Result<App, StartError> {
        let site_url = config.site_url.as_deref().unwrap_or(&content.site.base_url);
        let site_origin = origin_of(site_url);
        let captcha = captcha_verifier(&content, config)?;
        let mailer = crate::mail::Mailer::unparsed(&content, config.site_url.as_deref());
        let from = mailer.from();
        let outbox_wake = match (
            &config.outbox_dir,
            from,
            tokio::runtime::Handle::try_current(),
        ) {
            (Some(dir), Some(from), Ok(runtime)) => {
                let wake = Arc::new(tokio::sync::Notify::new());
                let outbox = crate::outbox::Outbox::new(client.clone(), config.table.clone());
                let sender = crate::outbox::Files(dir.clone());
                runtime.spawn(crate::outbox::drain_on(outbox, sender, from, wake.clone()));
                Some(wake)
            }
            _ => None,
        };
        let staff = Staff::with_mailer(
            client.clone(),
            config.table.clone(),
            content.clone(),
            mailer,
        );
        let auth = StaffAuth {
            cognito: match (&config.cognito_pool_id, &config.cognito_client_id) {
                (Some(pool), Some(app_client)) => Some(CognitoSettings {
                    pool_id: pool.clone(),
                    client_id: app_client.clone(),
                    endpoint: config.cognito_endpoint.clone(),
                }),
                _ => None,
            },
            cognito_client: tokio::sync::OnceCell::new(),
            sessions: Sessions::new(client.clone(), config.table.clone()),
            #[cfg(feature = "local")]
            link: config.local_link.as_ref().map(|secret| {
                crate::auth::LocalLink::new(&format!("http://{}", config.local_addr()), secret)
            }),
        };
        Ok(App {
            captcha,
            outbox_wake,
            content,
            staff,
            auth,
            store: Store::new(client, config.table.clone(), config.client_key.clone()),
            pages,
            origin_verify: config.origin_verify.clone(),
            submissions_per_client: config.submissions_per_client,
            site_origin,
            cors_origins: config.cors_origins.clone(),
        })
    }
}

/// The challenge's verifier when a form asks for one; an error naming those forms when the
/// provider's secret is missing.
fn captcha_verifier(
    content: &Content,
    config: &Config,
) -> Result<Option<crate::captcha::Verifier>, StartError> {
    let Some(c) = &content.site.captcha else {
        return Ok(None);
    };
    let asking: Vec<&str> = content
        .forms
        .values()
        .filter(|f| f.captcha)
        .map(|f| f.id.as_str())
        .collect();
    if asking.is_empty() {
        return Ok(None);
    }
    match &config.captcha_secret {
        Some(secret) => Ok(Some(crate::captcha::Verifier::new(
            c.provider,
            secret.clone(),
            config.captcha_verify_url.clone(),
        ))),
        None => Err(StartError::CaptchaSecret(asking.join(", "))),
    }
}

/// The origin (`scheme://host[:port]`) of a URL.
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    format!("{scheme}://{host}")
}
