//! The public periodic reports (`data/reports/{period}.yaml`, format in [`forms::report`]): aggregates of the satisfaction
//! survey and of the service's requests for one month, quarter or year, as the staff command
//! writes them. They hold no personal data and no breakdown of fewer than [`MIN_GROUP`]
//! responses; `check` refuses a file that does, at the place where it is written. The mean and
//! the CSAT (share of 4 and 5 on a 1–5 scale) are computed here from each question's
//! distribution, so the file cannot hold figures that disagree.

use forms::report::{MIN_GROUP, Period, PeriodCalendar, QuestionFile, ReportFile, SurveyFile};
use forms::{Calendar, Digits, FieldType, FormDef, SiteConfig};
use serde::Serialize;

use crate::chart::{Bar, Chart, number, percent};
use crate::diagnostic::Diagnostic;
use forms::Text;

pub use forms::report::REPORTS_DIR;

/// The address of the list of reports.
pub const REPORTS_PATH: &str = "/reports/";

/// One question's figures.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionReport {
    pub field: String,
    pub label: String,
    pub answers: String,
    pub mean: String,
    /// The share of 4 and 5, for a question on a 1–5 scale.
    pub csat: Option<String>,
    pub chart: Chart,
}

/// One service's figures.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceReport {
    pub label: String,
    pub responses: String,
    pub questions: Vec<QuestionReport>,
}

/// The survey's figures.
#[derive(Debug, Clone, Serialize)]
pub struct SurveyReport {
    pub form_title: String,
    pub responses: String,
    pub channels: Option<Chart>,
    pub questions: Vec<QuestionReport>,
    pub services: Option<Chart>,
    pub service_details: Vec<ServiceReport>,
}

/// One form's service quality.
#[derive(Debug, Clone, Serialize)]
pub struct QualityReport {
    pub form_title: String,
    /// The facts, as label and value, in order.
    pub facts: Vec<[String; 2]>,
}

/// One period's report, as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodReport {
    /// The file's name without `.yaml`: the page's address is `/reports/{key}/`.
    pub key: String,
    pub path: String,
    pub label: String,
    /// «من … إلى …» in the site's calendar and digits.
    pub span: String,
    pub survey: Option<SurveyReport>,
    pub quality: Vec<QualityReport>,
    #[serde(skip)]
    pub period: Period,
    #[serde(skip)]
    pub calendar: PeriodCalendar,
    #[serde(skip)]
    pub total: Option<u64>,
}

/// Every report, oldest first, and the trend of responses across them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Reports {
    pub periods: Vec<PeriodReport>,
    pub trend: Option<Chart>,
}

/// Where in a report file a problem is: the line and column of `key:` after the lines that
/// contain each of `path` in turn.
fn at(text: &str, path: &[&str], key: &str) -> (usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0;
    for p in path {
        if let Some(i) = lines[from..].iter().position(|l| l.contains(p)) {
            from += i;
        }
    }
    let (l, c) = forms::source::locate_key(&lines[from..].join("\n"), key, None);
    (l + from, c)
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    problems: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, path: &[&str], key: &str, ar: String, en: String, hint: (&str, &str)) {
        let (l, c) = at(self.text, path, key);
        self.problems.push(
            Diagnostic::error(self.file, l, c, Text::new(ar, en)).hint(Text::new(hint.0, hint.1)),
        );
    }

    /// A count of fewer than [`MIN_GROUP`] is refused: it could point at a person.
    fn small(&mut self, path: &[&str], key: &str, count: u64) -> bool {
        if count >= MIN_GROUP {
            return false;
        }
        self.error(
            path,
            key,
            format!("لا يُنشر رقم يعدّ أقل من {MIN_GROUP} ({count}): قد يدل على أشخاص بأعيانهم"),
            format!("a figure counting fewer than {MIN_GROUP} ({count}) is not published: it could point at a person"),
            (
                "احذف هذا التفصيل من الملف (أمر form-fn-admin report يحذفه وحده)",
                "remove this breakdown from the file (form-fn-admin report leaves it out itself)",
            ),
        );
        true
    }

    /// What the groups leave unexplained of `total` must not be a small group either.
    fn remainder(&mut self, path: &[&str], key: &str, total: u64, groups: u64, what: &str) {
        if groups > total {
            self.error(
                path,
                key,
                format!("مجموع {what} ({groups}) أكبر من عدد الردود ({total})"),
                format!("the {what} add up to {groups}, more than the {total} responses"),
                (
                    "صحّح الأرقام أو أعد كتابة الملف بأمر form-fn-admin report",
                    "correct the figures or write the file again with form-fn-admin report",
                ),
            );
        } else if (1..MIN_GROUP).contains(&(total - groups)) {
            self.error(
                path,
                key,
                format!("الباقي من الردود بعد {what} هو {}، وهو أقل من {MIN_GROUP} فيُعرف بالطرح", total - groups),
                format!("the responses left after the {what} are {}, fewer than {MIN_GROUP}, which subtraction reveals", total - groups),
                ("احذف تفصيلًا آخر حتى يكون الباقي صفرًا أو 5 فأكثر", "leave out another breakdown so that what is left is 0 or at least 5"),
            );
        }
    }

    fn question(
        &mut self,
        form: &FormDef,
        q: &QuestionFile,
        path: &[&str],
        id: &str,
        digits: Digits,
    ) -> Option<QuestionReport> {
        let at_field = format!("field: {}", q.field);
        let mut path = path.to_vec();
        path.push(&at_field);
        let Some(field) = form
            .fields
            .iter()
            .find(|f| f.name == q.field && f.kind == FieldType::Rating)
        else {
            self.error(
                &path[..path.len() - 1],
                "field",
                format!("النموذج {} ليس فيه سؤال تقييم اسمه {:?}", form.id, q.field),
                format!(
                    "the form {} has no rating question named {:?}",
                    form.id, q.field
                ),
                (
                    "اكتب اسم حقل من نوع rating في النموذج",
                    "name a field of type rating of the form",
                ),
            );
            return None;
        };
        let scale = usize::from(field.scale.unwrap_or(5));
        if q.distribution.len() != scale {
            self.error(
                &path,
                "distribution",
                format!(
                    "التوزيع فيه {} أعداد والسؤال من 1 إلى {scale}",
                    q.distribution.len()
                ),
                format!(
                    "the distribution has {} counts but the question is rated 1 to {scale}",
                    q.distribution.len()
                ),
                (
                    "اكتب عدد من اختار كل درجة، من 1 إلى آخرها",
                    "write how many chose each rating, from 1 to the last",
                ),
            );
            return None;
        }
        let answers: u64 = q.distribution.iter().sum();
        if self.small(&path, "distribution", answers) {
            return None;
        }
        let weighted: u64 = q
            .distribution
            .iter()
            .enumerate()
            .map(|(i, n)| (i as u64 + 1) * n)
            .sum();
        let mean = weighted as f64 / answers as f64;
        let csat =
            (scale == 5).then(|| (q.distribution[3] + q.distribution[4]) as f64 / answers as f64);
        let bars: Vec<Bar> = q
            .distribution
            .iter()
            .enumerate()
            .map(|(i, n)| Bar {
                label: format!("الدرجة {}", number((i + 1) as f64, 0, digits)),
                value: *n as f64,
                text: number(*n as f64, 0, digits),
            })
            .collect();
        Some(QuestionReport {
            field: q.field.clone(),
            label: field.label.clone(),
            answers: number(answers as f64, 0, digits),
            mean: number(mean, 1, digits),
            csat: csat.map(|c| percent(c, digits)),
            chart: Chart::bars(
                id,
                &format!("توزيع الإجابات: {}", field.label),
                ["الدرجة", "عدد الإجابات"],
                &bars,
                digits,
            ),
        })
    }
}

impl PeriodReport {
    /// Reads and checks one report file (`key` is its name without `.yaml`).
    pub fn load(
        key: &str,
        file: &str,
        text: &str,
        config: &SiteConfig,
        forms: &[FormDef],
        problems: &mut Vec<Diagnostic>,
    ) -> Option<PeriodReport> {
        let digits = config.digits;
        let Some(period) = Period::parse(key) else {
            problems.push(
                Diagnostic::error(
                    file,
                    1,
                    1,
                    Text::new(
                        format!("اسم الملف {key:?} ليس فترة"),
                        format!("the file name {key:?} is not a period"),
                    ),
                )
                .hint(Text::new(
                    "سمّ الملف بالفترة: 2026-03 لشهر، 2026-Q1 لربع، 2026 لسنة",
                    "name the file for its period: 2026-03 for a month, 2026-Q1 for a quarter, 2026 for a year",
                )),
            );
            return None;
        };
        let raw: ReportFile = match serde_norway::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                problems.push(forms::SourceError::from_yaml(file, &e, 0).into());
                return None;
            }
        };
        let mut ck = Checker {
            file,
            text,
            problems,
        };
        let allowed = match config.calendar {
            Calendar::Gregorian => raw.calendar == PeriodCalendar::Gregorian,
            Calendar::Hijri => raw.calendar == PeriodCalendar::Hijri,
            Calendar::Both => true,
        };
        if !allowed {
            ck.error(
                &[],
                "calendar",
                "تقويم الفترة غير تقويم الموقع (calendar في site.yaml)".into(),
                "the period's calendar is not the site's (calendar in site.yaml)".into(),
                (
                    "اكتب الفترة بتقويم الموقع",
                    "write the period in the site's calendar",
                ),
            );
        }
        let Some((first, last)) = period.days(raw.calendar) else {
            ck.error(
                &[],
                "calendar",
                format!("الفترة {key} خارج تقويم أم القرى"),
                format!("the period {key} is outside the Umm al-Qura calendar"),
                ("تحقق من السنة", "check the year"),
            );
            return None;
        };
        let form = |id: &str| forms.iter().find(|f| f.id == id);

        let mut survey = None;
        let mut total = None;
        if let Some(s) = &raw.survey {
            match form(&s.form) {
                None => ck.error(
                    &["survey:"],
                    "form",
                    format!("لا يوجد نموذج اسمه {:?}", s.form),
                    format!("there is no form named {:?}", s.form),
                    (
                        "اكتب اسم ملف الاستبيان في forms/ دون .yaml",
                        "name the survey's file in forms/ without .yaml",
                    ),
                ),
                Some(f) if !ck.small(&["survey:"], "responses", s.responses) => {
                    total = Some(s.responses);
                    survey = Some(survey_report(&mut ck, f, s, key, digits));
                }
                Some(_) => {}
            }
        }

        let mut quality = Vec::new();
        for q in &raw.quality {
            let at_form = format!("form: {}", q.form);
            let path = ["quality:", at_form.as_str()];
            let Some(f) = form(&q.form) else {
                ck.error(
                    &["quality:"],
                    "form",
                    format!("لا يوجد نموذج اسمه {:?}", q.form),
                    format!("there is no form named {:?}", q.form),
                    (
                        "اكتب اسم ملف النموذج في forms/ دون .yaml",
                        "name the form's file in forms/ without .yaml",
                    ),
                );
                continue;
            };
            if ck.small(&path, "received", q.received) {
                continue;
            }
            if q.closed > q.received {
                ck.error(
                    &path,
                    "closed",
                    format!("المغلقة ({}) أكثر من الواردة ({})", q.closed, q.received),
                    format!("more closed ({}) than received ({})", q.closed, q.received),
                    ("صحّح الأرقام", "correct the figures"),
                );
            }
            let promise = f.response.as_ref().filter(|r| r.is_promise());
            if promise.is_none() && (q.closed_within.is_some() || q.overdue.is_some()) {
                let key = if q.closed_within.is_some() {
                    "closed_within"
                } else {
                    "overdue"
                };
                ck.error(
                    &path,
                    key,
                    format!("النموذج {} لا يَعِد بمدة للرد (response بنوع within)، فلا يُعدّ ما تأخر عنها", f.id),
                    format!("the form {} promises no response time (response of kind within), so nothing is late against one", f.id),
                    ("احذف closed_within وoverdue، أو اكتب في النموذج المدة التي ينص عليها النص", "remove closed_within and overdue, or give the form the time its text promises"),
                );
            }
            let n = |v: u64| number(v as f64, 0, digits);
            let days = |v: f64| format!("{} يوم", number(v, 1, digits));
            let mut facts = vec![
                ["الواردة".to_string(), n(q.received)],
                ["المغلقة".to_string(), n(q.closed)],
            ];
            if let Some(d) = q.median_days_first_answer {
                facts.push(["الوسيط حتى أول رد".into(), days(d)]);
            }
            if let Some(d) = q.median_days_to_close {
                facts.push(["الوسيط حتى الإغلاق".into(), days(d)]);
            }
            if let (Some(r), Some(w)) = (promise, q.closed_within) {
                facts.push([
                    format!("أُغلقت خلال {} يومًا", number(r.days as f64, 0, digits)),
                    format!(
                        "{} ({})",
                        n(w),
                        percent(w as f64 / q.closed.max(1) as f64, digits)
                    ),
                ]);
            }
            if let (Some(_), Some(o)) = (promise, q.overdue) {
                facts.push(["متأخرة الآن عن المدة".into(), n(o)]);
            }
            quality.push(QualityReport {
                form_title: f.title.clone(),
                facts,
            });
        }

        let calendar = config.calendar;
        Some(PeriodReport {
            key: key.to_string(),
            path: format!("{REPORTS_PATH}{key}/"),
            label: period.label(raw.calendar, digits),
            span: format!(
                "من {} إلى {}",
                first.display(calendar, digits, None),
                last.display(calendar, digits, None)
            ),
            survey,
            quality,
            period,
            calendar: raw.calendar,
            total,
        })
    }
}

fn survey_report(
    ck: &mut Checker,
    form: &FormDef,
    s: &SurveyFile,
    key: &str,
    digits: Digits,
) -> SurveyReport {
    let n = |v: u64| number(v as f64, 0, digits);
    let mut channels = Vec::new();
    for (channel, count) in &s.channels {
        let name = serde_norway::to_string(channel).unwrap_or_default();
        if !ck.small(&["survey:", "channels:"], name.trim(), *count) {
            channels.push(Bar {
                label: channel.label().into(),
                value: *count as f64,
                text: n(*count),
            });
        }
    }
    if !s.channels.is_empty() {
        ck.remainder(
            &["survey:"],
            "channels",
            s.responses,
            s.channels.values().sum(),
            "القنوات",
        );
    }
    let questions = s
        .questions
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            ck.question(
                form,
                q,
                &["survey:", "questions:"],
                &format!("r{key}-q{i}"),
                digits,
            )
        })
        .collect();

    let mut services = Vec::new();
    let mut details = Vec::new();
    if !s.services.is_empty() {
        let field = s.service_field.as_deref().and_then(|name| {
            form.fields
                .iter()
                .find(|f| f.name == name && f.kind == FieldType::Choice)
        });
        match field {
            None => ck.error(
                &["survey:"],
                if s.service_field.is_some() {
                    "service_field"
                } else {
                    "services"
                },
                format!(
                    "الاستبيان {} ليس فيه حقل اختيار باسم service_field يذكر الخدمة",
                    form.id
                ),
                format!(
                    "the survey {} has no choice field named by service_field to say the service",
                    form.id
                ),
                (
                    "اكتب في service_field اسم حقل الاختيار الذي يسأل عن الخدمة",
                    "set service_field to the choice field that asks for the service",
                ),
            ),
            Some(field) => {
                for (i, sv) in s.services.iter().enumerate() {
                    let at_value = format!("value: {}", sv.value);
                    let path = ["services:", at_value.as_str()];
                    let Some(option) = field.options.iter().find(|o| o.value == sv.value) else {
                        ck.error(
                            &["services:"],
                            "value",
                            format!("الحقل {} ليس فيه الخيار {:?}", field.name, sv.value),
                            format!("the field {} has no option {:?}", field.name, sv.value),
                            (
                                "اكتب قيمة أحد خيارات الحقل",
                                "write the value of one of the field's options",
                            ),
                        );
                        continue;
                    };
                    if ck.small(&path, "responses", sv.responses) {
                        continue;
                    }
                    services.push(Bar {
                        label: option.label.clone(),
                        value: sv.responses as f64,
                        text: n(sv.responses),
                    });
                    let questions = sv
                        .questions
                        .iter()
                        .enumerate()
                        .filter_map(|(j, q)| {
                            ck.question(form, q, &path, &format!("r{key}-s{i}-q{j}"), digits)
                        })
                        .collect();
                    details.push(ServiceReport {
                        label: option.label.clone(),
                        responses: n(sv.responses),
                        questions,
                    });
                }
                ck.remainder(
                    &["survey:"],
                    "services",
                    s.responses,
                    s.services.iter().map(|v| v.responses).sum(),
                    "الخدمات",
                );
            }
        }
    }
    SurveyReport {
        form_title: form.title.clone(),
        responses: n(s.responses),
        channels: (!channels.is_empty()).then(|| {
            Chart::bars(
                &format!("r{key}-channels"),
                "الردود حسب طريقة الاستبيان",
                ["الطريقة", "عدد الردود"],
                &channels,
                digits,
            )
        }),
        questions,
        services: (!services.is_empty()).then(|| {
            Chart::bars(
                &format!("r{key}-services"),
                "الردود حسب الخدمة",
                ["الخدمة", "عدد الردود"],
                &services,
                digits,
            )
        }),
        service_details: details,
    }
}

impl Reports {
    /// Orders the reports and charts the responses of each period.
    pub fn new(mut periods: Vec<PeriodReport>, digits: Digits) -> Reports {
        periods.sort_by_key(|p| (p.calendar == PeriodCalendar::Hijri, p.period));
        let bars: Vec<Bar> = periods
            .iter()
            .filter_map(|p| {
                Some(Bar {
                    label: p.label.clone(),
                    value: p.total? as f64,
                    text: number(p.total? as f64, 0, digits),
                })
            })
            .collect();
        let trend = (bars.len() > 1).then(|| {
            Chart::bars(
                "trend",
                "عدد ردود الاستبيان في كل فترة",
                ["الفترة", "عدد الردود"],
                &bars,
                digits,
            )
        });
        Reports { periods, trend }
    }
}
