//! The per-case text budget: how long a case's texts may be and how many combining marks
//! may stack on one character, checked when a case file loads, so `check` and `build`
//! agree.
//!
//! Typst's text layout grows faster than the square of a run of combining marks (a name of
//! "a" and 20,000 accents took three minutes and a 60,000-character name 2.9 GB), so a
//! case that breaks one of these limits is refused before anything lays it out. Every
//! message names the field, never its value.

use serde_json::Value;
use unicode_normalization::char::is_combining_mark;

use super::validate::{Problem, ProblemKind};

/// The longest name, id or title, in characters.
pub(crate) const MAX_SHORT_CHARS: usize = 200;
/// The longest other plain (not Markdown) text, such as an address or a denial's reason,
/// in characters.
pub(crate) const MAX_PLAIN_CHARS: usize = 4_000;
/// The most combining marks in a row in a name, id or title: Vietnamese stacks two on a
/// letter, Indic scripts two or three.
pub(crate) const MAX_MARKS_IN_NAME: usize = 4;
/// The most combining marks in a row anywhere: Unicode's stream-safe text format (UAX
/// #15, section 13) allows at most 30 non-starters in a row.
pub(crate) const MAX_MARKS: usize = 30;
/// The most Markdown text one case's packet may print in all; each text holds at most
/// [`super::case::MAX_MARKDOWN_BYTES`].
pub(crate) const MAX_CASE_MARKDOWN_BYTES: usize = 256 * 1024;

/// The keys whose values are names, ids or titles.
const SHORT_KEYS: &[&str] = &[
    "id",
    "name",
    "author",
    "relation",
    "title",
    "credentials",
    "specialty",
    "reviewer_specialty",
    "practice",
    "plan_name",
    "facility",
    "member_id",
    "case",
    "file",
    "owner",
];

/// Checks every text of a case, serialised as JSON, against the limits; `markdown` lists
/// the field paths holding Markdown, with their texts. Returns every problem at its field.
pub(crate) fn check(case: &Value, markdown: &[(String, &str)]) -> Vec<Problem> {
    let mut problems = Vec::new();
    walk(case, &mut String::new(), None, markdown, &mut problems);
    // A text over its own limit is left out of the packet, so it takes nothing from this.
    let total: usize = markdown
        .iter()
        .map(|(_, text)| text.len())
        .filter(|&len| len <= super::case::MAX_MARKDOWN_BYTES)
        .sum();
    if total > MAX_CASE_MARKDOWN_BYTES {
        problems.push(Problem::within(
            ProblemKind::TooLong,
            "",
            None,
            format!(
                "the case's Markdown texts are {} KiB in all, more than {} KiB; shorten them \
                 and enclose the full records as attached PDFs",
                total.div_ceil(1024),
                MAX_CASE_MARKDOWN_BYTES / 1024
            ),
        ));
    }
    problems
}

/// Visits every string below `value`, whose field path is `path` and last key `key`.
fn walk(
    value: &Value,
    path: &mut String,
    key: Option<&str>,
    markdown: &[(String, &str)],
    problems: &mut Vec<Problem>,
) {
    match value {
        Value::String(text) => {
            let is_markdown = markdown.iter().any(|(p, _)| p == path);
            if let Some(problem) = check_text(text, key, is_markdown) {
                problems.push(Problem::at(ProblemKind::TooLong, path, None, problem));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, key, markdown, problems);
                path.truncate(len);
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
                walk(item, path, Some(name), markdown, problems);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Says what limit one text breaks, if any, without quoting it.
fn check_text(text: &str, key: Option<&str>, is_markdown: bool) -> Option<String> {
    let short = key.is_some_and(|k| SHORT_KEYS.contains(&k));
    let (max_chars, max_marks) = match (is_markdown, short) {
        // Markdown's length is the `text-length` rule's, which leaves a long text out;
        // internal notes are never rendered.
        (true, _) => (usize::MAX, MAX_MARKS),
        (false, false) if key == Some("notes") => (usize::MAX, MAX_MARKS),
        (false, true) => (MAX_SHORT_CHARS, MAX_MARKS_IN_NAME),
        (false, false) => (MAX_PLAIN_CHARS, MAX_MARKS),
    };
    // Marks first: a name of one letter and thousands of accents is that, not long.
    let marks = longest_run_of_marks(text);
    if marks > max_marks {
        return Some(format!(
            "{marks} combining marks in a row, more than {max_marks} on one character; \
             retype it"
        ));
    }
    text.chars().nth(max_chars).is_some().then(|| {
        format!(
            "longer than {max_chars} characters; shorten it{}",
            if short {
                ""
            } else {
                " (a longer record belongs in an attached PDF)"
            }
        )
    })
}

/// Returns the longest run of combining marks (Unicode general category M) in a text.
fn longest_run_of_marks(text: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        if is_combining_mark(c) {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Returns the messages of the problems `check` finds.
    fn messages(case: &Value, markdown: &[(String, &str)]) -> Vec<String> {
        check(case, markdown)
            .into_iter()
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn problems_name_their_field_as_a_path() {
        let case = json!({"testimonials": [{"author": "x".repeat(201)}]});
        let problems = check(&case, &[]);
        assert_eq!(problems[0].kind, ProblemKind::TooLong);
        assert_eq!(problems[0].path, "testimonials[0].author");
        assert!(problems[0].detail.starts_with("longer than 200 characters"));
    }

    #[test]
    fn real_names_pass() {
        // Vietnamese (two marks, decomposed), Hindi (vowel signs and virama), Zalgo-free.
        for name in ["Nguye\u{302}\u{303}n", "अर्जुन", "José Müller-Łukasz"] {
            let case = json!({"patient": {"name": name}});
            assert_eq!(messages(&case, &[]), Vec::<String>::new(), "{name}");
        }
    }

    #[test]
    fn stacked_marks_and_long_names_are_refused_naming_the_field_only() {
        let zalgo = format!("a{}", "\u{301}".repeat(20_000));
        let case =
            json!({"patient": {"name": zalgo}, "testimonials": [{"author": "x".repeat(201)}]});
        let problems = messages(&case, &[]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("patient.name: 20000 combining marks in a row, more than 4"),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("testimonials[0].author: longer than 200 characters"),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .all(|p| !p.contains('x') || !p.contains("xx"))
        );
    }

    #[test]
    fn the_stream_safe_limit_holds_in_every_text() {
        let text = format!("e{}", "\u{301}".repeat(MAX_MARKS));
        let case = json!({"clinical_summary": text});
        let markdown = [("clinical_summary".to_owned(), text.as_str())];
        assert!(messages(&case, &markdown).is_empty());
        let text = format!("e{}", "\u{301}".repeat(MAX_MARKS + 1));
        let case = json!({"clinical_summary": text});
        let markdown = [("clinical_summary".to_owned(), text.as_str())];
        let problems = messages(&case, &markdown);
        assert!(problems[0].starts_with("clinical_summary: 31 combining marks"));
    }

    #[test]
    fn the_markdown_of_a_case_has_a_budget_in_all() {
        let text = "a".repeat(60 * 1024);
        let markdown: Vec<(String, &str)> = (0..5)
            .map(|i| (format!("testimonials[{i}].text"), text.as_str()))
            .collect();
        let problems = messages(&json!({}), &markdown);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].contains("300 KiB in all, more than 256 KiB"),
            "{problems:?}"
        );
    }
}
