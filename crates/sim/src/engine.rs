//! The Monte Carlo engine: one run of the model over the windows, and many runs in parallel.
//!
//! Reproducibility: run `i` draws from ChaCha8 seeded with the master seed on stream `i`, and
//! every run draws the same number of uniforms in the same order whatever happens (one per
//! grouping for agreement, one per partner for defection, one for the second level, two per
//! district), so a policy variant run on the same seeds sees the same random numbers (common
//! random numbers) and the results do not depend on the number of threads: runs are collected
//! in index order and tallies are integer sums.

use crate::error::SimError;
use crate::model::{idx, logistic, N_PARAMS};
use crate::scenario::World;
use rand::Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};

/// Names of the per-window metrics, in [`Counts`] order.
pub const METRICS: [&str; 9] = [
    "subscribed",
    "merges",
    "imposed",
    "standby",
    "compliant",
    "districts",
    "below_left",
    "spend_eur",
    "noncompliant",
];

/// Index of each metric in [`Counts`].
#[allow(missing_docs)]
pub mod metric {
    /// New agreements adopted: merged districts (voluntary or imposed) plus unmerged districts that subscribed alone.
    pub const SUBSCRIBED: usize = 0;
    /// Voluntary mergers so far.
    pub const MERGES: usize = 1;
    /// Mergers imposed by a mandatory deadline so far.
    pub const IMPOSED: usize = 2;
    /// Unmerged below-threshold districts on stand-by.
    pub const STANDBY: usize = 3;
    /// Compliant districts in the current map.
    pub const COMPLIANT: usize = 4;
    /// Districts in the current map.
    pub const DISTRICTS: usize = 5;
    /// Baseline below-threshold districts not yet part of a compliant district.
    pub const BELOW_LEFT: usize = 6;
    /// Region spend so far (EUR, first and second level).
    pub const SPEND: usize = 7;
    /// Non-compliant districts in the current map (`districts - compliant`).
    pub const NONCOMPLIANT: usize = 8;
}

/// Metric values at the end of one window of one run.
pub type Counts = [i64; 9];

/// Why a below-threshold baseline district is still in a non-compliant district at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// It is in no candidate grouping.
    NoCandidate,
    /// Its grouping was still open at the end: no agreement in any window.
    NoAgreement,
    /// Its grouping dissolved because a partner (possibly itself) defected.
    Defection,
    /// A partner merged into another grouping first.
    PartnerMergedElsewhere,
    /// It merged, but the merged district is still below its threshold.
    MergedStillBelow,
}

impl Reason {
    /// All reasons in index order.
    pub const ALL: [Reason; 5] = [
        Reason::NoCandidate,
        Reason::NoAgreement,
        Reason::Defection,
        Reason::PartnerMergedElsewhere,
        Reason::MergedStillBelow,
    ];

    /// A sentence explaining the reason.
    pub fn explain(self) -> &'static str {
        match self {
            Reason::NoCandidate => "no candidate grouping includes it",
            Reason::NoAgreement => "its grouping never agreed before the last window",
            Reason::Defection => "a partner defected and the grouping dissolved",
            Reason::PartnerMergedElsewhere => "a partner merged into another grouping first",
            Reason::MergedStillBelow => "merged, but the new district is still below threshold",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum GState {
    Open,
    Merged,
    Imposed,
    Dissolved,
    Superseded,
}

/// Integer tallies over runs (order-independent, hence deterministic under any thread count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Runs tallied.
    pub runs: u64,
    /// Per district, runs ending in each [`Reason`] (index order of [`Reason::ALL`]).
    pub district_reason: Vec<[u64; 5]>,
    /// Per district, runs in which it merged (voluntarily or imposed).
    pub district_merged: Vec<u64>,
    /// Per district, runs in which it ends in a compliant district.
    pub district_compliant_end: Vec<u64>,
    /// Per grouping and window, runs in which it merged voluntarily in that window.
    pub grouping_merged: Vec<Vec<u64>>,
    /// Per grouping, runs in which it was imposed.
    pub grouping_imposed: Vec<u64>,
    /// Per grouping, runs in which it dissolved by defection.
    pub grouping_dissolved: Vec<u64>,
}

impl Tally {
    fn new(world: &World, horizon: usize) -> Self {
        let n = world.n_districts();
        let g = world.groupings.len();
        Self {
            runs: 0,
            district_reason: vec![[0; 5]; n],
            district_merged: vec![0; n],
            district_compliant_end: vec![0; n],
            grouping_merged: vec![vec![0; horizon]; g],
            grouping_imposed: vec![0; g],
            grouping_dissolved: vec![0; g],
        }
    }

    fn add(&mut self, other: &Tally) {
        self.runs += other.runs;
        for (a, b) in self.district_reason.iter_mut().zip(&other.district_reason) {
            for k in 0..5 {
                a[k] += b[k];
            }
        }
        let add = |a: &mut Vec<u64>, b: &Vec<u64>| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.district_merged, &other.district_merged);
        add(
            &mut self.district_compliant_end,
            &other.district_compliant_end,
        );
        add(&mut self.grouping_imposed, &other.grouping_imposed);
        add(&mut self.grouping_dissolved, &other.grouping_dissolved);
        for (a, b) in self.grouping_merged.iter_mut().zip(&other.grouping_merged) {
            add(a, b);
        }
    }
}

/// The random-number generator of run (or calibration draw) `stream` under `seed`.
pub fn stream_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Per-run probabilities derived from a parameter vector.
struct Probabilities {
    agree: Vec<Vec<f64>>,
    defect: Vec<f64>,
    subscribe: f64,
    standby: f64,
    second_level: f64,
}

impl Probabilities {
    fn new(world: &World, theta: &[f64; N_PARAMS]) -> Self {
        let agree = world
            .groupings
            .iter()
            .map(|g| {
                let base = theta[idx::AGREE]
                    + theta[idx::SCORE] * (g.score - 0.5)
                    + if g.homophily {
                        theta[idx::HOMOPHILY]
                    } else {
                        0.0
                    };
                world
                    .incentive_share
                    .iter()
                    .map(|s| logistic(base + theta[idx::INCENTIVE] * s))
                    .collect()
            })
            .collect();
        let defect = world
            .groupings
            .iter()
            .map(|g| {
                logistic(
                    theta[idx::DEFECT]
                        + if g.dominant_city {
                            theta[idx::DOMINANT]
                        } else {
                            0.0
                        },
                )
            })
            .collect();
        Self {
            agree,
            defect,
            subscribe: logistic(theta[idx::SUBSCRIBE]),
            standby: logistic(theta[idx::STANDBY]),
            second_level: theta[idx::SECOND_LEVEL],
        }
    }
}

/// Counts of below-threshold baseline districts per [`Reason`] at the end of one run.
pub type ReasonCounts = [i64; 5];

/// One run's result: counts at the end of each window, and reasons at the end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// Counts at the end of each window.
    pub counts: Vec<Counts>,
    /// Below-threshold districts left non-compliant, per reason, at the end.
    pub reasons: ReasonCounts,
}

/// Simulates one run over the first `horizon` windows; returns the counts at the end of each
/// window and the reasons at the end, and adds the end state to `tally` when given.
pub fn run_once(
    world: &World,
    theta: &[f64; N_PARAMS],
    rng: &mut ChaCha8Rng,
    horizon: usize,
    tally: Option<&mut Tally>,
) -> RunResult {
    let p = Probabilities::new(world, theta);
    let n = world.n_districts();
    let ng = world.groupings.len();
    let mut merged_in: Vec<Option<usize>> = vec![None; n];
    let mut subscribed = vec![false; n];
    let mut standby = vec![false; n];
    let mut gstate = vec![GState::Open; ng];
    let mut merged_at = vec![usize::MAX; ng];
    let mut spend: i64 = 0;
    let mut out = Vec::with_capacity(horizon);
    let mut defect_draws: Vec<f64> = Vec::new();
    for w in 0..horizon {
        for (gi, g) in world.groupings.iter().enumerate() {
            let u_agree: f64 = rng.gen();
            defect_draws.clear();
            defect_draws.extend((0..g.members.len()).map(|_| rng.gen::<f64>()));
            let u_second: f64 = rng.gen();
            if gstate[gi] != GState::Open {
                continue;
            }
            if g.members.iter().any(|&m| merged_in[m].is_some()) {
                gstate[gi] = GState::Superseded;
                continue;
            }
            if u_agree < p.agree[gi][w] {
                gstate[gi] = GState::Merged;
                merged_at[gi] = w;
                g.members.iter().for_each(|&m| merged_in[m] = Some(gi));
                spend += world.windows[w].incentive_eur as i64;
                if u_second < p.second_level {
                    spend += world.second_level_eur as i64;
                }
            } else if defect_draws.iter().any(|&u| u < p.defect[gi]) {
                gstate[gi] = GState::Dissolved;
            }
        }
        for d in 0..n {
            let u_sub: f64 = rng.gen();
            let u_sb: f64 = rng.gen();
            if merged_in[d].is_some() {
                continue;
            }
            if world.compliant[d] {
                subscribed[d] |= u_sub < p.subscribe;
            } else {
                standby[d] |= u_sb < p.standby;
            }
        }
        if world.mandatory_from.is_some_and(|m| w >= m) {
            // The region imposes every grouping still possible that would lift a below-threshold
            // district; no premium is paid for an imposed merger.
            for (gi, g) in world.groupings.iter().enumerate() {
                let possible = matches!(gstate[gi], GState::Open | GState::Dissolved)
                    && g.has_below_member
                    && g.members.iter().all(|&m| merged_in[m].is_none());
                if possible {
                    gstate[gi] = GState::Imposed;
                    merged_at[gi] = w;
                    g.members.iter().for_each(|&m| merged_in[m] = Some(gi));
                }
            }
        }
        out.push(counts(
            world,
            &merged_in,
            &subscribed,
            &standby,
            &gstate,
            spend,
        ));
    }
    let reasons = record_end(world, &merged_in, &gstate, &merged_at, horizon, tally);
    RunResult {
        counts: out,
        reasons,
    }
}

fn counts(
    world: &World,
    merged_in: &[Option<usize>],
    subscribed: &[bool],
    standby: &[bool],
    gstate: &[GState],
    spend: i64,
) -> Counts {
    let mut c = [0i64; 9];
    let mut absorbed = 0i64;
    for (gi, g) in world.groupings.iter().enumerate() {
        let formed = match gstate[gi] {
            GState::Merged => {
                c[metric::MERGES] += 1;
                true
            }
            GState::Imposed => {
                c[metric::IMPOSED] += 1;
                true
            }
            _ => false,
        };
        if formed {
            c[metric::SUBSCRIBED] += 1;
            absorbed += g.members.len() as i64 - 1;
            if g.compliant_after {
                c[metric::COMPLIANT] += 1;
            }
        }
    }
    for (d, merged) in merged_in.iter().enumerate() {
        match merged {
            None => {
                if world.compliant[d] {
                    c[metric::COMPLIANT] += 1;
                    c[metric::SUBSCRIBED] += subscribed[d] as i64;
                } else {
                    c[metric::STANDBY] += standby[d] as i64;
                    c[metric::BELOW_LEFT] += 1;
                }
            }
            Some(g) => {
                if !world.groupings[*g].compliant_after {
                    c[metric::BELOW_LEFT] += !world.compliant[d] as i64;
                }
            }
        }
    }
    c[metric::DISTRICTS] = world.n_districts() as i64 - absorbed;
    c[metric::SPEND] = spend;
    c[metric::NONCOMPLIANT] = c[metric::DISTRICTS] - c[metric::COMPLIANT];
    c
}

fn record_end(
    world: &World,
    merged_in: &[Option<usize>],
    gstate: &[GState],
    merged_at: &[usize],
    horizon: usize,
    mut tally: Option<&mut Tally>,
) -> ReasonCounts {
    let mut out = [0i64; 5];
    if let Some(t) = tally.as_deref_mut() {
        t.runs += 1;
        for (gi, s) in gstate.iter().enumerate() {
            match s {
                GState::Merged if merged_at[gi] < horizon => {
                    t.grouping_merged[gi][merged_at[gi]] += 1
                }
                GState::Imposed => t.grouping_imposed[gi] += 1,
                GState::Dissolved => t.grouping_dissolved[gi] += 1,
                _ => {}
            }
        }
    }
    for (d, &merged) in merged_in.iter().enumerate() {
        let reason = match merged {
            Some(g) => {
                if let Some(t) = tally.as_deref_mut() {
                    t.district_merged[d] += 1;
                }
                if world.groupings[g].compliant_after {
                    if let Some(t) = tally.as_deref_mut() {
                        t.district_compliant_end[d] += 1;
                    }
                    continue;
                }
                if world.compliant[d] {
                    continue;
                }
                Reason::MergedStillBelow
            }
            None if world.compliant[d] => {
                if let Some(t) = tally.as_deref_mut() {
                    t.district_compliant_end[d] += 1;
                }
                continue;
            }
            None => {
                let states = world.groupings_of[d].iter().map(|&g| gstate[g]);
                let mut reason = Reason::NoCandidate;
                for s in states {
                    let r = match s {
                        GState::Open => Reason::NoAgreement,
                        GState::Dissolved => Reason::Defection,
                        _ => Reason::PartnerMergedElsewhere,
                    };
                    // Priority: an open grouping, then defection, then superseded.
                    if reason == Reason::NoCandidate || r < reason {
                        reason = r;
                    }
                }
                reason
            }
        };
        let k = Reason::ALL.iter().position(|&r| r == reason).unwrap_or(0);
        out[k] += 1;
        if let Some(t) = tally.as_deref_mut() {
            t.district_reason[d][k] += 1;
        }
    }
    out
}

/// How a long computation reports progress and learns it must stop.
#[derive(Default, Clone, Copy)]
pub struct Control<'a> {
    /// Set to true (for example by a Ctrl-C handler) to stop early with [`SimError::Interrupted`].
    pub cancel: Option<&'a AtomicBool>,
    /// Called with the number of runs just finished.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

impl Control<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    }

    fn advance(&self, n: u64) {
        if let Some(p) = self.progress {
            p(n);
        }
    }
}

/// Results of many runs: per-run results in run order, and the end-state tallies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarlo {
    /// One result per run, in run order.
    pub runs: Vec<RunResult>,
    /// End-state tallies.
    pub tally: Tally,
}

const CHUNK: usize = 256;

/// Runs the model `runs` times in parallel; run `i` uses parameters `thetas[i % thetas.len()]`
/// and the random stream `i` of `seed`.
pub fn monte_carlo(
    world: &World,
    thetas: &[[f64; N_PARAMS]],
    runs: usize,
    seed: u64,
    horizon: usize,
    control: &Control,
) -> Result<MonteCarlo, SimError> {
    if thetas.is_empty() {
        return Err(SimError::Invalid(
            "no parameter set to simulate with".into(),
        ));
    }
    let horizon = horizon.min(world.windows.len());
    let chunks: Vec<Option<(Vec<RunResult>, Tally)>> = (0..runs.div_ceil(CHUNK))
        .into_par_iter()
        .map(|ch| {
            if control.cancelled() {
                return None;
            }
            let mut tally = Tally::new(world, horizon);
            let range = ch * CHUNK..((ch + 1) * CHUNK).min(runs);
            let len = range.len() as u64;
            let counts = range
                .map(|i| {
                    let mut rng = stream_rng(seed, i as u64);
                    run_once(
                        world,
                        &thetas[i % thetas.len()],
                        &mut rng,
                        horizon,
                        Some(&mut tally),
                    )
                })
                .collect();
            control.advance(len);
            Some((counts, tally))
        })
        .collect();
    let mut all = Vec::with_capacity(runs);
    let mut tally = Tally::new(world, horizon);
    for chunk in chunks {
        let (counts, t) = chunk.ok_or(SimError::Interrupted)?;
        all.extend(counts);
        tally.add(&t);
    }
    Ok(MonteCarlo { runs: all, tally })
}
