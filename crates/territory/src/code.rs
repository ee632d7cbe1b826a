//! Municipality codes (ISTAT, INSEE, ...): opaque strings whose leading zeros matter.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A municipality code as published by the statistics office (ISTAT `015146`, INSEE `2A004`).
///
/// Kept as text so that leading zeros survive; compared byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MunicipalityCode(String);

/// Why a string is not a municipality code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// The code is empty (after trimming blanks).
    #[error("empty code")]
    Empty,
    /// The code holds a character other than ASCII letters and digits.
    #[error("code {0:?} holds a character other than ASCII letters and digits")]
    BadCharacter(String),
}

impl MunicipalityCode {
    /// Parses a code, trimming surrounding blanks; letters and digits only.
    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(CodeError::Empty);
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(CodeError::BadCharacter(s.to_string()));
        }
        Ok(Self(s.to_string()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code left-padded with zeros to `width`, if it is all digits and shorter:
    /// what a spreadsheet that read `012001` as a number would have to be undone with.
    pub fn zero_padded(&self, width: usize) -> Option<Self> {
        (self.0.len() < width && self.0.chars().all(|c| c.is_ascii_digit()))
            .then(|| Self(format!("{:0>width$}", self.0)))
    }
}

impl fmt::Display for MunicipalityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for MunicipalityCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<MunicipalityCode> for String {
    fn from(c: MunicipalityCode) -> Self {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_leading_zeros_and_pads_lost_ones() {
        let c = MunicipalityCode::parse(" 015146 ").unwrap();
        assert_eq!(c.as_str(), "015146");
        let lost = MunicipalityCode::parse("15146").unwrap();
        assert_eq!(lost.zero_padded(6).unwrap(), c);
        assert_eq!(c.zero_padded(6), None);
        assert_eq!(
            MunicipalityCode::parse("2A004").unwrap().zero_padded(6),
            None
        );
    }

    #[test]
    fn rejects_empty_and_odd_characters() {
        assert_eq!(MunicipalityCode::parse("  "), Err(CodeError::Empty));
        assert!(matches!(
            MunicipalityCode::parse("01-2"),
            Err(CodeError::BadCharacter(_))
        ));
    }
}
