//! What became of each case: its status, its phase and its next step in words. The run's
//! summary document, made of these outcomes, is in `summary.rs`.

mod summary;

pub(crate) use summary::Timing;
pub use summary::{Compiles, Summary, Totals};

use serde::{Deserialize, Serialize};

use crate::checklist::{CheckedCase, Deadline, DecisionDue, Finding, NextLevel, RuleId, Severity};
use crate::law::Program;
use crate::model::case::{Case, DecisionOutcome, DenialReason, Phase, PlanType, Stage};
use crate::model::fields::Date;

/// What became of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// No blocker: the packet can be sent.
    Ready,
    /// At least one blocker.
    NeedsWork,
    /// The case file did not load.
    Invalid,
    /// The case loaded but its packet could not be made.
    Failed,
}

impl Status {
    /// Returns the status as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ready => "ready",
            Status::NeedsWork => "needs-work",
            Status::Invalid => "invalid",
            Status::Failed => "failed",
        }
    }
}

/// One case's entry in the summary document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseOutcome {
    /// The case id, if the file loaded far enough to have one.
    pub id: Option<String>,
    /// The case file, relative to the cases folder.
    pub file: String,
    /// What became of the case.
    pub status: Status,
    /// The stage being filed.
    pub stage: Option<Stage>,
    /// The filing deadline, where known.
    pub deadline: Option<Deadline>,
    /// The checklist's findings, most severe first.
    pub findings: Vec<Finding>,
    /// Why the case is invalid or failed, as `file:line:col: message`.
    pub error: Option<String>,
    /// The packet's path, relative to the output folder.
    pub packet: Option<String>,
    /// The single most important thing to do now, in words.
    #[serde(default)]
    pub next_step: Option<String>,
    /// The staff member who owns the case (initials, never patient data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Where the appeal stands beside its status: preparing, awaiting-decision, decided.
    #[serde(default)]
    pub phase: Option<Phase>,
    /// The kind of plan, whose program's law applies.
    #[serde(default)]
    pub plan_type: Option<PlanType>,
    /// The denial's first reason, as a category (never the notice's words).
    #[serde(default)]
    pub denial_reason: Option<DenialReason>,
    /// Every reason the denial gives, where it gives more than one; reports count the
    /// case under each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub denial_reasons: Vec<DenialReason>,
    /// When the decision on the sent level is due, and what the law gives if it is late.
    #[serde(default)]
    pub decision_due: Option<DecisionDue>,
    /// The decision on the level, once it came.
    #[serde(default)]
    pub decision: Option<Decided>,
    /// The level after a denial, with its filing deadline.
    #[serde(default)]
    pub next_level: Option<NextLevel>,
    /// The id of the case whose next level this case files, from its history, where the
    /// claim holds (the same patient, the level after it, no other claimant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continues: Option<String>,
    /// Why the deadline that matters now is not known, as the fact to find out (a field
    /// name, never a value); such a case is listed first and is a task in the calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_unknown: Option<String>,
    /// The earliest follow-up of the contact log not yet done.
    #[serde(default)]
    pub next_follow_up: Option<Date>,
    /// The insurer's name (an organisation, never patient data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurer: Option<String>,
    /// The date of the denial notice being appealed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denial_date: Option<Date>,
    /// The day this level's packet was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_on: Option<Date>,
    /// The value of the care requested: cost per session times sessions, where both are given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub care_value: Option<f64>,
    /// Whether the case is the example `init` wrote, which real cases push out of every report.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub example: bool,
    /// The last day to ask for Medicaid benefits to continue while the appeal is pending,
    /// where the case asks for it and the appeal is not yet sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuation: Option<Deadline>,
}

/// A decision as the reports show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decided {
    /// What was decided.
    pub outcome: DecisionOutcome,
    /// The date of the decision.
    pub date: Date,
}

impl CaseOutcome {
    /// Returns an outcome for a case file that did not load.
    pub fn invalid(file: String, error: String) -> CaseOutcome {
        CaseOutcome {
            id: None,
            file,
            status: Status::Invalid,
            stage: None,
            deadline: None,
            findings: Vec::new(),
            error: Some(error),
            packet: None,
            next_step: Some("fix the case file: its first error says where".to_owned()),
            owner: None,
            phase: None,
            plan_type: None,
            denial_reason: None,
            denial_reasons: Vec::new(),
            decision_due: None,
            decision: None,
            next_level: None,
            continues: None,
            deadline_unknown: None,
            next_follow_up: None,
            insurer: None,
            denial_date: None,
            sent_on: None,
            care_value: None,
            example: false,
            continuation: None,
        }
    }

    /// Returns an outcome for a case whose work failed (its packet, or a panic).
    pub(crate) fn failed(file: String, id: Option<String>, error: String) -> CaseOutcome {
        CaseOutcome {
            id,
            status: Status::Failed,
            next_step: Some(
                "read why the packet could not be made (the error), then build again".to_owned(),
            ),
            ..CaseOutcome::invalid(file, error)
        }
    }

    /// Returns the outcome of a checked case: ready, needs-work or invalid, with no packet.
    pub fn checked(checked: &CheckedCase) -> CaseOutcome {
        let loaded = &checked.loaded;
        let case = match &loaded.case {
            Ok(case) => case,
            Err(error) => {
                let mut outcome = CaseOutcome::invalid(loaded.file.clone(), error.clone());
                outcome.id = loaded.id.clone();
                return outcome;
            }
        };
        if let Some(why) = &checked.over_budget {
            return CaseOutcome {
                status: Status::Failed,
                error: Some(format!("{}: {why}", loaded.file)),
                next_step: Some(
                    "enclose fewer or smaller files (the error names the first over the case's \
                     budget), then check again"
                        .to_owned(),
                ),
                ..CaseOutcome::checked_within_budget(checked, case)
            };
        }
        CaseOutcome::checked_within_budget(checked, case)
    }

    /// Returns the outcome of a checked case whose files are within its budget.
    fn checked_within_budget(checked: &CheckedCase, case: &Case) -> CaseOutcome {
        let loaded = &checked.loaded;
        let status = if checked.has_blockers() {
            Status::NeedsWork
        } else {
            Status::Ready
        };
        let phase = case.phase();
        let links = &loaded.links;
        // The deadline that matters now: this level's while it is prepared, the next
        // level's once a denial came (unless the case that files that level has it, as
        // this case's `continuation` finding says), none while the plan decides.
        let deadline = match phase {
            Phase::Preparing => checked.deadline.clone(),
            Phase::AwaitingDecision => None,
            Phase::Decided if links.continued_by.is_some() => None,
            Phase::Decided => checked.next_level.as_ref().and_then(|n| n.deadline.clone()),
        };
        let next_step = match &links.continued_by {
            Some(by) if phase == Phase::Decided => {
                format!("continued in {by}, which files the next level")
            }
            _ => next_step(case, status, checked),
        };
        CaseOutcome {
            id: Some(case.id.clone()),
            file: loaded.file.clone(),
            status,
            stage: Some(case.stage),
            deadline,
            findings: checked.findings.clone(),
            error: None,
            packet: None,
            next_step: Some(next_step),
            owner: case.owner.clone(),
            phase: Some(phase),
            plan_type: case.insurer.plan_type,
            denial_reason: case
                .denial
                .as_ref()
                .and_then(|d| d.all_reasons().first().copied()),
            denial_reasons: case
                .denial
                .as_ref()
                .map(|d| d.all_reasons())
                .filter(|r| r.len() > 1)
                .unwrap_or_default(),
            decision_due: checked
                .decision_due
                .clone()
                .filter(|_| phase == Phase::AwaitingDecision),
            decision: case.decision.as_ref().map(|d| Decided {
                outcome: d.outcome,
                date: d.date,
            }),
            next_level: checked.next_level.clone(),
            continues: links.continues.clone(),
            // A continued case leaves its next level, known or not, to the case filing it.
            deadline_unknown: checked
                .deadline_unknown
                .clone()
                .filter(|_| !(phase == Phase::Decided && links.continued_by.is_some())),
            next_follow_up: case.next_follow_up(),
            insurer: Some(case.insurer.name.clone()).filter(|n| !n.trim().is_empty()),
            denial_date: case.denial.as_ref().and_then(|d| d.date),
            sent_on: case.submission.as_ref().map(|s| s.sent_on),
            care_value: case
                .request
                .cost_per_session
                .zip(case.request.sessions)
                .map(|(cost, sessions)| cost * f64::from(sessions)),
            example: case.example,
            continuation: checked
                .continuation
                .clone()
                .filter(|_| phase == Phase::Preparing),
        }
    }

    /// Counts the findings of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Returns the ids of the rules that found blockers, without repeats.
    pub(crate) fn blocker_rules(&self) -> Vec<RuleId> {
        let mut rules: Vec<RuleId> = Vec::new();
        for finding in &self.findings {
            if finding.severity == Severity::Blocker && !rules.contains(&finding.rule) {
                rules.push(finding.rule);
            }
        }
        rules
    }
}

/// Returns the single most important thing to do now for a case that loaded: the
/// deadline if it passed; within a week of it, a short appeal now and the records as a
/// supplement where the program allows; else the most urgent blocker; for a ready case,
/// sending it in time.
fn next_step(case: &Case, status: Status, checked: &CheckedCase) -> String {
    match case.phase() {
        Phase::Preparing => {}
        Phase::AwaitingDecision => return awaiting_step(case, checked),
        Phase::Decided => return decided_step(case, checked),
    }
    let passed = checked.deadline.as_ref().filter(|d| d.days_left < 0);
    if status == Status::Ready {
        let send = if case.stage == Stage::PriorAuthorization {
            "send the request"
        } else {
            "send the packet"
        };
        return match &checked.deadline {
            Some(d) => format!("{send} by {} (fax with confirmation)", d.date),
            None => format!("{send} (fax with confirmation)"),
        };
    }
    // The deadline rule words the remedy, good cause only where the program has it.
    if let Some(d) = passed {
        return checked
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Blocker)
            .find(|f| f.rule == RuleId::Deadline)
            .map_or_else(
                || format!("the deadline passed on {}", d.date),
                |f| f.message.clone(),
            );
    }
    let blocker = most_urgent_blocker(case, checked);
    // Close to the deadline, a short appeal filed in time keeps the appeal alive where the
    // program lets the records follow; the rest becomes the supplement's to-do.
    let close = checked
        .deadline
        .as_ref()
        .filter(|d| d.days_left <= FILE_NOW_DAYS);
    let rule = case
        .insurer
        .plan_type
        .filter(|_| matches!(case.stage, Stage::InternalAppeal | Stage::SecondLevelAppeal))
        .and_then(|plan| Program::of(plan).supplement_rule());
    if let (Some(d), Some(rule)) = (close, rule) {
        return format!(
            "file a short appeal by {} to protect the deadline, then send the records as a \
             supplement ({rule}); still missing: {blocker}",
            d.date
        );
    }
    blocker
}

/// The days before a filing deadline from which a case with blockers is told to file a
/// short appeal now and supplement it later, where its program allows that: one week,
/// the dashboard's "due this week".
pub(crate) const FILE_NOW_DAYS: i64 = 7;

/// Returns the most urgent blocker of a case in words: the provider's support, then their
/// signature if the letter is a draft, else the first blocker's own instruction.
fn most_urgent_blocker(case: &Case, checked: &CheckedCase) -> String {
    let mut blockers = checked
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Blocker);
    // A signature is asked for only once the provider supports the treatment.
    if let Some(f) = blockers.clone().find(|f| f.rule == RuleId::Provider) {
        return f.message.clone();
    }
    let letter = case.letter_of_medical_necessity.as_ref();
    if letter.is_some_and(|l| l.awaits_signature()) {
        return "get the provider's signature on the letter of medical necessity \
                (letter-for-signature.pdf), then name the signed scan in the case"
            .to_owned();
    }
    blockers
        .next()
        .map_or_else(|| "review the findings".to_owned(), |f| f.message.clone())
}

/// Returns the next step of a sent case: a late filing to excuse, a fact to fill in, a
/// late plan's remedy, or the day to expect the decision.
fn awaiting_step(case: &Case, checked: &CheckedCase) -> String {
    let sent_late = checked
        .findings
        .iter()
        .find(|f| f.rule == RuleId::Deadline && f.severity == Severity::Blocker);
    if let Some(finding) = sent_late {
        return finding.message.clone();
    }
    match &checked.decision_due {
        Some(due) if due.days_left < 0 => {
            format!("the decision was due on {}: {}", due.date, due.if_late)
        }
        Some(due) => format!(
            "wait for the decision, due by {}; call if nothing has come by then",
            due.date
        ),
        None => checked
            .findings
            .iter()
            .find(|f| f.rule == RuleId::Decision && f.severity == Severity::Warning)
            .map_or_else(
                || format!("wait for the decision on the {}", case.stage.as_str()),
                |f| f.message.clone(),
            ),
    }
}

/// Returns the next step of a decided case: nothing after an approval, else the next
/// level by its deadline.
fn decided_step(case: &Case, checked: &CheckedCase) -> String {
    let Some(next) = &checked.next_level else {
        return "approved: nothing to file; schedule the treatment".to_owned();
    };
    match (next.stage, &next.deadline) {
        // Good cause is offered only where the program's rules have it for that level.
        (Some(stage), Some(d)) if d.days_left < 0 => {
            let program = case
                .insurer
                .plan_type
                .and_then(|p| Program::of(p).good_cause(stage));
            match program {
                Some(rule) => format!(
                    "the window for the next level closed on {}; file it now with a written \
                     explanation of good cause for the delay ({rule})",
                    d.date
                ),
                None => format!(
                    "the window for the next level closed on {}; the rules give no late filing \
                     here: ask the plan or an attorney whether any route is left",
                    d.date
                ),
            }
        }
        (Some(_), Some(d)) => format!(
            "{} by {} (`appealpack new --next {}` starts it)",
            next.what, d.date, case.id
        ),
        (Some(_), None) => format!(
            "{} (`appealpack new --next {}` starts it)",
            next.what, case.id
        ),
        (None, _) => next.what.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::load::Loaded;

    /// A case close to its deadline: an internal appeal of the given plan type.
    fn case(plan_type: &str, stage: &str) -> Case {
        let yaml = format!(
            "id: KET-N-1\nstage: {stage}\nprepared_on: 2026-11-20\n\
             patient: {{ name: Ann Example }}\n\
             insurer: {{ name: Example Health, plan_type: {plan_type} }}\n\
             provider: {{ name: Dr Pat Lee }}\n\
             request: {{ treatment: IV ketamine, sessions: 6, cost_per_session: 450 }}\n\
             denial: {{ date: 2026-10-01 }}\nfiled_by: patient\n"
        );
        Case::parse(std::path::Path::new("t.yaml"), &yaml).unwrap_or_else(|e| panic!("{e}"))
    }

    fn blocker(rule: RuleId, message: &str) -> Finding {
        Finding {
            rule,
            severity: Severity::Blocker,
            message: message.to_owned(),
        }
    }

    /// The outcome of a case with two blockers, `days_left` before its deadline.
    fn outcome(case: Case, days_left: i64) -> CaseOutcome {
        let checked = CheckedCase {
            loaded: Loaded {
                path: PathBuf::from("cases/t.yaml"),
                file: "t.yaml".into(),
                id: Some(case.id.clone()),
                case: Ok(case),
                links: Default::default(),
            },
            findings: vec![
                blocker(
                    RuleId::Attachments,
                    "add the infusion records to attachments",
                ),
                blocker(RuleId::Lmn, "add a baseline PHQ-9"),
            ],
            deadline: Some(Deadline {
                date: Date::parse("2026-11-27").unwrap(),
                days_left,
                basis: "180 days".into(),
            }),
            decision_due: None,
            next_level: None,
            deadline_unknown: None,
            continuation: None,
            enclosures: Vec::new(),
            over_budget: None,
        };
        CaseOutcome::checked(&checked)
    }

    #[test]
    fn close_to_the_deadline_the_step_is_to_file_now_and_supplement_later() {
        let step = outcome(case("employer-self-funded", "internal-appeal"), 1)
            .next_step
            .unwrap();
        assert_eq!(
            step,
            "file a short appeal by 2026-11-27 to protect the deadline, then send the records \
             as a supplement (29 CFR 2560.503-1(h)(2)(ii) and (iv)); still missing: add the \
             infusion records to attachments"
        );
        let advantage = outcome(case("medicare-advantage", "internal-appeal"), 7);
        assert!(
            advantage.next_step.unwrap().contains("(42 CFR 422.586)"),
            "a Medicare Advantage reconsideration takes evidence later"
        );
    }

    #[test]
    fn otherwise_the_step_is_the_most_urgent_blocker() {
        // Far from the deadline: the blocker itself.
        let far = outcome(case("employer-self-funded", "internal-appeal"), 30);
        assert_eq!(
            far.next_step.as_deref(),
            Some("add the infusion records to attachments")
        );
        // A program whose rule on late evidence is not verified, and an external review.
        for (plan, stage) in [
            ("medicare", "internal-appeal"),
            ("medicaid-managed-care", "internal-appeal"),
            ("employer-self-funded", "external-review"),
        ] {
            let step = outcome(case(plan, stage), 1).next_step.unwrap();
            assert_eq!(
                step, "add the infusion records to attachments",
                "{plan} {stage}"
            );
        }
    }

    #[test]
    fn a_closed_next_level_offers_good_cause_only_where_the_rules_have_it() {
        let closed = |plan: &str| {
            let case = case(plan, "internal-appeal");
            let mut checked = CheckedCase {
                loaded: Loaded {
                    path: PathBuf::from("cases/t.yaml"),
                    file: "t.yaml".into(),
                    id: Some(case.id.clone()),
                    case: Ok(case.clone()),
                    links: Default::default(),
                },
                findings: Vec::new(),
                deadline: None,
                decision_due: None,
                next_level: None,
                deadline_unknown: None,
                continuation: None,
                enclosures: Vec::new(),
                over_budget: None,
            };
            checked.next_level = Some(NextLevel {
                stage: Some(Stage::SecondLevelAppeal),
                what: "the next level".into(),
                deadline: Some(Deadline {
                    date: Date::parse("2026-11-01").unwrap(),
                    days_left: -25,
                    basis: "60 days".into(),
                }),
            });
            decided_step(&case, &checked)
        };
        assert_eq!(
            closed("medicare"),
            "the window for the next level closed on 2026-11-01; file it now with a written \
             explanation of good cause for the delay (42 CFR 405.962(b))"
        );
        let employer = closed("employer-self-funded");
        assert!(
            employer.contains("the rules give no late filing here")
                && !employer.contains("good cause"),
            "{employer}"
        );
    }

    #[test]
    fn the_outcome_carries_what_the_coordinator_reports_need() {
        let outcome = outcome(case("aca-marketplace", "internal-appeal"), 30);
        assert_eq!(outcome.insurer.as_deref(), Some("Example Health"));
        assert_eq!(
            outcome.denial_date.map(|d| d.to_string()).as_deref(),
            Some("2026-10-01")
        );
        assert_eq!(outcome.care_value, Some(2700.0));
        assert!(!outcome.example);
    }
}
