//! The options researchers use from R's QCA and SetMethods, each checked against values computed
//! by hand: exclude, deviant cases consistency (dcc), pi.cons, sol.cons, sol.cov, sort.by, the
//! binomial inclusion test (inf.test), reversed crisp calibration, findTh, indirect calibration,
//! min.pin and pri.cut for sufficiency searched by superSubset.

use ambit_qca::calibrate::{crisp_directed, find_thresholds, indirect, Direction};
use ambit_qca::truth_table::binomial_upper_tail;
use ambit_qca::{
    minimize, super_subset, DataMatrix, InclCut, MinParams, Out, QcaError, Relation, SortKey,
    SortOrder, SuperSubsetParams, TruthTable, TtParams,
};

fn data(csv: &str) -> DataMatrix {
    DataMatrix::from_csv_reader("hand.csv", csv.as_bytes()).expect("valid csv")
}

/// A*B positive, ~A*~B negative, A*~B and ~A*B remainders (rows 4, 1, 3, 2 with A first).
const TWO: &str = "case,A,B,Y\np,1,1,1\nq,0,0,0\n";

#[test]
fn exclude_keeps_a_remainder_out_of_the_simplifying_assumptions() {
    let tt = TruthTable::build(&data(TWO), &TtParams::new("Y")).unwrap();
    let mut p = MinParams {
        include_remainders: true,
        ..MinParams::default()
    };
    // Both remainders free: A (uses row 3, A*~B) and B (uses row 2, ~A*B) each explain row 4.
    let both = minimize(&tt, &p).unwrap();
    assert_eq!(
        both.models,
        vec![vec!["A".to_string()], vec!["B".to_string()]]
    );
    // Row 3 (A = 1, B = 0) excluded: A would cover it, so only B is left.
    p.exclude = vec![3];
    assert_eq!(
        minimize(&tt, &p).unwrap().models,
        vec![vec!["B".to_string()]]
    );
    // Both excluded: nothing can be dropped from A*B.
    p.exclude = vec![2, 3];
    assert_eq!(
        minimize(&tt, &p).unwrap().models,
        vec![vec!["A*B".to_string()]]
    );
    // A positive row or a row outside the table is refused, by number.
    p.exclude = vec![4];
    assert!(minimize(&tt, &p)
        .unwrap_err()
        .to_string()
        .contains("row 4 is a positive row"));
    p.exclude = vec![5];
    assert!(minimize(&tt, &p)
        .unwrap_err()
        .to_string()
        .contains("row 5 is not a row"));
}

/// Fuzzy data for the fit filters: memberships chosen so inclusions are simple fractions.
const FUZZY: &str = "case,A,B,Y\n\
a,0.9,0.2,0.8\n\
b,0.8,0.1,0.4\n\
c,0.2,0.9,0.9\n\
d,0.1,0.2,0.1\n";

#[test]
fn pi_cons_sol_cons_and_sol_cov_filter_by_inclusion_and_coverage() {
    // Rows: a and b in A*~B (row 3), c in ~A*B (row 2), d in ~A*~B (row 1).
    let mut tp = TtParams::new("Y");
    tp.incl_cut = InclCut::single(0.7);
    let tt = TruthTable::build(&data(FUZZY), &tp).unwrap();
    let one: Vec<u64> = tt.rows_with(Out::One).map(|r| r.row).collect();
    // Row 3: m = min(A, 1-B) = 0.8, 0.8, 0.1, 0.1; sum m = 1.8; sum min(m, y) = 0.8+0.4+0.1+0.1
    // = 1.4; incl = 0.778 >= 0.7. Row 2: m = 0.1, 0.1, 0.8, 0.2 -> 1.2; min(m,y) = 0.1+0.1+0.8+0.1
    // = 1.1; incl = 0.917. Row 1: m = 0.1, 0.2, 0.1, 0.8 -> 1.2; min = 0.1+0.2+0.1+0.1 = 0.5.
    assert_eq!(one, vec![2, 3]);
    let base = MinParams {
        include_remainders: true,
        ..MinParams::default()
    };
    let sol = minimize(&tt, &base).unwrap();
    // Remainder row 4 (A*B) is free: A covers row 3, B covers row 2 -> A + B.
    assert_eq!(sol.models, vec![vec!["A".to_string(), "B".to_string()]]);
    // inclS(A) = sum min(A, Y) / sum A = (0.8+0.4+0.2+0.1) / 2.0 = 0.75;
    // inclS(B) = (0.2+0.1+0.9+0.1) / 1.4 = 0.929; model A + B: max = 0.9, 0.8, 0.9, 0.2,
    // sum = 2.8, sum min(., Y) = 0.8+0.4+0.9+0.1 = 2.2, inclS = 0.786; covS = 2.2 / 2.2 = 1.
    let f = &sol.fit.models[0].model_fit;
    assert!((f.incl_s - 2.2 / 2.8).abs() < 1e-12 && (f.cov_s - 1.0).abs() < 1e-12);
    // pi.cons 0.8 drops A (0.75), the only prime implicant covering row 3 (~B would cover the
    // negative row 1), so the chart has no cover.
    let p = MinParams {
        pi_cons: 0.8,
        ..base.clone()
    };
    assert!(matches!(minimize(&tt, &p), Err(QcaError::NothingToDo(_))));
    // pi.cons 0.75 keeps both (0.75 is reached exactly).
    let p = MinParams {
        pi_cons: 0.75,
        ..base.clone()
    };
    assert_eq!(minimize(&tt, &p).unwrap().models, sol.models);
    // sol.cons 0.786 keeps the model (2.2 / 2.8 = 0.7857...), 0.79 refuses it.
    let p = MinParams {
        sol_cons: 0.785,
        ..base.clone()
    };
    assert!(minimize(&tt, &p).is_ok());
    let p = MinParams {
        sol_cons: 0.79,
        ..base.clone()
    };
    assert!(minimize(&tt, &p)
        .unwrap_err()
        .to_string()
        .contains("sol.cons = 0.79"));
    // sol.cov 1 is reached (coverage 1); a cutoff above 1 is refused as out of range.
    let p = MinParams {
        sol_cov: 1.0,
        ..base.clone()
    };
    assert!(minimize(&tt, &p).is_ok());
    let p = MinParams {
        sol_cov: 1.2,
        ..base
    };
    assert!(matches!(
        minimize(&tt, &p),
        Err(QcaError::CutoffOutOfRange { .. })
    ));
}

#[test]
fn deviant_cases_consistency_lists_the_row_cases_outside_the_outcome() {
    let mut tp = TtParams::new("Y");
    tp.incl_cut = InclCut::single(0.7);
    let tt = TruthTable::build(&data(FUZZY), &tp).unwrap();
    let row = |n: u64| tt.observed_rows.iter().find(|r| r.row == n).unwrap();
    // Row 3 holds a (Y 0.8) and b (Y 0.4): b is deviant in kind. Row 1 holds d (Y 0.1).
    assert_eq!(row(3).cases, vec!["a", "b"]);
    assert_eq!(row(3).dcc, vec!["b"]);
    assert_eq!(row(2).dcc, Vec::<String>::new());
    assert_eq!(row(1).dcc, vec!["d"]);
}

#[test]
fn sort_by_orders_rows_by_keys_in_turn() {
    let mut tp = TtParams::new("Y");
    tp.incl_cut = InclCut::single(0.7);
    let tt = TruthTable::build(&data(FUZZY), &tp).unwrap();
    let order = |keys: &[(SortKey, SortOrder)]| -> Vec<u64> {
        tt.sorted_rows(keys).iter().map(|r| r.row).collect()
    };
    // incl: row 2 0.917, row 3 0.778, row 1 0.417.
    assert_eq!(
        order(&[(SortKey::Incl, SortOrder::Decreasing)]),
        vec![2, 3, 1]
    );
    assert_eq!(
        order(&[(SortKey::Incl, SortOrder::Increasing)]),
        vec![1, 3, 2]
    );
    // n: row 3 has 2 cases, rows 1 and 2 one each (ties keep row order), then by OUT.
    assert_eq!(order(&[(SortKey::N, SortOrder::Decreasing)]), vec![3, 1, 2]);
    assert_eq!(
        order(&[
            (SortKey::N, SortOrder::Decreasing),
            (SortKey::Out, SortOrder::Decreasing)
        ]),
        vec![3, 2, 1]
    );
}

#[test]
fn binomial_test_decides_rows_by_significance() {
    // P(X >= 9 | n = 10, p = 0.7) = 10 * 0.7^9 * 0.3 + 0.7^10 = 0.121060821 + 0.028247525.
    let p = binomial_upper_tail(10, 9, 0.7);
    assert!((p - 0.149_308_346).abs() < 1e-9, "{p}");
    assert!((binomial_upper_tail(10, 10, 0.7) - 0.7f64.powi(10)).abs() < 1e-15);
    assert_eq!(binomial_upper_tail(10, 0, 0.7), 1.0);
    // Row 1 (A = 0): 10 cases, all in Y: p = 0.0282 < 0.05 -> 1.
    // Row 2 (A = 1): 10 cases, 9 in Y: p = 0.149 -> 0 (inclusion 0.9 is above 0.7, not significantly).
    let mut csv = String::from("case,A,Y\n");
    for i in 0..10 {
        csv.push_str(&format!("a{i},0,1\n"));
    }
    for i in 0..10 {
        csv.push_str(&format!("b{i},1,{}\n", u8::from(i > 0)));
    }
    let mut tp = TtParams::new("Y");
    tp.incl_cut = InclCut::single(0.7);
    let plain = TruthTable::build(&data(&csv), &tp).unwrap();
    assert!(plain.observed_rows.iter().all(|r| r.out == Out::One));
    tp.inf_test = Some(0.05);
    let tested = TruthTable::build(&data(&csv), &tp).unwrap();
    let outs: Vec<Out> = tested.observed_rows.iter().map(|r| r.out).collect();
    assert_eq!(outs, vec![Out::One, Out::Zero]);
    assert!((tested.observed_rows[1].pval1.unwrap() - p).abs() < 1e-12);
    // A fuzzy outcome is refused, naming the case's line.
    let mut tp = TtParams::new("Y");
    tp.inf_test = Some(0.05);
    let e = TruthTable::build(&data("case,A,Y\nx,1,0.6\n"), &tp).unwrap_err();
    assert!(
        e.to_string().contains("line 2, column `Y`: value 0.6"),
        "{e}"
    );
}

#[test]
fn reversed_crisp_calibration_mirrors_the_groups() {
    let x = [100.0, 500.0, 900.0, 1500.0];
    assert_eq!(
        crisp_directed(&x, &[400.0], Direction::Increasing).unwrap(),
        vec![0.0, 1.0, 1.0, 1.0]
    );
    assert_eq!(
        crisp_directed(&x, &[400.0], Direction::Decreasing).unwrap(),
        vec![1.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(
        crisp_directed(&x, &[400.0, 1000.0], Direction::Decreasing).unwrap(),
        vec![2.0, 1.0, 1.0, 0.0]
    );
}

#[test]
fn find_thresholds_splits_at_the_gaps_complete_linkage_finds() {
    // R QCA's findTh() example: GDPs 460 ... 20000.
    let gdp = [
        460.0, 500.0, 900.0, 2000.0, 2100.0, 2400.0, 15000.0, 16000.0, 20000.0,
    ];
    // Two groups {460..2400} and {15000..20000}: (2400 + 15000) / 2.
    assert_eq!(find_thresholds(&gdp, 1).unwrap(), vec![8700.0]);
    // Complete linkage merges 460-500 (40), 2000-2100 (100), +2400 (span 400), +900 (span 440),
    // 15000-16000 (1000), then {460..900} with {2000..2400} (span 1940, less than the 5000 of
    // adding 20000): three groups {460..2400}, {15000, 16000}, {20000}.
    assert_eq!(find_thresholds(&gdp, 2).unwrap(), vec![8700.0, 18000.0]);
    assert!(find_thresholds(&gdp[..2], 2).is_err());
}

#[test]
fn indirect_calibration_fits_the_group_memberships() {
    // Two values, groups 0.25 / 0.75 (thresholds -2, 0, 0.5, 2 put -1 in group 1 and 1 in group
    // 3 of 4): the logit line through (-1, logit 0.25) and (1, logit 0.75) fits exactly.
    let m = indirect(&[-1.0, 1.0], &[-2.0, 0.0, 0.5, 2.0]).unwrap();
    assert!(
        (m[0] - 0.25).abs() < 1e-9 && (m[1] - 0.75).abs() < 1e-9,
        "{m:?}"
    );
    // Symmetric groups around 0 give symmetric memberships, increasing with x.
    let x = [-3.0, -1.0, 0.5, 1.0, 3.0, -0.5];
    let m = indirect(&x, &[-2.0, 0.0, 2.0]).unwrap();
    assert!((m[0] + m[4] - 1.0).abs() < 1e-9 && (m[1] + m[3] - 1.0).abs() < 1e-9);
    assert!((m[2] + m[5] - 1.0).abs() < 1e-9);
    assert!(m[0] < m[1] && m[1] < m[5] && m[2] < m[3] && m[3] < m[4]);
    assert!(indirect(&[1.0, 1.0], &[0.0]).is_err());
}

/// Positive rows A*~B*~C*D and A*~B*C*D; negative rows ~A*B*~C*D, A*B*~C*~D, ~A*B*C*D,
/// ~A*B*C*~D, A*B*C*~D; the 9 other rows are remainders.
const MIN_PIN: &str = "case,A,B,C,D,Y\n\
p1,1,0,0,1,1\n\
p2,1,0,1,1,1\n\
n1,0,1,0,1,0\n\
n2,1,1,0,0,0\n\
n3,0,1,1,1,0\n\
n4,0,1,1,0,0\n\
n5,1,1,1,0,0\n";

#[test]
fn min_pin_stops_at_the_complexity_that_no_longer_lowers_the_implicants_needed() {
    // Prime implicants (cubes with no negative row): every negative row has B = 1, so ~B is
    // one; no negative row has A = 1 and D = 1 (n2 and n5 have D = 0), so A*D is another. No
    // other single literal is free of negatives (A: n2, D: n1, C: n3, ~C: n1, ~A: n1, B: n1,
    // ~D: n2), and every other free two-literal cube contains ~B. Both cover both positive rows.
    let tt = TruthTable::build(&data(MIN_PIN), &TtParams::new("Y")).unwrap();
    let mut p = MinParams {
        include_remainders: true,
        ..MinParams::default()
    };
    let all = minimize(&tt, &p).unwrap();
    assert_eq!(
        all.models,
        vec![vec!["~B".to_string()], vec!["A*D".to_string()]]
    );
    // min.pin: with one literal, ~B alone is a model (1 implicant); the two-literal A*D does
    // not lower that number, so the search stops before it and only ~B is left.
    p.min_pin = true;
    let pinned = minimize(&tt, &p).unwrap();
    assert_eq!(pinned.models, vec![vec!["~B".to_string()]]);
    assert_eq!(pinned.pi_chart.len(), 1);
    assert!(pinned
        .warnings
        .iter()
        .any(|w| w.contains("at most 1 literals") && w.contains("those of 2")));
    // The whole chart needs 1 implicant too: the model is proven minimal, not complete.
    assert!(pinned.certificate.proven_minimal);
    assert!(!pinned.certificate.complete);
}

#[test]
fn pri_cut_filters_sufficient_expressions_and_is_refused_for_necessity() {
    let mut p = SuperSubsetParams {
        outcome: "Y".into(),
        conditions: Vec::new(),
        relation: Relation::Sufficiency,
        incl_cut: 0.7,
        cov_cut: 0.0,
        ron_cut: 0.0,
        pri_cut: 0.0,
        depth: None,
    };
    // FUZZY, y = .8 .4 .9 .1 (sum 2.2), 1 - y = .2 .6 .1 .9.
    // A = .9 .8 .2 .1: min(A, y) = .8 .4 .2 .1 = 1.5, sum A = 2.0, inclS = 0.75;
    //   min(A, y, 1 - y) = .2 .4 .1 .1 = 0.8, PRI = (1.5 - 0.8) / (2.0 - 0.8) = 0.7 / 1.2.
    // B = .2 .1 .9 .2: min(B, y) = .2 .1 .9 .1 = 1.3, sum B = 1.4, inclS = 13 / 14;
    //   min(B, y, 1 - y) = .2 .1 .1 .1 = 0.5, PRI = 0.8 / 0.9.
    // ~A (1.2 / 2.0 = 0.6), ~B (1.4 / 2.6) and ~A*~B (0.5 / 1.2) fail 0.7; the other pairs
    // contain A or B (not minimal).
    let rows = super_subset(&data(FUZZY), &p).unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.expression.as_str()).collect();
    assert_eq!(names, vec!["A", "B"]);
    assert!((rows[0].incl - 0.75).abs() < 1e-12);
    assert!((rows[0].ron_or_pri - 0.7 / 1.2).abs() < 1e-12);
    assert!((rows[0].cov - 1.5 / 2.2).abs() < 1e-12);
    assert!((rows[1].incl - 13.0 / 14.0).abs() < 1e-12);
    assert!((rows[1].ron_or_pri - 0.8 / 0.9).abs() < 1e-12);
    // pri.cut 0.6 keeps B (0.889) and drops A (0.583).
    p.pri_cut = 0.6;
    let rows = super_subset(&data(FUZZY), &p).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].expression, "B");
    // For necessity the PRI cutoff has no meaning: refused, pointing to ron.cut.
    p.relation = Relation::Necessity;
    let e = super_subset(&data(FUZZY), &p).unwrap_err().to_string();
    assert!(e.contains("ron.cut"), "{e}");
    // And ron.cut for sufficiency points to pri.cut.
    p.relation = Relation::Sufficiency;
    p.pri_cut = 0.0;
    p.ron_cut = 0.5;
    let e = super_subset(&data(FUZZY), &p).unwrap_err().to_string();
    assert!(e.contains("pri.cut"), "{e}");
}
