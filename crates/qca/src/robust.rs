//! Robustness of a solution to the analyst's choices (Skaaning 2011; Oana & Schneider 2021,
//! SetMethods' `rob.inclrange`, `rob.ncutrange`, `rob.calibrange`): the inclusion and frequency
//! cutoffs and the calibration crossovers are varied over ranges, the minimisation is rerun at
//! every point, and the report says over which range of each parameter the solution stays the
//! same (the others at their base values), which terms of the base solution survive across the
//! whole grid of combinations, and which cases change membership in the solution.

use crate::calibrate::{self, LogOdds, Thresholds};
use crate::data::DataMatrix;
use crate::error::{QcaError, Result};
use crate::expr::Expression;
use crate::minimize::{minimize, MinParams};
use crate::truth_table::{InclCut, TruthTable, TtParams};
use serde::Serialize;

/// A raw column calibrated by the direct method, whose crossover is varied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariedCalibration {
    /// Raw column.
    pub column: String,
    /// Name of the calibrated set (a condition of the analysis).
    pub set: String,
    /// Base anchors.
    pub thresholds: Thresholds,
    /// Crossover values to try.
    pub crossovers: Vec<f64>,
}

impl VariedCalibration {
    /// Reads `SET:RAW:E:C:I:X1/X2/...` (set name, raw column, base anchors, crossovers to try);
    /// the error says which part is wrong.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let parts: Vec<&str> = text.split(':').map(str::trim).collect();
        let [set, raw, e, c, i, xs] = parts.as_slice() else {
            return Err("expected SET:RAW:E:C:I:X1/X2/...".into());
        };
        let num = |field: &str, v: &str| -> std::result::Result<f64, String> {
            v.parse()
                .map_err(|_| format!("{field} `{v}` is not a number"))
        };
        Ok(Self {
            column: raw.to_string(),
            set: set.to_string(),
            thresholds: Thresholds {
                exclusion: num("exclusion anchor", e)?,
                crossover: num("crossover", c)?,
                inclusion: num("inclusion anchor", i)?,
            },
            crossovers: (xs.split('/'))
                .map(|x| num("crossover to try", x))
                .collect::<std::result::Result<_, _>>()?,
        })
    }
}

/// What to vary, and the base analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustParams {
    /// The base truth table (outcome, conditions, cutoffs).
    pub tt: TtParams,
    /// The base minimisation.
    pub min: MinParams,
    /// Inclusion cutoffs to try.
    pub incl_cuts: Vec<f64>,
    /// Frequency cutoffs to try.
    pub n_cuts: Vec<usize>,
    /// Calibrations to vary (their sets are computed from the raw columns at every point).
    pub calibrations: Vec<VariedCalibration>,
    /// Log-odds convention of the calibrations.
    pub log_odds: LogOdds,
    /// Largest number of grid points (combinations) computed.
    pub max_grid: usize,
}

/// The solution at one value of one parameter, the others at their base values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParameterPoint {
    /// Value tried.
    pub value: f64,
    /// Models (`A*B + C`), or the reason there is none.
    pub solution: String,
    /// Whether it equals the base solution.
    pub same: bool,
}

/// One parameter's sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParameterRange {
    /// `incl.cut`, `n.cut` or `<set> crossover`.
    pub parameter: String,
    /// Base value.
    pub base: f64,
    /// Smallest and largest value of the unbroken run of values around the base giving the base
    /// solution.
    pub stable_from: f64,
    /// See `stable_from`.
    pub stable_to: f64,
    /// Every value tried.
    pub points: Vec<ParameterPoint>,
}

/// How often a term appears across the grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermSurvival {
    /// The term, R syntax.
    pub term: String,
    /// Whether it is in a base model.
    pub in_base: bool,
    /// Grid points with a solution in which some model contains it.
    pub points: usize,
    /// Share of the grid points with a solution.
    pub share: f64,
}

/// A case whose membership in the solution (above 0.5 or not) differs from the base somewhere.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseFlip {
    /// Case label.
    pub case: String,
    /// Membership above 0.5 in the base solution's first model.
    pub in_base: bool,
    /// Grid points where it is on the other side.
    pub flipped: usize,
}

/// The robustness report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Robustness {
    /// The base solution.
    pub base_solution: String,
    /// One sweep per parameter.
    pub ranges: Vec<ParameterRange>,
    /// Terms of the base solution first, then every other term met.
    pub terms: Vec<TermSurvival>,
    /// Cases that change side somewhere, most often first.
    pub flips: Vec<CaseFlip>,
    /// Grid points computed.
    pub grid_points: usize,
    /// Grid points without a solution (no positive row, no cover).
    pub no_solution: usize,
}

/// A parameter setting of the grid.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Point<'a> {
    incl: f64,
    n_cut: usize,
    crossovers: &'a [f64],
}

/// The models at a point and each case's membership in the first, or why there is no solution.
type Outcome = std::result::Result<(Vec<Vec<String>>, Vec<f64>), String>;

/// Runs the analysis at one point: the models, or the reason there is none.
fn solve_at(data: &DataMatrix, params: &RobustParams, point: Point) -> Result<Outcome> {
    let mut d = data.clone();
    for (c, &x) in params.calibrations.iter().zip(point.crossovers) {
        let raw = d.complete_column(&c.column)?;
        let th = Thresholds {
            crossover: x,
            ..c.thresholds
        };
        let values = match calibrate::direct(&raw, th, params.log_odds) {
            Ok(v) => v,
            Err(e) => return Ok(Err(e.to_string())),
        };
        d.set_column(c.set.clone(), values.into_iter().map(Some).collect())?;
    }
    let mut tp = params.tt.clone();
    tp.incl_cut = InclCut::single(point.incl);
    tp.n_cut = point.n_cut;
    let tt = match TruthTable::build(&d, &tp) {
        Ok(tt) => tt,
        Err(e @ QcaError::NothingToDo(_)) => return Ok(Err(e.to_string())),
        Err(e) => return Err(e),
    };
    match minimize(&tt, &params.min) {
        Ok(sol) => {
            let first = Expression::parse(&sol.models[0].join(" + "))?;
            let membership = first.evaluate(&d)?;
            Ok(Ok((sol.models, membership)))
        }
        Err(e @ QcaError::NothingToDo(_)) => Ok(Err(e.to_string())),
        Err(e) => Err(e),
    }
}

fn describe(models: &[Vec<String>]) -> String {
    models
        .iter()
        .map(|m| m.join(" + "))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Sweeps the parameters of `params` over `data` (raw columns for the varied calibrations).
pub fn robustness(data: &DataMatrix, params: &RobustParams) -> Result<Robustness> {
    let base_cross: Vec<f64> = params
        .calibrations
        .iter()
        .map(|c| c.thresholds.crossover)
        .collect();
    let base_point = Point {
        incl: params.tt.incl_cut.one,
        n_cut: params.tt.n_cut,
        crossovers: &base_cross,
    };
    let (base_models, base_membership) = solve_at(data, params, base_point)?.map_err(|why| {
        QcaError::NothingToDo(format!("the base analysis has no solution: {why}"))
    })?;
    let base_solution = describe(&base_models);
    // One parameter at a time.
    let mut ranges = Vec::new();
    let mut sweep = |name: String, base: f64, values: Vec<f64>, at: &dyn Fn(f64) -> Result<_>| {
        let mut points = Vec::new();
        for v in values {
            let r: Outcome = at(v)?;
            let (solution, same) = match r {
                Ok((m, _)) => (describe(&m), m == base_models),
                Err(why) => (format!("no solution ({why})"), false),
            };
            points.push(ParameterPoint {
                value: v,
                solution,
                same,
            });
        }
        points.sort_by(|a, b| a.value.total_cmp(&b.value));
        let (from, to) = stable_run(&points, base);
        ranges.push(ParameterRange {
            parameter: name,
            base,
            stable_from: from,
            stable_to: to,
            points,
        });
        Ok::<(), QcaError>(())
    };
    sweep(
        "incl.cut".into(),
        base_point.incl,
        params.incl_cuts.clone(),
        &|v| {
            solve_at(
                data,
                params,
                Point {
                    incl: v,
                    ..base_point
                },
            )
        },
    )?;
    sweep(
        "n.cut".into(),
        base_point.n_cut as f64,
        params.n_cuts.iter().map(|&n| n as f64).collect(),
        &|v| {
            solve_at(
                data,
                params,
                Point {
                    n_cut: v as usize,
                    ..base_point
                },
            )
        },
    )?;
    for (i, c) in params.calibrations.iter().enumerate() {
        sweep(
            format!("{} crossover", c.set),
            c.thresholds.crossover,
            c.crossovers.clone(),
            &|v| {
                let mut cross = base_cross.clone();
                cross[i] = v;
                solve_at(
                    data,
                    params,
                    Point {
                        crossovers: &cross,
                        ..base_point
                    },
                )
            },
        )?;
    }
    // The grid of every combination.
    let with_base = |mut v: Vec<f64>, b: f64| {
        if v.is_empty() {
            v.push(b);
        }
        v
    };
    let incls = with_base(params.incl_cuts.clone(), base_point.incl);
    let ncuts = with_base(
        params.n_cuts.iter().map(|&n| n as f64).collect(),
        base_point.n_cut as f64,
    );
    let mut axes: Vec<Vec<f64>> = vec![incls, ncuts];
    for c in &params.calibrations {
        axes.push(with_base(c.crossovers.clone(), c.thresholds.crossover));
    }
    let total: usize = axes.iter().map(Vec::len).product();
    if total > params.max_grid {
        return Err(QcaError::TooMuchWork {
            what: "robustness grid".into(),
            estimate: total as f64,
            unit: "combinations".into(),
            limit: params.max_grid as f64,
            advice: "give fewer values per parameter".into(),
        });
    }
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    let mut flips = vec![0usize; base_membership.len()];
    let (mut solved, mut no_solution) = (0usize, 0usize);
    for idx in 0..total {
        let mut rest = idx;
        let coords: Vec<f64> = axes
            .iter()
            .map(|a| {
                let v = a[rest % a.len()];
                rest /= a.len();
                v
            })
            .collect();
        let point = Point {
            incl: coords[0],
            n_cut: coords[1] as usize,
            crossovers: &coords[2..],
        };
        match solve_at(data, params, point)? {
            Ok((models, membership)) => {
                solved += 1;
                let mut terms: Vec<&String> = models.iter().flatten().collect();
                terms.sort();
                terms.dedup();
                for t in terms {
                    *counts.entry(t.clone()).or_default() += 1;
                }
                for (f, (m, b)) in flips
                    .iter_mut()
                    .zip(membership.iter().zip(&base_membership))
                {
                    if (*m > 0.5) != (*b > 0.5) {
                        *f += 1;
                    }
                }
            }
            Err(_) => no_solution += 1,
        }
    }
    let base_terms: Vec<&String> = base_models.iter().flatten().collect();
    let survival = |term: &String, points: usize| TermSurvival {
        term: term.clone(),
        in_base: base_terms.contains(&term),
        points,
        share: if solved == 0 {
            0.0
        } else {
            points as f64 / solved as f64
        },
    };
    let mut terms: Vec<TermSurvival> = Vec::new();
    for t in &base_terms {
        if !terms.iter().any(|s| &s.term == *t) {
            terms.push(survival(t, counts.get(*t).copied().unwrap_or(0)));
        }
    }
    let mut others: Vec<TermSurvival> = counts
        .iter()
        .filter(|(t, _)| !base_terms.contains(t))
        .map(|(t, &n)| survival(t, n))
        .collect();
    others.sort_by(|a, b| b.points.cmp(&a.points).then(a.term.cmp(&b.term)));
    terms.extend(others);
    let mut case_flips: Vec<CaseFlip> = flips
        .iter()
        .enumerate()
        .filter(|(_, &f)| f > 0)
        .map(|(i, &f)| CaseFlip {
            case: data.cases()[i].clone(),
            in_base: base_membership[i] > 0.5,
            flipped: f,
        })
        .collect();
    case_flips.sort_by(|a, b| b.flipped.cmp(&a.flipped).then(a.case.cmp(&b.case)));
    Ok(Robustness {
        base_solution,
        ranges,
        terms,
        flips: case_flips,
        grid_points: total,
        no_solution,
    })
}

/// The unbroken run of values giving the base solution around the base value (the base value
/// itself when it was not tried or gives another solution).
fn stable_run(points: &[ParameterPoint], base: f64) -> (f64, f64) {
    let Some(at) = points
        .iter()
        .position(|p| p.value >= base - 1e-12 && p.same)
        .filter(|&i| (points[i].value - base).abs() < 1e-12)
    else {
        return (base, base);
    };
    let mut lo = at;
    while lo > 0 && points[lo - 1].same {
        lo -= 1;
    }
    let mut hi = at;
    while hi + 1 < points.len() && points[hi + 1].same {
        hi += 1;
    }
    (points[lo].value, points[hi].value)
}
