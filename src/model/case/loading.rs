//! Loading a case file: its text read within limits, parsed strictly, and every problem
//! reported with its place, in words that never quote a value; the case file's schema.

use std::fmt;
use std::path::{Path, PathBuf};

use super::*;
use crate::model::validate::{Problem, ProblemKind};

/// The longest Markdown field a packet prints in full: a reviewer reads minutes, not
/// hours, and a longer record belongs in an attached PDF. It also bounds the time and
/// memory Typst spends on one field.
pub(crate) const MAX_MARKDOWN_BYTES: usize = 64 * 1024;

/// The largest case file appealpack reads; a real case is a few KiB.
pub(crate) const MAX_CASE_BYTES: u64 = 4 * 1024 * 1024;

/// Why a case file could not be loaded: every problem of the file at once, each with its
/// kind, its field and its place where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The case file's path.
    pub file: PathBuf,
    /// The file's problems, the first leading; never empty.
    problems: Vec<Problem>,
}

impl LoadError {
    /// Makes the error of a problem with the file as a whole.
    fn new(file: &Path, message: impl Into<String>) -> LoadError {
        LoadError::of_problem(
            file,
            Problem::within(ProblemKind::Unreadable, "", None, message.into()),
        )
    }

    /// Makes the error of one problem.
    fn of_problem(file: &Path, problem: Problem) -> LoadError {
        LoadError {
            file: file.to_path_buf(),
            problems: vec![problem],
        }
    }

    /// Makes one error of a file's problems, the first leading.
    fn of_problems(file: &Path, problems: Vec<Problem>) -> Option<LoadError> {
        (!problems.is_empty()).then(|| LoadError {
            file: file.to_path_buf(),
            problems,
        })
    }

    /// Returns the 1-based line and column of the first problem, where known.
    pub fn location(&self) -> Option<(usize, usize)> {
        self.problems.first().and_then(|p| p.location)
    }

    /// Returns what is wrong first, with the field path where known.
    pub fn message(&self) -> &str {
        self.problems.first().map_or("", |p| p.message.as_str())
    }

    /// Returns every problem of the file, each with its kind and field path.
    pub(crate) fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Makes the error of a failed typed load, after finding its real cause.
    fn of_typed(file: &Path, text: &str, error: &serde_yaml::Error) -> LoadError {
        // The strict model stops at the first wrong type, before an alias bomb or deep
        // nesting would be expanded; a generic pass tells whether one is the real cause.
        match serde_yaml::from_str::<serde_yaml::Value>(text) {
            Err(limit) if is_limit(&limit) => LoadError::from_yaml(file, text, &limit),
            // It is YAML: the schema lists every problem at once, where it finds any
            // (it does not see the checks the typed load adds, such as date ranges).
            Ok(_) => LoadError::of_problems(file, crate::model::validate::problems(text))
                .unwrap_or_else(|| LoadError::from_yaml(file, text, error)),
            // A key written twice is a slip with a cause to name, at the second key.
            // Otherwise it is not YAML: the syntax error is the cause, though the typed
            // load may have stopped earlier at a field it did not like.
            Err(syntax) => crate::model::validate::duplicate_key(text)
                .and_then(|problem| LoadError::of_problems(file, vec![problem]))
                .unwrap_or_else(|| LoadError::from_yaml(file, text, &syntax)),
        }
    }

    fn from_yaml(file: &Path, text: &str, error: &serde_yaml::Error) -> LoadError {
        let mut message = error.to_string();
        let location = error.location().map(|l| (l.line(), l.column()));
        if let Some((line, column)) = location {
            let suffix = format!(" at line {line} column {column}");
            if let Some(at) = message.find(&suffix) {
                message.replace_range(at..at + suffix.len(), "");
            }
        }
        message = crate::model::yaml_error::plain(&message);
        // A tab where YAML wants spaces gives a scanner message that never says "tab".
        let tab = location
            .and_then(|(line, _)| text.lines().nth(line.saturating_sub(1)))
            .is_some_and(|l| l.contains('\t'));
        if tab && (message.contains("cannot start any token") || message.contains("tab")) {
            let line = location.map_or(0, |(line, _)| line);
            message = format!(
                "line {line} has a tab: YAML indents with spaces only; replace the tab with spaces"
            );
        }
        // Text with `: ` in it (`notes: She said: it helps`), or wrapped in Word's curly
        // quotes, which YAML does not take for quotes, reads as a second field on one line.
        if message.contains("mapping values are not allowed") {
            let line_text = location
                .and_then(|(line, _)| text.lines().nth(line.saturating_sub(1)))
                .unwrap_or("");
            message = colon_in_text(line_text);
        }
        // A line of text under a field that holds a `key: value` line (a letter opening
        // "To the reviewer: ...") makes YAML read a mapping and then stumble.
        if message.contains("could not find expected ':'") {
            message = format!(
                "{message}; for text over several lines, write `field: |` and indent the lines under it"
            );
        }
        if message == "recursion limit exceeded" {
            message = "nesting too deep (YAML recursion limit exceeded)".into();
        } else if message == "repetition limit exceeded" {
            message =
                "too many alias expansions (YAML repetition limit exceeded; an alias bomb?)".into();
        }
        // A typed load's message begins with the field path where serde_yaml knows one.
        LoadError::of_problem(
            file,
            Problem::of_message(ProblemKind::Invalid, location, message),
        )
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.file.display())?;
            if let Some((line, column)) = problem.location {
                write!(f, ":{line}:{column}")?;
            }
            write!(f, ": {}", problem.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

impl Case {
    /// Parses a case from YAML text; `file` only names the source in errors.
    pub fn parse(file: &Path, text: &str) -> Result<Case, LoadError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(LoadError::new(file, "empty case file"));
        }
        let case: Case = match serde_yaml::from_str(text) {
            Ok(case) => case,
            // A value chosen from a list may be typed as a person says it (`Fax`,
            // `Internal appeal`): read it as the allowed value it stands for.
            Err(e) => match crate::model::validate::forgive_choices(text) {
                Some(forgiven) => serde_yaml::from_str(&forgiven)
                    .map_err(|e| LoadError::of_typed(file, &forgiven, &e))?,
                None => return Err(LoadError::of_typed(file, text, &e)),
            },
        };
        if let Err(message) = validate_id(&case.id) {
            return Err(LoadError::of_problem(
                file,
                Problem::at(ProblemKind::BadId, "id", locate_key(text, "id"), message),
            ));
        }
        if case
            .request
            .sessions
            .is_some_and(|n| !(1..=MAX_SESSIONS).contains(&n))
        {
            return Err(LoadError::of_problem(
                file,
                Problem::at(
                    ProblemKind::OutOfRange,
                    "request.sessions",
                    locate_key(text, "request"),
                    format!("must be 1 to {MAX_SESSIONS}, the sessions this request asks for"),
                ),
            ));
        }
        let json = serde_json::to_value(&case).expect("a case serialises to JSON");
        let problems = crate::model::limits::check(&json, &case.markdown_fields());
        if let Some(error) = LoadError::of_problems(file, problems) {
            return Err(error);
        }
        Ok(case)
    }

    /// Reads and parses a case file, refusing huge, binary and non-UTF-8 files.
    pub fn from_file(file: &Path) -> Result<Case, LoadError> {
        let text = read_case_text(file)?;
        Case::parse(file, &text)
    }

    /// Returns every Markdown field that a packet prints, with its field path.
    pub(crate) fn markdown_fields(&self) -> Vec<(String, &str)> {
        let letter = self.letter_of_medical_necessity.as_ref();
        let mut fields: Vec<(String, Option<&str>)> = vec![
            (
                "letter_of_medical_necessity.draft".into(),
                letter.and_then(|l| l.draft.as_deref()),
            ),
            ("clinical_summary".into(), self.clinical_summary.as_deref()),
            (
                "patient_statement".into(),
                self.patient_statement.as_deref(),
            ),
            (
                "insurer.clinical_policy".into(),
                self.insurer.clinical_policy.as_deref(),
            ),
        ];
        for (i, t) in self.prior_treatments.iter().enumerate() {
            fields.push((format!("prior_treatments[{i}].notes"), t.notes.as_deref()));
        }
        for (i, t) in self.testimonials.iter().enumerate() {
            fields.push((format!("testimonials[{i}].text"), Some(&t.text)));
        }
        fields
            .into_iter()
            .filter_map(|(path, value)| Some((path, value?)))
            .collect()
    }

    /// Returns the diagnosis codes, upper-cased.
    pub(crate) fn diagnosis_codes(&self) -> impl Iterator<Item = &str> {
        self.diagnoses.iter().map(|d| d.code.as_str())
    }
}

/// Explains a `: ` inside unquoted text, naming the field the line starts with (a key is
/// the schema's, never the case's value).
fn colon_in_text(line: &str) -> String {
    let key = line
        .trim_start()
        .trim_start_matches("- ")
        .split(':')
        .next()
        .unwrap_or("")
        .trim();
    // A key is named only where it could be a field name, never the case's text.
    let key = if crate::model::validate::is_field_name(key) {
        key
    } else {
        "field"
    };
    let curly = line.contains(['\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}']);
    let cause = if curly {
        "it is in curly quotes (\u{201c} \u{201d}, as Word types them), which YAML does not read as quotes, \
         and it holds `: `"
    } else {
        "it holds `: `, which YAML reads as the start of another field"
    };
    format!(
        "the text after `{key}:` on this line is not read as text: {cause}; put the whole text \
         in straight double quotes: \"...\" (or write `{key}: |` and the text indented on the \
         lines under it)"
    )
}

/// The most sessions one request may ask for; a course of ketamine is 6 to 12, and a
/// larger number is a typo (or `4294967295`).
pub(crate) const MAX_SESSIONS: u32 = 100;

/// Returns whether a YAML error is one of serde_yaml's resource limits.
fn is_limit(error: &serde_yaml::Error) -> bool {
    let message = error.to_string();
    message.starts_with("recursion limit exceeded")
        || message.starts_with("repetition limit exceeded")
}

/// Reads a case file as UTF-8 text within the size cap; anything but a regular file is
/// refused without being opened.
pub(crate) fn read_case_text(file: &Path) -> Result<String, LoadError> {
    use crate::fsutil::{ReadError, read_regular};
    let bytes = read_regular(file, MAX_CASE_BYTES).map_err(|e| match e {
        ReadError::NotRegular => LoadError::new(file, "not a regular file"),
        ReadError::TooLarge(_) => LoadError::new(
            file,
            format!(
                "file is larger than {} MiB; a case file is a few KiB",
                MAX_CASE_BYTES / 1024 / 1024
            ),
        ),
        ReadError::Io(e) => LoadError::new(file, format!("cannot read: {e}")),
    })?;
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(LoadError::new(
            file,
            format!("binary data (NUL byte at offset {at}); a case file is YAML text"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        LoadError::new(
            file,
            format!("not UTF-8 text (invalid byte at offset {at}); save the case file as UTF-8"),
        )
    })
}

/// Returns the JSON Schema (draft-07) of the case file, pretty-printed with a final newline.
pub(crate) fn schema_json() -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<Case>();
    let mut json = serde_json::to_string_pretty(&schema).expect("schema serializes");
    json.push('\n');
    json
}

/// Finds the line and column of a top-level key, for errors found after parsing.
fn locate_key(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?;
        rest.trim_start().starts_with(':').then_some((i + 1, 1))
    })
}
