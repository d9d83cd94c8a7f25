//! The commands, one file each: each turns its arguments into work and an exit code.
//! This file holds what they share.

pub mod build;
pub mod check;
pub mod events;
pub mod import;
pub mod init;
pub mod merge;
pub mod new;
pub mod report;
pub mod rules;
pub mod schema;
pub mod templates;

use std::io::Write;
use std::path::{Component, Path};

use anstyle::{AnsiColor, Style};
use anyhow::{Context as _, Result};
use clap::CommandFactory;

use crate::checklist::Severity;
use crate::cli::{Cli, Command, CommonArgs, TemplatesCommand};
use crate::isolate;
use crate::load::Loaded;
use crate::model::evidence::{self, EvidenceLibrary};
use crate::model::fields::Date;
use crate::outcome::{CaseOutcome, Summary};
use crate::render::templates::Source as TemplateSource;

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

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> std::process::ExitCode {
        std::process::ExitCode::from(exit as u8)
    }
}

/// Runs a parsed command line and returns its exit status; an error is printed and exits 2.
///
/// A closed standard output (`appealpack check | head -1`) ends the run quietly with 0, as
/// ripgrep does: the reader has gone and wants nothing more.
pub fn run(cli: Cli) -> Exit {
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
        Command::New(args) => new::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Sent(args) => events::sent(&args),
        Command::Decided(args) => events::decided(&args),
        Command::Log(args) => events::log(&args),
        Command::Schema(args) => {
            let text = if args.markdown {
                schema::field_reference()
            } else {
                schema::schema_json()
            };
            print(&text).map(|()| Exit::Ok)
        }
        Command::Rules => print(&rules::rules_table()).map(|()| Exit::Ok),
        Command::Merge(args) => merge::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Templates(TemplatesCommand::Export(args)) => templates::run(&args),
        Command::Completions(args) => print(&completions(args.shell)).map(|()| Exit::Ok),
        Command::Man => print(&manual()).map(|()| Exit::Ok),
        Command::RenderWorker(args) => {
            crate::render::worker::serve(args.templates.as_deref(), args.memory_mib)
                .map(|()| Exit::Ok)
        }
    };
    result.unwrap_or_else(|error| {
        if is_broken_pipe(&error) {
            return Exit::Ok;
        }
        let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
        let message = format!("{error:#}");
        let _ = writeln!(
            anstream::stderr(),
            "{red}error{red:#}: {}",
            terminal_safe(&message)
        );
        Exit::Error
    })
}

/// Returns the completion script of a shell, from the command-line definitions.
fn completions(shell: clap_complete::Shell) -> String {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "appealpack", &mut script);
    String::from_utf8_lossy(&script).into_owned()
}

/// Returns the manual page (roff), from the command-line definitions.
fn manual() -> String {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .expect("writing to memory cannot fail");
    String::from_utf8_lossy(&page).into_owned()
}

/// Writes text to standard output.
fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write to standard output")
}

/// Returns whether an error comes from writing to a closed pipe.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Makes text safe to print on a terminal: control characters (which can retitle or clear
/// it) are written as escapes; line breaks and tabs stay.
pub(crate) fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect::<String>()
        .into()
}

/// Returns the first line of a case file written in `folder`: the modeline that points
/// editors (yaml-language-server) at the repository's case schema, so they complete and
/// check fields. `new` and `import` both start their case files with it.
pub(crate) fn schema_modeline(folder: &Path) -> String {
    format!(
        "# yaml-language-server: $schema={}",
        schema_path_from(folder)
    )
}

/// Returns the path from a case's folder to the repository's schema: relative for a
/// relative folder (the repository is the working directory), absolute otherwise.
fn schema_path_from(dir: &Path) -> String {
    if dir.is_absolute() {
        return std::env::current_dir()
            .map(|cwd| cwd.join("schema/case.schema.json").display().to_string())
            .unwrap_or_else(|_| "schema/case.schema.json".into());
    }
    let depth = dir
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .count();
    format!("{}schema/case.schema.json", "../".repeat(depth))
}

/// Returns the day to count deadlines from: `--today`, or the system date.
pub fn today(args: &CommonArgs) -> Date {
    args.today.unwrap_or_else(Date::today)
}

/// Loads the evidence library of the templates in use.
pub(crate) fn load_library(templates: &TemplateSource) -> Result<EvidenceLibrary> {
    let (path, text) = templates.read_text(evidence::FILE_NAME, "the evidence library")?;
    EvidenceLibrary::parse(&text)
        .with_context(|| format!("invalid evidence library {}", path.display()))
}

/// Runs one case's work inside the panic guard: a panic becomes the case's `failed`
/// outcome (naming the case file and no case data), which `failed` turns into a result.
fn guard_case<T>(
    loaded: Loaded,
    work: impl FnOnce(Loaded) -> T,
    failed: impl FnOnce(CaseOutcome) -> T,
) -> T {
    let (file, id) = (loaded.file.clone(), loaded.id.clone());
    let path = loaded.path.clone();
    isolate::guarded(|| work(loaded)).unwrap_or_else(|message| {
        failed(CaseOutcome::failed(
            file,
            id,
            format!("{}: {message}", path.display()),
        ))
    })
}

/// Decides the exit code of a run from its summary.
pub(crate) fn exit_for(summary: &Summary, strict: bool) -> Exit {
    if !summary.all_ready() || (strict && summary.any_finding(Severity::Warning)) {
        Exit::Findings
    } else {
        Exit::Ok
    }
}
