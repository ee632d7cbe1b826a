//! `ambit assess`: apply a model to a candidate partnership (`ambit_cases::assess`).

use crate::common::{emit, Format};
use ambit_cases::derive::{model_from_files, SolutionKind};
use ambit_cases::{assess, Case, ConditionSpec, MatrixSpec, Model, Profile, Scale, UnknownPolicy};
use std::path::{Path, PathBuf};

/// Flags of `ambit assess`.
#[derive(clap::Args)]
pub struct Args {
    /// The candidate partnership (a case file; fields left out are unknown).
    partnership: PathBuf,
    /// A shipped model (`study-2018`, the default) or a model file (TOML).
    #[arg(long, conflicts_with_all = ["expr", "cases"])]
    model: Option<String>,
    /// Derive the model by QCA from these cases (case files, CSV matrices or directories).
    #[arg(long, num_args = 1.., conflicts_with = "expr", requires = "conditions")]
    cases: Vec<PathBuf>,
    /// With `--cases`: the conditions of the QCA, comma-separated (`TIES,LEAD`).
    #[arg(long, value_delimiter = ',')]
    conditions: Vec<ConditionSpec>,
    /// With `--cases`: the outcome.
    #[arg(long, default_value = "SUCCESS")]
    outcome: ConditionSpec,
    /// With `--cases`: which QCA solution becomes the model.
    #[arg(long, value_enum, default_value_t = SolutionKind::Parsimonious)]
    solution: SolutionKind,
    /// With `--cases --solution intermediate`: directional expectations (`LEAD,~HOMO`).
    #[arg(long, value_delimiter = ',')]
    dir_exp: Vec<String>,
    /// With `--cases`: refuse unknown values, or drop the cases that have them (listed).
    #[arg(long, value_enum, default_value_t = UnknownPolicy::Refuse)]
    unknown: UnknownPolicy,
    /// With `--cases`: crisp (0/1) or fuzzy matrix.
    #[arg(long, value_enum, default_value_t = Scale::Crisp)]
    scale: Scale,
    /// A model given as a sum of products, e.g. `TIES*TRUST + LEAD`.
    #[arg(long)]
    expr: Option<String>,
    /// With `--expr`: the failure expression, e.g. `~TIES*~LEAD` (default: 1 - success).
    #[arg(long, requires = "expr")]
    failure_expr: Option<String>,
    /// Output format (`csv`: the paths only).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Output file (written whole or not at all); standard output when absent.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// Runs `ambit assess`: the flags become the model at this boundary.
pub fn run(args: Args) -> anyhow::Result<()> {
    let model = load_model(&args)?;
    assess_partnership(
        &model,
        &args.partnership,
        args.format,
        args.output.as_deref(),
    )
}

/// Assesses the candidate partnership of the case file `partnership` against `model`, written
/// to `output` (or printed) in `format`.
pub fn assess_partnership(
    model: &Model,
    partnership: &Path,
    format: Format,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let partnership = Case::read(partnership, Profile::Partnership)?;
    let a = assess(model, &partnership)?;
    emit(&ambit_report::assess::render(&a, format)?, output)
}

/// The model the flags name: derived from cases, given as expressions, shipped or a file.
fn load_model(args: &Args) -> anyhow::Result<Model> {
    if !args.cases.is_empty() {
        return derive(args);
    }
    if let Some(expr) = &args.expr {
        return Ok(Model::from_expressions(
            "expression",
            "SUCCESS",
            expr,
            args.failure_expr.as_deref(),
        )?);
    }
    let name = args.model.as_deref().unwrap_or("study-2018");
    Ok(Model::shipped_or_file(name, "--model")?)
}

/// Runs the QCA on the user's cases; the dropped cases are named on stderr.
fn derive(args: &Args) -> anyhow::Result<Model> {
    let spec = MatrixSpec {
        conditions: args.conditions.clone(),
        outcome: Some(args.outcome.clone()),
        scale: args.scale,
        unknowns: args.unknown,
    };
    let d = model_from_files(&args.cases, &spec, args.solution, &args.dir_exp)?;
    if !d.matrix.dropped.is_empty() {
        eprintln!("notice: {}", d.matrix.dropped_notice());
    }
    Ok(d.model)
}
