//! The `merge` command: one set of reports from the summaries of shard builds.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use super::build::packet_path;
use super::{Exit, exit_for};
use crate::cli::MergeArgs;
use crate::fsutil;
use crate::load::slash_path;
use crate::model::case::{SUMMARY_JSON, id_key, is_initials, validate_id};
use crate::outcome::Summary;
use crate::output::{Input, OutputFolder, real_location};
use crate::report::write_reports;

/// The largest shard summary read: a few KiB a case.
const MAX_SUMMARY_BYTES: u64 = 1 << 30;

/// Runs `merge`: every shard summary is read and checked before anything is written.
pub fn run(args: &MergeArgs) -> Result<Exit> {
    let reals: Vec<PathBuf> = args
        .shards
        .iter()
        .map(|dir| canonical(dir))
        .collect::<Result<_>>()?;
    let shards: Vec<Input> = reals
        .iter()
        .map(|real| Input::Folder(real.clone(), "the shard folder"))
        .collect();
    // The output folder may not be a shard folder or lie inside one: its reports would
    // replace the shard's own before the shard is merged.
    let output_real = real_location(&args.output.join(SUMMARY_JSON))?;
    if let Some(Input::Folder(shard, _)) = shards
        .iter()
        .find(|s| matches!(s, Input::Folder(dir, _) if output_real.starts_with(dir)))
    {
        bail!(
            "the output folder {} is the shard folder {} or inside it; merge into a folder \
             of its own (-o)",
            args.output.display(),
            shard.display()
        );
    }
    let folder = OutputFolder::open(&args.output, None)?;
    if let Some(junit) = args.junit.as_deref() {
        folder.refuse_report_path(junit, &shards)?;
    }
    let mut parts = Vec::new();
    for (dir, real) in args.shards.iter().zip(reals) {
        let path = dir.join(SUMMARY_JSON);
        let text = fsutil::read_text(&path, MAX_SUMMARY_BYTES, "the shard summary")?;
        let summary: Summary = serde_json::from_str(&text)
            .with_context(|| format!("{} is not an appealpack summary", path.display()))?;
        validate_summary(&summary).map_err(|why| anyhow!("{}: {why}", path.display()))?;
        parts.push((real, summary));
    }
    let output = canonical(folder.path())?;
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
            // Ids that differ only in letter case name one folder on macOS and Windows.
            let key = case.id.as_deref().map_or_else(|| case.file.clone(), id_key);
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

/// Checks every field of a shard summary as strictly as the loader and the check stage
/// would have made it, so a hand-edited or damaged summary cannot put text into a report
/// that a build could not: ids as the loader takes them, the packet where `build` writes
/// it, owners as initials, rule ids from the checklist, no control character in any text
/// (a line break only in an error or a finding, which may list several problems). Says
/// which case and field, never the value.
pub(crate) fn validate_summary(summary: &Summary) -> Result<(), String> {
    let line = |text: &str| !text.chars().any(char::is_control);
    let lines = |text: &str| !text.chars().any(|c| c.is_control() && c != '\n');
    if !summary.templates.as_deref().is_none_or(line) {
        return Err("templates: a control character".into());
    }
    if let Some(shard) = summary.shard
        && (shard.count == 0 || shard.index == 0 || shard.index > shard.count)
    {
        return Err("shard: not a shard K/N with 1 <= K <= N".into());
    }
    for (i, case) in summary.cases.iter().enumerate() {
        let at = |field: &str, why: &str| format!("cases[{i}].{field}: {why}");
        for (field, id) in [("id", &case.id), ("continues", &case.continues)] {
            if let Some(id) = id {
                validate_id(id).map_err(|why| at(field, &why))?;
            }
        }
        let file_ok = !case.file.is_empty()
            && case.file.len() <= MAX_FILE_CHARS
            && line(&case.file)
            && !case.file.starts_with('/')
            && !case.file.contains('\\')
            && case
                .file
                .split('/')
                .all(|part| !part.is_empty() && part != "..");
        if !file_ok {
            return Err(at(
                "file",
                "not a case file's path relative to the cases folder",
            ));
        }
        if let Some(packet) = &case.packet
            && case.id.as_deref().map(packet_path).as_ref() != Some(packet)
        {
            return Err(at("packet", "not where build writes the case's packet"));
        }
        if let Some(owner) = &case.owner
            && !is_initials(owner)
        {
            return Err(at("owner", "not staff initials"));
        }
        for (j, finding) in case.findings.iter().enumerate() {
            if !lines(&finding.message) {
                return Err(at(&format!("findings[{j}].message"), "a control character"));
            }
        }
        let texts = [
            ("next_step", case.next_step.as_deref()),
            (
                "deadline.basis",
                case.deadline.as_ref().map(|d| d.basis.as_str()),
            ),
            (
                "decision_due.basis",
                case.decision_due.as_ref().map(|d| d.basis.as_str()),
            ),
            (
                "decision_due.if_late",
                case.decision_due.as_ref().map(|d| d.if_late.as_str()),
            ),
            (
                "next_level.what",
                case.next_level.as_ref().map(|n| n.what.as_str()),
            ),
            (
                "next_level.deadline.basis",
                case.next_level
                    .as_ref()
                    .and_then(|n| n.deadline.as_ref())
                    .map(|d| d.basis.as_str()),
            ),
        ];
        for (field, text) in texts {
            if !text.is_none_or(line) {
                return Err(at(field, "a control character"));
            }
        }
        if !case.error.as_deref().is_none_or(lines) {
            return Err(at("error", "a control character"));
        }
    }
    Ok(())
}

/// The longest case file path a summary may hold.
const MAX_FILE_CHARS: usize = 4096;

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
