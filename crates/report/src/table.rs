//! One table type for every tabular result: a header, rows of cells and each column's
//! alignment, rendered as aligned text, Markdown, CSV or JSON ([`Format`]).
//!
//! Cells are display text (`"10,036,245"`, `"0.85"`); JSON writes a cell of a right-aligned
//! (numeric) column as a number when it parses as one, every other cell as a string.
//!
//! ```
//! use ambit_report::table::{Align, Format, Table};
//!
//! let mut t = Table::new([("district", Align::Left), ("population", Align::Right)]);
//! t.push(["Lodi", "226,921"]);
//! t.push(["Crema | Cremasco", "163,458"]);
//! assert_eq!(
//!     t.render(Format::Table),
//!     concat!(
//!         "district          population\n",
//!         "----------------  ----------\n",
//!         "Lodi                 226,921\n",
//!         "Crema | Cremasco     163,458\n",
//!     )
//! );
//! assert!(t.render(Format::Markdown).contains("| Crema \\| Cremasco |    163,458 |"));
//! assert_eq!(t.render(Format::Csv).lines().nth(2), Some("Crema | Cremasco,\"163,458\""));
//! ```

use serde_json::{Map, Value};
use std::fmt::Write as _;

/// The output formats of tabular results: the CLI's `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Format {
    /// Aligned text for a terminal.
    #[default]
    Table,
    /// Comma-separated values (RFC 4180 quoting).
    Csv,
    /// JSON: an array of objects keyed by the header.
    Json,
    /// Markdown (GitHub pipe table; `|` in a cell escaped).
    Markdown,
}

/// How a column's cells are aligned in text and Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text: padded on the right.
    Left,
    /// Numbers: padded on the left (and written as JSON numbers).
    Right,
}

/// A table: header, alignment per column, rows of display cells; optionally a title above
/// and notes below (text: indented lines; Markdown: a heading and paragraphs; CSV: `# ` lines
/// after the rows, so that a note such as "weights rounded" travels with the figures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    header: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
    title: Option<String>,
    notes: Vec<String>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = (S, Align)>) -> Self {
        let (header, align) = columns.into_iter().map(|(h, a)| (h.into(), a)).unzip();
        Self {
            header,
            align,
            rows: Vec::new(),
            title: None,
            notes: Vec::new(),
        }
    }

    /// Sets the title printed above the table (not in JSON, which holds the rows only).
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Adds a note printed below the table.
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// The notes, in order.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// A table whose columns are all left-aligned text.
    pub fn text<S: Into<String>>(columns: impl IntoIterator<Item = S>) -> Self {
        Self::new(columns.into_iter().map(|c| (c, Align::Left)))
    }

    /// Appends a row; missing cells are empty and cells beyond the header are dropped, so
    /// every row has exactly one cell per column.
    pub fn push<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let mut row: Vec<String> = cells
            .into_iter()
            .take(self.header.len())
            .map(Into::into)
            .collect();
        row.resize(self.header.len(), String::new());
        self.rows.push(row);
    }

    /// The column names.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The rows, one cell per column.
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table in `format` with its title and notes, ending with a newline.
    pub fn render(&self, format: Format) -> String {
        let mut out = String::new();
        match format {
            Format::Table => {
                if let Some(t) = &self.title {
                    out.push_str(t);
                    out.push('\n');
                }
                out.push_str(&self.to_text());
                for n in &self.notes {
                    let _ = writeln!(out, "  {n}");
                }
            }
            Format::Markdown => {
                if let Some(t) = &self.title {
                    let _ = writeln!(out, "### {}\n", markdown_cell(t));
                }
                out.push_str(&self.to_markdown());
                for n in &self.notes {
                    let _ = write!(out, "\n{n}\n");
                }
            }
            Format::Csv => {
                out.push_str(&self.to_csv());
                for n in &self.notes {
                    let _ = writeln!(out, "# {}", n.replace(['\r', '\n'], " "));
                }
            }
            Format::Json => out.push_str(&self.to_json()),
        }
        out
    }

    /// Several tables one after the other, a blank line between them (JSON: an array of the
    /// tables' arrays).
    pub fn render_all(tables: &[Table], format: Format) -> String {
        if format == Format::Json {
            let all: Vec<Value> = tables
                .iter()
                .filter_map(|t| serde_json::from_str(&t.to_json()).ok())
                .collect();
            return serde_json::to_string_pretty(&all).unwrap_or_default() + "\n";
        }
        tables
            .iter()
            .map(|t| t.render(format))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Aligned columns separated by two spaces, the header underlined with dashes; trailing
    /// spaces are trimmed.
    pub fn to_text(&self) -> String {
        let widths = self.widths(|c| c.chars().count());
        let mut out = String::new();
        let line = |cells: &[String], out: &mut String| {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                pad(&mut s, c, widths[i], self.align[i]);
            }
            out.push_str(s.trim_end());
            out.push('\n');
        };
        line(&self.header, &mut out);
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        line(&rule, &mut out);
        for r in &self.rows {
            line(r, &mut out);
        }
        out
    }

    /// A GitHub pipe table; `|` in a cell is escaped and line breaks become spaces.
    pub fn to_markdown(&self) -> String {
        let cells: Vec<Vec<String>> = std::iter::once(&self.header)
            .chain(&self.rows)
            .map(|r| r.iter().map(|c| markdown_cell(c)).collect())
            .collect();
        let widths: Vec<usize> = (0..self.header.len())
            .map(|i| {
                cells
                    .iter()
                    .map(|r| r[i].chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(3)
            })
            .collect();
        let mut out = String::new();
        let line = |r: &[String], out: &mut String| {
            out.push('|');
            for (i, c) in r.iter().enumerate() {
                out.push(' ');
                pad(out, c, widths[i], self.align[i]);
                out.push_str(" |");
            }
            out.push('\n');
        };
        line(&cells[0], &mut out);
        out.push('|');
        for (i, w) in widths.iter().enumerate() {
            let _ = match self.align[i] {
                Align::Left => write!(out, " {} |", "-".repeat(*w)),
                Align::Right => write!(out, " {}: |", "-".repeat(w - 1)),
            };
        }
        out.push('\n');
        for r in &cells[1..] {
            line(r, &mut out);
        }
        out
    }

    /// CSV with a header row, fields quoted where RFC 4180 requires.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        for r in std::iter::once(&self.header).chain(&self.rows) {
            let fields: Vec<String> = r.iter().map(|c| csv_field(c)).collect();
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    }

    /// A pretty-printed JSON array with one object per row, keyed by the header.
    pub fn to_json(&self) -> String {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                let mut o = Map::new();
                for (i, c) in r.iter().enumerate() {
                    o.insert(self.header[i].clone(), json_cell(c, self.align[i]));
                }
                Value::Object(o)
            })
            .collect();
        // serializing a Value built from strings and finite numbers cannot fail
        serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
    }

    fn widths(&self, len: impl Fn(&str) -> usize) -> Vec<usize> {
        (0..self.header.len())
            .map(|i| {
                std::iter::once(&self.header)
                    .chain(&self.rows)
                    .map(|r| len(&r[i]))
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }
}

fn pad(out: &mut String, cell: &str, width: usize, align: Align) {
    let fill = width.saturating_sub(cell.chars().count());
    match align {
        Align::Left => {
            out.push_str(cell);
            out.extend(std::iter::repeat_n(' ', fill));
        }
        Align::Right => {
            out.extend(std::iter::repeat_n(' ', fill));
            out.push_str(cell);
        }
    }
}

/// A Markdown table cell: `|` escaped, line breaks as spaces.
pub fn markdown_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180 §2).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A numeric column's cell as a JSON number (thousands separators dropped) when it is one.
fn json_cell(c: &str, align: Align) -> Value {
    if align == Align::Right {
        let plain = c.replace(',', "");
        if let Ok(i) = plain.parse::<i64>() {
            return Value::from(i);
        }
        if let Some(n) = plain
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(n);
        }
    }
    Value::String(c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new([
            ("case", Align::Left),
            ("n", Align::Right),
            ("share", Align::Right),
        ]);
        t.push(["A,B", "1,234", "0.5"]);
        t.push(["say \"hi\"", "7", "n/a"]);
        t
    }

    #[test]
    fn text_aligns_columns_and_trims_trailing_spaces() {
        assert_eq!(
            sample().to_text(),
            "case          n  share\n\
             --------  -----  -----\n\
             A,B       1,234    0.5\n\
             say \"hi\"      7    n/a\n"
        );
    }

    #[test]
    fn csv_quotes_commas_and_quotes() {
        assert_eq!(
            sample().to_csv(),
            "case,n,share\n\"A,B\",\"1,234\",0.5\n\"say \"\"hi\"\"\",7,n/a\n"
        );
    }

    #[test]
    fn markdown_escapes_pipes_and_marks_numeric_columns() {
        let mut t = Table::new([("rule", Align::Left), ("power", Align::Right)]);
        t.push(["A | B", "0.25"]);
        assert_eq!(
            t.to_markdown(),
            "| rule   | power |\n| ------ | ----: |\n| A \\| B |  0.25 |\n"
        );
    }

    #[test]
    fn json_writes_numbers_of_numeric_columns_only() {
        let v: Value = serde_json::from_str(&sample().to_json()).unwrap();
        assert_eq!(v[0]["case"], "A,B");
        assert_eq!(v[0]["n"], 1234);
        assert_eq!(v[0]["share"], 0.5);
        assert_eq!(v[1]["share"], "n/a");
    }

    #[test]
    fn rows_are_cut_or_padded_to_the_header() {
        let mut t = Table::text(["a", "b"]);
        t.push(["1"]);
        t.push(["1", "2", "3"]);
        assert_eq!(t.rows(), &[vec!["1", ""], vec!["1", "2"]]);
    }

    #[test]
    fn notes_travel_with_every_format_but_json() {
        let mut t = Table::text(["member"]).with_title("Lodi");
        t.push(["Lodi"]);
        t.note("weights rounded to units of 10");
        assert_eq!(
            t.render(Format::Table),
            "Lodi\nmember\n------\nLodi\n  weights rounded to units of 10\n"
        );
        assert!(t
            .render(Format::Csv)
            .ends_with("Lodi\n# weights rounded to units of 10\n"));
        assert!(t
            .render(Format::Markdown)
            .starts_with("### Lodi\n\n| member |"));
        assert!(!t.render(Format::Json).contains("rounded"));
    }

    #[test]
    fn counts_characters_not_bytes() {
        let mut t = Table::text(["comune", "x"]);
        t.push(["Canzo", "1"]);
        t.push(["Cantù", "2"]);
        let text = t.to_text();
        let widths: Vec<usize> = text.lines().map(|l| l.chars().count()).collect();
        assert_eq!(widths, vec![9, 9, 9, 9]);
    }
}
