//! The output folder, which is the build's own: locked while a build or merge writes it,
//! kept apart from the cases folder, and written and cleaned without following links.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::fsutil;

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
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("cannot create the lock file {}", lock_path.display()))?;
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
        Ok(OutputFolder {
            path: path.to_path_buf(),
            _lock: lock,
        })
    }

    /// Returns the folder's path as given.
    pub(crate) fn path(&self) -> &Path {
        &self.path
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
