//! Parameters of fit (Ragin 2006, 2008; Schneider & Wagemann 2012): sufficiency inclusion (inclS),
//! proportional reduction in inconsistency (PRI), raw and unique coverage (covS, covU); necessity
//! inclusion (inclN), coverage (covN) and relevance (RoN); `pof()` of any expression and the
//! search of necessary conjunctions and disjunctions (R QCA `superSubset()`).

use crate::data::DataMatrix;
use crate::error::check_cutoff;
use crate::error::{QcaError, Result};
use crate::expr::Expression;
use crate::truth_table::{condition_values, outcome_values, resolve_conditions, R_TOLERANCE};
use serde::Serialize;
use std::collections::HashSet;

/// Sufficiency fit of a set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SetFit {
    /// Consistency: sum(min(x, y)) / sum(x).
    #[serde(rename = "inclS")]
    pub incl_s: f64,
    /// PRI: (sum(min(x,y)) - sum(min(x,y,1-y))) / (sum(x) - sum(min(x,y,1-y))).
    #[serde(rename = "PRI")]
    pub pri: f64,
    /// Coverage: sum(min(x, y)) / sum(y).
    #[serde(rename = "covS")]
    pub cov_s: f64,
}

/// Necessity fit of a set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NecessityFit {
    /// Consistency of necessity: sum(min(x, y)) / sum(y).
    #[serde(rename = "inclN")]
    pub incl_n: f64,
    /// Relevance of necessity (Schneider & Wagemann 2012): sum(1 - x) / sum(1 - min(x, y)).
    #[serde(rename = "RoN")]
    pub ro_n: f64,
    /// Coverage of necessity: sum(min(x, y)) / sum(x).
    #[serde(rename = "covN")]
    pub cov_n: f64,
}

fn ratio(a: f64, b: f64) -> f64 {
    if a == 0.0 && b == 0.0 {
        0.0
    } else {
        a / b
    }
}

/// Sufficiency fit of membership scores `x` for outcome `y`.
pub fn sufficiency(x: &[f64], y: &[f64]) -> SetFit {
    let (mut sx, mut sy, mut sxy, mut spri) = (0.0, 0.0, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        let m = a.min(b);
        sx += a;
        sy += b;
        sxy += m;
        spri += m.min(1.0 - b);
    }
    SetFit {
        incl_s: ratio(sxy, sx),
        pri: ratio(sxy - spri, sx - spri),
        cov_s: ratio(sxy, sy),
    }
}

/// Necessity fit of membership scores `x` for outcome `y`.
pub fn necessity(x: &[f64], y: &[f64]) -> NecessityFit {
    let (mut sx, mut sy, mut sxy, mut s1x, mut s1xy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        let m = a.min(b);
        sx += a;
        sy += b;
        sxy += m;
        s1x += 1.0 - a;
        s1xy += 1.0 - m;
    }
    NecessityFit {
        incl_n: ratio(sxy, sy),
        ro_n: ratio(s1x, s1xy),
        cov_n: ratio(sxy, sx),
    }
}

/// Fuzzy union (maximum) of several membership vectors.
pub fn union(sets: &[&[f64]]) -> Vec<f64> {
    let n = sets.first().map_or(0, |s| s.len());
    (0..n)
        .map(|i| sets.iter().map(|s| s[i]).fold(0.0, f64::max))
        .collect()
}

/// Unique coverage of each set: coverage of the union minus coverage of the union of the others.
pub fn unique_coverages(sets: &[&[f64]], y: &[f64]) -> Vec<f64> {
    let all = sufficiency(&union(sets), y).cov_s;
    (0..sets.len())
        .map(|i| {
            let others: Vec<&[f64]> = sets
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, s)| *s)
                .collect();
            let rest = if others.is_empty() {
                0.0
            } else {
                sufficiency(&union(&others), y).cov_s
            };
            all - rest
        })
        .collect()
}

/// The relation whose fit is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Relation {
    /// X is a subset of Y.
    Sufficiency,
    /// Y is a subset of X.
    Necessity,
}

/// One row of a `pof` table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PofRow {
    /// Sufficiency row.
    Sufficiency {
        /// Term, or `expression` for the whole disjunction.
        expression: String,
        /// Fit values.
        #[serde(flatten)]
        fit: SetFit,
        /// Unique coverage (terms of a disjunction only).
        #[serde(rename = "covU", skip_serializing_if = "Option::is_none")]
        cov_u: Option<f64>,
    },
    /// Necessity row.
    Necessity {
        /// Term, or `expression` for the whole disjunction.
        expression: String,
        /// Fit values.
        #[serde(flatten)]
        fit: NecessityFit,
    },
}

/// Parameters of fit of an expression for an outcome: one row per term and, when there are
/// several terms, a row `expression` for the disjunction (as R's `pof()`).
pub fn pof(
    data: &DataMatrix,
    expression: &Expression,
    outcome: &str,
    relation: Relation,
) -> Result<Vec<PofRow>> {
    let y = outcome_values(data, outcome)?;
    let terms: Vec<Vec<f64>> = expression
        .terms
        .iter()
        .map(|t| t.evaluate(data))
        .collect::<Result<_>>()?;
    let refs: Vec<&[f64]> = terms.iter().map(|t| t.as_slice()).collect();
    let cov_u = unique_coverages(&refs, &y);
    let mut rows = Vec::new();
    let several = terms.len() > 1;
    for (i, (t, m)) in expression.terms.iter().zip(&terms).enumerate() {
        rows.push(match relation {
            Relation::Sufficiency => PofRow::Sufficiency {
                expression: t.to_string(),
                fit: sufficiency(m, &y),
                cov_u: several.then_some(cov_u[i]),
            },
            Relation::Necessity => PofRow::Necessity {
                expression: t.to_string(),
                fit: necessity(m, &y),
            },
        });
    }
    if several {
        let u = union(&refs);
        rows.push(match relation {
            Relation::Sufficiency => PofRow::Sufficiency {
                expression: "expression".into(),
                fit: sufficiency(&u, &y),
                cov_u: None,
            },
            Relation::Necessity => PofRow::Necessity {
                expression: "expression".into(),
                fit: necessity(&u, &y),
            },
        });
    }
    Ok(rows)
}

/// Parameters of the search for necessary (or sufficient) conjunctions and disjunctions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuperSubsetParams {
    /// Outcome (`~Y` negated).
    pub outcome: String,
    /// Conditions; empty means every other column.
    pub conditions: Vec<String>,
    /// The relation searched.
    pub relation: Relation,
    /// Inclusion cutoff.
    pub incl_cut: f64,
    /// Coverage cutoff.
    pub cov_cut: f64,
    /// Relevance of necessity cutoff (necessity only).
    pub ron_cut: f64,
    /// PRI cutoff (sufficiency only): R's `superSubset()` applies `pri.cut` to sufficiency and
    /// `ron.cut` to necessity, ignoring the other; here the other is refused when set.
    pub pri_cut: f64,
    /// Largest number of conditions combined (None: all).
    pub depth: Option<usize>,
}

/// One expression found by the search, with its fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuperSubsetRow {
    /// `A*B` (conjunction) or `A + B` (disjunction).
    pub expression: String,
    /// Inclusion (inclN or inclS).
    pub incl: f64,
    /// RoN (necessity) or PRI (sufficiency).
    pub ron_or_pri: f64,
    /// Coverage (covN or covS).
    pub cov: f64,
}

/// Searches every conjunction (and, for necessity, disjunction) of conditions passing the
/// cutoffs, as R QCA's `superSubset()`: conjunctions and disjunctions of increasing size, a
/// disjunction being tried only when the conjunction of the same literals fails and kept only
/// when no smaller expression already found is contained in it. Necessary conjunctions are all
/// listed; for sufficiency only minimal ones. Like R, the search continues past 3 conditions
/// only while it keeps finding expressions.
pub fn super_subset(data: &DataMatrix, params: &SuperSubsetParams) -> Result<Vec<SuperSubsetRow>> {
    super_subset_report(data, params).map(|r| r.rows)
}

/// Work (expression x case evaluations) a search may take without a depth given: about a second.
pub const SUPER_SUBSET_DEFAULT_WORK: f64 = 2e8;
/// Work a search may take at all (an explicit depth beyond it is refused up front).
pub const SUPER_SUBSET_MAX_WORK: f64 = 2e10;

/// The expressions found by [`super_subset_report`], the depth searched and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuperSubsetReport {
    /// Expressions passing the cutoffs.
    pub rows: Vec<SuperSubsetRow>,
    /// Largest number of conditions combined.
    pub depth: usize,
    /// Notes for the reader (e.g. the depth chosen by default on many conditions).
    pub warnings: Vec<String>,
}

/// Expression x case evaluations of a search up to `depth` conditions (each combination of
/// `depth` conditions is tried at every combination of their values).
pub fn super_subset_work(levels: &[u8], cases: usize, depth: usize) -> f64 {
    // Elementary symmetric sums of the levels: e_d = sum over d-subsets of the product of levels.
    let mut e = vec![0.0f64; depth + 1];
    e[0] = 1.0;
    for &l in levels {
        for d in (1..=depth).rev() {
            e[d] += e[d - 1] * f64::from(l);
        }
    }
    e[1..].iter().sum::<f64>() * cases.max(1) as f64
}

/// As [`super_subset`], with the depth searched and notes. Without a depth, the search goes as
/// deep as [`SUPER_SUBSET_DEFAULT_WORK`] allows (all conditions on small data, as R does) and
/// says so; an explicit depth whose work exceeds [`SUPER_SUBSET_MAX_WORK`] is refused up front.
pub fn super_subset_report(
    data: &DataMatrix,
    params: &SuperSubsetParams,
) -> Result<SuperSubsetReport> {
    check_cutoff("incl.cut", params.incl_cut)?;
    check_cutoff("cov.cut", params.cov_cut)?;
    check_cutoff("ron.cut", params.ron_cut)?;
    check_cutoff("pri.cut", params.pri_cut)?;
    match params.relation {
        Relation::Necessity if params.pri_cut > 0.0 => {
            return Err(QcaError::InvalidParameter(format!(
                "pri.cut = {}: PRI filters sufficient expressions; for necessity the \
                 corresponding cutoff is the relevance of necessity (ron.cut)",
                params.pri_cut
            )))
        }
        Relation::Sufficiency if params.ron_cut > 0.0 => {
            return Err(QcaError::InvalidParameter(format!(
                "ron.cut = {}: relevance of necessity filters necessary expressions; for \
                 sufficiency the corresponding cutoff is PRI (pri.cut)",
                params.ron_cut
            )))
        }
        _ => {}
    }
    let conditions = resolve_conditions(data, &params.conditions, &params.outcome)?;
    let y = outcome_values(data, &params.outcome)?;
    let mut x = Vec::new();
    let mut fuzzy = Vec::new();
    let mut levels = Vec::new();
    for c in &conditions {
        let (v, f, l) = condition_values(data, c)?;
        x.push(v);
        fuzzy.push(f);
        levels.push(l);
    }
    let mv = levels.iter().any(|&l| l > 2);
    let nec = params.relation == Relation::Necessity;
    let incl_cut = params.incl_cut - R_TOLERANCE;
    let cov_cut = if params.cov_cut > 0.0 {
        params.cov_cut - R_TOLERANCE
    } else {
        params.cov_cut
    };
    let k_all = conditions.len();
    let mut warnings = Vec::new();
    let depth = match params.depth {
        Some(0) => {
            return Err(QcaError::InvalidParameter(
                "superSubset depth must be at least 1".into(),
            ))
        }
        Some(d) => {
            let d = d.min(k_all);
            let work = super_subset_work(&levels, y.len(), d);
            if work > SUPER_SUBSET_MAX_WORK {
                return Err(QcaError::TooMuchWork {
                    what: format!(
                        "searching expressions of up to {d} of {k_all} conditions over {} cases",
                        y.len()
                    ),
                    estimate: work,
                    unit: "expression x case evaluations".into(),
                    limit: SUPER_SUBSET_MAX_WORK,
                    advice: "give a smaller depth or fewer conditions".into(),
                });
            }
            d
        }
        None => {
            let mut d = 1;
            while d < k_all
                && super_subset_work(&levels, y.len(), d + 1) <= SUPER_SUBSET_DEFAULT_WORK
            {
                d += 1;
            }
            if d < k_all {
                warnings.push(format!(
                    "{k_all} conditions: expressions of at most {d} conditions were searched \
                     (about {:.1e} evaluations); give a depth to search deeper",
                    super_subset_work(&levels, y.len(), d)
                ));
            }
            d
        }
    };
    let n = y.len();
    let so: f64 = y.iter().sum();
    // Found expressions: (codes, is_conjunction, fit row).
    // Expressions found at earlier sizes, for the containment checks (a hash lookup of each
    // proper sub-expression instead of a scan of everything found).
    let mut conj: Vec<Vec<u8>> = Vec::new();
    let mut disj: Vec<Vec<u8>> = Vec::new();
    let mut conj_set: HashSet<Vec<u8>> = HashSet::new();
    let mut disj_set: HashSet<Vec<u8>> = HashSet::new();
    let mut rows_conj = Vec::new();
    let mut rows_disj = Vec::new();
    let mut k = 1;
    let mut keep_going = true;
    while k <= depth && keep_going {
        let (prev_conj, prev_disj) = (conj.len(), disj.len());
        conj_set.extend(conj.iter().cloned());
        disj_set.extend(disj.iter().cloned());
        let mut found_now = false;
        for combo in combinations(k_all, k) {
            let nvals: Vec<u8> = combo.iter().map(|&j| levels[j]).collect();
            for vals in value_grid(&nvals) {
                let mut codes = vec![0u8; k_all];
                for (&j, &v) in combo.iter().zip(&vals) {
                    codes[j] = v + 1;
                }
                let (mut s_min, mut s_max, mut s_y_min, mut s_y_max) = (0.0, 0.0, 0.0, 0.0);
                let (mut s1_min, mut s1_max, mut s1_y_min, mut s1_y_max, mut pri_min, mut pri_max) =
                    (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
                let (mut mins, mut maxs) = (vec![0.0; n], vec![0.0; n]);
                for i in 0..n {
                    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
                    for (&j, &v) in combo.iter().zip(&vals) {
                        let raw = x[j][i];
                        let m = if fuzzy[j] {
                            if v == 0 {
                                1.0 - raw
                            } else {
                                raw
                            }
                        } else {
                            f64::from(u8::from(raw == f64::from(v)))
                        };
                        lo = lo.min(m);
                        hi = hi.max(m);
                    }
                    mins[i] = lo;
                    maxs[i] = hi;
                    let (ymin, ymax) = (lo.min(y[i]), hi.min(y[i]));
                    s_min += lo;
                    s_max += hi;
                    s_y_min += ymin;
                    s_y_max += ymax;
                    s1_min += 1.0 - lo;
                    s1_max += 1.0 - hi;
                    s1_y_min += 1.0 - ymin;
                    s1_y_max += 1.0 - ymax;
                    pri_min += ymin.min(1.0 - y[i]);
                    pri_max += ymax.min(1.0 - y[i]);
                }
                let (incl_c, cov_c, third_c) = if nec {
                    (
                        ratio(s_y_min, so),
                        ratio(s_y_min, s_min),
                        ratio(s1_min, s1_y_min),
                    )
                } else {
                    (
                        ratio(s_y_min, s_min),
                        ratio(s_y_min, so),
                        ratio(s_y_min - pri_min, s_min - pri_min),
                    )
                };
                if incl_c >= incl_cut && cov_c >= cov_cut {
                    let redundant = !nec && has_sub_expression(&conj_set, &codes);
                    if !redundant {
                        rows_conj.push(SuperSubsetRow {
                            expression: name(&codes, &conditions, mv, "*"),
                            incl: incl_c,
                            ron_or_pri: third_c,
                            cov: cov_c,
                        });
                        conj.push(codes);
                        found_now = true;
                    }
                } else if nec {
                    let incl_d = ratio(s_y_max, so);
                    let cov_d = ratio(s_y_max, s_max);
                    if incl_d >= incl_cut && cov_d >= cov_cut {
                        let redundant = has_sub_expression(&conj_set, &codes)
                            || has_sub_expression(&disj_set, &codes);
                        if !redundant {
                            let _ = pri_max;
                            rows_disj.push(SuperSubsetRow {
                                expression: name(&codes, &conditions, mv, " + "),
                                incl: incl_d,
                                ron_or_pri: ratio(s1_max, s1_y_max),
                                cov: cov_d,
                            });
                            disj.push(codes);
                            found_now = true;
                        }
                    }
                }
            }
        }
        // R's stopping rule: beyond 3 conditions, once something was found, go on only while
        // new expressions keep appearing.
        let found_before = prev_conj + prev_disj > 0;
        keep_going = !(k > 3 && found_before) || found_now;
        k += 1;
    }
    let mut out = rows_conj;
    out.extend(rows_disj);
    // R: `tokeep <- result[, "RoN"] >= ron.cut` (necessity) or `PRI >= pri.cut` (sufficiency).
    let third_cut = if nec { params.ron_cut } else { params.pri_cut };
    out.retain(|r| r.ron_or_pri >= third_cut);
    Ok(SuperSubsetReport {
        rows: out,
        depth,
        warnings,
    })
}

/// Whether `found` holds an expression made of some (not all) of the literals of `codes`.
fn has_sub_expression(found: &HashSet<Vec<u8>>, codes: &[u8]) -> bool {
    if found.is_empty() {
        return false;
    }
    let lits: Vec<usize> = (0..codes.len()).filter(|&j| codes[j] != 0).collect();
    let full = (1u32 << lits.len()) - 1;
    let mut sub = vec![0u8; codes.len()];
    (1..full).any(|mask| {
        sub.iter_mut().for_each(|c| *c = 0);
        for (b, &j) in lits.iter().enumerate() {
            if mask >> b & 1 == 1 {
                sub[j] = codes[j];
            }
        }
        found.contains(&sub)
    })
}

fn name(codes: &[u8], conditions: &[String], mv: bool, sep: &str) -> String {
    codes
        .iter()
        .enumerate()
        .filter(|(_, &c)| c != 0)
        .map(|(j, &c)| {
            if mv {
                format!("{}[{}]", conditions[j], c - 1)
            } else if c == 2 {
                conditions[j].clone()
            } else {
                format!("~{}", conditions[j])
            }
        })
        .collect::<Vec<_>>()
        .join(sep)
}

/// All k-subsets of 0..n in lexicographic order.
fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut c: Vec<usize> = (0..k).collect();
    if k > n {
        return out;
    }
    loop {
        out.push(c.clone());
        let mut i = k;
        while i > 0 && c[i - 1] == n - k + i - 1 {
            i -= 1;
        }
        if i == 0 {
            return out;
        }
        c[i - 1] += 1;
        for j in i..k {
            c[j] = c[j - 1] + 1;
        }
    }
}

/// Every value combination, first position varying slowest.
fn value_grid(levels: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![Vec::new()];
    for &l in levels {
        out = out
            .into_iter()
            .flat_map(|v: Vec<u8>| {
                (0..l).map(move |x| {
                    let mut v2 = v.clone();
                    v2.push(x);
                    v2
                })
            })
            .collect();
    }
    out
}
