//! `ambit assess`: apply a model to a candidate partnership (`ambit_cases::assess`).

use crate::common::{emit, text_table, Format};
use ambit_cases::assess::{Assessment, Holds, PathResult};
use ambit_cases::collection::Collection;
use ambit_cases::derive::{model_from_cases, SolutionKind};
use ambit_cases::{assess, Case, ConditionSpec, MatrixSpec, Model, Profile, Scale, UnknownPolicy};
use std::path::PathBuf;

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
    #[arg(long, value_enum, default_value_t = SolutionArg::Parsimonious)]
    solution: SolutionArg,
    /// With `--cases --solution intermediate`: directional expectations (`LEAD,~HOMO`).
    #[arg(long, value_delimiter = ',')]
    dir_exp: Vec<String>,
    /// With `--cases`: refuse unknown values, or drop the cases that have them (listed).
    #[arg(long, value_enum, default_value_t = UnknownArg::Refuse)]
    unknown: UnknownArg,
    /// With `--cases`: crisp (0/1) or fuzzy matrix.
    #[arg(long, value_enum, default_value_t = ScaleArg::Crisp)]
    scale: ScaleArg,
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

#[derive(clap::ValueEnum, Clone, Copy)]
enum SolutionArg {
    Conservative,
    Parsimonious,
    Intermediate,
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum UnknownArg {
    Refuse,
    Drop,
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum ScaleArg {
    Crisp,
    Fuzzy,
}

/// Runs `ambit assess`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let model = load_model(&args)?;
    let partnership = Case::read(&args.partnership, Profile::Partnership)?;
    let a = assess(&model, &partnership)?;
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&a)? + "\n",
        Format::Table => render(&a, false),
        Format::Markdown => render(&a, true),
        Format::Csv => paths_csv(&a),
    };
    emit(&text, args.output.as_deref())
}

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
    if let Some(m) = Model::builtin(name) {
        return Ok(m?);
    }
    let path = PathBuf::from(name);
    if !path.exists() {
        anyhow::bail!(
            "--model {name}: neither a shipped model ({}) nor a file",
            Model::builtin_names().join(", ")
        );
    }
    Ok(Model::read(&path)?)
}

/// Runs the QCA on the user's cases; the dropped cases are named on stderr.
fn derive(args: &Args) -> anyhow::Result<Model> {
    let coll = Collection::load(&args.cases)?;
    let table = coll.table()?;
    let spec = MatrixSpec {
        conditions: args.conditions.clone(),
        outcome: Some(args.outcome.clone()),
        scale: match args.scale {
            ScaleArg::Crisp => Scale::Crisp,
            ScaleArg::Fuzzy => Scale::Fuzzy,
        },
        unknowns: match args.unknown {
            UnknownArg::Refuse => UnknownPolicy::Refuse,
            UnknownArg::Drop => UnknownPolicy::DropCases,
        },
    };
    let kind = match args.solution {
        SolutionArg::Conservative => SolutionKind::Conservative,
        SolutionArg::Parsimonious => SolutionKind::Parsimonious,
        SolutionArg::Intermediate => SolutionKind::Intermediate,
    };
    let name = args
        .cases
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(",");
    let d = model_from_cases(&table, &spec, kind, &args.dir_exp, &format!("qca:{name}"))?;
    if !d.matrix.dropped.is_empty() {
        eprintln!("notice: {}", d.matrix.dropped_notice());
    }
    Ok(d.model)
}

/// The success and failure paths as CSV.
fn paths_csv(a: &Assessment) -> String {
    let rows: Vec<Vec<String>> = a
        .paths
        .iter()
        .map(|p| ("success", p))
        .chain(a.failure_paths.iter().map(|p| ("failure", p)))
        .map(|(of, p)| {
            vec![
                of.to_string(),
                p.term.clone(),
                p.membership.low.to_string(),
                p.membership.high.to_string(),
                holds(p.holds).to_string(),
                p.missing.join(" "),
                p.unknown.join(" "),
                p.support.label().to_string(),
            ]
        })
        .collect();
    text_table(
        &[
            "outcome",
            "path",
            "membership_low",
            "membership_high",
            "holds",
            "missing",
            "unknown",
            "support",
        ],
        &rows,
        Format::Csv,
    )
}

fn holds(h: Holds) -> &'static str {
    match h {
        Holds::Yes => "holds",
        Holds::No => "does not hold",
        Holds::Undecided => "undecided",
    }
}

fn path_rows(paths: &[PathResult]) -> Vec<Vec<String>> {
    paths
        .iter()
        .map(|p| {
            let mut why = Vec::new();
            if !p.missing.is_empty() {
                why.push(format!("missing {}", p.missing.join(", ")));
            }
            if !p.unknown.is_empty() {
                why.push(format!("unknown {}", p.unknown.join(", ")));
            }
            vec![
                p.term.clone(),
                p.membership.to_string(),
                holds(p.holds).into(),
                if why.is_empty() {
                    "-".into()
                } else {
                    why.join("; ")
                },
                p.support.label().into(),
            ]
        })
        .collect()
}

/// The assessment as text (or Markdown).
fn render(a: &Assessment, md: bool) -> String {
    let format = if md { Format::Markdown } else { Format::Table };
    let tab = |h: &[&str], r: &[Vec<String>]| text_table(h, r, format);
    let head = |s: &str| {
        if md {
            format!("\n## {s}\n\n")
        } else {
            format!("\n{s}\n")
        }
    };
    let mut out = String::new();
    let item = if md { "- " } else { "" };
    out.push_str(&format!(
        "{}{} ({}): {}\n{}",
        if md { "# " } else { "" },
        a.partnership.id,
        a.partnership.file,
        a.partnership.name,
        if md { "\n" } else { "" }
    ));
    out.push_str(&format!(
        "{item}model {}: {} = {}{}\n",
        a.model.name,
        a.model.outcome,
        a.model.success,
        a.model
            .failure
            .as_ref()
            .map_or(String::new(), |f| format!(";  ~{} = {f}", a.model.outcome))
    ));
    out.push_str(&format!(
        "{item}predicted: {} (membership {}, failure membership {})",
        a.predicted.as_str().to_uppercase(),
        a.membership,
        a.failure_membership
    ));
    if let Some(obs) = a.partnership.observed {
        out.push_str(&format!("; observed: {}", obs.as_str()));
    }
    out.push('\n');
    out.push_str(&format!(
        "{item}data alone: {} ({}); rests on assumptions: {}; rests on unknowns: {}\n",
        a.data_only.predicted.as_str(),
        if a.data_only.same_configuration.is_empty() {
            format!("data-backed paths, membership {}", a.data_only.membership)
        } else {
            format!(
                "same configuration as {}",
                a.data_only.same_configuration.join(", ")
            )
        },
        if a.rests_on_assumptions { "yes" } else { "no" },
        if a.rests_on_unknowns { "yes" } else { "no" },
    ));
    let header = ["path", "membership", "holds", "why not", "support"];
    out.push_str(&head("success paths"));
    out.push_str(&tab(&header, &path_rows(&a.paths)));
    if !a.failure_paths.is_empty() {
        out.push_str(&head("failure paths"));
        out.push_str(&tab(&header, &path_rows(&a.failure_paths)));
    }
    if !a.reference_cases.is_empty() {
        out.push_str(&head("reference cases (most similar first)"));
        let rows: Vec<Vec<String>> = a
            .reference_cases
            .iter()
            .map(|r| {
                let list = |v: &[String]| {
                    if v.is_empty() {
                        "-".to_string()
                    } else {
                        v.join(", ")
                    }
                };
                vec![
                    r.case.clone(),
                    r.outcome.as_str().into(),
                    list(&r.differs_on),
                    list(&r.unknown),
                ]
            })
            .collect();
        out.push_str(&tab(&["case", "outcome", "differs on", "unknown"], &rows));
    }
    out.push_str(&head("conditions"));
    let rows: Vec<Vec<String>> = a
        .conditions
        .iter()
        .map(|(n, c)| {
            let basis: Vec<&str> = c.basis.iter().map(|b| b.as_str()).collect();
            vec![
                n.clone(),
                c.membership.to_string(),
                if c.written {
                    basis.join(", ")
                } else {
                    "not written".into()
                },
            ]
        })
        .collect();
    out.push_str(&tab(&["condition", "membership", "basis"], &rows));
    out.push_str(&head("assumptions"));
    if a.assumptions.is_empty() {
        out.push_str("none\n");
    }
    for x in &a.assumptions {
        out.push_str(&format!(
            "- {} ({}): {}\n",
            x.subject,
            x.kind,
            x.text.trim()
        ));
    }
    out.push_str(&head("barriers"));
    let rows: Vec<Vec<String>> = a
        .barriers
        .iter()
        .map(|b| {
            vec![
                b.name.to_string(),
                if b.membership.is_known() {
                    b.membership.to_string()
                } else {
                    "unknown".into()
                },
                b.quote.clone().unwrap_or_default(),
            ]
        })
        .collect();
    out.push_str(&tab(&["barrier", "membership", "quote"], &rows));
    out.push_str(&head("paradoxes"));
    if a.paradoxes.is_empty() {
        out.push_str("none coded\n");
    }
    for p in &a.paradoxes {
        out.push_str(&format!("- {}: {}\n", p.name, p.text.trim()));
    }
    out
}
