//! The case file: one patient's appeal, loaded strictly from YAML.
//!
//! `types.rs` holds the file as loaded, `choices.rs` the values its choice fields allow and
//! their words, `values.rs` the readers of values serde cannot check by type, `counting.rs`
//! what the facts count as (adequate trials, the phase), `id.rs` the case id, and
//! `loading.rs` reading and parsing the file with every problem in its place. Every item is
//! re-exported here, so the rest of the crate names it `model::case::Item`.

mod choices;
mod counting;
mod id;
mod loading;
mod types;
mod values;

pub use choices::*;
pub(crate) use id::*;
pub use loading::*;
pub use types::*;
pub(crate) use values::is_initials;

#[cfg(test)]
mod tests;
