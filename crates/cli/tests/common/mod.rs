//! Helpers shared by the CLI's end-to-end tests: run the built `ambit` binary from the repository
//! root, make scratch folders, read its output.

// Each test binary compiles this module on its own and uses only some of the helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root, where the bundled `data/`, `policies/` and `cases/` live.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The built `ambit` binary, to be run from the repository root.
pub fn ambit() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ambit"));
    c.current_dir(repo());
    c
}

/// Runs `ambit` from the repository root with `args` and collects its exit status and output.
pub fn run(args: &[&str]) -> Output {
    ambit().args(args).output().expect("the ambit binary runs")
}

/// A scratch folder named after `name`, removed with everything in it when dropped.
pub fn tmp(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("ambit-cli-{name}-"))
        .tempdir()
        .unwrap()
}

/// A file written into a temporary folder of its own (so tests running in parallel never share
/// it), removed with the folder when dropped; it dereferences to the file's path.
pub struct TempFile {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl std::ops::Deref for TempFile {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

/// Writes `body` to a file `name` in a fresh temporary folder.
pub fn temp_file(name: &str, body: &str) -> TempFile {
    let dir = tmp("file");
    let path = dir.path().join(name);
    std::fs::write(&path, body).unwrap();
    TempFile { _dir: dir, path }
}

/// Bytes of standard output or error as text (invalid UTF-8 replaced).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Standard output followed by standard error, as one text.
pub fn all_text(out: &Output) -> String {
    text(&out.stdout) + &text(&out.stderr)
}

/// Asserts that the run succeeded, showing its standard error otherwise.
#[track_caller]
pub fn assert_success(out: &Output) {
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// Standard output parsed as JSON.
pub fn stdout_json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}
