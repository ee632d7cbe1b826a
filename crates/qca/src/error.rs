//! Errors of the QCA engine: each names the file, line, column and value at fault when it has them.

/// Everything that can go wrong while reading data or running an analysis.
#[derive(Debug, thiserror::Error)]
pub enum QcaError {
    /// The data file could not be opened or read.
    #[error("{file}: cannot read: {message}")]
    Io {
        /// File name.
        file: String,
        /// Reason given by the operating system.
        message: String,
    },
    /// The CSV structure is broken (wrong number of fields, bad quoting, empty file).
    #[error("{file}, line {line}: {message}")]
    Csv {
        /// File name.
        file: String,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A cell that must be a number is not.
    #[error("{file}, line {line}, column `{column}`: value `{value}` is not a number")]
    NotNumeric {
        /// File name.
        file: String,
        /// 1-based line number.
        line: u64,
        /// Column name.
        column: String,
        /// The offending text.
        value: String,
    },
    /// A column named in the analysis is not in the data.
    #[error("{file}: no column `{column}` (columns are: {available})")]
    MissingColumn {
        /// File name.
        file: String,
        /// The missing column.
        column: String,
        /// The columns that exist.
        available: String,
    },
    /// A column appears twice in the header.
    #[error("{file}: column `{column}` appears twice in the header")]
    DuplicateColumn {
        /// File name.
        file: String,
        /// Column name.
        column: String,
    },
    /// An analysed cell is empty (R QCA refuses missing values; so do we, never silently).
    #[error("{file}, line {line}, column `{column}`: missing value (case `{case}`); missing values are not allowed in analysed columns")]
    MissingValue {
        /// File name.
        file: String,
        /// 1-based line number.
        line: u64,
        /// Column name.
        column: String,
        /// Case label.
        case: String,
    },
    /// A set membership score is not valid (fuzzy outside [0, 1], negative or non-integer category).
    #[error("{file}, line {line}, column `{column}`: value {value} is not a valid set membership ({reason})")]
    InvalidMembership {
        /// File name.
        file: String,
        /// 1-based line number.
        line: u64,
        /// Column name.
        column: String,
        /// The offending value.
        value: f64,
        /// Why it is invalid.
        reason: String,
    },
    /// An expression (R syntax) could not be parsed.
    #[error("expression `{expression}`: {message}")]
    Parse {
        /// The expression text.
        expression: String,
        /// What is wrong and where.
        message: String,
    },
    /// Parameters that cannot work together (e.g. calibration thresholds in the wrong order).
    #[error("{0}")]
    InvalidParameter(String),
    /// An option given a value it cannot take; `option` is its name as the caller gave it.
    #[error("{option} {message}")]
    InvalidOption {
        /// The option (`--incl-cut` on the command line).
        option: String,
        /// What is wrong with its value.
        message: String,
    },
    /// A cutoff (inclusion, PRI, coverage...) outside the interval it must lie in.
    #[error("{field} = {value} is outside [0, 1]: {field} is a proportion")]
    CutoffOutOfRange {
        /// The parameter (R's name, e.g. `incl.cut`).
        field: String,
        /// The value given.
        value: f64,
    },
    /// The work an analysis would need exceeds what can finish in reasonable time.
    #[error("{what}: about {estimate:.3e} {unit}, more than the limit of {limit:.1e}; {advice}")]
    TooMuchWork {
        /// The analysis.
        what: String,
        /// Estimated work.
        estimate: f64,
        /// Unit of the estimate.
        unit: String,
        /// The limit.
        limit: f64,
        /// What to do instead.
        advice: String,
    },
    /// The analysis has nothing to work on (e.g. no positive row to explain).
    #[error("{0}")]
    NothingToDo(String),
}

/// Checks that a cutoff is a proportion in [0, 1] (NaN refused), naming the parameter.
pub fn check_cutoff(field: &str, value: f64) -> Result<()> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(QcaError::CutoffOutOfRange {
            field: field.into(),
            value,
        })
    }
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, QcaError>;
