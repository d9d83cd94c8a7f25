//! No patient data in machine reports: a corpus of broken cases, each carrying marker
//! values where a typo would put patient data, runs through `check` and `build`, and no
//! marker may appear in any machine report, the terminal output or the Markdown and
//! HTML reports (which show names only with `--show-names`).

use crate::common;

use std::path::Path;

use crate::common::{TODAY, run};

/// The marker values: a name, a member id and a date of birth no real output contains.
const NAME: &str = "Zyxwa Markerson";
const MEMBER: &str = "MRK9931177";
const BIRTH: &str = "1931-07-13";

/// A case that loads and passes, carrying the markers; the variants below break it.
fn base() -> String {
    format!(
        r#"id: KET-P-00
stage: internal-appeal
prepared_on: 2026-11-20
patient: {{ name: {NAME}, date_of_birth: {BIRTH}, member_id: {MEMBER} }}
insurer: {{ name: Example Health, plan_type: employer-self-funded, appeals_address: PO Box 1, clinical_policy: Policy 1 }}
provider: {{ name: Dr Pat Lee, credentials: MD, npi: 1234567893, supports_treatment: true }}
diagnoses:
  - {{ code: F33.2, description: Major depressive disorder }}
request: {{ treatment: IV ketamine, sessions: 6, schedule: twice weekly }}
prior_treatments:
  - {{ name: Sertraline, kind: antidepressant, started: 2024-01-01, ended: 2024-03-01, outcome: inadequate-response }}
  - {{ name: Venlafaxine, kind: antidepressant, started: 2024-04-01, ended: 2024-06-01, outcome: partial-response }}
  - {{ name: CBT, kind: psychotherapy, started: 2023-01-01, ended: 2023-06-01, outcome: inadequate-response }}
denial: {{ date: 2026-11-01, reference: DN-1, reason: experimental-investigational }}
letter_of_medical_necessity:
  file: signed-letter.pdf
  draft: "Severe depression (PHQ-9 22); two antidepressants failed."
patient_statement: I want my life back.
evidence: [murrough-2013, anand-2023, mcintyre-2021]
peer_review: {{ requested: true }}
filed_by: patient
"#
    )
}

/// Each variant: the text it replaces in the base case, and what it puts there.
fn variants() -> Vec<(&'static str, String)> {
    let patient =
        format!("patient: {{ name: {NAME}, date_of_birth: {BIRTH}, member_id: {MEMBER} }}");
    let on_patient = |replacement: String| ("patient", patient.replace(&patient, &replacement));
    vec![
        on_patient(format!("patient: {NAME} {MEMBER} {BIRTH}")),
        on_patient(format!("patient: [{NAME}, {MEMBER}]")),
        on_patient(format!(
            "patient: {{ name: [{NAME}], date_of_birth: {BIRTH}, member_id: {MEMBER} }}"
        )),
        on_patient(format!(
            "patient: {{ name: {NAME}, date_of_birth: 1931-13-07, member_id: {MEMBER} }}"
        )),
        on_patient(format!(
            "patient: {{ name: {NAME}, date_of_birth: \"{BIRTH} {NAME}\", member_id: {MEMBER} }}"
        )),
        on_patient(format!(
            "patient: {{ name: {NAME}, date_of_birth: 19310713, member_id: {MEMBER} }}"
        )),
        on_patient(format!(
            "patient: {{ name: {NAME}, date_of_birth: {BIRTH}, member_id: 99311779931177993117799311 }}"
        )),
        on_patient(format!(
            "patient: {{ name: {NAME}, date_of_birth: {BIRTH}, member_id: 9931.177 }}"
        )),
        on_patient(format!(
            "patient: {{ name: {NAME}, date_of_birth: {BIRTH}, member_id: [{MEMBER}] }}"
        )),
        on_patient(format!(
            "patient: {{ name: {NAME}, date_of_birth: {BIRTH}, member_id: {MEMBER}, {NAME}: x }}"
        )),
        on_patient(format!(
            "patient: {{ name: {NAME}, date_of_birth: {BIRTH}, member_id: {MEMBER}, middle_name: {NAME} }}"
        )),
        on_patient(format!(
            "patient: {{ name: {NAME}, date_of_birth: {BIRTH}, member_id: {MEMBER}, phone: {{ {NAME}: 1 }} }}"
        )),
        on_patient(format!(
            "patient: {{ name: {NAME}, date_of_birth: {BIRTH}, member_id: {MEMBER} "
        )),
        ("stage: internal-appeal", format!("stage: {NAME}")),
        ("id: KET-P-00", format!("id: {NAME}")),
        ("id: KET-P-00", format!("id: {MEMBER}/{BIRTH}")),
        ("prepared_on: 2026-11-20", format!("prepared_on: {NAME}")),
        (
            "patient_statement: I want my life back.",
            format!("patient_statement: [{NAME}]"),
        ),
        (
            "patient_statement: I want my life back.",
            format!("testimonials: {NAME} says thanks"),
        ),
        (
            "patient_statement: I want my life back.",
            format!("testimonials: [{{ author: {NAME}, relation: {MEMBER} }}]"),
        ),
        (
            "patient_statement: I want my life back.",
            format!("notes: {{ {NAME}: {MEMBER} }}"),
        ),
        (
            "  draft: \"Severe",
            format!("  draft: {NAME}\n    {MEMBER}: {BIRTH}\n  x: \"Severe"),
        ),
        ("code: F33.2", format!("code: {MEMBER}")),
        ("code: F33.2", format!("code: [{MEMBER}]")),
        ("npi: 1234567893", format!("npi: {MEMBER}")),
        ("name: Sertraline", format!("name: {NAME}, dose: {MEMBER}")),
        (
            "started: 2024-01-01, ended: 2024-03-01",
            format!("started: 2024-01-01, ended: {BIRTH}"),
        ),
        ("sessions: 6", format!("sessions: {MEMBER}")),
        (
            "sessions: 6",
            format!("sessions: 6, cost_per_session: {MEMBER}"),
        ),
        ("reference: DN-1", format!("reference: [{MEMBER}, {NAME}]")),
        (
            "reason: experimental-investigational",
            format!("reason: {NAME}"),
        ),
        (
            "evidence: [murrough-2013, anand-2023, mcintyre-2021]",
            format!("evidence: [murrough-2013, anand-2023, {MEMBER}]"),
        ),
        (
            "patient_statement: I want my life back.",
            format!("attachments: [{{ file: {NAME}-{MEMBER}.pdf, title: {NAME} }}]"),
        ),
        (
            "  draft: \"Severe",
            format!("  file: {NAME}-{BIRTH}.pdf\n  draft: \"Severe"),
        ),
        (
            "patient_statement: I want my life back.",
            "scores: [{ instrument: PHQ-9, score: 9931177, date: 2026-01-01 }]".to_string(),
        ),
        (
            "patient_statement: I want my life back.",
            format!("scores: [{{ instrument: {NAME}, score: 1, date: 2026-01-01 }}]"),
        ),
        (
            "patient_statement: I want my life back.",
            format!("patient_statement: I want my life back.\npatient_statement: {NAME}"),
        ),
        (
            "patient_statement: I want my life back.",
            format!("patient_statement:\t{NAME}"),
        ),
    ]
}

/// Writes the corpus: the base case and every variant, each in a folder of its own.
fn write_corpus(cases: &Path) -> usize {
    let base = base();
    let mut count = 0;
    for (i, (from, to)) in std::iter::once(("", String::new()))
        .chain(variants())
        .enumerate()
    {
        let id = format!("KET-P-{i:02}");
        let mut text = base.clone();
        if !from.is_empty() {
            assert!(text.contains(from), "variant {i}: the base lacks {from:?}");
            text = text.replacen(from, &to, 1);
        }
        let text = text.replace("KET-P-00", &id);
        let folder = cases.join(format!("case-{i:02}"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("case.yaml"), text).unwrap();
        let signed = common::fixture("cases/KET-2026-0101/signed-lmn.pdf");
        std::fs::copy(signed, folder.join("signed-letter.pdf")).unwrap();
        count += 1;
    }
    count
}

/// The markers a report must not contain, including the variants' own.
const MARKERS: &[&str] = &[
    "Zyxwa",
    "Markerson",
    "MRK9931177",
    "9931177",
    "9931.177",
    "1931-07-13",
    "19310713",
    "1931-13-07",
];

fn assert_clean(what: &str, text: &str) {
    for marker in MARKERS {
        assert!(
            !text.contains(marker),
            "{marker:?} leaked into {what}:\n{}",
            text.lines()
                .filter(|l| l.contains(marker))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn no_marker_reaches_any_report() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    let count = write_corpus(&cases);
    assert!(count > 25, "the corpus holds {count} cases");
    let cases = cases.to_str().unwrap();

    for format in ["human", "json"] {
        let checked = run(&["check", cases, "--today", TODAY, "--format", format]);
        assert_eq!(checked.code, 1, "{}", checked.stderr);
        assert_clean(&format!("check --format {format}"), &checked.stdout);
        assert_clean("check's stderr", &checked.stderr);
    }

    let output = dir.path().join("output");
    let junit = dir.path().join("junit.xml");
    let built = run(&[
        "build",
        cases,
        "-o",
        output.to_str().unwrap(),
        "--today",
        TODAY,
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(built.code, 1, "{}", built.stderr);
    assert_clean("build's stdout", &built.stdout);
    assert_clean("build's stderr", &built.stderr);
    for report in [
        "summary.json",
        "summary.md",
        "index.html",
        "deadlines.ics",
        "cases.csv",
        ".appealpack-manifest.json",
    ] {
        let text = std::fs::read_to_string(output.join(report)).unwrap();
        assert_clean(report, &text);
    }
    assert_clean("the JUnit file", &std::fs::read_to_string(&junit).unwrap());

    // The corpus really is broken in many ways: most cases are invalid or need work.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(output.join("summary.json")).unwrap())
            .unwrap();
    let totals = &summary["totals"];
    let broken = totals["invalid"].as_u64().unwrap() + totals["needs_work"].as_u64().unwrap();
    assert!(broken >= 30, "{totals}");
    assert_eq!(
        common::collapse(&summary["cases"][0]["status"].to_string()),
        "\"ready\"",
        "the base case itself loads and passes"
    );
}

#[cfg(unix)]
#[test]
fn links_out_of_the_cases_folder_and_fifos_are_reported_unread() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let secret = format!("SECRET_TOKEN={MEMBER}\nname: {NAME}\n");
    std::fs::write(outside.path().join("env"), &secret).unwrap();
    std::fs::create_dir(outside.path().join("other")).unwrap();
    std::fs::write(outside.path().join("other/case.yaml"), &secret).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir(&cases).unwrap();
    symlink(outside.path().join("env"), cases.join("leak.yaml")).unwrap();
    symlink(outside.path().join("other"), cases.join("other")).unwrap();
    let fifo = cases.join("pipe.yaml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );

    let (code, summary) = common::check_json(&cases);
    assert_eq!(code, 1);
    assert_clean("check's summary", &summary.to_string());
    let errors: Vec<(&str, &str)> = summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["file"].as_str().unwrap(), c["error"].as_str().unwrap()))
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    for (file, error) in errors {
        let why = match file {
            "pipe.yaml" => "not a regular file",
            _ => "leaves the cases folder; its target was not read",
        };
        assert!(error.contains(why), "{file}: {error}");
    }
}
