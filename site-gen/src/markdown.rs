//! Markdown of the content, rendered with the shared safe renderer, and the links it holds.

use pulldown_cmark::{Event, Parser, Tag};

use crate::anchors::Anchors;

/// Markdown to HTML; every heading gets a unique id on the page (its own `{#id}` if written).
pub fn to_html(text: &str, anchors: &mut Anchors) -> String {
    forms::render::markdown_with_ids(text, |plain, explicit| {
        Some(match explicit {
            Some(id) if anchors.claim(id) => id.to_string(),
            Some(id) => anchors.unique(id),
            None => anchors.unique(plain),
        })
    })
}

/// Markdown of one line (a list item, a criterion) to HTML without the surrounding paragraph.
pub fn inline_html(text: &str) -> String {
    let html = forms::render::markdown(text);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

/// A link written in Markdown: its destination and the byte offset where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub dest: String,
    pub offset: usize,
}

/// Every link and image in `text`.
pub fn links(text: &str) -> Vec<Link> {
    Parser::new_ext(text, forms::render::markdown_options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => Some(Link {
                dest: dest_url.to_string(),
                offset: range.start,
            }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_arabic_ids_unique_on_the_page() {
        let mut a = Anchors::with_reserved(&["مقدمة"]);
        let html = to_html("## مقدمة\n\n### اعتماد مجلس الإدارة {#اعتماد}\n", &mut a);
        assert!(html.contains("<h2 id=\"مقدمة-2\">مقدمة</h2>"), "{html}");
        assert!(
            html.contains("<h3 id=\"اعتماد\">اعتماد مجلس الإدارة</h3>"),
            "{html}"
        );
    }

    #[test]
    fn one_line_has_no_paragraph() {
        assert_eq!(
            inline_html("**التسجيل** عبر المنصات."),
            "<strong>التسجيل</strong> عبر المنصات."
        );
    }

    #[test]
    fn links_are_found_with_their_offsets() {
        let text = "نص\n\nاطّلع على [دليل الأهلية](/eligibility/).";
        let l = links(text);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].dest, "/eligibility/");
        assert_eq!(&text[l[0].offset..l[0].offset + 1], "[");
    }
}
