//! Loading a collection of cases: directories of case files (`*.toml`) and CSV case matrices.

use crate::case::{Case, Profile};
use crate::conditions::{Cell, Origin};
use crate::error::CaseError;
use crate::matrix::CaseTable;
use crate::membership::{Bounds, Coded};
use std::path::{Path, PathBuf};

/// Cases read from files, and CSV case matrices.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    /// Cases read from TOML files.
    pub cases: Vec<Case>,
    /// Case matrices read from CSV files.
    pub tables: Vec<CaseTable>,
    /// Every file read, in order.
    pub files: Vec<PathBuf>,
}

/// The case files of `paths`: each directory contributes its `*.toml` and `*.csv` files
/// (sorted, not recursive); files are taken as given.
pub fn case_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CaseError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let rd = std::fs::read_dir(p).map_err(|source| CaseError::Io {
                file: p.display().to_string(),
                source,
            })?;
            let mut files: Vec<PathBuf> = rd
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| f.is_file() && matches!(extension(f).as_str(), "toml" | "csv"))
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn extension(p: &Path) -> String {
    p.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

impl Collection {
    /// Reads every case file of `paths`, reporting all errors of all files together.
    pub fn load(paths: &[PathBuf]) -> Result<Collection, CaseError> {
        Collection::load_as(paths, Profile::Case)
    }

    /// Reads every file of `paths` as cases or as candidate partnerships.
    pub fn load_as(paths: &[PathBuf], profile: Profile) -> Result<Collection, CaseError> {
        let files = case_files(paths)?;
        let mut coll = Collection::default();
        let mut errors = Vec::new();
        for f in &files {
            let name = f.display().to_string();
            let text = match std::fs::read_to_string(f) {
                Ok(t) => t,
                Err(source) => {
                    errors.push(CaseError::Io { file: name, source });
                    continue;
                }
            };
            let read = match extension(f).as_str() {
                "csv" => CaseTable::from_csv(&text, &name).map(|t| coll.tables.push(t)),
                "toml" => Case::from_toml(&text, &name, profile).map(|c| coll.cases.push(c)),
                _ => Err(CaseError::invalid(
                    &name,
                    None,
                    "",
                    None,
                    "not a case file: expected a .toml case or a .csv case matrix",
                )),
            };
            if let Err(e) = read {
                errors.extend(e.flatten().into_iter().map(clone_error));
            }
        }
        if files.is_empty() {
            errors.push(CaseError::invalid(
                &paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                None,
                "",
                None,
                "no case files (*.toml, *.csv) found",
            ));
        }
        coll.files = files;
        if !errors.is_empty() {
            return Err(if errors.len() == 1 {
                errors.remove(0)
            } else {
                CaseError::Many(errors)
            });
        }
        // Duplicate ids across all sources are an error too.
        coll.table()?;
        Ok(coll)
    }

    /// All cases as one table: the TOML cases' conditions and the CSV matrices' columns (a case
    /// from a source without a column has it unknown).
    pub fn table(&self) -> Result<CaseTable, CaseError> {
        let mut parts = Vec::new();
        if !self.cases.is_empty() {
            parts.push(CaseTable::from_cases(&self.cases)?);
        }
        parts.extend(self.tables.iter().cloned());
        let mut merged = CaseTable::default();
        for p in &parts {
            for c in &p.columns {
                if !merged.columns.contains(c) {
                    merged.columns.push(c.clone());
                }
            }
        }
        let mut seen: Vec<(String, String)> = Vec::new();
        let mut errors = Vec::new();
        for p in parts {
            for mut row in p.rows {
                if let Some((_, first)) = seen.iter().find(|(id, _)| *id == row.id) {
                    errors.push(CaseError::invalid(
                        &row.file,
                        row.line,
                        "id",
                        Some(format!("\"{}\"", row.id)),
                        format!("duplicate case id (first in {first})"),
                    ));
                    continue;
                }
                seen.push((row.id.clone(), row.file.clone()));
                for c in &merged.columns {
                    if !row.cells.contains_key(c) {
                        let origin = Origin {
                            file: row.file.clone(),
                            line: row.line,
                            field: c.clone(),
                        };
                        let cell = match crate::conditions::definition(c).map(|d| d.kind()) {
                            Some(crate::conditions::ConditionKind::Count) => {
                                Cell::Count(Coded::Unknown)
                            }
                            _ => Cell::Score(Bounds::UNKNOWN),
                        };
                        row.cells.insert(c.clone(), (cell, origin));
                    }
                }
                merged.rows.push(row);
            }
        }
        match errors.len() {
            0 => Ok(merged),
            1 => Err(errors.remove(0)),
            _ => Err(CaseError::Many(errors)),
        }
    }
}

/// Errors are not `Clone` (they may hold an `io::Error`); rebuild the invalid ones.
fn clone_error(e: &CaseError) -> CaseError {
    match e {
        CaseError::Invalid(inv) => CaseError::Invalid(inv.clone()),
        CaseError::Io { file, source } => CaseError::Io {
            file: file.clone(),
            source: std::io::Error::new(source.kind(), source.to_string()),
        },
        CaseError::Many(all) => CaseError::Many(all.iter().map(clone_error).collect()),
        CaseError::Qca(q) => CaseError::invalid("<qca>", None, "", None, q.to_string()),
    }
}
