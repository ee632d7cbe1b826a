//! The uptake model: its parameters (each with a stated source) and the per-window probabilities.
//!
//! The stated assumptions are in [`ASSUMPTIONS`] (printed with every result) and explained in
//! `crates/sim/MODEL.md`. In short: one step per incentive window; a grouping agrees with a
//! logistic probability driven by its assessment score (the paper's reading, sec. 5: close ties
//! with trust, or leadership; neither means failure) and, secondarily, by the premium still
//! available ("monetary incentives play an important role, they are not, however, enough");
//! partners may defect, below-threshold districts may stand by.

use crate::error::SimError;
/// Where a scenario's parameter overrides were defined before they moved to the input files.
pub use crate::input::ParamOverride;
use crate::input::{Assessment, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The model's stated assumptions, printed with every result.
pub const ASSUMPTIONS: [&str; 7] = [
    "Discrete time: one step per incentive window of the policy; events of different districts, groupings and windows are independent given the parameters.",
    "A compliant, unmerged district adopts the new agreement alone with per-window probability logistic(subscribe_logit).",
    "An open grouping agrees (all partners sign, the merger happens) with per-window probability logistic(agree_logit + score_effect*(score - 0.5) + incentive_effect*incentive/(largest premium of the scenario's policy) + homophily_effect*homophily); score = the assessment's membership score, else its predicted outcome, else max(min(ties, trust), leadership) with unknown = 0.5 (paper, sec. 5).",
    "A grouping that does not agree in a window dissolves if any partner defects; each defects with probability logistic(defect_logit + dominant_defect_effect*dominant_city).",
    "An unmerged below-threshold district declares stand-by with per-window probability logistic(standby_logit) and may still merge later.",
    "A merger is paid the first-level premium of its window and, with probability second_level_rate, the second-level premium; imposed mergers are paid nothing.",
    "Groupings are tried in file order each window; once a district has merged, the other groupings that include it are superseded.",
];

/// Number of parameters of the model.
pub const N_PARAMS: usize = 9;

/// Index of each parameter in a parameter vector.
#[allow(missing_docs)]
pub mod idx {
    pub const SUBSCRIBE: usize = 0;
    pub const AGREE: usize = 1;
    pub const SCORE: usize = 2;
    pub const INCENTIVE: usize = 3;
    pub const HOMOPHILY: usize = 4;
    pub const STANDBY: usize = 5;
    pub const DEFECT: usize = 6;
    pub const DOMINANT: usize = 7;
    pub const SECOND_LEVEL: usize = 8;
}

/// How a parameter gets its value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamValue {
    /// A fixed value (an assumption or a figure taken from a source).
    Fixed(f64),
    /// Uniform prior on `[lo, hi]`, fitted by calibration to the observed outcome.
    Prior(f64, f64),
}

/// A model parameter: name, meaning, value or prior, and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamSpec {
    /// Name used in scenario files.
    pub name: String,
    /// What it means.
    pub meaning: String,
    /// Value or prior.
    pub value: ParamValue,
    /// Source or justification.
    pub source: String,
}

/// The model's parameters with their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// One spec per parameter, in [`idx`] order.
    pub params: Vec<ParamSpec>,
}

fn spec(name: &str, meaning: &str, value: ParamValue, source: &str) -> ParamSpec {
    ParamSpec {
        name: name.into(),
        meaning: meaning.into(),
        value,
        source: source.into(),
    }
}

impl Default for Model {
    fn default() -> Self {
        use ParamValue::{Fixed, Prior};
        let params = vec![
            spec("subscribe_logit",
                "per-window log-odds that a compliant district adopts the new agreement alone",
                Prior(-4.0, 3.0),
                "calibrated on the observed outcome (uniform prior)"),
            spec("agree_logit",
                "per-window log-odds that a grouping with score 0.5 and no incentive agrees",
                Prior(-7.0, 1.0),
                "calibrated on the observed outcome (uniform prior)"),
            spec("score_effect",
                "log-odds gained by a grouping with assessment score 1 over one with score 0",
                Prior(2.0, 8.0),
                "prior from the paper (sec. 5: successes had ties+trust or leadership, failures neither); weakly identified by the counts"),
            spec("incentive_effect",
                "log-odds gained per unit of incentive, the unit being the largest first-level premium of the scenario's own policy (linear in EUR)",
                Prior(0.0, 2.0),
                "prior only (paper sec. 5: incentives 'play an important role' but are 'not enough'); not identified by first-year counts"),
            spec("homophily_effect",
                "log-odds gained by a grouping whose leading mayors share political colour",
                Fixed(0.5),
                "assumption (paper sec. 5: homophily 'also seems to be an important ingredient')"),
            spec("standby_logit",
                "per-window log-odds that an unmerged below-threshold district declares stand-by",
                Prior(-4.0, 4.0),
                "calibrated on the observed outcome (uniform prior)"),
            spec("defect_logit",
                "per-window log-odds that a partner of a grouping that did not agree defects",
                Fixed(-3.5),
                "assumption (about 3% per partner and window); not separable from agree_logit in the counts"),
            spec("dominant_defect_effect",
                "log-odds added to defection when a dominant city is among the partners",
                Fixed(1.5),
                "assumption from case D (a partner 'tried to dominate'); case A overcame it"),
            spec("second_level_rate",
                "probability that a merged district reaches the three social-innovation goals",
                Fixed(0.5),
                "assumption: no data on the second level; spend figures depend on it"),
        ];
        Self { params }
    }
}

impl Model {
    /// The default model with a scenario's overrides applied (unknown names are an error).
    pub fn with_overrides(overrides: &BTreeMap<String, ParamOverride>) -> Result<Self, SimError> {
        let mut model = Self::default();
        for (name, o) in overrides {
            let p = model
                .params
                .iter_mut()
                .find(|p| &p.name == name)
                .ok_or_else(|| SimError::Invalid(format!("unknown model parameter `{name}`")))?;
            p.value = match (o.value, o.prior) {
                (Some(v), None) => ParamValue::Fixed(v),
                (None, Some([lo, hi])) if lo < hi => ParamValue::Prior(lo, hi),
                _ => {
                    return Err(SimError::Invalid(format!(
                        "model parameter `{name}`: give either `value` or `prior = [lo, hi]` with lo < hi"
                    )))
                }
            };
            p.source = o
                .source
                .clone()
                .unwrap_or_else(|| "set in the scenario file".into());
        }
        model.validate()?;
        Ok(model)
    }

    /// Checks the probability parameter lies in [0, 1].
    pub fn validate(&self) -> Result<(), SimError> {
        let p = &self.params[idx::SECOND_LEVEL];
        let ok = match p.value {
            ParamValue::Fixed(v) => (0.0..=1.0).contains(&v),
            ParamValue::Prior(lo, hi) => lo >= 0.0 && hi <= 1.0,
        };
        if ok {
            Ok(())
        } else {
            Err(SimError::Invalid(format!(
                "`{}` is a probability and must lie in [0, 1]",
                p.name
            )))
        }
    }

    /// Indices of the parameters that have a prior (the calibrated ones).
    pub fn free(&self) -> Vec<usize> {
        (0..self.params.len())
            .filter(|&i| matches!(self.params[i].value, ParamValue::Prior(..)))
            .collect()
    }

    /// A parameter vector with every prior replaced by its midpoint.
    pub fn midpoint(&self) -> [f64; N_PARAMS] {
        let mut v = [0.0; N_PARAMS];
        for (i, p) in self.params.iter().enumerate() {
            v[i] = match p.value {
                ParamValue::Fixed(x) => x,
                ParamValue::Prior(lo, hi) => 0.5 * (lo + hi),
            };
        }
        v
    }
}

/// The logistic function `1 / (1 + exp(-x))`; exact 0 and 1 at minus and plus infinity.
pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The score a grouping enters the model with, and how it was obtained.
///
/// Order: the assessment's membership score; else its predicted outcome (success 1, failure 0);
/// else the paper's reading as a fuzzy formula `max(min(ties, trust), leadership)` with unknown
/// evidence counted as 0.5; no assessment at all gives 0.5.
pub fn effective_score(a: Option<&Assessment>) -> (f64, &'static str) {
    let Some(a) = a else {
        return (0.5, "no assessment: 0.5");
    };
    if let Some(s) = a.score {
        return (s, "assessment score");
    }
    match a.outcome {
        Outcome::Success => (1.0, "predicted success"),
        Outcome::Failure => (0.0, "predicted failure"),
        Outcome::Unknown => {
            let f = |b: Option<bool>| -> f64 { b.map_or(0.5, |b| if b { 1.0 } else { 0.0 }) };
            let e = &a.evidence;
            (
                f(e.ties).min(f(e.trust)).max(f(e.leadership)),
                "evidence: max(min(ties, trust), leadership)",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Evidence;

    fn assessment(evidence: Evidence) -> Assessment {
        Assessment {
            candidate: "c".into(),
            outcome: Outcome::Unknown,
            score: None,
            evidence,
            source: String::new(),
            line: 2,
        }
    }

    #[test]
    fn logistic_is_exact_at_the_ends_and_half_at_zero() {
        assert_eq!(logistic(f64::INFINITY), 1.0);
        assert_eq!(logistic(f64::NEG_INFINITY), 0.0);
        assert_eq!(logistic(0.0), 0.5);
    }

    #[test]
    fn score_follows_the_papers_reading() {
        let ties_trust = Evidence {
            ties: Some(true),
            trust: Some(true),
            leadership: Some(false),
            ..Evidence::default()
        };
        assert_eq!(effective_score(Some(&assessment(ties_trust))).0, 1.0);
        let neither = Evidence {
            ties: Some(true),
            trust: Some(false),
            leadership: Some(false),
            ..Evidence::default()
        };
        assert_eq!(effective_score(Some(&assessment(neither))).0, 0.0);
        let lead_unknown = Evidence {
            ties: Some(false),
            ..Evidence::default()
        };
        assert_eq!(effective_score(Some(&assessment(lead_unknown))).0, 0.5);
        assert_eq!(effective_score(None).0, 0.5);
    }

    #[test]
    fn overrides_replace_values_and_reject_unknown_names() {
        let mut o = BTreeMap::new();
        o.insert(
            "agree_logit".to_string(),
            ParamOverride {
                value: Some(-1.0),
                prior: None,
                source: None,
            },
        );
        let m = Model::with_overrides(&o).unwrap();
        assert_eq!(m.params[idx::AGREE].value, ParamValue::Fixed(-1.0));
        assert!(!m.free().contains(&idx::AGREE));
        o.insert(
            "nope".to_string(),
            ParamOverride {
                value: Some(1.0),
                prior: None,
                source: None,
            },
        );
        assert!(Model::with_overrides(&o).is_err());
    }
}
