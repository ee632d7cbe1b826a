//! Municipal boundaries: polygons loaded from GeoJSON or ESRI Shapefile, checked ring by ring.
//!
//! Every feature must carry a municipality code (the property or DBF field named by the caller)
//! and a non-empty Polygon or MultiPolygon whose rings are closed, finite and have at least four
//! positions (RFC 7946 §3.1.6). Anything else is a [`GeometryError`] that names the file, the
//! feature index (0-based, in file order), its line and column where the format has them, the
//! field and the value at fault.

mod dissolve;

pub use dissolve::dissolve;

use crate::{CodeError, MunicipalityCode};
use geo::orient::Direction;
use geo::{
    BoundingRect, Centroid, Contains, Coord, Distance, Euclidean, GeodesicArea, LineString,
    MapCoords, MultiPolygon, Orient, Point, Polygon, Rect,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One municipality's boundary: its code, optional name and (multi)polygon.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    /// The municipality code read from the code property/field.
    pub code: MunicipalityCode,
    /// The name read from the name property/field, if one was asked for and present.
    pub name: Option<String>,
    /// The boundary polygons, in the file's coordinates (WGS84 lon/lat for GeoJSON).
    pub geometry: MultiPolygon<f64>,
}

impl Boundary {
    /// The smallest axis-aligned rectangle holding the boundary (None if it has no coordinates).
    pub fn bbox(&self) -> Option<Rect<f64>> {
        self.geometry.bounding_rect()
    }

    /// The area-weighted centroid of the polygons (None if they have no area).
    pub fn centroid(&self) -> Option<Point<f64>> {
        self.geometry.centroid()
    }

    /// The geodesic area in km² on the WGS84 ellipsoid (Karney's algorithm, `geo::GeodesicArea`);
    /// meaningful only for lon/lat coordinates.
    pub fn area_km2(&self) -> f64 {
        // geographiclib reads a clockwise ring as enclosing the rest of the globe, so rings are
        // first oriented counter-clockwise (holes clockwise), whatever the file's winding.
        self.geometry
            .orient(Direction::Default)
            .geodesic_area_unsigned()
            / 1e6
    }
}

/// Which property (GeoJSON) or DBF field (Shapefile) holds the code and the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundaryFields {
    /// Property/field holding the municipality code, e.g. `istat_code`.
    pub code: String,
    /// Property/field holding the name, if any.
    pub name: Option<String>,
    /// Accept numeric codes by left-padding them with zeros to this width (e.g. 6 for ISTAT);
    /// without it a numeric code is an error, since its leading zeros may be lost.
    pub numeric_code_width: Option<usize>,
}

impl BoundaryFields {
    /// Codes from `code`, no name, numeric codes rejected.
    pub fn new(code: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            name: None,
            numeric_code_width: None,
        }
    }

    /// Also reads the name from `name`.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Accepts numeric codes, zero-padded to `width` characters.
    pub fn with_numeric_code_width(mut self, width: usize) -> Self {
        self.numeric_code_width = Some(width);
        self
    }
}

/// Where a feature sits in its file, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureRef {
    /// The file read.
    pub path: PathBuf,
    /// 0-based index of the feature (GeoJSON) or record (Shapefile) in file order.
    pub index: usize,
    /// 1-based line and column where the feature starts (GeoJSON only).
    pub line_column: Option<(usize, usize)>,
    /// The feature's code, once read.
    pub code: Option<MunicipalityCode>,
}

impl fmt::Display for FeatureRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: feature index {}", self.path.display(), self.index)?;
        let mut extra = Vec::new();
        if let Some(code) = &self.code {
            extra.push(format!("code {code}"));
        }
        if let Some((line, column)) = self.line_column {
            extra.push(format!("line {line}, column {column}"));
        }
        if !extra.is_empty() {
            write!(f, " ({})", extra.join(", "))?;
        }
        Ok(())
    }
}

/// What is wrong with one ring of a polygon.
#[derive(Debug, Clone, PartialEq)]
pub enum RingProblem {
    /// Fewer than 4 positions (a closed ring needs at least a triangle plus the closing point).
    TooFewPoints {
        /// Number of positions found.
        points: usize,
    },
    /// The first and last positions differ.
    NotClosed {
        /// First position.
        first: (f64, f64),
        /// Last position.
        last: (f64, f64),
    },
    /// A coordinate is NaN or infinite.
    NonFinite {
        /// 0-based position index in the ring.
        position: usize,
        /// The x (longitude) found.
        x: f64,
        /// The y (latitude) found.
        y: f64,
    },
    /// A position has fewer than two numbers.
    ShortPosition {
        /// 0-based position index in the ring.
        position: usize,
        /// Number of values found.
        values: usize,
    },
}

impl fmt::Display for RingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooFewPoints { points } => {
                write!(f, "has {points} positions, a closed ring needs at least 4")
            }
            Self::NotClosed { first, last } => write!(
                f,
                "is not closed: first position ({}, {}) differs from last ({}, {})",
                first.0, first.1, last.0, last.1
            ),
            Self::NonFinite { position, x, y } => {
                write!(f, "position {position} is not finite: ({x}, {y})")
            }
            Self::ShortPosition { position, values } => {
                write!(
                    f,
                    "position {position} has {values} value(s), expected 2 or more"
                )
            }
        }
    }
}

/// Why boundaries could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum GeometryError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}", path = .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not JSON, or not shaped like a FeatureCollection.
    #[error("{path}: line {line}, column {column}: {message}", path = .path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The top-level object is not a FeatureCollection.
    #[error("{path}: expected a GeoJSON FeatureCollection, found type {found:?}", path = .path.display())]
    NotFeatureCollection {
        /// The file.
        path: PathBuf,
        /// The `type` found.
        found: String,
    },
    /// The FeatureCollection has no `features` member (RFC 7946 §3.3 requires one).
    #[error("{path}: the FeatureCollection has no \"features\" member", path = .path.display())]
    NoFeatures {
        /// The file.
        path: PathBuf,
    },
    /// A feature is not a well-formed GeoJSON Feature.
    #[error("{at}: not a valid GeoJSON feature: {message}")]
    BadFeature {
        /// Where.
        at: Box<FeatureRef>,
        /// What is wrong.
        message: String,
    },
    /// The code property/field is absent or null.
    #[error("{at}: property {field:?} (the municipality code) is missing or null")]
    MissingCode {
        /// Where.
        at: Box<FeatureRef>,
        /// The property/field asked for.
        field: String,
    },
    /// The code property/field holds a value that is not a valid code.
    #[error("{at}: property {field:?} = {value}: {reason}")]
    BadCode {
        /// Where.
        at: Box<FeatureRef>,
        /// The property/field.
        field: String,
        /// The value found, as written.
        value: String,
        /// Why it is rejected.
        reason: String,
    },
    /// Two features carry the same code.
    #[error("{at}: code {code} already used by feature index {first}")]
    DuplicateCode {
        /// Where the second one is.
        at: Box<FeatureRef>,
        /// The repeated code.
        code: MunicipalityCode,
        /// Index of the first feature with it.
        first: usize,
    },
    /// Two boundaries built in memory carry the same code.
    #[error("boundaries {first} and {second} both have code {code}")]
    DuplicateInMemory {
        /// The repeated code.
        code: MunicipalityCode,
        /// Index of the first boundary.
        first: usize,
        /// Index of the second boundary.
        second: usize,
    },
    /// The geometry is not a Polygon or MultiPolygon.
    #[error("{at}: geometry is {found}, expected Polygon or MultiPolygon")]
    NotPolygon {
        /// Where.
        at: Box<FeatureRef>,
        /// The geometry type found.
        found: String,
    },
    /// The geometry is null or has no polygon.
    #[error("{at}: empty geometry (null, or no polygon with an outer ring)")]
    EmptyGeometry {
        /// Where.
        at: Box<FeatureRef>,
    },
    /// A ring is invalid.
    #[error("{at}: polygon {polygon}, ring {ring} {problem}")]
    InvalidRing {
        /// Where.
        at: Box<FeatureRef>,
        /// 0-based polygon index within the feature.
        polygon: usize,
        /// 0-based ring index within the polygon (0 = outer).
        ring: usize,
        /// What is wrong.
        problem: RingProblem,
    },
    /// A Shapefile hole lies in no outer ring of its record.
    #[error("{at}: inner ring {ring} (a hole) lies inside no outer ring")]
    OrphanHole {
        /// Where.
        at: Box<FeatureRef>,
        /// 0-based ring index within the record.
        ring: usize,
    },
    /// The Shapefile or its .dbf could not be read.
    #[error("{path}: {message}", path = .path.display())]
    Shapefile {
        /// The .shp file.
        path: PathBuf,
        /// The reader's message.
        message: String,
    },
}

/// The boundaries of a region's municipalities, in file order, with unique codes.
#[derive(Debug, Clone, Default)]
pub struct Boundaries {
    features: Vec<Boundary>,
    by_code: HashMap<MunicipalityCode, usize>,
}

impl Boundaries {
    /// Builds boundaries from features already in memory; codes must be unique.
    pub fn new(features: Vec<Boundary>) -> Result<Self, GeometryError> {
        let mut by_code = HashMap::with_capacity(features.len());
        for (i, b) in features.iter().enumerate() {
            if let Some(first) = by_code.insert(b.code.clone(), i) {
                return Err(GeometryError::DuplicateInMemory {
                    code: b.code.clone(),
                    first,
                    second: i,
                });
            }
        }
        Ok(Self { features, by_code })
    }

    /// Reads a GeoJSON FeatureCollection file, gzip-compressed when its name ends in `.gz`.
    pub fn from_geojson_path(
        path: impl AsRef<Path>,
        fields: &BoundaryFields,
    ) -> Result<Self, GeometryError> {
        let path = path.as_ref();
        let text = read_text(path)?;
        Self::from_geojson_str(&text, path, fields)
    }

    /// Parses GeoJSON text; `origin` names it in error messages.
    pub fn from_geojson_str(
        text: &str,
        origin: &Path,
        fields: &BoundaryFields,
    ) -> Result<Self, GeometryError> {
        // A leading BOM is not JSON but is common in files saved by Windows tools: skip it.
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let collection: RawCollection<'_> =
            serde_json::from_str(body).map_err(|e| GeometryError::Json {
                path: origin.to_path_buf(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
        if collection.kind != "FeatureCollection" {
            return Err(GeometryError::NotFeatureCollection {
                path: origin.to_path_buf(),
                found: collection.kind,
            });
        }
        let Some(features) = collection.features else {
            return Err(GeometryError::NoFeatures {
                path: origin.to_path_buf(),
            });
        };
        let mut builder = Builder::new();
        let mut cursor = LineCursor::new(body);
        for (index, raw) in features.iter().enumerate() {
            // The raw slice points into `body`: its offset gives the feature's line and column.
            let offset = (raw.get().as_ptr() as usize).saturating_sub(body.as_ptr() as usize);
            let mut at = FeatureRef {
                path: origin.to_path_buf(),
                index,
                line_column: Some(cursor.advance_to(offset)),
                code: None,
            };
            let feature: RawFeature =
                serde_json::from_str(raw.get()).map_err(|e| GeometryError::BadFeature {
                    at: Box::new(at.clone()),
                    message: e.to_string(),
                })?;
            if feature.kind != "Feature" {
                return Err(GeometryError::BadFeature {
                    at: Box::new(at),
                    message: format!("type is {:?}, expected \"Feature\"", feature.kind),
                });
            }
            let props = feature.properties.unwrap_or_default();
            let code = json_code(props.get(&fields.code), fields, &at)?;
            at.code = Some(code.clone());
            let name = fields
                .name
                .as_ref()
                .and_then(|n| props.get(n))
                .and_then(json_text);
            let geometry = json_geometry(feature.geometry, &at)?;
            builder.push(
                Boundary {
                    code,
                    name,
                    geometry,
                },
                at,
            )?;
        }
        Ok(builder.finish())
    }

    /// Reads an ESRI Shapefile (`.shp` with its `.dbf` beside it) of Polygon/PolygonZ/PolygonM records.
    pub fn from_shapefile(
        path: impl AsRef<Path>,
        fields: &BoundaryFields,
    ) -> Result<Self, GeometryError> {
        let path = path.as_ref();
        let shp_error = |record: Option<usize>, e: shapefile::Error| GeometryError::Shapefile {
            path: path.to_path_buf(),
            message: shapefile_message(record, e, path),
        };
        let dbf_path = path.with_extension("dbf");
        if !dbf_path.exists() {
            return Err(shp_error(None, shapefile::Error::MissingDbf));
        }
        let encoding = DbfText::for_shapefile(path)?;
        let shapes = shapefile::ShapeReader::from_path(path).map_err(|e| shp_error(None, e))?;
        let mut table = shapefile::dbase::Reader::from_path(&dbf_path)
            .map_err(|e| shp_error(None, shapefile::Error::DbaseError(e)))?;
        if let Some(e) = encoding {
            e.apply(&mut table);
        }
        let mut reader = shapefile::Reader::new(shapes, table);
        let mut builder = Builder::new();
        for (index, item) in reader.iter_shapes_and_records().enumerate() {
            let (shape, record) = item.map_err(|e| shp_error(Some(index), e))?;
            let mut at = FeatureRef {
                path: path.to_path_buf(),
                index,
                line_column: None,
                code: None,
            };
            let code = dbf_code(record.get(&fields.code), fields, &at)?;
            at.code = Some(code.clone());
            let name = fields
                .name
                .as_ref()
                .and_then(|n| record.get(n))
                .and_then(dbf_text);
            let geometry = shape_geometry(shape, &at)?;
            builder.push(
                Boundary {
                    code,
                    name,
                    geometry,
                },
                at,
            )?;
        }
        Ok(builder.finish())
    }

    /// All boundaries, in file order; indices into this slice are the unit indices used by
    /// [`crate::Contiguity`].
    pub fn features(&self) -> &[Boundary] {
        &self.features
    }

    /// Number of boundaries.
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// True when there is no boundary.
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    /// The boundary at `index`.
    pub fn get(&self, index: usize) -> Option<&Boundary> {
        self.features.get(index)
    }

    /// The index of the boundary with `code`.
    pub fn index_of(&self, code: &MunicipalityCode) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// The boundary with `code`.
    pub fn by_code(&self, code: &MunicipalityCode) -> Option<&Boundary> {
        self.index_of(code).map(|i| &self.features[i])
    }

    /// The bounding rectangle of all boundaries.
    pub fn bbox(&self) -> Option<Rect<f64>> {
        self.features
            .iter()
            .filter_map(Boundary::bbox)
            .reduce(|a, b| {
                Rect::new(
                    Coord {
                        x: a.min().x.min(b.min().x),
                        y: a.min().y.min(b.min().y),
                    },
                    Coord {
                        x: a.max().x.max(b.max().x),
                        y: a.max().y.max(b.max().y),
                    },
                )
            })
    }

    /// True when every coordinate lies within lon [-180, 180] and lat [-90, 90]: the
    /// coordinates are then taken as WGS84 degrees (projected files, e.g. ISTAT's UTM 32N
    /// shapefiles, have coordinates in metres and fall outside).
    pub fn is_geographic(&self) -> bool {
        self.bbox().is_some_and(|r| {
            r.min().x >= -180.0 && r.max().x <= 180.0 && r.min().y >= -90.0 && r.max().y <= 90.0
        })
    }

    /// The `k` boundaries nearest to boundary `index` by polygon-to-polygon distance, nearest
    /// first, with the distance: in km for geographic coordinates (measured on a local
    /// equirectangular projection centred on `index`, accurate to well under 1 % within a
    /// region), else in coordinate units. Brute force over all boundaries: one unit at a time.
    pub fn nearest(&self, index: usize, k: usize) -> Vec<(usize, f64)> {
        let Some(origin) = self.features.get(index) else {
            return Vec::new();
        };
        let geographic = self.is_geographic();
        let lat0 = origin.centroid().map_or(0.0, |c| c.y()).to_radians();
        // Kilometres per degree on the WGS84 ellipsoid's mean radius (6371.0088 km).
        let km_per_deg = 6371.0088 * std::f64::consts::PI / 180.0;
        let to_plane = |g: &MultiPolygon<f64>| {
            if geographic {
                g.map_coords(|c| Coord {
                    x: c.x * km_per_deg * lat0.cos(),
                    y: c.y * km_per_deg,
                })
            } else {
                g.clone()
            }
        };
        let origin_plane = to_plane(&origin.geometry);
        let mut all: Vec<(usize, f64)> = self
            .features
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .map(|(i, b)| {
                (
                    i,
                    Euclidean::distance(&origin_plane, &to_plane(&b.geometry)),
                )
            })
            .collect();
        all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        all.truncate(k);
        all
    }
}

/// Collects boundaries, rejecting duplicate codes with the location of both features.
struct Builder {
    features: Vec<Boundary>,
    by_code: HashMap<MunicipalityCode, usize>,
}

impl Builder {
    fn new() -> Self {
        Self {
            features: Vec::new(),
            by_code: HashMap::new(),
        }
    }

    fn push(&mut self, boundary: Boundary, at: FeatureRef) -> Result<(), GeometryError> {
        let index = self.features.len();
        if let Some(&first) = self.by_code.get(&boundary.code) {
            return Err(GeometryError::DuplicateCode {
                at: Box::new(at),
                code: boundary.code,
                first,
            });
        }
        self.by_code.insert(boundary.code.clone(), index);
        self.features.push(boundary);
        Ok(())
    }

    fn finish(self) -> Boundaries {
        Boundaries {
            features: self.features,
            by_code: self.by_code,
        }
    }
}

#[derive(Deserialize)]
struct RawCollection<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(borrow, default)]
    features: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct RawFeature {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    properties: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    geometry: Option<RawGeometry>,
}

#[derive(Deserialize)]
struct RawGeometry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    coordinates: Option<Box<RawValue>>,
}

/// Turns increasing byte offsets of a text into 1-based (line, column in characters), scanning
/// each byte once overall (features come in file order).
struct LineCursor<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    column: usize,
}

impl<'a> LineCursor<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    fn advance_to(&mut self, offset: usize) -> (usize, usize) {
        if offset < self.offset {
            *self = Self::new(self.text);
        }
        let stretch = self.text.get(self.offset..offset).unwrap_or("");
        for ch in stretch.chars() {
            if ch == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.offset = offset.max(self.offset);
        (self.line, self.column)
    }
}

fn json_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn json_code(
    value: Option<&Value>,
    fields: &BoundaryFields,
    at: &FeatureRef,
) -> Result<MunicipalityCode, GeometryError> {
    match value {
        None | Some(Value::Null) => Err(GeometryError::MissingCode {
            at: Box::new(at.clone()),
            field: fields.code.clone(),
        }),
        Some(Value::String(s)) => parse_code(s, &format!("{s:?}"), fields, at),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) => numeric_code(v, &n.to_string(), fields, at),
            None => Err(bad_code(
                at,
                fields,
                &n.to_string(),
                "a code must be text or a non-negative integer".into(),
            )),
        },
        Some(other) => Err(bad_code(
            at,
            fields,
            &other.to_string(),
            "a code must be text or a non-negative integer".into(),
        )),
    }
}

fn dbf_text(v: &shapefile::dbase::FieldValue) -> Option<String> {
    use shapefile::dbase::FieldValue as F;
    match v {
        F::Character(s) => s.as_ref().map(|s| s.trim().to_string()),
        F::Memo(s) => Some(s.trim().to_string()),
        F::Numeric(Some(n)) => Some(n.to_string()),
        F::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

fn dbf_code(
    value: Option<&shapefile::dbase::FieldValue>,
    fields: &BoundaryFields,
    at: &FeatureRef,
) -> Result<MunicipalityCode, GeometryError> {
    use shapefile::dbase::FieldValue as F;
    let missing = || GeometryError::MissingCode {
        at: Box::new(at.clone()),
        field: fields.code.clone(),
    };
    match value {
        None | Some(F::Character(None)) | Some(F::Numeric(None)) => Err(missing()),
        Some(F::Character(Some(s))) => parse_code(s, &format!("{s:?}"), fields, at),
        Some(F::Memo(s)) => parse_code(s, &format!("{s:?}"), fields, at),
        Some(F::Integer(i)) if *i >= 0 => numeric_code(*i as u64, &i.to_string(), fields, at),
        Some(F::Numeric(Some(n))) if *n >= 0.0 && n.fract() == 0.0 && *n < 1e15 => {
            numeric_code(*n as u64, &n.to_string(), fields, at)
        }
        Some(other) => Err(bad_code(
            at,
            fields,
            &format!("{other:?}"),
            "a code must be text or a non-negative integer".into(),
        )),
    }
}

fn bad_code(
    at: &FeatureRef,
    fields: &BoundaryFields,
    value: &str,
    reason: String,
) -> GeometryError {
    GeometryError::BadCode {
        at: Box::new(at.clone()),
        field: fields.code.clone(),
        value: value.to_string(),
        reason,
    }
}

fn parse_code(
    text: &str,
    shown: &str,
    fields: &BoundaryFields,
    at: &FeatureRef,
) -> Result<MunicipalityCode, GeometryError> {
    MunicipalityCode::parse(text).map_err(|e: CodeError| bad_code(at, fields, shown, e.to_string()))
}

fn numeric_code(
    value: u64,
    shown: &str,
    fields: &BoundaryFields,
    at: &FeatureRef,
) -> Result<MunicipalityCode, GeometryError> {
    match fields.numeric_code_width {
        Some(width) => parse_code(&format!("{value:0>width$}"), shown, fields, at),
        None => Err(bad_code(
            at,
            fields,
            shown,
            "is a number, so its leading zeros may have been lost; store it as text or give a \
             code width to pad it"
                .into(),
        )),
    }
}

fn json_geometry(
    geometry: Option<RawGeometry>,
    at: &FeatureRef,
) -> Result<MultiPolygon<f64>, GeometryError> {
    let Some(geometry) = geometry else {
        return Err(GeometryError::EmptyGeometry {
            at: Box::new(at.clone()),
        });
    };
    let bad = |e: serde_json::Error| GeometryError::BadFeature {
        at: Box::new(at.clone()),
        message: format!("{} coordinates: {e}", geometry.kind),
    };
    let polygons: Vec<Vec<Vec<Vec<f64>>>> = match (geometry.kind.as_str(), &geometry.coordinates) {
        ("Polygon", Some(c)) => vec![serde_json::from_str(c.get()).map_err(bad)?],
        ("MultiPolygon", Some(c)) => serde_json::from_str(c.get()).map_err(bad)?,
        ("Polygon" | "MultiPolygon", None) => Vec::new(),
        (other, _) => {
            return Err(GeometryError::NotPolygon {
                at: Box::new(at.clone()),
                found: other.to_string(),
            })
        }
    };
    let mut rings_of = Vec::with_capacity(polygons.len());
    for (p, polygon) in polygons.into_iter().enumerate() {
        let mut rings = Vec::with_capacity(polygon.len());
        for (r, ring) in polygon.into_iter().enumerate() {
            let mut coords = Vec::with_capacity(ring.len());
            for (position, pos) in ring.iter().enumerate() {
                match pos.as_slice() {
                    [x, y, ..] => coords.push(Coord { x: *x, y: *y }),
                    short => {
                        return Err(invalid_ring(
                            at,
                            p,
                            r,
                            RingProblem::ShortPosition {
                                position,
                                values: short.len(),
                            },
                        ))
                    }
                }
            }
            rings.push(coords);
        }
        rings_of.push(rings);
    }
    build_multipolygon(rings_of, at)
}

fn invalid_ring(
    at: &FeatureRef,
    polygon: usize,
    ring: usize,
    problem: RingProblem,
) -> GeometryError {
    GeometryError::InvalidRing {
        at: Box::new(at.clone()),
        polygon,
        ring,
        problem,
    }
}

fn check_ring(coords: &[Coord<f64>]) -> Result<(), RingProblem> {
    if let Some((position, c)) = coords
        .iter()
        .enumerate()
        .find(|(_, c)| !c.x.is_finite() || !c.y.is_finite())
    {
        return Err(RingProblem::NonFinite {
            position,
            x: c.x,
            y: c.y,
        });
    }
    if coords.len() < 4 {
        return Err(RingProblem::TooFewPoints {
            points: coords.len(),
        });
    }
    let (first, last) = (coords[0], coords[coords.len() - 1]);
    if first != last {
        return Err(RingProblem::NotClosed {
            first: (first.x, first.y),
            last: (last.x, last.y),
        });
    }
    Ok(())
}

/// Validates rings (outer first, then holes) polygon by polygon and builds the MultiPolygon.
fn build_multipolygon(
    polygons: Vec<Vec<Vec<Coord<f64>>>>,
    at: &FeatureRef,
) -> Result<MultiPolygon<f64>, GeometryError> {
    let mut out = Vec::with_capacity(polygons.len());
    for (p, rings) in polygons.into_iter().enumerate() {
        for (r, ring) in rings.iter().enumerate() {
            check_ring(ring).map_err(|problem| invalid_ring(at, p, r, problem))?;
        }
        let mut rings = rings.into_iter();
        let Some(exterior) = rings.next() else {
            continue;
        };
        out.push(Polygon::new(
            LineString::new(exterior),
            rings.map(LineString::new).collect(),
        ));
    }
    if out.is_empty() {
        return Err(GeometryError::EmptyGeometry {
            at: Box::new(at.clone()),
        });
    }
    Ok(MultiPolygon::new(out))
}

/// Text encodings of a Shapefile's attribute table (`.dbf`) that ambit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DbfText {
    /// UTF-8 (bytes that are not become U+FFFD).
    Utf8,
    /// Windows-1252, a superset of the printable ISO-8859-1 of older Italian and French files.
    Cp1252,
    /// Windows-1250 (Central European).
    Cp1250,
    /// Windows-1251 (Cyrillic).
    Cp1251,
    /// DOS Latin-1.
    Cp850,
    /// DOS United States.
    Cp437,
}

impl DbfText {
    /// The encoding a `.cpg` file names (`UTF-8`, `1252`, `ISO-8859-1`...), if ambit knows it.
    fn from_label(label: &str) -> Option<Self> {
        let l = label
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_', ' '], "");
        Some(match l.as_str() {
            "utf8" | "65001" => Self::Utf8,
            "1252" | "windows1252" | "cp1252" | "ansi1252" | "iso88591" | "88591" | "latin1" => {
                Self::Cp1252
            }
            "1250" | "windows1250" | "cp1250" | "ansi1250" => Self::Cp1250,
            "1251" | "windows1251" | "cp1251" | "ansi1251" => Self::Cp1251,
            "850" | "cp850" | "oem850" => Self::Cp850,
            "437" | "cp437" | "oem437" => Self::Cp437,
            _ => return None,
        })
    }

    /// The encoding of the attribute table of the Shapefile at `shp`, as GDAL and QGIS choose
    /// it: the `.cpg` file beside it; else the code page in the table's header (its language
    /// driver id); else, when the header names none, UTF-8 if every text field is valid UTF-8
    /// and Windows-1252 if not (so that `Cantù` keeps its accent either way).
    fn for_shapefile(shp: &Path) -> Result<Option<Self>, GeometryError> {
        let cpg = shp.with_extension("cpg");
        if let Ok(text) = std::fs::read_to_string(&cpg) {
            return Self::from_label(&text)
                .map(Some)
                .ok_or_else(|| GeometryError::Shapefile {
                    path: cpg.clone(),
                    message: format!(
                        "unknown text encoding `{}` (known: UTF-8, 1252 or ISO-8859-1, 1250, 1251, 850, 437)",
                        text.trim()
                    ),
                });
        }
        let dbf = shp.with_extension("dbf");
        let dbase_error = |e: shapefile::dbase::Error| GeometryError::Shapefile {
            path: dbf.clone(),
            message: format!("cannot read: {e}"),
        };
        let mut reader = shapefile::dbase::Reader::from_path(&dbf).map_err(dbase_error)?;
        use shapefile::dbase::CodePageMark as M;
        match reader.header().code_page_mark {
            M::Undefined | M::Invalid => {}
            // declared UTF-8: undecodable bytes become U+FFFD rather than failing the file
            M::Utf8 => return Ok(Some(Self::Utf8)),
            // another declared code page, as the reader applies it by default
            _ => return Ok(None),
        }
        reader.set_encoding(shapefile::dbase::Unicode);
        Ok(Some(match reader.read() {
            Ok(_) => Self::Utf8,
            Err(_) => Self::Cp1252,
        }))
    }

    /// Makes `reader` decode text with this encoding.
    fn apply<T: std::io::Read + std::io::Seek>(self, reader: &mut shapefile::dbase::Reader<T>) {
        use shapefile::dbase::encoding::LossyCodePage;
        use shapefile::dbase::yore::code_pages;
        match self {
            Self::Utf8 => reader.set_encoding(shapefile::dbase::UnicodeLossy),
            Self::Cp1252 => reader.set_encoding(LossyCodePage(code_pages::CP1252)),
            Self::Cp1250 => reader.set_encoding(LossyCodePage(code_pages::CP1250)),
            Self::Cp1251 => reader.set_encoding(LossyCodePage(code_pages::CP1251)),
            Self::Cp850 => reader.set_encoding(LossyCodePage(code_pages::CP850)),
            Self::Cp437 => reader.set_encoding(LossyCodePage(code_pages::CP437)),
        }
    }
}

/// A reader error in words, with the record index when reading had reached the records.
fn shapefile_message(record: Option<usize>, e: shapefile::Error, path: &Path) -> String {
    let what = match e {
        shapefile::Error::MissingDbf => format!(
            "the attribute table {} is missing",
            path.with_extension("dbf").display()
        ),
        shapefile::Error::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the file is truncated (it ends inside a header or record)".to_string()
        }
        shapefile::Error::InvalidShapeRecordSize => {
            "corrupt file: a record's size does not match its content".to_string()
        }
        other => format!("cannot read: {other}"),
    };
    match record {
        Some(i) => format!("record index {i}: {what}"),
        None => what,
    }
}

/// Turns a Shapefile polygon record into polygons: each hole goes to the first outer ring that
/// contains its first vertex (ESRI Shapefile Technical Description, 1998, p. 8: outer rings are
/// clockwise, holes counter-clockwise, and a record may hold several outer rings).
fn shape_geometry(
    shape: shapefile::Shape,
    at: &FeatureRef,
) -> Result<MultiPolygon<f64>, GeometryError> {
    use shapefile::{PolygonRing, Shape};
    fn to_xy<P: shapefile::record::traits::HasXY>(ring: PolygonRing<P>) -> (bool, Vec<Coord<f64>>) {
        let outer = matches!(ring, PolygonRing::Outer(_));
        let coords = ring
            .into_inner()
            .iter()
            .map(|p| Coord { x: p.x(), y: p.y() })
            .collect();
        (outer, coords)
    }
    let rings: Vec<(bool, Vec<Coord<f64>>)> = match shape {
        Shape::Polygon(p) => p.into_inner().into_iter().map(to_xy).collect(),
        Shape::PolygonM(p) => p.into_inner().into_iter().map(to_xy).collect(),
        Shape::PolygonZ(p) => p.into_inner().into_iter().map(to_xy).collect(),
        Shape::NullShape => {
            return Err(GeometryError::EmptyGeometry {
                at: Box::new(at.clone()),
            })
        }
        other => {
            return Err(GeometryError::NotPolygon {
                at: Box::new(at.clone()),
                found: other.shapetype().to_string(),
            })
        }
    };
    // Validate every ring first so that containment tests below run on sound rings; the
    // "polygon" index reported for a Shapefile is 0 and the ring index is the record's part.
    for (r, (_, coords)) in rings.iter().enumerate() {
        check_ring(coords).map_err(|problem| invalid_ring(at, 0, r, problem))?;
    }
    let mut polygons: Vec<(Polygon<f64>, Vec<LineString<f64>>)> = Vec::new();
    let mut holes = Vec::new();
    for (r, (outer, coords)) in rings.into_iter().enumerate() {
        if outer {
            polygons.push((Polygon::new(LineString::new(coords), vec![]), Vec::new()));
        } else {
            holes.push((r, coords));
        }
    }
    for (r, coords) in holes {
        let probe = Point::from(coords[0]);
        let host = polygons
            .iter_mut()
            .find(|(outer, _)| outer.contains(&probe) || outer.exterior().contains(&probe));
        match host {
            Some((_, hs)) => hs.push(LineString::new(coords)),
            None => {
                return Err(GeometryError::OrphanHole {
                    at: Box::new(at.clone()),
                    ring: r,
                })
            }
        }
    }
    if polygons.is_empty() {
        return Err(GeometryError::EmptyGeometry {
            at: Box::new(at.clone()),
        });
    }
    Ok(MultiPolygon::new(
        polygons
            .into_iter()
            .map(|(outer, hs)| Polygon::new(outer.into_inner().0, hs))
            .collect(),
    ))
}

/// Reads a text file, through gzip when its name ends in `.gz` (France's 34,970 commune
/// boundaries ship as 11 MB of gzip instead of 41 MB of text). A corrupt stream or invalid
/// UTF-8 is an I/O error naming the file.
pub fn read_text(path: &Path) -> Result<String, GeometryError> {
    let io = |source| GeometryError::Io {
        path: path.to_path_buf(),
        source,
    };
    let gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    if gz {
        let file = std::fs::File::open(path).map_err(io)?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(file), &mut text)
            .map_err(io)?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_cursor_counts_from_one() {
        let t = "ab\ncd\nèf";
        let mut c = LineCursor::new(t);
        assert_eq!(c.advance_to(0), (1, 1));
        assert_eq!(c.advance_to(4), (2, 2));
        assert_eq!(c.advance_to(6), (3, 1));
        assert_eq!(c.advance_to(8), (3, 2), "è is one character, two bytes");
        assert_eq!(c.advance_to(1), (1, 2), "going back restarts the scan");
    }
}
