//! Calibration of raw values into set memberships.
//!
//! Formulas follow R package QCA 3.25.1 (`calibrate()`, A. Dusa), checked value by value against
//! its output: the direct method with a logistic function (Ragin 2008, ch. 5), piecewise linear and
//! power functions (`above`/`below` exponents), the bell shape with six thresholds, crisp
//! thresholds with `findInterval` semantics, and the totally fuzzy and relative (TFR) method of
//! Cheli & Lemmi (1995). As in R, fuzzy values below 0.0001 become 0 and above 0.9999 become 1.

use crate::data::DataMatrix;
use crate::error::{QcaError, Result};
use serde::{Deserialize, Serialize};

/// Exclusion, crossover and inclusion thresholds (exclusion > inclusion gives a decreasing set).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Full non-membership threshold.
    pub exclusion: f64,
    /// Crossover point (membership 0.5).
    pub crossover: f64,
    /// Full membership threshold.
    pub inclusion: f64,
}

/// The log-odds convention of the logistic direct method at the exclusion/inclusion thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum LogOdds {
    /// R QCA's default: membership 0.95 at the inclusion threshold (log-odds ln 19 = 2.944).
    QcaDefault,
    /// Ragin's fsQCA: log-odds exactly +-3 (membership 0.9526 / 0.0474); reproduces published data.
    FsQca,
    /// Any inclusion degree of membership in (0.5, 1).
    InclusionDegree(f64),
}

impl LogOdds {
    /// The membership reached at the inclusion threshold (R's `idm`).
    pub fn inclusion_degree(self) -> f64 {
        match self {
            LogOdds::QcaDefault => 0.95,
            LogOdds::FsQca => 3f64.exp() / (1.0 + 3f64.exp()),
            LogOdds::InclusionDegree(d) => d,
        }
    }

    /// `qca` (R's 0.95), `fsqca` (log-odds +-3) or an inclusion degree such as `0.9`.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "qca" => Ok(LogOdds::QcaDefault),
            "fsqca" => Ok(LogOdds::FsQca),
            other => other.parse().map(LogOdds::InclusionDegree).map_err(|_| {
                QcaError::InvalidParameter(format!(
                    "log-odds `{other}`: use qca, fsqca or a degree in (0.5, 1)"
                ))
            }),
        }
    }

    /// Human-readable name, for reports.
    pub fn describe(self) -> String {
        match self {
            LogOdds::QcaDefault => "R QCA default (inclusion degree 0.95, log-odds 2.944)".into(),
            LogOdds::FsQca => "fsQCA (log-odds +-3)".into(),
            LogOdds::InclusionDegree(d) => format!("inclusion degree {d}"),
        }
    }
}

/// Crisp calibration: the number of thresholds at or below each value (0, 1, 2, ...).
pub fn crisp(x: &[f64], thresholds: &[f64]) -> Result<Vec<f64>> {
    if thresholds.is_empty() {
        return Err(QcaError::InvalidParameter(
            "crisp calibration needs at least one threshold".into(),
        ));
    }
    let mut th = thresholds.to_vec();
    th.sort_by(f64::total_cmp);
    Ok(x.iter()
        .map(|&v| th.iter().filter(|&&t| t <= v).count() as f64)
        .collect())
}

/// Direct method, logistic function (Ragin 2008), with the chosen log-odds convention.
pub fn direct(x: &[f64], th: Thresholds, log_odds: LogOdds) -> Result<Vec<f64>> {
    let idm = log_odds.inclusion_degree();
    if !(idm > 0.5 && idm < 1.0) {
        return Err(QcaError::InvalidParameter(format!(
            "the inclusion degree of membership must be in (0.5, 1), got {idm}"
        )));
    }
    check_three(th)?;
    let decreasing = th.exclusion > th.inclusion;
    let (ex, inc) = if decreasing {
        (th.inclusion, th.exclusion)
    } else {
        (th.exclusion, th.inclusion)
    };
    let c = th.crossover;
    let lo = (idm / (1.0 - idm)).ln();
    Ok(x.iter()
        .map(|&v| {
            // Same operation order as R: sign * (x - c) * log(idm / (1 - idm)) / (t - c).
            let (sign, t) = if v < c { (1.0, ex) } else { (-1.0, inc) };
            let fs = 1.0 / (1.0 + (sign * (v - c) * lo / (t - c)).exp());
            clamp_r(if decreasing { 1.0 - fs } else { fs })
        })
        .collect())
}

/// Direct method with piecewise linear (`above = below = 1`) or power functions.
pub fn linear(x: &[f64], th: Thresholds, above: f64, below: f64) -> Result<Vec<f64>> {
    check_three(th)?;
    check_exponents(above, below)?;
    let (e, c, i) = (th.exclusion, th.crossover, th.inclusion);
    let increasing = !(i < c && c < e);
    Ok(x.iter()
        .map(|&v| {
            let fs = if increasing {
                if v < e || near(v, e) {
                    0.0
                } else if v < c || near(v, c) {
                    ((e - v) / (e - c)).powf(below) / 2.0
                } else if v < i || near(v, i) {
                    1.0 - ((i - v) / (i - c)).powf(above) / 2.0
                } else {
                    1.0
                }
            } else if v < i || near(v, i) {
                1.0
            } else if v < c || near(v, c) {
                1.0 - ((i - v) / (i - c)).powf(above) / 2.0
            } else if v < e || near(v, e) {
                ((e - v) / (e - c)).powf(below) / 2.0
            } else {
                0.0
            };
            clamp_r(fs)
        })
        .collect())
}

/// Bell-shaped calibration with six thresholds `e1, c1, i1, i2, c2, e2` (linear or power arms).
pub fn bell(x: &[f64], th: [f64; 6], above: f64, below: f64) -> Result<Vec<f64>> {
    check_exponents(above, below)?;
    let [e1, c1, i1, i2, c2, e2] = th;
    if c1 < e1.min(i1) || c1 > e1.max(i1) || c2 < e2.min(i2) || c2 > e2.max(i2) {
        return Err(QcaError::InvalidParameter(
            "bell calibration: each crossover must lie between its exclusion and inclusion thresholds".into(),
        ));
    }
    let increasing = !(i1 < c1 && c1 < e1 && e1 <= e2 && e2 < c2 && c2 < i2);
    Ok(x.iter()
        .map(|&v| {
            let fs = if increasing {
                if v < e1 || near(v, e1) {
                    0.0
                } else if v < c1 || near(v, c1) {
                    ((e1 - v) / (e1 - c1)).powf(below) / 2.0
                } else if v < i1 {
                    1.0 - ((i1 - v) / (i1 - c1)).powf(above) / 2.0
                } else if v < i2 || near(v, i2) {
                    1.0
                } else if v < c2 || near(v, c2) {
                    1.0 - ((i2 - v) / (i2 - c2)).powf(above) / 2.0
                } else if v < e2 || near(v, e2) {
                    ((e2 - v) / (e2 - c2)).powf(below) / 2.0
                } else {
                    0.0
                }
            } else if v < i1 || near(v, i1) {
                1.0
            } else if v < c1 || near(v, c1) {
                1.0 - ((i1 - v) / (i1 - c1)).powf(above) / 2.0
            } else if v < e1 {
                ((e1 - v) / (e1 - c1)).powf(below) / 2.0
            } else if v < e2 || near(v, e2) {
                0.0
            } else if v < c2 || near(v, c2) {
                ((e2 - v) / (e2 - c2)).powf(below) / 2.0
            } else if v < i2 || near(v, i2) {
                1.0 - ((i2 - v) / (i2 - c2)).powf(above) / 2.0
            } else {
                1.0
            };
            clamp_r(fs)
        })
        .collect())
}

/// Totally fuzzy and relative calibration (Cheli & Lemmi 1995) as R QCA computes it:
/// `max(0, (F(x) - F(1)) / (1 - F(1)))` with `F` the empirical CDF of `x`. R anchors at the value
/// 1 (the lowest category of an ordinal scale coded from 1), not at the minimum; we do the same.
pub fn tfr(x: &[f64]) -> Result<Vec<f64>> {
    if x.is_empty() {
        return Ok(Vec::new());
    }
    let n = x.len() as f64;
    let ecdf = |v: f64| x.iter().filter(|&&y| y <= v).count() as f64 / n;
    let f1 = ecdf(1.0);
    if f1 >= 1.0 {
        return Err(QcaError::InvalidParameter(
            "TFR calibration: every value is at most 1, the empirical CDF gives no spread".into(),
        ));
    }
    Ok(x.iter()
        .map(|&v| ((ecdf(v) - f1) / (1.0 - f1)).max(0.0))
        .collect())
}

fn clamp_r(fs: f64) -> f64 {
    if fs < 0.0001 {
        0.0
    } else if fs > 0.9999 {
        1.0
    } else {
        fs
    }
}

/// R's `all.equal` tolerance (1.5e-8, relative when the target is not tiny).
fn near(a: f64, b: f64) -> bool {
    let tol = 1.5e-8;
    let diff = (a - b).abs();
    if b.abs() > tol {
        diff / b.abs() < tol
    } else {
        diff < tol
    }
}

fn check_three(th: Thresholds) -> Result<()> {
    let Thresholds {
        exclusion: e,
        crossover: c,
        inclusion: i,
    } = th;
    let ordered = (e < c && c < i) || (e > c && c > i);
    if !ordered || ![e, c, i].iter().all(|v| v.is_finite()) {
        return Err(QcaError::InvalidParameter(format!(
            "thresholds e={e}, c={c}, i={i}: the crossover must lie strictly between exclusion and inclusion"
        )));
    }
    Ok(())
}

fn check_exponents(above: f64, below: f64) -> Result<()> {
    if above <= 0.0 || below <= 0.0 {
        return Err(QcaError::InvalidParameter(format!(
            "the exponents above ({above}) and below ({below}) must be positive"
        )));
    }
    Ok(())
}

/// Direction of a crisp calibration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Direction {
    /// Higher raw values, higher categories (0 below the first threshold).
    Increasing,
    /// Reversed: higher raw values, lower categories (the highest category below the first
    /// threshold, 0 at or above the last), for conditions such as "poor" from income.
    Decreasing,
}

/// Crisp calibration in either direction: [`crisp`], or its mirror (`groups - 1 - category`).
pub fn crisp_directed(x: &[f64], thresholds: &[f64], direction: Direction) -> Result<Vec<f64>> {
    let up = crisp(x, thresholds)?;
    Ok(match direction {
        Direction::Increasing => up,
        Direction::Decreasing => {
            let top = thresholds.len() as f64;
            up.into_iter().map(|c| top - c).collect()
        }
    })
}

/// Thresholds splitting `x` into `n + 1` groups by complete-linkage hierarchical clustering on
/// Euclidean distances, as R QCA's `findTh()` (defaults `hclustm = "complete"`, `distm =
/// "euclidean"`): each threshold is the mean of the largest value of one group and the smallest
/// of the next. In one dimension complete-linkage clusters are intervals of the sorted values, so
/// agglomeration merges the adjacent pair whose union spans least.
pub fn find_thresholds(x: &[f64], n: usize) -> Result<Vec<f64>> {
    if n == 0 {
        return Err(QcaError::InvalidParameter(
            "findTh: ask for at least one threshold".into(),
        ));
    }
    if let Some(bad) = x.iter().find(|v| !v.is_finite()) {
        return Err(QcaError::InvalidParameter(format!(
            "findTh: value {bad} is not a finite number"
        )));
    }
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    if v.len() < n + 1 {
        return Err(QcaError::InvalidParameter(format!(
            "findTh: {} values cannot form {} groups",
            v.len(),
            n + 1
        )));
    }
    // Clusters as (first index, last index) of the sorted values.
    let mut clusters: Vec<(usize, usize)> = (0..v.len()).map(|i| (i, i)).collect();
    while clusters.len() > n + 1 {
        let best = (0..clusters.len() - 1)
            .min_by(|&a, &b| {
                let span = |i: usize| v[clusters[i + 1].1] - v[clusters[i].0];
                span(a).total_cmp(&span(b))
            })
            .unwrap_or(0);
        clusters[best].1 = clusters[best + 1].1;
        clusters.remove(best + 1);
    }
    Ok(clusters
        .windows(2)
        .map(|w| (v[w[0].1] + v[w[1].0]) / 2.0)
        .collect())
}

/// Indirect calibration (Ragin 2008, ch. 5): cases are first sorted into groups by the
/// thresholds, each group given the membership `group / number of thresholds` (0, ..., 1), and
/// the memberships are then the fitted values of a fractional logit regression of the group
/// memberships on the raw values (binomial quasi-likelihood, iteratively reweighted least
/// squares), as R QCA's `calibrate(method = "indirect")`.
pub fn indirect(x: &[f64], thresholds: &[f64]) -> Result<Vec<f64>> {
    let groups = crisp(x, thresholds)?;
    let top = thresholds.len() as f64;
    let target: Vec<f64> = groups.iter().map(|g| g / top).collect();
    if x.iter().any(|v| !v.is_finite()) {
        return Err(QcaError::InvalidParameter(
            "indirect calibration: every raw value must be a finite number".into(),
        ));
    }
    let (a, b) = fractional_logit(x, &target)?;
    Ok(x.iter()
        .map(|&v| 1.0 / (1.0 + (-(a + b * v)).exp()))
        .collect())
}

/// Intercept and slope of `logit(E[t]) = a + b x` by IRLS (Papke & Wooldridge 1996).
fn fractional_logit(x: &[f64], t: &[f64]) -> Result<(f64, f64)> {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    if n < 2.0 || sd == 0.0 {
        return Err(QcaError::InvalidParameter(
            "indirect calibration needs at least two different raw values".into(),
        ));
    }
    // Work on standardised x for a well-conditioned fit, then map back.
    let z: Vec<f64> = x.iter().map(|v| (v - mean) / sd).collect();
    let (mut a, mut b) = (0.0f64, 0.0f64);
    for _ in 0..100 {
        let (mut s00, mut s01, mut s11, mut r0, mut r1) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (&zi, &ti) in z.iter().zip(t) {
            let mu = 1.0 / (1.0 + (-(a + b * zi)).exp());
            let w = (mu * (1.0 - mu)).max(1e-12);
            let resid = ti - mu;
            s00 += w;
            s01 += w * zi;
            s11 += w * zi * zi;
            r0 += resid;
            r1 += resid * zi;
        }
        let det = s00 * s11 - s01 * s01;
        if det.abs() < 1e-300 {
            break;
        }
        let da = (s11 * r0 - s01 * r1) / det;
        let db = (s00 * r1 - s01 * r0) / det;
        a += da;
        b += db;
        if da.abs() + db.abs() < 1e-12 {
            break;
        }
    }
    if !(a.is_finite() && b.is_finite()) {
        return Err(QcaError::InvalidParameter(
            "indirect calibration: the regression did not converge (groups perfectly separated?)"
                .into(),
        ));
    }
    Ok((a - b * mean / sd, b / sd))
}

/// Thresholds as written on a command line: `e=400,c=550,i=900` or `400,550,900`.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdList(pub Vec<(Option<String>, f64)>);

impl ThresholdList {
    /// Reads `name=value` or bare values, comma-separated; an empty text gives no thresholds.
    pub fn parse(text: &str) -> Result<Self> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|part| {
                let (name, value) = match part.split_once('=') {
                    Some((n, v)) => (Some(n.trim().to_string()), v.trim()),
                    None => (None, part),
                };
                let v: f64 = value.parse().map_err(|_| {
                    QcaError::InvalidParameter(format!("threshold `{part}` is not a number"))
                })?;
                Ok((name, v))
            })
            .collect::<Result<_>>()
            .map(Self)
    }

    /// The `n` thresholds found by complete-linkage clustering of `x` (R's `findTh`), for the
    /// crisp and indirect methods, in place of thresholds given (there must be none).
    pub fn find(&self, method: Method, x: &[f64], n: usize) -> Result<Self> {
        if !self.0.is_empty() || !matches!(method, Method::Crisp | Method::Indirect) {
            return Err(QcaError::InvalidParameter("--find-th finds group thresholds: use it with --method crisp or indirect, without --thresholds".into()));
        }
        let found = find_thresholds(x, n)?;
        Ok(Self(found.into_iter().map(|v| (None, v)).collect()))
    }

    /// The values, in the order given.
    pub fn values(&self) -> Vec<f64> {
        self.0.iter().map(|(_, v)| *v).collect()
    }

    /// The values in the order of `names`: all bare (taken in order) or all named.
    pub fn named(&self, names: &[&str]) -> Result<Vec<f64>> {
        if self.0.len() != names.len() {
            return Err(QcaError::InvalidParameter(format!(
                "expected {} thresholds ({}), got {}",
                names.len(),
                names.join(", "),
                self.0.len()
            )));
        }
        if self.0.iter().all(|(n, _)| n.is_none()) {
            return Ok(self.values());
        }
        names
            .iter()
            .map(|n| {
                self.0
                    .iter()
                    .find(|(k, _)| k.as_deref() == Some(*n))
                    .map(|(_, v)| *v)
                    .ok_or_else(|| QcaError::InvalidParameter(format!("missing threshold `{n}`")))
            })
            .collect()
    }

    /// Exclusion, crossover and inclusion (`e`, `c`, `i`).
    pub fn three(&self) -> Result<Thresholds> {
        let v = self.named(&["e", "c", "i"])?;
        Ok(Thresholds {
            exclusion: v[0],
            crossover: v[1],
            inclusion: v[2],
        })
    }
}

/// A calibration method, as `ambit qca calibrate --method` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Method {
    /// Logistic direct method (thresholds e,c,i; see `direct`).
    Direct,
    /// Piecewise linear / power (thresholds e,c,i; --above, --below).
    Linear,
    /// Bell shape (thresholds e1,c1,i1,i2,c2,e2).
    Bell,
    /// Crisp groups (one or more thresholds; a decreasing direction reverses them).
    Crisp,
    /// Indirect (Ragin 2008): groups by the thresholds, then a fractional logit fit.
    Indirect,
    /// Totally fuzzy and relative (no thresholds).
    Tfr,
}

/// The settings of a calibration besides its thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Log-odds convention of the direct method.
    pub log_odds: LogOdds,
    /// Exponent above the crossover (linear, power, bell).
    pub above: f64,
    /// Exponent below the crossover (linear, power, bell).
    pub below: f64,
    /// Direction of crisp groups (the other methods take decreasing thresholds instead).
    pub direction: Direction,
}

/// A calibration of one raw column of a data matrix, in plain values (`ambit qca calibrate`).
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The raw column.
    pub column: String,
    /// The method.
    pub method: Method,
    /// Thresholds given.
    pub thresholds: ThresholdList,
    /// Find this many thresholds by complete-linkage clustering instead (R's `findTh`; crisp
    /// and indirect methods, no thresholds given).
    pub find_th: Option<usize>,
    /// Log-odds, exponents and direction.
    pub settings: Settings,
}

/// A raw column and its memberships.
#[derive(Debug, Clone)]
pub struct Calibrated {
    /// The raw values (complete).
    pub raw: Vec<f64>,
    /// The memberships.
    pub values: Vec<f64>,
    /// The method in words, for reports.
    pub description: String,
    /// The thresholds `findTh` found, when asked to.
    pub found: Option<Vec<f64>>,
}

impl Calibration {
    /// Calibrates the column of `data` (every case must have a value).
    pub fn apply(&self, data: &DataMatrix) -> Result<Calibrated> {
        let raw = data.complete_column(&self.column)?;
        let ths = match self.find_th {
            Some(n) => self.thresholds.find(self.method, &raw, n)?,
            None => self.thresholds.clone(),
        };
        let found = self.find_th.map(|_| ths.values());
        let (values, description) = calibrate(&raw, self.method, &ths, &self.settings)?;
        Ok(Calibrated {
            raw,
            values,
            description,
            found,
        })
    }
}

/// Calibrates `x` by `method`: the memberships and the method in words, for reports.
pub fn calibrate(
    x: &[f64],
    method: Method,
    ths: &ThresholdList,
    s: &Settings,
) -> Result<(Vec<f64>, String)> {
    if s.direction == Direction::Decreasing && method != Method::Crisp {
        return Err(QcaError::InvalidParameter(
            "a decreasing direction reverses crisp groups; for the other methods give the \
             thresholds in decreasing order (e.g. e=900,c=550,i=400)"
                .into(),
        ));
    }
    Ok(match method {
        Method::Direct => (
            direct(x, ths.three()?, s.log_odds)?,
            format!("direct, logistic, {}", s.log_odds.describe()),
        ),
        Method::Linear => (
            linear(x, ths.three()?, s.above, s.below)?,
            format!(
                "direct, linear/power (above {}, below {})",
                s.above, s.below
            ),
        ),
        Method::Bell => {
            let v = ths.named(&["e1", "c1", "i1", "i2", "c2", "e2"])?;
            let six = [v[0], v[1], v[2], v[3], v[4], v[5]];
            (bell(x, six, s.above, s.below)?, "bell".into())
        }
        Method::Crisp => (
            crisp_directed(x, &ths.values(), s.direction)?,
            match s.direction {
                Direction::Increasing => "crisp".into(),
                Direction::Decreasing => "crisp, reversed (decreasing)".into(),
            },
        ),
        Method::Indirect => (
            indirect(x, &ths.values())?,
            "indirect (groups by the thresholds, fractional logit fit)".into(),
        ),
        Method::Tfr => (tfr(x)?, "totally fuzzy and relative".into()),
    })
}
