//! Runs `appealpack report` on the bundled cases as a director does, and reads the
//! Markdown and the PDF back: the period's decided appeals by id, no rate for two appeals,
//! the benchmarks with the warning that they are not like-for-like, no patient name.

use crate::common;

#[test]
fn a_quarter_report_counts_the_decided_appeals_and_states_no_rate_for_two() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = common::run(&[
        "report",
        common::root().join("cases").to_str().unwrap(),
        "--quarter",
        "2026-Q4",
        "--config",
        common::root().join("appealpack.yaml").to_str().unwrap(),
        "--today",
        "2026-11-26",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    common::assert_has(&run.stdout, "2 appeals decided in 2026-Q4");

    let md = std::fs::read_to_string(out.join("report-2026-Q4.md")).unwrap();
    common::assert_has(&md, "# Appeal outcomes: 2026-Q4");
    common::assert_has(&md, "- Appeals decided: 2");
    common::assert_has(&md, "1 of 2: too few to state a rate (fewer than 10)");
    common::assert_has(&md, "| `KET-2026-0110` |");
    common::assert_has(&md, "| `KET-2026-0107` |");
    common::assert_has(&md, "- Median days from sending to decision: ");
    // KET-2026-0110 was approved in full: 550 a session.
    common::assert_has(&md, "- Value of the care approved: $");
    common::assert_has(&md, "not like-for-like");
    common::assert_has(&md, "| 81.7% | 2023 |");

    let pdf = std::fs::read(out.join("report-2026-Q4.pdf")).unwrap();
    let pages = common::pages(&pdf);
    assert!((1..=3).contains(&pages.len()), "{} pages", pages.len());
    let text = pages.join(" ");
    for expected in [
        "Appeal outcomes: 2026-Q4",
        "KET-2026-0110",
        "KET-2026-0107",
        "too few to state a rate",
        "Public benchmarks",
        "not like-for-like",
    ] {
        common::assert_has(&text, expected);
    }
    for name in ["Renata", "Kowalczyk", "Ruiz-Fenwick"] {
        assert!(!md.contains(name) && !text.contains(name), "{name}");
    }
}

#[test]
fn a_period_that_ends_before_it_starts_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = common::run_in(
        dir.path(),
        &["report", "--from", "2026-10-01", "--to", "2026-09-30"],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    common::assert_has(&run.stderr, "the period would be empty");
}
