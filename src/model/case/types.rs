//! The case file's types: the file as loaded, one struct per mapping, each field with
//! the doc comment the schema and the field reference print.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::values::{dollars, initials, yes};
use super::*;
use crate::model::fields::{Code, Date};

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
    pub(crate) fn all_reasons(&self) -> Vec<DenialReason> {
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
    /// Returns whether the denial turns on medical judgment, so that a peer-to-peer
    /// conversation with the plan's reviewer can settle it: every reason does but a network
    /// or a missing-records denial, and a notice without a reason is taken to.
    pub(crate) fn turns_on_medical_judgment(&self) -> bool {
        let reasons = self.all_reasons();
        reasons.is_empty()
            || reasons.iter().any(|r| {
                !matches!(
                    r,
                    DenialReason::OutOfNetwork | DenialReason::MissingInformation
                )
            })
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
    pub(crate) fn awaits_signature(&self) -> bool {
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
