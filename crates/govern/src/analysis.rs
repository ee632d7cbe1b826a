//! What a rule gives each member: power next to population share, dictators and dummies, and
//! how much the largest member can block on its own.

use crate::error::GovernError;
use crate::game::Game;
use crate::member::{largest, Member};
use crate::power::{power, Indices, PowerOptions, Scaling};
use crate::rules::AssemblyRules;
use serde::Serialize;

/// Normalised power indices below this are reported as zero (dummy): the DP works in floating
/// point, where an exact zero can come out as ±1e-17.
pub const DUMMY_TOLERANCE: f64 = 1e-12;

/// One member's row in a power table.
#[derive(Debug, Clone, Serialize)]
pub struct MemberPower {
    /// Municipality code.
    pub code: String,
    /// Municipality name.
    pub name: String,
    /// Resident population.
    pub population: u64,
    /// Share of the district's population.
    pub population_share: f64,
    /// Share of the assembly's votes.
    pub vote_share: f64,
    /// Normalised Banzhaf index.
    pub banzhaf: f64,
    /// Shapley-Shubik index, when computed.
    pub shapley_shubik: Option<f64>,
}

/// What the largest member can do alone.
#[derive(Debug, Clone, Serialize)]
pub struct LargestMember {
    /// Index in the member list.
    pub index: usize,
    /// Its name.
    pub name: String,
    /// Whether it can block every decision alone (a veto player).
    pub blocks_everything: bool,
    /// Share of the coalitions that pass in which it is decisive, i.e. of passing decisions it
    /// could stop alone by switching its vote.
    pub decisive_share: f64,
    /// Fewest members (itself and the next largest) that together block every decision.
    pub smallest_blocking_coalition: usize,
}

/// The power table of one decision rule for a district.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    /// Rule book name.
    pub rules: String,
    /// Which decision (`decision` or the matter's name).
    pub decision: String,
    /// Summary of its quota.
    pub quota: String,
    /// Rows, in the order of the members.
    pub members: Vec<MemberPower>,
    /// A member that decides alone, if any.
    pub dictator: Option<usize>,
    /// Members that are never decisive. Under rounded weights ([`Scaling::is_exact`] false)
    /// only members proven dummies of the exact game: weight zero in a pure weight rule and no
    /// veto (a member whose weight merely rounds to zero is not called a dummy).
    pub dummies: Vec<usize>,
    /// Members whose power the rounded game leaves at zero without proving them dummies of the
    /// exact game (their weights are below the rounding unit); empty when weights are exact.
    pub unresolved: Vec<usize>,
    /// The most populous member.
    pub largest: LargestMember,
    /// Share of all coalitions that win (Coleman's power of the collectivity to act).
    pub p_win: f64,
    /// How the weights were represented in the DP.
    pub scaling: Scaling,
}

/// Assesses one decision of a rule book (`matter = None`: ordinary decisions).
pub fn assess(
    rules: &AssemblyRules,
    members: &[Member],
    matter: Option<&str>,
    which: Indices,
    opts: &PowerOptions,
) -> Result<Assessment, GovernError> {
    let rule = rules.rule_for(matter).ok_or_else(|| {
        let known: Vec<&str> = rules.matters.iter().map(|m| m.name.as_str()).collect();
        GovernError::Invalid(format!(
            "{}: no matter named {:?} (known: {})",
            rules.file,
            matter.unwrap_or_default(),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ))
    })?;
    let game = rules.game(members, rule)?;
    let vote_shares = rules.vote_shares(members)?;
    let mut a = assess_game(&game, members, &vote_shares, which, opts)?;
    a.rules = rules.name.clone();
    a.decision = rule.name.clone();
    a.quota = rule.summary();
    Ok(a)
}

/// Assesses an already built game.
pub fn assess_game(
    game: &Game,
    members: &[Member],
    vote_shares: &[f64],
    which: Indices,
    opts: &PowerOptions,
) -> Result<Assessment, GovernError> {
    let p = power(game, which, opts)?;
    let total_pop: u64 = members.iter().map(|m| m.population).sum();
    let rows: Vec<MemberPower> = members
        .iter()
        .enumerate()
        .map(|(i, m)| MemberPower {
            code: m.code.clone(),
            name: m.name.clone(),
            population: m.population,
            population_share: if total_pop > 0 {
                m.population as f64 / total_pop as f64
            } else {
                0.0
            },
            vote_share: vote_shares.get(i).copied().unwrap_or(0.0),
            banzhaf: clean(p.banzhaf[i]),
            shapley_shubik: p.shapley_shubik.as_ref().map(|s| clean(s[i])),
        })
        .collect();
    let dictator = (0..game.len()).find(|&i| is_dictator(game, i));
    let zero_power: Vec<usize> = (0..game.len())
        .filter(|&i| rows[i].banzhaf == 0.0)
        .collect();
    let (dummies, unresolved) = if p.scaling.is_exact() {
        (zero_power, Vec::new())
    } else {
        zero_power.into_iter().partition(|&i| proven_dummy(game, i))
    };
    let li = largest(members).unwrap_or(0);
    let largest = LargestMember {
        index: li,
        name: members.get(li).map(|m| m.name.clone()).unwrap_or_default(),
        blocks_everything: is_blocker(game, li),
        decisive_share: if p.p_win > 0.0 {
            (p.banzhaf_raw[li] / (2.0 * p.p_win)).min(1.0)
        } else {
            0.0
        },
        smallest_blocking_coalition: smallest_blocking(game, li),
    };
    Ok(Assessment {
        rules: String::new(),
        decision: String::new(),
        quota: String::new(),
        members: rows,
        dictator,
        dummies,
        unresolved,
        largest,
        p_win: p.p_win,
        scaling: p.scaling,
    })
}

/// A member is a dummy of the exact game when it adds nothing to any coalition: weight zero
/// under a rule that counts only weight, and no veto.
fn proven_dummy(game: &Game, i: usize) -> bool {
    game.weights[i] == 0
        && game.rule.min_members == 0
        && game.rule.members_always_win.is_none()
        && !game.veto.contains(&i)
}

fn clean(x: f64) -> f64 {
    if x.abs() < DUMMY_TOLERANCE {
        0.0
    } else {
        x
    }
}

fn wins_with(game: &Game, thr: &[Option<u64>], inside: &[bool]) -> bool {
    if game.veto.iter().any(|&v| !inside[v]) {
        return false;
    }
    let k = inside.iter().filter(|b| **b).count();
    let w: u64 = game
        .weights
        .iter()
        .zip(inside)
        .filter(|(_, b)| **b)
        .map(|(w, _)| w)
        .sum();
    thr[k].is_some_and(|t| w >= t)
}

/// Member `i` alone wins and the others together lose.
fn is_dictator(game: &Game, i: usize) -> bool {
    let thr = game.thresholds();
    let mut alone = vec![false; game.len()];
    alone[i] = true;
    let others: Vec<bool> = alone.iter().map(|b| !b).collect();
    wins_with(game, &thr, &alone) && !wins_with(game, &thr, &others)
}

/// All the others together lose without member `i`.
fn is_blocker(game: &Game, i: usize) -> bool {
    let thr = game.thresholds();
    let mut others = vec![true; game.len()];
    others[i] = false;
    !wins_with(game, &thr, &others)
}

/// Fewest members, `i` first and then the heaviest others, whose joint "no" stops everything.
fn smallest_blocking(game: &Game, i: usize) -> usize {
    let thr = game.thresholds();
    let n = game.len();
    let mut order: Vec<usize> = (0..n).filter(|&j| j != i).collect();
    // Veto holders first (each blocks alone), then by weight.
    order.sort_by(|&a, &b| {
        let va = game.veto.contains(&a);
        let vb = game.veto.contains(&b);
        vb.cmp(&va).then(game.weights[b].cmp(&game.weights[a]))
    });
    let mut inside = vec![true; n];
    inside[i] = false;
    if !wins_with(game, &thr, &inside) {
        return 1;
    }
    for (k, &j) in order.iter().enumerate() {
        inside[j] = false;
        if !wins_with(game, &thr, &inside) {
            return k + 2;
        }
    }
    n
}
