//! Generates realistic, varied fictional cases for benchmarks.

mod pdf;

use std::fmt::Write as _;
use std::path::Path;

const FIRST: &[&str] = &[
    "Avery", "Jordan", "Riley", "Morgan", "Casey", "Quinn", "Harper", "Rowan", "Emerson", "Sage",
    "Dakota", "Reese", "Finley", "Skyler", "Parker", "Hayden",
];
const LAST: &[&str] = &[
    "Whitfield",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Castellano",
    "Nakamura",
    "Brennan",
    "Adeyemi",
    "Sorensen",
    "Delacroix",
    "Ferreira",
    "Kowalski",
    "Abernathy",
    "Iwasaki",
];
const PLANS: &[&str] = &[
    "aca-marketplace",
    "employer-fully-insured",
    "employer-self-funded",
    "medicare",
    "medicare-advantage",
    "medicaid",
    "other",
];
const STAGES: &[&str] = &[
    "prior-authorization",
    "internal-appeal",
    "second-level-appeal",
    "external-review",
];
const REASONS: &[&str] = &[
    "experimental-investigational",
    "not-medically-necessary",
    "not-a-covered-benefit",
    "missing-information",
    "out-of-network",
    "other",
];
const DIAGNOSES: &[(&str, &str)] = &[
    (
        "F33.2",
        "Major depressive disorder, recurrent, severe without psychotic features",
    ),
    (
        "F32.2",
        "Major depressive disorder, single episode, severe without psychotic features",
    ),
    (
        "F31.4",
        "Bipolar disorder, current episode depressed, severe",
    ),
    ("F43.10", "Post-traumatic stress disorder, unspecified"),
    ("F41.1", "Generalized anxiety disorder"),
];
const DRUGS: &[(&str, &str, &str)] = &[
    ("Sertraline", "antidepressant", "200 mg daily"),
    ("Escitalopram", "antidepressant", "20 mg daily"),
    ("Venlafaxine XR", "antidepressant", "225 mg daily"),
    ("Bupropion XL", "antidepressant", "450 mg daily"),
    ("Mirtazapine", "antidepressant", "45 mg nightly"),
    ("Aripiprazole", "augmentation", "5 mg daily"),
    ("Lithium carbonate", "augmentation", "900 mg daily"),
    ("Cognitive behavioural therapy", "psychotherapy", "weekly"),
    ("Transcranial magnetic stimulation", "tms", "36 sessions"),
];
const OUTCOMES: &[&str] = &["inadequate-response", "partial-response", "side-effects"];

/// A small deterministic pseudo-random generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Returns the YAML text of generated case number `n`, citing keys of `evidence`.
pub fn case_yaml(n: usize, evidence: &[&str]) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (n as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let stage = if n.is_multiple_of(10) {
        STAGES[0]
    } else {
        *rng.pick(&STAGES[1..])
    };
    let (code, description) = *rng.pick(DIAGNOSES);
    let name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
    let mut y = String::with_capacity(4096);
    let _ = writeln!(
        y,
        "# yaml-language-server: $schema=../schema/case.schema.json"
    );
    let _ = writeln!(y, "id: GEN-{n:06}");
    let _ = writeln!(y, "stage: {stage}");
    let _ = writeln!(y, "prepared_on: 2026-11-{:02}", 1 + rng.below(25));
    let _ = writeln!(
        y,
        "patient: {{ name: {name}, date_of_birth: 19{}-0{}-1{}, member_id: M{:09}, phone: 555-01{:02} }}",
        50 + rng.below(50),
        1 + rng.below(9),
        rng.below(10),
        rng.next() % 1_000_000_000,
        rng.below(100)
    );
    let _ = writeln!(
        y,
        "insurer:\n  name: Example Health {}\n  plan_type: {}\n  appeals_address: \"PO Box {}, Springfield\"\n  clinical_policy: Policy MH-{}\n  criteria:\n    - {{ criterion: Two failed antidepressants, how_met: Sertraline and venlafaxine at full dose }}",
        rng.below(20),
        rng.pick(PLANS),
        100 + rng.below(900),
        rng.below(100)
    );
    let _ = writeln!(
        y,
        "provider: {{ name: Dr {} {}, credentials: MD, specialty: Psychiatry, npi: 1234567893, supports_treatment: true }}",
        rng.pick(FIRST),
        rng.pick(LAST)
    );
    let _ = writeln!(
        y,
        "diagnoses:\n  - {{ code: {code}, description: \"{description}\", since: 2019-03-01 }}"
    );
    let _ = writeln!(
        y,
        "request: {{ treatment: Intravenous ketamine infusion, codes: [96365, 96366, J3490], sessions: 6, schedule: twice weekly for three weeks }}"
    );
    let _ = writeln!(y, "prior_treatments:");
    for i in 0..(2 + rng.below(4)) {
        let (drug, kind, dose) = *rng.pick(DRUGS);
        let start_month = 1 + 2 * i;
        let _ = writeln!(
            y,
            "  - {{ name: {drug}, kind: {kind}, dose: {dose}, started: 2024-{start_month:02}-01, ended: 2024-{:02}-20, outcome: {} }}",
            start_month + 1 + rng.below(2),
            rng.pick(OUTCOMES)
        );
    }
    if stage != "prior-authorization" {
        let _ = writeln!(
            y,
            "denial: {{ date: 2026-{:02}-{:02}, reference: DN-{n}, reason: {}, urgent: {} }}",
            6 + rng.below(5),
            1 + rng.below(28),
            rng.pick(REASONS),
            rng.below(8) == 0
        );
    }
    let _ = writeln!(
        y,
        "letter_of_medical_necessity:\n  draft: |\n    I am writing on behalf of **{name}**, whom I treat for {description} ({code}).\n\n    - PHQ-9 of {} at baseline\n    - Two antidepressant trials *failed* at adequate dose\n\n    Ketamine is requested because the alternatives were inadequate.",
        15 + rng.below(12)
    );
    let _ = writeln!(
        y,
        "clinical_summary: |\n  ## History\n  Symptoms since 2019 with {} hospitalisations. Function is *severely* impaired; see the table.\n\n  | Scale | Score |\n  |---|---|\n  | PHQ-9 | {} |",
        rng.below(3),
        15 + rng.below(12)
    );
    let _ = writeln!(
        y,
        "scores: [ {{ instrument: PHQ-9, score: {}, date: 2026-10-01 }} ]",
        15 + rng.below(12)
    );
    let _ = writeln!(
        y,
        "patient_statement: |\n  I have tried {} medicines. Some days I cannot get out of bed; my work and family suffer.\n  I want a chance at the treatment my doctor recommends.",
        2 + rng.below(5)
    );
    let picks: Vec<&str> = (0..3 + rng.below(3)).map(|_| *rng.pick(evidence)).collect();
    let _ = writeln!(y, "evidence: [{}]", picks.join(", "));
    let _ = writeln!(
        y,
        "peer_review: {{ requested: true, reviewer_specialty: Psychiatry }}"
    );
    y
}

/// Writes `count` generated cases into `dir/cases`, in folders of a hundred, citing the
/// references of the bundled evidence library.
pub fn write_cases(dir: &Path, count: usize) {
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/evidence.yaml");
    let library = appealpack::model::evidence::EvidenceLibrary::from_file(&templates).unwrap();
    let evidence: Vec<&str> = library
        .references()
        .iter()
        .map(|r| r.key.as_str())
        .collect();
    for n in 0..count {
        let folder = dir.join(format!("cases/batch-{:03}", n / 100));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join(format!("GEN-{n:06}.yaml")),
            case_yaml(n, &evidence),
        )
        .unwrap();
    }
}

/// Returns the YAML text of generated case number `n` as a real case folder has it: the
/// signed letter, a scanned record and an appointment of representative as files beside it.
pub fn real_case_yaml(n: usize, evidence: &[&str]) -> String {
    let yaml = case_yaml(n, evidence);
    let start = yaml
        .find("letter_of_medical_necessity:")
        .expect("a generated case has a letter");
    let end = yaml
        .find("clinical_summary:")
        .expect("a generated case has a clinical summary");
    format!(
        "{}letter_of_medical_necessity:\n  file: signed-letter.pdf\n{}attachments:\n  - {{ file: records.pdf, title: Clinic records }}\nrepresentative_authorization: appointment.pdf\n",
        &yaml[..start],
        &yaml[end..]
    )
}

/// Writes `count` generated cases into `dir/cases`, each in a folder of its own with its
/// files: a signed letter, an appointment and a scanned record of `APPEALPACK_BENCH_SCAN_PAGES`
/// pages (default 4), all different from case to case.
pub fn write_real_cases(dir: &Path, count: usize) {
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/evidence.yaml");
    let library = appealpack::model::evidence::EvidenceLibrary::from_file(&templates).unwrap();
    let evidence: Vec<&str> = library
        .references()
        .iter()
        .map(|r| r.key.as_str())
        .collect();
    let scan_pages: usize = std::env::var("APPEALPACK_BENCH_SCAN_PAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4);
    for n in 0..count {
        let folder = dir.join(format!("cases/batch-{:03}/GEN-{n:06}", n / 100));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("case.yaml"), real_case_yaml(n, &evidence)).unwrap();
        let letter = pdf::text_page(&[
            format!("Letter of medical necessity, case GEN-{n:06}"),
            "I treat this patient and ask that intravenous ketamine be covered.".to_owned(),
            "Two antidepressant trials at adequate dose and duration failed.".to_owned(),
            "Signed: Dr Example, MD".to_owned(),
        ]);
        std::fs::write(folder.join("signed-letter.pdf"), letter).unwrap();
        let appointment = pdf::text_page(&[
            format!("Appointment of representative, case GEN-{n:06}"),
            "The patient appoints the clinic to act in this appeal.".to_owned(),
            "Signed: the patient; the representative".to_owned(),
        ]);
        std::fs::write(folder.join("appointment.pdf"), appointment).unwrap();
        std::fs::write(
            folder.join("records.pdf"),
            pdf::scanned(scan_pages, n as u64),
        )
        .unwrap();
    }
}
