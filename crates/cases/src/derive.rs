//! Models derived by QCA from coded cases: the matrix goes to `ambit-qca`, whose truth table and
//! minimisation (R QCA's algorithms) give the success and failure paths.
//!
//! Each path is labelled with what it rests on: a term of the conservative solution rests on the
//! data; a term of the parsimonious solution that covers a remainder rests on a simplifying
//! assumption; a term of the intermediate solution that covers an easy counterfactual rests on a
//! directional expectation. When QCA finds several minimal models, the first is used and the
//! others are kept in [`Model::alternatives`], so the ambiguity is reported with the assessment.

use crate::error::CaseError;
use crate::expr::Expr;
use crate::matrix::{CaseTable, Matrix, MatrixSpec};
use crate::membership::{Bounds, Membership};
use crate::model::{Model, ModelPath, Provenance, ReferenceCase, Support};
use ambit_qca::{
    minimize, DataMatrix, MinParams, QcaError, RowRef, Solution, TruthTable, TtParams,
};

/// Which QCA solution becomes the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum SolutionKind {
    /// Observed configurations only: every path rests on the data.
    Conservative,
    /// Remainders used as simplifying assumptions.
    Parsimonious,
    /// Only the remainders that agree with the directional expectations (easy counterfactuals).
    Intermediate,
}

impl SolutionKind {
    /// The word used in notes.
    pub fn as_str(self) -> &'static str {
        match self {
            SolutionKind::Conservative => "conservative",
            SolutionKind::Parsimonious => "parsimonious",
            SolutionKind::Intermediate => "intermediate",
        }
    }
}

/// A model derived from cases, with the QCA results behind it.
#[derive(Debug, Clone)]
pub struct Derived {
    /// The model.
    pub model: Model,
    /// The matrix analysed (with the cases dropped for unknowns).
    pub matrix: Matrix,
    /// The minimisation for the outcome.
    pub success: Solution,
    /// The minimisation for the negated outcome (`None` when no case lacks the outcome).
    pub failure: Option<Solution>,
}

impl Matrix {
    /// The matrix as the QCA engine's data matrix.
    pub fn to_data_matrix(&self, source: &str) -> Result<DataMatrix, CaseError> {
        let columns = self
            .columns
            .iter()
            .enumerate()
            .map(|(j, name)| {
                (
                    name.clone(),
                    self.values.iter().map(|r| Some(r[j])).collect(),
                )
            })
            .collect();
        Ok(DataMatrix::new(source, self.cases.clone(), columns)?)
    }
}

/// Derives a model as [`model_from_cases`] from the case files, CSV matrices and directories
/// `paths`; the model is named `qca:` and the paths.
pub fn model_from_files(
    paths: &[std::path::PathBuf],
    spec: &MatrixSpec,
    kind: SolutionKind,
    dir_exp: &[String],
) -> Result<Derived, CaseError> {
    let table = crate::collection::Collection::load(paths)?.table()?;
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    model_from_cases(
        &table,
        spec,
        kind,
        dir_exp,
        &format!("qca:{}", names.join(",")),
    )
}

/// Derives a model for `spec`'s outcome from the cases of `table` with the chosen solution.
/// `dir_exp` lists simple directional expectations (`LEAD`, `~HOMO`) for the intermediate one.
pub fn model_from_cases(
    table: &CaseTable,
    spec: &MatrixSpec,
    kind: SolutionKind,
    dir_exp: &[String],
    name: &str,
) -> Result<Derived, CaseError> {
    let outcome = spec
        .outcome
        .as_ref()
        .map(|o| o.column_name())
        .ok_or_else(|| CaseError::invalid("<qca>", None, "outcome", None, "no outcome chosen"))?;
    let matrix = Matrix::build(table, spec)?;
    let data = matrix.to_data_matrix(name)?;
    let conditions: Vec<String> = matrix
        .columns
        .iter()
        .filter(|c| **c != outcome)
        .cloned()
        .collect();
    check_dir_exp(dir_exp, &conditions)?;
    let mut negated_exp = Vec::new();
    for e in dir_exp {
        let e = e.trim();
        // Failure is minimised with the opposite expectations.
        negated_exp.push(match e.strip_prefix('~') {
            Some(b) => b.to_string(),
            None => format!("~{e}"),
        });
    }
    if kind == SolutionKind::Intermediate && dir_exp.is_empty() {
        return Err(CaseError::invalid(
            "<qca>",
            None,
            "dir_exp",
            None,
            "the intermediate solution needs directional expectations",
        ));
    }
    let run = |out: &str, exp: &[String]| -> Result<Option<Solution>, CaseError> {
        let mut tt_params = TtParams::new(out);
        tt_params.conditions = conditions.clone();
        let tt = TruthTable::build(&data, &tt_params)?;
        let params = MinParams {
            include_remainders: kind != SolutionKind::Conservative,
            dir_exp: if kind == SolutionKind::Intermediate {
                exp.to_vec()
            } else {
                Vec::new()
            },
            ..MinParams::default()
        };
        match minimize(&tt, &params) {
            Ok(s) => Ok(Some(s)),
            Err(QcaError::NothingToDo(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    };
    let success = run(&outcome, dir_exp)?.ok_or_else(|| {
        CaseError::invalid(
            "<qca>",
            None,
            "outcome",
            Some(outcome.clone()),
            "no configuration is consistently linked to the outcome: QCA finds no model",
        )
    })?;
    let failure = run(&format!("~{outcome}"), &negated_exp)?;

    let (s_models, s_support) = chosen(&success, kind, &conditions)?;
    let mut alternatives: Vec<Expr> = s_models.iter().skip(1).cloned().collect();
    let (failure_expr, failure_paths) = match &failure {
        Some(f) => {
            let (f_models, f_support) = chosen(f, kind, &conditions)?;
            alternatives.extend(f_models.iter().skip(1).cloned());
            let e = f_models.first().cloned();
            let paths = e.as_ref().map(|e| paths(e, &f_support)).unwrap_or_default();
            (e, paths)
        }
        None => (None, Vec::new()),
    };
    let s_expr = s_models
        .first()
        .cloned()
        .ok_or_else(|| CaseError::invalid("<qca>", None, "outcome", None, "QCA found no model"))?;
    let success_paths = paths(&s_expr, &s_support);
    let fit = success
        .fit
        .models
        .first()
        .map(|m| {
            format!(
                "inclS {:.3}, covS {:.3}",
                m.model_fit.incl_s, m.model_fit.cov_s
            )
        })
        .unwrap_or_default();
    let mut note = format!(
        "{} solution of R-compatible QCA (ambit-qca) on {} case(s) ({}), conditions {}; {outcome} \
         model M1 {fit}",
        kind.as_str(),
        matrix.cases.len(),
        matrix.cases.join(", "),
        conditions.join(", "),
    );
    if !matrix.dropped.is_empty() {
        note.push_str(&format!("; {}", matrix.dropped_notice()));
    }
    if !dir_exp.is_empty() && kind == SolutionKind::Intermediate {
        note.push_str(&format!(
            "; directional expectations {}",
            dir_exp.join(", ")
        ));
    }
    let model = Model {
        name: name.to_string(),
        title: format!("QCA {} solution: {outcome} = {s_expr}", kind.as_str()),
        outcome: outcome.clone(),
        success: s_expr,
        failure: failure_expr,
        success_paths,
        failure_paths,
        provenance: Provenance {
            source: Some(format!("QCA on the user's cases ({name})")),
            quotes: Vec::new(),
            note: Some(note),
        },
        alternatives,
        reference_cases: ReferenceCase::from_matrix(&matrix),
        analysed_conditions: conditions.clone(),
        reference_dir: None,
    };
    Ok(Derived {
        model,
        matrix,
        success,
        failure,
    })
}

/// Checks that each directional expectation is a chosen condition or its negation (`LEAD`,
/// `~HOMO`), naming the first that is not.
pub(crate) fn check_dir_exp(dir_exp: &[String], conditions: &[String]) -> Result<(), CaseError> {
    for e in dir_exp {
        let e = e.trim();
        let base = e.strip_prefix('~').unwrap_or(e);
        if !crate::matrix::is_name(base) || !conditions.iter().any(|c| c == base) {
            return Err(CaseError::invalid(
                "<qca>",
                None,
                "dir_exp",
                Some(e.to_string()),
                format!(
                    "a directional expectation is a chosen condition or its negation ({})",
                    conditions.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// A term of the first model with what supports it and why.
type TermSupport = (Expr, Support, Option<String>);

/// The models of the chosen solution as expressions, and for each term what supports it.
fn chosen(
    s: &Solution,
    kind: SolutionKind,
    conditions: &[String],
) -> Result<(Vec<Expr>, Vec<TermSupport>), CaseError> {
    let (models, assumed_rows, support): (&[Vec<String>], Vec<RowRef>, Support) = match kind {
        SolutionKind::Conservative => (&s.models, Vec::new(), Support::Data),
        SolutionKind::Parsimonious => (
            &s.models,
            s.simplifying_assumptions
                .as_ref()
                .and_then(|m| m.get("M1").cloned())
                .unwrap_or_default(),
            Support::SimplifyingAssumption,
        ),
        SolutionKind::Intermediate => {
            let first = s.intermediate.first().ok_or_else(|| {
                CaseError::invalid("<qca>", None, "dir_exp", None, "no intermediate solution")
            })?;
            (
                &first.models,
                first.easy_counterfactuals.clone(),
                Support::DirectionalExpectation,
            )
        }
    };
    let mut exprs = Vec::new();
    for m in models {
        let text = m.join(" + ");
        exprs.push(Expr::parse(&text).map_err(|e| {
            CaseError::invalid(
                "<qca>",
                None,
                "model",
                Some(text.clone()),
                format!("cannot read the QCA model: {e}"),
            )
        })?);
    }
    let mut supports = Vec::new();
    if let Some(first) = exprs.first() {
        for term in first.terms() {
            let covered: Vec<&RowRef> = assumed_rows
                .iter()
                .filter(|r| covers(term, r, conditions))
                .collect();
            if covered.is_empty() {
                supports.push((term.clone(), Support::Data, None));
            } else {
                let rows: Vec<String> = covered
                    .iter()
                    .map(|r| describe_row(r, conditions))
                    .collect();
                supports.push((
                    term.clone(),
                    support,
                    Some(format!(
                        "covers unobserved configuration(s) {}: not shown by the cases",
                        rows.join("; ")
                    )),
                ));
            }
        }
    }
    Ok((exprs, supports))
}

fn covers(term: &Expr, row: &RowRef, conditions: &[String]) -> bool {
    let look = |n: &str| {
        let j = conditions.iter().position(|c| c == n)?;
        let v = f64::from(*row.values.get(j)?);
        Membership::new(v).map(Bounds::point)
    };
    term.eval(&look).is_ok_and(|b| b.low > 0.5)
}

fn describe_row(r: &RowRef, conditions: &[String]) -> String {
    let cells: Vec<String> = conditions
        .iter()
        .zip(&r.values)
        .map(|(c, v)| format!("{c}={v}"))
        .collect();
    format!("row {} ({})", r.row, cells.join(", "))
}

fn paths(e: &Expr, support: &[TermSupport]) -> Vec<ModelPath> {
    e.terms()
        .into_iter()
        .map(|t| {
            let found = support.iter().find(|(s, _, _)| s == t);
            ModelPath {
                term: t.clone(),
                support: found.map_or(Support::Data, |f| f.1),
                note: found.and_then(|f| f.2.clone()),
            }
        })
        .collect()
}
