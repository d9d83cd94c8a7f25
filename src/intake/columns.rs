//! The intake sheet's columns: the one table of the columns (each names the case field
//! it fills and what its cells hold), the other headers a sheet may use for them, and
//! how a header cell is matched to a column.

use crate::report::CSV_HEADER;

/// What a column's cells hold, and how a cell becomes a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The case id: a row without one is a bad row.
    Id,
    /// Text, as given.
    Text,
    /// An identifier (member id, group number, NPI, references), as given: a cell Excel
    /// may have mangled (scientific notation, dropped leading zeros) gets a warning.
    Identifier,
    /// Text the case file requires: an empty cell is written as `""`, for `check` to list.
    Required,
    /// One of the values the field allows (the case schema's), matched in any case and
    /// with spaces for hyphens.
    Choice,
    /// The stage: a choice, `internal-appeal` when the sheet has no such column.
    Stage,
    /// A date, `M/D/YYYY` or `YYYY-MM-DD`.
    Date,
    /// The packet's date: today when the cell is empty.
    DateOrToday,
    /// A whole number.
    Whole,
    /// `yes` or `no`.
    YesNo,
    /// A list, its items separated by `;`.
    List,
    /// Several of the values the field's items allow, separated by `;` or `,` (a notice
    /// gives its reasons in one cell), each matched as a [`Kind::Choice`] is.
    Choices,
    /// Diagnoses separated by `;`, each a code, a space and its description.
    Diagnoses,
}

#[cfg(test)]
impl Kind {
    /// Says what a cell of this kind holds, for the README's table.
    fn words(self) -> &'static str {
        match self {
            Kind::Id => {
                "the case id (letters, digits, `.`, `_`, `-`); names the case's folder; a row \
                 without one is not imported"
            }
            Kind::Text => "text",
            Kind::Identifier => {
                "text (format the column as Text in Excel: a warning names a cell that looks \
                 mangled)"
            }
            Kind::Required => "text; when empty, written as `\"\"` for `check` to list",
            Kind::Choice => {
                "a value as written in case files ([docs/fields.md](docs/fields.md)), in any \
                 case, spaces for hyphens"
            }
            Kind::Stage => {
                "a value as written in case files, in any case, spaces for hyphens; when the \
                 sheet has no such column, `internal-appeal`"
            }
            Kind::Date => "a date, `M/D/YYYY` (as US Excel saves it) or `YYYY-MM-DD`",
            Kind::DateOrToday => {
                "a date, `M/D/YYYY` or `YYYY-MM-DD`; when empty, the day of the import"
            }
            Kind::Whole => "a whole number",
            Kind::YesNo => "`yes` or `no` (or `y`, `n`, `true`, `false`)",
            Kind::List => "a list, items separated by `;`",
            Kind::Choices => {
                "values as written in case files, separated by `;` or `,`, each in any case, \
                 spaces for hyphens: `not medically necessary; experimental investigational`"
            }
            Kind::Diagnoses => {
                "diagnoses separated by `;`, each an ICD-10-CM code, a space and its \
                 description: `F33.2 Major depressive disorder; F41.1 Generalized anxiety \
                 disorder`"
            }
        }
    }
}

/// A documented column of the intake spreadsheet.
#[derive(Debug)]
pub(crate) struct Column {
    /// The column's name in the header row (matched in any case, spaces for `_`).
    pub name: &'static str,
    /// The case field it fills, as a path (`insurer.plan_type`).
    pub field: &'static str,
    /// What its cells hold.
    pub kind: Kind,
}

const fn column(name: &'static str, field: &'static str, kind: Kind) -> Column {
    Column { name, field, kind }
}

/// The columns `import` reads, in the order of the case file (which is the order the
/// written file has). A name is the field's path with `.` written `_`, shortened where
/// the short name is the one an intake sheet uses (`plan_type`, `treatment`, `urgent`).
pub(crate) const COLUMNS: &[Column] = &[
    column("id", "id", Kind::Id),
    column("stage", "stage", Kind::Stage),
    column("prepared_on", "prepared_on", Kind::DateOrToday),
    column("patient_name", "patient.name", Kind::Required),
    column("patient_date_of_birth", "patient.date_of_birth", Kind::Date),
    column("patient_member_id", "patient.member_id", Kind::Identifier),
    column("patient_address", "patient.address", Kind::Text),
    column("patient_phone", "patient.phone", Kind::Text),
    column("patient_email", "patient.email", Kind::Text),
    column("insurer_name", "insurer.name", Kind::Required),
    column("plan_name", "insurer.plan_name", Kind::Text),
    column("plan_type", "insurer.plan_type", Kind::Choice),
    column("group_number", "insurer.group_number", Kind::Identifier),
    column("appeals_address", "insurer.appeals_address", Kind::Text),
    column("appeals_fax", "insurer.appeals_fax", Kind::Text),
    column("appeal_levels", "insurer.appeal_levels", Kind::Whole),
    column("provider_name", "provider.name", Kind::Required),
    column("provider_credentials", "provider.credentials", Kind::Text),
    column("provider_specialty", "provider.specialty", Kind::Text),
    column("provider_npi", "provider.npi", Kind::Identifier),
    column("provider_practice", "provider.practice", Kind::Text),
    column("provider_phone", "provider.phone", Kind::Text),
    column("diagnoses", "diagnoses", Kind::Diagnoses),
    column("treatment", "request.treatment", Kind::Required),
    column("codes", "request.codes", Kind::List),
    column("sessions", "request.sessions", Kind::Whole),
    column("schedule", "request.schedule", Kind::Text),
    column("facility", "request.facility", Kind::Text),
    column("denial_date", "denial.date", Kind::Date),
    column("denial_received", "denial.received", Kind::Date),
    column("denial_reference", "denial.reference", Kind::Identifier),
    column(
        "denial_claim_number",
        "denial.claim_number",
        Kind::Identifier,
    ),
    column("denial_reason", "denial.reason", Kind::Choice),
    column("denial_reasons", "denial.reasons", Kind::Choices),
    column("urgent", "denial.urgent", Kind::YesNo),
    column("denial_deadline", "denial.deadline", Kind::Date),
    column("evidence", "evidence", Kind::List),
    column("filed_by", "filed_by", Kind::Choice),
    column("owner", "owner", Kind::Text),
    column("sent_on", "submission.sent_on", Kind::Date),
    column("sent_method", "submission.method", Kind::Choice),
    column("sent_received", "submission.received", Kind::Date),
    column(
        "sent_confirmation",
        "submission.confirmation",
        Kind::Identifier,
    ),
    column("decision_date", "decision.date", Kind::Date),
    column("decision_received", "decision.received", Kind::Date),
    column("decision_outcome", "decision.outcome", Kind::Choice),
    column("decision_reference", "decision.reference", Kind::Identifier),
    column("notes", "notes", Kind::Text),
];

/// Other headers an intake sheet uses for a column, as [`header_key`] writes them
/// (lower case, each run of other characters one `_`): "Case #" is `case`, "DOB" `dob`.
pub(crate) const ALIASES: &[(&str, &str)] = &[
    ("case", "id"),
    ("case_id", "id"),
    ("case_no", "id"),
    ("case_number", "id"),
    ("level", "stage"),
    ("appeal_stage", "stage"),
    ("patient", "patient_name"),
    ("patient_full_name", "patient_name"),
    ("member_name", "patient_name"),
    ("name", "patient_name"),
    ("dob", "patient_date_of_birth"),
    ("d_o_b", "patient_date_of_birth"),
    ("date_of_birth", "patient_date_of_birth"),
    ("birth_date", "patient_date_of_birth"),
    ("member_id", "patient_member_id"),
    ("member_no", "patient_member_id"),
    ("member_number", "patient_member_id"),
    ("subscriber_id", "patient_member_id"),
    ("insurer", "insurer_name"),
    ("insurance", "insurer_name"),
    ("insurance_company", "insurer_name"),
    ("payer", "insurer_name"),
    ("health_plan", "insurer_name"),
    ("plan", "plan_name"),
    ("group", "group_number"),
    ("group_no", "group_number"),
    ("group_id", "group_number"),
    ("levels", "appeal_levels"),
    ("provider", "provider_name"),
    ("prescriber", "provider_name"),
    ("physician", "provider_name"),
    ("npi", "provider_npi"),
    ("practice", "provider_practice"),
    ("clinic", "provider_practice"),
    ("diagnosis", "diagnoses"),
    ("icd_10", "diagnoses"),
    ("cpt", "codes"),
    ("cpt_codes", "codes"),
    ("denial", "denial_date"),
    ("denied_on", "denial_date"),
    ("date_of_denial", "denial_date"),
    ("denial_reason_category", "denial_reason"),
    ("reasons", "denial_reasons"),
    ("denial_reasons_given", "denial_reasons"),
    ("reasons_for_denial", "denial_reasons"),
    ("claim", "denial_claim_number"),
    ("claim_no", "denial_claim_number"),
    ("claim_number", "denial_claim_number"),
    ("expedited", "urgent"),
    ("staff", "owner"),
    ("assigned_to", "owner"),
    ("advocate", "owner"),
    ("date_sent", "sent_on"),
    ("sent", "sent_on"),
    ("sent_via", "sent_method"),
    ("confirmation", "sent_confirmation"),
    ("decided_on", "decision_date"),
    ("decision", "decision_outcome"),
    // Not `outcome`: that is a column of the build's cases.csv, which imports back as it
    // is, and a decision's outcome alone (without its date) is no decision.
    ("note", "notes"),
    ("comments", "notes"),
];

/// Returns a header cell as the tables are keyed: lower case, each run of characters
/// other than letters and digits one `_`, none at either end.
pub(crate) fn header_key(name: &str) -> String {
    let mut key = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            key.push(c);
        } else if !key.is_empty() && !key.ends_with('_') {
            key.push('_');
        }
    }
    key.trim_end_matches('_').to_owned()
}

/// Returns the column a header cell names, directly or by an alias.
pub(super) fn column_of(name: &str) -> Option<&'static Column> {
    let key = header_key(name);
    let canonical = ALIASES
        .iter()
        .find(|(alias, _)| *alias == key)
        .map_or(key.as_str(), |(_, column)| column);
    COLUMNS.iter().find(|c| c.name == canonical)
}

/// Returns the column of a name in the table.
pub(super) fn column_named(name: &str) -> &'static Column {
    COLUMNS
        .iter()
        .find(|c| c.name == name)
        .expect("a column of the table")
}

/// Returns the `id` column.
pub(crate) fn id_column() -> &'static Column {
    COLUMNS
        .iter()
        .find(|c| c.kind == Kind::Id)
        .expect("the table has an id column")
}

/// Returns whether a column is one of the build's `cases.csv` report that is not a case
/// field: a report read back as an intake sheet has them, and `import` passes over them
/// without a word.
pub(super) fn report_only(key: &str) -> bool {
    CSV_HEADER.contains(&key) && column_of(key).is_none()
}

/// Returns a spreadsheet's column letter for a 0-based index: A, B, ..., Z, AA.
pub(crate) fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Returns the columns as a Markdown table, for the README (a test keeps it current).
#[cfg(test)]
pub(crate) fn columns_markdown() -> String {
    let mut table = String::from("| column | case field | cell |\n|---|---|---|\n");
    for column in COLUMNS {
        table.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            column.name,
            column.field,
            column.kind.words()
        ));
    }
    table
}

/// Returns the header aliases as a Markdown table, for the README (a test keeps it
/// current).
#[cfg(test)]
pub(crate) fn aliases_markdown() -> String {
    let mut table = String::from("| column | also read from |\n|---|---|\n");
    for column in COLUMNS {
        let aliases: Vec<String> = ALIASES
            .iter()
            .filter(|(_, c)| *c == column.name)
            .map(|(a, _)| format!("`{a}`"))
            .collect();
        if !aliases.is_empty() {
            table.push_str(&format!("| `{}` | {} |\n", column.name, aliases.join(", ")));
        }
    }
    table
}

/// Returns an empty intake sheet: every column's name in a header row, as CSV with a
/// byte-order mark and CRLF, as Excel opens and saves it.
pub(crate) fn template_csv() -> String {
    let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
    format!("\u{feff}{}\r\n", names.join(","))
}
