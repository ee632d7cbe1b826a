//! Scenarios: a district map, its policy and notes, with every saved version kept.

use crate::error::check_name;
use crate::write::{check_version, ensure_name_free, VersionedTable};
use crate::{Store, StoreError};
use ambit_territory::MunicipalityCode;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What one version of a scenario holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioContent {
    /// District of each municipality, by code (municipalities not listed are unassigned).
    pub assignment: BTreeMap<MunicipalityCode, String>,
    /// Districts the planner locked against edits and optimiser moves.
    #[serde(default)]
    pub locked: BTreeSet<String>,
    /// The policy (rules TOML) the scenario is audited against; empty means the bundled default.
    #[serde(default)]
    pub policy: String,
    /// Free-text notes.
    #[serde(default)]
    pub notes: String,
}

/// A scenario's newest version at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioSummary {
    /// Scenario id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Newest version number (1 for a new scenario).
    pub version: i64,
    /// When the scenario was created (UTC, RFC 3339).
    pub created_at: String,
    /// When the newest version was written (UTC, RFC 3339).
    pub updated_at: String,
    /// When the scenario was archived (UTC, RFC 3339), if it is.
    #[serde(default)]
    pub archived_at: Option<String>,
}

/// One stored version of a scenario, with its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioVersion {
    /// Scenario id.
    pub scenario_id: i64,
    /// Scenario name.
    pub name: String,
    /// This version's number.
    pub version: i64,
    /// Newest version of the scenario (equals `version` when this is the newest).
    pub head_version: i64,
    /// When this version was written (UTC, RFC 3339).
    pub created_at: String,
    /// What the writer said about the change.
    pub message: String,
    /// The map, policy and notes.
    pub content: ScenarioContent,
}

/// One line of a scenario's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// Version number.
    pub version: i64,
    /// When it was written (UTC, RFC 3339).
    pub created_at: String,
    /// What the writer said about the change.
    pub message: String,
}

const KIND: &str = "scenario";

/// Scenarios: named, and versioned by their newest version number.
const SCENARIO: VersionedTable = VersionedTable {
    kind: KIND,
    table: "scenario",
    version_column: "head_version",
};

impl Store {
    /// Creates a scenario whose first version is `content`.
    pub fn create_scenario(
        &mut self,
        name: &str,
        content: &ScenarioContent,
        message: &str,
    ) -> Result<ScenarioVersion, StoreError> {
        let name = check_name(KIND, name)?;
        let json = to_json(content, &name)?;
        let id = self.write(|tx| {
            ensure_name_free(tx, &SCENARIO, &name, None)?;
            tx.execute(
                "INSERT INTO scenario (name, head_version) VALUES (?1, 1)",
                [&name],
            )?;
            let id = tx.last_insert_rowid();
            insert_version(tx, id, 1, message, &json)?;
            Ok(id)
        })?;
        self.scenario_version(id, 1)
    }

    /// Every scenario, newest edit first.
    pub fn list_scenarios(&self) -> Result<Vec<ScenarioSummary>, StoreError> {
        self.query_all(
            "SELECT id, name, head_version, created_at, updated_at, archived_at FROM scenario \
             ORDER BY updated_at DESC, id DESC",
            [],
            |r| {
                Ok(ScenarioSummary {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    version: r.get(2)?,
                    created_at: r.get(3)?,
                    updated_at: r.get(4)?,
                    archived_at: r.get(5)?,
                })
            },
        )
    }

    /// The newest version of a scenario.
    pub fn scenario(&self, id: i64) -> Result<ScenarioVersion, StoreError> {
        let head = self.head_version(id)?;
        self.scenario_version(id, head)
    }

    /// One version of a scenario.
    pub fn scenario_version(&self, id: i64, version: i64) -> Result<ScenarioVersion, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT s.name, s.head_version, v.created_at, v.message, v.content \
                 FROM scenario_version v JOIN scenario s ON s.id = v.scenario_id \
                 WHERE v.scenario_id = ?1 AND v.version = ?2",
                params![id, version],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((name, head_version, created_at, message, json)) = row else {
            return Err(StoreError::NotFound {
                kind: KIND,
                id: format!("{id}@{version}"),
            });
        };
        let content = serde_json::from_str(&json).map_err(|source| StoreError::Json {
            kind: KIND,
            id: format!("{id}@{version}"),
            source,
        })?;
        Ok(ScenarioVersion {
            scenario_id: id,
            name,
            version,
            head_version,
            created_at,
            message,
            content,
        })
    }

    /// A scenario's versions, oldest first.
    pub fn history(&self, id: i64) -> Result<Vec<VersionInfo>, StoreError> {
        self.head_version(id)?;
        self.query_all(
            "SELECT version, created_at, message FROM scenario_version \
             WHERE scenario_id = ?1 ORDER BY version",
            [id],
            |r| {
                Ok(VersionInfo {
                    version: r.get(0)?,
                    created_at: r.get(1)?,
                    message: r.get(2)?,
                })
            },
        )
    }

    /// Appends a version holding `content`, provided the newest version is still `expected_version`.
    pub fn save_scenario(
        &mut self,
        id: i64,
        expected_version: i64,
        content: &ScenarioContent,
        message: &str,
    ) -> Result<ScenarioVersion, StoreError> {
        let json = to_json(content, &id.to_string())?;
        self.append_version(id, expected_version, message, &json)
    }

    /// Appends a copy of version `version` as the newest one (so the restore itself can be
    /// undone), provided the newest version is still `expected_version`.
    pub fn restore_version(
        &mut self,
        id: i64,
        version: i64,
        expected_version: i64,
    ) -> Result<ScenarioVersion, StoreError> {
        let old = self.scenario_version(id, version)?;
        let json = to_json(&old.content, &id.to_string())?;
        self.append_version(
            id,
            expected_version,
            &format!("restore version {version}"),
            &json,
        )
    }

    /// Renames a scenario (not a new version: the name is not part of the content).
    pub fn rename_scenario(&mut self, id: i64, name: &str) -> Result<(), StoreError> {
        let name = check_name(KIND, name)?;
        self.write(|tx| {
            ensure_name_free(tx, &SCENARIO, &name, Some(id))?;
            let n = tx.execute(
                "UPDATE scenario SET name = ?1 WHERE id = ?2",
                params![name, id],
            )?;
            if n == 0 {
                return Err(not_found(id).into());
            }
            Ok(())
        })
    }

    /// Archives a scenario: listed as archived, every version kept (undone by
    /// [`Store::unarchive_scenario`]); archiving an archived scenario keeps its first date.
    pub fn archive_scenario(&mut self, id: i64) -> Result<(), StoreError> {
        self.set_archived(
            id,
            "UPDATE scenario SET archived_at = COALESCE(archived_at, strftime('%Y-%m-%dT%H:%M:%fZ','now')) WHERE id = ?1",
        )
    }

    /// Takes a scenario out of the archive.
    pub fn unarchive_scenario(&mut self, id: i64) -> Result<(), StoreError> {
        self.set_archived(id, "UPDATE scenario SET archived_at = NULL WHERE id = ?1")
    }

    fn set_archived(&mut self, id: i64, sql: &'static str) -> Result<(), StoreError> {
        self.write(|tx| {
            if tx.execute(sql, [id])? == 0 {
                return Err(not_found(id).into());
            }
            Ok(())
        })
    }

    /// Deletes a scenario and all its versions, provided the newest version is still `expected_version`.
    pub fn delete_scenario(&mut self, id: i64, expected_version: i64) -> Result<(), StoreError> {
        self.write(|tx| {
            check_version(tx, &SCENARIO, id, expected_version)?;
            tx.execute("DELETE FROM scenario WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    fn head_version(&self, id: i64) -> Result<i64, StoreError> {
        self.conn
            .query_row(
                "SELECT head_version FROM scenario WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| not_found(id))
    }

    fn append_version(
        &mut self,
        id: i64,
        expected_version: i64,
        message: &str,
        json: &str,
    ) -> Result<ScenarioVersion, StoreError> {
        let next = expected_version + 1;
        self.write(|tx| {
            check_version(tx, &SCENARIO, id, expected_version)?;
            insert_version(tx, id, next, message, json)?;
            tx.execute(
                "UPDATE scenario SET head_version = ?1, \
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?2",
                params![next, id],
            )?;
            Ok(())
        })?;
        self.scenario_version(id, next)
    }
}

fn insert_version(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    message: &str,
    json: &str,
) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO scenario_version (scenario_id, version, message, content) \
         VALUES (?1, ?2, ?3, ?4)",
        params![id, version, message, json],
    )
}

fn to_json(content: &ScenarioContent, id: &str) -> Result<String, StoreError> {
    serde_json::to_string(content).map_err(|source| StoreError::Json {
        kind: KIND,
        id: id.to_string(),
        source,
    })
}

fn not_found(id: i64) -> StoreError {
    StoreError::NotFound {
        kind: KIND,
        id: id.to_string(),
    }
}
