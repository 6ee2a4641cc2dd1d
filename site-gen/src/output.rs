//! Writing the built site: into a new folder beside the output, swapped in only when every file
//! was written, so that a failed build leaves the previous site as it was.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;

use crate::render::Output;

/// Writes `outputs` into `out`, replacing what was there only once all of it is written.
pub fn write_atomically(out: &Path, outputs: &[Output]) -> io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::env::current_dir()?,
    };
    fs::create_dir_all(&parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(&parent)?;
    // Folders first, each once; then the files, in parallel (a large site is thousands).
    let dirs: BTreeSet<&Path> = outputs
        .iter()
        .filter_map(|o| Path::new(&o.path).parent())
        .collect();
    for dir in dirs {
        fs::create_dir_all(staging.path().join(dir))?;
    }
    outputs
        .par_iter()
        .try_for_each(|o| fs::write(staging.path().join(&o.path), &o.bytes))?;
    // Readable by the web server, as a folder made by `mkdir` would be.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(staging.path(), fs::Permissions::from_mode(0o755))?;
    }
    let staged = staging.keep();
    if out.exists() {
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(&parent)?
            .keep();
        fs::remove_dir(&old)?;
        fs::rename(out, &old)?;
        if let Err(e) = fs::rename(&staged, out) {
            // Put the previous site back before reporting.
            let _ = fs::rename(&old, out);
            let _ = fs::remove_dir_all(&staged);
            return Err(e);
        }
        fs::remove_dir_all(&old)?;
    } else if let Err(e) = fs::rename(&staged, out) {
        let _ = fs::remove_dir_all(&staged);
        return Err(e);
    }
    Ok(())
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
        let files = vec![Output {
            path: "policy/index.html".into(),
            bytes: "جديد".as_bytes().to_vec(),
        }];
        write_atomically(&out, &files).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("policy/index.html")).unwrap(),
            "جديد"
        );
        assert!(!out.join("old").exists());
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no staging folder is left behind");
    }
}
