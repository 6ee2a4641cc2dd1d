//! The periodic reports' shared facts: a period (month, quarter or year, Gregorian or Umm
//! al-Qura) and the public report file (`data/reports/{period}.yaml` in a content folder), which
//! the staff command (`form-fn-admin report --public`) writes and the site generator reads.
//! The file holds aggregates only, and no figure of fewer than [`MIN_GROUP`] people.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dates::{Day, GREGORIAN_MONTHS, HIJRI_MONTHS, HijriDay};
use crate::digits;
use crate::digits::Digits;

/// The folder of the public report files, in a content folder.
pub const REPORTS_DIR: &str = "data/reports";

/// The fewest responses (or requests) a published figure may count.
pub const MIN_GROUP: u64 = 5;

/// The calendar a period is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodCalendar {
    Gregorian,
    Hijri,
}

/// The channels a survey answer can come by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyChannel {
    /// The survey form on the site.
    Web,
    /// A field interview, entered by staff.
    InPerson,
    /// An interview by phone, entered by staff.
    Phone,
}

impl SurveyChannel {
    /// Its name in Arabic.
    pub fn label(self) -> &'static str {
        match self {
            SurveyChannel::Web => "الاستبيان الإلكتروني",
            SurveyChannel::InPerson => "المقابلة الميدانية",
            SurveyChannel::Phone => "المقابلة الهاتفية",
        }
    }
}

/// A report file as written.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportFile {
    pub calendar: PeriodCalendar,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<SurveyFile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quality: Vec<QualityFile>,
}

impl ReportFile {
    /// The file's YAML, as `site-gen` reads it.
    pub fn to_yaml(&self) -> String {
        serde_norway::to_string(self).expect("a report serialises")
    }

    /// Reads a file's YAML (the site generator reports its problems at their place instead).
    pub fn from_yaml(text: &str) -> Result<ReportFile, String> {
        serde_norway::from_str(text).map_err(|e| e.to_string())
    }
}

/// The survey's part.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyFile {
    pub form: String,
    pub responses: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub channels: BTreeMap<SurveyChannel, u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<QuestionFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_field: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceFile>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
/// One rating question: how many answered each rating.
pub struct QuestionFile {
    pub field: String,
    pub distribution: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
/// One service (an option of the survey's service field).
pub struct ServiceFile {
    pub value: String,
    pub responses: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<QuestionFile>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
/// One form's requests.
pub struct QualityFile {
    pub form: String,
    pub received: u64,
    pub closed: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_days_first_answer: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_days_to_close: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_within: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue: Option<u64>,
}

/// A month, quarter or year of one calendar, as a report file's name writes it (`2026-03`,
/// `2026-Q1`, `2026`; a Hijri year such as `1447-09` when the file's calendar is `hijri`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Period {
    pub year: i32,
    /// The first month (1–12) and how many months.
    pub month: u8,
    pub months: u8,
}

impl Period {
    /// Reads a file name's period; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Period> {
        let (year, rest) = match text.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (text, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        match rest {
            None => Some(Period {
                year,
                month: 1,
                months: 12,
            }),
            Some(q) if q.len() == 2 && q.starts_with('Q') => {
                let n: u8 = q[1..].parse().ok().filter(|n| (1..=4).contains(n))?;
                Some(Period {
                    year,
                    month: (n - 1) * 3 + 1,
                    months: 3,
                })
            }
            Some(m) if m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()) => {
                let month: u8 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
                Some(Period {
                    year,
                    month,
                    months: 1,
                })
            }
            _ => None,
        }
    }

    /// The period's name in Arabic and the site's digits: «مارس 2026م», «الربع الأول من 1447هـ»,
    /// «عام 2026م».
    pub fn label(self, calendar: PeriodCalendar, digits: Digits) -> String {
        let era = match calendar {
            PeriodCalendar::Gregorian => "م",
            PeriodCalendar::Hijri => "هـ",
        };
        let year = format!("{}{era}", self.year);
        let text = match self.months {
            1 => {
                let names = match calendar {
                    PeriodCalendar::Gregorian => GREGORIAN_MONTHS,
                    PeriodCalendar::Hijri => HIJRI_MONTHS,
                };
                format!("{} {year}", names[usize::from(self.month - 1)])
            }
            3 => {
                let nth = ["الأول", "الثاني", "الثالث", "الرابع"][usize::from(self.month / 3)];
                format!("الربع {nth} من {year}")
            }
            _ => format!("عام {year}"),
        };
        digits::localise(&text, digits)
    }

    /// Its first and last days, in the Gregorian calendar (Umm al-Qura for a Hijri period).
    pub fn days(self, calendar: PeriodCalendar) -> Option<(Day, Day)> {
        let start = |year: i32, month: u8| match calendar {
            PeriodCalendar::Gregorian => Day::parse(&format!("{year:04}-{month:02}-01")),
            PeriodCalendar::Hijri => {
                HijriDay::parse(&format!("{year:04}-{month:02}-01")).map(HijriDay::to_gregorian)
            }
        };
        let next = u32::from(self.month) - 1 + u32::from(self.months);
        let first = start(self.year, self.month)?;
        let after = start(self.year + (next / 12) as i32, (next % 12) as u8 + 1)?;
        Some((first, after.add_days(-1)))
    }
    /// The period's name in files and addresses: `2026-03`, `2026-Q1`, `2026`.
    pub fn key(self) -> String {
        match self.months {
            1 => format!("{:04}-{:02}", self.year, self.month),
            3 => format!("{:04}-Q{}", self.year, self.month / 3 + 1),
            _ => format!("{:04}", self.year),
        }
    }

    /// The bounds of its received times, in RFC 3339 UTC as the table stores them: from the start
    /// of its first day in Riyadh (UTC+3) to the start of the day after its last.
    pub fn utc_bounds(self, calendar: PeriodCalendar) -> Option<(String, String)> {
        let (first, last) = self.days(calendar)?;
        Some((
            format!("{}T21:00:00Z", first.add_days(-1)),
            format!("{last}T21:00:00Z"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_from_file_names_with_their_days() {
        let q = Period::parse("2026-Q2").unwrap();
        assert_eq!(
            q.label(PeriodCalendar::Gregorian, Digits::Western),
            "الربع الثاني من 2026م"
        );
        let (a, b) = q.days(PeriodCalendar::Gregorian).unwrap();
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2026-04-01".into(), "2026-06-30".into())
        );
        let m = Period::parse("1447-09").unwrap();
        assert_eq!(
            m.label(PeriodCalendar::Hijri, Digits::ArabicIndic),
            "رمضان ١٤٤٧هـ"
        );
        // Ramadan 1447 under Umm al-Qura.
        let (a, b) = m.days(PeriodCalendar::Hijri).unwrap();
        assert_eq!(a.to_hijri().to_string(), "1447-09-01");
        assert_eq!(b.add_days(1).to_hijri().to_string(), "1447-10-01");
        assert_eq!(
            Period::parse("2026")
                .unwrap()
                .days(PeriodCalendar::Gregorian)
                .unwrap()
                .1
                .to_string(),
            "2026-12-31"
        );
        for bad in ["2026-13", "2026-Q5", "26", "2026-1", "report"] {
            assert!(Period::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_period_names_its_file_and_bounds_its_received_times_in_riyadh() {
        for key in ["2026-03", "2026-Q4", "2026"] {
            assert_eq!(Period::parse(key).unwrap().key(), key);
        }
        let (from, to) = Period::parse("2026-03")
            .unwrap()
            .utc_bounds(PeriodCalendar::Gregorian)
            .unwrap();
        assert_eq!(
            (from.as_str(), to.as_str()),
            ("2026-02-28T21:00:00Z", "2026-03-31T21:00:00Z")
        );
    }

    #[test]
    fn a_report_file_reads_back_as_written() {
        let file = ReportFile {
            calendar: PeriodCalendar::Hijri,
            survey: Some(SurveyFile {
                form: "survey".into(),
                responses: 12,
                channels: BTreeMap::from([(SurveyChannel::Web, 7), (SurveyChannel::InPerson, 5)]),
                questions: vec![QuestionFile {
                    field: "overall".into(),
                    distribution: vec![1, 1, 2, 3, 5],
                }],
                service_field: None,
                services: Vec::new(),
            }),
            quality: Vec::new(),
        };
        let yaml = file.to_yaml();
        assert!(yaml.contains("in_person: 5"), "{yaml}");
        assert!(!yaml.contains("services"), "{yaml}");
        assert_eq!(serde_norway::from_str::<ReportFile>(&yaml).unwrap(), file);
    }
}
