//! Helpers shared by the integration tests: scenarios built from in-memory files.

#![allow(dead_code)]

use ambit_sim::{Scenario, SimError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A policy with windows (label, deadline, premium) and optional extra top-level lines.
pub fn policy(windows: &[(&str, &str, u64)], extra: &str) -> String {
    let mut s = format!("name = \"test policy\"\nsecond_level_eur = 30000\n{extra}\n");
    for (label, deadline, eur) in windows {
        s.push_str(&format!(
            "[[windows]]\nlabel = \"{label}\"\ndeadline = \"{deadline}\"\nincentive_eur = {eur}\n"
        ));
    }
    s
}

/// Three windows shaped like DGR 7631 (30,000 / 15,000 / 10,000).
pub fn dgr_policy(extra: &str) -> String {
    policy(
        &[
            ("June 2018", "2018-06-30", 30000),
            ("Dec 2018", "2018-12-31", 15000),
            ("Dec 2019", "2019-12-31", 10000),
        ],
        extra,
    )
}

/// Model overrides fixing every parameter (TOML `[model.NAME] value = ...` blocks).
pub fn fixed_model(values: &[(&str, &str)]) -> String {
    let defaults = [
        ("subscribe_logit", "-inf"),
        ("agree_logit", "-inf"),
        ("score_effect", "0.0"),
        ("incentive_effect", "0.0"),
        ("homophily_effect", "0.0"),
        ("standby_logit", "-inf"),
        ("defect_logit", "-inf"),
        ("dominant_defect_effect", "0.0"),
        ("second_level_rate", "0.0"),
    ];
    let mut s = String::new();
    for (name, default) in defaults {
        let v = values
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(default, |(_, v)| v);
        s.push_str(&format!("[model.{name}]\nvalue = {v}\n"));
    }
    s
}

/// A scenario from in-memory files: the scenario TOML head (without paths), districts,
/// candidates, optional assessments, policy, and the model/observed tail.
pub fn scenario(
    districts: &str,
    candidates: &str,
    assessments: Option<&str>,
    policy: &str,
    tail: &str,
) -> Result<Scenario, SimError> {
    let mut head = String::from(
        "name = \"test\"\nbaseline = \"districts.csv\"\ncandidates = \"candidates.csv\"\npolicy = \"policy.toml\"\n",
    );
    if assessments.is_some() {
        head.push_str("assessments = \"assessments.csv\"\n");
    }
    head.push_str(tail);
    let mut files: HashMap<&str, String> = HashMap::new();
    files.insert("scenario.toml", head);
    files.insert("districts.csv", districts.to_string());
    files.insert("candidates.csv", candidates.to_string());
    files.insert("policy.toml", policy.to_string());
    if let Some(a) = assessments {
        files.insert("assessments.csv", a.to_string());
    }
    Scenario::from_source(Path::new("scenario.toml"), |rel: &Path| {
        let key = rel.to_string_lossy().into_owned();
        files
            .get(key.as_str())
            .map(|t| (PathBuf::from(&key), t.clone()))
            .ok_or_else(|| SimError::Invalid(format!("no test file {key}")))
    })
}

/// `n` groupings, each a below-threshold district `bN` with a compliant partner `aN`.
pub fn pairs(n: usize) -> (String, String) {
    let mut d = String::from("district,compliant\n");
    let mut c = String::from("candidate,members\n");
    for i in 0..n {
        d.push_str(&format!("b{i},0\na{i},1\n"));
        c.push_str(&format!("g{i},b{i}|a{i}\n"));
    }
    (d, c)
}
