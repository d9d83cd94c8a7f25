//! The `import` command: an intake spreadsheet, saved as CSV with one row per case, turned
//! into case files, as `new` writes one (`CASES/ID/case.yaml`, with the same modeline).
//!
//! [`COLUMNS`] is the one list of the columns: each names the case field it fills and what
//! its cells hold; the README's table is generated from it (a test fails when it is stale).
//! [`read_sheet`] is the pure part: CSV text in; out, for each row, the case file's YAML
//! or its problems. The YAML is built as a serde_yaml mapping, never by pasting cells into
//! YAML source, and loaded as a case file is (`Case::parse`) before anything is written;
//! each problem is placed back at the column that fed its field. [`run`] reads the file
//! and the ids already taken, and writes the good rows. No message quotes a cell: cells
//! are patient health data.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use serde_yaml::{Mapping, Value};

use super::{Exit, print, schema_modeline, terminal_safe};
use crate::cli::ImportArgs;
use crate::fsutil::{self, ReadError};
use crate::load;
use crate::model::case::{Case, MAX_CASE_BYTES};
use crate::model::fields::Date;
use crate::model::validate::closest;
use crate::report::CSV_HEADER;

/// The largest spreadsheet `import` reads: ten thousand rows of a few hundred bytes each
/// fit many times over.
pub(crate) const MAX_CSV_BYTES: u64 = 16 * 1024 * 1024;

/// The most rows `import` takes from one file; a larger intake is split.
pub(crate) const MAX_ROWS: usize = 10_000;

/// What a column's cells hold, and how a cell becomes a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The case id: a row without one is a bad row.
    Id,
    /// Text, as given.
    Text,
    /// Text the case file requires: an empty cell is written as `""`, for `check` to list.
    Required,
    /// One of the values the field allows, as written in case files; the case validation
    /// judges it.
    Choice,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// The packet's date: today when the cell is empty.
    DateOrToday,
    /// A whole number.
    Whole,
    /// `yes` or `no`.
    YesNo,
    /// A list, its items separated by `;`.
    List,
    /// Diagnoses separated by `;`, each a code, a space and its description.
    Diagnoses,
}

#[cfg(test)]
impl Kind {
    /// Says what a cell of this kind holds, for the README's table.
    fn words(self) -> &'static str {
        match self {
            Kind::Id => {
                "the case id (letters, digits, `.`, `_`, `-`); names the case's folder; a row \
                 without one is not imported"
            }
            Kind::Text => "text",
            Kind::Required => "text; when empty, written as `\"\"` for `check` to list",
            Kind::Choice => "a value as written in case files ([docs/fields.md](docs/fields.md))",
            Kind::Date => "a date, `YYYY-MM-DD`",
            Kind::DateOrToday => "a date, `YYYY-MM-DD`; when empty, the day of the import",
            Kind::Whole => "a whole number",
            Kind::YesNo => "`yes` or `no` (or `true`, `false`)",
            Kind::List => "a list, items separated by `;`",
            Kind::Diagnoses => {
                "diagnoses separated by `;`, each an ICD-10-CM code, a space and its \
                 description: `F33.2 Major depressive disorder; F41.1 Generalized anxiety \
                 disorder`"
            }
        }
    }
}

/// A documented column of the intake spreadsheet.
#[derive(Debug)]
pub(crate) struct Column {
    /// The column's name in the header row (matched trimmed, in any case).
    pub name: &'static str,
    /// The case field it fills, as a path (`insurer.plan_type`).
    pub field: &'static str,
    /// What its cells hold.
    pub kind: Kind,
}

const fn column(name: &'static str, field: &'static str, kind: Kind) -> Column {
    Column { name, field, kind }
}

/// The columns `import` reads, in the order of the case file (which is the order the
/// written file has). A name is the field's path with `.` written `_`, shortened where
/// the short name is the one an intake sheet uses (`plan_type`, `treatment`, `urgent`).
pub(crate) const COLUMNS: &[Column] = &[
    column("id", "id", Kind::Id),
    column("stage", "stage", Kind::Choice),
    column("prepared_on", "prepared_on", Kind::DateOrToday),
    column("patient_name", "patient.name", Kind::Required),
    column("patient_date_of_birth", "patient.date_of_birth", Kind::Date),
    column("patient_member_id", "patient.member_id", Kind::Text),
    column("patient_address", "patient.address", Kind::Text),
    column("patient_phone", "patient.phone", Kind::Text),
    column("patient_email", "patient.email", Kind::Text),
    column("insurer_name", "insurer.name", Kind::Required),
    column("plan_name", "insurer.plan_name", Kind::Text),
    column("plan_type", "insurer.plan_type", Kind::Choice),
    column("group_number", "insurer.group_number", Kind::Text),
    column("appeals_address", "insurer.appeals_address", Kind::Text),
    column("appeals_fax", "insurer.appeals_fax", Kind::Text),
    column("provider_name", "provider.name", Kind::Required),
    column("provider_credentials", "provider.credentials", Kind::Text),
    column("provider_specialty", "provider.specialty", Kind::Text),
    column("provider_npi", "provider.npi", Kind::Text),
    column("provider_practice", "provider.practice", Kind::Text),
    column("provider_phone", "provider.phone", Kind::Text),
    column("diagnoses", "diagnoses", Kind::Diagnoses),
    column("treatment", "request.treatment", Kind::Required),
    column("codes", "request.codes", Kind::List),
    column("sessions", "request.sessions", Kind::Whole),
    column("schedule", "request.schedule", Kind::Text),
    column("facility", "request.facility", Kind::Text),
    column("denial_date", "denial.date", Kind::Date),
    column("denial_received", "denial.received", Kind::Date),
    column("denial_reference", "denial.reference", Kind::Text),
    column("denial_claim_number", "denial.claim_number", Kind::Text),
    column("denial_reason", "denial.reason", Kind::Choice),
    column("urgent", "denial.urgent", Kind::YesNo),
    column("denial_deadline", "denial.deadline", Kind::Date),
    column("evidence", "evidence", Kind::List),
    column("filed_by", "filed_by", Kind::Choice),
    column("owner", "owner", Kind::Text),
    column("notes", "notes", Kind::Text),
];

/// Returns the `id` column.
fn id_column() -> &'static Column {
    COLUMNS
        .iter()
        .find(|c| c.kind == Kind::Id)
        .expect("the table has an id column")
}

/// Returns whether a column is one of the build's `cases.csv` report that is not a case
/// field: a report read back as an intake sheet has them, and `import` passes over them
/// without a word.
fn report_only(name: &str) -> bool {
    CSV_HEADER.contains(&name) && !COLUMNS.iter().any(|c| c.name == name)
}

/// The lines under the modeline of an imported case file.
const HEADER: &str = "\
# Imported from an intake spreadsheet by `appealpack import`. Fill in every empty value,
# then run `appealpack check`: it lists exactly what is still missing.
";

/// What was read from a spreadsheet.
#[derive(Debug)]
pub(crate) struct Sheet {
    /// Header names that are no column, each once, with the known column most like it.
    pub unknown_columns: Vec<(String, Option<&'static str>)>,
    /// Every row that has a cell, in order.
    pub rows: Vec<Row>,
}

/// One row of the spreadsheet.
#[derive(Debug)]
pub(crate) struct Row {
    /// The line of the file the row starts on (the header is line 1); the spreadsheet's
    /// row number unless a cell above holds a line break.
    pub line: u64,
    /// The case file to write, or why the row is not imported.
    pub outcome: Result<NewCase, Vec<RowProblem>>,
}

/// A case file made from a row, validated.
#[derive(Debug)]
pub(crate) struct NewCase {
    /// The case id, which names its folder.
    pub id: String,
    /// The case file's YAML, without the modeline.
    pub yaml: String,
}

/// One problem of a row, placed at the column that fed the field. Never quotes a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowProblem {
    /// The column, where one fed the field.
    pub column: Option<&'static str>,
    /// The case field's path, where the problem has one.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl RowProblem {
    fn new(column: &Column, message: impl Into<String>) -> RowProblem {
        RowProblem {
            column: Some(column.name),
            field: Some(column.field.to_owned()),
            message: message.into(),
        }
    }

    /// Writes the problem as `FILE:ROW:COLUMN: field FIELD: message`.
    fn display(&self, file: &str, line: u64) -> String {
        let mut text = format!("{file}:{line}");
        if let Some(column) = self.column {
            text.push_str(&format!(":{column}"));
        }
        if let Some(field) = &self.field {
            text.push_str(&format!(": field {field}"));
        }
        text.push_str(&format!(": {}", self.message));
        text
    }
}

/// Reads a spreadsheet's CSV text: the header row names the columns, and every other
/// row that has a cell becomes a case file's YAML or its problems. `taken` holds the ids
/// of the cases that exist already. An error is about the whole file (no `id` column, a
/// column twice, too many rows) and never quotes a cell.
pub(crate) fn read_sheet(
    text: &str,
    today: Date,
    taken: &HashSet<String>,
) -> Result<Sheet, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err("the file is empty; its first row names the columns".into()),
        Some(header) => header.map_err(|e| not_csv(&e))?,
    };
    let (indices, unknown_columns) = read_header(&header)?;
    let mut records_with_cells = Vec::new();
    for record in records {
        let record = record.map_err(|e| not_csv(&e))?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if records_with_cells.len() == MAX_ROWS {
            return Err(format!(
                "more than {MAX_ROWS} rows; split the spreadsheet and import each part"
            ));
        }
        records_with_cells.push(record);
    }
    let mut rows = Vec::new();
    let mut seen = HashMap::new();
    for record in &records_with_cells {
        let line = record.position().map_or(0, csv::Position::line);
        let cells = Cells {
            record,
            indices: &indices,
        };
        let mut outcome = read_row(&cells, today);
        if header.len() < record.len() {
            problems_of(&mut outcome).push(RowProblem {
                column: None,
                field: None,
                message: format!(
                    "the row has {} cells and the header {} columns; put a cell that holds a \
                     comma in quotes",
                    record.len(),
                    header.len()
                ),
            });
        }
        if let Some(id) = cells.get("id") {
            let id_problem = |message: String| RowProblem::new(id_column(), message);
            if let Some(first) = seen.get(id) {
                problems_of(&mut outcome).push(id_problem(format!(
                    "the same id as row {first}; each case needs an id of its own"
                )));
            } else {
                seen.insert(id.to_owned(), line);
            }
            if taken.contains(id) {
                problems_of(&mut outcome).push(id_problem(
                    "a case in the cases folder already has this id; choose another".into(),
                ));
            }
        }
        if let Err(problems) = &mut outcome {
            // In the order of the column table, which is the case file's order.
            problems.sort_by_key(|p| {
                p.column
                    .and_then(|name| COLUMNS.iter().position(|c| c.name == name))
                    .unwrap_or(COLUMNS.len())
            });
        }
        rows.push(Row { line, outcome });
    }
    Ok(Sheet {
        unknown_columns,
        rows,
    })
}

/// Says why the CSV could not be read, in the csv crate's words (which give the place,
/// never a cell).
fn not_csv(error: &csv::Error) -> String {
    format!("not readable as CSV: {error}")
}

/// Turns an outcome into a bad row's problems (dropping the case) and returns them.
fn problems_of(outcome: &mut Result<NewCase, Vec<RowProblem>>) -> &mut Vec<RowProblem> {
    if outcome.is_ok() {
        *outcome = Err(Vec::new());
    }
    match outcome {
        Err(problems) => problems,
        Ok(_) => unreachable!("made a list of problems above"),
    }
}

/// Maps each known column to its index in the header, and lists the unknown names.
type Header = (
    HashMap<&'static str, usize>,
    Vec<(String, Option<&'static str>)>,
);

/// Reads the header row: names are matched trimmed and in any case; report columns and
/// empty names are passed over; a column given twice is an error.
fn read_header(header: &csv::StringRecord) -> Result<Header, String> {
    let mut indices = HashMap::new();
    let mut unknown: Vec<(String, Option<&'static str>)> = Vec::new();
    for (index, name) in header.iter().enumerate() {
        let name = name.trim().to_lowercase();
        if name.is_empty() || report_only(&name) {
            continue;
        }
        match COLUMNS.iter().find(|c| c.name == name) {
            Some(column) => {
                if let Some(first) = indices.insert(column.name, index) {
                    return Err(format!(
                        "the column `{}` is in the header twice (columns {} and {}); keep one",
                        column.name,
                        first + 1,
                        index + 1
                    ));
                }
            }
            None if unknown.iter().any(|(n, _)| *n == name) => {}
            None => {
                let suggestion = closest(&name, COLUMNS.iter().map(|c| c.name));
                unknown.push((name, suggestion));
            }
        }
    }
    if !indices.contains_key("id") {
        // Without it, the first row is likely data, so no header name is repeated.
        return Err(
            "no `id` column: the first row must name the columns, `id` among them \
                    (README, \"Importing an intake spreadsheet\")"
                .into(),
        );
    }
    Ok((indices, unknown))
}

/// A row's cells, by column name.
struct Cells<'a> {
    record: &'a csv::StringRecord,
    indices: &'a HashMap<&'static str, usize>,
}

impl Cells<'_> {
    /// Returns a column's cell, trimmed; an empty cell, or a column the sheet lacks, is
    /// not given.
    fn get(&self, name: &str) -> Option<&str> {
        let index = *self.indices.get(name)?;
        Some(self.record.get(index)?.trim()).filter(|cell| !cell.is_empty())
    }
}

/// Makes one row's case file: every column's cell into its field, then the whole loaded
/// as a case file is, each problem placed at its column.
fn read_row(cells: &Cells, today: Date) -> Result<NewCase, Vec<RowProblem>> {
    let mut case = Mapping::new();
    let mut problems = Vec::new();
    for column in COLUMNS {
        match value(column.kind, cells.get(column.name), today) {
            Ok(Some(value)) => insert(&mut case, column.field, value),
            Ok(None) => {}
            Err(message) => problems.push(RowProblem::new(column, message)),
        }
    }
    let yaml = serde_yaml::to_string(&Value::Mapping(case))
        .expect("a mapping of text, numbers and lists serializes");
    if let Err(error) = Case::parse(Path::new("case.yaml"), &yaml) {
        // A cell already reported was left out, and its field is not reported again.
        let reported: Vec<String> = problems.iter().filter_map(|p| p.field.clone()).collect();
        let messages = std::iter::once(error.message).chain(error.more.into_iter().map(|m| m.1));
        for message in messages {
            let problem = place(&message);
            let again = problem
                .field
                .as_deref()
                .is_some_and(|field| reported.iter().any(|r| within(field, r)));
            if !again {
                problems.push(problem);
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(NewCase {
        id: cells.get("id").unwrap_or_default().to_owned(),
        yaml,
    })
}

/// Turns a cell into a field's value: `None` leaves the field out. An error says what
/// the cell should hold, never what it holds.
fn value(kind: Kind, cell: Option<&str>, today: Date) -> Result<Option<Value>, String> {
    let Some(cell) = cell else {
        return match kind {
            Kind::Id => {
                Err("missing: every row needs the case's id, which names its folder".into())
            }
            Kind::Required => Ok(Some(Value::String(String::new()))),
            Kind::DateOrToday => Ok(Some(Value::String(today.to_string()))),
            _ => Ok(None),
        };
    };
    let value = match kind {
        Kind::Id | Kind::Text | Kind::Required | Kind::Choice => Value::String(cell.to_owned()),
        Kind::Date | Kind::DateOrToday => Value::String(Date::parse(cell)?.to_string()),
        Kind::Whole => cell
            .parse::<u32>()
            .map(Value::from)
            .map_err(|_| "expected a whole number, e.g. 6")?,
        Kind::YesNo => match cell.to_lowercase().as_str() {
            "yes" | "true" => Value::Bool(true),
            "no" | "false" => Value::Bool(false),
            _ => return Err("expected yes or no".into()),
        },
        Kind::List => Value::Sequence(items(cell).map(Value::from).collect()),
        Kind::Diagnoses => Value::Sequence(
            items(cell)
                .map(|item| {
                    let (code, description) =
                        item.split_once(char::is_whitespace).unwrap_or((item, ""));
                    let mut diagnosis = Mapping::new();
                    diagnosis.insert("code".into(), code.into());
                    diagnosis.insert("description".into(), description.trim().into());
                    Value::Mapping(diagnosis)
                })
                .collect(),
        ),
    };
    Ok(Some(value))
}

/// Splits a list cell at `;`, dropping empty items.
fn items(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(';')
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// Puts a value at a field path, making the mappings on the way.
fn insert(mapping: &mut Mapping, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            mapping.insert(path.into(), value);
        }
        Some((head, rest)) => {
            let inner = mapping
                .entry(head.into())
                .or_insert_with(|| Value::Mapping(Mapping::new()));
            if let Value::Mapping(inner) = inner {
                insert(inner, rest, value);
            }
        }
    }
}

/// Places a message of the case validation (`insurer.plan_type: not one of ...`,
/// `patient: missing `name``) at its field and the column that fed it.
fn place(message: &str) -> RowProblem {
    let (path, rest) = match message.split_once(": ") {
        Some((path, rest)) if is_field_path(path) => (Some(path), rest),
        _ => (None, message),
    };
    let missing = rest
        .strip_prefix("missing `")
        .and_then(|after| after.split_once('`'));
    let (field, message) = match (missing, path) {
        (Some((name, _)), Some(path)) => (
            Some(format!("{path}.{name}")),
            "missing: the case file requires it".to_owned(),
        ),
        (Some((name, _)), None) => (
            Some(name.to_owned()),
            "missing: the case file requires it".to_owned(),
        ),
        (None, path) => (path.map(str::to_owned), rest.to_owned()),
    };
    let column = field.as_deref().and_then(|field| {
        COLUMNS
            .iter()
            .filter(|c| within(field, c.field))
            .max_by_key(|c| c.field.len())
            .map(|c| c.name)
    });
    RowProblem {
        column,
        field,
        message,
    }
}

/// Returns whether a field path is `outer` or lies inside it (`diagnoses[0].code` in
/// `diagnoses`).
fn within(field: &str, outer: &str) -> bool {
    field
        .strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// Returns whether text is a field path as validation messages begin with one.
fn is_field_path(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
}

/// Returns the columns as a Markdown table, for the README (a test keeps it current).
#[cfg(test)]
pub(crate) fn columns_markdown() -> String {
    let mut table = String::from("| column | case field | cell |\n|---|---|---|\n");
    for column in COLUMNS {
        table.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            column.name,
            column.field,
            column.kind.words()
        ));
    }
    table
}

/// Runs `import`: reads the spreadsheet, writes `CASES/ID/case.yaml` for each good row
/// (never over a file or folder that exists), and reports every other row.
pub fn run(args: &ImportArgs) -> Result<Exit> {
    let text = read_spreadsheet(&args.file)?;
    let taken: HashSet<String> = if args.dir.is_dir() {
        load::load_all(&args.dir)?
            .into_iter()
            .filter_map(|loaded| loaded.id)
            .collect()
    } else {
        HashSet::new()
    };
    let file = args.file.display().to_string();
    let sheet = read_sheet(&text, Date::today(), &taken).map_err(|e| anyhow!("{file}: {e}"))?;
    for (name, suggestion) in &sheet.unknown_columns {
        let hint = match suggestion {
            Some(known) => format!("did you mean `{known}`?"),
            None => "the README lists the columns".to_owned(),
        };
        warn(&format!(
            "warning: {file}:1: unknown column `{name}` is ignored; {hint}"
        ))?;
    }
    let (mut written, mut bad) = (0, 0);
    for row in &sheet.rows {
        let problems = match &row.outcome {
            Ok(case) => match write_case(&args.dir, case)? {
                Ok(path) => {
                    print(&format!("wrote {}\n", path.display()))?;
                    written += 1;
                    continue;
                }
                Err(problem) => vec![problem],
            },
            Err(problems) => problems.clone(),
        };
        bad += 1;
        for problem in problems {
            warn(&problem.display(&file, row.line))?;
        }
    }
    let rows = sheet.rows.len();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut total = format!("imported {written} of {}", plural(rows, "row", "rows"));
    if bad > 0 {
        total.push_str(&format!(
            "; {}",
            plural(bad, "row has problems", "rows have problems")
        ));
    }
    print(&format!("{total}\n"))?;
    Ok(if bad == 0 { Exit::Ok } else { Exit::Findings })
}

/// Reads the spreadsheet within the size cap; errors name the path.
fn read_spreadsheet(path: &Path) -> Result<String> {
    let bytes = fsutil::read_regular(path, MAX_CSV_BYTES).map_err(|e| match e {
        ReadError::TooLarge(limit) => anyhow!(
            "the spreadsheet {} is larger than {}; split it (at most {MAX_ROWS} rows a file)",
            path.display(),
            fsutil::size(limit)
        ),
        e => anyhow!(e).context(format!("cannot read the spreadsheet {}", path.display())),
    })?;
    String::from_utf8(bytes).map_err(|_| {
        anyhow!(
            "the spreadsheet {} is not UTF-8 text; save it as \"CSV UTF-8\"",
            path.display()
        )
    })
}

/// Writes a row's case file in a folder of its own, made here: a folder that exists
/// already makes the row a bad one. An error of the file system ends the run.
fn write_case(dir: &Path, case: &NewCase) -> Result<Result<PathBuf, RowProblem>> {
    let folder = dir.join(&case.id);
    let text = format!("{}\n{HEADER}{}", schema_modeline(&folder), case.yaml);
    if text.len() as u64 > MAX_CASE_BYTES {
        return Ok(Err(RowProblem {
            column: None,
            field: None,
            message: format!(
                "the case file would be larger than {}, the most a case file may be",
                fsutil::size(MAX_CASE_BYTES)
            ),
        }));
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

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: &str = "2026-11-26";

    fn today() -> Date {
        Date::parse(TODAY).unwrap()
    }

    fn sheet(text: &str) -> Sheet {
        read_sheet(text, today(), &HashSet::new()).unwrap()
    }

    fn problems(row: &Row) -> &[RowProblem] {
        row.outcome.as_ref().map_or_else(|p| p.as_slice(), |_| &[])
    }

    fn case(row: &Row) -> Case {
        let new = row.outcome.as_ref().unwrap_or_else(|p| panic!("{p:?}"));
        Case::parse(Path::new("case.yaml"), &new.yaml).unwrap()
    }

    const GOOD: &str = "\
ID , Stage,plan_type,patient_name,patient_date_of_birth,insurer_name,provider_npi,diagnoses,treatment,codes,sessions,urgent,denial_date,evidence
KET-1,internal-appeal,employer-self-funded,Ann Example,1986-02-03,Example Health,1234567893,F33.2 Major depressive disorder; F41.1,IV ketamine,96365;96366; J3490,6,yes,2026-11-10,murrough-2013;anand-2023
";

    #[test]
    fn a_good_row_becomes_a_case_file() {
        let sheet = sheet(GOOD);
        assert!(sheet.unknown_columns.is_empty());
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].line, 2);
        let case = case(&sheet.rows[0]);
        assert_eq!(case.id, "KET-1");
        assert_eq!(case.stage.as_str(), "internal-appeal");
        assert_eq!(
            case.insurer.plan_type.map(|p| p.as_str()),
            Some("employer-self-funded")
        );
        assert_eq!(case.prepared_on.to_string(), TODAY);
        assert_eq!(case.patient.name, "Ann Example");
        assert_eq!(case.provider.npi.unwrap().as_str(), "1234567893");
        let diagnoses: Vec<_> = case
            .diagnoses
            .iter()
            .map(|d| (d.code.as_str(), d.description.as_str()))
            .collect();
        assert_eq!(
            diagnoses,
            [("F33.2", "Major depressive disorder"), ("F41.1", "")]
        );
        let codes: Vec<_> = case.request.codes.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes, ["96365", "96366", "J3490"]);
        assert_eq!(case.request.sessions, Some(6));
        let denial = case.denial.unwrap();
        assert!(denial.urgent);
        assert_eq!(denial.date.unwrap().to_string(), "2026-11-10");
        assert_eq!(case.evidence, ["murrough-2013", "anand-2023"]);
    }

    #[test]
    fn missing_required_text_is_written_empty_for_check_to_list() {
        let sheet = sheet("id,stage\nKET-2,prior-authorization\n");
        let case = case(&sheet.rows[0]);
        assert_eq!(case.patient.name, "");
        assert_eq!(case.insurer.name, "");
        assert_eq!(case.provider.name, "");
        assert_eq!(case.request.treatment, "");
        assert!(case.denial.is_none());
        assert!(case.insurer.plan_type.is_none());
    }

    #[test]
    fn cells_never_become_yaml_source() {
        let sheet =
            sheet("id,stage,notes,patient_name\nKET-3,internal-appeal,\"a: b\n- c\",*alias\n");
        let case = case(&sheet.rows[0]);
        assert_eq!(case.notes.as_deref(), Some("a: b\n- c"));
        assert_eq!(case.patient.name, "*alias");
    }

    #[test]
    fn problems_are_placed_at_their_column_and_never_quote_a_cell() {
        let marker = "Zyxwvu";
        let text = format!(
            "id,stage,patient_date_of_birth,sessions,urgent,plan_type,denial_reason\n\
             KET-4,{marker}-appeal,19{marker},six{marker},{marker},{marker},{marker}\n"
        );
        let sheet = sheet(&text);
        let problems = problems(&sheet.rows[0]);
        let at: Vec<_> = problems
            .iter()
            .map(|p| (p.column.unwrap(), p.field.as_deref().unwrap()))
            .collect();
        for expected in [
            ("stage", "stage"),
            ("patient_date_of_birth", "patient.date_of_birth"),
            ("sessions", "request.sessions"),
            ("urgent", "denial.urgent"),
            ("plan_type", "insurer.plan_type"),
            ("denial_reason", "denial.reason"),
        ] {
            assert!(at.contains(&expected), "{expected:?} not in {at:?}");
        }
        for problem in problems {
            let shown = problem.display("in.csv", 2);
            assert!(
                !shown.to_lowercase().contains(&marker.to_lowercase()),
                "{shown}"
            );
        }
        let date = problems
            .iter()
            .find(|p| p.column == Some("patient_date_of_birth"))
            .unwrap();
        assert_eq!(
            date.display("in.csv", 2),
            "in.csv:2:patient_date_of_birth: field patient.date_of_birth: not a valid date \
             (YYYY-MM-DD, e.g. 2026-11-20)"
        );
    }

    #[test]
    fn a_missing_stage_is_placed_at_its_column_once() {
        let sheet = sheet("id,prepared_on\nKET-5,20-11-2026\n");
        let problems = problems(&sheet.rows[0]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].column, Some("stage"));
        assert_eq!(problems[0].message, "missing: the case file requires it");
        assert_eq!(problems[1].column, Some("prepared_on"));
    }

    #[test]
    fn ids_are_required_unique_and_not_taken() {
        let taken: HashSet<String> = ["KET-OLD".to_owned()].into();
        let text = "id,stage\n,internal-appeal\nKET-6,internal-appeal\nKET-6,internal-appeal\nKET-OLD,internal-appeal\nbad/id,internal-appeal\n";
        let sheet = read_sheet(text, today(), &taken).unwrap();
        let rows = &sheet.rows;
        assert_eq!(rows.len(), 5);
        assert_eq!(
            problems(&rows[0])[0].message.split(':').next(),
            Some("missing")
        );
        assert!(rows[1].outcome.is_ok());
        assert!(problems(&rows[2])[0].message.contains("same id as row 3"));
        assert!(
            problems(&rows[3])[0]
                .message
                .contains("already has this id")
        );
        assert_eq!(problems(&rows[4])[0].column, Some("id"));
        for row in [&rows[0], &rows[2], &rows[3], &rows[4]] {
            assert!(
                problems(row).iter().all(|p| p.column == Some("id")),
                "{row:?}"
            );
        }
    }

    #[test]
    fn header_names_are_trimmed_caseless_and_unknown_ones_named_once() {
        let text = "Id,STAGE , patiet_name,status,phase,days_left,blockers,colour,colour\n\
                    KET-7,internal-appeal,x,ready,,3,,,\n";
        let sheet = sheet(text);
        assert_eq!(
            sheet.unknown_columns,
            [
                ("patiet_name".to_owned(), Some("patient_name")),
                ("colour".to_owned(), None)
            ]
        );
        assert!(sheet.rows[0].outcome.is_ok());
    }

    #[test]
    fn whole_file_errors() {
        let none = HashSet::new();
        let error = read_sheet("Ann Example,1986-02-03\n", today(), &none).unwrap_err();
        assert!(error.starts_with("no `id` column"), "{error}");
        assert!(!error.contains("Ann"), "{error}");
        let error = read_sheet("id,stage,ID\n", today(), &none).unwrap_err();
        assert!(error.contains("`id` is in the header twice"), "{error}");
        assert!(read_sheet("", today(), &none).is_err());
        let mut big = String::from("id\n");
        for i in 0..=MAX_ROWS {
            big.push_str(&format!("K-{i}\n"));
        }
        let error = read_sheet(&big, today(), &none).unwrap_err();
        assert!(error.contains("more than 10000 rows"), "{error}");
    }

    #[test]
    fn empty_rows_are_skipped_and_lines_counted_as_in_the_file() {
        let sheet = sheet(
            "\u{feff}id,stage,notes\n,,\nKET-8,internal-appeal,\"two\nlines\"\nKET-9,internal-appeal,\n",
        );
        let lines: Vec<_> = sheet.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 5]);
    }

    #[test]
    fn a_row_wider_than_the_header_is_bad() {
        let sheet = sheet("id,stage\nKET-10,internal-appeal,PO Box 1\n");
        let problems = problems(&sheet.rows[0]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("in quotes"), "{problems:?}");
        assert!(!problems[0].message.contains("PO Box"));
    }

    #[test]
    fn every_column_names_a_field_of_the_case_file() {
        // A row with every column filled in loads: no column names a field that is not there.
        let names: Vec<_> = COLUMNS.iter().map(|c| c.name).collect();
        let cells: Vec<&str> = COLUMNS
            .iter()
            .map(|c| match (c.name, c.kind) {
                ("stage", _) => "internal-appeal",
                ("plan_type", _) => "medicare",
                ("denial_reason", _) => "other",
                ("filed_by", _) => "patient",
                ("owner", _) => "JA",
                (_, Kind::Date | Kind::DateOrToday) => "2026-11-01",
                (_, Kind::Whole) => "3",
                (_, Kind::YesNo) => "no",
                _ => "X1",
            })
            .collect();
        let text = format!("{}\n{}\n", names.join(","), cells.join(","));
        let sheet = sheet(&text);
        case(&sheet.rows[0]);
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "a column is listed twice");
        // cases.csv shares exactly these columns with an intake sheet.
        let shared: Vec<&str> = CSV_HEADER.into_iter().filter(|n| !report_only(n)).collect();
        assert_eq!(
            shared,
            [
                "id",
                "owner",
                "insurer_name",
                "plan_type",
                "stage",
                "denial_date"
            ]
        );
    }

    #[test]
    fn a_cases_csv_imports_back_with_every_shared_column() {
        use crate::model::case::{Phase, PlanType, Stage};
        use crate::outcome::{CaseOutcome, Status, Summary};
        let mut outcome = CaseOutcome::invalid("KET-9/case.yaml".into(), String::new());
        outcome.id = Some("KET-9".into());
        outcome.status = Status::NeedsWork;
        outcome.error = None;
        outcome.phase = Some(Phase::Preparing);
        outcome.stage = Some(Stage::SecondLevelAppeal);
        outcome.plan_type = Some(PlanType::MedicareAdvantage);
        outcome.owner = Some("JA".into());
        outcome.insurer = Some("Example Health, Inc.".into());
        outcome.denial_date = Date::parse("2026-10-01").ok();
        outcome.next_step = Some("add the denial notice".into());
        let today = Date::parse(TODAY).unwrap();
        let csv = crate::report::cases_csv(&Summary::new(today, vec![outcome]));
        let sheet = sheet(&csv);
        assert!(
            sheet.unknown_columns.is_empty(),
            "{:?}",
            sheet.unknown_columns
        );
        let case = case(&sheet.rows[0]);
        assert_eq!(case.id, "KET-9");
        assert_eq!(case.owner.as_deref(), Some("JA"));
        assert_eq!(case.insurer.name, "Example Health, Inc.");
        assert_eq!(case.insurer.plan_type, Some(PlanType::MedicareAdvantage));
        assert_eq!(case.stage, Stage::SecondLevelAppeal);
        assert_eq!(
            case.denial.and_then(|d| d.date).map(|d| d.to_string()),
            Some("2026-10-01".to_owned())
        );
    }

    #[test]
    fn the_readme_lists_the_columns() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        assert!(
            readme.contains(&columns_markdown()),
            "README.md's column table is stale; paste in:\n{}",
            columns_markdown()
        );
    }
}
