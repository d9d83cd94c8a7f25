//! The `merge` command: one set of reports from the summaries of shard builds.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{Exit, exit_for};
use crate::cli::MergeArgs;
use crate::fsutil;
use crate::load::slash_path;
use crate::model::case::SUMMARY_JSON;
use crate::outcome::Summary;
use crate::output::OutputFolder;
use crate::report::write_reports;

/// The largest shard summary read: a few KiB a case.
const MAX_SUMMARY_BYTES: u64 = 1 << 30;

/// Runs `merge`.
pub fn run(args: &MergeArgs) -> Result<Exit> {
    let folder = OutputFolder::open(&args.output, None)?;
    let output = canonical(folder.path())?;
    let mut parts = Vec::new();
    for dir in &args.shards {
        let path = dir.join(SUMMARY_JSON);
        let text = fsutil::read_text(&path, MAX_SUMMARY_BYTES, "the shard summary")?;
        let summary: Summary = serde_json::from_str(&text)
            .with_context(|| format!("{} is not an appealpack summary", path.display()))?;
        parts.push((canonical(dir)?, summary));
    }
    let (merged, missing) = merge_summaries(&output, parts, args.partial)?;
    if !missing.is_empty() {
        eprintln!(
            "warning: shard {} missing: the merged reports lack their cases",
            missing.join(", ")
        );
    }
    write_reports(&merged, &args.output, None, args.junit.as_deref())?;
    eprintln!(
        "merged {} shard summaries: {}; reports in {}",
        args.shards.len(),
        merged.totals,
        args.output.display()
    );
    Ok(exit_for(&merged, false))
}

fn canonical(dir: &Path) -> Result<PathBuf> {
    dir.canonicalize()
        .with_context(|| format!("cannot read the folder {}", dir.display()))
}

/// Merges shard summaries, refusing mixed versions, days or shard counts, overlapping
/// shards, summaries of builds that were not sharded, and (unless `partial`) a set that
/// lacks some shard, which it returns; packet links are rewritten relative to `output`.
pub(crate) fn merge_summaries(
    output: &Path,
    parts: Vec<(PathBuf, Summary)>,
    partial: bool,
) -> Result<(Summary, Vec<String>)> {
    let Some((_, first)) = parts.first() else {
        bail!("nothing to merge");
    };
    let version = first.appealpack.clone();
    let today = first.today;
    let mut seen_shards = HashMap::new();
    let mut seen_cases: HashMap<String, PathBuf> = HashMap::new();
    let mut cases = Vec::new();
    for (dir, summary) in parts {
        if summary.appealpack != version {
            bail!(
                "{} was built by appealpack {}, another shard by {version}: rebuild with one version",
                dir.display(),
                summary.appealpack
            );
        }
        if summary.today != today {
            bail!(
                "{} counted deadlines from {}, another shard from {today}: rebuild every \
                 shard with one --today",
                dir.display(),
                summary.today
            );
        }
        let Some(shard) = summary.shard else {
            bail!(
                "{} is not from a --shard build: merge joins the shards of one build",
                dir.display()
            );
        };
        if let Some(other) = seen_shards.insert(shard, dir.clone()) {
            bail!(
                "{} and {} are both shard {shard}",
                other.display(),
                dir.display()
            );
        }
        for mut case in summary.cases {
            let key = case.id.clone().unwrap_or_else(|| case.file.clone());
            if let Some(other) = seen_cases.insert(key.clone(), dir.clone()) {
                bail!(
                    "case {key} is in both {} and {}: the shards overlap",
                    other.display(),
                    dir.display()
                );
            }
            case.packet = case
                .packet
                .map(|p| slash_path(&relative_path(output, &dir).join(p)));
            cases.push(case);
        }
    }
    let counts: Vec<u32> = seen_shards.keys().map(|s| s.count).collect();
    if counts.windows(2).any(|w| w[0] != w[1]) {
        bail!("the summaries come from different shard counts");
    }
    let count = counts[0];
    let missing: Vec<String> = (1..=count)
        .filter(|k| !seen_shards.keys().any(|s| s.index == *k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() && !partial {
        bail!(
            "shard {} missing: merge every shard of {count}, or pass --partial",
            missing.join(", ")
        );
    }
    Ok((Summary::new(today, cases), missing))
}

/// Returns the relative path from folder `from` to `to`; both are absolute.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for component in &to[common..] {
        path.push(component);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/a/out"), Path::new("/a/s1")),
            Path::new("../s1")
        );
        assert_eq!(
            relative_path(Path::new("/a"), Path::new("/a/s1")),
            Path::new("s1")
        );
        assert_eq!(
            relative_path(Path::new("/a/b/c"), Path::new("/x")),
            Path::new("../../../x")
        );
    }
}
