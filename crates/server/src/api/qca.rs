//! QCA over stored case files: the same library calls as `ambit cases matrix` followed by
//! `ambit qca minimize` (`ambit_cases::collection::Collection` then
//! `ambit_cases::analysis::analyse`), with the result stored as an analysis of kind `qca`.
//! A refused case set or option is answered 422 with every problem, and nothing is stored.

use super::{blocking, with_store};
use crate::error::Body;
use crate::{ApiError, Studio};
use ambit_cases::analysis::{analyse, OutcomeSet, QcaSpec, STUDY_CONDITIONS};
use ambit_cases::collection::Collection;
use ambit_cases::conditions::{ConditionKind, CONDITIONS, OUTCOME};
use ambit_cases::{CaseError, ConditionSpec, MatrixSpec, Profile, Scale, UnknownPolicy};
use ambit_store::{AnalysisRecord, StoreError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;

/// The analysis kind QCA runs are stored under.
const KIND: &str = "qca";

/// `GET /api/qca/conditions`: the conditions a case offers, and the default choice.
pub async fn conditions() -> Json<Value> {
    let list: Vec<Value> = CONDITIONS
        .iter()
        .map(|d| {
            json!({
                "name": d.name,
                "field": d.field,
                "about": d.about,
                "kind": match d.kind() {
                    ConditionKind::Score => "score",
                    ConditionKind::Count => "count",
                },
            })
        })
        .collect();
    Json(json!({
        "conditions": list,
        "default_conditions": STUDY_CONDITIONS,
        "default_outcome": OUTCOME,
    }))
}

/// Crisp or fuzzy matrix (as `ambit cases matrix --scale`).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum ScaleOption {
    #[default]
    Crisp,
    Fuzzy,
}

/// Unknown values refused or their cases dropped (as `ambit cases matrix --unknown`).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum UnknownOption {
    #[default]
    Refuse,
    Drop,
}

fn default_outcome() -> String {
    OUTCOME.to_string()
}

fn one() -> f64 {
    1.0
}

fn one_case() -> usize {
    1
}

/// Body of `POST /api/qca`: the case files and the options of the run.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// Ids of stored case files.
    case_files: Vec<i64>,
    /// `SUCCESS`, or `~SUCCESS` for its absence.
    #[serde(default = "default_outcome")]
    outcome: String,
    /// Conditions (`TIES`, `NPLANS>=3`); empty: the study's ([`STUDY_CONDITIONS`]).
    #[serde(default)]
    conditions: Vec<String>,
    #[serde(default)]
    scale: ScaleOption,
    #[serde(default)]
    unknown: UnknownOption,
    /// Inclusion cut-off for a positive row.
    #[serde(default = "one")]
    incl_cut: f64,
    /// Lower inclusion cut-off: rows in between are contradictions.
    #[serde(default)]
    incl_cut0: Option<f64>,
    #[serde(default = "one_case")]
    n_cut: usize,
    #[serde(default)]
    pri_cut: f64,
    /// Directional expectations (`LEAD`, `~HOMO`): the intermediate solution.
    #[serde(default)]
    dir_exp: Vec<String>,
}

/// A case file as the run read it.
#[derive(Serialize)]
struct UsedFile {
    id: i64,
    name: String,
    version: i64,
}

/// A refused run: 422 with every problem, each naming file, line, field and value.
fn refused(problems: Vec<Value>) -> ApiError {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| p["message"].as_str().unwrap_or_default().to_string())
        .collect();
    ApiError::Unprocessable {
        message: format!(
            "QCA refused, nothing was stored: {} problem(s): {}",
            lines.len(),
            lines.join("; ")
        ),
        details: json!({ "problems": lines, "errors": problems }),
    }
}

fn problem(field: &str, value: Option<String>, message: String) -> Value {
    json!({ "file": null, "line": null, "field": field, "value": value, "message": message })
}

fn case_problems(e: &CaseError) -> Vec<Value> {
    e.flatten()
        .into_iter()
        .map(|e| match e.as_invalid() {
            Some(inv) => json!({
                "file": inv.file,
                "line": inv.line,
                "field": inv.field,
                "value": inv.value,
                "message": e.to_string(),
            }),
            None => problem("", None, e.to_string()),
        })
        .collect()
}

/// Translates the request into the library's spec, listing every bad option.
fn spec(req: &RunRequest) -> Result<(QcaSpec, Vec<String>), ApiError> {
    let mut problems = Vec::new();
    let outcome_text = req.outcome.trim();
    let (outcome_set, outcome_name) = match outcome_text.strip_prefix('~') {
        Some(rest) => (OutcomeSet::Absent, rest.trim()),
        None => (OutcomeSet::Present, outcome_text),
    };
    let outcome = outcome_name.parse::<ConditionSpec>().unwrap_or_else(|e| {
        problems.push(problem("outcome", Some(req.outcome.clone()), e));
        ConditionSpec {
            name: OUTCOME.into(),
            at_least: None,
        }
    });
    let names: Vec<String> = if req.conditions.iter().all(|c| c.trim().is_empty()) {
        STUDY_CONDITIONS.iter().map(|c| c.to_string()).collect()
    } else {
        req.conditions
            .iter()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect()
    };
    let mut conditions = Vec::new();
    for c in &names {
        match c.parse::<ConditionSpec>() {
            Ok(spec) => conditions.push(spec),
            Err(e) => problems.push(problem("conditions", Some(c.clone()), e)),
        }
    }
    if req.case_files.is_empty() {
        problems.push(problem(
            "case_files",
            None,
            "choose at least one stored case file".into(),
        ));
    }
    for (i, id) in req.case_files.iter().enumerate() {
        if req.case_files[..i].contains(id) {
            problems.push(problem(
                "case_files",
                Some(id.to_string()),
                format!("case file {id} is chosen twice"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(refused(problems));
    }
    let mut spec = QcaSpec::new(MatrixSpec {
        conditions,
        outcome: Some(outcome),
        scale: match req.scale {
            ScaleOption::Crisp => Scale::Crisp,
            ScaleOption::Fuzzy => Scale::Fuzzy,
        },
        unknowns: match req.unknown {
            UnknownOption::Refuse => UnknownPolicy::Refuse,
            UnknownOption::Drop => UnknownPolicy::DropCases,
        },
    });
    spec.outcome_set = outcome_set;
    spec.incl_cut.one = req.incl_cut;
    spec.incl_cut.zero = req.incl_cut0.unwrap_or(req.incl_cut);
    spec.n_cut = req.n_cut;
    spec.pri_cut = req.pri_cut;
    spec.dir_exp = req
        .dir_exp
        .iter()
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect();
    Ok((spec, names))
}

/// `POST /api/qca`: runs QCA over the chosen stored case files and stores the result.
pub async fn run(
    State(studio): State<Arc<Studio>>,
    Body(req): Body<RunRequest>,
) -> Result<(StatusCode, Json<AnalysisRecord>), ApiError> {
    let (spec, names) = spec(&req)?;
    let ids = req.case_files.clone();
    let files = with_store(&studio, move |s| {
        let mut files = Vec::new();
        let mut missing = Vec::new();
        for id in ids {
            match s.case_file(id) {
                Ok(rec) => files.push(rec),
                Err(StoreError::NotFound { .. }) => missing.push(problem(
                    "case_files",
                    Some(id.to_string()),
                    format!("no stored case file {id}"),
                )),
                Err(e) => return Err(e.into()),
            }
        }
        if missing.is_empty() {
            Ok(files)
        } else {
            Err(refused(missing))
        }
    })
    .await?;
    let used: Vec<UsedFile> = files
        .iter()
        .map(|f| UsedFile {
            id: f.id,
            name: f.name.clone(),
            version: f.version,
        })
        .collect();
    let result = blocking(&studio, move |_| {
        let texts: Vec<(&str, &str)> = files
            .iter()
            .map(|f| (f.name.as_str(), f.content.as_str()))
            .collect();
        // Cases of a study code every field (as `ambit cases` reads them), not partnerships.
        let run = Collection::from_texts(&texts, Profile::Case)
            .and_then(|c| c.table())
            .and_then(|t| analyse(&t, &spec))
            .map_err(|e| refused(case_problems(&e)))?;
        serde_json::to_value(&run).map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await?;
    let input = json!({
        "case_files": used,
        "outcome": req.outcome.trim(),
        "conditions": names,
        "scale": req.scale,
        "unknown": req.unknown,
        "incl_cut": req.incl_cut,
        "incl_cut0": req.incl_cut0.unwrap_or(req.incl_cut),
        "n_cut": req.n_cut,
        "pri_cut": req.pri_cut,
        "dir_exp": req.dir_exp,
    });
    let rec = with_store(&studio, move |s| {
        let id = s.save_analysis(KIND, None, &input, &result)?;
        Ok(s.analysis(id)?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(rec)))
}

/// `GET /api/qca/analyses`: the stored QCA runs, newest first, each with what it analysed and
/// its solutions' expressions.
pub async fn list(State(studio): State<Arc<Studio>>) -> Result<Json<Vec<Value>>, ApiError> {
    with_store(&studio, |s| {
        let mut out = Vec::new();
        for summary in s.list_analyses()?.into_iter().filter(|a| a.name == KIND) {
            let rec = s.analysis(summary.id)?;
            let solutions: serde_json::Map<String, Value> = rec.result["solutions"]
                .as_array()
                .map(|all| {
                    all.iter()
                        .map(|sol| {
                            let models: Vec<Value> = sol["models"]
                                .as_array()
                                .map(|m| m.iter().map(|m| m["expression"].clone()).collect())
                                .unwrap_or_default();
                            (
                                sol["kind"].as_str().unwrap_or_default().to_string(),
                                Value::Array(models),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let names: Vec<Value> = rec.input["case_files"]
                .as_array()
                .map(|f| f.iter().map(|f| f["name"].clone()).collect())
                .unwrap_or_default();
            out.push(json!({
                "id": rec.id,
                "created_at": rec.created_at,
                "outcome": rec.result["outcome"],
                "conditions": rec.result["conditions"],
                "case_files": names,
                "solutions": solutions,
            }));
        }
        Ok(Json(out))
    })
    .await
}

/// `GET /api/qca/analyses/{id}`: one stored QCA run (its input and result).
pub async fn get(
    State(studio): State<Arc<Studio>>,
    Path(id): Path<i64>,
) -> Result<Json<AnalysisRecord>, ApiError> {
    with_store(&studio, move |s| {
        let rec = s.analysis(id)?;
        if rec.kind != KIND {
            return Err(ApiError::NotFound(format!(
                "analysis {id} is a {} analysis, not a QCA run",
                rec.kind
            )));
        }
        Ok(Json(rec))
    })
    .await
}
