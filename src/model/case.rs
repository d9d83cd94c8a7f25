//! The case file: one patient's appeal, loaded strictly from YAML.

use std::fmt;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::fields::{Code, Date};

/// The longest Markdown field a packet prints in full: a reviewer reads minutes, not
/// hours, and a longer record belongs in an attached PDF. It also bounds the time and
/// memory Typst spends on one field.
pub(crate) const MAX_MARKDOWN_BYTES: usize = 64 * 1024;

/// The largest case file appealpack reads; a real case is a few KiB.
pub(crate) const MAX_CASE_BYTES: u64 = 4 * 1024 * 1024;

/// One patient's appeal, as the advocate keeps it in a YAML file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "appealpack case file")]
pub struct Case {
    /// Unique case id: letters, digits, '.', '_', '-' (at most 64); names the output folder.
    pub id: String,
    /// The step being filed.
    pub stage: Stage,
    /// The packet's date (also its PDF timestamp).
    pub prepared_on: Date,
    /// The patient.
    pub patient: Patient,
    /// The health plan.
    pub insurer: Insurer,
    /// The treating provider who supports the request.
    pub provider: Provider,
    /// ICD-10-CM diagnoses.
    #[serde(default)]
    pub diagnoses: Vec<Diagnosis>,
    /// The treatment requested.
    pub request: Request,
    /// Treatments tried before, with their outcomes.
    #[serde(default)]
    pub prior_treatments: Vec<PriorTreatment>,
    /// The plan's denial (required from the internal appeal on).
    #[serde(default)]
    pub denial: Option<Denial>,
    /// The letter of medical necessity: a signed file, or a Markdown draft.
    #[serde(default)]
    pub letter_of_medical_necessity: Option<LetterOfMedicalNecessity>,
    /// Clinical summary (Markdown).
    #[serde(default)]
    pub clinical_summary: Option<String>,
    /// Rating-scale scores.
    #[serde(default)]
    pub scores: Vec<Score>,
    /// The patient's own words (Markdown).
    #[serde(default)]
    pub patient_statement: Option<String>,
    /// Testimonials from people who know the patient.
    #[serde(default)]
    pub testimonials: Vec<Testimonial>,
    /// Keys of the evidence library (templates/evidence.yaml).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Citations not in the evidence library.
    #[serde(default)]
    pub extra_evidence: Vec<ExtraEvidence>,
    /// Peer-to-peer or independent review.
    #[serde(default)]
    pub peer_review: Option<PeerReview>,
    /// Enclosures: PDF or image files beside the case file.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// What the patient can do if insurance does not cover the treatment.
    #[serde(default)]
    pub alternatives: Option<Alternatives>,
    /// Why esketamine or ECT, where the plan covers them, is not the answer for this
    /// patient.
    #[serde(default)]
    pub ruled_out: Vec<RuledOut>,
    /// The safety and monitoring plan for the treatment requested, which a plan's medical
    /// director looks for first.
    #[serde(default)]
    pub safety: Option<Safety>,
    /// The day the treating physician signed the certification that an external review of
    /// an experimental or investigational denial asks for (standard treatments not
    /// effective or not appropriate, and the treatment likely more beneficial), enclosed
    /// under attachments.
    #[serde(default)]
    pub physician_certification: Option<Date>,
    /// Who files the appeal: the organisation for the patient (the default), or the
    /// patient, who signs and sends it.
    #[serde(default)]
    pub filed_by: FiledBy,
    /// The patient's signed appointment of the organisation as representative (PDF or
    /// image beside the case file), enclosed with the packet.
    #[serde(default)]
    pub representative_authorization: Option<String>,
    /// The day the patient signed that appointment, as the signed page shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representative_authorization_signed: Option<Date>,
    /// The staff member who owns the case, as initials (never patient data): shown and
    /// filterable on the dashboard.
    #[serde(default, deserialize_with = "initials")]
    #[schemars(with = "Option<String>")]
    pub owner: Option<String>,
    /// How and when this level's packet was sent; once given, the case awaits a decision.
    #[serde(default)]
    pub submission: Option<Submission>,
    /// The plan's or reviewer's decision on this level, once it came.
    #[serde(default)]
    pub decision: Option<Decision>,
    /// The earlier levels of the same case, oldest first (a prior authorization, an
    /// internal appeal), so one file follows a case to its last level.
    #[serde(default)]
    pub history: Vec<PastLevel>,
    /// The contact log, oldest first: calls, faxes and requests to the plan, the provider
    /// and others (`appealpack log` adds one).
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Encloses the contact log in the packet as a dated "Record of contacts" exhibit.
    #[serde(default)]
    pub enclose_contacts: bool,
    /// Internal notes; never rendered.
    #[serde(default)]
    pub notes: Option<String>,
    /// Marks the fictional example case `appealpack init` writes: once a real case exists,
    /// it is left out of the dashboard, the calendars, the totals and the reports.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub example: bool,
}

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

/// The patient.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// Full name as on the insurance card.
    pub name: String,
    /// How a letter names the patient after the full name's first use, e.g. "Ms.
    /// Whitfield"; without it, the first word of the name.
    #[serde(default)]
    pub salutation: Option<String>,
    /// Date of birth.
    #[serde(default)]
    pub date_of_birth: Option<Date>,
    /// Member id from the insurance card.
    #[serde(default)]
    pub member_id: Option<Code>,
    /// Postal address.
    #[serde(default)]
    pub address: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
}

/// The health plan and its appeals office.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Insurer {
    /// The insurer's name.
    pub name: String,
    /// The plan's name.
    #[serde(default)]
    pub plan_name: Option<String>,
    /// The kind of plan, which sets the appeal windows.
    #[serde(default)]
    pub plan_type: Option<PlanType>,
    /// Group number.
    #[serde(default)]
    pub group_number: Option<Code>,
    /// Where appeals are sent.
    #[serde(default)]
    pub appeals_address: Option<String>,
    /// The appeals fax number.
    #[serde(default)]
    pub appeals_fax: Option<String>,
    /// The plan's own clinical policy for the treatment, as reviewed.
    #[serde(default)]
    pub clinical_policy: Option<String>,
    /// The plan's criteria, answered point by point.
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    /// How many levels of internal appeal an employer plan has (1 or 2, from the plan
    /// document): it sets the plan's time to decide (29 CFR 2560.503-1(i)(2)).
    #[serde(default)]
    #[schemars(range(min = 1, max = 2))]
    pub appeal_levels: Option<u8>,
    /// Where this level is filed when that is not the plan (the QIC or independent review
    /// entity named on the last notice, the State fair hearing office, the state insurance
    /// regulator, OPM), copied from the notice; the letter is addressed there.
    #[serde(default)]
    pub filing_address: Option<String>,
    /// Which external review process applies, as the final denial notice says: a
    /// self-funded ERISA plan uses the federal process unless it opted into the state's.
    #[serde(default)]
    pub external_review: Option<ReviewProcess>,
    /// The alternatives to ketamine the plan's policy covers (esketamine, ECT), so the
    /// letter says why each is not the answer for this patient.
    #[serde(default)]
    pub covers: Vec<CoveredAlternative>,
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

/// Why a covered alternative (esketamine, ECT) is not appropriate for this patient.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuledOut {
    /// The alternative ruled out.
    pub treatment: CoveredAlternative,
    /// The kind of reason.
    pub reason: RuledOutReason,
    /// The reason in the provider's words, e.g. "uncontrolled hypertension (160/100 on
    /// two visits)".
    pub explanation: String,
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

/// One of the plan's coverage criteria and how the patient meets it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// The criterion, as the plan words it.
    pub criterion: String,
    /// How the patient meets it.
    pub how_met: String,
}

/// The treating provider.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// The provider's name.
    pub name: String,
    /// Credentials (MD, DO, PMHNP...).
    #[serde(default)]
    pub credentials: Option<String>,
    /// Specialty.
    #[serde(default)]
    pub specialty: Option<String>,
    /// National Provider Identifier (10 digits).
    #[serde(default)]
    pub npi: Option<Code>,
    /// Practice name.
    #[serde(default)]
    pub practice: Option<String>,
    /// Practice address.
    #[serde(default)]
    pub address: Option<String>,
    /// Practice phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Whether the provider supports the requested treatment.
    #[serde(default)]
    pub supports_treatment: Option<bool>,
}

/// A diagnosis with its ICD-10-CM code.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagnosis {
    /// ICD-10-CM code, e.g. F33.2.
    pub code: Code,
    /// The diagnosis in words.
    pub description: String,
    /// Onset or date of diagnosis.
    #[serde(default)]
    pub since: Option<Date>,
}

/// The treatment requested.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The treatment, e.g. "IV ketamine infusion, 0.5 mg/kg over 40 minutes".
    pub treatment: String,
    /// Billing codes the provider uses (CPT/HCPCS).
    #[serde(default)]
    pub codes: Vec<Code>,
    /// Number of sessions requested, 1 to 100.
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    pub sessions: Option<u32>,
    /// The schedule, e.g. "twice weekly for three weeks".
    #[serde(default)]
    pub schedule: Option<String>,
    /// The dates the treatment was given, for a claim for care already given (Original
    /// Medicare requires them in a redetermination request, 42 CFR 405.944(b)).
    #[serde(default)]
    pub dates_of_service: Vec<Date>,
    /// Whether a Medicare Advantage request is for a Medicare Part B drug, which the plan
    /// must decide within 7 days rather than 30 (42 CFR 422.590(c)).
    #[serde(default)]
    pub part_b_drug: Option<bool>,
    /// Cost per session in US dollars.
    #[serde(default, deserialize_with = "dollars")]
    #[schemars(with = "Option<f64>")]
    pub cost_per_session: Option<f64>,
    /// Where the treatment is given.
    #[serde(default)]
    pub facility: Option<String>,
}

/// Returns whether text is staff initials: 1 to 8 letters, digits, dots and hyphens.
pub(crate) fn is_initials(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 8
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
}

/// Reads staff initials: up to 8 letters, digits, dots and hyphens, so that a name (a
/// patient's, by mistake) cannot reach the reports through it.
fn initials<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    use serde::de::{Error, Unexpected, Visitor};

    // The check runs inside the YAML deserializer, so its error names the field and line.
    struct Initials;
    impl<'de> Visitor<'de> for Initials {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("staff initials: up to 8 letters, digits, dots and hyphens, e.g. JA")
        }
        fn visit_str<E: Error>(self, text: &str) -> Result<Option<String>, E> {
            if is_initials(text) {
                Ok(Some(text.to_owned()))
            } else {
                Err(E::invalid_value(Unexpected::Other("other text"), &self))
            }
        }
        fn visit_none<E: Error>(self) -> Result<Option<String>, E> {
            Ok(None)
        }
        fn visit_unit<E: Error>(self) -> Result<Option<String>, E> {
            Ok(None)
        }
        fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_str(self)
        }
    }
    deserializer.deserialize_option(Initials)
}

/// The largest cost per session appealpack prints; a real infusion costs hundreds.
pub(crate) const MAX_DOLLARS: f64 = 1_000_000.0;

/// Reads an amount in US dollars, refusing `.inf`, `.nan`, negative and absurd amounts.
fn dollars<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    use serde::de::{Error, Unexpected, Visitor};

    // The check runs inside the YAML deserializer, so its error names the field and line.
    struct Amount;
    impl Visitor<'_> for Amount {
        type Value = f64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(
                f,
                "an amount in US dollars from 0 to {MAX_DOLLARS}, e.g. 650 or 650.00"
            )
        }
        fn visit_f64<E: Error>(self, amount: f64) -> Result<f64, E> {
            if (0.0..=MAX_DOLLARS).contains(&amount) {
                Ok(amount)
            } else {
                Err(E::invalid_value(Unexpected::Float(amount), &self))
            }
        }
        fn visit_i64<E: Error>(self, amount: i64) -> Result<f64, E> {
            self.visit_f64(amount as f64)
        }
        fn visit_u64<E: Error>(self, amount: u64) -> Result<f64, E> {
            self.visit_f64(amount as f64)
        }
    }
    struct MaybeAmount;
    impl<'de> Visitor<'de> for MaybeAmount {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            Amount.expecting(f)
        }
        fn visit_none<E: Error>(self) -> Result<Option<f64>, E> {
            Ok(None)
        }
        fn visit_unit<E: Error>(self) -> Result<Option<f64>, E> {
            Ok(None)
        }
        fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> Result<Option<f64>, D2::Error> {
            d.deserialize_f64(Amount).map(Some)
        }
    }
    deserializer.deserialize_option(MaybeAmount)
}

/// A treatment tried before.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorTreatment {
    /// Drug or therapy name.
    pub name: String,
    /// The kind of treatment.
    pub kind: TreatmentKind,
    /// Dose, e.g. "200 mg daily".
    #[serde(default)]
    pub dose: Option<String>,
    /// When it started; where the records give only a duration, leave it out and give
    /// `weeks`.
    #[serde(default)]
    pub started: Option<Date>,
    /// When it ended (absent while ongoing).
    #[serde(default)]
    pub ended: Option<Date>,
    /// How long it lasted, in weeks, where the start date is unknown (a provider's summary
    /// often says only "10 weeks"); counted as the checklist counts dated trials.
    #[serde(default)]
    #[schemars(range(min = 1, max = 520))]
    pub duration_weeks: Option<u32>,
    /// How many sessions were given (TMS, ECT, psychotherapy); a TMS course is counted
    /// by its sessions.
    #[serde(default)]
    #[schemars(range(min = 1, max = 500))]
    pub sessions: Option<u32>,
    /// Whether the trial belongs to the current episode (default true); a trial of an
    /// earlier episode is shown as history and not counted.
    #[serde(default = "yes")]
    pub current_episode: bool,
    /// How it went.
    pub outcome: Outcome,
    /// Notes (Markdown).
    #[serde(default)]
    pub notes: Option<String>,
}

/// Returns true, the default of a flag that holds unless the case says otherwise.
fn yes() -> bool {
    true
}

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
    pub fn failed_adequate_trial(&self) -> bool {
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

/// The safety and monitoring plan for the treatment requested.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Safety {
    /// The monitoring during and after each session, e.g. "blood pressure and heart rate
    /// before, every 15 minutes during and 40 minutes after each infusion".
    #[serde(default)]
    pub monitoring: Option<String>,
    /// The screening before treatment, e.g. "psychosis and substance use screened at
    /// intake; uncontrolled hypertension excluded".
    #[serde(default)]
    pub screening: Option<String>,
    /// The response criterion for continuing after the first sessions, e.g. "continue
    /// past the sixth infusion only with a 50% fall in MADRS".
    #[serde(default)]
    pub response_criterion: Option<String>,
}

/// The plan's denial notice.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Denial {
    /// The date on the notice.
    #[serde(default)]
    pub date: Option<Date>,
    /// The day the notice was received.
    #[serde(default)]
    pub received: Option<Date>,
    /// The plan's reference for the decision.
    #[serde(default)]
    pub reference: Option<Code>,
    /// Claim number.
    #[serde(default)]
    pub claim_number: Option<Code>,
    /// The reason given, where the notice gives one; with `reasons` as well, both are
    /// answered (see [`Denial::all_reasons`]).
    #[serde(default)]
    pub reason: Option<DenialReason>,
    /// The reasons given, where the notice gives several; each is answered in its own
    /// section of the letter.
    #[serde(default)]
    pub reasons: Vec<DenialReason>,
    /// What the notice says was missing, each with the attachment that answers it (a
    /// missing-information denial is blocked until every item is answered).
    #[serde(default)]
    pub missing: Vec<MissingRecord>,
    /// The reason in the notice's own words.
    #[serde(default)]
    pub reason_text: Option<String>,
    /// Whether waiting could seriously jeopardise the patient's health (expedited review).
    #[serde(default)]
    pub urgent: bool,
    /// The treating physician who determined that the request is urgent, as the letter
    /// names them; required when `urgent` is set, since that determination is what binds
    /// or obliges the plan.
    #[serde(default)]
    pub urgency_determined_by: Option<String>,
    /// The day the treating physician determined that the request is urgent.
    #[serde(default)]
    pub urgency_determined_on: Option<Date>,
    /// The filing deadline printed on the notice; where the regulation fixes the window,
    /// a later date is shown beside the rule's, which is the one to file by.
    #[serde(default)]
    pub deadline: Option<Date>,
    /// The day the notice's action takes effect, where it ends, suspends or reduces care
    /// already authorised (Medicaid counts continuation of benefits to it).
    #[serde(default)]
    pub effective_date: Option<Date>,
    /// Whether the notice ends, suspends or reduces a course already authorised and the
    /// patient asks for it to continue while the appeal is pending (Medicaid: 42 CFR
    /// 438.420, 431.230-431.231).
    #[serde(default)]
    pub continue_benefits: bool,
    /// The notice itself (a PDF, scan or photo beside the case file), enclosed with the
    /// packet; required for an external review, whose reviewer must see the plan's final
    /// adverse determination.
    #[serde(default)]
    pub notice: Option<String>,
}

impl Denial {
    /// Returns every reason the notice gives, `reason` first, then `reasons`, each once:
    /// a case that gives both has all of them answered rather than one silently chosen.
    pub fn all_reasons(&self) -> Vec<DenialReason> {
        let mut out: Vec<DenialReason> = Vec::new();
        for reason in self.reason.iter().chain(&self.reasons) {
            if !out.contains(reason) {
                out.push(*reason);
            }
        }
        out
    }

    /// Returns whether the notice gives this reason.
    pub fn gives(&self, reason: DenialReason) -> bool {
        self.reason == Some(reason) || self.reasons.contains(&reason)
    }
}

/// A record the plan said it lacked, and the file that answers it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MissingRecord {
    /// The record as the notice names it, e.g. "infusion records with drug, dose and times".
    pub record: String,
    /// The attachment that answers it: a file named under `attachments[]`.
    #[serde(default)]
    pub answered_by: Option<String>,
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
    pub fn scores_by_instrument(&self) -> Vec<(Instrument, Vec<&Score>)> {
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

/// How a level's packet was sent.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The day it was sent.
    pub sent_on: Date,
    /// How it was sent.
    pub method: SubmissionMethod,
    /// The day the plan or reviewer received it (the fax confirmation, the delivery
    /// receipt, the reviewer's acceptance notice): the decision clock counts from it.
    #[serde(default)]
    pub received: Option<Date>,
    /// The fax confirmation, tracking or portal reference.
    #[serde(default)]
    pub confirmation: Option<Code>,
    /// The later decision date a plan's written extension notice gave: Medicare Advantage
    /// (service requests) and Medicaid managed-care plans may extend by up to 14 days (42
    /// CFR 422.590(f), 438.408(c)); other plans may not extend an appeal's clock.
    #[serde(default)]
    pub extended_to: Option<Date>,
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
    pub fn same_day(self) -> bool {
        !matches!(self, SubmissionMethod::Mail)
    }
}

/// The decision on a level.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The date on the decision notice.
    pub date: Date,
    /// The day the notice was received (the next level's window counts from it).
    #[serde(default)]
    pub received: Option<Date>,
    /// What was decided.
    pub outcome: DecisionOutcome,
    /// The decision's reference.
    #[serde(default)]
    pub reference: Option<Code>,
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

/// An earlier level of the same case.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PastLevel {
    /// The stage that was filed.
    pub stage: Stage,
    /// The day it was filed.
    #[serde(default)]
    pub filed_on: Option<Date>,
    /// The date of the decision.
    #[serde(default)]
    pub decided_on: Option<Date>,
    /// What was decided.
    #[serde(default)]
    pub outcome: Option<DecisionOutcome>,
    /// The decision's reference.
    #[serde(default)]
    pub reference: Option<Code>,
    /// The id of the case file that filed this level, where it was a case of its own
    /// (`new --next` records it), so reports show that case as continued here.
    #[serde(default)]
    pub case: Option<String>,
}

/// The letter of medical necessity.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LetterOfMedicalNecessity {
    /// A signed PDF beside the case file.
    #[serde(default)]
    pub file: Option<String>,
    /// A Markdown draft to render and mark for signature.
    #[serde(default)]
    pub draft: Option<String>,
}

impl LetterOfMedicalNecessity {
    /// Returns whether only a draft is given, so the letter awaits the provider's signature.
    pub fn awaits_signature(&self) -> bool {
        let given = |text: &Option<String>| text.as_deref().is_some_and(|t| !t.trim().is_empty());
        given(&self.draft) && !given(&self.file)
    }
}

/// A rating-scale score.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Score {
    /// The instrument.
    pub instrument: Instrument,
    /// The total score.
    pub score: u32,
    /// When it was taken.
    pub date: Date,
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

/// A testimonial from someone who knows the patient.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Testimonial {
    /// Who wrote it.
    pub author: String,
    /// Their relation to the patient.
    pub relation: String,
    /// The testimonial (Markdown).
    pub text: String,
}

/// A citation that is not in the evidence library.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtraEvidence {
    /// The full reference.
    pub citation: String,
    /// Its finding, in one line.
    #[serde(default)]
    pub finding: Option<String>,
}

/// A request for peer-to-peer or independent review.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeerReview {
    /// Whether review by an independent medical professional was requested.
    pub requested: bool,
    /// The reviewer specialty asked for, e.g. psychiatry.
    #[serde(default)]
    pub reviewer_specialty: Option<String>,
}

/// A file enclosed with the packet.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// Path relative to the case file's folder.
    pub file: String,
    /// The title listed among the enclosures.
    pub title: String,
}

/// What the patient can do if insurance does not cover the treatment.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alternatives {
    /// The clinic's self-pay quote.
    #[serde(default)]
    pub self_pay_quote: Option<String>,
    /// An installment plan offered.
    #[serde(default)]
    pub installment_plan: Option<String>,
    /// Clinical trials considered.
    #[serde(default)]
    pub clinical_trials_considered: Option<String>,
}

/// One entry of the contact log.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The day of the contact.
    pub date: Date,
    /// Who the contact was with.
    pub with: Party,
    /// How the contact was made.
    pub how: Channel,
    /// What the contact was about.
    pub kind: ContactKind,
    /// The reference the other side gave (a call reference, a ticket number).
    #[serde(default)]
    pub reference: Option<Code>,
    /// A short note in the advocate's words (kept out of machine reports).
    #[serde(default)]
    pub note: Option<String>,
    /// The day to follow up, when the contact needs one.
    #[serde(default)]
    pub follow_up: Option<Date>,
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
    pub fn answered_by(self) -> Option<ContactKind> {
        match self {
            ContactKind::ClaimFileRequest => Some(ContactKind::ClaimFileReceived),
            ContactKind::RecordsRequest => Some(ContactKind::RecordsReceived),
            ContactKind::LetterRequest => Some(ContactKind::LetterReceived),
            _ => None,
        }
    }
}

/// A request of the contact log still waiting for its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
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
    pub fn waiting_requests(&self) -> Vec<Waiting> {
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

/// Why a case file could not be loaded, with its place in the file where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The case file's path.
    pub file: PathBuf,
    /// 1-based line and column of the problem.
    pub location: Option<(usize, usize)>,
    /// What is wrong, with the field path where known.
    pub message: String,
    /// The file's other problems, each with its place: every problem is reported at once.
    pub more: Vec<(Option<(usize, usize)>, String)>,
}

impl LoadError {
    fn new(file: &Path, message: impl Into<String>) -> LoadError {
        LoadError {
            file: file.to_path_buf(),
            location: None,
            message: message.into(),
            more: Vec::new(),
        }
    }

    /// Makes one error of a file's problems, the first leading.
    fn of_problems(file: &Path, problems: Vec<super::validate::Problem>) -> Option<LoadError> {
        let mut problems = problems.into_iter();
        let first = problems.next()?;
        Some(LoadError {
            file: file.to_path_buf(),
            location: first.location,
            message: first.message,
            more: problems.map(|p| (p.location, p.message)).collect(),
        })
    }

    /// Makes the error of a failed typed load, after finding its real cause.
    fn of_typed(file: &Path, text: &str, error: &serde_yaml::Error) -> LoadError {
        // The strict model stops at the first wrong type, before an alias bomb or deep
        // nesting would be expanded; a generic pass tells whether one is the real cause.
        match serde_yaml::from_str::<serde_yaml::Value>(text) {
            Err(limit) if is_limit(&limit) => LoadError::from_yaml(file, text, &limit),
            // It is YAML: the schema lists every problem at once, where it finds any
            // (it does not see the checks the typed load adds, such as date ranges).
            Ok(_) => LoadError::of_problems(file, super::validate::problems(text))
                .unwrap_or_else(|| LoadError::from_yaml(file, text, error)),
            // A key written twice is a slip with a cause to name, at the second key.
            // Otherwise it is not YAML: the syntax error is the cause, though the typed
            // load may have stopped earlier at a field it did not like.
            Err(syntax) => super::validate::duplicate_key(text)
                .and_then(|problem| LoadError::of_problems(file, vec![problem]))
                .unwrap_or_else(|| LoadError::from_yaml(file, text, &syntax)),
        }
    }

    fn from_yaml(file: &Path, text: &str, error: &serde_yaml::Error) -> LoadError {
        let mut message = error.to_string();
        let location = error.location().map(|l| (l.line(), l.column()));
        if let Some((line, column)) = location {
            let suffix = format!(" at line {line} column {column}");
            if let Some(at) = message.find(&suffix) {
                message.replace_range(at..at + suffix.len(), "");
            }
        }
        message = super::yaml_error::plain(&message);
        // A tab where YAML wants spaces gives a scanner message that never says "tab".
        let tab = location
            .and_then(|(line, _)| text.lines().nth(line.saturating_sub(1)))
            .is_some_and(|l| l.contains('\t'));
        if tab && (message.contains("cannot start any token") || message.contains("tab")) {
            let line = location.map_or(0, |(line, _)| line);
            message = format!(
                "line {line} has a tab: YAML indents with spaces only; replace the tab with spaces"
            );
        }
        // Text with `: ` in it (`notes: She said: it helps`), or wrapped in Word's curly
        // quotes, which YAML does not take for quotes, reads as a second field on one line.
        if message.contains("mapping values are not allowed") {
            let line_text = location
                .and_then(|(line, _)| text.lines().nth(line.saturating_sub(1)))
                .unwrap_or("");
            message = colon_in_text(line_text);
        }
        // A line of text under a field that holds a `key: value` line (a letter opening
        // "To the reviewer: ...") makes YAML read a mapping and then stumble.
        if message.contains("could not find expected ':'") {
            message = format!(
                "{message}; for text over several lines, write `field: |` and indent the lines under it"
            );
        }
        if message == "recursion limit exceeded" {
            message = "nesting too deep (YAML recursion limit exceeded)".into();
        } else if message == "repetition limit exceeded" {
            message =
                "too many alias expansions (YAML repetition limit exceeded; an alias bomb?)".into();
        }
        LoadError {
            file: file.to_path_buf(),
            location,
            message,
            more: Vec::new(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)?;
        for (location, message) in &self.more {
            write!(f, "\n{}", self.file.display())?;
            if let Some((line, column)) = location {
                write!(f, ":{line}:{column}")?;
            }
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

impl Case {
    /// Parses a case from YAML text; `file` only names the source in errors.
    pub fn parse(file: &Path, text: &str) -> Result<Case, LoadError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(LoadError::new(file, "empty case file"));
        }
        let case: Case = match serde_yaml::from_str(text) {
            Ok(case) => case,
            // A value chosen from a list may be typed as a person says it (`Fax`,
            // `Internal appeal`): read it as the allowed value it stands for.
            Err(e) => match super::validate::forgive_choices(text) {
                Some(forgiven) => serde_yaml::from_str(&forgiven)
                    .map_err(|e| LoadError::of_typed(file, &forgiven, &e))?,
                None => return Err(LoadError::of_typed(file, text, &e)),
            },
        };
        if let Err(message) = validate_id(&case.id) {
            let mut error = LoadError::new(file, format!("id: {message}"));
            error.location = locate_key(text, "id");
            return Err(error);
        }
        if case
            .request
            .sessions
            .is_some_and(|n| !(1..=MAX_SESSIONS).contains(&n))
        {
            let mut error = LoadError::new(
                file,
                format!(
                    "request.sessions: must be 1 to {MAX_SESSIONS}, the sessions this request \
                     asks for"
                ),
            );
            error.location = locate_key(text, "request");
            return Err(error);
        }
        let json = serde_json::to_value(&case).expect("a case serialises to JSON");
        let problems = super::limits::check(&json, &case.markdown_fields());
        if let Some((first, rest)) = problems.split_first() {
            let mut error = LoadError::new(file, first.clone());
            error.more = rest.iter().map(|p| (None, p.clone())).collect();
            return Err(error);
        }
        Ok(case)
    }

    /// Reads and parses a case file, refusing huge, binary and non-UTF-8 files.
    pub fn from_file(file: &Path) -> Result<Case, LoadError> {
        let text = read_case_text(file)?;
        Case::parse(file, &text)
    }

    /// Returns every Markdown field that a packet prints, with its field path.
    pub(crate) fn markdown_fields(&self) -> Vec<(String, &str)> {
        let letter = self.letter_of_medical_necessity.as_ref();
        let mut fields: Vec<(String, Option<&str>)> = vec![
            (
                "letter_of_medical_necessity.draft".into(),
                letter.and_then(|l| l.draft.as_deref()),
            ),
            ("clinical_summary".into(), self.clinical_summary.as_deref()),
            (
                "patient_statement".into(),
                self.patient_statement.as_deref(),
            ),
            (
                "insurer.clinical_policy".into(),
                self.insurer.clinical_policy.as_deref(),
            ),
        ];
        for (i, t) in self.prior_treatments.iter().enumerate() {
            fields.push((format!("prior_treatments[{i}].notes"), t.notes.as_deref()));
        }
        for (i, t) in self.testimonials.iter().enumerate() {
            fields.push((format!("testimonials[{i}].text"), Some(&t.text)));
        }
        fields
            .into_iter()
            .filter_map(|(path, value)| Some((path, value?)))
            .collect()
    }

    /// Returns the diagnosis codes, upper-cased.
    pub(crate) fn diagnosis_codes(&self) -> impl Iterator<Item = &str> {
        self.diagnoses.iter().map(|d| d.code.as_str())
    }
}

/// Explains a `: ` inside unquoted text, naming the field the line starts with (a key is
/// the schema's, never the case's value).
fn colon_in_text(line: &str) -> String {
    let key = line
        .trim_start()
        .trim_start_matches("- ")
        .split(':')
        .next()
        .unwrap_or("")
        .trim();
    // A key is named only where it could be a field name, never the case's text.
    let key = if super::validate::is_field_name(key) {
        key
    } else {
        "field"
    };
    let curly = line.contains(['\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}']);
    let cause = if curly {
        "it is in curly quotes (\u{201c} \u{201d}, as Word types them), which YAML does not read as quotes, \
         and it holds `: `"
    } else {
        "it holds `: `, which YAML reads as the start of another field"
    };
    format!(
        "the text after `{key}:` on this line is not read as text: {cause}; put the whole text \
         in straight double quotes: \"...\" (or write `{key}: |` and the text indented on the \
         lines under it)"
    )
}

/// The most sessions one request may ask for; a course of ketamine is 6 to 12, and a
/// larger number is a typo (or `4294967295`).
pub(crate) const MAX_SESSIONS: u32 = 100;

/// Returns whether a YAML error is one of serde_yaml's resource limits.
fn is_limit(error: &serde_yaml::Error) -> bool {
    let message = error.to_string();
    message.starts_with("recursion limit exceeded")
        || message.starts_with("repetition limit exceeded")
}

/// Reads a case file as UTF-8 text within the size cap; anything but a regular file is
/// refused without being opened.
pub(crate) fn read_case_text(file: &Path) -> Result<String, LoadError> {
    use crate::fsutil::{ReadError, read_regular};
    let bytes = read_regular(file, MAX_CASE_BYTES).map_err(|e| match e {
        ReadError::NotRegular => LoadError::new(file, "not a regular file"),
        ReadError::TooLarge(_) => LoadError::new(
            file,
            format!(
                "file is larger than {} MiB; a case file is a few KiB",
                MAX_CASE_BYTES / 1024 / 1024
            ),
        ),
        ReadError::Io(e) => LoadError::new(file, format!("cannot read: {e}")),
    })?;
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(LoadError::new(
            file,
            format!("binary data (NUL byte at offset {at}); a case file is YAML text"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        LoadError::new(
            file,
            format!("not UTF-8 text (invalid byte at offset {at}); save the case file as UTF-8"),
        )
    })
}

/// Returns the JSON Schema (draft-07) of the case file, pretty-printed with a final newline.
pub fn schema_json() -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<Case>();
    let mut json = serde_json::to_string_pretty(&schema).expect("schema serializes");
    json.push('\n');
    json
}

/// The summary document's name at the top of the output folder.
pub(crate) const SUMMARY_JSON: &str = "summary.json";
/// The Markdown summary's name at the top of the output folder.
pub(crate) const SUMMARY_MD: &str = "summary.md";
/// The HTML dashboard's name at the top of the output folder.
pub(crate) const INDEX_HTML: &str = "index.html";
/// The calendar of filing deadlines and decision due dates at the top of the output folder.
pub(crate) const DEADLINES_ICS: &str = "deadlines.ics";
/// The one-row-per-case spreadsheet at the top of the output folder.
pub(crate) const CASES_CSV: &str = "cases.csv";

/// Windows device names, which no file or folder may take on Windows, with or without an
/// extension (`NUL.txt` is the device too).
const DEVICE_NAMES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Returns the form of an id that two ids share when they name the same folder on a
/// case-insensitive disk (macOS, Windows): its lower case.
pub(crate) fn id_key(id: &str) -> String {
    id.to_ascii_lowercase()
}

/// Checks that an id can name an output folder on every platform the README offers:
/// `[A-Za-z0-9._-]{1,64}`, not starting with a dot or ending with one (Windows drops a
/// trailing dot), not a Windows device name, and not the name of a report beside the
/// packet folders. The loader, `new` and `import` all call it.
pub(crate) fn validate_id(id: &str) -> Result<(), String> {
    if let Some(report) = [
        SUMMARY_JSON,
        SUMMARY_MD,
        INDEX_HTML,
        DEADLINES_ICS,
        CASES_CSV,
    ]
    .iter()
    .find(|r| r.eq_ignore_ascii_case(id))
    {
        return Err(format!(
            "it is the name of the report {report} in the output folder; choose another id"
        ));
    }
    if id.is_empty() {
        return Err("the case id is empty".into());
    }
    if id.len() > 64 {
        return Err("it is longer than 64 characters".into());
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        let bad = bad.escape_default();
        return Err(format!(
            "it contains '{bad}'; use only letters, digits, '.', '_' and '-'"
        ));
    }
    if id.starts_with('.') {
        return Err("it starts with '.'; it names the output folder".into());
    }
    if id.ends_with('.') {
        return Err(
            "it ends with '.', which Windows drops from a folder's name; end it with a letter or digit"
                .into(),
        );
    }
    let stem = id.split('.').next().unwrap_or(id);
    if DEVICE_NAMES.iter().any(|d| d.eq_ignore_ascii_case(stem)) {
        return Err(
            "it is a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9), which cannot name a folder there; choose another id"
                .into(),
        );
    }
    Ok(())
}

/// Finds the line and column of a top-level key, for errors found after parsing.
fn locate_key(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?;
        rest.trim_start().starts_with(':').then_some((i + 1, 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "\
id: KET-1
stage: prior-authorization
prepared_on: 2026-11-20
patient: { name: Ann Example, date_of_birth: 1986-02-03, member_id: ABC123 }
insurer: { name: Example Health, plan_type: aca-marketplace, appeals_address: PO Box 1 }
provider: { name: Dr Who, credentials: MD, npi: 1234567893, supports_treatment: true }
request: { treatment: IV ketamine, codes: [96365, 96366, J3490], sessions: 6, schedule: twice weekly }
";

    fn parse(text: &str) -> Result<Case, LoadError> {
        Case::parse(Path::new("cases/a/case.yaml"), text)
    }

    #[test]
    fn sessions_are_one_to_a_hundred() {
        for bad in ["0", "101", "4294967295"] {
            let error =
                parse(&MINIMAL.replace("sessions: 6", &format!("sessions: {bad}"))).unwrap_err();
            assert!(
                error
                    .message
                    .starts_with("request.sessions: must be 1 to 100"),
                "{error}"
            );
        }
        let error = parse(&MINIMAL.replace("sessions: 6", "sessions: 4294967295")).unwrap_err();
        assert!(!error.to_string().contains("4294967295"), "{error}");
        for fine in ["1", "100"] {
            parse(&MINIMAL.replace("sessions: 6", &format!("sessions: {fine}"))).unwrap();
        }
    }

    #[test]
    fn owners_are_initials_only() {
        let owned = parse(&format!("{MINIMAL}owner: JA\n")).unwrap();
        assert_eq!(owned.owner.as_deref(), Some("JA"));
        let error = parse(&format!("{MINIMAL}owner: Ann Example\n")).unwrap_err();
        assert!(
            error.message.starts_with("owner: expected staff initials"),
            "{error}"
        );
    }

    #[test]
    fn parses_a_minimal_case_with_unquoted_codes() {
        let case = parse(MINIMAL).unwrap();
        assert_eq!(case.id, "KET-1");
        assert_eq!(case.provider.npi.unwrap().as_str(), "1234567893");
        let codes: Vec<_> = case.request.codes.iter().map(Code::as_str).collect();
        assert_eq!(codes, ["96365", "96366", "J3490"]);
    }

    #[test]
    fn accepts_a_byte_order_mark() {
        let text = format!("\u{feff}{MINIMAL}");
        assert_eq!(parse(&text).unwrap().id, "KET-1");
    }

    #[test]
    fn invalid_date_names_file_line_column_and_field() {
        let text = MINIMAL.replace("1986-02-03", "1986-02-30");
        let error = parse(&text).unwrap_err().to_string();
        assert!(
            error.starts_with("cases/a/case.yaml:4:"),
            "unexpected: {error}"
        );
        assert!(
            error
                .ends_with("patient.date_of_birth: not a valid date (YYYY-MM-DD, e.g. 2026-11-20)"),
            "unexpected: {error}"
        );
    }

    #[test]
    fn unknown_keys_are_errors() {
        let text = format!("{MINIMAL}colour: blue\n");
        let error = parse(&text).unwrap_err();
        assert_eq!(error.location.unwrap().0, 8);
        assert!(error.message.contains("unknown field `colour`"), "{error}");
        let text = MINIMAL.replace("member_id: ABC123", "member_id: ABC123, membr: 1");
        let error = parse(&text).unwrap_err();
        assert!(
            error.message.starts_with("patient: unknown field `membr`"),
            "{error}"
        );
    }

    #[test]
    fn wrong_types_name_the_field() {
        let text = MINIMAL.replace("sessions: 6", "sessions: six");
        let error = parse(&text).unwrap_err();
        assert!(
            error.message == "request.sessions: expected a whole number, found text",
            "{error}"
        );
        let text = MINIMAL.replace("prior-authorization", "pre-auth");
        let error = parse(&text).unwrap_err();
        assert!(
            error
                .message
                .starts_with("stage: not one of the allowed values: `prior-authorization`"),
            "{error}"
        );
    }

    #[test]
    fn costs_must_be_real_amounts() {
        for bad in [".inf", "-.inf", ".nan", "-1", "1e300"] {
            let text = MINIMAL.replace(
                "sessions: 6",
                &format!("sessions: 6, cost_per_session: {bad}"),
            );
            let error = parse(&text).unwrap_err();
            assert!(
                error
                    .message
                    .starts_with("request.cost_per_session: expected an amount in US dollars"),
                "{bad}: {error}"
            );
            assert!(error.location.is_some(), "{bad}: {error}");
        }
        let text = MINIMAL.replace("sessions: 6", "sessions: 6, cost_per_session: 650.5");
        assert_eq!(parse(&text).unwrap().request.cost_per_session, Some(650.5));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = MINIMAL
            .replace("sessions: 6", "sessions: six")
            .replace("prior-authorization", "pre-auth")
            .replace("member_id: ABC123", "member_id: ABC123, membr: 1");
        let error = parse(&text).unwrap_err();
        let shown = error.to_string();
        assert_eq!(shown.lines().count(), 3, "{shown}");
        assert!(
            shown.contains("cases/a/case.yaml:2:8: stage: not one of"),
            "{shown}"
        );
        assert!(shown.contains(":4:"), "{shown}");
        assert!(
            shown.contains("unknown field `membr`; did you mean `member_id`?"),
            "{shown}"
        );
        assert!(
            shown.contains("request.sessions: expected a whole number"),
            "{shown}"
        );
    }

    #[test]
    fn a_tab_is_named() {
        let text = MINIMAL.replace("request:", "\trequest:");
        let error = parse(&text).unwrap_err();
        assert!(
            error
                .message
                .contains("has a tab: YAML indents with spaces"),
            "{error}"
        );
    }

    #[test]
    fn malformed_yaml_is_reported_with_its_place() {
        let error = parse("id: [unclosed\nstage: x\n").unwrap_err();
        assert!(error.location.is_some(), "{error}");
    }

    #[test]
    fn refuses_empty_files() {
        assert_eq!(parse("  \n").unwrap_err().message, "empty case file");
        assert_eq!(parse("\u{feff}").unwrap_err().message, "empty case file");
    }

    #[test]
    fn refuses_duplicate_keys() {
        let text = format!("{MINIMAL}id: KET-2\n");
        let error = parse(&text).unwrap_err();
        assert_eq!(error.location, Some((8, 1)), "{error}");
        assert!(
            error.message.contains("a second `id:` in the file"),
            "{error}"
        );
    }

    #[test]
    fn refuses_alias_bombs() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            bomb.push_str(&format!(
                "{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
                n = (b'a' + i) as char,
                p = (b'a' + i - 1) as char
            ));
        }
        bomb.push_str("id: *j\n");
        let error = parse(&bomb).unwrap_err();
        assert!(error.message.contains("repetition limit"), "{error}");
    }

    #[test]
    fn refuses_deep_nesting() {
        let deep = format!("notes: {}{}\n", "[".repeat(200), "]".repeat(200));
        let error = parse(&format!("{MINIMAL}{deep}")).unwrap_err();
        assert!(error.message.contains("recursion limit"), "{error}");
    }

    #[test]
    fn ids_must_name_a_folder() {
        assert!(validate_id("KET-2026-0042").is_ok());
        assert!(validate_id("a.b_c").is_ok());
        assert!(validate_id("").is_err());
        assert!(validate_id("..").is_err());
        assert!(validate_id("a/b").is_err());
        assert!(validate_id(&"x".repeat(65)).is_err());
        assert!(validate_id(&"x".repeat(64)).is_ok());
        for report in [
            "summary.json",
            "Summary.MD",
            "index.html",
            "deadlines.ics",
            "CASES.csv",
        ] {
            assert!(
                validate_id(report).unwrap_err().contains("report"),
                "{report}"
            );
        }
        for device in ["CON", "nul", "Com1", "LPT9", "aux.txt", "PRN.tar.gz"] {
            let error = validate_id(device).unwrap_err();
            assert!(error.contains("Windows device name"), "{device}: {error}");
        }
        for fine in ["CONSENT-1", "COM10", "NULL", "LPT0", "console.1"] {
            assert!(validate_id(fine).is_ok(), "{fine}");
        }
        assert!(validate_id("KET-9.").unwrap_err().contains("ends with '.'"));
        assert!(validate_id("KET-9 ").unwrap_err().contains("' '"));
        assert_eq!(id_key("KET-9"), id_key("ket-9"));
        let error = parse(&MINIMAL.replace("id: KET-1", "id: ../etc")).unwrap_err();
        assert_eq!(error.location, Some((1, 1)));
        assert!(error.message.starts_with("id: it contains '/'"), "{error}");
    }

    #[test]
    fn refuses_big_and_non_utf8_files() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.yaml");
        std::fs::write(&big, vec![b'#'; MAX_CASE_BYTES as usize + 1]).unwrap();
        let error = Case::from_file(&big).unwrap_err();
        assert!(error.message.contains("larger than 4 MiB"), "{error}");
        let latin1 = dir.path().join("latin1.yaml");
        std::fs::write(&latin1, b"id: caf\xe9\n").unwrap();
        let error = Case::from_file(&latin1).unwrap_err();
        assert!(error.message.contains("not UTF-8"), "{error}");
        let binary = dir.path().join("binary.yaml");
        std::fs::write(&binary, b"\x00\x01\xff\xfe").unwrap();
        let error = Case::from_file(&binary).unwrap_err();
        assert!(error.message.contains("binary data"), "{error}");
    }
}
