//! The report formats for people and CI: `summary.md`, `index.html` and JUnit XML.

use std::collections::BTreeMap;

use crate::checklist::{CLOSE_DAYS, Severity};
use crate::deadline::Deadline;
use crate::report::{CaseOutcome, Status, Summary};

/// Patient names by case id, shown in Markdown and HTML only when given.
pub type Names = BTreeMap<String, String>;

/// How close a deadline is, which sets its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Urgency {
    Overdue,
    Close,
    Later,
    Unknown,
}

impl Urgency {
    /// Classifies the days left to a deadline, if there is one.
    fn of(deadline: Option<&Deadline>) -> Urgency {
        match deadline.map(|d| d.days_left) {
            None => Urgency::Unknown,
            Some(days) if days < 0 => Urgency::Overdue,
            Some(days) if days <= CLOSE_DAYS => Urgency::Close,
            Some(_) => Urgency::Later,
        }
    }

    /// Returns the CSS class of the urgency.
    fn class(self) -> &'static str {
        match self {
            Urgency::Overdue => "overdue",
            Urgency::Close => "close",
            Urgency::Later => "later",
            Urgency::Unknown => "none",
        }
    }

    /// Returns the coloured marker used in Markdown.
    fn marker(self) -> &'static str {
        match self {
            Urgency::Overdue => "🔴",
            Urgency::Close => "🟠",
            Urgency::Later => "🟢",
            Urgency::Unknown => "",
        }
    }
}

/// Returns the case's display label: its id, or its file when it has none.
fn label(case: &CaseOutcome) -> &str {
    case.id.as_deref().unwrap_or(&case.file)
}

/// Looks up a case's patient name, if names are shown and the case has one.
fn patient<'a>(case: &CaseOutcome, names: Option<&'a Names>) -> Option<&'a str> {
    let id = case.id.as_deref()?;
    names?.get(id).map(String::as_str)
}

/// Returns the cases in order of urgency: fewest days left first, no deadline last.
fn by_urgency<'a>(cases: impl Iterator<Item = &'a CaseOutcome>) -> Vec<&'a CaseOutcome> {
    let mut sorted: Vec<&CaseOutcome> = cases.collect();
    sorted.sort_by_key(|c| urgency_key(c));
    sorted
}

/// Returns the sort key of a case's deadline: no deadline sorts after every date.
fn urgency_key(case: &CaseOutcome) -> (bool, i64) {
    match &case.deadline {
        Some(deadline) => (false, deadline.days_left),
        None => (true, 0),
    }
}

/// Describes the days left to a deadline in words.
fn days_phrase(days_left: i64) -> String {
    match days_left {
        d if d < -1 => format!("{} days overdue", -d),
        -1 => "1 day overdue".to_string(),
        0 => "due today".to_string(),
        1 => "1 day left".to_string(),
        d => format!("{d} days left"),
    }
}

/// Returns "1 blocker", "2 blockers" and so on.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Describes the totals in one line, such as "5 cases, 1 ready, 2 need work, 1 invalid, 1 failed".
fn totals_line(summary: &Summary) -> String {
    let t = summary.totals;
    format!(
        "{}, {} ready, {} need work, {} invalid, {} failed",
        plural(t.cases, "case"),
        t.ready,
        t.needs_work,
        t.invalid,
        t.failed
    )
}

/// Describes the run: version, counting day, shard and timing.
fn run_line(summary: &Summary) -> String {
    let mut parts = vec![
        format!("Deadlines counted from {}", summary.today),
        format!("appealpack {}", summary.appealpack),
    ];
    if let Some(shard) = summary.shard {
        parts.push(format!("shard {shard}"));
    }
    if let Some(timing) = summary.timing {
        parts.push(format!(
            "{} rendered, {} unchanged, {:.1} s",
            timing.rendered, timing.skipped, timing.seconds
        ));
    }
    parts.join(" · ")
}

/// Returns the first line of a multi-line message.
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// Percent-encodes a relative link, keeping `/` and unreserved characters, never starting `//`.
fn href(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(char::from(byte));
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    if encoded.starts_with('/') {
        encoded.insert(0, '.');
    }
    encoded
}

/// The most `summary.md` holds, in bytes: GitHub refuses job summaries over 1 MiB, so the
/// least urgent cases give way first, with a line saying how many are left out.
pub const MARKDOWN_BUDGET: usize = 960 * 1024;

/// Renders `summary.md`: totals, the cases needing attention by days left, then findings.
pub fn markdown(summary: &Summary, names: Option<&Names>) -> String {
    let mut out = format!("# Appeal packets: {}\n\n", totals_line(summary));
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
    head.extend([
        "Status",
        "Stage",
        "Deadline",
        "Days left",
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
        let row = format!("| {} |\n", md_row(case, names).join(" | "));
        if out.len() + row.len() > budget {
            out.push_str(&left_out(cases.len() - shown));
            break;
        }
        out.push_str(&row);
    }
    out
}

/// Returns the cells of one case's row in the attention table.
fn md_row(case: &CaseOutcome, names: Option<&Names>) -> Vec<String> {
    let mut cells = vec![md_code(label(case))];
    if names.is_some() {
        cells.push(patient(case, names).map_or_else(|| "—".to_string(), md_escape));
    }
    cells.push(case.status.as_str().to_string());
    cells.push(case.stage.map_or("—", |s| s.title()).to_string());
    cells.push(
        case.deadline
            .as_ref()
            .map_or("—".to_string(), |d| d.date.to_string()),
    );
    cells.push(md_days_left(case.deadline.as_ref()));
    let rules = case.blocker_rules();
    cells.push(if rules.is_empty() {
        "—".to_string()
    } else {
        rules
            .iter()
            .map(|r| md_code(r))
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
            md_code(&finding.rule),
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

/// The page's style sheet: system fonts only, light and dark, nothing fetched.
const STYLE: &str = r#"
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --panel: #ffffff; --text: #1d2433; --muted: #5d6679; --line: #e3e6eb;
  --head: #f0f2f5; --accent: #2f5bd3; --hover: #f8f9fb;
  --red: #b42318; --red-bg: #fdecea; --red-edge: #d92d20;
  --amber: #a34a06; --amber-bg: #fff4e0; --amber-edge: #f79009;
  --green: #0b7a4b; --green-bg: #e6f6ee; --green-edge: #17b26a;
  --rose: #9e1748; --rose-bg: #fde8f0;
  --grey: #4b5565; --grey-bg: #eef0f3;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #101318; --panel: #171b22; --text: #e6e9ef; --muted: #9aa3b5; --line: #2a303b;
    --head: #1d222b; --accent: #8fb0ff; --hover: #1b2029;
    --red: #ff9c92; --red-bg: #3a1716; --amber: #ffc56b; --amber-bg: #37270c;
    --green: #74e0a9; --green-bg: #0f2e20; --rose: #ff8fb8; --rose-bg: #3a1426;
    --grey: #c0c7d4; --grey-bg: #262c36;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.page { max-width: 1240px; margin: 0 auto; padding: 28px 24px 48px; }
header h1 { margin: 0; font-size: 22px; font-weight: 650; letter-spacing: -0.01em; }
header p { margin: 4px 0 0; color: var(--muted); }
.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(132px, 1fr)); gap: 12px; margin: 22px 0; padding: 0; list-style: none; }
.totals li { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; border-top: 3px solid var(--line); }
.totals b { display: block; font-size: 24px; font-weight: 650; line-height: 1.2; font-variant-numeric: tabular-nums; }
.totals span { color: var(--muted); font-size: 13px; }
.totals .ready { border-top-color: var(--green-edge); }
.totals .needs-work, .totals .close { border-top-color: var(--amber-edge); }
.totals .invalid, .totals .failed, .totals .overdue { border-top-color: var(--red-edge); }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; margin: 0 0 12px; min-height: 30px; }
.filters { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
.filters[hidden] { display: none; }
.filters .label { color: var(--muted); margin-right: 4px; }
.toolbar button {
  font: inherit; color: var(--text); background: var(--panel); border: 1px solid var(--line);
  border-radius: 999px; padding: 3px 12px; cursor: pointer;
}
.toolbar button[aria-pressed="true"] { background: var(--text); color: var(--panel); border-color: var(--text); }
.toolbar button[aria-pressed="true"] .muted { color: inherit; opacity: 0.7; }
.legend { margin-left: auto; color: var(--muted); font-size: 13px; display: flex; gap: 14px; }
.legend i { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 5px; vertical-align: 0; }
.legend .overdue { background: var(--red-edge); } .legend .close { background: var(--amber-edge); } .legend .later { background: var(--green-edge); }
.scroll { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; }
table { width: 100%; border-collapse: collapse; }
caption { text-align: left; padding: 12px 14px; font-weight: 600; border-bottom: 1px solid var(--line); }
th, td { padding: 10px 14px; text-align: left; vertical-align: top; }
thead th { border-bottom: 1px solid var(--line); }
tbody td { border-top: 1px solid var(--line); }
tbody tr:first-child td { border-top: 0; }
tbody tr:hover { background: var(--hover); }
thead th { background: var(--head); color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; white-space: nowrap; }
th button { all: unset; cursor: pointer; font: inherit; color: inherit; text-transform: inherit; letter-spacing: inherit; }
th button:hover { color: var(--text); }
th button:focus-visible, .toolbar button:focus-visible, a:focus-visible, summary:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
th[aria-sort] button::after { content: " ▲"; font-size: 9px; }
th[aria-sort="descending"] button::after { content: " ▼"; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.overdue td:first-child { box-shadow: inset 3px 0 var(--red-edge); }
tr.close td:first-child { box-shadow: inset 3px 0 var(--amber-edge); }
tr.later td:first-child { box-shadow: inset 3px 0 var(--green-edge); }
.id { font-weight: 600; }
.file { display: block; color: var(--muted); font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 24em; }
.badge, .days { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.badge.ready, .days.later { color: var(--green); background: var(--green-bg); }
.badge.needs-work, .days.close { color: var(--amber); background: var(--amber-bg); }
.badge.invalid, .days.overdue { color: var(--red); background: var(--red-bg); }
.badge.failed { color: var(--rose); background: var(--rose-bg); }
.days.none { color: var(--grey); background: var(--grey-bg); font-weight: 500; }
.nowrap { white-space: nowrap; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
details summary { cursor: pointer; white-space: nowrap; }
details summary .muted { font-weight: 400; }
details ul { margin: 8px 0 2px; padding-left: 0; list-style: none; max-width: 520px; }
details li { margin: 0 0 6px; }
.sev { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; margin-right: 6px; }
.sev.blocker, .sev.error { color: var(--red); } .sev.warning { color: var(--amber); } .sev.info { color: var(--grey); }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--grey-bg); border-radius: 4px; padding: 0 4px; }
a { color: var(--accent); text-decoration: none; font-weight: 500; }
a:hover { text-decoration: underline; }
.empty td { text-align: center; color: var(--muted); padding: 24px; }
footer { margin-top: 14px; color: var(--muted); font-size: 12px; }
@media print {
  body { background: #fff; }
  .filters { display: none; }
  .scroll, .totals li { border-color: #ccc; }
}
"#;

/// The page's script, sorting by column and filtering by status; the table reads the same without it.
const SCRIPT: &str = r#"
(function () {
  "use strict";
  var table = document.getElementById("cases");
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(row, col, numeric) {
    var cell = row.cells[col];
    var value = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim().toLowerCase();
    return numeric ? Number(value) : value;
  }
  function sortBy(th, col) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var numeric = th.hasAttribute("data-numeric");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col, numeric), y = key(b, col, numeric);
      var order = numeric ? x - y : x.localeCompare(y);
      return ascending ? order : -order;
    });
    heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  }
  heads.forEach(function (th, col) {
    var button = document.createElement("button");
    button.type = "button";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(th, col); });
  });
  var bar = document.getElementById("filters");
  var filters = Array.prototype.slice.call(bar.querySelectorAll("button[data-status]"));
  filters.forEach(function (button) {
    button.addEventListener("click", function () {
      var status = button.getAttribute("data-status");
      filters.forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      Array.prototype.forEach.call(body.rows, function (row) {
        row.hidden = status !== "" && row.getAttribute("data-status") !== status;
      });
    });
  });
  bar.hidden = false;
})();
"#;

/// Renders `index.html`: one self-contained page of totals and every case, by days left.
pub fn html(summary: &Summary, names: Option<&Names>) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n");
    out.push_str(&html_head(summary));
    out.push_str("</head>\n<body>\n<div class=\"page\">\n");
    out.push_str(&html_header(summary));
    out.push_str(&html_totals(summary));
    out.push_str(&html_toolbar(summary));
    out.push_str(&html_table(summary, names));
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
        "<th scope=\"col\">Stage</th>",
        "<th scope=\"col\">Deadline</th>",
        "<th scope=\"col\" class=\"num\" data-numeric aria-sort=\"ascending\">Days left</th>",
        "<th scope=\"col\" data-numeric>Blockers</th>",
        "<th scope=\"col\">Packet</th></tr>\n</thead>\n<tbody>\n"
    ));
    for case in by_urgency(summary.cases.iter()) {
        out.push_str(&html_row(case, names));
    }
    if summary.cases.is_empty() {
        let columns = if names.is_some() { 8 } else { 7 };
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
        "<tr class=\"{}\" data-status=\"{}\">\n",
        urgency.class(),
        case.status.as_str()
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
        case.stage
            .map_or("<span class=\"muted\">—</span>", |s| s.title())
    ));
    out.push_str(&html_deadline_cells(case.deadline.as_ref(), urgency));
    out.push_str(&html_findings_cell(case));
    out.push_str(&html_packet_cell(case.packet.as_deref()));
    out.push_str("</tr>\n");
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

/// Renders a JUnit XML report: one test case per case; needs-work fails, invalid and failed err.
pub fn junit(summary: &Summary) -> String {
    let tests = summary.cases.len();
    let failures = count_status(summary, &[Status::NeedsWork]);
    let errors = count_status(summary, &[Status::Invalid, Status::Failed]);
    let counts = format!("tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\"");
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"appealpack\" {counts}>\n"));
    out.push_str(&format!(
        "  <testsuite name=\"appealpack\" {counts} skipped=\"0\">\n"
    ));
    out.push_str(&junit_properties(summary));
    for case in &summary.cases {
        out.push_str(&junit_case(case));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Counts the cases with any of the given statuses.
fn count_status(summary: &Summary, statuses: &[Status]) -> usize {
    summary
        .cases
        .iter()
        .filter(|c| statuses.contains(&c.status))
        .count()
}

/// Renders the suite's properties: the version and the day deadlines were counted from.
fn junit_properties(summary: &Summary) -> String {
    let mut out = String::from("    <properties>\n");
    out.push_str(&format!(
        "      <property name=\"appealpack\" value=\"{}\"/>\n",
        xml_escape(&summary.appealpack)
    ));
    out.push_str(&format!(
        "      <property name=\"today\" value=\"{}\"/>\n",
        summary.today
    ));
    if let Some(shard) = summary.shard {
        out.push_str(&format!(
            "      <property name=\"shard\" value=\"{shard}\"/>\n"
        ));
    }
    out.push_str("    </properties>\n");
    out
}

/// Renders one case as a test case, with its failure or error.
fn junit_case(case: &CaseOutcome) -> String {
    let classname = case.stage.map_or("invalid", |s| s.as_str());
    let open = format!(
        "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
        classname,
        xml_escape(label(case)),
        xml_escape(&case.file)
    );
    match case.status {
        Status::Ready => format!("{open}/>\n"),
        Status::NeedsWork => format!("{open}>\n{}    </testcase>\n", junit_failure(case)),
        Status::Invalid | Status::Failed => {
            format!("{open}>\n{}    </testcase>\n", junit_error(case))
        }
    }
}

/// Renders a needs-work case's failure: the blocking rules, then each blocker's message.
fn junit_failure(case: &CaseOutcome) -> String {
    let rules = case.blocker_rules();
    let message = if rules.is_empty() {
        "needs work".to_string()
    } else {
        format!("blockers: {}", rules.join(", "))
    };
    let text: Vec<String> = case
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Blocker)
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect();
    format!(
        "      <failure message=\"{}\" type=\"needs-work\">{}</failure>\n",
        xml_escape(&message),
        xml_escape(&text.join("\n"))
    )
}

/// Renders an invalid or failed case's error.
fn junit_error(case: &CaseOutcome) -> String {
    let fallback = match case.status {
        Status::Invalid => "the case file did not load",
        _ => "the packet could not be made",
    };
    let error = case.error.as_deref().unwrap_or(fallback);
    format!(
        "      <error message=\"{}\" type=\"{}\">{}</error>\n",
        xml_escape(first_line(error)),
        case.status.as_str(),
        xml_escape(error)
    )
}

/// Escapes text for XML 1.0 and HTML content and attributes, replacing characters XML cannot hold.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn href_encodes_everything_but_path_characters() {
        assert_eq!(href("KET-1/packet.pdf"), "KET-1/packet.pdf");
        assert_eq!(href("../shard 2/a#b?c.pdf"), "../shard%202/a%23b%3Fc.pdf");
        assert_eq!(href("javascript:alert(1)"), "javascript%3Aalert%281%29");
        assert_eq!(href("//evil.example/x"), ".//evil.example/x");
        assert_eq!(href("é"), "%C3%A9");
    }

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

    #[test]
    fn xml_escape_keeps_documents_well_formed() {
        assert_eq!(
            xml_escape("a<b & \"c\"\n"),
            "a&lt;b &amp; &quot;c&quot;&#10;"
        );
        assert_eq!(xml_escape("bell\u{7}"), "bell\u{FFFD}");
    }

    #[test]
    fn days_are_described_in_words() {
        assert_eq!(days_phrase(-3), "3 days overdue");
        assert_eq!(days_phrase(-1), "1 day overdue");
        assert_eq!(days_phrase(0), "due today");
        assert_eq!(days_phrase(14), "14 days left");
    }
}
