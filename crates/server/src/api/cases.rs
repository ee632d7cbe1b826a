//! Case files of cooperation cases: stored in the store, validated by the cases library before
//! anything is stored, and assessed against the study's QCA model (as `ambit assess`).

use super::{blocking, with_store};
use crate::error::Body;
use crate::{ApiError, Studio};
use ambit_cases::{assess, Case, Model, Profile};
use ambit_store::{CaseFileRecord, RecordSummary};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// The shipped model case files are assessed against.
const MODEL: &str = "study-2018";

/// Parses a case file as a candidate partnership (omitted fields unknown), naming `name` in errors.
fn validate(name: &str, content: &str) -> Result<Case, ApiError> {
    Case::from_toml(content, name, Profile::Partnership).map_err(|e| ApiError::Unprocessable {
        message: format!("case file refused, nothing was stored: {e}"),
        details: json!({ "problems": e.to_string().lines().collect::<Vec<_>>() }),
    })
}

/// `GET /api/case-files`: stored case files, newest first.
pub async fn list(State(studio): State<Arc<Studio>>) -> Result<Json<Vec<RecordSummary>>, ApiError> {
    with_store(&studio, |s| Ok(Json(s.list_case_files()?))).await
}

/// Body of `POST /api/case-files`.
#[derive(Deserialize)]
pub struct CreateRequest {
    name: String,
    content: String,
}

/// `POST /api/case-files`: stores a new case file once it validates.
pub async fn create(
    State(studio): State<Arc<Studio>>,
    Body(req): Body<CreateRequest>,
) -> Result<(StatusCode, Json<CaseFileRecord>), ApiError> {
    validate(&req.name, &req.content)?;
    let rec = with_store(&studio, move |s| {
        Ok(s.create_case_file(&req.name, &req.content)?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(rec)))
}

/// `GET /api/case-files/{id}`: one case file.
pub async fn get(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
) -> Result<Json<CaseFileRecord>, ApiError> {
    with_store(&studio, move |s| Ok(Json(s.case_file(id)?))).await
}

/// Body of `PUT /api/case-files/{id}`.
#[derive(Deserialize)]
pub struct UpdateRequest {
    expected_version: i64,
    content: String,
}

/// `PUT /api/case-files/{id}`: replaces the text once it validates (409 on a stale version).
pub async fn update(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
    Body(req): Body<UpdateRequest>,
) -> Result<Json<CaseFileRecord>, ApiError> {
    with_store(&studio, move |s| {
        let name = s.case_file(id)?.name;
        validate(&name, &req.content)?;
        Ok(Json(s.update_case_file(
            id,
            req.expected_version,
            &req.content,
        )?))
    })
    .await
}

/// Body of `POST /api/case-files/validate`.
#[derive(Deserialize)]
pub struct ValidateRequest {
    #[serde(default)]
    name: Option<String>,
    content: String,
}

/// `POST /api/case-files/validate`: checks a text without storing it.
pub async fn check(Body(req): Body<ValidateRequest>) -> Result<Json<Value>, ApiError> {
    let name = req.name.unwrap_or_else(|| "case.toml".into());
    let case = validate(&name, &req.content)?;
    Ok(Json(
        json!({ "valid": true, "id": case.id, "name": case.name }),
    ))
}

/// `POST /api/case-files/{id}/assess`: the study's QCA model applied to the case (the same
/// function as `ambit assess`); the result is stored as an analysis.
pub async fn assess_case(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let rec = with_store(&studio, move |s| Ok(s.case_file(id)?)).await?;
    let result = blocking(&studio, move |_| {
        let case = validate(&rec.name, &rec.content)?;
        let model = Model::builtin(MODEL)
            .ok_or_else(|| ApiError::Internal(format!("model {MODEL} is not shipped")))?
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let a = assess(&model, &case).map_err(|e| ApiError::Unprocessable {
            message: e.to_string(),
            details: Value::Null,
        })?;
        serde_json::to_value(&a).map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await?;
    let stored = result.clone();
    let analysis = with_store(&studio, move |s| {
        Ok(s.save_analysis("assess", Some(id), &json!({ "model": MODEL }), &stored)?)
    })
    .await?;
    Ok(Json(
        json!({ "analysis_id": analysis, "assessment": result }),
    ))
}
