//! The `templates export` command: the built-in templates, written out to restyle.

use std::path::PathBuf;

use anyhow::{Result, bail};

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
    let mut files: Vec<(PathBuf, Vec<u8>)> = BUILT_IN
        .iter()
        .map(|(name, bytes)| {
            let mut text = exported_header(name).into_bytes();
            text.extend_from_slice(bytes);
            (PathBuf::from(name), text)
        })
        .collect();
    let marker = format!(
        "appealpack {}\n# The built-in templates this folder was exported from; appealpack warns \
         when it is newer.\n",
        crate::VERSION
    );
    files.push((PathBuf::from(VERSION_FILE), marker.into_bytes()));
    // All or nothing: a failure half way leaves no partial set to be mistaken for templates.
    let written: Vec<String> = fsutil::create_files(&args.dir, &files)?
        .iter()
        .filter(|path| !path.ends_with(VERSION_FILE))
        .map(|path| path.display().to_string())
        .collect();
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
