//! The privacy notice (`/privacy/`), made from what the content already says: the association
//! (`site.yaml`), every form with its purpose, its required and optional fields and its
//! retention, the recipients the policy names, and the AWS region the data is stored in. Loading it
//! reports what a site whose forms collect personal data still lacks.

use forms::render::{ContactLink, contact_links};
use forms::source::locate_key;
use forms::{Contact, FormDef, Region, SiteConfig, Text};
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::model::{FormLink, form_path};

/// The path of the privacy notice.
pub const PATH: &str = "/privacy/";

/// The privacy notice, checked.
#[derive(Debug, Clone, Serialize)]
pub struct PrivacyNotice {
    /// Where requests about personal data go (e-mail, phone), as links.
    pub rights: Vec<ContactLink>,
    /// Where the data is stored; `None` when `site.yaml` does not say.
    pub region: Option<Region>,
    /// `None` when `site.yaml` does not say; empty when the policy names no one.
    pub recipients: Option<Vec<RecipientNotice>>,
    /// Every form, in the site's order.
    pub forms: Vec<FormNotice>,
}

/// A recipient with the forms whose data they receive.
#[derive(Debug, Clone, Serialize)]
pub struct RecipientNotice {
    pub name: String,
    pub purpose: String,
    pub receives: Option<String>,
    pub quote: Option<String>,
    pub forms: Vec<FormLink>,
}

/// What the notice says of one form.
#[derive(Debug, Clone, Serialize)]
pub struct FormNotice {
    pub id: String,
    pub title: String,
    pub path: String,
    /// The id of its part of the notice, which the form's consent links to.
    pub anchor: String,
    pub purpose: Option<String>,
    pub personal: bool,
    /// Labels of the fields that must be filled in, then of those that may be left empty.
    pub required: Vec<String>,
    pub optional: Vec<String>,
    pub retention_days: u32,
    /// The names of the recipients of its data.
    pub recipients: Vec<String>,
}

/// The id of a form's part of the notice.
pub fn anchor(form_id: &str) -> String {
    format!("form-{form_id}")
}

/// A field's label without the "(اختياري)" the notice says by listing it among the optional ones.
fn bare_label(label: &str) -> String {
    label.replace("(اختياري)", "").trim().to_string()
}

impl PrivacyNotice {
    /// Builds the notice from `site.yaml` (`file`, `text`) and the forms read; `unread` are the
    /// ids of forms that did not read. Pushes an error for each piece the notice needs and lacks.
    pub fn load(
        config: &SiteConfig,
        file: &str,
        text: &str,
        forms: &[FormDef],
        unread: &[String],
        problems: &mut Vec<Diagnostic>,
    ) -> Self {
        let personal: Vec<&str> = forms
            .iter()
            .filter(|f| f.collects_personal_data())
            .map(|f| f.id.as_str())
            .collect();
        let privacy = config.privacy.clone().unwrap_or_default();
        let at = |key: &str, after: Option<&str>| locate_key(text, key, after);
        let (pl, pc) = if config.privacy.is_some() {
            at("privacy", None)
        } else {
            (1, 1)
        };
        let needs = |what_ar: &str, what: &str| {
            Text::new(
                format!(
                    "ليس في إشعار الخصوصية {what_ar}، والنماذج {} تجمع بيانات شخصية",
                    personal.join("، ")
                ),
                format!(
                    "the privacy notice has no {what}, and forms {} collect personal data",
                    personal.join(", ")
                ),
            )
        };
        if !personal.is_empty() {
            if config.privacy.is_none() {
                problems.push(
                    Diagnostic::error(
                        file,
                        1,
                        1,
                        needs("قسم `privacy:` في site.yaml", "`privacy:` block in site.yaml"),
                    )
                    .hint(Text::new(
                        "أضف `privacy:` فيه rights_contact وstorage_region وrecipients (docs/content-format.md)",
                        "add `privacy:` with rights_contact, storage_region and recipients (docs/content-format.md)",
                    )),
                );
            } else {
                if privacy.rights_contact.is_empty() {
                    problems.push(
                        Diagnostic::error(
                            file,
                            pl,
                            pc,
                            needs("وسيلة تواصل لطلبات الحقوق", "contact for rights requests"),
                        )
                        .hint(Text::new(
                            "أضف `rights_contact:` فيه `email:` أو `phone:` يُجاب منه على طلبات الاطلاع على البيانات أو تصحيحها أو حذفها",
                            "add `rights_contact:` with an `email:` or a `phone:` that answers requests to see, correct or delete data",
                        )),
                    );
                }
                if privacy.storage_region.is_none() {
                    problems.push(
                        Diagnostic::error(
                            file,
                            pl,
                            pc,
                            needs("مكان حفظ البيانات", "storage region"),
                        )
                        .hint(Text::new(
                            "أضف `storage_region:` بمنطقة AWS التي تُنشر فيها الخدمة، مثل me-central-1",
                            "add `storage_region:` with the AWS region the service is deployed to, such as me-central-1",
                        )),
                    );
                }
                if privacy.recipients.is_none() {
                    problems.push(
                        Diagnostic::error(
                            file,
                            pl,
                            pc,
                            needs("قائمة بمن تصل إليهم البيانات", "list of recipients"),
                        )
                        .hint(Text::new(
                            "أضف `recipients:` بمن تذكر السياسة أن البيانات تصل إليهم، أو `recipients: []` إن لم تذكر أحدًا",
                            "add `recipients:` with those the policy names as receiving data, or `recipients: []` when it names no one",
                        )),
                    );
                }
            }
        }
        let region = privacy.storage_region.as_deref().and_then(|code| {
            let found = forms::privacy::region(code);
            if found.is_none() {
                let (l, c) = at("storage_region", Some("privacy:"));
                let known: Vec<&str> = forms::privacy::REGIONS.iter().map(|r| r.code).collect();
                problems.push(
                    Diagnostic::error(
                        file,
                        l,
                        c,
                        Text::new(
                            format!("storage_region {code:?} ليست منطقة AWS يعرف الموقع مكانها"),
                            format!("storage_region {code:?} is not an AWS region this site knows the place of"),
                        ),
                    )
                    .hint(Text::new(
                        format!("استعمل واحدة من {}، أو أضف المنطقة إلى forms/src/privacy.rs", known.join("، ")),
                        format!("use one of {}, or add the region to forms/src/privacy.rs", known.join(", ")),
                    )),
                );
            }
            found
        });
        let recipients = privacy.recipients.as_ref().map(|list| {
            list.iter()
                .map(|r| {
                    let mut links = Vec::new();
                    for id in &r.forms {
                        match forms.iter().find(|f| &f.id == id) {
                            Some(f) => links.push(FormLink::to(f)),
                            None if unread.contains(id) => {}
                            None => {
                                let (l, c) = at("forms", Some(&format!("name: {}", r.name)));
                                problems.push(
                                    Diagnostic::error(
                                        file,
                                        l,
                                        c,
                                        Text::new(
                                            format!("الجهة {:?} تسمّي النموذج {id:?}، وليس ملفًا في forms/", r.name),
                                            format!("recipient {:?} names form {id:?}, which is not a file in forms/", r.name),
                                        ),
                                    )
                                    .hint(Text::new(
                                        "اكتب اسم ملف نموذج دون .yaml، مثل request",
                                        "use the file name of a form without .yaml, such as request",
                                    )),
                                );
                            }
                        }
                    }
                    RecipientNotice {
                        name: r.name.clone(),
                        purpose: r.purpose.clone(),
                        receives: r.receives.clone(),
                        quote: r.quote.clone(),
                        forms: links,
                    }
                })
                .collect::<Vec<_>>()
        });
        let forms = forms
            .iter()
            .map(|f| {
                let labels = |required: bool| {
                    f.fields
                        .iter()
                        .filter(|x| x.required == required)
                        .map(|x| bare_label(&x.label))
                        .collect()
                };
                FormNotice {
                    id: f.id.clone(),
                    title: f.title.clone(),
                    path: form_path(&f.id),
                    anchor: anchor(&f.id),
                    purpose: f.purpose.clone(),
                    personal: f.collects_personal_data(),
                    required: labels(true),
                    optional: labels(false),
                    retention_days: f.retention_days,
                    recipients: privacy
                        .recipients
                        .iter()
                        .flatten()
                        .filter(|r| r.forms.contains(&f.id))
                        .map(|r| r.name.clone())
                        .collect(),
                }
            })
            .collect();
        let rights_contact = Contact {
            phone: privacy.rights_contact.phone.clone(),
            email: privacy.rights_contact.email.clone(),
            ..Contact::default()
        };
        let rights_site = SiteConfig {
            contact: rights_contact,
            ..config.clone()
        };
        let rights = ["email", "phone"]
            .iter()
            .flat_map(|k| contact_links(&rights_site, k))
            .collect();
        PrivacyNotice {
            rights,
            region,
            recipients,
            forms,
        }
    }
}

/// Words that say a period of time; a consent written with one repeats the retention by hand.
const PERIOD_WORDS: [&str; 8] = [
    "سنة",
    "سنوات",
    "سنتين",
    "شهر",
    "أشهر",
    "يومًا",
    "أيام",
    "يوم ",
];

/// The checks of one form definition (`file`, `text`) that the notice needs: a purpose when the
/// form collects personal data, and a consent that does not state the retention by hand.
pub fn check_form(def: &FormDef, file: &str, text: &str, problems: &mut Vec<Diagnostic>) {
    if def.collects_personal_data() && def.purpose.is_none() {
        let personal: Vec<&str> = def
            .fields
            .iter()
            .filter(|f| f.kind.is_personal())
            .map(|f| f.name.as_str())
            .collect();
        let (l, c) = locate_key(text, "title", None);
        problems.push(
            Diagnostic::error(
                file,
                l,
                c,
                Text::new(
                    format!(
                        "النموذج {:?} يجمع بيانات شخصية ({}) وليس فيه `purpose`",
                        def.id,
                        personal.join("، ")
                    ),
                    format!(
                        "form {:?} collects personal data ({}) but has no `purpose`",
                        def.id,
                        personal.join(", ")
                    ),
                ),
            )
            .hint(Text::new(
                "أضف `purpose:` يقول فيمَ تستعمل الجمعية البيانات، بكلمات السياسة إن كانت فيها؛ يعرضه إشعار الخصوصية",
                "add `purpose:` saying what the association uses the data for, in the policy's words where it has them; the privacy notice shows it",
            )),
        );
    }
    if let Some(consent) = def.consent_field() {
        let texts = [("label", consent.label.as_str())]
            .into_iter()
            .chain(consent.hint.as_deref().map(|h| ("hint", h)))
            .chain(consent.options.iter().map(|o| ("label", o.label.as_str())));
        let states_period = |t: &str| {
            let t = format!("{t} ");
            PERIOD_WORDS.iter().any(|w| t.contains(w))
        };
        if let Some((key, _)) = texts.into_iter().find(|(_, t)| states_period(t)) {
            let (l, c) = locate_key(text, key, Some(&format!("name: {}", consent.name)));
            problems.push(
                Diagnostic::warning(
                    file,
                    l,
                    c,
                    Text::new(
                        "حقل الموافقة يكتب مدة الحفظ بيده",
                        "the consent field states a period by hand",
                    ),
                )
                .hint(Text::new(
                    "احذفها: يعرض النموذج `retention_days` بجانب الموافقة، فتُكتب المدة في مكان واحد",
                    "remove it: the form shows `retention_days` beside the consent, so the period is written in one place",
                )),
            );
        }
    }
}
