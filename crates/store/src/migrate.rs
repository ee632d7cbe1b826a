//! Versioned schema migrations, applied forward on open (`PRAGMA user_version`).

use crate::StoreError;
use rusqlite::Connection;
use std::path::Path;

/// Migrations in order; migration `i` brings the schema from version `i` to `i + 1`.
/// Never edit a released entry: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: scenarios with append-only versions; plans, case files, analyses.
    r#"
    CREATE TABLE scenario (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        head_version  INTEGER NOT NULL,
        created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    );
    CREATE TABLE scenario_version (
        scenario_id   INTEGER NOT NULL REFERENCES scenario(id) ON DELETE CASCADE,
        version       INTEGER NOT NULL,
        created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        message       TEXT NOT NULL,
        content       TEXT NOT NULL,
        PRIMARY KEY (scenario_id, version)
    );
    CREATE TABLE plan (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL,
        scenario_id   INTEGER REFERENCES scenario(id) ON DELETE SET NULL,
        created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        params        TEXT NOT NULL,
        result        TEXT NOT NULL
    );
    CREATE TABLE case_file (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        version       INTEGER NOT NULL,
        created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        content       TEXT NOT NULL
    );
    CREATE TABLE analysis (
        id            INTEGER PRIMARY KEY,
        kind          TEXT NOT NULL,
        case_file_id  INTEGER REFERENCES case_file(id) ON DELETE SET NULL,
        created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        input         TEXT NOT NULL,
        result        TEXT NOT NULL
    );
    "#,
    // 2: scenarios can be archived (hidden from the default list, every version kept).
    r#"
    ALTER TABLE scenario ADD COLUMN archived_at TEXT;
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

pub(crate) fn user_version(conn: &Connection, path: &Path) -> Result<u32, StoreError> {
    conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))
        .map_err(|e| StoreError::sqlite(path, e))
}

/// Applies every migration past the file's version, each in its own transaction together with
/// the bump of `user_version`, so a crash mid-way leaves a file at a well-defined version.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let found = user_version(conn, path)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn
            .transaction()
            .map_err(|e| StoreError::sqlite(path, e))?;
        tx.execute_batch(sql)
            .map_err(|e| StoreError::sqlite(path, e))?;
        tx.pragma_update(None, "user_version", (i + 1) as u32)
            .map_err(|e| StoreError::sqlite(path, e))?;
        tx.commit().map_err(|e| StoreError::sqlite(path, e))?;
    }
    Ok(())
}
