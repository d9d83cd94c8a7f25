//! The verdicts of an earlier build on the files it read, so a rebuild decodes only what
//! changed.
//!
//! Judging a file (inflating a PDF's streams, letting hayro parse every object, decoding
//! an image in full) costs far more than rendering nothing: a no-op rebuild of real case
//! folders spent its time there. The verdict is a function of the file's bytes alone, so
//! it is recorded with the bytes' hash and reused for the same bytes. A file whose size
//! and modification time are those recorded is taken to hold the same bytes and is not
//! read at all; any other is read and hashed, and decoded only when its hash is new.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

/// What judging a file's bytes found: the facts a case's budget and packet need, or why
/// it cannot be enclosed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Verdict {
    /// The number of pages (1 for an image).
    pub pages: usize,
    /// The image pixels it decodes to.
    pub pixels: u64,
    /// The extension of its virtual path (`pdf`, `png`, `jpg`, `gif`).
    pub extension: String,
    /// Why it cannot be enclosed; none for a file that can.
    pub problem: Option<String>,
}

/// One file as an earlier build found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Known {
    /// The BLAKE3 hash of the file's path, never the path: a file's name may hold a
    /// patient's name, and the manifest may not.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time, in nanoseconds since 1970.
    pub modified: u64,
    /// The BLAKE3 hash of its bytes.
    pub hash: String,
    /// The verdict on those bytes.
    pub verdict: Verdict,
}

/// A file's size and modification time, the cheap test of whether it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub size: u64,
    pub modified: u64,
}

impl Stamp {
    /// Returns the stamp of a file's metadata.
    pub(crate) fn of(meta: &std::fs::Metadata) -> Stamp {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        Stamp {
            size: meta.len(),
            modified,
        }
    }
}

/// Returns the hash a file's path is recorded under.
pub(crate) fn path_key(path: &Path) -> String {
    blake3::hash(path.as_os_str().as_encoded_bytes())
        .to_hex()
        .to_string()
}

/// The verdicts of the last build, and those of this one as they are made.
#[derive(Debug, Default)]
pub(crate) struct Verdicts {
    by_path: HashMap<String, Known>,
    by_hash: HashMap<String, Verdict>,
    seen: Mutex<HashMap<String, Known>>,
    decoded: AtomicUsize,
}

impl Verdicts {
    /// Starts from the files an earlier build recorded.
    pub(crate) fn new(known: Vec<Known>) -> Verdicts {
        let by_hash = known
            .iter()
            .map(|k| (k.hash.clone(), k.verdict.clone()))
            .collect();
        let by_path = known.into_iter().map(|k| (k.path.clone(), k)).collect();
        Verdicts {
            by_path,
            by_hash,
            ..Verdicts::default()
        }
    }

    /// Returns what was recorded of a file whose size and time are unchanged.
    pub(crate) fn unchanged(&self, path: &str, stamp: Stamp) -> Option<&Known> {
        self.by_path
            .get(path)
            .filter(|k| k.size == stamp.size && k.modified == stamp.modified)
    }

    /// Returns the verdict recorded on bytes of this hash, in any file.
    pub(crate) fn of_content(&self, hash: &str) -> Option<&Verdict> {
        self.by_hash.get(hash)
    }

    /// Records a file as this build found it.
    pub(crate) fn record(&self, known: Known) {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(known.path.clone(), known);
    }

    /// Counts one file decoded in full.
    pub(crate) fn count_decoded(&self) {
        self.decoded.fetch_add(1, Ordering::Relaxed);
    }

    /// Returns how many files this build decoded in full.
    pub(crate) fn decoded(&self) -> usize {
        self.decoded.load(Ordering::Relaxed)
    }

    /// Returns the files this build read, and with `keep_others` the earlier build's
    /// other files too (a shard's build leaves the other shards' files recorded), sorted by
    /// path hash.
    pub(crate) fn into_known(self, keep_others: bool) -> Vec<Known> {
        let mut seen = self
            .seen
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        if keep_others {
            for (path, known) in self.by_path {
                seen.entry(path).or_insert(known);
            }
        }
        let mut known: Vec<Known> = seen.into_values().collect();
        known.sort_by(|a, b| a.path.cmp(&b.path));
        known
    }
}
