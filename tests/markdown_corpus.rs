//! Renders every CommonMark specification example through `templates/markdown.typ` with the real Typst
//! compiler and checks that its text reaches the PDF.
//!
//! Examples are compiled in batches (one Typst document per batch, each example preceded by a
//! marker), the PDF is turned back into text with `pdftotext`, and every alphanumeric word of
//! the example's reference HTML (tags stripped, entities decoded) must appear, whitespace
//! ignored, in the text between the example's marker and the next.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use appealpack::markup::{Document, markdown};
use serde::{Deserialize, Serialize};
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// Examples rendered per Typst compilation.
const BATCH: usize = 50;

/// Examples whose text is not checked, with the reason; their rendering is still checked.
const EXEMPT: &[(u32, &str)] = &[(
    27,
    "U+0D06 (Malayalam) has no glyph in the fonts bundled with Typst, so the PDF holds \
     a .notdef glyph that pdftotext cannot map back to text",
)];

/// One example of the CommonMark specification.
#[derive(Debug, Deserialize)]
struct Example {
    example: u32,
    markdown: String,
    html: String,
}

/// One entry of the JSON data a batch document reads.
#[derive(Serialize)]
struct Entry {
    example: u32,
    doc: Document,
}

/// The fonts bundled with Typst, loaded once for all compilations.
fn fonts() -> &'static (LazyHash<FontBook>, Vec<Font>) {
    static FONTS: OnceLock<(LazyHash<FontBook>, Vec<Font>)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
    })
}

/// A minimal Typst world: a main file, the markdown template and one JSON data file.
struct TestWorld {
    library: LazyHash<Library>,
    main: FileId,
    sources: HashMap<FileId, Source>,
    data: (FileId, Bytes),
}

/// Returns the file id of an absolute virtual path in the project root.
fn file_id(path: &str) -> FileId {
    let vpath =
        VirtualPath::new(path).unwrap_or_else(|err| panic!("bad virtual path {path}: {err:?}"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl TestWorld {
    /// Builds a world whose main file is `main` and whose `/data.json` holds `data`.
    fn new(main: &str, data: Vec<u8>) -> TestWorld {
        let template_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/markdown.typ");
        let template = std::fs::read_to_string(&template_path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", template_path.display()));
        let main_id = file_id("/main.typ");
        let template_id = file_id("/markdown.typ");
        let sources = HashMap::from([
            (main_id, Source::new(main_id, main.to_string())),
            (template_id, Source::new(template_id, template)),
        ]);
        TestWorld {
            library: LazyHash::new(Library::default()),
            main: main_id,
            sources,
            data: (file_id("/data.json"), Bytes::new(data)),
        }
    }

    /// Compiles the main file to PDF, or returns the error messages.
    fn pdf(&self) -> Result<Vec<u8>, String> {
        let warned = typst::compile(self);
        let describe = |diagnostics: &[SourceDiagnostic]| {
            diagnostics
                .iter()
                .map(|d| format!("{:?}: {} {:?}", d.severity, d.message, d.hints))
                .collect::<Vec<_>>()
                .join("\n")
        };
        if !warned.warnings.is_empty() {
            return Err(format!("warnings:\n{}", describe(&warned.warnings)));
        }
        let document = warned.output.map_err(|errors| describe(&errors))?;
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
            .map_err(|errors| describe(&errors))
    }
}

impl World for TestWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().0
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data.0 {
            return Ok(self.data.1.clone());
        }
        self.sources
            .get(&id)
            .map(|s| Bytes::from_string(s.clone()))
            .ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Returns the error for a file the test world does not have.
fn not_found(id: FileId) -> FileError {
    FileError::NotFound(PathBuf::from(id.get().vpath().get_with_slash()))
}

/// The Typst main file of a batch: a marker before each example, then its rendering.
const BATCH_MAIN: &str = r#"
#import "markdown.typ": markdown
#set page(width: 16cm, height: 24cm, margin: 1.5cm)
#for entry in json("/data.json") {
  [#("QQEX" + str(entry.example) + "QQ")]
  parbreak()
  markdown(entry.doc)
  parbreak()
}
QQEXENDQQ
"#;

/// Extracts the text of a PDF with `pdftotext`.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap_or_else(|err| panic!("no temporary directory: {err}"));
    let path = dir.path().join("batch.pdf");
    std::fs::write(&path, pdf)
        .unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
    let output = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|err| panic!("cannot run pdftotext (poppler-utils): {err}"));
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Splits extracted text at the markers into the text of each example, whitespace removed.
fn segments(text: &str) -> HashMap<u32, String> {
    let mut found = HashMap::new();
    let mut rest = text;
    while let Some(start) = rest.find("QQEX") {
        rest = &rest[start + 4..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(number) = digits.parse::<u32>() else {
            continue;
        };
        rest = rest[digits.len()..]
            .strip_prefix("QQ")
            .unwrap_or(&rest[digits.len()..]);
        let end = rest.find("QQEX").unwrap_or(rest.len());
        found.insert(
            number,
            rest[..end].chars().filter(|c| !c.is_whitespace()).collect(),
        );
    }
    found
}

/// Returns the visible text of reference HTML: tags dropped, entities decoded.
fn html_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    decode_entities(&text)
}

/// Decodes the entities the reference renderer writes: `&amp;`, `&lt;`, `&gt;`, `&quot;` and numeric ones.
fn decode_entities(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&end| end <= 10);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Returns the alphanumeric words of a text.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Renders a batch of examples and returns one message per problem found.
fn check_batch(batch: &[Example]) -> Vec<String> {
    let entries: Vec<Entry> = batch
        .iter()
        .map(|e| Entry {
            example: e.example,
            doc: markdown(&e.markdown),
        })
        .collect();
    let data =
        serde_json::to_vec(&entries).unwrap_or_else(|err| panic!("cannot serialise batch: {err}"));
    let numbers = || {
        batch
            .iter()
            .map(|e| e.example.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let pdf = match TestWorld::new(BATCH_MAIN, data).pdf() {
        Ok(pdf) => pdf,
        Err(message) => return vec![format!("batch of examples {}: {message}", numbers())],
    };
    let text = pdf_text(&pdf);
    let found = segments(&text);
    let mut problems = Vec::new();
    for example in batch {
        let Some(segment) = found.get(&example.example) else {
            problems.push(format!(
                "example {}: marker missing from the PDF text",
                example.example
            ));
            continue;
        };
        if EXEMPT.iter().any(|(n, _)| *n == example.example) {
            continue;
        }
        let missing: Vec<String> = words(&html_text(&example.html))
            .into_iter()
            .filter(|w| !segment.contains(w.as_str()))
            .collect();
        if !missing.is_empty() {
            problems.push(format!(
                "example {}: words missing {missing:?}\n  markdown: {:?}\n  pdf text: {segment:?}",
                example.example, example.markdown
            ));
        }
    }
    problems
}

/// Loads the CommonMark examples from the test corpus.
fn corpus() -> Vec<Example> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/commonmark-spec-examples.json");
    let json = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_json::from_str(&json).unwrap_or_else(|err| panic!("bad corpus {}: {err}", path.display()))
}

#[test]
fn every_commonmark_example_renders_with_its_text() {
    let examples = corpus();
    assert!(
        examples.len() > 600,
        "corpus has only {} examples",
        examples.len()
    );
    let batches: Vec<&[Example]> = examples.chunks(BATCH).collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let problems: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let batches = &batches;
                scope.spawn(move || {
                    batches
                        .iter()
                        .skip(worker)
                        .step_by(workers)
                        .flat_map(|batch| check_batch(batch))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec!["a worker panicked".to_string()])
            })
            .collect()
    });
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Renders one Markdown text alone and returns its PDF text, or the Typst errors.
fn render_one(source: &str) -> Result<String, String> {
    let entries = [Entry {
        example: 1,
        doc: markdown(source),
    }];
    let data = serde_json::to_vec(&entries).map_err(|err| err.to_string())?;
    let pdf = TestWorld::new(BATCH_MAIN, data).pdf()?;
    Ok(pdf_text(&pdf))
}

#[test]
fn typst_syntax_in_case_text_prints_literally() {
    let source = "#read(\"/etc/passwd\") $x$ ] [ * _ @ref <label> \\\\ `#x` #set text(size: 1pt)\n\n\
                  #import \"/data.json\"\n\n[link](https://example.org/#]) [bad](file:///etc/passwd) ![img](/etc/passwd)";
    let text = render_one(source).unwrap_or_else(|err| panic!("render failed: {err}"));
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "#read(\"/etc/passwd\") $x$ ] [ * _ @ref <label> \\ #x #set text(size: 1pt)",
        "#import \"/data.json\"",
        "link (https://example.org/#])",
        "bad (file:///etc/passwd)",
        "[image: img (/etc/passwd)]",
    ] {
        assert!(flat.contains(expected), "{expected:?} not in {flat:?}");
    }
    assert!(!flat.contains("root:"), "a file was read: {flat}");
}

#[test]
fn extensions_and_pathological_nesting_render() {
    let mut sources = vec![
        "| a | b |\n|:-|-:|\n| 1 | 2 | 3 |\n| x |\n\n- [x] done\n- [ ] open\n\n~~gone~~ text[^n]\n\n[^n]: A *note*.\n\n# H1\n###### H6\n\n3. three\n4. four\n".to_string(),
        format!("{}deep quote", "> ".repeat(400)),
        (0..200).map(|i| format!("{}- level{i}\n", "  ".repeat(i))).collect(),
        (0..100).map(|i| format!("{}1. > * level{i}\n", "     ".repeat(i))).collect(),
        format!("{}core{}", "*a **b ~~c [d ".repeat(60), "](http://x.org) e~~ f** g*".repeat(60)),
        format!("{}inside", "[a ".repeat(500)),
        "a[^1]\n\n[^1]: b[^1]\n".to_string(),
    ];
    sources.push(sources.concat());
    for source in &sources {
        let text =
            render_one(source).unwrap_or_else(|err| panic!("render failed for {source:?}: {err}"));
        let last_word = words(source).pop().unwrap_or_default();
        let flat: String = text.split_whitespace().collect();
        assert!(
            flat.contains(&last_word),
            "{last_word:?} missing from {flat:?}"
        );
    }
}
