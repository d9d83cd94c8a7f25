//! The `init` command: starts an organisation's case repository in a folder.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::schema::schema_json;
use super::{Exit, print};
use crate::cli::{Ci, InitArgs};
use crate::fsutil;
use crate::model::fields::Date;

/// The files `init` writes, relative to its folder, with their text.
fn files(ci: Option<Ci>, today: Date) -> Vec<(PathBuf, Vec<u8>)> {
    let days_ago = |n| Date(today.0 - chrono::Days::new(n)).to_string();
    let case = include_str!("init/case.yaml")
        .replace("{schema}", "../../schema/case.schema.json")
        .replace("{today}", &today.to_string())
        .replace("{notice}", &days_ago(9))
        .replace("{received}", &days_ago(5));
    let mut files = vec![
        (
            PathBuf::from("appealpack.yaml"),
            include_str!("init/appealpack.yaml").as_bytes().to_vec(),
        ),
        (
            PathBuf::from("cases/EXAMPLE-0001/case.yaml"),
            case.into_bytes(),
        ),
        (
            PathBuf::from("cases/EXAMPLE-0001/signed-letter.pdf"),
            include_bytes!("init/signed-letter.pdf").to_vec(),
        ),
        (
            PathBuf::from("schema/case.schema.json"),
            schema_json().into_bytes(),
        ),
        (
            PathBuf::from(".gitignore"),
            b"# Packets and reports: generated, and full of health data.\noutput/\n".to_vec(),
        ),
    ];
    let workflow = match ci {
        Some(Ci::Github) => Some((
            ".github/workflows/appeal-packets.yml",
            include_str!("init/github.yml"),
        )),
        Some(Ci::Gitlab) => Some((".gitlab-ci.yml", include_str!("init/gitlab-ci.yml"))),
        None => None,
    };
    if let Some((path, text)) = workflow {
        let text = text.replace("{version}", crate::VERSION);
        files.push((PathBuf::from(path), text.into_bytes()));
    }
    files
}

/// Runs `init`.
pub fn run(args: &InitArgs) -> Result<Exit> {
    let files = files(args.ci, Date::today());
    let existing: Vec<String> = files
        .iter()
        .map(|(path, _)| args.dir.join(path))
        .filter(|path| path.exists())
        .map(|path| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        bail!(
            "not overwriting {}: `appealpack init` starts a new repository; move them away \
             or init another folder",
            existing.join(", ")
        );
    }
    let written: Vec<String> = fsutil::create_files(&args.dir, &files)?
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    let here = if args.dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {}\n  ", args.dir.display())
    };
    print(&format!(
        "wrote:\n  {}\n\nNext:\n  {here}edit appealpack.yaml (your organisation's name, address, \
         signatory)\n  appealpack build          # the example case's packet, in output/\n  \
         appealpack new KET-0001   # a new case to fill in\n",
        written.join("\n  ")
    ))?;
    Ok(Exit::Ok)
}
