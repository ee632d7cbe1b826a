//! Case tables (from case files or a CSV matrix) and the QCA data matrix built from them.
//!
//! The matrix never hides an unknown: with [`UnknownPolicy::Refuse`] any unknown value of a
//! chosen condition is an error naming every such case, file, line and field; with
//! [`UnknownPolicy::DropCases`] the cases with an unknown are left out and listed in
//! [`Matrix::dropped`], which the caller must show.

use crate::case::Case;
use crate::conditions::{self, Cell, ConditionKind, Origin};
use crate::error::CaseError;
use crate::membership::{Bounds, Coded, Membership};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// One case of a table: its id, file and the values of its conditions.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRow {
    /// Case id.
    pub id: String,
    /// Where the case comes from.
    pub file: String,
    /// Line of the case (CSV row), when it is one row of a file.
    pub line: Option<usize>,
    /// Values by condition name.
    pub cells: BTreeMap<String, (Cell, Origin)>,
}

/// Cases with their condition values: the common input of matrices and model fits.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseTable {
    /// Condition names available, in order.
    pub columns: Vec<String>,
    /// The cases.
    pub rows: Vec<CaseRow>,
}

impl CaseTable {
    /// Every named condition of every case (see [`conditions::CONDITIONS`]).
    pub fn from_cases(cases: &[Case]) -> Result<CaseTable, CaseError> {
        check_unique_ids(cases.iter().map(|c| (c.id.as_str(), c.file.as_str(), None)))?;
        let columns: Vec<String> = conditions::CONDITIONS
            .iter()
            .map(|d| d.name.to_string())
            .collect();
        let rows = cases
            .iter()
            .map(|case| CaseRow {
                id: case.id.clone(),
                file: case.file.clone(),
                line: None,
                cells: columns
                    .iter()
                    .filter_map(|n| conditions::value(case, n).map(|v| (n.clone(), v)))
                    .collect(),
            })
            .collect();
        Ok(CaseTable { columns, rows })
    }

    /// Reads a CSV case matrix: a first column `case` (ids), then one column per condition.
    ///
    /// Cells hold 0/1, a membership score in [0, 1], or a count (a column with a value above 1
    /// is a count column); an empty cell, `?`, `NA` or `unknown` is unknown.
    pub fn from_csv(text: &str, file: &str) -> Result<CaseTable, CaseError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let csv_err = |e: csv::Error| {
            let line = e.position().map(|p| p.line() as usize);
            CaseError::invalid(file, line, "", None, e.to_string())
        };
        let headers = rdr.headers().map_err(csv_err)?.clone();
        let mut errors = Vec::new();
        let first = headers.get(0).unwrap_or("").trim();
        if !first.eq_ignore_ascii_case("case") {
            errors.push(CaseError::invalid(
                file,
                Some(1),
                "case",
                Some(format!("\"{first}\"")),
                "the first column must be `case` (the case ids)",
            ));
        }
        let columns: Vec<String> = headers
            .iter()
            .skip(1)
            .map(|h| h.trim().to_string())
            .collect();
        for (i, name) in columns.iter().enumerate() {
            if !is_name(name) {
                errors.push(CaseError::invalid(
                    file,
                    Some(1),
                    name,
                    Some(format!("\"{name}\"")),
                    "a condition name starts with a letter and holds letters, digits and `_`",
                ));
            }
            if columns[..i].contains(name) {
                errors.push(CaseError::invalid(
                    file,
                    Some(1),
                    name,
                    None,
                    "duplicate column",
                ));
            }
        }
        // First pass: raw numbers; the kind of each column is decided once all are read.
        let mut raw: Vec<(String, usize, Vec<Option<f64>>)> = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(csv_err)?;
            let line = rec.position().map_or(0, |p| p.line() as usize);
            let id = rec.get(0).unwrap_or("").trim().to_string();
            if id.is_empty() {
                errors.push(CaseError::invalid(
                    file,
                    Some(line),
                    "case",
                    Some("\"\"".into()),
                    "empty case id",
                ));
            }
            let mut values = Vec::with_capacity(columns.len());
            for (j, name) in columns.iter().enumerate() {
                let cell = rec.get(j + 1).unwrap_or("").trim();
                match cell {
                    "" | "?" | "NA" | "unknown" => values.push(None),
                    _ => match cell.parse::<f64>() {
                        Ok(v) if v.is_finite() && v >= 0.0 => values.push(Some(v)),
                        _ => {
                            errors.push(CaseError::invalid(
                                file,
                                Some(line),
                                name,
                                Some(format!("\"{cell}\"")),
                                "expected a membership score in [0, 1], a count, or an empty \
                                 cell / `?` / `NA` / `unknown` for unknown",
                            ));
                            values.push(None);
                        }
                    },
                }
            }
            raw.push((id, line, values));
        }
        let kinds: Vec<ConditionKind> = (0..columns.len())
            .map(|j| {
                if raw.iter().any(|r| r.2[j].is_some_and(|v| v > 1.0)) {
                    ConditionKind::Count
                } else {
                    ConditionKind::Score
                }
            })
            .collect();
        let mut rows = Vec::with_capacity(raw.len());
        // one shared copy of the file and column names for every cell
        let shared_file: std::sync::Arc<str> = std::sync::Arc::from(file);
        let shared_columns: Vec<std::sync::Arc<str>> = columns
            .iter()
            .map(|c| std::sync::Arc::from(c.as_str()))
            .collect();
        for (id, line, values) in raw {
            let mut cells = BTreeMap::new();
            for (j, name) in columns.iter().enumerate() {
                let cell = match (kinds[j], values[j]) {
                    (_, None) if kinds[j] == ConditionKind::Count => Cell::Count(Coded::Unknown),
                    (_, None) => Cell::Score(Bounds::UNKNOWN),
                    (ConditionKind::Score, Some(v)) => {
                        Cell::Score(Bounds::point(Membership::new(v).unwrap_or(Membership::OUT)))
                    }
                    (ConditionKind::Count, Some(v)) => {
                        if v.fract() != 0.0 || v > f64::from(u32::MAX) {
                            errors.push(CaseError::invalid(
                                file,
                                Some(line),
                                name,
                                Some(v.to_string()),
                                "this column holds counts (a value is above 1): every value \
                                 must be a whole number",
                            ));
                        }
                        Cell::Count(Coded::Known(v as u32))
                    }
                };
                let origin = Origin {
                    file: shared_file.clone(),
                    line: Some(line),
                    field: shared_columns[j].clone(),
                };
                cells.insert(name.clone(), (cell, origin));
            }
            rows.push(CaseRow {
                id,
                file: file.to_string(),
                line: Some(line),
                cells,
            });
        }
        if let Err(e) = check_unique_ids(
            rows.iter()
                .map(|r| (r.id.as_str(), r.file.as_str(), r.line)),
        ) {
            errors.push(e);
        }
        match errors.len() {
            0 => Ok(CaseTable { columns, rows }),
            1 => Err(errors.remove(0)),
            _ => Err(CaseError::Many(errors)),
        }
    }

    /// Bounds of a score condition for a row, or an error if it is a count or unknown name.
    pub fn score(&self, row: &CaseRow, name: &str) -> Option<Bounds> {
        match row.cells.get(name) {
            Some((Cell::Score(b), _)) => Some(*b),
            _ => None,
        }
    }
}

fn check_unique_ids<'a>(
    ids: impl Iterator<Item = (&'a str, &'a str, Option<usize>)>,
) -> Result<(), CaseError> {
    let mut seen: BTreeMap<&str, (&str, Option<usize>)> = BTreeMap::new();
    let mut errors = Vec::new();
    for (id, file, line) in ids {
        if let Some((first, first_line)) = seen.get(id) {
            let at = first_line.map_or(String::new(), |l| format!(":{l}"));
            errors.push(CaseError::invalid(
                file,
                line,
                "id",
                Some(format!("\"{id}\"")),
                format!("duplicate case id (first in {first}{at})"),
            ));
        } else {
            seen.insert(id, (file, line));
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(CaseError::Many(errors)),
    }
}

/// True for a valid condition name.
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Crisp (0/1) or fuzzy (scores in [0, 1]) matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Scale {
    /// 0/1; fuzzy scores are dichotomised at the 0.5 crossover (exactly 0.5 is refused).
    Crisp,
    /// Membership scores as coded.
    Fuzzy,
}

/// What to do with an unknown value of a chosen condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum UnknownPolicy {
    /// Refuse the whole matrix, naming every unknown.
    Refuse,
    /// Analyse only the cases where every chosen condition is known; the dropped cases are
    /// listed in [`Matrix::dropped`].
    #[cfg_attr(feature = "clap", value(name = "drop"))]
    DropCases,
}

impl UnknownPolicy {
    /// What to add to `error`, a matrix refused under this policy: when unknowns were refused,
    /// a hint that `choice` (the way to drop them, e.g. `--unknown drop`) analyses the known
    /// cases; else nothing.
    pub fn hint(self, error: &CaseError, choice: &str) -> String {
        if self == UnknownPolicy::Refuse && error.to_string().contains("unknowns are refused") {
            format!(
                "\nhint: `{choice}` analyses only the cases where every chosen condition is known"
            )
        } else {
            String::new()
        }
    }
}

/// A chosen condition: a name, and for counts the threshold that makes it a crisp set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionSpec {
    /// Condition name (`TIES`, `NMUN`).
    pub name: String,
    /// For a count: membership is 1 when the count is at least this.
    pub at_least: Option<u32>,
}

impl FromStr for ConditionSpec {
    type Err = String;

    /// `TIES` or `NMUN>=20`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (name, at_least) = match s.split_once(">=") {
            Some((n, t)) => {
                let t = t.trim().parse::<u32>().map_err(|_| {
                    format!("`{s}`: the threshold after `>=` must be a whole number")
                })?;
                (n.trim(), Some(t))
            }
            None => (s, None),
        };
        if !is_name(name) {
            return Err(format!("`{s}` is not a condition name"));
        }
        Ok(ConditionSpec {
            name: name.to_string(),
            at_least,
        })
    }
}

impl ConditionSpec {
    /// The matrix column name: the condition's name, `NMUN_GE20` for `NMUN>=20` (a name R and
    /// the QCA engine accept).
    pub fn column_name(&self) -> String {
        match self.at_least {
            Some(t) => format!("{}_GE{t}", self.name),
            None => self.name.clone(),
        }
    }
}

impl fmt::Display for ConditionSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at_least {
            Some(t) => write!(f, "{}>={t}", self.name),
            None => write!(f, "{}", self.name),
        }
    }
}

/// What goes into a matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixSpec {
    /// The conditions, in column order.
    pub conditions: Vec<ConditionSpec>,
    /// The outcome column (last), usually `SUCCESS`.
    pub outcome: Option<ConditionSpec>,
    /// Crisp or fuzzy.
    pub scale: Scale,
    /// How unknowns are handled.
    pub unknowns: UnknownPolicy,
}

/// A case left out of a matrix because of unknown values.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DroppedCase {
    /// Case id.
    pub case: String,
    /// Where it comes from.
    pub file: String,
    /// The chosen conditions it does not know.
    pub unknown: Vec<String>,
}

/// A QCA data matrix: one row per case, one column per chosen condition, outcome last.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Matrix {
    /// Column names (conditions, then the outcome).
    pub columns: Vec<String>,
    /// Case ids, in row order.
    pub cases: Vec<String>,
    /// Values, `values[row][column]`, each in [0, 1].
    pub values: Vec<Vec<f64>>,
    /// Cases left out under [`UnknownPolicy::DropCases`].
    pub dropped: Vec<DroppedCase>,
    /// Fuzzy scores dichotomised for a crisp matrix: (case, condition, score).
    pub dichotomised: Vec<(String, String, f64)>,
}

impl Matrix {
    /// Builds the matrix of `spec` from `table`.
    pub fn build(table: &CaseTable, spec: &MatrixSpec) -> Result<Matrix, CaseError> {
        let mut chosen: Vec<&ConditionSpec> = spec.conditions.iter().collect();
        chosen.extend(spec.outcome.iter());
        let mut errors = Vec::new();
        for (i, c) in chosen.iter().enumerate() {
            if chosen[..i].iter().any(|p| p.name == c.name) {
                errors.push(spec_error(&c.name, "chosen twice".into()));
            }
            if !table.columns.contains(&c.name) {
                errors.push(spec_error(
                    &c.name,
                    format!("no such condition; available: {}", table.columns.join(", ")),
                ));
            }
        }
        if chosen.is_empty() {
            errors.push(spec_error("", "choose at least one condition".into()));
        }
        // A count needs a threshold and a score must not have one: one error per condition.
        for c in &chosen {
            let kind = table.rows.iter().find_map(|r| r.cells.get(&c.name));
            match (kind, c.at_least) {
                (Some((Cell::Count(_), _)), None) => errors.push(spec_error(
                    &c.name,
                    format!(
                        "{} is a count: give a threshold (e.g. {}>=20) or calibrate it with \
                         `ambit qca`",
                        c.name, c.name
                    ),
                )),
                (Some((Cell::Score(_), _)), Some(_)) => errors.push(spec_error(
                    &c.to_string(),
                    format!(
                        "{} is a membership score, not a count: drop the `>=` threshold",
                        c.name
                    ),
                )),
                _ => {}
            }
        }
        if !errors.is_empty() {
            return Err(many(errors));
        }
        let mut matrix = Matrix {
            columns: chosen.iter().map(|c| c.column_name()).collect(),
            cases: Vec::new(),
            values: Vec::new(),
            dropped: Vec::new(),
            dichotomised: Vec::new(),
        };
        let mut unknown_errors = Vec::new();
        for row in &table.rows {
            let mut values = Vec::with_capacity(chosen.len());
            let mut unknown = Vec::new();
            for c in &chosen {
                let Some((cell, origin)) = row.cells.get(&c.name) else {
                    unknown.push(c.name.clone());
                    unknown_errors.push(CaseError::invalid(
                        &row.file,
                        row.line,
                        &c.name,
                        None,
                        format!(
                            "{} is not coded for case {}: unknowns are refused",
                            c.name, row.id
                        ),
                    ));
                    continue;
                };
                match cell_value(cell, c, spec.scale) {
                    Ok(Some((v, dich))) => {
                        if let Some(score) = dich {
                            matrix
                                .dichotomised
                                .push((row.id.clone(), c.name.clone(), score));
                        }
                        values.push(v);
                    }
                    Ok(None) => {
                        unknown.push(c.name.clone());
                        unknown_errors.push(CaseError::invalid(
                            &origin.file,
                            origin.line,
                            &origin.field,
                            Some(describe(cell)),
                            format!(
                                "{} is unknown for case {}: unknowns are refused (analyse only \
                                 the cases where known to go on without it)",
                                c.name, row.id
                            ),
                        ));
                    }
                    Err(msg) => errors.push(CaseError::invalid(
                        &origin.file,
                        origin.line,
                        &origin.field,
                        Some(describe(cell)),
                        format!("{} for case {}: {msg}", c.name, row.id),
                    )),
                }
            }
            if unknown.is_empty() {
                matrix.cases.push(row.id.clone());
                matrix.values.push(values);
            } else {
                matrix.dropped.push(DroppedCase {
                    case: row.id.clone(),
                    file: row.file.clone(),
                    unknown,
                });
            }
        }
        if !errors.is_empty() {
            return Err(many(errors));
        }
        if spec.unknowns == UnknownPolicy::Refuse && !unknown_errors.is_empty() {
            return Err(many(unknown_errors));
        }
        if matrix.cases.is_empty() {
            return Err(spec_error(
                "",
                format!(
                    "no case has every chosen condition known ({} dropped)",
                    matrix.dropped.len()
                ),
            ));
        }
        Ok(matrix)
    }

    /// The matrix as CSV: `case,COND...,OUTCOME`, one line per case.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("case");
        for c in &self.columns {
            out.push(',');
            out.push_str(&csv_field(c));
        }
        out.push('\n');
        for (case, values) in self.cases.iter().zip(&self.values) {
            out.push_str(&csv_field(case));
            for v in values {
                out.push(',');
                out.push_str(&format_score(*v));
            }
            out.push('\n');
        }
        out
    }

    /// Every notice of the matrix, in order: each fuzzy score dichotomised for a crisp
    /// matrix, then the cases dropped (if any).
    pub fn notices(&self) -> Vec<String> {
        let mut out: Vec<String> = (self.dichotomised.iter())
            .map(|(case, cond, score)| {
                format!("{cond} of case {case} is {score}: dichotomised at 0.5 for a crisp matrix")
            })
            .collect();
        if !self.dropped.is_empty() {
            out.push(self.dropped_notice());
        }
        out
    }

    /// The notice to show when cases were dropped (empty when none).
    pub fn dropped_notice(&self) -> String {
        if self.dropped.is_empty() {
            return String::new();
        }
        let list: Vec<String> = self
            .dropped
            .iter()
            .map(|d| format!("{} ({}: {})", d.case, d.file, d.unknown.join(", ")))
            .collect();
        format!(
            "analysed only the cases where known: dropped {} of {} case(s) with unknown values: {}",
            self.dropped.len(),
            self.dropped.len() + self.cases.len(),
            list.join("; ")
        )
    }
}

/// The value of one cell for the matrix: `Ok(None)` when unknown; the second item is the
/// fuzzy score when it was dichotomised.
fn cell_value(
    cell: &Cell,
    spec: &ConditionSpec,
    scale: Scale,
) -> Result<Option<(f64, Option<f64>)>, String> {
    match (cell, spec.at_least) {
        (Cell::Count(_), None) => Err(format!(
            "{} is a count: give a threshold (e.g. {}>=20) or calibrate it with `ambit qca`",
            spec.name, spec.name
        )),
        (Cell::Count(Coded::Unknown), Some(_)) => Ok(None),
        (Cell::Count(Coded::Known(n)), Some(t)) => Ok(Some((f64::from(u8::from(*n >= t)), None))),
        (Cell::Score(_), Some(_)) => Err(format!(
            "{} is a membership score, not a count: drop the `>=` threshold",
            spec.name
        )),
        (Cell::Score(b), None) => {
            let Some(m) = b.known() else { return Ok(None) };
            let v = m.value();
            match scale {
                Scale::Fuzzy => Ok(Some((v, None))),
                Scale::Crisp if m.is_crisp() => Ok(Some((v, None))),
                Scale::Crisp if v == 0.5 => Err(
                    "a score of exactly 0.5 is neither in nor out: it cannot be made crisp".into(),
                ),
                // Ragin's crossover: above 0.5 is more in than out.
                Scale::Crisp => Ok(Some((f64::from(u8::from(v > 0.5)), Some(v)))),
            }
        }
    }
}

fn describe(cell: &Cell) -> String {
    match cell {
        Cell::Score(b) if b.is_known() => format!("{}", b.low),
        Cell::Score(b) if b.low == 0.0 && b.high == 1.0 => "\"unknown\"".into(),
        Cell::Score(b) => format!("between {} and {} (partly unknown)", b.low, b.high),
        Cell::Count(Coded::Known(n)) => n.to_string(),
        Cell::Count(Coded::Unknown) => "\"unknown\"".into(),
    }
}

fn spec_error(name: &str, message: String) -> CaseError {
    CaseError::invalid(
        "<matrix>",
        None,
        "conditions",
        (!name.is_empty()).then(|| name.to_string()),
        message,
    )
}

fn many(mut errors: Vec<CaseError>) -> CaseError {
    if errors.len() == 1 {
        errors.remove(0)
    } else {
        CaseError::Many(errors)
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Shortest decimal that reads back as the same score (`1`, `0`, `0.33`).
pub fn format_score(v: f64) -> String {
    let s = format!("{v}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_specs() {
        assert_eq!(
            "NMUN>=20".parse::<ConditionSpec>(),
            Ok(ConditionSpec {
                name: "NMUN".into(),
                at_least: Some(20)
            })
        );
        assert!("NMUN>=x".parse::<ConditionSpec>().is_err());
        assert!("1X".parse::<ConditionSpec>().is_err());
    }

    #[test]
    fn scores_print_short() {
        assert_eq!(format_score(1.0), "1");
        assert_eq!(format_score(0.0), "0");
        assert_eq!(format_score(0.33), "0.33");
    }
}
