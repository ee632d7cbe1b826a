//! `ambit check`: validate any plan (completeness, contiguity, thresholds, maximum population,
//! nesting, linked pairs) and say exactly what fails where; non-zero exit on failure.

use super::plan::input::{self, Input, InputChoice};
use anyhow::{bail, Result};

/// Flags of `ambit check`.
#[derive(clap::Args)]
pub struct Args {
    /// The plan: a CSV with columns code,district (or a district map named in the dataset).
    plan: String,
    #[command(flatten)]
    input: InputChoice,
    /// Check only the units the plan lists (for partial maps); by default every unit of the
    /// territory must have a district.
    #[arg(long)]
    partial: bool,
}

/// Runs `ambit check`: the flags become the planner's input at this boundary.
pub fn run(args: Args) -> Result<()> {
    check(&input::load(&args.input)?, &args.plan, args.partial)
}

/// Checks the plan `plan` (a file or a map of the data folder) against `input`; with
/// `partial`, only the units it lists.
pub fn check(input: &Input, plan: &str, partial: bool) -> Result<()> {
    let map = input::load_map(input, plan)?;
    let checked = input.check(&map, partial)?;
    for line in ambit_report::plan::check_lines(plan, &checked) {
        println!("{line}");
    }
    if checked.is_valid() {
        Ok(())
    } else {
        bail!("the plan fails {} checks", checked.report.violations.len())
    }
}
