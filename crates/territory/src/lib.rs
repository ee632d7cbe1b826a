//! Municipalities, their attributes, boundaries and contiguity, and district maps.
//!
//! Everything a reform is planned on: a [`Territory`] of municipalities keyed by
//! [`MunicipalityCode`], their polygons and the contiguity graph computed from them, and
//! [`DistrictMap`]s that assign municipalities to districts.

pub mod code;

pub use code::{CodeError, MunicipalityCode};
