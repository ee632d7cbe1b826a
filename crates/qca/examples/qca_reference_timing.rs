//! Times every truth table and minimisation of the reference cases (tests/fixtures/expected) and
//! prints one JSON line per analysis with R's wall time beside ours (used by `bench/qca/run.sh`).

use ambit_qca::{minimize, DataMatrix, InclCut, MinParams, ModelSearch, TruthTable, TtParams};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Instant;

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("expected"))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let Ok(text) = std::fs::read_to_string(dir.join("expected.json")) else {
            continue;
        };
        let case: Value = serde_json::from_str(&text)?;
        let Some(file) = case["data_files"]
            .as_array()
            .and_then(|a| a.first())
            .and_then(Value::as_str)
        else {
            continue;
        };
        let Some(analyses) = case["analyses"].as_array() else {
            continue;
        };
        let base = PathBuf::from(file);
        let data = DataMatrix::from_csv_path(
            root.join("data").join(base.file_name().unwrap_or_default()),
        )?;
        for a in analyses {
            let (p, r) = (&a["params"], &a["result"]);
            if r.get("observed_rows").is_none() && r.get("models").is_none() {
                continue;
            }
            let outcome = p["outcome"].as_str().unwrap_or_default();
            let mut tp = TtParams::new(outcome);
            tp.conditions = match p.get("conditions") {
                Some(c) => strs(c),
                None => {
                    let out = outcome.trim_start_matches('~').to_string();
                    strs(&case["data_columns_used"])
                        .into_iter()
                        .filter(|c| *c != out)
                        .collect()
                }
            };
            tp.incl_cut = match p.get("incl_cut") {
                Some(Value::Array(v)) => InclCut {
                    one: v[0].as_f64().unwrap_or(1.0),
                    zero: v[1].as_f64().unwrap_or(1.0),
                },
                Some(v) => InclCut::single(v.as_f64().unwrap_or(1.0)),
                None => InclCut::single(1.0),
            };
            tp.n_cut = p.get("n_cut").and_then(Value::as_u64).unwrap_or(1) as usize;
            tp.pri_cut = p.get("pri_cut").and_then(Value::as_f64).unwrap_or(0.0);
            let mp = MinParams {
                include_remainders: p
                    .get("include_remainders")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                dir_exp: strs(&p["dir_exp"]),
                row_dom: p.get("row_dom").and_then(Value::as_bool).unwrap_or(false),
                search: if p.get("all_sol").and_then(Value::as_bool).unwrap_or(false) {
                    ModelSearch::AllIrredundant
                } else {
                    ModelSearch::AllMinimal
                },
                ..MinParams::default()
            };
            let reps = 200;
            let t = Instant::now();
            for _ in 0..reps {
                let tt = TruthTable::build(&data, &tp)?;
                if r.get("models").is_some() {
                    minimize(&tt, &mp)?;
                }
            }
            let secs = t.elapsed().as_secs_f64() / f64::from(reps);
            println!(
                "{{\"case\":\"{}\",\"analysis\":\"{}\",\"ours_seconds\":{secs:.7},\"r_seconds\":{}}}",
                dir.file_name().unwrap_or_default().to_string_lossy(),
                a["id"].as_str().unwrap_or("?"),
                a["r_seconds"]
            );
        }
    }
    Ok(())
}
