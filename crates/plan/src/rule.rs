//! How a district's class and minimum population follow from its members' summed totals.

use serde::{Deserialize, Serialize};

/// The requirement a district must meet, given its class.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// Index of the district class (meaning defined by the rule).
    pub class: usize,
    /// Minimum population.
    pub threshold: f64,
    /// Strict (`population > threshold`) or inclusive (`population >= threshold`).
    pub strict: bool,
}

impl Requirement {
    /// Whether `population` meets this requirement.
    pub fn is_met_by(&self, population: f64) -> bool {
        if self.strict {
            population > self.threshold
        } else {
            population >= self.threshold
        }
    }
}

/// How a district's class and minimum population follow from its members' summed totals.
///
/// Totals are additive per unit (population, population living in mountain units, area, ...);
/// a district's totals are the sums over its members.
pub trait DistrictRule: Sync {
    /// Length of every totals vector.
    fn totals_len(&self) -> usize;
    /// Class, threshold and strictness for a district with these totals.
    fn requirement(&self, totals: &[f64]) -> Requirement;
    /// Population of a district with these totals.
    fn population(&self, totals: &[f64]) -> f64;
    /// Name of class `class`, for reports.
    fn class_name(&self, class: usize) -> String {
        format!("class {class}")
    }
    /// Whether a district with these totals meets its requirement.
    fn is_compliant(&self, totals: &[f64]) -> bool {
        self.requirement(totals).is_met_by(self.population(totals))
    }
    /// What every class provably demands of a district, for [`crate::upper_bound`]; `None` when
    /// the rule cannot say (thresholds given by formulas), which leaves only a trivial bound.
    fn class_floors(&self) -> Option<Vec<ClassFloor>> {
        None
    }
}

/// What a district of one class provably needs, as used by the upper bound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassFloor {
    /// Class name.
    pub name: String,
    /// Least population a district of the class must reach (strict or not).
    pub threshold: f64,
    /// `Some((component, share))` when a district of the class has more than `share` of its
    /// population in totals component `component` (the qualifying units' population).
    pub share_of: Option<(usize, f64)>,
}

/// One threshold for every district; totals are `[population]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UniformThreshold {
    /// Minimum population (inclusive).
    pub threshold: f64,
}

impl DistrictRule for UniformThreshold {
    fn totals_len(&self) -> usize {
        1
    }
    fn requirement(&self, _totals: &[f64]) -> Requirement {
        Requirement {
            class: 0,
            threshold: self.threshold,
            strict: false,
        }
    }
    fn population(&self, totals: &[f64]) -> f64 {
        totals[0]
    }
    fn class_name(&self, _class: usize) -> String {
        "standard".to_string()
    }
    fn class_floors(&self) -> Option<Vec<ClassFloor>> {
        Some(vec![ClassFloor {
            name: "standard".to_string(),
            threshold: self.threshold,
            share_of: None,
        }])
    }
}

/// Condition under which a district takes a class of a [`ClassShareRule`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ClassCondition {
    /// More than `share` of the population lives in units counted in totals component `component`.
    PopulationShareAbove {
        /// Totals component holding the population of the qualifying units.
        component: usize,
        /// Share in [0, 1] that must be exceeded.
        share: f64,
    },
    /// Population per unit of area (area in totals component `area_component`) above `density`.
    DensityAbove {
        /// Totals component holding the area.
        area_component: usize,
        /// Density that must be exceeded.
        density: f64,
    },
}

/// A district class of a [`ClassShareRule`]: its name, when it applies and its threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassSpec {
    /// Name for reports (e.g. `mountain`).
    pub name: String,
    /// When a district takes this class.
    pub condition: ClassCondition,
    /// Minimum population of a district of this class.
    pub threshold: f64,
}

/// Classes checked in order (first match wins), else a default class; totals component 0 is the
/// population. Example after l.r. 33/2009 art. 7-bis as amended by l.r. 23/2015 (Lombardy):
/// mountain by population majority -> 25,000; high density -> 120,000; otherwise 80,000.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassShareRule {
    /// Number of totals components.
    pub totals_len: usize,
    /// Classes tried in order.
    pub classes: Vec<ClassSpec>,
    /// Name of the default class.
    pub default_name: String,
    /// Threshold of the default class.
    pub default_threshold: f64,
    /// Whether thresholds are strict (`>`) rather than inclusive (`>=`).
    pub strict: bool,
}

impl DistrictRule for ClassShareRule {
    fn totals_len(&self) -> usize {
        self.totals_len
    }
    fn requirement(&self, totals: &[f64]) -> Requirement {
        let pop = totals[0];
        for (k, c) in self.classes.iter().enumerate() {
            let hit = match c.condition {
                ClassCondition::PopulationShareAbove { component, share } => {
                    pop > 0.0 && totals[component] > share * pop
                }
                ClassCondition::DensityAbove {
                    area_component,
                    density,
                } => totals[area_component] > 0.0 && pop / totals[area_component] > density,
            };
            if hit {
                return Requirement {
                    class: k,
                    threshold: c.threshold,
                    strict: self.strict,
                };
            }
        }
        Requirement {
            class: self.classes.len(),
            threshold: self.default_threshold,
            strict: self.strict,
        }
    }
    fn population(&self, totals: &[f64]) -> f64 {
        totals[0]
    }
    fn class_name(&self, class: usize) -> String {
        self.classes
            .get(class)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| self.default_name.clone())
    }
    fn class_floors(&self) -> Option<Vec<ClassFloor>> {
        let mut out: Vec<ClassFloor> = self
            .classes
            .iter()
            .map(|c| ClassFloor {
                name: c.name.clone(),
                threshold: c.threshold,
                share_of: match c.condition {
                    ClassCondition::PopulationShareAbove { component, share } => {
                        Some((component, share))
                    }
                    ClassCondition::DensityAbove { .. } => None,
                },
            })
            .collect();
        out.push(ClassFloor {
            name: self.default_name.clone(),
            threshold: self.default_threshold,
            share_of: None,
        });
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lombardy_like() -> ClassShareRule {
        // totals: [population, population in mountain units, area km2]
        ClassShareRule {
            totals_len: 3,
            classes: vec![
                ClassSpec {
                    name: "mountain".into(),
                    condition: ClassCondition::PopulationShareAbove {
                        component: 1,
                        share: 0.5,
                    },
                    threshold: 25_000.0,
                },
                ClassSpec {
                    name: "dense".into(),
                    condition: ClassCondition::DensityAbove {
                        area_component: 2,
                        density: 1_500.0,
                    },
                    threshold: 120_000.0,
                },
            ],
            default_name: "standard".into(),
            default_threshold: 80_000.0,
            strict: false,
        }
    }

    #[test]
    fn class_follows_members() {
        let r = lombardy_like();
        // 30,000 inhabitants, 20,000 of them in mountain units: mountain, 25,000 suffices
        let t = [30_000.0, 20_000.0, 400.0];
        assert_eq!(r.requirement(&t).class, 0);
        assert!(r.is_compliant(&t));
        // exactly half in mountain units is not a majority: standard, 80,000 needed
        let t = [30_000.0, 15_000.0, 400.0];
        assert_eq!(r.requirement(&t).threshold, 80_000.0);
        assert!(!r.is_compliant(&t));
        // 100,000 on 50 km2 = 2,000 / km2: dense, under 120,000
        let t = [100_000.0, 0.0, 50.0];
        assert_eq!(r.class_name(r.requirement(&t).class), "dense");
        assert!(!r.is_compliant(&t));
    }

    #[test]
    fn strictness() {
        let q = Requirement {
            class: 0,
            threshold: 10.0,
            strict: true,
        };
        assert!(!q.is_met_by(10.0));
        assert!(q.is_met_by(10.5));
        let q = Requirement { strict: false, ..q };
        assert!(q.is_met_by(10.0));
    }
}
