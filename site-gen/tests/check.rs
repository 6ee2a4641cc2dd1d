//! The content model and `check`: good and bad front matter with the exact place of each problem,
//! and each kind of problem `check` finds, on a copy of the fixture site changed for the case.

mod common;

use common::{Fixture, config};
use site_gen::diagnostic::{Diagnostic, Severity};
use site_gen::render::Mode;

fn problems(f: &Fixture) -> Vec<Diagnostic> {
    site_gen::check(&f.config(), Mode::default()).diagnostics.0
}

/// The one problem found, which must be at `rel:line:column`.
fn only_problem(f: &Fixture, rel: &str, line: usize, column: usize) -> Diagnostic {
    let found = problems(f);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = found.into_iter().next().unwrap();
    assert_eq!(
        (d.file.as_str(), d.line, d.column),
        (f.file(rel).as_str(), line, column),
        "{d}"
    );
    d
}

#[test]
fn the_fixture_site_has_no_problem_and_builds_every_page() {
    let f = Fixture::new();
    assert_eq!(problems(&f), vec![]);
    let checked = site_gen::check(&f.config(), Mode::default());
    let mut paths: Vec<_> = checked
        .outputs
        .unwrap()
        .iter()
        .map(|o| o.url_path())
        .collect();
    paths.retain(|p| p.ends_with('/') || p.ends_with(".html"));
    paths.sort();
    assert_eq!(
        paths,
        [
            "/",
            "/404.html",
            "/429.html",
            "/about/",
            "/accessibility/",
            "/channels/",
            "/eligibility/",
            "/forms/feedback/",
            "/forms/request/",
            "/forms/request/students/",
            "/policy/",
            "/privacy/",
            "/track/"
        ]
    );
}

#[test]
fn an_unknown_key_is_an_error_at_its_line_naming_the_expected_keys() {
    let f = Fixture::new();
    f.edit(
        "policy/01-introduction.md",
        "role: introduction\n",
        "role: introduction\ncolour: red\n",
    );
    let d = only_problem(&f, "policy/01-introduction.md", 4, 1);
    assert!(d.is_error());
    assert!(d.message.en.contains("unknown key `colour`"), "{d}");
    assert!(d.message.ar.contains("مفتاح غير معروف `colour`"), "{d}");
    assert!(
        d.message.en.contains("`title`") && d.message.en.contains("`role`"),
        "names what is allowed: {d}"
    );
}

#[test]
fn a_missing_key_is_an_error_naming_it() {
    let f = Fixture::new();
    f.edit("channels/01-phone.md", "kind: phone\n", "");
    let d = only_problem(&f, "channels/01-phone.md", 2, 1);
    assert!(d.message.en.contains("missing key `kind`"), "{d}");
    assert!(d.hint.is_some());
}

#[test]
fn a_wrong_type_is_an_error_at_the_value() {
    let f = Fixture::new();
    f.edit(
        "policy/_index.md",
        "review_months: 12",
        "review_months: twelve",
    );
    let d = only_problem(&f, "policy/_index.md", 9, 16);
    assert!(
        d.message
            .en
            .contains("wrong kind of value for `review_months`")
            && d.message.en.contains("twelve"),
        "{d}"
    );
}

#[test]
fn a_bad_date_says_how_to_write_one() {
    let f = Fixture::new();
    f.edit("policy/_index.md", "date: 2025-10-20", "date: 20/10/2025");
    let d = only_problem(&f, "policy/_index.md", 7, 3);
    assert!(d.message.en.contains("20/10/2025"), "{d}");
    assert!(d.hint.as_ref().unwrap().en.contains("YYYY-MM-DD"));
}

#[test]
fn a_broken_internal_link_is_reported_where_it_is_written() {
    let f = Fixture::new();
    f.edit("pages/about.md", "نحن جمعية.", "نحن [جمعية](/polcy/).");
    let d = only_problem(&f, "pages/about.md", 5, 5);
    assert!(d.message.en.contains("/polcy/ is not a page"), "{d}");
}

#[test]
fn a_link_without_its_trailing_slash_gets_a_suggestion() {
    let f = Fixture::new();
    f.edit("pages/about.md", "نحن جمعية.", "نحن [جمعية](/policy).");
    let d = only_problem(&f, "pages/about.md", 5, 5);
    assert!(d.hint.as_ref().unwrap().en.contains("/policy/"), "{d}");
}

#[test]
fn a_broken_anchor_is_reported_and_arabic_anchors_resolve() {
    let f = Fixture::new();
    // The fixture's own links to #مقدمة, #الهاتف and #اعتماد-مجلس-الإدارة resolve (no problem above);
    // a percent-encoded Arabic anchor resolves too; a wrong one does not.
    f.edit(
        "pages/about.md",
        "نحن جمعية.",
        "[أ](/policy/#%D8%AA%D9%81%D8%A7%D8%B5%D9%8A%D9%84-%D8%A3%D8%AE%D8%B1%D9%89) [ب](/policy/#الهدف)",
    );
    let d = only_problem(&f, "pages/about.md", 5, 77);
    assert!(
        d.message.en.contains("/policy/ has no anchor #الهدف"),
        "{d}"
    );
}

#[test]
fn links_in_form_definitions_are_checked_at_their_key() {
    let f = Fixture::new();
    f.edit(
        "forms/request.yaml",
        "/eligibility/#الطلاب",
        "/eligibility/#العمال",
    );
    let d = only_problem(&f, "forms/request.yaml", 2, 1);
    assert!(d.message.en.contains("#العمال"), "{d}");
}

#[test]
fn a_duplicate_slug_is_an_error() {
    let f = Fixture::new();
    f.write(
        "pages/team.md",
        "---\ntitle: الفريق\nslug: about\n---\nنص\n",
    );
    let d = only_problem(&f, "pages/team.md", 3, 1);
    assert!(d.message.en.contains("duplicate slug \"about\""), "{d}");

    let f = Fixture::new();
    f.edit(
        "policy/01-introduction.md",
        "role: introduction",
        "role: introduction\nslug: قنوات",
    );
    f.edit(
        "policy/02-channels.md",
        "role: channels",
        "role: channels\nslug: قنوات",
    );
    let d = only_problem(&f, "policy/02-channels.md", 4, 1);
    assert!(d.message.en.contains("duplicate slug \"قنوات\""), "{d}");
}

#[test]
fn a_page_cannot_take_an_address_the_site_uses() {
    let f = Fixture::new();
    f.write("pages/policy.md", "---\ntitle: سياسة أخرى\n---\nنص\n");
    let d = only_problem(&f, "pages/policy.md", 1, 1);
    assert!(d.message.en.contains("a page the site makes itself"), "{d}");
}

#[test]
fn a_channel_naming_a_missing_form_is_an_error() {
    let f = Fixture::new();
    f.edit("channels/01-phone.md", "form: feedback", "form: complaints");
    let d = only_problem(&f, "channels/01-phone.md", 5, 1);
    assert!(
        d.message.en.contains("form \"complaints\" does not exist"),
        "{d}"
    );
    assert!(
        d.hint.as_ref().unwrap().en.contains("request"),
        "lists the forms: {d}"
    );
}

#[test]
fn a_channel_naming_a_contact_the_site_lacks_is_an_error() {
    let f = Fixture::new();
    f.edit(
        "channels/01-phone.md",
        "contacts: [phone]",
        "contacts: [phone, whatsapp]",
    );
    let d = only_problem(&f, "channels/01-phone.md", 4, 1);
    assert!(
        d.message
            .en
            .contains("contact \"whatsapp\" is not given in site.yaml"),
        "{d}"
    );

    let f = Fixture::new();
    f.edit(
        "channels/01-phone.md",
        "contacts: [phone]",
        "contacts: [fax]",
    );
    let d = only_problem(&f, "channels/01-phone.md", 4, 1);
    assert!(d.message.en.contains("unknown contact key \"fax\""), "{d}");
}

#[test]
fn a_category_option_missing_from_its_form_is_an_error() {
    let f = Fixture::new();
    f.edit(
        "eligibility/01-students.md",
        "option: students",
        "option: pupils",
    );
    let d = only_problem(&f, "eligibility/01-students.md", 8, 1);
    assert!(d.message.en.contains("option \"pupils\""), "{d}");
    assert!(
        d.hint.as_ref().unwrap().en.contains("students, other"),
        "{d}"
    );
}

#[test]
fn a_menu_path_that_is_not_a_page_is_an_error() {
    let f = Fixture::new();
    f.edit(
        "site.yaml",
        "  - { title: من نحن, path: /about/ }",
        "  - { title: الأخبار, path: /news/ }",
    );
    let d = only_problem(&f, "site.yaml", 18, 23);
    assert!(d.message.en.contains("/news/"), "{d}");
}

#[test]
fn a_home_action_that_is_not_a_page_is_an_error_at_its_own_line() {
    let f = Fixture::new();
    let home = "home:\n  actions:\n    - { title: طلب, path: /forms/request/ }\n    - { title: الأخبار, path: /news/ }\n    - { title: عن الجمعية, path: /about }\n";
    let text = std::fs::read_to_string(f.site().join("site.yaml")).unwrap();
    f.write("site.yaml", &format!("{text}{home}"));
    let before = text.lines().count();
    let found = problems(&f);
    assert_eq!(found.len(), 2, "{found:#?}");
    let (news, about) = (&found[0], &found[1]);
    assert_eq!((news.line, news.column), (before + 4, 25), "{news}");
    assert!(
        news.message
            .en
            .contains("home action \"الأخبار\" points to /news/"),
        "{news}"
    );
    // The path /about is written on the menu's line too; the action's own line is named.
    assert_eq!((about.line, about.column), (before + 5, 28), "{about}");
    assert!(
        about
            .hint
            .as_ref()
            .unwrap()
            .en
            .contains("did you mean /about/?"),
        "{about}"
    );
}

#[test]
fn hijri_and_gregorian_dates_that_disagree_are_a_warning_naming_both() {
    let f = Fixture::new();
    // 2025-10-20 is 28 Rabi' al-Thani 1447 under Umm al-Qura, not the 29th.
    f.edit(
        "policy/_index.md",
        "  date: 2025-10-20\n",
        "  date: 2025-10-20\n  hijri: 1447-04-29\n",
    );
    let d = only_problem(&f, "policy/_index.md", 8, 3);
    assert_eq!(d.severity, Severity::Warning);
    assert!(
        d.message.en.contains("1447-04-29")
            && d.message.en.contains("2025-10-21")
            && d.message.en.contains("2025-10-20"),
        "{d}"
    );
    // A warning does not stop the build.
    let out = f.dir.path().join("public");
    assert!(
        site_gen::build(&f.config(), &out, Mode::default())
            .0
            .is_ok()
    );
}

#[test]
fn a_next_review_that_has_passed_is_a_warning() {
    let f = Fixture::new();
    let found = site_gen::check(&config(&f.site(), "2026-10-21"), Mode::default())
        .diagnostics
        .0;
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(found[0].message.en.contains("2026-10-20"), "{}", found[0]);
    assert!(
        site_gen::check(&config(&f.site(), "2026-10-20"), Mode::default())
            .diagnostics
            .0
            .is_empty()
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let f = Fixture::new();
    f.edit("channels/01-phone.md", "form: feedback", "form: complaints");
    f.edit(
        "eligibility/01-students.md",
        "option: students",
        "option: pupils",
    );
    f.edit("policy/04-approval.md", "role: approval", "role: approvl");
    let found = problems(&f);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found.iter().all(Diagnostic::is_error));
    let role = found
        .iter()
        .find(|d| d.message.en.contains("approvl"))
        .unwrap();
    assert!(
        role.message.en.contains("`role` cannot be") && role.message.en.contains("`approval`"),
        "{role}"
    );
}

#[test]
fn a_site_without_an_eligibility_guide_has_no_page_and_no_link_to_one() {
    let f = Fixture::new();
    std::fs::remove_dir_all(f.site().join("eligibility")).unwrap();
    // What still points at the guide is reported: the menu entry and the form's link.
    let found = problems(&f);
    let places: Vec<_> = found.iter().map(|d| (d.file.clone(), d.line)).collect();
    assert_eq!(
        places,
        [(f.file("forms/request.yaml"), 2), (f.file("site.yaml"), 16)],
        "{found:#?}"
    );
    f.edit(
        "site.yaml",
        "  - { title: دليل الأهلية, path: /eligibility/ }\n",
        "",
    );
    f.edit(
        "forms/request.yaml",
        "  اقرأ [دليل الأهلية](/eligibility/#الطلاب) أولًا.",
        "  اقرأ الشروط أولًا.",
    );
    let checked = site_gen::check(&f.config(), Mode::default());
    assert!(checked.diagnostics.0.is_empty(), "{}", checked.diagnostics);
    for o in checked.outputs.unwrap() {
        let text = String::from_utf8_lossy(&o.bytes);
        assert!(!o.path.starts_with("eligibility/"), "{}", o.path);
        assert!(
            !text.contains("/eligibility/"),
            "{} links to the guide",
            o.path
        );
    }
}

#[test]
fn a_file_without_front_matter_says_what_a_file_starts_with() {
    let f = Fixture::new();
    f.write("channels/03-letters.md", "title: الخطابات\n");
    let d = only_problem(&f, "channels/03-letters.md", 1, 1);
    assert!(d.message.en.contains("must start with front matter"), "{d}");
}

#[test]
fn a_bad_form_definition_is_reported_at_its_line() {
    let f = Fixture::new();
    f.edit("forms/feedback.yaml", "type: rating", "type: stars");
    let d = only_problem(&f, "forms/feedback.yaml", 5, 11);
    assert!(d.message.en.contains("stars"), "{d}");
}

#[test]
fn a_menu_entry_naming_a_form_differently_from_its_page_is_a_warning_in_arabic() {
    let f = Fixture::new();
    f.edit(
        "site.yaml",
        "{ title: طلب خدمة, path: /forms/request/ }",
        "{ title: طلب, path: /forms/request/ }",
    );
    let d = only_problem(&f, "site.yaml", 17, 7);
    assert_eq!(d.severity, Severity::Warning);
    assert!(
        d.message.ar.contains("«طلب»") && d.message.ar.contains("«طلب خدمة»"),
        "{d}"
    );
    assert!(d.to_string().contains(": تنبيه: "), "{d}");
    assert!(
        d.display(forms::Lang::En)
            .to_string()
            .contains(": warning: menu entry \"طلب\""),
        "{d}"
    );
}

#[test]
fn placeholder_contacts_are_errors_once_the_site_says_they_are_real() {
    let f = Fixture::new();
    // While example_values is true the fixture's placeholders are fine (no problem above).
    f.edit("site.yaml", "example_values: true", "example_values: false");
    let found = problems(&f);
    let places: Vec<_> = found
        .iter()
        .map(|d| (d.file.as_str(), d.line, d.column, d.is_error()))
        .collect();
    let site = f.file("site.yaml");
    // `phone: "+966 11 111 1111"` (one digit repeated) and `email: info@example.org`, each at its value.
    assert_eq!(
        places,
        [(site.as_str(), 9, 11, true), (site.as_str(), 10, 10, true)],
        "{found:#?}"
    );
    assert!(
        found[0].message.en.contains("+966 11 111 1111"),
        "{}",
        found[0]
    );
    assert!(found[0].message.en.contains("placeholder"), "{}", found[0]);
    assert!(
        found[0]
            .hint
            .as_ref()
            .unwrap()
            .en
            .contains("example_values"),
        "{}",
        found[0]
    );

    // Real-looking details pass.
    f.edit("site.yaml", "+966 11 111 1111", "+966 11 234 5678");
    f.edit("site.yaml", "info@example.org", "info@mithal.org.sa");
    assert_eq!(problems(&f), vec![]);

    // A channel's own address is checked too, at its value.
    f.edit(
        "channels/02-email.md",
        "contacts: [email]",
        "contacts: [email]\nurl: \"https://x.com/example\"",
    );
    let d = only_problem(&f, "channels/02-email.md", 5, 7);
    assert!(d.message.en.contains("x.com/example"), "{d}");
}

#[test]
fn a_category_says_whose_items_they_are_and_leads_to_a_form_or_an_address() {
    let f = Fixture::new();
    f.edit(
        "eligibility/01-students.md",
        "criteria:\n  - أن يكون **مسجلًا** في جامعة.\n",
        "",
    );
    let d = only_problem(&f, "eligibility/01-students.md", 2, 1);
    assert!(
        d.message
            .en
            .contains("neither `criteria` nor `commitments`"),
        "{d}"
    );

    let f = Fixture::new();
    f.edit(
        "eligibility/01-students.md",
        "form: request\n",
        "form: request\nurl: https://students.gov.sa/\n",
    );
    let d = only_problem(&f, "eligibility/01-students.md", 8, 1);
    assert!(d.message.en.contains("not both"), "{d}");

    let f = Fixture::new();
    f.edit("eligibility/01-students.md", "form: request\n", "");
    let d = only_problem(&f, "eligibility/01-students.md", 7, 1);
    assert!(d.message.en.contains("names no `form`"), "{d}");
}

#[test]
fn old_response_days_is_an_unknown_key_and_a_response_must_say_its_kind() {
    let f = Fixture::new();
    f.edit(
        "forms/request.yaml",
        "trackable: true\n",
        "trackable: true\nresponse_days: 14\n",
    );
    let d = only_problem(&f, "forms/request.yaml", 6, 1);
    assert!(d.message.en.contains("unknown key `response_days`"), "{d}");

    let f = Fixture::new();
    f.edit(
        "forms/request.yaml",
        "trackable: true\n",
        "trackable: true\nresponse:\n  days: 14\n",
    );
    let d = only_problem(&f, "forms/request.yaml", 7, 3);
    assert!(d.message.en.contains("missing key `kind`"), "{d}");
}

#[test]
fn a_form_asking_for_a_challenge_needs_a_provider_and_then_shows_its_widget() {
    let f = Fixture::new();
    f.edit(
        "forms/request.yaml",
        "trackable: true",
        "trackable: true\ncaptcha: true",
    );
    let d = only_problem(&f, "forms/request.yaml", 6, 1);
    assert!(d.message.en.contains("names no provider"), "{d}");
    assert!(d.message.ar.contains("site.yaml"), "{d}");

    f.edit(
        "site.yaml",
        "privacy:",
        "captcha: { provider: turnstile, site_key: 1x00000000000000000000AA }\nprivacy:",
    );
    let checked = site_gen::check(&f.config(), Mode::default());
    assert!(!checked.diagnostics.has_errors(), "{}", checked.diagnostics);
    let page = |path: &str| {
        checked
            .outputs
            .as_ref()
            .unwrap()
            .iter()
            .find(|o| o.url_path() == path)
            .map(|o| String::from_utf8(o.bytes.clone()).unwrap())
            .unwrap()
    };
    let request = page("/forms/request/");
    assert!(
        request.contains(
            r#"<div class="cf-turnstile" data-sitekey="1x00000000000000000000AA" data-language="ar"></div>"#
        ),
        "{request}"
    );
    assert!(request.contains(
        r#"<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script>"#
    ));
    assert!(
        request.contains("<noscript>"),
        "says what to do without JavaScript"
    );
    // Only the form that asks for it loads the provider's script.
    assert!(!page("/forms/feedback/").contains("challenges.cloudflare.com"));
}
