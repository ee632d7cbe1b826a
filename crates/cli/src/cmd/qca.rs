//! `ambit qca`: calibration, truth tables, minimisation, necessity and fit (crate `ambit-qca`).

use ambit_qca::calibrate::{self, Direction, LogOdds, Thresholds};
use ambit_qca::{
    minimize_with, pof, super_subset_report, Budget, ChartScope, DataMatrix, Expression, InclCut,
    MinParams, ModelSearch, PofRow, Progress, Relation, Solution, SortKey, SortOrder,
    SuperSubsetParams, TruthTable, TtParams,
};
use anyhow::{bail, Context};
use std::fmt::Write as _;
use std::io::Write as _;
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

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(clap::Args)]
struct TtArgs {
    /// Data matrix (CSV, first column = case labels).
    data: PathBuf,
    /// Outcome column; `~Y` for its negation, `Y[v]` for a category.
    #[arg(long, allow_hyphen_values = true)]
    outcome: String,
    /// Conditions (comma-separated); default: every other column.
    #[arg(long, value_delimiter = ',')]
    conditions: Vec<String>,
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
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
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
    chart: ChartArg,
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

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ChartArg {
    /// Every prime implicant up to 12 conditions, the usable ones beyond.
    Auto,
    /// Every prime implicant, as R lists them.
    Every,
    /// Only the implicants a minimum model can use (same models, far fewer implicants).
    Usable,
}

#[derive(clap::Args)]
struct NecessityArgs {
    /// Data matrix (CSV).
    data: PathBuf,
    /// Outcome column (`~Y` negated).
    #[arg(long, allow_hyphen_values = true)]
    outcome: String,
    /// Conditions (comma-separated); default: every other column.
    #[arg(long, value_delimiter = ',')]
    conditions: Vec<String>,
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
    relation: RelationArg,
    /// Largest number of conditions combined.
    #[arg(long)]
    depth: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RelationArg {
    Sufficiency,
    Necessity,
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
    relation: RelationArg,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Method {
    /// Logistic direct method (thresholds e,c,i).
    Direct,
    /// Piecewise linear / power (thresholds e,c,i; --above, --below).
    Linear,
    /// Bell shape (thresholds e1,c1,i1,i2,c2,e2).
    Bell,
    /// Crisp groups (one or more thresholds; --direction decreasing reverses them).
    Crisp,
    /// Indirect (Ragin 2008): groups by the thresholds, then a fractional logit fit.
    Indirect,
    /// Totally fuzzy and relative.
    Tfr,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DirectionArg {
    Increasing,
    Decreasing,
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
    method: Method,
    /// Thresholds: `e=400,c=550,i=900` (direct, linear), six named for bell, numbers for crisp.
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    thresholds: String,
    /// Log-odds convention of the direct method: `qca` (0.95), `fsqca` (+-3) or a degree like 0.9.
    #[arg(long, default_value = "fsqca")]
    log_odds: String,
    /// Crisp groups in increasing order of the raw values, or reversed (`decreasing`).
    #[arg(long, value_enum, default_value = "increasing")]
    direction: DirectionArg,
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
    #[arg(long, value_enum, default_value = "table")]
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

/// Reads a data matrix; repeated case labels are refused (a truth table's case lists and a
/// solution's cases would name two rows alike).
fn load(path: &Path) -> anyhow::Result<DataMatrix> {
    let data = DataMatrix::from_csv_path(path)?;
    let mut first: std::collections::HashMap<&str, usize> = Default::default();
    for (i, label) in data.cases().iter().enumerate() {
        if let Some(&j) = first.get(label.as_str()) {
            bail!(
                "{}: line {}: field `{}` = {label:?}: case label already used on line {}; give every case its own label",
                path.display(),
                data.line_of(i),
                "case",
                data.line_of(j)
            );
        }
        first.insert(label, i);
    }
    Ok(data)
}

fn tt_params(a: &TtArgs) -> anyhow::Result<TtParams> {
    let mut p = TtParams::new(a.outcome.clone());
    p.conditions = a
        .conditions
        .iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    p.incl_cut = match a.incl_cut.as_slice() {
        [one] => InclCut::single(*one),
        [one, zero] => InclCut {
            one: *one,
            zero: *zero,
        },
        other => bail!("--incl-cut takes one or two values, got {}", other.len()),
    };
    p.n_cut = a.n_cut;
    p.pri_cut = a.pri_cut;
    p.inf_test = a.inf_test;
    Ok(p)
}

fn build_tt(a: &TtArgs) -> anyhow::Result<TruthTable> {
    let data = load(&a.data)?;
    let tt = TruthTable::build(&data, &tt_params(a)?)?;
    for w in &tt.warnings {
        eprintln!("warning: {w}");
    }
    Ok(tt)
}

fn run_tt(a: TtCommandArgs) -> anyhow::Result<()> {
    let mut s = String::new();
    let tt = build_tt(&a.tt)?;
    let keys = a
        .sort_by
        .iter()
        .map(|k| parse_sort_key(k))
        .collect::<anyhow::Result<Vec<_>>>()?;
    match a.tt.format {
        Format::Json => writeln!(s, "{}", serde_json::to_string_pretty(&tt)?)?,
        Format::Table => write!(s, "{}", tt_table(&tt, &keys, a.dcc))?,
    }
    emit(&s)
}

/// `incl`, `incl-` (largest first, R's default) or `incl+` (smallest first).
fn parse_sort_key(text: &str) -> anyhow::Result<(SortKey, SortOrder)> {
    let t = text.trim();
    let (name, order) = match (t.strip_suffix('+'), t.strip_suffix('-')) {
        (Some(n), _) => (n, SortOrder::Increasing),
        (_, Some(n)) => (n, SortOrder::Decreasing),
        _ => (t, SortOrder::Decreasing),
    };
    let key = match name.to_ascii_lowercase().as_str() {
        "out" => SortKey::Out,
        "incl" => SortKey::Incl,
        "pri" => SortKey::Pri,
        "n" => SortKey::N,
        _ => bail!(
            "--sort-by `{text}`: sort by OUT, incl, PRI or n (a `+` suffix sorts smallest first)"
        ),
    };
    Ok((key, order))
}

fn num(v: f64) -> String {
    if v.is_nan() {
        "-".into()
    } else {
        format!("{v:.3}")
    }
}

fn tt_table(tt: &TruthTable, keys: &[(SortKey, SortOrder)], dcc: bool) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "Truth table of {} ({} observed rows of {})\n\n",
        tt.outcome,
        tt.observed_rows.len(),
        tt.n_rows_total
    ));
    s.push_str("  OUT: output value\n    n: number of cases in configuration\n incl: sufficiency inclusion score\n  PRI: proportional reduction in inconsistency\n\n");
    let width: Vec<usize> = tt.conditions.iter().map(|c| c.len().max(1)).collect();
    let rw = tt.n_rows_total.to_string().len();
    s.push_str(&format!("{:>rw$} ", ""));
    for (c, w) in tt.conditions.iter().zip(&width) {
        s.push_str(&format!(" {c:>w$}"));
    }
    s.push_str(if dcc {
        "   OUT    n  incl   PRI   DCC\n"
    } else {
        "   OUT    n  incl   PRI   cases\n"
    });
    for r in tt.sorted_rows(keys) {
        s.push_str(&format!("{:>rw$} ", r.row));
        for (v, w) in r.values.iter().zip(&width) {
            s.push_str(&format!(" {v:>w$}"));
        }
        let out = match r.out_if_kept {
            Some(k) => format!("{}({})", r.out.symbol(), k.symbol()),
            None => r.out.symbol().to_string(),
        };
        s.push_str(&format!(
            "   {out:<4} {:>3}  {}  {}  {}\n",
            r.n,
            num(r.incl),
            num(r.pri),
            if dcc { &r.dcc } else { &r.cases }.join(",")
        ));
    }
    s
}

fn split_dir_exp(text: &str) -> Vec<String> {
    // Commas separate expectations except inside brackets (X[1,2]); `;` also separates.
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for ch in text.chars() {
        match ch {
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            _ => {}
        }
        if (ch == ',' || ch == ';') && depth == 0 {
            out.push(std::mem::take(&mut cur).trim().to_string());
        } else {
            cur.push(ch);
        }
    }
    out.push(cur.trim().to_string());
    out.retain(|s| !s.is_empty());
    out
}

fn run_minimize(a: MinimizeArgs) -> anyhow::Result<()> {
    let mut s = String::new();
    let tt = build_tt(&a.tt)?;
    let include: Vec<&str> = a
        .include
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(bad) = include.iter().find(|s| **s != "?" && **s != "C") {
        bail!("--include takes `?` (remainders) and/or `C` (contradictions), not `{bad}`");
    }
    let params = MinParams {
        include_remainders: include.contains(&"?"),
        include_contradictions: include.contains(&"C"),
        dir_exp: a.dir_exp.as_deref().map(split_dir_exp).unwrap_or_default(),
        row_dom: a.row_dom,
        search: if a.all_sol {
            ModelSearch::AllIrredundant
        } else if a.first_min {
            ModelSearch::FirstMinimal
        } else {
            ModelSearch::AllMinimal
        },
        exclude: a.exclude.clone(),
        pi_cons: a.pi_cons,
        sol_cons: a.sol_cons,
        sol_cov: a.sol_cov,
        min_pin: a.min_pin,
    };
    if let Some(t) = a.time_limit {
        if !(t.is_finite() && t > 0.0) {
            bail!("--time-limit {t}: give a positive number of seconds");
        }
    }
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    let spinner = (tt.conditions.len() >= 12).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message(format!(
            "minimising {} conditions (Ctrl-C to stop with the best models so far)",
            tt.conditions.len()
        ));
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    });
    let shown = spinner.clone();
    let budget = Budget {
        deadline: a
            .time_limit
            .map(|t| std::time::Instant::now() + std::time::Duration::from_secs_f64(t)),
        max_memory: a.max_memory.map(|mb| mb.saturating_mul(1 << 20)),
        cancel: Some(cancel),
        progress: Some(Arc::new(move |p: &Progress| {
            if let Some(pb) = &shown {
                pb.set_message(format!(
                    "{}: {} implicants, no model below {} terms{} (Ctrl-C to stop)",
                    p.stage,
                    p.implicants,
                    p.lower_bound,
                    p.best
                        .map_or(String::new(), |b| format!(", best so far {b}"))
                ));
            }
        })),
    };
    let scope = match a.chart {
        ChartArg::Auto => ChartScope::Auto,
        ChartArg::Every => ChartScope::Every,
        ChartArg::Usable => ChartScope::Usable,
    };
    let sol = minimize_with(&tt, &params, scope, &budget)
        .with_context(|| format!("minimising {}", a.tt.data.display()));
    if let Some(pb) = spinner {
        pb.finish_and_clear();
    }
    let sol = sol?;
    for w in &sol.warnings {
        eprintln!("warning: {w}");
    }
    let certificate = sol.certificate.describe();
    if !sol.warnings.contains(&certificate) {
        eprintln!("{certificate}");
    }
    match a.tt.format {
        Format::Json => {
            let doc = MinimizeOutput {
                params: &params,
                solution: &sol,
                truth_table: &tt,
            };
            writeln!(s, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
        Format::Table => write!(s, "{}", solution_table(&sol))?,
    }
    emit(&s)
}

/// JSON document of `ambit qca minimize`: parameters, solution, truth table.
#[derive(serde::Serialize)]
struct MinimizeOutput<'a> {
    params: &'a MinParams,
    #[serde(flatten)]
    solution: &'a Solution,
    truth_table: &'a TruthTable,
}

fn fit_table(models: &[Vec<String>], fit: &ambit_qca::SolutionFit, outcome: &str) -> String {
    let mut s = String::new();
    for (i, m) in models.iter().enumerate() {
        s.push_str(&format!("M{}: {} -> {}\n", i + 1, m.join(" + "), outcome));
    }
    s.push('\n');
    for (i, mf) in fit.models.iter().enumerate() {
        let tw = mf
            .term_fit
            .iter()
            .map(|t| t.term.len())
            .max()
            .unwrap_or(4)
            .max(6);
        if fit.models.len() > 1 {
            s.push_str(&format!("M{}:\n", i + 1));
        }
        s.push_str(&format!(
            "   {:tw$}  inclS   PRI    covS   covU   cases\n",
            ""
        ));
        let line = "-".repeat(tw + 45);
        s.push_str(&format!("{line}\n"));
        for (j, t) in mf.term_fit.iter().enumerate() {
            let u = t.cov_u.map_or("  -  ".to_string(), num);
            s.push_str(&format!(
                "{:<2} {:tw$}  {}  {}  {}  {}  {}\n",
                j + 1,
                t.term,
                num(t.incl_s),
                num(t.pri),
                num(t.cov_s),
                u,
                t.cases
            ));
        }
        s.push_str(&format!("{line}\n"));
        let f = &mf.model_fit;
        s.push_str(&format!(
            "   {:tw$}  {}  {}  {}\n\n",
            format!("M{}", i + 1),
            num(f.incl_s),
            num(f.pri),
            num(f.cov_s)
        ));
    }
    s
}

fn solution_table(sol: &Solution) -> String {
    let mut s = fit_table(&sol.models, &sol.fit, &sol.outcome);
    if sol.model_ambiguity {
        s.push_str(&format!(
            "Model ambiguity: {} models explain the data equally well.\n",
            sol.models.len()
        ));
        s.push_str(&format!(
            "Essential prime implicants: {}\n\n",
            if sol.essential.is_empty() {
                "none".to_string()
            } else {
                sol.essential.join(", ")
            }
        ));
    }
    if let Some(sa) = &sol.simplifying_assumptions {
        for (m, rows) in sa {
            if !rows.is_empty() {
                let list: Vec<String> = rows.iter().map(|r| r.row.to_string()).collect();
                s.push_str(&format!(
                    "Simplifying assumptions ({m}): rows {}\n",
                    list.join(", ")
                ));
            }
        }
    }
    for i in &sol.intermediate {
        s.push_str(&format!(
            "\nIntermediate solution {} (conservative {} / parsimonious {}):\n",
            i.combination,
            i.conservative_model.join(" + "),
            i.parsimonious_model.join(" + ")
        ));
        let rows = |v: &[ambit_qca::RowRef]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.iter()
                    .map(|r| r.row.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        s.push_str(&format!(
            "Easy counterfactuals: rows {}\nDifficult counterfactuals: rows {}\n\n",
            rows(&i.easy_counterfactuals),
            rows(&i.difficult_counterfactuals)
        ));
        s.push_str(&fit_table(&i.models, &i.fit, &sol.outcome));
    }
    s
}

fn run_necessity(a: NecessityArgs) -> anyhow::Result<()> {
    let mut s = String::new();
    let data = load(&a.data)?;
    let p = SuperSubsetParams {
        outcome: a.outcome.clone(),
        conditions: a
            .conditions
            .iter()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect(),
        relation: match a.relation {
            RelationArg::Sufficiency => Relation::Sufficiency,
            RelationArg::Necessity => Relation::Necessity,
        },
        incl_cut: a.incl_cut,
        cov_cut: a.cov_cut,
        ron_cut: a.ron_cut,
        pri_cut: a.pri_cut,
        depth: a.depth,
    };
    let report = super_subset_report(&data, &p)?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let rows = report.rows;
    let (relation, [incl, third, cov]) = match p.relation {
        Relation::Necessity => ("necessity", ["inclN", "RoN", "covN"]),
        Relation::Sufficiency => ("sufficiency", ["inclS", "PRI", "covS"]),
    };
    match a.format {
        Format::Json => {
            let v: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| serde_json::json!({"expression": r.expression, incl: r.incl, third: r.ron_or_pri, cov: r.cov}))
                .collect();
            writeln!(
                s,
                "{}",
                serde_json::to_string_pretty(
                    &serde_json::json!({"relation": relation, "outcome": a.outcome, "expressions": v})
                )?
            )?;
        }
        Format::Table => {
            if rows.is_empty() {
                let adjective = match p.relation {
                    Relation::Necessity => "necessary",
                    Relation::Sufficiency => "sufficient",
                };
                writeln!(
                    s,
                    "No {adjective} expression with {incl} >= {} and {cov} >= {}.",
                    a.incl_cut, a.cov_cut
                )?;
            }
            let w = rows
                .iter()
                .map(|r| r.expression.len())
                .max()
                .unwrap_or(4)
                .max(4);
            writeln!(s, "   {:w$}  {incl}   {third}    {cov}", "")?;
            writeln!(s, "{}", "-".repeat(w + 26))?;
            for (i, r) in rows.iter().enumerate() {
                writeln!(
                    s,
                    "{:<2} {:w$}  {}  {}  {}",
                    i + 1,
                    r.expression,
                    num(r.incl),
                    num(r.ron_or_pri),
                    num(r.cov)
                )?;
            }
        }
    }
    emit(&s)
}

fn run_fit(a: FitArgs) -> anyhow::Result<()> {
    let mut s = String::new();
    let data = load(&a.data)?;
    let expr = Expression::parse(&a.expression)?;
    let relation = match a.relation {
        RelationArg::Sufficiency => Relation::Sufficiency,
        RelationArg::Necessity => Relation::Necessity,
    };
    let rows = pof(&data, &expr, &a.outcome, relation)?;
    match a.format {
        Format::Json => writeln!(
            s,
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"relation": relation, "outcome": a.outcome, "rows": rows})
            )?
        )?,
        Format::Table => {
            let w = rows
                .iter()
                .map(|r| match r {
                    PofRow::Sufficiency { expression, .. }
                    | PofRow::Necessity { expression, .. } => expression.len(),
                })
                .max()
                .unwrap_or(4)
                .max(10);
            match relation {
                Relation::Sufficiency => writeln!(s, "   {:w$}  inclS   PRI    covS   covU", "")?,
                Relation::Necessity => writeln!(s, "   {:w$}  inclN   RoN    covN", "")?,
            }
            writeln!(s, "{}", "-".repeat(w + 33))?;
            for (i, r) in rows.iter().enumerate() {
                match r {
                    PofRow::Sufficiency {
                        expression,
                        fit,
                        cov_u,
                    } => writeln!(
                        s,
                        "{:<2} {expression:w$}  {}  {}  {}  {}",
                        i + 1,
                        num(fit.incl_s),
                        num(fit.pri),
                        num(fit.cov_s),
                        cov_u.map_or("  -  ".into(), num)
                    )?,
                    PofRow::Necessity { expression, fit } => writeln!(
                        s,
                        "{:<2} {expression:w$}  {}  {}  {}",
                        i + 1,
                        num(fit.incl_n),
                        num(fit.ro_n),
                        num(fit.cov_n)
                    )?,
                }
            }
        }
    }
    emit(&s)
}

fn parse_thresholds(text: &str) -> anyhow::Result<Vec<(Option<String>, f64)>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|part| {
            let (name, value) = match part.split_once('=') {
                Some((n, v)) => (Some(n.trim().to_string()), v.trim()),
                None => (None, part),
            };
            let v: f64 = value
                .parse()
                .with_context(|| format!("threshold `{part}` is not a number"))?;
            Ok((name, v))
        })
        .collect()
}

fn named(ths: &[(Option<String>, f64)], names: &[&str]) -> anyhow::Result<Vec<f64>> {
    if ths.len() != names.len() {
        bail!(
            "expected {} thresholds ({}), got {}",
            names.len(),
            names.join(", "),
            ths.len()
        );
    }
    if ths.iter().all(|(n, _)| n.is_none()) {
        return Ok(ths.iter().map(|(_, v)| *v).collect());
    }
    names
        .iter()
        .map(|n| {
            ths.iter()
                .find(|(k, _)| k.as_deref() == Some(*n))
                .map(|(_, v)| *v)
                .with_context(|| format!("missing threshold `{n}`"))
        })
        .collect()
}

fn run_calibrate(a: CalibrateArgs) -> anyhow::Result<()> {
    let mut s = String::new();
    let mut data = load(&a.data)?;
    let x = data.complete_column(&a.column)?;
    let mut ths = parse_thresholds(&a.thresholds)?;
    if let Some(n) = a.find_th {
        if !ths.is_empty() {
            bail!("--find-th finds the thresholds: give it or --thresholds, not both");
        }
        if !matches!(a.method, Method::Crisp | Method::Indirect) {
            bail!("--find-th gives group thresholds: use it with --method crisp or indirect");
        }
        let found = calibrate::find_thresholds(&x, n)?;
        eprintln!(
            "findTh (complete linkage) on `{}`: thresholds {}",
            a.column,
            found
                .iter()
                .map(f64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        ths = found.into_iter().map(|v| (None, v)).collect();
    }
    if a.direction == DirectionArg::Decreasing && a.method != Method::Crisp {
        bail!(
            "--direction decreasing reverses crisp groups; for the other methods give the \
             thresholds in decreasing order (e.g. e=900,c=550,i=400)"
        );
    }
    let log_odds = match a.log_odds.as_str() {
        "qca" => LogOdds::QcaDefault,
        "fsqca" => LogOdds::FsQca,
        other => LogOdds::InclusionDegree(other.parse().with_context(|| {
            format!("--log-odds `{other}`: use qca, fsqca or a degree in (0.5, 1)")
        })?),
    };
    let three = |ths: &[(Option<String>, f64)]| -> anyhow::Result<Thresholds> {
        let v = named(ths, &["e", "c", "i"])?;
        Ok(Thresholds {
            exclusion: v[0],
            crossover: v[1],
            inclusion: v[2],
        })
    };
    let (values, description) = match a.method {
        Method::Direct => (
            calibrate::direct(&x, three(&ths)?, log_odds)?,
            format!("direct, logistic, {}", log_odds.describe()),
        ),
        Method::Linear => (
            calibrate::linear(&x, three(&ths)?, a.above, a.below)?,
            format!(
                "direct, linear/power (above {}, below {})",
                a.above, a.below
            ),
        ),
        Method::Bell => {
            let v = named(&ths, &["e1", "c1", "i1", "i2", "c2", "e2"])?;
            (
                calibrate::bell(&x, [v[0], v[1], v[2], v[3], v[4], v[5]], a.above, a.below)?,
                "bell".to_string(),
            )
        }
        Method::Crisp => {
            let direction = match a.direction {
                DirectionArg::Increasing => Direction::Increasing,
                DirectionArg::Decreasing => Direction::Decreasing,
            };
            let values: Vec<f64> = ths.iter().map(|(_, v)| *v).collect();
            (
                calibrate::crisp_directed(&x, &values, direction)?,
                match direction {
                    Direction::Increasing => "crisp".to_string(),
                    Direction::Decreasing => "crisp, reversed (decreasing)".to_string(),
                },
            )
        }
        Method::Indirect => (
            calibrate::indirect(&x, &ths.iter().map(|(_, v)| *v).collect::<Vec<_>>())?,
            "indirect (groups by the thresholds, fractional logit fit)".to_string(),
        ),
        Method::Tfr => (
            calibrate::tfr(&x)?,
            "totally fuzzy and relative".to_string(),
        ),
    };
    let name = a.name.clone().unwrap_or_else(|| a.column.clone());
    eprintln!("calibration of `{}` -> `{name}`: {description}", a.column);
    if let Some(out) = &a.output {
        data.set_column(name, values.iter().map(|v| Some(*v)).collect())?;
        write_csv_atomic(&data, out)?;
        eprintln!("wrote {}", out.display());
        return Ok(());
    }
    match a.format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = data
                .cases()
                .iter()
                .zip(&x)
                .zip(&values)
                .map(|((c, r), v)| serde_json::json!({"case": c, "raw": r, name.clone(): v}))
                .collect();
            writeln!(
                s,
                "{}",
                serde_json::to_string_pretty(
                    &serde_json::json!({"column": a.column, "method": description, "values": rows})
                )?
            )?;
        }
        Format::Table => {
            writeln!(s, "{:<12} {:>12} {:>10}", "case", a.column, name)?;
            for ((c, r), v) in data.cases().iter().zip(&x).zip(&values) {
                writeln!(s, "{c:<12} {r:>12} {:>10}", format!("{v:.4}"))?;
            }
        }
    }
    emit(&s)
}

/// Prints to stdout; a closed pipe (`| head`) ends the output quietly instead of panicking.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Writes the data matrix as CSV whole or not at all (`ambit_report::AtomicFile`); Ctrl-C
/// while writing (polled every 4,096 rows) removes the temporary file and leaves `out` as it was.
fn write_csv_atomic(data: &DataMatrix, out: &Path) -> anyhow::Result<()> {
    let _guard = crate::interrupt::Guard::new();
    let file = ambit_report::AtomicFile::create(out)?;
    let mut w = csv::Writer::from_writer(file);
    let mut header = vec!["case".to_string()];
    header.extend(data.column_names().iter().cloned());
    w.write_record(&header)?;
    let columns: Vec<&[Option<f64>]> = data
        .column_names()
        .iter()
        .filter_map(|n| data.column(n))
        .collect();
    for (i, case) in data.cases().iter().enumerate() {
        if i % 4096 == 0 {
            crate::interrupt::check()?;
        }
        let mut rec = vec![case.clone()];
        rec.extend(
            columns
                .iter()
                .map(|c| c[i].map(|v| v.to_string()).unwrap_or_default()),
        );
        w.write_record(&rec)?;
    }
    crate::interrupt::check()?;
    let file = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("{}: cannot write: {}", out.display(), e.error()))?;
    file.commit()?;
    Ok(())
}
