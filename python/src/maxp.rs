//! Max-p regionalisation over plain arrays: `ambit_plan::max_districts` and
//! `ambit_plan::upper_bound`, as `ambit.MaxPHeuristic.solve` calls them.

use ambit_plan::{
    max_districts as search, min_change as repair, upper_bound, Adjacency, Affinity, ChangeOptions,
    ClassCondition, ClassShareRule, ClassSpec, Control, DistrictRule, DistrictSummary, Nesting,
    Problem, SearchOptions, Tiebreak, UniformThreshold,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::{interrupt, value_error};

/// The district rule: one threshold, or class thresholds by the population majority of the
/// units' classes (the benchmark format's rule, `ambit_plan::input::BenchRule`).
fn rule_and_totals(
    population: &[f64],
    classes: Option<&[String]>,
    class_thresholds: &[(String, f64)],
    threshold: f64,
) -> PyResult<(Box<dyn DistrictRule + Send + Sync>, Vec<f64>, usize)> {
    if !threshold.is_finite() {
        return Err(value_error(format!(
            "threshold: `{threshold}` is not a finite number"
        )));
    }
    if class_thresholds.is_empty() {
        let rule = Box::new(UniformThreshold { threshold });
        return Ok((rule, population.to_vec(), 1));
    }
    let Some(classes) = classes else {
        return Err(value_error(
            "class_thresholds: given without class_name (the column naming each unit's class)",
        ));
    };
    if classes.len() != population.len() {
        return Err(value_error(format!(
            "class_name: {} values for {} units",
            classes.len(),
            population.len()
        )));
    }
    let k = 1 + class_thresholds.len();
    let mut totals = vec![0.0; population.len() * k];
    for (u, (&pop, class)) in population.iter().zip(classes).enumerate() {
        totals[u * k] = pop;
        if let Some(s) = class_thresholds.iter().position(|(c, _)| c == class) {
            totals[u * k + 1 + s] = pop;
        }
    }
    let rule = ClassShareRule {
        totals_len: k,
        classes: class_thresholds
            .iter()
            .enumerate()
            .map(|(s, (name, t))| ClassSpec {
                name: name.clone(),
                condition: ClassCondition::PopulationShareAbove {
                    component: 1 + s,
                    share: 0.5,
                },
                threshold: *t,
            })
            .collect(),
        default_name: "standard".into(),
        default_threshold: threshold,
        strict: false,
    };
    Ok((Box::new(rule), totals, k))
}

fn parse_nesting(nesting: &str) -> PyResult<Nesting> {
    match nesting {
        "none" => Ok(Nesting::Ignore),
        "soft" => Ok(Nesting::Soft),
        "hard" => Ok(Nesting::Hard),
        other => Err(value_error(format!(
            "nesting: `{other}` is not one of none, soft, hard"
        ))),
    }
}

fn parse_tiebreak(tiebreak: &str) -> PyResult<Tiebreak> {
    match tiebreak {
        "heterogeneity" => Ok(Tiebreak::Heterogeneity),
        "compactness" => Ok(Tiebreak::Compactness),
        other => Err(value_error(format!(
            "tiebreak: `{other}` is not one of heterogeneity, compactness"
        ))),
    }
}

/// The problem and rule of both objectives.
#[allow(clippy::too_many_arguments)]
fn problem(
    n: usize,
    edges: Vec<(usize, usize, f64)>,
    population: &[f64],
    attrs: Vec<f64>,
    m: usize,
    threshold: f64,
    classes: Option<&[String]>,
    class_thresholds: &[(String, f64)],
    areas: Option<Vec<u32>>,
    nesting: &str,
) -> PyResult<(Problem, Box<dyn DistrictRule + Send + Sync>)> {
    if population.len() != n {
        return Err(value_error(format!(
            "threshold_name: {} values for {n} units",
            population.len()
        )));
    }
    let (rule, totals, k) = rule_and_totals(population, classes, class_thresholds, threshold)?;
    let graph = Adjacency::from_edges(n, &edges).map_err(value_error)?;
    let mut pb = Problem::new(graph, totals, k)
        .and_then(|p| p.with_attributes(attrs, m))
        .map_err(value_error)?;
    let nesting = parse_nesting(nesting)?;
    if let Some(a) = areas {
        pb = pb.with_nesting(a, nesting).map_err(value_error)?;
    } else if nesting != Nesting::Ignore {
        return Err(value_error(
            "nesting: given without nest_by (the area of each unit)",
        ));
    }
    Ok((pb, rule))
}

/// As many contiguous districts meeting their threshold as possible (max-p), with the proven
/// upper bound. `edges` are `(i, j, weight)` over units `0..n`; `attrs` is row-major with `m`
/// values per unit (the heterogeneity objective); `areas` gives each unit's nesting area.
/// Returns a dict: `labels` (district of every unit, `0..`), per-district `compliant`,
/// `population`, `threshold`, `class_name`, and `heterogeneity`, `bound`, `bound_proof`,
/// `headline`, `infeasible`, `notes`, `starts_done`, `interrupted`.
#[pyfunction]
#[pyo3(signature = (n, edges, population, attrs, m, threshold, classes=None,
    class_thresholds=Vec::new(), areas=None, nesting="none", seed=1, starts=8, effort=30.0,
    move_sweeps=20, time_limit=None, tiebreak="heterogeneity"))]
#[allow(clippy::too_many_arguments)]
pub fn max_districts<'py>(
    py: Python<'py>,
    n: usize,
    edges: Vec<(usize, usize, f64)>,
    population: Vec<f64>,
    attrs: Vec<f64>,
    m: usize,
    threshold: f64,
    classes: Option<Vec<String>>,
    class_thresholds: Vec<(String, f64)>,
    areas: Option<Vec<u32>>,
    nesting: &str,
    seed: u64,
    starts: usize,
    effort: f64,
    move_sweeps: usize,
    time_limit: Option<f64>,
    tiebreak: &str,
) -> PyResult<Bound<'py, PyDict>> {
    if starts == 0 {
        return Err(value_error("starts: must be at least 1"));
    }
    if !(effort.is_finite() && effort >= 0.0) {
        return Err(value_error(format!(
            "effort: `{effort}` is not a non-negative number"
        )));
    }
    let time_budget = crate::time_limit(time_limit)?;
    let (pb, rule) = problem(
        n,
        edges,
        &population,
        attrs,
        m,
        threshold,
        classes.as_deref(),
        &class_thresholds,
        areas,
        nesting,
    )?;
    let opts = SearchOptions {
        seed,
        starts,
        regrowths_per_region: effort,
        move_sweeps,
        time_budget,
        tiebreak: parse_tiebreak(tiebreak)?,
        ..SearchOptions::default()
    };
    let (plan, bound) = interrupt::run(py, |cancel| {
        let control = Control {
            cancel: Some(cancel),
            progress: None,
        };
        let plan = search(&pb, &*rule, &opts, &control);
        let bound = upper_bound(&pb, &*rule);
        (plan, bound)
    })?;
    let plan = plan.map_err(value_error)?;
    let out = labelling(py, &plan.district_of, &plan.districts)?;
    out.set_item("p", plan.compliant_count())?;
    out.set_item("heterogeneity", plan.heterogeneity)?;
    out.set_item("border_length", plan.border_length)?;
    out.set_item("bound", bound.value)?;
    out.set_item("bound_proof", &bound.proof)?;
    out.set_item("headline", bound.headline(plan.compliant_count()))?;
    let infeasible: Vec<Bound<'py, PyDict>> = plan
        .infeasible
        .iter()
        .map(|g| {
            let d = PyDict::new(py);
            d.set_item("units", &g.units)?;
            d.set_item("population", g.population)?;
            d.set_item("threshold", g.requirement.threshold)?;
            d.set_item("reason", g.reason.to_string())?;
            d.set_item("options", g.reason.options())?;
            Ok(d)
        })
        .collect::<PyResult<_>>()?;
    out.set_item("infeasible", infeasible)?;
    out.set_item("notes", &plan.notes)?;
    out.set_item("starts_done", plan.starts_done)?;
    out.set_item("interrupted", plan.interrupted)?;
    Ok(out)
}

/// The fewest changes (units moved, districts merged) that make the `baseline` districts
/// (`0..`, one per unit) compliant: `ambit_plan::min_change` over the same problem as
/// [`max_districts`]. Returns a dict: `labels`, per-district `compliant`, `population`,
/// `threshold`, `units` (member counts; 0 for a merged-away district), `units_moved`,
/// `merges`, `unresolved` (district, reason), `changes` (JSON).
#[pyfunction]
#[pyo3(signature = (n, edges, population, attrs, m, threshold, baseline, classes=None,
    class_thresholds=Vec::new(), areas=None, nesting="none"))]
#[allow(clippy::too_many_arguments)]
pub fn min_change<'py>(
    py: Python<'py>,
    n: usize,
    edges: Vec<(usize, usize, f64)>,
    population: Vec<f64>,
    attrs: Vec<f64>,
    m: usize,
    threshold: f64,
    baseline: Vec<u32>,
    classes: Option<Vec<String>>,
    class_thresholds: Vec<(String, f64)>,
    areas: Option<Vec<u32>>,
    nesting: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let (pb, rule) = problem(
        n,
        edges,
        &population,
        attrs,
        m,
        threshold,
        classes.as_deref(),
        &class_thresholds,
        areas,
        nesting,
    )?;
    let out = interrupt::run(py, |_| {
        repair(
            &pb,
            &*rule,
            &baseline,
            &Affinity::new(),
            &ChangeOptions::default(),
        )
    })?
    .map_err(value_error)?;
    let d = labelling(py, &out.district_of, &out.districts)?;
    d.set_item("units_moved", out.units_moved)?;
    d.set_item("merges", out.merges)?;
    let unresolved: Vec<(u32, String)> = out
        .unresolved
        .iter()
        .map(|u| (u.district, u.reason.clone()))
        .collect();
    d.set_item("unresolved", unresolved)?;
    d.set_item(
        "changes",
        serde_json::to_string(&out.changes).map_err(value_error)?,
    )?;
    Ok(d)
}

/// The labels of a plan and its districts' figures, one list a field, as both solvers return
/// them.
fn labelling<'py>(
    py: Python<'py>,
    district_of: &[u32],
    ds: &[DistrictSummary],
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("labels", district_of)?;
    d.set_item(
        "compliant",
        ds.iter().map(|x| x.compliant).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "population",
        ds.iter().map(|x| x.population).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "threshold",
        ds.iter().map(|x| x.threshold).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "class_name",
        ds.iter().map(|x| x.class_name.clone()).collect::<Vec<_>>(),
    )?;
    d.set_item("units", ds.iter().map(|x| x.units).collect::<Vec<_>>())?;
    Ok(d)
}
