//! `ambit cases`: validate, list and tabulate coded cooperation cases (`ambit_cases`).

use crate::common::{emit, Format};
use ambit_cases::collection::Collection;
use ambit_cases::{ConditionSpec, Matrix, MatrixSpec, Profile, Scale, UnknownPolicy};
use std::path::{Path, PathBuf};

/// Flags of `ambit cases`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Check case files (*.toml) and case matrices (*.csv); list every error.
    Validate {
        /// Case files, CSV matrices, or directories holding them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Check candidate partnerships instead (fields may be left out, no performance).
        #[arg(long)]
        partnership: bool,
    },
    /// List the cases with their outcome and unknowns.
    List {
        /// Case files, CSV matrices, or directories holding them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Output file (written whole or not at all); standard output when absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Write a QCA data matrix (CSV): one row per case, chosen conditions, outcome last.
    Matrix {
        /// Case files, CSV matrices, or directories holding them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Conditions, comma-separated (`TIES,LEAD`; counts need a threshold: `NMUN>=20`).
        #[arg(long, value_delimiter = ',', required = true)]
        conditions: Vec<ConditionSpec>,
        /// The outcome column.
        #[arg(long, default_value = "SUCCESS")]
        outcome: ConditionSpec,
        /// Crisp (0/1; fuzzy scores dichotomised at 0.5) or fuzzy (scores as coded).
        #[arg(long, value_enum, default_value_t = Scale::Crisp)]
        scale: Scale,
        /// Unknown values: refuse the matrix, or drop the cases where a chosen condition is
        /// unknown (the dropped cases are listed on stderr).
        #[arg(long, value_enum, default_value_t = UnknownPolicy::Refuse)]
        unknown: UnknownPolicy,
        /// Output file (written whole or not at all); standard output when absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// List the condition names a case offers to matrices and models.
    Conditions,
}

/// Runs `ambit cases`.
pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Validate { paths, partnership } => validate(
            &paths,
            if partnership {
                Profile::Partnership
            } else {
                Profile::Case
            },
        ),
        Command::List {
            paths,
            format,
            output,
        } => list(&paths, format, output.as_deref()),
        Command::Matrix {
            paths,
            conditions,
            outcome,
            scale,
            unknown,
            output,
        } => {
            let spec = MatrixSpec {
                conditions,
                outcome: Some(outcome),
                scale,
                unknowns: unknown,
            };
            matrix(&paths, &spec, output.as_deref())
        }
        Command::Conditions => emit(&ambit_report::cases::conditions(), None),
    }
}

fn validate(paths: &[PathBuf], profile: Profile) -> anyhow::Result<()> {
    let coll = Collection::load_as(paths, profile)?;
    let table = coll.table()?;
    emit(
        &ambit_report::cases::validation(&table, coll.files.len()),
        None,
    )
}

fn list(paths: &[PathBuf], format: Format, output: Option<&Path>) -> anyhow::Result<()> {
    let coll = Collection::load(paths)?;
    let table = coll.table()?;
    emit(
        &ambit_report::cases::list(&table, &coll.cases, format)?,
        output,
    )
}

fn matrix(paths: &[PathBuf], spec: &MatrixSpec, output: Option<&Path>) -> anyhow::Result<()> {
    let coll = Collection::load(paths)?;
    let table = coll.table()?;
    let m = Matrix::build(&table, spec).map_err(|e| {
        let hint = spec.unknowns.hint(&e, "--unknown drop");
        anyhow::anyhow!("{e}{hint}")
    })?;
    crate::common::notices(&m.notices());
    emit(&m.to_csv(), output)
}
