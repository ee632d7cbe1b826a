//! What every write shares: one transaction, SQLite errors tagged with the database file, and
//! the checks of named and versioned records (scenarios, case files).

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension, Transaction};

/// A failure inside a write transaction, before the database path is attached.
pub(crate) enum TxError {
    /// SQLite refused a statement.
    Sqlite(rusqlite::Error),
    /// The write itself was refused (name taken, stale version, ...).
    Store(StoreError),
}

impl From<rusqlite::Error> for TxError {
    fn from(e: rusqlite::Error) -> Self {
        TxError::Sqlite(e)
    }
}

impl From<StoreError> for TxError {
    fn from(e: StoreError) -> Self {
        TxError::Store(e)
    }
}

/// A table of named records that carry a version for optimistic concurrency.
pub(crate) struct VersionedTable {
    /// Kind of record, as errors name it.
    pub kind: &'static str,
    /// SQL table name.
    pub table: &'static str,
    /// Column holding the record's newest version.
    pub version_column: &'static str,
}

impl Store {
    /// Runs `write` in one immediate transaction and commits it; on failure nothing is kept.
    pub(crate) fn write<T>(
        &mut self,
        write: impl FnOnce(&Transaction<'_>) -> Result<T, TxError>,
    ) -> Result<T, StoreError> {
        let path = &self.path;
        // IMMEDIATE: the write lock is taken before the version check reads, so two processes
        // saving the same scenario cannot both pass the check (the second waits, then sees the
        // new version and gets a conflict) and neither fails on a lock upgrade
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| StoreError::sqlite(path, e))?;
        let value = write(&tx).map_err(|e| match e {
            TxError::Sqlite(e) => StoreError::sqlite(path, e),
            TxError::Store(e) => e,
        })?;
        tx.commit().map_err(|e| StoreError::sqlite(path, e))?;
        Ok(value)
    }
}

/// Refuses `name` if a record of `table` other than `except` already has it.
pub(crate) fn ensure_name_free(
    tx: &Transaction<'_>,
    table: &VersionedTable,
    name: &str,
    except: Option<i64>,
) -> Result<(), TxError> {
    // `id IS NOT NULL` holds for every row, so `except = None` checks them all.
    let sql = format!(
        "SELECT id FROM {} WHERE name = ?1 AND id IS NOT ?2",
        table.table
    );
    let taken: Option<i64> = tx
        .query_row(&sql, params![name, except], |r| r.get(0))
        .optional()?;
    match taken {
        Some(_) => Err(TxError::Store(StoreError::NameTaken {
            kind: table.kind,
            name: name.to_string(),
        })),
        None => Ok(()),
    }
}

/// Refuses a write based on `expected` unless it is still record `id`'s newest version.
pub(crate) fn check_version(
    tx: &Transaction<'_>,
    table: &VersionedTable,
    id: i64,
    expected: i64,
) -> Result<(), TxError> {
    let sql = format!(
        "SELECT {} FROM {} WHERE id = ?1",
        table.version_column, table.table
    );
    let actual: Option<i64> = tx.query_row(&sql, [id], |r| r.get(0)).optional()?;
    match actual {
        None => Err(TxError::Store(StoreError::NotFound {
            kind: table.kind,
            id: id.to_string(),
        })),
        Some(actual) if actual != expected => Err(TxError::Store(StoreError::Conflict {
            kind: table.kind,
            id,
            expected,
            actual,
        })),
        Some(_) => Ok(()),
    }
}
