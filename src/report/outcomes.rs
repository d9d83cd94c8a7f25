//! The outcomes of sent appeals, counted once for every report that shows them: decided
//! appeals by outcome, broken down by program, denial reason and stage, and the appeals
//! awaiting a decision by due date.

use super::*;
use crate::model::case::{DecisionOutcome, Phase};

/// Decided appeals of one group, counted by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// The group's name, as written in case files (`employer-self-funded`).
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
    pub fn decided(&self) -> usize {
        self.approved + self.partially + self.denied
    }

    /// Returns the share approved in full or in part, as a whole percentage.
    pub fn rate(&self) -> String {
        match self.decided() {
            0 => "—".to_owned(),
            n => format!("{}%", ((self.approved + self.partially) * 100 + n / 2) / n),
        }
    }

    /// Describes the tally in one sentence: "3 appeals: 1 approved, 1 partially approved,
    /// 1 denied; approved in full or in part: 67%."
    pub fn sentence(&self) -> String {
        format!(
            "{}: {} approved, {} partially approved, {} denied; approved in full or in part: {}.",
            plural(self.decided(), "appeal"),
            self.approved,
            self.partially,
            self.denied,
            self.rate()
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
    /// Broken down by plan type, denial reason and stage: (heading, groups).
    pub breakdowns: Vec<(&'static str, Vec<Tally>)>,
    /// The appeals awaiting a decision, the earliest due first, unknown due dates last.
    pub awaiting: Vec<&'a CaseOutcome>,
}

impl Outcomes<'_> {
    /// Returns whether any appeal was sent.
    pub fn is_empty(&self) -> bool {
        self.total.decided() == 0 && self.awaiting.is_empty()
    }
}

/// Counts the outcomes of a run's sent appeals.
pub(crate) fn outcomes(summary: &Summary) -> Outcomes<'_> {
    let decided: Vec<(&CaseOutcome, DecisionOutcome)> = summary
        .cases
        .iter()
        .filter_map(|c| c.decision.map(|d| (c, d.outcome)))
        .collect();
    let mut total = Tally {
        label: "all".to_owned(),
        ..Tally::default()
    };
    for (_, outcome) in &decided {
        total.add(*outcome);
    }
    let by = |key: &dyn Fn(&CaseOutcome) -> &'static str| {
        let mut groups: BTreeMap<&'static str, Tally> = BTreeMap::new();
        for (case, outcome) in &decided {
            let label = key(case);
            groups
                .entry(label)
                .or_insert_with(|| Tally {
                    label: label.to_owned(),
                    ..Tally::default()
                })
                .add(*outcome);
        }
        groups.into_values().collect::<Vec<_>>()
    };
    let breakdowns = vec![
        (
            "Plan type",
            by(&|c| c.plan_type.map_or("unknown", |p| p.as_str())),
        ),
        (
            "Denial reason",
            by(&|c| c.denial_reason.map_or("unknown", |r| r.as_str())),
        ),
        ("Stage", by(&|c| c.stage.map_or("unknown", |s| s.as_str()))),
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
    fn rates_count_full_and_partial_approvals() {
        let tally = Tally {
            label: "x".into(),
            approved: 1,
            partially: 1,
            denied: 1,
        };
        assert_eq!(tally.decided(), 3);
        assert_eq!(tally.rate(), "67%");
        assert_eq!(Tally::default().rate(), "—");
    }
}
