//! Filing deadlines by plan type and stage, with their legal sources.
//!
//! Windows run from the day the denial notice was received; where the case gives no
//! receipt date they run from the notice date, so the time left is never overstated.
//! A `denial.deadline` copied from the notice always wins. The windows:
//!
//! - ACA marketplace and employer plans (fully insured or self-funded under ERISA),
//!   internal appeal: 180 days (29 CFR 2560.503-1(h)(3)(i); 45 CFR 147.136(b)).
//! - The same plans, external review: 4 months after the final internal denial
//!   (45 CFR 147.136(d)), counted in calendar months.
//! - Original Medicare, redetermination: 120 days from receipt (42 CFR 405.942); the
//!   rule presumes receipt 5 days after the notice date, but without a receipt date the
//!   shorter count from the notice date is used.
//! - Medicare Advantage, reconsideration: 60 days from the notice date (42 CFR 422.582).
//! - Medicaid, state fair hearing: at most 90 days (42 CFR 431.221(d)); states may set
//!   less, so the case must copy the deadline from the notice.

use serde::{Deserialize, Serialize};

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
    /// How the date was found: the window, where it counts from, and its source.
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
    /// The rules leave the window to the plan or the state: copy it from the notice.
    SetByNotice(&'static str),
}

/// A filing window: its length, where it counts from and its legal source.
struct Window {
    length: Length,
    from_receipt: bool,
    source: &'static str,
}

enum Length {
    Days(u32),
    Months(u32),
}

/// Works out the filing deadline of a case as of `today`.
pub(crate) fn filing_deadline(case: &Case, today: Date) -> Result<Deadline, Unknown> {
    if case.stage == Stage::PriorAuthorization {
        return Err(Unknown::NoDenial);
    }
    let denial = case.denial.as_ref().ok_or(Unknown::NoDenial)?;
    if let Some(date) = denial.deadline {
        return Ok(Deadline {
            date,
            days_left: today.days_until(date),
            basis: "deadline stated on the denial notice".into(),
        });
    }
    let plan = case.insurer.plan_type.ok_or(Unknown::NoPlanType)?;
    let window = window(plan, case.stage)?;
    let (start, counted_from) = start_date(denial, window.from_receipt)?;
    let date = match window.length {
        Length::Days(days) => Date(start.0 + chrono::Days::new(days.into())),
        Length::Months(months) => Date(
            start
                .0
                .checked_add_months(chrono::Months::new(months))
                .expect("deadline within chrono's range"),
        ),
    };
    let length = match window.length {
        Length::Days(days) => format!("{days} days"),
        Length::Months(months) => format!("{months} months"),
    };
    Ok(Deadline {
        date,
        days_left: today.days_until(date),
        basis: format!("{length} from {counted_from} ({})", window.source),
    })
}

/// Returns the window that applies to a plan type and the stage being filed.
fn window(plan: PlanType, stage: Stage) -> Result<Window, Unknown> {
    use PlanType::*;
    use Stage::*;
    let group = matches!(
        plan,
        AcaMarketplace | EmployerFullyInsured | EmployerSelfFunded
    );
    match (plan, stage) {
        (_, InternalAppeal | SecondLevelAppeal) if group => Ok(Window {
            length: Length::Days(180),
            from_receipt: true,
            source: "29 CFR 2560.503-1(h)(3)(i); 45 CFR 147.136(b)",
        }),
        (_, ExternalReview) if group => Ok(Window {
            length: Length::Months(4),
            from_receipt: true,
            source: "45 CFR 147.136(d)",
        }),
        (Medicare, InternalAppeal) => Ok(Window {
            length: Length::Days(120),
            from_receipt: true,
            source: "42 CFR 405.942",
        }),
        (MedicareAdvantage, InternalAppeal) => Ok(Window {
            length: Length::Days(60),
            from_receipt: false,
            source: "42 CFR 422.582",
        }),
        (Medicaid, _) => Err(Unknown::SetByNotice(
            "Medicaid fair-hearing windows are set by each state (at most 90 days, 42 CFR 431.221(d))",
        )),
        (Other, _) => Err(Unknown::SetByNotice(
            "appealpack knows no filing window for plan type `other`",
        )),
        _ => Err(Unknown::SetByNotice(
            "appealpack knows no filing window for this plan type at this stage",
        )),
    }
}

/// Returns the day a window counts from and how to describe it.
fn start_date(denial: &Denial, from_receipt: bool) -> Result<(Date, &'static str), Unknown> {
    let notice = denial.date.ok_or(Unknown::NoNoticeDate)?;
    match denial.received {
        Some(received) if from_receipt => Ok((received, "receipt of the notice")),
        _ if from_receipt => Ok((notice, "the notice date (no receipt date given)")),
        _ => Ok((notice, "the notice date")),
    }
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
            "aca-marketplace",
            "second-level-appeal",
            "{ date: 2026-09-01 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2027-02-28"));
        assert!(d.basis.contains("no receipt date given"), "{}", d.basis);
    }

    #[test]
    fn external_review_adds_calendar_months() {
        let d = deadline(
            "employer-self-funded",
            "external-review",
            "{ date: 2026-10-31 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2027-02-28"));
        // In a leap year the window ends on February 29th.
        let d = deadline(
            "employer-self-funded",
            "external-review",
            "{ date: 2027-10-31 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2028-02-29"));
        let d = deadline("aca-marketplace", "external-review", "{ date: 2026-07-15 }").unwrap();
        assert_eq!(d.date, date("2026-11-15"));
        assert_eq!(d.days_left, -11);
        assert!(d.basis.contains("45 CFR 147.136(d)"));
    }

    #[test]
    fn original_medicare_has_120_days() {
        let d = deadline(
            "medicare",
            "internal-appeal",
            "{ date: 2026-08-01, received: 2026-08-06 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-12-04"));
        assert!(d.basis.contains("42 CFR 405.942"));
        let d = deadline("medicare", "internal-appeal", "{ date: 2026-08-01 }").unwrap();
        assert_eq!(d.date, date("2026-11-29"));
    }

    #[test]
    fn medicare_advantage_counts_60_days_from_the_notice_date() {
        let d = deadline(
            "medicare-advantage",
            "internal-appeal",
            "{ date: 2026-10-01, received: 2026-10-20 }",
        )
        .unwrap();
        assert_eq!(d.date, date("2026-11-30"));
        assert_eq!(d.days_left, 4);
        assert!(d.basis.contains("42 CFR 422.582"));
    }

    #[test]
    fn medicaid_and_other_need_the_notice_deadline() {
        assert!(matches!(
            deadline("medicaid", "internal-appeal", "{ date: 2026-10-01 }"),
            Err(Unknown::SetByNotice(_))
        ));
        assert!(matches!(
            deadline("other", "internal-appeal", "{ date: 2026-10-01 }"),
            Err(Unknown::SetByNotice(_))
        ));
        assert!(matches!(
            deadline("medicare", "external-review", "{ date: 2026-10-01 }"),
            Err(Unknown::SetByNotice(_))
        ));
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
