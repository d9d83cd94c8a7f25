//! Finding the case files of a run and loading each one strictly, in parallel.

pub mod continuation;
pub mod discover;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::model::case::{Case, id_key};

pub(crate) use continuation::Links;
pub(crate) use discover::{Discovered, discover, slash_path};

/// A case file of the run: the case, or why it did not load.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The case file's path as found.
    pub path: PathBuf,
    /// The case file's path relative to the cases folder, with `/` separators.
    pub file: String,
    /// The case id, where the file loaded far enough to have one (a duplicate keeps it).
    pub id: Option<String>,
    /// The case, or why it did not load (`file:line:col: message`).
    pub case: Result<Case, String>,
    /// The cases it files the next level of, or that file its next level, worked out over
    /// the whole run.
    pub links: Links,
}

impl Loaded {
    /// Returns the folder of the case file, where the files it names must stay.
    pub fn case_dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// Loads one discovered case file; a panic while loading (a bug) becomes that file's
/// error, so one file never ends the run.
pub(crate) fn load_one(found: Discovered) -> Loaded {
    let case = match found.error {
        Some(error) => Err(format!("{}: {error}", found.path.display())),
        None => crate::isolate::guarded(|| {
            injected_panic(&found.relative);
            Case::from_file(&found.path).map_err(|e| e.to_string())
        })
        .unwrap_or_else(|panic| Err(format!("{}: {panic}", found.path.display()))),
    };
    Loaded {
        id: case.as_ref().ok().map(|c| c.id.clone()),
        path: found.path,
        file: found.relative,
        case,
        links: Links::default(),
    }
}

/// Panics while loading the case file named (relative to the cases folder) by
/// `APPEALPACK_TEST_PANIC_LOAD`, in debug builds only, so the tests can show that a panic
/// in the loader leaves the batch standing.
fn injected_panic(relative: &str) {
    if cfg!(debug_assertions)
        && std::env::var_os("APPEALPACK_TEST_PANIC_LOAD").is_some_and(|v| v == relative)
    {
        panic!("injected panic while loading a case file (APPEALPACK_TEST_PANIC_LOAD)");
    }
}

/// Finds and loads every case file under `root` in parallel; duplicate ids make every
/// holder invalid, and the cases that file each other's next levels are linked. An
/// unreadable cases folder is an error of the whole run.
pub fn load_all(root: &Path) -> anyhow::Result<Vec<Loaded>> {
    let found = discover(root)?;
    let mut loaded: Vec<Loaded> = found.into_par_iter().map(load_one).collect();
    mark_duplicate_ids(&mut loaded);
    continuation::link(&mut loaded);
    Ok(loaded)
}

/// Loads the cases of a `check` or `build` run: as [`load_all`], and a folder without a
/// single case file is an error of the run (most often the wrong folder was named).
pub(crate) fn load_run(root: &Path) -> anyhow::Result<Vec<Loaded>> {
    let loaded = load_all(root)?;
    if loaded.is_empty() {
        anyhow::bail!(
            "the cases folder {} holds no case file (*.yaml or *.yml); name the folder that \
             holds them, or write one with `appealpack new ID`",
            root.display()
        );
    }
    Ok(loaded)
}

/// Marks every case whose id another case also uses as invalid, naming the other files;
/// ids that differ only in letter case are the same, since they name one output folder on
/// a case-insensitive disk.
fn mark_duplicate_ids(loaded: &mut [Loaded]) {
    let mut holders: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, l) in loaded.iter().enumerate() {
        if let Some(id) = &l.id {
            holders.entry(id_key(id)).or_default().push(i);
        }
    }
    let mut duplicates: Vec<(usize, String)> = Vec::new();
    for holders in holders.values().filter(|h| h.len() > 1) {
        for &i in holders {
            let id = loaded[i].id.as_deref().unwrap_or_default();
            let others: Vec<&str> = holders
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| loaded[j].file.as_str())
                .collect();
            let caseless = holders.iter().any(|&j| loaded[j].id.as_deref() != Some(id));
            let note = if caseless {
                " (ids that differ only in letter case name one folder on macOS and Windows)"
            } else {
                ""
            };
            duplicates.push((
                i,
                format!(
                    "id: duplicate id {id:?}{note}, also used by {}",
                    others.join(", ")
                ),
            ));
        }
    }
    for (i, message) in duplicates {
        let l = &mut loaded[i];
        l.case = Err(format!("{}: {message}", l.path.display()));
    }
}
