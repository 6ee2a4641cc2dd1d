//! The browser editor at `/admin/`: written only for a site with `admin:`, with the configuration
//! generated from the content model and the built editor copied beside it; and files written the
//! way the editor writes them (its key order, no comments, Arabic file names) pass `check`.

mod common;

use std::fs;

use common::Fixture;
use site_gen::render::Mode;

const ADMIN: &str = "admin:\n  repo: aman-org/policy-site\n  branch: main\n";

fn with_admin() -> Fixture {
    let f = Fixture::new();
    let site = fs::read_to_string(f.site().join("site.yaml")).unwrap();
    f.write("site.yaml", &format!("{site}{ADMIN}"));
    f
}

#[test]
fn a_site_without_admin_has_no_editor() {
    let f = Fixture::new();
    let files = f.built();
    assert!(
        !files.keys().any(|p| p.starts_with("admin/")),
        "{:?}",
        files.keys()
    );
}

#[test]
fn the_editor_is_served_at_admin_with_its_generated_configuration() {
    let f = with_admin();
    let built = f.dir.path().join("editor");
    fs::create_dir_all(built.join("assets")).unwrap();
    fs::write(built.join("editor.js"), "export {};\n").unwrap();
    fs::write(built.join("assets/font.woff2"), [0u8, 1, 2]).unwrap();
    fs::write(built.join("editor.js.map"), "{}").unwrap();
    let mut config = f.config();
    config.editor = Some(built);
    let out = f.dir.path().join("public");
    let (result, d) = site_gen::build(&config, &out, Mode::default());
    assert!(result.is_ok() && !d.has_errors(), "{d}");

    let page = fs::read_to_string(out.join("admin/index.html")).unwrap();
    assert!(page.contains(r#"<html lang="ar" dir="rtl">"#), "{page}");
    assert!(page.contains(r#"<script type="module" src="/admin/editor.js"></script>"#));
    assert!(page.contains(r#"href="/admin/config.yml""#));
    assert!(page.contains(r#"<meta name="robots" content="noindex">"#));
    assert_eq!(
        fs::read(out.join("admin/assets/font.woff2")).unwrap(),
        [0, 1, 2]
    );
    assert!(
        !out.join("admin/editor.js.map").exists(),
        "source maps stay out"
    );

    let yaml = fs::read_to_string(out.join("admin/config.yml")).unwrap();
    let v: serde_json::Value = serde_norway::from_str(&yaml).unwrap();
    assert_eq!(v["backend"]["repo"], "aman-org/policy-site");
    assert_eq!(v["collections"][0]["folder"], "content/policy");
    assert_eq!(v["collections"][0]["index_file"]["name"], "_index");
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("/admin/"), "{sitemap}");
}

#[test]
fn built_without_the_editor_admin_says_the_pipeline_publishes_it() {
    let f = with_admin();
    let files = f.built();
    let page = String::from_utf8(files["admin/index.html"].clone()).unwrap();
    assert!(page.contains("يُنشر مع الموقع من خط النشر"), "{page}");
    assert!(!page.contains("editor.js"), "{page}");
    assert!(files.contains_key("admin/config.yml"));
}

#[test]
fn a_wrong_admin_key_is_reported_at_its_place() {
    let f = Fixture::new();
    let site = fs::read_to_string(f.site().join("site.yaml")).unwrap();
    let line = site.lines().count() + 2;
    f.write("site.yaml", &format!("{site}admin:\n  repo: aman-org\n"));
    let d = site_gen::check(&f.config(), Mode::default()).diagnostics.0;
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(
        (d[0].file.as_str(), d[0].line, d[0].column),
        (f.file("site.yaml").as_str(), line, 3)
    );
    assert!(d[0].message.ar.contains("المالك/الاسم"), "{}", d[0]);
}

#[test]
fn files_written_as_the_editor_writes_them_pass_check() {
    let f = with_admin();
    // Sveltia writes the keys in the order of the configuration's fields, without comments,
    // leaves out empty optional fields, and names a new file from its title, Arabic kept.
    f.write(
        "policy/مقدمة-السياسة-رقم-0501234567.md",
        "---\ntitle: مقدمة السياسة (رقم 0501234567)\nrole: principles\n---\n\nنص عربي يكتبه الموظف في المحرر، وفيه رقم 0501234567.\n",
    );
    f.write(
        "policy/_index.md",
        "---\ntitle: سياسة العلاقة مع المستفيدين\nversion: '2.2'\napproval:\n  body: مجلس الإدارة\n  meeting: الاجتماع الأول\n  date: 2026-10-20\nreview_cycle: سنوية\nreview_months: 12\n---\n",
    );
    f.write(
        "channels/الزيارة.md",
        "---\ntitle: الزيارة\nkind: in-person\ncontacts:\n  - phone\n  - email\nform: request\n---\n\nزرنا في المقر.\n",
    );
    f.write(
        "eligibility/الأسر.md",
        "---\ntitle: الأسر\ncriteria:\n  - أن تكون الأسرة مقيمة في المنطقة.\nverification:\n  - الاطلاع على الهوية.\n---\n",
    );
    f.write(
        "pages/الأسئلة-الشائعة.md",
        "---\ntitle: الأسئلة الشائعة\ntoc: false\n---\n\n## كيف أقدّم طلبًا؟\n\nمن [نموذج الطلب](/forms/request/).\n",
    );
    let checked = site_gen::check(&f.config(), Mode::default());
    assert!(
        !checked.diagnostics.has_errors(),
        "{}",
        checked.diagnostics.text(forms::Lang::En)
    );
    let paths: Vec<String> = checked
        .outputs
        .unwrap()
        .iter()
        .map(|o| o.url_path())
        .collect();
    assert!(paths.contains(&"/الأسئلة-الشائعة/".to_string()), "{paths:?}");
}
