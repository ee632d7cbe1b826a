//! Reports and maps: SVG choropleths, HTML and Markdown scenario reports.
//!
//! The crate turns computed values into documents; it reads no input file. Output files are
//! written whole or not at all: one file with [`write_atomic`], several with [`StagedDir`];
//! every table goes through [`table::Table`].
//!
//! ```
//! use ambit_report::{Choropleth, Status};
//! use ambit_territory::{Boundaries, Boundary, MunicipalityCode};
//! use geo::{polygon, MultiPolygon};
//! use std::collections::HashMap;
//!
//! let code = MunicipalityCode::parse("015146").unwrap();
//! let square = polygon![(x: 9.0, y: 45.0), (x: 9.1, y: 45.0), (x: 9.1, y: 45.1), (x: 9.0, y: 45.0)];
//! let boundaries = Boundaries::new(vec![Boundary {
//!     code: code.clone(),
//!     name: Some("Milano".into()),
//!     geometry: MultiPolygon::new(vec![square]),
//! }])
//! .unwrap();
//! let fills = HashMap::from([(code, Status::Compliant.fill("Ambito di Milano"))]);
//! let svg = Choropleth::new("Compliance", &boundaries, &fills)
//!     .with_legend(Status::legend())
//!     .to_svg();
//! assert!(svg.contains("<title>Milano (015146): Ambito di Milano</title>"));
//! ```

pub mod assess;
pub mod atomic;
pub mod audit;
pub mod cases;
pub mod compactness;
pub mod geojson;
pub mod govern;
pub mod map;
pub mod plan;
pub mod qca;
pub mod report;
pub mod robust;
pub mod stability;
pub mod table;

pub use atomic::{write_atomic, write_files_atomic, AtomicFile, StagedDir, WriteError};
pub use map::{
    audit_map, compliance_fills, district_colours, district_fills, status_fills, Choropleth, Fill,
    LegendEntry, MapColour, Rgb, Status, DISTRICT_PALETTE, NO_DATA, NO_DISTRICT,
};
