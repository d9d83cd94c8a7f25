//! Splitting a run across machines: `--shard K/N` by a stable hash of each case id.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One of N shards (K is 1-based, like cargo-nextest's `--partition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    /// This shard, from 1 to `count`.
    pub index: u32,
    /// How many shards there are.
    pub count: u32,
}

impl Shard {
    /// Returns whether a case, by its id (or its file when it has none), is in this shard.
    ///
    /// The hash is BLAKE3 of the key, so a case stays on its shard when others are added.
    pub fn contains(self, key: &str) -> bool {
        shard_of(key, self.count) == self.index
    }
}

/// Returns the 1-based shard, of `count`, that a key belongs to.
pub(crate) fn shard_of(key: &str, count: u32) -> u32 {
    let hash = blake3::hash(key.as_bytes());
    let first = u64::from_le_bytes(hash.as_bytes()[..8].try_into().expect("8 bytes"));
    (first % u64::from(count)) as u32 + 1
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = || format!("invalid shard {text:?}: expected K/N with 1 <= K <= N, e.g. 2/4");
        let (k, n) = text.split_once('/').ok_or_else(usage)?;
        let index: u32 = k.trim().parse().map_err(|_| usage())?;
        let count: u32 = n.trim().parse().map_err(|_| usage())?;
        if count == 0 || index == 0 || index > count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Serialize for Shard {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Shard {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "x/2", "3", "1/2/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_case_lands_in_exactly_one_shard_and_shards_are_balanced() {
        let ids: Vec<String> = (0..10_000).map(|n| format!("KET-{n:05}")).collect();
        for count in [1, 2, 3, 7] {
            let mut sizes = vec![0usize; count as usize];
            for id in &ids {
                let owners: Vec<u32> = (1..=count)
                    .filter(|&k| Shard { index: k, count }.contains(id))
                    .collect();
                assert_eq!(owners.len(), 1, "{id} in {owners:?}");
                sizes[owners[0] as usize - 1] += 1;
            }
            let expected = ids.len() / count as usize;
            for size in sizes {
                assert!(
                    size.abs_diff(expected) < expected / 10,
                    "unbalanced: {size} vs {expected}"
                );
            }
        }
    }

    #[test]
    fn a_case_keeps_its_shard() {
        // Pinned values (BLAKE3 of the id, first 8 bytes little-endian, modulo N, plus 1),
        // computed independently: a release that moved cases between shards would fail here.
        let pinned = [
            ("KET-2026-0101", [1, 2, 3, 7]),
            ("KET-2026-0102", [1, 2, 1, 5]),
            ("KET-2026-0107", [1, 3, 1, 1]),
            ("GEN-000042", [1, 1, 1, 5]),
        ];
        for (id, shards) in pinned {
            let got: Vec<u32> = [2, 3, 4, 8].iter().map(|&n| shard_of(id, n)).collect();
            assert_eq!(got, shards, "{id}");
        }
    }
}
