//! The Typst world, compilation and PDF export of appeal packets.
//!
//! A [`Renderer`] is built once per run: the embedded fonts, the standard library and every
//! file of the templates folder, read into memory. Each packet then gets a cheap per-case
//! world that serves the templates, the case data as JSON at [`DATA_PATH`] and the enclosed
//! files at `/case/letter.pdf` and `/case/enclosure-N.<ext>`, and nothing else: no system
//! files, no packages, no network. The virtual paths are the same for every case, because
//! Typst's file-id table is process-wide and holds at most 65,535 paths.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use anyhow::{Context, Result, bail};
use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use typst::diag::{FileError, FileResult, PackageError, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::fields::Date;
use crate::packet::{Enclosure, PacketData};

/// The main template, at the root of the templates folder.
pub const MAIN: &str = "packet.typ";

/// The virtual path of the case data, the same for every case.
pub const DATA_PATH: &str = "/case/data.json";

/// The virtual folder reserved for per-case files.
const CASE_FOLDER: &str = "case";

/// The id of the case data file, interned once.
static DATA_ID: LazyLock<FileId> = LazyLock::new(|| project_id(DATA_PATH));

/// Returns the interned id of a path in the project root.
fn project_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// Drops Typst's cached results that the last stretch of packets did not use, keeping a
/// long batch's memory flat.
///
/// Typst memoises evaluation and layout across compilations and never frees them on its
/// own: each packet leaves about 4.5 MiB behind (1.8 GiB after 400 packets). Measured on
/// 400 packets of the bundled cases on one thread, calling this every 20 packets holds the
/// run near 240 MiB; results used since the previous call (fonts, the shared templates)
/// survive, which makes the batch 11% faster than clearing everything (160 MiB). It is
/// safe to call while other threads render.
pub fn evict_cache() {
    comemo::evict(1);
}

/// A rendered packet: the PDF and the warnings Typst reported.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The PDF file's bytes.
    pub pdf: Vec<u8>,
    /// Warnings, formatted with file, line and column; template warnings repeat for every
    /// case, so callers should collect them in a set and report each once.
    pub warnings: Vec<String>,
}

/// Why a packet could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// Typst reported errors, each formatted with file, line and column.
    Compile(Vec<String>),
    /// The PDF export failed.
    Export(Vec<String>),
    /// Typst panicked; the message is the panic's.
    Panic(String),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Compile(errors) => {
                write!(f, "the packet templates failed:\n{}", errors.join("\n"))
            }
            RenderError::Export(errors) => {
                write!(f, "the PDF export failed:\n{}", errors.join("\n"))
            }
            RenderError::Panic(message) => write!(f, "Typst panicked: {message}"),
        }
    }
}

impl std::error::Error for RenderError {}

/// A file of the templates folder, held in memory.
struct Template {
    /// The file on disk, for messages.
    path: PathBuf,
    /// Its bytes.
    bytes: Bytes,
    /// Its parsed source, for `.typ` files.
    source: Option<Source>,
}

/// Everything that is the same for every packet: fonts, library and templates.
pub struct Renderer {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    templates: HashMap<FileId, Template>,
    main: FileId,
}

impl Renderer {
    /// Builds the renderer from a templates folder, refusing templates with syntax errors.
    ///
    /// Fonts are typst-assets' embedded fonts plus any `.otf`, `.ttf`, `.otc` or `.ttc`
    /// file in the templates folder; system fonts are never used.
    pub fn new(dir: &Path) -> Result<Renderer> {
        let mut fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        let mut templates = HashMap::new();
        for (vpath, path) in template_files(dir)? {
            let data = std::fs::read(&path)
                .with_context(|| format!("cannot read the template file {}", path.display()))?;
            let bytes = Bytes::new(data);
            let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let extension = extension.to_ascii_lowercase();
            if matches!(extension.as_str(), "otf" | "ttf" | "otc" | "ttc") {
                let before = fonts.len();
                fonts.extend(Font::iter(bytes.clone()));
                if fonts.len() == before {
                    bail!("{} is not a readable font", path.display());
                }
            }
            let id = project_id(&vpath);
            let source = if extension == "typ" {
                let text = std::str::from_utf8(bytes.as_slice())
                    .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", path.display()))?;
                Some(Source::new(id, text.to_owned()))
            } else {
                None
            };
            templates.insert(
                id,
                Template {
                    path,
                    bytes,
                    source,
                },
            );
        }
        let main = project_id(MAIN);
        if !templates.contains_key(&main) {
            bail!("the templates folder {} has no {MAIN}", dir.display());
        }
        let renderer = Renderer {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            templates,
            main,
        };
        renderer.check_syntax()?;
        Ok(renderer)
    }

    /// Refuses templates whose Typst syntax is broken, naming file, line and column.
    fn check_syntax(&self) -> Result<()> {
        let world = self.world(b"{}", &[], Datetime::from_ymd(2000, 1, 1).expect("a date"));
        let mut errors: Vec<SourceDiagnostic> = Vec::new();
        let mut sources: Vec<&Source> = self
            .templates
            .values()
            .filter_map(|t| t.source.as_ref())
            .collect();
        sources.sort_by_key(|s| s.id().vpath().get_with_slash().to_owned());
        for source in sources {
            let (found, _) = source.root().errors_and_warnings();
            errors.extend(found.into_iter().map(SourceDiagnostic::from));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            bail!(
                "the templates have syntax errors:\n{}",
                world.format(&errors).join("\n")
            )
        }
    }

    /// Renders a packet to PDF.
    pub fn render(&self, packet: &PacketData) -> Result<Rendered, RenderError> {
        let files: Vec<Enclosure> = packet.files().cloned().collect();
        self.render_json(&packet.to_json(), &files, &packet.id, packet.date)
    }

    /// Renders a packet from its JSON data and enclosed files; `case_id` sets the PDF's
    /// document identifier and `prepared_on` its timestamp and `datetime.today()`.
    pub fn render_json(
        &self,
        data: &[u8],
        enclosures: &[Enclosure],
        case_id: &str,
        prepared_on: Date,
    ) -> Result<Rendered, RenderError> {
        use chrono::Datelike;
        let day = prepared_on.0;
        let today = Datetime::from_ymd(day.year(), day.month() as u8, day.day() as u8).ok_or_else(
            || {
                RenderError::Compile(vec![format!(
                    "error: the packet date {prepared_on} is outside Typst's date range"
                )])
            },
        )?;
        let world = self.world(data, enclosures, today);
        guarded(|| world.compile(case_id, today))
    }

    /// Makes the world of one case.
    fn world(&self, data: &[u8], enclosures: &[Enclosure], today: Datetime) -> CaseWorld<'_> {
        CaseWorld {
            renderer: self,
            data: Bytes::new(data.to_vec()),
            files: enclosures
                .iter()
                .map(|e| (project_id(&e.path), Bytes::new(Shared(e.bytes.clone()))))
                .collect(),
            today,
        }
    }
}

/// Replaces the default panic message with one that names only the code location.
///
/// A panic inside Typst becomes its case's `failed` outcome, so the default hook's message,
/// which may quote case text, would only repeat it on stderr, where patient data must not
/// appear (CI machines often set `RUST_BACKTRACE`, so that is no opt-in). With
/// `APPEALPACK_DEBUG` set, the default hook is kept for debugging.
pub fn quiet_panics() {
    if std::env::var_os("APPEALPACK_DEBUG").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!("error: internal panic{location} (APPEALPACK_DEBUG=1 shows details)");
    }));
}

/// Runs one case's compilation, turning a panic inside Typst into an error for that case.
fn guarded(run: impl FnOnce() -> Result<Rendered, RenderError>) -> Result<Rendered, RenderError> {
    catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(RenderError::Panic(message))
    })
}

/// Lists the files of a templates folder as (virtual path, real path), skipping hidden ones.
fn template_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
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
            let meta = std::fs::metadata(&path)
                .with_context(|| format!("cannot read the template file {}", path.display()))?;
            let vpath = format!("{prefix}/{name}");
            if meta.is_dir() {
                pending.push((vpath, path));
            } else {
                out.push((vpath, path));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Enclosure bytes shared with the packet data without copying.
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        self.0.as_slice()
    }
}

/// The world of one case: the shared templates plus this case's data and files.
struct CaseWorld<'a> {
    renderer: &'a Renderer,
    data: Bytes,
    files: Vec<(FileId, Bytes)>,
    today: Datetime,
}

impl CaseWorld<'_> {
    /// Compiles the packet and exports it to PDF.
    fn compile(&self, case_id: &str, today: Datetime) -> Result<Rendered, RenderError> {
        let warned = typst::compile::<PagedDocument>(self);
        let mut warnings = self.format(&warned.warnings);
        let document = warned
            .output
            .map_err(|errors| RenderError::Compile(self.format(&errors)))?;
        let options = PdfOptions {
            ident: Smart::Custom(case_id.into()),
            creator: Smart::Custom(Some(format!("appealpack {}", crate::VERSION))),
            timestamp: Some(Timestamp::new_utc(today)),
            ..PdfOptions::default()
        };
        let pdf = typst_pdf::pdf(&document, &options)
            .map_err(|errors| RenderError::Export(self.format(&errors)))?;
        warnings.dedup();
        Ok(Rendered { pdf, warnings })
    }

    /// Refuses files from packages: templates may only use what the folder holds.
    fn local(&self, id: FileId) -> FileResult<()> {
        match id.root() {
            VirtualRoot::Project => Ok(()),
            VirtualRoot::Package(spec) => Err(FileError::Package(PackageError::Other(Some(
                format!(
                    "cannot use package {spec}: appealpack works offline and loads no packages; \
                     copy what the templates need into the templates folder"
                )
                .into(),
            )))),
        }
    }

    /// Returns a per-case file's bytes.
    fn case_file(&self, id: FileId) -> Option<&Bytes> {
        if id == *DATA_ID {
            return Some(&self.data);
        }
        self.files.iter().find(|(f, _)| *f == id).map(|(_, b)| b)
    }

    /// Names a file in messages: the template's path on disk, or the case file's virtual path.
    fn name(&self, id: FileId) -> String {
        match self.renderer.templates.get(&id) {
            Some(template) => template.path.display().to_string(),
            None if id == *DATA_ID => format!("{DATA_PATH} (case data)"),
            None => id.vpath().get_with_slash().to_owned(),
        }
    }

    /// Formats diagnostics like typst-cli: message, file, line, column and the source line.
    fn format(&self, diagnostics: &[SourceDiagnostic]) -> Vec<String> {
        let mut files = SimpleFiles::new();
        let mut ids: HashMap<FileId, usize> = HashMap::new();
        let mut locate = |span: typst::syntax::DiagSpan| -> Option<(usize, Range<usize>)> {
            let id = span.id()?;
            let range = self.range(span)?;
            let file = match ids.get(&id) {
                Some(&file) => file,
                None => {
                    let text = match self.source(id) {
                        Ok(source) => source.text().to_owned(),
                        Err(_) => String::from_utf8_lossy(self.file(id).ok()?.as_slice()).into(),
                    };
                    let file = files.add(self.name(id), text);
                    ids.insert(id, file);
                    file
                }
            };
            Some((file, range))
        };
        let mut reports = Vec::new();
        for diagnostic in diagnostics {
            let report = match diagnostic.severity {
                Severity::Error => Diagnostic::error(),
                Severity::Warning => Diagnostic::warning(),
            }
            .with_message(diagnostic.message.to_string());
            let mut labels = Vec::new();
            if let Some((file, range)) = locate(diagnostic.span) {
                labels.push(Label::primary(file, range));
            }
            let mut notes = Vec::new();
            for hint in &diagnostic.hints {
                match locate(hint.span) {
                    Some((file, range)) => {
                        labels.push(Label::secondary(file, range).with_message(hint.v.to_string()))
                    }
                    None => notes.push(format!("hint: {}", hint.v)),
                }
            }
            for point in &diagnostic.trace {
                if let Some((file, range)) = locate(point.span.into()) {
                    labels.push(Label::secondary(file, range).with_message(point.v.to_string()));
                }
            }
            reports.push((diagnostic, report.with_labels(labels).with_notes(notes)));
        }
        let config = term::Config::default();
        reports
            .into_iter()
            .map(
                |(diagnostic, report)| match term::emit_into_string(&config, &files, &report) {
                    Ok(text) => text.trim_end().to_owned(),
                    Err(_) => format!("{}: {}", severity(diagnostic), diagnostic.message),
                },
            )
            .collect()
    }
}

/// Returns a diagnostic's severity as printed.
fn severity(diagnostic: &SourceDiagnostic) -> &'static str {
    match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

impl World for CaseWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.renderer.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.renderer.book
    }

    fn main(&self) -> FileId {
        self.renderer.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.local(id)?;
        match self.renderer.templates.get(&id) {
            Some(Template {
                source: Some(source),
                ..
            }) => Ok(source.clone()),
            Some(_) => Err(FileError::NotSource),
            None if self.case_file(id).is_some() => Err(FileError::NotSource),
            None => Err(FileError::NotFound(id.vpath().get_with_slash().into())),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.local(id)?;
        if let Some(template) = self.renderer.templates.get(&id) {
            return Ok(template.bytes.clone());
        }
        self.case_file(id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.renderer.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error() {
        let result = guarded(|| panic!("index out of bounds"));
        assert_eq!(
            result.unwrap_err(),
            RenderError::Panic("index out of bounds".into())
        );
        let result = guarded(|| panic!("{} failed", "layout"));
        assert_eq!(
            result.unwrap_err(),
            RenderError::Panic("layout failed".into())
        );
    }

    #[test]
    fn the_templates_folder_may_not_hold_a_case_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MAIN), "Hello").unwrap();
        std::fs::create_dir(dir.path().join("case")).unwrap();
        let error = Renderer::new(dir.path()).err().unwrap().to_string();
        assert!(error.contains("reserved for case files"), "{error}");
    }

    #[test]
    fn per_case_files_are_served_only_at_their_virtual_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MAIN), "Hello").unwrap();
        let renderer = Renderer::new(dir.path()).unwrap();
        let today = Datetime::from_ymd(2026, 1, 2).unwrap();
        let world = renderer.world(b"{\"a\": 1}", &[], today);
        assert_eq!(world.file(*DATA_ID).unwrap().as_slice(), b"{\"a\": 1}");
        assert!(world.file(project_id("/case/enclosure-0.pdf")).is_err());
        assert!(world.source(*DATA_ID).is_err());
        assert!(world.source(project_id("/packet.typ")).is_ok());
        assert_eq!(world.today(None), Some(today));
    }
}
