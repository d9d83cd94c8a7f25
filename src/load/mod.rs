//! Finding the case files of a run and loading each one strictly, in parallel.

pub mod discover;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::model::case::Case;

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
}

impl Loaded {
    /// Returns the folder of the case file, where the files it names must stay.
    pub fn case_dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// Loads one discovered case file.
pub(crate) fn load_one(found: Discovered) -> Loaded {
    let case = match found.error {
        Some(error) => Err(format!("{}: {error}", found.path.display())),
        None => Case::from_file(&found.path).map_err(|e| e.to_string()),
    };
    Loaded {
        id: case.as_ref().ok().map(|c| c.id.clone()),
        path: found.path,
        file: found.relative,
        case,
    }
}

/// Finds and loads every case file under `root` in parallel; duplicate ids make every
/// holder invalid. An unreadable cases folder is an error of the whole run.
pub fn load_all(root: &Path) -> anyhow::Result<Vec<Loaded>> {
    let found = discover(root)?;
    let mut loaded: Vec<Loaded> = found.into_par_iter().map(load_one).collect();
    mark_duplicate_ids(&mut loaded);
    Ok(loaded)
}

/// Marks every case whose id another case also uses as invalid, naming the other files.
fn mark_duplicate_ids(loaded: &mut [Loaded]) {
    let mut holders: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, l) in loaded.iter().enumerate() {
        if let Some(id) = &l.id {
            holders.entry(id.as_str()).or_default().push(i);
        }
    }
    let mut duplicates: Vec<(usize, String)> = Vec::new();
    for (id, holders) in holders.iter().filter(|(_, h)| h.len() > 1) {
        for &i in holders {
            let others: Vec<&str> = holders
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| loaded[j].file.as_str())
                .collect();
            duplicates.push((
                i,
                format!(
                    "id: duplicate id {id:?}, also used by {}",
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
