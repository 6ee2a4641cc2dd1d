//! Writing the built site: into a new folder beside the output, each file as soon as it is
//! rendered (so that a large site is never held in memory whole), and swapped in only when the
//! whole build succeeded, so that a failed build leaves the previous site as it was.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// The folder a build writes into, beside the output; removed when dropped without
/// [`Staging::commit`] (a failed build).
pub struct Staging {
    dir: TempDir,
    out: PathBuf,
}

impl Staging {
    /// A new, empty staging folder for the output folder `out`.
    pub fn new(out: &Path) -> io::Result<Staging> {
        let parent = parent_of(out)?;
        fs::create_dir_all(&parent)?;
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{}.new-", name_of(out)))
            .tempdir_in(&parent)?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
        })
    }

    /// Writes the file at `path` (such as `policy/index.html`) into the staging folder. Safe to
    /// call from many threads at once.
    pub fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let file = self.dir.path().join(path);
        if let Some(dir) = file.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(file, bytes)
    }

    /// Replaces the output folder with the staging folder whole.
    pub fn commit(self) -> io::Result<()> {
        let Staging { dir, out } = self;
        // Readable by the web server, as a folder made by `mkdir` would be.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755))?;
        }
        let staged = dir.keep();
        if out.exists() {
            let old = tempfile::Builder::new()
                .prefix(&format!(".{}.old-", name_of(&out)))
                .tempdir_in(parent_of(&out)?)?
                .keep();
            fs::remove_dir(&old)?;
            fs::rename(&out, &old)?;
            if let Err(e) = fs::rename(&staged, &out) {
                // Put the previous site back before reporting.
                let _ = fs::rename(&old, &out);
                let _ = fs::remove_dir_all(&staged);
                return Err(e);
            }
            fs::remove_dir_all(&old)?;
        } else if let Err(e) = fs::rename(&staged, &out) {
            let _ = fs::remove_dir_all(&staged);
            return Err(e);
        }
        Ok(())
    }
}

fn parent_of(out: &Path) -> io::Result<PathBuf> {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => Ok(p.to_path_buf()),
        _ => std::env::current_dir(),
    }
}

fn name_of(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_folder_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(out.join("old")).unwrap();
        fs::write(out.join("old/index.html"), "قديم").unwrap();
        let staging = Staging::new(&out).unwrap();
        staging
            .write("policy/index.html", "جديد".as_bytes())
            .unwrap();
        assert!(
            out.join("old/index.html").exists(),
            "the previous site is served until the new one is complete"
        );
        staging.commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("policy/index.html")).unwrap(),
            "جديد"
        );
        assert!(!out.join("old").exists());
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no staging folder is left behind");
    }

    #[test]
    fn an_abandoned_build_leaves_the_folder_and_no_staging() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "قديم").unwrap();
        let staging = Staging::new(&out).unwrap();
        staging.write("index.html", "جديد".as_bytes()).unwrap();
        drop(staging);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "قديم");
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no staging folder is left behind");
    }
}
