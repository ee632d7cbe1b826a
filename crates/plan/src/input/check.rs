//! Checks of a whole plan (completeness, contiguity, thresholds, maximum population, nesting,
//! linked pairs) over an [`Input`], said in words with unit codes and district names, as
//! `ambit check` prints them and the studio shows them.

use super::{Baseline, Input, InputError, Subset};
use crate::{check_plan, CheckReport, Violation};

/// A checked plan: the library's report and its failures in words.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The units checked (all, or the plan's own with a partial check).
    pub subset: Subset,
    /// Figures per district and the violations, in the subset's local unit indices.
    pub report: CheckReport,
    /// Non-empty districts.
    pub districts: usize,
    /// Non-empty compliant districts.
    pub compliant: usize,
    /// One line per failure (`FAIL <check>: ...`), unassigned units gathered in one line.
    pub failures: Vec<String>,
}

impl Checked {
    /// Whether the plan passes every check.
    pub fn is_valid(&self) -> bool {
        self.report.is_valid()
    }
}

impl Input {
    /// Checks `plan` against the input's rule and constraints; with `partial`, only the units
    /// the plan lists must be placed.
    pub fn check(&self, plan: &Baseline, partial: bool) -> Result<Checked, InputError> {
        let labels = &plan.labels;
        let subset = if partial {
            Subset::of(self.len(), |u| labels[u].is_some())
        } else {
            Subset::all(self.len())
        };
        let pb = self.problem(&subset)?;
        let local: Vec<Option<u32>> = subset.global.iter().map(|&g| labels[g]).collect();
        let report = check_plan(&pb, &*self.rule, &local);
        let unit = |u: u32| {
            let g = subset.global[u as usize];
            format!("{} {}", self.codes[g], self.names[g])
        };
        let name = |d: u32| {
            plan.names
                .get(d as usize)
                .cloned()
                .unwrap_or_else(|| d.to_string())
        };
        let area = |a: u32| {
            self.areas
                .as_ref()
                .and_then(|(_, n)| n.get(a as usize).cloned())
                .unwrap_or_else(|| a.to_string())
        };
        let mut failures = Vec::new();
        let mut unassigned = Vec::new();
        for v in &report.violations {
            match v {
                Violation::Unassigned { unit: u } => unassigned.push(unit(*u)),
                Violation::Split { district, parts } => {
                    let ps: Vec<String> = parts
                        .iter()
                        .map(|p| {
                            let us: Vec<String> = p.iter().map(|&u| unit(u)).collect();
                            format!("[{}]", us.join(", "))
                        })
                        .collect();
                    failures.push(format!(
                        "FAIL contiguity: district {} falls into {} parts: {}",
                        name(*district),
                        parts.len(),
                        ps.join(" | ")
                    ));
                }
                Violation::BelowThreshold {
                    district,
                    population,
                    requirement,
                } => {
                    let class = report.districts[*district as usize].class_name.clone();
                    failures.push(format!(
                        "FAIL threshold: district {} has {} inhabitants, class {} needs {}{} (short by {})",
                        name(*district),
                        population,
                        class,
                        if requirement.strict { "more than " } else { "at least " },
                        requirement.threshold,
                        if requirement.strict {
                            (requirement.threshold - population).floor() + 1.0
                        } else {
                            (requirement.threshold - population).ceil()
                        }
                    ));
                }
                Violation::AboveMaximum {
                    district,
                    population,
                    maximum,
                } => failures.push(format!(
                    "FAIL maximum: district {} has {} inhabitants, above the maximum {}",
                    name(*district),
                    population,
                    maximum
                )),
                Violation::CrossesNesting { district, areas } => {
                    let a: Vec<String> = areas.iter().map(|&x| area(x)).collect();
                    failures.push(format!(
                        "FAIL nesting: district {} spans areas {}",
                        name(*district),
                        a.join(", ")
                    ));
                }
                Violation::CannotLink { district, a, b } => failures.push(format!(
                    "FAIL cannot-link: {} and {} share district {}",
                    unit(*a),
                    unit(*b),
                    name(*district)
                )),
                Violation::MustLink { a, b } => failures.push(format!(
                    "FAIL must-link: {} and {} are in different districts",
                    unit(*a),
                    unit(*b)
                )),
            }
        }
        if !unassigned.is_empty() {
            failures.push(format!(
                "FAIL completeness: {} units have no district: {}",
                unassigned.len(),
                unassigned.join(", ")
            ));
        }
        let live = report.districts.iter().filter(|d| d.units > 0);
        let districts = live.clone().count();
        let compliant = live.filter(|d| d.compliant).count();
        Ok(Checked {
            subset,
            report,
            districts,
            compliant,
            failures,
        })
    }
}
