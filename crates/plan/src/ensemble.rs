//! Ensembles of good plans: how often every pair of neighbouring units shares a district, and how
//! stable each unit's grouping is across independent runs.
//!
//! A regional planner sees which groupings every good plan agrees on (firm) and where there is a
//! real choice (contested). Runs are independent (run `i` uses seed `seed + i`), so they run in
//! parallel on the cores of one machine; across machines the same runs are independent batch
//! jobs (one seed each) whose assignments are merged by [`Ensemble::from_plans`].

use rayon::prelude::*;
use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::rule::DistrictRule;
use crate::{max_districts, Control, Plan, PlanError, Problem, Progress, SearchOptions};

/// Co-assignment frequency of two neighbouring units over the plans of an ensemble.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairFrequency {
    /// First unit (lower index).
    pub a: u32,
    /// Second unit.
    pub b: u32,
    /// Share of plans in which they are in the same district, in [0, 1].
    pub together: f64,
}

impl PairFrequency {
    /// Whether the plans agree on this pair within `tolerance` (together in all but a
    /// `tolerance` share of plans, or apart in all but that share).
    pub fn is_firm(&self, tolerance: f64) -> bool {
        self.together >= 1.0 - tolerance || self.together <= tolerance
    }
}

/// What an ensemble of plans agrees on.
#[derive(Debug, Clone, Serialize)]
pub struct Ensemble {
    /// Number of plans.
    pub plans: usize,
    /// Compliant districts of every plan, in run order.
    pub compliant: Vec<usize>,
    /// Every contiguity edge with its co-assignment frequency.
    pub pairs: Vec<PairFrequency>,
    /// Per unit: the mean over its neighbours of how consistently the plans decide whether it
    /// shares their district (`max(f, 1 - f)`), in [0.5, 1]; 1 for a unit without neighbours.
    pub stability: Vec<f64>,
    /// The plans' district of every unit, plan by plan (row `i` is plan `i`).
    pub assignments: Vec<Vec<u32>>,
}

impl Ensemble {
    /// Statistics over complete labellings of the same problem (from one machine or many).
    pub fn from_plans(pb: &Problem, assignments: Vec<Vec<u32>>, compliant: Vec<usize>) -> Self {
        let n = pb.len();
        let plans = assignments.len();
        let g = pb.graph();
        let mut pairs = Vec::with_capacity(g.edge_count());
        for u in 0..n {
            for &v in g.neighbors(u) {
                if (v as usize) <= u {
                    continue;
                }
                let same = assignments.iter().filter(|d| d[u] == d[v as usize]).count();
                pairs.push(PairFrequency {
                    a: u as u32,
                    b: v,
                    together: if plans == 0 {
                        0.0
                    } else {
                        same as f64 / plans as f64
                    },
                });
            }
        }
        let mut sum = vec![0.0; n];
        let mut deg = vec![0usize; n];
        for p in &pairs {
            let c = p.together.max(1.0 - p.together);
            for x in [p.a as usize, p.b as usize] {
                sum[x] += c;
                deg[x] += 1;
            }
        }
        let stability = (0..n)
            .map(|u| {
                if deg[u] == 0 {
                    1.0
                } else {
                    sum[u] / deg[u] as f64
                }
            })
            .collect();
        Self {
            plans,
            compliant,
            pairs,
            stability,
            assignments,
        }
    }

    /// Share of neighbouring pairs the plans agree on within `tolerance`.
    pub fn firm_share(&self, tolerance: f64) -> f64 {
        if self.pairs.is_empty() {
            return 1.0;
        }
        self.pairs.iter().filter(|p| p.is_firm(tolerance)).count() as f64 / self.pairs.len() as f64
    }
}

/// Runs `runs` independent plans (run `i` with seed `opts.seed + i`), in parallel, and returns
/// their co-assignment statistics. Cancellation stops the runs not yet started; progress counts
/// finished runs.
pub fn ensemble(
    pb: &Problem,
    rule: &dyn DistrictRule,
    opts: &SearchOptions,
    runs: usize,
    control: &Control,
) -> Result<Ensemble, PlanError> {
    let done = AtomicUsize::new(0);
    let plans: Vec<Plan> = (0..runs)
        .into_par_iter()
        .filter_map(|i| {
            if i > 0 && control.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                return None;
            }
            let o = SearchOptions {
                seed: opts.seed.wrapping_add(i as u64),
                ..opts.clone()
            };
            // progress and cancellation are the ensemble's, not each run's
            let inner = Control {
                cancel: control.cancel,
                progress: None,
            };
            let plan = max_districts(pb, rule, &o, &inner);
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            if let (Some(f), Ok(p)) = (control.progress, &plan) {
                f(Progress {
                    done: d,
                    total: runs,
                    districts: p.compliant_count(),
                });
            }
            Some(plan)
        })
        .collect::<Result<Vec<_>, _>>()?;
    if plans.is_empty() {
        return Err(PlanError::Interrupted);
    }
    let compliant = plans.iter().map(Plan::compliant_count).collect();
    let assignments = plans.into_iter().map(|p| p.district_of).collect();
    Ok(Ensemble::from_plans(pb, assignments, compliant))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Adjacency, UniformThreshold};

    #[test]
    fn frequencies_and_stability_by_hand() {
        // strip 0-1-2; plan A: {0,1},{2}; plan B: {0},{1,2}
        let g = Adjacency::from_edges(3, &[(0, 1, 1.0), (1, 2, 1.0)]).unwrap();
        let pb = Problem::new(g, vec![1.0; 3], 1).unwrap();
        let e = Ensemble::from_plans(&pb, vec![vec![0, 0, 1], vec![0, 1, 1]], vec![2, 2]);
        assert_eq!(e.pairs.len(), 2);
        assert_eq!(e.pairs[0].together, 0.5);
        assert_eq!(e.pairs[1].together, 0.5);
        // every unit's only decisions are split half and half
        assert_eq!(e.stability, vec![0.5, 0.5, 0.5]);
        assert_eq!(e.firm_share(0.05), 0.0);
        let e = Ensemble::from_plans(&pb, vec![vec![0, 0, 1], vec![3, 3, 4]], vec![2, 2]);
        assert_eq!(e.pairs[0].together, 1.0);
        assert_eq!(e.pairs[1].together, 0.0);
        assert_eq!(e.stability, vec![1.0, 1.0, 1.0]);
        assert_eq!(e.firm_share(0.0), 1.0);
    }

    #[test]
    fn runs_are_seeded_and_complete() {
        // 2 x 3 grid of 10s, threshold 20: 3 districts every time, grouping varies
        let edges = [
            (0, 1, 1.0),
            (1, 2, 1.0),
            (3, 4, 1.0),
            (4, 5, 1.0),
            (0, 3, 1.0),
            (1, 4, 1.0),
            (2, 5, 1.0),
        ];
        let pb = Problem::new(Adjacency::from_edges(6, &edges).unwrap(), vec![10.0; 6], 1).unwrap();
        let rule = UniformThreshold { threshold: 20.0 };
        let opts = SearchOptions {
            starts: 1,
            ..SearchOptions::default()
        };
        let a = ensemble(&pb, &rule, &opts, 6, &Control::default()).unwrap();
        let b = ensemble(&pb, &rule, &opts, 6, &Control::default()).unwrap();
        assert_eq!(a.plans, 6);
        assert_eq!(a.compliant, vec![3; 6]);
        assert_eq!(a.assignments, b.assignments);
        assert_eq!(a.pairs.len(), 7);
        assert!(a.stability.iter().all(|&s| (0.5..=1.0).contains(&s)));
    }
}
