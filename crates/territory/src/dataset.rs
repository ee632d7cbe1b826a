//! A region's data folder described by a `dataset.toml` manifest: which files hold the
//! municipalities, the contiguity, and the district maps, and which columns mean what.

use crate::code::MunicipalityCode;
use crate::district::{DistrictColumns, DistrictMap};
use crate::error::DataError;
use crate::graph::{load_code_pairs, ContiguityGraph, LinkKind};
use crate::municipality::{MunicipalityColumns, Territory};
use crate::table::Table;
use crate::vintage::CodeChanges;
use serde::{Deserialize, Serialize};
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
    /// Precomputed contiguity pairs between polygon codes.
    #[serde(default)]
    pub adjacency: Option<PairsEntry>,
    /// Extra links across lakes and to enclaves (`code_a,code_b,reason`).
    #[serde(default)]
    pub bridges: Option<PathBuf>,
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
        let mut graph = ContiguityGraph::new(territory.len());
        if let Some(p) = &manifest.polygons {
            if let Some(adj) = &p.adjacency {
                let pairs = load_code_pairs(&dir.join(&adj.file), &adj.code_a, &adj.code_b)?;
                graph = ContiguityGraph::from_polygon_pairs(&territory, &polygon_key, &pairs);
            }
            if let Some(b) = &p.bridges {
                add_bridges(&mut graph, &territory, &polygon_key, &dir.join(b))?;
            }
        }
        let mut older_codes = CodeChanges::default();
        for c in &manifest.code_changes {
            older_codes.extend(CodeChanges::load_csv(&dir.join(&c.file), &c.from, &c.to)?);
        }
        Ok(Self {
            dir: dir.to_path_buf(),
            manifest,
            territory,
            polygon_key,
            graph,
            older_codes,
        })
    }

    /// Loads a district map named in the manifest, or a CSV path with the default columns
    /// of the manifest's first map (or `code,district`).
    pub fn district_map(&self, name_or_path: &str) -> Result<DistrictMap, DataError> {
        let entry = self
            .manifest
            .district_maps
            .iter()
            .find(|e| e.name == name_or_path);
        let (path, columns) = match entry {
            Some(e) => (self.dir.join(&e.file), e.columns.clone()),
            None => (PathBuf::from(name_or_path), DistrictColumns::default()),
        };
        DistrictMap::load_csv(&path, &columns, &self.territory, Some(&self.older_codes))
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
            let code = MunicipalityCode::parse(&rec.fields[c])
                .map_err(|e| table.field_error(rec, c, e.to_string()))?;
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
            let line = 1 + text[..span.start].matches('\n').count();
            let col = span.start - text[..span.start].rfind('\n').map_or(0, |p| p + 1) + 1;
            format!("line {line}, column {col}: {}", e.message())
        }
        None => e.message().to_string(),
    }
}
