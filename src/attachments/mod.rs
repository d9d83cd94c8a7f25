//! The files a case names (its signed letter and attachments): resolved inside the case
//! folder, recognised, read, validated and counted once, for both `check` and `build`.
//!
//! [`read`] is the only place that touches these files. What it could not enclose comes
//! back as a problem that the checklist's `attachments` rule reports; what it could comes
//! back as [`Enclosure`]s, in memory, which the packet encloses without reading the files
//! again. So `check` and `build` judge every file the same way.

use std::fmt;
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

mod image;
mod pdf;
mod tiff;
pub(crate) mod verdicts;

use crate::load::discover::{is_case_file, is_hidden};
use crate::model::case::{Case, Stage};
use verdicts::{Known, Stamp, Verdict, Verdicts};

/// The start of the signed letter's virtual path, the same for every case; its extension
/// says whether it is a PDF or an image (`/case/letter.pdf`, `/case/letter.jpg`).
pub(crate) const LETTER_PREFIX: &str = "/case/letter.";

/// The largest attachment appealpack encloses.
pub(crate) const MAX_ATTACHMENT_BYTES: u64 = 50 * 1024 * 1024;

/// The most one case may enclose in all.
pub(crate) const MAX_CASE_BYTES: u64 = 100 * 1024 * 1024;

/// The most image pixels one case may enclose in all (20 full-page scans at 300 dpi): each
/// is decoded whole while the packet is made, four bytes a pixel.
pub(crate) const MAX_CASE_PIXELS: u64 = 170_000_000;

/// The most PDF pages one case may enclose in all.
pub(crate) const MAX_CASE_PAGES: usize = 1_000;

/// The kinds of file a packet can enclose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// A PDF document.
    Pdf,
    /// A PNG, JPEG or GIF image.
    Image,
}

/// What part of the packet an enclosed file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The signed letter of medical necessity.
    Letter,
    /// An attachment listed among the enclosures.
    Attachment,
}

/// A file enclosed with the packet: a PDF or image from the case folder, read into memory.
#[derive(Clone, Serialize)]
pub struct Enclosure {
    /// The title printed above it.
    pub title: String,
    /// Whether it is a PDF or an image.
    pub kind: FileKind,
    /// Whether it is the signed letter or an attachment.
    pub role: Role,
    /// The virtual path the templates read it from, e.g. `/case/enclosure-0.pdf`.
    pub path: String,
    /// The number of pages (1 for an image).
    pub pages: usize,
    /// The file in the case folder it was read from.
    #[serde(skip)]
    pub file: PathBuf,
    /// The file's bytes as enclosed (a TIFF's as its PDF); empty until [`load`] reads a
    /// file whose verdict was reused.
    #[serde(skip)]
    pub bytes: Arc<Vec<u8>>,
    /// The BLAKE3 hash of the file's own bytes, which a packet's key hashes.
    #[serde(skip)]
    pub hash: String,
    /// Whether `bytes` holds the file yet.
    #[serde(skip)]
    pub loaded: bool,
}

impl fmt::Debug for Enclosure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Enclosure")
            .field("title", &self.title)
            .field("kind", &self.kind)
            .field("role", &self.role)
            .field("path", &self.path)
            .field("pages", &self.pages)
            .field("file", &self.file)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// The files of one case as read: what can be enclosed, and what cannot and why.
#[derive(Debug, Clone, Default)]
pub struct Attachments {
    /// The files that can be enclosed, the signed letter first, then attachments in order.
    pub enclosures: Vec<Enclosure>,
    /// Why each other named file cannot be enclosed, naming its field.
    pub problems: Vec<String>,
    /// The first file that would bring the case over its budget for all its files (bytes,
    /// pixels, pages), naming its field: such a case is refused whole, not enclosed in part.
    pub over_budget: Option<String>,
}

/// Why a file cannot be enclosed: something about the file itself, or the case's budget
/// over all its files, which refuses the whole case.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The file cannot be enclosed, whatever else the case holds.
    File(String),
    /// The file would bring the case over its budget for all its files.
    Budget(String),
}

impl Refusal {
    /// Returns why, in words, whichever kind of refusal it is.
    fn into_words(self) -> String {
        match self {
            Refusal::File(why) | Refusal::Budget(why) => why,
        }
    }
}

impl From<String> for Refusal {
    fn from(why: String) -> Refusal {
        Refusal::File(why)
    }
}

impl Attachments {
    /// Records why the file named by `field` cannot be enclosed, as a problem of that file
    /// or as the case's first budget overrun.
    fn refuse(&mut self, field: &str, refusal: Refusal) {
        match refusal {
            Refusal::File(why) => self
                .problems
                .push(format!("{field} cannot be enclosed: {why}")),
            Refusal::Budget(why) => {
                self.over_budget
                    .get_or_insert_with(|| format!("{field} cannot be enclosed: {why}"));
            }
        }
    }
}

/// Recognises a PDF or image by its first bytes; a TIFF counts as a PDF, which it is
/// converted to when it is read.
pub(crate) fn sniff(head: &[u8]) -> Option<FileKind> {
    if head.starts_with(b"%PDF-") || tiff::sniff(head) {
        Some(FileKind::Pdf)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n")
        || head.starts_with(b"\xff\xd8\xff")
        || head.starts_with(b"GIF87a")
        || head.starts_with(b"GIF89a")
    {
        Some(FileKind::Image)
    } else {
        None
    }
}

/// Says why a file is not one a packet can enclose, and how to make it one where a
/// common kind is recognised.
fn unreadable_kind(head: &[u8]) -> String {
    let heic = head.get(4..12).is_some_and(|brand| {
        [
            b"ftypheic",
            b"ftypheix",
            b"ftyphevc",
            b"ftypmif1",
            b"ftypmsf1",
        ]
        .iter()
        .any(|b| brand == *b)
    });
    if heic {
        "is a HEIC photo (an iPhone's own format), which a packet cannot enclose: open it and \
         save or export it as JPEG (or set the iPhone's Settings > Camera > Formats to Most \
         Compatible), put the .jpg beside the case file and name that"
            .to_owned()
    } else {
        "is not a PDF, TIFF, PNG, JPEG or GIF file".to_owned()
    }
}

/// Resolves a file named by the case file `case_file` inside its folder, or says why it
/// cannot be used.
///
/// The file must be a regular file in the case's folder or below it, reached without a
/// link that leaves the folder, and no folder on the way may hold another case's file: a
/// case may never enclose another patient's documents.
pub(crate) fn resolve(case_file: &Path, name: &str) -> Result<(PathBuf, FileKind), String> {
    let case_dir = case_file.parent().unwrap_or(Path::new("."));
    let relative = Path::new(name);
    if name.trim().is_empty() {
        return Err("no file named".into());
    }
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err("leaves the case folder; name a file beside the case file".into());
    }
    let path = case_dir.join(relative);
    let meta = std::fs::metadata(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => match near_miss(&path) {
            Some(hint) => format!("does not exist in the case folder; {hint}"),
            None => "does not exist in the case folder".to_owned(),
        },
        _ => format!("cannot be read: {e}"),
    })?;
    if !meta.is_file() {
        return Err("is not a regular file".into());
    }
    let real_dir = case_dir
        .canonicalize()
        .map_err(|e| format!("the case folder cannot be read: {e}"))?;
    let real = path
        .canonicalize()
        .map_err(|e| format!("cannot be read: {e}"))?;
    if !real.starts_with(&real_dir) {
        return Err("is a link that leaves the case folder".into());
    }
    let own = case_file.file_name().unwrap_or_default();
    for folder in real
        .ancestors()
        .skip(1)
        .take_while(|f| f.starts_with(&real_dir))
    {
        if holds_other_case(folder, (folder == real_dir).then_some(own)) {
            return Err(
                "is in a folder that holds another case's file; give each case \
                        a folder of its own, with its files beside it"
                    .into(),
            );
        }
    }
    if meta.len() > MAX_ATTACHMENT_BYTES {
        return Err(format!(
            "is larger than {} MiB",
            MAX_ATTACHMENT_BYTES / 1024 / 1024
        ));
    }
    let mut head = [0u8; 12];
    let read = std::fs::File::open(&path)
        .and_then(|mut file| file.read(&mut head))
        .map_err(|e| format!("cannot be read: {e}"))?;
    let kind = sniff(&head[..read]).ok_or_else(|| unreadable_kind(&head[..read]))?;
    Ok((real, kind))
}

/// Says how a missing file's name differs from one that is there: an ending Windows hid
/// (`Denial Letter` for `Denial Letter.pdf`) or letter case. The file's own name is not
/// repeated, as it may hold a patient's name; only the ending is.
fn near_miss(path: &Path) -> Option<String> {
    let wanted = path.file_name()?.to_str()?.to_lowercase();
    let entries = std::fs::read_dir(path.parent()?).ok()?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    for name in names {
        let lower = name.to_lowercase();
        if lower == wanted {
            return Some(
                "a file whose name differs only in capital letters is there: write the name \
                 exactly as the folder shows it"
                    .into(),
            );
        }
        if let Some(ending) = lower
            .strip_prefix(&wanted)
            .and_then(|e| e.strip_prefix('.'))
            && !ending.is_empty()
            && ending.len() <= 5
            && ending.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Some(format!(
                "did you mean the file with `.{ending}` at the end? Windows hides endings: \
                 add `.{ending}` to the name in the case file"
            ));
        }
    }
    None
}

/// Returns whether a folder holds a case file (`*.yaml`, `*.yml`) other than `own`.
fn holds_other_case(folder: &Path, own: Option<&std::ffi::OsStr>) -> bool {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return true;
    };
    entries.flatten().any(|entry| {
        let name = entry.file_name();
        let text = name.to_string_lossy();
        is_case_file(&text) && !is_hidden(&text) && Some(name.as_os_str()) != own
    })
}

/// What is left of one case's budget for its files, and the verdicts it may reuse.
struct Budget<'a> {
    bytes: u64,
    pixels: u64,
    pages: usize,
    verdicts: Option<&'a Verdicts>,
}

impl Default for Budget<'_> {
    fn default() -> Self {
        Budget {
            bytes: MAX_CASE_BYTES,
            pixels: MAX_CASE_PIXELS,
            pages: MAX_CASE_PAGES,
            verdicts: None,
        }
    }
}

/// Reads the signed letter and the attachments a case file names, ready to enclose, with
/// no earlier verdicts (the checklist's tests).
#[cfg(test)]
pub(crate) fn read(case: &Case, case_file: &Path) -> Attachments {
    read_with(case, case_file, None)
}

/// Reads the signed letter and the attachments a case file names, ready to enclose,
/// reusing an earlier build's `verdicts` on unchanged files, which are then not read
/// until [`load`].
pub(crate) fn read_with(case: &Case, case_file: &Path, verdicts: Option<&Verdicts>) -> Attachments {
    let mut out = Attachments::default();
    let left = &mut Budget {
        verdicts,
        ..Budget::default()
    };
    let letter = case
        .letter_of_medical_necessity
        .as_ref()
        .and_then(|l| l.file.as_deref())
        .filter(|name| !name.trim().is_empty());
    if let Some(name) = letter {
        match resolve(case_file, name) {
            // A scan or a phone photo of the signed page: an image is enclosed as taken,
            // turned upright by its EXIF tag and scaled to the page by the templates.
            Ok((file, kind)) => {
                let title = "Letter of medical necessity".to_owned();
                let path = |extension: &str| format!("{LETTER_PREFIX}{extension}");
                match read_enclosure(file, kind, Role::Letter, title, path, left) {
                    Ok(enclosure) => out.enclosures.push(enclosure),
                    Err(why) => out.refuse("letter_of_medical_necessity.file", why),
                }
            }
            Err(why) => out
                .problems
                .push(format!("letter_of_medical_necessity.file: {why}")),
        }
    }
    // The plan's notice comes first among the enclosures: it is what the appeal answers.
    let notice = case
        .denial
        .as_ref()
        .and_then(|d| d.notice.as_deref())
        .filter(|name| !name.trim().is_empty());
    if let Some(name) = notice {
        let field = "denial.notice";
        match resolve(case_file, name) {
            Ok((file, kind)) => {
                let title = if case.stage == Stage::ExternalReview {
                    "The plan's final adverse determination"
                } else {
                    "The plan's denial notice"
                };
                push_attachment(&mut out, file, kind, title.to_owned(), field, left);
            }
            Err(why) => out.problems.push(format!("{field}: {why}")),
        }
    }
    for (i, attachment) in case.attachments.iter().enumerate() {
        let field = format!("attachments[{i}].file");
        match resolve(case_file, &attachment.file) {
            Ok((file, kind)) => {
                let title = attachment.title.trim().to_owned();
                push_attachment(&mut out, file, kind, title, &field, left);
            }
            Err(why) => out.problems.push(format!("{field}: {why}")),
        }
    }
    // The appointment of representative goes last among the enclosures.
    let authorization = case
        .representative_authorization
        .as_deref()
        .filter(|name| !name.trim().is_empty());
    if let Some(name) = authorization {
        let field = "representative_authorization";
        match resolve(case_file, name) {
            Ok((file, kind)) => {
                let title = "Appointment of representative".to_owned();
                push_attachment(&mut out, file, kind, title, field, left);
            }
            Err(why) => out.problems.push(format!("{field}: {why}")),
        }
    }
    out
}

/// Reads a resolved file onto the end of the enclosures listed after the letter, or
/// records why it cannot be enclosed under its field's name.
fn push_attachment(
    out: &mut Attachments,
    file: PathBuf,
    kind: FileKind,
    title: String,
    field: &str,
    left: &mut Budget,
) {
    let index = out
        .enclosures
        .iter()
        .filter(|e| e.role == Role::Attachment)
        .count();
    let path = |extension: &str| format!("/case/enclosure-{index}.{extension}");
    match read_enclosure(file, kind, Role::Attachment, title, path, left) {
        Ok(enclosure) => out.enclosures.push(enclosure),
        Err(why) => out.refuse(field, why),
    }
}

/// Says that a file would bring the case's images over their budget of pixels.
pub(crate) fn over_pixels() -> Refusal {
    Refusal::Budget(format!(
        "it would bring the case's images over {} million pixels in all; scan them again at \
         300 dpi or less, or enclose fewer",
        MAX_CASE_PIXELS / 1_000_000
    ))
}

/// Reads one resolved file within what is `left` of the case's budget, checks it, counts
/// its pages and names its virtual path by its extension; an earlier verdict on the same
/// bytes is reused instead.
fn read_enclosure(
    file: PathBuf,
    kind: FileKind,
    role: Role,
    title: String,
    path: impl FnOnce(&str) -> String,
    left: &mut Budget,
) -> Result<Enclosure, Refusal> {
    let enclosure = |hash: String, bytes: Vec<u8>, loaded, pages, extension: &str| Enclosure {
        title,
        kind,
        role,
        path: path(extension),
        pages,
        file: file.clone(),
        bytes: Arc::new(bytes),
        hash,
        loaded,
    };
    let key = left.verdicts.map(|_| verdicts::path_key(&file));
    let stamp = std::fs::metadata(&file).ok().map(|meta| Stamp::of(&meta));
    // The same size and time: the same bytes, which need not be read.
    if let (Some(verdicts), Some(key), Some(stamp)) = (left.verdicts, &key, stamp)
        && let Some(known) = verdicts.unchanged(key, stamp)
        && let Some(reused) = reuse(&known.verdict, stamp.size, kind, left)
    {
        verdicts.record(known.clone());
        let (pages, extension) = reused?;
        return Ok(enclosure(
            known.hash.clone(),
            Vec::new(),
            false,
            pages,
            &extension,
        ));
    }
    let bytes = crate::fsutil::read_regular(&file, MAX_ATTACHMENT_BYTES)
        .map_err(|e| format!("cannot be read: {e}"))?;
    let hash = blake3::hash(&bytes).to_hex().to_string();
    let size = bytes.len() as u64;
    let recorded = |verdict: Verdict| Known {
        path: key.clone().unwrap_or_default(),
        size,
        // A file changed while it was read keeps no time, so the next build reads it.
        modified: stamp.filter(|s| s.size == size).map_or(0, |s| s.modified),
        hash: hash.clone(),
        verdict,
    };
    // Bytes judged before, in this file or another: their verdict stands.
    if let Some(verdicts) = left.verdicts
        && let Some(verdict) = verdicts.of_content(&hash)
        && let Some(reused) = reuse(verdict, size, kind, left)
    {
        verdicts.record(recorded(verdict.clone()));
        let (pages, extension) = reused?;
        return Ok(enclosure(
            hash.clone(),
            Vec::new(),
            false,
            pages,
            &extension,
        ));
    }
    let tiff = tiff::sniff(&bytes);
    left.bytes = left.bytes.checked_sub(size).ok_or_else(|| {
        Refusal::Budget(format!(
            "it would bring the case's files over {} in all; enclose fewer or smaller files",
            crate::fsutil::size(MAX_CASE_BYTES)
        ))
    })?;
    if let Some(verdicts) = left.verdicts {
        verdicts.count_decoded();
    }
    let judged = judge(bytes, kind, left.pixels);
    let verdict = match &judged {
        Ok((_, pages, pixels, extension)) => Some(Verdict {
            pages: *pages,
            pixels: *pixels,
            extension: (*extension).to_owned(),
            problem: None,
        }),
        // A TIFF's decoding stops at what is left of the case's pixels, so its problem
        // may be the case's, not the file's; a budget is never the file's own verdict.
        Err(_) if tiff => None,
        Err(Refusal::Budget(_)) => None,
        Err(Refusal::File(problem)) => Some(Verdict {
            pages: 0,
            pixels: 0,
            extension: String::new(),
            problem: Some(problem.clone()),
        }),
    };
    if let (Some(verdicts), Some(verdict)) = (left.verdicts, verdict) {
        verdicts.record(recorded(verdict));
    }
    let (enclosed, pages, pixels, extension) = judged?;
    spend(left, kind, pages, pixels)?;
    Ok(enclosure(hash.clone(), enclosed, true, pages, extension))
}

/// Decodes a file's bytes in full: the bytes to enclose (a fax's TIFF as the PDF of its
/// pages, a PDF 2.0 as PDF 1.7), its pages, its pixels and its virtual path's extension.
fn judge(
    bytes: Vec<u8>,
    kind: FileKind,
    max_pixels: u64,
) -> Result<(Vec<u8>, usize, u64, &'static str), Refusal> {
    let (bytes, tiff_pixels) = if tiff::sniff(&bytes) {
        tiff::to_pdf(&bytes, max_pixels)?
    } else if kind == FileKind::Pdf {
        (pdf::relabel_2_0(bytes), 0)
    } else {
        (bytes, 0)
    };
    let bytes = Arc::new(bytes);
    let (pages, pixels, extension) = match kind {
        FileKind::Pdf => (pdf::check(bytes.clone())?, tiff_pixels, "pdf"),
        FileKind::Image => {
            let (extension, pixels) = image::check(&bytes)?;
            (1, pixels, extension)
        }
    };
    let bytes = Arc::try_unwrap(bytes).unwrap_or_else(|shared| (*shared).clone());
    Ok((bytes, pages, pixels, extension))
}

/// Takes a file's pixels and pages from what is left of the case's budget, or says which
/// the file would overrun.
fn spend(left: &mut Budget, kind: FileKind, pages: usize, pixels: u64) -> Result<(), Refusal> {
    left.pixels = left.pixels.checked_sub(pixels).ok_or_else(over_pixels)?;
    if kind == FileKind::Pdf {
        left.pages = left.pages.checked_sub(pages).ok_or_else(|| {
            Refusal::Budget(format!(
                "it would bring the case's PDFs over {MAX_CASE_PAGES} pages in all; enclose \
                 the pages that matter"
            ))
        })?;
    }
    Ok(())
}

/// Applies an earlier verdict to the case's budget: the file's pages and extension, or its
/// problem; `None` where the file would overrun the budget, which the full read then words
/// as it always does.
fn reuse(
    verdict: &Verdict,
    size: u64,
    kind: FileKind,
    left: &mut Budget,
) -> Option<Result<(usize, String), String>> {
    let bytes = left.bytes.checked_sub(size)?;
    if let Some(problem) = &verdict.problem {
        left.bytes = bytes;
        return Some(Err(problem.clone()));
    }
    let fits =
        verdict.pixels <= left.pixels && (kind != FileKind::Pdf || verdict.pages <= left.pages);
    if !fits {
        return None;
    }
    left.bytes = bytes;
    spend(left, kind, verdict.pages, verdict.pixels).ok()?;
    Some(Ok((verdict.pages, verdict.extension.clone())))
}

/// Reads the files of enclosures whose verdict was reused, for a packet that is rendered:
/// refused where a file no longer holds the bytes judged.
pub(crate) fn load(enclosures: &mut [Enclosure]) -> Result<(), String> {
    for enclosure in enclosures.iter_mut().filter(|e| !e.loaded) {
        let bytes = crate::fsutil::read_regular(&enclosure.file, MAX_ATTACHMENT_BYTES)
            .map_err(|e| format!("an enclosed file cannot be read: {e}"))?;
        if blake3::hash(&bytes).to_hex().as_str() != enclosure.hash {
            return Err(
                "an enclosed file changed while the build ran; run the build again".to_owned(),
            );
        }
        let bytes = if tiff::sniff(&bytes) {
            tiff::to_pdf(&bytes, MAX_CASE_PIXELS)
                .map_err(Refusal::into_words)?
                .0
        } else if enclosure.kind == FileKind::Pdf {
            pdf::relabel_2_0(bytes)
        } else {
            bytes
        };
        enclosure.bytes = Arc::new(bytes);
        enclosure.loaded = true;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_pdfs_are_refused() {
        assert!(pdf::check(Arc::new(b"%PDF-1.7\nnot really".to_vec())).is_err());
    }

    #[test]
    fn a_case_never_reaches_another_cases_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for folder in ["shared", "other", "own/scans"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        for file in [
            "shared/a.yaml",
            "shared/b.yml",
            "other/case.yaml",
            "top.yaml",
            "own/case.yaml",
        ] {
            std::fs::write(root.join(file), "id: x\n").unwrap();
        }
        for file in [
            "shared/notice.pdf",
            "other/notice.pdf",
            "own/scans/notice.pdf",
            "own/n.pdf",
        ] {
            std::fs::write(root.join(file), "%PDF-1.7\n").unwrap();
        }
        let another = |case: &str, name: &str| {
            resolve(&root.join(case), name)
                .unwrap_err()
                .contains("another case's file")
        };
        assert!(
            another("shared/a.yaml", "notice.pdf"),
            "a folder two cases share"
        );
        assert!(
            another("top.yaml", "other/notice.pdf"),
            "a folder below with its own case"
        );
        assert!(
            another("top.yaml", "own/scans/notice.pdf"),
            "below a folder with a case"
        );
        assert!(resolve(&root.join("own/case.yaml"), "n.pdf").is_ok());
        assert!(resolve(&root.join("own/case.yaml"), "scans/notice.pdf").is_ok());
    }

    #[test]
    fn files_are_recognised_by_their_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7"), Some(FileKind::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Some(FileKind::Image));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0"), Some(FileKind::Image));
        assert_eq!(sniff(b"GIF89a"), Some(FileKind::Image));
        assert_eq!(sniff(b"II*\0"), Some(FileKind::Pdf));
        assert_eq!(sniff(b"MM\0*"), Some(FileKind::Pdf));
        assert_eq!(sniff(b"hello"), None);
        assert_eq!(sniff(b""), None);
    }
}
