//! Models to assess partnerships with: a success expression, optional failure expression, and
//! for each path what supports it (the data, or a directional expectation).
//!
//! A model file (`cases/models/study-2018.toml`):
//!
//! ```toml
//! name = "study-2018"
//! title = "close ties with trust, or leadership roles; neither means failure"
//! outcome = "SUCCESS"
//! success = "TIES*TRUST + LEAD"
//! failure = "~(TIES*TRUST)*~LEAD"
//! reference_cases = "../lombardy-2018"   # compared with the partnership
//!
//! [provenance]
//! source = "the study, section 6"
//! quotes = ["..."]
//! note = "..."
//!
//! [[success_path]]
//! term = "LEAD"
//! support = "directional_expectation"   # data | directional_expectation | simplifying_assumption
//! note = "no case has LEAD without TIES"
//! ```

use crate::case::{Case, Profile};
use crate::conditions::Cell;
use crate::error::CaseError;
use crate::expr::Expr;
use crate::matrix::{CaseTable, Matrix};
use crate::membership::{Bounds, Membership};
use crate::toml_file::{self, Locator};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The study's own reading, shipped with the tool (`--model study-2018`).
pub const STUDY_2018: &str = include_str!("../../../cases/models/study-2018.toml");

/// The four coded cases the study's model was drawn from (its reference cases).
const STUDY_2018_CASES: [(&str, &str); 4] = [
    (
        "cases/lombardy-2018/a.toml",
        include_str!("../../../cases/lombardy-2018/a.toml"),
    ),
    (
        "cases/lombardy-2018/b.toml",
        include_str!("../../../cases/lombardy-2018/b.toml"),
    ),
    (
        "cases/lombardy-2018/c.toml",
        include_str!("../../../cases/lombardy-2018/c.toml"),
    ),
    (
        "cases/lombardy-2018/d.toml",
        include_str!("../../../cases/lombardy-2018/d.toml"),
    ),
];

/// An observed case behind a model: its condition scores and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceCase {
    /// Case id.
    pub id: String,
    /// Scores by condition name (bounds: unknown is [0, 1]).
    pub values: BTreeMap<String, Bounds>,
    /// The outcome's score.
    pub outcome: Bounds,
}

impl ReferenceCase {
    /// The cases of a table whose outcome is known, with all their score conditions.
    pub fn from_table(table: &CaseTable, outcome: &str) -> Vec<ReferenceCase> {
        table
            .rows
            .iter()
            .filter_map(|row| {
                let outcome = table.score(row, outcome).filter(|b| b.is_known())?;
                let values = row
                    .cells
                    .iter()
                    .filter_map(|(n, (c, _))| match c {
                        Cell::Score(b) => Some((n.clone(), *b)),
                        Cell::Count(_) => None,
                    })
                    .collect();
                Some(ReferenceCase {
                    id: row.id.clone(),
                    values,
                    outcome,
                })
            })
            .collect()
    }

    /// The cases of a matrix (the outcome is its last column).
    pub fn from_matrix(m: &Matrix) -> Vec<ReferenceCase> {
        let point = |v: f64| Bounds::point(Membership::new(v).unwrap_or(Membership::OUT));
        m.cases
            .iter()
            .zip(&m.values)
            .filter_map(|(id, row)| {
                let (out, conds) = row.split_last()?;
                Some(ReferenceCase {
                    id: id.clone(),
                    values: m
                        .columns
                        .iter()
                        .zip(conds)
                        .map(|(c, v)| (c.clone(), point(*v)))
                        .collect(),
                    outcome: point(*out),
                })
            })
            .collect()
    }
}

/// What a path of a model rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Support {
    /// Observed cases show it (a term of a conservative solution, or a perfectly consistent
    /// term with unique coverage).
    Data,
    /// A directional expectation: theory or case knowledge says the condition contributes,
    /// the observed cases alone cannot show it.
    DirectionalExpectation,
    /// A simplifying assumption on unobserved configurations (QCA remainders).
    SimplifyingAssumption,
    /// The model does not say.
    Unstated,
}

impl Support {
    /// True for the supports that are assumptions rather than observations.
    pub fn is_assumption(self) -> bool {
        matches!(
            self,
            Support::DirectionalExpectation | Support::SimplifyingAssumption
        )
    }

    /// Words for tables.
    pub fn label(self) -> &'static str {
        match self {
            Support::Data => "data",
            Support::DirectionalExpectation => "directional expectation",
            Support::SimplifyingAssumption => "simplifying assumption",
            Support::Unstated => "unstated",
        }
    }
}

/// Where a model comes from.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The source (a paper and section, or a QCA run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Verbatim quotes of the source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<String>,
    /// How the model was derived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One path (a top-level term) of a model and what supports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelPath {
    /// The term.
    pub term: Expr,
    /// What it rests on.
    pub support: Support,
    /// Why.
    pub note: Option<String>,
}

/// A model: success paths, optional failure paths, provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Short name (`study-2018`).
    pub name: String,
    /// One-line statement.
    pub title: String,
    /// The outcome it explains (`SUCCESS`).
    pub outcome: String,
    /// Sufficient paths to the outcome.
    pub success: Expr,
    /// Sufficient paths to its negation; `None`: failure is read as the negation of success.
    pub failure: Option<Expr>,
    /// The success paths with their support (one per top-level term of `success`).
    pub success_paths: Vec<ModelPath>,
    /// The failure paths with their support.
    pub failure_paths: Vec<ModelPath>,
    /// Where it comes from.
    pub provenance: Provenance,
    /// Other models that explain the data equally well (QCA model ambiguity).
    pub alternatives: Vec<Expr>,
    /// The observed cases the model was drawn from, when known: a partnership is compared
    /// with them.
    pub reference_cases: Vec<ReferenceCase>,
    /// The conditions the model was derived from (a QCA's conditions), when they are more
    /// than those of its expressions: a partnership's configuration is compared on them.
    pub analysed_conditions: Vec<String>,
    /// The model file's `reference_cases` (a folder of case files, relative to the model
    /// file), loaded by [`Model::read`].
    pub reference_dir: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    name: String,
    title: String,
    outcome: String,
    success: String,
    failure: Option<String>,
    #[serde(default)]
    provenance: Provenance,
    reference_cases: Option<String>,
    #[serde(default)]
    success_path: Vec<RawPath>,
    #[serde(default)]
    failure_path: Vec<RawPath>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPath {
    term: String,
    support: Support,
    note: Option<String>,
}

impl Model {
    /// Reads a model from TOML text; `file` names it in errors.
    pub fn from_toml(text: &str, file: &str) -> Result<Model, CaseError> {
        let raw: RawModel = toml_file::parse(text, file)?;
        let loc = Locator::new(text);
        let parse = |s: &str, path: &[&str]| {
            Expr::parse(s).map_err(|e| {
                CaseError::invalid(
                    file,
                    loc.line(path),
                    &path.join("."),
                    Some(format!("\"{s}\"")),
                    format!("not an expression: {e}"),
                )
            })
        };
        let success = parse(&raw.success, &["success"])?;
        let failure = raw
            .failure
            .as_deref()
            .map(|f| parse(f, &["failure"]))
            .transpose()?;
        let success_paths = paths(&success, &raw.success_path, "success_path", file, &loc)?;
        let failure_paths = match &failure {
            Some(f) => paths(f, &raw.failure_path, "failure_path", file, &loc)?,
            None if !raw.failure_path.is_empty() => {
                return Err(CaseError::invalid(
                    file,
                    loc.line(&["failure_path"]),
                    "failure_path",
                    None,
                    "failure paths given without a `failure` expression",
                ))
            }
            None => Vec::new(),
        };
        Ok(Model {
            name: raw.name,
            title: raw.title,
            outcome: raw.outcome,
            success,
            failure,
            success_paths,
            failure_paths,
            provenance: raw.provenance,
            alternatives: Vec::new(),
            reference_cases: Vec::new(),
            analysed_conditions: Vec::new(),
            reference_dir: raw.reference_cases,
        })
    }

    /// A model from expressions alone (every path's support unstated).
    pub fn from_expressions(
        name: &str,
        outcome: &str,
        success: &str,
        failure: Option<&str>,
    ) -> Result<Model, CaseError> {
        let parse = |s: &str, field: &str| {
            Expr::parse(s).map_err(|e| {
                CaseError::invalid(
                    "<expression>",
                    None,
                    field,
                    Some(format!("\"{s}\"")),
                    e.to_string(),
                )
            })
        };
        let success = parse(success, "success")?;
        let failure = failure.map(|f| parse(f, "failure")).transpose()?;
        let unstated = |e: &Expr| {
            e.terms()
                .into_iter()
                .map(|t| ModelPath {
                    term: t.clone(),
                    support: Support::Unstated,
                    note: None,
                })
                .collect::<Vec<_>>()
        };
        Ok(Model {
            name: name.to_string(),
            title: format!("{success}"),
            outcome: outcome.to_string(),
            success_paths: unstated(&success),
            failure_paths: failure.as_ref().map(unstated).unwrap_or_default(),
            success,
            failure,
            provenance: Provenance::default(),
            alternatives: Vec::new(),
            reference_cases: Vec::new(),
            analysed_conditions: Vec::new(),
            reference_dir: None,
        })
    }

    /// Reads a model file and the reference cases it names (relative to the file).
    pub fn read(path: &std::path::Path) -> Result<Model, CaseError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| CaseError::Io {
            file: file.clone(),
            source,
        })?;
        let mut model = Model::from_toml(&text, &file)?;
        if let Some(dir) = &model.reference_dir {
            let base = path.parent().unwrap_or(std::path::Path::new("."));
            let coll = crate::collection::Collection::load(&[base.join(dir)])?;
            model.reference_cases = ReferenceCase::from_table(&coll.table()?, &model.outcome);
        }
        Ok(model)
    }

    /// A model shipped with the tool, by name.
    pub fn builtin(name: &str) -> Option<Result<Model, CaseError>> {
        match name {
            "study-2018" => Some(study_2018()),
            _ => None,
        }
    }

    /// The shipped model `name`, else the model file of that path; when it is neither, the
    /// error names the option that gave it (`option`) and the shipped models.
    pub fn shipped_or_file(name: &str, option: &str) -> Result<Model, CaseError> {
        if let Some(m) = Model::builtin(name) {
            return m;
        }
        let path = std::path::Path::new(name);
        if !path.exists() {
            return Err(CaseError::NoSuchModel {
                option: option.to_string(),
                name: name.to_string(),
                shipped: Model::builtin_names().join(", "),
            });
        }
        Model::read(path)
    }

    /// Names of the shipped models.
    pub fn builtin_names() -> &'static [&'static str] {
        &["study-2018"]
    }
}

/// The study's model with its four cases as reference cases.
fn study_2018() -> Result<Model, CaseError> {
    let mut model = Model::from_toml(STUDY_2018, "cases/models/study-2018.toml")?;
    let cases = STUDY_2018_CASES
        .iter()
        .map(|(file, text)| Case::from_toml(text, file, Profile::Case))
        .collect::<Result<Vec<_>, _>>()?;
    let table = CaseTable::from_cases(&cases)?;
    model.reference_cases = ReferenceCase::from_table(&table, &model.outcome);
    Ok(model)
}

/// Matches the path entries to the top-level terms of `expr`; terms without an entry get
/// [`Support::Unstated`].
fn paths(
    expr: &Expr,
    raw: &[RawPath],
    key: &str,
    file: &str,
    loc: &Locator<'_>,
) -> Result<Vec<ModelPath>, CaseError> {
    let terms = expr.terms();
    let mut out: Vec<ModelPath> = terms
        .iter()
        .map(|t| ModelPath {
            term: (*t).clone(),
            support: Support::Unstated,
            note: None,
        })
        .collect();
    for (i, p) in raw.iter().enumerate() {
        let idx = i.to_string();
        let path = [key, idx.as_str(), "term"];
        let err = |msg: String| {
            CaseError::invalid(
                file,
                loc.line(&path),
                &format!("{key}[{i}].term"),
                Some(format!("\"{}\"", p.term)),
                msg,
            )
        };
        let term = Expr::parse(&p.term).map_err(|e| err(format!("not an expression: {e}")))?;
        let Some(slot) = out.iter_mut().find(|m| m.term == term) else {
            let list: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
            return Err(err(format!(
                "not a path of the expression; its paths are: {}",
                list.join(", ")
            )));
        };
        slot.support = p.support;
        slot.note = p.note.clone();
    }
    Ok(out)
}
