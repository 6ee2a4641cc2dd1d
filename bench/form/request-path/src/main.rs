//! Times the form service's request path in-process, with no network and no store: each step is
//! called many times, every call timed on its own, and the percentiles printed as JSON.
//!
//! Usage: `request-path-bench SITE_DIR FORM_ID` (the form's definition is `SITE_DIR/forms/FORM_ID.yaml`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use forms::FormDef;

/// Calls per step after the warm-up.
const CALLS: usize = 20_000;
const WARM_UP: usize = 2_000;

/// The figures of one step.
struct Step {
    name: String,
    calls: usize,
    nanos: Vec<u64>,
}

impl Step {
    fn json(&mut self) -> serde_json::Value {
        self.nanos.sort_unstable();
        let pct = |p: f64| self.nanos[((self.nanos.len() - 1) as f64 * p).round() as usize];
        let mean = self.nanos.iter().sum::<u64>() as f64 / self.nanos.len() as f64;
        serde_json::json!({
            "name": self.name,
            "calls": self.calls,
            "p50_ns": pct(0.50),
            "p99_ns": pct(0.99),
            "mean_ns": mean,
        })
    }
}

/// Times `f` [`CALLS`] times after [`WARM_UP`] untimed calls.
fn time<T>(name: &str, mut f: impl FnMut(usize) -> T) -> Step {
    for i in 0..WARM_UP {
        black_box(f(i));
    }
    let mut nanos = Vec::with_capacity(CALLS);
    for i in 0..CALLS {
        let start = Instant::now();
        black_box(f(i));
        nanos.push(duration_ns(start.elapsed()));
    }
    Step {
        name: name.to_string(),
        calls: CALLS,
        nanos,
    }
}

fn duration_ns(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(site), Some(form_id)) = (args.next(), args.next()) else {
        eprintln!("usage: request-path-bench SITE_DIR FORM_ID");
        std::process::exit(2);
    };
    let file = format!("{site}/forms/{form_id}.yaml");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        eprintln!("{file}: {e}");
        std::process::exit(1);
    });
    let form = FormDef::from_yaml(&form_id, &file, &text).unwrap_or_else(|errors| {
        for e in errors {
            eprintln!("{e}");
        }
        std::process::exit(1);
    });

    let valid = pairs(&[
        ("kind", "complaint"),
        ("name", "سارة عبدالله"),
        ("phone", "٠٥٠١٢٣٤٥٦٧"),
        ("email", "sara@example.org"),
        (
            "message",
            "تأخر الرد على طلبي أكثر من أسبوعين، وأرجو متابعته مع المسؤول المختص.",
        ),
    ]);
    let invalid = pairs(&[
        ("kind", "other"),
        ("phone", "12"),
        ("email", "not-an-address"),
        ("message", "قصير"),
    ]);
    assert!(
        forms::validate(&form, &valid).is_ok(),
        "the valid submission must pass"
    );
    assert!(
        forms::validate(&form, &invalid).is_err(),
        "the invalid submission must be refused"
    );

    let mut steps = vec![
        time("validate a valid submission", |_| {
            forms::validate(&form, &valid)
        }),
        time("validate an invalid submission (4 messages)", |_| {
            forms::validate(&form, &invalid)
        }),
    ];
    let out = serde_json::json!({
        "what": format!("Form `{form_id}` of `{site}`; {CALLS} calls per step after {WARM_UP} untimed, each call timed on its own."),
        "steps": steps.iter_mut().map(Step::json).collect::<Vec<_>>(),
    });
    println!("{out}");
}
