//! TOML parsing that reports the file, line, column, key path and value of every error.

use crate::error::{line_col, CaseError, Invalid};
use serde::de::DeserializeOwned;

/// Parses `text` (the contents of `file`) into `T`, naming the key path of any error.
pub(crate) fn parse<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, CaseError> {
    let de = toml::Deserializer::new(text);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let field = path_string(err.path());
        let inner = err.into_inner();
        let (line, column, value) = match inner.span() {
            Some(span) => {
                let (l, c) = line_col(text, span.start);
                let value = text.get(span.clone()).map(shorten);
                (Some(l), Some(c), value)
            }
            None => (None, None, None),
        };
        let message = inner.message().trim().to_string();
        // A value spanning a whole table says nothing useful; only keep short literals.
        let value = value.filter(|v| !v.contains('\n') && !v.is_empty());
        CaseError::Invalid(Box::new(Invalid {
            file: file.to_string(),
            line,
            column,
            field,
            value,
            message,
        }))
    })
}

/// `serde_path_to_error` writes `.` for the document root; we write an empty path.
fn path_string(path: &serde_path_to_error::Path) -> String {
    let s = path.to_string();
    if s == "." {
        String::new()
    } else {
        s
    }
}

/// Shortens a quoted value for an error message.
fn shorten(s: &str) -> String {
    let s = s.trim();
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// Finds the line of a key path in a TOML document (for errors found after parsing).
pub(crate) struct Locator<'a> {
    text: &'a str,
    doc: Option<toml_edit::ImDocument<&'a str>>,
}

impl<'a> Locator<'a> {
    /// Parses `text` for spans; a text that does not parse yields no lines.
    pub(crate) fn new(text: &'a str) -> Locator<'a> {
        Locator {
            text,
            doc: toml_edit::ImDocument::parse(text).ok(),
        }
    }

    /// The line of the deepest item of `path` present in the document: the item itself, or
    /// the table that should hold a missing key. Numeric segments index arrays of tables.
    pub(crate) fn line(&self, path: &[&str]) -> Option<usize> {
        let doc = self.doc.as_ref()?;
        let mut item = doc.as_item();
        let mut best = None;
        for seg in path {
            let next = match seg.parse::<usize>() {
                Ok(i) => item.get(i),
                Err(_) => item.get(*seg),
            };
            let Some(next) = next else { break };
            item = next;
            if let Some(span) = item.span() {
                best = Some(span.start);
            }
        }
        best.map(|offset| line_col(self.text, offset).0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_finds_values_and_tables() {
        let text = "id = \"A\"\n\n[structures]\nties = true\n\n[structures.trust]\nvalue = 1\n[[paradoxes]]\nname = \"x\"\n[[paradoxes]]\nname = \"y\"\n";
        let loc = Locator::new(text);
        assert_eq!(loc.line(&["id"]), Some(1));
        assert_eq!(loc.line(&["structures", "ties"]), Some(4));
        assert_eq!(loc.line(&["structures", "trust", "value"]), Some(7));
        // a missing key points at its table
        assert_eq!(loc.line(&["structures", "large_city"]), Some(3));
        assert_eq!(loc.line(&["paradoxes", "1", "name"]), Some(11));
    }
}
