//! The `new` command: a commented case file to fill in.

use std::path::PathBuf;

use anyhow::{Result, bail};

use super::{Exit, print, schema_modeline};
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
    let text = case_skeleton(&args.id, Date::today(), &schema_modeline(&folder));
    fsutil::create_new(&path, text.as_bytes())?;
    print(&format!(
        "wrote {}; fill it in, put the case's files (the denial notice, the signed letter) \
         beside it, then run `appealpack check`\n",
        path.display()
    ))?;
    Ok(Exit::Ok)
}

/// Returns the commented skeleton of a new case file.
pub(crate) fn case_skeleton(id: &str, today: Date, modeline: &str) -> String {
    include_str!("skeleton.yaml")
        .replace("{modeline}", modeline)
        .replace("{id}", id)
        .replace("{today}", &today.to_string())
}
