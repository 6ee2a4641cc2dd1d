//! The daily digest to the managers (`notifications.digest` in `site.yaml`): per form, the cases
//! received in the last day, those open, and those open past the day their form promised an answer
//! by. Nothing is sent on a day with nothing to say.

use forms::Status;

use crate::clock::now_epoch;
use crate::mail::{DigestRow, Mail, Mailer};
use crate::record::Record;
use crate::staff::{Filter, Staff, StaffError};

/// The digest's lines, one per form, from the open cases and those received since `since`
/// (RFC 3339), as of `today` (ISO date).
pub fn rows(
    staff: &Staff,
    open: &[Record],
    recent: &[Record],
    since: &str,
    today: &str,
) -> Vec<DigestRow> {
    staff
        .forms_all()
        .map(|form| {
            let of = |r: &&Record| r.form == form.id;
            DigestRow {
                form: form.id.clone(),
                form_title: form.title.clone(),
                new: recent
                    .iter()
                    .filter(of)
                    .filter(|r| r.received_at.as_str() >= since)
                    .count(),
                open: open.iter().filter(of).count(),
                overdue: open
                    .iter()
                    .filter(of)
                    .filter(|r| r.expected_by.as_deref().is_some_and(|d| d < today))
                    .count(),
            }
        })
        .collect()
}

/// The day's digest, or `None` when there is nothing to say (or no one to say it to).
pub async fn compose(staff: &Staff, mailer: &Mailer) -> Result<Option<Mail>, StaffError> {
    let now = now_epoch();
    let since = rfc3339(now.saturating_sub(86_400));
    let today = rfc3339(now)[..10].to_string();
    let open_statuses: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_open()).collect();
    let open = staff
        .list(&Filter {
            statuses: open_statuses,
            ..Filter::default()
        })
        .await?;
    let recent = staff
        .list(&Filter {
            since: Some(since.clone()),
            ..Filter::default()
        })
        .await?;
    let rows = rows(staff, &open, &recent, &since, &today);
    mailer
        .digest(&today, &rows)
        .map_err(|e| StaffError(e.to_string()))
}

fn rfc3339(epoch: u64) -> String {
    aws_sdk_dynamodb::primitives::DateTime::from_secs(epoch as i64)
        .fmt(aws_sdk_dynamodb::primitives::DateTimeFormat::DateTime)
        .expect("a time after 1970 formats")
}
