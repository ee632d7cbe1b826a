//! The store's error type.

use std::path::{Path, PathBuf};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error on the database file.
    #[error("database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The file was written by a newer ambit whose schema this one does not know.
    #[error("database {path}: schema version {found} is newer than this ambit's {supported}; upgrade ambit")]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// Version found in the file.
        found: u32,
        /// Newest version this build knows.
        supported: u32,
    },
    /// No record of that kind has that id (or that version).
    #[error("{kind} {id} not found")]
    NotFound {
        /// Kind of record (`scenario`, `plan`, ...).
        kind: &'static str,
        /// The id (or `id@version`) asked for.
        id: String,
    },
    /// The record changed since the version the writer based its edit on.
    #[error("{kind} {id} is at version {actual}, not {expected}: reload it and re-apply the edit")]
    Conflict {
        /// Kind of record.
        kind: &'static str,
        /// Record id.
        id: i64,
        /// Version the writer edited.
        expected: i64,
        /// Version now stored.
        actual: i64,
    },
    /// A name is already taken by another record of the same kind.
    #[error("{kind} name {name:?} is already taken")]
    NameTaken {
        /// Kind of record.
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// A name is empty or too long.
    #[error("{kind} name {name:?} must be 1 to 200 characters")]
    BadName {
        /// Kind of record.
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// A stored JSON document could not be (de)serialised.
    #[error("{kind} {id}: stored JSON is invalid: {source}")]
    Json {
        /// Kind of record.
        kind: &'static str,
        /// Record id.
        id: String,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },
}

impl StoreError {
    pub(crate) fn sqlite(path: &Path, source: rusqlite::Error) -> Self {
        StoreError::Sqlite {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Checks a record name: 1 to 200 characters after trimming.
pub(crate) fn check_name(kind: &'static str, name: &str) -> Result<String, StoreError> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 200 {
        return Err(StoreError::BadName {
            kind,
            name: name.to_string(),
        });
    }
    Ok(trimmed.to_string())
}
