//! The build cache: what each packet was made from, so unchanged cases are skipped, and
//! the verdict on each enclosed file, so unchanged files are not decoded again.
//!
//! Each packet is keyed by a hash of everything that shapes it: the appealpack version,
//! the templates as the renderer serves them, the packet data (the case as checked, with
//! its findings, deadline and the organisation's letterhead) and the hash of every
//! enclosed file's bytes. A file's size and modification time only say when its bytes
//! must be hashed again: a kept packet, or an enclosed file, whose size and time are those
//! recorded is taken as recorded; any other is read and compared by its hash, so a git
//! checkout that resets times costs a re-hash, never a wrong packet.

use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::attachments::Enclosure;
use crate::attachments::verdicts::{Known, Stamp};

/// The manifest's file name inside the output folder.
pub(crate) const FILE_NAME: &str = ".appealpack-manifest.json";

/// The largest manifest read: about 200 bytes a packet, so room for 250,000 packets.
const MAX_BYTES: u64 = 64 << 20;

/// One packet appealpack wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    /// The case id.
    pub id: String,
    /// The hash of everything the packet was made from.
    pub key: String,
    /// The packet's path, relative to the output folder.
    pub packet: String,
    /// The packet's size in bytes.
    pub size: u64,
    /// The BLAKE3 hash of the packet's bytes.
    pub hash: String,
    /// The packet's modification time when it was written, in nanoseconds since 1970.
    #[serde(default)]
    pub modified: u64,
}

/// The versions of the crates that render a packet (typst, its PDF export, the embedded
/// fonts), read from Cargo.lock when this appealpack was built (`build.rs`).
pub(crate) const RENDERER: &str = env!("APPEALPACK_RENDERER");

/// Returns what this appealpack is, as far as a packet's bytes or a file's verdict can
/// tell: its version and the versions of the crates that render and judge.
pub(crate) fn build_identity() -> String {
    format!("appealpack {}; {RENDERER}", crate::VERSION)
}

/// The packets of the last build in an output folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Manifest {
    /// The appealpack version that wrote it.
    pub appealpack: String,
    /// The build identity ([`build_identity`]) that wrote it; its file verdicts are
    /// reused only by the same.
    #[serde(default)]
    pub build: String,
    /// The packets, sorted by case id.
    pub packets: Vec<Entry>,
    /// The files the build enclosed, with their verdicts, sorted by path hash.
    #[serde(default)]
    pub files: Vec<Known>,
}

impl Manifest {
    /// Parses a manifest, refusing one written by another appealpack version.
    pub(crate) fn parse(text: &str) -> Result<Manifest, String> {
        let manifest: Manifest =
            serde_json::from_str(text).map_err(|e| format!("not an appealpack manifest ({e})"))?;
        if manifest.appealpack != crate::VERSION {
            return Err(format!(
                "written by appealpack {}, this is {}",
                manifest.appealpack,
                crate::VERSION
            ));
        }
        Ok(manifest)
    }

    /// Reads the manifest of an output folder: empty if there is none, an error message if
    /// it is corrupt or foreign (the caller reports it and rebuilds everything).
    pub(crate) fn load(output: &Path) -> Result<Manifest, String> {
        use crate::fsutil::{ReadError, read_own};
        let path = output.join(FILE_NAME);
        match read_own(&path, MAX_BYTES) {
            Ok(bytes) => String::from_utf8(bytes)
                .map_err(|_| "not UTF-8 text".to_owned())
                .and_then(|text| Manifest::parse(&text))
                .map_err(|e| format!("{}: {e}", path.display())),
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(Manifest::default())
            }
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Looks up the entry of a case id.
    pub(crate) fn get(&self, id: &str) -> Option<&Entry> {
        self.packets
            .binary_search_by(|e| e.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.packets[i])
    }

    /// Returns a manifest of the given entries, sorted by case id, and files.
    pub(crate) fn new(mut packets: Vec<Entry>, files: Vec<Known>) -> Manifest {
        packets.sort_by(|a, b| a.id.cmp(&b.id));
        Manifest {
            appealpack: crate::VERSION.to_string(),
            build: build_identity(),
            packets,
            files,
        }
    }

    /// Serialises the manifest as JSON.
    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("manifest serialises")
    }
}

impl Entry {
    /// Returns whether the packet on disk is still the one this entry recorded: a regular
    /// file (a link, FIFO or device in its place is never opened) of its size and time as
    /// written, or else of its size and hash.
    pub(crate) fn is_intact(&self, output: &Path) -> bool {
        let path = output.join(&self.packet);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            return false;
        };
        let stamp = Stamp::of(&meta);
        if meta.is_file() && stamp.size == self.size && stamp.modified == self.modified {
            return true;
        }
        crate::fsutil::read_own(&path, self.size).is_ok_and(|bytes| {
            bytes.len() as u64 == self.size && blake3::hash(&bytes).to_hex().as_str() == self.hash
        })
    }
}

/// Hashes what every packet depends on besides its own data: the build identity (the
/// appealpack version and its renderer's) and the renderer's fingerprint of the templates
/// and fonts it serves ([`crate::render::Renderer::fingerprint`]).
pub(crate) fn inputs_fingerprint(templates: blake3::Hash) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(build_identity().as_bytes());
    hasher.update(&[0]);
    hasher.update(templates.as_bytes());
    hasher.finalize()
}

/// Returns the key of one packet: the inputs' fingerprint, its data as JSON and the hash of
/// every file it encloses (the JSON names each file's place and pages).
pub(crate) fn packet_key(
    inputs: blake3::Hash,
    data: &impl serde::Serialize,
    enclosures: &[Enclosure],
) -> String {
    // The JSON is hashed as it is written, never held whole: a rebuild that keeps the
    // packet needs only its hash, and in a profile of no-op rebuilds most of the cost of
    // building each case's JSON buffer was the kernel handing out fresh pages for it. A
    // packet that is rendered serialises its data once more, a fraction of a millisecond.
    let mut json = blake3::Hasher::new();
    let mut writer = std::io::BufWriter::with_capacity(16 * 1024, &mut json);
    serde_json::to_writer(&mut writer, data).expect("packet data serialises to JSON");
    writer.flush().expect("hashing cannot fail");
    drop(writer);
    let mut hasher = blake3::Hasher::new();
    hasher.update(inputs.as_bytes());
    hasher.update(json.finalize().as_bytes());
    for enclosure in enclosures {
        hasher.update(&[0]);
        hasher.update(enclosure.hash.as_bytes());
    }
    hasher.finalize().to_hex().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_identity_names_the_renderer() {
        let identity = build_identity();
        assert!(identity.contains(crate::VERSION), "{identity}");
        assert!(identity.contains("typst 0."), "{identity}");
        assert!(identity.contains("typst-pdf 0."), "{identity}");
        // The embedded fonts are named by their crate's checksum, not hashed at each start.
        assert!(identity.contains("typst-assets 0."), "{identity}");
        assert!(identity.contains("(checksum "), "{identity}");
    }

    #[test]
    fn corrupt_and_foreign_manifests_are_refused() {
        assert!(
            Manifest::parse("{")
                .unwrap_err()
                .starts_with("not an appealpack manifest")
        );
        let foreign = r#"{"appealpack": "0.0.0-other", "packets": []}"#;
        assert!(
            Manifest::parse(foreign)
                .unwrap_err()
                .contains("0.0.0-other")
        );
        let ours = Manifest::new(vec![], vec![]);
        assert_eq!(Manifest::parse(&ours.to_json()).unwrap(), ours);
    }

    #[test]
    fn entries_are_found_by_id_and_checked_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("B")).unwrap();
        std::fs::write(dir.path().join("B/packet.pdf"), b"pdf bytes").unwrap();
        let entry = |id: &str| Entry {
            id: id.into(),
            key: "k".into(),
            packet: format!("{id}/packet.pdf"),
            size: 9,
            hash: blake3::hash(b"pdf bytes").to_hex().to_string(),
            modified: 0,
        };
        let manifest = Manifest::new(vec![entry("C"), entry("B"), entry("A")], vec![]);
        assert_eq!(manifest.get("B").unwrap().id, "B");
        assert!(manifest.get("D").is_none());
        assert!(manifest.get("B").unwrap().is_intact(dir.path()));
        assert!(!manifest.get("A").unwrap().is_intact(dir.path()));
        std::fs::write(dir.path().join("B/packet.pdf"), b"pdf bytez").unwrap();
        assert!(!manifest.get("B").unwrap().is_intact(dir.path()));
    }

    #[test]
    fn a_packet_of_its_recorded_size_and_time_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("A")).unwrap();
        std::fs::write(dir.path().join("A/packet.pdf"), b"pdf bytes").unwrap();
        let meta = std::fs::metadata(dir.path().join("A/packet.pdf")).unwrap();
        let mut entry = Entry {
            id: "A".into(),
            key: "k".into(),
            packet: "A/packet.pdf".into(),
            size: 9,
            // Not the bytes' hash: only a read would notice.
            hash: blake3::hash(b"other").to_hex().to_string(),
            modified: Stamp::of(&meta).modified,
        };
        assert!(entry.is_intact(dir.path()), "trusted by size and time");
        entry.modified += 1;
        assert!(
            !entry.is_intact(dir.path()),
            "another time: read and hashed"
        );
        entry.hash = blake3::hash(b"pdf bytes").to_hex().to_string();
        assert!(entry.is_intact(dir.path()), "another time, the same bytes");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_a_packets_place_is_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("A")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(dir.path().join("A/packet.pdf"))
            .status()
            .unwrap();
        assert!(made.success());
        let entry = Entry {
            id: "A".into(),
            key: "k".into(),
            packet: "A/packet.pdf".into(),
            size: 0,
            hash: blake3::hash(b"").to_hex().to_string(),
            modified: 0,
        };
        // Opening the FIFO would block this test forever.
        assert!(!entry.is_intact(dir.path()));
    }
}
