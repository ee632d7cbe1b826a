//! Two scenarios compared: comuni moved, districts merged (`MapChanges`, over `ambit_plan::diff`
//! as `ambit plan` reports them) and the incentives the policy would pay for the merged districts
//! (`incentive_costs`), as the studio's report page lists them.

use super::audit::{to_map, Assignment};
use super::{blocking, with_store};
use crate::error::{Body, Params};
use crate::{ApiError, Studio};
use ambit_report::report::districts::{incentive_costs, MapChanges};
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Query of `GET /api/diff`.
#[derive(Deserialize)]
pub struct DiffQuery {
    /// Baseline scenario.
    a: i64,
    /// Compared scenario.
    b: i64,
    /// Agreement date for the incentive schedule (default as `ambit plan`: the last day of the
    /// policy's full premium).
    #[serde(default)]
    date: Option<String>,
}

/// `GET /api/diff?a=ID&b=ID[&date=YYYY-MM-DD]`: what changes from scenario `a` to `b`.
pub async fn diff(
    State(studio): State<Arc<Studio>>,
    Params(q): Params<DiffQuery>,
) -> Result<Json<Value>, ApiError> {
    let date = q
        .date
        .unwrap_or_else(|| reference_date(&studio.region.policy));
    if !ambit_rules::is_iso_date(&date) {
        return Err(ApiError::BadRequest(format!(
            "date {date:?} is not an ISO date YYYY-MM-DD"
        )));
    }
    let (a, b) = with_store(&studio, move |s| Ok((s.scenario(q.a)?, s.scenario(q.b)?))).await?;
    let region = &studio.region;
    let changes = MapChanges::between(
        &region.dataset.territory,
        &a.name,
        &to_map(region, &a.content.assignment)?,
        &to_map(region, &b.content.assignment)?,
    );
    let mut out = changes_json(&studio, &changes, &date);
    out["a"] = json!({ "id": a.scenario_id, "name": a.name, "version": a.version });
    out["b"] = json!({ "id": b.scenario_id, "name": b.name, "version": b.version });
    Ok(Json(out))
}

/// The changes and the incentives they would earn on `date`, as every comparison answers them
/// (`GET` and `POST /api/diff`, the optimiser's preview): one definition of "moved" everywhere.
pub(crate) fn changes_json(studio: &Studio, changes: &MapChanges, date: &str) -> Value {
    let incentives = incentive_costs(&studio.region.policy.file.policy.incentives, date, changes);
    json!({
        "baseline": changes.baseline,
        "moved": changes.moved,
        "assigned": changes.assigned,
        "unassigned": changes.unassigned,
        "changed": changes.changed(),
        "merged": changes.merged,
        "unchanged": changes.unchanged,
        "incentive": { "date": date, "incentives": incentives },
    })
}

/// Body of `POST /api/diff`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffRequest {
    /// The baseline map (code -> district).
    #[serde(deserialize_with = "super::audit::unique_codes")]
    baseline: Assignment,
    /// The compared map.
    #[serde(deserialize_with = "super::audit::unique_codes")]
    scenario: Assignment,
    /// Name of the baseline in the answer (default "baseline").
    #[serde(default)]
    baseline_name: Option<String>,
    /// Agreement date for the incentive schedule (default as `GET /api/diff`).
    #[serde(default)]
    date: Option<String>,
}

/// `POST /api/diff`: what changes from one assignment to another (the page's current edit
/// against a saved scenario), with the same figures as `GET /api/diff`.
pub async fn diff_maps(
    State(studio): State<Arc<Studio>>,
    Body(req): Body<DiffRequest>,
) -> Result<Json<Value>, ApiError> {
    let date = req
        .date
        .unwrap_or_else(|| reference_date(&studio.region.policy));
    if !ambit_rules::is_iso_date(&date) {
        return Err(ApiError::BadRequest(format!(
            "date {} is not an ISO date YYYY-MM-DD",
            crate::error::excerpt(&date)
        )));
    }
    blocking(&studio, move |s| {
        let region = &s.region;
        let changes = MapChanges::between(
            &region.dataset.territory,
            req.baseline_name.as_deref().unwrap_or("baseline"),
            &to_map(region, &req.baseline)?,
            &to_map(region, &req.scenario)?,
        );
        Ok(Json(changes_json(s, &changes, &date)))
    })
    .await
}

/// The agreement date incentives are priced for when a request names none: the policy's
/// (`Policy::incentive_reference_date`, the last day of its full premium), else today's
/// schedule does not matter and any date prices the same.
pub(crate) fn reference_date(policy: &ambit_rules::CompiledPolicy) -> String {
    policy
        .file
        .policy
        .incentive_reference_date()
        .unwrap_or("1970-01-01")
        .to_string()
}
