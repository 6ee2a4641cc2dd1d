//! The rendering setup the site and the form service share, so that the service answers in the
//! site's own look: one Tera environment with the same filters, the base context every page
//! gets, Markdown made safe, and the fingerprinted addresses of the stylesheet and script.
//!
//! Filters registered on every [`Renderer`]:
//! - `digits`: writes a number or text in the site's digits (`site.digits`);
//! - `date`: an ISO date (`2025-10-20`) or an RFC 3339 timestamp in Arabic words, in the site's
//!   calendar setting, e.g. "٢٣ شعبان ١٤٤٢هـ الموافق ٥ أبريل ٢٠٢١م";
//! - `count(noun=…, case=…)`: a number with the noun it counts in Arabic grammar, in the site's
//!   digits: `{{ 3 | count(noun="days") }}` is «3 أيام», `{{ 11 | count(noun="days") }}` «11 يومًا»;
//!   nouns are those of [`crate::plural::noun`]; `case="oblique"` after a preposition («خلال يومين»);
//! - `duration(case=…)`: a number of days in the largest whole unit, «3 سنوات» for 1095;
//! - `markdown`: Markdown to HTML; raw HTML in the source is shown as text, never run;
//! - `control`: a form field (as serialised from [`crate::Field`]) to the attributes of its HTML
//!   control, from the field type's own rules: `{type, inputmode, autocomplete, dir, maxlength,
//!   minlength, kind, multiple, condition}` where `kind` is `input`, `textarea`, `choice` or
//!   `rating`, and `condition` (with `form=form`, for a field with `required_if`) is
//!   `{field, values, text}`.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::dates;
use crate::definition::{Field, FieldType};
use crate::digits;
use crate::digits::Digits;
use crate::plural::{self, Case};
use crate::site::{Calendar, SiteConfig};

/// The templates every site has, by file name, in `templates/`.
pub const TEMPLATES: [&str; 16] = [
    "base.html",
    "macros.html",
    "error_summary.html",
    "form_body.html",
    "home.html",
    "policy.html",
    "channels.html",
    "eligibility.html",
    "page.html",
    "privacy.html",
    "accessibility.html",
    "form.html",
    "track.html",
    "received.html",
    "error.html",
    "sitemap.xml",
];

/// The stylesheet's and the script's file names in `templates/`.
pub const CSS_FILE: &str = "site.css";
/// The progressive-enhancement script's file name in `templates/`.
pub const JS_FILE: &str = "enhance.js";

/// The published addresses of the stylesheet and the script, named by a hash of their bytes so
/// that browsers may keep them for a year and still never use a stale copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assets {
    pub css_url: String,
    pub js_url: String,
}

impl Assets {
    /// The addresses of the given stylesheet and script.
    pub fn new(css: &[u8], js: &[u8]) -> Self {
        Assets {
            css_url: fingerprinted("site", "css", css),
            js_url: fingerprinted("enhance", "js", js),
        }
    }
}

/// `/assets/{stem}.{hash}.{ext}`: the hash is FNV-1a 64 of the bytes, the same on every machine.
pub fn fingerprinted(stem: &str, ext: &str, bytes: &[u8]) -> String {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    h.write(bytes);
    format!("/assets/{stem}.{:016x}.{ext}", h.finish())
}

/// What the base layout needs to know about the page being rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageInfo {
    /// The page's title, without the association's name.
    pub title: String,
    /// The page's path on the site, such as `/policy/`.
    pub path: String,
    /// One sentence for search engines and social cards; defaults to the site's.
    pub description: Option<String>,
    /// Whether search engines should leave the page out (answers of the service, 404).
    pub noindex: bool,
}

impl PageInfo {
    /// A page to be indexed, with the site's description.
    pub fn new(title: impl Into<String>, path: impl Into<String>) -> Self {
        PageInfo {
            title: title.into(),
            path: path.into(),
            description: None,
            noindex: false,
        }
    }
}

/// A contact detail of `site.yaml`, or an address content gives, as the pages show it: a link, or
/// plain text when it has no address to open or is an example value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactLink {
    /// The key in `site.yaml` (`phone`, `whatsapp`, `email`, `address`, `map_url`, `social`), or
    /// `url` for an address given by a channel or a category.
    pub key: String,
    pub label: String,
    pub text: String,
    /// What the link opens; `None` for plain text, and always for an example value.
    pub href: Option<String>,
    /// Written left to right (numbers, e-mail and web addresses).
    pub ltr: bool,
    /// A placeholder, not the association's own detail: shown as text marked «(مثال)», never as a
    /// link, so that no one calls or writes to a stranger.
    pub example: bool,
}

impl ContactLink {
    fn new(
        key: &str,
        label: &str,
        text: &str,
        href: Option<String>,
        ltr: bool,
        example: bool,
    ) -> Self {
        ContactLink {
            key: key.to_string(),
            label: label.to_string(),
            text: text.to_string(),
            href: if example { None } else { href },
            ltr,
            example,
        }
    }

    /// A web address given by a channel or a category (`url:`); an example when it looks like a
    /// placeholder.
    pub fn web(label: &str, url: &str) -> Self {
        let text = url.trim_start_matches("https://").trim_end_matches('/');
        let example = crate::placeholder::looks_like_placeholder(url);
        ContactLink::new("url", label, text, Some(url.to_string()), true, example)
    }
}

/// The links for one contact key of `site.yaml` (`tel:`, WhatsApp, `mailto:`, map, accounts).
/// While `site.example_values` is set, every one is an example: text, never a link.
pub fn contact_links(site: &SiteConfig, key: &str) -> Vec<ContactLink> {
    let contact = &site.contact;
    let link = |label: &str, text: &str, href: Option<String>, ltr: bool| {
        ContactLink::new(key, label, text, href, ltr, site.example_values)
    };
    let dial = |n: &str| -> String {
        n.chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect()
    };
    match key {
        "phone" => contact
            .phone
            .iter()
            .map(|p| link("الهاتف", p, Some(format!("tel:{}", dial(p))), true))
            .collect(),
        "whatsapp" => contact
            .whatsapp
            .iter()
            .map(|p| {
                let number = dial(p).trim_start_matches('+').to_string();
                link("واتساب", p, Some(format!("https://wa.me/{number}")), true)
            })
            .collect(),
        "email" => contact
            .email
            .iter()
            .map(|e| link("البريد الإلكتروني", e, Some(format!("mailto:{e}")), true))
            .collect(),
        "address" => contact
            .address
            .iter()
            .map(|a| link("العنوان", a, contact.map_url.clone(), false))
            .collect(),
        "map_url" => contact
            .map_url
            .iter()
            .map(|u| link("الخريطة", "الموقع على الخريطة", Some(u.clone()), false))
            .collect(),
        "social" => contact
            .social
            .iter()
            .map(|s| {
                let text = s.url.trim_start_matches("https://").trim_end_matches('/');
                link(&s.name, text, Some(s.url.clone()), true)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Every contact detail of the site, in the order the footer shows them.
pub fn all_contact_links(site: &SiteConfig) -> Vec<ContactLink> {
    ["phone", "whatsapp", "email", "address", "social"]
        .iter()
        .flat_map(|k| contact_links(site, k))
        .collect()
}

/// The context every template starts from: `site` (the `SiteConfig` as-is), `page` (the
/// [`PageInfo`] plus `url`, its canonical address), `contacts` (every contact detail as a
/// [`ContactLink`]), `assets` and `live_reload` (false).
pub fn base_context(site: &SiteConfig, page: &PageInfo, assets: &Assets) -> Context {
    #[derive(Serialize)]
    struct Page<'a> {
        #[serde(flatten)]
        info: &'a PageInfo,
        url: String,
        description: &'a str,
    }
    let mut ctx = Context::new();
    ctx.insert("site", site);
    ctx.insert(
        "page",
        &Page {
            info: page,
            url: format!("{}{}", site.base_url, page.path),
            description: page.description.as_deref().unwrap_or(&site.description),
        },
    );
    ctx.insert("contacts", &all_contact_links(site));
    ctx.insert("assets", assets);
    ctx.insert("live_reload", &false);
    ctx
}

/// A template that could not be loaded or rendered, with every cause Tera gave.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RenderError(pub String);

impl From<tera::Error> for RenderError {
    fn from(err: tera::Error) -> Self {
        let mut text = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        RenderError(text)
    }
}

/// The shared Tera environment for one site.
pub struct Renderer {
    tera: Tera,
}

impl Renderer {
    /// Loads the templates (name, source) and registers the filters for `site`'s settings.
    pub fn new<N, S>(
        site: &SiteConfig,
        templates: impl IntoIterator<Item = (N, S)>,
    ) -> Result<Self, RenderError>
    where
        N: AsRef<str>,
        S: AsRef<str>,
    {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        let (d, c) = (site.digits, site.calendar);
        tera.register_filter("digits", move |v: &Value, _: &HashMap<String, Value>| {
            digits_filter(v, d)
        });
        tera.register_filter("date", move |v: &Value, _: &HashMap<String, Value>| {
            date_filter(v, c, d)
        });
        tera.register_filter("count", move |v: &Value, args: &HashMap<String, Value>| {
            count_filter(v, args, d)
        });
        tera.register_filter(
            "duration",
            move |v: &Value, args: &HashMap<String, Value>| {
                let n = v.as_u64().ok_or_else(|| {
                    tera::Error::msg(format!("duration: expected a number of days, got {v}"))
                })?;
                Ok(Value::String(plural::duration(n, case_arg(args)?, d)))
            },
        );
        tera.register_filter("markdown", MarkdownFilter);
        tera.register_filter("control", control_filter);
        tera.add_raw_templates(templates)?;
        Ok(Renderer { tera })
    }

    /// Renders the template `name` with `ctx`.
    pub fn render(&self, name: &str, ctx: &Context) -> Result<String, RenderError> {
        Ok(self.tera.render(name, ctx)?)
    }
}

/// Escapes text for HTML: `& < > " '` (Tera's default also escapes `/`, which makes every
/// address in the output unreadable for no gain).
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 16);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

fn digits_filter(v: &Value, d: Digits) -> tera::Result<Value> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => return Err(format!("digits: expected a number or text, got {other}").into()),
    };
    Ok(Value::String(digits::localise(&text, d)))
}

fn case_arg(args: &HashMap<String, Value>) -> tera::Result<Case> {
    match args.get("case").and_then(Value::as_str) {
        None | Some("nominative") => Ok(Case::Nominative),
        Some("oblique") => Ok(Case::Oblique),
        Some(other) => Err(format!("case {other:?}: use nominative or oblique").into()),
    }
}

fn count_filter(v: &Value, args: &HashMap<String, Value>, d: Digits) -> tera::Result<Value> {
    let n = v
        .as_u64()
        .ok_or_else(|| tera::Error::msg(format!("count: expected a whole number, got {v}")))?;
    let name = args.get("noun").and_then(Value::as_str).unwrap_or("");
    let noun = plural::noun(name).ok_or_else(|| {
        tera::Error::msg(format!(
            "count: noun {name:?} is not one of characters, days, weeks, months, years, pages, digits, channels, records"
        ))
    })?;
    Ok(Value::String(plural::count_noun(
        n,
        noun,
        case_arg(args)?,
        d,
    )))
}

fn date_filter(v: &Value, c: Calendar, d: Digits) -> tera::Result<Value> {
    let text = v.as_str().ok_or_else(|| {
        tera::Error::msg(format!("date: expected a date such as 2025-10-20, got {v}"))
    })?;
    dates::display(text, c, d)
        .map(Value::String)
        .ok_or_else(|| {
            format!("date: {text:?} is not a date such as 2025-10-20 or 2025-10-20T09:30:00Z")
                .into()
        })
}

fn control_filter(v: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let as_field = |v: &Value| -> tera::Result<Field> {
        serde_json::from_value(v.clone())
            .map_err(|e| tera::Error::msg(format!("control: expected a form field, got {v}: {e}")))
    };
    let field = as_field(v)?;
    // The field a `required_if` names, from the form given as `form=`.
    let other = match (&field.required_if, args.get("form")) {
        (Some(cond), Some(form)) => form["fields"]
            .as_array()
            .and_then(|fs| fs.iter().find(|f| f["name"] == cond.field.as_str()))
            .map(as_field)
            .transpose()?,
        _ => None,
    };
    Ok(control(&field, other.as_ref()))
}

/// The attributes of a field's HTML control (see the `control` filter); `other` is the field its
/// `required_if` names, if any, which gives `condition`: `{field, values, text}` (the other
/// field's name, the answers that make this one required, and "مطلوب إذا …" for the page).
pub fn control(field: &Field, other: Option<&Field>) -> Value {
    let condition = field.required_if.as_ref().zip(other).map(|(c, other)| {
        serde_json::json!({
            "field": c.field,
            "values": c.any_of,
            "text": c.describe(other),
        })
    });
    let kind = match field.kind {
        FieldType::Textarea => "textarea",
        FieldType::Choice => "choice",
        FieldType::Rating => "rating",
        _ => "input",
    };
    serde_json::json!({
        "kind": kind,
        "type": field.kind.input_type(),
        "inputmode": field.kind.input_mode(),
        "autocomplete": field.autocomplete_token(),
        "dir": if field.kind.is_ltr() { Some("ltr") } else { None },
        "maxlength": field.max_len(),
        "minlength": field.min_length,
        "multiple": field.kind == FieldType::Choice && field.multiple,
        "condition": condition,
    })
}

struct MarkdownFilter;

impl tera::Filter for MarkdownFilter {
    fn filter(&self, v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        match v {
            Value::Null => Ok(Value::String(String::new())),
            Value::String(s) => Ok(Value::String(markdown(s))),
            other => Err(format!("markdown: expected text, got {other}").into()),
        }
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// The Markdown extensions content may use.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Markdown to HTML, safely: raw HTML is shown as text and `javascript:` links go nowhere.
pub fn markdown(text: &str) -> String {
    markdown_with_ids(text, |_, _, explicit| explicit.map(str::to_string))
}

/// Markdown to HTML like [`markdown`], giving each heading the id that
/// `id_for(level, text, explicit)` returns, where `level` is 1 to 6, `text` the heading's plain
/// text and `explicit` an id written in the source (`## عنوان {#id}`).
pub fn markdown_with_ids(
    text: &str,
    mut id_for: impl FnMut(u8, &str, Option<&str>) -> Option<String>,
) -> String {
    let mut events: Vec<Event> = Vec::new();
    let mut heading: Option<(usize, String)> = None;
    for event in Parser::new_ext(text, markdown_options()) {
        let event = match event {
            Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: safe_url(dest_url),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: safe_url(dest_url),
                title,
                id,
            }),
            other => other,
        };
        match &event {
            Event::Start(Tag::Heading { .. }) => heading = Some((events.len(), String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, plain)) = heading.as_mut() {
                    plain.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((at, plain)) = heading.take()
                    && let Event::Start(Tag::Heading { id, level, .. }) = &mut events[at]
                {
                    let explicit = id.as_ref().map(|s| s.to_string());
                    *id = id_for(*level as u8, plain.trim(), explicit.as_deref()).map(CowStr::from);
                }
            }
            _ => {}
        }
        events.push(event);
    }
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let scheme = url
        .trim_start()
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if url.contains(':') && matches!(scheme.as_str(), "javascript" | "vbscript" | "data") {
        CowStr::Borrowed("#")
    } else {
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(digits: &str) -> SiteConfig {
        SiteConfig::from_yaml(
            "site.yaml",
            &format!(
                "name: جمعية\nshort_name: ج\ndescription: وصف\nbase_url: https://x.example.org\ndigits: {digits}\n"
            ),
        )
        .unwrap()
    }

    #[test]
    fn raw_html_in_markdown_is_shown_not_run() {
        let html = markdown("نص <script>alert(1)</script> و[رابط](javascript:alert(1))");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("href=\"#\""), "{html}");
    }

    #[test]
    fn headings_get_the_ids_given() {
        let html = markdown_with_ids(
            "### اعتماد مجلس الإدارة\n\nنص",
            |level, text, _| Some(format!("{level}-{}", text.replace(' ', "-"))),
        );
        assert!(
            html.contains("<h3 id=\"3-اعتماد-مجلس-الإدارة\">اعتماد مجلس الإدارة</h3>"),
            "{html}"
        );
    }

    #[test]
    fn filters_follow_the_site_settings() {
        let r = Renderer::new(
            &site("arabic-indic"),
            [(
                "t.html",
                "{{ v | digits }}|{{ d | date }}|{{ m | markdown }}|{{ u }}",
            )],
        )
        .unwrap();
        let mut ctx = Context::new();
        ctx.insert("v", "1.0");
        ctx.insert("d", "2021-04-05");
        ctx.insert("m", "**مهم**");
        ctx.insert("u", "/policy/#أ");
        let out = r.render("t.html", &ctx).unwrap();
        assert_eq!(
            out,
            "١.٠|٢٣ شعبان ١٤٤٢هـ الموافق ٥ أبريل ٢٠٢١م|<p><strong>مهم</strong></p>\n|/policy/#أ"
        );
    }

    #[test]
    fn numbers_count_their_nouns_in_the_sites_digits() {
        let r = Renderer::new(
            &site("arabic-indic"),
            [(
                "t.html",
                "{% for n in ns %}{{ n | count(noun=\"days\", case=\"oblique\") }}|{% endfor %}{{ 1095 | duration }}",
            )],
        )
        .unwrap();
        let mut ctx = Context::new();
        ctx.insert("ns", &[1, 2, 3, 14, 100]);
        assert_eq!(
            r.render("t.html", &ctx).unwrap(),
            "يوم واحد|يومين|٣ أيام|١٤ يومًا|١٠٠ يوم|٣ سنوات"
        );
    }

    #[test]
    fn a_bad_date_names_the_value() {
        let r = Renderer::new(&site("western"), [("t.html", "{{ d | date }}")]).unwrap();
        let mut ctx = Context::new();
        ctx.insert("d", "20/10/2025");
        let err = r.render("t.html", &ctx).unwrap_err();
        assert!(err.0.contains("20/10/2025"), "{err}");
    }

    #[test]
    fn the_asset_address_depends_only_on_the_bytes() {
        let a = Assets::new(b"body{}", b"");
        assert_eq!(a.css_url, Assets::new(b"body{}", b"x").css_url);
        assert_ne!(a.css_url, Assets::new(b"body{ }", b"").css_url);
        assert!(a.css_url.starts_with("/assets/site.") && a.css_url.ends_with(".css"));
        // FNV-1a 64 of the empty input is its offset basis.
        assert_eq!(a.js_url, "/assets/enhance.cbf29ce484222325.js");
    }

    #[test]
    fn contact_details_become_working_links() {
        let mut s = site("western");
        s.contact = crate::Contact {
            phone: Some("+966 11 234 5678".into()),
            whatsapp: Some("+966 50 234 5678".into()),
            email: Some("info@aman.org.sa".into()),
            ..crate::Contact::default()
        };
        let links = all_contact_links(&s);
        let hrefs: Vec<_> = links.iter().map(|l| l.href.clone().unwrap()).collect();
        assert_eq!(
            hrefs,
            [
                "tel:+966112345678",
                "https://wa.me/966502345678",
                "mailto:info@aman.org.sa"
            ]
        );
        assert!(links.iter().all(|l| l.ltr && !l.example));
    }

    #[test]
    fn example_values_are_text_never_links() {
        let mut s = site("western");
        s.example_values = true;
        s.contact = crate::Contact {
            phone: Some("+966 11 000 0000".into()),
            whatsapp: Some("+966 50 000 0000".into()),
            social: vec![crate::site::Social {
                name: "إكس".into(),
                url: "https://x.com/example".into(),
            }],
            ..crate::Contact::default()
        };
        let links = all_contact_links(&s);
        assert_eq!(links.len(), 3);
        assert!(
            links.iter().all(|l| l.example && l.href.is_none()),
            "{links:?}"
        );
        assert_eq!(links[0].text, "+966 11 000 0000");
        let web = ContactLink::web("المنصة", "https://volunteer.example.org/");
        assert!(web.example && web.href.is_none());
        let web = ContactLink::web("المنصة", "https://nvg.gov.sa/");
        assert_eq!(web.href.as_deref(), Some("https://nvg.gov.sa/"));
    }

    #[test]
    fn the_base_context_gives_the_canonical_address() {
        let s = site("western");
        let ctx = base_context(
            &s,
            &PageInfo::new("السياسة", "/policy/"),
            &Assets::new(b"", b""),
        );
        let json = ctx.into_json();
        assert_eq!(json["page"]["url"], "https://x.example.org/policy/");
        assert_eq!(json["page"]["description"], "وصف");
    }
}
