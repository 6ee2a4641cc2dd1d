//! Problems found in a site's content, each with its place, its severity and a hint on how to fix
//! it. Everything found is collected first and printed together; the exit status is decided at
//! the end (an error fails the build, a warning does not).

use std::fmt;

use forms::SourceError;

/// Whether a problem stops the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, where it is, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, as a path the user can open (the site folder joined with the file's place in it).
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `file:line:column`.
    pub fn error(
        file: impl Into<String>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line,
            column,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at `file:line:column`.
    pub fn warning(
        file: impl Into<String>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, column, message)
        }
    }

    /// The same problem with a hint on how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this problem stops the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl From<SourceError> for Diagnostic {
    fn from(e: SourceError) -> Self {
        let message = reword(&e.message);
        let hint = hint_for(&message);
        let d = Diagnostic::error(e.file, e.line, e.column, message);
        match hint {
            Some(h) => d.hint(h),
            None => d,
        }
    }
}

/// Says the YAML reader's messages about a nested key (`approval.date: invalid type: …`) in
/// words: which key, what it holds, what it should hold.
fn reword(message: &str) -> String {
    let Some((key, rest)) = message.split_once(": ") else {
        return message.to_string();
    };
    if key.contains(' ') {
        return message.to_string();
    }
    if let Some(rest) = rest.strip_prefix("invalid type: ") {
        return format!("wrong kind of value for `{key}`: {rest}");
    }
    if let Some(rest) = rest.strip_prefix("unknown variant ") {
        return format!("`{key}` cannot be {rest}");
    }
    if let Some(rest) = rest.strip_prefix("unknown field ") {
        return format!("unknown key {rest} in `{key}` (check its spelling)");
    }
    if let Some(rest) = rest.strip_prefix("missing field ") {
        return format!("missing key {rest} in `{key}`: it is required here");
    }
    message.to_string()
}

/// A hint for the messages the YAML reader gives.
fn hint_for(message: &str) -> Option<String> {
    if message.starts_with("unknown key") {
        Some("the keys this file may have are listed after `expected` above and in docs/content-format.md".into())
    } else if message.starts_with("missing key") {
        Some("add the key to the front matter; docs/content-format.md shows an example".into())
    } else if message.contains("cannot be `") {
        Some("use one of the values listed after `expected`".into())
    } else if message.starts_with("wrong kind of value") {
        Some("put text in quotes, lists as `[a, b]` or lines starting with `- `, dates as YYYY-MM-DD".into())
    } else if message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
    {
        Some("check the indentation and that every `key: value` is on its own line; text containing `: ` needs quotes".into())
    } else {
        None
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {kind}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// Every problem found in one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds errors from the shared crate's parsers.
    pub fn extend_source(&mut self, errs: impl IntoIterator<Item = SourceError>) {
        self.0.extend(errs.into_iter().map(Diagnostic::from));
    }

    /// Adds every problem of `other`.
    pub fn extend_all(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether any problem stops the build.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// How many errors and warnings there are.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self.0.iter().filter(|d| d.is_error()).count();
        (errors, self.0.len() - errors)
    }

    /// The problems in file order, errors before warnings at the same place, each once.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
        self.0.dedup();
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// A message written in Arabic (what staff read) with its English equivalent beside it, until
/// every message is bilingual: the Arabic is shown.
pub fn bilingual(ar: impl Into<String>, en: impl Into<String>) -> String {
    let _ = en.into();
    ar.into()
}
