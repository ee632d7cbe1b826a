//! Qualitative Comparative Analysis over a data matrix handed over column by column:
//! `ambit_qca::TruthTable::build`, `ambit_qca::minimize_with` and `ambit_qca::calibrate`.
//! Results travel as the library's JSON (the same fields `ambit qca ... --format json` prints).

use ambit_qca::calibrate::{self as cal, LogOdds, Thresholds};
use ambit_qca::{
    minimize_with, Budget, ChartScope, DataMatrix, InclCut, MinParams, ModelSearch, TruthTable,
    TtParams,
};
use pyo3::prelude::*;
use std::time::Instant;

use crate::{interrupt, value_error};

type Columns = Vec<(String, Vec<Option<f64>>)>;

/// The truth table parameters, R QCA's names (`incl.cut` with one or two values, `n.cut`,
/// `pri.cut`).
fn tt_params(
    outcome: &str,
    conditions: Vec<String>,
    incl_cut: &[f64],
    n_cut: usize,
    pri_cut: f64,
) -> PyResult<TtParams> {
    let mut p = TtParams::new(outcome);
    p.conditions = conditions;
    p.incl_cut = match incl_cut {
        [one] => InclCut::single(*one),
        [one, zero] => InclCut {
            one: *one,
            zero: *zero,
        },
        other => {
            return Err(value_error(format!(
                "incl_cut: {} values given, expected 1 or 2",
                other.len()
            )))
        }
    };
    p.n_cut = n_cut;
    p.pri_cut = pri_cut;
    Ok(p)
}

fn build(
    source: String,
    cases: Vec<String>,
    columns: Columns,
    params: &TtParams,
) -> PyResult<TruthTable> {
    let data = DataMatrix::new(source, cases, columns).map_err(value_error)?;
    TruthTable::build(&data, params).map_err(value_error)
}

/// Truth table of `outcome` over `conditions` (empty: every other column). Returns the
/// library's JSON: `conditions`, `noflevels`, `n_rows_total`, `observed_rows` (row, values,
/// OUT, n, incl, PRI, cases), `warnings`.
#[pyfunction]
#[pyo3(signature = (source, cases, columns, outcome, conditions=Vec::new(), incl_cut=vec![1.0],
    n_cut=1, pri_cut=0.0))]
#[allow(clippy::too_many_arguments)]
pub fn truth_table(
    source: String,
    cases: Vec<String>,
    columns: Columns,
    outcome: &str,
    conditions: Vec<String>,
    incl_cut: Vec<f64>,
    n_cut: usize,
    pri_cut: f64,
) -> PyResult<String> {
    let params = tt_params(outcome, conditions, &incl_cut, n_cut, pri_cut)?;
    let tt = build(source, cases, columns, &params)?;
    serde_json::to_string(&tt).map_err(value_error)
}

/// Boolean minimisation of the truth table built with the same parameters as [`truth_table`].
/// `include` is R's: `""` (conservative), `"?"` (remainders: parsimonious or, with `dir_exp`,
/// intermediate), `"C"`, `"?,C"`. Returns `(solution JSON, truth table JSON)`.
#[pyfunction]
#[pyo3(signature = (source, cases, columns, outcome, conditions=Vec::new(), incl_cut=vec![1.0],
    n_cut=1, pri_cut=0.0, include="", dir_exp=Vec::new(), row_dom=false, all_sol=false,
    exclude=Vec::new(), pi_cons=0.0, sol_cons=0.0, sol_cov=0.0, min_pin=false, time_limit=None))]
#[allow(clippy::too_many_arguments)]
pub fn minimize(
    py: Python<'_>,
    source: String,
    cases: Vec<String>,
    columns: Columns,
    outcome: &str,
    conditions: Vec<String>,
    incl_cut: Vec<f64>,
    n_cut: usize,
    pri_cut: f64,
    include: &str,
    dir_exp: Vec<String>,
    row_dom: bool,
    all_sol: bool,
    exclude: Vec<u64>,
    pi_cons: f64,
    sol_cons: f64,
    sol_cov: f64,
    min_pin: bool,
    time_limit: Option<f64>,
) -> PyResult<(String, String)> {
    let mut include_remainders = false;
    let mut include_contradictions = false;
    for part in include.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match part {
            "?" => include_remainders = true,
            "C" => include_contradictions = true,
            other => {
                return Err(value_error(format!(
                    "include: `{other}` is not `?` (remainders) or `C` (contradictions)"
                )))
            }
        }
    }
    let deadline = crate::time_limit(time_limit)?.map(|t| Instant::now() + t);
    let params = tt_params(outcome, conditions, &incl_cut, n_cut, pri_cut)?;
    let tt = build(source, cases, columns, &params)?;
    let min = MinParams {
        include_remainders,
        include_contradictions,
        dir_exp,
        row_dom,
        search: if all_sol {
            ModelSearch::AllIrredundant
        } else {
            ModelSearch::AllMinimal
        },
        exclude,
        pi_cons,
        sol_cons,
        sol_cov,
        min_pin,
    };
    let solution = interrupt::run(py, |cancel| {
        let budget = Budget {
            deadline,
            cancel: Some(cancel.clone()),
            ..Budget::unlimited()
        };
        minimize_with(&tt, &min, ChartScope::Auto, &budget)
    })?
    .map_err(value_error)?;
    Ok((
        serde_json::to_string(&solution).map_err(value_error)?,
        serde_json::to_string(&tt).map_err(value_error)?,
    ))
}

/// Calibration of raw values into set memberships, R QCA's `calibrate()`: `type` `"crisp"`
/// (thresholds: one or more cut points) or `"fuzzy"` with `method` `"direct"` (thresholds
/// `e, c, i`: logistic with inclusion degree `idm`, or linear/power with `above`/`below` when
/// `logistic` is false; six thresholds give the bell shape) or `"TFR"`.
#[pyfunction]
#[pyo3(signature = (x, r#type="fuzzy", method="direct", thresholds=Vec::new(), logistic=true,
    idm=0.95, above=1.0, below=1.0))]
#[allow(clippy::too_many_arguments)]
pub fn calibrate(
    x: Vec<f64>,
    r#type: &str,
    method: &str,
    thresholds: Vec<f64>,
    logistic: bool,
    idm: f64,
    above: f64,
    below: f64,
) -> PyResult<Vec<f64>> {
    let out = match (r#type, method) {
        ("crisp", _) => cal::crisp(&x, &thresholds),
        ("fuzzy", "TFR") => cal::tfr(&x),
        ("fuzzy", "direct") => match thresholds.as_slice() {
            &[e, c, i] => {
                let th = Thresholds {
                    exclusion: e,
                    crossover: c,
                    inclusion: i,
                };
                if logistic {
                    let odds = if idm == 0.95 {
                        LogOdds::QcaDefault
                    } else {
                        LogOdds::InclusionDegree(idm)
                    };
                    cal::direct(&x, th, odds)
                } else {
                    cal::linear(&x, th, above, below)
                }
            }
            &[a, b, c, d, e, f] => cal::bell(&x, [a, b, c, d, e, f], above, below),
            other => {
                return Err(value_error(format!(
                    "thresholds: {} values given; the direct method needs 3 (e, c, i) or 6 (bell)",
                    other.len()
                )))
            }
        },
        ("fuzzy", other) => {
            return Err(value_error(format!(
                "method: `{other}` is not one of direct, TFR"
            )))
        }
        (other, _) => {
            return Err(value_error(format!(
                "type: `{other}` is not one of crisp, fuzzy"
            )))
        }
    };
    out.map_err(value_error)
}
