//! `appealpack import`: an intake spreadsheet becomes case files that `check` loads; bad
//! rows are reported by row, case id, column and field without their cells, and nothing
//! that exists is overwritten. Every value here is fictional.

use crate::common;

use std::path::Path;

/// A value no message may repeat: it stands in for a patient's data in the bad cells.
const MARKER: &str = "Quuxbergia";

/// The intake columns the tests fill in, after `id` and `stage`.
const INTAKE: &str = "plan_type,patient_name,patient_date_of_birth,insurer_name,provider_name,\
                      diagnoses,treatment,codes,sessions,denial_date,denial_received,evidence";

/// The rest of a good row, after its id and stage.
fn good_cells(plan_type: &str) -> String {
    format!(
        "{plan_type},Ann Example,1986-02-03,Example Health,Dr Jo Sample,\
         F33.2 Major depressive disorder,IV ketamine infusion,96365;96366;J3490,6,\
         2026-11-10,2026-11-14,murrough-2013;anand-2023"
    )
}

/// Returns the cases under a folder that `check --format json` lists, by id.
fn checked(cases: &Path) -> Vec<(String, String)> {
    let (_, summary) = common::check_json(cases);
    summary["cases"]
        .as_array()
        .expect("a list of cases")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or("").to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn good_rows_are_written_and_bad_rows_reported_without_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    // A case that exists: its id comes again in the sheet, and its file must not change.
    let existing = cases.join("IMP-OLD/case.yaml");
    let new = common::run_in(dir.path(), &["new", "IMP-OLD"], &[]);
    assert_eq!(new.code, 0, "{}", new.stderr);
    let before = std::fs::read(&existing).unwrap();

    let good = good_cells("employer-self-funded");
    let csv = format!(
        "id,stage,{INTAKE},Colour\n\
         IMP-1,internal-appeal,{good},blue\n\
         IMP-2,prior-authorization,{good},\n\
         IMP-BADDATE,internal-appeal,{bad_date},\n\
         IMP-BADSTAGE,{MARKER}-appeal,{good},\n\
         ,internal-appeal,{good},\n\
         IMP-1,internal-appeal,{good},\n\
         IMP-OLD,internal-appeal,{good},\n\
         IMP-3,external-review,{good},\n",
        bad_date = good.replace("1986-02-03", &format!("1986-{MARKER}")),
    );
    std::fs::write(dir.path().join("intake.csv"), &csv).unwrap();

    let run = common::run_in(dir.path(), &["import", "intake.csv"], &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let out = format!("{}{}", run.stdout, run.stderr);

    for id in ["IMP-1", "IMP-2", "IMP-3"] {
        let path = format!("cases/{id}/case.yaml");
        common::assert_has(&run.stdout, &format!("wrote {path}\n"));
        let text = std::fs::read_to_string(dir.path().join(&path)).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../../schema/case.schema.json\n"),
            "{text}"
        );
    }
    common::assert_has(
        &run.stdout,
        "imported 3 of 8 rows; 1 already imported; 4 rows have problems\n",
    );
    common::assert_has(
        &run.stdout,
        "1 case already imported (use --update to change it): IMP-OLD\n",
    );

    // Each bad row once, by its spreadsheet row and case id, each problem at its column.
    common::assert_has(
        &run.stderr,
        "intake.csv: row 4 (IMP-BADDATE) not imported:\n  column E patient_date_of_birth \
         (field patient.date_of_birth): not a date",
    );
    common::assert_has(
        &run.stderr,
        "intake.csv: row 5 (IMP-BADSTAGE) not imported:\n  column B stage (field stage): \
         not one of the allowed values",
    );
    common::assert_has(
        &run.stderr,
        "intake.csv: row 6 (no id) not imported:\n  column A id (field id): missing",
    );
    common::assert_has(
        &run.stderr,
        "intake.csv: row 7 (IMP-1) not imported:\n  column A id (field id): the same id as row 2",
    );
    common::assert_has(
        &run.stderr,
        "intake.csv: column E patient_date_of_birth: a cell is not a date appealpack can read \
         (rows 4)",
    );
    // The unknown header is named by its column letter, never by its text.
    common::assert_has(&run.stderr, "the header of column O names no known column");
    assert!(!run.stderr.contains("Colour") && !run.stderr.contains("colour"));
    assert_eq!(
        run.stderr.matches("names no known column").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(!out.contains(MARKER), "a cell reached the output:\n{out}");
    assert!(
        !out.contains("Ann Example"),
        "a name reached the output:\n{out}"
    );

    // Bad rows wrote nothing; the case that existed is as it was.
    for id in ["IMP-BADDATE", "IMP-BADSTAGE"] {
        assert!(!cases.join(id).exists(), "{id} was written");
    }
    assert_eq!(std::fs::read(&existing).unwrap(), before);
    let folders = std::fs::read_dir(&cases).unwrap().count();
    assert_eq!(folders, 4, "IMP-OLD and the three imported cases");

    // `check` loads every imported case: none is invalid.
    let statuses = checked(&cases);
    assert_eq!(statuses.len(), 4, "{statuses:?}");
    for (id, status) in &statuses {
        assert_ne!(status, "invalid", "{id} did not load");
    }

    // Importing again writes nothing over what is there.
    let again = common::run_in(dir.path(), &["import", "intake.csv"], &[]);
    assert_eq!(again.code, 1);
    common::assert_has(
        &again.stdout,
        "imported 0 of 8 rows; 4 already imported; 4 rows have problems\n",
    );
    assert_eq!(std::fs::read(&existing).unwrap(), before);
}

#[test]
fn a_cases_csv_report_round_trips_through_import() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        (
            "RT-1",
            "internal-appeal",
            "employer-self-funded",
            "needs-work",
            "13",
            "letter-signed;denial-notice",
        ),
        (
            "RT-2",
            "prior-authorization",
            "aca-marketplace",
            "ready",
            "",
            "",
        ),
        (
            "RT-3",
            "external-review",
            "medicare-advantage",
            "needs-work",
            "-2",
            "deadline-passed",
        ),
        ("RT-4", "second-level-appeal", "", "invalid", "", ""),
    ];
    let mut csv = String::from(
        "id,status,phase,plan_type,stage,deadline,days_left,decision_due,blockers,\
         patient_name,insurer_name,provider_name,treatment\n",
    );
    for (id, stage, plan_type, status, days_left, blockers) in rows {
        csv.push_str(&format!(
            "{id},{status},appeal,{plan_type},{stage},2026-12-09,{days_left},,{blockers},\
             Ann Example,Example Health,Dr Jo Sample,IV ketamine infusion\n"
        ));
    }
    std::fs::write(dir.path().join("cases.csv"), &csv).unwrap();

    let run = common::run_in(
        dir.path(),
        &["import", "cases.csv", "--dir", "imported"],
        &[],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        !run.stderr.contains("names no known column"),
        "report columns are passed over silently: {}",
        run.stderr
    );
    common::assert_has(&run.stdout, "imported 4 of 4 rows\n");

    for (id, stage, plan_type, ..) in rows {
        let path = dir.path().join("imported").join(id).join("case.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        let case: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(case["id"].as_str(), Some(id));
        assert_eq!(case["stage"].as_str(), Some(stage));
        let written = case["insurer"]["plan_type"].as_str().unwrap_or("");
        assert_eq!(written, plan_type, "{id}");
    }
    let statuses = checked(&dir.path().join("imported"));
    assert!(statuses.iter().all(|(_, s)| s != "invalid"), "{statuses:?}");
}

#[test]
fn file_errors_exit_2_and_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let run = common::run_in(dir.path(), &["import", "missing.csv"], &[]);
    assert_eq!(run.code, 2);
    common::assert_has(&run.stderr, "missing.csv");

    std::fs::write(
        dir.path().join("no-header.csv"),
        format!("{MARKER},1986-02-03\n"),
    )
    .unwrap();
    let run = common::run_in(dir.path(), &["import", "no-header.csv"], &[]);
    assert_eq!(run.code, 2);
    common::assert_has(&run.stderr, "no-header.csv: no `id` column");
    assert!(!run.stderr.contains(MARKER), "{}", run.stderr);
    assert!(!dir.path().join("cases").exists());

    std::fs::write(dir.path().join("latin1.csv"), b"id,notes\nX-1,caf\xe9\n").unwrap();
    let run = common::run_in(
        dir.path(),
        &["import", "latin1.csv", "--encoding", "utf8"],
        &[],
    );
    assert_eq!(run.code, 2);
    common::assert_has(&run.stderr, "latin1.csv: the file is not UTF-8 text");
    assert!(!dir.path().join("cases").exists());
}

#[test]
fn a_cell_of_several_denial_reasons_is_written_as_the_list_of_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let good = good_cells("employer-self-funded");
    // The sheet's own header for the column; one cell separates by `,`, one by `;`.
    let csv = format!(
        "id,stage,{INTAKE},Reasons for denial\n\
         IMP-TWO,internal-appeal,{good},\"Not Medically Necessary, experimental_investigational\"\n\
         IMP-STEP,internal-appeal,{good},step therapy; Missing Information\n\
         IMP-BAD,internal-appeal,{good},not medically necessary; {MARKER}\n"
    );
    std::fs::write(dir.path().join("intake.csv"), &csv).unwrap();
    let run = common::run_in(dir.path(), &["import", "intake.csv"], &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);

    let two = std::fs::read_to_string(dir.path().join("cases/IMP-TWO/case.yaml")).unwrap();
    common::assert_has(
        &two,
        "  reasons:\n  - not-medically-necessary\n  - experimental-investigational\n",
    );
    let step = std::fs::read_to_string(dir.path().join("cases/IMP-STEP/case.yaml")).unwrap();
    common::assert_has(
        &step,
        "  reasons:\n  - step-therapy\n  - missing-information\n",
    );
    // The written case files load: `check` lists both, neither invalid.
    let loaded = checked(&dir.path().join("cases"));
    assert_eq!(loaded.len(), 2, "{loaded:?}");
    assert!(
        loaded.iter().all(|(_, status)| status != "invalid"),
        "{loaded:?}"
    );
    // A reason that is no reason is the row's problem, named by column, never quoted.
    common::assert_has(
        &run.stderr,
        "intake.csv: row 4 (IMP-BAD) not imported:\n  column O denial_reasons \
         (field denial.reasons): not one of the allowed values",
    );
    assert!(!run.stderr.contains(MARKER), "{}", run.stderr);
    assert!(!dir.path().join("cases/IMP-BAD").exists());
}
