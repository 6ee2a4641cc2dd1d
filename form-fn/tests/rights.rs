//! A person's rights served by staff, against the embedded store (or `FORM_FN_TEST_ENDPOINT`):
//! finding every record of a person by phone, e-mail or ID number in any writing, exporting them,
//! correcting a value (checked, versioned, recorded without values), erasing them without a trace
//! of personal data, and retention.

mod common;

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use common::*;
use form_fn::lookup::{Identifier, Kind};
use form_fn::staff::person::{CorrectError, Reason};
use forms::{FieldType, FormDef};
use serde_json::{Value, json};

/// The other person's identifiers: none shares a character sequence with the first person's.
const OTHER_PHONE_TYPED: &str = "0551234567";
const OTHER_ID: &str = "2000000006";
const OTHER_EMAIL: &str = "huda@example.net";
const OTHER_NAME: &str = "هدى القحطاني";

/// The trackable form that asks for the most identifiers (phone, e-mail, ID number).
fn person_form(content: &form_fn::content::Content) -> FormDef {
    let kinds = |f: &FormDef| {
        f.fields
            .iter()
            .filter(|x| Kind::of(x.kind).is_some())
            .count()
    };
    content
        .forms
        .values()
        .filter(|f| f.trackable)
        .max_by_key(|f| kinds(f))
        .cloned()
        .unwrap_or_else(|| trackable(content))
}

/// The good answers with a key of their own, so that each is a new submission.
fn answers(form: &FormDef, key: &str) -> Vec<(String, String)> {
    let mut a = good_answers(form);
    a.push(("idempotency_key".into(), format!("rights-test-{key}")));
    a
}

/// Another person's answers.
fn other_person(form: &FormDef) -> Vec<(String, String)> {
    let mut a = answers(form, "other-person");
    for (name, value) in a.iter_mut() {
        match form.field(name).map(|f| f.kind) {
            Some(FieldType::Phone) => *value = OTHER_PHONE_TYPED.into(),
            Some(FieldType::NationalId) => *value = OTHER_ID.into(),
            Some(FieldType::Email) => *value = OTHER_EMAIL.into(),
            Some(FieldType::Text) => *value = OTHER_NAME.into(),
            _ => {}
        }
    }
    a
}

/// The bare code of a stored submission.
async fn submit_bare(svc: &Service, form: &FormDef, answers: &[(String, String)]) -> String {
    forms::normalise::code(&submit(svc, form, answers).await).unwrap()
}

/// Runs the built `form-fn-admin` against the test's store and table, with `stdin` as its input.
async fn admin(svc: &Service, args: &[&str], stdin: &str) -> std::process::Output {
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_form-fn-admin"))
        .args(["--endpoint", &svc.endpoint, "--table", &svc.table])
        .args(args)
        .env_remove("AWS_ENDPOINT_URL_DYNAMODB")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("form-fn-admin runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    child.wait_with_output().await.unwrap()
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every item of the table (a scan, for tests only).
async fn all_items(svc: &Service) -> Vec<HashMap<String, AttributeValue>> {
    let mut out = Vec::new();
    let mut start = None;
    loop {
        let page = svc
            .db
            .scan()
            .table_name(&svc.table)
            .consistent_read(true)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .unwrap();
        out.extend(page.items().iter().cloned());
        match page.last_evaluated_key() {
            Some(k) if !k.is_empty() => start = Some(k.clone()),
            _ => break,
        }
    }
    out
}

fn pk(item: &HashMap<String, AttributeValue>) -> &str {
    item["pk"].as_s().unwrap()
}

fn codes(records: &[form_fn::record::Record]) -> Vec<String> {
    records.iter().map(|r| r.code.clone()).collect()
}

fn id(kind: Kind, text: &str) -> Identifier {
    Identifier::parse(kind, text).unwrap()
}

#[tokio::test]
async fn a_person_is_found_by_phone_email_or_id_in_any_writing() {
    let svc = start().await;
    let content = content();
    let form = person_form(&content);
    let first = submit_bare(&svc, &form, &answers(&form, "first")).await;
    let second = submit_bare(&svc, &form, &answers(&form, "second")).await;
    let other = submit_bare(&svc, &form, &other_person(&form)).await;
    let staff = svc.staff().await;

    let mut mine = vec![first.clone(), second.clone()];
    mine.sort();
    for phone in [
        "0501234567",
        "+966 50 123 4567",
        "٠٥٠١٢٣٤٥٦٧",
        "00966501234567",
    ] {
        let found = staff.find_person(&id(Kind::Phone, phone)).await.unwrap();
        assert!(!found.scanned, "a new table has lookup keys for all");
        let mut got = codes(&found.records);
        got.sort();
        assert_eq!(got, mine, "{phone}");
    }
    if form.fields.iter().any(|f| f.kind == FieldType::Email) {
        let found = staff
            .find_person(&id(Kind::Email, "SARA@example.ORG"))
            .await
            .unwrap();
        assert_eq!(found.records.len(), 2);
    }
    if form.fields.iter().any(|f| f.kind == FieldType::NationalId) {
        let found = staff
            .find_person(&id(Kind::NationalId, "١ ٠٠٠ ٠٠٠ ٠٠٨"))
            .await
            .unwrap();
        assert_eq!(found.records.len(), 2);
        let found = staff
            .find_person(&id(Kind::NationalId, OTHER_ID))
            .await
            .unwrap();
        assert_eq!(codes(&found.records), std::slice::from_ref(&other));
    }
    let nobody = staff
        .find_person(&id(Kind::Phone, "0561234567"))
        .await
        .unwrap();
    assert!(nobody.records.is_empty());

    // The command, as staff type it.
    let out = ok(&admin(&svc, &["person", "find", "--phone", "050 123 4567"], "").await);
    assert!(out.contains(&forms::normalise::display_code(&first)));
    assert!(out.contains(&forms::normalise::display_code(&second)));
    assert!(!out.contains(&forms::normalise::display_code(&other)));
    let bad = admin(&svc, &["person", "find", "--phone", "12"], "").await;
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("0501234567"));

    // The table's keys show no identifier in clear.
    for item in all_items(&svc).await {
        let key = format!("{} {}", pk(&item), item["sk"].as_s().unwrap());
        assert!(
            !key.contains("501234567") && !key.contains("1000000008"),
            "{key}"
        );
    }
}

#[tokio::test]
async fn records_stored_before_lookup_keys_are_found_and_then_indexed() {
    let svc = start().await;
    let content = content();
    let form = person_form(&content);
    let code = submit_bare(&svc, &form, &answers(&form, "old")).await;
    // The table as it was before lookup keys: none, and no mark that all have them.
    for item in all_items(&svc).await {
        let p = pk(&item);
        if p.starts_with("WHO#") || p.starts_with("META#") {
            svc.db
                .delete_item()
                .table_name(&svc.table)
                .key("pk", item["pk"].clone())
                .key("sk", item["sk"].clone())
                .send()
                .await
                .unwrap();
        }
    }
    let staff = svc.staff().await;
    let phone = id(Kind::Phone, PHONE);
    let found = staff.find_person(&phone).await.unwrap();
    assert!(
        found.scanned,
        "without lookup keys the submissions are scanned"
    );
    assert_eq!(codes(&found.records), std::slice::from_ref(&code));

    let out = admin(&svc, &["person", "index"], "").await;
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 submission"));
    let found = staff.find_person(&phone).await.unwrap();
    assert!(!found.scanned, "indexed: one query, no scan");
    assert_eq!(codes(&found.records), [code]);
    let keys = all_items(&svc)
        .await
        .into_iter()
        .filter(|i| pk(i).starts_with("WHO#"))
        .count();
    assert!(keys >= 1, "the lookup keys were written");
}

#[tokio::test]
async fn a_persons_export_holds_all_their_records_and_only_theirs() {
    let svc = start().await;
    let content = content();
    let form = person_form(&content);
    let first = submit_bare(&svc, &form, &answers(&form, "first")).await;
    let second = submit_bare(&svc, &form, &answers(&form, "second")).await;
    submit_bare(&svc, &form, &other_person(&form)).await;
    let text = field_of(&form, FieldType::Text);

    let out = ok(&admin(
        &svc,
        &["person", "export", "--phone", PHONE, "--format", "json"],
        "",
    )
    .await);
    let list: Value = serde_json::from_str(&out).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let mut got: Vec<String> = list
        .iter()
        .map(|r| forms::normalise::code(r["code"].as_str().unwrap()).unwrap())
        .collect();
    got.sort();
    let mut mine = vec![first, second];
    mine.sort();
    assert_eq!(got, mine);
    for r in list {
        assert_eq!(r["values"][&text.name], "سارة العتيبي");
        assert_eq!(r["form"], form.id.as_str());
    }
    assert!(!out.contains(OTHER_NAME));

    let out = admin(
        &svc,
        &["person", "export", "--phone", PHONE, "--format", "csv"],
        "",
    )
    .await;
    ok(&out);
    assert!(
        out.stdout.starts_with(&[0xEF, 0xBB, 0xBF]),
        "a BOM for Excel"
    );
    let csv = String::from_utf8(out.stdout[3..].to_vec()).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "a header and two rows: {csv}");
    assert!(lines[0].contains(&format!("\"{}\"", text.label)));
    assert!(lines[1].contains("\"'+966501234567\""), "{}", lines[1]);
    assert!(!csv.contains(OTHER_NAME));
}

#[tokio::test]
async fn a_correction_is_checked_versioned_and_recorded_without_values() {
    let svc = start().await;
    let content = content();
    let form = person_form(&content);
    let phone = field_of(&form, FieldType::Phone);
    let code = submit_bare(&svc, &form, &answers(&form, "correct")).await;
    let staff = svc.staff().await;

    // A value the field's rules refuse: the definition's Arabic message, nothing changed.
    match staff
        .correct(&code, &phone.name, &["05012"], None, "نورة")
        .await
    {
        Err(CorrectError::Invalid(e)) => {
            assert_eq!(e.field, phone.name);
            assert_eq!(e.message, phone.msg_invalid());
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let text = field_of(&form, FieldType::Text);
    if text.required {
        assert!(matches!(
            staff.correct(&code, &text.name, &[], None, "نورة").await,
            Err(CorrectError::Invalid(_))
        ));
    }
    assert!(
        staff
            .correct(&code, "nickname", &["x"], None, "نورة")
            .await
            .is_err()
    );
    assert_eq!(staff.show(&code).await.unwrap().version, 0);

    // A good value, as typed: normalised, the version goes up, the change is recorded.
    let r = staff
        .correct(&code, &phone.name, &["٠٥٥ ٩٩٩ ٨٨٧٧"], Some(0), "نورة")
        .await
        .unwrap();
    assert_eq!(
        r.values[&phone.name],
        forms::Value::One("+966559998877".into())
    );
    assert_eq!(r.version, 1);
    assert_eq!(r.corrections.len(), 1);
    assert_eq!(r.corrections[0].field, phone.name);
    assert_eq!(r.corrections[0].by, "نورة");

    // The record as stored keeps no trace of the old number, and the change record no value.
    let item = svc
        .submissions()
        .await
        .into_iter()
        .find(|i| pk(i).ends_with(&code))
        .unwrap();
    let stored = format!("{item:?}");
    assert!(!stored.contains("501234567"), "{stored}");
    let change = format!("{:?}", item["corrections"]);
    assert!(!change.contains("559998877"), "{change}");

    // The person is found by the new number, not the old; the follow-up takes the new one.
    assert!(
        staff
            .find_person(&id(Kind::Phone, PHONE))
            .await
            .unwrap()
            .records
            .is_empty()
    );
    assert_eq!(
        codes(
            &staff
                .find_person(&id(Kind::Phone, "0559998877"))
                .await
                .unwrap()
                .records
        ),
        std::slice::from_ref(&code)
    );
    if phone.contact {
        let r = http()
            .post(svc.url("/api/track"))
            .header("accept", "application/json")
            .json(&json!({"code": code, "contact": "0559998877"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }

    // A correction made on what was read before another change is refused.
    match staff
        .correct(&code, &phone.name, &["0501234567"], Some(0), "سعد")
        .await
    {
        Err(CorrectError::Stale { read: 0, now: 1 }) => {}
        other => panic!("expected a stale refusal, got {other:?}"),
    }
    let out = admin(
        &svc,
        &[
            "--by",
            "سعد",
            "correct",
            &code,
            &phone.name,
            "0501234567",
            "--version",
            "0",
        ],
        "",
    )
    .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("changed"));
    // A status change is a change too.
    staff
        .set_status(&code, forms::Status::UnderReview, None, None, "سعد")
        .await
        .unwrap();
    assert!(matches!(
        staff
            .correct(&code, &phone.name, &["0501234567"], Some(1), "سعد")
            .await,
        Err(CorrectError::Stale { read: 1, now: 2 })
    ));
    let out = ok(&admin(
        &svc,
        &["--by", "سعد", "correct", &code, &phone.name, "0501234567"],
        "",
    )
    .await);
    assert!(out.contains("version 3"), "{out}");
}

#[tokio::test]
async fn erasure_leaves_no_personal_data_only_an_erasure_record() {
    let svc = start().await;
    let content = content();
    let form = person_form(&content);
    let first = submit_bare(&svc, &form, &answers(&form, "first")).await;
    let second = submit_bare(&svc, &form, &answers(&form, "second")).await;
    let other = submit_bare(&svc, &form, &other_person(&form)).await;

    let has_id = form.fields.iter().any(|f| f.kind == FieldType::NationalId);
    let (by_flag, by_value) = if has_id {
        ("--id", "1000000008")
    } else {
        ("--phone", "0501234567")
    };

    // Not confirmed: nothing is erased.
    let out = admin(
        &svc,
        &["--by", "سعيد", "person", "erase", "--phone", PHONE],
        "no\n",
    )
    .await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was erased"));
    assert_eq!(svc.submissions().await.len(), 3);

    let out = ok(&admin(
        &svc,
        &[
            "--by",
            "سعيد",
            "person",
            "erase",
            by_flag,
            by_value,
            "--reason",
            "consent-withdrawn",
            "--yes",
        ],
        "",
    )
    .await);
    assert!(
        out.contains(&forms::normalise::display_code(&first)),
        "{out}"
    );

    let items = all_items(&svc).await;
    // What belongs to the other person is untouched.
    let subs: Vec<String> = items
        .iter()
        .filter(|i| pk(i).starts_with("SUB#"))
        .map(|i| pk(i)["SUB#".len()..].to_string())
        .collect();
    assert_eq!(subs, std::slice::from_ref(&other));
    assert_eq!(
        items.iter().filter(|i| pk(i).starts_with("IDEM#")).count(),
        1,
        "the erased records' idempotency keys are gone"
    );
    // No item holds the erased person's name, phone, ID or e-mail, or a key derived from them.
    let person_keys: Vec<String> = [
        id(Kind::Phone, PHONE),
        id(Kind::NationalId, "1000000008"),
        id(Kind::Email, "sara@example.org"),
    ]
    .iter()
    .map(Identifier::pk)
    .collect();
    for item in &items {
        let text = format!("{item:?}").to_lowercase();
        for secret in [
            "سارة",
            "العتيبي",
            "501234567",
            "1000000008",
            "sara@example.org",
        ] {
            assert!(!text.contains(secret), "{secret} left in {text}");
        }
        for k in &person_keys {
            assert!(
                !text.contains(&k.to_lowercase()),
                "a lookup key left: {text}"
            );
        }
    }
    // One erasure record per record erased: what, when, who, why.
    let mut audits: Vec<&HashMap<String, AttributeValue>> = items
        .iter()
        .filter(|i| pk(i).starts_with("AUDIT#"))
        .collect();
    audits.sort_by_key(|i| i["code"].as_s().unwrap().clone());
    let mut erased = vec![first.clone(), second.clone()];
    erased.sort();
    assert_eq!(
        audits
            .iter()
            .map(|i| i["code"].as_s().unwrap().clone())
            .collect::<Vec<_>>(),
        erased
    );
    for a in &audits {
        assert_eq!(a["form"].as_s().unwrap(), &form.id);
        assert_eq!(a["by"].as_s().unwrap(), "سعيد");
        assert_eq!(
            a["reason"].as_s().unwrap(),
            Reason::ConsentWithdrawn.as_str()
        );
        assert!(a["at"].as_s().is_ok());
        let expires: u64 = a["expires_at"].as_n().unwrap().parse().unwrap();
        let now = form_fn::clock::now_epoch();
        let keep = u64::from(form.retention_days) * 86_400;
        assert!(
            expires > now + keep - 60 && expires <= now + keep,
            "kept per the form"
        );
    }

    // The follow-up of an erased record finds nothing; erasing again is nothing to do.
    let r = http()
        .post(svc.url("/api/track"))
        .header("accept", "application/json")
        .json(&json!({"code": first, "contact": PHONE_TYPED}))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 200);
    let staff = svc.staff().await;
    assert!(
        staff
            .erase(&[first], Reason::Request, "سعيد")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        staff
            .find_person(&id(Kind::Phone, PHONE))
            .await
            .unwrap()
            .records
            .is_empty()
    );
}

#[tokio::test]
async fn records_expire_after_their_forms_retention() {
    let svc = start().await;
    let content = content();
    let form = person_form(&content);
    let code = submit_bare(&svc, &form, &answers(&form, "kept")).await;
    let now = form_fn::clock::now_epoch();
    let keep = u64::from(form.retention_days) * 86_400;
    let items = all_items(&svc).await;
    let expiry = |i: &HashMap<String, AttributeValue>| -> u64 {
        i["expires_at"].as_n().unwrap().parse().unwrap()
    };
    let sub = items.iter().find(|i| pk(i).starts_with("SUB#")).unwrap();
    assert!(
        expiry(sub) > now + keep - 60 && expiry(sub) <= now + keep + 1,
        "the TTL attribute is the form's retention"
    );
    let lookups: Vec<_> = items.iter().filter(|i| pk(i).starts_with("WHO#")).collect();
    assert!(!lookups.is_empty());
    assert!(lookups.iter().all(|i| expiry(i) == expiry(sub)));
    let ttl = svc
        .db
        .describe_time_to_live()
        .table_name(&svc.table)
        .send()
        .await
        .unwrap();
    assert_eq!(
        ttl.time_to_live_description()
            .and_then(|d| d.attribute_name()),
        Some("expires_at")
    );

    // Its time comes (as if years had passed): staff no longer see it, and purging deletes it
    // with its lookup keys, while a record still within its retention stays.
    let kept = submit_bare(&svc, &form, &other_person(&form)).await;
    let past = AttributeValue::N((now - 10).to_string());
    for i in all_items(&svc)
        .await
        .iter()
        .filter(|i| i["sk"].as_s().unwrap().ends_with(&code) || pk(i).ends_with(&code))
    {
        svc.db
            .update_item()
            .table_name(&svc.table)
            .key("pk", i["pk"].clone())
            .key("sk", i["sk"].clone())
            .update_expression("SET expires_at = :past")
            .expression_attribute_values(":past", past.clone())
            .send()
            .await
            .unwrap();
    }
    let staff = svc.staff().await;
    assert!(staff.show(&code).await.is_err());
    assert!(
        staff
            .find_person(&id(Kind::Phone, PHONE))
            .await
            .unwrap()
            .records
            .is_empty()
    );
    let listed = staff
        .list(&form_fn::staff::Filter::default())
        .await
        .unwrap();
    assert_eq!(codes(&listed), std::slice::from_ref(&kept));

    let out = ok(&admin(&svc, &["purge-expired"], "").await);
    let _ = out;
    let left = all_items(&svc).await;
    assert!(
        !left
            .iter()
            .any(|i| pk(i).ends_with(&code) || i["sk"].as_s().unwrap().ends_with(&code)),
        "the expired record and its lookup keys are gone"
    );
    assert!(left.iter().any(|i| pk(i).ends_with(&kept)));
}
