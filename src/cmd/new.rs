//! The `new` command: a commented case file to fill in.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{Exit, print, schema_modeline};
use crate::attachments::{self, MAX_ATTACHMENT_BYTES};
use crate::cli::NewArgs;
use crate::fsutil;
use crate::law::decision;
use crate::load::{self, Loaded};
use crate::model::case::{Case, MAX_CASE_BYTES, Stage, id_key, validate_id};
use crate::model::fields::Date;

/// Runs `new`: writes `CASES/ID/case.yaml`, so the case's files have a folder of their
/// own beside it, and refuses an id any case under the cases folder already has.
pub fn run(args: &NewArgs) -> Result<Exit> {
    if let Some(current) = &args.next {
        return next(args, current);
    }
    let id = args.id.as_deref().unwrap_or_default();
    validate_id(id).map_err(|e| anyhow::anyhow!("invalid case id: {e}"))?;
    if args.dir.is_dir() {
        refuse_taken(&load::load_all(&args.dir)?, id)?;
    }
    let folder = args.dir.join(id);
    if folder.exists() {
        bail!("{} already exists; choose another id", folder.display());
    }
    fsutil::create_dir_all(&folder)?;
    let path: PathBuf = folder.join("case.yaml");
    let text = case_skeleton(id, Date::today(), &schema_modeline(&folder));
    fsutil::create_new(&path, text.as_bytes())?;
    print(&format!(
        "wrote {}; fill it in, put the case's files (the denial notice, the signed letter) \
         beside it, then run `appealpack check`\n",
        path.display()
    ))?;
    Ok(Exit::Ok)
}

/// Refuses an id a loaded case already has, in any letter case.
fn refuse_taken(loaded: &[Loaded], id: &str) -> Result<()> {
    let key = id_key(id);
    if let Some(taken) = loaded
        .iter()
        .find(|l| l.id.as_deref().is_some_and(|other| id_key(other) == key))
    {
        bail!(
            "{} already has the id {id}; choose another",
            taken.path.display()
        );
    }
    Ok(())
}

/// Runs `new --next CASE`: writes the next level of a decided case beside its file.
fn next(args: &NewArgs, current: &str) -> Result<Exit> {
    let loaded = load::load_all(&args.dir)?;
    let found = loaded
        .iter()
        .find(|l| l.id.as_deref() == Some(current))
        .with_context(|| format!("no case under {} has the id {current}", args.dir.display()))?;
    let case = found.case.as_ref().map_err(|error| {
        anyhow::anyhow!("{current} does not load, so its next level cannot be written: {error}")
    })?;
    let today = Date::today();
    let Some(next) = decision::next_level(case, today) else {
        bail!(match &case.decision {
            None => format!(
                "{current} has no decision yet: record it (decision: date, received, outcome) first"
            ),
            Some(_) => format!("{current} was approved: there is no next level to file"),
        });
    };
    let Some(stage) = next.stage else {
        bail!("{current}: {}", next.what);
    };
    let suffix = match stage {
        Stage::InternalAppeal => "IA",
        Stage::SecondLevelAppeal => "L2",
        _ => "ER",
    };
    let id = match &args.id {
        Some(id) => id.clone(),
        None => format!("{current}-{suffix}"),
    };
    validate_id(&id).map_err(|e| anyhow::anyhow!("invalid case id: {e}"))?;
    refuse_taken(&loaded, &id)?;
    // A second case claiming the same level would be a blocker of both.
    if let Some(by) = &found.links.continued_by {
        bail!("{current} is already continued by {by}, which files its next level");
    }
    let source = fsutil::read_text(&found.path, MAX_CASE_BYTES, "the case file")?;
    // A case keeps its files in a folder of its own, so the next level gets one beside
    // the decided case's, with a copy of every file it names.
    let old_folder = found.path.parent().unwrap_or(Path::new("."));
    let parent = if found.path.file_name() == Some("case.yaml".as_ref()) {
        old_folder.parent().unwrap_or(Path::new("."))
    } else {
        old_folder
    };
    let folder = parent.join(&id);
    if folder.exists() {
        bail!("{} already exists; choose another id", folder.display());
    }
    let text = next_level_text(&source, &id, stage, today, &schema_modeline(&folder))
        .with_context(|| {
            format!(
                "{}: the next level could not be written",
                found.path.display()
            )
        })?;
    let path = folder.join("case.yaml");
    Case::parse(&path, &text).map_err(|e| anyhow::anyhow!("the next level does not load: {e}"))?;
    let mut named: Vec<&str> = case.attachments.iter().map(|a| a.file.as_str()).collect();
    named.extend(
        case.letter_of_medical_necessity
            .as_ref()
            .and_then(|l| l.file.as_deref()),
    );
    named.extend(case.representative_authorization.as_deref());
    let mut copies = Vec::new();
    for name in named {
        let (from, _) = attachments::resolve(&found.path, name)
            .map_err(|why| anyhow::anyhow!("{}: the file it names {why}", found.path.display()))?;
        let bytes = fsutil::read_regular(&from, MAX_ATTACHMENT_BYTES)
            .with_context(|| format!("cannot read {}", from.display()))?;
        copies.push((name, bytes));
    }
    fsutil::create_dir_all(&folder)?;
    for (name, bytes) in copies {
        let to = folder.join(name);
        if let Some(dir) = to.parent() {
            fsutil::create_dir_all(dir)?;
        }
        fsutil::create_new(&to, &bytes)?;
    }
    fsutil::create_new(&path, text.as_bytes())?;
    let by = next
        .deadline
        .map(|d| format!(" by {}", d.date))
        .unwrap_or_default();
    let notice = if stage == Stage::ExternalReview {
        "put the decision notice beside it and name it in denial.notice (the final adverse \
         determination: an external review is not ready without it)"
    } else {
        "put the decision notice beside it and name it in denial.notice"
    };
    print(&format!(
        "wrote {}: the {} of {current}, to file{by}.\n\
         To do: {notice}; check denial.reason against that notice. The appeal letter is \
         written by appealpack from the case, so there is no letter to edit; the provider's \
         signed letter of medical necessity was copied and need not be signed again unless \
         its text changes. Then run `appealpack check`.\n",
        path.display(),
        stage.as_str()
    ))?;
    Ok(Exit::Ok)
}

/// Returns the next level's case file from the decided level's YAML: the decision becomes
/// the denial appealed, the level joins the history, and the sending is cleared. The file
/// is edited in place, so its comments, order and layout stay; a modeline is put first
/// where the file has none.
fn next_level_text(
    source: &str,
    id: &str,
    stage: Stage,
    today: Date,
    modeline: &str,
) -> Result<String> {
    use crate::model::paths::{self, get};
    use serde_yaml::{Mapping, Value};
    let doc: Mapping = serde_yaml::from_str(source)?;
    let mut past = Mapping::new();
    for (key, from) in paths::HISTORY_ENTRY {
        past.insert((*key).into(), get(&doc, from));
    }
    past.retain(|_, v| !v.is_null());
    // The denial appealed next is the decision's, where the decided level has one.
    let decided = matches!(get(&doc, paths::DECISION), Value::Mapping(_));
    let old_denial = match get(&doc, paths::DENIAL) {
        Value::Mapping(d) => d,
        _ => Mapping::new(),
    };
    let has = |path: &[&str]| path.last().is_some_and(|key| old_denial.contains_key(*key));
    let text = super::events::edit_text(Path::new("case.yaml"), source, |editor| {
        editor.set(paths::ID, id.into())?;
        editor.set(paths::STAGE, stage.as_str().into())?;
        editor.set(paths::PREPARED_ON, today.to_string().into())?;
        for (to, from) in paths::DENIAL_FROM_DECISION.iter().filter(|_| decided) {
            let value = get(&doc, from);
            // A field the decision does not give is emptied, keeping its line and comment.
            if value.is_null() && !has(to) {
                continue;
            }
            editor.set(to, value)?;
        }
        // The old notice, its words and its deadline belong to the old level.
        for field in paths::DENIAL_OF_THE_OLD_LEVEL {
            if has(field) {
                editor.set(field, Value::Null)?;
            }
        }
        editor.push(paths::HISTORY, Value::Mapping(past))?;
        editor.remove(paths::SUBMISSION)?;
        editor.remove(paths::DECISION)?;
        Ok(())
    })?;
    let note = format!(
        "# The {} that follows a decided level, written by `appealpack new --next`.\n\
         # Name the new decision notice in denial.notice and check the denial's reason against it.\n",
        stage.as_str()
    );
    Ok(match text.split_once('\n') {
        Some((first, rest)) if first.starts_with("# yaml-language-server:") => {
            format!("{modeline}\n{note}{rest}")
        }
        _ => format!("{modeline}\n{note}{text}"),
    })
}

/// Returns the commented skeleton of a new case file.
pub(crate) fn case_skeleton(id: &str, today: Date, modeline: &str) -> String {
    include_str!("skeleton.yaml")
        .replace("{modeline}", modeline)
        .replace("{id}", id)
        .replace("{today}", &today.to_string())
}
