//! `ambit govern`: voting power and budget sharing in the assembly of one district.
//!
//! Wiring only: members are read from the comuni table and a district map, rules from TOML,
//! every number comes from `ambit-govern` and every table from `ambit_report::govern`.

use crate::common::{emit, DataArgs, Format};
use ambit_govern::{
    assess, search, share_budget, Allocation, AssemblyRules, BudgetInput, Candidate, Family,
    Indices, Member, PowerOptions, Target,
};
use ambit_report::govern::GovernReport;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// Flags of `ambit govern`.
#[derive(clap::Args)]
pub struct Args {
    /// District whose assembly is studied (its name in the map or plan, e.g. "Lodi").
    pub district: String,
    #[command(flatten)]
    pub data: DataArgs,
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
    #[arg(long, value_enum, default_value_t = IndexArg::Both)]
    pub index: IndexArg,
    /// Search weight exponent × quota × cap for the rule closest to `--target`.
    #[arg(long)]
    pub search: bool,
    /// Target power distribution of `--search`.
    #[arg(long, value_enum, default_value_t = TargetArg::Population)]
    pub target: TargetArg,
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Indices to compute.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum IndexArg {
    /// Banzhaf only.
    Banzhaf,
    /// Banzhaf and Shapley-Shubik.
    Both,
}

/// Target of the rule search.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum TargetArg {
    /// Power proportional to population.
    Population,
    /// Power proportional to the square root of population.
    Sqrt,
    /// Equal power.
    Equal,
}

/// Runs `ambit govern`.
pub fn run(args: Args) -> Result<()> {
    let map = match (&args.map, &args.plan) {
        (Some(m), _) => m.clone(),
        (None, Some(p)) => p.display().to_string(),
        (None, None) => bail!("give --map NAME|FILE or --plan FILE"),
    };
    let members = load_district(&args.data.dataset()?, &map, &args.district)?;
    let opts = PowerOptions {
        max_cells: args.max_cells,
        ..PowerOptions::default()
    };
    let which = match args.index {
        IndexArg::Banzhaf => Indices::Banzhaf,
        IndexArg::Both => Indices::Both,
    };
    let mut assessments = Vec::new();
    for path in &args.rules {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read rules file {}", path.display()))?;
        let rules = AssemblyRules::parse(&text, &path.display().to_string())?;
        let a = assess(&rules, &members, args.matter.as_deref(), which, &opts)?;
        assessments.push((rules, a));
    }
    let target = args.search.then_some(match args.target {
        TargetArg::Population => Target::Population,
        TargetArg::Sqrt => Target::SqrtPopulation,
        TargetArg::Equal => Target::Equal,
    });
    let candidates = match target {
        Some(t) => run_search(&members, t, &opts)?,
        None => Vec::new(),
    };
    let budget = match args.budget {
        Some(cost) => {
            let allocation: Allocation = args
                .allocation
                .parse()
                .map_err(|e| anyhow::anyhow!("--allocation {:?}: {e}", args.allocation))?;
            let inputs = match &args.budget_data {
                Some(p) => load_budget_data(p, &members)?,
                None => vec![BudgetInput::default(); members.len()],
            };
            Some(share_budget(
                &members,
                &inputs,
                cost,
                args.incentive,
                allocation,
            )?)
        }
        None => None,
    };
    let report = GovernReport {
        assessments: &assessments,
        top: args.top,
        search: target.map(|t| (t, candidates.as_slice())),
        budget: budget.as_ref(),
        ..GovernReport::new(&args.district, &members)
    };
    emit(&report.render(args.format)?, args.output.as_deref())
}

/// The members of `district` (its name, any case) in the district map `map` (name or file):
/// the data folder's municipalities it assigns there, largest first.
fn load_district(
    dataset: &ambit_territory::Dataset,
    map: &str,
    district: &str,
) -> Result<Vec<Member>> {
    let map = dataset.district_map(map)?;
    for n in &map.notices {
        eprintln!("notice: {n}");
    }
    let districts = map.districts();
    let Some((_, codes)) = districts
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(district.trim()))
    else {
        let known: Vec<&str> = districts.keys().copied().collect();
        bail!(
            "no district named {district:?} in the map; its districts: {}",
            known.join(", ")
        );
    };
    let mut members = Vec::with_capacity(codes.len());
    for code in codes {
        let m = dataset
            .territory
            .get(code)
            .with_context(|| format!("municipality {code} of the map is not in the territory"))?;
        members.push(Member::new(code.to_string(), m.name.clone(), m.population));
    }
    members.sort_by(|a, b| b.population.cmp(&a.population).then(a.code.cmp(&b.code)));
    Ok(members)
}

/// The budget inputs of the district's members from a table with `istat_code` (or `code`) and
/// optional `service_use`, `pays_today` columns, read by the one table reader
/// (`ambit_territory::table`: BOM, Latin-1 and semicolons repaired with notices); rows of
/// comuni of other districts are skipped, as one file may serve several districts.
fn load_budget_data(path: &Path, members: &[Member]) -> Result<Vec<BudgetInput>> {
    let table = ambit_territory::table::Table::read(path)?;
    for n in &table.notices {
        eprintln!("notice: {n}");
    }
    let c_code = match table.optional_column("istat_code") {
        Some(c) => c,
        None => table.column("code")?,
    };
    let c_use = table.optional_column("service_use");
    let c_pay = table.optional_column("pays_today");
    let mut out = vec![BudgetInput::default(); members.len()];
    for rec in &table.records {
        let code = rec.fields[c_code].trim();
        let Some(m) = members.iter().position(|m| m.code == code) else {
            continue;
        };
        let num = |col: Option<usize>| -> Result<Option<f64>> {
            let Some(c) = col else { return Ok(None) };
            let v = rec.fields[c].trim();
            if v.is_empty() {
                return Ok(None);
            }
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
                _ => Err(table
                    .field_error(rec, c, "expected a non-negative number")
                    .into()),
            }
        };
        out[m] = BudgetInput {
            service_use: num(c_use)?,
            pays_today: num(c_pay)?,
        };
    }
    Ok(out)
}

/// The rule search with a progress bar; Ctrl-C stops it with the rules evaluated so far.
fn run_search(members: &[Member], target: Target, opts: &PowerOptions) -> Result<Vec<Candidate>> {
    // Ctrl-C stops the search and shows the rules evaluated so far
    let _guard = crate::interrupt::Guard::new();
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("searching rules {bar:30} {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
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
