//! Runs `appealpack build` on the fixture cases, plus a sent and a decided copy of the
//! ready one, and reads `deadlines.ics` back with an independent iCalendar parser (the
//! `ical` crate) and `cases.csv` with the `csv` crate: every event is complete, UIDs are
//! unique and survive a rebuild, and neither file names a patient unless asked.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ical::parser::ical::component::{IcalCalendar, IcalEvent};
use ical::property::Property;
use serde_json::Value;

use crate::common::{TODAY, copy_tree, run};

/// Patient names and member ids of the cases; none may appear without `--show-names`.
const PRIVATE: &[&str] = &[
    "Morgan Ellis",
    "NWH448812",
    "Quinn",
    "Rowan Broken",
    "BRK000111",
    "Avery Sentwell",
    "Blake Decidon",
];

/// A scratch folder with the fixture cases and two more: one sent and awaiting the plan's
/// decision, one whose internal appeal was denied.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    copy_tree(&common::fixture("cases"), &cases);
    let ready = cases.join("KET-2026-0101");
    let text = std::fs::read_to_string(ready.join("case.yaml")).unwrap();
    for (folder, id, name, extra) in [
        (
            "sent",
            "KET-2026-0103",
            "Avery Sentwell",
            "submission: { sent_on: 2026-11-20, method: fax }\n",
        ),
        (
            "decided",
            "KET-2026-0104",
            "Blake Decidon",
            "submission: { sent_on: 2026-10-20, method: fax }\n\
             decision: { date: 2026-11-16, received: 2026-11-18, outcome: denied }\n",
        ),
    ] {
        let to = cases.join(folder);
        copy_tree(&ready, &to);
        let case = text
            .replace("KET-2026-0101", id)
            .replace("Morgan Ellis", name)
            + extra;
        std::fs::write(to.join("case.yaml"), case).unwrap();
    }
    dir
}

/// Runs a build of the scratch cases into `out` with extra arguments.
fn build(dir: &Path, out: &str, extra: &[&str]) -> PathBuf {
    let output = dir.join(out);
    let cases = dir.join("cases");
    let mut args = vec![
        "build",
        cases.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
        "--today",
        TODAY,
    ];
    args.extend_from_slice(extra);
    let built = run(&args);
    assert_eq!(
        built.code, 1,
        "a draft and an invalid case: {}",
        built.stderr
    );
    output
}

/// Parses a calendar file with the `ical` crate, which must find exactly one calendar.
fn parse(ics: &str) -> IcalCalendar {
    let mut calendars: Vec<IcalCalendar> = ical::IcalParser::new(ics.as_bytes())
        .map(|c| c.unwrap_or_else(|e| panic!("{e}: {ics}")))
        .collect();
    assert_eq!(calendars.len(), 1, "{ics}");
    calendars.pop().unwrap()
}

/// Returns the value of a component's property.
fn value<'a>(properties: &'a [Property], name: &str) -> Option<&'a str> {
    properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

fn uids(calendar: &IcalCalendar) -> Vec<String> {
    calendar
        .events
        .iter()
        .map(|e| value(&e.properties, "UID").unwrap().to_owned())
        .collect()
}

fn event<'a>(calendar: &'a IcalCalendar, uid: &str) -> &'a IcalEvent {
    calendar
        .events
        .iter()
        .find(|e| value(&e.properties, "UID") == Some(uid))
        .unwrap_or_else(|| panic!("no event {uid}: {:?}", uids(calendar)))
}

#[test]
fn the_calendar_has_complete_events_with_stable_uids() {
    let dir = scratch();
    let out = build(dir.path(), "out", &[]);
    let first = std::fs::read(out.join("deadlines.ics")).unwrap();
    let text = String::from_utf8(first.clone()).unwrap();
    assert!(
        text.split_inclusive('\n').all(|l| l.ends_with("\r\n")),
        "CRLF line endings"
    );
    assert!(text.split("\r\n").all(|l| l.len() <= 75), "folded lines");

    let calendar = parse(&text);
    assert_eq!(value(&calendar.properties, "VERSION"), Some("2.0"));
    assert!(value(&calendar.properties, "PRODID").is_some());
    assert_eq!(value(&calendar.properties, "CALSCALE"), Some("GREGORIAN"));
    for event in &calendar.events {
        for name in [
            "UID",
            "DTSTAMP",
            "DTSTART",
            "DTEND",
            "SUMMARY",
            "DESCRIPTION",
        ] {
            assert!(
                value(&event.properties, name).is_some(),
                "{name}: {event:?}"
            );
        }
        let start = event
            .properties
            .iter()
            .find(|p| p.name == "DTSTART")
            .unwrap();
        assert_eq!(
            start.params.as_deref(),
            Some([("VALUE".to_owned(), vec!["DATE".to_owned()])].as_slice()),
            "an all-day event"
        );
        let triggers: Vec<&str> = event
            .alarms
            .iter()
            .map(|a| {
                assert_eq!(value(&a.properties, "ACTION"), Some("DISPLAY"));
                assert!(value(&a.properties, "DESCRIPTION").is_some());
                value(&a.properties, "TRIGGER").unwrap()
            })
            .collect();
        assert_eq!(triggers, ["-P14D", "-P3D"], "{event:?}");
    }

    let uids = uids(&calendar);
    let unique: BTreeSet<&String> = uids.iter().collect();
    assert_eq!(unique.len(), uids.len(), "unique UIDs: {uids:?}");
    // The ready and the draft case's filing deadlines, the sent case's decision, the
    // decided case's next level; the invalid case gives nothing.
    assert_eq!(
        unique,
        BTreeSet::from_iter(&[
            "KET-2026-0101.filing.internal-appeal@appealpack".to_owned(),
            "KET-2026-0102.filing.internal-appeal@appealpack".to_owned(),
            "KET-2026-0103.decision.internal-appeal@appealpack".to_owned(),
            "KET-2026-0104.filing.external-review@appealpack".to_owned(),
        ])
    );
    let sent = event(
        &calendar,
        "KET-2026-0103.decision.internal-appeal@appealpack",
    );
    assert_eq!(
        value(&sent.properties, "SUMMARY"),
        Some("KET-2026-0103: decision due (internal appeal)")
    );
    let ready = event(&calendar, "KET-2026-0101.filing.internal-appeal@appealpack");
    assert_eq!(
        value(&ready.properties, "SUMMARY"),
        Some("KET-2026-0101: filing deadline (internal appeal)")
    );
    assert!(
        value(&ready.properties, "DESCRIPTION")
            .unwrap()
            .contains("CFR"),
        "the basis, with its regulation"
    );

    // A rebuild (its packets now unchanged) writes the same bytes.
    let again = build(dir.path(), "out", &[]);
    assert_eq!(std::fs::read(again.join("deadlines.ics")).unwrap(), first);
}

#[test]
fn an_owner_calendar_follows_its_cases_and_goes_when_they_do() {
    let dir = scratch();
    let case = dir.path().join("cases/sent/case.yaml");
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(&case, format!("owner: JA\n{text}")).unwrap();
    let out = build(dir.path(), "out", &[]);
    let ja = uids(&parse(
        &std::fs::read_to_string(out.join("deadlines-JA.ics")).unwrap(),
    ));
    assert!(!ja.is_empty(), "the owner's case has a date to keep");
    assert!(
        ja.iter().all(|uid| uid.starts_with("KET-2026-0103.")),
        "only the owner's case: {ja:?}"
    );

    // The case moves to another advocate: the old calendar must not keep its deadline.
    std::fs::write(&case, format!("owner: MB\n{text}")).unwrap();
    build(dir.path(), "out", &[]);
    assert!(
        !out.join("deadlines-JA.ics").exists(),
        "a stale calendar is left"
    );
    let mb = uids(&parse(
        &std::fs::read_to_string(out.join("deadlines-MB.ics")).unwrap(),
    ));
    assert_eq!(mb, ja);

    // A file of the same shape that is not a regular file is never touched.
    let elsewhere = dir.path().join("keep.ics");
    std::fs::write(&elsewhere, "mine").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&elsewhere, out.join("deadlines-ZZ.ics")).unwrap();
    build(dir.path(), "out", &[]);
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "mine");
}

#[test]
fn the_csv_has_one_row_per_case_matching_the_summary() {
    let dir = scratch();
    let out = build(dir.path(), "out", &[]);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let mut reader = csv::Reader::from_path(out.join("cases.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap(),
        vec![
            "id",
            "status",
            "phase",
            "owner",
            "insurer_name",
            "plan_type",
            "stage",
            "denial_date",
            "deadline",
            "days_left",
            "next_step",
            "decision_due",
            "outcome",
            "blockers"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let cases = summary["cases"].as_array().unwrap();
    assert_eq!(rows.len(), cases.len());
    for (row, case) in rows.iter().zip(cases) {
        let id = case["id"].as_str().or(case["file"].as_str()).unwrap();
        assert_eq!(&row[0], id);
        assert_eq!(&row[1], case["status"].as_str().unwrap(), "{id}");
        assert_eq!(&row[2], case["phase"].as_str().unwrap_or(""), "{id}");
        assert_eq!(&row[13], common::blocker_rules(case).join(";"), "{id}");
        let next = case["next_step"].as_str().unwrap_or("");
        assert!(row[10].ends_with(next), "{id}: the next step in words");
    }
    let row = |id: &str| rows.iter().find(|r| &r[0] == id).unwrap();
    let ready = row("KET-2026-0101");
    assert_eq!(
        (&ready[1], &ready[2], &ready[5], &ready[6]),
        ("ready", "preparing", "aca-marketplace", "internal-appeal")
    );
    assert!(!ready[4].is_empty(), "the insurer");
    assert!(!ready[8].is_empty() && ready[9].parse::<i64>().is_ok());
    assert!(
        !row("KET-2026-0103")[11].is_empty(),
        "the decision due date"
    );
    assert_eq!(&row("broken.yaml")[1], "invalid");

    // The report round-trips through `import` for the columns they share: every row of a
    // case that loaded becomes a case file with the same id, owner, insurer, plan type,
    // stage and denial date.
    let imported = dir.path().join("imported");
    let run = run(&[
        "import",
        out.join("cases.csv").to_str().unwrap(),
        "--dir",
        imported.to_str().unwrap(),
    ]);
    assert_eq!(
        run.code, 1,
        "only the invalid case's row is refused: {}",
        run.stderr
    );
    let loaded: Vec<&csv::StringRecord> = rows.iter().filter(|r| !r[2].is_empty()).collect();
    assert!(loaded.len() >= 3);
    for row in loaded {
        let text = std::fs::read_to_string(imported.join(&row[0]).join("case.yaml"))
            .unwrap_or_else(|e| panic!("{}: {e}: {}", &row[0], run.stderr));
        let case: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(case["id"].as_str(), Some(&row[0]));
        assert_eq!(case["stage"].as_str(), Some(&row[6]), "{}", &row[0]);
        assert_eq!(
            case["insurer"]["plan_type"].as_str(),
            Some(&row[5]),
            "{}",
            &row[0]
        );
        assert_eq!(
            case["insurer"]["name"].as_str(),
            Some(&row[4]),
            "{}",
            &row[0]
        );
        assert_eq!(case["owner"].as_str().unwrap_or(""), &row[3], "{}", &row[0]);
        let denial = case["denial"]["date"].as_str().unwrap_or("");
        assert_eq!(denial, &row[7], "{}", &row[0]);
    }
}

#[test]
fn neither_file_names_a_patient_unless_asked() {
    let dir = scratch();
    let out = build(dir.path(), "out", &[]);
    for file in ["deadlines.ics", "cases.csv"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        for secret in PRIVATE {
            assert!(!text.contains(secret), "{file} shows {secret}");
        }
    }

    let named = build(dir.path(), "named", &["--show-names"]);
    let calendar = parse(&std::fs::read_to_string(named.join("deadlines.ics")).unwrap());
    let sent = event(
        &calendar,
        "KET-2026-0103.decision.internal-appeal@appealpack",
    );
    assert_eq!(
        value(&sent.properties, "SUMMARY"),
        Some("KET-2026-0103 Avery Sentwell: decision due (internal appeal)")
    );
    let csv = std::fs::read_to_string(named.join("cases.csv")).unwrap();
    for secret in PRIVATE {
        assert!(!csv.contains(secret), "cases.csv shows {secret}");
    }
}
