//! `ambit simulate`: calibrate and run the uptake model of a scenario and its policy variants.

use ambit_sim::{bundled, simulate, Control, MonteCarloOptions, Scenario, SimOptions};
use ambit_sim::{SimulationResult, Variant};
use std::path::{Path, PathBuf};

/// Flags of `ambit simulate`.
#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (TOML naming the baseline, candidates, assessments, policy, observed outcome).
    #[arg(required_unless_present = "bundled")]
    pub scenario: Option<PathBuf>,
    /// Use a scenario shipped with ambit instead of a file: `lombardy-2018`.
    #[arg(long, conflicts_with = "scenario")]
    pub bundled: Option<String>,
    /// A policy variant to compare (TOML policy file; repeatable). With --bundled,
    /// `bundled:double-incentive` and `bundled:mandatory-2019` name the shipped variants.
    #[arg(long = "variant")]
    pub variants: Vec<String>,
    #[command(flatten)]
    pub monte_carlo: MonteCarloOptions,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Write the full result as JSON (the input of `ambit report --simulation`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Do not draw a progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Runs `ambit simulate`: the flags become the scenario, its variants and the simulation's
/// options at this boundary.
pub fn run(args: Args) -> anyhow::Result<()> {
    let scenario = bundled::scenario_or_file(args.scenario.as_deref(), args.bundled.as_deref())?;
    let variants = bundled::variants(&args.variants)?;
    let options = args.monte_carlo.options();
    let out = args.out.as_deref();
    simulate_to(&scenario, &variants, options, args.threads, args.quiet, out)
}

/// Simulates `scenario` and its `variants` in a pool of `threads` (a progress bar unless
/// `quiet`), prints the summary and writes the full result to `out` as JSON.
pub fn simulate_to(
    scenario: &Scenario,
    variants: &[Variant],
    options: SimOptions,
    threads: Option<usize>,
    quiet: bool,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    let result = run_with_progress(scenario, variants, options, threads, quiet)?;
    print!("{}", ambit_report::report::simulation_text::render(&result));
    if let Some(out) = out {
        crate::common::emit(&serde_json::to_string_pretty(&result)?, Some(out))?;
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}

/// Runs the simulation with a progress bar and Ctrl-C handling, in a pool of `threads`.
pub fn run_with_progress(
    scenario: &Scenario,
    variants: &[Variant],
    options: SimOptions,
    threads: Option<usize>,
    quiet: bool,
) -> anyhow::Result<SimulationResult> {
    // Ctrl-C stops the runs (the simulation polls the flag)
    let _guard = crate::interrupt::Guard::new();
    let style = "{bar:40} {pos}/{len} draws+runs {elapsed}";
    let bar = crate::common::progress_bar(options.steps(scenario, variants), style, !quiet);
    let progress = |n: u64| bar.inc(n);
    let control = Control {
        cancel: Some(crate::interrupt::flag()),
        progress: Some(&progress),
    };
    let pool = rayon_pool(threads)?;
    let result = pool.install(|| simulate(scenario, variants, options, &control));
    bar.finish_and_clear();
    Ok(result?)
}

fn rayon_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        anyhow::ensure!(t > 0, "--threads must be at least 1");
        b = b.num_threads(t);
    }
    Ok(b.build()?)
}
