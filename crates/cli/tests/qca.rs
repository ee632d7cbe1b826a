//! End-to-end tests of `ambit qca` on the published Lipset data (fixtures of crate ambit-qca).

mod common;

use std::path::PathBuf;

use common::{repo, run, text};

/// A data file of crate ambit-qca's fixtures.
fn data(name: &str) -> PathBuf {
    repo().join("crates/qca/tests/fixtures/data").join(name)
}

/// Runs `ambit`: whether it succeeded, its stdout and its stderr.
fn ambit(args: &[&str]) -> (bool, String, String) {
    let out = run(args);
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn truth_table_and_parsimonious_solution_of_lipset_fuzzy() {
    let f = data("lipset_fs.csv");
    let f = f.to_str().unwrap();
    let (ok, out, _) = ambit(&["qca", "tt", f, "--outcome", "SURV", "--incl-cut", "0.8"]);
    assert!(ok);
    // Row 32 (all conditions present): 4 cases, incl 0.904, PRI 0.886 (R QCA 3.25.1).
    assert!(
        out.lines().any(|l| l.trim_start().starts_with("32 ")
            && l.contains("0.904")
            && l.contains("0.886")
            && l.contains("BE,CZ,NL,UK")),
        "{out}"
    );
    let (ok, out, _) = ambit(&[
        "qca",
        "minimize",
        f,
        "--outcome",
        "SURV",
        "--incl-cut",
        "0.8",
        "--include",
        "?",
        "--format",
        "json",
    ]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["models"], serde_json::json!([["DEV*~IND", "URB*STB"]]));
    assert!(
        (v["fit"]["models"][0]["model_fit"]["covS"].as_f64().unwrap() - 0.713615023474178).abs()
            < 1e-9
    );
}

#[test]
fn fit_of_a_user_expression() {
    let f = data("seed_imc.csv");
    let (ok, out, _) = ambit(&[
        "qca",
        "fit",
        f.to_str().unwrap(),
        "--outcome",
        "SUCCESS",
        "--expression",
        "TIES + LEAD",
        "--format",
        "json",
    ]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"][1]["expression"], "LEAD");
    assert_eq!(v["rows"][1]["covS"], 0.5);
    assert_eq!(v["rows"][1]["covU"], 0.0);
}

#[test]
fn bad_csv_is_refused_with_file_line_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.csv");
    std::fs::write(&p, "case,A,Y\nx,1,1\ny,1.7,0\n").unwrap();
    let (ok, _, err) = ambit(&["qca", "tt", p.to_str().unwrap(), "--outcome", "Y"]);
    assert!(!ok);
    assert!(
        err.contains("bad.csv, line 3, column `A`: value 1.7"),
        "{err}"
    );
}

#[test]
fn calibrate_writes_the_published_fuzzy_value() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lf.csv");
    let f = data("lipset_raw.csv");
    let (ok, _, err) = ambit(&[
        "qca",
        "calibrate",
        f.to_str().unwrap(),
        "--column",
        "DEV",
        "--thresholds",
        "e=400,c=550,i=900",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    // AU: GNP 720 -> 0.81 in Ragin's published LF data (log-odds +-3).
    let au = text.lines().find(|l| l.starts_with("AU,")).unwrap();
    let dev: f64 = au.split(',').nth(1).unwrap().parse().unwrap();
    assert!((dev - 0.81109529322318).abs() < 1e-12);
}
