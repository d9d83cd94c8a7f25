//! The JUnit XML report, for CI test views: one test case per case.

use super::*;

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
    // The phase rides along as a property, so a CI view can tell a sent case from one
    // still being prepared.
    let phase = case.phase.map_or_else(String::new, |p| {
        format!(
            "      <properties>\n        <property name=\"phase\" value=\"{}\"/>\n      </properties>\n",
            p.as_str()
        )
    });
    let body = match case.status {
        Status::Ready => String::new(),
        Status::NeedsWork => junit_failure(case),
        Status::Invalid | Status::Failed => junit_error(case),
    };
    if phase.is_empty() && body.is_empty() {
        format!("{open}/>\n")
    } else {
        format!("{open}>\n{phase}{body}    </testcase>\n")
    }
}

/// Renders a needs-work case's failure: the blocking rules, then each blocker's message.
fn junit_failure(case: &CaseOutcome) -> String {
    let rules = case.blocker_rules();
    let message = if rules.is_empty() {
        "needs work".to_string()
    } else {
        let rules: Vec<&str> = rules.iter().map(|r| r.as_str()).collect();
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
