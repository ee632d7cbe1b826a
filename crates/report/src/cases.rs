//! The outputs of `ambit cases`: the validation summary, the list of cases (text, Markdown,
//! CSV or JSON) and the table of the conditions a case offers.

use crate::table::{Format, Table};
use ambit_cases::conditions::{Cell, CONDITIONS};
use ambit_cases::matrix::{format_score, CaseRow};
use ambit_cases::{Case, CaseTable, Coded};
use std::collections::HashMap;

/// One line per valid case (id, file, its unknown conditions), then the count of cases and
/// files.
pub fn validation(table: &CaseTable, files: usize) -> String {
    let mut out = String::new();
    for row in &table.rows {
        let unknown: Vec<&str> = row
            .cells
            .iter()
            .filter(|(_, (c, _))| !c.is_known())
            .map(|(n, _)| n.as_str())
            .collect();
        out.push_str(&format!(
            "ok  {:<6} {}  ({} unknown: {})\n",
            row.id,
            row.file,
            unknown.len(),
            if unknown.is_empty() {
                "none".to_string()
            } else {
                unknown.join(" ")
            }
        ));
    }
    out.push_str(&format!(
        "{} case(s) in {} file(s): valid\n",
        table.rows.len(),
        files
    ));
    out
}

/// The cases with their outcome, date, unknowns, paradoxes and file (`cases` gives the names,
/// dates and paradoxes of the rows that come from case files); JSON gives every condition.
pub fn list(
    table: &CaseTable,
    cases: &[Case],
    format: Format,
) -> Result<String, serde_json::Error> {
    let by_id: HashMap<&str, &Case> = cases.iter().map(|c| (c.id.as_str(), c)).collect();
    let case_of = |row: &CaseRow| by_id.get(row.id.as_str()).copied();
    if format == Format::Json {
        let items: Vec<serde_json::Value> = table
            .rows
            .iter()
            .map(|row| {
                let case = case_of(row);
                let conditions: serde_json::Map<String, serde_json::Value> = row
                    .cells
                    .iter()
                    .map(|(n, (c, _))| (n.clone(), cell_json(c)))
                    .collect();
                serde_json::json!({
                    "id": row.id,
                    "name": case.map(|c| c.name.clone()),
                    "file": row.file,
                    "date": case.and_then(|c| c.performance.as_ref()?.date.clone()),
                    "paradoxes": case.map_or(0, |c| c.paradoxes.len()),
                    "conditions": conditions,
                })
            })
            .collect();
        return Ok(serde_json::to_string_pretty(&items)? + "\n");
    }
    let header = [
        "id",
        "name",
        "SUCCESS",
        "date",
        "unknown",
        "paradoxes",
        "file",
    ];
    let mut t = Table::text(header);
    for row in &table.rows {
        let case = case_of(row);
        let unknown = row.cells.values().filter(|(c, _)| !c.is_known()).count();
        t.push(vec![
            row.id.clone(),
            case.map_or("-".into(), |c| c.name.clone()),
            outcome(row),
            case.and_then(|c| c.performance.as_ref()?.date.clone())
                .unwrap_or_else(|| "-".into()),
            format!("{unknown}/{}", row.cells.len()),
            case.map_or("-".into(), |c| c.paradoxes.len().to_string()),
            row.file.clone(),
        ]);
    }
    Ok(t.render(format))
}

/// A case's SUCCESS score as coded, `unknown`, or `-` when it has none.
fn outcome(row: &CaseRow) -> String {
    match row.cells.get("SUCCESS") {
        Some((Cell::Score(b), _)) => b
            .known()
            .map_or("unknown".to_string(), |m| format_score(m.value())),
        _ => "-".to_string(),
    }
}

fn cell_json(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Score(b) => b
            .known()
            .map_or(serde_json::Value::Null, |m| serde_json::json!(m.value())),
        Cell::Count(Coded::Known(n)) => serde_json::json!(n),
        Cell::Count(Coded::Unknown) => serde_json::Value::Null,
    }
}

/// The conditions a case offers to matrices and models: name, field, meaning.
pub fn conditions() -> String {
    let mut t = Table::text(["name", "field", "meaning"]);
    for d in CONDITIONS.iter() {
        t.push([d.name, d.field, d.about]);
    }
    t.render(Format::Table)
}
