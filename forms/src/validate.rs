//! Checking a submission against its form's definition: every value normalised (see
//! [`normalise`](crate::normalise)), then held to the field's rules, with the definition's Arabic
//! message for each rule broken.
//!
//! The input is the list of `(name, value)` pairs the sender posted, in order (a multiple choice
//! posts its name once per ticked box). Fields the service itself reads (the spam trap, the
//! idempotency key) are taken out before.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dates::Day;
use crate::definition::{Field, FieldType, FormDef, MAX_FIELDS};
use crate::normalise::{self, Unsafe};

/// The most `(name, value)` pairs a submission may have: a form's fields, and the ticked boxes of
/// its multiple choices.
pub const MAX_VALUES: usize = 4 * MAX_FIELDS;

/// The earliest and latest years a date field accepts.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// A field's normalised value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    One(String),
    /// The ticked options of a multiple choice, in the definition's order.
    Many(Vec<String>),
}

impl Value {
    /// The value as one line of text (the options of a multiple choice joined by `، `).
    pub fn joined(&self) -> String {
        match self {
            Value::One(v) => v.clone(),
            Value::Many(vs) => vs.join("، "),
        }
    }
}

/// A submission that passed every rule: each filled-in field's normalised value. Optional fields
/// left empty are absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Submission {
    pub values: BTreeMap<String, Value>,
}

impl Submission {
    /// The values of the form's contact fields (each phone number or e-mail with which the sender
    /// can follow the request up), each in the form compared on follow-up
    /// ([`normalise::contact`]), in the form's order, each once.
    pub fn contacts(&self, form: &FormDef) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for field in form.contact_fields() {
            if let Some(Value::One(v)) = self.values.get(&field.name)
                && let Some(c) = normalise::contact(v)
                && !out.contains(&c)
            {
                out.push(c);
            }
        }
        out
    }
}

/// One rule broken: the field's name and the Arabic message that says how to put it right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Why a submission was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// More pairs than [`MAX_VALUES`] or more names than the form has fields: not a person's doing.
    TooManyFields,
    /// Rules broken, one message per field, in the form's order (unknown names last).
    Invalid(Vec<FieldError>),
}

/// The message for a value holding control or bidi-control characters.
pub fn msg_unsafe(field: &Field, why: Unsafe) -> String {
    match why {
        Unsafe::Control => format!(
            "يحتوي حقل «{}» على رموز تحكم غير مرئية لا تُقبل؛ احذفها أو اكتب القيمة من جديد",
            field.label
        ),
        Unsafe::Bidi => format!(
            "يحتوي حقل «{}» على رموز غير مرئية لتغيير اتجاه النص لا تُقبل؛ احذفها أو اكتب القيمة من جديد",
            field.label
        ),
        Unsafe::LineBreak => format!(
            "يُكتب حقل «{}» في سطر واحد؛ احذف فاصل السطر أو اكتب القيمة من جديد",
            field.label
        ),
        Unsafe::ZeroWidth => format!(
            "يحتوي حقل «{}» على رموز غير مرئية لا تُقبل؛ اكتب القيمة من جديد بلوحة المفاتيح دون لصقها",
            field.label
        ),
    }
}

/// The message for a name that is not one of the form's fields.
pub const MSG_UNKNOWN_FIELD: &str =
    "هذا الحقل ليس من حقول النموذج؛ حدّث صفحة النموذج وأرسله من جديد";

/// The key under which problems that belong to no field of the form are reported.
pub const FORM_KEY: &str = "_form";

/// Normalises and checks `pairs` against `form`.
pub fn validate(form: &FormDef, pairs: &[(String, String)]) -> Result<Submission, Refusal> {
    if pairs.len() > MAX_VALUES {
        return Err(Refusal::TooManyFields);
    }
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, value) in pairs {
        by_name.entry(name).or_default().push(value);
    }
    if by_name.len() > MAX_FIELDS.max(form.fields.len()) {
        return Err(Refusal::TooManyFields);
    }
    let mut errors = Vec::new();
    let mut out = Submission::default();
    for field in &form.fields {
        let raw = by_name.remove(field.name.as_str()).unwrap_or_default();
        if !asked(field, &out.values) {
            // Not asked for with the answers given (see `required_if`): whatever was sent for it
            // is dropped, neither checked nor stored.
            continue;
        }
        let required = field.required || field.required_if.is_some();
        match check_field(field, required, &raw) {
            Ok(Some(value)) => {
                out.values.insert(field.name.clone(), value);
            }
            Ok(None) => {}
            Err(message) => errors.push(FieldError {
                field: field.name.clone(),
                message,
            }),
        }
    }
    for name in by_name.keys() {
        let shown = if is_field_name(name) { name } else { FORM_KEY };
        if errors.iter().all(|e| e.field != shown) {
            errors.push(FieldError {
                field: shown.to_string(),
                message: MSG_UNKNOWN_FIELD.to_string(),
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Refusal::Invalid(errors))
    }
}

/// Whether `field` is asked for, given the valid answers to the fields above it: always, unless it
/// has a `required_if` whose field (always above it) was not given one of its answers.
fn asked(field: &Field, above: &BTreeMap<String, Value>) -> bool {
    let Some(cond) = &field.required_if else {
        return true;
    };
    match above.get(&cond.field) {
        Some(Value::One(v)) => cond.any_of.contains(v),
        Some(Value::Many(vs)) => vs.iter().any(|v| cond.any_of.contains(v)),
        None => false,
    }
}

/// Whether a posted name looks like a field name (so it is safe to echo back as a key).
fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// One field's value as typed (a multiple choice gives one text per ticked option), normalised and
/// held to the field's own rules, as [`validate`] holds it: `Ok(None)` when an optional field is
/// left empty, else the definition's message. For correcting one value of a stored submission.
pub fn field_value(field: &Field, raw: &[&str]) -> Result<Option<Value>, String> {
    check_field(field, field.required, raw)
}

/// One field: `Ok(None)` when an optional field is left empty.
fn check_field(field: &Field, required: bool, raw: &[&str]) -> Result<Option<Value>, String> {
    let multiline = field.kind == FieldType::Textarea;
    let mut values = Vec::with_capacity(raw.len());
    for r in raw {
        let v = normalise::text(r, multiline).map_err(|why| msg_unsafe(field, why))?;
        if !v.is_empty() {
            values.push(v);
        }
    }
    if values.is_empty() {
        return if required {
            Err(field.msg_required())
        } else {
            Ok(None)
        };
    }
    if field.kind == FieldType::Choice && field.multiple {
        // Ticked boxes, kept in the definition's order, each once.
        if values.iter().any(|v| field.option_label(v).is_none()) {
            return Err(field.msg_invalid());
        }
        let ticked = field
            .options
            .iter()
            .filter(|o| values.contains(&o.value))
            .map(|o| o.value.clone())
            .collect();
        return Ok(Some(Value::Many(ticked)));
    }
    if values.len() > 1 {
        return Err(field.msg_invalid());
    }
    let value = values.remove(0);
    let length = value.chars().count();
    let is_text = matches!(field.kind, FieldType::Text | FieldType::Textarea);
    if length > field.max_len() {
        // A phone number or a rating too long to be one is simply not one.
        return Err(if is_text {
            field.msg_too_long()
        } else {
            field.msg_invalid()
        });
    }
    if is_text && field.min_length.is_some_and(|min| length < min) {
        return Err(field.msg_too_short());
    }
    let typed = match field.kind {
        FieldType::Text | FieldType::Textarea => Some(value),
        FieldType::Phone => normalise::phone(&value),
        FieldType::Email => normalise::email(&value),
        FieldType::NationalId => normalise::national_id(&value),
        FieldType::Code => normalise::code(&value),
        FieldType::Choice => field.option_label(&value).is_some().then_some(value),
        FieldType::Rating => {
            let scale = field.scale.unwrap_or(5);
            normalise::ascii_digits(&value)
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=scale).contains(n))
                .map(|n| n.to_string())
        }
        FieldType::Date => Day::parse(&normalise::ascii_digits(&value))
            .filter(|d| YEARS.contains(&d.year))
            .map(|d| d.to_string()),
    };
    typed
        .map(|v| Some(Value::One(v)))
        .ok_or_else(|| field.msg_invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &str = "\
title: طلب
trackable: true
fields:
  - name: full_name
    label: الاسم الكامل
    type: text
    required: true
    min_length: 2
    max_length: 20
    messages:
      required: أدخل اسمك الكامل
      too_short: أدخل اسمك الكامل، حرفين على الأقل
      too_long: اختصر الاسم إلى 20 حرفًا أو أقل
  - name: national_id
    label: رقم الهوية
    type: national_id
    required: true
  - name: phone
    label: رقم الجوال
    type: phone
    required: true
    contact: true
    messages:
      invalid: أدخل رقم الجوال بصيغة صحيحة، مثل 0501234567
  - name: email
    label: البريد الإلكتروني
    type: email
  - name: category
    label: الفئة
    type: choice
    required: true
    options:
      - { value: training, label: التدريب }
      - { value: community, label: البرامج المجتمعية }
      - { value: other, label: أخرى }
  - name: services
    label: الخدمات
    type: choice
    multiple: true
    options:
      - { value: a, label: أ }
      - { value: b, label: ب }
  - name: sponsor_id
    label: رقم هوية المعيل
    type: national_id
    required_if: { field: category, any_of: [community, other] }
  - name: service_b_when
    label: موعد الخدمة ب
    type: date
    required_if:
      field: services
      any_of: [b]
  - name: overall
    label: الرضا العام
    type: rating
    scale: 5
  - name: visit
    label: تاريخ الزيارة
    type: date
  - name: details
    label: التفاصيل
    type: textarea
    max_length: 50
";

    fn form() -> FormDef {
        FormDef::from_yaml("request", "forms/request.yaml", FORM).unwrap()
    }

    fn good() -> Vec<(String, String)> {
        [
            ("full_name", "  سارة\u{00A0}العتيبي "),
            ("national_id", "١٠٠٠٠٠٠٠٠٨"),
            ("phone", "٠٥٠ ١٢٣ ٤٥٦٧"),
            ("email", ""),
            ("category", "training"),
            ("details", "سطر أول\r\nسطر ثانٍ"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn with(name: &str, value: &str) -> Vec<(String, String)> {
        let mut pairs: Vec<_> = good().into_iter().filter(|(k, _)| k != name).collect();
        pairs.push((name.to_string(), value.to_string()));
        pairs
    }

    fn errors(pairs: &[(String, String)]) -> Vec<(String, String)> {
        match validate(&form(), pairs) {
            Err(Refusal::Invalid(errs)) => errs.into_iter().map(|e| (e.field, e.message)).collect(),
            other => panic!("expected errors, got {other:?}"),
        }
    }

    fn one(field: &str, message: &str) -> Vec<(String, String)> {
        vec![(field.to_string(), message.to_string())]
    }

    #[test]
    fn a_good_submission_is_normalised() {
        let s = validate(&form(), &good()).unwrap();
        let v = |k: &str| s.values.get(k).cloned();
        assert_eq!(
            v("full_name"),
            Some(Value::One("سارة\u{00A0}العتيبي".into()))
        );
        assert_eq!(v("national_id"), Some(Value::One("1000000008".into())));
        assert_eq!(v("phone"), Some(Value::One("+966501234567".into())));
        assert_eq!(v("details"), Some(Value::One("سطر أول\nسطر ثانٍ".into())));
        assert_eq!(v("email"), None, "an optional field left empty is absent");
        assert_eq!(s.contacts(&form()), ["+966501234567"]);
    }

    #[test]
    fn a_missing_required_field_gets_its_message() {
        let pairs: Vec<_> = good()
            .into_iter()
            .filter(|(k, _)| k != "full_name")
            .collect();
        assert_eq!(errors(&pairs), one("full_name", "أدخل اسمك الكامل"));
        assert_eq!(
            errors(&with("full_name", "   ")),
            one("full_name", "أدخل اسمك الكامل")
        );
    }

    #[test]
    fn lengths_are_counted_in_characters_after_trimming() {
        assert_eq!(
            errors(&with("full_name", " س ")),
            one("full_name", "أدخل اسمك الكامل، حرفين على الأقل")
        );
        assert_eq!(
            errors(&with("full_name", &"ع".repeat(21))),
            one("full_name", "اختصر الاسم إلى 20 حرفًا أو أقل")
        );
        assert!(validate(&form(), &with("full_name", &"ع".repeat(20))).is_ok());
        assert_eq!(
            errors(&with("details", &"ن".repeat(51))),
            one(
                "details",
                "اختصر ما كتبته في حقل «التفاصيل» إلى 50 حرفًا أو أقل"
            )
        );
    }

    #[test]
    fn default_length_messages_count_characters_in_arabic_grammar() {
        let field = |min: usize, max: usize| {
            let yaml = format!(
                "title: ط\nfields:\n  - name: note\n    label: الملاحظة\n    type: text\n    min_length: {min}\n    max_length: {max}\n"
            );
            let form = FormDef::from_yaml("t", "forms/t.yaml", &yaml).unwrap();
            form.fields[0].clone()
        };
        let short = |min| field(min, 500).msg_too_short();
        assert_eq!(short(1), "اكتب في حقل «الملاحظة» ما لا يقل عن حرف واحد");
        assert_eq!(short(2), "اكتب في حقل «الملاحظة» ما لا يقل عن حرفين");
        assert_eq!(short(3), "اكتب في حقل «الملاحظة» ما لا يقل عن 3 أحرف");
        assert_eq!(short(11), "اكتب في حقل «الملاحظة» ما لا يقل عن 11 حرفًا");
        assert_eq!(short(100), "اكتب في حقل «الملاحظة» ما لا يقل عن 100 حرف");
        assert_eq!(
            field(1, 103).msg_too_long(),
            "اختصر ما كتبته في حقل «الملاحظة» إلى 103 أحرف أو أقل"
        );
    }

    #[test]
    fn a_question_label_is_asked_about_not_named() {
        let yaml = "title: ط\nfields:\n  - name: q\n    label: كيف تقيّم الخدمة؟\n    type: rating\n    scale: 5\n    required: true\n";
        let form = FormDef::from_yaml("t", "forms/t.yaml", yaml).unwrap();
        assert_eq!(
            form.fields[0].msg_required(),
            "اختر إجابة عن «كيف تقيّم الخدمة؟»"
        );
    }

    #[test]
    fn every_field_refuses_control_and_bidi_characters() {
        let errs = errors(&with("full_name", "سارة\u{202E}"));
        assert_eq!(errs[0].0, "full_name");
        assert!(errs[0].1.contains("اتجاه النص"), "{}", errs[0].1);
        let errs = errors(&with("phone", "0501234567\u{0000}"));
        assert!(errs[0].1.contains("رموز تحكم"), "{}", errs[0].1);
        let errs = errors(&with("category", "training\u{2066}"));
        assert_eq!(errs[0].0, "category");
        assert!(errs[0].1.contains("اتجاه النص"), "{}", errs[0].1);
    }

    #[test]
    fn phones_ids_and_emails_are_checked_with_the_definitions_messages() {
        assert_eq!(
            errors(&with("phone", "٠٥٠١٢")),
            one("phone", "أدخل رقم الجوال بصيغة صحيحة، مثل 0501234567")
        );
        assert_eq!(
            errors(&with("national_id", "1000000009")),
            one(
                "national_id",
                "أدخل رقم هوية وطنية أو إقامة صحيحًا من 10 أرقام يبدأ بـ 1 أو 2"
            )
        );
        assert_eq!(
            errors(&with("email", "سارة@")),
            one("email", "أدخل بريدًا إلكترونيًا صحيحًا، مثل name@example.com")
        );
        let s = validate(&form(), &with("email", " Sara@Example.org ")).unwrap();
        assert_eq!(s.values["email"], Value::One("Sara@example.org".into()));
    }

    #[test]
    fn a_choice_must_be_one_of_its_options() {
        assert_eq!(
            errors(&with("category", "تدريب")),
            one("category", "اختر الفئة من الخيارات المعروضة")
        );
        let mut twice = good();
        twice.push(("category".into(), "other".into()));
        assert_eq!(
            errors(&twice),
            one("category", "اختر الفئة من الخيارات المعروضة")
        );
    }

    #[test]
    fn a_multiple_choice_keeps_the_ticked_options_in_order() {
        let mut pairs = good();
        pairs.push(("services".into(), "b".into()));
        pairs.push(("services".into(), "a".into()));
        pairs.push(("service_b_when".into(), "2025-10-20".into()));
        let s = validate(&form(), &pairs).unwrap();
        assert_eq!(
            s.values["services"],
            Value::Many(vec!["a".into(), "b".into()])
        );
        pairs.push(("services".into(), "c".into()));
        assert_eq!(
            errors(&pairs),
            one("services", "اختر الخدمات من الخيارات المعروضة")
        );
    }

    #[test]
    fn a_rating_is_within_its_scale_in_any_digits() {
        let s = validate(&form(), &with("overall", "٤")).unwrap();
        assert_eq!(s.values["overall"], Value::One("4".into()));
        for bad in ["0", "6", "٦", "ممتاز", "-1"] {
            assert_eq!(
                errors(&with("overall", bad)),
                one("overall", "اختر الرضا العام من الخيارات المعروضة"),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_date_is_a_real_plausible_iso_day() {
        let s = validate(&form(), &with("visit", "٢٠٢٥-١٠-٢٠")).unwrap();
        assert_eq!(s.values["visit"], Value::One("2025-10-20".into()));
        for bad in ["2025-02-30", "20/10/2025", "1800-01-01", "2025-1-2"] {
            assert_eq!(
                errors(&with("visit", bad)),
                one("visit", "أدخل تاريخًا صحيحًا، مثل 2025-10-20"),
                "{bad}"
            );
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert_eq!(
            errors(&with("nickname", "سوسو")),
            one("nickname", MSG_UNKNOWN_FIELD)
        );
        assert_eq!(errors(&with("<b>", "x")), one(FORM_KEY, MSG_UNKNOWN_FIELD));
    }

    #[test]
    fn too_many_fields_are_refused_whole() {
        let mut pairs = good();
        for i in 0..MAX_VALUES {
            pairs.push((format!("f{i}"), "x".into()));
        }
        assert_eq!(validate(&form(), &pairs), Err(Refusal::TooManyFields));
        let names: Vec<_> = (0..=MAX_FIELDS)
            .map(|i| (format!("f{i}"), "x".to_string()))
            .collect();
        assert_eq!(validate(&form(), &names), Err(Refusal::TooManyFields));
    }

    #[test]
    fn every_error_is_reported_at_once_in_the_forms_order() {
        let errs = errors(&[("phone".into(), "x".into())]);
        let fields: Vec<_> = errs.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(fields, ["full_name", "national_id", "phone", "category"]);
    }

    #[test]
    fn a_conditional_field_is_required_only_for_the_answers_it_names() {
        let community = with("category", "community");
        assert_eq!(
            errors(&community),
            one("sponsor_id", "أدخل رقم هوية المعيل")
        );
        let mut given = community.clone();
        given.push(("sponsor_id".into(), "٢٠٠٠٠٠٠٠٠٦".into()));
        let s = validate(&form(), &given).unwrap();
        assert_eq!(s.values["sponsor_id"], Value::One("2000000006".into()));
        let mut wrong = community;
        wrong.push(("sponsor_id".into(), "2000000007".into()));
        assert_eq!(
            errors(&wrong),
            one(
                "sponsor_id",
                "أدخل رقم هوية وطنية أو إقامة صحيحًا من 10 أرقام يبدأ بـ 1 أو 2"
            )
        );
        // "other" is named too; "training" is not, so there it is neither required nor checked.
        assert_eq!(errors(&with("category", "other"))[0].0, "sponsor_id");
        assert!(validate(&form(), &good()).is_ok());
        // An answer that is not one of the options asks for nothing more than to be put right.
        assert_eq!(
            errors(&with("category", "Community")),
            one("category", "اختر الفئة من الخيارات المعروضة")
        );
    }

    #[test]
    fn a_value_sent_for_a_field_not_asked_for_is_dropped_unchecked() {
        for sent in ["2000000006", "not an id"] {
            let mut pairs = good();
            pairs.push(("sponsor_id".into(), sent.into()));
            let s = validate(&form(), &pairs).unwrap();
            assert!(!s.values.contains_key("sponsor_id"), "{sent} is not kept");
        }
    }

    #[test]
    fn a_condition_on_a_multiple_choice_is_met_by_any_ticked_box() {
        let mut pairs = good();
        pairs.push(("services".into(), "a".into()));
        assert!(validate(&form(), &pairs).is_ok(), "a alone: not asked");
        pairs.push(("services".into(), "b".into()));
        assert_eq!(errors(&pairs), one("service_b_when", "أدخل موعد الخدمة ب"));
        pairs.push(("service_b_when".into(), "2025-10-20".into()));
        let s = validate(&form(), &pairs).unwrap();
        assert_eq!(s.values["service_b_when"], Value::One("2025-10-20".into()));
    }

    #[test]
    fn every_contact_given_is_kept_normalised_once() {
        let text = FORM.replace("    type: email\n", "    type: email\n    contact: true\n");
        let form = FormDef::from_yaml("request", "forms/request.yaml", &text).unwrap();
        let s = validate(&form, &with("email", "  Sara.Ali@Example.ORG ")).unwrap();
        assert_eq!(
            s.values["email"],
            Value::One("Sara.Ali@example.org".into()),
            "the value is kept as written, its domain in lower case"
        );
        assert_eq!(s.contacts(&form), ["+966501234567", "sara.ali@example.org"]);
        let s = validate(&form, &good()).unwrap();
        assert_eq!(s.contacts(&form), ["+966501234567"], "an e-mail left empty");
    }

    #[test]
    fn script_tags_are_kept_as_text() {
        let s = validate(&form(), &with("details", "<script>alert(1)</script>")).unwrap();
        assert_eq!(
            s.values["details"],
            Value::One("<script>alert(1)</script>".into())
        );
    }
}
