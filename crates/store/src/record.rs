//! Plans, case files and analysis results: documents stored whole, as JSON or text.

use crate::error::check_name;
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
        let name = check_name("plan", name)?;
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::sqlite(&path, e))?;
        tx.execute(
            "INSERT INTO plan (name, scenario_id, params, result) VALUES (?1, ?2, ?3, ?4)",
            params![name, scenario_id, params.to_string(), result.to_string()],
        )
        .map_err(|e| StoreError::sqlite(&path, e))?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(|e| StoreError::sqlite(&path, e))?;
        Ok(id)
    }

    /// One stored plan.
    pub fn plan(&self, id: i64) -> Result<PlanRecord, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT name, scenario_id, created_at, params, result FROM plan WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<i64>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((name, scenario_id, created_at, params, result)) = row else {
            return Err(StoreError::NotFound {
                kind: "plan",
                id: id.to_string(),
            });
        };
        Ok(PlanRecord {
            id,
            name,
            scenario_id,
            created_at,
            params: serde_json::from_str(&params).map_err(json_err("plan", id))?,
            result: serde_json::from_str(&result).map_err(json_err("plan", id))?,
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
        let name = check_name("case file", name)?;
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::sqlite(&path, e))?;
        let taken: Option<i64> = tx
            .query_row("SELECT id FROM case_file WHERE name = ?1", [&name], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| StoreError::sqlite(&path, e))?;
        if taken.is_some() {
            return Err(StoreError::NameTaken {
                kind: "case file",
                name,
            });
        }
        tx.execute(
            "INSERT INTO case_file (name, version, content) VALUES (?1, 1, ?2)",
            params![name, content],
        )
        .map_err(|e| StoreError::sqlite(&path, e))?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(|e| StoreError::sqlite(&path, e))?;
        self.case_file(id)
    }

    /// Replaces a case file's text, provided it is still at `expected_version`.
    pub fn update_case_file(
        &mut self,
        id: i64,
        expected_version: i64,
        content: &str,
    ) -> Result<CaseFileRecord, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::sqlite(&path, e))?;
        let n = tx
            .execute(
                "UPDATE case_file SET content = ?1, version = version + 1, \
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') \
                 WHERE id = ?2 AND version = ?3",
                params![content, id, expected_version],
            )
            .map_err(|e| StoreError::sqlite(&path, e))?;
        if n == 0 {
            let actual: Option<i64> = tx
                .query_row("SELECT version FROM case_file WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(|e| StoreError::sqlite(&path, e))?;
            return Err(match actual {
                None => StoreError::NotFound {
                    kind: "case file",
                    id: id.to_string(),
                },
                Some(actual) => StoreError::Conflict {
                    kind: "case file",
                    id,
                    expected: expected_version,
                    actual,
                },
            });
        }
        tx.commit().map_err(|e| StoreError::sqlite(&path, e))?;
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
                kind: "case file",
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
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::sqlite(&path, e))?;
        tx.execute(
            "INSERT INTO analysis (kind, case_file_id, input, result) VALUES (?1, ?2, ?3, ?4)",
            params![kind, case_file_id, input.to_string(), result.to_string()],
        )
        .map_err(|e| StoreError::sqlite(&path, e))?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(|e| StoreError::sqlite(&path, e))?;
        Ok(id)
    }

    /// One stored analysis.
    pub fn analysis(&self, id: i64) -> Result<AnalysisRecord, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT kind, case_file_id, created_at, input, result FROM analysis WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<i64>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((kind, case_file_id, created_at, input, result)) = row else {
            return Err(StoreError::NotFound {
                kind: "analysis",
                id: id.to_string(),
            });
        };
        Ok(AnalysisRecord {
            id,
            kind,
            case_file_id,
            created_at,
            input: serde_json::from_str(&input).map_err(json_err("analysis", id))?,
            result: serde_json::from_str(&result).map_err(json_err("analysis", id))?,
        })
    }

    /// Every analysis, newest first (the summary's `name` is the analysis kind).
    pub fn list_analyses(&self) -> Result<Vec<RecordSummary>, StoreError> {
        self.summaries("SELECT id, kind, created_at FROM analysis ORDER BY id DESC")
    }

    fn summaries(&self, sql: &str) -> Result<Vec<RecordSummary>, StoreError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(RecordSummary {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    created_at: r.get(2)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}
