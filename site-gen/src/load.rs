//! Reading a content folder into the checked model, collecting every problem on the way.

use std::fs;
use std::path::Path;

use rayon::prelude::*;

use forms::{FormDef, SiteConfig};

use crate::anchors::Anchors;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::document::Document;
use crate::model::history::{ARCHIVE_DIR, ArchivedFiles, VersionText};
use crate::model::report::{PeriodReport, REPORTS_DIR, Reports};
use crate::model::{
    self, ChannelDirectory, EligibilityGuide, MarkdownSource, Origin, Page, Policy, PolicyHistory,
    PrivacyNotice, Site,
};
use forms::Text;

/// Values given on the command line that replace those of `site.yaml`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    pub forms_url: Option<String>,
}

/// A content folder being read.
struct Folder<'a> {
    root: &'a Path,
    problems: Vec<Diagnostic>,
}

impl Folder<'_> {
    fn display(&self, rel: &str) -> String {
        self.root.join(rel).to_string_lossy().into_owned()
    }

    fn read(&mut self, rel: &str) -> Option<String> {
        self.read_text(rel).map_err(|e| self.problems.push(e)).ok()
    }

    /// The text of `rel`, or the problem (usable from many threads).
    fn read_text(&self, rel: &str) -> Result<String, Diagnostic> {
        fs::read_to_string(self.root.join(rel)).map_err(|e| {
            Diagnostic::error(
                self.display(rel),
                1,
                1,
                Text::new(
                    format!("تعذّرت قراءة الملف: {e}"),
                    format!("cannot read the file: {e}"),
                ),
            )
        })
    }

    /// The files of `dir` ending in `ext`, by name; `_index.md` apart. Other files are warned of.
    fn list(&mut self, dir: &str, ext: &str) -> (Option<String>, Vec<String>) {
        let mut names: Vec<String> = match fs::read_dir(self.root.join(dir)) {
            Ok(entries) => entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => return (None, Vec::new()),
        };
        names.sort();
        let mut index = None;
        let mut files = Vec::new();
        for name in names {
            let rel = format!("{dir}/{name}");
            if name.starts_with('.') || self.root.join(&rel).is_dir() {
                continue;
            }
            if name == "_index.md" && ext == "md" {
                index = Some(rel);
            } else if name.ends_with(&format!(".{ext}")) {
                files.push(rel);
            } else {
                let file = self.display(&rel);
                self.problems.push(
                    Diagnostic::warning(
                        file,
                        1,
                        1,
                        Text::new(
                            format!("هذا الملف مُهمَل: لا يُقرأ في {dir}/ إلا ملفات .{ext}"),
                            format!("this file is ignored: only .{ext} files are read in {dir}/"),
                        ),
                    )
                    .hint(Text::new(
                        format!("غيّر اسمه لينتهي بـ .{ext}، أو انقله خارج مجلد المحتوى"),
                        format!("rename it to end in .{ext}, or move it out of the content folder"),
                    )),
                );
            }
        }
        (index, files)
    }

    fn document(&mut self, rel: &str) -> Option<Document> {
        self.parse(rel).map_err(|e| self.problems.push(e)).ok()
    }

    /// Reads and splits the Markdown file `rel`, or the problem (for reading files in parallel).
    fn parse(&self, rel: &str) -> Result<Document, Diagnostic> {
        Document::parse(&self.display(rel), &self.read_text(rel)?)
    }
}

fn stem(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.').map_or(name, |(s, _)| s).to_string()
}

fn body_source(doc: &Document, page: &str) -> MarkdownSource {
    MarkdownSource {
        file: doc.file.clone(),
        origin: Origin::Body {
            first_line: doc.body_line,
        },
        text: doc.body.clone(),
        page: page.to_string(),
    }
}

/// Reads the site in `root`. The model is `None` only when `site.yaml` or the policy cannot be
/// read; otherwise it holds everything that could be read, and the problems say what could not.
pub fn load(root: &Path, overrides: &Overrides) -> (Option<Site>, Diagnostics) {
    let mut folder = Folder {
        root,
        problems: Vec::new(),
    };
    let site = load_into(&mut folder, overrides);
    let mut d = Diagnostics::default();
    for p in folder.problems {
        d.push(p);
    }
    (site, d)
}

fn load_into(folder: &mut Folder, overrides: &Overrides) -> Option<Site> {
    if !folder.root.is_dir() {
        let file = folder.root.to_string_lossy().into_owned();
        folder.problems.push(
            Diagnostic::error(
                file,
                1,
                1,
                Text::new(
                    "مجلد المحتوى غير موجود",
                    "the content folder does not exist",
                ),
            )
            .hint(Text::new(
                "شغّل الأمر من جذر المستودع، أو حدّد المجلد بـ --site",
                "run from the repository's root, or give the folder with --site",
            )),
        );
        return None;
    }
    let site_file = folder.display("site.yaml");
    let site_text = folder.read("site.yaml");
    let config =
        site_text
            .clone()
            .and_then(|text| match SiteConfig::from_yaml(&site_file, &text) {
                Ok(c) => Some(c),
                Err(errs) => {
                    folder
                        .problems
                        .extend(errs.into_iter().map(Diagnostic::from));
                    None
                }
            });
    if let (Some(admin), Some(text)) = (config.as_ref().and_then(|c| c.admin.as_ref()), &site_text)
    {
        folder.problems.extend(crate::editor::check_folder(
            folder.root,
            admin,
            &site_file,
            text,
        ));
    }
    let mut sources = Vec::new();
    // Without a readable site.yaml its own error is reported; a form's `captcha` is not also one.
    let captcha = config.as_ref().map(|c| c.captcha.is_some()).unwrap_or(true);
    let notifications = config.as_ref().and_then(|c| c.notifications.clone());
    let (forms, unread) = load_forms(folder, notifications.as_ref(), &mut sources, captcha);
    let config = config.map(|mut c| {
        if let Some(u) = &overrides.base_url {
            c.base_url = u.trim_end_matches('/').to_string();
        }
        if let Some(u) = &overrides.forms_url {
            c.forms_url = u.trim_end_matches('/').to_string();
        }
        c
    });

    // The policy.
    let (index, files) = folder.list("policy", "md");
    let Some(index) = index else {
        let file = folder.display("policy/_index.md");
        folder.problems.push(
            Diagnostic::error(
                file,
                1,
                1,
                Text::new(
                    "ملف السياسة _index.md غير موجود",
                    "the policy's _index.md is missing",
                ),
            )
            .hint(Text::new(
                "أنشئ policy/_index.md فيه العنوان والإصدار والاعتماد والمراجعة (docs/content-format.md)",
                "create policy/_index.md with the title, version, approval and review (docs/content-format.md)",
            )),
        );
        return None;
    };
    let index = folder.document(&index)?;
    let sections: Vec<Document> = files.iter().filter_map(|f| folder.document(f)).collect();
    let config = config?;
    let mut policy_anchors = Anchors::with_reserved(&model::policy::RESERVED_IDS);
    let policy = Policy::load(
        index,
        sections,
        config.digits,
        &mut policy_anchors,
        &mut folder.problems,
    );

    // The channels.
    let (index, files) = folder.list("channels", "md");
    if index.is_none() && files.is_empty() {
        let file = folder.display("channels");
        folder.problems.push(
            Diagnostic::error(
                file,
                1,
                1,
                Text::new(
                    "مجلد channels/ غير موجود أو فارغ",
                    "the channels/ folder is missing or empty",
                ),
            )
            .hint(Text::new(
                "أضف ملفًا لكل قناة تواصل، مثل channels/01-phone.md (docs/content-format.md)",
                "add one file per contact channel, e.g. channels/01-phone.md (docs/content-format.md)",
            )),
        );
    }
    let index = index.and_then(|f| folder.document(&f));
    let docs: Vec<Document> = files.iter().filter_map(|f| folder.document(f)).collect();
    let channels =
        ChannelDirectory::load(index, docs, &config, &forms, &unread, &mut folder.problems);

    // The eligibility guide, when the folder exists.
    let eligibility = if folder.root.join("eligibility").is_dir() {
        let (index, files) = folder.list("eligibility", "md");
        let index = index.and_then(|f| folder.document(&f));
        let docs: Vec<Document> = files.iter().filter_map(|f| folder.document(f)).collect();
        Some(EligibilityGuide::load(
            index,
            docs,
            &forms,
            &unread,
            &mut policy_anchors,
            &mut folder.problems,
            &mut sources,
        ))
    } else {
        None
    };

    // The generic pages: there may be tens of thousands, read in parallel.
    let (_, files) = folder.list("pages", "md");
    let read: Vec<Result<(String, Document), Diagnostic>> = files
        .par_iter()
        .map(|f| folder.parse(f).map(|d| (stem(f), d)))
        .collect();
    let mut docs = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok(d) => docs.push(d),
            Err(e) => folder.problems.push(e),
        }
    }
    let pages = Page::load_all(docs, &mut folder.problems);

    let policy = policy?;
    let history = load_history(folder, &policy, &channels, eligibility.as_ref(), &config);
    let reports = load_reports(folder, &config, &forms);
    sources.push(body_source(&policy.index, "/policy/"));
    sources.extend(
        policy
            .sections
            .iter()
            .map(|s| body_source(&s.doc, "/policy/")),
    );
    sources.extend(
        channels
            .channels
            .iter()
            .map(|c| body_source(&c.doc, "/channels/")),
    );
    if let Some(g) = &eligibility {
        sources.extend(
            g.categories
                .iter()
                .map(|c| body_source(&c.doc, "/eligibility/")),
        );
    }

    let mut forms = forms;
    let position = |id: &str| {
        config
            .nav
            .iter()
            .position(|n| n.path == model::form_path(id))
            .unwrap_or(usize::MAX)
    };
    forms.sort_by(|a, b| (position(&a.id), &a.id).cmp(&(position(&b.id), &b.id)));
    let privacy = PrivacyNotice::load(
        &config,
        &site_file,
        site_text.as_deref().unwrap_or_default(),
        &forms,
        &unread,
        &mut folder.problems,
    );
    Some(Site {
        config,
        policy,
        channels,
        eligibility,
        forms,
        pages,
        privacy,
        history,
        reports,
        sources,
        config_file: (site_file, site_text.unwrap_or_default()),
    })
}

/// The forms that read, and the ids of those that did not (so that what names them is not reported
/// as naming a missing form).
fn load_forms(
    folder: &mut Folder,
    notifications: Option<&forms::Notifications>,
    sources: &mut Vec<MarkdownSource>,
    captcha_configured: bool,
) -> (Vec<FormDef>, Vec<String>) {
    let (_, files) = folder.list("forms", "yaml");
    let mut forms = Vec::new();
    let mut unread = Vec::new();
    for rel in files {
        let Some(text) = folder.read(&rel) else {
            continue;
        };
        let file = folder.display(&rel);
        let id = stem(&rel);
        match FormDef::from_yaml(&id, &file, &text) {
            Ok(def) => {
                model::privacy::check_form(&def, &file, &text, &mut folder.problems);
                if def.captcha && !captcha_configured {
                    let (l, c) = forms::source::locate_key(&text, "captcha", None);
                    folder.problems.push(
                        Diagnostic::error(
                            &file,
                            l,
                            c,
                            forms::Text::new(
                                "`captcha: true` يطلب تحققًا من مزوّد لم يُذكر في site.yaml",
                                "`captcha: true` asks for a challenge, but site.yaml names no provider",
                            ),
                        )
                        .hint(forms::Text::new(
                            "أضف إلى site.yaml `captcha:` فيه provider (turnstile أو hcaptcha) وsite_key، أو احذف `captcha: true`",
                            "add `captcha:` with provider (turnstile or hcaptcha) and site_key to site.yaml, or remove `captcha: true`",
                        )),
                    );
                }
                folder.problems.extend(
                    forms::notify::check_form(notifications, &def, &file, &text)
                        .into_iter()
                        .map(Diagnostic::from),
                );
                let page = model::form_path(&def.id);
                let mut add = |key: &str, after: Option<&str>, value: &Option<String>| {
                    if let Some(value) = value {
                        let (line, column) = forms::source::locate_key(&text, key, after);
                        sources.push(MarkdownSource {
                            file: file.clone(),
                            origin: Origin::Value { line, column },
                            text: value.clone(),
                            page: page.clone(),
                        });
                    }
                };
                add("description", None, &def.description);
                add("next_steps", None, &def.next_steps);
                add("purpose", None, &def.purpose);
                for f in &def.fields {
                    let at = format!("name: {}", f.name);
                    add("hint", Some(&at), &f.hint);
                    for o in &f.options {
                        add("hint", Some(&format!("value: {}", o.value)), &o.hint);
                    }
                }
                forms.push(def);
            }
            Err(errs) => {
                unread.push(id);
                folder
                    .problems
                    .extend(errs.into_iter().map(Diagnostic::from));
            }
        }
    }
    (forms, unread)
}

/// The versions filed in `policy/archive/`, compared with the current policy.
fn load_history(
    folder: &mut Folder,
    policy: &Policy,
    channels: &ChannelDirectory,
    eligibility: Option<&EligibilityGuide>,
    config: &SiteConfig,
) -> PolicyHistory {
    let mut archived = Vec::new();
    let mut keys: Vec<String> = fs::read_dir(folder.root.join(ARCHIVE_DIR))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| !name.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    keys.sort();
    for key in keys {
        let dir = format!("{ARCHIVE_DIR}/{key}");
        let (index, files) = folder.list(&dir, "md");
        let Some(index) = index.and_then(|f| folder.document(&f)) else {
            let file = folder.display(&format!("{dir}/_index.md"));
            folder.problems.push(
                Diagnostic::error(
                    file,
                    1,
                    1,
                    Text::new(
                        "الإصدار المحفوظ بلا ملف _index.md",
                        "the filed version has no _index.md",
                    ),
                )
                .hint(Text::new(
                    "احذف المجلد واحفظ الإصدار من جديد بالأمر site-gen archive قبل تعديل النص",
                    "remove the folder and file the version again with `site-gen archive` before editing",
                )),
            );
            continue;
        };
        let sections = files.iter().filter_map(|f| folder.document(f)).collect();
        archived.push(ArchivedFiles {
            key,
            index,
            sections,
        });
    }
    let current = VersionText::current(policy, channels, eligibility);
    PolicyHistory::load(
        policy,
        &current,
        archived,
        config.calendar,
        config.digits,
        &mut folder.problems,
    )
}

/// The public reports of `data/reports/`, each checked.
fn load_reports(folder: &mut Folder, config: &SiteConfig, forms: &[FormDef]) -> Reports {
    let (_, files) = folder.list(REPORTS_DIR, "yaml");
    let mut periods = Vec::new();
    for rel in files {
        let Some(text) = folder.read(&rel) else {
            continue;
        };
        let file = folder.display(&rel);
        if let Some(p) = PeriodReport::load(
            &stem(&rel),
            &file,
            &text,
            config,
            forms,
            &mut folder.problems,
        ) {
            periods.push(p);
        }
    }
    Reports::new(periods, config.digits)
}
