//! The templates folder, read once: what the renderer serves is exactly what the build
//! fingerprint hashes, so no template change can leave a stale packet.
//!
//! One walk decides both, with one rule: hidden files and folders (a name starting with
//! `.`) are skipped; a symbolic link is followed only to a file inside the folder; a
//! linked folder, or a link that leaves the folder, is an error.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The virtual folder reserved for per-case files.
pub(crate) const CASE_FOLDER: &str = "case";

/// The most files a templates folder may hold (Typst can address 65,535 files in all).
const MAX_FILES: usize = 1000;

/// The largest template file: fonts and images included, a real one is a few MiB.
const MAX_FILE_BYTES: u64 = 64 << 20;

/// A file of the templates folder, read into memory.
pub(crate) struct TemplateFile {
    /// Its virtual path, e.g. `/packet.typ`.
    pub vpath: String,
    /// The file on disk, for messages.
    pub path: PathBuf,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Reads every file of a templates folder, sorted by virtual path.
pub(crate) fn read_folder(dir: &Path) -> Result<Vec<TemplateFile>> {
    let root = dir
        .canonicalize()
        .with_context(|| format!("cannot read the templates folder {}", dir.display()))?;
    let mut out = Vec::new();
    let mut pending = vec![(String::new(), dir.to_path_buf())];
    while let Some((prefix, folder)) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .with_context(|| format!("cannot read the templates folder {}", folder.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| {
                format!("cannot read the templates folder {}", folder.display())
            })?;
            let path = entry.path();
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                bail!("{} has a name that is not UTF-8", path.display());
            };
            if name.starts_with('.') {
                continue;
            }
            if prefix.is_empty() && name == CASE_FOLDER {
                bail!("{} is reserved for case files; rename it", path.display());
            }
            let vpath = format!("{prefix}/{name}");
            let kind = entry
                .file_type()
                .with_context(|| format!("cannot read the template file {}", path.display()))?;
            if kind.is_dir() {
                pending.push((vpath, path));
                continue;
            }
            if typst::syntax::VirtualPath::new(&vpath).is_err() {
                bail!(
                    "{} has a name Typst cannot address; rename it",
                    path.display()
                );
            }
            if !kind.is_file() && !kind.is_symlink() {
                bail!(
                    "{} is not a regular file; templates are read only from files",
                    path.display()
                );
            }
            if kind.is_symlink() {
                let target = path
                    .canonicalize()
                    .with_context(|| format!("cannot follow the link {}", path.display()))?;
                if !target.starts_with(&root) || !target.is_file() {
                    bail!(
                        "{} is a link to a folder or out of the templates folder; \
                         copy the file in instead",
                        path.display()
                    );
                }
            }
            let bytes = crate::fsutil::read_regular(&path, MAX_FILE_BYTES)
                .with_context(|| format!("cannot read the template file {}", path.display()))?;
            out.push(TemplateFile { vpath, path, bytes });
            if out.len() > MAX_FILES {
                bail!(
                    "the templates folder {} holds more than {MAX_FILES} files",
                    dir.display()
                );
            }
        }
    }
    out.sort_by(|a, b| a.vpath.cmp(&b.vpath));
    Ok(out)
}

/// Hashes the files as read: their virtual paths and bytes, in order.
pub(crate) fn fingerprint(files: &[TemplateFile]) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    for file in files {
        hasher.update(file.vpath.as_bytes());
        hasher.update(&[0]);
        hasher.update(&(file.bytes.len() as u64).to_le_bytes());
        hasher.update(&file.bytes);
    }
    hasher.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_files_are_skipped_and_subfolders_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("packet.typ"), "a").unwrap();
        std::fs::write(dir.path().join(".packet.typ.swp"), "junk").unwrap();
        std::fs::create_dir(dir.path().join("parts")).unwrap();
        std::fs::write(dir.path().join("parts/cover.typ"), "b").unwrap();
        let files = read_folder(dir.path()).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.vpath.as_str()).collect();
        assert_eq!(names, ["/packet.typ", "/parts/cover.typ"]);
        let before = fingerprint(&files);
        // A hidden file changes neither what is served nor the fingerprint.
        std::fs::write(dir.path().join(".packet.typ.swp"), "other").unwrap();
        assert_eq!(fingerprint(&read_folder(dir.path()).unwrap()), before);
        std::fs::write(dir.path().join("parts/cover.typ"), "c").unwrap();
        assert_ne!(fingerprint(&read_folder(dir.path()).unwrap()), before);
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_odd_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("packet.typ"), "a").unwrap();
        std::fs::write(dir.path().join("back\\slash.typ"), "a").unwrap();
        let error = format!("{:#}", read_folder(dir.path()).err().unwrap());
        assert!(error.contains("a name Typst cannot address"), "{error}");
        std::fs::remove_file(dir.path().join("back\\slash.typ")).unwrap();
        let fifo = dir.path().join("evidence.yaml");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let error = format!("{:#}", read_folder(dir.path()).err().unwrap());
        assert!(
            error.contains("evidence.yaml is not a regular file"),
            "{error}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_only_to_files_inside_the_folder() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("packet.typ"), "a").unwrap();
        std::os::unix::fs::symlink(dir.path().join("packet.typ"), dir.path().join("alias.typ"))
            .unwrap();
        let files = read_folder(dir.path()).unwrap();
        let linked = files.iter().find(|f| f.vpath == "/alias.typ").unwrap();
        assert_eq!(linked.bytes, b"a");
        // The linked file's content is hashed, so changing its target is seen.
        let before = fingerprint(&files);
        std::fs::write(dir.path().join("packet.typ"), "b").unwrap();
        assert_ne!(fingerprint(&read_folder(dir.path()).unwrap()), before);

        std::os::unix::fs::symlink(outside.path().join("secret.txt"), dir.path().join("s.txt"))
            .unwrap();
        let error = format!("{:#}", read_folder(dir.path()).err().unwrap());
        assert!(error.contains("s.txt is a link"), "{error}");
        std::fs::remove_file(dir.path().join("s.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
        let error = format!("{:#}", read_folder(dir.path()).err().unwrap());
        assert!(error.contains("loop is a link"), "{error}");
    }
}
