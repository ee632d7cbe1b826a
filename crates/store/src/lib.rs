//! Persistence of scenarios, plans, case files and analysis results in one SQLite file.
//!
//! A [`Store`] owns one SQLite connection. Its schema is versioned (`PRAGMA user_version`) and
//! migrated forward on open; every write runs in one transaction, so a failed write leaves the
//! file as it was. A scenario (a district map, its policy and notes) keeps every saved version:
//! saving appends a version, restoring an older one appends a copy of it, so nothing is ever lost
//! and an edit can always be undone. Writers name the version they edited (optimistic
//! concurrency): a save on top of a version that is no longer the newest is refused with
//! [`StoreError::Conflict`] instead of silently overwriting a colleague's edit.
//!
//! ```
//! use ambit_store::{ScenarioContent, Store};
//! let mut store = Store::open_in_memory()?;
//! let mut content = ScenarioContent::default();
//! content.notes = "first draft".into();
//! let v1 = store.create_scenario("draft", &content, "created")?;
//! content.notes = "second draft".into();
//! let v2 = store.save_scenario(v1.scenario_id, v1.version, &content, "notes")?;
//! assert_eq!(v2.version, 2);
//! // A save based on the stale version 1 is refused.
//! assert!(store.save_scenario(v1.scenario_id, 1, &content, "late").is_err());
//! let back = store.restore_version(v1.scenario_id, 1, 2)?;
//! assert_eq!((back.version, back.content.notes.as_str()), (3, "first draft"));
//! # Ok::<(), ambit_store::StoreError>(())
//! ```

mod error;
mod migrate;
mod record;
mod scenario;
mod write;

pub use error::StoreError;
pub use migrate::SCHEMA_VERSION;
pub use record::{AnalysisRecord, CaseFileRecord, PlanRecord, RecordSummary};
pub use scenario::{ScenarioContent, ScenarioSummary, ScenarioVersion, VersionInfo};

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One SQLite database holding the studio's scenarios, plans, case files and analyses.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database file at `path` and migrates it to [`SCHEMA_VERSION`].
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(|e| StoreError::sqlite(path, e))?;
        Self::init(conn, path.to_path_buf())
    }

    /// Opens a private in-memory database (tests, throw-away sessions).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|e| StoreError::sqlite(&path, e))?;
        Self::init(conn, path)
    }

    fn init(conn: Connection, path: PathBuf) -> Result<Self, StoreError> {
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(|e| StoreError::sqlite(&path, e))?;
        // WAL lets readers in other processes (a second `ambit serve`, sqlite3) see a consistent
        // file while a write is in progress; foreign keys guard plan -> scenario links.
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| StoreError::sqlite(&path, e))?;
        if path.as_os_str() != ":memory:" {
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(|e| StoreError::sqlite(&path, e))?;
        }
        let mut store = Self { conn, path };
        migrate::migrate(&mut store.conn, &store.path)?;
        Ok(store)
    }

    /// The file this store writes to (`:memory:` for an in-memory store).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version recorded in the file (equals [`SCHEMA_VERSION`] once opened).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        migrate::user_version(&self.conn, &self.path)
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::sqlite(&self.path, e)
    }

    /// Every row that `sql` returns for `params`, each read by `row`.
    fn query_all<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = stmt.query_map(params, row).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}
