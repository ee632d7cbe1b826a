//! The options researchers use from R's QCA (issue #14, item 4), each run through `ambit qca`
//! on small data whose figures are computed by hand in the comments, and a check that every one
//! of them is in `--help` and exercised here.

mod common;

use common::{run, temp_file, text};

fn ambit(args: &[&str]) -> (bool, String, String) {
    let out = run(args);
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// Fuzzy data: a and b in row 3 (A*~B), c in row 2 (~A*B), d in row 1 (~A*~B).
/// y = .8 .4 .9 .1. Row 3: m = .8 .8 .1 .1, sum 1.8, sum min(m, y) = .8+.4+.1+.1 = 1.4, incl
/// 0.778. Row 2: m = .1 .1 .8 .2, sum 1.2, sum min = .1+.1+.8+.1 = 1.1, incl 0.917. Row 1:
/// m = .1 .2 .1 .8, sum 1.2, sum min = .1+.2+.1+.1 = 0.5, incl 0.417.
const FUZZY: &str = "case,A,B,Y\na,0.9,0.2,0.8\nb,0.8,0.1,0.4\nc,0.2,0.9,0.9\nd,0.1,0.2,0.1\n";

/// A*B positive, ~A*~B negative; rows 2 (~A*B) and 3 (A*~B) are remainders.
const TWO: &str = "case,A,B,Y\np,1,1,1\nq,0,0,0\n";

/// Every item-4 option: the subcommand, its flag and R's name.
const OPTIONS: &[(&str, &str, &str)] = &[
    ("minimize", "--exclude", "exclude"),
    ("tt", "--dcc", "dcc"),
    ("minimize", "--pi-cons", "pi.cons"),
    ("minimize", "--sol-cons", "sol.cons"),
    ("minimize", "--sol-cov", "sol.cov"),
    ("minimize", "--min-pin", "min.pin"),
    ("tt", "--sort-by", "sort.by"),
    ("tt", "--inf-test", "inf.test"),
    ("necessity", "--pri-cut", "pri.cut"),
    ("necessity", "--relation", "relation"),
    ("calibrate", "--direction", "reversed crisp calibration"),
    ("calibrate", "--find-th", "findTh"),
    ("calibrate", "--method", "indirect calibration"),
];

/// Row numbers of the text truth table, in printed order.
fn printed_rows(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|first| first.parse::<u64>().is_ok())
        .map(str::to_string)
        .collect()
}

#[test]
fn tt_sort_by_orders_rows_and_dcc_shows_the_deviant_cases() {
    let f = temp_file("fuzzy.csv", FUZZY);
    let f = f.to_str().unwrap();
    let tt = |extra: &[&str]| {
        let mut args = vec!["qca", "tt", f, "--outcome", "Y", "--incl-cut", "0.7"];
        args.extend_from_slice(extra);
        let (ok, out, err) = ambit(&args);
        assert!(ok, "{err}");
        out
    };
    // incl: row 2 0.917, row 3 0.778, row 1 0.417; largest first by default, `+` smallest first.
    assert_eq!(printed_rows(&tt(&["--sort-by", "incl"])), ["2", "3", "1"]);
    assert_eq!(printed_rows(&tt(&["--sort-by", "incl+"])), ["1", "3", "2"]);
    // n: row 3 has 2 cases, rows 1 and 2 one each (ties in row order), then OUT (row 2 is 1).
    assert_eq!(printed_rows(&tt(&["--sort-by", "n,OUT"])), ["3", "2", "1"]);
    let (ok, _, err) = ambit(&["qca", "tt", f, "--outcome", "Y", "--sort-by", "cases"]);
    assert!(!ok && err.contains("sort.by `cases`"), "{err}");
    // dcc: row 3 holds a (y 0.8) and b (y 0.4 < 0.5): b is deviant in kind; row 1 holds d.
    let out = tt(&["--dcc"]);
    let line = |n: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(n))
            .unwrap_or_else(|| panic!("row {n}: {out}"))
            .to_string()
    };
    assert!(line("3").trim_end().ends_with(" b"), "{out}");
    assert!(line("1").trim_end().ends_with(" d"), "{out}");
    assert!(!line("2").contains('c'), "{out}");
}

#[test]
fn tt_inf_test_decides_rows_by_a_binomial_test() {
    // Row 1 (A = 0): 10 cases, all in Y: P(X >= 10 | 10, 0.7) = 0.7^10 = 0.0282 < 0.05 -> 1.
    // Row 2 (A = 1): 9 of 10 in Y: P(X >= 9) = 10 * 0.7^9 * 0.3 + 0.7^10 = 0.1493 -> 0.
    let mut csv = String::from("case,A,Y\n");
    for i in 0..10 {
        csv.push_str(&format!("a{i},0,1\n"));
    }
    for i in 0..10 {
        csv.push_str(&format!("b{i},1,{}\n", u8::from(i > 0)));
    }
    let f = temp_file("binom.csv", &csv);
    let (ok, out, err) = ambit(&[
        "qca",
        "tt",
        f.to_str().unwrap(),
        "--outcome",
        "Y",
        "--incl-cut",
        "0.7",
        "--inf-test",
        "0.05",
        "--format",
        "json",
    ]);
    assert!(ok, "{err}");
    let v = json(&out);
    let rows = v["observed_rows"].as_array().unwrap();
    assert_eq!(rows[0]["OUT"], "1");
    assert_eq!(rows[1]["OUT"], "0");
    let p = rows[1]["pval1"].as_f64().unwrap();
    assert!((p - (10.0 * 0.7f64.powi(9) * 0.3 + 0.7f64.powi(10))).abs() < 1e-12);
}

fn models(out: &str) -> serde_json::Value {
    json(out)["models"].clone()
}

#[test]
fn minimize_exclude_keeps_a_remainder_out() {
    let f = temp_file("two.csv", TWO);
    let f = f.to_str().unwrap();
    let min = |extra: &[&str]| {
        let mut args = vec!["qca", "minimize", f, "--outcome", "Y", "--include", "?"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--format", "json"]);
        let (ok, out, err) = ambit(&args);
        assert!(ok, "{err}");
        models(&out)
    };
    // Free remainders: A (through row 3, A*~B) or B (through row 2, ~A*B) explain row 4.
    assert_eq!(min(&[]), serde_json::json!([["A"], ["B"]]));
    // Row 3 excluded: A would cover it, B is left; both excluded: A*B.
    assert_eq!(min(&["--exclude", "3"]), serde_json::json!([["B"]]));
    assert_eq!(min(&["--exclude", "2,3"]), serde_json::json!([["A*B"]]));
}

#[test]
fn minimize_pi_cons_sol_cons_and_sol_cov() {
    let f = temp_file("fuzzy.csv", FUZZY);
    let f = f.to_str().unwrap();
    let min = |extra: &[&str]| {
        let mut args = vec![
            "qca",
            "minimize",
            f,
            "--outcome",
            "Y",
            "--incl-cut",
            "0.7",
            "--include",
            "?",
        ];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--format", "json"]);
        ambit(&args)
    };
    // Rows 2 and 3 positive, row 4 free: A + B. inclS(A) = (.8+.4+.2+.1) / 2.0 = 0.75,
    // inclS(B) = (.2+.1+.9+.1) / 1.4 = 0.929. Model: max = .9 .8 .9 .2 (sum 2.8), sum min with
    // y = .8+.4+.9+.1 = 2.2: inclS = 0.7857, covS = 2.2 / 2.2 = 1.
    let (ok, out, _) = min(&["--pi-cons", "0.75"]);
    assert!(ok);
    assert_eq!(models(&out), serde_json::json!([["A", "B"]]));
    // pi.cons 0.8 drops A, the only implicant for row 3: no model.
    let (ok, _, err) = min(&["--pi-cons", "0.8"]);
    assert!(!ok && err.contains("no cover"), "{err}");
    let (ok, _, _) = min(&["--sol-cons", "0.785"]);
    assert!(ok);
    let (ok, _, err) = min(&["--sol-cons", "0.79"]);
    assert!(!ok && err.contains("sol.cons = 0.79"), "{err}");
    let (ok, _, _) = min(&["--sol-cov", "1"]);
    assert!(ok);
    let (ok, _, err) = min(&["--sol-cov", "1.2"]);
    assert!(!ok && err.contains("1.2"), "{err}");
}

#[test]
fn minimize_min_pin_keeps_the_implicants_that_lower_the_count() {
    // Negative rows all have B = 1, and none has A = 1 with D = 1: ~B and A*D are the prime
    // implicants, each covering both positive rows. ~B (1 literal) already needs 1 implicant;
    // A*D (2 literals) does not lower that, so min.pin stops before it.
    let csv = "case,A,B,C,D,Y\np1,1,0,0,1,1\np2,1,0,1,1,1\nn1,0,1,0,1,0\nn2,1,1,0,0,0\n\
               n3,0,1,1,1,0\nn4,0,1,1,0,0\nn5,1,1,1,0,0\n";
    let f = temp_file("minpin.csv", csv);
    let f = f.to_str().unwrap();
    let base = ["qca", "minimize", f, "--outcome", "Y", "--include", "?"];
    let (ok, out, _) = ambit(&[&base[..], &["--format", "json"]].concat());
    assert!(ok);
    assert_eq!(models(&out), serde_json::json!([["~B"], ["A*D"]]));
    let (ok, out, err) = ambit(&[&base[..], &["--min-pin", "--format", "json"]].concat());
    assert!(ok, "{err}");
    assert_eq!(models(&out), serde_json::json!([["~B"]]));
    assert!(err.contains("min.pin"), "{err}");
}

#[test]
fn superset_search_with_pri_cut_for_sufficiency() {
    let f = temp_file("fuzzy.csv", FUZZY);
    let f = f.to_str().unwrap();
    let search = |extra: &[&str]| {
        let mut args = vec!["qca", "necessity", f, "--outcome", "Y", "--incl-cut", "0.7"];
        args.extend_from_slice(extra);
        ambit(&args)
    };
    // Sufficiency: A (inclS 0.75, PRI (1.5 - 0.8) / (2.0 - 0.8) = 0.583) and B (13/14 = 0.929,
    // PRI 0.8 / 0.9 = 0.889) pass 0.7; pri.cut 0.6 keeps B only.
    let (ok, out, err) = search(&["--relation", "sufficiency", "--format", "json"]);
    assert!(ok, "{err}");
    let v = json(&out);
    assert_eq!(v["relation"], "sufficiency");
    let e = v["expressions"].as_array().unwrap();
    assert_eq!(e.len(), 2);
    assert!((e[0]["PRI"].as_f64().unwrap() - 0.7 / 1.2).abs() < 1e-12);
    let (ok, out, _) = search(&["--relation", "sufficiency", "--pri-cut", "0.6"]);
    assert!(ok);
    assert!(out.contains("inclS") && out.contains("0.889"), "{out}");
    assert!(!out.lines().any(|l| l.contains(" A ")), "{out}");
    // Necessity: PRI has no meaning there; refused, pointing to --ron-cut (R ignores it).
    let (ok, _, err) = search(&["--pri-cut", "0.6"]);
    assert!(!ok && err.contains("ron.cut"), "{err}");
}

#[test]
fn calibrate_reversed_crisp_find_th_and_indirect() {
    // R's findTh() example GDPs: one threshold splits {460..2400} from {15000..20000} at
    // (2400 + 15000) / 2 = 8700; two split off {20000} at (16000 + 20000) / 2 = 18000.
    let csv = "case,GDP\nc1,460\nc2,500\nc3,900\nc4,2000\nc5,2100\nc6,2400\nc7,15000\nc8,16000\nc9,20000\n";
    let f = temp_file("gdp.csv", csv);
    let f = f.to_str().unwrap();
    let cal = |extra: &[&str]| {
        let mut args = vec!["qca", "calibrate", f, "--column", "GDP"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--format", "json"]);
        let (ok, out, err) = ambit(&args);
        assert!(ok, "{err}");
        (json(&out), err)
    };
    let values = |v: &serde_json::Value| -> Vec<f64> {
        v["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["GDP"].as_f64().unwrap())
            .collect()
    };
    let (v, err) = cal(&["--method", "crisp", "--find-th", "2"]);
    assert!(err.contains("8700, 18000"), "{err}");
    assert_eq!(values(&v), [0., 0., 0., 0., 0., 0., 1., 1., 2.]);
    // Reversed: the highest group below the first threshold, 0 at or above the last.
    let (v, _) = cal(&[
        "--method",
        "crisp",
        "--thresholds",
        "8700",
        "--direction",
        "decreasing",
    ]);
    assert_eq!(values(&v), [1., 1., 1., 1., 1., 1., 0., 0., 0.]);
    // Indirect with the two thresholds found: groups 0 (six cases), 0.5 (15000, 16000) and 1
    // (20000); the fitted memberships increase with GDP, below 0.5 for the poorest and above
    // it for the richest (the exact fit is checked in crate ambit-qca's tests).
    let (v, _) = cal(&["--method", "indirect", "--find-th", "2"]);
    let m = values(&v);
    assert!(m.windows(2).all(|w| w[0] <= w[1]), "{m:?}");
    assert!(m[0] < 0.5 && m[8] > 0.5, "{m:?}");
    // Direction is for crisp groups; the others take decreasing thresholds.
    let (ok, _, err) = ambit(&[
        "qca",
        "calibrate",
        f,
        "--column",
        "GDP",
        "--thresholds",
        "e=100,c=1000,i=10000",
        "--direction",
        "decreasing",
    ]);
    assert!(!ok && err.contains("decreasing order"), "{err}");
}

#[test]
fn every_item_four_option_is_in_help_and_exercised_here() {
    let source = include_str!("qca_options.rs");
    for (command, flag, r_name) in OPTIONS {
        let (ok, help, _) = ambit(&["qca", command, "--help"]);
        assert!(ok);
        assert!(
            help.contains(flag),
            "`ambit qca {command} --help` lacks {flag} ({r_name})"
        );
        // Once in OPTIONS, at least once in a run above.
        let quoted = format!("\"{flag}\"");
        assert!(
            source.matches(&quoted).count() >= 2,
            "{flag} ({r_name}) is not exercised by a test"
        );
    }
}
