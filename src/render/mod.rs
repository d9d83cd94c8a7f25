//! The Typst world, compilation and PDF export of appeal packets.
//!
//! A [`Renderer`] is built once per run: every file of the templates folder, read into
//! memory and checked, and, on its first compile, the embedded fonts and the standard
//! library. Each packet then gets a cheap per-case world that serves the templates, the
//! case data as JSON at [`DATA_PATH`] and the enclosed files at `/case/letter.<ext>` and
//! `/case/enclosure-N.<ext>`, and nothing else: no system files, no packages, no network.
//! The virtual paths are the same for every case, because Typst's file-id table is
//! process-wide and holds at most 65,535 paths.

mod diagnostics;
pub mod templates;
pub mod worker;
mod world;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, OnceLock};

use anyhow::{Result, bail};
use typst::diag::SourceDiagnostic;
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt};

use crate::attachments::Enclosure;
use crate::model::fields::Date;
use crate::packet::PacketData;

use world::{CaseWorld, Shared};

/// The main template, at the root of the templates folder.
pub const MAIN: &str = "packet.typ";

/// The template of the letter of medical necessity alone, for the provider's signature.
pub(crate) const SIGNATURE: &str = "letter-for-signature.typ";

/// The main file of the appointment of representative, for the patient and the
/// representative to sign.
pub(crate) const AUTHORIZATION: &str = "authorization-for-signature.typ";
/// The main file of the outcomes report of a period (`appealpack report`).
pub(crate) const REPORT: &str = "report.typ";

/// The most pages a packet may have: the enclosures' budget
/// ([`crate::attachments::MAX_CASE_PAGES`]) and room for every text within the case's
/// Markdown budget. A longer packet is no appeal a reviewer reads, and exporting it would
/// cost more time and memory still.
pub(crate) const MAX_PACKET_PAGES: usize = 1_500;

/// The virtual path of the case data, the same for every case.
pub(crate) const DATA_PATH: &str = "/case/data.json";

/// The id of the case data file, interned once.
static DATA_ID: LazyLock<FileId> = LazyLock::new(|| project_id(DATA_PATH));

/// Returns the interned id of a path in the project root.
fn project_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// Drops Typst's cached results that the last two calls' packets did not use, keeping a
/// long batch's memory flat.
///
/// Typst memoises evaluation and layout across compilations and never frees them on its
/// own (1.8 GiB after 400 packets). Results used since the previous call (fonts, the
/// shared templates) survive, which makes a batch 11% faster than clearing everything.
/// A render worker calls this after every packet: on 100 generated cases on one thread
/// its peak memory was 95 MiB, against 386 MiB when called every 20 packets, and its CPU
/// time 13% less, since a page touched for the first time costs a fault that zeroes it
/// (docs/performance.md). It is safe to call while other threads render.
pub fn evict_cache() {
    typst::comemo::evict(1);
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
    /// The laid-out packet has more pages than [`MAX_PACKET_PAGES`].
    TooManyPages(usize),
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
            RenderError::TooManyPages(pages) => write!(
                f,
                "the packet has {pages} pages, more than {MAX_PACKET_PAGES}; shorten its texts \
                 or enclose fewer pages"
            ),
        }
    }
}

impl RenderError {
    /// Returns the error as machine reports carry it: what failed and where in the
    /// templates, without Typst's own message, which may quote the case's data (a
    /// template's `panic(data.patient.name)`); the full message goes to standard error.
    pub(crate) fn public(&self) -> String {
        let at = |errors: &[String]| {
            let places: Vec<&str> = errors
                .iter()
                .filter_map(|e| diagnostics::location(e))
                .collect();
            if places.is_empty() {
                "an unknown place".to_owned()
            } else {
                places.join(", ")
            }
        };
        match self {
            RenderError::Compile(errors) => format!(
                "the packet templates failed at {} (Typst's message is on standard error)",
                at(errors)
            ),
            RenderError::Export(errors) => format!(
                "the PDF export failed at {} (Typst's message is on standard error)",
                at(errors)
            ),
            RenderError::TooManyPages(_) => self.to_string(),
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
    /// Built on the first compile: `build`'s own process only checks and fingerprints the
    /// templates (its workers compile), and parsing every embedded font and building the
    /// library there was 7% of the instructions of a rebuild that renders nothing.
    typst: OnceLock<Typst>,
    /// The fonts among the templates' files, parsed when the templates are read so that an
    /// unreadable one is refused before any case is built.
    template_fonts: Vec<Font>,
    templates: HashMap<FileId, Template>,
    main: FileId,
    fingerprint: blake3::Hash,
}

/// The standard library and the fonts a compile needs.
struct Typst {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl Renderer {
    /// Builds the renderer from a templates folder, refusing templates with syntax errors.
    pub fn new(dir: &Path) -> Result<Renderer> {
        Renderer::from_source(&templates::Source::Folder(dir.to_path_buf()))
    }

    /// Builds the renderer from a folder or the built-in templates, refusing templates
    /// with syntax errors.
    ///
    /// Fonts are typst-assets' embedded fonts plus any `.otf`, `.ttf`, `.otc` or `.ttc`
    /// file among the templates; system fonts are never used.
    pub(crate) fn from_source(source: &templates::Source) -> Result<Renderer> {
        let files = source.read()?;
        // The templates' files, fonts among them: all that a packet's look depends on
        // besides the build identity, which names the renderer's crates and the embedded
        // fonts' (by its checksum: `build.rs`).
        let fingerprint = templates::fingerprint(&files);
        let mut templates = HashMap::new();
        let mut fonts = Vec::new();
        for templates::TemplateFile { vpath, path, bytes } in files {
            let bytes = Bytes::new(bytes);
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
                Some(typst::syntax::Source::new(id, text.to_owned()))
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
            bail!("the templates folder {} has no {MAIN}", source.describe());
        }
        let renderer = Renderer {
            typst: OnceLock::new(),
            template_fonts: fonts,
            templates,
            main,
            fingerprint,
        };
        renderer.check_syntax()?;
        Ok(renderer)
    }

    /// Returns the library and fonts, built on the first call: typst-assets' embedded
    /// fonts, then the templates' own.
    fn typst(&self) -> &Typst {
        self.typst.get_or_init(|| {
            let fonts: Vec<Font> = typst_assets::fonts()
                .flat_map(|data| Font::iter(Bytes::new(data)))
                .chain(self.template_fonts.iter().cloned())
                .collect();
            Typst {
                library: LazyHash::new(Library::default()),
                book: LazyHash::new(FontBook::from_fonts(&fonts)),
                fonts,
            }
        })
    }

    /// Returns the hash of every template file and font the renderer serves, for the build
    /// cache.
    pub(crate) fn fingerprint(&self) -> blake3::Hash {
        self.fingerprint
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
        self.render_main(self.main, data, enclosures, case_id, prepared_on)
    }

    /// Renders a form for signature ([`SIGNATURE`], the letter of medical necessity alone,
    /// or [`AUTHORIZATION`]) from the packet's JSON data; `None` where the templates have
    /// no such file.
    pub(crate) fn render_for_signature(
        &self,
        form: &str,
        data: &[u8],
        case_id: &str,
        prepared_on: Date,
    ) -> Option<Result<Rendered, RenderError>> {
        let main = project_id(form);
        self.templates
            .contains_key(&main)
            .then(|| self.render_main(main, data, &[], case_id, prepared_on))
    }

    /// Renders the outcomes report of a period from its JSON data; `None` where the
    /// templates have no [`REPORT`] file (a folder exported before it existed).
    pub(crate) fn render_report(
        &self,
        data: &[u8],
        made_on: Date,
    ) -> Option<Result<Rendered, RenderError>> {
        let main = project_id(REPORT);
        self.templates
            .contains_key(&main)
            .then(|| self.render_main(main, data, &[], "appeal-outcomes", made_on))
    }

    /// Renders a main file of the templates with a case's data and files.
    fn render_main(
        &self,
        main: FileId,
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
        let mut world = self.world(data, enclosures, today);
        world.main = main;
        world.compile(case_id, today)
    }

    /// Makes the world of one case.
    fn world(&self, data: &[u8], enclosures: &[Enclosure], today: Datetime) -> CaseWorld<'_> {
        CaseWorld {
            renderer: self,
            main: self.main,
            data: Bytes::new(data.to_vec()),
            files: enclosures
                .iter()
                .map(|e| (project_id(&e.path), Bytes::new(Shared(e.bytes.clone()))))
                .collect(),
            today,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::World;

    #[test]
    fn the_templates_folder_may_not_hold_a_case_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MAIN), "Hello").unwrap();
        std::fs::create_dir(dir.path().join("case")).unwrap();
        let error = Renderer::new(dir.path()).err().unwrap().to_string();
        assert!(error.contains("reserved for case files"), "{error}");
    }

    #[test]
    fn a_font_among_the_templates_that_cannot_be_read_is_refused_before_any_compile() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MAIN), "Hello").unwrap();
        std::fs::write(dir.path().join("brand.ttf"), b"not a font").unwrap();
        let error = Renderer::new(dir.path()).err().unwrap().to_string();
        assert!(
            error.contains("brand.ttf is not a readable font"),
            "{error}"
        );
    }

    #[test]
    fn the_templates_fonts_are_served_after_the_embedded_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MAIN), "Hello").unwrap();
        let brand = typst_assets::fonts().next().unwrap();
        std::fs::write(dir.path().join("brand.otf"), brand).unwrap();
        let renderer = Renderer::new(dir.path()).unwrap();
        let embedded: usize = typst_assets::fonts()
            .map(|data| Font::iter(Bytes::new(data)).count())
            .sum();
        let world = renderer.world(b"{}", &[], Datetime::from_ymd(2026, 1, 2).unwrap());
        let last = world
            .font(embedded)
            .expect("the templates' font after the embedded ones");
        assert_eq!(last.data().as_slice(), brand);
        assert!(world.font(embedded + 1).is_none());
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
