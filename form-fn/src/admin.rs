//! The staff command (`form-fn-admin`): list submissions by form, status and date, show one, set
//! its status with a message to the beneficiary (seen on follow-up), and export to CSV or JSON.
//!
//! It runs with the staff member's own AWS credentials (profile, SSO or environment), never the
//! service's, so there is no new password to guard. Its DynamoDB calls are here, not in
//! [`crate::store`]: they need permissions the service does not have (query the index, change a
//! status).
//!
//! ```text
//! form-fn-admin [--table NAME] [--endpoint URL | --local] COMMAND
//!   list [--form F] [--status S | --open] [--since YYYY-MM-DD] [--json]
//!   show CODE
//!   set-status CODE STATUS [--message TEXT]
//!   export --format csv|json [--form F] [--status S | --open] [--since YYYY-MM-DD]
//! ```

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use forms::normalise::display_code;
use forms::{FormDef, FormKind, Status};

use crate::config::Config;
use crate::content::Content;
use crate::store::{Change, Record, history_entry, now_rfc3339};
use crate::table::{self, GSI, GSI_PK, GSI_SK, PK, SK};

/// The usage text.
pub const USAGE: &str = "\
form-fn-admin: follow the submissions of the form service.

Usage: form-fn-admin [--table NAME] [--endpoint URL | --local [--data-file FILE]] COMMAND

Commands:
  list [--form F] [--status S | --open] [--since YYYY-MM-DD] [--json]
      submissions, oldest first (--open: received, under_review, needs_info, accepted)
  show CODE
      one submission with every answer and its history
  set-status CODE STATUS [--message TEXT]
      STATUS is one of received, under_review, needs_info, accepted, declined, completed;
      the message is shown to the beneficiary on follow-up
  export --format csv|json [--form F] [--status S | --open] [--since YYYY-MM-DD]
      to standard output; CSV is UTF-8 with a BOM for Excel, formulas neutralised

The table is --table, else TABLE_NAME, else forms. AWS credentials are your own (profile, SSO or
environment). --endpoint names a DynamoDB-compatible server (AWS_ENDPOINT_URL_DYNAMODB too);
--local uses the store of the locally running form-fn (the address it wrote next to its data file).
";

/// The file next to the local store's data file where the running service writes its address.
pub fn local_endpoint_file(data_file: &Path) -> PathBuf {
    let mut name = data_file.as_os_str().to_owned();
    name.push(".endpoint");
    PathBuf::from(name)
}

/// Writes the local store's address for `form-fn-admin --local`.
pub fn write_local_endpoint(data_file: &Path, url: &str) -> std::io::Result<()> {
    std::fs::write(local_endpoint_file(data_file), url)
}

/// A command line that could not be understood.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Which submissions a listing or export covers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    pub form: Option<String>,
    pub statuses: Vec<Status>,
    pub since: Option<String>,
}

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    List {
        filter: Filter,
        json: bool,
    },
    Show {
        code: String,
    },
    SetStatus {
        code: String,
        status: Status,
        message: Option<String>,
    },
    Export {
        filter: Filter,
        csv: bool,
    },
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub table: Option<String>,
    pub endpoint: Option<String>,
    pub local: bool,
    pub data_file: Option<PathBuf>,
    pub command: Command,
}

/// Parses the arguments (without the program's name).
pub fn parse(args: &[String]) -> Result<Invocation, UsageError> {
    let mut it = args.iter().peekable();
    let mut table = None;
    let mut endpoint = None;
    let mut local = false;
    let mut data_file = None;
    let mut positional = Vec::new();
    let mut filter = Filter::default();
    let mut json = false;
    let mut format = None;
    let mut message = None;
    let value = |it: &mut std::iter::Peekable<std::slice::Iter<'_, String>>, flag: &str| {
        it.next()
            .cloned()
            .ok_or_else(|| UsageError(format!("{flag} needs a value")))
    };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--table" => table = Some(value(&mut it, "--table")?),
            "--endpoint" => endpoint = Some(value(&mut it, "--endpoint")?),
            "--local" => local = true,
            "--data-file" => data_file = Some(PathBuf::from(value(&mut it, "--data-file")?)),
            "--form" => filter.form = Some(value(&mut it, "--form")?),
            "--status" => {
                let s = value(&mut it, "--status")?;
                filter.statuses = vec![
                    s.parse()
                        .map_err(|e: forms::status::UnknownStatus| UsageError(e.to_string()))?,
                ];
            }
            "--open" => filter.statuses = Status::ALL.into_iter().filter(|s| s.is_open()).collect(),
            "--since" => {
                let d = value(&mut it, "--since")?;
                if forms::dates::Day::parse(&d).is_none() {
                    return Err(UsageError(format!(
                        "--since {d:?}: write a date as YYYY-MM-DD"
                    )));
                }
                filter.since = Some(d);
            }
            "--json" => json = true,
            "--format" => format = Some(value(&mut it, "--format")?),
            "--message" => message = Some(value(&mut it, "--message")?),
            "-h" | "--help" => return Err(UsageError(USAGE.to_string())),
            flag if flag.starts_with("--") => {
                return Err(UsageError(format!("unknown option {flag}")));
            }
            _ => positional.push(arg.clone()),
        }
    }
    let mut pos = positional.into_iter();
    let name = pos.next().ok_or_else(|| {
        UsageError("a command is needed: list, show, set-status or export".to_string())
    })?;
    let code_arg = |c: Option<String>| {
        let c = c.ok_or_else(|| UsageError(format!("{name} needs a tracking code")))?;
        forms::normalise::code(&c).ok_or_else(|| {
            UsageError(format!(
                "{c:?} is not a tracking code such as K7M4-Q9TX-3HRP"
            ))
        })
    };
    let command = match name.as_str() {
        "list" => Command::List { filter, json },
        "show" => Command::Show {
            code: code_arg(pos.next())?,
        },
        "set-status" => {
            let code = code_arg(pos.next())?;
            let status = pos
                .next()
                .ok_or_else(|| UsageError("set-status needs a status after the code".to_string()))?
                .parse()
                .map_err(|e: forms::status::UnknownStatus| UsageError(e.to_string()))?;
            let message = match message {
                Some(m) => {
                    let m = forms::normalise::text(&m, true).map_err(|_| {
                        UsageError(
                            "the message has control or bidi-control characters; type it again"
                                .to_string(),
                        )
                    })?;
                    (!m.is_empty()).then_some(m)
                }
                None => None,
            };
            Command::SetStatus {
                code,
                status,
                message,
            }
        }
        "export" => match format.as_deref() {
            Some("csv") => Command::Export { filter, csv: true },
            Some("json") => Command::Export { filter, csv: false },
            _ => {
                return Err(UsageError(
                    "export needs --format csv or --format json".to_string(),
                ));
            }
        },
        other => {
            return Err(UsageError(format!(
                "unknown command {other:?}: use list, show, set-status or export"
            )));
        }
    };
    if let Some(extra) = pos.next() {
        return Err(UsageError(format!("unexpected argument {extra:?}")));
    }
    Ok(Invocation {
        table,
        endpoint,
        local,
        data_file,
        command,
    })
}

/// The staff command's view of the table.
pub struct Staff {
    client: Client,
    table: String,
    content: Content,
}

/// A failed operation, in words for the staff member.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StaffError(pub String);

fn sdk_error<E: std::error::Error + 'static>(
    what: &str,
    err: aws_sdk_dynamodb::error::SdkError<E>,
) -> StaffError {
    StaffError(format!(
        "{what}: {}",
        aws_sdk_dynamodb::error::DisplayErrorContext(&err)
    ))
}

impl Staff {
    /// The kind of the form a record was sent with (a request, for a form no longer defined).
    pub fn kind_of(&self, r: &Record) -> FormKind {
        self.content
            .form(&r.form)
            .map(|f| f.kind)
            .unwrap_or_default()
    }

    /// The staff view of `table` at `client`, knowing the embedded site's forms.
    pub fn new(client: Client, table: impl Into<String>) -> Result<Staff, StaffError> {
        let content = Content::embedded().map_err(|errs| {
            StaffError(
                errs.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        })?;
        Ok(Staff {
            client,
            table: table.into(),
            content,
        })
    }

    fn forms(&self, filter: &Filter) -> Result<Vec<&FormDef>, StaffError> {
        match &filter.form {
            Some(id) => self.content.form(id).map(|f| vec![f]).ok_or_else(|| {
                StaffError(format!(
                    "no form {id:?}; the forms are: {}",
                    self.content
                        .forms
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }),
            None => Ok(self.content.forms.values().collect()),
        }
    }

    /// The submissions the filter covers, oldest first.
    pub async fn list(&self, filter: &Filter) -> Result<Vec<Record>, StaffError> {
        let statuses = if filter.statuses.is_empty() {
            Status::ALL.to_vec()
        } else {
            filter.statuses.clone()
        };
        let mut out = Vec::new();
        for form in self.forms(filter)? {
            for status in &statuses {
                let mut start = None;
                loop {
                    let mut q = self
                        .client
                        .query()
                        .table_name(&self.table)
                        .index_name(GSI)
                        .expression_attribute_names("#pk", GSI_PK)
                        .expression_attribute_values(
                            ":pk",
                            AttributeValue::S(table::gsi_pk(&form.id, *status)),
                        )
                        .set_exclusive_start_key(start.take());
                    q = match &filter.since {
                        Some(since) => q
                            .key_condition_expression("#pk = :pk AND #sk >= :since")
                            .expression_attribute_names("#sk", GSI_SK)
                            .expression_attribute_values(
                                ":since",
                                AttributeValue::S(since.clone()),
                            ),
                        None => q.key_condition_expression("#pk = :pk"),
                    };
                    let page = q.send().await.map_err(|e| sdk_error("listing failed", e))?;
                    out.extend(page.items().iter().filter_map(Record::from_item));
                    match page.last_evaluated_key() {
                        Some(k) if !k.is_empty() => start = Some(k.clone()),
                        _ => break,
                    }
                }
            }
        }
        out.sort_by(|a, b| (&a.received_at, &a.code).cmp(&(&b.received_at, &b.code)));
        Ok(out)
    }

    /// One submission.
    pub async fn show(&self, code: &str) -> Result<Record, StaffError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, AttributeValue::S(table::submission_pk(code)))
            .key(SK, AttributeValue::S(table::SK_SUBMISSION.to_string()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading failed", e))?;
        out.item()
            .and_then(Record::from_item)
            .ok_or_else(|| StaffError(format!("no submission {}", display_code(code))))
    }

    /// Sets a submission's status, adds it to the history and sets (or clears) the message shown
    /// to the beneficiary.
    pub async fn set_status(
        &self,
        code: &str,
        status: Status,
        message: Option<&str>,
    ) -> Result<Record, StaffError> {
        let record = self.show(code).await?;
        let kind = self.kind_of(&record);
        if !status.applies_to(kind) {
            let names: Vec<_> = Status::for_kind(kind).iter().map(|s| s.as_str()).collect();
            return Err(StaffError(format!(
                "status {status} does not apply to a submission of form {:?} (kind {kind:?}): use one of {}",
                record.form,
                names.join(", ")
            )));
        }
        let at = now_rfc3339();
        let change = Change {
            status,
            at: at.clone(),
            message: message.map(str::to_string),
        };
        let mut values: HashMap<String, AttributeValue> = HashMap::new();
        values.insert(
            ":status".into(),
            AttributeValue::S(status.as_str().to_string()),
        );
        values.insert(":at".into(), AttributeValue::S(at));
        values.insert(
            ":gsi".into(),
            AttributeValue::S(table::gsi_pk(&record.form, status)),
        );
        values.insert(
            ":change".into(),
            AttributeValue::L(vec![history_entry(&change)]),
        );
        values.insert(":empty".into(), AttributeValue::L(Vec::new()));
        let mut expr = "SET #status = :status, #updated = :at, #gsi = :gsi, #history = list_append(if_not_exists(#history, :empty), :change)".to_string();
        match message {
            Some(m) => {
                values.insert(":message".into(), AttributeValue::S(m.to_string()));
                expr.push_str(", #message = :message");
            }
            None => expr.push_str(" REMOVE #message"),
        }
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, AttributeValue::S(table::submission_pk(code)))
            .key(SK, AttributeValue::S(table::SK_SUBMISSION.to_string()))
            .update_expression(expr)
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#gsi", GSI_PK)
            .expression_attribute_names("#updated", "updated_at")
            .expression_attribute_names("#history", "history")
            .expression_attribute_names("#message", "message")
            .set_expression_attribute_values(Some(values))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .map_err(|e| sdk_error("the status was not changed", e))?;
        out.attributes().and_then(Record::from_item).ok_or_else(|| {
            StaffError("the status was changed but could not be read back".to_string())
        })
    }

    /// The CSV export: UTF-8 with a byte-order mark (so Excel reads the Arabic), one row per
    /// submission, the forms' field labels as headers, every cell that a spreadsheet would take
    /// for a formula neutralised.
    pub fn csv(&self, records: &[Record], filter: &Filter) -> Result<Vec<u8>, StaffError> {
        let mut fields: Vec<(&str, &str)> = Vec::new();
        for form in self.forms(filter)? {
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
        Ok(out)
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
pub fn record_json(r: &Record, kind: FormKind) -> serde_json::Value {
    let mut v = serde_json::to_value(r).expect("records serialise");
    v["code"] = serde_json::Value::String(display_code(&r.code));
    v["status_label"] = serde_json::Value::String(r.status.label(kind).to_string());
    v
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

fn summary_line(r: &Record, kind: FormKind) -> String {
    format!(
        "{}  {:<10} {:<13} {}  {}",
        display_code(&r.code),
        r.form,
        r.status.as_str(),
        r.received_at,
        r.status.label(kind)
    )
}

/// Runs the staff command with these arguments; returns the exit status.
pub async fn main(args: &[String]) -> i32 {
    let inv = match parse(args) {
        Ok(inv) => inv,
        Err(UsageError(msg)) if msg == USAGE => {
            print!("{USAGE}");
            return 0;
        }
        Err(UsageError(msg)) => {
            eprintln!("form-fn-admin: {msg}\n(form-fn-admin --help for the usage)");
            return 2;
        }
    };
    match run(inv).await {
        Ok(()) => 0,
        Err(StaffError(msg)) => {
            eprintln!("form-fn-admin: {msg}");
            1
        }
    }
}

async fn run(inv: Invocation) -> Result<(), StaffError> {
    let config = Config::from_env();
    let table = inv.table.clone().unwrap_or(config.table.clone());
    let endpoint = if inv.local {
        let data = inv.data_file.clone().unwrap_or(config.data_file.clone());
        let file = local_endpoint_file(&data);
        let url = std::fs::read_to_string(&file).map_err(|e| {
            StaffError(format!(
                "{}: {e}; is the local form-fn running (cargo run -p form-fn)?",
                file.display()
            ))
        })?;
        Some(url.trim().to_string())
    } else {
        inv.endpoint.clone().or(config.endpoint.clone())
    };
    let client = table::client(endpoint.as_deref()).await;
    let staff = Staff::new(client, table)?;
    let mut stdout = std::io::stdout().lock();
    let io = |e: std::io::Error| StaffError(format!("cannot write the output: {e}"));
    match inv.command {
        Command::List { filter, json } => {
            let records = staff.list(&filter).await?;
            if json {
                stdout.write_all(&staff.json(&records)).map_err(io)?;
            } else {
                for r in &records {
                    writeln!(stdout, "{}", summary_line(r, staff.kind_of(r))).map_err(io)?;
                }
                eprintln!("{} submission(s)", records.len());
            }
        }
        Command::Show { code } => {
            let r = staff.show(&code).await?;
            let text = serde_json::to_string_pretty(&record_json(&r, staff.kind_of(&r)))
                .expect("records serialise");
            writeln!(stdout, "{text}").map_err(io)?;
        }
        Command::SetStatus {
            code,
            status,
            message,
        } => {
            let r = staff.set_status(&code, status, message.as_deref()).await?;
            writeln!(stdout, "{}", summary_line(&r, staff.kind_of(&r))).map_err(io)?;
        }
        Command::Export { filter, csv } => {
            let records = staff.list(&filter).await?;
            let bytes = if csv {
                staff.csv(&records, &filter)?
            } else {
                staff.json(&records)
            };
            stdout.write_all(&bytes).map_err(io)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn formulas_are_neutralised_and_quotes_doubled() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+966501234567"), "\"'+966501234567\"");
        assert_eq!(csv_cell("-1"), "\"'-1\"");
        assert_eq!(csv_cell("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(csv_cell("\tx"), "\"'\tx\"");
        assert_eq!(csv_cell("سارة"), "\"سارة\"");
    }

    #[test]
    fn commands_parse_with_codes_read_forgivingly() {
        let inv = parse(&args(&[
            "--local",
            "set-status",
            "k7m4 q9tx 3hrp",
            "needs_info",
            "--message",
            "أرسل صورة الهوية",
        ]))
        .unwrap();
        assert!(inv.local);
        assert_eq!(
            inv.command,
            Command::SetStatus {
                code: "K7M4Q9TX3HRP".into(),
                status: Status::NeedsInfo,
                message: Some("أرسل صورة الهوية".into())
            }
        );
        let inv = parse(&args(&[
            "list",
            "--form",
            "request",
            "--open",
            "--since",
            "2025-10-01",
        ]))
        .unwrap();
        let Command::List { filter, json } = inv.command else {
            panic!()
        };
        assert!(!json);
        assert_eq!(filter.statuses.len(), 4);
        assert_eq!(filter.since.as_deref(), Some("2025-10-01"));
    }

    #[test]
    fn mistakes_say_what_is_expected() {
        assert!(
            parse(&args(&["set-status", "K7M4-Q9TX-3HRP", "closed"]))
                .unwrap_err()
                .0
                .contains("under_review")
        );
        assert!(
            parse(&args(&["export"]))
                .unwrap_err()
                .0
                .contains("--format csv")
        );
        assert!(
            parse(&args(&["list", "--since", "1/10/2025"]))
                .unwrap_err()
                .0
                .contains("YYYY-MM-DD")
        );
        assert!(
            parse(&args(&["show", "123"]))
                .unwrap_err()
                .0
                .contains("tracking code")
        );
        assert!(
            parse(&args(&[]))
                .unwrap_err()
                .0
                .contains("a command is needed")
        );
    }
}
