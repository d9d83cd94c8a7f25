//! The argument in words: what the cited evidence lets a letter claim, the one-sentence
//! answer to each denial reason, and the reviewer summary's rows.

use crate::checklist::EvidenceFit;
use crate::law::Program;
use crate::model::case::{Case, DenialReason, PriorTreatment, Score, TreatmentKind};
use crate::model::evidence::{Design, EvidenceLibrary, Reference, Studied};

use super::*;

/// The library key of the review the letter cites for ketamine's mechanism of action.
pub(super) const MECHANISM_KEY: &str = "zanos-2018";

/// Returns the studied conditions a letter claims, in words: a mood-disorder consensus
/// is left unnamed beside a specific condition it covers.
pub(super) fn supported_words(supported: &[Studied]) -> Option<String> {
    let specific: Vec<Studied> = supported
        .iter()
        .copied()
        .filter(|s| *s != Studied::MoodDisorders)
        .collect();
    let shown = if specific.is_empty() {
        supported.to_vec()
    } else {
        specific
    };
    let words: Vec<&str> = shown.iter().map(|s| s.words()).collect();
    (!words.is_empty()).then(|| join_words(&words))
}

/// Joins words as a sentence lists them: "a", "a and b", "a, b and c".
pub(super) fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Works out the evidence scope of a case from what its references carry.
pub(super) fn evidence_scope(
    case: &Case,
    library: &EvidenceLibrary,
    fit: &EvidenceFit,
) -> EvidenceScope {
    let cited: Vec<&Reference> = case
        .evidence
        .iter()
        .filter_map(|k| library.get(k))
        .filter(|r| r.conditions.iter().any(|s| fit.supported.contains(s)))
        .collect();
    let trials = cited
        .iter()
        .any(|r| r.design == Some(Design::RandomizedTrial));
    let consensus = cited
        .iter()
        .any(|r| r.design == Some(Design::ExpertConsensus));
    let kinds = match (trials, consensus) {
        (true, true) => Some("randomized trials and expert consensus".to_owned()),
        (true, false) => Some("randomized trials".to_owned()),
        (false, true) => Some("expert consensus".to_owned()),
        (false, false) => None,
    };
    let unsupported: Vec<&str> = fit.unsupported.iter().map(|c| c.words()).collect();
    EvidenceScope {
        supported: supported_words(&fit.supported),
        kinds,
        unsupported: (!unsupported.is_empty()).then(|| join_words(&unsupported)),
        mechanism: case
            .evidence
            .iter()
            .any(|k| k == MECHANISM_KEY)
            .then(|| library.get(MECHANISM_KEY).map(Reference::short))
            .flatten(),
    }
}

/// Works out the reviewer summary of a case.
pub(super) fn reviewer_data(
    case: &Case,
    library: &EvidenceLibrary,
    conditions: Conditions,
    scope: &EvidenceScope,
) -> ReviewerData {
    let failed: Vec<&PriorTreatment> = case
        .prior_treatments
        .iter()
        .filter(|t| t.failed_adequate_trial())
        .collect();
    let mut kinds: Vec<(TreatmentKind, usize)> = Vec::new();
    for t in &failed {
        match kinds.iter_mut().find(|(k, _)| *k == t.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((t.kind, 1)),
        }
    }
    kinds.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let scores: Vec<ScoreChange> = case
        .scores_by_instrument()
        .into_iter()
        .map(|(instrument, scores)| {
            let dated = |s: &Score| (s.score, long_date(s.date));
            let latest = scores.last().expect("a series has a score");
            ScoreChange {
                instrument: instrument.as_str(),
                max: instrument.max_score(),
                baseline: (scores.len() > 1).then(|| dated(scores[0])),
                latest: dated(latest),
            }
        })
        .collect();
    let reasons = case
        .denial
        .as_ref()
        .map(|d| d.all_reasons())
        .unwrap_or_default();
    ReviewerData {
        failed_trials: failed.len(),
        failed_kinds: kinds
            .iter()
            .map(|(kind, n)| format!("{} ({n})", kind_words(*kind)))
            .collect(),
        scores,
        references: strongest(case, library),
        reasons: reasons.iter().map(|r| reason_words(*r)).collect(),
        answers: reasons
            .iter()
            .map(|r| answer(case, *r, conditions, scope, failed.len()))
            .collect(),
    }
}

/// Returns the three strongest references a case cites, by design and size
/// (`Reference::strength`): a trial of hundreds or a consensus statement before a pilot of
/// seven; extra citations, whose design is not known, after the library's.
pub(super) fn strongest(case: &Case, library: &EvidenceLibrary) -> Vec<EvidenceData> {
    let mut cited: Vec<&Reference> = case
        .evidence
        .iter()
        .filter_map(|k| library.get(k))
        .collect();
    // A reference that studied none of the case's conditions (a mood-disorder consensus
    // for PTSD) comes after those that did, however strong. A stable sort keeps the
    // case's order among equals.
    let fit = checklist::evidence_fit(case, library);
    cited.sort_by_key(|r| {
        let off_condition = !r.conditions.iter().any(|s| fit.supported.contains(s));
        (off_condition, r.strength())
    });
    let mut out: Vec<EvidenceData> = cited.into_iter().map(evidence_data).collect();
    out.extend(case.extra_evidence.iter().map(extra_evidence_data));
    out.truncate(3);
    out
}

/// Returns a treatment kind in words for a sentence: lower case, acronyms kept.
pub(super) fn kind_words(kind: TreatmentKind) -> String {
    match kind {
        TreatmentKind::Ect | TreatmentKind::Tms => kind.title().to_owned(),
        _ => kind.title().to_lowercase(),
    }
}

/// Returns a denial reason in words.
pub(super) fn reason_words(reason: DenialReason) -> &'static str {
    match reason {
        DenialReason::ExperimentalInvestigational => "experimental or investigational",
        DenialReason::NotMedicallyNecessary => "not medically necessary",
        DenialReason::NotACoveredBenefit => "not a covered benefit",
        DenialReason::MissingInformation => "information missing",
        DenialReason::StepTherapy => "other treatments to be tried first (step therapy)",
        DenialReason::OutOfNetwork => "provider out of network",
        DenialReason::Other => "another reason (see the notice)",
    }
}

/// Returns the one-sentence answer to a denial reason, in the terms of the domain guide
/// ("What answers each denial reason"); it claims nothing the case does not show.
pub(super) fn answer(
    case: &Case,
    reason: DenialReason,
    conditions: Conditions,
    scope: &EvidenceScope,
    failed: usize,
) -> String {
    let trials = if failed == 1 { "trial" } else { "trials" };
    match reason {
        DenialReason::ExperimentalInvestigational => {
            let esketamine = if conditions.unipolar {
                "; esketamine, which acts on the same NMDA receptor, has been FDA-approved for \
                 treatment-resistant depression since March 2019"
            } else {
                ""
            };
            // Worded from the cited references' own conditions, never the diagnosis alone.
            match (&scope.supported, &scope.unsupported) {
                (Some(supported), unsupported) => {
                    let kinds = scope.kinds.as_deref().unwrap_or("references");
                    let rest = unsupported
                        .as_ref()
                        .map(|u| {
                            format!(
                                "; no cited reference studied {u}, for which the letter argues \
                                 from the clinical record"
                            )
                        })
                        .unwrap_or_default();
                    format!(
                        "The {kinds} cited below support ketamine for {supported}{esketamine}{rest}."
                    )
                }
                (None, unsupported) => {
                    let condition = unsupported.as_deref().unwrap_or("this condition");
                    format!(
                        "No cited reference studied ketamine for {condition}, so the letter \
                         argues from the clinical record: {failed} adequate {trials} of standard \
                         treatment failed, and the scores show the symptoms that remain{esketamine}."
                    )
                }
            }
        }
        DenialReason::NotMedicallyNecessary => {
            let criteria = if case.insurer.criteria.is_empty() {
                ""
            } else {
                "; the letter answers the plan's own criteria point by point"
            };
            format!(
                "{failed} adequate {trials} of standard treatment failed, and the scores show the \
                 symptoms that remain{criteria}."
            )
        }
        DenialReason::NotACoveredBenefit => {
            let parity = case
                .insurer
                .plan_type
                .and_then(|p| Program::of(p).parity())
                .map(|cite| {
                    format!(
                        ", and to show that the limit is applied to mental-health treatment no \
                         more strictly than to medical and surgical treatment ({cite})"
                    )
                })
                .unwrap_or_default();
            format!(
                "The letter asks the plan for the plan document and the provision the decision \
                 relied on{parity}."
            )
        }
        DenialReason::MissingInformation => {
            // A record not yet in hand is said to follow, as the letter says it.
            let open = case.denial.as_ref().map_or(0, |d| {
                d.missing.iter().filter(|m| m.answered_by.is_none()).count()
            });
            match open {
                0 => "What the plan said was missing is enclosed now; the letter lists it."
                    .to_owned(),
                1 => "The letter lists what the plan said was missing; one record is not yet \
                      enclosed and will follow."
                    .to_owned(),
                n => format!(
                    "The letter lists what the plan said was missing; {n} records are not yet \
                     enclosed and will follow."
                ),
            }
        }
        DenialReason::StepTherapy => format!(
            "{failed} adequate {trials} of the treatments the plan asks for first failed; the \
             letter names each, with its dose, length and outcome."
        ),
        DenialReason::OutOfNetwork => "The letter asks for a network-gap exception and, if \
            the plan knows an in-network provider of this treatment, for its name."
            .to_owned(),
        DenialReason::Other => {
            "The letter of medical necessity sets out why the treatment is necessary.".to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn library() -> EvidenceLibrary {
        EvidenceLibrary::from_file(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/evidence.yaml"),
        )
        .unwrap()
    }

    fn case(extra: &str) -> Case {
        let text = format!(
            "id: T-1\nstage: internal-appeal\nprepared_on: 2026-11-20\npatient: {{ name: A }}\n\
             insurer: {{ name: B, plan_type: employer-self-funded }}\nprovider: {{ name: C }}\n\
             request: {{ treatment: D }}\ndiagnoses: [{{ code: F33.2, description: MDD }}]\n{extra}"
        );
        Case::parse(Path::new("t.yaml"), &text).unwrap()
    }

    /// The reviewer summary of a case, its evidence scope worked out as `prepare` does.
    fn review(c: &Case, conditions: Conditions) -> ReviewerData {
        let library = library();
        let scope = evidence_scope(c, &library, &checklist::evidence_fit(c, &library));
        reviewer_data(c, &library, conditions, &scope)
    }

    fn depression() -> Conditions {
        Conditions {
            depression: true,
            unipolar: true,
            ..Conditions::default()
        }
    }

    #[test]
    fn failed_trials_count_six_weeks_or_side_effects() {
        let c = case(
            "prior_treatments:\n\
             - { name: S, kind: antidepressant, started: 2024-01-01, ended: 2024-03-01, outcome: inadequate-response }\n\
             - { name: V, kind: antidepressant, started: 2024-04-01, ended: 2024-04-20, outcome: inadequate-response }\n\
             - { name: A, kind: augmentation, started: 2024-05-01, ended: 2024-05-10, outcome: side-effects }\n\
             - { name: T, kind: tms, started: 2024-06-01, ended: 2024-08-01, outcome: partial-response }\n\
             - { name: B, kind: antidepressant, started: 2024-09-01, outcome: ongoing }\n",
        );
        let r = review(&c, depression());
        // Three weeks of V is not an adequate trial; the ongoing one has not failed.
        assert_eq!(r.failed_trials, 3);
        assert_eq!(
            r.failed_kinds,
            ["antidepressant (1)", "augmentation (1)", "TMS (1)"]
        );
    }

    #[test]
    fn scores_compare_the_latest_with_the_first_of_each_instrument() {
        let c = case(
            "scores:\n\
             - { instrument: PHQ-9, score: 19, date: 2026-06-01 }\n\
             - { instrument: PHQ-9, score: 24, date: 2025-10-01 }\n\
             - { instrument: PHQ-9, score: 21, date: 2026-11-01 }\n\
             - { instrument: MADRS, score: 33, date: 2026-11-10 }\n",
        );
        let r = review(&c, depression());
        assert_eq!(r.scores[0].instrument, "PHQ-9");
        assert_eq!(r.scores[0].baseline, Some((24, "October 1, 2025".into())));
        assert_eq!(r.scores[0].latest, (21, "November 1, 2026".into()));
        assert_eq!(r.scores[1].baseline, None, "one MADRS score: no baseline");
    }

    #[test]
    fn the_strongest_references_rank_by_design_and_size() {
        let c = case(
            "evidence: [berman-2000, sanacora-2017, murrough-2013, mcintyre-2021, anand-2023, zarate-2006]\n",
        );
        let keys: Vec<String> = review(&c, depression())
            .references
            .into_iter()
            .filter_map(|e| e.key)
            .collect();
        // Large trials, then consensus; the n=7 and n=18 pilots rank below both.
        assert_eq!(keys, ["anand-2023", "murrough-2013", "mcintyre-2021"]);
        let c = case("evidence: [berman-2000, mcintyre-2021]\nextra_evidence: [{ citation: X }]\n");
        let keys: Vec<Option<String>> = review(&c, depression())
            .references
            .into_iter()
            .map(|e| e.key)
            .collect();
        assert_eq!(
            keys,
            [
                Some("mcintyre-2021".into()),
                Some("berman-2000".into()),
                None
            ]
        );
    }

    #[test]
    fn the_answer_fits_the_reason_and_claims_only_what_applies() {
        let c = case("denial: { date: 2026-11-01, reason: experimental-investigational }\n");
        let r = review(&c, depression());
        assert_eq!(r.reasons, ["experimental or investigational"]);
        assert!(r.answers[0].as_str().contains("esketamine"));
        // Esketamine is approved for major depressive disorder only, and the answer names
        // only what the cited references studied.
        let ptsd = Conditions {
            ptsd: true,
            ..Conditions::default()
        };
        let with = |code: &str, evidence: &str| {
            let text = format!(
                "id: T-1\nstage: internal-appeal\nprepared_on: 2026-11-20\npatient: {{ name: A }}\n\
                 insurer: {{ name: B, plan_type: employer-self-funded }}\nprovider: {{ name: C }}\n\
                 request: {{ treatment: D }}\ndiagnoses: [{{ code: {code}, description: X }}]\n\
                 denial: {{ reason: experimental-investigational }}\nevidence: [{evidence}]\n"
            );
            Case::parse(Path::new("t.yaml"), &text).unwrap()
        };
        let answer = review(&with("F43.10", "feder-2021, murrough-2013"), ptsd)
            .answers
            .remove(0);
        assert!(!answer.contains("esketamine"), "{answer}");
        assert!(
            answer.contains("support ketamine for chronic post-traumatic stress disorder."),
            "{answer}"
        );
        // A PTSD case citing only depression trials claims nothing for PTSD.
        let answer = review(&with("F43.10", "murrough-2013, anand-2023"), ptsd)
            .answers
            .remove(0);
        assert!(
            answer.starts_with(
                "No cited reference studied ketamine for post-traumatic stress disorder"
            ),
            "{answer}"
        );
        assert!(!answer.contains("support"), "{answer}");
        let answer = review(&with("F33.2", "anand-2023, sanacora-2017"), depression())
            .answers
            .remove(0);
        assert!(
            answer.starts_with(
                "The randomized trials and expert consensus cited below support ketamine for \
                 treatment-resistant major depression; esketamine"
            ),
            "{answer}"
        );
        // Parity is claimed only where a program has it.
        let covered = |plan: &str| {
            let text = format!(
                "id: T-1\nstage: internal-appeal\nprepared_on: 2026-11-20\npatient: {{ name: A }}\n\
                 insurer: {{ name: B, plan_type: {plan} }}\nprovider: {{ name: C }}\n\
                 request: {{ treatment: D }}\ndenial: {{ reason: not-a-covered-benefit }}\n"
            );
            let c = Case::parse(Path::new("t.yaml"), &text).unwrap();
            review(&c, depression()).answers[0].clone()
        };
        assert!(covered("employer-self-funded").contains("29 U.S.C. 1185a"));
        assert!(!covered("medicare").contains("U.S.C."));
        // A prior authorization has no denial to answer.
        assert!(review(&case(""), depression()).answers.is_empty());
    }
}
