//! QCA results as tables ([`Table`], so every `--format`): truth tables, solutions with their
//! parameters of fit, superset searches, the fit of an expression, calibrations and robustness
//! sweeps. JSON is each result's own document (the `ambit-qca` types serialised), which keeps
//! every figure and field that a table flattens.
//!
//! ```
//! use ambit_qca::{DataMatrix, TruthTable, TtParams};
//! use ambit_report::table::Format;
//!
//! let csv = "case,TIES,SUCCESS\nA,1,1\nB,1,1\nC,0,0\n";
//! let data = DataMatrix::from_csv_reader("seed.csv", csv.as_bytes()).unwrap();
//! let tt = TruthTable::build(&data, &TtParams::new("SUCCESS")).unwrap();
//! let table = ambit_report::qca::truth_table(&tt, &[], false);
//! assert_eq!(table.rows()[1], ["2", "1", "1", "2", "1.000", "1.000", "A,B"]);
//! assert!(table.render(Format::Csv).starts_with("row,TIES,OUT,n,incl,PRI,cases\n"));
//! ```

use crate::table::{Align, Format, Table};
use ambit_qca::robust::Robustness;
use ambit_qca::{
    MinParams, PofRow, Relation, RowRef, Solution, SolutionFit, SortKey, SortOrder, SuperSubsetRow,
    TruthTable,
};
use serde::Serialize;

/// A score with three decimals, as R prints them; `-` when undefined (0 / 0).
pub fn num(v: f64) -> String {
    if v.is_nan() {
        "-".into()
    } else {
        format!("{v:.3}")
    }
}

/// A serialisable document as pretty JSON with a final newline.
pub fn json<T: Serialize + ?Sized>(doc: &T) -> String {
    // the qca documents hold strings, integers and finite or NaN floats (NaN becomes null)
    serde_json::to_string_pretty(doc).unwrap_or_default() + "\n"
}

/// The truth table's observed rows in the order of `keys` (R's `sort.by`; none: row order),
/// with each row's cases, or with `dcc` its deviant cases consistency in kind (in the row,
/// not in the outcome).
pub fn truth_table(tt: &TruthTable, keys: &[(SortKey, SortOrder)], dcc: bool) -> Table {
    let mut columns = vec![("row".to_string(), Align::Right)];
    columns.extend(tt.conditions.iter().map(|c| (c.clone(), Align::Right)));
    columns.extend([
        ("OUT".to_string(), Align::Left),
        ("n".to_string(), Align::Right),
        ("incl".to_string(), Align::Right),
        ("PRI".to_string(), Align::Right),
        (if dcc { "DCC" } else { "cases" }.to_string(), Align::Left),
    ]);
    let mut t = Table::new(columns).with_title(format!(
        "Truth table of {} ({} observed rows of {})",
        tt.outcome,
        tt.observed_rows.len(),
        tt.n_rows_total
    ));
    for r in tt.sorted_rows(keys) {
        let mut cells = vec![r.row.to_string()];
        cells.extend(r.values.iter().map(u8::to_string));
        cells.push(match r.out_if_kept {
            Some(k) => format!("{}({})", r.out.symbol(), k.symbol()),
            None => r.out.symbol().to_string(),
        });
        cells.extend([r.n.to_string(), num(r.incl), num(r.pri)]);
        cells.push(if dcc { &r.dcc } else { &r.cases }.join(","));
        t.push(cells);
    }
    t.note("OUT: output value (below the frequency cutoff: ?(the value it would have))");
    t.note("n: number of cases in the configuration; incl: sufficiency inclusion; PRI: proportional reduction in inconsistency");
    if dcc {
        t.note("DCC: deviant cases consistency in kind, the cases of the row outside the outcome");
    }
    t
}

/// `ambit qca tt` in `format`: the table, or in JSON the truth table with its rows sorted.
pub fn truth_table_document(
    tt: &TruthTable,
    keys: &[(SortKey, SortOrder)],
    dcc: bool,
    format: Format,
) -> String {
    if format == Format::Json {
        let mut sorted = tt.clone();
        sorted.observed_rows = tt.sorted_rows(keys).into_iter().cloned().collect();
        return json(&sorted);
    }
    truth_table(tt, keys, dcc).render(format)
}

/// `M1: A + B -> Y`, one line per model.
pub fn models_title(models: &[Vec<String>], outcome: &str) -> String {
    models
        .iter()
        .enumerate()
        .map(|(i, m)| format!("M{}: {} -> {outcome}", i + 1, m.join(" + ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each model's terms with inclS, PRI, covS, covU and cases, then the model's own fit (term
/// `(M1)` etc.), one table for all models, under `title`.
pub fn fit_table(title: String, fit: &SolutionFit) -> Table {
    let mut t = Table::new([
        ("model", Align::Left),
        ("term", Align::Left),
        ("inclS", Align::Right),
        ("PRI", Align::Right),
        ("covS", Align::Right),
        ("covU", Align::Right),
        ("cases", Align::Left),
    ])
    .with_title(title);
    for (i, mf) in fit.models.iter().enumerate() {
        let label = format!("M{}", i + 1);
        for term in &mf.term_fit {
            t.push([
                label.clone(),
                term.term.clone(),
                num(term.incl_s),
                num(term.pri),
                num(term.cov_s),
                term.cov_u.map_or("-".to_string(), num),
                term.cases.clone(),
            ]);
        }
        let f = &mf.model_fit;
        t.push([
            label.clone(),
            format!("({label})"),
            num(f.incl_s),
            num(f.pri),
            num(f.cov_s),
            String::new(),
            String::new(),
        ]);
    }
    t
}

fn row_list(rows: &[RowRef]) -> String {
    if rows.is_empty() {
        "none".to_string()
    } else {
        rows.iter()
            .map(|r| r.row.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A solution: its models' fit, then one table per intermediate solution; model ambiguity,
/// essential implicants, simplifying assumptions and counterfactuals as notes.
pub fn solution_tables(sol: &Solution) -> Vec<Table> {
    let mut main = fit_table(models_title(&sol.models, &sol.outcome), &sol.fit);
    if sol.model_ambiguity {
        main.note(format!(
            "Model ambiguity: {} models explain the data equally well.",
            sol.models.len()
        ));
        main.note(format!(
            "Essential prime implicants: {}",
            if sol.essential.is_empty() {
                "none".to_string()
            } else {
                sol.essential.join(", ")
            }
        ));
    }
    if let Some(sa) = &sol.simplifying_assumptions {
        for (m, rows) in sa.iter().filter(|(_, rows)| !rows.is_empty()) {
            main.note(format!(
                "Simplifying assumptions ({m}): rows {}",
                row_list(rows)
            ));
        }
    }
    let mut tables = vec![main];
    for i in &sol.intermediate {
        let title = format!(
            "Intermediate solution {} (conservative {} / parsimonious {}):\n{}",
            i.combination,
            i.conservative_model.join(" + "),
            i.parsimonious_model.join(" + "),
            models_title(&i.models, &sol.outcome)
        );
        let mut t = fit_table(title, &i.fit);
        t.note(format!(
            "Easy counterfactuals: rows {}",
            row_list(&i.easy_counterfactuals)
        ));
        t.note(format!(
            "Difficult counterfactuals: rows {}",
            row_list(&i.difficult_counterfactuals)
        ));
        tables.push(t);
    }
    tables
}

/// The expressions a superset search found (R's `superSubset`), numbered, with the fit of
/// their relation; a note when none passed.
pub fn superset_table(rows: &[SuperSubsetRow], relation: Relation, cuts: (f64, f64)) -> Table {
    let [incl, third, cov] = fit_names(relation);
    let mut t = Table::new([
        ("", Align::Right),
        ("expression", Align::Left),
        (incl, Align::Right),
        (third, Align::Right),
        (cov, Align::Right),
    ]);
    for (i, r) in rows.iter().enumerate() {
        t.push([
            (i + 1).to_string(),
            r.expression.clone(),
            num(r.incl),
            num(r.ron_or_pri),
            num(r.cov),
        ]);
    }
    if rows.is_empty() {
        let adjective = match relation {
            Relation::Necessity => "necessary",
            Relation::Sufficiency => "sufficient",
        };
        t.note(format!(
            "No {adjective} expression with {incl} >= {} and {cov} >= {}.",
            cuts.0, cuts.1
        ));
    }
    t
}

/// Column names of a relation's fit: inclN, RoN, covN or inclS, PRI, covS.
pub fn fit_names(relation: Relation) -> [&'static str; 3] {
    match relation {
        Relation::Necessity => ["inclN", "RoN", "covN"],
        Relation::Sufficiency => ["inclS", "PRI", "covS"],
    }
}

/// JSON document of a superset search: relation, outcome and the expressions with their fit.
pub fn superset_json(rows: &[SuperSubsetRow], relation: Relation, outcome: &str) -> String {
    let [incl, third, cov] = fit_names(relation);
    let v: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| serde_json::json!({"expression": r.expression, incl: r.incl, third: r.ron_or_pri, cov: r.cov}))
        .collect();
    let relation = match relation {
        Relation::Necessity => "necessity",
        Relation::Sufficiency => "sufficiency",
    };
    json(&serde_json::json!({"relation": relation, "outcome": outcome, "expressions": v}))
}

/// The fit of an expression and of each of its terms (R's `pof`).
pub fn pof_table(rows: &[PofRow], relation: Relation) -> Table {
    let [incl, third, cov] = fit_names(relation);
    let mut columns = vec![
        ("", Align::Right),
        ("expression", Align::Left),
        (incl, Align::Right),
        (third, Align::Right),
        (cov, Align::Right),
    ];
    if relation == Relation::Sufficiency {
        columns.push(("covU", Align::Right));
    }
    let mut t = Table::new(columns);
    for (i, r) in rows.iter().enumerate() {
        let n = (i + 1).to_string();
        match r {
            PofRow::Sufficiency {
                expression,
                fit,
                cov_u,
            } => t.push([
                n,
                expression.clone(),
                num(fit.incl_s),
                num(fit.pri),
                num(fit.cov_s),
                cov_u.map_or("-".into(), num),
            ]),
            PofRow::Necessity { expression, fit } => t.push([
                n,
                expression.clone(),
                num(fit.incl_n),
                num(fit.ro_n),
                num(fit.cov_n),
            ]),
        }
    }
    t
}

/// Raw values and calibrated memberships, one row per case.
pub fn calibration_table(
    cases: &[String],
    raw: (&str, &[f64]),
    calibrated: (&str, &[f64]),
    method: &str,
) -> Table {
    // the raw column is marked: by default the calibrated one takes its name
    let mut t = Table::new([
        ("case".to_string(), Align::Left),
        (format!("{} (raw)", raw.0), Align::Right),
        (calibrated.0.to_string(), Align::Right),
    ]);
    for ((c, r), v) in cases.iter().zip(raw.1).zip(calibrated.1) {
        t.push([c.clone(), r.to_string(), format!("{v:.4}")]);
    }
    t.note(format!("calibration: {method}"));
    t
}

/// JSON document of a calibration: the column, the method and each case's raw and calibrated
/// value.
pub fn calibration_json(
    cases: &[String],
    raw: (&str, &[f64]),
    calibrated: (&str, &[f64]),
    method: &str,
) -> String {
    let rows: Vec<serde_json::Value> = cases
        .iter()
        .zip(raw.1)
        .zip(calibrated.1)
        .map(|((c, r), v)| serde_json::json!({"case": c, "raw": r, calibrated.0: v}))
        .collect();
    json(&serde_json::json!({"column": raw.0, "method": method, "values": rows}))
}

/// A robustness sweep: the ranges over which the solution stays the same, the terms across
/// every setting, and the cases whose membership flips.
pub fn robustness_tables(r: &Robustness, outcome: &str) -> Vec<Table> {
    let mut ranges = Table::new([
        ("parameter", Align::Left),
        ("from", Align::Right),
        ("to", Align::Right),
        ("base", Align::Right),
        ("same solution", Align::Right),
        ("other solutions", Align::Left),
    ])
    .with_title(format!(
        "Base solution: {} -> {outcome}\nSame solution over (others at their base values):",
        r.base_solution
    ));
    for p in r.ranges.iter().filter(|p| !p.points.is_empty()) {
        let others: Vec<String> = p
            .points
            .iter()
            .filter(|x| !x.same)
            .map(|x| format!("at {}: {}", x.value, x.solution))
            .collect();
        ranges.push([
            p.parameter.clone(),
            p.stable_from.to_string(),
            p.stable_to.to_string(),
            p.base.to_string(),
            format!(
                "{} of {}",
                p.points.iter().filter(|x| x.same).count(),
                p.points.len()
            ),
            others.join("; "),
        ]);
    }
    let mut terms = Table::new([
        ("term", Align::Left),
        ("settings %", Align::Right),
        ("in base", Align::Left),
    ])
    .with_title(format!(
        "Terms across {} parameter settings ({} without a solution):",
        r.grid_points, r.no_solution
    ));
    for t in &r.terms {
        terms.push([
            t.term.clone(),
            format!("{:.1}", t.share * 100.0),
            if t.in_base { "yes" } else { "no" }.to_string(),
        ]);
    }
    let mut flips = Table::new([
        ("case", Align::Left),
        ("change", Align::Left),
        ("settings", Align::Right),
    ])
    .with_title("Cases whose membership in the solution flips:");
    for f in &r.flips {
        flips.push([
            f.case.clone(),
            if f.in_base { "leaves" } else { "enters" }.to_string(),
            f.flipped.to_string(),
        ]);
    }
    if r.flips.is_empty() {
        flips.note("No case changes membership in the solution.");
    }
    vec![ranges, terms, flips]
}

/// The robustness chart (SVG): term survival bars and a strip per varied parameter.
pub fn robustness_chart(r: &Robustness, outcome: &str) -> String {
    use crate::robust::{chart_svg, ParameterStrip, TermBar};
    let terms: Vec<TermBar> = r
        .terms
        .iter()
        .map(|t| TermBar {
            term: t.term.clone(),
            share: t.share,
            in_base: t.in_base,
        })
        .collect();
    let strips: Vec<ParameterStrip> = r
        .ranges
        .iter()
        .filter(|p| !p.points.is_empty())
        .map(|p| ParameterStrip {
            parameter: p.parameter.clone(),
            base: p.base,
            values: p.points.iter().map(|x| (x.value, x.same)).collect(),
        })
        .collect();
    let title = format!("Robustness of {} -> {outcome}", r.base_solution);
    chart_svg(&title, &terms, &strips)
}

/// Writes a data matrix as CSV (`case` then its columns; missing cells empty) whole or not at
/// all ([`crate::AtomicFile`]). `proceed` is asked every 4,096 rows and before the rename: when
/// it says no (Ctrl-C), the temporary file is removed, `out` is left as it was and the answer
/// is `Ok(false)`.
pub fn write_data_csv(
    data: &ambit_qca::DataMatrix,
    out: &std::path::Path,
    proceed: impl Fn() -> bool,
) -> Result<bool, crate::WriteError> {
    let error = |e: csv::Error| crate::WriteError {
        path: out.to_path_buf(),
        source: std::io::Error::other(e),
    };
    let file = crate::AtomicFile::create(out)?;
    let mut w = csv::Writer::from_writer(file);
    let mut header = vec!["case".to_string()];
    header.extend(data.column_names().iter().cloned());
    w.write_record(&header).map_err(error)?;
    let columns: Vec<&[Option<f64>]> = data
        .column_names()
        .iter()
        .filter_map(|n| data.column(n))
        .collect();
    for (i, case) in data.cases().iter().enumerate() {
        if i % 4096 == 0 && !proceed() {
            return Ok(false);
        }
        let mut rec = vec![case.clone()];
        rec.extend(
            columns
                .iter()
                .map(|c| c[i].map(|v| v.to_string()).unwrap_or_default()),
        );
        w.write_record(&rec).map_err(error)?;
    }
    if !proceed() {
        return Ok(false);
    }
    let file = w.into_inner().map_err(|e| crate::WriteError {
        path: out.to_path_buf(),
        source: e.into_error(),
    })?;
    file.commit()?;
    Ok(true)
}

/// What `ambit qca minimize` says on stderr about `sol`: its warnings (`warning: ...`), then
/// how far its models are proven, unless a warning already says so.
pub fn minimize_notices(sol: &Solution) -> Vec<String> {
    let certificate = sol.certificate.describe();
    let warned = sol.warnings.contains(&certificate);
    (sol.warnings.iter().map(|w| format!("warning: {w}")))
        .chain((!warned).then_some(certificate))
        .collect()
}

/// `ambit qca minimize`'s output in `format`: the solution's tables, or as JSON the
/// parameters, the solution and the truth table.
pub fn minimize_document(
    params: &MinParams,
    solution: &Solution,
    truth_table: &TruthTable,
    format: Format,
) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        params: &'a MinParams,
        #[serde(flatten)]
        solution: &'a Solution,
        truth_table: &'a TruthTable,
    }
    match format {
        Format::Json => json(&Doc {
            params,
            solution,
            truth_table,
        }),
        f => Table::render_all(&solution_tables(solution), f),
    }
}

/// `ambit qca necessity`'s output in `format`: the expressions passing the cutoffs
/// `(inclusion, coverage)` with their fit.
pub fn superset_document(
    rows: &[SuperSubsetRow],
    relation: Relation,
    outcome: &str,
    cuts: (f64, f64),
    format: Format,
) -> String {
    match format {
        Format::Json => superset_json(rows, relation, outcome),
        f => superset_table(rows, relation, cuts).render(f),
    }
}

/// `ambit qca fit`'s output in `format`: the fit of an expression and of its terms.
pub fn pof_document(rows: &[PofRow], relation: Relation, outcome: &str, format: Format) -> String {
    match format {
        Format::Json => {
            json(&serde_json::json!({"relation": relation, "outcome": outcome, "rows": rows}))
        }
        f => pof_table(rows, relation).render(f),
    }
}

/// What `ambit qca calibrate` says on stderr about calibrating the raw column `column` into
/// `name` by `method`: the thresholds findTh `found` (when it ran), then the calibration.
pub fn calibration_notices(
    column: &str,
    name: &str,
    method: &str,
    found: Option<&[f64]>,
) -> Vec<String> {
    let found = found.map(|f| {
        let list: Vec<String> = f.iter().map(f64::to_string).collect();
        let list = list.join(", ");
        format!("findTh (complete linkage) on `{column}`: thresholds {list}")
    });
    let calibration = format!("calibration of `{column}` -> `{name}`: {method}");
    found.into_iter().chain([calibration]).collect()
}

/// `ambit qca calibrate`'s printed output in `format`: raw and calibrated values by case.
pub fn calibration_document(
    cases: &[String],
    raw: (&str, &[f64]),
    calibrated: (&str, &[f64]),
    method: &str,
    format: Format,
) -> String {
    match format {
        Format::Json => calibration_json(cases, raw, calibrated, method),
        f => calibration_table(cases, raw, calibrated, method).render(f),
    }
}

/// `ambit qca robust`'s output in `format`: the stable ranges, surviving terms and flips.
pub fn robustness_document(r: &Robustness, outcome: &str, format: Format) -> String {
    match format {
        Format::Json => json(r),
        f => Table::render_all(&robustness_tables(r, outcome), f),
    }
}
