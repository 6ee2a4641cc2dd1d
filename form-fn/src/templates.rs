//! Sets of the site's templates that the service renders (the public pages, the staff's pages,
//! the e-mails), each parsed when it is first needed, not as the service starts: a Lambda's cold
//! start (which the first request waits for) parses nothing, and the first request only what it
//! renders. A set that does not load is reported once in the log (`site-gen check` reports such
//! a template before any deployment: the site's build parses every template).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use forms::SiteConfig;
use forms::render::Renderer;

/// Templates picked from the site's, with those they use, parsed at their first use.
pub(crate) struct Templates {
    /// The sources, with the templates they extend, include or import.
    sources: Vec<(String, String)>,
    /// What the service does without them, for the log (e.g. "plain pages sent").
    if_broken: &'static str,
    /// The renderer, or why the templates do not load.
    parsed: OnceLock<Result<Renderer, String>>,
}

impl Templates {
    /// The templates of `all` that `rendered` picks, and what they use, not parsed yet.
    pub(crate) fn new(
        all: &[(String, String)],
        rendered: impl Fn(&str) -> bool,
        if_broken: &'static str,
    ) -> Self {
        Templates {
            sources: served(all, rendered)
                .into_iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
            if_broken,
            parsed: OnceLock::new(),
        }
    }

    /// The renderer of these templates for `site`, parsed at the first call; or why they do not
    /// load.
    pub(crate) fn renderer(&self, site: &SiteConfig) -> Result<&Renderer, &str> {
        self.parsed
            .get_or_init(|| {
                Renderer::new(site, self.sources.iter().map(|(n, t)| (n, t)))
                    .map_err(|e| e.to_string())
                    .inspect_err(|err| {
                        tracing::error!(error = %err, "templates do not load: {}", self.if_broken);
                    })
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// Whether they were parsed yet, and if so whether they loaded.
    #[cfg(test)]
    pub(crate) fn loaded(&self) -> Option<bool> {
        self.parsed.get().map(Result::is_ok)
    }
}

/// The templates of `all` that `rendered` picks, with every one they extend, include or import:
/// the site's own pages are site-gen's, and parsing them here only made the start longer.
pub(crate) fn served(
    all: &[(String, String)],
    rendered: impl Fn(&str) -> bool,
) -> Vec<(&str, &str)> {
    let find = |name: &str| all.iter().find(|(n, _)| n == name);
    let mut wanted: BTreeSet<&str> = all
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| rendered(n))
        .collect();
    let mut queue: Vec<&str> = wanted.iter().copied().collect();
    while let Some(name) = queue.pop() {
        let Some((_, text)) = find(name) else {
            continue;
        };
        for used in uses(text) {
            if let Some((n, _)) = find(used)
                && wanted.insert(n.as_str())
            {
                queue.push(n.as_str());
            }
        }
    }
    all.iter()
        .filter(|(n, _)| wanted.contains(n.as_str()))
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect()
}

/// The templates a Tera template names in its `extends`, `include` and `import` tags.
fn uses(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{%") {
        let tag = &rest[start + 2..];
        let Some(end) = tag.find("%}") else { break };
        let mut words = tag[..end]
            .trim_matches(|c: char| c == '-' || c.is_whitespace())
            .split_whitespace();
        if let (Some("extends" | "include" | "import"), Some(name)) = (words.next(), words.next()) {
            out.push(name.trim_matches(|c| c == '"' || c == '\''));
        }
        rest = &tag[end + 2..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extends_include_and_import_tags_are_read_with_their_whitespace_control() {
        let text = r#"{%- extends "base.html" -%}{% import 'macros.html' as m %}{% if x %}{% include "part.html" %}{% endif %}{{ y }}"#;
        assert_eq!(uses(text), ["base.html", "macros.html", "part.html"]);
    }
}
