//! The time the service records: seconds since 1970 for expiries and windows, RFC 3339 for what
//! people read.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since 1970.
pub fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Now, in RFC 3339 (UTC, whole seconds).
pub fn now_rfc3339() -> String {
    aws_sdk_dynamodb::primitives::DateTime::from_secs(now_epoch() as i64)
        .fmt(aws_sdk_dynamodb::primitives::DateTimeFormat::DateTime)
        .expect("a time after 1970 formats")
}

/// The seconds since 1970 of an RFC 3339 time as the table stores it; `None` when it is not one.
pub fn epoch_of(rfc3339: &str) -> Option<i64> {
    aws_sdk_dynamodb::primitives::DateTime::from_str(
        rfc3339,
        aws_sdk_dynamodb::primitives::DateTimeFormat::DateTime,
    )
    .ok()
    .map(|t| t.secs())
}
