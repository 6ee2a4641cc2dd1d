//! Rendering the model with the templates into the files of the site. Pages are rendered in
//! parallel and each is handed over as soon as it is made (written to the staging folder by
//! `build`, kept in memory by `check`); only its path and ids are kept here, for the checks.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use forms::FormDef;
use forms::dates::Day;
use forms::render::{Assets, CSS_FILE, JS_FILE, PageInfo, Renderer, base_context};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;
use tera::Context;

use crate::anchors::ids_in;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Page, Site, form_path};
use crate::paths::{ACCESSIBILITY_PATH, ADMIN_PATH, FAVICON_FILE};
use forms::Text;

/// The templates folder, read.
#[derive(Debug, Clone)]
pub struct Templates {
    pub dir: PathBuf,
    /// Every `.html` and `.xml` file: (name, source).
    pub sources: Vec<(String, String)>,
    pub css: Vec<u8>,
    pub js: Vec<u8>,
    pub favicon: Vec<u8>,
}

impl Templates {
    /// Reads `dir`; a missing file is an error naming it.
    pub fn read(dir: &Path) -> Result<Templates, Diagnostics> {
        let mut problems = Diagnostics::default();
        let mut sources = Vec::new();
        match fs::read_dir(dir) {
            Ok(entries) => {
                for e in entries.filter_map(|e| e.ok()) {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.ends_with(".html") || name.ends_with(".xml") {
                        match fs::read_to_string(e.path()) {
                            Ok(text) => sources.push((name, text)),
                            Err(err) => problems.push(Diagnostic::error(
                                e.path().to_string_lossy(),
                                1,
                                1,
                                Text::new(
                                    format!("تعذّرت القراءة: {err}"),
                                    format!("cannot read: {err}"),
                                ),
                            )),
                        }
                    }
                }
            }
            Err(err) => {
                problems.push(
                    Diagnostic::error(
                        dir.to_string_lossy(),
                        1,
                        1,
                        Text::new(
                            format!("تعذّرت قراءة مجلد القوالب: {err}"),
                            format!("cannot read the templates folder: {err}"),
                        ),
                    )
                    .hint(Text::new(
                        "شغّل الأمر من جذر المستودع، أو حدّد المجلد بـ --templates",
                        "run from the repository's root, or give the folder with --templates",
                    )),
                );
                return Err(problems);
            }
        }
        sources.sort();
        for name in forms::render::TEMPLATES {
            if !sources.iter().any(|(n, _)| n == name) {
                problems.push(Diagnostic::error(
                    dir.join(name).to_string_lossy(),
                    1,
                    1,
                    Text::new("هذا القالب غير موجود", "this template is missing"),
                ));
            }
        }
        let mut file = |name: &str| match fs::read(dir.join(name)) {
            Ok(b) => b,
            Err(err) => {
                problems.push(Diagnostic::error(
                    dir.join(name).to_string_lossy(),
                    1,
                    1,
                    Text::new(
                        format!("تعذّرت القراءة: {err}"),
                        format!("cannot read: {err}"),
                    ),
                ));
                Vec::new()
            }
        };
        let (css, js, favicon) = (file(CSS_FILE), file(JS_FILE), file(FAVICON_FILE));
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(Templates {
            dir: dir.to_path_buf(),
            sources,
            css,
            js,
            favicon,
        })
    }

    /// The stylesheet's and script's published addresses.
    pub fn assets(&self) -> Assets {
        Assets::new(&self.css, &self.js)
    }
}

/// How the pages are made.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mode {
    /// Adds the script that reloads the page when the site is rebuilt (`serve` only).
    pub live_reload: bool,
}

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Its place in the output folder, such as `policy/index.html`.
    pub path: String,
    pub bytes: Vec<u8>,
}

impl Output {
    /// The address this file is served at (`/policy/` for `policy/index.html`).
    pub fn url_path(&self) -> String {
        url_path(&self.path)
    }
}

/// What is kept of a file once it has been handed over: its place in the output folder and, for
/// a page, the ids it holds (the link check needs nothing more).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: String,
    pub ids: HashSet<String>,
}

impl Written {
    /// What is kept of `output`.
    pub fn of(output: &Output) -> Self {
        let ids = if output.path.ends_with(".html") {
            ids_in(&output.bytes)
        } else {
            HashSet::new()
        };
        Written {
            path: output.path.clone(),
            ids,
        }
    }

    /// The address this file is served at.
    pub fn url_path(&self) -> String {
        url_path(&self.path)
    }
}

/// The address a file of the output is served at.
pub fn url_path(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{file}"),
    }
}

/// A page to render: the template, the page's information and what the template needs besides
/// (a generic page's own content is added only when it is rendered, not held for every page).
struct Job<'a> {
    template: &'static str,
    info: PageInfo,
    extra: Context,
    page: Option<&'a Page>,
    out: String,
}

fn out_file(path: &str) -> String {
    format!("{}index.html", path.trim_start_matches('/'))
}

/// The context of a form page, as the service also builds it (see the comment atop form.html).
pub fn form_context(site: &Site, form: &FormDef, preselect: Option<(&str, &str)>) -> Context {
    let mut c = Context::new();
    c.insert("form", form);
    c.insert(
        "action",
        &if form.id == "track" {
            site.config.track_action()
        } else {
            site.config.form_action(&form.id)
        },
    );
    c.insert("values", &serde_json::Map::new());
    c.insert("errors", &Vec::<serde_json::Value>::new());
    if let Some((field, value)) = preselect {
        c.insert("preselect", &json!({ "field": field, "value": value }));
    }
    c
}

/// The home page's opening as shown: the content's `home:` block, or what the site has.
#[derive(Serialize)]
struct HomeContext<'a> {
    intro: &'a str,
    actions: Vec<ActionLink<'a>>,
}

/// One primary action of the home page.
#[derive(Serialize)]
struct ActionLink<'a> {
    title: &'a str,
    path: String,
    text: Option<&'a str>,
}

impl<'a> HomeContext<'a> {
    /// The actions of `site.yaml`'s `home:`; without them, each form (in the menu's order) and
    /// the follow-up.
    fn new(site: &'a Site, track_title: &'a str) -> Self {
        let home = &site.config.home;
        let actions = if home.actions.is_empty() {
            site.forms
                .iter()
                .map(|f| ActionLink {
                    title: &f.title,
                    path: form_path(&f.id),
                    text: None,
                })
                .chain(std::iter::once(ActionLink {
                    title: track_title,
                    path: "/track/".into(),
                    text: None,
                }))
                .collect()
        } else {
            home.actions
                .iter()
                .map(|a| ActionLink {
                    title: &a.title,
                    path: a.path.clone(),
                    text: a.text.as_deref(),
                })
                .collect()
        };
        HomeContext {
            intro: home.intro.as_deref().unwrap_or(&site.config.description),
            actions,
        }
    }
}

fn jobs(site: &Site, today: Day, editor_built: bool) -> Vec<Job<'_>> {
    let mut jobs = Vec::new();
    let page = |title: &str, path: &str, description: &Option<String>| PageInfo {
        title: title.to_string(),
        path: path.to_string(),
        description: description.clone(),
        noindex: false,
    };
    // Only the home page lists the generic pages, and only their titles: giving every page the
    // whole list would make a build grow with the square of the number of pages.
    let track = FormDef::track();
    let mut home = Context::new();
    home.insert("home", &HomeContext::new(site, &track.title));
    home.insert(
        "pages",
        &site.pages.iter().map(PageLink::from).collect::<Vec<_>>(),
    );
    jobs.push(Job {
        template: "home.html",
        info: page(&site.config.short_name, "/", &None),
        extra: home,
        page: None,
        out: "index.html".into(),
    });
    // The date a printed copy carries when no script sets it to the day of printing.
    let mut policy = Context::new();
    policy.insert(
        "built_text",
        &today.display(site.config.calendar, site.config.digits, None),
    );
    policy.insert("history", &site.history);
    jobs.push(Job {
        template: "policy.html",
        info: page(&site.policy.title, "/policy/", &site.policy.description),
        extra: policy,
        page: None,
        out: out_file("/policy/"),
    });
    history_jobs(site, &mut jobs);
    report_jobs(site, &mut jobs);
    if site.config.admin.is_some() {
        let mut info = page("تحرير المحتوى", ADMIN_PATH, &None);
        info.noindex = true;
        jobs.push(Job {
            template: if editor_built {
                "admin.html"
            } else {
                "admin-unbuilt.html"
            },
            info,
            extra: Context::new(),
            page: None,
            out: out_file(ADMIN_PATH),
        });
    }
    jobs.push(Job {
        template: "channels.html",
        info: page(
            &site.channels.title,
            "/channels/",
            &site.channels.description,
        ),
        extra: Context::new(),
        page: None,
        out: out_file("/channels/"),
    });
    if let Some(g) = &site.eligibility {
        jobs.push(Job {
            template: "eligibility.html",
            info: page(&g.title, "/eligibility/", &g.description),
            extra: Context::new(),
            page: None,
            out: out_file("/eligibility/"),
        });
        for c in &g.categories {
            let (Some(o), Some(form), Some(path)) = (
                &c.option,
                c.form.as_ref().and_then(|f| site.form(&f.id)),
                &c.apply_path,
            ) else {
                continue;
            };
            let mut info = page(&form.title, path, &None);
            info.noindex = true;
            jobs.push(Job {
                template: "form.html",
                info,
                extra: form_context(site, form, Some((&o.field, &o.value))),
                page: None,
                out: out_file(path),
            });
        }
    }
    for form in &site.forms {
        let path = form_path(&form.id);
        jobs.push(Job {
            template: "form.html",
            info: page(&form.title, &path, &None),
            extra: form_context(site, form, None),
            page: None,
            out: out_file(&path),
        });
    }
    jobs.push(Job {
        template: "track.html",
        info: page(&track.title, "/track/", &None),
        extra: form_context(site, &track, None),
        page: None,
        out: out_file("/track/"),
    });
    let mut extra = Context::new();
    extra.insert("privacy", &site.privacy);
    jobs.push(Job {
        template: "privacy.html",
        info: page(
            "إشعار الخصوصية",
            crate::model::privacy::PATH,
            &Some(format!(
                "ما يجمعه موقع {} من بياناتك الشخصية، ولماذا، ومدة حفظها، وحقوقك فيها.",
                site.config.short_name
            )),
        ),
        extra,
        page: None,
        out: out_file(crate::model::privacy::PATH),
    });
    jobs.push(Job {
        template: "accessibility.html",
        info: page("بيان إمكانية الوصول", ACCESSIBILITY_PATH, &None),
        extra: Context::new(),
        page: None,
        out: out_file(ACCESSIBILITY_PATH),
    });
    for p in &site.pages {
        jobs.push(Job {
            template: "page.html",
            info: page(&p.title, &p.path, &p.description),
            extra: Context::new(),
            page: Some(p),
            out: out_file(&p.path),
        });
    }
    jobs.push(error_page(
        404,
        "الصفحة غير موجودة",
        "لم نجد الصفحة التي طلبتها. ربما تغيّر عنوانها أو كُتب خطأً. جرّب الصفحة الرئيسية أو إحدى الصفحات أدناه.",
        false,
    ));
    // Where a visitor past the per-visitor limit on the form service is sent (infra/edge.yaml).
    jobs.push(error_page(
        429,
        "طلبات كثيرة في وقت قصير",
        "وصلتنا من اتصالك طلبات كثيرة في وقت قصير، فأوقفناها مؤقتًا حتى يبقى الموقع متاحًا للجميع. انتظر بضع دقائق ثم حاول مرة أخرى. وإن كنت تتابع طلبًا فتأكد من رمز المتابعة ومن رقم الجوال أو البريد الإلكتروني.",
        true,
    ));
    jobs
}

/// The archive's pages: the list of versions, each archived version, and what changed in each.
fn history_jobs(site: &Site, jobs: &mut Vec<Job<'_>>) {
    use crate::model::history::{ARCHIVE_PATH, CURRENT_CHANGES_PATH};
    let history = &site.history;
    if history.versions.is_empty() {
        return;
    }
    let title = format!("الإصدارات السابقة من {}", site.policy.title);
    let mut extra = Context::new();
    extra.insert("history", history);
    jobs.push(Job {
        template: "policy_archive.html",
        info: PageInfo {
            title,
            path: ARCHIVE_PATH.into(),
            description: None,
            noindex: false,
        },
        extra,
        page: None,
        out: out_file(ARCHIVE_PATH),
    });
    for v in &history.versions {
        let mut extra = Context::new();
        extra.insert("version", v);
        jobs.push(Job {
            template: "policy_version.html",
            info: PageInfo {
                title: format!("{}: {}", v.policy.title, v.label),
                path: v.path.clone(),
                description: None,
                noindex: false,
            },
            extra,
            page: None,
            out: out_file(&v.path),
        });
    }
    let changes = history
        .versions
        .iter()
        .filter_map(|v| Some((v.changes.as_ref()?, v.changes_path.clone()?)))
        .chain(
            history
                .current_changes
                .as_ref()
                .map(|c| (c, CURRENT_CHANGES_PATH.to_string())),
        );
    for (c, path) in changes {
        let mut extra = Context::new();
        extra.insert("changes", c);
        jobs.push(Job {
            template: "policy_changes.html",
            info: PageInfo {
                title: format!("ما الذي تغيّر في {}", c.to.label),
                path: path.clone(),
                description: None,
                noindex: false,
            },
            extra,
            page: None,
            out: out_file(&path),
        });
    }
}

/// The public reports: the list with the trend, and one page per period.
fn report_jobs(site: &Site, jobs: &mut Vec<Job<'_>>) {
    use crate::model::report::REPORTS_PATH;
    if site.reports.periods.is_empty() {
        return;
    }
    let mut extra = Context::new();
    extra.insert("reports", &site.reports);
    jobs.push(Job {
        template: "reports.html",
        info: PageInfo {
            title: "التقارير الدورية".into(),
            path: REPORTS_PATH.into(),
            description: Some(format!(
                "تقارير {} الدورية عن رضا المستفيدين وجودة الخدمة.",
                site.config.short_name
            )),
            noindex: false,
        },
        extra,
        page: None,
        out: out_file(REPORTS_PATH),
    });
    for r in &site.reports.periods {
        let mut extra = Context::new();
        extra.insert("report", r);
        jobs.push(Job {
            template: "report.html",
            info: PageInfo {
                title: format!("تقرير رضا المستفيدين وجودة الخدمة: {}", r.label),
                path: r.path.clone(),
                description: Some(format!(
                    "رضا المستفيدين وجودة الخدمة في {} ({}).",
                    site.config.short_name, r.label
                )),
                noindex: false,
            },
            extra,
            page: None,
            out: out_file(&r.path),
        });
    }
}

/// A static error page at `/{status}.html`, which the host serves for that status.
fn error_page(status: u16, title: &str, message: &str, retry: bool) -> Job<'static> {
    let mut extra = Context::new();
    extra.insert("status", &status);
    extra.insert("title", title);
    extra.insert("message", message);
    extra.insert("retry", &retry);
    Job {
        template: "error.html",
        info: PageInfo {
            title: title.into(),
            path: format!("/{status}.html"),
            description: None,
            noindex: true,
        },
        extra,
        page: None,
        out: format!("{status}.html"),
    }
}

/// What the templates see of the model besides the page's own context.
#[derive(Serialize)]
struct ModelContext<'a> {
    policy: &'a crate::model::Policy,
    approval_text: String,
    channels: &'a crate::model::ChannelDirectory,
    eligibility: &'a Option<crate::model::EligibilityGuide>,
    forms: &'a [FormDef],
}

/// A generic page as the home page lists it.
#[derive(Serialize)]
struct PageLink<'a> {
    path: &'a str,
    title: &'a str,
    description: Option<&'a str>,
}

impl<'a> From<&'a crate::model::Page> for PageLink<'a> {
    fn from(p: &'a crate::model::Page) -> Self {
        PageLink {
            path: &p.path,
            title: &p.title,
            description: p.description.as_deref(),
        }
    }
}

/// Renders every file of the site, built on `today`, handing each to `emit` as soon as it is
/// made, and returns what the checks need of them, sorted by path. Template errors are reported
/// against the template's file; `emit`'s own problems are its caller's to report.
pub fn render_site(
    site: &Site,
    templates: &Templates,
    mode: Mode,
    today: Day,
    editor: Option<&Path>,
    emit: &(dyn Fn(Output) + Sync),
) -> Result<Vec<Written>, Diagnostics> {
    let renderer = renderer(site, templates)?;
    let assets = templates.assets();
    let model = Context::from_serialize(ModelContext {
        policy: &site.policy,
        approval_text: site
            .policy
            .approval_text(site.config.calendar, site.config.digits),
        channels: &site.channels,
        eligibility: &site.eligibility,
        forms: &site.forms,
    })
    .expect("the model serialises");
    let hand_over = |output: Output| {
        let written = Written::of(&output);
        emit(output);
        written
    };
    let jobs = jobs(site, today, editor.is_some());
    let results: Vec<Result<Written, Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let mut ctx = base_context(&site.config, &job.info, &assets);
            ctx.extend(model.clone());
            ctx.extend(job.extra.clone());
            if let Some(page) = job.page {
                ctx.insert("content", &page.content());
            }
            ctx.insert("live_reload", &mode.live_reload);
            renderer
                .render(job.template, &ctx)
                .map(|html| {
                    hand_over(Output {
                        path: job.out.clone(),
                        bytes: html.into_bytes(),
                    })
                })
                .map_err(|e| template_error(templates, job.template, &job.info.path, e))
        })
        .collect();
    let mut written = Vec::new();
    let mut problems = Diagnostics::default();
    for r in results {
        match r {
            Ok(w) => written.push(w),
            Err(d) => problems.push(d),
        }
    }
    match renderer.render("sitemap.xml", &sitemap_context(site, &written)) {
        Ok(xml) => written.push(hand_over(Output {
            path: "sitemap.xml".into(),
            bytes: xml.into_bytes(),
        })),
        Err(e) => problems.push(template_error(templates, "sitemap.xml", "/sitemap.xml", e)),
    }
    let robots = format!(
        "User-agent: *\nDisallow: {}/\n\nSitemap: {}/sitemap.xml\n",
        site.config
            .forms_url
            .trim_start_matches(&site.config.base_url),
        site.config.base_url
    );
    let statics = [
        ("robots.txt".to_string(), robots.into_bytes()),
        (
            assets.css_url.trim_start_matches('/').to_string(),
            templates.css.clone(),
        ),
        (
            assets.js_url.trim_start_matches('/').to_string(),
            templates.js.clone(),
        ),
        (FAVICON_FILE.to_string(), templates.favicon.clone()),
    ];
    for (path, bytes) in statics {
        written.push(hand_over(Output { path, bytes }));
    }
    match editor_files(site, editor) {
        Ok(files) => {
            for (path, bytes) in files {
                written.push(hand_over(Output { path, bytes }));
            }
        }
        Err(d) => problems.push(d),
    }
    problems.extend_all(check_service_templates(site, &renderer, templates));
    if problems.has_errors() {
        return Err(problems);
    }
    written.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(written)
}

/// The shared renderer for this site, or the template errors.
pub fn renderer(site: &Site, templates: &Templates) -> Result<Renderer, Diagnostics> {
    Renderer::new(
        &site.config,
        templates
            .sources
            .iter()
            .map(|(n, s)| (n.as_str(), s.as_str())),
    )
    .map_err(|e| {
        let mut d = Diagnostics::default();
        d.push(
            Diagnostic::error(
                templates.dir.to_string_lossy(),
                1,
                1,
                Text::new(
                    format!("تعذّر تحميل القوالب: {e}"),
                    format!("the templates cannot be loaded: {e}"),
                ),
            )
            .hint(Text::new(
                "الرسالة تذكر القالب وسطر الخطأ",
                "the message names the template and the line of the mistake",
            )),
        );
        d
    })
}

fn template_error(
    templates: &Templates,
    name: &str,
    page: &str,
    e: forms::render::RenderError,
) -> Diagnostic {
    Diagnostic::error(
        templates.dir.join(name).to_string_lossy(),
        1,
        1,
        Text::new(
            format!("تعذّر إنشاء {page}: {e}"),
            format!("rendering {page} failed: {e}"),
        ),
    )
    .hint(Text::new(
        "القالب يشير إلى شيء ليس في الصفحة؛ انظر التعليق في أعلى القالب",
        "a template refers to something the page does not have; see the comment at the top of the template",
    ))
}

fn sitemap_context(site: &Site, files: &[Written]) -> Context {
    let mut urls: Vec<String> = files
        .iter()
        .filter(|o| o.path.ends_with("index.html"))
        .map(Written::url_path)
        .filter(|p| !(p.starts_with("/forms/") && p.matches('/').count() > 3))
        .filter(|p| p != ADMIN_PATH)
        .map(|p| format!("{}{p}", site.config.base_url))
        .collect();
    urls.sort();
    let mut c = Context::new();
    c.insert("urls", &urls);
    c
}

/// `/admin/config.yml` and the built editor's files, for a site with `admin:`.
fn editor_files(site: &Site, built: Option<&Path>) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let Some(config) = crate::editor::config(site) else {
        return Ok(Vec::new());
    };
    let dir = ADMIN_PATH.trim_start_matches('/');
    let mut files = vec![(format!("{dir}config.yml"), config.into_bytes())];
    if let Some(built) = built {
        let read = crate::editor::built_files(built).map_err(|e| {
            Diagnostic::error(
                built.to_string_lossy(),
                1,
                1,
                Text::new(
                    format!("تعذّرت قراءة محرر المحتوى المبني: {e}"),
                    format!("cannot read the built editor: {e}"),
                ),
            )
            .hint(Text::new(
                "ابنِ المحرر من جديد: cd admin && npm ci && node build.mjs",
                "build the editor again: cd admin && npm ci && node build.mjs",
            ))
        })?;
        files.extend(read.into_iter().map(|(p, b)| (format!("{dir}{p}"), b)));
    }
    Ok(files)
}

/// Renders the answers of the form service with sample values, so that a mistake in their
/// templates is found when the site is checked, not when a beneficiary sends a form.
fn check_service_templates(site: &Site, renderer: &Renderer, templates: &Templates) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let assets = templates.assets();
    let Some(form) = site.forms.first() else {
        return problems;
    };
    let code = form.trackable.then_some("K7M4-Q9TX-3HRP");
    let samples: Vec<(&str, Context)> = vec![
        ("received.html", {
            let mut c = Context::new();
            c.insert("form", form);
            c.insert("code", &code);
            c.insert("received_at", "2025-10-20T09:30:00Z");
            let promise = form.response.as_ref().filter(|r| r.is_promise());
            c.insert("expected_by", &promise.map(|_| "2025-11-03"));
            c.insert(
                "survey_url",
                &forms::invite::survey_invite(&site.forms, form),
            );
            c
        }),
        ("error.html", {
            let mut c = Context::new();
            c.insert("status", &503);
            c.insert("title", "تعذّر الحفظ");
            c.insert("message", "لم يُحفظ طلبك.");
            c.insert("retry", &true);
            c
        }),
        ("form.html", {
            let mut c = form_context(site, form, None);
            let errors: Vec<_> = form
                .fields
                .iter()
                .map(|f| json!({"field": f.name, "message": f.msg_required()}))
                .collect();
            c.insert("errors", &errors);
            c
        }),
        ("track.html", {
            let mut c = form_context(site, &FormDef::track(), None);
            c.insert(
                "result",
                &json!({
                    "code": "K7M4-Q9TX-3HRP", "form_title": form.title, "kind": form.kind, "status": "received",
                    "status_label": "وصل", "received_at": "2025-10-20T09:30:00Z",
                    "updated_at": "2025-10-21T10:00:00+03:00", "expected_by": "2025-11-03",
                    "response": {"days": 14, "kind": "at_least", "quote": "خلال مدة لا تقل عن أسبوعين"},
                    "message": "نراجع طلبك.", "history": [{"status_label": "وصل", "at": "2025-10-20T09:30:00Z"}]
                }),
            );
            c
        }),
        ("track.html", {
            let mut c = form_context(site, &FormDef::track(), None);
            c.insert("not_found", &true);
            c
        }),
    ];
    for (name, extra) in samples {
        let mut info = PageInfo::new("صفحة", "/api/sample");
        info.noindex = true;
        let mut ctx = base_context(&site.config, &info, &assets);
        ctx.extend(extra);
        if let Err(e) = renderer.render(name, &ctx) {
            problems.push(template_error(
                templates,
                name,
                "/api/ (the service's answer)",
                e,
            ));
        }
    }
    problems
}
