//! A lossless editor of a case file's YAML: it changes the values of named fields and
//! appends items to lists, and keeps every other byte (comments, order, blank lines,
//! quoting, line endings) as it was.
//!
//! Case files are block-style YAML written by people from the skeleton, so the editor
//! works on lines and indentation rather than a syntax tree. Every edit is also applied
//! to the document parsed as a generic YAML value, and [`Editor::finish`] parses the
//! edited text and refuses it unless the two agree: an edit the line model got wrong is
//! refused, never written.

use serde_yaml::{Mapping, Value};

/// A case file's text being edited, with the value it should parse to.
#[derive(Debug)]
pub(crate) struct Editor {
    lines: Vec<String>,
    crlf: bool,
    final_newline: bool,
    expected: Value,
}

/// Why an edit could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EditError(pub String);

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EditError {}

fn error<T>(message: impl Into<String>) -> Result<T, EditError> {
    Err(EditError(message.into()))
}

impl Editor {
    /// Starts editing YAML text whose top level is a block mapping.
    pub(crate) fn new(text: &str) -> Result<Editor, EditError> {
        let expected: Value = serde_yaml::from_str(text)
            .map_err(|_| EditError("the file is not valid YAML; fix it first".into()))?;
        if !matches!(expected, Value::Mapping(_)) {
            return error("the file's top level is not a mapping of fields");
        }
        let crlf = text.contains("\r\n");
        let final_newline = text.ends_with('\n');
        let body = text.strip_suffix('\n').unwrap_or(text);
        let lines = body
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned())
            .collect();
        Ok(Editor {
            lines,
            crlf,
            final_newline,
            expected,
        })
    }

    /// Sets the field at a path of mapping keys (`submission.sent_on`) to a value, making
    /// the mappings on the way; a field that exists keeps its place and its comment, a new
    /// one goes at the end of its mapping.
    pub(crate) fn set(&mut self, path: &[&str], value: Value) -> Result<(), EditError> {
        // A field that already holds the value keeps its bytes (its quoting, say).
        if get_value(&self.expected, path) == Some(&value) {
            return Ok(());
        }
        set_value(&mut self.expected, path, value.clone())?;
        let (mut from, mut to, mut indent) = (0, self.lines.len(), 0);
        for (depth, key) in path.iter().enumerate() {
            let Some(i) = self.find_key(from, to, indent, key) else {
                let at = if depth == 0 {
                    self.lines.len()
                } else {
                    self.last_content(from, to).map_or(from, |l| l + 1)
                };
                let lines = render_path(&path[depth..], &value, indent);
                self.insert(at, lines);
                return Ok(());
            };
            let end = self.region_end(i, indent);
            if depth + 1 == path.len() {
                self.replace_value(i, end, indent, &value);
                return Ok(());
            }
            let inline = self.inline(i, indent);
            if is_null(&inline.text) {
                if let Some(child) = self.child_indent(i, end, indent) {
                    (from, to, indent) = (i + 1, end, child);
                    continue;
                }
                let lines = render_path(&path[depth + 1..], &value, indent + 2);
                self.clear_inline(i, indent);
                self.insert(i + 1, lines);
                return Ok(());
            }
            if inline.text.starts_with('{') {
                let mut inner = parse_flow(&inline.text)?;
                set_value(&mut inner, &path[depth + 1..], value)?;
                self.replace_value(i, end, indent, &inner);
                return Ok(());
            }
            return error(format!(
                "`{}` holds a value, not fields",
                path[..=depth].join(".")
            ));
        }
        Ok(())
    }

    /// Appends an item to the list at a path, making the list where there is none.
    pub(crate) fn push(&mut self, path: &[&str], item: Value) -> Result<(), EditError> {
        let mut list = match get_value(&self.expected, path) {
            Some(Value::Sequence(list)) => list.clone(),
            None | Some(Value::Null) => Vec::new(),
            Some(_) => return error(format!("`{}` is not a list", path.join("."))),
        };
        list.push(item.clone());
        // Where the list is written as a block, the item goes after its last line.
        if let Some((i, end, indent)) = self.locate(path) {
            let inline = self.inline(i, indent);
            let items_at = (i + 1..end)
                .find(|&l| is_content(&self.lines[l]))
                .filter(|&l| self.lines[l].trim_start().starts_with('-'))
                .map(|l| indent_of(&self.lines[l]));
            if let (true, Some(at)) = (is_null(&inline.text), items_at) {
                set_value(&mut self.expected, path, Value::Sequence(list))?;
                let last = self.last_content(i + 1, end).unwrap_or(i);
                self.insert(last + 1, render_item(&item, at));
                return Ok(());
            }
        }
        self.set(path, Value::Sequence(list))
    }

    /// Removes the field at a path with the lines of its value; comment lines among them
    /// stay. A field that is not there is no error.
    pub(crate) fn remove(&mut self, path: &[&str]) -> Result<(), EditError> {
        let Some((last, parents)) = path.split_last() else {
            return error("no field named");
        };
        if let Some(Value::Mapping(map)) = get_value_mut(&mut self.expected, parents) {
            map.remove(*last);
        }
        if get_value(&self.expected, parents).is_some_and(|v| !matches!(v, Value::Mapping(_))) {
            return error(format!("`{}` holds a value, not fields", parents.join(".")));
        }
        let Some((i, end, _)) = self.locate(path) else {
            // A field inside a flow mapping (`{ a: 1, b: 2 }`): the mapping is written anew.
            if let Some((p, pend, pindent)) = self.locate(parents)
                && self.inline(p, pindent).text.starts_with('{')
                && let Some(value) = get_value(&self.expected, parents).cloned()
            {
                self.replace_value(p, pend, pindent, &value);
            }
            return Ok(());
        };
        let keep: Vec<String> = self.lines[i + 1..end]
            .iter()
            .filter(|l| !is_content(l) && !l.trim().is_empty())
            .cloned()
            .collect();
        self.lines.splice(i..end, keep);
        Ok(())
    }

    /// Returns the edited text, after checking that it parses to exactly the document
    /// with the edits made.
    pub(crate) fn finish(self) -> Result<String, EditError> {
        let newline = if self.crlf { "\r\n" } else { "\n" };
        let mut text = self.lines.join(newline);
        if self.final_newline {
            text.push_str(newline);
        }
        match serde_yaml::from_str::<Value>(&text) {
            Ok(parsed) if parsed == self.expected => Ok(text),
            _ => error(
                "the file's layout is one the editor cannot change safely; make the change \
                 by hand",
            ),
        }
    }

    /// Finds the line, region end and indentation of the field at a path.
    fn locate(&self, path: &[&str]) -> Option<(usize, usize, usize)> {
        let (mut from, mut to, mut indent) = (0, self.lines.len(), 0);
        for (depth, key) in path.iter().enumerate() {
            let i = self.find_key(from, to, indent, key)?;
            let end = self.region_end(i, indent);
            if depth + 1 == path.len() {
                return Some((i, end, indent));
            }
            let child = self.child_indent(i, end, indent)?;
            (from, to, indent) = (i + 1, end, child);
        }
        None
    }

    /// Finds the line of a key at an indentation among lines `from..to`.
    fn find_key(&self, from: usize, to: usize, indent: usize, key: &str) -> Option<usize> {
        (from..to).find(|&l| {
            let line = &self.lines[l];
            is_content(line) && indent_of(line) == indent && key_of(line, indent) == Some(key)
        })
    }

    /// Returns the end (exclusive) of the lines that belong to the key on line `i`: those
    /// indented deeper, and list items at its own indentation, up to the last one that is
    /// not a blank or comment line.
    fn region_end(&self, i: usize, indent: usize) -> usize {
        let block_scalar = {
            let inline = self.inline(i, indent);
            inline.text.starts_with('|') || inline.text.starts_with('>')
        };
        let mut last = i;
        for l in i + 1..self.lines.len() {
            let line = &self.lines[l];
            if line.trim().is_empty() {
                continue;
            }
            let deeper = indent_of(line) > indent;
            if !(is_content(line) || (block_scalar && deeper)) {
                continue;
            }
            let item = indent_of(line) == indent && line.trim_start().starts_with('-');
            if deeper || item {
                last = l;
            } else {
                break;
            }
        }
        last + 1
    }

    /// Returns the indentation of the keys of the block mapping under line `i`, if one is
    /// there.
    fn child_indent(&self, i: usize, end: usize, indent: usize) -> Option<usize> {
        let first = (i + 1..end).find(|&l| is_content(&self.lines[l]))?;
        let line = &self.lines[first];
        let child = indent_of(line);
        (child > indent && key_of(line, child).is_some()).then_some(child)
    }

    /// Returns the last line among `from..to` that is not blank or a comment.
    fn last_content(&self, from: usize, to: usize) -> Option<usize> {
        (from..to).rev().find(|&l| is_content(&self.lines[l]))
    }

    /// Returns the value written on a key's own line.
    fn inline(&self, i: usize, indent: usize) -> Inline {
        inline_of(&self.lines[i], indent)
    }

    /// Writes a value in place of a key's value, keeping its line, its comment and the
    /// comment's column.
    fn replace_value(&mut self, i: usize, end: usize, indent: usize, value: &Value) {
        // The old value's lines under the key go; comment lines among them stay.
        let mut keep = Vec::new();
        for l in i + 1..end {
            if !is_content(&self.lines[l]) && !self.lines[l].trim().is_empty() {
                keep.push(self.lines[l].clone());
            }
        }
        let has_lines_under = (i + 1..end).any(|l| is_content(&self.lines[l]));
        let (inline, block) = match render_inline(value) {
            Some(text) => (text, Vec::new()),
            None => (String::new(), render_block(value, indent + 2)),
        };
        let line = &self.lines[i];
        let found = inline_of(line, indent);
        let mut head = line[..found.start].to_owned();
        if !inline.is_empty() && head.ends_with(':') {
            head.push(' ');
        }
        let mut new = format!("{head}{inline}");
        if let Some(comment) = &found.comment {
            let column = found.comment_column;
            let width = new.chars().count();
            if width + 1 < column {
                new.push_str(&" ".repeat(column - width));
            } else {
                new.push_str("  ");
            }
            new.push_str(comment);
        }
        let new = new.trim_end().to_owned();
        self.lines[i] = new;
        if has_lines_under {
            self.lines.splice(i + 1..end, keep);
        }
        self.insert(i + 1, block);
    }

    /// Empties the value on a key's line, keeping its comment.
    fn clear_inline(&mut self, i: usize, indent: usize) {
        let found = self.inline(i, indent);
        if found.text.is_empty() {
            return;
        }
        let line = &self.lines[i];
        let mut new = line[..found.start].trim_end().to_owned();
        if let Some(comment) = &found.comment {
            new.push_str("  ");
            new.push_str(comment);
        }
        self.lines[i] = new;
    }

    fn insert(&mut self, at: usize, lines: Vec<String>) {
        // A file that ends in blank lines gets its new field before them.
        let mut at = at;
        if at == self.lines.len() {
            while at > 0 && self.lines[at - 1].trim().is_empty() {
                at -= 1;
            }
        }
        self.lines.splice(at..at, lines);
    }
}

/// The value written on a key's line.
struct Inline {
    /// Where the value starts (after `key:` and the spaces).
    start: usize,
    /// The value, without its comment, trimmed.
    text: String,
    /// The comment, from its `#`.
    comment: Option<String>,
    /// The column (in characters) the comment starts at.
    comment_column: usize,
}

fn inline_of(line: &str, indent: usize) -> Inline {
    let key = key_of(line, indent).unwrap_or_default();
    let colon = indent + key.len() + 1;
    let rest = &line[colon..];
    let start = colon + (rest.len() - rest.trim_start().len());
    let after = &line[start..];
    let comment_at = comment_start(after);
    let (text, comment) = match comment_at {
        Some(at) => (&after[..at], Some(after[at..].to_owned())),
        None => (after, None),
    };
    let comment_column = comment_at.map_or(0, |at| line[..start + at].chars().count());
    // A comment right after the colon leaves the value empty.
    let start = if text.trim().is_empty() { colon } else { start };
    Inline {
        start,
        text: text.trim().to_owned(),
        comment,
        comment_column,
    }
}

/// Returns where a comment starts in a value's text: a `#` outside quotes at the start or
/// after a space.
fn comment_start(text: &str) -> Option<usize> {
    let (mut single, mut double, mut escaped) = (false, false, false);
    let mut previous = ' ';
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if double => escaped = true,
            '"' if !single => double = !double,
            '\'' if !double => single = !single,
            '#' if !single && !double && previous.is_whitespace() => return Some(at),
            _ => {}
        }
        previous = c;
    }
    None
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Returns whether a line holds YAML (not blank, not only a comment).
fn is_content(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty() && !trimmed.starts_with('#')
}

/// Returns the plain key a line starts with at an indentation (`name:`).
fn key_of(line: &str, indent: usize) -> Option<&str> {
    let rest = line.get(indent..)?;
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let after = &rest[end..];
    (end > 0 && (after == ":" || after.starts_with(": ") || after.starts_with(":\t")))
        .then(|| &rest[..end])
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn parse_flow(text: &str) -> Result<Value, EditError> {
    serde_yaml::from_str(text).map_err(|_| EditError("a value could not be read".into()))
}

/// Returns the value at a path of keys.
fn get_value<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(*key))
}

/// Returns the value at a path of keys, to change.
fn get_value_mut<'a>(value: &'a mut Value, path: &[&str]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, key| v.get_mut(*key))
}

/// Sets the value at a path of keys, making mappings where the path has none.
fn set_value(root: &mut Value, path: &[&str], value: Value) -> Result<(), EditError> {
    let Some((last, parents)) = path.split_last() else {
        *root = value;
        return Ok(());
    };
    let mut at = root;
    for key in parents {
        if at.is_null() {
            *at = Value::Mapping(Mapping::new());
        }
        let Value::Mapping(map) = at else {
            return error(format!("`{key}` is not inside fields"));
        };
        at = map.entry((*key).into()).or_insert(Value::Null);
    }
    if at.is_null() {
        *at = Value::Mapping(Mapping::new());
    }
    match at {
        Value::Mapping(map) => {
            map.insert((*last).into(), value);
            Ok(())
        }
        _ => error(format!("`{}` holds a value, not fields", parents.join("."))),
    }
}

/// Returns a scalar (or an empty or scalar-only list) as written on its key's line;
/// `None` for a value written as a block under it.
fn render_inline(value: &Value) -> Option<String> {
    match value {
        Value::Sequence(items) if items.iter().all(is_scalar) => Some(format!(
            "[{}]",
            items
                .iter()
                .map(|v| scalar(v, true))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Value::Mapping(map) if map.is_empty() => Some("{}".into()),
        v if is_scalar(v) => Some(scalar(v, false)),
        _ => None,
    }
}

fn is_scalar(value: &Value) -> bool {
    matches!(
        value,
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)
    )
}

/// Writes a scalar: plain where YAML reads it back as the same value, else quoted.
fn scalar(value: &Value, in_flow: bool) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let flow_safe = !in_flow || !s.contains([',', '[', ']', '{', '}']);
            let plain = flow_safe
                && !s.is_empty()
                && s.trim() == s
                && !s.contains(['\n', '\r', '#', '\t'])
                && !looks_like_number_or_bool(s)
                && serde_yaml::from_str::<Value>(&format!("k: {s}"))
                    .ok()
                    .and_then(|v| v.get("k").cloned())
                    == Some(value.clone());
            if plain {
                s.clone()
            } else {
                serde_json::to_string(s).expect("a string serializes")
            }
        }
        _ => String::new(),
    }
}

/// Returns whether other YAML readers may take a text for a number or a yes/no (`0042`,
/// `1e5`, `on`), so it is quoted to stay text everywhere.
fn looks_like_number_or_bool(s: &str) -> bool {
    let lower = s.to_lowercase();
    matches!(
        lower.as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null" | "~"
    ) || s.parse::<f64>().is_ok()
        || (s.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-' || c == '.')
            && s.chars()
                .all(|c| c.is_ascii_hexdigit() || "+-._xXoO:".contains(c))
            && !is_date(s))
}

/// Returns whether a text is a date written `YYYY-MM-DD`.
fn is_date(s: &str) -> bool {
    s.len() == 10
        && s.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Writes the keys of a path, each under the one before, the last with the value.
fn render_path(path: &[&str], value: &Value, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for (depth, key) in path.iter().enumerate() {
        let pad = " ".repeat(indent + 2 * depth);
        if depth + 1 < path.len() {
            lines.push(format!("{pad}{key}:"));
            continue;
        }
        match render_inline(value) {
            Some(text) if text.is_empty() => lines.push(format!("{pad}{key}:")),
            Some(text) => lines.push(format!("{pad}{key}: {text}")),
            None => {
                lines.push(format!("{pad}{key}:"));
                lines.extend(render_block(value, indent + 2 * depth + 2));
            }
        }
    }
    lines
}

/// Writes a mapping or list as block lines at an indentation.
fn render_block(value: &Value, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let mut lines = Vec::new();
    match value {
        Value::Mapping(map) => {
            for (key, value) in map {
                let key = key.as_str().unwrap_or_default();
                match render_inline(value) {
                    Some(text) if text.is_empty() => lines.push(format!("{pad}{key}:")),
                    Some(text) => lines.push(format!("{pad}{key}: {text}")),
                    None => {
                        lines.push(format!("{pad}{key}:"));
                        lines.extend(render_block(value, indent + 2));
                    }
                }
            }
        }
        Value::Sequence(items) => {
            for item in items {
                lines.extend(render_item(item, indent));
            }
        }
        other => lines.push(format!("{pad}{}", scalar(other, false))),
    }
    lines
}

/// Writes one list item at an indentation: `- key: value`, its other keys under it.
fn render_item(item: &Value, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    match render_inline(item) {
        Some(text) => vec![format!("{pad}- {text}").trim_end().to_owned()],
        None => {
            let mut lines = render_block(item, indent + 2);
            if let Some(first) = lines.first_mut() {
                first.replace_range(indent..indent + 2, "- ");
            }
            lines
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(text: &str, f: impl FnOnce(&mut Editor)) -> String {
        let mut editor = Editor::new(text).unwrap();
        f(&mut editor);
        editor.finish().unwrap()
    }

    const FILE: &str = "\
# modeline
id: KET-1            # the id
stage: internal-appeal
insurer:
  name: \"Example Health\"   # as on the card
  appeal_levels:                  # employer plans: 1 or 2
  criteria: []
denial:
  date: 2026-11-01
  reason: other
peer_review: { requested: true }
notes: |
  First line.
  # not a comment

# Once the packet is sent:
# submission: { sent_on: 2026-12-01 }
";

    #[test]
    fn a_value_changes_in_place_and_its_comment_keeps_its_column() {
        let out = edit(FILE, |e| {
            e.set(&["insurer", "appeal_levels"], Value::from(2))
                .unwrap();
            e.set(&["id"], "KET-22".into()).unwrap();
        });
        assert!(
            out.contains("  appeal_levels: 2                # employer plans: 1 or 2\n"),
            "{out}"
        );
        assert!(out.contains("id: KET-22           # the id\n"), "{out}");
        assert_eq!(out.lines().count(), FILE.lines().count());
    }

    #[test]
    fn new_fields_go_at_the_end_of_their_mapping_and_new_mappings_at_the_end() {
        let out = edit(FILE, |e| {
            e.set(&["denial", "received"], "2026-11-04".into()).unwrap();
            e.set(&["submission", "sent_on"], "2026-12-01".into())
                .unwrap();
            e.set(&["submission", "method"], "fax".into()).unwrap();
            e.set(&["submission", "confirmation"], "0042".into())
                .unwrap();
        });
        assert!(
            out.contains("  reason: other\n  received: 2026-11-04\npeer_review"),
            "{out}"
        );
        assert!(
            out.ends_with(
                "# submission: { sent_on: 2026-12-01 }\nsubmission:\n  sent_on: 2026-12-01\n  \
                 method: fax\n  confirmation: \"0042\"\n"
            ),
            "{out}"
        );
        // Every line of the original is still there, in order.
        let mut lines = out.lines();
        for line in FILE.lines() {
            assert!(lines.any(|l| l == line), "{line}");
        }
    }

    #[test]
    fn lists_grow_at_their_end_and_are_made_where_missing() {
        let item = |d: &str| {
            let mut m = Mapping::new();
            m.insert("date".into(), d.into());
            m.insert("note".into(), "called: no answer, # 3".into());
            Value::Mapping(m)
        };
        let out = edit(FILE, |e| {
            e.push(&["contacts"], item("2026-11-02")).unwrap();
            e.push(&["contacts"], item("2026-11-03")).unwrap();
            e.push(&["insurer", "criteria"], "x".into()).unwrap();
        });
        assert!(out.contains("  criteria: [x]\n"), "{out}");
        assert!(
            out.ends_with(
                "contacts:\n  - date: 2026-11-02\n    note: \"called: no answer, # 3\"\n  \
                 - date: 2026-11-03\n    note: \"called: no answer, # 3\"\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn flow_mappings_and_crlf_are_handled() {
        let out = edit(&FILE.replace('\n', "\r\n"), |e| {
            e.set(&["peer_review", "reviewer_specialty"], "Psychiatry".into())
                .unwrap();
        });
        assert!(
            out.contains(
                "peer_review:\r\n  requested: true\r\n  reviewer_specialty: Psychiatry\r\n"
            ),
            "{out}"
        );
        assert!(!out.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn a_block_scalar_keeps_its_lines() {
        let out = edit(FILE, |e| {
            e.set(&["owner"], "JA".into()).unwrap();
        });
        assert!(out.contains("  # not a comment\n"));
        assert!(out.ends_with("owner: JA\n"), "{out}");
    }

    #[test]
    fn a_field_is_removed_with_its_lines() {
        let out = edit(FILE, |e| {
            e.remove(&["denial", "reason"]).unwrap();
            e.remove(&["notes"]).unwrap();
            e.remove(&["submission"]).unwrap();
        });
        assert!(out.contains("  date: 2026-11-01\npeer_review"), "{out}");
        assert!(!out.contains("First line."), "{out}");
        assert!(out.contains("  # not a comment\n"), "{out}");
    }

    #[test]
    fn values_that_are_not_fields_are_refused() {
        let mut editor = Editor::new(FILE).unwrap();
        assert!(editor.set(&["stage", "x"], "y".into()).is_err());
        assert!(Editor::new("- a\n").is_err());
        assert!(Editor::new("a: [\n").is_err());
    }
}
