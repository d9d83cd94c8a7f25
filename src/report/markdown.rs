//! `summary.md`: totals, the cases needing attention by days left, then their findings;
//! for people and CI job summaries.

use super::*;

/// The most `summary.md` holds, in bytes: GitHub refuses job summaries over 1 MiB, so the
/// least urgent cases give way first, with a line saying how many are left out.
pub(crate) const MARKDOWN_BUDGET: usize = 960 * 1024;

/// Renders `summary.md`: totals, the cases needing attention by days left, then findings.
pub fn markdown(summary: &Summary, names: Option<&Names>) -> String {
    let mut out = format!("# Appeal packets: {}\n\n", summary.totals);
    out.push_str(&format!("{}\n\n", md_escape(&run_line(summary))));
    let attention = by_urgency(summary.cases.iter().filter(|c| c.status != Status::Ready));
    if attention.is_empty() {
        out.push_str(all_ready_line(summary.cases.len()));
    } else {
        out.push_str("## Needs attention\n\n");
        out.push_str(&md_table(&attention, names, MARKDOWN_BUDGET / 2));
        out.push_str(&format!(
            "\n🔴 overdue · 🟠 {CLOSE_DAYS} days or fewer · 🟢 later\n"
        ));
    }
    out.push_str(&md_outcomes(&outcomes(summary)));
    let ready = summary.cases.iter().filter(|c| c.status == Status::Ready);
    let noted: Vec<&CaseOutcome> = attention
        .into_iter()
        .chain(ready)
        .filter(|c| !c.findings.is_empty() || c.error.is_some())
        .collect();
    if !noted.is_empty() {
        out.push_str("\n## Findings\n");
        let total = noted.len();
        for (shown, case) in noted.into_iter().enumerate() {
            let section = md_case(case, names);
            if out.len() + section.len() > MARKDOWN_BUDGET {
                out.push_str(&left_out(total - shown));
                break;
            }
            out.push_str(&section);
        }
    }
    out
}

/// Says that nothing needs attention, in words that fit the number of cases.
fn all_ready_line(cases: usize) -> &'static str {
    match cases {
        0 => "No cases found.\n",
        1 => "The case is ready to send.\n",
        _ => "All cases are ready to send.\n",
    }
}

/// Says how many cases a size-capped summary.md leaves out, and where to find them.
fn left_out(count: usize) -> String {
    format!(
        "\n_{} not shown here, to keep this page under 1 MiB; see index.html or summary.json._\n",
        plural(count, "more case")
    )
}

/// Renders the table of cases needing attention, within `budget` bytes.
fn md_table(cases: &[&CaseOutcome], names: Option<&Names>, budget: usize) -> String {
    let mut head = vec!["Case"];
    if names.is_some() {
        head.push("Patient");
    }
    let owners = cases.iter().any(|c| c.owner.is_some());
    if owners {
        head.push("Owner");
    }
    head.extend([
        "Status",
        "Phase",
        "Stage",
        "Deadline",
        "Days left",
        "Next step",
        "Blockers",
        "Packet",
    ]);
    let mut out = format!("| {} |\n", head.join(" | "));
    let rule: Vec<&str> = head
        .iter()
        .map(|h| if *h == "Days left" { "--:" } else { "---" })
        .collect();
    out.push_str(&format!("| {} |\n", rule.join(" | ")));
    for (shown, case) in cases.iter().enumerate() {
        let row = format!("| {} |\n", md_row(case, names, owners).join(" | "));
        if out.len() + row.len() > budget {
            out.push_str(&left_out(cases.len() - shown));
            break;
        }
        out.push_str(&row);
    }
    out
}

/// Returns the cells of one case's row in the attention table.
fn md_row(case: &CaseOutcome, names: Option<&Names>, owners: bool) -> Vec<String> {
    let mut cells = vec![md_code(label(case))];
    if names.is_some() {
        cells.push(patient(case, names).map_or_else(|| "—".to_string(), md_escape));
    }
    if owners {
        cells.push(
            case.owner
                .as_deref()
                .map_or_else(|| "—".to_string(), md_escape),
        );
    }
    cells.push(case.status.as_str().to_string());
    cells.push(case.phase.map_or("—", phase_words).to_string());
    cells.push(case.stage.map_or("—", |s| s.title()).to_string());
    cells.push(
        case.deadline
            .as_ref()
            .map_or("—".to_string(), |d| d.date.to_string()),
    );
    cells.push(md_days_left(case.deadline.as_ref()));
    cells.push(
        case.next_step
            .as_deref()
            .map_or_else(|| "—".to_string(), md_escape),
    );
    let rules = case.blocker_rules();
    cells.push(if rules.is_empty() {
        "—".to_string()
    } else {
        rules
            .iter()
            .map(|r| md_code(r.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    });
    cells.push(
        case.packet
            .as_deref()
            .map_or("—".to_string(), |p| format!("[packet]({})", href(p))),
    );
    cells
}

/// Renders the appeals after sending: those awaiting a decision by due date, then the
/// decided ones by outcome, with their breakdowns.
fn md_outcomes(outcomes: &Outcomes) -> String {
    if outcomes.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n## Appeals sent\n");
    if !outcomes.awaiting.is_empty() {
        out.push_str("\n### Awaiting a decision\n\n");
        out.push_str("| Case | Stage | Decision due | Days left | If it is late |\n");
        out.push_str("| --- | --- | --- | --: | --- |\n");
        for case in &outcomes.awaiting {
            let (due, days, late) = match &case.decision_due {
                Some(due) => {
                    let marker = if due.days_left < 0 {
                        "🔴 overdue "
                    } else {
                        ""
                    };
                    (
                        due.date.to_string(),
                        format!("{marker}{}", due.days_left),
                        md_escape(&due.if_late),
                    )
                }
                None => ("unknown".to_owned(), "—".to_owned(), "—".to_owned()),
            };
            out.push_str(&format!(
                "| {} | {} | {due} | {days} | {late} |\n",
                md_code(label(case)),
                case.stage.map_or("—", |s| s.title())
            ));
        }
    }
    let total = &outcomes.total;
    if total.decided() > 0 {
        out.push_str(&format!("\n### Decided\n\n{}\n", total.sentence()));
        for (heading, groups) in &outcomes.breakdowns {
            out.push_str(&format!(
                "\n| {heading} | Decided | Approved in full | In part | Denied | In full or in part |\n| --- | --: | --: | --: | --: | --: |\n"
            ));
            for g in groups {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    md_escape(&g.label),
                    g.decided(),
                    g.approved,
                    g.partially,
                    g.denied,
                    g.at_least_in_part().cell()
                ));
            }
        }
    }
    out
}

/// Renders the days-left cell: a coloured marker and the number of days.
fn md_days_left(deadline: Option<&Deadline>) -> String {
    let Some(deadline) = deadline else {
        return "—".to_string();
    };
    let marker = Urgency::of(Some(deadline)).marker();
    format!("{marker} {}", deadline.days_left)
}

/// Renders one case's findings section.
fn md_case(case: &CaseOutcome, names: Option<&Names>) -> String {
    let mut out = format!("\n### {}", md_escape(label(case)));
    if let Some(name) = patient(case, names) {
        out.push_str(&format!(" ({})", md_escape(name)));
    }
    out.push_str(&format!(" · {}\n\n", case.status.as_str()));
    if case.id.is_some() {
        out.push_str(&format!("File: {}", md_code(&case.file)));
    }
    if let Some(deadline) = &case.deadline {
        out.push_str(&format!(
            "{}Deadline: {}, {}; {}",
            if case.id.is_some() { " · " } else { "" },
            deadline.date,
            days_phrase(deadline.days_left),
            md_escape(&deadline.basis)
        ));
    }
    if case.id.is_some() || case.deadline.is_some() {
        out.push_str("\n\n");
    }
    if let Some(error) = &case.error {
        out.push_str(&format!("- **error**: {}\n", md_escape(error)));
    }
    for finding in &case.findings {
        out.push_str(&format!(
            "- **{}** {}: {}\n",
            finding.severity.as_str(),
            md_code(finding.rule.as_str()),
            md_escape(&finding.message)
        ));
    }
    out
}

/// Escapes text for Markdown, backslash-escaping markup characters and flattening line breaks.
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '@' | '$'
            | '!' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Renders an identifier as inline code when that is safe, otherwise as escaped text.
fn md_code(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ' '));
    if plain {
        format!("`{text}`")
    } else {
        md_escape(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escape_neutralises_markup() {
        assert_eq!(md_escape("a|b"), "a\\|b");
        assert_eq!(md_escape("<b>*x*</b>\nnext"), "\\<b\\>\\*x\\*\\</b\\> next");
        assert_eq!(
            md_escape("[l](u) `c` $5 @me"),
            "\\[l\\](u) \\`c\\` \\$5 \\@me"
        );
        assert_eq!(md_code("no-blockers"), "`no-blockers`");
        assert_eq!(md_code("a`b"), "a\\`b");
    }
}
