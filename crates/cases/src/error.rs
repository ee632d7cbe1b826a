//! Errors of case files, case matrices, models and assessments.

use std::fmt;

/// An error that names the file, the line, the field and the value at fault.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// A file could not be read or written.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A value, key or table is wrong.
    #[error("{}", Located(.0))]
    Invalid(Box<Invalid>),
    /// The QCA engine refused the data or the analysis.
    #[error("QCA: {0}")]
    Qca(#[from] ambit_qca::QcaError),
    /// A model name that is neither a shipped model nor a file; `option` names where it was
    /// given (`--model`).
    #[error("{option} {name}: neither a shipped model ({shipped}) nor a file")]
    NoSuchModel {
        /// The option that named the model.
        option: String,
        /// The name given.
        name: String,
        /// The shipped models, comma-separated.
        shipped: String,
    },
    /// Several errors in one or more files (validation reports them all).
    #[error("{}", Many(.0))]
    Many(Vec<CaseError>),
}

/// Where and what an invalid entry is.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    /// The file (or a label such as `<model>` for text given on the command line).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The field (a key path such as `structures.ties`, or a CSV column name).
    pub field: String,
    /// The value as written, when there is one.
    pub value: Option<String>,
    /// What is wrong and what would be right.
    pub message: String,
}

impl CaseError {
    /// Builds an [`CaseError::Invalid`].
    pub fn invalid(
        file: &str,
        line: Option<usize>,
        field: &str,
        value: Option<String>,
        message: impl Into<String>,
    ) -> CaseError {
        CaseError::Invalid(Box::new(Invalid {
            file: file.to_string(),
            line,
            column: None,
            field: field.to_string(),
            value,
            message: message.into(),
        }))
    }

    /// The individual errors (one for a single error, all for [`CaseError::Many`]).
    pub fn flatten(&self) -> Vec<&CaseError> {
        match self {
            CaseError::Many(all) => all.iter().flat_map(|e| e.flatten()).collect(),
            other => vec![other],
        }
    }

    /// The invalid entry, if this is one.
    pub fn as_invalid(&self) -> Option<&Invalid> {
        match self {
            CaseError::Invalid(inv) => Some(inv),
            _ => None,
        }
    }
}

struct Located<'a>(&'a Invalid);

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inv = self.0;
        write!(f, "{}", inv.file)?;
        if let Some(line) = inv.line {
            write!(f, ":{line}")?;
            if let Some(col) = inv.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": ")?;
        if !inv.field.is_empty() {
            write!(f, "field `{}`", inv.field)?;
            if let Some(v) = &inv.value {
                write!(f, " = {v}")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", inv.message)
    }
}

struct Many<'a>(&'a [CaseError]);

impl fmt::Display for Many<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error(s)", self.0.len())?;
        for e in self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

/// Converts a byte offset in `text` into a 1-based (line, column).
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = text
        .get(line_start..offset)
        .map_or(1, |s| s.chars().count() + 1);
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let t = "a = 1\nbé = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, 10), (2, 4));
    }

    #[test]
    fn display_names_file_line_field_value() {
        let e = CaseError::invalid(
            "a.toml",
            Some(3),
            "structures.ties",
            Some("2".into()),
            "not a score",
        );
        assert_eq!(
            e.to_string(),
            "a.toml:3: field `structures.ties` = 2: not a score"
        );
    }
}
