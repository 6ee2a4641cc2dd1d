//! The periodic report: for a month, quarter or year, the satisfaction survey's responses (by
//! channel, each rating question's distribution, mean and CSAT, by service) and the service
//! quality of each trackable form (received, closed, median days to the first answer and to
//! closing, closed within the time the form promises, overdue now). Read with the table's index
//! (one query per form and status over the period's received times), never a scan.
//!
//! Staff get every figure (HTML and CSV); the public file (`data/reports/{period}.yaml`, see
//! [`forms::report`]) leaves out every figure of fewer than [`MIN_GROUP`] people, and a second
//! group where the one left out could be found by subtraction.

use std::collections::BTreeMap;

use forms::dates::Day;
use forms::render::escape_html;
use forms::report::{
    MIN_GROUP, Period, PeriodCalendar, QualityFile, QuestionFile, ReportFile, ServiceFile,
    SurveyChannel, SurveyFile,
};
use forms::{FieldType, FormDef, Value};

use super::export::csv_cell;
use super::{Filter, Staff, StaffError};
use crate::clock::epoch_of;
use crate::record::Record;

/// What to report on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRequest {
    pub period: Period,
    pub calendar: PeriodCalendar,
    /// The survey's form (default: `survey`, else the first untracked form with a rating).
    pub survey: Option<String>,
    /// The survey's choice field that says which service it is about, if any.
    pub service_field: Option<String>,
    /// The day "overdue now" is counted on.
    pub today: Day,
}

/// One rating question's answers: how many chose 1, 2, … up to its scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub field: String,
    pub label: String,
    pub distribution: Vec<u64>,
}

impl Question {
    /// How many answered it.
    pub fn answers(&self) -> u64 {
        self.distribution.iter().sum()
    }

    /// The mean rating; `None` without answers.
    pub fn mean(&self) -> Option<f64> {
        let n = self.answers();
        (n > 0).then(|| {
            let sum: u64 = self
                .distribution
                .iter()
                .enumerate()
                .map(|(i, c)| (i as u64 + 1) * c)
                .sum();
            sum as f64 / n as f64
        })
    }

    /// The share of 4 and 5, on a 1–5 scale.
    pub fn csat(&self) -> Option<f64> {
        let n = self.answers();
        (self.distribution.len() == 5 && n > 0)
            .then(|| (self.distribution[3] + self.distribution[4]) as f64 / n as f64)
    }
}

/// One service's responses.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub value: String,
    pub label: String,
    pub responses: u64,
    pub questions: Vec<Question>,
}

/// The survey's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    pub form: String,
    pub title: String,
    pub responses: u64,
    pub channels: BTreeMap<SurveyChannel, u64>,
    pub questions: Vec<Question>,
    pub service_field: Option<String>,
    pub services: Vec<Service>,
}

/// One trackable form's service quality.
#[derive(Debug, Clone, PartialEq)]
pub struct Quality {
    pub form: String,
    pub title: String,
    pub received: u64,
    /// Declined or completed.
    pub closed: u64,
    pub median_days_first_answer: Option<f64>,
    pub median_days_to_close: Option<f64>,
    /// Where the form promises an answer within some days: how many were closed within them,
    /// and how many are still open past them on the report's day.
    pub promise_days: Option<u32>,
    pub closed_within: Option<u64>,
    pub overdue: Option<u64>,
}

/// A period's report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub period: Period,
    pub calendar: PeriodCalendar,
    pub survey: Option<Survey>,
    pub quality: Vec<Quality>,
}

impl Staff {
    /// The report of a period, from the submissions received in it (read with the index).
    pub async fn report(&self, request: &ReportRequest) -> Result<Report, StaffError> {
        let (from, until) = request
            .period
            .utc_bounds(request.calendar)
            .ok_or_else(|| StaffError("the period is outside the calendar".into()))?;
        let records = self
            .list(&Filter {
                since: Some(from),
                until: Some(until),
                ..Filter::default()
            })
            .await?;
        let forms: Vec<&FormDef> = self.content.forms.values().collect();
        report_of(&records, &forms, request)
    }
}

/// The survey form: the one named, else `survey`, else the first untracked form with a rating.
fn survey_form<'a>(
    forms: &[&'a FormDef],
    named: Option<&str>,
) -> Result<Option<&'a FormDef>, StaffError> {
    if let Some(id) = named {
        return forms
            .iter()
            .find(|f| f.id == id)
            .copied()
            .map(Some)
            .ok_or_else(|| StaffError(format!("no form {id:?}")));
    }
    let rated = |f: &&&FormDef| f.fields.iter().any(|x| x.kind == FieldType::Rating);
    Ok(forms
        .iter()
        .find(|f| f.id == "survey")
        .or_else(|| forms.iter().filter(|f| !f.trackable).find(rated))
        .copied())
}

fn questions_of(form: &FormDef, records: &[&Record]) -> Vec<Question> {
    form.fields
        .iter()
        .filter(|f| f.kind == FieldType::Rating)
        .map(|f| {
            let scale = usize::from(f.scale.unwrap_or(5));
            let mut distribution = vec![0; scale];
            for r in records {
                if let Some(Value::One(v)) = r.values.get(&f.name)
                    && let Ok(n) = v.parse::<usize>()
                    && (1..=scale).contains(&n)
                {
                    distribution[n - 1] += 1;
                }
            }
            Question {
                field: f.name.clone(),
                label: f.label.clone(),
                distribution,
            }
        })
        .collect()
}

fn days_between(from: &str, to: &str) -> Option<f64> {
    Some((epoch_of(to)? - epoch_of(from)?) as f64 / 86_400.0)
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let mid = xs.len() / 2;
    Some(if xs.len() % 2 == 1 {
        xs[mid]
    } else {
        (xs[mid - 1] + xs[mid]) / 2.0
    })
}

fn quality_of(form: &FormDef, records: &[&Record], today: Day) -> Quality {
    let closed: Vec<&&Record> = records.iter().filter(|r| !r.status.is_open()).collect();
    // The first change after receipt is the first answer; the last change to declined or
    // completed is the closing.
    let first_answers = records
        .iter()
        .filter_map(|r| days_between(&r.received_at, &r.history.get(1)?.at))
        .collect();
    let close_at = |r: &Record| {
        r.history
            .iter()
            .rev()
            .find(|c| !c.status.is_open())
            .map(|c| c.at.clone())
    };
    let to_close: Vec<f64> = closed
        .iter()
        .filter_map(|r| days_between(&r.received_at, &close_at(r)?))
        .collect();
    let promise = form.response.as_ref().filter(|r| r.is_promise());
    let closed_within = promise.map(|p| {
        closed
            .iter()
            .filter(|r| {
                close_at(r)
                    .and_then(|at| days_between(&r.received_at, &at))
                    .is_some_and(|d| d <= f64::from(p.days))
            })
            .count() as u64
    });
    let overdue = promise.map(|_| {
        records
            .iter()
            .filter(|r| r.status.is_open())
            .filter(|r| {
                r.expected_by
                    .as_deref()
                    .and_then(Day::parse)
                    .is_some_and(|due| due < today)
            })
            .count() as u64
    });
    Quality {
        form: form.id.clone(),
        title: form.title.clone(),
        received: records.len() as u64,
        closed: closed.len() as u64,
        median_days_first_answer: median(first_answers),
        median_days_to_close: median(to_close),
        promise_days: promise.map(|p| p.days),
        closed_within,
        overdue,
    }
}

/// The report of `records` (those received in the period) for `forms`.
pub fn report_of(
    records: &[Record],
    forms: &[&FormDef],
    request: &ReportRequest,
) -> Result<Report, StaffError> {
    let of = |id: &str| -> Vec<&Record> { records.iter().filter(|r| r.form == id).collect() };
    let survey = match survey_form(forms, request.survey.as_deref())? {
        None => None,
        Some(form) => {
            let answers = of(&form.id);
            let mut channels = BTreeMap::new();
            for r in &answers {
                *channels.entry(r.came_by()).or_insert(0) += 1;
            }
            let field = match &request.service_field {
                Some(name) => Some(
                    form.field(name)
                        .filter(|f| f.kind == FieldType::Choice)
                        .ok_or_else(|| {
                            StaffError(format!(
                                "the survey {} has no choice field {name:?}",
                                form.id
                            ))
                        })?,
                ),
                None => None,
            };
            let services = field
                .map(|f| {
                    f.options
                        .iter()
                        .map(|o| {
                            let chosen: Vec<&Record> = answers
                                .iter()
                                .filter(|r| match r.values.get(&f.name) {
                                    Some(Value::One(v)) => *v == o.value,
                                    Some(Value::Many(vs)) => vs.contains(&o.value),
                                    None => false,
                                })
                                .copied()
                                .collect();
                            Service {
                                value: o.value.clone(),
                                label: o.label.clone(),
                                responses: chosen.len() as u64,
                                questions: questions_of(form, &chosen),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(Survey {
                form: form.id.clone(),
                title: form.title.clone(),
                responses: answers.len() as u64,
                channels,
                questions: questions_of(form, &answers),
                service_field: field.map(|f| f.name.clone()),
                services,
            })
        }
    };
    let quality = forms
        .iter()
        .filter(|f| f.trackable)
        .map(|f| quality_of(f, &of(&f.id), request.today))
        .collect();
    Ok(Report {
        period: request.period,
        calendar: request.calendar,
        survey,
        quality,
    })
}

/// The groups' counts that may be published: none under [`MIN_GROUP`], and, when what is left
/// out of `total` would be under it too (so subtraction would reveal it), the next smallest
/// left out as well.
fn publishable(total: u64, counts: &[u64]) -> Vec<bool> {
    let mut keep: Vec<bool> = counts.iter().map(|&c| c >= MIN_GROUP).collect();
    loop {
        let shown: u64 = counts
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| c)
            .sum();
        let hidden = total - shown.min(total);
        if hidden == 0 || hidden >= MIN_GROUP {
            return keep;
        }
        match counts
            .iter()
            .enumerate()
            .filter(|(i, _)| keep[*i])
            .min_by_key(|(_, c)| **c)
        {
            Some((i, _)) => keep[i] = false,
            None => return keep,
        }
    }
}

fn question_file(q: &Question) -> Option<QuestionFile> {
    (q.answers() >= MIN_GROUP).then(|| QuestionFile {
        field: q.field.clone(),
        distribution: q.distribution.clone(),
    })
}

impl Report {
    /// The public file: aggregates only, every figure of fewer than [`MIN_GROUP`] left out.
    pub fn public(&self) -> ReportFile {
        let survey = self
            .survey
            .as_ref()
            .filter(|s| s.responses >= MIN_GROUP)
            .map(|s| {
                let counts: Vec<u64> = s.channels.values().copied().collect();
                let keep = publishable(s.responses, &counts);
                let channels = s
                    .channels
                    .iter()
                    .zip(keep)
                    .filter(|(_, k)| *k)
                    .map(|((c, n), _)| (*c, *n))
                    .collect();
                let counts: Vec<u64> = s.services.iter().map(|v| v.responses).collect();
                let keep = publishable(s.responses, &counts);
                let services: Vec<ServiceFile> = s
                    .services
                    .iter()
                    .zip(keep)
                    .filter(|(_, k)| *k)
                    .map(|(v, _)| ServiceFile {
                        value: v.value.clone(),
                        responses: v.responses,
                        questions: v.questions.iter().filter_map(question_file).collect(),
                    })
                    .collect();
                SurveyFile {
                    form: s.form.clone(),
                    responses: s.responses,
                    channels,
                    questions: s.questions.iter().filter_map(question_file).collect(),
                    service_field: s.service_field.clone().filter(|_| !services.is_empty()),
                    services,
                }
            });
        let round = |d: Option<f64>| d.map(|d| (d * 10.0).round() / 10.0);
        ReportFile {
            calendar: self.calendar,
            survey,
            quality: self
                .quality
                .iter()
                .filter(|q| q.received >= MIN_GROUP)
                .map(|q| QualityFile {
                    form: q.form.clone(),
                    received: q.received,
                    closed: q.closed,
                    median_days_first_answer: round(q.median_days_first_answer),
                    median_days_to_close: round(q.median_days_to_close),
                    closed_within: q.closed_within,
                    overdue: q.overdue,
                })
                .collect(),
        }
    }

    /// The staff report's rows: section, what, value (every figure, small ones included).
    pub fn rows(&self) -> Vec<[String; 3]> {
        let mut rows = Vec::new();
        let num = |d: Option<f64>| d.map_or("—".to_string(), |d| format!("{d:.1}"));
        if let Some(s) = &self.survey {
            let sec = format!("رضا المستفيدين: {}", s.title);
            rows.push([sec.clone(), "عدد الردود".into(), s.responses.to_string()]);
            for (c, n) in &s.channels {
                rows.push([sec.clone(), format!("الردود: {}", c.label()), n.to_string()]);
            }
            let mut question_rows = |sec: &str, qs: &[Question]| {
                for q in qs {
                    rows.push([
                        sec.to_string(),
                        format!("{}: المتوسط", q.label),
                        num(q.mean()),
                    ]);
                    rows.push([
                        sec.to_string(),
                        format!("{}: نسبة الرضا (4 و5)", q.label),
                        q.csat()
                            .map_or("—".into(), |c| format!("{:.0}%", c * 100.0)),
                    ]);
                    for (i, n) in q.distribution.iter().enumerate() {
                        rows.push([
                            sec.to_string(),
                            format!("{}: الدرجة {}", q.label, i + 1),
                            n.to_string(),
                        ]);
                    }
                }
            };
            question_rows(&sec, &s.questions);
            for v in &s.services {
                let sec = format!("{sec} — {}", v.label);
                rows.push([sec.clone(), "عدد الردود".into(), v.responses.to_string()]);
                let mut question_rows = |qs: &[Question]| {
                    for q in qs {
                        rows.push([sec.clone(), format!("{}: المتوسط", q.label), num(q.mean())]);
                    }
                };
                question_rows(&v.questions);
            }
        }
        for q in &self.quality {
            let sec = format!("جودة الخدمة: {}", q.title);
            rows.push([sec.clone(), "الواردة".into(), q.received.to_string()]);
            rows.push([sec.clone(), "المغلقة".into(), q.closed.to_string()]);
            rows.push([
                sec.clone(),
                "الوسيط حتى أول رد (يوم)".into(),
                num(q.median_days_first_answer),
            ]);
            rows.push([
                sec.clone(),
                "الوسيط حتى الإغلاق (يوم)".into(),
                num(q.median_days_to_close),
            ]);
            if let (Some(d), Some(w)) = (q.promise_days, q.closed_within) {
                rows.push([sec.clone(), format!("أُغلقت خلال {d} يومًا"), w.to_string()]);
            }
            if let Some(o) = q.overdue {
                rows.push([sec.clone(), "متأخرة الآن عن المدة".into(), o.to_string()]);
            }
        }
        rows
    }

    /// The staff report as CSV: UTF-8 with a byte-order mark, cells neutralised as the export's.
    pub fn csv(&self) -> Vec<u8> {
        let mut out = Vec::from("\u{FEFF}".as_bytes());
        let mut line = |cells: &[String]| {
            let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
            out.extend_from_slice(row.join(",").as_bytes());
            out.extend_from_slice(b"\r\n");
        };
        line(&["القسم".into(), "البند".into(), "القيمة".into()]);
        for r in self.rows() {
            line(&r);
        }
        out
    }

    /// The staff report as one HTML page (Arabic, right to left), for reading or printing.
    pub fn html(&self, association: &str) -> String {
        let period = self.period.key();
        let mut body = String::new();
        let mut section = String::new();
        for [sec, what, value] in self.rows() {
            if sec != section {
                if !section.is_empty() {
                    body.push_str("</tbody></table>\n");
                }
                body.push_str(&format!("<h2>{}</h2>\n<table><tbody>\n", escape_html(&sec)));
                section = sec;
            }
            body.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n",
                escape_html(&what),
                escape_html(&value)
            ));
        }
        if !section.is_empty() {
            body.push_str("</tbody></table>\n");
        }
        format!(
            "<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>تقرير {period}: {assoc}</title>\n\
             <style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}}\
             table{{border-collapse:collapse;width:100%}}th,td{{text-align:start;border-bottom:1px solid #ccc;padding:.3rem}}</style>\n\
             </head>\n<body>\n<h1>تقرير رضا المستفيدين وجودة الخدمة: {period}</h1>\n\
             <p>للعاملين في {assoc}: فيه كل الأرقام، ومنها ما يقل عن {MIN_GROUP} فلا يُنشر.</p>\n{body}</body>\n</html>\n",
            period = escape_html(&period),
            assoc = escape_html(association),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_group_is_left_out_with_another_when_subtraction_would_reveal_it() {
        // 20 = 12 + 6 + 2: the 2 goes; 20 − 18 = 2 would reveal it, so the 6 goes too.
        assert_eq!(publishable(20, &[12, 6, 2]), [true, false, false]);
        assert_eq!(publishable(20, &[15, 5]), [true, true]);
        // 30 = 20 + 7 + 3: without the 3, 27 shown and 3 hidden: the 7 goes as well.
        assert_eq!(publishable(30, &[20, 7, 3]), [true, false, false]);
        assert_eq!(publishable(10, &[10]), [true]);
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(Vec::new()), None);
    }
}
