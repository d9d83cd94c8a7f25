//! Typst's errors and warnings as text: message, file, line, column and the source line,
//! formatted by typst-kit as typst-cli prints them.

use typst::diag::{Severity, SourceDiagnostic};
use typst_kit::diagnostics::termcolor::NoColor;
use typst_kit::diagnostics::{DiagnosticFormat, DiagnosticWorld, emit};

/// Formats each diagnostic on its own, without colour.
pub(super) fn format(world: &dyn DiagnosticWorld, diagnostics: &[SourceDiagnostic]) -> Vec<String> {
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

/// Returns the place a formatted diagnostic points at (`templates/packet.typ:12:3`), from
/// the `┌─` line typst-kit prints above the source line: a path and numbers, never the
/// message or the source text.
pub(super) fn location(formatted: &str) -> Option<&str> {
    formatted
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("┌─ "))
        .map(str::trim)
}

/// Returns a diagnostic's severity as printed.
fn severity(diagnostic: &SourceDiagnostic) -> &'static str {
    match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[cfg(test)]
mod tests {
    use super::location;

    #[test]
    fn the_location_is_taken_without_the_message_or_the_source() {
        let formatted = "error: panicked with: \"Ann Example\"\n   \u{250c}\u{2500} templates/packet.typ:12:3\n   \u{2502}\n12 \u{2502} #panic(data.patient.name)\n";
        assert_eq!(location(formatted), Some("templates/packet.typ:12:3"));
        assert_eq!(location("error: no place"), None);
    }
}
