//! Typst's errors and warnings as text: message, file, line, column and the source line,
//! formatted by typst-kit as typst-cli prints them.

use typst::diag::{Severity, SourceDiagnostic};
use typst_kit::diagnostics::termcolor::NoColor;
use typst_kit::diagnostics::{DiagnosticFormat, DiagnosticWorld, emit};

/// Formats each diagnostic on its own, without colour.
pub fn format(world: &dyn DiagnosticWorld, diagnostics: &[SourceDiagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let mut out = NoColor::new(Vec::new());
            match emit(&mut out, world, [diagnostic], DiagnosticFormat::Human) {
                Ok(()) => String::from_utf8_lossy(&out.into_inner())
                    .trim_end()
                    .to_owned(),
                Err(_) => format!("{}: {}", severity(diagnostic), diagnostic.message),
            }
        })
        .collect()
}

/// Returns a diagnostic's severity as printed.
fn severity(diagnostic: &SourceDiagnostic) -> &'static str {
    match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}
