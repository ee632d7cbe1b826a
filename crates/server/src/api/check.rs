//! `POST /api/check`: a whole plan checked as `ambit check` checks it (completeness, contiguity,
//! class thresholds, maximum population, nesting), failures in words.

use super::audit::{to_map, Assignment};
use super::blocking;
use crate::error::Body;
use crate::{ApiError, Studio};
use ambit_plan::input::{Baseline, Input};
use ambit_plan::Nesting;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Body of `POST /api/check`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The plan: code -> district.
    #[serde(deserialize_with = "super::audit::unique_codes")]
    assignment: Assignment,
    /// Check only the comuni the plan lists (default: every comune must have a district).
    #[serde(default)]
    partial: bool,
    /// Municipality column naming the nesting area (e.g. `province_code`): districts must not
    /// cross it.
    #[serde(default)]
    nest_by: Option<String>,
    /// Largest district population.
    #[serde(default)]
    max_population: Option<f64>,
    /// Rules to check against (policy TOML text, as a scenario stores them); empty: the
    /// region's.
    #[serde(default)]
    policy: String,
}

/// `POST /api/check`: the plan's figures and every failed check.
pub async fn check(
    State(studio): State<Arc<Studio>>,
    Body(req): Body<CheckRequest>,
) -> Result<Json<Value>, ApiError> {
    blocking(&studio, move |s| {
        let region = &s.region;
        let map = to_map(region, &req.assignment)?;
        if let Some(m) = req.max_population {
            if !(m.is_finite() && m > 0.0) {
                return Err(ApiError::BadRequest(format!(
                    "max_population {m}: must be a positive number"
                )));
            }
        }
        let unprocessable = |e: ambit_plan::input::InputError| ApiError::Unprocessable {
            message: e.to_string(),
            details: json!({ "problems": [e.to_string()] }),
        };
        let mut input = Input::from_dataset(
            region.dataset.clone(),
            region.policy_for(&req.policy)?.into_owned(),
            &[],
            req.nest_by.as_deref(),
        )
        .map_err(unprocessable)?;
        if req.nest_by.is_some() {
            input.nesting = Nesting::Hard;
        }
        input.max_population = req.max_population;
        let pairs = map
            .pairs()
            .into_iter()
            .filter_map(|(c, d)| Some((region.index_of(c)?, d.to_string())))
            .collect();
        let plan = Baseline::from_pairs(input.len(), pairs);
        let checked = input.check(&plan, req.partial).map_err(unprocessable)?;
        Ok(Json(json!({
            "units": checked.subset.len(),
            "districts": checked.districts,
            "compliant": checked.compliant,
            "valid": checked.is_valid(),
            "violations": checked.report.violations.len(),
            "failures": checked.failures,
        })))
    })
    .await
}
