//! Municipalities, their attributes, boundaries and contiguity, and district maps.
//!
//! Everything a reform is planned on: a [`Territory`] of municipalities keyed by
//! [`MunicipalityCode`], their polygons and the contiguity graph computed from them, and
//! [`DistrictMap`]s that assign municipalities to districts.

pub mod code;
pub mod contiguity;
pub mod geometry;

pub use code::{CodeError, MunicipalityCode};
pub use contiguity::{
    load_bridges, parse_bridges, Bridge, BridgeLink, Contiguity, ContiguityError, ContiguityKind,
    Matching, SegmentIndex,
};
pub use geometry::{Boundaries, Boundary, BoundaryFields, FeatureRef, GeometryError, RingProblem};
