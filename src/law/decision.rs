//! Decision clocks: how long the plan or reviewer has to decide a level once it has the
//! filing, what the law gives the patient when it does not decide in time, and the level
//! that follows a denial, with its own filing deadline.
//!
//! Every clock counts from the day the plan or reviewer received the filing: the day a
//! fax, portal upload or email was sent, or the `submission.received` date the advocate
//! enters. Where the clock depends on a fact the case does not give (a mailed packet's
//! delivery, the number of levels an employer plan has, whether a Medicare Advantage
//! request is for a Part B drug), no date is guessed: the answer names the field to fill.

use serde::{Deserialize, Serialize};

use super::deadline::{self, Deadline};
use super::{NoSuchLevel, Program, holidays};
use crate::model::case::{Case, DecisionOutcome, Denial, Stage};
use crate::model::fields::Date;

/// A plan's or reviewer's time to decide one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecisionClock {
    /// Calendar days (72 hours count as 3 days: only dates are known), or working days.
    pub days: u32,
    /// Whether the days are working days (no weekend or federal holiday counts).
    pub working: bool,
    /// The time in the regulation's words, e.g. "72 hours".
    pub time: &'static str,
    /// The regulation.
    pub cite: &'static str,
}

/// Why no decision due date can be worked out for a sent level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoClock {
    /// A fact the clock depends on is missing: what to fill in, and why.
    NeedsFact(&'static str),
    /// The time is set by the State or the plan, or appealpack does not track this level.
    NotTracked(&'static str),
}

/// When the decision on a sent level is due, and whether it is late.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionDue {
    /// The last day for the decision.
    pub date: Date,
    /// Days from today to that day (negative once it has passed).
    pub days_left: i64,
    /// How the date was found: the clock, the day it counts from, and its regulation.
    pub basis: String,
    /// What the law gives the patient once the day has passed with no decision.
    pub if_late: String,
}

/// The level that follows a denial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextLevel {
    /// The stage to file next, where there is one to file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// What comes next, in words, with its regulation.
    pub what: String,
    /// The next level's filing deadline, counted from the decision's receipt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Deadline>,
}

/// Urgent care under a group or individual health plan: 72 hours.
const URGENT: DecisionClock = DecisionClock {
    days: 3,
    working: false,
    time: "72 hours",
    cite: "29 CFR 2560.503-1(i)(2)(i)",
};

/// Returns the clock of the level a case filed (or of its prior authorization request),
/// or why there is none to count.
pub fn clock(case: &Case) -> Result<DecisionClock, NoClock> {
    let Some(plan) = case.insurer.plan_type else {
        return Err(NoClock::NeedsFact(
            "insurer.plan_type: the plan's time to decide depends on the kind of plan",
        ));
    };
    let program = Program::of(plan);
    let urgent = case.denial.as_ref().is_some_and(|d| d.urgent);
    let post_service = !case.request.dates_of_service.is_empty();
    let levels = case.insurer.appeal_levels;
    let days = |days, time, cite| {
        Ok(DecisionClock {
            days,
            working: false,
            time,
            cite,
        })
    };
    use Stage::*;
    match (program, case.stage) {
        (_, PriorAuthorization) => prior_authorization_clock(case, program),
        (_, InternalAppeal | SecondLevelAppeal) if program.group_or_individual() => {
            if urgent && !post_service {
                return Ok(URGENT);
            }
            // A marketplace plan has one level (45 CFR 147.136(b)(3)(ii)(G)); a group
            // plan's second level implies two.
            let levels = match (program, case.stage) {
                (Program::Marketplace, _) => 1,
                (_, SecondLevelAppeal) => 2,
                _ => levels.ok_or(NoClock::NeedsFact(
                    "insurer.appeal_levels (1 or 2, from the plan document): an employer \
                     plan with two levels of appeal has half the time at each (29 CFR \
                     2560.503-1(i)(2))",
                ))?,
            };
            match (post_service, levels) {
                (false, 1) => days(30, "30 days", "29 CFR 2560.503-1(i)(2)(ii)"),
                (false, _) => days(
                    15,
                    "15 days (one of two levels)",
                    "29 CFR 2560.503-1(i)(2)(ii)",
                ),
                (true, 1) => days(60, "60 days", "29 CFR 2560.503-1(i)(2)(iii)"),
                (true, _) => days(
                    30,
                    "30 days (one of two levels)",
                    "29 CFR 2560.503-1(i)(2)(iii)",
                ),
            }
        }
        (_, ExternalReview) if program.group_or_individual() => {
            if urgent && !post_service {
                days(3, "72 hours", "45 CFR 147.136(d)(3)(iv)")
            } else {
                days(45, "45 days", "45 CFR 147.136(d)(2)(iii)(B)(6)")
            }
        }
        (Program::OriginalMedicare, InternalAppeal) => days(60, "60 days", "42 CFR 405.950(a)"),
        (Program::OriginalMedicare, SecondLevelAppeal) => days(60, "60 days", "42 CFR 405.970(a)"),
        (Program::MedicareAdvantage, InternalAppeal) => {
            if post_service {
                return days(60, "60 days", "42 CFR 422.590(b)");
            }
            if urgent {
                return days(3, "72 hours", "42 CFR 422.590(e)");
            }
            match case.request.part_b_drug {
                Some(true) => days(7, "7 days", "42 CFR 422.590(c)"),
                Some(false) => days(30, "30 days", "42 CFR 422.590(a)"),
                None => Err(NoClock::NeedsFact(
                    "request.part_b_drug (true or false): a Medicare Advantage plan decides a \
                     request for a Part B drug in 7 days, other services in 30 (42 CFR \
                     422.590(a), (c))",
                )),
            }
        }
        (Program::MedicarePartD, InternalAppeal) => {
            if post_service {
                days(14, "14 days", "42 CFR 423.590(b)")
            } else if urgent {
                days(3, "72 hours", "42 CFR 423.590(d)")
            } else {
                days(7, "7 days", "42 CFR 423.590(a)")
            }
        }
        // The independent review entity may not exceed the plan's deadlines (423.600(d)).
        (Program::MedicarePartD, SecondLevelAppeal) => {
            if post_service {
                days(14, "14 days", "42 CFR 423.600(d), 423.590(b)")
            } else if urgent {
                days(3, "72 hours", "42 CFR 423.600(d), 423.590(d)")
            } else {
                days(7, "7 days", "42 CFR 423.600(d), 423.590(a)")
            }
        }
        (Program::MedicaidManagedCare, InternalAppeal) => {
            if urgent {
                days(3, "72 hours", "42 CFR 438.408(b)(3)")
            } else {
                days(30, "30 days", "42 CFR 438.408(b)(2)")
            }
        }
        // The State fair hearing: 3 working days when expedited (42 CFR 431.224(a)),
        // else ordinarily 90 days (431.244(f)(1)); see `due` for the days it counts from.
        (Program::MedicaidManagedCare, ExternalReview)
        | (Program::MedicaidFeeForService, InternalAppeal) => {
            let managed = program == Program::MedicaidManagedCare;
            if urgent && !post_service {
                Ok(DecisionClock {
                    days: 3,
                    working: true,
                    time: "3 working days",
                    cite: if managed {
                        "42 CFR 431.244(f)(2)"
                    } else {
                        "42 CFR 431.224(a), 431.244(f)(3)(ii)"
                    },
                })
            } else if managed {
                days(90, "90 days", "42 CFR 431.244(f)(1)(i)")
            } else {
                days(90, "90 days", "42 CFR 431.244(f)(1)(ii)")
            }
        }
        (Program::Fehb, InternalAppeal) => Err(NoClock::NotTracked(
            "the carrier's time to reconsider (30 days in the 2005 text of 5 CFR \
             890.105(b)(2)) was not verified against the current text; the notice gives it",
        )),
        (Program::Other | Program::ChurchPlan | Program::Grandfathered | Program::Fehb, _) => {
            Err(NoClock::NotTracked(
                "appealpack knows no decision time for this plan type: the plan's notice \
                 gives it",
            ))
        }
        // The programs without such a level are refused by the filing rules already.
        _ => Err(NoClock::NotTracked(
            "this program has no such level to decide",
        )),
    }
}

/// Returns the plan's time to decide a prior authorization request, where the law fixes
/// one: a missed one is itself a denial the patient may appeal.
fn prior_authorization_clock(case: &Case, program: Program) -> Result<DecisionClock, NoClock> {
    let urgent = case.denial.as_ref().is_some_and(|d| d.urgent);
    let days = |days, time, cite| {
        Ok(DecisionClock {
            days,
            working: false,
            time,
            cite,
        })
    };
    match program {
        _ if program.group_or_individual() => {
            if urgent {
                days(3, "72 hours", "29 CFR 2560.503-1(f)(2)(i)")
            } else {
                days(15, "15 days", "29 CFR 2560.503-1(f)(2)(iii)(A)")
            }
        }
        // From 2026, under the interoperability and prior authorization final rule.
        Program::MedicareAdvantage => {
            if urgent {
                days(3, "72 hours", "42 CFR 422.572(a)")
            } else {
                days(7, "7 days", "42 CFR 422.568(b)(1)")
            }
        }
        Program::MedicaidManagedCare => {
            if urgent {
                days(3, "72 hours", "42 CFR 438.210(d)(2)")
            } else {
                days(7, "7 days", "42 CFR 438.210(d)(1)")
            }
        }
        _ => Err(NoClock::NotTracked(
            "appealpack tracks a prior authorization's decision time for group, individual, \
             Medicare Advantage and Medicaid managed-care plans only",
        )),
    }
}

/// Returns when the decision on a sent level is due as of `today`, or why it cannot be
/// worked out.
pub fn due(case: &Case, today: Date) -> Result<DecisionDue, NoClock> {
    let submission = case
        .submission
        .as_ref()
        .ok_or(NoClock::NotTracked("not sent"))?;
    let clock = clock(case)?;
    // An external review's clock counts from the reviewer's receipt, which only its
    // acceptance notice tells; the plan forwards the request first.
    let external = case.stage == Stage::ExternalReview
        && case
            .insurer
            .plan_type
            .is_some_and(|p| Program::of(p).group_or_individual());
    let (start, counted_from) = match submission.received {
        Some(received) => (received, "receipt"),
        None if external => {
            return Err(NoClock::NeedsFact(
                "submission.received: the day the independent review organization received \
                 the request (its acceptance notice gives it); the 45 days count from then",
            ));
        }
        None if submission.method.same_day() => (submission.sent_on, "the day it was sent"),
        None => {
            return Err(NoClock::NeedsFact(
                "submission.received: the day the plan received the mailed packet (the \
                 delivery receipt); the plan's time to decide counts from it",
            ));
        }
    };
    if let Some(due) = managed_care_hearing_due(case, &clock, start, today)? {
        return Ok(due);
    }
    let date = if clock.working {
        Date(holidays::working_days_after(start.0, clock.days))
    } else {
        Date(start.0 + chrono::Days::new(clock.days.into()))
    };
    let mut basis = format!(
        "{} from {counted_from} on {start} ({})",
        clock.time, clock.cite
    );
    // A written extension moves the day, never past what the law allows; where the
    // plan may not extend, the notice changes nothing (the `decision` rule says so).
    let date = match (submission.extended_to, extension(case)) {
        (Some(to), Some((days, cite))) if to > date => {
            let limit = Date(date.0 + chrono::Days::new(days.into()));
            let moved = to.min(limit);
            basis.push_str(&format!(
                ", extended to {moved} (at most {days} days, {cite})"
            ));
            moved
        }
        _ => date,
    };
    Ok(DecisionDue {
        date,
        days_left: today.days_until(date),
        basis,
        if_late: if_late(case),
    })
}

/// Returns the due date of a Medicaid managed-care fair hearing on the standard clock:
/// 90 days from the day the plan appeal was filed, not counting the days the enrollee
/// took to ask for the hearing (42 CFR 431.244(f)(1)(i)); `None` for any other clock.
fn managed_care_hearing_due(
    case: &Case,
    clock: &DecisionClock,
    received: Date,
    today: Date,
) -> Result<Option<DecisionDue>, NoClock> {
    let managed = case.insurer.plan_type.map(Program::of) == Some(Program::MedicaidManagedCare);
    if !managed || case.stage != Stage::ExternalReview || clock.working {
        return Ok(None);
    }
    let appeal = case
        .history
        .iter()
        .rev()
        .find(|l| l.stage == Stage::InternalAppeal);
    let (Some(filed), Some(resolved)) = (
        appeal.and_then(|l| l.filed_on),
        case.denial.as_ref().and_then(|d| d.date),
    ) else {
        return Err(NoClock::NeedsFact(
            "history[] (the plan appeal, stage internal-appeal, with its filed_on) and \
             denial.date (the plan's notice of resolution): the State's 90 days count from \
             the plan appeal's filing, not counting the days taken to ask for the hearing \
             (42 CFR 431.244(f)(1)(i))",
        ));
    };
    let taken = resolved.days_until(received).max(0);
    let date = Date(filed.0 + chrono::Days::new(90 + taken.unsigned_abs()));
    Ok(Some(DecisionDue {
        date,
        days_left: today.days_until(date),
        basis: format!(
            "90 days from the plan appeal's filing on {filed}, not counting the {taken} days \
             from the plan's notice of resolution to the hearing request's receipt (42 CFR \
             431.244(f)(1)(i))"
        ),
        if_late: if_late(case),
    }))
}

/// Returns how many days a plan may extend the clock of the level a case filed by
/// written notice, and the rule that allows it; `None` where it may not.
pub fn extension(case: &Case) -> Option<(u32, &'static str)> {
    let program = case.insurer.plan_type.map(Program::of)?;
    let post_service = !case.request.dates_of_service.is_empty();
    let urgent = case.denial.as_ref().is_some_and(|d| d.urgent);
    match (program, case.stage) {
        // One 15-day extension for matters beyond the plan's control, pre-service only.
        (_, Stage::PriorAuthorization) if program.group_or_individual() && !urgent => {
            Some((15, "29 CFR 2560.503-1(f)(2)(iii)(A)"))
        }
        (Program::MedicareAdvantage, Stage::PriorAuthorization)
            if case.request.part_b_drug != Some(true) =>
        {
            Some((14, "42 CFR 422.568(b)(1)(i)"))
        }
        // The standard and the expedited decision each extend by up to 14 days, under their
        // own paragraphs.
        (Program::MedicaidManagedCare, Stage::PriorAuthorization) if urgent => {
            Some((14, "42 CFR 438.210(d)(2)(ii)"))
        }
        (Program::MedicaidManagedCare, Stage::PriorAuthorization) => {
            Some((14, "42 CFR 438.210(d)(1)(ii)"))
        }
        // Service requests only: neither a payment nor a Part B drug (422.590(c)(1)).
        (Program::MedicareAdvantage, Stage::InternalAppeal)
            if !post_service && case.request.part_b_drug != Some(true) =>
        {
            Some((14, "42 CFR 422.590(f)"))
        }
        (Program::MedicaidManagedCare, Stage::InternalAppeal) => Some((14, "42 CFR 438.408(c)(1)")),
        // Evidence submitted after the request extends the clock by up to 14 days.
        (Program::OriginalMedicare, Stage::InternalAppeal) => Some((14, "42 CFR 405.950(b)")),
        (Program::OriginalMedicare, Stage::SecondLevelAppeal) => Some((14, "42 CFR 405.970(b)")),
        _ => None,
    }
}

/// Returns the deemed-exhaustion rule of a group or individual plan's program: ERISA's
/// for a self-funded plan, the PHS Act's for the others, with the individual market's de
/// minimis exception.
fn deemed_exhaustion(program: Program) -> &'static str {
    match program {
        Program::Employer { self_funded: true } => {
            "the plan's internal appeals are deemed exhausted: request an external review now \
             (29 CFR 2560.503-1(l); 29 CFR 2590.715-2719(b)(2)(ii)(F))"
        }
        Program::Marketplace => {
            "the plan's internal appeals are deemed exhausted, unless the lapse was de minimis \
             (45 CFR 147.136(b)(3)(ii)(F)): request an external review now"
        }
        _ => {
            "the plan's internal appeals are deemed exhausted: request an external review now \
             (29 CFR 2560.503-1(l); 45 CFR 147.136(b)(2)(ii)(F))"
        }
    }
}

/// Returns what the law gives the patient when the plan or reviewer has not decided the
/// level a case filed in time.
pub fn if_late(case: &Case) -> String {
    let program = case.insurer.plan_type.map(Program::of);
    // Once an extension is recorded, the due date already has it; where the plan may not
    // extend, none is offered.
    let extended = case
        .submission
        .as_ref()
        .is_some_and(|s| s.extended_to.is_some());
    let unless = match extension(case) {
        Some((_, cite)) if !extended => {
            format!("unless the plan extended it in writing ({cite}), ")
        }
        _ => String::new(),
    };
    let words = match (program, case.stage) {
        (Some(p), Stage::PriorAuthorization) if p.group_or_individual() => {
            "a request not decided in time may be treated as denied: appeal it now (29 CFR \
             2560.503-1(l))"
        }
        (Some(Program::MedicareAdvantage), Stage::PriorAuthorization) => {
            "a request not decided in time is an adverse organization determination: ask for \
             a reconsideration now (42 CFR 422.568(f))"
        }
        (Some(Program::MedicaidManagedCare), Stage::PriorAuthorization) => {
            "a request not decided in time is a denial: file a plan appeal now (42 CFR \
             438.404(c)(5))"
        }
        (Some(p), Stage::InternalAppeal | Stage::SecondLevelAppeal) if p.group_or_individual() => {
            deemed_exhaustion(p)
        }
        (Some(Program::MedicareAdvantage), Stage::InternalAppeal) => {
            return format!(
                "{unless}a late reconsideration counts as an affirmation of the denial: the plan \
                 must forward the case to the independent review entity (42 CFR 422.590(d); \
                 within 24 hours when expedited, (g)); ask it to confirm it did"
            );
        }
        (Some(Program::MedicarePartD), Stage::InternalAppeal) => {
            "a late redetermination counts as an adverse one: the plan must forward the request \
             to the independent review entity within 24 hours of the deadline (42 CFR 423.590(c), \
             (e)); ask it to confirm it did"
        }
        (Some(Program::MedicaidManagedCare), Stage::InternalAppeal) => {
            return format!(
                "{unless}its appeal process is deemed exhausted: request a State fair hearing \
                 now (42 CFR 438.408(c)(3))"
            );
        }
        (Some(Program::OriginalMedicare), Stage::SecondLevelAppeal) => {
            return format!(
                "{unless}the appeal may be escalated to an administrative law judge: ask the QIC \
                 in writing to escalate it (42 CFR 405.970(d), 405.1002(b))"
            );
        }
        _ => "ask in writing for the decision, citing the time the law allows",
    };
    format!("{unless}{words}")
}

/// Returns the level that follows a denial of the level a case filed, with its filing
/// deadline counted from the decision's receipt as of `today`; `None` for an approval or
/// a case with no decision.
pub fn next_level(case: &Case, today: Date) -> Option<NextLevel> {
    let decision = case.decision.as_ref()?;
    if decision.outcome == DecisionOutcome::Approved {
        return None;
    }
    let program = case.insurer.plan_type.map(Program::of)?;
    use Stage::*;
    let group = program.group_or_individual() || program == Program::ChurchPlan;
    let (stage, what): (Option<Stage>, String) = match (program, case.stage) {
        (_, PriorAuthorization) => (Some(InternalAppeal), appeal_of(program, InternalAppeal)),
        (Program::Marketplace, InternalAppeal) => {
            (Some(ExternalReview), appeal_of(program, ExternalReview))
        }
        (_, InternalAppeal) if group || program == Program::Grandfathered => {
            match case.insurer.appeal_levels {
                Some(2) => (
                    Some(SecondLevelAppeal),
                    appeal_of(program, SecondLevelAppeal),
                ),
                Some(_) => after_internal_appeals(program),
                None => (
                    None,
                    "a second-level appeal where the plan has two levels, else what follows \
                     the internal appeals: fill in insurer.appeal_levels"
                        .to_owned(),
                ),
            }
        }
        (_, SecondLevelAppeal) if group || program == Program::Grandfathered => {
            after_internal_appeals(program)
        }
        (_, _) if group => (
            None,
            "the external review's decision binds the plan; no further appeal level remains"
                .to_owned(),
        ),
        (Program::Fehb, InternalAppeal) => {
            (Some(ExternalReview), appeal_of(program, ExternalReview))
        }
        (Program::Fehb, _) => (
            None,
            "OPM's decision ends the administrative process; a court action is brought \
             against OPM (5 CFR 890.107)"
                .to_owned(),
        ),
        (Program::OriginalMedicare, InternalAppeal) => (
            Some(SecondLevelAppeal),
            appeal_of(program, SecondLevelAppeal),
        ),
        (Program::OriginalMedicare, _) => {
            return Some(NextLevel {
                stage: None,
                what: "a hearing before an administrative law judge, filed with the office the \
                       QIC's notice names, where the amount in controversy meets 42 CFR \
                       405.1006 (42 CFR 405.1002(a)); appealpack does not prepare it"
                    .to_owned(),
                deadline: Some(alj_deadline(decision, today, MEDICARE_ALJ)),
            });
        }
        (Program::MedicareAdvantage, _) => (
            None,
            "the plan must send a reconsideration it upholds to the independent review \
             entity itself (42 CFR 422.592(a)): nothing to file; the entity decides as fast \
             as the patient's health requires, within the deadlines of its contract with CMS \
             (42 CFR 422.592(b)); if it too denies, a hearing before an administrative law \
             judge may be requested within 60 days of its notice, where the amount in \
             controversy meets 42 CFR 422.600 (42 CFR 422.602(b))"
                .to_owned(),
        ),
        (Program::MedicarePartD, InternalAppeal) => (
            Some(SecondLevelAppeal),
            appeal_of(program, SecondLevelAppeal),
        ),
        (Program::MedicarePartD, _) => {
            return Some(NextLevel {
                stage: None,
                what: "a hearing before an administrative law judge, filed with the office the \
                       independent review entity's notice names, where the amount in controversy \
                       meets 42 CFR 423.1970 (42 CFR 423.2002(a)); appealpack does not prepare it"
                    .to_owned(),
                deadline: Some(alj_deadline(decision, today, PART_D_ALJ)),
            });
        }
        (Program::MedicaidManagedCare, InternalAppeal) => {
            (Some(ExternalReview), appeal_of(program, ExternalReview))
        }
        (Program::MedicaidManagedCare | Program::MedicaidFeeForService, _) => (
            None,
            "the State fair hearing is Medicaid's last administrative level; the notice says \
             how to seek review of it"
                .to_owned(),
        ),
        (_, _) => (None, "the decision notice names the next step".to_owned()),
    };
    let deadline_of = |stage: Stage| {
        let mut next = case.clone();
        next.stage = stage;
        next.denial = Some(Denial {
            date: Some(decision.date),
            received: decision.received,
            deadline: None,
            ..case.denial.clone().unwrap_or_default()
        });
        deadline::filing_deadline(&next, today).ok()
    };
    let deadline = match (program, case.stage, stage) {
        (_, _, Some(stage)) => deadline_of(stage),
        // Without the number of levels, the next level is a second-level appeal (180
        // days, 29 CFR 2560.503-1(h)(3)(i)) or an external review (4 months, 45 CFR
        // 147.136(d)(2)(i)): the earlier of the two dates holds under either reading.
        (Program::Employer { .. } | Program::GovernmentPlan, InternalAppeal, None) => {
            [SecondLevelAppeal, ExternalReview]
                .into_iter()
                .filter_map(deadline_of)
                .min_by_key(|d| d.date)
                .map(|d| Deadline {
                    basis: format!(
                        "at the latest, until insurer.appeal_levels is known (the earlier of a \
                     second-level appeal's and an external review's deadline; a second \
                     level's is the one its notice gives): {}",
                        d.basis
                    ),
                    ..d
                })
        }
        _ => None,
    };
    Some(NextLevel {
        stage,
        what,
        deadline,
    })
}

/// Returns what follows a plan's last internal appeal: an external review, or for a
/// grandfathered plan, which has none, the routes that remain.
fn after_internal_appeals(program: Program) -> (Option<Stage>, String) {
    match program.level(Stage::ExternalReview) {
        Ok(_) => (
            Some(Stage::ExternalReview),
            appeal_of(program, Stage::ExternalReview),
        ),
        Err(NoSuchLevel(instead)) => (None, instead.to_owned()),
    }
}

/// Whose reconsideration an ALJ hearing follows, and the rule that gives its window.
struct AljRule {
    /// The reviewer whose notice starts the window, e.g. "the QIC's".
    reviewer: &'static str,
    /// The regulation: 60 days after receipt, presumed 5 days after the notice's date.
    cite: &'static str,
}

/// After an Original Medicare QIC reconsideration (42 CFR 405.1002(a)(1), (3)).
const MEDICARE_ALJ: AljRule = AljRule {
    reviewer: "the QIC's",
    cite: "42 CFR 405.1002(a)(1), (3)",
};

/// After a Part D independent review entity's reconsideration (42 CFR 423.2002(a)(1), (d)).
const PART_D_ALJ: AljRule = AljRule {
    reviewer: "the independent review entity's",
    cite: "42 CFR 423.2002(a)(1), (d)",
};

/// Returns the last day to ask for a hearing before an administrative law judge after a
/// reviewer's reconsideration: 60 days after receipt of its notice, presumed 5 days after
/// its date unless it came sooner.
fn alj_deadline(decision: &crate::model::case::Decision, today: Date, rule: AljRule) -> Deadline {
    let presumed = deadline::presumed_receipt(decision.date);
    let reviewer = rule.reviewer;
    let (start, from) = match decision.received {
        Some(received) if received < presumed => {
            (received, format!("receipt of {reviewer} notice"))
        }
        _ => (
            presumed,
            format!("receipt of {reviewer} notice, presumed 5 days after its date"),
        ),
    };
    let date = Date(start.0 + chrono::Days::new(60));
    Deadline {
        date,
        days_left: today.days_until(date),
        basis: format!("60 days from {from} ({})", rule.cite),
    }
}

/// Returns the words for filing a level of a program: "file an external review (stage:
/// external-review)".
fn appeal_of(program: Program, stage: Stage) -> String {
    let name = program
        .level(stage)
        .ok()
        .flatten()
        .map_or(stage.title(), |level| level.name);
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("file {article} {name} (stage: {})", stage.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::case::{Decision, Submission, SubmissionMethod};

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn case(plan: &str, stage: &str, extra: &str) -> Case {
        let text = format!(
            "id: T-1\nstage: {stage}\nprepared_on: 2026-01-01\npatient: {{ name: A }}\n\
             insurer: {{ name: B, plan_type: {plan} }}\nprovider: {{ name: C }}\n\
             request: {{ treatment: D }}\ndenial: {{ date: 2026-01-02, received: 2026-01-05 }}\n{extra}"
        );
        Case::parse(std::path::Path::new("t.yaml"), &text).unwrap()
    }

    fn sent(case: &mut Case, on: &str, method: SubmissionMethod) {
        case.submission = Some(Submission {
            sent_on: date(on),
            method,
            received: None,
            confirmation: None,
            extended_to: None,
        });
    }

    fn days(plan: &str, stage: &str, extra: &str) -> Result<(u32, &'static str), NoClock> {
        clock(&case(plan, stage, extra)).map(|c| (c.days, c.cite))
    }

    #[test]
    fn group_plans_decide_by_the_kind_of_claim_and_the_levels() {
        // 29 CFR 2560.503-1(i)(2)(i): urgent care, 72 hours.
        let urgent = "denial: { date: 2026-01-02, urgent: true }";
        let text = format!(
            "id: T-1\nstage: internal-appeal\nprepared_on: 2026-01-01\npatient: {{ name: A }}\n\
             insurer: {{ name: B, plan_type: employer-self-funded }}\nprovider: {{ name: C }}\n\
             request: {{ treatment: D }}\n{urgent}\n"
        );
        let c = Case::parse(std::path::Path::new("t.yaml"), &text).unwrap();
        assert_eq!(clock(&c).unwrap().time, "72 hours");
        assert_eq!(clock(&c).unwrap().cite, "29 CFR 2560.503-1(i)(2)(i)");
        // (i)(2)(ii): pre-service, 30 days for one level, 15 for each of two.
        let one = "insurer: { name: B, plan_type: employer-self-funded, appeal_levels: 1 }";
        let two = "insurer: { name: B, plan_type: employer-self-funded, appeal_levels: 2 }";
        let with = |insurer: &str, post: bool| {
            let text = format!(
                "id: T-1\nstage: internal-appeal\nprepared_on: 2026-01-01\npatient: {{ name: A }}\n\
                 {insurer}\nprovider: {{ name: C }}\nrequest: {{ treatment: D{} }}\n",
                if post {
                    ", dates_of_service: [2025-12-01]"
                } else {
                    ""
                }
            );
            let c = Case::parse(std::path::Path::new("t.yaml"), &text).unwrap();
            clock(&c).map(|c| (c.days, c.cite))
        };
        assert_eq!(with(one, false), Ok((30, "29 CFR 2560.503-1(i)(2)(ii)")));
        assert_eq!(with(two, false), Ok((15, "29 CFR 2560.503-1(i)(2)(ii)")));
        // (i)(2)(iii): post-service, 60 days for one level, 30 for each of two.
        assert_eq!(with(one, true), Ok((60, "29 CFR 2560.503-1(i)(2)(iii)")));
        assert_eq!(with(two, true), Ok((30, "29 CFR 2560.503-1(i)(2)(iii)")));
        // Without the number of levels, the clock is asked for, not guessed.
        assert!(matches!(
            days("employer-fully-insured", "internal-appeal", ""),
            Err(NoClock::NeedsFact(f)) if f.starts_with("insurer.appeal_levels")
        ));
        // A second level implies two; a marketplace plan has one.
        assert_eq!(
            days("employer-fully-insured", "second-level-appeal", ""),
            Ok((15, "29 CFR 2560.503-1(i)(2)(ii)"))
        );
        assert_eq!(
            days("aca-marketplace", "internal-appeal", ""),
            Ok((30, "29 CFR 2560.503-1(i)(2)(ii)"))
        );
    }

    #[test]
    fn external_review_decides_in_45_days_from_the_reviewers_receipt() {
        // 45 CFR 147.136(d)(2)(iii)(B)(6): within 45 days after the IRO receives the request.
        assert_eq!(
            days("aca-marketplace", "external-review", ""),
            Ok((45, "45 CFR 147.136(d)(2)(iii)(B)(6)"))
        );
        let mut c = case("aca-marketplace", "external-review", "");
        sent(&mut c, "2026-03-02", SubmissionMethod::Fax);
        // The plan forwards the request: the reviewer's receipt must be entered.
        assert!(matches!(
            due(&c, date("2026-03-10")),
            Err(NoClock::NeedsFact(f)) if f.starts_with("submission.received")
        ));
        c.submission.as_mut().unwrap().received = Some(date("2026-03-09"));
        let d = due(&c, date("2026-03-10")).unwrap();
        assert_eq!(d.date, date("2026-04-23"));
        assert_eq!(d.days_left, 44);
        assert!(
            d.basis.contains("45 CFR 147.136(d)(2)(iii)(B)(6)"),
            "{}",
            d.basis
        );
    }

    #[test]
    fn medicare_clocks() {
        // 42 CFR 405.950(a) and 405.970(a): 60 days from receipt of the request.
        assert_eq!(
            days("medicare", "internal-appeal", ""),
            Ok((60, "42 CFR 405.950(a)"))
        );
        assert_eq!(
            days("medicare", "second-level-appeal", ""),
            Ok((60, "42 CFR 405.970(a)"))
        );
        // 42 CFR 422.590: 30 days for a service, 60 for a payment, 7 for a Part B
        // drug, 72 hours expedited; a service request must say whether it is a drug.
        let ma = |request: &str, urgent: bool| {
            let text = format!(
                "id: T-1\nstage: internal-appeal\nprepared_on: 2026-01-01\npatient: {{ name: A }}\n\
                 insurer: {{ name: B, plan_type: medicare-advantage }}\nprovider: {{ name: C }}\n\
                 request: {{ treatment: D{request} }}\ndenial: {{ date: 2026-01-02, urgent: {urgent} }}\n"
            );
            clock(&Case::parse(std::path::Path::new("t.yaml"), &text).unwrap())
                .map(|c| (c.days, c.cite))
        };
        assert_eq!(
            ma(", part_b_drug: false", false),
            Ok((30, "42 CFR 422.590(a)"))
        );
        assert_eq!(
            ma(", part_b_drug: true", false),
            Ok((7, "42 CFR 422.590(c)"))
        );
        assert_eq!(
            ma(", dates_of_service: [2025-12-01]", false),
            Ok((60, "42 CFR 422.590(b)"))
        );
        assert_eq!(ma("", true), Ok((3, "42 CFR 422.590(e)")));
        assert!(
            matches!(ma("", false), Err(NoClock::NeedsFact(f)) if f.starts_with("request.part_b_drug"))
        );
    }

    #[test]
    fn medicaid_managed_care_decides_in_30_days_or_72_hours() {
        // 42 CFR 438.408(b)(2), (b)(3).
        assert_eq!(
            days("medicaid-managed-care", "internal-appeal", ""),
            Ok((30, "42 CFR 438.408(b)(2)"))
        );
        let mut c = case("medicaid-managed-care", "internal-appeal", "");
        c.denial.as_mut().unwrap().urgent = true;
        assert_eq!(clock(&c).map(|c| c.cite), Ok("42 CFR 438.408(b)(3)"));
        // The fair hearing: ordinarily 90 days (42 CFR 431.244(f)(1)).
        assert_eq!(
            days("medicaid-managed-care", "external-review", ""),
            Ok((90, "42 CFR 431.244(f)(1)(i)"))
        );
        assert_eq!(
            days("medicaid", "internal-appeal", ""),
            Ok((90, "42 CFR 431.244(f)(1)(ii)"))
        );
    }

    #[test]
    fn an_expedited_fair_hearing_is_decided_in_3_working_days() {
        // 42 CFR 431.224(a), 431.244(f)(2)-(3): 3 working days, weekends and federal
        // holidays not counted.
        let mut c = case("medicaid", "internal-appeal", "");
        c.denial.as_mut().unwrap().urgent = true;
        let clock = clock(&c).unwrap();
        assert_eq!(
            (clock.days, clock.working, clock.time),
            (3, true, "3 working days")
        );
        assert!(clock.cite.contains("431.224(a)"));
        // Received Wednesday, November 25, 2026: Thanksgiving and the weekend do not count.
        sent(&mut c, "2026-11-25", SubmissionMethod::Fax);
        let d = due(&c, date("2026-11-25")).unwrap();
        assert_eq!(d.date, date("2026-12-01"));
        let mut m = case("medicaid-managed-care", "external-review", "");
        m.denial.as_mut().unwrap().urgent = true;
        assert_eq!(clock_cite(&m), "42 CFR 431.244(f)(2)");
    }

    fn clock_cite(c: &Case) -> &'static str {
        clock(c).unwrap().cite
    }

    #[test]
    fn a_managed_care_hearing_counts_90_days_from_the_plan_appeal() {
        // 42 CFR 431.244(f)(1)(i): 90 days from the plan appeal's filing, not counting the
        // days the enrollee took to ask for the hearing.
        let mut c = case(
            "medicaid-managed-care",
            "external-review",
            "history: [{ stage: internal-appeal, filed_on: 2026-01-05 }]\n",
        );
        // The plan's notice of resolution is dated 2026-01-02 by the helper; the hearing
        // request arrives 2026-01-12: 10 days taken.
        sent(&mut c, "2026-01-12", SubmissionMethod::Fax);
        let d = due(&c, date("2026-01-12")).unwrap();
        assert_eq!(d.date, date("2026-04-15"));
        assert!(d.basis.contains("not counting the 10 days"), "{}", d.basis);
        let mut bare = case("medicaid-managed-care", "external-review", "");
        sent(&mut bare, "2026-01-12", SubmissionMethod::Fax);
        assert!(matches!(
            due(&bare, date("2026-01-12")),
            Err(NoClock::NeedsFact(f)) if f.starts_with("history[]")
        ));
    }

    #[test]
    fn a_prior_authorization_has_the_plans_decision_clock() {
        let pa = |plan: &str, urgent: bool| {
            let mut c = case(plan, "prior-authorization", "");
            c.denial.as_mut().unwrap().urgent = urgent;
            clock(&c).map(|c| (c.days, c.cite))
        };
        // 29 CFR 2560.503-1(f)(2)(iii)(A): 15 days, one 15-day extension; (f)(2)(i): 72 hours.
        assert_eq!(
            pa("employer-self-funded", false),
            Ok((15, "29 CFR 2560.503-1(f)(2)(iii)(A)"))
        );
        assert_eq!(
            pa("aca-marketplace", true),
            Ok((3, "29 CFR 2560.503-1(f)(2)(i)"))
        );
        // From 2026: 7 days for Medicare Advantage and Medicaid managed care, 72 hours
        // expedited.
        assert_eq!(
            pa("medicare-advantage", false),
            Ok((7, "42 CFR 422.568(b)(1)"))
        );
        assert_eq!(
            pa("medicaid-managed-care", false),
            Ok((7, "42 CFR 438.210(d)(1)"))
        );
        assert_eq!(
            pa("medicaid-managed-care", true),
            Ok((3, "42 CFR 438.210(d)(2)"))
        );
        // Each extends by up to 14 days under its own paragraph (438.210(d)(1), (d)(2)(ii)).
        let mut urgent = case("medicaid-managed-care", "prior-authorization", "");
        assert_eq!(extension(&urgent), Some((14, "42 CFR 438.210(d)(1)(ii)")));
        urgent.denial.as_mut().unwrap().urgent = true;
        assert_eq!(extension(&urgent), Some((14, "42 CFR 438.210(d)(2)(ii)")));
        assert!(matches!(pa("other", false), Err(NoClock::NotTracked(_))));
        // Sent, counted, extended at most 15 days; late is an appealable denial.
        let mut c = case("employer-fully-insured", "prior-authorization", "");
        sent(&mut c, "2026-02-02", SubmissionMethod::Portal);
        let d = due(&c, date("2026-02-20")).unwrap();
        assert_eq!(d.date, date("2026-02-17"));
        assert!(d.days_left < 0);
        assert!(d.if_late.contains("appeal it now"), "{}", d.if_late);
        c.submission.as_mut().unwrap().extended_to = Some(date("2026-04-01"));
        assert_eq!(
            due(&c, date("2026-02-20")).unwrap().date,
            date("2026-03-04")
        );
        let ma = case("medicare-advantage", "prior-authorization", "");
        assert!(if_late(&ma).contains("42 CFR 422.568(f)"));
        let mmc = case("medicaid-managed-care", "prior-authorization", "");
        assert!(if_late(&mmc).contains("42 CFR 438.404(c)(5)"));
    }

    #[test]
    fn part_d_decides_a_drug_in_7_days() {
        // 42 CFR 423.590(a), (b), (d).
        assert_eq!(
            days("medicare-part-d", "internal-appeal", ""),
            Ok((7, "42 CFR 423.590(a)"))
        );
        let paid = case("medicare-part-d", "internal-appeal", "");
        let mut paid = paid;
        paid.request.dates_of_service = vec![date("2025-12-01")];
        assert_eq!(clock(&paid).map(|c| c.days), Ok(14));
        // The independent review entity keeps the plan's deadlines (42 CFR 423.600(d)).
        assert_eq!(
            days("medicare-part-d", "second-level-appeal", ""),
            Ok((7, "42 CFR 423.600(d), 423.590(a)"))
        );
        let mut ire = case("medicare-part-d", "second-level-appeal", "");
        sent(&mut ire, "2026-02-02", SubmissionMethod::Fax);
        let d = due(&ire, date("2026-02-05")).unwrap();
        assert_eq!(d.date, date("2026-02-09"));
        assert!(d.basis.contains("423.600(d)"), "{}", d.basis);
        ire.request.dates_of_service = vec![date("2025-12-01")];
        assert_eq!(clock(&ire).map(|c| c.days), Ok(14));
        // A late plan forwards the request itself (42 CFR 423.590(c), (e)).
        let late = if_late(&case("medicare-part-d", "internal-appeal", ""));
        assert!(late.contains("423.590(c), (e)"), "{late}");
        assert!(!late.contains("unless the plan extended"), "{late}");
    }

    #[test]
    fn late_plans_are_offered_only_the_extension_the_law_allows() {
        // A Part B drug has no extension (42 CFR 422.590(c)(1)): none is offered.
        let mut drug = case("medicare-advantage", "internal-appeal", "");
        drug.request.part_b_drug = Some(true);
        assert!(
            !if_late(&drug).contains("unless the plan extended"),
            "{}",
            if_late(&drug)
        );
        let service = case("medicare-advantage", "internal-appeal", "");
        assert!(
            if_late(&service)
                .starts_with("unless the plan extended it in writing (42 CFR 422.590(f))")
        );
        // Original Medicare: evidence added after filing extends up to 14 days (42 CFR
        // 405.950(b), 405.970(b)).
        let red = case("medicare", "internal-appeal", "");
        assert_eq!(extension(&red), Some((14, "42 CFR 405.950(b)")));
        let qic = case("medicare", "second-level-appeal", "");
        assert_eq!(extension(&qic), Some((14, "42 CFR 405.970(b)")));
    }

    #[test]
    fn the_clock_counts_from_receipt_and_a_mailed_packet_needs_its_delivery() {
        let mut c = case("aca-marketplace", "internal-appeal", "");
        sent(&mut c, "2026-02-02", SubmissionMethod::Fax);
        let d = due(&c, date("2026-02-10")).unwrap();
        assert_eq!(d.date, date("2026-03-04"), "30 days from the fax");
        assert_eq!(d.days_left, 22);
        sent(&mut c, "2026-02-02", SubmissionMethod::Mail);
        assert!(matches!(
            due(&c, date("2026-02-10")),
            Err(NoClock::NeedsFact(f)) if f.starts_with("submission.received")
        ));
        c.submission.as_mut().unwrap().received = Some(date("2026-02-05"));
        assert_eq!(
            due(&c, date("2026-02-10")).unwrap().date,
            date("2026-03-07")
        );
    }

    #[test]
    fn a_written_extension_moves_the_day_at_most_14_days_where_the_law_allows_one() {
        // 42 CFR 438.408(c)(1): a Medicaid managed-care plan may extend by up to 14 days.
        let mut c = case("medicaid-managed-care", "internal-appeal", "");
        sent(&mut c, "2026-02-02", SubmissionMethod::Fax);
        assert_eq!(
            due(&c, date("2026-02-10")).unwrap().date,
            date("2026-03-04")
        );
        assert!(if_late(&c).starts_with("unless the plan extended it in writing"));
        c.submission.as_mut().unwrap().extended_to = Some(date("2026-03-12"));
        let d = due(&c, date("2026-02-10")).unwrap();
        assert_eq!(d.date, date("2026-03-12"));
        assert!(d.basis.contains("42 CFR 438.408(c)(1)"), "{}", d.basis);
        assert!(
            d.if_late
                .starts_with("its appeal process is deemed exhausted")
        );
        // Never past the 14 days.
        c.submission.as_mut().unwrap().extended_to = Some(date("2026-04-30"));
        assert_eq!(
            due(&c, date("2026-02-10")).unwrap().date,
            date("2026-03-18")
        );
        // 42 CFR 422.590(f): Medicare Advantage, for a service; not for a Part B drug
        // (422.590(c)(1)) or a payment.
        let ma = case("medicare-advantage", "internal-appeal", "");
        assert_eq!(extension(&ma), Some((14, "42 CFR 422.590(f)")));
        let mut drug = ma.clone();
        drug.request.part_b_drug = Some(true);
        assert_eq!(extension(&drug), None);
        // A group health plan may not extend an appeal's clock (29 CFR 2560.503-1(i)(2)).
        let mut group = case("aca-marketplace", "internal-appeal", "");
        sent(&mut group, "2026-02-02", SubmissionMethod::Fax);
        group.submission.as_mut().unwrap().extended_to = Some(date("2026-03-12"));
        assert_eq!(extension(&group), None);
        assert_eq!(
            due(&group, date("2026-02-10")).unwrap().date,
            date("2026-03-04")
        );
    }

    #[test]
    fn a_late_plan_gives_the_patient_the_next_step() {
        // Deemed exhaustion under each plan type's own rule.
        let group = case("employer-self-funded", "internal-appeal", "");
        assert!(if_late(&group).contains("deemed exhausted"));
        assert!(if_late(&group).contains("29 CFR 2560.503-1(l)"));
        assert!(if_late(&group).contains("29 CFR 2590.715-2719(b)(2)(ii)(F)"));
        let insured = case("employer-fully-insured", "internal-appeal", "");
        assert!(if_late(&insured).contains("45 CFR 147.136(b)(2)(ii)(F)"));
        let individual = case("aca-marketplace", "internal-appeal", "");
        assert!(if_late(&individual).contains("147.136(b)(3)(ii)(F)"));
        assert!(if_late(&individual).contains("de minimis"));
        let ma = case("medicare-advantage", "internal-appeal", "");
        assert!(if_late(&ma).contains("independent review entity"));
        let medicaid = case("medicaid-managed-care", "internal-appeal", "");
        assert!(if_late(&medicaid).contains("42 CFR 438.408(c)(3)"));
    }

    #[test]
    fn a_denial_names_the_next_level_and_counts_its_deadline_from_receipt() {
        let decided = |plan: &str, stage: &str, extra: &str, outcome| {
            let mut c = case(plan, stage, extra);
            c.decision = Some(Decision {
                date: date("2026-03-02"),
                received: Some(date("2026-03-06")),
                outcome,
                reference: None,
            });
            next_level(&c, date("2026-03-10"))
        };
        // Marketplace: external review, 4 months from receipt (45 CFR 147.136(d)(2)(i)).
        let next = decided(
            "aca-marketplace",
            "internal-appeal",
            "",
            DecisionOutcome::Denied,
        )
        .unwrap();
        assert_eq!(next.stage, Some(Stage::ExternalReview));
        assert_eq!(next.deadline.unwrap().date, date("2026-07-06"));
        // A partial approval leaves the rest to appeal.
        assert!(
            decided(
                "aca-marketplace",
                "internal-appeal",
                "",
                DecisionOutcome::PartiallyApproved
            )
            .is_some()
        );
        assert_eq!(
            decided(
                "aca-marketplace",
                "internal-appeal",
                "",
                DecisionOutcome::Approved
            ),
            None
        );
        // Original Medicare: the QIC reconsideration, 180 days from presumed receipt
        // (42 CFR 405.962(a)); receipt is the earlier of the date given and notice + 5.
        let next = decided("medicare", "internal-appeal", "", DecisionOutcome::Denied).unwrap();
        assert_eq!(next.stage, Some(Stage::SecondLevelAppeal));
        assert_eq!(next.deadline.unwrap().date, date("2026-09-02"));
        // Medicare Advantage: nothing to file, the plan forwards it (42 CFR 422.592).
        let next = decided(
            "medicare-advantage",
            "internal-appeal",
            "",
            DecisionOutcome::Denied,
        )
        .unwrap();
        assert_eq!(next.stage, None);
        assert!(next.what.contains("42 CFR 422.592"));
        // An employer plan: the second level where it has two, else external review.
        let insurer = "insurer: { name: B, plan_type: employer-self-funded, appeal_levels: 2 }";
        let text = format!(
            "id: T-1\nstage: internal-appeal\nprepared_on: 2026-01-01\npatient: {{ name: A }}\n\
             {insurer}\nprovider: {{ name: C }}\nrequest: {{ treatment: D }}\n\
             decision: {{ date: 2026-03-02, received: 2026-03-06, outcome: denied }}\n"
        );
        let next = next_level(
            &Case::parse(std::path::Path::new("t.yaml"), &text).unwrap(),
            date("2026-03-10"),
        )
        .unwrap();
        assert_eq!(next.stage, Some(Stage::SecondLevelAppeal));
        // The 180-day floor is the first appeal's: the second level's day is the notice's.
        assert_eq!(next.deadline, None);
        let next = decided(
            "employer-self-funded",
            "internal-appeal",
            "",
            DecisionOutcome::Denied,
        )
        .unwrap();
        assert_eq!(next.stage, None, "the levels are asked for");
        assert!(next.what.contains("insurer.appeal_levels"));
        // Either reading gives a date: the earlier one is shown, "at the latest". With the
        // four-month rule's own example (45 CFR 147.136(d)(2)(i)): received October 30,
        // an external review is due March 1, before the second level's 180 days.
        let insurer = "insurer: { name: B, plan_type: employer-self-funded }";
        let text = format!(
            "id: T-1\nstage: internal-appeal\nprepared_on: 2026-01-01\npatient: {{ name: A }}\n\
             {insurer}\nprovider: {{ name: C }}\nrequest: {{ treatment: D }}\n\
             decision: {{ date: 2026-10-27, received: 2026-10-30, outcome: denied }}\n"
        );
        let next = next_level(
            &Case::parse(std::path::Path::new("t.yaml"), &text).unwrap(),
            date("2026-11-02"),
        )
        .unwrap();
        assert_eq!(next.stage, None);
        let deadline = next.deadline.unwrap();
        assert_eq!(deadline.date, date("2027-03-01"));
        assert!(
            deadline.basis.starts_with("at the latest"),
            "{}",
            deadline.basis
        );
        // Medicaid managed care: the State fair hearing, at least 90 days from the notice
        // date (the State sets 90 to 120, 42 CFR 438.408(f)(2)).
        let next = decided(
            "medicaid-managed-care",
            "internal-appeal",
            "",
            DecisionOutcome::Denied,
        )
        .unwrap();
        assert_eq!(next.stage, Some(Stage::ExternalReview));
        assert_eq!(next.deadline.unwrap().date, date("2026-05-31"));
        // The last levels: an external review binds the plan; after the QIC, a hearing
        // before an administrative law judge (42 CFR 405.1002), which is not prepared here.
        let last = decided(
            "aca-marketplace",
            "external-review",
            "",
            DecisionOutcome::Denied,
        )
        .unwrap();
        assert_eq!((last.stage, last.deadline), (None, None));
        assert!(last.what.contains("binds the plan"), "{}", last.what);
        let qic = decided(
            "medicare",
            "second-level-appeal",
            "",
            DecisionOutcome::Denied,
        )
        .unwrap();
        assert_eq!(qic.stage, None);
        assert!(qic.what.contains("42 CFR 405.1002"), "{}", qic.what);
        assert!(qic.what.contains("405.1006"), "the amount in controversy");
        // The ALJ's window: 60 days after receipt of the QIC's notice, here received on
        // March 6, before the presumed March 7 (42 CFR 405.1002(a)(1), (3)).
        let alj = qic.deadline.unwrap();
        assert_eq!(alj.date, date("2026-05-05"));
        assert!(alj.basis.contains("405.1002(a)(1), (3)"), "{}", alj.basis);
        // Medicare Advantage after the plan: the IRE's clock is its contract's (422.592(b)),
        // then an ALJ within 60 days of its notice (422.602(b)).
        let ma = decided(
            "medicare-advantage",
            "internal-appeal",
            "",
            DecisionOutcome::Denied,
        )
        .unwrap();
        assert!(ma.what.contains("42 CFR 422.592(b)"), "{}", ma.what);
        assert!(ma.what.contains("42 CFR 422.602(b)"), "{}", ma.what);
        // Part D: the enrollee asks the independent review entity, counted here.
        let d = decided(
            "medicare-part-d",
            "internal-appeal",
            "",
            DecisionOutcome::Denied,
        )
        .unwrap();
        assert_eq!(d.stage, Some(Stage::SecondLevelAppeal));
        assert_eq!(d.deadline.unwrap().date, date("2026-05-01"));
        // After the entity's denial: an ALJ within 60 days of receipt of its notice, here
        // received March 6, before the presumed March 7 (42 CFR 423.2002(a)(1), (d)).
        let alj = decided(
            "medicare-part-d",
            "second-level-appeal",
            "",
            DecisionOutcome::Denied,
        )
        .unwrap();
        assert_eq!(alj.stage, None);
        assert!(alj.what.contains("423.1970"), "{}", alj.what);
        let alj = alj.deadline.unwrap();
        assert_eq!(alj.date, date("2026-05-05"));
        assert!(alj.basis.contains("423.2002(a)(1), (d)"), "{}", alj.basis);
        // A grandfathered plan has no external review: the routes left are named.
        let g = decided(
            "grandfathered",
            "second-level-appeal",
            "",
            DecisionOutcome::Denied,
        )
        .unwrap();
        assert_eq!(g.stage, None);
        assert!(g.what.contains("45 CFR 147.140"), "{}", g.what);
        // A denied prior authorization is appealed.
        let pa = decided(
            "employer-self-funded",
            "prior-authorization",
            "",
            DecisionOutcome::Denied,
        )
        .unwrap();
        assert_eq!(pa.stage, Some(Stage::InternalAppeal));
    }

    #[test]
    fn a_late_qic_can_be_escalated() {
        // 42 CFR 405.970(d) and 405.1002(b): escalation to an administrative law judge.
        let qic = case("medicare", "second-level-appeal", "");
        assert!(if_late(&qic).contains("405.970(d)"));
        assert!(if_late(&qic).contains("405.1002(b)"));
    }
}
