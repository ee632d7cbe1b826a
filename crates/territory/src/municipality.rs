//! Municipalities and the territory they make up, loaded from a delimited table.

use crate::code::MunicipalityCode;
use crate::error::{DataError, Problems};
use crate::table::{Notice, Table};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// One municipality (comune, commune, kommune) with the attributes a reform looks at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Municipality {
    /// Statistical code, leading zeros kept.
    pub code: MunicipalityCode,
    /// Official name.
    pub name: String,
    /// Resident population of the territory's vintage.
    pub population: u64,
    /// Surface in km², when the table has one.
    pub area_km2: Option<f64>,
    /// Every other column of the table, by column name, as written (trimmed).
    pub attributes: BTreeMap<String, String>,
    /// Line of the source table the municipality was read from (0 when built in code).
    pub line: u64,
}

impl Municipality {
    /// The value of a named attribute (any column of the source table but the mapped ones).
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }

    /// Inhabitants per km², when the area is known and positive.
    pub fn density(&self) -> Option<f64> {
        self.area_km2
            .filter(|a| *a > 0.0)
            .map(|a| self.population as f64 / a)
    }
}

/// Which columns of a municipalities table hold the mapped fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MunicipalityColumns {
    /// Column of the code (default `code`).
    #[serde(default = "default_code")]
    pub code: String,
    /// Column of the name (default `name`).
    #[serde(default = "default_name")]
    pub name: String,
    /// Column of the population (default `population`).
    #[serde(default = "default_population")]
    pub population: String,
    /// Column of the area in km², optional.
    #[serde(default)]
    pub area_km2: Option<String>,
}

fn default_code() -> String {
    "code".into()
}
fn default_name() -> String {
    "name".into()
}
fn default_population() -> String {
    "population".into()
}

impl Default for MunicipalityColumns {
    fn default() -> Self {
        Self {
            code: default_code(),
            name: default_name(),
            population: default_population(),
            area_km2: None,
        }
    }
}

/// All municipalities of a region, indexed by code.
#[derive(Debug, Clone)]
pub struct Territory {
    /// The table the municipalities came from.
    pub source: PathBuf,
    /// The population column used, e.g. `pop_best`.
    pub population_column: String,
    /// Free text stating the population's date and source, from the dataset manifest.
    pub population_vintage: Option<String>,
    /// Repairs made while reading.
    pub notices: Vec<Notice>,
    municipalities: Vec<Municipality>,
    index: HashMap<MunicipalityCode, usize>,
}

impl Territory {
    /// Loads municipalities from a delimited table with the given column mapping.
    ///
    /// Every row must have a unique valid code, a name, and a non-negative whole population;
    /// all problems of the file are reported together.
    pub fn load_csv(path: &Path, columns: &MunicipalityColumns) -> Result<Self, DataError> {
        let table = Table::read(path)?;
        Self::from_table(table, columns)
    }

    /// Builds a territory from an already read table.
    pub fn from_table(table: Table, columns: &MunicipalityColumns) -> Result<Self, DataError> {
        let c_code = table.column(&columns.code)?;
        let c_name = table.column(&columns.name)?;
        let c_pop = table.column(&columns.population)?;
        let c_area = match &columns.area_km2 {
            Some(a) => Some(table.column(a)?),
            None => None,
        };
        let mapped = [Some(c_code), Some(c_name), Some(c_pop), c_area];
        let mut problems = Problems::default();
        let mut municipalities = Vec::with_capacity(table.records.len());
        let mut index = HashMap::with_capacity(table.records.len());
        let mut first_line: HashMap<MunicipalityCode, u64> = HashMap::new();
        for rec in &table.records {
            let Some(code) = problems.keep(table.code(rec, c_code)) else {
                continue;
            };
            if let Some(prev) = first_line.get(&code) {
                problems.push(table.field_error(
                    rec,
                    c_code,
                    format!("duplicate code: already on line {prev}"),
                ));
                continue;
            }
            first_line.insert(code.clone(), rec.line);
            let name = rec.fields[c_name].clone();
            if name.is_empty() {
                problems.push(table.field_error(rec, c_name, "missing name"));
            }
            let population = match parse_population(&rec.fields[c_pop]) {
                Ok(p) => p,
                Err(m) => {
                    problems.push(table.field_error(rec, c_pop, m));
                    continue;
                }
            };
            let area_km2 = match c_area {
                Some(c) => match parse_area(&rec.fields[c]) {
                    Ok(a) => a,
                    Err(m) => {
                        problems.push(table.field_error(rec, c, m));
                        continue;
                    }
                },
                None => None,
            };
            let attributes = table
                .headers
                .iter()
                .enumerate()
                .filter(|(i, _)| !mapped.contains(&Some(*i)))
                .map(|(i, h)| (h.clone(), rec.fields[i].clone()))
                .collect();
            index.insert(code.clone(), municipalities.len());
            municipalities.push(Municipality {
                code,
                name,
                population,
                area_km2,
                attributes,
                line: rec.line,
            });
        }
        if table.records.is_empty() {
            problems.push(DataError::File {
                path: table.path.clone(),
                message: "no municipality rows".into(),
            });
        }
        let territory = Self {
            source: table.path.clone(),
            population_column: columns.population.clone(),
            population_vintage: None,
            notices: table.notices,
            municipalities,
            index,
        };
        problems.finish(&table.path, territory)
    }

    /// The municipalities in file order.
    pub fn municipalities(&self) -> &[Municipality] {
        &self.municipalities
    }

    /// Number of municipalities.
    pub fn len(&self) -> usize {
        self.municipalities.len()
    }

    /// Whether there is no municipality (never true for a loaded territory).
    pub fn is_empty(&self) -> bool {
        self.municipalities.is_empty()
    }

    /// Position of a code in [`Territory::municipalities`].
    pub fn index_of(&self, code: &MunicipalityCode) -> Option<usize> {
        self.index.get(code).copied()
    }

    /// The municipality with this code.
    pub fn get(&self, code: &MunicipalityCode) -> Option<&Municipality> {
        self.index_of(code).map(|i| &self.municipalities[i])
    }

    /// Total population.
    pub fn population(&self) -> u64 {
        self.municipalities.iter().map(|m| m.population).sum()
    }

    /// The width shared by every code, when all codes have the same length (ISTAT: 6).
    pub fn code_width(&self) -> Option<usize> {
        let w = self.municipalities.first()?.code.as_str().len();
        self.municipalities
            .iter()
            .all(|m| m.code.as_str().len() == w)
            .then_some(w)
    }

    /// A hint for a code that is not in the territory: the code it would be with its leading
    /// zeros restored, when that one exists (a spreadsheet read the code as a number).
    pub fn lost_zeros_hint(&self, code: &MunicipalityCode) -> Option<MunicipalityCode> {
        let padded = code.zero_padded(self.code_width()?)?;
        self.index.contains_key(&padded).then_some(padded)
    }
}

fn parse_population(raw: &str) -> Result<u64, String> {
    if raw.is_empty() {
        return Err("missing population".into());
    }
    // Blank and apostrophe thousands separators ("1 351 562", "1'351'562") are unambiguous;
    // dots and commas are not (decimal marks in Italian and French), so they are refused.
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\''))
        .collect();
    if let Ok(v) = digits.parse::<i64>() {
        return if v < 0 {
            Err("negative population".into())
        } else {
            Ok(v as u64)
        };
    }
    match digits.parse::<f64>() {
        Ok(v) if v < 0.0 => Err("negative population".into()),
        Ok(v) if v.fract() == 0.0 && v.is_finite() => Ok(v as u64),
        Ok(_) => Err("population must be a whole number".into()),
        Err(_) => Err("population is not a number".into()),
    }
}

fn parse_area(raw: &str) -> Result<Option<f64>, String> {
    if raw.is_empty() {
        return Ok(None);
    }
    let v: f64 = raw
        .replace(',', ".")
        .parse()
        .map_err(|_| "area is not a number".to_string())?;
    if !v.is_finite() || v < 0.0 {
        return Err("area must be a non-negative number of km²".into());
    }
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> MunicipalityColumns {
        MunicipalityColumns {
            area_km2: Some("area".into()),
            ..Default::default()
        }
    }

    fn load(text: &str) -> Result<Territory, DataError> {
        Territory::from_table(Table::parse(Path::new("m.csv"), text.as_bytes())?, &cols())
    }

    #[test]
    fn loads_and_keeps_other_columns() {
        let t = load("code,name,population,area,zone\n012001,Agra,410,2.795,T\n").unwrap();
        let m = &t.municipalities()[0];
        assert_eq!(m.code.as_str(), "012001");
        assert_eq!(m.population, 410);
        assert_eq!(m.attribute("zone"), Some("T"));
        assert!((m.density().unwrap() - 146.690518783542).abs() < 1e-9);
    }

    #[test]
    fn reports_every_bad_row_with_line_field_and_value() {
        let e = load(
            "code,name,population,area,zone\n012001,Agra,410,2.8,T\n012001,Dup,1,1,T\n012003,X,-5,1,T\n012004,Y,,1,T\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains(
                "m.csv: line 3: field `code`: duplicate code: already on line 2 (value \"012001\")"
            ),
            "{e}"
        );
        assert!(
            e.contains("m.csv: line 4: field `population`: negative population (value \"-5\")"),
            "{e}"
        );
        assert!(
            e.contains("m.csv: line 5: field `population`: missing population"),
            "{e}"
        );
    }

    #[test]
    fn a_malformed_code_is_reported_and_the_next_rows_still_read() {
        let e = load("code,name,population,area,zone\n01-2,Agra,410,2.8,T\n012003,X,-5,1,T\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("m.csv: line 2: field `code`: code \"01-2\" holds a character other than ASCII letters and digits (value \"01-2\")"),
            "{e}"
        );
        assert!(e.contains("m.csv: line 3: field `population`"), "{e}");
    }

    #[test]
    fn lost_leading_zeros_are_recognised() {
        let t = load("code,name,population,area,zone\n012001,Agra,410,2.8,T\n").unwrap();
        let lost = MunicipalityCode::parse("12001").unwrap();
        assert_eq!(t.lost_zeros_hint(&lost).unwrap().as_str(), "012001");
    }
}
