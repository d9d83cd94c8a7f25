//! A batch holding every hostile input the review found, beside good cases, builds to the
//! end under an 8 GB address-space limit: every report is written, the good cases get
//! their packets, and each hostile one is reported, not fatal.

use crate::common;

use std::io::Write as _;
use std::path::Path;
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
