//! The JSON API, one module per resource. Handlers translate HTTP to library calls and back.

mod audit;
mod cases;
mod check;
mod compare;
mod live;
mod meta;
mod optimiser;
mod qca;
mod scenarios;
mod transfer;

pub use live::LiveSessions;

use crate::{ApiError, Studio};
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

/// Every route of the API as `(method, path)` in OpenAPI's path syntax; the OpenAPI document
/// must list exactly these (checked by a test).
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/health"),
    ("get", "/api/openapi.json"),
    ("get", "/api/territory"),
    ("get", "/api/territory/boundaries"),
    ("get", "/api/territory/mesh"),
    ("get", "/api/district-maps"),
    ("get", "/api/district-maps/{name}"),
    ("get", "/api/policy"),
    ("post", "/api/audit"),
    ("post", "/api/audit/live"),
    ("post", "/api/check"),
    ("get", "/api/scenarios"),
    ("post", "/api/scenarios"),
    ("get", "/api/scenarios/{id}"),
    ("put", "/api/scenarios/{id}"),
    ("delete", "/api/scenarios/{id}"),
    ("post", "/api/scenarios/{id}/rename"),
    ("post", "/api/scenarios/{id}/archive"),
    ("get", "/api/scenarios/{id}/history"),
    ("get", "/api/scenarios/{id}/versions/{version}"),
    ("post", "/api/scenarios/{id}/restore"),
    ("get", "/api/scenarios/{id}/audit"),
    ("post", "/api/scenarios/{id}/import"),
    ("get", "/api/scenarios/{id}/export.csv"),
    ("get", "/api/scenarios/{id}/export.geojson"),
    ("get", "/api/scenarios/{id}/report"),
    ("post", "/api/export/districts.geojson"),
    ("post", "/api/export/comuni.csv"),
    ("post", "/api/export/comuni.geojson"),
    ("get", "/api/diff"),
    ("post", "/api/diff"),
    ("post", "/api/optimiser/runs"),
    ("get", "/api/optimiser/runs"),
    ("get", "/api/optimiser/runs/{id}"),
    ("post", "/api/optimiser/runs/{id}/cancel"),
    ("get", "/api/plans"),
    ("get", "/api/plans/{id}"),
    ("get", "/api/case-files"),
    ("post", "/api/case-files"),
    ("post", "/api/case-files/validate"),
    ("get", "/api/case-files/{id}"),
    ("put", "/api/case-files/{id}"),
    ("post", "/api/case-files/{id}/assess"),
    ("get", "/api/qca/conditions"),
    ("post", "/api/qca"),
    ("get", "/api/qca/analyses"),
    ("get", "/api/qca/analyses/{id}"),
];

/// The API's routes (mounted under `/api`).
pub fn routes() -> Router<Arc<Studio>> {
    Router::new()
        .route("/health", get(meta::health))
        .route("/openapi.json", get(meta::openapi))
        .route("/territory", get(audit::territory))
        .route("/territory/boundaries", get(audit::boundaries))
        .route("/territory/mesh", get(audit::mesh))
        .route("/district-maps", get(audit::district_maps))
        .route("/district-maps/:name", get(audit::district_map))
        .route("/policy", get(audit::policy))
        .route("/audit", post(audit::audit))
        .route("/audit/live", post(live::live))
        .route("/check", post(check::check))
        .route("/scenarios", get(scenarios::list).post(scenarios::create))
        .route(
            "/scenarios/:id",
            get(scenarios::head)
                .put(scenarios::save)
                .delete(scenarios::delete),
        )
        .route("/scenarios/:id/rename", post(scenarios::rename))
        .route("/scenarios/:id/archive", post(scenarios::archive))
        .route("/scenarios/:id/history", get(scenarios::history))
        .route("/scenarios/:id/versions/:version", get(scenarios::version))
        .route("/scenarios/:id/restore", post(scenarios::restore))
        .route("/scenarios/:id/audit", get(scenarios::audit))
        .route(
            "/scenarios/:id/import",
            post(transfer::import).layer(axum::extract::DefaultBodyLimit::max(
                transfer::MAX_IMPORT_BYTES,
            )),
        )
        .route("/scenarios/:id/export.csv", get(transfer::export_csv))
        .route(
            "/scenarios/:id/export.geojson",
            get(transfer::export_geojson),
        )
        .route("/scenarios/:id/report", get(transfer::report))
        .route(
            "/export/districts.geojson",
            post(transfer::export_districts),
        )
        .route("/export/comuni.csv", post(transfer::export_comuni_csv))
        .route(
            "/export/comuni.geojson",
            post(transfer::export_comuni_geojson),
        )
        .route("/diff", get(compare::diff).post(compare::diff_maps))
        .route(
            "/optimiser/runs",
            get(optimiser::list).post(optimiser::start),
        )
        .route("/optimiser/runs/:id", get(optimiser::get))
        .route("/optimiser/runs/:id/cancel", post(optimiser::cancel))
        .route("/plans", get(optimiser::plans))
        .route("/plans/:id", get(optimiser::plan))
        .route("/case-files", get(cases::list).post(cases::create))
        .route("/case-files/validate", post(cases::check))
        .route("/case-files/:id", get(cases::get).put(cases::update))
        .route("/case-files/:id/assess", post(cases::assess_case))
        .route("/qca/conditions", get(qca::conditions))
        .route("/qca", post(qca::run))
        .route("/qca/analyses", get(qca::list))
        .route("/qca/analyses/:id", get(qca::get))
}

/// Runs blocking work (SQLite, audits) off the async workers.
pub(crate) async fn blocking<T, F>(studio: &Arc<Studio>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Studio) -> Result<T, ApiError> + Send + 'static,
{
    let studio = Arc::clone(studio);
    tokio::task::spawn_blocking(move || f(&studio))
        .await
        .map_err(|e| ApiError::Internal(format!("worker failed: {e}")))?
}

/// Runs `f` with the store locked (in a blocking task).
pub(crate) async fn with_store<T, F>(studio: &Arc<Studio>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut ambit_store::Store) -> Result<T, ApiError> + Send + 'static,
{
    blocking(studio, move |s| {
        // A poisoned lock means a handler panicked mid-request; SQLite's transaction was rolled
        // back with it, so the connection is still consistent and can be used again.
        let mut store = s.store.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut store)
    })
    .await
}
