//! The appeal checklist: rules with stable ids, each from an item of the source article,
//! and the check stage that runs them on one loaded case.
//!
//! [`check_case`] is the one place a case is judged: it reads the case's files
//! ([`crate::attachments`]), works out its filing deadline ([`deadline`]) and runs every
//! rule. `check` and `build` both call it, so they cannot disagree.

mod codes;
mod rules;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::attachments::{self, Attachments, Enclosure};
use crate::load::{Links, Loaded};
use crate::model::case::Case;
use crate::model::evidence::EvidenceLibrary;
use crate::model::fields::Date;
use crate::model::organisation::Organisation;

pub(crate) use crate::law::deadline::{self, CLOSE_DAYS, Deadline, Unknown};
pub(crate) use crate::law::decision::{self, DecisionDue, NextLevel, NoClock};
pub(crate) use codes::{Condition, EvidenceFit, condition, evidence_fit};
pub(crate) use rules::needs_authorization;
pub(crate) use rules::{appeal_levels_advice, missing_appeal_levels};

use rules::*;

/// How much a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; changes nothing.
    Info,
    /// The packet can go but is weaker.
    Warning,
    /// The packet is not ready to send.
    Blocker,
}

impl Severity {
    /// Returns the severity as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Blocker => "blocker",
        }
    }
}

/// Declares [`RuleId`]: one line per rule, its variant and the stable id that reports,
/// JUnit and JSON print, so adding a rule's id is a one-line change.
macro_rules! rule_ids {
    ($($(#[doc = $doc:literal])* $variant:ident = $id:literal,)*) => {
        /// The id of a checklist rule. Code matches on the variant; the kebab-case string
        /// ([`RuleId::as_str`]) is only for what people and machines read: reports, JUnit,
        /// `summary.json`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $($(#[doc = $doc])* $variant,)*
        }

        impl RuleId {
            /// Every rule id, in the checklist's order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            /// Returns the id as reports write it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }
        }
    };
}

rule_ids! {
    /// The provider's support and identifiers.
    Provider = "provider",
    /// The letter of medical necessity.
    Lmn = "lmn",
    /// The diagnoses.
    Diagnosis = "diagnosis",
    /// The treatments tried before.
    PriorTreatments = "prior-treatments",
    /// Esketamine or ECT, where the plan covers them: tried, or why not.
    CoveredAlternatives = "covered-alternatives",
    /// The insurer, the plan and its policy.
    InsurerPolicy = "insurer-policy",
    /// The denial being appealed.
    Denial = "denial",
    /// The appointment of representative.
    Representative = "representative",
    /// The organisation's own letterhead and signatory.
    Organisation = "organisation",
    /// The treating physician's determination that a denial is urgent.
    Urgency = "urgency",
    /// The filing deadline.
    Deadline = "deadline",
    /// The decision on a sent level, and the level after it.
    Decision = "decision",
    /// The case that files another case's next level.
    Continuation = "continuation",
    /// The contact log.
    Contacts = "contacts",
    /// The published evidence cited.
    Evidence = "evidence",
    /// The safety plan for the infusions.
    Safety = "safety",
    /// The treating physician's certification for an external review.
    Certification = "certification",
    /// The patient's statement and testimonials.
    Testimonials = "testimonials",
    /// Peer review.
    PeerReview = "peer-review",
    /// The files enclosed.
    Attachments = "attachments",
    /// The length of the Markdown texts.
    TextLength = "text-length",
    /// The alternatives if coverage is refused.
    Alternatives = "alternatives",
}

impl RuleId {
    /// Returns the rule with this id as reports write it, if there is one.
    pub(crate) fn from_id(id: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|rule| rule.as_str() == id)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<RuleId, D::Error> {
        let id = <Cow<'de, str>>::deserialize(deserializer)?;
        // The message names no value: a damaged summary's text stays out of the error.
        RuleId::from_id(&id).ok_or_else(|| serde::de::Error::custom("not a checklist rule"))
    }
}

/// One thing a case lacks or should know, found by a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The id of the rule that found it.
    pub rule: RuleId,
    /// How much it weighs.
    pub severity: Severity,
    /// What to add, and where.
    pub message: String,
}

/// A checklist rule: its id, the article's item it makes checkable, and what it checks.
pub(crate) struct Rule {
    /// Stable id, used in reports and JUnit files.
    pub id: RuleId,
    /// The most severe finding the rule can make.
    pub severity: Severity,
    /// The checklist item of the source article.
    pub item: &'static str,
    /// What the rule checks, in one line.
    pub checks: &'static str,
    check: fn(&Case, &Context, &mut Findings),
}

/// What the rules need besides the case: the day, the evidence library, its files and
/// its deadline.
pub struct Context<'a> {
    /// The organisation that sends the packets, where its file was read.
    pub organisation: Option<&'a Organisation>,
    /// The day deadlines are counted from.
    pub today: Date,
    /// The evidence library that citation keys are checked against.
    pub library: &'a EvidenceLibrary,
    /// The case's files as read.
    pub attachments: &'a Attachments,
    /// The filing deadline as of the day deadlines are counted from.
    pub deadline: Result<Deadline, Unknown>,
    /// When the decision on a sent level is due, or why that cannot be worked out.
    pub decision_due: Result<DecisionDue, NoClock>,
    /// The level after a denial, with its deadline, once a decision came.
    pub next_level: Option<NextLevel>,
    /// The cases this one files the next level of, or that file its next level.
    pub links: &'a Links,
}

/// The findings of one rule, collected as it runs.
struct Findings<'a> {
    rule: RuleId,
    out: &'a mut Vec<Finding>,
}

impl Findings<'_> {
    fn add(&mut self, severity: Severity, message: impl Into<String>) {
        self.out.push(Finding {
            rule: self.rule,
            severity,
            message: message.into(),
        });
    }
    fn blocker(&mut self, message: impl Into<String>) {
        self.add(Severity::Blocker, message);
    }
    fn warning(&mut self, message: impl Into<String>) {
        self.add(Severity::Warning, message);
    }
    fn info(&mut self, message: impl Into<String>) {
        self.add(Severity::Info, message);
    }
}

/// The checklist, in the order of the source article.
pub(crate) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::Provider,
        severity: Severity::Blocker,
        item: "Consult your healthcare provider",
        checks: "provider named, credentials, NPI valid (10 digits, Luhn check), supports the treatment",
        check: check_provider,
    },
    Rule {
        id: RuleId::Lmn,
        severity: Severity::Blocker,
        item: "Letter of medical necessity",
        checks: "a signed letter file or a draft that states diagnosis, severity and why other treatments failed",
        check: check_lmn,
    },
    Rule {
        id: RuleId::Diagnosis,
        severity: Severity::Blocker,
        item: "The medical reasons for the treatment",
        checks: "at least one diagnosis; ICD-10-CM codes well formed; codes outside depression, bipolar depression, anxiety and PTSD warned",
        check: check_diagnosis,
    },
    Rule {
        id: RuleId::PriorTreatments,
        severity: Severity::Blocker,
        item: "Why other treatments were not effective",
        checks: "depression: 2+ antidepressant trials of 6+ weeks with outcomes; PTSD or anxiety: 1+ first-line treatment",
        check: check_prior_treatments,
    },
    Rule {
        id: RuleId::CoveredAlternatives,
        severity: Severity::Warning,
        item: "Why other treatments were not effective",
        checks: "where the plan covers esketamine or ECT (insurer.covers): a trial of it or why it is not appropriate (ruled_out[])",
        check: check_covered_alternatives,
    },
    Rule {
        id: RuleId::InsurerPolicy,
        severity: Severity::Blocker,
        item: "Engage with your insurance company and understand their policies",
        checks: "insurer, patient identifiers, member id, plan type, appeals address; the plan's clinical policy reviewed (warning)",
        check: check_insurer_policy,
    },
    Rule {
        id: RuleId::Denial,
        severity: Severity::Blocker,
        item: "If your claim is denied",
        checks: "from internal-appeal on: the denial's date, reference and reason(s); missing information: every record the notice names answered by an attachment (denial.missing); Original Medicare: the dates of service",
        check: check_denial,
    },
    Rule {
        id: RuleId::Representative,
        severity: Severity::Blocker,
        item: "If your claim is denied",
        checks: "from internal-appeal on, when the organisation files (filed_by: organisation): a signed appointment of representative enclosed, signed no later than the day the appeal was sent",
        check: check_representative,
    },
    Rule {
        id: RuleId::Organisation,
        severity: Severity::Blocker,
        item: "If your claim is denied",
        checks: "appealpack.yaml holds the organisation's own letterhead and signatory, not the example values `appealpack init` wrote",
        check: check_organisation,
    },
    Rule {
        id: RuleId::Urgency,
        severity: Severity::Blocker,
        item: "If your claim is denied",
        checks: "an urgent denial (denial.urgent) names the treating physician who determined it urgent, and the day (warning)",
        check: check_urgency,
    },
    Rule {
        id: RuleId::Deadline,
        severity: Severity::Blocker,
        item: "The right to appeal, in time",
        checks: "the filing deadline has not passed (blocker), 14 days or fewer left (warning); urgent denials flagged for expedited review; once sent, judged against the day it was sent",
        check: check_deadline,
    },
    Rule {
        id: RuleId::Decision,
        severity: Severity::Blocker,
        item: "The right to appeal, in time",
        checks: "once sent: the plan's decision date can be worked out, and is not past (the law's remedy named); once decided: the next level and its deadline; lifecycle dates in order (warnings; blockers where a deadline counts from them: sent before the denial, a decision received before its date, dated or received after today)",
        check: check_decision,
    },
    Rule {
        id: RuleId::Continuation,
        severity: Severity::Blocker,
        item: "The right to appeal, in time",
        checks: "a case that names another in history[].case files that case's next level for the same patient (same member id), names no case as itself, and is the only one to claim it; a continued case says where its deadline went (info)",
        check: check_continuation,
    },
    Rule {
        id: RuleId::Contacts,
        severity: Severity::Warning,
        item: "The right to appeal, in time",
        checks: "the contact log: the next follow-up (a warning once it is past), and each claim-file, records or letter request still waiting for its answer, with the days it has waited",
        check: check_contacts,
    },
    Rule {
        id: RuleId::Evidence,
        severity: Severity::Blocker,
        item: "Research supporting the efficacy of ketamine",
        checks: "3+ citations, every key in the evidence library; fewer than 3 blocks an experimental-investigational appeal; a diagnosed condition no cited reference studied is warned (the letter argues it from the clinical record)",
        check: check_evidence,
    },
    Rule {
        id: RuleId::Safety,
        severity: Severity::Warning,
        item: "Letter of medical necessity",
        checks: "an infusion request has a safety plan: monitoring, screening (psychosis, substance use) and the response criterion for continuing",
        check: check_safety,
    },
    Rule {
        id: RuleId::Certification,
        severity: Severity::Warning,
        item: "Peer review by an independent medical professional",
        checks: "an external review of an experimental-investigational denial (employer and marketplace plans) has the treating physician's certification (physician_certification)",
        check: check_certification,
    },
    Rule {
        id: RuleId::Testimonials,
        severity: Severity::Warning,
        item: "Testimonials",
        checks: "a patient statement or at least one testimonial",
        check: check_testimonials,
    },
    Rule {
        id: RuleId::PeerReview,
        severity: Severity::Warning,
        item: "Peer review by an independent medical professional",
        checks: "internal and second-level appeals: peer-to-peer or independent review requested (not for an external review, which is itself independent, nor for a denial only for the network or missing records)",
        check: check_peer_review,
    },
    Rule {
        id: RuleId::Attachments,
        severity: Severity::Blocker,
        item: "Provide all necessary documentation",
        checks: "every named file exists inside the case folder and is a readable PDF or image",
        check: check_attachments,
    },
    Rule {
        id: RuleId::TextLength,
        severity: Severity::Blocker,
        item: "Provide all necessary documentation",
        checks: "every Markdown text at most 64 KiB; a longer record belongs in an attached PDF",
        check: check_text_length,
    },
    Rule {
        id: RuleId::Alternatives,
        severity: Severity::Info,
        item: "Alternatives if insurance doesn't cover",
        checks: "at external-review: self-pay quote, installment plan, clinical trials considered",
        check: check_alternatives,
    },
];

/// A case after the check stage: its findings and deadline, and the files it encloses.
#[derive(Debug, Clone)]
pub struct CheckedCase {
    /// The case as loaded, or why it did not load.
    pub loaded: Loaded,
    /// The checklist's findings, most severe first (none for a case that did not load).
    pub findings: Vec<Finding>,
    /// The filing deadline, where one could be worked out.
    pub deadline: Option<Deadline>,
    /// When the decision on the sent level is due, where it could be worked out.
    pub decision_due: Option<DecisionDue>,
    /// The level after a denial, with its deadline.
    pub next_level: Option<NextLevel>,
    /// Why the deadline that matters now cannot be worked out: the fact to find out.
    pub deadline_unknown: Option<String>,
    /// The last day to ask for benefits to continue, where the case asks for it.
    pub continuation: Option<Deadline>,
    /// The files the packet encloses, read once, the signed letter first.
    pub enclosures: Vec<Enclosure>,
    /// The first file over the case's budget for all its files, naming its field: such a
    /// case gets no packet and ends as its own `failed` outcome.
    pub over_budget: Option<String>,
}

impl CheckedCase {
    /// Returns the case, if it loaded.
    pub fn case(&self) -> Option<&Case> {
        self.loaded.case.as_ref().ok()
    }

    /// Returns whether any finding is a blocker.
    pub(crate) fn has_blockers(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == Severity::Blocker)
    }
}

/// Checks one loaded case as of `today`: reads its files, works out its deadline and runs
/// every rule.
pub fn check_case(
    loaded: Loaded,
    today: Date,
    library: &EvidenceLibrary,
    organisation: Option<&Organisation>,
) -> CheckedCase {
    check_case_with(loaded, today, library, organisation, None)
}

/// Checks one loaded case as [`check_case`] does, reusing an earlier build's verdicts on
/// the files it names (`build`'s cache): the findings are the same.
pub(crate) fn check_case_with(
    loaded: Loaded,
    today: Date,
    library: &EvidenceLibrary,
    organisation: Option<&Organisation>,
    verdicts: Option<&attachments::verdicts::Verdicts>,
) -> CheckedCase {
    let mut checked = CheckedCase {
        loaded,
        findings: Vec::new(),
        deadline: None,
        decision_due: None,
        next_level: None,
        continuation: None,
        deadline_unknown: None,
        enclosures: Vec::new(),
        over_budget: None,
    };
    if let Ok(case) = &checked.loaded.case {
        let files = attachments::read_with(case, &checked.loaded.path, verdicts);
        let context = Context {
            organisation,
            today,
            library,
            attachments: &files,
            deadline: deadline::filing_deadline(case, today),
            decision_due: decision::due(case, today),
            next_level: decision::next_level(case, today),
            links: &checked.loaded.links,
        };
        checked.findings = check(case, &context);
        checked.deadline_unknown = deadline_unknown(case, &context);
        checked.deadline = context.deadline.ok();
        checked.decision_due = context.decision_due.ok();
        checked.next_level = context.next_level;
        checked.continuation = deadline::continuation_deadline(case, today);
        checked.enclosures = files.enclosures;
        checked.over_budget = files.over_budget;
    }
    checked
}

/// Returns the fact to find out when the deadline that matters now cannot be worked out:
/// this level's while it is prepared, the next level's after a denial. A prior
/// authorization and a level the program does not have are not unknown deadlines.
fn deadline_unknown(case: &Case, context: &Context) -> Option<String> {
    use crate::model::case::{DecisionOutcome, Phase};
    let fact = match case.phase() {
        Phase::Preparing => match &context.deadline {
            Ok(_) | Err(Unknown::NoDenial | Unknown::NoSuchLevel(_)) => return None,
            Err(Unknown::NoNoticeDate) => "denial.date, the date on the denial notice",
            Err(Unknown::NoPlanType) => "insurer.plan_type, which sets the appeal windows",
            Err(Unknown::SetByNotice(_)) => "denial.deadline, as the denial notice states it",
        },
        Phase::AwaitingDecision => return None,
        Phase::Decided => {
            let decision = case.decision.as_ref()?;
            if decision.outcome == DecisionOutcome::Approved {
                return None;
            }
            match &context.next_level {
                None if case.insurer.plan_type.is_none() => {
                    "insurer.plan_type, which sets the next level and its window"
                }
                // The deadline shown is the earliest either number of levels gives.
                Some(next) if next.stage.is_none() && next.what.contains("appeal_levels") => {
                    "insurer.appeal_levels, from the plan document (until then the earliest \
                     deadline the law gives is shown, at the latest)"
                }
                Some(next) if next.deadline.is_none() && next.stage.is_some() => {
                    "decision.received, the day the decision notice arrived"
                }
                _ => return None,
            }
        }
    };
    Some(format!("deadline unknown: find out {fact}"))
}

/// Runs every rule on a case and returns its findings, most severe first, in rule order.
pub fn check(case: &Case, context: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        (rule.check)(
            case,
            context,
            &mut Findings {
                rule: rule.id,
                out: &mut out,
            },
        );
    }
    // A sent packet is what the plan has: its gaps can be made good by a supplement, no
    // longer by a change before sending, so they stop blocking. Whether it was sent in
    // time, and what the plan owes since, still can.
    if case.submission.is_some() {
        for finding in &mut out {
            if finding.severity == Severity::Blocker
                && !matches!(
                    finding.rule,
                    RuleId::Deadline | RuleId::Decision | RuleId::Continuation
                )
            {
                finding.severity = Severity::Warning;
                finding.message = format!(
                    "sent with this gap (send a supplement): {}",
                    finding.message
                );
            }
        }
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

#[cfg(test)]
mod tests;
