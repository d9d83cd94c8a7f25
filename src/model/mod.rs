//! The data appealpack reads, loaded strictly: case files, their field types, the evidence
//! library and the organisation that sends the packets.

pub mod case;
pub(crate) mod edit;
pub mod evidence;
pub mod fields;
pub(crate) mod limits;
pub mod organisation;
pub(crate) mod paths;
pub(crate) mod validate;
pub(crate) mod yaml_error;
