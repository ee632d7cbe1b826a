//! Long library calls with the GIL released and Ctrl-C honoured.
//!
//! Python runs its SIGINT handler only on the main thread and only when it holds the GIL, so a
//! call that releases the GIL for minutes would ignore Ctrl-C. The work runs on a scoped thread
//! while the calling thread wakes every 50 ms, takes the GIL for a moment and asks Python
//! whether a signal arrived (`check_signals`); if so it raises the library's cancellation flag,
//! waits for the work to stop (the library returns promptly once the flag is set) and re-raises
//! the `KeyboardInterrupt`.

use pyo3::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How often the waiting thread checks for signals.
const POLL: Duration = Duration::from_millis(50);

/// Runs `work(cancel)` without the GIL; Ctrl-C sets `cancel` and raises `KeyboardInterrupt`
/// once `work` has returned.
pub(crate) fn run<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&Arc<AtomicBool>) -> T + Send,
{
    let cancel = Arc::new(AtomicBool::new(false));
    let (result, signal) = py.allow_threads(|| {
        std::thread::scope(|s| {
            let flag = Arc::clone(&cancel);
            let handle = s.spawn(move || work(&flag));
            let mut signal: Option<PyErr> = None;
            while !handle.is_finished() {
                std::thread::park_timeout(POLL);
                if signal.is_none() {
                    if let Err(e) = Python::with_gil(|py| py.check_signals()) {
                        cancel.store(true, Ordering::Relaxed);
                        signal = Some(e);
                    }
                }
            }
            (handle.join(), signal)
        })
    });
    if let Some(e) = signal {
        return Err(e);
    }
    result.map_err(|_| {
        pyo3::exceptions::PyRuntimeError::new_err("ambit: the computation panicked (a bug)")
    })
}
