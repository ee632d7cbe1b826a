//! District CSV import (checked whole before anything is stored) and exports: CSV, GeoJSON,
//! and a printable report page.

use super::audit::{run_audit, to_map};
use super::{blocking, with_store};
use crate::error::Params;
use crate::{ApiError, Studio};
use ambit_store::{ScenarioContent, ScenarioVersion};
use ambit_territory::table::Table;
use ambit_territory::{DataError, DistrictColumns};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Largest district CSV accepted: 1 MiB (a full Lombardy map as CSV is about 40 KiB).
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024;

/// Query of `POST /api/scenarios/{id}/import`.
#[derive(Deserialize)]
pub struct ImportQuery {
    expected_version: i64,
    #[serde(default)]
    code_column: Option<String>,
    #[serde(default)]
    district_column: Option<String>,
}

/// What an import did (or, on 422, why it did nothing).
#[derive(Serialize)]
pub struct ImportReport {
    /// Municipalities assigned by the file.
    pub assigned: usize,
    /// Districts in the file.
    pub districts: usize,
    /// Municipalities of the region the file does not list (left unassigned).
    pub missing: usize,
    /// The first missing ones, as `code name`.
    pub missing_examples: Vec<String>,
    /// Repairs made while reading (separator, encoding, re-keyed codes).
    pub notices: Vec<String>,
    /// The scenario version written.
    pub scenario: ScenarioVersion,
}

/// `POST /api/scenarios/{id}/import?expected_version=N`: replaces the scenario's map by a CSV
/// (`code,district` by default). Unknown or duplicate codes refuse the whole file (422, with
/// every problem) and nothing is stored.
pub async fn import(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
    Params(q): Params<ImportQuery>,
    body: Bytes,
) -> Result<Json<ImportReport>, ApiError> {
    let (assignment, mut report) = blocking(&studio, move |s| {
        let region = &s.region;
        let mut columns = DistrictColumns::default();
        if let Some(c) = q.code_column {
            columns.code = c;
        }
        if let Some(c) = q.district_column {
            columns.district = c;
        }
        let path = std::path::Path::new("upload.csv");
        let map = Table::parse(path, &body)
            .and_then(|t| {
                ambit_territory::DistrictMap::from_table(
                    t,
                    &columns,
                    &region.dataset.territory,
                    Some(&region.dataset.polygon_key),
                )
            })
            .map_err(import_error)?;
        let ms = region.dataset.territory.municipalities();
        let missing: Vec<&ambit_territory::Municipality> = ms
            .iter()
            .filter(|m| map.district_of(&m.code).is_none())
            .collect();
        let assignment: BTreeMap<_, _> = map
            .pairs()
            .into_iter()
            .map(|(c, d)| (c.clone(), d.to_string()))
            .collect();
        let report = ImportReport {
            assigned: map.len(),
            districts: map.districts().len(),
            missing: missing.len(),
            missing_examples: missing
                .iter()
                .take(20)
                .map(|m| format!("{} {}", m.code, m.name))
                .collect(),
            notices: map.notices.iter().map(|n| n.message.clone()).collect(),
            scenario: placeholder_version(),
        };
        Ok((assignment, report))
    })
    .await?;
    let message = format!(
        "import of {} municipalities in {} districts",
        report.assigned, report.districts
    );
    report.scenario = with_store(&studio, move |s| {
        let head = s.scenario(id)?;
        if head.version != q.expected_version {
            return Err(ambit_store::StoreError::Conflict {
                kind: "scenario",
                id,
                expected: q.expected_version,
                actual: head.version,
            }
            .into());
        }
        let districts: BTreeSet<&String> = assignment.values().collect();
        let content = ScenarioContent {
            locked: head
                .content
                .locked
                .iter()
                .filter(|d| districts.contains(d))
                .cloned()
                .collect(),
            assignment: assignment.clone(),
            ..head.content
        };
        Ok(s.save_scenario(id, q.expected_version, &content, &message)?)
    })
    .await?;
    Ok(Json(report))
}

fn placeholder_version() -> ScenarioVersion {
    ScenarioVersion {
        scenario_id: 0,
        name: String::new(),
        version: 0,
        head_version: 0,
        created_at: String::new(),
        message: String::new(),
        content: ScenarioContent::default(),
    }
}

fn import_error(e: DataError) -> ApiError {
    let problems: Vec<String> = match &e {
        DataError::Many(list) => list.iter().map(ToString::to_string).collect(),
        other => vec![other.to_string()],
    };
    ApiError::Unprocessable {
        message: format!(
            "import refused, nothing was changed: {} problem(s); first: {}",
            problems.len(),
            problems.first().map_or("", String::as_str)
        ),
        details: json!({ "problems": problems }),
    }
}

/// Query of the exports: a version (default: the newest).
#[derive(Deserialize)]
pub struct VersionQuery {
    #[serde(default)]
    version: Option<i64>,
}

async fn load(
    studio: &Arc<Studio>,
    id: i64,
    version: Option<i64>,
) -> Result<ScenarioVersion, ApiError> {
    with_store(studio, move |s| {
        Ok(match version {
            Some(v) => s.scenario_version(id, v)?,
            None => s.scenario(id)?,
        })
    })
    .await
}

fn attachment(content_type: &'static str, filename: String, body: String) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
}

fn file_stem(v: &ScenarioVersion) -> String {
    let stem: String = v
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{stem}-v{}", v.version)
}

/// `GET /api/scenarios/{id}/export.csv`: `code,name,district`, one row per assigned municipality
/// (the import format).
pub async fn export_csv(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
    Params(q): Params<VersionQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let v = load(&studio, id, q.version).await?;
    let text = comuni_csv(&studio.region, &v.content.assignment);
    Ok(attachment(
        "text/csv; charset=utf-8",
        format!("{}.csv", file_stem(&v)),
        text,
    ))
}

/// `code,name,district` of every assigned municipality of `assignment`: the same table as a
/// plan folder's assignment.csv.
fn comuni_csv(
    region: &crate::Region,
    assignment: &BTreeMap<ambit_territory::MunicipalityCode, String>,
) -> String {
    let territory = &region.dataset.territory;
    let rows = assignment.iter().map(|(code, district)| {
        let name = territory.get(code).map_or("", |m| m.name.as_str());
        [code.as_str(), name, district.as_str()]
    });
    ambit_report::plan::assignment_table(rows).render(ambit_report::table::Format::Csv)
}

/// `GET /api/scenarios/{id}/export.geojson`: the boundary polygons with their district.
pub async fn export_geojson(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
    Params(q): Params<VersionQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let v = load(&studio, id, q.version).await?;
    let name = file_stem(&v);
    let text = blocking(&studio, move |s| {
        Ok(comuni_geojson(
            &s.region,
            &v.content.assignment,
            json!({ "name": v.name, "scenario_version": v.version }),
        ))
    })
    .await?;
    Ok(attachment(
        "application/geo+json",
        format!("{name}.geojson"),
        text,
    ))
}

/// The boundary polygons with the district `assignment` gives each (`district`, several joined
/// by " | " when a polygon draws municipalities of several) and the codes they draw
/// (`municipalities`); `head`'s members go on the FeatureCollection.
fn comuni_geojson(
    region: &crate::Region,
    assignment: &BTreeMap<ambit_territory::MunicipalityCode, String>,
    head: Value,
) -> String {
    // Districts of the municipalities drawn by each polygon (several when merged later).
    let mut by_polygon: BTreeMap<&str, (BTreeSet<&str>, Vec<&str>)> = BTreeMap::new();
    for (i, m) in region.dataset.territory.municipalities().iter().enumerate() {
        let entry = by_polygon.entry(region.polygon_of[i].as_str()).or_default();
        entry.1.push(m.code.as_str());
        if let Some(d) = assignment.get(&m.code) {
            entry.0.insert(d.as_str());
        }
    }
    let features: Vec<Value> = region
        .features
        .iter()
        .map(|(code, f)| {
            let mut f = f.clone();
            let (districts, members) = by_polygon.get(code.as_str()).cloned().unwrap_or_default();
            if let Some(Value::Object(props)) = f.get_mut("properties") {
                let district = match districts.len() {
                    0 => Value::Null,
                    _ => Value::String(districts.into_iter().collect::<Vec<_>>().join(" | ")),
                };
                props.insert("district".into(), district);
                props.insert("municipalities".into(), json!(members));
            }
            f
        })
        .collect();
    let mut collection = json!({ "type": "FeatureCollection" });
    if let (Value::Object(c), Value::Object(h)) = (&mut collection, head) {
        c.extend(h);
        c.insert("features".into(), Value::Array(features));
    }
    collection.to_string()
}

/// Query of `GET /api/scenarios/{id}/report`: a version (default: the newest) and an optional
/// baseline to list the changes from: another scenario (its newest version) or a bundled map;
/// the agreement date the incentives are costed for (default as `GET /api/diff`: the policy's).
#[derive(Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    version: Option<i64>,
    #[serde(default)]
    baseline: Option<i64>,
    #[serde(default)]
    baseline_map: Option<String>,
    #[serde(default)]
    date: Option<String>,
}

/// `GET /api/scenarios/{id}/report`: the scenario's report as `ambit report` writes it (audit,
/// compliance map, changes from the baseline), one printable HTML page.
pub async fn report(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
    Params(q): Params<ReportQuery>,
) -> Result<Html<String>, ApiError> {
    if q.baseline.is_some() && q.baseline_map.is_some() {
        return Err(ApiError::BadRequest(
            "give either baseline (a scenario id) or baseline_map (a bundled map), not both".into(),
        ));
    }
    let date = q
        .date
        .unwrap_or_else(|| super::compare::reference_date(&studio.region.policy));
    if !ambit_rules::is_iso_date(&date) {
        return Err(ApiError::BadRequest(format!(
            "date {date:?} is not an ISO date YYYY-MM-DD"
        )));
    }
    let v = load(&studio, id, q.version).await?;
    let baseline_scenario = match q.baseline {
        Some(b) => Some(load(&studio, b, None).await?),
        None => None,
    };
    blocking(&studio, move |s| {
        let region = &s.region;
        let baseline = match (baseline_scenario, q.baseline_map) {
            (Some(b), _) => Some(crate::report::Baseline {
                name: format!("scenario {} (version {})", b.name, b.version),
                map: to_map(region, &b.content.assignment)?,
            }),
            (None, Some(name)) => Some(crate::report::Baseline {
                map: bundled_map(region, &name)?,
                name,
            }),
            (None, None) => None,
        };
        let map = to_map(region, &v.content.assignment)?;
        let policy = region.policy_for(&v.content.policy)?;
        let audit = run_audit(region, &policy, &map);
        Ok(Html(crate::report::render(
            region, &policy, &v, &map, audit, baseline, date,
        )))
    })
    .await
}

/// A district map the data folder's manifest names (never a path: a request must not name files).
fn bundled_map(
    region: &crate::Region,
    name: &str,
) -> Result<ambit_territory::DistrictMap, ApiError> {
    let ds = &region.dataset;
    if !ds.manifest.district_maps.iter().any(|e| e.name == name) {
        return Err(ApiError::NotFound(format!(
            "no district map named {name:?}"
        )));
    }
    ds.district_map(name)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Body of the `POST /api/export/...` routes: the map to export (the page's current edit,
/// saved or not) and, for the districts, the rules to audit it under.
#[derive(Deserialize)]
pub struct ExportRequest {
    /// The assignment (code -> district); duplicate codes are refused while parsing.
    #[serde(deserialize_with = "super::audit::unique_codes")]
    assignment: super::audit::Assignment,
    /// Rules (policy TOML text, as a scenario stores them); empty: the region's policy.
    #[serde(default)]
    policy: String,
    /// The file name offered for the download (without extension); default `districts` or
    /// `comuni`.
    #[serde(default)]
    name: Option<String>,
}

impl ExportRequest {
    /// The download's file name: `name` (or `default`) with every character other than ASCII
    /// letters and digits as `-`, at most 80 characters, then `.ext`.
    fn file_name(&self, default: &str, ext: &str) -> String {
        let stem: String = self
            .name
            .as_deref()
            .unwrap_or(default)
            .chars()
            .take(80)
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("{stem}.{ext}")
    }

    /// The assignment checked against the region (unknown codes refused, as everywhere).
    fn checked(&self, region: &crate::Region) -> Result<(), ApiError> {
        to_map(region, &self.assignment).map(|_| ())
    }
}

/// `POST /api/export/comuni.csv`: `code,name,district` of the posted assignment (the page's
/// current edit, saved or not), as `GET /api/scenarios/{id}/export.csv` writes a saved one.
pub async fn export_comuni_csv(
    State(studio): State<Arc<Studio>>,
    crate::error::Body(req): crate::error::Body<ExportRequest>,
) -> Result<impl IntoResponse, ApiError> {
    req.checked(&studio.region)?;
    let text = comuni_csv(&studio.region, &req.assignment);
    Ok(attachment(
        "text/csv; charset=utf-8",
        req.file_name("comuni", "csv"),
        text,
    ))
}

/// `POST /api/export/comuni.geojson`: the boundary polygons with the district the posted
/// assignment gives them, as `GET /api/scenarios/{id}/export.geojson` writes a saved one.
pub async fn export_comuni_geojson(
    State(studio): State<Arc<Studio>>,
    crate::error::Body(req): crate::error::Body<ExportRequest>,
) -> Result<impl IntoResponse, ApiError> {
    req.checked(&studio.region)?;
    let file = req.file_name("comuni", "geojson");
    let text = blocking(&studio, move |s| {
        Ok(comuni_geojson(&s.region, &req.assignment, json!({})))
    })
    .await?;
    Ok(attachment("application/geo+json", file, text))
}

/// `POST /api/export/districts.geojson`: one feature per district, its outline dissolved from
/// its municipalities' boundaries, with its audit figures (population, class, threshold,
/// compliance, shortfall...): `ambit_report::geojson::districts`, the function `ambit plan`
/// writes `plan.geojson` with. 422 when the region has no boundary layer or the map is wrong.
pub async fn export_districts(
    State(studio): State<Arc<Studio>>,
    crate::error::Body(req): crate::error::Body<ExportRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let file = req.file_name("districts", "geojson");
    let text = blocking(&studio, move |s| {
        let region = &s.region;
        let boundaries = region
            .library_boundaries()
            .map_err(|e| ApiError::Unprocessable {
                message: format!("no district outlines can be drawn: {e}"),
                details: json!({ "problems": [e] }),
            })?;
        let map = to_map(region, &req.assignment)?;
        let policy = region.policy_for(&req.policy)?;
        let audit = super::audit::run_audit_with(
            region,
            &policy,
            &map,
            ambit_rules::audit::MergerSearch::Skip,
        );
        let district_of = region.dataset.polygon_districts(&map);
        Ok(ambit_report::geojson::districts(
            boundaries,
            &district_of,
            &audit,
        ))
    })
    .await?;
    Ok(attachment("application/geo+json", file, text))
}
