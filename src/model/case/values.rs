//! The readers of single values that serde cannot check by type alone: staff initials,
//! amounts in dollars, and flags that hold unless the case says otherwise.

use std::fmt;

/// Returns whether text is staff initials: 1 to 8 letters, digits, dots and hyphens.
pub(crate) fn is_initials(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 8
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
}

/// Reads staff initials: up to 8 letters, digits, dots and hyphens, so that a name (a
/// patient's, by mistake) cannot reach the reports through it.
pub(super) fn initials<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    use serde::de::{Error, Unexpected, Visitor};

    // The check runs inside the YAML deserializer, so its error names the field and line.
    struct Initials;
    impl<'de> Visitor<'de> for Initials {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("staff initials: up to 8 letters, digits, dots and hyphens, e.g. JA")
        }
        fn visit_str<E: Error>(self, text: &str) -> Result<Option<String>, E> {
            if is_initials(text) {
                Ok(Some(text.to_owned()))
            } else {
                Err(E::invalid_value(Unexpected::Other("other text"), &self))
            }
        }
        fn visit_none<E: Error>(self) -> Result<Option<String>, E> {
            Ok(None)
        }
        fn visit_unit<E: Error>(self) -> Result<Option<String>, E> {
            Ok(None)
        }
        fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_str(self)
        }
    }
    deserializer.deserialize_option(Initials)
}

/// The largest cost per session appealpack prints; a real infusion costs hundreds.
pub(crate) const MAX_DOLLARS: f64 = 1_000_000.0;

/// Reads an amount in US dollars, refusing `.inf`, `.nan`, negative and absurd amounts.
pub(super) fn dollars<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<f64>, D::Error> {
    use serde::de::{Error, Unexpected, Visitor};

    // The check runs inside the YAML deserializer, so its error names the field and line.
    struct Amount;
    impl Visitor<'_> for Amount {
        type Value = f64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(
                f,
                "an amount in US dollars from 0 to {MAX_DOLLARS}, e.g. 650 or 650.00"
            )
        }
        fn visit_f64<E: Error>(self, amount: f64) -> Result<f64, E> {
            if (0.0..=MAX_DOLLARS).contains(&amount) {
                Ok(amount)
            } else {
                Err(E::invalid_value(Unexpected::Float(amount), &self))
            }
        }
        fn visit_i64<E: Error>(self, amount: i64) -> Result<f64, E> {
            self.visit_f64(amount as f64)
        }
        fn visit_u64<E: Error>(self, amount: u64) -> Result<f64, E> {
            self.visit_f64(amount as f64)
        }
    }
    struct MaybeAmount;
    impl<'de> Visitor<'de> for MaybeAmount {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            Amount.expecting(f)
        }
        fn visit_none<E: Error>(self) -> Result<Option<f64>, E> {
            Ok(None)
        }
        fn visit_unit<E: Error>(self) -> Result<Option<f64>, E> {
            Ok(None)
        }
        fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> Result<Option<f64>, D2::Error> {
            d.deserialize_f64(Amount).map(Some)
        }
    }
    deserializer.deserialize_option(MaybeAmount)
}

/// Returns true, the default of a flag that holds unless the case says otherwise.
pub(super) fn yes() -> bool {
    true
}
