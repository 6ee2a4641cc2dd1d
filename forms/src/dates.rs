//! Dates as the site shows them: Gregorian, Umm al-Qura Hijri, or both, in Arabic.
//!
//! The conversion between calendars is ICU4X's (`icu_calendar`, Umm al-Qura rules); only the
//! twelve Arabic month names of each calendar are written here, as Saudi usage names them.

use icu_calendar::cal::Hijri;
use icu_calendar::cal::hijri::UmmAlQura;
use icu_calendar::options::DateAddOptions;
use icu_calendar::types::DateDuration;
use icu_calendar::{Date, Iso};

use crate::digits;
use crate::digits::Digits;
use crate::site::Calendar;

/// The Hijri months, as used in Saudi Arabia.
pub const HIJRI_MONTHS: [&str; 12] = [
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
];

/// The Gregorian months, as used in Saudi Arabia.
pub const GREGORIAN_MONTHS: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];

/// A day of the Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// A day of the Umm al-Qura Hijri calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HijriDay {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::fmt::Display for HijriDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Reads `YYYY-MM-DD` into three numbers (not checked against a calendar).
fn parse_ymd(text: &str) -> Option<(i32, u8, u8)> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &str| {
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    Some((
        num(&text[..4])?,
        num(&text[5..7])? as u8,
        num(&text[8..])? as u8,
    ))
}

impl Day {
    /// Reads an ISO 8601 date (`YYYY-MM-DD`); `None` when it is not a real Gregorian day.
    pub fn parse(text: &str) -> Option<Day> {
        let (year, month, day) = parse_ymd(text)?;
        Date::try_new_iso(year, month, day).ok()?;
        Some(Day { year, month, day })
    }

    fn iso(self) -> Date<Iso> {
        Date::try_new_iso(self.year, self.month, self.day).expect("checked when made")
    }

    fn from_iso(d: &Date<Iso>) -> Day {
        Day {
            year: d.year().extended_year(),
            month: d.month().ordinal,
            day: d.day_of_month().0,
        }
    }

    /// The same day in the Umm al-Qura calendar.
    pub fn to_hijri(self) -> HijriDay {
        let h = self.iso().to_calendar(Hijri::new_umm_al_qura());
        HijriDay {
            year: h.year().extended_year(),
            month: h.month().ordinal,
            day: h.day_of_month().0,
        }
    }

    /// The day `months` months later (the last day of the month when the day does not exist).
    pub fn add_months(self, months: u32) -> Day {
        let d = self
            .iso()
            .try_added_with_options(
                DateDuration {
                    months,
                    ..DateDuration::default()
                },
                DateAddOptions::default(),
            )
            .expect("within the calendar's range");
        Day::from_iso(&d)
    }

    /// The day `days` days later (or earlier when negative).
    pub fn add_days(self, days: i32) -> Day {
        let d = self
            .iso()
            .try_added_with_options(DateDuration::for_days(days), DateAddOptions::default())
            .expect("within the calendar's range");
        Day::from_iso(&d)
    }

    /// Today in Saudi Arabia (UTC+3, no daylight saving).
    pub fn today() -> Day {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let days = (secs + 3 * 3600) / 86_400;
        Day {
            year: 1970,
            month: 1,
            day: 1,
        }
        .add_days(days as i32)
    }

    /// The day in Arabic words and the site's digits, e.g. "5 أبريل 2021م".
    pub fn gregorian_text(self, digits: Digits) -> String {
        let text = format!(
            "{} {} {}م",
            self.day,
            GREGORIAN_MONTHS[usize::from(self.month - 1)],
            self.year
        );
        digits::localise(&text, digits)
    }

    /// The day shown in `calendar`: "23 شعبان 1442هـ", "5 أبريل 2021م", or both joined by الموافق.
    /// `hijri` is the Hijri date as a document states it; by default it is computed.
    pub fn display(self, calendar: Calendar, digits: Digits, hijri: Option<HijriDay>) -> String {
        let hijri = hijri.unwrap_or_else(|| self.to_hijri());
        match calendar {
            Calendar::Gregorian => self.gregorian_text(digits),
            Calendar::Hijri => hijri.text(digits),
            Calendar::Both => format!(
                "{} الموافق {}",
                hijri.text(digits),
                self.gregorian_text(digits)
            ),
        }
    }
}

impl HijriDay {
    /// Reads `YYYY-MM-DD` as an Umm al-Qura date; `None` when the day does not exist in it.
    pub fn parse(text: &str) -> Option<HijriDay> {
        let (year, month, day) = parse_ymd(text)?;
        Date::try_new_hijri_with_calendar(year, month, day, Hijri::new_umm_al_qura()).ok()?;
        Some(HijriDay { year, month, day })
    }

    fn date(self) -> Date<Hijri<UmmAlQura>> {
        Date::try_new_hijri_with_calendar(self.year, self.month, self.day, Hijri::new_umm_al_qura())
            .expect("checked when made")
    }

    /// The same day in the Gregorian calendar.
    pub fn to_gregorian(self) -> Day {
        Day::from_iso(&self.date().to_calendar(Iso))
    }

    /// The day in Arabic words and the site's digits, e.g. "23 شعبان 1442هـ".
    pub fn text(self, digits: Digits) -> String {
        let text = format!(
            "{} {} {}هـ",
            self.day,
            HIJRI_MONTHS[usize::from(self.month - 1)],
            self.year
        );
        digits::localise(&text, digits)
    }
}

/// A moment read from RFC 3339 (`2025-10-20T07:30:00Z`, `…+03:00`), as a day and time in Saudi
/// Arabia (UTC+3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub day: Day,
    pub hour: u8,
    pub minute: u8,
}

impl Moment {
    /// Reads an RFC 3339 timestamp; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Moment> {
        let day = Day::parse(text.get(..10)?)?;
        let rest = text.get(10..)?;
        let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
        let num = |s: Option<&str>| -> Option<i32> {
            let s = s?;
            s.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| s.parse().ok())?
        };
        let (hour, minute) = (num(rest.get(..2))?, num(rest.get(3..5))?);
        if rest.get(2..3)? != ":" || hour > 23 || minute > 59 {
            return None;
        }
        let zone =
            rest[5..].trim_start_matches(|c: char| c.is_ascii_digit() || c == ':' || c == '.');
        let offset = match zone {
            "Z" | "z" => 0,
            _ => {
                let sign = match zone.get(..1)? {
                    "+" => 1,
                    "-" => -1,
                    _ => return None,
                };
                if zone.len() != 6 || zone.get(3..4)? != ":" {
                    return None;
                }
                sign * (num(zone.get(1..3))? * 60 + num(zone.get(4..6))?)
            }
        };
        // Minutes after midnight in Riyadh, then carried into the day.
        let minutes = hour * 60 + minute - offset + 180;
        let (days, minutes) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
        Some(Moment {
            day: day.add_days(days),
            hour: (minutes / 60) as u8,
            minute: (minutes % 60) as u8,
        })
    }

    /// The time of day in Arabic, 12-hour clock, e.g. "10:30 ص".
    pub fn time_text(self, digits: Digits) -> String {
        let (h, half) = match self.hour {
            0 => (12, "ص"),
            1..=11 => (self.hour, "ص"),
            12 => (12, "م"),
            _ => (self.hour - 12, "م"),
        };
        digits::localise(&format!("{h}:{:02} {half}", self.minute), digits)
    }
}

/// Shows an ISO date or an RFC 3339 timestamp as the site does (with the time, for timestamps);
/// `None` when the text is neither.
pub fn display(text: &str, calendar: Calendar, digits: Digits) -> Option<String> {
    let text = text.trim();
    if text.len() == 10 {
        return Day::parse(text).map(|d| d.display(calendar, digits, None));
    }
    let m = Moment::parse(text)?;
    Some(format!(
        "{}، الساعة {}",
        m.day.display(calendar, digits, None),
        m.time_text(digits)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    #[test]
    fn umm_al_qura_dates_of_the_two_approvals() {
        // Aman: 20 October 2025 is 28 Rabi' al-Thani 1447 under Umm al-Qura.
        assert_eq!(day("2025-10-20").to_hijri().to_string(), "1447-04-28");
        // Qana: 23 Sha'ban 1442 is 5 April 2021 (the policy writes 6 April beside it).
        let h = HijriDay::parse("1442-08-23").unwrap();
        assert_eq!(h.to_gregorian(), day("2021-04-05"));
        assert_eq!(day("2021-04-05").to_hijri(), h);
    }

    #[test]
    fn both_calendars_in_arabic_words_and_digits() {
        assert_eq!(
            day("2021-04-05").display(Calendar::Both, Digits::ArabicIndic, None),
            "٢٣ شعبان ١٤٤٢هـ الموافق ٥ أبريل ٢٠٢١م"
        );
        assert_eq!(
            day("2025-10-20").display(Calendar::Gregorian, Digits::Western, None),
            "20 أكتوبر 2025م"
        );
        assert_eq!(
            day("2025-10-20").display(Calendar::Hijri, Digits::Western, None),
            "28 ربيع الآخر 1447هـ"
        );
    }

    #[test]
    fn a_stated_hijri_date_is_shown_as_written() {
        let stated = HijriDay::parse("1442-08-23").unwrap();
        assert_eq!(
            day("2021-04-06").display(Calendar::Both, Digits::Western, Some(stated)),
            "23 شعبان 1442هـ الموافق 6 أبريل 2021م"
        );
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(Day::parse("2025-02-30").is_none());
        assert!(Day::parse("20-10-2025").is_none());
        assert!(HijriDay::parse("1442-13-01").is_none());
    }

    #[test]
    fn months_are_added_with_the_calendar() {
        assert_eq!(day("2025-10-20").add_months(12), day("2026-10-20"));
        assert_eq!(day("2024-01-31").add_months(1), day("2024-02-29"));
    }

    #[test]
    fn timestamps_are_shown_in_riyadh_time() {
        let m = Moment::parse("2025-10-20T22:15:00Z").unwrap();
        assert_eq!((m.day, m.hour, m.minute), (day("2025-10-21"), 1, 15));
        assert_eq!(m.time_text(Digits::Western), "1:15 ص");
        let m = Moment::parse("2025-10-20T13:05:09.123+03:00").unwrap();
        assert_eq!(m.time_text(Digits::ArabicIndic), "١:٠٥ م");
        assert!(Moment::parse("2025-10-20T13:05").is_none());
    }
}
