//! Plans, case files and analysis results: documents stored whole, as JSON or text.

use crate::error::check_name;
use crate::write::{check_version, ensure_name_free, VersionedTable};
use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A stored optimiser plan: the parameters it ran with and what it returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRecord {
    /// Plan id.
    pub id: i64,
    /// Name given by the planner.
    pub name: String,
    /// Scenario the plan started from, if any.
    pub scenario_id: Option<i64>,
    /// When it was stored (UTC, RFC 3339).
    pub created_at: String,
    /// Optimiser parameters (objective, seed, ...).
    pub params: Value,
    /// Optimiser result (assignment, score, ...).
    pub result: Value,
}

/// A stored case file (the cases crate's text format), versioned for optimistic concurrency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFileRecord {
    /// Case file id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Version, bumped by every update.
    pub version: i64,
    /// When it was created (UTC, RFC 3339).
    pub created_at: String,
    /// When it was last updated (UTC, RFC 3339).
    pub updated_at: String,
    /// The file's text.
    pub content: String,
}

/// A stored analysis result (a QCA run, an audit, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisRecord {
    /// Analysis id.
    pub id: i64,
    /// What was run (`qca`, `audit`, ...).
    pub kind: String,
    /// Case file analysed, if any.
    pub case_file_id: Option<i64>,
    /// When it was stored (UTC, RFC 3339).
    pub created_at: String,
    /// The run's input parameters.
    pub input: Value,
    /// The run's result.
    pub result: Value,
}

/// A line of a listing: id, name (or kind) and date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSummary {
    /// Record id.
    pub id: i64,
    /// Name (or, for analyses, kind).
    pub name: String,
    /// When it was stored (UTC, RFC 3339).
    pub created_at: String,
}

/// Case files: named, and versioned by their own version number.
const CASE_FILE: VersionedTable = VersionedTable {
    kind: "case file",
    table: "case_file",
    version_column: "version",
};

/// A table of documents stored whole: a label, an optional link to another record, and two JSON
/// documents (plans: name, scenario, params, result; analyses: kind, case file, input, result).
struct DocumentTable {
    /// Kind of record, as errors name it.
    kind: &'static str,
    /// Inserts label, link and the two documents as `?1` to `?4`.
    insert: &'static str,
    /// Selects label, link, created_at and the two documents of the row with id `?1`.
    select: &'static str,
}

const PLAN: DocumentTable = DocumentTable {
    kind: "plan",
    insert: "INSERT INTO plan (name, scenario_id, params, result) VALUES (?1, ?2, ?3, ?4)",
    select: "SELECT name, scenario_id, created_at, params, result FROM plan WHERE id = ?1",
};

const ANALYSIS: DocumentTable = DocumentTable {
    kind: "analysis",
    insert: "INSERT INTO analysis (kind, case_file_id, input, result) VALUES (?1, ?2, ?3, ?4)",
    select: "SELECT kind, case_file_id, created_at, input, result FROM analysis WHERE id = ?1",
};

/// One row of a [`DocumentTable`], its documents parsed.
struct Document {
    label: String,
    link: Option<i64>,
    created_at: String,
    first: Value,
    second: Value,
}

fn json_err(kind: &'static str, id: i64) -> impl FnOnce(serde_json::Error) -> StoreError {
    move |source| StoreError::Json {
        kind,
        id: id.to_string(),
        source,
    }
}

impl Store {
    /// Stores an optimiser plan and returns its id.
    pub fn save_plan(
        &mut self,
        name: &str,
        scenario_id: Option<i64>,
        params: &Value,
        result: &Value,
    ) -> Result<i64, StoreError> {
        let name = check_name(PLAN.kind, name)?;
        self.insert_document(&PLAN, &name, scenario_id, params, result)
    }

    /// One stored plan.
    pub fn plan(&self, id: i64) -> Result<PlanRecord, StoreError> {
        let d = self.document(&PLAN, id)?;
        Ok(PlanRecord {
            id,
            name: d.label,
            scenario_id: d.link,
            created_at: d.created_at,
            params: d.first,
            result: d.second,
        })
    }

    /// Every stored plan, newest first.
    pub fn list_plans(&self) -> Result<Vec<RecordSummary>, StoreError> {
        self.summaries("SELECT id, name, created_at FROM plan ORDER BY id DESC")
    }

    /// Stores a new case file.
    pub fn create_case_file(
        &mut self,
        name: &str,
        content: &str,
    ) -> Result<CaseFileRecord, StoreError> {
        let name = check_name(CASE_FILE.kind, name)?;
        let id = self.write(|tx| {
            ensure_name_free(tx, &CASE_FILE, &name, None)?;
            tx.execute(
                "INSERT INTO case_file (name, version, content) VALUES (?1, 1, ?2)",
                params![name, content],
            )?;
            Ok(tx.last_insert_rowid())
        })?;
        self.case_file(id)
    }

    /// Replaces a case file's text, provided it is still at `expected_version`.
    pub fn update_case_file(
        &mut self,
        id: i64,
        expected_version: i64,
        content: &str,
    ) -> Result<CaseFileRecord, StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE case_file SET content = ?1, version = version + 1, \
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') \
                 WHERE id = ?2 AND version = ?3",
                params![content, id, expected_version],
            )?;
            if n == 0 {
                // The guarded update matched nothing: the file is gone or at another version.
                check_version(tx, &CASE_FILE, id, expected_version)?;
            }
            Ok(())
        })?;
        self.case_file(id)
    }

    /// One case file.
    pub fn case_file(&self, id: i64) -> Result<CaseFileRecord, StoreError> {
        self.conn
            .query_row(
                "SELECT name, version, created_at, updated_at, content FROM case_file WHERE id = ?1",
                [id],
                |r| {
                    Ok(CaseFileRecord {
                        id,
                        name: r.get(0)?,
                        version: r.get(1)?,
                        created_at: r.get(2)?,
                        updated_at: r.get(3)?,
                        content: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| StoreError::NotFound {
                kind: CASE_FILE.kind,
                id: id.to_string(),
            })
    }

    /// Every case file, newest first.
    pub fn list_case_files(&self) -> Result<Vec<RecordSummary>, StoreError> {
        self.summaries("SELECT id, name, created_at FROM case_file ORDER BY id DESC")
    }

    /// Stores an analysis result and returns its id.
    pub fn save_analysis(
        &mut self,
        kind: &str,
        case_file_id: Option<i64>,
        input: &Value,
        result: &Value,
    ) -> Result<i64, StoreError> {
        let kind = check_name("analysis kind", kind)?;
        self.insert_document(&ANALYSIS, &kind, case_file_id, input, result)
    }

    /// One stored analysis.
    pub fn analysis(&self, id: i64) -> Result<AnalysisRecord, StoreError> {
        let d = self.document(&ANALYSIS, id)?;
        Ok(AnalysisRecord {
            id,
            kind: d.label,
            case_file_id: d.link,
            created_at: d.created_at,
            input: d.first,
            result: d.second,
        })
    }

    /// Every analysis, newest first (the summary's `name` is the analysis kind).
    pub fn list_analyses(&self) -> Result<Vec<RecordSummary>, StoreError> {
        self.summaries("SELECT id, kind, created_at FROM analysis ORDER BY id DESC")
    }

    fn summaries(&self, sql: &str) -> Result<Vec<RecordSummary>, StoreError> {
        self.query_all(sql, [], |r| {
            Ok(RecordSummary {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: r.get(2)?,
            })
        })
    }

    /// Stores a document row of `table` and returns its id.
    fn insert_document(
        &mut self,
        table: &DocumentTable,
        label: &str,
        link: Option<i64>,
        first: &Value,
        second: &Value,
    ) -> Result<i64, StoreError> {
        self.write(|tx| {
            tx.execute(
                table.insert,
                params![label, link, first.to_string(), second.to_string()],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Reads the document row `id` of `table`.
    fn document(&self, table: &DocumentTable, id: i64) -> Result<Document, StoreError> {
        let row = self
            .conn
            .query_row(table.select, [id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((label, link, created_at, first, second)) = row else {
            return Err(StoreError::NotFound {
                kind: table.kind,
                id: id.to_string(),
            });
        };
        Ok(Document {
            label,
            link,
            created_at,
            first: serde_json::from_str(&first).map_err(json_err(table.kind, id))?,
            second: serde_json::from_str(&second).map_err(json_err(table.kind, id))?,
        })
    }
}
