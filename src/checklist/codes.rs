//! Code validation: National Provider Identifiers and ICD-10-CM diagnosis codes.

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Condition {
    /// Major depression, single (F32) or recurrent (F33), or bipolar depression (F31.3-F31.5).
    Depression,
    /// Anxiety disorders (F41).
    Anxiety,
    /// Post-traumatic stress disorder (F43.1).
    Ptsd,
}

/// Classifies an ICD-10-CM code among the conditions ketamine is requested for.
pub(crate) fn condition(code: &str) -> Option<Condition> {
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
