//! The evidence library: citation keys to verified references (`templates/evidence.yaml`).

use std::fmt;
use std::path::Path;

use anyhow::{Context, Result};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// The largest file read; a real one is a few KiB.
const MAX_BYTES: u64 = 1 << 20;

/// The file name of the evidence library inside the templates folder.
pub(crate) const FILE_NAME: &str = "evidence.yaml";

/// One verified reference.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The key cases cite it by.
    #[serde(skip_deserializing)]
    pub key: String,
    /// Authors, Vancouver style.
    pub authors: String,
    /// The article title.
    pub title: String,
    /// The journal's abbreviated name.
    pub journal: String,
    /// Year of publication.
    pub year: u16,
    /// Volume, left out where it could not be confirmed against the journal or PubMed.
    #[serde(default)]
    pub volume: Option<String>,
    /// Issue.
    #[serde(default)]
    pub issue: Option<String>,
    /// Page range, left out with the volume where it could not be confirmed.
    #[serde(default)]
    pub pages: Option<String>,
    /// DOI, without the `doi:` prefix.
    #[serde(default)]
    pub doi: Option<String>,
    /// PubMed identifier, which identifies a reference whose DOI could not be confirmed.
    #[serde(default)]
    pub pmid: Option<String>,
    /// The finding, in one line.
    pub finding: String,
    /// The kind of study, which ranks the references a reviewer sees first.
    #[serde(default)]
    pub design: Option<Design>,
    /// The conditions the reference studied, which bound what a letter may claim from it.
    #[serde(default)]
    pub conditions: Vec<Studied>,
    /// The population studied, in words ("adults with treatment-resistant major depression").
    #[serde(default)]
    pub population: Option<String>,
    /// The number of participants randomized, for a trial.
    #[serde(default)]
    pub n: Option<u32>,
}

/// A condition a reference studied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Studied {
    /// Major depression that has not responded to standard treatment.
    TreatmentResistantDepression,
    /// Major depression, treatment resistance not required.
    MajorDepression,
    /// Bipolar depression, here that has not responded to standard treatment.
    TreatmentResistantBipolarDepression,
    /// Chronic post-traumatic stress disorder.
    ChronicPtsd,
    /// Mood disorders in general, as a consensus statement covers them.
    MoodDisorders,
}

impl Studied {
    /// Returns the condition in words, as a letter claims it ("treatment-resistant major
    /// depression").
    pub fn words(self) -> &'static str {
        match self {
            Studied::TreatmentResistantDepression => "treatment-resistant major depression",
            Studied::MajorDepression => "major depression",
            Studied::TreatmentResistantBipolarDepression => {
                "treatment-resistant bipolar depression"
            }
            Studied::ChronicPtsd => "chronic post-traumatic stress disorder",
            Studied::MoodDisorders => "mood disorders",
        }
    }
}

/// The kind of study a reference reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Design {
    /// A randomized controlled trial.
    RandomizedTrial,
    /// A consensus statement or expert synthesis of the evidence.
    ExpertConsensus,
    /// A narrative review, e.g. of the mechanism of action; it supports a fact, not efficacy.
    Review,
}

/// The fewest participants that make a randomized trial rank with expert consensus rather
/// than below it: a reviewer weighs a trial of hundreds above a pilot of seven.
pub(crate) const LARGE_TRIAL: u32 = 50;

impl Reference {
    /// Formats the reference in Vancouver style.
    pub fn citation(&self) -> String {
        let issue = self
            .issue
            .as_deref()
            .map(|i| format!("({i})"))
            .unwrap_or_default();
        let doi = self
            .doi
            .as_deref()
            .map(|d| format!(" doi:{d}"))
            .unwrap_or_default();
        let pmid = self
            .pmid
            .as_deref()
            .map(|p| format!(" PMID:{p}"))
            .unwrap_or_default();
        // A volume or page range that could not be confirmed is left out rather than guessed.
        let place = match (&self.volume, &self.pages) {
            (Some(volume), Some(pages)) => format!(";{volume}{issue}:{pages}"),
            _ => String::new(),
        };
        format!(
            "{} {}. {}. {}{}.{}{}",
            self.authors, self.title, self.journal, self.year, place, doi, pmid
        )
    }

    /// Returns the reference's strength for ranking, strongest first: large randomized
    /// trials, then consensus statements, then smaller trials, then reviews; within a rank,
    /// the larger and then the newer first.
    pub(crate) fn strength(&self) -> (u8, std::cmp::Reverse<u32>, std::cmp::Reverse<u16>) {
        let n = self.n.unwrap_or(0);
        let rank = match self.design {
            Some(Design::RandomizedTrial) if n >= LARGE_TRIAL => 0,
            Some(Design::ExpertConsensus) => 1,
            Some(Design::RandomizedTrial) => 2,
            Some(Design::Review) => 4,
            None => 3,
        };
        (rank, std::cmp::Reverse(n), std::cmp::Reverse(self.year))
    }

    /// Formats the short author-year reference a letter's body cites, e.g. "Anand et al.,
    /// 2023", "Zanos and Gould, 2018" or "Berman, 2000"; the full reference is on the
    /// evidence page.
    pub fn short(&self) -> String {
        let authors = self.authors.trim().trim_end_matches('.');
        let (listed, et_al) = match authors.strip_suffix("et al") {
            Some(rest) => (rest, true),
            None => (authors, false),
        };
        let surnames: Vec<String> = listed
            .split(',')
            .map(surname)
            .filter(|s| !s.is_empty())
            .collect();
        let who = match (surnames.as_slice(), et_al) {
            ([], _) => authors.to_owned(),
            ([one], false) => one.clone(),
            ([one, two], false) => format!("{one} and {two}"),
            ([first, ..], _) => format!("{first} et al."),
        };
        format!("{who}, {}", self.year)
    }
}

/// Returns the surname of one Vancouver-style author ("Zarate CA Jr" gives "Zarate"):
/// the words before the initials.
fn surname(author: &str) -> String {
    let words: Vec<&str> = author.split_whitespace().collect();
    let initials = |w: &&&str| {
        w.trim_end_matches('.') == "Jr"
            || (w.len() <= 3 && w.chars().all(|c| c.is_ascii_uppercase()))
    };
    let kept = words.len() - words.iter().rev().take_while(initials).count();
    // A name of initials only is kept whole rather than dropped.
    let kept = if kept == 0 { words.len() } else { kept };
    words[..kept].join(" ")
}

/// The evidence library, in file order, with unique keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceLibrary {
    references: Vec<Reference>,
}

impl EvidenceLibrary {
    /// Parses the library from YAML text; duplicate keys are errors.
    pub fn parse(text: &str) -> Result<EvidenceLibrary, serde_yaml::Error> {
        serde_yaml::from_str(text)
    }

    /// Reads and parses the library file.
    pub fn from_file(path: &Path) -> Result<EvidenceLibrary> {
        let text = crate::fsutil::read_text(path, MAX_BYTES, "the evidence library")?;
        EvidenceLibrary::parse(&text)
            .with_context(|| format!("invalid evidence library {}", path.display()))
    }

    /// Looks up a reference by key.
    pub fn get(&self, key: &str) -> Option<&Reference> {
        self.references.iter().find(|r| r.key == key)
    }

    /// Returns every reference in file order.
    pub fn references(&self) -> &[Reference] {
        &self.references
    }
}

impl<'de> Deserialize<'de> for EvidenceLibrary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LibraryVisitor;
        impl<'de> Visitor<'de> for LibraryVisitor {
            type Value = EvidenceLibrary;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of citation keys to references")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut references: Vec<Reference> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let mut reference: Reference = map.next_value()?;
                    if references.iter().any(|r| r.key == key) {
                        return Err(de::Error::custom(format!("duplicate citation key {key:?}")));
                    }
                    reference.key = key;
                    references.push(reference);
                }
                Ok(EvidenceLibrary { references })
            }
        }
        deserializer.deserialize_map(LibraryVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> EvidenceLibrary {
        EvidenceLibrary::from_file(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/evidence.yaml"),
        )
        .unwrap()
    }

    #[test]
    fn bundled_library_has_the_verified_references() {
        let library = bundled();
        for key in [
            "berman-2000",
            "zarate-2006",
            "murrough-2013",
            "feder-2014",
            "sanacora-2017",
            "feder-2021",
            "mcintyre-2021",
            "anand-2023",
            "diazgranados-2010",
            "zarate-2012",
            "zanos-2018",
        ] {
            assert!(library.get(key).is_some(), "{key} missing");
        }
        // Every trial and consensus says what it studied; trials say how many.
        for r in library.references() {
            match r.design {
                Some(Design::RandomizedTrial) => {
                    assert!(!r.conditions.is_empty() && r.n.is_some(), "{}", r.key)
                }
                Some(Design::ExpertConsensus) => assert!(!r.conditions.is_empty(), "{}", r.key),
                _ => {}
            }
        }
        assert_eq!(
            library.get("diazgranados-2010").unwrap().conditions,
            [Studied::TreatmentResistantBipolarDepression]
        );
        assert_eq!(
            library.get("anand-2023").unwrap().citation(),
            "Anand A, Mathew SJ, Sanacora G, et al. Ketamine versus ECT for nonpsychotic \
             treatment-resistant major depression. N Engl J Med. 2023;388(25):2315-2325. \
             doi:10.1056/NEJMoa2302399"
        );
        assert_eq!(
            library.get("anand-2023").unwrap().short(),
            "Anand et al., 2023"
        );
        assert_eq!(
            library.get("zarate-2006").unwrap().short(),
            "Zarate et al., 2006"
        );
        let murrough = library.get("murrough-2013").unwrap().citation();
        assert!(
            murrough.contains("Am J Psychiatry. 2013;170(10):1134-1142."),
            "{murrough}"
        );
        // A reference stays only with an identifier a reviewer can look up.
        for r in library.references() {
            assert!(
                r.doi.is_some() || r.pmid.is_some(),
                "{} has no DOI or PMID",
                r.key
            );
        }
        // A volume and pages that could not be confirmed are left out, not guessed.
        assert_eq!(
            library.get("zarate-2012").unwrap().citation(),
            "Zarate CA Jr, Brutsche NE, Ibrahim L, et al. Replication of ketamine's \
             antidepressant efficacy in bipolar depression: a randomized controlled add-on \
             trial. Biol Psychiatry. 2012. PMID:22297150"
        );
    }

    #[test]
    fn short_references_name_the_first_author_and_year() {
        let reference = |authors: &str| {
            let yaml = format!(
                "k-1: {{authors: '{authors}', title: T, journal: J, year: 2018, volume: '1', pages: 1-2, finding: F}}"
            );
            EvidenceLibrary::parse(&yaml).unwrap().references()[0].short()
        };
        assert_eq!(reference("Zanos P, Gould TD."), "Zanos and Gould, 2018");
        assert_eq!(reference("Berman RM."), "Berman, 2018");
        assert_eq!(
            reference("Feder A, Parides MK, Murrough JW"),
            "Feder et al., 2018"
        );
        assert_eq!(
            reference("Zarate CA Jr, Singh JB, et al."),
            "Zarate et al., 2018"
        );
        assert_eq!(
            reference("van der Berg J, et al."),
            "van der Berg et al., 2018"
        );
    }

    #[test]
    fn duplicate_keys_and_unknown_fields_are_errors() {
        let one = "a-1: {authors: A, title: T, journal: J, year: 2000, volume: '1', pages: 1-2, finding: F}\n";
        assert!(EvidenceLibrary::parse(one).is_ok());
        let error = EvidenceLibrary::parse(&format!("{one}{one}")).unwrap_err();
        assert!(error.to_string().contains("duplicate"), "{error}");
        let error = EvidenceLibrary::parse(&one.replace("F}", "F, url: x}")).unwrap_err();
        assert!(error.to_string().contains("unknown field `url`"), "{error}");
    }
}
