//! What looks like a placeholder rather than a real contact detail or address: a phone number
//! whose last seven digits are one digit repeated (`+966 11 000 0000`), an address under the
//! reserved example domains (`example.org`, `info@aman.example.org`, `x.com/example`), or a text
//! naming itself an example (`EXAMPLE`, «مثال»). Said once here, for the site's check and its pages.

/// Whether `value` looks like a placeholder.
pub fn looks_like_placeholder(value: &str) -> bool {
    repeated_digits(value) || names_an_example(value)
}

/// A number whose last seven digits are all the same digit.
fn repeated_digits(value: &str) -> bool {
    let digit = |c: char| match c {
        '٠'..='٩' => Some(c as u32 - '٠' as u32),
        _ => c.to_digit(10),
    };
    let digits: Vec<u32> = value.chars().filter_map(digit).collect();
    digits.len() >= 7 && {
        let tail = &digits[digits.len() - 7..];
        tail.iter().all(|d| *d == tail[0])
    }
}

/// A word or domain label `example` (or a reserved test domain), or the Arabic word «مثال».
fn names_an_example(value: &str) -> bool {
    let lower = value.to_lowercase();
    let mut words = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    let reserved_tld = lower.split(['/', '?', '#', '@']).any(|part| {
        [".test", ".invalid", ".example", ".localhost"]
            .iter()
            .any(|t| part.ends_with(t))
    });
    reserved_tld || words.any(|w| w == "example" || w.strip_prefix("ال").unwrap_or(w) == "مثال")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_of_both_sites_are_recognised() {
        for v in [
            "+966 11 000 0000",
            "+966 50 000 0000",
            "+966 12 000 0000",
            "٠١١ ٠٠٠ ٠٠٠٠",
            "https://wa.me/966500000000",
            "info@aman.example.org",
            "info@example.com",
            "https://x.com/example",
            "https://qana.example.org",
            "شارع المثال، حي المثال، المدينة",
            "عنوان مثال يُستبدل بعنوان مقر الجمعية",
            "https://volunteer.test/aman",
        ] {
            assert!(looks_like_placeholder(v), "{v}");
        }
    }

    #[test]
    fn real_looking_values_are_not() {
        for v in [
            "+966 11 234 5678",
            "0501234567",
            "info@aman.org.sa",
            "https://x.com/aman_sa",
            "https://nvg.gov.sa/",
            "حي الملقا، طريق أنس بن مالك، الرياض",
            "الأحد إلى الخميس، 8 صباحًا – 4 مساءً",
            "https://examples-of-good.org.sa",
        ] {
            assert!(!looks_like_placeholder(v), "{v}");
        }
    }
}
