//! District maps: which district each municipality belongs to.

use crate::code::MunicipalityCode;
use crate::error::{DataError, Problems};
use crate::municipality::Territory;
use crate::table::{Notice, Table};
use crate::vintage::CodeChanges;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// An assignment of municipalities to named districts; municipalities may be left out.
#[derive(Debug, Clone, Default)]
pub struct DistrictMap {
    /// The file the map came from, if any.
    pub source: Option<PathBuf>,
    /// Repairs and re-keyings made while reading.
    pub notices: Vec<Notice>,
    district_of: HashMap<MunicipalityCode, String>,
}

/// Column names of a district map file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictColumns {
    /// Column of the municipality code (default `code`).
    #[serde(default = "default_code")]
    pub code: String,
    /// Column of the district name (default `district`).
    #[serde(default = "default_district")]
    pub district: String,
}

fn default_code() -> String {
    "code".into()
}
fn default_district() -> String {
    "district".into()
}

impl Default for DistrictColumns {
    fn default() -> Self {
        Self {
            code: default_code(),
            district: default_district(),
        }
    }
}

impl DistrictMap {
    /// Loads a map `code -> district` and checks it against the territory.
    ///
    /// Refused: codes unknown to the territory (with a hint when leading zeros were lost),
    /// a municipality listed twice, empty district names. Codes of an older vintage are
    /// re-keyed through `changes` when given, with a notice.
    pub fn load_csv(
        path: &Path,
        columns: &DistrictColumns,
        territory: &Territory,
        changes: Option<&CodeChanges>,
    ) -> Result<Self, DataError> {
        let table = Table::read(path)?;
        Self::from_table(table, columns, territory, changes)
    }

    /// Builds a map from an already read table (see [`DistrictMap::load_csv`]).
    pub fn from_table(
        table: Table,
        columns: &DistrictColumns,
        territory: &Territory,
        changes: Option<&CodeChanges>,
    ) -> Result<Self, DataError> {
        let c_code = table.column(&columns.code)?;
        let c_dist = table.column(&columns.district)?;
        let mut problems = Problems::default();
        let mut notices = table.notices.clone();
        let mut district_of = HashMap::new();
        let mut line_of: HashMap<MunicipalityCode, u64> = HashMap::new();
        let mut rekeyed = 0usize;
        for rec in &table.records {
            let Some(code) = problems.keep(table.code(rec, c_code)) else {
                continue;
            };
            let original = code.clone();
            let code = if territory.get(&code).is_some() {
                code
            } else if let Some(new) = changes.and_then(|c| c.successor_in(&code, territory)) {
                rekeyed += 1;
                new
            } else {
                let hint = match territory.lost_zeros_hint(&code) {
                    Some(p) => format!(
                        "; did a spreadsheet drop its leading zeros? {p} is {}",
                        territory.get(&p).map_or("", |m| m.name.as_str())
                    ),
                    None => String::new(),
                };
                problems.push(table.field_error(
                    rec,
                    c_code,
                    format!(
                        "code unknown to the municipalities table {}{hint}",
                        territory.source.display()
                    ),
                ));
                continue;
            };
            let district = rec.fields[c_dist].clone();
            if district.is_empty() {
                problems.push(table.field_error(rec, c_dist, "empty district name"));
                continue;
            }
            if let Some(prev) = line_of.get(&code) {
                let other = &district_of[&code];
                // Predecessors of a merged municipality listed in the same district are one.
                if original != code && *other == district {
                    continue;
                }
                problems.push(table.field_error(
                    rec,
                    c_code,
                    format!("municipality already assigned to district {other:?} on line {prev}"),
                ));
                continue;
            }
            line_of.insert(code.clone(), rec.line);
            district_of.insert(code, district);
        }
        if rekeyed > 0 {
            notices.push(Notice {
                path: table.path.clone(),
                message: format!(
                    "{rekeyed} codes of another vintage re-keyed to the territory's codes"
                ),
            });
        }
        problems.finish(
            &table.path,
            Self {
                source: Some(table.path.clone()),
                notices,
                district_of,
            },
        )
    }

    /// Builds a map from pairs; the last pair wins for a repeated code.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (MunicipalityCode, String)>) -> Self {
        Self {
            source: None,
            notices: Vec::new(),
            district_of: pairs.into_iter().collect(),
        }
    }

    /// The district of a municipality.
    pub fn district_of(&self, code: &MunicipalityCode) -> Option<&str> {
        self.district_of.get(code).map(String::as_str)
    }

    /// Assigns (or moves) a municipality to a district.
    pub fn assign(&mut self, code: MunicipalityCode, district: String) {
        self.district_of.insert(code, district);
    }

    /// Number of municipalities assigned.
    pub fn len(&self) -> usize {
        self.district_of.len()
    }

    /// Whether no municipality is assigned.
    pub fn is_empty(&self) -> bool {
        self.district_of.is_empty()
    }

    /// Districts with their members, sorted by district name then code.
    pub fn districts(&self) -> BTreeMap<&str, Vec<&MunicipalityCode>> {
        let mut out: BTreeMap<&str, Vec<&MunicipalityCode>> = BTreeMap::new();
        for (c, d) in &self.district_of {
            out.entry(d.as_str()).or_default().push(c);
        }
        for members in out.values_mut() {
            members.sort();
        }
        out
    }

    /// All `(code, district)` pairs sorted by code.
    pub fn pairs(&self) -> Vec<(&MunicipalityCode, &str)> {
        let mut v: Vec<_> = self
            .district_of
            .iter()
            .map(|(c, d)| (c, d.as_str()))
            .collect();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::municipality::MunicipalityColumns;

    fn territory() -> Territory {
        let t = Table::parse(
            Path::new("m.csv"),
            b"code,name,population\n012001,Agra,410\n012002,Albizzate,5299\n012003,Angera,5600\n",
        )
        .unwrap();
        Territory::from_table(t, &MunicipalityColumns::default()).unwrap()
    }

    fn load(text: &str) -> Result<DistrictMap, DataError> {
        let t = Table::parse(Path::new("d.csv"), text.as_bytes()).unwrap();
        DistrictMap::from_table(t, &DistrictColumns::default(), &territory(), None)
    }

    #[test]
    fn loads_a_map() {
        let m = load("code,district\n012001,A\n012002,A\n").unwrap();
        assert_eq!(m.districts()["A"].len(), 2);
        assert_eq!(
            m.district_of(&MunicipalityCode::parse("012003").unwrap()),
            None
        );
    }

    #[test]
    fn a_malformed_code_is_reported_and_the_next_rows_still_read() {
        let e = load("code,district\n,A\n012002,\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("d.csv: line 2: field `code`: empty code (value \"\")"),
            "{e}"
        );
        assert!(
            e.contains("d.csv: line 3: field `district`: empty district name"),
            "{e}"
        );
    }

    #[test]
    fn refuses_unknown_codes_with_a_zero_hint_and_double_membership() {
        let e = load("code,district\n12001,A\n012002,A\n012002,B\n999999,C\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("d.csv: line 2: field `code`: code unknown to the municipalities table m.csv; did a spreadsheet drop its leading zeros? 012001 is Agra (value \"12001\")"), "{e}");
        assert!(e.contains("d.csv: line 4: field `code`: municipality already assigned to district \"A\" on line 3 (value \"012002\")"), "{e}");
        assert!(e.contains("line 5"), "{e}");
    }
}
