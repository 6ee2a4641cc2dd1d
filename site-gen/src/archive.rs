//! `site-gen archive`: files the current version of the policy into `policy/archive/{key}/`
//! before staff edit it, so that it stays published at `/policy/archive/{key}/` (see
//! [`crate::model::history`] for what is filed).

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostics;
use crate::load::{self, Overrides};
use crate::model::history::{ARCHIVE_DIR, VersionText, valid_key, version_key};

/// What `archive` did.
#[derive(Debug)]
pub enum Filed {
    /// The version was written into `dir` (`files` files).
    Written {
        key: String,
        dir: PathBuf,
        files: usize,
    },
    /// `dir` already holds this version with the same text: nothing was written.
    AlreadyFiled { key: String, dir: PathBuf },
}

/// Why `archive` wrote nothing.
#[derive(Debug)]
pub enum Refused {
    /// The content has errors (listed).
    Problems(Diagnostics),
    /// The version (or approval date) cannot be a folder's name.
    BadKey(String),
    /// `dir` already holds this version with a different text.
    Different { key: String, dir: PathBuf },
    /// Writing failed.
    Io(std::io::Error),
}

impl Filed {
    /// What to tell staff, in Arabic.
    pub fn message(&self) -> String {
        match self {
            Filed::Written { key, dir, files } => format!(
                "حُفظ الإصدار {key} في {} ({files} ملفات). عدّل نص السياسة الآن، ثم اكتب في policy/_index.md رقم الإصدار الجديد (version) وبيانات اعتماده (approval).",
                dir.display()
            ),
            Filed::AlreadyFiled { key, dir } => format!(
                "الإصدار {key} محفوظ من قبل في {} بالنص نفسه؛ لم يُكتب شيء.",
                dir.display()
            ),
        }
    }
}

impl Refused {
    /// What to tell staff, in Arabic.
    pub fn message(&self) -> String {
        match self {
            Refused::Problems(d) => format!("{d}لم يُحفظ شيء: في المحتوى أخطاء، صحّحها ثم أعد الأمر."),
            Refused::BadKey(key) => format!(
                "لم يُحفظ شيء: رقم الإصدار {key:?} لا يصلح اسمًا لمجلد. اكتبه بالأرقام والنقاط فقط، مثل \"1.1\"."
            ),
            Refused::Different { key, dir } => format!(
                "لم يُحفظ شيء: الإصدار {key} محفوظ من قبل في {} بنص مختلف عن النص الحالي، ولا يُستبدل إصدار محفوظ. إن كان النص الحالي إصدارًا جديدًا فاكتب رقمه وبيانات اعتماده في policy/_index.md قبل حفظه.",
                dir.display()
            ),
            Refused::Io(e) => format!("لم يُحفظ شيء: تعذّرت الكتابة ({e})."),
        }
    }
}

/// Files the current version of the policy of the content folder `root`.
pub fn archive(root: &Path) -> Result<Filed, Refused> {
    let (site, problems) = load::load(root, &Overrides::default());
    let site = match site {
        Some(s) if !problems.has_errors() => s,
        _ => return Err(Refused::Problems(problems.sorted())),
    };
    let key = version_key(&site.policy);
    if !valid_key(&key) {
        return Err(Refused::BadKey(key));
    }
    let archive = root.join(ARCHIVE_DIR);
    let dir = archive.join(&key);
    if dir.exists() {
        let same = site
            .history
            .versions
            .iter()
            .any(|v| v.key == key && v.current);
        return if same {
            Ok(Filed::AlreadyFiled { key, dir })
        } else {
            Err(Refused::Different { key, dir })
        };
    }
    let text = VersionText::current(&site.policy, &site.channels, site.eligibility.as_ref());
    let index = fs::read(root.join("policy/_index.md")).map_err(Refused::Io)?;
    let mut files = text.section_files();
    files.push((
        "_index.md".into(),
        String::from_utf8_lossy(&index).into_owned(),
    ));
    // Written beside the archive, then renamed into place: a failure leaves no half version.
    let tmp = archive.join(format!(".{key}.tmp-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        fs::create_dir_all(&tmp)?;
        for (name, text) in &files {
            fs::write(tmp.join(name), text)?;
        }
        fs::rename(&tmp, &dir)
    };
    if let Err(e) = write() {
        let _ = fs::remove_dir_all(&tmp);
        return Err(Refused::Io(e));
    }
    Ok(Filed::Written {
        key,
        dir,
        files: files.len(),
    })
}
