//! `ambit plan`: propose districts that meet the class thresholds (max-p), or repair an existing
//! map with the fewest changes (min-change). Flag parsing and wiring: the plan is computed by
//! `ambit_plan::input` and its files are made and written by `ambit_report::plan`.

pub mod input;

use crate::interrupt;
use ambit_plan::input::SearchChoice;
use ambit_plan::input::{check_job, merge_cost, ExactChoice, Input, JobSpec, Objective};
use ambit_plan::{ChangeOptions, Control, Progress};
use ambit_report::plan::PlanFiles;
use ambit_report::StagedDir;
use anyhow::Result;
use input::InputChoice;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Flags of `ambit plan`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputChoice,
    /// What to optimise.
    #[arg(long, value_enum, default_value_t = Objective::MaxDistricts)]
    objective: Objective,
    /// Baseline district map (a dataset map name or a CSV code,district): required by
    /// min-change; with max-districts only the diff uses it.
    #[arg(long, value_name = "NAME|FILE")]
    baseline: Option<String>,
    /// Baseline districts to keep exactly as they are (repeatable).
    #[arg(long = "lock", value_name = "DISTRICT")]
    locked: Vec<String>,
    /// Pairwise affinity scores (CSV code_a,code_b,score) for min-change.
    #[arg(long, value_name = "FILE")]
    affinity: Option<PathBuf>,
    /// Cost of a merge in min-change: `smaller` (units of the smaller district) or a number.
    #[arg(long, default_value = "smaller", value_name = "smaller|N")]
    merge_cost: String,
    /// Exact number of districts (max-districts).
    #[arg(long, value_name = "K")]
    districts: Option<usize>,
    #[command(flatten)]
    search: SearchChoice,
    /// Agreement date for the incentive schedule (ISO date; default: the last day of the
    /// policy's full premium).
    #[arg(long)]
    date: Option<String>,
    /// Output folder: assignment.csv, districts.csv, plan.json, diff.csv, plan.geojson.
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Exit 0 even when some districts cannot meet their threshold (by default the plan is
    /// written and the exit status is 3, as `ambit check` fails on such a plan).
    #[arg(long)]
    allow_infeasible: bool,
    /// Run N independent plans (seeds SEED..SEED+N-1, in parallel) and write how often every
    /// pair of neighbours shares a district: stability.csv, pairs.csv, stability.svg.
    #[arg(long, value_name = "N")]
    ensemble: Option<usize>,
    #[command(flatten)]
    exact: ExactChoice,
}

/// Exit status of a plan written with districts that cannot meet their threshold.
pub const EXIT_INFEASIBLE: u8 = 3;

/// A plan was written, but some of its districts cannot meet their threshold.
#[derive(Debug, thiserror::Error)]
#[error("{non_compliant} of {districts} districts do not meet their threshold (the plan was written; --allow-infeasible to accept it)")]
pub struct Infeasible {
    /// Districts that fall short.
    pub non_compliant: usize,
    /// Districts of the plan.
    pub districts: usize,
}

/// A plan job in plain values: what to plan and where the files go.
pub struct Request {
    /// The planning job.
    pub spec: JobSpec,
    /// Baseline district map (name or file).
    pub baseline: Option<String>,
    /// Agreement date for the incentives (ISO); None: the policy's reference date.
    pub date: Option<String>,
    /// Output folder.
    pub out: PathBuf,
    /// Show a progress bar.
    pub progress: bool,
    /// Exit 0 with non-compliant districts.
    pub allow_infeasible: bool,
    /// Run an ensemble of this many plans instead of one plan.
    pub ensemble: Option<usize>,
}

/// Runs `ambit plan`: the flags become the planner's input and a plain request at this
/// boundary; [`plan`] sees neither.
pub fn run(args: Args) -> Result<()> {
    let input = input::load(&args.input)?;
    let request = request(&args, &input)?;
    plan(&input, request)
}

/// The flags as a plain request (checked against the input: tie-break default, merge cost).
fn request(args: &Args, input: &Input) -> Result<Request> {
    let date = args.date.as_deref();
    check_job(args.objective, &args.locked, args.baseline.is_some(), date)?;
    let merge_cost = merge_cost(&args.merge_cost)?;
    let exact = args.exact.options()?;
    let spec = JobSpec {
        objective: args.objective,
        locked: args.locked.clone(),
        search: args.search.options(input, exact)?,
        districts: args.districts,
        change: ChangeOptions {
            merge_cost,
            ..ChangeOptions::default()
        },
        affinity: args.affinity.clone(),
    };
    Ok(Request {
        spec,
        baseline: args.baseline.clone(),
        date: args.date.clone(),
        out: args.out.clone(),
        progress: !args.quiet && args.objective == Objective::MaxDistricts,
        allow_infeasible: args.allow_infeasible,
        ensemble: args.ensemble,
    })
}

/// Plans and writes the plan's folder whole: nothing is created before the plan is made and
/// every file is built, so a bad input leaves no folder and Ctrl-C during the search keeps the
/// best plan so far; Ctrl-C while writing leaves the old folder as it was.
pub fn plan(input: &Input, r: Request) -> Result<()> {
    let guard = interrupt::Guard::new();
    // a folder that cannot be replaced is refused before the search, not after it
    let ours: &[&str] = if r.ensemble.is_some() {
        &ambit_report::plan::ENSEMBLE_FILE_NAMES
    } else {
        &ambit_report::plan::FILE_NAMES
    };
    let staged = StagedDir::replacing(&r.out, ours)?;
    let baseline = match &r.baseline {
        Some(b) => Some(input::load_map(input, b)?),
        None => None,
    };
    let started = Instant::now();
    let (len, style) = (
        r.spec.search.starts as u64,
        "{spinner} starts {pos}/{len} [{elapsed_precise}] {msg}",
    );
    let bar = crate::common::progress_bar(len, style, r.progress);
    bar.enable_steady_tick(Duration::from_millis(200));
    let best = std::sync::atomic::AtomicUsize::new(0);
    let progress = |p: Progress| {
        let b = best
            .fetch_max(p.districts, Ordering::Relaxed)
            .max(p.districts);
        bar.set_position(p.done as u64);
        bar.set_message(format!("best so far: {b} districts"));
    };
    let control = Control {
        cancel: Some(interrupt::flag()),
        progress: Some(&progress),
    };
    if let Some(runs) = r.ensemble {
        bar.set_length(runs as u64);
        let e = input.ensemble(&r.spec, runs, &control)?;
        bar.finish_and_clear();
        let files = PlanFiles::ensemble(input, &e)?;
        let dir = files.write(staged, || !interrupt::requested())?;
        let summary = ambit_report::stability::stability_summary(&e);
        return print_lines(
            summary
                .iter()
                .chain([&files.wrote(&dir, started.elapsed())]),
        );
    }
    let outcome = input.plan(baseline.as_ref(), &r.spec, &control)?;
    bar.finish_and_clear();
    // Ctrl-C during the search means "stop and keep the best plan": the files are still
    // written; a second Ctrl-C after this point (the flag is cleared) abandons them
    let interrupted_search = interrupt::flag().swap(false, Ordering::SeqCst);
    let elapsed = started.elapsed();
    let files = PlanFiles::build(
        input,
        &outcome,
        &input.incentive_date(r.date.as_deref()),
        elapsed,
    )?;
    let dir = files.write(staged, || !interrupt::requested())?;
    drop(guard);
    let mut wrote = files.wrote(&dir, elapsed);
    if interrupted_search {
        wrote.push_str(" (interrupted: best plan so far)");
    }
    print_lines(
        outcome
            .summary
            .iter()
            .chain(files.summary())
            .chain([&wrote]),
    )?;
    let districts = outcome.live().count();
    let non_compliant = districts - outcome.compliant();
    if non_compliant > 0 && !r.allow_infeasible {
        return Err(Infeasible {
            non_compliant,
            districts,
        }
        .into());
    }
    Ok(())
}

/// Prints the summary lines; a closed pipe (e.g. `| head`) is not an error of the plan.
fn print_lines<'a>(lines: impl Iterator<Item = &'a String>) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(stdout, "{line}");
    }
    Ok(())
}
