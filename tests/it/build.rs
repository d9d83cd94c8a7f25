//! Runs `appealpack build` and `merge` on a fixture folder and checks what a user finds in
//! the output folder: packets, reports, kept and removed files, exit codes, privacy.

use crate::common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

use crate::common::{Run, copy_tree, pdf_text, run};

/// The fixture holds one ready case with attachments, one draft and one that does not load.
fn fixture() -> PathBuf {
    common::fixture("cases")
}

/// Patient names and member ids of the fixture cases; none may leak into reports or logs.
const PRIVATE: &[&str] = &[
    "Morgan Ellis",
    "NWH448812",
    "Quinn",
    "M#1$]",
    "Rowan Broken",
    "BRK000111",
];

/// A scratch folder with a copy of the fixture cases, so tests may change them.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixture(), &dir.path().join("cases"));
        Scratch { dir }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Runs a build of the scratch cases into `out` with extra arguments.
    fn build(&self, out: &str, extra: &[&str]) -> Run {
        self.build_with_env(out, extra, &[])
    }

    /// Runs a build of the scratch cases into `out` with extra arguments and environment.
    fn build_with_env(&self, out: &str, extra: &[&str], env: &[(&str, &str)]) -> Run {
        let cases = self.path("cases");
        let output = self.path(out);
        let mut args = vec![
            "build",
            cases.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
            "--today",
            "2026-11-26",
        ];
        args.extend_from_slice(extra);
        common::run_with(&args, env)
    }

    fn summary(&self, out: &str) -> Value {
        let text = std::fs::read_to_string(self.path(out).join("summary.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative))
            .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    fn bytes(&self, relative: &str) -> Vec<u8> {
        std::fs::read(self.path(relative)).unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }
}

fn case<'a>(summary: &'a Value, id: &str) -> &'a Value {
    summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no case {id} in {summary:#}"))
}

fn timing(summary: &Value) -> (u64, u64) {
    let t = &summary["timing"];
    (
        t["rendered"].as_u64().unwrap(),
        t["skipped"].as_u64().unwrap(),
    )
}

#[test]
fn build_writes_packets_and_reports() {
    let s = Scratch::new();
    let junit = s.path("reports/junit.xml");
    let run = s.build("out", &["--junit", junit.to_str().unwrap()]);
    assert_eq!(
        run.code, 1,
        "a draft and an invalid case exit 1: {}",
        run.stderr
    );

    let summary = s.summary("out");
    assert_eq!(summary["today"], "2026-11-26");
    let totals = &summary["totals"];
    assert_eq!(
        (
            totals["cases"].as_u64(),
            totals["ready"].as_u64(),
            totals["needs_work"].as_u64()
        ),
        (Some(3), Some(1), Some(1))
    );
    assert_eq!(totals["invalid"], 1);
    assert_eq!(totals["failed"], 0);

    let ready = case(&summary, "KET-2026-0101");
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["packet"], "KET-2026-0101/packet.pdf");
    let text = pdf_text(&s.path("out/KET-2026-0101/packet.pdf"));
    assert!(text.contains("Morgan Ellis"), "{text}");
    assert!(text.contains("NWH448812"));
    assert!(!text.contains("DRAFT"));

    let draft = case(&summary, "KET-2026-0102");
    assert_eq!(draft["status"], "needs-work");
    assert_eq!(draft["packet"], "KET-2026-0102/packet.pdf");
    let text = pdf_text(&s.path("out/KET-2026-0102/packet.pdf"));
    assert!(text.contains("DRAFT"));
    assert!(text.contains("#read(\"/etc/passwd\")"), "{text}");

    let invalid = summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "invalid")
        .unwrap();
    assert_eq!(invalid["file"], "broken.yaml");
    assert_eq!(invalid["packet"], Value::Null);
    assert!(
        invalid["error"]
            .as_str()
            .unwrap()
            .contains("patient.date_of_birth"),
        "{invalid}"
    );

    let index = s.read("out/index.html");
    assert!(index.contains("KET-2026-0101") && index.contains("KET-2026-0102"));
    assert!(index.contains("broken.yaml"));
    // summary.md lists the cases that need attention, with what each lacks.
    let markdown = s.read("out/summary.md");
    assert!(
        markdown.contains("KET-2026-0102") && markdown.contains("broken.yaml"),
        "{markdown}"
    );
    assert!(
        markdown.contains("provider"),
        "the draft's invalid NPI is listed: {markdown}"
    );
    assert!(
        s.read("out/index.html")
            .contains("href=\"KET-2026-0101/packet.pdf\"")
    );
    let junit = s.read("reports/junit.xml");
    assert!(junit.contains("name=\"KET-2026-0102\""), "{junit}");
    assert!(junit.contains("<failure"));

    assert!(
        run.stderr
            .contains("3 cases, 1 ready, 1 need work, 1 invalid, 0 failed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("out"),
        "the closing line names the output folder"
    );
    let leftovers: Vec<_> = walkdir::WalkDir::new(s.path("out"))
        .into_iter()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".appealpack-") && name.ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
}

#[test]
fn reports_and_logs_carry_case_ids_not_names() {
    let s = Scratch::new();
    let junit = s.path("out/junit.xml");
    let run = s.build("out", &["--junit", junit.to_str().unwrap()]);
    let files = [
        "out/summary.json",
        "out/summary.md",
        "out/index.html",
        "out/junit.xml",
        "out/.appealpack-manifest.json",
    ];
    for secret in PRIVATE {
        assert!(
            !run.stderr.contains(secret),
            "stderr shows {secret}: {}",
            run.stderr
        );
        assert!(!run.stdout.contains(secret), "stdout shows {secret}");
        for file in files {
            assert!(!s.read(file).contains(secret), "{file} shows {secret}");
        }
    }

    let run = s.build(
        "named",
        &[
            "--show-names",
            "--junit",
            s.path("named/junit.xml").to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 1);
    assert!(s.read("named/index.html").contains("Morgan Ellis"));
    assert!(
        s.read("named/summary.md").contains("Quinn"),
        "the draft needs attention and is named"
    );
    for file in ["named/summary.json", "named/junit.xml"] {
        let text = s.read(file);
        assert!(
            !text.contains("Morgan Ellis") && !text.contains("NWH448812"),
            "{file} names a patient"
        );
    }
}

#[test]
fn packets_are_byte_identical_across_runs_and_thread_counts() {
    let s = Scratch::new();
    assert_eq!(s.build("one", &["-j", "1"]).code, 1);
    let many = s.build("many", &["-j", "100000"]);
    assert_eq!(many.code, 1, "{}", many.stderr);
    assert!(
        many.stderr.contains("-j 100000 is more than"),
        "{}",
        many.stderr
    );
    assert_eq!(s.build("two", &["-j", "2", "--force"]).code, 1);
    assert_eq!(s.build("again", &["-j", "2"]).code, 1);
    for id in ["KET-2026-0101", "KET-2026-0102"] {
        let packet = format!("{id}/packet.pdf");
        let one = s.bytes(&format!("one/{packet}"));
        assert_eq!(
            one,
            s.bytes(&format!("two/{packet}")),
            "{id}: -j 1 and -j 2 differ"
        );
        assert_eq!(
            one,
            s.bytes(&format!("again/{packet}")),
            "{id}: two builds differ"
        );
    }
}

#[test]
fn rebuilds_skip_unchanged_packets_and_remove_only_their_own_files() {
    let s = Scratch::new();
    s.build("out", &[]);
    assert_eq!(timing(&s.summary("out")), (2, 0));
    let first = s.bytes("out/KET-2026-0101/packet.pdf");
    std::fs::write(s.path("out/notes.txt"), "the coordinator's own file").unwrap();
    std::fs::create_dir_all(s.path("out/KET-2026-0555")).unwrap();
    std::fs::write(
        s.path("out/KET-2026-0555/packet.pdf"),
        "not written by appealpack",
    )
    .unwrap();

    // Nothing changed: both packets are kept, and the run says so.
    let run = s.build("out", &[]);
    assert_eq!(timing(&s.summary("out")), (0, 2));
    assert!(
        run.stderr.contains("2 unchanged packets kept"),
        "{}",
        run.stderr
    );
    assert_eq!(
        case(&s.summary("out"), "KET-2026-0101")["packet"],
        "KET-2026-0101/packet.pdf"
    );

    // A changed case, a changed attachment and a damaged packet are each rebuilt.
    let draft = s.path("cases/drafts/KET-2026-0102.yaml");
    let text = std::fs::read_to_string(&draft).unwrap();
    std::fs::write(&draft, text.replace("sessions: 6", "sessions: 8")).unwrap();
    s.build("out", &[]);
    assert_eq!(timing(&s.summary("out")), (1, 1));
    assert!(pdf_text(&s.path("out/KET-2026-0102/packet.pdf")).contains('8'));

    let mut notice = s.bytes("cases/KET-2026-0101/denial-notice.pdf");
    notice.extend_from_slice(b"\n% appended comment\n");
    std::fs::write(s.path("cases/KET-2026-0101/denial-notice.pdf"), notice).unwrap();
    s.build("out", &[]);
    assert_eq!(timing(&s.summary("out")), (1, 1));

    std::fs::write(
        s.path("out/KET-2026-0101/packet.pdf"),
        &first[..first.len() / 2],
    )
    .unwrap();
    s.build("out", &[]);
    assert_eq!(timing(&s.summary("out")), (1, 1));
    assert!(s.bytes("out/KET-2026-0101/packet.pdf").len() > first.len() / 2);

    // Changed templates rebuild everything; so does --force.
    let templates = s.path("templates");
    copy_tree(&common::root().join("templates"), &templates);
    let with_templates = ["--templates", templates.to_str().unwrap()];
    s.build("out", &with_templates);
    assert_eq!(
        timing(&s.summary("out")),
        (0, 2),
        "a copy of the same templates changes nothing"
    );
    let common = templates.join("common.typ");
    let mut typ = std::fs::read_to_string(&common).unwrap();
    typ.push_str("\n// restyled\n");
    std::fs::write(&common, typ).unwrap();
    s.build("out", &with_templates);
    assert_eq!(timing(&s.summary("out")), (2, 0));
    s.build("out", &["--force"]);
    assert_eq!(timing(&s.summary("out")), (2, 0));

    // A deleted case loses its packet, and the run says so; files appealpack did not
    // write stay.
    std::fs::remove_file(&draft).unwrap();
    let run = s.build("out", &[]);
    assert!(
        run.stderr
            .contains("removed KET-2026-0102's old packet: its case file is gone"),
        "{}",
        run.stderr
    );
    assert!(
        !s.path("out/KET-2026-0102").exists(),
        "the stale packet and its folder are removed"
    );
    assert!(s.path("out/KET-2026-0101/packet.pdf").exists());
    assert!(s.path("out/notes.txt").exists());
    assert!(s.path("out/KET-2026-0555/packet.pdf").exists());
}

/// Returns a count from the summary's timing.
fn counted(summary: &Value, what: &str) -> u64 {
    summary["timing"][what]
        .as_u64()
        .unwrap_or_else(|| panic!("no timing.{what} in {summary:#}"))
}

#[test]
fn an_unchanged_rebuild_decodes_no_file_and_writes_no_packet() {
    let s = Scratch::new();
    s.build("out", &[]);
    let first = s.summary("out");
    // The ready case encloses a signed letter, a notice, a card image and an appointment.
    assert_eq!(counted(&first, "attachments_decoded"), 4, "{first:#}");
    assert_eq!(counted(&first, "packets_written"), 2);
    assert_eq!(first["timing"]["packet_compiles"]["count"], 2);
    // The draft's appointment of representative to sign is a compile of its own, counted
    // apart; no case has a draft letter to sign.
    assert_eq!(first["timing"]["authorization_compiles"]["count"], 1);
    assert_eq!(first["timing"]["letter_compiles"]["count"], 0);
    let packet = s.bytes("out/KET-2026-0101/packet.pdf");

    s.build("out", &[]);
    let second = s.summary("out");
    assert_eq!(counted(&second, "attachments_decoded"), 0, "{second:#}");
    assert_eq!(counted(&second, "packets_written"), 0);
    assert_eq!(second["timing"]["packet_compiles"]["count"], 0);
    assert_eq!(second["cases"], first["cases"], "the same findings");
    assert_eq!(s.bytes("out/KET-2026-0101/packet.pdf"), packet);

    // A file with a new time and the same bytes (a fresh checkout) is hashed, not decoded.
    let notice = s.path("cases/KET-2026-0101/denial-notice.pdf");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&notice)
        .unwrap()
        .set_modified(later)
        .unwrap();
    s.build("out", &[]);
    let touched = s.summary("out");
    assert_eq!(counted(&touched, "attachments_decoded"), 0, "{touched:#}");
    assert_eq!(counted(&touched, "packets_written"), 0);

    // New bytes are decoded again, and the packet that encloses them is rewritten.
    let mut bytes = s.bytes("cases/KET-2026-0101/denial-notice.pdf");
    bytes.extend_from_slice(b"\n% appended comment\n");
    std::fs::write(&notice, bytes).unwrap();
    s.build("out", &[]);
    let changed = s.summary("out");
    assert_eq!(counted(&changed, "attachments_decoded"), 1, "{changed:#}");
    assert_eq!(counted(&changed, "packets_written"), 1);

    // A broken file's verdict is kept too: the case needs work on every build.
    std::fs::write(&notice, b"%PDF-1.7\nnot really").unwrap();
    s.build("out", &[]);
    s.build("out", &[]);
    let broken = s.summary("out");
    assert_eq!(counted(&broken, "attachments_decoded"), 0, "{broken:#}");
    assert_eq!(case(&broken, "KET-2026-0101")["status"], "needs-work");
}

/// Runs a build of the scratch cases into `out` under strace, and returns how many calls
/// to sync the disk (fsync, fdatasync, syncfs) it and its render workers made, or `None`
/// without strace (except under CI, where `.ci/run` installs it).
fn syncs_of_build(s: &Scratch, out: &str) -> Option<usize> {
    let log = s.path("strace.log");
    let cases = s.path("cases");
    let output = s.path(out);
    let traced = std::process::Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=fsync,fdatasync,syncfs", "-o"])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_appealpack"))
        .args(["build", "--today", "2026-11-26", "-o"])
        .arg(&output)
        .arg(&cases)
        .current_dir(common::root())
        .env("NO_COLOR", "1")
        .output();
    let Ok(traced) = traced else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must count the build's syncs: install strace (apt-get install strace)"
        );
        eprintln!("skipped: counting a build's syncs (no strace found)");
        return None;
    };
    // A container may forbid tracing; that is the machine's limit, not the build's.
    if String::from_utf8_lossy(&traced.stderr).contains("ptrace") {
        eprintln!("skipped: counting a build's syncs (this machine forbids ptrace)");
        return None;
    }
    assert_eq!(traced.status.code(), Some(1), "{traced:?}");
    let log = std::fs::read_to_string(&log).unwrap();
    Some(
        log.lines()
            .filter(|l| {
                ["fsync(", "fdatasync(", "syncfs("]
                    .iter()
                    .any(|c| l.contains(c))
            })
            .count(),
    )
}

#[test]
fn a_build_syncs_the_disk_once_per_batch_not_once_per_file() {
    let s = Scratch::new();
    let Some(cold) = syncs_of_build(&s, "out") else {
        return;
    };
    // Two packets, an appointment of representative, the manifest and six reports.
    let written = walkdir::WalkDir::new(s.path("out"))
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_type().is_file())
        .count();
    assert!(written >= 10, "{written} files written");
    // One sync of the file system for the packets and forms, the manifest and its folder,
    // one sync for the reports.
    assert!(cold <= 4, "{cold} syncs for {written} files");
    let noop = syncs_of_build(&s, "out").unwrap();
    assert!(noop <= 3, "{noop} syncs for a rebuild that wrote no packet");
    assert_eq!(counted(&s.summary("out"), "packets_written"), 0);
}

#[test]
fn a_ready_packet_is_the_same_on_another_day() {
    let s = Scratch::new();
    let cases = s.path("cases");
    let build = |out: &str, today: &str| {
        let output = s.path(out);
        let args = [
            "build",
            cases.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
            "--today",
            today,
        ];
        common::run(&args)
    };
    build("today", "2026-11-26");
    build("tomorrow", "2026-11-27");
    let summary = s.summary("today");
    assert_eq!(case(&summary, "KET-2026-0101")["status"], "ready");
    assert_eq!(
        s.bytes("today/KET-2026-0101/packet.pdf"),
        s.bytes("tomorrow/KET-2026-0101/packet.pdf"),
        "a ready packet does not depend on the day it is built"
    );
    // The days left stay in the reports.
    assert_ne!(
        case(&summary, "KET-2026-0101")["deadline"]["days_left"],
        case(&s.summary("tomorrow"), "KET-2026-0101")["deadline"]["days_left"]
    );
    // Rebuilt the next day in the same folder, the ready packet is kept.
    build("today", "2026-11-27");
    let next = s.summary("today");
    assert!(counted(&next, "skipped") >= 1, "{next:#}");
    assert!(
        !pdf_text(&s.path("today/KET-2026-0101/packet.pdf")).contains("days left"),
        "the packet counts no days from the day it was built"
    );
}

#[test]
fn a_build_ends_with_every_problem_most_urgent_first() {
    let s = Scratch::new();
    let run = s.build("out", &[]);
    let lines: Vec<&str> = run.stderr.lines().collect();
    let invalid = lines
        .iter()
        .position(|l| l.starts_with("broken.yaml invalid: "));
    let blocker = lines
        .iter()
        .position(|l| l.starts_with("KET-2026-0102 needs work: "));
    assert!(
        invalid.is_some() && blocker.is_some() && invalid < blocker,
        "{}",
        run.stderr
    );
    assert!(
        lines.last().unwrap().starts_with("3 cases, 1 ready"),
        "{}",
        run.stderr
    );
    let quiet = s.build("quiet", &["--quiet"]);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
}

#[test]
fn the_output_folder_is_the_builds_own() {
    let s = Scratch::new();
    s.build("out", &[]);

    // A second run into a folder another run holds exits 2 and names the lock.
    let lock = std::fs::File::options()
        .write(true)
        .open(s.path("out/.appealpack.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let run = s.build("out", &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(".appealpack.lock"), "{}", run.stderr);
    drop(lock);
    assert_eq!(
        s.build("out", &[]).code,
        1,
        "a released lock blocks nothing"
    );

    // The output may not be the cases folder, lie inside it or hold it.
    for out in ["cases", "cases/out", "."] {
        let run = s.build(out, &[]);
        assert_eq!(run.code, 2, "{out}");
        assert!(run.stderr.contains("overlap"), "{}", run.stderr);
    }

    // A link planted where a packet folder was, and a manifest entry that names no packet
    // of ours, are reported and left alone: nothing outside the folder is deleted.
    let elsewhere = s.path("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("packet.pdf"), "precious").unwrap();
    std::fs::remove_dir_all(s.path("out/KET-2026-0102")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&elsewhere, s.path("out/KET-2026-0102")).unwrap();
    let manifest_path = s.path("out/.appealpack-manifest.json");
    let mut manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    let mut odd = manifest["packets"][0].clone();
    odd["id"] = "KET-2026-0999".into();
    odd["packet"] = "../../elsewhere/packet.pdf".into();
    manifest["packets"].as_array_mut().unwrap().push(odd);
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    std::fs::remove_file(s.path("cases/drafts/KET-2026-0102.yaml")).unwrap();
    let run = s.build("out", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("packet.pdf")).unwrap(),
        "precious"
    );
    assert!(run.stderr.contains("left alone"), "{}", run.stderr);
    #[cfg(unix)]
    assert!(run.stderr.contains("not removing"), "{}", run.stderr);
    assert!(s.path("out/KET-2026-0101/packet.pdf").is_file());
    assert!(!run.stderr.contains("warning: warning:"), "{}", run.stderr);
}

#[test]
fn a_case_may_not_take_a_reports_name() {
    let s = Scratch::new();
    let text = std::fs::read_to_string(s.path("cases/drafts/KET-2026-0102.yaml")).unwrap();
    let taken = [
        ("a.yaml", "summary.json"),
        ("b.yaml", "junit.xml"),
        ("c.yaml", "deadlines.ics"),
        ("d.yaml", "cases.csv"),
    ];
    for (file, id) in taken {
        std::fs::write(
            s.path("cases").join(file),
            text.replace("KET-2026-0102", id),
        )
        .unwrap();
    }
    let junit = s.path("out/junit.xml");
    let run = s.build("out", &["--junit", junit.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let summary = s.summary("out");
    for (file, _) in taken {
        let case = summary["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["file"] == file)
            .unwrap();
        assert_eq!(case["status"], "invalid", "{case}");
    }
    assert!(s.path("out/summary.json").is_file() && junit.is_file());
    assert!(s.path("out/deadlines.ics").is_file() && s.path("out/cases.csv").is_file());
}

#[test]
fn a_corrupt_manifest_means_a_full_rebuild() {
    let s = Scratch::new();
    s.build("out", &[]);
    std::fs::write(s.path("out/.appealpack-manifest.json"), "{ not json").unwrap();
    let run = s.build("out", &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("ignoring the build manifest"),
        "{}",
        run.stderr
    );
    assert_eq!(timing(&s.summary("out")), (2, 0));
    // The rebuild wrote a sound manifest again.
    s.build("out", &[]);
    assert_eq!(timing(&s.summary("out")), (0, 2));
}

#[test]
fn shards_partition_the_cases_and_merge_back() {
    let s = Scratch::new();
    let mut seen = Vec::new();
    for k in 1..=3 {
        let out = format!("shard-{k}");
        s.build(&out, &["--shard", &format!("{k}/3")]);
        let summary = s.summary(&out);
        assert_eq!(summary["shard"], format!("{k}/3"));
        for case in summary["cases"].as_array().unwrap() {
            seen.push(case["file"].as_str().unwrap().to_owned());
            if let Some(packet) = case["packet"].as_str() {
                assert!(s.path(&out).join(packet).is_file(), "{packet} is in {out}");
            }
        }
    }
    let unique: BTreeSet<_> = seen.iter().cloned().collect();
    assert_eq!(
        seen.len(),
        3,
        "every case is in exactly one shard: {seen:?}"
    );
    assert_eq!(unique.len(), 3);

    let merged = s.path("merged");
    let junit = s.path("merged/junit.xml");
    let shards: Vec<String> = (1..=3)
        .map(|k| s.path(&format!("shard-{k}")).display().to_string())
        .collect();
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(String::as_str));
    args.extend([
        "-o",
        merged.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let run = run(&args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let summary = s.summary("merged");
    assert_eq!(summary["totals"]["cases"], 3);
    for case in summary["cases"].as_array().unwrap() {
        if let Some(packet) = case["packet"].as_str() {
            assert!(packet.starts_with("../shard-"), "{packet}");
            assert!(
                merged.join(packet).is_file(),
                "{packet} resolves from the merged folder"
            );
            assert!(
                s.read("merged/index.html")
                    .contains(&format!("href=\"{packet}\""))
            );
        }
    }
    assert!(s.read("merged/summary.md").contains("KET-2026-0102"));
    assert!(s.read("merged/junit.xml").contains("tests=\"3\""));

    // A shard missing is refused unless --partial; so is a shard that counted from
    // another day.
    let out = merged.to_str().unwrap();
    let missing = common::run(&["merge", &shards[0], &shards[2], "-o", out]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("shard 2/3 missing"),
        "{}",
        missing.stderr
    );
    let partial = common::run(&["merge", &shards[0], &shards[2], "-o", out, "--partial"]);
    assert!(partial.code <= 1, "{}", partial.stderr);
    assert!(
        partial.stderr.contains("warning: shard 2/3 missing"),
        "{}",
        partial.stderr
    );
    copy_tree(&s.path("shard-2"), &s.path("other-day"));
    let moved = s
        .read("other-day/summary.json")
        .replace("\"today\": \"2026-11-26\"", "\"today\": \"2026-11-27\"");
    std::fs::write(s.path("other-day/summary.json"), moved).unwrap();
    let other_day = s.path("other-day").display().to_string();
    let mixed = common::run(&["merge", &shards[0], &other_day, &shards[2], "-o", out]);
    assert_eq!(mixed.code, 2);
    assert!(
        mixed.stderr.contains("with one --today"),
        "{}",
        mixed.stderr
    );

    // The same shard twice overlaps, and summaries of different versions are refused.
    let run2 = common::run(&[
        "merge",
        &shards[0],
        &shards[0],
        "-o",
        merged.to_str().unwrap(),
    ]);
    assert_eq!(run2.code, 2);
    assert!(run2.stderr.contains("both shard 1/3"), "{}", run2.stderr);
    let path = s.path("shard-2/summary.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen(env!("CARGO_PKG_VERSION"), "0.0.1-other", 1),
    )
    .unwrap();
    let run3 = common::run(&[
        "merge",
        &shards[0],
        &shards[1],
        "-o",
        merged.to_str().unwrap(),
    ]);
    assert_eq!(run3.code, 2);
    assert!(run3.stderr.contains("0.0.1-other"), "{}", run3.stderr);
}

#[test]
fn shards_may_share_one_output_folder() {
    let s = Scratch::new();
    s.build("out", &["--shard", "1/2"]);
    s.build("out", &["--shard", "2/2"]);
    s.build("out", &[]);
    assert_eq!(
        timing(&s.summary("out")),
        (0, 2),
        "both shards' packets were kept"
    );
}

#[test]
fn a_case_whose_packet_fails_does_not_stop_the_others() {
    let s = Scratch::new();
    let templates = s.path("templates");
    copy_tree(&common::root().join("templates"), &templates);
    let main = templates.join("packet.typ");
    let mut typ = std::fs::read_to_string(&main).unwrap();
    typ.push_str(
        "\n#let d = json(\"/case/data.json\")\n#if d.id == \"KET-2026-0102\" { panic(\"cannot lay out \" + d.patient.name) }\n",
    );
    std::fs::write(&main, typ).unwrap();
    let run = s.build("out", &["--templates", templates.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    let summary = s.summary("out");
    assert_eq!(summary["totals"]["failed"], 1);
    let failed = case(&summary, "KET-2026-0102");
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["packet"], Value::Null);
    // The reports say where in the templates it failed; Typst's own words, which here
    // quote the patient's name, reach standard error only.
    let error = failed["error"].as_str().unwrap();
    assert!(
        error.contains("the packet templates failed at") && error.contains("packet.typ:"),
        "{error}"
    );
    assert!(run.stderr.contains("cannot lay out"), "{}", run.stderr);
    for report in ["summary.json", "cases.csv"] {
        let text = std::fs::read_to_string(s.path("out").join(report)).unwrap();
        assert!(
            !text.contains("cannot lay out") && !text.contains("Quinn"),
            "{report}: {text}"
        );
    }
    assert!(!s.path("out/KET-2026-0102/packet.pdf").exists());
    assert_eq!(case(&summary, "KET-2026-0101")["status"], "ready");
    assert!(s.path("out/KET-2026-0101/packet.pdf").is_file());
}

#[test]
fn a_panic_while_preparing_one_packet_fails_only_that_case() {
    // The hook that injects the panic exists in debug builds only.
    if !cfg!(debug_assertions) {
        return;
    }
    let s = Scratch::new();
    let run = s.build_with_env("out", &[], &[("APPEALPACK_TEST_PANIC", "KET-2026-0101")]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let summary = s.summary("out");
    let failed = case(&summary, "KET-2026-0101");
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["packet"], Value::Null);
    let error = failed["error"].as_str().unwrap();
    assert!(
        error.contains("internal error while building this case"),
        "{error}"
    );
    assert!(
        !error.contains("injected"),
        "the panic's own message leaked: {error}"
    );
    assert!(!s.path("out/KET-2026-0101/packet.pdf").exists());
    // The other cases were built and reported.
    assert!(s.path("out/KET-2026-0102/packet.pdf").is_file());
    assert_eq!(summary["totals"]["cases"], 3);
    // Standard error names the code location only.
    assert!(
        run.stderr.contains("internal panic at src/packet/"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("injected"), "{}", run.stderr);
}

#[test]
fn a_panic_while_loading_one_case_file_costs_only_that_case() {
    // The hook that injects the panic exists in debug builds only.
    if !cfg!(debug_assertions) {
        return;
    }
    let s = Scratch::new();
    let run = s.build_with_env(
        "out",
        &[],
        &[("APPEALPACK_TEST_PANIC_LOAD", "KET-2026-0101/case.yaml")],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let summary = s.summary("out");
    let cases = summary["cases"].as_array().unwrap();
    let broken = cases
        .iter()
        .find(|c| c["file"] == "KET-2026-0101/case.yaml")
        .expect("the case file is reported");
    assert_eq!(broken["status"], "invalid", "{broken}");
    let error = broken["error"].as_str().unwrap();
    assert!(error.contains("internal error"), "{error}");
    assert!(
        !error.contains("injected"),
        "the panic's message leaked: {error}"
    );
    // The other cases were built and the reports written.
    assert!(s.path("out/KET-2026-0102/packet.pdf").is_file());
    assert!(s.path("out/index.html").is_file());
    assert!(
        run.stderr.contains("internal panic at src/load/"),
        "{}",
        run.stderr
    );
}

#[test]
fn environment_errors_exit_2() {
    let s = Scratch::new();
    let missing = s.path("no-templates");
    let run = s.build("out", &["--templates", missing.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no-templates"), "{}", run.stderr);

    let broken = s.path("broken-templates");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::copy(
        common::root().join("templates/evidence.yaml"),
        broken.join("evidence.yaml"),
    )
    .unwrap();
    std::fs::write(broken.join("packet.typ"), "#let x = (\n").unwrap();
    let run = s.build("out", &["--templates", broken.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("packet.typ"), "{}", run.stderr);

    std::fs::write(s.path("a-file"), "").unwrap();
    let run = s.build("a-file", &[]);
    assert_eq!(
        run.code, 2,
        "an output path that is a file cannot be written"
    );
    assert!(run.stderr.contains("a-file"), "{}", run.stderr);

    let run = common::run(&[
        "build",
        s.path("no-cases").to_str().unwrap(),
        "-o",
        s.path("x").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no-cases"), "{}", run.stderr);
}

#[test]
fn strict_fails_on_warnings() {
    let s = Scratch::new();
    std::fs::remove_file(s.path("cases/broken.yaml")).unwrap();
    std::fs::remove_file(s.path("cases/drafts/KET-2026-0102.yaml")).unwrap();
    assert_eq!(
        s.build("out", &["--strict"]).code,
        0,
        "one ready case without warnings"
    );

    // Without its clinical policy the case is still ready, but warned.
    let path = s.path("cases/KET-2026-0101/case.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("  clinical_policy: |").unwrap();
    let end = start + text[start..].find("\nprovider:").unwrap();
    std::fs::write(&path, format!("{}{}", &text[..start], &text[end + 1..])).unwrap();
    let run = s.build("out", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary = s.summary("out");
    assert_eq!(summary["cases"][0]["findings"][0]["rule"], "insurer-policy");
    assert_eq!(summary["cases"][0]["findings"][0]["severity"], "warning");
    assert_eq!(s.build("out", &["--strict"]).code, 1);
}

#[test]
fn a_draft_letter_is_the_next_step_with_a_letter_to_sign() {
    let s = Scratch::new();
    let case_file = s.path("cases/KET-2026-0101/case.yaml");
    let signed = std::fs::read_to_string(&case_file).unwrap();
    let draft = signed.replace(
        "  file: signed-lmn.pdf",
        "  draft: |\n    Morgan Ellis has severe recurrent depression; two antidepressants failed.\n\n    Sincerely,\n    Dr Rivera",
    );
    assert_ne!(draft, signed);
    std::fs::write(&case_file, &draft).unwrap();
    s.build("out", &[]);
    let summary = s.summary("out");
    let drafted = case(&summary, "KET-2026-0101");
    assert_eq!(drafted["status"], "needs-work");
    let next = drafted["next_step"].as_str().unwrap();
    assert!(next.contains("provider's signature"), "{next}");
    let letter = s.path("out/KET-2026-0101/letter-for-signature.pdf");
    let text = pdf_text(&letter);
    for needle in [
        "Letter of medical necessity",
        "two antidepressants failed",
        "Signature",
        "Date",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
    // Naming the signed scan makes the case ready, and the letter to sign goes.
    std::fs::write(&case_file, &signed).unwrap();
    s.build("out", &[]);
    let summary = s.summary("out");
    let ready = case(&summary, "KET-2026-0101");
    assert_eq!(ready["status"], "ready");
    let deadline = ready["deadline"]["date"].as_str().unwrap();
    let next = ready["next_step"].as_str().unwrap();
    assert!(
        next.starts_with("send the packet by ") && next.contains(deadline),
        "{next}"
    );
    assert!(
        !letter.exists(),
        "the letter for signature stayed after signing"
    );
}

#[test]
fn the_owner_is_shown_and_filterable_but_only_as_initials() {
    let s = Scratch::new();
    let case_file = s.path("cases/KET-2026-0101/case.yaml");
    let text = std::fs::read_to_string(&case_file).unwrap();
    std::fs::write(&case_file, format!("owner: JD\n{text}")).unwrap();
    s.build("out", &[]);
    assert_eq!(case(&s.summary("out"), "KET-2026-0101")["owner"], "JD");
    let html = s.read("out/index.html");
    assert!(html.contains(r#"data-owner="JD""#), "owner not on the row");
    assert!(
        html.contains(r#"<option value="JD">"#),
        "owner not in the filter"
    );

    // A name is not initials: the case is invalid, and the name is in no report.
    std::fs::write(&case_file, format!("owner: Morgan Ellis\n{text}")).unwrap();
    let run = s.build("out", &[]);
    assert!(
        run.stderr.contains("owner: expected staff initials"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Morgan Ellis"), "{}", run.stderr);
    let json = s.read("out/summary.json");
    assert!(!json.contains("Morgan Ellis"), "{json}");
    let summary = s.summary("out");
    let invalid = summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "invalid");
    assert!(
        invalid.is_some_and(|c| c["file"] == "KET-2026-0101/case.yaml"),
        "{summary:#}"
    );
}

#[test]
fn a_templates_folder_may_hold_only_the_files_it_changes() {
    let s = Scratch::new();
    let templates = s.path("own-templates");
    std::fs::create_dir_all(&templates).unwrap();
    let letter = std::fs::read_to_string(common::root().join("templates/letter.typ")).unwrap();
    let changed = letter.replace(
        "subhead[Treatments tried]",
        "subhead[Treatments tried, restyled]",
    );
    assert!(
        changed != letter,
        "the letter has the heading this test changes"
    );
    std::fs::write(templates.join("letter.typ"), changed).unwrap();
    let run = s.build("out", &["--templates", templates.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Standard error says which file came from the folder, and that the rest is built in.
    let from_folder = format!(
        "templates: letter.typ from {}",
        templates.join("letter.typ").display()
    );
    assert!(
        run.stderr.lines().any(|l| l == from_folder),
        "{}",
        run.stderr
    );
    let built_in = std::fs::read_dir(common::root().join("templates"))
        .unwrap()
        .filter(|e| {
            !e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.')
        })
        .count();
    let rest = format!(
        "templates: the other {} files from the built-in set",
        built_in - 1
    );
    assert!(run.stderr.lines().any(|l| l == rest), "{}", run.stderr);
    assert_eq!(case(&s.summary("out"), "KET-2026-0101")["status"], "ready");
    let text = common::pdf_text(&s.path("out/KET-2026-0101/packet.pdf"));
    assert!(text.contains("Treatments tried, restyled"), "{text}");
    // The rest is the built-in set's: the packet's parts are all there.
    assert!(text.contains("Treatment history"), "{text}");
}
