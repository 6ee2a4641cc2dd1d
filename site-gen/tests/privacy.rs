//! The privacy notice and the accessibility statement: made from the content of both real sites and
//! of the fixture, linked from every footer, every form and the confirmation page; and the problems
//! `check` finds when a site whose forms collect personal data lacks a piece of the notice.

mod common;

use std::collections::BTreeMap;

use common::{Fixture, config, repo};
use forms::render::{PageInfo, base_context};
use scraper::{ElementRef, Html, Selector};
use site_gen::diagnostic::Diagnostic;
use site_gen::render::{Mode, Templates};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The built pages of the site in `dir`: address → HTML, after checking it has no error.
fn pages(dir: &std::path::Path) -> BTreeMap<String, String> {
    let checked = site_gen::check(&config(dir, "2025-11-01"), Mode::default());
    assert!(!checked.diagnostics.has_errors(), "{}", checked.diagnostics);
    checked
        .outputs
        .unwrap()
        .iter()
        .filter(|o| o.path.ends_with(".html"))
        .map(|o| (o.url_path(), String::from_utf8(o.bytes.clone()).unwrap()))
        .collect()
}

/// The part of the notice about one form: its facts, term → description.
fn form_facts(doc: &Html, form_id: &str) -> BTreeMap<String, String> {
    let section = doc
        .select(&sel(&format!("section[aria-labelledby='form-{form_id}']")))
        .next()
        .unwrap_or_else(|| panic!("the notice has a part for {form_id}"));
    section
        .select(&sel(".facts > div"))
        .map(|d| {
            (
                text(d.select(&sel("dt")).next().unwrap()),
                text(d.select(&sel("dd")).next().unwrap()),
            )
        })
        .collect()
}

#[test]
fn the_notice_lists_every_form_with_its_fields_retention_and_recipients() {
    let f = Fixture::new();
    let pages = pages(&f.site());
    let doc = Html::parse_document(&pages["/privacy/"]);
    let main = text(doc.select(&sel("main")).next().unwrap());
    assert!(
        main.contains("جمعية المثال الخيرية"),
        "who collects: {main}"
    );

    let request = form_facts(&doc, "request");
    assert_eq!(
        request["ما يجب أن تدخله"],
        "الاسم الكامل، رقم الهوية، رقم الجوال، الفئة، التفاصيل"
    );
    assert_eq!(
        request["ما لك أن تتركه فارغًا"],
        "البريد الإلكتروني، تاريخ الزيارة"
    );
    assert_eq!(
        request["مدة الحفظ"], "سنتان من يوم الإرسال",
        "retention_days: 730"
    );
    assert_eq!(request["من يطّلع عليها من خارج الجمعية"], "الجهات الرسمية");
    let feedback = form_facts(&doc, "feedback");
    assert_eq!(feedback["ما يجب أن تدخله"], "التقييم");
    assert_eq!(feedback["ما لك أن تتركه فارغًا"], "المواضيع، تعليق");
    assert_eq!(
        feedback["مدة الحفظ"], "3 سنوات من يوم الإرسال",
        "the default 1095 days"
    );
    assert!(!feedback.contains_key("من يطّلع عليها من خارج الجمعية"));
    let purpose = doc
        .select(&sel("#form-request ~ .privacy-form__purpose"))
        .next()
        .expect("the request form's purpose");
    assert_eq!(text(purpose), "معالجة طلبك.");

    let quote = text(doc.select(&sel(".privacy-quote")).next().unwrap());
    assert!(
        quote.contains("«التحقق من الحالة مع الجهات الرسمية.»"),
        "{quote}"
    );
    // The fixture's contacts are examples: shown, marked, never a link.
    let rights = text(doc.select(&sel("#rights ~ .contact-list")).next().unwrap());
    assert!(
        rights.contains("privacy@example.org") && rights.contains("(مثال)"),
        "{rights}"
    );
    assert!(
        doc.select(&sel("#rights ~ .contact-list a"))
            .next()
            .is_none()
    );
    let storage = text(doc.select(&sel("#storage + p")).next().unwrap());
    assert!(
        storage.contains("البحرين") && storage.contains("خارج المملكة العربية السعودية"),
        "{storage}"
    );
}

#[test]
fn the_region_is_said_inside_or_outside_the_kingdom() {
    let site = site_gen::check(&Fixture::new().config(), Mode::default())
        .site
        .unwrap();
    let templates = Templates::read(&repo().join("templates")).unwrap();
    let renderer = site_gen::render::renderer(&site, &templates).unwrap();
    let storage = |region: forms::Region| {
        let mut notice = site.privacy.clone();
        notice.region = Some(region);
        let mut ctx = base_context(
            &site.config,
            &PageInfo::new("إشعار الخصوصية", "/privacy/"),
            &templates.assets(),
        );
        ctx.insert("privacy", &notice);
        let doc = Html::parse_document(&renderer.render("privacy.html", &ctx).unwrap());
        text(doc.select(&sel("#storage + p")).next().unwrap())
    };
    let inside = storage(forms::Region {
        code: "xx-test-1",
        place: "المملكة العربية السعودية (مكان الاختبار)",
        inside_kingdom: true,
    });
    assert!(
        inside.contains("، داخل المملكة العربية السعودية"),
        "{inside}"
    );
    assert!(!inside.contains("خارج"), "{inside}");
    let outside = storage(forms::privacy::region("me-central-1").unwrap());
    assert!(
        outside.contains("الإمارات العربية المتحدة") && outside.contains("خارج المملكة"),
        "{outside}"
    );
}

#[test]
fn every_page_links_the_notice_and_the_accessibility_statement_from_its_footer() {
    for site in ["content", "examples/qana/content"] {
        let pages = pages(&repo().join(site));
        for (path, html) in &pages {
            let doc = Html::parse_document(html);
            let links: Vec<_> = doc
                .select(&sel("footer a"))
                .filter_map(|a| a.value().attr("href"))
                .collect();
            assert!(
                links.contains(&"/privacy/") && links.contains(&"/accessibility/"),
                "{site}{path}: {links:?}"
            );
        }
        let statement = Html::parse_document(&pages["/accessibility/"]);
        let main = text(statement.select(&sel("main")).next().unwrap());
        assert!(
            main.contains("WCAG 2.1") && main.contains("أبلغنا عن عائق"),
            "{main}"
        );
        let report = text(statement.select(&sel("main .contact-list")).next().unwrap());
        assert!(
            report.contains('@'),
            "{site}: a way to report a barrier: {report}"
        );
    }
}

#[test]
fn every_form_links_its_part_of_the_notice_with_the_retention_in_words() {
    for site in ["content", "examples/qana/content"] {
        let dir = repo().join(site);
        let pages = pages(&dir);
        let notice = Html::parse_document(&pages["/privacy/"]);
        let model = site_gen::check(&config(&dir, "2025-11-01"), Mode::default())
            .site
            .unwrap();
        for form in &model.forms {
            let doc = Html::parse_document(&pages[&format!("/forms/{}/", form.id)]);
            let link = doc
                .select(&sel(&format!("form a[href='/privacy/#form-{}']", form.id)))
                .next()
                .unwrap_or_else(|| panic!("{site} {}: a link to the notice", form.id));
            let sentence = text(ElementRef::wrap(link.parent().unwrap()).unwrap());
            let period = forms::plural::duration(
                u64::from(form.retention_days),
                forms::plural::Case::Nominative,
                model.config.digits,
            );
            assert!(sentence.contains(&period), "{site} {}: {sentence}", form.id);
            assert!(
                notice
                    .select(&sel(&format!("#form-{}", form.id)))
                    .next()
                    .is_some(),
                "the notice has the anchor"
            );
            if let Some(consent) = form.consent_field() {
                let fieldset = doc.select(&sel("fieldset[aria-describedby]")).find(|f| {
                    f.value()
                        .attr("aria-describedby")
                        .unwrap()
                        .contains(&format!("field-{}-privacy", consent.name))
                });
                assert!(
                    fieldset.is_some(),
                    "the consent is described by the notice's line"
                );
                assert!(
                    !consent.hint.as_deref().unwrap_or("").contains("سنوات"),
                    "the content no longer writes the period by hand"
                );
            }
        }
    }
}

#[test]
fn the_confirmation_page_links_the_notice() {
    let dir = repo().join("content");
    let site = site_gen::check(&config(&dir, "2025-11-01"), Mode::default())
        .site
        .unwrap();
    let templates = Templates::read(&repo().join("templates")).unwrap();
    let renderer = site_gen::render::renderer(&site, &templates).unwrap();
    let form = site.form("request").unwrap();
    let mut info = PageInfo::new(&form.title, "/api/forms/request");
    info.noindex = true;
    let mut ctx = base_context(&site.config, &info, &templates.assets());
    ctx.insert("form", form);
    ctx.insert("code", "K7M4-Q9TX-3HRP");
    ctx.insert("received_at", "2025-10-20T09:30:00Z");
    ctx.insert("expected_by", &None::<String>);
    let doc = Html::parse_document(&renderer.render("received.html", &ctx).unwrap());
    assert!(
        doc.select(&sel("main a[href='/privacy/#form-request']"))
            .next()
            .is_some(),
        "the confirmation links the form's part of the notice"
    );
}

fn problems(f: &Fixture) -> Vec<Diagnostic> {
    site_gen::check(&f.config(), Mode::default()).diagnostics.0
}

/// The one problem found, which must be an error at `rel:line:column`.
fn only_error(f: &Fixture, rel: &str, line: usize, column: usize) -> Diagnostic {
    let found = problems(f);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = found.into_iter().next().unwrap();
    assert_eq!(
        (d.file.as_str(), d.line, d.column, d.is_error()),
        (f.file(rel).as_str(), line, column, true),
        "{d}"
    );
    d
}

#[test]
fn a_notice_without_a_contact_for_rights_is_an_error_at_its_block() {
    let f = Fixture::new();
    f.edit(
        "site.yaml",
        "  rights_contact:\n    email: privacy@example.org\n",
        "",
    );
    let d = only_error(&f, "site.yaml", 19, 1);
    assert!(
        d.message.en.contains("no contact for rights requests"),
        "{d}"
    );
    assert!(
        d.message.en.contains("request, feedback") || d.message.en.contains("feedback, request"),
        "{d}"
    );
    assert!(d.hint.unwrap().en.contains("rights_contact"));
}

#[test]
fn a_notice_without_a_region_or_recipients_is_an_error_for_each() {
    let f = Fixture::new();
    f.edit("site.yaml", "  storage_region: me-south-1\n", "");
    let d = only_error(&f, "site.yaml", 19, 1);
    assert!(d.message.en.contains("no storage region"), "{d}");

    let f = Fixture::new();
    f.edit("site.yaml", "  recipients:\n", "  recipients_gone:\n");
    let found = problems(&f);
    assert!(
        found
            .iter()
            .any(|d| d.is_error() && d.message.en.contains("recipients_gone")),
        "an unknown key is named: {found:#?}"
    );
}

#[test]
fn a_site_without_a_privacy_block_is_an_error_naming_the_forms() {
    let f = Fixture::new();
    let text = std::fs::read_to_string(f.site().join("site.yaml")).unwrap();
    f.write("site.yaml", &text[..text.find("privacy:").unwrap()]);
    let d = only_error(&f, "site.yaml", 1, 1);
    assert!(d.message.en.contains("`privacy:`"), "{d}");
}

#[test]
fn an_unknown_region_is_an_error_at_its_key_listing_the_known_ones() {
    let f = Fixture::new();
    f.edit("site.yaml", "me-south-1", "riyadh-1");
    let d = only_error(&f, "site.yaml", 22, 3);
    assert!(d.message.en.contains("\"riyadh-1\""), "{d}");
    assert!(d.hint.unwrap().en.contains("me-central-1"));
}

#[test]
fn a_recipient_of_a_missing_form_is_an_error_at_its_forms() {
    let f = Fixture::new();
    f.edit("site.yaml", "forms: [request]", "forms: [requests]");
    let d = only_error(&f, "site.yaml", 27, 7);
    assert!(d.message.en.contains("\"requests\""), "{d}");
}

#[test]
fn a_form_collecting_personal_data_without_a_purpose_is_an_error_at_its_title() {
    let f = Fixture::new();
    f.edit("forms/request.yaml", "purpose: معالجة طلبك.\n", "");
    let d = only_error(&f, "forms/request.yaml", 1, 1);
    assert!(
        d.message.en.contains("collects personal data") && d.message.en.contains("national_id"),
        "{d}"
    );
    // A form of ratings and choices only needs none.
    let f = Fixture::new();
    f.edit("forms/feedback.yaml", "purpose: تحسين الخدمة.\n", "")
        .edit(
            "forms/feedback.yaml",
            "  - name: comment\n    label: تعليق\n    type: textarea\n",
            "",
        );
    assert_eq!(problems(&f), vec![]);
}

#[test]
fn a_consent_that_states_the_period_by_hand_is_warned_of() {
    let f = Fixture::new();
    f.edit(
        "forms/request.yaml",
        "  - name: visit\n",
        "  - name: consent\n    label: الموافقة\n    hint: نحتفظ بالطلب مدة 3 سنوات\n    type: choice\n    required: true\n    consent: true\n    options:\n      - { value: agree, label: أوافق }\n  - name: visit\n",
    );
    let found = problems(&f);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(!found[0].is_error());
    assert!(
        found[0].message.en.contains("period by hand"),
        "{}",
        found[0]
    );
    let text = std::fs::read_to_string(f.site().join("forms/request.yaml")).unwrap();
    let hint = text.lines().position(|l| l.contains("نحتفظ")).unwrap() + 1;
    assert_eq!(
        (found[0].line, found[0].column),
        (hint, 5),
        "at the hint that says it"
    );
}
