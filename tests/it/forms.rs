//! The forms an advocate must get signed, made for her: a case blocked only by the
//! representative rule gets `authorization-for-signature.pdf`, holding every element its
//! program requires, and loses it once the signed appointment is named.

use crate::common::{copy_tree, fixture, pdf_text};

/// Builds the ready fixture case without its signed appointment, on `plan_type`, and
/// returns the summary's case, the appointment's text and the output folder.
fn build_without_appointment(plan_type: &str) -> (serde_json::Value, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("cases/KET-2026-0101");
    copy_tree(&fixture("cases/KET-2026-0101"), &case);
    let file = case.join("case.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text
        .replace(
            "representative_authorization: appointment-of-representative.pdf\n",
            "",
        )
        .replace(
            "plan_type: aca-marketplace",
            &format!("plan_type: {plan_type}"),
        );
    std::fs::write(&file, text).unwrap();
    let (build, out) = crate::common::build_folder(dir.path());
    assert_eq!(build.code, 1, "{}", build.stderr);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let case = summary["cases"][0].clone();
    let form = out.join("KET-2026-0101/authorization-for-signature.pdf");
    assert!(form.is_file(), "no appointment to sign: {case:#}");
    (case, pdf_text(&form), dir)
}

#[test]
fn a_medicare_case_gets_an_appointment_with_the_elements_of_405_910() {
    let (case, text, dir) = build_without_appointment("medicare-advantage");
    let rules: Vec<&str> = crate::common::blocker_rules(&case);
    assert_eq!(rules, ["representative"], "{case:#}");
    let blocker = case["findings"][0]["message"].as_str().unwrap();
    assert!(
        blocker.contains("authorization-for-signature.pdf")
            && blocker.contains("42 CFR 405.910(c)"),
        "{blocker}"
    );
    let text = crate::common::collapse(&text);
    for element in [
        "Appointment of representative",
        // (c)(4): both parties' names, phone numbers and addresses.
        "Name",
        "Address",
        "Phone",
        // (c)(5): the Medicare number, under its own name.
        "Medicare number",
        // (c)(6): the representative's professional status.
        "Professional status",
        // (c)(2): the appointment and the release of health information.
        "to act as my representative",
        "to release my identifiable health information",
        // (c)(3): purpose and scope.
        "Purpose and scope",
        // (c)(1): signed and dated by both, with the representative's acceptance.
        "Signature of the patient",
        "Signature of the representative",
        "accept this appointment",
        "Date",
        "42 CFR 405.910(c)",
        "Form CMS-1696",
    ] {
        assert!(text.contains(element), "{element:?} not in:\n{text}");
    }
    // Signed and named, the form is gone and the case is ready.
    let case_dir = dir.path().join("cases/KET-2026-0101");
    let file = case_dir.join("case.yaml");
    let signed = format!(
        "{}representative_authorization: appointment-of-representative.pdf\n",
        std::fs::read_to_string(&file).unwrap()
    );
    std::fs::write(&file, signed).unwrap();
    let (build, out) = crate::common::build_folder(dir.path());
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(
        !out.join("KET-2026-0101/authorization-for-signature.pdf")
            .exists()
    );
}

#[test]
fn an_employer_case_gets_the_plan_procedure_and_a_note_to_use_the_plan_form() {
    let (_, text, _dir) = build_without_appointment("employer-self-funded");
    let text = crate::common::collapse(&text);
    for element in [
        "Member ID",
        "29 CFR 2560.503-1(b)(4)",
        "use the plan's form instead",
        "Signature of the patient",
        "Signature of the representative",
    ] {
        assert!(text.contains(element), "{element:?} not in:\n{text}");
    }
    assert!(!text.contains("Medicare"), "{text}");
}
