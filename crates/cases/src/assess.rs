//! Applying a model to a candidate partnership: prediction, paths, barriers, assumptions.
//!
//! # JSON shape (`ambit assess --format json`, schema `ambit-assess/1`)
//!
//! Stable for consumers (the simulation reads it); fields are only ever added.
//!
//! ```text
//! {
//!   "schema": "ambit-assess/1",
//!   "partnership": {"id", "name", "file", "observed": "success"|"failure"|null},
//!   "model": {"name", "title", "outcome", "success", "failure": string|null,
//!             "failure_modelled": bool, "source": string|null},
//!   "predicted": "success"|"failure"|"undetermined"|"uncovered"|"contradictory",
//!   "membership": {"low", "high"},          // success expression, in [0, 1]
//!   "failure_membership": {"low", "high"},  // failure expression (or 1 - success)
//!   "paths": [{"term", "membership": {"low", "high"}, "holds": "yes"|"no"|"undecided",
//!              "missing": [literal], "unknown": [literal], "support", "note"}],
//!   "failure_paths": [same],
//!   "data_only": {"predicted", "membership": {"low", "high"},
//!                 "basis": "observed_configuration"|"data_backed_paths",
//!                 "same_configuration": [case id]},
//!   "reference_cases": [{"case", "outcome", "differs_on": [name], "unknown": [name]}],
//!   "rests_on_assumptions": bool,   // the data alone would predict otherwise
//!   "rests_on_unknowns": bool,      // undetermined because model conditions are unknown
//!   "unknown_conditions": [name],
//!   "assumptions": [{"kind", "subject", "text"}],
//!   "conditions": {NAME: {"membership": {"low", "high"}, "basis": [..], "written": bool}},
//!   "barriers": [{"name", "membership": {"low", "high"}, "quote": string|null}],
//!   "paradoxes": [{"name", "text", "quote"?, "source"?}]
//! }
//! ```
//!
//! `membership.low == membership.high` when every condition the model uses is known; otherwise
//! the bounds hold every score the unknowns could give. A prediction is `success` when the
//! success membership is above 0.5 and the failure membership below, `failure` the other way
//! round, `contradictory` when both are above, `uncovered` when both are below (the model
//! says nothing about this configuration), and `undetermined` when a score is exactly 0.5 or
//! the unknowns could put it on either side.

use crate::case::{Case, Paradox};
use crate::conditions::{self, Cell};
use crate::error::CaseError;
use crate::expr::Expr;
use crate::field::Basis;
use crate::membership::{Bounds, Coded, Side};
use crate::model::{Model, ModelPath, Support};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The JSON schema name of [`Assessment`].
pub const SCHEMA: &str = "ambit-assess/1";

/// The predicted outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Prediction {
    /// Success membership above 0.5, failure membership below.
    Success,
    /// Failure membership above 0.5, success membership below.
    Failure,
    /// A score at 0.5 or on either side depending on unknowns.
    Undetermined,
    /// Neither success nor failure paths hold: the model does not cover the configuration.
    Uncovered,
    /// Both success and failure paths hold.
    Contradictory,
}

impl Prediction {
    fn from_sides(success: Bounds, failure: Bounds) -> Prediction {
        match (success.side(), failure.side()) {
            (Side::In, Side::Out) => Prediction::Success,
            (Side::Out, Side::In) => Prediction::Failure,
            (Side::In, Side::In) => Prediction::Contradictory,
            (Side::Out, Side::Out) => Prediction::Uncovered,
            _ => Prediction::Undetermined,
        }
    }

    /// The word used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Prediction::Success => "success",
            Prediction::Failure => "failure",
            Prediction::Undetermined => "undetermined",
            Prediction::Uncovered => "uncovered",
            Prediction::Contradictory => "contradictory",
        }
    }
}

/// Whether a path holds for the partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Holds {
    /// Membership above 0.5.
    Yes,
    /// Membership below 0.5.
    No,
    /// At 0.5 or depending on unknowns.
    Undecided,
}

/// The partnership assessed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subject {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its file.
    pub file: String,
    /// The observed outcome, when the file records one (study cases).
    pub observed: Option<Prediction>,
}

/// The model applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelInfo {
    /// Its name.
    pub name: String,
    /// Its statement.
    pub title: String,
    /// The outcome it explains.
    pub outcome: String,
    /// The success expression.
    pub success: String,
    /// The failure expression, if the model states one.
    pub failure: Option<String>,
    /// False when failure is read as the negation of success.
    pub failure_modelled: bool,
    /// Its source.
    pub source: Option<String>,
}

/// One path of the model, evaluated on the partnership.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathResult {
    /// The term.
    pub term: String,
    /// Its membership.
    pub membership: Bounds,
    /// Whether it holds.
    pub holds: Holds,
    /// Literals below 0.5: what is missing for the path to hold.
    pub missing: Vec<String>,
    /// Literals that depend on unknown values.
    pub unknown: Vec<String>,
    /// What the path rests on.
    pub support: Support,
    /// Why.
    pub note: Option<String>,
}

/// What the observed data alone say about the partnership.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataOnly {
    /// The prediction: the outcome of the observed cases with the same configuration, or else
    /// the one of the data-backed paths.
    pub predicted: Prediction,
    /// The success membership from data-backed paths.
    pub membership: Bounds,
    /// `observed_configuration` or `data_backed_paths`.
    pub basis: &'static str,
    /// The reference cases with the same configuration on the model's conditions.
    pub same_configuration: Vec<String>,
}

/// How the partnership compares with one reference case on the model's conditions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceMatch {
    /// Case id.
    pub case: String,
    /// Its observed outcome.
    pub outcome: Prediction,
    /// Conditions on the other side of 0.5.
    pub differs_on: Vec<String>,
    /// Conditions unknown for either of the two.
    pub unknown: Vec<String>,
}

/// Something the prediction rests on besides the coded data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumption {
    /// `directional_expectation`, `simplifying_assumption`, `unknown_condition`,
    /// `inferred_coding`, `assumed_coding`, `model_ambiguity` or `failure_by_negation`.
    pub kind: &'static str,
    /// The term or condition concerned.
    pub subject: String,
    /// Explanation.
    pub text: String,
}

/// A condition of the model as coded for the partnership.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConditionReading {
    /// Its membership.
    pub membership: Bounds,
    /// The basis of each field behind it.
    pub basis: Vec<Basis>,
    /// False when the partnership file leaves it out.
    pub written: bool,
}

/// A barrier as coded for the partnership.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarrierReading {
    /// Its name in case files.
    pub name: &'static str,
    /// Its membership.
    pub membership: Bounds,
    /// The quote, if any.
    pub quote: Option<String>,
}

/// The assessment of a partnership by a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The partnership.
    pub partnership: Subject,
    /// The model.
    pub model: ModelInfo,
    /// The predicted outcome.
    pub predicted: Prediction,
    /// Membership in the success expression.
    pub membership: Bounds,
    /// Membership in the failure expression (or `1 - membership`).
    pub failure_membership: Bounds,
    /// Success paths.
    pub paths: Vec<PathResult>,
    /// Failure paths.
    pub failure_paths: Vec<PathResult>,
    /// What the observed data alone say.
    pub data_only: DataOnly,
    /// The model's reference cases, most similar first (empty when the model has none).
    pub reference_cases: Vec<ReferenceMatch>,
    /// True when dropping assumption-backed paths changes the prediction.
    pub rests_on_assumptions: bool,
    /// True when the prediction is undetermined because model conditions are unknown.
    pub rests_on_unknowns: bool,
    /// Model conditions unknown for the partnership.
    pub unknown_conditions: Vec<String>,
    /// What the prediction rests on besides coded data.
    pub assumptions: Vec<Assumption>,
    /// The model's conditions as coded.
    pub conditions: BTreeMap<String, ConditionReading>,
    /// The barriers coded.
    pub barriers: Vec<BarrierReading>,
    /// The paradoxes coded.
    pub paradoxes: Vec<Paradox>,
}

/// Applies `model` to `partnership`.
pub fn assess(model: &Model, partnership: &Case) -> Result<Assessment, CaseError> {
    let mut used: BTreeSet<String> = model.success.conditions();
    if let Some(f) = &model.failure {
        used.extend(f.conditions());
    }
    let mut values = BTreeMap::new();
    for name in &used {
        match conditions::value(partnership, name) {
            Some((Cell::Score(b), _)) => {
                values.insert(name.clone(), b);
            }
            Some((Cell::Count(_), _)) => {
                return Err(model_error(
                    model,
                    name,
                    "is a count; a model uses membership scores (calibrate it first)",
                ))
            }
            None => {
                let known: Vec<&str> = conditions::CONDITIONS.iter().map(|d| d.name).collect();
                return Err(model_error(
                    model,
                    name,
                    &format!("is not a case condition; known: {}", known.join(", ")),
                ));
            }
        }
    }
    let lookup = |n: &str| values.get(n).copied();
    let eval = |e: &Expr| e.eval(&lookup).unwrap_or(Bounds::UNKNOWN);

    let membership = eval(&model.success);
    let failure_membership = model.failure.as_ref().map_or(membership.negate(), eval);
    let predicted = Prediction::from_sides(membership, failure_membership);

    let paths: Vec<PathResult> = model
        .success_paths
        .iter()
        .map(|p| path_result(p, &lookup))
        .collect();
    let failure_paths: Vec<PathResult> = model
        .failure_paths
        .iter()
        .map(|p| path_result(p, &lookup))
        .collect();

    // The configuration is compared on every analysed condition, not only those the
    // minimised expressions kept: dropping the others may rest on simplifying assumptions.
    let mut compared = used.clone();
    compared.extend(model.analysed_conditions.iter().cloned());
    let mut compared_values = values.clone();
    for name in &compared {
        if !compared_values.contains_key(name) {
            let b = match conditions::value(partnership, name) {
                Some((Cell::Score(b), _)) => b,
                _ => Bounds::UNKNOWN,
            };
            compared_values.insert(name.clone(), b);
        }
    }
    let references = compare(model, &compared, &compared_values);
    let same: Vec<&ReferenceMatch> = references
        .iter()
        .filter(|r| r.differs_on.is_empty() && r.unknown.is_empty())
        .collect();
    let data_success = data_only(&paths);
    let data_failure = match &model.failure {
        Some(_) => data_only(&failure_paths),
        None => data_success.negate(),
    };
    let data = if same.is_empty() {
        DataOnly {
            predicted: Prediction::from_sides(data_success, data_failure),
            membership: data_success,
            basis: "data_backed_paths",
            same_configuration: Vec::new(),
        }
    } else {
        let all = |p: Prediction| same.iter().all(|r| r.outcome == p);
        DataOnly {
            predicted: if all(Prediction::Success) {
                Prediction::Success
            } else if all(Prediction::Failure) {
                Prediction::Failure
            } else {
                Prediction::Contradictory
            },
            membership: data_success,
            basis: "observed_configuration",
            same_configuration: same.iter().map(|r| r.case.clone()).collect(),
        }
    };

    let unknown_conditions: Vec<String> = values
        .iter()
        .filter(|(_, b)| !b.is_known())
        .map(|(n, _)| n.clone())
        .collect();
    let rests_on_unknowns = predicted == Prediction::Undetermined && !unknown_conditions.is_empty();

    let mut assumptions = Vec::new();
    // An assumption-backed path matters only where no observed case has the configuration.
    for p in paths.iter().chain(&failure_paths) {
        if p.support.is_assumption() && p.holds != Holds::No && same.is_empty() {
            assumptions.push(Assumption {
                kind: match p.support {
                    Support::DirectionalExpectation => "directional_expectation",
                    _ => "simplifying_assumption",
                },
                subject: p.term.clone(),
                text: p.note.clone().unwrap_or_else(|| {
                    format!(
                        "the path {} is a {}, not shown by the observed cases",
                        p.term,
                        p.support.label()
                    )
                }),
            });
        }
    }
    let mut readings = BTreeMap::new();
    for name in &used {
        let ev = conditions::evidence_of(partnership, name);
        let written = ev.iter().any(|(_, _, line)| line.is_some());
        let b = values.get(name).copied().unwrap_or(Bounds::UNKNOWN);
        if !b.is_known() {
            assumptions.push(Assumption {
                kind: "unknown_condition",
                subject: name.clone(),
                text: if written {
                    format!("{name} is coded unknown: its membership may be anything in {b}")
                } else {
                    format!("{name} is not written in the partnership file: treated as unknown")
                },
            });
        }
        for (field, e, line) in &ev {
            if line.is_none() {
                continue;
            }
            let kind = match e.basis {
                Basis::Inferred => "inferred_coding",
                Basis::Assumed => "assumed_coding",
                Basis::Stated => continue,
            };
            assumptions.push(Assumption {
                kind,
                subject: name.clone(),
                text: format!(
                    "{field} is {} by the coder{}",
                    e.basis.as_str(),
                    e.note.as_ref().map_or(String::new(), |n| format!(": {n}"))
                ),
            });
        }
        readings.insert(
            name.clone(),
            ConditionReading {
                membership: b,
                basis: ev
                    .iter()
                    .filter(|(_, _, l)| l.is_some())
                    .map(|(_, e, _)| e.basis)
                    .collect(),
                written,
            },
        );
    }
    if !model.alternatives.is_empty() {
        let alts: Vec<String> = model.alternatives.iter().map(Expr::to_string).collect();
        assumptions.push(Assumption {
            kind: "model_ambiguity",
            subject: model.outcome.clone(),
            text: format!(
                "QCA found other models that explain the cases equally well: {}; the first is used",
                alts.join("; ")
            ),
        });
    }
    if model.failure.is_none() {
        assumptions.push(Assumption {
            kind: "failure_by_negation",
            subject: model.outcome.clone(),
            text: "the model states no failure paths: failure is read as 1 - success".into(),
        });
    }

    let barriers = partnership
        .barriers
        .named()
        .into_iter()
        .map(|(name, f)| BarrierReading {
            name,
            membership: Bounds::of(&f.value),
            quote: f.evidence.quote.clone(),
        })
        .collect();

    let observed = partnership
        .performance
        .as_ref()
        .and_then(|p| match p.agreement.value {
            Coded::Known(m) if m.value() > 0.5 => Some(Prediction::Success),
            Coded::Known(m) if m.value() < 0.5 => Some(Prediction::Failure),
            _ => None,
        });

    Ok(Assessment {
        schema: SCHEMA,
        partnership: Subject {
            id: partnership.id.clone(),
            name: partnership.name.clone(),
            file: partnership.file.clone(),
            observed,
        },
        model: ModelInfo {
            name: model.name.clone(),
            title: model.title.clone(),
            outcome: model.outcome.clone(),
            success: model.success.to_string(),
            failure: model.failure.as_ref().map(Expr::to_string),
            failure_modelled: model.failure.is_some(),
            source: model.provenance.source.clone(),
        },
        predicted,
        membership,
        failure_membership,
        rests_on_assumptions: data.predicted != predicted,
        data_only: data,
        reference_cases: references,
        paths,
        failure_paths,
        rests_on_unknowns,
        unknown_conditions,
        assumptions,
        conditions: readings,
        barriers,
        paradoxes: partnership.paradoxes.clone(),
    })
}

/// Compares the partnership with the model's reference cases on the conditions it uses.
fn compare(
    model: &Model,
    used: &BTreeSet<String>,
    values: &BTreeMap<String, Bounds>,
) -> Vec<ReferenceMatch> {
    let mut out: Vec<ReferenceMatch> = model
        .reference_cases
        .iter()
        .map(|r| {
            let mut differs_on = Vec::new();
            let mut unknown = Vec::new();
            for name in used {
                let mine = values.get(name).copied().unwrap_or(Bounds::UNKNOWN);
                let theirs = r.values.get(name).copied().unwrap_or(Bounds::UNKNOWN);
                if !mine.is_known() || !theirs.is_known() {
                    unknown.push(name.clone());
                } else if mine.side() != theirs.side() {
                    differs_on.push(name.clone());
                }
            }
            ReferenceMatch {
                case: r.id.clone(),
                outcome: match r.outcome.side() {
                    Side::In => Prediction::Success,
                    Side::Out => Prediction::Failure,
                    Side::Undecided => Prediction::Undetermined,
                },
                differs_on,
                unknown,
            }
        })
        .collect();
    out.sort_by_key(|r| (r.differs_on.len(), r.unknown.len()));
    out
}

fn path_result(p: &ModelPath, lookup: &dyn Fn(&str) -> Option<Bounds>) -> PathResult {
    let membership = p.term.eval(lookup).unwrap_or(Bounds::UNKNOWN);
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    for f in p.term.factors() {
        let b = f.eval(lookup).unwrap_or(Bounds::UNKNOWN);
        match b.side() {
            Side::Out => missing.push(f.to_string()),
            Side::Undecided if !b.is_known() => unknown.push(f.to_string()),
            _ => {}
        }
    }
    PathResult {
        term: p.term.to_string(),
        holds: match membership.side() {
            Side::In => Holds::Yes,
            Side::Out => Holds::No,
            Side::Undecided => Holds::Undecided,
        },
        membership,
        missing,
        unknown,
        support: p.support,
        note: p.note.clone(),
    }
}

/// Fuzzy OR of the paths not backed by an assumption (0 when there are none).
fn data_only(paths: &[PathResult]) -> Bounds {
    paths.iter().filter(|p| !p.support.is_assumption()).fold(
        Bounds {
            low: 0.0,
            high: 0.0,
        },
        |acc, p| acc.or(p.membership),
    )
}

fn model_error(model: &Model, name: &str, message: &str) -> CaseError {
    CaseError::invalid(
        &format!("<model {}>", model.name),
        None,
        "condition",
        Some(name.to_string()),
        format!("{name} {message}"),
    )
}
