//! A data folder built from a country's own files: a municipalities table, boundaries, an
//! optional adjacency and district maps become a folder with its `dataset.toml`, checked by the
//! same loader as every bundled region (bad rows name file, line, field and value), and a
//! [`Coverage`] report naming every municipality missing from one of the files.
//!
//! Nothing is dropped silently: a municipality without a polygon, without a neighbour (an
//! island), or in no district, an adjacency or polygon code unknown to the table, is listed
//! by code and name.

use crate::code::MunicipalityCode;
use crate::dataset::{
    Dataset, DistrictMapEntry, Manifest, MunicipalitiesEntry, PairsEntry, PolygonsEntry, MANIFEST,
};
use crate::district::DistrictColumns;
use crate::error::DataError;
use crate::geometry::Boundaries;
use crate::graph::load_code_pairs;
use crate::municipality::MunicipalityColumns;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What to import: the user's files and which columns mean what.
#[derive(Debug, Clone)]
pub struct ImportSpec {
    /// Human name of the region and vintage.
    pub name: String,
    /// The municipalities table (CSV; any delimiter and encoding the table reader repairs).
    pub municipalities: PathBuf,
    /// Its column mapping.
    pub columns: MunicipalityColumns,
    /// The date and source of the population figures.
    pub population_vintage: Option<String>,
    /// Boundaries (GeoJSON, optionally `.gz`); copied gzip-compressed.
    pub boundaries: Option<PathBuf>,
    /// Feature property holding the municipality code.
    pub code_property: String,
    /// Feature property holding the name, if any.
    pub name_property: Option<String>,
    /// Precomputed rook adjacency: file, column of the first code, of the second.
    pub adjacency: Option<(PathBuf, String, String)>,
    /// District maps: short name, file, columns.
    pub districts: Vec<(String, PathBuf, DistrictColumns)>,
    /// A policy file to copy into the folder as its default policy.
    pub policy: Option<PathBuf>,
}

/// A municipality named in a coverage report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Named {
    /// Its code.
    pub code: String,
    /// Its name (empty for a code the municipalities table does not know).
    pub name: String,
}

/// Which municipalities are missing from which file, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    /// Municipalities of the table without a polygon (none when no boundaries are given).
    pub without_polygon: Vec<Named>,
    /// Polygon codes the municipalities table does not know.
    pub polygons_unknown: Vec<Named>,
    /// Municipalities without any neighbour (islands, or a gap in the adjacency).
    pub without_neighbour: Vec<Named>,
    /// Adjacency codes the municipalities table does not know (their pairs are not used).
    pub adjacency_unknown: Vec<Named>,
    /// Per district map (by name): the municipalities in no district.
    pub in_no_district: Vec<(String, Vec<Named>)>,
}

impl Coverage {
    /// The report in lines of text, one finding per line, municipalities by code and name.
    pub fn lines(&self) -> Vec<String> {
        let list = |v: &[Named]| {
            v.iter()
                .map(|n| {
                    if n.name.is_empty() {
                        n.code.clone()
                    } else {
                        format!("{} {}", n.code, n.name)
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = Vec::new();
        let mut push = |what: String, v: &[Named]| {
            if !v.is_empty() {
                out.push(format!("{what} ({}): {}", v.len(), list(v)));
            }
        };
        push(
            "municipalities without a polygon".into(),
            &self.without_polygon,
        );
        push("polygons of no municipality".into(), &self.polygons_unknown);
        push(
            "municipalities without a neighbour".into(),
            &self.without_neighbour,
        );
        push(
            "adjacency codes of no municipality (pairs not used)".into(),
            &self.adjacency_unknown,
        );
        for (map, v) in &self.in_no_district {
            push(format!("municipalities in no district of `{map}`"), v);
        }
        out
    }
}

/// Checks a loaded data folder for municipalities missing from one of its files.
///
/// `boundaries`: the folder's polygons when already loaded (they are read otherwise, when the
/// manifest names any).
pub fn coverage(ds: &Dataset, boundaries: Option<&Boundaries>) -> Result<Coverage, DataError> {
    let ms = ds.territory.municipalities();
    let named = |i: usize| Named {
        code: ms[i].code.to_string(),
        name: ms[i].name.clone(),
    };
    let mut c = Coverage::default();
    let poly = ds.manifest.polygons.as_ref();
    let loaded;
    let b = match (boundaries, poly.and_then(|p| p.boundaries.as_ref())) {
        (Some(b), _) => Some(b),
        (None, Some(_)) => {
            loaded = ds.boundaries()?;
            Some(&loaded)
        }
        (None, None) => None,
    };
    let keys: HashSet<MunicipalityCode> =
        ms.iter().map(|m| ds.polygon_key.latest(&m.code)).collect();
    if let Some(b) = b {
        for (i, m) in ms.iter().enumerate() {
            if b.by_code(&ds.polygon_key.latest(&m.code)).is_none() {
                c.without_polygon.push(named(i));
            }
        }
        for f in b.features() {
            if !keys.contains(&f.code) {
                c.polygons_unknown.push(Named {
                    code: f.code.to_string(),
                    name: f.name.clone().unwrap_or_default(),
                });
            }
        }
    }
    c.without_neighbour = (0..ms.len())
        .filter(|&i| ds.graph.neighbours(i).is_empty())
        .map(named)
        .collect();
    if let Some(adj) = poly.and_then(|p| p.adjacency.as_ref()) {
        let pairs = load_code_pairs(&ds.dir.join(&adj.file), &adj.code_a, &adj.code_b)?;
        let mut unknown: Vec<String> = pairs
            .iter()
            .flat_map(|(a, b)| [a, b])
            .filter(|x| !keys.contains(*x))
            .map(|x| x.to_string())
            .collect();
        unknown.sort();
        unknown.dedup();
        c.adjacency_unknown = unknown
            .into_iter()
            .map(|code| Named {
                code,
                name: String::new(),
            })
            .collect();
    }
    for e in &ds.manifest.district_maps {
        let map = ds.district_map(&e.name)?;
        let missing: Vec<Named> = (0..ms.len())
            .filter(|&i| map.district_of(&ms[i].code).is_none())
            .map(named)
            .collect();
        c.in_no_district.push((e.name.clone(), missing));
    }
    Ok(c)
}

/// A district map to import written `NAME=FILE` (e.g. `epci-2019=epci.csv`), read with
/// `columns`; the error names the option that gave it (`option`).
pub fn district_map_entry(
    text: &str,
    columns: &DistrictColumns,
    option: &str,
) -> Result<(String, PathBuf, DistrictColumns), DataError> {
    let Some((name, file)) = text.split_once('=') else {
        return Err(DataError::InvalidOption {
            option: option.to_string(),
            value: text.to_string(),
            expected: "NAME=FILE (e.g. epci-2019=epci.csv)".into(),
        });
    };
    Ok((name.to_string(), PathBuf::from(file), columns.clone()))
}

/// Builds the data folder `out` (which must not exist) from the user's files: copies them in,
/// gzips the boundaries, writes `dataset.toml`, loads the folder with every check of the
/// loader, and reports its coverage. On any error nothing is left at `out`.
pub fn import(spec: &ImportSpec, out: &Path) -> Result<(Dataset, Coverage), DataError> {
    if out.exists() {
        return Err(DataError::File {
            path: out.to_path_buf(),
            message: "already exists: choose a new folder (an import never overwrites)".into(),
        });
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let stage = parent.join(format!(
        ".{}.import-{}",
        out.file_name().and_then(|n| n.to_str()).unwrap_or("data"),
        std::process::id()
    ));
    let result = build(spec, &stage).and_then(|r| {
        std::fs::rename(&stage, out).map_err(|source| DataError::Io {
            path: out.to_path_buf(),
            source,
        })?;
        Ok(r)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&stage);
    }
    let (_, coverage) = result?;
    // Reload from the final place so that the dataset's paths are the user's.
    let ds = Dataset::load(out)?;
    Ok((ds, coverage))
}

fn file_name(p: &Path) -> Result<String, DataError> {
    p.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_string)
        .ok_or_else(|| DataError::File {
            path: p.to_path_buf(),
            message: "not a file name".into(),
        })
}

fn copy(from: &Path, to: &Path) -> Result<(), DataError> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|source| DataError::Io {
            path: from.to_path_buf(),
            source,
        })
}

fn build(spec: &ImportSpec, stage: &Path) -> Result<(Dataset, Coverage), DataError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DataError::Io { path, source }
    };
    std::fs::create_dir_all(stage).map_err(io(stage))?;
    let communes = file_name(&spec.municipalities)?;
    copy(&spec.municipalities, &stage.join(&communes))?;
    let mut polygons = None;
    if spec.boundaries.is_some() || spec.adjacency.is_some() {
        let mut p = PolygonsEntry {
            key_attribute: None,
            boundaries: None,
            code_property: Some(spec.code_property.clone()),
            name_property: spec.name_property.clone(),
            contiguity: None,
            adjacency: None,
            bridges: None,
        };
        if let Some(b) = &spec.boundaries {
            let name = file_name(b)?;
            let gz = name.to_ascii_lowercase().ends_with(".gz");
            let target = if gz { name } else { format!("{name}.gz") };
            if gz {
                copy(b, &stage.join(&target))?;
            } else {
                let mut input = std::fs::File::open(b).map_err(io(b))?;
                let dest = stage.join(&target);
                let file = std::fs::File::create(&dest).map_err(io(&dest))?;
                let mut z = flate2::write::GzEncoder::new(file, flate2::Compression::best());
                std::io::copy(&mut input, &mut z).map_err(io(b))?;
                z.finish().map_err(io(&dest))?;
            }
            p.boundaries = Some(PathBuf::from(target));
        }
        if let Some((f, a, b)) = &spec.adjacency {
            let name = file_name(f)?;
            copy(f, &stage.join(&name))?;
            p.adjacency = Some(PairsEntry {
                file: PathBuf::from(name),
                code_a: a.clone(),
                code_b: b.clone(),
            });
        }
        polygons = Some(p);
    }
    let mut district_maps = Vec::new();
    for (name, f, columns) in &spec.districts {
        let file = file_name(f)?;
        copy(f, &stage.join(&file))?;
        district_maps.push(DistrictMapEntry {
            name: name.clone(),
            file: PathBuf::from(file),
            columns: columns.clone(),
            description: None,
        });
    }
    let policy = match &spec.policy {
        Some(p) => {
            let name = file_name(p)?;
            copy(p, &stage.join(&name))?;
            Some(PathBuf::from(name))
        }
        None => None,
    };
    let manifest = Manifest {
        name: spec.name.clone(),
        policy,
        municipalities: MunicipalitiesEntry {
            file: PathBuf::from(communes),
            columns: spec.columns.clone(),
            population_vintage: spec.population_vintage.clone(),
            noun: crate::dataset::default_noun(),
            area_noun: None,
        },
        polygons,
        district_maps,
        code_changes: Vec::new(),
    };
    let text = toml::to_string(&manifest).map_err(|e| DataError::File {
        path: stage.join(MANIFEST),
        message: e.to_string(),
    })?;
    let path = stage.join(MANIFEST);
    std::fs::write(&path, text).map_err(io(&path))?;
    let ds = Dataset::load(stage)?;
    let coverage = coverage(&ds, None)?;
    Ok((ds, coverage))
}
