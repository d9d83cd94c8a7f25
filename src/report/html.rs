//! `index.html`: one self-contained page of totals and every case, by days left; its
//! style sheet and script are the files beside this one, built in.

use super::*;
use crate::model::case::Phase;

/// The page's style sheet: system fonts only, light and dark, nothing fetched.
const STYLE: &str = include_str!("style.css");

/// The page's script, sorting by column and filtering by status; the table reads the same without it.
const SCRIPT: &str = include_str!("script.js");

/// Renders `index.html`: one self-contained page of totals and every case, by days left.
pub fn html(summary: &Summary, names: Option<&Names>) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n");
    out.push_str(&html_head(summary));
    out.push_str("</head>\n<body>\n<div class=\"page\">\n");
    out.push_str(&html_header(summary));
    out.push_str(&html_totals(summary));
    out.push_str(&html_toolbar(summary));
    out.push_str(&html_table(summary, names));
    out.push_str(&html_outcomes(&outcomes(summary)));
    out.push_str(&format!(
        "<footer>Made by appealpack {}. Packet links are relative to this page; keep it in the output folder.</footer>\n",
        xml_escape(&summary.appealpack)
    ));
    out.push_str("</div>\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// Renders the page's head: encoding, a policy that forbids any fetch, title and style.
fn html_head(summary: &Summary) -> String {
    format!(
        concat!(
            "<meta charset=\"utf-8\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ",
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n",
            "<meta name=\"referrer\" content=\"no-referrer\">\n",
            "<meta name=\"robots\" content=\"noindex, nofollow\">\n",
            "<title>Appeal packets · {} · {}</title>\n",
            "<style>{}</style>\n"
        ),
        xml_escape(&plural(summary.totals.cases, "case")),
        summary.today,
        STYLE
    )
}

/// Renders the page header: title and run details.
fn html_header(summary: &Summary) -> String {
    format!(
        "<header>\n<h1>Appeal packets</h1>\n<p>{}</p>\n</header>\n",
        xml_escape(&run_line(summary))
    )
}

/// Renders the totals: counts by status and by urgency.
fn html_totals(summary: &Summary) -> String {
    let t = summary.totals;
    let urgency = |u: Urgency| {
        summary
            .cases
            .iter()
            .filter(|c| Urgency::of(c.deadline.as_ref()) == u)
            .count()
    };
    let close = format!("due within {CLOSE_DAYS} days");
    let items = [
        ("total", t.cases, "cases"),
        ("ready", t.ready, "ready to send"),
        ("needs-work", t.needs_work, "need work"),
        ("invalid", t.invalid, "invalid"),
        ("failed", t.failed, "failed"),
        ("overdue", urgency(Urgency::Overdue), "past the deadline"),
        ("close", urgency(Urgency::Close), close.as_str()),
    ];
    let mut out = String::from("<ul class=\"totals\" aria-label=\"Totals\">\n");
    for (class, count, text) in items {
        out.push_str(&format!(
            "<li class=\"{class}\"><b>{count}</b><span>{text}</span></li>\n"
        ));
    }
    out.push_str("</ul>\n");
    out
}

/// Renders the toolbar: the status filter (shown by the script) and the colour legend.
fn html_toolbar(summary: &Summary) -> String {
    format!(
        "<div class=\"toolbar\">\n{}{}</div>\n",
        html_filters(summary),
        html_legend()
    )
}

/// Renders the status filter buttons, hidden until the script makes them work.
fn html_filters(summary: &Summary) -> String {
    let t = summary.totals;
    let filters = [
        ("", "All", t.cases),
        ("ready", "Ready", t.ready),
        ("needs-work", "Needs work", t.needs_work),
        ("invalid", "Invalid", t.invalid),
        ("failed", "Failed", t.failed),
    ];
    let mut out = String::from(
        "<div class=\"filters\" id=\"filters\" hidden>\n<span class=\"label\">Status</span>\n",
    );
    for (status, text, count) in filters {
        out.push_str(&format!(
            "<button type=\"button\" data-status=\"{status}\" aria-pressed=\"{}\">{text} <span class=\"muted\">{count}</span></button>\n",
            status.is_empty()
        ));
    }
    let mut owners: Vec<&str> = summary
        .cases
        .iter()
        .filter_map(|c| c.owner.as_deref())
        .collect();
    owners.sort_unstable();
    owners.dedup();
    if !owners.is_empty() {
        out.push_str("<label class=\"label\" for=\"owner\">Owner</label>\n<select id=\"owner\">\n<option value=\"\">All</option>\n");
        for owner in owners {
            let owner = xml_escape(owner);
            out.push_str(&format!("<option value=\"{owner}\">{owner}</option>\n"));
        }
        out.push_str("</select>\n");
    }
    // Once any appeal was sent, the coordinator can list the cases of one phase.
    if summary
        .cases
        .iter()
        .any(|c| c.phase.is_some_and(|p| p != Phase::Preparing))
    {
        out.push_str("<label class=\"label\" for=\"phase\">Phase</label>\n<select id=\"phase\">\n<option value=\"\">All</option>\n");
        for phase in [Phase::Preparing, Phase::AwaitingDecision, Phase::Decided] {
            let count = summary
                .cases
                .iter()
                .filter(|c| c.phase == Some(phase))
                .count();
            out.push_str(&format!(
                "<option value=\"{0}\">{0} ({count})</option>\n",
                phase.as_str()
            ));
        }
        out.push_str("</select>\n");
    }
    out.push_str("</div>\n");
    out
}

/// Renders the legend of the deadline colours.
fn html_legend() -> String {
    format!(
        concat!(
            "<span class=\"legend\" aria-label=\"Deadline colours\">",
            "<span><i class=\"overdue\"></i>overdue</span>",
            "<span><i class=\"close\"></i>{} days or fewer</span>",
            "<span><i class=\"later\"></i>later</span></span>\n"
        ),
        CLOSE_DAYS
    )
}

/// Renders the table of every case, most urgent first.
fn html_table(summary: &Summary, names: Option<&Names>) -> String {
    let mut out = String::from(
        "<div class=\"scroll\">\n<table id=\"cases\">\n<thead>\n<tr><th scope=\"col\">Case</th>",
    );
    if names.is_some() {
        out.push_str("<th scope=\"col\">Patient</th>");
    }
    out.push_str(concat!(
        "<th scope=\"col\" data-numeric>Status</th>",
        "<th scope=\"col\">Phase</th>",
        "<th scope=\"col\">Stage</th>",
        "<th scope=\"col\">Deadline</th>",
        "<th scope=\"col\" class=\"num\" data-numeric aria-sort=\"ascending\">Days left</th>",
        "<th scope=\"col\">Next step</th>",
        "<th scope=\"col\" data-numeric>Blockers</th>",
        "<th scope=\"col\">Packet</th></tr>\n</thead>\n<tbody>\n"
    ));
    for case in by_urgency(summary.cases.iter()) {
        out.push_str(&html_row(case, names));
    }
    if summary.cases.is_empty() {
        let columns = if names.is_some() { 10 } else { 9 };
        out.push_str(&format!(
            "<tr class=\"empty\"><td colspan=\"{columns}\">No cases found.</td></tr>\n"
        ));
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out
}

/// Renders one case's table row.
fn html_row(case: &CaseOutcome, names: Option<&Names>) -> String {
    let urgency = Urgency::of(case.deadline.as_ref());
    let mut out = format!(
        "<tr class=\"{}\" data-status=\"{}\" data-owner=\"{}\" data-phase=\"{}\">\n",
        urgency.class(),
        case.status.as_str(),
        xml_escape(case.owner.as_deref().unwrap_or("")),
        case.phase.map_or("", |p| p.as_str())
    );
    out.push_str(&html_case_cell(case));
    if names.is_some() {
        let name = patient(case, names)
            .map_or_else(|| "<span class=\"muted\">—</span>".to_string(), xml_escape);
        out.push_str(&format!("<td>{name}</td>\n"));
    }
    out.push_str(&format!(
        "<td data-sort=\"{}\"><span class=\"badge {}\">{}</span></td>\n",
        status_rank(case.status),
        case.status.as_str(),
        status_text(case.status)
    ));
    out.push_str(&format!(
        "<td>{}</td>\n",
        case.phase
            .map_or("<span class=\"muted\">—</span>", |p| p.as_str())
    ));
    out.push_str(&format!(
        "<td>{}</td>\n",
        case.stage
            .map_or("<span class=\"muted\">—</span>", |s| s.title())
    ));
    match &case.deadline_unknown {
        // First in every sort by deadline: it may be the nearest.
        Some(fact) => out.push_str(&format!(
            concat!(
                "<td data-sort=\"0000-00-00\"><span class=\"days overdue\">{}</span></td>\n",
                "<td class=\"num\" data-sort=\"-1e9\"><span class=\"days overdue\">{}</span></td>\n"
            ),
            case.deadline.as_ref().map_or_else(
                || "deadline unknown".to_owned(),
                |d| format!("{} at the latest", d.date)
            ),
            xml_escape(fact)
        )),
        None => out.push_str(&html_deadline_cells(case.deadline.as_ref(), urgency)),
    }
    out.push_str(&format!(
        "<td class=\"next\">{}</td>\n",
        case.next_step
            .as_deref()
            .map_or_else(|| "<span class=\"muted\">—</span>".to_string(), xml_escape)
    ));
    out.push_str(&html_findings_cell(case));
    out.push_str(&html_packet_cell(case.packet.as_deref()));
    out.push_str("</tr>\n");
    out
}

/// Renders the appeals after sending: those awaiting a decision by due date, then the
/// decided ones by outcome, with their breakdowns.
fn html_outcomes(outcomes: &Outcomes) -> String {
    if outcomes.is_empty() {
        return String::new();
    }
    let mut out = String::from("<section id=\"outcomes\">\n<h2>Appeals sent</h2>\n");
    if !outcomes.awaiting.is_empty() {
        out.push_str(concat!(
            "<h3>Awaiting a decision</h3>\n<div class=\"scroll\">\n<table>\n<thead>\n<tr>",
            "<th scope=\"col\">Case</th><th scope=\"col\">Stage</th>",
            "<th scope=\"col\">Decision due</th><th scope=\"col\" class=\"num\">Days left</th>",
            "<th scope=\"col\">If it is late</th></tr>\n</thead>\n<tbody>\n"
        ));
        for case in &outcomes.awaiting {
            let (class, due, days, late) = match &case.decision_due {
                Some(due) => (
                    if due.days_left < 0 {
                        "overdue"
                    } else {
                        "later"
                    },
                    due.date.to_string(),
                    if due.days_left < 0 {
                        format!("{} (overdue)", due.days_left)
                    } else {
                        due.days_left.to_string()
                    },
                    xml_escape(&due.if_late),
                ),
                None => ("none", "unknown".to_owned(), "—".to_owned(), "—".to_owned()),
            };
            out.push_str(&format!(
                "<tr class=\"{class}\"><td><span class=\"id\">{}</span></td><td>{}</td><td>{due}</td><td class=\"num\">{days}</td><td>{late}</td></tr>\n",
                xml_escape(label(case)),
                case.stage.map_or("—", |s| s.title())
            ));
        }
        out.push_str("</tbody>\n</table>\n</div>\n");
    }
    let total = &outcomes.total;
    if total.decided() > 0 {
        out.push_str(&format!(
            "<h3>Decided</h3>\n<p>{}</p>\n",
            xml_escape(&total.sentence())
        ));
        for (heading, groups) in &outcomes.breakdowns {
            out.push_str(&format!(
                "<div class=\"scroll\">\n<table>\n<thead>\n<tr><th scope=\"col\">{heading}</th><th scope=\"col\" class=\"num\">Decided</th><th scope=\"col\" class=\"num\">Approved</th><th scope=\"col\" class=\"num\">Partially</th><th scope=\"col\" class=\"num\">Denied</th><th scope=\"col\" class=\"num\">Approval rate</th></tr>\n</thead>\n<tbody>\n"
            ));
            for g in groups {
                out.push_str(&format!(
                    "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                    xml_escape(&g.label),
                    g.decided(),
                    g.approved,
                    g.partially,
                    g.denied,
                    g.rate()
                ));
            }
            out.push_str("</tbody>\n</table>\n</div>\n");
        }
    }
    out.push_str("</section>\n");
    out
}

/// Renders the case cell: id (or file) and, under an id, the case file.
fn html_case_cell(case: &CaseOutcome) -> String {
    match &case.id {
        Some(id) => format!(
            "<td><span class=\"id\">{}</span><span class=\"file\" title=\"{file}\">{file}</span></td>\n",
            xml_escape(id),
            file = xml_escape(&case.file)
        ),
        None => format!(
            "<td data-sort=\"{}\"><span class=\"id\">{}</span><span class=\"file\">no case id</span></td>\n",
            xml_escape(&case.file.to_lowercase()),
            xml_escape(&case.file)
        ),
    }
}

/// Ranks a status by how much it needs attention, for sorting.
fn status_rank(status: Status) -> u8 {
    match status {
        Status::Failed => 0,
        Status::Invalid => 1,
        Status::NeedsWork => 2,
        Status::Ready => 3,
    }
}

/// Returns the status as shown on the page.
fn status_text(status: Status) -> &'static str {
    match status {
        Status::Ready => "Ready",
        Status::NeedsWork => "Needs work",
        Status::Invalid => "Invalid",
        Status::Failed => "Failed",
    }
}

/// Renders the deadline and days-left cells, coloured by urgency.
fn html_deadline_cells(deadline: Option<&Deadline>, urgency: Urgency) -> String {
    let Some(deadline) = deadline else {
        return concat!(
            "<td data-sort=\"9999-12-31\"><span class=\"muted\">—</span></td>\n",
            "<td class=\"num\" data-sort=\"1e9\"><span class=\"days none\">no deadline</span></td>\n"
        )
        .to_string();
    };
    format!(
        concat!(
            "<td class=\"nowrap\"><time datetime=\"{date}\" title=\"{basis}\">{date}</time></td>\n",
            "<td class=\"num\" data-sort=\"{days}\"><span class=\"days {class}\">{phrase}</span></td>\n"
        ),
        date = deadline.date,
        basis = xml_escape(&deadline.basis),
        days = deadline.days_left,
        class = urgency.class(),
        phrase = days_phrase(deadline.days_left)
    )
}

/// Renders the blockers cell: the count, opening onto every finding or the error.
fn html_findings_cell(case: &CaseOutcome) -> String {
    let blockers = case.count(Severity::Blocker);
    let sort = if case.error.is_some() {
        1000 + blockers
    } else {
        blockers
    };
    if case.error.is_none() && case.findings.is_empty() {
        return format!("<td data-sort=\"{sort}\"><span class=\"muted\">None</span></td>\n");
    }
    let mut out = format!(
        "<td data-sort=\"{sort}\"><details><summary>{}</summary>\n<ul>\n",
        html_findings_summary(case)
    );
    if let Some(error) = &case.error {
        out.push_str(&format!(
            "<li><span class=\"sev error\">error</span>{}</li>\n",
            xml_escape(error)
        ));
    }
    for finding in &case.findings {
        out.push_str(&format!(
            "<li><span class=\"sev {sev}\">{sev}</span><code>{}</code> {}</li>\n",
            xml_escape(&finding.rule),
            xml_escape(&finding.message),
            sev = finding.severity.as_str()
        ));
    }
    out.push_str("</ul></details></td>\n");
    out
}

/// Describes a case's findings in a few words: the error or blockers, then the rest.
fn html_findings_summary(case: &CaseOutcome) -> String {
    let mut text = match (&case.error, case.count(Severity::Blocker)) {
        (Some(_), _) => "<span class=\"sev error\">error</span>".to_string(),
        (None, 0) => "None".to_string(),
        (None, n) => format!("<b>{}</b>", plural(n, "blocker")),
    };
    let warnings = case.count(Severity::Warning);
    let notes = case.count(Severity::Info);
    let mut rest = Vec::new();
    if warnings > 0 {
        rest.push(plural(warnings, "warning"));
    }
    if notes > 0 {
        rest.push(plural(notes, "note"));
    }
    if !rest.is_empty() {
        text.push_str(&format!(
            " <span class=\"muted\">· {}</span>",
            rest.join(", ")
        ));
    }
    text
}

/// Renders the packet cell: a relative link to the PDF, if one was made.
fn html_packet_cell(packet: Option<&str>) -> String {
    match packet {
        Some(path) => format!(
            "<td class=\"nowrap\"><a href=\"{}\" title=\"{}\">Open PDF</a></td>\n",
            xml_escape(&href(path)),
            xml_escape(path)
        ),
        None => "<td><span class=\"muted\">—</span></td>\n".to_string(),
    }
}
