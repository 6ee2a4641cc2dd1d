//! Numbers with the nouns they count, in Arabic grammar: «حرف واحد، حرفان، ٣ أحرف، ١١ حرفًا،
//! ١٠٠ حرف». Which form a number takes is decided by ICU4X's Arabic plural rules (the CLDR
//! categories zero, one, two, few, many and other); the forms themselves are the noun's, given once
//! in an [`ArabicNoun`]. Every place where the product writes a number before a noun goes through
//! [`count_noun`] (or [`duration`] for a number of days).

use icu_locale_core::locale;
use icu_plurals::{PluralCategory, PluralRules};

use crate::digits;
use crate::digits::Digits;

/// The forms of a counted noun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArabicNoun {
    /// One, with the number as a word: «حرف واحد», «سنة واحدة».
    pub one: &'static str,
    /// The dual as a subject: «حرفان», «سنتان».
    pub two: &'static str,
    /// The dual after a preposition (or as an object): «حرفين», «سنتين».
    pub two_oblique: &'static str,
    /// The plural, after 3 to 10: «أحرف», «سنوات».
    pub plural: &'static str,
    /// The singular in the accusative, after 11 to 99: «حرفًا», «سنة».
    pub accusative: &'static str,
    /// The singular in the genitive, after 0, 100, 101, 102, 1000…: «حرف», «سنة».
    pub genitive: &'static str,
}

/// Where the counted phrase stands in the sentence; only the dual changes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// The subject or a predicate: «المدة سنتان».
    Nominative,
    /// After a preposition: «لا يقل عن حرفين»، «خلال يومين»، «إلى حرف واحد». (A direct object
    /// would say «حرفًا واحدًا»: phrase a sentence so that the count follows a preposition.)
    Oblique,
}

/// Characters of a typed value.
pub const CHARACTERS: ArabicNoun = ArabicNoun {
    one: "حرف واحد",
    two: "حرفان",
    two_oblique: "حرفين",
    plural: "أحرف",
    accusative: "حرفًا",
    genitive: "حرف",
};

/// Days.
pub const DAYS: ArabicNoun = ArabicNoun {
    one: "يوم واحد",
    two: "يومان",
    two_oblique: "يومين",
    plural: "أيام",
    accusative: "يومًا",
    genitive: "يوم",
};

/// Weeks.
pub const WEEKS: ArabicNoun = ArabicNoun {
    one: "أسبوع واحد",
    two: "أسبوعان",
    two_oblique: "أسبوعين",
    plural: "أسابيع",
    accusative: "أسبوعًا",
    genitive: "أسبوع",
};

/// Months.
pub const MONTHS: ArabicNoun = ArabicNoun {
    one: "شهر واحد",
    two: "شهران",
    two_oblique: "شهرين",
    plural: "أشهر",
    accusative: "شهرًا",
    genitive: "شهر",
};

/// Years.
pub const YEARS: ArabicNoun = ArabicNoun {
    one: "سنة واحدة",
    two: "سنتان",
    two_oblique: "سنتين",
    plural: "سنوات",
    accusative: "سنة",
    genitive: "سنة",
};

/// Pages.
pub const PAGES: ArabicNoun = ArabicNoun {
    one: "صفحة واحدة",
    two: "صفحتان",
    two_oblique: "صفحتين",
    plural: "صفحات",
    accusative: "صفحة",
    genitive: "صفحة",
};

/// Digits (of a number such as an ID).
pub const DIGITS: ArabicNoun = ArabicNoun {
    one: "رقم واحد",
    two: "رقمان",
    two_oblique: "رقمين",
    plural: "أرقام",
    accusative: "رقمًا",
    genitive: "رقم",
};

/// Channels (of contact).
pub const CHANNELS: ArabicNoun = ArabicNoun {
    one: "قناة واحدة",
    two: "قناتان",
    two_oblique: "قناتين",
    plural: "قنوات",
    accusative: "قناة",
    genitive: "قناة",
};

/// Records (a person's submissions, in the staff inbox).
pub const RECORDS: ArabicNoun = ArabicNoun {
    one: "سجل واحد",
    two: "سجلان",
    two_oblique: "سجلين",
    plural: "سجلات",
    accusative: "سجلًا",
    genitive: "سجل",
};

/// The nouns templates may count, by the name the `count` filter takes.
pub fn noun(name: &str) -> Option<&'static ArabicNoun> {
    Some(match name {
        "characters" => &CHARACTERS,
        "days" => &DAYS,
        "weeks" => &WEEKS,
        "months" => &MONTHS,
        "years" => &YEARS,
        "pages" => &PAGES,
        "digits" => &DIGITS,
        "channels" => &CHANNELS,
        "records" => &RECORDS,
        _ => return None,
    })
}

/// Arabic's cardinal plural category of `n`, by ICU4X's rules.
pub fn category(n: u64) -> PluralCategory {
    thread_local! {
        // Compiled data: made once per thread, without I/O (the rules are not `Sync`).
        static RULES: PluralRules = PluralRules::try_new(locale!("ar").into(), Default::default())
            .expect("the compiled data has Arabic plural rules");
    }
    RULES.with(|rules| rules.category_for(n))
}

/// `n` with the noun it counts, in the form Arabic grammar gives that number, the number written in
/// `digits`: «حرف واحد / حرفان / ٣ أحرف / ١١ حرفًا / ١٠٠ حرف».
pub fn count_noun(n: u64, noun: &ArabicNoun, case: Case, digits: Digits) -> String {
    let number = || digits::localise(&n.to_string(), digits);
    match category(n) {
        PluralCategory::One => noun.one.to_string(),
        PluralCategory::Two => match case {
            Case::Nominative => noun.two.to_string(),
            Case::Oblique => noun.two_oblique.to_string(),
        },
        PluralCategory::Few => format!("{} {}", number(), noun.plural),
        PluralCategory::Many => format!("{} {}", number(), noun.accusative),
        PluralCategory::Zero | PluralCategory::Other => format!("{} {}", number(), noun.genitive),
    }
}

/// A number of days in the largest whole unit it makes (years of 365 days, months of 30, weeks,
/// else days), counted as [`count_noun`] does: 1095 → «3 سنوات», 60 → «شهران», 14 → «أسبوعان».
pub fn duration(days: u64, case: Case, digits: Digits) -> String {
    let (n, noun) = match days {
        0 => (0, &DAYS),
        d if d % 365 == 0 => (d / 365, &YEARS),
        d if d % 30 == 0 => (d / 30, &MONTHS),
        d if d % 7 == 0 => (d / 7, &WEEKS),
        d => (d, &DAYS),
    };
    count_noun(n, noun, case, digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(n: u64) -> String {
        count_noun(n, &CHARACTERS, Case::Nominative, Digits::Western)
    }

    #[test]
    fn characters_take_the_form_arabic_gives_each_number() {
        let expected = [
            (0, "0 حرف"),
            (1, "حرف واحد"),
            (2, "حرفان"),
            (3, "3 أحرف"),
            (10, "10 أحرف"),
            (11, "11 حرفًا"),
            (99, "99 حرفًا"),
            (100, "100 حرف"),
            (101, "101 حرف"),
            (102, "102 حرف"),
            (103, "103 أحرف"),
            (111, "111 حرفًا"),
            (2000, "2000 حرف"),
        ];
        for (n, text) in expected {
            assert_eq!(chars(n), text, "{n}");
        }
    }

    #[test]
    fn the_dual_follows_the_case_and_numbers_the_sites_digits() {
        assert_eq!(
            count_noun(2, &CHARACTERS, Case::Oblique, Digits::Western),
            "حرفين"
        );
        assert_eq!(
            count_noun(11, &CHARACTERS, Case::Oblique, Digits::ArabicIndic),
            "١١ حرفًا"
        );
        assert_eq!(
            count_noun(3, &YEARS, Case::Nominative, Digits::ArabicIndic),
            "٣ سنوات"
        );
        assert_eq!(
            count_noun(1, &YEARS, Case::Nominative, Digits::Western),
            "سنة واحدة"
        );
    }

    #[test]
    fn durations_use_the_largest_whole_unit() {
        let d = |days| duration(days, Case::Nominative, Digits::Western);
        assert_eq!(d(1095), "3 سنوات");
        assert_eq!(d(365), "سنة واحدة");
        assert_eq!(d(730), "سنتان");
        assert_eq!(d(4015), "11 سنة");
        assert_eq!(d(180), "6 أشهر");
        assert_eq!(d(60), "شهران");
        assert_eq!(d(14), "أسبوعان");
        assert_eq!(d(15), "15 يومًا");
        assert_eq!(d(1), "يوم واحد");
        assert_eq!(duration(730, Case::Oblique, Digits::ArabicIndic), "سنتين");
        assert_eq!(
            duration(1095, Case::Oblique, Digits::ArabicIndic),
            "٣ سنوات"
        );
    }
}
