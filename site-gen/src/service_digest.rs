//! What the form service embeds when it is built (form-fn's `build.rs`): the site as the service
//! uses it (`SiteConfig::for_service`), every form definition and every template file. Its digest
//! is stored with the deployed stack (`FormsDigest`): when a content folder's digest equals the
//! deployed one, publishing the site is enough; otherwise the service must be deployed again.

use std::fs;
use std::path::{Path, PathBuf};

use forms::SiteConfig;
use sha2::{Digest, Sha256};

use crate::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// The SHA-256, in hex, of what the form service built from `config`'s site would embed.
pub fn service_digest(config: &Config) -> Result<String, Diagnostics> {
    let mut problems = Diagnostics::default();
    let site_file = config.site.join("site.yaml");
    let shown = site_file.to_string_lossy().into_owned();
    let site = match fs::read_to_string(&site_file) {
        Ok(text) => SiteConfig::from_yaml(&shown, &text)
            .map_err(|e| problems.extend_source(e))
            .ok(),
        Err(e) => {
            problems.push(Diagnostic::error(
                shown,
                1,
                1,
                forms::Text::new(
                    format!("تعذّرت قراءة الملف: {e}"),
                    format!("cannot be read: {e}"),
                ),
            ));
            None
        }
    };
    let Some(site) = site else {
        return Err(problems);
    };
    let mut hash = Sha256::new();
    let mut part = |name: &str, bytes: &[u8]| {
        hash.update(name.as_bytes());
        hash.update([0]);
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    let service_site = serde_json::to_vec(&site.for_service()).expect("a site serialises");
    part("site.yaml", &service_site);
    let mut forms: Vec<PathBuf> = files_in(&config.site.join("forms"));
    forms.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    for f in forms {
        let name = format!(
            "forms/{}",
            f.file_name().unwrap_or_default().to_string_lossy()
        );
        part(&name, &read(&f, &mut problems));
    }
    let templates = config.templates_dir();
    let mut all = Vec::new();
    walk(&templates, &mut all);
    for f in all {
        let rel = f.strip_prefix(&templates).unwrap_or(&f);
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        part(&format!("templates/{name}"), &read(&f, &mut problems));
    }
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn read(path: &Path, problems: &mut Diagnostics) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| {
        problems.push(Diagnostic::error(
            path.to_string_lossy(),
            1,
            1,
            forms::Text::new(
                format!("تعذّرت قراءة الملف: {e}"),
                format!("cannot be read: {e}"),
            ),
        ));
        Vec::new()
    })
}

/// The files directly in `dir`, sorted by name (none when it does not exist).
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.is_file());
    out.sort();
    out
}

/// Every file under `dir` but hidden ones, sorted folder by folder as form-fn embeds them.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for p in entries {
        if p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}
