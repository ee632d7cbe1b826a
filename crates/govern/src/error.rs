//! Errors of the assembly-design crate: each names the file, line, field and value at fault.

use thiserror::Error;

/// Everything that can go wrong while reading rules or computing power and budgets.
#[derive(Debug, Error)]
pub enum GovernError {
    /// A rules file could not be read.
    #[error("cannot read rules file {}", .path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A rules file is not valid TOML.
    #[error("{file}:{line}: not valid TOML: {message}")]
    Toml {
        /// File the rules came from.
        file: String,
        /// 1-based line of the syntax error.
        line: usize,
        /// Parser message.
        message: String,
    },
    /// A field of a rules file has a value that is not allowed.
    #[error("{file}:{line}: field `{field}` = {value}: {reason}")]
    Field {
        /// File the rules came from.
        file: String,
        /// 1-based line of the field (0 when unknown).
        line: usize,
        /// Dotted path of the field, e.g. `decision.votes_at_least`.
        field: String,
        /// The value as written.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A rule names a member that is not in the assembly.
    #[error(
        "{file}:{line}: field `{field}` = {value}: no member of the assembly has this name or code"
    )]
    UnknownMember {
        /// File the rules came from.
        file: String,
        /// 1-based line of the field.
        line: usize,
        /// Dotted path of the field.
        field: String,
        /// The name as written.
        value: String,
    },
    /// A game or a budget cannot be built from the given members.
    #[error("{0}")]
    Invalid(String),
}
