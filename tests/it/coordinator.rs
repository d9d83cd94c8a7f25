//! The coordinator's week: an intake sheet as Excel saves it imported and updated, events
//! recorded with `sent`, `decided` and `log` without touching the YAML by hand, and a
//! case whose deadline cannot be worked out kept in sight. Every person here is fictional.

use std::path::{Path, PathBuf};

use crate::common;

/// Imports one of the Excel fixtures into a fresh cases folder.
fn import(fixture: &str, extra: &[&str]) -> (tempfile::TempDir, common::Run) {
    let dir = tempfile::tempdir().unwrap();
    let sheet = common::fixture("excel").join(fixture);
    let mut args = vec!["import", sheet.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = common::run_in(dir.path(), &args, &[]);
    (dir, run)
}

/// Returns a case file's parsed YAML.
fn yaml(path: &Path) -> serde_yaml::Value {
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_sheet_saved_by_excel_imports_every_valid_row() {
    for (fixture, extra) in [
        ("intake-utf8.csv", &[][..]),
        ("intake-windows-1252.csv", &[][..]),
        (
            "intake-windows-1252.csv",
            &["--encoding", "windows-1252"][..],
        ),
    ] {
        let (dir, run) = import(fixture, extra);
        let out = format!("{}{}", run.stdout, run.stderr);
        assert_eq!(run.code, 1, "{fixture}: {out}");
        common::assert_has(&run.stdout, "imported 2 of 5 rows; 3 rows have problems\n");
        // The valid rows, with their accents, the multi-line cell and the US dates.
        let x1 = yaml(&dir.path().join("cases/KET-X1/case.yaml"));
        assert_eq!(x1["patient"]["name"], "José Muñoz", "{fixture}");
        assert_eq!(x1["patient"]["date_of_birth"], "1985-03-14");
        assert_eq!(x1["insurer"]["plan_type"], "employer-self-funded");
        assert_eq!(x1["insurer"]["group_number"], "00781");
        assert_eq!(x1["insurer"]["appeal_levels"], 1);
        assert_eq!(x1["denial"]["date"], "2026-11-10");
        assert_eq!(x1["stage"], "internal-appeal");
        assert_eq!(
            x1["notes"],
            "Called the plan on 11/12.\nWaiting for the claim file, \"urgent\"."
        );
        let x4 = yaml(&dir.path().join("cases/KET-X4/case.yaml"));
        assert_eq!(x4["patient"]["name"], "François Lefèvre");
        assert_eq!(x4["insurer"]["plan_type"], "medicaid-managed-care");
        // Each bad row once, by the row the spreadsheet shows (the multi-line cell is one
        // row) and by its case id; never a cell.
        for (row, fact) in [
            ("row 3 (KET-X2)", "two-digit year"),
            ("row 4 (KET-X3)", "not a day of the calendar"),
            ("row 7 (KET-X5)", "did you mean `internal-appeal`?"),
        ] {
            assert_eq!(
                run.stderr.matches(&format!("{row} not imported")).count(),
                1,
                "{row}: {out}"
            );
            let at = run.stderr.find(row).unwrap();
            assert!(run.stderr[at..].contains(fact), "{row}: {out}");
        }
        // One line per column of bad dates says how to format it.
        common::assert_has(&run.stderr, "column M denial_date: a cell is not a date");
        common::assert_has(
            &run.stderr,
            "column C patient_date_of_birth: a cell is not a date",
        );
        // Excel's mangling is warned of, by row and column.
        common::assert_has(&run.stderr, "row 3 (KET-X2): column D patient_member_id");
        common::assert_has(&run.stderr, "row 6 (KET-X4): column G group_number");
        for cell in [
            "Zoë",
            "Renée",
            "1.23457E+11",
            "12/1/26",
            "2/30/1979",
            "Internl",
        ] {
            assert!(
                !out.contains(cell),
                "{fixture}: a cell reached the output:\n{out}"
            );
        }
        let note = run.stderr.contains("read as Windows-1252");
        assert_eq!(note, fixture.contains("1252") && extra.is_empty(), "{out}");
        // `check` loads both.
        let (_, summary) = common::check_json(&dir.path().join("cases"));
        let cases = summary["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 2);
        assert!(cases.iter().all(|c| c["status"] != "invalid"), "{summary}");
    }
}

#[test]
fn a_stray_quote_imports_no_row() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("intake.csv");
    std::fs::write(
        &sheet,
        "id,patient_name,notes\r\nKET-1,Ann Example,\"Call back\r\nKET-2,Bo Example,x\r\n\
         KET-3,Cy Example,said \"\"yes\"\r\n",
    )
    .unwrap();
    let run = common::run_in(dir.path(), &["import", "intake.csv"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    common::assert_has(&run.stderr, "row 2, column C");
    common::assert_has(&run.stderr, "nothing was imported");
    assert!(!dir.path().join("cases").exists());
    assert!(!run.stderr.contains("Example") && !run.stderr.contains("Call back"));
}

#[test]
fn a_template_is_a_sheet_import_reads() {
    let dir = tempfile::tempdir().unwrap();
    let run = common::run_in(dir.path(), &["import", "--template"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("\u{feff}id,stage,prepared_on,"));
    assert!(run.stdout.ends_with("notes\r\n"));
    for column in ["appeal_levels", "sent_on", "decision_outcome"] {
        common::assert_has(&run.stdout, column);
    }
    let sheet = dir.path().join("intake.csv");
    std::fs::write(&sheet, format!("{}KET-T1,Internal Appeal\r\n", run.stdout)).unwrap();
    let import = common::run_in(dir.path(), &["import", "intake.csv"], &[]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert!(import.stderr.is_empty(), "{}", import.stderr);
}

#[test]
fn reimporting_updates_only_the_named_fields_and_keeps_every_comment() {
    let (dir, run) = import("intake-utf8.csv", &[]);
    assert_eq!(run.code, 1);
    let path = dir.path().join("cases/KET-X1/case.yaml");
    // The coordinator adds comments of their own.
    let before = std::fs::read_to_string(&path).unwrap().replace(
        "insurer:\n",
        "insurer:                # checked with HR on 11/20\n",
    ) + "# keep: the member's employer changes plans in January\n";
    std::fs::write(&path, &before).unwrap();

    // Without --update, the cases that exist are reported once, not as problems.
    let sheet = common::fixture("excel").join("intake-utf8.csv");
    let again = common::run_in(dir.path(), &["import", sheet.to_str().unwrap()], &[]);
    common::assert_has(
        &again.stdout,
        "2 cases already imported (use --update to change them): KET-X1, KET-X4\n",
    );
    assert_eq!(again.stdout.matches("already imported (").count(), 1);
    assert!(!again.stderr.contains("KET-X1"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);

    // The corrected sheet: two levels, and the appeal was sent.
    let text = std::fs::read_to_string(&sheet).unwrap();
    let corrected = text
        .replace("Staff\r\n", "Staff,Date Sent,Sent Via,Confirmation\r\n")
        .replace("Self Funded,00781,1,", "Self Funded,00781,2,")
        .replace("\",JA\r\n", "\",JA,12/1/2026,Fax,0042\r\n");
    let corrected_path = dir.path().join("corrected.csv");
    std::fs::write(&corrected_path, corrected).unwrap();
    let update = common::run_in(dir.path(), &["import", "corrected.csv", "--update"], &[]);
    common::assert_has(&update.stdout, "updated cases/KET-X1/case.yaml\n");
    common::assert_has(&update.stdout, "1 updated; 1 unchanged");
    let after = std::fs::read_to_string(&path).unwrap();
    let expected = before.replace("appeal_levels: 1", "appeal_levels: 2")
        + "submission:\n  sent_on: 2026-12-01\n  method: fax\n  confirmation: \"0042\"\n";
    assert_eq!(after, expected);
}

/// Returns the comment lines of a text, in order.
fn comments(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .collect()
}

/// Returns whether every item of `part` appears in `whole`, in order.
fn in_order(part: &[&str], whole: &[&str]) -> bool {
    let mut rest = whole.iter();
    part.iter().all(|p| rest.any(|w| w == p))
}

#[test]
fn events_round_trip_through_check_on_every_bundled_case() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    common::copy_tree(&common::root().join("cases"), &cases);
    let (_, summary) = common::check_json(&cases);
    let listed: Vec<(String, PathBuf)> = summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                cases.join(c["file"].as_str().unwrap()),
            )
        })
        .collect();
    assert!(listed.len() >= 5);
    let dir_arg = cases.to_str().unwrap();
    for (id, path) in &listed {
        let before = std::fs::read_to_string(path).unwrap();
        for args in [
            &[
                "log",
                id,
                "--dir",
                dir_arg,
                "--on",
                "2026-11-20",
                "--with",
                "plan",
                "--how",
                "call",
                "--kind",
                "claim-file-request",
                "--reference",
                "C-1",
                "--note",
                "asked for the claim file: # all of it",
                "--follow-up",
                "2026-12-04",
            ][..],
            &[
                "sent",
                id,
                "--dir",
                dir_arg,
                "--on",
                "2026-11-25",
                "--method",
                // As an advocate types it: the file gets the value as written in case files.
                "Fax",
                "--confirmation",
                "0042",
            ][..],
            &[
                "decided",
                id,
                "--dir",
                dir_arg,
                "--on",
                "2026-11-26",
                "--received",
                "2026-11-26",
                "--outcome",
                "denied",
            ][..],
        ] {
            let run = common::run(args);
            assert_eq!(run.code, 0, "{id} {args:?}: {}", run.stderr);
        }
        let after = std::fs::read_to_string(path).unwrap();
        assert!(
            in_order(&comments(&before), &comments(&after)),
            "{id}: a comment was lost:\n{after}"
        );
        let parsed = yaml(path);
        assert_eq!(parsed["submission"]["sent_on"], "2026-11-25", "{id}");
        assert_eq!(parsed["submission"]["method"], "fax", "{id}");
        assert_eq!(parsed["decision"]["outcome"], "denied", "{id}");
        let contacts = parsed["contacts"].as_sequence().unwrap();
        assert_eq!(
            contacts.last().unwrap()["note"],
            "asked for the claim file: # all of it"
        );
    }
    let (_, summary) = common::check_json(&cases);
    for case in summary["cases"].as_array().unwrap() {
        assert_ne!(case["status"], "invalid", "{case}");
        assert_eq!(case["phase"], "decided", "{case}");
        assert_eq!(case["next_follow_up"], "2026-12-04", "{case}");
        let waiting = case["findings"].as_array().unwrap().iter().any(|f| {
            f["message"] == "claim-file-request of 2026-11-20 waiting 6 days for its answer"
        });
        assert!(waiting, "{case}");
    }
    // Free text stays out of machine reports.
    assert!(!summary.to_string().contains("asked for the claim file"));
}

#[test]
fn an_edit_that_cannot_be_made_safely_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("cases/KET-E1");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("case.yaml");
    // A case file written as one flow mapping loads, but has no line to add a field to.
    let before = "{ id: KET-E1, stage: internal-appeal, prepared_on: 2026-11-20, \
                  patient: { name: A }, insurer: { name: B }, provider: { name: C }, \
                  request: { treatment: D } }\n";
    std::fs::write(&path, before).unwrap();
    let run = common::run_in(
        dir.path(),
        &["sent", "KET-E1", "--on", "2026-11-25", "--method", "fax"],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    common::assert_has(&run.stderr, "the case file was not changed");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let run = common::run_in(
        dir.path(),
        &["sent", "KET-NONE", "--on", "2026-11-25", "--method", "fax"],
        &[],
    );
    assert_eq!(run.code, 2);
    common::assert_has(&run.stderr, "no case under cases has the id KET-NONE");
}

#[test]
fn new_next_keeps_the_comments_of_the_decided_case() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    common::copy_tree(&common::root().join("cases"), &cases);
    let (_, summary) = common::check_json(&cases);
    let decided = summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["decision"]["outcome"] == "denied" && c["next_level"]["stage"].is_string())
        .expect("a bundled case was denied")
        .clone();
    let id = decided["id"].as_str().unwrap();
    let source = std::fs::read_to_string(cases.join(decided["file"].as_str().unwrap())).unwrap();
    let run = common::run_in(dir.path(), &["new", "--next", id, "NEXT-1"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = walk_find(&cases, "NEXT-1");
    let text = std::fs::read_to_string(&written).unwrap();
    let kept: Vec<&str> = comments(&source)
        .into_iter()
        .filter(|l| !l.starts_with("# yaml-language-server"))
        .collect();
    assert!(in_order(&kept, &comments(&text)), "{text}");
    let parsed = yaml(&written);
    assert!(parsed.get("decision").is_none() && parsed.get("submission").is_none());
    assert_eq!(
        parsed["history"].as_sequence().unwrap().last().unwrap()["case"],
        id
    );
}

/// Finds the case file of a folder name under a tree.
fn walk_find(root: &Path, folder: &str) -> PathBuf {
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().unwrap() == folder {
                    return path.join("case.yaml");
                }
                pending.push(path);
            }
        }
    }
    panic!("no folder {folder}")
}

#[test]
fn a_denied_case_without_appeal_levels_is_first_on_the_dashboard_and_in_the_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    common::copy_tree(&common::root().join("cases"), &cases);
    let new = common::run_in(dir.path(), &["new", "KET-U1"], &[]);
    assert_eq!(new.code, 0, "{}", new.stderr);
    let path = cases.join("KET-U1/case.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("  plan_type:  ", "  plan_type: employer-self-funded")
        .replace("  date:        ", "  date: 2026-10-27")
        .replace("  received:    ", "  received: 2026-10-30");
    std::fs::write(&path, text).unwrap();
    for args in [
        &["sent", "KET-U1", "--on", "2026-11-02", "--method", "fax"][..],
        &[
            "decided",
            "KET-U1",
            "--on",
            "2026-11-20",
            "--received",
            "2026-11-23",
            "--outcome",
            "denied",
        ][..],
    ] {
        let run = common::run_in(dir.path(), args, &[]);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        if args[0] == "sent" {
            common::assert_has(
                &run.stdout,
                "warning: KET-U1: insurer.appeal_levels is empty",
            );
        }
    }
    let out = dir.path().join("output");
    let build = common::run(&[
        "build",
        cases.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--today",
        common::TODAY,
        "--quiet",
    ]);
    assert!(build.code <= 1, "{}", build.stderr);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let case = summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "KET-U1")
        .unwrap();
    assert!(
        case["deadline_unknown"]
            .as_str()
            .unwrap()
            .contains("insurer.appeal_levels")
    );
    // The earliest date either reading gives: an external review's four months.
    assert_eq!(case["deadline"]["date"], "2027-03-23");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let first_row = html
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(first_row.contains("KET-U1"), "{first_row}");
    assert!(first_row.contains("at the latest"), "{first_row}");
    let ics = std::fs::read_to_string(out.join("deadlines.ics")).unwrap();
    common::assert_has(&ics, "UID:KET-U1.deadline-unknown@appealpack");
    common::assert_has(&ics, "DTSTART;VALUE=DATE:20261126");
    let csv = std::fs::read_to_string(out.join("cases.csv")).unwrap();
    let row = csv.lines().find(|l| l.starts_with("KET-U1,")).unwrap();
    assert!(
        row.contains("unknown: find out insurer.appeal_levels"),
        "{row}"
    );
}

#[test]
fn the_packet_can_enclose_the_contact_log_as_a_dated_exhibit() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    common::copy_tree(
        &common::root().join("cases/KET-2026-0103"),
        &cases.join("KET-2026-0103"),
    );
    let dir_arg = cases.to_str().unwrap();
    let log = common::run(&[
        "log",
        "KET-2026-0103",
        "--dir",
        dir_arg,
        "--on",
        "2026-11-02",
        "--with",
        "plan",
        "--how",
        "call",
        "--kind",
        "claim-file-request",
        "--reference",
        "CALL-8812",
        "--note",
        "Asked for the claim file and the criteria used",
    ]);
    assert_eq!(log.code, 0, "{}", log.stderr);
    let path = cases.join("KET-2026-0103/case.yaml");
    let text = std::fs::read_to_string(&path).unwrap() + "enclose_contacts: true\n";
    std::fs::write(&path, text).unwrap();
    let out = dir.path().join("output");
    let build = common::run(&[
        "build",
        dir_arg,
        "-o",
        out.to_str().unwrap(),
        "--today",
        common::TODAY,
        "--quiet",
    ]);
    assert!(build.code <= 1, "{}", build.stderr);
    let pdf = common::collapse(&common::pdf_text(&out.join("KET-2026-0103/packet.pdf")));
    common::assert_has(&pdf, "Record of contacts");
    common::assert_has(&pdf, "Claim file request");
    common::assert_has(&pdf, "CALL-8812");
    common::assert_has(&pdf, "November 2, 2026");
    // The note is the advocate's: in the packet, never in the machine reports.
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(!summary.contains("criteria used"));
}
