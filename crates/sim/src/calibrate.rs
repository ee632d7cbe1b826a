//! Calibration of the model's free parameters to an observed outcome by approximate Bayesian
//! computation (ABC rejection, Pritchard et al. 1999; k-nearest acceptance as in Beaumont,
//! Zhang & Balding 2002).
//!
//! Method: draw `draws` parameter vectors from the uniform priors, simulate each once up to the
//! observation window, and measure the distance of its counts (subscribed, merges, stand-by)
//! from the observed ones, each difference scaled by `sqrt(observed + 1)` (a Poisson-like
//! standard deviation, so that the three counts weigh alike). The `accept` nearest draws form
//! the posterior sample. Its quantiles are the fit's uncertainty; the ratio of the posterior
//! 90% interval to the prior's says how much the data identify each parameter (near 1: not at
//! all). A posterior predictive check re-simulates the accepted draws on fresh random streams.

use crate::engine::{metric, run_once, stream_rng, Control};
use crate::error::SimError;
use crate::input::Observed;
use crate::model::{Model, ParamValue, N_PARAMS};
use crate::scenario::World;
use crate::stats::Summary;
use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Settings of a calibration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationOptions {
    /// Prior draws.
    pub draws: usize,
    /// Draws kept (the nearest).
    pub accept: usize,
    /// Master seed.
    pub seed: u64,
}

impl Default for CalibrationOptions {
    fn default() -> Self {
        Self {
            draws: 50_000,
            accept: 500,
            seed: 20181231,
        }
    }
}

/// The fit of one parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamFit {
    /// Parameter name.
    pub name: String,
    /// Uniform prior bounds.
    pub prior: [f64; 2],
    /// Posterior summary.
    pub posterior: Summary,
    /// Posterior 90% interval width over the prior's 90% width (1: the data say nothing).
    pub interval_ratio: f64,
}

/// The predictive check of one observed count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictiveCheck {
    /// Which count.
    pub metric: String,
    /// Observed value.
    pub observed: f64,
    /// Posterior predictive summary.
    pub predicted: Summary,
}

/// Result of a calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Method in words.
    pub method: String,
    /// Settings.
    pub options: CalibrationOptions,
    /// What was observed.
    pub observed: Observed,
    /// Largest distance among the accepted draws (the effective tolerance).
    pub tolerance: f64,
    /// Fit per free parameter.
    pub fits: Vec<ParamFit>,
    /// Posterior predictive checks.
    pub predictive: Vec<PredictiveCheck>,
    /// Accepted parameter vectors (full, fixed values included), in draw order.
    pub samples: Vec<[f64; N_PARAMS]>,
}

/// Counts compared with the observation: (metric index, name, observed value).
fn targets(o: &Observed) -> [(usize, &'static str, f64); 3] {
    [
        (metric::SUBSCRIBED, "subscribed", o.subscribed as f64),
        (metric::MERGES, "merges", o.merges as f64),
        (metric::STANDBY, "standby", o.standby as f64),
    ]
}

/// Draws a parameter vector from the model's priors (fixed values are kept).
pub fn draw_prior(model: &Model, rng: &mut impl Rng) -> [f64; N_PARAMS] {
    let mut theta = [0.0; N_PARAMS];
    for (i, p) in model.params.iter().enumerate() {
        // Draw for every parameter so that the stream layout does not depend on which are free.
        let u: f64 = rng.gen();
        theta[i] = match p.value {
            ParamValue::Fixed(v) => v,
            ParamValue::Prior(lo, hi) => lo + u * (hi - lo),
        };
    }
    theta
}

/// Fits the model's free parameters to `observed` (whose deadline must be a window of `world`).
pub fn calibrate(
    world: &World,
    model: &Model,
    observed: &Observed,
    options: CalibrationOptions,
    control: &Control,
) -> Result<Calibration, SimError> {
    let window = world
        .windows
        .iter()
        .position(|w| w.deadline == observed.deadline)
        .ok_or_else(|| {
            SimError::Invalid(format!(
                "observed deadline {} is not a window of the policy",
                observed.deadline
            ))
        })?;
    if options.accept == 0 || options.accept > options.draws {
        return Err(SimError::Invalid(format!(
            "calibration must accept between 1 and {} draws (asked {})",
            options.draws, options.accept
        )));
    }
    let free = model.free();
    if free.is_empty() {
        return Err(SimError::Invalid(
            "no parameter has a prior: nothing to calibrate".into(),
        ));
    }
    let targets = targets(observed);
    let cancel = control.cancel;
    let mut scored: Vec<(f64, usize, [f64; N_PARAMS])> = (0..options.draws)
        .into_par_iter()
        .map(|i| {
            if cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed)) {
                return None;
            }
            let mut rng = stream_rng(options.seed, i as u64);
            let theta = draw_prior(model, &mut rng);
            let counts = run_once(world, &theta, &mut rng, window + 1, None);
            let c = &counts.counts[window];
            let d2: f64 = targets
                .iter()
                .map(|&(m, _, obs)| ((c[m] as f64 - obs) / (obs + 1.0).sqrt()).powi(2))
                .sum();
            if i % 4096 == 0 {
                if let Some(p) = control.progress {
                    p(4096.min((options.draws - i) as u64));
                }
            }
            Some((d2.sqrt(), i, theta))
        })
        .collect::<Option<Vec<_>>>()
        .ok_or(SimError::Interrupted)?;
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    scored.truncate(options.accept);
    let tolerance = scored.last().map_or(0.0, |s| s.0);
    scored.sort_by_key(|s| s.1);
    let samples: Vec<[f64; N_PARAMS]> = scored.iter().map(|s| s.2).collect();
    let fits = free
        .iter()
        .filter_map(|&i| match model.params[i].value {
            ParamValue::Prior(lo, hi) => Some((i, lo, hi)),
            ParamValue::Fixed(_) => None,
        })
        .map(|(i, lo, hi)| {
            let post = Summary::of(&samples.iter().map(|t| t[i]).collect::<Vec<_>>());
            ParamFit {
                name: model.params[i].name.clone(),
                prior: [lo, hi],
                interval_ratio: (post.q95 - post.q05) / (0.9 * (hi - lo)),
                posterior: post,
            }
        })
        .collect();
    // Fresh streams for the predictive check: offset past the prior draws.
    let predictive_counts: Vec<Vec<i64>> = samples
        .par_iter()
        .enumerate()
        .map(|(k, theta)| {
            let mut rng = stream_rng(options.seed, (options.draws + k) as u64);
            let c = run_once(world, theta, &mut rng, window + 1, None);
            targets
                .iter()
                .map(|&(m, _, _)| c.counts[window][m])
                .collect()
        })
        .collect();
    let predictive = targets
        .iter()
        .enumerate()
        .map(|(j, &(_, name, obs))| PredictiveCheck {
            metric: name.to_string(),
            observed: obs,
            predicted: Summary::of(
                &predictive_counts
                    .iter()
                    .map(|c| c[j] as f64)
                    .collect::<Vec<_>>(),
            ),
        })
        .collect();
    Ok(Calibration {
        method: format!(
            "ABC rejection: {} prior draws, {} nearest accepted; distance = Euclidean over (subscribed, merges, standby) at {}, each scaled by sqrt(observed + 1)",
            options.draws, options.accept, observed.deadline
        ),
        options,
        observed: observed.clone(),
        tolerance,
        fits,
        predictive,
        samples,
    })
}
