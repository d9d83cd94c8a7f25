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

use crate::model::case::{Case, PlanType, Stage};

/// A program as the law sees it: which rules govern its appeals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    /// A group health plan of an employer, fully insured or self-funded (ERISA, PHSA).
    Employer {
        /// Whether the plan is self-funded (ERISA only) rather than insured (also PHSA).
        self_funded: bool,
    },
    /// Individual coverage, on or off the ACA marketplace.
    Marketplace,
    /// Original Medicare (Parts A and B).
    OriginalMedicare,
    /// Medicare Advantage (Part C).
    MedicareAdvantage,
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
    /// Four months, by the external-review rule of 45 CFR 147.136(d)(2)(i): no
    /// corresponding day means the first day of the fifth month, and a last day on a
    /// weekend or federal holiday moves to the next day that is neither.
    FourMonths,
}

/// The day a window counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum From {
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
pub enum Window {
    /// A window the regulation fixes.
    Fixed {
        /// How long it is.
        length: Length,
        /// The day it counts from.
        from: From,
        /// The regulation.
        cite: &'static str,
    },
    /// A window the state or the plan sets: the deadline is copied from the notice.
    SetByNotice(&'static str),
}

/// A decision clock: how long the plan or reviewer has to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// The time in words, e.g. "72 hours".
    pub time: &'static str,
    /// The regulation.
    pub cite: &'static str,
}

/// One level of a program's appeals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    /// The level's name in the program's own words, e.g. "redetermination".
    pub name: &'static str,
    /// The letter's subject line.
    pub subject: &'static str,
    /// What the letter asks for, as in "we request a redetermination of ...".
    pub asks: &'static str,
    /// The window to file it.
    pub window: Window,
    /// The expedited track for an urgent request made before the service, if there is one.
    pub expedited: Option<Clock>,
    /// Whether the expedited track is for pre-service requests only (a claim for care
    /// already given, with `request.dates_of_service`, is decided on the standard clock).
    pub expedited_pre_service_only: bool,
    /// What happens to an urgent request where there is no expedited track.
    pub standard: Clock,
    /// The standard clock for an appeal about care not yet given (a pre-service appeal),
    /// where the program sets one of its own.
    pub pre_service: Option<Clock>,
}

impl Level {
    /// Returns the expedited clock for an urgent request, where this level has one for it:
    /// some tracks are for care not yet given only.
    pub fn expedited_for(&self, post_service: bool) -> Option<Clock> {
        self.expedited
            .filter(|_| !(post_service && self.expedited_pre_service_only))
    }
}

/// Returns a case's program and the level its stage files, where it has a plan type and
/// is past prior authorization; or the step to take instead of a level it lacks.
pub fn level_of(case: &Case) -> Result<Option<(Program, Level)>, NoSuchLevel> {
    let Some(plan) = case.insurer.plan_type else {
        return Ok(None);
    };
    let program = Program::of(plan);
    Ok(program.level(case.stage)?.map(|level| (program, level)))
}

/// Why a program has no level for a stage: the step to take instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoSuchLevel(pub &'static str);

/// The external review of an employer or marketplace plan (the federal process).
const EXTERNAL_REVIEW: Level = Level {
    name: "external review",
    subject: "Request for external review",
    asks: "an external review by an independent review organization",
    window: Window::Fixed {
        length: Length::FourMonths,
        from: From::Receipt,
        cite: "45 CFR 147.136(d)(2)(i); 29 CFR 2590.715-2719(d)(2)(i)",
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
    pre_service: None,
};

/// The expedited clock of a group or individual health plan's internal appeal.
const URGENT_CARE: Clock = Clock {
    time: "72 hours",
    cite: "29 CFR 2560.503-1(i)(2)(i)",
};

/// The standard clock of a group or individual health plan's internal appeal about care
/// not yet given: 30 days, or 15 for each level where the plan has two (`(i)(2)(ii)`).
const PRE_SERVICE: Clock = Clock {
    time: "30 days, or 15 days where the plan has two levels of appeal,",
    cite: "29 CFR 2560.503-1(i)(2)(ii)",
};

/// The pre-service clock of an individual plan, which has one level of internal appeal
/// (45 CFR 147.136(b)(3)(ii)(G)), so the whole 30 days.
const PRE_SERVICE_ONE_LEVEL: Clock = Clock {
    time: "30 days",
    cite: "29 CFR 2560.503-1(i)(2)(ii); 45 CFR 147.136(b)(3)",
};

/// The pre-service clock of the second of two levels: 15 days for each level.
const PRE_SERVICE_SECOND_LEVEL: Clock = Clock {
    time: "15 days",
    cite: "29 CFR 2560.503-1(i)(2)(ii)",
};

/// An internal appeal of an employer or marketplace plan; `cite` gives its window.
const fn internal_appeal(
    name: &'static str,
    subject: &'static str,
    cite: &'static str,
    pre_service: Clock,
) -> Level {
    Level {
        name,
        subject,
        asks: "this appeal",
        window: Window::Fixed {
            length: Length::Days(180),
            from: From::Receipt,
            cite,
        },
        expedited: Some(URGENT_CARE),
        expedited_pre_service_only: true,
        standard: Clock {
            time: "30 days for a service not yet given, 60 days for one already given",
            cite: "29 CFR 2560.503-1(i)(2)",
        },
        pre_service: Some(pre_service),
    }
}

impl Program {
    /// Returns the program a plan type belongs to.
    pub fn of(plan: PlanType) -> Program {
        match plan {
            PlanType::EmployerFullyInsured => Program::Employer { self_funded: false },
            PlanType::EmployerSelfFunded => Program::Employer { self_funded: true },
            PlanType::AcaMarketplace => Program::Marketplace,
            PlanType::Medicare => Program::OriginalMedicare,
            PlanType::MedicareAdvantage => Program::MedicareAdvantage,
            PlanType::MedicaidManagedCare => Program::MedicaidManagedCare,
            PlanType::Medicaid => Program::MedicaidFeeForService,
            PlanType::Other => Program::Other,
        }
    }

    /// Returns the program's name in words.
    pub fn name(self) -> &'static str {
        match self {
            Program::Employer { self_funded: true } => "a self-funded employer plan (ERISA)",
            Program::Employer { self_funded: false } => "a fully insured employer plan",
            Program::Marketplace => "an individual (marketplace) plan",
            Program::OriginalMedicare => "Original Medicare",
            Program::MedicareAdvantage => "a Medicare Advantage plan",
            Program::MedicaidManagedCare => "a Medicaid managed-care plan",
            Program::MedicaidFeeForService => "Medicaid fee-for-service",
            Program::Other => "this plan",
        }
    }

    /// Returns the level a stage files in this program, or the step to take instead.
    /// A prior authorization is a request, not an appeal: it has no level.
    pub fn level(self, stage: Stage) -> Result<Option<Level>, NoSuchLevel> {
        use Stage::*;
        let level = match (self, stage) {
            (_, PriorAuthorization) => return Ok(None),
            (Program::Employer { .. }, InternalAppeal) => internal_appeal(
                "internal appeal",
                "Internal appeal",
                "29 CFR 2560.503-1(h)(3)(i); 45 CFR 147.136(b)(2)",
                PRE_SERVICE,
            ),
            // A plan may have a second level; it too must allow 180 days.
            (Program::Employer { .. }, SecondLevelAppeal) => internal_appeal(
                "second-level internal appeal",
                "Second-level internal appeal",
                "29 CFR 2560.503-1(h)(3)(i); 45 CFR 147.136(b)(2)",
                PRE_SERVICE_SECOND_LEVEL,
            ),
            (Program::Employer { .. } | Program::Marketplace, ExternalReview) => EXTERNAL_REVIEW,
            (Program::Marketplace, InternalAppeal) => internal_appeal(
                "internal appeal",
                "Internal appeal",
                "45 CFR 147.136(b)(3); 29 CFR 2560.503-1(h)(3)(i)",
                PRE_SERVICE_ONE_LEVEL,
            ),
            (Program::Marketplace, SecondLevelAppeal) => {
                return Err(NoSuchLevel(
                    "an individual (marketplace) plan has one level of internal appeal (45 CFR \
                     147.136(b)(3)(ii)(G)); after it, request an external review (stage: \
                     external-review)",
                ));
            }
            (Program::OriginalMedicare, InternalAppeal) => Level {
                name: "redetermination",
                subject: "Request for redetermination",
                asks: "a redetermination",
                window: Window::Fixed {
                    length: Length::Days(120),
                    from: From::PresumedReceipt,
                    cite: "42 CFR 405.942(a)",
                },
                expedited: None,
                expedited_pre_service_only: false,
                standard: Clock {
                    time: "60 days",
                    cite: "42 CFR 405.950",
                },
                pre_service: None,
            },
            (Program::OriginalMedicare, SecondLevelAppeal) => Level {
                name: "reconsideration by a Qualified Independent Contractor",
                subject: "Request for reconsideration",
                asks: "a reconsideration",
                window: Window::Fixed {
                    length: Length::Days(180),
                    from: From::PresumedReceipt,
                    cite: "42 CFR 405.962(a)",
                },
                expedited: None,
                expedited_pre_service_only: false,
                standard: Clock {
                    time: "60 days",
                    cite: "42 CFR 405.970",
                },
                pre_service: None,
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
                // Since 2025: 60 days after receipt, presumed 5 days after the notice date
                // (so 65 days from the notice date unless it arrived sooner).
                window: Window::Fixed {
                    length: Length::Days(60),
                    from: From::PresumedReceipt,
                    cite: "42 CFR 422.582(b)",
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
                pre_service: Some(Clock {
                    time: "30 days",
                    cite: "42 CFR 422.590(a)",
                }),
            },
            (Program::MedicareAdvantage, SecondLevelAppeal | ExternalReview) => {
                return Err(NoSuchLevel(
                    "a Medicare Advantage plan sends a reconsideration it upholds to the \
                     independent review entity itself (42 CFR 422.592): there is nothing to \
                     file at this stage",
                ));
            }
            (Program::MedicaidManagedCare, InternalAppeal) => Level {
                name: "plan appeal",
                subject: "Appeal",
                asks: "this appeal",
                window: Window::Fixed {
                    length: Length::Days(60),
                    from: From::NoticeDate,
                    cite: "42 CFR 438.402(c)(2)(ii)",
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
                pre_service: Some(Clock {
                    time: "30 days",
                    cite: "42 CFR 438.408(b)(2)",
                }),
            },
            (Program::MedicaidManagedCare, SecondLevelAppeal) => {
                return Err(NoSuchLevel(
                    "a Medicaid managed-care plan has one plan appeal (42 CFR 438.402(b)); \
                     after it, request a State fair hearing (stage: external-review)",
                ));
            }
            (Program::MedicaidManagedCare, ExternalReview) => Level {
                name: "State fair hearing",
                subject: "Request for a State fair hearing",
                asks: "a State fair hearing",
                // The State sets 90 to 120 days; the shortest is counted, never more.
                window: Window::Fixed {
                    length: Length::Days(90),
                    from: From::NoticeDate,
                    cite: "42 CFR 438.408(f)(2), which lets the State allow 90 to 120 days; \
                           the shortest is counted, and the notice gives the State's",
                },
                expedited: None,
                expedited_pre_service_only: false,
                standard: Clock {
                    time: "the time the State allows",
                    cite: "42 CFR 431.244(f)",
                },
                pre_service: None,
            },
            (Program::MedicaidFeeForService, InternalAppeal) => Level {
                name: "State fair hearing",
                subject: "Request for a State fair hearing",
                asks: "a State fair hearing",
                window: Window::SetByNotice(
                    "the State sets the window for a Medicaid fair hearing, at most 90 days \
                     from the date the notice is mailed (42 CFR 431.221(d))",
                ),
                expedited: None,
                expedited_pre_service_only: false,
                standard: Clock {
                    time: "the time the State allows",
                    cite: "42 CFR 431.244(f)",
                },
                pre_service: None,
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
                window: Window::SetByNotice(
                    "appealpack knows no filing window for plan type `other`",
                ),
                expedited: None,
                expedited_pre_service_only: false,
                standard: Clock {
                    time: "the time the plan allows",
                    cite: "the plan's notice",
                },
                pre_service: None,
            },
        };
        Ok(Some(level))
    }

    /// Returns the statute or rule under which mental-health parity applies, if it does.
    pub fn parity(self) -> Option<&'static str> {
        match self {
            Program::Employer { self_funded: true } => Some("29 U.S.C. 1185a"),
            Program::Employer { self_funded: false } => {
                Some("29 U.S.C. 1185a and 42 U.S.C. 300gg-26")
            }
            Program::Marketplace => Some("42 U.S.C. 300gg-26"),
            Program::MedicaidManagedCare => Some("42 CFR part 438, subpart K"),
            _ => None,
        }
    }

    /// Returns the rule that grants the claim file, and whether it is free of charge.
    pub fn claim_file(self) -> Option<(&'static str, bool)> {
        match self {
            Program::Employer { .. } | Program::Marketplace => {
                Some(("29 CFR 2560.503-1(h)(2)(iii) and (m)(8)", true))
            }
            Program::MedicaidManagedCare => Some(("42 CFR 438.406(b)(5)", true)),
            _ => None,
        }
    }

    /// Returns the rule on who decides an appeal (not the first decider, with clinical
    /// expertise), where one applies.
    pub fn reviewer_rule(self) -> Option<&'static str> {
        match self {
            Program::Employer { .. } | Program::Marketplace => {
                Some("29 CFR 2560.503-1(h)(3)(ii), (iii) and (v)")
            }
            Program::MedicaidManagedCare => Some("42 CFR 438.406(b)(2)"),
            _ => None,
        }
    }

    /// Returns whether an expedited external review can run at the same time as an urgent
    /// internal appeal, and the rule that allows it.
    pub fn concurrent_external_review(self) -> Option<&'static str> {
        match self {
            Program::Employer { .. } | Program::Marketplace => Some("45 CFR 147.136(d)(3)(i)"),
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
    pub fn supplement_rule(self) -> Option<&'static str> {
        match self {
            Program::Employer { .. } | Program::Marketplace => {
                Some("29 CFR 2560.503-1(h)(2)(ii) and (iv)")
            }
            Program::MedicareAdvantage => Some("42 CFR 422.586"),
            _ => None,
        }
    }

    /// Returns the rule on appointing a representative, and the form where there is one.
    pub fn representative_rule(self) -> &'static str {
        match self {
            Program::Employer { .. } | Program::Marketplace => {
                "an authorized representative under the plan's procedures (29 CFR \
                 2560.503-1(b)(4))"
            }
            Program::OriginalMedicare | Program::MedicareAdvantage => {
                "an appointment of representative signed by the patient and the \
                 representative, on form CMS-1696 or another conforming written instrument \
                 (42 CFR 405.910)"
            }
            Program::MedicaidManagedCare | Program::MedicaidFeeForService => {
                "the enrollee's written consent, where State law permits a representative \
                 (42 CFR 438.402(c)(1)(ii))"
            }
            Program::Other => "a signed authorization the plan accepts",
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
    pub fn appointment(self) -> Appointment {
        match self {
            Program::OriginalMedicare | Program::MedicareAdvantage => Appointment {
                rule: "42 CFR 405.910(c)",
                elements: MEDICARE_ELEMENTS,
                instead: "Form CMS-1696 (Appointment of Representative) may be signed instead of this page.",
                number_label: "Medicare number",
            },
            // 2560.503-1(b)(4) leaves the procedure to the plan: it may not preclude an
            // authorized representative, and may set how authorization is shown.
            Program::Employer { .. } | Program::Marketplace => Appointment {
                rule: "29 CFR 2560.503-1(b)(4)",
                elements: &[
                    "the patient's written authorization of the representative to act for the patient on this claim and its appeals",
                    "the claim and the denial it covers",
                    "the patient's and the representative's signatures and dates",
                ],
                instead: "Where the plan has its own authorized-representative form, use the plan's form instead of this page.",
                number_label: "Member ID",
            },
            Program::MedicaidManagedCare | Program::MedicaidFeeForService => Appointment {
                rule: "42 CFR 438.402(c)(1)(ii)",
                elements: &[
                    "the enrollee's written consent to the representative filing the appeal, and requesting a State fair hearing, on the enrollee's behalf",
                    "the enrollee's and the representative's signatures and dates",
                ],
                instead: "Where the plan or the State Medicaid agency has its own form, use that form instead of this page.",
                number_label: "Medicaid ID",
            },
            Program::Other => Appointment {
                rule: "the plan's own requirements",
                elements: &[
                    "the patient's written authorization of the representative",
                    "the patient's and the representative's signatures and dates",
                ],
                instead: "Where the plan has its own form, use the plan's form instead of this page.",
                number_label: "Member ID",
            },
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
                None,
                "42 CFR 431.244(f)",
            ),
            (Medicaid, InternalAppeal, None, "42 CFR 431.244(f)"),
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

    #[test]
    fn pre_service_appeals_have_their_own_clock() {
        use PlanType::*;
        use Stage::*;
        let clock = |plan, stage| level(plan, stage).pre_service.map(|c| (c.time, c.cite));
        // 29 CFR 2560.503-1(i)(2)(ii): 30 days for one level; 15 for each of two.
        let (first, cite) = clock(EmployerSelfFunded, InternalAppeal).unwrap();
        assert!(first.starts_with("30 days, or 15 days where the plan has two levels"));
        assert_eq!(cite, "29 CFR 2560.503-1(i)(2)(ii)");
        assert_eq!(
            clock(EmployerFullyInsured, SecondLevelAppeal),
            Some(("15 days", "29 CFR 2560.503-1(i)(2)(ii)"))
        );
        let (one_level, _) = clock(AcaMarketplace, InternalAppeal).unwrap();
        assert_eq!(one_level, "30 days");
        assert_eq!(
            clock(MedicareAdvantage, InternalAppeal),
            Some(("30 days", "42 CFR 422.590(a)"))
        );
        assert_eq!(
            clock(MedicaidManagedCare, InternalAppeal),
            Some(("30 days", "42 CFR 438.408(b)(2)"))
        );
        // Where the State or the plan sets the time, no number is given.
        assert_eq!(clock(Medicaid, InternalAppeal), None);
        assert_eq!(clock(Other, InternalAppeal), None);
        assert_eq!(clock(AcaMarketplace, ExternalReview), None);
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
