//! Both real sites (`content/` and `examples/qana/content/`) built as a person would get them:
//! no errors, the Hijri dates of their approvals, working Arabic anchors and links, the form HTML
//! matching each definition, the service's answers, atomic output and the command line.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::process::Command;

use common::{Fixture, config, repo, snapshot};
use forms::render::{PageInfo, Renderer, base_context};
use forms::{FieldType, FormDef};
use scraper::{ElementRef, Html, Selector};
use site_gen::Checked;
use site_gen::render::{Mode, Templates};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn check(site: &str, today: &str) -> Checked {
    site_gen::check(&config(&repo().join(site), today), Mode::default())
}

/// The built pages of a site: address → HTML.
fn pages(checked: &Checked) -> BTreeMap<String, String> {
    checked
        .outputs
        .as_ref()
        .expect("the site renders")
        .iter()
        .filter(|o| o.path.ends_with(".html"))
        .map(|o| (o.url_path(), String::from_utf8(o.bytes.clone()).unwrap()))
        .collect()
}

fn text(e: ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_default_site_builds_without_a_problem() {
    let checked = check("content", "2025-11-01");
    assert!(checked.diagnostics.0.is_empty(), "{}", checked.diagnostics);
    let pages = pages(&checked);
    for path in [
        "/",
        "/policy/",
        "/channels/",
        "/eligibility/",
        "/forms/request/",
        "/forms/feedback/",
        "/forms/survey/",
        "/track/",
        "/404.html",
    ] {
        assert!(pages.contains_key(path), "{path} missing");
    }
    for option in ["training", "volunteering", "community", "events"] {
        assert!(
            pages.contains_key(&format!("/forms/request/{option}/")),
            "{option}"
        );
    }
}

#[test]
fn the_qana_site_builds_with_only_the_date_warning_and_no_eligibility_guide() {
    let checked = check("examples/qana/content", "2021-05-01");
    let d = &checked.diagnostics.0;
    assert_eq!(d.len(), 1, "{}", checked.diagnostics);
    assert!(!d[0].is_error());
    assert!(
        d[0].file
            .ends_with("examples/qana/content/policy/_index.md")
            && d[0].line == 8,
        "{}",
        d[0]
    );
    assert!(
        d[0].message.en.contains("2021-04-05") && d[0].message.en.contains("2021-04-06"),
        "{}",
        d[0]
    );
    for (path, html) in pages(&checked) {
        assert!(!path.starts_with("/eligibility"), "{path}");
        assert!(
            !html.contains("/eligibility/"),
            "{path} links to an eligibility guide the site does not have"
        );
    }
}

#[test]
fn every_page_is_arabic_and_right_to_left() {
    for site in ["content", "examples/qana/content"] {
        for (path, html) in pages(&check(site, "2025-11-01")) {
            assert!(
                html.contains("<html lang=\"ar\" dir=\"rtl\">"),
                "{site}{path}"
            );
            assert!(
                !html.contains(" style=\""),
                "{site}{path} has an inline style"
            );
            assert!(
                !html.contains("<script>"),
                "{site}{path} has an inline script"
            );
        }
    }
}

#[test]
fn the_approval_dates_are_shown_in_both_calendars() {
    // Aman: 20 October 2025 is 28 Rabi' al-Thani 1447 under Umm al-Qura (computed, western digits).
    let aman = pages(&check("content", "2025-11-01"));
    let doc = Html::parse_document(&aman["/policy/"]);
    let block = text(
        doc.select(&sel("#approval-block"))
            .next()
            .expect("approval block"),
    );
    assert!(block.contains("28 ربيع الآخر 1447هـ"), "{block}");
    assert!(block.contains("20 أكتوبر 2025م"), "{block}");
    assert!(block.contains("محسوب بتقويم أم القرى"), "{block}");
    assert!(block.contains("20 أكتوبر 2026م"), "next review: {block}");
    // Qana: the policy's own dates, as written, in Arabic-Indic digits.
    let qana = pages(&check("examples/qana/content", "2021-05-01"));
    let doc = Html::parse_document(&qana["/policy/"]);
    let block = text(
        doc.select(&sel("#approval-block"))
            .next()
            .expect("approval block"),
    );
    assert!(block.contains("٢٣ شعبان ١٤٤٢هـ"), "{block}");
    assert!(block.contains("٦ أبريل ٢٠٢١م"), "{block}");
    assert!(block.contains("الإصدار١.٠"), "{block}");
    assert!(qana["/"].contains("٢٣ شعبان ١٤٤٢هـ الموافق ٦ أبريل ٢٠٢١م"));
}

#[test]
fn arabic_headings_have_anchors_and_every_internal_link_resolves() {
    for (site, expected) in [
        (
            "content",
            vec![
                "مقدمة",
                "الهدف-العام",
                "مبادئ-العلاقة-مع-المستفيدين",
                "المستفيدون-من-برامج-التطوع",
                "approval-block",
            ],
        ),
        (
            "examples/qana/content",
            vec![
                "مهيدا",
                "الهدف-العام",
                "التعامل-مع-المستفيد",
                "اعتماد-مجلس-الإدارة",
            ],
        ),
    ] {
        let pages = pages(&check(site, "2025-11-01"));
        let ids: BTreeMap<&str, HashSet<String>> = pages
            .iter()
            .map(|(p, html)| {
                let doc = Html::parse_document(html);
                (
                    p.as_str(),
                    doc.select(&sel("[id]"))
                        .map(|e| e.value().attr("id").unwrap().to_string())
                        .collect(),
                )
            })
            .collect();
        for id in expected {
            assert!(
                ids["/policy/"].contains(id),
                "{site}: /policy/ has no #{id}"
            );
        }
        let mut links = 0;
        for (path, html) in &pages {
            let doc = Html::parse_document(html);
            for a in doc.select(&sel("a[href]")) {
                let href = a.value().attr("href").unwrap();
                if !(href.starts_with('/') || href.starts_with('#')) || href.starts_with("//") {
                    continue;
                }
                let (target, frag) = href
                    .split_once('#')
                    .map_or((href, None), |(p, f)| (p, Some(f)));
                let target = if target.is_empty() {
                    path.as_str()
                } else {
                    target
                };
                let page = ids
                    .get(target)
                    .unwrap_or_else(|| panic!("{site}{path}: link to {href} goes nowhere"));
                if let Some(frag) = frag {
                    assert!(
                        page.contains(frag),
                        "{site}{path}: {href} has no such anchor"
                    );
                }
                links += 1;
            }
            // Ids are unique on each page.
            let all: Vec<_> = doc
                .select(&sel("[id]"))
                .map(|e| e.value().attr("id").unwrap())
                .collect();
            let unique: HashSet<_> = all.iter().collect();
            assert_eq!(all.len(), unique.len(), "{site}{path} repeats an id");
        }
        assert!(links > 50, "{site}: only {links} internal links");
    }
}

#[test]
fn the_channel_cards_have_working_contact_links_and_their_forms() {
    let pages = pages(&check("content", "2025-11-01"));
    let doc = Html::parse_document(&pages["/channels/"]);
    let cards: Vec<_> = doc.select(&sel(".card--channel")).collect();
    assert_eq!(cards.len(), 7);
    let hrefs: Vec<_> = doc
        .select(&sel(".card--channel a[href]"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(
        hrefs.contains(&"tel:+966110000000".to_string()),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"mailto:info@aman.example.org".to_string()),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"https://wa.me/966500000000".to_string()),
        "{hrefs:?}"
    );
    assert!(hrefs.contains(&"/forms/feedback/".to_string()), "{hrefs:?}");
    for a in doc.select(&sel(
        ".card--channel a[href^='tel:'], .card--channel a[href^='mailto:']",
    )) {
        assert_eq!(a.value().attr("dir"), Some("ltr"), "{}", a.html());
    }
    let qana = pages_of("examples/qana/content");
    let doc = Html::parse_document(&qana["/channels/"]);
    assert_eq!(doc.select(&sel(".card--channel")).count(), 8);
}

fn pages_of(site: &str) -> BTreeMap<String, String> {
    pages(&check(site, "2025-11-01"))
}

/// Asserts that the HTML form on `html` is the definition `form`, posting to `action`.
fn assert_form_matches(html: &str, form: &FormDef, action: &str, page: &str) {
    let doc = Html::parse_document(html);
    let el = doc
        .select(&sel("form"))
        .next()
        .unwrap_or_else(|| panic!("{page}: no form"));
    let attr = |e: &ElementRef, a: &str| e.value().attr(a).map(str::to_string);
    assert_eq!(attr(&el, "action").as_deref(), Some(action), "{page}");
    assert_eq!(attr(&el, "method").as_deref(), Some("post"), "{page}");
    assert!(attr(&el, "novalidate").is_some(), "{page}");
    assert_eq!(
        attr(&el, "accept-charset").as_deref(),
        Some("utf-8"),
        "{page}"
    );
    let honeypot = el
        .select(&sel("input[name='website']"))
        .next()
        .expect("honeypot");
    assert_eq!(attr(&honeypot, "tabindex").as_deref(), Some("-1"));
    assert_eq!(attr(&honeypot, "autocomplete").as_deref(), Some("off"));
    assert!(
        el.select(&sel("label[for='field-website']"))
            .next()
            .is_some(),
        "honeypot label"
    );
    assert!(
        el.select(&sel("input[type='hidden'][name='idempotency_key']"))
            .next()
            .is_some()
    );
    let label_of = |id: &str| -> String {
        el.select(&sel(&format!("label[for='{id}']")))
            .next()
            .map(text)
            .unwrap_or_default()
    };
    for f in &form.fields {
        let id = format!("field-{}", f.name);
        let controls: Vec<_> = el.select(&sel(&format!("[name='{}']", f.name))).collect();
        assert!(!controls.is_empty(), "{page}: no control for {}", f.name);
        match f.kind {
            FieldType::Choice | FieldType::Rating => {
                let fieldset = el
                    .select(&sel("fieldset"))
                    .find(|fs| fs.select(&sel(&format!("#{id}"))).next().is_some())
                    .unwrap_or_else(|| panic!("{page}: {} has no fieldset", f.name));
                let legend = text(fieldset.select(&sel("legend")).next().expect("legend"));
                assert!(
                    legend.starts_with(&f.label),
                    "{page}: legend {legend:?} for {}",
                    f.label
                );
                let want = match f.kind {
                    FieldType::Rating => usize::from(f.scale.unwrap()),
                    _ => f.options.len(),
                };
                assert_eq!(controls.len(), want, "{page}: {}", f.name);
                let kind = if f.kind == FieldType::Choice && f.multiple {
                    "checkbox"
                } else {
                    "radio"
                };
                for (i, c) in controls.iter().enumerate() {
                    assert_eq!(attr(c, "type").as_deref(), Some(kind), "{page}: {}", f.name);
                    let cid = attr(c, "id").unwrap();
                    let label = label_of(&cid);
                    match f.kind {
                        FieldType::Rating => assert!(!label.is_empty()),
                        _ => {
                            assert_eq!(label, f.options[i].label, "{page}: option label");
                            assert_eq!(attr(c, "value").unwrap(), f.options[i].value);
                        }
                    }
                }
                if let Some(hint) = &f.hint {
                    assert_eq!(
                        attr(&fieldset, "aria-describedby").as_deref(),
                        Some(format!("{id}-hint").as_str())
                    );
                    assert_eq!(
                        text(doc.select(&sel(&format!("#{id}-hint"))).next().unwrap()),
                        hint.split_whitespace().collect::<Vec<_>>().join(" ")
                    );
                }
            }
            _ => {
                assert_eq!(controls.len(), 1, "{page}: {}", f.name);
                let c = &controls[0];
                assert_eq!(attr(c, "id").as_deref(), Some(id.as_str()));
                assert!(
                    label_of(&id).starts_with(&f.label),
                    "{page}: label of {}",
                    f.name
                );
                assert_eq!(
                    attr(c, "aria-required").is_some(),
                    f.required,
                    "{page}: required {}",
                    f.name
                );
                assert_eq!(
                    attr(c, "maxlength"),
                    Some(f.max_len().to_string()),
                    "{page}: {}",
                    f.name
                );
                if f.kind == FieldType::Textarea {
                    assert_eq!(c.value().name(), "textarea");
                } else {
                    assert_eq!(c.value().name(), "input");
                    assert_eq!(
                        attr(c, "type").as_deref(),
                        Some(f.kind.input_type()),
                        "{page}: type of {}",
                        f.name
                    );
                    assert_eq!(
                        attr(c, "inputmode").as_deref(),
                        f.kind.input_mode(),
                        "{page}: inputmode of {}",
                        f.name
                    );
                    assert_eq!(
                        attr(c, "autocomplete").as_deref(),
                        f.autocomplete_token(),
                        "{page}: autocomplete of {}",
                        f.name
                    );
                    assert_eq!(
                        attr(c, "dir").as_deref(),
                        f.kind.is_ltr().then_some("ltr"),
                        "{page}: dir of {}",
                        f.name
                    );
                }
                if let Some(hint) = &f.hint {
                    let described = attr(c, "aria-describedby").unwrap_or_default();
                    assert!(
                        described.contains(&format!("{id}-hint")),
                        "{page}: {}",
                        f.name
                    );
                    assert_eq!(
                        text(doc.select(&sel(&format!("#{id}-hint"))).next().unwrap()),
                        hint.split_whitespace().collect::<Vec<_>>().join(" ")
                    );
                }
            }
        }
    }
    let button = el
        .select(&sel("button[type='submit']"))
        .next()
        .expect("submit button");
    assert_eq!(text(button), form.submit);
}

#[test]
fn every_form_page_matches_its_definition() {
    for site in [
        "content",
        "examples/qana/content",
        "site-gen/tests/fixtures/minimal",
    ] {
        let checked = check(site, "2025-11-01");
        let model = checked.site.as_ref().unwrap();
        let pages = pages(&checked);
        assert!(!model.forms.is_empty());
        for form in &model.forms {
            let path = format!("/forms/{}/", form.id);
            assert_form_matches(
                &pages[&path],
                form,
                &format!("/api/forms/{}", form.id),
                &format!("{site}{path}"),
            );
        }
        assert_form_matches(
            &pages["/track/"],
            &FormDef::track(),
            "/api/track",
            &format!("{site}/track/"),
        );
    }
}

#[test]
fn the_apply_link_opens_the_request_form_with_the_category_chosen() {
    let checked = check("content", "2025-11-01");
    let pages = pages(&checked);
    let guide = Html::parse_document(&pages["/eligibility/"]);
    let applies: Vec<_> = guide
        .select(&sel(".card--category .card__action a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        applies,
        [
            "/forms/request/training/",
            "/forms/request/volunteering/",
            "/forms/request/community/",
            "/forms/request/events/"
        ]
    );
    for href in applies {
        let option = href.trim_end_matches('/').rsplit('/').next().unwrap();
        let doc = Html::parse_document(&pages[&href]);
        let checked: Vec<_> = doc
            .select(&sel("input[name='category'][checked]"))
            .map(|i| i.value().attr("value").unwrap())
            .collect();
        assert_eq!(checked, [option], "{href}");
        assert!(pages[&href].contains("<meta name=\"robots\" content=\"noindex\">"));
    }
}

#[test]
fn the_answers_of_the_form_service_render_in_the_site_look() {
    let checked = check("content", "2025-11-01");
    let site = checked.site.unwrap();
    let templates = Templates::read(&repo().join("templates")).unwrap();
    let renderer = Renderer::new(
        &site.config,
        templates
            .sources
            .iter()
            .map(|(n, s)| (n.as_str(), s.as_str())),
    )
    .unwrap();
    let request = site.form("request").unwrap();
    let base = |title: &str| {
        let mut info = PageInfo::new(title, "/api/forms/request");
        info.noindex = true;
        base_context(&site.config, &info, &templates.assets())
    };

    // The form again, with the errors: title, summary linking to each field, message beside it.
    let mut ctx = base(&request.title);
    ctx.extend(site_gen::render::form_context(&site, request, None));
    ctx.insert(
        "values",
        &serde_json::json!({"full_name": "سارة", "phone": "0501234567x", "category": "events"}),
    );
    ctx.insert(
        "errors",
        &serde_json::json!([
            {"field": "phone", "message": request.field("phone").unwrap().msg_invalid()},
            {"field": "category", "message": request.field("category").unwrap().msg_required()},
        ]),
    );
    let html = renderer.render("form.html", &ctx).unwrap();
    let doc = Html::parse_document(&html);
    assert!(text(doc.select(&sel("title")).next().unwrap()).starts_with("خطأ: "));
    let summary = doc
        .select(&sel(".error-summary[role='alert']"))
        .next()
        .expect("error summary");
    let targets: Vec<_> = summary
        .select(&sel("a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(targets, ["#field-phone", "#field-category"]);
    for t in &targets {
        assert!(doc.select(&sel(t)).next().is_some(), "{t} is on the page");
    }
    let phone = doc.select(&sel("#field-phone")).next().unwrap();
    assert_eq!(
        phone.value().attr("value"),
        Some("0501234567x"),
        "the value is kept"
    );
    assert_eq!(phone.value().attr("aria-invalid"), Some("true"));
    assert!(
        phone
            .value()
            .attr("aria-describedby")
            .unwrap()
            .contains("field-phone-error")
    );
    assert!(text(doc.select(&sel("#field-phone-error")).next().unwrap()).contains("0501234567"));
    let chosen: Vec<_> = doc
        .select(&sel("input[name='category'][checked]"))
        .map(|i| i.value().attr("value").unwrap())
        .collect();
    assert_eq!(chosen, ["events"]);

    // The confirmation: the reference left to right, what happens next, the follow-up link.
    let mut ctx = base("وصل طلبك");
    ctx.insert("form", request);
    ctx.insert("code", "K7M4-Q9TX-3HRP");
    ctx.insert("received_at", "2025-10-20T09:30:00Z");
    ctx.insert("expected_by", "2025-11-03");
    let html = renderer.render("received.html", &ctx).unwrap();
    let doc = Html::parse_document(&html);
    let code = doc.select(&sel(".reference")).next().unwrap();
    assert_eq!(code.value().attr("dir"), Some("ltr"));
    assert_eq!(text(code), "K7M4-Q9TX-3HRP");
    assert!(
        html.contains("20 أكتوبر 2025م، الساعة 12:30 م"),
        "received in Riyadh time"
    );
    assert!(html.contains("3 نوفمبر 2025م"));
    assert!(html.contains("href=\"/track/\""));
    assert!(
        html.contains("تتأكد الجمعية من صحة البيانات المقدمة"),
        "next steps from the definition"
    );

    // The follow-up answer that does not say which of code or contact was wrong.
    let mut ctx = base("متابعة طلب");
    ctx.extend(site_gen::render::form_context(
        &site,
        &FormDef::track(),
        None,
    ));
    ctx.insert("not_found", &true);
    let html = renderer.render("track.html", &ctx).unwrap();
    assert!(html.contains("لم نجد طلبًا بهذه البيانات"));
    assert!(html.contains("action=\"/api/track\""));

    // Not saved: the page says so and asks to send again.
    let mut ctx = base("تعذّر الحفظ");
    ctx.insert("status", &503);
    ctx.insert("title", "تعذّر حفظ طلبك");
    ctx.insert("message", "حدث خلل مؤقت.");
    ctx.insert("retry", &true);
    let html = renderer.render("error.html", &ctx).unwrap();
    assert!(html.contains("لم يُحفظ ما أرسلته"));
    assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
}

#[test]
fn a_failed_build_leaves_the_previous_site_byte_for_byte() {
    let f = Fixture::new();
    let out = f.dir.path().join("public");
    let (built, _) = site_gen::build(&f.config(), &out, Mode::default());
    assert!(built.unwrap().pages >= 10);
    let before = snapshot(&out);
    assert!(before.contains_key("policy/index.html"));

    // A content error.
    f.edit("policy/02-channels.md", "role: channels", "role: chanels");
    let (built, d) = site_gen::build(&f.config(), &out, Mode::default());
    assert!(built.is_err() && d.has_errors());
    assert_eq!(snapshot(&out), before);

    // A template error.
    f.edit("policy/02-channels.md", "role: chanels", "role: channels");
    let templates = f.dir.path().join("templates");
    common::copy(&repo().join("templates"), &templates);
    std::fs::write(
        templates.join("home.html"),
        "{% extends \"base.html\" %}{% block main %}{{ no_such.thing }}{% endblock main %}",
    )
    .unwrap();
    let mut c = f.config();
    c.templates = Some(templates);
    let (built, d) = site_gen::build(&c, &out, Mode::default());
    assert!(built.is_err());
    assert!(d.0.iter().any(|p| p.file.ends_with("home.html")), "{d}");
    assert_eq!(snapshot(&out), before);
    let leftovers: Vec<_> = std::fs::read_dir(f.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        3,
        "no staging folder is left: {leftovers:?}"
    );
}

#[test]
fn the_command_line_reports_problems_and_exits_non_zero() {
    let f = Fixture::new();
    f.edit("channels/01-phone.md", "form: feedback", "form: complaints");
    let bin = env!("CARGO_BIN_EXE_site-gen");
    let run = Command::new(bin)
        .args(["check", "--site"])
        .arg(f.site())
        .arg("--templates")
        .arg(repo().join("templates"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    // In Arabic for the association's staff, at the same place.
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains(&format!(
            "{}:5:1: خطأ: النموذج \"complaints\" غير موجود",
            f.file("channels/01-phone.md")
        )),
        "{err}"
    );
    assert!(err.contains("تلميح: اكتب اسم ملف من forms/"), "{err}");
    assert!(
        String::from_utf8_lossy(&run.stdout).contains("خطأ واحد، 0 تنبيه"),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );

    // In English for developers, with the flag or the environment variable.
    let english = |cmd: &mut Command| {
        let run = cmd
            .arg("--site")
            .arg(f.site())
            .arg("--templates")
            .arg(repo().join("templates"))
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(1));
        let err = String::from_utf8_lossy(&run.stderr).into_owned();
        assert!(
            err.contains(&format!(
                "{}:5:1: error: form \"complaints\" does not exist",
                f.file("channels/01-phone.md")
            )),
            "{err}"
        );
        assert!(err.contains("hint: name a file of forms/"), "{err}");
        assert!(String::from_utf8_lossy(&run.stdout).contains("1 error(s), 0 warning(s)"));
    };
    english(Command::new(bin).args(["check", "--lang", "en"]));
    english(Command::new(bin).arg("check").env("SITE_GEN_LANG", "en"));

    let out = f.dir.path().join("public");
    let templates = repo().join("templates");
    let run = Command::new(bin)
        .args(["build", "--site"])
        .arg(f.site())
        .arg("--out")
        .arg(&out)
        .arg("--templates")
        .arg(&templates)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(!out.exists());

    f.edit("channels/01-phone.md", "form: complaints", "form: feedback");
    let run = Command::new(bin)
        .args(["build", "--site"])
        .arg(f.site())
        .arg("--out")
        .arg(&out)
        .arg("--templates")
        .arg(&templates)
        .args([
            "--base-url",
            "https://beneficiaries.example.net/",
            "--forms-url",
            "https://forms.example.net/api",
        ])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        String::from_utf8_lossy(&run.stdout).contains("10 صفحات"),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("<link rel=\"canonical\" href=\"https://beneficiaries.example.net/\">"));
    let form = std::fs::read_to_string(out.join("forms/request/index.html")).unwrap();
    assert!(form.contains("action=\"https://forms.example.net/api/forms/request\""));
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://beneficiaries.example.net/policy/</loc>"));
    assert!(
        !sitemap.contains("/forms/request/students/"),
        "variants are not in the sitemap"
    );
}

#[test]
fn a_long_generic_page_opens_with_a_table_of_its_sections() {
    let f = Fixture::new();
    f.write(
        "pages/services.md",
        "---\ntitle: خدماتنا\n---\nمقدمة.\n\n## التدريب\n\nنص.\n\n### الدورات\n\nنص.\n\n## التطوع\n\nنص.\n",
    );
    f.write(
        "pages/short.md",
        "---\ntitle: صفحة قصيرة\ntoc: false\n---\n## قسم\n\nنص.\n\n## قسم آخر\n\nنص.\n",
    );
    let checked = site_gen::check(&f.config(), Mode::default());
    assert!(
        !checked.diagnostics.has_errors(),
        "{:?}",
        checked.diagnostics
    );
    let pages = pages(&checked);

    let doc = Html::parse_document(&pages["/services/"]);
    let entries: Vec<(String, String)> = doc
        .select(&sel("nav.toc a"))
        .map(|a| (text(a), a.value().attr("href").unwrap().to_string()))
        .collect();
    assert_eq!(
        entries,
        [
            ("التدريب".to_string(), "#التدريب".to_string()),
            ("التطوع".to_string(), "#التطوع".to_string()),
        ]
    );
    for (_, href) in &entries {
        let id = &href[1..];
        assert_eq!(
            doc.select(&sel("h2[id]"))
                .filter(|h| h.value().attr("id") == Some(id))
                .count(),
            1,
            "{href} leads to no section"
        );
    }

    let short = Html::parse_document(&pages["/short/"]);
    assert_eq!(short.select(&sel("nav.toc")).count(), 0);
    // The fixture's about page has no sections, so no table either.
    let about = Html::parse_document(&pages["/about/"]);
    assert_eq!(about.select(&sel("nav.toc")).count(), 0);
}
