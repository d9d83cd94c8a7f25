//! `check` and `build` judge every case alike: the same status and the same blocker rules,
//! over the bundled cases, every fixture folder, and cases whose files are damaged.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{TODAY, check_json, copy_tree, run};

/// Each case's status and blocker rules, by case file.
type Verdicts = BTreeMap<String, (String, Vec<String>)>;

fn verdicts(summary: &Value) -> Verdicts {
    summary["cases"]
        .as_array()
        .expect("a summary lists its cases")
        .iter()
        .map(|case| {
            let blockers = common::blocker_rules(case)
                .into_iter()
                .map(str::to_owned)
                .collect();
            let status = case["status"].as_str().expect("a status").to_owned();
            (
                case["file"].as_str().expect("a file").to_owned(),
                (status, blockers),
            )
        })
        .collect()
}

/// Builds a cases folder and returns the summary it wrote.
fn build_summary(cases: &Path) -> Value {
    let output = tempfile::tempdir().unwrap();
    let built = run(&[
        "build",
        cases.to_str().unwrap(),
        "-o",
        output.path().to_str().unwrap(),
        "--today",
        TODAY,
        "--quiet",
    ]);
    assert!(built.code <= 1, "build failed: {}", built.stderr);
    let text = std::fs::read_to_string(output.path().join("summary.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Copies the ready fixture case once per kind of damage, each with one file spoiled.
fn damaged_cases(dir: &Path) -> PathBuf {
    let ready = common::fixture("cases/KET-2026-0101");
    let damaged = common::fixture("damaged");
    let notice = std::fs::read(ready.join("denial-notice.pdf")).unwrap();
    let card = std::fs::read(ready.join("insurance-card.png")).unwrap();
    let spoil: [(&str, &str, Vec<u8>); 6] = [
        (
            "encrypted",
            "denial-notice.pdf",
            std::fs::read(damaged.join("encrypted.pdf")).unwrap(),
        ),
        (
            "no-pages",
            "denial-notice.pdf",
            std::fs::read(damaged.join("no-pages.pdf")).unwrap(),
        ),
        ("truncated-pdf", "denial-notice.pdf", notice[..40].to_vec()),
        ("not-a-pdf", "signed-lmn.pdf", b"%PDF-1.4\nbroken".to_vec()),
        (
            "truncated-image",
            "insurance-card.png",
            card[..card.len() / 2].to_vec(),
        ),
        ("missing", "insurance-card.png", Vec::new()),
    ];
    let cases = dir.join("cases");
    for (name, file, bytes) in spoil {
        let folder = cases.join(name);
        copy_tree(&ready, &folder);
        if bytes.is_empty() {
            std::fs::remove_file(folder.join(file)).unwrap();
        } else {
            std::fs::write(folder.join(file), bytes).unwrap();
        }
        let text = std::fs::read_to_string(folder.join("case.yaml")).unwrap();
        let text = text.replace("id: KET-2026-0101", &format!("id: DAMAGED-{name}"));
        std::fs::write(folder.join("case.yaml"), text).unwrap();
    }
    cases
}

#[test]
fn check_and_build_agree_on_every_case() {
    let scratch = tempfile::tempdir().unwrap();
    let damaged = damaged_cases(scratch.path());
    let folders = [
        common::root().join("cases"),
        common::fixture("cases"),
        common::fixture("check/mixed"),
        common::fixture("check/dupes"),
        damaged.clone(),
    ];
    for folder in &folders {
        let (_, checked) = check_json(folder);
        let checked = verdicts(&checked);
        let built = verdicts(&build_summary(folder));
        assert!(!checked.is_empty(), "no cases in {}", folder.display());
        assert_eq!(
            checked,
            built,
            "check and build disagree on {}",
            folder.display()
        );
    }
    // Every damaged case is caught, by the attachments rule, in both.
    let (_, checked) = check_json(&damaged);
    for (file, (status, blockers)) in verdicts(&checked) {
        assert_eq!(status, "needs-work", "{file}");
        assert_eq!(blockers, ["attachments"], "{file}");
    }
}
