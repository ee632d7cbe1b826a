//! Helpers shared by this crate's integration tests: fixture paths and codes.

// Each test binary compiles this module on its own and uses only some of the helpers.
#![allow(dead_code)]

use ambit_territory::MunicipalityCode;
use std::path::{Path, PathBuf};

/// A file of this crate's geometry fixtures (`tests/fixtures/geo`).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/geo")
        .join(name)
}

/// The bundled Lombardy data folder (part of the repository, not `../shared`).
pub fn lombardy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/lombardy")
}

/// A file of the bundled Lombardy data folder.
pub fn lombardy_file(name: &str) -> PathBuf {
    lombardy_dir().join(name)
}

/// A code known to be valid.
pub fn code(s: &str) -> MunicipalityCode {
    MunicipalityCode::parse(s).unwrap()
}
