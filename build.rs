//! Names the renderer this binary is built with, so the build cache can key packets by it.
//!
//! A packet's bytes depend on the Typst, PDF-export and font crates as much as on the
//! templates: a new appealpack that renders with another typst must not keep the packets
//! the old one made. Cargo.lock holds the versions actually compiled in.

/// The crates whose versions shape a packet's bytes.
const RENDERER: &[&str] = &[
    "typst",
    "typst-layout",
    "typst-library",
    "typst-pdf",
    "typst-assets",
    "krilla",
    "hayro-syntax",
];

/// The crate whose files are the fonts built into appealpack.
const FONTS: &str = "typst-assets";

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    // An installed crate without its lock file still builds; its key then names no versions
    // and differs from every build that had one.
    let lock = std::fs::read_to_string(std::path::Path::new(&manifest_dir).join("Cargo.lock"))
        .unwrap_or_default();
    let mut found = Vec::new();
    // Each package of the lock file is a block of `key = "value"` lines.
    for block in lock.split("[[package]]") {
        let field = |key: &str| {
            block.lines().find_map(|line| {
                line.strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix(" = "))
                    .map(|value| value.trim_matches('"'))
            })
        };
        let (Some(name), Some(version)) = (field("name"), field("version")) else {
            continue;
        };
        if !RENDERER.contains(&name) {
            continue;
        }
        let mut entry = format!("{name} {version}");
        // The embedded fonts are named by their crate's checksum rather than hashed at
        // every start (9.6 MiB, 4% of a rebuild that renders nothing in a sampling
        // profile); a crate patched in from elsewhere has no checksum and is named by its
        // source.
        if FONTS == name {
            match (field("checksum"), field("source")) {
                (Some(sum), _) => entry.push_str(&format!(" (checksum {sum})")),
                (None, Some(source)) => entry.push_str(&format!(" ({source})")),
                (None, None) => entry.push_str(" (a local copy)"),
            }
        }
        found.push(entry);
    }
    found.sort();
    let renderer = if found.is_empty() {
        "unknown renderer versions".to_owned()
    } else {
        found.join(", ")
    };
    println!("cargo:rustc-env=APPEALPACK_RENDERER={renderer}");
}
