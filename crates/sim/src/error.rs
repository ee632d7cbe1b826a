//! Errors of the simulation crate: each names the file, line, field and value at fault.

use std::path::PathBuf;

/// Why a scenario could not be loaded, checked or simulated.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A TOML file is malformed or has an unknown or mistyped key.
    #[error("{path}: malformed TOML: {message}")]
    Toml {
        /// The file.
        path: PathBuf,
        /// The parser's message (it names line and column).
        message: String,
    },
    /// A CSV record is malformed (wrong number of fields, bad quoting, not UTF-8).
    #[error("{path}:{line}: malformed CSV: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line of the record.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// A JSON file (an `ambit plan` or `ambit assess` output) is not JSON.
    #[error("{path}:{line}: malformed JSON: {message}")]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line where the parser stopped.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// A value is missing or out of range.
    #[error("{path}:{line}: field `{field}`: {message} (value {value:?})")]
    Field {
        /// The file.
        path: PathBuf,
        /// 1-based line (0 when the file is TOML and the line is not known).
        line: u64,
        /// The column or key.
        field: String,
        /// The offending value as written.
        value: String,
        /// What is wrong with it.
        message: String,
    },
    /// A whole-file problem: a required column is missing, a file is empty.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The scenario is inconsistent as a whole (for example no window, or an unknown parameter).
    #[error("invalid scenario: {0}")]
    Invalid(String),
    /// A bundled scenario or variant of a name ambit does not ship.
    #[error("{0}")]
    NotBundled(String),
    /// The run was interrupted (Ctrl-C) before it finished.
    #[error("interrupted")]
    Interrupted,
}

impl SimError {
    /// Builds a [`SimError::Field`].
    pub fn field(
        path: impl Into<PathBuf>,
        line: u64,
        field: &str,
        value: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::Field {
            path: path.into(),
            line,
            field: field.to_string(),
            value: value.into(),
            message: message.into(),
        }
    }
}
