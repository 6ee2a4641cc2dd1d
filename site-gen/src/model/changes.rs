//! What changed from one version of the policy to the next, section by section: sections added,
//! removed and reworded, and inside a reworded one the words added and removed (`<ins>`, `<del>`,
//! each with a visually hidden «أُضيف:» or «حُذف:» so that it reads without colour or styles).

use forms::render::escape_html;
use forms::{Calendar, Digits};
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::model::Policy;
use crate::model::history::{PolicyVersion, SectionText, VersionText};

/// A version as a changes page names it.
#[derive(Debug, Clone, Serialize)]
pub struct VersionRef {
    pub key: String,
    /// The version the policy states, if any.
    pub version: Option<String>,
    pub approval_text: String,
    /// Its name on the pages.
    pub label: String,
    /// Its page.
    pub path: String,
}

impl VersionRef {
    /// An archived version.
    pub fn of(v: &PolicyVersion) -> Self {
        VersionRef {
            key: v.key.clone(),
            version: v.policy.version.clone(),
            approval_text: v.approval_text.clone(),
            label: v.label.clone(),
            path: v.path.clone(),
        }
    }

    /// The version in force, shown at `/policy/`.
    pub fn current(policy: &Policy, calendar: Calendar, digits: Digits) -> Self {
        let approval_text = policy.approval_text(calendar, digits);
        VersionRef {
            key: crate::model::history::version_key(policy),
            version: policy.version.clone(),
            label: crate::model::history::version_label(
                policy.version.as_deref(),
                &approval_text,
                digits,
            ),
            approval_text,
            path: "/policy/".into(),
        }
    }
}

/// How a section changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Reworded,
}

/// One section that changed.
#[derive(Debug, Clone, Serialize)]
pub struct SectionChange {
    pub kind: ChangeKind,
    /// Its title in the newer version (the older one's for a removed section).
    pub title: String,
    /// Its title before, when the title itself was reworded.
    pub old_title: Option<String>,
    /// The title with its words marked, when it was reworded.
    pub title_html: Option<String>,
    /// The text with the words added and removed marked (all of it for an added or removed
    /// section).
    pub html: String,
}

/// What changed from `from` to `to`.
#[derive(Debug, Clone, Serialize)]
pub struct Changes {
    pub from: VersionRef,
    pub to: VersionRef,
    pub sections: Vec<SectionChange>,
    /// The titles of the sections that did not change.
    pub unchanged: Vec<String>,
}

/// Compares two versions section by section. A section is the same section in both when its
/// file has the same name, or else the same title.
pub fn compare(old: &VersionText, new: &VersionText, from: VersionRef, to: VersionRef) -> Changes {
    let mut matched = vec![None; new.sections.len()];
    let mut used = vec![false; old.sections.len()];
    for (i, n) in new.sections.iter().enumerate() {
        if let Some(j) = old.sections.iter().position(|o| o.file_name == n.file_name) {
            matched[i] = Some(j);
            used[j] = true;
        }
    }
    for (i, n) in new.sections.iter().enumerate() {
        if matched[i].is_some() {
            continue;
        }
        if let Some(j) = (0..old.sections.len())
            .find(|&j| !used[j] && old.sections[j].title.trim() == n.title.trim())
        {
            matched[i] = Some(j);
            used[j] = true;
        }
    }

    let mut sections = Vec::new();
    let mut unchanged = Vec::new();
    let intro_changed = plain(&old.intro) != plain(&new.intro);
    if intro_changed {
        sections.push(SectionChange {
            kind: ChangeKind::Reworded,
            title: "النص قبل المحتويات".into(),
            old_title: None,
            title_html: None,
            html: words_html(&plain(&old.intro), &plain(&new.intro)),
        });
    }
    let mut removed_upto = 0;
    let removed = |j: usize| SectionChange {
        kind: ChangeKind::Removed,
        title: old.sections[j].title.clone(),
        old_title: None,
        title_html: None,
        html: words_html(&plain(&old.sections[j].body), ""),
    };
    for (i, n) in new.sections.iter().enumerate() {
        match matched[i] {
            Some(j) => {
                // Sections removed before this one's place in the older version come first.
                for (k, u) in used.iter_mut().enumerate().take(j).skip(removed_upto) {
                    if !*u {
                        sections.push(removed(k));
                        *u = true;
                    }
                }
                removed_upto = removed_upto.max(j + 1);
                if let Some(c) = reworded(&old.sections[j], n) {
                    sections.push(c);
                } else {
                    unchanged.push(n.title.clone());
                }
            }
            None => sections.push(SectionChange {
                kind: ChangeKind::Added,
                title: n.title.clone(),
                old_title: None,
                title_html: None,
                html: words_html("", &plain(&n.body)),
            }),
        }
    }
    for (k, u) in used.iter().enumerate() {
        if !u {
            sections.push(removed(k));
        }
    }
    Changes {
        from,
        to,
        sections,
        unchanged,
    }
}

fn reworded(old: &SectionText, new: &SectionText) -> Option<SectionChange> {
    let (before, after) = (plain(&old.body), plain(&new.body));
    let title_changed = old.title.trim() != new.title.trim();
    if !title_changed && before == after {
        return None;
    }
    Some(SectionChange {
        kind: ChangeKind::Reworded,
        title: new.title.clone(),
        old_title: title_changed.then(|| old.title.clone()),
        title_html: title_changed.then(|| words_html(old.title.trim(), new.title.trim())),
        html: words_html(&before, &after),
    })
}

/// The text a reader sees of some Markdown: one line per paragraph, heading or list item (items
/// marked «•»), markup left out, words separated by single spaces.
pub fn plain(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = String::new();
    let mut line = String::new();
    let flush = |line: &mut String, out: &mut String| {
        let words: Vec<&str> = line.split_whitespace().collect();
        if !words.is_empty() {
            out.push_str(&words.join(" "));
            out.push('\n');
        }
        line.clear();
    };
    for event in Parser::new_ext(markdown, forms::render::markdown_options()) {
        match event {
            Event::Text(t) | Event::Code(t) => line.push_str(&t),
            Event::SoftBreak | Event::HardBreak => line.push(' '),
            Event::Start(Tag::Item) => {
                flush(&mut line, &mut out);
                line.push_str("• ");
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::BlockQuote(_),
            ) => flush(&mut line, &mut out),
            Event::End(TagEnd::TableCell) => line.push_str(" | "),
            _ => {}
        }
    }
    flush(&mut line, &mut out);
    out.trim_end().to_string()
}

/// `old` and `new` as one text, the words only in `old` in `<del>`, those only in `new` in
/// `<ins>`, lines broken with `<br>`; escaped. Between two unchanged words, everything removed is
/// shown first, then everything added, so that each reads as a phrase.
pub fn words_html(old: &str, new: &str) -> String {
    let diff = TextDiff::from_words(old, new);
    let changes: Vec<(ChangeTag, &str)> = diff
        .iter_all_changes()
        .map(|c| (c.tag(), c.value()))
        .collect();
    // A space between two changes belongs to the change; a line break ends it.
    let joins = |i: usize| {
        let (tag, value) = changes[i];
        tag == ChangeTag::Equal
            && value.trim().is_empty()
            && !value.contains('\n')
            && changes.get(i + 1).is_some_and(|n| n.0 != ChangeTag::Equal)
    };
    let mut out = String::new();
    let mut i = 0;
    while i < changes.len() {
        if changes[i].0 == ChangeTag::Equal {
            out.push_str(&lines_html(changes[i].1));
            i += 1;
            continue;
        }
        let (mut removed, mut added) = (String::new(), String::new());
        while i < changes.len() && (changes[i].0 != ChangeTag::Equal || joins(i)) {
            let (tag, value) = changes[i];
            if tag != ChangeTag::Insert {
                removed.push_str(value);
            }
            if tag != ChangeTag::Delete {
                added.push_str(value);
            }
            i += 1;
        }
        let (removed, added) = (removed.trim(), added.trim());
        if !removed.is_empty() {
            out.push_str(&format!(
                "<del><span class=\"visually-hidden\">حُذف: </span>{}</del>",
                lines_html(removed)
            ));
        }
        if !removed.is_empty() && !added.is_empty() {
            out.push(' ');
        }
        if !added.is_empty() {
            out.push_str(&format!(
                "<ins><span class=\"visually-hidden\">أُضيف: </span>{}</ins>",
                lines_html(added)
            ));
        }
    }
    out
}

fn lines_html(text: &str) -> String {
    escape_html(text).replace('\n', "<br>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reworded_words_are_marked_and_labelled() {
        let html = words_html("نرد خلال أسبوعين من الطلب", "نرد خلال عشرة أيام من الطلب");
        assert!(
            html.contains("<del><span class=\"visually-hidden\">حُذف: </span>أسبوعين</del> <ins>"),
            "{html}"
        );
        assert!(
            html.contains("<ins><span class=\"visually-hidden\">أُضيف: </span>عشرة أيام</ins>"),
            "{html}"
        );
        assert!(html.starts_with("نرد خلال "), "{html}");
    }

    #[test]
    fn markdown_reads_as_lines_of_words() {
        assert_eq!(
            plain("فقرة **مهمة**\nتتمة.\n\n- أول\n- [ثانٍ](/x/)\n"),
            "فقرة مهمة تتمة.\n• أول\n• ثانٍ"
        );
    }

    #[test]
    fn a_reworded_phrase_is_removed_then_added_whole() {
        let html = words_html(
            "نص المقدمة. راجع الاعتماد.\nتتمة",
            "نص المقدمة الجديد والموسع.\nتتمة",
        );
        assert_eq!(
            html,
            "نص <del><span class=\"visually-hidden\">حُذف: </span>المقدمة. راجع الاعتماد.</del> \
             <ins><span class=\"visually-hidden\">أُضيف: </span>المقدمة الجديد والموسع.</ins><br>\nتتمة"
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(words_html("a <b>", "a <b>"), "a &lt;b&gt;");
    }
}
