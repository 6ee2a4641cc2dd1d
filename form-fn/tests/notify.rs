//! E-mail notifications end to end: a submission through the service records its e-mails in the
//! outbox in the same write, the local service writes each as an `.eml` file once, a status change
//! tells the beneficiary, and — against moto's SES when `FORM_FN_TEST_ENDPOINT` is a moto server — a
//! mail service that fails for a while, then recovers, loses none and duplicates none.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;
use form_fn::mail::Mailer;
use form_fn::outbox::{self, Files, Outbox, Ses};
use forms::{FieldType, FormDef, Status};
use mail_parser::MessageParser;
use serde_json::Value;

/// The trackable form the content names staff for, with an e-mail field.
fn notified_form(content: &form_fn::content::Content) -> FormDef {
    content
        .forms
        .values()
        .find(|f| {
            f.trackable
                && f.notify.as_ref().is_some_and(|n| !n.staff.is_empty())
                && f.fields.iter().any(|x| x.kind == FieldType::Email)
        })
        .cloned()
        .expect("the content has a trackable form with staff to notify and an e-mail field")
}

fn emls(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == "eml"));
    out.sort();
    out
}

/// Waits until `dir` holds `n` e-mails (the local drain runs after the answer), then a moment
/// more to see that no extra one comes.
async fn wait_for(dir: &Path, n: usize) -> Vec<PathBuf> {
    for _ in 0..200 {
        if emls(dir).len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    emls(dir)
}

struct Parsed {
    subject: String,
    from_name: String,
    from_address: String,
    to: Vec<String>,
    text: String,
    html: String,
}

fn parse(raw: &[u8]) -> Parsed {
    let m = MessageParser::default().parse(raw).expect("a MIME message");
    let from = m.from().and_then(|a| a.first()).expect("a sender");
    Parsed {
        subject: m.subject().unwrap_or_default().to_string(),
        from_name: from.name().unwrap_or_default().to_string(),
        from_address: from.address().unwrap_or_default().to_string(),
        to: m
            .to()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.address().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        text: m.body_text(0).unwrap_or_default().to_string(),
        html: m.body_html(0).unwrap_or_default().to_string(),
    }
}

fn is_ascii_header_block(raw: &[u8]) -> bool {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    raw[..end].is_ascii()
}

#[tokio::test]
async fn a_submission_sends_the_staff_notice_and_the_receipt_once_each() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_path_buf();
    let svc = start_configured(None, None, |c| c.outbox_dir = Some(out)).await;
    let content = content();
    let site = &content.site;
    let n = site.notifications.as_ref().expect("the site sends e-mails");
    let form = notified_form(&content);
    let answers = good_answers(&form);
    let code = submit(&svc, &form, &answers).await;

    let files = wait_for(dir.path(), 2).await;
    assert_eq!(files.len(), 2, "exactly the staff notice and the receipt");
    let mails: Vec<(Vec<u8>, Parsed)> = files
        .iter()
        .map(|f| {
            let raw = std::fs::read(f).unwrap();
            let p = parse(&raw);
            (raw, p)
        })
        .collect();
    let staff_to: Vec<String> = n
        .addresses(&form.notify.as_ref().unwrap().staff)
        .map(str::to_string)
        .collect();
    let staff = mails
        .iter()
        .find(|(_, m)| m.to == staff_to)
        .expect("the staff notice");
    let receipt = mails
        .iter()
        .find(|(_, m)| m.to == ["Sara@example.org"])
        .expect("the receipt, to the address the beneficiary gave");

    for (raw, m) in [staff, receipt] {
        assert!(is_ascii_header_block(raw), "headers are encoded (RFC 2047)");
        assert_eq!(m.from_name, site.name, "the association is the sender");
        assert_eq!(&m.from_address, &n.from);
        assert!(m.subject.contains(&code), "{}", m.subject);
        assert!(m.html.contains(r#"lang="ar" dir="rtl""#));
        assert!(m.text.contains(&code));
    }
    // The decoded subjects are the Arabic ones.
    assert_eq!(
        staff.1.subject,
        format!("{}: وصل جديد برمز {code}", form.title)
    );
    assert!(receipt.1.subject.starts_with("وصل طلبك إلى "));
    // The staff notice links the case and carries no answer by default.
    let raw_code = forms::normalise::code(&code).unwrap();
    assert!(
        staff
            .1
            .text
            .contains(&format!("/api/staff/cases/{raw_code}"))
    );
    assert!(!form.notify.as_ref().unwrap().answers);
    assert!(!staff.1.text.contains("سارة") && !staff.1.html.contains("سارة"));
    assert!(!staff.1.text.contains("Sara@example.org"));
    // The receipt links the follow-up.
    assert!(
        receipt
            .1
            .text
            .contains(&format!("{}/track/", site.base_url))
    );

    // Every item is marked sent: a restart of the drain sends nothing again.
    let db = form_fn::table::client(Some(&svc.endpoint)).await;
    let outbox = Outbox::new(db, &svc.table);
    assert!(outbox.pending(100).await.unwrap().is_empty());
    let mailer = Mailer::new(&content, None).unwrap();
    let sent = outbox::drain(
        &outbox,
        &Files(dir.path().to_path_buf()),
        &mailer.from().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(sent, 0);
    assert_eq!(emls(dir.path()).len(), 2);
}

#[tokio::test]
async fn without_an_email_the_beneficiary_gets_nothing_and_a_status_change_tells_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_path_buf();
    let svc = start_configured(None, None, |c| c.outbox_dir = Some(out)).await;
    let content = content();
    let form = notified_form(&content);

    // No e-mail given: only the staff notice.
    let mut answers = good_answers(&form);
    let email_field = form
        .fields
        .iter()
        .find(|f| f.kind == FieldType::Email)
        .unwrap();
    if !email_field.required {
        answers.retain(|(k, _)| *k != email_field.name);
        answers.push(("idempotency_key".into(), "no-email-key-1".into()));
        let silent = submit(&svc, &form, &answers).await;
        let files = wait_for(dir.path(), 1).await;
        assert_eq!(files.len(), 1, "the staff notice only");
        let m = parse(&std::fs::read(&files[0]).unwrap());
        assert!(m.subject.contains(&silent));
        assert!(
            !m.to
                .iter()
                .any(|t| t.contains("example.org") && t.starts_with("Sara"))
        );
        let staff = svc.staff().await;
        staff
            .set_status(
                &forms::normalise::code(&silent).unwrap(),
                Status::UnderReview,
                None,
                None,
                "staff@example.org",
            )
            .await
            .unwrap();
    }
    std::fs::remove_dir_all(dir.path()).unwrap();

    // With an e-mail: receipt, then a notice of the change with the staff's message.
    let code = submit(&svc, &form, &good_answers(&form)).await;
    let _ = wait_for(dir.path(), 2).await;
    let staff = svc.staff().await;
    let message = "نحتاج إلى صورة من الهوية الوطنية";
    staff
        .set_status(
            &forms::normalise::code(&code).unwrap(),
            Status::NeedsInfo,
            Some(message),
            None,
            "staff@example.org",
        )
        .await
        .unwrap();
    // The staff command does not wake the service: its drain finds the item on its timer, or
    // this drain does; either way it is sent once.
    let db = form_fn::table::client(Some(&svc.endpoint)).await;
    let outbox = Outbox::new(db, &svc.table);
    let mailer = Mailer::new(&content, None).unwrap();
    outbox::drain(
        &outbox,
        &Files(dir.path().to_path_buf()),
        &mailer.from().unwrap(),
    )
    .await
    .unwrap();
    let files = wait_for(dir.path(), 3).await;
    let parsed: Vec<Parsed> = files
        .iter()
        .map(|f| parse(&std::fs::read(f).unwrap()))
        .collect();
    assert_eq!(
        parsed.len(),
        3,
        "receipt, staff notice, status notice: no more"
    );
    let notice = parsed
        .iter()
        .find(|m| m.subject.contains(Status::NeedsInfo.label(form.kind)))
        .expect("the status notice");
    assert_eq!(notice.to, ["Sara@example.org"]);
    assert!(notice.text.contains(message));
    assert!(notice.html.contains(message));
    assert!(notice.subject.contains(&code));
}

/// The address of moto's server when the tests run against one (tests/steps/20-form-fn-moto.sh).
fn moto() -> Option<String> {
    external_endpoint()
}

/// What moto's SES accepted: each raw message's text.
async fn moto_sent(endpoint: &str) -> Vec<String> {
    let data: Value = http()
        .get(format!("{endpoint}/moto-api/data.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    data["ses"]["RawMessage"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|m| m["raw_data"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_mail_service_failing_for_a_while_loses_none_and_duplicates_none() {
    let Some(endpoint) = moto() else {
        eprintln!("skipped: needs moto's SES (FORM_FN_TEST_ENDPOINT)");
        return;
    };
    // No local drain: the notifier's delivery is driven by hand here.
    let svc = start().await;
    let content = content();
    let mailer = Mailer::new(&content, None).unwrap();
    let from = mailer.from().unwrap();
    let domain = from.1.rsplit_once('@').unwrap().1.to_string();
    let ses = outbox::ses_client(Some(&endpoint)).await;
    ses.create_email_identity()
        .email_identity(&domain)
        .send()
        .await
        .expect("moto records the identity");
    let form = notified_form(&content);
    let mut codes = Vec::new();
    for i in 0..3 {
        let mut answers = good_answers(&form);
        answers.push(("idempotency_key".into(), format!("moto-ses-key-{i}")));
        codes.push(submit(&svc, &form, &answers).await);
    }
    let before = moto_sent(&endpoint).await.len();

    let db = form_fn::table::client(Some(&svc.endpoint)).await;
    let outbox = Outbox::new(db, &svc.table);
    let pending = outbox.pending(100).await.unwrap();
    assert_eq!(
        pending.len(),
        6,
        "a staff notice and a receipt per submission"
    );

    // The mail service cannot be reached: nothing is sent, nothing is lost.
    let down = Ses(outbox::ses_client(Some("http://127.0.0.1:9")).await);
    for _ in 0..2 {
        assert_eq!(outbox::drain(&outbox, &down, &from).await.unwrap(), 0);
    }
    assert_eq!(outbox.pending(100).await.unwrap().len(), 6);

    // It recovers: every e-mail is accepted once; later drains send nothing more.
    let up = Ses(ses);
    assert_eq!(outbox::drain(&outbox, &up, &from).await.unwrap(), 6);
    assert_eq!(outbox::drain(&outbox, &up, &from).await.unwrap(), 0);
    let sent = moto_sent(&endpoint).await;
    let ours: Vec<&String> = sent[before..].iter().collect();
    assert_eq!(ours.len(), 6, "six accepted, none twice");
    for code in &codes {
        let of_code: Vec<Parsed> = ours
            .iter()
            .map(|raw| parse(raw.as_bytes()))
            .filter(|m| m.subject.contains(code.as_str()))
            .collect();
        assert_eq!(of_code.len(), 2, "{code}");
        assert!(
            of_code
                .iter()
                .any(|m| m.subject == format!("{}: وصل جديد برمز {code}", form.title)),
            "the decoded subject is the Arabic one"
        );
    }
}

#[tokio::test]
async fn every_email_template_renders_for_every_form() {
    let content = content();
    let mailer = Mailer::new(&content, None).unwrap();
    for form in content.forms.values() {
        let values = forms::validate(form, &good_answers(form)).unwrap().values;
        let mails = mailer
            .new_submission(form, "K7M4Q9TX3HRP", "2025-10-20T08:00:00Z", None, &values)
            .unwrap();
        let expected = usize::from(form.notify.as_ref().is_some_and(|n| !n.staff.is_empty()))
            + usize::from(form.trackable && form.fields.iter().any(|f| f.kind == FieldType::Email));
        assert_eq!(mails.len(), expected, "{}", form.id);
        for m in &mails {
            assert!(!m.html.contains("href=\"/"), "every link names the site");
            assert!(
                !m.text.contains('<') && !m.text.contains("&#") && !m.text.contains("&quot;"),
                "the plain-text part is plain text:\n{}",
                m.text
            );
            assert!(!m.subject.contains('\n') && !m.subject.is_empty());
        }
        if std::env::var_os("SHOW_MAILS").is_some() {
            for m in &mails {
                eprintln!("{}\n{}\n{}", m.subject, m.text, m.html);
            }
        }
        mailer
            .status_change(form, "K7M4Q9TX3HRP", Status::Completed, Some("تم"), &values)
            .unwrap();
    }
    let row = form_fn::mail::DigestRow {
        form: "request".into(),
        form_title: "طلب".into(),
        new: 1,
        open: 2,
        overdue: 0,
    };
    let digest = mailer
        .digest("2025-10-20", std::slice::from_ref(&row))
        .unwrap()
        .unwrap();
    assert!(digest.html.contains(r#"dir="rtl""#));
    let empty = form_fn::mail::DigestRow {
        new: 0,
        open: 0,
        ..row
    };
    assert!(
        mailer.digest("2025-10-20", &[empty]).unwrap().is_none(),
        "nothing to say"
    );
}

#[tokio::test]
async fn the_digest_counts_cases_and_an_erasure_takes_the_emails_with_it() {
    let svc = start().await;
    let content = content();
    let staff = svc.staff().await;
    let mailer = staff.mailer();
    assert!(
        form_fn::digest::compose(&staff, mailer)
            .await
            .unwrap()
            .is_none(),
        "nothing to say: nothing sent"
    );

    let form = notified_form(&content);
    let code = submit(&svc, &form, &good_answers(&form)).await;
    let digest = form_fn::digest::compose(&staff, mailer)
        .await
        .unwrap()
        .expect("a case is new and open");
    let n = content.site.notifications.as_ref().unwrap();
    assert_eq!(digest.to, n.digest_addresses());
    assert!(digest.text.contains(&form.title));
    assert!(!digest.text.contains(&code), "counts, not cases");

    // An erasure deletes the e-mails recorded for the submission (addresses, texts).
    let bare = forms::normalise::code(&code).unwrap();
    let out_pk = outbox::pk(&bare);
    let count = || async {
        svc.db
            .query()
            .table_name(&svc.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(
                ":pk",
                aws_sdk_dynamodb::types::AttributeValue::S(out_pk.clone()),
            )
            .send()
            .await
            .unwrap()
            .count()
    };
    assert_eq!(count().await, 2);
    staff
        .erase(
            std::slice::from_ref(&bare),
            form_fn::staff::person::Reason::Request,
            "tests",
        )
        .await
        .unwrap();
    assert_eq!(count().await, 0);
}

/// A DynamoDB stream event (new images) with one record per outbox item, as Lambda sends it.
fn stream_event(entries: &[form_fn::outbox::Entry]) -> Value {
    let records: Vec<Value> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            serde_json::json!({
                "eventID": format!("ev{i}"),
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": "me-south-1",
                "eventSourceARN": "arn:aws:dynamodb:me-south-1:123456789012:table/forms/stream/2026-01-01T00:00:00.000",
                "dynamodb": {
                    "ApproximateCreationDateTime": 1_764_547_200,
                    "Keys": { "pk": { "S": e.pk }, "sk": { "S": e.sk } },
                    "NewImage": { "pk": { "S": e.pk }, "sk": { "S": e.sk }, "state": { "S": "pending" } },
                    "SequenceNumber": format!("{}", 1000 + i),
                    "SizeBytes": 100,
                    "StreamViewType": "NEW_IMAGE"
                }
            })
        })
        .collect();
    serde_json::json!({ "Records": records })
}

#[tokio::test]
async fn the_notifier_binary_under_lambda_reports_the_records_to_retry_then_sends_them() {
    let svc = start().await;
    let content = content();
    let form = notified_form(&content);
    submit(&svc, &form, &good_answers(&form)).await;
    let db = form_fn::table::client(Some(&svc.endpoint)).await;
    let outbox = Outbox::new(db, &svc.table);
    let pending = outbox.pending(100).await.unwrap();
    assert_eq!(pending.len(), 2);

    let run = |ses: String| {
        let (endpoint, table) = (svc.endpoint.clone(), svc.table.clone());
        async move {
            let runtime = common::runtime::LambdaRuntime::start().await;
            let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_form-fn-notifier"))
                .env_clear()
                .env("AWS_LAMBDA_RUNTIME_API", runtime.addr.to_string())
                .env("AWS_LAMBDA_FUNCTION_NAME", "notifier")
                .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
                .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
                .env("AWS_REGION", "me-south-1")
                .env("AWS_ENDPOINT_URL_DYNAMODB", &endpoint)
                .env("AWS_ENDPOINT_URL_SESV2", &ses)
                .env("TABLE_NAME", &table)
                .kill_on_drop(true)
                .spawn()
                .expect("the notifier starts");
            (runtime, child)
        }
    };

    // The mail service is down: the first record is reported for retry (and so every one after
    // it, which Lambda sends again), and nothing is marked sent.
    let (runtime, child) = run("http://127.0.0.1:9".to_string()).await;
    let answer = runtime
        .invoke("stream-1".into(), stream_event(&pending))
        .await;
    assert_eq!(
        answer["batchItemFailures"][0]["itemIdentifier"], "1000",
        "{answer}"
    );
    assert_eq!(outbox.pending(100).await.unwrap().len(), 2);
    drop(child);

    // With moto's SES, the same records are sent, once.
    let Some(endpoint) = moto() else {
        eprintln!("the sending half needs moto's SES (FORM_FN_TEST_ENDPOINT)");
        return;
    };
    let ses = outbox::ses_client(Some(&endpoint)).await;
    let from = Mailer::new(&content, None).unwrap().from().unwrap();
    let domain = from.1.rsplit_once('@').unwrap().1.to_string();
    ses.create_email_identity()
        .email_identity(&domain)
        .send()
        .await
        .unwrap();
    let before = moto_sent(&endpoint).await.len();
    let (runtime, _child) = run(endpoint.clone()).await;
    for id in ["stream-2", "stream-3"] {
        let answer = runtime.invoke(id.into(), stream_event(&pending)).await;
        assert_eq!(
            answer["batchItemFailures"],
            serde_json::json!([]),
            "{answer}"
        );
    }
    assert!(outbox.pending(100).await.unwrap().is_empty());
    assert_eq!(
        moto_sent(&endpoint).await.len() - before,
        2,
        "the same records twice: each e-mail sent once"
    );
}

#[tokio::test]
async fn closing_a_case_invites_to_the_survey_and_an_open_status_does_not() {
    let content = content();
    let mailer = Mailer::new(&content, Some("https://example.org")).unwrap();
    let survey = content
        .forms
        .values()
        .find(|f| f.kind == forms::FormKind::Survey)
        .expect("the embedded site has a survey");
    let link = format!("https://example.org/forms/{}/", survey.id);
    let form = content
        .forms
        .values()
        .find(|f| f.trackable && f.fields.iter().any(|f| f.kind == FieldType::Email))
        .expect("a trackable form with an e-mail field");
    let values = forms::validate(form, &good_answers(form)).unwrap().values;
    for (status, invited) in [
        (Status::Completed, true),
        (Status::Declined, true),
        (Status::UnderReview, false),
    ] {
        let mail = mailer
            .status_change(form, "K7M4Q9TX3HRP", status, None, &values)
            .unwrap()
            .expect("the beneficiary gave an e-mail address");
        assert_eq!(
            mail.html.contains(&format!("href=\"{link}\"")),
            invited,
            "{status:?}"
        );
        assert_eq!(mail.text.contains(&link), invited, "{status:?}");
    }
}

#[tokio::test]
async fn a_broken_email_template_loses_no_submission_and_records_no_email() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_path_buf();
    let mut content = content();
    let form = notified_form(&content);
    let (_, text) = content
        .templates
        .iter_mut()
        .find(|(n, _)| n == "email/staff.txt")
        .expect("the site has the staff notice's template");
    *text = "{{ form.title ".to_string();
    let svc = start_configured(None, Some(content), |c| c.outbox_dir = Some(out)).await;

    let code = submit(&svc, &form, &good_answers(&form)).await;
    assert!(!code.is_empty(), "the beneficiary gets the tracking code");
    assert_eq!(svc.submissions().await.len(), 1, "the submission is stored");
    let db = form_fn::table::client(Some(&svc.endpoint)).await;
    let outbox = Outbox::new(db, &svc.table);
    assert!(
        outbox.pending(100).await.unwrap().is_empty(),
        "no e-mail is recorded from templates that do not load"
    );
    // Nothing pending, so the local drain writes nothing.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(emls(dir.path()).is_empty());
}
