//! The slips an advocate new to YAML makes, replayed: each message names the line to fix
//! and says what to do, in her words, without quoting the case's values.

use std::path::Path;

use crate::common::{TODAY, run};

/// A case that loads: the base every slip is made in.
const GOOD: &str = "\
id: SLIP-0001
stage: internal-appeal
prepared_on: 2026-11-20
patient:
  name: Avery Lindqvist
  date_of_birth: 1984-02-28
  member_id: ZX9912
insurer:
  name: Northwind Health
  plan_type: employer-self-funded
  appeals_address: PO Box 1, Springfield, IL 62701
provider:
  name: Dana Raman
  credentials: MD
  npi: 1234567893
  supports_treatment: true
diagnoses:
  - code: F33.2
    description: Major depressive disorder, recurrent, severe
request:
  treatment: Intravenous ketamine infusion
  sessions: 6
denial:
  date: 2026-11-10
  reason: not-medically-necessary
filed_by: patient
notes: Called the plan
";

/// Writes one case folder holding `text` as `case.yaml` (and any other files), and
/// returns `check`'s output.
fn check_with(text: &str, files: &[(&str, &[u8])]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("SLIP-0001");
    std::fs::create_dir(&case).unwrap();
    std::fs::write(case.join("case.yaml"), text).unwrap();
    for (name, bytes) in files {
        std::fs::write(case.join(name), bytes).unwrap();
    }
    check_dir(dir.path())
}

fn check_dir(dir: &Path) -> (i32, String) {
    let run = run(&["check", dir.to_str().unwrap(), "--today", TODAY]);
    assert!(
        !run.stdout.contains("Avery"),
        "a value is quoted:\n{}",
        run.stdout
    );
    (run.code, run.stdout)
}

fn assert_says(out: &str, expected: &[&str]) {
    for e in expected {
        assert!(out.contains(e), "{e:?} not in:\n{out}");
    }
    for jargon in [
        "mapping values",
        "duplicate entry",
        "(a value)",
        "sequence",
        "in this context",
    ] {
        assert!(!out.contains(jargon), "{jargon:?} in:\n{out}");
    }
}

#[test]
fn the_base_case_loads() {
    let (_, out) = check_with(GOOD, &[]);
    assert!(!out.contains("case.yaml:"), "{out}");
}

#[test]
fn a_colon_in_unquoted_text_says_to_quote_it() {
    let text = GOOD.replace(
        "notes: Called the plan",
        "notes: Called the plan: no answer",
    );
    let (code, out) = check_with(&text, &[]);
    assert_eq!(code, 1);
    assert_says(
        &out,
        &[
            "case.yaml:27:",
            "the text after `notes:` on this line is not read as text",
            "it holds `: `",
            "put the whole text in straight double quotes: \"...\"",
        ],
    );
}

#[test]
fn curly_quotes_are_named_as_word_quotes() {
    let text = GOOD.replace(
        "notes: Called the plan",
        "notes: \u{201c}Called the plan: no answer\u{201d}",
    );
    let (_, out) = check_with(&text, &[]);
    assert_says(
        &out,
        &[
            "case.yaml:27:",
            "curly quotes",
            "put the whole text in straight double quotes",
        ],
    );
}

#[test]
fn a_forgotten_dash_names_the_repeated_key_and_its_line() {
    let text = GOOD.replace(
        "    description: Major depressive disorder, recurrent, severe\n",
        "    description: Major depressive disorder, recurrent, severe\n    code: F41.1\n    description: Generalized anxiety disorder\n",
    );
    let (_, out) = check_with(&text, &[]);
    assert_says(
        &out,
        &[
            "case.yaml:20:5: diagnoses[0]: a second `code:` in the same item: did you start a new diagnosis without `- `?",
        ],
    );
}

#[test]
fn values_from_a_list_are_forgiven_their_case_and_spaces() {
    let text = GOOD
        .replace("stage: internal-appeal", "stage: Internal Appeal")
        .replace(
            "plan_type: employer-self-funded",
            "plan_type: Employer self-funded",
        )
        .replace(
            "reason: not-medically-necessary",
            "reason: Not medically necessary",
        );
    let (_, out) = check_with(&text, &[]);
    assert!(!out.contains("case.yaml:"), "{out}");
    let (_, out) = check_with(
        &GOOD.replace("stage: internal-appeal", "stage: Internal Apeal"),
        &[],
    );
    assert_says(&out, &["case.yaml:2:8:", "did you mean `internal-appeal`?"]);
}

#[test]
fn a_case_file_saved_with_another_ending_is_named_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    for (folder, name) in [
        ("A-1", "case.yaml"),
        ("B-2", "case.yaml.txt"),
        ("C-3", "case.yaml "),
    ] {
        let case = dir.path().join(folder);
        std::fs::create_dir(&case).unwrap();
        std::fs::write(case.join(name), GOOD.replace("SLIP-0001", folder)).unwrap();
    }
    let (code, out) = check_dir(dir.path());
    assert_eq!(code, 1, "{out}");
    assert_says(
        &out,
        &[
            "B-2/case.yaml.txt",
            "saved with another ending",
            "rename it to end in `.yaml`",
        ],
    );
    assert!(out.contains("C-3/case.yaml "), "{out}");
}

#[test]
fn a_file_named_without_its_ending_suggests_the_ending() {
    let text =
        format!("{GOOD}attachments:\n  - {{ file: Denial Letter, title: The plan's denial }}\n");
    let (_, out) = check_with(&text, &[("Denial Letter.pdf", b"%PDF-1.4\n")]);
    assert_says(
        &out,
        &[
            "attachments[0].file: does not exist in the case folder; did you mean the file with `.pdf` at the end?",
            "add `.pdf` to the name",
        ],
    );
    assert!(
        !out.contains("Denial Letter"),
        "the file name is quoted:\n{out}"
    );
}

/// A JPEG as a phone takes it: landscape pixels with an EXIF tag saying "turn it upright".
fn phone_photo() -> Vec<u8> {
    use image::ImageEncoder;
    let pixels = image::RgbImage::from_fn(300, 200, |x, _| image::Rgb([(x % 256) as u8, 90, 90]));
    let mut bytes = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 80);
    // A little-endian TIFF block with one entry: Orientation (0x0112) = 6, rotate 90°.
    let exif = [
        0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0,
    ];
    encoder.set_exif_metadata(exif.to_vec()).unwrap();
    encoder
        .write_image(pixels.as_raw(), 300, 200, image::ExtendedColorType::Rgb8)
        .unwrap();
    bytes
}

#[test]
fn a_phone_photo_of_the_signed_letter_is_enclosed() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("cases/SLIP-0001");
    std::fs::create_dir_all(&case).unwrap();
    let text = format!("{GOOD}letter_of_medical_necessity:\n  file: signed letter.jpg\n");
    std::fs::write(case.join("case.yaml"), text).unwrap();
    std::fs::write(case.join("signed letter.jpg"), phone_photo()).unwrap();
    let (build, out) = crate::common::build_folder(dir.path());
    assert!(build.code <= 1, "{}", build.stderr);
    assert!(
        !build.stderr.contains("letter_of_medical_necessity"),
        "{}",
        build.stderr
    );
    let text = crate::common::pdf_text(&out.join("SLIP-0001/packet.pdf"));
    assert!(
        text.contains("Signed by the treating provider; 1 page follows."),
        "{text}"
    );
}

#[test]
fn a_trial_known_only_by_its_length_is_shown_as_such_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("cases/SLIP-0001");
    std::fs::create_dir_all(&case).unwrap();
    let text = format!(
        "{GOOD}prior_treatments:\n  - {{ name: Sertraline, kind: antidepressant, duration_weeks: 10, outcome: inadequate-response }}\n  - {{ name: Bupropion, kind: antidepressant, started: 2025-01-06, ended: 2025-03-31, outcome: inadequate-response }}\n"
    );
    std::fs::write(case.join("case.yaml"), text).unwrap();
    let (build, out) = crate::common::build_folder(dir.path());
    assert!(build.code <= 1, "{}", build.stderr);
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(
        !summary.contains("antidepressant trial"),
        "counted: {summary}"
    );
    let text = crate::common::collapse(&crate::common::pdf_text(&out.join("SLIP-0001/packet.pdf")));
    assert!(
        text.contains("Sertraline Antidepressant — not known — 10"),
        "{text}"
    );
}
