//! What the two listing pages (the channel directory and the eligibility guide) share: the
//! heading read from `_index.md`, and an anchor for each entry from its slug or its title.

use forms::FormDef;
use serde::Deserialize;

use crate::anchors::Anchors;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::markdown;
use forms::Text;

/// The title and introduction of a listing page (`_index.md`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IndexMeta {
    title: String,
    #[serde(default)]
    description: Option<String>,
}

/// A listing page's title, description and introduction (HTML). Without `_index.md`, or when it
/// cannot be read (the problem is reported), the page is titled `default_title`.
pub fn heading(
    index: Option<Document>,
    default_title: &str,
    anchors: &mut Anchors,
    problems: &mut Vec<Diagnostic>,
) -> (String, Option<String>, String) {
    match index.map(|d| (d.front_matter::<IndexMeta>(), d)) {
        Some((Ok(m), d)) => (m.title, m.description, markdown::to_html(&d.body, anchors)),
        Some((Err(e), _)) => {
            problems.push(e);
            (default_title.to_string(), None, String::new())
        }
        None => (default_title.to_string(), None, String::new()),
    }
}

/// An entry's anchor: its `slug` if it gave one that is free, else one made from its title. A
/// slug already taken is reported (`what` names the kind of entry: "channel", "category").
pub fn entry_id(
    doc: &Document,
    slug: Option<&str>,
    title: &str,
    what: &str,
    anchors: &mut Anchors,
    problems: &mut Vec<Diagnostic>,
) -> String {
    match slug {
        Some(s) if anchors.claim(s) => s.to_string(),
        Some(s) => {
            let (l, c) = doc.locate("slug", None);
            problems.push(
                Diagnostic::error(
                    &doc.file,
                    l,
                    c,
                    Text::new(
                        format!("المعرّف slug {s:?} مكرر: تستعمله {} أخرى", what_ar(what)),
                        format!("duplicate slug {s:?}: another {what} uses it"),
                    ),
                )
                .hint(Text::new(
                    format!("لكل {} معرّف slug خاص بها؛ غيّر أحدهما", what_ar(what)),
                    format!("every {what} needs its own slug; change one of them"),
                )),
            );
            anchors.unique(s)
        }
        None => anchors.unique(title),
    }
}

/// The ids of the forms, for messages that name a missing one.
pub fn form_ids(forms: &[FormDef]) -> String {
    forms
        .iter()
        .map(|f| f.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Arabic word for the kind of entry (`channel`, `category`).
fn what_ar(what: &str) -> &str {
    match what {
        "channel" => "قناة",
        "category" => "فئة",
        other => other,
    }
}
