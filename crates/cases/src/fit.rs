//! Parameters of fit of an expression on a case table (Ragin's fuzzy-set formulas).
//!
//! Sufficiency X -> Y: inclS = sum(min(X, Y)) / sum(X), PRI = (sum(min(X, Y)) -
//! sum(min(X, Y, ~Y))) / (sum(X) - sum(min(X, Y, ~Y))), covS = sum(min(X, Y)) / sum(Y), and a
//! term's unique coverage covU = covS(all terms) - covS(all other terms), as R's QCA computes
//! it. Necessity: inclN = sum(min(X, Y)) / sum(Y), covN = sum(min(X, Y)) / sum(X),
//! RoN = sum(1 - X) / sum(1 - min(X, Y)) (Schneider & Wagemann 2012). Cases with an unknown
//! value are left out and listed.

use crate::error::CaseError;
use crate::expr::Expr;
use crate::matrix::{CaseTable, DroppedCase};
use crate::membership::Bounds;
use serde::Serialize;

/// Fit of one term (or of the whole expression).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermFit {
    /// The term.
    pub term: String,
    /// Sufficiency inclusion.
    pub incl_s: Option<f64>,
    /// Proportional reduction in inconsistency.
    pub pri: Option<f64>,
    /// Sufficiency coverage.
    pub cov_s: Option<f64>,
    /// Unique coverage (terms of a sum only).
    pub cov_u: Option<f64>,
    /// Necessity inclusion.
    pub incl_n: Option<f64>,
    /// Relevance of necessity.
    pub ron: Option<f64>,
    /// Necessity coverage.
    pub cov_n: Option<f64>,
}

/// Fit of an expression and of each of its terms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// The cases used.
    pub cases: Vec<String>,
    /// The cases left out for unknown values.
    pub dropped: Vec<DroppedCase>,
    /// Each top-level term.
    pub terms: Vec<TermFit>,
    /// The whole expression.
    pub expression: TermFit,
}

/// Fits `expr` as sufficient (and necessary) for `outcome` (a name or an expression such as
/// `~SUCCESS`) on the known cases of `table`.
pub fn fit(table: &CaseTable, expr: &Expr, outcome: &Expr) -> Result<Fit, CaseError> {
    let mut names = expr.conditions();
    names.extend(outcome.conditions());
    for n in &names {
        if !table.columns.contains(n) {
            return Err(CaseError::invalid(
                "<fit>",
                None,
                "condition",
                Some(n.clone()),
                format!("no such condition; available: {}", table.columns.join(", ")),
            ));
        }
    }
    let mut cases = Vec::new();
    let mut dropped = Vec::new();
    let mut rows = Vec::new();
    for row in &table.rows {
        let unknown: Vec<String> = names
            .iter()
            .filter(|n| !table.score(row, n).is_some_and(Bounds::is_known))
            .cloned()
            .collect();
        if unknown.is_empty() {
            cases.push(row.id.clone());
            rows.push(row);
        } else {
            dropped.push(DroppedCase {
                case: row.id.clone(),
                file: row.file.clone(),
                unknown,
            });
        }
    }
    let value = |e: &Expr, row| -> f64 {
        e.eval(&|n: &str| table.score(row, n))
            .map(|b| b.low)
            .unwrap_or(f64::NAN)
    };
    let scores = |e: &Expr| -> Vec<f64> { rows.iter().map(|r| value(e, r)).collect() };
    let y = scores(outcome);
    let terms = expr.terms();
    let all = scores(expr);
    let total_cov = cov_s(&all, &y);
    let mut fits = Vec::new();
    for (i, t) in terms.iter().enumerate() {
        let x = scores(t);
        let mut f = term_fit(&t.to_string(), &x, &y);
        if terms.len() > 1 {
            let others: Vec<f64> = (0..rows.len())
                .map(|k| {
                    terms
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != i)
                        .map(|(_, o)| value(o, rows[k]))
                        .fold(0.0, f64::max)
                })
                .collect();
            f.cov_u = match (total_cov, cov_s(&others, &y)) {
                (Some(a), Some(b)) => Some(a - b),
                _ => None,
            };
        }
        fits.push(f);
    }
    Ok(Fit {
        cases,
        dropped,
        terms: fits,
        expression: term_fit(&expr.to_string(), &all, &y),
    })
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den != 0.0).then(|| num / den)
}

fn cov_s(x: &[f64], y: &[f64]) -> Option<f64> {
    let both: f64 = x.iter().zip(y).map(|(a, b)| a.min(*b)).sum();
    ratio(both, y.iter().sum())
}

fn term_fit(term: &str, x: &[f64], y: &[f64]) -> TermFit {
    let both: f64 = x.iter().zip(y).map(|(a, b)| a.min(*b)).sum();
    let both_not: f64 = x.iter().zip(y).map(|(a, b)| a.min(*b).min(1.0 - b)).sum();
    let sx: f64 = x.iter().sum();
    let sy: f64 = y.iter().sum();
    let not_x: f64 = x.iter().map(|a| 1.0 - a).sum();
    let not_both: f64 = x.iter().zip(y).map(|(a, b)| 1.0 - a.min(*b)).sum();
    TermFit {
        term: term.to_string(),
        incl_s: ratio(both, sx),
        pri: ratio(both - both_not, sx - both_not),
        cov_s: ratio(both, sy),
        cov_u: None,
        incl_n: ratio(both, sy),
        ron: ratio(not_x, not_both),
        cov_n: ratio(both, sx),
    }
}
