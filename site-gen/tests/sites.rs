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
        "/429.html",
    ] {
        assert!(pages.contains_key(path), "{path} missing");
    }
    for option in ["training", "community", "events"] {
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
            && d[0].line == 7,
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
    // The policy states no version and no review: the site shows none.
    assert!(!block.contains("الإصدار"), "{block}");
    assert!(!block.contains("المراجعة"), "{block}");
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
                    // A browser decodes the fragment (Markdown links to Arabic anchors are
                    // percent-encoded).
                    let frag = percent_encoding::percent_decode_str(frag).decode_utf8_lossy();
                    assert!(
                        page.contains(frag.as_ref()),
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
fn the_channel_cards_show_example_contacts_as_marked_text_and_link_their_forms() {
    let pages = pages(&check("content", "2025-11-01"));
    let doc = Html::parse_document(&pages["/channels/"]);
    let cards: Vec<_> = doc.select(&sel(".card--channel")).collect();
    assert_eq!(cards.len(), 7);
    let hrefs: Vec<_> = doc
        .select(&sel(".card--channel a[href]"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(hrefs.contains(&"/forms/feedback/".to_string()), "{hrefs:?}");
    // While example_values is true, the placeholders are text marked «(مثال)», never links.
    let details: Vec<_> = doc.select(&sel(".card__details dd")).map(text).collect();
    for value in [
        "+966 11 000 0000 (مثال)",
        "+966 50 000 0000 (مثال)",
        "info@aman.example.org (مثال)",
        "x.com/example (مثال)",
    ] {
        assert!(details.iter().any(|d| d == value), "{value}: {details:?}");
    }
    for b in doc.select(&sel(".card__details bdi")) {
        assert_eq!(b.value().attr("dir"), Some("ltr"), "{}", b.html());
    }
    // The policy names the national volunteering platform but gives no address: no link.
    let volunteering = doc
        .select(&sel(".card--volunteering"))
        .next()
        .expect("the volunteering card");
    assert_eq!(
        volunteering.select(&sel("a")).count(),
        0,
        "{}",
        volunteering.html()
    );
    let qana = pages_of("examples/qana/content");
    let doc = Html::parse_document(&qana["/channels/"]);
    assert_eq!(doc.select(&sel(".card--channel")).count(), 8);
}

/// Every `href` of a page that would call or write to a placeholder.
fn placeholder_hrefs(html: &str) -> Vec<String> {
    Html::parse_document(html)
        .select(&sel("a[href]"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .filter(|h| {
            h.starts_with("tel:")
                || h.starts_with("mailto:")
                || h.contains("wa.me")
                || h.contains("x.com/example")
                || forms::placeholder::looks_like_placeholder(h)
        })
        .collect()
}

#[test]
fn no_page_links_a_placeholder_contact_while_example_values_is_true() {
    for site in [
        "content",
        "examples/qana/content",
        "site-gen/tests/fixtures/minimal",
    ] {
        let pages = pages_of(site);
        for (path, html) in &pages {
            assert_eq!(
                placeholder_hrefs(html),
                Vec::<String>::new(),
                "{site}{path}"
            );
            let doc = Html::parse_document(html);
            let footer: Vec<_> = doc
                .select(&sel(".site-footer .contact-list li"))
                .map(text)
                .collect();
            let marked = footer.iter().filter(|l| l.ends_with("(مثال)")).count();
            // Every detail but the opening hours is marked as an example.
            assert_eq!(marked + 1, footer.len(), "{site}{path}: {footer:?}");
        }
    }
    // A site whose details are real links them, in the footer and on the cards.
    let f = Fixture::new();
    f.edit("site.yaml", "example_values: true", "example_values: false");
    f.edit("site.yaml", "+966 11 111 1111", "+966 11 234 5678");
    f.edit("site.yaml", "info@example.org", "info@mithal.org.sa");
    let checked = site_gen::check(&f.config(), Mode::default());
    assert!(checked.diagnostics.0.is_empty(), "{}", checked.diagnostics);
    let pages = pages(&checked);
    for path in ["/", "/channels/"] {
        assert!(pages[path].contains("href=\"tel:+966112345678\""), "{path}");
        assert!(
            pages[path].contains("href=\"mailto:info@mithal.org.sa\""),
            "{path}"
        );
        assert!(!pages[path].contains("(مثال)"), "{path}");
    }
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
        .select(&sel(&format!(
            "input[name='{}']",
            forms::definition::HONEYPOT
        )))
        .next()
        .expect("honeypot");
    assert_eq!(attr(&honeypot, "tabindex").as_deref(), Some("-1"));
    assert_eq!(attr(&honeypot, "autocomplete").as_deref(), Some("off"));
    assert!(
        el.select(&sel(&format!(
            "label[for='field-{}']",
            forms::definition::HONEYPOT
        )))
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
                    // The consent is also described by the line about the data's retention.
                    let described = if f.consent {
                        format!("{id}-hint {id}-privacy")
                    } else {
                        format!("{id}-hint")
                    };
                    assert_eq!(
                        attr(&fieldset, "aria-describedby").as_deref(),
                        Some(described.as_str())
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
        // A field required only for some answers of another says so in words, without script,
        // and tells the script which answers those are.
        if let Some(cond) = &f.required_if {
            let other = form.field(&cond.field).unwrap();
            let said = doc
                .select(&sel(&format!("#{id}-condition")))
                .next()
                .map(text)
                .unwrap_or_default();
            assert_eq!(said, cond.describe(other), "{page}: {}", f.name);
            assert!(said.starts_with("مطلوب إذا اخترت «"), "{said}");
            let group = el
                .select(&sel(&format!("[data-required-if='{}']", cond.field)))
                .find(|g| g.select(&sel(&format!("#{id}"))).next().is_some())
                .unwrap_or_else(|| panic!("{page}: {} has no data-required-if", f.name));
            let any: Vec<String> =
                serde_json::from_str(&attr(&group, "data-required-if-any").unwrap()).unwrap();
            assert_eq!(any, cond.any_of, "{page}: {}", f.name);
            let c = &controls[0];
            let described = attr(c, "aria-describedby").unwrap_or_default();
            assert!(described.contains(&format!("{id}-condition")), "{page}");
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
    // Volunteers register «عبر المنصات الرسمية المعتمدة», not with the request form.
    assert_eq!(
        applies,
        [
            "/forms/request/training/",
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
    let volunteering = guide
        .select(&sel(".card--category"))
        .find(|c| text(*c).contains("برامج التطوع"))
        .expect("the volunteering category");
    let links: Vec<_> = volunteering
        .select(&sel("a[href]"))
        .map(|a| {
            let href = a.value().attr("href").unwrap();
            percent_encoding::percent_decode_str(href)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        links,
        ["/channels/#منصة-التطوع-الوطني-والمبادرات-المجتمعية"],
        "it points to the volunteering channel, never to the request form"
    );
    assert!(!pages.contains_key("/forms/request/volunteering/"));
    let request = Html::parse_document(&pages["/forms/request/"]);
    assert_eq!(
        request
            .select(&sel("input[name='category'][value='volunteering']"))
            .count(),
        0
    );
}

#[test]
fn the_associations_commitments_are_not_shown_as_the_applicants_criteria() {
    let pages = pages_of("content");
    let guide = Html::parse_document(&pages["/eligibility/"]);
    let card = |title: &str| {
        guide
            .select(&sel(".card--category"))
            .find(|c| text(*c).contains(title))
            .unwrap_or_else(|| panic!("no card {title}"))
    };
    for (title, commitment) in [
        (
            "البرامج المجتمعية",
            "وضع آلية تحقق خاصة للفئات التي لا توجد لها جهة راعية.",
        ),
        ("الفعاليات", "ضمان وصول الدعوات والمعلومات بشكل واضح ومنصف."),
    ] {
        let c = card(title);
        let criteria: Vec<_> = c.select(&sel(".checklist li")).map(text).collect();
        let commitments: Vec<_> = c.select(&sel(".commitments li")).map(text).collect();
        assert!(
            !criteria.iter().any(|i| i == commitment),
            "{title}: {criteria:?}"
        );
        assert!(
            commitments.iter().any(|i| i == commitment),
            "{title}: {commitments:?}"
        );
        let headings: Vec<_> = c.select(&sel(".card__subtitle")).map(text).collect();
        assert_eq!(headings, ["ما تلتزم به الجمعية"], "{title}");
    }
    let training = card("البرامج التدريبية");
    let headings: Vec<_> = training.select(&sel(".card__subtitle")).map(text).collect();
    assert_eq!(headings, ["المعايير المطلوبة من المتقدم"]);
    // On the policy page, each category is the one list the policy writes.
    let policy = Html::parse_document(&pages["/policy/"]);
    let items: Vec<_> = policy
        .select(&sel(".policy-category li"))
        .map(text)
        .collect();
    assert!(
        items
            .iter()
            .any(|i| i == "وضع آلية تحقق خاصة للفئات التي لا توجد لها جهة راعية.")
    );
    assert_eq!(items.len(), 10, "{items:?}");
}

#[test]
fn a_minimum_answer_period_is_never_shown_as_a_promise() {
    let qana = pages_of("examples/qana/content");
    let doc = Html::parse_document(&qana["/forms/request/"]);
    let note = text(
        doc.select(&sel(".response-note"))
            .next()
            .expect("the answer period"),
    );
    assert!(
        note.contains("لا يأتي الرد على طلبك قبل ١٤ يومًا من وصوله"),
        "{note}"
    );
    assert!(note.contains("«خلال مدة لا تقل عن أسبوعين»"), "{note}");
    for (path, html) in &qana {
        assert!(!html.contains("خلال ١٤ يومًا"), "{path}");
        assert!(!html.contains("موعد الرد المتوقع"), "{path}");
        // Nothing the policy does not say: no request types, no review cycle, no version.
        for invented in [
            "مساعدة مالية",
            "مساعدة عينية",
            "دورة المراجعة",
            "المراجعة القادمة",
            "الإصدار",
        ] {
            assert!(!html.contains(invented), "{path}: {invented}");
        }
    }
    // The request form asks for the kind of support in the sender's words.
    let support = doc.select(&sel("input[name='support_type']")).next();
    assert!(support.is_some(), "a free-text kind of support");
    assert_eq!(doc.select(&sel("input[name='category']")).count(), 0);
    // Aman's policy states its annual review: its site shows it.
    let aman = pages_of("content");
    assert!(aman["/policy/"].contains("دورة المراجعة"));
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
        html.contains("«التأكد من صحة البيانات المقدمة ومطابقتها للمستندات الرسمية.»"),
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
    assert!(html.contains("لم نجد طلبًا أو رسالة بهذه البيانات"));
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
        String::from_utf8_lossy(&run.stdout).contains("خطأ واحد، "),
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
        assert!(String::from_utf8_lossy(&run.stdout).contains("1 error(s), "));
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
        String::from_utf8_lossy(&run.stdout).contains("13 صفحة"),
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

/// The site's `site.yaml`, read as the generator reads it.
fn site_config(site: &str) -> forms::SiteConfig {
    let file = repo().join(site).join("site.yaml");
    forms::SiteConfig::from_yaml("site.yaml", &std::fs::read_to_string(file).unwrap()).unwrap()
}

#[test]
fn every_page_has_the_menu_twice_in_full_for_wide_screens_and_behind_a_button_for_small_ones() {
    for site in ["content", "examples/qana/content"] {
        let nav: Vec<String> = site_config(site).nav.into_iter().map(|n| n.path).collect();
        for (path, html) in pages_of(site) {
            let doc = Html::parse_document(&html);
            let menu = doc
                .select(&sel("header nav[aria-label]"))
                .next()
                .unwrap_or_else(|| panic!("{site}{path}: no menu"));
            let toggle = menu.select(&sel("details > summary")).next();
            assert_eq!(toggle.map(text).as_deref(), Some("القائمة"), "{site}{path}");
            for list in [
                ".site-nav__list--wide",
                "details > .site-nav__list--compact",
            ] {
                let links: Vec<_> = menu.select(&sel(&format!("{list} a"))).collect();
                let hrefs: Vec<_> = links.iter().map(|a| a.attr("href").unwrap()).collect();
                assert_eq!(hrefs, nav, "{site}{path} {list}");
                let current: Vec<_> = links
                    .iter()
                    .filter(|a| a.attr("aria-current") == Some("page"))
                    .map(|a| a.attr("href").unwrap())
                    .collect();
                let expected: Vec<_> = nav.iter().filter(|p| **p == path).collect();
                assert_eq!(current, expected, "{site}{path} {list}: aria-current");
            }
        }
    }
}

#[test]
fn the_home_page_opens_with_its_actions_and_claims_only_what_the_site_has() {
    for site in ["content", "examples/qana/content"] {
        let config = site_config(site);
        let pages = pages_of(site);
        let home = Html::parse_document(&pages["/"]);
        let lead = home.select(&sel(".hero .lead")).next().map(text);
        assert_eq!(lead.as_deref(), config.home.intro.as_deref(), "{site}");
        // The actions of site.yaml, in order, are the first links of the page's content.
        let first: Vec<_> = home
            .select(&sel("main a[href]"))
            .take(config.home.actions.len())
            .map(|a| (a.attr("href").unwrap().to_string(), text(a)))
            .collect();
        let expected: Vec<_> = config
            .home
            .actions
            .iter()
            .map(|a| (a.path.clone(), a.title.clone()))
            .collect();
        assert_eq!(first, expected, "{site}");
        assert!(
            expected.iter().any(|(p, _)| p == "/track/") && expected.len() >= 3,
            "{site}: request, feedback and follow-up"
        );
        // What the home page says the policy holds is the policy's own section titles.
        let policy = Html::parse_document(&pages["/policy/"]);
        let sections: Vec<_> = policy
            .select(&sel(".policy-section > h2"))
            .map(text)
            .collect();
        let card = home
            .select(&sel(".card"))
            .find(|c| c.select(&sel("a[href=\"/policy/\"]")).next().is_some())
            .map(text)
            .unwrap();
        for s in &sections {
            assert!(
                card.contains(s.as_str()),
                "{site}: the policy card leaves out «{s}»: {card}"
            );
        }
        assert!(
            !card.contains("قياس الرضا") || sections.iter().any(|s| s.contains("الرضا")),
            "{site}: {card}"
        );
        // A form among the actions is not offered a second time below.
        for (path, _) in &expected {
            let count = home
                .select(&sel(&format!("main a[href=\"{path}\"]")))
                .count();
            assert_eq!(
                count, 1,
                "{site}: {path} is linked {count} times from the home page's content"
            );
        }
    }
}

#[test]
fn the_printed_policy_names_the_association_version_approval_address_and_day() {
    // Neither policy states a version number, so neither printed copy shows one.
    for (site, day) in [
        ("content", "1 نوفمبر 2025م"),
        ("examples/qana/content", "١ نوفمبر ٢٠٢٥م"),
    ] {
        let config = site_config(site);
        let pages = pages_of(site);
        let doc = Html::parse_document(&pages["/policy/"]);
        let header = doc
            .select(&sel(".print-header"))
            .next()
            .unwrap_or_else(|| panic!("{site}: no print header"));
        let printed = text(header);
        assert!(printed.contains(&config.name), "{site}: {printed}");
        assert!(!printed.contains("الإصدار"), "{site}: {printed}");
        let approval = text(doc.select(&sel(".page-header__meta")).next().unwrap());
        let approval = approval.split("اعتُمدت في ").nth(1).unwrap();
        assert!(
            printed.contains(approval),
            "{site}: {printed} lacks {approval}"
        );
        let url = format!("{}/policy/", config.base_url);
        let bdi = header.select(&sel("bdi[dir=ltr]")).next().map(text);
        assert_eq!(bdi.as_deref(), Some(url.as_str()), "{site}");
        // Without script the copy carries the build's day, and says that it is that day.
        let date = header.select(&sel("[data-print-date]")).next().unwrap();
        assert!(text(date).ends_with(day), "{site}: {}", text(date));
        assert!(
            printed.contains("(تاريخ إعداد هذه النسخة من الموقع)"),
            "{site}: {printed}"
        );
        // The print button is there for the script to show.
        let button = doc
            .select(&sel("[data-print-action][hidden] button"))
            .next();
        assert_eq!(button.map(text).as_deref(), Some("طباعة"), "{site}");
    }
}

#[test]
fn under_github_actions_check_and_build_print_each_problem_as_an_annotation() {
    let f = Fixture::new();
    f.edit("channels/01-phone.md", "form: feedback", "form: complaints");
    let bin = env!("CARGO_BIN_EXE_site-gen");
    let out = f.dir.path().join("public");
    // Today as the command sees it: the fixture's next review has passed, a warning.
    let mut today = f.config();
    today.today = None;
    let expected = site_gen::check(&today, site_gen::render::Mode::default())
        .diagnostics
        .sorted()
        .github_annotations(forms::Lang::Ar);
    assert!(expected.contains("\n::warning file="), "{expected}");
    assert!(
        expected.starts_with(&format!(
            "::error file={},line=5,col=1::",
            f.file("channels/01-phone.md")
        )),
        "{expected}"
    );
    for command in ["check", "build"] {
        let run = |github: Option<&str>| {
            let mut cmd = Command::new(bin);
            cmd.args([command, "--site"])
                .arg(f.site())
                .arg("--templates")
                .arg(repo().join("templates"))
                .env_remove("GITHUB_ACTIONS");
            if command == "build" {
                cmd.arg("--out").arg(&out);
            }
            if let Some(v) = github {
                cmd.env("GITHUB_ACTIONS", v);
            }
            cmd.output().unwrap()
        };
        let on = run(Some("true"));
        assert_eq!(on.status.code(), Some(1), "{command}");
        let stdout = String::from_utf8_lossy(&on.stdout);
        let annotations: String = stdout
            .lines()
            .filter(|l| l.starts_with("::"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(annotations, expected, "{command}: {stdout}");
        for off in [run(None), run(Some("false"))] {
            let stdout = String::from_utf8_lossy(&off.stdout);
            assert!(!stdout.contains("::error"), "{command}: {stdout}");
            assert!(
                String::from_utf8_lossy(&off.stderr).contains(":5:1: خطأ:"),
                "{command}"
            );
        }
    }
}

#[test]
fn the_service_digest_follows_what_the_service_embeds_and_not_the_sites_own_facts() {
    use site_gen::service_digest::service_digest;
    let f = Fixture::new();
    let templates = f.dir.path().join("templates");
    common::copy(&repo().join("templates"), &templates);
    let config = || {
        let mut c = f.config();
        c.templates = Some(templates.clone());
        c
    };
    let digest = || service_digest(&config()).expect("the fixture has a site.yaml");
    let before = digest();
    assert_eq!(before.len(), 64);

    f.edit(
        "policy/01-introduction.md",
        "\n---\n",
        "\n---\nفقرة جديدة.\n\n",
    );
    f.edit("site.yaml", "+966 11 111 1111", "+966 11 234 5678");
    assert_eq!(
        digest(),
        before,
        "a page and a phone number are the site's alone"
    );

    f.edit(
        "site.yaml",
        "nav:\n",
        "nav:\n  - { title: من نحن, path: /about/ }\n",
    );
    let with_menu = digest();
    assert_ne!(with_menu, before, "the service's answers show the menu");
    f.edit("forms/feedback.yaml", "label: ", "label: (معدّل) ");
    let with_form = digest();
    assert_ne!(with_form, with_menu, "a form");
    let base = templates.join("received.html");
    std::fs::write(
        &base,
        std::fs::read_to_string(&base).unwrap() + "\n{# changed #}\n",
    )
    .unwrap();
    assert_ne!(digest(), with_form, "a template");
}

#[test]
fn a_trackable_forms_email_field_says_which_emails_will_come() {
    for site in ["content", "examples/qana/content"] {
        let checked = check(site, "2025-11-01");
        let site_model = checked.site.as_ref().expect("the site loads");
        let sends = site_model.config.notifications.is_some();
        let mut promised = 0;
        for (path, html) in pages(&checked) {
            let Some(id) = path
                .strip_prefix("/forms/")
                .and_then(|p| p.strip_suffix('/'))
            else {
                continue;
            };
            let Some(form) = site_model.forms.iter().find(|f| f.id == id) else {
                continue;
            };
            let doc = Html::parse_document(&html);
            let said: Vec<ElementRef> = doc.select(&sel("[id$='-mail']")).collect();
            let email = form.fields.iter().find(|f| f.kind == FieldType::Email);
            match email {
                Some(field) if form.trackable && sends => {
                    assert_eq!(said.len(), 1, "{site}{path}");
                    promised += 1;
                    assert!(
                        text(said[0]).contains("إيصالًا برمز المتابعة"),
                        "{site}{path}"
                    );
                    let input = doc
                        .select(&sel(&format!("#field-{}", field.name)))
                        .next()
                        .unwrap();
                    let described = input.value().attr("aria-describedby").unwrap_or("");
                    assert!(
                        described.contains(&format!("field-{}-mail", field.name)),
                        "{site}{path}: the field is described by it"
                    );
                }
                _ => assert!(said.is_empty(), "{site}{path}: no e-mail field, no promise"),
            }
        }
        assert!(
            promised >= 2,
            "{site}: its request and feedback forms say it"
        );
    }
}
