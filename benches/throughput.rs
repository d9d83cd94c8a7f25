//! Measures appealpack's throughput on generated cases and prints the figures.
//!
//! `cargo bench --bench throughput` generates realistic cases and prints, for `check`
//! (`APPEALPACK_BENCH_CHECK_CASES`, default 10,000) and for a cold `build`
//! (`APPEALPACK_BENCH_CASES`, default 1,000), cases per
//! second with one thread and with all cores, the build's peak memory, the share of its time
//! spent outside Typst, and the no-op rebuild time. Where the `typst` CLI is on the PATH, the
//! same packets are also compiled by `typst compile`, once per case, in a plain loop and
//! under `xargs -P <cores>` (`APPEALPACK_BENCH_CLI=0` skips that).
//! `APPEALPACK_BENCH_WRITE=DIR` only writes the generated cases to `DIR/cases` (with
//! `APPEALPACK_BENCH_REAL=N`, N real-looking case folders), for profiling a build by hand.
//!
//! `APPEALPACK_BENCH_REAL=N` measures instead what a daily CI job pays on real case
//! folders: N cases, each in a folder of its own with a signed letter PDF, an appointment
//! PDF and a scanned record (`APPEALPACK_BENCH_SCAN_PAGES` pages of greyscale scan, default
//! 4), generated and different for every case; it prints the cold build and the no-op
//! rebuild (each the best of `APPEALPACK_BENCH_ROUNDS`, default 2) and the next day's
//! rebuild (`--today` one day later), each with the packets it wrote and the files it
//! decoded.

mod generate;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use appealpack::checklist;
use appealpack::cmd::check::check_all;
use appealpack::load;
use appealpack::model::evidence::EvidenceLibrary;
use appealpack::model::fields::Date;
use appealpack::model::organisation::Organisation;
use appealpack::packet;

const TODAY: &str = "2026-11-26";

/// The same allocator as the appealpack binary, so in-process figures match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn main() {
    let count: usize = std::env::var("APPEALPACK_BENCH_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000);
    let check_count: usize = std::env::var("APPEALPACK_BENCH_CHECK_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let real: Option<usize> = std::env::var("APPEALPACK_BENCH_REAL")
        .ok()
        .and_then(|n| n.parse().ok());
    if let Some(dir) = std::env::var_os("APPEALPACK_BENCH_WRITE") {
        // Only write the cases, for profiling a build by hand.
        let count = match real {
            Some(real) => {
                generate::write_real_cases(Path::new(&dir), real);
                real
            }
            None => {
                generate::write_cases(Path::new(&dir), count);
                count
            }
        };
        println!(
            "wrote {count} cases to {}",
            Path::new(&dir).join("cases").display()
        );
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("appealpack {}, {cores} cores", appealpack::VERSION);
    if let Some(real) = real {
        bench_real(real, cores);
        return;
    }

    let check_dir = tempfile::tempdir().expect("temporary folder");
    generate::write_cases(check_dir.path(), check_count);
    bench_check(&check_dir.path().join("cases"), check_count, cores);
    drop(check_dir);

    let dir = tempfile::tempdir().expect("temporary folder");
    generate::write_cases(dir.path(), count);
    let cases = dir.path().join("cases");
    let per_packet = bench_build(dir.path(), &cases, count, cores);
    bench_typst_cli(dir.path(), &cases, count, cores, per_packet);
}

/// Times discovery, loading and checking in-process: best of three after a warm-up.
fn bench_check(cases: &Path, count: usize, cores: usize) {
    let library = EvidenceLibrary::from_file(&root().join("templates/evidence.yaml")).unwrap();
    let today = Date::parse(TODAY).unwrap();
    println!("check ({count} cases)");
    for threads in thread_counts(cores) {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut best = f64::MAX;
        for _ in 0..4 {
            let start = Instant::now();
            let checked = pool.install(|| check_all(cases, today, &library, None).unwrap());
            assert_eq!(checked.len(), count);
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!(
            "  {threads} thread(s): {:>9.0} cases/s ({best:.3} s)",
            count as f64 / best
        );
    }
}

/// Returns how many rounds a measurement takes the best of: `APPEALPACK_BENCH_ROUNDS`,
/// default 2 (shared machines are noisy).
fn rounds() -> usize {
    std::env::var("APPEALPACK_BENCH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2)
        .max(1)
}

/// Runs the release binary's `build` cold with each thread count, alternating, and keeps
/// the best of [`rounds`]; then a no-op rebuild. Returns the seconds per packet with all
/// cores.
fn bench_build(dir: &Path, cases: &Path, count: usize, cores: usize) -> f64 {
    let rounds = rounds();
    println!("build ({count} cases, cold, best of {rounds})");
    let counts = thread_counts(cores);
    let mut best: Vec<Option<BuildRun>> = counts.iter().map(|_| None).collect();
    let output = dir.join("out");
    for _ in 0..rounds {
        for (slot, &threads) in best.iter_mut().zip(&counts) {
            let run = run_build(cases, &output, threads, TODAY, &["--force"]);
            assert_eq!(run.timing("rendered") as usize, count);
            if slot.as_ref().is_none_or(|b| run.seconds < b.seconds) {
                *slot = Some(run);
            }
        }
    }
    let mut per_packet = 0.0;
    for (run, threads) in best.iter().flatten().zip(counts) {
        let busy = run.seconds * threads as f64;
        let typst = run.timing("typst_seconds") / busy;
        let cache = run.timing("cache_seconds") / busy;
        println!(
            "  {threads} thread(s): {:>7.1} packets/s ({:.2} s, {:.1} ms/packet), {}",
            count as f64 / run.seconds,
            run.seconds,
            1e3 * run.seconds / count as f64,
            run.peak,
        );
        println!(
            "    time: {:.1}% Typst compile and export, {:.1}% evicting Typst's cache, {:.1}% the rest (discovery, loading, checking, hashing, writing)",
            100.0 * typst,
            100.0 * cache,
            100.0 * (1.0 - typst - cache),
        );
        per_packet = run.seconds / count as f64;
    }
    if let [Some(one), .., Some(all)] = best.as_slice() {
        println!(
            "  speed-up from 1 to {cores} threads: {:.2}x",
            one.seconds / all.seconds
        );
    }
    let full = per_packet * count as f64;
    let noop = run_build(cases, &output, cores, TODAY, &[]);
    assert_eq!(noop.timing("skipped") as usize, count);
    println!(
        "  no-op rebuild: {:.3} s ({:.1}% of the full build), {}",
        noop.seconds,
        100.0 * noop.seconds / full,
        noop.peak
    );
    per_packet
}

/// The day after [`TODAY`], for the next day's rebuild.
const NEXT_DAY: &str = "2026-11-27";

/// Builds real-looking case folders cold, again with nothing changed, and again the next
/// day, and prints each run's time, packets written and files decoded.
fn bench_real(count: usize, cores: usize) {
    let dir = tempfile::tempdir().expect("temporary folder");
    generate::write_real_cases(dir.path(), count);
    let cases = dir.path().join("cases");
    let bytes: u64 = walkdir::WalkDir::new(&cases)
        .into_iter()
        .filter_map(|e| e.ok()?.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    let rounds = rounds();
    println!(
        "build of real-looking case folders ({count} cases, {:.0} MiB, -j {cores}, cold and \
         no-op best of {rounds})",
        bytes as f64 / (1 << 20) as f64
    );
    let output = dir.path().join("out");
    // The cold build and the no-op rebuild are each the best of the same number of runs,
    // so that their ratio is not one run's noise: a no-op takes some 50 ms, which one
    // descheduling can double.
    let best = |extra: &[&str]| {
        (0..rounds)
            .map(|_| run_build(&cases, &output, cores, TODAY, extra))
            .min_by(|a, b| a.seconds.total_cmp(&b.seconds))
            .expect("at least one round")
    };
    let cold = best(&["--force"]);
    let line = |label: &str, run: &BuildRun| {
        println!(
            "  {label}: {:.2} s ({:.1}% of the cold build), {} packets written, {} files decoded, \
             {}",
            run.seconds,
            100.0 * run.seconds / cold.seconds,
            run.timing("packets_written"),
            run.timing("attachments_decoded"),
            run.peak
        );
    };
    line("cold build", &cold);
    let noop = best(&[]);
    line("no-op rebuild", &noop);
    let ready = ready_packets(&noop.summary, &output);
    let next = run_build(&cases, &output, cores, NEXT_DAY, &[]);
    line("the next day", &next);
    let rewritten = ready
        .iter()
        .filter(|(path, modified)| {
            std::fs::metadata(path).and_then(|m| m.modified()).ok() != Some(*modified)
        })
        .count();
    println!(
        "  the next day rewrote {rewritten} of {} ready packets",
        ready.len()
    );
}

/// Returns the ready cases' packets with their modification times.
fn ready_packets(
    summary: &serde_json::Value,
    output: &Path,
) -> Vec<(PathBuf, std::time::SystemTime)> {
    summary["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "ready")
        .filter_map(|c| c["packet"].as_str())
        .map(|packet| {
            let path = output.join(packet);
            let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
            (path, modified)
        })
        .collect()
}

/// Compiles the same packets with the `typst` CLI, if it is installed.
fn bench_typst_cli(dir: &Path, cases: &Path, count: usize, cores: usize, per_packet: f64) {
    if std::env::var_os("APPEALPACK_BENCH_CLI").is_some_and(|v| v == "0") {
        println!("typst CLI: skipped (APPEALPACK_BENCH_CLI=0)");
        return;
    }
    let Ok(version) = Command::new("typst").arg("--version").output() else {
        println!("typst CLI: not installed, comparison skipped");
        return;
    };
    println!(
        "typst CLI ({})",
        String::from_utf8_lossy(&version.stdout).trim()
    );
    let roots = prepare_cli_roots(dir, cases);
    assert_eq!(roots.len(), count);
    let list = dir.join("cli-roots.txt");
    let lines: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
    std::fs::write(&list, lines.join("\n") + "\n").unwrap();
    let compile =
        "typst compile --ignore-system-fonts --root \"$0\" \"$0/packet.typ\" \"$0/packet.pdf\"";

    let start = Instant::now();
    for root in &roots {
        let status = Command::new("sh")
            .args(["-c", compile])
            .arg(root)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "typst compile failed in {}",
            root.display()
        );
    }
    report_cli("plain loop", start, count, cores, per_packet);

    let start = Instant::now();
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "xargs -P {cores} -n 1 sh -c '{compile}' < \"{}\"",
            list.display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
    report_cli(
        &format!("xargs -P {cores}"),
        start,
        count,
        cores,
        per_packet,
    );
}

/// Prints a CLI run's throughput next to appealpack's time per packet with all cores.
fn report_cli(label: &str, start: Instant, count: usize, cores: usize, per_packet: f64) {
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "  {label}: {:>7.1} packets/s ({:.1} ms/packet); appealpack -j{cores} is {:.1}x faster",
        count as f64 / seconds,
        1e3 * seconds / count as f64,
        seconds / count as f64 / per_packet
    );
}

/// Writes, per case, a folder with the templates and the case data where the CLI finds them.
fn prepare_cli_roots(dir: &Path, cases: &Path) -> Vec<PathBuf> {
    let library = EvidenceLibrary::from_file(&root().join("templates/evidence.yaml")).unwrap();
    let organisation = Organisation::from_file(&root().join("appealpack.yaml")).unwrap();
    let today = Date::parse(TODAY).unwrap();
    let loaded = load::load_all(cases).unwrap();
    let templates: Vec<PathBuf> = std::fs::read_dir(root().join("templates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    let mut roots = Vec::new();
    for loaded in loaded {
        let checked = checklist::check_case(loaded, today, &library, None);
        let data =
            packet::prepare(&checked, &library, &organisation).expect("generated cases load");
        assert!(
            checked.enclosures.is_empty(),
            "generated cases enclose no files"
        );
        let project = dir.join("cli").join(&data.id);
        std::fs::create_dir_all(project.join("case")).unwrap();
        for template in &templates {
            std::fs::hard_link(template, project.join(template.file_name().unwrap())).unwrap();
        }
        std::fs::write(project.join("case/data.json"), data.to_json()).unwrap();
        roots.push(project);
    }
    roots
}

fn thread_counts(cores: usize) -> Vec<usize> {
    if cores > 1 { vec![1, cores] } else { vec![1] }
}

/// What one run of `appealpack build` took.
struct BuildRun {
    seconds: f64,
    peak: PeakRss,
    summary: serde_json::Value,
}

impl BuildRun {
    fn timing(&self, field: &str) -> f64 {
        self.summary["timing"][field].as_f64().unwrap()
    }
}

/// Runs the binary's `build` and measures its wall time and peak resident memory.
fn run_build(cases: &Path, output: &Path, threads: usize, today: &str, extra: &[&str]) -> BuildRun {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_appealpack"))
        .arg("build")
        .arg(cases)
        .arg("-o")
        .arg(output)
        .args(["-j", &threads.to_string(), "--today", today, "--quiet"])
        .args(extra)
        .current_dir(root())
        .spawn()
        .unwrap();
    // The build is waited for here and its memory sampled on a thread of its own: a wait
    // that polled every 10 ms added up to 10 ms to a no-op rebuild of some 35 ms.
    let pid = child.id();
    let done = std::sync::atomic::AtomicBool::new(false);
    let (status, seconds, peak) = std::thread::scope(|scope| {
        let sampler = scope.spawn(|| sample_peak_rss(pid, &done));
        let status = child.wait().expect("wait for the build");
        let seconds = start.elapsed().as_secs_f64();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        (status, seconds, sampler.join().expect("the sampler"))
    });
    let code = status.code().expect("the build was killed by a signal");
    assert!(code == 0 || code == 1, "build exited {code}");
    let text = std::fs::read_to_string(output.join("summary.json")).unwrap();
    BuildRun {
        seconds,
        peak,
        summary: serde_json::from_str(&text).unwrap(),
    }
}

/// The peak resident memory of a build: its own and its render workers', in KiB.
#[derive(Default)]
struct PeakRss {
    build: i64,
    /// Each worker's peak, by process id.
    workers: std::collections::BTreeMap<u32, i64>,
}

impl std::fmt::Display for PeakRss {
    /// Writes the sum (at most what was resident at once), then the build's and the largest
    /// worker's.
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let workers: i64 = self.workers.values().sum();
        let Some(largest) = self.workers.values().max() else {
            return write!(f, "peak RSS {} MiB (no worker started)", self.build / 1024);
        };
        write!(
            f,
            "peak RSS {} MiB (the build {} MiB, {} worker(s), the largest {} MiB)",
            (self.build + workers) / 1024,
            self.build / 1024,
            self.workers.len(),
            largest / 1024
        )
    }
}

/// Reads a process's high-water mark of resident memory (`VmHWM`, Linux), in KiB.
fn high_water_kib(pid: u32) -> Option<i64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok())
}

/// Samples the peak resident memory of a build and its render workers until `done` is set.
///
/// Each peak is the kernel's high-water mark (`VmHWM` in `/proc/PID/status`, Linux), read
/// every 10 ms while the build runs, for the build and for each child it has then (its
/// render workers, from `/proc/PID/task/*/children`); only growth in a process's last
/// 10 ms can be missed.
fn sample_peak_rss(pid: u32, done: &std::sync::atomic::AtomicBool) -> PeakRss {
    let tasks = format!("/proc/{pid}/task");
    let mut peak = PeakRss::default();
    while !done.load(std::sync::atomic::Ordering::Relaxed) {
        if let Some(kib) = high_water_kib(pid) {
            peak.build = peak.build.max(kib);
        }
        // A worker is the child of the thread that started it, so every thread is asked.
        let children = std::fs::read_dir(&tasks)
            .into_iter()
            .flatten()
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("children")).ok());
        for worker in children.flat_map(|list| {
            list.split_whitespace()
                .filter_map(|w| w.parse::<u32>().ok())
                .collect::<Vec<_>>()
        }) {
            if let Some(kib) = high_water_kib(worker) {
                let seen = peak.workers.entry(worker).or_default();
                *seen = (*seen).max(kib);
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    peak
}
