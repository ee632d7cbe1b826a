//! `ambit`: the command-line entry point. Flag parsing, wiring and output only; every
//! computation lives in the library crates so that the server calls the same functions.

mod cmd;
mod common;
mod interrupt;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Plan and evaluate intermunicipal cooperation reforms.
#[derive(Parser)]
#[command(name = "ambit", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Audit districts (or a region without districts) against a reform's rules.
    Audit(cmd::audit::Args),
    /// Draw an SVG choropleth of districts and their compliance.
    Map(cmd::map::Args),
    /// Propose districts that meet the class thresholds (max-p or minimum change).
    Plan(Box<cmd::plan::Args>),
    /// Validate a plan: completeness, contiguity, thresholds, nesting.
    Check(cmd::check::Args),
    /// Validate, list and tabulate coded cooperation cases.
    Cases(cmd::cases::Args),
    /// Qualitative Comparative Analysis: calibration, truth tables, minimisation, fit.
    Qca(cmd::qca::Args),
    /// Apply a QCA model to a candidate partnership.
    Assess(cmd::assess::Args),
    /// Voting power and budget sharing in a district's assembly.
    Govern(cmd::govern::Args),
    /// Simulate the uptake of a voluntary reform over its incentive windows.
    Simulate(cmd::simulate::Args),
    /// Write a self-contained HTML or Markdown report of a scenario.
    Report(cmd::report::Args),
    /// Start the planning studio (HTTP server and web page).
    Serve(cmd::serve::Args),
    /// Build a data folder from a country's own files (table, boundaries, adjacency, maps).
    Import(cmd::import::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    interrupt::install();
    let result = match cli.command {
        Command::Audit(a) => cmd::audit::run(a),
        Command::Map(a) => cmd::map::run(a),
        Command::Plan(a) => cmd::plan::run(*a),
        Command::Check(a) => cmd::check::run(a),
        Command::Cases(a) => cmd::cases::run(a),
        Command::Qca(a) => cmd::qca::run(a),
        Command::Assess(a) => cmd::assess::run(a),
        Command::Govern(a) => cmd::govern::run(a),
        Command::Simulate(a) => cmd::simulate::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::Import(a) => cmd::import::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", message(&err));
            exit_code(&err)
        }
    }
}

/// The error and its causes joined by ": ", each cause once: a library error that already
/// writes its cause into its own message (`file: cannot read: reason`) is not followed by the
/// same reason again.
fn message(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// The exit status of a failed command: 3 for a plan with infeasible districts (written),
/// 130 for Ctrl-C, 1 otherwise.
fn exit_code(err: &anyhow::Error) -> ExitCode {
    if err.downcast_ref::<cmd::plan::Infeasible>().is_some() {
        return ExitCode::from(cmd::plan::EXIT_INFEASIBLE);
    }
    // the libraries that poll the Ctrl-C flag stop with an error of their own
    let interrupted = err.chain().any(|e| {
        e.is::<interrupt::Interrupted>()
            || e.downcast_ref::<ambit_report::WriteError>()
                .is_some_and(|w| w.source.kind() == std::io::ErrorKind::Interrupted)
            || matches!(
                e.downcast_ref::<ambit_sim::SimError>(),
                Some(ambit_sim::SimError::Interrupted)
            )
            || matches!(
                e.downcast_ref::<ambit_plan::PlanError>(),
                Some(ambit_plan::PlanError::Interrupted)
            )
    });
    if interrupted {
        return ExitCode::from(interrupt::EXIT_INTERRUPTED);
    }
    ExitCode::FAILURE
}
