//! The `schema` command: the JSON Schema of the case file, for editors.

use crate::model::case::Case;

/// Returns the JSON Schema (draft-07) of the case file, pretty-printed with a final newline.
pub(crate) fn schema_json() -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<Case>();
    let mut json = serde_json::to_string_pretty(&schema).expect("schema serializes");
    json.push('\n');
    json
}
