//! The form definitions of both sites of the workspace (`content/` and `examples/qana/content/`),
//! held to what their pages tell people: every example ID or phone number shown passes the check
//! the form applies, every phone and e-mail of a trackable form can be used to follow it up, and
//! every field of personal data says why it is asked.

use std::path::{Path, PathBuf};

use forms::{FieldType, FormDef, digits, normalise};

/// Every form definition of both sites, with its file, plus the follow-up form.
fn definitions() -> Vec<(String, FormDef)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    for site in ["content", "examples/qana/content"] {
        let dir: PathBuf = root.join(site).join("forms");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        for path in files {
            let id = path.file_stem().unwrap().to_str().unwrap().to_string();
            let name = format!("{site}/forms/{id}.yaml");
            let text = std::fs::read_to_string(&path).unwrap();
            let form = FormDef::from_yaml(&id, &name, &text).unwrap_or_else(|errs| {
                panic!(
                    "{}",
                    errs.iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join("\n")
                )
            });
            out.push((name, form));
        }
    }
    assert!(out.len() >= 6, "both sites' forms are read: {}", out.len());
    out.push(("the follow-up form".to_string(), FormDef::track()));
    out
}

/// Every text of a form that a person reads: descriptions, labels, hints, options and each rule's
/// message (the definition's, or the default one made for it).
fn texts(form: &FormDef) -> Vec<String> {
    let mut out: Vec<String> = [&form.description, &form.next_steps]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    for f in &form.fields {
        out.push(f.label.clone());
        out.extend(f.hint.clone());
        out.extend([
            f.msg_required(),
            f.msg_too_short(),
            f.msg_too_long(),
            f.msg_invalid(),
        ]);
        for o in &f.options {
            out.push(o.label.clone());
            out.extend(o.hint.clone());
        }
    }
    out
}

/// The numbers written in `text` (a run of digits, in any digits, with a leading `+` kept).
fn numbers(text: &str) -> Vec<String> {
    let ascii = digits::to_ascii(text);
    let mut out = Vec::new();
    let mut current = String::new();
    for c in ascii.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '+' && current.is_empty()) {
            current.push(c);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    out
}

#[test]
fn every_example_id_and_phone_number_passes_the_forms_own_check() {
    let mut ids = 0;
    let mut phones = 0;
    for (file, form) in definitions() {
        for text in texts(&form) {
            for n in numbers(&text) {
                let is_id = n.len() == 10 && (n.starts_with('1') || n.starts_with('2'));
                let is_phone =
                    n.starts_with("05") || n.starts_with("+966") || n.starts_with("00966");
                if is_id {
                    ids += 1;
                    assert_eq!(
                        normalise::national_id(&n).as_deref(),
                        Some(n.as_str()),
                        "{file}: the example ID {n} in «{text}» fails the check digit"
                    );
                }
                if is_phone {
                    phones += 1;
                    assert!(
                        normalise::phone(&n).is_some(),
                        "{file}: the example phone {n} in «{text}» is not a valid number"
                    );
                }
            }
        }
    }
    assert!(
        ids > 0 && phones > 0,
        "examples were found: {ids} IDs, {phones} phones"
    );
}

#[test]
fn the_number_scan_reads_every_digit_system() {
    assert_eq!(
        numbers("مثل ٠٥٠١٢٣٤٥٦٧ أو +966501234567"),
        ["0501234567", "+966501234567"]
    );
    assert_eq!(numbers("مثل 1012345678،"), ["1012345678"]);
    assert!(
        normalise::national_id("1012345678").is_none(),
        "the old example failed"
    );
}

#[test]
fn every_phone_and_email_of_a_trackable_form_works_for_follow_up() {
    // The follow-up and confirmation pages ask for «رقم الجوال أو البريد الإلكتروني» given with
    // the request: each must find it.
    for (file, form) in definitions() {
        if !form.trackable {
            continue;
        }
        for f in &form.fields {
            if matches!(f.kind, FieldType::Phone | FieldType::Email) {
                assert!(f.contact, "{file}: {} is not `contact: true`", f.name);
            }
        }
    }
}

#[test]
fn every_field_of_personal_data_says_why_it_is_asked() {
    for (file, form) in definitions() {
        if form.id == "track" {
            continue;
        }
        for f in &form.fields {
            if matches!(
                f.kind,
                FieldType::Phone | FieldType::Email | FieldType::NationalId
            ) {
                let hint = f.hint.as_deref().unwrap_or("");
                assert!(
                    ["نطلبه", "نتواصل", "تواصلنا", "للتواصل"]
                        .iter()
                        .any(|w| hint.contains(w)),
                    "{file}: the hint of {} does not say why it is asked: «{hint}»",
                    f.name
                );
            }
        }
    }
}
