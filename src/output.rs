//! The output folder, which is the build's own: locked while a build or merge writes it,
//! kept apart from the cases folder, and written and cleaned without following links.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::cache;
use crate::fsutil::{self, TEMP_PREFIX, TEMP_SUFFIX};
use crate::model::case::{CASES_CSV, DEADLINES_ICS, INDEX_HTML, SUMMARY_JSON, SUMMARY_MD};

/// The lock file inside the output folder.
pub(crate) const LOCK_NAME: &str = ".appealpack.lock";

/// The packet's file name inside its case's folder.
pub(crate) const PACKET_FILE: &str = "packet.pdf";

/// The draft letter of medical necessity alone, for the provider to sign, beside a draft
/// case's packet.
pub(crate) const LETTER_FILE: &str = "letter-for-signature.pdf";

/// The appointment of representative written beside a packet whose plan needs one.
pub(crate) const AUTHORIZATION_FILE: &str = "authorization-for-signature.pdf";

/// An output folder, locked for as long as this value lives.
#[derive(Debug)]
pub(crate) struct OutputFolder {
    path: PathBuf,
    /// The folder with every link resolved, to compare paths named on the command line.
    real: PathBuf,
    /// The open lock file; the operating system releases the lock when it is closed, so a
    /// killed run leaves no stale lock behind.
    _lock: File,
}

impl OutputFolder {
    /// Creates the folder if needed and locks it; refuses a folder that is, holds or lies
    /// inside the cases folder, and one another run is writing.
    pub(crate) fn open(path: &Path, cases: Option<&Path>) -> Result<OutputFolder> {
        fsutil::create_dir_all(path)?;
        let real = path
            .canonicalize()
            .with_context(|| format!("cannot read the output folder {}", path.display()))?;
        if let Some(cases) = cases {
            let real_cases = cases
                .canonicalize()
                .with_context(|| format!("cannot read the cases folder {}", cases.display()))?;
            if real.starts_with(&real_cases) || real_cases.starts_with(&real) {
                bail!(
                    "the output folder {} and the cases folder {} overlap; write the output \
                     to a folder of its own (-o)",
                    path.display(),
                    cases.display()
                );
            }
        }
        let lock_path = path.join(LOCK_NAME);
        let lock = open_lock(&lock_path)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => bail!(
                "another appealpack run is writing to {} (it holds {}); wait for it, or write \
                 to another folder",
                path.display(),
                lock_path.display()
            ),
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", lock_path.display()));
            }
        }
        let folder = OutputFolder {
            path: path.to_path_buf(),
            real,
            _lock: lock,
        };
        folder.remove_leftover_temporary_files();
        Ok(folder)
    }

    /// Returns the folder's path as given.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the temporary files a killed run left in the folder and its case folders
    /// (each a whole packet or report, full of patient data); only regular files named as
    /// [`fsutil::write_atomic`] names them, and never through a link. The lock is held, so
    /// none belongs to a run still writing.
    fn remove_leftover_temporary_files(&self) {
        let leftover = |name: &str| name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX);
        let Ok(entries) = std::fs::read_dir(&self.path) else {
            return;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            if kind.is_file() && leftover(&name.to_string_lossy()) {
                let _ = std::fs::remove_file(entry.path());
            } else if kind.is_dir() {
                let Ok(inner) = std::fs::read_dir(entry.path()) else {
                    continue;
                };
                for file in inner.flatten() {
                    let name = file.file_name();
                    let regular = file.file_type().is_ok_and(|k| k.is_file());
                    if regular && leftover(&name.to_string_lossy()) {
                        let _ = std::fs::remove_file(file.path());
                    }
                }
            }
        }
    }

    /// Refuses a report path named on the command line (`--junit`) where writing it would
    /// replace an input of the run or a file of this folder: inside one of `inputs`' folders
    /// or on one of its files, on a report, the lock or the manifest here, or on a packet.
    /// Links in the folders above the path are followed to where the file would land; a
    /// link in the path's own place is replaced, never written through.
    pub(crate) fn refuse_report_path(&self, path: &Path, inputs: &[Input]) -> Result<()> {
        let real = real_location(path)?;
        if std::fs::symlink_metadata(&real).is_ok_and(|m| m.is_dir()) {
            bail!("{} is a folder; name a file for the report", path.display());
        }
        for input in inputs {
            match input {
                Input::Folder(folder, what) if real.starts_with(folder) => bail!(
                    "{} is inside {what} {}, which the run reads; write the report \
                     elsewhere (into the output folder, for example)",
                    path.display(),
                    folder.display()
                ),
                Input::File(file, what) if real == *file => bail!(
                    "{} is {what}, which the run reads; write the report elsewhere",
                    path.display()
                ),
                _ => {}
            }
        }
        let name = real
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let reserved = [
            SUMMARY_JSON,
            SUMMARY_MD,
            INDEX_HTML,
            DEADLINES_ICS,
            CASES_CSV,
            LOCK_NAME,
            cache::FILE_NAME,
        ];
        let here = real.parent() == Some(self.real.as_path());
        // Case-insensitive, as the disks of macOS and Windows compare names.
        let taken = reserved.iter().any(|r| r.eq_ignore_ascii_case(&name))
            || name.to_ascii_lowercase().starts_with(TEMP_PREFIX);
        if here && taken {
            bail!(
                "{} would replace the output folder's own {name}; name another file for the \
                 report",
                path.display()
            );
        }
        let packet = [PACKET_FILE, LETTER_FILE]
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&name));
        if real.starts_with(&self.real) && packet {
            bail!(
                "{} would replace a packet in the output folder; name another file for the \
                 report",
                path.display()
            );
        }
        Ok(())
    }

    /// Returns a case's folder in the output, created if needed; a link or a file in its
    /// place is refused, so a packet is never written through a link.
    pub(crate) fn case_dir(&self, id: &str) -> Result<PathBuf> {
        let dir = self.path.join(id);
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => Ok(dir),
            Ok(_) => bail!(
                "{} is not a folder appealpack made (a link or a file); remove it",
                dir.display()
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&dir)
                    .with_context(|| format!("cannot create the folder {}", dir.display()))?;
                Ok(dir)
            }
            Err(e) => Err(e).with_context(|| format!("cannot read {}", dir.display())),
        }
    }

    /// Removes a packet the last build wrote, at `<id>/packet.pdf`, with its letter for
    /// signature and its folder if that is then empty; never through a link. Says why
    /// when it cannot.
    pub(crate) fn remove_packet(&self, id: &str) -> Result<(), String> {
        let dir = self.path.join(id);
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(format!(
                    "not removing {}: it is a link or a file, not a folder appealpack made",
                    dir.display()
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
        }
        for name in [PACKET_FILE, LETTER_FILE, AUTHORIZATION_FILE] {
            fsutil::remove_file(&dir.join(name)).map_err(|e| format!("{e:#}"))?;
        }
        // The case folder goes too if nothing else is in it.
        let _ = std::fs::remove_dir(&dir);
        Ok(())
    }
}

/// Something a run reads, where no report may be written: a folder (the cases folder, a
/// shard folder, a templates folder) or a file (the organisation file), with every link
/// resolved, and what it is in words.
#[derive(Debug, Clone)]
pub(crate) enum Input {
    /// A folder and everything in it.
    Folder(PathBuf, &'static str),
    /// One file.
    File(PathBuf, &'static str),
}

impl Input {
    /// Returns a folder the run reads, with its links resolved; `None` if it does not exist.
    pub(crate) fn folder(path: &Path, what: &'static str) -> Option<Input> {
        path.canonicalize()
            .ok()
            .map(|real| Input::Folder(real, what))
    }

    /// Returns a file the run reads, with its links resolved; `None` if it does not exist.
    pub(crate) fn file(path: &Path, what: &'static str) -> Option<Input> {
        path.canonicalize().ok().map(|real| Input::File(real, what))
    }
}

/// Returns where a file would be written: the nearest folder above it that exists, with
/// every link resolved, then the rest of the path as written. A link in the file's own
/// place is not followed, since an atomic write replaces it.
pub(crate) fn real_location(path: &Path) -> Result<PathBuf> {
    let Some(name) = path.file_name() else {
        bail!("{} names no file", path.display());
    };
    let mut folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut missing = Vec::new();
    loop {
        if let Ok(real) = folder.canonicalize() {
            let mut location = real;
            location.extend(missing.iter().rev());
            location.push(name);
            return Ok(location);
        }
        match (folder.file_name(), folder.parent()) {
            (Some(last), Some(parent)) => {
                missing.push(last.to_owned());
                folder = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
            }
            _ => bail!("cannot read the folder of {}", path.display()),
        }
    }
}

/// Opens (or creates) the lock file without following a link or blocking on a FIFO: a
/// link, folder or FIFO in its place is refused, so the lock never creates or touches a
/// file outside the output folder.
fn open_lock(path: &Path) -> Result<File> {
    let refuse = || {
        anyhow::anyhow!(
            "{} is not a regular file (a link, folder or FIFO); remove it",
            path.display()
        )
    };
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.is_file() => return Err(refuse()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    let mut options = File::options();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let lock = options
        .open(path)
        .with_context(|| format!("cannot create the lock file {}", path.display()))?;
    if !lock.metadata().is_ok_and(|m| m.is_file()) {
        return Err(refuse());
    }
    Ok(lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_run_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let first = OutputFolder::open(&out, None).unwrap();
        let error = OutputFolder::open(&out, None).unwrap_err().to_string();
        assert!(error.contains(".appealpack.lock"), "{error}");
        drop(first);
        OutputFolder::open(&out, None).unwrap();
    }

    #[test]
    fn the_output_may_not_overlap_the_cases() {
        let dir = tempfile::tempdir().unwrap();
        let cases = dir.path().join("cases");
        std::fs::create_dir(&cases).unwrap();
        for out in [cases.clone(), cases.join("out"), dir.path().to_path_buf()] {
            let error = OutputFolder::open(&out, Some(&cases))
                .unwrap_err()
                .to_string();
            assert!(error.contains("overlap"), "{error}");
        }
        OutputFolder::open(&dir.path().join("out"), Some(&cases)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn the_lock_is_never_opened_through_a_link_or_as_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let target = dir.path().join("target");
        std::os::unix::fs::symlink(&target, out.join(LOCK_NAME)).unwrap();
        let error = OutputFolder::open(&out, None).unwrap_err().to_string();
        assert!(error.contains("not a regular file"), "{error}");
        assert!(!target.exists());
        std::fs::remove_file(out.join(LOCK_NAME)).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(out.join(LOCK_NAME))
            .status()
            .unwrap();
        assert!(made.success());
        // Opening the FIFO for writing would block this test forever.
        assert!(OutputFolder::open(&out, None).is_err());
    }

    #[test]
    fn a_killed_runs_temporary_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(out.join("KET-1")).unwrap();
        for file in [
            ".appealpack-a1.tmp",
            "KET-1/.appealpack-b2.tmp",
            "KET-1/packet.pdf",
            "notes.tmp",
        ] {
            std::fs::write(out.join(file), "x").unwrap();
        }
        let _folder = OutputFolder::open(&out, None).unwrap();
        assert!(!out.join(".appealpack-a1.tmp").exists());
        assert!(!out.join("KET-1/.appealpack-b2.tmp").exists());
        assert!(out.join("KET-1/packet.pdf").exists());
        assert!(out.join("notes.tmp").exists());
    }

    #[test]
    fn a_report_path_may_not_replace_an_input_or_the_folders_own_files() {
        let dir = tempfile::tempdir().unwrap();
        let cases = dir.path().join("cases");
        std::fs::create_dir_all(cases.join("KET-1")).unwrap();
        std::fs::write(dir.path().join("appealpack.yaml"), "x").unwrap();
        let out = OutputFolder::open(&dir.path().join("out"), Some(&cases)).unwrap();
        let inputs: Vec<Input> = [
            Input::folder(&cases, "the cases folder"),
            Input::file(&dir.path().join("appealpack.yaml"), "the organisation file"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let refused = [
            "cases/KET-1/letter.pdf",
            "cases/new/deeper/junit.xml",
            "appealpack.yaml",
            "out/summary.json",
            "out/INDEX.HTML",
            "out/.appealpack.lock",
            "out/.appealpack-manifest.json",
            "out/KET-1/packet.pdf",
            "out",
        ];
        for path in refused {
            let path = dir.path().join(path);
            assert!(out.refuse_report_path(&path, &inputs).is_err(), "{path:?}");
        }
        for path in ["out/junit.xml", "reports/junit.xml", "junit.xml"] {
            let path = dir.path().join(path);
            out.refuse_report_path(&path, &inputs).unwrap();
        }
        // A link to the cases folder is followed to where the file would land.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&cases, dir.path().join("alias")).unwrap();
            let path = dir.path().join("alias/KET-1/case.yaml");
            assert!(out.refuse_report_path(&path, &inputs).is_err());
        }
    }

    #[cfg(unix)]
    #[test]
    fn nothing_is_written_or_removed_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("packet.pdf"), "precious").unwrap();
        let out = OutputFolder::open(&dir.path().join("out"), None).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.path().join("KET-1")).unwrap();
        assert!(out.case_dir("KET-1").is_err());
        let why = out.remove_packet("KET-1").unwrap_err();
        assert!(why.contains("not removing"), "{why}");
        assert!(elsewhere.join("packet.pdf").exists());
        assert_eq!(out.case_dir("KET-2").unwrap(), out.path().join("KET-2"));
        out.remove_packet("KET-3").unwrap();
    }
}
