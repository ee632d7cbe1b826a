//! Exact max-p for small instances: a mixed-integer programme solved by COIN-OR CBC (Debian's
//! `coinor-libcbc-dev`, through the `coin_cbc` crate, behind the `exact` feature).
//!
//! Two models, the first whenever it fits:
//!
//! - **Set packing** ([`packing`]): with one population threshold, max-p is the largest number
//!   of disjoint *minimal compliant connected sets* (connected sets that reach the threshold while
//!   none of their connected proper subsets does; [`crate::connected_sets`]). Every compliant
//!   district contains one, and disjoint ones extend to a plan by letting the other units join a
//!   neighbouring set. The sets are enumerated (up to [`ExactOptions::max_sets`]) and CBC solves
//!   `max sum x_S` subject to `sum_{S ∋ u} x_S <= 1` per unit: one row per unit, tight LP
//!   relaxations, clique cuts. This is the column form of the exact models of Duque, Anselin & Rey
//!   (2012), with every column known in advance.
//! - **Flow** ([`flow`]): when the sets are too many, contiguity written as flow on a rooted
//!   spanning forest (Shirabe 2005; the flow form of Duque, Anselin & Rey 2012).
//!
//! Both models ask for more compliant districts than the heuristic's plan `warm` has (a row
//! `p >= p_warm + 1` in place of a warm start): a solution is a better plan, and infeasibility is
//! the certificate that `warm` is optimal. A better plan is then improved by the heuristic's own
//! improvement phase (same objective, never fewer compliant districts). The result is "optimal"
//! with CBC's certificate, or the best plan found with the smaller of CBC's bound and
//! [`crate::upper_bound`].

#[cfg(feature = "exact")]
mod flow;
#[cfg(feature = "exact")]
mod packing;

use serde::Serialize;
use std::time::Duration;

use crate::bound::upper_bound;
use crate::maxp::SearchOptions;
use crate::plan::Plan;
use crate::problem::Problem;
use crate::rule::DistrictRule;

/// Settings of [`exact_max_districts`].
#[derive(Debug, Clone)]
pub struct ExactOptions {
    /// Time limit of the MILP solver.
    pub time_limit: Duration,
    /// Largest instance (units) handed to the solver; larger ones keep the heuristic's plan.
    pub max_units: usize,
    /// Most minimal connected sets enumerated for the set-packing model; beyond, the flow
    /// model is solved instead.
    pub max_sets: usize,
}

impl Default for ExactOptions {
    fn default() -> Self {
        Self {
            time_limit: Duration::from_secs(60),
            max_units: 600,
            max_sets: 2_000_000,
        }
    }
}

/// How an exact run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ExactStatus {
    /// The plan is optimal: no plan has more compliant districts.
    Optimal,
    /// The best plan found within the time limit; no plan has more than `bound`.
    BestFound {
        /// Proven ceiling.
        bound: usize,
    },
    /// Too many units for the exact solver: the heuristic's plan and the bound.
    TooLarge {
        /// Units of the instance.
        units: usize,
        /// The limit.
        limit: usize,
    },
    /// The instance has constraints the exact model does not express (the reason).
    Unsupported {
        /// What is not supported.
        reason: String,
    },
    /// This build has no MILP solver (the `exact` feature is off).
    Unavailable,
}

/// The model handed to the MILP solver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "model", rename_all = "kebab-case")]
pub enum ExactModel {
    /// Set packing over this many minimal compliant connected sets.
    SetPacking {
        /// Sets enumerated.
        sets: usize,
    },
    /// Flow on a rooted spanning forest: the sets were more than `max_sets`.
    Flow {
        /// The limit on sets that was passed.
        max_sets: usize,
    },
}

impl ExactModel {
    /// The model in words.
    pub fn describe(&self) -> String {
        match self {
            Self::SetPacking { sets } => {
                format!("set packing over {sets} minimal compliant connected sets")
            }
            Self::Flow { max_sets } => {
                format!("flow model: more than {max_sets} minimal compliant connected sets")
            }
        }
    }
}

/// Result of [`exact_max_districts`]: the plan, how it ended, and the bound in force.
#[derive(Debug, Clone, Serialize)]
pub struct ExactOutcome {
    /// The plan (the solver's, or the heuristic's when the solver did not improve or run).
    pub plan: Plan,
    /// How the run ended.
    pub status: ExactStatus,
    /// No plan has more compliant districts than this.
    pub bound: usize,
    /// The model solved, when the solver ran.
    pub model: Option<ExactModel>,
}

impl ExactOutcome {
    /// The outcome in words, e.g. "exact: optimal, p = 17 (CBC certificate)".
    pub fn describe(&self) -> String {
        let p = self.plan.compliant_count();
        let model = self
            .model
            .map(|m| format!(" ({})", m.describe()))
            .unwrap_or_default();
        match &self.status {
            ExactStatus::Optimal => format!("exact: optimal, p = {p}, no plan has more{model}"),
            ExactStatus::BestFound { bound } => format!(
                "exact: best found p = {p} within the time limit, bound {bound} (gap {} district{}){model}",
                bound - p.min(*bound),
                if bound - p.min(*bound) == 1 { "" } else { "s" }
            ),
            ExactStatus::TooLarge { units, limit } => format!(
                "exact: {units} units is more than the exact solver takes ({limit}): heuristic plan p = {p}, bound {}",
                self.bound
            ),
            ExactStatus::Unsupported { reason } => format!(
                "exact: not attempted ({reason}): heuristic plan p = {p}, bound {}",
                self.bound
            ),
            ExactStatus::Unavailable => format!(
                "exact: this build has no MILP solver (feature `exact`): heuristic plan p = {p}, bound {}",
                self.bound
            ),
        }
    }
}

/// Why the exact model cannot take this problem, if it cannot.
fn unsupported(pb: &Problem, rule: &dyn DistrictRule) -> Option<String> {
    let floors = rule.class_floors().unwrap_or_default();
    let one = floors.windows(2).all(|w| w[0].threshold == w[1].threshold);
    if floors.is_empty() || !one {
        return Some("class-dependent thresholds".into());
    }
    if pb.groups.iter().any(|g| g.len() > 1) || pb.conflicts.iter().any(|c| !c.is_empty()) {
        return Some("must-link or cannot-link pairs".into());
    }
    if pb.district_count.is_some() {
        return Some("a fixed district count".into());
    }
    None
}

/// Solves max-p exactly (within the time limit) from the heuristic's plan `warm`; a better
/// plan is then improved with the objective and effort of `search`.
pub fn exact_max_districts(
    pb: &Problem,
    rule: &dyn DistrictRule,
    warm: Plan,
    opts: &ExactOptions,
    search: &SearchOptions,
) -> ExactOutcome {
    let bound = upper_bound(pb, rule).value;
    exact_max_districts_within(pb, rule, warm, bound, opts, search)
}

/// [`exact_max_districts`] where the caller already holds [`crate::upper_bound`]'s `bound`
/// (the planning job prints it with every plan: computing it once matters on large instances).
pub fn exact_max_districts_within(
    pb: &Problem,
    rule: &dyn DistrictRule,
    warm: Plan,
    bound: usize,
    opts: &ExactOptions,
    search: &SearchOptions,
) -> ExactOutcome {
    let p = warm.compliant_count();
    if p >= bound {
        return ExactOutcome {
            plan: warm,
            status: ExactStatus::Optimal,
            bound,
            model: None,
        };
    }
    let keep = |status| ExactOutcome {
        plan: warm.clone(),
        status,
        bound,
        model: None,
    };
    if pb.len() > opts.max_units {
        return keep(ExactStatus::TooLarge {
            units: pb.len(),
            limit: opts.max_units,
        });
    }
    if let Some(reason) = unsupported(pb, rule) {
        return keep(ExactStatus::Unsupported { reason });
    }
    solve(pb, rule, &warm, bound, opts, search).unwrap_or_else(|| keep(ExactStatus::Unavailable))
}

#[cfg(not(feature = "exact"))]
fn solve(
    _pb: &Problem,
    _rule: &dyn DistrictRule,
    _warm: &Plan,
    _bound: usize,
    _opts: &ExactOptions,
    _search: &SearchOptions,
) -> Option<ExactOutcome> {
    None
}

/// What a model hands back.
#[cfg(feature = "exact")]
struct Solved {
    /// Each live unit's root (the first unit of its district), when a solution was decoded.
    root_of: Option<Vec<usize>>,
    /// CBC's best possible objective (NaN or infinite when unknown).
    best_possible: f64,
    /// CBC proved its solution optimal.
    proven: bool,
    /// CBC proved that no plan has more compliant districts than the heuristic's.
    none_better: bool,
    /// Objective of CBC's solution.
    objective: f64,
}

#[cfg(feature = "exact")]
impl Solved {
    /// Reads CBC's verdict on a model whose solution `root_of` decodes.
    fn from_cbc(raw: &coin_cbc::raw::Model, root_of: Option<Vec<usize>>) -> Self {
        let none_better = raw.is_proven_infeasible();
        Self {
            root_of: root_of.filter(|_| !none_better),
            best_possible: raw.best_possible_value(),
            proven: raw.is_proven_optimal(),
            none_better,
            objective: raw.obj_value(),
        }
    }
}

/// The instance as both models see it.
#[cfg(feature = "exact")]
struct Instance {
    n: usize,
    /// The search graph (edges inside nesting areas under hard nesting).
    g: crate::graph::Adjacency,
    /// The one threshold.
    t: f64,
    /// Population per unit.
    pop: Vec<f64>,
    /// Units in the model: not locked, not in the heuristic's provably infeasible groups.
    live: Vec<bool>,
    /// Compliant districts a solution must exceed (the heuristic's).
    beat: usize,
}

#[cfg(feature = "exact")]
impl Instance {
    fn new(pb: &Problem, rule: &dyn DistrictRule, warm: &Plan) -> Self {
        use crate::problem::Nesting;
        let n = pb.len();
        let hard = pb.nesting == Nesting::Hard && pb.area.is_some();
        let g = crate::maxp::search_graph(pb, hard);
        let floors = rule.class_floors().unwrap_or_default();
        let t = floors.first().map_or(0.0, |f| f.threshold);
        let pop: Vec<f64> = (0..n).map(|u| rule.population(pb.unit_totals(u))).collect();
        let mut live: Vec<bool> = (0..n).map(|u| pb.locked[u].is_none()).collect();
        for grp in &warm.infeasible {
            for &u in &grp.units {
                live[u as usize] = false;
            }
        }
        // the compliant districts the model can change: those with a live unit (compliant
        // locked districts count in the plan but stay outside the model)
        let mut changeable = vec![false; warm.districts.len()];
        for u in (0..n).filter(|&u| live[u]) {
            if let Some(c) = changeable.get_mut(warm.district_of[u] as usize) {
                *c = true;
            }
        }
        let beat = warm
            .districts
            .iter()
            .zip(&changeable)
            .filter(|(d, &c)| c && d.compliant)
            .count();
        Self {
            n,
            g,
            t,
            pop,
            live,
            beat,
        }
    }

    /// Sets one CBC's common settings on `m`: quiet, maximising, the time limit.
    fn configure(m: &mut coin_cbc::Model, opts: &ExactOptions) {
        m.set_parameter("log", "0");
        m.set_parameter("slogLevel", "0");
        m.set_parameter(
            "sec",
            &format!("{}", opts.time_limit.as_secs_f64().max(0.1)),
        );
        m.set_obj_sense(coin_cbc::Sense::Maximize);
    }
}

#[cfg(feature = "exact")]
fn solve(
    pb: &Problem,
    rule: &dyn DistrictRule,
    warm: &Plan,
    bound: usize,
    opts: &ExactOptions,
    search: &SearchOptions,
) -> Option<ExactOutcome> {
    use crate::connected_sets::minimal_connected_sets;

    let inst = Instance::new(pb, rule, warm);
    // a visit budget in proportion keeps a hopeless enumeration short; the tolerance keeps
    // sets whose sum reaches the threshold only in another order of addition
    let steps = opts.max_sets.saturating_mul(20);
    let reach = inst.t - 1e-9 * inst.t.abs().max(1.0);
    let locked = warm.compliant_count() - inst.beat;
    let (solved, model) =
        match minimal_connected_sets(&inst.g, &inst.pop, &inst.live, reach, opts.max_sets, steps) {
            Ok(sets) => (
                packing::solve(&inst, &sets, bound - locked, opts),
                ExactModel::SetPacking { sets: sets.len() },
            ),
            Err(_) => (
                flow::solve(&inst, bound - locked, opts),
                ExactModel::Flow {
                    max_sets: opts.max_sets,
                },
            ),
        };
    // the models count the districts they can change; compliant locked ones add to them
    let mut bound_now = bound;
    if solved.none_better {
        bound_now = warm.compliant_count();
    } else if solved.best_possible.is_finite() {
        let b = locked + (solved.best_possible + 1e-6).floor().max(0.0) as usize;
        bound_now = bound.min(b.max(warm.compliant_count()));
    }
    if solved.proven {
        let b = locked + (solved.objective + 1e-6).floor().max(0.0) as usize;
        bound_now = bound_now.min(b);
    }
    let decoded = solved
        .root_of
        .and_then(|roots| crate::plan::plan_from_roots(pb, rule, &roots, &inst.live, warm));
    let plan = match decoded {
        Some(found) if found.compliant_count() > warm.compliant_count() => {
            crate::maxp::polish(pb, rule, search, found)
        }
        _ => warm.clone(),
    };
    let p = plan.compliant_count();
    let status = if p >= bound_now {
        ExactStatus::Optimal
    } else {
        ExactStatus::BestFound { bound: bound_now }
    };
    Some(ExactOutcome {
        plan,
        status,
        bound: bound_now.max(p),
        model: Some(model),
    })
}
