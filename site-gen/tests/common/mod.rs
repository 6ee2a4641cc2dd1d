//! What the integration tests share: the fixture site copied to a scratch folder so that one test
//! can change it, and the configuration pointing at the repository's templates.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use forms::dates::Day;
use site_gen::Config;

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A copy of `tests/fixtures/minimal` in a scratch folder (removed when dropped).
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal"),
            &dir.path().join("content"),
        );
        Fixture { dir }
    }

    /// The content folder.
    pub fn site(&self) -> PathBuf {
        self.dir.path().join("content")
    }

    /// The name a problem in `rel` is reported under.
    pub fn file(&self, rel: &str) -> String {
        self.site().join(rel).to_string_lossy().into_owned()
    }

    /// Replaces `from` with `to` in `rel`, which must contain it.
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let path = self.site().join(rel);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has no {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self
    }

    /// Writes `rel` (making its folder).
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.site().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    /// The configuration to check or build this site on 2025-11-01.
    pub fn config(&self) -> Config {
        config(&self.site(), "2025-11-01")
    }

    /// Builds the site into a folder (each file written as it is rendered), and returns that
    /// folder's files after asserting they are, byte for byte, the files `check` makes in memory.
    pub fn built(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        let out = self.dir.path().join("public");
        let mode = site_gen::render::Mode::default();
        let (built, d) = site_gen::build(&self.config(), &out, mode);
        assert!(built.is_ok() && !d.has_errors(), "{d}");
        let files = snapshot(&out);
        let in_memory: std::collections::BTreeMap<String, Vec<u8>> =
            site_gen::check(&self.config(), mode)
                .outputs
                .unwrap()
                .into_iter()
                .map(|o| (o.path, o.bytes))
                .collect();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            in_memory.keys().collect::<Vec<_>>()
        );
        assert!(
            files == in_memory,
            "a built file differs from the one checked"
        );
        files
    }
}

/// The configuration for the site in `site`, with the repository's templates, on `today`.
pub fn config(site: &Path, today: &str) -> Config {
    let mut c = Config::new(site);
    c.templates = Some(repo().join("templates"));
    c.today = Day::parse(today);
    c
}

pub fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Every file under `dir`, relative path → bytes.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_string_lossy().into_owned(),
                    fs::read(&p).unwrap(),
                );
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}
