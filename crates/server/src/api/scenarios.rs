//! Scenarios: create, list, load, save (version-checked), history, restore, delete.

use super::audit::{run_audit, to_map, ContentBody};
use super::{blocking, with_store};
use crate::error::{Body, Params};
use crate::{ApiError, Studio};
use ambit_store::{ScenarioContent, ScenarioSummary, ScenarioVersion, VersionInfo};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;

/// `GET /api/scenarios`: every scenario, newest edit first.
pub async fn list(
    State(studio): State<Arc<Studio>>,
) -> Result<Json<Vec<ScenarioSummary>>, ApiError> {
    with_store(&studio, |s| Ok(Json(s.list_scenarios()?))).await
}

/// Body of `POST /api/scenarios`.
#[derive(Deserialize)]
pub struct CreateRequest {
    name: String,
    #[serde(default)]
    content: ContentBody,
    #[serde(default)]
    message: Option<String>,
}

/// `POST /api/scenarios`: a new scenario at version 1.
pub async fn create(
    State(studio): State<Arc<Studio>>,
    Body(req): Body<CreateRequest>,
) -> Result<(StatusCode, Json<ScenarioVersion>), ApiError> {
    let content = ScenarioContent::from(req.content);
    to_map(&studio.region, &content.assignment)?;
    studio.region.policy_for(&content.policy)?;
    let message = req.message.unwrap_or_else(|| "created".into());
    let v = with_store(&studio, move |s| {
        Ok(s.create_scenario(&req.name, &content, &message)?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// `GET /api/scenarios/{id}`: the newest version.
pub async fn head(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
) -> Result<Json<ScenarioVersion>, ApiError> {
    with_store(&studio, move |s| Ok(Json(s.scenario(id)?))).await
}

/// Body of `PUT /api/scenarios/{id}`.
#[derive(Deserialize)]
pub struct SaveRequest {
    /// The version the edit was made on; the save is refused (409) if it is no longer the newest.
    expected_version: i64,
    content: ContentBody,
    #[serde(default)]
    message: Option<String>,
}

/// `PUT /api/scenarios/{id}`: appends a version (409 when `expected_version` is stale).
pub async fn save(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
    Body(req): Body<SaveRequest>,
) -> Result<Json<ScenarioVersion>, ApiError> {
    let content = ScenarioContent::from(req.content);
    to_map(&studio.region, &content.assignment)?;
    studio.region.policy_for(&content.policy)?;
    let message = req.message.unwrap_or_else(|| "edit".into());
    with_store(&studio, move |s| {
        Ok(Json(s.save_scenario(
            id,
            req.expected_version,
            &content,
            &message,
        )?))
    })
    .await
}

/// Query of `DELETE /api/scenarios/{id}`.
#[derive(Deserialize)]
pub struct DeleteQuery {
    expected_version: i64,
}

/// `DELETE /api/scenarios/{id}?expected_version=N`: deletes the scenario and its history.
pub async fn delete(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
    Params(q): Params<DeleteQuery>,
) -> Result<StatusCode, ApiError> {
    with_store(&studio, move |s| {
        s.delete_scenario(id, q.expected_version)?;
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}

/// Body of `POST /api/scenarios/{id}/rename`.
#[derive(Deserialize)]
pub struct RenameRequest {
    name: String,
}

/// `POST /api/scenarios/{id}/rename`: renames (409 when the name is taken).
pub async fn rename(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
    Body(req): Body<RenameRequest>,
) -> Result<Json<ScenarioVersion>, ApiError> {
    with_store(&studio, move |s| {
        s.rename_scenario(id, &req.name)?;
        Ok(Json(s.scenario(id)?))
    })
    .await
}

/// Body of `POST /api/scenarios/{id}/archive`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveRequest {
    /// `true` archives (every version kept), `false` takes it out of the archive.
    archived: bool,
}

/// `POST /api/scenarios/{id}/archive`: archives the scenario or takes it out of the archive.
pub async fn archive(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
    Body(req): Body<ArchiveRequest>,
) -> Result<Json<Vec<ScenarioSummary>>, ApiError> {
    with_store(&studio, move |s| {
        if req.archived {
            s.archive_scenario(id)?;
        } else {
            s.unarchive_scenario(id)?;
        }
        Ok(Json(s.list_scenarios()?))
    })
    .await
}

/// `GET /api/scenarios/{id}/history`: versions, oldest first.
pub async fn history(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
) -> Result<Json<Vec<VersionInfo>>, ApiError> {
    with_store(&studio, move |s| Ok(Json(s.history(id)?))).await
}

/// `GET /api/scenarios/{id}/versions/{version}`: one older version.
pub async fn version(
    State(studio): State<Arc<Studio>>,
    Path((id, version)): Path<(i64, i64)>,
) -> Result<Json<ScenarioVersion>, ApiError> {
    with_store(&studio, move |s| Ok(Json(s.scenario_version(id, version)?))).await
}

/// Body of `POST /api/scenarios/{id}/restore`.
#[derive(Deserialize)]
pub struct RestoreRequest {
    version: i64,
    expected_version: i64,
}

/// `POST /api/scenarios/{id}/restore`: appends a copy of an older version (undo of saves).
pub async fn restore(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
    Body(req): Body<RestoreRequest>,
) -> Result<Json<ScenarioVersion>, ApiError> {
    with_store(&studio, move |s| {
        Ok(Json(s.restore_version(
            id,
            req.version,
            req.expected_version,
        )?))
    })
    .await
}

/// `GET /api/scenarios/{id}/audit`: the audit of the newest version.
pub async fn audit(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let v = with_store(&studio, move |s| Ok(s.scenario(id)?)).await?;
    blocking(&studio, move |s| {
        let map = to_map(&s.region, &v.content.assignment)?;
        let policy = s.region.policy_for(&v.content.policy)?;
        let audit = run_audit(&s.region, &policy, &map);
        Ok(Json(super::audit::with_reasons_in_words(
            &s.region, &policy, &map, &audit,
        )))
    })
    .await
}
