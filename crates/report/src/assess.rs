//! The output of `ambit assess`: a candidate partnership's predicted outcome under a model, the
//! paths that hold or what they miss, the reference cases, conditions, assumptions, barriers
//! and paradoxes, as text or Markdown; its paths as CSV; the whole assessment as JSON.

use crate::table::{Format, Table};
use ambit_cases::assess::{Assessment, Holds, PathResult};

/// The assessment in `format` (CSV: the success and failure paths only).
pub fn render(a: &Assessment, format: Format) -> Result<String, serde_json::Error> {
    Ok(match format {
        Format::Json => serde_json::to_string_pretty(a)? + "\n",
        Format::Table => document(a, false),
        Format::Markdown => document(a, true),
        Format::Csv => paths_csv(a),
    })
}

/// Rows of text cells under `header`, in `format`.
fn text_table(header: &[&str], rows: Vec<Vec<String>>, format: Format) -> String {
    let mut t = Table::text(header.iter().copied());
    for r in rows {
        t.push(r);
    }
    t.render(format)
}

/// The success and failure paths as CSV.
pub fn paths_csv(a: &Assessment) -> String {
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
    let header = [
        "outcome",
        "path",
        "membership_low",
        "membership_high",
        "holds",
        "missing",
        "unknown",
        "support",
    ];
    text_table(&header, rows, Format::Csv)
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

/// A list joined by commas, `-` when empty.
fn list(v: &[String]) -> String {
    if v.is_empty() {
        "-".to_string()
    } else {
        v.join(", ")
    }
}

/// The assessment as text (or Markdown).
fn document(a: &Assessment, md: bool) -> String {
    let format = if md { Format::Markdown } else { Format::Table };
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
    out.push_str(&text_table(&header, path_rows(&a.paths), format));
    if !a.failure_paths.is_empty() {
        out.push_str(&head("failure paths"));
        out.push_str(&text_table(&header, path_rows(&a.failure_paths), format));
    }
    if !a.reference_cases.is_empty() {
        out.push_str(&head("reference cases (most similar first)"));
        let rows = a
            .reference_cases
            .iter()
            .map(|r| {
                vec![
                    r.case.clone(),
                    r.outcome.as_str().into(),
                    list(&r.differs_on),
                    list(&r.unknown),
                ]
            })
            .collect();
        out.push_str(&text_table(
            &["case", "outcome", "differs on", "unknown"],
            rows,
            format,
        ));
    }
    out.push_str(&head("conditions"));
    let rows = a
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
    out.push_str(&text_table(
        &["condition", "membership", "basis"],
        rows,
        format,
    ));
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
    let rows = a
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
    out.push_str(&text_table(
        &["barrier", "membership", "quote"],
        rows,
        format,
    ));
    out.push_str(&head("paradoxes"));
    if a.paradoxes.is_empty() {
        out.push_str("none coded\n");
    }
    for p in &a.paradoxes {
        out.push_str(&format!("- {}: {}\n", p.name, p.text.trim()));
    }
    out
}
