//! `ambit qca`: calibration, truth tables, minimisation, necessity and fit (crate `ambit-qca`);
//! every result is rendered by `ambit_report::qca` in the `--format` asked.

use crate::common::{emit, Format};
use ambit_qca::calibrate::{self, Calibrated, Calibration, Direction, LogOdds, ThresholdList};
use ambit_qca::options::{self, condition_names, Include};
use ambit_qca::{
    minimize_with, pof, split_dir_exp, super_subset_report, Budget, ChartScope, DataMatrix,
    Expression, InclCut, MinParams, ModelSearch, Progress, Relation, SortKey, SortOrder,
    SuperSubsetParams, TruthTable, TtParams,
};
use ambit_report::qca as render;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// Runs `ambit qca`: each subcommand's flags become plain values at this boundary.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        QcaCommand::Tt(a) => {
            let keys = (a.sort_by.iter())
                .map(|k| SortKey::parse(k))
                .collect::<Result<Vec<_>, _>>()?;
            let input = &a.tt.input;
            tt(&input.data, &a.tt.params()?, &keys, a.dcc, input.format)
        }
        QcaCommand::Minimize(a) => {
            let (tt, params, input) = (a.tt.params()?, a.params()?, &a.tt.input);
            let seconds = options::time_limit(a.time_limit, "--time-limit")?;
            let megabytes = a.max_memory;
            minimize(
                &input.data,
                &tt,
                &params,
                a.chart,
                seconds,
                megabytes,
                input.format,
            )
        }
        QcaCommand::Necessity(a) => {
            let p = SuperSubsetParams {
                outcome: a.input.outcome.clone(),
                conditions: condition_names(&a.input.conditions),
                relation: a.relation,
                incl_cut: a.incl_cut,
                cov_cut: a.cov_cut,
                ron_cut: a.ron_cut,
                pri_cut: a.pri_cut,
                depth: a.depth,
            };
            necessity(&a.input.data, &p, a.input.format)
        }
        QcaCommand::Fit(a) => {
            let expr = Expression::parse(&a.expression)?;
            fit(&a.data, &expr, &a.outcome, a.relation, a.format)
        }
        QcaCommand::Calibrate(a) => {
            let c = Calibration {
                column: a.column.clone(),
                method: a.method,
                thresholds: ThresholdList::parse(&a.thresholds)?,
                find_th: a.find_th,
                settings: calibrate::Settings {
                    log_odds: LogOdds::parse(&a.log_odds)?,
                    above: a.above,
                    below: a.below,
                    direction: a.direction,
                },
            };
            let name = a.name.as_deref().unwrap_or(&a.column);
            calibrate(&a.data, &c, name, a.output.as_deref(), a.format)
        }
        QcaCommand::Robust(a) => super::qca_robust::run(a),
    }
}

impl TtArgs {
    /// The truth table's parameters.
    fn params(&self) -> anyhow::Result<TtParams> {
        let mut p = TtParams::new(self.input.outcome.clone());
        p.conditions = condition_names(&self.input.conditions);
        p.incl_cut = InclCut::from_list(&self.incl_cut, "--incl-cut")?;
        (p.n_cut, p.pri_cut, p.inf_test) = (self.n_cut, self.pri_cut, self.inf_test);
        Ok(p)
    }
}

impl MinimizeArgs {
    /// The minimisation's parameters.
    fn params(&self) -> anyhow::Result<MinParams> {
        let include = Include::parse(&self.include, "--include")?;
        Ok(MinParams {
            include_remainders: include.remainders,
            include_contradictions: include.contradictions,
            dir_exp: self
                .dir_exp
                .as_deref()
                .map(split_dir_exp)
                .unwrap_or_default(),
            row_dom: self.row_dom,
            search: match (self.all_sol, self.first_min) {
                (true, _) => ModelSearch::AllIrredundant,
                (_, true) => ModelSearch::FirstMinimal,
                _ => ModelSearch::AllMinimal,
            },
            exclude: self.exclude.clone(),
            pi_cons: self.pi_cons,
            sol_cons: self.sol_cons,
            sol_cov: self.sol_cov,
            min_pin: self.min_pin,
        })
    }
}

/// The truth table of `data` under `p`, its warnings on stderr.
fn build_tt(data: &Path, p: &TtParams) -> anyhow::Result<TruthTable> {
    let tt = TruthTable::build(&DataMatrix::from_csv_path_unique(data)?, p)?;
    tt.warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    Ok(tt)
}

/// `ambit qca tt`: the truth table, its rows sorted by `keys`.
fn tt(
    data: &Path,
    p: &TtParams,
    keys: &[(SortKey, SortOrder)],
    dcc: bool,
    format: Format,
) -> anyhow::Result<()> {
    let tt = build_tt(data, p)?;
    emit(&render::truth_table_document(&tt, keys, dcc, format), None)
}

/// `ambit qca minimize` within `seconds` and `megabytes` of charts; a spinner on 12 conditions
/// or more, and Ctrl-C stops with the best models so far (the guard holds the handler back).
fn minimize(
    data: &Path,
    tt: &TtParams,
    params: &MinParams,
    chart: ChartScope,
    seconds: Option<Duration>,
    megabytes: Option<usize>,
    format: Format,
) -> anyhow::Result<()> {
    let tt = build_tt(data, tt)?;
    let n = tt.conditions.len();
    let spinner = (n >= 12).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message(format!(
            "minimising {n} conditions (Ctrl-C to stop with the best models so far)"
        ));
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    });
    let pb = spinner.clone();
    let budget = Budget {
        deadline: seconds.map(|t| Instant::now() + t),
        max_memory: megabytes.map(|mb| mb.saturating_mul(1 << 20)),
        cancel: Some(crate::interrupt::shared()),
        progress: Some(Arc::new(move |p: &Progress| {
            if let Some(pb) = &pb {
                pb.set_message(format!("{p} (Ctrl-C to stop)"));
            }
        })),
    };
    let guard = crate::interrupt::Guard::new();
    let sol = minimize_with(&tt, params, chart, &budget)
        .with_context(|| format!("minimising {}", data.display()));
    drop((guard, budget));
    spinner.inspect(|pb| pb.finish_and_clear());
    let sol = sol?;
    render::minimize_notices(&sol)
        .iter()
        .for_each(|l| eprintln!("{l}"));
    emit(&render::minimize_document(params, &sol, &tt, format), None)
}

/// `ambit qca necessity`: the superset search `p` over `data`.
fn necessity(data: &Path, p: &SuperSubsetParams, format: Format) -> anyhow::Result<()> {
    let report = super_subset_report(&DataMatrix::from_csv_path_unique(data)?, p)?;
    (report.warnings.iter()).for_each(|w| eprintln!("warning: {w}"));
    let cuts = (p.incl_cut, p.cov_cut);
    let text = render::superset_document(&report.rows, p.relation, &p.outcome, cuts, format);
    emit(&text, None)
}

/// `ambit qca fit`: the fit of `expr` for `outcome` in `data`.
fn fit(
    data: &Path,
    expr: &Expression,
    outcome: &str,
    rel: Relation,
    format: Format,
) -> anyhow::Result<()> {
    let rows = pof(&DataMatrix::from_csv_path_unique(data)?, expr, outcome, rel)?;
    emit(&render::pof_document(&rows, rel, outcome, format), None)
}

/// `ambit qca calibrate`: writes the matrix with the calibrated column `name` to `output`, or
/// prints the raw and calibrated values in `format`.
fn calibrate(
    data: &Path,
    c: &Calibration,
    name: &str,
    output: Option<&Path>,
    format: Format,
) -> anyhow::Result<()> {
    let mut data = DataMatrix::from_csv_path_unique(data)?;
    let Calibrated {
        raw,
        values,
        description,
        found,
    } = c.apply(&data)?;
    let method = &description;
    for line in render::calibration_notices(&c.column, name, method, found.as_deref()) {
        eprintln!("{line}");
    }
    if let Some(out) = output {
        data.set_column(name, values.iter().map(|v| Some(*v)).collect())?;
        let guard = crate::interrupt::Guard::new();
        if !render::write_data_csv(&data, out, || !crate::interrupt::requested())? {
            return Err(crate::interrupt::Interrupted.into());
        }
        eprintln!("wrote {}", out.display());
        // The output is whole: free the large columns while Ctrl-C is still ours, so that a
        // Ctrl-C during that (seconds on a large file) does not turn a finished command into
        // exit 130.
        drop((data, raw, values));
        drop(guard);
        return Ok(());
    }
    let (raw, cal) = ((c.column.as_str(), &raw[..]), (name, &values[..]));
    let text = render::calibration_document(data.cases(), raw, cal, &description, format);
    emit(&text, None)
}
