//! Loading a collection of cases: directories of case files (`*.toml`) and CSV case matrices.

use crate::case::{Case, Profile};
use crate::conditions::{Cell, Origin};
use crate::error::CaseError;
use crate::matrix::CaseTable;
use crate::membership::{Bounds, Coded};
use std::collections::HashMap;
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
        let mut errors = Vec::new();
        let mut sources = Vec::with_capacity(files.len());
        for f in &files {
            let name = f.display().to_string();
            if !matches!(extension(f).as_str(), "csv" | "toml") {
                errors.push(not_a_case_file(&name));
                continue;
            }
            match std::fs::read_to_string(f) {
                Ok(text) => sources.push((name, text)),
                Err(source) => errors.push(CaseError::Io { file: name, source }),
            }
        }
        if files.is_empty() {
            errors.push(no_case_files(
                &paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        let mut coll = Collection::parse(&sources, profile, errors)?;
        coll.files = files;
        Ok(coll)
    }

    /// Reads cases from texts held in memory, as `(name, text)` pairs (a store's case files):
    /// a name ending in `.csv` is a CSV case matrix, any other a TOML case file. Errors name
    /// the given name as the file, with line, field and value, as [`Collection::load_as`] does.
    ///
    /// ```
    /// use ambit_cases::collection::Collection;
    /// use ambit_cases::Profile;
    ///
    /// let m = ("m.csv", "case,TIES,SUCCESS\nA,1,1\nB,0,0\n");
    /// let coll = Collection::from_texts(&[m], Profile::Case)?;
    /// assert_eq!(coll.table()?.rows.len(), 2);
    /// # Ok::<(), ambit_cases::CaseError>(())
    /// ```
    pub fn from_texts<N: AsRef<str>, T: AsRef<str>>(
        texts: &[(N, T)],
        profile: Profile,
    ) -> Result<Collection, CaseError> {
        let mut errors = Vec::new();
        if texts.is_empty() {
            errors.push(no_case_files("<cases>"));
        }
        let mut coll = Collection::parse(texts, profile, errors)?;
        coll.files = texts
            .iter()
            .map(|(n, _)| PathBuf::from(n.as_ref()))
            .collect();
        Ok(coll)
    }

    /// Parses `(name, text)` sources into a collection; `errors` already found are reported with
    /// the parse errors, all together. Duplicate case ids across sources are errors too.
    fn parse<N: AsRef<str>, T: AsRef<str>>(
        sources: &[(N, T)],
        profile: Profile,
        mut errors: Vec<CaseError>,
    ) -> Result<Collection, CaseError> {
        let mut coll = Collection::default();
        for (name, text) in sources {
            let (name, text) = (name.as_ref(), text.as_ref());
            let read = if extension(Path::new(name)) == "csv" {
                CaseTable::from_csv(text, name).map(|t| coll.tables.push(t))
            } else {
                Case::from_toml(text, name, profile).map(|c| coll.cases.push(c))
            };
            if let Err(e) = read {
                errors.extend(e.flatten().into_iter().map(clone_error));
            }
        }
        if !errors.is_empty() {
            return Err(if errors.len() == 1 {
                errors.remove(0)
            } else {
                CaseError::Many(errors)
            });
        }
        coll.check_ids()?;
        Ok(coll)
    }

    /// Refuses a case id given twice across the sources, as [`Collection::table`] does, without
    /// building the table (which would hold every case twice at the peak).
    fn check_ids(&self) -> Result<(), CaseError> {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        let mut errors = Vec::new();
        let ids = self
            .cases
            .iter()
            .map(|c| (c.id.as_str(), c.file.as_str(), None))
            .chain(
                self.tables
                    .iter()
                    .flat_map(|t| &t.rows)
                    .map(|r| (r.id.as_str(), r.file.as_str(), r.line)),
            );
        for (id, file, line) in ids {
            if let Some(first) = seen.get(id) {
                errors.push(CaseError::invalid(
                    file,
                    line,
                    "id",
                    Some(format!("\"{id}\"")),
                    format!("duplicate case id (first in {first})"),
                ));
                continue;
            }
            seen.insert(id, file);
        }
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            _ => Err(CaseError::Many(errors)),
        }
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
        // case id -> file of its first row (a hash map: a list scanned per row made 100,000
        // cases quadratic)
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut errors = Vec::new();
        for p in parts {
            for mut row in p.rows {
                if let Some(first) = seen.get(&row.id) {
                    errors.push(CaseError::invalid(
                        &row.file,
                        row.line,
                        "id",
                        Some(format!("\"{}\"", row.id)),
                        format!("duplicate case id (first in {first})"),
                    ));
                    continue;
                }
                seen.insert(row.id.clone(), row.file.clone());
                for c in &merged.columns {
                    if !row.cells.contains_key(c) {
                        let origin = Origin {
                            file: std::sync::Arc::from(row.file.as_str()),
                            line: row.line,
                            field: std::sync::Arc::from(c.as_str()),
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

fn not_a_case_file(name: &str) -> CaseError {
    CaseError::invalid(
        name,
        None,
        "",
        None,
        "not a case file: expected a .toml case or a .csv case matrix",
    )
}

fn no_case_files(place: &str) -> CaseError {
    CaseError::invalid(place, None, "", None, "no case files (*.toml, *.csv) found")
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
        CaseError::NoSuchModel {
            option,
            name,
            shipped,
        } => CaseError::NoSuchModel {
            option: option.clone(),
            name: name.clone(),
            shipped: shipped.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::{ConditionSpec, Matrix, MatrixSpec, Scale, UnknownPolicy};

    /// The four study cases as a store holds them: names and texts, no folder.
    fn study_texts() -> Vec<(&'static str, &'static str)> {
        vec![
            (
                "a.toml",
                include_str!("../../../cases/lombardy-2018/a.toml"),
            ),
            (
                "b.toml",
                include_str!("../../../cases/lombardy-2018/b.toml"),
            ),
            (
                "c.toml",
                include_str!("../../../cases/lombardy-2018/c.toml"),
            ),
            (
                "d.toml",
                include_str!("../../../cases/lombardy-2018/d.toml"),
            ),
        ]
    }

    fn spec(conditions: &[&str]) -> MatrixSpec {
        MatrixSpec {
            conditions: conditions.iter().map(|c| c.parse().unwrap()).collect(),
            outcome: Some(ConditionSpec {
                name: "SUCCESS".into(),
                at_least: None,
            }),
            scale: Scale::Crisp,
            unknowns: UnknownPolicy::DropCases,
        }
    }

    #[test]
    fn texts_give_the_same_matrix_as_the_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../cases/lombardy-2018");
        let from_dir = Collection::load(&[dir]).unwrap().table().unwrap();
        let from_texts = Collection::from_texts(&study_texts(), Profile::Case).unwrap();
        assert_eq!(from_texts.files.len(), 4);
        assert_eq!(from_texts.files[2], PathBuf::from("c.toml"));
        let from_texts = from_texts.table().unwrap();
        let ids: Vec<&str> = from_texts.rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["A", "B", "C", "D"]);
        assert_eq!(from_texts.rows[0].file, "a.toml");
        let s = spec(&["TIES", "LEAD", "FORMAL", "HOMO", "NPLANS>=3"]);
        let (m1, m2) = (
            Matrix::build(&from_dir, &s).unwrap(),
            Matrix::build(&from_texts, &s).unwrap(),
        );
        assert_eq!(m1.values, m2.values);
        assert_eq!(m1.cases, m2.cases);
        // Only B has every one of these known (A: FORMAL, NPLANS; D: FORMAL, HOMO).
        assert_eq!(m2.cases, ["B", "C"]);
        assert_eq!(
            m2.values,
            [
                [1.0, 0.0, 1.0, 0.0, 0.0, 1.0],
                [0.0, 0.0, 0.0, 1.0, 1.0, 0.0]
            ]
        );
        assert_eq!(m2.dropped[0].file, "a.toml");
    }

    #[test]
    fn errors_name_the_text_line_field_and_value() {
        let bad = "id = \"X\"\nname = \"x\"\n[structures]\nties = 2\n";
        let err =
            Collection::from_texts(&[("stored-x.toml", bad)], Profile::Partnership).unwrap_err();
        let inv = err.as_invalid().expect("one invalid entry");
        assert_eq!(inv.file, "stored-x.toml");
        assert_eq!(inv.line, Some(4));
        assert_eq!(inv.field, "structures.ties");
        assert_eq!(inv.value.as_deref(), Some("2"));
    }

    #[test]
    fn every_bad_text_is_reported_together() {
        let mut texts = study_texts();
        texts.push(("a-again.toml", texts[0].1));
        texts.push(("m.csv", "case,TIES\nE,7.5\n"));
        let err = Collection::from_texts(&texts, Profile::Case).unwrap_err();
        let all: Vec<String> = err.flatten().iter().map(|e| e.to_string()).collect();
        assert_eq!(all.len(), 1, "{all:?}");
        assert!(all[0].starts_with("m.csv:2: field `TIES` = 7.5"), "{all:?}");
        // Once the matrix is fixed, the duplicate id is named with both texts.
        texts.pop();
        let err = Collection::from_texts(&texts, Profile::Case).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a-again.toml: field `id` = \"A\": duplicate case id (first in a.toml)"
        );
    }

    #[test]
    fn a_partnership_is_not_a_case_and_nothing_is_not_a_collection() {
        let p = "id = \"P\"\nname = \"p\"\n[structures]\nties = true\n";
        let err = Collection::from_texts(&[("p.toml", p)], Profile::Case).unwrap_err();
        let all: Vec<String> = err.flatten().iter().map(|e| e.to_string()).collect();
        assert!(
            all.iter()
                .any(|e| e.starts_with("p.toml: field `performance`: missing table")),
            "{all:?}"
        );
        let none: [(&str, &str); 0] = [];
        let err = Collection::from_texts(&none, Profile::Case).unwrap_err();
        assert!(err.to_string().contains("no case files"), "{err}");
    }
}
