//! Municipality codes across vintages: mergers and recodings between two lists.

use crate::code::MunicipalityCode;
use crate::error::{DataError, Problems};
use crate::municipality::Territory;
use crate::table::Table;
use std::collections::HashMap;
use std::path::Path;

/// A table of code successions (`old -> new`), followed transitively.
#[derive(Debug, Clone, Default)]
pub struct CodeChanges {
    next: HashMap<MunicipalityCode, MunicipalityCode>,
}

impl CodeChanges {
    /// Loads successions from two columns of a table, e.g. `code_2018 -> code_2021`.
    pub fn load_csv(path: &Path, from: &str, to: &str) -> Result<Self, DataError> {
        let table = Table::read(path)?;
        let (cf, ct) = (table.column(from)?, table.column(to)?);
        let mut problems = Problems::default();
        let mut next = HashMap::new();
        for rec in &table.records {
            let old = MunicipalityCode::parse(&rec.fields[cf]);
            let new = MunicipalityCode::parse(&rec.fields[ct]);
            match (old, new) {
                (Ok(o), Ok(n)) => {
                    if o != n {
                        if let Some(prev) = next.insert(o.clone(), n.clone()) {
                            if prev != n {
                                problems.push(table.field_error(
                                    rec,
                                    cf,
                                    format!("code already succeeded by {prev}"),
                                ));
                            }
                        }
                    }
                }
                (Err(e), _) => problems.push(table.field_error(rec, cf, e.to_string())),
                (_, Err(e)) => problems.push(table.field_error(rec, ct, e.to_string())),
            }
        }
        problems.finish(&table.path, Self { next })
    }

    /// Successions read off a territory's own attribute (e.g. each 2018 comune's `code_2021`).
    pub fn from_attribute(territory: &Territory, attribute: &str) -> Self {
        let next = territory
            .municipalities()
            .iter()
            .filter_map(|m| {
                let to = MunicipalityCode::parse(m.attribute(attribute)?).ok()?;
                (to != m.code).then(|| (m.code.clone(), to))
            })
            .collect();
        Self { next }
    }

    /// The code `code` became in the end (itself when it never changed).
    pub fn latest(&self, code: &MunicipalityCode) -> MunicipalityCode {
        let mut c = code;
        // A succession table has no cycles; the bound guards against a malformed one.
        for _ in 0..64 {
            match self.next.get(c) {
                Some(n) => c = n,
                None => break,
            }
        }
        c.clone()
    }

    /// The first code in the chain starting at `code` that the territory knows.
    pub fn successor_in(
        &self,
        code: &MunicipalityCode,
        territory: &Territory,
    ) -> Option<MunicipalityCode> {
        let mut c = code;
        for _ in 0..64 {
            if territory.get(c).is_some() {
                return Some(c.clone());
            }
            c = self.next.get(c)?;
        }
        None
    }

    /// Adds the successions of another table (those already known are kept).
    pub fn extend(&mut self, other: CodeChanges) {
        for (k, v) in other.next {
            self.next.entry(k).or_insert(v);
        }
    }

    /// Number of codes that changed.
    pub fn len(&self) -> usize {
        self.next.len()
    }

    /// Whether no code changed.
    pub fn is_empty(&self) -> bool {
        self.next.is_empty()
    }
}
