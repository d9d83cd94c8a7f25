//! `PacketData` and its parts: what the templates read from `/case/data.json`, each field
//! typed or worded ready to print.

use serde::Serialize;

use crate::attachments::Enclosure;
use crate::model::case::{Stage, TreatmentKind};
use crate::model::fields::Date;
use crate::model::organisation::Organisation;

use super::charts::{TimelineData, TrendData};
use super::markdown::Document;
use super::{forms, trials};

/// Everything the templates print for one case; serialised to `/case/data.json`.
#[derive(Debug, Clone, Serialize)]
pub struct PacketData {
    /// The appealpack version that built the packet.
    pub version: &'static str,
    /// The case id; also the PDF's title and document identifier.
    pub id: String,
    /// The stage being filed, as written in case files.
    pub stage: Stage,
    /// The packet's date, written out.
    pub prepared_on: String,
    /// The packet's date, for the PDF timestamp and `datetime.today()`.
    #[serde(skip)]
    pub date: Date,
    /// Whether the case has blockers, so every page is marked DRAFT.
    pub draft: bool,
    /// What the case still lacks (blocker findings).
    pub blockers: Vec<String>,
    /// What would make the case stronger (warning findings).
    pub warnings: Vec<String>,
    /// Whether the packet asks for expedited review.
    pub urgent: bool,
    /// The filing deadline, where one could be worked out.
    pub deadline: Option<DeadlineData>,
    /// The organisation that sends the packet.
    pub organisation: Organisation,
    /// The patient.
    pub patient: PatientData,
    /// The health plan.
    pub insurer: InsurerData,
    /// The treating provider.
    pub provider: ProviderData,
    /// The conditions the diagnoses fall under.
    pub conditions: Conditions,
    /// The diagnoses.
    pub diagnoses: Vec<DiagnosisData>,
    /// The treatment requested.
    pub request: RequestData,
    /// Treatments tried before, oldest first (case-file order among those started the same day).
    pub prior_treatments: Vec<TreatmentData>,
    /// The treatments tried, grouped as a reviewer reads them, with the adequate trials
    /// counted and the definition of treatment resistance the case meets.
    pub trials: trials::TrialsData,
    /// What the case records about esketamine and ECT (a trial, or why not), one
    /// sentence each, where the plan covers them or the letter cites esketamine.
    pub alternatives: Vec<String>,
    /// The plan's denial, where there is one.
    pub denial: Option<DenialData>,
    /// The plan's reference printed on every page (the denial reference or claim number).
    pub reference: Option<String>,
    /// The letter of medical necessity.
    pub letter: LetterData,
    /// The clinical summary.
    pub clinical_summary: Option<Document>,
    /// Rating-scale scores.
    pub scores: Vec<ScoreData>,
    /// The rating-scale trend chart, where an instrument has scores on two or more days.
    pub trend: Option<TrendData>,
    /// The treatment timeline chart, where there are prior treatments (up to 30).
    pub timeline: Option<TimelineData>,
    /// The patient's own words.
    pub patient_statement: Option<Document>,
    /// Testimonials.
    pub testimonials: Vec<TestimonialData>,
    /// The evidence list: library references in case order, then extra citations.
    pub evidence: Vec<EvidenceData>,
    /// The treating physician's determination that the request is urgent, for an urgent
    /// case that records it.
    pub urgency: Option<UrgencyData>,
    /// The safety and monitoring plan, where the case gives one.
    pub safety: Option<SafetyData>,
    /// The day the treating physician signed the certification an external review of an
    /// experimental or investigational denial asks for, written out.
    pub physician_certification: Option<String>,
    /// What the cited references carry for the case's diagnoses, which bounds the
    /// letter's evidence paragraph.
    pub evidence_scope: EvidenceScope,
    /// The reviewer specialty the packet asks for.
    pub reviewer_specialty: String,
    /// The contact log, oldest first, where the case encloses it.
    pub contacts: Vec<ContactData>,
    /// The enclosed files other than the signed letter, in case order.
    pub enclosures: Vec<Enclosure>,
    /// What the law of the case's program lets the letter say.
    pub program: ProgramData,
    /// The one-page reviewer summary that follows the cover.
    pub reviewer: ReviewerData,
    /// The appointment of representative to sign, where the plan needs one the case
    /// does not name.
    pub authorization: Option<forms::AuthorizationData>,
}

/// The one-page summary a medical reviewer reads first: the request, the failed trials,
/// the scores, the strongest evidence, and the answer to the plan's reason.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewerData {
    /// Adequate trials that failed: 6 weeks or longer, or stopped for side effects.
    pub failed_trials: usize,
    /// Their kinds with counts, most first: "antidepressant (3)".
    pub failed_kinds: Vec<String>,
    /// Each instrument's first and latest score.
    pub scores: Vec<ScoreChange>,
    /// The three strongest references: large randomized trials, then consensus
    /// statements, then smaller trials, then reviews (`Reference::strength`).
    pub references: Vec<EvidenceData>,
    /// Every reason the notice gives, in words.
    pub reasons: Vec<&'static str>,
    /// The one-sentence answer to each reason, in the same order.
    pub answers: Vec<String>,
}

/// An instrument's first and latest score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreChange {
    /// The instrument, e.g. PHQ-9.
    pub instrument: &'static str,
    /// The scale's maximum.
    pub max: u32,
    /// The first score and its date written out, where there are two or more.
    pub baseline: Option<(u32, String)>,
    /// The latest score and its date written out.
    pub latest: (u32, String),
}

/// What the law of the case's program lets the letter say, each right with the rule that
/// grants it there (see [`crate::law`]); `None` where the program grants none. Templates
/// print these values and never decide the law themselves.
#[derive(Debug, Clone, Serialize)]
pub struct ProgramData {
    /// Who files: `organisation` or `patient`, who then signs the letter.
    pub filed_by: &'static str,
    /// The letter's subject line, in the program's own words.
    pub subject: &'static str,
    /// What the letter asks for, as in "we request a redetermination of ...".
    pub asks: &'static str,
    /// How the letter's request opens: `authorize` (a prior authorization), `external`
    /// (a review of the final internal decision), `second-level`, `appeal` (the plan's
    /// own appeal) or `request` (a named level, as in "we request a redetermination").
    pub opening: &'static str,
    /// Where the request is filed, in words, with the regulation that sends it there,
    /// where that is more than the plan the addressee names.
    pub file_with: Option<String>,
    /// What the decision appealed is called in the program's own term, e.g.
    /// "organization determination".
    pub decision_term: &'static str,
    /// The letter's and the cover's addressee: the plan, or the body the level is filed with.
    pub addressee: AddresseeData,
    /// The expedited track's clock, where the case is urgent and the level has one.
    pub expedited: Option<ClockData>,
    /// The rule that lets an expedited external review run beside an urgent internal
    /// appeal, where the case is urgent and that applies.
    pub concurrent_external: Option<&'static str>,
    /// Whether the letter appeals a decision about care not yet given (an internal appeal
    /// with no dates of service), which the letter names a pre-service appeal.
    pub pre_service: bool,
    /// The plan's time to decide this pre-service appeal: the same clock the decision
    /// tracker counts, where the case gives what it depends on.
    pub pre_service_clock: Option<ClockData>,
    /// The parity law, where parity applies: its name and citation.
    pub parity: Option<String>,
    /// The rule granting the claim file, and whether free of charge.
    pub claim_file: Option<ClaimFileData>,
    /// The sentence stating who decides an appeal (not involved before, clinical
    /// expertise), with its rule.
    pub reviewer_rule: Option<&'static str>,
    /// Further statements of law the letter makes, each with its regulation: the request
    /// to continue benefits, the routes left where there is no external review.
    pub statements: Vec<String>,
    /// The rule that makes the treating physician's urgency determination bind or oblige
    /// the plan, for an urgent case whose program has one.
    pub urgency_rule: Option<RuleData>,
    /// Why a contract-exclusion denial is eligible for external review, as a sentence, at
    /// the external review of a program whose process reaches it.
    pub exclusion_eligibility: Option<&'static str>,
    /// The treating physician's certification an external review of an experimental or
    /// investigational denial asks for, in words, where the process asks for one.
    pub certification: Option<&'static str>,
    /// Continuation of benefits, where the case asks for it and the program grants it.
    pub continuation: Option<ContinuationData>,
}

/// The addressee of the letter and the cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddresseeData {
    /// The first line, the plan's name, where the request goes to the plan; otherwise the
    /// address block names the body itself.
    pub name: Option<String>,
    /// The address, one line per line.
    pub address: Option<String>,
    /// The fax number, where the request goes to the plan's appeals fax.
    pub fax: Option<String>,
}

/// The last day to ask for benefits to continue, as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContinuationData {
    /// The last day, written out.
    pub date: String,
    /// Days from the packet's date to it (negative once passed).
    pub days_left: i64,
    /// How the day was found, with its regulation.
    pub basis: String,
    /// The warning that goes with it: the cost may be recovered if the appeal is lost.
    pub risk: String,
}

/// A decision clock as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClockData {
    /// The time in words, e.g. "72 hours".
    pub time: &'static str,
    /// The regulation.
    pub cite: &'static str,
}

/// The claim-file right as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClaimFileData {
    /// The regulation.
    pub cite: &'static str,
    /// Whether the copy is free of charge.
    pub free: bool,
}

/// A rule as a letter states it: its citation and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleData {
    /// The regulation, cited.
    pub cite: &'static str,
    /// What it does here, as a verb phrase ("requires the plan to ...").
    pub effect: &'static str,
}

/// The filing deadline as printed: its date, never the days left, which change every day
/// and belong in the reports, so that a packet built tomorrow is the packet built today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineData {
    /// The last day to file, written out.
    pub date: String,
    /// How the date was worked out.
    pub basis: String,
}

/// The patient as printed.
#[derive(Debug, Clone, Serialize)]
pub struct PatientData {
    /// Full name.
    pub name: String,
    /// The name's possessive, as in "Daniel R. Whitcombe’s".
    pub possessive: String,
    /// How the letter names the patient after the full name's first use: the case's
    /// salutation ("Ms. Whitfield"), else the first word of the name.
    pub short: String,
    /// The short name's possessive, as in "Ms. Whitfield’s".
    pub short_possessive: String,
    /// Date of birth, written out.
    pub date_of_birth: Option<String>,
    /// Member id.
    pub member_id: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
}

/// The health plan as printed.
#[derive(Debug, Clone, Serialize)]
pub struct InsurerData {
    /// The insurer's name.
    pub name: String,
    /// The insurer's name as a possessive, as in "Meridian Benefit Administrators’".
    pub possessive: String,
    /// The plan's name.
    pub plan_name: Option<String>,
    /// The plan type as written in case files.
    pub plan_type: Option<&'static str>,
    /// Group number.
    pub group_number: Option<String>,
    /// Where appeals are sent.
    pub appeals_address: Option<String>,
    /// The appeals fax number.
    pub appeals_fax: Option<String>,
    /// The plan's clinical policy for the treatment.
    pub clinical_policy: Option<Document>,
    /// The plan's criteria, answered point by point.
    pub criteria: Vec<CriterionData>,
}

/// One of the plan's criteria and how it is met.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionData {
    /// The criterion, as the plan words it.
    pub criterion: String,
    /// How the patient meets it.
    pub how_met: String,
}

/// The treating provider as printed.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderData {
    /// Name.
    pub name: String,
    /// The name with its credentials, each title written once: "Priya Raman, MD" for
    /// "Dr. Priya Raman" with credentials MD.
    pub display: String,
    /// Credentials.
    pub credentials: Option<String>,
    /// Specialty.
    pub specialty: Option<String>,
    /// National Provider Identifier.
    pub npi: Option<String>,
    /// Practice name.
    pub practice: Option<String>,
    /// Practice address.
    pub address: Option<String>,
    /// Practice phone.
    pub phone: Option<String>,
}

/// Which conditions the diagnoses fall under, to shape the letter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Conditions {
    /// Major depression or bipolar depression.
    pub depression: bool,
    /// Major depressive disorder (F32, F33), for which esketamine is approved; not
    /// bipolar depression.
    pub unipolar: bool,
    /// An anxiety disorder.
    pub anxiety: bool,
    /// Post-traumatic stress disorder.
    pub ptsd: bool,
}

/// A diagnosis as printed.
#[derive(Debug, Clone, Serialize)]
pub struct DiagnosisData {
    /// ICD-10-CM code.
    pub code: String,
    /// The diagnosis in words.
    pub description: String,
    /// Onset or date of diagnosis, written out.
    pub since: Option<String>,
}

/// The treatment requested as printed.
#[derive(Debug, Clone, Serialize)]
pub struct RequestData {
    /// The treatment.
    pub treatment: String,
    /// Billing codes given by the provider, each labelled with its code set ("CPT 96365").
    pub codes: Vec<String>,
    /// Number of sessions.
    pub sessions: Option<u32>,
    /// Schedule.
    pub schedule: Option<String>,
    /// The dates the treatment was given, written out.
    pub dates_of_service: Vec<String>,
    /// Cost per session, formatted in US dollars.
    pub cost_per_session: Option<String>,
    /// Where the treatment is given.
    pub facility: Option<String>,
}

/// A prior treatment as printed in the history table.
#[derive(Debug, Clone, Serialize)]
pub struct TreatmentData {
    /// Drug or therapy name.
    pub name: String,
    /// The kind in plain words, as a table prints it ("Antidepressant", "ECT").
    pub kind: &'static str,
    /// The kind, serialised as written in case files (`antidepressant`...), for the
    /// templates to choose by.
    pub kind_id: TreatmentKind,
    /// The kind as a word inside a sentence: lower case, acronyms kept ("ECT").
    pub kind_words: String,
    /// Dose.
    pub dose: Option<String>,
    /// Start date (YYYY-MM-DD), absent where the records give only a duration.
    pub started: Option<String>,
    /// End date (YYYY-MM-DD), absent while ongoing.
    pub ended: Option<String>,
    /// Length of the trial in whole weeks, from its dates or its recorded duration.
    pub weeks: Option<i64>,
    /// The outcome in plain words.
    pub outcome: &'static str,
    /// Notes.
    pub notes: Option<Document>,
}

/// The denial as printed.
#[derive(Debug, Clone, Serialize)]
pub struct DenialData {
    /// The date on the notice, written out.
    pub date: Option<String>,
    /// The day the notice was received, written out.
    pub received: Option<String>,
    /// The plan's reference.
    pub reference: Option<String>,
    /// Claim number.
    pub claim_number: Option<String>,
    /// Every reason the notice gives, as written in case files, each answered in its own
    /// section of the letter.
    pub reasons: Vec<&'static str>,
    /// The records the notice says were missing, each with the enclosure that answers it.
    pub missing: Vec<MissingData>,
    /// The reason in the notice's own words.
    pub reason_text: Option<String>,
    /// Whether the denial turns on medical judgment, so the letter asks for a peer-to-peer
    /// conversation.
    pub medical_judgment: bool,
}

/// A record the plan said it lacked, as printed.
#[derive(Debug, Clone, Serialize)]
pub struct MissingData {
    /// The record as the notice names it.
    pub record: String,
    /// The index, among the enclosures, of the file that answers it.
    pub enclosure: Option<usize>,
}

/// The letter of medical necessity: the signed file's pages, or a draft.
#[derive(Debug, Clone, Serialize)]
pub struct LetterData {
    /// The signed letter, enclosed page by page.
    pub signed: Option<Enclosure>,
    /// The Markdown draft, printed for the provider's signature when there is no signed file.
    pub draft: Option<Document>,
    /// Whether the draft's sign-off already names the provider, so the signature lines
    /// under it do not print the name and NPI again.
    pub names_provider: bool,
}

/// A rating-scale score as printed.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreData {
    /// The instrument, e.g. PHQ-9.
    pub instrument: &'static str,
    /// The total score.
    pub score: u32,
    /// The scale's maximum.
    pub max: u32,
    /// When it was taken (YYYY-MM-DD), for tables.
    pub date: String,
    /// When it was taken, written out, for sentences.
    pub written: String,
}

/// An entry of the contact log as printed.
#[derive(Debug, Clone, Serialize)]
pub struct ContactData {
    /// The day of the contact, written out.
    pub date: String,
    /// Whom it was with.
    pub with: &'static str,
    /// How it was made.
    pub how: &'static str,
    /// What it was about, in words.
    pub kind: String,
    /// The other side's reference.
    pub reference: Option<String>,
    /// The advocate's note.
    pub note: Option<String>,
}

/// A testimonial as printed.
#[derive(Debug, Clone, Serialize)]
pub struct TestimonialData {
    /// Who wrote it.
    pub author: String,
    /// Their relation to the patient.
    pub relation: String,
    /// The testimonial.
    pub text: Document,
}

/// One entry of the evidence list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceData {
    /// The evidence-library key, absent for extra citations.
    pub key: Option<String>,
    /// The full reference.
    pub citation: String,
    /// The short author-year reference for the letter's body ("Anand et al., 2023"),
    /// absent for extra citations, whose authors are not known apart from the text.
    pub short: Option<String>,
    /// The finding, in one line.
    pub finding: Option<String>,
}

/// Who determined that the request is urgent, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UrgencyData {
    /// The treating physician, as the case names them.
    pub by: String,
    /// The day of the determination, written out.
    pub on: Option<String>,
}

/// The safety and monitoring plan as printed; at least one part is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SafetyData {
    /// The monitoring during and after each session.
    pub monitoring: Option<String>,
    /// The screening before treatment.
    pub screening: Option<String>,
    /// The response criterion for continuing after the first sessions.
    pub response_criterion: Option<String>,
}

/// What the letter may claim from the cited evidence, in words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EvidenceScope {
    /// The conditions the cited references studied that the case's diagnoses fall under
    /// ("treatment-resistant major depression"), or `None` where there are none.
    pub supported: Option<String>,
    /// What the cited references are, by design ("randomized trials and expert consensus").
    pub kinds: Option<String>,
    /// The case's conditions that no cited reference studied ("bipolar depression").
    pub unsupported: Option<String>,
    /// The short reference for ketamine's mechanism ("Zanos and Gould, 2018"), where the
    /// case cites it, so the letter cites only what the evidence page lists.
    pub mechanism: Option<String>,
}
