//! What a case's facts count as, computed in one place: adequate trials, the scores of
//! each instrument, the phase of the level, the contact log's follow-ups and open requests.

use super::*;
use crate::model::fields::Date;

/// The shortest trial counted as adequate, in days (6 weeks).
pub(crate) const ADEQUATE_TRIAL_DAYS: i64 = 42;

/// The fewest TMS sessions counted as a completed course, whatever its calendar length:
/// daily sessions on weekdays make 30 sessions in six weeks, and a course with a few
/// doubled days ends sooner.
pub(crate) const ADEQUATE_TMS_SESSIONS: u32 = 30;

impl PriorTreatment {
    /// Returns whether the treatment was an adequate trial that failed: finished, and either
    /// 6 weeks or longer or stopped for side effects (plans accept "failure or
    /// intolerance", whatever the length of a trial stopped for side effects).
    /// A trial of an earlier episode is history and never counts; a TMS course counts by
    /// its sessions too.
    pub(crate) fn failed_adequate_trial(&self) -> bool {
        if !self.current_episode {
            return false;
        }
        match self.outcome {
            Outcome::Ongoing | Outcome::Contraindicated => false,
            Outcome::SideEffects => true,
            Outcome::InadequateResponse | Outcome::PartialResponse => {
                self.days().is_some_and(|days| days >= ADEQUATE_TRIAL_DAYS)
                    || (self.kind == TreatmentKind::Tms
                        && self.sessions.is_some_and(|n| n >= ADEQUATE_TMS_SESSIONS))
            }
        }
    }

    /// Returns whether the treatment is documented as contraindicated in the current
    /// episode: plans count it beside failed trials ("failure, intolerance or
    /// contraindication"), and the letter says which it is.
    pub fn contraindicated(&self) -> bool {
        self.current_episode && self.outcome == Outcome::Contraindicated
    }

    /// Returns the trial's length in days: from its dates where both are known, else from
    /// its duration in weeks.
    pub fn days(&self) -> Option<i64> {
        match (self.started, self.ended) {
            (Some(started), Some(ended)) => {
                Some(started.days_until(ended)).filter(|days| *days >= 0)
            }
            _ => self.duration_weeks.map(|weeks| i64::from(weeks) * 7),
        }
    }

    /// Returns the trial's length in whole weeks, where it is known.
    pub fn weeks(&self) -> Option<i64> {
        self.days().map(|days| days / 7)
    }
}

impl Case {
    /// Returns the phase of the level being filed: decided once a decision is recorded,
    /// awaiting it once the packet was sent, else preparing.
    pub fn phase(&self) -> Phase {
        match (&self.decision, &self.submission) {
            (Some(_), _) => Phase::Decided,
            (None, Some(_)) => Phase::AwaitingDecision,
            (None, None) => Phase::Preparing,
        }
    }

    /// Returns the scores of each instrument, oldest first, the instruments in the order
    /// the case first lists them.
    pub(crate) fn scores_by_instrument(&self) -> Vec<(Instrument, Vec<&Score>)> {
        let mut series: Vec<(Instrument, Vec<&Score>)> = Vec::new();
        for score in &self.scores {
            match series.iter_mut().find(|(i, _)| *i == score.instrument) {
                Some((_, scores)) => scores.push(score),
                None => series.push((score.instrument, vec![score])),
            }
        }
        for (_, scores) in &mut series {
            scores.sort_by_key(|s| s.date);
        }
        series
    }
}

/// A request of the contact log still waiting for its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Waiting {
    /// What was requested.
    pub kind: ContactKind,
    /// The day it was requested.
    pub since: Date,
}

impl Case {
    /// Returns the earliest follow-up date of the contact log that no later contact has
    /// passed: a follow-up is done once a contact is logged on or after it.
    pub fn next_follow_up(&self) -> Option<Date> {
        let last = self.contacts.iter().map(|c| c.date).max()?;
        self.contacts
            .iter()
            .filter_map(|c| c.follow_up)
            .filter(|&due| due > last)
            .min()
    }

    /// Returns the requests of the contact log not answered by a later (or same-day)
    /// entry of the matching kind, oldest first.
    pub(crate) fn waiting_requests(&self) -> Vec<Waiting> {
        let mut waiting: Vec<Waiting> = self
            .contacts
            .iter()
            .filter_map(|c| {
                let answer = c.kind.answered_by()?;
                let answered = self
                    .contacts
                    .iter()
                    .any(|later| later.kind == answer && later.date >= c.date);
                (!answered).then_some(Waiting {
                    kind: c.kind,
                    since: c.date,
                })
            })
            .collect();
        waiting.sort_by_key(|w| w.since);
        waiting
    }
}
