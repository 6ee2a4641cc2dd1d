//! Lookup keys: how a person's records are found by phone number, e-mail address or ID number with
//! one query instead of a scan of the table.
//!
//! With each submission the service writes one small item per identifier it holds (the values of
//! the form's phone, e-mail and national-ID fields, and the follow-up contact), keyed by a SHA-256
//! of the identifier's normalised form: E.164 for a phone, the whole address in lower case for an
//! e-mail, the ten ASCII digits of an ID. The normalising is the forms crate's
//! ([`forms::normalise`]), the same that validation stores, so a number typed `٠٥٠ ١٢٣ ٤٥٦٧` by the
//! person and `+966501234567` by staff is one key.
//!
//! The hash is plain SHA-256 (with a domain prefix), not a keyed HMAC: a lookup item sits in the
//! same table as the submission that holds the identifier in clear, expires with it and is erased
//! with it, so a secret would hide nothing from whoever can read the table; and the staff command
//! and the inbox must compute the same key, so a secret would have to be handed to every
//! staff machine, and a lost or rotated one would orphan every key. Its use is that the table's
//! keys, which appear in metrics, traces and error reports, never show a phone number or an ID.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_dynamodb::types::AttributeValue;
use forms::normalise;
use forms::{FieldType, FormDef, Value};
use sha2::{Digest, Sha256};

use crate::table::{self, Item, PK, SK, TTL};

/// What kind of identifier a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Phone,
    Email,
    NationalId,
}

impl Kind {
    /// The kind of identifier a field of this type holds, if any.
    pub fn of(field: FieldType) -> Option<Kind> {
        match field {
            FieldType::Phone => Some(Kind::Phone),
            FieldType::Email => Some(Kind::Email),
            FieldType::NationalId => Some(Kind::NationalId),
            _ => None,
        }
    }

    /// The name used in keys and messages: `phone`, `email`, `id`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Phone => "phone",
            Kind::Email => "email",
            Kind::NationalId => "id",
        }
    }
}

/// One identifier of a person, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identifier {
    kind: Kind,
    value: String,
}

impl Identifier {
    /// An identifier as typed (by the person or by staff), normalised as validation normalises a
    /// field of its kind; `None` when it is not a valid value of that kind.
    pub fn parse(kind: Kind, text: &str) -> Option<Identifier> {
        let text = normalise::text(text, false).ok()?;
        let value = match kind {
            Kind::Phone => normalise::phone(&text)?,
            Kind::Email => normalise::email(&text)?.to_lowercase(),
            Kind::NationalId => normalise::national_id(&text)?,
        };
        Some(Identifier { kind, value })
    }

    /// The kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The normalised value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The partition key of this identifier's lookup items: `WHO#{sha-256 hex}`.
    pub fn pk(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"form-fn lookup v1\0");
        h.update(self.kind.as_str().as_bytes());
        h.update(b"\0");
        h.update(self.value.as_bytes());
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        format!("{}{hex}", table::LOOKUP_PREFIX)
    }

    /// Whether a stored value of this kind is this identifier.
    pub fn matches(&self, stored: &str) -> bool {
        Identifier::parse(self.kind, stored).is_some_and(|i| i == *self)
    }
}

/// Every identifier a submission holds: the values of its form's phone, e-mail and national-ID
/// fields, and its follow-up contact (a phone or an e-mail). Without the form's definition (a form
/// since removed from the content), only the contact.
pub fn identifiers(
    form: Option<&FormDef>,
    values: &BTreeMap<String, Value>,
    contacts: &[String],
) -> BTreeSet<Identifier> {
    let mut out = BTreeSet::new();
    for field in form.map(|f| f.fields.as_slice()).unwrap_or_default() {
        let (Some(kind), Some(value)) = (Kind::of(field.kind), values.get(&field.name)) else {
            continue;
        };
        let texts: Vec<&str> = match value {
            Value::One(v) => vec![v],
            Value::Many(vs) => vs.iter().map(String::as_str).collect(),
        };
        out.extend(texts.into_iter().filter_map(|t| Identifier::parse(kind, t)));
    }
    for c in contacts {
        out.extend(Identifier::parse(Kind::Phone, c).or_else(|| Identifier::parse(Kind::Email, c)));
    }
    out
}

/// The lookup item of `id` pointing at the submission `code` of `form`; it expires with it.
pub fn item(id: &Identifier, code: &str, form: &str, expires_at: u64) -> Item {
    let mut item = Item::new();
    item.insert(PK.to_string(), AttributeValue::S(id.pk()));
    item.insert(
        SK.to_string(),
        AttributeValue::S(table::submission_pk(code)),
    );
    item.insert("type".to_string(), AttributeValue::S("lookup".to_string()));
    item.insert("form".to_string(), AttributeValue::S(form.to_string()));
    item.insert(TTL.to_string(), AttributeValue::N(expires_at.to_string()));
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_number_in_any_writing_is_one_key() {
        let typed = Identifier::parse(Kind::Phone, "٠٥٠ ١٢٣ ٤٥٦٧").unwrap();
        for other in ["+966501234567", "0501234567", "00966 50 123 4567"] {
            assert_eq!(
                Identifier::parse(Kind::Phone, other).unwrap().pk(),
                typed.pk()
            );
        }
        assert!(typed.pk().starts_with("WHO#"));
        assert!(!typed.pk().contains("501234567"));
    }

    #[test]
    fn emails_match_whatever_their_case_and_ids_whatever_their_digits() {
        let a = Identifier::parse(Kind::Email, "Sara@Example.org").unwrap();
        assert_eq!(a.value(), "sara@example.org");
        assert!(a.matches("SARA@example.ORG"));
        let id = Identifier::parse(Kind::NationalId, "١٠٠٠٠٠٠٠٠٨").unwrap();
        assert_eq!(
            id,
            Identifier::parse(Kind::NationalId, "1000000008").unwrap()
        );
        assert_eq!(Identifier::parse(Kind::NationalId, "1000000009"), None);
    }

    #[test]
    fn kinds_never_share_a_key() {
        // The same text as an ID and as a phone of another country is two keys.
        let id = Identifier::parse(Kind::NationalId, "1000000008").unwrap();
        let phone = Identifier::parse(Kind::Phone, "+1 202 555 0143").unwrap();
        assert_ne!(id.pk(), phone.pk());
    }
}
