//! The `new` command: a commented case file to fill in.

use std::path::{Component, Path, PathBuf};

use anyhow::{Result, bail};

use super::{Exit, print};
use crate::cli::NewArgs;
use crate::fsutil;
use crate::load;
use crate::model::case::validate_id;
use crate::model::fields::Date;

/// Runs `new`: writes `CASES/ID/case.yaml`, so the case's files have a folder of their
/// own beside it, and refuses an id any case under the cases folder already has.
pub fn run(args: &NewArgs) -> Result<Exit> {
    validate_id(&args.id).map_err(|e| anyhow::anyhow!("invalid case id: {e}"))?;
    if args.dir.is_dir() {
        let taken = load::load_all(&args.dir)?
            .into_iter()
            .find(|l| l.id.as_deref() == Some(args.id.as_str()));
        if let Some(taken) = taken {
            bail!(
                "{} already has the id {}; choose another",
                taken.path.display(),
                args.id
            );
        }
    }
    let folder = args.dir.join(&args.id);
    if folder.exists() {
        bail!("{} already exists; choose another id", folder.display());
    }
    fsutil::create_dir_all(&folder)?;
    let path: PathBuf = folder.join("case.yaml");
    let text = case_skeleton(&args.id, Date::today(), &schema_path_from(&folder));
    fsutil::create_new(&path, text.as_bytes())?;
    print(&format!(
        "wrote {}; fill it in, put the case's files (the denial notice, the signed letter) \
         beside it, then run `appealpack check`\n",
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
