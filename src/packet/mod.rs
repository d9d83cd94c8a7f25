//! The data an appeal packet is rendered from: everything the templates need, ready to print.
//!
//! [`prepare`] builds [`PacketData`] from a checked case by a pure function; it reaches the
//! Typst templates only as JSON data (`/case/data.json`), never as Typst source. Dates are
//! preformatted, Markdown fields are converted to [`Document`] trees, evidence keys are
//! resolved to full references, and enclosures carry their virtual paths and page counts.

pub mod charts;
pub mod forms;
pub mod markdown;
pub mod trials;

use std::borrow::Cow;

use serde::Serialize;

use crate::attachments::{Enclosure, Role};
use crate::checklist::{self, CheckedCase, Condition, Deadline, EvidenceFit, Finding, Severity};
use crate::law::{self, FilingBody, Program, deadline, decision};
use crate::model::case::{
    Case, DenialReason, ExtraEvidence, FiledBy, MAX_MARKDOWN_BYTES, PriorTreatment, Score, Stage,
    TreatmentKind,
};
use crate::model::evidence::{Design, EvidenceLibrary, Reference, Studied};
use crate::model::fields::{Code, Date};
use crate::model::organisation::Organisation;

use charts::{TimelineData, TrendData};
use markdown::Document;

/// Prepares the packet data of a checked case, or `None` for a case that did not load.
///
/// This is the one step from the check stage to a packet: `build`, the render tests and
/// the benchmark all call it.
pub fn prepare(
    checked: &CheckedCase,
    library: &EvidenceLibrary,
    organisation: &Organisation,
) -> Option<PacketData> {
    let case = checked.case()?;
    injected_panic(&case.id);
    // A case over its budget for all its files has no packet: it is refused whole.
    if checked.over_budget.is_some() {
        return None;
    }
    Some(PacketData::new(
        case,
        &checked.findings,
        checked.deadline.as_ref(),
        library,
        organisation,
        &checked.enclosures,
    ))
}

/// Panics while preparing the case named by `APPEALPACK_TEST_PANIC`, in debug builds only,
/// so the tests can show that a panic in one case leaves the batch standing.
fn injected_panic(id: &str) {
    if cfg!(debug_assertions) && std::env::var_os("APPEALPACK_TEST_PANIC").is_some_and(|v| v == id)
    {
        panic!("injected panic while preparing a packet (APPEALPACK_TEST_PANIC)");
    }
}

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
    /// The plan's reason for the denial, in words.
    pub reason: Option<&'static str>,
    /// The one-sentence answer to that reason.
    pub answer: Option<String>,
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

/// Works out what the law of a case's program lets its letter say.
fn program_data(case: &Case) -> ProgramData {
    let program = case.insurer.plan_type.map(Program::of);
    let level = law::level_of(case).ok().flatten().map(|(_, level)| level);
    let urgent = case.denial.as_ref().is_some_and(|d| d.urgent);
    let post_service = !case.request.dates_of_service.is_empty();
    let expedited = level
        .and_then(|l| l.expedited_for(post_service))
        .filter(|_| urgent);
    let internal = matches!(case.stage, Stage::InternalAppeal | Stage::SecondLevelAppeal);
    let external = case.stage == Stage::ExternalReview;
    let gives = |reason| case.denial.as_ref().is_some_and(|d| d.gives(reason));
    // Original Medicare decides claims for care already given: it has no pre-service appeal.
    let pre_service = internal && !post_service && program != Some(Program::OriginalMedicare);
    let asks = level.map_or("this appeal", |l| l.asks);
    let opening = match case.stage {
        Stage::PriorAuthorization => "authorize",
        Stage::ExternalReview
            if level.is_some_and(|l| l.filed_with == FilingBody::ExternalReview) =>
        {
            "external"
        }
        Stage::SecondLevelAppeal if asks == "this appeal" => "second-level",
        _ if asks == "this appeal" => "appeal",
        _ => "request",
    };
    let filing = law::filing(case);
    let insurer = &case.insurer;
    let addressee = match &filing {
        Some(f) if !f.plan => AddresseeData {
            name: None,
            address: text(insurer.filing_address.as_deref()),
            fax: None,
        },
        _ => AddresseeData {
            name: Some(plain(&insurer.name)),
            address: text(
                insurer
                    .filing_address
                    .as_deref()
                    .or(insurer.appeals_address.as_deref()),
            ),
            fax: text(insurer.appeals_fax.as_deref()).filter(|_| insurer.filing_address.is_none()),
        },
    };
    // The plan's own level needs no line of its own: the addressee names the plan.
    let file_with =
        filing
            .filter(|f| f.body != "the plan")
            .map(|f| match f.body.strip_prefix("the plan") {
                Some(rest) => format!("{}{rest}", plain(insurer.name.trim())),
                None => f.body.to_owned(),
            });
    let mut statements = Vec::new();
    if let Some(routes) = program
        .and_then(Program::no_external_review)
        .filter(|_| internal)
    {
        let mut words = routes.to_owned();
        words[..1].make_ascii_uppercase();
        statements.push(format!("{words}."));
    }
    let continuation = deadline::continuation_deadline(case, case.prepared_on).and_then(|d| {
        let rule = program?.continuation(case.stage)?;
        statements.push(rule.asks.to_owned());
        Some(ContinuationData {
            date: long_date(d.date),
            days_left: d.days_left,
            basis: d.basis,
            risk: format!("{} ({})", rule.recovery, rule.risk),
        })
    });
    ProgramData {
        filed_by: match case.filed_by {
            FiledBy::Organisation => "organisation",
            FiledBy::Patient => "patient",
        },
        subject: match (case.stage, level) {
            (Stage::PriorAuthorization, _) => "Request for prior authorization",
            (_, Some(level)) => level.subject,
            (stage, None) => stage.title(),
        },
        asks,
        opening,
        file_with,
        decision_term: program.map_or("decision", |p| p.decision_term(case.stage)),
        addressee,
        expedited: expedited.map(|c| ClockData {
            time: c.time,
            cite: c.cite,
        }),
        pre_service,
        pre_service_clock: decision::clock(case)
            .ok()
            .filter(|_| pre_service)
            .map(|c| ClockData {
                time: c.time,
                cite: c.cite,
            }),
        concurrent_external: program
            .and_then(Program::concurrent_external_review)
            .filter(|_| urgent && internal && expedited.is_some()),
        parity: program.and_then(|p| {
            let cite = p.parity()?;
            Some(match p {
                Program::MedicaidManagedCare => format!("the Medicaid parity rules ({cite})"),
                _ => format!("the Mental Health Parity and Addiction Equity Act ({cite})"),
            })
        }),
        claim_file: program
            .and_then(Program::claim_file)
            .map(|(cite, free)| ClaimFileData { cite, free }),
        reviewer_rule: program.and_then(Program::reviewer_rule),
        statements,
        urgency_rule: program
            .and_then(Program::urgency_rule)
            .filter(|_| urgent)
            .map(|(cite, effect)| RuleData { cite, effect }),
        exclusion_eligibility: program
            .and_then(Program::exclusion_eligibility)
            .filter(|_| external && gives(DenialReason::NotACoveredBenefit)),
        certification: program
            .and_then(Program::investigational_certification)
            .filter(|_| external && gives(DenialReason::ExperimentalInvestigational)),
        continuation,
    }
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
    /// The reason as written in case files.
    pub reason: Option<&'static str>,
    /// Every reason the notice gives, as written in case files, each answered in its own
    /// section of the letter.
    pub reasons: Vec<&'static str>,
    /// The records the notice says were missing, each with the enclosure that answers it.
    pub missing: Vec<MissingData>,
    /// The reason in the notice's own words.
    pub reason_text: Option<String>,
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

/// The library key of the review the letter cites for ketamine's mechanism of action.
const MECHANISM_KEY: &str = "zanos-2018";

/// Returns the studied conditions a letter claims, in words: a mood-disorder consensus
/// is left unnamed beside a specific condition it covers.
fn supported_words(supported: &[Studied]) -> Option<String> {
    let specific: Vec<Studied> = supported
        .iter()
        .copied()
        .filter(|s| *s != Studied::MoodDisorders)
        .collect();
    let shown = if specific.is_empty() {
        supported.to_vec()
    } else {
        specific
    };
    let words: Vec<&str> = shown.iter().map(|s| s.words()).collect();
    (!words.is_empty()).then(|| join_words(&words))
}

/// Joins words as a sentence lists them: "a", "a and b", "a, b and c".
fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Works out the evidence scope of a case from what its references carry.
fn evidence_scope(case: &Case, library: &EvidenceLibrary, fit: &EvidenceFit) -> EvidenceScope {
    let cited: Vec<&Reference> = case
        .evidence
        .iter()
        .filter_map(|k| library.get(k))
        .filter(|r| r.conditions.iter().any(|s| fit.supported.contains(s)))
        .collect();
    let trials = cited
        .iter()
        .any(|r| r.design == Some(Design::RandomizedTrial));
    let consensus = cited
        .iter()
        .any(|r| r.design == Some(Design::ExpertConsensus));
    let kinds = match (trials, consensus) {
        (true, true) => Some("randomized trials and expert consensus".to_owned()),
        (true, false) => Some("randomized trials".to_owned()),
        (false, true) => Some("expert consensus".to_owned()),
        (false, false) => None,
    };
    let unsupported: Vec<&str> = fit.unsupported.iter().map(|c| c.words()).collect();
    EvidenceScope {
        supported: supported_words(&fit.supported),
        kinds,
        unsupported: (!unsupported.is_empty()).then(|| join_words(&unsupported)),
        mechanism: case
            .evidence
            .iter()
            .any(|k| k == MECHANISM_KEY)
            .then(|| library.get(MECHANISM_KEY).map(Reference::short))
            .flatten(),
    }
}

impl PacketData {
    /// Builds the packet data of a case from its findings, deadline and enclosures.
    pub fn new(
        case: &Case,
        findings: &[Finding],
        deadline: Option<&Deadline>,
        library: &EvidenceLibrary,
        org: &Organisation,
        enclosures: &[Enclosure],
    ) -> PacketData {
        let messages = |severity: Severity| -> Vec<String> {
            findings
                .iter()
                .filter(|f| f.severity == severity)
                .map(|f| f.message.clone())
                .collect()
        };
        let blockers = messages(Severity::Blocker);
        let denial = case.denial.as_ref();
        let reference = denial
            .and_then(|d| d.reference.as_ref().or(d.claim_number.as_ref()))
            .map(|c| c.to_string())
            .filter(|r| !r.is_empty());
        let mut conditions = Conditions::default();
        for code in case.diagnosis_codes() {
            match checklist::condition(code) {
                Some(Condition::Depression) => {
                    conditions.depression = true;
                    conditions.unipolar = true;
                }
                Some(Condition::BipolarDepression) => conditions.depression = true,
                Some(Condition::Anxiety) => conditions.anxiety = true,
                Some(Condition::Ptsd) => conditions.ptsd = true,
                None => {}
            }
        }
        let letter = case.letter_of_medical_necessity.clone().unwrap_or_default();
        let names_provider = letter
            .draft
            .as_deref()
            .is_some_and(|d| sign_off_names_provider(d, &case.provider));
        let signed = enclosures.iter().find(|e| e.role == Role::Letter).cloned();
        let draft = if signed.is_none() {
            markdown_field(letter.draft.as_deref().map(keep_sign_off_breaks).as_deref())
        } else {
            None
        };
        let mut evidence: Vec<EvidenceData> = case
            .evidence
            .iter()
            .filter_map(|key| library.get(key))
            .map(evidence_data)
            .collect();
        evidence.extend(case.extra_evidence.iter().map(extra_evidence_data));
        let fit = checklist::evidence_fit(case, library);
        let scope = evidence_scope(case, library, &fit);
        let treatments = prior_treatments(case);
        let cites = |key: &str| case.evidence.iter().any(|k| k == key);
        // The letter cites esketamine's approval where it argues the evidence for major
        // depression; the plan's reply "use esketamine" then needs its answer.
        let cites_esketamine = conditions.unipolar
            && denial.is_some_and(|d| d.gives(DenialReason::ExperimentalInvestigational));
        let p = &case.patient;
        let i = &case.insurer;
        let v = &case.provider;
        PacketData {
            version: crate::VERSION,
            id: case.id.clone(),
            stage: case.stage,
            prepared_on: long_date(case.prepared_on),
            date: case.prepared_on,
            draft: !blockers.is_empty(),
            // Only a draft prints its warnings; a ready packet's data leaves them out, since
            // some count days from today and would change the packet's key every day.
            warnings: if blockers.is_empty() {
                Vec::new()
            } else {
                messages(Severity::Warning)
            },
            blockers,
            urgent: denial.is_some_and(|d| d.urgent),
            deadline: deadline.map(|d| DeadlineData {
                date: long_date(d.date),
                basis: d.basis.clone(),
            }),
            organisation: org.clone(),
            patient: PatientData {
                name: plain(&p.name),
                possessive: plain(&possessive(p.name.trim())),
                short: plain(&short_name(p)),
                short_possessive: plain(&possessive(&short_name(p))),
                date_of_birth: p.date_of_birth.map(long_date),
                member_id: code(p.member_id.as_ref()),
                address: text(p.address.as_deref()),
                phone: text(p.phone.as_deref()),
                email: text(p.email.as_deref()),
            },
            insurer: InsurerData {
                name: plain(&i.name),
                possessive: plain(&possessive(i.name.trim())),
                plan_name: text(i.plan_name.as_deref()),
                plan_type: i.plan_type.map(|t| t.as_str()),
                group_number: code(i.group_number.as_ref()),
                appeals_address: text(i.appeals_address.as_deref()),
                appeals_fax: text(i.appeals_fax.as_deref()),
                clinical_policy: markdown_field(i.clinical_policy.as_deref()),
                criteria: i
                    .criteria
                    .iter()
                    .map(|c| CriterionData {
                        criterion: plain(&c.criterion),
                        how_met: plain(&c.how_met),
                    })
                    .collect(),
            },
            provider: ProviderData {
                name: plain(&v.name),
                display: plain(&provider_display(&v.name, v.credentials.as_deref())),
                credentials: text(v.credentials.as_deref()),
                specialty: text(v.specialty.as_deref()),
                npi: code(v.npi.as_ref()),
                practice: text(v.practice.as_deref()),
                address: text(v.address.as_deref()),
                phone: text(v.phone.as_deref()),
            },
            conditions,
            diagnoses: case
                .diagnoses
                .iter()
                .map(|d| DiagnosisData {
                    code: d.code.to_string(),
                    description: plain(&d.description),
                    since: d.since.map(long_date),
                })
                .collect(),
            request: RequestData {
                treatment: plain(&case.request.treatment),
                codes: case
                    .request
                    .codes
                    .iter()
                    .map(|c| code_label(c.as_str()))
                    .collect(),
                sessions: case.request.sessions,
                schedule: text(case.request.schedule.as_deref()),
                dates_of_service: case
                    .request
                    .dates_of_service
                    .iter()
                    .map(|d| long_date(*d))
                    .collect(),
                cost_per_session: case.request.cost_per_session.map(dollars),
                facility: text(case.request.facility.as_deref()),
            },
            prior_treatments: treatments
                .iter()
                .map(|t| TreatmentData {
                    name: plain(&t.name),
                    kind: t.kind.title(),
                    kind_id: t.kind,
                    kind_words: kind_words(t.kind),
                    dose: text(t.dose.as_deref()),
                    started: t.started.map(|d| d.to_string()),
                    ended: t.ended.map(|d| d.to_string()),
                    weeks: t.weeks(),
                    outcome: t.outcome.title(),
                    notes: markdown_field(t.notes.as_deref()),
                })
                .collect(),
            trials: trials::trials(case, conditions.unipolar, cites),
            alternatives: trials::alternatives(case, cites_esketamine),
            denial: denial.map(|d| DenialData {
                date: d.date.map(long_date),
                received: d.received.map(long_date),
                reference: code(d.reference.as_ref()),
                claim_number: code(d.claim_number.as_ref()),
                reason: d.all_reasons().first().map(|r| r.as_str()),
                reasons: d.all_reasons().iter().map(|r| r.as_str()).collect(),
                missing: d
                    .missing
                    .iter()
                    .map(|m| MissingData {
                        record: plain(&m.record),
                        enclosure: m.answered_by.as_deref().and_then(|file| {
                            enclosures
                                .iter()
                                .filter(|e| e.role == Role::Attachment)
                                .position(|e| e.file.ends_with(file.trim()))
                        }),
                    })
                    .collect(),
                reason_text: text(d.reason_text.as_deref()),
            }),
            reference,
            letter: LetterData {
                names_provider: names_provider && draft.is_some(),
                signed,
                draft,
            },
            clinical_summary: markdown_field(case.clinical_summary.as_deref()),
            scores: case
                .scores
                .iter()
                .map(|s| ScoreData {
                    instrument: s.instrument.as_str(),
                    score: s.score,
                    max: s.instrument.max_score(),
                    date: s.date.to_string(),
                    written: long_date(s.date),
                })
                .collect(),
            trend: charts::trend(case),
            timeline: charts::timeline(&treatments, case.prepared_on),
            patient_statement: markdown_field(case.patient_statement.as_deref()),
            testimonials: case
                .testimonials
                .iter()
                .map(|t| TestimonialData {
                    author: plain(&t.author),
                    relation: plain(&t.relation),
                    text: markdown_text(&t.text),
                })
                .collect(),
            evidence,
            reviewer: reviewer_data(case, library, conditions, &scope),
            urgency: denial.filter(|d| d.urgent).and_then(|d| {
                Some(UrgencyData {
                    by: text(d.urgency_determined_by.as_deref())?,
                    on: d.urgency_determined_on.map(long_date),
                })
            }),
            safety: case.safety.as_ref().and_then(|s| {
                let data = SafetyData {
                    monitoring: text(s.monitoring.as_deref()),
                    screening: text(s.screening.as_deref()),
                    response_criterion: text(s.response_criterion.as_deref()),
                };
                let given = data.monitoring.is_some()
                    || data.screening.is_some()
                    || data.response_criterion.is_some();
                given.then_some(data)
            }),
            physician_certification: case.physician_certification.map(long_date),
            evidence_scope: scope,
            reviewer_specialty: case
                .peer_review
                .as_ref()
                .and_then(|r| text(r.reviewer_specialty.as_deref()))
                .unwrap_or_else(|| "psychiatry".into()),
            contacts: contacts_data(case),
            enclosures: enclosures
                .iter()
                .filter(|e| e.role == Role::Attachment)
                .cloned()
                .collect(),
            program: program_data(case),
            authorization: forms::authorization(case),
        }
    }

    /// Serialises the data to the JSON the templates read.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("packet data serialises to JSON")
    }

    /// Returns every enclosed file, the signed letter first.
    pub fn files(&self) -> impl Iterator<Item = &Enclosure> {
        self.letter.signed.iter().chain(&self.enclosures)
    }
}

/// Works out the reviewer summary of a case.
fn reviewer_data(
    case: &Case,
    library: &EvidenceLibrary,
    conditions: Conditions,
    scope: &EvidenceScope,
) -> ReviewerData {
    let failed: Vec<&PriorTreatment> = case
        .prior_treatments
        .iter()
        .filter(|t| t.failed_adequate_trial())
        .collect();
    let mut kinds: Vec<(TreatmentKind, usize)> = Vec::new();
    for t in &failed {
        match kinds.iter_mut().find(|(k, _)| *k == t.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((t.kind, 1)),
        }
    }
    kinds.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let scores: Vec<ScoreChange> = case
        .scores_by_instrument()
        .into_iter()
        .map(|(instrument, scores)| {
            let dated = |s: &Score| (s.score, long_date(s.date));
            let latest = scores.last().expect("a series has a score");
            ScoreChange {
                instrument: instrument.as_str(),
                max: instrument.max_score(),
                baseline: (scores.len() > 1).then(|| dated(scores[0])),
                latest: dated(latest),
            }
        })
        .collect();
    let reasons = case
        .denial
        .as_ref()
        .map(|d| d.all_reasons())
        .unwrap_or_default();
    let reason = reasons.first().copied();
    ReviewerData {
        failed_trials: failed.len(),
        failed_kinds: kinds
            .iter()
            .map(|(kind, n)| format!("{} ({n})", kind_words(*kind)))
            .collect(),
        scores,
        references: strongest(case, library),
        reason: reason.map(reason_words),
        answer: reason.map(|r| answer(case, r, conditions, scope, failed.len())),
        reasons: reasons.iter().map(|r| reason_words(*r)).collect(),
        answers: reasons
            .iter()
            .map(|r| answer(case, *r, conditions, scope, failed.len()))
            .collect(),
    }
}

/// Returns the three strongest references a case cites, by design and size
/// (`Reference::strength`): a trial of hundreds or a consensus statement before a pilot of
/// seven; extra citations, whose design is not known, after the library's.
fn strongest(case: &Case, library: &EvidenceLibrary) -> Vec<EvidenceData> {
    let mut cited: Vec<&Reference> = case
        .evidence
        .iter()
        .filter_map(|k| library.get(k))
        .collect();
    // A reference that studied none of the case's conditions (a mood-disorder consensus
    // for PTSD) comes after those that did, however strong. A stable sort keeps the
    // case's order among equals.
    let fit = checklist::evidence_fit(case, library);
    cited.sort_by_key(|r| {
        let off_condition = !r.conditions.iter().any(|s| fit.supported.contains(s));
        (off_condition, r.strength())
    });
    let mut out: Vec<EvidenceData> = cited.into_iter().map(evidence_data).collect();
    out.extend(case.extra_evidence.iter().map(extra_evidence_data));
    out.truncate(3);
    out
}

/// Returns a treatment kind in words for a sentence: lower case, acronyms kept.
fn kind_words(kind: TreatmentKind) -> String {
    match kind {
        TreatmentKind::Ect | TreatmentKind::Tms => kind.title().to_owned(),
        _ => kind.title().to_lowercase(),
    }
}

/// Returns a denial reason in words.
fn reason_words(reason: DenialReason) -> &'static str {
    match reason {
        DenialReason::ExperimentalInvestigational => "experimental or investigational",
        DenialReason::NotMedicallyNecessary => "not medically necessary",
        DenialReason::NotACoveredBenefit => "not a covered benefit",
        DenialReason::MissingInformation => "information missing",
        DenialReason::StepTherapy => "other treatments to be tried first (step therapy)",
        DenialReason::OutOfNetwork => "provider out of network",
        DenialReason::Other => "another reason (see the notice)",
    }
}

/// Returns the one-sentence answer to a denial reason, in the terms of the domain guide
/// ("What answers each denial reason"); it claims nothing the case does not show.
fn answer(
    case: &Case,
    reason: DenialReason,
    conditions: Conditions,
    scope: &EvidenceScope,
    failed: usize,
) -> String {
    let trials = if failed == 1 { "trial" } else { "trials" };
    match reason {
        DenialReason::ExperimentalInvestigational => {
            let esketamine = if conditions.unipolar {
                "; esketamine, which acts on the same NMDA receptor, has been FDA-approved for \
                 treatment-resistant depression since March 2019"
            } else {
                ""
            };
            // Worded from the cited references' own conditions, never the diagnosis alone.
            match (&scope.supported, &scope.unsupported) {
                (Some(supported), unsupported) => {
                    let kinds = scope.kinds.as_deref().unwrap_or("references");
                    let rest = unsupported
                        .as_ref()
                        .map(|u| {
                            format!(
                                "; no cited reference studied {u}, for which the letter argues \
                                 from the clinical record"
                            )
                        })
                        .unwrap_or_default();
                    format!(
                        "The {kinds} cited below support ketamine for {supported}{esketamine}{rest}."
                    )
                }
                (None, unsupported) => {
                    let condition = unsupported.as_deref().unwrap_or("this condition");
                    format!(
                        "No cited reference studied ketamine for {condition}, so the letter \
                         argues from the clinical record: {failed} adequate {trials} of standard \
                         treatment failed, and the scores show the symptoms that remain{esketamine}."
                    )
                }
            }
        }
        DenialReason::NotMedicallyNecessary => {
            let criteria = if case.insurer.criteria.is_empty() {
                ""
            } else {
                "; the letter answers the plan's own criteria point by point"
            };
            format!(
                "{failed} adequate {trials} of standard treatment failed, and the scores show the \
                 symptoms that remain{criteria}."
            )
        }
        DenialReason::NotACoveredBenefit => {
            let parity = case
                .insurer
                .plan_type
                .and_then(|p| Program::of(p).parity())
                .map(|cite| {
                    format!(
                        ", and to show that the limit is applied to mental-health treatment no \
                         more strictly than to medical and surgical treatment ({cite})"
                    )
                })
                .unwrap_or_default();
            format!(
                "The letter asks the plan for the plan document and the provision the decision \
                 relied on{parity}."
            )
        }
        DenialReason::MissingInformation => {
            // A record not yet in hand is said to follow, as the letter says it.
            let open = case.denial.as_ref().map_or(0, |d| {
                d.missing.iter().filter(|m| m.answered_by.is_none()).count()
            });
            match open {
                0 => "What the plan said was missing is enclosed now; the letter lists it."
                    .to_owned(),
                1 => "The letter lists what the plan said was missing; one record is not yet \
                      enclosed and will follow."
                    .to_owned(),
                n => format!(
                    "The letter lists what the plan said was missing; {n} records are not yet \
                     enclosed and will follow."
                ),
            }
        }
        DenialReason::StepTherapy => format!(
            "{failed} adequate {trials} of the treatments the plan asks for first failed; the \
             letter names each, with its dose, length and outcome."
        ),
        DenialReason::OutOfNetwork => "The letter asks for a network-gap exception and, if \
            the plan knows an in-network provider of this treatment, for its name."
            .to_owned(),
        DenialReason::Other => {
            "The letter of medical necessity sets out why the treatment is necessary.".to_owned()
        }
    }
}

/// Returns a library reference as printed.
fn evidence_data(r: &Reference) -> EvidenceData {
    EvidenceData {
        key: Some(r.key.clone()),
        citation: r.citation(),
        short: Some(r.short()),
        finding: Some(r.finding.clone()),
    }
}

/// Returns a citation the library does not hold, as printed.
fn extra_evidence_data(e: &ExtraEvidence) -> EvidenceData {
    EvidenceData {
        key: None,
        citation: plain(&e.citation),
        short: None,
        finding: text(e.finding.as_deref()),
    }
}

/// Returns a trimmed text field, or `None` when it is missing or blank.
fn text(value: Option<&str>) -> Option<String> {
    value.map(plain).filter(|v| !v.is_empty())
}

/// Returns a text field trimmed, with its over-long words made breakable.
fn plain(value: &str) -> String {
    markdown::breakable(value.trim()).into_owned()
}

/// Returns a code as text, or `None` when it is missing or blank.
fn code(value: Option<&Code>) -> Option<String> {
    text(value.map(|c| c.as_str()))
}

/// Converts a Markdown field, or returns `None` when it is missing or blank.
fn markdown_field(value: Option<&str>) -> Option<Document> {
    value.filter(|v| !v.trim().is_empty()).map(markdown_text)
}

/// Converts Markdown text, or, over the limit, a note that it was left out (the
/// `text-length` rule reports it), so no field can take the packet's time and memory.
fn markdown_text(text: &str) -> Document {
    if text.len() > MAX_MARKDOWN_BYTES {
        return markdown::markdown(&format!(
            "*(Left out: longer than {} KiB. See the enclosed record.)*",
            MAX_MARKDOWN_BYTES / 1024
        ));
    }
    markdown::markdown(text)
}

/// The complimentary closes a letter's sign-off begins with, in lower case.
const CLOSES: &[&str] = &[
    "sincerely",
    "sincerely yours",
    "yours sincerely",
    "yours truly",
    "very truly yours",
    "respectfully",
    "respectfully yours",
    "respectfully submitted",
    "regards",
    "thank you",
    "with thanks",
    "best",
    "cordially",
];

/// Returns a draft letter with the line breaks of its sign-off kept: in Markdown a single
/// newline is a space, which would run "Sincerely,\nDr Rivera" into one line.
///
/// The sign-off starts at the last line that is a complimentary close alone ("Sincerely,",
/// "Kind regards,") and runs to the end, however it was typed: a blank line after the
/// close ("Sincerely,\n\nDr Rivera\nNPI ...") is kept as one sign-off, each line its
/// own. The rest of the letter, wrapped as the author typed it, is left as it is.
pub(crate) fn keep_sign_off_breaks(draft: &str) -> Cow<'_, str> {
    let body = draft.trim_end();
    let Some(start) = sign_off_start(body) else {
        return Cow::Borrowed(draft);
    };
    let lines: Vec<&str> = body[start..]
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    if lines.len() < 2 {
        return Cow::Borrowed(draft);
    }
    // The sign-off is a paragraph of its own even where no blank line set it apart.
    let before = &body[..start];
    let gap = if before.is_empty() || before.ends_with("\n\n") {
        ""
    } else {
        "\n"
    };
    Cow::Owned(format!("{before}{gap}{}\n", lines.join("\\\n")))
}

/// Returns where a draft's sign-off begins: the start of its last line that is a
/// complimentary close alone, where what follows is short enough to be a signature block
/// (at most six lines), not more letter.
fn sign_off_start(body: &str) -> Option<usize> {
    let mut starts = vec![0];
    starts.extend(body.match_indices('\n').map(|(i, _)| i + 1));
    let mut after = 0;
    for &start in starts.iter().rev() {
        let end = body[start..].find('\n').map_or(body.len(), |e| start + e);
        let line = body[start..end].trim();
        let close = line.strip_suffix(',').unwrap_or(line).to_lowercase();
        let is_close = CLOSES.iter().any(|c| close == *c)
            || (close.split_whitespace().count() <= 3 && close.ends_with("regards"));
        if is_close {
            return Some(start);
        }
        if !line.is_empty() {
            after += 1;
            if after > 6 {
                return None;
            }
        }
    }
    None
}

/// Returns whether a draft's sign-off already names the provider (their surname or NPI),
/// so the signature lines under it leave the name and NPI out rather than print them twice.
fn sign_off_names_provider(draft: &str, provider: &crate::model::case::Provider) -> bool {
    let body = draft.trim_end();
    let Some(start) = sign_off_start(body) else {
        return false;
    };
    let sign_off = body[start..].to_lowercase();
    let npi = provider
        .npi
        .as_ref()
        .is_some_and(|n| sign_off.contains(n.as_str()));
    let surname = provider
        .name
        .split_whitespace()
        .rfind(|w| !w.ends_with('.') && !w.ends_with(','))
        .is_some_and(|w| sign_off.contains(&w.to_lowercase()));
    npi || surname
}

/// Returns a case's prior treatments oldest first, whatever order they were typed in; the
/// sort is stable so treatments started the same day keep the case file's order.
fn prior_treatments(case: &Case) -> Vec<&crate::model::case::PriorTreatment> {
    let mut treatments: Vec<_> = case.prior_treatments.iter().collect();
    treatments.sort_by_key(|t| t.started);
    treatments
}

/// Returns how a letter names the patient after the full name's first use: the case's
/// salutation, else the first word of the name.
fn short_name(patient: &crate::model::case::Patient) -> String {
    patient
        .salutation
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or_else(|| patient.name.split_whitespace().next())
        .unwrap_or("")
        .to_owned()
}

/// Returns a provider's name with credentials, each title once: a leading "Dr." is
/// dropped where credentials follow ("Dr. Priya Raman" and MD give "Priya Raman, MD"),
/// and credentials the name already ends with are not repeated.
pub(crate) fn provider_display(name: &str, credentials: Option<&str>) -> String {
    let name = name.trim();
    let Some(credentials) = credentials.map(str::trim).filter(|c| !c.is_empty()) else {
        return name.to_owned();
    };
    let bare = ["Dr. ", "Dr ", "Doctor "]
        .iter()
        .find_map(|title| name.strip_prefix(title))
        .map_or(name, str::trim_start);
    let ends = bare
        .to_lowercase()
        .trim_end_matches('.')
        .ends_with(&format!(
            ", {}",
            credentials.to_lowercase().trim_end_matches('.')
        ));
    if ends {
        bare.to_owned()
    } else {
        format!("{bare}, {credentials}")
    }
}

/// Returns the possessive of a name, as a US letter writes it: "Whitcombe’s", but
/// "Meridian Benefit Administrators’" for a name ending in s.
///
/// A trailing parenthetical is left out ("Gulfstream Medicare Services (Part B
/// contractor)" gives "Gulfstream Medicare Services’"), since the possessive cannot follow it.
pub(crate) fn possessive(name: &str) -> String {
    let name = name.trim();
    let name = match name.rfind(" (") {
        Some(open) if name.ends_with(')') && open > 0 => name[..open].trim_end(),
        _ => name,
    };
    if name.ends_with(['s', 'S']) {
        format!("{name}’")
    } else {
        format!("{name}’s")
    }
}

/// Labels a billing code with its code set: five digits are CPT ("CPT 96365"), as are
/// four digits and a letter (Category II and III, "CPT 0591T"); a letter and four digits
/// is HCPCS Level II ("HCPCS J3490"). Anything else is returned as written.
pub(crate) fn code_label(code: &str) -> String {
    let code = code.trim();
    let chars: Vec<char> = code.chars().collect();
    let digits = |cs: &[char]| cs.iter().all(char::is_ascii_digit);
    if chars.len() != 5 {
        return code.to_owned();
    }
    if digits(&chars) || (digits(&chars[..4]) && matches!(chars[4], 'F' | 'T')) {
        format!("CPT {code}")
    } else if chars[0].is_ascii_uppercase() && digits(&chars[1..]) {
        format!("HCPCS {code}")
    } else {
        code.to_owned()
    }
}

/// Returns the contact log as the packet prints it, oldest first (the order of the file
/// among contacts of the same day), or nothing when the case does not enclose it.
fn contacts_data(case: &Case) -> Vec<ContactData> {
    if !case.enclose_contacts {
        return Vec::new();
    }
    let mut contacts: Vec<_> = case.contacts.iter().collect();
    contacts.sort_by_key(|c| c.date);
    contacts
        .into_iter()
        .map(|c| {
            let kind = c.kind.as_str().replace('-', " ");
            ContactData {
                date: long_date(c.date),
                with: c.with.title(),
                how: c.how.title(),
                kind: kind[..1].to_uppercase() + &kind[1..],
                reference: c.reference.as_ref().map(|r| plain(r.as_str())),
                note: c.note.as_deref().map(plain),
            }
        })
        .collect()
}

/// Writes a date out in full, US style: "November 20, 2026".
pub(crate) fn long_date(date: Date) -> String {
    date.0.format("%B %-d, %Y").to_string()
}

/// Formats an amount in US dollars with cents and thousands separators: "$1,250.00".
fn dollars(amount: f64) -> String {
    let cents = (amount * 100.0).round() as i64;
    let (sign, cents) = if cents < 0 {
        ("-", -cents)
    } else {
        ("", cents)
    };
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_dollars_are_written_out() {
        assert_eq!(
            long_date(Date::parse("2026-03-05").unwrap()),
            "March 5, 2026"
        );
        assert_eq!(dollars(650.0), "$650.00");
        assert_eq!(dollars(1250.5), "$1,250.50");
        assert_eq!(dollars(1234567.891), "$1,234,567.89");
        assert_eq!(
            long_date(Date::parse("2026-11-10").unwrap()),
            "November 10, 2026"
        );
    }

    #[test]
    fn possessives_of_names_ending_in_s_take_an_apostrophe_only() {
        assert_eq!(
            possessive("Meridian Benefit Administrators"),
            "Meridian Benefit Administrators’"
        );
        assert_eq!(
            possessive("Eleanor J. Castellanos"),
            "Eleanor J. Castellanos’"
        );
        assert_eq!(possessive("Daniel R. Whitcombe"), "Daniel R. Whitcombe’s");
        assert_eq!(
            possessive(" Coastal Senior Health "),
            "Coastal Senior Health’s"
        );
        assert_eq!(
            possessive("Gulfstream Medicare Services (Part B Medicare Administrative Contractor)"),
            "Gulfstream Medicare Services’"
        );
        assert_eq!(possessive("UMPS"), "UMPS’");
    }

    #[test]
    fn a_draft_sign_off_keeps_its_line_breaks() {
        let draft = "I recommend six infusions,\nwrapped as typed.\n\nSincerely,\nDr Rivera\n";
        assert_eq!(
            keep_sign_off_breaks(draft),
            "I recommend six infusions,\nwrapped as typed.\n\nSincerely,\\\nDr Rivera\n"
        );
        let rendered = markdown::markdown(&keep_sign_off_breaks(draft));
        let json = serde_json::to_string(&rendered).unwrap();
        assert!(json.contains(r#"{"t":"hard"}"#), "{json}");
        // A last paragraph that is not a sign-off is left alone.
        let prose = "First paragraph.\n\nThe last one,\nwrapped";
        assert_eq!(
            keep_sign_off_breaks(prose),
            "First paragraph.\n\nThe last one,\nwrapped"
        );
        let closes = "Text.\n\nKind regards,\nDr Rivera\nPsychiatry";
        assert_eq!(
            keep_sign_off_breaks(closes),
            "Text.\n\nKind regards,\\\nDr Rivera\\\nPsychiatry\n"
        );
        let plain = "One paragraph only\nwrapped.";
        assert_eq!(keep_sign_off_breaks(plain), plain);
        // A blank line after the close does not part the close from its signature.
        let spaced = "Text.\n\nSincerely,\n\nPriya Raman, MD\nNPI 1234567893\n";
        assert_eq!(
            keep_sign_off_breaks(spaced),
            "Text.\n\nSincerely,\\\nPriya Raman, MD\\\nNPI 1234567893\n"
        );
    }

    #[test]
    fn a_sign_off_that_names_the_provider_is_found() {
        let provider: crate::model::case::Provider =
            serde_yaml::from_str("{ name: Dr. Priya Raman, npi: '1234567893' }").unwrap();
        let draft = "Text.\n\nSincerely,\n\nPriya Raman, MD\n";
        assert!(sign_off_names_provider(draft, &provider));
        assert!(sign_off_names_provider(
            "Text.\n\nSincerely,\nNPI 1234567893",
            &provider
        ));
        assert!(!sign_off_names_provider("Text.\n\nSincerely,\n", &provider));
        assert!(!sign_off_names_provider("Text without a close.", &provider));
    }

    #[test]
    fn provider_titles_are_written_once() {
        assert_eq!(
            provider_display("Dr. Priya Raman", Some("MD")),
            "Priya Raman, MD"
        );
        assert_eq!(
            provider_display("Priya Raman, MD", Some("MD")),
            "Priya Raman, MD"
        );
        assert_eq!(
            provider_display("Priya Raman", Some("DO")),
            "Priya Raman, DO"
        );
        assert_eq!(provider_display("Dr. Priya Raman", None), "Dr. Priya Raman");
    }

    #[test]
    fn codes_are_labelled_with_their_code_set() {
        assert_eq!(code_label("96365"), "CPT 96365");
        assert_eq!(code_label("0591T"), "CPT 0591T");
        assert_eq!(code_label("J3490"), "HCPCS J3490");
        assert_eq!(code_label("S0013"), "HCPCS S0013");
        assert_eq!(code_label("F33.2"), "F33.2");
        assert_eq!(code_label("123"), "123");
    }
}

#[cfg(test)]
mod reviewer_tests {
    use super::*;
    use std::path::Path;

    fn library() -> EvidenceLibrary {
        EvidenceLibrary::from_file(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/evidence.yaml"),
        )
        .unwrap()
    }

    fn case(extra: &str) -> Case {
        let text = format!(
            "id: T-1\nstage: internal-appeal\nprepared_on: 2026-11-20\npatient: {{ name: A }}\n\
             insurer: {{ name: B, plan_type: employer-self-funded }}\nprovider: {{ name: C }}\n\
             request: {{ treatment: D }}\ndiagnoses: [{{ code: F33.2, description: MDD }}]\n{extra}"
        );
        Case::parse(Path::new("t.yaml"), &text).unwrap()
    }

    /// The reviewer summary of a case, its evidence scope worked out as `prepare` does.
    fn review(c: &Case, conditions: Conditions) -> ReviewerData {
        let library = library();
        let scope = evidence_scope(c, &library, &checklist::evidence_fit(c, &library));
        reviewer_data(c, &library, conditions, &scope)
    }

    fn depression() -> Conditions {
        Conditions {
            depression: true,
            unipolar: true,
            ..Conditions::default()
        }
    }

    #[test]
    fn failed_trials_count_six_weeks_or_side_effects() {
        let c = case(
            "prior_treatments:\n\
             - { name: S, kind: antidepressant, started: 2024-01-01, ended: 2024-03-01, outcome: inadequate-response }\n\
             - { name: V, kind: antidepressant, started: 2024-04-01, ended: 2024-04-20, outcome: inadequate-response }\n\
             - { name: A, kind: augmentation, started: 2024-05-01, ended: 2024-05-10, outcome: side-effects }\n\
             - { name: T, kind: tms, started: 2024-06-01, ended: 2024-08-01, outcome: partial-response }\n\
             - { name: B, kind: antidepressant, started: 2024-09-01, outcome: ongoing }\n",
        );
        let r = review(&c, depression());
        // Three weeks of V is not an adequate trial; the ongoing one has not failed.
        assert_eq!(r.failed_trials, 3);
        assert_eq!(
            r.failed_kinds,
            ["antidepressant (1)", "augmentation (1)", "TMS (1)"]
        );
    }

    #[test]
    fn scores_compare_the_latest_with_the_first_of_each_instrument() {
        let c = case(
            "scores:\n\
             - { instrument: PHQ-9, score: 19, date: 2026-06-01 }\n\
             - { instrument: PHQ-9, score: 24, date: 2025-10-01 }\n\
             - { instrument: PHQ-9, score: 21, date: 2026-11-01 }\n\
             - { instrument: MADRS, score: 33, date: 2026-11-10 }\n",
        );
        let r = review(&c, depression());
        assert_eq!(r.scores[0].instrument, "PHQ-9");
        assert_eq!(r.scores[0].baseline, Some((24, "October 1, 2025".into())));
        assert_eq!(r.scores[0].latest, (21, "November 1, 2026".into()));
        assert_eq!(r.scores[1].baseline, None, "one MADRS score: no baseline");
    }

    #[test]
    fn the_strongest_references_rank_by_design_and_size() {
        let c = case(
            "evidence: [berman-2000, sanacora-2017, murrough-2013, mcintyre-2021, anand-2023, zarate-2006]\n",
        );
        let keys: Vec<String> = review(&c, depression())
            .references
            .into_iter()
            .filter_map(|e| e.key)
            .collect();
        // Large trials, then consensus; the n=7 and n=18 pilots rank below both.
        assert_eq!(keys, ["anand-2023", "murrough-2013", "mcintyre-2021"]);
        let c = case("evidence: [berman-2000, mcintyre-2021]\nextra_evidence: [{ citation: X }]\n");
        let keys: Vec<Option<String>> = review(&c, depression())
            .references
            .into_iter()
            .map(|e| e.key)
            .collect();
        assert_eq!(
            keys,
            [
                Some("mcintyre-2021".into()),
                Some("berman-2000".into()),
                None
            ]
        );
    }

    #[test]
    fn the_answer_fits_the_reason_and_claims_only_what_applies() {
        let c = case("denial: { date: 2026-11-01, reason: experimental-investigational }\n");
        let r = review(&c, depression());
        assert_eq!(r.reason, Some("experimental or investigational"));
        assert!(r.answer.as_deref().unwrap().contains("esketamine"));
        // Esketamine is approved for major depressive disorder only, and the answer names
        // only what the cited references studied.
        let ptsd = Conditions {
            ptsd: true,
            ..Conditions::default()
        };
        let with = |code: &str, evidence: &str| {
            let text = format!(
                "id: T-1\nstage: internal-appeal\nprepared_on: 2026-11-20\npatient: {{ name: A }}\n\
                 insurer: {{ name: B, plan_type: employer-self-funded }}\nprovider: {{ name: C }}\n\
                 request: {{ treatment: D }}\ndiagnoses: [{{ code: {code}, description: X }}]\n\
                 denial: {{ reason: experimental-investigational }}\nevidence: [{evidence}]\n"
            );
            Case::parse(Path::new("t.yaml"), &text).unwrap()
        };
        let answer = review(&with("F43.10", "feder-2021, murrough-2013"), ptsd)
            .answer
            .unwrap();
        assert!(!answer.contains("esketamine"), "{answer}");
        assert!(
            answer.contains("support ketamine for chronic post-traumatic stress disorder."),
            "{answer}"
        );
        // A PTSD case citing only depression trials claims nothing for PTSD.
        let answer = review(&with("F43.10", "murrough-2013, anand-2023"), ptsd)
            .answer
            .unwrap();
        assert!(
            answer.starts_with(
                "No cited reference studied ketamine for post-traumatic stress disorder"
            ),
            "{answer}"
        );
        assert!(!answer.contains("support"), "{answer}");
        let answer = review(&with("F33.2", "anand-2023, sanacora-2017"), depression())
            .answer
            .unwrap();
        assert!(
            answer.starts_with(
                "The randomized trials and expert consensus cited below support ketamine for \
                 treatment-resistant major depression; esketamine"
            ),
            "{answer}"
        );
        // Parity is claimed only where a program has it.
        let covered = |plan: &str| {
            let text = format!(
                "id: T-1\nstage: internal-appeal\nprepared_on: 2026-11-20\npatient: {{ name: A }}\n\
                 insurer: {{ name: B, plan_type: {plan} }}\nprovider: {{ name: C }}\n\
                 request: {{ treatment: D }}\ndenial: {{ reason: not-a-covered-benefit }}\n"
            );
            let c = Case::parse(Path::new("t.yaml"), &text).unwrap();
            review(&c, depression()).answer.unwrap()
        };
        assert!(covered("employer-self-funded").contains("29 U.S.C. 1185a"));
        assert!(!covered("medicare").contains("U.S.C."));
        // A prior authorization has no denial to answer.
        assert_eq!(review(&case(""), depression()).answer, None);
    }
}
