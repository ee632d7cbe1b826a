//! `ambit check`: validate any plan (completeness, contiguity, thresholds, maximum population,
//! nesting, linked pairs) and say exactly what fails where; non-zero exit on failure.

use super::plan::input::{self, InputArgs};
use anyhow::{bail, Result};

/// Flags of `ambit check`.
#[derive(clap::Args)]
pub struct Args {
    /// The plan: a CSV with columns code,district (or a district map named in the dataset).
    plan: String,
    #[command(flatten)]
    input: InputArgs,
    /// Check only the units the plan lists (for partial maps); by default every unit of the
    /// territory must have a district.
    #[arg(long)]
    partial: bool,
}

/// Runs `ambit check`.
pub fn run(args: Args) -> Result<()> {
    let input = args.input.load()?;
    let plan = input::load_map(&input, &args.plan)?;
    let checked = input.check(&plan, args.partial)?;
    println!(
        "{}: {} units, {} districts, {} compliant",
        args.plan,
        checked.subset.len(),
        checked.districts,
        checked.compliant
    );
    for line in &checked.failures {
        println!("{line}");
    }
    if checked.is_valid() {
        println!("OK: complete, contiguous and compliant");
        Ok(())
    } else {
        bail!("the plan fails {} checks", checked.report.violations.len())
    }
}
