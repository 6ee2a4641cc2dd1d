//! One Markdown file of a content folder: its YAML front matter between two `---` lines, and its
//! Markdown body, with the line each starts on so that problems can be pointed at.

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;
use forms::Text;

/// A Markdown file split into front matter and body.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file as the user names it (site folder joined with its place in the folder).
    pub file: String,
    /// The front matter's YAML (without the `---` lines); it starts on line 2 of the file.
    pub front: String,
    /// The Markdown after the closing `---`.
    pub body: String,
    /// The 1-based line of the file on which the body starts.
    pub body_line: usize,
}

impl Document {
    /// Splits `text`; a file that does not start with a front matter block is an error.
    pub fn parse(file: &str, text: &str) -> Result<Document, Diagnostic> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text: std::borrow::Cow<'_, str> = if text.contains('\r') {
            text.replace("\r\n", "\n").into()
        } else {
            text.into()
        };
        let missing = || {
            Diagnostic::error(
                file,
                1,
                1,
                Text::new(
                    "يبدأ الملف بالبيانات الوصفية: سطر `---`، ثم المفاتيح، ثم سطر `---` آخر",
                    "the file must start with front matter: a line `---`, the keys, then another line `---`",
                ),
            )
            .hint(Text::new(
                "في docs/content-format.md المفاتيح التي يأخذها هذا النوع من الملفات",
                "see docs/content-format.md for the keys this kind of file takes",
            ))
        };
        let rest = text.strip_prefix("---\n").ok_or_else(missing)?;
        let mut offset = 0;
        for line in rest.split_inclusive('\n') {
            if line.trim_end() == "---" {
                let front = rest[..offset].to_string();
                let body = rest[offset + line.len()..].to_string();
                let body_line = 2 + front.lines().count() + 1;
                return Ok(Document {
                    file: file.to_string(),
                    front,
                    body,
                    body_line,
                });
            }
            offset += line.len();
        }
        Err(Diagnostic::error(
            file,
            1,
            1,
            Text::new(
                "البيانات الوصفية غير مغلقة: أضف سطر `---` بعد آخر مفتاح",
                "the front matter is not closed: add a line `---` after the last key",
            ),
        ))
    }

    /// Reads the front matter into `T`, reporting problems at their place in the file.
    pub fn front_matter<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        // An empty front matter is an empty mapping (so that missing keys are named).
        let yaml = if self.front.trim().is_empty() {
            "{}"
        } else {
            &self.front
        };
        serde_norway::from_str(yaml)
            .map_err(|e| forms::SourceError::from_yaml(&self.file, &e, 1).into())
    }

    /// The file's place of `key:` in the front matter (the first after a line containing `after`).
    pub fn locate(&self, key: &str, after: Option<&str>) -> (usize, usize) {
        let (l, c) = forms::source::locate_key(&self.front, key, after);
        (l + 1, c)
    }

    /// The file's line and column of a byte offset in the body.
    pub fn body_position(&self, offset: usize) -> (usize, usize) {
        position(&self.body, offset, self.body_line)
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`, whose first line is
/// line `first_line` of its file.
pub fn position(text: &str, offset: usize, first_line: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count();
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (first_line + line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body_with_their_lines() {
        let d = Document::parse(
            "a.md",
            "---\ntitle: س\nrole: goal\n---\nنص\n\nثانٍ [ر](/x/)\n",
        )
        .unwrap();
        assert_eq!(d.front, "title: س\nrole: goal\n");
        assert_eq!(d.body_line, 5);
        assert_eq!(d.body_position(d.body.find('[').unwrap()), (7, 6));
        assert_eq!(d.locate("role", None), (3, 1));
    }

    #[test]
    fn a_file_without_front_matter_is_an_error_at_its_start() {
        let e = Document::parse("a.md", "title: x\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        let e = Document::parse("a.md", "---\ntitle: x\n").unwrap_err();
        assert!(e.message.en.contains("not closed"), "{e}");
    }
}
