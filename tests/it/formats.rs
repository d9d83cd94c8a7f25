//! Checks the report formats (summary.md, index.html, JUnit XML, deadlines.ics, cases.csv)
//! on a fixture summary that
//! holds every status: ready, needs-work overdue, needs-work within 14 days, needs-work
//! without a deadline, invalid and failed.

use std::path::Path;

use appealpack::model::case::Phase;
use appealpack::outcome::{Status, Summary};
use appealpack::report::{self as formats, Names};

/// Reads the fixture summary.
fn summary() -> Summary {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/summary.json");
    let text = std::fs::read_to_string(path).expect("fixture readable");
    serde_json::from_str(&text).expect("fixture is a summary")
}

/// Returns patient names for two fixture cases.
fn names() -> Names {
    Names::from([
        ("KET-2026-0003".to_string(), "Dana Whitfield".to_string()),
        ("KET-2026-0019".to_string(), "Rafael O'Connor".to_string()),
    ])
}

/// Returns the values of every `name="..."` attribute in a document.
fn attribute_values<'a>(document: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!("{name}=\"");
    let mut values = Vec::new();
    let mut rest = document;
    while let Some(at) = rest.find(&needle) {
        let preceded_by_space = at > 0 && rest.as_bytes()[at - 1].is_ascii_whitespace();
        let after = &rest[at + needle.len()..];
        let end = after.find('"').expect("attribute is closed");
        if preceded_by_space {
            values.push(&after[..end]);
        }
        rest = &after[end..];
    }
    values
}

/// Checks that markup is well formed: tags balance, and `<` and `&` only start tags and entities.
fn assert_well_formed(document: &str, void: &[&str]) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = document;
    while let Some(at) = rest.find(['<', '&']) {
        let tail = &rest[at..];
        if tail.starts_with('&') {
            let end = tail.find(';').expect("entity is closed");
            let entity = &tail[1..end];
            assert!(
                matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos" | "#39")
                    || entity.starts_with('#') && entity[1..].chars().all(|c| c.is_ascii_digit()),
                "unknown entity &{entity};"
            );
            rest = &tail[end + 1..];
            continue;
        }
        let end = tail.find('>').expect("tag is closed");
        let tag = &tail[1..end];
        rest = &tail[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        assert!(
            !name.is_empty(),
            "stray '<' before {:?}",
            &tail[..end.min(40)]
        );
        if tag.starts_with('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.as_str()),
                "unbalanced </{name}>"
            );
        } else if name == "script" {
            let close = rest.find("</script>").expect("script is closed");
            rest = &rest[close + "</script>".len()..];
        } else if name == "style" {
            let close = rest.find("</style>").expect("style is closed");
            rest = &rest[close + "</style>".len()..];
        } else if !tag.ends_with('/') && !void.contains(&name.as_str()) {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
}

#[test]
fn the_fixture_holds_every_status() {
    let summary = summary();
    for status in [
        Status::Ready,
        Status::NeedsWork,
        Status::Invalid,
        Status::Failed,
    ] {
        assert!(
            summary.cases.iter().any(|c| c.status == status),
            "{status:?}"
        );
    }
    let days: Vec<i64> = summary
        .cases
        .iter()
        .filter(|c| c.status == Status::NeedsWork)
        .filter_map(|c| c.deadline.as_ref().map(|d| d.days_left))
        .collect();
    assert!(days.iter().any(|d| *d < 0), "an overdue case");
    assert!(
        days.iter().any(|d| (0..=14).contains(d)),
        "a case due within 14 days"
    );
    // Every column of the reports is filled somewhere, so the snapshots check them all.
    for case in &summary.cases {
        assert!(case.next_step.is_some(), "{:?} has no next step", case.file);
        assert_eq!(case.phase.is_some(), case.id.is_some(), "{:?}", case.file);
    }
    for phase in [Phase::Preparing, Phase::AwaitingDecision] {
        assert!(
            summary.cases.iter().any(|c| c.phase == Some(phase)),
            "{phase:?}"
        );
    }
    assert!(summary.cases.iter().any(|c| c.owner.is_some()));
    assert!(summary.cases.iter().any(|c| c.decision_due.is_some()));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("summary.md", formats::markdown(&summary(), None));
}

#[test]
fn markdown_with_names_snapshot() {
    insta::assert_snapshot!(
        "summary-names.md",
        formats::markdown(&summary(), Some(&names()))
    );
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit.xml", formats::junit(&summary()));
}

#[test]
fn markdown_lists_cases_needing_attention_by_days_left_with_no_deadline_last() {
    let md = formats::markdown(&summary(), None);
    let table = md
        .split("## Needs attention")
        .nth(1)
        .and_then(|t| t.split("## Findings").next())
        .expect("attention table");
    let order: Vec<usize> = [
        "KET-2026-0003",
        "KET-2026-0011",
        "KET-2026-0024",
        "KET-2026-0030",
        "drafts/broken case.yaml",
    ]
    .iter()
    .map(|id| {
        table
            .find(id)
            .unwrap_or_else(|| panic!("{id} in the table"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{table}");
    assert!(
        !table.contains("KET-2026-0019"),
        "ready cases stay out of the table"
    );
}

#[test]
fn markdown_table_rows_keep_their_columns_whatever_the_text() {
    let mut summary = summary();
    summary.cases[1].id = Some("id|with*stars_and<html>".to_string());
    summary.cases[1].next_step = Some("ask | then\nwait".to_string());
    summary.cases[1].owner = Some("JD".to_string());
    let md = formats::markdown(&summary, None);
    // Every row of a table has as many cells as its header, the case table ten.
    let cells = |row: &str| row.replace("\\|", "").matches('|').count() - 1;
    let mut tables: Vec<Vec<&str>> = Vec::new();
    let mut in_table = false;
    for line in md.lines() {
        match (line.starts_with("| "), in_table) {
            (true, true) => tables.last_mut().unwrap().push(line),
            (true, false) => tables.push(vec![line]),
            (false, _) => {}
        }
        in_table = line.starts_with("| ");
    }
    assert!(
        tables.iter().any(|t| cells(t[0]) == 10 && t.len() > 2),
        "{md}"
    );
    for table in &tables {
        for row in table {
            assert_eq!(cells(row), cells(table[0]), "{row}");
        }
    }
    assert!(md.contains("id\\|with\\*stars\\_and\\<html\\>"), "{md}");
    assert!(!md.contains("<html>"));
}

#[test]
fn html_links_every_case_and_its_packet() {
    let summary = summary();
    let html = formats::html(&summary, None);
    let hrefs = attribute_values(&html, "href");
    for case in &summary.cases {
        let label = case.id.as_deref().unwrap_or(&case.file);
        assert!(
            html.contains(&format!("<span class=\"id\">{label}</span>")),
            "{label}"
        );
        if let Some(packet) = &case.packet {
            assert!(hrefs.contains(&packet.as_str()), "{packet} in {hrefs:?}");
        }
    }
    assert_eq!(
        hrefs.len(),
        summary.cases.iter().filter(|c| c.packet.is_some()).count()
    );
    // A row per case in the case table, and one per awaited decision in its own table.
    assert_eq!(
        html.matches("<tr class=\"").count() - html.matches("data-status=").count(),
        {
            summary
                .cases
                .iter()
                .filter(|c| c.phase == Some(Phase::AwaitingDecision))
                .count()
        }
    );
    assert_eq!(html.matches("data-status=").count(), summary.cases.len());
}

#[test]
fn html_references_no_external_resource() {
    let html = formats::html(&summary(), Some(&names()));
    for attribute in ["href", "src", "action", "srcset", "poster", "data"] {
        for value in attribute_values(&html, attribute) {
            let lower = value.to_ascii_lowercase();
            assert!(
                !lower.starts_with("http:")
                    && !lower.starts_with("https:")
                    && !lower.starts_with("//")
                    && !lower.contains(':'),
                "{attribute}={value:?}"
            );
        }
    }
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<link", "@import", "url(", "<img", "<iframe", "<object", "<embed", "<base", "src=",
    ] {
        assert!(!lower.contains(banned), "{banned}");
    }
    assert_eq!(lower.matches("<script").count(), 1, "one inline script");
    assert!(lower.contains("<style>"), "inline style");
}

#[test]
fn html_is_well_formed_and_colours_urgency() {
    let html = formats::html(&summary(), None);
    assert_well_formed(&html, &["meta", "br", "input", "col"]);
    let row = |id: &str| {
        let at = html.find(&format!(">{id}<")).expect("row");
        let start = html[..at].rfind("<tr ").expect("row start");
        &html[start..at]
    };
    assert!(row("KET-2026-0003").contains("class=\"overdue\""));
    assert!(row("KET-2026-0011").contains("class=\"close\""));
    assert!(row("KET-2026-0019").contains("class=\"later\""));
    assert!(row("KET-2026-0030").contains("class=\"none\""));
    assert!(row("KET-2026-0024").contains("data-status=\"failed\""));
}

#[test]
fn html_escapes_ids_files_messages_and_links() {
    let mut summary = summary();
    let case = &mut summary.cases[0];
    case.id = Some("<script>alert(1)</script>".to_string());
    case.file = "a\"b'<c>&d.yaml".to_string();
    case.findings[0].message = "</td></tr><img src=x onerror=alert(2)>".to_string();
    case.packet = Some("odd dir/\"quoted\" #1?.pdf".to_string());
    let html = formats::html(&summary, None);
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("a&quot;b&apos;&lt;c&gt;&amp;d.yaml"));
    assert!(html.contains("href=\"odd%20dir/%22quoted%22%20%231%3F.pdf\""));
    assert_well_formed(&html, &["meta", "br", "input", "col"]);
}

#[test]
fn names_appear_in_markdown_and_html_only_when_given() {
    let summary = summary();
    let names = names();
    let with = formats::markdown(&summary, Some(&names));
    let without = formats::markdown(&summary, None);
    assert!(with.contains("Dana Whitfield"));
    assert!(with.contains("| Patient |"));
    assert!(!without.contains("Dana Whitfield"));
    assert!(!without.contains("Patient"));

    let with = formats::html(&summary, Some(&names));
    let without = formats::html(&summary, None);
    assert!(with.contains("Dana Whitfield"));
    assert!(with.contains("Rafael O&apos;Connor"));
    assert!(!without.contains("Dana Whitfield"));
    assert!(!without.contains(">Patient<"));
}

#[test]
fn junit_and_json_never_carry_names() {
    let summary = summary();
    for document in [formats::junit(&summary), summary.to_json()] {
        for name in names().values() {
            assert!(!document.contains(name.as_str()), "{name}");
        }
    }
}

#[test]
fn junit_counts_and_cases_match_the_summary() {
    let summary = summary();
    let xml = formats::junit(&summary);
    assert_well_formed(&xml, &[]);
    assert!(xml.contains(
        "<testsuite name=\"appealpack\" tests=\"6\" failures=\"3\" errors=\"2\" skipped=\"0\">"
    ));
    assert_eq!(xml.matches("<testsuite ").count(), 1);
    assert_eq!(xml.matches("<testcase ").count(), summary.cases.len());
    assert_eq!(xml.matches("<failure ").count(), 3);
    assert_eq!(xml.matches("<error ").count(), 2);
    assert!(xml.contains("<failure message=\"blockers: deadline, denial\" type=\"needs-work\">"));
    assert!(xml.contains(
        "classname=\"invalid\" name=\"drafts/broken case.yaml\" file=\"drafts/broken case.yaml\""
    ));
    assert!(!xml.contains("timestamp"), "deterministic output");
    assert_eq!(xml, formats::junit(&summary));
}

#[test]
fn junit_escapes_everything() {
    let mut summary = summary();
    summary.cases[0].id = Some("a<b>&\"c\"".to_string());
    summary.cases[0].findings[1].message = "]]> <x> & \u{1} done".to_string();
    let xml = formats::junit(&summary);
    assert_well_formed(&xml, &[]);
    assert!(xml.contains("name=\"a&lt;b&gt;&amp;&quot;c&quot;\""));
    assert!(xml.contains("]]&gt; &lt;x&gt; &amp; \u{FFFD} done"));
}

#[test]
fn an_all_ready_run_says_so() {
    let mut summary = summary();
    summary.cases.retain(|c| c.status == Status::Ready);
    summary.totals = appealpack::outcome::Totals::of(&summary.cases);
    let md = formats::markdown(&summary, None);
    assert!(md.contains("The case is ready to send."), "{md}");
    assert!(!md.contains("## Needs attention"));
    let xml = formats::junit(&summary);
    assert!(xml.contains("tests=\"1\" failures=\"0\" errors=\"0\""));
}

#[test]
fn markdown_stays_under_githubs_limit_with_the_most_urgent_cases_first() {
    let base = summary();
    let template = base
        .cases
        .iter()
        .find(|c| c.status == appealpack::outcome::Status::NeedsWork && c.deadline.is_some())
        .expect("a fixture case that needs work and has a deadline")
        .clone();
    let cases = (0..20_000)
        .map(|n| {
            let mut case = template.clone();
            case.id = Some(format!("KET-BULK-{n:05}"));
            case.file = format!("bulk/{n:05}.yaml");
            case.deadline.as_mut().unwrap().days_left =
                30 + (n % 300) as i64 - i64::from(n == 12_345) * 400;
            case
        })
        .collect();
    let big = appealpack::outcome::Summary::new(base.today, cases);
    let md = formats::markdown(&big, None);
    assert!(md.len() <= 1024 * 1024, "{} bytes", md.len());
    assert!(
        md.len() > 512 * 1024,
        "the budget is used, not wasted: {} bytes",
        md.len()
    );
    assert!(
        md.contains("more cases not shown here"),
        "the cut is announced"
    );
    let table = md.split("## Needs attention").nth(1).unwrap();
    let first_row = table.lines().find(|l| l.starts_with("| `")).unwrap();
    assert!(
        first_row.contains("KET-BULK-12345"),
        "the overdue case leads: {first_row}"
    );
}

#[test]
fn sent_appeals_are_counted_by_outcome_and_awaited_by_due_date() {
    let mut json = serde_json::to_value(summary()).unwrap();
    let cases = json["cases"].as_array_mut().unwrap();
    let decided = |case: &mut serde_json::Value, plan: &str, reason: &str, outcome: &str| {
        case["phase"] = "decided".into();
        case["plan_type"] = plan.into();
        case["denial_reason"] = reason.into();
        case["decision"] = serde_json::json!({ "outcome": outcome, "date": "2026-11-01" });
    };
    decided(
        &mut cases[0],
        "aca-marketplace",
        "experimental-investigational",
        "approved",
    );
    decided(
        &mut cases[1],
        "aca-marketplace",
        "not-medically-necessary",
        "denied",
    );
    decided(
        &mut cases[3],
        "medicare-advantage",
        "experimental-investigational",
        "partially-approved",
    );
    cases[2]["phase"] = "awaiting-decision".into();
    cases[2]["decision_due"] = serde_json::json!({
        "date": "2026-11-10", "days_left": -10, "basis": "30 days from receipt",
        "if_late": "the plan's internal appeals are deemed exhausted"
    });
    let summary: Summary = serde_json::from_value(json).unwrap();
    let md = formats::markdown(&summary, None);
    assert!(md.contains("## Appeals sent"), "{md}");
    assert!(
        md.contains("3 appeals decided: 1 approved in full, 1 approved in part, 1 denied; approved in full or in part: 2 of 3: too few to state a rate (fewer than 10)."),
        "{md}"
    );
    assert!(
        md.contains("| ACA marketplace | 2 | 1 | 0 | 1 | too few |"),
        "{md}"
    );
    assert!(
        md.contains("| Experimental or investigational | 2 | 1 | 1 | 0 | too few |"),
        "{md}"
    );
    assert!(
        md.contains("| `KET-2026-0019` | Request for external review | 2026-11-10 | 🔴 overdue -10 | the plan's internal appeals are deemed exhausted |"),
        "{md}"
    );
    let html = formats::html(&summary, None);
    assert!(html.contains("<h2>Appeals sent</h2>"));
    // The dashboard filters by phase once an appeal was sent.
    assert!(html.contains("<select id=\"phase\">"), "{html}");
    assert!(
        html.contains("<option value=\"decided\">decided (3)</option>"),
        "{html}"
    );
    assert!(html.contains("data-phase=\"awaiting-decision\""), "{html}");
    assert!(
        html.contains("<td>ACA marketplace</td><td class=\"num\">2</td>"),
        "{html}"
    );
    assert!(html.contains("-10 (overdue)"));
    let junit = formats::junit(&summary);
    assert!(
        junit.contains("<property name=\"phase\" value=\"awaiting-decision\"/>"),
        "{junit}"
    );
}

#[test]
fn the_calendar_holds_the_deadlines_of_cases_that_loaded() {
    let summary = summary();
    let ics = formats::ics(&summary, None);
    let calendar = ical::IcalParser::new(ics.as_bytes())
        .next()
        .expect("a calendar")
        .expect("a calendar the ical crate reads");
    let uid = |e: &ical::parser::ical::component::IcalEvent| {
        e.properties
            .iter()
            .find(|p| p.name == "UID")
            .and_then(|p| p.value.clone())
            .expect("a UID")
    };
    let uids: Vec<String> = calendar.events.iter().map(uid).collect();
    // The failed case's deadline and the invalid case give no event; the rest by date,
    // the awaited decision's due day among them.
    assert_eq!(
        uids,
        [
            "KET-2026-0003.filing.internal-appeal@appealpack",
            "KET-2026-0011.filing.second-level-appeal@appealpack",
            "KET-2026-0030.decision.prior-authorization@appealpack",
            "KET-2026-0019.filing.external-review@appealpack",
        ]
    );
    for event in &calendar.events {
        assert_eq!(event.alarms.len(), 2);
    }
    for name in names().values() {
        assert!(!ics.contains(name.as_str()), "{name}");
    }
    let named = formats::ics(&summary, Some(&names()));
    assert!(
        // The line is folded at 75 octets, as RFC 5545 has it.
        named.contains(
            "SUMMARY:KET-2026-0003 Dana Whitfield (JA): filing deadline (internal appeal\r\n )"
        ),
        "{named}"
    );
    // The same summary, read again, gives the same bytes.
    assert_eq!(
        ics,
        formats::ics(&self::summary(), None),
        "deterministic output"
    );
}

#[test]
fn the_csv_has_a_row_per_case_and_no_names() {
    let summary = summary();
    let text = formats::cases_csv(&summary);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap(), formats::CSV_HEADER.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), summary.cases.len());
    for (row, case) in rows.iter().zip(&summary.cases) {
        assert_eq!(&row[0], case.id.as_deref().unwrap_or(&case.file));
        assert_eq!(&row[1], case.status.as_str());
    }
    assert_eq!(&rows[0][13], "deadline;denial");
    assert_eq!(&rows[0][9], "-8");
    for name in names().values() {
        assert!(!text.contains(name.as_str()), "{name}");
    }
}

#[test]
fn html_shows_the_day_to_ask_for_benefits_to_continue() {
    let mut summary = summary();
    let case = summary
        .cases
        .iter_mut()
        .find(|c| c.id.is_some())
        .expect("a case with an id");
    case.continuation = Some(serde_json::from_value(serde_json::json!({
        "date": "2026-12-04",
        "days_left": 8,
        "basis": "continuation of benefits, requested within 10 days of the notice (42 CFR 438.420(a))"
    }))
    .unwrap());
    let html = formats::html(&summary, None);
    assert!(
        html.contains("ask for benefits to continue by 2026-12-04 (8 days left)"),
        "{html}"
    );
}
