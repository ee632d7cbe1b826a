//! `ambit qca robust`: reruns a minimisation over ranges of inclusion and frequency cutoffs and
//! calibration crossovers (`ambit_qca::robust`); the stable ranges, the surviving terms and the
//! cases that flip are rendered by `ambit_report::qca`, with an optional SVG chart.

use crate::common::emit;
use ambit_qca::robust::{robustness, RobustParams};
use ambit_qca::{options, DataMatrix, InclCut, MinParams, TtParams};
use ambit_report::qca as render;
use anyhow::Context;
use std::path::PathBuf;

/// Flags of `ambit qca robust`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: super::qca::Input,
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
}

/// Runs `ambit qca robust`.
pub fn run(a: Args) -> anyhow::Result<()> {
    let input = &a.input;
    let data = DataMatrix::from_csv_path_unique(&input.data)?;
    let mut tt = TtParams::new(input.outcome.clone());
    tt.conditions = options::condition_names(&input.conditions);
    tt.incl_cut = InclCut::single(a.incl_cut);
    tt.n_cut = a.n_cut;
    let log_odds = options::anchored_log_odds(&a.log_odds, "--log-odds")?;
    let params = RobustParams {
        tt,
        min: MinParams {
            include_remainders: a.remainders,
            ..MinParams::default()
        },
        incl_cuts: a.incl_range.clone(),
        n_cuts: a.n_cut_range.clone(),
        calibrations: options::varied_calibrations(&a.vary, "--vary")?,
        log_odds,
        max_grid: a.max_grid,
    };
    let r = robustness(&data, &params)
        .with_context(|| format!("robustness of {}", input.data.display()))?;
    if let Some(path) = &a.chart {
        let svg = render::robustness_chart(&r, &input.outcome);
        ambit_report::atomic::write_atomic(path, svg.as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    emit(
        &render::robustness_document(&r, &input.outcome, input.format),
        None,
    )
}
