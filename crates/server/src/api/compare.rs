//! Two scenarios compared: comuni moved, districts merged (`MapChanges`, over `ambit_plan::diff`
//! as `ambit plan` reports them) and the incentives the policy would pay for the merged districts
//! (`incentive_costs`), as the studio's report page lists them.

use super::audit::to_map;
use super::with_store;
use crate::error::Params;
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
    let incentives = incentive_costs(&region.policy.file.policy.incentives, &date, &changes);
    Ok(Json(json!({
        "a": { "id": a.scenario_id, "name": a.name, "version": a.version },
        "b": { "id": b.scenario_id, "name": b.name, "version": b.version },
        "moved": changes.moved,
        "merged": changes.merged,
        "unchanged": changes.unchanged,
        "incentive": { "date": date, "incentives": incentives },
    })))
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
