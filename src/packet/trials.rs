//! The treatments tried, as a reviewer reads them: every trial named with its drug, dose,
//! length and outcome, grouped by kind; trials of earlier episodes shown apart as history;
//! the adequate trials counted as the checklist counts them; the definition of
//! treatment-resistant depression the case meets; and why esketamine or ECT, where the
//! plan covers them or the letter cites esketamine, is not the answer.

use serde::Serialize;

use crate::model::case::{Case, CoveredAlternative, Outcome, PriorTreatment, TreatmentKind};

/// The groups a reviewer reads trials in, in this order, with the kinds each holds.
const GROUPS: &[(&str, &[TreatmentKind])] = &[
    ("Antidepressants", &[TreatmentKind::Antidepressant]),
    (
        "Augmentation and antipsychotics",
        &[TreatmentKind::Augmentation, TreatmentKind::Antipsychotic],
    ),
    ("Mood stabilizers", &[TreatmentKind::MoodStabilizer]),
    ("Esketamine", &[TreatmentKind::Esketamine]),
    ("ECT", &[TreatmentKind::Ect]),
    ("TMS", &[TreatmentKind::Tms]),
    ("Psychotherapy", &[TreatmentKind::Psychotherapy]),
    ("Other treatments", &[TreatmentKind::Other]),
];

/// The treatments tried, as printed in the letter and the reviewer summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrialsData {
    /// The current episode's trials, grouped by kind; empty groups are left out.
    pub groups: Vec<TrialGroup>,
    /// Trials of earlier episodes, each in one line: shown as history, never counted.
    pub history: Vec<String>,
    /// Adequate trials of the current episode that failed, of every kind.
    pub failed: usize,
    /// Antidepressant trials of the current episode that failed or were contraindicated.
    pub antidepressants: usize,
    /// The treatments documented as contraindicated, by name: counted as such, never as
    /// failed trials.
    pub contraindicated: Vec<String>,
    /// The definition of treatment-resistant depression the case meets, with its source,
    /// where a diagnosis is major depression and the trials meet it.
    pub definition: Option<String>,
}

/// One group of trials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialGroup {
    /// The group's title, e.g. "Antidepressants".
    pub title: &'static str,
    /// Each trial in one line: name, dose, length, outcome.
    pub trials: Vec<String>,
}

/// Works out the trials of a case; `unipolar` says whether a diagnosis is major
/// depression, and `cites` whether the case cites a library key.
pub(crate) fn trials(case: &Case, unipolar: bool, cites: impl Fn(&str) -> bool) -> TrialsData {
    let mut treatments: Vec<&PriorTreatment> = case.prior_treatments.iter().collect();
    treatments.sort_by_key(|t| t.started);
    let groups = GROUPS
        .iter()
        .map(|(title, kinds)| TrialGroup {
            title,
            trials: treatments
                .iter()
                .filter(|t| t.current_episode && kinds.contains(&t.kind))
                .map(|t| line(t))
                .collect(),
        })
        .filter(|g| !g.trials.is_empty())
        .collect();
    let history = treatments
        .iter()
        .filter(|t| !t.current_episode)
        .map(|t| line(t))
        .collect();
    let failed = treatments
        .iter()
        .filter(|t| t.failed_adequate_trial())
        .count();
    let antidepressants = treatments
        .iter()
        .filter(|t| {
            t.kind == TreatmentKind::Antidepressant
                && (t.failed_adequate_trial() || t.contraindicated())
        })
        .count();
    let contraindicated = treatments
        .iter()
        .filter(|t| t.contraindicated())
        .map(|t| t.name.trim().to_owned())
        .collect();
    TrialsData {
        groups,
        history,
        failed,
        antidepressants,
        contraindicated,
        definition: (unipolar && antidepressants >= 2).then(|| {
            let contraindicated = treatments
                .iter()
                .any(|t| t.kind == TreatmentKind::Antidepressant && t.contraindicated());
            // A trial stopped for side effects counts as failed at any length; the letter
            // says so rather than let "adequate dose and duration" claim it.
            let intolerant = treatments
                .iter()
                .filter(|t| {
                    t.kind == TreatmentKind::Antidepressant
                        && t.current_episode
                        && t.outcome == Outcome::SideEffects
                })
                .count();
            definition(antidepressants, contraindicated, intolerant, &cites)
        }),
    }
}

/// Returns the definition of treatment-resistant depression the case meets, with its
/// sources: payer esketamine policies (the domain guide, "The letter of medical
/// necessity") and, where the case cites it, McIntyre et al. 2021, whose introduction
/// calls patients with two prior treatment failures treatment-resistant.
fn definition(
    antidepressants: usize,
    contraindicated: bool,
    intolerant: usize,
    cites: &dyn Fn(&str) -> bool,
) -> String {
    let intolerance = match intolerant {
        0 => String::new(),
        1 if antidepressants == 1 => ", stopped for side effects".to_owned(),
        1 => ", one of them stopped for side effects".to_owned(),
        n => format!(", {} of them stopped for side effects", count_words(n)),
    };
    let experts = if cites("mcintyre-2021") {
        " International mood-disorder experts likewise describe patients with two prior \
         treatment failures as having treatment-resistant depression (McIntyre et al., 2021)."
    } else {
        ""
    };
    format!(
        "This meets the definition of treatment-resistant depression that payer policies for \
         esketamine commonly apply: failure of two or more antidepressants of adequate dose and \
         duration. In the current episode, {} antidepressant {} {}{intolerance}.{experts}",
        count_words(antidepressants),
        if antidepressants == 1 {
            "trial has"
        } else {
            "trials have"
        },
        if contraindicated {
            "failed or were contraindicated"
        } else {
            "failed"
        },
    )
}

/// Returns a small count in words, as a letter writes it.
fn count_words(n: usize) -> String {
    const WORDS: [&str; 10] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_owned())
}

/// Returns a trial in one line: "Sertraline, 200 mg daily, 14 weeks: inadequate response".
fn line(t: &PriorTreatment) -> String {
    let mut out = t.name.trim().to_owned();
    if let Some(dose) = t.dose.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        out.push_str(", ");
        out.push_str(dose);
    }
    let weeks = t.weeks().map(|w| {
        let unit = if w == 1 { "week" } else { "weeks" };
        format!("{w} {unit}")
    });
    match (t.sessions, weeks) {
        (Some(n), Some(w)) => out.push_str(&format!(", {n} sessions over {w}")),
        (Some(n), None) => out.push_str(&format!(", {n} sessions")),
        (None, Some(w)) => out.push_str(&format!(", {w}")),
        (None, None) => {}
    }
    let outcome = match t.outcome {
        Outcome::Contraindicated => "contraindicated (not a failed trial)".to_owned(),
        Outcome::Ongoing => "ongoing".to_owned(),
        Outcome::SideEffects => "stopped for side effects".to_owned(),
        other => other.title().to_lowercase(),
    };
    out.push_str(": ");
    out.push_str(&outcome);
    out
}

/// Returns what the case records about esketamine and ECT, one sentence each: a trial of
/// it, or why it is not appropriate; for both where the plan covers either or the letter
/// cites esketamine's approval (`cites_esketamine`), else only what `ruled_out` records.
pub(crate) fn alternatives(case: &Case, cites_esketamine: bool) -> Vec<String> {
    let mut out = Vec::new();
    let alts = [CoveredAlternative::Esketamine, CoveredAlternative::Ect];
    let asked_of = |alt: CoveredAlternative| {
        case.insurer.covers.contains(&alt)
            || (alt == CoveredAlternative::Esketamine && cites_esketamine)
    };
    // Once the question is asked of one, the reviewer reads the other's record there too.
    let any_asked = alts.into_iter().any(asked_of);
    for alt in alts {
        let trials: Vec<&PriorTreatment> = case
            .prior_treatments
            .iter()
            .filter(|t| t.kind == alt.kind() && t.outcome != Outcome::Ongoing)
            .collect();
        let ruled_out: Vec<_> = case
            .ruled_out
            .iter()
            .filter(|r| r.treatment == alt)
            .collect();
        if !any_asked && ruled_out.is_empty() {
            continue;
        }
        let mut name = alt.title().to_owned();
        name[..1].make_ascii_uppercase();
        for t in trials {
            out.push(format!("{name} was tried: {}.", line(t)));
        }
        for r in ruled_out {
            out.push(format!(
                "{name} is not appropriate ({}): {}",
                r.reason.title(),
                closed(r.explanation.trim())
            ));
        }
    }
    out
}

/// Returns a sentence ending in its full stop.
fn closed(sentence: &str) -> String {
    if sentence.ends_with(['.', '!', '?']) {
        sentence.to_owned()
    } else {
        format!("{sentence}.")
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn trial(kind: TreatmentKind, outcome: Outcome, weeks: u32) -> PriorTreatment {
        PriorTreatment {
            name: "Drug".into(),
            kind,
            dose: Some("10 mg".into()),
            started: None,
            ended: None,
            duration_weeks: Some(weeks),
            sessions: None,
            current_episode: true,
            outcome,
            notes: None,
        }
    }

    #[test]
    fn a_line_names_dose_length_and_outcome() {
        let mut t = trial(TreatmentKind::Tms, Outcome::InadequateResponse, 5);
        t.sessions = Some(30);
        assert_eq!(
            line(&t),
            "Drug, 10 mg, 30 sessions over 5 weeks: inadequate response"
        );
        let c = trial(TreatmentKind::Antidepressant, Outcome::Contraindicated, 1);
        assert!(line(&c).ends_with("contraindicated (not a failed trial)"));
    }

    #[test]
    fn a_covered_alternative_is_answered_from_the_record() {
        let yaml = r#"
id: KET-T-2
stage: internal-appeal
prepared_on: 2026-11-20
patient: { name: Ann Example }
insurer: { name: Example Health, covers: [esketamine] }
provider: { name: Dr Pat Lee }
request: { treatment: IV ketamine }
prior_treatments:
  - { name: ECT, kind: ect, duration_weeks: 4, sessions: 12, outcome: inadequate-response }
ruled_out:
  - { treatment: esketamine, reason: rems-or-access, explanation: No certified site within 90 miles }
"#;
        let case = Case::parse(Path::new("t.yaml"), yaml).unwrap();
        assert_eq!(
            alternatives(&case, false),
            [
                "Esketamine is not appropriate (not accessible): No certified site within 90 miles.",
                "ECT was tried: ECT, 12 sessions over 4 weeks: inadequate response.",
            ]
        );
        let mut uncovered = case.clone();
        uncovered.insurer.covers.clear();
        uncovered.ruled_out.clear();
        assert!(alternatives(&uncovered, false).is_empty());
    }
}
