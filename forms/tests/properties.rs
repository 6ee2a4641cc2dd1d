//! Properties of normalisation and validation over arbitrary Unicode: never a panic, NFC and the
//! other normalisations idempotent, digits of every script read as ASCII, and a value that passed
//! stays valid, unchanged, when sent again in its normalised form.
//!
//! `PROPTEST_CASES` sets the cases per property (256 by default, as in the test command); a
//! longer run is described in `bench/README.md`.

use forms::normalise::{self, Unsafe};
use forms::{FormDef, Refusal, validate};
use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

/// Characters that make normalisation interesting: Arabic letters and marks (which compose), the
/// digit scripts, white space of every kind, separators, zero-width and bidi controls, controls.
const INTERESTING: &[char] = &[
    'ا', 'أ', 'إ', 'آ', 'ء', 'ب', 'ة', 'ي', 'ى', 'ئ', 'ؤ', '\u{064B}', '\u{064E}', '\u{0650}',
    '\u{0651}', '\u{0653}', '\u{0654}', '\u{0655}', '\u{0670}', '\u{0301}', 'e', 'A', 'z', '0',
    '5', '9', '٠', '٣', '٩', '۰', '۴', '۹', '+', '-', '(', ')', '.', '@', ' ', '\t', '\n', '\r',
    '\u{00A0}', '\u{2028}', '\u{2029}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{FEFF}', '\u{202E}',
    '\u{2067}', '\u{0000}', '\u{0085}', 'ﻻ', 'Å', 'Å', '한', '\u{1100}', '\u{1161}',
];

/// Text of arbitrary Unicode scalar values, with the characters above mixed in often.
fn unicode() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            2 => any::<char>(),
            3 => prop::sample::select(INTERESTING),
        ],
        0..48,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

/// A digit (0 to 9) written in ASCII, Arabic-Indic or Persian.
fn any_script_digit() -> impl Strategy<Value = (u32, char)> {
    (0u32..10, 0usize..3).prop_map(|(d, script)| {
        let base = [0x30, 0x660, 0x6F0][script];
        (d, char::from_u32(base + d).unwrap())
    })
}

fn request_form() -> FormDef {
    FormDef::from_yaml(
        "request",
        "request.yaml",
        include_str!("../../content/forms/request.yaml"),
    )
    .expect("the default site's request form parses")
}

proptest! {
    #[test]
    fn text_never_panics_and_is_nfc_and_idempotent(raw in unicode(), multiline in any::<bool>()) {
        if let Ok(once) = normalise::text(&raw, multiline) {
            prop_assert!(unicode_normalization::is_nfc(&once), "{once:?} is not NFC");
            prop_assert_eq!(once.trim(), once.as_str());
            prop_assert_eq!(normalise::text(&once, multiline), Ok(once.clone()));
            if !multiline {
                let separated = once.contains(['\u{2028}', '\u{2029}', '\u{200B}', '\u{FEFF}']);
                prop_assert!(!separated, "a separator or zero-width character kept in {:?}", once);
            }
        }
    }

    #[test]
    fn refused_text_says_why(raw in unicode()) {
        match normalise::text(&raw, false) {
            Err(Unsafe::Bidi) => prop_assert!(raw.chars().any(normalise::is_bidi_control), "bidi"),
            Err(Unsafe::ZeroWidth) => prop_assert!(raw.chars().any(normalise::is_zero_width), "zero width"),
            Err(Unsafe::LineBreak) => {
                let separated = raw.contains(['\u{2028}', '\u{2029}']);
                prop_assert!(separated, "line break");
            }
            Err(Unsafe::Control) => prop_assert!(raw.chars().any(char::is_control), "control"),
            Ok(_) => {}
        }
    }

    #[test]
    fn digits_of_every_script_are_read_as_ascii(digits in prop::collection::vec(any_script_digit(), 1..20)) {
        let written: String = digits.iter().map(|(_, c)| *c).collect();
        let expected: String = digits.iter().map(|(d, _)| char::from_digit(*d, 10).unwrap()).collect();
        prop_assert_eq!(normalise::ascii_digits(&written), expected);
    }

    #[test]
    fn typed_values_never_panic_and_normalise_to_a_fixed_point(raw in unicode()) {
        for f in [normalise::phone, normalise::email, normalise::national_id, normalise::code, normalise::contact] {
            if let Some(once) = f(&raw) {
                prop_assert_eq!(f(&once), Some(once.clone()), "from {:?}", raw);
            }
        }
        let _ = normalise::display_code(&raw);
    }

    #[test]
    fn saudi_mobiles_in_any_digits_are_one_e164_number(
        rest in prop::collection::vec(any_script_digit(), 7),
        zeros in prop::collection::vec(any_script_digit().prop_map(|(_, c)| c).prop_filter("a zero", |c| c.to_digit(10) == Some(0) || *c == '٠' || *c == '۰'), 2),
        five in prop::sample::select(&['5', '٥', '۵'][..]),
        sep in prop::sample::select(&[" ", "-", "", "\u{00A0}"][..]),
    ) {
        // 050 and seven digits: a Saudi mobile number, written in any digits, in two groups.
        let tail: String = rest.iter().map(|(_, c)| *c).collect();
        let typed = format!("{}{five}{}{sep}{tail}", zeros[0], zeros[1]);
        let e164 = format!(
            "+96650{}",
            rest.iter().map(|(d, _)| char::from_digit(*d, 10).unwrap()).collect::<String>()
        );
        match normalise::phone(&typed) {
            Some(p) => prop_assert_eq!(p, e164),
            // A separator other than those a phone allows is refused, never misread.
            None => prop_assert_eq!(sep, "\u{00A0}"),
        }
    }

    #[test]
    fn validation_never_panics(pairs in prop::collection::vec(
        (prop::sample::select(&["full_name", "national_id", "phone", "email", "category", "details", "consent", "other"][..]), unicode()),
        0..16,
    )) {
        let form = request_form();
        let pairs: Vec<(String, String)> = pairs.into_iter().map(|(n, v)| (n.to_string(), v)).collect();
        let _ = validate(&form, &pairs);
    }

    #[test]
    fn a_valid_submission_stays_valid_and_unchanged_once_normalised(
        name in prop::collection::vec(prop::sample::select(&['س', 'ا', 'ر', 'ة', 'ع', 'ل', 'ي', ' ', '\u{0627}', '\u{0653}', '\u{064E}', 'e', '\u{0301}'][..]), 2..40),
        details in unicode(),
        digits in prop::collection::vec(any_script_digit(), 8),
    ) {
        let form = request_form();
        let mut pairs = vec![
            ("full_name".to_string(), format!("سارة {}", name.into_iter().collect::<String>())),
            ("national_id".to_string(), "١٠٠٠٠٠٠٠٠٨".to_string()),
            ("phone".to_string(), format!("٠٥{}", digits.iter().map(|(_, c)| *c).collect::<String>())),
            ("details".to_string(), format!("أحتاج إلى مساعدة في التسجيل في البرنامج {details}")),
        ];
        for f in &form.fields {
            if let Some(o) = f.options.first() {
                pairs.push((f.name.clone(), o.value.clone()));
            }
        }
        let Ok(first) = validate(&form, &pairs) else { return Ok(()); };
        let again: Vec<(String, String)> = first
            .values
            .iter()
            .flat_map(|(k, v)| match v {
                forms::Value::One(x) => vec![(k.clone(), x.clone())],
                forms::Value::Many(xs) => xs.iter().map(|x| (k.clone(), x.clone())).collect(),
            })
            .collect();
        match validate(&form, &again) {
            Ok(second) => prop_assert_eq!(second, first.clone()),
            Err(Refusal::Invalid(errors)) => prop_assert!(false, "refused once normalised: {errors:?}"),
            Err(Refusal::TooManyFields) => prop_assert!(false, "too many fields"),
        }
        // The name, as stored, is NFC.
        let name = first.values["full_name"].joined();
        prop_assert_eq!(name.nfc().collect::<String>(), name);
    }
}

#[test]
fn the_valid_example_is_valid() {
    // The last property returns early on an invalid draw: the example it builds must be valid.
    let form = request_form();
    let mut pairs = vec![
        ("full_name".to_string(), "سارة العتيبي".to_string()),
        ("national_id".to_string(), "١٠٠٠٠٠٠٠٠٨".to_string()),
        ("phone".to_string(), "٠٥٠١٢٣٤٥٦٧".to_string()),
        (
            "details".to_string(),
            "أحتاج إلى مساعدة في التسجيل في البرنامج التدريبي".to_string(),
        ),
    ];
    for f in &form.fields {
        if let Some(o) = f.options.first() {
            pairs.push((f.name.clone(), o.value.clone()));
        }
    }
    assert!(
        validate(&form, &pairs).is_ok(),
        "{:?}",
        validate(&form, &pairs)
    );
}
