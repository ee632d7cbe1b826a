//! Two scenarios compared: comuni moved, districts merged (`ambit_plan::diff`, as `ambit plan`
//! reports them) and the incentives the policy would pay for the merged districts.

use super::with_store;
use crate::{ApiError, Studio};
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Query of `GET /api/diff`.
#[derive(Deserialize)]
pub struct DiffQuery {
    /// Baseline scenario.
    a: i64,
    /// Compared scenario.
    b: i64,
    /// Agreement date for the incentive schedule (default as `ambit plan`: 2018-06-30).
    #[serde(default)]
    date: Option<String>,
}

/// Label used for municipalities in no district: they form one baseline "district" so that
/// assigning them shows as moves or merges.
const UNASSIGNED: &str = "(unassigned)";

/// `GET /api/diff?a=ID&b=ID[&date=YYYY-MM-DD]`: what changes from scenario `a` to `b`.
pub async fn diff(
    State(studio): State<Arc<Studio>>,
    Query(q): Query<DiffQuery>,
) -> Result<Json<Value>, ApiError> {
    let date = q.date.unwrap_or_else(|| "2018-06-30".to_string());
    if !ambit_rules::is_iso_date(&date) {
        return Err(ApiError::BadRequest(format!(
            "date {date:?} is not an ISO date YYYY-MM-DD"
        )));
    }
    let (a, b) = with_store(&studio, move |s| Ok((s.scenario(q.a)?, s.scenario(q.b)?))).await?;
    let region = &studio.region;
    let ms = region.dataset.territory.municipalities();
    let mut names: Vec<String> = Vec::new();
    let mut ids: BTreeMap<String, u32> = BTreeMap::new();
    let mut label = |d: Option<&String>| -> u32 {
        let d = d.map_or(UNASSIGNED, String::as_str);
        *ids.entry(d.to_string()).or_insert_with(|| {
            names.push(d.to_string());
            (names.len() - 1) as u32
        })
    };
    let base: Vec<u32> = ms
        .iter()
        .map(|m| label(a.content.assignment.get(&m.code)))
        .collect();
    let plan: Vec<u32> = ms
        .iter()
        .map(|m| label(b.content.assignment.get(&m.code)))
        .collect();
    let d = ambit_plan::diff(&base, &plan);
    let name = |l: u32| names.get(l as usize).cloned().unwrap_or_default();
    let moved: Vec<Value> = d
        .moved
        .iter()
        .map(|mv| {
            let m = &ms[mv.unit as usize];
            json!({ "code": m.code, "name": m.name, "from": name(mv.from), "to": name(mv.to) })
        })
        .collect();
    let merged: Vec<Value> = d
        .merged
        .iter()
        .map(|g| {
            let mut baseline: Vec<String> = g.baseline.iter().map(|&l| name(l)).collect();
            baseline.sort();
            json!({ "district": name(g.district), "baseline": baseline })
        })
        .collect();
    let incentives: Vec<Value> = region
        .policy
        .file
        .policy
        .incentives
        .iter()
        .map(|i| {
            let per = i.amount_on(&date);
            json!({
                "name": i.name, "per_new_district": per, "currency": i.currency,
                "new_districts": d.merged.len(), "total": per * d.merged.len() as f64,
                "condition": i.condition,
            })
        })
        .collect();
    Ok(Json(json!({
        "a": { "id": a.scenario_id, "name": a.name, "version": a.version },
        "b": { "id": b.scenario_id, "name": b.name, "version": b.version },
        "moved": moved,
        "merged": merged,
        "unchanged": d.unchanged,
        "incentive": { "date": date, "incentives": incentives },
    })))
}
