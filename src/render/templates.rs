//! The templates, read once: what the renderer serves is exactly what the build
//! fingerprint hashes, so no template change can leave a stale packet.
//!
//! They come from a folder (`--templates DIR`, or `./templates` where it exists) or from
//! the set built into the binary ([`BUILT_IN`]), so appealpack works in any folder. A
//! folder may hold only the files it overrides: each built-in file it lacks is served
//! from the built-in set, and [`Source::origins`] says which came from where. One
//! walk of a folder decides what is served and hashed, with one rule: hidden files and
//! folders (a name starting with `.`) are skipped; a symbolic link is followed only to a
//! file inside the folder; a linked folder, or a link that leaves the folder, is an error.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The templates and evidence library built into the binary, by file name.
pub(crate) const BUILT_IN: &[(&str, &[u8])] = &[
    (
        "authorization-for-signature.typ",
        include_bytes!("../../templates/authorization-for-signature.typ"),
    ),
    ("charts.typ", include_bytes!("../../templates/charts.typ")),
    (
        "clinical.typ",
        include_bytes!("../../templates/clinical.typ"),
    ),
    ("common.typ", include_bytes!("../../templates/common.typ")),
    (
        "contacts.typ",
        include_bytes!("../../templates/contacts.typ"),
    ),
    ("cover.typ", include_bytes!("../../templates/cover.typ")),
    (
        "enclosures.typ",
        include_bytes!("../../templates/enclosures.typ"),
    ),
    (
        "evidence.typ",
        include_bytes!("../../templates/evidence.typ"),
    ),
    (
        "evidence.yaml",
        include_bytes!("../../templates/evidence.yaml"),
    ),
    ("history.typ", include_bytes!("../../templates/history.typ")),
    (
        "letter-for-signature.typ",
        include_bytes!("../../templates/letter-for-signature.typ"),
    ),
    ("letter.typ", include_bytes!("../../templates/letter.typ")),
    ("lmn.typ", include_bytes!("../../templates/lmn.typ")),
    (
        "markdown.typ",
        include_bytes!("../../templates/markdown.typ"),
    ),
    ("packet.typ", include_bytes!("../../templates/packet.typ")),
    ("report.typ", include_bytes!("../../templates/report.typ")),
    (
        "statements.typ",
        include_bytes!("../../templates/statements.typ"),
    ),
    ("summary.typ", include_bytes!("../../templates/summary.typ")),
];

/// The hidden file an exported templates folder records its appealpack version in.
pub(crate) const VERSION_FILE: &str = ".appealpack-templates";

/// Where the templates come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// A folder of templates.
    Folder(PathBuf),
    /// The set built into the binary.
    BuiltIn,
}

impl Source {
    /// Chooses the templates: `--templates DIR` if given, else `./templates` where it
    /// exists, else the built-in set.
    pub(crate) fn choose(given: Option<&Path>) -> Source {
        match given {
            Some(dir) => Source::Folder(dir.to_path_buf()),
            None if Path::new("templates").is_dir() => Source::Folder("templates".into()),
            None => Source::BuiltIn,
        }
    }

    /// Describes the source for people and the summary: the folder, or "built-in".
    pub(crate) fn describe(&self) -> String {
        match self {
            Source::Folder(dir) => dir.display().to_string(),
            Source::BuiltIn => "built-in".to_owned(),
        }
    }

    /// Reads every template file, sorted by virtual path: a folder's own files, and the
    /// built-in file of each name it lacks.
    pub(crate) fn read(&self) -> Result<Vec<TemplateFile>> {
        let mut files = match self {
            Source::Folder(dir) => read_folder(dir)?,
            Source::BuiltIn => Vec::new(),
        };
        let missing: Vec<TemplateFile> = BUILT_IN
            .iter()
            .filter(|(name, _)| !files.iter().any(|f| f.vpath == format!("/{name}")))
            .map(|(name, bytes)| TemplateFile {
                vpath: format!("/{name}"),
                path: PathBuf::from(format!("<built-in>/{name}")),
                bytes: bytes.to_vec(),
            })
            .collect();
        files.extend(missing);
        files.sort_by(|a, b| a.vpath.cmp(&b.vpath));
        Ok(files)
    }

    /// Says where the templates come from, for standard error: a line for each file of a
    /// folder that is not a byte-for-byte copy of the built-in file of its name, and a line
    /// for the built-in files the folder lacks. Nothing for the built-in set, or for a
    /// folder that is a copy of it.
    pub(crate) fn origins(&self) -> Result<Vec<String>> {
        let Source::Folder(dir) = self else {
            return Ok(Vec::new());
        };
        let files = read_folder(dir)?;
        let built_in = |vpath: &str| {
            BUILT_IN
                .iter()
                .find(|(name, _)| vpath.strip_prefix('/') == Some(*name))
                .map(|(_, bytes)| *bytes)
        };
        let mut lines: Vec<String> = files
            .iter()
            .filter(|f| built_in(&f.vpath) != Some(f.bytes.as_slice()))
            .map(|f| {
                format!(
                    "templates: {} from {}",
                    f.vpath.trim_start_matches('/'),
                    f.path.display()
                )
            })
            .collect();
        let lacked = BUILT_IN
            .iter()
            .filter(|(name, _)| !files.iter().any(|f| f.vpath == format!("/{name}")))
            .count();
        if lacked > 0 {
            lines.push(format!(
                "templates: the other {lacked} file{} from the built-in set",
                if lacked == 1 { "" } else { "s" }
            ));
        }
        Ok(lines)
    }

    /// Reads one file of the templates, such as `evidence.yaml`, as UTF-8 text: from the
    /// folder where it holds the file, else from the built-in set.
    pub(crate) fn read_text(&self, name: &str, what: &str) -> Result<(PathBuf, String)> {
        match self {
            // A missing folder is an error, named by the read; a folder without the file
            // leaves it to the built-in set.
            Source::Folder(dir)
                if !dir.is_dir() || std::fs::symlink_metadata(dir.join(name)).is_ok() =>
            {
                let path = dir.join(name);
                let text = crate::fsutil::read_text(&path, MAX_FILE_BYTES, what)?;
                Ok((path, text))
            }
            Source::Folder(_) | Source::BuiltIn => {
                let (_, bytes) = BUILT_IN
                    .iter()
                    .find(|(n, _)| *n == name)
                    .with_context(|| format!("the built-in templates have no {name}"))?;
                let text = std::str::from_utf8(bytes).expect("built-in templates are UTF-8");
                Ok((PathBuf::from(format!("<built-in>/{name}")), text.to_owned()))
            }
        }
    }

    /// Returns the appealpack version a folder was exported from, where it says.
    pub(crate) fn exported_from(&self) -> Option<String> {
        let Source::Folder(dir) = self else {
            return None;
        };
        let text = crate::fsutil::read_text(&dir.join(VERSION_FILE), 1024, "").ok()?;
        text.lines()
            .find_map(|l| l.trim().strip_prefix("appealpack "))
            .map(|v| v.trim().to_owned())
    }
}

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

    #[test]
    fn the_built_in_set_is_the_templates_folder() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let on_disk = read_folder(&folder).unwrap();
        let built_in = Source::BuiltIn.read().unwrap();
        let names = |files: &[TemplateFile]| -> Vec<String> {
            files.iter().map(|f| f.vpath.clone()).collect()
        };
        assert_eq!(
            names(&built_in),
            names(&on_disk),
            "list every template in BUILT_IN"
        );
        assert!(
            built_in
                .iter()
                .zip(&on_disk)
                .all(|(a, b)| a.bytes == b.bytes)
        );
    }

    #[test]
    fn a_folder_overrides_only_the_files_it_holds() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("letter.typ"), "own letter").unwrap();
        let (_, common) = BUILT_IN.iter().find(|(n, _)| *n == "common.typ").unwrap();
        std::fs::write(dir.path().join("common.typ"), common).unwrap();
        let source = Source::Folder(dir.path().to_path_buf());
        let files = source.read().unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.vpath.as_str()).collect();
        let built_in: Vec<String> = BUILT_IN.iter().map(|(n, _)| format!("/{n}")).collect();
        assert_eq!(names, built_in, "every template is served, once");
        let letter = files.iter().find(|f| f.vpath == "/letter.typ").unwrap();
        assert_eq!(letter.bytes, b"own letter");
        let packet = files.iter().find(|f| f.vpath == "/packet.typ").unwrap();
        assert!(packet.path.starts_with("<built-in>"));
        let (path, evidence) = source.read_text("evidence.yaml", "the library").unwrap();
        assert!(path.starts_with("<built-in>") && !evidence.is_empty());
        // The copy of a built-in file overrides nothing, so only the letter is named.
        let origins = source.origins().unwrap();
        let others = BUILT_IN.len() - 2;
        assert_eq!(
            origins,
            [
                format!(
                    "templates: letter.typ from {}",
                    dir.path().join("letter.typ").display()
                ),
                format!("templates: the other {others} files from the built-in set"),
            ]
        );
        assert!(Source::BuiltIn.origins().unwrap().is_empty());
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
