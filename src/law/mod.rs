//! Appeal law per program: the levels each program has, in order, the window to file
//! each one and the day it counts from, the expedited track, and the rights a letter may
//! state there, each with the regulation that grants it.
//!
//! A case's `insurer.plan_type` names its [`Program`]; its `stage` names the level being
//! filed, which [`Program::level`] maps to the program's own level, or refuses with the
//! right next step. Everything a packet or the checklist says about the law comes from
//! here, so one table answers for it (README, "Appeal law by program").

pub mod deadline;
pub mod decision;
pub(crate) mod holidays;

use crate::model::case::{Case, PlanType, ReviewProcess, Stage};

/// A program as the law sees it: which rules govern its appeals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Program {
    /// A group health plan of a private employer, fully insured or self-funded (ERISA, PHSA).
    Employer {
        /// Whether the plan is self-funded (ERISA only) rather than insured (also PHSA).
        self_funded: bool,
    },
    /// A plan of a State or local government employer: the PHS Act and 45 CFR 147.136,
    /// not ERISA.
    GovernmentPlan,
    /// A church plan: outside ERISA unless it elected in.
    ChurchPlan,
    /// A grandfathered group or individual plan, outside 45 CFR 147.136 (45 CFR 147.140).
    Grandfathered,
    /// The Federal Employees Health Benefits program (5 CFR 890.105).
    Fehb,
    /// Individual coverage, on or off the ACA marketplace.
    Marketplace,
    /// Original Medicare (Parts A and B).
    OriginalMedicare,
    /// Medicare Advantage (Part C).
    MedicareAdvantage,
    /// Medicare Part D, the prescription drug benefit.
    MedicarePartD,
    /// Medicaid through a managed-care plan.
    MedicaidManagedCare,
    /// Medicaid fee-for-service, run by the state agency.
    MedicaidFeeForService,
    /// Any other plan: the notice says what applies.
    Other,
}

/// How long the window to file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// Calendar days.
    Days(u32),
    /// Calendar days the State sets between `least` and `most`: counted at `least`, the only
    /// day sure to be timely, and a notice's later day is believed up to `most`.
    StateSets {
        /// The shortest window the State may set.
        least: u32,
        /// The longest window the State may set.
        most: u32,
    },
    /// Four months, by the external-review rule of 45 CFR 147.136(d)(2)(i): no
    /// corresponding day means the first day of the fifth month, and a last day on a
    /// weekend or federal holiday moves to the next day that is neither.
    FourMonths,
}

/// The day a window counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum From {
    /// The day the notice was received (the notice date when no receipt date is given,
    /// never overstating the time left).
    Receipt,
    /// The day the notice was received, presumed 5 days after the notice date: the
    /// earlier of the receipt date given and that presumption.
    PresumedReceipt,
    /// The date of the notice.
    NoticeDate,
}

/// The window to file a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Window {
    /// A window the regulation sets.
    Fixed {
        /// How long it is.
        length: Length,
        /// The day it counts from.
        from: From,
        /// The regulation.
        cite: &'static str,
        /// Whether the regulation fixes the window exactly, so that a later date on the
        /// notice gains the patient nothing; otherwise it is a floor the plan may exceed.
        exact: bool,
    },
    /// A window the state or the plan sets, or one appealpack could not verify: the
    /// deadline is copied from the notice. The text says why, and any floor.
    SetByNotice(&'static str),
}

/// A decision clock: how long the plan or reviewer has to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Clock {
    /// The time in words, e.g. "72 hours".
    pub time: &'static str,
    /// The regulation.
    pub cite: &'static str,
}

/// The body a level is filed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FilingBody {
    /// The plan, at its appeals address.
    Plan,
    /// Another body, at the address its notice gives (`insurer.filing_address`): its name
    /// in words, with the regulation that sends the request there.
    Elsewhere(&'static str),
    /// The external review process, the state's or the federal one, as the case says.
    ExternalReview,
}

/// One level of a program's appeals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Level {
    /// The level's name in the program's own words, e.g. "redetermination".
    pub name: &'static str,
    /// The letter's subject line.
    pub subject: &'static str,
    /// What the letter asks for, as in "we request a redetermination of ...".
    pub asks: &'static str,
    /// The body the request is filed with.
    pub filed_with: FilingBody,
    /// The window to file it.
    pub window: Window,
    /// The expedited track for an urgent request made before the service, if there is one.
    pub expedited: Option<Clock>,
    /// Whether the expedited track is for pre-service requests only (a claim for care
    /// already given, with `request.dates_of_service`, is decided on the standard clock).
    pub expedited_pre_service_only: bool,
    /// What happens to an urgent request where there is no expedited track.
    pub standard: Clock,
}

impl Level {
    /// Returns the expedited clock for an urgent request, where this level has one for it:
    /// some tracks are for care not yet given only.
    pub(crate) fn expedited_for(&self, post_service: bool) -> Option<Clock> {
        self.expedited
            .filter(|_| !(post_service && self.expedited_pre_service_only))
    }
}

/// Returns a case's program and the level its stage files, where it has a plan type and
/// is past prior authorization; or the step to take instead of a level it lacks.
pub(crate) fn level_of(case: &Case) -> Result<Option<(Program, Level)>, NoSuchLevel> {
    let Some(plan) = case.insurer.plan_type else {
        return Ok(None);
    };
    let program = Program::of(plan);
    let level = program.level(case.stage)?.map(|level| {
        // A state's external review process sets its own window.
        match (level.filed_with, case.insurer.external_review) {
            (FilingBody::ExternalReview, Some(ReviewProcess::State)) => Level {
                window: STATE_EXTERNAL_REVIEW.window,
                ..level
            },
            _ => level,
        }
    });
    Ok(level.map(|level| (program, level)))
}

/// Why a program has no level for a stage: the step to take instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NoSuchLevel(pub &'static str);

/// Where a case's level is filed, in words, and whether that is the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    /// The body, with the regulation that sends the request there.
    pub body: &'static str,
    /// Whether the body is the plan, whose appeals address serves.
    pub plan: bool,
    /// What to confirm, where the case cannot tell which body it is.
    pub unsure: Option<&'static str>,
}

/// Returns where the level a case files goes (a prior authorization goes to the plan),
/// or `None` where the case has no plan type or its program lacks the level.
pub fn filing(case: &Case) -> Option<Filing> {
    let plan = |body| Filing {
        body,
        plan: true,
        unsure: None,
    };
    if case.stage == Stage::PriorAuthorization {
        return Some(plan("the plan"));
    }
    let (program, level) = level_of(case).ok().flatten()?;
    Some(match level.filed_with {
        FilingBody::Plan => plan("the plan"),
        FilingBody::Elsewhere(body) => Filing {
            body,
            plan: false,
            unsure: None,
        },
        FilingBody::ExternalReview => match case.insurer.external_review {
            Some(ReviewProcess::State) => Filing {
                body: "the state's external review process, usually the state insurance \
                       regulator, at the address the final denial notice gives (45 CFR \
                       147.136(c))",
                plan: false,
                unsure: None,
            },
            Some(ReviewProcess::Federal) => plan(FEDERAL_REVIEW),
            None if program == (Program::Employer { self_funded: true }) => Filing {
                unsure: Some(
                    "a self-funded ERISA plan uses the federal external review process \
                     unless it opted into the state's: confirm it on the final denial notice \
                     and set insurer.external_review (state or federal)",
                ),
                ..plan(FEDERAL_REVIEW)
            },
            None => Filing {
                unsure: Some(
                    "the final denial notice says whether the state's external review \
                     process (usually filed with the state insurance regulator) or the \
                     federal one (filed with the plan) applies: set insurer.external_review \
                     (state or federal), and insurer.filing_address for the state's",
                ),
                ..plan(
                    "the external review process the final denial notice names (the state's \
                     or the federal one)",
                )
            },
        },
    })
}

/// Continuation of benefits while an appeal is pending (Medicaid's aid paid pending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Continuation {
    /// The letter's request, with its regulation.
    pub asks: &'static str,
    /// The regulation that lets the cost be recovered if the appeal is lost.
    pub risk: &'static str,
    /// What the patient risks, in words.
    pub recovery: &'static str,
    /// When the request must come, in words, with its regulation.
    pub window: &'static str,
}

/// The federal external review process, which the plan receives first.
const FEDERAL_REVIEW: &str = "the plan, for the federal external review process (45 CFR \
                              147.136(d)(2)(i); 29 CFR 2590.715-2719(d))";

/// The external review of a group or individual plan (the federal rule's window).
const EXTERNAL_REVIEW: Level = Level {
    name: "external review",
    subject: "Request for external review",
    asks: "an external review by an independent review organization",
    filed_with: FilingBody::ExternalReview,
    window: Window::Fixed {
        length: Length::FourMonths,
        from: From::Receipt,
        cite: "45 CFR 147.136(d)(2)(i); 29 CFR 2590.715-2719(d)(2)(i)",
        exact: true,
    },
    expedited: Some(Clock {
        time: "72 hours",
        cite: "45 CFR 147.136(d)(3)(iv)",
    }),
    expedited_pre_service_only: true,
    standard: Clock {
        time: "45 days",
        cite: "45 CFR 147.136(d)(2)(iii)(B)(6)",
    },
};

/// The external review of a plan that uses its state's process: the state sets the window.
const STATE_EXTERNAL_REVIEW: Level = Level {
    window: Window::SetByNotice(
        "the state's external review process sets its own window (45 CFR 147.136(c)); \
         the federal process allows 4 months from receipt of the final denial (45 CFR \
         147.136(d)(2)(i)), and a state's must allow at least four months after receipt \
         (45 CFR 147.136(c)(2)(vi))",
    ),
    ..EXTERNAL_REVIEW
};

/// The expedited clock of a group or individual health plan's internal appeal.
const URGENT_CARE: Clock = Clock {
    time: "72 hours",
    cite: "29 CFR 2560.503-1(i)(2)(i)",
};

/// An internal appeal of a group or individual plan with the given window.
const fn internal_appeal(name: &'static str, subject: &'static str, window: Window) -> Level {
    Level {
        name,
        subject,
        asks: "this appeal",
        filed_with: FilingBody::Plan,
        window,
        expedited: Some(URGENT_CARE),
        expedited_pre_service_only: true,
        standard: Clock {
            time: "30 days for a service not yet given, 60 days for one already given",
            cite: "29 CFR 2560.503-1(i)(2)",
        },
    }
}

/// The 180-day window of a group health plan's first internal appeal, a floor the plan
/// may exceed (29 CFR 2560.503-1(h)(3)(i), applied to insured and governmental plans by
/// 45 CFR 147.136(b)(2)).
const FIRST_APPEAL_180_DAYS: Window = Window::Fixed {
    length: Length::Days(180),
    from: From::Receipt,
    cite: "29 CFR 2560.503-1(h)(3)(i); 45 CFR 147.136(b)(2)",
    exact: false,
};

/// A group plan's second level: the 180-day floor is written for the first appeal.
const SECOND_LEVEL_BY_NOTICE: Window = Window::SetByNotice(
    "the plan sets its second level's window: the 180 days of 29 CFR 2560.503-1(h)(3)(i) \
     are the floor for the first appeal, and plans commonly allow 60 days for a second",
);

/// A State fair hearing, requested from the State agency (42 CFR 431.221), with its
/// expedited track (42 CFR 431.224(a)); each program gives its window and standard clock.
const FAIR_HEARING: Level = Level {
    name: "State fair hearing",
    subject: "Request for a State fair hearing",
    asks: "a State fair hearing",
    filed_with: FilingBody::Elsewhere(
        "the State Medicaid agency's fair hearing office, at the address the notice gives \
         (42 CFR 431.221)",
    ),
    window: Window::SetByNotice("the State sets the window"),
    expedited: Some(Clock {
        time: "3 working days",
        cite: "42 CFR 431.224(a), 431.244(f)(2), (f)(3)",
    }),
    expedited_pre_service_only: true,
    standard: Clock {
        time: "90 days",
        cite: "42 CFR 431.244(f)(1)",
    },
};

impl Program {
    /// Returns the program a plan type belongs to.
    pub(crate) fn of(plan: PlanType) -> Program {
        match plan {
            PlanType::EmployerFullyInsured => Program::Employer { self_funded: false },
            PlanType::EmployerSelfFunded => Program::Employer { self_funded: true },
            PlanType::GovernmentPlan => Program::GovernmentPlan,
            PlanType::ChurchPlan => Program::ChurchPlan,
            PlanType::Grandfathered => Program::Grandfathered,
            PlanType::Fehb => Program::Fehb,
            PlanType::AcaMarketplace => Program::Marketplace,
            PlanType::Medicare => Program::OriginalMedicare,
            PlanType::MedicareAdvantage => Program::MedicareAdvantage,
            PlanType::MedicarePartD => Program::MedicarePartD,
            PlanType::MedicaidManagedCare => Program::MedicaidManagedCare,
            PlanType::Medicaid => Program::MedicaidFeeForService,
            PlanType::Other => Program::Other,
        }
    }

    /// Returns the program's name in words.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Program::Employer { self_funded: true } => "a self-funded employer plan (ERISA)",
            Program::Employer { self_funded: false } => "a fully insured employer plan",
            Program::GovernmentPlan => "a State or local government employer's plan",
            Program::ChurchPlan => "a church plan",
            Program::Grandfathered => "a grandfathered plan",
            Program::Fehb => "a Federal Employees Health Benefits plan",
            Program::Marketplace => "an individual (marketplace) plan",
            Program::OriginalMedicare => "Original Medicare",
            Program::MedicareAdvantage => "a Medicare Advantage plan",
            Program::MedicarePartD => "a Medicare Part D plan",
            Program::MedicaidManagedCare => "a Medicaid managed-care plan",
            Program::MedicaidFeeForService => "Medicaid fee-for-service",
            Program::Other => "this plan",
        }
    }

    /// Returns whether the program is a group or individual plan under the claims rule
    /// of 29 CFR 2560.503-1 and 45 CFR 147.136 (employer, governmental, marketplace).
    pub(crate) fn group_or_individual(self) -> bool {
        matches!(
            self,
            Program::Employer { .. } | Program::GovernmentPlan | Program::Marketplace
        )
    }

    /// Returns the level a stage files in this program, or the step to take instead.
    /// A prior authorization is a request, not an appeal: it has no level.
    pub(crate) fn level(self, stage: Stage) -> Result<Option<Level>, NoSuchLevel> {
        use Stage::*;
        let level = match (self, stage) {
            (_, PriorAuthorization) => return Ok(None),
            (Program::Employer { .. } | Program::GovernmentPlan, InternalAppeal) => {
                internal_appeal("internal appeal", "Internal appeal", FIRST_APPEAL_180_DAYS)
            }
            (Program::Employer { .. } | Program::GovernmentPlan, SecondLevelAppeal) => {
                internal_appeal(
                    "second-level internal appeal",
                    "Second-level internal appeal",
                    SECOND_LEVEL_BY_NOTICE,
                )
            }
            (
                Program::Employer { .. } | Program::GovernmentPlan | Program::Marketplace,
                ExternalReview,
            ) => EXTERNAL_REVIEW,
            (Program::Marketplace, InternalAppeal) => internal_appeal(
                "internal appeal",
                "Internal appeal",
                Window::Fixed {
                    length: Length::Days(180),
                    from: From::Receipt,
                    cite: "45 CFR 147.136(b)(3); 29 CFR 2560.503-1(h)(3)(i)",
                    exact: false,
                },
            ),
            (Program::Marketplace, SecondLevelAppeal) => {
                return Err(NoSuchLevel(
                    "an individual (marketplace) plan has one level of internal appeal (45 CFR \
                     147.136(b)(3)(ii)(G)); after it, request an external review (stage: \
                     external-review)",
                ));
            }
            (Program::ChurchPlan, InternalAppeal | SecondLevelAppeal) => internal_appeal(
                if stage == InternalAppeal {
                    "internal appeal"
                } else {
                    "second-level internal appeal"
                },
                stage.title(),
                Window::SetByNotice(
                    "a church plan is outside ERISA unless it elected in, and appealpack has \
                     not verified the rule that sets its appeal window (the Internal Revenue \
                     Code's, 26 CFR 54.9815-2719, for a plan that is not grandfathered)",
                ),
            ),
            (Program::ChurchPlan, ExternalReview) => Level {
                window: Window::SetByNotice(
                    "appealpack has not verified the external review rule of a church plan \
                     (26 CFR 54.9815-2719 for a plan that is not grandfathered)",
                ),
                ..EXTERNAL_REVIEW
            },
            (Program::Grandfathered, InternalAppeal | SecondLevelAppeal) => internal_appeal(
                if stage == InternalAppeal {
                    "internal appeal"
                } else {
                    "second-level internal appeal"
                },
                stage.title(),
                Window::SetByNotice(
                    "a grandfathered plan is outside 45 CFR 147.136 (45 CFR 147.140); an \
                     employer plan's first appeal must still allow at least 180 days (29 CFR \
                     2560.503-1(h)(3)(i)), an individual policy's follows state law",
                ),
            ),
            (Program::Grandfathered, ExternalReview) => {
                return Err(NoSuchLevel(
                    "a grandfathered plan has no external review under 45 CFR 147.136 (45 CFR \
                     147.140): after its internal appeals, the routes left are a complaint to \
                     the state insurance regulator where the plan is insured, and for an \
                     employer plan a civil action under ERISA section 502(a) (29 U.S.C. \
                     1132(a))",
                ));
            }
            (Program::Fehb, InternalAppeal) => Level {
                name: "reconsideration by the carrier",
                subject: "Request for reconsideration",
                asks: "a reconsideration",
                filed_with: FilingBody::Plan,
                window: Window::SetByNotice(
                    "5 CFR 890.105(b)(1) allowed 6 months from the notice date in the text \
                     appealpack could check (the 2005 edition); the current text was not \
                     verified",
                ),
                expedited: None,
                expedited_pre_service_only: false,
                standard: Clock {
                    time: "30 days",
                    cite: "5 CFR 890.105(b)(2) (2005 edition; the current text not verified)",
                },
            },
            (Program::Fehb, ExternalReview) => Level {
                name: "review by the Office of Personnel Management",
                subject: "Request for OPM review of a disputed claim",
                asks: "a review by the Office of Personnel Management",
                filed_with: FilingBody::Elsewhere(
                    "the Office of Personnel Management, at the address the carrier's \
                     reconsideration notice gives (5 CFR 890.105(a)(1))",
                ),
                window: Window::SetByNotice(
                    "appealpack has not verified the window for asking OPM to review a \
                     carrier's reconsideration (5 CFR 890.105)",
                ),
                expedited: None,
                expedited_pre_service_only: false,
                standard: Clock {
                    time: "the time OPM's rules allow",
                    cite: "5 CFR 890.105",
                },
            },
            (Program::Fehb, SecondLevelAppeal) => {
                return Err(NoSuchLevel(
                    "a Federal Employees Health Benefits plan has one reconsideration by the \
                     carrier (stage: internal-appeal), then review by the Office of Personnel \
                     Management (stage: external-review; 5 CFR 890.105(a)(1))",
                ));
            }
            (Program::OriginalMedicare, InternalAppeal) => Level {
                name: "redetermination",
                subject: "Request for redetermination",
                asks: "a redetermination",
                filed_with: FilingBody::Plan,
                window: Window::Fixed {
                    length: Length::Days(120),
                    from: From::PresumedReceipt,
                    cite: "42 CFR 405.942(a)",
                    exact: true,
                },
                expedited: None,
                expedited_pre_service_only: false,
                standard: Clock {
                    time: "60 days",
                    cite: "42 CFR 405.950",
                },
            },
            (Program::OriginalMedicare, SecondLevelAppeal) => Level {
                name: "reconsideration by a Qualified Independent Contractor",
                subject: "Request for reconsideration",
                asks: "a reconsideration",
                filed_with: FilingBody::Elsewhere(
                    "the Qualified Independent Contractor named on the redetermination notice \
                     (42 CFR 405.964(a))",
                ),
                window: Window::Fixed {
                    length: Length::Days(180),
                    from: From::PresumedReceipt,
                    cite: "42 CFR 405.962(a)",
                    exact: true,
                },
                expedited: None,
                expedited_pre_service_only: false,
                standard: Clock {
                    time: "60 days",
                    cite: "42 CFR 405.970",
                },
            },
            (Program::OriginalMedicare, ExternalReview) => {
                return Err(NoSuchLevel(
                    "Original Medicare has no external review: its levels are the \
                     redetermination (stage: internal-appeal) and the QIC reconsideration \
                     (stage: second-level-appeal); a hearing before an administrative law \
                     judge comes after them, and appealpack does not prepare it",
                ));
            }
            (Program::MedicareAdvantage, InternalAppeal) => Level {
                name: "reconsideration",
                subject: "Request for reconsideration",
                asks: "a reconsideration",
                filed_with: FilingBody::Plan,
                // Since 2025: 60 days after receipt, presumed 5 days after the notice date
                // (so 65 days from the notice date unless it arrived sooner).
                window: Window::Fixed {
                    length: Length::Days(60),
                    from: From::PresumedReceipt,
                    cite: "42 CFR 422.582(b)",
                    exact: true,
                },
                expedited: Some(Clock {
                    time: "72 hours",
                    cite: "42 CFR 422.590(e)",
                }),
                expedited_pre_service_only: true,
                standard: Clock {
                    time: "30 days for a service, 60 days for a payment",
                    cite: "42 CFR 422.590(a), (b)",
                },
            },
            (Program::MedicareAdvantage, SecondLevelAppeal | ExternalReview) => {
                return Err(NoSuchLevel(
                    "a Medicare Advantage plan sends a reconsideration it upholds to the \
                     independent review entity itself (42 CFR 422.592): there is nothing to \
                     file at this stage",
                ));
            }
            (Program::MedicarePartD, InternalAppeal) => Level {
                name: "redetermination",
                subject: "Request for redetermination",
                asks: "a redetermination",
                filed_with: FilingBody::Plan,
                window: Window::Fixed {
                    length: Length::Days(60),
                    from: From::PresumedReceipt,
                    cite: "42 CFR 423.582(b)",
                    exact: true,
                },
                expedited: Some(Clock {
                    time: "72 hours",
                    cite: "42 CFR 423.590(d)",
                }),
                expedited_pre_service_only: true,
                standard: Clock {
                    time: "7 days for a drug, 14 days for a payment",
                    cite: "42 CFR 423.590(a), (b)",
                },
            },
            (Program::MedicarePartD, SecondLevelAppeal) => Level {
                name: "reconsideration by the independent review entity",
                subject: "Request for reconsideration by the independent review entity",
                asks: "a reconsideration",
                filed_with: FilingBody::Elsewhere(
                    "the independent review entity named on the redetermination notice (42 \
                     CFR 423.600(a)): the enrollee must ask for it, the plan does not forward it",
                ),
                // "Within 60 calendar days of the date of the redetermination" (423.600(a)).
                window: Window::Fixed {
                    length: Length::Days(60),
                    from: From::NoticeDate,
                    cite: "42 CFR 423.600(a)",
                    exact: true,
                },
                // The entity may not exceed the plan's own deadlines (423.600(d)).
                expedited: Some(Clock {
                    time: "72 hours",
                    cite: "42 CFR 423.600(d), 423.590(d)",
                }),
                expedited_pre_service_only: true,
                standard: Clock {
                    time: "7 days for a drug, 14 days for a payment",
                    cite: "42 CFR 423.600(d), 423.590(a), (b)",
                },
            },
            (Program::MedicarePartD, ExternalReview) => {
                return Err(NoSuchLevel(
                    "Medicare Part D's independent review is its second level: file it with \
                     the independent review entity (stage: second-level-appeal; 42 CFR \
                     423.600(a))",
                ));
            }
            (Program::MedicaidManagedCare, InternalAppeal) => Level {
                name: "plan appeal",
                subject: "Appeal",
                asks: "this appeal",
                filed_with: FilingBody::Plan,
                window: Window::Fixed {
                    length: Length::Days(60),
                    from: From::NoticeDate,
                    cite: "42 CFR 438.402(c)(2)(ii)",
                    exact: true,
                },
                expedited: Some(Clock {
                    time: "72 hours",
                    cite: "42 CFR 438.408(b)(3)",
                }),
                expedited_pre_service_only: false,
                standard: Clock {
                    time: "30 days",
                    cite: "42 CFR 438.408(b)(2)",
                },
            },
            (Program::MedicaidManagedCare, SecondLevelAppeal) => {
                return Err(NoSuchLevel(
                    "a Medicaid managed-care plan has one plan appeal (42 CFR 438.402(b)); \
                     after it, request a State fair hearing (stage: external-review)",
                ));
            }
            // Since the 2020 managed-care rule (85 FR 72842), the State sets 90 to 120 days
            // from the plan's notice of resolution; before it, 438.408(f)(2) fixed 120.
            (Program::MedicaidManagedCare, ExternalReview) => Level {
                window: Window::Fixed {
                    length: Length::StateSets {
                        least: 90,
                        most: 120,
                    },
                    from: From::NoticeDate,
                    cite: "42 CFR 438.408(f)(2)",
                    exact: false,
                },
                standard: Clock {
                    time: "90 days from the day the plan appeal was filed, not counting the \
                           days taken to ask for the hearing",
                    cite: "42 CFR 431.244(f)(1)(i)",
                },
                ..FAIR_HEARING
            },
            (Program::MedicaidFeeForService, InternalAppeal) => Level {
                window: Window::SetByNotice(
                    "the State sets the window for a Medicaid fair hearing, at most 90 days \
                     from the date the notice is mailed (42 CFR 431.221(d))",
                ),
                standard: Clock {
                    time: "90 days from the day the agency receives the request",
                    cite: "42 CFR 431.244(f)(1)(ii)",
                },
                ..FAIR_HEARING
            },
            (Program::MedicaidFeeForService, SecondLevelAppeal | ExternalReview) => {
                return Err(NoSuchLevel(
                    "Medicaid fee-for-service has one level, the State fair hearing (stage: \
                     internal-appeal)",
                ));
            }
            (Program::Other, _) => Level {
                name: stage.title(),
                subject: stage.title(),
                asks: "this appeal",
                filed_with: FilingBody::Plan,
                window: Window::SetByNotice(
                    "appealpack knows no filing window for plan type `other`",
                ),
                expedited: None,
                expedited_pre_service_only: false,
                standard: Clock {
                    time: "the time the plan allows",
                    cite: "the plan's notice",
                },
            },
        };
        Ok(Some(level))
    }

    /// Returns the statute or rule under which mental-health parity applies, if it does.
    pub(crate) fn parity(self) -> Option<&'static str> {
        match self {
            Program::Employer { self_funded: true } => Some("29 U.S.C. 1185a"),
            Program::Employer { self_funded: false } => {
                Some("29 U.S.C. 1185a and 42 U.S.C. 300gg-26")
            }
            Program::Marketplace | Program::GovernmentPlan => Some("42 U.S.C. 300gg-26"),
            Program::MedicaidManagedCare => Some("42 CFR part 438, subpart K"),
            _ => None,
        }
    }

    /// Returns the rule that grants the claim file, and whether it is free of charge.
    pub(crate) fn claim_file(self) -> Option<(&'static str, bool)> {
        match self {
            _ if self.group_or_individual() => {
                Some(("29 CFR 2560.503-1(h)(2)(iii) and (m)(8)", true))
            }
            Program::MedicaidManagedCare => Some(("42 CFR 438.406(b)(5)", true)),
            _ => None,
        }
    }

    /// Returns the rule on who decides an appeal (not the first decider, with clinical
    /// expertise), as the sentence the letter states, where one applies.
    pub(crate) fn reviewer_rule(self) -> Option<&'static str> {
        match self {
            _ if self.group_or_individual() => Some(
                "Under 29 CFR 2560.503-1(h)(3)(ii), (iii) and (v), an appeal must be decided by \
                 someone who was not involved in the first decision, and, where it turns on \
                 medical judgment, with a health professional who has appropriate training and \
                 experience in the field.",
            ),
            Program::MedicaidManagedCare => Some(
                "Under 42 CFR 438.406(b)(2), an appeal must be decided by someone who was not \
                 involved in the first decision, and, where it turns on medical necessity, by a \
                 health care professional with the appropriate clinical expertise in treating \
                 the patient's condition.",
            ),
            Program::MedicareAdvantage => Some(
                "Under 42 CFR 422.590(h), the reconsideration must be made by someone who was \
                 not involved in the first decision, and, where the denial rests on a lack of \
                 medical necessity, by a physician with expertise in the field of medicine \
                 appropriate for the services at issue.",
            ),
            _ => None,
        }
    }

    /// Returns whether an expedited external review can run at the same time as an urgent
    /// internal appeal, and the rule that allows it.
    pub(crate) fn concurrent_external_review(self) -> Option<&'static str> {
        match self {
            _ if self.group_or_individual() => Some("45 CFR 147.136(d)(3)(i)"),
            _ => None,
        }
    }

    /// Returns the rule that makes the treating physician's urgency determination bind or
    /// oblige the plan, cited, with what it does, as a letter states it after "under the
    /// rule, that determination", where the program has one.
    pub(crate) fn urgency_rule(self) -> Option<(&'static str, &'static str)> {
        match self {
            // 2560.503-1(m)(1)(ii): a claim a physician with knowledge of the claimant's
            // condition determines is urgent shall be treated as urgent; 45 CFR 147.136(b)
            // applies the rule to insured group and individual coverage.
            _ if self.group_or_individual() => Some((
                "29 CFR 2560.503-1(m)(1)(ii)",
                "requires the plan to treat this as a claim involving urgent care",
            )),
            // 422.584(c)(2)(ii): a request made or supported by a physician who indicates
            // the standard time could seriously jeopardize the enrollee must be expedited.
            Program::MedicareAdvantage => Some((
                "42 CFR 422.584(c)(2)(ii)",
                "requires the plan to expedite its reconsideration",
            )),
            // 438.410(a): the expedited track applies where the provider indicates, in
            // making or supporting the request, that the standard time could seriously
            // jeopardize the enrollee's life, physical or mental health, or function.
            Program::MedicaidManagedCare => Some((
                "42 CFR 438.410(a)",
                "requires the plan to resolve the appeal on its expedited track",
            )),
            _ => None,
        }
    }

    /// Returns why a denial the plan calls a contract exclusion is still eligible for
    /// external review, as the sentence a letter states, where the program's federal
    /// process reaches it: that process covers any adverse benefit determination that
    /// involves medical judgment, as the external reviewer determines (45 CFR
    /// 147.136(d)(1); 29 CFR 2590.715-2719(d)(1)).
    pub(crate) fn exclusion_eligibility(self) -> Option<&'static str> {
        match self {
            _ if self.group_or_individual() => Some(
                "This denial is eligible for external review. Whether IV ketamine is excluded \
                 for this patient turns on whether it is effective and appropriate for the \
                 condition, which is a matter of medical judgment; external review covers any \
                 adverse benefit determination that involves medical judgment, as the external \
                 reviewer determines (45 CFR 147.136(d)(1); 29 CFR 2590.715-2719(d)(1)).",
            ),
            _ => None,
        }
    }

    /// Returns the certification an external review of an experimental or investigational
    /// denial asks of the treating physician, where the program's external review is a
    /// state's or follows the NAIC Uniform Health Carrier External Review Model Act
    /// (section 10), as state laws built on it do (e.g. Iowa Code 514J.109, Utah Admin.
    /// Code R590-261-12): standard treatments have not been effective or are not
    /// medically appropriate, or no covered standard treatment is more beneficial.
    pub(crate) fn investigational_certification(self) -> Option<&'static str> {
        match self {
            _ if self.group_or_individual() => Some(
                "the treating physician's certification that standard treatments have not \
                 been effective or are not medically appropriate, or that no covered standard \
                 treatment is more beneficial than the one requested (state external review \
                 laws on the NAIC Uniform Health Carrier External Review Model Act, section 10)",
            ),
            _ => None,
        }
    }

    /// Returns what a plan without external review leaves the patient after its internal
    /// appeals, for the letter to state; `None` where an external review follows.
    pub(crate) fn no_external_review(self) -> Option<&'static str> {
        match self.level(Stage::ExternalReview) {
            Err(NoSuchLevel(routes)) if self == Program::Grandfathered => Some(routes),
            _ => None,
        }
    }

    /// Returns the rule that continues benefits while an appeal is pending, where the
    /// program has one: the words a letter asks with, and what the patient risks.
    pub(crate) fn continuation(self, stage: Stage) -> Option<Continuation> {
        let recovery = "if the final decision upholds the denial, the cost of the care given \
                        while the appeal was pending may be recovered from the patient";
        match (self, stage) {
            (Program::MedicaidManagedCare, Stage::InternalAppeal) => Some(Continuation {
                asks: "Continuation of the benefits already authorized is requested while this \
                       appeal is pending (42 CFR 438.420(b)).",
                risk: "42 CFR 438.420(d), 431.230(b)",
                recovery,
                window: "requested within 10 days of the notice, or by its effective date if \
                         later (42 CFR 438.420(a))",
            }),
            (Program::MedicaidManagedCare, Stage::ExternalReview) => Some(Continuation {
                asks: "Continuation of benefits is requested until the hearing decision (42 CFR \
                       438.420(c)(2)).",
                risk: "42 CFR 438.420(d), 431.230(b)",
                recovery,
                window: "requested within 10 days of the plan's notice of resolution (42 CFR \
                         438.420(c)(2))",
            }),
            (Program::MedicaidFeeForService, Stage::InternalAppeal) => Some(Continuation {
                asks: "Continuation, or reinstatement, of the services already authorized is \
                       requested until the hearing decision (42 CFR 431.230(a), 431.231(c)).",
                risk: "42 CFR 431.230(b)",
                recovery,
                window: "requested before the action's effective date, or within 10 days of \
                         the notice if later (42 CFR 431.230(a), 431.231(c))",
            }),
            _ => None,
        }
    }

    /// Returns what the decision a stage appeals is called, in the program's own term.
    pub(crate) fn decision_term(self, stage: Stage) -> &'static str {
        match (self, stage) {
            (Program::MedicaidManagedCare, _) => "adverse benefit determination",
            (_, _) if self.group_or_individual() => "adverse benefit determination",
            (Program::MedicareAdvantage, _) => "organization determination",
            (Program::OriginalMedicare | Program::MedicarePartD, Stage::SecondLevelAppeal) => {
                "redetermination"
            }
            (Program::OriginalMedicare, _) => "initial determination",
            (Program::MedicarePartD, _) => "coverage determination",
            _ => "decision",
        }
    }

    /// Returns the rule that lets a late request be accepted for good cause at a stage,
    /// where the program has one; elsewhere a passed window is not reopened by asking.
    pub(crate) fn good_cause(self, stage: Stage) -> Option<&'static str> {
        match (self, stage) {
            (Program::OriginalMedicare, Stage::SecondLevelAppeal) => Some("42 CFR 405.962(b)"),
            (Program::OriginalMedicare, _) => Some("42 CFR 405.942(b)"),
            (Program::MedicareAdvantage, _) => Some("42 CFR 422.582(c)"),
            (Program::MedicarePartD, Stage::InternalAppeal) => Some("42 CFR 423.582(c)"),
            (Program::Fehb, Stage::InternalAppeal) => Some("5 CFR 890.105(b)(1)"),
            _ => None,
        }
    }

    /// Returns the rule that lets an internal appeal filed in time be supplemented with
    /// records and comments while the plan reviews it, where the program has one: the
    /// claimant may submit written comments, documents and records, and the review takes
    /// all of them into account (29 CFR 2560.503-1(h)(2)(ii) and (iv), which 45 CFR
    /// 147.136(b) applies to insured group and individual plans); a Medicare Advantage plan
    /// must give a reasonable opportunity to present evidence (42 CFR 422.586). Other
    /// programs get none until their rule is verified.
    pub(crate) fn supplement_rule(self) -> Option<&'static str> {
        match self {
            Program::Employer { .. } | Program::Marketplace => {
                Some("29 CFR 2560.503-1(h)(2)(ii) and (iv)")
            }
            Program::MedicareAdvantage => Some("42 CFR 422.586"),
            _ => None,
        }
    }

    /// Returns the rule on appointing a representative, and the form where there is one.
    pub(crate) fn representative_rule(self) -> &'static str {
        match self {
            _ if self.group_or_individual() => {
                "an authorized representative under the plan's procedures (29 CFR \
                 2560.503-1(b)(4))"
            }
            Program::OriginalMedicare | Program::MedicareAdvantage | Program::MedicarePartD => {
                "an appointment of representative signed by the patient and the \
                 representative, on form CMS-1696 or another conforming written instrument \
                 (42 CFR 405.910)"
            }
            Program::MedicaidManagedCare => {
                "the enrollee's written consent, where State law permits a representative \
                 (42 CFR 438.402(c)(1)(ii))"
            }
            // A fair hearing of the agency itself: the hearing rules' representative.
            Program::MedicaidFeeForService => {
                "an authorized representative as 42 CFR 435.923 defines one, whom the \
                 applicant may choose under 42 CFR 431.206(b)(3), appointed in writing"
            }
            Program::Fehb => {
                "the covered individual's specific written consent to pursue the disputed \
                 claim (5 CFR 890.105(a)(2))"
            }
            _ => "a signed authorization the plan accepts",
        }
    }
}

/// What a program's written appointment of a representative must hold: the rule, its
/// elements in the rule's own order, and the form the patient may sign instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Appointment {
    /// The rule whose elements the form holds, cited.
    pub rule: &'static str,
    /// The elements the rule requires, as the form meets them.
    pub elements: &'static [&'static str],
    /// The form that may be used instead of appealpack's, where there is one.
    pub instead: &'static str,
    /// What the plan calls the patient's number.
    pub number_label: &'static str,
}

/// The seven elements of a valid appointment under 42 CFR 405.910(c)(1)-(7).
const MEDICARE_ELEMENTS: &[&str] = &[
    "in writing, signed and dated by the patient and by the representative (405.910(c)(1))",
    "a statement appointing the representative and authorizing the release of the patient's identifiable health information to the representative (405.910(c)(2))",
    "the purpose and scope of the representation (405.910(c)(3))",
    "the patient's and the representative's names, phone numbers and addresses (405.910(c)(4))",
    "the patient's Medicare number (405.910(c)(5))",
    "the representative's professional status or relationship to the patient (405.910(c)(6))",
    "filed with the appeal it is for (405.910(c)(7))",
];

impl Program {
    /// Returns the written appointment this program accepts when an organisation files
    /// for the patient.
    pub(crate) fn appointment(self) -> Appointment {
        match self {
            Program::OriginalMedicare | Program::MedicareAdvantage | Program::MedicarePartD => {
                Appointment {
                    rule: "42 CFR 405.910(c)",
                    elements: MEDICARE_ELEMENTS,
                    instead: "Form CMS-1696 (Appointment of Representative) may be signed instead of this page.",
                    number_label: "Medicare number",
                }
            }
            // 2560.503-1(b)(4) leaves the procedure to the plan: it may not preclude an
            // authorized representative, and may set how authorization is shown.
            Program::Employer { .. } | Program::GovernmentPlan | Program::Marketplace => {
                Appointment {
                    rule: "29 CFR 2560.503-1(b)(4)",
                    elements: &[
                        "the patient's written authorization of the representative to act for the patient on this claim and its appeals",
                        "the claim and the denial it covers",
                        "the patient's and the representative's signatures and dates",
                    ],
                    instead: "Where the plan has its own authorized-representative form, use the plan's form instead of this page.",
                    number_label: "Member ID",
                }
            }
            // Fee-for-service has no managed-care plan to consent to: the representative
            // is designated in writing to the State agency (the rule its blocker cites).
            Program::MedicaidFeeForService => Appointment {
                rule: "42 CFR 435.923",
                elements: &[
                    "the applicant's or beneficiary's written designation of the representative, with the applicant's signature",
                    "the representative's signature and date, accepting the designation",
                ],
                instead: "Where the State Medicaid agency has its own authorized-representative form, use that form instead of this page.",
                number_label: "Medicaid ID",
            },
            Program::MedicaidManagedCare => Appointment {
                rule: "42 CFR 438.402(c)(1)(ii)",
                elements: &[
                    "the enrollee's written consent to the representative filing the appeal, and requesting a State fair hearing, on the enrollee's behalf",
                    "the enrollee's and the representative's signatures and dates",
                ],
                instead: "Where the plan or the State Medicaid agency has its own form, use that form instead of this page.",
                number_label: "Medicaid ID",
            },
            Program::Other | Program::ChurchPlan | Program::Grandfathered | Program::Fehb => {
                Appointment {
                    rule: "the plan's own requirements",
                    elements: &[
                        "the patient's written authorization of the representative",
                        "the patient's and the representative's signatures and dates",
                    ],
                    instead: "Where the plan has its own form, use the plan's form instead of this page.",
                    number_label: "Member ID",
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(plan: PlanType, stage: Stage) -> Level {
        Program::of(plan).level(stage).unwrap().unwrap()
    }

    #[test]
    fn every_level_has_its_decision_clocks() {
        use PlanType::*;
        use Stage::*;
        // (plan, stage, expedited, standard)
        let table = [
            (
                EmployerSelfFunded,
                InternalAppeal,
                Some("72 hours"),
                "29 CFR 2560.503-1(i)(2)",
            ),
            (
                EmployerFullyInsured,
                SecondLevelAppeal,
                Some("72 hours"),
                "29 CFR 2560.503-1(i)(2)",
            ),
            (
                AcaMarketplace,
                InternalAppeal,
                Some("72 hours"),
                "29 CFR 2560.503-1(i)(2)",
            ),
            (
                AcaMarketplace,
                ExternalReview,
                Some("72 hours"),
                "45 CFR 147.136(d)(2)(iii)(B)(6)",
            ),
            (Medicare, InternalAppeal, None, "42 CFR 405.950"),
            (Medicare, SecondLevelAppeal, None, "42 CFR 405.970"),
            (
                MedicareAdvantage,
                InternalAppeal,
                Some("72 hours"),
                "42 CFR 422.590(a), (b)",
            ),
            (
                MedicaidManagedCare,
                InternalAppeal,
                Some("72 hours"),
                "42 CFR 438.408(b)(2)",
            ),
            (
                MedicaidManagedCare,
                ExternalReview,
                Some("3 working days"),
                "42 CFR 431.244(f)(1)(i)",
            ),
            (
                Medicaid,
                InternalAppeal,
                Some("3 working days"),
                "42 CFR 431.244(f)(1)(ii)",
            ),
            (
                MedicarePartD,
                InternalAppeal,
                Some("72 hours"),
                "42 CFR 423.590(a), (b)",
            ),
            (
                GovernmentPlan,
                InternalAppeal,
                Some("72 hours"),
                "29 CFR 2560.503-1(i)(2)",
            ),
        ];
        for (plan, stage, expedited, standard) in table {
            let l = level(plan, stage);
            assert_eq!(l.expedited.map(|c| c.time), expedited, "{plan:?} {stage:?}");
            assert_eq!(l.standard.cite, standard, "{plan:?} {stage:?}");
        }
        assert_eq!(
            level(MedicareAdvantage, InternalAppeal).standard.time,
            "30 days for a service, 60 days for a payment"
        );
        assert_eq!(
            level(AcaMarketplace, ExternalReview).standard.time,
            "45 days"
        );
        assert_eq!(level(Medicare, InternalAppeal).standard.time, "60 days");
    }

    fn case(plan: &str, stage: &str, insurer: &str) -> Case {
        let text = format!(
            "id: T\nstage: {stage}\nprepared_on: 2026-11-20\npatient: {{ name: A }}\n\
             insurer: {{ name: I, plan_type: {plan}{insurer} }}\nprovider: {{ name: P }}\n\
             request: {{ treatment: IV ketamine }}\ndenial: {{ date: 2026-10-01 }}\n"
        );
        Case::parse(std::path::Path::new("t.yaml"), &text).unwrap()
    }

    #[test]
    fn every_level_names_its_filing_body() {
        use PlanType::*;
        let plans = [
            EmployerFullyInsured,
            EmployerSelfFunded,
            GovernmentPlan,
            ChurchPlan,
            Grandfathered,
            Fehb,
            AcaMarketplace,
            Medicare,
            MedicareAdvantage,
            MedicarePartD,
            Medicaid,
            MedicaidManagedCare,
            Other,
        ];
        for plan in plans {
            for stage in [
                Stage::InternalAppeal,
                Stage::SecondLevelAppeal,
                Stage::ExternalReview,
            ] {
                let c = case(plan.as_str(), stage.as_str(), "");
                match Program::of(plan).level(stage) {
                    Ok(Some(_)) => {
                        let filing = filing(&c).expect("a level has a filing body");
                        assert!(!filing.body.is_empty(), "{plan:?} {stage:?}");
                    }
                    Err(NoSuchLevel(instead)) => assert!(!instead.is_empty()),
                    Ok(None) => panic!("{plan:?} {stage:?}"),
                }
            }
        }
        // 42 CFR 405.964(a): the QIC named on the redetermination notice.
        let qic = filing(&case("medicare", "second-level-appeal", "")).unwrap();
        assert!(!qic.plan);
        assert!(qic.body.contains("405.964(a)"), "{}", qic.body);
        // 42 CFR 431.221: the State agency hears a fair hearing.
        for (plan, stage) in [
            ("medicaid", "internal-appeal"),
            ("medicaid-managed-care", "external-review"),
        ] {
            let f = filing(&case(plan, stage, "")).unwrap();
            assert!(!f.plan && f.body.contains("431.221"), "{plan}: {}", f.body);
        }
        // 42 CFR 423.600(a): the enrollee files Part D's independent review.
        let ire = filing(&case("medicare-part-d", "second-level-appeal", "")).unwrap();
        assert!(!ire.plan && ire.body.contains("423.600(a)"));
        // OPM reviews a FEHB carrier's reconsideration (5 CFR 890.105(a)(1)).
        let opm = filing(&case("fehb", "external-review", "")).unwrap();
        assert!(!opm.plan && opm.body.contains("Office of Personnel Management"));
        // The plan for its own appeals.
        assert!(
            filing(&case("medicare-advantage", "internal-appeal", ""))
                .unwrap()
                .plan
        );
    }

    #[test]
    fn external_review_goes_where_the_process_says() {
        // A state process: usually the state regulator, not the plan.
        let state = filing(&case(
            "aca-marketplace",
            "external-review",
            ", external_review: state",
        ))
        .unwrap();
        assert!(!state.plan && state.unsure.is_none());
        assert!(state.body.contains("147.136(c)"));
        // The federal process is filed with the plan (45 CFR 147.136(d)(2)(i)).
        let federal = filing(&case(
            "employer-fully-insured",
            "external-review",
            ", external_review: federal",
        ))
        .unwrap();
        assert!(federal.plan && federal.unsure.is_none());
        // A self-funded plan defaults to the federal process, with a warning to confirm.
        let self_funded = filing(&case("employer-self-funded", "external-review", "")).unwrap();
        assert!(self_funded.plan);
        assert!(
            self_funded
                .unsure
                .unwrap()
                .contains("opted into the state's")
        );
        // An insured plan cannot tell: the warning asks.
        let insured = filing(&case("employer-fully-insured", "external-review", "")).unwrap();
        assert!(insured.unsure.is_some());
    }

    #[test]
    fn new_plan_types_have_their_own_law() {
        use PlanType::*;
        // Part D: 7-day redetermination, 72 hours expedited (42 CFR 423.590(a), (d)).
        let d = level(MedicarePartD, Stage::InternalAppeal);
        assert_eq!(d.expedited.unwrap().cite, "42 CFR 423.590(d)");
        // A governmental plan follows the group rule and has parity under the PHS Act.
        assert_eq!(
            Program::of(GovernmentPlan).parity(),
            Some("42 U.S.C. 300gg-26")
        );
        assert!(Program::of(GovernmentPlan).reviewer_rule().is_some());
        // A grandfathered plan: no external review, and the letter names the routes left.
        let routes = Program::of(Grandfathered).no_external_review().unwrap();
        assert!(routes.contains("45 CFR 147.140") && routes.contains("1132(a)"));
        assert_eq!(Program::of(EmployerSelfFunded).no_external_review(), None);
        // FEHB: reconsideration by the carrier, then OPM; the representative's consent.
        assert!(
            Program::of(Fehb)
                .representative_rule()
                .contains("890.105(a)(2)")
        );
        // Church plans' rules were not verified: the notice's date is required.
        assert!(matches!(
            level(ChurchPlan, Stage::InternalAppeal).window,
            Window::SetByNotice(why) if why.contains("not verified")
        ));
    }

    #[test]
    fn good_cause_and_the_right_representative_rule() {
        use PlanType::*;
        // Good cause exists for Medicare (405.942(b)), MA (422.582(c)), Part D (423.582(c)).
        assert_eq!(
            Program::of(Medicare).good_cause(Stage::InternalAppeal),
            Some("42 CFR 405.942(b)")
        );
        assert_eq!(
            Program::of(MedicareAdvantage).good_cause(Stage::InternalAppeal),
            Some("42 CFR 422.582(c)")
        );
        assert_eq!(
            Program::of(EmployerSelfFunded).good_cause(Stage::InternalAppeal),
            None
        );
        assert_eq!(
            Program::of(MedicaidManagedCare).good_cause(Stage::InternalAppeal),
            None
        );
        // Medicaid fee-for-service: the hearing rules' representative, not managed care's.
        let ffs = Program::of(Medicaid).representative_rule();
        assert!(
            ffs.contains("431.206(b)(3)") && ffs.contains("435.923"),
            "{ffs}"
        );
        // Medicare Advantage: the reviewer's qualifications (42 CFR 422.590(h)).
        assert!(
            Program::of(MedicareAdvantage)
                .reviewer_rule()
                .unwrap()
                .contains("422.590(h)")
        );
    }

    #[test]
    fn expedited_tracks_for_care_not_yet_given_only() {
        let employer = level(PlanType::EmployerSelfFunded, Stage::InternalAppeal);
        assert!(employer.expedited_for(false).is_some());
        assert!(
            employer.expedited_for(true).is_none(),
            "a post-service claim is not urgent care"
        );
        let ma = level(PlanType::MedicareAdvantage, Stage::InternalAppeal);
        assert!(
            ma.expedited_for(true).is_none(),
            "Medicare Advantage payment requests"
        );
        let medicaid = level(PlanType::MedicaidManagedCare, Stage::InternalAppeal);
        assert!(medicaid.expedited_for(true).is_some());
    }

    #[test]
    fn rights_are_granted_per_program() {
        assert_eq!(Program::of(PlanType::Medicare).parity(), None);
        assert_eq!(Program::of(PlanType::MedicareAdvantage).claim_file(), None);
        assert_eq!(
            Program::of(PlanType::MedicaidManagedCare).claim_file(),
            Some(("42 CFR 438.406(b)(5)", true))
        );
        assert_eq!(
            Program::of(PlanType::AcaMarketplace).parity(),
            Some("42 U.S.C. 300gg-26")
        );
        assert_eq!(
            Program::of(PlanType::EmployerSelfFunded).parity(),
            Some("29 U.S.C. 1185a")
        );
        assert!(
            Program::of(PlanType::MedicaidManagedCare)
                .concurrent_external_review()
                .is_none()
        );
    }
}

#[cfg(test)]
mod appointment_tests {
    use super::*;

    #[test]
    fn medicare_appointments_hold_the_seven_elements_of_405_910_c() {
        for program in [Program::OriginalMedicare, Program::MedicareAdvantage] {
            let appointment = program.appointment();
            assert_eq!(appointment.rule, "42 CFR 405.910(c)");
            assert_eq!(appointment.elements.len(), 7);
            for (i, element) in appointment.elements.iter().enumerate() {
                assert!(
                    element.ends_with(&format!("(405.910(c)({}))", i + 1)),
                    "{element}"
                );
            }
            assert!(appointment.instead.contains("CMS-1696"));
            assert_eq!(appointment.number_label, "Medicare number");
        }
    }

    #[test]
    fn every_program_names_its_rule_and_a_form_to_use_instead() {
        for program in [
            Program::Employer { self_funded: true },
            Program::Marketplace,
            Program::MedicaidManagedCare,
            Program::MedicaidFeeForService,
            Program::Other,
        ] {
            let appointment = program.appointment();
            assert!(!appointment.elements.is_empty());
            assert!(appointment.instead.contains("instead"), "{program:?}");
        }
        assert_eq!(
            Program::Employer { self_funded: false }.appointment().rule,
            "29 CFR 2560.503-1(b)(4)"
        );
    }
}
