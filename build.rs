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

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    // An installed crate without its lock file still builds; its key then names no versions
    // and differs from every build that had one.
    let lock = std::fs::read_to_string(std::path::Path::new(&manifest_dir).join("Cargo.lock"))
        .unwrap_or_default();
    let mut found = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(value) = line.strip_prefix("name = ") {
            name = Some(value.trim_matches('"').to_owned());
        } else if let Some(value) = line.strip_prefix("version = ")
            && let Some(crate_name) = name.take()
            && RENDERER.contains(&crate_name.as_str())
        {
            found.push(format!("{crate_name} {}", value.trim_matches('"')));
        }
    }
    found.sort();
    let renderer = if found.is_empty() {
        "unknown renderer versions".to_owned()
    } else {
        found.join(", ")
    };
    println!("cargo:rustc-env=APPEALPACK_RENDERER={renderer}");
}
