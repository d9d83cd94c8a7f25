//! The intake spreadsheet: a sheet saved as CSV with one row per case, read into case
//! files (`import` writes them, or with `--update` sets their fields in the case files
//! that exist).
//!
//! [`COLUMNS`] is the one list of the columns: each names the case field it fills and what
//! its cells hold; [`ALIASES`] the other headers a sheet may use for them. The README's
//! tables are generated from both (a test fails when they are stale). The file is read as
//! a spreadsheet saves it: UTF-8 with or without a byte-order mark, or Excel's
//! Windows-1252 ([`decode`]); CRLF or LF; strictly quoted ([`parse_csv`]), so a stray
//! double quote refuses the file rather than swallowing the rows after it. Rows are
//! numbered as the spreadsheet shows them (the header is row 1, a cell over several
//! lines is one row). [`read_sheet`] is the pure part: CSV text in; out, for each row, the
//! case file's YAML and the fields its cells give, or its problems. The YAML is built as
//! a serde_yaml mapping, never by pasting cells into YAML source, and loaded as a case
//! file is (`Case::parse`) before anything is written; each problem is placed back at the
//! column that fed its field. No message quotes a cell or a header: cells are patient
//! health data, and a header may be one pasted in by mistake.
//!
//! `columns.rs` holds the column table, the aliases and the header matching; `csv.rs`
//! the encodings and the strict CSV reader; this file the rows to case files.

mod columns;
mod csv;

pub(crate) use columns::*;
pub(crate) use csv::Encoding;
pub(crate) use csv::*;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_yaml::{Mapping, Value};

use crate::model::case::{Case, id_key};
use crate::model::fields::Date;
use crate::model::validate::{Problem, ProblemKind, allowed_values, closest};

/// The largest spreadsheet `import` reads: ten thousand rows of a few hundred bytes each
/// fit many times over.
pub(crate) const MAX_CSV_BYTES: u64 = 16 * 1024 * 1024;

/// The most rows `import` takes from one file; a larger intake is split.
pub(crate) const MAX_ROWS: usize = 10_000;

/// The stage of a case whose row gives none, as `new` writes it.
const DEFAULT_STAGE: &str = "internal-appeal";

/// Why a whole file is not imported: each line one problem, none quoting a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileError(pub Vec<String>);

impl FileError {
    fn one(message: impl Into<String>) -> FileError {
        FileError(vec![message.into()])
    }
}

/// What was read from a spreadsheet.
#[derive(Debug)]
pub(crate) struct Sheet {
    /// Header cells that name no column, each as its column letter, with the known
    /// column most like it.
    pub unknown_columns: Vec<(String, Option<&'static str>)>,
    /// Where each known column is in the header.
    pub indices: HashMap<&'static str, usize>,
    /// Every row that has a cell, in order.
    pub rows: Vec<Row>,
    /// The columns with cells that are not dates, each with their rows: one line each
    /// says how to format the column.
    pub bad_dates: BTreeMap<usize, (&'static str, Vec<u64>)>,
}

/// One row of the spreadsheet.
#[derive(Debug)]
pub(crate) struct Row {
    /// The spreadsheet's row number (the header is row 1).
    pub row: u64,
    /// The case id, where the row has one.
    pub id: Option<String>,
    /// The case file to write, or why the row is not imported.
    pub outcome: Result<NewCase, Vec<RowProblem>>,
    /// What the row imports with, but should be checked: values Excel may have mangled.
    pub warnings: Vec<RowProblem>,
}

/// A case file made from a row, validated.
#[derive(Debug)]
pub(crate) struct NewCase {
    /// The case id, which names its folder.
    pub id: String,
    /// The case file's YAML, without the modeline.
    pub yaml: String,
    /// The fields the row's cells give (none for an empty cell), for `--update`.
    pub given: Vec<(&'static Column, Value)>,
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
    pub(crate) fn new(column: &Column, message: impl Into<String>) -> RowProblem {
        RowProblem {
            column: Some(column.name),
            field: Some(column.field.to_owned()),
            message: message.into(),
        }
    }

    pub(crate) fn whole_row(message: impl Into<String>) -> RowProblem {
        RowProblem {
            column: None,
            field: None,
            message: message.into(),
        }
    }
}

impl Sheet {
    /// Writes a problem as `column C patient_date_of_birth (field patient.date_of_birth):
    /// message`, the column by its letter and its name in the table (never the sheet's
    /// header cell).
    pub(crate) fn describe(&self, problem: &RowProblem) -> String {
        let mut text = String::new();
        if let Some(column) = problem.column {
            match self.indices.get(column) {
                Some(&index) => {
                    text.push_str(&format!("column {} {column}", column_letter(index)));
                }
                None => text.push_str(&format!("{column} (a column the sheet does not have)")),
            }
        }
        if let Some(field) = &problem.field {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&format!("(field {field})"));
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&problem.message);
        text
    }

    /// Writes a row as messages name it: `row 5 (KET-12)`.
    pub(crate) fn row_name(row: &Row) -> String {
        match &row.id {
            Some(id) => format!("row {} ({id})", row.row),
            None => format!("row {} (no id)", row.row),
        }
    }
}

/// Reads a spreadsheet's CSV text: the header row names the columns, and every other row
/// that has a cell becomes a case file's YAML or its problems. An error is about the
/// whole file (not strictly quoted CSV, no `id` column, a column twice, too many rows),
/// and then no row is to be written; it never quotes a cell.
pub(crate) fn read_sheet(text: &str, today: Date) -> Result<Sheet, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (records, problems) = parse_csv(text);
    if !problems.is_empty() {
        let mut lines: Vec<String> = problems
            .iter()
            .map(|p| {
                format!(
                    "row {}, column {}: {}",
                    p.row,
                    column_letter(p.cell),
                    p.message
                )
            })
            .collect();
        lines.push(
            "nothing was imported: a double quote must open and close a whole cell (Excel \
             writes them so); fix these cells in the spreadsheet and save it as CSV again"
                .into(),
        );
        return Err(FileError(lines));
    }
    // Every line of the file is a row or part of a cell that spans lines: anything else
    // means the file was not read as written.
    let breaks_in_cells: usize = records
        .iter()
        .flat_map(|r| &r.cells)
        .map(|c| c.matches('\n').count())
        .sum();
    let lines = count_lines(text);
    if records.len() + breaks_in_cells != lines {
        return Err(FileError::one(format!(
            "the file has {lines} lines but {} rows and {breaks_in_cells} line breaks inside \
             cells were read; nothing was imported",
            records.len()
        )));
    }
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Err(FileError::one(
            "the file is empty; its first row names the columns",
        ));
    };
    let (indices, unknown_columns) = read_header(&header.cells)?;
    let records: Vec<Record> = records
        .filter(|r| r.cells.iter().any(|cell| !cell.trim().is_empty()))
        .collect();
    if records.len() > MAX_ROWS {
        return Err(FileError::one(format!(
            "more than {MAX_ROWS} rows; split the spreadsheet and import each part"
        )));
    }
    // A stray quote that is closed rows later reads as one cell holding those rows.
    let width = header.cells.len();
    for record in &records {
        for (index, cell) in record.cells.iter().enumerate() {
            let swallowed = width >= 3
                && cell
                    .split('\n')
                    .skip(1)
                    .any(|line| line.matches(',').count() + 1 >= width);
            if swallowed {
                return Err(FileError(vec![
                    format!(
                        "row {}, column {}: a cell holds lines that look like rows of the \
                         sheet: a stray double quote?",
                        record.row,
                        column_letter(index)
                    ),
                    "nothing was imported; fix the cell in the spreadsheet and save it as CSV \
                     again"
                        .into(),
                ]));
            }
        }
    }
    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut bad_dates: BTreeMap<usize, (&'static str, Vec<u64>)> = BTreeMap::new();
    for record in &records {
        let cells = Cells {
            record,
            indices: &indices,
        };
        let (mut outcome, mut warnings, dates) = read_row(&cells, today);
        for column in dates {
            if let Some(&index) = indices.get(column) {
                bad_dates
                    .entry(index)
                    .or_insert((column, Vec::new()))
                    .1
                    .push(record.row);
            }
        }
        if width < record.cells.len() {
            problems_of(&mut outcome).push(RowProblem::whole_row(format!(
                "the row has {} cells and the header {} columns; put a cell that holds a \
                 comma in quotes",
                record.cells.len(),
                width
            )));
        }
        let id = cells.get("id").map(str::to_owned);
        if let Some(id) = &id {
            // Ids equal ignoring case are one case on a case-insensitive disk.
            if let Some(first) = seen.get(&id_key(id)) {
                problems_of(&mut outcome).push(RowProblem::new(
                    id_column(),
                    format!("the same id as row {first}; each case needs an id of its own"),
                ));
            } else {
                seen.insert(id_key(id), record.row);
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
        warnings.sort_by_key(|p| {
            p.column
                .and_then(|name| COLUMNS.iter().position(|c| c.name == name))
                .unwrap_or(COLUMNS.len())
        });
        rows.push(Row {
            row: record.row,
            id,
            outcome,
            warnings,
        });
    }
    lost_zeros(&mut rows, &records, &indices);
    Ok(Sheet {
        unknown_columns,
        indices,
        rows,
        bad_dates,
    })
}

/// Warns where an identifier column holds numbers of different lengths: Excel drops the
/// leading zeros of a number (group `00781` becomes `781`).
fn lost_zeros(rows: &mut [Row], records: &[Record], indices: &HashMap<&'static str, usize>) {
    for column in COLUMNS.iter().filter(|c| c.kind == Kind::Identifier) {
        let Some(&index) = indices.get(column.name) else {
            continue;
        };
        let digits = |record: &Record| {
            record
                .cells
                .get(index)
                .map(|c| c.trim())
                .filter(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit()))
                .map(str::len)
        };
        let Some(longest) = records.iter().filter_map(digits).max() else {
            continue;
        };
        for (row, record) in rows.iter_mut().zip(records) {
            if digits(record).is_some_and(|len| len < longest) {
                row.warnings.push(RowProblem::new(
                    column,
                    "shorter than the column's other numbers: Excel drops leading zeros; \
                     check it against the card or notice (format the column as Text)",
                ));
            }
        }
    }
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

/// Maps each known column to its index in the header, and lists the unknown cells by
/// their column letter.
type Header = (
    HashMap<&'static str, usize>,
    Vec<(String, Option<&'static str>)>,
);

/// Reads the header row: cells are matched as [`header_key`] writes them, directly or by
/// an alias; report columns and empty cells are passed over; a column given twice is an
/// error.
fn read_header(header: &[String]) -> Result<Header, FileError> {
    let mut indices = HashMap::new();
    let mut unknown = Vec::new();
    for (index, name) in header.iter().enumerate() {
        let key = header_key(name);
        if key.is_empty() || report_only(&key) {
            continue;
        }
        match column_of(name) {
            Some(column) => {
                if let Some(first) = indices.insert(column.name, index) {
                    return Err(FileError::one(format!(
                        "columns {} and {} of the header both name the column `{}`; keep one",
                        column_letter(first),
                        column_letter(index),
                        column.name
                    )));
                }
            }
            None => {
                let suggestion = closest(&key, COLUMNS.iter().map(|c| c.name));
                unknown.push((column_letter(index), suggestion));
            }
        }
    }
    if !indices.contains_key("id") {
        // Without it, the first row is likely data, so no header cell is repeated.
        let names: Vec<&str> = ALIASES
            .iter()
            .filter(|(_, c)| *c == "id")
            .map(|(a, _)| *a)
            .collect();
        return Err(FileError::one(format!(
            "no `id` column (nor {}): the first row must name the columns, the case id \
             among them (README, \"Importing an intake spreadsheet\"; `appealpack import \
             --template` prints an empty sheet)",
            names.join(", ")
        )));
    }
    Ok((indices, unknown))
}

/// A row's cells, by column name.
struct Cells<'a> {
    record: &'a Record,
    indices: &'a HashMap<&'static str, usize>,
}

impl Cells<'_> {
    /// Returns a column's cell, trimmed; an empty cell, or a column the sheet lacks, is
    /// not given.
    fn get(&self, name: &str) -> Option<&str> {
        let index = *self.indices.get(name)?;
        Some(self.record.cells.get(index)?.trim()).filter(|cell| !cell.is_empty())
    }
}

/// What one row gives: its case or problems, its warnings, and the columns whose cells
/// are not dates.
type RowRead = (
    Result<NewCase, Vec<RowProblem>>,
    Vec<RowProblem>,
    Vec<&'static str>,
);

/// Makes one row's case file: every column's cell into its field, then the whole loaded
/// as a case file is, each problem placed at its column.
fn read_row(cells: &Cells, today: Date) -> RowRead {
    let mut case = Mapping::new();
    let mut given = Vec::new();
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut dates = Vec::new();
    for column in COLUMNS {
        let cell = cells.get(column.name);
        if let Some(cell) = cell
            && column.kind == Kind::Identifier
            && scientific(cell)
        {
            warnings.push(RowProblem::new(
                column,
                "written in scientific notation, which loses digits (Excel does it to long \
                 numbers): format the column as Text and type it again",
            ));
        }
        let value = match cell {
            Some(cell) => value(column, cell),
            // An empty stage cell is left for the case validation to name; only a sheet
            // without the column gets the default.
            None if column.kind == Kind::Stage && cells.indices.contains_key(column.name) => {
                Ok(None)
            }
            None => Ok(default(column.kind, today)),
        };
        match value {
            Ok(Some(value)) => {
                if cell.is_some() && column.kind != Kind::Id {
                    given.push((column, value.clone()));
                }
                insert(&mut case, column.field, value);
            }
            Ok(None) => {}
            Err(CellError::Date(message)) => {
                dates.push(column.name);
                problems.push(RowProblem::new(column, message));
            }
            Err(CellError::Other(message)) => problems.push(RowProblem::new(column, message)),
        }
    }
    let yaml = serde_yaml::to_string(&Value::Mapping(case))
        .expect("a mapping of text, numbers and lists serializes");
    if let Err(error) = Case::parse(Path::new("case.yaml"), &yaml) {
        // A cell already reported was left out, and its field is not reported again.
        let reported: Vec<String> = problems.iter().filter_map(|p| p.field.clone()).collect();
        for problem in error.problems() {
            let problem = place(problem);
            let again = problem
                .field
                .as_deref()
                .is_some_and(|field| reported.iter().any(|r| within(field, r)));
            if !again {
                problems.push(problem);
            }
        }
    }
    if let Ok(case) = Case::parse(Path::new("case.yaml"), &yaml)
        && let Some(advice) = crate::checklist::appeal_levels_advice(&case)
    {
        warnings.push(RowProblem::new(column_named("appeal_levels"), advice));
    }
    if !problems.is_empty() {
        return (Err(problems), warnings, dates);
    }
    let new = NewCase {
        id: cells.get("id").unwrap_or_default().to_owned(),
        yaml,
        given,
    };
    (Ok(new), warnings, dates)
}

/// Returns whether a cell is a number in Excel's scientific notation (`1.23457E+11`).
fn scientific(cell: &str) -> bool {
    let Some((mantissa, exponent)) = cell.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.starts_with(|c: char| c.is_ascii_digit())
        && !exponent.is_empty()
        && exponent.chars().all(|c| c.is_ascii_digit())
}

/// Returns the value of a field whose cell is empty: `None` leaves the field out.
fn default(kind: Kind, today: Date) -> Option<Value> {
    match kind {
        Kind::Required => Some(Value::String(String::new())),
        Kind::DateOrToday => Some(Value::String(today.to_string())),
        Kind::Stage => Some(Value::String(DEFAULT_STAGE.into())),
        _ => None,
    }
}

/// Why a cell could not become its field's value.
enum CellError {
    /// Not a date, summarised per column.
    Date(String),
    /// Anything else.
    Other(String),
}

/// Turns a cell into a field's value. An error says what the cell should hold, never
/// what it holds.
fn value(column: &Column, cell: &str) -> Result<Option<Value>, CellError> {
    let other = |m: &str| CellError::Other(m.to_owned());
    let value = match column.kind {
        Kind::Id | Kind::Text | Kind::Identifier | Kind::Required => Value::String(cell.to_owned()),
        Kind::Choice | Kind::Stage => Value::String(choice(column.field, cell)?),
        Kind::Date | Kind::DateOrToday => {
            Value::String(sheet_date(cell).map_err(CellError::Date)?.to_string())
        }
        Kind::Whole => cell
            .parse::<u32>()
            .map(Value::from)
            .map_err(|_| other("expected a whole number, e.g. 6"))?,
        Kind::YesNo => match cell.to_lowercase().as_str() {
            "yes" | "y" | "true" => Value::Bool(true),
            "no" | "n" | "false" => Value::Bool(false),
            _ => return Err(other("expected yes or no")),
        },
        Kind::List => Value::Sequence(items(cell).map(Value::from).collect()),
        Kind::Choices => Value::Sequence(
            cell.split([';', ','])
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| choice(column.field, item).map(Value::from))
                .collect::<Result<_, _>>()?,
        ),
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

/// Matches a cell against the values a field allows, in any case, with spaces or `_`
/// for hyphens; an error lists them and the likeliest, never the cell.
fn choice(field: &str, cell: &str) -> Result<String, CellError> {
    let allowed = allowed_values(field);
    let wanted: String = cell
        .trim()
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if allowed.is_empty() || allowed.contains(&wanted) {
        return Ok(if allowed.is_empty() {
            cell.to_owned()
        } else {
            wanted
        });
    }
    let list = allowed
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = closest(&wanted, allowed.iter().map(String::as_str))
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default();
    Err(CellError::Other(format!(
        "not one of the allowed values: {list}{hint}"
    )))
}

/// Reads a date as a spreadsheet writes it: `M/D/YYYY` (US Excel) or `YYYY-MM-DD`.
fn sheet_date(cell: &str) -> Result<Date, String> {
    const HOW: &str = "not a date: write M/D/YYYY with a four-digit year (11/18/2026) or \
                       YYYY-MM-DD (2026-11-18)";
    let parts: Vec<&str> = cell.split('/').collect();
    if parts.len() != 3 {
        return Date::parse(cell).map_err(|_| HOW.to_owned());
    }
    if !parts
        .iter()
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(HOW.into());
    }
    if parts[2].len() != 4 {
        return Err(
            "a two-digit year, which could be either century: write the year in \
                    four digits (format the column as a date such as 3/14/2012)"
                .into(),
        );
    }
    let number = |p: &str| p.parse::<u32>().unwrap_or(0);
    let (month, day, year) = (number(parts[0]), number(parts[1]), number(parts[2]));
    Date::parse(&format!("{year:04}-{month:02}-{day:02}"))
        .map_err(|_| "not a day of the calendar (month/day/year)".to_owned())
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

/// Places a problem of the case validation at its field and the column that fed it, by
/// the problem's kind and field path.
fn place(problem: &Problem) -> RowProblem {
    let field = (!problem.path.is_empty()).then(|| problem.path.clone());
    let message = match problem.kind {
        ProblemKind::Missing => "missing: the case file requires it".to_owned(),
        _ => problem.detail.clone(),
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

/// Returns an existing case file's text with the fields a row gives set, every other line
/// kept; the problems name the row's columns.
pub(crate) fn updated_text(
    path: &Path,
    text: &str,
    given: &[(&'static Column, Value)],
) -> Result<String, Vec<RowProblem>> {
    let mut editor = crate::model::edit::Editor::new(text)
        .map_err(|e| vec![RowProblem::whole_row(format!("the case file: {e}"))])?;
    for (column, value) in given {
        let path: Vec<&str> = column.field.split('.').collect();
        editor
            .set(&path, value.clone())
            .map_err(|e| vec![RowProblem::new(column, e.0)])?;
    }
    let edited = editor
        .finish()
        .map_err(|e| vec![RowProblem::whole_row(format!("the case file: {e}"))])?;
    if let Err(error) = Case::parse(path, &edited) {
        return Err(error.problems().iter().map(place).collect());
    }
    Ok(edited)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::CSV_HEADER;

    const TODAY: &str = "2026-11-26";

    fn today() -> Date {
        Date::parse(TODAY).unwrap()
    }

    fn sheet(text: &str) -> Sheet {
        read_sheet(text, today()).unwrap()
    }

    fn problems(row: &Row) -> &[RowProblem] {
        row.outcome.as_ref().map_or_else(|p| p.as_slice(), |_| &[])
    }

    fn case(row: &Row) -> Case {
        let new = row.outcome.as_ref().unwrap_or_else(|p| panic!("{p:?}"));
        Case::parse(Path::new("case.yaml"), &new.yaml).unwrap()
    }

    const GOOD: &str = "\
ID , Stage,plan_type,patient_name,patient_date_of_birth,insurer_name,provider_npi,diagnoses,treatment,codes,sessions,urgent,denial_date,evidence,appeal_levels
KET-1,internal-appeal,employer-self-funded,Ann Example,1986-02-03,Example Health,1234567893,F33.2 Major depressive disorder; F41.1,IV ketamine,96365;96366; J3490,6,yes,11/10/2026,murrough-2013;anand-2023,1
";

    #[test]
    fn a_good_row_becomes_a_case_file() {
        let sheet = sheet(GOOD);
        assert!(sheet.unknown_columns.is_empty());
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].row, 2);
        assert!(sheet.rows[0].warnings.is_empty(), "{:?}", sheet.rows[0]);
        let case = case(&sheet.rows[0]);
        assert_eq!(case.id, "KET-1");
        assert_eq!(case.stage.as_str(), "internal-appeal");
        assert_eq!(
            case.insurer.plan_type.map(|p| p.as_str()),
            Some("employer-self-funded")
        );
        assert_eq!(case.insurer.appeal_levels, Some(1));
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
    fn missing_required_text_is_written_empty_and_the_stage_defaults() {
        let sheet = sheet("id,patient_name\nKET-2,\n");
        let case = case(&sheet.rows[0]);
        assert_eq!(case.stage.as_str(), "internal-appeal");
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
    fn values_match_in_any_case_with_spaces_and_suggest_near_misses() {
        let sheet = sheet(
            "id,stage,plan_type,sent_method,urgent,sent_on,decision_outcome,decision_date\n\
             KET-4,Internal Appeal,Medicaid Managed Care,Fax,Y,12/1/2026,DENIED,12/5/2026\n\
             KET-5,internal apeal,medicare,,n,,,\n",
        );
        let case = case(&sheet.rows[0]);
        assert_eq!(case.stage.as_str(), "internal-appeal");
        assert_eq!(
            case.insurer.plan_type.map(|p| p.as_str()),
            Some("medicaid-managed-care")
        );
        assert!(case.denial.unwrap().urgent);
        assert_eq!(case.submission.unwrap().sent_on.to_string(), "2026-12-01");
        assert_eq!(case.decision.unwrap().outcome.as_str(), "denied");
        let problems = problems(&sheet.rows[1]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .message
                .ends_with("did you mean `internal-appeal`?"),
            "{problems:?}"
        );
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
            let shown = sheet.describe(problem);
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
            sheet.describe(date),
            "column C patient_date_of_birth (field patient.date_of_birth): not a date: write \
             M/D/YYYY with a four-digit year (11/18/2026) or YYYY-MM-DD (2026-11-18)"
        );
        assert_eq!(sheet.bad_dates[&2], ("patient_date_of_birth", vec![2]));
    }

    #[test]
    fn us_dates_are_read_and_doubtful_ones_refused() {
        assert_eq!(sheet_date("1/2/2026").unwrap().to_string(), "2026-01-02");
        assert_eq!(sheet_date("11/18/2026").unwrap().to_string(), "2026-11-18");
        assert_eq!(sheet_date("2026-11-18").unwrap().to_string(), "2026-11-18");
        assert!(
            sheet_date("11/18/26")
                .unwrap_err()
                .contains("two-digit year")
        );
        assert!(sheet_date("2/30/2026").unwrap_err().contains("not a day"));
        assert!(sheet_date("18.11.2026").is_err());
    }

    #[test]
    fn ids_are_required_and_unique() {
        let text = "id,stage\n,internal-appeal\nKET-6,internal-appeal\nKET-6,internal-appeal\nbad/id,internal-appeal\n";
        let sheet = sheet(text);
        let rows = &sheet.rows;
        assert_eq!(rows.len(), 4);
        assert_eq!(problems(&rows[0])[0].column, Some("id"));
        assert!(rows[1].outcome.is_ok());
        assert!(problems(&rows[2])[0].message.contains("same id as row 3"));
        assert_eq!(problems(&rows[3])[0].column, Some("id"));
        assert_eq!(Sheet::row_name(&rows[2]), "row 4 (KET-6)");
        assert_eq!(Sheet::row_name(&rows[0]), "row 2 (no id)");
    }

    #[test]
    fn headers_are_matched_loosely_by_alias_and_unknown_ones_named_by_letter() {
        let text = "Case #,STAGE , Patient Name,DOB,Member ID,status,phase,days_left,blockers,Patiet Nmae,colour\n\
                    KET-7,internal-appeal,x,3/4/1980,0042,ready,,3,,,\n";
        let sheet = sheet(text);
        assert_eq!(
            sheet.unknown_columns,
            [
                ("J".to_owned(), Some("patient_name")),
                ("K".to_owned(), None)
            ]
        );
        let case = case(&sheet.rows[0]);
        assert_eq!(case.id, "KET-7");
        assert_eq!(case.patient.name, "x");
        assert_eq!(
            case.patient.date_of_birth.unwrap().to_string(),
            "1980-03-04"
        );
        assert_eq!(header_key(" Case #"), "case");
        assert_eq!(header_key("D.O.B."), "d_o_b");
    }

    #[test]
    fn whole_file_errors_never_quote_a_cell() {
        let error = read_sheet("Ann Example,1986-02-03\n", today()).unwrap_err();
        assert!(error.0[0].starts_with("no `id` column"), "{error:?}");
        assert!(!error.0[0].contains("Ann"), "{error:?}");
        let error = read_sheet("id,stage,Case ID\n", today()).unwrap_err();
        assert!(error.0[0].contains("columns A and C"), "{error:?}");
        assert!(read_sheet("", today()).is_err());
        let mut big = String::from("id\n");
        for i in 0..=MAX_ROWS {
            big.push_str(&format!("K-{i}\n"));
        }
        let error = read_sheet(&big, today()).unwrap_err();
        assert!(error.0[0].contains("more than 10000 rows"), "{error:?}");
    }

    #[test]
    fn a_stray_quote_refuses_the_whole_file() {
        // The quote opens a cell that swallows the next rows, then one closes it.
        let text = "id,stage,notes\nKET-1,internal-appeal,\"Call back\nKET-2,internal-appeal,x\nKET-3,internal-appeal,\"\"ok\"\n";
        let error = read_sheet(text, today()).unwrap_err();
        assert!(error.0[0].starts_with("row 2, column C"), "{error:?}");
        // A quote inside a cell, a quote left open, text after a closing quote.
        for text in [
            "id,notes\nKET-1,say \"Qzx\"\nKET-2,x\n",
            "id,notes\nKET-1,\"Qzx\nKET-2,x\n",
            "id,notes\nKET-1,\"Qzx\" Qzx\nKET-2,x\n",
        ] {
            let error = read_sheet(text, today()).unwrap_err();
            assert!(error.0[0].starts_with("row 2, column B"), "{error:?}");
            assert!(error.0.last().unwrap().starts_with("nothing was imported"));
            assert!(!error.0.concat().contains("Qzx"), "{error:?}");
        }
    }

    #[test]
    fn rows_are_numbered_as_the_spreadsheet_shows_them() {
        let sheet = sheet(
            "\u{feff}id,stage,notes\r\n,,\r\nKET-8,internal-appeal,\"two\r\nlines\"\r\nKET-9,internal-appeal,\r\n",
        );
        let rows: Vec<_> = sheet.rows.iter().map(|r| r.row).collect();
        assert_eq!(rows, [3, 4]);
        assert_eq!(case(&sheet.rows[0]).notes.as_deref(), Some("two\nlines"));
        let (records, problems) = parse_csv("a,b\r\"x\r\ny\",\"\"\"q\"\"\"");
        assert!(problems.is_empty());
        assert_eq!(records[1].cells, ["x\ny", "\"q\""]);
        assert_eq!(records[1].row, 2);
    }

    #[test]
    fn windows_1252_is_read_when_the_file_is_not_utf8() {
        let bytes = b"id,patient_name\r\nKET-1,Jos\xe9 Mu\xf1oz\r\n";
        let (text, note) = decode(bytes, None).unwrap();
        assert!(text.contains("José Muñoz"));
        assert!(note.is_some());
        let (text, note) = decode("\u{feff}id\nKET-1,Zoë\n".as_bytes(), None).unwrap();
        assert_eq!(text, "id\nKET-1,Zoë\n");
        assert!(note.is_none());
        assert!(decode(bytes, Some(Encoding::Utf8)).is_err());
        assert!(decode(&[0xFF, 0xFE, b'i', 0], None).is_err());
    }

    #[test]
    fn values_excel_mangles_get_a_warning() {
        let sheet =
            sheet("id,patient_member_id,group_number\nKET-1,1.23457E+11,00781\nKET-2,W123,781\n");
        assert!(sheet.rows.iter().all(|r| r.outcome.is_ok()));
        let columns =
            |row: &Row| -> Vec<&str> { row.warnings.iter().filter_map(|w| w.column).collect() };
        assert_eq!(columns(&sheet.rows[0]), ["patient_member_id"]);
        assert_eq!(columns(&sheet.rows[1]), ["group_number"]);
    }

    #[test]
    fn an_employer_row_without_appeal_levels_is_warned() {
        let sheet = sheet("id,plan_type\nKET-1,employer-fully-insured\nKET-2,medicare\n");
        assert_eq!(sheet.rows[0].warnings.len(), 1);
        assert_eq!(sheet.rows[0].warnings[0].column, Some("appeal_levels"));
        assert!(
            sheet.rows[0].warnings[0]
                .message
                .starts_with("find out from the plan document"),
            "{:?}",
            sheet.rows[0].warnings
        );
        assert!(sheet.rows[1].warnings.is_empty());
    }

    #[test]
    fn validation_problems_are_placed_by_their_kind_and_field_path() {
        let found = crate::model::validate::problems(
            "id: KET-1\npatient: { member_id: X }\ninsurer: { name: B, plan_type: aca }\n",
        );
        let placed: Vec<RowProblem> = found.iter().map(place).collect();
        let name = placed
            .iter()
            .find(|p| p.field.as_deref() == Some("patient.name"))
            .unwrap_or_else(|| panic!("{placed:?}"));
        assert_eq!(name.column, Some("patient_name"));
        assert_eq!(name.message, "missing: the case file requires it");
        let plan = placed
            .iter()
            .find(|p| p.field.as_deref() == Some("insurer.plan_type"))
            .unwrap_or_else(|| panic!("{placed:?}"));
        assert_eq!(plan.column, Some("plan_type"));
        assert!(plan.message.starts_with("not one of the allowed values"));
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
    fn an_update_sets_only_the_fields_the_row_gives() {
        let file = "# modeline\nid: KET-1   # the id\nstage: internal-appeal\nprepared_on: 2026-11-01\n\
                    patient:\n  name: Ann   # as on the card\ninsurer:\n  name: B\n  appeal_levels:  # ask\n\
                    provider: { name: C }\nrequest:\n  treatment: D\n# the end\n";
        let sheet =
            sheet("id,appeal_levels,patient_name,sent_on,sent_method\nKET-1,2,,12/1/2026,fax\n");
        let new = sheet.rows[0].outcome.as_ref().unwrap();
        let names: Vec<&str> = new.given.iter().map(|(c, _)| c.name).collect();
        assert_eq!(names, ["appeal_levels", "sent_on", "sent_method"]);
        let edited = updated_text(Path::new("case.yaml"), file, &new.given).unwrap();
        assert_eq!(
            edited,
            file.replace("appeal_levels:  # ask", "appeal_levels: 2  # ask")
                + "submission:\n  sent_on: 2026-12-01\n  method: fax\n"
        );
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
                ("denial_reasons", _) => "step therapy; other",
                ("filed_by", _) => "patient",
                ("sent_method", _) => "fax",
                ("decision_outcome", _) => "denied",
                ("owner", _) => "JA",
                (_, Kind::Date | Kind::DateOrToday) => "2026-11-01",
                (_, Kind::Whole) => "2",
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
        // Every alias names a column, and none is a column's own name.
        for (alias, column) in ALIASES {
            assert!(COLUMNS.iter().any(|c| c.name == *column), "{alias}");
            assert!(!COLUMNS.iter().any(|c| c.name == *alias), "{alias}");
            assert_eq!(header_key(alias), *alias);
        }
        // The template is a sheet with every column and no row.
        let template = read_sheet(&template_csv(), today()).unwrap();
        assert!(template.rows.is_empty() && template.unknown_columns.is_empty());
        assert_eq!(template.indices.len(), COLUMNS.len());
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
    fn the_readme_lists_the_columns_and_their_other_names() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        assert!(
            readme.contains(&columns_markdown()),
            "README.md's column table is stale; paste in:\n{}",
            columns_markdown()
        );
        assert!(
            readme.contains(&aliases_markdown()),
            "README.md's alias table is stale; paste in:\n{}",
            aliases_markdown()
        );
    }
}
