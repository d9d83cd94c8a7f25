//! The `import` command: an intake spreadsheet read by [`crate::intake`] into case files,
//! written as `new` writes one (`CASES/ID/case.yaml`, with the same modeline), or, with
//! `--update`, into changes to the case files that exist. Nothing is written from a file
//! that does not parse cleanly; every problem is reported by the spreadsheet row.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};

use super::{Exit, print, schema_modeline, terminal_safe};
use crate::cli::ImportArgs;
use crate::fsutil::{self, ReadError};
use crate::intake::{
    MAX_CSV_BYTES, MAX_ROWS, NewCase, RowProblem, Sheet, column_letter, decode, id_column,
    read_sheet, template_csv, updated_text,
};
use crate::load;
use crate::model::case::{MAX_CASE_BYTES, id_key};
use crate::model::fields::Date;

/// The lines under the modeline of an imported case file.
const HEADER: &str = "\
# Imported from an intake spreadsheet by `appealpack import`. Fill in every empty value,
# then run `appealpack check`: it lists exactly what is still missing.
";

/// Runs `import`: reads the spreadsheet; writes `CASES/ID/case.yaml` for each good row of
/// a new id (never over a file or folder that exists), and, with `--update`, sets the
/// fields the row gives in the case file of an id that exists; reports every other row.
pub fn run(args: &ImportArgs) -> Result<Exit> {
    let Some(path) = &args.file else {
        print(&template_csv())?;
        return Ok(Exit::Ok);
    };
    let file = path.display().to_string();
    let bytes = read_spreadsheet(path)?;
    let (text, note) = decode(&bytes, args.encoding).map_err(|e| anyhow!("{file}: {e}"))?;
    if let Some(note) = note {
        warn(&format!("note: {file}: {note}"))?;
    }
    let existing: HashMap<String, (PathBuf, bool)> = if args.dir.is_dir() {
        load::load_all(&args.dir)?
            .into_iter()
            .filter_map(|loaded| {
                let id = id_key(&loaded.id?);
                Some((id, (loaded.path, loaded.case.is_ok())))
            })
            .collect()
    } else {
        HashMap::new()
    };
    let sheet = read_sheet(&text, Date::today()).map_err(|e| {
        anyhow!(
            "{file}: {}",
            e.0.join(&format!("\n{}: ", terminal_safe(&file)))
        )
    })?;
    if !sheet.unknown_columns.is_empty() {
        let named: Vec<String> = sheet
            .unknown_columns
            .iter()
            .map(|(letter, suggestion)| match suggestion {
                Some(known) => format!("{letter} (did you mean `{known}`?)"),
                None => letter.clone(),
            })
            .collect();
        warn(&format!(
            "warning: {file}: row 1: the header of column{} {} names no known column, so \
             {} ignored; the README lists the columns and the other names each is read from",
            if named.len() == 1 { "" } else { "s" },
            named.join(", "),
            if named.len() == 1 {
                "it is"
            } else {
                "they are"
            },
        ))?;
    }
    let mut counts = Counts::default();
    let mut already = Vec::new();
    for row in &sheet.rows {
        for warning in &row.warnings {
            warn(&format!(
                "warning: {file}: {}: {}",
                Sheet::row_name(row),
                sheet.describe(warning)
            ))?;
        }
        let problems = match &row.outcome {
            Err(problems) => problems.clone(),
            Ok(case) => match existing.get(&id_key(&case.id)) {
                None => match write_case(&args.dir, case)? {
                    Ok(path) => {
                        print(&format!("wrote {}\n", path.display()))?;
                        counts.written += 1;
                        continue;
                    }
                    Err(problem) => vec![problem],
                },
                Some(_) if !args.update => {
                    already.push(case.id.as_str());
                    continue;
                }
                Some((_, false)) => vec![RowProblem::new(
                    id_column(),
                    "the case file of this id does not load, so it is not updated; fix it \
                     first (`appealpack check` says why)",
                )],
                Some((path, true)) => match update_case(path, case)? {
                    Ok(true) => {
                        print(&format!("updated {}\n", path.display()))?;
                        counts.updated += 1;
                        continue;
                    }
                    Ok(false) => {
                        counts.unchanged += 1;
                        continue;
                    }
                    Err(problems) => problems,
                },
            },
        };
        counts.bad += 1;
        let mut text = format!("{file}: {} not imported:", Sheet::row_name(row));
        for problem in &problems {
            text.push_str(&format!("\n  {}", sheet.describe(problem)));
        }
        warn(&text)?;
    }
    for (index, (column, rows)) in &sheet.bad_dates {
        let rows: Vec<String> = rows.iter().map(u64::to_string).collect();
        warn(&format!(
            "{file}: column {} {column}: {} not a date appealpack can read (rows {}): in Excel, \
             select the column, Format Cells > Date, choose 3/14/2012 (a four-digit year), and \
             save as CSV again",
            column_letter(*index),
            if rows.len() == 1 {
                "a cell is"
            } else {
                "cells are"
            },
            rows.join(", ")
        ))?;
    }
    if !already.is_empty() {
        print(&format!(
            "{} already imported (use --update to change {}): {}\n",
            plural(already.len(), "case", "cases"),
            if already.len() == 1 { "it" } else { "them" },
            already.join(", ")
        ))?;
    }
    print(&format!(
        "{}\n",
        counts.total(sheet.rows.len(), already.len())
    ))?;
    Ok(if counts.bad == 0 {
        Exit::Ok
    } else {
        Exit::Findings
    })
}

/// What became of the rows.
#[derive(Default)]
struct Counts {
    written: usize,
    updated: usize,
    unchanged: usize,
    bad: usize,
}

impl Counts {
    /// Returns the total line: `imported 3 of 5 rows; 1 updated; 2 rows have problems`.
    fn total(&self, rows: usize, already: usize) -> String {
        let mut total = format!(
            "imported {} of {}",
            self.written,
            plural(rows, "row", "rows")
        );
        if self.updated > 0 {
            total.push_str(&format!("; {} updated", self.updated));
        }
        if self.unchanged > 0 {
            total.push_str(&format!("; {} unchanged", self.unchanged));
        }
        if already > 0 {
            total.push_str(&format!("; {already} already imported"));
        }
        if self.bad > 0 {
            total.push_str(&format!(
                "; {}",
                plural(self.bad, "row has problems", "rows have problems")
            ));
        }
        total
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Sets the fields a row gives in an existing case file, writing it atomically; returns
/// whether it changed. An error of the file system ends the run.
fn update_case(path: &Path, case: &NewCase) -> Result<Result<bool, Vec<RowProblem>>> {
    let text = fsutil::read_text(path, MAX_CASE_BYTES, "the case file")?;
    let edited = match updated_text(path, &text, &case.given) {
        Ok(edited) => edited,
        Err(problems) => return Ok(Err(problems)),
    };
    if edited == text {
        return Ok(Ok(false));
    }
    fsutil::write_atomic(path, edited.as_bytes())?;
    Ok(Ok(true))
}

/// Reads the spreadsheet within the size cap; errors name the path.
fn read_spreadsheet(path: &Path) -> Result<Vec<u8>> {
    fsutil::read_regular(path, MAX_CSV_BYTES).map_err(|e| match e {
        ReadError::TooLarge(limit) => anyhow!(
            "the spreadsheet {} is larger than {}; split it (at most {MAX_ROWS} rows a file)",
            path.display(),
            fsutil::size(limit)
        ),
        e => anyhow!(e).context(format!("cannot read the spreadsheet {}", path.display())),
    })
}

/// Writes a row's case file in a folder of its own, made here: a folder that exists
/// already makes the row a bad one. An error of the file system ends the run.
fn write_case(dir: &Path, case: &NewCase) -> Result<Result<PathBuf, RowProblem>> {
    let folder = dir.join(&case.id);
    let text = format!("{}\n{HEADER}{}", schema_modeline(&folder), case.yaml);
    if text.len() as u64 > MAX_CASE_BYTES {
        return Ok(Err(RowProblem::whole_row(format!(
            "the case file would be larger than {}, the most a case file may be",
            fsutil::size(MAX_CASE_BYTES)
        ))));
    }
    fsutil::create_dir_all(dir)?;
    match std::fs::create_dir(&folder) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Ok(Err(RowProblem::new(
                id_column(),
                format!(
                    "{} already holds a folder of this id; choose another id",
                    dir.display()
                ),
            )));
        }
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot create the folder {}", folder.display()));
        }
    }
    let path = folder.join("case.yaml");
    fsutil::create_new(&path, text.as_bytes())?;
    Ok(Ok(path))
}

/// Writes a line to standard error, control characters escaped.
fn warn(line: &str) -> Result<()> {
    writeln!(anstream::stderr(), "{}", terminal_safe(line))
        .context("cannot write to standard error")
}
