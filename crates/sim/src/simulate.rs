//! The whole job: calibrate (when an outcome is observed), run the baseline policy and each
//! variant on the same seeds, and summarise distributions and paired differences.

use crate::calibrate::{calibrate, draw_prior, Calibration, CalibrationOptions};
use crate::engine::{monte_carlo, stream_rng, Control, MonteCarlo, Reason, METRICS};
use crate::error::SimError;
use crate::input::{Policy, Window};
use crate::model::{ParamValue, ASSUMPTIONS};
use crate::scenario::{Provenance, Scenario, World};
use crate::stats::{histogram, Summary};
use serde::{Deserialize, Serialize};

/// Settings of a simulation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SimOptions {
    /// Monte Carlo runs per policy.
    pub runs: usize,
    /// Master seed of the runs.
    pub seed: u64,
    /// Calibration settings (used when the scenario has an observed outcome).
    pub calibration: CalibrationOptions,
}

impl SimOptions {
    /// The steps a simulation of `scenario` and `variants` reports through its progress
    /// callback: the calibration's draws (when there is an observed outcome) and every run.
    pub fn steps(&self, scenario: &Scenario, variants: &[Variant]) -> u64 {
        let draws = if scenario.observed.is_some() {
            self.calibration.draws
        } else {
            0
        };
        (draws + self.runs * (1 + variants.len())) as u64
    }
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            runs: 10_000,
            seed: 7631,
            calibration: CalibrationOptions::default(),
        }
    }
}

/// The runs, seed and calibration draws of a simulation as a command line gives them (a clap
/// flag group with the `clap` feature, shared by `ambit simulate` and `ambit report`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "clap", derive(clap::Args))]
pub struct MonteCarloOptions {
    /// Monte Carlo runs per policy.
    #[cfg_attr(feature = "clap", arg(long, default_value_t = 10_000))]
    pub runs: usize,
    /// Master seed (results are identical for a seed whatever the number of threads).
    #[cfg_attr(feature = "clap", arg(long, default_value_t = 7631))]
    pub seed: u64,
    /// Prior draws of the calibration (ABC).
    #[cfg_attr(feature = "clap", arg(long, default_value_t = 50_000))]
    pub draws: usize,
    /// Draws kept by the calibration (the nearest to the observed outcome).
    #[cfg_attr(feature = "clap", arg(long, default_value_t = 500))]
    pub accept: usize,
}

impl MonteCarloOptions {
    /// The simulation's settings: these, the calibration's seed as by default.
    pub fn options(&self) -> SimOptions {
        let mut options = SimOptions {
            runs: self.runs,
            seed: self.seed,
            ..SimOptions::default()
        };
        options.calibration.draws = self.draws;
        options.calibration.accept = self.accept;
        options
    }
}

/// A policy variant to compare with the scenario's own policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// Name shown in results.
    pub name: String,
    /// File it was read from.
    pub path: String,
    /// The policy.
    pub policy: Policy,
}

/// A parameter as used in the runs, with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamReport {
    /// Name.
    pub name: String,
    /// Meaning.
    pub meaning: String,
    /// Source or justification.
    pub source: String,
    /// Fixed value, if fixed.
    pub fixed: Option<f64>,
    /// Prior bounds, if it has a prior.
    pub prior: Option<[f64; 2]>,
    /// Distribution of the values used in the runs (posterior or prior draws), if not fixed.
    pub used: Option<Summary>,
}

/// A metric's distribution at the end of a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricSummary {
    /// Metric name (see [`METRICS`]).
    pub metric: String,
    /// Summary over runs.
    pub summary: Summary,
    /// Histogram over runs: (value, runs).
    pub histogram: Vec<(i64, u64)>,
}

/// All metrics at the end of one window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowReport {
    /// The window.
    pub window: Window,
    /// One entry per metric, in [`METRICS`] order.
    pub metrics: Vec<MetricSummary>,
}

impl WindowReport {
    /// The summary of `metric`.
    pub fn metric(&self, metric: &str) -> Option<&MetricSummary> {
        self.metrics.iter().find(|m| m.metric == metric)
    }
}

/// Below-threshold districts left at the end for one reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonReport {
    /// The reason.
    pub reason: Reason,
    /// In words.
    pub explanation: String,
    /// Districts per run for this reason.
    pub districts: Summary,
}

/// The fate of one baseline district over the runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistrictReport {
    /// Name.
    pub district: String,
    /// Population, when known.
    pub population: Option<u64>,
    /// Threshold, when known.
    pub threshold: Option<u64>,
    /// Compliant in the baseline.
    pub compliant_baseline: bool,
    /// Share of runs in which it merged.
    pub p_merged: f64,
    /// Share of runs in which it ends in a compliant district.
    pub p_compliant_end: f64,
    /// Share of runs ending non-compliant for each reason (below-threshold districts only).
    pub reasons: Vec<(Reason, f64)>,
}

/// The fate of one candidate grouping over the runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupingReport {
    /// Name.
    pub name: String,
    /// Member districts.
    pub members: Vec<String>,
    /// Score used and its basis.
    pub score: f64,
    /// How the score was obtained.
    pub score_basis: String,
    /// Whether the merged district would comply, and why.
    pub compliance: String,
    /// Share of runs in which it merged voluntarily by the end of each window (cumulative).
    pub p_merged_by_window: Vec<f64>,
    /// Share of runs in which it was imposed.
    pub p_imposed: f64,
    /// Share of runs in which it dissolved by defection.
    pub p_dissolved: f64,
}

/// The results under one policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    /// `baseline` or the variant's name.
    pub name: String,
    /// File of the policy.
    pub policy_path: String,
    /// The policy.
    pub policy: Policy,
    /// Per window.
    pub windows: Vec<WindowReport>,
    /// Reasons at the end.
    pub reasons: Vec<ReasonReport>,
    /// Per district.
    pub districts: Vec<DistrictReport>,
    /// Per grouping.
    pub groupings: Vec<GroupingReport>,
}

/// Paired differences (variant minus baseline, run by run on the same seeds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The variant's name.
    pub variant: String,
    /// Per window: label and one summary per metric, in [`METRICS`] order.
    pub windows: Vec<(String, Vec<(String, Summary)>)>,
}

/// Everything a simulation produces; serialised as the JSON `ambit report` reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationResult {
    /// Scenario name.
    pub scenario: String,
    /// Scenario description.
    pub description: String,
    /// Baseline vintage.
    pub vintage: String,
    /// Provenance of every input.
    pub provenance: Vec<Provenance>,
    /// The model's stated assumptions.
    pub assumptions: Vec<String>,
    /// Every parameter, its value and its source.
    pub parameters: Vec<ParamReport>,
    /// The calibration, when the scenario has an observed outcome.
    pub calibration: Option<Calibration>,
    /// Settings.
    pub options: SimOptions,
    /// Parameter vectors the runs cycle through.
    pub parameter_sets: usize,
    /// Baseline first, then one arm per variant.
    pub arms: Vec<Arm>,
    /// One per variant.
    pub differences: Vec<Difference>,
}

/// Calibrates (if possible), then simulates the scenario's policy and every variant.
pub fn simulate(
    scenario: &Scenario,
    variants: &[Variant],
    options: SimOptions,
    control: &Control,
) -> Result<SimulationResult, SimError> {
    if options.runs == 0 {
        return Err(SimError::Invalid("runs must be at least 1".into()));
    }
    let world = World::compile(scenario, &scenario.policy)?;
    let model = &scenario.model;
    let free = model.free();
    let (calibration, thetas) = match (&scenario.observed, free.is_empty()) {
        (_, true) => (None, vec![model.midpoint()]),
        (Some(obs), false) => {
            let c = calibrate(&world, model, obs, options.calibration, control)?;
            let samples = c.samples.clone();
            (Some(c), samples)
        }
        (None, false) => {
            // No observation: the runs carry the priors' uncertainty.
            let mut rng = stream_rng(options.calibration.seed, u64::MAX);
            let draws = options.calibration.accept.max(1);
            (
                None,
                (0..draws).map(|_| draw_prior(model, &mut rng)).collect(),
            )
        }
    };
    let parameters = model
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (fixed, prior) = match p.value {
                ParamValue::Fixed(v) => (Some(v), None),
                ParamValue::Prior(lo, hi) => (None, Some([lo, hi])),
            };
            ParamReport {
                name: p.name.clone(),
                meaning: p.meaning.clone(),
                source: p.source.clone(),
                fixed,
                prior,
                used: prior.map(|_| Summary::of(&thetas.iter().map(|t| t[i]).collect::<Vec<_>>())),
            }
        })
        .collect();
    let horizon = world.windows.len();
    let base_mc = monte_carlo(
        &world,
        &thetas,
        options.runs,
        options.seed,
        horizon,
        control,
    )?;
    let mut arms = vec![arm(
        "baseline",
        &scenario_policy_path(scenario),
        &scenario.policy,
        &world,
        &base_mc,
    )];
    let mut differences = Vec::new();
    for v in variants {
        let vworld = World::compile(scenario, &v.policy)?;
        if vworld.windows.len() != horizon {
            return Err(SimError::Invalid(format!(
                "variant {:?} has {} windows, the baseline policy {}; paired comparison needs the same windows",
                v.name,
                vworld.windows.len(),
                horizon
            )));
        }
        let mc = monte_carlo(
            &vworld,
            &thetas,
            options.runs,
            options.seed,
            horizon,
            control,
        )?;
        arms.push(arm(&v.name, &v.path, &v.policy, &vworld, &mc));
        differences.push(difference(&v.name, &vworld, &base_mc, &mc));
    }
    Ok(SimulationResult {
        scenario: scenario.name.clone(),
        description: scenario.description.clone(),
        vintage: scenario.vintage.clone(),
        provenance: scenario.provenance.clone(),
        assumptions: ASSUMPTIONS.iter().map(|s| s.to_string()).collect(),
        parameters,
        calibration,
        options,
        parameter_sets: thetas.len(),
        arms,
        differences,
    })
}

fn scenario_policy_path(s: &Scenario) -> String {
    s.provenance
        .iter()
        .find(|p| p.input == "policy")
        .map(|p| p.path.clone())
        .unwrap_or_default()
}

fn arm(name: &str, path: &str, policy: &Policy, world: &World, mc: &MonteCarlo) -> Arm {
    let runs = mc.runs.len().max(1) as f64;
    let windows = world
        .windows
        .iter()
        .enumerate()
        .map(|(w, window)| WindowReport {
            window: window.clone(),
            metrics: METRICS
                .iter()
                .enumerate()
                .map(|(m, name)| {
                    let values: Vec<i64> = mc.runs.iter().map(|r| r.counts[w][m]).collect();
                    MetricSummary {
                        metric: name.to_string(),
                        summary: Summary::of(&values.iter().map(|&v| v as f64).collect::<Vec<_>>()),
                        histogram: histogram(values),
                    }
                })
                .collect(),
        })
        .collect();
    let reasons = Reason::ALL
        .iter()
        .enumerate()
        .map(|(k, &reason)| ReasonReport {
            reason,
            explanation: reason.explain().to_string(),
            districts: Summary::of(
                &mc.runs
                    .iter()
                    .map(|r| r.reasons[k] as f64)
                    .collect::<Vec<_>>(),
            ),
        })
        .collect();
    let t = &mc.tally;
    let districts = (0..world.n_districts())
        .map(|d| DistrictReport {
            district: world.names[d].clone(),
            population: world.population[d],
            threshold: world.threshold[d],
            compliant_baseline: world.compliant[d],
            p_merged: t.district_merged[d] as f64 / runs,
            p_compliant_end: t.district_compliant_end[d] as f64 / runs,
            reasons: Reason::ALL
                .iter()
                .enumerate()
                .filter(|&(k, _)| t.district_reason[d][k] > 0)
                .map(|(k, &r)| (r, t.district_reason[d][k] as f64 / runs))
                .collect(),
        })
        .collect();
    let groupings = world
        .groupings
        .iter()
        .enumerate()
        .map(|(g, gr)| GroupingReport {
            name: gr.name.clone(),
            members: gr.members.iter().map(|&m| world.names[m].clone()).collect(),
            score: gr.score,
            score_basis: gr.score_basis.clone(),
            compliance: format!(
                "{} ({})",
                if gr.compliant_after {
                    "complies"
                } else {
                    "below threshold"
                },
                gr.compliance_basis
            ),
            p_merged_by_window: t.grouping_merged[g]
                .iter()
                .scan(0u64, |acc, &x| {
                    *acc += x;
                    Some(*acc as f64 / runs)
                })
                .collect(),
            p_imposed: t.grouping_imposed[g] as f64 / runs,
            p_dissolved: t.grouping_dissolved[g] as f64 / runs,
        })
        .collect();
    Arm {
        name: name.to_string(),
        policy_path: path.to_string(),
        policy: policy.clone(),
        windows,
        reasons,
        districts,
        groupings,
    }
}

fn difference(name: &str, world: &World, base: &MonteCarlo, var: &MonteCarlo) -> Difference {
    let windows = world
        .windows
        .iter()
        .enumerate()
        .map(|(w, window)| {
            let metrics = METRICS
                .iter()
                .enumerate()
                .map(|(m, metric)| {
                    let d: Vec<f64> = base
                        .runs
                        .iter()
                        .zip(&var.runs)
                        .map(|(b, v)| (v.counts[w][m] - b.counts[w][m]) as f64)
                        .collect();
                    (metric.to_string(), Summary::of(&d))
                })
                .collect();
            (window.label.clone(), metrics)
        })
        .collect();
    Difference {
        variant: name.to_string(),
        windows,
    }
}

/// Why a saved simulation (`ambit simulate --out`) could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadResultError {
    /// The file could not be read.
    #[error("cannot read simulation {}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a simulation result.
    #[error("{}: not a simulation result of `ambit simulate --out`", path.display())]
    Json {
        /// The file.
        path: std::path::PathBuf,
        /// Where and why the JSON does not fit.
        #[source]
        source: serde_json::Error,
    },
}

impl SimulationResult {
    /// Reads a simulation saved as JSON by `ambit simulate --out`.
    pub fn read(path: &std::path::Path) -> Result<Self, ReadResultError> {
        let path_buf = || path.to_path_buf();
        let text = std::fs::read_to_string(path).map_err(|source| ReadResultError::Io {
            path: path_buf(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|source| ReadResultError::Json {
            path: path_buf(),
            source,
        })
    }
}
