//! `ambit govern`: voting power and budget sharing in the assembly of one district.
//!
//! Wiring only: members are read from the comuni table and a district map, rules from TOML, and
//! every number comes from `ambit-govern`.

use crate::common::{emit, DataArgs, Format};
use ambit_govern::{
    assess, search, share_budget, Allocation, AssemblyRules, Assessment, Budget, BudgetInput,
    Candidate, Family, Indices, Member, PowerOptions, PresidentRule, Target, WeightQuota,
};
use ambit_report::table::{Align, Table};
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
    let members = load_district(&args)?;
    let opts = PowerOptions {
        max_cells: args.max_cells,
        ..PowerOptions::default()
    };
    let which = match args.index {
        IndexArg::Banzhaf => Indices::Banzhaf,
        IndexArg::Both => Indices::Both,
    };
    let mut out = Output::new();
    let mut json = serde_json::Map::new();
    json.insert("district".into(), args.district.clone().into());
    json.insert("members".into(), serde_json::to_value(&members)?);

    let mut assessments = Vec::new();
    let mut rulebooks = Vec::new();
    for path in &args.rules {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read rules file {}", path.display()))?;
        let rules = AssemblyRules::parse(&text, &path.display().to_string())?;
        let a = assess(&rules, &members, args.matter.as_deref(), which, &opts)?;
        assessments.push(a);
        rulebooks.push(rules);
    }
    if assessments.len() == 1 {
        detail_tables(
            &mut out,
            &args.district,
            &assessments[0],
            &rulebooks[0],
            &members,
        );
    } else if assessments.len() > 1 {
        comparison_tables(&mut out, &args.district, &assessments, args.top);
    }
    if !assessments.is_empty() {
        json.insert("assessments".into(), serde_json::to_value(&assessments)?);
    }

    if args.search {
        let candidates = run_search(&members, args.target, &opts)?;
        search_table(&mut out, &args.district, &candidates, args.target);
        json.insert("search".into(), serde_json::to_value(&candidates)?);
    }
    if let Some(cost) = args.budget {
        let allocation = parse_allocation(&args.allocation)?;
        let inputs = match &args.budget_data {
            Some(p) => load_budget_data(p, &members)?,
            None => vec![BudgetInput::default(); members.len()],
        };
        let b = share_budget(&members, &inputs, cost, args.incentive, allocation)?;
        budget_table(&mut out, &args.district, &b);
        json.insert("budget".into(), serde_json::to_value(&b)?);
    }
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&json)? + "\n",
        f => Table::render_all(&out, f),
    };
    emit(&text, args.output.as_deref())
}

// ---------------------------------------------------------------------------------------------
// Input

/// The members of the district: the data folder's territory (names, populations) restricted to
/// the municipalities the map or plan assigns to `args.district`, largest first.
fn load_district(args: &Args) -> Result<Vec<Member>> {
    let dataset = args.data.dataset()?;
    let map = match (&args.map, &args.plan) {
        (Some(m), _) => dataset.district_map(m)?,
        (None, Some(p)) => dataset.district_map(&p.display().to_string())?,
        (None, None) => bail!("give --map NAME|FILE or --plan FILE"),
    };
    for n in &map.notices {
        eprintln!("notice: {n}");
    }
    let districts = map.districts();
    let Some((_, codes)) = districts
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(args.district.trim()))
    else {
        let known: Vec<&str> = districts.keys().copied().collect();
        bail!(
            "no district named {:?} in the map; its districts: {}",
            args.district,
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

fn parse_allocation(s: &str) -> Result<Allocation> {
    let bad = || {
        anyhow::anyhow!("--allocation {s:?}: expected population, use, blend:W (0..1) or floor:EUR")
    };
    Ok(match s.split_once(':') {
        None if s == "population" => Allocation::Population,
        None if s == "use" => Allocation::ServiceUse,
        Some(("blend", w)) => Allocation::Blend {
            population_weight: w.parse().map_err(|_| bad())?,
        },
        Some(("floor", f)) => Allocation::FloorPerMember {
            floor: f.parse().map_err(|_| bad())?,
        },
        _ => return Err(bad()),
    })
}

fn run_search(
    members: &[Member],
    target: TargetArg,
    opts: &PowerOptions,
) -> Result<Vec<Candidate>> {
    let target = match target {
        TargetArg::Population => Target::Population,
        TargetArg::Sqrt => Target::SqrtPopulation,
        TargetArg::Equal => Target::Equal,
    };
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

// ---------------------------------------------------------------------------------------------
// Output

/// The tables `ambit govern` prints, in order.
type Output = Vec<Table>;

/// A titled table whose first column is text and the others figures.
fn titled(title: String, headers: &[&str]) -> Table {
    let columns = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (*h, if i == 0 { Align::Left } else { Align::Right }));
    Table::new(columns).with_title(title)
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

fn quota_text(q: &WeightQuota) -> String {
    match q {
        WeightQuota::AtLeast(s) => format!(">= {:.1}%", s.as_f64() * 100.0),
        WeightQuota::MoreThan(s) => format!("> {:.1}%", s.as_f64() * 100.0),
        WeightQuota::Absolute(q) => format!(">= {q}"),
    }
}

fn scaling_note(a: &Assessment) -> Option<String> {
    (!a.scaling.is_exact()).then(|| {
        format!(
            "weights rounded to units of {} (total {} units): each weight off by at most {}; indices are exact for the rounded game",
            a.scaling.unit, a.scaling.total_units, a.scaling.max_weight_error
        )
    })
}

fn summary_notes(a: &Assessment, members: &[Member]) -> Vec<String> {
    let mut notes = Vec::new();
    let l = &a.largest;
    notes.push(format!(
        "largest member {}: {} of the population, Banzhaf {}, decisive in {} of the coalitions that pass; {}; smallest blocking coalition with it: {} member(s)",
        l.name,
        pct(a.members[l.index].population_share),
        pct(a.members[l.index].banzhaf),
        pct(l.decisive_share),
        if l.blocks_everything { "it can block every decision alone" } else { "it cannot block alone" },
        l.smallest_blocking_coalition
    ));
    notes.push(match a.dictator {
        Some(d) => format!("dictator: {}", members[d].name),
        None => "dictator: none".into(),
    });
    let dummies: Vec<&str> = a
        .dummies
        .iter()
        .map(|&d| members[d].name.as_str())
        .collect();
    let proven = if a.scaling.is_exact() { "" } else { " proven" };
    notes.push(if dummies.is_empty() {
        format!("dummies:{proven} none")
    } else {
        format!(
            "dummies{proven} ({}): {}",
            dummies.len(),
            dummies.join(", ")
        )
    });
    if !a.unresolved.is_empty() {
        notes.push(format!(
            "{} members weigh less than the rounding unit ({}): the rounded game gives them no power, the exact game may give them some (a larger --max-cells resolves them)",
            a.unresolved.len(),
            a.scaling.unit
        ));
    }
    notes.push(format!(
        "share of all coalitions that pass (power to act): {}",
        pct(a.p_win)
    ));
    notes.extend(scaling_note(a));
    notes
}

fn detail_tables(
    out: &mut Output,
    district: &str,
    a: &Assessment,
    rules: &AssemblyRules,
    members: &[Member],
) {
    let mut t = titled(
        format!("{district}: {} — {} ({})", a.rules, a.decision, a.quota),
        &[
            "comune",
            "population",
            "pop share",
            "vote share",
            "Banzhaf",
            "Shapley-Shubik",
            "Banzhaf / pop share",
        ],
    );
    for m in &a.members {
        t.push(vec![
            m.name.clone(),
            m.population.to_string(),
            pct(m.population_share),
            pct(m.vote_share),
            pct(m.banzhaf),
            m.shapley_shubik.map(pct).unwrap_or_else(|| "-".into()),
            if m.population_share > 0.0 {
                format!("{:.2}", m.banzhaf / m.population_share)
            } else {
                "-".into()
            },
        ]);
    }
    for n in summary_notes(a, members) {
        t.note(n);
    }
    if let Some(p) = &rules.president {
        t.note(match p {
            PresidentRule::Largest => format!("president: the largest member ({}) presides", a.largest.name),
            PresidentRule::Rotation { term_years } => format!(
                "president: rotation, each of the {} members presides one {term_years}-year term every {} years",
                members.len(),
                members.len() as u64 * *term_years as u64
            ),
            PresidentRule::Election(r) => format!(
                "president: elected ({}); its power table: --matter president",
                r.summary()
            ),
        });
    }
    if !rules.matters.is_empty() {
        let names: Vec<String> = rules
            .matters
            .iter()
            .map(|m| format!("{} ({})", m.name, m.summary()))
            .collect();
        t.note(format!(
            "other matters (--matter NAME): {}",
            names.join("; ")
        ));
    }
    out.push(t);
}

fn comparison_tables(out: &mut Output, district: &str, all: &[Assessment], top: usize) {
    let mut t = titled(
        format!(
            "{district}: rules compared (largest member: {})",
            all[0].largest.name
        ),
        &[
            "rules",
            "quota",
            "largest: pop share",
            "largest: Banzhaf",
            "largest: Shapley-Shubik",
            "decisive in",
            "blocks alone",
            "min blocking",
            "dummies",
            "power to act",
        ],
    );
    for a in all {
        let l = &a.largest;
        let m = &a.members[l.index];
        t.push(vec![
            a.rules.clone(),
            a.quota.clone(),
            pct(m.population_share),
            pct(m.banzhaf),
            m.shapley_shubik.map(pct).unwrap_or_else(|| "-".into()),
            pct(l.decisive_share),
            if l.blocks_everything {
                "yes".into()
            } else {
                "no".into()
            },
            l.smallest_blocking_coalition.to_string(),
            a.dummies.len().to_string(),
            pct(a.p_win),
        ]);
        if let Some(n) = scaling_note(a) {
            t.note(format!("{}: {n}", a.rules));
        }
    }
    out.push(t);
    let n = all[0].members.len();
    let shown = if top == 0 { n } else { top.min(n) };
    let mut headers = vec!["comune".to_string(), "pop share".to_string()];
    headers.extend(all.iter().map(|a| a.rules.clone()));
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut m = titled(
        format!("{district}: Banzhaf power by member ({shown} largest of {n})"),
        &header_refs,
    );
    for i in 0..shown {
        let mut row = vec![
            all[0].members[i].name.clone(),
            pct(all[0].members[i].population_share),
        ];
        row.extend(all.iter().map(|a| pct(a.members[i].banzhaf)));
        m.push(row);
    }
    out.push(m);
}

fn search_table(out: &mut Output, district: &str, c: &[Candidate], target: TargetArg) {
    let name = match target {
        TargetArg::Population => "population share",
        TargetArg::Sqrt => "square root of population",
        TargetArg::Equal => "equal power",
    };
    let mut t = titled(
        format!("{district}: rules closest to {name} (Banzhaf), best first"),
        &[
            "exponent",
            "quota",
            "cap",
            "distance",
            "max gap",
            "largest",
            "smallest",
            "power to act",
        ],
    );
    for x in c.iter().take(15) {
        t.push(vec![
            format!("{:.2}", x.exponent),
            quota_text(&x.quota),
            x.cap
                .map(|s| pct(s.as_f64()))
                .unwrap_or_else(|| "none".into()),
            format!("{:.4}", x.distance),
            pct(x.max_gap),
            pct(x.largest_power),
            pct(x.smallest_power),
            pct(x.p_win),
        ]);
    }
    t.note(format!(
        "{} rules evaluated; distance = Euclidean distance between Banzhaf power and the target; power to act = share of coalitions that pass (the trade-off: higher quotas protect members but act less often)",
        c.len()
    ));
    out.push(t);
}

fn budget_table(out: &mut Output, district: &str, b: &Budget) {
    let method = match b.allocation {
        Allocation::Population => "by population".to_string(),
        Allocation::ServiceUse => "by service use".to_string(),
        Allocation::Blend { population_weight } => {
            format!(
                "blend {:.0}% population / {:.0}% service use",
                population_weight * 100.0,
                (1.0 - population_weight) * 100.0
            )
        }
        Allocation::FloorPerMember { floor } => {
            format!("EUR {floor:.2} per comune, the rest by population")
        }
    };
    let mut t = titled(
        format!(
            "{district}: shared cost EUR {:.2}, incentive EUR {:.2}, net EUR {:.2}, split {method}",
            b.cost, b.incentive, b.net_cost
        ),
        &[
            "comune",
            "share",
            "contribution EUR",
            "pays today EUR",
            "change EUR",
        ],
    );
    for l in &b.lines {
        t.push(vec![
            l.name.clone(),
            pct(l.share),
            format!("{:.2}", l.contribution),
            l.pays_today
                .map(|x| format!("{x:.2}"))
                .unwrap_or_else(|| "-".into()),
            l.change
                .map(|x| format!("{x:+.2}"))
                .unwrap_or_else(|| "-".into()),
        ]);
    }
    out.push(t);
}
