//! The eligibility guide (`eligibility/`, optional): one file per beneficiary category, shown on
//! `/eligibility/` and in the policy's eligibility section, each with a link that opens the request
//! form with the category chosen.

use forms::render::ContactLink;
use forms::{FieldType, FormDef};
use serde::{Deserialize, Serialize};

use crate::anchors::Anchors;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::markdown;
use crate::model::listing::{self, form_ids};
use crate::model::{FormLink, Origin};
use forms::Text;

/// The name of the form's choice field a category selects, unless the category names another.
pub const DEFAULT_FIELD: &str = "category";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CategoryMeta {
    title: String,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    criteria: Vec<String>,
    #[serde(default)]
    commitments: Vec<String>,
    #[serde(default)]
    verification: Vec<String>,
    #[serde(default)]
    form: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    option: Option<String>,
}

/// One beneficiary category.
#[derive(Debug, Clone, Serialize)]
pub struct Category {
    /// The card's anchor on `/eligibility/`.
    pub id: String,
    /// Its anchor on `/policy/`.
    pub policy_id: String,
    pub title: String,
    /// What the applicant must meet, each as inline HTML.
    pub criteria: Vec<String>,
    /// What the association commits itself to for the category, each as inline HTML.
    pub commitments: Vec<String>,
    /// How it is verified, as inline HTML.
    pub verification: Vec<String>,
    /// The form to apply with, when the content names one.
    pub form: Option<FormLink>,
    /// The choice it selects in the form, if any: field, value and label.
    pub option: Option<ChosenOption>,
    /// Where "apply" leads on this site: the form with the category chosen.
    pub apply_path: Option<String>,
    /// Where the content sends applicants instead of a form (`url:`), such as a platform.
    pub link: Option<ContactLink>,
    pub html: String,
    #[serde(skip)]
    pub doc: Document,
}

impl Category {
    /// Its criteria and commitments (one list, as the policy writes them) and its verification,
    /// as the Markdown of its file.
    pub fn markdown_lists(&self) -> (Vec<String>, Vec<String>) {
        match self.doc.front_matter::<CategoryMeta>() {
            Ok(m) => (
                m.criteria.into_iter().chain(m.commitments).collect(),
                m.verification,
            ),
            Err(_) => (Vec::new(), Vec::new()),
        }
    }
}

/// The value of a form's choice field that a category selects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChosenOption {
    pub field: String,
    pub value: String,
    pub label: String,
}

/// The guide page.
#[derive(Debug, Clone, Serialize)]
pub struct EligibilityGuide {
    pub title: String,
    pub description: Option<String>,
    pub intro_html: String,
    pub categories: Vec<Category>,
}

/// Ids the eligibility template uses itself.
pub const RESERVED_IDS: [&str; 2] = ["main", "top"];

impl EligibilityGuide {
    /// Reads the guide; a category naming a missing form or option is an error. `policy_anchors`
    /// are the policy page's ids, on which the categories are listed too.
    pub fn load(
        index: Option<Document>,
        files: Vec<Document>,
        forms: &[FormDef],
        unread: &[String],
        policy_anchors: &mut Anchors,
        problems: &mut Vec<Diagnostic>,
        sources: &mut Vec<crate::model::MarkdownSource>,
    ) -> EligibilityGuide {
        let mut anchors = Anchors::with_reserved(&RESERVED_IDS);
        let (title, description, intro_html) =
            listing::heading(index, "دليل الأهلية", &mut anchors, problems);
        let mut categories = Vec::new();
        for doc in files {
            let meta: CategoryMeta = match doc.front_matter() {
                Ok(m) => m,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            let id = listing::entry_id(
                &doc,
                meta.slug.as_deref(),
                &meta.title,
                "category",
                &mut anchors,
                problems,
            );
            let policy_id = policy_anchors.unique(&meta.title);
            if meta.criteria.is_empty() && meta.commitments.is_empty() {
                let (l, c) = doc.locate("title", None);
                problems.push(
                    Diagnostic::error(
                        &doc.file,
                        l,
                        c,
                        Text::new(
                            "ليس للفئة `criteria` ولا `commitments`",
                            "the category has neither `criteria` nor `commitments`",
                        ),
                    )
                    .hint(Text::new(
                        "اكتب تحت `criteria:` ما يجب أن يستوفيه المتقدم، وتحت `commitments:` ما تلتزم به الجمعية، بنص السياسة",
                        "list under `criteria:` what the applicant must meet and under `commitments:` what the association commits itself to, word for word",
                    )),
                );
            }
            if meta.form.is_some() && meta.url.is_some() {
                let (l, c) = doc.locate("url", None);
                problems.push(
                    Diagnostic::error(
                        &doc.file,
                        l,
                        c,
                        Text::new(
                            "تقود الفئة إلى نموذج أو إلى عنوان، لا إليهما معًا",
                            "a category leads to a form or to an address, not both",
                        ),
                    )
                    .hint(Text::new(
                        "أبقِ `form:` للتقديم في هذا الموقع، أو `url:` حيث يقول المحتوى إن التقديم يكون",
                        "keep `form:` to apply on this site, or `url:` where the content says to apply",
                    )),
                );
            }
            if meta.form.is_none() && (meta.option.is_some() || meta.field.is_some()) {
                let key = if meta.option.is_some() {
                    "option"
                } else {
                    "field"
                };
                let (l, c) = doc.locate(key, None);
                problems.push(
                    Diagnostic::error(
                        &doc.file,
                        l,
                        c,
                        Text::new(
                            format!("`{key}` يختار في نموذج، والفئة لا تسمّي `form`"),
                            format!("`{key}` chooses in a form, but the category names no `form`"),
                        ),
                    )
                    .hint(Text::new(
                        "أضف `form:`، أو احذف `field:` و`option:`",
                        "add `form:`, or remove `field:` and `option:`",
                    )),
                );
            }
            for (key, list) in [
                ("criteria", &meta.criteria),
                ("commitments", &meta.commitments),
                ("verification", &meta.verification),
            ] {
                let (line, column) = doc.locate(key, None);
                for text in list {
                    sources.push(crate::model::MarkdownSource {
                        file: doc.file.clone(),
                        origin: Origin::Value { line, column },
                        text: text.clone(),
                        page: "/eligibility/".to_string(),
                    });
                }
            }
            let form = match &meta.form {
                None => None,
                Some(id) => match forms.iter().find(|f| &f.id == id) {
                    Some(form) => Some(form),
                    None if unread.contains(id) => continue,
                    None => {
                        let (l, c) = doc.locate("form", None);
                        problems.push(
                            Diagnostic::error(
                                &doc.file,
                                l,
                                c,
                                Text::new(
                                    format!("النموذج {id:?} غير موجود"),
                                    format!("form {id:?} does not exist"),
                                ),
                            )
                            .hint(Text::new(
                                format!("اكتب اسم ملف من forms/ دون .yaml: {}", form_ids(forms)),
                                format!("name a file of forms/ without .yaml: {}", form_ids(forms)),
                            )),
                        );
                        continue;
                    }
                },
            };
            let field_name = meta.field.as_deref().unwrap_or(DEFAULT_FIELD);
            let option = match (&meta.option, form) {
                (None, _) | (_, None) => None,
                (Some(value), Some(form)) => {
                    let field = form
                        .field(field_name)
                        .filter(|f| f.kind == FieldType::Choice);
                    let label = field.and_then(|f| f.option_label(value));
                    match (field, label) {
                        (None, _) => {
                            let (l, c) = doc.locate(
                                if meta.field.is_some() {
                                    "field"
                                } else {
                                    "option"
                                },
                                None,
                            );
                            problems.push(
                                Diagnostic::error(
                                    &doc.file,
                                    l,
                                    c,
                                    Text::new(
                                        format!("ليس في النموذج {:?} حقل اختيار {field_name:?} يُختار فيه {value:?}", form.id),
                                        format!("form {:?} has no choice field {field_name:?} to choose {value:?} in", form.id),
                                    ),
                                )
                                .hint(Text::new(
                                    "اذكر حقل الاختيار في النموذج بـ `field:`، أو احذف `option:`",
                                    "name the form's choice field with `field:`, or remove `option:`",
                                )),
                            );
                            None
                        }
                        (Some(f), None) => {
                            let (l, c) = doc.locate("option", None);
                            let values: Vec<_> =
                                f.options.iter().map(|o| o.value.as_str()).collect();
                            problems.push(
                                Diagnostic::error(
                                    &doc.file,
                                    l,
                                    c,
                                    Text::new(
                                        format!("الخيار {value:?} ليس من خيارات الحقل {field_name:?} في النموذج {:?}", form.id),
                                        format!("option {value:?} is not one of the field {field_name:?} of form {:?}", form.id),
                                    ),
                                )
                                .hint(Text::new(
                                    format!("استعمل أحد هذه: {}، أو أضفه إلى forms/{}.yaml", values.join("، "), form.id),
                                    format!("use one of: {}, or add it to forms/{}.yaml", values.join(", "), form.id),
                                )),
                            );
                            None
                        }
                        (Some(_), Some(label)) => Some(ChosenOption {
                            field: field_name.to_string(),
                            value: value.clone(),
                            label: label.to_string(),
                        }),
                    }
                }
            };
            let form = form.map(FormLink::to);
            let apply_path = form.as_ref().map(|f| match &option {
                Some(o) => format!("{}{}/", f.path, o.value),
                None => f.path.clone(),
            });
            let link = meta
                .url
                .as_deref()
                .map(|u| ContactLink::web("رابط التقديم", u));
            let html = markdown::to_html(&doc.body, &mut anchors);
            categories.push(Category {
                id,
                policy_id,
                title: meta.title,
                criteria: meta
                    .criteria
                    .iter()
                    .map(|c| markdown::inline_html(c))
                    .collect(),
                commitments: meta
                    .commitments
                    .iter()
                    .map(|c| markdown::inline_html(c))
                    .collect(),
                verification: meta
                    .verification
                    .iter()
                    .map(|c| markdown::inline_html(c))
                    .collect(),
                form,
                option,
                apply_path,
                link,
                html,
                doc,
            });
        }
        EligibilityGuide {
            title,
            description,
            intro_html,
            categories,
        }
    }
}
