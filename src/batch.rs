//! Loading and checking every discovered case, in parallel, into outcomes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::case::Case;
use crate::checklist::{self, Context, Severity};
use crate::deadline;
use crate::discover::Discovered;
use crate::evidence::EvidenceLibrary;
use crate::fields::Date;
use crate::report::{CaseOutcome, Status};

/// A case after loading and checking: its outcome, and the case itself if it loaded.
#[derive(Debug, Clone)]
pub struct CheckedCase {
    /// The outcome so far (ready, needs-work or invalid).
    pub outcome: CaseOutcome,
    /// The loaded case; `None` when it is invalid.
    pub case: Option<Case>,
    /// The case file's path.
    pub path: PathBuf,
}

impl CheckedCase {
    /// Returns the folder of the case file.
    pub fn case_dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// Loads and checks one discovered case file.
pub fn check_one(found: Discovered, today: Date, library: &EvidenceLibrary) -> CheckedCase {
    if let Some(error) = found.error {
        return CheckedCase {
            outcome: CaseOutcome::invalid(
                found.relative,
                format!("{}: {error}", found.path.display()),
            ),
            case: None,
            path: found.path,
        };
    }
    let case = match Case::from_file(&found.path) {
        Ok(case) => case,
        Err(error) => {
            return CheckedCase {
                outcome: CaseOutcome::invalid(found.relative, error.to_string()),
                case: None,
                path: found.path,
            };
        }
    };
    let context = Context {
        today,
        library,
        case_dir: found.path.parent().unwrap_or(Path::new(".")),
    };
    let findings = checklist::check(&case, &context);
    let status = if findings.iter().any(|f| f.severity == Severity::Blocker) {
        Status::NeedsWork
    } else {
        Status::Ready
    };
    CheckedCase {
        outcome: CaseOutcome {
            id: Some(case.id.clone()),
            file: found.relative,
            status,
            stage: Some(case.stage),
            deadline: deadline::filing_deadline(&case, today).ok(),
            findings,
            error: None,
            packet: None,
        },
        case: Some(case),
        path: found.path,
    }
}

/// Loads and checks every discovered case in parallel; duplicate ids make every holder invalid.
pub fn check_all(
    found: Vec<Discovered>,
    today: Date,
    library: &EvidenceLibrary,
) -> Vec<CheckedCase> {
    let mut checked: Vec<CheckedCase> = found
        .into_par_iter()
        .map(|d| check_one(d, today, library))
        .collect();
    mark_duplicate_ids(&mut checked);
    checked
}

/// Marks every case whose id another case also uses as invalid, naming the other files.
fn mark_duplicate_ids(checked: &mut [CheckedCase]) {
    let mut holders: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in checked.iter().enumerate() {
        if let Some(case) = &c.case {
            holders.entry(case.id.as_str()).or_default().push(i);
        }
    }
    let mut duplicates: Vec<(usize, String)> = Vec::new();
    for (id, holders) in holders.iter().filter(|(_, h)| h.len() > 1) {
        for &i in holders {
            let others: Vec<&str> = holders
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| checked[j].outcome.file.as_str())
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
        let c = &mut checked[i];
        c.outcome.status = Status::Invalid;
        c.outcome.error = Some(format!("{}: {message}", c.path.display()));
        c.outcome.findings.clear();
        c.outcome.deadline = None;
        c.case = None;
    }
}
