//! Scenarios shipped inside the library, so that they run on a fresh machine without files.

use crate::error::SimError;
use crate::input::{parse_policy, Policy};
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

const DIR: &str = "scenarios/lombardy-2018";

const FILES: [(&str, &str); 7] = [
    (
        "scenario.toml",
        include_str!("../scenarios/lombardy-2018/scenario.toml"),
    ),
    (
        "districts.csv",
        include_str!("../scenarios/lombardy-2018/districts.csv"),
    ),
    (
        "candidates.csv",
        include_str!("../scenarios/lombardy-2018/candidates.csv"),
    ),
    (
        "assessments.csv",
        include_str!("../scenarios/lombardy-2018/assessments.csv"),
    ),
    (
        "policy.toml",
        include_str!("../scenarios/lombardy-2018/policy.toml"),
    ),
    (
        "variants/double-incentive.toml",
        include_str!("../scenarios/lombardy-2018/variants/double-incentive.toml"),
    ),
    (
        "variants/mandatory-2019.toml",
        include_str!("../scenarios/lombardy-2018/variants/mandatory-2019.toml"),
    ),
];

fn file(rel: &Path) -> Result<(PathBuf, String), SimError> {
    let name = rel.to_string_lossy().replace('\\', "/");
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| (Path::new(DIR).join(n), text.to_string()))
        .ok_or_else(|| SimError::Invalid(format!("bundled scenario has no file {name:?}")))
}

/// The first round of Lombardy's DGR 7631 with the structure the paper reports (98 ambiti,
/// 29 below threshold, the four study cases) and its observed outcome at 31 Dec 2018.
pub fn lombardy_2018() -> Result<Scenario, SimError> {
    Scenario::from_source(&Path::new(DIR).join("scenario.toml"), file)
}

/// The policy variants shipped with the Lombardy scenario: (name, policy).
pub fn lombardy_2018_variants() -> Result<Vec<(String, Policy)>, SimError> {
    [
        "variants/double-incentive.toml",
        "variants/mandatory-2019.toml",
    ]
    .iter()
    .map(|rel| {
        let (path, text) = file(Path::new(rel))?;
        let name = Path::new(rel)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok((name, parse_policy(&text, &path)?))
    })
    .collect()
}
