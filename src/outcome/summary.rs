//! The summary document of a run (`summary.json`): every case's outcome, with counts by
//! status; the single source of every report format.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{CaseOutcome, Status};
use crate::checklist::Severity;
use crate::model::fields::Date;
use crate::shard::Shard;

/// Case counts by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    /// All cases.
    pub cases: usize,
    /// Cases ready to send.
    pub ready: usize,
    /// Cases with blockers.
    pub needs_work: usize,
    /// Case files that did not load.
    pub invalid: usize,
    /// Cases whose packet could not be made.
    pub failed: usize,
}

impl Totals {
    /// Counts the outcomes by status.
    pub fn of(cases: &[CaseOutcome]) -> Totals {
        let mut totals = Totals {
            cases: cases.len(),
            ..Totals::default()
        };
        for case in cases {
            match case.status {
                Status::Ready => totals.ready += 1,
                Status::NeedsWork => totals.needs_work += 1,
                Status::Invalid => totals.invalid += 1,
                Status::Failed => totals.failed += 1,
            }
        }
        totals
    }
}

impl fmt::Display for Totals {
    /// Writes the counts as every command and report shows them:
    /// "5 cases, 1 ready, 2 need work, 1 invalid, 1 failed".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = if self.cases == 1 { "case" } else { "cases" };
        write!(
            f,
            "{} {noun}, {} ready, {} need work, {} invalid, {} failed",
            self.cases, self.ready, self.needs_work, self.invalid, self.failed
        )
    }
}

/// The summary document of a run (`summary.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// The appealpack version that made it.
    pub appealpack: String,
    /// The day deadlines were counted from.
    pub today: Date,
    /// Counts by status.
    pub totals: Totals,
    /// The shard this run built, for `--shard` builds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// The templates the packets were made from: a folder, or `built-in` (`build` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<String>,
    /// How long the run took and how many packets it rendered or skipped (`build` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    /// Every case, sorted by file path.
    pub cases: Vec<CaseOutcome>,
}

/// How long a build took and what it did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    /// Wall-clock seconds for the whole run.
    pub seconds: f64,
    /// Packets rendered.
    pub rendered: usize,
    /// Packets skipped because nothing that shapes them changed.
    pub skipped: usize,
    /// Seconds spent inside Typst (compiling and exporting), summed over all workers.
    #[serde(default)]
    pub typst_seconds: f64,
    /// Seconds spent evicting Typst's memo cache to keep memory flat, summed over workers.
    #[serde(default)]
    pub cache_seconds: f64,
    /// Enclosed files decoded in full; a file judged by an earlier build is not.
    #[serde(default)]
    pub attachments_decoded: usize,
    /// Packets written to the output folder.
    #[serde(default)]
    pub packets_written: usize,
    /// The Typst compiles of packets, timed inside the render workers.
    #[serde(default)]
    pub packet_compiles: Compiles,
    /// The Typst compiles of letters for signature.
    #[serde(default)]
    pub letter_compiles: Compiles,
    /// The Typst compiles of appointments of representative for signature.
    #[serde(default)]
    pub authorization_compiles: Compiles,
}

/// How many Typst compiles of one kind a build made and how long they took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compiles {
    /// Compiles made (each with its PDF export).
    pub count: usize,
    /// Seconds they took inside the render workers, summed.
    pub seconds: f64,
}

impl Summary {
    /// Builds the summary of a run from its outcomes, sorting them by file path.
    pub fn new(today: Date, mut cases: Vec<CaseOutcome>) -> Summary {
        cases.sort_by(|a, b| a.file.cmp(&b.file));
        // The example `init` wrote gives way to the first real case.
        if cases.iter().any(|c| !c.example) {
            cases.retain(|c| !c.example);
        }
        Summary {
            appealpack: crate::VERSION.to_string(),
            today,
            totals: Totals::of(&cases),
            shard: None,
            templates: None,
            timing: None,
            cases,
        }
    }

    /// Returns whether every case is ready.
    pub(crate) fn all_ready(&self) -> bool {
        self.totals.ready == self.totals.cases
    }

    /// Returns whether any case has a finding at least as severe as `severity`.
    pub(crate) fn any_finding(&self, severity: Severity) -> bool {
        self.cases
            .iter()
            .any(|c| c.findings.iter().any(|f| f.severity >= severity))
    }

    /// Renders the document as pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("summary serializes");
        json.push('\n');
        json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_case_gives_way_to_the_first_real_case() {
        let case = |file: &str, example: bool| CaseOutcome {
            example,
            ..CaseOutcome::invalid(file.into(), String::new())
        };
        let example = case("EXAMPLE-0001/case.yaml", true);
        let today = Date::parse("2026-11-26").unwrap();
        let alone = Summary::new(today, vec![example.clone()]);
        assert_eq!(alone.totals.cases, 1, "alone, the example is shown");
        let both = Summary::new(today, vec![example, case("KET-1/case.yaml", false)]);
        assert_eq!(both.totals.cases, 1);
        assert!(both.cases.iter().all(|c| !c.example));
    }
}
