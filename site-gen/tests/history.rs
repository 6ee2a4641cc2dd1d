//! Every approved version of the policy: `archive` files the current one, staff edit the text and
//! the version, and the built site keeps the old version at /policy/archive/{version}/ with a page
//! of what changed; `check` refuses a changed text under an unchanged version.

mod common;

use std::fs;

use common::Fixture;
use scraper::{Html, Selector};
use site_gen::archive::{Filed, Refused, archive};
use site_gen::diagnostic::Diagnostic;
use site_gen::render::Mode;

fn problems(f: &Fixture) -> Vec<Diagnostic> {
    site_gen::check(&f.config(), Mode::default())
        .diagnostics
        .0
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect()
}

/// The pages of the site built in memory: address → document.
fn pages(f: &Fixture) -> std::collections::HashMap<String, Html> {
    let checked = site_gen::check(&f.config(), Mode::default());
    assert!(!checked.diagnostics.has_errors(), "{}", checked.diagnostics);
    checked
        .outputs
        .unwrap()
        .iter()
        .filter(|o| o.path.ends_with(".html"))
        .map(|o| {
            (
                o.url_path(),
                Html::parse_document(&String::from_utf8_lossy(&o.bytes)),
            )
        })
        .collect()
}

fn texts(doc: &Html, selector: &str) -> Vec<String> {
    doc.select(&Selector::parse(selector).unwrap())
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Files version 2.1 of the fixture, then edits it into version 2.2: one sentence reworded, the
/// approval section removed, a section added.
fn archived_then_edited() -> Fixture {
    let f = Fixture::new();
    let filed = archive(&f.site()).unwrap();
    assert!(
        matches!(&filed, Filed::Written { key, files: 5, .. } if key == "2.1"),
        "{filed:?}"
    );
    f.edit(
        "policy/01-introduction.md",
        "نص المقدمة. راجع [الاعتماد](#اعتماد-مجلس-الإدارة).",
        "نص المقدمة الموسّع.",
    )
    .edit("policy/_index.md", "version: \"2.1\"", "version: \"2.2\"")
    .edit("policy/_index.md", "date: 2025-10-20", "date: 2026-10-20")
    .write(
        "policy/05-complaints.md",
        "---\ntitle: الشكاوى\n---\nنرد على كل شكوى.\n",
    );
    fs::remove_file(f.site().join("policy/04-approval.md")).unwrap();
    f
}

#[test]
fn an_archived_version_is_published_with_its_approval_data_and_its_lists() {
    let f = archived_then_edited();
    let pages = pages(&f);
    let old = &pages["/policy/archive/2.1/"];
    let facts = texts(old, "#approval-block dd").join(" | ");
    assert!(facts.contains("مجلس الإدارة"), "{facts}");
    assert!(facts.contains("20 أكتوبر 2025م"), "{facts}");
    assert!(facts.contains("2.1"), "{facts}");
    let text = texts(old, "main").join(" ");
    assert!(text.contains("نص المقدمة. راجع الاعتماد."), "{text}");
    assert!(text.contains("اعتُمدت هذه السياسة."), "{text}");
    assert!(text.contains("إصدار سابق"), "{text}");
    // The channel list and the categories the policy page adds were filed with the text.
    assert!(
        text.contains("الهاتف") && text.contains("صورة من بطاقة الجامعة."),
        "{text}"
    );

    let list = &pages["/policy/archive/"];
    assert_eq!(texts(list, "main h2"), ["الإصدار 2.1"]);
    let policy = &pages["/policy/"];
    let links: Vec<_> = policy
        .select(&Selector::parse(".policy-history a").unwrap())
        .map(|a| {
            (
                a.value().attr("href").unwrap().to_string(),
                a.text().collect::<String>(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            (
                "/policy/archive/".to_string(),
                "الإصدارات السابقة".to_string()
            ),
            (
                "/policy/changes/".to_string(),
                "ما الذي تغيّر في هذا الإصدار".to_string()
            )
        ]
    );
}

#[test]
fn a_build_writes_the_archive_the_version_and_both_changes_pages() {
    let files = archived_then_edited().built();
    for page in [
        "policy/archive/index.html",
        "policy/archive/2.1/index.html",
        "policy/changes/index.html",
    ] {
        assert!(files.contains_key(page), "no {page} in the built folder");
    }
    let sitemap = String::from_utf8_lossy(&files["sitemap.xml"]);
    assert!(sitemap.contains("/policy/archive/2.1/"), "{sitemap}");
}

#[test]
fn the_changes_page_marks_each_section_and_the_words_that_changed() {
    let f = archived_then_edited();
    let pages = pages(&f);
    let changes = &pages["/policy/changes/"];
    assert_eq!(texts(changes, "h1"), ["ما الذي تغيّر في الإصدار 2.2"]);
    assert_eq!(
        texts(changes, ".change h2"),
        [
            "مُقَدِّمَة (قسم عُدّل)",
            "الشكاوى (قسم أُضيف)",
            "اعتماد مجلس الإدارة (قسم حُذف)"
        ]
    );
    // Inside the reworded section only the changed words are marked, and each mark says what it
    // is in words for a reader without colour or styles.
    assert_eq!(
        texts(changes, ".change--reworded del"),
        ["حُذف: المقدمة. راجع الاعتماد."]
    );
    assert_eq!(
        texts(changes, ".change--reworded ins"),
        ["أُضيف: المقدمة الموسّع."]
    );
    assert_eq!(
        texts(changes, ".change--added ins"),
        ["أُضيف: نرد على كل شكوى."]
    );
    assert_eq!(
        texts(changes, ".change--removed del"),
        ["حُذف: اعتُمدت هذه السياسة."]
    );
    assert_eq!(
        texts(changes, ".change del .visually-hidden").len(),
        texts(changes, ".change del").len()
    );
    let unchanged = texts(changes, "main ul:last-of-type li");
    assert_eq!(unchanged, ["قنوات التواصل", "التحقق من الأهلية"]);
}

#[test]
fn a_site_without_an_archive_has_no_history_pages_and_no_link() {
    let f = Fixture::new();
    let pages = pages(&f);
    assert!(!pages.keys().any(|p| p.starts_with("/policy/archive/")));
    assert!(texts(&pages["/policy/"], ".policy-history").is_empty());
}

#[test]
fn check_refuses_a_changed_text_under_the_same_version_at_the_version_key() {
    let f = Fixture::new();
    archive(&f.site()).unwrap();
    f.edit("policy/01-introduction.md", "نص المقدمة.", "نص آخر.");
    let found = problems(&f);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    assert_eq!(
        (d.file.as_str(), d.line, d.column),
        (f.file("policy/_index.md").as_str(), 3, 1),
        "{d}"
    );
    assert!(d.message.ar.contains("2.1"), "{d}");
    // And archive refuses to file it over the version filed before.
    match archive(&f.site()) {
        Err(Refused::Problems(p)) => assert!(p.has_errors()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn without_a_stated_version_the_approval_date_names_the_version() {
    let f = Fixture::new();
    f.edit("policy/_index.md", "version: \"2.1\"\n", "");
    let filed = archive(&f.site()).unwrap();
    assert!(
        matches!(&filed, Filed::Written { key, .. } if key == "2025-10-20"),
        "{filed:?}"
    );
    f.edit("policy/01-introduction.md", "نص المقدمة.", "نص آخر.");
    let found = problems(&f);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].line, found[0].column), (6, 3), "{}", found[0]);
    f.edit("policy/_index.md", "date: 2025-10-20", "date: 2026-10-20");
    let pages = pages(&f);
    let h2 = texts(&pages["/policy/archive/"], "main h2");
    assert_eq!(
        h2,
        ["النص المعتمد في 28 ربيع الآخر 1447هـ الموافق 20 أكتوبر 2025م"]
    );
}

#[test]
fn archiving_twice_writes_nothing_and_a_different_filed_text_is_refused() {
    let f = Fixture::new();
    archive(&f.site()).unwrap();
    let before = common::snapshot(&f.site());
    let again = archive(&f.site()).unwrap();
    assert!(matches!(again, Filed::AlreadyFiled { .. }), "{again:?}");
    assert_eq!(common::snapshot(&f.site()), before);
    // A filed version edited by hand no longer matches the text under its number.
    f.edit(
        "policy/archive/2.1/01-introduction.md",
        "نص المقدمة.",
        "نص مختلف.",
    );
    assert_eq!(problems(&f).len(), 1);
    let refused = archive(&f.site()).unwrap_err();
    assert!(
        refused.message().contains("لم يُحفظ شيء"),
        "{}",
        refused.message()
    );
}
