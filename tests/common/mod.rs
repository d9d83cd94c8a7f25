//! Helpers the integration tests share: paths, running the binary, reading PDFs back.

#![allow(dead_code, reason = "each test crate uses a different part")]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A folder under `tests/fixtures`.
pub fn fixture(relative: &str) -> PathBuf {
    root().join("tests/fixtures").join(relative)
}

/// The day the tests count deadlines from.
pub const TODAY: &str = "2026-11-26";

/// What one run of the binary did.
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs the appealpack binary in the repository root, without colour.
pub fn run(args: &[&str]) -> Run {
    run_with(args, &[])
}

/// Runs the appealpack binary with extra environment variables.
pub fn run_with(args: &[&str], env: &[(&str, &str)]) -> Run {
    run_in(root(), args, env)
}

/// Runs the appealpack binary in a folder, with extra environment variables.
pub fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_appealpack"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("APPEALPACK_DEBUG")
        .envs(env.iter().copied())
        .output()
        .expect("appealpack runs");
    Run {
        code: output.status.code().expect("appealpack exits, not killed"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 standard output"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 standard error"),
    }
}

/// Runs `check --format json` on a folder and returns the exit code and the summary.
pub fn check_json(cases: &Path) -> (i32, serde_json::Value) {
    let run = run(&[
        "check",
        cases.to_str().unwrap(),
        "--today",
        TODAY,
        "--format",
        "json",
    ]);
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    (run.code, json)
}

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs a poppler tool (`pdftotext`, `pdfinfo`) on a PDF file and returns its output.
pub fn poppler_file(tool: &str, args: &[&str], pdf: &Path) -> String {
    let mut command = Command::new(tool);
    command.args(args).arg(pdf);
    if tool == "pdftotext" {
        command.arg("-");
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} (poppler-utils): {e}"));
    assert!(
        output.status.success(),
        "{tool} failed on {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    // Zero-width spaces are break hints appealpack adds to long words; a reader sees none.
    String::from_utf8_lossy(&output.stdout).replace('\u{200B}', "")
}

/// Runs a poppler tool on PDF bytes and returns its output.
pub fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("packet.pdf");
    std::fs::write(&path, pdf).unwrap();
    poppler_file(tool, args, &path)
}

/// Extracts the text of a PDF file, laid out as on the page.
pub fn pdf_text(pdf: &Path) -> String {
    poppler_file("pdftotext", &["-layout"], pdf)
}

/// Extracts the text of every page, whitespace collapsed so wrapped lines still match.
pub fn pages(pdf: &[u8]) -> Vec<String> {
    let text = poppler("pdftotext", &["-layout"], pdf);
    let mut pages: Vec<String> = text.split('\u{c}').map(collapse).collect();
    if pages.last().is_some_and(|p| p.is_empty()) {
        pages.pop();
    }
    pages
}

/// Collapses runs of whitespace into single spaces.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Asserts that `text` contains `needle`, showing the text when it does not.
pub fn assert_has(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} not found in:\n{text}");
}
