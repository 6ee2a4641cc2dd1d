//! The public reports: a period's aggregates file builds its page with charts and tables, the
//! mean and CSAT computed from the distribution; `check` refuses a figure under 5 (or one that
//! subtraction reveals), a promise the content does not make, and a period outside the site's
//! calendar, each at its place.

mod common;

use common::Fixture;
use scraper::{Html, Selector};
use site_gen::diagnostic::Diagnostic;
use site_gen::render::Mode;

const REPORT: &str = "\
calendar: gregorian
survey:
  form: feedback
  responses: 42
  channels:
    web: 30
    in_person: 12
  questions:
    - field: rating
      distribution: [2, 3, 5, 14, 18]
  service_field: topics
  services:
    - value: a
      responses: 20
      questions:
        - { field: rating, distribution: [1, 1, 3, 7, 8] }
    - value: b
      responses: 22
quality:
  - form: request
    received: 120
    closed: 100
    median_days_first_answer: 3
    median_days_to_close: 12.5
";

fn with_report(name: &str, text: &str) -> Fixture {
    let f = Fixture::new();
    f.write(&format!("data/reports/{name}.yaml"), text);
    f
}

fn errors(f: &Fixture) -> Vec<Diagnostic> {
    site_gen::check(&f.config(), Mode::default())
        .diagnostics
        .0
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect()
}

/// The one error, at `rel:line:column`.
fn only_error(f: &Fixture, rel: &str, line: usize, column: usize) -> Diagnostic {
    let found = errors(f);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = found.into_iter().next().unwrap();
    assert_eq!(
        (d.file.as_str(), d.line, d.column),
        (f.file(rel).as_str(), line, column),
        "{d}"
    );
    d
}

fn page(f: &Fixture, path: &str) -> Html {
    let checked = site_gen::check(&f.config(), Mode::default());
    assert!(!checked.diagnostics.has_errors(), "{}", checked.diagnostics);
    let out = checked.outputs.unwrap();
    let o = out
        .iter()
        .find(|o| o.url_path() == path)
        .unwrap_or_else(|| panic!("no page {path}"));
    Html::parse_document(&String::from_utf8_lossy(&o.bytes))
}

fn texts(doc: &Html, selector: &str) -> Vec<String> {
    doc.select(&Selector::parse(selector).unwrap())
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn a_period_page_shows_the_figures_computed_from_the_distribution_with_charts_and_tables() {
    let f = with_report("2026-Q1", REPORT);
    let doc = page(&f, "/reports/2026-Q1/");
    assert_eq!(
        texts(&doc, "h1"),
        ["تقرير رضا المستفيدين وجودة الخدمة: الربع الأول من 2026م"]
    );
    // (2×1 + 3×2 + 5×3 + 14×4 + 18×5) / 42 = 169 / 42 = 4.02; CSAT (14 + 18) / 42 = 76.2 %.
    let facts = texts(&doc, ".facts dd");
    assert_eq!(facts[..3], ["42", "4.0", "76%"]);
    // Every chart is an image named and described, with its data as a table beside it.
    let svgs: Vec<_> = doc.select(&Selector::parse("svg").unwrap()).collect();
    assert_eq!(
        svgs.len(),
        3,
        "channels, the question, services (a service's questions are a table)"
    );
    for svg in &svgs {
        assert_eq!(svg.value().attr("role"), Some("img"));
        let ids = svg.value().attr("aria-labelledby").unwrap();
        for id in ids.split(' ') {
            assert_eq!(
                doc.select(&Selector::parse(&format!("#{id}")).unwrap())
                    .count(),
                1
            );
        }
    }
    assert_eq!(
        texts(&doc, "svg desc")[0],
        "الاستبيان الإلكتروني: 30، المقابلة الميدانية: 12."
    );
    let rows = texts(&doc, ".chart:nth-of-type(1) tbody tr");
    assert_eq!(rows, ["الاستبيان الإلكتروني 30", "المقابلة الميدانية 12"]);
    // The largest bar is the longest, and bars start at the right (the zero line).
    let bars: Vec<(f64, f64)> = doc
        .select(&Selector::parse("svg:first-of-type .chart__bar").unwrap())
        .map(|r| {
            let n = |a| r.value().attr(a).unwrap().parse::<f64>().unwrap();
            (n("x"), n("width"))
        })
        .collect();
    assert!(bars[0].1 > bars[1].1);
    assert!((bars[0].0 + bars[0].1 - (bars[1].0 + bars[1].1)).abs() < 0.01);
    let quality = texts(&doc, "#quality ~ table tr");
    assert_eq!(
        quality,
        [
            "الواردة 120",
            "المغلقة 100",
            "الوسيط حتى أول رد 3.0 يوم",
            "الوسيط حتى الإغلاق 12.5 يوم"
        ]
    );
    let list = page(&f, "/reports/");
    assert_eq!(texts(&list, "main li a"), ["الربع الأول من 2026م"]);
}

#[test]
fn a_build_writes_the_reports_list_and_the_periods_page() {
    let files = with_report("2026-Q1", REPORT).built();
    for page in ["reports/index.html", "reports/2026-Q1/index.html"] {
        assert!(files.contains_key(page), "no {page} in the built folder");
    }
    let page = String::from_utf8_lossy(&files["reports/2026-Q1/index.html"]);
    assert!(page.contains("role=\"img\""), "the charts are written too");
}

#[test]
fn numbers_and_periods_follow_the_site_settings() {
    let f = with_report("1447-09", &REPORT.replace("gregorian", "hijri"));
    f.edit("site.yaml", "digits: western", "digits: arabic-indic");
    let doc = page(&f, "/reports/1447-09/");
    assert_eq!(
        texts(&doc, "h1"),
        ["تقرير رضا المستفيدين وجودة الخدمة: رمضان ١٤٤٧هـ"]
    );
    assert_eq!(texts(&doc, ".facts dd")[..3], ["٤٢", "٤٫٠", "٧٦٪"]);
    assert!(texts(&doc, "svg text").contains(&"٣٠".to_string()));
}

#[test]
fn a_breakdown_of_fewer_than_five_is_refused_where_it_is_written() {
    let f = with_report(
        "2026-Q1",
        &REPORT.replace("web: 30\n    in_person: 12", "web: 39\n    in_person: 3"),
    );
    let d = only_error(&f, "data/reports/2026-Q1.yaml", 7, 5);
    assert!(d.message.ar.contains("أقل من 5"), "{d}");
    let f = with_report(
        "2026-Q1",
        &REPORT.replace(
            "- value: b\n      responses: 22",
            "- value: b\n      responses: 4",
        ),
    );
    only_error(&f, "data/reports/2026-Q1.yaml", 18, 7);
}

#[test]
fn a_remainder_that_subtraction_reveals_is_refused() {
    // 42 responses, 30 + 10 by channel: the 2 left out can be found by subtraction.
    let f = with_report("2026-Q1", &REPORT.replace("in_person: 12", "in_person: 10"));
    let d = only_error(&f, "data/reports/2026-Q1.yaml", 5, 3);
    assert!(d.message.ar.contains("بالطرح"), "{d}");
}

#[test]
fn lateness_is_refused_for_a_form_whose_content_promises_no_time() {
    let f = with_report(
        "2026-Q1",
        &REPORT.replace(
            "median_days_to_close: 12.5",
            "median_days_to_close: 12.5\n    overdue: 6",
        ),
    );
    only_error(&f, "data/reports/2026-Q1.yaml", 25, 5);
}

#[test]
fn a_period_outside_the_sites_calendar_or_a_file_not_named_for_a_period_is_refused() {
    let f = with_report("2026-Q1", &REPORT.replace("gregorian", "hijri"));
    f.edit("site.yaml", "calendar: both", "calendar: gregorian");
    only_error(&f, "data/reports/2026-Q1.yaml", 1, 1);
    let f = with_report("first-quarter", REPORT);
    only_error(&f, "data/reports/first-quarter.yaml", 1, 1);
    let f = with_report("2026-Q1", &REPORT.replace("responses: 42", "respones: 42"));
    only_error(&f, "data/reports/2026-Q1.yaml", 4, 3);
}

#[test]
fn a_site_without_reports_has_no_reports_page() {
    let f = Fixture::new();
    let checked = site_gen::check(&f.config(), Mode::default());
    assert!(
        !checked
            .outputs
            .unwrap()
            .iter()
            .any(|o| o.url_path().starts_with("/reports/"))
    );
}
