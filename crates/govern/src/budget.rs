//! Budget sharing: how a district's shared cost is split among its comuni, next to what each
//! pays today, after the regional incentive for the new district.

use crate::error::GovernError;
use crate::member::Member;
use serde::Serialize;

/// How the net cost is split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Allocation {
    /// In proportion to population.
    Population,
    /// In proportion to each comune's use of the shared services.
    ServiceUse,
    /// `population_weight` × population key + (1 − `population_weight`) × service-use key.
    Blend {
        /// Weight of the population key in [0, 1].
        population_weight: f64,
    },
    /// Every comune pays `floor`; the rest is split by population.
    FloorPerMember {
        /// Fixed amount per comune.
        floor: f64,
    },
}

/// An allocation written as text (the CLI's `--allocation`) is none of `population`, `use`,
/// `blend:W` or `floor:EUR`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected population, use, blend:W (0..1) or floor:EUR")]
pub struct ParseAllocationError;

impl std::str::FromStr for Allocation {
    type Err = ParseAllocationError;

    /// `population`, `use`, `blend:W` (W = weight of population) or `floor:EUR`; the values
    /// are checked by [`share_budget`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let number = |v: &str| v.parse::<f64>().map_err(|_| ParseAllocationError);
        Ok(match s.split_once(':') {
            None if s == "population" => Allocation::Population,
            None if s == "use" => Allocation::ServiceUse,
            Some(("blend", w)) => Allocation::Blend {
                population_weight: number(w)?,
            },
            Some(("floor", f)) => Allocation::FloorPerMember { floor: number(f)? },
            _ => return Err(ParseAllocationError),
        })
    }
}

/// Per-comune inputs beyond population (both optional).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct BudgetInput {
    /// Use of the shared services (any unit: cases, hours, users).
    pub service_use: Option<f64>,
    /// What the comune pays today for the same services.
    pub pays_today: Option<f64>,
}

/// One comune's line of the budget.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetLine {
    /// Municipality code.
    pub code: String,
    /// Municipality name.
    pub name: String,
    /// Share of the net cost.
    pub share: f64,
    /// Contribution (share × net cost).
    pub contribution: f64,
    /// What it pays today, when known.
    pub pays_today: Option<f64>,
    /// Contribution − pays today, when known (negative = saves).
    pub change: Option<f64>,
}

/// A district's budget split.
#[derive(Debug, Clone, Serialize)]
pub struct Budget {
    /// Shared cost per year.
    pub cost: f64,
    /// Incentive granted to the new district (e.g. DGR 7631: EUR 30,000 if merged by 30 June 2018).
    pub incentive: f64,
    /// Cost left to the comuni: `max(cost − incentive, 0)`.
    pub net_cost: f64,
    /// How it is split.
    pub allocation: Allocation,
    /// One line per comune.
    pub lines: Vec<BudgetLine>,
}

/// Splits `cost − incentive` among the members; `inputs[i]` belongs to `members[i]`.
pub fn share_budget(
    members: &[Member],
    inputs: &[BudgetInput],
    cost: f64,
    incentive: f64,
    allocation: Allocation,
) -> Result<Budget, GovernError> {
    if members.is_empty() {
        return Err(GovernError::Invalid("the district has no members".into()));
    }
    if !(cost.is_finite() && cost >= 0.0) {
        return Err(GovernError::Invalid(format!(
            "cost must be a non-negative amount, got {cost}"
        )));
    }
    if !(incentive.is_finite() && incentive >= 0.0) {
        return Err(GovernError::Invalid(format!(
            "incentive must be a non-negative amount, got {incentive}"
        )));
    }
    let net = (cost - incentive).max(0.0);
    let pop_key = key(&members
        .iter()
        .map(|m| m.population as f64)
        .collect::<Vec<_>>());
    let use_key = || -> Result<Vec<f64>, GovernError> {
        let mut v = Vec::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            match inputs.get(i).and_then(|x| x.service_use) {
                Some(u) if u.is_finite() && u >= 0.0 => v.push(u),
                Some(u) => {
                    return Err(GovernError::Invalid(format!(
                        "service use of {} ({}) must be a non-negative number, got {u}",
                        m.name, m.code
                    )))
                }
                None => {
                    return Err(GovernError::Invalid(format!(
                    "service use of {} ({}) is missing: every comune needs one for this allocation",
                    m.name, m.code
                )))
                }
            }
        }
        Ok(key(&v))
    };
    let shares: Vec<f64> = match allocation {
        Allocation::Population => pop_key.clone(),
        Allocation::ServiceUse => use_key()?,
        Allocation::Blend {
            population_weight: a,
        } => {
            if !(0.0..=1.0).contains(&a) {
                return Err(GovernError::Invalid(format!(
                    "blend weight must be in [0, 1], got {a}"
                )));
            }
            let u = use_key()?;
            pop_key
                .iter()
                .zip(&u)
                .map(|(p, s)| a * p + (1.0 - a) * s)
                .collect()
        }
        Allocation::FloorPerMember { floor } => {
            let n = members.len() as f64;
            if !(floor.is_finite() && floor >= 0.0) || floor * n > net {
                return Err(GovernError::Invalid(format!(
                    "a floor of {floor} per comune for {n} comuni exceeds the net cost {net}"
                )));
            }
            let rest = net - floor * n;
            pop_key
                .iter()
                .map(|p| {
                    if net > 0.0 {
                        (floor + p * rest) / net
                    } else {
                        1.0 / n
                    }
                })
                .collect()
        }
    };
    let lines = members
        .iter()
        .zip(&shares)
        .enumerate()
        .map(|(i, (m, s))| {
            let contribution = s * net;
            let pays_today = inputs.get(i).and_then(|x| x.pays_today);
            BudgetLine {
                code: m.code.clone(),
                name: m.name.clone(),
                share: *s,
                contribution,
                pays_today,
                change: pays_today.map(|t| contribution - t),
            }
        })
        .collect();
    Ok(Budget {
        cost,
        incentive,
        net_cost: net,
        allocation,
        lines,
    })
}

fn key(x: &[f64]) -> Vec<f64> {
    let t: f64 = x.iter().sum();
    if t > 0.0 {
        x.iter().map(|v| v / t).collect()
    } else {
        vec![1.0 / x.len() as f64; x.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocations_parse_from_their_flag_text() {
        assert_eq!("population".parse(), Ok(Allocation::Population));
        assert_eq!("use".parse(), Ok(Allocation::ServiceUse));
        assert_eq!(
            "blend:0.25".parse(),
            Ok(Allocation::Blend {
                population_weight: 0.25
            })
        );
        assert_eq!(
            "floor:500".parse(),
            Ok(Allocation::FloorPerMember { floor: 500.0 })
        );
        for bad in [
            "",
            "Population",
            "blend",
            "blend:x",
            "floor:",
            "share:1",
            "use:1",
        ] {
            assert_eq!(
                bad.parse::<Allocation>(),
                Err(ParseAllocationError),
                "{bad}"
            );
        }
    }

    #[test]
    fn floor_then_population() {
        let m = vec![Member::new("1", "A", 300), Member::new("2", "B", 100)];
        let b = share_budget(
            &m,
            &[],
            1000.0,
            200.0,
            Allocation::FloorPerMember { floor: 100.0 },
        )
        .unwrap();
        // net 800: each pays 100, the other 600 split 3:1 -> 550 and 250.
        assert!((b.lines[0].contribution - 550.0).abs() < 1e-9);
        assert!((b.lines[1].contribution - 250.0).abs() < 1e-9);
    }

    #[test]
    fn blend_and_change() {
        let m = vec![Member::new("1", "A", 300), Member::new("2", "B", 100)];
        let inp = [
            BudgetInput {
                service_use: Some(1.0),
                pays_today: Some(400.0),
            },
            BudgetInput {
                service_use: Some(3.0),
                pays_today: None,
            },
        ];
        let b = share_budget(
            &m,
            &inp,
            1000.0,
            0.0,
            Allocation::Blend {
                population_weight: 0.5,
            },
        )
        .unwrap();
        // shares: 0.5·0.75 + 0.5·0.25 = 0.5 each.
        assert!((b.lines[0].contribution - 500.0).abs() < 1e-9);
        assert_eq!(b.lines[0].change, Some(100.0));
        assert_eq!(b.lines[1].change, None);
        assert!(share_budget(&m, &[], 1000.0, 0.0, Allocation::ServiceUse).is_err());
    }
}
