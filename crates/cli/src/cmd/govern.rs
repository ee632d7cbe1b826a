//! `ambit govern`: voting power and budget sharing in the assembly of one district.
//!
//! Wiring only: members are read from the comuni table and a district map
//! (`ambit_govern::dataset`), rules from TOML, every number comes from `ambit-govern` and every
//! table from `ambit_report::govern`.

use crate::common::{emit, DataChoice, Format, OutputArgs};
use ambit_govern::dataset::{budget_inputs, district_members};
use ambit_govern::{
    search, AssemblyRules, BudgetRequest, Candidate, Family, Indices, Member, PowerOptions, Study,
    Target,
};
use ambit_report::govern::GovernReport;
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// Flags of `ambit govern`.
#[derive(clap::Args)]
pub struct Args {
    /// District whose assembly is studied (its name in the map or plan, e.g. "Lodi").
    pub district: String,
    #[command(flatten)]
    pub data: DataChoice,
    /// District map: a name from the data folder's dataset.toml (e.g. `ambiti-2021`) or a CSV
    /// with columns `code,district`.
    #[arg(
        long,
        value_name = "NAME|FILE",
        conflicts_with = "plan",
        required_unless_present = "plan"
    )]
    pub map: Option<String>,
    /// A plan written by `ambit plan` (CSV with columns `code,district`).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Assembly rules (TOML); repeat to compare several rule books side by side.
    #[arg(long = "rules", required_unless_present_any = ["search", "budget"])]
    pub rules: Vec<PathBuf>,
    /// Assess this named matter instead of ordinary decisions.
    #[arg(long)]
    pub matter: Option<String>,
    /// Which indices to compute.
    #[arg(long, value_enum, default_value_t = Indices::Both)]
    pub index: Indices,
    /// Search weight exponent × quota × cap for the rule closest to `--target`.
    #[arg(long)]
    pub search: bool,
    /// Target power distribution of `--search`.
    #[arg(long, value_enum, default_value_t = Target::Population)]
    pub target: Target,
    /// Shared yearly cost (EUR) to split among the comuni.
    #[arg(long)]
    pub budget: Option<f64>,
    /// How to split it: `population`, `use`, `blend:W` (W = weight of population) or `floor:EUR`.
    #[arg(long, default_value = "population")]
    pub allocation: String,
    /// CSV with `istat_code` and optional `service_use`, `pays_today` columns.
    #[arg(long)]
    pub budget_data: Option<PathBuf>,
    /// Incentive granted to the new district (EUR), deducted before the split.
    #[arg(long, default_value_t = 0.0)]
    pub incentive: f64,
    /// Members shown in comparison tables (largest first); 0 = all.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Largest DP size before weights are rounded (see the crate docs); the default keeps a
    /// district of ~60 comuni and ~250,000 inhabitants exact, at about 1 s a rule.
    #[arg(long, default_value_t = 4_000_000_000)]
    pub max_cells: u64,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `ambit govern`: the flags become plain values at this boundary.
pub fn run(args: Args) -> Result<()> {
    let map = match (&args.map, &args.plan) {
        (Some(m), _) => m.clone(),
        (None, Some(p)) => p.display().to_string(),
        (None, None) => bail!("give --map NAME|FILE or --plan FILE"),
    };
    let dataset = crate::common::dataset(&args.data)?;
    let map = dataset.district_map(&map)?;
    crate::common::notices(&map.notices);
    let members = district_members(&dataset, &map, &args.district)?;
    let rules = (args.rules.iter())
        .map(|p| AssemblyRules::read(p))
        .collect::<Result<_, _>>()?;
    let study = Study {
        rules,
        matter: args.matter,
        indices: args.index,
        search: args.search.then_some(args.target),
        budget: match args.budget {
            Some(cost) => Some(BudgetRequest {
                cost,
                incentive: args.incentive,
                allocation: (args.allocation.parse())
                    .map_err(|e| anyhow::anyhow!("--allocation {:?}: {e}", args.allocation))?,
            }),
            None => None,
        },
        options: PowerOptions {
            max_cells: args.max_cells,
            ..PowerOptions::default()
        },
    };
    let (table, output) = (args.budget_data.as_deref(), args.output.output.as_deref());
    govern(
        &args.district,
        &members,
        &study,
        table,
        args.top,
        args.output.format,
        output,
    )
}

/// The assembly of `district` (its `members`, largest first) under `study`, with the budget
/// table and the members shown in comparisons (`top`), written to `output` (or printed).
pub fn govern(
    district: &str,
    members: &[Member],
    study: &Study,
    budget_table: Option<&Path>,
    top: usize,
    format: Format,
    output: Option<&Path>,
) -> Result<()> {
    let assessments = study.assessments(members)?;
    let candidates = match study.search {
        Some(t) => run_search(members, t, &study.options)?,
        None => Vec::new(),
    };
    let inputs = match budget_table.filter(|_| study.budget.is_some()) {
        Some(p) => {
            let table = ambit_territory::table::Table::read(p)?;
            crate::common::notices(&table.notices);
            Some(budget_inputs(&table, members)?)
        }
        None => None,
    };
    let budget = study.budget(members, inputs)?;
    let report = GovernReport {
        assessments: &assessments,
        top,
        search: study.search.map(|t| (t, candidates.as_slice())),
        budget: budget.as_ref(),
        ..GovernReport::new(district, members)
    };
    emit(&report.render(format)?, output)
}

/// The rule search with a progress bar; Ctrl-C stops it with the rules evaluated so far.
fn run_search(members: &[Member], target: Target, opts: &PowerOptions) -> Result<Vec<Candidate>> {
    // Ctrl-C stops the search and shows the rules evaluated so far
    let _guard = crate::interrupt::Guard::new();
    let style = "searching rules {bar:30} {pos}/{len} {elapsed}";
    let bar = crate::common::progress_bar(0, style, true);
    let mut progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        !crate::interrupt::requested()
    };
    let c = search(members, &Family::default(), target, opts, &mut progress)?;
    bar.finish_and_clear();
    if crate::interrupt::requested() {
        eprintln!(
            "interrupted: showing the {} rules evaluated so far",
            c.len()
        );
    }
    Ok(c)
}
