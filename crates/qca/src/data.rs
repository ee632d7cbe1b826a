//! The data matrix: case labels and named numeric columns, read from CSV.
//!
//! The first CSV column holds the case labels (as in R's `row.names`); every other column is
//! numeric. Empty cells and `NA` are missing values: they are kept (a column that is not analysed
//! may have gaps) and refused with a clear error as soon as an analysis uses the column.

use crate::error::{QcaError, Result};
use std::io::Read;
use std::path::Path;

/// Case labels plus named numeric columns (possibly with missing cells), with their origin.
#[derive(Debug, Clone, PartialEq)]
pub struct DataMatrix {
    source: String,
    cases: Vec<String>,
    lines: Vec<u64>,
    names: Vec<String>,
    columns: Vec<Vec<Option<f64>>>,
}

impl DataMatrix {
    /// Builds a matrix from case labels and `(name, values)` columns; `source` names it in errors.
    pub fn new(
        source: impl Into<String>,
        cases: Vec<String>,
        columns: Vec<(String, Vec<Option<f64>>)>,
    ) -> Result<Self> {
        let source = source.into();
        let mut names = Vec::with_capacity(columns.len());
        let mut values = Vec::with_capacity(columns.len());
        for (name, col) in columns {
            if names.contains(&name) {
                return Err(QcaError::DuplicateColumn {
                    file: source,
                    column: name,
                });
            }
            if col.len() != cases.len() {
                return Err(QcaError::InvalidParameter(format!(
                    "{source}: column `{name}` has {} values for {} cases",
                    col.len(),
                    cases.len()
                )));
            }
            names.push(name);
            values.push(col);
        }
        let lines = (0..cases.len() as u64).map(|i| i + 2).collect();
        Ok(Self {
            source,
            cases,
            lines,
            names,
            columns: values,
        })
    }

    /// Reads a data matrix from a CSV file, refusing a case label used twice (an analysis
    /// names its cases by label).
    pub fn from_csv_path_unique(path: impl AsRef<Path>) -> Result<Self> {
        let data = Self::from_csv_path(path)?;
        data.check_unique_cases()?;
        Ok(data)
    }

    /// Reads a CSV file whose first column holds the case labels.
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| QcaError::Io {
            file: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::from_csv_reader(path.display().to_string(), file)
    }

    /// Reads CSV text from any reader; `source` is the name used in error messages.
    pub fn from_csv_reader(source: impl Into<String>, reader: impl Read) -> Result<Self> {
        let source = source.into();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(reader);
        let headers = rdr
            .headers()
            .map_err(|e| csv_error(&source, &e))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect::<Vec<_>>();
        if headers.len() < 2 {
            return Err(QcaError::Csv {
                file: source,
                line: 1,
                message: "expected a header with a case-label column and at least one data column"
                    .into(),
            });
        }
        let names: Vec<String> = headers[1..].to_vec();
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(QcaError::DuplicateColumn {
                    file: source,
                    column: n.clone(),
                });
            }
        }
        let mut cases = Vec::new();
        let mut lines = Vec::new();
        let mut columns: Vec<Vec<Option<f64>>> = vec![Vec::new(); names.len()];
        for record in rdr.records() {
            let record = record.map_err(|e| csv_error(&source, &e))?;
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            if record.len() != headers.len() {
                return Err(QcaError::Csv {
                    file: source,
                    line,
                    message: format!("{} fields, the header has {}", record.len(), headers.len()),
                });
            }
            cases.push(record[0].trim().to_string());
            lines.push(line);
            for (j, cell) in record.iter().skip(1).enumerate() {
                let text = cell.trim();
                let value = if text.is_empty() || text == "NA" {
                    None
                } else {
                    Some(
                        text.parse::<f64>()
                            .ok()
                            .filter(|v| v.is_finite())
                            .ok_or_else(|| QcaError::NotNumeric {
                                file: source.clone(),
                                line,
                                column: names[j].clone(),
                                value: text.to_string(),
                            })?,
                    )
                };
                columns[j].push(value);
            }
        }
        if cases.is_empty() {
            return Err(QcaError::Csv {
                file: source,
                line: 2,
                message: "no cases (data rows)".into(),
            });
        }
        Ok(Self {
            source,
            cases,
            lines,
            names,
            columns,
        })
    }

    /// Name of the data source (file name) used in error messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Case labels in data order.
    pub fn cases(&self) -> &[String] {
        &self.cases
    }

    /// Column names in data order (the case-label column excluded).
    pub fn column_names(&self) -> &[String] {
        &self.names
    }

    /// Index of a column by name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The raw values of a column (missing cells are `None`).
    pub fn column(&self, name: &str) -> Option<&[Option<f64>]> {
        self.column_index(name).map(|j| self.columns[j].as_slice())
    }

    /// 1-based source line of a case (for error messages).
    pub fn line_of(&self, case: usize) -> u64 {
        self.lines.get(case).copied().unwrap_or(0)
    }

    /// The values of a column that an analysis uses: refuses unknown columns and missing cells.
    pub fn complete_column(&self, name: &str) -> Result<Vec<f64>> {
        let j = self
            .column_index(name)
            .ok_or_else(|| QcaError::MissingColumn {
                file: self.source.clone(),
                column: name.to_string(),
                available: self.names.join(", "),
            })?;
        self.columns[j]
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.ok_or_else(|| QcaError::MissingValue {
                    file: self.source.clone(),
                    line: self.lines[i],
                    column: name.to_string(),
                    case: self.cases[i].clone(),
                })
            })
            .collect()
    }

    /// Refuses a case label used twice, naming both lines: a truth table's case lists and a
    /// solution's cases would name two rows alike.
    pub fn check_unique_cases(&self) -> Result<()> {
        let mut first: std::collections::HashMap<&str, usize> = Default::default();
        for (i, label) in self.cases.iter().enumerate() {
            if let Some(&j) = first.get(label.as_str()) {
                return Err(QcaError::InvalidParameter(format!(
                    "{}: line {}: field `case` = {label:?}: case label already used on line {}; give every case its own label",
                    self.source, self.lines[i], self.lines[j]
                )));
            }
            first.insert(label, i);
        }
        Ok(())
    }

    /// Adds a column, or replaces the one with the same name (e.g. a calibrated version).
    pub fn set_column(&mut self, name: impl Into<String>, values: Vec<Option<f64>>) -> Result<()> {
        let name = name.into();
        if values.len() != self.cases.len() {
            return Err(QcaError::InvalidParameter(format!(
                "column `{name}` has {} values for {} cases",
                values.len(),
                self.cases.len()
            )));
        }
        match self.column_index(&name) {
            Some(j) => self.columns[j] = values,
            None => {
                self.names.push(name);
                self.columns.push(values);
            }
        }
        Ok(())
    }
}

fn csv_error(source: &str, e: &csv::Error) -> QcaError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    QcaError::Csv {
        file: source.to_string(),
        line,
        message: e.to_string(),
    }
}
