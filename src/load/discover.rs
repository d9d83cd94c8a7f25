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
fn is_case_file(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// Returns whether a name is hidden (starts with a dot).
fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

/// Walks the cases folder and returns its case files in sorted order.
///
/// Hidden files and folders are skipped; unreadable entries and symlink loops come back
/// with an error so that the batch can report them. An unreadable cases folder itself is
/// an error of the whole run.
pub(crate) fn discover(root: &Path) -> anyhow::Result<Vec<Discovered>> {
    let meta = std::fs::metadata(root)
        .map_err(|e| anyhow::anyhow!("cannot read the cases folder {}: {e}", root.display()))?;
    if !meta.is_dir() {
        anyhow::bail!("the cases folder {} is not a folder", root.display());
    }
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    let mut found = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let name = entry.file_name().to_string_lossy();
                if entry.file_type().is_file() && is_case_file(&name) {
                    found.push(Discovered {
                        relative: relative(root, entry.path()),
                        path: entry.into_path(),
                        error: None,
                    });
                }
            }
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                let why = if error.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    error
                        .io_error()
                        .map_or_else(|| error.to_string(), ToString::to_string)
                };
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
    fn symlink_loops_become_errors_not_crashes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a")).unwrap();
        fs::write(root.join("a/case.yaml"), "id: x\n").unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("a/loop")).unwrap();
        let found = discover(root).unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        let looped = found.iter().find(|d| d.error.is_some()).unwrap();
        assert_eq!(looped.relative, "a/loop");
        assert!(looped.error.as_deref().unwrap().contains("loop"));
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        let error = discover(Path::new("/nonexistent/cases")).unwrap_err();
        assert!(error.to_string().contains("/nonexistent/cases"));
    }
}
