//! Every problem of a case file at once, in plain words: the parsed YAML is validated
//! against the case schema before the typed load, and each problem is placed at its line
//! and column.
//!
//! The typed load stops at its first error, so a case with five typos took five runs.
//! Here the schema (the one `appealpack schema` prints) is checked by jsonschema, each
//! error is worded for an advocate ("a list (lines starting with `- `)", never
//! "sequence"), and its place comes from a second, position-keeping read of the YAML
//! (yaml-rust2). As everywhere, a case's values are never quoted.

use std::collections::HashMap;
use std::sync::LazyLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError, Validator};
use serde_json::Value;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::case::schema_json;

/// What kind of problem a case file has, so that callers (`import`) choose by it, never
/// by a message's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProblemKind {
    /// A value of the wrong type.
    WrongType,
    /// A required field is absent; the problem's path names the absent field.
    Missing,
    /// A key the schema does not know; the path names the mapping that holds it.
    UnknownField,
    /// A value that is none of a choice field's allowed values.
    NotAllowed,
    /// A text that is not a date.
    NotADate,
    /// A number outside its range.
    OutOfRange,
    /// A key written twice in one mapping.
    DuplicateKey,
    /// A value a comma inside `{ }` cut short.
    CommaInFlow,
    /// A text over its limit, or the case's Markdown over its budget.
    TooLong,
    /// An id that cannot name an output folder.
    BadId,
    /// Any other value the schema or the typed load refuses at a field.
    Invalid,
    /// A file that is not case YAML at all: unreadable, empty, or not YAML.
    Unreadable,
}

/// One problem of a case file, as a value: its kind, the field it is about and its place,
/// with the message built from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// What kind of problem it is.
    pub kind: ProblemKind,
    /// The field the problem is about (`insurer.plan_type`, `diagnoses[0].code`; for a
    /// missing field the field itself), or empty for the file as a whole.
    pub path: String,
    /// 1-based line and column, where known.
    pub location: Option<(usize, usize)>,
    /// What is wrong, in the words after the field path.
    pub detail: String,
    /// The whole message as printed, with the field path.
    pub message: String,
}

impl Problem {
    /// Makes a problem whose message is the path, then what is wrong.
    pub(crate) fn at(
        kind: ProblemKind,
        path: &str,
        location: Option<(usize, usize)>,
        detail: String,
    ) -> Problem {
        Problem {
            kind,
            path: path.to_owned(),
            location,
            message: format!("{path}: {detail}"),
            detail,
        }
    }

    /// Makes a problem within a mapping, or of the whole file where the path is empty:
    /// its message starts with the path only where there is one.
    pub(crate) fn within(
        kind: ProblemKind,
        path: &str,
        location: Option<(usize, usize)>,
        detail: String,
    ) -> Problem {
        let message = if path.is_empty() {
            detail.clone()
        } else {
            format!("{path}: {detail}")
        };
        Problem {
            kind,
            path: path.to_owned(),
            location,
            detail,
            message,
        }
    }

    /// Makes the problem of a message that begins with a field path where it has one
    /// (`prior_treatments[0].started: ...`, as serde_yaml words a typed load's error).
    pub(crate) fn of_message(
        kind: ProblemKind,
        location: Option<(usize, usize)>,
        message: String,
    ) -> Problem {
        match message.split_once(": ") {
            Some((path, detail)) if is_field_path(path) => {
                Problem::at(kind, path, location, detail.to_owned())
            }
            _ => Problem::within(ProblemKind::Unreadable, "", location, message),
        }
    }
}

/// Returns whether text is a field path as messages begin with one (`diagnoses[0].code`).
fn is_field_path(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
}

/// The case schema, compiled once.
static VALIDATOR: LazyLock<Validator> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(&schema_json()).expect("the schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the case schema is valid")
});

/// Every property name the schema knows, for suggestions.
static FIELD_NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(&schema_json()).expect("the schema is JSON");
    let mut names = Vec::new();
    let mut pending = vec![&schema];
    while let Some(node) = pending.pop() {
        if let Some(map) = node.as_object() {
            if let Some(properties) = map.get("properties").and_then(Value::as_object) {
                names.extend(properties.keys().cloned());
            }
            pending.extend(map.values());
        } else if let Some(items) = node.as_array() {
            pending.extend(items);
        }
    }
    names.sort();
    names.dedup();
    names
});

/// The case schema as JSON, parsed once.
static SCHEMA: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(&schema_json()).expect("the schema is JSON"));

/// Returns the values a field of choices allows (`insurer.plan_type`), as the schema lists
/// them; empty for a field that is not a choice.
pub(crate) fn allowed_values(path: &str) -> Vec<String> {
    let root = &*SCHEMA;
    let resolve = |node: &'static Value| -> &'static Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(pointer) => root
                .pointer(pointer.trim_start_matches('#'))
                .unwrap_or(node),
            None => node,
        }
    };
    // The schemas a node stands for: itself, its reference, and its alternatives.
    fn branches(
        node: &'static Value,
        resolve: &dyn Fn(&'static Value) -> &'static Value,
    ) -> Vec<&'static Value> {
        let node = resolve(node);
        let mut out = vec![node];
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(items) = node.get(key).and_then(Value::as_array) {
                for item in items {
                    out.extend(branches(item, resolve));
                }
            }
        }
        out
    }
    let mut nodes = vec![root];
    for key in path.split('.') {
        nodes = nodes
            .into_iter()
            .flat_map(|n| branches(n, &resolve))
            .filter_map(|n| n.get("properties").and_then(|p| p.get(key)))
            .collect();
    }
    // A list of choices (`denial.reasons`) allows what its items allow.
    let items: Vec<&'static Value> = nodes
        .iter()
        .flat_map(|n| branches(n, &resolve))
        .filter_map(|n| n.get("items"))
        .collect();
    nodes.extend(items);
    let mut values = Vec::new();
    for node in nodes.into_iter().flat_map(|n| branches(n, &resolve)) {
        if let Some(text) = node.get("const").and_then(Value::as_str) {
            values.push(text.to_owned());
        }
        for item in node
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            values.extend(item.as_str().map(str::to_owned));
        }
    }
    values.dedup();
    values
}

/// Validates case text against the schema; empty when the YAML does not parse (the typed
/// load reports that) or when the schema finds nothing.
pub(crate) fn problems(text: &str) -> Vec<Problem> {
    let Ok(value) = serde_yaml::from_str::<Value>(text) else {
        return Vec::new();
    };
    let positions = positions(text);
    let mut problems = Vec::new();
    for error in VALIDATOR.iter_errors(&value) {
        describe(&error, &positions, &mut problems);
    }
    for problem in &mut problems {
        if problem.kind == ProblemKind::UnknownField && after_flow_comma(text, problem.location) {
            // The "field" is the rest of a value that a comma cut short: its name is case
            // text, so it is not quoted.
            *problem = Problem::within(
                ProblemKind::CommaInFlow,
                &problem.path,
                problem.location,
                "a comma inside `{ }` ended the field before it; put text that holds a \
                 comma in quotes, or write the fields on lines of their own"
                    .to_owned(),
            );
        }
    }
    problems.sort_by_key(|p| p.location.unwrap_or((usize::MAX, 0)));
    problems.dedup();
    problems
}

/// A key written twice in one mapping, worded for the slip that makes one: a list item
/// started without its `- `, so its fields land in the item before it.
pub(crate) fn duplicate_key(text: &str) -> Option<Problem> {
    let positions = positions(text);
    let (owner, key, place) = positions.duplicates.into_iter().next()?;
    let named = if is_field_name(&key) {
        format!("`{key}:`")
    } else {
        "key".to_owned()
    };
    let path = field_path(&owner);
    // An item of a list ends in its index: `/diagnoses/0`.
    let list = owner
        .rsplit_once('/')
        .filter(|(_, index)| !index.is_empty() && index.chars().all(|c| c.is_ascii_digit()))
        .map(|(list, _)| field_path(list));
    let detail = match list {
        Some(list) => format!(
            "a second {named} in the same item: did you start a new {} without `- `? \
             Put `- ` before the first field of each item of `{list}`",
            item_noun(&list)
        ),
        None if path.is_empty() => {
            format!("a second {named} in the file: each field may appear once; remove one")
        }
        None => format!("a second {named} here: each field may appear once; remove one"),
    };
    Some(Problem::within(
        ProblemKind::DuplicateKey,
        &path,
        Some(place),
        detail,
    ))
}

/// Names one item of a list field the way an advocate says it.
fn item_noun(list: &str) -> &'static str {
    match list.rsplit('.').next().unwrap_or(list) {
        "diagnoses" => "diagnosis",
        "prior_treatments" => "prior treatment",
        "testimonials" => "testimonial",
        "scores" => "score",
        "history" => "history entry",
        "contacts" => "contact",
        "enclosures" | "attachments" => "file",
        "evidence" => "reference",
        _ => "item",
    }
}

/// Rewrites values chosen from a list that differ from an allowed value only in letter
/// case, spaces, `_` or Word's curly quotes (`Fax`, `Employer self-funded`) to that value,
/// or `None` when there is none to rewrite. Lines and the rest of the text stay as they
/// are, so every later message still points at the right line.
pub(crate) fn forgive_choices(text: &str) -> Option<String> {
    let value = serde_yaml::from_str::<Value>(text).ok()?;
    let positions = positions(text);
    let mut fixes: Vec<((usize, usize), String)> = Vec::new();
    for error in VALIDATOR.iter_errors(&value) {
        choice_fixes(&error, &positions, &mut fixes);
    }
    if fixes.is_empty() {
        return None;
    }
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    fixes.sort();
    fixes.dedup();
    // From the end of each line, so that earlier columns stay where they were.
    for ((line, column), canonical) in fixes.into_iter().rev() {
        let Some(text_line) = lines.get_mut(line.saturating_sub(1)) else {
            continue;
        };
        let Some(start) = text_line
            .char_indices()
            .nth(column.saturating_sub(1))
            .map(|(at, _)| at)
        else {
            continue;
        };
        let end = start + scalar_len(&text_line[start..]);
        text_line.replace_range(start..end, &canonical);
    }
    Some(lines.join("\n"))
}

/// Collects, for one validation error, the values to rewrite to an allowed value.
fn choice_fixes(
    error: &ValidationError,
    positions: &Positions,
    out: &mut Vec<((usize, usize), String)>,
) {
    let options: Vec<String> = match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let consts: Vec<String> = context
                .iter()
                .flatten()
                .filter_map(|e| match e.kind() {
                    ValidationErrorKind::Constant { expected_value } => {
                        expected_value.as_str().map(str::to_owned)
                    }
                    ValidationErrorKind::Enum { options } => options.as_array().map(|o| {
                        o.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("\n")
                    }),
                    _ => None,
                })
                .flat_map(|o| o.split('\n').map(str::to_owned).collect::<Vec<_>>())
                .collect();
            if consts.is_empty() {
                for branch in context {
                    for e in branch {
                        choice_fixes(e, positions, out);
                    }
                }
                return;
            }
            consts
        }
        ValidationErrorKind::Enum { options } => options
            .as_array()
            .map(|o| {
                o.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        _ => return,
    };
    let Some(found) = error.instance().as_str() else {
        return;
    };
    let wanted = choice_key(found);
    if let Some(canonical) = options.iter().find(|o| choice_key(o) == wanted)
        && let Some(place) = positions.value.get(&error.instance_path().to_string())
    {
        out.push((*place, canonical.clone()));
    }
}

/// Reduces a chosen value to what matters: letters and digits, lower-cased, with one `-`
/// for every run of spaces, `_` and `-`, and without quotes around it.
pub(crate) fn choice_key(value: &str) -> String {
    let trimmed = value
        .trim()
        .trim_matches(['\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}', '"', '\'']);
    let mut key = String::with_capacity(trimmed.len());
    for c in trimmed.trim().chars() {
        if matches!(c, ' ' | '_' | '-' | '\t') {
            if !key.ends_with('-') {
                key.push('-');
            }
        } else {
            key.extend(c.to_lowercase());
        }
    }
    key.trim_matches('-').to_owned()
}

/// Returns the length in bytes of the one-line scalar a line starts with: a quoted one to
/// its closing quote, a plain one to a comment, a flow separator or the line's end.
fn scalar_len(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, quote @ ('"' | '\''))) => chars
            .find(|(_, c)| *c == quote)
            .map_or(rest.len(), |(at, c)| at + c.len_utf8()),
        _ => {
            let mut end = rest.len();
            for (at, c) in rest.char_indices() {
                if matches!(c, ',' | '}' | ']') || (c == '#' && rest[..at].ends_with(' ')) {
                    end = at;
                    break;
                }
            }
            rest[..end].trim_end().len()
        }
    }
}

/// Returns whether a key at `location` is text after a comma inside `{ }`, with no `:` of
/// its own, as `severe` is in `{ description: recurrent, severe }`.
fn after_flow_comma(text: &str, location: Option<(usize, usize)>) -> bool {
    let Some((line, column)) = location else {
        return false;
    };
    let Some(line) = text.lines().nth(line.saturating_sub(1)) else {
        return false;
    };
    let before: String = line.chars().take(column.saturating_sub(1)).collect();
    let after: String = line.chars().skip(column.saturating_sub(1)).collect();
    let own_colon = after
        .find([',', '}', ':'])
        .is_some_and(|at| after[at..].starts_with(':'));
    before.contains('{') && before.trim_end().ends_with(',') && !own_colon
}

/// Words one validation error, or the errors of the branch it stands for.
fn describe(error: &ValidationError, positions: &Positions, out: &mut Vec<Problem>) {
    let pointer = error.instance_path().to_string();
    let path = field_path(&pointer);
    let at = |pointer: &str| positions.value.get(pointer).copied();
    let (kind, detail) = match error.kind() {
        ValidationErrorKind::Type { kind } => {
            let expected = expected_words(kind);
            let found = found_words(error.instance());
            let hint = match (expected.as_str(), error.instance().as_ref()) {
                ("text", Value::Object(_)) => {
                    "; for text over several lines, write `field: |` and indent the lines under it"
                }
                _ => "",
            };
            (
                ProblemKind::WrongType,
                format!("expected {expected}, found {found}{hint}"),
            )
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or("a field");
            let mut problem = Problem::within(
                ProblemKind::Missing,
                &path,
                at(&pointer),
                format!("missing `{name}`"),
            );
            // The path of a missing field is the field's own.
            problem.path = if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            };
            out.push(problem);
            return;
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for key in unexpected {
                let key_pointer = format!("{pointer}/{key}");
                let named = if is_field_name(key) {
                    format!("`{key}`")
                } else {
                    "(a key that is not a field name)".to_owned()
                };
                let suggestion = suggest(key)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                out.push(Problem::within(
                    ProblemKind::UnknownField,
                    &path,
                    positions.key.get(&key_pointer).copied(),
                    format!("unknown field {named}{suggestion}"),
                ));
            }
            return;
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let options: Vec<String> = context
                .iter()
                .flatten()
                .filter_map(|e| match e.kind() {
                    ValidationErrorKind::Constant { expected_value } => {
                        expected_value.as_str().map(|v| format!("`{v}`"))
                    }
                    _ => None,
                })
                .collect();
            if !options.is_empty() {
                // The suggestion names an allowed value, never the case's own.
                let suggestion = error
                    .instance()
                    .as_str()
                    .and_then(|v| {
                        closest(&choice_key(v), options.iter().map(|o| o.trim_matches('`')))
                    })
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                (
                    ProblemKind::NotAllowed,
                    format!(
                        "not one of the allowed values: {}{suggestion}",
                        options.join(", ")
                    ),
                )
            } else {
                // An optional field (`anyOf: [type, null]`): the errors of the branch that
                // is not null say what is wrong.
                let branch = context.iter().find(|branch| {
                    !branch.iter().any(|e| {
                        matches!(
                            e.kind(),
                            ValidationErrorKind::Type {
                                kind: TypeKind::Single(JsonType::Null)
                            }
                        )
                    })
                });
                match branch {
                    Some(branch) => {
                        for e in branch {
                            describe(e, positions, out);
                        }
                        return;
                    }
                    None => (ProblemKind::Invalid, "not valid here".to_owned()),
                }
            }
        }
        ValidationErrorKind::Format { .. } | ValidationErrorKind::Pattern { .. } => (
            ProblemKind::NotADate,
            "not a valid date (YYYY-MM-DD, e.g. 2026-11-20)".to_owned(),
        ),
        ValidationErrorKind::Minimum { limit } => {
            (ProblemKind::OutOfRange, format!("must be at least {limit}"))
        }
        _ => (ProblemKind::Invalid, "not valid here".to_owned()),
    };
    out.push(Problem::at(kind, &path, at(&pointer), detail));
}

/// Writes a JSON pointer (`/diagnoses/0/code`) as a field path (`diagnoses[0].code`).
fn field_path(pointer: &str) -> String {
    let mut path = String::new();
    for segment in pointer.split('/').skip(1) {
        if segment.chars().all(|c| c.is_ascii_digit()) && !segment.is_empty() {
            path.push_str(&format!("[{segment}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&segment.replace("~1", "/").replace("~0", "~"));
        }
    }
    path
}

/// Says in words what the schema expected.
fn expected_words(kind: &TypeKind) -> String {
    let word = |t: &JsonType| match t {
        JsonType::Array => "a list (lines starting with `- `)",
        JsonType::Boolean => "true or false",
        JsonType::Integer => "a whole number",
        JsonType::Null => "nothing",
        JsonType::Number => "a number",
        JsonType::Object => "a group of fields indented under it",
        JsonType::String => "text",
    };
    match kind {
        TypeKind::Single(t) => word(t).to_owned(),
        TypeKind::Multiple(set) => {
            let words: Vec<&str> = set
                .iter()
                .filter(|t| *t != JsonType::Null)
                .map(|t| word(&t))
                .collect();
            words.join(" or ")
        }
    }
}

/// Says in words what kind of value was found, without the value.
fn found_words(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true or false",
        Value::Number(n) if n.is_f64() => "a decimal number",
        Value::Number(_) => "a whole number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a group of fields",
    }
}

/// Returns whether a key could be a field name (and so may be quoted back).
pub(crate) fn is_field_name(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Suggests the field name closest to a misspelt key, if one is close.
pub(crate) fn suggest(key: &str) -> Option<&'static str> {
    closest(key, FIELD_NAMES.iter().map(String::as_str)).map(|s| {
        FIELD_NAMES
            .iter()
            .find(|n| n.as_str() == s)
            .expect("a known name")
            .as_str()
    })
}

/// Returns the candidate most like `word` (Jaro-Winkler, which favours a shared start,
/// as typos and truncations keep it), if it is alike enough.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .filter(|c| *c != word)
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Where each value and each key of the YAML begins, by JSON pointer.
#[derive(Default)]
struct Positions {
    value: HashMap<String, (usize, usize)>,
    key: HashMap<String, (usize, usize)>,
    /// Keys met a second time in one mapping: the mapping's pointer, the key and where
    /// the second one stands.
    duplicates: Vec<(String, String, (usize, usize))>,
}

/// Reads the YAML again, keeping positions: a map from each node's JSON pointer to its
/// line and column.
fn positions(text: &str) -> Positions {
    let mut reader = Reader::default();
    let _ = Parser::new_from_str(text).load(&mut reader, false);
    reader.positions
}

/// A container being read.
enum Frame {
    Map {
        pointer: String,
        key: Option<String>,
    },
    Seq {
        pointer: String,
        index: usize,
    },
}

#[derive(Default)]
struct Reader {
    stack: Vec<Frame>,
    positions: Positions,
}

impl Reader {
    /// Records a value starting here and returns its pointer.
    fn value(&mut self, mark: Marker) -> String {
        let pointer = match self.stack.last() {
            Some(Frame::Map {
                pointer,
                key: Some(key),
            }) => format!("{pointer}/{key}"),
            Some(Frame::Seq { pointer, index }) => format!("{pointer}/{index}"),
            _ => String::new(),
        };
        self.positions
            .value
            .insert(pointer.clone(), (mark.line(), mark.col() + 1));
        pointer
    }

    /// Moves past a finished value: a mapping expects its next key, a list its next item.
    fn done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { key, .. }) => *key = None,
            Some(Frame::Seq { index, .. }) => *index += 1,
            None => {}
        }
    }
}

impl MarkedEventReceiver for Reader {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::MappingStart(..) => {
                let pointer = self.value(mark);
                self.stack.push(Frame::Map { pointer, key: None });
            }
            Event::SequenceStart(..) => {
                let pointer = self.value(mark);
                self.stack.push(Frame::Seq { pointer, index: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.done();
            }
            Event::Scalar(text, ..) => {
                if let Some(Frame::Map {
                    pointer,
                    key: key @ None,
                }) = self.stack.last_mut()
                {
                    let at = format!("{pointer}/{text}");
                    let place = (mark.line(), mark.col() + 1);
                    match self.positions.key.entry(at) {
                        std::collections::hash_map::Entry::Occupied(_) => {
                            let owner = pointer.clone();
                            self.positions.duplicates.push((owner, text.clone(), place));
                        }
                        std::collections::hash_map::Entry::Vacant(slot) => {
                            slot.insert(place);
                        }
                    }
                    *key = Some(text);
                } else {
                    self.value(mark);
                    self.done();
                }
            }
            Event::Alias(_) => {
                self.value(mark);
                self.done();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROKEN: &str = "\
id: KET-1
stage: pre-auth
prepared_on: 2026-11-20
patinet: { name: Ann }
patient: Ann Example
insurer: { name: I, plan_type: employer }
provider: { name: P }
diagnoses: F33.2
request:
  treatment: IV ketamine
  sessions: six
letter_of_medical_necessity:
  draft:
    Dear reviewer: Ann has depression
";

    #[test]
    fn problems_carry_their_kind_and_field_path() {
        let text = "id: KET-1\npatient: { date_of_birth: 1986-02-03 }\ninsurer: { name: B, plan_type: aca }\n";
        let found = problems(text);
        let missing = found
            .iter()
            .find(|p| p.kind == ProblemKind::Missing && p.path == "patient.name")
            .unwrap_or_else(|| panic!("{found:?}"));
        assert_eq!(missing.message, "patient: missing `name`");
        let choice = found
            .iter()
            .find(|p| p.kind == ProblemKind::NotAllowed)
            .unwrap_or_else(|| panic!("{found:?}"));
        assert_eq!(choice.path, "insurer.plan_type");
        assert_eq!(
            choice.message,
            format!("insurer.plan_type: {}", choice.detail)
        );
    }

    fn messages(text: &str) -> Vec<String> {
        problems(text)
            .into_iter()
            .map(|p| match p.location {
                Some((line, column)) => format!("{line}:{column}: {}", p.message),
                None => p.message,
            })
            .collect()
    }

    #[test]
    fn every_problem_is_listed_in_plain_words_with_its_place() {
        let found = messages(BROKEN);
        let expect = [
            "2:8: stage: not one of the allowed values: `prior-authorization`, `internal-appeal`, `second-level-appeal`, `external-review`",
            "4:1: unknown field `patinet`; did you mean `patient`?",
            "5:10: patient: expected a group of fields indented under it, found text",
            "6:32: insurer.plan_type: not one of the allowed values: `aca-marketplace`",
            "8:12: diagnoses: expected a list (lines starting with `- `), found text",
            "11:13: request.sessions: expected a whole number, found text",
            "14:18: letter_of_medical_necessity.draft: expected text, found a group of fields; for text over several lines, write `field: |` and indent the lines under it",
        ];
        for e in expect {
            assert!(
                found.iter().any(|f| f.starts_with(e)),
                "{e:?} not in {found:#?}"
            );
        }
        for f in &found {
            assert!(
                !f.contains("Ann") && !f.contains("six") && !f.contains("F33"),
                "{f}"
            );
        }
    }

    #[test]
    fn a_comma_in_a_flow_mapping_is_explained_without_quoting_the_text() {
        let text = format!(
            "{}diagnoses:\n  - {{ code: F33.2, description: recurrent, severe }}\n",
            "id: X\n"
        );
        let found = messages(&text);
        let comma = found
            .iter()
            .find(|m| m.contains("a comma inside `{ }`"))
            .unwrap_or_else(|| panic!("{found:?}"));
        assert!(comma.starts_with("3:"), "{comma}");
        assert!(comma.contains("diagnoses[0]: "), "{comma}");
        assert!(!found.iter().any(|m| m.contains("severe")), "{found:?}");
    }

    #[test]
    fn a_second_key_in_a_list_item_names_the_forgotten_dash_at_its_own_line() {
        let text = "id: X\ndiagnoses:\n  - code: F33.2\n    description: one\n    code: F41.1\n";
        let problem = duplicate_key(text).expect("a duplicate");
        assert_eq!(problem.location, Some((5, 5)));
        assert_eq!(
            problem.message,
            "diagnoses[0]: a second `code:` in the same item: did you start a new diagnosis \
             without `- `? Put `- ` before the first field of each item of `diagnoses`"
        );
        assert!(duplicate_key("id: X\nnotes: a\n").is_none());
        let top = duplicate_key("id: X\nnotes: a\nnotes: b\n").expect("a duplicate");
        assert_eq!(top.location, Some((3, 1)));
        assert!(
            top.message.starts_with("a second `notes:` in the file"),
            "{top:?}"
        );
    }

    #[test]
    fn chosen_values_are_forgiven_case_spaces_and_curly_quotes() {
        assert_eq!(
            choice_key("  Employer Self_funded "),
            "employer-self-funded"
        );
        assert_eq!(choice_key("\u{201c}Fax\u{201d}"), "fax");
        let text = "id: X\nstage: Internal Appeal  # from the notice\ninsurer: { name: I, plan_type: Employer self-funded }\n";
        let forgiven = forgive_choices(text).expect("rewritten");
        assert_eq!(
            forgiven,
            "id: X\nstage: internal-appeal  # from the notice\ninsurer: { name: I, plan_type: employer-self-funded }\n"
        );
        // A value that is no allowed value however it is written stays for the message.
        assert!(forgive_choices("id: X\nstage: appeal\n").is_none());
    }

    #[test]
    fn the_values_of_a_choice_come_from_the_schema() {
        assert_eq!(
            allowed_values("stage"),
            [
                "prior-authorization",
                "internal-appeal",
                "second-level-appeal",
                "external-review"
            ]
        );
        assert!(allowed_values("insurer.plan_type").contains(&"medicaid-managed-care".into()));
        assert!(allowed_values("submission.method").contains(&"fax".into()));
        assert!(allowed_values("patient.name").is_empty());
    }

    #[test]
    fn near_misses_are_suggested() {
        assert_eq!(suggest("patinet"), Some("patient"));
        assert_eq!(suggest("diagnosis"), Some("diagnoses"));
        assert_eq!(suggest("zzzzzzzz"), None);
        let keys = ["zarate-2006", "murrough-2013"];
        assert_eq!(
            closest("zarate-2005", keys.into_iter()),
            Some("zarate-2006")
        );
    }
}
