//! The policy (`policy/_index.md` and one file per section): one document, shown on `/policy/`.

use forms::dates::{Day, HijriDay};
use forms::{Calendar, Digits};
use serde::{Deserialize, Serialize};

use crate::anchors::Anchors;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::markdown;
use forms::Text;

/// What a section is, so that the page can add to it (the channel list, the categories, the
/// approval block).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Introduction,
    Goal,
    Objectives,
    Principles,
    Channels,
    Tools,
    Procedure,
    Eligibility,
    Satisfaction,
    Review,
    Approval,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicyMeta {
    title: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    version: Option<String>,
    approval: ApprovalMeta,
    #[serde(default)]
    review_cycle: Option<String>,
    #[serde(default)]
    review_months: Option<u32>,
    #[serde(default)]
    next_review: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApprovalMeta {
    body: String,
    meeting: String,
    date: String,
    #[serde(default)]
    hijri: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SectionMeta {
    title: String,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    role: Option<Role>,
}

/// The board's approval.
#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    pub body: String,
    pub meeting: String,
    /// ISO date.
    pub date: String,
    /// The Hijri date as the policy states it, or as computed (Umm al-Qura) when it states none.
    pub hijri: String,
    /// Whether `hijri` was written in the policy (rather than computed).
    pub hijri_stated: bool,
    /// "28 ربيع الآخر 1447هـ", in the site's digits.
    pub hijri_text: String,
    /// "20 أكتوبر 2025م", in the site's digits.
    pub gregorian_text: String,
    /// The Gregorian day Umm al-Qura gives for `hijri`, when it is not `date`.
    #[serde(skip)]
    pub mismatch: Option<(HijriDay, Day, Day)>,
}

/// One section of the policy.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub title: String,
    /// The anchor on `/policy/`.
    pub id: String,
    pub role: Option<Role>,
    pub html: String,
    /// The file, for problems found later.
    #[serde(skip)]
    pub doc: Document,
    /// Whether `id` was written as `slug` in the file.
    #[serde(skip)]
    pub explicit_slug: bool,
}

/// The policy.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub title: String,
    pub description: Option<String>,
    /// Markdown of `_index.md`, shown above the table of contents.
    pub intro_html: String,
    /// The version as the policy states it; `None` when it states none.
    pub version: Option<String>,
    pub approval: Approval,
    /// The review cycle as the policy states it; `None` when it states none.
    pub review_cycle: Option<String>,
    pub review_months: Option<u32>,
    /// ISO date of the next review; `None` when the policy gives neither a date nor a cycle.
    pub next_review: Option<String>,
    pub sections: Vec<Section>,
    #[serde(skip)]
    pub index: Document,
}

/// Ids the policy template uses itself.
pub const RESERVED_IDS: [&str; 5] = ["main", "toc", "approval-block", "policy-meta", "top"];

impl Policy {
    /// Reads `_index.md` and the sections (already in file-name order), reporting every problem.
    pub fn load(
        index: Document,
        sections: Vec<Document>,
        digits: Digits,
        anchors: &mut Anchors,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<Policy> {
        let meta: Result<PolicyMeta, _> = index.front_matter();
        let mut loaded = Vec::new();
        for doc in sections {
            match doc.front_matter::<SectionMeta>() {
                Ok(m) => loaded.push((doc, m)),
                Err(e) => problems.push(e),
            }
        }
        // Explicit slugs first, so that an automatic one never takes a slug written in a file.
        let mut explicit = std::collections::HashMap::new();
        for (doc, m) in &loaded {
            if let Some(slug) = &m.slug {
                let (l, c) = doc.locate("slug", None);
                if !valid_slug(slug) {
                    problems.push(
                        Diagnostic::error(
                            &doc.file,
                            l,
                            c,
                            Text::new(
                                format!("المعرّف slug {slug:?} لا يصلح اسم موضع"),
                                format!("slug {slug:?} cannot be an anchor"),
                            ),
                        )
                        .hint(Text::new(
                            "استعمل الحروف والأرقام والشرطة - فقط، بلا مسافات، مثل الهدف-العام",
                            "use letters, digits and - only, without spaces, e.g. الهدف-العام",
                        )),
                    );
                } else if let Some(other) = explicit.insert(slug.clone(), doc.file.clone()) {
                    problems.push(
                        Diagnostic::error(
                            &doc.file,
                            l,
                            c,
                            Text::new(
                                format!("المعرّف slug {slug:?} مكرر: يستعمله أيضًا {other}"),
                                format!("duplicate slug {slug:?}: {other} uses it too"),
                            ),
                        )
                        .hint(Text::new(
                            "لكل قسم معرّف خاص به؛ غيّر أحدهما",
                            "every section needs its own slug; change one of them",
                        )),
                    );
                } else if !anchors.claim(slug) {
                    problems.push(
                        Diagnostic::error(
                            &doc.file,
                            l,
                            c,
                            Text::new(
                                format!("المعرّف slug {slug:?} تستعمله الصفحة نفسها"),
                                format!("slug {slug:?} is used by the page itself"),
                            ),
                        )
                        .hint(Text::new("اختر معرّفًا آخر", "choose another slug")),
                    );
                }
            }
        }
        let sections: Vec<Section> = loaded
            .into_iter()
            .map(|(doc, m)| {
                let explicit_slug = m.slug.as_ref().is_some_and(|s| valid_slug(s));
                let id = match &m.slug {
                    Some(s) if explicit_slug => s.clone(),
                    _ => anchors.unique(&m.title),
                };
                Section {
                    title: m.title,
                    id,
                    role: m.role,
                    html: String::new(),
                    doc,
                    explicit_slug,
                }
            })
            .collect();
        // Headings inside the sections come after every section's own id.
        let sections = sections
            .into_iter()
            .map(|mut s| {
                s.html = markdown::to_html(&s.doc.body, anchors);
                s
            })
            .collect();
        let meta = match meta {
            Ok(m) => m,
            Err(e) => {
                problems.push(e);
                return None;
            }
        };
        let at = |key: &str, after: Option<&str>| index.locate(key, after);
        let date = Day::parse(meta.approval.date.trim());
        if date.is_none() {
            let (l, c) = at("date", Some("approval:"));
            problems.push(
                Diagnostic::error(
                    &index.file,
                    l,
                    c,
                    Text::new(
                        format!("تاريخ الاعتماد {:?} ليس تاريخًا", meta.approval.date),
                        format!("approval date {:?} is not a date", meta.approval.date),
                    ),
                )
                .hint(Text::new(
                    "اكتب التاريخ الميلادي بالشكل YYYY-MM-DD، مثل 2025-10-20",
                    "write the Gregorian date as YYYY-MM-DD, e.g. 2025-10-20",
                )),
            );
        }
        let stated = match &meta.approval.hijri {
            Some(h) => {
                let parsed = HijriDay::parse(h.trim());
                if parsed.is_none() {
                    let (l, c) = at("hijri", Some("approval:"));
                    problems.push(
                        Diagnostic::error(
                            &index.file,
                            l,
                            c,
                            Text::new(
                                format!("التاريخ الهجري {h:?} ليس تاريخًا في تقويم أم القرى"),
                                format!(
                                    "Hijri date {h:?} is not a date of the Umm al-Qura calendar"
                                ),
                            ),
                        )
                        .hint(Text::new(
                            "اكتبه بالشكل YYYY-MM-DD، مثل 1442-08-23 لـ 23 شعبان 1442",
                            "write it as YYYY-MM-DD, e.g. 1442-08-23 for 23 Sha'ban 1442",
                        )),
                    );
                }
                parsed
            }
            None => None,
        };
        // `None`: not stated; `Some(None)`: stated but not a date (reported).
        let next_review = match (&meta.next_review, meta.review_months) {
            (Some(text), _) => {
                let d = Day::parse(text.trim());
                if d.is_none() {
                    let (l, c) = at("next_review", None);
                    problems.push(
                        Diagnostic::error(
                            &index.file,
                            l,
                            c,
                            Text::new(
                                format!("next_review {text:?} ليس تاريخًا"),
                                format!("next_review {text:?} is not a date"),
                            ),
                        )
                        .hint(Text::new(
                            "اكتبه بالشكل YYYY-MM-DD، أو احذفه لتُحسب review_months من تاريخ الاعتماد",
                            "write it as YYYY-MM-DD, or remove it to count review_months from the approval date",
                        )),
                    );
                }
                Some(d)
            }
            (None, Some(months)) => Some(date.map(|d| d.add_months(months))),
            (None, None) => None,
        };
        let date = date?;
        let next_review = match next_review {
            Some(None) => return None,
            other => other.flatten(),
        };
        let hijri = stated.unwrap_or_else(|| date.to_hijri());
        let mismatch = stated.and_then(|h| {
            let g = h.to_gregorian();
            (g != date).then_some((h, date, g))
        });
        Some(Policy {
            title: meta.title,
            description: meta.description,
            intro_html: markdown::to_html(&index.body, anchors),
            version: meta.version,
            approval: Approval {
                body: meta.approval.body,
                meeting: meta.approval.meeting,
                date: date.to_string(),
                hijri: hijri.to_string(),
                hijri_stated: stated.is_some(),
                hijri_text: hijri.text(digits),
                gregorian_text: date.gregorian_text(digits),
                mismatch,
            },
            review_cycle: meta.review_cycle,
            review_months: meta.review_months,
            next_review: next_review.map(|d| d.to_string()),
            sections,
            index,
        })
    }

    /// The approval date shown in `calendar` (the stated Hijri date where the policy gives one).
    pub fn approval_text(&self, calendar: Calendar, digits: Digits) -> String {
        let date = Day::parse(&self.approval.date).expect("checked when loaded");
        date.display(calendar, digits, HijriDay::parse(&self.approval.hijri))
    }
}

/// Whether `slug` can be written as an anchor as it is.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        && !slug.starts_with('-')
}
