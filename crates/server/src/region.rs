//! The region being planned: its data folder loaded once at start, with the compiled policy and
//! the boundary layer the page draws.

use ambit_rules::{CompiledPolicy, PolicyError, PolicyFile};
use ambit_territory::{Boundaries, DataError, Dataset, MunicipalityCode};
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Why a region could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RegionError {
    /// The data folder (manifest, tables, contiguity) is wrong.
    #[error(transparent)]
    Data(Box<DataError>),
    /// The policy file is wrong or does not fit the territory.
    #[error(transparent)]
    Policy(Box<PolicyError>),
    /// No policy was given and the manifest names none.
    #[error("{0}: no policy given and the data folder's dataset.toml names none")]
    NoPolicy(PathBuf),
    /// The boundary file cannot be read or is not a GeoJSON FeatureCollection.
    #[error("{path}: {message}")]
    Boundaries {
        /// The boundary file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl From<DataError> for RegionError {
    fn from(e: DataError) -> Self {
        RegionError::Data(Box::new(e))
    }
}

impl From<PolicyError> for RegionError {
    fn from(e: PolicyError) -> Self {
        RegionError::Policy(Box::new(e))
    }
}

/// A loaded region: municipalities, contiguity, policy and boundary polygons.
pub struct Region {
    /// The data folder as the library loads it.
    pub dataset: Dataset,
    /// The policy compiled for the territory.
    pub policy: CompiledPolicy,
    /// Boundary features keyed by their polygon code (absent when the folder has no boundaries).
    pub features: Vec<(String, Value)>,
    /// The boundary layer as served to the page (a GeoJSON FeatureCollection, compact).
    pub boundaries_json: String,
    /// Polygon code of each municipality, in territory order.
    pub polygon_of: Vec<String>,
    /// Territory index of each municipality by code.
    index: HashMap<MunicipalityCode, usize>,
    /// The municipalities as the page lists them (computed once: classifying each alone
    /// takes a while).
    rows: Vec<MunicipalityRow>,
    /// The boundary layer as the library reads it (for dissolved district outlines), read on
    /// first use: France's takes seconds to parse.
    library_boundaries: OnceLock<Result<Boundaries, String>>,
    /// The meshes served to the page (`GET /api/territory/mesh`), JSON, built on first use.
    meshes: [OnceLock<Result<String, String>>; 2],
}

/// How detailed a mesh is: coarse for the whole region at once, fine when zoomed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeshDetail {
    /// Simplified at [`crate::mesh::COARSE`] map units.
    Coarse,
    /// Simplified at [`crate::mesh::TOLERANCE`] map units.
    Fine,
}

impl Region {
    /// Loads a data folder (its `dataset.toml`) and the policy (`policy`, else the manifest's).
    pub fn load(dir: &Path, policy: Option<&Path>) -> Result<Self, RegionError> {
        let dataset = Dataset::load(dir)?;
        let policy_path = match (policy, dataset.default_policy()) {
            (Some(p), _) => p.to_path_buf(),
            (None, Some(p)) => p,
            (None, None) => return Err(RegionError::NoPolicy(dir.to_path_buf())),
        };
        let file = PolicyFile::load(&policy_path)?;
        let policy = CompiledPolicy::compile(file, &dataset.territory)?;
        Self::new(dataset, policy)
    }

    /// Wraps a loaded data folder and its compiled policy (as the CLI loads them), reading the
    /// boundary layer the manifest names.
    pub fn new(dataset: Dataset, policy: CompiledPolicy) -> Result<Self, RegionError> {
        let (features, boundaries_json) = load_boundaries(&dataset)?;
        let polygon_of = dataset
            .territory
            .municipalities()
            .iter()
            .map(|m| dataset.polygon_key.latest(&m.code).to_string())
            .collect();
        let index = dataset
            .territory
            .municipalities()
            .iter()
            .enumerate()
            .map(|(i, m)| (m.code.clone(), i))
            .collect();
        let mut region = Self {
            dataset,
            policy,
            features,
            boundaries_json,
            polygon_of,
            index,
            rows: Vec::new(),
            library_boundaries: OnceLock::new(),
            meshes: [OnceLock::new(), OnceLock::new()],
        };
        region.rows = region.compute_rows();
        // the page draws a large region from the meshes: built before the first request
        if region.draws_on_canvas() {
            region.warm_meshes();
        }
        Ok(region)
    }

    /// Territory index of a municipality.
    pub fn index_of(&self, code: &MunicipalityCode) -> Option<usize> {
        self.index.get(code).copied()
    }

    /// The policy a scenario is audited against: its own rules (policy TOML text) when it has
    /// some, else the region's. Text that does not parse or does not fit the territory is refused
    /// with the parser's message (line and field).
    pub fn policy_for(&self, text: &str) -> Result<Cow<'_, CompiledPolicy>, crate::ApiError> {
        if text.trim().is_empty() {
            return Ok(Cow::Borrowed(&self.policy));
        }
        let refuse = |e: PolicyError| crate::ApiError::Unprocessable {
            message: format!("policy refused: {e}"),
            details: serde_json::json!({ "problems": e.to_string().lines().collect::<Vec<_>>() }),
        };
        let file =
            PolicyFile::parse(Path::new("scenario policy"), text.to_string()).map_err(refuse)?;
        let compiled = CompiledPolicy::compile(file, &self.dataset.territory).map_err(refuse)?;
        Ok(Cow::Owned(compiled))
    }

    /// The boundary polygons as `ambit_territory` reads them (`Dataset::boundaries`, read once
    /// and kept); the error in words when the folder has none or they do not read.
    pub fn library_boundaries(&self) -> Result<&Boundaries, &str> {
        self.library_boundaries
            .get_or_init(|| self.dataset.boundaries().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(String::as_str)
    }

    /// The mesh of the boundary layer at `detail` as JSON ([`crate::mesh`]), built once.
    pub fn mesh_json(&self, detail: MeshDetail) -> Result<&str, &str> {
        let (slot, tolerance) = match detail {
            MeshDetail::Coarse => (&self.meshes[0], crate::mesh::COARSE),
            MeshDetail::Fine => (&self.meshes[1], crate::mesh::TOLERANCE),
        };
        slot.get_or_init(|| self.build_mesh(tolerance))
            .as_deref()
            .map_err(String::as_str)
    }

    /// The mesh at `tolerance` as JSON, from the boundary features already in memory.
    fn build_mesh(&self, tolerance: f64) -> Result<String, String> {
        if self.features.is_empty() {
            return Err("the data folder has no boundary layer".into());
        }
        let shapes: Vec<crate::mesh::Shape<'_>> = self
            .features
            .iter()
            .map(|(code, f)| crate::mesh::Shape {
                code,
                parts: geometry_parts(&f["geometry"]),
            })
            .collect();
        let mesh = crate::mesh::build(&shapes, tolerance);
        serde_json::to_string(&mesh).map_err(|e| e.to_string())
    }

    /// Builds both meshes now, side by side (a large region's page needs them at once).
    fn warm_meshes(&self) {
        std::thread::scope(|scope| {
            scope.spawn(|| self.mesh_json(MeshDetail::Coarse).is_ok());
            scope.spawn(|| self.mesh_json(MeshDetail::Fine).is_ok());
        });
    }

    /// What the reference areas drawn dashed on the map are called: the data folder's
    /// `area_noun`, else "province" where the municipalities carry a province, else the
    /// attribute the policy groups by; none without areas.
    pub fn area_word(&self) -> Option<String> {
        let first = self.dataset.territory.municipalities().first()?;
        let attribute = if first.attribute("province_abbr").is_some() {
            "province"
        } else {
            let g = self.policy.file.policy.group_by.as_deref()?;
            first.attribute(g)?;
            g
        };
        let named = self.dataset.manifest.municipalities.area_noun.clone();
        Some(named.unwrap_or_else(|| attribute.to_string()))
    }

    /// The number of boundary polygons the page draws.
    pub fn polygon_count(&self) -> usize {
        self.features.len()
    }

    /// Whether the page draws this region on a canvas (more than [`CANVAS_FROM`] polygons).
    pub fn draws_on_canvas(&self) -> bool {
        self.features.len() > CANVAS_FROM
    }

    /// The municipalities as the page lists them.
    pub fn municipality_rows(&self) -> &[MunicipalityRow] {
        &self.rows
    }

    fn compute_rows(&self) -> Vec<MunicipalityRow> {
        let ms = self.dataset.territory.municipalities();
        let group_by = self.policy.file.policy.group_by.as_deref();
        ms.iter()
            .enumerate()
            .map(|(i, m)| {
                let alone = self.policy.classify(self.policy.unit_totals(i));
                MunicipalityRow {
                    code: m.code.to_string(),
                    name: m.name.clone(),
                    population: m.population,
                    area_km2: m.area_km2,
                    polygon: self.polygon_of[i].clone(),
                    // the reference layer: provinces, else the policy's grouping (departements)
                    province: m
                        .attribute("province_abbr")
                        .or_else(|| group_by.and_then(|g| m.attribute(g)))
                        .map(str::to_string),
                    class_alone: alone.class,
                    neighbours: self
                        .dataset
                        .graph
                        .neighbours(i)
                        .iter()
                        .map(|&j| ms[j].code.to_string())
                        .collect(),
                }
            })
            .collect()
    }
}

/// Above this many polygons the page draws on a canvas from the meshes (`canvas` in
/// `GET /api/territory`), so they are built when the region loads.
pub const CANVAS_FROM: usize = 5000;

/// The rings (`[lon, lat]` points) of each part of a GeoJSON Polygon or MultiPolygon geometry;
/// nothing for another type or malformed coordinates.
fn geometry_parts(g: &Value) -> Vec<Vec<Vec<(f64, f64)>>> {
    let ring = |r: &Value| -> Vec<(f64, f64)> {
        r.as_array()
            .map(|pts| {
                pts.iter()
                    .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let polygon = |p: &Value| -> Vec<Vec<(f64, f64)>> {
        p.as_array()
            .map(|rings| rings.iter().map(ring).collect())
            .unwrap_or_default()
    };
    match g["type"].as_str() {
        Some("Polygon") => vec![polygon(&g["coordinates"])],
        Some("MultiPolygon") => g["coordinates"]
            .as_array()
            .map(|ps| ps.iter().map(polygon).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// One municipality as sent to the page.
#[derive(Debug, Clone, Serialize)]
pub struct MunicipalityRow {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Population of the territory's vintage.
    pub population: u64,
    /// Surface in km².
    pub area_km2: Option<f64>,
    /// Code of the polygon that draws it (several municipalities may share one).
    pub polygon: String,
    /// Province abbreviation, when the table has one.
    pub province: Option<String>,
    /// The policy class the municipality would have as a district of its own.
    pub class_alone: String,
    /// Contiguous municipalities (codes).
    pub neighbours: Vec<String>,
}

/// Reads the manifest's boundary layer (GeoJSON) as JSON, keeps its features by polygon code.
fn load_boundaries(dataset: &Dataset) -> Result<(Vec<(String, Value)>, String), RegionError> {
    let Some(poly) = &dataset.manifest.polygons else {
        return Ok((Vec::new(), empty_collection()));
    };
    let Some(file) = &poly.boundaries else {
        return Ok((Vec::new(), empty_collection()));
    };
    let path = dataset.dir.join(file);
    let bad = |message: String| RegionError::Boundaries {
        path: path.clone(),
        message,
    };
    let text = ambit_territory::geometry::read_text(&path).map_err(|e| bad(e.to_string()))?;
    let mut doc: Value = serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let key = poly.code_property.as_deref().unwrap_or("code");
    let Some(Value::Array(list)) = doc.get_mut("features").map(Value::take) else {
        return Err(bad(
            "not a GeoJSON FeatureCollection (no `features` array)".into()
        ));
    };
    let mut features = Vec::with_capacity(list.len());
    for (n, f) in list.into_iter().enumerate() {
        let code = match f.pointer(&format!("/properties/{key}")) {
            Some(Value::String(s)) => s.clone(),
            other => {
                return Err(bad(format!(
                    "feature {n}: property `{key}` must be a string, found {}",
                    other.map_or("nothing".to_string(), Value::to_string)
                )))
            }
        };
        features.push((code, f));
    }
    let collection = serde_json::json!({
        "type": "FeatureCollection",
        "features": features.iter().map(|(_, f)| f).collect::<Vec<_>>(),
    });
    Ok((features, collection.to_string()))
}

fn empty_collection() -> String {
    r#"{"type":"FeatureCollection","features":[]}"#.to_string()
}
