//! The case file's fields that commands read and write by path (`new --next`, `sent`,
//! `decided`, `log`), in one place and grouped by purpose: a field renamed in
//! [`super::case`] is renamed here, and a test checks every path against the case schema,
//! so no command edits a field that no longer exists.

use serde_yaml::{Mapping, Value};

/// A field of the case file: its keys from the top of the document down.
pub(crate) type FieldPath = &'static [&'static str];

/// The case's id.
pub(crate) const ID: FieldPath = &["id"];
/// The level being filed.
pub(crate) const STAGE: FieldPath = &["stage"];
/// The packet's date.
pub(crate) const PREPARED_ON: FieldPath = &["prepared_on"];
/// The levels filed before, oldest first.
pub(crate) const HISTORY: FieldPath = &["history"];
/// The contact log.
pub(crate) const CONTACTS: FieldPath = &["contacts"];
/// How and when the packet was sent.
pub(crate) const SUBMISSION: FieldPath = &["submission"];
/// The decision on the level that was sent.
pub(crate) const DECISION: FieldPath = &["decision"];
/// The denial being appealed.
pub(crate) const DENIAL: FieldPath = &["denial"];

/// The fields `sent` records: the day, the way, the day it arrived, the confirmation.
pub(crate) mod sent {
    use super::FieldPath;
    /// The day the packet was sent.
    pub(crate) const ON: FieldPath = &["submission", "sent_on"];
    /// How it was sent.
    pub(crate) const METHOD: FieldPath = &["submission", "method"];
    /// The day the plan received it.
    pub(crate) const RECEIVED: FieldPath = &["submission", "received"];
    /// The fax or mail confirmation.
    pub(crate) const CONFIRMATION: FieldPath = &["submission", "confirmation"];
}

/// The fields `decided` records, which `new --next` reads back.
pub(crate) mod decided {
    use super::FieldPath;
    /// The date of the decision.
    pub(crate) const DATE: FieldPath = &["decision", "date"];
    /// What was decided.
    pub(crate) const OUTCOME: FieldPath = &["decision", "outcome"];
    /// The day the decision notice arrived.
    pub(crate) const RECEIVED: FieldPath = &["decision", "received"];
    /// The plan's reference on the decision.
    pub(crate) const REFERENCE: FieldPath = &["decision", "reference"];
}

/// The fields of one contact-log entry that `log` appends, by key within the entry.
pub(crate) mod contact {
    /// The day of the contact.
    pub(crate) const DATE: &str = "date";
    /// Who it was with.
    pub(crate) const WITH: &str = "with";
    /// How it was made.
    pub(crate) const HOW: &str = "how";
    /// What it was about.
    pub(crate) const KIND: &str = "kind";
    /// The reference given.
    pub(crate) const REFERENCE: &str = "reference";
    /// A note on it.
    pub(crate) const NOTE: &str = "note";
    /// The day to follow up.
    pub(crate) const FOLLOW_UP: &str = "follow_up";
}

/// Where `new --next` takes the next level's denial from: each denial field beside the
/// decision field that gives it.
pub(crate) const DENIAL_FROM_DECISION: &[(FieldPath, FieldPath)] = &[
    (&["denial", "date"], decided::DATE),
    (&["denial", "received"], decided::RECEIVED),
    (&["denial", "reference"], decided::REFERENCE),
];

/// The denial's fields that belong to the decided level, which `new --next` empties.
pub(crate) const DENIAL_OF_THE_OLD_LEVEL: &[FieldPath] = &[
    &["denial", "reason_text"],
    &["denial", "deadline"],
    &["denial", "notice"],
];

/// The decided level's entry that `new --next` appends to `history`: each key of the
/// entry beside the field of the decided level that gives it, in the entry's order.
pub(crate) const HISTORY_ENTRY: &[(&str, FieldPath)] = &[
    ("stage", STAGE),
    ("case", ID),
    ("filed_on", sent::ON),
    ("decided_on", decided::DATE),
    ("outcome", decided::OUTCOME),
    ("reference", decided::REFERENCE),
];

/// Returns the value at a path of a YAML document, or null where any key on the way is
/// missing or not a mapping.
pub(crate) fn get(document: &Mapping, path: FieldPath) -> Value {
    let mut map = document;
    for (i, key) in path.iter().enumerate() {
        match map.get(*key) {
            Some(value) if i + 1 == path.len() => return value.clone(),
            Some(Value::Mapping(inner)) => map = inner,
            _ => return Value::Null,
        }
    }
    Value::Null
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value as Json;

    /// Returns the schema of the field at `path` (`[]` stepping into a list's items).
    fn field<'a>(root: &'a Json, path: &[&str]) -> Option<&'a Json> {
        let mut at = root;
        for key in path {
            at = resolve(at, root)?;
            at = if *key == "[]" {
                at.get("items")?
            } else {
                at.get("properties")?.get(*key)?
            };
        }
        Some(at)
    }

    /// Follows a schema's `$ref`s and the one non-null branch of an optional field.
    fn resolve<'a>(mut at: &'a Json, root: &'a Json) -> Option<&'a Json> {
        loop {
            if let Some(reference) = at.get("$ref").and_then(Json::as_str) {
                let name = reference.rsplit('/').next()?;
                at = root
                    .get("definitions")
                    .or_else(|| root.get("$defs"))?
                    .get(name)?;
            } else if let Some(branch) = ["anyOf", "oneOf", "allOf"].iter().find_map(|k| {
                at.get(*k)?
                    .as_array()?
                    .iter()
                    .find(|b| b.get("type") != Some(&Json::from("null")))
            }) {
                at = branch;
            } else {
                return Some(at);
            }
        }
    }

    #[test]
    fn every_path_a_command_edits_is_a_field_of_the_case_file() {
        let schema: Json = serde_json::from_str(&super::super::case::schema_json()).unwrap();
        let mut paths: Vec<Vec<&str>> = [
            ID,
            STAGE,
            PREPARED_ON,
            HISTORY,
            CONTACTS,
            SUBMISSION,
            DECISION,
            DENIAL,
            sent::ON,
            sent::METHOD,
            sent::RECEIVED,
            sent::CONFIRMATION,
            decided::DATE,
            decided::OUTCOME,
            decided::RECEIVED,
            decided::REFERENCE,
        ]
        .iter()
        .map(|p| p.to_vec())
        .collect();
        paths.extend(
            DENIAL_FROM_DECISION
                .iter()
                .flat_map(|(a, b)| [a.to_vec(), b.to_vec()]),
        );
        paths.extend(DENIAL_OF_THE_OLD_LEVEL.iter().map(|p| p.to_vec()));
        for (key, from) in HISTORY_ENTRY {
            paths.push(vec!["history", "[]", *key]);
            paths.push(from.to_vec());
        }
        for key in [
            contact::DATE,
            contact::WITH,
            contact::HOW,
            contact::KIND,
            contact::REFERENCE,
            contact::NOTE,
            contact::FOLLOW_UP,
        ] {
            paths.push(vec!["contacts", "[]", key]);
        }
        for path in paths {
            assert!(
                field(&schema, &path).is_some(),
                "{} is not a field of the case file",
                path.join(".")
            );
        }
        assert!(field(&schema, &["denial", "no_such_field"]).is_none());
    }

    #[test]
    fn get_walks_a_path_and_gives_null_where_it_breaks() {
        let doc: Mapping =
            serde_yaml::from_str("decision: { date: 2026-11-01 }\nsubmission: sent\n").unwrap();
        assert_eq!(get(&doc, decided::DATE), Value::from("2026-11-01"));
        assert_eq!(get(&doc, decided::OUTCOME), Value::Null);
        assert_eq!(get(&doc, sent::ON), Value::Null);
        assert_eq!(get(&doc, SUBMISSION), Value::from("sent"));
    }
}
