//! Keeps the code's shape what ARCHITECTURE.md says: imports point down the pipeline
//! only, and the map names every file under `src/`.

use crate::common;

use std::path::Path;

/// The top-level modules in pipeline order: each may use only those before it.
const LAYERS: &[&str] = &[
    "fsutil",
    "model",
    "law",
    "progress",
    "shard",
    "isolate",
    "load",
    "attachments",
    "checklist",
    "outcome",
    "packet",
    "render",
    "cache",
    "output",
    "report",
    "intake",
    "cli",
    "cmd",
];

/// Returns the top-level module a source file belongs to (`src/render/world.rs`: `render`).
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().unwrap();
    let name = first.as_os_str().to_str().unwrap();
    name.trim_end_matches(".rs").to_owned()
}

/// Returns the top-level modules a source text names as `crate::NAME`.
fn used_modules(text: &str) -> Vec<String> {
    let mut used = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && name.chars().next().unwrap().is_ascii_lowercase() {
            used.push(name);
        }
    }
    used
}

#[test]
fn imports_point_down_the_pipeline() {
    let src = common::root().join("src");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = entry.path().strip_prefix(&src).unwrap();
        let module = module_of(relative);
        if matches!(module.as_str(), "lib" | "main") {
            continue;
        }
        let own = LAYERS
            .iter()
            .position(|l| *l == module)
            .unwrap_or_else(|| panic!("src/{} is in no layer of LAYERS", relative.display()));
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for used in used_modules(&text) {
            if used == module || used == "VERSION" {
                continue;
            }
            let layer = LAYERS.iter().position(|l| *l == used).unwrap_or_else(|| {
                panic!("src/{} uses crate::{used}, in no layer", relative.display())
            });
            assert!(
                layer < own,
                "src/{} ({module}) uses crate::{used}, which comes later in the pipeline",
                relative.display()
            );
        }
        checked += 1;
    }
    assert!(checked > 20, "only {checked} source files found");
}

#[test]
fn the_map_names_every_source_file() {
    let map = std::fs::read_to_string(common::root().join("ARCHITECTURE.md")).unwrap();
    let src = common::root().join("src");
    for entry in walkdir::WalkDir::new(&src).min_depth(1) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(&src).unwrap();
        let name = relative.to_str().unwrap();
        let top = relative.components().count() == 1;
        // Top-level files and folders are named by path; what is inside a folder by name
        // (a folder with a trailing slash).
        let needle = if top {
            if entry.file_type().is_dir() {
                format!("src/{name}/")
            } else {
                format!("src/{name}")
            }
        } else if entry.file_type().is_dir() {
            format!("`{}/`", entry.file_name().to_str().unwrap())
        } else {
            format!("`{}`", entry.file_name().to_str().unwrap())
        };
        if name == "lib.rs" || (!top && entry.file_name() == "mod.rs") {
            continue;
        }
        assert!(
            map.contains(&needle),
            "ARCHITECTURE.md does not name {needle}"
        );
    }
}

#[test]
fn rule_ids_are_compared_as_variants_never_as_text() {
    let src = common::root().join("src");
    let mut offences = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (n, line) in text.lines().enumerate() {
            // A comparison of a rule field with a literal, or a literal rule id among the
            // alternatives of a pattern on a line about rules.
            let mut bad = line.contains("rule == \"") || line.contains("rule != \"");
            if line.contains("rule") {
                for id in appealpack::checklist::RuleId::ALL
                    .iter()
                    .map(|r| r.as_str())
                {
                    bad |= [
                        format!("== \"{id}\""),
                        format!("!= \"{id}\""),
                        format!("\"{id}\" |"),
                        format!("| \"{id}\""),
                        format!("\"{id}\" =>"),
                    ]
                    .iter()
                    .any(|pattern| line.contains(pattern.as_str()));
                }
            }
            if bad {
                let relative = entry.path().strip_prefix(&src).unwrap();
                offences.push(format!(
                    "src/{}:{}: {}",
                    relative.display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "rule ids compared as text (match on checklist::RuleId instead):\n{}",
        offences.join("\n")
    );
}

#[test]
fn templates_choose_by_ids_never_by_display_text() {
    // Ids are lower case (`antidepressant`, `not-medically-necessary`); a comparison with a
    // capitalised literal is a comparison with display text, which a rewording breaks.
    let mut offences = Vec::new();
    for entry in std::fs::read_dir(common::root().join("templates")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "typ") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let display = ["== \"", "!= \"", "in (\""].iter().any(|op| {
                line.match_indices(op).any(|(at, _)| {
                    line[at + op.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_uppercase())
                })
            });
            if display {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                offences.push(format!("templates/{name}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "templates compare display text (give PacketData a typed field instead):\n{}",
        offences.join("\n")
    );
}

#[test]
fn commands_and_intake_read_problems_as_values_never_their_messages() {
    // `import` once split validation messages at `: ` to find a field; a rewording then
    // misplaced problems without a compile error. It reads `validate::Problem`'s kind and
    // path instead, and no command parses a message back.
    let mut offences = Vec::new();
    for folder in ["intake", "cmd"] {
        for entry in walkdir::WalkDir::new(common::root().join("src").join(folder)) {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            // Unit tests may read a message: that is what the user sees.
            let code = text.split("#[cfg(test)]").next().unwrap();
            for (n, line) in code.lines().enumerate() {
                let parses = line.contains("split_once(\": \")")
                    || [
                        ".contains(",
                        ".starts_with(",
                        ".ends_with(",
                        ".split_once(",
                        ".strip_prefix(",
                        ".find(",
                    ]
                    .iter()
                    .any(|call| {
                        line.contains(&format!("message{call}"))
                            || line.contains(&format!("message(){call}"))
                    });
                if parses {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    offences.push(format!("src/{folder}/{name}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "a message parsed back (read validate::Problem's kind and path instead):\n{}",
        offences.join("\n")
    );
}
