//! A person's rights over their records (the Saudi PDPL's access, correction and erasure): find
//! every record of a person by phone number, e-mail address or ID number, export them, correct one
//! value, and erase them, leaving an erasure record that holds no personal data. And retention:
//! delete at once every item whose time has come, which DynamoDB's TTL does only within days and
//! the local store only while the service runs.
//!
//! A person is found through the lookup keys ([`crate::lookup`]) with one query per identifier;
//! until every submission has them (`index_lookup_keys`, once after upgrading a table that held
//! submissions before), the table's submissions are scanned as well.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, TransactWriteItem, Update,
};
use forms::normalise::display_code;
use forms::{FieldError, Refusal, Submission, Value};

use super::case::first_condition_failed;
use super::{Staff, StaffError, sdk_error};
use crate::clock::{now_epoch, now_rfc3339};
use crate::lookup::{self, Identifier};
use crate::record::{Record, value_attr};
use crate::table::{self, Item, PK, SK, TTL};

/// Why records were erased: the code kept in the erasure record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The person asked for it.
    Request,
    /// The person withdrew their consent.
    ConsentWithdrawn,
    /// The record should never have been made (sent by mistake, or about someone else).
    Mistake,
    /// Its retention period has ended.
    Retention,
}

impl Reason {
    /// Every reason.
    pub const ALL: [Reason; 4] = [
        Reason::Request,
        Reason::ConsentWithdrawn,
        Reason::Mistake,
        Reason::Retention,
    ];

    /// The code: `request`, `consent-withdrawn`, `mistake`, `retention`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Request => "request",
            Reason::ConsentWithdrawn => "consent-withdrawn",
            Reason::Mistake => "mistake",
            Reason::Retention => "retention",
        }
    }

    /// What staff read in the inbox.
    pub fn label(self) -> &'static str {
        match self {
            Reason::Request => "طلب صاحب البيانات حذفها",
            Reason::ConsentWithdrawn => "سحب صاحب البيانات موافقته",
            Reason::Mistake => "أُرسلت خطأً أو تخص شخصًا آخر",
            Reason::Retention => "انتهت مدة حفظها",
        }
    }
}

impl std::str::FromStr for Reason {
    type Err = String;
    fn from_str(s: &str) -> Result<Reason, String> {
        Reason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
                format!("unknown reason {s:?}: use one of {}", all.join(", "))
            })
    }
}

/// A person's records, and whether the table had to be scanned to be sure of them.
#[derive(Debug)]
pub struct Found {
    /// Oldest first.
    pub records: Vec<Record>,
    /// True when some submissions may lack lookup keys, so the submissions were scanned too.
    pub scanned: bool,
}

/// Why a correction was not made.
#[derive(Debug, thiserror::Error)]
pub enum CorrectError {
    /// The value breaks the field's rules: the definition's Arabic message.
    #[error("{}: {}", .0.field, .0.message)]
    Invalid(FieldError),
    /// The record changed since it was read (optimistic concurrency).
    #[error(
        "the submission changed since it was read (version {read}, now {now}): show it again and repeat the correction if it still holds"
    )]
    Stale { read: u64, now: u64 },
    #[error(transparent)]
    Staff(#[from] StaffError),
}

/// One record erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    pub code: String,
    pub form: String,
}

/// The erasure record left for a record erased: what, when, who and why; no personal data.
fn audit_item(code: &str, form: &str, at: &str, by: &str, reason: Reason, expires_at: u64) -> Item {
    let s = |v: &str| AttributeValue::S(v.to_string());
    let mut item = Item::new();
    item.insert(PK.to_string(), s(&format!("{}{code}", table::AUDIT_PREFIX)));
    item.insert(SK.to_string(), s(table::SK_ERASED));
    item.insert("type".to_string(), s("audit"));
    item.insert("action".to_string(), s("erase"));
    item.insert("form".to_string(), s(form));
    item.insert("code".to_string(), s(code));
    item.insert("at".to_string(), s(at));
    item.insert("by".to_string(), s(by));
    item.insert("reason".to_string(), s(reason.as_str()));
    item.insert(TTL.to_string(), AttributeValue::N(expires_at.to_string()));
    item
}

fn key(pk: String, sk: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (PK.to_string(), AttributeValue::S(pk)),
        (SK.to_string(), AttributeValue::S(sk.to_string())),
    ])
}

impl Staff {
    /// The identifiers a record holds, by its form's definition.
    fn identifiers_of(&self, r: &Record) -> BTreeSet<Identifier> {
        lookup::identifiers(self.content.form(&r.form), &r.values, &r.contacts)
    }

    /// Every item of the table that `filter` (with `names` and `values`) keeps, page by page.
    async fn scan(
        &self,
        filter: &str,
        names: &[(&str, &str)],
        values: &[(&str, AttributeValue)],
    ) -> Result<Vec<Item>, StaffError> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let mut q = self
                .client
                .scan()
                .table_name(&self.table)
                .filter_expression(filter)
                .consistent_read(true)
                .set_exclusive_start_key(start.take());
            for (k, v) in names {
                q = q.expression_attribute_names(*k, *v);
            }
            for (k, v) in values {
                q = q.expression_attribute_values(*k, v.clone());
            }
            let page = q
                .send()
                .await
                .map_err(|e| sdk_error("scanning failed", e))?;
            out.extend(page.items().iter().cloned());
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        Ok(out)
    }

    /// Every submission of the table that has not expired (a scan).
    async fn all_submissions(&self) -> Result<Vec<(Item, Record)>, StaffError> {
        let items = self
            .scan(
                "#sk = :sub",
                &[("#sk", SK)],
                &[(":sub", AttributeValue::S(table::SK_SUBMISSION.to_string()))],
            )
            .await?;
        let now = now_epoch();
        Ok(items
            .into_iter()
            .filter_map(|i| Record::from_item(&i).map(|r| (i, r)))
            .filter(|(_, r)| r.expires_at > now)
            .collect())
    }

    /// Whether every submission has its lookup keys (the item `META#lookup` exists).
    pub async fn lookup_complete(&self) -> Result<bool, StaffError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(
                table::LOOKUP_COMPLETE_PK.to_string(),
                table::SK_META,
            )))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading failed", e))?;
        Ok(out.item().is_some())
    }

    /// The codes whose lookup keys hold this identifier (one query, no scan).
    async fn lookup_codes(&self, id: &Identifier) -> Result<BTreeSet<String>, StaffError> {
        let mut codes = BTreeSet::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_values(":pk", AttributeValue::S(id.pk()))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| sdk_error("finding failed", e))?;
            codes.extend(page.items().iter().filter_map(|i| {
                let sk = i.get(SK)?.as_s().ok()?;
                Some(sk.strip_prefix("SUB#")?.to_string())
            }));
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        Ok(codes)
    }

    /// The records holding this identifier found through the lookup keys alone (never a scan),
    /// oldest first: the inbox's search.
    pub async fn find_indexed(&self, id: &Identifier) -> Result<Vec<Record>, StaffError> {
        let mut records = Vec::new();
        for code in &self.lookup_codes(id).await? {
            if let Some(r) = self.read(code).await? {
                records.push(r);
            }
        }
        records.retain(|r| self.identifiers_of(r).contains(id));
        records.sort_by(|a, b| (&a.received_at, &a.code).cmp(&(&b.received_at, &b.code)));
        Ok(records)
    }

    /// Every record of the person with this identifier, oldest first: through the lookup keys,
    /// and, while some submissions may lack them, a scan of the table besides (the command's;
    /// the inbox never scans, see [`Staff::find_indexed`]).
    pub async fn find_person(&self, id: &Identifier) -> Result<Found, StaffError> {
        let mut records = self.find_indexed(id).await?;
        let scanned = !self.lookup_complete().await?;
        if scanned {
            let indexed: BTreeSet<String> = records.iter().map(|r| r.code.clone()).collect();
            for (_, r) in self.all_submissions().await? {
                // A key is a hash: keep only the records that do hold the identifier.
                if !indexed.contains(&r.code) && self.identifiers_of(&r).contains(id) {
                    records.push(r);
                }
            }
            records.sort_by(|a, b| (&a.received_at, &a.code).cmp(&(&b.received_at, &b.code)));
        }
        Ok(Found { records, scanned })
    }

    /// Writes the lookup keys of every submission that may lack them, then marks the table
    /// complete, so that finding a person no longer scans. Run once after upgrading a table that
    /// held submissions before lookup keys existed; running it again does no harm. Returns how
    /// many submissions were indexed.
    pub async fn index_lookup_keys(&self) -> Result<usize, StaffError> {
        let started = now_rfc3339();
        let mut indexed = 0;
        for (_, r) in self.all_submissions().await? {
            let ids = self.identifiers_of(&r);
            if ids.is_empty() {
                continue;
            }
            // Only while the submission exists: one erased meanwhile gets no keys back.
            let check = ConditionCheck::builder()
                .table_name(&self.table)
                .set_key(Some(key(
                    table::submission_pk(&r.code),
                    table::SK_SUBMISSION,
                )))
                .condition_expression("attribute_exists(#pk)")
                .expression_attribute_names("#pk", PK)
                .build()
                .expect("table, key and condition are set");
            let mut items = vec![TransactWriteItem::builder().condition_check(check).build()];
            items.extend(ids.iter().map(|id| self.put_lookup(id, &r)));
            match self
                .client
                .transact_write_items()
                .set_transact_items(Some(items))
                .send()
                .await
            {
                Ok(_) => indexed += 1,
                Err(e) if first_condition_failed(&e) => {}
                Err(e) => return Err(sdk_error("indexing failed", e)),
            }
        }
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(key(
                table::LOOKUP_COMPLETE_PK.to_string(),
                table::SK_META,
            )))
            .item("at", AttributeValue::S(started))
            .send()
            .await
            .map_err(|e| sdk_error("marking the index complete failed", e))?;
        Ok(indexed)
    }

    fn put_lookup(&self, id: &Identifier, r: &Record) -> TransactWriteItem {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(lookup::item(id, &r.code, &r.form, r.expires_at)))
            .build()
            .expect("table and item are set");
        TransactWriteItem::builder().put(put).build()
    }

    fn delete_lookup(&self, id: &Identifier, code: &str) -> TransactWriteItem {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(id.pk(), &table::submission_pk(code))))
            .build()
            .expect("table and key are set");
        TransactWriteItem::builder().delete(delete).build()
    }

    /// The submission with this code unless it is absent or expired.
    async fn read(&self, code: &str) -> Result<Option<Record>, StaffError> {
        Ok(self.read_item(code).await?.map(|(_, r)| r))
    }

    async fn read_item(&self, code: &str) -> Result<Option<(Item, Record)>, StaffError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(table::submission_pk(code), table::SK_SUBMISSION)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading failed", e))?;
        let now = now_epoch();
        Ok(out.item().and_then(|i| {
            Record::from_item(i)
                .filter(|r| r.expires_at > now)
                .map(|r| (i.clone(), r))
        }))
    }

    /// Sets one field of one submission to the value typed (one text per ticked option of a
    /// multiple choice; none, or an empty text, to clear an optional field), normalised and checked
    /// by the form's rules for that field. Only if the submission is still at `version` (the one
    /// read, when `None`); the correction is recorded (field, time, staff member; never a value)
    /// and the version goes up by one. The lookup keys and the follow-up contact follow the value.
    pub async fn correct(
        &self,
        code: &str,
        field_name: &str,
        typed: &[&str],
        version: Option<u64>,
        by: &str,
    ) -> Result<Record, CorrectError> {
        let record = self.show(code).await?;
        let read = version.unwrap_or(record.version);
        if read != record.version {
            return Err(CorrectError::Stale {
                read,
                now: record.version,
            });
        }
        let form = self.content.form(&record.form).ok_or_else(|| {
            StaffError(format!(
                "the form {:?} is no longer defined, so the value cannot be checked",
                record.form
            ))
        })?;
        let field = form.field(field_name).ok_or_else(|| {
            let names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
            StaffError(format!(
                "the form {} has no field {field_name:?}; its fields are: {}",
                form.id,
                names.join(", ")
            ))
        })?;
        let invalid = |message: String| {
            CorrectError::Invalid(FieldError {
                field: field.name.clone(),
                message,
            })
        };
        let value = forms::validate::field_value(field, typed).map_err(&invalid)?;
        let mut values = record.values.clone();
        match &value {
            Some(v) => values.insert(field.name.clone(), v.clone()),
            None => values.remove(&field.name),
        };
        // The whole form's rules, for those that tie this field to others; the other fields'
        // own problems (a definition changed since) do not stop a correction of this one.
        let pairs: Vec<(String, String)> = values
            .iter()
            .flat_map(|(k, v)| match v {
                Value::One(x) => vec![(k.clone(), x.clone())],
                Value::Many(xs) => xs.iter().map(|x| (k.clone(), x.clone())).collect(),
            })
            .collect();
        if let Err(Refusal::Invalid(errors)) = forms::validate(form, &pairs)
            && let Some(e) = errors.into_iter().find(|e| e.field == field.name)
        {
            return Err(invalid(e.message));
        }
        let after = Submission {
            values: values.clone(),
        };
        let contacts = after.contacts(form);
        let old_ids = self.identifiers_of(&record);
        let mut corrected = record.clone();
        corrected.values = values;
        corrected.contacts = contacts.clone();
        let new_ids = self.identifiers_of(&corrected);

        let at = now_rfc3339();
        let correction = AttributeValue::M(HashMap::from([
            ("field".to_string(), AttributeValue::S(field.name.clone())),
            ("at".to_string(), AttributeValue::S(at.clone())),
            ("by".to_string(), AttributeValue::S(by.to_string())),
        ]));
        let mut sets = vec![
            "#updated = :at",
            "#corrections = list_append(if_not_exists(#corrections, :empty), :correction)",
        ];
        let mut removes = Vec::new();
        let mut vals: HashMap<String, AttributeValue> = HashMap::from([
            (":at".to_string(), AttributeValue::S(at)),
            (":one".to_string(), AttributeValue::N("1".to_string())),
            (":empty".to_string(), AttributeValue::L(Vec::new())),
            (
                ":correction".to_string(),
                AttributeValue::L(vec![correction]),
            ),
            (
                ":now".to_string(),
                AttributeValue::N(now_epoch().to_string()),
            ),
            (
                ":read".to_string(),
                AttributeValue::N(record.version.to_string()),
            ),
        ]);
        match &value {
            Some(v) => {
                sets.push("#values.#field = :value");
                vals.insert(":value".to_string(), value_attr(v));
            }
            None => removes.push("#values.#field"),
        }
        // The contacts follow the value; the one `contact` of an older item goes.
        if contacts.is_empty() {
            removes.push("#contacts");
        } else {
            sets.push("#contacts = :contacts");
            vals.insert(
                ":contacts".to_string(),
                AttributeValue::L(contacts.iter().cloned().map(AttributeValue::S).collect()),
            );
        }
        removes.push("#contact");
        let mut expr = format!("ADD #ver :one SET {}", sets.join(", "));
        if !removes.is_empty() {
            expr.push_str(&format!(" REMOVE {}", removes.join(", ")));
        }
        let version_holds = if record.version == 0 {
            "(attribute_not_exists(#ver) OR #ver = :read)"
        } else {
            "#ver = :read"
        };
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(table::submission_pk(code), table::SK_SUBMISSION)))
            .update_expression(expr)
            .condition_expression(format!(
                "attribute_exists(#pk) AND #ttl > :now AND {version_holds}"
            ))
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_names("#ver", table::VERSION)
            .expression_attribute_names("#updated", "updated_at")
            .expression_attribute_names("#corrections", table::CORRECTIONS)
            .expression_attribute_names("#values", "values")
            .expression_attribute_names("#field", field.name.clone())
            .expression_attribute_names("#contact", "contact")
            .expression_attribute_names("#contacts", crate::record::CONTACTS)
            .set_expression_attribute_values(Some(vals))
            .build()
            .expect("table, key and expression are set");
        let mut items = vec![TransactWriteItem::builder().update(update).build()];
        items.extend(
            old_ids
                .difference(&new_ids)
                .map(|id| self.delete_lookup(id, code)),
        );
        items.extend(
            new_ids
                .difference(&old_ids)
                .map(|id| self.put_lookup(id, &record)),
        );
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(self.show(code).await?),
            Err(e) if first_condition_failed(&e) => {
                let now = self.read(code).await?.map_or(record.version, |r| r.version);
                Err(CorrectError::Stale { read, now })
            }
            Err(e) => Err(sdk_error("the value was not corrected", e).into()),
        }
    }

    /// Erases these submissions, each in one transaction with its lookup keys, its outbox items
    /// and its idempotency key,
    /// leaving for each an erasure record (form, code, time, staff member, reason; no personal
    /// data) kept for its form's `retention_days`. Codes already gone are skipped.
    pub async fn erase(
        &self,
        codes: &[String],
        reason: Reason,
        by: &str,
    ) -> Result<Vec<Erased>, StaffError> {
        let mut erased = Vec::new();
        for code in codes {
            let Some((item, record)) = self.read_item(code).await? else {
                continue;
            };
            let at = now_rfc3339();
            let now = now_epoch();
            let audit_expires = self
                .content
                .form(&record.form)
                .map_or(record.expires_at, |f| {
                    now + u64::from(f.retention_days) * 86_400
                });
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key(table::submission_pk(code), table::SK_SUBMISSION)))
                .condition_expression("attribute_exists(#pk)")
                .expression_attribute_names("#pk", PK)
                .build()
                .expect("table and key are set");
            let mut items = vec![TransactWriteItem::builder().delete(delete).build()];
            items.extend(
                self.identifiers_of(&record)
                    .iter()
                    .map(|id| self.delete_lookup(id, code)),
            );
            items.extend(
                crate::outbox::deletes_for(&self.client, &self.table, code)
                    .await
                    .map_err(|e| StaffError(e.to_string()))?,
            );
            if let Some(idem) = item.get(table::IDEMPOTENCY_PK).and_then(|v| v.as_s().ok()) {
                let delete = Delete::builder()
                    .table_name(&self.table)
                    .set_key(Some(key(idem.clone(), table::SK_IDEMPOTENCY)))
                    .build()
                    .expect("table and key are set");
                items.push(TransactWriteItem::builder().delete(delete).build());
            }
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(audit_item(
                    code,
                    &record.form,
                    &at,
                    by,
                    reason,
                    audit_expires,
                )))
                .build()
                .expect("table and item are set");
            items.push(TransactWriteItem::builder().put(put).build());
            match self
                .client
                .transact_write_items()
                .set_transact_items(Some(items))
                .send()
                .await
            {
                Ok(_) => erased.push(Erased {
                    code: code.clone(),
                    form: record.form,
                }),
                Err(e) if first_condition_failed(&e) => {}
                Err(e) => {
                    return Err(sdk_error(
                        &format!("{} was not erased", display_code(code)),
                        e,
                    ));
                }
            }
        }
        Ok(erased)
    }

    /// Deletes every item whose `expires_at` has passed (submissions with their lookup keys,
    /// idempotency keys, counters, erasure records), as DynamoDB's TTL will within days. Returns
    /// how many were deleted.
    pub async fn purge_expired(&self) -> Result<usize, StaffError> {
        let now = AttributeValue::N(now_epoch().to_string());
        let expired = self
            .scan("#ttl <= :now", &[("#ttl", TTL)], &[(":now", now.clone())])
            .await?;
        let mut deleted = 0;
        for item in expired {
            let (Some(pk), Some(sk)) = (item.get(PK), item.get(SK)) else {
                continue;
            };
            let done = self
                .client
                .delete_item()
                .table_name(&self.table)
                .key(PK, pk.clone())
                .key(SK, sk.clone())
                // Not if it was given a later end meanwhile.
                .condition_expression("#ttl <= :now")
                .expression_attribute_names("#ttl", TTL)
                .expression_attribute_values(":now", now.clone())
                .send()
                .await;
            match done {
                Ok(_) => deleted += 1,
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
                Err(e) => return Err(sdk_error("purging failed", e)),
            }
        }
        Ok(deleted)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
