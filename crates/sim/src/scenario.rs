//! A scenario (baseline, candidates, assessments, policy, observed outcome, model) and its
//! compiled form, the [`World`] the engine simulates.

use crate::error::SimError;
use crate::input::{
    parse_assessment_json, parse_assessments, parse_candidates, parse_districts,
    parse_plan_candidates, parse_policy, parse_toml, read_text, Assessment, CandidateRow,
    DistrictRow, Observed, Policy, ScenarioFile, Window,
};
use crate::model::{effective_score, Model};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where one input of a scenario comes from (printed in every result and report).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// What the input is (`baseline`, `policy`, ...).
    pub input: String,
    /// File it was read from.
    pub path: String,
    /// Source, vintage or note.
    pub note: String,
}

/// A loaded and validated scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scenario {
    /// Name.
    pub name: String,
    /// Description with its assumptions.
    pub description: String,
    /// Data vintage of the baseline.
    pub vintage: String,
    /// Baseline districts.
    pub districts: Vec<DistrictRow>,
    /// Candidate groupings.
    pub candidates: Vec<CandidateRow>,
    /// Assessments of candidates.
    pub assessments: Vec<Assessment>,
    /// Policy.
    pub policy: Policy,
    /// Observed outcome for calibration.
    pub observed: Option<Observed>,
    /// Model parameters.
    pub model: Model,
    /// Provenance of every input.
    pub provenance: Vec<Provenance>,
}

impl Scenario {
    /// Loads `scenario.toml` and the files it names (relative to its folder).
    pub fn load(path: &Path) -> Result<Self, SimError> {
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        Self::from_source(path, |rel| {
            let p = dir.join(rel);
            read_text(&p).map(|t| (p, t))
        })
    }

    /// Builds a scenario from a scenario file and a function that reads the files it names
    /// (returns the resolved path and the text); used for bundled scenarios.
    pub fn from_source(
        path: &Path,
        mut read: impl FnMut(&Path) -> Result<(PathBuf, String), SimError>,
    ) -> Result<Self, SimError> {
        let (_, text) = read(Path::new(path.file_name().unwrap_or(path.as_os_str())))?;
        let file: ScenarioFile = parse_toml(&text, path)?;
        let (bp, bt) = read(&file.baseline)?;
        let districts = parse_districts(&bt, &bp)?;
        let (cp, ct) = read(&file.candidates)?;
        // `ambit plan` writes plan.json: its mergers are the groupings.
        let candidates = if cp.extension().is_some_and(|e| e == "json") {
            parse_plan_candidates(&ct, &cp)?
        } else {
            parse_candidates(&ct, &cp)?
        };
        let (pp, pt) = read(&file.policy)?;
        let policy = parse_policy(&pt, &pp)?;
        let mut provenance = vec![
            Provenance {
                input: "scenario".into(),
                path: path.display().to_string(),
                note: file.description.clone(),
            },
            Provenance {
                input: "baseline districts".into(),
                path: bp.display().to_string(),
                note: format!("{} districts; vintage {}", districts.len(), file.vintage),
            },
            Provenance {
                input: "candidate groupings".into(),
                path: cp.display().to_string(),
                note: format!("{} groupings", candidates.len()),
            },
            Provenance {
                input: "policy".into(),
                path: pp.display().to_string(),
                note: format!("{}; {}", policy.name, policy.source),
            },
        ];
        let assessments = match &file.assessments {
            Some(rel) => {
                let (ap, at) = read(rel)?;
                // `ambit assess --format json` output, or the CSV form.
                let a = if ap.extension().is_some_and(|e| e == "json") {
                    parse_assessment_json(&at, &ap)?
                } else {
                    parse_assessments(&at, &ap)?
                };
                provenance.push(Provenance {
                    input: "assessments".into(),
                    path: ap.display().to_string(),
                    note: format!("{} assessed groupings", a.len()),
                });
                a
            }
            None => Vec::new(),
        };
        if let Some(o) = &file.observed {
            provenance.push(Provenance {
                input: "observed outcome".into(),
                path: path.display().to_string(),
                note: format!(
                    "at {}: {} subscribed, {} merges, {} on stand-by; {}",
                    o.deadline, o.subscribed, o.merges, o.standby, o.source
                ),
            });
        }
        let model = Model::with_overrides(&file.model)?;
        let scenario = Self {
            name: file.name,
            description: file.description,
            vintage: file.vintage,
            districts,
            candidates,
            assessments,
            policy,
            observed: file.observed,
            model,
            provenance,
        };
        scenario.check_references(&cp)?;
        if let Some(o) = &scenario.observed {
            if scenario.policy.window_index(&o.deadline).is_none() {
                return Err(SimError::field(
                    path,
                    0,
                    "observed.deadline",
                    &o.deadline,
                    "is not the deadline of any policy window",
                ));
            }
        }
        // Compile once so that compliance problems surface at load time.
        World::compile(&scenario, &scenario.policy)?;
        Ok(scenario)
    }

    fn check_references(&self, candidates_path: &Path) -> Result<(), SimError> {
        let names: HashMap<&str, ()> = self
            .districts
            .iter()
            .map(|d| (d.district.as_str(), ()))
            .collect();
        for c in &self.candidates {
            for m in &c.members {
                if !names.contains_key(m.as_str()) {
                    return Err(SimError::field(
                        candidates_path,
                        c.line,
                        "members",
                        m,
                        "not a district of the baseline",
                    ));
                }
            }
        }
        let cands: HashMap<&str, ()> = self
            .candidates
            .iter()
            .map(|c| (c.candidate.as_str(), ()))
            .collect();
        for a in &self.assessments {
            if !cands.contains_key(a.candidate.as_str()) {
                return Err(SimError::Invalid(format!(
                    "assessments line {}: candidate {:?} is not in the candidate groupings",
                    a.line, a.candidate
                )));
            }
        }
        Ok(())
    }
}

/// A candidate grouping as the engine sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grouping {
    /// Name.
    pub name: String,
    /// Indices of the member districts.
    pub members: Vec<usize>,
    /// Score entering the agreement probability.
    pub score: f64,
    /// How the score was obtained.
    pub score_basis: String,
    /// Political homophily among the leading mayors.
    pub homophily: bool,
    /// A dominant city among the partners.
    pub dominant_city: bool,
    /// Whether the merged district would comply.
    pub compliant_after: bool,
    /// Why it would (or would not) comply.
    pub compliance_basis: String,
    /// Whether a member is below its threshold (groupings without one are not imposed).
    pub has_below_member: bool,
}

/// A scenario compiled against one policy: indices, compliance, scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct World {
    /// District names.
    pub names: Vec<String>,
    /// Populations (when known).
    pub population: Vec<Option<u64>>,
    /// Thresholds (when known).
    pub threshold: Vec<Option<u64>>,
    /// Baseline compliance.
    pub compliant: Vec<bool>,
    /// Candidate groupings in priority order (file order).
    pub groupings: Vec<Grouping>,
    /// For each district, the groupings it belongs to.
    pub groupings_of: Vec<Vec<usize>>,
    /// Incentive windows.
    pub windows: Vec<Window>,
    /// Each window's incentive as a fraction of the largest premium of the scenario's own policy.
    pub incentive_share: Vec<f64>,
    /// Second-level premium (EUR).
    pub second_level_eur: u64,
    /// Window from which open groupings are imposed.
    pub mandatory_from: Option<usize>,
}

impl World {
    /// Compiles `scenario` under `policy` (the scenario's own or a variant's).
    pub fn compile(scenario: &Scenario, policy: &Policy) -> Result<Self, SimError> {
        let n = scenario.districts.len();
        let mut threshold = Vec::with_capacity(n);
        let mut compliant = Vec::with_capacity(n);
        for d in &scenario.districts {
            let t = match (&d.class, policy.thresholds.is_empty()) {
                (Some(class), false) => Some(*policy.thresholds.get(class).ok_or_else(|| {
                    SimError::Invalid(format!(
                        "district {:?} (baseline line {}): class {:?} has no threshold in policy {:?}",
                        d.district, d.line, class, policy.name
                    ))
                })?),
                _ => d.threshold,
            };
            let c = match (d.population, t) {
                // Computed compliance wins over the written column: a threshold variant must change it.
                (Some(p), Some(t)) => policy.threshold_rule.meets(p, t),
                _ => d.compliant.ok_or_else(|| {
                    SimError::Invalid(format!(
                        "district {:?} (baseline line {}): compliance unknown; give population and threshold (or class), or `compliant`",
                        d.district, d.line
                    ))
                })?,
            };
            threshold.push(t);
            compliant.push(c);
        }
        let index: HashMap<&str, usize> = scenario
            .districts
            .iter()
            .enumerate()
            .map(|(i, d)| (d.district.as_str(), i))
            .collect();
        let assessments: HashMap<&str, &Assessment> = scenario
            .assessments
            .iter()
            .map(|a| (a.candidate.as_str(), a))
            .collect();
        let population: Vec<Option<u64>> =
            scenario.districts.iter().map(|d| d.population).collect();
        let mut groupings = Vec::with_capacity(scenario.candidates.len());
        let mut groupings_of = vec![Vec::new(); n];
        for (ci, c) in scenario.candidates.iter().enumerate() {
            let members: Vec<usize> = c
                .members
                .iter()
                .map(|m| {
                    index.get(m.as_str()).copied().ok_or_else(|| {
                        SimError::Invalid(format!(
                            "candidate {:?}: member {m:?} is not a baseline district",
                            c.candidate
                        ))
                    })
                })
                .collect::<Result<_, _>>()?;
            for &m in &members {
                groupings_of[m].push(ci);
            }
            let a = assessments.get(c.candidate.as_str()).copied();
            let (score, basis) = effective_score(a);
            let (compliant_after, compliance_basis) =
                merged_compliance(c, &members, &population, &threshold, policy);
            groupings.push(Grouping {
                name: c.candidate.clone(),
                has_below_member: members.iter().any(|&m| !compliant[m]),
                members,
                score,
                score_basis: basis.to_string(),
                homophily: a.and_then(|a| a.evidence.homophily).unwrap_or(false),
                dominant_city: a.and_then(|a| a.evidence.dominant_city).unwrap_or(false),
                compliant_after,
                compliance_basis,
            });
        }
        // The incentive is measured against the scenario's own schedule, so that a variant
        // doubling the premiums doubles the incentive term.
        let max = scenario.policy.max_incentive();
        let incentive_share = policy
            .windows
            .iter()
            .map(|w| {
                if max == 0 {
                    0.0
                } else {
                    w.incentive_eur as f64 / max as f64
                }
            })
            .collect();
        Ok(Self {
            names: scenario
                .districts
                .iter()
                .map(|d| d.district.clone())
                .collect(),
            population,
            threshold,
            compliant,
            groupings,
            groupings_of,
            windows: policy.windows.clone(),
            incentive_share,
            second_level_eur: policy.second_level_eur,
            mandatory_from: policy
                .mandatory_from
                .as_deref()
                .and_then(|m| policy.window_index(m)),
        })
    }

    /// Number of baseline districts.
    pub fn n_districts(&self) -> usize {
        self.names.len()
    }
}

/// Whether a merged grouping complies, and on what basis.
fn merged_compliance(
    c: &CandidateRow,
    members: &[usize],
    population: &[Option<u64>],
    threshold: &[Option<u64>],
    policy: &Policy,
) -> (bool, String) {
    if let Some(v) = c.compliant {
        return (v, "stated in the candidates file".into());
    }
    let pop: Option<u64> = members.iter().map(|&m| population[m]).sum();
    // Without a planner-computed class, the strictest member threshold applies (conservative).
    let t = c
        .threshold
        .or_else(|| members.iter().filter_map(|&m| threshold[m]).max());
    match (pop, t) {
        (Some(p), Some(t)) => (
            policy.threshold_rule.meets(p, t),
            format!("population {p} against threshold {t}"),
        ),
        _ => (
            true,
            "assumed: populations unknown, groupings are drawn to comply".into(),
        ),
    }
}
