//! Monte Carlo simulation of a voluntary reform's uptake over its incentive windows.
//!
//! Input: a baseline district table, a policy (incentive windows, thresholds, optional
//! mandatory deadline), candidate groupings of districts that could merge, and an assessment of
//! each grouping (membership score, predicted outcome, evidence flags). The model (see
//! [`model`] and `MODEL.md`) gives each grouping a per-window probability of agreement that
//! depends on its assessment and on the incentive still available; partners can defect and
//! below-threshold districts can stand by. [`calibrate`] fits the free parameters to an observed
//! outcome by approximate Bayesian computation; [`simulate()`] runs the baseline policy and its
//! variants on the same seeds and reports distributions and paired differences.
//!
//! ```
//! use ambit_sim::{bundled, simulate, Control, SimOptions};
//! let scenario = bundled::lombardy_2018().unwrap();
//! let mut options = SimOptions::default();
//! options.runs = 200;
//! options.calibration.draws = 2_000;
//! options.calibration.accept = 50;
//! let result = simulate(&scenario, &[], options, &Control::default()).unwrap();
//! let merges = result.arms[0].windows[1].metric("merges").unwrap();
//! assert!(merges.summary.q05 <= merges.summary.q95);
//! ```

pub mod bundled;
pub mod calibrate;
pub mod engine;
pub mod error;
pub mod input;
pub mod model;
pub mod scenario;
pub mod simulate;
pub mod stats;

pub use calibrate::{calibrate, Calibration, CalibrationOptions};
pub use engine::{monte_carlo, run_once, Control, Reason, METRICS};
pub use error::SimError;
pub use input::{Assessment, Evidence, Observed, Outcome, Policy, Window};
pub use model::{Model, ParamValue};
pub use scenario::{Scenario, World};
pub use simulate::{
    simulate, MonteCarloOptions, ReadResultError, SimOptions, SimulationResult, Variant,
};
