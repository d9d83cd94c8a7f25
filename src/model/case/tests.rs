use std::path::Path;

use super::*;
use crate::model::fields::Code;

const MINIMAL: &str = "\
id: KET-1
stage: prior-authorization
prepared_on: 2026-11-20
patient: { name: Ann Example, date_of_birth: 1986-02-03, member_id: ABC123 }
insurer: { name: Example Health, plan_type: aca-marketplace, appeals_address: PO Box 1 }
provider: { name: Dr Who, credentials: MD, npi: 1234567893, supports_treatment: true }
request: { treatment: IV ketamine, codes: [96365, 96366, J3490], sessions: 6, schedule: twice weekly }
";

fn parse(text: &str) -> Result<Case, LoadError> {
    Case::parse(Path::new("cases/a/case.yaml"), text)
}

#[test]
fn sessions_are_one_to_a_hundred() {
    for bad in ["0", "101", "4294967295"] {
        let error =
            parse(&MINIMAL.replace("sessions: 6", &format!("sessions: {bad}"))).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("request.sessions: must be 1 to 100"),
            "{error}"
        );
    }
    let error = parse(&MINIMAL.replace("sessions: 6", "sessions: 4294967295")).unwrap_err();
    assert!(!error.to_string().contains("4294967295"), "{error}");
    for fine in ["1", "100"] {
        parse(&MINIMAL.replace("sessions: 6", &format!("sessions: {fine}"))).unwrap();
    }
}

#[test]
fn owners_are_initials_only() {
    let owned = parse(&format!("{MINIMAL}owner: JA\n")).unwrap();
    assert_eq!(owned.owner.as_deref(), Some("JA"));
    let error = parse(&format!("{MINIMAL}owner: Ann Example\n")).unwrap_err();
    assert!(
        error
            .message()
            .starts_with("owner: expected staff initials"),
        "{error}"
    );
}

#[test]
fn parses_a_minimal_case_with_unquoted_codes() {
    let case = parse(MINIMAL).unwrap();
    assert_eq!(case.id, "KET-1");
    assert_eq!(case.provider.npi.unwrap().as_str(), "1234567893");
    let codes: Vec<_> = case.request.codes.iter().map(Code::as_str).collect();
    assert_eq!(codes, ["96365", "96366", "J3490"]);
}

#[test]
fn accepts_a_byte_order_mark() {
    let text = format!("\u{feff}{MINIMAL}");
    assert_eq!(parse(&text).unwrap().id, "KET-1");
}

#[test]
fn invalid_date_names_file_line_column_and_field() {
    let text = MINIMAL.replace("1986-02-03", "1986-02-30");
    let error = parse(&text).unwrap_err().to_string();
    assert!(
        error.starts_with("cases/a/case.yaml:4:"),
        "unexpected: {error}"
    );
    assert!(
        error.ends_with("patient.date_of_birth: not a valid date (YYYY-MM-DD, e.g. 2026-11-20)"),
        "unexpected: {error}"
    );
}

#[test]
fn unknown_keys_are_errors() {
    let text = format!("{MINIMAL}colour: blue\n");
    let error = parse(&text).unwrap_err();
    assert_eq!(error.location().unwrap().0, 8);
    assert!(
        error.message().contains("unknown field `colour`"),
        "{error}"
    );
    let text = MINIMAL.replace("member_id: ABC123", "member_id: ABC123, membr: 1");
    let error = parse(&text).unwrap_err();
    assert!(
        error
            .message()
            .starts_with("patient: unknown field `membr`"),
        "{error}"
    );
}

#[test]
fn wrong_types_name_the_field() {
    let text = MINIMAL.replace("sessions: 6", "sessions: six");
    let error = parse(&text).unwrap_err();
    assert!(
        error.message() == "request.sessions: expected a whole number, found text",
        "{error}"
    );
    let text = MINIMAL.replace("prior-authorization", "pre-auth");
    let error = parse(&text).unwrap_err();
    assert!(
        error
            .message()
            .starts_with("stage: not one of the allowed values: `prior-authorization`"),
        "{error}"
    );
}

#[test]
fn costs_must_be_real_amounts() {
    for bad in [".inf", "-.inf", ".nan", "-1", "1e300"] {
        let text = MINIMAL.replace(
            "sessions: 6",
            &format!("sessions: 6, cost_per_session: {bad}"),
        );
        let error = parse(&text).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("request.cost_per_session: expected an amount in US dollars"),
            "{bad}: {error}"
        );
        assert!(error.location().is_some(), "{bad}: {error}");
    }
    let text = MINIMAL.replace("sessions: 6", "sessions: 6, cost_per_session: 650.5");
    assert_eq!(parse(&text).unwrap().request.cost_per_session, Some(650.5));
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = MINIMAL
        .replace("sessions: 6", "sessions: six")
        .replace("prior-authorization", "pre-auth")
        .replace("member_id: ABC123", "member_id: ABC123, membr: 1");
    let error = parse(&text).unwrap_err();
    let shown = error.to_string();
    assert_eq!(shown.lines().count(), 3, "{shown}");
    assert!(
        shown.contains("cases/a/case.yaml:2:8: stage: not one of"),
        "{shown}"
    );
    assert!(shown.contains(":4:"), "{shown}");
    assert!(
        shown.contains("unknown field `membr`; did you mean `member_id`?"),
        "{shown}"
    );
    assert!(
        shown.contains("request.sessions: expected a whole number"),
        "{shown}"
    );
}

#[test]
fn a_tab_is_named() {
    let text = MINIMAL.replace("request:", "\trequest:");
    let error = parse(&text).unwrap_err();
    assert!(
        error
            .message()
            .contains("has a tab: YAML indents with spaces"),
        "{error}"
    );
}

#[test]
fn malformed_yaml_is_reported_with_its_place() {
    let error = parse("id: [unclosed\nstage: x\n").unwrap_err();
    assert!(error.location().is_some(), "{error}");
}

#[test]
fn refuses_empty_files() {
    assert_eq!(parse("  \n").unwrap_err().message(), "empty case file");
    assert_eq!(parse("\u{feff}").unwrap_err().message(), "empty case file");
}

#[test]
fn refuses_duplicate_keys() {
    let text = format!("{MINIMAL}id: KET-2\n");
    let error = parse(&text).unwrap_err();
    assert_eq!(error.location(), Some((8, 1)), "{error}");
    assert!(
        error.message().contains("a second `id:` in the file"),
        "{error}"
    );
}

#[test]
fn refuses_alias_bombs() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        bomb.push_str(&format!(
            "{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
            n = (b'a' + i) as char,
            p = (b'a' + i - 1) as char
        ));
    }
    bomb.push_str("id: *j\n");
    let error = parse(&bomb).unwrap_err();
    assert!(error.message().contains("repetition limit"), "{error}");
}

#[test]
fn refuses_deep_nesting() {
    let deep = format!("notes: {}{}\n", "[".repeat(200), "]".repeat(200));
    let error = parse(&format!("{MINIMAL}{deep}")).unwrap_err();
    assert!(error.message().contains("recursion limit"), "{error}");
}

#[test]
fn ids_must_name_a_folder() {
    assert!(validate_id("KET-2026-0042").is_ok());
    assert!(validate_id("a.b_c").is_ok());
    assert!(validate_id("").is_err());
    assert!(validate_id("..").is_err());
    assert!(validate_id("a/b").is_err());
    assert!(validate_id(&"x".repeat(65)).is_err());
    assert!(validate_id(&"x".repeat(64)).is_ok());
    for report in [
        "summary.json",
        "Summary.MD",
        "index.html",
        "deadlines.ics",
        "CASES.csv",
    ] {
        assert!(
            validate_id(report).unwrap_err().contains("report"),
            "{report}"
        );
    }
    for device in ["CON", "nul", "Com1", "LPT9", "aux.txt", "PRN.tar.gz"] {
        let error = validate_id(device).unwrap_err();
        assert!(error.contains("Windows device name"), "{device}: {error}");
    }
    for fine in ["CONSENT-1", "COM10", "NULL", "LPT0", "console.1"] {
        assert!(validate_id(fine).is_ok(), "{fine}");
    }
    assert!(validate_id("KET-9.").unwrap_err().contains("ends with '.'"));
    assert!(validate_id("KET-9 ").unwrap_err().contains("' '"));
    assert_eq!(id_key("KET-9"), id_key("ket-9"));
    let error = parse(&MINIMAL.replace("id: KET-1", "id: ../etc")).unwrap_err();
    assert_eq!(error.location(), Some((1, 1)));
    assert!(
        error.message().starts_with("id: it contains '/'"),
        "{error}"
    );
}

#[test]
fn refuses_big_and_non_utf8_files() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    std::fs::write(&big, vec![b'#'; MAX_CASE_BYTES as usize + 1]).unwrap();
    let error = Case::from_file(&big).unwrap_err();
    assert!(error.message().contains("larger than 4 MiB"), "{error}");
    let latin1 = dir.path().join("latin1.yaml");
    std::fs::write(&latin1, b"id: caf\xe9\n").unwrap();
    let error = Case::from_file(&latin1).unwrap_err();
    assert!(error.message().contains("not UTF-8"), "{error}");
    let binary = dir.path().join("binary.yaml");
    std::fs::write(&binary, b"\x00\x01\xff\xfe").unwrap();
    let error = Case::from_file(&binary).unwrap_err();
    assert!(error.message().contains("binary data"), "{error}");
}
