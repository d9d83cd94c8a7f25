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
use super::{From, Length, Program, Window};
use crate::model::case::{Case, Denial, PlanType, Stage};
use crate::model::fields::Date;

/// How many days left make a deadline close: a warning in the checklist, orange in reports.
pub const CLOSE_DAYS: i64 = 14;

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
pub(crate) fn filing_deadline(case: &Case, today: Date) -> Result<Deadline, Unknown> {
    if case.stage == Stage::PriorAuthorization {
        return Err(Unknown::NoDenial);
    }
    let denial = case.denial.as_ref().ok_or(Unknown::NoDenial)?;
    let plan = case.insurer.plan_type;
    let level = plan
        .map(|p| Program::of(p).level(case.stage))
        .transpose()
        .map_err(|e| Unknown::NoSuchLevel(e.0))?
        .flatten();
    if let Some(date) = denial.deadline {
        return Ok(Deadline {
            date,
            days_left: today.days_until(date),
            basis: "deadline stated on the denial notice".into(),
        });
    }
    let level = level.ok_or(Unknown::NoPlanType)?;
    let (length, from, cite) = match level.window {
        Window::Fixed { length, from, cite } => (length, from, cite),
        Window::SetByNotice(why) => return Err(Unknown::SetByNotice(why)),
    };
    let notice = denial.date.ok_or(Unknown::NoNoticeDate)?;
    // CMS moved the window's start from the notice date to (presumed) receipt for notices
    // from 2025 on; an older notice keeps its 60 days from the notice date.
    let (from, cite) = match (plan, from) {
        (Some(PlanType::MedicareAdvantage), From::PresumedReceipt)
            if notice.0 < ma_receipt_rule_from() =>
        {
            (
                From::NoticeDate,
                "42 CFR 422.582(b) as in force before 2025",
            )
        }
        _ => (from, cite),
    };
    let (start, counted_from) = start_date(denial, notice, from);
    let (date, length) = match length {
        Length::Days(days) => (
            Date(start.0 + chrono::Days::new(days.into())),
            format!("{days} days"),
        ),
        Length::FourMonths => (
            Date(four_months_after(start.0)),
            "4 months (moved off weekends and federal holidays)".to_owned(),
        ),
    };
    Ok(Deadline {
        date,
        days_left: today.days_until(date),
        basis: format!("{length} from {counted_from} ({cite})"),
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
    let (year, month) = if start.month() + 4 > 12 {
        (start.year() + 1, start.month() + 4 - 12)
    } else {
        (start.year(), start.month() + 4)
    };
    let last = NaiveDate::from_ymd_opt(year, month, start.day()).unwrap_or_else(|| {
        let (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        NaiveDate::from_ymd_opt(year, month, 1).expect("a valid date")
    });
    holidays::next_open(last)
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
            "second-level-appeal",
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
        // A federal holiday moves on too: March 3 + 4 months is Friday, July 3, 2026,
        // Independence Day observed, so the last day is Monday, July 6.
        let d = deadline("aca-marketplace", "external-review", "{ date: 2026-03-03 }").unwrap();
        assert_eq!(d.date, date("2026-07-06"));
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
        // The State fair hearing: the State allows 90 to 120 days from the plan's notice
        // of resolution; the shortest is counted.
        let d = deadline(
            "medicaid-managed-care",
            "external-review",
            "{ date: 2026-10-01 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-12-30"));
        assert!(
            d.basis
                .starts_with("90 days from the notice date (42 CFR 438.408(f)(2)"),
            "{}",
            d.basis
        );
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
