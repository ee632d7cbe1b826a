//! Boolean minimisation of a truth table: conservative, parsimonious and intermediate solutions
//! (Ragin & Sonnett 2004; Ragin 2008 ch. 9), with the prime implicant chart, every minimal model
//! (model ambiguity, Baumgartner & Thiem 2017), essential prime implicants, simplifying
//! assumptions and easy / difficult counterfactuals, following R QCA 3.25.1 `minimize()`.

use crate::certified::{restrict, Budget, Certificate, StopReason};
use crate::cover::{irredundant_covers, minimum_covers_until, row_dominance, BitSet, CoverSearch};
use crate::error::{check_cutoff, QcaError, Result};
use crate::expr::{Expression, LiteralValue};
use crate::fit::{self, SetFit};
use crate::implicant::{r_order, Implicant};
use crate::prime::{primes_qmc, primes_with_remainders};
use crate::truth_table::{agteb, decode_row, encode_row, Out, TruthTable};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// Largest truth table (in rows) for which simplifying assumptions are listed row by row.
pub const MAX_ROWS_LISTED: u64 = 1 << 20;

/// Which models to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ModelSearch {
    /// Every model with the minimum number of prime implicants (R's default).
    AllMinimal,
    /// One model of minimum size (fast; model ambiguity is then not reported).
    FirstMinimal,
    /// Every irredundant model, minimal or not (R's `all.sol = TRUE`).
    AllIrredundant,
}

/// Parameters of a minimisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MinParams {
    /// Use remainders as simplifying assumptions (R's `include = "?"`).
    pub include_remainders: bool,
    /// Treat contradictions (OUT = C) as don't-care rows (R's `include = "C"`).
    pub include_contradictions: bool,
    /// Directional expectations, R syntax: `X` (present contributes), `~X`, `X[v]`, `~A*B` (conjunctural).
    pub dir_exp: Vec<String>,
    /// Drop prime implicants dominated by others before solving the chart.
    pub row_dom: bool,
    /// Which models to report.
    pub search: ModelSearch,
    /// Truth table rows (1-based numbers) kept out of the minimisation, so never used as
    /// simplifying assumptions (R's `exclude`, e.g. contradictory simplifying assumptions).
    pub exclude: Vec<u64>,
    /// Minimum sufficiency inclusion of a prime implicant to enter the chart (R's `pi.cons`).
    pub pi_cons: f64,
    /// Minimum sufficiency inclusion of a model to be reported (R's `sol.cons`).
    pub sol_cons: f64,
    /// Minimum coverage of a model to be reported (R's `sol.cov`).
    pub sol_cov: f64,
    /// Stop adding prime implicants at the complexity (number of literals) whose implicants no
    /// longer lower the number of implicants a model needs (R's `min.pin`, Dusa 2018): the
    /// models then use only implicants up to the complexity before it.
    pub min_pin: bool,
}

impl Default for MinParams {
    fn default() -> Self {
        Self {
            include_remainders: false,
            include_contradictions: false,
            dir_exp: Vec::new(),
            row_dom: false,
            search: ModelSearch::AllMinimal,
            exclude: Vec::new(),
            pi_cons: 0.0,
            sol_cons: 0.0,
            sol_cov: 0.0,
            min_pin: false,
        }
    }
}

/// A prime implicant of the chart with the positive rows it covers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PiChartEntry {
    /// The implicant, R syntax.
    pub pi: String,
    /// 1-based truth table rows (positive, explained) it covers.
    pub covers_rows: Vec<u64>,
}

/// Parameters of fit of one term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermFit {
    /// The term, R syntax.
    pub term: String,
    /// Sufficiency consistency.
    #[serde(rename = "inclS")]
    pub incl_s: f64,
    /// Proportional reduction in inconsistency.
    #[serde(rename = "PRI")]
    pub pri: f64,
    /// Raw coverage.
    #[serde(rename = "covS")]
    pub cov_s: f64,
    /// Unique coverage (absent when the term stands alone, as in R).
    #[serde(rename = "covU", skip_serializing_if = "Option::is_none")]
    pub cov_u: Option<f64>,
    /// Cases of the covered positive rows (`a,b; c`), as R prints them.
    pub cases: String,
}

/// Parameters of fit of one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelFit {
    /// Each term, with unique coverage within this model.
    pub term_fit: Vec<TermFit>,
    /// The disjunction.
    pub model_fit: SetFit,
}

/// Parameters of fit of a solution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolutionFit {
    /// Every prime implicant used by some model (unique coverage relative to all of them).
    pub pi_fit: Vec<TermFit>,
    /// Per model.
    pub models: Vec<ModelFit>,
}

/// A truth table row referred to by number and values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct RowRef {
    /// 1-based row number.
    pub row: u64,
    /// Condition values.
    pub values: Vec<u8>,
}

/// An intermediate solution for one pair (conservative model Ci, parsimonious model Pj).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntermediateSolution {
    /// `CiPj`.
    pub combination: String,
    /// The conservative model.
    pub conservative_model: Vec<String>,
    /// The parsimonious model.
    pub parsimonious_model: Vec<String>,
    /// Intermediate models.
    pub models: Vec<Vec<String>>,
    /// Prime implicants present in every intermediate model.
    pub essential: Vec<String>,
    /// Remainders used because they agree with the directional expectations.
    pub easy_counterfactuals: Vec<RowRef>,
    /// Simplifying assumptions of the parsimonious model not used (against the expectations).
    pub difficult_counterfactuals: Vec<RowRef>,
    /// The chart of the intermediate minimisation.
    pub pi_chart: Vec<PiChartEntry>,
    /// Parameters of fit.
    pub fit: SolutionFit,
}

/// The result of a minimisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    /// Condition names.
    pub conditions: Vec<String>,
    /// Outcome (`~Y` when negated).
    pub outcome: String,
    /// Every model found, each a list of prime implicants in chart order.
    pub models: Vec<Vec<String>>,
    /// True when more than one model explains the data equally well.
    pub model_ambiguity: bool,
    /// Prime implicants present in every model.
    pub essential: Vec<String>,
    /// The prime implicant chart (after row dominance when asked).
    pub pi_chart: Vec<PiChartEntry>,
    /// Parameters of fit.
    pub fit: SolutionFit,
    /// Remainders used by each model (`M1`, ...); `None` when the table is too large to list.
    pub simplifying_assumptions: Option<BTreeMap<String, Vec<RowRef>>>,
    /// Intermediate solutions, when directional expectations are given.
    pub intermediate: Vec<IntermediateSolution>,
    /// Warnings.
    pub warnings: Vec<String>,
    /// The prime implicants of the chart, in chart order.
    #[serde(skip)]
    pub implicants: Vec<Implicant>,
    /// Models as indices into `implicants`.
    #[serde(skip)]
    pub model_indices: Vec<Vec<usize>>,
    /// What is proven about the models: minimal, complete, or a lower bound when stopped.
    pub certificate: Certificate,
}

/// What the implicant stage proved before the cover search.
struct Bound {
    lower: usize,
    stopped: Option<StopReason>,
    method: &'static str,
    /// The best cover found while bounding (kept when a stopped cover search did worse).
    incumbent: Vec<Implicant>,
}

/// Which prime implicants the chart of a parsimonious solution holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum ChartScope {
    /// Every prime implicant up to 12 conditions (R's chart; `RESTRICT_ABOVE`), the usable
    /// ones beyond.
    Auto,
    /// Every prime implicant (R's chart; memory and time grow with their number).
    Every,
    /// Only the implicants a minimum model can use (module `certified`); same models.
    Usable,
}

/// Above this many conditions, [`ChartScope::Auto`] lists only the usable implicants.
pub const RESTRICT_ABOVE: usize = 12;

/// Minimises a truth table.
pub fn minimize(tt: &TruthTable, params: &MinParams) -> Result<Solution> {
    minimize_with(tt, params, ChartScope::Auto, &Budget::unlimited())
}

/// Minimises a truth table within a budget (time, memory, cancellation, progress): a stopped
/// run returns the best models found with [`Solution::certificate`] saying what is proven.
pub fn minimize_with(
    tt: &TruthTable,
    params: &MinParams,
    scope: ChartScope,
    budget: &Budget,
) -> Result<Solution> {
    let k = tt.conditions.len();
    if k > 64 {
        return Err(QcaError::InvalidParameter(format!(
            "{k} conditions: at most 64 are supported"
        )));
    }
    let on: Vec<&crate::truth_table::TtRow> = tt.rows_with(Out::One).collect();
    if on.is_empty() {
        return Err(QcaError::NothingToDo(format!(
            "no truth table row has OUT = 1 for `{}`: nothing to explain (lower the inclusion cutoff?)",
            tt.outcome
        )));
    }
    let on_values: Vec<Vec<u8>> = on.iter().map(|r| r.values.clone()).collect();
    let mut positive = on_values.clone();
    let mut negative = Vec::new();
    for r in &tt.observed_rows {
        match r.out {
            Out::Zero => negative.push(r.values.clone()),
            Out::Contradiction if !params.include_contradictions => negative.push(r.values.clone()),
            Out::Contradiction => positive.push(r.values.clone()),
            _ => {}
        }
    }
    check_cutoff("pi.cons", params.pi_cons)?;
    check_cutoff("sol.cons", params.sol_cons)?;
    check_cutoff("sol.cov", params.sol_cov)?;
    for &row in &params.exclude {
        if row == 0 || row > tt.n_rows_total {
            return Err(QcaError::InvalidParameter(format!(
                "exclude: row {row} is not a row of the truth table (1 to {})",
                tt.n_rows_total
            )));
        }
        if on.iter().any(|r| r.row == row) {
            return Err(QcaError::InvalidParameter(format!(
                "exclude: row {row} is a positive row (OUT = 1): only rows not explained can be excluded"
            )));
        }
        negative.push(decode_row(row - 1, &tt.noflevels));
    }
    if !params.dir_exp.is_empty() && !params.include_remainders {
        return Err(QcaError::InvalidParameter(
            "directional expectations need the remainders (include_remainders)".into(),
        ));
    }
    let mut warnings = Vec::new();
    // A pi.cons or min.pin filter removes implicants after the fact, so every prime implicant
    // must be listed (the usable ones of the whole chart may not be those of the filtered one).
    let restricted_scope = params.pi_cons == 0.0
        && !params.min_pin
        && match scope {
            ChartScope::Auto => k > RESTRICT_ABOVE,
            ChartScope::Every => false,
            ChartScope::Usable => true,
        }
        && params.include_remainders
        && params.search != ModelSearch::AllIrredundant;
    let mut bound = Bound {
        lower: 0,
        stopped: None,
        method: "every prime implicant, exact cover search",
        incumbent: Vec::new(),
    };
    let chart = if params.include_remainders && negative.is_empty() {
        return Err(QcaError::NothingToDo(
            "all truth table configurations are positive or remainders: every condition is minimised away".into(),
        ));
    } else if restricted_scope {
        let r = restrict(&on_values, &negative, &tt.noflevels, budget);
        bound.lower = r.lower_bound.max(crate::prime::incompatible_rows_bound(
            &on_values, &negative, k,
        ));
        bound.stopped = r.stopped;
        bound.incumbent = r.best_cover;
        bound.method = "usable prime implicants only (Lagrangian bound, pricing, reduced-cost fixing), exact cover search";
        if r.stopped.is_none() {
            warnings.push(format!(
                "the chart lists the {} prime implicants a minimum model can use, not every prime implicant",
                r.implicants.len()
            ));
        }
        Chart::new(r.implicants, &on_values, params.row_dom)
    } else if params.include_remainders {
        match first_minimal_by_bound(&on_values, &negative, k, params) {
            Some((chart, depth, bound)) => {
                if depth < k {
                    warnings.push(format!(
                        "first minimal model: the chart lists only the prime implicants with at most {depth} literals; \
                         the model is minimal because {bound} positive rows need distinct implicants"
                    ));
                }
                chart
            }
            None => Chart::new(
                primes_with_remainders(&on_values, &negative, k),
                &on_values,
                params.row_dom,
            ),
        }
    } else {
        Chart::new(
            primes_qmc(&positive, &tt.noflevels),
            &on_values,
            params.row_dom,
        )
    };
    let chart = if params.pi_cons > 0.0 {
        chart.retain(|p| {
            agteb(
                fit::sufficiency(&memberships(tt, p), &tt.y).incl_s,
                params.pi_cons,
            )
        })
    } else {
        chart
    };
    let mut min_pin_cut = None;
    let chart = if params.min_pin {
        let (chart, cut) = min_pin_chart(chart);
        min_pin_cut = cut;
        chart
    } else {
        chart
    };
    let stop = || bound.stopped.is_some() || budget.stop_reason().is_some();
    let (mut model_indices, exhausted) = chart.solve_until(params.search, &stop)?;
    if !exhausted && !bound.incumbent.is_empty() {
        let found = model_indices
            .iter()
            .map(Vec::len)
            .min()
            .unwrap_or(usize::MAX);
        let incumbent: Option<Vec<usize>> = bound
            .incumbent
            .iter()
            .map(|p| chart.pis.iter().position(|q| q == p))
            .collect();
        if let Some(mut m) = incumbent.filter(|m| m.len() < found) {
            m.sort_unstable();
            model_indices = vec![m];
        }
    }
    if params.sol_cons > 0.0 || params.sol_cov > 0.0 {
        model_indices.retain(|m| {
            let mem: Vec<Vec<f64>> = m.iter().map(|&p| memberships(tt, &chart.pis[p])).collect();
            let sets: Vec<&[f64]> = mem.iter().map(Vec::as_slice).collect();
            let f = fit::sufficiency(&fit::union(&sets), &tt.y);
            agteb(f.incl_s, params.sol_cons) && agteb(f.cov_s, params.sol_cov)
        });
        if model_indices.is_empty() {
            return Err(QcaError::NothingToDo(format!(
                "no minimal model reaches sol.cons = {} and sol.cov = {}",
                params.sol_cons, params.sol_cov
            )));
        }
    }
    let stopped = bound
        .stopped
        .or_else(|| (!exhausted).then(|| budget.stop_reason()).flatten());
    let size = model_indices.iter().map(Vec::len).min().unwrap_or(0);
    let mut certificate = Certificate {
        proven_minimal: (exhausted && bound.stopped.is_none()) || bound.lower >= size,
        complete: exhausted && stopped.is_none() && params.search != ModelSearch::FirstMinimal,
        lower_bound: if exhausted && bound.stopped.is_none() {
            size
        } else {
            bound.lower.min(size)
        },
        model_size: size,
        stopped,
        method: bound.method.to_string(),
    };
    if let Some(cut) = &min_pin_cut {
        warnings.push(format!(
            "min.pin: the chart keeps the prime implicants of at most {} literals; those of {} \
             literals did not lower the {} implicants a model needs",
            cut.kept, cut.next, cut.needed
        ));
        // Certified against the whole chart: a model with longer implicants may be smaller.
        certificate.proven_minimal = cut.whole_chart == Some(size);
        certificate.lower_bound = cut.whole_chart.unwrap_or(0).min(size);
        certificate.complete = false;
        certificate.method = format!("{} (min.pin)", certificate.method);
    }
    if !certificate.proven_minimal
        || (!certificate.complete && params.search == ModelSearch::AllMinimal)
    {
        warnings.push(certificate.describe());
    }
    let mv = tt.noflevels.iter().any(|&l| l > 2);
    let names = |idx: &[usize]| {
        idx.iter()
            .map(|&p| chart.pis[p].to_r_string(&tt.conditions, mv))
            .collect::<Vec<_>>()
    };
    let models: Vec<Vec<String>> = model_indices.iter().map(|m| names(m)).collect();
    let essential = essential_of(&model_indices);
    let on_rows: Vec<u64> = on.iter().map(|r| r.row).collect();
    let fit = solution_fit(tt, &chart, &model_indices, &on, mv);
    let pi_chart = chart.entries(&tt.conditions, mv, &on_rows);
    let sa = if params.include_remainders {
        if tt.n_rows_total <= MAX_ROWS_LISTED {
            let on_set: HashSet<u64> = on_rows.iter().copied().collect();
            let mut map = BTreeMap::new();
            for (i, m) in model_indices.iter().enumerate() {
                let rows = covered_rows(m.iter().map(|&p| &chart.pis[p]), &tt.noflevels)
                    .into_iter()
                    .filter(|r| !on_set.contains(&r.row))
                    .collect();
                map.insert(model_label(i, model_indices.len()), rows);
            }
            Some(map)
        } else {
            warnings.push(format!(
                "the truth table has {} rows: simplifying assumptions are not listed",
                tt.n_rows_total
            ));
            None
        }
    } else {
        Some(
            (0..model_indices.len())
                .map(|i| (model_label(i, model_indices.len()), Vec::new()))
                .collect(),
        )
    };
    let mut solution = Solution {
        conditions: tt.conditions.clone(),
        outcome: tt.outcome.clone(),
        model_ambiguity: models.len() > 1,
        models,
        essential: names(&essential),
        pi_chart,
        fit,
        simplifying_assumptions: sa,
        intermediate: Vec::new(),
        warnings,
        implicants: chart.pis.clone(),
        model_indices,
        certificate,
    };
    if !params.dir_exp.is_empty() {
        solution.intermediate =
            intermediate(tt, params, &solution, &positive, &on_values, &on, mv)?;
    }
    Ok(solution)
}

/// For [`ModelSearch::FirstMinimal`]: charts of the prime implicants with at most 1, 2, ...
/// literals, until one has a cover whose size equals a lower bound valid for every implicant
/// (mutually incompatible positive rows). Avoids generating every implicant on large tables.
fn first_minimal_by_bound(
    on: &[Vec<u8>],
    negative: &[Vec<u8>],
    k: usize,
    params: &MinParams,
) -> Option<(Chart, usize, usize)> {
    if params.search != ModelSearch::FirstMinimal || !params.dir_exp.is_empty() || params.min_pin {
        return None;
    }
    let bound = crate::prime::incompatible_rows_bound(on, negative, k);
    let sets = crate::prime::DistinguishingSets::new(on, negative, k);
    for depth in 1..k {
        let chart = Chart::new(sets.primes(depth), on, params.row_dom);
        let covered = (0..chart.ncols).all(|c| chart.covers.iter().any(|b| b.contains(c)));
        if covered {
            if let Ok(models) = chart.solve(ModelSearch::FirstMinimal) {
                if models[0].len() <= bound {
                    return Some((chart, depth, bound));
                }
            }
        }
    }
    None
}

/// Directional expectations as written on a command line: `DEV,URB,~IND` or `DEV;~LIT*IND`;
/// commas inside brackets (`X[1,2]`) do not separate.
pub fn split_dir_exp(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for ch in text.chars() {
        match ch {
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            _ => {}
        }
        if (ch == ',' || ch == ';') && depth == 0 {
            out.push(std::mem::take(&mut cur).trim().to_string());
        } else {
            cur.push(ch);
        }
    }
    out.push(cur.trim().to_string());
    out.retain(|s| !s.is_empty());
    out
}

/// Where R's `min.pin` stopped adding prime implicants.
struct MinPinCut {
    /// Largest number of literals of the implicants kept.
    kept: usize,
    /// The next complexity, whose implicants did not lower the number needed.
    next: usize,
    /// Implicants a model needs with those kept.
    needed: usize,
    /// Implicants a model needs with the whole chart (None: no cover).
    whole_chart: Option<usize>,
}

/// The chart `min.pin` keeps: complexities are added in increasing order while each lowers the
/// number of prime implicants a model needs (no cover counts as infinitely many); the first
/// complexity that does not lower it, once a cover exists, is left out with all above it.
fn min_pin_chart(chart: Chart) -> (Chart, Option<MinPinCut>) {
    let mut levels: Vec<usize> = chart.pis.iter().map(Implicant::complexity).collect();
    levels.sort_unstable();
    levels.dedup();
    let needed = |c: &Chart| {
        let covered = (0..c.ncols).all(|col| c.covers.iter().any(|b| b.contains(col)));
        covered
            .then(|| c.solve(ModelSearch::FirstMinimal).ok())
            .flatten()
            .and_then(|m| m.first().map(Vec::len))
    };
    let upto = |c: &Chart, d: usize| Chart {
        pis: c
            .pis
            .iter()
            .filter(|p| p.complexity() <= d)
            .cloned()
            .collect(),
        covers: c
            .pis
            .iter()
            .zip(&c.covers)
            .filter(|(p, _)| p.complexity() <= d)
            .map(|(_, b)| b.clone())
            .collect(),
        ncols: c.ncols,
    };
    let mut previous: Option<(usize, usize)> = None;
    for &d in &levels {
        let now = needed(&upto(&chart, d));
        if let (Some((kept, m)), Some(n)) = (previous, now) {
            if n >= m {
                let cut = MinPinCut {
                    kept,
                    next: d,
                    needed: m,
                    whole_chart: needed(&chart),
                };
                return (upto(&chart, kept), Some(cut));
            }
        }
        if let Some(n) = now {
            previous = Some((d, n));
        }
    }
    (chart, None)
}

fn model_label(i: usize, total: usize) -> String {
    // R pads model numbers to the width of the largest (M01 ... M12).
    let width = total.to_string().len();
    format!("M{:0width$}", i + 1)
}

fn essential_of(models: &[Vec<usize>]) -> Vec<usize> {
    let Some(first) = models.first() else {
        return Vec::new();
    };
    first
        .iter()
        .copied()
        .filter(|p| models.iter().all(|m| m.contains(p)))
        .collect()
}

/// A prime implicant chart: implicants (sorted in R's order) and the positive rows they cover.
struct Chart {
    pis: Vec<Implicant>,
    covers: Vec<BitSet>,
    ncols: usize,
}

impl Chart {
    fn new(mut primes: Vec<Implicant>, on: &[Vec<u8>], row_dom: bool) -> Self {
        primes.sort_by(r_order);
        let ncols = on.len();
        // Rows of each (condition, value), so that coverage is an AND of bitsets.
        let nconds = on.first().map_or(0, Vec::len);
        let mut by_value: Vec<Vec<BitSet>> = vec![Vec::new(); nconds];
        for (j, slot) in by_value.iter_mut().enumerate() {
            let levels = on.iter().map(|r| r[j]).max().unwrap_or(0) as usize + 1;
            *slot = vec![BitSet::new(ncols); levels];
            for (c, row) in on.iter().enumerate() {
                slot[row[j] as usize].insert(c);
            }
        }
        let mut all = BitSet::new(ncols);
        for c in 0..ncols {
            all.insert(c);
        }
        let mut pis = Vec::new();
        let mut covers = Vec::new();
        for p in primes {
            let mut b = all.clone();
            for (j, &code) in p.codes().iter().enumerate() {
                if code != 0 {
                    match by_value[j].get(code as usize - 1) {
                        Some(set) => b.intersect_with(set),
                        None => b = BitSet::new(ncols),
                    }
                }
            }
            if !b.is_empty() {
                pis.push(p);
                covers.push(b);
            }
        }
        if row_dom {
            let keep = row_dominance(&covers);
            pis = keep.iter().map(|&i| pis[i].clone()).collect();
            covers = keep.iter().map(|&i| covers[i].clone()).collect();
        }
        Self { pis, covers, ncols }
    }

    /// The chart without the implicants failing `keep`.
    fn retain(self, keep: impl Fn(&Implicant) -> bool) -> Self {
        let (pis, covers) = self
            .pis
            .into_iter()
            .zip(self.covers)
            .filter(|(p, _)| keep(p))
            .unzip();
        Self {
            pis,
            covers,
            ncols: self.ncols,
        }
    }

    fn solve(&self, search: ModelSearch) -> Result<Vec<Vec<usize>>> {
        self.solve_until(search, &|| false).map(|(m, _)| m)
    }

    /// Models, and whether the search finished before `stop` said to stop.
    fn solve_until(
        &self,
        search: ModelSearch,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<(Vec<Vec<usize>>, bool)> {
        let (models, exhausted) = match search {
            ModelSearch::AllMinimal => {
                let o =
                    minimum_covers_until(&self.covers, self.ncols, CoverSearch::AllMinimum, stop);
                (o.covers, o.exhausted)
            }
            ModelSearch::FirstMinimal => {
                let mut o =
                    minimum_covers_until(&self.covers, self.ncols, CoverSearch::FirstMinimum, stop);
                o.covers.truncate(1);
                (o.covers, o.exhausted)
            }
            ModelSearch::AllIrredundant => (irredundant_covers(&self.covers, self.ncols), true),
        };
        if models.is_empty() {
            return Err(QcaError::NothingToDo(
                "the prime implicant chart has no cover".into(),
            ));
        }
        Ok((models, exhausted))
    }

    fn entries(&self, conditions: &[String], mv: bool, on_rows: &[u64]) -> Vec<PiChartEntry> {
        self.pis
            .iter()
            .zip(&self.covers)
            .map(|(p, c)| PiChartEntry {
                pi: p.to_r_string(conditions, mv),
                covers_rows: c.iter().map(|i| on_rows[i]).collect(),
            })
            .collect()
    }
}

/// Rows covered by any of the implicants, sorted by row number.
fn covered_rows<'a>(pis: impl Iterator<Item = &'a Implicant>, noflevels: &[u8]) -> Vec<RowRef> {
    let mut set = std::collections::BTreeSet::new();
    for p in pis {
        for values in p.expand(noflevels) {
            set.insert(encode_row(&values, noflevels));
        }
    }
    set.into_iter()
        .map(|idx| RowRef {
            row: idx + 1,
            values: decode_row(idx, noflevels),
        })
        .collect()
}

fn memberships(tt: &TruthTable, pi: &Implicant) -> Vec<f64> {
    (0..tt.y.len())
        .map(|i| tt.term_membership(pi.codes(), i))
        .collect()
}

fn cases_string(tt: &TruthTable, pi: &Implicant, on: &[&crate::truth_table::TtRow]) -> String {
    let _ = tt;
    on.iter()
        .filter(|r| pi.covers(&r.values))
        .map(|r| r.cases.join(","))
        .collect::<Vec<_>>()
        .join("; ")
}

fn solution_fit(
    tt: &TruthTable,
    chart: &Chart,
    models: &[Vec<usize>],
    on: &[&crate::truth_table::TtRow],
    mv: bool,
) -> SolutionFit {
    let mut used: Vec<usize> = models.iter().flatten().copied().collect();
    used.sort_unstable();
    used.dedup();
    let mem: BTreeMap<usize, Vec<f64>> = used
        .iter()
        .map(|&p| (p, memberships(tt, &chart.pis[p])))
        .collect();
    let term_fits = |set: &[usize]| -> Vec<TermFit> {
        let sets: Vec<&[f64]> = set.iter().map(|p| mem[p].as_slice()).collect();
        let cov_u = fit::unique_coverages(&sets, &tt.y);
        set.iter()
            .enumerate()
            .map(|(i, &p)| {
                let f = fit::sufficiency(&mem[&p], &tt.y);
                TermFit {
                    term: chart.pis[p].to_r_string(&tt.conditions, mv),
                    incl_s: f.incl_s,
                    pri: f.pri,
                    cov_s: f.cov_s,
                    cov_u: if set.len() > 1 { Some(cov_u[i]) } else { None },
                    cases: cases_string(tt, &chart.pis[p], on),
                }
            })
            .collect()
    };
    let pi_fit = term_fits(&used);
    let model_fits = models
        .iter()
        .map(|m| {
            let sets: Vec<&[f64]> = m.iter().map(|p| mem[p].as_slice()).collect();
            ModelFit {
                term_fit: term_fits(m),
                model_fit: fit::sufficiency(&fit::union(&sets), &tt.y),
            }
        })
        .collect();
    SolutionFit {
        pi_fit,
        models: model_fits,
    }
}

/// Directional expectations as rows of (condition index, expected value); one literal per row is
/// an individual expectation, several make a conjunctural one.
fn parse_dir_exp(tt: &TruthTable, dir_exp: &[String]) -> Result<Vec<Vec<(usize, u8)>>> {
    let mut rows = Vec::new();
    for text in dir_exp {
        let t = text.trim();
        if t == "-" || t.is_empty() {
            continue;
        }
        let e = Expression::parse(t)?;
        for term in &e.terms {
            // Expand multi-value lists into one row per combination, as R's simplify() does.
            let mut combos: Vec<Vec<(usize, u8)>> = vec![Vec::new()];
            for lit in &term.0 {
                let j = tt
                    .conditions
                    .iter()
                    .position(|c| *c == lit.condition)
                    .ok_or_else(|| {
                        QcaError::InvalidParameter(format!(
                            "directional expectation `{t}`: `{}` is not a condition",
                            lit.condition
                        ))
                    })?;
                let values: Vec<u8> = match &lit.value {
                    LiteralValue::Present => vec![1],
                    LiteralValue::Absent => vec![0],
                    LiteralValue::Values(vs) => vs.iter().map(|&v| v as u8).collect(),
                };
                if let Some(&v) = values.iter().find(|&&v| v >= tt.noflevels[j]) {
                    return Err(QcaError::InvalidParameter(format!(
                        "directional expectation `{t}`: `{}` has no category {v}",
                        lit.condition
                    )));
                }
                combos = combos
                    .into_iter()
                    .flat_map(|c| {
                        values.iter().map(move |&v| {
                            let mut c2 = c.clone();
                            c2.push((j, v));
                            c2
                        })
                    })
                    .collect();
            }
            rows.extend(combos);
        }
    }
    Ok(rows)
}

/// Easy counterfactuals of one (conservative, parsimonious) pair of models, after R QCA's
/// `C_getEC`: for each conservative term contained in a parsimonious term, the literals that the
/// parsimonious term drops and that contradict a directional expectation are removed; the
/// simplifying assumptions inside the resulting terms are the easy counterfactuals.
fn easy_counterfactuals(
    c_terms: &[&Implicant],
    p_terms: &[&Implicant],
    de: &[Vec<(usize, u8)>],
    sa: &[RowRef],
) -> Vec<RowRef> {
    let ide: Vec<(usize, u8)> = de.iter().filter(|r| r.len() == 1).map(|r| r[0]).collect();
    let cde: Vec<&Vec<(usize, u8)>> = de.iter().filter(|r| r.len() > 1).collect();
    let mut ec = vec![false; sa.len()];
    for comp in c_terms {
        let comp = comp.codes();
        for pars in p_terms {
            let pars = pars.codes();
            if !pars.iter().zip(comp).all(|(&p, &c)| p == 0 || p == c) {
                continue;
            }
            let dropped = |c: usize| comp[c] > 0 && pars[c] == 0;
            let mut res = comp.to_vec();
            for c in (0..comp.len()).filter(|&c| dropped(c)) {
                let expected: Vec<u8> = ide
                    .iter()
                    .filter(|(j, _)| *j == c)
                    .map(|(_, v)| *v)
                    .collect();
                if !expected.is_empty() && !expected.contains(&(comp[c] - 1)) {
                    res[c] = 0;
                }
            }
            // Conjunctural expectations (applied cumulatively; R resets to the conservative term for
            // each one, which only matters when individual expectations also removed literals).
            for row in &cde {
                let satisfied = row
                    .iter()
                    .filter(|(j, _)| dropped(*j))
                    .all(|(j, v)| comp[*j] == v + 1);
                if !satisfied {
                    for (j, _) in row.iter().filter(|(j, _)| dropped(*j)) {
                        res[*j] = 0;
                    }
                }
            }
            let term = Implicant::from_codes(res);
            for (i, r) in sa.iter().enumerate() {
                if !ec[i] && term.covers(&r.values) {
                    ec[i] = true;
                }
            }
        }
    }
    sa.iter()
        .zip(ec)
        .filter(|(_, e)| *e)
        .map(|(r, _)| r.clone())
        .collect()
}

fn intermediate(
    tt: &TruthTable,
    params: &MinParams,
    pars: &Solution,
    positive: &[Vec<u8>],
    on_values: &[Vec<u8>],
    on: &[&crate::truth_table::TtRow],
    mv: bool,
) -> Result<Vec<IntermediateSolution>> {
    let de = parse_dir_exp(tt, &params.dir_exp)?;
    let Some(sa) = &pars.simplifying_assumptions else {
        return Err(QcaError::InvalidParameter(format!(
            "intermediate solutions need the simplifying assumptions, not listed for {} rows",
            tt.n_rows_total
        )));
    };
    let cons_chart = Chart::new(
        primes_qmc(positive, &tt.noflevels),
        on_values,
        params.row_dom,
    );
    let cons_models = cons_chart.solve(params.search)?;
    let on_rows: Vec<u64> = on.iter().map(|r| r.row).collect();
    let name = |p: &Implicant| p.to_r_string(&tt.conditions, mv);
    let mut out = Vec::new();
    for (ci, cm) in cons_models.iter().enumerate() {
        for (pj, pm) in pars.model_indices.iter().enumerate() {
            let sa_rows = sa
                .get(&model_label(pj, pars.model_indices.len()))
                .cloned()
                .unwrap_or_default();
            let c_terms: Vec<&Implicant> = cm.iter().map(|&p| &cons_chart.pis[p]).collect();
            let p_terms: Vec<&Implicant> = pm.iter().map(|&p| &pars.implicants[p]).collect();
            let ec = if de.is_empty() {
                Vec::new()
            } else {
                easy_counterfactuals(&c_terms, &p_terms, &de, &sa_rows)
            };
            let ec_set: HashSet<u64> = ec.iter().map(|r| r.row).collect();
            let dc: Vec<RowRef> = sa_rows
                .iter()
                .filter(|r| !ec_set.contains(&r.row))
                .cloned()
                .collect();
            let mut pos: Vec<Vec<u8>> = on_values.to_vec();
            pos.extend(ec.iter().map(|r| r.values.clone()));
            let chart = Chart::new(primes_qmc(&pos, &tt.noflevels), on_values, params.row_dom);
            let models = chart.solve(params.search)?;
            let essential = essential_of(&models);
            out.push(IntermediateSolution {
                combination: format!("C{}P{}", ci + 1, pj + 1),
                conservative_model: c_terms.iter().map(|p| name(p)).collect(),
                parsimonious_model: p_terms.iter().map(|p| name(p)).collect(),
                models: models
                    .iter()
                    .map(|m| m.iter().map(|&p| name(&chart.pis[p])).collect())
                    .collect(),
                essential: essential.iter().map(|&p| name(&chart.pis[p])).collect(),
                easy_counterfactuals: ec,
                difficult_counterfactuals: dc,
                pi_chart: chart.entries(&tt.conditions, mv, &on_rows),
                fit: solution_fit(tt, &chart, &models, on, mv),
            });
        }
    }
    Ok(out)
}

/// Contradictory simplifying assumptions: remainders used both by a solution for the outcome and
/// by a solution for its negation (Yamasaki & Rihoux 2009), per pair of models.
pub fn contradictory_simplifying_assumptions(
    positive: &Solution,
    negative: &Solution,
) -> Vec<RowRef> {
    let (Some(a), Some(b)) = (
        &positive.simplifying_assumptions,
        &negative.simplifying_assumptions,
    ) else {
        return Vec::new();
    };
    let rows_b: HashSet<&RowRef> = b.values().flatten().collect();
    let mut out: Vec<RowRef> = a
        .values()
        .flatten()
        .filter(|r| rows_b.contains(r))
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}
