//! Follows appeals after they are sent: the bundled cases show every phase, a late plan
//! is named with what the law gives, and `new --next` starts the level after a denial.

use crate::common;

use crate::common::{check_json, copy_tree, root, run_in};

/// Returns a case's entry in a summary.
fn case<'a>(summary: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} is in the summary"))
}

#[test]
fn the_bundled_cases_show_every_phase() {
    let (_, summary) = check_json(&root().join("cases"));
    let phases: Vec<&str> = summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["phase"].as_str())
        .collect();
    for phase in ["preparing", "awaiting-decision", "decided"] {
        assert!(phases.contains(&phase), "no bundled case is {phase}");
    }
    // Awaiting, within the reviewer's 45 days (45 CFR 147.136(d)(2)(iii)(B)(6)).
    let waiting = case(&summary, "KET-2026-0103");
    assert_eq!(waiting["decision_due"]["date"], "2026-12-24");
    assert!(
        waiting["deadline"].is_null(),
        "a sent level has no filing deadline left"
    );
    // Overdue: a one-level employer plan's 30 days ran out, so internal appeals are
    // deemed exhausted (29 CFR 2560.503-1(l)).
    let late = case(&summary, "KET-2026-0101");
    assert_eq!(late["decision_due"]["date"], "2026-11-18");
    assert!(late["decision_due"]["days_left"].as_i64().unwrap() < 0);
    let step = late["next_step"].as_str().unwrap();
    assert!(
        step.contains("deemed exhausted") && step.contains("external review"),
        "{step}"
    );
    // Denied, with the next level and its deadline: four months from receipt, moved off
    // a Sunday (2027-03-21) to Monday.
    let denied = case(&summary, "KET-2026-0107");
    assert_eq!(denied["decision"]["outcome"], "denied");
    assert_eq!(denied["next_level"]["stage"], "external-review");
    assert_eq!(denied["deadline"]["date"], "2027-03-22");
    assert!(
        denied["next_step"]
            .as_str()
            .unwrap()
            .contains("new --next KET-2026-0107")
    );
    // Approved.
    let approved = case(&summary, "KET-2026-0110");
    assert_eq!(approved["decision"]["outcome"], "approved");
    assert_eq!(approved["status"], "ready");
    assert!(approved["deadline"].is_null());
}

#[test]
fn next_starts_the_level_after_a_denial_with_its_files_and_history() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("cases"), &dir.path().join("cases"));
    copy_tree(&root().join("schema"), &dir.path().join("schema"));
    let run = run_in(dir.path(), &["new", "--next", "KET-2026-0107"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("KET-2026-0107-ER/case.yaml"),
        "{}",
        run.stdout
    );
    // It says which texts to update: the notice to name, not the generated letter, and
    // the provider's letter need not be signed again.
    for says in [
        "name it in denial.notice (the final adverse determination",
        "there is no letter to edit",
        "need not be signed again unless its text changes",
    ] {
        assert!(run.stdout.contains(says), "{says:?} not in {}", run.stdout);
    }
    let folder = dir.path().join("cases/KET-2026-0107-ER");
    let text = std::fs::read_to_string(folder.join("case.yaml")).unwrap();
    let next: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(next["stage"], "external-review");
    assert_eq!(
        next["denial"]["date"], "2026-11-21",
        "the decision is the denial appealed"
    );
    assert!(next.get("submission").is_none() && next.get("decision").is_none());
    let history = next["history"].as_sequence().unwrap();
    assert_eq!(history.len(), 2, "the earlier level and the decided one");
    assert_eq!(history[1]["stage"], "second-level-appeal");
    assert_eq!(history[1]["outcome"], "denied");
    assert!(
        folder
            .join("letter-of-medical-necessity-signed.pdf")
            .is_file()
    );
    // The new case loads, in a folder of its own, and cannot be filed until the final
    // adverse determination is enclosed: the one notice the external reviewer must see.
    let (_, summary) = check_json(&dir.path().join("cases"));
    let started = case(&summary, "KET-2026-0107-ER");
    assert_eq!(started["status"], "needs-work", "{started}");
    assert_eq!(
        crate::common::blocker_rules(started),
        ["denial"],
        "{started}"
    );
    assert!(
        started["next_step"]
            .as_str()
            .unwrap()
            .contains("final adverse determination"),
        "{started}"
    );
    std::fs::copy(
        root().join("tests/fixtures/cases/KET-2026-0101/denial-notice.pdf"),
        folder.join("final-denial.pdf"),
    )
    .unwrap();
    let named = text.replace("denial:\n", "denial:\n  notice: final-denial.pdf\n");
    assert_ne!(named, text);
    std::fs::write(folder.join("case.yaml"), named).unwrap();
    let (_, summary) = check_json(&dir.path().join("cases"));
    let started = case(&summary, "KET-2026-0107-ER");
    assert_eq!(started["status"], "ready", "{started}");
    assert_eq!(started["phase"], "preparing");
    assert_eq!(started["deadline"]["date"], "2027-03-22");
    assert_eq!(
        history[1]["case"], "KET-2026-0107",
        "the level names its case"
    );
    // The decided case points to its continuation and leaves the deadline to it, so the
    // reports and the calendar show it once.
    let decided = case(&summary, "KET-2026-0107");
    assert_eq!(
        decided["next_step"],
        "continued in KET-2026-0107-ER, which files the next level"
    );
    assert!(decided["deadline"].is_null(), "{decided}");
    // Never overwritten: a second run refuses, and an approval has nothing next.
    let again = run_in(dir.path(), &["new", "--next", "KET-2026-0107"], &[]);
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("already has the id"),
        "{}",
        again.stderr
    );
    // Nor is a second continuation started under another id.
    let other = run_in(
        dir.path(),
        &["new", "KET-2026-0107-X", "--next", "KET-2026-0107"],
        &[],
    );
    assert_eq!(other.code, 2);
    assert!(
        other
            .stderr
            .contains("already continued by KET-2026-0107-ER"),
        "{}",
        other.stderr
    );
    let approved = run_in(dir.path(), &["new", "--next", "KET-2026-0110"], &[]);
    assert_eq!(approved.code, 2);
    assert!(approved.stderr.contains("approved"), "{}", approved.stderr);
}

#[test]
fn check_shows_each_sent_case_where_it_stands() {
    let cases = root().join("cases");
    let run = common::run(&["check", cases.to_str().unwrap(), "--today", common::TODAY]);
    let line = |id: &str| {
        run.stdout
            .lines()
            .find(|l| l.contains(id) && !l.starts_with(' '))
            .unwrap_or_else(|| panic!("no line for {id}:\n{}", run.stdout))
            .to_owned()
    };
    assert!(line("KET-2026-0101").contains("awaiting decision, overdue since 2026-11-18"));
    assert!(line("KET-2026-0103").contains("awaiting decision, due 2026-12-24"));
    assert!(line("KET-2026-0107").contains("decided: denied  deadline 2027-03-22"));
    assert!(line("KET-2026-0110").contains("decided: approved"));
}

#[test]
fn next_copies_nothing_from_outside_the_case_folder() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("cases"), &dir.path().join("cases"));
    std::fs::write(dir.path().join("secret.pdf"), b"%PDF-1.4 another patient").unwrap();
    let file = dir.path().join("cases/KET-2026-0107/case.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let hostile = text.replace(
        "attachments:\n",
        "attachments:\n  - { file: ../../secret.pdf, title: Another patient's file }\n",
    );
    assert_ne!(text, hostile, "the case has attachments");
    std::fs::write(&file, hostile).unwrap();
    let run = run_in(dir.path(), &["new", "--next", "KET-2026-0107"], &[]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("leaves the case folder"),
        "{}",
        run.stderr
    );
    assert!(
        !dir.path().join("cases/KET-2026-0107-ER").exists(),
        "nothing written"
    );
}
