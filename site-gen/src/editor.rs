//! The browser editor at `/admin/` (Sveltia CMS), for a site whose `site.yaml` has `admin:`.
//!
//! Its configuration (`/admin/config.yml`) is generated here from the content model: one folder
//! collection per content folder that `load` reads as Markdown, each field typed from the key
//! that `check` accepts (the keys and the enumerations' values are read from the model's own
//! types, see [`names`]), so that the editor cannot write what the checker refuses. Edits go
//! through pull requests (`editorial_workflow`), where the pipeline checks them. The forms and
//! `site.yaml` are left to GitHub's editor: Sveltia rewrites a file's YAML without its comments,
//! and `site.yaml` marks example values with `# EXAMPLE` comments.
//!
//! The editor itself is `admin/dist/` (built by `admin/build.mjs` from the npm package), copied to
//! `/admin/` when found; without it `/admin/` says that the pipeline publishes the editor.

pub mod names;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::model::Site;
use crate::model::channel::{ChannelMeta, Kind};
use crate::model::eligibility::CategoryMeta;
use crate::model::listing::IndexMeta;
use crate::model::page::PageMeta;
use crate::model::policy::{ApprovalMeta, PolicyMeta, Role, SectionMeta};
use names::names;

/// The editor's script, in the built editor's folder and at `/admin/`.
pub const SCRIPT: &str = "editor.js";

/// Where the built editor is, from the repository's root (see `admin/build.mjs`).
pub const BUILT_DIR: &str = "admin/dist";

/// The built editor nearest to the content folder: `admin/dist/` beside it or beside one of the
/// folders above it (as the templates are found), when it holds the script.
pub fn find_built(site: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(site).unwrap_or_else(|_| site.to_path_buf());
    abs.ancestors()
        .skip(1)
        .map(|dir| dir.join(BUILT_DIR))
        .find(|dir| dir.join(SCRIPT).is_file())
}

/// The files of the built editor in `dir`, each with its place under it (`/`-separated).
pub fn built_files(dir: &Path) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        let mut entries: Vec<_> = fs::read_dir(dir)?.filter_map(|e| e.ok()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name.ends_with(".map") {
                continue;
            }
            let rel = format!("{prefix}{name}");
            if e.path().is_dir() {
                walk(&e.path(), &format!("{rel}/"), out)?;
            } else {
                out.push((rel, fs::read(e.path())?));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out)?;
    Ok(out)
}

/// A warning, at `folder:` (or `admin:`), when the content folder `site` is in a Git repository
/// at another path than `admin.folder` says: the editor would edit another folder (or none).
pub fn check_folder(
    site: &Path,
    admin: &forms::Admin,
    file: &str,
    text: &str,
) -> Option<crate::diagnostic::Diagnostic> {
    let abs = std::path::absolute(site).ok()?;
    let root = abs.ancestors().find(|d| d.join(".git").exists())?;
    let actual: Vec<String> = abs
        .strip_prefix(root)
        .ok()?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let actual = actual.join("/");
    if actual == admin.folder.trim_end_matches('/') {
        return None;
    }
    let (line, column) = if text.lines().any(|l| l.trim_start().starts_with("folder:")) {
        forms::source::locate_key(text, "folder", Some("admin:"))
    } else {
        forms::source::locate_key(text, "admin", None)
    };
    Some(
        crate::diagnostic::Diagnostic::warning(
            file,
            line,
            column,
            forms::Text::new(
                format!(
                    "محرر المحتوى سيعدّل المجلد {:?} في المستودع، ومجلد المحتوى هو {actual:?}",
                    admin.folder
                ),
                format!(
                    "the editor would edit the folder {:?} of the repository, but the content folder is {actual:?}",
                    admin.folder
                ),
            ),
        )
        .hint(forms::Text::new(
            format!("اكتب تحت admin: السطر folder: {actual}"),
            format!("write folder: {actual} under admin:"),
        )),
    )
}

/// What a field holds, and so how the editor asks for it.
#[derive(Debug, Clone, PartialEq)]
pub enum Widget {
    /// One line of text.
    Line,
    /// The file's Markdown body.
    Body,
    /// One of these values, each with its Arabic label.
    Select(Vec<(Value, String)>),
    /// Any of these values (a YAML list).
    Multiple(Vec<(Value, String)>),
    /// A Gregorian date, written `YYYY-MM-DD`.
    Date,
    /// A whole number from 1.
    Count,
    /// A list of texts, one item each.
    Texts,
    /// A mapping with these keys.
    Object(Vec<Field>),
}

/// One key of an entry's front matter (or its body).
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    pub required: bool,
    pub widget: Widget,
}

fn field(name: &'static str, label: &'static str, required: bool, widget: Widget) -> Field {
    Field {
        name,
        label,
        hint: None,
        required,
        widget,
    }
}

impl Field {
    fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// The field as Sveltia's configuration writes it.
    fn config(&self) -> Value {
        let mut v = json!({ "name": self.name, "label": self.label, "required": self.required });
        let options = |o: &[(Value, String)]| {
            o.iter()
                .map(|(value, label)| json!({ "value": value, "label": label }))
                .collect::<Vec<_>>()
        };
        let widget = match &self.widget {
            Widget::Line => json!({ "widget": "string" }),
            Widget::Body => json!({
                "widget": "markdown",
                // Images and other blocks the site does not render are not offered.
                "editor_components": [],
            }),
            Widget::Select(o) => json!({ "widget": "select", "options": options(o) }),
            Widget::Multiple(o) => {
                json!({ "widget": "select", "multiple": true, "options": options(o) })
            }
            Widget::Date => json!({
                "widget": "datetime",
                "time_format": false,
                "format": "YYYY-MM-DD",
                "date_format": "YYYY-MM-DD",
            }),
            Widget::Count => json!({ "widget": "number", "value_type": "int", "min": 1 }),
            Widget::Texts => json!({
                "widget": "list",
                "field": { "name": "item", "label": self.label, "widget": "text" },
            }),
            Widget::Object(fields) => json!({
                "widget": "object",
                "fields": fields.iter().map(Field::config).collect::<Vec<_>>(),
            }),
        };
        merge(&mut v, widget);
        if let Some(h) = self.hint {
            merge(&mut v, json!({ "hint": h }));
        }
        v
    }
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, from) {
        a.extend(b);
    }
}

/// Which of the model's types reads a collection's files (for the tests that tie them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    PolicyIndex,
    Section,
    ListingIndex,
    Channel,
    Category,
    Page,
}

/// One folder of the content, as the editor lists and edits its files.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection {
    pub name: &'static str,
    pub label: &'static str,
    pub label_singular: &'static str,
    /// The folder under the content folder.
    pub folder: &'static str,
    pub kind: FileKind,
    pub fields: Vec<Field>,
    /// `_index.md` of the folder, when it has one: what reads it and its fields.
    pub index: Option<(FileKind, Vec<Field>)>,
}

/// The labels shown for the values of `T`, in its order; a value without one shows as written.
fn choices<'de, T: serde::Deserialize<'de>>(labels: &[(&str, &str)]) -> Vec<(Value, String)> {
    names::<T>()
        .iter()
        .map(|v| {
            let label = labels.iter().find(|(k, _)| k == v).map_or(*v, |(_, l)| *l);
            (json!(v), label.to_string())
        })
        .collect()
}

const ROLE_LABELS: [(&str, &str); 11] = [
    ("introduction", "مقدمة"),
    ("goal", "الهدف العام"),
    ("objectives", "الأهداف"),
    ("principles", "المبادئ"),
    ("channels", "قنوات التواصل (تُضاف القنوات بعده)"),
    ("tools", "الأدوات"),
    ("procedure", "الإجراءات"),
    ("eligibility", "الاستحقاق (تُضاف الفئات بعده)"),
    ("satisfaction", "قياس الرضا"),
    ("review", "المراجعة"),
    ("approval", "الاعتماد (يُعرض معه بيان الاعتماد)"),
];

const KIND_LABELS: [(&str, &str); 9] = [
    ("in-person", "الحضور الشخصي"),
    ("phone", "الهاتف"),
    ("email", "البريد الإلكتروني"),
    ("social", "وسائل التواصل الاجتماعي"),
    ("web", "الموقع الإلكتروني"),
    ("helpdesk", "مكتب المساعدة"),
    ("volunteering", "التطوع"),
    ("letters", "الخطابات"),
    ("branch", "الفرع"),
];

const CONTACT_LABELS: [(&str, &str); 6] = [
    ("phone", "الهاتف"),
    ("whatsapp", "واتساب"),
    ("email", "البريد الإلكتروني"),
    ("address", "العنوان"),
    ("map_url", "الخريطة"),
    ("social", "حسابات التواصل الاجتماعي"),
];

fn title() -> Field {
    field("title", "العنوان", true, Widget::Line)
}

fn description() -> Field {
    field("description", "الوصف لمحركات البحث", false, Widget::Line).hint("جملة واحدة، اختيارية")
}

fn slug(what: &'static str) -> Field {
    field("slug", "المعرّف في الرابط", false, Widget::Line).hint(what)
}

fn body(label: &'static str) -> Field {
    field("body", label, false, Widget::Body)
}

/// The site's forms, to choose one from.
fn form(site: &Site, hint: &'static str) -> Field {
    let options = site
        .forms
        .iter()
        .map(|f| (json!(f.id), f.title.clone()))
        .collect();
    field("form", "النموذج", false, Widget::Select(options)).hint(hint)
}

/// The editor's collections for `site`: the policy, the channels, the eligibility guide when the
/// site has one, and the pages. The public reports are left out: `form-fn-admin report --public`
/// writes them from the stored data, and a figure typed by hand would not be one.
pub fn collections(site: &Site) -> Vec<Collection> {
    let listing_index = |label: &'static str| {
        (
            FileKind::ListingIndex,
            vec![title(), description(), body(label)],
        )
    };
    let mut all = vec![
        Collection {
            name: "policy",
            label: "السياسة",
            label_singular: "قسم من السياسة",
            folder: "policy",
            kind: FileKind::Section,
            fields: vec![
                title(),
                slug("اختياري: المعرّف بعد # في رابط القسم؛ يُشتق من العنوان إن تُرك"),
                field(
                    "role",
                    "دور القسم",
                    false,
                    Widget::Select(choices::<Role>(&ROLE_LABELS)),
                )
                .hint("اختياري: ما يضيفه الموقع إلى القسم"),
                body("نص القسم كما في السياسة حرفيًا"),
            ],
            index: Some((
                FileKind::PolicyIndex,
                vec![
                    title(),
                    description(),
                    field("version", "الإصدار", false, Widget::Line)
                        .hint("اختياري: كما تذكره السياسة، مثل 1.1"),
                    field(
                        "approval",
                        "الاعتماد",
                        true,
                        Widget::Object(vec![
                            field("body", "الجهة المعتمِدة", true, Widget::Line),
                            field("meeting", "الجلسة", true, Widget::Line),
                            field("date", "تاريخ الاعتماد (ميلادي)", true, Widget::Date),
                            field(
                                "hijri",
                                "التاريخ الهجري كما في السياسة",
                                false,
                                Widget::Line,
                            )
                            .hint("اختياري، بالصيغة 1447-04-28"),
                        ]),
                    ),
                    field("review_cycle", "دورة المراجعة", false, Widget::Line)
                        .hint("اختياري: كما تذكرها السياسة، مثل سنوية"),
                    field(
                        "review_months",
                        "دورة المراجعة بالأشهر",
                        false,
                        Widget::Count,
                    ),
                    field("next_review", "المراجعة القادمة", false, Widget::Date)
                        .hint("اختياري: تُحسب من تاريخ الاعتماد ودورة المراجعة إن تُركت"),
                    body("مقدمة تُعرض فوق فهرس السياسة"),
                ],
            )),
        },
        Collection {
            name: "channels",
            label: "قنوات التواصل",
            label_singular: "قناة تواصل",
            folder: "channels",
            kind: FileKind::Channel,
            fields: vec![
                title(),
                field(
                    "kind",
                    "نوع القناة",
                    true,
                    Widget::Select(choices::<Kind>(&KIND_LABELS)),
                ),
                slug("اختياري: معرّف البطاقة في صفحة القنوات"),
                field(
                    "contacts",
                    "بيانات التواصل المعروضة",
                    false,
                    Widget::Multiple(
                        forms::Contact::KEYS
                            .iter()
                            .map(|k| {
                                let label = CONTACT_LABELS
                                    .iter()
                                    .find(|(c, _)| c == k)
                                    .map_or(*k, |(_, l)| *l);
                                (json!(k), label.to_string())
                            })
                            .collect(),
                    ),
                )
                .hint("من بيانات التواصل في site.yaml"),
                field("hours", "أوقات العمل", false, Widget::Line)
                    .hint("اختياري: تُعرض أوقات site.yaml إن تُركت"),
                form(site, "اختياري: النموذج الذي تقود إليه القناة"),
                field("url", "رابط القناة", false, Widget::Line)
                    .hint("اختياري: عنوان المنصة كما يذكره المحتوى"),
                body("وصف القناة"),
            ],
            index: Some(listing_index("مقدمة تُعرض فوق البطاقات")),
        },
    ];
    if site.eligibility.is_some() {
        all.push(Collection {
            name: "eligibility",
            label: "فئات المستفيدين",
            label_singular: "فئة",
            folder: "eligibility",
            kind: FileKind::Category,
            fields: vec![
                title(),
                slug("اختياري: معرّف البطاقة في صفحة الاستحقاق"),
                field("criteria", "معايير الاستحقاق", false, Widget::Texts)
                    .hint("ما يجب أن يستوفيه المتقدم، بنص السياسة؛ يلزم هذا أو التزامات الجمعية"),
                field("commitments", "التزامات الجمعية", false, Widget::Texts)
                    .hint("ما تلتزم به الجمعية لهذه الفئة، بنص السياسة"),
                field("verification", "التحقق", false, Widget::Texts),
                form(site, "اختياري: نموذج التقديم"),
                field("url", "رابط التقديم", false, Widget::Line)
                    .hint("اختياري، بدل النموذج: حيث يقول المحتوى أن يُقدَّم"),
                field("field", "حقل الاختيار في النموذج", false, Widget::Line)
                    .hint("اختياري: category إن تُرك"),
                field("option", "الخيار الذي تختاره الفئة", false, Widget::Line),
                body("نص اختياري"),
            ],
            index: Some(listing_index("مقدمة تُعرض فوق الفئات")),
        });
    }
    all.push(Collection {
        name: "pages",
        label: "الصفحات",
        label_singular: "صفحة",
        folder: "pages",
        kind: FileKind::Page,
        fields: vec![
            title(),
            slug("اختياري: عنوان الصفحة في الموقع؛ اسم الملف إن تُرك"),
            description(),
            field(
                "toc",
                "فهرس المحتوى",
                false,
                Widget::Select(vec![
                    (json!(true), "يُعرض".to_string()),
                    (json!(false), "لا يُعرض".to_string()),
                ]),
            )
            .hint("اختياري: يُعرض تلقائيًا لصفحة فيها عنوانان فرعيان أو أكثر"),
            body("نص الصفحة"),
        ],
        index: None,
    });
    all
}

/// `/admin/config.yml` for `site`, or `None` when `site.yaml` has no `admin:`.
pub fn config(site: &Site) -> Option<String> {
    let admin = site.config.admin.as_ref()?;
    let folder = admin.folder.trim_end_matches('/');
    let collections: Vec<Value> = collections(site)
        .iter()
        .map(|c| {
            let mut v = json!({
                "name": c.name,
                "label": c.label,
                "label_singular": c.label_singular,
                "folder": format!("{folder}/{}", c.folder),
                "extension": "md",
                "format": "frontmatter",
                "create": true,
                // A new file is named from its title, in Arabic (see `slug` below); the files of a
                // folder are shown on the site in file-name order.
                "slug": "{{title}}",
                "sortable_fields": ["title"],
                "fields": c.fields.iter().map(Field::config).collect::<Vec<_>>(),
            });
            if let Some((_, fields)) = &c.index {
                merge(
                    &mut v,
                    json!({ "index_file": {
                        "name": "_index",
                        "label": "صفحة القسم",
                        "fields": fields.iter().map(Field::config).collect::<Vec<_>>(),
                    }}),
                );
            }
            v
        })
        .collect();
    let config = json!({
        "backend": { "name": "github", "repo": admin.repo, "branch": admin.branch },
        "publish_mode": "editorial_workflow",
        // The site's name and icon on the sign-in page and in the tab (the editor reads its logo
        // with fetch(), which the page's policy allows from the site only).
        "app_title": format!("{}: تحرير المحتوى", site.config.short_name),
        "logo": { "src": format!("/{}", crate::paths::FAVICON_FILE) },
        "media_folder": format!("{folder}/media"),
        "slug": { "encoding": "unicode", "clean_accents": false, "sanitize_replacement": "-" },
        "output": { "omit_empty_optional_fields": true },
        "collections": collections,
    });
    let yaml = serde_norway::to_string(&config).expect("the configuration serialises");
    Some(format!(
        "# Generated by `site-gen build` from the content model and `admin:` in site.yaml: do not\n\
         # edit (docs/browser-editing.md). Every change is a pull request, checked before it is\n\
         # published. The forms (forms/*.yaml) and site.yaml are edited in GitHub's own editor:\n\
         # this editor would rewrite them without their comments (site.yaml's `# EXAMPLE` marks).\n\
         {yaml}"
    ))
}

/// The model's keys for `kind`, as `check` accepts them (body aside).
pub fn accepted_keys(kind: FileKind) -> &'static [&'static str] {
    match kind {
        FileKind::PolicyIndex => names::<PolicyMeta>(),
        FileKind::Section => names::<SectionMeta>(),
        FileKind::ListingIndex => names::<IndexMeta>(),
        FileKind::Channel => names::<ChannelMeta>(),
        FileKind::Category => names::<CategoryMeta>(),
        FileKind::Page => names::<PageMeta>(),
    }
}

/// The keys of the approval mapping in `policy/_index.md`.
pub fn approval_keys() -> &'static [&'static str] {
    names::<ApprovalMeta>()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::fs;
    use std::path::Path;

    use serde_json::{Map, Value, json};

    use super::*;
    use crate::load::{Overrides, load};

    /// The default site, whose model has every folder (the eligibility guide included).
    fn site() -> Site {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let (site, d) = load(&root, &Overrides::default());
        assert!(!d.has_errors(), "{d}");
        site.unwrap()
    }

    /// A value `check` takes for a field of this kind.
    fn sample(widget: &Widget) -> Value {
        match widget {
            Widget::Line | Widget::Body => json!("نص"),
            Widget::Select(o) => o[0].0.clone(),
            Widget::Multiple(o) => json!([o[0].0.clone()]),
            Widget::Date => json!("2025-10-20"),
            Widget::Count => json!(12),
            Widget::Texts => json!(["نص"]),
            Widget::Object(fields) => entry(fields, |_| true),
        }
    }

    /// An entry's front matter with the fields `keep` keeps, each with a sample value.
    fn entry(fields: &[Field], keep: impl Fn(&Field) -> bool) -> Value {
        let map: Map<String, Value> = fields
            .iter()
            .filter(|f| f.widget != Widget::Body && keep(f))
            .map(|f| (f.name.to_string(), sample(&f.widget)))
            .collect();
        Value::Object(map)
    }

    /// Whether the model's type for `kind` reads `front` (as `check` reads a file's front matter).
    fn reads(kind: FileKind, front: &Value) -> Result<(), String> {
        let yaml = serde_norway::to_string(front).unwrap();
        fn read<T: serde::de::DeserializeOwned>(yaml: &str) -> Result<(), String> {
            serde_norway::from_str::<T>(yaml)
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
        match kind {
            FileKind::PolicyIndex => read::<PolicyMeta>(&yaml),
            FileKind::Section => read::<SectionMeta>(&yaml),
            FileKind::ListingIndex => read::<IndexMeta>(&yaml),
            FileKind::Channel => read::<ChannelMeta>(&yaml),
            FileKind::Category => read::<CategoryMeta>(&yaml),
            FileKind::Page => read::<PageMeta>(&yaml),
        }
    }

    /// Every form of the editor, with what reads it.
    fn forms() -> Vec<(String, FileKind, Vec<Field>)> {
        let site = site();
        let all = collections(&site);
        assert!(
            all.iter().any(|c| c.name == "eligibility"),
            "the site has one"
        );
        all.into_iter()
            .flat_map(|c| {
                let index = c
                    .index
                    .map(|(kind, fields)| (format!("{}/_index.md", c.folder), kind, fields));
                std::iter::once((format!("{}/*.md", c.folder), c.kind, c.fields)).chain(index)
            })
            .collect()
    }

    #[test]
    fn every_form_has_exactly_the_keys_check_accepts_for_its_files() {
        for (what, kind, fields) in forms() {
            let editor: BTreeSet<&str> = fields
                .iter()
                .filter(|f| f.widget != Widget::Body)
                .map(|f| f.name)
                .collect();
            let model: BTreeSet<&str> = accepted_keys(kind).iter().copied().collect();
            assert!(!model.is_empty(), "{what}: the model's keys were read");
            assert_eq!(editor, model, "{what}");
            assert!(
                fields.iter().any(|f| f.widget == Widget::Body),
                "{what} edits the body"
            );
            for f in &fields {
                if let Widget::Object(sub) = &f.widget {
                    let sub: BTreeSet<&str> = sub.iter().map(|f| f.name).collect();
                    let model: BTreeSet<&str> = approval_keys().iter().copied().collect();
                    assert_eq!(sub, model, "{what}: {}", f.name);
                }
            }
        }
    }

    #[test]
    fn what_the_editor_requires_is_what_check_requires() {
        for (what, kind, fields) in forms() {
            reads(kind, &entry(&fields, |_| true))
                .unwrap_or_else(|e| panic!("{what}, every field: {e}"));
            reads(kind, &entry(&fields, |f| f.required))
                .unwrap_or_else(|e| panic!("{what}, the required fields only: {e}"));
            for f in fields.iter().filter(|f| f.widget != Widget::Body) {
                let without = reads(kind, &entry(&fields, |g| g.name != f.name));
                assert_eq!(
                    without.is_err(),
                    f.required,
                    "{what}: without {} ({without:?})",
                    f.name
                );
                if let Widget::Object(sub) = &f.widget {
                    for s in sub {
                        let mut e = entry(&fields, |_| true);
                        e[f.name].as_object_mut().unwrap().remove(s.name);
                        let r = reads(kind, &e);
                        assert_eq!(
                            r.is_err(),
                            s.required,
                            "{what}: without {}.{}",
                            f.name,
                            s.name
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_value_check_refuses_is_not_offered() {
        for (what, kind, fields) in forms() {
            for f in &fields {
                let (Widget::Select(o) | Widget::Multiple(o)) = &f.widget else {
                    continue;
                };
                for (value, label) in o {
                    assert!(!label.is_empty());
                    let mut e = entry(&fields, |_| true);
                    e[f.name] = match f.widget {
                        Widget::Multiple(_) => json!([value]),
                        _ => value.clone(),
                    };
                    reads(kind, &e)
                        .unwrap_or_else(|err| panic!("{what}: {}={value}: {err}", f.name));
                }
            }
        }
        let labelled = |labels: &[(&str, &str)], values: &[&str]| {
            values.iter().all(|v| labels.iter().any(|(k, _)| k == v))
        };
        assert!(
            labelled(&ROLE_LABELS, names::<Role>()),
            "every role has an Arabic label"
        );
        assert!(
            labelled(&KIND_LABELS, names::<Kind>()),
            "every kind has an Arabic label"
        );
        assert!(labelled(&CONTACT_LABELS, &forms::Contact::KEYS));
    }

    #[test]
    fn a_folder_that_is_not_the_content_folder_s_place_in_the_repository_is_warned_of() {
        let repo = tempfile::tempdir().unwrap();
        let site = repo.path().join("examples/qana/content");
        fs::create_dir_all(&site).unwrap();
        fs::create_dir(repo.path().join(".git")).unwrap();
        let admin = |folder: &str| forms::Admin {
            repo: "a/b".into(),
            branch: "main".into(),
            folder: folder.into(),
        };
        let text = "name: x\nadmin:\n  repo: a/b\n";
        let d = check_folder(&site, &admin("content"), "site.yaml", text).unwrap();
        assert_eq!((d.line, d.column), (2, 1), "{d}");
        assert!(d.message.en.contains("\"examples/qana/content\""), "{d}");
        assert!(d.message.ar.contains("examples/qana/content"), "{d}");
        let text = "name: x\nadmin:\n  repo: a/b\n  folder: content\n";
        let d = check_folder(&site, &admin("content"), "site.yaml", text).unwrap();
        assert_eq!((d.line, d.column), (4, 3), "{d}");
        assert_eq!(
            check_folder(&site, &admin("examples/qana/content"), "site.yaml", text),
            None
        );
        let outside = tempfile::tempdir().unwrap();
        assert_eq!(
            check_folder(outside.path(), &admin("content"), "site.yaml", text),
            None,
            "not in a repository"
        );
    }

    #[test]
    fn the_configuration_names_the_repository_folders_and_pull_requests() {
        let mut site = site();
        assert_eq!(config(&site), None, "no admin: no editor");
        site.config.admin = Some(forms::Admin {
            repo: "aman-org/site".into(),
            branch: "main".into(),
            folder: "examples/qana/content".into(),
        });
        let text = config(&site).unwrap();
        assert!(
            text.starts_with("# Generated by `site-gen build`"),
            "{text}"
        );
        let v: Value = serde_norway::from_str(&text).unwrap();
        assert_eq!(
            v["backend"],
            json!({ "name": "github", "repo": "aman-org/site", "branch": "main" })
        );
        assert_eq!(v["publish_mode"], "editorial_workflow");
        assert_eq!(v["logo"]["src"], "/favicon.svg");
        assert_eq!(v["slug"]["encoding"], "unicode");
        assert_eq!(v["output"]["omit_empty_optional_fields"], true);
        let folders: Vec<&str> = v["collections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["folder"].as_str().unwrap())
            .collect();
        assert_eq!(
            folders,
            [
                "examples/qana/content/policy",
                "examples/qana/content/channels",
                "examples/qana/content/eligibility",
                "examples/qana/content/pages"
            ]
        );
        let forms = &v["collections"][1]["fields"][5];
        assert_eq!(forms["name"], "form");
        assert_eq!(forms["options"][0]["value"], site.forms[0].id.as_str());
    }
}
