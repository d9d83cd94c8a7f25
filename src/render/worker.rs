//! Packets rendered in supervised worker processes, so a case that runs too long or takes
//! too much memory costs only that case.
//!
//! Typst cannot be interrupted from inside: a template loop or a pathological text runs
//! until it ends or the machine runs out of memory, which aborts the process. So `build`
//! renders in long-lived workers, the same binary started as `appealpack render-worker`
//! (a hidden command): each holds its own [`Renderer`], so Typst's caches stay warm from
//! one case to the next, and limits its own address space (`setrlimit`, on Linux). The
//! parent hands a worker one packet at a time over its standard input and reads the PDF
//! back from its standard output; a worker that takes longer than the time budget is
//! killed, one that dies (an allocation over the memory budget aborts it) is reported,
//! and either way that case fails and the next case gets a fresh worker.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};

use super::{Renderer, templates};
use crate::attachments::{Enclosure, FileKind, LETTER_PREFIX, Role};
use crate::model::fields::Date;

/// The hidden command that starts a worker.
pub(crate) const COMMAND: &str = "render-worker";

/// The default time budget of one packet, in seconds.
pub(crate) const DEFAULT_SECONDS: u64 = 60;

/// The default memory budget of one worker, in MiB.
pub(crate) const DEFAULT_MIB: u64 = 2048;

/// mimalloc's option, read from the environment when the worker starts, for how long
/// (in ms) freed memory is kept before it is returned to the system; -1 keeps it.
const PURGE_DELAY: &str = "MIMALLOC_PURGE_DELAY";

/// A worker's stack: Typst's layout recurses deeply (nested Markdown lists and quotes in
/// patient text), and the 2 MiB default overflows on real cases.
const STACK: usize = 64 * 1024 * 1024;

/// The largest message either side accepts, a guard against a garbled stream.
const MAX_MESSAGE: u64 = 1 << 30;

/// What one packet's render may spend.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    /// The longest a packet (and its letter for signature) may take.
    pub time: Duration,
    /// The most address space a worker may take beyond what it holds at its start, in MiB.
    pub memory_mib: u64,
}

/// One packet to render: its JSON data, its files, and whether the letter for signature
/// is wanted too.
pub(crate) struct Job<'a> {
    /// The packet's JSON data.
    pub data: &'a [u8],
    /// The enclosed files.
    pub enclosures: &'a [Enclosure],
    /// The case id, the PDF's document identifier.
    pub case_id: &'a str,
    /// The packet's date.
    pub date: Date,
    /// Whether to render the letter for signature as well.
    pub for_signature: bool,
    /// Whether to render the appointment of representative for signature as well.
    pub for_authorization: bool,
}

/// A worker's answer: the packet, and the letter for signature where asked for and the
/// templates have one; each is the PDF or why it failed.
pub(crate) struct Done {
    /// The packet's PDF and warnings, or the render error's text.
    pub packet: Result<(Vec<u8>, Vec<String>), String>,
    /// The letter for signature's PDF, or the render error's text.
    pub letter: Option<Result<Vec<u8>, String>>,
    /// The appointment of representative's PDF, or the render error's text.
    pub authorization: Option<Result<Vec<u8>, String>>,
    /// Time the worker spent evicting Typst's cache after this packet.
    pub evict_micros: u64,
    /// Time each Typst compile and export took in the worker, in microseconds: the
    /// packet's, the letter for signature's and the appointment of representative's (0
    /// for one not made).
    pub compile_micros: [u64; 3],
}

/// A running worker process.
struct Process {
    child: Child,
    stdin: Option<BufWriter<ChildStdin>>,
    answers: Receiver<io::Result<Done>>,
}

impl Drop for Process {
    fn drop(&mut self) {
        // A closed standard input ends the worker's loop; a worker killed mid-packet has
        // already been waited for, and waiting again returns at once.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// The supervised workers of one build: started on demand, reused while healthy.
pub(crate) struct Pool {
    exe: PathBuf,
    templates: Option<PathBuf>,
    fingerprint: blake3::Hash,
    budget: Budget,
    idle: Mutex<Vec<Process>>,
}

impl Pool {
    /// Makes a pool of workers that render with the templates of `source`, which must give
    /// the `fingerprint` the build keys its cache with.
    pub(crate) fn new(
        source: &templates::Source,
        fingerprint: blake3::Hash,
        budget: Budget,
    ) -> Result<Pool> {
        let exe = std::env::current_exe().context("cannot find appealpack's own program")?;
        let templates = match source {
            templates::Source::Folder(dir) => Some(dir.clone()),
            templates::Source::BuiltIn => None,
        };
        Ok(Pool {
            exe,
            templates,
            fingerprint,
            budget,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Renders one packet in a worker within the budget; an error says, without case
    /// data, why the worker gave no answer.
    pub(crate) fn render(&self, job: &Job) -> Result<Done> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut process = match idle {
            Some(process) => process,
            None => self.start()?,
        };
        let start = Instant::now();
        let sent = process
            .stdin
            .as_mut()
            .map_or(Err(io::ErrorKind::BrokenPipe.into()), |stdin| {
                write_job(stdin, job).and_then(|()| stdin.flush())
            });
        let left = self.budget.time.saturating_sub(start.elapsed());
        let answer = match sent {
            Ok(()) => process.answers.recv_timeout(left),
            Err(_) => Err(RecvTimeoutError::Disconnected),
        };
        match answer {
            Ok(Ok(done)) => {
                self.idle
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(process);
                Ok(done)
            }
            Err(RecvTimeoutError::Timeout) => {
                let _ = process.child.kill();
                bail!(
                    "rendering the packet took longer than its budget of {} s, so it was \
                     stopped; shorten the case's texts or enclose fewer pages (or raise \
                     --case-timeout)",
                    self.budget.time.as_secs()
                )
            }
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                let _ = process.child.kill();
                let status = process.child.wait().ok();
                bail!(
                    "rendering the packet stopped the renderer ({}): it needed more than \
                     its memory budget of {} MiB, or crashed; shorten the case's texts or \
                     enclose fewer or smaller files (or raise --case-memory)",
                    status.map_or_else(|| "no exit status".to_owned(), |s| s.to_string()),
                    self.budget.memory_mib
                )
            }
        }
    }

    /// Makes the command line and environment of a worker.
    fn command(&self) -> Command {
        let mut command = Command::new(&self.exe);
        command
            .arg(COMMAND)
            .arg("--memory-mib")
            .arg(self.budget.memory_mib.to_string());
        if let Some(dir) = &self.templates {
            command.arg("--templates").arg(dir);
        }
        // mimalloc returns freed pages to the system a second after they are freed. A
        // worker frees memory at every eviction of Typst's cache and allocates it again
        // for the next packet, so each page came back as a fault and was zeroed again
        // (40,000 page faults per 100 packets, a sixth of the render time;
        // docs/performance.md). Kept, the pages are reused: the worker's memory is
        // bounded by the eviction and its address-space limit either way. A value the
        // user set is left as it is.
        if std::env::var_os(PURGE_DELAY).is_none() {
            command.env(PURGE_DELAY, "-1");
        }
        command
    }

    /// Starts a worker and waits for its greeting, the fingerprint of its templates.
    fn start(&self) -> Result<Process> {
        let mut child = self
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start a render worker ({})", self.exe.display()))?;
        let stdin = child.stdin.take().map(BufWriter::new);
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut greeting = [0u8; 32];
        if stdout.read_exact(&mut greeting).is_err() {
            let status = child.wait().ok();
            bail!(
                "a render worker did not start ({})",
                status.map_or_else(|| "no exit status".to_owned(), |s| s.to_string())
            );
        }
        if blake3::Hash::from_bytes(greeting) != self.fingerprint {
            let _ = child.kill();
            let _ = child.wait();
            bail!("the templates changed while the build ran; run it again");
        }
        let (send, answers) = mpsc::channel();
        std::thread::Builder::new()
            .name("appealpack-worker-reader".into())
            .spawn(move || {
                loop {
                    let answer = read_done(&mut stdout);
                    let failed = answer.is_err();
                    if send.send(answer).is_err() || failed {
                        return;
                    }
                }
            })
            .context("cannot start a render worker's reader")?;
        Ok(Process {
            child,
            stdin,
            answers,
        })
    }
}

/// Runs a worker: limits its address space, builds the renderer and answers jobs from
/// standard input until it closes.
pub(crate) fn serve(templates: Option<&Path>, memory_mib: u64) -> Result<()> {
    let source = match templates {
        Some(dir) => templates::Source::Folder(dir.to_path_buf()),
        None => templates::Source::BuiltIn,
    };
    let renderer = Arc::new(Renderer::from_source(&source)?);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .stack_size(STACK)
        .build()
        .context("cannot start the render thread")?;
    pool.install(|| {
        // Limited once the renderer and its thread exist, so the budget is the packets'.
        limit_memory(memory_mib)?;
        let mut input = BufReader::new(io::stdin().lock());
        let mut output = BufWriter::new(io::stdout().lock());
        output.write_all(renderer.fingerprint().as_bytes())?;
        output.flush()?;
        while let Some(job) = read_job(&mut input)? {
            let done = crate::isolate::guarded(|| job.render(&renderer));
            // After every packet, not every twentieth: a worker that kept twenty packets'
            // results peaked at four times the memory, and every page it touches for the
            // first time is a fault that zeroes it (see `evict_cache`).
            let evicting = Instant::now();
            super::evict_cache();
            let evict_micros = evicting.elapsed().as_micros() as u64;
            let done = match done {
                Ok(mut done) => {
                    done.evict_micros = evict_micros;
                    done
                }
                Err(panic) => Done {
                    packet: Err(panic),
                    letter: None,
                    authorization: None,
                    evict_micros,
                    compile_micros: [0; 3],
                },
            };
            write_done(&mut output, &done)?;
            output.flush()?;
        }
        Ok(())
    })
}

/// Limits the process's address space to what it holds now plus `mib` MiB, so an
/// allocation beyond it fails (and aborts the worker) instead of taking the machine's
/// memory.
///
/// What it holds at the start is mostly reserved, not used: the program's mapping, the
/// render thread's 64 MiB stack and mimalloc's first arena (1 GiB of address space). So
/// the budget is counted on top of it, as the memory the packets may take. Linux only:
/// macOS does not enforce the limit on mappings and counts its shared cache in the
/// address space, so there (and on Windows) only the time budget holds.
#[cfg(target_os = "linux")]
fn limit_memory(mib: u64) -> Result<()> {
    let held = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmSize:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        })
        .unwrap_or(0);
    let bytes = held.saturating_add(mib.saturating_mul(1024 * 1024));
    rlimit::setrlimit(rlimit::Resource::AS, bytes, bytes)
        .context("cannot set the render worker's memory limit")
}

/// Address-space limits are enforced on Linux; elsewhere only the time budget holds.
#[cfg(not(target_os = "linux"))]
fn limit_memory(_mib: u64) -> Result<()> {
    Ok(())
}

/// A job as the worker reads it: the files as owned enclosures.
struct OwnedJob {
    data: Vec<u8>,
    enclosures: Vec<Enclosure>,
    case_id: String,
    date: Date,
    for_signature: bool,
    for_authorization: bool,
}

impl OwnedJob {
    /// Renders the packet, and the letter for signature where asked for.
    fn render(&self, renderer: &Renderer) -> Done {
        // Typst's own words may quote the case's data: they go to standard error only,
        // and the reports get where in the templates it failed.
        let public = |e: super::RenderError| {
            eprintln!("{}: {e}", self.case_id);
            e.public()
        };
        let micros = |start: Instant| start.elapsed().as_micros() as u64;
        let start = Instant::now();
        let packet = renderer
            .render_json(&self.data, &self.enclosures, &self.case_id, self.date)
            .map(|r| (r.pdf, r.warnings))
            .map_err(public);
        let packet_micros = micros(start);
        let form = |wanted: bool, template: &str| {
            let start = Instant::now();
            let form = if wanted && packet.is_ok() {
                renderer
                    .render_for_signature(template, &self.data, &self.case_id, self.date)
                    .map(|r| r.map(|r| r.pdf).map_err(public))
            } else {
                None
            };
            let spent = if form.is_some() { micros(start) } else { 0 };
            (form, spent)
        };
        let (letter, letter_micros) = form(self.for_signature, super::SIGNATURE);
        let (authorization, authorization_micros) =
            form(self.for_authorization, super::AUTHORIZATION);
        Done {
            packet,
            letter,
            authorization,
            evict_micros: 0,
            compile_micros: [packet_micros, letter_micros, authorization_micros],
        }
    }
}

fn write_bytes(w: &mut (impl Write + ?Sized), bytes: &[u8]) -> io::Result<()> {
    w.write_all(&(bytes.len() as u64).to_le_bytes())?;
    w.write_all(bytes)
}

fn read_u64(r: &mut (impl Read + ?Sized)) -> io::Result<u64> {
    let mut buffer = [0u8; 8];
    r.read_exact(&mut buffer)?;
    Ok(u64::from_le_bytes(buffer))
}

fn read_bytes(r: &mut (impl Read + ?Sized)) -> io::Result<Vec<u8>> {
    let len = read_u64(r)?;
    if len > MAX_MESSAGE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "message too long",
        ));
    }
    let mut bytes = vec![0u8; len as usize];
    r.read_exact(&mut bytes)?;
    Ok(bytes)
}

fn read_string(r: &mut (impl Read + ?Sized)) -> io::Result<String> {
    String::from_utf8(read_bytes(r)?).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Writes a result: a tag, then the value or the error's text.
fn write_result<W: Write, T>(
    w: &mut W,
    result: &Result<T, String>,
    value: impl FnOnce(&mut W, &T) -> io::Result<()>,
) -> io::Result<()> {
    match result {
        Ok(v) => {
            w.write_all(&[0])?;
            value(w, v)
        }
        Err(e) => {
            w.write_all(&[1])?;
            write_bytes(w, e.as_bytes())
        }
    }
}

fn read_tag(r: &mut (impl Read + ?Sized)) -> io::Result<u8> {
    let mut tag = [0u8];
    r.read_exact(&mut tag)?;
    Ok(tag[0])
}

fn write_job(w: &mut impl Write, job: &Job) -> io::Result<()> {
    write_bytes(w, job.data)?;
    write_bytes(w, job.case_id.as_bytes())?;
    write_bytes(w, job.date.to_string().as_bytes())?;
    w.write_all(&[u8::from(job.for_signature)])?;
    w.write_all(&[u8::from(job.for_authorization)])?;
    w.write_all(&(job.enclosures.len() as u64).to_le_bytes())?;
    for enclosure in job.enclosures {
        write_bytes(w, enclosure.path.as_bytes())?;
        write_bytes(w, &enclosure.bytes)?;
    }
    Ok(())
}

/// Reads the next job, or `None` where the input has ended.
fn read_job(r: &mut impl Read) -> io::Result<Option<OwnedJob>> {
    let data = match read_bytes(r) {
        Ok(data) => data,
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    };
    let case_id = read_string(r)?;
    let date = Date::parse(&read_string(r)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    let for_signature = read_tag(r)? == 1;
    let for_authorization = read_tag(r)? == 1;
    let count = read_u64(r)?;
    let mut enclosures = Vec::new();
    for _ in 0..count {
        let path = read_string(r)?;
        let bytes = read_bytes(r)?;
        let kind = if path.ends_with(".pdf") {
            FileKind::Pdf
        } else {
            FileKind::Image
        };
        let role = if path.starts_with(LETTER_PREFIX) {
            Role::Letter
        } else {
            Role::Attachment
        };
        enclosures.push(Enclosure {
            title: String::new(),
            kind,
            role,
            path,
            pages: 0,
            file: PathBuf::new(),
            bytes: Arc::new(bytes),
            hash: String::new(),
            loaded: true,
        });
    }
    Ok(Some(OwnedJob {
        data,
        enclosures,
        case_id,
        date,
        for_signature,
        for_authorization,
    }))
}

fn write_done(w: &mut impl Write, done: &Done) -> io::Result<()> {
    write_result(w, &done.packet, |w, (pdf, warnings)| {
        write_bytes(w, pdf)?;
        w.write_all(&(warnings.len() as u64).to_le_bytes())?;
        for warning in warnings {
            write_bytes(w, warning.as_bytes())?;
        }
        Ok(())
    })?;
    for form in [&done.letter, &done.authorization] {
        match form {
            None => w.write_all(&[0])?,
            Some(form) => {
                w.write_all(&[1])?;
                write_result(w, form, |w, pdf| write_bytes(w, pdf))?;
            }
        }
    }
    w.write_all(&done.evict_micros.to_le_bytes())?;
    for micros in done.compile_micros {
        w.write_all(&micros.to_le_bytes())?;
    }
    Ok(())
}

fn read_result<R: Read, T>(
    r: &mut R,
    value: impl FnOnce(&mut R) -> io::Result<T>,
) -> io::Result<Result<T, String>> {
    Ok(match read_tag(r)? {
        0 => Ok(value(r)?),
        _ => Err(read_string(r)?),
    })
}

fn read_done(r: &mut impl Read) -> io::Result<Done> {
    let packet = read_result(r, |r| {
        let pdf = read_bytes(r)?;
        let count = read_u64(r)?;
        let warnings = (0..count.min(1 << 16))
            .map(|_| read_bytes(r).map(|b| String::from_utf8_lossy(&b).into_owned()))
            .collect::<io::Result<_>>()?;
        Ok((pdf, warnings))
    })?;
    let mut form = || -> io::Result<Option<Result<Vec<u8>, String>>> {
        Ok(match read_tag(r)? {
            0 => None,
            _ => Some(read_result(r, read_bytes)?),
        })
    };
    let letter = form()?;
    let authorization = form()?;
    let evict_micros = read_u64(r)?;
    let compile_micros = [read_u64(r)?, read_u64(r)?, read_u64(r)?];
    Ok(Done {
        packet,
        letter,
        authorization,
        evict_micros,
        compile_micros,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_keeps_the_memory_it_frees_unless_the_user_said_otherwise() {
        let pool = Pool {
            exe: PathBuf::from("appealpack"),
            templates: None,
            fingerprint: blake3::hash(b""),
            budget: Budget {
                time: Duration::from_secs(1),
                memory_mib: 64,
            },
            idle: Mutex::new(Vec::new()),
        };
        let command = pool.command();
        let set = command
            .get_envs()
            .find(|(name, _)| *name == PURGE_DELAY)
            .and_then(|(_, value)| value);
        match std::env::var_os(PURGE_DELAY) {
            None => assert_eq!(set, Some(std::ffi::OsStr::new("-1"))),
            // The user's value reaches the worker by inheritance, unchanged.
            Some(_) => assert_eq!(set, None),
        }
    }

    #[test]
    fn jobs_and_answers_survive_the_pipe() {
        let enclosure = Enclosure {
            title: "t".into(),
            kind: FileKind::Image,
            role: Role::Letter,
            path: format!("{LETTER_PREFIX}jpg"),
            pages: 1,
            file: PathBuf::new(),
            bytes: Arc::new(b"%PDF-1.7".to_vec()),
            hash: String::new(),
            loaded: true,
        };
        let job = Job {
            data: b"{}",
            enclosures: &[enclosure],
            case_id: "KET-1",
            date: Date::parse("2026-01-02").unwrap(),
            for_signature: true,
            for_authorization: false,
        };
        let mut wire = Vec::new();
        write_job(&mut wire, &job).unwrap();
        let read = read_job(&mut wire.as_slice()).unwrap().unwrap();
        assert_eq!(read.data, b"{}");
        assert_eq!(read.case_id, "KET-1");
        assert!(read.for_signature && !read.for_authorization);
        assert_eq!(read.enclosures[0].kind, FileKind::Image);
        assert_eq!(read.enclosures[0].role, Role::Letter);
        assert_eq!(*read.enclosures[0].bytes, b"%PDF-1.7");
        assert!(read_job(&mut [].as_slice()).unwrap().is_none());

        let done = Done {
            packet: Ok((b"pdf".to_vec(), vec!["w".into()])),
            letter: Some(Err("failed".into())),
            authorization: Some(Ok(b"form".to_vec())),
            evict_micros: 7,
            compile_micros: [11, 12, 13],
        };
        let mut wire = Vec::new();
        write_done(&mut wire, &done).unwrap();
        let read = read_done(&mut wire.as_slice()).unwrap();
        assert_eq!(read.packet, Ok((b"pdf".to_vec(), vec!["w".to_owned()])));
        assert_eq!(read.letter, Some(Err("failed".to_owned())));
        assert_eq!(read.authorization, Some(Ok(b"form".to_vec())));
        assert_eq!(read.evict_micros, 7);
        assert_eq!(read.compile_micros, [11, 12, 13]);
    }
}
