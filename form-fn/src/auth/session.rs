//! Staff sessions, kept in the table (so that every Lambda instance sees them, and a sign-out or a
//! disabled account ends them at once): item `pk` = `STAFF#{staff id}`, `sk` =
//! `SESS#{sha-256 of the session secret}`, with the staff member's e-mail and role, a CSRF token,
//! when it began and when it was last used, and `expires_at` at its absolute end. The cookie holds
//! `{staff id}.{secret}`; the table holds only the secret's hash.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use sha2::{Digest, Sha256};

use super::{Role, StaffMember};
use crate::table::{PK, SK, TTL, n, s};

/// The session cookie's name.
pub const COOKIE: &str = "staff_session";
/// The cookie that ties a sign-in form to the browser it was shown in (before any session).
pub const PRE_COOKIE: &str = "staff_signin";
/// The path both cookies are sent on.
pub const COOKIE_PATH: &str = "/api/staff";
/// A session unused this long ends.
pub const IDLE_SECS: u64 = 30 * 60;
/// A session ends this long after sign-in, used or not.
pub const ABSOLUTE_SECS: u64 = 10 * 60 * 60;
/// Use of a session is written at most this often.
const TOUCH_EVERY_SECS: u64 = 60;

/// The start of a session item's partition key.
pub const STAFF_PREFIX: &str = "STAFF#";

/// A signed-in staff member's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub member: StaffMember,
    /// The token every state-changing form of this session carries.
    pub csrf: String,
}

/// Random text of `bytes` bytes, in hex.
pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).expect("the system has randomness");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// The sessions in the table.
#[derive(Debug, Clone)]
pub struct Sessions {
    client: Client,
    table: String,
}

impl Sessions {
    pub fn new(client: Client, table: impl Into<String>) -> Sessions {
        Sessions {
            client,
            table: table.into(),
        }
    }

    fn key(id: &str, secret: &str) -> HashMap<String, AttributeValue> {
        HashMap::from([
            (PK.to_string(), s(format!("{STAFF_PREFIX}{id}"))),
            (SK.to_string(), s(format!("SESS#{}", hash(secret)))),
        ])
    }

    /// Starts a session for `member`; returns the cookie's value.
    pub async fn start(&self, member: &StaffMember, now: u64) -> Result<String, String> {
        let secret = random_hex(32);
        let mut item = Self::key(&member.id, &secret);
        item.insert("email".into(), s(&member.email));
        item.insert("role".into(), s(member.role.group()));
        item.insert("csrf".into(), s(random_hex(32)));
        item.insert("created".into(), n(now));
        item.insert("seen".into(), n(now));
        item.insert(TTL.into(), n(now + ABSOLUTE_SECS));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| format!("{}", aws_sdk_dynamodb::error::DisplayErrorContext(&e)))?;
        Ok(format!("{}.{secret}", member.id))
    }

    /// The live session of a cookie's value, its use recorded; `None` when there is none, or it
    /// has been idle too long or reached its end.
    pub async fn find(&self, cookie: &str, now: u64) -> Result<Option<Session>, String> {
        let Some((id, secret)) = cookie.split_once('.') else {
            return Ok(None);
        };
        if id.is_empty() || secret.len() != 64 {
            return Ok(None);
        }
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(id, secret)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| format!("{}", aws_sdk_dynamodb::error::DisplayErrorContext(&e)))?;
        let Some(item) = out.item() else {
            return Ok(None);
        };
        let text = |k: &str| item.get(k).and_then(|v| v.as_s().ok()).cloned();
        let num = |k: &str| {
            item.get(k)
                .and_then(|v| v.as_n().ok())
                .and_then(|v| v.parse::<u64>().ok())
        };
        let (Some(created), Some(seen)) = (num("created"), num("seen")) else {
            return Ok(None);
        };
        if now >= created + ABSOLUTE_SECS || now >= seen + IDLE_SECS {
            self.end(cookie).await?;
            return Ok(None);
        }
        let Some(role) = text("role").and_then(|r| Role::of_groups(&[r])) else {
            return Ok(None);
        };
        if now >= seen + TOUCH_EVERY_SECS {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(Self::key(id, secret)))
                .update_expression("SET #seen = :now")
                .condition_expression("attribute_exists(#pk)")
                .expression_attribute_names("#seen", "seen")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_values(":now", n(now))
                .send()
                .await
                .map_err(|e| format!("{}", aws_sdk_dynamodb::error::DisplayErrorContext(&e)))?;
        }
        Ok(Some(Session {
            member: StaffMember {
                id: id.to_string(),
                email: text("email").unwrap_or_default(),
                role,
            },
            csrf: text("csrf").unwrap_or_default(),
        }))
    }

    /// Ends the session of a cookie's value (sign-out).
    pub async fn end(&self, cookie: &str) -> Result<(), String> {
        let Some((id, secret)) = cookie.split_once('.') else {
            return Ok(());
        };
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(id, secret)))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| format!("{}", aws_sdk_dynamodb::error::DisplayErrorContext(&e)))
    }

    /// Ends every session of the staff member `id` (an account disabled).
    pub async fn end_all(&self, id: &str) -> Result<usize, String> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":pk", s(format!("{STAFF_PREFIX}{id}")))
            .send()
            .await
            .map_err(|e| format!("{}", aws_sdk_dynamodb::error::DisplayErrorContext(&e)))?;
        let mut ended = 0;
        for item in out.items() {
            let key: HashMap<String, AttributeValue> = [PK, SK]
                .iter()
                .filter_map(|k| Some((k.to_string(), item.get(*k)?.clone())))
                .collect();
            self.client
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(key))
                .send()
                .await
                .map_err(|e| format!("{}", aws_sdk_dynamodb::error::DisplayErrorContext(&e)))?;
            ended += 1;
        }
        Ok(ended)
    }
}

/// The value of cookie `name` in a request's headers.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, on [`COOKIE_PATH`], `Secure` unless the
/// service is reached on this machine over plain HTTP; `max_age` 0 removes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age: u64, secure: bool) -> String {
    format!(
        "{name}={value}; Path={COOKIE_PATH}; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Whether two secrets are equal, in the same time wherever they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_found_among_others_and_set_strictly() {
        let mut h = axum::http::HeaderMap::new();
        h.insert("cookie", "a=1; staff_session=x.y; b=2".parse().unwrap());
        assert_eq!(cookie(&h, COOKIE).as_deref(), Some("x.y"));
        assert_eq!(cookie(&h, PRE_COOKIE), None);
        let c = set_cookie(COOKIE, "v", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.ends_with("Secure"));
        assert!(!set_cookie(COOKIE, "v", 60, false).contains("Secure"));
        assert!(same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("", ""));
    }
}
