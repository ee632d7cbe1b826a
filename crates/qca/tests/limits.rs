//! Limits and bad input: cutoffs outside [0, 1], condition values a truth table refuses, and
//! necessity searches too large to finish, each refused (or bounded) up front with the file,
//! line, field and value named.

use ambit_qca::{
    pof, super_subset_report, DataMatrix, Expression, InclCut, QcaError, Relation,
    SuperSubsetParams, TruthTable, TtParams,
};

fn data(csv: &str) -> DataMatrix {
    DataMatrix::from_csv_reader("input.csv", csv.as_bytes()).expect("valid csv")
}

const SMALL: &str = "case,A,B,Y\na,1,0,1\nb,0,1,0\nc,1,1,1\n";

#[test]
fn inclusion_and_pri_cutoffs_outside_the_unit_interval_are_refused() {
    let d = data(SMALL);
    for (one, zero, pri, field, value) in [
        (1.5, 1.5, 0.0, "incl.cut", 1.5),
        (-0.2, -0.2, 0.0, "incl.cut", -0.2),
        (0.9, -0.1, 0.0, "incl.cut (second, for C)", -0.1),
        (0.9, 0.9, 2.0, "pri.cut", 2.0),
    ] {
        let mut p = TtParams::new("Y");
        p.incl_cut = InclCut { one, zero };
        p.pri_cut = pri;
        match TruthTable::build(&d, &p) {
            Err(QcaError::CutoffOutOfRange { field: f, value: v }) => {
                assert_eq!((f.as_str(), v), (field, value));
            }
            other => {
                panic!("incl.cut {one}/{zero}, pri.cut {pri}: expected a refusal, got {other:?}")
            }
        }
    }
    let mut p = TtParams::new("Y");
    p.incl_cut = InclCut::single(f64::NAN);
    assert!(TruthTable::build(&d, &p).is_err());
    // The bounds themselves are allowed.
    p.incl_cut = InclCut::single(0.0);
    assert!(TruthTable::build(&d, &p).is_ok());
}

#[test]
fn fit_refuses_the_condition_values_a_truth_table_refuses() {
    // Line numbers count the header as line 1.
    for (cell, line, value) in [("1.4", 3, 1.4), ("-0.2", 3, -0.2)] {
        let csv = format!("case,A,B,Y\na,0.2,0,1\nb,{cell},1,0\nc,1,1,1\n");
        let d = data(&csv);
        let tt = TruthTable::build(&d, &TtParams::new("Y"));
        let fit = pof(
            &d,
            &Expression::parse("A*B").unwrap(),
            "Y",
            Relation::Sufficiency,
        );
        for result in [tt.err(), fit.err()] {
            match result {
                Some(QcaError::InvalidMembership {
                    file,
                    line: l,
                    column,
                    value: v,
                    ..
                }) => assert_eq!(
                    (file.as_str(), l, column.as_str(), v),
                    ("input.csv", line, "A", value)
                ),
                other => panic!("value {cell}: expected a refusal, got {other:?}"),
            }
        }
    }
    // 2 in a column of fuzzy scores is refused by both (a category only in an integer column).
    let d = data("case,A,B,Y\na,0.2,0,1\nb,2,1,0\nc,1,1,1\n");
    let e = pof(
        &d,
        &Expression::parse("A").unwrap(),
        "Y",
        Relation::Necessity,
    )
    .unwrap_err();
    assert!(e.to_string().contains("line 3, column `A`: value 2"), "{e}");
}

/// A crisp matrix of `k` conditions and `n` cases, values from a fixed linear congruential
/// sequence (no outcome is necessary at inclusion 1, so R's stopping rule never ends the search).
fn wide(k: usize, n: usize) -> DataMatrix {
    let mut csv = String::from("case");
    for j in 0..k {
        csv.push_str(&format!(",C{j}"));
    }
    csv.push_str(",Y\n");
    let mut s: u64 = 12345;
    for i in 0..n {
        csv.push_str(&format!("c{i}"));
        for _ in 0..=k {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            csv.push_str(&format!(",{}", s >> 63));
        }
        csv.push('\n');
    }
    data(&csv)
}

#[test]
fn necessity_on_seventy_conditions_without_depth_is_bounded_and_says_so() {
    let d = wide(70, 40);
    let mut p = SuperSubsetParams {
        outcome: "Y".into(),
        conditions: Vec::new(),
        relation: Relation::Necessity,
        incl_cut: 1.0,
        cov_cut: 0.0,
        ron_cut: 0.0,
        pri_cut: 0.0,
        depth: None,
    };
    let report = super_subset_report(&d, &p).unwrap();
    // 70 binary conditions, 40 cases: depth 2 is 140 + 9660 expressions (3.9e5 evaluations),
    // depth 3 adds 437,920 (1.8e7 in all), depth 4 adds 14,887,280 (6.1e8 > 2e8).
    assert_eq!(report.depth, 3);
    assert_eq!(
        ambit_qca::fit::super_subset_work(&[2; 70], 40, 3),
        (140.0 + 9660.0 + 437_920.0) * 40.0
    );
    assert!(
        report.warnings[0].contains("at most 3 conditions"),
        "{:?}",
        report.warnings
    );
    // An explicit depth of 70 is refused before any work, with the estimate.
    p.depth = Some(70);
    match super_subset_report(&d, &p) {
        Err(e @ QcaError::TooMuchWork { .. }) => assert!(e.to_string().contains("70 of 70")),
        other => panic!("expected a refusal, got {other:?}"),
    }
    p.depth = Some(2);
    p.incl_cut = 1.5;
    assert!(matches!(
        super_subset_report(&d, &p),
        Err(QcaError::CutoffOutOfRange { .. })
    ));
}
