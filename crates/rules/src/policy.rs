//! Policy files: a reform's district classes, thresholds and incentives, as TOML.

use ambit_territory::dataset::toml_message;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A reform's rules as written in its policy file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Name of the reform.
    pub name: String,
    /// Where the rules come from (law, resolution, article).
    #[serde(default)]
    pub source: Option<String>,
    /// What the policy file had to assume where the sources are silent.
    #[serde(default)]
    pub assumptions: Vec<String>,
    /// What a district is called (`ambito`, `EPCI`, `kommune`).
    #[serde(default = "default_district_word")]
    pub district_word: String,
    /// Municipalities under this population count as small in audits (default 5,000).
    #[serde(default = "default_small")]
    pub small_municipality_below: u64,
    /// Named numbers the expressions may use (e.g. `national_density`), with their source.
    #[serde(default)]
    pub constants: BTreeMap<String, f64>,
    /// District classes, tried in order; the first whose `when` holds applies. The last class
    /// has no `when`: it is the default.
    pub classes: Vec<ClassRule>,
    /// Money the reform pays.
    #[serde(default)]
    pub incentives: Vec<Incentive>,
    /// Municipalities the reform lets stay out of every district (e.g. France's islands of a
    /// single commune), by a member condition; the audit names each unassigned one with it.
    #[serde(default)]
    pub exempt_unassigned: Option<Exemption>,
    /// A municipality attribute to give audit figures by (e.g. `departement`): a district
    /// counts in the group most of its members are in.
    #[serde(default)]
    pub group_by: Option<String>,
}

/// Municipalities that may belong to no district, by a member condition.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    /// A member condition such as `island_communes == 1` (see [`crate::expr`]).
    pub when: String,
    /// The rule in words, with its source.
    pub description: String,
}

impl Policy {
    /// The agreement date incentives are priced for when none is given: the last day of the
    /// first step of the first incentive schedule, the latest date that still earns the full
    /// premium (for DGR 7631 of 2017, 30 June 2018); None when no incentive has a schedule.
    pub fn incentive_reference_date(&self) -> Option<&str> {
        self.incentives
            .iter()
            .find_map(|i| i.schedule.first())
            .map(|s| s.until.as_str())
    }
}

fn default_district_word() -> String {
    "district".into()
}
fn default_small() -> u64 {
    5000
}

/// One district class and its population threshold.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassRule {
    /// Class name (`mountain`, `high-density`, `standard`).
    pub name: String,
    /// Why the class exists / what the source says.
    #[serde(default)]
    pub description: Option<String>,
    /// Condition on the district's members (see [`crate::expr`]); absent for the default class.
    #[serde(default)]
    pub when: Option<Spanned<String>>,
    /// Minimum population: a number or an expression.
    pub min_population: Spanned<Threshold>,
    /// Whether the population must exceed the threshold (`true`: more than) or reach it.
    #[serde(default)]
    pub strict: bool,
    /// The data the `when` condition needs, in words (e.g. `mountain zone`). With it, a
    /// municipalities table without the condition's columns is no error: the class is
    /// *unknown* for every district, and an audit says which districts it could decide
    /// (`unknown: mountain zone`) instead of guessing.
    #[serde(default)]
    pub needs_data: Option<String>,
}

/// A threshold: a fixed number or an expression of the district's aggregates.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Threshold {
    /// A fixed number of inhabitants.
    Fixed(f64),
    /// An expression, e.g. `max(5000, 15000 * majority(dept_density) / national_density)`.
    Formula(String),
}

/// An incentive paid per new district formed under the reform.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incentive {
    /// Name.
    pub name: String,
    /// What it pays for.
    #[serde(default)]
    pub description: Option<String>,
    /// Currency code.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// A fixed amount per new district (when there is no schedule).
    #[serde(default)]
    pub amount: Option<f64>,
    /// Amounts decreasing with the date of the agreement: the first step whose `until`
    /// is on or after the agreement date applies; after the last, nothing.
    #[serde(default)]
    pub schedule: Vec<IncentiveStep>,
    /// A condition beyond forming the district (e.g. social-innovation goals), for reports.
    #[serde(default)]
    pub condition: Option<String>,
}

fn default_currency() -> String {
    "EUR".into()
}

/// One step of a decreasing incentive schedule.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncentiveStep {
    /// Last day (ISO `YYYY-MM-DD`) an agreement earns this amount.
    pub until: String,
    /// Amount per new district.
    pub amount: f64,
}

impl Incentive {
    /// The amount per new district for an agreement on `date` (ISO), conditions aside.
    pub fn amount_on(&self, date: &str) -> f64 {
        if self.schedule.is_empty() {
            return self.amount.unwrap_or(0.0);
        }
        self.schedule
            .iter()
            .find(|s| date <= s.until.as_str())
            .map_or(0.0, |s| s.amount)
    }
}

/// Errors of reading a policy file.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or not of the policy schema.
    #[error("{path}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Where and what (line and column included).
        message: String,
    },
    /// A field is syntactically fine but wrong.
    #[error("{path}: line {line}: class `{class}`, field `{field}`: {message} (value {value:?})")]
    Field {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// Class concerned.
        class: String,
        /// Field concerned.
        field: String,
        /// The value as written.
        value: String,
        /// What is wrong.
        message: String,
    },
    /// A structural problem (no class, default class not last, bad date...).
    #[error("{path}: {message}")]
    Structure {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An attribute the policy needs is missing or malformed in the municipalities table.
    #[error("{path}: line {line}: field `{field}`: {message} (value {value:?}), needed by the policy's class `{class}`")]
    Attribute {
        /// The municipalities file.
        path: PathBuf,
        /// Line of the municipality.
        line: u64,
        /// The attribute (column).
        field: String,
        /// The value as read.
        value: String,
        /// What is wrong.
        message: String,
        /// The class whose rule needs it.
        class: String,
    },
}

/// A policy with the path it was read from and its text (for error positions).
#[derive(Debug, Clone)]
pub struct PolicyFile {
    /// The path.
    pub path: PathBuf,
    /// The raw text.
    pub text: String,
    /// The parsed policy.
    pub policy: Policy,
}

impl PolicyFile {
    /// Reads and checks a policy file.
    pub fn load(path: &Path) -> Result<Self, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, text)
    }

    /// Parses and checks policy text; `path` is used in messages.
    pub fn parse(path: &Path, text: String) -> Result<Self, PolicyError> {
        let policy: Policy = toml::from_str(&text).map_err(|e| PolicyError::Syntax {
            path: path.to_path_buf(),
            message: toml_message(&text, &e),
        })?;
        let structure = |message: String| PolicyError::Structure {
            path: path.to_path_buf(),
            message,
        };
        let Some(last) = policy.classes.last() else {
            return Err(structure(
                "no [[classes]]: at least a default class is needed".into(),
            ));
        };
        if last.when.is_some() {
            return Err(structure(format!(
                "the last class (`{}`) must have no `when`: it is the default",
                last.name
            )));
        }
        for c in &policy.classes[..policy.classes.len() - 1] {
            if c.when.is_none() {
                return Err(structure(format!(
                    "class `{}` has no `when` but is not last: the classes after it could never apply",
                    c.name
                )));
            }
        }
        for inc in &policy.incentives {
            for s in &inc.schedule {
                if !is_iso_date(&s.until) {
                    return Err(structure(format!(
                        "incentive `{}`: `until = {:?}` is not a date YYYY-MM-DD",
                        inc.name, s.until
                    )));
                }
            }
            if inc.schedule.windows(2).any(|w| w[0].until >= w[1].until) {
                return Err(structure(format!(
                    "incentive `{}`: schedule dates must increase",
                    inc.name
                )));
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            text,
            policy,
        })
    }

    /// 1-based line of a byte offset of the file.
    pub fn line_of(&self, offset: usize) -> usize {
        1 + self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
    }
}

/// Whether `s` is a calendar date written `YYYY-MM-DD` (month 1-12, day 1-31), the form of
/// incentive deadlines and agreement dates.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u8>().unwrap_or(0))
}
