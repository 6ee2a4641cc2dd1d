//! Embeds the site the service answers for: `site.yaml` and every `forms/*.yaml` of the site folder
//! `SITE_DIR` (default `../content`), and every file of the templates folder `TEMPLATES_DIR`
//! (default `../templates`), both relative to this crate. The service validates against exactly the
//! definitions the site was rendered from, and answers in the site's own look.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=SITE_DIR");
    println!("cargo:rerun-if-env-changed=TEMPLATES_DIR");
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let folder = |var: &str, default: &str| {
        let dir = std::env::var(var).unwrap_or_else(|_| default.to_string());
        let dir = crate_dir.join(dir);
        dir.canonicalize().unwrap_or(dir)
    };
    let site = folder("SITE_DIR", "../content");
    let templates = folder("TEMPLATES_DIR", "../templates");

    let mut out = String::new();
    let site_yaml = site.join("site.yaml");
    if !site_yaml.is_file() {
        panic!(
            "{}: no site.yaml here; set SITE_DIR to a site folder",
            site.display()
        );
    }
    rerun(&site);
    rerun(&site_yaml);
    writeln!(out, "/// The site folder the service was built for.").unwrap();
    writeln!(
        out,
        "pub const SITE_DIR: &str = {:?};",
        site.display().to_string()
    )
    .unwrap();
    writeln!(out, "/// `site.yaml`.").unwrap();
    writeln!(
        out,
        "pub const SITE_YAML: &str = include_str!({:?});",
        path(&site_yaml)
    )
    .unwrap();

    let forms_dir = site.join("forms");
    rerun(&forms_dir);
    let mut forms = files(&forms_dir);
    forms.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    writeln!(
        out,
        "/// Every form definition: (id, file relative to the site folder, text)."
    )
    .unwrap();
    writeln!(out, "pub const FORMS: &[(&str, &str, &str)] = &[").unwrap();
    for f in &forms {
        rerun(f);
        let id = f.file_stem().unwrap().to_string_lossy();
        let rel = format!("forms/{}", f.file_name().unwrap().to_string_lossy());
        writeln!(out, "    ({id:?}, {rel:?}, include_str!({:?})),", path(f)).unwrap();
    }
    writeln!(out, "];").unwrap();

    writeln!(
        out,
        "/// Every file of the templates folder: (name relative to it, text)."
    )
    .unwrap();
    writeln!(out, "pub const TEMPLATES: &[(&str, &str)] = &[").unwrap();
    if templates.is_dir() {
        rerun(&templates);
        let mut all = Vec::new();
        walk(&templates, &mut all);
        for f in &all {
            rerun(f);
            let rel = f.strip_prefix(&templates).unwrap();
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            writeln!(out, "    ({name:?}, include_str!({:?})),", path(f)).unwrap();
        }
    } else {
        println!("cargo:rerun-if-changed={}", templates.display());
    }
    writeln!(out, "];").unwrap();

    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("embedded.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn rerun(p: &Path) {
    println!("cargo:rerun-if-changed={}", p.display());
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

/// The files directly in `dir`, sorted by name.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Every text file under `dir`, sorted, skipping hidden ones.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            rerun(&p);
            walk(&p, out);
        } else if std::fs::read_to_string(&p).is_ok() {
            out.push(p);
        }
    }
}
