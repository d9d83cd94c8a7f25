//! appealpack: checks ketamine-therapy insurance appeal cases and renders appeal packets.
//!
//! The modules follow the pipeline, and each imports only those listed before it
//! (ARCHITECTURE.md draws the map): the data model, finding and loading case files,
//! reading attachments, the checklist, outcomes, packet data, rendering, the build cache,
//! the reports, the intake spreadsheet, and the commands on top.

pub mod model;

pub mod law;

pub(crate) mod fsutil;
pub mod isolate;
pub(crate) mod progress;
pub(crate) mod shard;

pub mod load;

pub(crate) mod attachments;

pub mod checklist;

pub mod outcome;

pub mod packet;

pub mod render;

pub(crate) mod cache;

pub(crate) mod output;

pub mod report;

pub(crate) mod intake;

pub mod cli;
pub mod cmd;

/// The appealpack version, recorded in every summary.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
