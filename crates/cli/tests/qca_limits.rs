//! `ambit qca` refuses bad cutoffs and bad condition values with file, line, field and value,
//! bounds necessity searches on many conditions, and a minimisation stopped by its time limit
//! still prints its best model with a proven lower bound.

mod common;

use std::path::PathBuf;

use common::{repo, run, temp_file, text};

fn fixture(name: &str) -> PathBuf {
    repo().join("crates/qca/tests/fixtures/data").join(name)
}

fn ambit(args: &[&str]) -> (bool, String, String) {
    let out = run(args);
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn cutoffs_outside_the_unit_interval_are_refused() {
    let f = fixture("lipset_cs.csv");
    let f = f.to_str().unwrap();
    for (flag, value, field) in [
        ("--incl-cut", "1.5", "incl.cut = 1.5"),
        ("--incl-cut=-0.2", "", "incl.cut = -0.2"),
        ("--pri-cut", "2", "pri.cut = 2"),
    ] {
        let mut args = vec!["qca", "tt", f, "--outcome", "SURV", flag];
        if !value.is_empty() {
            args.push(value);
        }
        let (ok, out, err) = ambit(&args);
        assert!(!ok && out.is_empty(), "{flag} {value}: {out}");
        assert!(
            err.contains(field) && err.contains("outside [0, 1]"),
            "{err}"
        );
    }
    let (ok, _, err) = ambit(&[
        "qca",
        "necessity",
        f,
        "--outcome",
        "SURV",
        "--incl-cut",
        "1.5",
    ]);
    assert!(!ok && err.contains("incl.cut = 1.5"), "{err}");
}

#[test]
fn fit_refuses_values_tt_refuses() {
    for (cell, value) in [("1.4", "1.4"), ("-0.2", "-0.2")] {
        let path = temp_file(
            &format!("fit{value}.csv"),
            &format!("case,A,Y\na,0.3,1\nb,{cell},0\n"),
        );
        let p = path.to_str().unwrap();
        let (ok, _, err) = ambit(&["qca", "fit", p, "--outcome", "Y", "--expression", "A"]);
        assert!(!ok, "{cell} accepted");
        assert!(
            err.contains(&format!(
                "fit{value}.csv, line 3, column `A`: value {value}"
            )),
            "{err}"
        );
    }
}

#[test]
fn necessity_on_seventy_conditions_answers_with_a_stated_depth() {
    let mut csv = String::from("case");
    for j in 0..70 {
        csv.push_str(&format!(",C{j}"));
    }
    csv.push_str(",Y\n");
    for i in 0..30u64 {
        csv.push_str(&format!("c{i}"));
        for j in 0..70u64 {
            csv.push_str(&format!(",{}", (i * 7 + j * 13 + i * j) % 3 % 2));
        }
        csv.push_str(&format!(",{}\n", i % 2));
    }
    let path = temp_file("wide.csv", &csv);
    let (ok, _, err) = ambit(&["qca", "necessity", path.to_str().unwrap(), "--outcome", "Y"]);
    assert!(ok, "{err}");
    assert!(
        err.contains("expressions of at most 3 conditions were searched"),
        "{err}"
    );
    let (ok, _, err) = ambit(&[
        "qca",
        "necessity",
        path.to_str().unwrap(),
        "--outcome",
        "Y",
        "--depth",
        "70",
    ]);
    assert!(!ok && err.contains("more than the limit"), "{err}");
}

#[test]
fn a_stopped_minimisation_prints_its_best_model_and_a_lower_bound() {
    let f = fixture("synth_cs_c14_noise.csv");
    let (ok, out, err) = ambit(&[
        "qca",
        "minimize",
        f.to_str().unwrap(),
        "--outcome",
        "Y",
        "--include",
        "?",
        "--time-limit",
        "1",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("M1: "), "{out}");
    // The noisy set's minimum is not proven in a second: the bound is stated.
    assert!(
        err.contains("terms found, no model with fewer than") && err.contains("time limit reached"),
        "{err}"
    );
}

#[test]
fn a_finished_minimisation_says_its_models_are_proven_and_complete() {
    let f = fixture("lipset_cs.csv");
    let (ok, _, err) = ambit(&[
        "qca",
        "minimize",
        f.to_str().unwrap(),
        "--outcome",
        "SURV",
        "--include",
        "?",
    ]);
    assert!(ok, "{err}");
    assert!(
        err.contains("proven minimal, every model of that size listed"),
        "{err}"
    );
}

#[test]
fn robust_reports_stable_ranges_and_writes_its_chart() {
    // The hand-worked table of crates/qca/tests/robust.rs.
    let path = temp_file(
        "robust.csv",
        "case,A,B,Y\na1,1,1,1\na2,1,1,1\na3,1,1,1\nb1,1,0,1\nb2,1,0,0\nc1,0,1,1\nd1,0,0,0\nd2,0,0,0\n",
    );
    let chart = path.with_file_name("robust.svg");
    let (ok, out, err) = ambit(&[
        "qca",
        "robust",
        path.to_str().unwrap(),
        "--outcome",
        "Y",
        "--remainders",
        "--incl-range",
        "0.4,0.5,0.8,1",
        "--n-cut-range",
        "1,2,3",
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("Base solution: B -> Y"), "{out}");
    // Table rows: parameter, from, to, base, settings giving the base solution.
    let cells = |first: &str| -> Vec<String> {
        out.lines()
            .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .find(|c| c.first().map(String::as_str) == Some(first))
            .unwrap_or_else(|| panic!("no row {first}: {out}"))
    };
    assert_eq!(cells("incl.cut")[..4], ["incl.cut", "0.8", "1", "1"]);
    assert_eq!(cells("b1"), ["b1", "enters", "4"]);
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("75%"), "{svg}");
}
