//! Analysis options as a command line or a request writes them (lists, text, seconds), read
//! into the parameters of [`crate::TtParams`], [`crate::MinParams`], [`crate::Budget`] and
//! [`crate::robust::RobustParams`]. Each error names the option as the caller calls it
//! (`option`, e.g. `--incl-cut`), so that the message points at what the user typed.

use crate::calibrate::LogOdds;
use crate::error::{QcaError, Result};
use crate::robust::VariedCalibration;
use crate::InclCut;
use std::time::Duration;

/// The error of an option `option` given a value it cannot take (`message` follows its name).
fn invalid(option: &str, message: String) -> QcaError {
    QcaError::InvalidOption {
        option: option.to_string(),
        message,
    }
}

/// The condition names of a comma-separated list as given, trimmed, blanks dropped.
pub fn condition_names(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

impl InclCut {
    /// One inclusion cutoff, or two (`one`, `zero`: rows in between are contradictions).
    pub fn from_list(values: &[f64], option: &str) -> Result<Self> {
        match values {
            [one] => Ok(InclCut::single(*one)),
            [one, zero] => Ok(InclCut {
                one: *one,
                zero: *zero,
            }),
            other => Err(invalid(
                option,
                format!("takes one or two values, got {}", other.len()),
            )),
        }
    }
}

/// The rows a minimisation may use as don't cares (R's `include`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Include {
    /// Remainders (`?`).
    pub remainders: bool,
    /// Contradictions (`C`).
    pub contradictions: bool,
}

impl Include {
    /// Reads `?`, `C`, `?,C` or nothing.
    pub fn parse(text: &str, option: &str) -> Result<Self> {
        let include: Vec<&str> = text.split(',').map(str::trim).collect();
        if let Some(bad) = include.iter().find(|s| !["?", "C", ""].contains(s)) {
            return Err(invalid(
                option,
                format!("takes `?` (remainders) and/or `C` (contradictions), not `{bad}`"),
            ));
        }
        Ok(Include {
            remainders: include.contains(&"?"),
            contradictions: include.contains(&"C"),
        })
    }
}

/// A time limit of `seconds`, a positive number (None: no limit).
pub fn time_limit(seconds: Option<f64>, option: &str) -> Result<Option<Duration>> {
    match seconds {
        Some(t) if !(t.is_finite() && t > 0.0) => Err(invalid(
            option,
            format!("{t}: give a positive number of seconds"),
        )),
        t => Ok(t.map(Duration::from_secs_f64)),
    }
}

/// A log-odds convention of an anchored calibration: `qca` or `fsqca` (no other degree).
pub fn anchored_log_odds(text: &str, option: &str) -> Result<LogOdds> {
    match LogOdds::parse(text)? {
        l @ (LogOdds::QcaDefault | LogOdds::FsQca) => Ok(l),
        _ => Err(invalid(option, format!("`{text}`: use qca or fsqca"))),
    }
}

/// The varied calibrations `SET:RAW:E:C:I:X1/X2/...` of a robustness sweep.
pub fn varied_calibrations(texts: &[String], option: &str) -> Result<Vec<VariedCalibration>> {
    (texts.iter())
        .map(|v| VariedCalibration::parse(v).map_err(|e| invalid(option, format!("`{v}`: {e}"))))
        .collect()
}
