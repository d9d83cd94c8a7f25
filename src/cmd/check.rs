//! The `check` command: every case against the checklist, without rendering.

use std::io::Write;
use std::path::Path;

use anstyle::{AnsiColor, Style};
use anyhow::{Context as _, Result};
use rayon::prelude::*;

use super::{Exit, exit_for, guard_case, load_library, print, terminal_safe, today};
use crate::checklist::{self, Severity};
use crate::cli::{CheckArgs, Format};
use crate::load::{self, Loaded};
use crate::model::case::Phase;
use crate::model::evidence::EvidenceLibrary;
use crate::model::fields::Date;
use crate::outcome::{CaseOutcome, Status, Summary};
use crate::render::{self, templates};

/// How many cases are checked between evictions of Typst's memo cache, which keeps every
/// image the attachments rule decodes.
const EVICT_EVERY: usize = 64;

/// Runs `check`.
pub fn run(args: &CheckArgs) -> Result<Exit> {
    let library = load_library(&templates::Source::choose(args.common.templates.as_deref()))?;
    let today = today(&args.common);
    let outcomes = check_all(&args.common.cases, today, &library)?;
    let summary = Summary::new(today, outcomes);
    match args.format {
        Format::Json => print(&summary.to_json())?,
        Format::Human => print_human(&summary).context("cannot write to standard output")?,
    };
    Ok(exit_for(&summary, args.common.strict))
}

/// Loads and checks every case under `cases` in parallel, as `build` checks them.
pub fn check_all(cases: &Path, today: Date, library: &EvidenceLibrary) -> Result<Vec<CaseOutcome>> {
    let loaded = load::load_run(cases)?;
    let mut outcomes = Vec::with_capacity(loaded.len());
    let mut loaded = loaded.into_iter();
    loop {
        let chunk: Vec<_> = loaded.by_ref().take(EVICT_EVERY).collect();
        if chunk.is_empty() {
            return Ok(outcomes);
        }
        outcomes.par_extend(chunk.into_par_iter().map(|l| check_one(l, today, library)));
        render::evict_cache();
    }
}

/// Checks one case; a panic becomes the case's `failed` outcome, as in `build`.
fn check_one(loaded: Loaded, today: Date, library: &EvidenceLibrary) -> CaseOutcome {
    // The enclosures read for the packet are dropped here: `check` renders none.
    guard_case(
        loaded,
        |l| CaseOutcome::checked(&checklist::check_case(l, today, library)),
        |failed| failed,
    )
}

fn status_style(status: Status) -> Style {
    let colour = match status {
        Status::Ready => AnsiColor::Green,
        Status::NeedsWork => AnsiColor::Yellow,
        Status::Invalid | Status::Failed => AnsiColor::Red,
    };
    Style::new().fg_color(Some(colour.into())).bold()
}

fn severity_style(severity: Severity) -> Style {
    let colour = match severity {
        Severity::Blocker => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(colour.into()))
}

/// Prints findings grouped by case, coloured when stdout is a terminal and NO_COLOR is unset.
fn print_human(summary: &Summary) -> std::io::Result<()> {
    let mut out = anstream::stdout().lock();
    let dim = Style::new().dimmed();
    for case in &summary.cases {
        let style = status_style(case.status);
        let id = case.id.as_deref().unwrap_or("-");
        write!(
            out,
            "{style}{:<10}{style:#} {id}  {dim}{}{dim:#}",
            case.status.as_str(),
            terminal_safe(&case.file)
        )?;
        // A sent case says so, with the day its decision is due.
        match (case.phase, &case.decision_due, &case.decision) {
            (Some(Phase::AwaitingDecision), Some(due), _) if due.days_left < 0 => {
                write!(out, "  awaiting decision, overdue since {}", due.date)?
            }
            (Some(Phase::AwaitingDecision), Some(due), _) => {
                write!(out, "  awaiting decision, due {}", due.date)?
            }
            (Some(Phase::AwaitingDecision), None, _) => write!(out, "  awaiting decision")?,
            (Some(Phase::Decided), _, Some(decided)) => {
                write!(out, "  decided: {}", decided.outcome.as_str())?
            }
            _ => {}
        }
        if let Some(deadline) = &case.deadline {
            match deadline.days_left {
                days if days < 0 => write!(
                    out,
                    "  deadline {} (overdue by {} days)",
                    deadline.date, -days
                )?,
                days => write!(out, "  deadline {} ({days} days left)", deadline.date)?,
            }
        }
        writeln!(out)?;
        if let Some(error) = &case.error {
            // A case's errors come one per line; each is indented under its case.
            for line in terminal_safe(error).lines() {
                writeln!(out, "    {line}")?;
            }
        }
        for finding in &case.findings {
            let style = severity_style(finding.severity);
            writeln!(
                out,
                "    {style}{:<8}{style:#} {}: {}",
                finding.severity.as_str(),
                finding.rule,
                terminal_safe(&finding.message)
            )?;
        }
    }
    writeln!(out, "\n{}", summary.totals)?;
    out.flush()
}
