//! The appeal checklist: rules with stable ids, each from an item of the source article.

use std::borrow::Cow;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::case::{Case, DenialReason, Outcome, PlanType, Stage, TreatmentKind};
use crate::deadline::{self, Deadline, Unknown};
use crate::evidence::EvidenceLibrary;
use crate::fields::Date;

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

/// One thing a case lacks or should know, found by a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The id of the rule that found it.
    pub rule: Cow<'static, str>,
    /// How much it weighs.
    pub severity: Severity,
    /// What to add, and where.
    pub message: String,
}

/// A checklist rule: its id, the article's item it makes checkable, and what it checks.
pub struct Rule {
    /// Stable id, used in reports and JUnit files.
    pub id: &'static str,
    /// The most severe finding the rule can make.
    pub severity: Severity,
    /// The checklist item of the source article.
    pub item: &'static str,
    /// What the rule checks, in one line.
    pub checks: &'static str,
    check: fn(&Case, &Context, &mut Findings),
}

/// What the rules need besides the case: the date, the evidence library, the case folder.
pub struct Context<'a> {
    /// The day deadlines are counted from.
    pub today: Date,
    /// The evidence library that citation keys are checked against.
    pub library: &'a EvidenceLibrary,
    /// The folder of the case file, where named files must stay.
    pub case_dir: &'a Path,
}

/// The findings of one rule, collected as it runs.
struct Findings<'a> {
    rule: &'static str,
    out: &'a mut Vec<Finding>,
}

impl Findings<'_> {
    fn add(&mut self, severity: Severity, message: impl Into<String>) {
        self.out.push(Finding {
            rule: Cow::Borrowed(self.rule),
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
pub static RULES: &[Rule] = &[
    Rule {
        id: "provider",
        severity: Severity::Blocker,
        item: "Consult your healthcare provider",
        checks: "provider named, credentials, NPI valid (10 digits, Luhn check), supports the treatment",
        check: check_provider,
    },
    Rule {
        id: "lmn",
        severity: Severity::Blocker,
        item: "Letter of medical necessity",
        checks: "a signed letter file or a draft that states diagnosis, severity and why other treatments failed",
        check: check_lmn,
    },
    Rule {
        id: "diagnosis",
        severity: Severity::Blocker,
        item: "The medical reasons for the treatment",
        checks: "at least one diagnosis; ICD-10-CM codes well formed; codes outside depression, bipolar depression, anxiety and PTSD warned",
        check: check_diagnosis,
    },
    Rule {
        id: "prior-treatments",
        severity: Severity::Blocker,
        item: "Why other treatments were not effective",
        checks: "depression: 2+ antidepressant trials of 6+ weeks with outcomes; PTSD or anxiety: 1+ first-line treatment",
        check: check_prior_treatments,
    },
    Rule {
        id: "insurer-policy",
        severity: Severity::Blocker,
        item: "Engage with your insurance company and understand their policies",
        checks: "insurer, patient identifiers, member id, plan type, appeals address; the plan's clinical policy reviewed (warning)",
        check: check_insurer_policy,
    },
    Rule {
        id: "denial",
        severity: Severity::Blocker,
        item: "If your claim is denied",
        checks: "from internal-appeal on: the denial's date, reference and reason",
        check: check_denial,
    },
    Rule {
        id: "deadline",
        severity: Severity::Blocker,
        item: "The right to appeal, in time",
        checks: "the filing deadline has not passed (blocker), 14 days or fewer left (warning); urgent denials flagged for expedited review",
        check: check_deadline,
    },
    Rule {
        id: "evidence",
        severity: Severity::Blocker,
        item: "Research supporting the efficacy of ketamine",
        checks: "3+ citations, every key in the evidence library; fewer than 3 blocks an experimental-investigational appeal",
        check: check_evidence,
    },
    Rule {
        id: "testimonials",
        severity: Severity::Warning,
        item: "Testimonials",
        checks: "a patient statement or at least one testimonial",
        check: check_testimonials,
    },
    Rule {
        id: "peer-review",
        severity: Severity::Warning,
        item: "Peer review by an independent medical professional",
        checks: "from second-level-appeal on: peer-to-peer or independent review requested",
        check: check_peer_review,
    },
    Rule {
        id: "attachments",
        severity: Severity::Blocker,
        item: "Provide all necessary documentation",
        checks: "every named file exists inside the case folder and is a readable PDF or image",
        check: check_attachments,
    },
    Rule {
        id: "alternatives",
        severity: Severity::Info,
        item: "Alternatives if insurance doesn't cover",
        checks: "at external-review: self-pay quote, installment plan, clinical trials considered",
        check: check_alternatives,
    },
];

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
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

/// Returns whether a text field is missing or blank.
fn blank(value: Option<&str>) -> bool {
    value.is_none_or(|v| v.trim().is_empty())
}

/// Checks a National Provider Identifier: 10 digits, Luhn check digit over the `80840` prefix.
pub fn npi_is_valid(npi: &str) -> bool {
    if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits = npi.bytes().map(|b| u32::from(b - b'0'));
    // 24 is the Luhn contribution of the prefix 80840 to the nine-digit base number.
    let mut sum = 24;
    for (i, digit) in digits.clone().take(9).enumerate() {
        sum += if i % 2 == 0 {
            let doubled = digit * 2;
            doubled / 10 + doubled % 10
        } else {
            digit
        };
    }
    let check = (10 - sum % 10) % 10;
    u32::from(npi.as_bytes()[9] - b'0') == check
}

fn check_provider(case: &Case, _: &Context, f: &mut Findings) {
    let p = &case.provider;
    if p.name.trim().is_empty() {
        f.blocker("no treating provider named; add provider.name");
    }
    if blank(p.credentials.as_deref()) {
        f.warning(
            "the provider's credentials are missing; add provider.credentials (MD, DO, PMHNP...)",
        );
    }
    match p.npi.as_ref().map(|n| n.as_str()) {
        None | Some("") => f.blocker("the provider's NPI is missing; add provider.npi (10 digits)"),
        Some(npi) if !npi_is_valid(npi) => f.blocker(format!(
            "provider.npi {npi:?} is not a valid NPI (10 digits with a Luhn check digit); check it against the NPI registry"
        )),
        Some(_) => {}
    }
    if p.supports_treatment != Some(true) {
        f.blocker("the provider has not confirmed support for the treatment; set provider.supports_treatment: true once they have");
    }
}

/// Words that show a letter states the diagnosis, the severity, and why other treatments failed.
const LMN_DIAGNOSIS_WORDS: &[&str] = &[
    "diagnos",
    "depress",
    "anxiety",
    "ptsd",
    "stress disorder",
    "f3",
    "f4",
];
const LMN_SEVERITY_WORDS: &[&str] = &[
    "severe", "moderate", "phq", "madrs", "ham-d", "qids", "gad-7", "pcl-5", "score", "suicid",
    "impair",
];
const LMN_FAILURE_WORDS: &[&str] = &[
    "fail",
    "inadequate",
    "did not respond",
    "no response",
    "partial response",
    "side effect",
    "intoleran",
    "not effective",
    "ineffective",
];

fn mentions(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

fn check_lmn(case: &Case, _: &Context, f: &mut Findings) {
    let letter = case.letter_of_medical_necessity.clone().unwrap_or_default();
    let has_file = !blank(letter.file.as_deref());
    let has_draft = !blank(letter.draft.as_deref());
    if !has_file && !has_draft {
        f.blocker("no letter of medical necessity; add letter_of_medical_necessity.file (signed PDF) or .draft (Markdown)");
        return;
    }
    if !has_file {
        let text = format!(
            "{}\n{}",
            letter.draft.as_deref().unwrap_or(""),
            case.clinical_summary.as_deref().unwrap_or("")
        )
        .to_lowercase();
        let mut missing = Vec::new();
        if !mentions(&text, LMN_DIAGNOSIS_WORDS) {
            missing.push("the diagnosis");
        }
        if !mentions(&text, LMN_SEVERITY_WORDS) {
            missing.push("its severity (scores, suicide risk, impairment)");
        }
        if !mentions(&text, LMN_FAILURE_WORDS) {
            missing.push("why other treatments failed");
        }
        if !missing.is_empty() {
            f.warning(format!(
                "the draft letter and clinical summary do not state {}; add it to letter_of_medical_necessity.draft",
                missing.join(", ")
            ));
        }
        f.info("the letter of medical necessity is a draft: the provider must sign it before it is sent");
    }
    for (i, score) in case.scores.iter().enumerate() {
        let max = score.instrument.max_score();
        if score.score > max {
            f.warning(format!(
                "scores[{i}]: {} score {} is above the scale's maximum of {max}; check scores[{i}].score",
                score.instrument.as_str(),
                score.score
            ));
        }
    }
}

/// Returns whether a code is a well-formed ICD-10-CM code: letter, two digits, optional dot and up to four more.
pub fn icd10_is_well_formed(code: &str) -> bool {
    let bytes = code.as_bytes();
    if bytes.len() < 3 || !bytes[0].is_ascii_uppercase() {
        return false;
    }
    if !bytes[1].is_ascii_digit() || !bytes[2].is_ascii_digit() {
        return false;
    }
    match &bytes[3..] {
        [] => true,
        [b'.', rest @ ..] => {
            (1..=4).contains(&rest.len())
                && rest
                    .iter()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        }
        _ => false,
    }
}

/// The conditions for which the checklist knows what to expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Major depression, single (F32) or recurrent (F33), or bipolar depression (F31.3-F31.5).
    Depression,
    /// Anxiety disorders (F41).
    Anxiety,
    /// Post-traumatic stress disorder (F43.1).
    Ptsd,
}

/// Classifies an ICD-10-CM code among the conditions ketamine is requested for.
pub fn condition(code: &str) -> Option<Condition> {
    let category = code.get(..3)?;
    let sub = code.get(4..5).unwrap_or("");
    match category {
        "F32" | "F33" => Some(Condition::Depression),
        "F31" if matches!(sub, "3" | "4" | "5") => Some(Condition::Depression),
        "F41" => Some(Condition::Anxiety),
        "F43" if sub == "1" => Some(Condition::Ptsd),
        _ => None,
    }
}

fn check_diagnosis(case: &Case, _: &Context, f: &mut Findings) {
    if case.diagnoses.is_empty() {
        f.blocker("no diagnosis; add diagnoses[] with an ICD-10-CM code and description");
        return;
    }
    for (i, diagnosis) in case.diagnoses.iter().enumerate() {
        let code = diagnosis.code.as_str();
        if !icd10_is_well_formed(code) {
            f.blocker(format!(
                "diagnoses[{i}].code {code:?} is not a well-formed ICD-10-CM code (letter, two digits, optional dot and up to four more, e.g. F33.2)"
            ));
        } else if condition(code).is_none() {
            f.warning(format!(
                "diagnoses[{i}].code {code} is outside depression (F32, F33), bipolar depression (F31.3-F31.5), anxiety (F41) and PTSD (F43.1); lead with the diagnosis ketamine treats"
            ));
        }
    }
}

/// The shortest trial the checklist counts as adequate, in days (6 weeks).
const ADEQUATE_TRIAL_DAYS: i64 = 42;

fn check_prior_treatments(case: &Case, _: &Context, f: &mut Findings) {
    for (i, t) in case.prior_treatments.iter().enumerate() {
        if let Some(ended) = t.ended
            && ended < t.started
        {
            f.warning(format!(
                "prior_treatments[{i}] ({}) ended before it started; check prior_treatments[{i}].started/ended",
                t.name
            ));
        }
    }
    let conditions: Vec<Condition> = case.diagnosis_codes().filter_map(condition).collect();
    let completed = |t: &&crate::case::PriorTreatment| t.outcome != Outcome::Ongoing;
    if conditions.contains(&Condition::Depression) {
        let adequate = case
            .prior_treatments
            .iter()
            .filter(completed)
            .filter(|t| t.kind == TreatmentKind::Antidepressant)
            .filter(|t| {
                t.ended
                    .is_some_and(|e| t.started.days_until(e) >= ADEQUATE_TRIAL_DAYS)
            })
            .count();
        if adequate < 2 {
            let trials = if adequate == 1 { "trial" } else { "trials" };
            f.blocker(format!(
                "only {adequate} antidepressant {trials} of 6+ weeks documented; add at least 2 (prior_treatments[].started/ended)"
            ));
        }
        let augmented = case.prior_treatments.iter().any(|t| {
            matches!(
                t.kind,
                TreatmentKind::Augmentation
                    | TreatmentKind::Psychotherapy
                    | TreatmentKind::Ect
                    | TreatmentKind::Tms
            )
        });
        if !augmented {
            f.warning("no augmentation, psychotherapy, ECT or TMS documented; many plans ask for one (prior_treatments[].kind)");
        }
    } else if conditions
        .iter()
        .any(|c| matches!(c, Condition::Anxiety | Condition::Ptsd))
    {
        let first_line = case.prior_treatments.iter().filter(completed).any(|t| {
            matches!(
                t.kind,
                TreatmentKind::Antidepressant | TreatmentKind::Psychotherapy
            )
        });
        if !first_line {
            f.blocker("no first-line treatment (an SSRI/SNRI or trauma-focused psychotherapy) documented with an outcome; add it to prior_treatments[]");
        }
    }
}

fn check_insurer_policy(case: &Case, _: &Context, f: &mut Findings) {
    let insurer = &case.insurer;
    if insurer.name.trim().is_empty() {
        f.blocker("the insurer is not named; add insurer.name");
    }
    if case.patient.name.trim().is_empty() {
        f.blocker("the patient is not named; add patient.name as on the insurance card");
    }
    if case.patient.date_of_birth.is_none() {
        f.blocker("the patient's date of birth is missing; add patient.date_of_birth");
    }
    if case
        .patient
        .member_id
        .as_ref()
        .is_none_or(|m| m.as_str().is_empty())
    {
        f.blocker("the member id is missing; add patient.member_id from the insurance card");
    }
    if insurer.plan_type.is_none() {
        f.blocker("the plan type is missing; add insurer.plan_type (it sets the appeal windows)");
    }
    if blank(insurer.appeals_address.as_deref()) {
        f.blocker("the appeals address is missing; add insurer.appeals_address from the denial notice or plan documents");
    }
    if blank(insurer.clinical_policy.as_deref()) {
        f.warning("the plan's clinical policy for ketamine has not been reviewed; add insurer.clinical_policy (its name, number and what it requires)");
    }
    if case.denial.as_ref().and_then(|d| d.reason) == Some(DenialReason::NotMedicallyNecessary)
        && insurer.criteria.is_empty()
    {
        f.warning("the plan says the treatment is not medically necessary but its criteria are not answered; add insurer.criteria[] (criterion, how_met)");
    }
}

fn check_denial(case: &Case, _: &Context, f: &mut Findings) {
    if case.stage < Stage::InternalAppeal {
        return;
    }
    let Some(denial) = &case.denial else {
        f.blocker(format!(
            "stage {} needs the denial; add denial (date, reference, reason)",
            case.stage.as_str()
        ));
        return;
    };
    if denial.date.is_none() {
        f.blocker("the denial's date is missing; add denial.date from the notice");
    }
    if denial
        .reference
        .as_ref()
        .is_none_or(|r| r.as_str().is_empty())
    {
        f.blocker("the denial's reference is missing; add denial.reference from the notice");
    }
    if denial.reason.is_none() {
        f.blocker("the denial's reason is missing; add denial.reason (experimental-investigational, not-medically-necessary...)");
    }
    if let (Some(date), Some(received)) = (denial.date, denial.received)
        && received < date
    {
        f.warning("denial.received is before denial.date; check both against the notice");
    }
}

/// How many days left make a deadline close.
pub const CLOSE_DAYS: i64 = 14;

fn check_deadline(case: &Case, context: &Context, f: &mut Findings) {
    let urgent = case.denial.as_ref().is_some_and(|d| d.urgent);
    if urgent {
        f.info("urgent denial: the packet asks for expedited review (decision within 72 hours)");
    }
    match deadline::filing_deadline(case, context.today) {
        Ok(Deadline {
            date, days_left, ..
        }) => {
            if days_left < 0 {
                f.blocker(format!(
                    "the filing deadline {date} passed {} days ago; ask the plan in writing for an extension for good cause",
                    -days_left
                ));
            } else if days_left <= CLOSE_DAYS {
                f.warning(format!(
                    "only {days_left} days left to file (deadline {date}); send by fax with confirmation"
                ));
            }
        }
        Err(Unknown::NoDenial | Unknown::NoNoticeDate) => {}
        Err(Unknown::NoPlanType) => {}
        Err(Unknown::SetByNotice(why)) => {
            let message =
                format!("{why}; copy the deadline from the denial notice into denial.deadline");
            if case.insurer.plan_type == Some(PlanType::Medicaid) {
                f.blocker(message);
            } else {
                f.warning(message);
            }
        }
    }
}

/// The fewest citations an appeal should carry.
const MIN_CITATIONS: usize = 3;

fn check_evidence(case: &Case, context: &Context, f: &mut Findings) {
    for (i, key) in case.evidence.iter().enumerate() {
        if context.library.get(key).is_none() {
            f.blocker(format!(
                "evidence[{i}] {key:?} is not in the evidence library (templates/evidence.yaml); fix the key or add the reference under extra_evidence"
            ));
        }
    }
    let known = case
        .evidence
        .iter()
        .filter(|k| context.library.get(k).is_some())
        .count();
    let total = known + case.extra_evidence.len();
    if total < MIN_CITATIONS {
        let message = format!(
            "only {total} citation(s); add at least {MIN_CITATIONS} under evidence (keys of templates/evidence.yaml) or extra_evidence"
        );
        let investigational = case.denial.as_ref().and_then(|d| d.reason)
            == Some(DenialReason::ExperimentalInvestigational);
        if investigational {
            f.blocker(format!(
                "{message}: the plan calls the treatment investigational"
            ));
        } else {
            f.warning(message);
        }
    }
}

fn check_testimonials(case: &Case, _: &Context, f: &mut Findings) {
    if blank(case.patient_statement.as_deref()) && case.testimonials.is_empty() {
        f.warning("no patient statement or testimonial; add patient_statement or testimonials[]");
    }
}

fn check_peer_review(case: &Case, _: &Context, f: &mut Findings) {
    if case.stage < Stage::SecondLevelAppeal {
        return;
    }
    if !case.peer_review.as_ref().is_some_and(|p| p.requested) {
        f.warning(format!(
            "stage {} should ask for review by an independent psychiatrist; set peer_review.requested: true",
            case.stage.as_str()
        ));
    }
}

/// The largest attachment appealpack encloses.
pub const MAX_ATTACHMENT_BYTES: u64 = 50 * 1024 * 1024;

/// The kinds of file a packet can enclose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// A PDF document.
    Pdf,
    /// A PNG, JPEG or GIF image.
    Image,
}

/// Recognises a PDF or image by its first bytes.
pub fn sniff(head: &[u8]) -> Option<FileKind> {
    if head.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n")
        || head.starts_with(b"\xff\xd8\xff")
        || head.starts_with(b"GIF87a")
        || head.starts_with(b"GIF89a")
    {
        Some(FileKind::Image)
    } else {
        None
    }
}

/// Resolves a file named by a case inside its folder, or says why it cannot be used.
pub fn resolve_case_file(
    case_dir: &Path,
    name: &str,
) -> Result<(std::path::PathBuf, FileKind), String> {
    use std::path::Component;
    let relative = Path::new(name);
    if name.trim().is_empty() {
        return Err("no file named".into());
    }
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "{name:?} leaves the case folder; name a file beside the case file"
        ));
    }
    let path = case_dir.join(relative);
    let meta = std::fs::metadata(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{name:?} does not exist in the case folder"),
        _ => format!("{name:?} cannot be read: {e}"),
    })?;
    if !meta.is_file() {
        return Err(format!("{name:?} is not a file"));
    }
    let real_dir = case_dir
        .canonicalize()
        .map_err(|e| format!("the case folder cannot be read: {e}"))?;
    let real = path
        .canonicalize()
        .map_err(|e| format!("{name:?} cannot be read: {e}"))?;
    if !real.starts_with(&real_dir) {
        return Err(format!("{name:?} is a link that leaves the case folder"));
    }
    if meta.len() > MAX_ATTACHMENT_BYTES {
        return Err(format!(
            "{name:?} is larger than {} MiB",
            MAX_ATTACHMENT_BYTES / 1024 / 1024
        ));
    }
    let mut head = [0u8; 8];
    let read = {
        use std::io::Read;
        let mut file =
            std::fs::File::open(&path).map_err(|e| format!("{name:?} cannot be read: {e}"))?;
        file.read(&mut head)
            .map_err(|e| format!("{name:?} cannot be read: {e}"))?
    };
    let kind = sniff(&head[..read])
        .ok_or_else(|| format!("{name:?} is not a PDF, PNG, JPEG or GIF file"))?;
    Ok((real, kind))
}

fn check_attachments(case: &Case, context: &Context, f: &mut Findings) {
    let letter = case
        .letter_of_medical_necessity
        .as_ref()
        .and_then(|l| l.file.as_deref())
        .filter(|name| !name.trim().is_empty());
    if let Some(name) = letter {
        match resolve_case_file(context.case_dir, name) {
            Ok((_, FileKind::Pdf)) => {}
            Ok(_) => f.blocker(format!(
                "letter_of_medical_necessity.file {name:?} must be a PDF"
            )),
            Err(why) => f.blocker(format!("letter_of_medical_necessity.file: {why}")),
        }
    }
    for (i, attachment) in case.attachments.iter().enumerate() {
        if let Err(why) = resolve_case_file(context.case_dir, &attachment.file) {
            f.blocker(format!("attachments[{i}].file: {why}"));
        }
    }
}

fn check_alternatives(case: &Case, _: &Context, f: &mut Findings) {
    if case.stage != Stage::ExternalReview {
        return;
    }
    let alternatives = case.alternatives.clone().unwrap_or_default();
    if blank(alternatives.self_pay_quote.as_deref()) {
        f.info("no self-pay quote yet; ask the clinic and add alternatives.self_pay_quote");
    }
    if blank(alternatives.installment_plan.as_deref()) {
        f.info("no installment plan noted; add alternatives.installment_plan");
    }
    if blank(alternatives.clinical_trials_considered.as_deref()) {
        f.info("clinical trials not yet considered; add alternatives.clinical_trials_considered");
    }
}

#[cfg(test)]
mod tests;
