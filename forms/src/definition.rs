//! A form's definition (`content/forms/{id}.yaml`): its fields, their Arabic labels, hints, rules
//! and messages. The site renders the HTML form from it; the service validates against it.

use serde::{Deserialize, Serialize};

use crate::digits::Digits;
use crate::plural::{self, ArabicNoun, CHARACTERS, Case};
use crate::response::Response;
use crate::source::{SourceError, Text, locate_in, locate_key};

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

    /// Whether a value of this type is personal data: names and free text, phone numbers,
    /// e-mail addresses, ID numbers and dates. Choices, ratings and tracking codes are not.
    pub fn is_personal(self) -> bool {
        !matches!(
            self,
            FieldType::Choice | FieldType::Rating | FieldType::Code
        )
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

/// When a field is asked for: only when an earlier choice field of the form has one of the given
/// answers (`required_if: { field: category, any_of: [community] }`). The field is then required;
/// otherwise it is not asked for, and a value sent for it anyway is dropped, never stored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The name of an earlier choice field of the same form.
    pub field: String,
    /// The option values of that field for which this field is required.
    pub any_of: Vec<String>,
}

impl Condition {
    /// What the form says beside the field, without script: "مطلوب إذا اخترت «أ» أو «ب» في «الفئة»",
    /// where `other` is the field the condition names.
    pub fn describe(&self, other: &Field) -> String {
        let answers: Vec<String> = self
            .any_of
            .iter()
            .map(|v| format!("«{}»", other.option_label(v).unwrap_or(v)))
            .collect();
        format!(
            "مطلوب إذا اخترت {} في «{}»",
            answers.join(" أو "),
            other.label
        )
    }
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
    /// Required only for some answers of an earlier choice field, and asked for only then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_if: Option<Condition>,
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
    /// Marks a phone or e-mail with which the sender can follow the request up; a form may have
    /// several (the phone, and the e-mail when given).
    #[serde(default)]
    pub contact: bool,
    /// Marks the required check box by which the sender agrees to the use of their data; the
    /// form shows the retention period and the privacy notice's link beside it.
    #[serde(default)]
    pub consent: bool,
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
    /// What the association uses the data for, shown in the privacy notice; needed when the form
    /// collects personal data.
    #[serde(default)]
    pub purpose: Option<String>,
    /// What the form is for (`request`, `feedback` or `survey`).
    #[serde(default)]
    pub kind: FormKind,
    /// The sender gets a tracking code and can follow the request up.
    #[serde(default)]
    pub trackable: bool,
    /// The sender also passes the challenge of the provider named in `site.yaml` (`captcha:`),
    /// verified by the service before anything is stored. Off by default.
    #[serde(default)]
    pub captcha: bool,
    /// How soon the association answers, as its text says: a promise or a minimum.
    #[serde(default)]
    pub response: Option<Response>,
    /// How long a submission is kept, in days.
    #[serde(default = "default_retention")]
    pub retention_days: u32,
    /// Markdown for the confirmation page: what happens next.
    #[serde(default)]
    pub next_steps: Option<String>,
    /// Who among the staff hears of each new submission by e-mail ([`crate::notify`]).
    #[serde(default)]
    pub notify: Option<crate::notify::Notify>,
    pub fields: Vec<Field>,
}

fn default_submit() -> String {
    "إرسال".to_string()
}

fn default_retention() -> u32 {
    1095
}

/// The name of the hidden field that people never fill in and robots do: a name no browser's
/// autofill recognises (a field called `website` or `url` gets filled in with the person's own).
pub const HONEYPOT: &str = "nf_q7";

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
        let mut errors_cond = Vec::new();
        for (index, f) in def.fields.iter().enumerate() {
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
            if let Some(cond) = &f.required_if {
                let earlier = &def.fields[..index];
                let mut at_cond = |needle: &str, msg: Text| {
                    let (l, c) = locate_in(text, "required_if", at, needle);
                    errors_cond.push(SourceError::new(file, l, c, msg));
                };
                if f.required {
                    at_cond(
                        "required_if",
                        Text::new(
                            format!(
                                "للحقل {:?} `required: true` و`required_if` معًا: أبقِ واحدًا منهما",
                                f.name
                            ),
                            format!(
                                "field {:?} has both `required: true` and `required_if`: keep one",
                                f.name
                            ),
                        ),
                    );
                }
                let choices: Vec<&str> = earlier
                    .iter()
                    .filter(|e| e.kind == FieldType::Choice)
                    .map(|e| e.name.as_str())
                    .collect();
                let choices = if choices.is_empty() {
                    "(none)".to_string()
                } else {
                    choices.join(", ")
                };
                match earlier.iter().find(|e| e.name == cond.field) {
                    None => at_cond(
                        &cond.field,
                        Text::new(
                            format!(
                                "`required_if` يسمّي {:?}، وليس حقلًا فوق {:?}؛ المتوقع أحد حقول الاختيار فوقه: {}",
                                cond.field, f.name, choices
                            ),
                            format!(
                                "`required_if` names {:?}, which is not a field above {:?}; expected one of the choice fields above it: {}",
                                cond.field, f.name, choices
                            ),
                        ),
                    ),
                    Some(other) if other.kind != FieldType::Choice => at_cond(
                        &cond.field,
                        Text::new(
                            format!(
                                "`required_if` يسمّي حقل اختيار، و{:?} ليس كذلك (المتوقع واحد من: {})",
                                cond.field, choices
                            ),
                            format!(
                                "`required_if` must name a choice field; {:?} is not one (expected one of: {})",
                                cond.field, choices
                            ),
                        ),
                    ),
                    Some(other) if other.required_if.is_some() => at_cond(
                        &cond.field,
                        Text::new(
                            format!(
                                "`required_if` يسمّي {:?}، وله `required_if` هو أيضًا؛ سمِّ حقلًا يُطلب دائمًا",
                                cond.field
                            ),
                            format!(
                                "`required_if` names {:?}, which has a `required_if` of its own; name a field that is always asked for",
                                cond.field
                            ),
                        ),
                    ),
                    Some(other) => {
                        if cond.any_of.is_empty() {
                            at_cond(
                                "any_of",
                                Text::new(
                                    "يحتاج `any_of` إلى قيمة خيار واحدة على الأقل",
                                    "`any_of` needs at least one option value",
                                ),
                            );
                        }
                        for v in &cond.any_of {
                            if other.option_label(v).is_none() {
                                let values: Vec<&str> =
                                    other.options.iter().map(|o| o.value.as_str()).collect();
                                at_cond(
                                    v,
                                    Text::new(
                                        format!(
                                            "{v:?} ليس من خيارات {:?}؛ المتوقع واحد من: {}",
                                            cond.field,
                                            values.join(", ")
                                        ),
                                        format!(
                                            "{v:?} is not an option of {:?}; expected one of: {}",
                                            cond.field,
                                            values.join(", ")
                                        ),
                                    ),
                                );
                            }
                        }
                    }
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
        let consents: Vec<&Field> = def.fields.iter().filter(|f| f.consent).collect();
        for f in &consents {
            if f.kind != FieldType::Choice || !f.required || f.options.len() != 1 {
                err(
                    "consent",
                    Some(&format!("name: {}", f.name)),
                    Text::new(
                        format!(
                            "لا تكون الموافقة إلا حقل اختيار مطلوبًا له خيار واحد (الحقل {:?})",
                            f.name
                        ),
                        format!(
                            "only a required choice field with one option can be the consent (field {:?})",
                            f.name
                        ),
                    ),
                );
            }
        }
        if consents.len() > 1 {
            err(
                "consent",
                Some(&format!("name: {}", consents[1].name)),
                Text::new(
                    "للنموذج حقل واحد على الأكثر فيه `consent: true`",
                    "a form has at most one field with `consent: true`",
                ),
            );
        }
        if let Some(r) = &def.response
            && r.days == 0
        {
            err(
                "days",
                Some("response:"),
                Text::new(
                    "أيام الرد (`days`) يوم واحد أو أكثر",
                    "response days must be 1 or more",
                ),
            );
        }
        if def.trackable && contacts == 0 {
            err(
                "trackable",
                None,
                Text::new(
                    "النموذج الذي يُتابَع يحتاج إلى حقل رقم جوال أو بريد إلكتروني فيه `contact: true`، يُطلب مرة أخرى عند المتابعة",
                    "a trackable form needs a phone or e-mail field with `contact: true`, asked for again on follow-up",
                ),
            );
        }
        if def.retention_days == 0 {
            err(
                "retention_days",
                None,
                Text::new(
                    "أقل `retention_days` يوم واحد: السجل المحفوظ 0 يوم يُحذف وقت حفظه",
                    "retention_days must be at least 1: a record kept 0 days is deleted as it is stored",
                ),
            );
        }
        if def.trackable && contacts > 0 && !def.fields.iter().any(|f| f.contact && f.required) {
            err(
                "trackable",
                None,
                Text::new(
                    "النموذج الذي يُتابَع يحتاج إلى حقل تواصل فيه `required: true`: دونه قد يُرسل طلب لا يستطيع أحد متابعته",
                    "a trackable form needs a contact field with `required: true`: without it a request could be sent that no one can follow up",
                ),
            );
        }
        errors.extend(errors_cond);
        errors.sort_by_key(|e| (e.line, e.column));
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

    /// Whether any field may hold personal data (see [`FieldType::is_personal`]).
    pub fn collects_personal_data(&self) -> bool {
        self.fields.iter().any(|f| f.kind.is_personal())
    }

    /// The field by which the sender agrees to the use of their data.
    pub fn consent_field(&self) -> Option<&Field> {
        self.fields.iter().find(|f| f.consent)
    }

    /// The fields with which the sender can follow the request up (`contact: true`).
    pub fn contact_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.contact)
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
            required_if: None,
            min_length: None,
            max_length: None,
            options: Vec::new(),
            multiple: false,
            scale: None,
            scale_labels: Vec::new(),
            contact: false,
            consent: false,
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
            purpose: None,
            trackable: false,
            captcha: false,
            response: None,
            retention_days: 0,
            next_steps: None,
            notify: None,
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
        let contacts: Vec<_> = f.contact_fields().map(|c| c.name.as_str()).collect();
        assert_eq!(contacts, ["phone"]);
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

    fn with_id(condition: &str) -> String {
        format!(
            "{GOOD}  - name: national_id\n    label: رقم الهوية\n    type: national_id\n{condition}"
        )
    }

    #[test]
    fn a_condition_is_read_in_flow_or_block_style() {
        for condition in [
            "    required_if: { field: kind, any_of: [a] }\n",
            "    required_if:\n      field: kind\n      any_of:\n        - a\n",
        ] {
            let f = FormDef::from_yaml("request", "forms/request.yaml", &with_id(condition))
                .unwrap_or_else(|e| panic!("{e:?}"));
            let id = f.field("national_id").unwrap();
            let cond = id.required_if.as_ref().unwrap();
            assert_eq!(
                (cond.field.as_str(), cond.any_of.as_slice()),
                ("kind", &["a".to_string()][..])
            );
            assert!(!id.required);
            assert_eq!(
                cond.describe(f.field("kind").unwrap()),
                "مطلوب إذا اخترت «أ» في «النوع»"
            );
        }
    }

    #[test]
    fn a_wrong_condition_is_reported_where_it_is_written() {
        let cases = [
            // (condition, line, column, words of the message)
            (
                "    required_if: { field: kinds, any_of: [a] }\n",
                17,
                27,
                "not a field above",
            ),
            (
                "    required_if: { field: kind, any_of: [b] }\n",
                17,
                42,
                "\"b\" is not an option of \"kind\"; expected one of: a",
            ),
            (
                "    required_if: { field: phone, any_of: [a] }\n",
                17,
                27,
                "must name a choice field",
            ),
            (
                "    required_if: { field: kind, any_of: [] }\n",
                17,
                33,
                "at least one option",
            ),
            (
                "    required: true\n    required_if: { field: kind, any_of: [a] }\n",
                18,
                5,
                "keep one",
            ),
            (
                "    required_if:\n      field: kind\n      any_of: [a, c]\n",
                19,
                19,
                "\"c\" is not an option",
            ),
        ];
        for (condition, line, column, words) in cases {
            let errs = FormDef::from_yaml("request", "forms/request.yaml", &with_id(condition))
                .unwrap_err();
            assert_eq!(errs.len(), 1, "{condition}: {errs:?}");
            assert_eq!(
                (errs[0].line, errs[0].column),
                (line, column),
                "{}",
                errs[0]
            );
            assert!(errs[0].message.en.contains(words), "{}", errs[0]);
        }
        // A field below the one that names it, and an unknown key inside the condition.
        let below = GOOD.replace(
            "    contact: true\n",
            "    contact: true\n    required_if: { field: kind, any_of: [a] }\n",
        );
        let errs = FormDef::from_yaml("request", "forms/request.yaml", &below).unwrap_err();
        assert!(
            errs.iter().any(|e| e.line == 9
                && e.message
                    .en
                    .contains("expected one of the choice fields above it: (none)")),
            "{errs:?}"
        );
        let typo = with_id("    required_if: { field: kind, one_of: [a] }\n");
        let errs = FormDef::from_yaml("request", "forms/request.yaml", &typo).unwrap_err();
        assert_eq!(errs[0].line, 17, "{}", errs[0]);
        assert!(errs[0].message.en.contains("one_of"), "{}", errs[0]);
    }

    #[test]
    fn a_form_may_have_several_contacts() {
        let text = format!(
            "{GOOD}  - name: email\n    label: البريد\n    type: email\n    contact: true\n"
        );
        let f = FormDef::from_yaml("request", "forms/request.yaml", &text).unwrap();
        let names: Vec<_> = f.contact_fields().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["phone", "email"]);
    }

    #[test]
    fn personal_data_and_the_consent_come_from_the_field_types() {
        let f = FormDef::from_yaml("request", "forms/request.yaml", GOOD).unwrap();
        assert!(f.collects_personal_data(), "a phone number");
        assert_eq!(f.consent_field(), None);
        let ratings = "title: t\nfields:\n  - { name: r, label: r, type: rating, scale: 5 }\n  - name: c\n    label: c\n    type: choice\n    options: [{ value: a, label: a }]\n";
        assert!(
            !FormDef::from_yaml("survey", "forms/survey.yaml", ratings)
                .unwrap()
                .collects_personal_data()
        );
        let consent = GOOD.replace(
            "    options:",
            "    required: true\n    consent: true\n    options:",
        );
        let f = FormDef::from_yaml("request", "forms/request.yaml", &consent).unwrap();
        assert_eq!(f.consent_field().unwrap().name, "kind");
        let loose = GOOD.replace("    contact: true", "    contact: true\n    consent: true");
        let errs = FormDef::from_yaml("request", "forms/request.yaml", &loose).unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.line == 9 && e.message.en.contains("can be the consent")),
            "{errs:?}"
        );
    }

    #[test]
    fn a_response_period_is_a_promise_or_a_minimum() {
        let text = GOOD.replace(
            "trackable: true\n",
            "trackable: true\nresponse:\n  days: 14\n  kind: at_least\n  quote: خلال مدة لا تقل عن أسبوعين\n",
        );
        let f = FormDef::from_yaml("request", "forms/request.yaml", &text).unwrap();
        let r = f.response.unwrap();
        assert_eq!((r.days, r.kind), (14, crate::ResponseKind::AtLeast));
        let zero = text.replace("days: 14", "days: 0");
        let errs = FormDef::from_yaml("request", "forms/request.yaml", &zero).unwrap_err();
        assert_eq!(errs[0].line, 4, "{}", errs[0]);
        let old = GOOD.replace("trackable: true\n", "trackable: true\nresponse_days: 14\n");
        let errs = FormDef::from_yaml("request", "forms/request.yaml", &old).unwrap_err();
        assert!(errs[0].message.en.contains("response_days"), "{}", errs[0]);
    }

    #[test]
    fn no_retention_and_an_optional_only_contact_are_refused() {
        let zero = format!("{GOOD}retention_days: 0\n");
        let errs = FormDef::from_yaml("request", "request.yaml", &zero).unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.message.en.contains("retention_days must be at least 1")),
            "{errs:?}"
        );
        let optional = GOOD.replace("required: true\n    contact: true", "contact: true");
        assert_ne!(optional, GOOD, "the example's contact is required");
        let errs = FormDef::from_yaml("request", "request.yaml", &optional).unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.message.en.contains("`required: true`")),
            "{errs:?}"
        );
    }

    #[test]
    fn the_track_form_is_valid_by_its_own_rules() {
        let t = FormDef::track();
        assert_eq!(t.fields.len(), 2);
        assert!(t.fields.iter().all(|f| f.required));
    }
}
