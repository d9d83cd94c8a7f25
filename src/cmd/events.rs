//! The event commands `sent`, `decided` and `log`: each records what happened to a case
//! in its case file, in place, with the lossless editor (`model::edit`), so the file keeps
//! its comments, order and layout. The edited file is loaded as `check` loads it before
//! it is written, atomically; an edit that would not load is refused and nothing changes.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use serde_yaml::{Mapping, Value};

use super::{Exit, print};
use crate::cli::{CaseRef, DecidedArgs, LogArgs, SentArgs};
use crate::fsutil;
use crate::load;
use crate::model::case::{Case, MAX_CASE_BYTES};
use crate::model::edit::Editor;
use crate::model::fields::Date;
use crate::model::paths::{self, FieldPath, contact, decided, sent};

/// Runs `sent`: records how and when the packet was sent.
pub fn sent(args: &SentArgs) -> Result<Exit> {
    let (path, case) = edit_case(&args.case, |editor| {
        let mut fields: Vec<(FieldPath, Value)> = vec![
            (sent::ON, args.on.to_string().into()),
            (sent::METHOD, args.method.to_lowercase().into()),
        ];
        if let Some(received) = args.received {
            fields.push((sent::RECEIVED, received.to_string().into()));
        }
        if let Some(confirmation) = &args.confirmation {
            fields.push((sent::CONFIRMATION, confirmation.clone().into()));
        }
        for (path, value) in fields {
            editor.set(path, value)?;
        }
        Ok(())
    })?;
    print(&format!(
        "recorded in {}: {} sent on {} by {}\n",
        path.display(),
        args.case.id,
        args.on,
        args.method
    ))?;
    if let Some(warning) = levels_warning(&case) {
        print(&format!("warning: {warning}\n"))?;
    }
    Ok(Exit::Ok)
}

/// Runs `decided`: records the decision on the level that was sent.
pub fn decided(args: &DecidedArgs) -> Result<Exit> {
    let (path, case) = edit_case(&args.case, |editor| {
        let mut fields: Vec<(FieldPath, Value)> = vec![
            (decided::DATE, args.on.to_string().into()),
            (decided::OUTCOME, args.outcome.to_lowercase().into()),
        ];
        if let Some(received) = args.received {
            fields.push((decided::RECEIVED, received.to_string().into()));
        }
        if let Some(reference) = &args.reference {
            fields.push((decided::REFERENCE, reference.clone().into()));
        }
        for (path, value) in fields {
            editor.set(path, value)?;
        }
        Ok(())
    })?;
    let mut text = format!(
        "recorded in {}: {} decided on {}, {}\n",
        path.display(),
        args.case.id,
        args.on,
        args.outcome
    );
    if !args.outcome.eq_ignore_ascii_case("approved") {
        text.push_str(&format!(
            "next: `appealpack check` shows the next level and its deadline; \
             `appealpack new --next {}` writes it\n",
            args.case.id
        ));
        if let Some(warning) = levels_warning(&case) {
            text.push_str(&format!("warning: {warning}\n"));
        }
    }
    print(&text)?;
    Ok(Exit::Ok)
}

/// Runs `log`: appends an entry to the case's contact log.
pub fn log(args: &LogArgs) -> Result<Exit> {
    let on = args.on.unwrap_or_else(Date::today);
    let mut entry = Mapping::new();
    entry.insert(contact::DATE.into(), on.to_string().into());
    entry.insert(contact::WITH.into(), args.with.to_lowercase().into());
    entry.insert(contact::HOW.into(), args.how.to_lowercase().into());
    entry.insert(contact::KIND.into(), args.kind.to_lowercase().into());
    if let Some(reference) = &args.reference {
        entry.insert(contact::REFERENCE.into(), reference.clone().into());
    }
    if let Some(note) = &args.note {
        entry.insert(contact::NOTE.into(), note.clone().into());
    }
    if let Some(follow_up) = args.follow_up {
        entry.insert(contact::FOLLOW_UP.into(), follow_up.to_string().into());
    }
    let (path, _) = edit_case(&args.case, |editor| {
        editor.push(paths::CONTACTS, Value::Mapping(entry))?;
        Ok(())
    })?;
    let follow = args
        .follow_up
        .map(|d| format!("; follow up on {d}"))
        .unwrap_or_default();
    print(&format!(
        "logged in {}: {} {} with the {} on {on}{follow}\n",
        path.display(),
        args.kind,
        args.how,
        args.with
    ))?;
    Ok(Exit::Ok)
}

/// Says that an employer plan's number of appeal levels is missing, naming the case.
pub(crate) fn levels_warning(case: &Case) -> Option<String> {
    crate::checklist::missing_appeal_levels(case).map(|words| format!("{}: {words}", case.id))
}

/// Finds a case by id, edits its file with `change`, loads the result as `check` does,
/// and writes it atomically; returns the file and the case as edited.
fn edit_case(
    target: &CaseRef,
    change: impl FnOnce(&mut Editor) -> Result<(), crate::model::edit::EditError>,
) -> Result<(PathBuf, Case)> {
    let path = find_case(&target.dir, &target.id)?;
    let text = fsutil::read_text(&path, MAX_CASE_BYTES, "the case file")?;
    let edited = edit_text(&path, &text, change)?;
    let case = Case::parse(&path, &edited).map_err(|e| {
        anyhow!("the case file was not changed: with this change it would not load:\n{e}")
    })?;
    fsutil::write_atomic(&path, edited.as_bytes())?;
    Ok((path, case))
}

/// Edits a case file's text, naming the file in an error.
pub(crate) fn edit_text(
    path: &Path,
    text: &str,
    change: impl FnOnce(&mut Editor) -> Result<(), crate::model::edit::EditError>,
) -> Result<String> {
    let not_changed = |e: crate::model::edit::EditError| {
        anyhow!("{}: the case file was not changed: {e}", path.display())
    };
    let mut editor = Editor::new(text).map_err(not_changed)?;
    change(&mut editor).map_err(not_changed)?;
    editor.finish().map_err(not_changed)
}

/// Returns the file of the case with an id, which must load.
fn find_case(dir: &Path, id: &str) -> Result<PathBuf> {
    if !dir.is_dir() {
        bail!("{} is not a folder of case files", dir.display());
    }
    let loaded = load::load_all(dir)?;
    let found = loaded
        .into_iter()
        .find(|l| l.id.as_deref() == Some(id))
        .with_context(|| format!("no case under {} has the id {id}", dir.display()))?;
    if let Err(error) = &found.case {
        bail!("{id} does not load; fix it first (`appealpack check` lists why):\n{error}");
    }
    Ok(found.path)
}
