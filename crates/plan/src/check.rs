//! Validation of any plan: completeness, contiguity, thresholds, maximum population, nesting and
//! linked pairs, each failure naming the district and units at fault.

use serde::Serialize;

use crate::plan::{summarize, DistrictSummary};
use crate::problem::{Nesting, Problem};
use crate::rule::{DistrictRule, Requirement};

/// One way a plan fails.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Violation {
    /// A unit has no district.
    Unassigned {
        /// The unit.
        unit: u32,
    },
    /// A district is not contiguous: its members fall into several parts.
    Split {
        /// The district.
        district: u32,
        /// Units of every part, largest part first.
        parts: Vec<Vec<u32>>,
    },
    /// A district is below the threshold of its class.
    BelowThreshold {
        /// The district.
        district: u32,
        /// Its population.
        population: f64,
        /// Its class requirement.
        requirement: Requirement,
    },
    /// A district is above the maximum population.
    AboveMaximum {
        /// The district.
        district: u32,
        /// Its population.
        population: f64,
        /// The maximum.
        maximum: f64,
    },
    /// A district spans several nesting areas under hard nesting.
    CrossesNesting {
        /// The district.
        district: u32,
        /// The areas it touches.
        areas: Vec<u32>,
    },
    /// Two units that must not share a district do.
    CannotLink {
        /// The district.
        district: u32,
        /// First unit.
        a: u32,
        /// Second unit.
        b: u32,
    },
    /// Two units that must share a district do not.
    MustLink {
        /// First unit.
        a: u32,
        /// Second unit.
        b: u32,
    },
}

/// The outcome of a check: per-district figures and every violation found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Figures per district id `0..count`.
    pub districts: Vec<DistrictSummary>,
    /// Violations, by kind then district.
    pub violations: Vec<Violation>,
}

impl CheckReport {
    /// Whether the plan passes every check.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Checks a labelling (`None` = unit without district; districts numbered `0..count`).
pub fn check_plan(pb: &Problem, rule: &dyn DistrictRule, labels: &[Option<u32>]) -> CheckReport {
    let n = pb.len();
    let mut violations = Vec::new();
    for (u, l) in labels.iter().enumerate().take(n) {
        if l.is_none() {
            violations.push(Violation::Unassigned { unit: u as u32 });
        }
    }
    let count = labels
        .iter()
        .flatten()
        .map(|&d| d as usize + 1)
        .max()
        .unwrap_or(0);
    // unassigned units get a sentinel district that is never reported
    let flat: Vec<u32> = labels.iter().map(|l| l.unwrap_or(count as u32)).collect();
    let districts = summarize(pb, rule, &flat, count);

    // contiguity: components of each district's induced subgraph
    let comp = pb.graph.components_within(&flat);
    let mut parts: Vec<Vec<Vec<u32>>> = vec![Vec::new(); count];
    for u in 0..n {
        let d = flat[u] as usize;
        if d >= count {
            continue;
        }
        let c = comp[u] as usize;
        if parts[d].len() <= c {
            parts[d].resize(c + 1, Vec::new());
        }
        parts[d][c].push(u as u32);
    }
    for (d, mut ps) in parts.into_iter().enumerate() {
        if ps.len() > 1 {
            ps.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
            violations.push(Violation::Split {
                district: d as u32,
                parts: ps,
            });
        }
    }
    for s in &districts {
        if s.units == 0 {
            continue;
        }
        let req = Requirement {
            class: s.class,
            threshold: s.threshold,
            strict: s.strict,
        };
        if !req.is_met_by(s.population) {
            violations.push(Violation::BelowThreshold {
                district: s.id,
                population: s.population,
                requirement: req,
            });
        }
        if let Some(mx) = pb.max_population {
            if s.population > mx {
                violations.push(Violation::AboveMaximum {
                    district: s.id,
                    population: s.population,
                    maximum: mx,
                });
            }
        }
        if pb.nesting == Nesting::Hard && s.areas.len() > 1 {
            violations.push(Violation::CrossesNesting {
                district: s.id,
                areas: s.areas.clone(),
            });
        }
    }
    for u in 0..n {
        for &v in pb.conflicts(u) {
            if (u as u32) < v && flat[u] == flat[v as usize] && (flat[u] as usize) < count {
                violations.push(Violation::CannotLink {
                    district: flat[u],
                    a: u as u32,
                    b: v,
                });
            }
        }
    }
    for g in pb.must_link_groups() {
        let first = g[0];
        for &v in &g[1..] {
            if flat[first as usize] != flat[v as usize] || labels[v as usize].is_none() {
                violations.push(Violation::MustLink { a: first, b: v });
            }
        }
    }
    CheckReport {
        districts,
        violations,
    }
}
