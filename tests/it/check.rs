//! Runs `appealpack check` on fixture folders and asserts the summary document and exit codes.

use crate::common;

use std::path::PathBuf;

use serde_json::Value;

use crate::common::run as appealpack;

fn fixtures(name: &str) -> PathBuf {
    common::fixture("check").join(name)
}

fn check_json(folder: &str) -> (i32, Value, String) {
    let path = fixtures(folder);
    let out = appealpack(&[
        "check",
        path.to_str().unwrap(),
        "--today",
        "2026-11-26",
        "--format",
        "json",
    ]);
    let json: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    (out.code, json, out.stdout)
}

fn case<'a>(summary: &'a Value, file: &str) -> &'a Value {
    summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["file"] == file)
        .unwrap_or_else(|| panic!("no case {file}"))
}

#[test]
fn mixed_folder_summary() {
    let (code, summary, stdout) = check_json("mixed");
    assert_eq!(code, 1);
    assert_eq!(summary["appealpack"], env!("CARGO_PKG_VERSION"));
    assert_eq!(summary["today"], "2026-11-26");
    assert_eq!(
        summary["totals"],
        serde_json::json!({"cases": 4, "ready": 1, "needs_work": 1, "invalid": 2, "failed": 0})
    );
    let files: Vec<&str> = summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "broken.yaml",
            "ready/case.yaml",
            "sub/weak.yml",
            "typo.yaml"
        ]
    );

    let ready = case(&summary, "ready/case.yaml");
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["id"], "FIX-READY");
    assert_eq!(ready["stage"], "internal-appeal");
    assert_eq!(ready["deadline"]["date"], "2027-04-03");
    assert_eq!(ready["deadline"]["days_left"], 128);
    assert!(ready["error"].is_null() && ready["packet"].is_null());

    let weak = case(&summary, "sub/weak.yml");
    assert_eq!(weak["status"], "needs-work");
    assert_eq!(weak["deadline"]["date"], "2026-12-05");
    let rules: Vec<(&str, &str)> = weak["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    for expected in [
        ("provider", "blocker"),
        ("lmn", "blocker"),
        ("prior-treatments", "blocker"),
        ("deadline", "warning"),
        ("testimonials", "warning"),
    ] {
        assert!(rules.contains(&expected), "{expected:?} not in {rules:?}");
    }

    let broken = case(&summary, "broken.yaml");
    assert_eq!(broken["status"], "invalid");
    assert!(broken["id"].is_null());
    let error = broken["error"].as_str().unwrap();
    assert!(
        error.ends_with("broken.yaml:6:18: patient.date_of_birth: not a valid date (YYYY-MM-DD, e.g. 2026-11-20)"),
        "{error}"
    );
    let typo = case(&summary, "typo.yaml")["error"].as_str().unwrap();
    assert!(
        typo.contains("typo.yaml:4:1: unknown field `patinet`"),
        "{typo}"
    );

    for private in ["Fixture Patient", "MEMBER-READY-001", "MEMBER-WEAK-002"] {
        assert!(
            !stdout.contains(private),
            "{private} leaked into the summary"
        );
    }
}

#[test]
fn duplicate_ids_are_both_reported() {
    let (code, summary, _) = check_json("dupes");
    assert_eq!(code, 1);
    assert_eq!(summary["totals"]["invalid"], 2);
    let a = case(&summary, "a.yaml")["error"].as_str().unwrap();
    let b = case(&summary, "b.yaml")["error"].as_str().unwrap();
    assert!(
        a.ends_with("duplicate id \"FIX-DUP\", also used by b.yaml"),
        "{a}"
    );
    assert!(
        b.ends_with("duplicate id \"FIX-DUP\", also used by a.yaml"),
        "{b}"
    );
}

#[test]
fn exit_codes() {
    let ready = fixtures("mixed/ready/case.yaml");
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&ready, dir.path().join("ready.yaml")).unwrap();
    std::fs::copy(
        fixtures("mixed/ready/signed-letter.pdf"),
        dir.path().join("signed-letter.pdf"),
    )
    .unwrap();
    let folder = dir.path().to_str().unwrap();
    let ok = appealpack(&["check", folder, "--today", "2026-11-26"]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    // The ready fixture has no warnings either, so --strict stays 0 ...
    let strict = appealpack(&["check", folder, "--today", "2026-11-26", "--strict"]);
    assert_eq!(strict.code, 0);
    // ... until a warning appears: drop the patient statement.
    let text = std::fs::read_to_string(&ready).unwrap();
    std::fs::write(
        dir.path().join("ready.yaml"),
        text.replace("patient_statement: I want my life back.\n", ""),
    )
    .unwrap();
    let strict = appealpack(&["check", folder, "--today", "2026-11-26", "--strict"]);
    assert_eq!(strict.code, 1);
    let lenient = appealpack(&["check", folder, "--today", "2026-11-26"]);
    assert_eq!(lenient.code, 0);

    let missing = appealpack(&["check", "/nonexistent/cases"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("/nonexistent/cases"));
    let usage = appealpack(&["check", "--today", "26/11/2026"]);
    assert_eq!(usage.code, 2);
    let no_templates = appealpack(&["check", folder, "--templates", "/nonexistent/templates"]);
    assert_eq!(no_templates.code, 2);
}

#[test]
fn human_output_groups_findings_by_case() {
    let path = fixtures("mixed");
    let out = appealpack(&["check", path.to_str().unwrap(), "--today", "2026-11-26"]);
    let text = out.stdout;
    assert!(!text.contains('\u{1b}'), "colour without a terminal");
    let weak = text.find("needs-work FIX-WEAK").expect(&text);
    let npi = text
        .find("blocker  provider: provider.npi is not a valid NPI")
        .expect(&text);
    assert!(npi > weak);
    assert!(
        text.contains("4 cases, 1 ready, 1 need work, 2 invalid, 0 failed"),
        "{text}"
    );
    assert!(!text.contains("Fixture Patient"));
}

#[test]
fn schema_command_matches_the_committed_schema() {
    let out = appealpack(&["schema"]);
    assert_eq!(out.code, 0);
    let committed =
        std::fs::read_to_string(common::root().join("schema/case.schema.json")).unwrap();
    assert_eq!(
        out.stdout, committed,
        "schema/case.schema.json is stale: run `cargo run -- schema > schema/case.schema.json`"
    );
    let schema: Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn the_field_reference_is_generated_from_the_schema() {
    let out = appealpack(&["schema", "--markdown"]);
    assert_eq!(out.code, 0);
    let committed = std::fs::read_to_string(common::root().join("docs/fields.md")).unwrap();
    assert_eq!(
        out.stdout, committed,
        "docs/fields.md is stale: run `cargo run -- schema --markdown > docs/fields.md`"
    );
    // Every field of the schema has its row, nested ones by their dotted path.
    let schema: Value = serde_json::from_str(&appealpack(&["schema"]).stdout).unwrap();
    for field in schema["properties"].as_object().unwrap().keys() {
        assert!(
            committed.contains(&format!("| `{field}` |")),
            "{field} has no row"
        );
    }
    for field in schema["definitions"]["Denial"]["properties"]
        .as_object()
        .unwrap()
        .keys()
    {
        assert!(
            committed.contains(&format!("| `denial.{field}` |")),
            "denial.{field}"
        );
    }
}

#[test]
fn bundled_cases_carry_the_schema_modeline() {
    let root = common::root().join("cases");
    let mut count = 0;
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            let text = std::fs::read_to_string(path).unwrap();
            let first = text.lines().next().unwrap_or("");
            assert!(
                first.starts_with("# yaml-language-server: $schema=")
                    && first.ends_with("schema/case.schema.json"),
                "{} lacks the modeline",
                path.display()
            );
            let target = path
                .parent()
                .unwrap()
                .join(first.trim_start_matches("# yaml-language-server: $schema="));
            assert!(
                target.exists(),
                "{} points at a missing schema",
                path.display()
            );
            count += 1;
        }
    }
    assert!(count >= 8, "only {count} bundled cases");
}

#[test]
fn new_writes_a_skeleton_that_loads_and_fails_only_on_blanks() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    let out = appealpack(&["new", "KET-NEW-1", "--dir", cases.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let again = appealpack(&["new", "KET-NEW-1", "--dir", cases.to_str().unwrap()]);
    assert_eq!(again.code, 2, "must not overwrite");
    let bad = appealpack(&["new", "../escape", "--dir", cases.to_str().unwrap()]);
    assert_eq!(bad.code, 2);

    let (code, summary, _) = {
        let out = appealpack(&[
            "check",
            cases.to_str().unwrap(),
            "--today",
            "2026-11-26",
            "--format",
            "json",
        ]);
        let json: Value = serde_json::from_str(&out.stdout).unwrap();
        (out.code, json, ())
    };
    assert_eq!(code, 1);
    let case = &summary["cases"][0];
    assert_eq!(case["status"], "needs-work", "{case:#}");
    let rules = common::blocker_rules(case);
    // Blank fields the advocate must fill in; evidence and peer review come pre-filled.
    for rule in ["provider", "lmn", "diagnosis", "insurer-policy", "denial"] {
        assert!(rules.contains(&rule), "{rule} not in {rules:?}");
    }
    for rule in ["evidence", "peer-review", "attachments"] {
        assert!(
            !rules.contains(&rule),
            "{rule} should pass in a fresh skeleton"
        );
    }
}

#[test]
fn rules_command_lists_every_rule() {
    let out = appealpack(&["rules"]);
    let text = out.stdout;
    // Every rule of the checklist, from the one list of rule ids.
    for id in appealpack::checklist::RuleId::ALL
        .iter()
        .map(|r| r.as_str())
    {
        assert!(text.contains(&format!("| {id} |")), "{id} missing");
    }
}

#[test]
fn a_closed_standard_output_ends_quietly() {
    // `appealpack schema | head -1`: the reader is gone before appealpack writes.
    // The reader has gone: the command ends with 0, as ripgrep does.
    let commands = [
        (&["schema"][..], 0),
        (&["rules"], 0),
        (&["check", "cases", "--today", "2026-11-26"], 0),
        (
            &[
                "check",
                "cases",
                "--today",
                "2026-11-26",
                "--format",
                "json",
            ],
            0,
        ),
    ];
    for (args, code) in commands {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_appealpack"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(writer)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
}

#[cfg(unix)]
#[test]
fn control_characters_never_reach_the_terminal_raw() {
    // A file name that would retitle the terminal and clear the screen if printed raw.
    let dir = tempfile::tempdir().unwrap();
    let name = "\u{1b}]0;pwned\u{7}\u{1b}[2J.yaml";
    std::fs::write(dir.path().join(name), "id: [unclosed\n").unwrap();
    let out = appealpack(&[
        "check",
        dir.path().to_str().unwrap(),
        "--today",
        "2026-11-26",
    ]);
    assert_eq!(out.code, 1);
    for text in [&out.stdout, &out.stderr] {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
    }
    assert!(out.stdout.contains("\\u{1b}]0;pwned"), "{}", out.stdout);
}

#[test]
fn the_readme_yaml_primer_is_valid_yaml_of_case_fields() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let primer = readme
        .split("## YAML in one screen")
        .nth(1)
        .and_then(|s| s.split("```yaml\n").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("the README has a YAML primer");
    let value: serde_yaml::Value = serde_yaml::from_str(primer).expect("the primer parses");
    let schema: Value = serde_json::from_str(&appealpack(&["schema"]).stdout).unwrap();
    for key in value.as_mapping().unwrap().keys() {
        let key = key.as_str().unwrap();
        assert!(
            schema["properties"].get(key).is_some(),
            "`{key}` is not a field"
        );
    }
    assert_eq!(value["insurer"]["name"].as_str(), Some("Acme: Gold Plan"));
    assert!(
        value["letter_of_medical_necessity"]["draft"]
            .as_str()
            .unwrap()
            .contains("\n\n")
    );
}
