//! The `build` command: check every case, render its packet in parallel, write the reports.

use std::collections::{BTreeSet, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use anstyle::{AnsiColor, Style};
use anyhow::{Context as _, Result};

use super::{Exit, exit_for, guard_case, load_library, terminal_safe, today};
use crate::attachments::{self, verdicts::Stamp, verdicts::Verdicts};
use crate::cache::{self, Entry, Manifest};
use crate::checklist::{self, Severity};
use crate::cli::BuildArgs;
use crate::fsutil;
use crate::load::{self, Loaded};
use crate::model::case::validate_id;
use crate::model::evidence::EvidenceLibrary;
use crate::model::fields::Date;
use crate::model::organisation::Organisation;
use crate::outcome::{CaseOutcome, Compiles, Status, Summary, Timing};
use crate::output::{AUTHORIZATION_FILE, Input, LETTER_FILE, OutputFolder, PACKET_FILE};
use crate::packet::{self, PacketData};
use crate::progress::Progress;
use crate::render::{Renderer, templates, worker};
use crate::report::{self, Names};

/// Each worker's stack: Typst's layout recurses deeply (nested Markdown lists and quotes
/// in patient text), and the 2 MiB default overflows on real cases.
const WORKER_STACK: usize = 64 * 1024 * 1024;

/// Returns whether a case's letter of medical necessity still needs the provider's
/// signature: a draft, and no signed file.
fn needs_signature(data: &PacketData) -> bool {
    data.letter.signed.is_none() && data.letter.draft.is_some()
}

/// Returns the forms a case needs signed, each with its output file and whether the case
/// needs it now: the letter for signature while the letter is a draft, the appointment of
/// representative while the plan needs one the case does not name.
fn forms_for_signature(data: &PacketData) -> [(&'static str, bool); 2] {
    [
        (LETTER_FILE, needs_signature(data)),
        (AUTHORIZATION_FILE, data.authorization.is_some()),
    ]
}

/// Writes the forms for signature the worker rendered beside a case's packet, or removes
/// old ones once the case names the signed files.
fn write_forms_for_signature(
    data: &PacketData,
    letter: Option<Result<Vec<u8>, String>>,
    authorization: Option<Result<Vec<u8>, String>>,
    folder: &Path,
    written: &Mutex<Vec<PathBuf>>,
) -> Result<()> {
    let rendered = [letter, authorization];
    for ((file, needed), form) in forms_for_signature(data).into_iter().zip(rendered) {
        let path = folder.join(file);
        if !needed {
            fsutil::remove_file(&path)?;
            continue;
        }
        match form {
            Some(Ok(pdf)) => {
                fsutil::write_atomic_unsynced(&path, &pdf)?;
                lock(written).push(path);
            }
            Some(Err(error)) => return Err(anyhow::anyhow!(error)),
            // Templates exported before a form existed have no file for it: the packet's
            // own pages serve.
            None => {}
        }
    }
    Ok(())
}

/// Locks a list the workers share; a worker's panic leaves it whole.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The packet's path inside the output folder.
pub(crate) fn packet_path(id: &str) -> String {
    format!("{id}/{PACKET_FILE}")
}

/// What the per-case workers share, all built once per run.
struct Shared<'a> {
    workers: &'a worker::Pool,
    organisation: &'a Organisation,
    library: &'a EvidenceLibrary,
    today: Date,
    manifest: &'a Manifest,
    verdicts: Verdicts,
    fingerprint: blake3::Hash,
    output: &'a OutputFolder,
    force: bool,
    rendered: AtomicUsize,
    written: AtomicUsize,
    /// The files written without a sync, synced at once before the manifest is written.
    unsynced: Mutex<Vec<PathBuf>>,
    typst_micros: AtomicU64,
    cache_micros: AtomicU64,
    /// The compiles of packets, letters and appointments for signature: counts, microseconds.
    compiles: [(AtomicUsize, AtomicU64); 3],
    progress: Progress,
}

/// What became of one case in a build.
struct Built {
    outcome: CaseOutcome,
    entry: Option<Entry>,
    skipped: bool,
    warnings: Vec<String>,
}

/// Runs `build`.
pub fn run(args: &BuildArgs) -> Result<Exit> {
    let start = Instant::now();
    let templates = templates::Source::choose(args.common.templates.as_deref());
    let library = load_library(&templates)?;
    let organisation = Organisation::from_file(&args.config)?;
    let renderer = Renderer::from_source(&templates)?;
    // A templates folder may hold only what it overrides: say which file came from where.
    for line in templates.origins()? {
        eprintln!("{line}");
    }
    let mut warnings = BTreeSet::new();
    if let Some(version) = templates.exported_from().filter(|v| v != crate::VERSION) {
        warnings.insert(format!(
            "warning: the templates in {} were exported from appealpack {version}; the \
             built-in templates have changed since (this is {}): `appealpack templates \
             export NEW-FOLDER` writes the current ones to compare",
            templates.describe(),
            crate::VERSION
        ));
    }
    let fingerprint = cache::inputs_fingerprint(renderer.fingerprint());
    let output = OutputFolder::open(&args.output, Some(&args.common.cases))?;
    if let Some(junit) = args.junit.as_deref() {
        let templates_folder = match &templates {
            templates::Source::Folder(dir) => Input::folder(dir, "the templates folder"),
            templates::Source::BuiltIn => None,
        };
        let inputs: Vec<Input> = [
            Input::folder(&args.common.cases, "the cases folder"),
            Input::file(&args.config, "the organisation file"),
            templates_folder,
        ]
        .into_iter()
        .flatten()
        .collect();
        output.refuse_report_path(junit, &inputs)?;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = args.jobs.unwrap_or(cores).clamp(1, cores);
    if args.jobs.is_some_and(|j| j > cores) && !args.quiet {
        // Rendering is CPU-bound: more workers than cores only add memory (each holds a
        // packet and a 64 MiB stack), and -j 100000 would never finish starting.
        eprintln!(
            "warning: -j {} is more than this machine's {cores} cores; using {cores}",
            args.jobs.unwrap_or(cores)
        );
    }
    // Loading runs on rayon's global pool (packets run on pools of their own, below); it is
    // built once per process, so a second build in the same process keeps the first one's.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(WORKER_STACK)
        .build_global();

    let today = today(&args.common);
    let mut loaded = load::load_run(&args.common.cases)?;
    refuse_the_junit_name(&mut loaded, args.junit.as_deref(), &output);
    // Every case that still exists, in any shard: packets of the others are kept.
    let existing: HashSet<String> = loaded.iter().filter_map(|l| l.id.clone()).collect();
    if let Some(shard) = args.shard {
        loaded.retain(|l| shard.contains(l.id.as_deref().unwrap_or(&l.file)));
    }

    let manifest = if args.force {
        Manifest::default()
    } else {
        Manifest::load(output.path()).unwrap_or_else(|why| {
            warnings.insert(format!(
                "warning: ignoring the build manifest ({why}); rebuilding every packet"
            ));
            Manifest::default()
        })
    };
    let budget = worker::Budget {
        time: std::time::Duration::from_secs(args.case_timeout),
        memory_mib: args.case_memory,
    };
    let workers = worker::Pool::new(&templates, renderer.fingerprint(), budget)?;
    let shared = Shared {
        workers: &workers,
        organisation: &organisation,
        library: &library,
        today,
        manifest: &manifest,
        // Verdicts made by another appealpack (another PDF parser, other limits) are not
        // reused.
        verdicts: Verdicts::new(if manifest.build == cache::build_identity() {
            manifest.files.clone()
        } else {
            Vec::new()
        }),
        fingerprint,
        output: &output,
        force: args.force,
        rendered: AtomicUsize::new(0),
        written: AtomicUsize::new(0),
        unsynced: Mutex::new(Vec::new()),
        typst_micros: AtomicU64::new(0),
        cache_micros: AtomicU64::new(0),
        compiles: Default::default(),
        progress: Progress::new(loaded.len(), args.quiet),
    };
    let in_shard: HashSet<String> = loaded.iter().filter_map(|l| l.id.clone()).collect();
    // Names are for internal pages only: asked for by the run or, once, by the organisation.
    let show_names = args.show_names || organisation.show_names;
    let names: Names = loaded
        .iter()
        .filter(|_| show_names)
        .filter_map(|l| l.case.as_ref().ok())
        .map(|case| (case.id.clone(), case.patient.name.clone()))
        .collect();
    let built = for_each_case(loaded, jobs, |l| build_one(l, &shared))?;
    shared.progress.finish();
    let rendered = shared.rendered.load(Ordering::Relaxed);
    let written = shared.written.load(Ordering::Relaxed);
    let decoded = shared.verdicts.decoded();
    let typst_micros = shared.typst_micros.load(Ordering::Relaxed);
    let cache_micros = shared.cache_micros.load(Ordering::Relaxed);
    let [packet_compiles, letter_compiles, authorization_compiles] =
        shared.compiles.each_ref().map(|(count, micros)| Compiles {
            count: count.load(Ordering::Relaxed),
            seconds: micros.load(Ordering::Relaxed) as f64 / 1e6,
        });
    // One sync for every packet and form written, before the manifest that lists them.
    fsutil::sync_written(output.path(), &lock(&shared.unsynced));
    // A shard's build leaves the other shards' files recorded.
    let files = shared.verdicts.into_known(args.shard.is_some());

    let mut entries = Vec::new();
    let mut outcomes = Vec::with_capacity(built.len());
    let mut skipped = 0;
    for b in built {
        warnings.extend(b.warnings);
        entries.extend(b.entry);
        skipped += usize::from(b.skipped);
        outcomes.push(b.outcome);
    }
    // Packets of existing cases outside this shard stay listed, so shards may share a folder;
    // every other packet the old manifest lists is stale (its case is gone or failed).
    let others: Vec<Entry> = manifest
        .packets
        .iter()
        .filter(|e| existing.contains(&e.id) && !in_shard.contains(&e.id))
        .cloned()
        .collect();
    entries.extend(others);
    let keep: HashSet<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    let (removed, problems) = remove_stale_packets(&manifest, &keep, &existing, &output);
    warnings.extend(problems);
    fsutil::write_atomic(
        &output.path().join(cache::FILE_NAME),
        Manifest::new(entries, files).to_json().as_bytes(),
    )?;

    let mut summary = Summary::new(today, outcomes);
    summary.shard = args.shard;
    summary.templates = Some(templates.describe());
    summary.timing = Some(Timing {
        seconds: start.elapsed().as_secs_f64(),
        rendered,
        skipped,
        typst_seconds: typst_micros as f64 / 1e6,
        cache_seconds: cache_micros as f64 / 1e6,
        attachments_decoded: decoded,
        packets_written: written,
        packet_compiles,
        letter_compiles,
        authorization_compiles,
    });
    let shown = show_names.then_some(&names);
    report::write_reports(&summary, output.path(), shown, args.junit.as_deref())?;

    if !args.quiet {
        let mut err = anstream::stderr().lock();
        for line in warnings
            .iter()
            .chain(&removed)
            .chain(&problem_lines(&summary))
        {
            let _ = writeln!(err, "{}", terminal_safe(line));
        }
        let _ = writeln!(err, "{}", closing_line(&summary, &args.output, skipped));
    }
    Ok(exit_for(&summary, args.common.strict))
}

/// Returns the one line printed at the end of a run: counts, time and output folder.
pub(crate) fn closing_line(summary: &Summary, output: &Path, skipped: usize) -> String {
    let t = summary.totals;
    let bold = Style::new().bold();
    let colour = if summary.all_ready() {
        AnsiColor::Green
    } else {
        AnsiColor::Yellow
    };
    let status = Style::new().fg_color(Some(colour.into())).bold();
    let seconds = summary.timing.map_or(0.0, |t| t.seconds);
    let skipped = if skipped > 0 {
        format!(", {skipped} unchanged packets kept")
    } else {
        String::new()
    };
    let templates = summary
        .templates
        .as_deref()
        .map_or_else(String::new, |t| format!(" (templates: {t})"));
    format!(
        "{status}{t}{status:#}{skipped} in {seconds:.1} s; reports in {bold}{}{bold:#}{templates}",
        output.display()
    )
}

/// Runs `work` on every case with `jobs` workers and returns the results in case order.
///
/// Each worker is the only thread of a rayon pool of its own. Typst parallelises inside a
/// packet with rayon: in a shared pool, a worker waiting on that work steals other cases and
/// starts them on top of the first one's stack (measured on 1,000 cases: a stack overflow,
/// 2 GiB held, time counted twice), and with cases on plain threads Typst's small jobs hop
/// to the global pool and back. On its own one-thread pool, Typst's parallel work runs in
/// place: `-j N` keeps exactly N cores busy, 1.9 times as fast on 2 cores as on one.
///
/// Each case is handed over, and dropped once its packet is made, so a long run holds only
/// the outcomes it reports, not every case file's contents.
fn for_each_case<R: Send>(
    cases: Vec<Loaded>,
    jobs: usize,
    work: impl Fn(Loaded) -> R + Sync,
) -> Result<Vec<R>> {
    // Each slot is taken exactly once, by the worker that claimed its index: never contended.
    let cases: Vec<Mutex<Option<Loaded>>> =
        cases.into_iter().map(|c| Mutex::new(Some(c))).collect();
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = cases.get(index) else {
                return done;
            };
            let case = slot
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
                .expect("each case is claimed once");
            done.push((index, work(case)));
        }
    };
    let mut results = Vec::with_capacity(cases.len());
    std::thread::scope(|scope| -> Result<()> {
        let mut handles = Vec::new();
        for _ in 0..jobs.min(cases.len()) {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .thread_name(|_| "appealpack-case".into())
                .stack_size(WORKER_STACK)
                .build()
                .context("cannot start the worker threads")?;
            let handle = std::thread::Builder::new()
                .spawn_scoped(scope, move || pool.install(worker))
                .context("cannot start the worker threads")?;
            handles.push(handle);
        }
        for handle in handles {
            match handle.join() {
                Ok(done) => results.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(())
    })?;
    results.sort_unstable_by_key(|(index, _)| *index);
    Ok(results.into_iter().map(|(_, result)| result).collect())
}

/// Checks one case and renders its packet, or keeps the one already built from the same
/// inputs; a panic anywhere in that work becomes the case's `failed` outcome.
fn build_one(loaded: Loaded, shared: &Shared) -> Built {
    let built = guard_case(
        loaded,
        |l| build_case(l, shared),
        |outcome| Built {
            outcome,
            entry: None,
            skipped: false,
            warnings: Vec::new(),
        },
    );
    shared.progress.inc();
    built
}

/// Does the work of [`build_one`], outside its guard.
fn build_case(loaded: Loaded, shared: &Shared) -> Built {
    let mut checked = checklist::check_case_with(
        loaded,
        shared.today,
        shared.library,
        Some(shared.organisation),
        Some(&shared.verdicts),
    );
    let mut outcome = CaseOutcome::checked(&checked);
    let Some(data) = packet::prepare(&checked, shared.library, shared.organisation) else {
        return Built {
            outcome,
            entry: None,
            skipped: false,
            warnings: Vec::new(),
        };
    };
    let key = cache::packet_key(shared.fingerprint, &data, &checked.enclosures);
    let relative = packet_path(&data.id);

    // A draft's letter for signature goes with its packet: a missing one means a rebuild.
    let form_missing = forms_for_signature(&data)
        .iter()
        .any(|(file, needed)| *needed && !shared.output.path().join(&data.id).join(file).is_file());
    let kept = (!shared.force && !form_missing)
        .then(|| shared.manifest.get(&data.id))
        .flatten()
        .filter(|e| e.key == key && e.packet == relative && e.is_intact(shared.output.path()));
    if let Some(entry) = kept {
        outcome.packet = Some(relative);
        return Built {
            outcome,
            entry: Some(entry.clone()),
            skipped: true,
            warnings: Vec::new(),
        };
    }

    // Files whose verdict was reused are read only now that the packet is made.
    if let Err(error) = attachments::load(&mut checked.enclosures) {
        outcome.status = Status::Failed;
        outcome.error = Some(format!("{}: {error}", checked.loaded.path.display()));
        return Built {
            outcome,
            entry: None,
            skipped: false,
            warnings: Vec::new(),
        };
    }
    let json = data.to_json();
    let typst_start = Instant::now();
    let done = shared.workers.render(&worker::Job {
        data: &json,
        enclosures: &checked.enclosures,
        case_id: &data.id,
        date: data.date,
        for_signature: needs_signature(&data),
        for_authorization: data.authorization.is_some(),
    });
    let micros = typst_start.elapsed().as_micros() as u64;
    shared.typst_micros.fetch_add(micros, Ordering::Relaxed);
    shared.rendered.fetch_add(1, Ordering::Relaxed);
    let result = done.and_then(|done| {
        shared
            .cache_micros
            .fetch_add(done.evict_micros, Ordering::Relaxed);
        let made = [true, done.letter.is_some(), done.authorization.is_some()];
        for ((count, micros), (made, spent)) in shared
            .compiles
            .iter()
            .zip(made.into_iter().zip(done.compile_micros))
        {
            count.fetch_add(usize::from(made), Ordering::Relaxed);
            micros.fetch_add(spent, Ordering::Relaxed);
        }
        let (pdf, warnings) = done.packet.map_err(anyhow::Error::msg)?;
        let folder = shared.output.case_dir(&data.id)?;
        let path = folder.join(PACKET_FILE);
        fsutil::write_atomic_unsynced(&path, &pdf)?;
        lock(&shared.unsynced).push(path.clone());
        shared.written.fetch_add(1, Ordering::Relaxed);
        // The time as written lets the next build trust the packet without reading it.
        let modified = std::fs::symlink_metadata(&path).map_or(0, |m| Stamp::of(&m).modified);
        write_forms_for_signature(
            &data,
            done.letter,
            done.authorization,
            &folder,
            &shared.unsynced,
        )?;
        Ok((pdf, warnings, modified))
    });
    match result {
        Ok((pdf, warnings, modified)) => {
            let entry = Entry {
                id: data.id.clone(),
                key,
                packet: relative.clone(),
                size: pdf.len() as u64,
                hash: blake3::hash(&pdf).to_hex().to_string(),
                modified,
            };
            outcome.packet = Some(relative);
            Built {
                outcome,
                entry: Some(entry),
                skipped: false,
                warnings,
            }
        }
        Err(error) => {
            outcome.status = Status::Failed;
            outcome.error = Some(format!("{}: {error:#}", checked.loaded.path.display()));
            Built {
                outcome,
                entry: None,
                skipped: false,
                warnings: Vec::new(),
            }
        }
    }
}

/// Removes the packets not kept, touching only files the old manifest lists.
///
/// An entry that names no packet of ours, or one that cannot be removed, is left alone
/// and comes back as a warning: the build goes on.
/// Returns a line for each packet removed, saying why, and a warning for each left alone.
fn remove_stale_packets(
    manifest: &Manifest,
    keep: &HashSet<&str>,
    existing: &HashSet<String>,
    output: &OutputFolder,
) -> (Vec<String>, Vec<String>) {
    let (mut removed, mut warnings) = (Vec::new(), Vec::new());
    for entry in &manifest.packets {
        if keep.contains(entry.id.as_str()) {
            continue;
        }
        let ours = validate_id(&entry.id).is_ok() && entry.packet == packet_path(&entry.id);
        let result = if ours {
            output.remove_packet(&entry.id)
        } else {
            Err(
                "the build manifest lists a packet appealpack does not write there; left alone"
                    .into(),
            )
        };
        match result {
            Ok(()) => {
                let why = if existing.contains(&entry.id) {
                    "the case no longer loads or its packet failed"
                } else {
                    "its case file is gone"
                };
                removed.push(format!("removed {}'s old packet: {why}", entry.id));
            }
            Err(why) => warnings.push(format!("warning: {why}")),
        }
    }
    (removed, warnings)
}

/// Returns a line for each problem the run found, most urgent case first: the errors of
/// invalid and failed cases, then the blockers of cases that need work, by days left.
fn problem_lines(summary: &Summary) -> Vec<String> {
    let mut cases: Vec<&CaseOutcome> = summary
        .cases
        .iter()
        .filter(|c| c.status != Status::Ready)
        .collect();
    cases.sort_by_key(|c| {
        let broken = matches!(c.status, Status::Invalid | Status::Failed);
        let days = c.deadline.as_ref().map_or(i64::MAX, |d| d.days_left);
        (!broken, days)
    });
    let mut lines = Vec::new();
    for case in cases {
        let label = case.id.as_deref().unwrap_or(&case.file);
        if let Some(error) = &case.error {
            let first = error.lines().next().unwrap_or("");
            lines.push(format!("{label} {}: {first}", case.status.as_str()));
        }
        for finding in case
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Blocker)
        {
            lines.push(format!(
                "{label} needs work: {}: {}",
                finding.rule, finding.message
            ));
        }
    }
    lines
}

/// Marks invalid every case whose id is the JUnit report's name in the output folder,
/// where the case's packet folder and the report would collide.
fn refuse_the_junit_name(loaded: &mut [Loaded], junit: Option<&Path>, output: &OutputFolder) {
    let Some(junit) = junit else {
        return;
    };
    let parent = junit
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let inside = parent.canonicalize().ok() == output.path().canonicalize().ok();
    let Some(name) = junit
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|_| inside)
    else {
        return;
    };
    for l in loaded {
        if l.id
            .as_deref()
            .is_some_and(|id| id.eq_ignore_ascii_case(name))
        {
            l.case = Err(format!(
                "{}: id: it names the JUnit report in the output folder; rename the case",
                l.path.display()
            ));
        }
    }
}
