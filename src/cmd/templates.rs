//! The `templates export` command: the built-in templates, written out to restyle.

use anyhow::{Context as _, Result, bail};

use super::{Exit, print};
use crate::cli::ExportArgs;
use crate::fsutil;
use crate::render::templates::{BUILT_IN, VERSION_FILE};

/// Runs `templates export`.
pub fn run(args: &ExportArgs) -> Result<Exit> {
    let existing: Vec<String> = BUILT_IN
        .iter()
        .map(|(name, _)| *name)
        .chain([VERSION_FILE])
        .map(|name| args.dir.join(name))
        .filter(|path| path.exists())
        .map(|path| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        bail!(
            "not overwriting {}: export to another folder, or move them away first",
            existing.join(", ")
        );
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create the folder {}", args.dir.display()))?;
    let mut written = Vec::new();
    for (name, bytes) in BUILT_IN {
        let mut text = exported_header(name).into_bytes();
        text.extend_from_slice(bytes);
        let path = args.dir.join(name);
        fsutil::create_new(&path, &text)?;
        written.push(path.display().to_string());
    }
    let marker = format!(
        "appealpack {}\n# The built-in templates this folder was exported from; appealpack warns \
         when it is newer.\n",
        crate::VERSION
    );
    fsutil::create_new(&args.dir.join(VERSION_FILE), marker.as_bytes())?;
    print(&format!(
        "wrote {} files to {}:\n  {}\nEdit them to restyle the packets; `appealpack build` uses \
         ./templates when it exists, or pass --templates {}.\n",
        written.len(),
        args.dir.display(),
        written.join("\n  "),
        args.dir.display()
    ))?;
    Ok(Exit::Ok)
}

/// Returns the comment line an exported file starts with, in its own syntax.
fn exported_header(name: &str) -> String {
    let words = format!(
        "Exported from appealpack {}'s built-in templates; restyle freely.",
        crate::VERSION
    );
    if name.ends_with(".yaml") {
        format!("# {words}\n")
    } else {
        format!("// {words}\n")
    }
}
