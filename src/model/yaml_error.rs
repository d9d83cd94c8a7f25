//! serde_yaml's errors as messages for people that never quote a case's values.
//!
//! serde's messages quote what they found (`invalid type: string "Ann Example", expected
//! struct Patient`), and a load error is printed in machine reports, where patient data
//! must not appear. [`plain`] keeps the field path and what was expected, and says what
//! kind of value was found instead of quoting it: `patient: expected a mapping, found a
//! string`.

/// Rewrites one serde_yaml message (without its `at line L column C` suffix).
pub(crate) fn plain(message: &str) -> String {
    let (path, rest) = split_path(message);
    let text = if let Some(rest) = rest.strip_prefix("invalid type: ") {
        let (found, expected) = split_unexpected(rest);
        format!(
            "expected {}, found {}",
            expected_words(expected),
            found_words(found)
        )
    } else if let Some(rest) = rest.strip_prefix("invalid value: ") {
        let (_, expected) = split_unexpected(rest);
        format!("expected {}", expected_words(expected))
    } else if let Some(rest) = rest.strip_prefix("unknown variant ") {
        let (_, after) = backticked(rest);
        let after = after.trim_start_matches(", ");
        format!("not one of the allowed values; {after}")
    } else if let Some(rest) = rest.strip_prefix("unknown field ") {
        let (field, after) = backticked(rest);
        // A key is structure, not a value, unless someone typed data where a key goes.
        let field = if super::validate::is_field_name(field) {
            format!("`{field}`")
        } else {
            "(a key that is not a field name)".to_owned()
        };
        format!("unknown field {field}{after}")
    } else {
        scrub_quotes(rest)
    };
    if path.is_empty() {
        text
    } else {
        format!("{path}: {text}")
    }
}

/// Splits serde_yaml's field path (`patient.date_of_birth`, `diagnoses[0]`) off a message.
fn split_path(message: &str) -> (&str, &str) {
    if let Some((path, rest)) = message.split_once(": ")
        && !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
    {
        return (path, rest);
    }
    ("", message)
}

/// Splits `string "…", expected X` into the found part and `X`, honouring the escapes of
/// a quoted string, which may itself contain `, expected `.
fn split_unexpected(rest: &str) -> (&str, &str) {
    let from = match rest.strip_prefix("string \"") {
        Some(quoted) => "string \"".len() + quoted_len(quoted),
        None => 0,
    };
    match rest[from..].find(", expected ") {
        Some(at) => (&rest[..from + at], &rest[from + at + ", expected ".len()..]),
        None => (rest, "another kind of value"),
    }
}

/// Returns the length of a Debug-quoted string's rest up to and including its closing
/// quote (all of it if unclosed).
fn quoted_len(quoted: &str) -> usize {
    let mut escaped = false;
    for (i, c) in quoted.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return i + 1,
            _ => escaped = false,
        }
    }
    quoted.len()
}

/// Splits `` `value`, expected one of … `` into the value and what follows it. The value
/// is the case's own text and may hold backticks and commas, so the split is at the last
/// separator: the list of allowed names after it never holds one.
fn backticked(rest: &str) -> (&str, &str) {
    let Some(inner) = rest.strip_prefix('`') else {
        return ("", rest);
    };
    let separator = ["`, expected ", "`, there are no "]
        .iter()
        .filter_map(|s| inner.rfind(s))
        .max();
    match separator {
        Some(end) => (&inner[..end], &inner[end + 1..]),
        None => (inner.strip_suffix('`').unwrap_or(inner), ""),
    }
}

/// Says in words what kind of value serde found, without the value.
fn found_words(found: &str) -> &'static str {
    let kind = found.split([' ', '`', '"']).next().unwrap_or("");
    match kind {
        "string" => "text",
        "integer" => "a whole number",
        "floating" => "a decimal number",
        "boolean" => "true or false",
        "map" => "a mapping (`key: value` lines)",
        "sequence" => "a list",
        "unit" => "an empty value",
        "character" => "a character",
        _ => "another kind of value",
    }
}

/// Says in words what serde expected.
fn expected_words(expected: &str) -> String {
    let words = match expected {
        "a sequence" => "a list",
        "a string" => "text",
        "a boolean" => "true or false",
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        e if e.starts_with("struct ") => "a mapping (`key: value` lines)",
        e => return scrub_quotes(e),
    };
    words.to_owned()
}

/// Replaces every double-quoted part of a message, which may be a case's value.
fn scrub_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..open]);
        out.push_str("(a value)");
        rest = &rest[open + 1..];
        rest = &rest[quoted_len(rest)..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_named_and_values_dropped() {
        assert_eq!(
            plain(r#"patient: invalid type: string "Ann Example", expected struct Patient"#),
            "patient: expected a mapping (`key: value` lines), found text"
        );
        assert_eq!(
            plain(r#"diagnoses: invalid type: string "F33.2, expected x", expected a sequence"#),
            "diagnoses: expected a list, found text"
        );
        assert_eq!(
            plain("patient.member_id: invalid type: floating point `1234.5`, expected a code"),
            "patient.member_id: expected a code, found a decimal number"
        );
        assert_eq!(
            plain("request.sessions: invalid type: string \"six\", expected u32"),
            "request.sessions: expected a whole number, found text"
        );
        assert_eq!(
            plain(
                "request.cost_per_session: invalid value: floating point `inf`, expected an amount"
            ),
            "request.cost_per_session: expected an amount"
        );
    }

    #[test]
    fn variants_and_fields_keep_the_allowed_names_only() {
        assert_eq!(
            plain("stage: unknown variant `Ann Example`, expected one of `a`, `b`"),
            "stage: not one of the allowed values; expected one of `a`, `b`"
        );
        assert_eq!(
            plain("unknown field `colour`, expected one of `id`, `stage`"),
            "unknown field `colour`, expected one of `id`, `stage`"
        );
        assert_eq!(
            plain("patient: unknown field `Ann Example`, expected one of `name`"),
            "patient: unknown field (a key that is not a field name), expected one of `name`"
        );
    }

    #[test]
    fn backticks_and_separators_in_a_value_do_not_leak_it() {
        assert_eq!(
            plain("kind: unknown variant `a`Qxz`, expected x`, expected one of `ect`, `tms`"),
            "kind: not one of the allowed values; expected one of `ect`, `tms`"
        );
        assert_eq!(
            plain("unknown field `Qxz`, there are no fields"),
            "unknown field (a key that is not a field name), there are no fields"
        );
    }

    #[test]
    fn other_messages_lose_their_quoted_parts() {
        assert_eq!(
            plain(r#"patient.date_of_birth: not a valid date "1986-02-30" here"#),
            "patient.date_of_birth: not a valid date (a value) here"
        );
        assert_eq!(plain("missing field `id`"), "missing field `id`");
        assert_eq!(
            plain("did not find expected key"),
            "did not find expected key"
        );
    }
}
