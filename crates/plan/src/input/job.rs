//! The two planning jobs over an [`Input`]: as many compliant districts as possible (max-p), or
//! the fewest changes that make a baseline map compliant; with the summary lines and figures
//! both the command line and the studio print.

use super::{Input, InputError, Subset};
use crate::{
    diff, max_districts, min_change, Affinity, ChangeOptions, Control, DistrictSummary, Ensemble,
    Plan, PlanDiff, SearchOptions,
};
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;

/// What a planning job optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Objective {
    /// As many compliant districts as possible (max-p).
    MaxDistricts,
    /// Make a baseline map compliant with the fewest changes.
    MinChange,
}

/// A district map over an input's units: district names and the district of each unit
/// (`None`: not in the map).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    /// District names, sorted.
    pub names: Vec<String>,
    /// District index of each unit, in input order.
    pub labels: Vec<Option<u32>>,
}

impl Baseline {
    /// A map from `(unit index, district name)` pairs over `n` units.
    pub fn from_pairs(n: usize, pairs: Vec<(usize, String)>) -> Self {
        let mut names: Vec<String> = pairs.iter().map(|(_, d)| d.clone()).collect();
        names.sort();
        names.dedup();
        let id: HashMap<&str, u32> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i as u32))
            .collect();
        let mut labels = vec![None; n];
        for (i, d) in &pairs {
            if let Some(slot) = labels.get_mut(*i) {
                *slot = Some(id[d.as_str()]);
            }
        }
        Self { names, labels }
    }

    /// Units of the districts named in `locked`, as the problem's locks over `subset`.
    fn locks(&self, locked: &[String], subset: &Subset) -> Result<Vec<Option<u32>>, InputError> {
        let mut out = vec![None; subset.len()];
        for l in locked {
            let Some(id) = self.names.iter().position(|n| n == l) else {
                return Err(InputError::Invalid(format!(
                    "lock {l}: no such district in the baseline"
                )));
            };
            for (local, &g) in subset.global.iter().enumerate() {
                if self.labels[g] == Some(id as u32) {
                    out[local] = Some(id as u32);
                }
            }
        }
        Ok(out)
    }
}

/// Everything a planning job needs besides the input and the baseline.
#[derive(Debug, Clone)]
pub struct JobSpec {
    /// What to optimise.
    pub objective: Objective,
    /// Baseline districts kept exactly as they are.
    pub locked: Vec<String>,
    /// Search options of max-districts (seed, starts, effort, time budget, tie-break).
    pub search: SearchOptions,
    /// Exact number of districts (max-districts).
    pub districts: Option<usize>,
    /// Options of min-change (merge cost).
    pub change: ChangeOptions,
    /// Pairwise affinity scores (CSV `code_a,code_b,score`) for min-change.
    pub affinity: Option<PathBuf>,
}

impl Default for JobSpec {
    fn default() -> Self {
        Self {
            objective: Objective::MaxDistricts,
            locked: Vec::new(),
            search: SearchOptions::default(),
            districts: None,
            change: ChangeOptions::default(),
            affinity: None,
        }
    }
}

/// A finished plan, in the units of `subset`.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The units planned (all units for max-districts; the baseline's units for min-change).
    pub subset: Subset,
    /// District of each unit of the subset (local order).
    pub district_of: Vec<u32>,
    /// District names (`D01`..., `INFEASIBLE-k`, or the baseline's names for min-change).
    pub names: Vec<String>,
    /// Audit of each district (empty districts have `units == 0`).
    pub districts: Vec<DistrictSummary>,
    /// Baseline district of each unit of the subset, when a complete baseline was given.
    pub baseline: Option<Vec<u32>>,
    /// The plan against the baseline.
    pub diff: Option<PlanDiff>,
    /// Objective-specific figures (JSON, as written in plan.json's `result`).
    pub extra: serde_json::Value,
    /// The result in words, one line each.
    pub summary: Vec<String>,
    /// The search stopped early (time budget or cancellation): best plan so far.
    pub interrupted: bool,
}

impl Outcome {
    /// Districts with at least one unit.
    pub fn live(&self) -> impl Iterator<Item = &DistrictSummary> {
        self.districts.iter().filter(|d| d.units > 0)
    }

    /// Number of non-empty compliant districts.
    pub fn compliant(&self) -> usize {
        self.live().filter(|d| d.compliant).count()
    }

    /// `(unit index, district name)` of every planned unit.
    pub fn assignment(&self) -> impl Iterator<Item = (usize, &str)> {
        self.subset
            .global
            .iter()
            .zip(&self.district_of)
            .map(|(&g, &d)| (g, self.names[d as usize].as_str()))
    }

    /// Figures of every non-empty district (JSON), as plan.json and the studio list them.
    pub fn district_figures(&self) -> serde_json::Value {
        self.live()
            .map(|d| {
                json!({
                    "name": self.names[d.id as usize], "units": d.units,
                    "population": d.population, "class": d.class_name,
                    "threshold": d.threshold, "strict": d.strict, "compliant": d.compliant,
                })
            })
            .collect()
    }

    /// Units moved and districts formed by merger against the baseline (JSON; null without a
    /// complete baseline).
    pub fn diff_json(&self) -> serde_json::Value {
        let Some(d) = &self.diff else {
            return serde_json::Value::Null;
        };
        json!({
            "units_moved": d.moved.len(),
            "merged": d.merged.iter().map(|m| json!({
                "district": self.names[m.district as usize],
                "baseline": m.baseline.iter().map(|&b| self.names.get(b as usize).cloned()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "unchanged_districts": d.unchanged,
        })
    }

    /// The incentives the policy would pay on `date` (ISO) for the new districts formed by
    /// merger (JSON; null without a policy or a baseline).
    pub fn incentive(&self, input: &Input, date: &str) -> serde_json::Value {
        let (Some(rule), Some(diff)) = (input.policy.as_ref(), self.diff.as_ref()) else {
            return serde_json::Value::Null;
        };
        let merged = diff.merged.len();
        let items: Vec<serde_json::Value> = rule
            .file
            .policy
            .incentives
            .iter()
            .map(|i| {
                let per = i.amount_on(date);
                json!({
                    "name": i.name, "per_new_district": per, "currency": i.currency,
                    "new_districts": merged, "total": per * merged as f64,
                    "condition": i.condition,
                })
            })
            .collect();
        json!({ "date": date, "incentives": items })
    }
}

impl Input {
    /// `runs` independent max-districts plans over all units (run `i` with seed
    /// `spec.search.seed + i`, in parallel) and what they agree on. Locked districts need a
    /// baseline and are refused here.
    pub fn ensemble(
        &self,
        spec: &JobSpec,
        runs: usize,
        control: &Control,
    ) -> Result<Ensemble, InputError> {
        if !spec.locked.is_empty() {
            return Err(InputError::Invalid(
                "an ensemble plans every unit afresh: it does not take locked districts".into(),
            ));
        }
        if runs == 0 {
            return Err(InputError::Invalid(
                "an ensemble needs at least one plan".into(),
            ));
        }
        let mut pb = self.problem(&Subset::all(self.len()))?;
        if let Some(k) = spec.districts {
            pb = pb.with_district_count(k);
        }
        Ok(crate::ensemble(
            &pb,
            &*self.rule,
            &spec.search,
            runs,
            control,
        )?)
    }

    /// Runs a planning job. Max-districts needs no baseline (a complete one gives the diff and
    /// locks); min-change needs one and plans only its units. `control` cancels max-districts
    /// (the best plan so far is returned) and receives its progress.
    pub fn plan(
        &self,
        baseline: Option<&Baseline>,
        spec: &JobSpec,
        control: &Control,
    ) -> Result<Outcome, InputError> {
        match spec.objective {
            Objective::MaxDistricts => self.run_max(baseline, spec, control),
            Objective::MinChange => {
                let Some(b) = baseline else {
                    return Err(InputError::Invalid(
                        "min-change needs a baseline district map".into(),
                    ));
                };
                self.run_min_change(b, spec)
            }
        }
    }

    fn run_max(
        &self,
        baseline: Option<&Baseline>,
        spec: &JobSpec,
        control: &Control,
    ) -> Result<Outcome, InputError> {
        let subset = Subset::all(self.len());
        let mut pb = self.problem(&subset)?;
        if !spec.locked.is_empty() {
            let Some(b) = baseline else {
                return Err(InputError::Invalid(
                    "locking districts needs a baseline".into(),
                ));
            };
            pb = pb.with_locked(b.locks(&spec.locked, &subset)?)?;
        }
        if let Some(k) = spec.districts {
            pb = pb.with_district_count(k);
        }
        let opts: &SearchOptions = &spec.search;
        let mut plan: Plan = max_districts(&pb, &*self.rule, opts, control)?;
        let mut bound = crate::upper_bound(&pb, &*self.rule);
        let mut exact_line = None;
        let mut exact_json = serde_json::Value::Null;
        if let Some(ex) = &opts.exact {
            let out =
                crate::exact_max_districts_within(&pb, &*self.rule, plan, bound.value, ex, opts);
            exact_line = Some(out.describe());
            exact_json = json!({ "result": out.status, "bound": out.bound, "model": out.model });
            if let Some(model) = out.model {
                bound.tighten(
                    out.bound,
                    &format!("the exact solver ({})", model.describe()),
                );
            }
            plan = out.plan;
        }
        let infeasible_of: HashMap<u32, usize> = plan
            .infeasible
            .iter()
            .enumerate()
            .map(|(k, g)| (plan.district_of[g.units[0] as usize], k))
            .collect();
        let width = plan.districts.len().to_string().len().max(2);
        let names: Vec<String> = (0..plan.districts.len() as u32)
            .map(|d| match infeasible_of.get(&d) {
                Some(k) => format!("INFEASIBLE-{}", k + 1),
                None => format!("D{:0width$}", d + 1),
            })
            .collect();
        let het = if self.m > 0 {
            format!("; heterogeneity {:.4}", plan.heterogeneity)
        } else {
            String::new()
        };
        let weight = if opts.compactness_weight > 0.0 {
            format!(" (compactness weight {})", opts.compactness_weight)
        } else {
            String::new()
        };
        let mut summary = vec![format!(
            "{} compliant districts of {} ({} units){het}; border length {:.4}; {} cut edges{weight}",
            plan.compliant_count(),
            plan.districts.len(),
            self.len(),
            plan.border_length,
            plan.cut_edges
        )];
        summary.push(bound.headline(plan.compliant_count()));
        summary.extend(exact_line);
        summary.extend(bound.proof.iter().map(|l| format!("bound: {l}")));
        if self.areas.is_some() {
            summary.push(format!(
                "{} districts span more than one nesting area",
                plan.crossing_count()
            ));
        }
        for g in &plan.infeasible {
            let units: Vec<String> = g
                .units
                .iter()
                .map(|&u| format!("{} {}", self.codes[u as usize], self.names[u as usize]))
                .collect();
            summary.push(format!(
                "infeasible: {} unit(s), population {}, would need {}{}: {}; options: {}. Units: {}",
                g.units.len(),
                g.population,
                if g.requirement.strict {
                    "more than "
                } else {
                    "at least "
                },
                g.requirement.threshold,
                g.reason,
                g.reason.options(),
                units.join(", ")
            ));
        }
        summary.extend(plan.notes.iter().map(|n| format!("note: {n}")));
        if plan.interrupted {
            summary.push(format!(
                "stopped early (time limit or cancellation) after {} of {} starts: best plan so far",
                plan.starts_done, opts.starts
            ));
        }
        let base_flat = baseline.and_then(|b| {
            b.labels.iter().all(|d| d.is_some()).then(|| {
                b.labels
                    .iter()
                    .map(|d| d.unwrap_or(0))
                    .collect::<Vec<u32>>()
            })
        });
        let d = base_flat.as_ref().map(|b| diff(b, &plan.district_of));
        let extra = json!({
            "objective": "max-districts",
            "compliant_districts": plan.compliant_count(),
            "upper_bound": bound,
            "exact": exact_json,
            "heterogeneity": plan.heterogeneity,
            "border_length": plan.border_length,
            "cut_edges": plan.cut_edges,
            "compactness_weight": opts.compactness_weight,
            "infeasible": plan.infeasible,
            "notes": plan.notes,
            "starts_done": plan.starts_done,
            "interrupted": plan.interrupted,
            "seed": opts.seed,
        });
        Ok(Outcome {
            subset,
            district_of: plan.district_of,
            names,
            districts: plan.districts,
            baseline: base_flat,
            diff: d,
            extra,
            summary,
            interrupted: plan.interrupted,
        })
    }

    fn run_min_change(&self, baseline: &Baseline, spec: &JobSpec) -> Result<Outcome, InputError> {
        let (bnames, blabels) = (&baseline.names, &baseline.labels);
        // a partial baseline: only its units are in scope
        let subset = Subset::of(self.len(), |u| blabels[u].is_some());
        let mut pb = self.problem(&subset)?;
        let base: Vec<u32> = subset
            .global
            .iter()
            .map(|&g| blabels[g].unwrap_or(0))
            .collect();
        if !spec.locked.is_empty() {
            pb = pb.with_locked(baseline.locks(&spec.locked, &subset)?)?;
        }
        let mut affinity = Affinity::new();
        if let Some(p) = &spec.affinity {
            for (a, b, s) in self.load_scores(p, &subset)? {
                affinity.insert(a, b, s);
            }
        }
        let out = min_change(&pb, &*self.rule, &base, &affinity, &spec.change)?;
        let mut names = bnames.clone();
        while names.len() < out.districts.len() {
            // stray parts of split baseline districts
            let k = names.len();
            names.push(format!("part-{}", k + 1));
        }
        let unit = |u: u32| {
            let g = subset.global[u as usize];
            format!("{} {}", self.codes[g], self.names[g])
        };
        let mut summary = Vec::new();
        let before_bad = crate::summarize(&pb, &*self.rule, &base, bnames.len())
            .iter()
            .filter(|d| d.units > 0 && !d.compliant)
            .count();
        summary.push(format!(
            "baseline: {} districts, {} non-compliant; after: {} units moved, {} merges, {} non-compliant",
            bnames.len(),
            before_bad,
            out.units_moved,
            out.merges,
            out.unresolved.len()
        ));
        for c in &out.changes {
            match c {
                crate::Change::Transfer {
                    to,
                    units,
                    affinity,
                } => {
                    let moved: Vec<String> = units
                        .iter()
                        .map(|&(u, from)| format!("{} (from {})", unit(u), names[from as usize]))
                        .collect();
                    let d = &out.districts[*to as usize];
                    summary.push(format!(
                        "move into {}: {}; {} now has {} inhabitants ({}, needs {}{}); affinity {}",
                        names[*to as usize],
                        moved.join(", "),
                        names[*to as usize],
                        d.population,
                        d.class_name,
                        if d.strict { "more than " } else { "at least " },
                        d.threshold,
                        affinity
                    ));
                }
                crate::Change::Merge {
                    absorbed,
                    into,
                    affinity,
                } => summary.push(format!(
                    "merge {} into {}; affinity {}",
                    names[*absorbed as usize], names[*into as usize], affinity
                )),
            }
        }
        for u in &out.unresolved {
            summary.push(format!(
                "unresolved: {}: {}",
                names[u.district as usize], u.reason
            ));
        }
        let d = diff(&base, &out.district_of);
        let extra = json!({
            "objective": "min-change",
            "changes": out.changes,
            "unresolved": out.unresolved,
            "units_moved": out.units_moved,
            "merges": out.merges,
            "border_length": out.border_length,
            "scope_units": subset.len(),
        });
        Ok(Outcome {
            subset,
            district_of: out.district_of,
            names,
            districts: out.districts,
            baseline: Some(base),
            diff: Some(d),
            extra,
            summary,
            interrupted: false,
        })
    }
}
