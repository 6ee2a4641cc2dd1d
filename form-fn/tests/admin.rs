//! The staff command against the embedded store (or `FORM_FN_TEST_ENDPOINT`): listing, a status
//! change seen on follow-up, and the exports.

mod common;

use common::*;
use form_fn::staff::Filter;
use forms::Status;
use serde_json::{Value, json};

#[tokio::test]
async fn staff_list_change_a_status_and_the_beneficiary_sees_it() {
    let svc = start().await;
    let content = content();
    let form = trackable(&content);
    let first = submit(&svc, &form, &good_answers(&form)).await;
    let mut other = good_answers(&form);
    other.push(("idempotency_key".into(), "second-submission-key".into()));
    let second = submit(&svc, &form, &other).await;

    let staff = svc.staff().await;
    let all = staff
        .list(&Filter {
            form: Some(form.id.clone()),
            ..Filter::default()
        })
        .await
        .unwrap();
    let codes: Vec<String> = all
        .iter()
        .map(|r| forms::normalise::display_code(&r.code))
        .collect();
    assert_eq!(codes.len(), 2);
    assert!(codes.contains(&first) && codes.contains(&second));

    // The binary, as staff run it.
    let out = admin(
        &svc,
        &[
            "set-status",
            &first.to_lowercase(),
            "needs_info",
            "--message",
            "نرجو إرسال صورة من الهوية الوطنية",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("needs_info"));

    let open_needing_info = staff
        .list(&Filter {
            form: Some(form.id.clone()),
            statuses: vec![Status::NeedsInfo],
            since: None,
            until: None,
        })
        .await
        .unwrap();
    assert_eq!(open_needing_info.len(), 1);
    let received = staff
        .list(&Filter {
            statuses: vec![Status::Received],
            ..Filter::default()
        })
        .await
        .unwrap();
    assert_eq!(received.len(), 1, "the index follows the status change");

    let r = http()
        .post(svc.url("/api/track"))
        .header("accept", "application/json")
        .json(&json!({"code": first, "contact": PHONE_TYPED}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let seen: Value = r.json().await.unwrap();
    assert_eq!(seen["status"], "needs_info");
    assert_eq!(seen["status_label"], Status::NeedsInfo.label(form.kind));
    assert_eq!(seen["message"], "نرجو إرسال صورة من الهوية الوطنية");
    let history: Vec<&str> = seen["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status_label"].as_str().unwrap())
        .collect();
    assert_eq!(
        history,
        [
            Status::Received.label(form.kind),
            Status::NeedsInfo.label(form.kind)
        ]
    );

    // A status change without a message keeps the message shown; an empty one removes it.
    let bare = forms::normalise::code(&first).unwrap();
    let shown = staff
        .set_status(&bare, Status::UnderReview, None, Some(1), "سعد")
        .await
        .unwrap();
    assert_eq!(shown.status, Status::UnderReview);
    assert_eq!(
        shown.message.as_deref(),
        Some("نرجو إرسال صورة من الهوية الوطنية")
    );
    assert_eq!(shown.history.last().unwrap().by.as_deref(), Some("سعد"));
    // A change made on a stale view (version 1 read, the case is now at 2) changes nothing.
    let stale = staff
        .set_status(&bare, Status::Declined, Some("x"), Some(1), "هند")
        .await;
    assert!(
        matches!(
            stale,
            Err(form_fn::staff::ActionError::Stale { seen: 1, now: 2 })
        ),
        "{stale:?}"
    );
    let shown = staff
        .set_status(&bare, Status::Completed, Some(""), Some(2), "سعد")
        .await
        .unwrap();
    assert_eq!(shown.status, Status::Completed);
    assert_eq!(shown.message, None);
    assert_eq!(shown.history.len(), 4);
    // The command refuses a stale version too, and says so.
    let out = admin(
        &svc,
        &["set-status", &first, "needs_info", "--version", "1"],
    )
    .await;
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("changed since"), "{said}");
    assert_eq!(staff.show(&bare).await.unwrap().status, Status::Completed);

    // Feedback is never "accepted": the status is refused, naming those that fit.
    let feedback = content
        .forms
        .values()
        .find(|f| f.kind == forms::FormKind::Feedback)
        .expect("the content has a feedback form");
    let code = submit(&svc, feedback, &good_answers(feedback)).await;
    let err = form_fn::staff::StaffError::from(
        staff
            .set_status(
                &forms::normalise::code(&code).unwrap(),
                Status::Accepted,
                None,
                None,
                "سعد",
            )
            .await
            .unwrap_err(),
    );
    assert!(
        err.0.contains("accepted") && err.0.contains("completed"),
        "{}",
        err.0
    );
    let done = staff
        .set_status(
            &forms::normalise::code(&code).unwrap(),
            Status::Completed,
            None,
            None,
            "سعد",
        )
        .await
        .unwrap();
    let r = http()
        .post(svc.url("/api/track"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("code".to_string(), code.clone()),
            ("contact".to_string(), PHONE_TYPED.to_string()),
        ]))
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    assert!(page.contains("حالة الرسالة"), "{page}");
    assert!(page.contains("تمت معالجتها"), "{page}");
    assert!(
        !page.contains("مكتمل") && !page.contains("حالة الطلب"),
        "{page}"
    );
    assert_eq!(done.status, Status::Completed);

    // Unknown codes and statuses are told plainly.
    let out = admin(&svc, &["set-status", "K7M4-Q9TX-3HRP", "accepted"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("K7M4-Q9TX-3HRP"));
}

#[tokio::test]
async fn the_csv_export_keeps_arabic_and_neutralises_formulas() {
    let svc = start().await;
    let content = content();
    let form = trackable(&content);
    let text = form
        .fields
        .iter()
        .find(|f| f.kind == forms::FieldType::Text)
        .unwrap();
    let area = form
        .fields
        .iter()
        .find(|f| f.kind == forms::FieldType::Textarea)
        .unwrap();
    let formula = "=HYPERLINK(\"http://evil.example\",\"انقر هنا للمزيد من التفاصيل\")";
    let mut answers = good_answers(&form);
    for a in answers.iter_mut() {
        if a.0 == text.name {
            a.1 = "@سارة".to_string();
        } else if a.0 == area.name {
            a.1 = formula.to_string();
        }
    }
    let code = submit(&svc, &form, &answers).await;

    let out = admin(&svc, &["export", "--format", "csv", "--form", &form.id]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = out.stdout;
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 with a BOM, for Excel"
    );
    let csv = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[0].contains(&format!("\"{}\"", text.label)),
        "the header has the Arabic labels: {}",
        lines[0]
    );
    let row = lines[1];
    assert!(row.contains(&format!("\"{code}\"")));
    assert!(
        row.contains(
            "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"انقر هنا للمزيد من التفاصيل\"\")\""
        ),
        "{row}"
    );
    assert!(row.contains("\"'@سارة\""), "{row}");
    assert!(
        row.contains("\"'+966501234567\""),
        "a phone number is not read as a number: {row}"
    );
    assert!(row.contains(Status::Received.label(form.kind)));
    assert!(!row.contains(",\"=") && !row.contains(",\"+") && !row.contains(",\"@"));

    let out = admin(&svc, &["export", "--format", "json", "--form", &form.id]).await;
    assert!(out.status.success());
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["code"], code.as_str());
    assert_eq!(list[0]["values"][&area.name], formula);
    assert_eq!(list[0]["status_label"], Status::Received.label(form.kind));

    let out = admin(&svc, &["list"]).await;
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(&code));
}
