//! Search a family of rules (weight exponent × quota × cap) for the one whose Banzhaf power is
//! closest to a target distribution, and report the trade-off with decisiveness.

use crate::error::GovernError;
use crate::game::{Game, WeightQuota, WinningRule};
use crate::member::{largest, Member};
use crate::power::{power, Indices, PowerOptions};
use crate::rules::{WeightBasis, WeightRule};
use crate::share::Share;
use serde::Serialize;

/// The power distribution a search aims at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Target {
    /// Power proportional to population.
    Population,
    /// Power proportional to the square root of population (Penrose's fair share for citizens).
    #[cfg_attr(feature = "clap", value(name = "sqrt"))]
    SqrtPopulation,
    /// Equal power for every member.
    Equal,
}

impl Target {
    /// Target shares of the members (sum 1).
    pub fn shares(self, members: &[Member]) -> Vec<f64> {
        let raw: Vec<f64> = members
            .iter()
            .map(|m| match self {
                Target::Population => m.population as f64,
                Target::SqrtPopulation => (m.population as f64).sqrt(),
                Target::Equal => 1.0,
            })
            .collect();
        let t: f64 = raw.iter().sum();
        raw.iter()
            .map(|x| if t > 0.0 { x / t } else { 0.0 })
            .collect()
    }
}

/// The family searched.
#[derive(Debug, Clone, Serialize)]
pub struct Family {
    /// Exponents of population (0 = equal votes, 0.5 = Penrose, 1 = proportional).
    pub exponents: Vec<f64>,
    /// Vote quotas.
    pub quotas: Vec<WeightQuota>,
    /// Caps on one member's vote share (`None` = no cap).
    pub caps: Vec<Option<Share>>,
}

impl Default for Family {
    fn default() -> Self {
        let s = |t: &str| Share::parse(t).unwrap_or(Share::HALF);
        Family {
            exponents: vec![0.0, 0.25, 0.5, 0.75, 1.0],
            quotas: vec![
                WeightQuota::MoreThan(Share::HALF),
                WeightQuota::AtLeast(s("0.6")),
                WeightQuota::AtLeast(s("2/3")),
                WeightQuota::AtLeast(s("0.75")),
            ],
            caps: vec![
                None,
                Some(s("0.5")),
                Some(s("0.4")),
                Some(s("0.3")),
                Some(s("0.2")),
            ],
        }
    }
}

/// One rule of the family and how it scores.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// Exponent of population.
    pub exponent: f64,
    /// Vote quota.
    pub quota: WeightQuota,
    /// Cap on one member's vote share.
    pub cap: Option<Share>,
    /// Euclidean distance between normalised Banzhaf power and the target shares.
    pub distance: f64,
    /// Largest gap between one member's power and its target share.
    pub max_gap: f64,
    /// Share of coalitions that win (how easily the assembly can act).
    pub p_win: f64,
    /// Banzhaf power of the largest member.
    pub largest_power: f64,
    /// Banzhaf power of the smallest member.
    pub smallest_power: f64,
}

/// Evaluates every rule of the family; `progress(done, total)` returning `false` stops early
/// (the candidates evaluated so far are returned). Sorted by distance, best first.
pub fn search(
    members: &[Member],
    family: &Family,
    target: Target,
    opts: &PowerOptions,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<Candidate>, GovernError> {
    let want = target.shares(members);
    let li = largest(members).unwrap_or(0);
    let si = members
        .iter()
        .enumerate()
        .min_by_key(|(_, m)| m.population)
        .map(|(i, _)| i)
        .unwrap_or(0);
    let mut grid = Vec::new();
    for &e in &family.exponents {
        for &q in &family.quotas {
            for &c in &family.caps {
                // Caps do nothing to equal votes: evaluate that rule once.
                if e == 0.0 && c.is_some() {
                    continue;
                }
                grid.push((e, q, c));
            }
        }
    }
    let total = grid.len();
    let mut out = Vec::with_capacity(total);
    for (done, (e, q, c)) in grid.into_iter().enumerate() {
        if !progress(done, total) {
            break;
        }
        let wr = WeightRule {
            basis: if e == 0.0 {
                WeightBasis::Equal
            } else {
                WeightBasis::Power(e)
            },
            seats: None,
            min_seats: 0,
            cap_share: c,
            floor_share: None,
            lines: Default::default(),
        };
        if let Some(cap) = c {
            // A cap above every member's uncapped share changes nothing: skip the duplicate.
            let t: f64 = members.iter().map(|m| (m.population as f64).powf(e)).sum();
            let top = members
                .iter()
                .map(|m| (m.population as f64).powf(e))
                .fold(0.0, f64::max);
            if t > 0.0 && top / t <= cap.as_f64() {
                continue;
            }
        }
        let weights = match wr.apply(members, "search") {
            Ok(w) => w,
            Err(_) => continue, // a cap that cannot hold for this many members
        };
        let game = Game::new(weights, WinningRule::weighted(q));
        let p = power(&game, Indices::Banzhaf, opts)?;
        let gaps: Vec<f64> = p.banzhaf.iter().zip(&want).map(|(a, b)| a - b).collect();
        out.push(Candidate {
            exponent: e,
            quota: q,
            cap: c,
            distance: gaps.iter().map(|g| g * g).sum::<f64>().sqrt(),
            max_gap: gaps.iter().fold(0.0f64, |m, g| m.max(g.abs())),
            p_win: p.p_win,
            largest_power: p.banzhaf[li],
            smallest_power: p.banzhaf[si],
        });
    }
    progress(total, total);
    out.sort_by(|a, b| a.distance.total_cmp(&b.distance));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_target_prefers_equal_votes() {
        let members: Vec<Member> = [900u64, 400, 300, 200, 100]
            .iter()
            .enumerate()
            .map(|(i, p)| Member::new(i.to_string(), format!("m{i}"), *p))
            .collect();
        let c = search(
            &members,
            &Family::default(),
            Target::Equal,
            &PowerOptions::default(),
            &mut |_, _| true,
        )
        .unwrap();
        // One member one vote gives everyone 1/5 exactly under any quota.
        assert_eq!(c[0].exponent, 0.0);
        assert!(c[0].distance < 1e-12);
        // Caps that do not bind are not evaluated twice.
        assert!(c.iter().all(|x| x.cap.is_none() || x.exponent > 0.0));
        let stopped = search(
            &members,
            &Family::default(),
            Target::Equal,
            &PowerOptions::default(),
            &mut |d, _| d < 3,
        )
        .unwrap();
        assert_eq!(stopped.len(), 3);
    }
}
