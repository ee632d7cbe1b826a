//! Planner inputs from a region's data folder and policy, or from the language-neutral benchmark
//! format (`units.csv` + `edges.csv`), and the two planning jobs run over them ([`Input::plan`]).
//!
//! Shared by `ambit plan`, `ambit check` and the studio's optimiser runs, so a plan proposed on
//! the page is the plan the command line proposes with the same options. Needs the `dataset`
//! feature (it reads `ambit-territory` tables and compiles `ambit-rules` policies; the core of
//! the crate stays free of both).

mod check;
mod job;
mod options;

pub use check::Checked;
pub use job::{Baseline, JobSpec, Objective, Outcome};
pub use options::{
    check_job, merge_cost, positive_number, Constraints, ExactChoice, InputChoice, SearchChoice,
};

use crate::{
    Adjacency, ClassCondition, ClassFloor, ClassShareRule, ClassSpec, DistrictRule, Nesting,
    PlanError, Problem, Requirement, UniformThreshold,
};
use ambit_rules::CompiledPolicy;
use ambit_territory::table::Table;
use ambit_territory::{DataError, Dataset, DistrictMap, MunicipalityCode};
use std::collections::HashMap;
use std::path::Path;

/// Why planner inputs could not be built or a job could not run.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// A table, map or data folder is wrong (the message names file, line, field and value).
    #[error(transparent)]
    Data(#[from] DataError),
    /// The problem cannot be built or solved.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The policy cannot be read or compiled for the territory.
    #[error(transparent)]
    Policy(Box<ambit_rules::PolicyError>),
    /// An option or a value does not fit the inputs.
    #[error("{0}")]
    Invalid(String),
}

impl From<ambit_rules::PolicyError> for InputError {
    fn from(e: ambit_rules::PolicyError) -> Self {
        InputError::Policy(Box::new(e))
    }
}

/// A [`CompiledPolicy`] seen as a planner rule.
pub struct PolicyRule(pub CompiledPolicy);

impl DistrictRule for PolicyRule {
    fn totals_len(&self) -> usize {
        self.0.totals_len()
    }
    fn requirement(&self, totals: &[f64]) -> Requirement {
        let r = self.0.requirement(totals);
        Requirement {
            class: r.class,
            threshold: r.threshold,
            strict: r.strict,
        }
    }
    fn population(&self, totals: &[f64]) -> f64 {
        self.0.population(totals)
    }
    fn class_name(&self, class: usize) -> String {
        self.0
            .class_names()
            .get(class)
            .map(|s| s.to_string())
            .unwrap_or_else(|| format!("class {class}"))
    }
    fn class_floors(&self) -> Option<Vec<ClassFloor>> {
        let names = self.0.class_names();
        (0..names.len())
            .map(|i| {
                // the last class applies whenever no other does, even if its own rule fails
                let last = i + 1 == names.len();
                self.0
                    .class_floor(i)
                    .map(|(threshold, share_of)| ClassFloor {
                        name: names[i].to_string(),
                        threshold,
                        share_of: share_of.filter(|_| !last),
                    })
            })
            .collect()
    }
}

/// Thresholds of the benchmark format: a default and optional per-class ones.
#[derive(Debug, Clone, Default)]
pub struct BenchRule {
    /// Minimum district population (the default class).
    pub threshold: f64,
    /// `(class, threshold)`: a district where more than half of the population lives in units of
    /// the class needs the threshold; the first matching class wins.
    pub class_thresholds: Vec<(String, f64)>,
    /// Attribute columns for heterogeneity (empty: every `z_` column).
    pub attributes: Vec<String>,
}

/// Loaded units with everything a problem needs, before restriction to a subset.
pub struct Input {
    /// Unit codes.
    pub codes: Vec<String>,
    /// Unit names (the code when unknown).
    pub names: Vec<String>,
    /// Edges `(i, j, weight)`.
    pub edges: Vec<(usize, usize, f64)>,
    /// Row-major totals.
    pub totals: Vec<f64>,
    /// The rule.
    pub rule: Box<dyn DistrictRule + Send + Sync>,
    /// Standardised attributes, row-major.
    pub attrs: Vec<f64>,
    /// Attribute count.
    pub m: usize,
    /// Nesting area per unit, with area names.
    pub areas: Option<(Vec<u32>, Vec<String>)>,
    /// Nesting mode.
    pub nesting: Nesting,
    /// Max population.
    pub max_population: Option<f64>,
    /// Must-link pairs (indices).
    pub must_link: Vec<(usize, usize)>,
    /// Cannot-link pairs (indices).
    pub cannot_link: Vec<(usize, usize)>,
    /// The dataset, when loaded from a data folder.
    pub dataset: Option<Dataset>,
    /// The compiled policy, when the rule comes from one.
    pub policy: Option<CompiledPolicy>,
    index: HashMap<String, usize>,
}

impl Input {
    /// Units of a data folder under a compiled policy. `attributes` are municipality columns (or
    /// `population`, `area_km2`, `density`) standardised to z-scores for the heterogeneity
    /// tie-break; `nest_by` names the column of the nesting area (e.g. `province_code`), used
    /// once [`Input::nesting`] is set.
    pub fn from_dataset(
        ds: Dataset,
        policy: CompiledPolicy,
        attributes: &[String],
        nest_by: Option<&str>,
    ) -> Result<Self, InputError> {
        let t = &ds.territory;
        let n = t.len();
        if n == 0 {
            return Err(InputError::Invalid(
                "the data folder has no municipalities".into(),
            ));
        }
        let k = policy.totals_len();
        let mut totals = Vec::with_capacity(n * k);
        for i in 0..n {
            totals.extend_from_slice(policy.unit_totals(i));
        }
        let mut edges = Vec::new();
        for i in 0..n {
            for &j in ds.graph.neighbours(i) {
                if i < j {
                    edges.push((i, j, 1.0));
                }
            }
        }
        let ms = t.municipalities();
        let codes: Vec<String> = ms.iter().map(|m| m.code.as_str().to_string()).collect();
        let names = ms.iter().map(|m| m.name.clone()).collect();
        let m = attributes.len();
        let mut attrs = vec![0.0; n * m];
        for (c, name) in attributes.iter().enumerate() {
            let mut col = Vec::with_capacity(n);
            for mu in ms {
                let raw = match name.as_str() {
                    "population" => mu.population.to_string(),
                    "area_km2" => mu.area_km2.map(|x| x.to_string()).unwrap_or_default(),
                    "density" => mu.density().map(|x| x.to_string()).unwrap_or_default(),
                    _ => mu.attribute(name).unwrap_or("").to_string(),
                };
                let v: f64 = raw.trim().parse().map_err(|_| {
                    InputError::Invalid(format!(
                        "{}: line {}: attribute `{name}` of {} is `{raw}`, not a number",
                        t.source.display(),
                        mu.line,
                        mu.code.as_str()
                    ))
                })?;
                col.push(v);
            }
            for (i, z) in zscores(&col).into_iter().enumerate() {
                attrs[i * m + c] = z;
            }
        }
        let areas = match nest_by {
            Some(col) => {
                let mut ids: HashMap<String, u32> = HashMap::new();
                let mut names: Vec<String> = Vec::new();
                let mut area = Vec::with_capacity(n);
                for mu in ms {
                    let v = mu.attribute(col).ok_or_else(|| {
                        InputError::Invalid(format!(
                            "{}: no attribute `{col}` for nesting (columns are the municipalities table's)",
                            t.source.display()
                        ))
                    })?;
                    let id = *ids.entry(v.to_string()).or_insert_with(|| {
                        names.push(v.to_string());
                        (names.len() - 1) as u32
                    });
                    area.push(id);
                }
                Some((area, names))
            }
            None => None,
        };
        let index = code_index(&codes);
        Ok(Self {
            codes,
            names,
            edges,
            totals,
            rule: Box::new(PolicyRule(policy.clone())),
            policy: Some(policy),
            attrs,
            m,
            areas,
            nesting: Nesting::Ignore,
            max_population: None,
            must_link: Vec::new(),
            cannot_link: Vec::new(),
            dataset: Some(ds),
            index,
        })
    }

    /// Units and edges in the benchmark format: `units` has `idx,id,pop[,class][,attributes]`,
    /// `edges` has `i,j[,border]` (a positive border length weighs the edge, else 1).
    pub fn from_bench(
        units: &Path,
        edges_path: &Path,
        spec: &BenchRule,
    ) -> Result<Self, InputError> {
        let threshold = spec.threshold;
        let ut = Table::read(units)?;
        let (ci, cid, cpop) = (ut.column("idx")?, ut.column("id")?, ut.column("pop")?);
        let cclass = ut.optional_column("class");
        let n = ut.records.len();
        let attr_cols: Vec<usize> = if spec.attributes.is_empty() {
            ut.headers
                .iter()
                .enumerate()
                .filter(|(_, h)| h.starts_with("z_"))
                .map(|(i, _)| i)
                .collect()
        } else {
            spec.attributes
                .iter()
                .map(|h| ut.column(h))
                .collect::<Result<_, _>>()?
        };
        let specs = &spec.class_thresholds;
        let k = 1 + specs.len();
        let m = attr_cols.len();
        let mut codes = vec![String::new(); n];
        let mut totals = vec![0.0; n * k];
        let mut raw_attrs = vec![0.0; n * m];
        let mut seen = vec![false; n];
        for rec in &ut.records {
            let idx: usize = rec.fields[ci]
                .trim()
                .parse()
                .map_err(|_| ut.field_error(rec, ci, "not a unit index"))?;
            if idx >= n || seen[idx] {
                return Err(ut
                    .field_error(rec, ci, format!("index out of 0..{n} or repeated"))
                    .into());
            }
            seen[idx] = true;
            codes[idx] = rec.fields[cid].trim().to_string();
            let pop: f64 = rec.fields[cpop]
                .trim()
                .parse()
                .ok()
                .filter(|p: &f64| p.is_finite() && *p >= 0.0)
                .ok_or_else(|| ut.field_error(rec, cpop, "not a non-negative number"))?;
            totals[idx * k] = pop;
            if let Some(cc) = cclass {
                let class = rec.fields[cc].trim();
                for (s, (c, _)) in specs.iter().enumerate() {
                    if c == class {
                        totals[idx * k + 1 + s] = pop;
                    }
                }
            }
            for (c, &col) in attr_cols.iter().enumerate() {
                raw_attrs[idx * m + c] = rec.fields[col]
                    .trim()
                    .parse()
                    .ok()
                    .filter(|v: &f64| v.is_finite())
                    .ok_or_else(|| ut.field_error(rec, col, "not a number"))?;
            }
        }
        // the units table is no longer needed: free it before the (larger) edges table is read
        drop(ut);
        let et = Table::read(edges_path)?;
        let (ei, ej) = (et.column("i")?, et.column("j")?);
        let eb = et.optional_column("border");
        let mut edges = Vec::with_capacity(et.records.len());
        for rec in &et.records {
            let mut ends = [0usize; 2];
            for (x, c) in [ei, ej].into_iter().enumerate() {
                ends[x] = rec.fields[c]
                    .trim()
                    .parse()
                    .ok()
                    .filter(|&v: &usize| v < n)
                    .ok_or_else(|| et.field_error(rec, c, format!("not a unit index in 0..{n}")))?;
            }
            let w = eb
                .and_then(|c| rec.fields[c].trim().parse::<f64>().ok())
                .filter(|w| *w > 0.0)
                .unwrap_or(1.0);
            edges.push((ends[0], ends[1], w));
        }
        let rule: Box<dyn DistrictRule + Send + Sync> = if specs.is_empty() {
            Box::new(UniformThreshold { threshold })
        } else {
            Box::new(ClassShareRule {
                totals_len: k,
                classes: specs
                    .iter()
                    .enumerate()
                    .map(|(s, (c, v))| ClassSpec {
                        name: c.clone(),
                        condition: ClassCondition::PopulationShareAbove {
                            component: 1 + s,
                            share: 0.5,
                        },
                        threshold: *v,
                    })
                    .collect(),
                default_name: "standard".into(),
                default_threshold: threshold,
                strict: false,
            })
        };
        let index = code_index(&codes);
        let input = Self {
            names: codes.clone(),
            codes,
            edges,
            totals,
            rule,
            attrs: raw_attrs,
            m,
            areas: None,
            nesting: Nesting::Ignore,
            max_population: None,
            must_link: Vec::new(),
            cannot_link: Vec::new(),
            dataset: None,
            policy: None,
            index,
        };
        input.check_bench(spec, units)?;
        Ok(input)
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when there are no units.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Index of a unit code, re-keying old codes through the dataset when possible.
    pub fn index_of(&self, code: &str) -> Option<usize> {
        if let Some(&i) = self.index.get(code) {
            return Some(i);
        }
        let ds = self.dataset.as_ref()?;
        let c = MunicipalityCode::parse(code).ok()?;
        ds.territory.index_of(&c).or_else(|| {
            ds.territory
                .lost_zeros_hint(&c)
                .and_then(|h| ds.territory.index_of(&h))
        })
    }

    /// The units named in columns `cols` of a record of a pairs table.
    fn pair_ends(
        &self,
        t: &Table,
        rec: &ambit_territory::table::Record,
        cols: [usize; 2],
    ) -> Result<[usize; 2], InputError> {
        let mut ends = [0usize; 2];
        for (x, c) in cols.into_iter().enumerate() {
            ends[x] = self
                .index_of(rec.fields[c].trim())
                .ok_or_else(|| t.field_error(rec, c, "unknown unit code"))?;
        }
        Ok(ends)
    }

    /// Pairs of unit codes (CSV `code_a,code_b`) as unit indices.
    pub fn load_pairs(&self, path: &Path) -> Result<Vec<(usize, usize)>, InputError> {
        let t = Table::read(path)?;
        let (a, b) = (t.column("code_a")?, t.column("code_b")?);
        let mut out = Vec::new();
        for rec in &t.records {
            let ends = self.pair_ends(&t, rec, [a, b])?;
            out.push((ends[0], ends[1]));
        }
        Ok(out)
    }

    /// Pairwise scores (CSV `code_a,code_b,score`) as unit indices restricted to `subset`.
    pub fn load_scores(
        &self,
        path: &Path,
        subset: &Subset,
    ) -> Result<Vec<(u32, u32, f64)>, InputError> {
        let t = Table::read(path)?;
        let (a, b, s) = (t.column("code_a")?, t.column("code_b")?, t.column("score")?);
        let mut out = Vec::new();
        for rec in &t.records {
            let ends = self.pair_ends(&t, rec, [a, b])?;
            let score: f64 = rec.fields[s]
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| t.field_error(rec, s, "not a number"))?;
            if let (Some(x), Some(y)) = (subset.local(ends[0]), subset.local(ends[1])) {
                out.push((x as u32, y as u32, score));
            }
        }
        Ok(out)
    }

    /// The problem over the units of `subset` (all units when it is the identity).
    pub fn problem(&self, subset: &Subset) -> Result<Problem, InputError> {
        let k = self.rule.totals_len();
        let mut edges = Vec::new();
        for &(i, j, w) in &self.edges {
            if let (Some(a), Some(b)) = (subset.local(i), subset.local(j)) {
                edges.push((a, b, w));
            }
        }
        let n = subset.len();
        let graph = Adjacency::from_edges(n, &edges)?;
        let mut totals = Vec::with_capacity(n * k);
        let mut attrs = Vec::with_capacity(n * self.m);
        for &g in &subset.global {
            totals.extend_from_slice(&self.totals[g * k..(g + 1) * k]);
            attrs.extend_from_slice(&self.attrs[g * self.m..(g + 1) * self.m]);
        }
        let mut pb = Problem::new(graph, totals, k)?.with_attributes(attrs, self.m)?;
        if let Some((area, _)) = &self.areas {
            let a = subset.global.iter().map(|&g| area[g]).collect();
            pb = pb.with_nesting(a, self.nesting)?;
        }
        if let Some(mx) = self.max_population {
            pb = pb.with_max_population(mx);
        }
        let local_pairs = |pairs: &[(usize, usize)]| -> Vec<(usize, usize)> {
            pairs
                .iter()
                .filter_map(|&(a, b)| Some((subset.local(a)?, subset.local(b)?)))
                .collect()
        };
        if !self.must_link.is_empty() {
            pb = pb.with_must_link(&local_pairs(&self.must_link))?;
        }
        if !self.cannot_link.is_empty() {
            pb = pb.with_cannot_link(&local_pairs(&self.cannot_link))?;
        }
        Ok(pb)
    }

    /// Loads a district map (a map named in the dataset, or a CSV `code,district`) as a
    /// [`Baseline`], with the repair notices of the map's table.
    pub fn load_map(&self, name_or_path: &str) -> Result<(Baseline, Vec<String>), InputError> {
        let mut pairs: Vec<(usize, String)> = Vec::new();
        let mut notices = Vec::new();
        match &self.dataset {
            Some(ds) => {
                let map: DistrictMap = ds.district_map(name_or_path)?;
                notices.extend(map.notices.iter().map(|n| n.to_string()));
                for (code, d) in map.pairs() {
                    let i = ds.territory.index_of(code).ok_or_else(|| {
                        InputError::Invalid(format!(
                            "{name_or_path}: code {} unknown",
                            code.as_str()
                        ))
                    })?;
                    pairs.push((i, d.to_string()));
                }
            }
            None => {
                let t = Table::read(Path::new(name_or_path))?;
                let (c, d) = (t.column("code")?, t.column("district")?);
                let mut seen = vec![false; self.len()];
                for rec in &t.records {
                    let i = self
                        .index_of(rec.fields[c].trim())
                        .ok_or_else(|| t.field_error(rec, c, "unknown unit code"))?;
                    if seen[i] {
                        return Err(t.field_error(rec, c, "unit listed twice").into());
                    }
                    seen[i] = true;
                    let name = rec.fields[d].trim();
                    if name.is_empty() {
                        return Err(t.field_error(rec, d, "empty district name").into());
                    }
                    pairs.push((i, name.to_string()));
                }
            }
        }
        Ok((Baseline::from_pairs(self.len(), pairs), notices))
    }
}

/// A subset of units with global <-> local index maps.
#[derive(Debug, Clone)]
pub struct Subset {
    /// Global index of every local unit.
    pub global: Vec<usize>,
    local: Vec<u32>,
}

impl Subset {
    /// Every unit.
    pub fn all(n: usize) -> Self {
        Self {
            global: (0..n).collect(),
            local: (0..n as u32).collect(),
        }
    }

    /// The units for which `keep` holds, in order.
    pub fn of(n: usize, keep: impl Fn(usize) -> bool) -> Self {
        let global: Vec<usize> = (0..n).filter(|&i| keep(i)).collect();
        let mut local = vec![u32::MAX; n];
        for (l, &g) in global.iter().enumerate() {
            local[g] = l as u32;
        }
        Self { global, local }
    }

    /// Local index of global unit `g`, if inside.
    pub fn local(&self, g: usize) -> Option<usize> {
        match self.local.get(g) {
            Some(&l) if l != u32::MAX => Some(l as usize),
            _ => None,
        }
    }

    /// Number of units inside.
    pub fn len(&self) -> usize {
        self.global.len()
    }

    /// True when no unit is inside.
    pub fn is_empty(&self) -> bool {
        self.global.is_empty()
    }
}

/// Unit index by code.
fn code_index(codes: &[String]) -> HashMap<String, usize> {
    codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.clone(), i))
        .collect()
}

/// Z-scores with the population standard deviation (ddof 0), as the benchmark harness.
fn zscores(col: &[f64]) -> Vec<f64> {
    let n = col.len().max(1) as f64;
    let mean = col.iter().sum::<f64>() / n;
    let sd = (col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    let sd = if sd > 0.0 { sd } else { 1.0 };
    col.iter().map(|v| (v - mean) / sd).collect()
}
