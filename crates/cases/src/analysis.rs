//! A QCA run over coded cases, as `ambit cases matrix` followed by `ambit qca minimize`: the data
//! matrix, its truth table, and the conservative, parsimonious and (with directional
//! expectations) intermediate solutions, each model with the consistency and coverage of the
//! solution and of every term (R QCA 3.25.1's `minimize()`, through `ambit-qca`).
//!
//! Nothing is hidden: cases dropped for unknowns, fuzzy scores dichotomised, the engine's
//! warnings, an outcome no configuration is sufficient for, and a solution the engine cannot
//! give (every configuration positive or a remainder: the outcome holds whatever the
//! conditions) are all listed in [`QcaRun::notes`].

use crate::derive::{check_dir_exp, SolutionKind};
use crate::error::CaseError;
use crate::matrix::{CaseTable, ConditionSpec, Matrix, MatrixSpec};
use ambit_qca::{
    minimize, InclCut, MinParams, Out, QcaError, RowRef, SetFit, Solution, SolutionFit, TermFit,
    TruthTable, TtParams,
};
use serde::Serialize;

/// The conditions of the study's own QCA (`seed_imc`: close ties and political leadership, see
/// `cases/lombardy-2018/CODING.md`), used when no conditions are chosen.
pub const STUDY_CONDITIONS: &[&str] = &["TIES", "LEAD"];

/// Whether the analysis explains the outcome or its absence (`~SUCCESS`, R's negated outcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeSet {
    /// Membership in the outcome.
    Present,
    /// Membership in its negation, 1 - y.
    Absent,
}

/// What a QCA run analyses, and how (the options of `ambit cases matrix` and `ambit qca minimize`).
#[derive(Debug, Clone, PartialEq)]
pub struct QcaSpec {
    /// Conditions, outcome column, crisp or fuzzy, and the policy for unknowns.
    pub matrix: MatrixSpec,
    /// The outcome or its absence.
    pub outcome_set: OutcomeSet,
    /// Inclusion cut-off(s) of the truth table (R's `incl.cut`).
    pub incl_cut: InclCut,
    /// Frequency cut-off: rows with fewer cases are remainders (R's `n.cut`).
    pub n_cut: usize,
    /// PRI cut-off for a positive row (R's `pri.cut`).
    pub pri_cut: f64,
    /// Directional expectations for the intermediate solution (`LEAD`, `~HOMO`); none: no
    /// intermediate solution.
    pub dir_exp: Vec<String>,
}

impl QcaSpec {
    /// R QCA's defaults (inclusion cut-off 1, frequency cut-off 1, no PRI cut-off) for `matrix`.
    pub fn new(matrix: MatrixSpec) -> QcaSpec {
        QcaSpec {
            matrix,
            outcome_set: OutcomeSet::Present,
            incl_cut: InclCut::single(1.0),
            n_cut: 1,
            pri_cut: 0.0,
            dir_exp: Vec::new(),
        }
    }

    /// The study's conditions ([`STUDY_CONDITIONS`]) as condition specs.
    pub fn study_conditions() -> Vec<ConditionSpec> {
        STUDY_CONDITIONS
            .iter()
            .map(|n| ConditionSpec {
                name: (*n).to_string(),
                at_least: None,
            })
            .collect()
    }
}

/// One model of a solution with its parameters of fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelReport {
    /// `M1`, `M2`... (intermediate: `C1P1 M1`, after the conservative / parsimonious pair).
    pub label: String,
    /// The model in R syntax (`TIES + LEAD`).
    pub expression: String,
    /// Each term with its consistency (`inclS`), PRI, raw (`covS`) and unique (`covU`) coverage.
    pub terms: Vec<TermFit>,
    /// The whole model's consistency, PRI and coverage.
    pub fit: SetFit,
    /// Remainders the model rests on: simplifying assumptions (parsimonious) or easy
    /// counterfactuals (intermediate); none for the conservative solution.
    pub assumptions: Vec<RowRef>,
}

/// A solution of one kind: every model found (more than one is model ambiguity).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolutionReport {
    /// Conservative, parsimonious or intermediate.
    pub kind: SolutionKind,
    /// The models, each with its fit.
    pub models: Vec<ModelReport>,
    /// True when several models explain the data equally well.
    pub model_ambiguity: bool,
    /// Prime implicants present in every model.
    pub essential: Vec<String>,
}

/// The result of a QCA run over cases.
#[derive(Debug, Clone, Serialize)]
pub struct QcaRun {
    /// The outcome analysed (`SUCCESS`, or `~SUCCESS` for its absence).
    pub outcome: String,
    /// The conditions, in column order.
    pub conditions: Vec<String>,
    /// The data matrix (with the cases dropped for unknowns).
    pub matrix: Matrix,
    /// The truth table (observed rows).
    pub truth_table: TruthTable,
    /// Conservative, parsimonious and, with directional expectations, intermediate solutions;
    /// empty when no configuration is sufficient for the outcome (the notes say why any is
    /// missing).
    pub solutions: Vec<SolutionReport>,
    /// What the reader must know: dropped cases, dichotomised scores, the engine's warnings.
    pub notes: Vec<String>,
}

impl QcaRun {
    /// The solution of `kind`, if computed.
    pub fn solution(&self, kind: SolutionKind) -> Option<&SolutionReport> {
        self.solutions.iter().find(|s| s.kind == kind)
    }
}

/// Runs QCA on the cases of `table`: matrix, truth table, and every solution the engine offers.
///
/// ```
/// use ambit_cases::analysis::{analyse, QcaSpec};
/// use ambit_cases::derive::SolutionKind;
/// use ambit_cases::{CaseTable, ConditionSpec, MatrixSpec, Scale, UnknownPolicy};
///
/// let csv = "case,TIES,LEAD,SUCCESS\nA,1,1,1\nB,1,0,1\nC,0,0,0\nD,0,0,0\n";
/// let table = CaseTable::from_csv(csv, "seed.csv")?;
/// let spec = QcaSpec::new(MatrixSpec {
///     conditions: QcaSpec::study_conditions(),
///     outcome: Some(ConditionSpec { name: "SUCCESS".into(), at_least: None }),
///     scale: Scale::Crisp,
///     unknowns: UnknownPolicy::Refuse,
/// });
/// let run = analyse(&table, &spec)?;
/// let ps = run.solution(SolutionKind::Parsimonious).expect("computed");
/// assert_eq!(ps.models[0].expression, "TIES");
/// assert_eq!(ps.models[0].fit.cov_s, 1.0);
/// # Ok::<(), ambit_cases::CaseError>(())
/// ```
pub fn analyse(table: &CaseTable, spec: &QcaSpec) -> Result<QcaRun, CaseError> {
    let column = spec
        .matrix
        .outcome
        .as_ref()
        .map(ConditionSpec::column_name)
        .ok_or_else(|| CaseError::invalid("<qca>", None, "outcome", None, "no outcome chosen"))?;
    check_cuts(spec)?;
    let matrix = Matrix::build(table, &spec.matrix)?;
    let conditions: Vec<String> = matrix
        .columns
        .iter()
        .filter(|c| **c != column)
        .cloned()
        .collect();
    if conditions.is_empty() {
        return Err(CaseError::invalid(
            "<qca>",
            None,
            "conditions",
            None,
            "choose at least one condition besides the outcome",
        ));
    }
    check_dir_exp(&spec.dir_exp, &conditions)?;
    let outcome = match spec.outcome_set {
        OutcomeSet::Present => column,
        OutcomeSet::Absent => format!("~{column}"),
    };
    let data = matrix.to_data_matrix("<cases>")?;
    let mut tt_params = TtParams::new(outcome.clone());
    tt_params.conditions = conditions.clone();
    tt_params.incl_cut = spec.incl_cut;
    tt_params.n_cut = spec.n_cut;
    tt_params.pri_cut = spec.pri_cut;
    let truth_table = TruthTable::build(&data, &tt_params)?;

    let mut notes = Vec::new();
    if !matrix.dropped.is_empty() {
        notes.push(matrix.dropped_notice());
    }
    for (case, cond, score) in &matrix.dichotomised {
        notes.push(format!(
            "{cond} of case {case} is {score}: dichotomised at 0.5 for a crisp matrix"
        ));
    }
    notes.extend(truth_table.warnings.iter().cloned());

    let mut solutions = Vec::new();
    if !truth_table.observed_rows.iter().any(|r| r.out == Out::One) {
        notes.push(format!(
            "no configuration is sufficient for {outcome} at inclusion cut-off {}: no solution",
            spec.incl_cut.one
        ));
    } else {
        let conservative = MinParams::default();
        if let Some(cs) = solve(&truth_table, &conservative, "conservative", &mut notes)? {
            solutions.push(report(SolutionKind::Conservative, &cs));
        }
        let parsimonious = MinParams {
            include_remainders: true,
            dir_exp: spec.dir_exp.iter().map(|e| e.trim().to_string()).collect(),
            ..MinParams::default()
        };
        if let Some(ps) = solve(&truth_table, &parsimonious, "parsimonious", &mut notes)? {
            solutions.push(report(SolutionKind::Parsimonious, &ps));
            if !ps.intermediate.is_empty() {
                solutions.push(intermediate(&ps));
            }
        }
    }
    Ok(QcaRun {
        outcome,
        conditions,
        matrix,
        truth_table,
        solutions,
        notes,
    })
}

/// Minimises `tt`; when the engine finds nothing to minimise (every configuration positive or
/// a remainder: the outcome holds whatever the conditions), says so in `notes` instead.
fn solve(
    tt: &TruthTable,
    params: &MinParams,
    kind: &str,
    notes: &mut Vec<String>,
) -> Result<Option<Solution>, CaseError> {
    match minimize(tt, params) {
        Ok(s) => {
            notes.extend(s.warnings.iter().map(|w| format!("{kind}: {w}")));
            Ok(Some(s))
        }
        Err(QcaError::NothingToDo(why)) => {
            notes.push(format!("no {kind} solution: {why}"));
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Cut-offs are proportions (R QCA refuses others too); a frequency cut-off of 0 would make
/// every unobserved row positive.
fn check_cuts(spec: &QcaSpec) -> Result<(), CaseError> {
    let bad = |field: &str, v: String, why: &str| {
        Err(CaseError::invalid("<qca>", None, field, Some(v), why))
    };
    let unit = |v: f64| (0.0..=1.0).contains(&v);
    if !unit(spec.incl_cut.one) {
        return bad(
            "incl_cut",
            spec.incl_cut.one.to_string(),
            "the inclusion cut-off is a proportion in [0, 1]",
        );
    }
    if !unit(spec.incl_cut.zero) || spec.incl_cut.zero > spec.incl_cut.one {
        return bad(
            "incl_cut0",
            spec.incl_cut.zero.to_string(),
            "the lower inclusion cut-off is a proportion in [0, 1], at most the upper one",
        );
    }
    if !unit(spec.pri_cut) {
        return bad(
            "pri_cut",
            spec.pri_cut.to_string(),
            "the PRI cut-off is a proportion in [0, 1]",
        );
    }
    if spec.n_cut == 0 {
        return bad(
            "n_cut",
            "0".into(),
            "the frequency cut-off is at least 1 case",
        );
    }
    Ok(())
}

fn report(kind: SolutionKind, s: &Solution) -> SolutionReport {
    let assumptions = |i: usize| {
        s.simplifying_assumptions
            .as_ref()
            .and_then(|m| m.get(&format!("M{}", i + 1)).cloned())
            .unwrap_or_default()
    };
    SolutionReport {
        kind,
        models: models(&s.models, &s.fit, "", |i| match kind {
            SolutionKind::Conservative => Vec::new(),
            _ => assumptions(i),
        }),
        model_ambiguity: s.model_ambiguity,
        essential: s.essential.clone(),
    }
}

/// The intermediate models of every (conservative, parsimonious) pair, in one list.
fn intermediate(s: &Solution) -> SolutionReport {
    let several = s.intermediate.len() > 1;
    let mut all = Vec::new();
    for i in &s.intermediate {
        let prefix = if several {
            format!("{} ", i.combination)
        } else {
            String::new()
        };
        all.extend(models(&i.models, &i.fit, &prefix, |_| {
            i.easy_counterfactuals.clone()
        }));
    }
    let essential = s
        .intermediate
        .first()
        .map(|i| {
            i.essential
                .iter()
                .filter(|e| s.intermediate.iter().all(|o| o.essential.contains(e)))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    SolutionReport {
        kind: SolutionKind::Intermediate,
        model_ambiguity: all.len() > 1,
        models: all,
        essential,
    }
}

fn models(
    models: &[Vec<String>],
    fit: &SolutionFit,
    prefix: &str,
    assumptions: impl Fn(usize) -> Vec<RowRef>,
) -> Vec<ModelReport> {
    models
        .iter()
        .zip(&fit.models)
        .enumerate()
        .map(|(i, (terms, mf))| ModelReport {
            label: format!("{prefix}M{}", i + 1),
            expression: terms.join(" + "),
            terms: mf.term_fit.clone(),
            fit: mf.model_fit,
            assumptions: assumptions(i),
        })
        .collect()
}
