//! Municipalities, their attributes, boundaries and contiguity, and district maps.
//!
//! Everything a reform is planned on: a [`Territory`] of municipalities keyed by
//! [`MunicipalityCode`], the [`ContiguityGraph`] between them, and [`DistrictMap`]s that
//! assign municipalities to districts. Input tables may be comma or semicolon separated,
//! UTF-8 or Latin-1, with or without BOM; every problem names file, line, field and value.
//!
//! ```
//! use ambit_territory::{table::Table, MunicipalityColumns, Territory};
//! let csv = "code;name;population\n012001;Agra;410\n012002;Albizzate;5299\n";
//! let table = Table::parse("m.csv".as_ref(), csv.as_bytes()).unwrap();
//! let t = Territory::from_table(table, &MunicipalityColumns::default()).unwrap();
//! assert_eq!(t.population(), 5709);
//! assert_eq!(t.notices[0].message, "semicolon-separated: read as such");
//! ```

pub mod code;
pub mod contiguity;
pub mod dataset;
pub mod district;
pub mod error;
pub mod geometry;
pub mod graph;
pub mod import;
pub mod municipality;
pub mod table;
pub mod vintage;

pub use code::{CodeError, MunicipalityCode};
pub use contiguity::{
    load_bridges, parse_bridges, Bridge, BridgeLink, Contiguity, ContiguityError, ContiguityKind,
    Matching, SegmentIndex,
};
pub use dataset::Dataset;
pub use district::{ColumnChoice, DistrictColumns, DistrictMap};
pub use error::DataError;
pub use geometry::{Boundaries, Boundary, BoundaryFields, FeatureRef, GeometryError, RingProblem};
pub use graph::{ContiguityGraph, LinkKind};
pub use municipality::{Municipality, MunicipalityColumns, Territory};
pub use vintage::CodeChanges;
