//! Markdown of the content, rendered with the shared safe renderer, and the links it holds.

use pulldown_cmark::{Event, Parser, Tag};

use crate::anchors::Anchors;

/// Markdown to HTML; every heading gets a unique id on the page (its own `{#id}` if written).
pub fn to_html(text: &str, anchors: &mut Anchors) -> String {
    to_html_with_toc(text, anchors).0
}

/// A level-2 heading of a page, as its table of contents lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    pub id: String,
    pub title: String,
}

/// Like [`to_html`], and the page's level-2 headings in order, for its table of contents.
pub fn to_html_with_toc(text: &str, anchors: &mut Anchors) -> (String, Vec<TocEntry>) {
    let mut toc = Vec::new();
    let html = forms::render::markdown_with_ids(text, |level, plain, explicit| {
        let id = match explicit {
            Some(id) if anchors.claim(id) => id.to_string(),
            Some(id) => anchors.unique(id),
            None => anchors.unique(plain),
        };
        if level == 2 {
            toc.push(TocEntry {
                id: id.clone(),
                title: plain.to_string(),
            });
        }
        Some(id)
    });
    (html, toc)
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
    fn the_table_of_contents_lists_the_level_two_headings_by_their_anchors() {
        let mut a = Anchors::with_reserved(&["toc"]);
        let (html, toc) = to_html_with_toc(
            "## من نحن\n\n### رؤيتنا\n\n## التواصل مع `الجمعية`\n\n## من نحن\n",
            &mut a,
        );
        let ids: Vec<_> = toc.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["من-نحن", "التواصل-مع-الجمعية", "من-نحن-2"]);
        assert_eq!(toc[1].title, "التواصل مع الجمعية");
        for id in ids {
            assert!(html.contains(&format!("<h2 id=\"{id}\">")), "{html}");
        }
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
