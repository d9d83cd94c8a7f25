//! How a packet writes names, dates, amounts and codes: a provider's title once, a
//! possessive, a billing code's set, a draft's sign-off kept on its own lines.

use std::borrow::Cow;

use crate::model::fields::Date;

/// The complimentary closes a letter's sign-off begins with, in lower case.
pub(super) const CLOSES: &[&str] = &[
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
pub(super) fn sign_off_start(body: &str) -> Option<usize> {
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
pub(super) fn sign_off_names_provider(
    draft: &str,
    provider: &crate::model::case::Provider,
) -> bool {
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

/// Returns how a letter names the patient after the full name's first use: the case's
/// salutation, else the first word of the name.
pub(super) fn short_name(patient: &crate::model::case::Patient) -> String {
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

/// Writes a date out in full, US style: "November 20, 2026".
pub(crate) fn long_date(date: Date) -> String {
    date.0.format("%B %-d, %Y").to_string()
}

/// Formats an amount in US dollars with cents and thousands separators: "$1,250.00".
pub(super) fn dollars(amount: f64) -> String {
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
    use crate::packet::markdown;

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
