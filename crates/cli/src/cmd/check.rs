//! `ambit check`: validate any plan (completeness, contiguity, thresholds, maximum population,
//! nesting, linked pairs) and say exactly what fails where; non-zero exit on failure.

use super::plan::input::{self, InputArgs, Subset};
use ambit_plan::{check_plan, Violation};
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
    let input = input::load(&args.input)?;
    let input::Baseline { names, labels } = input::load_map(&input, &args.plan)?;
    let subset = if args.partial {
        Subset::of(input.len(), |u| labels[u].is_some())
    } else {
        Subset::all(input.len())
    };
    let pb = input.problem(&subset)?;
    let local: Vec<Option<u32>> = subset.global.iter().map(|&g| labels[g]).collect();
    let report = check_plan(&pb, &*input.rule, &local);
    let unit = |u: u32| {
        let g = subset.global[u as usize];
        format!("{} {}", input.codes[g], input.names[g])
    };
    let name = |d: u32| {
        names
            .get(d as usize)
            .cloned()
            .unwrap_or_else(|| d.to_string())
    };
    let area = |a: u32| {
        input
            .areas
            .as_ref()
            .and_then(|(_, n)| n.get(a as usize).cloned())
            .unwrap_or_else(|| a.to_string())
    };
    let compliant = report
        .districts
        .iter()
        .filter(|d| d.units > 0 && d.compliant)
        .count();
    let present = report.districts.iter().filter(|d| d.units > 0).count();
    println!(
        "{}: {} units, {} districts, {} compliant",
        args.plan,
        subset.len(),
        present,
        compliant
    );
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
                println!(
                    "FAIL contiguity: district {} falls into {} parts: {}",
                    name(*district),
                    parts.len(),
                    ps.join(" | ")
                );
            }
            Violation::BelowThreshold {
                district,
                population,
                requirement,
            } => {
                let class = report.districts[*district as usize].class_name.clone();
                println!(
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
                );
            }
            Violation::AboveMaximum {
                district,
                population,
                maximum,
            } => println!(
                "FAIL maximum: district {} has {} inhabitants, above the maximum {}",
                name(*district),
                population,
                maximum
            ),
            Violation::CrossesNesting { district, areas } => {
                let a: Vec<String> = areas.iter().map(|&x| area(x)).collect();
                println!(
                    "FAIL nesting: district {} spans areas {}",
                    name(*district),
                    a.join(", ")
                );
            }
            Violation::CannotLink { district, a, b } => println!(
                "FAIL cannot-link: {} and {} share district {}",
                unit(*a),
                unit(*b),
                name(*district)
            ),
            Violation::MustLink { a, b } => println!(
                "FAIL must-link: {} and {} are in different districts",
                unit(*a),
                unit(*b)
            ),
        }
    }
    if !unassigned.is_empty() {
        println!(
            "FAIL completeness: {} units have no district: {}",
            unassigned.len(),
            unassigned.join(", ")
        );
    }
    if report.is_valid() {
        println!("OK: complete, contiguous and compliant");
        Ok(())
    } else {
        bail!("the plan fails {} checks", report.violations.len())
    }
}
