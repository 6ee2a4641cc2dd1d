//! Problems found in a site's content, each with its place, its severity and a hint on how to fix
//! it. Everything found is collected first and printed together; the exit status is decided at
//! the end (an error fails the build, a warning does not).
//!
//! The association's staff read these: each message and hint is a [`Text`] written in Arabic and
//! English at the place that finds the problem, printed in Arabic unless English is asked for
//! (`--lang en` or `SITE_GEN_LANG=en`), always after its `file:line:column`.

use std::fmt;

use forms::{Lang, SourceError, Text};

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
    pub message: Text,
    pub hint: Option<Box<Text>>,
}

impl Diagnostic {
    /// An error at `file:line:column`.
    pub fn error(file: impl Into<String>, line: usize, column: usize, message: Text) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line,
            column,
            message,
            hint: None,
        }
    }

    /// A warning at `file:line:column`.
    pub fn warning(file: impl Into<String>, line: usize, column: usize, message: Text) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, column, message)
        }
    }

    /// The same problem with a hint on how to fix it.
    pub fn hint(mut self, hint: Text) -> Self {
        self.hint = Some(Box::new(hint));
        self
    }

    /// Whether this problem stops the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl From<SourceError> for Diagnostic {
    fn from(e: SourceError) -> Self {
        let hint = hint_for(&e.message.en);
        let d = Diagnostic::error(e.file, e.line, e.column, e.message);
        match hint {
            Some(h) => d.hint(h),
            None => d,
        }
    }
}

/// A hint for the messages the YAML reader gives (as worded by `forms::source`).
fn hint_for(message: &str) -> Option<Text> {
    if message.starts_with("unknown key") {
        Some(Text::new(
            "المفاتيح المسموح بها في هذا الملف مذكورة بعد `expected` أعلاه وفي docs/content-format.md",
            "the keys this file may have are listed after `expected` above and in docs/content-format.md",
        ))
    } else if message.starts_with("missing key") {
        Some(Text::new(
            "أضف المفتاح إلى البيانات الوصفية أعلى الملف؛ في docs/content-format.md مثال عليه",
            "add the key to the front matter; docs/content-format.md shows an example",
        ))
    } else if message.contains("cannot be `") || message.starts_with("unknown variant") {
        Some(Text::new(
            "استعمل إحدى القيم المذكورة بعد `expected`",
            "use one of the values listed after `expected`",
        ))
    } else if message.starts_with("wrong kind of value") {
        Some(Text::new(
            "ضع النص بين علامتي تنصيص، والقوائم بالشكل `[a, b]` أو بأسطر تبدأ بـ `- `، والتواريخ بالشكل YYYY-MM-DD",
            "put text in quotes, lists as `[a, b]` or lines starting with `- `, dates as YYYY-MM-DD",
        ))
    } else if message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
    {
        Some(Text::new(
            "تحقق من المسافات في بداية الأسطر، ومن أن كل `key: value` في سطر وحده؛ النص الذي فيه `: ` يوضع بين علامتي تنصيص",
            "check the indentation and that every `key: value` is on its own line; text containing `: ` needs quotes",
        ))
    } else {
        None
    }
}

/// Whether this runs under GitHub Actions (which sets `GITHUB_ACTIONS=true`), where the problems
/// are also printed as workflow commands that GitHub shows as annotations on the lines.
pub fn under_github_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// A workflow command's message, escaped as GitHub reads it back: `%`, CR and LF.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: the message's escapes, and `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

impl Diagnostic {
    /// The problem as a GitHub Actions workflow command
    /// (`::error file=…,line=…,col=…::message`, `::warning` likewise), its hint on a second line
    /// of the message; in `lang`.
    pub fn github_annotation(&self, lang: Lang) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = self.message.get(lang).to_string();
        if let Some(h) = &self.hint {
            message.push_str(match lang {
                Lang::Ar => "\nتلميح: ",
                Lang::En => "\nhint: ",
            });
            message.push_str(h.get(lang));
        }
        format!(
            "::{kind} file={},line={},col={}::{}",
            escape_property(&self.file),
            self.line,
            self.column,
            escape_data(&message)
        )
    }
}

impl Diagnostic {
    /// The problem as printed, in `lang`: `file:line:column: error: message`, then the hint.
    pub fn display(&self, lang: Lang) -> Shown<'_> {
        Shown { d: self, lang }
    }
}

/// A [`Diagnostic`] printed in one language.
pub struct Shown<'a> {
    d: &'a Diagnostic,
    lang: Lang,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.d;
        let (kind, hint) = match (self.lang, d.severity) {
            (Lang::Ar, Severity::Error) => ("خطأ", "تلميح"),
            (Lang::Ar, Severity::Warning) => ("تنبيه", "تلميح"),
            (Lang::En, Severity::Error) => ("error", "hint"),
            (Lang::En, Severity::Warning) => ("warning", "hint"),
        };
        write!(
            f,
            "{}:{}:{}: {kind}: {}",
            d.file,
            d.line,
            d.column,
            d.message.get(self.lang)
        )?;
        if let Some(h) = &d.hint {
            write!(f, "\n  {hint}: {}", h.get(self.lang))?;
        }
        Ok(())
    }
}

/// In Arabic, the staff's language.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.display(Lang::Ar).fmt(f)
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

impl Diagnostics {
    /// Every problem as a GitHub Actions workflow command, one a line, in `lang`.
    pub fn github_annotations(&self, lang: Lang) -> String {
        self.0
            .iter()
            .map(|d| d.github_annotation(lang) + "\n")
            .collect()
    }

    /// Every problem, one after another, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        self.0
            .iter()
            .map(|d| format!("{}\n", d.display(lang)))
            .collect()
    }
}

/// In Arabic, the staff's language.
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::Ar))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_annotation_escapes_the_message_and_the_properties_as_github_reads_them() {
        let d = Diagnostic::warning(
            "site,1/a:b.md",
            7,
            3,
            Text::new("خطأ 100%\r\nهنا: أ، ب", "100% wrong\r\nhere: a, b"),
        )
        .hint(Text::new("استعمل `x`", "use `x`"));
        assert_eq!(
            d.github_annotation(Lang::En),
            "::warning file=site%2C1/a%3Ab.md,line=7,col=3::100%25 wrong%0D%0Ahere: a, b%0Ahint: use `x`"
        );
        assert_eq!(
            d.github_annotation(Lang::Ar),
            "::warning file=site%2C1/a%3Ab.md,line=7,col=3::خطأ 100%25%0D%0Aهنا: أ، ب%0Aتلميح: استعمل `x`"
        );
    }
}
