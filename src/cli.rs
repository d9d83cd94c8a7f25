//! Command-line arguments (clap derive); `main` turns them into a run and an exit code.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::fields::Date;
use crate::model::organisation;
use crate::shard::Shard;

const EXIT_CODES: &str = "\
Exit codes:
  0  every case is ready
  1  some case needs work, is invalid or failed (with --strict: also any warning)
  2  usage or environment error (bad arguments, unreadable cases or templates folder,
     unwritable output)";

const IMPORT_EXIT_CODES: &str = "\
Exit codes:
  0  every row was imported
  1  some row has problems and was not written (the others were)
  2  usage or environment error (unreadable or oversized file, no `id` column,
     unwritable cases folder)

Columns and what each cell holds: README, \"Importing an intake spreadsheet\".";

const REPORT_EXIT_CODES: &str = "\
Exit codes:
  0  the report was written (however few appeals the period has)
  2  usage or environment error (bad period, unreadable cases or templates folder,
     unwritable output)";

/// Checks ketamine-therapy insurance appeal cases and renders ready-to-send appeal packets.
#[derive(Debug, Parser)]
#[command(name = "appealpack", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands appealpack runs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Checks every case and renders its appeal packet, with the summary report.
    #[command(after_help = EXIT_CODES)]
    Build(BuildArgs),
    /// Checks every case against the appeal checklist, without rendering.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Writes a commented case file to fill in.
    New(NewArgs),
    /// Writes a case file for each row of an intake spreadsheet saved as CSV.
    #[command(after_help = IMPORT_EXIT_CODES)]
    Import(ImportArgs),
    /// Records that a case's packet was sent, in its case file.
    Sent(SentArgs),
    /// Records the plan's or reviewer's decision on a case, in its case file.
    Decided(DecidedArgs),
    /// Adds a call, fax, letter or request to a case's contact log.
    Log(LogArgs),
    /// Prints the JSON Schema (draft-07) of the case file.
    Schema(SchemaArgs),
    /// Prints the appeal checklist as a table.
    Rules,
    /// Writes the outcomes of a period, for a board or a funder, as Markdown and PDF.
    #[command(after_help = REPORT_EXIT_CODES)]
    Report(ReportArgs),
    /// Merges the summaries of shard builds into one output folder's reports.
    #[command(after_help = EXIT_CODES)]
    Merge(MergeArgs),
    /// Starts an organisation's case repository: settings, an example case, the schema.
    Init(InitArgs),
    /// Works with the templates built into appealpack.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Prints a shell completion script.
    Completions(CompletionsArgs),
    /// Prints the manual page (roff), for `man -l -`.
    Man,
    /// Renders packets for `build`, one at a time over standard input and output.
    #[command(name = "render-worker", hide = true)]
    RenderWorker(RenderWorkerArgs),
}

/// Arguments of the hidden `render-worker`, set by `build`.
#[derive(Debug, Args)]
pub struct RenderWorkerArgs {
    /// The templates folder (default: the built-in templates).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// The worker's address-space limit, in MiB.
    #[arg(long, value_name = "MIB")]
    pub memory_mib: u64,
}

/// Arguments of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Prints the field reference in Markdown instead (docs/fields.md)
    #[arg(long)]
    pub markdown: bool,
}

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to start the repository in.
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// Also writes a CI workflow that builds the packets on every push.
    #[arg(long, value_enum, value_name = "SYSTEM")]
    pub ci: Option<Ci>,
}

/// The CI systems `init` writes a workflow for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Ci {
    /// GitHub Actions (`.github/workflows/appeal-packets.yml`).
    Github,
    /// GitLab CI (`.gitlab-ci.yml`).
    Gitlab,
}

/// What `templates` does.
#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Writes the built-in templates and evidence library to a folder, to restyle.
    Export(ExportArgs),
}

/// Arguments of `templates export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The folder to write them in; builds use ./templates when it exists.
    #[arg(default_value = "templates", value_name = "DIR")]
    pub dir: PathBuf,
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments shared by `check` and `build`.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The folder of case files (searched recursively for *.yaml and *.yml).
    #[arg(default_value = "cases")]
    pub cases: PathBuf,
    /// The templates folder (Typst templates and evidence.yaml) [default: ./templates if it
    /// exists, else the templates built into appealpack].
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// The day deadlines are counted from, YYYY-MM-DD (default: the system date).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<Date>,
    /// Exits 1 when any warning is found, not only blockers.
    #[arg(long)]
    pub strict: bool,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Where the cases are and how to check them.
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The organisation's letterhead and signatory, checked for the example values
    /// `appealpack init` wrote (skipped where the file does not exist).
    #[arg(long, default_value = organisation::FILE_NAME, value_name = "FILE")]
    pub config: PathBuf,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings grouped by case, coloured on a terminal.
    Human,
    /// The summary document as JSON.
    Json,
}

/// Arguments of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where the cases are and how to check them.
    #[command(flatten)]
    pub common: CommonArgs,
    /// The output folder for packets and reports.
    #[arg(short, long, default_value = "output", value_name = "DIR")]
    pub output: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// The organisation's letterhead and signatory.
    #[arg(long, default_value = organisation::FILE_NAME, value_name = "FILE")]
    pub config: PathBuf,
    /// Builds only shard K of N (1-based), chosen by a stable hash of each case id.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Rebuilds every packet, even those whose inputs did not change.
    #[arg(long)]
    pub force: bool,
    /// Also writes a JUnit XML report for CI test views.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Shows patient names in index.html, summary.md and deadlines.ics (not JSON, CSV, JUnit).
    #[arg(long)]
    pub show_names: bool,
    /// The most time one packet may take to render; a slower one is stopped and its case
    /// fails.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::render::worker::DEFAULT_SECONDS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub case_timeout: u64,
    /// The most memory one packet's renderer may use; past it, the case fails.
    #[arg(long, value_name = "MIB", default_value_t = crate::render::worker::DEFAULT_MIB,
          value_parser = clap::value_parser!(u64).range(256..))]
    pub case_memory: u64,
    /// Prints nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The folder of case files (searched recursively for *.yaml and *.yml).
    #[arg(default_value = "cases")]
    pub cases: PathBuf,
    /// The first day of the period, YYYY-MM-DD (default: every decision up to --to).
    #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "quarter")]
    pub from: Option<Date>,
    /// The last day of the period, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "quarter")]
    pub to: Option<Date>,
    /// A calendar quarter instead, YYYY-QN (2026-Q3: July to September 2026).
    #[arg(long, value_name = "YYYY-QN", value_parser = parse_quarter)]
    pub quarter: Option<Quarter>,
    /// The folder to write report-PERIOD.md and report-PERIOD.pdf in.
    #[arg(short, long, default_value = "output", value_name = "DIR")]
    pub output: PathBuf,
    /// The organisation whose name heads the report.
    #[arg(long, default_value = organisation::FILE_NAME, value_name = "FILE")]
    pub config: PathBuf,
    /// The templates folder [default: ./templates if it exists, else the built-in ones].
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// The day the report is made, YYYY-MM-DD (default: the system date).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<Date>,
}

/// A calendar quarter: its year and number (1 to 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    /// The year.
    pub year: i32,
    /// The quarter, 1 to 4.
    pub number: u32,
}

impl Quarter {
    /// Returns the quarter's first and last days.
    pub fn days(self) -> (Date, Date) {
        let first = chrono::NaiveDate::from_ymd_opt(self.year, self.number * 3 - 2, 1)
            .expect("a quarter's first day exists");
        let next = first
            .checked_add_months(chrono::Months::new(3))
            .expect("a quarter's next first day exists");
        (
            Date(first),
            Date(next.pred_opt().expect("a day before it exists")),
        )
    }
}

fn parse_quarter(text: &str) -> Result<Quarter, String> {
    let wrong = || format!("expected a quarter as YYYY-QN, like 2026-Q3; got {text:?}");
    let (year, number) = text.split_once(['-', ' ']).ok_or_else(wrong)?;
    let number = number
        .strip_prefix(['Q', 'q'])
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| (1..=4).contains(n))
        .ok_or_else(wrong)?;
    let year = year
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=9999).contains(y))
        .ok_or_else(wrong)?;
    Ok(Quarter { year, number })
}

/// Arguments of `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The output folders of the shard builds.
    #[arg(required = true, value_name = "DIR")]
    pub shards: Vec<PathBuf>,
    /// The folder to write the merged reports in.
    #[arg(short, long, default_value = "output", value_name = "DIR")]
    pub output: PathBuf,
    /// Also writes a JUnit XML report of the merged run.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Merges even when some shards of K/N are missing (a warning names them).
    #[arg(long)]
    pub partial: bool,
}

/// Arguments of `new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new case's id (letters, digits, '.', '_', '-'); with --next, it defaults to the
    /// decided case's id and a suffix for the next level (-L2, -ER).
    #[arg(required_unless_present = "next")]
    pub id: Option<String>,
    /// Writes the next level of a decided case instead, beside its case file: the
    /// decision becomes the denial appealed, and the level joins the history.
    #[arg(long, value_name = "CASE")]
    pub next: Option<String>,
    /// The folder to write the case file in.
    #[arg(long, default_value = "cases", value_name = "CASES")]
    pub dir: PathBuf,
}

/// Arguments of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The spreadsheet saved as CSV (comma-separated; UTF-8 or Excel's Windows-1252), its
    /// first row naming the columns.
    #[arg(value_name = "FILE.csv", required_unless_present = "template")]
    pub file: Option<PathBuf>,
    /// The folder to write the case files in, one folder per case.
    #[arg(long, default_value = "cases", value_name = "CASES")]
    pub dir: PathBuf,
    /// Changes the cases that exist already: each field the sheet names is set from its
    /// cell (an empty cell changes nothing), every other line of the case file is kept.
    #[arg(long)]
    pub update: bool,
    /// The file's text encoding [default: UTF-8, or Windows-1252 when the file is not
    /// UTF-8].
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub encoding: Option<Encoding>,
    /// Prints an empty intake sheet with every column (CSV), to open in a spreadsheet.
    #[arg(long, conflicts_with_all = ["file", "update", "encoding"])]
    pub template: bool,
}

pub(crate) use crate::intake::Encoding;

/// The case-file folder and the case an event command edits.
#[derive(Debug, Args)]
pub struct CaseRef {
    /// The case's id.
    #[arg(value_name = "ID")]
    pub id: String,
    /// The folder of case files.
    #[arg(long, default_value = "cases", value_name = "CASES")]
    pub dir: PathBuf,
}

/// Arguments of `sent`.
#[derive(Debug, Args)]
pub struct SentArgs {
    /// The case.
    #[command(flatten)]
    pub case: CaseRef,
    /// The day the packet was sent, YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub on: Date,
    /// How it was sent.
    #[arg(long, ignore_case = true, value_parser = ["fax", "mail", "portal", "email"])]
    pub method: String,
    /// The fax confirmation, tracking or portal reference.
    #[arg(long, value_name = "REF")]
    pub confirmation: Option<String>,
    /// The day the plan or reviewer received it, YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub received: Option<Date>,
}

/// Arguments of `decided`.
#[derive(Debug, Args)]
pub struct DecidedArgs {
    /// The case.
    #[command(flatten)]
    pub case: CaseRef,
    /// The date on the decision notice, YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub on: Date,
    /// The day the notice was received, YYYY-MM-DD (the next level's window counts from it).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub received: Option<Date>,
    /// What was decided.
    #[arg(long, ignore_case = true, value_parser = ["approved", "partially-approved", "denied"])]
    pub outcome: String,
    /// The decision's reference.
    #[arg(long, value_name = "REF")]
    pub reference: Option<String>,
}

/// Arguments of `log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// The case.
    #[command(flatten)]
    pub case: CaseRef,
    /// The day of the contact, YYYY-MM-DD [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub on: Option<Date>,
    /// Whom the contact was with.
    #[arg(long, ignore_case = true, value_parser = ["plan", "provider", "patient", "regulator", "other"])]
    pub with: String,
    /// How it was made.
    #[arg(long, ignore_case = true, value_parser = ["call", "fax", "email", "portal", "letter", "in-person"])]
    pub how: String,
    /// What it was about.
    #[arg(long, ignore_case = true, value_parser = [
        "status-check", "claim-file-request", "claim-file-received", "records-request",
        "records-received", "letter-request", "letter-received", "peer-to-peer", "complaint",
        "other",
    ])]
    pub kind: String,
    /// The reference the other side gave (a call reference, a ticket number).
    #[arg(long, value_name = "REF")]
    pub reference: Option<String>,
    /// A short note in your words (it stays out of machine reports).
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// The day to follow up, YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub follow_up: Option<Date>,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_is_its_three_months() {
        let q3 = parse_quarter("2026-Q3").unwrap();
        let (first, last) = q3.days();
        assert_eq!(
            (first.to_string(), last.to_string()),
            ("2026-07-01".into(), "2026-09-30".into())
        );
        let (_, last) = parse_quarter("2024-q1").unwrap().days();
        assert_eq!(last.to_string(), "2024-03-31");
        let (_, last) = parse_quarter("2026-Q4").unwrap().days();
        assert_eq!(last.to_string(), "2026-12-31");
        for bad in ["2026", "2026-Q5", "2026-Q0", "Q3-2026", "26-Q1"] {
            assert!(parse_quarter(bad).is_err(), "{bad}");
        }
    }
}
