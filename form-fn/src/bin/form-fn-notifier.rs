//! The notifier: under Lambda, invoked by the table's stream (each new outbox item is sent through
//! Amazon SES v2 and marked sent) and by a daily schedule (the managers' digest, recorded in the
//! outbox and so sent by the stream like any other e-mail). Environment: `TABLE_NAME`,
//! `AWS_ENDPOINT_URL_DYNAMODB` and `AWS_ENDPOINT_URL_SESV2` (tests), `SITE_URL`.
//!
//! Outside Lambda, `form-fn-notifier drain` sends what is pending once, and `form-fn-notifier
//! digest` records the day's digest: for a run by hand.

use std::process::ExitCode;

use aws_lambda_events::event::dynamodb::Event;
use form_fn::config::Config;
use form_fn::outbox::{Outbox, Ses};
use form_fn::staff::Staff;
use form_fn::{access_log, digest, notifier, outbox, table};
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};

struct Notifier {
    outbox: Outbox,
    sender: Ses,
    from: (String, String),
    staff: Staff,
    table: String,
    db: aws_sdk_dynamodb::Client,
}

impl Notifier {
    async fn new(config: &Config) -> Result<Notifier, String> {
        let db = table::client(config.endpoint.as_deref()).await;
        let staff = Staff::new(db.clone(), config.table.clone()).map_err(|e| e.to_string())?;
        let from = staff
            .mailer()
            .from()
            .ok_or("the site sends no e-mail: site.yaml has no notifications:")?;
        let ses_endpoint = std::env::var("AWS_ENDPOINT_URL_SESV2")
            .ok()
            .filter(|v| !v.is_empty());
        Ok(Notifier {
            outbox: Outbox::new(db.clone(), config.table.clone()),
            sender: Ses(outbox::ses_client(ses_endpoint.as_deref()).await),
            from,
            staff,
            table: config.table.clone(),
            db,
        })
    }

    /// Records the day's digest in the outbox (the stream then sends it); false when there was
    /// nothing to say.
    async fn digest(&self) -> Result<bool, String> {
        let Some(mail) = digest::compose(&self.staff, self.staff.mailer())
            .await
            .map_err(|e| e.to_string())?
        else {
            return Ok(false);
        };
        let day = form_fn::clock::now_rfc3339()[..10].replace('-', "");
        let puts = outbox::puts(
            &self.table,
            &format!("DIGEST{day}"),
            0,
            &[mail],
            form_fn::clock::now_epoch(),
        );
        // One digest a day: a second run the same day finds it recorded.
        match self
            .db
            .transact_write_items()
            .set_transact_items(Some(puts))
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) => {
                let text = aws_sdk_dynamodb::error::DisplayErrorContext(&e).to_string();
                if text.contains("ConditionalCheckFailed") {
                    Ok(false)
                } else {
                    Err(text)
                }
            }
        }
    }

    async fn invoked(&self, event: serde_json::Value) -> Result<serde_json::Value, String> {
        if event.get("Records").is_some() {
            let event: Event = serde_json::from_value(event).map_err(|e| e.to_string())?;
            let answer =
                notifier::handle_stream(event, &self.outbox, &self.sender, &self.from).await;
            return serde_json::to_value(answer).map_err(|e| e.to_string());
        }
        // The schedule's event.
        let recorded = self.digest().await?;
        Ok(serde_json::json!({ "digest": recorded }))
    }
}

fn main() -> ExitCode {
    let config = Config::from_env();
    access_log::init(&config.log_filter);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime starts");
    let arg = std::env::args().nth(1);
    match runtime.block_on(run(config, arg.as_deref())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("form-fn-notifier: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config, arg: Option<&str>) -> Result<(), String> {
    let notifier = Notifier::new(&config).await?;
    if config.lambda_runtime {
        let notifier = &notifier;
        return lambda_runtime::run(service_fn(
            move |event: LambdaEvent<serde_json::Value>| async move {
                notifier
                    .invoked(event.payload)
                    .await
                    .map_err(lambda_runtime::Error::from)
            },
        ))
        .await
        .map_err(|e| e.to_string());
    }
    match arg {
        Some("drain") => {
            let sent = outbox::drain(&notifier.outbox, &notifier.sender, &notifier.from)
                .await
                .map_err(|e| e.to_string())?;
            println!("{sent} e-mail(s) sent");
            Ok(())
        }
        Some("digest") => {
            let recorded = notifier.digest().await?;
            println!(
                "{}",
                if recorded {
                    "digest recorded"
                } else {
                    "nothing to send"
                }
            );
            Ok(())
        }
        _ => Err("usage: form-fn-notifier drain|digest (under Lambda: no argument)".to_string()),
    }
}
