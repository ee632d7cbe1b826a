//! Optimiser runs (the same planning jobs as `ambit plan`) started from the page: progress to
//! poll, cancellation, and the finished plan stored in the store.

use super::audit::{to_map, Assignment};
use super::with_store;
use crate::error::Body;
use crate::jobs::{RunState, RunView, MAX_RUNNING};
use crate::{ApiError, Studio};
use ambit_plan::input::{Baseline, Input, InputError, JobSpec, Objective, Outcome};
use ambit_plan::{ChangeOptions, Control, MergeCost, Nesting, PlanError, Progress, SearchOptions};
use ambit_rules::CompiledPolicy;
use ambit_store::{PlanRecord, RecordSummary};
use ambit_territory::MunicipalityCode;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Body of `POST /api/optimiser/runs`.
#[derive(Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// `max-districts` or `min-change`.
    objective: Objective,
    /// The baseline map (code -> district): required by min-change; with max-districts it gives
    /// the diff (when complete) and the districts to lock.
    #[serde(default, deserialize_with = "super::audit::unique_codes_opt")]
    baseline: Option<Assignment>,
    /// Baseline districts kept as they are.
    #[serde(default)]
    locked: Vec<String>,
    /// Random seed (max-districts; default 1).
    #[serde(default)]
    seed: Option<u64>,
    /// Independent starts (max-districts; default 8, at most 64).
    #[serde(default)]
    starts: Option<usize>,
    /// Regrowths per district and improved start (max-districts; default 30, doubled at most
    /// when only the best constructions are improved).
    #[serde(default)]
    effort: Option<f64>,
    /// Time budget in seconds (max-districts; at most 3,600).
    #[serde(default)]
    time_limit_s: Option<f64>,
    /// Exact number of districts (max-districts).
    #[serde(default)]
    districts: Option<usize>,
    /// Cost of a merge in min-change (default: units of the smaller district).
    #[serde(default)]
    merge_cost: Option<f64>,
    /// Municipality column naming the nesting area (e.g. `province_code`).
    #[serde(default)]
    nest_by: Option<String>,
    /// `hard` (default with nest_by) or `soft`.
    #[serde(default)]
    nesting: Option<String>,
    /// Agreement date for the incentive schedule (ISO; default as `ambit plan`: the policy's).
    #[serde(default)]
    date: Option<String>,
    /// Scenario the run was started from (recorded with the stored plan).
    #[serde(default)]
    scenario_id: Option<i64>,
    /// Name of the stored plan (default: objective and run id).
    #[serde(default)]
    name: Option<String>,
    /// Rules to plan under (policy TOML text, as a scenario stores them); empty: the region's.
    #[serde(default)]
    policy: String,
}

fn invalid(message: impl Into<String>) -> ApiError {
    let message = message.into();
    ApiError::Unprocessable {
        details: json!({ "problems": [message.clone()] }),
        message,
    }
}

/// Checks the request against the region and turns it into a job; nothing runs yet.
fn prepare(
    studio: &Studio,
    req: &RunRequest,
) -> Result<(JobSpec, Option<Baseline>, CompiledPolicy), ApiError> {
    let region = &studio.region;
    let policy = region.policy_for(&req.policy)?.into_owned();
    let starts = req.starts.unwrap_or(SearchOptions::default().starts);
    if !(1..=64).contains(&starts) {
        return Err(invalid(format!("starts {starts}: must be 1 to 64")));
    }
    let effort = req
        .effort
        .unwrap_or(SearchOptions::default().regrowths_per_region);
    if !(effort.is_finite() && effort > 0.0 && effort <= 1000.0) {
        return Err(invalid(format!(
            "effort {effort}: must be above 0 and at most 1000"
        )));
    }
    if let Some(t) = req.time_limit_s {
        if !(t.is_finite() && t > 0.0 && t <= 3600.0) {
            return Err(invalid(format!(
                "time_limit_s {t}: must be above 0 and at most 3600"
            )));
        }
    }
    if let Some(m) = req.merge_cost {
        if !(m.is_finite() && m >= 0.0) {
            return Err(invalid(format!("merge_cost {m}: must be a number >= 0")));
        }
    }
    if let Some(col) = &req.nest_by {
        let first = region.dataset.territory.municipalities().first();
        if first.and_then(|m| m.attribute(col)).is_none() {
            return Err(invalid(format!(
                "nest_by `{col}`: the municipalities table has no such column"
            )));
        }
    }
    if let Some(n) = &req.nesting {
        if n != "hard" && n != "soft" {
            return Err(invalid(format!("nesting `{n}`: expected hard or soft")));
        }
    }
    if let Some(d) = &req.date {
        if !ambit_rules::is_iso_date(d) {
            return Err(invalid(format!("date `{d}`: expected YYYY-MM-DD")));
        }
    }
    let baseline = match &req.baseline {
        Some(a) => {
            let map = to_map(region, a)?;
            let pairs = map
                .pairs()
                .into_iter()
                .filter_map(|(c, d)| Some((region.index_of(c)?, d.to_string())))
                .collect();
            Some(Baseline::from_pairs(region.dataset.territory.len(), pairs))
        }
        None => None,
    };
    if req.objective == Objective::MinChange && baseline.is_none() {
        return Err(invalid("min-change needs a baseline map"));
    }
    if !req.locked.is_empty() {
        let Some(b) = &baseline else {
            return Err(invalid("locked districts need a baseline map"));
        };
        let unknown: Vec<&str> = req
            .locked
            .iter()
            .filter(|l| !b.names.contains(l))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(invalid(format!(
                "locked district(s) not in the baseline: {}",
                unknown.join(", ")
            )));
        }
    }
    let spec = JobSpec {
        objective: req.objective,
        locked: req.locked.clone(),
        search: SearchOptions {
            seed: req.seed.unwrap_or(1),
            starts,
            regrowths_per_region: effort,
            time_budget: req.time_limit_s.map(Duration::from_secs_f64),
            tiebreak: ambit_plan::Tiebreak::Compactness,
            ..SearchOptions::default()
        },
        districts: req.districts,
        change: ChangeOptions {
            merge_cost: req
                .merge_cost
                .map_or(MergeCost::SmallerDistrict, MergeCost::Fixed),
            ..ChangeOptions::default()
        },
        affinity: None,
    };
    Ok((spec, baseline, policy))
}

/// `POST /api/optimiser/runs`: starts a run (202); poll `GET /api/optimiser/runs/{id}`.
pub async fn start(
    State(studio): State<Arc<Studio>>,
    Body(req): Body<RunRequest>,
) -> Result<(StatusCode, Json<RunView>), ApiError> {
    let (spec, baseline, policy) = prepare(&studio, &req)?;
    let total = match spec.objective {
        Objective::MaxDistricts => spec.search.starts,
        Objective::MinChange => 0,
    };
    // the run echoes its options; the baseline (up to every comune) only as a count
    let mut request = serde_json::to_value(&req).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut request {
        if let Some(Value::Object(b)) = m.remove("baseline") {
            m.insert("baseline_units".into(), json!(b.len()));
        }
    }
    let Some(run) = studio.runs.start(request, total) else {
        return Err(ApiError::Busy(format!(
            "{MAX_RUNNING} optimiser runs are already running: wait for one or cancel it"
        )));
    };
    let view = run.view();
    let s = Arc::clone(&studio);
    std::thread::Builder::new()
        .name(format!("optimiser-{}", run.id))
        .spawn(move || execute(&s, &run, req, spec, baseline, policy))
        .map_err(|e| ApiError::Internal(format!("cannot start the optimiser: {e}")))?;
    Ok((StatusCode::ACCEPTED, Json(view)))
}

/// The body of a run's thread: plan, store, record the end.
fn execute(
    studio: &Studio,
    run: &crate::jobs::Run,
    req: RunRequest,
    spec: JobSpec,
    baseline: Option<Baseline>,
    policy: CompiledPolicy,
) {
    let region = &studio.region;
    let planned = (|| -> Result<(Input, Outcome), InputError> {
        let mut input =
            Input::from_dataset(region.dataset.clone(), policy, &[], req.nest_by.as_deref())?;
        if req.nest_by.is_some() {
            input.nesting = match req.nesting.as_deref() {
                Some("soft") => Nesting::Soft,
                _ => Nesting::Hard,
            };
        }
        let progress = |p: Progress| {
            run.done.store(p.done, Ordering::Relaxed);
            run.total.store(p.total, Ordering::Relaxed);
            run.best.fetch_max(p.districts, Ordering::Relaxed);
        };
        let control = Control {
            cancel: Some(&run.cancel),
            progress: Some(&progress),
        };
        let out = input.plan(baseline.as_ref(), &spec, &control)?;
        Ok((input, out))
    })();
    let cancelled = run.cancel.load(Ordering::Relaxed);
    match planned {
        Ok((input, out)) => {
            let date = req
                .date
                .clone()
                .or_else(|| input.policy.as_ref().map(super::compare::reference_date))
                .unwrap_or_default();
            let mut result = result_json(&input, &out, &date);
            if let Some(changes) = preview_changes(studio, req.baseline.as_ref(), &result) {
                result["changes"] = super::compare::changes_json(studio, &changes, &date);
            }
            let name = req.name.clone().unwrap_or_else(|| {
                format!(
                    "{} run {}",
                    match spec.objective {
                        Objective::MaxDistricts => "max-districts",
                        Objective::MinChange => "min-change",
                    },
                    run.id
                )
            });
            let params = serde_json::to_value(&req).unwrap_or(Value::Null);
            let stored = {
                let mut store = studio.store.lock().unwrap_or_else(|p| p.into_inner());
                store.save_plan(&name, req.scenario_id, &params, &result)
            };
            let error = match stored {
                Ok(id) => {
                    result["plan_id"] = json!(id);
                    None
                }
                Err(e) => Some(format!("the plan was found but could not be stored: {e}")),
            };
            // a run whose search ended before the flag was seen (or min-change, which runs as
            // one step) is done: its plan is complete
            let state = if cancelled && out.interrupted {
                RunState::Cancelled
            } else {
                RunState::Done
            };
            run.finish(state, Some(result), error);
        }
        Err(InputError::Plan(PlanError::Interrupted)) if cancelled => run.finish(
            RunState::Cancelled,
            None,
            Some("cancelled before any plan was found".into()),
        ),
        Err(InputError::Plan(PlanError::Interrupted)) => run.finish(
            RunState::Failed,
            None,
            Some("the time limit ran out before any plan was found".into()),
        ),
        Err(e) => run.finish(RunState::Failed, None, Some(e.to_string())),
    }
}

/// The proposed plan against the map it started from (the page's current map, complete or
/// partial), as `MapChanges` defines moves and mergers everywhere: the plan's comuni take their
/// proposed district, the others keep theirs (as "Apply" does). `None` without a baseline.
fn preview_changes(
    studio: &Studio,
    baseline: Option<&Assignment>,
    result: &Value,
) -> Option<ambit_report::report::districts::MapChanges> {
    let region = &studio.region;
    let before = to_map(region, baseline?).ok()?;
    let mut after = baseline?.clone();
    for (code, d) in result["assignment"].as_object()? {
        after.insert(MunicipalityCode::parse(code).ok()?, d.as_str()?.to_string());
    }
    let after = to_map(region, &after).ok()?;
    Some(ambit_report::report::districts::MapChanges::between(
        &region.dataset.territory,
        "current map",
        &before,
        &after,
    ))
}

/// The finished plan as the page reads it.
fn result_json(input: &Input, out: &Outcome, date: &str) -> Value {
    let assignment: BTreeMap<&str, &str> = out
        .assignment()
        .map(|(g, d)| (input.codes[g].as_str(), d))
        .collect();
    json!({
        "summary": out.summary,
        "units": out.subset.len(),
        "districts": out.live().count(),
        "compliant": out.compliant(),
        "interrupted": out.interrupted,
        "district_figures": out.district_figures(),
        "diff": out.diff_json(),
        "incentive": out.incentive(input, date),
        "detail": out.extra,
        "assignment": assignment,
    })
}

/// `GET /api/optimiser/runs`: the runs of this server's lifetime, newest first (without their
/// plans' assignments).
pub async fn list(State(studio): State<Arc<Studio>>) -> Json<Vec<RunView>> {
    Json(
        studio
            .runs
            .list()
            .iter()
            .map(|r| {
                let mut v = r.view();
                if let Some(Value::Object(m)) = v.result.as_mut() {
                    m.remove("assignment");
                }
                v
            })
            .collect(),
    )
}

fn find(studio: &Studio, id: u64) -> Result<Arc<crate::jobs::Run>, ApiError> {
    studio
        .runs
        .get(id)
        .ok_or_else(|| ApiError::NotFound(format!("no optimiser run {id}")))
}

/// `GET /api/optimiser/runs/{id}`: state, progress and, once there is one, the plan.
pub async fn get(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<u64>,
) -> Result<Json<RunView>, ApiError> {
    Ok(Json(find(&studio, id)?.view()))
}

/// `POST /api/optimiser/runs/{id}/cancel`: asks the run to stop (202); it keeps the best plan
/// found so far. Cancelling an ended run changes nothing.
pub async fn cancel(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<u64>,
) -> Result<(StatusCode, Json<RunView>), ApiError> {
    let run = find(&studio, id)?;
    run.cancel.store(true, Ordering::Relaxed);
    Ok((StatusCode::ACCEPTED, Json(run.view())))
}

/// `GET /api/plans`: stored plans, newest first.
pub async fn plans(
    State(studio): State<Arc<Studio>>,
) -> Result<Json<Vec<RecordSummary>>, ApiError> {
    with_store(&studio, |s| Ok(Json(s.list_plans()?))).await
}

/// `GET /api/plans/{id}`: one stored plan with its parameters and result.
pub async fn plan(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
) -> Result<Json<PlanRecord>, ApiError> {
    with_store(&studio, move |s| Ok(Json(s.plan(id)?))).await
}
