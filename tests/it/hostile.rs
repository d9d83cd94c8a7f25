//! A batch holding every hostile input the review found, beside good cases, builds to the
//! end under an 8 GB address-space limit: every report is written, the good cases get
//! their packets, and each hostile one is reported, not fatal.

use crate::common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Writes a PDF of the given object bodies (object 1 is the catalog) with a correct
/// cross-reference table.
fn pdf(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let count = objects.len() + 1;
    out.extend_from_slice(format!("xref\n0 {count}\n0000000000 65535 f \n").as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    let trailer = format!("trailer\n<< /Size {count} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
    out.extend_from_slice(trailer.as_bytes());
    out
}

const CATALOG: &str = "<< /Type /Catalog /Pages 2 0 R >>";
const PAGE: &str = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>";

/// The hostile attachments, by file name.
fn hostile_files() -> Vec<(&'static str, Vec<u8>)> {
    let mut deep = vec![CATALOG.to_owned()];
    for level in 0..10_000 {
        deep.push(format!(
            "<< /Type /Pages /Kids [{} 0 R] /Count 1 >>",
            level + 3
        ));
    }
    deep.push(PAGE.to_owned());

    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..600 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    let mut inflating = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n".to_vec();
    inflating.extend_from_slice(
        format!(
            "<< /Length {} /Filter /FlateDecode >>\nstream\n",
            bomb.len()
        )
        .as_bytes(),
    );
    inflating.extend_from_slice(&bomb);
    inflating.extend_from_slice(b"\nendstream\nendobj\nstartxref\n9\n%%EOF\n");

    let repeated = [
        CATALOG.to_owned(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count 10000 >>",
            "3 0 R ".repeat(10_000)
        ),
        PAGE.to_owned(),
    ];
    let nested = [
        format!(
            "<< /Type /Catalog /Pages 2 0 R /X {} >>",
            "[".repeat(1_000_000)
        ),
        "<< /Type /Pages /Kids [] /Count 0 >>".to_owned(),
    ];
    let good = pdf(&[
        CATALOG.to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        PAGE.to_owned(),
    ]);
    let truncated = good[..good.len() - 30].to_vec();

    // A GIF of a few bytes whose header claims 65,000 × 65,000 pixels.
    let mut gif =
        b"GIF89a\xe8\xfd\xe8\xfd\x00\x00\x00,\x00\x00\x00\x00\xe8\xfd\xe8\xfd\x00".to_vec();
    gif.extend_from_slice(&[2, 2, 0x4c, 0x01, 0, b';']);

    vec![
        ("deep-tree.pdf", pdf(&deep)),
        ("bomb.pdf", inflating),
        ("repeated.pdf", pdf(&repeated)),
        ("nested.pdf", pdf(&nested)),
        ("truncated.pdf", truncated),
        ("huge.gif", gif),
    ]
}

/// Runs a build under `ulimit -v` (KiB) and returns its exit code and stderr.
fn build_limited(cases: &Path, output: &Path) -> (i32, String) {
    let script = format!(
        "ulimit -v 8000000 && exec '{}' build '{}' -o '{}' --today {} --quiet",
        env!("CARGO_BIN_EXE_appealpack"),
        cases.display(),
        output.display(),
        common::TODAY
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(common::root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), stderr)
}

#[cfg(unix)]
#[test]
fn a_batch_of_every_hostile_input_finishes_within_limits() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    common::copy_tree(&common::fixture("cases"), &cases);
    let ready = std::fs::read_to_string(cases.join("KET-2026-0101/case.yaml")).unwrap();

    // One case per hostile attachment, each in a folder of its own.
    for (i, (file, bytes)) in hostile_files().into_iter().enumerate() {
        let folder = cases.join(format!("hostile-{i}"));
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join(file), bytes).unwrap();
        std::fs::copy(
            cases.join("KET-2026-0101/signed-lmn.pdf"),
            folder.join("signed-lmn.pdf"),
        )
        .unwrap();
        let text = ready
            .replace("id: KET-2026-0101", &format!("id: HOSTILE-{i}"))
            .replace("file: denial-notice.pdf", &format!("file: {file}"));
        std::fs::write(folder.join("case.yaml"), text).unwrap();
    }
    // Hostile case files: a huge Markdown table, a denial in 9999, a report's name, a
    // link out of the folder, a FIFO.
    let draft = std::fs::read_to_string(cases.join("drafts/KET-2026-0102.yaml")).unwrap();
    let mut table = String::from("|a|b|\n|-|-|\n");
    for i in 0..100_000 {
        table.push_str(&format!("|{i}|x|\n"));
    }
    let table = draft
        .replace("id: KET-2026-0102", "id: HOSTILE-TABLE")
        .replacen("clinical_summary:", "notes:", 1)
        + &format!("clinical_summary: |\n  {}\n", table.replace('\n', "\n  "));
    std::fs::write(cases.join("table.yaml"), table).unwrap();
    std::fs::write(
        cases.join("future.yaml"),
        draft
            .replace("id: KET-2026-0102", "id: HOSTILE-9999")
            .replace("2026-11-", "9999-11-"),
    )
    .unwrap();
    std::fs::write(
        cases.join("report.yaml"),
        draft.replace("id: KET-2026-0102", "id: summary.json"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc/passwd", cases.join("passwd.yaml")).unwrap();
    let fifo = cases.join("pipe.yaml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );

    let output = dir.path().join("output");
    let (code, stderr) = build_limited(&cases, &output);
    assert_eq!(code, 1, "{stderr}");
    for report in [
        "summary.json",
        "summary.md",
        "index.html",
        ".appealpack-manifest.json",
    ] {
        assert!(output.join(report).is_file(), "{report} was not written");
    }
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(output.join("summary.json")).unwrap())
            .unwrap();
    let status = |id: &str| -> String {
        summary["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id || c["file"] == id)
            .unwrap_or_else(|| panic!("no case {id}"))["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(status("KET-2026-0101"), "ready");
    assert!(output.join("KET-2026-0101/packet.pdf").is_file());
    assert!(output.join("KET-2026-0102/packet.pdf").is_file());
    for i in 0..6 {
        assert_eq!(status(&format!("HOSTILE-{i}")), "needs-work", "HOSTILE-{i}");
    }
    assert_eq!(status("HOSTILE-TABLE"), "needs-work");
    for file in ["future.yaml", "report.yaml", "passwd.yaml", "pipe.yaml"] {
        assert_eq!(status(file), "invalid", "{file}");
    }
    assert!(
        !std::fs::read_to_string(output.join("summary.json"))
            .unwrap()
            .contains("root:")
    );
}

/// Copies the ready fixture case into `cases/<id>/` under a new id, with `edit` applied to
/// its case file, and returns its folder.
fn ready_case_as(cases: &Path, id: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    let folder = cases.join(id);
    common::copy_tree(&common::fixture("cases/KET-2026-0101"), &folder);
    let text = std::fs::read_to_string(folder.join("case.yaml"))
        .unwrap()
        .replace("id: KET-2026-0101", &format!("id: {id}"));
    std::fs::write(folder.join("case.yaml"), edit(text)).unwrap();
    folder
}

/// A grey PNG of `width` × `height` pixels, all black, with valid checksums.
fn black_png(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&crc.sum().to_be_bytes());
    };
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(b"IHDR", &header);
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let row = vec![0u8; width as usize + 1];
    for _ in 0..height {
        encoder.write_all(&row).unwrap();
    }
    chunk(b"IDAT", &encoder.finish().unwrap());
    chunk(b"IEND", &[]);
    png
}

/// Reads `summary.json` of an output folder.
fn summary_of(output: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(output.join("summary.json")).unwrap()).unwrap()
}

/// The outcome of the case with this id (or file) in a summary.
fn case_in<'a>(summary: &'a Value, id: &str) -> &'a Value {
    summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id || c["file"] == id)
        .unwrap_or_else(|| panic!("no case {id} in {summary}"))
}

#[test]
fn a_case_over_its_budget_costs_only_that_case_in_check_and_build() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    ready_case_as(&cases, "KET-2026-0101", |t| t);
    // Images of just under 40 million pixels each: six are over the case's budget.
    let scan = black_png(6_300, 6_300);
    let mut listed = String::from("attachments:\n");
    let folder = cases.join("PIXELS");
    for i in 0..6 {
        listed.push_str(&format!("  - {{ file: scan-{i}.png, title: Scan {i} }}\n"));
    }
    ready_case_as(&cases, "PIXELS", |t| t.replace("attachments:\n", &listed));
    for i in 0..6 {
        std::fs::write(folder.join(format!("scan-{i}.png")), &scan).unwrap();
    }
    // PDFs of 500 pages each: with the denial notice enclosed first, the second is over the
    // case's budget of pages.
    let big = pdf(&[
        CATALOG.to_owned(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count 500 >>",
            "3 0 R ".repeat(500)
        ),
        PAGE.to_owned(),
    ]);
    let mut listed = String::from("attachments:\n");
    for i in 0..3 {
        listed.push_str(&format!(
            "  - {{ file: record-{i}.pdf, title: Record {i} }}\n"
        ));
    }
    let folder = ready_case_as(&cases, "PAGES", |t| t.replace("attachments:\n", &listed));
    for i in 0..3 {
        std::fs::write(folder.join(format!("record-{i}.pdf")), &big).unwrap();
    }
    // A name of one letter and 20,000 combining accents.
    let accents = "\u{301}".repeat(20_000);
    ready_case_as(&cases, "ZALGO", |t| {
        t.replace("name: Morgan Ellis", &format!("name: \"a{accents}\""))
    });

    // 33 testimonials, each a table of 61 KiB: about 8,000 pages of tables.
    let mut table = String::from("|a|b|\n|-|-|\n");
    let mut row = 0;
    while table.len() < 61 * 1024 {
        table.push_str(&format!("|{row}|x|\n"));
        row += 1;
    }
    let table = table.replace('\n', "\n      ");
    let mut testimonials = String::from("testimonials:\n");
    for i in 0..33 {
        testimonials.push_str(&format!(
            "  - author: Friend {i}\n    relation: friend\n    text: |\n      {table}\n"
        ));
    }
    ready_case_as(&cases, "TABLES", |t| {
        let at = t.find("testimonials:\n").unwrap();
        let end = at + t[at..].find("evidence:").unwrap();
        format!("{}{testimonials}{}", &t[..at], &t[end..])
    });
    // A name of 60,000 letters.
    ready_case_as(&cases, "LONG-NAME", |t| {
        t.replace(
            "name: Morgan Ellis",
            &format!("name: {}", "m".repeat(60_000)),
        )
    });

    let (code, checked) = common::check_json(&cases);
    assert_eq!(code, 1);
    let output = dir.path().join("output");
    let run = common::run(&[
        "build",
        cases.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
        "--today",
        common::TODAY,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let built = summary_of(&output);
    for summary in [&checked, &built] {
        assert_eq!(case_in(summary, "KET-2026-0101")["status"], "ready");
        // A case over its budget for all its files is its own `failed` outcome, with no
        // packet, its error naming the first file over the budget by its field.
        for (id, message) in [
            (
                "PIXELS",
                "attachments[4].file cannot be enclosed: it would bring the case's images over 170 million pixels in all",
            ),
            (
                "PAGES",
                "attachments[1].file cannot be enclosed: it would bring the case's PDFs over 1000 pages in all",
            ),
        ] {
            let case = case_in(summary, id);
            assert_eq!(case["status"], "failed", "{case}");
            assert!(case["packet"].is_null(), "{case}");
            let error = case["error"].as_str().unwrap();
            assert!(error.contains(message), "{error}");
        }
        for (folder, message) in [
            (
                "ZALGO",
                "patient.name: 20000 combining marks in a row, more than 4",
            ),
            ("LONG-NAME", "patient.name: longer than 200 characters"),
            ("TABLES", "KiB in all, more than 256 KiB"),
        ] {
            let case = summary["cases"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["file"].as_str().unwrap().contains(folder))
                .unwrap_or_else(|| panic!("{folder} is not reported"));
            assert_eq!(case["status"], "invalid", "{case}");
            let error = case["error"].as_str().unwrap();
            assert!(error.contains(message), "{error}");
        }
    }
    assert!(!run.stderr.contains('\u{301}') && !run.stderr.contains("mmmm"));
    assert!(
        !std::fs::read_to_string(output.join("summary.json"))
            .unwrap()
            .contains('\u{301}')
    );
    assert!(output.join("KET-2026-0101/packet.pdf").is_file());
    assert!(!output.join("PIXELS/packet.pdf").exists());
    assert!(!output.join("PAGES/packet.pdf").exists());
    for report in ["summary.md", "index.html"] {
        assert!(output.join(report).is_file(), "{report} was not written");
    }
}

#[cfg(unix)]
#[test]
fn a_template_loop_costs_only_its_cases_their_packets_not_the_reports() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    let export = common::run(&["templates", "export", templates.to_str().unwrap()]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let main = templates.join("packet.typ");
    let original = std::fs::read_to_string(&main).unwrap();
    // Each loop runs only for its own case; the good case renders as always.
    let loops = "#let loop-case = json(\"/case/data.json\").id\n\
        #if loop-case == \"LOOP-RANGE\" { range(1000000000000).len() }\n\
        #if loop-case == \"LOOP-DOUBLE\" { let s = \"ab\"; while s.len() > 0 { s = s + s } }\n\
        #if loop-case == \"LOOP-SPIN\" { for i in range(100000) { for j in range(100000) { } } }\n";
    std::fs::write(&main, format!("{loops}{original}")).unwrap();
    let cases = dir.path().join("cases");
    for id in ["KET-2026-0101", "LOOP-RANGE", "LOOP-DOUBLE", "LOOP-SPIN"] {
        ready_case_as(&cases, id, |t| t);
    }
    let output = dir.path().join("output");
    let run = common::run(&[
        "build",
        cases.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
        "--today",
        common::TODAY,
        "--templates",
        templates.to_str().unwrap(),
        "--case-timeout",
        "10",
        "--case-memory",
        "1024",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let summary = summary_of(&output);
    assert_eq!(case_in(&summary, "KET-2026-0101")["status"], "ready");
    assert!(output.join("KET-2026-0101/packet.pdf").is_file());
    for id in ["LOOP-RANGE", "LOOP-DOUBLE", "LOOP-SPIN"] {
        assert_eq!(case_in(&summary, id)["status"], "failed", "{id}");
        assert!(!output.join(id).join("packet.pdf").exists(), "{id}");
    }
    let spin = case_in(&summary, "LOOP-SPIN")["error"].as_str().unwrap();
    assert!(
        spin.contains("took longer than its budget of 10 s"),
        "{spin}"
    );
    for report in ["summary.md", "index.html", "cases.csv", "deadlines.ics"] {
        assert!(output.join(report).is_file(), "{report} was not written");
    }
}

#[test]
fn a_four_page_fax_tiff_and_a_pdf_2_0_are_enclosed_page_by_page() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    let folder = ready_case_as(&cases, "KET-FAX", |t| {
        t.replace(
            "attachments:\n",
            "attachments:\n  - { file: fax.tif, title: Faxed denial }\n",
        )
    });
    std::fs::copy(
        common::fixture("fax/four-pages-g4.tif"),
        folder.join("fax.tif"),
    )
    .unwrap();
    // The denial notice saved as PDF 2.0.
    let notice = folder.join("denial-notice.pdf");
    let mut bytes = std::fs::read(&notice).unwrap();
    assert!(bytes.starts_with(b"%PDF-1."));
    bytes[5..8].copy_from_slice(b"2.0");
    std::fs::write(&notice, bytes).unwrap();
    let output = dir.path().join("output");
    let run = common::run(&[
        "build",
        cases.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
        "--today",
        common::TODAY,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = common::collapse(&common::pdf_text(&output.join("KET-FAX/packet.pdf")));
    // The first page carries the title; the others say which page of the fax they are.
    common::assert_has(&text, "Faxed denial (4 pages)");
    for n in 2..=4 {
        common::assert_has(&text, &format!("Faxed denial, page {n} of 4"));
    }
    assert!(!text.contains("page 5 of 4"));
    common::assert_has(&text, "Denial notice, page 2 of 2");
}

// Round 2 (issue 25): no output path over an input, no deadline erased by another file,
// portable ids, dates and numbers that cannot be right.

/// A cases folder holding one ready case (`KET-2026-0101`, with its signed letter).
fn one_ready_case(dir: &Path) -> std::path::PathBuf {
    let cases = dir.join("cases");
    common::copy_tree(
        &common::fixture("cases/KET-2026-0101"),
        &cases.join("KET-2026-0101"),
    );
    cases
}

#[test]
fn junit_is_refused_over_an_input_a_report_or_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let cases = one_ready_case(dir.path());
    let output = dir.path().join("out");
    std::fs::create_dir(&output).unwrap();
    std::fs::write(output.join("summary.json"), "last run's summary").unwrap();
    std::fs::write(output.join(".appealpack.lock"), "").unwrap();
    let targets = [
        cases.join("KET-2026-0101/case.yaml"),
        cases.join("KET-2026-0101/signed-lmn.pdf"),
        output.join("summary.json"),
        output.join(".appealpack.lock"),
        output.join("KET-2026-0101/packet.pdf"),
    ];
    for target in &targets {
        let before = std::fs::read(target).ok();
        let run = common::run(&[
            "build",
            cases.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
            "--today",
            common::TODAY,
            "--junit",
            target.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 2, "{}: {}", target.display(), run.stderr);
        assert!(run.stderr.contains("report"), "{}", run.stderr);
        assert_eq!(std::fs::read(target).ok(), before, "{}", target.display());
    }
    assert!(!output.join("KET-2026-0101").exists());
}

#[test]
fn merge_never_writes_into_a_shard_it_merges() {
    let dir = tempfile::tempdir().unwrap();
    let shard = dir.path().join("shard-1");
    std::fs::create_dir(&shard).unwrap();
    std::fs::write(shard.join("summary.json"), "the shard's summary").unwrap();
    let other = dir.path().join("out");
    for (output, junit) in [
        (shard.clone(), other.join("junit.xml")),
        (shard.join("merged"), other.join("junit.xml")),
        (other.clone(), shard.join("summary.json")),
    ] {
        let run = common::run(&[
            "merge",
            shard.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
            "--partial",
        ]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("shard folder"), "{}", run.stderr);
        assert_eq!(
            std::fs::read_to_string(shard.join("summary.json")).unwrap(),
            "the shard's summary"
        );
    }
    assert!(!shard.join("merged").exists());
    assert!(!shard.join(".appealpack.lock").exists());
}

#[test]
fn merge_refuses_a_shard_summary_the_loader_could_not_have_made() {
    let dir = tempfile::tempdir().unwrap();
    let cases = one_ready_case(dir.path());
    let (_, mut summary) = common::check_json(&cases);
    summary["shard"] = "1/1".into();
    let shard = dir.path().join("shard");
    std::fs::create_dir(&shard).unwrap();
    let output = dir.path().join("out");
    let injected = [
        ("id", Value::from("KET-1\r\nATTENDEE:mailto:x@example.com")),
        ("id", Value::from("CON")),
        ("packet", Value::from("../../elsewhere.pdf")),
        ("owner", Value::from("Ann Example")),
        ("file", Value::from("/etc/passwd")),
        ("next_step", Value::from("call\u{7}")),
    ];
    for (field, value) in injected {
        let mut bad = summary.clone();
        bad["cases"][0][field] = value;
        std::fs::write(shard.join("summary.json"), bad.to_string()).unwrap();
        let run = common::run(&[
            "merge",
            shard.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 2, "{field}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("cases[0].{field}")),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("example.com"), "{}", run.stderr);
        assert!(!output.join("deadlines.ics").exists());
    }
    std::fs::write(shard.join("summary.json"), summary.to_string()).unwrap();
    let run = common::run(&[
        "merge",
        shard.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Returns a summary case by id.
fn case_of<'a>(summary: &'a Value, id: &str) -> &'a Value {
    summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no case {id}"))
}

#[test]
fn a_copied_history_line_leaves_the_deadline_in_place_with_a_blocker() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    let bundled = common::root().join("cases");
    common::copy_tree(&bundled.join("KET-2026-0107"), &cases.join("KET-2026-0107"));
    let other = std::fs::read_to_string(bundled.join("KET-2026-0110.yaml")).unwrap();
    std::fs::write(cases.join("KET-2026-0110.yaml"), &other).unwrap();
    let (_, before) = common::check_json(&cases);
    let deadline = case_of(&before, "KET-2026-0107")["deadline"].clone();
    assert!(deadline["date"].is_string(), "{deadline}");

    // Another patient's case with a history line naming KET-2026-0107, as if copied.
    let line = "  - { stage: second-level-appeal, outcome: denied, case: KET-2026-0107 }\n";
    let copied = other.replacen("history:\n", &format!("history:\n{line}"), 1);
    std::fs::write(cases.join("KET-2026-0110.yaml"), copied).unwrap();
    let (code, after) = common::check_json(&cases);
    assert_eq!(code, 1);
    assert_eq!(case_of(&after, "KET-2026-0107")["deadline"], deadline);
    let claimant = case_of(&after, "KET-2026-0110");
    assert!(common::blocker_rules(claimant).contains(&"continuation"));
    let message = claimant["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "continuation")
        .unwrap()["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("KET-2026-0110") && message.contains("KET-2026-0107"),
        "{message}"
    );
    assert!(claimant["continues"].is_null());

    // A case naming itself.
    let own = other.replacen(
        "history:\n",
        "history:\n  - { stage: internal-appeal, case: KET-2026-0110 }\n",
        1,
    );
    std::fs::write(cases.join("KET-2026-0110.yaml"), own).unwrap();
    let (_, after) = common::check_json(&cases);
    assert!(common::blocker_rules(case_of(&after, "KET-2026-0110")).contains(&"continuation"));
}

#[test]
fn ids_equal_ignoring_case_are_duplicates_and_device_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases = one_ready_case(dir.path());
    let text = std::fs::read_to_string(cases.join("KET-2026-0101/case.yaml")).unwrap();
    std::fs::write(
        cases.join("KET-9.yaml"),
        text.replace("id: KET-2026-0101", "id: KET-9"),
    )
    .unwrap();
    std::fs::write(
        cases.join("lower.yaml"),
        text.replace("id: KET-2026-0101", "id: ket-9"),
    )
    .unwrap();
    std::fs::write(
        cases.join("nul.yaml"),
        text.replace("id: KET-2026-0101", "id: NUL"),
    )
    .unwrap();
    std::fs::write(
        cases.join("dot.yaml"),
        text.replace("id: KET-2026-0101", "id: KET-10."),
    )
    .unwrap();
    let (_, summary) = common::check_json(&cases);
    let by_file = |file: &str| -> String {
        let case = summary["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["file"] == file)
            .unwrap();
        assert_eq!(case["status"], "invalid", "{file}");
        case["error"].as_str().unwrap().to_owned()
    };
    assert!(by_file("KET-9.yaml").contains("duplicate id"));
    assert!(by_file("lower.yaml").contains("also used by KET-9.yaml"));
    assert!(by_file("nul.yaml").contains("Windows device name"));
    assert!(by_file("dot.yaml").contains("ends with '.'"));

    let run = common::run(&["new", "ket-2026-0101", "--dir", cases.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = common::run(&["new", "COM1", "--dir", cases.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!cases.join("COM1").exists());
}

#[test]
fn an_empty_cases_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir(&cases).unwrap();
    let output = dir.path().join("out");
    let cases = cases.to_str().unwrap();
    for run in [
        common::run(&["check", cases]),
        common::run(&["build", cases, "-o", output.to_str().unwrap()]),
    ] {
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("holds no case file"), "{}", run.stderr);
    }
}

#[test]
fn dates_and_numbers_that_cannot_be_right() {
    let dir = tempfile::tempdir().unwrap();
    let cases = one_ready_case(dir.path());
    let path = cases.join("KET-2026-0101/case.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let rules_of = |text: String| {
        std::fs::write(&path, text).unwrap();
        let (_, summary) = common::check_json(&cases);
        let case = &summary["cases"][0];
        (
            case["status"].as_str().unwrap().to_owned(),
            common::blocker_rules(case)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>(),
            case.to_string(),
        )
    };
    let (status, blockers, _) =
        rules_of(text.replace("date_of_birth: 1984-06-12", "date_of_birth: 2027-06-12"));
    assert_eq!(status, "needs-work");
    assert!(
        blockers.contains(&"insurer-policy".to_owned()),
        "{blockers:?}"
    );
    for sessions in ["0", "4294967295"] {
        let (status, _, case) =
            rules_of(text.replace("sessions: 6", &format!("sessions: {sessions}")));
        assert_eq!(status, "invalid", "{case}");
        assert!(case.contains("request.sessions"), "{case}");
    }
    // Sent before the denial it appeals.
    let sent = text.clone() + "submission: { sent_on: 2026-09-20, method: fax }\n";
    let (_, blockers, case) = rules_of(sent);
    assert!(blockers.contains(&"decision".to_owned()), "{case}");
    assert!(
        case.contains("submission.sent_on is before denial.date"),
        "{case}"
    );
    // A decision received before its date, and one dated after today.
    let decided = text.clone()
        + "submission: { sent_on: 2026-10-10, method: fax }\n\
           decision: { date: 2026-11-20, received: 2026-11-18, outcome: denied }\n";
    let (_, _, case) = rules_of(decided);
    assert!(
        case.contains("decision.received is before decision.date"),
        "{case}"
    );
    let future = text.clone()
        + "submission: { sent_on: 2026-10-10, method: fax }\n\
           decision: { date: 2026-12-20, outcome: denied }\n";
    let (_, _, case) = rules_of(future);
    assert!(case.contains("decision.date is after today"), "{case}");
    // History newest first: a warning.
    let history = text.clone()
        + "history:\n  - { stage: prior-authorization, filed_on: 2026-09-01 }\n  \
           - { stage: prior-authorization, filed_on: 2026-08-01 }\n";
    let (_, _, case) = rules_of(history);
    assert!(case.contains("oldest first"), "{case}");
}

#[cfg(unix)]
#[test]
fn a_fifo_planted_as_a_kept_packet_is_rebuilt_without_a_hang_and_temporaries_go() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let cases = one_ready_case(dir.path());
    let output = dir.path().join("out");
    let build = || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_appealpack"))
            .args([
                "build",
                cases.to_str().unwrap(),
                "-o",
                output.to_str().unwrap(),
            ])
            .args(["--today", common::TODAY, "--quiet"])
            .spawn()
            .unwrap();
        // A guard against a hang, not a timing assertion: a hung build is killed and fails.
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status.code();
            }
            if start.elapsed() > Duration::from_secs(600) {
                child.kill().unwrap();
                panic!("the build hung");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    assert_eq!(build(), Some(0));
    let packet = output.join("KET-2026-0101/packet.pdf");
    std::fs::remove_file(&packet).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(&packet)
            .status()
            .unwrap()
            .success()
    );
    let manifest_path = output.join(".appealpack-manifest.json");
    let mut manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    manifest["packets"][0]["size"] = 0.into();
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    // What a killed run leaves: temporary files holding a whole packet.
    std::fs::write(output.join(".appealpack-killed.tmp"), "a packet").unwrap();
    std::fs::write(
        output.join("KET-2026-0101/.appealpack-killed.tmp"),
        "a packet",
    )
    .unwrap();

    assert_eq!(build(), Some(0));
    let meta = std::fs::symlink_metadata(&packet).unwrap();
    assert!(meta.is_file());
    assert!(std::fs::read(&packet).unwrap().starts_with(b"%PDF"));
    assert!(!output.join(".appealpack-killed.tmp").exists());
    assert!(!output.join("KET-2026-0101/.appealpack-killed.tmp").exists());
}

#[cfg(unix)]
#[test]
fn the_lock_and_init_never_follow_a_link_out_of_their_folder() {
    let dir = tempfile::tempdir().unwrap();
    let cases = one_ready_case(dir.path());
    let output = dir.path().join("out");
    std::fs::create_dir(&output).unwrap();
    let target = dir.path().join("elsewhere.txt");
    std::os::unix::fs::symlink(&target, output.join(".appealpack.lock")).unwrap();
    let run = common::run(&[
        "build",
        cases.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!target.exists());

    let repo = dir.path().join("repo");
    let linked = dir.path().join("linked");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::create_dir_all(&linked).unwrap();
    std::os::unix::fs::symlink(&linked, repo.join(".github")).unwrap();
    let run = common::run(&["init", repo.to_str().unwrap(), "--ci", "github"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(std::fs::read_dir(&linked).unwrap().count(), 0);
    // Nothing is left behind: the repository holds only the link.
    let left: Vec<_> = std::fs::read_dir(&repo)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, [".github"]);
}
