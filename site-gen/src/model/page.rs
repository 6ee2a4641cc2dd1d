//! Generic pages (`pages/*.md`), served at `/{slug}/`, that staff add without touching templates.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::anchors::Anchors;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::markdown::{self, TocEntry};
use forms::Text;

/// First path segments the site uses itself; a page cannot take them.
pub const RESERVED_SLUGS: [&str; 14] = [
    "policy",
    "privacy",
    "accessibility",
    "channels",
    "eligibility",
    "forms",
    "track",
    "assets",
    "api",
    "admin",
    "404.html",
    "429.html",
    "sitemap.xml",
    "robots.txt",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PageMeta {
    title: String,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    description: Option<String>,
    /// `false`: no table of contents; `true`: one even for a single section; unset: one when
    /// the page has two sections (`##` headings) or more.
    #[serde(default)]
    toc: Option<bool>,
}

/// A generic page. Its Markdown is rendered only when the page is ([`Page::content`]), so that
/// a site of many pages never holds the HTML of all of them.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub slug: String,
    pub path: String,
    pub title: String,
    pub description: Option<String>,
    /// `toc:` of the front matter: shown, not shown, or (unset) shown for two sections or more.
    #[serde(skip)]
    pub toc_setting: Option<bool>,
    #[serde(skip)]
    pub doc: Document,
}

/// A generic page as its template sees it (`content`): the page with its Markdown rendered.
#[derive(Debug, Serialize)]
pub struct PageContent<'a> {
    #[serde(flatten)]
    pub page: &'a Page,
    pub html: String,
    /// The page's sections (`##` headings), when it shows a table of contents; else empty.
    pub toc: Vec<TocEntry>,
}

impl Page {
    /// The page with its Markdown rendered; every heading gets an id unique on the page.
    pub fn content(&self) -> PageContent<'_> {
        let mut anchors = Anchors::with_reserved(&["main", "top", "toc", "toc-title"]);
        let (html, mut toc) = markdown::to_html_with_toc(&self.doc.body, &mut anchors);
        if !self.toc_setting.unwrap_or(toc.len() >= 2) {
            toc.clear();
        }
        PageContent {
            page: self,
            html,
            toc,
        }
    }
}

impl Page {
    /// Reads the pages; `stems` are their file names without `.md`. A slug used twice, or one the
    /// site uses itself, is an error.
    pub fn load_all(files: Vec<(String, Document)>, problems: &mut Vec<Diagnostic>) -> Vec<Page> {
        let mut seen: std::collections::HashMap<String, String> = Default::default();
        let mut pages = Vec::new();
        // The front matter of each page in parallel; the checks across pages (slugs) in order.
        let read: Vec<_> = files
            .into_par_iter()
            .map(|(stem, doc)| (stem, doc.front_matter::<PageMeta>(), doc))
            .collect();
        for (stem, meta, doc) in read {
            let meta: PageMeta = match meta {
                Ok(m) => m,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            let slug = meta.slug.clone().unwrap_or(stem);
            let (l, c) = if meta.slug.is_some() {
                doc.locate("slug", None)
            } else {
                (1, 1)
            };
            if !crate::model::policy::valid_slug(&slug) {
                problems.push(
                    Diagnostic::error(
                        &doc.file,
                        l,
                        c,
                        Text::new(
                            format!("المعرّف slug {slug:?} لا يصلح عنوانًا"),
                            format!("slug {slug:?} cannot be an address"),
                        ),
                    )
                    .hint(Text::new(
                        "استعمل الحروف والأرقام والشرطة - فقط، مثل about أو من-نحن",
                        "use letters, digits and - only, e.g. about or من-نحن",
                    )),
                );
                continue;
            }
            if RESERVED_SLUGS.contains(&slug.as_str()) {
                problems.push(
                    Diagnostic::error(
                        &doc.file,
                        l,
                        c,
                        Text::new(
                            format!("المعرّف slug {slug:?} عنوان صفحة يصنعها الموقع بنفسه"),
                            format!("slug {slug:?} is the address of a page the site makes itself"),
                        ),
                    )
                    .hint(Text::new("اختر معرّفًا آخر", "choose another slug")),
                );
                continue;
            }
            if let Some(other) = seen.insert(slug.clone(), doc.file.clone()) {
                problems.push(
                    Diagnostic::error(
                        &doc.file,
                        l,
                        c,
                        Text::new(
                            format!("المعرّف slug {slug:?} مكرر: هو أيضًا في {other}"),
                            format!("duplicate slug {slug:?}: {other} has it too"),
                        ),
                    )
                    .hint(Text::new(
                        "أعطِ إحدى الصفحتين `slug:` آخر أو اسم ملف آخر",
                        "give one of the pages another `slug:` or file name",
                    )),
                );
                continue;
            }
            pages.push(Page {
                path: format!("/{slug}/"),
                slug,
                title: meta.title,
                description: meta.description,
                toc_setting: meta.toc,
                doc,
            });
        }
        pages
    }
}
