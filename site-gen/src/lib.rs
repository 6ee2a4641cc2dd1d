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
pub mod editor;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod paths;
pub mod render;
pub mod serve;
pub mod service_digest;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use forms::dates::Day;

use diagnostic::{Diagnostic, Diagnostics};
pub use load::Overrides;
use model::Site;
use render::{Mode, Output, Templates, Written};

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
    /// The built browser editor (`admin/dist/`), copied to `/admin/` of a site with `admin:`;
    /// found beside the content folder or above it when `None`.
    pub editor: Option<PathBuf>,
}

impl Config {
    /// The default site: `content/` with the `templates/` found beside it.
    pub fn new(site: impl Into<PathBuf>) -> Self {
        Config {
            site: site.into(),
            templates: None,
            overrides: Overrides::default(),
            today: None,
            editor: None,
        }
    }

    /// The templates folder to use.
    pub fn templates_dir(&self) -> PathBuf {
        self.templates
            .clone()
            .unwrap_or_else(|| find_templates(&self.site))
    }

    /// The built editor's folder to use, when there is one.
    pub fn editor_dir(&self) -> Option<PathBuf> {
        self.editor
            .clone()
            .filter(|d| d.join(editor::SCRIPT).is_file())
            .or_else(|| editor::find_built(&self.site))
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

/// Loads, renders in memory and checks the site, writing nothing. Every file is kept (for tests
/// and tools that look at them); `build` keeps none.
pub fn check(config: &Config, mode: Mode) -> Checked {
    let files = Mutex::new(Vec::new());
    let made = make(config, mode, &|o| {
        files.lock().expect("not poisoned").push(o)
    });
    let outputs = made.written.map(|_| {
        let mut files = files.into_inner().expect("not poisoned");
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    });
    Checked {
        site: made.site,
        outputs,
        diagnostics: made.diagnostics,
    }
}

/// What [`make`] made: the model, what is kept of every file handed over, and every problem.
struct Made {
    site: Option<Site>,
    written: Option<Vec<Written>>,
    diagnostics: Diagnostics,
}

/// Loads, renders and checks the site, handing every file to `emit` as it is rendered.
fn make(config: &Config, mode: Mode, emit: &(dyn Fn(Output) + Sync)) -> Made {
    let (site, mut diagnostics) = load::load(&config.site, &config.overrides);
    let templates = Templates::read(&config.templates_dir());
    let today = config.today.unwrap_or_else(Day::today);
    let written = match (&site, templates) {
        (Some(site), Ok(t)) => {
            match render::render_site(site, &t, mode, today, config.editor_dir().as_deref(), emit) {
                Ok(written) => {
                    // Links are checked once every file reads: a file that does not read has no
                    // anchors, and every link to it would be reported too.
                    let loaded = !diagnostics.has_errors();
                    diagnostics.extend_all(check::check_site(site, &written, today, loaded));
                    Some(written)
                }
                Err(d) => {
                    diagnostics.extend_all(d);
                    None
                }
            }
        }
        (_, Err(d)) => {
            diagnostics.extend_all(d);
            None
        }
        (None, Ok(_)) => None,
    };
    Made {
        site,
        written,
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
    let (_, built, diagnostics) = build_site(config, out, mode);
    (built, diagnostics)
}

/// Like [`build`], and the site's model when it could be loaded.
pub fn build_site(
    config: &Config,
    out: &Path,
    mode: Mode,
) -> (Option<Site>, Result<Built, ()>, Diagnostics) {
    let start = Instant::now();
    let cannot_write = |e: io::Error| {
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
        ))
    };
    let staging = match output::Staging::new(out) {
        Ok(s) => s,
        Err(e) => {
            let mut d = Diagnostics::default();
            d.push(cannot_write(e));
            return (None, Err(()), d);
        }
    };
    // Each file goes into the staging folder as soon as it is rendered; after the first that
    // cannot be written, the others are not tried and the build fails with that one problem.
    let failed: Mutex<Option<io::Error>> = Mutex::new(None);
    let made = make(config, mode, &|o| {
        if failed.lock().expect("not poisoned").is_some() {
            return;
        }
        if let Err(e) = staging.write(&o.path, &o.bytes) {
            failed.lock().expect("not poisoned").get_or_insert(e);
        }
    });
    let mut diagnostics = made.diagnostics;
    if let Some(e) = failed.into_inner().expect("not poisoned") {
        diagnostics.push(cannot_write(e));
    }
    let written = match made.written {
        Some(w) if !diagnostics.has_errors() => w,
        // The staging folder is removed as it is dropped.
        _ => return (made.site, Err(()), diagnostics),
    };
    if let Err(e) = staging.commit() {
        diagnostics.push(cannot_write(e));
        return (made.site, Err(()), diagnostics);
    }
    let pages = written.iter().filter(|w| w.path.ends_with(".html")).count();
    let built = Built {
        pages,
        files: written.len(),
        elapsed: start.elapsed(),
    };
    (made.site, Ok(built), diagnostics)
}
