//! Every approved version of the policy: the versions filed in `policy/archive/{key}/` (by
//! `site-gen archive`), the current one, and what changed from each to the next.
//!
//! A version is filed as the policy's own files: `_index.md` as it was, and each section's file
//! with the lists the policy page adds to it from other folders (the channels' titles, the
//! eligibility categories) written into its Markdown, so that an archived version reads as it was
//! published even after those folders change. Its key (the folder's name) is the version the
//! policy states, or its approval date when it states none.

use forms::{Calendar, Digits};
use serde::Serialize;

use crate::anchors::Anchors;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::model::changes::{self, Changes};
use crate::model::{ChannelDirectory, EligibilityGuide, Policy, Role};
use forms::Text;

/// The archive's folder inside the content folder.
pub const ARCHIVE_DIR: &str = "policy/archive";

/// The address of the list of versions.
pub const ARCHIVE_PATH: &str = "/policy/archive/";

/// The address of what changed in the current version against the last archived one.
pub const CURRENT_CHANGES_PATH: &str = "/policy/changes/";

/// The text of one version of the policy, section by section, as compared and filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionText {
    /// The Markdown of `_index.md` (shown above the table of contents).
    pub intro: String,
    pub sections: Vec<SectionText>,
}

/// One section's file as filed: its name, front matter and Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionText {
    /// The file's name in `policy/` (`01-introduction.md`), the section's identity across versions.
    pub file_name: String,
    pub title: String,
    pub front: String,
    pub body: String,
}

impl VersionText {
    /// The current policy's text, with the channel list and the eligibility categories written
    /// into the sections that show them.
    pub fn current(
        policy: &Policy,
        channels: &ChannelDirectory,
        eligibility: Option<&EligibilityGuide>,
    ) -> Self {
        let sections = policy
            .sections
            .iter()
            .map(|s| {
                let mut body = s.doc.body.clone();
                match s.role {
                    Some(Role::Channels) if !channels.channels.is_empty() => {
                        push_block(&mut body, &channel_list(channels));
                    }
                    Some(Role::Eligibility) => {
                        if let Some(g) = eligibility {
                            push_block(&mut body, &category_lists(g));
                        }
                    }
                    _ => {}
                }
                SectionText {
                    file_name: file_name(&s.doc.file),
                    title: s.title.clone(),
                    front: s.doc.front.clone(),
                    body,
                }
            })
            .collect();
        VersionText {
            intro: policy.index.body.clone(),
            sections,
        }
    }

    /// The text of an archived version, as its files hold it.
    pub fn archived(policy: &Policy) -> Self {
        VersionText {
            intro: policy.index.body.clone(),
            sections: policy
                .sections
                .iter()
                .map(|s| SectionText {
                    file_name: file_name(&s.doc.file),
                    title: s.title.clone(),
                    front: s.doc.front.clone(),
                    body: s.doc.body.clone(),
                })
                .collect(),
        }
    }

    /// Whether the two say the same: the same sections, titles and words (blank lines and
    /// trailing spaces aside).
    pub fn same_text(&self, other: &VersionText) -> bool {
        fn words(t: &str) -> Vec<&str> {
            t.split_whitespace().collect()
        }
        words(&self.intro) == words(&other.intro)
            && self.sections.len() == other.sections.len()
            && self.sections.iter().zip(&other.sections).all(|(a, b)| {
                a.file_name == b.file_name
                    && a.title.trim() == b.title.trim()
                    && words(&a.body) == words(&b.body)
            })
    }

    /// The files to write into the archive's folder: each section's file (front matter and
    /// Markdown), `_index.md` apart (it is copied as it is).
    pub fn section_files(&self) -> Vec<(String, String)> {
        self.sections
            .iter()
            .map(|s| {
                (
                    s.file_name.clone(),
                    format!("---\n{}---\n{}", s.front, s.body),
                )
            })
            .collect()
    }
}

fn file_name(path: &str) -> String {
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_string()
}

fn push_block(body: &mut String, block: &str) {
    let trimmed = body.trim_end().len();
    body.truncate(trimmed);
    if !body.is_empty() {
        body.push_str("\n\n");
    }
    body.push_str(block);
}

/// The channels' titles as the policy page lists them.
fn channel_list(channels: &ChannelDirectory) -> String {
    channels
        .channels
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{}. {}\n", i + 1, c.title))
        .collect()
}

/// Each category with its criteria, commitments and verification, as the policy page shows them.
fn category_lists(guide: &EligibilityGuide) -> String {
    let mut out = String::new();
    for c in &guide.categories {
        let (items, verification) = c.markdown_lists();
        out.push_str(&format!("### {}\n\n", c.title));
        for item in &items {
            out.push_str(&format!("- {}\n", item.trim()));
        }
        if !verification.is_empty() {
            out.push_str("\nالتحقق:\n\n");
            for item in &verification {
                out.push_str(&format!("- {}\n", item.trim()));
            }
        }
        out.push('\n');
    }
    out.trim_end().to_string() + "\n"
}

/// The key a version is filed under: the version the policy states, else its approval date.
pub fn version_key(policy: &Policy) -> String {
    policy
        .version
        .clone()
        .unwrap_or_else(|| policy.approval.date.clone())
}

/// How a version is named on the pages: «الإصدار 1.1», or, for a policy that states no version,
/// «النص المعتمد في …» with its approval date.
pub fn version_label(version: Option<&str>, approval_text: &str, digits: Digits) -> String {
    match version {
        Some(v) => format!("الإصدار {}", forms::digits::localise(v, digits)),
        None => format!("النص المعتمد في {approval_text}"),
    }
}

/// Whether `key` can be a folder's name and a part of an address as it is.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with('.')
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// One archived version, as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyVersion {
    pub key: String,
    /// Its page: `/policy/archive/{key}/`.
    pub path: String,
    /// Whether it is the version in force (filed, and not edited since).
    pub current: bool,
    pub policy: Policy,
    /// The approval date in the site's calendar and digits.
    pub approval_text: String,
    /// Its name on the pages ([`version_label`]).
    pub label: String,
    /// What changed against the version before it; `None` for the first.
    pub changes: Option<Changes>,
    /// The address of `changes`' page.
    pub changes_path: Option<String>,
    #[serde(skip)]
    pub text: VersionText,
}

/// The archived versions (oldest first) and what changed in the current one.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PolicyHistory {
    pub versions: Vec<PolicyVersion>,
    /// What changed in the current version against the last archived one, when the current one
    /// is not archived itself; shown at [`CURRENT_CHANGES_PATH`].
    pub current_changes: Option<Changes>,
    /// Whether there is a version before the current one (the policy page then links to them).
    pub previous: bool,
    /// Where what changed in the current version is shown, if anywhere.
    pub changes_path: Option<String>,
    /// The current version's name on the pages ([`version_label`]).
    pub current_label: String,
}

/// An archived version's files, read.
pub struct ArchivedFiles {
    /// The folder's name.
    pub key: String,
    pub index: Document,
    pub sections: Vec<Document>,
}

impl PolicyHistory {
    /// Reads the archived versions and compares the current policy with them: the current
    /// policy's version (or approval date, when it states no version) must change when its text
    /// does, and an archived version's folder must be named for its version.
    pub fn load(
        current: &Policy,
        current_text: &VersionText,
        archived: Vec<ArchivedFiles>,
        calendar: Calendar,
        digits: Digits,
        problems: &mut Vec<Diagnostic>,
    ) -> PolicyHistory {
        let mut versions = Vec::new();
        for a in archived {
            let mut anchors = Anchors::with_reserved(&crate::model::policy::RESERVED_IDS);
            let Some(policy) = Policy::load(a.index, a.sections, digits, &mut anchors, problems)
            else {
                continue;
            };
            let key = version_key(&policy);
            if key != a.key {
                let (l, c) = policy.index.locate(
                    if policy.version.is_some() {
                        "version"
                    } else {
                        "date"
                    },
                    None,
                );
                problems.push(
                    Diagnostic::error(
                        &policy.index.file,
                        l,
                        c,
                        Text::new(
                            format!("هذا الإصدار محفوظ في المجلد {:?} لكن ملفه يذكر {key:?}", a.key),
                            format!("this version is filed in the folder {:?} but its file says {key:?}", a.key),
                        ),
                    )
                    .hint(Text::new(
                        "لا تعدّل إصدارًا محفوظًا؛ احفظ الإصدار الحالي بالأمر site-gen archive",
                        "do not edit a filed version; file the current one with `site-gen archive`",
                    )),
                );
                continue;
            }
            let text = VersionText::archived(&policy);
            let approval_text = policy.approval_text(calendar, digits);
            versions.push(PolicyVersion {
                path: format!("{ARCHIVE_PATH}{key}/"),
                current: false,
                label: version_label(policy.version.as_deref(), &approval_text, digits),
                approval_text,
                key,
                policy,
                changes: None,
                changes_path: None,
                text,
            });
        }
        versions.sort_by(|a, b| {
            (&a.policy.approval.date, &a.key).cmp(&(&b.policy.approval.date, &b.key))
        });

        let key = version_key(current);
        let mut current_archived = false;
        for v in &mut versions {
            if v.key != key {
                continue;
            }
            if v.text.same_text(current_text) {
                v.current = true;
                current_archived = true;
            } else {
                let stated = current.version.is_some();
                let (l, c) = if stated {
                    current.index.locate("version", None)
                } else {
                    current.index.locate("date", Some("approval:"))
                };
                let (ar, en) = if stated {
                    (
                        format!(
                            "نص السياسة تغيّر ورقم الإصدار {key:?} لم يتغيّر: الإصدار {key:?} المحفوظ في {ARCHIVE_DIR}/{key}/ نصه مختلف"
                        ),
                        format!(
                            "the policy's text changed but its version {key:?} did not: version {key:?} filed in {ARCHIVE_DIR}/{key}/ has a different text"
                        ),
                    )
                } else {
                    (
                        format!(
                            "نص السياسة تغيّر وتاريخ اعتمادها {key} لم يتغيّر: النص المحفوظ في {ARCHIVE_DIR}/{key}/ مختلف"
                        ),
                        format!(
                            "the policy's text changed but its approval date {key} did not: the text filed in {ARCHIVE_DIR}/{key}/ is different"
                        ),
                    )
                };
                problems.push(
                    Diagnostic::error(&current.index.file, l, c, Text::new(ar, en)).hint(Text::new(
                        "اكتب رقم الإصدار الجديد وبيانات اعتماده (version وapproval)، أو أرجع النص كما كان في الإصدار المحفوظ",
                        "write the new version and its approval (version, approval), or put the text back as it was filed",
                    )),
                );
            }
        }

        for i in 1..versions.len() {
            let (before, after) = versions.split_at_mut(i);
            let (prev, v) = (&before[i - 1], &mut after[0]);
            v.changes = Some(changes::compare(
                &prev.text,
                &v.text,
                changes::VersionRef::of(prev),
                changes::VersionRef::of(v),
            ));
            v.changes_path = Some(format!("{}changes/", v.path));
        }
        let last = versions.iter().rfind(|v| v.key != key);
        let current_changes = match (current_archived, versions.last()) {
            (false, Some(prev)) => Some(changes::compare(
                &prev.text,
                current_text,
                changes::VersionRef::of(prev),
                changes::VersionRef::current(current, calendar, digits),
            )),
            _ => None,
        };
        let changes_path = if current_changes.is_some() {
            Some(CURRENT_CHANGES_PATH.to_string())
        } else {
            versions
                .iter()
                .find(|v| v.current)
                .and_then(|v| v.changes_path.clone())
        };
        let current_label = version_label(
            current.version.as_deref(),
            &current.approval_text(calendar, digits),
            digits,
        );
        PolicyHistory {
            current_label,
            previous: last.is_some(),
            versions,
            current_changes,
            changes_path,
        }
    }
}
