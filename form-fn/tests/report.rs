//! The periodic report: its figures from a fixture of known submissions, computed by hand here;
//! the public file leaving out small groups; and `form-fn-admin report` against the embedded
//! store, reading the period's submissions with the index.

mod common;

use std::collections::BTreeMap;

use common::*;
use form_fn::record::{Change, Record};
use form_fn::staff::report::{ReportRequest, report_of};
use forms::dates::Day;
use forms::report::{Period, PeriodCalendar, ReportFile, SurveyChannel};
use forms::{FormDef, Response, ResponseKind, Status, Value};
use serde_json::Value as Json;

fn record(form: &str, code: &str, received_at: &str, history: &[(Status, &str)]) -> Record {
    let mut changes = vec![Change {
        status: Status::Received,
        at: received_at.to_string(),
        message: None,
        by: None,
    }];
    changes.extend(history.iter().map(|(status, at)| Change {
        status: *status,
        at: at.to_string(),
        message: None,
        by: None,
    }));
    Record {
        code: code.to_string(),
        form: form.to_string(),
        status: changes.last().unwrap().status,
        received_at: received_at.to_string(),
        updated_at: changes.last().unwrap().at.clone(),
        expected_by: None,
        message: None,
        history: changes,
        values: BTreeMap::new(),
        contacts: Vec::new(),
        expires_at: u64::MAX,
        version: 0,
        corrections: Vec::new(),
        assignee: None,
        checked: None,
        events: Vec::new(),
        channel: None,
    }
}

fn survey_answer(code: &str, overall: &str, channel: Option<&str>) -> Record {
    let mut r = record("survey", code, "2026-03-10T08:00:00Z", &[]);
    r.values
        .insert("overall".into(), Value::One(overall.into()));
    r.channel = channel.map(|c| match c {
        "in_person" => SurveyChannel::InPerson,
        _ => SurveyChannel::Phone,
    });
    r
}

/// Seven survey answers and six requests in March 2026, with what happened to each.
fn fixture() -> Vec<Record> {
    let mut out: Vec<Record> = [
        ("5", None),
        ("5", None),
        ("4", None),
        ("3", None),
        ("5", None),
        ("4", None),
        ("1", Some("in_person")),
    ]
    .iter()
    .enumerate()
    .map(|(i, (v, c))| survey_answer(&format!("S{i}"), v, *c))
    .collect();
    let d = Status::Declined;
    let c = Status::Completed;
    let u = Status::UnderReview;
    let mut requests = vec![
        // First answer after 2 days, closed after 10.
        record(
            "request",
            "R1",
            "2026-03-01T09:00:00Z",
            &[(u, "2026-03-03T09:00:00Z"), (c, "2026-03-11T09:00:00Z")],
        ),
        // Closed after 4 (its first answer too).
        record(
            "request",
            "R2",
            "2026-03-02T09:00:00Z",
            &[(c, "2026-03-06T09:00:00Z")],
        ),
        // Declined after 20.
        record(
            "request",
            "R3",
            "2026-03-05T09:00:00Z",
            &[(d, "2026-03-25T09:00:00Z")],
        ),
        // Answered after 1 day, still open, due 24 March.
        record(
            "request",
            "R4",
            "2026-03-10T09:00:00Z",
            &[(u, "2026-03-11T09:00:00Z")],
        ),
        // Never answered, due 3 April.
        record("request", "R5", "2026-03-20T09:00:00Z", &[]),
        // Never answered, due 11 April.
        record("request", "R6", "2026-03-28T09:00:00Z", &[]),
    ];
    for (r, due) in requests.iter_mut().zip([
        "2026-03-15",
        "2026-03-16",
        "2026-03-19",
        "2026-03-24",
        "2026-04-03",
        "2026-04-11",
    ]) {
        r.expected_by = Some(due.to_string());
    }
    out.extend(requests);
    out
}

fn request_for(period: &str) -> ReportRequest {
    ReportRequest {
        period: Period::parse(period).unwrap(),
        calendar: PeriodCalendar::Gregorian,
        survey: Some("survey".into()),
        service_field: None,
        today: Day::parse("2026-04-05").unwrap(),
    }
}

#[test]
fn the_figures_of_known_submissions_as_computed_by_hand() {
    let content = content();
    // The request form, promising an answer within 14 days.
    let mut request: FormDef = content.form("request").unwrap().clone();
    request.response = Some(Response {
        days: 14,
        kind: ResponseKind::Within,
        quote: None,
    });
    let survey = content.form("survey").unwrap();
    let forms = [&request, survey];
    let report = report_of(&fixture(), &forms, &request_for("2026-03")).unwrap();

    let s = report.survey.as_ref().unwrap();
    assert_eq!(s.responses, 7);
    assert_eq!(
        s.channels,
        BTreeMap::from([(SurveyChannel::Web, 6), (SurveyChannel::InPerson, 1)])
    );
    let overall = s.questions.iter().find(|q| q.field == "overall").unwrap();
    // Ratings 5 5 4 3 5 4 1: one 1, one 3, two 4, three 5.
    assert_eq!(overall.distribution, [1, 0, 1, 2, 3]);
    // (1 + 3 + 8 + 15) / 7 = 27 / 7; CSAT (2 + 3) / 7.
    assert!((overall.mean().unwrap() - 27.0 / 7.0).abs() < 1e-9);
    assert!((overall.csat().unwrap() - 5.0 / 7.0).abs() < 1e-9);
    // A question nobody answered has no mean.
    let other = s
        .questions
        .iter()
        .find(|q| q.field == "ease_of_access")
        .unwrap();
    assert_eq!(
        (other.distribution.iter().sum::<u64>(), other.mean()),
        (0, None)
    );

    let q = report.quality.iter().find(|q| q.form == "request").unwrap();
    assert_eq!((q.received, q.closed), (6, 3));
    // First answers after 2, 4, 20 and 1 days: the median of 1 2 4 20 is 3.
    assert_eq!(q.median_days_first_answer, Some(3.0));
    // Closed after 10, 4 and 20 days: the median is 10.
    assert_eq!(q.median_days_to_close, Some(10.0));
    // Within 14 days: R1 and R2, not R3.
    assert_eq!(q.closed_within, Some(2));
    // Open on 5 April past their date: R4 (24 March) and R5 (3 April), not R6 (11 April).
    assert_eq!(q.overdue, Some(2));

    // The public file: the single field interview is left out, and so are the six answers on the
    // site, which the total would otherwise reveal it by subtraction; every question with fewer
    // than five answers is left out.
    let public: ReportFile = report.public();
    let ps = public.survey.as_ref().unwrap();
    assert_eq!(ps.responses, 7);
    assert!(ps.channels.is_empty(), "{:?}", ps.channels);
    let fields: Vec<&str> = ps.questions.iter().map(|q| q.field.as_str()).collect();
    assert_eq!(fields, ["overall"]);
    assert_eq!(public.quality[0].received, 6);

    // Staff see every figure, small ones too, as CSV with a byte-order mark.
    let csv = String::from_utf8(report.csv()).unwrap();
    assert!(csv.starts_with('\u{FEFF}'));
    assert!(
        csv.contains("\"الردود: المقابلة الميدانية\",\"1\""),
        "{csv}"
    );
    assert!(csv.contains("\"الوسيط حتى أول رد (يوم)\",\"3.0\""), "{csv}");
}

#[test]
fn a_survey_of_fewer_than_five_is_not_published() {
    let content = content();
    let forms: Vec<&FormDef> = content.forms.values().collect();
    let few: Vec<Record> = fixture()
        .into_iter()
        .filter(|r| r.form == "survey")
        .take(4)
        .collect();
    let report = report_of(&few, &forms, &request_for("2026-Q1")).unwrap();
    assert_eq!(report.survey.as_ref().unwrap().responses, 4);
    assert!(report.public().survey.is_none());
}

#[tokio::test]
async fn the_staff_command_reports_this_months_surveys_from_the_store() {
    let svc = start().await;
    let content = content();
    let survey = content.form("survey").unwrap().clone();
    for i in 0..6 {
        let mut answers = good_answers(&survey);
        answers.push(("idempotency_key".into(), format!("report-test-{i}")));
        let r = http()
            .post(svc.url("/api/forms/survey"))
            .header("accept", "application/json")
            .json(&json_body(&survey, &answers))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let _: Json = r.json().await.unwrap();
    }
    let today = Day::today();
    let period = format!("{:04}-{:02}", today.year, today.month);
    let dir = tempfile::tempdir().unwrap();
    let (out, site) = (dir.path().join("out"), dir.path().join("content"));
    let file = public_report(&svc, &period, &out, &site).await;
    let s = file.survey.unwrap();
    assert_eq!(s.responses, 6);
    assert_eq!(s.channels, BTreeMap::from([(SurveyChannel::Web, 6)]));
    // Every answer was ٤ (typed in Arabic-Indic digits, stored as 4).
    for q in &s.questions {
        assert_eq!(q.distribution, [0, 0, 0, 6, 0], "{}", q.field);
    }
    let html = std::fs::read_to_string(out.join(format!("report-{period}.html"))).unwrap();
    assert!(html.contains("lang=\"ar\" dir=\"rtl\""));
    assert!(
        std::fs::read(out.join(format!("report-{period}.csv")))
            .unwrap()
            .starts_with("\u{FEFF}".as_bytes())
    );
    // Last month held none of them.
    let before = Day::parse(&format!("{period}-01")).unwrap().add_days(-1);
    let previous = format!("{:04}-{:02}", before.year, before.month);
    let file = public_report(&svc, &previous, &out, &site).await;
    assert!(file.survey.is_none(), "{file:?}");
}

/// Runs `form-fn-admin report` for a Gregorian `period`, writing into `out` and the public file
/// into the content folder `site`, and reads that file back.
async fn public_report(
    svc: &Service,
    period: &str,
    out: &std::path::Path,
    site: &std::path::Path,
) -> ReportFile {
    let run = admin(
        svc,
        &[
            "report",
            "--period",
            period,
            "--calendar",
            "gregorian",
            "--out",
            out.to_str().unwrap(),
            "--public",
            site.to_str().unwrap(),
        ],
    )
    .await;
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let yaml = std::fs::read_to_string(site.join(format!("data/reports/{period}.yaml"))).unwrap();
    ReportFile::from_yaml(&yaml).unwrap()
}
