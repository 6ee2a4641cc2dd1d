//! The inbox's list: cases page by page through the index `gsi1` (never a scan), one partition
//! (`{form}#{status}`) after another, oldest first in each, with the filters applied by the query
//! itself. Where a page ends is given back as an opaque cursor: the partition's place and the
//! index key to start after (the last case shown, or DynamoDB's `LastEvaluatedKey`), in hex.
//!
//! A page looks one case ahead, so it offers a next page only when a further case exists. Its
//! queries are bounded: at most [`MAX_QUERIES`] that read any item (a filter that matches little
//! must not make a page slow), and one for each partition found empty, whose number is fixed by the
//! content (forms × statuses).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use forms::Status;

use super::{Staff, StaffError, sdk_error};
use crate::clock::now_epoch;
use crate::record::{ASSIGNEE, Record};
use crate::table::{self, GSI, GSI_PK, GSI_SK, PK, SK};

/// Whose cases a list holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Whose {
    /// Everyone's.
    #[default]
    Any,
    /// Those assigned to this e-mail.
    Assigned(String),
    /// Those assigned to no one.
    Unassigned,
    /// Those assigned to this e-mail, and those assigned to no one (what a caseworker may see).
    MineOrUnassigned(String),
}

/// What a list holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// The forms (all when empty).
    pub forms: Vec<String>,
    /// The statuses (the open ones when empty).
    pub statuses: Vec<Status>,
    pub whose: Whose,
    /// Only cases past the date by which an answer was promised (`today`, an ISO date).
    pub overdue_on: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub records: Vec<Record>,
    /// Where the next page starts: `Some` when a further case was found, or when the page's
    /// queries ran out before the list's end (a filter that matched little); `None` at the end.
    pub next: Option<String>,
}

/// Queries that read items one page may make at most (a filter that matches little must not
/// make a page slow). A query of an empty partition reads nothing and is not counted.
pub const MAX_QUERIES: usize = 8;

fn encode(part: usize, key: &HashMap<String, AttributeValue>) -> Option<String> {
    let mut map = serde_json::Map::new();
    for k in [PK, SK, GSI_PK, GSI_SK] {
        map.insert(k.to_string(), key.get(k)?.as_s().ok()?.clone().into());
    }
    let json = serde_json::Value::Object(map).to_string();
    Some(format!(
        "{part}.{}",
        json.bytes().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

fn decode(cursor: &str) -> Option<(usize, Option<HashMap<String, AttributeValue>>)> {
    let (part, hex) = cursor.split_once('.')?;
    let part = part.parse().ok()?;
    if hex.is_empty() {
        return Some((part, None));
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect();
    let json: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&bytes?).ok()?;
    let mut key = HashMap::new();
    for k in [PK, SK, GSI_PK, GSI_SK] {
        key.insert(
            k.to_string(),
            AttributeValue::S(json.get(k)?.as_str()?.to_string()),
        );
    }
    Some((part, Some(key)))
}

impl Staff {
    /// The partitions a query covers, in order.
    fn partitions(&self, q: &Query) -> Result<Vec<String>, StaffError> {
        let forms: Vec<String> = if q.forms.is_empty() {
            self.content.forms.keys().cloned().collect()
        } else {
            for f in &q.forms {
                if self.content.form(f).is_none() {
                    return Err(StaffError(format!("no form {f:?}")));
                }
            }
            q.forms.clone()
        };
        let statuses: Vec<Status> = if q.statuses.is_empty() {
            Status::ALL
                .iter()
                .copied()
                .filter(|s| s.is_open())
                .collect()
        } else {
            q.statuses.clone()
        };
        Ok(forms
            .iter()
            .flat_map(|f| statuses.iter().map(move |s| table::gsi_pk(f, *s)))
            .collect())
    }

    /// Up to `size` cases of `q` from `cursor` (the start when `None`). A cursor that was not
    /// made for this query is refused.
    pub async fn page(
        &self,
        q: &Query,
        cursor: Option<&str>,
        size: usize,
    ) -> Result<Page, StaffError> {
        let parts = self.partitions(q)?;
        let bad = || StaffError("the page address is not valid: start from the first page".into());
        let (mut part, mut start) = match cursor {
            Some(c) => decode(c).ok_or_else(bad)?,
            None => (0, None),
        };
        if let Some(k) = &start
            && (parts
                .get(part)
                .map(|p| AttributeValue::S(p.clone()))
                .as_ref()
                != k.get(GSI_PK))
        {
            return Err(bad());
        }
        let now = now_epoch();
        // Each case found with the cursor that starts after it; one more than `size` is looked
        // for, which shows whether a next page has anything.
        let mut found: Vec<(Record, Option<String>)> = Vec::new();
        let (mut reads, mut queries) = (0, 0);
        while part < parts.len()
            && found.len() <= size
            && reads < MAX_QUERIES
            && queries < MAX_QUERIES + parts.len()
        {
            queries += 1;
            let mut filters = vec!["#ttl > :now".to_string()];
            let mut names = HashMap::from([
                ("#pk".to_string(), GSI_PK.to_string()),
                ("#ttl".to_string(), table::TTL.to_string()),
            ]);
            let mut values = HashMap::from([
                (":pk".to_string(), AttributeValue::S(parts[part].clone())),
                (":now".to_string(), AttributeValue::N(now.to_string())),
            ]);
            match &q.whose {
                Whose::Any => {}
                Whose::Assigned(me) => {
                    filters.push("#assignee = :me".into());
                    values.insert(":me".into(), AttributeValue::S(me.clone()));
                }
                Whose::Unassigned => filters.push("attribute_not_exists(#assignee)".into()),
                Whose::MineOrUnassigned(me) => {
                    filters.push("(attribute_not_exists(#assignee) OR #assignee = :me)".into());
                    values.insert(":me".into(), AttributeValue::S(me.clone()));
                }
            }
            if q.whose != Whose::Any {
                names.insert("#assignee".into(), ASSIGNEE.into());
            }
            if let Some(today) = &q.overdue_on {
                filters.push("#due < :today".into());
                names.insert("#due".into(), "expected_by".into());
                values.insert(":today".into(), AttributeValue::S(today.clone()));
            }
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(GSI)
                .key_condition_expression("#pk = :pk")
                .filter_expression(filters.join(" AND "))
                .set_expression_attribute_names(Some(names))
                .set_expression_attribute_values(Some(values))
                .limit((size + 1 - found.len()) as i32)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| sdk_error("listing failed", e))?;
            if out.scanned_count() > 0 {
                reads += 1;
            }
            found.extend(
                out.items()
                    .iter()
                    .filter_map(|item| Some((Record::from_item(item)?, encode(part, item)))),
            );
            match out.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => part += 1,
            }
        }
        let next = if found.len() > size {
            found.truncate(size);
            found.last().and_then(|(_, after)| after.clone())
        } else if part < parts.len() {
            // The queries ran out before the end: the next page goes on from here.
            match &start {
                Some(k) => encode(part, k),
                None => Some(format!("{part}.")),
            }
        } else {
            None
        };
        let records = found.into_iter().map(|(r, _)| r).collect();
        Ok(Page { records, next })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_written_and_rejects_garbage() {
        let key: HashMap<String, AttributeValue> = [PK, SK, GSI_PK, GSI_SK]
            .iter()
            .map(|k| (k.to_string(), AttributeValue::S(format!("v-{k}"))))
            .collect();
        let c = encode(3, &key).unwrap();
        assert_eq!(decode(&c), Some((3, Some(key))));
        assert_eq!(decode("2."), Some((2, None)));
        assert_eq!(decode("x.00"), None);
        assert_eq!(decode("1.zz"), None);
        assert_eq!(decode("1.7b7d"), None);
    }
}
