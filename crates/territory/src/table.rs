//! Delimited text tables as Italian and French open data publish them: comma or semicolon
//! separated, UTF-8 or Latin-1, with or without a byte-order mark. What can be repaired safely
//! (separator, encoding, BOM) is repaired and reported as a [`Notice`].

use crate::code::MunicipalityCode;
use crate::error::DataError;
use std::path::{Path, PathBuf};

/// A repair made while reading a file, to be shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The file repaired.
    pub path: PathBuf,
    /// What was done.
    pub message: String,
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// One data record with the line it starts on.
#[derive(Debug, Clone)]
pub struct Record {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// The fields, trimmed of surrounding blanks.
    pub fields: Vec<String>,
}

/// A whole table: header, records, and the repairs made to read it.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file read.
    pub path: PathBuf,
    /// Column names, trimmed.
    pub headers: Vec<String>,
    /// Data records in file order.
    pub records: Vec<Record>,
    /// Repairs made (separator, encoding, BOM).
    pub notices: Vec<Notice>,
}

impl Table {
    /// Reads a delimited file, detecting BOM, encoding and separator.
    pub fn read(path: &Path) -> Result<Self, DataError> {
        let bytes = std::fs::read(path).map_err(|source| DataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &bytes)
    }

    /// Parses the bytes of a delimited file; `path` is only used in messages.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Self, DataError> {
        let mut notices = Vec::new();
        let notice = |m: &str| Notice {
            path: path.to_path_buf(),
            message: m.to_string(),
        };
        let mut body = bytes;
        if let Some(rest) = body.strip_prefix(b"\xEF\xBB\xBF") {
            body = rest;
            notices.push(notice("removed a UTF-8 byte-order mark"));
        }
        let text: String = match std::str::from_utf8(body) {
            Ok(s) => s.to_string(),
            Err(e) => {
                // Not UTF-8: Italian and French public files of this kind are Windows-1252/Latin-1.
                let (decoded, _, _) = encoding_rs::WINDOWS_1252.decode(body);
                let line = 1 + body[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                notices.push(notice(&format!(
                    "not UTF-8 (first invalid byte on line {line}): read as Latin-1 (Windows-1252)"
                )));
                decoded.into_owned()
            }
        };
        let first_line = text.lines().next().unwrap_or("");
        if first_line.trim().is_empty() {
            return Err(DataError::File {
                path: path.to_path_buf(),
                message: "empty file: a header line is expected".into(),
            });
        }
        let delimiter = detect_delimiter(first_line);
        if delimiter != b',' {
            let name = match delimiter {
                b';' => "semicolon",
                b'\t' => "tab",
                _ => "pipe",
            };
            notices.push(notice(&format!("{name}-separated: read as such")));
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(path, e))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut seen = std::collections::HashSet::new();
        for h in &headers {
            if !seen.insert(h.as_str()) {
                return Err(DataError::Field {
                    path: path.to_path_buf(),
                    line: 1,
                    field: h.clone(),
                    value: h.clone(),
                    message: "column name appears twice in the header".into(),
                });
            }
        }
        let mut records = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| csv_error(path, e))?;
            let line = rec.position().map_or(0, |p| p.line());
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue; // a blank line carries no record
            }
            records.push(Record {
                line,
                fields: rec.iter().map(|f| f.trim().to_string()).collect(),
            });
        }
        Ok(Self {
            path: path.to_path_buf(),
            headers,
            records,
            notices,
        })
    }

    /// Index of a column, or an error naming the columns the file does have.
    pub fn column(&self, name: &str) -> Result<usize, DataError> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| DataError::MissingColumn {
                path: self.path.clone(),
                column: name.to_string(),
                found: self.headers.join(", "),
            })
    }

    /// Index of an optional column.
    pub fn optional_column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// An error about one field of one record.
    pub fn field_error(&self, rec: &Record, col: usize, message: impl Into<String>) -> DataError {
        DataError::Field {
            path: self.path.clone(),
            line: rec.line,
            field: self.headers[col].clone(),
            value: rec.fields[col].clone(),
            message: message.into(),
        }
    }

    /// The municipality code in column `col` of `rec`, or the field error saying why it is not one.
    pub fn code(&self, rec: &Record, col: usize) -> Result<MunicipalityCode, DataError> {
        MunicipalityCode::parse(&rec.fields[col])
            .map_err(|e| self.field_error(rec, col, e.to_string()))
    }
}

fn csv_error(path: &Path, e: csv::Error) -> DataError {
    let line = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        _ => e.to_string(),
    };
    DataError::Record {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// The separator that splits the header line into the most fields (outside quotes).
fn detect_delimiter(header: &str) -> u8 {
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let mut in_quotes = false;
        let mut n = 0;
        for b in header.bytes() {
            if b == b'"' {
                in_quotes = !in_quotes;
            } else if b == d && !in_quotes {
                n += 1;
            }
        }
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_bom_semicolons_and_latin1() {
        let bytes = b"\xEF\xBB\xBFcode;name\n012001;Agra\n".to_vec();
        let t = Table::parse(Path::new("x.csv"), &bytes).unwrap();
        assert_eq!(t.headers, vec!["code", "name"]);
        assert_eq!(t.records[0].fields, vec!["012001", "Agra"]);
        assert_eq!(t.records[0].line, 2);
        assert_eq!(t.notices.len(), 2);

        let latin1 = b"code,name\n012001,Cant\xF9\n";
        let t = Table::parse(Path::new("y.csv"), latin1).unwrap();
        assert_eq!(t.records[0].fields[1], "Cantù");
        assert!(t.notices[0].message.contains("Latin-1"));
    }

    #[test]
    fn wrong_field_count_names_the_line() {
        let e = Table::parse(Path::new("z.csv"), b"a,b\n1,2\n3\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "z.csv: line 3: 1 fields where the header has 2"
        );
    }

    #[test]
    fn duplicate_header_is_refused() {
        let e = Table::parse(Path::new("d.csv"), b"a,a\n1,2\n").unwrap_err();
        assert!(e.to_string().contains("appears twice"), "{e}");
    }
}
