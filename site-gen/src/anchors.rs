//! Anchors (HTML ids) made from headings, Arabic kept: "الهدف العام" becomes `الهدف-العام`.
//!
//! Letters and digits of every script are kept (ASCII letters lower-cased); tashkeel and other
//! combining marks, tatweel and punctuation are dropped; runs of spaces and dashes become one `-`.
//! Ids are unique within a page: a second "مقدمة" becomes `مقدمة-2`.

use std::collections::HashSet;

/// The tatweel (kashida), a letter by Unicode's reckoning but only a stretch of the line.
const TATWEEL: char = '\u{0640}';

/// The anchor for `text`; `section` when nothing is left of it.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        // Tashkeel are letters by Unicode's `Alphabetic` (Other_Alphabetic), but combining marks.
        if c == TATWEEL || unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' || c == '/' {
            dash = true;
        }
    }
    if out.is_empty() {
        "section".to_string()
    } else {
        out
    }
}

/// The ids already given on one page.
#[derive(Debug, Default, Clone)]
pub struct Anchors {
    used: HashSet<String>,
}

impl Anchors {
    /// A page whose template already uses `reserved` ids.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Anchors {
            used: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// A unique id for `text`: its slug, with `-2`, `-3`… when taken.
    pub fn unique(&mut self, text: &str) -> String {
        self.take(slugify(text))
    }

    /// Claims `id` as written; `false` when the page already has it.
    pub fn claim(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    fn take(&mut self, base: String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| self.used.insert(id.clone()))
            .expect("an unused number")
    }
}

/// Every `id="…"` in a page we rendered (attribute values are escaped, so a plain scan is exact).
/// The page is scanned as bytes: only the ids are read as text.
pub fn ids_in(html: &[u8]) -> HashSet<String> {
    let mut ids = HashSet::new();
    for at in memchr::memmem::find_iter(html, b" id=\"") {
        let rest = &html[at + 5..];
        if let Some(end) = memchr::memchr(b'"', rest) {
            ids.insert(unescape(&String::from_utf8_lossy(&rest[..end])));
        }
    }
    ids
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_headings_keep_their_letters() {
        assert_eq!(slugify("الهدف العام"), "الهدف-العام");
        assert_eq!(
            slugify("مبادئ العلاقة مع المستفيدين"),
            "مبادئ-العلاقة-مع-المستفيدين"
        );
    }

    #[test]
    fn tashkeel_tatweel_and_punctuation_are_dropped() {
        assert_eq!(slugify("مَهَيِّدًا"), "مهيدا");
        assert_eq!(slugify("الـهـدف العام ."), "الهدف-العام");
        assert_eq!(
            slugify("المستفيدون من البرامج المجتمعية (الأسر، الأيتام، ذوو الإعاقة)"),
            "المستفيدون-من-البرامج-المجتمعية-الأسر-الأيتام-ذوو-الإعاقة"
        );
        assert_eq!(slugify("نظام (CRM) إن وجد"), "نظام-crm-إن-وجد");
        assert_eq!(
            slugify("الأدوات المتاحة لموظف علاقات المستفيدين:"),
            "الأدوات-المتاحة-لموظف-علاقات-المستفيدين"
        );
    }

    #[test]
    fn arabic_indic_digits_are_kept_and_empty_headings_get_a_name() {
        assert_eq!(slugify("المادة ٥"), "المادة-٥");
        assert_eq!(slugify("؟!"), "section");
    }

    #[test]
    fn ids_are_unique_on_a_page() {
        let mut a = Anchors::with_reserved(&["main"]);
        assert_eq!(a.unique("مقدمة"), "مقدمة");
        assert_eq!(a.unique("مقدمة"), "مقدمة-2");
        assert_eq!(a.unique("مقدمة"), "مقدمة-3");
        assert_eq!(a.unique("main"), "main-2");
        assert!(!a.claim("مقدمة"));
    }
}
