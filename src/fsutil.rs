//! File-system helpers whose errors name the path, and atomic writes.

use std::io::{Read as _, Write};
use std::path::Path;

use anyhow::{Context, Result};

/// Why a file could not be read by [`read_regular`].
#[derive(Debug)]
pub(crate) enum ReadError {
    /// It is a folder, FIFO, device or socket: refused without opening it, since opening
    /// a FIFO blocks until someone writes to it.
    NotRegular,
    /// It is larger than the limit, in bytes.
    TooLarge(u64),
    /// The operating system refused.
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular => f.write_str("not a regular file"),
            ReadError::TooLarge(limit) => write!(f, "larger than {}", size(*limit)),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ReadError {}

/// Writes a byte count for people: "4 MiB", "512 KiB", "100 bytes".
pub(crate) fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Reads a regular file of at most `limit` bytes, following a symbolic link the caller
/// has vetted; anything else is refused before it is opened.
pub(crate) fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|file| file.take(limit + 1).read_to_end(&mut bytes))
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

/// Reads a regular UTF-8 text file of at most `limit` bytes; errors name the path and what
/// the file is (`what`: "the evidence library", "the organisation file").
pub(crate) fn read_text(path: &Path, limit: u64, what: &str) -> Result<String> {
    let bytes = read_regular(path, limit)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{what} {} is not UTF-8 text", path.display()))
}

/// Writes a new file, refusing to replace one that exists.
pub(crate) fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Creates a folder and its parents.
pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path)
        .with_context(|| format!("cannot create the folder {}", path.display()))
}

/// Writes a file atomically and durably: a temporary file beside the target, synced, then
/// a rename, and the folder synced.
///
/// A run killed half-way leaves either the old file or the new one, never half of one.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".appealpack-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    // The bytes reach the disk before the rename, and the rename before we return, so a
    // power loss leaves the old file or the new one, never an empty one.
    temp.write_all(bytes)
        .and_then(|()| temp.flush())
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", temp.path().display()))?;
    temp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // Not every file system can sync a folder; the file itself is safe either way.
    let _ = std::fs::File::open(dir).and_then(|folder| folder.sync_all());
    Ok(())
}

/// Removes a file; a file that is already gone is not an error.
pub fn remove_file(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn fifos_and_folders_are_refused_without_opening_them() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("evidence.yaml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Opening the FIFO would block this test forever.
        assert!(matches!(
            read_regular(&fifo, 10),
            Err(ReadError::NotRegular)
        ));
        assert!(matches!(
            read_regular(dir.path(), 10),
            Err(ReadError::NotRegular)
        ));
        let error = read_text(&fifo, 10, "the evidence library").unwrap_err();
        assert!(
            format!("{error:#}").contains("evidence.yaml: not a regular file"),
            "{error:#}"
        );
    }

    #[test]
    fn reads_are_capped() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, b"12345").unwrap();
        assert_eq!(read_regular(&file, 5).unwrap(), b"12345");
        assert!(matches!(
            read_regular(&file, 4),
            Err(ReadError::TooLarge(4))
        ));
        assert_eq!(size(4 << 20), "4 MiB");
        assert_eq!(size(100), "100 bytes");
    }

    #[test]
    fn write_atomic_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("packet.pdf");
        write_atomic(&target, b"old").unwrap();
        write_atomic(&target, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["packet.pdf"]);
        let error = write_atomic(&dir.path().join("missing/x.pdf"), b"x").unwrap_err();
        assert!(format!("{error:#}").contains("missing"), "{error:#}");
    }
}
