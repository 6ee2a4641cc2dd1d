//! A form's definition (`content/forms/{id}.yaml`): its fields, their Arabic labels, hints, rules
//! and messages. The site renders the HTML form from it; the service validates against it.

use serde::{Deserialize, Serialize};

use crate::plural::{self, ArabicNoun, CHARACTERS, Case};
use crate::site::Digits;
use crate::source::{SourceError, Text, locate_key};

/// Fields of a form, counted in messages.
const FIELDS: ArabicNoun = ArabicNoun {
    one: "حقل واحد",
    two: "حقلان",
    two_oblique: "حقلين",
    plural: "حقول",
    accusative: "حقلًا",
    genitive: "حقل",
};

/// Labels (of a rating's points), counted in messages.
const LABELS: ArabicNoun = ArabicNoun {
    one: "وصف واحد",
    two: "وصفان",
    two_oblique: "وصفين",
    plural: "أوصاف",
    accusative: "وصفًا",
    genitive: "وصف",
};

/// What kind of value a field holds; decides the HTML input and the validation rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Textarea,
    Phone,
    Email,
    /// A Saudi national ID or iqama number (10 digits with a check digit).
    NationalId,
    Choice,
    Rating,
    Date,
    /// A tracking code given by the service (used by the follow-up form).
    Code,
}

impl FieldType {
    /// The HTML `<input type>` for single-line fields.
    pub fn input_type(self) -> &'static str {
        match self {
            FieldType::Phone => "tel",
            FieldType::Email => "email",
            FieldType::Date => "date",
            _ => "text",
        }
    }

    /// The HTML `inputmode`, where it helps the phone keyboard.
    pub fn input_mode(self) -> Option<&'static str> {
        match self {
            FieldType::Phone => Some("tel"),
            FieldType::Email => Some("email"),
            FieldType::NationalId => Some("numeric"),
            _ => None,
        }
    }

    /// Whether the value is written left to right even inside Arabic text.
    pub fn is_ltr(self) -> bool {
        matches!(
            self,
            FieldType::Phone | FieldType::Email | FieldType::NationalId | FieldType::Code
        )
    }

    /// The default `autocomplete` token.
    pub fn autocomplete(self) -> Option<&'static str> {
        match self {
            FieldType::Phone => Some("tel"),
            FieldType::Email => Some("email"),
            FieldType::Code | FieldType::NationalId => Some("off"),
            _ => None,
        }
    }

    /// The most characters a value may have when the definition sets no `max_length`.
    pub fn default_max_length(self) -> usize {
        match self {
            FieldType::Textarea => 4000,
            FieldType::Email => 254,
            FieldType::Phone => 32,
            FieldType::NationalId => 20,
            FieldType::Code => 32,
            FieldType::Date => 10,
            FieldType::Rating => 2,
            FieldType::Text | FieldType::Choice => 200,
        }
    }
}

/// What a form is for: it decides the statuses a submission goes through (see
/// [`Status::applies_to`](crate::Status::applies_to)) and the words its confirmation and follow-up
/// use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// A request for a service or help: accepted or declined, then completed.
    #[default]
    Request,
    /// A note, complaint or suggestion: dealt with, then closed; never "accepted".
    Feedback,
    /// An anonymous survey: not followed up, no status.
    Survey,
}

/// One allowed value of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub label: String,
    /// Optional Markdown shown under the option's label.
    #[serde(default)]
    pub hint: Option<String>,
}

/// The Arabic message for each rule; a rule left out gets a default made from the label.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    pub required: Option<String>,
    pub too_short: Option<String>,
    pub too_long: Option<String>,
    pub invalid: Option<String>,
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// ASCII identifier, unique in its form; the HTML `name` and `id`.
    pub name: String,
    pub label: String,
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub min_length: Option<usize>,
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub options: Vec<Choice>,
    #[serde(default)]
    pub multiple: bool,
    #[serde(default)]
    pub scale: Option<u8>,
    /// A rating's words for each point of its scale, from 1 up (one per point), saying what the
    /// point means for the thing rated: «ضعيفة جدًا» … «ممتازة».
    #[serde(default)]
    pub scale_labels: Vec<String>,
    /// Marks the phone or e-mail asked for again when the sender follows the request up.
    #[serde(default)]
    pub contact: bool,
    #[serde(default)]
    pub autocomplete: Option<String>,
    #[serde(default)]
    pub messages: Messages,
}

impl Field {
    /// The most characters the value may have.
    pub fn max_len(&self) -> usize {
        self.max_length
            .unwrap_or_else(|| self.kind.default_max_length())
    }

    /// The `autocomplete` token: the definition's, else the type's default.
    pub fn autocomplete_token(&self) -> Option<&str> {
        self.autocomplete.as_deref().or(self.kind.autocomplete())
    }

    /// Message when a required field is empty.
    pub fn msg_required(&self) -> String {
        self.messages
            .required
            .clone()
            .unwrap_or_else(|| match self.kind {
                FieldType::Choice | FieldType::Rating => format!("اختر {}", self.object()),
                _ if self.is_question() => format!("اكتب {}", self.object()),
                _ => format!("أدخل {}", self.label),
            })
    }

    /// Whether the label is a question («ما مدى…؟») rather than the name of a thing.
    fn is_question(&self) -> bool {
        self.label.trim_end().ends_with(['؟', '?'])
    }

    /// The field as the object of a verb: «الفئة», or «إجابة عن «ما مدى…؟»» for a question.
    fn object(&self) -> String {
        if self.is_question() {
            format!("إجابة عن «{}»", self.label)
        } else {
            self.label.clone()
        }
    }

    /// Message when the value is shorter than `min_length`.
    pub fn msg_too_short(&self) -> String {
        self.messages.too_short.clone().unwrap_or_else(|| {
            let min = self.min_length.unwrap_or(0) as u64;
            format!(
                "اكتب في حقل «{}» ما لا يقل عن {}",
                self.label,
                plural::count_noun(min, &CHARACTERS, Case::Oblique, Digits::Western)
            )
        })
    }

    /// Message when the value is longer than the cap.
    pub fn msg_too_long(&self) -> String {
        self.messages.too_long.clone().unwrap_or_else(|| {
            format!(
                "اختصر ما كتبته في حقل «{}» إلى {} أو أقل",
                self.label,
                plural::count_noun(
                    self.max_len() as u64,
                    &CHARACTERS,
                    Case::Oblique,
                    Digits::Western
                )
            )
        })
    }

    /// Message when the value is not of the field's form.
    pub fn msg_invalid(&self) -> String {
        self.messages
            .invalid
            .clone()
            .unwrap_or_else(|| match self.kind {
                FieldType::Phone => "أدخل رقم جوال صحيحًا، مثل 0501234567".to_string(),
                FieldType::Email => "أدخل بريدًا إلكترونيًا صحيحًا، مثل name@example.com".to_string(),
                FieldType::NationalId => {
                    "أدخل رقم هوية وطنية أو إقامة صحيحًا من 10 أرقام يبدأ بـ 1 أو 2".to_string()
                }
                FieldType::Date => "أدخل تاريخًا صحيحًا، مثل 2025-10-20".to_string(),
                FieldType::Choice | FieldType::Rating => {
                    format!("اختر {} من الخيارات المعروضة", self.object())
                }
                FieldType::Code => "أدخل رمز المتابعة كما وصلك".to_string(),
                FieldType::Text | FieldType::Textarea => {
                    format!("اكتب في حقل «{}» نصًا بلا رموز تحكم", self.label)
                }
            })
    }

    /// The label of a choice's value, if it is one of the field's options.
    pub fn option_label(&self, value: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|c| c.value == value)
            .map(|c| c.label.as_str())
    }
}

/// A form: what the sender fills in and what the service answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FormDef {
    /// The file name without `.yaml`; the form's address is `/forms/{id}/`.
    #[serde(default)]
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "default_submit")]
    pub submit: String,
    /// What the form is for (`request`, `feedback` or `survey`).
    #[serde(default)]
    pub kind: FormKind,
    /// The sender gets a tracking code and can follow the request up.
    #[serde(default)]
    pub trackable: bool,
    /// The policy's promised answer period, in days.
    #[serde(default)]
    pub response_days: Option<u32>,
    /// How long a submission is kept, in days.
    #[serde(default = "default_retention")]
    pub retention_days: u32,
    /// Markdown for the confirmation page: what happens next.
    #[serde(default)]
    pub next_steps: Option<String>,
    pub fields: Vec<Field>,
}

fn default_submit() -> String {
    "إرسال".to_string()
}

fn default_retention() -> u32 {
    1095
}

/// The name of the hidden field that people never fill in and robots do.
pub const HONEYPOT: &str = "website";

/// The most fields a form may define.
pub const MAX_FIELDS: usize = 50;

impl FormDef {
    /// Parses and checks a definition; `id` is its file name without `.yaml`, `file` names it in
    /// errors. Every problem found is returned, each with its place.
    pub fn from_yaml(id: &str, file: &str, text: &str) -> Result<Self, Vec<SourceError>> {
        let mut def: FormDef =
            serde_norway::from_str(text).map_err(|e| vec![SourceError::from_yaml(file, &e, 0)])?;
        let mut errors = Vec::new();
        let mut err = |key: &str, after: Option<&str>, msg: Text| {
            let (l, c) = locate_key(text, key, after);
            errors.push(SourceError::new(file, l, c, msg));
        };
        if !def.id.is_empty() && def.id != id {
            err(
                "id",
                None,
                Text::new(
                    format!(
                        "المعرّف {:?} يخالف اسم الملف {id:?}: احذفه أو اجعلهما واحدًا",
                        def.id
                    ),
                    format!(
                        "id {:?} differs from the file name {id:?}: remove it or make them equal",
                        def.id
                    ),
                ),
            );
        }
        def.id = id.to_string();
        if !is_identifier(id) {
            err(
                "title",
                None,
                Text::new(
                    format!("اسم الملف {id:?} يُكتب بحروف إنجليزية صغيرة وأرقام والشرطة - فقط"),
                    format!("the file name {id:?} must be lower-case ASCII letters, digits and -"),
                ),
            );
        }
        if def.fields.is_empty() {
            err(
                "fields",
                None,
                Text::new(
                    "لا بد للنموذج من حقل واحد على الأقل",
                    "a form needs at least one field",
                ),
            );
        }
        if def.fields.len() > MAX_FIELDS {
            err(
                "fields",
                None,
                Text::new(
                    format!(
                        "لا يزيد النموذج على {}",
                        plural::count_noun(
                            MAX_FIELDS as u64,
                            &FIELDS,
                            Case::Oblique,
                            Digits::Western
                        )
                    ),
                    format!("a form may have at most {MAX_FIELDS} fields"),
                ),
            );
        }
        let mut seen = std::collections::HashSet::new();
        let mut contacts = 0;
        for f in &def.fields {
            let at = Some(format!("name: {}", f.name));
            let at = at.as_deref();
            let name = &f.name;
            if !is_identifier(name) || name.contains('-') {
                err(
                    "name",
                    at,
                    Text::new(
                        format!("اسم الحقل {name:?} يُكتب بحروف إنجليزية صغيرة وأرقام و_ فقط"),
                        format!(
                            "field name {name:?} must be lower-case ASCII letters, digits and _"
                        ),
                    ),
                );
            }
            if name == HONEYPOT {
                err(
                    "name",
                    at,
                    Text::new(
                        format!("اسم الحقل {HONEYPOT:?} محجوز لمصيدة الرسائل الآلية"),
                        format!("field name {HONEYPOT:?} is reserved for the spam trap"),
                    ),
                );
            }
            if !seen.insert(name.as_str()) {
                err(
                    "name",
                    at,
                    Text::new(
                        format!("اسم الحقل {name:?} مستعمل مرتين في هذا النموذج"),
                        format!("field name {name:?} is used twice in this form"),
                    ),
                );
            }
            match f.kind {
                FieldType::Choice if f.options.is_empty() => err(
                    "type",
                    at,
                    Text::new(
                        format!("حقل الاختيار {name:?} يحتاج إلى `options`"),
                        format!("choice field {name:?} needs `options`"),
                    ),
                ),
                FieldType::Rating if !matches!(f.scale, Some(2..=10)) => err(
                    "type",
                    at,
                    Text::new(
                        format!("حقل التقييم {name:?} يحتاج إلى `scale` من 2 إلى 10"),
                        format!("rating field {name:?} needs `scale` from 2 to 10"),
                    ),
                ),
                _ => {}
            }
            if !f.scale_labels.is_empty()
                && (f.kind != FieldType::Rating || f.scale != Some(f.scale_labels.len() as u8))
            {
                let given = f.scale_labels.len() as u64;
                err(
                    "scale_labels",
                    at,
                    Text::new(
                        format!(
                            "`scale_labels` في الحقل {name:?} تحتاج إلى وصف لكل درجة من درجات `scale` في حقل تقييم (المكتوب {})",
                            plural::count_noun(given, &LABELS, Case::Nominative, Digits::Western)
                        ),
                        format!(
                            "`scale_labels` of field {name:?} needs one label per point of a rating's `scale` ({given} given)"
                        ),
                    ),
                );
            }
            if f.kind != FieldType::Choice && !f.options.is_empty() {
                err(
                    "options",
                    at,
                    Text::new(
                        format!("حقول الاختيار وحدها لها `options` (الحقل {name:?})"),
                        format!("only choice fields have `options` (field {name:?})"),
                    ),
                );
            }
            let mut values = std::collections::HashSet::new();
            for o in &f.options {
                if !values.insert(o.value.as_str()) {
                    err(
                        "value",
                        Some(&format!("value: {}", o.value)),
                        Text::new(
                            format!("قيمة الخيار {:?} مستعملة مرتين", o.value),
                            format!("option value {:?} is used twice", o.value),
                        ),
                    );
                }
            }
            if f.contact {
                contacts += 1;
                if !matches!(f.kind, FieldType::Phone | FieldType::Email) {
                    err(
                        "contact",
                        at,
                        Text::new(
                            format!(
                                "حقل التواصل لا يكون إلا رقم جوال أو بريدًا إلكترونيًا (الحقل {name:?})"
                            ),
                            format!(
                                "only a phone or e-mail field can be the contact (field {name:?})"
                            ),
                        ),
                    );
                }
            }
            if let (Some(min), Some(max)) = (f.min_length, f.max_length)
                && min > max
            {
                err(
                    "min_length",
                    at,
                    Text::new(
                        format!("min_length ({min}) أكبر من max_length ({max})"),
                        format!("min_length {min} is more than max_length {max}"),
                    ),
                );
            }
        }
        if def.kind == FormKind::Survey && def.trackable {
            err(
                "trackable",
                None,
                Text::new(
                    "الاستبيان لا يُتابَع: احذف `trackable: true`، أو اجعل `kind: request` أو `kind: feedback`",
                    "a survey is not followed up: remove `trackable: true`, or set `kind: request` or `kind: feedback`",
                ),
            );
        }
        if def.trackable && contacts != 1 {
            err(
                "trackable",
                None,
                Text::new(
                    "النموذج الذي يُتابَع يحتاج إلى حقل واحد فقط، رقم جوال أو بريد إلكتروني، فيه `contact: true`، يُطلب مرة أخرى عند المتابعة",
                    "a trackable form needs exactly one phone or e-mail field with `contact: true`, asked for again on follow-up",
                ),
            );
        }
        if errors.is_empty() {
            Ok(def)
        } else {
            Err(errors)
        }
    }

    /// The field with this name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The field asked for again on follow-up.
    pub fn contact_field(&self) -> Option<&Field> {
        self.fields.iter().find(|f| f.contact)
    }

    /// The follow-up form, for requests and feedback alike: the tracking code and the phone number
    /// or e-mail given when it was sent.
    /// It is part of the product, not of an association's content.
    pub fn track() -> Self {
        let field = |name: &str, label: &str, hint: &str, kind, required: &str| Field {
            name: name.to_string(),
            label: label.to_string(),
            hint: Some(hint.to_string()),
            kind,
            required: true,
            min_length: None,
            max_length: None,
            options: Vec::new(),
            multiple: false,
            scale: None,
            scale_labels: Vec::new(),
            contact: false,
            autocomplete: None,
            messages: Messages {
                required: Some(required.to_string()),
                ..Messages::default()
            },
        };
        FormDef {
            id: "track".to_string(),
            title: "متابعة طلب أو رسالة".to_string(),
            description: Some("أدخل رمز المتابعة الذي وصلك عند الإرسال، ورقم الجوال أو البريد الإلكتروني الذي كتبته عند الإرسال.".to_string()),
            submit: "اعرض الحالة".to_string(),
            kind: FormKind::Request,
            trackable: false,
            response_days: None,
            retention_days: 0,
            next_steps: None,
            fields: vec![
                field("code", "رمز المتابعة", "مثل K7M4-Q9TX-3HRP", FieldType::Code, "أدخل رمز المتابعة كما وصلك"),
                field(
                    "contact",
                    "رقم الجوال أو البريد الإلكتروني",
                    "كما كتبته عند الإرسال",
                    FieldType::Text,
                    "أدخل رقم الجوال أو البريد الإلكتروني الذي كتبته عند الإرسال",
                ),
            ],
        }
    }
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
title: طلب
trackable: true
fields:
  - name: phone
    label: رقم الجوال
    type: phone
    required: true
    contact: true
  - name: kind
    label: النوع
    type: choice
    options:
      - { value: a, label: أ }
";

    #[test]
    fn parses_a_good_definition() {
        let f = FormDef::from_yaml("request", "forms/request.yaml", GOOD).unwrap();
        assert_eq!(f.id, "request");
        assert_eq!(f.contact_field().unwrap().name, "phone");
        assert_eq!(f.field("kind").unwrap().option_label("a"), Some("أ"));
        assert_eq!(
            f.field("phone").unwrap().msg_invalid(),
            "أدخل رقم جوال صحيحًا، مثل 0501234567"
        );
    }

    #[test]
    fn an_unknown_type_is_reported_at_its_line() {
        let text = GOOD.replace("type: choice", "type: dropdown");
        let errs = FormDef::from_yaml("request", "forms/request.yaml", &text).unwrap_err();
        assert_eq!(errs[0].line, 11, "{}", errs[0]);
        assert!(errs[0].message.en.contains("dropdown"), "{}", errs[0]);
        assert!(errs[0].message.ar.contains("dropdown"), "{}", errs[0]);
    }

    #[test]
    fn every_semantic_problem_is_reported_with_its_place() {
        let text = GOOD
            .replace("contact: true", "contact: false")
            .replace("options:\n      - { value: a, label: أ }\n", "");
        let errs = FormDef::from_yaml("request", "forms/request.yaml", &text).unwrap_err();
        let lines: Vec<_> = errs
            .iter()
            .map(|e| (e.line, e.message.en.as_str()))
            .collect();
        assert_eq!(errs.len(), 2, "{lines:?}");
        assert!(
            errs.iter()
                .any(|e| e.line == 11 && e.message.en.contains("needs `options`")),
            "{lines:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.line == 2 && e.message.ar.contains("contact: true")),
            "{lines:?}"
        );
    }

    #[test]
    fn the_track_form_is_valid_by_its_own_rules() {
        let t = FormDef::track();
        assert_eq!(t.fields.len(), 2);
        assert!(t.fields.iter().all(|f| f.required));
    }
}
