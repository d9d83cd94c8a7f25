//! Helpers the integration tests share: paths, running the binary, reading PDFs back.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

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

/// Returns the rules of a summary case's blocker findings, most severe first.
pub fn blocker_rules(case: &serde_json::Value) -> Vec<&str> {
    case["findings"]
        .as_array()
        .expect("findings are a list")
        .iter()
        .filter(|f| f["severity"] == "blocker")
        .map(|f| f["rule"].as_str().expect("a rule id"))
        .collect()
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

/// Extracts the text of each page of a PDF, in Rust (pdf-extract), so the tests need no
/// system package. Zero-width spaces, the break hints appealpack adds to long words, are
/// dropped: a reader sees none.
pub fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    pdf_extract::extract_text_from_mem_by_pages(pdf)
        .unwrap_or_else(|e| panic!("cannot read the PDF's text: {e}"))
        .into_iter()
        .map(|page| page.replace('\u{200B}', ""))
        .collect()
}

/// Extracts the text of a PDF file.
pub fn pdf_text(pdf: &Path) -> String {
    let bytes = std::fs::read(pdf).unwrap_or_else(|e| panic!("cannot read {}: {e}", pdf.display()));
    pdf_pages(&bytes).join("\n")
}

/// Extracts the text of every page, whitespace collapsed so wrapped lines still match.
pub fn pages(pdf: &[u8]) -> Vec<String> {
    pdf_pages(pdf).iter().map(|p| collapse(p)).collect()
}

/// Returns the PDF's document information (title, dates...) and its XMP metadata, as text.
pub fn pdf_metadata(pdf: &[u8]) -> (String, String) {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF lopdf can read");
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|r| doc.dereference(r))
        .ok()
        .and_then(|(_, o)| o.as_dict().ok().cloned())
        .map(|dict| {
            dict.iter()
                .map(|(k, v)| {
                    let value = match v {
                        lopdf::Object::String(bytes, _) => decode_pdf_string(bytes),
                        other => format!("{other:?}"),
                    };
                    format!("{}: {value}", String::from_utf8_lossy(k))
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let xmp = doc
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"Metadata").ok())
        .and_then(|r| doc.dereference(r).ok())
        .and_then(|(_, o)| o.as_stream().ok())
        .map(|stream| {
            let bytes = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            String::from_utf8_lossy(&bytes).into_owned()
        })
        .unwrap_or_default();
    (info, xmp)
}

/// Decodes a PDF text string: UTF-16 with a byte order mark, or PDFDocEncoding (as Latin-1).
fn decode_pdf_string(bytes: &[u8]) -> String {
    match bytes {
        [0xFE, 0xFF, rest @ ..] => {
            let units: Vec<u16> = rest
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Collapses runs of whitespace into single spaces.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Asserts that `text` contains `needle`, showing the text when it does not.
pub fn assert_has(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} not found in:\n{text}");
}

/// The output folder of one build of the bundled cases, shared by the tests of one test file.
pub fn built() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let cases = root().join("cases");
        let out = dir.path().join("output");
        let run = run(&[
            "build",
            cases.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--today",
            TODAY,
        ]);
        // Some bundled cases need work by design (exit code 1); none may fail.
        assert!(
            run.code <= 1,
            "build failed: {}\n{}",
            run.stdout,
            run.stderr
        );
        (dir, out)
    });
    out
}

/// Every case folder the build wrote, by id.
pub fn case_dirs() -> Vec<(String, PathBuf)> {
    let mut dirs: Vec<_> = std::fs::read_dir(built())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("packet.pdf").is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 8, "only {} packets built", dirs.len());
    dirs
}

/// The text of each page of a PDF.
pub fn pages_of(pdf: &Path) -> Vec<String> {
    pdf_pages(&std::fs::read(pdf).unwrap())
}

/// Replaces the example organisation `init` writes with the bundled one, as an advocate
/// fills in her own before the first real packet.
pub fn fill_organisation(repo: &Path) {
    std::fs::copy(root().join("appealpack.yaml"), repo.join("appealpack.yaml")).unwrap();
}

/// Builds `dir/cases` into `dir/output` on [`TODAY`] with the bundled organisation file,
/// and returns the run and the output folder.
pub fn build_folder(dir: &Path) -> (Run, PathBuf) {
    let out = dir.join("output");
    let run = run(&[
        "build",
        dir.join("cases").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--today",
        TODAY,
        "--config",
        root().join("appealpack.yaml").to_str().unwrap(),
    ]);
    (run, out)
}
