//! The notifier on AWS: the table's stream (new images) delivers each new outbox item; a schedule
//! sends the daily digest. Each record that could not be delivered is reported as a batch item
//! failure, so that Lambda retries from it (and the records before it are not sent twice: an item
//! already marked sent is skipped by [`Outbox::deliver`]).

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};

use crate::outbox::{Delivered, Outbox, PREFIX, Sender};

/// The string attribute `name` of a stream image, as the stream writes it (`{"S": "…"}`).
fn string_of<T: serde::Serialize>(image: &T, name: &str) -> Option<String> {
    let json = serde_json::to_value(image).ok()?;
    json.get(name)?.get("S")?.as_str().map(str::to_string)
}

/// Delivers the outbox items among the stream's records; answers with the records to retry.
pub async fn handle_stream<S: Sender>(
    event: Event,
    outbox: &Outbox,
    sender: &S,
    from: &(String, String),
) -> DynamoDbEventResponse {
    let mut failures = Vec::new();
    for record in event.records {
        let change = &record.change;
        let (Some(pk), Some(sk)) = (string_of(&change.keys, "pk"), string_of(&change.keys, "sk"))
        else {
            continue;
        };
        if !pk.starts_with(PREFIX)
            || string_of(&change.new_image, "state").as_deref() != Some("pending")
        {
            continue;
        }
        let delivered = match outbox.get(&pk, &sk).await {
            Ok(Some(entry)) => outbox.deliver(&entry, sender, from).await,
            Ok(None) => Ok(Delivered::Already),
            Err(e) => Err(e),
        };
        match delivered {
            Ok(Delivered::Sent(id)) => tracing::info!(message_id = %id, "e-mail sent"),
            Ok(Delivered::Already) => {}
            Ok(Delivered::SetAside) => tracing::warn!("e-mail set aside"),
            Err(e) => {
                tracing::warn!(error = %e, "e-mail not sent; the record is retried");
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = change.sequence_number.clone();
                failures.push(failure);
                // Lambda retries from the first failure: the records after it come again.
                break;
            }
        }
    }
    let mut response = DynamoDbEventResponse::default();
    response.batch_item_failures = failures;
    response
}
