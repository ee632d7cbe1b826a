//! `ambit cases`: validate, list and tabulate coded cooperation cases (`ambit_cases`).

use crate::common::{emit, text_table, Format};
use ambit_cases::collection::Collection;
use ambit_cases::conditions::{Cell, CONDITIONS};
use ambit_cases::matrix::format_score;
use ambit_cases::{Coded, ConditionSpec, Matrix, MatrixSpec, Profile, Scale, UnknownPolicy};
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
        #[arg(long, value_enum, default_value_t = ScaleArg::Crisp)]
        scale: ScaleArg,
        /// Unknown values: refuse the matrix, or drop the cases where a chosen condition is
        /// unknown (the dropped cases are listed on stderr).
        #[arg(long, value_enum, default_value_t = UnknownArg::Refuse)]
        unknown: UnknownArg,
        /// Output file (written whole or not at all); standard output when absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// List the condition names a case offers to matrices and models.
    Conditions,
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum ScaleArg {
    Crisp,
    Fuzzy,
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum UnknownArg {
    Refuse,
    Drop,
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
                scale: match scale {
                    ScaleArg::Crisp => Scale::Crisp,
                    ScaleArg::Fuzzy => Scale::Fuzzy,
                },
                unknowns: match unknown {
                    UnknownArg::Refuse => UnknownPolicy::Refuse,
                    UnknownArg::Drop => UnknownPolicy::DropCases,
                },
            };
            matrix(&paths, &spec, output.as_deref())
        }
        Command::Conditions => {
            let rows: Vec<Vec<String>> = CONDITIONS
                .iter()
                .map(|d| vec![d.name.into(), d.field.into(), d.about.into()])
                .collect();
            emit(
                &text_table(&["name", "field", "meaning"], &rows, Format::Table),
                None,
            )
        }
    }
}

fn validate(paths: &[PathBuf], profile: Profile) -> anyhow::Result<()> {
    let coll = Collection::load_as(paths, profile)?;
    let table = coll.table()?;
    let mut out = String::new();
    for row in &table.rows {
        let unknown: Vec<&str> = row
            .cells
            .iter()
            .filter(|(_, (c, _))| !c.is_known())
            .map(|(n, _)| n.as_str())
            .collect();
        out.push_str(&format!(
            "ok  {:<6} {}  ({} unknown: {})\n",
            row.id,
            row.file,
            unknown.len(),
            if unknown.is_empty() {
                "none".to_string()
            } else {
                unknown.join(" ")
            }
        ));
    }
    out.push_str(&format!(
        "{} case(s) in {} file(s): valid\n",
        table.rows.len(),
        coll.files.len()
    ));
    emit(&out, None)
}

fn list(paths: &[PathBuf], format: Format, output: Option<&Path>) -> anyhow::Result<()> {
    let coll = Collection::load(paths)?;
    let table = coll.table()?;
    let by_id: std::collections::HashMap<&str, &ambit_cases::Case> =
        coll.cases.iter().map(|c| (c.id.as_str(), c)).collect();
    let outcome = |row: &ambit_cases::matrix::CaseRow| match row.cells.get("SUCCESS") {
        Some((Cell::Score(b), _)) => b
            .known()
            .map_or("unknown".to_string(), |m| format_score(m.value())),
        _ => "-".to_string(),
    };
    match format {
        Format::Json => {
            let items: Vec<serde_json::Value> = table
                .rows
                .iter()
                .map(|row| {
                    let case = by_id.get(row.id.as_str()).copied();
                    let conditions: serde_json::Map<String, serde_json::Value> = row
                        .cells
                        .iter()
                        .map(|(n, (c, _))| (n.clone(), cell_json(c)))
                        .collect();
                    serde_json::json!({
                        "id": row.id,
                        "name": case.map(|c| c.name.clone()),
                        "file": row.file,
                        "date": case.and_then(|c| c.performance.as_ref()?.date.clone()),
                        "paradoxes": case.map_or(0, |c| c.paradoxes.len()),
                        "conditions": conditions,
                    })
                })
                .collect();
            emit(&(serde_json::to_string_pretty(&items)? + "\n"), output)?;
        }
        Format::Table | Format::Markdown | Format::Csv => {
            let rows: Vec<Vec<String>> = table
                .rows
                .iter()
                .map(|row| {
                    let case = by_id.get(row.id.as_str()).copied();
                    let unknown = row.cells.values().filter(|(c, _)| !c.is_known()).count();
                    vec![
                        row.id.clone(),
                        case.map_or("-".into(), |c| c.name.clone()),
                        outcome(row),
                        case.and_then(|c| c.performance.as_ref()?.date.clone())
                            .unwrap_or_else(|| "-".into()),
                        format!("{unknown}/{}", row.cells.len()),
                        case.map_or("-".into(), |c| c.paradoxes.len().to_string()),
                        row.file.clone(),
                    ]
                })
                .collect();
            let header = [
                "id",
                "name",
                "SUCCESS",
                "date",
                "unknown",
                "paradoxes",
                "file",
            ];
            emit(&text_table(&header, &rows, format), output)?;
        }
    }
    Ok(())
}

fn cell_json(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Score(b) => b
            .known()
            .map_or(serde_json::Value::Null, |m| serde_json::json!(m.value())),
        Cell::Count(Coded::Known(n)) => serde_json::json!(n),
        Cell::Count(Coded::Unknown) => serde_json::Value::Null,
    }
}

fn matrix(paths: &[PathBuf], spec: &MatrixSpec, output: Option<&Path>) -> anyhow::Result<()> {
    let coll = Collection::load(paths)?;
    let table = coll.table()?;
    let m = Matrix::build(&table, spec).map_err(|e| {
        let hint = if spec.unknowns == UnknownPolicy::Refuse
            && e.to_string().contains("unknowns are refused")
        {
            "\nhint: `--unknown drop` analyses only the cases where every chosen condition is known"
        } else {
            ""
        };
        anyhow::anyhow!("{e}{hint}")
    })?;
    for (case, cond, score) in &m.dichotomised {
        eprintln!(
            "notice: {cond} of case {case} is {score}: dichotomised at 0.5 for a crisp matrix"
        );
    }
    if !m.dropped.is_empty() {
        eprintln!("notice: {}", m.dropped_notice());
    }
    emit(&m.to_csv(), output)
}
