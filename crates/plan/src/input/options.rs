//! The options of a plan or a check that are given as text or as files (`CLASS=N` thresholds,
//! linked pairs, the largest population, nesting), read and checked against the loaded units
//! once, so that the command line and the studio only hand them over.

use super::{BenchRule, Input, InputError};
use crate::{ExactOptions, Nesting, SearchOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `value` of option `flag` when it is finite and 0 or more; else an error naming the flag and
/// saying what it expects (`what`: "a number", "a number of seconds").
fn at_least_zero(flag: &str, value: f64, what: &str) -> Result<f64, InputError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(InputError::Invalid(format!(
            "{flag} {value}: expected {what}, 0 or more"
        )))
    }
}

/// A population threshold: a finite number above zero (the reason otherwise).
pub fn positive_number(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        Ok(_) => Err(format!("`{s}` must be a finite number above 0")),
        Err(_) => Err(format!("`{s}` is not a number")),
    }
}

impl BenchRule {
    /// A class threshold written `CLASS=N` (N a finite number above 0); the error names it.
    pub fn class_threshold(text: &str) -> Result<(String, f64), InputError> {
        let invalid =
            |why: String| InputError::Invalid(format!("--class-threshold `{text}`: {why}"));
        let (class, value) = text
            .split_once('=')
            .ok_or_else(|| invalid("expected CLASS=N".into()))?;
        let value = positive_number(value.trim()).map_err(invalid)?;
        Ok((class.trim().to_string(), value))
    }
}

/// Constraints on every district beyond the rule, in plain values: the largest population,
/// pairs of units that must or must not share a district (CSV files `code_a,code_b`) and how
/// districts respect the nesting areas.
#[derive(Debug, Clone, Default)]
pub struct Constraints {
    /// Largest district population.
    pub max_population: Option<f64>,
    /// Pairs of units that must share a district.
    pub must_link: Option<PathBuf>,
    /// Pairs of units that must not share a district.
    pub cannot_link: Option<PathBuf>,
    /// How districts respect the nesting areas (None: as loaded).
    pub nesting: Option<Nesting>,
}

impl Input {
    /// Applies `c`, reading its pair files (errors name file, line, field and value).
    pub fn constrain(&mut self, c: &Constraints) -> Result<(), InputError> {
        self.max_population = c.max_population;
        if let Some(p) = &c.must_link {
            self.must_link = self.load_pairs(p)?;
        }
        if let Some(p) = &c.cannot_link {
            self.cannot_link = self.load_pairs(p)?;
        }
        if let Some(n) = c.nesting {
            self.nesting = n;
        }
        Ok(())
    }

    /// Refuses a benchmark units file with no rows, and a class threshold naming a class no
    /// unit has (in the benchmark format a class's population is its component of the units'
    /// totals).
    pub(super) fn check_bench(&self, rule: &BenchRule, units: &Path) -> Result<(), InputError> {
        let k = 1 + rule.class_thresholds.len();
        for (s, (class, _)) in rule.class_thresholds.iter().enumerate() {
            if !(0..self.len()).any(|u| self.totals[u * k + 1 + s] > 0.0) {
                return Err(InputError::Invalid(format!(
                    "--class-threshold {class}=...: no unit of {} has class `{class}` (with any population)",
                    units.display()
                )));
            }
        }
        if self.is_empty() {
            return Err(InputError::Invalid(format!(
                "{}: no units (the file has a header and no rows)",
                units.display()
            )));
        }
        Ok(())
    }
}

impl std::str::FromStr for crate::MergeCost {
    type Err = String;

    /// `smaller` (the units of the smaller district) or a fixed non-negative number.
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "smaller" => Ok(Self::SmallerDistrict),
            v => v
                .parse()
                .ok()
                .filter(|c: &f64| c.is_finite() && *c >= 0.0)
                .map(Self::Fixed)
                .ok_or_else(|| "expected `smaller` or a non-negative number".to_string()),
        }
    }
}

impl Input {
    /// The tie-break when none is chosen: heterogeneity when attributes are given, else
    /// compactness.
    pub fn default_tiebreak(&self) -> crate::Tiebreak {
        if self.m > 0 {
            crate::Tiebreak::Heterogeneity
        } else {
            crate::Tiebreak::Compactness
        }
    }

    /// The agreement date incentives are priced for: `given`, else the policy's reference date
    /// (the last day of its full premium), else none (empty).
    pub fn incentive_date(&self, given: Option<&str>) -> String {
        given
            .or_else(|| {
                (self.policy.as_ref()).and_then(|p| p.file.policy.incentive_reference_date())
            })
            .unwrap_or_default()
            .to_string()
    }
}

/// Where units, contiguity and rules come from: a data folder with a policy, or the benchmark
/// format (`units.csv` + `edges.csv`) with thresholds; and the constraints on every district
/// (a clap flag group with the `clap` feature, shared by `ambit plan` and `ambit check`).
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "clap", derive(clap::Args))]
pub struct InputChoice {
    /// Data folder, policy and contiguity (ignored with --units/--edges).
    #[cfg_attr(feature = "clap", command(flatten))]
    pub data: ambit_territory::dataset::DataChoice,
    /// Units in the benchmark format: idx,id,x,y,pop,class,<attributes>,z_<attributes>.
    #[cfg_attr(feature = "clap", arg(long, value_name = "FILE", requires = "edges"))]
    pub units: Option<PathBuf>,
    /// Edges in the benchmark format: i,j,kind,border.
    #[cfg_attr(feature = "clap", arg(long, value_name = "FILE", requires = "units"))]
    pub edges: Option<PathBuf>,
    /// Minimum district population (benchmark format; the default class).
    #[cfg_attr(
        feature = "clap",
        arg(long, value_name = "N", value_parser = positive_number, allow_hyphen_values = true)
    )]
    pub threshold: Option<f64>,
    /// Class threshold (benchmark format): a district where more than half of the population
    /// lives in units of CLASS needs N. Repeatable; the first matching class wins.
    #[cfg_attr(
        feature = "clap",
        arg(long = "class-threshold", value_name = "CLASS=N")
    )]
    pub class_thresholds: Vec<String>,
    /// Attributes for heterogeneity (default: every z_ column of the benchmark format; none for a
    /// data folder). Data-folder attributes are standardised (z-scores).
    #[cfg_attr(
        feature = "clap",
        arg(long, value_delimiter = ',', value_name = "NAMES")
    )]
    pub attributes: Vec<String>,
    /// Municipality attribute naming the nesting area (e.g. province_code).
    #[cfg_attr(feature = "clap", arg(long, value_name = "COLUMN"))]
    pub nest_by: Option<String>,
    /// How districts respect the nesting areas.
    #[cfg_attr(feature = "clap", arg(long, value_enum, default_value_t = Nesting::Hard))]
    pub nesting: Nesting,
    /// Largest district population.
    #[cfg_attr(feature = "clap", arg(long, value_name = "N"))]
    pub max_population: Option<f64>,
    /// Pairs of units that must share a district (CSV code_a,code_b).
    #[cfg_attr(feature = "clap", arg(long, value_name = "FILE"))]
    pub must_link: Option<PathBuf>,
    /// Pairs of units that must not share a district (CSV code_a,code_b).
    #[cfg_attr(feature = "clap", arg(long, value_name = "FILE"))]
    pub cannot_link: Option<PathBuf>,
}

impl InputChoice {
    /// Loads the inputs chosen (the data folder defaults to `default_dir`), constrained;
    /// `loaded` sees a data folder as soon as it is read, before its policy is compiled.
    pub fn load(
        &self,
        default_dir: impl FnOnce() -> PathBuf,
        loaded: impl FnOnce(&ambit_territory::Dataset),
    ) -> Result<Input, InputError> {
        let mut input = match (&self.units, &self.edges) {
            (Some(u), Some(e)) => Input::from_bench(u, e, &self.bench_rule()?)?,
            (None, None) => {
                let dataset = self.data.load(default_dir)?;
                loaded(&dataset);
                let path = self.data.policy_path(&dataset)?;
                let file = ambit_rules::PolicyFile::load(&path)?;
                let policy = ambit_rules::CompiledPolicy::compile(file, &dataset.territory)?;
                Input::from_dataset(dataset, policy, &self.attributes, self.nest_by.as_deref())?
            }
            _ => {
                return Err(InputError::Invalid(
                    "give both --units FILE and --edges FILE (benchmark format), or neither".into(),
                ))
            }
        };
        input.constrain(&Constraints {
            max_population: self.max_population,
            must_link: self.must_link.clone(),
            cannot_link: self.cannot_link.clone(),
            nesting: self.nest_by.as_ref().map(|_| self.nesting),
        })?;
        Ok(input)
    }

    /// The thresholds of the benchmark format (`--threshold` is required there).
    fn bench_rule(&self) -> Result<BenchRule, InputError> {
        let Some(threshold) = self.threshold else {
            return Err(InputError::Invalid(
                "the benchmark format needs --threshold N".into(),
            ));
        };
        Ok(BenchRule {
            threshold,
            class_thresholds: (self.class_thresholds.iter())
                .map(|s| BenchRule::class_threshold(s))
                .collect::<Result<_, _>>()?,
            attributes: self.attributes.clone(),
        })
    }
}

/// The search options of max-districts as a command line gives them (a clap flag group with
/// the `clap` feature): tie-break, cut-edge weight, seed, starts, effort and time budget.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "clap", derive(clap::Args))]
pub struct SearchChoice {
    /// Tie-break (default: heterogeneity when attributes are given, else compactness).
    #[cfg_attr(feature = "clap", arg(long, value_enum))]
    pub tiebreak: Option<crate::Tiebreak>,
    /// Cost of one cut edge (a link between two districts) added to the tie-break objective,
    /// in its units: trades homogeneity (or border length) for fewer cut edges; 0: none.
    #[cfg_attr(feature = "clap", arg(long, value_name = "W", default_value_t = 0.0))]
    pub compactness_weight: f64,
    /// Random seed: equal seeds give equal plans (when no time limit cuts the search).
    #[cfg_attr(feature = "clap", arg(long, default_value_t = 1))]
    pub seed: u64,
    /// Independent starts, run in parallel (from 4,000 units x starts, only the best quarter of
    /// their constructions, at least 2, is improved).
    #[cfg_attr(feature = "clap", arg(long, default_value_t = SearchOptions::default().starts))]
    pub starts: usize,
    /// Neighbourhood regrowths per district and improved start (search effort; doubled at most
    /// when only the best constructions are improved).
    #[cfg_attr(
        feature = "clap",
        arg(long, default_value_t = SearchOptions::default().regrowths_per_region)
    )]
    pub effort: f64,
    /// Time budget in seconds; Ctrl-C also stops and keeps the best plan so far.
    #[cfg_attr(feature = "clap", arg(long, value_name = "SECONDS"))]
    pub time_limit: Option<f64>,
}

impl SearchChoice {
    /// The search options for `input` (its default tie-break unless one is chosen), with the
    /// exact solve `exact`; the cut-edge weight and the time limit must be 0 or more.
    pub fn options(
        &self,
        input: &Input,
        exact: Option<ExactOptions>,
    ) -> Result<SearchOptions, InputError> {
        let w = at_least_zero("--compactness-weight", self.compactness_weight, "a number")?;
        let time_limit = (self.time_limit)
            .map(|t| at_least_zero("--time-limit", t, "a number of seconds"))
            .transpose()?;
        Ok(SearchOptions {
            seed: self.seed,
            starts: self.starts,
            regrowths_per_region: self.effort,
            time_budget: time_limit.map(Duration::from_secs_f64),
            tiebreak: self.tiebreak.unwrap_or_else(|| input.default_tiebreak()),
            compactness_weight: w,
            exact,
            ..SearchOptions::default()
        })
    }
}

/// The exact solve after the search as a command line gives it (a clap flag group with the
/// `clap` feature).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "clap", derive(clap::Args))]
pub struct ExactChoice {
    /// Then solve exactly (MILP, CBC) from the search's plan: "optimal", or the best plan found
    /// and its bound; instances above --exact-max-units keep the search's plan and bound.
    #[cfg_attr(feature = "clap", arg(long))]
    pub exact: bool,
    /// Time limit of the exact solver, in seconds.
    #[cfg_attr(
        feature = "clap",
        arg(long, value_name = "SECONDS", default_value_t = 60.0)
    )]
    pub exact_time_limit: f64,
    /// Largest instance (units) handed to the exact solver.
    #[cfg_attr(feature = "clap", arg(long, value_name = "N", default_value_t = 600))]
    pub exact_max_units: usize,
}

impl ExactChoice {
    /// The exact solver's options when asked for (None otherwise); its time limit must be a
    /// number of seconds, 0 or more, even when unused.
    pub fn options(&self) -> Result<Option<ExactOptions>, InputError> {
        let t = at_least_zero(
            "--exact-time-limit",
            self.exact_time_limit,
            "a number of seconds",
        )?;
        Ok(self.exact.then(|| ExactOptions {
            time_limit: Duration::from_secs_f64(t),
            max_units: self.exact_max_units,
            ..ExactOptions::default()
        }))
    }
}

/// Checks a job's options against each other: min-change and locked districts need a baseline
/// map, an agreement date is ISO (`YYYY-MM-DD`); the errors name the command line's options.
pub fn check_job(
    objective: super::Objective,
    locked: &[String],
    baseline: bool,
    date: Option<&str>,
) -> Result<(), InputError> {
    let invalid = |m: String| Err(InputError::Invalid(m));
    if objective == super::Objective::MinChange && !baseline {
        return invalid("--objective min-change needs --baseline NAME|FILE".into());
    }
    if !locked.is_empty() && !baseline {
        return invalid("--lock needs --baseline".into());
    }
    match date.filter(|d| !ambit_rules::is_iso_date(d)) {
        Some(d) => invalid(format!("--date {d:?}: not an ISO date YYYY-MM-DD")),
        None => Ok(()),
    }
}

/// The merge cost of min-change written `smaller` or as a number; the error names
/// `--merge-cost`.
pub fn merge_cost(text: &str) -> Result<crate::MergeCost, InputError> {
    (text.parse()).map_err(|e| InputError::Invalid(format!("--merge-cost `{text}`: {e}")))
}
