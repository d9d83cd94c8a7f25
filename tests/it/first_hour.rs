//! An advocate's first hour, from an empty folder: `init`, `new`, a case typed with the
//! usual mistakes, `check` listing every one in plain words, the fixes, a `build` that
//! asks for the provider's signature, and the signed letter that makes the case ready.

use crate::common;

use std::path::Path;

use crate::common::{Run, run_in};

fn run(dir: &Path, args: &[&str]) -> Run {
    run_in(dir, args, &[])
}

/// The case as a newcomer first types it: a stage with `_`, February 30th, a diagnosis
/// that is not a list, a letter over two lines without `|`, a misspelt field.
const MISTAKES: &str = "\
id: KET-0001
stage: internal-apeal
prepared_on: 2026-11-27
patient:
  name: Avery Lindqvist
  date_of_birth: 1984-02-30
  member_id: ZX9912
insurer:
  name: Northwind Employee Health Plan Administrators
  plan_type: employer-self-funded
  appeals_address: PO Box 1, Springfield, IL 62701
provider:
  name: Dana Raman
  credentials: MD
  npi: 1234567893
  supports_treatment: true
diagnoses: F33.2
request:
  treatment: Intravenous ketamine infusion
  codes: [96365, J3490]
  sessions: 6
prior_treatments:
  - { name: Sertraline, kind: antidepressant, dose: 200 mg daily, started: 2024-01-10, ended: 2024-03-20, outcome: inadequate-response }
  - { name: Bupropion, kind: antidepressant, dose: 300 mg daily, started: 2024-04-01, ended: 2024-06-30, outcome: inadequate-response }
  - { name: Aripiprazole, kind: augmentation, dose: 5 mg daily, started: 2024-07-01, ended: 2024-09-30, outcome: side-effects }
denial:
  date: 2026-11-10
  reference: NW-77
  reason: not-medically-necessary
filed_by: patient
letter_of_medical_necessity:
  draft:
    To the reviewer: Avery has failed two antidepressants and an augmentation, PHQ-9 22.
evidence: [zarate-2005, murrough-2013, anand-2023]
patinet_statement: I want to get better.
";

#[test]
fn the_first_hour_from_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    assert_eq!(run(repo, &["init"]).code, 0);
    let new = run(repo, &["new", "KET-0001"]);
    assert_eq!(new.code, 0, "{}", new.stderr);
    let case_file = repo.join("cases/KET-0001/case.yaml");
    assert!(case_file.is_file(), "new writes the case in its own folder");
    let again = run(repo, &["new", "KET-0001"]);
    assert_eq!(again.code, 2, "a taken id is refused");

    // Every mistake at once, each with its line, in words an advocate knows.
    std::fs::write(&case_file, MISTAKES).unwrap();
    let check = run(repo, &["check", "--today", "2026-11-27"]);
    assert_eq!(check.code, 1);
    let out = &check.stdout;
    for expected in [
        "case.yaml:2:8: stage: not one of the allowed values",
        "did you mean `internal-appeal`?",
        "case.yaml:6:18: patient.date_of_birth: not a valid date (YYYY-MM-DD",
        "diagnoses: expected a list (lines starting with `- `), found text",
        "letter_of_medical_necessity.draft: expected text",
        "write `field: |` and indent the lines under it",
        "unknown field `patinet_statement`; did you mean `patient_statement`?",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
    for jargon in ["sequence", "struct", "variant", "invalid type"] {
        assert!(!out.contains(jargon), "{jargon:?} in:\n{out}");
    }
    assert!(
        !out.contains("Avery"),
        "a value of the case is quoted:\n{out}"
    );

    // Fixed, the case loads; the misspelt evidence key is matched to the real one.
    let fixed = MISTAKES
        .replace("internal-apeal", "internal-appeal")
        .replace("1984-02-30", "1984-02-28")
        .replace(
            "diagnoses: F33.2",
            "diagnoses:\n  - code: F33.2\n    description: Major depressive disorder, recurrent, severe",
        )
        .replace("  draft:\n", "  draft: |\n")
        .replace("patinet_statement", "patient_statement");
    std::fs::write(&case_file, &fixed).unwrap();
    let check = run(repo, &["check", "--today", "2026-11-27"]);
    assert!(
        check.stdout.contains("did you mean `zarate-2006`?"),
        "{}",
        check.stdout
    );
    let fixed = fixed.replace("zarate-2005", "zarate-2006");
    std::fs::write(&case_file, &fixed).unwrap();

    // The draft letter is the one step left: build writes it alone, to be signed.
    let build = run(repo, &["build", "--today", "2026-11-27"]);
    assert_eq!(build.code, 1, "{}", build.stderr);
    assert!(
        build
            .stderr
            .contains("KET-0001 needs work: lmn: the letter of medical necessity is a draft"),
        "{}",
        build.stderr
    );
    let summary = std::fs::read_to_string(repo.join("output/summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let case = summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "KET-0001")
        .unwrap();
    assert_eq!(case["status"], "needs-work", "{case:#}");
    assert_eq!(common::blocker_rules(case), ["lmn"], "{case:#}");
    assert!(
        case["next_step"]
            .as_str()
            .unwrap()
            .contains("provider's signature")
    );
    let dashboard = std::fs::read_to_string(repo.join("output/index.html")).unwrap();
    assert!(
        dashboard.contains("provider&apos;s signature"),
        "no next step on the dashboard"
    );
    let letter = repo.join("output/KET-0001/letter-for-signature.pdf");
    assert!(common::pdf_text(&letter).contains("failed two antidepressants"));

    // Signed: the provider's scan beside the case makes it ready, with a date to send by.
    std::fs::copy(
        repo.join("cases/EXAMPLE-0001/signed-letter.pdf"),
        repo.join("cases/KET-0001/signed-letter.pdf"),
    )
    .unwrap();
    let signed = fixed.replace(
        "  draft: |\n    To the reviewer: Avery has failed two antidepressants and an augmentation, PHQ-9 22.\n",
        "  file: signed-letter.pdf\n",
    );
    assert_ne!(signed, fixed);
    std::fs::write(&case_file, &signed).unwrap();
    let build = run(repo, &["build", "--today", "2026-11-27"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(!letter.exists(), "the letter to sign is gone once signed");
    let summary = std::fs::read_to_string(repo.join("output/summary.md")).unwrap();
    assert!(summary.contains("2 ready"), "{summary}");
}
