//! Progress of a long run on stderr: a bar on a terminal, a few plain lines in CI logs.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How progress is shown.
enum Display {
    /// Nothing (`--quiet`).
    Quiet,
    /// A line at every tenth of the work, for logs; runs under [`PLAIN_MIN`] cases print none.
    Plain(Instant),
    /// An indicatif bar, for terminals.
    Bar(ProgressBar),
}

/// The smallest run that prints progress lines in logs; smaller ones print only their end.
const PLAIN_MIN: usize = 100;

/// Counts finished cases and shows it; cheap to call from every worker.
pub(crate) struct Progress {
    display: Display,
    total: usize,
    done: AtomicUsize,
}

impl Progress {
    /// Starts showing progress over `total` cases.
    pub(crate) fn new(total: usize, quiet: bool) -> Progress {
        let display = if quiet || total == 0 {
            Display::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:32.cyan/blue} {pos}/{len} cases  {per_sec}  elapsed {elapsed}  ETA {eta}",
                )
                .expect("valid template")
                .progress_chars("##-"),
            );
            Display::Bar(bar)
        } else if total >= PLAIN_MIN {
            Display::Plain(Instant::now())
        } else {
            Display::Quiet
        };
        Progress {
            display,
            total,
            done: AtomicUsize::new(0),
        }
    }

    /// Records one finished case.
    pub(crate) fn inc(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        match &self.display {
            Display::Quiet => {}
            Display::Bar(bar) => bar.inc(1),
            Display::Plain(start) => {
                let step = self.total.div_ceil(10).max(1);
                if done.is_multiple_of(step) || done == self.total {
                    let seconds = start.elapsed().as_secs_f64();
                    eprintln!(
                        "{done}/{} cases done in {seconds:.1} s ({:.0} cases/s)",
                        self.total,
                        done as f64 / seconds.max(1e-3)
                    );
                }
            }
        }
    }

    /// Clears the bar, if there is one.
    pub(crate) fn finish(&self) {
        if let Display::Bar(bar) = &self.display {
            bar.finish_and_clear();
        }
    }
}
