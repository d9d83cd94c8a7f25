//! Code validation: National Provider Identifiers and ICD-10-CM diagnosis codes, and the
//! conditions the codes fall under, with the evidence that speaks for each.

use crate::model::case::Case;
use crate::model::evidence::{EvidenceLibrary, Studied};

/// Checks a National Provider Identifier: 10 digits, Luhn check digit over the `80840` prefix.
pub(crate) fn npi_is_valid(npi: &str) -> bool {
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

/// Returns whether a code is a well-formed ICD-10-CM code: letter, two digits, optional dot and up to four more.
pub(crate) fn icd10_is_well_formed(code: &str) -> bool {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Condition {
    /// Major depressive disorder, single episode (F32) or recurrent (F33).
    Depression,
    /// Bipolar disorder, current episode depressed (F31.3-F31.5), or bipolar II (F31.81).
    BipolarDepression,
    /// Anxiety disorders (F41).
    Anxiety,
    /// Post-traumatic stress disorder (F43.1).
    Ptsd,
}

impl Condition {
    /// Returns the condition in words, for a sentence.
    pub(crate) fn words(self) -> &'static str {
        match self {
            Condition::Depression => "major depression",
            Condition::BipolarDepression => "bipolar depression",
            Condition::Anxiety => "anxiety",
            Condition::Ptsd => "post-traumatic stress disorder",
        }
    }

    /// Returns whether a reference that studied `studied` speaks for this condition: the
    /// one place that decides which cited evidence a letter may claim for a diagnosis.
    /// A mood-disorder consensus speaks for unipolar depression, whose trials it weighs,
    /// but not for bipolar depression; nothing in the library studied anxiety.
    pub(crate) fn studied_by(self, studied: Studied) -> bool {
        match self {
            Condition::Depression => matches!(
                studied,
                Studied::TreatmentResistantDepression
                    | Studied::MajorDepression
                    | Studied::MoodDisorders
            ),
            Condition::BipolarDepression => studied == Studied::TreatmentResistantBipolarDepression,
            Condition::Ptsd => studied == Studied::ChronicPtsd,
            Condition::Anxiety => false,
        }
    }
}

/// Classifies an ICD-10-CM code among the conditions ketamine is requested for.
pub(crate) fn condition(code: &str) -> Option<Condition> {
    let category = code.get(..3)?;
    let sub = code.get(4..).unwrap_or("");
    match category {
        "F32" | "F33" => Some(Condition::Depression),
        "F31" if sub.starts_with(['3', '4', '5']) || sub == "81" => {
            Some(Condition::BipolarDepression)
        }
        "F41" => Some(Condition::Anxiety),
        "F43" if sub.starts_with('1') => Some(Condition::Ptsd),
        _ => None,
    }
}

/// Says why a reviewer will question a code within scope, where they will: psychotic
/// features (F32.3, F33.3, F31.5), which ketamine trials excluded, or remission (F32.4,
/// F32.5, F33.4x), which asks why treatment is needed now.
pub(crate) fn caution(code: &str) -> Option<&'static str> {
    match code {
        "F32.3" | "F33.3" | "F31.5" => Some(
            "is an episode with psychotic features, which the ketamine trials excluded; a \
             reviewer will question it, so have the provider confirm the code and address it",
        ),
        "F32.4" | "F32.5" | "F33.40" | "F33.41" | "F33.42" => Some(
            "is a code for depression in remission; a reviewer will ask why treatment is \
             needed now, so have the provider confirm the current episode's code",
        ),
        _ => None,
    }
}

/// What a case's cited references carry for its diagnoses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EvidenceFit {
    /// The studied conditions of the cited references that speak for one of the case's
    /// conditions, in the order first cited: what a letter may claim.
    pub supported: Vec<Studied>,
    /// The case's conditions that no cited reference studied.
    pub unsupported: Vec<Condition>,
}

/// Works out what the references a case cites carry for its diagnoses.
pub(crate) fn evidence_fit(case: &Case, library: &EvidenceLibrary) -> EvidenceFit {
    let mut conditions: Vec<Condition> = case.diagnosis_codes().filter_map(condition).collect();
    conditions.sort();
    conditions.dedup();
    let studied: Vec<Studied> = case
        .evidence
        .iter()
        .filter_map(|key| library.get(key))
        .flat_map(|r| r.conditions.iter().copied())
        .collect();
    let mut fit = EvidenceFit::default();
    for s in &studied {
        if conditions.iter().any(|c| c.studied_by(*s)) && !fit.supported.contains(s) {
            fit.supported.push(*s);
        }
    }
    fit.unsupported = conditions
        .into_iter()
        .filter(|c| !studied.iter().any(|s| c.studied_by(*s)))
        .collect();
    fit
}
