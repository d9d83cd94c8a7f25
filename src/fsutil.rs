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

/// Writes a new file atomically, refusing to replace one that exists: the bytes go to a
/// synced temporary file beside it, which is then moved into place only if nothing is
/// there, so a killed run leaves no half-written file and never an overwritten one. The
/// file gets the mode a plain create gives (on Unix, 0666 less the umask): case files,
/// settings and templates are the team's to share, unlike packets and reports.
pub(crate) fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = synced_temp_beside(path, bytes, Mode::Plain)?;
    temp.persist_noclobber(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot create {}", path.display()))?;
    sync_folder_of(path);
    Ok(())
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
    let temp = synced_temp_beside(path, bytes, Mode::OwnerOnly)?;
    temp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    sync_folder_of(path);
    Ok(())
}

/// Who may read a file written through a temporary file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Its owner only (a temporary file's mode, 0600 on Unix).
    OwnerOnly,
    /// As a plain create makes it: 0666 less the umask on Unix.
    Plain,
}

/// Writes bytes to a temporary file in `path`'s folder and syncs them, so that a rename
/// that follows leaves the old file or the new one after a power loss, never an empty one.
fn synced_temp_beside(path: &Path, bytes: &[u8], mode: Mode) -> Result<tempfile::NamedTempFile> {
    let dir = folder_of(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".appealpack-").suffix(".tmp");
    #[cfg(unix)]
    if mode == Mode::Plain {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut temp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    temp.write_all(bytes)
        .and_then(|()| temp.flush())
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", temp.path().display()))?;
    Ok(temp)
}

/// Syncs the folder of a file just renamed into place; not every file system can sync a
/// folder, and the file itself is safe either way.
fn sync_folder_of(path: &Path) {
    let _ = std::fs::File::open(folder_of(path)).and_then(|folder| folder.sync_all());
}

/// Returns the folder a file is in; a bare file name is in the working directory.
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
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
    fn create_new_never_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("case.yaml");
        create_new(&target, b"first").unwrap();
        let error = create_new(&target, b"second").unwrap_err();
        assert!(format!("{error:#}").contains("case.yaml"), "{error:#}");
        assert_eq!(std::fs::read(&target).unwrap(), b"first");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["case.yaml"]);
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
