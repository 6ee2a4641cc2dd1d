//! `site-gen`: builds an association's Arabic policy site from a content folder.
//!
//! Data flows one way: [`load`] reads the content into the checked [`model`]; [`render`] makes
//! every page with the shared templates; [`check`] finds what can only be seen across the whole
//! site (links, anchors, the menu, dates); [`output`] writes the site atomically; [`serve`] does
//! all of it again on every change, for a preview. Every problem is a [`diagnostic::Diagnostic`]
//! with `file:line:column`.

pub mod anchors;
pub mod archive;
pub mod chart;
pub mod check;
pub mod diagnostic;
pub mod document;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod render;
pub mod serve;
pub mod service_digest;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use forms::dates::Day;

use diagnostic::{Diagnostic, Diagnostics};
pub use load::Overrides;
use model::Site;
use render::{Mode, Output, Templates};

/// What to build, from where.
#[derive(Debug, Clone)]
pub struct Config {
    /// The content folder (`content/`).
    pub site: PathBuf,
    /// The templates folder; found next to the content folder or above it when `None`.
    pub templates: Option<PathBuf>,
    pub overrides: Overrides,
    /// The day the next review is compared with, and the date of the build a printed policy
    /// shows without script (today in Riyadh when `None`).
    pub today: Option<Day>,
}

impl Config {
    /// The default site: `content/` with the `templates/` found beside it.
    pub fn new(site: impl Into<PathBuf>) -> Self {
        Config {
            site: site.into(),
            templates: None,
            overrides: Overrides::default(),
            today: None,
        }
    }

    /// The templates folder to use.
    pub fn templates_dir(&self) -> PathBuf {
        self.templates
            .clone()
            .unwrap_or_else(|| find_templates(&self.site))
    }
}

/// The `templates/` folder nearest to the content folder: beside it, or beside one of the
/// folders above it (so `examples/qana/content` uses the repository's `templates/`).
pub fn find_templates(site: &Path) -> PathBuf {
    let abs = std::path::absolute(site).unwrap_or_else(|_| site.to_path_buf());
    for dir in abs.ancestors().skip(1) {
        let candidate = dir.join("templates");
        if candidate.join("base.html").is_file() {
            return candidate;
        }
    }
    PathBuf::from("templates")
}

/// The result of checking a site: its model and files when they could be made, and every problem.
pub struct Checked {
    pub site: Option<Site>,
    pub outputs: Option<Vec<Output>>,
    pub diagnostics: Diagnostics,
}

/// Loads, renders in memory and checks the site, writing nothing.
pub fn check(config: &Config, mode: Mode) -> Checked {
    let (site, mut diagnostics) = load::load(&config.site, &config.overrides);
    let templates = Templates::read(&config.templates_dir());
    let today = config.today.unwrap_or_else(Day::today);
    let outputs = match (&site, templates) {
        (Some(site), Ok(t)) => match render::render_site(site, &t, mode, today) {
            Ok(outputs) => {
                // Links are checked once every file reads: a file that does not read has no
                // anchors, and every link to it would be reported too.
                let loaded = !diagnostics.has_errors();
                diagnostics.extend_all(check::check_site(site, &outputs, today, loaded));
                Some(outputs)
            }
            Err(d) => {
                diagnostics.extend_all(d);
                None
            }
        },
        (_, Err(d)) => {
            diagnostics.extend_all(d);
            None
        }
        (None, Ok(_)) => None,
    };
    Checked {
        site,
        outputs,
        diagnostics: diagnostics.sorted(),
    }
}

/// What a successful build made.
#[derive(Debug, Clone)]
pub struct Built {
    /// HTML pages written.
    pub pages: usize,
    /// Files written, pages included.
    pub files: usize,
    pub elapsed: Duration,
}

/// Checks the site and, when it has no error, writes it to `out` (replacing it whole). The
/// problems found are returned either way; on error `out` is left as it was.
pub fn build(config: &Config, out: &Path, mode: Mode) -> (Result<Built, ()>, Diagnostics) {
    let start = Instant::now();
    let checked = check(config, mode);
    let mut diagnostics = checked.diagnostics;
    let outputs = match checked.outputs {
        Some(o) if !diagnostics.has_errors() => o,
        _ => return (Err(()), diagnostics),
    };
    if let Err(e) = output::write_atomically(out, &outputs) {
        diagnostics.push(
            Diagnostic::error(
                out.to_string_lossy(),
                1,
                1,
                forms::Text::new(
                    format!("تعذّرت كتابة الموقع: {e}"),
                    format!("cannot write the site: {e}"),
                ),
            )
            .hint(forms::Text::new(
                "تأكد أن المجلد قابل للكتابة وأن القرص غير ممتلئ؛ بقي الموقع السابق كما هو",
                "check that the folder is writable and the disk is not full; the previous site was kept",
            )),
        );
        return (Err(()), diagnostics);
    }
    let pages = outputs.iter().filter(|o| o.path.ends_with(".html")).count();
    (
        Ok(Built {
            pages,
            files: outputs.len(),
            elapsed: start.elapsed(),
        }),
        diagnostics,
    )
}
