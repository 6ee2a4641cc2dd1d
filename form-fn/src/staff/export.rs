//! The exports: CSV for a spreadsheet (UTF-8 with a byte-order mark, formulas neutralised) and
//! JSON, of any list of submissions.

use forms::FormDef;
use forms::normalise::display_code;
use forms::report::SurveyChannel;

use super::{Filter, Staff, StaffError};
use crate::record::Record;

impl Staff {
    /// The CSV export: UTF-8 with a byte-order mark (so Excel reads the Arabic), one row per
    /// submission, the forms' field labels as headers, every cell that a spreadsheet would take
    /// for a formula neutralised.
    pub fn csv(&self, records: &[Record], filter: &Filter) -> Result<Vec<u8>, StaffError> {
        Ok(self.csv_of(records, &self.forms(filter)?))
    }

    /// The CSV export of `records` with the fields of their forms as columns.
    pub fn csv_of_records(&self, records: &[Record]) -> Vec<u8> {
        let mut forms: Vec<&FormDef> = Vec::new();
        for r in records {
            if let Some(f) = self.content.form(&r.form)
                && !forms.iter().any(|x| x.id == f.id)
            {
                forms.push(f);
            }
        }
        self.csv_of(records, &forms)
    }

    /// The CSV export of `records` with the fields of `forms` as columns, in their order.
    pub fn csv_of(&self, records: &[Record], forms: &[&FormDef]) -> Vec<u8> {
        let mut fields: Vec<(&str, &str)> = Vec::new();
        for form in forms {
            for f in &form.fields {
                if !fields.iter().any(|(n, _)| *n == f.name) {
                    fields.push((&f.name, &f.label));
                }
            }
        }
        let mut out = Vec::from("\u{FEFF}".as_bytes());
        let mut header = vec![
            "رمز المتابعة",
            "النموذج",
            "الحالة",
            "تاريخ الاستلام",
            "آخر تحديث",
            "موعد الرد المتوقع",
            "رسالة إلى المستفيد",
            "القناة",
        ];
        header.extend(fields.iter().map(|(_, label)| *label));
        write_row(&mut out, header.iter().map(|s| s.to_string()));
        for r in records {
            let form = self.content.form(&r.form);
            let mut row = vec![
                display_code(&r.code),
                form.map_or(r.form.clone(), |f| f.title.clone()),
                r.status.label(self.kind_of(r)).to_string(),
                r.received_at.clone(),
                r.updated_at.clone(),
                r.expected_by.clone().unwrap_or_default(),
                r.message.clone().unwrap_or_default(),
                channel_cell(r.came_by()).to_string(),
            ];
            for (name, _) in &fields {
                let value = r.values.get(*name).map(|v| {
                    // Choices are shown by their label, as the sender saw them.
                    let field = form.and_then(|f| f.field(name));
                    let label = |x: &str| {
                        field
                            .and_then(|f| f.option_label(x))
                            .unwrap_or(x)
                            .to_string()
                    };
                    match v {
                        forms::Value::One(x) => label(x),
                        forms::Value::Many(xs) => {
                            xs.iter().map(|x| label(x)).collect::<Vec<_>>().join("، ")
                        }
                    }
                });
                row.push(value.unwrap_or_default());
            }
            write_row(&mut out, row.into_iter());
        }
        out
    }

    /// The JSON export: an array of submissions with grouped codes and status labels.
    pub fn json(&self, records: &[Record]) -> Vec<u8> {
        let list: Vec<serde_json::Value> = records
            .iter()
            .map(|r| record_json(r, self.kind_of(r)))
            .collect();
        let mut out = serde_json::to_vec_pretty(&list).expect("records serialise");
        out.push(b'\n');
        out
    }
}

/// A record as the JSON export and `show` write it; `kind` is its form's.
pub fn record_json(r: &Record, kind: forms::FormKind) -> serde_json::Value {
    let mut v = serde_json::to_value(r).expect("records serialise");
    v["code"] = serde_json::Value::String(display_code(&r.code));
    v["status_label"] = serde_json::Value::String(r.status.label(kind).to_string());
    v
}

/// How a submission came, as the export's column «القناة» says it for any form: from the site, or
/// a survey answer given in an interview and entered by staff (the report names the same channels
/// as a survey's: [`SurveyChannel::label`]).
pub fn channel_cell(channel: SurveyChannel) -> &'static str {
    match channel {
        SurveyChannel::Web => "الموقع",
        SurveyChannel::InPerson => "مقابلة ميدانية",
        SurveyChannel::Phone => "مقابلة هاتفية",
    }
}

/// A cell as written to CSV: neutralised if a spreadsheet would run it as a formula, then quoted.
pub fn csv_cell(text: &str) -> String {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let text = if risky {
        format!("'{text}")
    } else {
        text.to_string()
    };
    format!("\"{}\"", text.replace('"', "\"\""))
}

fn write_row(out: &mut Vec<u8>, cells: impl Iterator<Item = String>) {
    let line = cells.map(|c| csv_cell(&c)).collect::<Vec<_>>().join(",");
    out.extend_from_slice(line.as_bytes());
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quotes_doubled() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+966501234567"), "\"'+966501234567\"");
        assert_eq!(csv_cell("-1"), "\"'-1\"");
        assert_eq!(csv_cell("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(csv_cell("\tx"), "\"'\tx\"");
        assert_eq!(csv_cell("سارة"), "\"سارة\"");
    }
}
