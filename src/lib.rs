//! appealpack: checks ketamine-therapy insurance appeal cases and renders appeal packets.

pub mod app;
pub mod batch;
pub mod build;
pub mod case;
pub mod checklist;
pub mod cli;
pub mod deadline;
pub mod discover;
pub mod evidence;
pub mod fields;
pub mod formats;
pub mod fsutil;
pub mod manifest;
pub mod markup;
pub mod merge;
pub mod organisation;
pub mod packet;
pub mod progress;
pub mod render;
pub mod report;
pub mod shard;

/// The appealpack version, recorded in every summary.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
