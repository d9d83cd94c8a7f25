//! The outcomes of sent appeals, counted once for every report that shows them: decided
//! appeals by outcome, broken down by plan type, insurer, denial reason and level, and the
//! appeals awaiting a decision by due date.

use super::*;
use crate::model::case::{DecisionOutcome, Phase};
use rates::Rate;

/// Decided appeals of one group, counted by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// The group's name in plain words (`Employer plan, self-funded`).
    pub label: String,
    /// Approved in full.
    pub approved: usize,
    /// Approved in part.
    pub partially: usize,
    /// Denied.
    pub denied: usize,
}

impl Tally {
    /// Returns how many appeals of the group were decided.
    pub(super) fn decided(&self) -> usize {
        self.approved + self.partially + self.denied
    }

    /// Returns the share approved in full.
    pub(super) fn in_full(&self) -> Rate {
        Rate {
            count: self.approved,
            of: self.decided(),
        }
    }

    /// Returns the share approved in full or in part.
    pub(super) fn at_least_in_part(&self) -> Rate {
        Rate {
            count: self.approved + self.partially,
            of: self.decided(),
        }
    }

    /// Describes the tally in one sentence: "3 appeals decided: 1 approved in full, 1 in
    /// part, 1 denied; approved in full or in part: 2 of 3: too few to state a rate ...".
    pub(super) fn sentence(&self) -> String {
        format!(
            "{} decided: {} approved in full, {} approved in part, {} denied; approved in full \
             or in part: {}.",
            plural(self.decided(), "appeal"),
            self.approved,
            self.partially,
            self.denied,
            self.at_least_in_part().describe()
        )
    }

    fn add(&mut self, outcome: DecisionOutcome) {
        match outcome {
            DecisionOutcome::Approved => self.approved += 1,
            DecisionOutcome::PartiallyApproved => self.partially += 1,
            DecisionOutcome::Denied => self.denied += 1,
        }
    }
}

/// The outcomes section of a run.
#[derive(Debug)]
pub(crate) struct Outcomes<'a> {
    /// All decided appeals.
    pub total: Tally,
    /// Broken down by plan type, insurer, denial reason and level: (heading, groups).
    pub breakdowns: Vec<(&'static str, Vec<Tally>)>,
    /// The appeals awaiting a decision, the earliest due first, unknown due dates last.
    pub awaiting: Vec<&'a CaseOutcome>,
}

impl Outcomes<'_> {
    /// Returns whether any appeal was sent.
    pub(super) fn is_empty(&self) -> bool {
        self.total.decided() == 0 && self.awaiting.is_empty()
    }
}

/// Counts the outcomes of a run's sent appeals.
pub(crate) fn outcomes(summary: &Summary) -> Outcomes<'_> {
    outcomes_of(summary, |_| true)
}

/// Counts the outcomes of the sent appeals whose decision the filter keeps (awaiting ones
/// are all listed).
pub(crate) fn outcomes_of(summary: &Summary, keep: impl Fn(&CaseOutcome) -> bool) -> Outcomes<'_> {
    let decided: Vec<(&CaseOutcome, DecisionOutcome)> = summary
        .cases
        .iter()
        .filter(|c| keep(c))
        .filter_map(|c| c.decision.map(|d| (c, d.outcome)))
        .collect();
    let mut total = Tally {
        label: "All".to_owned(),
        ..Tally::default()
    };
    for (_, outcome) in &decided {
        total.add(*outcome);
    }
    // A case counts once in each of its groups: a denial with two reasons counts under both.
    let by_each = |keys: &dyn Fn(&CaseOutcome) -> Vec<String>| {
        let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
        for (case, outcome) in &decided {
            for label in keys(case) {
                groups
                    .entry(label.clone())
                    .or_insert_with(|| Tally {
                        label,
                        ..Tally::default()
                    })
                    .add(*outcome);
            }
        }
        groups.into_values().collect::<Vec<_>>()
    };
    let by = |key: &dyn Fn(&CaseOutcome) -> String| by_each(&|c| vec![key(c)]);
    let unknown = || "Unknown".to_owned();
    let breakdowns = vec![
        (
            "Plan type",
            by(&|c| {
                c.plan_type
                    .map_or_else(unknown, |p| plan_words(p).to_owned())
            }),
        ),
        (
            "Insurer",
            by(&|c| c.insurer.clone().unwrap_or_else(unknown)),
        ),
        (
            "Denial reason",
            by_each(&|c| {
                if c.denial_reasons.is_empty() {
                    vec![
                        c.denial_reason
                            .map_or_else(unknown, |r| reason_words(r).to_owned()),
                    ]
                } else {
                    c.denial_reasons
                        .iter()
                        .map(|r| reason_words(*r).to_owned())
                        .collect()
                }
            }),
        ),
        (
            "Level",
            by(&|c| c.stage.map_or_else(unknown, |s| s.title().to_owned())),
        ),
    ];
    let mut awaiting: Vec<&CaseOutcome> = summary
        .cases
        .iter()
        .filter(|c| c.phase == Some(Phase::AwaitingDecision))
        .collect();
    awaiting.sort_by_key(|c| match &c.decision_due {
        Some(due) => (false, due.days_left),
        None => (true, 0),
    });
    Outcomes {
        total,
        breakdowns,
        awaiting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_denial_with_two_reasons_counts_under_each() {
        use crate::model::case::DenialReason;
        use crate::model::fields::Date;
        use crate::outcome::Decided;
        let date = Date::parse("2026-10-01").unwrap();
        let mut case = CaseOutcome::invalid("a.yaml".into(), String::new());
        case.decision = Some(Decided {
            outcome: DecisionOutcome::Denied,
            date,
        });
        case.denial_reason = Some(DenialReason::ExperimentalInvestigational);
        case.denial_reasons = vec![
            DenialReason::ExperimentalInvestigational,
            DenialReason::NotMedicallyNecessary,
        ];
        let summary = Summary::new(date, vec![case]);
        let counted = outcomes(&summary);
        let (_, reasons) = counted
            .breakdowns
            .iter()
            .find(|(name, _)| *name == "Denial reason")
            .unwrap();
        let labels: Vec<&str> = reasons.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Experimental or investigational", "Not medically necessary"]
        );
        assert_eq!(counted.total.decided(), 1);
    }

    #[test]
    fn full_and_partial_approvals_are_counted_apart() {
        let tally = Tally {
            label: "x".into(),
            approved: 1,
            partially: 1,
            denied: 1,
        };
        assert_eq!(tally.decided(), 3);
        assert_eq!(tally.in_full(), Rate { count: 1, of: 3 });
        assert_eq!(tally.at_least_in_part(), Rate { count: 2, of: 3 });
        assert!(tally.sentence().contains("too few to state a rate"));
    }
}
