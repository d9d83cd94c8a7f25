//! The world of one case: the shared templates plus this case's data and files, and
//! nothing else: no system files, no packages, no network.

use std::sync::Arc;

use typst::diag::{FileError, FileResult, PackageError, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, Source, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};
use typst_kit::diagnostics::DiagnosticWorld;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use super::{DATA_ID, DATA_PATH, RenderError, Rendered, Renderer, Template, diagnostics};

/// Enclosure bytes shared with the packet data without copying.
pub(super) struct Shared(pub(super) Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        self.0.as_slice()
    }
}

/// The world of one case: the shared templates plus this case's data and files.
pub(super) struct CaseWorld<'a> {
    pub(super) renderer: &'a Renderer,
    /// The main file compiled: the packet, or the letter for signature.
    pub(super) main: FileId,
    pub(super) data: Bytes,
    pub(super) files: Vec<(FileId, Bytes)>,
    pub(super) today: Datetime,
}

impl CaseWorld<'_> {
    /// Compiles the packet and exports it to PDF.
    pub(super) fn compile(&self, case_id: &str, today: Datetime) -> Result<Rendered, RenderError> {
        let warned = typst::compile::<PagedDocument>(self);
        let mut warnings = self.format(&warned.warnings);
        let document = warned
            .output
            .map_err(|errors| RenderError::Compile(self.format(&errors)))?;
        let pages = document.pages().len();
        if pages > super::MAX_PACKET_PAGES {
            return Err(RenderError::TooManyPages(pages));
        }
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

    /// Formats diagnostics with file, line and column.
    pub(super) fn format(&self, diagnostics: &[SourceDiagnostic]) -> Vec<String> {
        diagnostics::format(self, diagnostics)
    }
}

impl DiagnosticWorld for CaseWorld<'_> {
    /// Names a file in messages: the template's path on disk, or the case file's virtual path.
    fn name(&self, id: FileId) -> String {
        match self.renderer.templates.get(&id) {
            Some(template) => template.path.display().to_string(),
            None if id == *DATA_ID => format!("{DATA_PATH} (case data)"),
            None => id.vpath().get_with_slash().to_owned(),
        }
    }
}

impl World for CaseWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.renderer.typst().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.renderer.typst().book
    }

    fn main(&self) -> FileId {
        self.main
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
        self.renderer.typst().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
