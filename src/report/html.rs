//! `index.html`: one self-contained page of totals and every case, by days left; its
//! style sheet and script are the files beside this one, built in.

use super::*;
use crate::model::fields::Date;

/// The page's style sheet: system fonts only, light and dark, nothing fetched.
const STYLE: &str = include_str!("style.css");

/// The page's script: sorting, search, filters and cards that follow them; the table reads the
/// same without it.
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

/// The cards above the table: each a filter the coordinator can click, and a count that
/// follows the other filters. Each is (key, words, tooltip).
const CARDS: [(&str, &str, &str); 7] = [
    ("all", "cases", "every case"),
    ("ready", "ready to send", "no blockers and not sent yet"),
    ("needs-work", "need work", "at least one blocker"),
    ("week", "due this week", "a filing deadline within 7 days"),
    (
        "overdue",
        "past the deadline",
        "the filing deadline has passed",
    ),
    (
        "follow-up",
        "follow-ups due",
        "a follow-up with the plan is due",
    ),
    (
        "problem",
        "invalid or failed",
        "the case file did not load or its packet failed",
    ),
];

/// Returns the cards a case counts in, by their keys.
fn cards_of(case: &CaseOutcome, today: Date) -> Vec<&'static str> {
    let mut cards = vec!["all"];
    let preparing = case.phase.is_none_or(|p| p == Phase::Preparing);
    match case.status {
        Status::Ready if preparing => cards.push("ready"),
        Status::NeedsWork => cards.push("needs-work"),
        Status::Invalid | Status::Failed => cards.push("problem"),
        Status::Ready => {}
    }
    match case.deadline.as_ref().map(|d| d.days_left) {
        Some(days) if days < 0 => cards.push("overdue"),
        Some(days) if days < 7 => cards.push("week"),
        _ => {}
    }
    if case.next_follow_up.is_some_and(|d| d <= today) {
        cards.push("follow-up");
    }
    cards
}

/// Renders the cards: counts that filter the table when clicked (the script makes them
/// buttons; the counts are right without it).
fn html_totals(summary: &Summary) -> String {
    let follow_ups = summary.cases.iter().any(|c| c.next_follow_up.is_some());
    let mut out = String::from("<ul class=\"totals\" id=\"cards\" aria-label=\"Totals\">\n");
    for (key, words, title) in CARDS {
        if key == "follow-up" && !follow_ups {
            continue;
        }
        let count = summary
            .cases
            .iter()
            .filter(|c| cards_of(c, summary.today).contains(&key))
            .count();
        out.push_str(&format!(
            "<li class=\"{key}\"><button type=\"button\" data-card=\"{key}\" aria-pressed=\"false\" title=\"{title}\"><b>{count}</b><span>{words}</span></button></li>\n"
        ));
    }
    out.push_str("</ul>\n");
    out
}

/// Renders the toolbar: the search box and filters (shown by the script) and the colour legend.
fn html_toolbar(summary: &Summary) -> String {
    format!(
        "<div class=\"toolbar\">\n{}{}</div>\n",
        html_filters(summary),
        html_legend()
    )
}

/// Renders the search box and the owner, insurer and phase filters, hidden until the
/// script makes them work.
fn html_filters(summary: &Summary) -> String {
    let mut out = String::from(concat!(
        "<div class=\"filters\" id=\"filters\" hidden>\n",
        "<label class=\"label\" for=\"search\">Search</label>\n",
        "<input type=\"search\" id=\"search\" placeholder=\"id, owner, insurer\" autocomplete=\"off\">\n"
    ));
    let choices = |key: fn(&CaseOutcome) -> Option<&str>| {
        let mut values: Vec<&str> = summary.cases.iter().filter_map(key).collect();
        values.sort_unstable();
        values.dedup();
        values
    };
    for (id, label, values) in [
        ("owner", "Owner", choices(|c| c.owner.as_deref())),
        ("insurer", "Insurer", choices(|c| c.insurer.as_deref())),
    ] {
        if values.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "<label class=\"label\" for=\"{id}\">{label}</label>\n<select id=\"{id}\">\n<option value=\"\">All</option>\n"
        ));
        for value in values {
            let value = xml_escape(value);
            out.push_str(&format!("<option value=\"{value}\">{value}</option>\n"));
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
                "<option value=\"{}\">{} ({count})</option>\n",
                phase.as_str(),
                phase_words(phase)
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
    let mut out = String::from("<div class=\"scroll\">\n<table id=\"cases\">\n<colgroup>");
    let mut columns = vec![
        ("case", "Case", ""),
        ("owner", "Owner", ""),
        ("insurer", "Insurer", ""),
        ("status", "Status", " data-numeric"),
        ("stage", "Stage", ""),
        ("deadline", "Deadline", ""),
        (
            "days",
            "Days left",
            " class=\"num\" data-numeric aria-sort=\"ascending\"",
        ),
        ("next", "Next step", ""),
        ("blockers", "Blockers", " data-numeric"),
        ("packet", "Packet", ""),
    ];
    if names.is_some() {
        columns.insert(1, ("patient", "Patient", ""));
    }
    for (class, _, _) in &columns {
        out.push_str(&format!("<col class=\"c-{class}\">"));
    }
    out.push_str("</colgroup>\n<thead>\n<tr>");
    for (_, title, attributes) in &columns {
        out.push_str(&format!("<th scope=\"col\"{attributes}>{title}</th>"));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for case in by_urgency(summary.cases.iter()) {
        out.push_str(&html_row(case, names, summary.today));
    }
    if summary.cases.is_empty() {
        out.push_str(&format!(
            "<tr class=\"empty\"><td colspan=\"{}\">No cases found.</td></tr>\n",
            columns.len()
        ));
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out
}

/// Renders one case's table row; its data attributes feed the script's filters and search.
fn html_row(case: &CaseOutcome, names: Option<&Names>, today: Date) -> String {
    let urgency = Urgency::of(case.deadline.as_ref());
    let name = patient(case, names);
    let search = [
        Some(label(case)),
        case.owner.as_deref(),
        case.insurer.as_deref(),
        name,
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase();
    let mut out = format!(
        "<tr class=\"{}\" data-status=\"{}\" data-owner=\"{}\" data-insurer=\"{}\" data-phase=\"{}\" data-cards=\"{}\" data-search=\"{}\">\n",
        urgency.class(),
        case.status.as_str(),
        xml_escape(case.owner.as_deref().unwrap_or("")),
        xml_escape(case.insurer.as_deref().unwrap_or("")),
        case.phase.map_or("", |p| p.as_str()),
        cards_of(case, today).join(" "),
        xml_escape(&search)
    );
    out.push_str(&html_case_cell(case));
    let dash = || "<span class=\"muted\">—</span>".to_string();
    if names.is_some() {
        out.push_str(&format!(
            "<td>{}</td>\n",
            name.map_or_else(dash, xml_escape)
        ));
    }
    out.push_str(&format!(
        "<td>{}</td>\n",
        case.owner.as_deref().map_or_else(dash, xml_escape)
    ));
    out.push_str(&format!(
        "<td>{}</td>\n",
        case.insurer.as_deref().map_or_else(dash, xml_escape)
    ));
    out.push_str(&format!(
        "<td data-sort=\"{}\"><span class=\"badge {}\">{}</span></td>\n",
        status_rank(case.status),
        case.status.as_str(),
        status_text(case)
    ));
    let stage = case.stage.map_or_else(dash, |s| s.title().to_owned());
    let phase = case.phase.map_or(String::new(), |p| {
        format!("<span class=\"sub\">{}</span>", phase_words(p))
    });
    out.push_str(&format!("<td>{stage}{phase}</td>\n"));
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
    // Medicaid's continuation of benefits has a date of its own, often the nearest.
    let continuation = case.continuation.as_ref().map_or_else(String::new, |c| {
        format!(
            "<span class=\"sub\">ask for benefits to continue by {} ({})</span>",
            c.date,
            xml_escape(&days_phrase(c.days_left))
        )
    });
    out.push_str(&format!(
        "<td class=\"next\">{}{continuation}</td>\n",
        case.next_step.as_deref().map_or_else(dash, xml_escape)
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
                "<div class=\"scroll\">\n<table>\n<thead>\n<tr><th scope=\"col\">{heading}</th><th scope=\"col\" class=\"num\">Decided</th><th scope=\"col\" class=\"num\">Approved in full</th><th scope=\"col\" class=\"num\">In part</th><th scope=\"col\" class=\"num\">Denied</th><th scope=\"col\" class=\"num\">In full or in part</th></tr>\n</thead>\n<tbody>\n"
            ));
            for g in groups {
                out.push_str(&format!(
                    "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                    xml_escape(&g.label),
                    g.decided(),
                    g.approved,
                    g.partially,
                    g.denied,
                    g.at_least_in_part().cell()
                ));
            }
            out.push_str("</tbody>\n</table>\n</div>\n");
        }
    }
    out.push_str("</section>\n");
    out
}

/// Renders the case cell: the id, or the file for a case that has none (the file of a
/// case with an id is in the blockers' details).
fn html_case_cell(case: &CaseOutcome) -> String {
    match &case.id {
        Some(id) => format!("<td><span class=\"id\">{}</span></td>\n", xml_escape(id)),
        None => format!(
            "<td data-sort=\"{}\"><span class=\"id\">{}</span><span class=\"sub\">no case id</span></td>\n",
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

/// Returns the status as shown on the page: a ready case already sent is "Sent".
fn status_text(case: &CaseOutcome) -> &'static str {
    match case.status {
        Status::Ready if case.phase.is_some_and(|p| p != Phase::Preparing) => "Sent",
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

/// Renders the blockers cell: the count, opening onto every finding or the error, and
/// the case file.
fn html_findings_cell(case: &CaseOutcome) -> String {
    let blockers = case.count(Severity::Blocker);
    let sort = if case.error.is_some() {
        1000 + blockers
    } else {
        blockers
    };
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
            xml_escape(finding.rule.as_str()),
            xml_escape(&finding.message),
            sev = finding.severity.as_str()
        ));
    }
    out.push_str(&format!(
        "<li class=\"file\"><span class=\"sev info\">file</span>{}</li>\n",
        xml_escape(&case.file)
    ));
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
            "<td class=\"packet\"><a href=\"{}\" title=\"{}\">Open PDF</a></td>\n",
            xml_escape(&href(path)),
            xml_escape(path)
        ),
        None => "<td><span class=\"muted\">—</span></td>\n".to_string(),
    }
}
