//! Finding the case files under the cases folder.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// A file found under the cases folder, or an entry that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Discovered {
    /// The path as found (the cases folder joined with `relative`).
    pub path: PathBuf,
    /// The path relative to the cases folder, with `/` separators.
    pub relative: String,
    /// Why the entry could not be read, if it could not.
    pub error: Option<String>,
}

/// Returns whether a file name is a case file's (`*.yaml` or `*.yml`).
pub(crate) fn is_case_file(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// Why a case file saved under another name is reported, not read.
const MISNAMED: &str = "looks like a case file saved with another ending (such as `.yaml.txt`, \
    `.yml.docx` or a space after `.yaml`), so it was not read: rename it to end in `.yaml` \
    (in Windows File Explorer, tick View > File name extensions to see the whole name), and \
    save it from a plain-text editor";

/// Returns whether a name is a case file's with something after it: an editor's extension
/// (`case.yaml.txt`, `case.yml.docx`) or a trailing space or dot, or the ending in capitals.
pub(crate) fn is_misnamed_case_file(name: &str) -> bool {
    let lower = name.to_lowercase();
    let trimmed = lower.trim_end_matches([' ', '.']);
    if is_case_file(trimmed) {
        return trimmed != name;
    }
    ["txt", "text", "doc", "docx", "rtf", "odt", "pages"]
        .iter()
        .any(|ext| {
            lower
                .strip_suffix(ext)
                .and_then(|stem| stem.strip_suffix('.'))
                .is_some_and(is_case_file)
        })
}

/// Returns whether a name is hidden (starts with a dot).
pub(crate) fn is_hidden(name: &str) -> bool {
    name.starts_with('.') && name != "." && name != ".."
}

/// Walks the cases folder and returns its case files in sorted order.
///
/// Hidden files and folders are skipped; unreadable entries come back with an error so
/// that the batch can report them. Symbolic links are never followed out of the folder:
/// a link to a case file inside it is read as that file, a link to a folder inside it is
/// skipped (the folder is walked where it is), and a link that leaves the folder is
/// reported without its target being read. FIFOs, devices and sockets named like case
/// files are reported without being opened. An unreadable cases folder itself is an
/// error of the whole run.
pub(crate) fn discover(root: &Path) -> anyhow::Result<Vec<Discovered>> {
    let meta = std::fs::metadata(root)
        .map_err(|e| anyhow::anyhow!("cannot read the cases folder {}: {e}", root.display()))?;
    if !meta.is_dir() {
        anyhow::bail!("the cases folder {} is not a folder", root.display());
    }
    let real_root = root
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("cannot read the cases folder {}: {e}", root.display()))?;
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(&e.file_name().to_string_lossy()));
    let mut found = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let name = entry.file_name().to_string_lossy();
                let named = is_case_file(&name);
                let kind = entry.file_type();
                let error = if kind.is_file() && !named && is_misnamed_case_file(&name) {
                    // Saved by Notepad or Word beside the cases: dropping it without a
                    // word would lose a case from the run.
                    Some(MISNAMED.to_owned())
                } else if kind.is_dir() || (kind.is_file() && !named) {
                    continue;
                } else if kind.is_file() {
                    None
                } else if kind.is_symlink() {
                    match link_problem(entry.path(), &real_root, named) {
                        Some(Some(why)) => Some(why.to_owned()),
                        Some(None) => None,
                        None => continue,
                    }
                } else if named {
                    Some("not a regular file (a FIFO, device or socket); it was not opened".into())
                } else {
                    continue;
                };
                found.push(Discovered {
                    relative: relative(root, entry.path()),
                    path: entry.into_path(),
                    error,
                });
            }
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                let why = error
                    .io_error()
                    .map_or_else(|| error.to_string(), ToString::to_string);
                found.push(Discovered {
                    relative: relative(root, &path),
                    path,
                    error: Some(why),
                });
            }
        }
    }
    found.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok(found)
}

/// Judges a symbolic link without reading its target: `Some(Some(why))` to report it,
/// `Some(None)` to read it as a case file, `None` to pass over it.
fn link_problem(link: &Path, real_root: &Path, named: bool) -> Option<Option<&'static str>> {
    let Ok(target) = link.canonicalize() else {
        return named.then_some(Some("is a broken symbolic link"));
    };
    if !target.starts_with(real_root) {
        return Some(Some(
            "is a symbolic link that leaves the cases folder; its target was not read",
        ));
    }
    match (named, target.is_file()) {
        (true, true) => Some(None),
        (true, false) => Some(Some("is a link to something other than a regular file")),
        (false, _) => None,
    }
}

/// Returns `path` relative to `root`, with `/` separators.
fn relative(root: &Path, path: &Path) -> String {
    slash_path(path.strip_prefix(root).unwrap_or(path))
}

/// Writes a path with `/` separators, as reports show and link it on every platform.
pub(crate) fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn names(found: &[Discovered]) -> Vec<&str> {
        found.iter().map(|d| d.relative.as_str()).collect()
    }

    #[test]
    fn finds_yaml_files_recursively_in_sorted_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/deep")).unwrap();
        fs::create_dir_all(root.join(".hidden")).unwrap();
        fs::create_dir_all(root.join("folder.yaml")).unwrap();
        for file in [
            "z.yaml",
            "a.yml",
            "b/deep/c.yaml",
            "b/notes.txt",
            ".secret.yaml",
            ".hidden/x.yaml",
            "folder.yaml/inner.yaml",
        ] {
            fs::write(root.join(file), "id: x\n").unwrap();
        }
        let found = discover(root).unwrap();
        assert_eq!(
            names(&found),
            ["a.yml", "b/deep/c.yaml", "folder.yaml/inner.yaml", "z.yaml"]
        );
        assert!(found.iter().all(|d| d.error.is_none()));
    }

    #[cfg(unix)]
    #[test]
    fn links_are_not_followed_out_of_the_folder_and_fifos_not_opened() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.yaml"), "root:x:0:0").unwrap();
        fs::create_dir(outside.path().join("folder")).unwrap();
        fs::write(outside.path().join("folder/case.yaml"), "id: x\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a")).unwrap();
        fs::write(root.join("a/case.yaml"), "id: x\n").unwrap();
        symlink(root.join("a"), root.join("a/loop")).unwrap();
        symlink(root.join("a/case.yaml"), root.join("alias.yaml")).unwrap();
        symlink(outside.path().join("secret.yaml"), root.join("passwd.yaml")).unwrap();
        symlink(outside.path().join("folder"), root.join("elsewhere")).unwrap();
        symlink(root.join("missing"), root.join("broken.yaml")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(root.join("pipe.yaml"))
            .status()
            .unwrap();
        assert!(made.success());
        let found = discover(root).unwrap();
        let listed: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|d| (d.relative.as_str(), d.error.as_deref()))
            .collect();
        assert_eq!(
            listed,
            [
                ("a/case.yaml", None),
                ("alias.yaml", None),
                ("broken.yaml", Some("is a broken symbolic link")),
                (
                    "elsewhere",
                    Some(
                        "is a symbolic link that leaves the cases folder; its target was not read"
                    )
                ),
                (
                    "passwd.yaml",
                    Some(
                        "is a symbolic link that leaves the cases folder; its target was not read"
                    )
                ),
                (
                    "pipe.yaml",
                    Some("not a regular file (a FIFO, device or socket); it was not opened")
                ),
            ]
        );
    }

    #[test]
    fn case_files_saved_under_another_ending_are_recognised() {
        for name in [
            "case.yaml.txt",
            "case.yml.docx",
            "case.yaml ",
            "case.yaml.",
            "Case.YAML",
            "case.YML.TXT",
        ] {
            assert!(is_misnamed_case_file(name), "{name:?}");
        }
        for name in [
            "case.yaml",
            "notes.txt",
            "denial.pdf",
            "case.yaml.bak",
            "yaml.txt",
        ] {
            assert!(!is_misnamed_case_file(name), "{name:?}");
        }
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        let error = discover(Path::new("/nonexistent/cases")).unwrap_err();
        assert!(error.to_string().contains("/nonexistent/cases"));
    }
}
