//! Renders every CommonMark specification example through `templates/markdown.typ` with the real Typst
//! compiler and checks that its text reaches the PDF.
//!
//! Examples are compiled in batches (one Typst document per batch, each example preceded by a
//! marker), the PDF is turned back into text (pdf-extract), and every alphanumeric word of
//! the example's reference HTML (tags stripped, entities decoded) must appear, whitespace
//! ignored, in the text between the example's marker and the next.

use crate::common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use appealpack::model::fields::Date;
use appealpack::packet::markdown::{Document, markdown};
use appealpack::render::{MAIN, Renderer};
use serde::{Deserialize, Serialize};

/// Examples rendered per Typst compilation.
const BATCH: usize = 50;

/// Examples whose text is not checked, with the reason; their rendering is still checked.
const EXEMPT: &[(u32, &str)] = &[(
    27,
    "U+0D06 (Malayalam) has no glyph in the fonts bundled with Typst, so the PDF holds \
     a .notdef glyph that cannot be mapped back to text",
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

/// The renderer of a templates folder holding the batch document and `markdown.typ`,
/// built once: the same world, fonts and file access as a real packet's.
fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<(tempfile::TempDir, Renderer)> = OnceLock::new();
    &RENDERER
        .get_or_init(|| {
            let dir =
                tempfile::tempdir().unwrap_or_else(|err| panic!("no temporary folder: {err}"));
            let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/markdown.typ");
            std::fs::copy(&template, dir.path().join("markdown.typ"))
                .unwrap_or_else(|err| panic!("cannot copy {}: {err}", template.display()));
            std::fs::write(dir.path().join(MAIN), BATCH_MAIN)
                .unwrap_or_else(|err| panic!("cannot write the batch template: {err}"));
            let renderer = Renderer::new(dir.path()).unwrap_or_else(|err| panic!("{err:#}"));
            (dir, renderer)
        })
        .1
}

/// Compiles a batch's JSON data to PDF, or returns the errors and warnings.
fn pdf(data: &[u8]) -> Result<Vec<u8>, String> {
    let date = Date::parse("2026-01-01").expect("a date");
    let rendered = renderer()
        .render_json(data, &[], "corpus", date)
        .map_err(|err| err.to_string())?;
    if rendered.warnings.is_empty() {
        Ok(rendered.pdf)
    } else {
        Err(format!("warnings:\n{}", rendered.warnings.join("\n")))
    }
}

/// The Typst main file of a batch: a marker before each example, then its rendering.
const BATCH_MAIN: &str = r#"
#import "markdown.typ": markdown
#set page(width: 16cm, height: 24cm, margin: 1.5cm)
#for entry in json("/case/data.json") {
  [#("QQEX" + str(entry.example) + "QQ")]
  parbreak()
  markdown(entry.doc)
  parbreak()
}
QQEXENDQQ
"#;

/// Extracts the text of a PDF.
fn pdf_text(pdf: &[u8]) -> String {
    common::pdf_pages(pdf).join("\n")
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
    let pdf = match pdf(&data) {
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
    let pdf = pdf(&data)?;
    Ok(pdf_text(&pdf))
}

#[test]
fn typst_syntax_in_case_text_prints_literally() {
    let source = "#read(\"/etc/passwd\") $x$ ] [ * _ @ref <label> \\\\ `#x` #set text(size: 1pt)\n\n\
                  #import \"/case/data.json\"\n\n[link](https://example.org/#]) [bad](file:///etc/passwd) ![img](/etc/passwd)";
    let text = render_one(source).unwrap_or_else(|err| panic!("render failed: {err}"));
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "#read(\"/etc/passwd\") $x$ ] [ * _ @ref <label> \\ #x #set text(size: 1pt)",
        "#import \"/case/data.json\"",
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
        let last_word = words(source).pop().expect("every source has a word");
        let flat: String = text.split_whitespace().collect();
        assert!(
            flat.contains(&last_word),
            "{last_word:?} missing from {flat:?}"
        );
    }
}

#[test]
fn a_ten_thousand_row_table_renders_whole() {
    // The table template once folded rows quadratically (10,000 rows: 6 GB, 28 s); it
    // is one pass now. Speed is the benchmark's business; this checks every row is there.
    let mut source = String::from("| row | value |\n|---|---|\n");
    for i in 0..10_000 {
        source.push_str(&format!("| r{i} | v{i} |\n"));
    }
    let text = render_one(&source).unwrap_or_else(|err| panic!("render failed: {err}"));
    let words: std::collections::HashSet<&str> = text.split_whitespace().collect();
    for i in [0, 1, 4_999, 9_998, 9_999] {
        assert!(
            words.contains(format!("r{i}").as_str()),
            "row {i} is missing"
        );
        assert!(
            words.contains(format!("v{i}").as_str()),
            "value {i} is missing"
        );
    }
    let rows = (0..10_000)
        .filter(|i| words.contains(format!("r{i}").as_str()))
        .count();
    assert_eq!(rows, 10_000);
}

#[test]
fn long_words_and_addresses_wrap_with_every_character_printed() {
    let word: String = (0..20_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    // Longer than a PDF link can be: shown as text, never a failed packet.
    let url = format!("https://example.org/{}", "x".repeat(8_000));
    let source = format!("{word}\n\n[see]({url}) and `{word}`");
    let text = render_one(&source).unwrap_or_else(|err| panic!("render failed: {err}"));
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(flat.matches(&word).count(), 2, "a long word was clipped");
    assert!(flat.contains(&url), "the long address was clipped");
}
