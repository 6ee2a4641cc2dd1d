//! The staff command (`form-fn-admin`): reads the command line, calls the staff actions of
//! [`form_fn::staff`] and prints what they return. It holds no rules of its own.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use form_fn::auth::Role;
use form_fn::auth::cognito::Cognito;
use form_fn::config::{Config, local_endpoint_file};
use form_fn::lookup::{Identifier, Kind};
use form_fn::record::Record;
use form_fn::staff::export::record_json;
use form_fn::staff::interview;
use form_fn::staff::person::{CorrectError, Reason};
use form_fn::staff::report::ReportRequest;
use form_fn::staff::{Filter, Staff, StaffError};
use form_fn::table;
use forms::Status;
use forms::normalise::display_code;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime starts");
    let code = runtime.block_on(cli(&args));
    std::process::ExitCode::from(code as u8)
}

/// The usage text.
pub const USAGE: &str = "\
form-fn-admin: follow the submissions of the form service, and serve a person's rights over theirs.

Usage: form-fn-admin [--table NAME] [--endpoint URL | --local [--data-file FILE]] [--by NAME] COMMAND

Commands:
  list [--form F] [--status S | --open] [--since YYYY-MM-DD] [--json]
      submissions, oldest first (--open: received, under_review, needs_info, accepted)
  show CODE
      one submission with every answer, its history, its version and its corrections
  set-status CODE STATUS [--message TEXT | --clear-message] [--version N]
      STATUS is one of received, under_review, needs_info, accepted, declined, completed;
      the message is shown to the beneficiary on follow-up (without --message the one shown
      stays); only if the case is still at version N (see show), when given
  assign CODE EMAIL [--refer] [--note TEXT] [--version N]
      assigns the case to a staff member (--refer: refers it to the official responsible)
  note CODE TEXT [--version N]
      adds an internal note, never shown to the beneficiary
  checked CODE [--version N]
      records that the data was checked against the official documents (who, when)
  export --format csv|json [--form F] [--status S | --open] [--since YYYY-MM-DD]
      to standard output; CSV is UTF-8 with a BOM for Excel, formulas neutralised

A person's records (find them by any one identifier, in any usual writing):
  person find (--phone P | --email E | --id N) [--json]
  person export (--phone P | --email E | --id N) --format csv|json
  person erase (--phone P | --email E | --id N | --code CODE) [--reason R] [--yes]
      deletes the records for good, leaving for each an erasure record without personal data;
      R is request (the default), consent-withdrawn, mistake or retention; asks to confirm
      unless --yes
  person index
      once after upgrading a table that held submissions before: writes their lookup keys, so
      that finding a person no longer reads the whole table
  correct CODE FIELD [VALUE...] [--version N]
      sets one answer, checked by the form's rules (no VALUE clears an optional field; a multiple
      choice takes one VALUE per option); only if the submission is still at version N (see show)
  purge-expired
      deletes at once every item past its retention (DynamoDB's TTL does it within days)

Staff accounts (the Cognito user pool of COGNITO_USER_POOL_ID; your own AWS credentials):
  staff invite EMAIL --role caseworker|manager
      Cognito e-mails a temporary password; the first sign-in sets a new one and an
      authenticator app
  staff disable EMAIL
  staff enable EMAIL
A survey answer given in a field interview (in person or by phone):
  interview --form F --channel in-person|phone FIELD=VALUE...
      checked by the survey's rules exactly as the site's form; stored as an answer of that
      survey by its channel (never counted as web), with you as who entered it; F is a form of
      kind survey; a multiple choice repeats FIELD=VALUE once per option
The periodic report (satisfaction survey and service quality):
  report --period P [--calendar gregorian|hijri] [--survey F] [--service-field F] [--out DIR]
         [--public CONTENT_DIR]
      P is a month (2026-03), a quarter (2026-Q1) or a year (2026), Hijri when --calendar hijri
      (default: the site's calendar, Gregorian when it shows both); writes report-P.html and
      report-P.csv (every figure, for staff) into DIR (default: here), and with --public the
      file CONTENT_DIR/data/reports/P.yaml that the site publishes at /reports/P/ (aggregates
      only, no figure of fewer than 5 people)

--by names you in the records of corrections and erasures (default: FORMS_STAFF, else your login
name). The table is --table, else TABLE_NAME, else forms. AWS credentials are your own (profile,
SSO or environment). --endpoint names a DynamoDB-compatible server (AWS_ENDPOINT_URL_DYNAMODB too);
--local uses the store of the locally running form-fn (the address it wrote next to its data file).
";

/// A command line that could not be understood.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
struct UsageError(pub String);

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Command {
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
        /// `Some("")` removes the message shown; `None` keeps it.
        message: Option<String>,
        version: Option<u64>,
    },
    Assign {
        code: String,
        to: String,
        refer: bool,
        note: Option<String>,
        version: Option<u64>,
    },
    Note {
        code: String,
        text: String,
        version: Option<u64>,
    },
    Checked {
        code: String,
        version: Option<u64>,
    },
    Interview {
        form: String,
        channel: forms::report::SurveyChannel,
        answers: Vec<(String, String)>,
    },
    StaffInvite {
        email: String,
        role: Role,
    },
    StaffDisable {
        email: String,
    },
    StaffEnable {
        email: String,
    },
    Export {
        filter: Filter,
        csv: bool,
    },
    PersonFind {
        who: Identifier,
        json: bool,
    },
    PersonExport {
        who: Identifier,
        csv: bool,
    },
    PersonErase {
        who: Who,
        reason: Reason,
        yes: bool,
    },
    PersonIndex,
    Correct {
        code: String,
        field: String,
        values: Vec<String>,
        version: Option<u64>,
    },
    PurgeExpired,
    Report {
        period: forms::report::Period,
        calendar: Option<forms::report::PeriodCalendar>,
        survey: Option<String>,
        service_field: Option<String>,
        out: PathBuf,
        public: Option<PathBuf>,
    },
}

/// Whose records `person erase` erases.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Who {
    Person(Identifier),
    Code(String),
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Invocation {
    pub table: Option<String>,
    pub endpoint: Option<String>,
    pub local: bool,
    pub data_file: Option<PathBuf>,
    pub by: Option<String>,
    pub command: Command,
}

/// Parses the arguments (without the program's name).
fn parse(args: &[String]) -> Result<Invocation, UsageError> {
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
    let mut by = None;
    let mut ids: Vec<(Kind, String, String)> = Vec::new();
    let mut erase_code = None;
    let mut reason = Reason::Request;
    let mut yes = false;
    let mut version = None;
    let mut role = None;
    let mut note = None;
    let mut refer = false;
    let mut clear_message = false;
    let mut period = None;
    let mut calendar = None;
    let mut survey = None;
    let mut service_field = None;
    let mut out = None;
    let mut public = None;
    let mut channel = None;
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
            "--clear-message" => clear_message = true,
            "--note" => note = Some(value(&mut it, "--note")?),
            "--refer" => refer = true,
            "--role" => {
                role = Some(
                    value(&mut it, "--role")?
                        .parse::<Role>()
                        .map_err(UsageError)?,
                )
            }
            "--by" => by = Some(value(&mut it, "--by")?),
            "--phone" | "--email" | "--id" => {
                let kind = match arg.as_str() {
                    "--phone" => Kind::Phone,
                    "--email" => Kind::Email,
                    _ => Kind::NationalId,
                };
                ids.push((kind, arg.clone(), value(&mut it, arg)?));
            }
            "--code" => erase_code = Some(value(&mut it, "--code")?),
            "--reason" => reason = value(&mut it, "--reason")?.parse().map_err(UsageError)?,
            "--yes" => yes = true,
            "--version" => {
                let v = value(&mut it, "--version")?;
                version = Some(v.parse().map_err(|_| {
                    UsageError(format!("--version {v:?}: write the number show prints"))
                })?);
            }
            "--period" => {
                let p = value(&mut it, "--period")?;
                period = Some(forms::report::Period::parse(&p).ok_or_else(|| {
                    UsageError(format!(
                        "--period {p:?}: write a month (2026-03), a quarter (2026-Q1) or a year (2026)"
                    ))
                })?);
            }
            "--calendar" => {
                calendar = Some(match value(&mut it, "--calendar")?.as_str() {
                    "gregorian" => forms::report::PeriodCalendar::Gregorian,
                    "hijri" => forms::report::PeriodCalendar::Hijri,
                    other => {
                        return Err(UsageError(format!(
                            "--calendar {other:?}: use gregorian or hijri"
                        )));
                    }
                })
            }
            "--survey" => survey = Some(value(&mut it, "--survey")?),
            "--service-field" => service_field = Some(value(&mut it, "--service-field")?),
            "--out" => out = Some(PathBuf::from(value(&mut it, "--out")?)),
            "--public" => public = Some(PathBuf::from(value(&mut it, "--public")?)),
            "--channel" => {
                let c = value(&mut it, "--channel")?;
                channel = Some(interview::parse_channel(&c).ok_or_else(|| {
                    UsageError(format!("--channel {c:?}: use in-person or phone"))
                })?);
            }
            "-h" | "--help" => return Err(UsageError(USAGE.to_string())),
            flag if flag.starts_with("--") => {
                return Err(UsageError(format!("unknown option {flag}")));
            }
            _ => positional.push(arg.clone()),
        }
    }
    let mut pos = positional.into_iter();
    let name = pos.next().ok_or_else(|| {
        UsageError(
            "a command is needed: list, show, set-status, assign, note, checked, export, person, correct, purge-expired, interview, report or staff"
                .to_string(),
        )
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
                    let m = clean(&m, "the message")?;
                    (!m.is_empty()).then_some(m)
                }
                None => None,
            };
            Command::SetStatus {
                code,
                status,
                message: if clear_message {
                    Some(String::new())
                } else {
                    message
                },
                version,
            }
        }
        "assign" => {
            let code = code_arg(pos.next())?;
            let to = pos
                .next()
                .and_then(|e| forms::normalise::email(&e))
                .ok_or_else(|| {
                    UsageError("assign needs the staff member's e-mail after the code".to_string())
                })?;
            Command::Assign {
                code,
                to,
                refer,
                note: note.map(|n| clean(&n, "the note")).transpose()?,
                version,
            }
        }
        "note" => {
            let code = code_arg(pos.next())?;
            let text = clean(&pos.by_ref().collect::<Vec<_>>().join(" "), "the note")?;
            if text.is_empty() {
                return Err(UsageError("note needs a text after the code".to_string()));
            }
            Command::Note {
                code,
                text,
                version,
            }
        }
        "checked" => Command::Checked {
            code: code_arg(pos.next())?,
            version,
        },
        "staff" => {
            let sub = pos.next().unwrap_or_default();
            let email = pos
                .next()
                .and_then(|e| forms::normalise::email(&e))
                .map(|e| e.to_lowercase())
                .ok_or_else(|| UsageError(format!("staff {sub} needs an e-mail address")))?;
            match sub.as_str() {
                "invite" => Command::StaffInvite {
                    email,
                    role: role.ok_or_else(|| {
                        UsageError(
                            "staff invite needs --role caseworker or --role manager".to_string(),
                        )
                    })?,
                },
                "disable" => Command::StaffDisable { email },
                "enable" => Command::StaffEnable { email },
                other => {
                    return Err(UsageError(format!(
                        "unknown staff command {other:?}: use invite, disable or enable"
                    )));
                }
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
        "person" => {
            let action = pos.next().ok_or_else(|| {
                UsageError("person needs an action: find, export, erase or index".to_string())
            })?;
            let who = || -> Result<Identifier, UsageError> {
                match ids.as_slice() {
                    [(kind, flag, text)] => Identifier::parse(*kind, text).ok_or_else(|| {
                        UsageError(format!(
                            "{flag} {text:?} is not {}",
                            match kind {
                                Kind::Phone => "a phone number such as 0501234567",
                                Kind::Email => "an e-mail address such as name@example.org",
                                Kind::NationalId => {
                                    "an ID or iqama number of 10 digits starting with 1 or 2"
                                }
                            }
                        ))
                    }),
                    [] => Err(UsageError(format!(
                        "person {action} needs the person: --phone, --email or --id"
                    ))),
                    _ => Err(UsageError(
                        "give one of --phone, --email or --id, once".to_string(),
                    )),
                }
            };
            match action.as_str() {
                "find" => Command::PersonFind { who: who()?, json },
                "export" => match format.as_deref() {
                    Some("csv") => Command::PersonExport {
                        who: who()?,
                        csv: true,
                    },
                    Some("json") => Command::PersonExport {
                        who: who()?,
                        csv: false,
                    },
                    _ => {
                        return Err(UsageError(
                            "person export needs --format csv or --format json".to_string(),
                        ));
                    }
                },
                "erase" => {
                    let who = match (erase_code, ids.is_empty()) {
                        (Some(c), true) => Who::Code(code_arg(Some(c))?),
                        (None, _) => Who::Person(who()?),
                        (Some(_), false) => {
                            return Err(UsageError(
                                "give either --code or the person, not both".to_string(),
                            ));
                        }
                    };
                    Command::PersonErase { who, reason, yes }
                }
                "index" => Command::PersonIndex,
                other => {
                    return Err(UsageError(format!(
                        "unknown person action {other:?}: use find, export, erase or index"
                    )));
                }
            }
        }
        "correct" => {
            let code = code_arg(pos.next())?;
            let field = pos.next().ok_or_else(|| {
                UsageError("correct needs the field's name after the code".to_string())
            })?;
            let values = pos.by_ref().collect();
            Command::Correct {
                code,
                field,
                values,
                version,
            }
        }
        "purge-expired" => Command::PurgeExpired,
        "interview" => {
            let form = filter
                .form
                .take()
                .ok_or_else(|| UsageError("interview needs --form (a survey form)".to_string()))?;
            let channel = channel.ok_or_else(|| {
                UsageError("interview needs --channel in-person or --channel phone".to_string())
            })?;
            let answers = pos
                .by_ref()
                .map(|a| match a.split_once('=') {
                    Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
                    _ => Err(UsageError(format!(
                        "{a:?}: write each answer as FIELD=VALUE"
                    ))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Command::Interview {
                form,
                channel,
                answers,
            }
        }
        "report" => Command::Report {
            period: period.ok_or_else(|| {
                UsageError("report needs --period (2026-03, 2026-Q1 or 2026)".to_string())
            })?,
            calendar,
            survey,
            service_field,
            out: out.unwrap_or_else(|| PathBuf::from(".")),
            public,
        },
        other => {
            return Err(UsageError(format!(
                "unknown command {other:?}: use list, show, set-status, assign, note, checked, export, person, correct, purge-expired, interview, report or staff"
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
        by,
        command,
    })
}

fn summary_line(r: &Record, kind: forms::FormKind) -> String {
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
async fn cli(args: &[String]) -> i32 {
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
    if let Some(done) = accounts(&inv.command, &config).await {
        return done;
    }
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
            version,
        } => {
            let by = staff_member(inv.by)?;
            let r = staff
                .set_status(&code, status, message.as_deref(), version, &by)
                .await?;
            writeln!(stdout, "{}", summary_line(&r, staff.kind_of(&r))).map_err(io)?;
        }
        Command::Assign {
            code,
            to,
            refer,
            note,
            version,
        } => {
            let by = staff_member(inv.by)?;
            let r = staff
                .assign(&code, &to, refer, note.as_deref(), version, &by)
                .await?;
            writeln!(stdout, "{}", summary_line(&r, staff.kind_of(&r))).map_err(io)?;
        }
        Command::Note {
            code,
            text,
            version,
        } => {
            let by = staff_member(inv.by)?;
            let r = staff.note(&code, &text, version, &by).await?;
            writeln!(stdout, "{}", summary_line(&r, staff.kind_of(&r))).map_err(io)?;
        }
        Command::Checked { code, version } => {
            let by = staff_member(inv.by)?;
            let r = staff.mark_checked(&code, version, &by).await?;
            writeln!(stdout, "{}", summary_line(&r, staff.kind_of(&r))).map_err(io)?;
        }
        Command::StaffInvite { .. }
        | Command::StaffDisable { .. }
        | Command::StaffEnable { .. } => {
            unreachable!("staff accounts are handled before the table is reached")
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
        Command::PersonFind { who, json } => {
            let found = found(&staff, &who).await?;
            if json {
                stdout.write_all(&staff.json(&found)).map_err(io)?;
            } else {
                for r in &found {
                    writeln!(stdout, "{}", summary_line(r, staff.kind_of(r))).map_err(io)?;
                }
                eprintln!("{} submission(s) of this {}", found.len(), kind_name(&who));
            }
        }
        Command::PersonExport { who, csv } => {
            let found = found(&staff, &who).await?;
            let bytes = if csv {
                staff.csv_of_records(&found)
            } else {
                staff.json(&found)
            };
            stdout.write_all(&bytes).map_err(io)?;
            eprintln!("{} submission(s) exported", found.len());
        }
        Command::PersonErase { who, reason, yes } => {
            let by = staff_member(inv.by)?;
            let codes: Vec<String> = match &who {
                Who::Person(id) => found(&staff, id)
                    .await?
                    .into_iter()
                    .map(|r| r.code)
                    .collect(),
                Who::Code(code) => vec![staff.show(code).await?.code],
            };
            if codes.is_empty() {
                eprintln!("nothing to erase: no submission of this {}", who_name(&who));
                return Ok(());
            }
            if !yes && !confirmed(&codes)? {
                return Err(StaffError("not confirmed: nothing was erased".to_string()));
            }
            let erased = staff.erase(&codes, reason, &by).await?;
            for e in &erased {
                writeln!(stdout, "erased {}  {}", display_code(&e.code), e.form).map_err(io)?;
            }
            eprintln!(
                "{} submission(s) erased; an erasure record without personal data is kept for each",
                erased.len()
            );
        }
        Command::PersonIndex => {
            let n = staff.index_lookup_keys().await?;
            eprintln!(
                "lookup keys written for {n} submission(s); finding a person no longer scans the table"
            );
        }
        Command::Correct {
            code,
            field,
            values,
            version,
        } => {
            let by = staff_member(inv.by)?;
            let typed: Vec<&str> = values.iter().map(String::as_str).collect();
            let r = staff
                .correct(&code, &field, &typed, version, &by)
                .await
                .map_err(|e| match e {
                    CorrectError::Staff(e) => e,
                    other => StaffError(format!("{}: {other}", display_code(&code))),
                })?;
            writeln!(
                stdout,
                "{}  version {}",
                summary_line(&r, staff.kind_of(&r)),
                r.version
            )
            .map_err(io)?;
        }
        Command::Interview {
            form,
            channel,
            answers,
        } => {
            let by = staff_member(inv.by)?;
            let receipt = staff
                .enter_interview(&interview::Interview {
                    form: &form,
                    channel,
                    answers: &answers,
                    by: &by,
                    key: None,
                })
                .await
                .map_err(|e| match e {
                    interview::InterviewError::Staff(e) => e,
                    other => StaffError(format!("{form}: {other}")),
                })?;
            writeln!(
                stdout,
                "{}  {form}  {}  {}",
                display_code(&receipt.code),
                form_fn::record::channel_name(channel),
                receipt.received_at
            )
            .map_err(io)?;
        }
        Command::PurgeExpired => {
            let n = staff.purge_expired().await?;
            eprintln!("{n} item(s) past their retention deleted");
        }
        Command::Report {
            period,
            calendar,
            survey,
            service_field,
            out,
            public,
        } => {
            let calendar = calendar.unwrap_or(match staff.site().calendar {
                forms::Calendar::Hijri => forms::report::PeriodCalendar::Hijri,
                _ => forms::report::PeriodCalendar::Gregorian,
            });
            let report = staff
                .report(&ReportRequest {
                    period,
                    calendar,
                    survey,
                    service_field,
                    today: forms::dates::Day::today(),
                })
                .await?;
            let key = period.key();
            let write = |path: PathBuf, bytes: &[u8]| -> Result<(), StaffError> {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| StaffError(format!("{}: {e}", dir.display())))?;
                }
                std::fs::write(&path, bytes)
                    .map_err(|e| StaffError(format!("{}: {e}", path.display())))?;
                eprintln!("written: {}", path.display());
                Ok(())
            };
            write(
                out.join(format!("report-{key}.html")),
                report.html(&staff.site().name).as_bytes(),
            )?;
            write(out.join(format!("report-{key}.csv")), &report.csv())?;
            if let Some(content) = public {
                write(
                    content
                        .join(forms::report::REPORTS_DIR)
                        .join(format!("{key}.yaml")),
                    report.public().to_yaml().as_bytes(),
                )?;
            }
        }
    }
    Ok(())
}

/// A person's records, saying when the table had to be read whole to be sure of them.
async fn found(staff: &Staff, who: &Identifier) -> Result<Vec<Record>, StaffError> {
    let found = staff.find_person(who).await?;
    if found.scanned {
        eprintln!(
            "note: some submissions may predate lookup keys, so the whole table was read; \
             run `form-fn-admin person index` once to stop this"
        );
    }
    Ok(found.records)
}

fn kind_name(who: &Identifier) -> &'static str {
    match who.kind() {
        Kind::Phone => "phone number",
        Kind::Email => "e-mail address",
        Kind::NationalId => "ID number",
    }
}

fn who_name(who: &Who) -> &'static str {
    match who {
        Who::Person(id) => kind_name(id),
        Who::Code(_) => "code",
    }
}

/// Runs a `staff` command on the user pool; `None` for any other command.
async fn accounts(command: &Command, config: &Config) -> Option<Result<(), StaffError>> {
    let (email, what) = match command {
        Command::StaffInvite { email, .. } => (email, "invited"),
        Command::StaffDisable { email } => (email, "disabled"),
        Command::StaffEnable { email } => (email, "enabled"),
        _ => return None,
    };
    let Some(pool) = &config.cognito_pool_id else {
        return Some(Err(StaffError(
            "set COGNITO_USER_POOL_ID to the staff's user pool (the stack's output StaffUserPoolId)"
                .to_string(),
        )));
    };
    let cognito = Cognito::new(
        pool,
        config.cognito_client_id.as_deref().unwrap_or(""),
        config.cognito_endpoint.as_deref(),
    )
    .await;
    let done = match command {
        Command::StaffInvite { email, role } => cognito.invite(email, *role).await,
        Command::StaffDisable { email } => cognito.disable(email).await,
        _ => cognito.enable(email).await,
    };
    Some(
        done.map(|()| eprintln!("{email}: {what}"))
            .map_err(|code| StaffError(format!("{email}: not {what} ({code})"))),
    )
}

/// A text typed on the command line, checked as a form checks a long answer.
fn clean(text: &str, what: &str) -> Result<String, UsageError> {
    forms::normalise::text(text, true).map_err(|_| {
        UsageError(format!(
            "{what} has control or bidi-control characters; type it again"
        ))
    })
}

/// The staff member named in corrections and erasures: `--by`, else `FORMS_STAFF`, else the login.
fn staff_member(by: Option<String>) -> Result<String, StaffError> {
    by.or_else(|| std::env::var("FORMS_STAFF").ok())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .and_then(|b| forms::normalise::text(&b, false).ok())
        .filter(|b| !b.is_empty())
        .ok_or_else(|| StaffError("say who you are with --by NAME (or FORMS_STAFF)".to_string()))
}

/// Asks on the terminal before erasing; `yes` or `نعم` confirms.
fn confirmed(codes: &[String]) -> Result<bool, StaffError> {
    let list: Vec<String> = codes.iter().map(|c| display_code(c)).collect();
    eprint!(
        "This erases {} submission(s) for good: {}\nType yes (or نعم) to erase: ",
        codes.len(),
        list.join(", ")
    );
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| StaffError(format!("cannot read the answer: {e}")))?;
    Ok(matches!(answer.trim(), "yes" | "نعم"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
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
                message: Some("أرسل صورة الهوية".into()),
                version: None,
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

    #[test]
    fn a_person_is_named_by_one_identifier_in_any_writing() {
        let inv = parse(&args(&["person", "find", "--phone", "٠٥٠ ١٢٣ ٤٥٦٧"])).unwrap();
        assert_eq!(
            inv.command,
            Command::PersonFind {
                who: Identifier::parse(Kind::Phone, "+966501234567").unwrap(),
                json: false
            }
        );
        let inv = parse(&args(&[
            "--by",
            "نورة",
            "person",
            "erase",
            "--code",
            "k7m4q9tx3hrp",
            "--reason",
            "mistake",
            "--yes",
        ]))
        .unwrap();
        assert_eq!(inv.by.as_deref(), Some("نورة"));
        assert_eq!(
            inv.command,
            Command::PersonErase {
                who: Who::Code("K7M4Q9TX3HRP".into()),
                reason: Reason::Mistake,
                yes: true
            }
        );
        let inv = parse(&args(&[
            "correct",
            "K7M4-Q9TX-3HRP",
            "services",
            "a",
            "b",
            "--version",
            "2",
        ]))
        .unwrap();
        assert_eq!(
            inv.command,
            Command::Correct {
                code: "K7M4Q9TX3HRP".into(),
                field: "services".into(),
                values: vec!["a".into(), "b".into()],
                version: Some(2)
            }
        );
    }

    #[test]
    fn an_interview_takes_its_form_channel_and_answers() {
        let inv = parse(&args(&[
            "interview",
            "--form",
            "survey",
            "--channel",
            "in-person",
            "overall=5",
            "comment=a=b",
        ]))
        .unwrap();
        assert_eq!(
            inv.command,
            Command::Interview {
                form: "survey".into(),
                channel: forms::report::SurveyChannel::InPerson,
                answers: vec![
                    ("overall".into(), "5".into()),
                    ("comment".into(), "a=b".into())
                ],
            }
        );
        let err = |a: &[&str]| parse(&args(a)).unwrap_err().0;
        assert!(err(&["interview", "--channel", "phone"]).contains("--form"));
        assert!(err(&["interview", "--form", "survey"]).contains("in-person"));
        assert!(err(&["interview", "--form", "survey", "--channel", "web"]).contains("in-person"));
        assert!(
            err(&[
                "interview",
                "--form",
                "survey",
                "--channel",
                "phone",
                "overall"
            ])
            .contains("FIELD=VALUE")
        );
    }

    #[test]
    fn person_mistakes_say_what_is_expected() {
        let err = |a: &[&str]| parse(&args(a)).unwrap_err().0;
        assert!(err(&["person", "find"]).contains("--phone, --email or --id"));
        assert!(err(&["person", "find", "--phone", "12"]).contains("0501234567"));
        assert!(err(&["person", "find", "--id", "1000000009"]).contains("10 digits"));
        assert!(
            err(&[
                "person",
                "find",
                "--phone",
                "0501234567",
                "--id",
                "1000000008"
            ])
            .contains("once")
        );
        assert!(err(&["person", "export", "--phone", "0501234567"]).contains("--format csv"));
        assert!(
            err(&[
                "person",
                "erase",
                "--reason",
                "bored",
                "--phone",
                "0501234567"
            ])
            .contains("consent-withdrawn")
        );
        assert!(err(&["person", "forget"]).contains("find, export, erase or index"));
        assert!(err(&["correct", "K7M4-Q9TX-3HRP"]).contains("field"));
        assert!(
            err(&["correct", "K7M4-Q9TX-3HRP", "phone", "x", "--version", "v2"])
                .contains("--version")
        );
    }
}
