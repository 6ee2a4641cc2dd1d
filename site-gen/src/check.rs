//! The checks that need the whole site: the menu's paths, internal links and `#anchors` of every
//! piece of Markdown (against the pages and ids actually rendered), and the policy's dates.

use std::collections::{HashMap, HashSet};

use forms::dates::Day;
use percent_encoding::percent_decode_str;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::document::position;
use crate::markdown;
use crate::model::{Origin, Site};
use crate::render::Output;

/// The served pages of a built site and the ids each holds.
pub struct Targets {
    pages: HashMap<String, HashSet<String>>,
}

impl Targets {
    /// Indexes the rendered files.
    pub fn new(outputs: &[Output]) -> Self {
        let pages = outputs
            .iter()
            .map(|o| {
                let ids = if o.path.ends_with(".html") {
                    ids_in(&String::from_utf8_lossy(&o.bytes))
                } else {
                    HashSet::new()
                };
                (o.url_path(), ids)
            })
            .collect();
        Targets { pages }
    }

    /// Whether `path` is a page of the site.
    pub fn has_page(&self, path: &str) -> bool {
        self.pages.contains_key(path)
    }

    /// The ids on the page at `path`.
    pub fn ids(&self, path: &str) -> Option<&HashSet<String>> {
        self.pages.get(path)
    }
}

/// Every `id="…"` in a page we rendered (attribute values are escaped, so a plain scan is exact).
fn ids_in(html: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    for (i, _) in html.match_indices(" id=\"") {
        let rest = &html[i + 5..];
        if let Some(end) = rest.find('"') {
            ids.insert(unescape(&rest[..end]));
        }
    }
    ids
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Runs the checks over the loaded site and its rendered files; `today` decides whether the next
/// review has passed. The menu and links are checked only when every file was `loaded`.
pub fn check_site(site: &Site, outputs: &[Output], today: Day, loaded: bool) -> Diagnostics {
    let targets = Targets::new(outputs);
    let mut d = Diagnostics::default();
    if loaded {
        check_nav(site, &targets, &mut d);
        check_links(site, &targets, &mut d);
    }
    check_dates(site, today, &mut d);
    check_placeholders(site, &mut d);
    d
}

/// Once the site says its contact details are real (`example_values: false`), a value that still
/// looks like a placeholder is an error where it is written: people would call or write to it.
fn check_placeholders(site: &Site, d: &mut Diagnostics) {
    if site.config.example_values {
        return;
    }
    let hint = "replace it with the association's own detail, or set `example_values: true` in site.yaml while the details are examples";
    let (file, text) = &site.config_file;
    for value in site.config.contact.values() {
        if forms::placeholder::looks_like_placeholder(value) {
            let (l, c) = forms::source::locate_value(text, value);
            d.push(
                Diagnostic::error(
                    file,
                    l,
                    c,
                    format!("{value:?} looks like a placeholder, but example_values is false"),
                )
                .hint(hint),
            );
        }
    }
    let channels = site.channels.channels.iter().map(|c| (&c.doc, &c.link));
    let categories = site
        .eligibility
        .iter()
        .flat_map(|g| g.categories.iter().map(|c| (&c.doc, &c.link)));
    for (doc, link) in channels.chain(categories) {
        let Some(link) = link.as_ref().filter(|l| l.example) else {
            continue;
        };
        let (l, c) = forms::source::locate_key_value(&doc.front, "url");
        d.push(
            Diagnostic::error(
                &doc.file,
                l + 1,
                c,
                format!(
                    "url {:?} looks like a placeholder, but example_values is false",
                    link.text
                ),
            )
            .hint(hint),
        );
    }
}
