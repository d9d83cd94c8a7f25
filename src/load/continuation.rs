//! Which case files the next level of which: worked out once over every case of a run, so
//! that no line in one file can take another case's deadline away.
//!
//! A case's last `history` entry that names a case (`history[].case`, which `new --next`
//! writes) claims that this case files the level after the named one. The claim holds only
//! when the named case is of the same patient (the same `patient.member_id`) and was
//! decided with this case's stage as its next level, and no other case claims it too. Only
//! a claim that holds moves the named case's next-level deadline here; one that does not is
//! a blocker of the claiming case that names both ids, and the deadline stays where it was.

use std::collections::HashMap;

use super::Loaded;
use crate::law::decision;
use crate::model::case::{Case, id_key};
use crate::model::fields::Date;

/// How a case is tied to the level before it and the level after it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    /// The case whose next level this case files, where the claim holds.
    pub continues: Option<String>,
    /// The case that files this case's next level, where its claim holds.
    pub continued_by: Option<String>,
    /// Why this case's claim to continue another does not hold, each naming both ids.
    pub problems: Vec<String>,
}

/// Works out every case's [`Links`] from the `history` of all the cases of a run.
pub(crate) fn link(loaded: &mut [Loaded]) {
    let index: HashMap<String, usize> = loaded
        .iter()
        .enumerate()
        .filter_map(|(i, l)| Some((id_key(&l.case.as_ref().ok()?.id), i)))
        .collect();
    let mut claims: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut problems: Vec<(usize, String)> = Vec::new();
    for (i, l) in loaded.iter().enumerate() {
        let Ok(case) = &l.case else {
            continue;
        };
        for (j, past) in case.history.iter().enumerate() {
            if past
                .case
                .as_deref()
                .is_some_and(|c| id_key(c) == id_key(&case.id))
            {
                problems.push((
                    i,
                    format!(
                        "history[{j}].case names {0} itself: a case cannot file its own next \
                         level; name the case that filed that level, or remove the line",
                        case.id
                    ),
                ));
            }
        }
        let Some((j, named)) = case
            .history
            .iter()
            .enumerate()
            .rev()
            .find_map(|(j, past)| Some((j, past.case.as_deref()?)))
        else {
            continue;
        };
        let Some(&t) = index.get(&id_key(named)) else {
            // A case outside this run (archived, or another folder) loses nothing here.
            continue;
        };
        if t == i {
            continue;
        }
        let target = loaded[t].case.as_ref().expect("indexed cases loaded");
        match refusal(case, target) {
            Some(why) => problems.push((
                i,
                format!(
                    "history[{j}].case: {} claims to file the next level of {}, but {why}; \
                     {} keeps its own deadline until the line is corrected",
                    case.id, target.id, target.id
                ),
            )),
            None => claims.entry(t).or_default().push(i),
        }
    }
    let mut links = vec![Links::default(); loaded.len()];
    for (t, claimants) in claims {
        let target = loaded[t].id.clone().unwrap_or_default();
        if let [only] = claimants[..] {
            links[only].continues = Some(target);
            links[t].continued_by = loaded[only].id.clone();
            continue;
        }
        let ids: Vec<&str> = claimants
            .iter()
            .filter_map(|&c| loaded[c].id.as_deref())
            .collect();
        for &c in &claimants {
            problems.push((
                c,
                format!(
                    "{} all claim to file the next level of {target} (history[].case); only \
                     one case files it: remove the line from the others; {target} keeps its \
                     own deadline until then",
                    ids.join(" and ")
                ),
            ));
        }
    }
    for (i, problem) in problems {
        links[i].problems.push(problem);
    }
    for (l, links) in loaded.iter_mut().zip(links) {
        l.links = links;
    }
}

/// Says why `case` does not file the level after `target`, or `None` when it does: the
/// same patient, and the stage `target`'s decision leads to.
fn refusal(case: &Case, target: &Case) -> Option<String> {
    let member = |c: &Case| {
        c.patient
            .member_id
            .as_ref()
            .map(|m| m.as_str().trim().to_ascii_lowercase())
            .filter(|m| !m.is_empty())
    };
    match (member(case), member(target)) {
        (Some(a), Some(b)) if a == b => {}
        (Some(_), Some(_)) => {
            return Some(
                "the two are different patients' cases (patient.member_id differs)".to_owned(),
            );
        }
        _ => {
            return Some(
                "the two cannot be matched to one patient: fill in patient.member_id in both"
                    .to_owned(),
            );
        }
    }
    // The stage a decision leads to does not depend on the day; the deadline does not
    // matter here.
    let next = decision::next_level(target, Date::today()).and_then(|n| n.stage);
    match next {
        Some(stage) if stage == case.stage => None,
        Some(stage) => Some(format!(
            "its denial leads to the {}, and this case files the {}",
            stage.as_str(),
            case.stage.as_str()
        )),
        None => Some(format!(
            "{} has no recorded denial that leads to the {}",
            target.id,
            case.stage.as_str()
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    const DENIED: &str = "\
id: KET-1
stage: internal-appeal
prepared_on: 2026-10-01
patient: { name: Ann Example, date_of_birth: 1986-02-03, member_id: ABC123 }
insurer: { name: Example Health, plan_type: employer-self-funded, appeal_levels: 1 }
denial: { date: 2026-09-20 }
submission: { sent_on: 2026-10-02, method: fax }
decision: { date: 2026-10-30, received: 2026-11-02, outcome: denied }
provider: { name: Dr Who, credentials: MD, npi: 1234567893, supports_treatment: true }
request: { treatment: IV ketamine, codes: [96365], sessions: 6, schedule: twice weekly }
";

    fn next(id: &str, member: &str, history_case: &str) -> String {
        format!(
            "id: {id}\nstage: external-review\nprepared_on: 2026-11-10\n\
             patient: {{ name: Ann Example, date_of_birth: 1986-02-03, member_id: {member} }}\n\
             insurer: {{ name: Example Health, plan_type: employer-self-funded, appeal_levels: 1 }}\n\
             history:\n  - {{ stage: internal-appeal, outcome: denied, case: {history_case} }}\n\
             provider: {{ name: Dr Who, credentials: MD, npi: 1234567893, supports_treatment: true }}\n\
             request: {{ treatment: IV ketamine, codes: [96365], sessions: 6, schedule: twice weekly }}\n"
        )
    }

    fn loaded(texts: &[String]) -> Vec<Loaded> {
        let mut all: Vec<Loaded> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let path = PathBuf::from(format!("cases/{i}.yaml"));
                let case = Case::parse(Path::new(&path), text).map_err(|e| e.to_string());
                Loaded {
                    id: case.as_ref().ok().map(|c| c.id.clone()),
                    file: format!("{i}.yaml"),
                    path,
                    case,
                    links: Links::default(),
                }
            })
            .collect();
        assert!(all.iter().all(|l| l.case.is_ok()), "{all:?}");
        link(&mut all);
        all
    }

    #[test]
    fn the_next_level_of_the_same_patient_continues_a_case() {
        let all = loaded(&[DENIED.to_owned(), next("KET-1-ER", "abc123", "KET-1")]);
        assert_eq!(all[0].links.continued_by.as_deref(), Some("KET-1-ER"));
        assert_eq!(all[1].links.continues.as_deref(), Some("KET-1"));
        assert!(all.iter().all(|l| l.links.problems.is_empty()));
    }

    #[test]
    fn another_patients_copied_line_continues_nothing() {
        let all = loaded(&[DENIED.to_owned(), next("KET-7", "XYZ999", "KET-1")]);
        assert_eq!(all[0].links, Links::default());
        let problem = &all[1].links.problems[0];
        assert!(
            problem.contains("KET-7") && problem.contains("KET-1"),
            "{problem}"
        );
        assert!(problem.contains("member_id differs"), "{problem}");
    }

    #[test]
    fn a_case_naming_itself_or_two_claims_are_problems() {
        let own = next("KET-5", "ABC123", "KET-5");
        let all = loaded(&[DENIED.to_owned(), own]);
        assert!(all[1].links.problems[0].contains("names KET-5 itself"));
        assert_eq!(all[1].links.continues, None);

        let all = loaded(&[
            DENIED.to_owned(),
            next("KET-1-ER", "ABC123", "KET-1"),
            next("KET-1-XR", "ABC123", "KET-1"),
        ]);
        assert_eq!(all[0].links.continued_by, None);
        for l in &all[1..] {
            let problem = &l.links.problems[0];
            assert!(
                problem.contains("KET-1-ER and KET-1-XR") && problem.contains("of KET-1"),
                "{problem}"
            );
        }
    }

    #[test]
    fn a_level_that_does_not_follow_continues_nothing() {
        let wrong = next("KET-1-L2", "ABC123", "KET-1")
            .replace("stage: external-review", "stage: second-level-appeal");
        let all = loaded(&[DENIED.to_owned(), wrong]);
        assert_eq!(all[0].links.continued_by, None);
        assert!(
            all[1].links.problems[0].contains("leads to the external-review"),
            "{:?}",
            all[1].links
        );
    }
}
