//! A region's data folder: audit a district map against a policy (`ambit_rules::audit`) and plan
//! districts (`ambit_plan::input::Input::plan`), as `ambit audit` and `ambit plan` do.

use ambit_plan::input::{Input, JobSpec, Objective};
use ambit_plan::{Control, Nesting, SearchOptions};
use ambit_rules::{CompiledPolicy, PolicyFile};
use ambit_territory::Dataset;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::{Path, PathBuf};

use crate::{interrupt, value_error};

/// The data folder and its policy (the given file, else the one its `dataset.toml` names),
/// with the repair notices of its tables.
fn load(data: &Path, policy: Option<&Path>) -> PyResult<(Dataset, CompiledPolicy, Vec<String>)> {
    let dataset = Dataset::load(data).map_err(value_error)?;
    let path: PathBuf = match (policy, dataset.default_policy()) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(p)) => p,
        (None, None) => {
            return Err(value_error(format!(
                "no policy given and {} names none",
                data.join(ambit_territory::dataset::MANIFEST).display()
            )))
        }
    };
    let file = PolicyFile::load(&path).map_err(value_error)?;
    let compiled = CompiledPolicy::compile(file, &dataset.territory).map_err(value_error)?;
    let notices = dataset
        .territory
        .notices
        .iter()
        .map(|n| n.to_string())
        .collect();
    Ok((dataset, compiled, notices))
}

/// Audit of a district map (a name from the data folder's `dataset.toml`, or a CSV file) or,
/// without one, the region's fragmentation profile. Returns `(audit JSON, notices)`; the JSON
/// is `ambit audit --format json`'s.
#[pyfunction]
#[pyo3(signature = (data, districts=None, policy=None))]
pub fn audit(
    py: Python<'_>,
    data: PathBuf,
    districts: Option<String>,
    policy: Option<PathBuf>,
) -> PyResult<(String, Vec<String>)> {
    let (dataset, compiled, mut notices) = load(&data, policy.as_deref())?;
    let map = match &districts {
        Some(d) => {
            let m = dataset.district_map(d).map_err(value_error)?;
            notices.extend(m.notices.iter().map(|n| n.to_string()));
            Some(m)
        }
        None => None,
    };
    let text = interrupt::run(py, |_| {
        let a = ambit_rules::audit(&dataset.territory, &dataset.graph, &compiled, map.as_ref());
        serde_json::to_string(&a)
    })?
    .map_err(value_error)?;
    Ok((text, notices))
}

/// A plan over a data folder: `max-districts` (as many compliant districts as possible) or
/// `min-change` (the fewest changes that make `baseline` compliant). Returns a dict with
/// `codes`, `names`, `district` (the district name of every planned unit), `districts` (JSON of
/// the district figures), `summary` (lines in words, with the bound), `result` (JSON of the
/// objective's figures), `notices` and `interrupted`.
#[pyfunction]
#[pyo3(signature = (data, policy=None, objective="max-districts", baseline=None, locked=Vec::new(),
    attributes=Vec::new(), nest_by=None, nesting="hard", seed=1, starts=8, effort=30.0,
    time_limit=None))]
#[allow(clippy::too_many_arguments)]
pub fn plan<'py>(
    py: Python<'py>,
    data: PathBuf,
    policy: Option<PathBuf>,
    objective: &str,
    baseline: Option<String>,
    locked: Vec<String>,
    attributes: Vec<String>,
    nest_by: Option<String>,
    nesting: &str,
    seed: u64,
    starts: usize,
    effort: f64,
    time_limit: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let objective = match objective {
        "max-districts" => Objective::MaxDistricts,
        "min-change" => Objective::MinChange,
        other => {
            return Err(value_error(format!(
                "objective: `{other}` is not one of max-districts, min-change"
            )))
        }
    };
    let time_budget = crate::time_limit(time_limit)?;
    if starts == 0 {
        return Err(value_error("starts: must be at least 1"));
    }
    let (dataset, compiled, mut notices) = load(&data, policy.as_deref())?;
    let mut input = Input::from_dataset(dataset, compiled, &attributes, nest_by.as_deref())
        .map_err(value_error)?;
    if nest_by.is_some() {
        input.nesting = match nesting {
            "none" => Nesting::Ignore,
            "hard" => Nesting::Hard,
            "soft" => Nesting::Soft,
            other => {
                return Err(value_error(format!(
                    "nesting: `{other}` is not one of none, soft, hard"
                )))
            }
        };
    }
    let base = match &baseline {
        Some(b) => {
            let (map, n) = input.load_map(b).map_err(value_error)?;
            notices.extend(n);
            Some(map)
        }
        None => None,
    };
    let spec = JobSpec {
        objective,
        locked,
        search: SearchOptions {
            seed,
            starts,
            regrowths_per_region: effort,
            time_budget,
            ..SearchOptions::default()
        },
        ..JobSpec::default()
    };
    let outcome = interrupt::run(py, |cancel| {
        let control = Control {
            cancel: Some(cancel),
            progress: None,
        };
        input.plan(base.as_ref(), &spec, &control)
    })?
    .map_err(value_error)?;
    let out = PyDict::new(py);
    let (mut codes, mut names, mut district) = (Vec::new(), Vec::new(), Vec::new());
    for (g, d) in outcome.assignment() {
        codes.push(input.codes[g].clone());
        names.push(input.names[g].clone());
        district.push(d.to_string());
    }
    out.set_item("codes", codes)?;
    out.set_item("names", names)?;
    out.set_item("district", district)?;
    out.set_item("districts", outcome.district_figures().to_string())?;
    out.set_item("compliant", outcome.compliant())?;
    out.set_item("summary", &outcome.summary)?;
    out.set_item("result", outcome.extra.to_string())?;
    out.set_item("notices", notices)?;
    out.set_item("interrupted", outcome.interrupted)?;
    Ok(out)
}
