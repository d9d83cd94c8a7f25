//! The commands: each turns its arguments into work and an exit code.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use anyhow::{Context as _, Result};

use crate::batch::{self, CheckedCase};
use crate::case::{Case, validate_id};
use crate::checklist::{RULES, Severity};
use crate::cli::{CheckArgs, Cli, Command, CommonArgs, Format, NewArgs};
use crate::discover;
use crate::evidence::{self, EvidenceLibrary};
use crate::fields::Date;
use crate::report::{Status, Summary};

/// How a run ended, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every case is ready.
    Ok = 0,
    /// Some case needs work, is invalid or failed (or, with `--strict`, has a warning).
    Findings = 1,
    /// Usage or environment error.
    Error = 2,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// Runs a parsed command line and returns its exit status.
pub fn run(cli: Cli) -> Exit {
    let result = match cli.command {
        Command::Check(args) => check(&args),
        Command::Build(args) => crate::build::build(&args),
        Command::New(args) => new_case(&args),
        Command::Schema => print(&schema_json()),
        Command::Rules => print(&rules_table()),
        Command::Merge(args) => crate::merge::merge(&args),
    };
    result.unwrap_or_else(|error| {
        let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
        let _ = writeln!(anstream::stderr(), "{red}error{red:#}: {error:#}");
        Exit::Error
    })
}

fn print(text: &str) -> Result<Exit> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write to standard output")?;
    Ok(Exit::Ok)
}

/// Returns the day to count deadlines from: `--today`, or the system date.
pub fn today(args: &CommonArgs) -> Date {
    args.today
        .unwrap_or_else(|| Date(chrono::Local::now().date_naive()))
}

/// Loads the evidence library of a templates folder.
pub fn load_library(templates: &Path) -> Result<EvidenceLibrary> {
    EvidenceLibrary::from_file(&templates.join(evidence::FILE_NAME))
}

/// Discovers, loads and checks every case of a run.
pub fn check_cases(args: &CommonArgs) -> Result<(Date, Vec<CheckedCase>)> {
    let library = load_library(&args.templates)?;
    let today = today(args);
    let found = discover::discover(&args.cases)?;
    Ok((today, batch::check_all(found, today, &library)))
}

/// Decides the exit code of a run from its summary.
pub fn exit_for(summary: &Summary, strict: bool) -> Exit {
    if !summary.all_ready() || (strict && summary.any_finding(Severity::Warning)) {
        Exit::Findings
    } else {
        Exit::Ok
    }
}

fn check(args: &CheckArgs) -> Result<Exit> {
    let (today, checked) = check_cases(&args.common)?;
    let summary = Summary::new(today, checked.into_iter().map(|c| c.outcome).collect());
    match args.format {
        Format::Json => {
            print(&summary.to_json())?;
        }
        Format::Human => print_human(&summary).context("cannot write to standard output")?,
    };
    Ok(exit_for(&summary, args.common.strict))
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
            case.file
        )?;
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
            writeln!(out, "    {error}")?;
        }
        for finding in &case.findings {
            let style = severity_style(finding.severity);
            writeln!(
                out,
                "    {style}{:<8}{style:#} {}: {}",
                finding.severity.as_str(),
                finding.rule,
                finding.message
            )?;
        }
    }
    let t = summary.totals;
    writeln!(
        out,
        "\n{} cases: {} ready, {} need work, {} invalid, {} failed",
        t.cases, t.ready, t.needs_work, t.invalid, t.failed
    )?;
    out.flush()
}

/// Returns the JSON Schema (draft-07) of the case file, pretty-printed with a final newline.
pub fn schema_json() -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<Case>();
    let mut json = serde_json::to_string_pretty(&schema).expect("schema serializes");
    json.push('\n');
    json
}

/// Returns the checklist as a Markdown table.
pub fn rules_table() -> String {
    let mut table =
        String::from("| id | severity | checklist item | checks |\n|---|---|---|---|\n");
    for rule in RULES {
        table.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            rule.id,
            rule.severity.as_str(),
            rule.item,
            rule.checks
        ));
    }
    table
}

/// Returns the relative path from a cases folder to the repository's schema, for the modeline.
fn schema_path_from(dir: &Path) -> String {
    if dir.is_absolute() {
        return std::env::current_dir()
            .map(|cwd| cwd.join("schema/case.schema.json").display().to_string())
            .unwrap_or_else(|_| "schema/case.schema.json".into());
    }
    let depth = dir
        .components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .count();
    format!("{}schema/case.schema.json", "../".repeat(depth))
}

/// Returns the commented skeleton of a new case file.
pub fn case_skeleton(id: &str, today: Date, schema_path: &str) -> String {
    include_str!("skeleton.yaml")
        .replace("{schema}", schema_path)
        .replace("{id}", id)
        .replace("{today}", &today.to_string())
}

fn new_case(args: &NewArgs) -> Result<Exit> {
    validate_id(&args.id).map_err(|e| anyhow::anyhow!("invalid case id: {e}"))?;
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create the folder {}", args.dir.display()))?;
    let path: PathBuf = args.dir.join(format!("{}.yaml", args.id));
    let today = Date(chrono::Local::now().date_naive());
    let text = case_skeleton(&args.id, today, &schema_path_from(&args.dir));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "wrote {}; fill it in, then run `appealpack check`",
        path.display()
    );
    Ok(Exit::Ok)
}
