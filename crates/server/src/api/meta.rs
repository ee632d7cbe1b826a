//! Health and the OpenAPI document.

use crate::Studio;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

const OPENAPI: &str = include_str!("../../assets/openapi.json");

/// `GET /api/health`: liveness and what is loaded.
pub async fn health(State(studio): State<Arc<Studio>>) -> Json<Value> {
    let t = &studio.region.dataset.territory;
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "region": studio.region.dataset.manifest.name,
        "municipalities": t.len(),
        "polygons": studio.region.features.len(),
        "schema_version": ambit_store::SCHEMA_VERSION,
    }))
}

/// `GET /api/openapi.json`: the API described in OpenAPI 3.0.
pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
