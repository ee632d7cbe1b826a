//! A region's data folder described by a `dataset.toml` manifest: which files hold the
//! municipalities, the contiguity, and the district maps, and which columns mean what.

use crate::code::MunicipalityCode;
use crate::contiguity::{Contiguity, ContiguityKind};
use crate::district::{ColumnChoice, DistrictColumns, DistrictMap};
use crate::error::DataError;
use crate::geometry::{Boundaries, BoundaryFields};
use crate::graph::{load_code_pairs, ContiguityGraph, LinkKind};
use crate::municipality::{MunicipalityColumns, Territory};
use crate::table::Table;
use crate::vintage::CodeChanges;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The manifest file name inside a data folder.
pub const MANIFEST: &str = "dataset.toml";

/// The contents of `dataset.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Human name of the region and vintage.
    pub name: String,
    /// Default policy file, relative to the data folder.
    #[serde(default)]
    pub policy: Option<PathBuf>,
    /// The municipalities table.
    pub municipalities: MunicipalitiesEntry,
    /// Polygons, contiguity and bridges.
    #[serde(default)]
    pub polygons: Option<PolygonsEntry>,
    /// Named district maps; the first is the default.
    #[serde(default)]
    pub district_maps: Vec<DistrictMapEntry>,
    /// Code successions from older lists, used to re-key district maps of an older vintage.
    #[serde(default)]
    pub code_changes: Vec<CodeChangesEntry>,
}

/// A table of code successions (`from` column -> `to` column).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeChangesEntry {
    /// The file.
    pub file: PathBuf,
    /// Column of the older code.
    pub from: String,
    /// Column of the newer code.
    pub to: String,
}

/// Where the municipalities are.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MunicipalitiesEntry {
    /// Table file.
    pub file: PathBuf,
    /// Column mapping.
    #[serde(default)]
    pub columns: MunicipalityColumns,
    /// The date and source of the population figures, printed in reports.
    #[serde(default)]
    pub population_vintage: Option<String>,
    /// What one municipality and several are called where they are shown (the studio), e.g.
    /// `["comune", "comuni"]`; "municipality" and "municipalities" when not given.
    #[serde(default = "default_noun")]
    pub noun: [String; 2],
    /// What the reference areas drawn on the map are called (e.g. "province", "département");
    /// when not given, the attribute they come from names them.
    #[serde(default)]
    pub area_noun: Option<String>,
}

pub(crate) fn default_noun() -> [String; 2] {
    ["municipality".into(), "municipalities".into()]
}

/// The boundary layer and the contiguity between its polygons.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolygonsEntry {
    /// Municipality attribute holding the code of its polygon, when the boundary layer is of
    /// another vintage (e.g. `code_2021` for 2018 comuni on 2021 polygons).
    #[serde(default)]
    pub key_attribute: Option<String>,
    /// Boundary file (GeoJSON or Shapefile).
    #[serde(default)]
    pub boundaries: Option<PathBuf>,
    /// Feature property holding the polygon code.
    #[serde(default)]
    pub code_property: Option<String>,
    /// Feature property holding the polygon's name (shown in map tooltips).
    #[serde(default)]
    pub name_property: Option<String>,
    /// Contiguity computed from the boundaries: `rook` (default) or `queen`.
    #[serde(default)]
    pub contiguity: Option<ContiguityChoice>,
    /// Precomputed rook contiguity pairs between polygon codes (used instead of computing it).
    #[serde(default)]
    pub adjacency: Option<PairsEntry>,
    /// Extra links across lakes and to enclaves (`code_a,code_b,reason`).
    #[serde(default)]
    pub bridges: Option<PathBuf>,
}

/// Contiguity kind as written in a manifest or on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum ContiguityChoice {
    /// A shared boundary segment.
    #[default]
    Rook,
    /// A shared segment or corner.
    Queen,
}

impl From<ContiguityChoice> for ContiguityKind {
    fn from(c: ContiguityChoice) -> Self {
        match c {
            ContiguityChoice::Rook => ContiguityKind::Rook,
            ContiguityChoice::Queen => ContiguityKind::Queen,
        }
    }
}

/// A CSV of code pairs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairsEntry {
    /// The file.
    pub file: PathBuf,
    /// Column of the first code.
    pub code_a: String,
    /// Column of the second code.
    pub code_b: String,
}

/// A named district map of the data folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictMapEntry {
    /// Short name used on the command line (`--districts ambiti-2017`).
    pub name: String,
    /// The file.
    pub file: PathBuf,
    /// Column mapping.
    #[serde(default)]
    pub columns: DistrictColumns,
    /// What the map is and where it comes from.
    #[serde(default)]
    pub description: Option<String>,
}

/// A loaded data folder: municipalities, their contiguity, and the manifest.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The folder.
    pub dir: PathBuf,
    /// The manifest as read.
    pub manifest: Manifest,
    /// The municipalities.
    pub territory: Territory,
    /// Municipality -> polygon code succession (identity when the vintages agree).
    pub polygon_key: CodeChanges,
    /// Contiguity between municipalities (border, same polygon, bridges).
    pub graph: ContiguityGraph,
    /// Successions from older code lists to the territory's codes (for district maps).
    pub older_codes: CodeChanges,
    /// Columns of district map files given by path (`--code-column`, `--district-column`);
    /// unset ones are found ([`crate::district::DistrictColumns::detect`]).
    pub map_columns: ColumnChoice,
}

impl Dataset {
    /// Loads a data folder through its `dataset.toml`.
    pub fn load(dir: &Path) -> Result<Self, DataError> {
        let manifest_path = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&manifest_path).map_err(|source| DataError::Io {
            path: manifest_path.clone(),
            source,
        })?;
        let manifest: Manifest = toml::from_str(&text).map_err(|e| DataError::File {
            path: manifest_path.clone(),
            message: toml_message(&text, &e),
        })?;
        let m = &manifest.municipalities;
        let mut territory = Territory::load_csv(&dir.join(&m.file), &m.columns)?;
        territory.population_vintage = m.population_vintage.clone();
        let polygon_key = match manifest
            .polygons
            .as_ref()
            .and_then(|p| p.key_attribute.as_deref())
        {
            Some(attr) => CodeChanges::from_attribute(&territory, attr),
            None => CodeChanges::default(),
        };
        let mut dataset = Self {
            dir: dir.to_path_buf(),
            manifest,
            territory,
            polygon_key,
            graph: ContiguityGraph::default(),
            older_codes: CodeChanges::default(),
            map_columns: ColumnChoice::default(),
        };
        let choice = dataset
            .manifest
            .polygons
            .as_ref()
            .and_then(|p| p.contiguity)
            .unwrap_or_default();
        dataset.set_contiguity(choice)?;
        for c in &dataset.manifest.code_changes {
            let changes = CodeChanges::load_csv(&dir.join(&c.file), &c.from, &c.to)?;
            dataset.older_codes.extend(changes);
        }
        Ok(dataset)
    }

    /// Rebuilds the contiguity graph of the given kind: from the precomputed rook pairs when
    /// the manifest lists them and rook is asked, else from the boundaries; bridges added.
    pub fn set_contiguity(&mut self, choice: ContiguityChoice) -> Result<(), DataError> {
        let Some(p) = self.manifest.polygons.clone() else {
            self.graph = ContiguityGraph::new(self.territory.len());
            return Ok(());
        };
        let pairs = match (&p.adjacency, choice) {
            (Some(adj), ContiguityChoice::Rook) => {
                load_code_pairs(&self.dir.join(&adj.file), &adj.code_a, &adj.code_b)?
            }
            _ => {
                let b = self.boundaries()?;
                let c = Contiguity::compute(&b, choice.into());
                c.pairs()
                    .iter()
                    .map(|&(i, j)| (b.features()[i].code.clone(), b.features()[j].code.clone()))
                    .collect()
            }
        };
        self.graph =
            ContiguityGraph::from_polygon_pairs(&self.territory, &self.polygon_key, &pairs);
        if let Some(bridges) = &p.bridges {
            add_bridges(
                &mut self.graph,
                &self.territory,
                &self.polygon_key,
                &self.dir.join(bridges),
            )?;
        }
        Ok(())
    }

    /// The boundary polygons named by the manifest (GeoJSON, or Shapefile by `.shp`).
    pub fn boundaries(&self) -> Result<Boundaries, DataError> {
        let p = self.manifest.polygons.as_ref().and_then(|p| {
            Some((
                p.boundaries.as_ref()?,
                p.code_property.clone().unwrap_or_else(|| "code".into()),
            ))
        });
        let Some((file, code)) = p else {
            return Err(DataError::File {
                path: self.dir.join(MANIFEST),
                message: "no [polygons] boundaries file".into(),
            });
        };
        let path = self.dir.join(file);
        let mut fields = BoundaryFields::new(code);
        if let Some(name) = self
            .manifest
            .polygons
            .as_ref()
            .and_then(|p| p.name_property.clone())
        {
            fields = fields.with_name(name);
        }
        let is_shp = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("shp"));
        Ok(if is_shp {
            Boundaries::from_shapefile(&path, &fields)?
        } else {
            Boundaries::from_geojson_path(&path, &fields)?
        })
    }

    /// A district map re-keyed onto the boundary layer's codes (a polygon takes the district
    /// of its municipalities; when they disagree, the one with the larger population).
    pub fn polygon_districts(&self, map: &DistrictMap) -> HashMap<MunicipalityCode, String> {
        let mut best: HashMap<MunicipalityCode, (u64, String)> = HashMap::new();
        for m in self.territory.municipalities() {
            if let Some(d) = map.district_of(&m.code) {
                let e = best
                    .entry(self.polygon_key.latest(&m.code))
                    .or_insert((0, d.to_string()));
                if m.population > e.0 {
                    *e = (m.population, d.to_string());
                }
            }
        }
        best.into_iter().map(|(k, (_, d))| (k, d)).collect()
    }

    /// Loads a district map named in the manifest (with its columns), or a CSV path whose
    /// columns are `map_columns` or found by their usual names or values, with a notice.
    pub fn district_map(&self, name_or_path: &str) -> Result<DistrictMap, DataError> {
        let entry = self
            .manifest
            .district_maps
            .iter()
            .find(|e| e.name == name_or_path);
        match entry {
            Some(e) => DistrictMap::load_csv(
                &self.dir.join(&e.file),
                &e.columns,
                &self.territory,
                Some(&self.older_codes),
            ),
            None => DistrictMap::load_csv_detect(
                Path::new(name_or_path),
                &self.map_columns,
                &self.territory,
                Some(&self.older_codes),
            ),
        }
    }

    /// The policy file named by the manifest, resolved against the data folder.
    pub fn default_policy(&self) -> Option<PathBuf> {
        self.manifest
            .policy
            .as_ref()
            .map(|p| lexically_normal(&self.dir.join(p)))
    }
}

/// `a/b/../c` as `a/c`, without touching the file system (for readable paths in reports).
pub fn lexically_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

fn add_bridges(
    graph: &mut ContiguityGraph,
    territory: &Territory,
    key: &CodeChanges,
    path: &Path,
) -> Result<(), DataError> {
    let table = Table::read(path)?;
    let (ca, cb) = (table.column("code_a")?, table.column("code_b")?);
    for rec in &table.records {
        let mut ends = [0usize; 2];
        for (k, c) in [ca, cb].into_iter().enumerate() {
            let code = table.code(rec, c)?;
            // A bridge names polygon codes or municipality codes: accept either.
            let idx = territory.index_of(&code).or_else(|| {
                territory
                    .municipalities()
                    .iter()
                    .position(|m| key.latest(&m.code) == code)
            });
            ends[k] = idx.ok_or_else(|| {
                table.field_error(rec, c, "code unknown to the municipalities table")
            })?;
        }
        graph.link(ends[0], ends[1], LinkKind::Bridge);
    }
    Ok(())
}

/// A TOML error message with its line and column.
pub fn toml_message(text: &str, e: &toml::de::Error) -> String {
    match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line = 1 + text[..start].matches('\n').count();
            let col = start - text[..start].rfind('\n').map_or(0, |p| p + 1) + 1;
            format!("line {line}, column {col}: {}", e.message().trim())
        }
        None => e.message().trim().to_string(),
    }
}

/// Which data folder to load and how (`--data`, `--policy`, `--contiguity` and the map columns
/// of the command line; a clap flag group with the `clap` feature).
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "clap", derive(clap::Args))]
pub struct DataChoice {
    /// Data folder with a dataset.toml (default: the bundled Lombardy data).
    #[cfg_attr(feature = "clap", arg(long, value_name = "DIR"))]
    pub data: Option<PathBuf>,
    /// Policy file (default: the one the data folder names).
    #[cfg_attr(feature = "clap", arg(long, value_name = "FILE"))]
    pub policy: Option<PathBuf>,
    /// Contiguity: rook (a shared boundary segment) or queen (a shared corner is enough);
    /// default: the data folder's choice, else rook.
    #[cfg_attr(feature = "clap", arg(long, value_enum, value_name = "KIND"))]
    pub contiguity: Option<ContiguityChoice>,
    /// Column of municipality codes in a district map file given by path (default: `code`,
    /// `istat_code`, `insee`... or the column holding the region's codes).
    #[cfg_attr(feature = "clap", arg(long, value_name = "NAME"))]
    pub code_column: Option<String>,
    /// Column of district names in a district map file given by path (default: `district`,
    /// `ambito`, `epci`...).
    #[cfg_attr(feature = "clap", arg(long, value_name = "NAME"))]
    pub district_column: Option<String>,
}

impl DataChoice {
    /// The data folder: the one chosen, else `default`.
    pub fn dir(&self, default: impl FnOnce() -> PathBuf) -> PathBuf {
        self.data.clone().unwrap_or_else(default)
    }

    /// Loads the data folder (the one chosen, else `default`) with the contiguity and map
    /// columns chosen; its repair notices are in `territory.notices`.
    pub fn load(&self, default: impl FnOnce() -> PathBuf) -> Result<Dataset, DataError> {
        let mut dataset = Dataset::load(&self.dir(default))?;
        if let Some(c) = self.contiguity {
            dataset.set_contiguity(c)?;
        }
        dataset.map_columns = ColumnChoice {
            code: self.code_column.clone(),
            district: self.district_column.clone(),
        };
        Ok(dataset)
    }

    /// The policy file to compile for `dataset`: the one chosen, else the one its manifest
    /// names.
    pub fn policy_path(&self, dataset: &Dataset) -> Result<PathBuf, DataError> {
        match (&self.policy, dataset.default_policy()) {
            (Some(p), _) => Ok(p.clone()),
            (None, Some(p)) => Ok(p),
            (None, None) => Err(DataError::NoPolicy {
                flag: "--policy",
                manifest: dataset.dir.join(MANIFEST),
            }),
        }
    }
}
