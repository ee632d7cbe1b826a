//! Scenarios shipped inside the library, so that they run on a fresh machine without files.

use crate::error::SimError;
use crate::input::{parse_policy, Policy};
use crate::scenario::Scenario;
use crate::simulate::Variant;
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

/// The bundled scenario called `name` (`lombardy-2018`).
pub fn scenario(name: &str) -> Result<Scenario, SimError> {
    match name {
        "lombardy-2018" => lombardy_2018(),
        other => Err(SimError::NotBundled(format!(
            "unknown bundled scenario {other:?} (known: lombardy-2018)"
        ))),
    }
}

/// The district map of the bundled data folder a report on the bundled scenario `name` audits
/// by default: the 2017 ambiti the Lombardy scenario starts from.
pub fn default_districts(name: &str) -> Option<&'static str> {
    (name == "lombardy-2018").then_some("ambiti-2017")
}

/// The scenario chosen: the bundled one `name`, else the scenario file `path`.
pub fn scenario_or_file(path: Option<&Path>, name: Option<&str>) -> Result<Scenario, SimError> {
    match (path, name) {
        (_, Some(name)) => scenario(name),
        (Some(p), None) => Scenario::load(p),
        (None, None) => Err(SimError::NotBundled(
            "give a scenario file or --bundled lombardy-2018".into(),
        )),
    }
}

/// The policy variants `specs` (files or `bundled:NAME`), in order.
pub fn variants(specs: &[String]) -> Result<Vec<Variant>, SimError> {
    specs.iter().map(|s| variant(s)).collect()
}

/// A policy variant: `bundled:NAME` names one shipped with the Lombardy scenario
/// (`bundled:double-incentive`, `bundled:mandatory-2019`); anything else is a policy file,
/// named after its file stem.
pub fn variant(spec: &str) -> Result<Variant, SimError> {
    if let Some(name) = spec.strip_prefix("bundled:") {
        let (n, policy) = lombardy_2018_variants()?
            .into_iter()
            .find(|(n, _)| n == name)
            .ok_or_else(|| SimError::NotBundled(format!("no bundled variant {name:?}")))?;
        return Ok(Variant {
            path: format!("bundled:{n}"),
            name: n,
            policy,
        });
    }
    let path = Path::new(spec);
    Ok(Variant {
        name: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| spec.to_string()),
        path: spec.to_string(),
        policy: crate::input::read_policy(path)?,
    })
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
