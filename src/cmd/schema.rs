//! The `schema` command: the JSON Schema of the case file, for editors.

pub use crate::model::case::schema_json;
