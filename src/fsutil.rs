//! File-system helpers whose errors name the path, and atomic writes.

use std::io::{Read as _, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// How the temporary files of atomic writes begin, so a later run can find those a killed
/// run left behind.
pub(crate) const TEMP_PREFIX: &str = ".appealpack-";

/// How the temporary files of atomic writes end.
pub(crate) const TEMP_SUFFIX: &str = ".tmp";

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
    read_checked(path, &meta, limit, false)
}

/// Reads a regular file of at most `limit` bytes that must not be a symbolic link: a file
/// of the build's own folder (a kept packet, the manifest), where no link is ours.
pub(crate) fn read_own(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::symlink_metadata(path).map_err(ReadError::Io)?;
    read_checked(path, &meta, limit, true)
}

/// Reads a file whose metadata was taken before opening it: refused unless it is a regular
/// file within the limit. The open never blocks (a FIFO swapped in after the check opens
/// at once and is then refused), and, with `no_links`, does not follow a link either.
fn read_checked(
    path: &Path,
    meta: &std::fs::Metadata,
    limit: u64,
    no_links: bool,
) -> Result<Vec<u8>, ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(limit));
    }
    let mut options = std::fs::File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        let no_follow = if no_links { libc::O_NOFOLLOW } else { 0 };
        options.custom_flags(libc::O_NONBLOCK | no_follow);
    }
    #[cfg(not(unix))]
    let _ = no_links;
    let file = options.open(path).map_err(ReadError::Io)?;
    if !file.metadata().map_err(ReadError::Io)?.is_file() {
        return Err(ReadError::NotRegular);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
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

/// Writes new files under `root` (each path relative to it), all of them or none: a folder
/// on the way that is a symbolic link or a file is refused before anything is written, so
/// nothing lands outside `root`, and a failure half way removes every file and folder
/// written so far. Returns the paths written.
pub(crate) fn create_files(root: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<Vec<PathBuf>> {
    for (relative, _) in files {
        refuse_linked_folders(root, relative)?;
    }
    let mut made = Made::default();
    let result = write_all_new(root, files, &mut made);
    if result.is_err() {
        made.undo();
    }
    result.map(|()| made.files)
}

/// Refuses a path under `root` whose folders below `root` include a symbolic link or a
/// file; folders that do not exist yet are fine.
fn refuse_linked_folders(root: &Path, relative: &Path) -> Result<()> {
    let mut path = root.to_path_buf();
    let folders = relative
        .parent()
        .map(Path::components)
        .into_iter()
        .flatten();
    for component in folders {
        path.push(component);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) if meta.file_type().is_symlink() => anyhow::bail!(
                "{} is a symbolic link; appealpack writes only into folders of its own there, \
                 never through a link: replace it with a folder",
                path.display()
            ),
            Ok(_) => anyhow::bail!("{} is a file, not a folder", path.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }
    Ok(())
}

/// What [`create_files`] wrote so far, to be removed if it fails.
#[derive(Default)]
struct Made {
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

impl Made {
    /// Removes the files, then the folders, newest first.
    fn undo(&self) {
        for file in self.files.iter().rev() {
            let _ = std::fs::remove_file(file);
        }
        for folder in self.folders.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }

    /// Creates a folder and the parents it lacks, recording each one made.
    fn folder(&mut self, dir: &Path) -> Result<()> {
        if dir.as_os_str().is_empty() || std::fs::symlink_metadata(dir).is_ok() {
            return Ok(());
        }
        if let Some(parent) = dir.parent() {
            self.folder(parent)?;
        }
        std::fs::create_dir(dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
        self.folders.push(dir.to_path_buf());
        Ok(())
    }
}

/// Does the writing of [`create_files`].
fn write_all_new(root: &Path, files: &[(PathBuf, Vec<u8>)], made: &mut Made) -> Result<()> {
    for (relative, bytes) in files {
        let path = root.join(relative);
        made.folder(folder_of(&path))?;
        create_new(&path, bytes)?;
        made.files.push(path);
    }
    Ok(())
}

/// Creates a folder and its parents.
pub(crate) fn create_dir_all(path: &Path) -> Result<()> {
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

/// Writes a file as [`write_atomic`] does, renamed over the old one, without waiting for
/// the disk: a killed run leaves the old file or the new one, and [`sync_written`] makes a
/// batch of them durable at once.
pub(crate) fn write_atomic_unsynced(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = folder_of(path);
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    temp.write_all(bytes)
        .and_then(|()| temp.flush())
        .with_context(|| format!("cannot write {}", temp.path().display()))?;
    temp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Makes the files written with [`write_atomic_unsynced`] durable: on Linux one sync of
/// the file system that holds `folder`, elsewhere a sync of each file and its folder.
/// `build` calls it for its packets before the manifest that lists them is written, so that
/// after a power loss the manifest never lists a packet the disk lost, and once for the
/// reports.
pub(crate) fn sync_written(folder: &Path, files: &[PathBuf]) {
    // A build that wrote nothing (a no-op rebuild) has nothing to wait for; syncing the
    // file system would wait for other programs' writes.
    if files.is_empty() {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        if let Ok(dir) = std::fs::File::open(folder) {
            let _ = rustix::fs::syncfs(&dir);
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = folder;
        for file in files {
            let _ = std::fs::File::open(file).and_then(|f| f.sync_all());
            sync_folder_of(file);
        }
    }
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
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
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
pub(crate) fn remove_file(path: &Path) -> Result<()> {
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

    #[cfg(unix)]
    #[test]
    fn own_files_are_read_without_following_links() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("packet.pdf");
        std::fs::write(&file, b"pdf").unwrap();
        let link = dir.path().join("link.pdf");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(read_own(&file, 3).unwrap(), b"pdf");
        assert!(matches!(read_own(&link, 3), Err(ReadError::NotRegular)));
        assert_eq!(read_regular(&link, 3).unwrap(), b"pdf");
    }

    #[cfg(unix)]
    #[test]
    fn files_are_created_all_or_none_and_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join("cases")).unwrap();
        let files = vec![
            (PathBuf::from("a/b/one.txt"), b"1".to_vec()),
            (PathBuf::from("cases/X/case.yaml"), b"2".to_vec()),
        ];
        let error = create_files(&root, &files).unwrap_err();
        assert!(format!("{error:#}").contains("symbolic link"), "{error:#}");
        assert!(!root.join("a").exists());
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);

        // A failure half way (the second file exists) removes what the first wrote.
        std::fs::remove_file(root.join("cases")).unwrap();
        std::fs::create_dir_all(root.join("cases/X")).unwrap();
        std::fs::write(root.join("cases/X/case.yaml"), b"mine").unwrap();
        assert!(create_files(&root, &files).is_err());
        assert!(!root.join("a").exists());
        assert_eq!(
            std::fs::read(root.join("cases/X/case.yaml")).unwrap(),
            b"mine"
        );

        let fresh = dir.path().join("new/repo");
        let written = create_files(&fresh, &files).unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(std::fs::read(fresh.join("a/b/one.txt")).unwrap(), b"1");
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
