//! `cases.csv`: one RFC 4180 row per case, for a spreadsheet or a case-management system.
//!
//! Codes, dates, numbers and the tool's own words: the id (the file when a case has none),
//! status, phase, owner, insurer, plan type, stage, denial date, deadline, days left, the
//! next step in words, decision due date, outcome and the blocking rules. No patient name
//! and no free text of the case (notes, statements, the notice's words), whatever the run
//! was given; every text cell is kept from being read as a formula. The columns an intake
//! sheet also has carry `import`'s names (`owner`, `insurer_name`, `plan_type`, `stage`,
//! `denial_date`), so the file imports back without losing them; `import` passes over the
//! others.

use ::csv::{Terminator, WriterBuilder};

use super::*;
use crate::model::fields::Date;

/// The header row; `import` reads the columns it shares with an intake sheet by these names.
pub const CSV_HEADER: [&str; 14] = [
    "id",
    "status",
    "phase",
    "owner",
    "insurer_name",
    "plan_type",
    "stage",
    "denial_date",
    "deadline",
    "days_left",
    "next_step",
    "decision_due",
    "outcome",
    "blockers",
];

/// Renders `cases.csv`: the header, then one row per case in the summary's order.
pub fn cases_csv(summary: &Summary) -> String {
    let mut writer = WriterBuilder::new()
        .terminator(Terminator::CRLF)
        .from_writer(Vec::new());
    writer
        .write_record(CSV_HEADER)
        .expect("writing to memory cannot fail");
    for case in &summary.cases {
        writer
            .write_record(row(case))
            .expect("writing to memory cannot fail");
    }
    let bytes = writer.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("every field is UTF-8")
}

/// Returns a case's row, in the order of [`CSV_HEADER`], every cell made inert.
fn row(case: &CaseOutcome) -> [String; 14] {
    let id = case.id.clone().unwrap_or_else(|| case.file.clone());
    let date = |d: Option<Date>| d.map_or_else(String::new, |d| d.to_string());
    let text = |t: Option<&str>| t.map_or_else(String::new, inert);
    [
        id,
        case.status.as_str().to_owned(),
        case.phase.map_or("", |p| p.as_str()).to_owned(),
        text(case.owner.as_deref()),
        text(case.insurer.as_deref()),
        case.plan_type.map_or("", |p| p.as_str()).to_owned(),
        case.stage.map_or("", |s| s.as_str()).to_owned(),
        date(case.denial_date),
        match &case.deadline_unknown {
            Some(fact) => fact.replacen("deadline unknown", "unknown", 1),
            None => date(case.deadline.as_ref().map(|d| d.date)),
        },
        case.deadline
            .as_ref()
            .map_or_else(String::new, |d| d.days_left.to_string()),
        text(case.next_step.as_deref()),
        date(case.decision_due.as_ref().map(|d| d.date)),
        case.decision.map_or("", |d| d.outcome.as_str()).to_owned(),
        case.blocker_rules()
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(";"),
    ]
    .map(|cell| inert(&cell))
}

/// Keeps a cell from being read as a formula by a spreadsheet: one that starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (an id may start with `-`),
/// except a whole number such as `-8` days left, which a spreadsheet reads as a number.
fn inert(cell: &str) -> String {
    let number = cell.parse::<i64>().is_ok();
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !number {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{DecisionDue, Finding, RuleId};
    use crate::model::case::{Phase, PlanType, Stage};

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn finding(rule: RuleId, severity: Severity) -> Finding {
        Finding {
            rule,
            severity,
            message: "Ann Example, said \"no\"\nthen left".to_owned(),
        }
    }

    fn summary() -> Summary {
        let mut preparing = CaseOutcome::invalid("b/ket-1.yaml".into(), String::new());
        preparing.id = Some("KET-1".into());
        preparing.status = Status::NeedsWork;
        preparing.error = None;
        preparing.stage = Some(Stage::InternalAppeal);
        preparing.phase = Some(Phase::Preparing);
        preparing.plan_type = Some(PlanType::EmployerSelfFunded);
        preparing.next_step = Some("=HYPERLINK(\"x\") add the denial notice".into());
        preparing.owner = Some("JA".into());
        preparing.insurer = Some("Example Health, Inc.".into());
        preparing.denial_date = Some(date("2026-06-01"));
        preparing.deadline = Some(Deadline {
            date: date("2026-11-12"),
            days_left: -8,
            basis: "x, y".into(),
        });
        preparing.findings = vec![
            finding(RuleId::Deadline, Severity::Blocker),
            finding(RuleId::Denial, Severity::Blocker),
            finding(RuleId::Deadline, Severity::Blocker),
            finding(RuleId::Testimonials, Severity::Warning),
        ];

        let mut awaiting = preparing.clone();
        awaiting.id = Some("KET-2".into());
        awaiting.file = "b/ket-2.yaml".into();
        awaiting.status = Status::Ready;
        awaiting.phase = Some(Phase::AwaitingDecision);
        awaiting.deadline = None;
        awaiting.findings.clear();
        awaiting.owner = Some("@MB".into());
        awaiting.next_step = Some("wait for the decision".into());
        awaiting.decision_due = Some(DecisionDue {
            date: date("2026-12-01"),
            days_left: 11,
            basis: "30 days".into(),
            if_late: "external review".into(),
        });

        let invalid = CaseOutcome::invalid("=cmd|' /C calc'!A0, x.yaml".into(), "bad".into());
        let mut dash = awaiting.clone();
        dash.id = Some("-2-3".into());
        dash.file = "c/dash.yaml".into();
        Summary::new(date("2026-11-20"), vec![preparing, awaiting, invalid, dash])
    }

    #[test]
    fn header_and_one_row_per_case_in_order() {
        let csv = cases_csv(&summary());
        assert_eq!(
            csv,
            "id,status,phase,owner,insurer_name,plan_type,stage,denial_date,deadline,days_left,\
             next_step,decision_due,outcome,blockers\r\n\
             \"'=cmd|' /C calc'!A0, x.yaml\",invalid,,,,,,,,,\
             fix the case file: its first error says where,,,\r\n\
             KET-1,needs-work,preparing,JA,\"Example Health, Inc.\",employer-self-funded,\
             internal-appeal,2026-06-01,2026-11-12,-8,\"'=HYPERLINK(\"\"x\"\") add the denial \
             notice\",,,deadline;denial\r\n\
             KET-2,ready,awaiting-decision,'@MB,\"Example Health, Inc.\",employer-self-funded,\
             internal-appeal,2026-06-01,,,wait for the decision,2026-12-01,,\r\n\
             '-2-3,ready,awaiting-decision,'@MB,\"Example Health, Inc.\",employer-self-funded,\
             internal-appeal,2026-06-01,,,wait for the decision,2026-12-01,,\r\n"
        );
        assert_eq!(inert("+1"), "+1");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("\rx"), "'\rx");
    }

    #[test]
    fn no_free_text_reaches_the_file() {
        let csv = cases_csv(&summary());
        for text in ["Ann", "30 days", "external review", "x, y", "then left"] {
            assert!(!csv.contains(text), "{text}");
        }
    }

    #[test]
    fn rows_read_back_with_the_header_columns() {
        let csv = cases_csv(&summary());
        let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
        assert_eq!(reader.headers().unwrap(), CSV_HEADER.as_slice());
        let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|r| r.len() == CSV_HEADER.len()));
        assert_eq!(&rows[0][0], "'=cmd|' /C calc'!A0, x.yaml");
    }
}
