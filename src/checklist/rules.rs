//! The rules of the checklist, one function each, in the order of [`super::RULES`].

use crate::model::case::{
    Case, Denial, DenialReason, FiledBy, MAX_MARKDOWN_BYTES, Outcome, PlanType, PriorTreatment,
    Stage, TreatmentKind,
};

use super::codes::{
    Condition, caution, condition, evidence_fit, icd10_is_well_formed, npi_is_valid,
};
use super::{Context, Findings};
use crate::law::deadline::{self, CLOSE_DAYS, Deadline, Unknown};
use crate::law::{self, Program, decision};
use crate::model::validate::closest;

/// Returns whether a text field is missing or blank.
fn blank(value: Option<&str>) -> bool {
    value.is_none_or(|v| v.trim().is_empty())
}

pub(super) fn check_provider(case: &Case, _: &Context, f: &mut Findings) {
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
        Some(npi) if !npi_is_valid(npi) => f.blocker(
            "provider.npi is not a valid NPI (10 digits with a Luhn check digit); check it against the NPI registry",
        ),
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

pub(super) fn check_lmn(case: &Case, _: &Context, f: &mut Findings) {
    let letter = case.letter_of_medical_necessity.clone().unwrap_or_default();
    let has_file = !blank(letter.file.as_deref());
    let has_draft = !blank(letter.draft.as_deref());
    if !has_file && !has_draft {
        f.blocker("no letter of medical necessity; add letter_of_medical_necessity.file (signed PDF) or .draft (Markdown)");
        return;
    }
    if letter.awaits_signature() {
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
        // Not a note but the next step: the packet cannot go without the signature.
        f.blocker("the letter of medical necessity is a draft: have the provider sign the letter for signature that build writes beside the packet (letter-for-signature.pdf), then name the signed scan in letter_of_medical_necessity.file");
    }
    for (i, score) in case.scores.iter().enumerate() {
        let max = score.instrument.max_score();
        if score.score > max {
            f.warning(format!(
                "scores[{i}].score is above the {} maximum of {max}; check it",
                score.instrument.as_str(),
            ));
        }
    }
}

pub(super) fn check_diagnosis(case: &Case, _: &Context, f: &mut Findings) {
    if case.diagnoses.is_empty() {
        f.blocker("no diagnosis; add diagnoses[] with an ICD-10-CM code and description");
        return;
    }
    for (i, diagnosis) in case.diagnoses.iter().enumerate() {
        let code = diagnosis.code.as_str();
        if !icd10_is_well_formed(code) {
            f.blocker(format!(
                "diagnoses[{i}].code is not a well-formed ICD-10-CM code (letter, two digits, optional dot and up to four more, e.g. F33.2)"
            ));
        } else if condition(code).is_none() {
            f.warning(format!(
                "diagnoses[{i}].code is outside depression (F32, F33), bipolar depression (F31.3-F31.5, F31.81), anxiety (F41) and PTSD (F43.1); lead with the diagnosis ketamine treats"
            ));
        } else if let Some(why) = caution(code) {
            f.warning(format!("diagnoses[{i}].code {why}"));
        }
    }
}

pub(super) fn check_prior_treatments(case: &Case, _: &Context, f: &mut Findings) {
    for (i, t) in case.prior_treatments.iter().enumerate() {
        if t.started.is_none() && t.duration_weeks.is_none() {
            f.blocker(format!(
                "prior_treatments[{i}] has no start date and no length: add started (a date) \
                 or, where the records give only a duration, duration_weeks"
            ));
        }
        if let (Some(started), Some(ended)) = (t.started, t.ended)
            && ended < started
        {
            f.warning(format!(
                "prior_treatments[{i}] ended before it started; check prior_treatments[{i}].started/ended"
            ));
        }
    }
    let conditions: Vec<Condition> = case.diagnosis_codes().filter_map(condition).collect();
    let completed = |t: &&PriorTreatment| t.outcome != Outcome::Ongoing;
    // Plans count "failure, intolerance or contraindication": a documented
    // contraindication counts beside a failed trial (the letter says which it is), and a
    // trial of an earlier episode counts for neither.
    let adequate = |kinds: &[TreatmentKind]| {
        case.prior_treatments
            .iter()
            .filter(|t| {
                kinds.contains(&t.kind) && (t.failed_adequate_trial() || t.contraindicated())
            })
            .count()
    };
    let trials = |n: usize| if n == 1 { "trial" } else { "trials" };
    if conditions.contains(&Condition::Depression) {
        let n = adequate(&[TreatmentKind::Antidepressant]);
        if n < 2 {
            f.blocker(format!(
                "only {n} antidepressant {} of 6+ weeks (or stopped for side effects, or contraindicated) documented in the current episode; add at least 2 (prior_treatments[].started/ended/outcome; current_episode: false marks an earlier episode's)",
                trials(n)
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
    } else if conditions.contains(&Condition::BipolarDepression) {
        let n = adequate(&[TreatmentKind::Antipsychotic, TreatmentKind::MoodStabilizer]);
        if n < 2 {
            f.blocker(format!(
                "only {n} {} of a mood stabilizer or antipsychotic of 6+ weeks (or stopped for side effects, or contraindicated) documented for bipolar depression in the current episode; add at least 2 (prior_treatments[].kind: mood-stabilizer or antipsychotic)",
                trials(n)
            ));
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

pub(super) fn check_insurer_policy(case: &Case, context: &Context, f: &mut Findings) {
    let insurer = &case.insurer;
    if insurer.name.trim().is_empty() {
        f.blocker("the insurer is not named; add insurer.name");
    }
    if case.patient.name.trim().is_empty() {
        f.blocker("the patient is not named; add patient.name as on the insurance card");
    }
    match case.patient.date_of_birth {
        None => f.blocker("the patient's date of birth is missing; add patient.date_of_birth"),
        // The plan matches the member by it: a typo there gets the appeal set aside.
        Some(born) if born > context.today => {
            f.blocker("patient.date_of_birth is after today; copy it from the insurance card")
        }
        Some(_) => {}
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
    if let Some(warning) = missing_appeal_levels(case).filter(|_| case.submission.is_none()) {
        f.warning(warning);
    }
    if blank(insurer.appeals_address.as_deref()) {
        f.blocker("the appeals address is missing; add insurer.appeals_address from the denial notice or plan documents");
    }
    // A request sent to the wrong body may not stop the clock.
    if let Some(filing) = law::filing(case) {
        if !filing.plan && blank(insurer.filing_address.as_deref()) {
            f.blocker(format!(
                "this level is filed with {}, not with the plan: add insurer.filing_address (the whole address block, from the notice)",
                filing.body
            ));
        }
        if let Some(confirm) = filing.unsure {
            f.warning(format!("where to file the external review: {confirm}"));
        }
    }
    if insurer.plan_type == Some(PlanType::Medicaid) {
        let names = format!(
            "{} {}",
            insurer.name,
            insurer.plan_name.as_deref().unwrap_or("")
        )
        .to_lowercase();
        if [
            "managed care",
            "managed-care",
            "mco",
            "health plan",
            "health partners",
        ]
        .iter()
        .any(|w| names.contains(w))
        {
            f.warning("insurer.plan_type is medicaid (fee-for-service, run by the State agency), but the insurer's name reads like a managed-care plan: if the plan sent the denial, set plan_type: medicaid-managed-care (its plan appeal comes before the State fair hearing)");
        }
    }
    if blank(insurer.clinical_policy.as_deref()) {
        f.warning("the plan's clinical policy for ketamine has not been reviewed; add insurer.clinical_policy (its name, number and what it requires)");
    }
    if case
        .denial
        .as_ref()
        .is_some_and(|d| d.gives(DenialReason::NotMedicallyNecessary))
        && insurer.criteria.is_empty()
    {
        f.warning("the plan says the treatment is not medically necessary but its criteria are not answered; add insurer.criteria[] (criterion, how_met)");
    }
}

/// Says that an employer plan's number of internal appeal levels is missing: the plan's
/// time to decide (29 CFR 2560.503-1(i)(2)) and the level after a denial depend on it.
pub(crate) fn missing_appeal_levels(case: &Case) -> Option<String> {
    appeal_levels_advice(case).map(|advice| format!("insurer.appeal_levels is empty: {advice}"))
}

/// Returns what to do where an employer plan's number of internal appeal levels is
/// missing, without the field's name, for a caller that names the field its own way
/// (`import`, at its column).
pub(crate) fn appeal_levels_advice(case: &Case) -> Option<&'static str> {
    let employer = matches!(
        case.insurer.plan_type,
        Some(PlanType::EmployerFullyInsured | PlanType::EmployerSelfFunded)
    );
    // A second level implies two; an external review no longer depends on them.
    let asked = case.stage <= Stage::InternalAppeal;
    (employer && asked && case.insurer.appeal_levels.is_none()).then_some(
        "find out from the plan document whether the plan has 1 or 2 levels of internal \
         appeal (the plan's time to decide and the level after a denial depend on it)",
    )
}

/// Follows the contact log: follow-ups due, and requests still waiting for an answer.
pub(super) fn check_contacts(case: &Case, context: &Context, f: &mut Findings) {
    if let Some(due) = case.next_follow_up() {
        let days = context.today.days_until(due);
        if days < 0 {
            f.warning(format!(
                "a follow-up was due on {due}, {} days ago; log it with `appealpack log`",
                -days
            ));
        } else if days == 0 {
            f.info(format!("a follow-up is due today ({due})"));
        } else {
            f.info(format!("next follow-up on {due}, in {days} days"));
        }
    }
    for waiting in case.waiting_requests() {
        let days = waiting.since.days_until(context.today);
        f.info(format!(
            "{} of {} waiting {days} days for its answer",
            waiting.kind.as_str(),
            waiting.since
        ));
    }
}

pub(super) fn check_denial(case: &Case, context: &Context, f: &mut Findings) {
    if case.stage == Stage::PriorAuthorization && case.denial.is_some() {
        // The natural choice for "my prior authorization was denied", and a silent one:
        // a request has no filing deadline, so none would be checked.
        f.blocker(
            "the case has a denial but stage prior-authorization: a denied prior authorization is appealed, so set stage: internal-appeal (the denial's deadline then counts)",
        );
    }
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
    if denial.all_reasons().is_empty() {
        f.blocker("the denial's reason is missing; add denial.reason, or denial.reasons where the notice gives several (experimental-investigational, not-medically-necessary...)");
    }
    check_missing_records(case, denial, f);
    if case.stage == Stage::ExternalReview && blank(denial.notice.as_deref()) {
        // The one notice an external reviewer must see: state and federal request forms
        // ask for a copy of it, and a request without it may be returned as incomplete.
        f.blocker("an external review needs the plan's final adverse determination enclosed: put the notice of the internal appeal's denial beside the case file and name it in denial.notice");
    }
    if let (Some(date), Some(received)) = (denial.date, denial.received)
        && received < date
    {
        f.warning("denial.received is before denial.date; check both against the notice");
    }
    if case.insurer.plan_type == Some(PlanType::Medicare)
        && case.request.dates_of_service.is_empty()
    {
        f.blocker("Original Medicare requires the dates of service in the request (42 CFR 405.944(b)); add request.dates_of_service");
    }
    for (field, date) in [("date", denial.date), ("received", denial.received)] {
        if date.is_some_and(|d| d > context.today) {
            f.blocker(format!(
                "denial.{field} is after today ({}); check it against the notice",
                context.today
            ));
        }
    }
}

/// Checks that a missing-information denial is answered: every record the notice says was
/// missing is listed, each with an attachment of the case that answers it.
fn check_missing_records(case: &Case, denial: &Denial, f: &mut Findings) {
    if !denial.gives(DenialReason::MissingInformation) {
        return;
    }
    if denial.missing.is_empty() {
        f.blocker("the plan says information was missing: list each record the notice names under denial.missing[] (record, answered_by: the attachment that answers it)");
        return;
    }
    // One finding for all the records still to get, so a long list stays one line of the
    // draft's cover.
    let mut unanswered = Vec::new();
    for (i, item) in denial.missing.iter().enumerate() {
        match item.answered_by.as_deref().map(str::trim) {
            None | Some("") => unanswered.push(format!("denial.missing[{i}]")),
            Some(file) if !case.attachments.iter().any(|a| a.file.trim() == file) => {
                f.blocker(format!(
                    "denial.missing[{i}].answered_by names a file that is not under attachments[]; add it there so it is enclosed"
                ))
            }
            Some(_) => {}
        }
    }
    if !unanswered.is_empty() {
        f.blocker(format!(
            "records the plan said were missing are not answered yet ({}): get each, add it under attachments[] and name its file in answered_by",
            unanswered.join(", ")
        ));
    }
}

pub(super) fn check_urgency(case: &Case, _: &Context, f: &mut Findings) {
    let Some(denial) = case.denial.as_ref().filter(|d| d.urgent) else {
        return;
    };
    // The physician's determination is what binds or obliges the plan to expedite; the
    // letter states who made it and when.
    if blank(denial.urgency_determined_by.as_deref()) {
        f.blocker(
            "denial.urgent is set but the case does not say who determined that the request \
             is urgent; add denial.urgency_determined_by (the treating physician) and \
             denial.urgency_determined_on (the day), which the letter states",
        );
    } else if denial.urgency_determined_on.is_none() {
        f.warning("add denial.urgency_determined_on, the day the treating physician determined that the request is urgent");
    }
}

/// Returns whether a request is for infusions: its treatment says so or it bills the
/// infusion code CPT 96365.
fn infusion_request(case: &Case) -> bool {
    case.request.treatment.to_lowercase().contains("infusion")
        || case.request.codes.iter().any(|c| c.as_str() == "96365")
}

pub(super) fn check_safety(case: &Case, _: &Context, f: &mut Findings) {
    if !infusion_request(case) {
        return;
    }
    let safety = case.safety.clone().unwrap_or_default();
    let missing: Vec<&str> = [
        ("safety.monitoring (e.g. blood pressure before, during and after each infusion)", &safety.monitoring),
        ("safety.screening (e.g. psychosis and substance use)", &safety.screening),
        ("safety.response_criterion (what response continues treatment after the first infusions)", &safety.response_criterion),
    ]
    .into_iter()
    .filter(|(_, value)| blank(value.as_deref()))
    .map(|(field, _)| field)
    .collect();
    if missing.len() == 3 {
        f.warning(format!(
            "no safety plan for the infusions, which a plan's medical director looks for \
             first; add {}",
            missing.join(", ")
        ));
    } else if !missing.is_empty() {
        f.warning(format!("the safety plan lacks {}", missing.join(" and ")));
    }
}

pub(super) fn check_certification(case: &Case, _: &Context, f: &mut Findings) {
    let investigational = case
        .denial
        .as_ref()
        .is_some_and(|d| d.gives(DenialReason::ExperimentalInvestigational));
    if case.stage != Stage::ExternalReview
        || !investigational
        || case.physician_certification.is_some()
    {
        return;
    }
    let program = case.insurer.plan_type.map(Program::of);
    if let Some(what) = program.and_then(Program::investigational_certification) {
        f.warning(format!(
            "an external review of an experimental or investigational denial asks for {what}; \
             have the treating physician sign it, enclose it under attachments and set \
             physician_certification to the day it was signed"
        ));
    }
}

/// Warns where the plan covers esketamine or ECT and the case records neither a trial of
/// it nor why it is not appropriate: the plan's first reply would be "use what we cover".
pub(super) fn check_covered_alternatives(case: &Case, _: &Context, f: &mut Findings) {
    for covered in &case.insurer.covers {
        let tried = case
            .prior_treatments
            .iter()
            .any(|t| t.kind == covered.kind() && t.outcome != Outcome::Ongoing);
        let ruled_out = case.ruled_out.iter().any(|r| r.treatment == *covered);
        if !tried && !ruled_out {
            f.warning(format!(
                "the plan covers {}, and the case records neither a trial of it nor why it is not appropriate; add it to prior_treatments[] or ruled_out[] (treatment, reason: contraindication, failed-trial, rems-or-access or patient-refusal, explanation)",
                covered.title()
            ));
        }
    }
}

/// How many days after the notice date a receipt date is taken without a word.
const RECEIPT_DAYS: i64 = 7;

pub(super) fn check_deadline(case: &Case, context: &Context, f: &mut Findings) {
    check_benefits_continuation(case, context, f);
    let level = law::level_of(case);
    let urgent = case.denial.as_ref().is_some_and(|d| d.urgent);
    if urgent && let Ok(Some((program, level))) = &level {
        match level.expedited_for(!case.request.dates_of_service.is_empty()) {
            Some(clock) => f.info(format!(
                "urgent: the packet asks for expedited review, a decision within {} ({})",
                clock.time, clock.cite
            )),
            None => f.warning(format!(
                "urgent, but {} has no expedited track for this {}: it will decide within {} \
                 ({}); call the plan, and ask the provider whether another route is faster",
                program.name(),
                level.name,
                level.standard.time,
                level.standard.cite
            )),
        }
    }
    if let (Ok(Some((_, level))), Some(denial)) = (&level, &case.denial)
        && let law::Window::Fixed {
            from: law::From::PresumedReceipt,
            cite,
            ..
        } = level.window
        && let (Some(notice), Some(received)) = (denial.date, denial.received)
        && received > deadline::presumed_receipt(notice)
    {
        f.warning(format!(
            "denial.received is more than 5 days after the notice date; the plan will presume \
             receipt 5 days after it unless you show otherwise ({cite}), so the deadline \
             counts from then"
        ));
    }
    // A window counted from receipt trusts the receipt date: a late one needs its proof.
    if let (Ok(Some((program, level))), Some(denial)) = (&level, &case.denial)
        && let law::Window::Fixed {
            from: law::From::Receipt,
            ..
        } = level.window
        && let (Some(notice), Some(received)) = (denial.date, denial.received)
        && notice.days_until(received) > RECEIPT_DAYS
    {
        f.warning(format!(
            "denial.received is {} days after the notice date; {} counts the window from \
             receipt, so keep proof of the day it came (the envelope, the portal's date), or \
             count from the notice date to be safe",
            notice.days_until(received),
            program.name()
        ));
    }
    if let (Some(stated), Ok(Deadline { date, .. })) = (
        case.denial.as_ref().and_then(|d| d.deadline),
        &context.deadline,
    ) && stated > *date
    {
        f.warning(format!(
            "the notice's deadline {stated} is later than the regulation allows: file by {date} (the rule's day, which the packet shows)"
        ));
    }
    let program = case.insurer.plan_type.map(Program::of);
    let late = match program.and_then(|p| p.good_cause(case.stage)) {
        Some(cite) => format!("ask in writing for good cause to file late ({cite})"),
        None => "this program has no good-cause extension in its rules: file at once and ask whether the plan will still accept it, and call the state insurance regulator or a legal aid office".to_owned(),
    };
    // Once sent, the deadline is judged against the day it was sent, not today.
    if let Some(submission) = &case.submission {
        if let Ok(Deadline { date, .. }) = &context.deadline
            && submission.sent_on > *date
        {
            f.blocker(format!(
                "sent on {}, after the filing deadline {date}; {late}",
                submission.sent_on
            ));
        }
        return;
    }
    match &context.deadline {
        Ok(Deadline {
            date, days_left, ..
        }) => {
            if *days_left < 0 {
                f.blocker(format!(
                    "the filing deadline {date} passed {} days ago; {late}",
                    -days_left
                ));
            } else if *days_left <= CLOSE_DAYS {
                f.warning(format!(
                    "only {days_left} days left to file (deadline {date}); send by fax with confirmation"
                ));
            }
        }
        Err(Unknown::NoDenial | Unknown::NoNoticeDate) => {}
        Err(Unknown::NoPlanType) => {}
        Err(Unknown::NoSuchLevel(next)) => f.blocker(format!(
            "stage {} does not exist here: {next}",
            case.stage.as_str()
        )),
        Err(Unknown::SetByNotice(why)) => {
            let message =
                format!("{why}; copy the deadline from the denial notice into denial.deadline");
            // Where the law or appealpack cannot give the day, the notice's is required.
            if case.insurer.plan_type == Some(PlanType::Other) {
                f.warning(message);
            } else {
                f.blocker(message);
            }
        }
    }
}

/// Reports the day to ask for benefits to continue, where the case asks for it, with
/// what the patient risks.
fn check_benefits_continuation(case: &Case, context: &Context, f: &mut Findings) {
    let Some(denial) = case.denial.as_ref().filter(|d| d.continue_benefits) else {
        return;
    };
    let rule = case
        .insurer
        .plan_type
        .and_then(|p| Program::of(p).continuation(case.stage));
    let (Some(rule), Some(by)) = (rule, deadline::continuation_deadline(case, context.today))
    else {
        if denial.date.is_none() {
            return;
        }
        f.warning("denial.continue_benefits: appealpack knows continuation of benefits for Medicaid only (its plan appeal and State fair hearing); ask the plan in writing what it allows");
        return;
    };
    let risk = format!("{} ({})", rule.recovery, rule.risk);
    match &case.submission {
        Some(s) if s.sent_on > by.date => f.warning(format!(
            "sent on {}, after the last day to ask for benefits to continue ({}, {}): they do not continue automatically",
            s.sent_on, by.date, by.basis
        )),
        Some(_) => {}
        None if by.days_left < 0 => f.warning(format!(
            "the last day to ask for benefits to continue passed on {} ({}); the appeal itself may still be filed by its own deadline",
            by.date, by.basis
        )),
        None => f.warning(format!(
            "send by {} for benefits to continue while the appeal is pending ({}); {risk}",
            by.date, by.basis
        )),
    }
}

/// Finds the lifecycle dates that cannot be right and that a deadline counts from: an
/// appeal sent before the denial it appeals (the filing window is judged from the day it
/// was sent), and a decision received before its date, dated after today or received
/// after today (the next level's window counts from them).
fn lifecycle_blockers(case: &Case, context: &Context, f: &mut Findings) {
    let denied_on = case.denial.as_ref().and_then(|d| d.date);
    if let (Some(submission), Some(denied)) = (&case.submission, denied_on)
        && case.stage != Stage::PriorAuthorization
        && submission.sent_on < denied
    {
        f.blocker(
            "submission.sent_on is before denial.date: an appeal is sent after the denial it \
             appeals, and whether it was in time depends on both; check the dates",
        );
    }
    let Some(decision) = &case.decision else {
        return;
    };
    if decision.date > context.today {
        f.blocker(
            "decision.date is after today; copy it from the decision notice (the next level's \
             deadline counts from it)",
        );
    }
    if let Some(received) = decision.received {
        if received < decision.date {
            f.blocker(
                "decision.received is before decision.date: a notice arrives after it is \
                 dated, and the next level's deadline counts from its receipt; check the dates",
            );
        }
        if received > context.today {
            f.blocker(
                "decision.received is after today; record the day the notice arrived (the \
                 next level's deadline counts from it)",
            );
        }
    }
}

pub(super) fn check_continuation(_: &Case, context: &Context, f: &mut Findings) {
    for problem in &context.links.problems {
        f.blocker(problem.clone());
    }
    if let Some(by) = &context.links.continued_by {
        let date = context
            .next_level
            .as_ref()
            .and_then(|n| n.deadline.as_ref())
            .map(|d| format!(" (file by {})", d.date))
            .unwrap_or_default();
        f.info(format!(
            "continued in {by}, which files the next level: its deadline{date} is followed \
             there, not here"
        ));
    }
}

pub(super) fn check_decision(case: &Case, context: &Context, f: &mut Findings) {
    // Dates out of order are typos that would move every clock.
    for (i, past) in case.history.iter().enumerate() {
        if let (Some(filed), Some(decided)) = (past.filed_on, past.decided_on)
            && decided < filed
        {
            f.warning(format!(
                "history[{i}].decided_on is before its filed_on; check the dates"
            ));
        }
    }
    let first_date = |past: &crate::model::case::PastLevel| past.filed_on.or(past.decided_on);
    let dated: Vec<(usize, crate::model::fields::Date)> = case
        .history
        .iter()
        .enumerate()
        .filter_map(|(i, past)| Some((i, first_date(past)?)))
        .collect();
    if let Some(pair) = dated.windows(2).find(|w| w[1].1 < w[0].1) {
        f.warning(format!(
            "history[{}] is dated before history[{}]: list the earlier levels oldest first",
            pair[1].0, pair[0].0
        ));
    }
    lifecycle_blockers(case, context, f);
    if let Some(submission) = &case.submission {
        if case.prepared_on > submission.sent_on {
            f.warning("prepared_on is after submission.sent_on: the packet sent must have been prepared before it went; check the dates");
        }
        if submission.sent_on > context.today {
            f.warning("submission.sent_on is after today; check the date");
        }
        if submission.received.is_some_and(|r| r < submission.sent_on) {
            f.warning("submission.received is before submission.sent_on; check the dates");
        }
        if case
            .decision
            .as_ref()
            .is_some_and(|d| d.date < submission.sent_on)
        {
            f.warning("decision.date is before submission.sent_on; check the dates");
        }
    }
    let Some(submission) = &case.submission else {
        if case.decision.is_some() {
            f.warning("a decision is recorded but not the submission: add submission (sent_on, method) so the record is whole");
        }
        return;
    };
    if let (Some(to), Ok(due)) = (submission.extended_to, &context.decision_due)
        && case.decision.is_none()
    {
        match decision::extension(case) {
            None => f.warning(format!(
                "submission.extended_to: this plan may not extend its time to decide this \
                 level; the decision is due by {}",
                due.date
            )),
            Some((days, cite)) if to > due.date => f.warning(format!(
                "submission.extended_to is later than the {days} days {cite} allows; the \
                 decision is due by {}",
                due.date
            )),
            Some(_) => {}
        }
    }
    match (&case.decision, &context.decision_due) {
        (None, Ok(due)) if due.days_left < 0 => f.warning(format!(
            "overdue: the decision was due on {} ({}) and has not come; {}",
            due.date, due.basis, due.if_late
        )),
        (None, Ok(due)) => f.info(format!(
            "sent on {}; the decision is due by {} ({})",
            submission.sent_on, due.date, due.basis
        )),
        (None, Err(decision::NoClock::NeedsFact(field))) => f.warning(format!(
            "the decision's due date cannot be worked out: fill in {field}"
        )),
        (None, Err(decision::NoClock::NotTracked(why))) => {
            f.info(format!("sent on {}; {why}", submission.sent_on))
        }
        (Some(decision), _) => {
            let Some(next) = &context.next_level else {
                f.info(format!(
                    "{} on {}",
                    decision.outcome.as_str(),
                    decision.date
                ));
                return;
            };
            let by = next
                .deadline
                .as_ref()
                .map(|d| format!("; file by {} ({})", d.date, d.basis))
                .unwrap_or_default();
            let message = format!(
                "{} on {}: next, {}{by}",
                decision.outcome.as_str(),
                decision.date,
                next.what
            );
            match &next.deadline {
                Some(d) if d.days_left < 0 => f.warning(format!(
                    "{message}; that deadline passed {} days ago",
                    -d.days_left
                )),
                Some(d) if d.days_left <= CLOSE_DAYS => {
                    f.warning(format!("{message}; only {} days left", d.days_left))
                }
                _ => f.info(message),
            }
        }
    }
}

/// The fewest citations an appeal should carry.
const MIN_CITATIONS: usize = 3;

pub(super) fn check_evidence(case: &Case, context: &Context, f: &mut Findings) {
    for (i, key) in case.evidence.iter().enumerate() {
        if context.library.get(key).is_none() {
            // The suggestion is a key of the library, never the case's own text.
            let keys = context.library.references().iter().map(|r| r.key.as_str());
            let suggestion = closest(key, keys)
                .map(|k| format!("did you mean `{k}`? Or "))
                .unwrap_or_default();
            f.blocker(format!(
                "evidence[{i}] is not a key of the evidence library (templates/evidence.yaml); {suggestion}fix the key or add the reference under extra_evidence"
            ));
        }
    }
    let known = case
        .evidence
        .iter()
        .filter(|k| context.library.get(k).is_some())
        .count();
    let total = known + case.extra_evidence.len();
    evidence_fit_warnings(case, context, f);
    if total < MIN_CITATIONS {
        let count = match total {
            0 => "no citations".to_owned(),
            1 => "only 1 citation".to_owned(),
            n => format!("only {n} citations"),
        };
        let message = format!(
            "{count}; add at least {MIN_CITATIONS} under evidence (keys of templates/evidence.yaml) or extra_evidence"
        );
        let investigational = case
            .denial
            .as_ref()
            .is_some_and(|d| d.gives(DenialReason::ExperimentalInvestigational));
        if investigational {
            f.blocker(format!(
                "{message}: the plan calls the treatment investigational"
            ));
        } else {
            f.warning(message);
        }
    }
}

/// Warns, for each of the case's conditions that no cited reference studied, that the
/// letter cannot claim trial evidence for it and argues from the clinical record instead;
/// where the library holds a reference that did study it, names its key.
fn evidence_fit_warnings(case: &Case, context: &Context, f: &mut Findings) {
    for condition in evidence_fit(case, context.library).unsupported {
        // F41.1 is generalized anxiety disorder; other F41 codes are named generally.
        let words = if condition == Condition::Anxiety
            && case.diagnosis_codes().any(|c| c.starts_with("F41.1"))
        {
            "generalized anxiety"
        } else {
            condition.words()
        };
        let keys: Vec<&str> = context
            .library
            .references()
            .iter()
            .filter(|r| r.conditions.iter().any(|s| condition.studied_by(*s)))
            .map(|r| r.key.as_str())
            .collect();
        if keys.is_empty() {
            f.warning(format!(
                "no randomized trial of ketamine for {words} in the evidence library; argue \
                 from the clinical record (the treatments that failed, the scores, the \
                 functional impairment): the letter claims no trial evidence for it"
            ));
        } else {
            f.warning(format!(
                "no cited reference studied {words}, so the letter argues from the clinical \
                 record for it; the evidence library has {}: add to evidence",
                keys.join(", ")
            ));
        }
    }
}

pub(super) fn check_testimonials(case: &Case, _: &Context, f: &mut Findings) {
    if blank(case.patient_statement.as_deref()) && case.testimonials.is_empty() {
        f.warning("no patient statement or testimonial; add patient_statement or testimonials[]");
    }
}

pub(super) fn check_peer_review(case: &Case, _: &Context, f: &mut Findings) {
    // From the first denial on: a conversation between the provider and the plan's
    // reviewer often settles a case before the appeal is decided.
    // An external review is itself the independent review, and its reviewer holds no
    // peer-to-peer conversation.
    // A network or missing-records denial turns on no medical judgment to talk over.
    if case.stage < Stage::InternalAppeal
        || case.stage == Stage::ExternalReview
        || case
            .denial
            .as_ref()
            .is_some_and(|d| !d.turns_on_medical_judgment())
    {
        return;
    }
    if !case.peer_review.as_ref().is_some_and(|p| p.requested) {
        f.warning(format!(
            "stage {} should ask for a peer-to-peer conversation or review by an independent psychiatrist; set peer_review.requested: true",
            case.stage.as_str()
        ));
    }
}

/// Returns whether the plan needs a signed appointment of representative that the case
/// does not name: the organisation files, from the first appeal on.
pub(crate) fn needs_authorization(case: &Case) -> bool {
    case.stage >= Stage::InternalAppeal
        && case.filed_by != FiledBy::Patient
        && blank(case.representative_authorization.as_deref())
}

pub(super) fn check_representative(case: &Case, _: &Context, f: &mut Findings) {
    if needs_authorization(case) {
        let program = case.insurer.plan_type.map_or(Program::Other, Program::of);
        let rule = case
            .insurer
            .plan_type
            .map_or("a signed authorization the plan accepts", |_| {
                program.representative_rule()
            });
        f.blocker(format!(
            "the organisation files for the patient, so the plan needs {rule}; have \
             authorization-for-signature.pdf signed (it holds the elements of {}) and name \
             the scan in representative_authorization, or set filed_by: patient",
            program.appointment().rule
        ));
    }
    // An appointment signed after the appeal went did not authorise the filing it names.
    if let (Some(signed), Some(submission)) =
        (case.representative_authorization_signed, &case.submission)
        && signed > submission.sent_on
    {
        f.warning(format!(
            "representative_authorization_signed ({signed}) is after submission.sent_on ({}): \
             the appointment did not yet exist when the appeal was filed for the patient; \
             check the dates, and if they are right, send the plan the signed appointment \
             and ask it to confirm that the appeal stands",
            submission.sent_on
        ));
    }
}

pub(super) fn check_organisation(_: &Case, context: &Context, f: &mut Findings) {
    let Some(organisation) = context.organisation else {
        return;
    };
    for field in organisation.placeholders() {
        f.blocker(format!(
            "appealpack.yaml: `{field}` still holds the example value `appealpack init` wrote, \
             which every packet would print; replace it with your organisation's own"
        ));
    }
}

pub(super) fn check_attachments(_: &Case, context: &Context, f: &mut Findings) {
    for problem in &context.attachments.problems {
        f.blocker(problem.clone());
    }
}

pub(super) fn check_text_length(case: &Case, _: &Context, f: &mut Findings) {
    for (path, text) in case.markdown_fields() {
        if text.len() > MAX_MARKDOWN_BYTES {
            f.blocker(format!(
                "{path} is longer than {} KiB, so the packet leaves it out; shorten it and \
                 enclose the full record as an attached PDF",
                MAX_MARKDOWN_BYTES / 1024
            ));
        }
    }
}

pub(super) fn check_alternatives(case: &Case, _: &Context, f: &mut Findings) {
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
