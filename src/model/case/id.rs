//! The case id, which names the case's output folder: which ids can do so on every
//! platform, and the form two ids share when they name one folder.

/// The summary document's name at the top of the output folder.
pub(crate) const SUMMARY_JSON: &str = "summary.json";
/// The Markdown summary's name at the top of the output folder.
pub(crate) const SUMMARY_MD: &str = "summary.md";
/// The HTML dashboard's name at the top of the output folder.
pub(crate) const INDEX_HTML: &str = "index.html";
/// The calendar of filing deadlines and decision due dates at the top of the output folder.
pub(crate) const DEADLINES_ICS: &str = "deadlines.ics";
/// The one-row-per-case spreadsheet at the top of the output folder.
pub(crate) const CASES_CSV: &str = "cases.csv";

/// Windows device names, which no file or folder may take on Windows, with or without an
/// extension (`NUL.txt` is the device too).
const DEVICE_NAMES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Returns the form of an id that two ids share when they name the same folder on a
/// case-insensitive disk (macOS, Windows): its lower case.
pub(crate) fn id_key(id: &str) -> String {
    id.to_ascii_lowercase()
}

/// Checks that an id can name an output folder on every platform the README offers:
/// `[A-Za-z0-9._-]{1,64}`, not starting with a dot or ending with one (Windows drops a
/// trailing dot), not a Windows device name, and not the name of a report beside the
/// packet folders. The loader, `new` and `import` all call it.
pub(crate) fn validate_id(id: &str) -> Result<(), String> {
    if let Some(report) = [
        SUMMARY_JSON,
        SUMMARY_MD,
        INDEX_HTML,
        DEADLINES_ICS,
        CASES_CSV,
    ]
    .iter()
    .find(|r| r.eq_ignore_ascii_case(id))
    {
        return Err(format!(
            "it is the name of the report {report} in the output folder; choose another id"
        ));
    }
    if id.is_empty() {
        return Err("the case id is empty".into());
    }
    if id.len() > 64 {
        return Err("it is longer than 64 characters".into());
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        let bad = bad.escape_default();
        return Err(format!(
            "it contains '{bad}'; use only letters, digits, '.', '_' and '-'"
        ));
    }
    if id.starts_with('.') {
        return Err("it starts with '.'; it names the output folder".into());
    }
    if id.ends_with('.') {
        return Err(
            "it ends with '.', which Windows drops from a folder's name; end it with a letter or digit"
                .into(),
        );
    }
    let stem = id.split('.').next().unwrap_or(id);
    if DEVICE_NAMES.iter().any(|d| d.eq_ignore_ascii_case(stem)) {
        return Err(
            "it is a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9), which cannot name a folder there; choose another id"
                .into(),
        );
    }
    Ok(())
}
