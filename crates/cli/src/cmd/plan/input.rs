//! Inputs shared by `ambit plan` and `ambit check`: a data folder with a policy, or the
//! language-neutral benchmark format (units.csv + edges.csv) with a threshold, read by
//! `ambit_plan::input`.

use ambit_plan::input::{positive_number, BenchRule, Constraints};
pub use ambit_plan::input::{Baseline, Input};
use ambit_plan::Nesting;
use anyhow::{bail, Result};
use std::path::PathBuf;

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
    #[arg(long, value_enum, default_value_t = Nesting::Hard)]
    pub nesting: Nesting,
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

impl InputArgs {
    /// Loads the inputs the flags name: the boundary between the flags and the planner.
    pub fn load(&self) -> Result<Input> {
        let mut input = match (&self.units, &self.edges) {
            (Some(u), Some(e)) => {
                let Some(threshold) = self.threshold else {
                    bail!("the benchmark format needs --threshold N");
                };
                let rule = BenchRule {
                    threshold,
                    class_thresholds: (self.class_thresholds.iter())
                        .map(|s| BenchRule::class_threshold(s))
                        .collect::<Result<_, _>>()?,
                    attributes: self.attributes.clone(),
                };
                Input::from_bench(u, e, &rule)?
            }
            (None, None) => {
                let crate::common::Loaded { dataset, policy } = self.data.load()?;
                Input::from_dataset(dataset, policy, &self.attributes, self.nest_by.as_deref())?
            }
            _ => bail!("give both --units FILE and --edges FILE (benchmark format), or neither"),
        };
        input.constrain(&Constraints {
            max_population: self.max_population,
            must_link: self.must_link.clone(),
            cannot_link: self.cannot_link.clone(),
            nesting: self.nest_by.as_ref().map(|_| self.nesting),
        })?;
        Ok(input)
    }
}

/// Loads a district map (a dataset map name or a CSV `code,district`), printing its notices.
pub fn load_map(input: &Input, name_or_path: &str) -> Result<Baseline> {
    let (map, notices) = input.load_map(name_or_path)?;
    crate::common::notices(&notices);
    Ok(map)
}
