//! Writing numbers in the site's digits: Western (0123456789) or Arabic-Indic (٠١٢٣٤٥٦٧٨٩).
//!
//! Only numbers the product writes itself (dates, versions, counts) go through here; the policy's
//! own text, phone numbers, e-mails and tracking codes are never rewritten. Mapping the ten digits
//! is all that is needed: Arabic-Indic digits are the ten code points U+0660..U+0669, and every
//! number reaching this module is already formatted (no grouping or decimal separators to localise).

use serde::{Deserialize, Serialize};

/// Which digits numbers and dates are written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Digits {
    /// 0123456789
    #[default]
    Western,
    /// ٠١٢٣٤٥٦٧٨٩
    ArabicIndic,
}

/// `text` with its ASCII digits written in `digits`; other characters are kept as they are.
pub fn localise(text: &str, digits: Digits) -> String {
    match digits {
        Digits::Western => text.to_string(),
        Digits::ArabicIndic => text
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) if c.is_ascii_digit() => char::from_u32(0x0660 + d).unwrap_or(c),
                _ => c,
            })
            .collect(),
    }
}

/// `text` with its Arabic-Indic and Eastern Arabic-Indic (Persian) digits written as ASCII digits,
/// for reading numbers that a person typed.
pub fn to_ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_indic_digits_replace_ascii_ones_only() {
        assert_eq!(
            localise("الإصدار 1.0 عام 2025", Digits::ArabicIndic),
            "الإصدار ١.٠ عام ٢٠٢٥"
        );
        assert_eq!(localise("2025", Digits::Western), "2025");
    }

    #[test]
    fn typed_arabic_and_persian_digits_read_as_ascii() {
        assert_eq!(to_ascii("٠٥٠١٢٣۴۵۶۷"), "0501234567");
    }
}
