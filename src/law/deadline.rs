//! Filing deadlines: the window of the level being filed, counted as its regulation says.
//!
//! A `denial.deadline` copied from the notice always wins. Otherwise the program's level
//! ([`super::Program::level`]) gives the window: calendar days from the notice date or
//! from receipt (where no receipt date is given, from the notice date, so the time left
//! is never overstated; for Medicare, receipt is presumed 5 days after the notice date
//! and a later receipt date is not trusted), or four months by the external review rule,
//! moved off weekends and federal holidays.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::holidays;
use super::{From, Length, Window};
use crate::model::case::{Case, Denial, PlanType, Stage};
use crate::model::fields::Date;

/// How many days left make a deadline close: a warning in the checklist, orange in reports.
pub(crate) const CLOSE_DAYS: i64 = 14;

/// A case's filing deadline, with the days left and how it was worked out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The last day to file.
    pub date: Date,
    /// Days from today to the deadline (negative once it has passed).
    pub days_left: i64,
    /// How the date was found: the window, the day it counts from, and its source.
    pub basis: String,
}

/// Why no filing deadline could be worked out for a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    /// Nothing has been denied yet (prior authorization).
    NoDenial,
    /// The denial notice's date is missing.
    NoNoticeDate,
    /// The plan type is missing.
    NoPlanType,
    /// The program has no such level; the text says what to file instead.
    NoSuchLevel(&'static str),
    /// The rules leave the window to the plan or the state: copy it from the notice.
    SetByNotice(&'static str),
}

/// The first notice date under Medicare Advantage's current rule, 60 days from presumed
/// receipt (89 FR 30827, for coverage from 2025); before it, 60 days from the notice date.
const MA_RECEIPT_RULE_FROM: (i32, u32, u32) = (2025, 1, 1);

/// Works out the filing deadline of a case as of `today`.
///
/// A `denial.deadline` copied from the notice wins, except where the regulation fixes
/// the window exactly and the notice gives a later day: then the rule's day is the one to
/// file by, and the basis names the notice's too.
pub(crate) fn filing_deadline(case: &Case, today: Date) -> Result<Deadline, Unknown> {
    if case.stage == Stage::PriorAuthorization {
        return Err(Unknown::NoDenial);
    }
    let denial = case.denial.as_ref().ok_or(Unknown::NoDenial)?;
    let level = super::level_of(case)
        .map_err(|e| Unknown::NoSuchLevel(e.0))?
        .map(|(_, level)| level);
    let by_rule = level.map(|level| by_rule(case, denial, level.window, today));
    let notice_date = |date: Date| Deadline {
        date,
        days_left: today.days_until(date),
        basis: "deadline stated on the denial notice".into(),
    };
    match (denial.deadline, by_rule) {
        (Some(stated), Some(Ok((rule, Some(latest))))) if stated > latest => Ok(Deadline {
            basis: format!(
                "{}; the notice gives a later day, {stated}, which the regulation does not \
                 allow: file by this one",
                rule.basis
            ),
            ..rule
        }),
        (Some(stated), _) => Ok(notice_date(stated)),
        (None, Some(result)) => result.map(|(deadline, _)| deadline),
        (None, None) => Err(Unknown::NoPlanType),
    }
}

/// Returns the deadline a level's window gives, and the latest day the regulation lets a
/// notice give (`None` where it sets only a floor), or why it gives none.
fn by_rule(
    case: &Case,
    denial: &Denial,
    window: Window,
    today: Date,
) -> Result<(Deadline, Option<Date>), Unknown> {
    let (length, from, cite, exact) = match window {
        Window::Fixed {
            length,
            from,
            cite,
            exact,
        } => (length, from, cite, exact),
        Window::SetByNotice(why) => return Err(Unknown::SetByNotice(why)),
    };
    let notice = denial.date.ok_or(Unknown::NoNoticeDate)?;
    // CMS moved the window's start from the notice date to (presumed) receipt for notices
    // from 2025 on; an older notice keeps its 60 days from the notice date.
    let (from, cite) = match (case.insurer.plan_type, from) {
        (Some(PlanType::MedicareAdvantage), From::PresumedReceipt)
            if notice.0 < ma_receipt_rule_from() =>
        {
            (
                From::NoticeDate,
                "42 CFR 422.582(b) as in force before 2025",
            )
        }
        (Some(PlanType::MedicarePartD), From::PresumedReceipt)
            if notice.0 < ma_receipt_rule_from() =>
        {
            (
                From::NoticeDate,
                "42 CFR 423.582(b) as in force before 2025",
            )
        }
        _ => (from, cite),
    };
    let (start, counted_from) = start_date(denial, notice, from);
    let after = |days: u32| Date(start.0 + chrono::Days::new(days.into()));
    // A State-set window is counted at its least and capped at its most.
    let (latest, cite) = match length {
        Length::StateSets { least, most } => (
            Some(after(most)),
            format!(
                "{cite}: the State sets {least} to {most} days and the notice gives its own; \
                 {least} are sure to be timely"
            ),
        ),
        _ => (None, cite.to_owned()),
    };
    let (date, length) = match length {
        Length::Days(days) | Length::StateSets { least: days, .. } => {
            (after(days), format!("{days} days"))
        }
        Length::FourMonths => {
            // The strict reading is the day to file by; where a weekend holiday's
            // observed day pushes the lenient reading later, that day is named too.
            let strict = four_months_after_strict(start.0);
            let lenient = four_months_after(start.0);
            let words = if lenient > strict {
                format!(
                    "4 months (moved off weekends and federal holidays; may be accepted \
                     until {}, where the holiday's observed day counts)",
                    Date(lenient)
                )
            } else {
                "4 months (moved off weekends and federal holidays)".to_owned()
            };
            (Date(strict), words)
        }
    };
    let latest = latest.or(exact.then_some(date));
    Ok((
        Deadline {
            date,
            days_left: today.days_until(date),
            basis: format!("{length} from {counted_from} ({cite})"),
        },
        latest,
    ))
}

/// Works out the last day to ask for benefits to continue while the appeal is pending,
/// where the case asks for it (`denial.continue_benefits`) and its program has the right:
/// 10 days from the notice, or its effective date where later (42 CFR 438.420(a),
/// (c)(2); 431.230(a), 431.231(c)).
pub(crate) fn continuation_deadline(case: &Case, today: Date) -> Option<Deadline> {
    let denial = case.denial.as_ref().filter(|d| d.continue_benefits)?;
    let program = super::Program::of(case.insurer.plan_type?);
    let rule = program.continuation(case.stage)?;
    let notice = denial.date?;
    let ten_days = Date(notice.0 + chrono::Days::new(10));
    // The plan's notice of resolution starts the hearing's window; no effective date counts.
    let effective = denial
        .effective_date
        .filter(|_| case.stage != Stage::ExternalReview)
        .map(|d| match program {
            // "Before the date of action": the day before it.
            super::Program::MedicaidFeeForService => Date(d.0 - chrono::Days::new(1)),
            _ => d,
        });
    let date = effective.map_or(ten_days, |e| e.max(ten_days));
    Some(Deadline {
        date,
        days_left: today.days_until(date),
        basis: format!("continuation of benefits, {}", rule.window),
    })
}

fn ma_receipt_rule_from() -> NaiveDate {
    let (y, m, d) = MA_RECEIPT_RULE_FROM;
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// Returns the day a window counts from and how to describe it.
fn start_date(denial: &Denial, notice: Date, from: From) -> (Date, &'static str) {
    match (from, denial.received) {
        (From::NoticeDate, _) => (notice, "the notice date"),
        (From::Receipt, Some(received)) => (received, "receipt of the notice"),
        (From::Receipt, None) => (notice, "the notice date (no receipt date given)"),
        (From::PresumedReceipt, received) => {
            let presumed = presumed_receipt(notice);
            match received {
                Some(received) if received < presumed => (received, "receipt of the notice"),
                _ => (presumed, "receipt, presumed 5 days after the notice date"),
            }
        }
    }
}

/// Returns the day receipt is presumed for Medicare: 5 days after the notice date (42 CFR
/// 405.942(a)(1), 405.962(a)(1), 422.582(b)).
pub(crate) fn presumed_receipt(notice: Date) -> Date {
    Date(notice.0 + chrono::Days::new(5))
}

/// Returns the last day of a four-month window from `start`, by 45 CFR 147.136(d)(2)(i):
/// the corresponding day four months later, or, where there is none, the first day of
/// the fifth month; a Saturday, Sunday or federal holiday moves to the next day that is
/// none of these.
pub(crate) fn four_months_after(start: NaiveDate) -> NaiveDate {
    holidays::next_open(four_months_unmoved(start))
}

/// Returns the last day of a four-month window from `start` by the strict reading: a
/// weekend holiday's observed Friday or Monday is not a federal holiday.
pub(crate) fn four_months_after_strict(start: NaiveDate) -> NaiveDate {
    holidays::next_open_strict(four_months_unmoved(start))
}

/// Returns the corresponding day four months after `start`, or, where there is none, the
/// first day of the fifth month, before any move off a weekend or holiday.
fn four_months_unmoved(start: NaiveDate) -> NaiveDate {
    let (year, month) = if start.month() + 4 > 12 {
        (start.year() + 1, start.month() + 4 - 12)
    } else {
        (start.year(), start.month() + 4)
    };
    NaiveDate::from_ymd_opt(year, month, start.day()).unwrap_or_else(|| {
        let (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        NaiveDate::from_ymd_opt(year, month, 1).expect("a valid date")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::case::Case;
    use std::path::Path;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn case(plan: &str, stage: &str, denial: &str) -> Case {
        let text = format!(
            "id: T\nstage: {stage}\nprepared_on: 2026-11-20\npatient: {{ name: A }}\n\
             insurer: {{ name: I, plan_type: {plan} }}\nprovider: {{ name: P }}\n\
             request: {{ treatment: IV ketamine }}\ndenial: {denial}\n"
        );
        Case::parse(Path::new("t.yaml"), &text).unwrap()
    }

    fn deadline(plan: &str, stage: &str, denial: &str) -> Result<Deadline, Unknown> {
        filing_deadline(&case(plan, stage, denial), date("2026-11-26"))
    }

    #[test]
    fn group_plans_have_180_days_from_receipt() {
        for plan in [
            "aca-marketplace",
            "employer-fully-insured",
            "employer-self-funded",
        ] {
            let d = deadline(
                plan,
                "internal-appeal",
                "{ date: 2026-09-01, received: 2026-09-05 }",
            )
            .unwrap();
            assert_eq!(d.date, date("2027-03-04"), "{plan}");
            assert_eq!(d.days_left, 98);
            assert!(d.basis.contains("180 days from receipt"), "{}", d.basis);
            assert!(d.basis.contains("29 CFR 2560.503-1(h)(3)(i)"));
        }
    }

    #[test]
    fn missing_receipt_counts_from_the_notice_date() {
        let d = deadline(
            "employer-self-funded",
            "internal-appeal",
            "{ date: 2026-09-01 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2027-02-28"));
        assert!(d.basis.contains("no receipt date given"), "{}", d.basis);
    }

    #[test]
    fn external_review_follows_the_four_month_rule() {
        // The regulation's own example: received October 30, due March 1.
        assert_eq!(
            four_months_after(date("2026-10-30").0),
            date("2027-03-01").0
        );
        let d = deadline(
            "employer-self-funded",
            "external-review",
            "{ date: 2026-10-25, received: 2026-10-30 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2027-03-01"));
        assert!(d.basis.contains("45 CFR 147.136(d)(2)(i)"), "{}", d.basis);
        // February 29th exists in a leap year.
        assert_eq!(
            four_months_after(date("2027-10-29").0),
            date("2028-02-29").0
        );
        // A Sunday moves to Monday: July 15 + 4 months is Sunday, November 15, 2026.
        assert_eq!(
            four_months_after(date("2026-07-15").0),
            date("2026-11-16").0
        );
        // A weekend holiday's observed day: March 3 + 4 months is Friday, July 3, 2026,
        // Independence Day observed. The strict reading keeps Friday as the day to file
        // by; the lenient one, Monday, July 6, is named as the day it may be accepted until.
        let d = deadline("aca-marketplace", "external-review", "{ date: 2026-03-03 }").unwrap();
        assert_eq!(d.date, date("2026-07-03"));
        assert!(
            d.basis.contains("may be accepted until 2026-07-06"),
            "{}",
            d.basis
        );
        assert_eq!(
            four_months_after(date("2026-03-03").0),
            date("2026-07-06").0
        );
        // Thanksgiving, November 26, 2026: the next day.
        assert_eq!(
            four_months_after(date("2026-07-26").0),
            date("2026-11-27").0
        );
    }

    #[test]
    fn original_medicare_presumes_receipt_five_days_after_the_notice() {
        // Redetermination: 120 days from receipt, presumed August 6.
        let d = deadline("medicare", "internal-appeal", "{ date: 2026-08-01 }").unwrap();
        assert_eq!(d.date, date("2026-12-04"));
        assert!(
            d.basis.contains("presumed 5 days after the notice date"),
            "{}",
            d.basis
        );
        assert!(d.basis.contains("42 CFR 405.942(a)"));
        // A later receipt date is not trusted; an earlier one counts.
        let late = deadline(
            "medicare",
            "internal-appeal",
            "{ date: 2026-08-01, received: 2026-08-20 }",
        );
        assert_eq!(late.unwrap().date, date("2026-12-04"));
        let early = deadline(
            "medicare",
            "internal-appeal",
            "{ date: 2026-08-01, received: 2026-08-03 }",
        );
        assert_eq!(early.unwrap().date, date("2026-12-01"));
        // QIC reconsideration: 180 days from presumed receipt of the redetermination.
        let d = deadline("medicare", "second-level-appeal", "{ date: 2026-08-01 }").unwrap();
        assert_eq!(d.date, date("2027-02-02"));
        assert!(d.basis.contains("42 CFR 405.962(a)"));
    }

    #[test]
    fn medicare_advantage_counts_60_days_from_presumed_receipt() {
        // 60 days after receipt, presumed October 6: 65 days from the notice date.
        let d = deadline(
            "medicare-advantage",
            "internal-appeal",
            "{ date: 2026-10-01 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-12-05"));
        assert_eq!(d.days_left, 9);
        assert_eq!(
            d.basis,
            "60 days from receipt, presumed 5 days after the notice date (42 CFR 422.582(b))"
        );
        // A later receipt date is not trusted; an earlier one counts.
        let late = "{ date: 2026-10-01, received: 2026-10-20 }";
        let d = deadline("medicare-advantage", "internal-appeal", late).unwrap();
        assert_eq!(d.date, date("2026-12-05"));
        let early = "{ date: 2026-10-01, received: 2026-10-02 }";
        let d = deadline("medicare-advantage", "internal-appeal", early).unwrap();
        assert_eq!(d.date, date("2026-12-01"));
        // A notice from before 2025 kept 60 days from the notice date.
        let d = deadline(
            "medicare-advantage",
            "internal-appeal",
            "{ date: 2024-12-20 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2025-02-18"));
        assert!(d.basis.contains("before 2025"), "{}", d.basis);
    }

    #[test]
    fn medicaid_managed_care_counts_from_the_notice_date() {
        let d = deadline(
            "medicaid-managed-care",
            "internal-appeal",
            "{ date: 2026-10-01, received: 2026-10-10 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-11-30"));
        assert!(
            d.basis
                .contains("60 days from the notice date (42 CFR 438.402(c)(2)(ii))")
        );
        // The State fair hearing: the State sets 90 to 120 calendar days from the plan's
        // notice of resolution (42 CFR 438.408(f)(2), as amended at 85 FR 72842); without the
        // notice's day, the 90 days sure to be timely.
        let d = deadline(
            "medicaid-managed-care",
            "external-review",
            "{ date: 2026-10-01 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-12-30"));
        assert_eq!(
            d.basis,
            "90 days from the notice date (42 CFR 438.408(f)(2): the State sets 90 to 120 days \
             and the notice gives its own; 90 are sure to be timely)"
        );
        // A State's 120 days on the notice are believed; 150 are not.
        let d = deadline(
            "medicaid-managed-care",
            "external-review",
            "{ date: 2026-10-01, deadline: 2027-01-29 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2027-01-29"));
        let d = deadline(
            "medicaid-managed-care",
            "external-review",
            "{ date: 2026-10-01, deadline: 2027-02-28 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-12-30"));
        assert!(d.basis.contains("does not allow"), "{}", d.basis);
    }

    #[test]
    fn windows_left_to_the_state_need_the_notice_deadline() {
        assert!(matches!(
            deadline("medicaid", "internal-appeal", "{ date: 2026-10-01 }"),
            Err(Unknown::SetByNotice(_))
        ));
        assert!(matches!(
            deadline("other", "internal-appeal", "{ date: 2026-10-01 }"),
            Err(Unknown::SetByNotice(_))
        ));
    }

    #[test]
    fn a_level_the_program_lacks_names_the_next_step() {
        for (plan, stage, next) in [
            ("aca-marketplace", "second-level-appeal", "external review"),
            ("medicare", "external-review", "QIC reconsideration"),
            (
                "medicare-advantage",
                "second-level-appeal",
                "independent review entity",
            ),
            (
                "medicaid-managed-care",
                "second-level-appeal",
                "State fair hearing",
            ),
            ("medicaid", "external-review", "State fair hearing"),
        ] {
            match deadline(plan, stage, "{ date: 2026-10-01 }") {
                Err(Unknown::NoSuchLevel(why)) => assert!(why.contains(next), "{plan}: {why}"),
                other => panic!("{plan} {stage}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_notice_deadline_always_wins() {
        let d = deadline(
            "medicaid",
            "internal-appeal",
            "{ date: 2026-10-01, deadline: 2026-12-01 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-12-01"));
        assert_eq!(d.days_left, 5);
        let d = deadline(
            "aca-marketplace",
            "internal-appeal",
            "{ date: 2026-10-01, deadline: 2026-11-01 }",
        )
        .unwrap();
        assert_eq!(d.days_left, -25);
        assert_eq!(d.basis, "deadline stated on the denial notice");
    }

    #[test]
    fn a_later_notice_date_loses_where_the_regulation_fixes_the_window() {
        // A managed-care notice printing 30 days too many: the rule's 60 days stand.
        let d = deadline(
            "medicaid-managed-care",
            "internal-appeal",
            "{ date: 2026-10-01, deadline: 2026-12-30 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-11-30"));
        assert!(
            d.basis.contains("the notice gives a later day, 2026-12-30"),
            "{}",
            d.basis
        );
        // Medicare Advantage likewise; an earlier notice date is believed.
        let d = deadline(
            "medicare-advantage",
            "internal-appeal",
            "{ date: 2026-10-01, deadline: 2027-01-15 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-12-05"));
        let d = deadline(
            "medicare-advantage",
            "internal-appeal",
            "{ date: 2026-10-01, deadline: 2026-11-30 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-11-30"));
        // Where the regulation sets a floor (an employer plan's first appeal), the plan
        // may give more: the notice's later date wins.
        let d = deadline(
            "employer-self-funded",
            "internal-appeal",
            "{ date: 2026-09-01, deadline: 2027-09-01 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2027-09-01"));
    }

    #[test]
    fn a_floor_or_an_unverified_rule_requires_the_notice_date() {
        for (plan, stage, says) in [
            ("employer-fully-insured", "second-level-appeal", "60 days"),
            ("government-plan", "second-level-appeal", "first appeal"),
            ("grandfathered", "internal-appeal", "45 CFR 147.140"),
            ("church-plan", "internal-appeal", "not verified"),
            ("fehb", "internal-appeal", "current text was not verified"),
            ("fehb", "external-review", "not verified"),
        ] {
            match deadline(plan, stage, "{ date: 2026-10-01 }") {
                Err(Unknown::SetByNotice(why)) => assert!(why.contains(says), "{plan}: {why}"),
                other => panic!("{plan} {stage}: {other:?}"),
            }
        }
        // A state's external review process sets its own window.
        let text = "id: T\nstage: external-review\nprepared_on: 2026-11-20\npatient: { name: A }\n\
                    insurer: { name: I, plan_type: aca-marketplace, external_review: state }\n\
                    provider: { name: P }\nrequest: { treatment: IV ketamine }\n\
                    denial: { date: 2026-10-01 }\n";
        let c = Case::parse(Path::new("t.yaml"), text).unwrap();
        assert!(matches!(
            filing_deadline(&c, date("2026-11-26")),
            Err(Unknown::SetByNotice(why)) if why.contains("state's external review")
        ));
    }

    #[test]
    fn new_plan_types_count_their_own_windows() {
        // A State or local government plan: the group rule's 180 days (45 CFR 147.136(b)(2)).
        let d = deadline(
            "government-plan",
            "internal-appeal",
            "{ date: 2026-09-01, received: 2026-09-05 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2027-03-04"));
        // Part D redetermination: 60 days after receipt, presumed 5 days after the notice
        // date (42 CFR 423.582(b)(1)); before 2025, 60 days from the notice date.
        let d = deadline("medicare-part-d", "internal-appeal", "{ date: 2026-10-01 }").unwrap();
        assert_eq!(d.date, date("2026-12-05"));
        assert!(d.basis.contains("42 CFR 423.582(b)"), "{}", d.basis);
        let d = deadline("medicare-part-d", "internal-appeal", "{ date: 2024-12-20 }").unwrap();
        assert_eq!(d.date, date("2025-02-18"));
        // Part D's independent review: filed by the enrollee "within 60 calendar days of the
        // date of the redetermination" (42 CFR 423.600(a)).
        let d = deadline(
            "medicare-part-d",
            "second-level-appeal",
            "{ date: 2026-10-01 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-11-30"));
        // A grandfathered plan has no external review (45 CFR 147.140).
        assert!(matches!(
            deadline("grandfathered", "external-review", "{ date: 2026-10-01 }"),
            Err(Unknown::NoSuchLevel(why)) if why.contains("no external review")
        ));
    }

    #[test]
    fn continuation_of_benefits_is_asked_within_10_days_or_by_the_effective_date() {
        let today = date("2026-10-05");
        let at = |plan: &str, stage: &str, denial: &str| {
            continuation_deadline(&case(plan, stage, denial), today)
        };
        // 42 CFR 438.420(a): within 10 days of the notice, or by the effective date if later.
        let d = at(
            "medicaid-managed-care",
            "internal-appeal",
            "{ date: 2026-10-01, continue_benefits: true }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-10-11"));
        assert_eq!(d.days_left, 6);
        assert!(d.basis.contains("42 CFR 438.420(a)"), "{}", d.basis);
        let d = at(
            "medicaid-managed-care",
            "internal-appeal",
            "{ date: 2026-10-01, effective_date: 2026-10-20, continue_benefits: true }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-10-20"));
        // After the plan's adverse resolution: 10 days to ask for the hearing with
        // continued benefits (438.420(c)(2)).
        let d = at(
            "medicaid-managed-care",
            "external-review",
            "{ date: 2026-10-01, effective_date: 2026-10-20, continue_benefits: true }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-10-11"));
        // Fee-for-service: before the date of action (431.230(a)), or within 10 days
        // (431.231(c)).
        let d = at(
            "medicaid",
            "internal-appeal",
            "{ date: 2026-10-01, effective_date: 2026-10-20, continue_benefits: true }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-10-19"));
        // Not asked for, or not a Medicaid right: no date.
        assert!(
            at(
                "medicaid-managed-care",
                "internal-appeal",
                "{ date: 2026-10-01 }"
            )
            .is_none()
        );
        assert!(
            at(
                "employer-self-funded",
                "internal-appeal",
                "{ date: 2026-10-01, continue_benefits: true }"
            )
            .is_none()
        );
    }

    #[test]
    fn no_deadline_before_a_denial_or_without_a_date() {
        assert_eq!(
            deadline(
                "aca-marketplace",
                "prior-authorization",
                "{ date: 2026-10-01 }"
            ),
            Err(Unknown::NoDenial)
        );
        assert_eq!(
            deadline("aca-marketplace", "internal-appeal", "{ reference: X }"),
            Err(Unknown::NoNoticeDate)
        );
    }
}
