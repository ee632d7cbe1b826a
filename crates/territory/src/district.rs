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

/// Usual names of a district map's code column, most specific first (ISTAT, INSEE exports).
pub const CODE_COLUMN_NAMES: &[&str] = &[
    "code",
    "istat_code",
    "codice_istat",
    "codice",
    "pro_com_t",
    "pro_com",
    "insee",
    "code_insee",
    "codgeo",
    "depcom",
];

/// Usual names of a district map's district column (Lombardy's ambiti, France's EPCI).
pub const DISTRICT_COLUMN_NAMES: &[&str] = &[
    "district",
    "ambito",
    "ambito_territoriale",
    "distretto",
    "epci",
    "nom_epci",
    "siren_epci",
];

/// Columns asked for on the command line; None: find it (see [`DistrictColumns::detect`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnChoice {
    /// Column of the municipality code.
    pub code: Option<String>,
    /// Column of the district name.
    pub district: Option<String>,
}

impl DistrictColumns {
    /// The columns of a district map file given without a manifest entry: those `choice`
    /// names; else the first usual name present ([`CODE_COLUMN_NAMES`],
    /// [`DISTRICT_COLUMN_NAMES`], compared without case); else, for the code, the one column
    /// whose values are nearly all (95 %) codes of the territory. The notice says which
    /// columns were used when they are not literally `code` and `district`.
    pub fn detect(
        table: &Table,
        territory: &Territory,
        choice: &ColumnChoice,
    ) -> Result<(Self, Option<Notice>), DataError> {
        let find = |names: &[&str]| {
            names.iter().find_map(|n| {
                table
                    .headers
                    .iter()
                    .find(|h| h.eq_ignore_ascii_case(n))
                    .cloned()
            })
        };
        let code = match &choice.code {
            Some(c) => c.clone(),
            None => match find(CODE_COLUMN_NAMES).or_else(|| code_column_by_values(table, territory)) {
                Some(c) => c,
                None => {
                    return Err(DataError::File {
                        path: table.path.clone(),
                        message: format!(
                            "no column of municipality codes (looked for {} and for a column of the territory's codes; columns: {}): name it with --code-column",
                            CODE_COLUMN_NAMES.join(", "),
                            table.headers.join(", ")
                        ),
                    })
                }
            },
        };
        let district = match &choice.district {
            Some(d) => d.clone(),
            None => match find(DISTRICT_COLUMN_NAMES) {
                Some(d) => d,
                None => {
                    return Err(DataError::File {
                        path: table.path.clone(),
                        message: format!(
                            "no district column (looked for {}; columns: {}): name it with --district-column",
                            DISTRICT_COLUMN_NAMES.join(", "),
                            table.headers.join(", ")
                        ),
                    })
                }
            },
        };
        let notice = (code != "code" || district != "district").then(|| Notice {
            path: table.path.clone(),
            message: format!(
                "district map read from columns `{code}` (codes) and `{district}` (districts); --code-column/--district-column choose others"
            ),
        });
        Ok((Self { code, district }, notice))
    }
}

/// The one column whose non-empty values are (95 % or more) codes of the territory.
fn code_column_by_values(table: &Table, territory: &Territory) -> Option<String> {
    let mut found = None;
    for (c, h) in table.headers.iter().enumerate() {
        let (mut filled, mut known) = (0usize, 0usize);
        for rec in &table.records {
            let v = rec.fields.get(c).map_or("", |v| v.trim());
            if v.is_empty() {
                continue;
            }
            filled += 1;
            if MunicipalityCode::parse(v).is_ok_and(|code| territory.get(&code).is_some()) {
                known += 1;
            }
        }
        if filled > 0 && known * 100 >= filled * 95 {
            if found.is_some() {
                return None; // two candidates: the user must choose
            }
            found = Some(h.clone());
        }
    }
    found
}

impl DistrictMap {
    /// Loads a map file whose columns are found by [`DistrictColumns::detect`].
    pub fn load_csv_detect(
        path: &Path,
        choice: &ColumnChoice,
        territory: &Territory,
        changes: Option<&CodeChanges>,
    ) -> Result<Self, DataError> {
        let table = Table::read(path)?;
        let (columns, notice) = DistrictColumns::detect(&table, territory, choice)?;
        let mut map = Self::from_table(table, &columns, territory, changes)?;
        map.notices.extend(notice);
        Ok(map)
    }

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
