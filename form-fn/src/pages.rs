//! The service's HTML answers, in the site's own look: the templates of the site's `templates/`
//! folder, rendered with the shared setup of `forms::render` (same base layout, filters and
//! fingerprinted stylesheet as the built site).
//!
//! Should a template fail to render (a broken template is caught by the tests, but the service
//! must never hide a stored submission's code behind an error), a plain Arabic page with the same
//! facts is sent instead.

use std::collections::BTreeMap;

use forms::render::{Assets, PageInfo, base_context};
use forms::{FieldError, FormDef, SiteConfig};
use serde::Serialize;
use tera::Context;

use crate::content::Content;
use crate::templates::Templates;

/// The confirmation of a stored submission.
const RECEIVED: &str = "received.html";
/// The follow-up form and its answer.
const TRACK: &str = "track.html";
/// A form shown again with its messages.
const FORM: &str = "form.html";
/// An error page.
const ERROR: &str = "error.html";
/// The staff's pages: `staff/{name}`.
const STAFF: &str = "staff/";

/// The public pages the service renders (those above).
const PUBLIC: [&str; 4] = [RECEIVED, TRACK, FORM, ERROR];

/// What the service sends when a page's templates do not load.
const PLAIN: &str = "plain pages sent";

/// Whether the template `name` is one of the staff's pages.
fn staff_page(name: &str) -> bool {
    name.starts_with(STAFF) && name.ends_with(".html")
}

/// A confirmation: what `received.html` shows.
#[derive(Debug, Clone, Serialize)]
pub struct ReceivedView<'a> {
    pub form: &'a FormDef,
    /// The grouped tracking code; `None` for a form that is not followed up.
    pub code: Option<String>,
    pub received_at: String,
    pub expected_by: Option<String>,
}

/// One entry of a request's history as the follow-up page shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HistoryView {
    pub status: forms::Status,
    pub status_label: &'static str,
    pub at: String,
}

/// A request's standing, as the follow-up page and the JSON answer show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TrackResult {
    /// The grouped tracking code.
    pub code: String,
    pub form: String,
    pub form_title: String,
    /// The form's kind: the page calls a request «الطلب» and feedback «الرسالة».
    pub kind: forms::FormKind,
    pub status: forms::Status,
    pub status_label: &'static str,
    pub received_at: String,
    pub updated_at: String,
    /// The day by which an answer is promised, only when the form's text promises one.
    pub expected_by: Option<String>,
    /// The form's answer period, as its text says it (a promise or a minimum).
    pub response: Option<forms::Response>,
    /// The latest message from staff.
    pub message: Option<String>,
    pub history: Vec<HistoryView>,
}

/// An error page: what `error.html` shows.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorView<'a> {
    pub status: u16,
    pub title: &'a str,
    pub message: &'a str,
    /// Whether sending again later may work (the store was unavailable).
    pub retry: bool,
}

/// The HTML answers of one site.
pub struct Pages {
    site: SiteConfig,
    /// Each public page (`RECEIVED`, `TRACK`, `FORM`, `ERROR`) with what it uses.
    public: BTreeMap<&'static str, Templates>,
    /// The staff's pages, together: the inbox's templates, more than half of the service's.
    staff: Templates,
    assets: Assets,
    track_form: FormDef,
    /// The survey's address for each form whose confirmation invites to it.
    invites: BTreeMap<String, String>,
}

impl Pages {
    /// Prepares the templates of `content`, parsed at their first use; `site_url` replaces
    /// `site.yaml`'s `base_url` when set.
    pub fn new(content: &Content, site_url: Option<&str>) -> Pages {
        let mut site = content.site.clone();
        if let Some(url) = site_url {
            site.base_url = url.to_string();
        }
        let bytes = |name| content.template(name).unwrap_or("").as_bytes();
        let assets = Assets::new(
            bytes(forms::render::CSS_FILE),
            bytes(forms::render::JS_FILE),
        );
        let public = PUBLIC
            .into_iter()
            .map(|page| {
                let only = Templates::new(&content.templates, |n| n == page, PLAIN);
                (page, only)
            })
            .collect();
        Pages {
            site,
            public,
            staff: Templates::new(&content.templates, staff_page, PLAIN),
            assets,
            track_form: content.track.clone(),
            invites: content.survey_invites(),
        }
    }

    fn context(&self, title: &str, path: &str) -> Context {
        let mut info = PageInfo::new(title, path);
        info.noindex = true;
        base_context(&self.site, &info, &self.assets)
    }

    fn render(&self, name: &str, ctx: &Context) -> Option<String> {
        let templates = if staff_page(name) {
            &self.staff
        } else {
            self.public.get(name)?
        };
        let renderer = templates.renderer(&self.site).ok()?;
        match renderer.render(name, ctx) {
            Ok(html) => Some(html),
            Err(err) => {
                tracing::error!(template = name, error = %err, "template failed; plain page sent");
                None
            }
        }
    }

    /// The form again, with the error summary and the answers as they were posted.
    pub fn form(
        &self,
        form: &FormDef,
        action: &str,
        values: &BTreeMap<String, serde_json::Value>,
        errors: &[FieldError],
    ) -> String {
        let mut ctx = self.context(&form.title, &format!("/forms/{}/", form.id));
        ctx.insert("form", form);
        ctx.insert("action", action);
        ctx.insert("values", values);
        ctx.insert("errors", errors);
        ctx.insert("preselect", &serde_json::Value::Null);
        let template = if form.id == self.track_form.id {
            TRACK
        } else {
            FORM
        };
        self.render(template, &ctx).unwrap_or_else(|| {
            let items: String = errors
                .iter()
                .map(|e| format!("<li>{}</li>", esc(&e.message)))
                .collect();
            plain(
                &self.site,
                &form.title,
                &format!(
                    "<p>{}</p><ul>{items}</ul><p><a href=\"/forms/{}/\">الرجوع إلى النموذج</a></p>",
                    crate::messages::MSG_INVALID,
                    esc(&form.id)
                ),
            )
        })
    }

    /// The confirmation of a stored submission.
    pub fn received(&self, view: &ReceivedView<'_>) -> String {
        let mut ctx = self.context(&view.form.title, &format!("/forms/{}/", view.form.id));
        ctx.insert("form", view.form);
        ctx.insert("code", &view.code);
        ctx.insert("received_at", &view.received_at);
        ctx.insert("expected_by", &view.expected_by);
        ctx.insert("survey_url", &self.invites.get(&view.form.id));
        self.render(RECEIVED, &ctx).unwrap_or_else(|| {
            let code = view
                .code
                .as_deref()
                .map(|c| format!("<p>رمز المتابعة: <bdi dir=\"ltr\">{}</bdi></p>", esc(c)))
                .unwrap_or_default();
            plain(
                &self.site,
                &view.form.title,
                &format!("<p>تسلّمنا ما أرسلته، وحُفظ.</p>{code}"),
            )
        })
    }

    /// The follow-up page: the request's standing, or the same "not found" answer for a wrong
    /// code and a wrong contact.
    pub fn track(&self, result: Option<&TrackResult>) -> String {
        let mut ctx = self.context(&self.track_form.title, "/track/");
        ctx.insert("form", &self.track_form);
        ctx.insert("action", &self.site.track_action());
        ctx.insert("values", &BTreeMap::<String, String>::new());
        ctx.insert("errors", &Vec::<FieldError>::new());
        match result {
            Some(r) => ctx.insert("result", r),
            None => ctx.insert("not_found", &true),
        }
        self.render(TRACK, &ctx).unwrap_or_else(|| match result {
            Some(r) => plain(
                &self.site,
                &self.track_form.title,
                &format!(
                    "<p>رمز المتابعة <bdi dir=\"ltr\">{}</bdi>: {}</p>",
                    esc(&r.code),
                    esc(r.status_label)
                ),
            ),
            None => plain(
                &self.site,
                &self.track_form.title,
                &format!("<p>{}</p>", crate::messages::MSG_TRACK_NOT_FOUND),
            ),
        })
    }

    /// A staff page: `templates/staff/{name}`, with `view` as `v`.
    pub fn staff<T: Serialize>(&self, name: &str, title: &str, path: &str, view: &T) -> String {
        let mut ctx = self.context(title, path);
        ctx.insert("v", view);
        self.render(&format!("{STAFF}{name}"), &ctx)
            .unwrap_or_else(|| plain(&self.site, title, "<p>تعذّر عرض الصفحة. حاول مرة أخرى.</p>"))
    }

    /// A staff page holding a form's fields (`templates/staff/{name}`, with `view` as `v`):
    /// `form_body.html`'s context (the form, `action`, the answers as posted and their errors)
    /// and `staff` for the staff's own fields.
    #[allow(clippy::too_many_arguments)]
    pub fn staff_form<T: Serialize, S: Serialize>(
        &self,
        name: &str,
        title: &str,
        path: &str,
        view: &T,
        form: &FormDef,
        values: &BTreeMap<String, serde_json::Value>,
        errors: &[FieldError],
        staff: &S,
    ) -> String {
        let mut ctx = self.context(title, path);
        ctx.insert("v", view);
        ctx.insert("form", form);
        ctx.insert("action", path);
        ctx.insert("values", values);
        ctx.insert("errors", errors);
        ctx.insert("preselect", &serde_json::Value::Null);
        ctx.insert("staff", staff);
        self.render(&format!("{STAFF}{name}"), &ctx)
            .unwrap_or_else(|| plain(&self.site, title, "<p>تعذّر عرض الصفحة. حاول مرة أخرى.</p>"))
    }

    /// An error page.
    pub fn error(&self, view: &ErrorView<'_>) -> String {
        let mut ctx = self.context(view.title, "/");
        ctx.insert("status", &view.status);
        ctx.insert("title", view.title);
        ctx.insert("message", view.message);
        ctx.insert("retry", &view.retry);
        self.render(ERROR, &ctx).unwrap_or_else(|| {
            plain(
                &self.site,
                view.title,
                &format!("<p>{}</p>", esc(view.message)),
            )
        })
    }
}

fn esc(text: &str) -> String {
    forms::render::escape_html(text)
}

/// A page with nothing but the facts, for when a template cannot be rendered.
fn plain(site: &SiteConfig, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><title>{} | {}</title></head><body><main><h1>{}</h1>{body}<p><a href=\"/\">{}</a></p></main></body></html>",
        esc(title),
        esc(&site.name),
        esc(title),
        esc(&site.short_name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::served;

    #[test]
    fn the_service_parses_its_own_pages_and_what_they_use_not_the_sites() {
        let content = Content::embedded().unwrap_or_else(|_| panic!("the embedded content loads"));
        let names = |rendered: &dyn Fn(&str) -> bool| -> Vec<&str> {
            served(&content.templates, rendered)
                .iter()
                .map(|(n, _)| *n)
                .collect()
        };
        let public = names(&|n| PUBLIC.contains(&n));
        let staff = names(&staff_page);
        for needed in [
            "received.html",
            "track.html",
            "error.html",
            "form.html",
            "base.html",
            "macros.html",
            "form_body.html",
            "error_summary.html",
        ] {
            assert!(public.contains(&needed), "{needed} missing from {public:?}");
        }
        for needed in [
            "staff/case.html",
            "staff/bar.html",
            "base.html",
            "form_body.html",
        ] {
            assert!(staff.contains(&needed), "{needed} missing from {staff:?}");
        }
        assert!(
            !public.iter().any(|n| n.starts_with(STAFF)),
            "the public pages parse the staff's templates: {public:?}"
        );
        for unused in [
            "policy.html",
            "home.html",
            "channels.html",
            "email/layout.html",
        ] {
            assert!(
                !public.contains(&unused) && !staff.contains(&unused),
                "{unused} parsed"
            );
        }
        // Each public page parses its own template and what it uses, not the other pages.
        for page in PUBLIC {
            let own = names(&|n| n == page);
            assert!(
                own.contains(&page) && own.contains(&"base.html"),
                "{page}: {own:?}"
            );
            let others: Vec<_> = PUBLIC
                .iter()
                .filter(|p| **p != page && own.contains(p))
                .collect();
            assert!(others.is_empty(), "{page} parses {others:?}");
        }
    }

    #[test]
    fn templates_are_parsed_when_a_page_that_needs_them_is_first_asked_for() {
        let content = Content::embedded().unwrap_or_else(|_| panic!("the embedded content loads"));
        let pages = Pages::new(&content, None);
        let parsed = |pages: &Pages| -> Vec<&str> {
            let mut names: Vec<&str> = pages
                .public
                .iter()
                .filter(|(_, t)| t.loaded().is_some())
                .map(|(name, _)| *name)
                .collect();
            if pages.staff.loaded().is_some() {
                names.push(STAFF);
            }
            names
        };
        assert_eq!(parsed(&pages), Vec::<&str>::new(), "parsed at start");

        let html = pages.track(None);
        assert_eq!(parsed(&pages), [TRACK]);
        assert!(
            html.contains("lang=\"ar\"") && html.contains("<form"),
            "{html}"
        );

        let html = pages.staff(
            "sign_in.html",
            "الدخول",
            crate::routes::STAFF_SIGN_IN,
            &serde_json::json!({"step": "password", "csrf": "c", "username": "", "session": "",
                "secret": "", "error": null, "cognito": true, "local": false}),
        );
        assert_eq!(parsed(&pages), [TRACK, STAFF]);
        assert!(
            pages.staff.loaded() == Some(true),
            "the staff's templates do not load"
        );
        assert!(html.contains("lang=\"ar\""), "{html}");
        assert!(
            !html.contains("تعذّر عرض الصفحة"),
            "the plain page was sent: {html}"
        );
    }
}
