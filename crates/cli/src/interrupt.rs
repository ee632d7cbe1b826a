//! Ctrl-C: one handler for the whole program. Long operations and output writing hold a
//! [`Guard`] and poll [`requested`]; they stop cleanly (a plan keeps its best so far, a staged
//! output is dropped whole). With no guard held there is nothing to clean up, so Ctrl-C ends
//! the program at once with the conventional status 130 (128 + SIGINT).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

/// Shared, so that a library taking an `Arc` flag (a QCA `Budget`) polls this one.
static REQUESTED: LazyLock<Arc<AtomicBool>> = LazyLock::new(|| Arc::new(AtomicBool::new(false)));
static GUARDS: AtomicUsize = AtomicUsize::new(0);

/// Exit status of a program stopped by Ctrl-C.
pub const EXIT_INTERRUPTED: u8 = 130;

/// Installs the handler (once, at start-up).
pub fn install() {
    // a second installation in one process fails; the first handler stays, which is the one
    let _ = ctrlc::set_handler(|| {
        REQUESTED.store(true, Ordering::SeqCst);
        if GUARDS.load(Ordering::SeqCst) == 0 {
            eprintln!("interrupted");
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
    });
}

/// The flag as an `Arc`, for library calls that take one.
pub fn shared() -> Arc<AtomicBool> {
    REQUESTED.clone()
}

/// Whether Ctrl-C has been pressed.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// The flag itself, for library calls that poll a cancellation flag.
pub fn flag() -> &'static AtomicBool {
    &REQUESTED
}

/// While alive, Ctrl-C only sets the flag: its holder polls it and cleans up.
pub struct Guard(());

impl Guard {
    /// Takes over Ctrl-C until dropped.
    pub fn new() -> Self {
        GUARDS.fetch_add(1, Ordering::SeqCst);
        Guard(())
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        GUARDS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The error a command returns when it stopped on Ctrl-C.
#[derive(Debug, thiserror::Error)]
#[error("interrupted (Ctrl-C); no output was left half-written")]
pub struct Interrupted;

/// `Err(Interrupted)` once Ctrl-C has been pressed.
pub fn check() -> Result<(), Interrupted> {
    if requested() {
        Err(Interrupted)
    } else {
        Ok(())
    }
}
