//! The `new` command: a commented case file to fill in.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};

use super::{Exit, print};
use crate::cli::NewArgs;
use crate::fsutil;
use crate::model::case::validate_id;
use crate::model::fields::Date;

/// Runs `new`.
pub fn run(args: &NewArgs) -> Result<Exit> {
    validate_id(&args.id).map_err(|e| anyhow::anyhow!("invalid case id: {e}"))?;
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create the folder {}", args.dir.display()))?;
    let path: PathBuf = args.dir.join(format!("{}.yaml", args.id));
    let text = case_skeleton(&args.id, Date::today(), &schema_path_from(&args.dir));
    fsutil::create_new(&path, text.as_bytes())?;
    print(&format!(
        "wrote {}; fill it in, then run `appealpack check`\n",
        path.display()
    ))?;
    Ok(Exit::Ok)
}

/// Returns the relative path from a cases folder to the repository's schema, for the modeline.
fn schema_path_from(dir: &Path) -> String {
    if dir.is_absolute() {
        return std::env::current_dir()
            .map(|cwd| cwd.join("schema/case.schema.json").display().to_string())
            .unwrap_or_else(|_| "schema/case.schema.json".into());
    }
    let depth = dir
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .count();
    format!("{}schema/case.schema.json", "../".repeat(depth))
}

/// Returns the commented skeleton of a new case file.
pub(crate) fn case_skeleton(id: &str, today: Date, schema_path: &str) -> String {
    include_str!("skeleton.yaml")
        .replace("{schema}", schema_path)
        .replace("{id}", id)
        .replace("{today}", &today.to_string())
}
