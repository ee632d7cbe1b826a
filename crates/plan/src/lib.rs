//! Contiguous districts that meet class thresholds: max-p regionalisation and minimum-change repair.
//!
//! A [`Problem`] holds `n` units with a contiguity graph ([`Adjacency`], rook edges plus
//! bridges), additive totals per unit (population is one of them) and optional attributes and
//! constraints. A [`DistrictRule`] says which class a district takes from its summed totals and
//! which minimum population that class needs. [`max_districts`] proposes as many compliant
//! contiguous districts as possible; [`min_change`] repairs an existing map with the fewest
//! changes; [`check_plan`] validates any plan. The core does no I/O; the `dataset` feature adds
//! [`input`], which reads a region's data folder and policy (or the benchmark format) and runs
//! the planning jobs the CLI and the studio share.
//!
//! ```
//! use ambit_plan::{Adjacency, Control, Problem, SearchOptions, UniformThreshold, check_plan, max_districts};
//!
//! // a 1 x 6 strip of units with 10 inhabitants each; districts need 20
//! let edges: Vec<(usize, usize, f64)> = (0..5).map(|i| (i, i + 1, 1.0)).collect();
//! let graph = Adjacency::from_edges(6, &edges).unwrap();
//! let problem = Problem::new(graph, vec![10.0; 6], 1).unwrap();
//! let rule = UniformThreshold { threshold: 20.0 };
//! let plan = max_districts(&problem, &rule, &SearchOptions::default(), &Control::default()).unwrap();
//! assert_eq!(plan.compliant_count(), 3);
//! let labels: Vec<Option<u32>> = plan.district_of.iter().map(|&d| Some(d)).collect();
//! assert!(check_plan(&problem, &rule, &labels).is_valid());
//! ```

mod bound;
mod check;
#[cfg(feature = "exact")]
mod connected_sets;
mod construct;
mod diff;
mod ensemble;
mod exact;
mod graph;
mod heterogeneity;
mod improve;
#[cfg(feature = "dataset")]
pub mod input;
mod maxp;
mod min_change;
mod plan;
mod problem;
mod rule;
mod state;

pub use bound::{upper_bound, UpperBound};
pub use check::{check_plan, CheckReport, Violation};
pub use diff::{diff, Merge, PlanDiff, UnitMove};
pub use ensemble::{ensemble, Ensemble, PairFrequency};
pub use exact::{
    exact_max_districts, exact_max_districts_within, ExactModel, ExactOptions, ExactOutcome,
    ExactStatus,
};
pub use graph::Adjacency;
pub use heterogeneity::{district_heterogeneity, pairwise_l1_sum, plan_heterogeneity};
pub use maxp::{
    effort_factor, improved_starts, max_districts, SearchOptions, FOCUSED_SHARE, FOCUSED_STARTS,
    IMPROVE_ALL_UP_TO, MAX_REGROWTHS_PER_START,
};
pub use min_change::{
    min_change, Affinity, Change, ChangeOptions, ChangeOutcome, MergeCost, Unresolved,
};
pub use plan::{
    border_length, cut_edges, cut_edges_per_district, summarize, DistrictSummary, InfeasibleGroup,
    InfeasibleReason, Plan,
};
pub use problem::{Nesting, Problem, Tiebreak};
pub use rule::{
    ClassCondition, ClassFloor, ClassShareRule, ClassSpec, DistrictRule, Requirement,
    UniformThreshold,
};

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Errors of problem construction and solving.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// An edge names a unit outside `0..n`.
    #[error("edge {edge} names unit {unit}, but there are only {n} units")]
    EdgeOutOfRange {
        /// Position of the edge in the list.
        edge: usize,
        /// The offending unit index.
        unit: usize,
        /// Number of units.
        n: usize,
    },
    /// A unit index outside `0..n`.
    #[error("unit {unit} is out of range (there are {n} units)")]
    UnitOutOfRange {
        /// The offending unit index.
        unit: usize,
        /// Number of units.
        n: usize,
    },
    /// The totals vector has the wrong length.
    #[error("totals: expected {expected} values, found {found}")]
    TotalsShape {
        /// Expected length.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// The attributes vector has the wrong length.
    #[error("attributes: expected {expected} values, found {found}")]
    AttributesShape {
        /// Expected length.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// A per-unit vector has the wrong length.
    #[error("{what}: expected {expected} values (one per unit), found {found}")]
    LengthMismatch {
        /// Which vector.
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// A value is NaN or infinite.
    #[error("{what} of unit {unit} is not a finite number")]
    NotFinite {
        /// Which values.
        what: &'static str,
        /// The unit.
        unit: usize,
    },
    /// Units linked by must-link pairs are not contiguous among themselves.
    #[error("must-link units {units:?} are not contiguous among themselves")]
    MustLinkNotContiguous {
        /// The linked units.
        units: Vec<usize>,
    },
    /// The rule and the problem disagree on the totals length.
    #[error("the rule reads {rule} totals per unit but the problem has {problem}")]
    RuleTotals {
        /// Length the rule expects.
        rule: usize,
        /// Length the problem holds.
        problem: usize,
    },
    /// Interrupted before any plan was built.
    #[error("interrupted before a plan was found")]
    Interrupted,
}

/// Progress of a search: starts completed out of the total, and the best number of districts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Starts completed.
    pub done: usize,
    /// Starts planned.
    pub total: usize,
    /// Compliant districts of the start that just finished.
    pub districts: usize,
}

/// Hooks of a running search: a cancellation flag and a progress callback.
#[derive(Default, Clone, Copy)]
pub struct Control<'a> {
    /// Set to true (e.g. by a Ctrl-C handler) to stop and return the best plan so far.
    pub cancel: Option<&'a AtomicBool>,
    /// Called after every start.
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
}

impl Control<'_> {
    fn report(&self, done: usize, total: usize, districts: usize) {
        if let Some(f) = self.progress {
            f(Progress {
                done,
                total,
                districts,
            });
        }
    }
}

/// Tells the search loops when to stop: deadline reached or cancellation requested.
pub(crate) struct Stopper<'a> {
    deadline: Option<Instant>,
    cancel: Option<&'a AtomicBool>,
    fired: AtomicBool,
}

impl<'a> Stopper<'a> {
    pub(crate) fn new(budget: Option<Duration>, cancel: Option<&'a AtomicBool>) -> Self {
        Self {
            deadline: budget.map(|b| Instant::now() + b),
            cancel,
            fired: AtomicBool::new(false),
        }
    }

    pub(crate) fn should_stop(&self) -> bool {
        let hit = self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
            || self.deadline.is_some_and(|d| Instant::now() >= d);
        if hit {
            self.fired.store(true, Ordering::Relaxed);
        }
        hit
    }

    pub(crate) fn stopped(&self) -> bool {
        self.fired.load(Ordering::Relaxed)
    }
}
