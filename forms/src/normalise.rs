//! Turning what a person typed into the one form a value is stored and compared in, before it is
//! validated: Unicode NFC, white space trimmed, Arabic-Indic and Persian digits read as ASCII in
//! numbers, phone numbers in E.164, e-mail addresses parsed, ID numbers and tracking codes checked.
//!
//! Each function answers `None` when the text cannot be a value of its kind; the caller chooses the
//! message (the definition's, in Arabic).

use std::sync::LazyLock;

use email_address::{EmailAddress, Options};
use phonenumber::metadata::Database;
use unicode_normalization::UnicodeNormalization;

use crate::digits;

/// Why a value was refused before anything else was looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsafe {
    /// A control character (C0 or C1), other than a new line or a tab in a multi-line text.
    Control,
    /// A bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069), which can make
    /// text read differently from what it is.
    Bidi,
    /// A line or paragraph separator (U+2028, U+2029) in a one-line value.
    LineBreak,
    /// A zero-width character (see [`is_zero_width`]) in a one-line value, such as a name: it
    /// makes two names that look the same differ.
    ZeroWidth,
}

/// Whether `c` is a zero-width space, joiner or non-joiner, word joiner, byte-order mark or
/// Mongolian vowel separator.
pub fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}'
    )
}

/// Whether `c` is a bidirectional embedding, override or isolate character.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Checks that `raw` holds no control or bidi-control character, and, in a one-line value, no
/// line separator or zero-width character; then returns it in NFC with the white space at both
/// ends trimmed. A multi-line text keeps its new lines (CR LF, CR, U+2028 and U+2029 become LF) and
/// tabs.
pub fn text(raw: &str, multiline: bool) -> Result<String, Unsafe> {
    let unified;
    let raw = if multiline && raw.contains(['\r', '\u{2028}', '\u{2029}']) {
        unified = raw
            .replace("\r\n", "\n")
            .replace(['\r', '\u{2028}', '\u{2029}'], "\n");
        unified.as_str()
    } else {
        raw
    };
    for c in raw.chars() {
        if is_bidi_control(c) {
            return Err(Unsafe::Bidi);
        }
        if !multiline && matches!(c, '\u{2028}' | '\u{2029}') {
            return Err(Unsafe::LineBreak);
        }
        if !multiline && is_zero_width(c) {
            return Err(Unsafe::ZeroWidth);
        }
        if c.is_control() && !(multiline && matches!(c, '\n' | '\t')) {
            return Err(Unsafe::Control);
        }
    }
    Ok(raw.nfc().collect::<String>().trim().to_string())
}

/// `text` with Arabic-Indic (U+0660–U+0669) and Persian (U+06F0–U+06F9) digits as ASCII digits.
pub fn ascii_digits(text: &str) -> String {
    digits::to_ascii(text)
}

/// A phone number in E.164 (`+966501234567`), read the way Saudis write them: `0501234567`,
/// `501234567`, `+966 50 123 4567`, `00966501234567`, with spaces, dashes or brackets, in Arabic-Indic
/// digits too. Numbers of other countries are accepted when written with their country code.
/// `None` when it is not a valid number.
///
/// A Saudi number is read with Saudi Arabia's metadata alone ([`SAUDI`]), ready in about 3 ms of
/// processor; every country's metadata, whose patterns take about 90 ms of processor to
/// check when they are loaded, only for a number written with another country's code, once per
/// process.
pub fn phone(text: &str) -> Option<String> {
    let ascii = ascii_digits(text);
    if !ascii
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'))
    {
        return None;
    }
    e164(&SAUDI, &ascii).or_else(|| {
        foreign(&ascii)
            .then(|| e164(&phonenumber::metadata::DATABASE, &ascii))
            .flatten()
    })
}

/// Whether `ascii` is written with a country code (`+` or `00` first) other than Saudi Arabia's:
/// the only numbers that every country's metadata can read when Saudi Arabia's cannot.
fn foreign(ascii: &str) -> bool {
    let compact: String = ascii
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    let after_code = compact
        .strip_prefix('+')
        .or_else(|| compact.strip_prefix("00"));
    after_code.is_some_and(|rest| !rest.starts_with("966"))
}

/// Saudi Arabia's phone-number metadata (`sa-phone-metadata.xml`, the territory as the
/// phonenumber crate ships it).
static SAUDI: LazyLock<Database> = LazyLock::new(|| {
    Database::parse(include_str!("sa-phone-metadata.xml")).expect("Saudi Arabia's phone metadata")
});

/// `ascii` as a valid phone number in E.164, read with `database` (numbers without a country
/// code are Saudi ones).
fn e164(database: &Database, ascii: &str) -> Option<String> {
    let number =
        phonenumber::parse_with(database, Some(phonenumber::country::Id::SA), ascii).ok()?;
    // E.164 written here as phonenumber's formatter writes it: the formatter loads every
    // country's metadata whichever database it is given (`unwrap_or(&DATABASE)` forces it).
    number
        .is_valid_with(database)
        .then(|| format!("+{}{}", number.code().value(), number.national()))
}

/// An e-mail address checked by an RFC 5322 parser, without a display name and with a domain that
/// has at least two labels; the domain is written in lower case. `None` when it is not an address.
pub fn email(text: &str) -> Option<String> {
    let options = Options::default()
        .without_display_text()
        .without_domain_literal()
        .with_required_tld();
    let parsed = EmailAddress::parse_with_options(text, options).ok()?;
    Some(format!(
        "{}@{}",
        parsed.local_part(),
        parsed.domain().to_lowercase()
    ))
}

/// A Saudi national ID (starting with 1) or iqama (starting with 2) number: ten digits whose last is
/// the Luhn check digit of the first nine. Spaces and dashes are ignored; Arabic-Indic digits are
/// read. `None` when it is not one.
pub fn national_id(text: &str) -> Option<String> {
    let digits: String = ascii_digits(text)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    let ok = digits.len() == 10
        && digits.bytes().all(|b| b.is_ascii_digit())
        && matches!(digits.as_bytes()[0], b'1' | b'2')
        && luhn_valid(&digits);
    ok.then_some(digits)
}

/// Whether the last digit of `digits` (ASCII only) is the Luhn check digit of the others.
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let twice = d * 2;
                if twice > 9 { twice - 9 } else { twice }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The symbols of a tracking code: Crockford's base 32 (digits and capital letters without I, L, O
/// and U), so that a code read aloud or copied by hand is not mistaken.
pub const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// How many symbols a tracking code has (12 × 5 = 60 random bits).
pub const CODE_LEN: usize = 12;

/// A tracking code as typed, read forgivingly: lower case, spaces, dashes and Arabic-Indic digits
/// are accepted, and O, I and L are read as 0, 1 and 1. Returns the bare code (`K7M4Q9TX3HRP`);
/// `None` when it cannot be one.
pub fn code(text: &str) -> Option<String> {
    let mut out = String::with_capacity(CODE_LEN);
    for c in ascii_digits(text).chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' | '_' | '\u{00A0}' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !CODE_ALPHABET.contains(&(c as u8)) {
            return None;
        }
        out.push(c);
    }
    (out.len() == CODE_LEN).then_some(out)
}

/// A bare tracking code grouped for reading, `K7M4-Q9TX-3HRP`.
pub fn display_code(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The phone number or e-mail address that identifies a sender, in the one form that is compared:
/// E.164, or the whole address, trimmed, in lower case (people rarely type its case the same way
/// twice). The service keeps this form of each contact field given with a request, compares the
/// follow-up's contact in it, and staff look a person's records up by it.
pub fn contact(text: &str) -> Option<String> {
    let text = text.trim();
    phone(text).or_else(|| email(text).map(|e| e.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_nfc_and_trimmed() {
        // "ة" followed by a combining mark written decomposed, and an "é" written as e + U+0301.
        assert_eq!(text("  محمد\u{00A0}", false).unwrap(), "محمد");
        assert_eq!(text("Cafe\u{0301}", false).unwrap(), "Caf\u{00E9}");
        // Arabic with a hamza written as a combining mark (U+0627 U+0654) composes to U+0623.
        assert_eq!(text("\u{0627}\u{0654}حمد", false).unwrap(), "أحمد");
    }

    #[test]
    fn control_characters_are_refused_except_lines_in_multiline_text() {
        assert_eq!(text("أحمد\u{0007}", false), Err(Unsafe::Control));
        assert_eq!(text("سطر\nسطر", false), Err(Unsafe::Control));
        assert_eq!(text("أحمد\u{0085}", true), Err(Unsafe::Control));
        assert_eq!(
            text("سطر أول\r\nسطر\tثانٍ", true).unwrap(),
            "سطر أول\nسطر\tثانٍ"
        );
    }

    #[test]
    fn line_separators_and_zero_width_characters_are_refused_in_one_line_values() {
        assert_eq!(text("سارة\u{2028}العتيبي", false), Err(Unsafe::LineBreak));
        assert_eq!(text("سارة\u{2029}", false), Err(Unsafe::LineBreak));
        assert_eq!(
            text("سطر\u{2028}سطر\u{2029}سطر", true),
            Ok("سطر\nسطر\nسطر".to_string())
        );
        for zw in ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'] {
            assert_eq!(
                text(&format!("سا{zw}رة"), false),
                Err(Unsafe::ZeroWidth),
                "{zw:?}"
            );
        }
        assert!(text("نص\u{200C}طويل", true).is_ok(), "kept in a long text");
    }

    #[test]
    fn bidi_overrides_and_isolates_are_refused() {
        for c in ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}'] {
            assert_eq!(text(&format!("رقم {c}1234"), true), Err(Unsafe::Bidi));
        }
        for c in ['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'] {
            assert_eq!(text(&format!("اسم{c}"), false), Err(Unsafe::Bidi));
        }
        // The right-to-left mark is ordinary in Arabic text, and the zero-width joiner in a long
        // text (a one-line value such as a name refuses it: see the test above).
        assert!(text("نص\u{200F} عربي", false).is_ok());
        assert!(text("نص\u{200F} عربي\u{200D}", true).is_ok());
    }

    #[test]
    fn arabic_indic_and_persian_digits_are_read_as_ascii() {
        assert_eq!(ascii_digits("٠١٢٣٤٥٦٧٨٩"), "0123456789");
        assert_eq!(ascii_digits("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
        assert_eq!(ascii_digits("رقم ٥"), "رقم 5");
    }

    #[test]
    fn saudi_mobile_numbers_in_every_usual_writing_are_one_number() {
        for written in [
            "0501234567",
            "501234567",
            "+966501234567",
            "00966501234567",
            "+966 50 123 4567",
            "050-123-4567",
            "(050) 123 4567",
            "٠٥٠١٢٣٤٥٦٧",
            "+٩٦٦٥٠١٢٣٤٥٦٧",
            "۰۵۰۱۲۳۴۵۶۷",
        ] {
            assert_eq!(
                phone(written).as_deref(),
                Some("+966501234567"),
                "{written}"
            );
        }
    }

    #[test]
    fn the_saudi_metadata_is_the_crates_own() {
        let ours = SAUDI.by_id("SA").expect("SA in sa-phone-metadata.xml");
        let crates = phonenumber::metadata::DATABASE
            .by_id("SA")
            .expect("SA in the crate's metadata");
        assert_eq!(
            format!("{ours:?}"),
            format!("{crates:?}"),
            "phonenumber's Saudi metadata changed: copy the SA territory of its \
             assets/PhoneNumberMetadata.xml into forms/src/sa-phone-metadata.xml"
        );
    }

    #[test]
    fn numbers_of_other_countries_written_with_their_code_are_read() {
        for (written, e164) in [
            ("+44 20 7946 0958", "+442079460958"),
            ("0020 100 123 4567", "+201001234567"),
            ("+971 50 123 4567", "+971501234567"),
            ("+٩٧١٥٠١٢٣٤٥٦٧", "+971501234567"),
        ] {
            assert_eq!(phone(written).as_deref(), Some(e164), "{written}");
        }
    }

    #[test]
    fn saudi_landlines_and_unified_numbers_are_read() {
        for (written, e164) in [
            ("011 234 5678", "+966112345678"),
            ("0126543210", "+966126543210"),
            ("920012345", "+966920012345"),
        ] {
            assert_eq!(phone(written).as_deref(), Some(e164), "{written}");
        }
    }

    #[test]
    fn numbers_that_cannot_be_phones_are_refused() {
        for written in [
            "",
            "05012",
            "050123456789",
            "abc",
            "٠٥٠١٢٣٤٥٦٧ج",
            "0501234567x",
            "1234567890",
        ] {
            assert_eq!(phone(written), None, "{written}");
        }
    }

    #[test]
    fn other_countries_need_their_code() {
        assert_eq!(phone("+20 100 123 4567").as_deref(), Some("+201001234567"));
    }

    #[test]
    fn email_addresses_are_parsed_and_their_domain_lower_cased() {
        assert_eq!(
            email("Sara.Ali@Example.ORG").as_deref(),
            Some("Sara.Ali@example.org")
        );
        for bad in [
            "sara",
            "sara@",
            "@example.org",
            "sara@localhost",
            "سارة <sara@example.org>",
            "sara@[127.0.0.1]",
            "a b@example.org",
        ] {
            assert_eq!(email(bad), None, "{bad}");
        }
    }

    #[test]
    fn national_ids_and_iqamas_need_ten_digits_a_right_start_and_check_digit() {
        // 1000000008 and 2000000006 have the right Luhn check digit.
        assert_eq!(national_id("1000000008").as_deref(), Some("1000000008"));
        assert_eq!(national_id("٢٠٠٠٠٠٠٠٠٦").as_deref(), Some("2000000006"));
        assert_eq!(national_id("1 000 000 008").as_deref(), Some("1000000008"));
        assert_eq!(national_id("1000000009"), None, "wrong check digit");
        assert_eq!(
            national_id("3000000004"),
            None,
            "starts with neither 1 nor 2"
        );
        assert_eq!(national_id("100000008"), None, "nine digits");
        assert_eq!(national_id("10000000080"), None, "eleven digits");
    }

    #[test]
    fn tracking_codes_are_read_forgivingly() {
        assert_eq!(code("K7M4-Q9TX-3HRP").as_deref(), Some("K7M4Q9TX3HRP"));
        assert_eq!(code(" k7m4 q9tx 3hrp ").as_deref(), Some("K7M4Q9TX3HRP"));
        assert_eq!(code("K٧M٤-Q٩TX-٣HRP").as_deref(), Some("K7M4Q9TX3HRP"));
        assert_eq!(code("O0IL-Q9TX-3HRP").as_deref(), Some("0011Q9TX3HRP"));
        assert_eq!(code("K7M4-Q9TX-3HR"), None, "too short");
        assert_eq!(code("K7M4-Q9TX-3HRU"), None, "U is not a symbol");
        assert_eq!(code("رمز"), None);
        assert_eq!(display_code("K7M4Q9TX3HRP"), "K7M4-Q9TX-3HRP");
    }

    #[test]
    fn a_follow_up_contact_is_a_phone_or_an_email() {
        assert_eq!(contact("٠٥٠ ١٢٣ ٤٥٦٧").as_deref(), Some("+966501234567"));
        assert_eq!(
            contact("Sara@Example.org").as_deref(),
            Some("sara@example.org")
        );
        assert_eq!(
            contact("  SARA@example.ORG\t").as_deref(),
            Some("sara@example.org")
        );
        assert_eq!(contact("لا أعرف"), None);
    }
}
