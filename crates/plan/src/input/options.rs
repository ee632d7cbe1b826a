//! The options of a plan or a check that are given as text or as files (`CLASS=N` thresholds,
//! linked pairs, the largest population, nesting), read and checked against the loaded units
//! once, so that the command line and the studio only hand them over.

use super::{BenchRule, Input, InputError};
use crate::Nesting;
use std::path::{Path, PathBuf};

/// A population threshold: a finite number above zero (the reason otherwise).
pub fn positive_number(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        Ok(_) => Err(format!("`{s}` must be a finite number above 0")),
        Err(_) => Err(format!("`{s}` is not a number")),
    }
}

impl BenchRule {
    /// A class threshold written `CLASS=N` (N a finite number above 0); the error names it.
    pub fn class_threshold(text: &str) -> Result<(String, f64), InputError> {
        let invalid =
            |why: String| InputError::Invalid(format!("--class-threshold `{text}`: {why}"));
        let (class, value) = text
            .split_once('=')
            .ok_or_else(|| invalid("expected CLASS=N".into()))?;
        let value = positive_number(value.trim()).map_err(invalid)?;
        Ok((class.trim().to_string(), value))
    }
}

/// Constraints on every district beyond the rule, in plain values: the largest population,
/// pairs of units that must or must not share a district (CSV files `code_a,code_b`) and how
/// districts respect the nesting areas.
#[derive(Debug, Clone, Default)]
pub struct Constraints {
    /// Largest district population.
    pub max_population: Option<f64>,
    /// Pairs of units that must share a district.
    pub must_link: Option<PathBuf>,
    /// Pairs of units that must not share a district.
    pub cannot_link: Option<PathBuf>,
    /// How districts respect the nesting areas (None: as loaded).
    pub nesting: Option<Nesting>,
}

impl Input {
    /// Applies `c`, reading its pair files (errors name file, line, field and value).
    pub fn constrain(&mut self, c: &Constraints) -> Result<(), InputError> {
        self.max_population = c.max_population;
        if let Some(p) = &c.must_link {
            self.must_link = self.load_pairs(p)?;
        }
        if let Some(p) = &c.cannot_link {
            self.cannot_link = self.load_pairs(p)?;
        }
        if let Some(n) = c.nesting {
            self.nesting = n;
        }
        Ok(())
    }

    /// Refuses a benchmark units file with no rows, and a class threshold naming a class no
    /// unit has (in the benchmark format a class's population is its component of the units'
    /// totals).
    pub(super) fn check_bench(&self, rule: &BenchRule, units: &Path) -> Result<(), InputError> {
        let k = 1 + rule.class_thresholds.len();
        for (s, (class, _)) in rule.class_thresholds.iter().enumerate() {
            if !(0..self.len()).any(|u| self.totals[u * k + 1 + s] > 0.0) {
                return Err(InputError::Invalid(format!(
                    "--class-threshold {class}=...: no unit of {} has class `{class}` (with any population)",
                    units.display()
                )));
            }
        }
        if self.is_empty() {
            return Err(InputError::Invalid(format!(
                "{}: no units (the file has a header and no rows)",
                units.display()
            )));
        }
        Ok(())
    }
}

impl std::str::FromStr for crate::MergeCost {
    type Err = String;

    /// `smaller` (the units of the smaller district) or a fixed non-negative number.
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "smaller" => Ok(Self::SmallerDistrict),
            v => v
                .parse()
                .ok()
                .filter(|c: &f64| c.is_finite() && *c >= 0.0)
                .map(Self::Fixed)
                .ok_or_else(|| "expected `smaller` or a non-negative number".to_string()),
        }
    }
}

impl Input {
    /// The tie-break when none is chosen: heterogeneity when attributes are given, else
    /// compactness.
    pub fn default_tiebreak(&self) -> crate::Tiebreak {
        if self.m > 0 {
            crate::Tiebreak::Heterogeneity
        } else {
            crate::Tiebreak::Compactness
        }
    }

    /// The agreement date incentives are priced for: `given`, else the policy's reference date
    /// (the last day of its full premium), else none (empty).
    pub fn incentive_date(&self, given: Option<&str>) -> String {
        given
            .or_else(|| {
                (self.policy.as_ref()).and_then(|p| p.file.policy.incentive_reference_date())
            })
            .unwrap_or_default()
            .to_string()
    }
}
