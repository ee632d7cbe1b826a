//! Errors of loading territorial data: each names the file, the line, the field and the value.

use std::path::PathBuf;

/// A problem found in an input file, located as precisely as the format allows.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be read at all.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A required column is absent from the header.
    #[error("{path}: line 1: no column `{column}` (columns are: {found})")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column looked for.
        column: String,
        /// The columns the header has, comma-separated.
        found: String,
    },
    /// One field of one record is wrong.
    #[error("{path}: line {line}: field `{field}`: {message} (value {value:?})")]
    Field {
        /// The file.
        path: PathBuf,
        /// 1-based line number of the record.
        line: u64,
        /// The column name.
        field: String,
        /// The offending value as read.
        value: String,
        /// What is wrong with it.
        message: String,
    },
    /// A record as a whole is wrong (e.g. wrong number of fields).
    #[error("{path}: line {line}: {message}")]
    Record {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A file-level problem that no single line carries.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A boundary file is wrong (see [`crate::GeometryError`]).
    #[error(transparent)]
    Geometry(#[from] crate::GeometryError),
    /// Contiguity or bridges could not be computed or loaded.
    #[error(transparent)]
    Contiguity(#[from] crate::ContiguityError),
    /// Several problems in one file, reported together so that a spreadsheet is fixed in one go;
    /// past [`Problems::LIMIT`] the rest are only counted (a trailing [`DataError::More`]).
    #[error("{} problems:\n{}", total_problems(.0), .0.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n"))]
    Many(Vec<DataError>),
    /// An option given a value it cannot take; `option` is its name as the caller gave it.
    #[error("{option} {value:?}: expected {expected}")]
    InvalidOption {
        /// The option (`--districts` on the command line).
        option: String,
        /// The value given.
        value: String,
        /// What it should look like.
        expected: String,
    },
    /// No policy file was chosen (`flag`) and the data folder's manifest names none.
    #[error("no {flag} given and {} names none", .manifest.display())]
    NoPolicy {
        /// The option that chooses a policy file (`--policy` on the command line).
        flag: &'static str,
        /// The data folder's manifest.
        manifest: PathBuf,
    },
    /// Problems found but not listed, after the first [`Problems::LIMIT`].
    #[error("{path}: ... and {count} more problems", path = .path.display())]
    More {
        /// The file.
        path: PathBuf,
        /// How many problems are not listed.
        count: usize,
    },
}

/// The number of problems a list stands for: each listed one, plus those only counted.
fn total_problems(list: &[DataError]) -> usize {
    list.iter()
        .map(|e| match e {
            DataError::More { count, .. } => *count,
            _ => 1,
        })
        .sum()
}

/// Collects the problems of one pass over a file, up to a limit, and returns them together.
#[derive(Debug, Default)]
pub struct Problems {
    found: Vec<DataError>,
    omitted: usize,
}

impl Problems {
    /// How many problems are listed before the rest are only counted.
    pub const LIMIT: usize = 20;

    /// Records a problem.
    pub fn push(&mut self, e: DataError) {
        if self.found.len() < Self::LIMIT {
            self.found.push(e);
        } else {
            self.omitted += 1;
        }
    }

    /// The value, or `None` once its problem is recorded (the caller skips the row).
    pub fn keep<T>(&mut self, result: Result<T, DataError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.push(e);
                None
            }
        }
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// `Ok(value)` when no problem was found, else the problems as one error.
    pub fn finish<T>(mut self, path: &std::path::Path, value: T) -> Result<T, DataError> {
        if self.found.is_empty() {
            return Ok(value);
        }
        if self.omitted > 0 {
            self.found.push(DataError::More {
                path: path.to_path_buf(),
                count: self.omitted,
            });
        }
        if self.found.len() == 1 {
            Err(self.found.remove(0))
        } else {
            Err(DataError::Many(self.found))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headline_counts_every_problem_not_only_those_listed() {
        let path = std::path::Path::new("comuni.csv");
        let mut p = Problems::default();
        for line in 0..100_000 {
            p.push(DataError::File {
                path: path.to_path_buf(),
                message: format!("line {line}: bad"),
            });
        }
        let text = p.finish(path, ()).unwrap_err().to_string();
        assert!(text.starts_with("100000 problems:\n"), "{}", &text[..40]);
        assert!(
            text.ends_with("comuni.csv: ... and 99980 more problems"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 1 + Problems::LIMIT + 1);
    }
}
