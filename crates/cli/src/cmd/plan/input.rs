//! Inputs shared by `ambit plan` and `ambit check`: a data folder with a policy, or the
//! language-neutral benchmark format (units.csv + edges.csv) with a threshold.

use ambit_plan::input::BenchRule;
pub use ambit_plan::input::{Baseline, Input};
use ambit_plan::Nesting;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// How districts must respect the nesting areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NestingMode {
    /// No nesting.
    None,
    /// Every district inside one area.
    Hard,
    /// Inside one area unless the area cannot stand alone.
    Soft,
}

/// Where units, contiguity and rules come from.
#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// Data folder, policy and contiguity (ignored with --units/--edges).
    #[command(flatten)]
    pub data: crate::common::DataArgs,
    /// Units in the benchmark format: idx,id,x,y,pop,class,<attributes>,z_<attributes>.
    #[arg(long, value_name = "FILE", requires = "edges")]
    pub units: Option<PathBuf>,
    /// Edges in the benchmark format: i,j,kind,border.
    #[arg(long, value_name = "FILE", requires = "units")]
    pub edges: Option<PathBuf>,
    /// Minimum district population (benchmark format; the default class).
    #[arg(long, value_name = "N", value_parser = positive_number, allow_hyphen_values = true)]
    pub threshold: Option<f64>,
    /// Class threshold (benchmark format): a district where more than half of the population
    /// lives in units of CLASS needs N. Repeatable; the first matching class wins.
    #[arg(long = "class-threshold", value_name = "CLASS=N")]
    pub class_thresholds: Vec<String>,
    /// Attributes for heterogeneity (default: every z_ column of the benchmark format; none for a
    /// data folder). Data-folder attributes are standardised (z-scores).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub attributes: Vec<String>,
    /// Municipality attribute naming the nesting area (e.g. province_code).
    #[arg(long, value_name = "COLUMN")]
    pub nest_by: Option<String>,
    /// How districts respect the nesting areas.
    #[arg(long, value_enum, default_value_t = NestingMode::Hard)]
    pub nesting: NestingMode,
    /// Largest district population.
    #[arg(long, value_name = "N")]
    pub max_population: Option<f64>,
    /// Pairs of units that must share a district (CSV code_a,code_b).
    #[arg(long, value_name = "FILE")]
    pub must_link: Option<PathBuf>,
    /// Pairs of units that must not share a district (CSV code_a,code_b).
    #[arg(long, value_name = "FILE")]
    pub cannot_link: Option<PathBuf>,
}

/// Loads the inputs named by the flags.
pub fn load(a: &InputArgs) -> Result<Input> {
    let mut input = match (&a.units, &a.edges) {
        (Some(u), Some(e)) => {
            let Some(threshold) = a.threshold else {
                bail!("the benchmark format needs --threshold N");
            };
            let mut class_thresholds = Vec::new();
            for s in &a.class_thresholds {
                let (c, v) = s
                    .split_once('=')
                    .with_context(|| format!("--class-threshold `{s}`: expected CLASS=N"))?;
                let v = positive_number(v.trim())
                    .map_err(|e| anyhow::anyhow!("--class-threshold `{s}`: {e}"))?;
                class_thresholds.push((c.trim().to_string(), v));
            }
            let rule = BenchRule {
                threshold,
                class_thresholds,
                attributes: a.attributes.clone(),
            };
            let input = Input::from_bench(u, e, &rule)?;
            refuse_unknown_classes(&input, &rule, u)?;
            input
        }
        (None, None) => {
            let crate::common::Loaded { dataset, policy } = a.data.load()?;
            Input::from_dataset(dataset, policy, &a.attributes, a.nest_by.as_deref())?
        }
        _ => bail!("give both --units FILE and --edges FILE (benchmark format), or neither"),
    };
    if input.is_empty() {
        match &a.units {
            Some(u) => bail!(
                "{}: no units (the file has a header and no rows)",
                u.display()
            ),
            None => bail!("the data folder has no municipalities"),
        }
    }
    input.max_population = a.max_population;
    if let Some(p) = &a.must_link {
        input.must_link = input.load_pairs(p)?;
    }
    if let Some(p) = &a.cannot_link {
        input.cannot_link = input.load_pairs(p)?;
    }
    if a.nest_by.is_some() {
        input.nesting = match a.nesting {
            NestingMode::None => Nesting::Ignore,
            NestingMode::Hard => Nesting::Hard,
            NestingMode::Soft => Nesting::Soft,
        };
    }
    Ok(input)
}

/// Loads a district map (a dataset map name or a CSV `code,district`), printing its notices.
pub fn load_map(input: &Input, name_or_path: &str) -> Result<Baseline> {
    let (map, notices) = input.load_map(name_or_path)?;
    for n in notices {
        eprintln!("notice: {n}");
    }
    Ok(map)
}

/// A population threshold: a finite number above zero.
pub fn positive_number(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        Ok(_) => Err(format!("`{s}` must be a finite number above 0")),
        Err(_) => Err(format!("`{s}` is not a number")),
    }
}

/// Refuses a `--class-threshold` naming a class no unit of the units file has (in the
/// benchmark format a class's population is its component of the units' totals).
fn refuse_unknown_classes(input: &Input, rule: &BenchRule, units: &Path) -> Result<()> {
    let k = 1 + rule.class_thresholds.len();
    for (s, (class, _)) in rule.class_thresholds.iter().enumerate() {
        let present = (0..input.len()).any(|u| input.totals[u * k + 1 + s] > 0.0);
        if !present {
            bail!(
                "--class-threshold {class}=...: no unit of {} has class `{class}` (with any population)",
                units.display()
            );
        }
    }
    Ok(())
}
