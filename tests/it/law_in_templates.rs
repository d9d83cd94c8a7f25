//! The templates print the law, never state it: every program name, clock and citation a
//! packet shows comes from `PacketData` (`src/law/`), so the letter and the tracker
//! cannot disagree.

use std::path::Path;

/// Words that would state the law in a template: program names, citations, clocks.
const LAW_WORDS: &[&str] = &[
    "CFR",
    "U.S.C",
    "§",
    "ERISA",
    "Medicare",
    "Medicaid",
    "Marketplace",
    "FEHB",
    "QIC",
    "fair hearing",
    "independent review entity",
    "Part B",
    "Part D",
    "grandfathered",
];

/// Units that follow a number in a clock or window.
const CLOCK_UNITS: &[&str] = &["days", "hours", "months"];

/// Returns a template's text without its `//` comments, which may explain the data.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            // A URL's "://" is code, not a comment.
            Some(at) if !line[..at].ends_with(':') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_template_states_a_program_a_clock_or_a_citation_of_its_own() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "typ") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let code = code_of(&std::fs::read_to_string(&path).unwrap());
        let lower = code.to_lowercase();
        for word in LAW_WORDS {
            assert!(
                !lower.contains(&word.to_lowercase()),
                "{name} states {word:?} itself; print it from data.program instead"
            );
        }
        // "30 days", "72 hours", "4 months": a number before a clock's unit.
        let words: Vec<&str> = code
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        for pair in words.windows(2) {
            let is_number = pair[0].chars().all(|c| c.is_ascii_digit());
            assert!(
                !(is_number && CLOCK_UNITS.contains(&pair[1])),
                "{name} states the clock \"{} {}\" itself; print it from data.program instead",
                pair[0],
                pair[1]
            );
        }
        // The law is never decided by comparing a program's display strings.
        for field in ["data.program.asks ==", "asks.starts-with", "plan_type =="] {
            assert!(
                !code.contains(field),
                "{name} branches on {field:?}; add a value to PacketData instead"
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} templates found");
}
