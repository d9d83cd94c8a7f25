//! Field types shared by the case file and the evidence library.

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Why a text is not a date; it never quotes the text, which may be a date of birth.
const NOT_A_DATE: &str = "not a valid date (YYYY-MM-DD, e.g. 2026-11-20)";

/// The earliest year a date may have: before it, a date is a typo.
const MIN_YEAR: i32 = 1900;
/// The latest year a date may have; deadlines computed from it stay readable everywhere.
const MAX_YEAR: i32 = 2100;

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    /// Parses a strict `YYYY-MM-DD` date, refusing other chrono-accepted forms.
    pub fn parse(text: &str) -> Result<Date, String> {
        let well_formed = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !well_formed {
            return Err(NOT_A_DATE.into());
        }
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| NOT_A_DATE)?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
            return Err(format!(
                "a date outside the years {MIN_YEAR} to {MAX_YEAR}; check the year"
            ));
        }
        Ok(Date(date))
    }

    /// Returns the system's local date.
    pub fn today() -> Date {
        Date(chrono::Local::now().date_naive())
    }

    /// Returns the number of days from `self` to `later` (negative if `later` is earlier).
    pub(crate) fn days_until(self, later: Date) -> i64 {
        (later.0 - self.0).num_days()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl Visitor<'_> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(DateVisitor)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar date written YYYY-MM-DD."
        })
    }
}

/// A code or identifier that YAML may give as a number (`npi: 1234567893`, `codes: [96365]`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Code(pub String);

impl Code {
    /// Returns the code as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CodeVisitor;
        impl Visitor<'_> for CodeVisitor {
            type Value = Code;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a code (text or a whole number)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Code, E> {
                Ok(Code(v.trim().to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Code, E> {
                Ok(Code(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Code, E> {
                Ok(Code(v.to_string()))
            }
        }
        deserializer.deserialize_any(CodeVisitor)
    }
}

impl JsonSchema for Code {
    fn schema_name() -> Cow<'static, str> {
        "Code".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["string", "integer"],
            "description": "A code or identifier; numbers are accepted unquoted."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_parse_accepts_iso_and_refuses_the_rest() {
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(Date::parse("1986-02-30").unwrap_err(), NOT_A_DATE);
        assert!(Date::parse("2023-02-29").is_err());
        assert!(
            Date::parse("9999-06-28")
                .unwrap_err()
                .contains("outside the years")
        );
        assert!(Date::parse("1899-12-31").is_err());
        assert!(Date::parse("2100-12-31").is_ok());
        assert!(Date::parse("2024-2-29").is_err());
        assert!(Date::parse("+2024-02-29").is_err());
        assert!(Date::parse("2024/02/29").is_err());
    }

    #[test]
    fn code_accepts_numbers_and_text() {
        let codes: Vec<Code> = serde_yaml::from_str("[96365, J3490, ' F33.2 ']").unwrap();
        assert_eq!(
            codes,
            vec![
                Code("96365".into()),
                Code("J3490".into()),
                Code("F33.2".into())
            ]
        );
        assert!(serde_yaml::from_str::<Code>("[1]").is_err());
    }
}
