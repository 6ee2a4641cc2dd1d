//! The checks that need the whole site: the paths of the menu and the home page's actions, internal links and `#anchors` of every
//! piece of Markdown (against the pages and ids actually rendered), and the policy's dates.

use std::collections::{HashMap, HashSet};

use forms::dates::Day;
use percent_encoding::percent_decode_str;
use rayon::prelude::*;

use forms::Text;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::document::position;
use crate::markdown;
use crate::model::{MarkdownSource, Origin, Site};
use crate::render::Written;

/// The served pages of a built site and the ids each holds.
pub struct Targets<'a> {
    pages: HashMap<String, &'a HashSet<String>>,
}

impl<'a> Targets<'a> {
    /// Indexes the rendered files.
    pub fn new(files: &'a [Written]) -> Self {
        let pages = files.iter().map(|f| (f.url_path(), &f.ids)).collect();
        Targets { pages }
    }

    /// Whether `path` is a page of the site.
    pub fn has_page(&self, path: &str) -> bool {
        self.pages.contains_key(path)
    }

    /// The ids on the page at `path`.
    pub fn ids(&self, path: &str) -> Option<&HashSet<String>> {
        self.pages.get(path).copied()
    }
}

/// Runs the checks over the loaded site and its rendered files; `today` decides whether the next
/// review has passed. The menu and links are checked only when every file was `loaded`.
pub fn check_site(site: &Site, files: &[Written], today: Day, loaded: bool) -> Diagnostics {
    let targets = Targets::new(files);
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
    let hint = Text::new(
        "ضع مكانها بيانات الجمعية نفسها، أو اكتب `example_values: true` في site.yaml ما دامت البيانات أمثلة",
        "replace it with the association's own detail, or set `example_values: true` in site.yaml while the details are examples",
    );
    let (file, text) = &site.config_file;
    let notifications = site.config.notifications.iter().flat_map(|n| n.values());
    for value in site
        .config
        .contact
        .values()
        .into_iter()
        .chain(notifications)
    {
        if forms::placeholder::looks_like_placeholder(value) {
            let (l, c) = forms::source::locate_value(text, value);
            d.push(
                Diagnostic::error(
                    file,
                    l,
                    c,
                    Text::new(
                        format!("{value:?} تبدو قيمة مثال، و`example_values` هي false"),
                        format!("{value:?} looks like a placeholder, but example_values is false"),
                    ),
                )
                .hint(hint.clone()),
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
                Text::new(
                    format!(
                        "العنوان {:?} يبدو عنوان مثال، و`example_values` هي false",
                        link.text
                    ),
                    format!(
                        "url {:?} looks like a placeholder, but example_values is false",
                        link.text
                    ),
                ),
            )
            .hint(hint.clone()),
        );
    }
}

/// The menu's paths and the home page's actions must be pages of the site.
fn check_nav(site: &Site, targets: &Targets<'_>, d: &mut Diagnostics) {
    let (file, text) = &site.config_file;
    let track = forms::FormDef::track();
    let menu = site
        .config
        .nav
        .iter()
        .map(|n| (("menu entry", "عنصر القائمة"), &n.title, &n.path));
    let home = site
        .config
        .home
        .actions
        .iter()
        .map(|a| (("home action", "إجراء الصفحة الرئيسية"), &a.title, &a.path));
    for ((what, what_ar), title, item_path) in menu.chain(home) {
        // One name per thing: a menu entry to a form is called what the form's page is called.
        let page_title = std::iter::once(&track)
            .chain(&site.forms)
            .find(|f| {
                let path = if f.id == track.id {
                    "/track/".to_string()
                } else {
                    crate::model::form_path(&f.id)
                };
                &path == item_path
            })
            .map(|f| f.title.as_str());
        if what == "menu entry"
            && let Some(page) = page_title
            && page != title
        {
            // At the entry's `title:`, on the line that holds its path.
            let (l, c) = locate_in_flow(text, title, item_path);
            let c = text
                .lines()
                .nth(l.saturating_sub(1))
                .and_then(|line| line.find("title:").map(|i| line[..i].chars().count() + 1))
                .unwrap_or(c);
            d.push(
                Diagnostic::warning(
                    file,
                    l,
                    c,
                    Text::new(
                        format!("عنصر القائمة «{title}» يسمّي الصفحة باسم غير عنوانها «{page}»"),
                        format!(
                            "menu entry {title:?} names its page differently from the page's title {page:?}"
                        ),
                    ),
                )
                .hint(Text::new(
                    "للشيء الواحد اسم واحد في القائمة والعنوان والصفحات: اجعل عنوان عنصر القائمة عنوان الصفحة نفسه",
                    "one name per thing across menu, titles and pages: give the menu entry the page's title",
                )),
            );
        }
        let path = item_path.split(['#', '?']).next().unwrap_or("");
        if !targets.has_page(path) {
            let (l, c) = locate_in_flow(text, title, item_path);
            let hint = match suggest(targets, path) {
                Some(s) => Text::new(
                    format!("هل تقصد {s}؟ المسارات في site.yaml صفحات من هذا الموقع تنتهي بـ /"),
                    format!(
                        "did you mean {s}? Paths in site.yaml are pages of this site, ending in /"
                    ),
                ),
                None => Text::new(
                    format!("احذف {what_ar}، أو أنشئ الصفحة التي يشير إليها"),
                    format!("remove the {what}, or create the page it points to"),
                ),
            };
            d.push(
                Diagnostic::error(
                    file,
                    l,
                    c,
                    Text::new(
                        format!("{what_ar} «{title}» يشير إلى {path}، وليست صفحة من هذا الموقع"),
                        format!(
                            "{what} {title:?} points to {path}, which is not a page of this site"
                        ),
                    ),
                )
                .hint(hint),
            );
        }
    }
}

/// The place of `path: value`, preferably on the line that also holds `title: {title}` (as in a
/// flow mapping such as `- { title: …, path: /x/ }`, where a path may appear twice).
fn locate_in_flow(text: &str, title: &str, value: &str) -> (usize, usize) {
    let needle = format!("path: {value}");
    let title = format!("title: {title}");
    let found = |with_title: bool| {
        text.lines().enumerate().find_map(|(i, line)| {
            let at = line.find(&needle)?;
            (!with_title || line.contains(&title)).then(|| (i + 1, line[..at].chars().count() + 1))
        })
    };
    found(true)
        .or_else(|| found(false))
        .unwrap_or_else(|| forms::source::locate_key(text, "path", Some(value)))
}

fn suggest(targets: &Targets<'_>, path: &str) -> Option<String> {
    let with_slash = format!("{}/", path.trim_end_matches('/'));
    targets.has_page(&with_slash).then_some(with_slash)
}

/// Resolves `dest` written on `page` to (path, fragment), or `None` when it leaves the site.
fn resolve(site: &Site, page: &str, dest: &str) -> Option<(String, Option<String>)> {
    let dest = dest.trim();
    let dest = dest
        .strip_prefix(&site.config.base_url)
        .map_or(dest.to_string(), |rest| {
            if rest.is_empty() {
                "/".to_string()
            } else {
                rest.to_string()
            }
        });
    if dest.starts_with("//")
        || dest
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/') && !scheme.contains('#'))
    {
        return None;
    }
    let (path, frag) = match dest.split_once('#') {
        Some((p, f)) => (
            p,
            Some(percent_decode_str(f).decode_utf8_lossy().into_owned()),
        ),
        None => (dest.as_str(), None),
    };
    let path = path.split('?').next().unwrap_or("");
    let path = if path.is_empty() {
        page.to_string()
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        format!(
            "{}{path}",
            page.rsplit_once('/')
                .map_or("/", |(dir, _)| dir)
                .to_string()
                + "/"
        )
    };
    let path = percent_decode_str(&path).decode_utf8_lossy().into_owned();
    let forms_url = &site.config.forms_url;
    if forms_url.starts_with('/')
        && (path == *forms_url || path.starts_with(&format!("{forms_url}/")))
    {
        return None;
    }
    Some((path, frag))
}

fn check_links(site: &Site, targets: &Targets<'_>, d: &mut Diagnostics) {
    let pages = site.pages.iter().map(|p| Piece {
        file: &p.doc.file,
        origin: Origin::Body {
            first_line: p.doc.body_line,
        },
        text: &p.doc.body,
        page: &p.path,
    });
    let pieces: Vec<Piece<'_>> = site.sources.iter().map(Piece::from).chain(pages).collect();
    // Every piece of Markdown is parsed again for its links: in parallel, for large sites.
    let found: Vec<Diagnostics> = pieces
        .par_iter()
        .map(|piece| {
            let mut d = Diagnostics::default();
            links_of(site, piece, targets, &mut d);
            d
        })
        .collect();
    for f in found {
        d.extend_all(f);
    }
}

/// A piece of Markdown: where it was written, and the page it is shown on.
struct Piece<'a> {
    file: &'a str,
    origin: Origin,
    text: &'a str,
    page: &'a str,
}

impl<'a> From<&'a MarkdownSource> for Piece<'a> {
    fn from(s: &'a MarkdownSource) -> Self {
        Piece {
            file: &s.file,
            origin: s.origin.clone(),
            text: &s.text,
            page: &s.page,
        }
    }
}

/// The broken links of one piece of Markdown.
fn links_of(site: &Site, source: &Piece<'_>, targets: &Targets<'_>, d: &mut Diagnostics) {
    for link in markdown::links(source.text) {
        let Some((path, frag)) = resolve(site, source.page, &link.dest) else {
            continue;
        };
        // Where the link is written: counted only for a broken one (it is a scan of the text).
        let at = || match source.origin {
            Origin::Body { first_line } => position(source.text, link.offset, first_line),
            Origin::Value { line, column } => (line, column),
        };
        let Some(ids) = targets.ids(&path) else {
            let hint = match suggest(targets, &path) {
                Some(s) => Text::new(
                    format!("هل تقصد {s}؟ عناوين الصفحات تنتهي بـ /"),
                    format!("did you mean {s}? Addresses of pages end in /"),
                ),
                None => Text::new(
                    "تحقق من العنوان: لا بد أن يكون صفحة يصنعها هذا الموقع، مثل /policy/",
                    "check the address: it must be a page this site makes, such as /policy/",
                ),
            };
            let (l, c) = at();
            d.push(
                Diagnostic::error(
                    source.file,
                    l,
                    c,
                    Text::new(
                        format!("رابط معطّل: {} ليست صفحة من هذا الموقع", link.dest),
                        format!("broken link: {} is not a page of this site", link.dest),
                    ),
                )
                .hint(hint),
            );
            continue;
        };
        if let Some(frag) = frag.filter(|f| !f.is_empty())
            && !ids.contains(&frag)
        {
            let (l, c) = at();
            d.push(
                Diagnostic::error(
                    source.file,
                    l,
                    c,
                    Text::new(
                        format!("رابط معطّل: ليس في {path} موضع باسم #{frag}"),
                        format!("broken link: {path} has no anchor #{frag}"),
                    ),
                )
                .hint(Text::new(
                    "أسماء المواضع مأخوذة من العناوين: تصير المسافات -، وتُحذف الحركات وعلامات الترقيم",
                    "anchors are made from headings: spaces become -, tashkeel and punctuation are dropped",
                )),
            );
        }
    }
}

fn check_dates(site: &Site, today: Day, d: &mut Diagnostics) {
    let policy = &site.policy;
    let file = &policy.index.file;
    if let Some((hijri, date, computed)) = policy.approval.mismatch {
        let (l, c) = policy.index.locate("hijri", Some("approval:"));
        d.push(
            Diagnostic::warning(
                file,
                l,
                c,
                Text::new(
                    format!(
                        "تاريخا الاعتماد لا يتفقان بتقويم أم القرى: hijri {hijri} ({}) يوافق {computed}، لكن date هو {date}",
                        hijri.text(forms::Digits::Western)
                    ),
                    format!(
                        "the approval dates do not agree under Umm al-Qura: hijri {hijri} ({}) is {computed}, but date is {date}",
                        hijri.text(forms::Digits::Western)
                    ),
                ),
            )
            .hint(Text::new(
                format!("إن كان هذا ما في نص السياسة فاتركه؛ وإلا فاجعل date: {computed} أو hijri: {}", date.to_hijri()),
                format!("if the policy's text says so, leave it; otherwise set date: {computed} or hijri: {}", date.to_hijri()),
            )),
        );
    }
    if let Some(next) = policy.next_review.as_deref().and_then(Day::parse)
        && next < today
    {
        let key = if policy.index.front.contains("next_review:") {
            "next_review"
        } else {
            "review_months"
        };
        let (l, c) = policy.index.locate(key, None);
        d.push(
            Diagnostic::warning(
                file,
                l,
                c,
                Text::new(
                    format!("موعد المراجعة القادمة كان {next}، واليوم {today}"),
                    format!("the next review was due on {next}, and today is {today}"),
                ),
            )
            .hint(Text::new(
                "بعد المراجعة حدّث version وapproval وnext_review (انظر في README: المراجعة السنوية للسياسة)",
                "after the annual review, update version, approval and next_review (see README: the annual review)",
            )),
        );
    }
}
