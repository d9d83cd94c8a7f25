//! Property tests over the case loader, the Markdown converter and the checklist:
//! arbitrary input never panics, never escapes the sandbox, and never puts a marker value
//! into a message a machine report would carry.
//!
//! A short run is part of `cargo test`; `PROPTEST_CASES=20000 cargo test --test
//! properties` runs a longer one.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use appealpack::checklist;
use appealpack::load::Loaded;
use appealpack::model::case::Case;
use appealpack::model::evidence::EvidenceLibrary;
use appealpack::model::fields::Date;
use appealpack::packet::markdown::markdown;
use proptest::prelude::*;

/// The marker a value carries; no message may contain it.
const MARKER: &str = "Qxzmarker";

/// How many cases each property tries: `PROPTEST_CASES`, or a short run.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    ProptestConfig::with_cases(cases)
}

/// A case that loads and passes; the strategies below break it in every way they can.
const BASE: &str = "id: KET-PROP-1
stage: internal-appeal
prepared_on: 2026-11-20
patient: { name: Ann Example, date_of_birth: 1986-02-03, member_id: ABC123 }
insurer: { name: Example Health, plan_type: employer-self-funded, appeals_address: PO Box 1 }
provider: { name: Dr Pat Lee, credentials: MD, npi: 1234567893, supports_treatment: true }
diagnoses:
  - { code: F33.2, description: Major depressive disorder }
request: { treatment: IV ketamine, sessions: 6, schedule: twice weekly }
prior_treatments:
  - { name: Sertraline, kind: antidepressant, started: 2024-01-01, ended: 2024-03-01, outcome: inadequate-response }
denial: { date: 2026-11-01, reference: DN-1, reason: experimental-investigational }
letter_of_medical_necessity: { draft: Severe depression. }
evidence: [murrough-2013]
attachments: [ { file: notice.pdf, title: Notice } ]
";

/// The values of the base case that a strategy may replace.
const VALUES: &[&str] = &[
    "KET-PROP-1",
    "internal-appeal",
    "2026-11-20",
    "Ann Example",
    "1986-02-03",
    "ABC123",
    "Example Health",
    "employer-self-funded",
    "1234567893",
    "true",
    "F33.2",
    "IV ketamine",
    "6",
    "Sertraline",
    "antidepressant",
    "2024-03-01",
    "inadequate-response",
    "DN-1",
    "experimental-investigational",
    "Severe depression.",
    "murrough-2013",
    "notice.pdf",
];

/// Text that carries the marker in many YAML shapes: plain, quoted, a list, a mapping,
/// a number-like token, a date-like one, an anchor or a tag.
fn marked() -> impl Strategy<Value = String> {
    let words = "[ -~]{0,12}";
    (words, words, 0..12usize).prop_map(|(before, after, shape)| {
        let core = format!("{before}{MARKER}{after}");
        match shape {
            0 => format!("\"{}\"", core.replace(['"', '\\'], "")),
            1 => format!("[{MARKER}, {core}]"),
            2 => format!("{{ {MARKER}: {core} }}"),
            3 => format!("1931-13-07{MARKER}"),
            4 => format!("&{MARKER} x"),
            5 => format!("*{MARKER}"),
            6 => format!("!{MARKER} x"),
            7 => format!("|\n  {core}\n  {MARKER}: x"),
            8 => format!("{MARKER}\t{core}"),
            9 => format!("'{}'", core.replace('\'', "")),
            10 => format!("9931{MARKER}.5"),
            _ => core,
        }
    })
}

/// The base case with one value replaced by marked text, or arbitrary text with the
/// marker somewhere in it.
fn case_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..VALUES.len(), marked()).prop_map(|(i, value)| BASE.replacen(VALUES[i], &value, 1)),
        (0..BASE.len(), marked()).prop_map(|(at, value)| {
            let at = (0..=at)
                .rev()
                .find(|&i| BASE.is_char_boundary(i))
                .unwrap_or(0);
            format!("{}{value}{}", &BASE[..at], &BASE[at..])
        }),
        ("\\PC{0,200}", "\\PC{0,200}").prop_map(|(a, b)| format!("{a}{MARKER}{b}")),
    ]
}

fn library() -> &'static EvidenceLibrary {
    static LIBRARY: OnceLock<EvidenceLibrary> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/evidence.yaml");
        EvidenceLibrary::from_file(&path).unwrap()
    })
}

/// A case folder holding a PDF, so attachments resolve and are read.
fn case_folder() -> &'static Path {
    static FOLDER: OnceLock<tempfile::TempDir> = OnceLock::new();
    FOLDER
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let notice = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/cases/KET-2026-0101/denial-notice.pdf");
            std::fs::copy(notice, dir.path().join("notice.pdf")).unwrap();
            dir
        })
        .path()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_case_text_loads_or_fails_without_quoting_it(text in case_text()) {
        let path: PathBuf = case_folder().join("case.yaml");
        match Case::parse(&path, &text) {
            Err(error) => {
                let message = error.to_string();
                prop_assert!(!message.contains(MARKER), "{message}");
            }
            Ok(case) => {
                let loaded = Loaded {
                    path,
                    file: "case.yaml".into(),
                    id: Some(case.id.clone()),
                    case: Ok(case),
                    links: Default::default(),
                };
                let today = Date::parse("2026-11-26").unwrap();
                let checked = checklist::check_case(loaded, today, library(), None);
                for finding in &checked.findings {
                    prop_assert!(!finding.message.contains(MARKER), "{}", finding.message);
                }
            }
        }
    }

    #[test]
    fn any_markdown_converts_to_drawn_nodes_and_links_only_to_the_web(text in "\\PC{0,400}") {
        let document = markdown(&text);
        let json = serde_json::to_string(&document).unwrap();
        let tree = serde_json::to_value(&document).unwrap();
        // Every node is of a type the template draws, so nothing the user wrote is dropped.
        prop_assert!(undrawn(&tree, &drawn_types()).is_none(), "{json}");
        for url in live_urls(&tree) {
            let lower = url.to_ascii_lowercase();
            prop_assert!(
                lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:"),
                "a live link to {url} in {json}"
            );
        }
    }

    #[test]
    fn markdown_with_markup_characters_never_panics(
        text in proptest::collection::vec(
            prop_oneof![
                Just("# "), Just("> "), Just("- "), Just("1. "), Just("| a | b |\n|---|---|\n"),
                Just("[x]("), Just(")"), Just("!["), Just("]"), Just("*"), Just("_"), Just("`"),
                Just("```\n"), Just("[^1]"), Just("[^1]: "), Just("<b>"), Just("\n"), Just("\n\n"),
                Just("    "), Just("~~"), Just("- [ ] "), Just("javascript:"), Just("word"),
            ],
            0..80,
        )
    ) {
        let document = markdown(&text.concat());
        // Every node is of a type the template draws, so nothing the user wrote is dropped.
        let drawn = drawn_types();
        prop_assert!(undrawn(&serde_json::to_value(&document).unwrap(), &drawn).is_none());
    }
}

/// Returns the node types `templates/markdown.typ` draws (`n.t == "text"`...).
fn drawn_types() -> Vec<String> {
    let template =
        std::fs::read_to_string(crate::common::root().join("templates/markdown.typ")).unwrap();
    template
        .split(".t == \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// Returns the type of the first node of a document's JSON tree the template does not draw.
fn undrawn(value: &serde_json::Value, drawn: &[String]) -> Option<String> {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(t) = map.get("t").and_then(|t| t.as_str())
                && !drawn.iter().any(|d| d == t)
            {
                return Some(t.to_owned());
            }
            map.values().find_map(|v| undrawn(v, drawn))
        }
        serde_json::Value::Array(items) => items.iter().find_map(|v| undrawn(v, drawn)),
        _ => None,
    }
}

/// Returns the URLs of every live link in a document's JSON tree.
fn live_urls(value: &serde_json::Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            serde_json::Value::Object(map) => {
                if map.get("t").and_then(|t| t.as_str()) == Some("link")
                    && map.get("live").and_then(|l| l.as_bool()) == Some(true)
                {
                    found.push(map["url"].as_str().expect("a link has a URL").to_owned());
                }
                pending.extend(map.values());
            }
            serde_json::Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    found
}
