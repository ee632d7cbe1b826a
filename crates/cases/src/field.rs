//! A coded field of a case file: a value (or `"unknown"`) with its evidence.
//!
//! A field is written either bare (`ties = true`, `municipalities = 51`, `trust = "unknown"`)
//! or as a table with the value and its evidence:
//!
//! ```toml
//! [structures.ties]
//! value = true
//! quote = "The structure was also characterized by close ties"
//! source = "paper, section 5, case A"
//! basis = "stated"   # stated | inferred | assumed
//! note = "why this reading"
//! ```

use crate::membership::{Coded, Membership};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

/// How a coded value rests on its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The source says it (the default; a quote should show it).
    #[default]
    Stated,
    /// The coder's reading of what the source says.
    Inferred,
    /// Not in the source: the coder assumes it.
    Assumed,
}

impl Basis {
    /// The word written in case files.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Stated => "stated",
            Basis::Inferred => "inferred",
            Basis::Assumed => "assumed",
        }
    }
}

/// The evidence behind a coded value.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// A verbatim quote from the source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Where the quote comes from (defaults to the case's `source`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Whether the value is stated, inferred or assumed.
    pub basis: Basis,
    /// The coder's note on the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A coded field of a case: its value, its evidence and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Field<T> {
    /// The value, or explicitly unknown.
    pub value: Coded<T>,
    /// Quote, source, basis and note.
    pub evidence: Evidence,
    /// Who plays the role (leadership roles and the external orchestrator only).
    pub played_by: Vec<String>,
    /// The 1-based line in the file; `None` when the field was not written (partnerships only).
    pub line: Option<usize>,
}

impl<T> Field<T> {
    /// A field left out of a partnership file: unknown, with no evidence.
    pub fn not_written() -> Field<T> {
        Field {
            value: Coded::Unknown,
            evidence: Evidence::default(),
            played_by: Vec::new(),
            line: None,
        }
    }
}

/// A type a coded field can hold, with the words used in its error messages.
pub trait FieldValue: Sized {
    /// What a valid value looks like.
    const EXPECTED: &'static str;
    /// From a TOML boolean.
    fn from_bool(v: bool) -> Result<Self, String> {
        Err(format!(
            "{v} is not valid here: expected {}",
            Self::EXPECTED
        ))
    }
    /// From a TOML integer.
    fn from_int(v: i64) -> Result<Self, String> {
        Err(format!(
            "{v} is not valid here: expected {}",
            Self::EXPECTED
        ))
    }
    /// From a TOML float.
    fn from_float(v: f64) -> Result<Self, String> {
        Err(format!(
            "{v} is not valid here: expected {}",
            Self::EXPECTED
        ))
    }
    /// From a TOML string other than `"unknown"`.
    fn from_text(v: &str) -> Result<Self, String> {
        Err(format!(
            "\"{v}\" is not valid here: expected {}",
            Self::EXPECTED
        ))
    }
}

impl FieldValue for Membership {
    const EXPECTED: &'static str =
        "true, false, a membership score in [0, 1], or \"unknown\" (unknown is not absent)";
    fn from_bool(v: bool) -> Result<Self, String> {
        Ok(if v { Membership::IN } else { Membership::OUT })
    }
    fn from_int(v: i64) -> Result<Self, String> {
        match v {
            0 => Ok(Membership::OUT),
            1 => Ok(Membership::IN),
            _ => Err(format!(
                "{v} is not a membership score: expected {}",
                Self::EXPECTED
            )),
        }
    }
    fn from_float(v: f64) -> Result<Self, String> {
        Membership::new(v)
            .ok_or_else(|| format!("{v} is not a membership score: expected {}", Self::EXPECTED))
    }
}

/// A count (of municipalities, of area plans).
impl FieldValue for u32 {
    const EXPECTED: &'static str = "a whole number >= 0, or \"unknown\"";
    fn from_int(v: i64) -> Result<Self, String> {
        u32::try_from(v).map_err(|_| format!("{v} is not a count: expected {}", Self::EXPECTED))
    }
}

/// The size mix of the municipalities of a partnership (study, section 2: number and size).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeMix {
    /// All small (under 5,000 inhabitants, the paper's "very small").
    Small,
    /// Small and medium, no large town.
    SmallMedium,
    /// Includes a large town or city.
    WithLarge,
}

impl FieldValue for SizeMix {
    const EXPECTED: &'static str = "\"small\", \"small_medium\", \"with_large\" or \"unknown\"";
    fn from_text(v: &str) -> Result<Self, String> {
        match v {
            "small" => Ok(SizeMix::Small),
            "small_medium" => Ok(SizeMix::SmallMedium),
            "with_large" => Ok(SizeMix::WithLarge),
            _ => Err(format!(
                "\"{v}\" is not a size mix: expected {}",
                Self::EXPECTED
            )),
        }
    }
}

/// The parsed form of a field before its line is known. `WHO` allows the `played_by` key.
pub(crate) struct RawField<T, const WHO: bool> {
    pub(crate) value: Coded<T>,
    pub(crate) evidence: Evidence,
    pub(crate) played_by: Vec<String>,
}

impl<T, const WHO: bool> RawField<T, WHO> {
    /// Attaches the line found by the locator.
    pub(crate) fn at(self, line: Option<usize>) -> Field<T> {
        Field {
            value: self.value,
            evidence: self.evidence,
            played_by: self.played_by,
            line,
        }
    }
}

/// A bare value: `true`, `0.7`, `51`, `"unknown"`, `"small"`.
struct Bare<T>(Coded<T>);

struct BareVisitor<T>(PhantomData<T>);

impl<'de, T: FieldValue> Visitor<'de> for BareVisitor<T> {
    type Value = Coded<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        T::from_bool(v).map(Coded::Known).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::from_int(v).map(Coded::Known).map_err(E::custom)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        let v = i64::try_from(v).map_err(|_| E::custom(format!("{v} is too large")))?;
        self.visit_i64(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::from_float(v).map(Coded::Known).map_err(E::custom)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v == "unknown" {
            Ok(Coded::Unknown)
        } else {
            T::from_text(v).map(Coded::Known).map_err(E::custom)
        }
    }
}

impl<'de, T: FieldValue> Deserialize<'de> for Bare<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BareVisitor::<T>(PhantomData)).map(Bare)
    }
}

const KEYS: &[&str] = &["value", "quote", "source", "basis", "note"];
const KEYS_WHO: &[&str] = &["value", "quote", "source", "basis", "note", "played_by"];

struct FieldVisitor<T, const WHO: bool>(PhantomData<T>);

impl<'de, T: FieldValue, const WHO: bool> Visitor<'de> for FieldVisitor<T, WHO> {
    type Value = RawField<T, WHO>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, or a table with `value` and its evidence",
            T::EXPECTED
        )
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        BareVisitor::<T>(PhantomData).visit_bool(v).map(bare)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        BareVisitor::<T>(PhantomData).visit_i64(v).map(bare)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        BareVisitor::<T>(PhantomData).visit_u64(v).map(bare)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        BareVisitor::<T>(PhantomData).visit_f64(v).map(bare)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        BareVisitor::<T>(PhantomData).visit_str(v).map(bare)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut value = None;
        let mut evidence = Evidence::default();
        let mut played_by = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "value" => value = Some(map.next_value::<Bare<T>>()?.0),
                "quote" => evidence.quote = Some(map.next_value()?),
                "source" => evidence.source = Some(map.next_value()?),
                "basis" => evidence.basis = map.next_value()?,
                "note" => evidence.note = Some(map.next_value()?),
                "played_by" if WHO => played_by = map.next_value()?,
                other => {
                    return Err(de::Error::unknown_field(
                        other,
                        if WHO { KEYS_WHO } else { KEYS },
                    ))
                }
            }
        }
        let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
        Ok(RawField {
            value,
            evidence,
            played_by,
        })
    }
}

fn bare<T, const WHO: bool>(value: Coded<T>) -> RawField<T, WHO> {
    RawField {
        value,
        evidence: Evidence::default(),
        played_by: Vec::new(),
    }
}

impl<'de, T: FieldValue, const WHO: bool> Deserialize<'de> for RawField<T, WHO> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor::<T, WHO>(PhantomData))
    }
}
