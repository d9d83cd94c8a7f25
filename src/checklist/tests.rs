//! Unit tests of the checklist: for every rule, a case that passes it and one that fails it.

use std::path::Path;

use super::*;
use crate::model::case::Case;
use codes::{icd10_is_well_formed, npi_is_valid};

/// A case at second-level appeal that passes every rule.
const GOOD: &str = r#"
id: KET-T-1
stage: second-level-appeal
prepared_on: 2026-11-20
patient: { name: Ann Example, date_of_birth: 1986-02-03, member_id: ABC123 }
insurer:
  name: Example Health
  plan_type: employer-self-funded
  appeals_address: PO Box 1, Springfield
  clinical_policy: "Policy MH-12: ketamine is investigational"
provider: { name: Dr Pat Lee, credentials: MD, npi: 1234567893, supports_treatment: true }
diagnoses:
  - { code: F33.2, description: "Major depressive disorder, recurrent, severe" }
request: { treatment: IV ketamine, codes: [96365, 96366, J3490], sessions: 6, schedule: twice weekly }
prior_treatments:
  - { name: Sertraline, kind: antidepressant, dose: 200 mg, started: 2024-01-01, ended: 2024-03-01, outcome: inadequate-response }
  - { name: Venlafaxine XR, kind: antidepressant, dose: 225 mg, started: 2024-04-01, ended: 2024-06-01, outcome: partial-response }
  - { name: CBT, kind: psychotherapy, started: 2023-01-01, ended: 2023-06-01, outcome: inadequate-response }
denial: { date: 2026-10-01, received: 2026-10-05, deadline: 2027-01-15, reference: DN-1, reason: experimental-investigational }
letter_of_medical_necessity:
  file: signed-lmn.pdf
patient_statement: I want my life back.
evidence: [murrough-2013, anand-2023, mcintyre-2021]
peer_review: { requested: true }
safety:
  monitoring: Blood pressure before, during and after each infusion
  screening: Psychosis and substance use screened at intake
  response_criterion: Continue past the sixth infusion only with a 50% fall in MADRS
filed_by: patient
"#;

fn today() -> Date {
    Date::parse("2026-11-26").unwrap()
}

/// Runs the checklist on a case whose folder holds a signed letter (`signed-lmn.pdf`).
fn run(yaml: &str) -> Vec<Finding> {
    run_in(
        yaml,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cases/KET-2026-0101"),
    )
}

fn run_in(yaml: &str, dir: &Path) -> Vec<Finding> {
    let case = Case::parse(Path::new("t.yaml"), yaml).unwrap_or_else(|e| panic!("{e}"));
    let library = EvidenceLibrary::from_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/evidence.yaml"),
    )
    .unwrap();
    let files = attachments::read(&case, &dir.join("case.yaml"));
    check(
        &case,
        &Context {
            organisation: None,
            today: today(),
            library: &library,
            attachments: &files,
            deadline: deadline::filing_deadline(&case, today()),
            decision_due: decision::due(&case, today()),
            next_level: decision::next_level(&case, today()),
            links: &Links::default(),
        },
    )
}

/// Returns the findings of one rule as `severity: message` lines.
fn of(findings: &[Finding], rule: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.rule.as_str() == rule)
        .map(|f| format!("{}: {}", f.severity.as_str(), f.message))
        .collect()
}

fn with(replace: &str, by: &str) -> String {
    assert!(GOOD.contains(replace), "GOOD lacks {replace:?}");
    GOOD.replacen(replace, by, 1)
}

#[test]
fn the_good_case_passes_every_rule() {
    let findings = run(GOOD);
    let not_info: Vec<_> = findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    assert!(not_info.is_empty(), "{not_info:#?}");
}

#[test]
fn rules_have_unique_ids_in_article_order() {
    let ids: Vec<&str> = RULES.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "provider",
            "lmn",
            "diagnosis",
            "prior-treatments",
            "covered-alternatives",
            "insurer-policy",
            "denial",
            "representative",
            "organisation",
            "urgency",
            "deadline",
            "decision",
            "continuation",
            "contacts",
            "evidence",
            "safety",
            "certification",
            "testimonials",
            "peer-review",
            "attachments",
            "text-length",
            "alternatives"
        ]
    );
}

#[test]
fn every_rule_id_has_its_rule_in_the_same_order() {
    let ids: Vec<RuleId> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, RuleId::ALL);
}

#[test]
fn rule_ids_read_back_as_written_and_an_unknown_one_is_refused_unquoted() {
    for &id in RuleId::ALL {
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{}\"", id.as_str()));
        assert_eq!(serde_json::from_str::<RuleId>(&json).unwrap(), id);
    }
    let error = serde_json::from_str::<RuleId>("\"Morgan Ellis\"")
        .unwrap_err()
        .to_string();
    assert!(error.contains("not a checklist rule"), "{error}");
    assert!(!error.contains("Morgan"), "{error}");
}

#[test]
fn npi_luhn_check() {
    assert!(npi_is_valid("1234567893"));
    assert!(!npi_is_valid("1234567890"));
    assert!(npi_is_valid("1245319599"));
    assert!(!npi_is_valid("123456789"));
    assert!(!npi_is_valid("12345678931"));
    assert!(!npi_is_valid("123456789X"));
}

#[test]
fn provider_rule() {
    let bad = with("npi: 1234567893", "npi: 1234567890");
    assert_eq!(
        of(&run(&bad), "provider"),
        [
            "blocker: provider.npi is not a valid NPI (10 digits with a Luhn check digit); check it against the NPI registry"
        ]
    );
    let bad = with("supports_treatment: true", "supports_treatment: false");
    assert_eq!(of(&run(&bad), "provider").len(), 1);
    let bad = with("credentials: MD, npi: 1234567893", "npi: 1234567893");
    assert_eq!(
        of(&run(&bad), "provider"),
        [
            "warning: the provider's credentials are missing; add provider.credentials (MD, DO, PMHNP...)"
        ]
    );
    let bad = with(
        "name: Dr Pat Lee, credentials: MD, npi: 1234567893, ",
        "name: '', ",
    );
    let found = of(&run(&bad), "provider");
    assert_eq!(found.len(), 3, "{found:?}");
}

#[test]
fn lmn_rule() {
    let signed = "  file: signed-lmn.pdf";
    let bad = with(&format!("letter_of_medical_necessity:\n{signed}"), "");
    assert_eq!(
        of(&run(&bad), "lmn"),
        [
            "blocker: no letter of medical necessity; add letter_of_medical_necessity.file (signed PDF) or .draft (Markdown)"
        ]
    );
    // A draft is not ready: the provider's signature is the next step.
    let draft = with(
        signed,
        "  draft: \"Diagnosis: severe recurrent major depression (PHQ-9 22). Two antidepressants failed.\"",
    );
    assert_eq!(
        of(&run(&draft), "lmn"),
        [
            "blocker: the letter of medical necessity is a draft: have the provider sign the letter for signature that build writes beside the packet (letter-for-signature.pdf), then name the signed scan in letter_of_medical_necessity.file"
        ]
    );
    let vague = with(signed, "  draft: \"Please cover this treatment.\"");
    assert!(
        of(&run(&vague), "lmn").contains(&"warning: the draft letter and clinical summary do not state the diagnosis, its severity (scores, suicide risk, impairment), why other treatments failed; add it to letter_of_medical_necessity.draft".to_string()),
        "{:?}",
        of(&run(&vague), "lmn")
    );
    let bad = format!("{GOOD}scores: [ {{ instrument: PHQ-9, score: 30, date: 2026-10-01 }} ]\n");
    assert!(of(&run(&bad), "lmn").contains(
        &"warning: scores[0].score is above the PHQ-9 maximum of 27; check it".to_string()
    ));
}

#[test]
fn icd10_codes() {
    for good in [
        "F33.2", "F32.A", "F43.10", "F31.4", "F41.1", "F33", "Z91.19",
    ] {
        assert!(icd10_is_well_formed(good), "{good}");
    }
    for bad in ["F3", "f33.2", "F33.", "F33.12345", "33.2", "F3X.1", "F33-2"] {
        assert!(!icd10_is_well_formed(bad), "{bad}");
    }
    assert_eq!(condition("F33.2"), Some(Condition::Depression));
    assert_eq!(condition("F32.A"), Some(Condition::Depression));
    assert_eq!(condition("F31.4"), Some(Condition::BipolarDepression));
    assert_eq!(condition("F31.81"), Some(Condition::BipolarDepression));
    assert_eq!(condition("F31.9"), None);
    assert_eq!(condition("F41.1"), Some(Condition::Anxiety));
    assert_eq!(condition("F43.12"), Some(Condition::Ptsd));
    assert_eq!(condition("F43.2"), None);
}

#[test]
fn diagnosis_rule() {
    let bad = with("code: F33.2", "code: f33.2");
    assert_eq!(of(&run(&bad), "diagnosis").len(), 1);
    assert!(
        of(&run(&bad), "diagnosis")[0]
            .starts_with("blocker: diagnoses[0].code is not a well-formed")
    );
    let odd = with("code: F33.2", "code: F90.0");
    assert!(of(&run(&odd), "diagnosis")[0].starts_with("warning: diagnoses[0].code is outside"));
    // Within scope, but a reviewer will question psychotic features and remission.
    for (code, why) in [
        ("F33.3", "psychotic features"),
        ("F32.5", "in remission"),
        ("F33.41", "in remission"),
    ] {
        let text = with("code: F33.2", &format!("code: {code}"));
        let found = of(&run(&text), "diagnosis");
        assert!(
            found.len() == 1 && found[0].starts_with("warning:") && found[0].contains(why),
            "{code}: {found:?}"
        );
    }
    // Bipolar II is within scope.
    assert!(of(&run(&with("code: F33.2", "code: F31.81")), "diagnosis").is_empty());
    let none = with(
        "diagnoses:\n  - { code: F33.2, description: \"Major depressive disorder, recurrent, severe\" }",
        "diagnoses: []",
    );
    assert_eq!(
        of(&run(&none), "diagnosis"),
        ["blocker: no diagnosis; add diagnoses[] with an ICD-10-CM code and description"]
    );
}

#[test]
fn prior_treatments_rule_for_depression() {
    let short = with(
        "ended: 2024-06-01, outcome: partial-response",
        "ended: 2024-05-01, outcome: partial-response",
    );
    assert_eq!(
        of(&run(&short), "prior-treatments"),
        [
            "blocker: only 1 antidepressant trial of 6+ weeks (or stopped for side effects, or contraindicated) documented in the current episode; add at least 2 (prior_treatments[].started/ended/outcome; current_episode: false marks an earlier episode's)"
        ]
    );
    let ongoing = with(
        "ended: 2024-06-01, outcome: partial-response",
        "outcome: ongoing",
    );
    assert_eq!(of(&run(&ongoing), "prior-treatments").len(), 1);
    let no_aug = with("kind: psychotherapy", "kind: other");
    assert_eq!(
        of(&run(&no_aug), "prior-treatments"),
        [
            "warning: no augmentation, psychotherapy, ECT or TMS documented; many plans ask for one (prior_treatments[].kind)"
        ]
    );
    let backwards = with(
        "started: 2024-04-01, ended: 2024-06-01",
        "started: 2024-06-01, ended: 2024-04-01",
    );
    let found = of(&run(&backwards), "prior-treatments");
    assert!(
        found.iter().any(|f| f.contains("ended before it started")),
        "{found:?}"
    );
    // A provider's summary that gives only "10 weeks" counts as a dated trial of that
    // length would; 4 weeks does not.
    let by_length = with(
        "started: 2024-04-01, ended: 2024-06-01",
        "duration_weeks: 10",
    );
    assert_ne!(by_length, GOOD);
    assert!(of(&run(&by_length), "prior-treatments").is_empty());
    let short = with(
        "started: 2024-04-01, ended: 2024-06-01",
        "duration_weeks: 4",
    );
    assert!(
        of(&run(&short), "prior-treatments")[0].contains("only 1 antidepressant trial"),
        "{:?}",
        of(&run(&short), "prior-treatments")
    );
    let neither = with("started: 2024-04-01, ended: 2024-06-01, ", "");
    assert!(
        of(&run(&neither), "prior-treatments")
            .iter()
            .any(|f| f.contains("has no start date and no length")),
    );
}

#[test]
fn an_earlier_episode_is_history_and_a_contraindication_counts_as_such() {
    // Sertraline from an earlier episode leaves one current trial: blocked.
    let earlier = with(
        "ended: 2024-03-01, outcome: inadequate-response",
        "ended: 2024-03-01, current_episode: false, outcome: inadequate-response",
    );
    let found = of(&run(&earlier), "prior-treatments");
    assert!(
        found[0].contains("only 1 antidepressant trial") && found[0].contains("current episode"),
        "{found:?}"
    );
    // A documented contraindication counts beside a failed trial, never as one.
    let contraindicated = earlier.replace(
        "  - { name: CBT,",
        "  - { name: Phenelzine, kind: antidepressant, duration_weeks: 1, outcome: contraindicated }\n  - { name: CBT,",
    );
    assert!(of(&run(&contraindicated), "prior-treatments").is_empty());
    let case = Case::parse(Path::new("t.yaml"), &contraindicated).unwrap();
    let phenelzine = &case.prior_treatments[2];
    assert!(phenelzine.contraindicated() && !phenelzine.failed_adequate_trial());
    assert!(!case.prior_treatments[0].failed_adequate_trial());
}

#[test]
fn a_tms_course_counts_by_its_sessions() {
    let tms = |sessions: &str| {
        let yaml = with(
            "  - { name: CBT,",
            &format!(
                "  - {{ name: TMS, kind: tms, started: 2025-03-03, ended: 2025-04-11, {sessions}outcome: inadequate-response }}\n  - {{ name: CBT,"
            ),
        );
        Case::parse(Path::new("t.yaml"), &yaml)
            .unwrap()
            .prior_treatments[2]
            .failed_adequate_trial()
    };
    // 30 sessions over five and a half weeks is a completed course; 20 is not.
    assert!(tms("sessions: 30, "));
    assert!(!tms("sessions: 20, "));
    assert!(!tms(""));
}

#[test]
fn covered_alternatives_rule() {
    let covers = with(
        "  clinical_policy:",
        "  covers: [esketamine, ect]\n  clinical_policy:",
    );
    assert_eq!(
        of(&run(&covers), "covered-alternatives"),
        [
            "warning: the plan covers esketamine, and the case records neither a trial of it nor why it is not appropriate; add it to prior_treatments[] or ruled_out[] (treatment, reason: contraindication, failed-trial, rems-or-access or patient-refusal, explanation)",
            "warning: the plan covers ECT, and the case records neither a trial of it nor why it is not appropriate; add it to prior_treatments[] or ruled_out[] (treatment, reason: contraindication, failed-trial, rems-or-access or patient-refusal, explanation)",
        ]
    );
    let answered = format!(
        "{}ruled_out:\n  - {{ treatment: ect, reason: patient-refusal, explanation: She declined ECT for fear of memory loss }}\n",
        covers.replace(
            "  - { name: CBT,",
            "  - { name: Spravato, kind: esketamine, started: 2025-01-01, ended: 2025-03-01, outcome: inadequate-response }\n  - { name: CBT,"
        )
    );
    assert!(of(&run(&answered), "covered-alternatives").is_empty());
}

#[test]
fn several_reasons_and_missing_records() {
    let two = with(
        "reason: experimental-investigational",
        "reasons: [experimental-investigational, missing-information]",
    );
    let found = of(&run(&two), "denial");
    assert_eq!(
        found,
        [
            "blocker: the plan says information was missing: list each record the notice names under denial.missing[] (record, answered_by: the attachment that answers it)"
        ]
    );
    // The investigational reason among several still asks for the evidence.
    let few = two.replace(
        "evidence: [murrough-2013, anand-2023, mcintyre-2021]",
        "evidence: [murrough-2013]",
    );
    assert!(of(&run(&few), "evidence")[0].starts_with("blocker:"));
    let listed = two.replace(
        "missing-information]",
        "missing-information], missing: [{ record: Infusion records }, { record: Progress notes, answered_by: notes.pdf }]",
    );
    assert_eq!(
        of(&run(&listed), "denial"),
        [
            "blocker: denial.missing[1].answered_by names a file that is not under attachments[]; add it there so it is enclosed",
            "blocker: records the plan said were missing are not answered yet (denial.missing[0]): get each, add it under attachments[] and name its file in answered_by",
        ]
    );
    // Both fields given: every reason is answered, each once.
    let both = with(
        "reason: experimental-investigational",
        "reason: experimental-investigational, reasons: [not-medically-necessary, experimental-investigational]",
    );
    let case = Case::parse(Path::new("t.yaml"), &both).unwrap();
    assert_eq!(
        case.denial.unwrap().all_reasons(),
        [
            crate::model::case::DenialReason::ExperimentalInvestigational,
            crate::model::case::DenialReason::NotMedicallyNecessary
        ]
    );
}

#[test]
fn prior_treatments_rule_for_ptsd() {
    let ptsd = with("code: F33.2", "code: F43.10");
    assert!(of(&run(&ptsd), "prior-treatments").is_empty());
    let only_tms = ptsd
        .replace("kind: antidepressant", "kind: tms")
        .replace("kind: psychotherapy", "kind: other");
    assert_eq!(of(&run(&only_tms), "prior-treatments").len(), 1);
    assert!(
        of(&run(&only_tms), "prior-treatments")[0].starts_with("blocker: no first-line treatment")
    );
}

#[test]
fn contacts_rule_follows_up_and_counts_the_days_a_request_waits() {
    let log = |entries: &str| format!("{GOOD}contacts:\n{entries}");
    let case = log(
        "  - { date: 2026-11-02, with: plan, how: call, kind: claim-file-request, follow_up: 2026-11-20 }\n\
           \x20 - { date: 2026-11-10, with: provider, how: fax, kind: records-request }\n\
           \x20 - { date: 2026-11-12, with: provider, how: portal, kind: records-received, follow_up: 2026-11-30 }\n",
    );
    assert_eq!(
        of(&run(&case), "contacts"),
        [
            // No contact since 2026-11-20: that follow-up is still open, and overdue.
            "warning: a follow-up was due on 2026-11-20, 6 days ago; log it with `appealpack log`",
            "info: claim-file-request of 2026-11-02 waiting 24 days for its answer"
        ]
    );
    // A follow-up no later contact has passed is overdue; one a later contact passed is done.
    let case = log(
        "  - { date: 2026-11-02, with: plan, how: call, kind: status-check, follow_up: 2026-11-09 }\n",
    );
    assert_eq!(
        of(&run(&case), "contacts"),
        ["warning: a follow-up was due on 2026-11-09, 17 days ago; log it with `appealpack log`"]
    );
    let case = log(
        "  - { date: 2026-11-02, with: plan, how: call, kind: status-check, follow_up: 2026-11-09 }\n\
           \x20 - { date: 2026-11-10, with: plan, how: call, kind: status-check }\n",
    );
    assert!(of(&run(&case), "contacts").is_empty());
    let case = log(
        "  - { date: 2026-11-25, with: plan, how: call, kind: status-check, follow_up: 2026-11-30 }\n",
    );
    assert_eq!(
        of(&run(&case), "contacts"),
        ["info: next follow-up on 2026-11-30, in 4 days"]
    );
}

#[test]
fn appeal_levels_are_asked_for_before_sending() {
    let first = with("stage: second-level-appeal", "stage: internal-appeal");
    let asked = "warning: insurer.appeal_levels is empty: find out from the plan document";
    assert!(
        of(&run(&first), "insurer-policy")
            .iter()
            .any(|f| f.starts_with(asked))
    );
    let levels = first.replace("  plan_type:", "  appeal_levels: 2\n  plan_type:");
    assert!(of(&run(&levels), "insurer-policy").is_empty());
    // A second level implies two.
    assert!(of(&run(GOOD), "insurer-policy").is_empty());
}

#[test]
fn insurer_policy_rule() {
    let bad = with(
        "  clinical_policy: \"Policy MH-12: ketamine is investigational\"\n",
        "",
    );
    assert_eq!(
        of(&run(&bad), "insurer-policy"),
        [
            "warning: the plan's clinical policy for ketamine has not been reviewed; add insurer.clinical_policy (its name, number and what it requires)"
        ]
    );
    let bad = with("member_id: ABC123", "member_id: ''")
        .replace("  plan_type: employer-self-funded\n", "")
        .replace("  appeals_address: PO Box 1, Springfield\n", "");
    let found = of(&run(&bad), "insurer-policy");
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found.iter().all(|f| f.starts_with("blocker")));
    let nmn = with(
        "reason: experimental-investigational",
        "reason: not-medically-necessary",
    );
    assert!(of(&run(&nmn), "insurer-policy")[0].contains("insurer.criteria"));
}

#[test]
fn denial_rule() {
    let bad = with(
        "denial: { date: 2026-10-01, received: 2026-10-05, deadline: 2027-01-15, reference: DN-1, reason: experimental-investigational }",
        "denial: { date: 2026-10-01 }",
    );
    let found = of(&run(&bad), "denial");
    assert_eq!(found.len(), 2, "{found:?}");
    // A denied prior authorization is appealed: a denial at that stage is a trap.
    let prior_auth = bad.replace("stage: second-level-appeal", "stage: prior-authorization");
    assert_eq!(
        of(&run(&prior_auth), "denial"),
        [
            "blocker: the case has a denial but stage prior-authorization: a denied prior authorization is appealed, so set stage: internal-appeal (the denial's deadline then counts)"
        ]
    );
    // An external reviewer must see the final adverse determination: the notice is
    // named, found and enclosed first.
    let external = with("stage: second-level-appeal", "stage: external-review");
    let found = of(&run(&external), "denial");
    assert!(
        found
            .iter()
            .any(|f| f.contains("needs the plan's final adverse determination enclosed")),
        "{found:?}"
    );
    let named = external.replace(
        "reason: experimental-investigational }",
        "reason: experimental-investigational, notice: denial-notice.pdf }",
    );
    assert_ne!(named, external);
    assert!(
        !of(&run(&named), "denial")
            .iter()
            .any(|f| f.contains("final adverse determination")),
    );
    let case = Case::parse(Path::new("t.yaml"), &named).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cases/KET-2026-0101");
    let files = attachments::read(&case, &fixture.join("case.yaml"));
    assert_eq!(
        files.enclosures[1].title, "The plan's final adverse determination",
        "{:?}",
        files.enclosures
    );
    // A notice from the future is a typo, and its deadline would overstate the time left.
    let future = with(
        "date: 2026-10-01, received: 2026-10-05",
        "date: 2026-12-01, received: 2026-12-05",
    );
    assert_eq!(
        of(&run(&future), "denial"),
        [
            "blocker: denial.date is after today (2026-11-26); check it against the notice",
            "blocker: denial.received is after today (2026-11-26); check it against the notice",
        ]
    );
}

#[test]
fn deadline_rule() {
    // Received 2026-10-05 + 180 days is comfortably later.
    assert!(of(&run(GOOD), "deadline").is_empty());
    let passed = with("deadline: 2027-01-15", "deadline: 2026-11-01");
    assert_eq!(
        of(&run(&passed), "deadline"),
        [
            "blocker: the filing deadline 2026-11-01 passed 25 days ago; this program has no good-cause extension in its rules: file at once and ask whether the plan will still accept it, and call the state insurance regulator or a legal aid office"
        ]
    );
    let close = with("deadline: 2027-01-15", "deadline: 2026-12-10");
    assert_eq!(
        of(&run(&close), "deadline"),
        ["warning: only 14 days left to file (deadline 2026-12-10); send by fax with confirmation"]
    );
    let urgent = with(
        "reason: experimental-investigational",
        "reason: experimental-investigational, urgent: true",
    );
    assert_eq!(
        of(&run(&urgent), "deadline"),
        [
            "info: urgent: the packet asks for expedited review, a decision within 72 hours (29 CFR 2560.503-1(i)(2)(i))"
        ]
    );
    // Care already given is decided on the standard clock, as is every Original Medicare
    // redetermination.
    let given = urgent.replace(
        "sessions: 6,",
        "sessions: 6, dates_of_service: [2026-09-01],",
    );
    assert!(
        of(&run(&given), "deadline")[0].starts_with(
            "warning: urgent, but a self-funded employer plan (ERISA) has no expedited track for this second-level internal appeal: it will decide within 30 days for a service not yet given, 60 days for one already given (29 CFR 2560.503-1(i)(2))"
        ),
        "{:?}",
        of(&run(&given), "deadline")
    );
    let medicare = urgent
        .replace("plan_type: employer-self-funded", "plan_type: medicare")
        .replace("stage: second-level-appeal", "stage: internal-appeal");
    assert!(of(&run(&medicare), "deadline")[0].contains("Original Medicare has no expedited track for this redetermination: it will decide within 60 days (42 CFR 405.950)"));

    // Medicaid fee-for-service leaves the window to the State; a stage the program lacks
    // names the step to take instead.
    let medicaid = with("plan_type: employer-self-funded", "plan_type: medicaid")
        .replace("stage: second-level-appeal", "stage: internal-appeal")
        .replace("deadline: 2027-01-15, ", "");
    assert!(
        of(&run(&medicaid), "deadline")[0].starts_with("blocker: the State sets the window"),
        "{:?}",
        of(&run(&medicaid), "deadline")
    );
    let marketplace = with(
        "plan_type: employer-self-funded",
        "plan_type: aca-marketplace",
    );
    assert_eq!(
        of(&run(&marketplace), "deadline"),
        [
            "blocker: stage second-level-appeal does not exist here: an individual (marketplace) plan has one level of internal appeal (45 CFR 147.136(b)(3)(ii)(G)); after it, request an external review (stage: external-review)"
        ]
    );
    // Original Medicare does not trust a receipt date later than the presumed one.
    let late = with("plan_type: employer-self-funded", "plan_type: medicare")
        .replace("stage: second-level-appeal", "stage: internal-appeal")
        .replace("received: 2026-10-05", "received: 2026-10-20");
    assert!(
        of(&run(&late), "deadline")
            .iter()
            .any(|f| f
                .starts_with("warning: denial.received is more than 5 days after the notice date")),
        "{:?}",
        of(&run(&late), "deadline")
    );
}

#[test]
fn evidence_rule() {
    let near = with("mcintyre-2021]", "mcintyre-2021, zarate-2005]");
    assert!(
        of(&run(&near), "evidence")[0].contains("did you mean `zarate-2006`?"),
        "{:?}",
        of(&run(&near), "evidence")
    );
    let unknown = with("mcintyre-2021]", "mcintyre-2021, smith-1999]");
    assert_eq!(
        of(&run(&unknown), "evidence"),
        [
            "blocker: evidence[3] is not a key of the evidence library (templates/evidence.yaml); fix the key or add the reference under extra_evidence"
        ]
    );
    let few = with(
        "[murrough-2013, anand-2023, mcintyre-2021]",
        "[murrough-2013]",
    );
    assert!(of(&run(&few), "evidence")[0].starts_with("blocker: only 1 citation;"));
    let few_nmn = few.replace(
        "reason: experimental-investigational",
        "reason: not-medically-necessary",
    );
    assert!(of(&run(&few_nmn), "evidence")[0].starts_with("warning: only 1 citation;"));
    let extra =
        format!("{few}extra_evidence: [ {{ citation: A }}, {{ citation: B, finding: C }} ]\n");
    assert!(of(&run(&extra), "evidence").is_empty());
}

#[test]
fn evidence_rule_warns_of_a_condition_no_cited_reference_studied() {
    // Generalized anxiety: nothing in the library studied it, said in words.
    let anxiety = with("code: F33.2", "code: F41.1");
    let found = of(&run(&anxiety), "evidence");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "warning: no randomized trial of ketamine for generalized anxiety in the evidence \
             library; argue from the clinical record"
        ),
        "{found:?}"
    );
    // Bipolar depression cited with unipolar trials only: the library's bipolar trials named.
    let bipolar = with("code: F33.2", "code: F31.4");
    let found = of(&run(&bipolar), "evidence");
    assert!(
        found[0].contains("no cited reference studied bipolar depression")
            && found[0].contains("diazgranados-2010, zarate-2012"),
        "{found:?}"
    );
    let cited = bipolar.replace(
        "[murrough-2013, anand-2023, mcintyre-2021]",
        "[murrough-2013, diazgranados-2010, zarate-2012]",
    );
    assert!(of(&run(&cited), "evidence").is_empty());
    // PTSD with the PTSD trials passes; with only depression trials it is warned.
    let ptsd = with("code: F33.2", "code: F43.12");
    assert!(of(&run(&ptsd), "evidence")[0].contains("feder-2014, feder-2021"));
    let ptsd = ptsd.replace(
        "[murrough-2013, anand-2023, mcintyre-2021]",
        "[feder-2014, feder-2021, sanacora-2017]",
    );
    assert!(of(&run(&ptsd), "evidence").is_empty());
}

#[test]
fn urgency_rule() {
    let urgent = with(
        "reason: experimental-investigational }",
        "reason: experimental-investigational, urgent: true }",
    );
    assert!(
        of(&run(&urgent), "urgency")[0]
            .starts_with("blocker: denial.urgent is set but the case does not say who determined"),
        "{:?}",
        of(&run(&urgent), "urgency")
    );
    let named = urgent.replace(
        "urgent: true }",
        "urgent: true, urgency_determined_by: Dr Pat Lee }",
    );
    assert_eq!(
        of(&run(&named), "urgency"),
        [
            "warning: add denial.urgency_determined_on, the day the treating physician determined that the request is urgent"
        ]
    );
    let dated = named.replace(
        "Dr Pat Lee }",
        "Dr Pat Lee, urgency_determined_on: 2026-10-06 }",
    );
    assert!(of(&run(&dated), "urgency").is_empty());
    assert!(of(&run(GOOD), "urgency").is_empty());
}

#[test]
fn safety_rule() {
    let start = GOOD.find("safety:").unwrap();
    let end = GOOD.find("filed_by:").unwrap();
    let none = format!("{}{}", &GOOD[..start], &GOOD[end..]);
    let found = of(&run(&none), "safety");
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("warning: no safety plan for the infusions"),
        "{found:?}"
    );
    let part = with(
        "  response_criterion: Continue past the sixth infusion only with a 50% fall in MADRS\n",
        "",
    );
    assert_eq!(
        of(&run(&part), "safety"),
        [
            "warning: the safety plan lacks safety.response_criterion (what response continues treatment after the first infusions)"
        ]
    );
    // A request that is not for infusions needs none.
    let other = none.replace("codes: [96365, 96366, J3490]", "codes: [G2082]");
    assert!(of(&run(&other), "safety").is_empty());
}

#[test]
fn certification_rule() {
    let external = with("stage: second-level-appeal", "stage: external-review");
    let found = of(&run(&external), "certification");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("the treating physician's certification"),
        "{found:?}"
    );
    let certified = format!("{external}physician_certification: 2026-11-18\n");
    assert!(of(&run(&certified), "certification").is_empty());
    // Not asked before the external review, nor for another reason.
    assert!(of(&run(GOOD), "certification").is_empty());
    let necessity = external.replace(
        "reason: experimental-investigational",
        "reason: not-medically-necessary",
    );
    assert!(of(&run(&necessity), "certification").is_empty());
    // An external review asks for no peer-to-peer conversation.
    let no_peer = external.replace("peer_review: { requested: true }\n", "");
    assert!(of(&run(&no_peer), "peer-review").is_empty());
}

#[test]
fn testimonials_rule() {
    let bad = with("patient_statement: I want my life back.", "");
    assert_eq!(
        of(&run(&bad), "testimonials"),
        ["warning: no patient statement or testimonial; add patient_statement or testimonials[]"]
    );
    let testimonial = format!(
        "{bad}testimonials: [ {{ author: Sam, relation: brother, text: She tried everything. }} ]\n"
    );
    assert!(of(&run(&testimonial), "testimonials").is_empty());
}

#[test]
fn peer_review_rule() {
    let bad = with(
        "peer_review: { requested: true }",
        "peer_review: { requested: false }",
    );
    assert_eq!(of(&run(&bad), "peer-review").len(), 1);
    // From the first denial on, not only at the second level.
    let internal = bad.replace("stage: second-level-appeal", "stage: internal-appeal");
    assert_eq!(of(&run(&internal), "peer-review").len(), 1);
    let request = bad.replace("stage: second-level-appeal", "stage: prior-authorization");
    assert!(of(&run(&request), "peer-review").is_empty());
    // A network denial turns on no medical judgment; one reason of several that does
    // brings the conversation back.
    let network = bad.replace(
        "reason: experimental-investigational",
        "reason: out-of-network",
    );
    assert!(of(&run(&network), "peer-review").is_empty());
    let both = bad.replace(
        "reason: experimental-investigational",
        "reasons: [out-of-network, not-medically-necessary]",
    );
    assert_eq!(of(&run(&both), "peer-review").len(), 1);
}

#[test]
fn representative_rule() {
    assert!(
        of(&run(GOOD), "representative").is_empty(),
        "the patient files GOOD"
    );
    let organisation = with("filed_by: patient\n", "");
    let found = of(&run(&organisation), "representative");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("29 CFR 2560.503-1(b)(4)"), "{found:?}");
    assert!(
        found[0].contains("authorization-for-signature.pdf")
            && found[0].contains("the elements of 29 CFR 2560.503-1(b)(4)"),
        "{found:?}"
    );
    let medicare = organisation.replace("plan_type: employer-self-funded", "plan_type: medicare");
    let found = of(&run(&medicare), "representative");
    assert!(found[0].contains("CMS-1696"), "{found:?}");
    assert!(
        found[0].contains("the elements of 42 CFR 405.910(c)"),
        "{found:?}"
    );
    let named = format!("{organisation}representative_authorization: aor.pdf\n");
    assert!(of(&run(&named), "representative").is_empty());
    // Signed on the day the appeal went: fine; the day after: flagged.
    let sent = "submission: { sent_on: 2026-11-02, method: fax }\n";
    let on_time = format!("{named}representative_authorization_signed: 2026-11-02\n{sent}");
    assert!(of(&run(&on_time), "representative").is_empty());
    let after = format!("{named}representative_authorization_signed: 2026-11-03\n{sent}");
    assert_eq!(
        of(&run(&after), "representative"),
        [
            "warning: representative_authorization_signed (2026-11-03) is after submission.sent_on (2026-11-02): the appointment did not yet exist when the appeal was filed for the patient; check the dates, and if they are right, send the plan the signed appointment and ask it to confirm that the appeal stands"
        ]
    );
}

#[test]
fn attachments_rule() {
    let dir = tempfile::tempdir().unwrap();
    let case_dir = dir.path().join("case");
    std::fs::create_dir(&case_dir).unwrap();
    // Real files: the rule reads them as the packet will.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cases/KET-2026-0101");
    std::fs::copy(
        fixture.join("denial-notice.pdf"),
        case_dir.join("notice.pdf"),
    )
    .unwrap();
    std::fs::copy(
        fixture.join("insurance-card.png"),
        case_dir.join("chart.png"),
    )
    .unwrap();
    std::fs::copy(
        fixture.join("signed-lmn.pdf"),
        case_dir.join("signed-lmn.pdf"),
    )
    .unwrap();
    std::fs::write(case_dir.join("damaged.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
    std::fs::write(case_dir.join("damaged.png"), b"\x89PNG\r\n\x1a\nrest").unwrap();
    std::fs::write(case_dir.join("notes.txt"), b"hello").unwrap();
    std::fs::write(dir.path().join("outside.pdf"), b"%PDF-1.4\n").unwrap();
    let good = format!(
        "{GOOD}attachments:\n  - {{ file: notice.pdf, title: Denial notice }}\n  - {{ file: ./chart.png, title: Chart }}\n"
    );
    assert!(of(&run_in(&good, &case_dir), "attachments").is_empty());
    let bad = format!(
        "{GOOD}attachments:\n  - {{ file: missing.pdf, title: A }}\n  - {{ file: ../outside.pdf, title: B }}\n  - {{ file: /etc/passwd, title: C }}\n  - {{ file: notes.txt, title: D }}\n  - {{ file: damaged.pdf, title: E }}\n  - {{ file: damaged.png, title: F }}\n"
    );
    let found = of(&run_in(&bad, &case_dir), "attachments");
    assert_eq!(
        found,
        [
            "blocker: attachments[0].file: does not exist in the case folder",
            "blocker: attachments[1].file: leaves the case folder; name a file beside the case file",
            "blocker: attachments[2].file: leaves the case folder; name a file beside the case file",
            "blocker: attachments[3].file: is not a PDF, TIFF, PNG, JPEG or GIF file",
            "blocker: attachments[4].file cannot be enclosed: the PDF is damaged or truncated (it has no startxref); enclose a complete copy",
            "blocker: attachments[5].file cannot be enclosed: cannot be read as an image (damaged?): unexpected end of file",
        ]
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("outside.pdf"), case_dir.join("link.pdf"))
            .unwrap();
        let linked = format!("{GOOD}attachments:\n  - {{ file: link.pdf, title: L }}\n");
        assert_eq!(
            of(&run_in(&linked, &case_dir), "attachments"),
            ["blocker: attachments[0].file: is a link that leaves the case folder"]
        );
    }
    // A phone photo of the signed letter is enclosed as it is; a HEIC one says how to
    // save it as JPEG.
    let letter = GOOD.replace("file: signed-lmn.pdf", "file: chart.png");
    assert!(of(&run_in(&letter, &case_dir), "attachments").is_empty());
    std::fs::write(
        case_dir.join("photo.heic"),
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
    )
    .unwrap();
    let heic = GOOD.replace("file: signed-lmn.pdf", "file: photo.heic");
    let found = of(&run_in(&heic, &case_dir), "attachments");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("blocker: letter_of_medical_necessity.file: is a HEIC photo")
            && found[0].contains("save or export it as JPEG"),
        "{found:?}"
    );
}

#[test]
fn text_length_rule() {
    assert!(of(&run(GOOD), "text-length").is_empty());
    let long = "a ".repeat(40 * 1024);
    let text = format!(
        "{GOOD}clinical_summary: {long}\ntestimonials:\n  - {{ author: A, relation: B, text: {long} }}\n"
    );
    assert_eq!(
        of(&run(&text), "text-length"),
        [
            "blocker: clinical_summary is longer than 64 KiB, so the packet leaves it out; shorten it and enclose the full record as an attached PDF",
            "blocker: testimonials[0].text is longer than 64 KiB, so the packet leaves it out; shorten it and enclose the full record as an attached PDF",
        ]
    );
}

#[test]
fn alternatives_rule() {
    let external = with("stage: second-level-appeal", "stage: external-review");
    assert_eq!(of(&run(&external), "alternatives").len(), 3);
    assert!(
        of(&run(&external), "alternatives")
            .iter()
            .all(|f| f.starts_with("info"))
    );
    let covered = format!(
        "{external}alternatives: {{ self_pay_quote: $450 a session, installment_plan: 6 months, clinical_trials_considered: none nearby }}\n"
    );
    assert!(of(&run(&covered), "alternatives").is_empty());
    assert!(of(&run(GOOD), "alternatives").is_empty());
}

#[test]
fn findings_are_sorted_most_severe_first() {
    let bad = with("supports_treatment: true", "supports_treatment: false")
        .replace("patient_statement: I want my life back.", "");
    let severities: Vec<Severity> = run(&bad).iter().map(|f| f.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort_by_key(|s| std::cmp::Reverse(*s));
    assert_eq!(severities, sorted);
    assert_eq!(severities[0], Severity::Blocker);
}

#[test]
fn a_trial_stopped_for_side_effects_counts_as_failed() {
    let short = with(
        "ended: 2024-06-01, outcome: partial-response",
        "ended: 2024-04-15, outcome: side-effects",
    );
    assert!(of(&run(&short), "prior-treatments").is_empty());
}

#[test]
fn bipolar_depression_counts_mood_stabilizers_and_antipsychotics() {
    let bipolar = with("code: F33.2", "code: F31.4");
    // Two antidepressants do not answer bipolar depression.
    assert!(
        of(&run(&bipolar), "prior-treatments")[0]
            .starts_with("blocker: only 0 trials of a mood stabilizer or antipsychotic")
    );
    let treated = bipolar
        .replace(
            "name: Sertraline, kind: antidepressant",
            "name: Lithium, kind: mood-stabilizer",
        )
        .replace(
            "name: Venlafaxine XR, kind: antidepressant",
            "name: Quetiapine, kind: antipsychotic",
        );
    assert!(of(&run(&treated), "prior-treatments").is_empty());
}

#[test]
fn a_sent_packet_is_judged_by_the_day_it_was_sent() {
    // GOOD's deadline is 180 days from receipt on 2026-10-05: 2027-04-03.
    let sent = format!("{GOOD}submission: {{ sent_on: 2026-11-02, method: fax }}\n");
    assert!(of(&run(&sent), "deadline").is_empty());
    let late = GOOD.replace("deadline: 2027-01-15", "deadline: 2026-11-01")
        + "submission: { sent_on: 2026-11-02, method: fax }\n";
    assert_eq!(
        of(&run(&late), "deadline"),
        [
            "blocker: sent on 2026-11-02, after the filing deadline 2026-11-01; this program has no good-cause extension in its rules: file at once and ask whether the plan will still accept it, and call the state insurance regulator or a legal aid office"
        ]
    );
    // A gap in a sent packet no longer blocks: it is made good by a supplement.
    let gap = sent.replace("reference: DN-1, ", "");
    let denial = of(&run(&gap), "denial");
    assert!(
        denial[0].starts_with("warning: sent with this gap"),
        "{denial:?}"
    );
}

#[test]
fn decision_rule() {
    // Second level of an employer plan, pre-service: 15 days (29 CFR 2560.503-1(i)(2)(ii)).
    let waiting = format!("{GOOD}submission: {{ sent_on: 2026-11-20, method: fax }}\n");
    assert_eq!(
        of(&run(&waiting), "decision"),
        [
            "info: sent on 2026-11-20; the decision is due by 2026-12-05 (15 days (one of two levels) from the day it was sent on 2026-11-20 (29 CFR 2560.503-1(i)(2)(ii)))"
        ]
    );
    let late = format!("{GOOD}submission: {{ sent_on: 2026-11-02, method: fax }}\n")
        .replace("prepared_on: 2026-11-20", "prepared_on: 2026-11-02");
    let found = of(&run(&late), "decision");
    assert!(
        found[0].starts_with("warning: overdue: the decision was due on 2026-11-17"),
        "{found:?}"
    );
    assert!(found[0].contains("deemed exhausted"), "{found:?}");
    let mailed = format!("{GOOD}submission: {{ sent_on: 2026-11-20, method: mail }}\n");
    let found = of(&run(&mailed), "decision");
    assert!(
        found[0].starts_with(
            "warning: the decision's due date cannot be worked out: fill in submission.received"
        ),
        "{found:?}"
    );
    let denied = format!(
        "{GOOD}submission: {{ sent_on: 2026-11-02, method: fax }}\ndecision: {{ date: 2026-11-10, received: 2026-11-12, outcome: denied }}\n"
    )
    .replace("prepared_on: 2026-11-20", "prepared_on: 2026-11-02");
    let found = of(&run(&denied), "decision");
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("info: denied on 2026-11-10: next, file an external review (stage: external-review); file by 2027-03-12"), "{found:?}");
    let approved = format!(
        "{GOOD}submission: {{ sent_on: 2026-11-02, method: fax }}\ndecision: {{ date: 2026-11-10, outcome: approved }}\n"
    )
    .replace("prepared_on: 2026-11-20", "prepared_on: 2026-11-02");
    assert_eq!(
        of(&run(&approved), "decision"),
        ["info: approved on 2026-11-10"]
    );
    assert!(of(&run(GOOD), "decision").is_empty());
}

#[test]
fn lifecycle_dates_out_of_order_are_named() {
    let odd = format!(
        "{GOOD}submission: {{ sent_on: 2026-11-30, method: fax, received: 2026-11-29 }}\n\
         decision: {{ date: 2026-11-20, outcome: denied }}\n\
         history: [{{ stage: internal-appeal, filed_on: 2026-09-01, decided_on: 2026-08-01 }}]\n"
    );
    let found = of(&run(&odd), "decision");
    for expected in [
        "warning: history[0].decided_on is before its filed_on; check the dates",
        "warning: submission.sent_on is after today; check the date",
        "warning: submission.received is before submission.sent_on; check the dates",
        "warning: decision.date is before submission.sent_on; check the dates",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} not in {found:?}"
        );
    }
}

#[test]
fn an_extension_the_plan_may_not_give_is_named() {
    // An employer plan's appeal clock cannot be extended (29 CFR 2560.503-1(i)(2)).
    let extended = format!(
        "{GOOD}submission: {{ sent_on: 2026-11-20, method: fax, extended_to: 2026-12-20 }}\n"
    );
    let found = of(&run(&extended), "decision");
    assert!(
        found.iter().any(|f| f
            == "warning: submission.extended_to: this plan may not extend its time to decide this level; the decision is due by 2026-12-05"),
        "{found:?}"
    );
}

#[test]
fn where_to_file_and_the_smaller_law_points() {
    // A level filed elsewhere than the plan needs its address (42 CFR 405.964(a)).
    let qic = GOOD.replace("plan_type: employer-self-funded", "plan_type: medicare");
    let found = of(&run(&qic), "insurer-policy");
    assert!(
        found.iter().any(|f| f
            .starts_with("blocker: this level is filed with the Qualified Independent Contractor")),
        "{found:?}"
    );
    let given = qic.replace(
        "plan_type: medicare",
        "plan_type: medicare\n  filing_address: QIC",
    );
    assert!(
        !of(&run(&given), "insurer-policy")
            .iter()
            .any(|f| f.contains("filing_address")),
    );
    // A fee-for-service Medicaid case whose insurer is a managed-care plan is questioned.
    let typed = GOOD
        .replace(
            "plan_type: employer-self-funded",
            "plan_type: medicaid\n  filing_address: X",
        )
        .replace("stage: second-level-appeal", "stage: internal-appeal")
        .replace("name: Example Health", "name: Example Health Partners");
    let found = of(&run(&typed), "insurer-policy");
    assert!(
        found.iter().any(|f| f.contains("medicaid-managed-care")),
        "{found:?}"
    );
    // A notice's later date, where the rule fixes the window, is warned about.
    let ma = GOOD
        .replace(
            "plan_type: employer-self-funded",
            "plan_type: medicare-advantage",
        )
        .replace("stage: second-level-appeal", "stage: internal-appeal")
        .replace("received: 2026-10-05, ", "");
    let found = of(&run(&ma), "deadline");
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("warning: the notice's deadline 2027-01-15 is later than the regulation allows: file by 2026-12-05")),
        "{found:?}"
    );
    // A receipt date weeks after the notice, for a window counted from receipt.
    let weeks = GOOD
        .replace("stage: second-level-appeal", "stage: internal-appeal")
        .replace("received: 2026-10-05", "received: 2026-10-25")
        .replace("deadline: 2027-01-15, ", "");
    let found = of(&run(&weeks), "deadline");
    assert!(
        found
            .iter()
            .any(|f| f.contains("24 days after the notice date")),
        "{found:?}"
    );
    // Continuation of benefits: the day to ask, and the risk.
    let mmc = GOOD
        .replace(
            "plan_type: employer-self-funded",
            "plan_type: medicaid-managed-care",
        )
        .replace("stage: second-level-appeal", "stage: internal-appeal")
        .replace(
            "deadline: 2027-01-15, ",
            "continue_benefits: true, effective_date: 2026-12-01, ",
        );
    let found = of(&run(&mmc), "deadline");
    assert!(
        found.iter().any(
            |f| f.starts_with("warning: send by 2026-12-01 for benefits to continue")
                && f.contains("may be recovered")
        ),
        "{found:?}"
    );
    // A packet prepared after it was sent.
    let after = format!("{GOOD}submission: {{ sent_on: 2026-11-10, method: fax }}\n");
    assert!(
        of(&run(&after), "decision")
            .iter()
            .any(|f| f.starts_with("warning: prepared_on is after submission.sent_on")),
    );
    // Good cause is offered where the rules have it (42 CFR 422.582(c)).
    let late_ma = ma.replace("deadline: 2027-01-15", "deadline: 2026-11-01");
    let found = of(&run(&late_ma), "deadline");
    assert!(
        found
            .iter()
            .any(|f| f.contains("good cause to file late (42 CFR 422.582(c))")),
        "{found:?}"
    );
}

#[test]
fn lifecycle_dates_a_deadline_counts_from_must_be_possible() {
    let sent_early = format!("{GOOD}submission: {{ sent_on: 2026-09-30, method: fax }}\n");
    let findings = run(&sent_early);
    assert!(
        of(&findings, "decision")
            .iter()
            .any(|f| f.starts_with("blocker: submission.sent_on is before denial.date")),
        "{findings:#?}"
    );
    let decided = |date: &str, received: &str| {
        format!(
            "{GOOD}submission: {{ sent_on: 2026-10-10, method: fax }}\n\
             decision: {{ date: {date}, received: {received}, outcome: denied }}\n"
        )
    };
    let early = run(&decided("2026-11-20", "2026-11-18"));
    assert!(
        of(&early, "decision")
            .iter()
            .any(|f| f.starts_with("blocker: decision.received is before decision.date")),
        "{early:#?}"
    );
    let future = run(&decided("2026-11-27", "2026-11-28"));
    let blockers = of(&future, "decision");
    assert!(
        blockers
            .iter()
            .any(|f| f.starts_with("blocker: decision.date is after today")),
        "{blockers:#?}"
    );
    assert!(
        blockers
            .iter()
            .any(|f| f.starts_with("blocker: decision.received is after today")),
        "{blockers:#?}"
    );
    let fine = run(&decided("2026-11-20", "2026-11-23"));
    assert!(
        of(&fine, "decision")
            .iter()
            .all(|f| !f.starts_with("blocker")),
        "{fine:#?}"
    );
}

#[test]
fn history_newest_first_is_a_warning() {
    let history = format!(
        "{GOOD}history:\n  - {{ stage: internal-appeal, filed_on: 2026-08-01 }}\n  \
         - {{ stage: prior-authorization, filed_on: 2026-05-01 }}\n"
    );
    let findings = of(&run(&history), "decision");
    assert!(
        findings
            .iter()
            .any(|f| f.starts_with("warning: history[1] is dated before history[0]")),
        "{findings:#?}"
    );
}

#[test]
fn a_date_of_birth_after_today_is_a_blocker() {
    let born = GOOD.replace("date_of_birth: 1986-02-03", "date_of_birth: 2027-02-03");
    let findings = of(&run(&born), "insurer-policy");
    assert!(
        findings.iter().any(|f| f
            == "blocker: patient.date_of_birth is after today; copy it from the insurance card"),
        "{findings:#?}"
    );
}

#[test]
fn a_continued_case_says_where_its_deadline_went_and_problems_block() {
    let links = Links {
        continues: None,
        continued_by: Some("KET-T-1-ER".into()),
        problems: vec!["history[0].case: KET-T-1 claims ... KET-T-0".into()],
    };
    let case = Case::parse(Path::new("t.yaml"), GOOD).unwrap();
    let library = EvidenceLibrary::from_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/evidence.yaml"),
    )
    .unwrap();
    let files = attachments::read(&case, Path::new("t.yaml"));
    let findings = check(
        &case,
        &Context {
            organisation: None,
            today: today(),
            library: &library,
            attachments: &files,
            deadline: deadline::filing_deadline(&case, today()),
            decision_due: decision::due(&case, today()),
            next_level: None,
            links: &links,
        },
    );
    let found = of(&findings, "continuation");
    assert_eq!(
        found,
        [
            "blocker: history[0].case: KET-T-1 claims ... KET-T-0",
            "info: continued in KET-T-1-ER, which files the next level: its deadline is \
             followed there, not here"
        ]
    );
}

#[test]
fn organisation_rule() {
    use crate::model::organisation::Organisation;
    let example = Organisation::parse(include_str!("../cmd/init/appealpack.yaml")).unwrap();
    let case = Case::parse(Path::new("t.yaml"), GOOD).unwrap();
    let library = EvidenceLibrary::from_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/evidence.yaml"),
    )
    .unwrap();
    let files = attachments::read(&case, Path::new("t.yaml"));
    let links = Links::default();
    let context = |organisation| Context {
        organisation,
        today: today(),
        library: &library,
        attachments: &files,
        deadline: crate::law::deadline::filing_deadline(&case, today()),
        decision_due: crate::law::decision::due(&case, today()),
        next_level: crate::law::decision::next_level(&case, today()),
        links: &links,
    };
    let found: Vec<String> = check(&case, &context(Some(&example)))
        .into_iter()
        .filter(|f| f.rule == RuleId::Organisation)
        .map(|f| format!("{}: {}", f.severity.as_str(), f.message))
        .collect();
    assert_eq!(found.len(), 6, "{found:?}");
    assert!(
        found[0].starts_with("blocker: appealpack.yaml: `name` still holds the example value"),
        "{found:?}"
    );
    let own = Organisation {
        name: "Riverbend Advocates".into(),
        address: "1 River St".into(),
        phone: "555-0199".into(),
        fax: None,
        email: None,
        signatory: "Jordan Avery".into(),
        signatory_title: None,
        show_names: false,
    };
    assert!(
        !check(&case, &context(Some(&own)))
            .iter()
            .any(|f| f.rule == RuleId::Organisation)
    );
    assert!(
        !check(&case, &context(None))
            .iter()
            .any(|f| f.rule == RuleId::Organisation)
    );
}
