//! The closed choices of a case file (stage, plan type, treatment kind, denial reason and
//! the rest), each with the words reports and letters print for it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who files the appeal and signs its letter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FiledBy {
    /// The organisation files as the patient's representative.
    #[default]
    Organisation,
    /// The patient signs and sends the appeal; the organisation only prepares it.
    Patient,
}

/// The step of the appeal process a packet is for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// A request for approval before treatment starts.
    PriorAuthorization,
    /// The first internal appeal of a denial.
    InternalAppeal,
    /// A second internal appeal, where the plan has two levels.
    SecondLevelAppeal,
    /// Review by an independent review organisation.
    ExternalReview,
}

impl Stage {
    /// Returns the stage as written in case files.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::PriorAuthorization => "prior-authorization",
            Stage::InternalAppeal => "internal-appeal",
            Stage::SecondLevelAppeal => "second-level-appeal",
            Stage::ExternalReview => "external-review",
        }
    }

    /// Returns the stage's name in plain words.
    pub fn title(self) -> &'static str {
        match self {
            Stage::PriorAuthorization => "Prior authorization request",
            Stage::InternalAppeal => "Internal appeal",
            Stage::SecondLevelAppeal => "Second-level internal appeal",
            Stage::ExternalReview => "Request for external review",
        }
    }
}

/// A treatment a plan covers that a reviewer will offer instead of ketamine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CoveredAlternative {
    /// Esketamine nasal spray (Spravato).
    Esketamine,
    /// Electroconvulsive therapy.
    Ect,
}

impl CoveredAlternative {
    /// Returns the alternative in words, as printed in sentences.
    pub fn title(self) -> &'static str {
        match self {
            CoveredAlternative::Esketamine => "esketamine",
            CoveredAlternative::Ect => "ECT",
        }
    }

    /// Returns the kind of prior treatment that is a trial of this alternative.
    pub fn kind(self) -> TreatmentKind {
        match self {
            CoveredAlternative::Esketamine => TreatmentKind::Esketamine,
            CoveredAlternative::Ect => TreatmentKind::Ect,
        }
    }
}

/// The kind of reason an alternative is not appropriate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RuledOutReason {
    /// A medical contraindication.
    Contraindication,
    /// A trial that failed (also record it under prior_treatments).
    FailedTrial,
    /// The REMS program or access (no certified site within reach, no transport for the
    /// monitoring period).
    RemsOrAccess,
    /// The patient declined it, for the reason given.
    PatientRefusal,
}

impl RuledOutReason {
    /// Returns the reason in words, as printed before its explanation.
    pub fn title(self) -> &'static str {
        match self {
            RuledOutReason::Contraindication => "contraindicated",
            RuledOutReason::FailedTrial => "a trial failed",
            RuledOutReason::RemsOrAccess => "not accessible",
            RuledOutReason::PatientRefusal => "declined by the patient",
        }
    }
}

/// The external review process a plan's denial goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewProcess {
    /// The state's process, usually filed with the state insurance regulator.
    State,
    /// The federal process (45 CFR 147.136(d)), filed with the plan.
    Federal,
}

/// The kind of health plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PlanType {
    /// An ACA marketplace plan.
    AcaMarketplace,
    /// A fully insured employer plan.
    EmployerFullyInsured,
    /// A self-funded employer plan (ERISA).
    EmployerSelfFunded,
    /// Original Medicare.
    Medicare,
    /// Medicare Advantage (Part C).
    MedicareAdvantage,
    /// Medicaid fee-for-service, run by the state agency.
    Medicaid,
    /// Medicaid through a managed-care plan (MCO, PIHP or PAHP).
    MedicaidManagedCare,
    /// A grandfathered group or individual plan (45 CFR 147.140): no external review.
    Grandfathered,
    /// A plan of a State or local government employer (PHS Act and 45 CFR 147.136, not ERISA).
    GovernmentPlan,
    /// A church plan (not ERISA unless it elected to be).
    ChurchPlan,
    /// A Federal Employees Health Benefits plan (5 CFR 890.105).
    Fehb,
    /// A Medicare Part D prescription drug plan (42 CFR part 423, subpart M).
    MedicarePartD,
    /// Any other plan.
    Other,
}

impl PlanType {
    /// Returns the plan type as written in case files.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanType::AcaMarketplace => "aca-marketplace",
            PlanType::EmployerFullyInsured => "employer-fully-insured",
            PlanType::EmployerSelfFunded => "employer-self-funded",
            PlanType::Medicare => "medicare",
            PlanType::MedicareAdvantage => "medicare-advantage",
            PlanType::Medicaid => "medicaid",
            PlanType::MedicaidManagedCare => "medicaid-managed-care",
            PlanType::Grandfathered => "grandfathered",
            PlanType::GovernmentPlan => "government-plan",
            PlanType::ChurchPlan => "church-plan",
            PlanType::Fehb => "fehb",
            PlanType::MedicarePartD => "medicare-part-d",
            PlanType::Other => "other",
        }
    }
}

/// The kind of a prior treatment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TreatmentKind {
    /// An antidepressant medication.
    Antidepressant,
    /// An augmentation agent added to an antidepressant (an antipsychotic, lithium...).
    Augmentation,
    /// An antipsychotic given on its own, as for bipolar depression (quetiapine...).
    Antipsychotic,
    /// A mood stabilizer given on its own (lithium, lamotrigine...).
    MoodStabilizer,
    /// Psychotherapy.
    Psychotherapy,
    /// Electroconvulsive therapy.
    Ect,
    /// Transcranial magnetic stimulation.
    Tms,
    /// Esketamine (Spravato).
    Esketamine,
    /// Anything else.
    Other,
}

impl TreatmentKind {
    /// Returns the kind in plain words.
    pub fn title(self) -> &'static str {
        match self {
            TreatmentKind::Antidepressant => "Antidepressant",
            TreatmentKind::Augmentation => "Augmentation",
            TreatmentKind::Antipsychotic => "Antipsychotic",
            TreatmentKind::MoodStabilizer => "Mood stabilizer",
            TreatmentKind::Psychotherapy => "Psychotherapy",
            TreatmentKind::Ect => "ECT",
            TreatmentKind::Tms => "TMS",
            TreatmentKind::Esketamine => "Esketamine",
            TreatmentKind::Other => "Other",
        }
    }
}

/// How a prior treatment went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// No adequate response.
    InadequateResponse,
    /// Some response, not enough.
    PartialResponse,
    /// Stopped for side effects.
    SideEffects,
    /// Could not be given safely.
    Contraindicated,
    /// Still under way.
    Ongoing,
}

impl Outcome {
    /// Returns the outcome in plain words.
    pub fn title(self) -> &'static str {
        match self {
            Outcome::InadequateResponse => "Inadequate response",
            Outcome::PartialResponse => "Partial response",
            Outcome::SideEffects => "Stopped: side effects",
            Outcome::Contraindicated => "Contraindicated",
            Outcome::Ongoing => "Ongoing",
        }
    }
}

/// Why the plan denied the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DenialReason {
    /// The plan calls the treatment experimental or investigational.
    ExperimentalInvestigational,
    /// The plan says the treatment is not medically necessary.
    NotMedicallyNecessary,
    /// The plan says the treatment is not a covered benefit.
    NotACoveredBenefit,
    /// The plan says information is missing.
    MissingInformation,
    /// The plan requires other treatments to be tried first (step therapy).
    StepTherapy,
    /// The provider is out of network.
    OutOfNetwork,
    /// Any other reason.
    Other,
}

impl DenialReason {
    /// Returns the reason as written in case files.
    pub fn as_str(self) -> &'static str {
        match self {
            DenialReason::ExperimentalInvestigational => "experimental-investigational",
            DenialReason::NotMedicallyNecessary => "not-medically-necessary",
            DenialReason::NotACoveredBenefit => "not-a-covered-benefit",
            DenialReason::MissingInformation => "missing-information",
            DenialReason::StepTherapy => "step-therapy",
            DenialReason::OutOfNetwork => "out-of-network",
            DenialReason::Other => "other",
        }
    }
}

/// Where an appeal stands beside its checklist status: being prepared, sent and awaiting
/// the decision, or decided.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Not sent yet.
    Preparing,
    /// Sent; the decision has not come.
    AwaitingDecision,
    /// The decision came.
    Decided,
}

impl Phase {
    /// Returns the phase as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Preparing => "preparing",
            Phase::AwaitingDecision => "awaiting-decision",
            Phase::Decided => "decided",
        }
    }
}

/// How a packet was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SubmissionMethod {
    /// By fax (received the day it was sent).
    Fax,
    /// By mail (received when delivered).
    Mail,
    /// Through the plan's portal (received the day it was sent).
    Portal,
    /// By email (received the day it was sent).
    Email,
}

impl SubmissionMethod {
    /// Returns whether a packet sent this way arrives the day it is sent.
    pub(crate) fn same_day(self) -> bool {
        !matches!(self, SubmissionMethod::Mail)
    }
}

/// What a plan or reviewer decided.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionOutcome {
    /// The request was approved in full.
    Approved,
    /// Part of the request was approved.
    PartiallyApproved,
    /// The request was denied (the denial upheld).
    Denied,
}

impl DecisionOutcome {
    /// Returns the outcome as written in case files.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionOutcome::Approved => "approved",
            DecisionOutcome::PartiallyApproved => "partially-approved",
            DecisionOutcome::Denied => "denied",
        }
    }
}

/// A rating scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
pub enum Instrument {
    /// Patient Health Questionnaire-9 (0-27).
    #[serde(rename = "PHQ-9")]
    Phq9,
    /// Montgomery-Åsberg Depression Rating Scale (0-60).
    #[serde(rename = "MADRS")]
    Madrs,
    /// Hamilton Depression Rating Scale, 17 items (0-52).
    #[serde(rename = "HAM-D")]
    HamD,
    /// Quick Inventory of Depressive Symptomatology (0-27).
    #[serde(rename = "QIDS")]
    Qids,
    /// Generalized Anxiety Disorder-7 (0-21).
    #[serde(rename = "GAD-7")]
    Gad7,
    /// PTSD Checklist for DSM-5 (0-80).
    #[serde(rename = "PCL-5")]
    Pcl5,
}

impl Instrument {
    /// Returns the instrument's name as written in case files.
    pub fn as_str(self) -> &'static str {
        match self {
            Instrument::Phq9 => "PHQ-9",
            Instrument::Madrs => "MADRS",
            Instrument::HamD => "HAM-D",
            Instrument::Qids => "QIDS",
            Instrument::Gad7 => "GAD-7",
            Instrument::Pcl5 => "PCL-5",
        }
    }

    /// Returns the highest score the instrument allows.
    pub(crate) fn max_score(self) -> u32 {
        match self {
            Instrument::Phq9 | Instrument::Qids => 27,
            Instrument::Madrs => 60,
            Instrument::HamD => 52,
            Instrument::Gad7 => 21,
            Instrument::Pcl5 => 80,
        }
    }
}

/// Whom a contact was with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Party {
    /// The health plan.
    Plan,
    /// The treating provider or their office.
    Provider,
    /// The patient.
    Patient,
    /// A regulator (the state insurance department, the Department of Labor, CMS).
    Regulator,
    /// Someone else.
    Other,
}

/// How a contact was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// A telephone call.
    Call,
    /// A fax.
    Fax,
    /// An email.
    Email,
    /// The plan's or provider's portal.
    Portal,
    /// A letter.
    Letter,
    /// In person.
    InPerson,
}

/// What a contact was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ContactKind {
    /// Asking where the case stands.
    StatusCheck,
    /// Asking the plan for the claim file (the documents and criteria the denial relied on).
    ClaimFileRequest,
    /// The claim file arrived.
    ClaimFileReceived,
    /// Asking the provider for medical records.
    RecordsRequest,
    /// The records arrived.
    RecordsReceived,
    /// Asking the provider for a letter of medical necessity.
    LetterRequest,
    /// The letter arrived.
    LetterReceived,
    /// A peer-to-peer review between the provider and the plan's reviewer.
    PeerToPeer,
    /// A complaint (to the plan or a regulator).
    Complaint,
    /// Anything else.
    Other,
}

impl Party {
    /// Returns the party in plain words.
    pub fn title(self) -> &'static str {
        match self {
            Party::Plan => "Health plan",
            Party::Provider => "Provider",
            Party::Patient => "Patient",
            Party::Regulator => "Regulator",
            Party::Other => "Other",
        }
    }
}

impl Channel {
    /// Returns the channel in plain words.
    pub fn title(self) -> &'static str {
        match self {
            Channel::Call => "Call",
            Channel::Fax => "Fax",
            Channel::Email => "Email",
            Channel::Portal => "Portal",
            Channel::Letter => "Letter",
            Channel::InPerson => "In person",
        }
    }
}

impl ContactKind {
    /// Returns the kind as written in case files.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::StatusCheck => "status-check",
            ContactKind::ClaimFileRequest => "claim-file-request",
            ContactKind::ClaimFileReceived => "claim-file-received",
            ContactKind::RecordsRequest => "records-request",
            ContactKind::RecordsReceived => "records-received",
            ContactKind::LetterRequest => "letter-request",
            ContactKind::LetterReceived => "letter-received",
            ContactKind::PeerToPeer => "peer-to-peer",
            ContactKind::Complaint => "complaint",
            ContactKind::Other => "other",
        }
    }

    /// Returns the kind that answers a request, for the requests that wait for one.
    pub(crate) fn answered_by(self) -> Option<ContactKind> {
        match self {
            ContactKind::ClaimFileRequest => Some(ContactKind::ClaimFileReceived),
            ContactKind::RecordsRequest => Some(ContactKind::RecordsReceived),
            ContactKind::LetterRequest => Some(ContactKind::LetterReceived),
            _ => None,
        }
    }
}
