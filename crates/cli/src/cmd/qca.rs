//! `ambit qca`: calibration, truth tables, minimisation, necessity and fit (crate `ambit-qca`);
//! every result is rendered by `ambit_report::qca` in the `--format` asked.

use crate::common::{emit, Format};
use ambit_qca::calibrate::{self, Direction, LogOdds, ThresholdList};
use ambit_qca::{
    minimize_with, pof, split_dir_exp, super_subset_report, Budget, ChartScope, DataMatrix,
    Expression, InclCut, MinParams, ModelSearch, Progress, Relation, Solution, SortKey,
    SuperSubsetParams, TruthTable, TtParams,
};
use ambit_report::qca as render;
use ambit_report::table::Table;
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Flags of `ambit qca`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: QcaCommand,
}

#[derive(clap::Subcommand)]
enum QcaCommand {
    /// Build a truth table.
    Tt(TtCommandArgs),
    /// Minimise a truth table: conservative, parsimonious (--include ?) or intermediate (--dir-exp).
    Minimize(MinimizeArgs),
    /// Search necessary conditions (conjunctions and disjunctions passing the cutoffs), or with
    /// --relation sufficiency the minimal sufficient conjunctions (R's superSubset).
    Necessity(NecessityArgs),
    /// Parameters of fit of an expression (R syntax: ~X, X[v], *, +).
    Fit(FitArgs),
    /// Calibrate a raw column into set memberships and write the data with the new column.
    Calibrate(CalibrateArgs),
    /// Robustness: rerun over ranges of cutoffs and calibration crossovers (stable ranges,
    /// surviving terms, cases that flip; optional SVG chart).
    Robust(super::qca_robust::Args),
}

/// The data, outcome, conditions and output format of an analysis.
#[derive(clap::Args)]
pub(crate) struct Input {
    /// Data matrix (CSV, first column = case labels; for `robust`, with the raw columns of
    /// the varied calibrations).
    pub data: PathBuf,
    /// Outcome column; `~Y` for its negation, `Y[v]` for a category.
    #[arg(long, allow_hyphen_values = true)]
    pub outcome: String,
    /// Conditions (comma-separated); default: every other column.
    #[arg(long, value_delimiter = ',')]
    pub conditions: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(clap::Args)]
struct TtArgs {
    #[command(flatten)]
    input: Input,
    /// Inclusion cutoff, or two (`0.8,0.6`): rows in between are contradictions (C).
    #[arg(long, value_delimiter = ',', default_value = "1")]
    incl_cut: Vec<f64>,
    /// Frequency cutoff: rows with fewer cases become remainders.
    #[arg(long, default_value_t = 1)]
    n_cut: usize,
    /// PRI cutoff for OUT = 1.
    #[arg(long, default_value_t = 0.0)]
    pri_cut: f64,
    /// Binomial inclusion test at this significance level (R's inf.test = "binom"; crisp outcome).
    #[arg(long)]
    inf_test: Option<f64>,
}

#[derive(clap::Args)]
struct TtCommandArgs {
    #[command(flatten)]
    tt: TtArgs,
    /// Sort rows by these columns in turn (R's sort.by): OUT, incl, PRI, n; each largest first,
    /// or smallest first with a `+` suffix (`incl+`).
    #[arg(long, value_delimiter = ',')]
    sort_by: Vec<String>,
    /// Show the deviant cases consistency in kind (R's dcc): the cases of each row not in the
    /// outcome, instead of all its cases.
    #[arg(long)]
    dcc: bool,
}

#[derive(clap::Args)]
struct MinimizeArgs {
    #[command(flatten)]
    tt: TtArgs,
    /// Rows to include as don't cares: `?` (remainders), `C` (contradictions), or `?,C`.
    #[arg(long, default_value = "")]
    include: String,
    /// Directional expectations, e.g. `DEV,URB,~IND` or `DEV;~LIT*IND` (conjunctural).
    #[arg(long, allow_hyphen_values = true)]
    dir_exp: Option<String>,
    /// Report every irredundant model, not only the minimal ones.
    #[arg(long)]
    all_sol: bool,
    /// Apply row dominance to the prime implicant chart.
    #[arg(long)]
    row_dom: bool,
    /// Stop at the first minimal model (fast; ambiguity not reported).
    #[arg(long, conflicts_with = "all_sol")]
    first_min: bool,
    /// Stop after this many seconds, keeping the best models found and a proven lower bound.
    #[arg(long)]
    time_limit: Option<f64>,
    /// Memory for the implicant charts, in MB: past it the search stops as with --time-limit.
    #[arg(long)]
    max_memory: Option<usize>,
    /// Which prime implicants the chart lists: `auto`, `every` (R's chart) or `usable`.
    #[arg(long, value_enum, default_value = "auto")]
    chart: ChartScope,
    /// Truth table rows (numbers, comma-separated) never used as simplifying assumptions.
    #[arg(long, value_delimiter = ',')]
    exclude: Vec<u64>,
    /// Minimum inclusion of a prime implicant (R's pi.cons).
    #[arg(long, default_value_t = 0.0)]
    pi_cons: f64,
    /// Minimum inclusion of a model (R's sol.cons).
    #[arg(long, default_value_t = 0.0)]
    sol_cons: f64,
    /// Minimum coverage of a model (R's sol.cov).
    #[arg(long, default_value_t = 0.0)]
    sol_cov: f64,
    /// Stop adding prime implicants at the complexity whose implicants no longer lower the
    /// number a model needs (R's min.pin).
    #[arg(long)]
    min_pin: bool,
}

#[derive(clap::Args)]
struct NecessityArgs {
    #[command(flatten)]
    input: Input,
    /// Inclusion (consistency of necessity) cutoff.
    #[arg(long, default_value_t = 1.0)]
    incl_cut: f64,
    /// Coverage cutoff.
    #[arg(long, default_value_t = 0.0)]
    cov_cut: f64,
    /// Relevance of necessity cutoff (necessity only).
    #[arg(long, default_value_t = 0.0)]
    ron_cut: f64,
    /// PRI cutoff (sufficiency only; for necessity use --ron-cut).
    #[arg(long, default_value_t = 0.0)]
    pri_cut: f64,
    /// The relation searched (R's superSubset): necessary expressions, or minimal sufficient
    /// conjunctions.
    #[arg(long, value_enum, default_value = "necessity")]
    relation: Relation,
    /// Largest number of conditions combined.
    #[arg(long)]
    depth: Option<usize>,
}

#[derive(clap::Args)]
struct FitArgs {
    /// Data matrix (CSV).
    data: PathBuf,
    /// Outcome column (`~Y` negated).
    #[arg(long, allow_hyphen_values = true)]
    outcome: String,
    /// Expression, R syntax, e.g. "A*~B + C".
    #[arg(long, allow_hyphen_values = true)]
    expression: String,
    /// Relation to assess.
    #[arg(long, value_enum, default_value = "sufficiency")]
    relation: Relation,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(clap::Args)]
struct CalibrateArgs {
    /// Data matrix (CSV).
    data: PathBuf,
    /// Raw column to calibrate.
    #[arg(long)]
    column: String,
    /// Calibration method.
    #[arg(long, value_enum, default_value = "direct")]
    method: calibrate::Method,
    /// Thresholds: `e=400,c=550,i=900` (direct, linear), six named for bell, numbers for crisp.
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    thresholds: String,
    /// Log-odds convention of the direct method: `qca` (0.95), `fsqca` (+-3) or a degree like 0.9.
    #[arg(long, default_value = "fsqca")]
    log_odds: String,
    /// Crisp groups in increasing order of the raw values, or reversed (`decreasing`).
    #[arg(long, value_enum, default_value = "increasing")]
    direction: Direction,
    /// Find this many thresholds by complete-linkage clustering (R's findTh) and use them
    /// (crisp, indirect) in place of --thresholds.
    #[arg(long)]
    find_th: Option<usize>,
    /// Exponent above the crossover (linear/power, bell).
    #[arg(long, default_value_t = 1.0)]
    above: f64,
    /// Exponent below the crossover (linear/power, bell).
    #[arg(long, default_value_t = 1.0)]
    below: f64,
    /// Name of the new column (default: the raw column's name, replaced).
    #[arg(long)]
    name: Option<String>,
    /// Write the calibrated data matrix here (CSV); default: print the values.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Output format when printing.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Runs `ambit qca`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        QcaCommand::Tt(a) => run_tt(a),
        QcaCommand::Minimize(a) => run_minimize(a),
        QcaCommand::Necessity(a) => run_necessity(a),
        QcaCommand::Fit(a) => run_fit(a),
        QcaCommand::Calibrate(a) => run_calibrate(a),
        QcaCommand::Robust(a) => super::qca_robust::run(a),
    }
}

/// Reads a data matrix, refusing a case label used twice.
pub(crate) fn load(path: &Path) -> anyhow::Result<DataMatrix> {
    let data = DataMatrix::from_csv_path(path)?;
    data.check_unique_cases()?;
    Ok(data)
}

/// The names of a comma-separated list, blanks dropped.
pub(crate) fn names(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

fn build_tt(a: &TtArgs) -> anyhow::Result<TruthTable> {
    let mut p = TtParams::new(a.input.outcome.clone());
    p.conditions = names(&a.input.conditions);
    p.incl_cut = match a.incl_cut.as_slice() {
        [one] => InclCut::single(*one),
        [one, zero] => InclCut {
            one: *one,
            zero: *zero,
        },
        other => bail!("--incl-cut takes one or two values, got {}", other.len()),
    };
    (p.n_cut, p.pri_cut, p.inf_test) = (a.n_cut, a.pri_cut, a.inf_test);
    let tt = TruthTable::build(&load(&a.input.data)?, &p)?;
    tt.warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    Ok(tt)
}

fn run_tt(a: TtCommandArgs) -> anyhow::Result<()> {
    let tt = build_tt(&a.tt)?;
    let keys = a
        .sort_by
        .iter()
        .map(|k| SortKey::parse(k))
        .collect::<Result<Vec<_>, _>>()?;
    emit(
        &render::truth_table_document(&tt, &keys, a.dcc, a.tt.input.format),
        None,
    )
}

fn min_params(a: &MinimizeArgs) -> anyhow::Result<MinParams> {
    let include: Vec<&str> = a.include.split(',').map(str::trim).collect();
    if let Some(bad) = include.iter().find(|s| !["?", "C", ""].contains(s)) {
        bail!("--include takes `?` (remainders) and/or `C` (contradictions), not `{bad}`");
    }
    if let Some(t) = a.time_limit.filter(|t| !(t.is_finite() && *t > 0.0)) {
        bail!("--time-limit {t}: give a positive number of seconds");
    }
    Ok(MinParams {
        include_remainders: include.contains(&"?"),
        include_contradictions: include.contains(&"C"),
        dir_exp: a.dir_exp.as_deref().map(split_dir_exp).unwrap_or_default(),
        row_dom: a.row_dom,
        search: match (a.all_sol, a.first_min) {
            (true, _) => ModelSearch::AllIrredundant,
            (_, true) => ModelSearch::FirstMinimal,
            _ => ModelSearch::AllMinimal,
        },
        exclude: a.exclude.clone(),
        pi_cons: a.pi_cons,
        sol_cons: a.sol_cons,
        sol_cov: a.sol_cov,
        min_pin: a.min_pin,
    })
}

/// The budget of a minimisation: its limits, Ctrl-C (polled by a watcher thread while the
/// guard holds the one handler back) and a spinner on 12 conditions or more.
fn budget(a: &MinimizeArgs, spinner: Option<indicatif::ProgressBar>) -> Budget {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    std::thread::spawn(move || {
        // until the minimisation has dropped its budget
        while Arc::strong_count(&flag) > 1 {
            if crate::interrupt::requested() {
                flag.store(true, Ordering::Relaxed);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    });
    Budget {
        deadline: a
            .time_limit
            .map(|t| std::time::Instant::now() + std::time::Duration::from_secs_f64(t)),
        max_memory: a.max_memory.map(|mb| mb.saturating_mul(1 << 20)),
        cancel: Some(cancel),
        progress: Some(Arc::new(move |p: &Progress| {
            if let Some(pb) = &spinner {
                let best = p
                    .best
                    .map_or(String::new(), |b| format!(", best so far {b}"));
                pb.set_message(format!(
                    "{}: {} implicants, no model below {} terms{best} (Ctrl-C to stop)",
                    p.stage, p.implicants, p.lower_bound
                ));
            }
        })),
    }
}

fn run_minimize(a: MinimizeArgs) -> anyhow::Result<()> {
    let tt = build_tt(&a.tt)?;
    let params = min_params(&a)?;
    let spinner = (tt.conditions.len() >= 12).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message(format!(
            "minimising {} conditions (Ctrl-C to stop with the best models so far)",
            tt.conditions.len()
        ));
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    });
    let guard = crate::interrupt::Guard::new();
    let sol = minimize_with(&tt, &params, a.chart, &budget(&a, spinner.clone()))
        .with_context(|| format!("minimising {}", a.tt.input.data.display()));
    drop(guard);
    spinner.inspect(|pb| pb.finish_and_clear());
    let sol = sol?;
    sol.warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    let certificate = sol.certificate.describe();
    if !sol.warnings.contains(&certificate) {
        eprintln!("{certificate}");
    }
    let text = match a.tt.input.format {
        Format::Json => render::json(&MinimizeOutput {
            params: &params,
            solution: &sol,
            truth_table: &tt,
        }),
        f => Table::render_all(&render::solution_tables(&sol), f),
    };
    emit(&text, None)
}

/// JSON document of `ambit qca minimize`: parameters, solution, truth table.
#[derive(serde::Serialize)]
struct MinimizeOutput<'a> {
    params: &'a MinParams,
    #[serde(flatten)]
    solution: &'a Solution,
    truth_table: &'a TruthTable,
}

fn run_necessity(a: NecessityArgs) -> anyhow::Result<()> {
    let p = SuperSubsetParams {
        outcome: a.input.outcome.clone(),
        conditions: names(&a.input.conditions),
        relation: a.relation,
        incl_cut: a.incl_cut,
        cov_cut: a.cov_cut,
        ron_cut: a.ron_cut,
        pri_cut: a.pri_cut,
        depth: a.depth,
    };
    let report = super_subset_report(&load(&a.input.data)?, &p)?;
    report
        .warnings
        .iter()
        .for_each(|w| eprintln!("warning: {w}"));
    let text = match a.input.format {
        Format::Json => render::superset_json(&report.rows, p.relation, &a.input.outcome),
        f => render::superset_table(&report.rows, p.relation, (a.incl_cut, a.cov_cut)).render(f),
    };
    emit(&text, None)
}

fn run_fit(a: FitArgs) -> anyhow::Result<()> {
    let expr = Expression::parse(&a.expression)?;
    let rel = a.relation;
    let rows = pof(&load(&a.data)?, &expr, &a.outcome, rel)?;
    let text = match a.format {
        Format::Json => {
            render::json(&serde_json::json!({"relation": rel, "outcome": a.outcome, "rows": rows}))
        }
        f => render::pof_table(&rows, rel).render(f),
    };
    emit(&text, None)
}

/// The thresholds given, or found by findTh for crisp and indirect groups.
fn thresholds(a: &CalibrateArgs, x: &[f64]) -> anyhow::Result<ThresholdList> {
    let given = ThresholdList::parse(&a.thresholds)?;
    let Some(n) = a.find_th else {
        return Ok(given);
    };
    if !given.0.is_empty()
        || !matches!(
            a.method,
            calibrate::Method::Crisp | calibrate::Method::Indirect
        )
    {
        bail!("--find-th finds group thresholds: use it with --method crisp or indirect, without --thresholds");
    }
    let found = calibrate::find_thresholds(x, n)?;
    let list: Vec<String> = found.iter().map(f64::to_string).collect();
    eprintln!(
        "findTh (complete linkage) on `{}`: thresholds {}",
        a.column,
        list.join(", ")
    );
    Ok(ThresholdList(
        found.into_iter().map(|v| (None, v)).collect(),
    ))
}

fn run_calibrate(a: CalibrateArgs) -> anyhow::Result<()> {
    let mut data = load(&a.data)?;
    let x = data.complete_column(&a.column)?;
    let settings = calibrate::Settings {
        log_odds: LogOdds::parse(&a.log_odds)?,
        above: a.above,
        below: a.below,
        direction: a.direction,
    };
    let ths = thresholds(&a, &x)?;
    let (values, description) = calibrate::calibrate(&x, a.method, &ths, &settings)?;
    let name = a.name.clone().unwrap_or_else(|| a.column.clone());
    eprintln!("calibration of `{}` -> `{name}`: {description}", a.column);
    if let Some(out) = &a.output {
        data.set_column(name, values.iter().map(|v| Some(*v)).collect())?;
        let guard = crate::interrupt::Guard::new();
        if !render::write_data_csv(&data, out, || !crate::interrupt::requested())? {
            return Err(crate::interrupt::Interrupted.into());
        }
        eprintln!("wrote {}", out.display());
        // The output is whole: free the large columns while Ctrl-C is still ours, so that a
        // Ctrl-C during that (seconds on a large file) does not turn a finished command into
        // exit 130.
        drop((data, x, values));
        drop(guard);
        return Ok(());
    }
    let (raw, cal) = ((a.column.as_str(), &x[..]), (name.as_str(), &values[..]));
    let text = match a.format {
        Format::Json => render::calibration_json(data.cases(), raw, cal, &description),
        f => render::calibration_table(data.cases(), raw, cal, &description).render(f),
    };
    emit(&text, None)
}
