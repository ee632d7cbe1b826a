//! The scenario's input files: baseline districts (CSV), candidate groupings (CSV), assessments
//! (CSV), the incentive policy (TOML) and the scenario file (TOML) that ties them together.
//!
//! The formats are documented in `crates/sim/FORMATS.md`; every error names file, line, field
//! and value.

use crate::error::SimError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// One row of the baseline district table (`districts.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistrictRow {
    /// District name, unique in the file.
    pub district: String,
    /// Resident population, when known.
    pub population: Option<u64>,
    /// Class name (for example `general`, `mountain`), looked up in the policy's thresholds.
    pub class: Option<String>,
    /// Threshold written in the file (used when the policy has none for the class).
    pub threshold: Option<u64>,
    /// Compliance written in the file (used when population or threshold is unknown).
    pub compliant: Option<bool>,
    /// 1-based line in the file.
    pub line: u64,
}

/// One candidate grouping (`candidates.csv`): baseline districts that would merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateRow {
    /// Candidate name, unique in the file.
    pub candidate: String,
    /// Names of the baseline districts that would merge (at least two).
    pub members: Vec<String>,
    /// Threshold of the merged district, when the planner computed its class.
    pub threshold: Option<u64>,
    /// Whether the merged district would comply, when stated (otherwise computed or assumed).
    pub compliant: Option<bool>,
    /// 1-based line in the file.
    pub line: u64,
}

/// Predicted outcome of a candidate partnership, as `ambit assess` states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The partnership looks like the study's successes.
    Success,
    /// The partnership looks like the study's failures.
    Failure,
    /// No prediction.
    Unknown,
}

/// Evidence flags of a candidate (`None` = unknown, distinct from absent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Close pre-existing ties between the partners.
    pub ties: Option<bool>,
    /// A good level of trust.
    pub trust: Option<bool>,
    /// Leadership roles present (sponsor, champion, catalyst or implementer).
    pub leadership: Option<bool>,
    /// Political homophily among the leading mayors.
    pub homophily: Option<bool>,
    /// Size asymmetry: one partner (a dominant city) could dominate the others.
    pub dominant_city: Option<bool>,
}

/// The assessment of one candidate (`assessments.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// The candidate it assesses.
    pub candidate: String,
    /// Predicted outcome.
    pub outcome: Outcome,
    /// Membership score in the sufficient path, in [0, 1], when given.
    pub score: Option<f64>,
    /// Evidence flags.
    pub evidence: Evidence,
    /// Where the assessment comes from (case file, model, default).
    pub source: String,
    /// 1-based line in the file.
    pub line: u64,
}

/// How a population is compared with its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ThresholdRule {
    /// The population must exceed the threshold (DGR 7631: "more than 80,000").
    #[default]
    Strict,
    /// The population must reach the threshold.
    Inclusive,
}

impl ThresholdRule {
    /// Whether `population` meets `threshold` under this rule.
    pub fn meets(self, population: u64, threshold: u64) -> bool {
        match self {
            Self::Strict => population > threshold,
            Self::Inclusive => population >= threshold,
        }
    }
}

/// One incentive window: a deadline and the first-level premium for a merger agreed by then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Human label, for example `June 2018`.
    pub label: String,
    /// Deadline as ISO date text (`2018-06-30`).
    pub deadline: String,
    /// First-level premium (EUR) for a new merged district agreed in this window.
    pub incentive_eur: u64,
}

/// The policy as the simulation needs it: windows with incentives, thresholds, options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Name of the policy.
    pub name: String,
    /// Where its figures come from.
    #[serde(default)]
    pub source: String,
    /// How populations are compared with thresholds.
    #[serde(default)]
    pub threshold_rule: ThresholdRule,
    /// Threshold per district class (empty: use the thresholds of the district table).
    #[serde(default)]
    pub thresholds: BTreeMap<String, u64>,
    /// Second-level premium (EUR) for a merged district that reaches the social-innovation goals.
    #[serde(default)]
    pub second_level_eur: u64,
    /// Deadline of the window from which the region imposes the still-open groupings (none: voluntary).
    #[serde(default)]
    pub mandatory_from: Option<String>,
    /// Incentive windows in time order.
    pub windows: Vec<Window>,
}

impl Policy {
    /// Index of the window whose deadline is `deadline`.
    pub fn window_index(&self, deadline: &str) -> Option<usize> {
        self.windows.iter().position(|w| w.deadline == deadline)
    }

    /// Largest first-level incentive of the schedule (the scale of the incentive term).
    pub fn max_incentive(&self) -> u64 {
        self.windows
            .iter()
            .map(|w| w.incentive_eur)
            .max()
            .unwrap_or(0)
    }

    /// Checks windows are present, in increasing deadline order, and `mandatory_from` names one.
    pub fn validate(&self, path: &Path) -> Result<(), SimError> {
        if self.windows.is_empty() {
            return Err(SimError::File {
                path: path.into(),
                message: "the policy has no [[windows]]".into(),
            });
        }
        for pair in self.windows.windows(2) {
            if pair[1].deadline <= pair[0].deadline {
                return Err(SimError::field(
                    path,
                    0,
                    "windows.deadline",
                    &pair[1].deadline,
                    format!("deadlines must increase (previous {})", pair[0].deadline),
                ));
            }
        }
        if let Some(m) = &self.mandatory_from {
            if self.window_index(m).is_none() {
                return Err(SimError::field(
                    path,
                    0,
                    "mandatory_from",
                    m,
                    "is not the deadline of any window",
                ));
            }
        }
        Ok(())
    }
}

/// The observed outcome the model is calibrated on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observed {
    /// Deadline of the window at whose end the counts were observed.
    pub deadline: String,
    /// Districts (new merged ones counted once) that adopted the new agreement.
    pub subscribed: u32,
    /// Of those, new districts formed by merging two or more baseline districts.
    pub merges: u32,
    /// Below-threshold districts, not merged, on stand-by.
    pub standby: u32,
    /// Where the counts come from.
    #[serde(default)]
    pub source: String,
}

/// The scenario file as written (`scenario.toml`); paths are relative to it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Scenario name.
    pub name: String,
    /// What the scenario represents, with its assumptions.
    #[serde(default)]
    pub description: String,
    /// Data vintage of the baseline (for the report's provenance).
    #[serde(default)]
    pub vintage: String,
    /// Baseline district table.
    pub baseline: PathBuf,
    /// Candidate groupings.
    pub candidates: PathBuf,
    /// Assessments of the candidates (optional: without it every candidate scores 0.5).
    #[serde(default)]
    pub assessments: Option<PathBuf>,
    /// Policy file.
    pub policy: PathBuf,
    /// Observed outcome for calibration (optional).
    #[serde(default)]
    pub observed: Option<Observed>,
    /// Overrides of the model's parameters, by name.
    #[serde(default)]
    pub model: BTreeMap<String, ParamOverride>,
}

/// Largest scenario input file read (16 MiB). A scenario's tables list districts and
/// groupings: Lombardy's 98 ambiti take 4 KB and a table of every French commune as its own
/// district about 2 MB, so a larger file is not a scenario input (a 200 MB table made the
/// simulation run for minutes before any message).
pub const MAX_INPUT_BYTES: u64 = 16 << 20;

/// A scenario's override of one model parameter (`[model]` of the scenario file): a fixed `value` or a uniform `prior`, with a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamOverride {
    /// Fixed value.
    #[serde(default)]
    pub value: Option<f64>,
    /// Uniform prior `[lo, hi]`.
    #[serde(default)]
    pub prior: Option<[f64; 2]>,
    /// Source or justification of the override.
    #[serde(default)]
    pub source: Option<String>,
}

/// Reads a whole text file, naming it on failure; files over [`MAX_INPUT_BYTES`] are refused.
pub(crate) fn read_text(path: &Path) -> Result<String, SimError> {
    let io = |source| SimError::Io {
        path: path.into(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_INPUT_BYTES {
        return Err(SimError::File {
            path: path.into(),
            message: format!(
                "{:.1} MB is more than a scenario input can hold (at most {} MB: a table of districts or groupings, not of municipalities or records)",
                size as f64 / 1e6,
                MAX_INPUT_BYTES >> 20
            ),
        });
    }
    std::fs::read_to_string(path).map_err(io)
}

/// Parses TOML text into `T`, naming the file on failure.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
) -> Result<T, SimError> {
    toml::from_str(text).map_err(|e| SimError::Toml {
        path: path.into(),
        message: e.to_string(),
    })
}

/// Reads a policy TOML file.
pub fn read_policy(path: &Path) -> Result<Policy, SimError> {
    parse_policy(&read_text(path)?, path)
}

/// Parses policy TOML text (`path` only names it in errors), in either of two formats: the
/// simulation's own (`[[windows]]`, documented in `FORMATS.md`) or the project's rules format
/// (`[[classes]]` and `[[incentives]]`, as in `policies/lombardy-2017.toml`), converted by
/// [`Policy::from_rules`].
pub fn parse_policy(text: &str, path: &Path) -> Result<Policy, SimError> {
    let is_rules_format = text
        .lines()
        .any(|l| l.trim_start().starts_with("[[classes]]"));
    let p = if is_rules_format {
        let file =
            ambit_rules::PolicyFile::parse(path, text.to_string()).map_err(|e| SimError::Toml {
                path: path.into(),
                message: e.to_string(),
            })?;
        Policy::from_rules(&file.policy, path)?
    } else {
        parse_toml(text, path)?
    };
    p.validate(path)?;
    Ok(p)
}

impl Policy {
    /// Converts a policy of the rules format: the windows are the steps of the first incentive
    /// with a dated schedule (the first-level premium), the second level is the sum of the fixed
    /// amounts of the other incentives, and every class with a fixed threshold gives a threshold.
    /// Classes whose threshold is a formula cannot be used without a territory: they are refused
    /// only if a district of the scenario names them.
    pub fn from_rules(rules: &ambit_rules::Policy, path: &Path) -> Result<Self, SimError> {
        let first = rules
            .incentives
            .iter()
            .find(|i| !i.schedule.is_empty())
            .ok_or_else(|| SimError::File {
                path: path.into(),
                message: "the policy has no incentive with a dated `schedule`: the simulation needs its windows".into(),
            })?;
        let windows = first
            .schedule
            .iter()
            .map(|s| Window {
                label: format!("by {}", s.until),
                deadline: s.until.clone(),
                incentive_eur: s.amount.max(0.0).round() as u64,
            })
            .collect();
        let second_level_eur = rules
            .incentives
            .iter()
            .filter(|i| i.schedule.is_empty())
            .filter_map(|i| i.amount)
            .sum::<f64>()
            .max(0.0)
            .round() as u64;
        let thresholds = rules
            .classes
            .iter()
            .filter_map(|c| match c.min_population.get_ref() {
                ambit_rules::Threshold::Fixed(v) => {
                    Some((c.name.clone(), v.max(0.0).round() as u64))
                }
                ambit_rules::Threshold::Formula(_) => None,
            })
            .collect();
        let strict = rules.classes.iter().all(|c| c.strict);
        Ok(Self {
            name: rules.name.clone(),
            source: rules.source.clone().unwrap_or_default(),
            threshold_rule: if strict {
                ThresholdRule::Strict
            } else {
                ThresholdRule::Inclusive
            },
            thresholds,
            second_level_eur,
            mandatory_from: None,
            windows,
        })
    }
}

/// A CSV table read with named columns, ready for typed field access.
struct Table {
    path: PathBuf,
    columns: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    /// Parses CSV text; the separator (`,` or `;`) is taken from the header line, a BOM is dropped.
    fn parse(text: &str, path: &Path) -> Result<Self, SimError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let header_line = text.lines().next().unwrap_or("");
        let delimiter = if !header_line.contains(',') && header_line.contains(';') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let csv_err = |e: csv::Error| SimError::Csv {
            path: path.into(),
            line: e.position().map(|p| p.line()).unwrap_or(1),
            message: e.to_string(),
        };
        let headers = reader.headers().map_err(csv_err)?.clone();
        let mut columns = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            if columns.insert(h.to_ascii_lowercase(), i).is_some() {
                return Err(SimError::field(path, 1, h, h, "duplicate column"));
            }
        }
        let mut rows = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(csv_err)?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            if rec.iter().all(|f| f.is_empty()) {
                continue; // a blank line carries no row
            }
            rows.push((line, rec));
        }
        Ok(Self {
            path: path.into(),
            columns,
            rows,
        })
    }

    fn require(&self, column: &str) -> Result<(), SimError> {
        if self.columns.contains_key(column) {
            Ok(())
        } else {
            Err(SimError::File {
                path: self.path.clone(),
                message: format!("missing column `{column}`"),
            })
        }
    }

    fn get<'a>(&self, rec: &'a csv::StringRecord, column: &str) -> Option<&'a str> {
        self.columns
            .get(column)
            .and_then(|&i| rec.get(i))
            .filter(|s| !s.is_empty())
    }

    fn text(&self, line: u64, rec: &csv::StringRecord, column: &str) -> Result<String, SimError> {
        self.get(rec, column)
            .map(str::to_string)
            .ok_or_else(|| SimError::field(&self.path, line, column, "", "is empty"))
    }

    /// An optional field read by `parse`; a value it refuses is an error saying `expected`.
    fn optional<T>(
        &self,
        line: u64,
        rec: &csv::StringRecord,
        column: &str,
        parse: impl FnOnce(&str) -> Option<T>,
        expected: &str,
    ) -> Result<Option<T>, SimError> {
        self.get(rec, column)
            .map(|v| parse(v).ok_or_else(|| SimError::field(&self.path, line, column, v, expected)))
            .transpose()
    }

    fn uint(
        &self,
        line: u64,
        rec: &csv::StringRecord,
        column: &str,
    ) -> Result<Option<u64>, SimError> {
        self.optional(
            line,
            rec,
            column,
            |v| v.parse::<u64>().ok(),
            "not a non-negative integer",
        )
    }

    fn flag(
        &self,
        line: u64,
        rec: &csv::StringRecord,
        column: &str,
    ) -> Result<Option<bool>, SimError> {
        self.optional(
            line,
            rec,
            column,
            |v| match v.to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" => Some(true),
                "0" | "false" | "no" => Some(false),
                _ => None,
            },
            "expected 1/0, true/false or yes/no (empty = unknown)",
        )
    }

    /// Reads every row with `row` (given the row's 1-based line), stopping at the first error.
    fn read_rows<T>(
        &self,
        mut row: impl FnMut(u64, &csv::StringRecord) -> Result<T, SimError>,
    ) -> Result<Vec<T>, SimError> {
        self.rows
            .iter()
            .map(|(line, rec)| row(*line, rec))
            .collect()
    }
}

/// Parses JSON text, naming the file and line on failure.
fn parse_json(text: &str, path: &Path) -> Result<serde_json::Value, SimError> {
    serde_json::from_str(text).map_err(|e| SimError::Json {
        path: path.into(),
        line: e.line() as u64,
        message: e.to_string(),
    })
}

/// Refuses the second of two items with the same name; `key` gives an item's name and line.
fn check_unique<'a, T>(
    path: &Path,
    field: &str,
    items: &'a [T],
    key: impl Fn(&'a T) -> (&'a str, u64),
) -> Result<(), SimError> {
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for (name, line) in items.iter().map(key) {
        if let Some(first) = seen.insert(name, line) {
            return Err(SimError::field(
                path,
                line,
                field,
                name,
                format!("duplicate (first on line {first})"),
            ));
        }
    }
    Ok(())
}

/// Parses the baseline district table (columns `district` and optionally `population`,
/// `class`, `threshold`, `compliant`; other columns are ignored).
pub fn parse_districts(text: &str, path: &Path) -> Result<Vec<DistrictRow>, SimError> {
    let t = Table::parse(text, path)?;
    t.require("district")?;
    let rows = t.read_rows(|line, rec| {
        Ok(DistrictRow {
            district: t.text(line, rec, "district")?,
            population: t.uint(line, rec, "population")?,
            class: t.get(rec, "class").map(str::to_string),
            threshold: t.uint(line, rec, "threshold")?,
            compliant: t.flag(line, rec, "compliant")?,
            line,
        })
    })?;
    if rows.is_empty() {
        return Err(SimError::File {
            path: path.into(),
            message: "no district rows".into(),
        });
    }
    check_unique(path, "district", &rows, |r| (&r.district, r.line))?;
    Ok(rows)
}

/// Parses the candidate groupings (columns `candidate`, `members` separated by `|`, and
/// optionally `threshold`, `compliant`).
pub fn parse_candidates(text: &str, path: &Path) -> Result<Vec<CandidateRow>, SimError> {
    let t = Table::parse(text, path)?;
    t.require("candidate")?;
    t.require("members")?;
    let rows = t.read_rows(|line, rec| {
        let raw = t.text(line, rec, "members")?;
        let members: Vec<String> = raw
            .split('|')
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect();
        if members.len() < 2 {
            return Err(SimError::field(
                path,
                line,
                "members",
                raw,
                "a grouping needs at least two districts separated by `|`",
            ));
        }
        check_unique(path, "members", &members, |m| (m, line))?;
        Ok(CandidateRow {
            candidate: t.text(line, rec, "candidate")?,
            members,
            threshold: t.uint(line, rec, "threshold")?,
            compliant: t.flag(line, rec, "compliant")?,
            line,
        })
    })?;
    check_unique(path, "candidate", &rows, |r| (&r.candidate, r.line))?;
    Ok(rows)
}

/// Reads candidate groupings from the `plan.json` that `ambit plan` writes: each new district of
/// `diff.merged` becomes a grouping of its baseline districts, with the threshold and compliance
/// the planner computed for it (`district_figures`).
pub fn parse_plan_candidates(text: &str, path: &Path) -> Result<Vec<CandidateRow>, SimError> {
    let v = parse_json(text, path)?;
    let merged = v
        .pointer("/diff/merged")
        .and_then(|m| m.as_array())
        .ok_or_else(|| SimError::File {
            path: path.into(),
            message: "no `diff.merged` list: was the plan made with a --baseline?".into(),
        })?;
    let figures: HashMap<&str, &serde_json::Value> = v
        .get("district_figures")
        .and_then(|f| f.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|d| d.get("name").and_then(|n| n.as_str()).map(|n| (n, d)))
                .collect()
        })
        .unwrap_or_default();
    let mut rows = Vec::with_capacity(merged.len());
    for (i, m) in merged.iter().enumerate() {
        let field = |f: &str| {
            SimError::field(
                path,
                0,
                &format!("diff.merged[{i}].{f}"),
                m.to_string(),
                "missing or not text",
            )
        };
        let name = m
            .get("district")
            .and_then(|d| d.as_str())
            .ok_or_else(|| field("district"))?;
        let members: Vec<String> = m
            .get("baseline")
            .and_then(|b| b.as_array())
            .ok_or_else(|| field("baseline"))?
            .iter()
            .map(|b| {
                b.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| field("baseline"))
            })
            .collect::<Result<_, _>>()?;
        if members.len() < 2 {
            continue; // not a merger of baseline districts
        }
        let fig = figures.get(name);
        rows.push(CandidateRow {
            candidate: name.to_string(),
            members,
            threshold: fig
                .and_then(|f| f.get("threshold"))
                .and_then(|t| t.as_f64())
                .map(|t| t.max(0.0).round() as u64),
            compliant: fig
                .and_then(|f| f.get("compliant"))
                .and_then(|c| c.as_bool()),
            line: i as u64 + 1,
        });
    }
    Ok(rows)
}

/// Reads assessments written by `ambit assess --format json` (schema `ambit-assess/1`): one
/// object or an array of them. The grouping is `partnership.id`; the score is the midpoint of
/// the success `membership` bounds (the bounds differ only when model conditions are unknown);
/// evidence flags come from the conditions `TIES`, `TRUST`, `LEAD`, `HOMOPHILY` and `LARGE_CITY`
/// when their membership is known.
pub fn parse_assessment_json(text: &str, path: &Path) -> Result<Vec<Assessment>, SimError> {
    let v = parse_json(text, path)?;
    let items = match v {
        serde_json::Value::Array(a) => a,
        other => vec![other],
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, a) in items.iter().enumerate() {
        let bad = |field: &str, message: &str| {
            SimError::field(
                path,
                0,
                &format!("[{i}].{field}"),
                a.get(field).map(|x| x.to_string()).unwrap_or_default(),
                message,
            )
        };
        if a.get("schema").and_then(|s| s.as_str()) != Some("ambit-assess/1") {
            return Err(bad(
                "schema",
                "expected \"ambit-assess/1\" (the output of `ambit assess --format json`)",
            ));
        }
        let id = a
            .pointer("/partnership/id")
            .and_then(|x| x.as_str())
            .ok_or_else(|| bad("partnership", "no `id`"))?;
        let bounds = |v: Option<&serde_json::Value>| -> Option<(f64, f64)> {
            let v = v?;
            Some((v.get("low")?.as_f64()?, v.get("high")?.as_f64()?))
        };
        let (low, high) = bounds(a.get("membership"))
            .ok_or_else(|| bad("membership", "no `low`/`high` bounds"))?;
        if !(0.0..=1.0).contains(&low) || !(0.0..=1.0).contains(&high) || low > high {
            return Err(bad(
                "membership",
                "bounds must satisfy 0 <= low <= high <= 1",
            ));
        }
        let condition = |names: &[&str]| -> Option<bool> {
            let conds = a.get("conditions")?.as_object()?;
            names.iter().find_map(|n| {
                let (lo, hi) = bounds(conds.get(*n).and_then(|c| c.get("membership")))?;
                // Known only when both bounds fall on the same side of 0.5.
                if lo > 0.5 {
                    Some(true)
                } else if hi < 0.5 {
                    Some(false)
                } else {
                    None
                }
            })
        };
        let outcome = match a.get("predicted").and_then(|p| p.as_str()) {
            Some("success") => Outcome::Success,
            Some("failure") => Outcome::Failure,
            _ => Outcome::Unknown,
        };
        let model = a
            .pointer("/model/name")
            .and_then(|x| x.as_str())
            .unwrap_or("?");
        let file = a
            .pointer("/partnership/file")
            .and_then(|x| x.as_str())
            .unwrap_or("");
        out.push(Assessment {
            candidate: id.to_string(),
            outcome,
            score: Some(0.5 * (low + high)),
            evidence: Evidence {
                ties: condition(&["TIES"]),
                trust: condition(&["TRUST"]),
                leadership: condition(&["LEAD", "LEADERSHIP"]),
                homophily: condition(&["HOMOPHILY", "HOMO"]),
                dominant_city: condition(&["LARGE_CITY", "DOMINANT_CITY", "BIGCITY"]),
            },
            source: format!("ambit assess, model {model}, {file}, membership [{low}, {high}]"),
            line: i as u64 + 1,
        });
    }
    check_unique(path, "partnership.id", &out, |r| (&r.candidate, r.line))?;
    Ok(out)
}

/// Parses assessments (columns `candidate` and optionally `outcome`, `score`, `ties`, `trust`,
/// `leadership`, `homophily`, `dominant_city`, `source`).
pub fn parse_assessments(text: &str, path: &Path) -> Result<Vec<Assessment>, SimError> {
    let t = Table::parse(text, path)?;
    t.require("candidate")?;
    let rows = t.read_rows(|line, rec| {
        let outcome = match t.get(rec, "outcome").map(str::to_ascii_lowercase) {
            None => Outcome::Unknown,
            Some(o) => match o.as_str() {
                "success" | "1" => Outcome::Success,
                "failure" | "0" => Outcome::Failure,
                "unknown" => Outcome::Unknown,
                _ => {
                    return Err(SimError::field(
                        path,
                        line,
                        "outcome",
                        o,
                        "expected success, failure or unknown",
                    ))
                }
            },
        };
        let score = t.optional(
            line,
            rec,
            "score",
            |v| v.parse::<f64>().ok().filter(|s| (0.0..=1.0).contains(s)),
            "a membership score is a number in [0, 1]",
        )?;
        Ok(Assessment {
            candidate: t.text(line, rec, "candidate")?,
            outcome,
            score,
            evidence: Evidence {
                ties: t.flag(line, rec, "ties")?,
                trust: t.flag(line, rec, "trust")?,
                leadership: t.flag(line, rec, "leadership")?,
                homophily: t.flag(line, rec, "homophily")?,
                dominant_city: t.flag(line, rec, "dominant_city")?,
            },
            source: t.get(rec, "source").unwrap_or("").to_string(),
            line,
        })
    })?;
    check_unique(path, "candidate", &rows, |r| (&r.candidate, r.line))?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn districts_accept_semicolons_bom_and_blank_optional_fields() {
        let text = "\u{feff}district;population;compliant\nA;100;\nB;;1\n";
        let rows = parse_districts(text, Path::new("d.csv")).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].population, Some(100));
        assert_eq!(rows[0].compliant, None);
        assert_eq!(rows[1].compliant, Some(true));
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn bad_values_name_file_line_field_and_value() {
        let err = parse_districts("district,population\nA,-5\n", Path::new("d.csv")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.csv:2: field `population`: not a non-negative integer (value \"-5\")"
        );
        let err = parse_districts("district\nA\nA\n", Path::new("d.csv")).unwrap_err();
        assert!(
            err.to_string().contains("d.csv:3: field `district`"),
            "{err}"
        );
        let err = parse_candidates("candidate,members\nc,A\n", Path::new("c.csv")).unwrap_err();
        assert!(err.to_string().contains("at least two"), "{err}");
        let err = parse_assessments("candidate,score\nc,1.5\n", Path::new("a.csv")).unwrap_err();
        assert!(
            err.to_string().starts_with("a.csv:2: field `score`"),
            "{err}"
        );
        let err = parse_districts("name\nA\n", Path::new("d.csv")).unwrap_err();
        assert_eq!(err.to_string(), "d.csv: missing column `district`");
    }

    #[test]
    fn every_field_error_names_file_line_field_value_and_what_is_expected() {
        let err = parse_districts("district,compliant\nA,maybe\n", Path::new("d.csv")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "d.csv:2: field `compliant`: expected 1/0, true/false or yes/no (empty = unknown) \
             (value \"maybe\")"
        );
        let err = parse_candidates(
            "candidate,members,threshold\nc,A|B,8e4\n",
            Path::new("c.csv"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "c.csv:2: field `threshold`: not a non-negative integer (value \"8e4\")"
        );
        let err = parse_assessments("candidate,score\nc,NaN\n", Path::new("a.csv")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.csv:2: field `score`: a membership score is a number in [0, 1] (value \"NaN\")"
        );
        let ok =
            parse_assessments("candidate,score,ties\nc,1,yes\nd,,\n", Path::new("a.csv")).unwrap();
        assert_eq!((ok[0].score, ok[0].evidence.ties), (Some(1.0), Some(true)));
        assert_eq!((ok[1].score, ok[1].evidence.ties), (None, None));
        for parse in [parse_plan_candidates, |t: &str, p: &Path| {
            parse_assessment_json(t, p).map(|_| Vec::new())
        }] {
            let err = parse("\n{", Path::new("x.json")).unwrap_err();
            let msg = err.to_string();
            assert!(msg.starts_with("x.json:2: malformed JSON: "), "{msg}");
        }
    }

    #[test]
    fn the_projects_lombardy_policy_converts_to_three_windows() {
        let text = include_str!("../tests/fixtures/lombardy-2017.toml");
        let p = parse_policy(text, Path::new("lombardy-2017.toml")).unwrap();
        let w: Vec<(&str, u64)> = p
            .windows
            .iter()
            .map(|w| (w.deadline.as_str(), w.incentive_eur))
            .collect();
        assert_eq!(
            w,
            vec![
                ("2018-06-30", 30000),
                ("2018-12-31", 15000),
                ("2019-12-31", 10000)
            ]
        );
        assert_eq!(p.second_level_eur, 30000);
        assert_eq!(p.thresholds.get("standard"), Some(&80000));
        assert_eq!(p.thresholds.get("mountain"), Some(&25000));
        assert_eq!(p.thresholds.get("high-density"), Some(&120000));
        assert_eq!(p.threshold_rule, ThresholdRule::Strict);
    }

    #[test]
    fn plan_json_mergers_become_groupings() {
        let plan = r#"{"district_figures": [{"name": "P1", "threshold": 80000.0, "compliant": true}],
            "diff": {"merged": [{"district": "P1", "baseline": ["Seriate", "Romano"]},
                                {"district": "P2", "baseline": ["Dalmine"]}]}}"#;
        let rows = parse_plan_candidates(plan, Path::new("plan.json")).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].members, vec!["Seriate", "Romano"]);
        assert_eq!(rows[0].threshold, Some(80000));
        assert_eq!(rows[0].compliant, Some(true));
        let err = parse_plan_candidates("{}", Path::new("plan.json")).unwrap_err();
        assert!(err.to_string().contains("diff.merged"), "{err}");
    }

    #[test]
    fn assess_json_gives_score_outcome_and_evidence() {
        let json = r#"[{"schema": "ambit-assess/1",
            "partnership": {"id": "A", "file": "a.toml"}, "model": {"name": "study-2018"},
            "predicted": "success", "membership": {"low": 0.5, "high": 1.0},
            "conditions": {"TIES": {"membership": {"low": 1.0, "high": 1.0}},
                           "LEAD": {"membership": {"low": 0.0, "high": 1.0}}}}]"#;
        let a = parse_assessment_json(json, Path::new("a.json")).unwrap();
        assert_eq!(a[0].candidate, "A");
        assert_eq!(a[0].score, Some(0.75));
        assert_eq!(a[0].outcome, Outcome::Success);
        assert_eq!(a[0].evidence.ties, Some(true));
        assert_eq!(a[0].evidence.leadership, None);
        let err = parse_assessment_json("{\"schema\": \"x\"}", Path::new("a.json")).unwrap_err();
        assert!(err.to_string().contains("ambit-assess/1"), "{err}");
    }

    #[test]
    fn policy_rejects_unordered_windows_and_unknown_keys() {
        let bad = r#"
name = "p"
[[windows]]
label = "b"
deadline = "2019-01-01"
incentive_eur = 1
[[windows]]
label = "a"
deadline = "2018-01-01"
incentive_eur = 1
"#;
        let err = parse_policy(bad, Path::new("p.toml")).unwrap_err();
        assert!(err.to_string().contains("deadlines must increase"), "{err}");
        let err = parse_policy("name = \"p\"\nwindow = []\n", Path::new("p.toml")).unwrap_err();
        assert!(
            err.to_string().starts_with("p.toml: malformed TOML"),
            "{err}"
        );
    }

    #[test]
    fn an_oversize_input_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("districts.csv");
        // a sparse file: its size is known without writing 17 MiB
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_INPUT_BYTES + 1).unwrap();
        let err = read_text(&path).unwrap_err().to_string();
        assert!(
            err.contains("districts.csv")
                && err.contains("16.8 MB")
                && err.contains("at most 16 MB"),
            "{err}"
        );
        std::fs::write(&path, "district\nA\n").unwrap();
        assert_eq!(read_text(&path).unwrap(), "district\nA\n");
    }
}
