//! The advocacy organisation that prepares and sends the packets (`appealpack.yaml`).

use std::path::Path;
use std::sync::LazyLock;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// The largest file read; a real one is a few KiB.
const MAX_BYTES: u64 = 1 << 20;

/// The organisation file `appealpack init` writes, whose values are examples to replace.
const INIT_EXAMPLE: &str = include_str!("../cmd/init/appealpack.yaml");

/// The file name of the organisation config at the project root.
pub(crate) const FILE_NAME: &str = "appealpack.yaml";

/// The organisation that sends the packets, as printed on cover sheets and letters.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// The organisation's name.
    pub name: String,
    /// Postal address; line breaks are kept.
    pub address: String,
    /// Phone number.
    pub phone: String,
    /// Fax number, printed on the cover sheet and letterhead.
    #[serde(default)]
    pub fax: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// The person who signs the letters.
    pub signatory: String,
    /// The signatory's role, e.g. "Patient advocate".
    #[serde(default)]
    pub signatory_title: Option<String>,
    /// Shows patient names, for internal use, in index.html, summary.md and the calendars
    /// of every build (as `--show-names` does); never in JSON, CSV or JUnit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub show_names: bool,
}

impl Organisation {
    /// Parses the organisation from YAML text, refusing unknown keys and blank required fields.
    pub fn parse(text: &str) -> Result<Organisation> {
        let organisation: Organisation = serde_yaml::from_str(text)?;
        let required = [
            ("name", &organisation.name),
            ("address", &organisation.address),
            ("phone", &organisation.phone),
            ("signatory", &organisation.signatory),
        ];
        if let Some((field, _)) = required.iter().find(|(_, value)| value.trim().is_empty()) {
            anyhow::bail!("{field} is blank");
        }
        Ok(organisation)
    }

    /// Returns the fields that still hold the example values `appealpack init` wrote, in
    /// file order: a packet must not go out on the example letterhead.
    pub(crate) fn placeholders(&self) -> Vec<&'static str> {
        // Parsed once per run: the checklist asks for every case.
        static EXAMPLE: LazyLock<Option<Organisation>> =
            LazyLock::new(|| Organisation::parse(INIT_EXAMPLE).ok());
        let Some(example) = EXAMPLE.as_ref() else {
            return Vec::new();
        };
        let same = |a: &str, b: &str| a.trim() == b.trim();
        let same_optional = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => same(a, b),
            _ => false,
        };
        [
            ("name", same(&self.name, &example.name)),
            ("address", same(&self.address, &example.address)),
            ("phone", same(&self.phone, &example.phone)),
            ("fax", same_optional(&self.fax, &example.fax)),
            ("email", same_optional(&self.email, &example.email)),
            ("signatory", same(&self.signatory, &example.signatory)),
        ]
        .into_iter()
        .filter_map(|(field, same)| same.then_some(field))
        .collect()
    }

    /// Reads and parses an organisation file.
    pub fn from_file(path: &Path) -> Result<Organisation> {
        if !path.exists() {
            anyhow::bail!(
                "there is no organisation file {}: run `appealpack init` to start a case \
                 repository here, or pass --config FILE",
                path.display()
            );
        }
        let text = crate::fsutil::read_text(path, MAX_BYTES, "the organisation file")?;
        Organisation::parse(&text)
            .with_context(|| format!("invalid organisation file {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "name: Example Advocates\naddress: |\n  1 Main St\n  Springfield\n\
                          phone: 555-0100\nsignatory: Sam Lee\n";

    #[test]
    fn parses_the_required_fields() {
        let org = Organisation::parse(SAMPLE).unwrap();
        assert_eq!(org.name, "Example Advocates");
        assert_eq!(org.address, "1 Main St\nSpringfield\n");
        assert_eq!(org.email, None);
    }

    #[test]
    fn refuses_unknown_keys_and_blank_fields() {
        let error = Organisation::parse(&format!("{SAMPLE}telex: 1\n")).unwrap_err();
        assert!(
            error.to_string().contains("unknown field `telex`"),
            "{error}"
        );
        assert!(!Organisation::parse(SAMPLE).unwrap().show_names);
        assert!(
            Organisation::parse(&format!("{SAMPLE}show_names: true\n"))
                .unwrap()
                .show_names
        );
        let with_fax = Organisation::parse(&format!("{SAMPLE}fax: (555) 010-0101\n")).unwrap();
        assert_eq!(with_fax.fax.as_deref(), Some("(555) 010-0101"));
        let error = Organisation::parse(&SAMPLE.replace("Sam Lee", "''")).unwrap_err();
        assert_eq!(error.to_string(), "signatory is blank");
        assert!(Organisation::parse("name: X\n").is_err());
    }

    #[test]
    fn the_example_values_init_writes_are_placeholders() {
        let example = Organisation::parse(INIT_EXAMPLE).unwrap();
        assert_eq!(
            example.placeholders(),
            ["name", "address", "phone", "fax", "email", "signatory"]
        );
        let own = Organisation::parse(SAMPLE).unwrap();
        assert!(own.placeholders().is_empty());
        let half = Organisation {
            name: "Riverbend Advocates".into(),
            ..example
        };
        assert!(!half.placeholders().contains(&"name"));
        assert!(half.placeholders().contains(&"signatory"));
    }

    #[test]
    fn the_bundled_file_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(FILE_NAME);
        Organisation::from_file(&path).unwrap();
    }

    #[test]
    fn file_errors_name_the_path() {
        let error = Organisation::from_file(Path::new("/nonexistent/appealpack.yaml")).unwrap_err();
        assert!(
            format!("{error:#}").contains("/nonexistent/appealpack.yaml"),
            "{error:#}"
        );
    }
}
