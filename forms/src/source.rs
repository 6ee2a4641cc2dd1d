//! Errors that point at a place in a content file, for staff who edit it, in Arabic for the
//! association's staff and in English for developers (see [`Text`]).

use std::fmt;

/// The language staff read messages in: Arabic by default, English for developers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ar,
    En,
}

impl Lang {
    /// `ar` or `en`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "ar" => Some(Lang::Ar),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// One message for staff, written once in both languages at the place that finds the problem,
/// so that the two can never tell different things.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Text {
    pub ar: String,
    pub en: String,
}

impl Text {
    /// The message `ar` in Arabic and `en` in English.
    pub fn new(ar: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            ar: ar.into(),
            en: en.into(),
        }
    }

    /// The message in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ar => &self.ar,
            Lang::En => &self.en,
        }
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ar)
    }
}

/// A problem in a content file, with the place it was found (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// The file, as the user named it (relative to the site folder where possible).
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// What is wrong and what was expected.
    pub message: Text,
}

impl SourceError {
    pub fn new(file: impl Into<String>, line: usize, column: usize, message: Text) -> Self {
        Self {
            file: file.into(),
            line,
            column,
            message,
        }
    }

    /// An error from the YAML parser, shifted by `line_offset` lines (the front matter of a
    /// Markdown file starts on its second line).
    pub fn from_yaml(file: &str, err: &serde_norway::Error, line_offset: usize) -> Self {
        let (line, column) = err
            .location()
            .map(|l| (l.line() + line_offset, l.column()))
            .unwrap_or((1 + line_offset, 1));
        // The parser appends " at line L column C" to its message; the location is ours to print.
        let text = err.to_string();
        let message = match text.find(" at line ") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        Self::new(file, line, column, explain(&message))
    }
}

/// Rewords the YAML parser's terse messages so that a person who is not a programmer sees what was
/// expected, and where a nested key is named (`approval.date: invalid type: …`), which key. The
/// parser's own words (what it found, what it expected) stay as they are in both languages: they
/// name keys and YAML kinds.
fn explain(message: &str) -> Text {
    let (key, rest) = match message.split_once(": ") {
        Some((k, r)) if !k.contains(' ') => (Some(k), r),
        _ => (None, message),
    };
    let (in_ar, in_en) = match key {
        Some(k) => (format!(" داخل `{k}`"), format!(" in `{k}`")),
        None => (String::new(), String::new()),
    };
    if let Some(r) = rest.strip_prefix("unknown field ") {
        return Text::new(
            format!("مفتاح غير معروف {r}{in_ar} (تحقق من كتابته)"),
            format!("unknown key {r}{in_en} (check its spelling)"),
        );
    }
    if let Some(r) = rest.strip_prefix("missing field ") {
        return Text::new(
            format!("المفتاح {r} ناقص{in_ar}، ولا بد منه هنا"),
            format!("missing key {r}{in_en}: it is required here"),
        );
    }
    if let Some(r) = rest.strip_prefix("invalid type: ") {
        return Text::new(
            format!("نوع القيمة غير صحيح{in_ar}: {r}"),
            format!(
                "wrong kind of value{}: {r}",
                key.map(|k| format!(" for `{k}`")).unwrap_or_default()
            ),
        );
    }
    if let (Some(k), Some(r)) = (key, rest.strip_prefix("unknown variant ")) {
        return Text::new(
            format!("لا تصح القيمة {r} في `{k}`"),
            format!("`{k}` cannot be {r}"),
        );
    }
    if let Some(r) = rest.strip_prefix("unknown variant ") {
        return Text::new(format!("قيمة غير مقبولة {r}"), message);
    }
    Text::new(format!("تعذّرت قراءة الملف: {message}"), message)
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message.en
        )
    }
}

impl std::error::Error for SourceError {}

/// The 1-based line and column where `key:` is first written at the start of a line (after
/// indentation and an optional list dash) in `text`, for errors found after parsing. When `after`
/// is given, the search starts at the first line that contains it.
pub fn locate_key(text: &str, key: &str, after: Option<&str>) -> (usize, usize) {
    let start = after
        .and_then(|a| text.lines().position(|l| l.contains(a)))
        .unwrap_or(0);
    for (i, line) in text.lines().enumerate().skip(start) {
        let trimmed = line.trim_start();
        let body = trimmed.strip_prefix("- ").unwrap_or(trimmed);
        if body.starts_with(&format!("{key}:")) {
            let col = line.len() - body.len() + 1;
            return (i + 1, line[..col - 1].chars().count() + 1);
        }
    }
    (start + 1, 1)
}

/// The 1-based line and column where `value` is first written in `text`, for errors about a value
/// rather than its key.
pub fn locate_value(text: &str, value: &str) -> (usize, usize) {
    for (i, line) in text.lines().enumerate() {
        if let Some(at) = line.find(value) {
            return (i + 1, line[..at].chars().count() + 1);
        }
    }
    (1, 1)
}

/// The 1-based line and column of the value of `key:` (its quotes skipped) in `text`.
pub fn locate_key_value(text: &str, key: &str) -> (usize, usize) {
    let (l, c) = locate_key(text, key, None);
    let line = text.lines().nth(l - 1).unwrap_or("");
    let start: String = line.chars().skip(c - 1 + key.chars().count() + 1).collect();
    let skipped =
        start.chars().count() - start.trim_start_matches([' ', '"', '\'']).chars().count();
    (l, c + key.chars().count() + 1 + skipped)
}

/// The 1-based line and column of `needle`, written as a whole word inside the value of `key:` (on
/// its line or the more indented lines below it), for errors about one item of a value such as
/// `required_if: { field: category, any_of: [community] }`. Falls back to the key's place.
pub fn locate_in(text: &str, key: &str, after: Option<&str>, needle: &str) -> (usize, usize) {
    let (line, column) = locate_key(text, key, after);
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let Some(first) = lines.get(line - 1) else {
        return (line, column);
    };
    let key_indent = indent(first);
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    for (i, l) in lines.iter().enumerate().skip(line - 1) {
        if i >= line && (l.trim().is_empty() || indent(l) <= key_indent) {
            break;
        }
        let from = if i == line - 1 {
            l.find(&format!("{key}:")).map_or(0, |k| k + key.len() + 1)
        } else {
            0
        };
        let mut start = from;
        while let Some(pos) = l[start..].find(needle) {
            let at = start + pos;
            let end = at + needle.len();
            let before = l[..at].chars().next_back().is_none_or(|c| !is_word(c));
            let after = l[end..].chars().next().is_none_or(|c| !is_word(c));
            if before && after {
                return (i + 1, l[..at].chars().count() + 1);
            }
            start = end;
        }
    }
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_an_item_inside_a_flow_or_block_value() {
        let text = "fields:\n  - name: id\n    required_if: { field: cat, any_of: [x, cats] }\n  - name: b\n    required_if:\n      field: cat\n      any_of: [cats]\n";
        assert_eq!(
            locate_in(text, "required_if", Some("name: id"), "cats"),
            (3, 44)
        );
        assert_eq!(
            locate_in(text, "required_if", Some("name: id"), "cat"),
            (3, 27)
        );
        assert_eq!(
            locate_in(text, "required_if", Some("name: b"), "cats"),
            (7, 16)
        );
        assert_eq!(
            locate_in(text, "required_if", Some("name: b"), "nowhere"),
            (5, 5)
        );
    }

    #[test]
    fn locates_a_key_inside_a_list_item() {
        let text = "title: x\nfields:\n  - name: a\n    type: text\n  - name: b\n    type: bogus\n";
        assert_eq!(locate_key(text, "type", Some("name: b")), (6, 5));
        assert_eq!(locate_key(text, "name", Some("name: b")), (5, 5));
    }

    #[test]
    fn locates_a_value_after_its_key_and_quotes() {
        let text = "contact:\n  phone: \"+966 11 000 0000\"\nurl: \"https://x.example.org/\"\n";
        assert_eq!(locate_value(text, "+966 11 000 0000"), (2, 11));
        assert_eq!(locate_key_value(text, "url"), (3, 7));
    }
}
