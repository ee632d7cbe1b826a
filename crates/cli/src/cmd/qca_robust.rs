//! `ambit qca robust`: reruns a minimisation over ranges of inclusion and frequency cutoffs and
//! calibration crossovers (`ambit_qca::robust`), and reports the stable ranges, the surviving
//! terms and the cases that flip, as a table or JSON, with an optional SVG chart.

use ambit_qca::calibrate::{LogOdds, Thresholds};
use ambit_qca::robust::{robustness, RobustParams, VariedCalibration};
use ambit_qca::{DataMatrix, InclCut, MinParams, TtParams};
use ambit_report::robust::{chart_svg, ParameterStrip, TermBar};
use anyhow::{bail, Context};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Flags of `ambit qca robust`.
#[derive(clap::Args)]
pub struct Args {
    /// Data matrix (CSV, first column = case labels), with the raw columns of varied calibrations.
    data: PathBuf,
    /// Outcome column (`~Y` negated).
    #[arg(long, allow_hyphen_values = true)]
    outcome: String,
    /// Conditions (comma-separated); default: every other column.
    #[arg(long, value_delimiter = ',')]
    conditions: Vec<String>,
    /// Base inclusion cutoff.
    #[arg(long, default_value_t = 1.0)]
    incl_cut: f64,
    /// Base frequency cutoff.
    #[arg(long, default_value_t = 1)]
    n_cut: usize,
    /// Use remainders (parsimonious solutions), as `minimize --include ?`.
    #[arg(long)]
    remainders: bool,
    /// Inclusion cutoffs to try, comma-separated (e.g. 0.75,0.8,0.85,0.9).
    #[arg(long, value_delimiter = ',')]
    incl_range: Vec<f64>,
    /// Frequency cutoffs to try, comma-separated.
    #[arg(long, value_delimiter = ',')]
    n_cut_range: Vec<usize>,
    /// A direct calibration to vary: `SET:RAW:E:C:I:X1/X2/...` (set name, raw column, base
    /// anchors, crossovers to try). Repeat for several sets.
    #[arg(long = "vary", allow_hyphen_values = true)]
    vary: Vec<String>,
    /// Log-odds convention of those calibrations: `qca` (0.95) or `fsqca` (+-3).
    #[arg(long, default_value = "fsqca")]
    log_odds: String,
    /// Largest number of parameter combinations computed.
    #[arg(long, default_value_t = 2000)]
    max_grid: usize,
    /// Write the chart here (SVG).
    #[arg(long)]
    chart: Option<PathBuf>,
    /// Print JSON instead of the table.
    #[arg(long)]
    json: bool,
}

fn parse_vary(text: &str) -> anyhow::Result<VariedCalibration> {
    let parts: Vec<&str> = text.split(':').map(str::trim).collect();
    let [set, raw, e, c, i, xs] = parts.as_slice() else {
        bail!("--vary `{text}`: expected SET:RAW:E:C:I:X1/X2/...");
    };
    let num = |field: &str, v: &str| -> anyhow::Result<f64> {
        v.parse()
            .with_context(|| format!("--vary `{text}`: {field} `{v}` is not a number"))
    };
    Ok(VariedCalibration {
        column: raw.to_string(),
        set: set.to_string(),
        thresholds: Thresholds {
            exclusion: num("exclusion anchor", e)?,
            crossover: num("crossover", c)?,
            inclusion: num("inclusion anchor", i)?,
        },
        crossovers: xs
            .split('/')
            .map(|x| num("crossover to try", x))
            .collect::<anyhow::Result<_>>()?,
    })
}

/// Runs `ambit qca robust`.
pub fn run(a: Args) -> anyhow::Result<()> {
    let data = DataMatrix::from_csv_path(&a.data)?;
    let mut tt = TtParams::new(a.outcome.clone());
    tt.conditions = a
        .conditions
        .iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    tt.incl_cut = InclCut::single(a.incl_cut);
    tt.n_cut = a.n_cut;
    let log_odds = match a.log_odds.as_str() {
        "qca" => LogOdds::QcaDefault,
        "fsqca" => LogOdds::FsQca,
        other => bail!("--log-odds `{other}`: use qca or fsqca"),
    };
    let params = RobustParams {
        tt,
        min: MinParams {
            include_remainders: a.remainders,
            ..MinParams::default()
        },
        incl_cuts: a.incl_range.clone(),
        n_cuts: a.n_cut_range.clone(),
        calibrations: a
            .vary
            .iter()
            .map(|v| parse_vary(v))
            .collect::<anyhow::Result<_>>()?,
        log_odds,
        max_grid: a.max_grid,
    };
    let r = robustness(&data, &params)
        .with_context(|| format!("robustness of {}", a.data.display()))?;
    if let Some(path) = &a.chart {
        let terms: Vec<TermBar> = r
            .terms
            .iter()
            .map(|t| TermBar {
                term: t.term.clone(),
                share: t.share,
                in_base: t.in_base,
            })
            .collect();
        let strips: Vec<ParameterStrip> = r
            .ranges
            .iter()
            .filter(|p| !p.points.is_empty())
            .map(|p| ParameterStrip {
                parameter: p.parameter.clone(),
                base: p.base,
                values: p.points.iter().map(|x| (x.value, x.same)).collect(),
            })
            .collect();
        let title = format!("Robustness of {} -> {}", r.base_solution, a.outcome);
        ambit_report::atomic::write_atomic(path, chart_svg(&title, &terms, &strips).as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    let mut s = String::new();
    if a.json {
        writeln!(s, "{}", serde_json::to_string_pretty(&r)?)?;
    } else {
        writeln!(s, "Base solution: {} -> {}\n", r.base_solution, a.outcome)?;
        writeln!(s, "Same solution over (others at their base values):")?;
        for p in r.ranges.iter().filter(|p| !p.points.is_empty()) {
            writeln!(
                s,
                "  {:<22} {} to {} (base {}; {} of {} values tried give it)",
                p.parameter,
                p.stable_from,
                p.stable_to,
                p.base,
                p.points.iter().filter(|x| x.same).count(),
                p.points.len()
            )?;
            for x in p.points.iter().filter(|x| !x.same) {
                writeln!(s, "      at {}: {}", x.value, x.solution)?;
            }
        }
        writeln!(
            s,
            "\nTerms across {} parameter settings ({} without a solution):",
            r.grid_points, r.no_solution
        )?;
        for t in &r.terms {
            writeln!(
                s,
                "  {:<24} {:>5.1}%  {}",
                t.term,
                t.share * 100.0,
                if t.in_base { "base" } else { "" }
            )?;
        }
        if r.flips.is_empty() {
            writeln!(s, "\nNo case changes membership in the solution.")?;
        } else {
            writeln!(s, "\nCases whose membership in the solution flips:")?;
            for f in &r.flips {
                writeln!(
                    s,
                    "  {:<16} {} in {} settings",
                    f.case,
                    if f.in_base { "leaves" } else { "enters" },
                    f.flipped
                )?;
            }
        }
    }
    print!("{s}");
    Ok(())
}
