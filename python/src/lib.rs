//! `ambit._ambit`: the compiled core of the `ambit` Python package.
//!
//! Thin pyo3 bindings over the library crates: every function here turns Python values into the
//! library's inputs, calls one library function with the GIL released, and hands the result back
//! as plain Python values or JSON text (the Python layer, `pysrc/ambit/`, builds the pandas
//! DataFrames). No planning, auditing or QCA logic lives here. Library errors become `ValueError`
//! with the library's own message (file, line, field and value); Ctrl-C during a long call
//! stops it and raises `KeyboardInterrupt`.

mod interrupt;
mod maxp;
mod qca;
mod region;

use pyo3::prelude::*;

/// Any displayable library error as a Python `ValueError` carrying its message.
pub(crate) fn value_error(e: impl std::fmt::Display) -> PyErr {
    pyo3::exceptions::PyValueError::new_err(e.to_string())
}

/// A `time_limit` argument in seconds: none, or a positive finite number.
pub(crate) fn time_limit(seconds: Option<f64>) -> PyResult<Option<std::time::Duration>> {
    match seconds {
        Some(t) if t.is_finite() && t > 0.0 => Ok(Some(std::time::Duration::from_secs_f64(t))),
        Some(t) => Err(value_error(format!(
            "time_limit: `{t}` is not a positive number of seconds"
        ))),
        None => Ok(None),
    }
}

/// The extension module.
#[pymodule]
fn _ambit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(maxp::max_districts, m)?)?;
    m.add_function(wrap_pyfunction!(maxp::min_change, m)?)?;
    m.add_function(wrap_pyfunction!(region::audit, m)?)?;
    m.add_function(wrap_pyfunction!(region::plan, m)?)?;
    m.add_function(wrap_pyfunction!(qca::truth_table, m)?)?;
    m.add_function(wrap_pyfunction!(qca::minimize, m)?)?;
    m.add_function(wrap_pyfunction!(qca::calibrate, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
