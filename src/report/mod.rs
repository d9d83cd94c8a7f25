//! The reports of a run, all made from its summary: `summary.json`, `summary.md`,
//! `index.html`, `deadlines.ics` (and one calendar per owner), `cases.csv` and JUnit XML;
//! and the outcomes of a period (`appealpack report`).

mod csv;
mod html;
mod ics;
mod junit;
mod markdown;
mod outcomes;
mod period;
mod rates;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};

use crate::checklist::{CLOSE_DAYS, Deadline, Severity};
use crate::fsutil;
use crate::model::case::{
    CASES_CSV, DEADLINES_ICS, DecisionOutcome, DenialReason, INDEX_HTML, Phase, PlanType,
    SUMMARY_JSON, SUMMARY_MD,
};
use crate::outcome::{CaseOutcome, Status, Summary};
use outcomes::{Outcomes, outcomes};

pub use self::csv::{CSV_HEADER, cases_csv};
pub use html::html;
pub use ics::ics;
pub(crate) use ics::owner_ics;
pub use junit::junit;
pub use markdown::markdown;
pub(crate) use period::{Period, PeriodReport};

/// Patient names by case id, shown in Markdown, HTML and the calendar only when given.
pub type Names = BTreeMap<String, String>;

/// How close a deadline is, which sets its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Urgency {
    Overdue,
    Close,
    Later,
    Unknown,
}

impl Urgency {
    /// Classifies the days left to a deadline, if there is one.
    fn of(deadline: Option<&Deadline>) -> Urgency {
        match deadline.map(|d| d.days_left) {
            None => Urgency::Unknown,
            Some(days) if days < 0 => Urgency::Overdue,
            Some(days) if days <= CLOSE_DAYS => Urgency::Close,
            Some(_) => Urgency::Later,
        }
    }

    /// Returns the CSS class of the urgency.
    fn class(self) -> &'static str {
        match self {
            Urgency::Overdue => "overdue",
            Urgency::Close => "close",
            Urgency::Later => "later",
            Urgency::Unknown => "none",
        }
    }

    /// Returns the coloured marker used in Markdown.
    fn marker(self) -> &'static str {
        match self {
            Urgency::Overdue => "🔴",
            Urgency::Close => "🟠",
            Urgency::Later => "🟢",
            Urgency::Unknown => "",
        }
    }
}

/// Returns the case's display label: its id, or its file when it has none.
fn label(case: &CaseOutcome) -> &str {
    case.id.as_deref().unwrap_or(&case.file)
}

/// Looks up a case's patient name, if names are shown and the case has one.
fn patient<'a>(case: &CaseOutcome, names: Option<&'a Names>) -> Option<&'a str> {
    let id = case.id.as_deref()?;
    names?.get(id).map(String::as_str)
}

/// Returns the cases in order of urgency: fewest days left first, no deadline last.
fn by_urgency<'a>(cases: impl Iterator<Item = &'a CaseOutcome>) -> Vec<&'a CaseOutcome> {
    let mut sorted: Vec<&CaseOutcome> = cases.collect();
    sorted.sort_by_key(|c| urgency_key(c));
    sorted
}

/// Returns the sort key of a case's deadline: a deadline that cannot be worked out sorts
/// first (it may be the nearest), no deadline after every date.
fn urgency_key(case: &CaseOutcome) -> (u8, i64) {
    match (&case.deadline_unknown, &case.deadline) {
        (Some(_), _) => (0, 0),
        (None, Some(deadline)) => (1, deadline.days_left),
        (None, None) => (2, 0),
    }
}

/// Describes the days left to a deadline in words.
fn days_phrase(days_left: i64) -> String {
    match days_left {
        d if d < -1 => format!("{} days overdue", -d),
        -1 => "1 day overdue".to_string(),
        0 => "due today".to_string(),
        1 => "1 day left".to_string(),
        d => format!("{d} days left"),
    }
}

/// Returns "1 blocker", "2 blockers" and so on.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Describes the run: version, counting day, shard and timing.
fn run_line(summary: &Summary) -> String {
    let mut parts = vec![
        format!("Deadlines counted from {}", summary.today),
        format!("appealpack {}", summary.appealpack),
    ];
    if let Some(shard) = summary.shard {
        parts.push(format!("shard {shard}"));
    }
    if let Some(timing) = summary.timing {
        parts.push(format!(
            "{} rendered, {} unchanged, {:.1} s",
            timing.rendered, timing.skipped, timing.seconds
        ));
    }
    parts.join(" · ")
}

/// Returns a phase in plain words.
fn phase_words(phase: Phase) -> &'static str {
    match phase {
        Phase::Preparing => "preparing",
        Phase::AwaitingDecision => "awaiting a decision",
        Phase::Decided => "decided",
    }
}

/// Returns a plan type in plain words.
fn plan_words(plan: PlanType) -> &'static str {
    match plan {
        PlanType::AcaMarketplace => "ACA marketplace",
        PlanType::EmployerFullyInsured => "Employer plan, fully insured",
        PlanType::EmployerSelfFunded => "Employer plan, self-funded",
        PlanType::Medicare => "Original Medicare",
        PlanType::MedicareAdvantage => "Medicare Advantage",
        PlanType::Medicaid => "Medicaid",
        PlanType::MedicaidManagedCare => "Medicaid managed care",
        PlanType::MedicarePartD => "Medicare Part D",
        PlanType::Grandfathered => "Grandfathered plan",
        PlanType::GovernmentPlan => "State or local government plan",
        PlanType::ChurchPlan => "Church plan",
        PlanType::Fehb => "Federal employees (FEHB)",
        PlanType::Other => "Other plan",
    }
}

/// Returns a denial reason in plain words.
fn reason_words(reason: DenialReason) -> &'static str {
    match reason {
        DenialReason::ExperimentalInvestigational => "Experimental or investigational",
        DenialReason::NotMedicallyNecessary => "Not medically necessary",
        DenialReason::NotACoveredBenefit => "Not a covered benefit",
        DenialReason::MissingInformation => "Missing information",
        DenialReason::StepTherapy => "Step therapy",
        DenialReason::OutOfNetwork => "Out of network",
        DenialReason::Other => "Other reason",
    }
}

/// Returns a decision in plain words.
fn decision_words(outcome: DecisionOutcome) -> &'static str {
    match outcome {
        DecisionOutcome::Approved => "approved",
        DecisionOutcome::PartiallyApproved => "approved in part",
        DecisionOutcome::Denied => "denied",
    }
}

/// Returns an owner's initials as a file name may hold them (`JA`, `J-A`), or `None` for
/// an owner with no letter or digit.
fn owner_slug(owner: &str) -> Option<String> {
    let slug: String = owner
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug = slug.trim_matches('-').to_owned();
    (!slug.is_empty()).then_some(slug)
}

/// Returns the first line of a multi-line message.
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// Percent-encodes a relative link, keeping `/` and unreserved characters, never starting `//`.
fn href(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(char::from(byte));
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    if encoded.starts_with('/') {
        encoded.insert(0, '.');
    }
    encoded
}

/// Writes summary.json, summary.md, index.html, deadlines.ics with a calendar per owner
/// (`deadlines-JA.ics`), cases.csv and, if asked, the JUnit file.
///
/// Each file is renamed into place (a killed run leaves the old report or the new one),
/// and the reports in `output` are made durable together by one sync at the end, not one
/// sync per file (issue 23). The JUnit file may be on another file system, so it is synced
/// on its own.
pub(crate) fn write_reports(
    summary: &Summary,
    output: &Path,
    names: Option<&Names>,
    junit: Option<&Path>,
) -> Result<()> {
    let mut written = Vec::new();
    let mut write = |name: &str, bytes: String| {
        let path = output.join(name);
        fsutil::write_atomic_unsynced(&path, bytes.as_bytes())?;
        written.push(path);
        anyhow::Ok(())
    };
    write(SUMMARY_JSON, summary.to_json())?;
    write(SUMMARY_MD, markdown(summary, names))?;
    write(INDEX_HTML, html(summary, names))?;
    write(DEADLINES_ICS, ics(summary, names))?;
    let calendars = ics::owner_calendars(summary);
    for (owner, file) in &calendars {
        write(file, owner_ics(summary, names, owner))?;
    }
    write(CASES_CSV, cases_csv(summary))?;
    fsutil::sync_written(output, &written);
    remove_stale_calendars(output, &calendars)?;
    if let Some(path) = junit {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fsutil::create_dir_all(parent)?;
        }
        fsutil::write_atomic(path, self::junit(summary).as_bytes())?;
    }
    Ok(())
}

/// Removes the owner calendars (`deadlines-XX.ics`) an earlier build wrote for owners who
/// have no case here now: a calendar subscribed to would otherwise keep showing deadlines
/// of cases that moved to someone else. Only regular files, never through a link.
fn remove_stale_calendars(output: &Path, current: &[(String, String)]) -> Result<()> {
    let entries =
        std::fs::read_dir(output).with_context(|| format!("cannot read {}", output.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let calendar = ics::is_owner_calendar(&name);
        let regular = entry.file_type().is_ok_and(|kind| kind.is_file());
        if calendar && regular && !current.iter().any(|(_, file)| *file == name) {
            fsutil::remove_file(&entry.path())?;
        }
    }
    Ok(())
}

/// Escapes text for XML 1.0 and HTML content and attributes, replacing characters XML cannot hold.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn href_encodes_everything_but_path_characters() {
        assert_eq!(href("KET-1/packet.pdf"), "KET-1/packet.pdf");
        assert_eq!(href("../shard 2/a#b?c.pdf"), "../shard%202/a%23b%3Fc.pdf");
        assert_eq!(href("javascript:alert(1)"), "javascript%3Aalert%281%29");
        assert_eq!(href("//evil.example/x"), ".//evil.example/x");
        assert_eq!(href("é"), "%C3%A9");
    }

    #[test]
    fn xml_escape_keeps_documents_well_formed() {
        assert_eq!(
            xml_escape("a<b & \"c\"\n"),
            "a&lt;b &amp; &quot;c&quot;&#10;"
        );
        assert_eq!(xml_escape("bell\u{7}"), "bell\u{FFFD}");
    }

    #[test]
    fn days_are_described_in_words() {
        assert_eq!(days_phrase(-3), "3 days overdue");
        assert_eq!(days_phrase(-1), "1 day overdue");
        assert_eq!(days_phrase(0), "due today");
        assert_eq!(days_phrase(14), "14 days left");
    }
}
