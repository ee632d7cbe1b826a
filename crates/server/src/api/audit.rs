//! The region (municipalities, boundaries, bundled district maps) and audits of assignments.

use super::blocking;
use crate::error::Body;
use crate::region::MunicipalityRow;
use crate::{ApiError, Region, Studio};
use ambit_rules::audit::MergerSearch;
use ambit_rules::{Audit, CompiledPolicy};
use ambit_store::ScenarioContent;
use ambit_territory::{DistrictMap, MunicipalityCode};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A district map as the API exchanges it: municipality code -> district name.
pub type Assignment = BTreeMap<MunicipalityCode, String>;

/// Reads an [`Assignment`] from a JSON object, refusing a code given twice while parsing
/// (serde's map would silently keep the last, as `{"016115":"A","016115":"B"}` did; the CSV
/// import refuses duplicates too). For `#[serde(deserialize_with = "unique_codes")]`.
pub(crate) fn unique_codes<'de, D: Deserializer<'de>>(d: D) -> Result<Assignment, D::Error> {
    struct Codes;
    impl<'de> Visitor<'de> for Codes {
        type Value = Assignment;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of municipality code -> district name")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Assignment, A::Error> {
            let mut out = Assignment::new();
            while let Some((code, district)) = m.next_entry::<MunicipalityCode, String>()? {
                if out.contains_key(&code) {
                    return Err(serde::de::Error::custom(format!(
                        "municipality code {code} is given twice"
                    )));
                }
                out.insert(code, district);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Codes)
}

/// [`unique_codes`] for an optional assignment.
pub(crate) fn unique_codes_opt<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Assignment>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "unique_codes")] Assignment);
    Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
}

/// A scenario's content as a request carries it: [`ScenarioContent`] with duplicate codes
/// refused while parsing.
#[derive(Deserialize, Default)]
pub struct ContentBody {
    #[serde(deserialize_with = "unique_codes")]
    assignment: Assignment,
    #[serde(default)]
    locked: std::collections::BTreeSet<String>,
    #[serde(default)]
    policy: String,
    #[serde(default)]
    notes: String,
}

impl From<ContentBody> for ScenarioContent {
    fn from(c: ContentBody) -> Self {
        ScenarioContent {
            assignment: c.assignment,
            locked: c.locked,
            policy: c.policy,
            notes: c.notes,
        }
    }
}

/// What `GET /api/territory` answers.
#[derive(Serialize)]
pub struct TerritoryView<'a> {
    name: String,
    population_vintage: Option<String>,
    /// What one municipality and several are called (dataset.toml's `noun`).
    noun: [String; 2],
    /// What the reference areas drawn dashed are called (`Region::area_word`).
    area_word: Option<String>,
    population: u64,
    /// Boundary polygons the page draws.
    polygons: usize,
    /// Whether the page draws them on a canvas from `/api/territory/mesh` (above
    /// [`crate::region::CANVAS_FROM`] polygons, the meshes built at load for it) or as SVG.
    canvas: bool,
    policy: PolicyView,
    municipalities: &'a [MunicipalityRow],
}

/// The policy as the page shows it.
#[derive(Serialize)]
pub struct PolicyView {
    name: String,
    district_word: String,
    classes: Vec<String>,
    rules: Vec<String>,
    /// The rules in plain words (`ambit_rules::describe::rules`).
    rules_in_words: Vec<String>,
    assumptions: Vec<String>,
}

/// `GET /api/territory`: municipalities with population, polygon, neighbours; the policy.
pub async fn territory(State(studio): State<Arc<Studio>>) -> Json<serde_json::Value> {
    let r = &studio.region;
    let p = &r.policy.file.policy;
    Json(serde_json::json!(TerritoryView {
        name: r.dataset.manifest.name.clone(),
        population_vintage: r.dataset.territory.population_vintage.clone(),
        noun: r.dataset.manifest.municipalities.noun.clone(),
        area_word: r.area_word(),
        population: r.dataset.territory.population(),
        polygons: r.polygon_count(),
        canvas: r.draws_on_canvas(),
        policy: PolicyView {
            name: p.name.clone(),
            district_word: p.district_word.clone(),
            classes: r
                .policy
                .class_names()
                .iter()
                .map(|s| s.to_string())
                .collect(),
            rules: r.policy.rules_in_words(),
            rules_in_words: ambit_rules::describe::rules(&r.policy),
            assumptions: p.assumptions.clone(),
        },
        municipalities: r.municipality_rows(),
    }))
}

/// `GET /api/territory/boundaries`: the boundary polygons as GeoJSON.
pub async fn boundaries(State(studio): State<Arc<Studio>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/geo+json")],
        studio.region.boundaries_json.clone(),
    )
}

/// Query of `GET /api/territory/mesh`.
#[derive(Deserialize)]
pub struct MeshQuery {
    /// `coarse` (default: the whole region at once) or `fine` (zoomed in).
    #[serde(default)]
    detail: Option<crate::MeshDetail>,
}

/// `GET /api/territory/mesh?detail=coarse|fine`: the boundary polygons as a compact mesh
/// (projected, quantised, simplified along the topology, delta-coded; the borders between
/// neighbours as arcs), built once per detail; 404 when the region has no boundary layer.
pub async fn mesh(
    State(studio): State<Arc<Studio>>,
    crate::error::Params(q): crate::error::Params<MeshQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let detail = q.detail.unwrap_or(crate::MeshDetail::Coarse);
    let json = blocking(&studio, move |s| {
        s.region
            .mesh_json(detail)
            .map(str::to_string)
            .map_err(|e| ApiError::NotFound(format!("no boundary layer to mesh: {e}")))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json))
}

/// A district map bundled with the data folder.
#[derive(Serialize)]
pub struct DistrictMapInfo {
    name: String,
    description: Option<String>,
}

/// `GET /api/district-maps`: the maps the data folder's manifest names.
pub async fn district_maps(State(studio): State<Arc<Studio>>) -> Json<Vec<DistrictMapInfo>> {
    Json(
        studio
            .region
            .dataset
            .manifest
            .district_maps
            .iter()
            .map(|e| DistrictMapInfo {
                name: e.name.clone(),
                description: e.description.clone(),
            })
            .collect(),
    )
}

/// `GET /api/district-maps/{name}`: one bundled map as an assignment.
pub async fn district_map(
    State(studio): State<Arc<Studio>>,
    Path(name): Path<String>,
) -> Result<Json<Assignment>, ApiError> {
    // Only names from the manifest: `Dataset::district_map` also accepts a file path, which a
    // request must never be able to name.
    let known = studio
        .region
        .dataset
        .manifest
        .district_maps
        .iter()
        .any(|e| e.name == name);
    if !known {
        return Err(ApiError::NotFound(format!(
            "no district map named {name:?}"
        )));
    }
    blocking(&studio, move |s| {
        let map = s
            .region
            .dataset
            .district_map(&name)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(Json(
            map.pairs()
                .into_iter()
                .map(|(c, d)| (c.clone(), d.to_string()))
                .collect(),
        ))
    })
    .await
}

/// `GET /api/policy`: the region's rules as text (the policy TOML the studio was started with),
/// the starting point of a scenario's own rules.
pub async fn policy(State(studio): State<Arc<Studio>>) -> Json<serde_json::Value> {
    let f = &studio.region.policy.file;
    Json(serde_json::json!({
        "name": f.policy.name,
        "file": f.path.file_name().map(|n| n.to_string_lossy().into_owned()),
        "text": f.text,
        "rules": studio.region.policy.rules_in_words(),
        "rules_in_words": ambit_rules::describe::rules(&studio.region.policy),
    }))
}

/// Body of `POST /api/audit`.
#[derive(Deserialize)]
pub struct AuditRequest {
    /// The assignment to audit.
    #[serde(deserialize_with = "unique_codes")]
    pub assignment: Assignment,
    /// Which non-compliant districts to search for closing mergers: `"all"` (the default, as
    /// `ambit audit`), `"skip"` (live validation of an edit), or `{"district": NAME}`.
    #[serde(default)]
    pub closing_mergers: MergerSearch,
    /// Rules to audit against (policy TOML text, as a scenario stores them); empty: the
    /// region's policy.
    #[serde(default)]
    pub policy: String,
}

/// `POST /api/audit`: audits an assignment (the same function as `ambit audit`).
pub async fn audit(
    State(studio): State<Arc<Studio>>,
    Body(req): Body<AuditRequest>,
) -> Result<Json<Value>, ApiError> {
    blocking(&studio, move |s| {
        let map = to_map(&s.region, &req.assignment)?;
        let policy = s.region.policy_for(&req.policy)?;
        let audit = run_audit_with(&s.region, &policy, &map, req.closing_mergers);
        Ok(Json(with_reasons_in_words(
            &s.region, &policy, &map, &audit,
        )))
    })
    .await
}

/// The audit as JSON, each district with `class_in_words`: why it has its class, in plain
/// words with its own figures (`ambit_rules::describe::district_reason`); `rules_in_words`: the
/// rules it was audited under, in words (`ambit_rules::describe::rules`).
pub(crate) fn with_reasons_in_words(
    region: &Region,
    policy: &CompiledPolicy,
    map: &DistrictMap,
    audit: &Audit,
) -> Value {
    let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (code, d) in map.pairs() {
        if let Some(i) = region.index_of(code) {
            members.entry(d).or_default().push(i);
        }
    }
    let mut v = serde_json::to_value(audit).unwrap_or(Value::Null);
    v["rules_in_words"] = serde_json::json!(ambit_rules::describe::rules(policy));
    if let Some(ds) = v["districts"].as_array_mut() {
        for d in ds {
            let words = d["name"].as_str().and_then(|n| members.get(n)).map(|m| {
                let totals = policy.totals_of(m.iter().copied());
                ambit_rules::describe::district_reason(policy, &totals)
            });
            if let Some(w) = words {
                d["class_in_words"] = Value::String(w);
            }
        }
    }
    v
}

/// Audits a district map against `policy` (the region's or a scenario's, see
/// [`Region::policy_for`]) with the library's audit.
pub(crate) fn run_audit(region: &Region, policy: &CompiledPolicy, map: &DistrictMap) -> Audit {
    run_audit_with(region, policy, map, MergerSearch::All)
}

/// [`run_audit`] with the search for closing mergers limited as `mergers` says.
pub(crate) fn run_audit_with(
    region: &Region,
    policy: &CompiledPolicy,
    map: &DistrictMap,
    mergers: MergerSearch,
) -> Audit {
    ambit_rules::audit::audit_with(
        &region.dataset.territory,
        &region.dataset.graph,
        policy,
        Some(map),
        mergers,
    )
}

/// Checks an assignment against the territory (known codes, non-empty names) and builds the map.
pub(crate) fn to_map(region: &Region, assignment: &Assignment) -> Result<DistrictMap, ApiError> {
    let mut problems = Vec::new();
    for (code, district) in assignment {
        if region.index_of(code).is_none() {
            problems.push(format!("code {code} is not a municipality of this region"));
        } else if district.trim().is_empty() {
            problems.push(format!("code {code}: empty district name"));
        }
    }
    if !problems.is_empty() {
        let n = problems.len();
        problems.truncate(20);
        return Err(ApiError::Unprocessable {
            message: format!("{n} problems in the assignment: {}", problems.join("; ")),
            details: serde_json::json!({ "problems": problems }),
        });
    }
    Ok(DistrictMap::from_pairs(
        assignment
            .iter()
            .map(|(c, d)| (c.clone(), d.trim().to_string())),
    ))
}
