//! appealpack as an installed tool: in an empty folder with no repository files around
//! it, `init`, `new`, `check` and `build` work from the built-in templates, `templates
//! export` gives the same packets, and the CI examples' commands run as written.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_yaml::Value;

use crate::common::{Run, run_in};

fn run(dir: &Path, args: &[&str]) -> Run {
    run_in(dir, args, &[])
}

#[test]
fn a_fresh_folder_works_with_the_built_in_templates() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();

    // Without an organisation file, a build says how to start.
    let bare = run(repo, &["build"]);
    assert_eq!(bare.code, 2);
    assert!(bare.stderr.contains("appealpack init"), "{}", bare.stderr);

    let init = run(repo, &["init", "--ci", "github"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    for file in [
        "appealpack.yaml",
        "cases/EXAMPLE-0001/case.yaml",
        "schema/case.schema.json",
        ".gitignore",
        ".github/workflows/appeal-packets.yml",
    ] {
        assert!(repo.join(file).is_file(), "init did not write {file}");
        assert!(init.stdout.contains(file), "init does not list {file}");
    }
    assert!(
        !repo.join("templates").exists(),
        "the templates stay built in"
    );
    let again = run(repo, &["init"]);
    assert_eq!(again.code, 2, "init must never overwrite");
    assert!(again.stderr.contains("not overwriting"), "{}", again.stderr);

    // The letterhead init wrote is an example: no packet is ready on it.
    let placeholder = run(repo, &["check"]);
    assert_eq!(placeholder.code, 1, "{}", placeholder.stdout);
    assert!(
        placeholder
            .stdout
            .contains("appealpack.yaml: `name` still holds the example value"),
        "{}",
        placeholder.stdout
    );
    common::fill_organisation(repo);
    assert_eq!(run(repo, &["check"]).code, 0, "the example case is ready");
    let built = run(repo, &["build"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert!(
        built.stderr.contains("templates: built-in"),
        "{}",
        built.stderr
    );
    let packet = repo.join("output/EXAMPLE-0001/packet.pdf");
    assert!(common::pdf_text(&packet).contains("Avery Example"));
    let summary = std::fs::read_to_string(repo.join("output/summary.json")).unwrap();
    assert!(summary.contains("\"templates\": \"built-in\""), "{summary}");

    // A new case's modeline points at the schema init wrote.
    assert_eq!(run(repo, &["new", "KET-0001"]).code, 0);
    let new = std::fs::read_to_string(repo.join("cases/KET-0001/case.yaml")).unwrap();
    let modeline = new.lines().next().unwrap();
    let schema = modeline.split("$schema=").nth(1).unwrap();
    assert!(
        repo.join("cases/KET-0001").join(schema).is_file(),
        "{modeline}"
    );
    // An id a case already has, anywhere under the cases folder, is refused.
    let taken = run(repo, &["new", "EXAMPLE-0001"]);
    assert_eq!(taken.code, 2);
    assert!(
        taken.stderr.contains("already has the id EXAMPLE-0001"),
        "{}",
        taken.stderr
    );
    assert_eq!(run(repo, &["check"]).code, 1, "the blank case needs work");

    // The exported templates make the same packets, byte for byte.
    let export = run(repo, &["templates", "export"]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    assert_eq!(
        run(repo, &["templates", "export"]).code,
        2,
        "export never overwrites"
    );
    let exported = run(
        repo,
        &["build", "--templates", "templates", "-o", "exported"],
    );
    assert_eq!(exported.code, 1, "{}", exported.stderr);
    assert!(
        exported.stderr.contains("templates: templates"),
        "{}",
        exported.stderr
    );
    let same = std::fs::read(repo.join("exported/EXAMPLE-0001/packet.pdf")).unwrap();
    assert!(
        same == std::fs::read(&packet).unwrap(),
        "exported templates changed the packet"
    );

    // An exported set from another version is used, with one warning.
    std::fs::write(
        repo.join("templates/.appealpack-templates"),
        "appealpack 0.0.1\n",
    )
    .unwrap();
    let old = run(repo, &["build", "-o", "old"]);
    assert_eq!(
        old.stderr.matches("exported from appealpack 0.0.1").count(),
        1,
        "{}",
        old.stderr
    );

    let completions = run(repo, &["completions", "bash"]);
    assert!(completions.code == 0 && completions.stdout.contains("appealpack"));
    let man = run(repo, &["man"]);
    assert!(
        man.code == 0 && man.stdout.contains(".TH appealpack"),
        "{}",
        man.stdout
    );
}

/// A folder on PATH holding the appealpack binary under its own name.
fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_appealpack"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs one CI shell script in the repository, as the CI system would.
fn sh(repo: &Path, script: &str, env: &[(&str, String)]) {
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-ec")
        .arg(script)
        .current_dir(repo)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}\nexited {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Makes a scratch repository with `init`, holding a few cases.
fn scratch_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(dir.path(), &["init"]).code, 0);
    common::fill_organisation(dir.path());
    common::copy_tree(
        &common::fixture("cases"),
        &dir.path().join("cases/fixtures"),
    );
    dir
}

/// Runs a GitHub Actions workflow's jobs in order: every `run` step (once per matrix
/// value), with artifacts handed from upload to download as the runner would.
fn run_github(repo: &Path, workflow: &str) {
    let doc: Value = serde_yaml::from_str(workflow).unwrap();
    let summary = repo.join("step-summary.md");
    let env = [("GITHUB_STEP_SUMMARY", summary.display().to_string())];
    let mut artifacts: BTreeMap<String, PathBuf> = BTreeMap::new();
    for (_, job) in doc["jobs"].as_mapping().unwrap() {
        let matrix: Vec<String> = match job["strategy"]["matrix"]["shard"].as_sequence() {
            Some(values) => values
                .iter()
                .map(|v| v.as_u64().unwrap().to_string())
                .collect(),
            None => vec![String::new()],
        };
        for value in &matrix {
            for step in job["steps"].as_sequence().unwrap() {
                let uses = step["uses"].as_str().unwrap_or("");
                let with = &step["with"];
                let expand = |text: &str| text.replace("${{ matrix.shard }}", value);
                if uses.starts_with("actions/upload-artifact") {
                    let name = expand(with["name"].as_str().unwrap());
                    let path = expand(with["path"].as_str().unwrap().lines().next().unwrap());
                    artifacts.insert(name, repo.join(path.trim()));
                } else if uses.starts_with("actions/download-artifact") {
                    let into = repo.join(with["path"].as_str().unwrap());
                    for (name, from) in &artifacts {
                        common::copy_tree(from, &into.join(name));
                    }
                } else if let Some(script) = step["run"].as_str() {
                    sh(repo, &expand(script), &env);
                }
            }
        }
    }
}

/// Runs a GitLab CI file's jobs stage by stage, `parallel` jobs once per node.
fn run_gitlab(repo: &Path, pipeline: &str) {
    let doc: Value = serde_yaml::from_str(pipeline).unwrap();
    let map = doc.as_mapping().unwrap();
    let stages: Vec<String> = match doc["stages"].as_sequence() {
        Some(stages) => stages
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect(),
        None => vec!["test".to_owned()],
    };
    for stage in &stages {
        for (name, job) in map {
            let Some(script) = job["script"].as_sequence() else {
                continue;
            };
            if job["stage"].as_str().unwrap_or("test") != stage {
                continue;
            }
            assert!(name.as_str().is_some());
            let nodes = job["parallel"].as_u64().unwrap_or(1);
            for node in 1..=nodes {
                let env = [
                    ("CI_NODE_INDEX", node.to_string()),
                    ("CI_NODE_TOTAL", nodes.to_string()),
                ];
                for line in script {
                    sh(repo, line.as_str().unwrap(), &env);
                }
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn ci_examples_run_their_commands_in_a_repository_made_by_init() {
    let examples = common::root().join("examples/ci");

    let repo = scratch_repo();
    run_github(
        repo.path(),
        &std::fs::read_to_string(examples.join("github-actions.yml")).unwrap(),
    );
    let merged = std::fs::read_to_string(repo.path().join("report/summary.json")).unwrap();
    // The example `init` wrote gives way to the real case, in the merged report too.
    assert!(!merged.contains("EXAMPLE-0001") && merged.contains("KET-2026-0101"));
    assert!(
        std::fs::read_to_string(repo.path().join("step-summary.md"))
            .unwrap()
            .contains("Appeal packets")
    );

    let repo = scratch_repo();
    run_gitlab(
        repo.path(),
        &std::fs::read_to_string(examples.join("gitlab-ci.yml")).unwrap(),
    );
    assert!(repo.path().join("report/junit.xml").is_file());

    // The Kubernetes Job's script, once per completion index, then the merge it names.
    let repo = scratch_repo();
    let job: Value = serde_yaml::from_str(
        &std::fs::read_to_string(examples.join("kubernetes-indexed-job.yaml")).unwrap(),
    )
    .unwrap();
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    let script = container["args"][0].as_str().unwrap();
    let pods = job["spec"]["completions"].as_u64().unwrap();
    for index in 0..pods {
        sh(
            repo.path(),
            script,
            &[("JOB_COMPLETION_INDEX", index.to_string())],
        );
    }
    sh(
        repo.path(),
        "appealpack merge output/shard-* -o output/report || [ $? -eq 1 ]",
        &[],
    );
    assert!(repo.path().join("output/report/summary.md").is_file());

    // The workflows `init` writes run as they stand, too.
    for ci in ["github", "gitlab"] {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(run(dir.path(), &["init", "--ci", ci]).code, 0);
        common::fill_organisation(dir.path());
        let written = match ci {
            "github" => ".github/workflows/appeal-packets.yml",
            _ => ".gitlab-ci.yml",
        };
        let text = std::fs::read_to_string(dir.path().join(written)).unwrap();
        if ci == "github" {
            run_github(dir.path(), &text);
        } else {
            run_gitlab(dir.path(), &text);
        }
        assert!(
            dir.path().join("output/EXAMPLE-0001/packet.pdf").is_file(),
            "{ci}"
        );
    }
}
