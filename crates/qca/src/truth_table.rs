//! Truth tables for crisp, multi-value and fuzzy sets (Ragin 2008; R QCA `truthTable()`).
//!
//! Each case belongs to the row of its configuration (fuzzy scores above 0.5 count as present).
//! Row consistency (inclusion) is `sum(min(m, y)) / sum(m)` and PRI is
//! `(sum(min(m, y)) - sum(min(m, y, 1 - y))) / (sum(m) - sum(min(m, y, 1 - y)))`, with `m` the
//! case's membership in the row (minimum over conditions). `n` counts cases with `m > 0.5`.

use crate::data::DataMatrix;
use crate::error::{check_cutoff, QcaError, Result};
use serde::Serialize;

/// Tolerance of R's `agteb()` (greater than or approximately equal): the square root of epsilon.
pub(crate) const R_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// `a >= b` up to R's tolerance.
pub(crate) fn agteb(a: f64, b: f64) -> bool {
    a > b || (a - b).abs() <= R_TOLERANCE
}

/// One or two inclusion (consistency) cutoffs: rows at or above `one` are positive, rows in
/// `[zero, one)` are contradictions (`C`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InclCut {
    /// Cutoff for OUT = 1.
    pub one: f64,
    /// Lower cutoff for OUT = C (equal to `one` when there is a single cutoff).
    pub zero: f64,
}

impl InclCut {
    /// A single cutoff.
    pub fn single(cut: f64) -> Self {
        Self {
            one: cut,
            zero: cut,
        }
    }
}

/// Parameters of a truth table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TtParams {
    /// Outcome column; `~Y` negates it (1 - y), `Y[v]` selects categories of a multi-value outcome.
    pub outcome: String,
    /// Condition columns; empty means every column but the outcome.
    pub conditions: Vec<String>,
    /// Inclusion cutoff(s).
    pub incl_cut: InclCut,
    /// Frequency cutoff: rows with fewer cases become remainders.
    pub n_cut: usize,
    /// PRI cutoff for OUT = 1.
    pub pri_cut: f64,
    /// Binomial inclusion test (R's `inf.test = c("binom", alpha)`), crisp outcomes only: a row
    /// is 1 when its inclusion is significantly above the first cutoff at this level, else C when
    /// significantly above the second, else 0.
    pub inf_test: Option<f64>,
}

impl TtParams {
    /// Defaults of R QCA: inclusion cutoff 1, frequency cutoff 1, no PRI cutoff.
    pub fn new(outcome: impl Into<String>) -> Self {
        Self {
            outcome: outcome.into(),
            conditions: Vec::new(),
            incl_cut: InclCut::single(1.0),
            n_cut: 1,
            pri_cut: 0.0,
            inf_test: None,
        }
    }
}

/// Output value of a truth table row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Out {
    /// Sufficient for the outcome (`1`).
    One,
    /// Not sufficient (`0`).
    Zero,
    /// Contradiction between the two inclusion cutoffs (`C`).
    Contradiction,
    /// Remainder: unobserved, or below the frequency cutoff (`?`).
    Remainder,
}

impl Out {
    /// The symbol R prints.
    pub fn symbol(self) -> &'static str {
        match self {
            Out::One => "1",
            Out::Zero => "0",
            Out::Contradiction => "C",
            Out::Remainder => "?",
        }
    }
}

impl Serialize for Out {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.symbol())
    }
}

/// One observed row of a truth table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TtRow {
    /// 1-based mixed-radix row number (first condition most significant), as R numbers rows.
    pub row: u64,
    /// Value of each condition.
    pub values: Vec<u8>,
    /// Output.
    #[serde(rename = "OUT")]
    pub out: Out,
    /// For rows below the frequency cutoff: the output they would have had.
    #[serde(rename = "OUT_if_kept")]
    pub out_if_kept: Option<Out>,
    /// Number of cases with membership above 0.5.
    pub n: usize,
    /// Consistency (inclusion) of the row as a subset of the outcome.
    pub incl: f64,
    /// Proportional reduction in inconsistency.
    #[serde(rename = "PRI")]
    pub pri: f64,
    /// Cases in the row (membership above 0.5; cases with a 0.5 score are in no row).
    pub cases: Vec<String>,
    /// Deviant cases consistency in kind (R's `dcc`): cases of the row whose outcome
    /// membership is below 0.5, i.e. in the row but not in the outcome.
    #[serde(rename = "DCC", skip_serializing_if = "Vec::is_empty")]
    pub dcc: Vec<String>,
    /// With the binomial inclusion test: the one-sided p-value of the inclusion exceeding the
    /// first cutoff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pval1: Option<f64>,
}

/// A truth table, with the calibrated data it was built from (needed for parameters of fit).
#[derive(Debug, Clone, Serialize)]
pub struct TruthTable {
    /// Condition names, in order.
    pub conditions: Vec<String>,
    /// Outcome as given (`~Y` when negated).
    pub outcome: String,
    /// Number of levels of each condition (2 for crisp and fuzzy sets).
    pub noflevels: Vec<u8>,
    /// Total number of rows (product of the levels).
    pub n_rows_total: u64,
    /// Observed rows (at least one case assigned), by row number.
    pub observed_rows: Vec<TtRow>,
    /// Warnings (e.g. memberships of exactly 0.5).
    pub warnings: Vec<String>,
    /// The parameters used.
    #[serde(skip)]
    pub params: TtParams,
    #[serde(skip)]
    pub(crate) fuzzy: Vec<bool>,
    #[serde(skip)]
    pub(crate) case_names: Vec<String>,
    /// Condition values per condition, per case.
    #[serde(skip)]
    pub(crate) x: Vec<Vec<f64>>,
    /// Outcome membership per case (negated when asked).
    #[serde(skip)]
    pub(crate) y: Vec<f64>,
}

/// Outcome specification split into column, categories and negation.
pub(crate) struct OutcomeSpec {
    pub column: String,
    pub negated: bool,
    pub categories: Option<Vec<u32>>,
}

pub(crate) fn parse_outcome(text: &str) -> Result<OutcomeSpec> {
    let t = text.trim();
    let (negated, rest) = match t.strip_prefix('~') {
        Some(r) => (true, r.trim()),
        None => (false, t),
    };
    if let Some(open) = rest.find(['[', '{']) {
        let close = rest.rfind([']', '}']).ok_or_else(|| QcaError::Parse {
            expression: text.into(),
            message: "missing closing bracket".into(),
        })?;
        let cats = rest[open + 1..close]
            .split(',')
            .map(|p| p.trim().parse::<u32>())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|_| QcaError::Parse {
                expression: text.into(),
                message: "categories must be integers".into(),
            })?;
        Ok(OutcomeSpec {
            column: rest[..open].trim().into(),
            negated,
            categories: Some(cats),
        })
    } else {
        Ok(OutcomeSpec {
            column: rest.into(),
            negated,
            categories: None,
        })
    }
}

/// Reads the outcome membership of every case, validated and negated as asked.
pub(crate) fn outcome_values(data: &DataMatrix, text: &str) -> Result<Vec<f64>> {
    let spec = parse_outcome(text)?;
    let raw = data.complete_column(&spec.column)?;
    let mut y = Vec::with_capacity(raw.len());
    for (i, &v) in raw.iter().enumerate() {
        let m = match &spec.categories {
            Some(cats) => f64::from(u8::from(cats.iter().any(|&c| f64::from(c) == v))),
            None => {
                if !(0.0..=1.0).contains(&v) {
                    return Err(QcaError::InvalidMembership {
                        file: data.source().into(),
                        line: data.line_of(i),
                        column: spec.column.clone(),
                        value: v,
                        reason: "an outcome must be a crisp or fuzzy set in [0, 1]; use Y[v] for a category".into(),
                    });
                }
                v
            }
        };
        y.push(if spec.negated { 1.0 - m } else { m });
    }
    Ok(y)
}

/// Validates a condition column: fuzzy scores in [0, 1] or non-negative integer categories.
/// Returns (values, is_fuzzy, number of levels).
pub(crate) fn condition_values(data: &DataMatrix, name: &str) -> Result<(Vec<f64>, bool, u8)> {
    let x = data.complete_column(name)?;
    let fuzzy = x.iter().any(|v| v.fract() != 0.0);
    let bad = |i: usize, v: f64, reason: &str| QcaError::InvalidMembership {
        file: data.source().into(),
        line: data.line_of(i),
        column: name.into(),
        value: v,
        reason: reason.into(),
    };
    if fuzzy {
        if let Some((i, &v)) = x
            .iter()
            .enumerate()
            .find(|(_, v)| !(0.0..=1.0).contains(*v))
        {
            return Err(bad(i, v, "fuzzy memberships must lie in [0, 1]"));
        }
        return Ok((x, true, 2));
    }
    if let Some((i, &v)) = x.iter().enumerate().find(|(_, v)| **v < 0.0) {
        return Err(bad(i, v, "categories must be non-negative integers"));
    }
    let max = x.iter().copied().fold(0.0, f64::max);
    if max > 31.0 {
        let i = x.iter().position(|&v| v == max).unwrap_or(0);
        return Err(bad(
            i,
            max,
            "more than 32 categories: calibrate raw data first",
        ));
    }
    Ok((x, false, (max as u8 + 1).max(2)))
}

/// Resolves the condition list: given names, or every column but the outcome.
pub(crate) fn resolve_conditions(
    data: &DataMatrix,
    conditions: &[String],
    outcome: &str,
) -> Result<Vec<String>> {
    let out_col = parse_outcome(outcome)?.column;
    if conditions.is_empty() {
        return Ok(data
            .column_names()
            .iter()
            .filter(|c| **c != out_col)
            .cloned()
            .collect());
    }
    for c in conditions {
        if data.column_index(c).is_none() {
            return Err(QcaError::MissingColumn {
                file: data.source().into(),
                column: c.clone(),
                available: data.column_names().join(", "),
            });
        }
        if *c == out_col {
            return Err(QcaError::InvalidParameter(format!(
                "`{c}` is the outcome and cannot also be a condition"
            )));
        }
    }
    Ok(conditions.to_vec())
}

impl TruthTable {
    /// Builds the truth table of `params.outcome` on `params.conditions` of `data`.
    pub fn build(data: &DataMatrix, params: &TtParams) -> Result<Self> {
        let conditions = resolve_conditions(data, &params.conditions, &params.outcome)?;
        if conditions.is_empty() {
            return Err(QcaError::InvalidParameter(
                "no conditions to analyse".into(),
            ));
        }
        check_cutoff("incl.cut", params.incl_cut.one)?;
        check_cutoff("incl.cut (second, for C)", params.incl_cut.zero)?;
        check_cutoff("pri.cut", params.pri_cut)?;
        if params.incl_cut.zero > params.incl_cut.one {
            return Err(QcaError::InvalidParameter(format!(
                "the second inclusion cutoff ({}) must not exceed the first ({})",
                params.incl_cut.zero, params.incl_cut.one
            )));
        }
        let y = outcome_values(data, &params.outcome)?;
        if let Some(alpha) = params.inf_test {
            if !(alpha > 0.0 && alpha < 1.0) {
                return Err(QcaError::InvalidParameter(format!(
                    "inf.test: the significance level must lie in (0, 1), got {alpha}"
                )));
            }
            if let Some(i) = y.iter().position(|&v| v != 0.0 && v != 1.0) {
                return Err(QcaError::InvalidMembership {
                    file: data.source().into(),
                    line: data.line_of(i),
                    column: params.outcome.clone(),
                    value: y[i],
                    reason: "the binomial inclusion test needs a crisp outcome (0 or 1)".into(),
                });
            }
        }
        let mut x = Vec::new();
        let mut fuzzy = Vec::new();
        let mut noflevels = Vec::new();
        for c in &conditions {
            let (v, f, l) = condition_values(data, c)?;
            x.push(v);
            fuzzy.push(f);
            noflevels.push(l);
        }
        let total = noflevels
            .iter()
            .try_fold(1u64, |acc, &l| acc.checked_mul(u64::from(l)));
        let n_rows_total = total.filter(|&t| t < (1u64 << 62)).ok_or_else(|| {
            QcaError::InvalidParameter(format!(
                "{} conditions give too many truth table rows",
                conditions.len()
            ))
        })?;
        let ncases = y.len();
        let k = conditions.len();
        let mut warnings = Vec::new();
        // Configuration of each case (fuzzy > 0.5 -> 1), and whether a 0.5 score hides it.
        let mut config = vec![0u64; ncases];
        let mut half = vec![false; ncases];
        for i in 0..ncases {
            let mut idx = 0u64;
            for j in 0..k {
                let v = x[j][i];
                let val = if fuzzy[j] {
                    if v == 0.5 {
                        half[i] = true;
                    }
                    u64::from(v > 0.5)
                } else {
                    v as u64
                };
                idx = idx * u64::from(noflevels[j]) + val;
            }
            config[i] = idx;
        }
        for i in (0..ncases).filter(|&i| half[i]) {
            let conds: Vec<&str> = (0..k)
                .filter(|&j| fuzzy[j] && x[j][i] == 0.5)
                .map(|j| conditions[j].as_str())
                .collect();
            warnings.push(format!(
                "case `{}` has a membership of exactly 0.5 in {}: it is listed in no truth table row",
                data.cases()[i],
                conds.join(", ")
            ));
        }
        let mut indices: Vec<u64> = config.clone();
        indices.sort_unstable();
        indices.dedup();
        let any_fuzzy = fuzzy.iter().any(|&f| f);
        let mut rows = Vec::with_capacity(indices.len());
        let mut by_row: std::collections::HashMap<u64, Vec<usize>> =
            std::collections::HashMap::new();
        for (i, &c) in config.iter().enumerate() {
            by_row.entry(c).or_default().push(i);
        }
        for &idx in &indices {
            let values = decode_row(idx, &noflevels);
            let (mut sum_m, mut sum_my, mut sum_pri, mut n) = (0.0, 0.0, 0.0, 0usize);
            let mut visit = |m: f64, yi: f64| {
                let my = m.min(yi);
                sum_m += m;
                sum_my += my;
                sum_pri += my.min(1.0 - yi);
                if m > 0.5 {
                    n += 1;
                }
            };
            if any_fuzzy {
                for (i, &yi) in y.iter().enumerate() {
                    visit(row_membership(&x, &fuzzy, &values, i), yi);
                }
            } else {
                // Crisp and multi-value: membership is 1 exactly for the cases of this configuration.
                for &i in &by_row[&idx] {
                    visit(1.0, y[i]);
                }
            }
            let incl = sum_my / sum_m;
            let pri = (sum_my - sum_pri) / (sum_m - sum_pri);
            let mut computed = if agteb(incl, params.incl_cut.one) && agteb(pri, params.pri_cut) {
                Out::One
            } else {
                Out::Zero
            };
            if incl < params.incl_cut.one && agteb(incl, params.incl_cut.zero) {
                computed = Out::Contradiction;
            }
            let members: Vec<usize> = by_row[&idx].iter().copied().filter(|&i| !half[i]).collect();
            let mut pval1 = None;
            if let Some(alpha) = params.inf_test {
                // R QCA truthTable(inf.test = "binom"): binom.test(successes, n, p = incl.cut,
                // alternative = "greater") on the cases of the row.
                let successes = members.iter().filter(|&&i| y[i] > 0.5).count();
                let p1 = binomial_upper_tail(members.len(), successes, params.incl_cut.one);
                let p0 = binomial_upper_tail(members.len(), successes, params.incl_cut.zero);
                computed = if p1 < alpha {
                    Out::One
                } else if p0 < alpha {
                    Out::Contradiction
                } else {
                    Out::Zero
                };
                pval1 = Some(p1);
            }
            let (out, out_if_kept) = if n < params.n_cut {
                (Out::Remainder, Some(computed))
            } else {
                (computed, None)
            };
            let cases = members.iter().map(|&i| data.cases()[i].clone()).collect();
            let dcc = members
                .iter()
                .filter(|&&i| y[i] < 0.5)
                .map(|&i| data.cases()[i].clone())
                .collect();
            rows.push(TtRow {
                row: idx + 1,
                values,
                out,
                out_if_kept,
                n,
                incl,
                pri,
                cases,
                dcc,
                pval1,
            });
        }
        if rows.iter().all(|r| r.out == Out::Remainder) {
            return Err(QcaError::NothingToDo(format!(
                "no truth table row has at least {} cases (n.cut)",
                params.n_cut
            )));
        }
        Ok(Self {
            conditions,
            outcome: params.outcome.clone(),
            noflevels,
            n_rows_total,
            observed_rows: rows,
            warnings,
            params: params.clone(),
            fuzzy,
            case_names: data.cases().to_vec(),
            x,
            y,
        })
    }

    /// Observed rows sorted as R's `sort.by` does: by each key in turn (ties keep row order).
    pub fn sorted_rows(&self, keys: &[(SortKey, SortOrder)]) -> Vec<&TtRow> {
        let mut rows: Vec<&TtRow> = self.observed_rows.iter().collect();
        rows.sort_by(|a, b| {
            keys.iter()
                .map(|&(key, order)| {
                    let o = key.compare(a, b);
                    match order {
                        SortOrder::Increasing => o,
                        SortOrder::Decreasing => o.reverse(),
                    }
                })
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        rows
    }

    /// Rows with the given output.
    pub fn rows_with(&self, out: Out) -> impl Iterator<Item = &TtRow> {
        self.observed_rows.iter().filter(move |r| r.out == out)
    }

    /// Case labels in data order.
    pub fn case_names(&self) -> &[String] {
        &self.case_names
    }

    /// Membership of case `i` in the conjunction given as per-condition codes (0 = absent, v+1 = value v).
    pub(crate) fn term_membership(&self, codes: &[u8], i: usize) -> f64 {
        let mut m = 1.0f64;
        for (j, &c) in codes.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let v = self.x[j][i];
            let lit = if self.fuzzy[j] {
                if c == 2 {
                    v
                } else {
                    1.0 - v
                }
            } else {
                f64::from(u8::from(v == f64::from(c - 1)))
            };
            m = m.min(lit);
        }
        m
    }
}

/// Values of a 0-based mixed-radix row index.
pub(crate) fn decode_row(mut idx: u64, noflevels: &[u8]) -> Vec<u8> {
    let mut values = vec![0u8; noflevels.len()];
    for j in (0..noflevels.len()).rev() {
        let l = u64::from(noflevels[j]);
        values[j] = (idx % l) as u8;
        idx /= l;
    }
    values
}

/// 0-based mixed-radix index of row values.
pub(crate) fn encode_row(values: &[u8], noflevels: &[u8]) -> u64 {
    values
        .iter()
        .zip(noflevels)
        .fold(0u64, |acc, (&v, &l)| acc * u64::from(l) + u64::from(v))
}

fn row_membership(x: &[Vec<f64>], fuzzy: &[bool], values: &[u8], i: usize) -> f64 {
    let mut m = 1.0f64;
    for j in 0..values.len() {
        let v = x[j][i];
        let lit = if fuzzy[j] {
            if values[j] == 1 {
                v
            } else {
                1.0 - v
            }
        } else {
            f64::from(u8::from(v == f64::from(values[j])))
        };
        if lit < m {
            m = lit;
        }
    }
    m
}

/// A column of the truth table to sort by (R's `sort.by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SortKey {
    /// Output value: 0 < C < 1 (remainders lowest).
    Out,
    /// Sufficiency inclusion.
    Incl,
    /// Proportional reduction in inconsistency.
    Pri,
    /// Number of cases.
    N,
}

/// Direction of a sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SortOrder {
    /// Smallest first.
    Increasing,
    /// Largest first (R's default, `decreasing = TRUE`).
    Decreasing,
}

impl SortKey {
    /// A `--sort-by` item: `OUT`, `incl`, `PRI` or `n` (any case), largest first as R's
    /// default `decreasing = TRUE`, or smallest first with a `+` suffix (`-` is accepted).
    pub fn parse(text: &str) -> Result<(SortKey, SortOrder)> {
        let t = text.trim();
        let (name, order) = match (t.strip_suffix('+'), t.strip_suffix('-')) {
            (Some(n), _) => (n, SortOrder::Increasing),
            (_, Some(n)) => (n, SortOrder::Decreasing),
            _ => (t, SortOrder::Decreasing),
        };
        let key = match name.to_ascii_lowercase().as_str() {
            "out" => SortKey::Out,
            "incl" => SortKey::Incl,
            "pri" => SortKey::Pri,
            "n" => SortKey::N,
            _ => {
                return Err(QcaError::InvalidParameter(format!(
                "sort.by `{text}`: sort by OUT, incl, PRI or n (a `+` suffix sorts smallest first)"
            )))
            }
        };
        Ok((key, order))
    }

    fn compare(self, a: &TtRow, b: &TtRow) -> std::cmp::Ordering {
        let rank = |o: Out| match o {
            Out::Remainder => 0,
            Out::Zero => 1,
            Out::Contradiction => 2,
            Out::One => 3,
        };
        match self {
            SortKey::Out => rank(a.out).cmp(&rank(b.out)),
            SortKey::Incl => a.incl.total_cmp(&b.incl),
            SortKey::Pri => a.pri.total_cmp(&b.pri),
            SortKey::N => a.n.cmp(&b.n),
        }
    }
}

/// P(X >= k) for X ~ Binomial(n, p): the one-sided p-value of `binom.test(k, n, p,
/// alternative = "greater")`.
pub fn binomial_upper_tail(n: usize, k: usize, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    // Sum the probability mass from k to n; each term from the previous by the ratio of
    // consecutive binomial probabilities, starting from log C(n, k) p^k (1-p)^(n-k).
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let ln_choose: f64 = (0..k)
        .map(|i| ((n - i) as f64).ln() - ((i + 1) as f64).ln())
        .sum();
    let mut term = (ln_choose + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp();
    let mut sum = term;
    for i in k..n {
        term *= (n - i) as f64 / (i + 1) as f64 * p / (1.0 - p);
        sum += term;
    }
    sum.min(1.0)
}
