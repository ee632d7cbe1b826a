//! Optimiser runs: planning jobs on threads of their own, with progress the page polls and a
//! cancellation flag it sets. A cancelled max-districts run keeps the best plan found so far.

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// Runs kept in memory (finished ones beyond this are forgotten, oldest first; their plans stay
/// in the store).
const KEEP: usize = 32;

/// Runs that may be in progress at once; more are refused until one ends.
pub const MAX_RUNNING: usize = 2;

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    /// Searching.
    Running,
    /// Finished; the result is there.
    Done,
    /// Cancelled: the result, when there is one, is the best plan found before.
    Cancelled,
    /// Failed; the error says why.
    Failed,
}

/// One optimiser run.
pub struct Run {
    /// Run id (counts from 1 for the server's lifetime).
    pub id: u64,
    /// The request as given.
    pub request: Value,
    /// Set to stop the search.
    pub cancel: AtomicBool,
    /// Starts completed.
    pub done: AtomicUsize,
    /// Starts planned.
    pub total: AtomicUsize,
    /// Most compliant districts of any finished start.
    pub best: AtomicUsize,
    started: Instant,
    outcome: Mutex<Outcome>,
}

struct Outcome {
    state: RunState,
    result: Option<Value>,
    error: Option<String>,
    elapsed_s: Option<f64>,
}

/// A run as the API reports it.
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    /// Run id.
    pub id: u64,
    /// Where it is.
    pub state: RunState,
    /// Progress: starts done of total, best compliant district count so far.
    pub progress: ProgressView,
    /// Seconds since the start (until the end once it has ended).
    pub elapsed_s: f64,
    /// The request.
    pub request: Value,
    /// The plan, once there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Progress of a run.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ProgressView {
    /// Starts completed.
    pub done: usize,
    /// Starts planned (0 for min-change, which runs as one step).
    pub total: usize,
    /// Most compliant districts of any finished start.
    pub best_districts: usize,
}

impl Run {
    fn outcome(&self) -> MutexGuard<'_, Outcome> {
        // a poisoned lock only means a run thread panicked mid-update; the fields stay readable
        self.outcome.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records the end of the run.
    pub fn finish(&self, state: RunState, result: Option<Value>, error: Option<String>) {
        let mut o = self.outcome();
        o.state = state;
        o.result = result;
        o.error = error;
        o.elapsed_s = Some(self.started.elapsed().as_secs_f64());
    }

    /// Where the run is.
    pub fn state(&self) -> RunState {
        self.outcome().state
    }

    /// The run as the API reports it.
    pub fn view(&self) -> RunView {
        let o = self.outcome();
        RunView {
            id: self.id,
            state: o.state,
            progress: ProgressView {
                done: self.done.load(Ordering::Relaxed),
                total: self.total.load(Ordering::Relaxed),
                best_districts: self.best.load(Ordering::Relaxed),
            },
            elapsed_s: o
                .elapsed_s
                .unwrap_or_else(|| self.started.elapsed().as_secs_f64()),
            request: self.request.clone(),
            result: o.result.clone(),
            error: o.error.clone(),
        }
    }
}

/// Every run of the server's lifetime (the newest [`KEEP`]).
#[derive(Default)]
pub struct Runs {
    inner: Mutex<(u64, BTreeMap<u64, Arc<Run>>)>,
}

impl Runs {
    fn lock(&self) -> MutexGuard<'_, (u64, BTreeMap<u64, Arc<Run>>)> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a new running run, unless [`MAX_RUNNING`] are already running.
    pub fn start(&self, request: Value, total: usize) -> Option<Arc<Run>> {
        let mut g = self.lock();
        let running =
            g.1.values()
                .filter(|r| r.state() == RunState::Running)
                .count();
        if running >= MAX_RUNNING {
            return None;
        }
        g.0 += 1;
        let run = Arc::new(Run {
            id: g.0,
            request,
            cancel: AtomicBool::new(false),
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(total),
            best: AtomicUsize::new(0),
            started: Instant::now(),
            outcome: Mutex::new(Outcome {
                state: RunState::Running,
                result: None,
                error: None,
                elapsed_s: None,
            }),
        });
        g.1.insert(run.id, Arc::clone(&run));
        while g.1.len() > KEEP {
            let oldest_finished =
                g.1.values()
                    .find(|r| r.state() != RunState::Running)
                    .map(|r| r.id);
            match oldest_finished {
                Some(id) => g.1.remove(&id),
                None => break,
            };
        }
        Some(run)
    }

    /// One run.
    pub fn get(&self, id: u64) -> Option<Arc<Run>> {
        self.lock().1.get(&id).cloned()
    }

    /// Every kept run, newest first.
    pub fn list(&self) -> Vec<Arc<Run>> {
        self.lock().1.values().rev().cloned().collect()
    }

    /// Asks every running run to stop (server shutdown).
    pub fn cancel_all(&self) {
        for r in self.lock().1.values() {
            r.cancel.store(true, Ordering::Relaxed);
        }
    }
}
