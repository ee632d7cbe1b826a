//! Property tests of the minimisation invariants on random crisp truth tables, checked against
//! brute force: every prime implicant is consistent and prime, every model covers exactly the
//! positive rows (plus remainders, never a negative row), and the reported models are exactly
//! the minimum covers of the chart.

use ambit_qca::{
    minimize, DataMatrix, Expression, Implicant, MinParams, ModelSearch, Out, TruthTable, TtParams,
};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// A crisp data matrix with `k` conditions: one case per listed row, outcome from `outs`.
fn matrix(k: usize, rows: &[(u32, bool)]) -> DataMatrix {
    let mut csv = String::from("case");
    for j in 0..k {
        csv.push_str(&format!(",C{j}"));
    }
    csv.push_str(",Y\n");
    for (i, (r, y)) in rows.iter().enumerate() {
        csv.push_str(&format!("c{i}"));
        for j in (0..k).rev() {
            csv.push_str(&format!(",{}", (r >> j) & 1));
        }
        csv.push_str(&format!(",{}\n", u8::from(*y)));
    }
    DataMatrix::from_csv_reader("generated.csv", csv.as_bytes()).expect("valid csv")
}

fn table() -> impl Strategy<Value = (usize, Vec<(u32, bool)>)> {
    (2usize..=5).prop_flat_map(|k| {
        let n = 1u32 << k;
        (
            Just(k),
            proptest::collection::btree_map(0..n, any::<bool>(), 1..(n as usize)),
        )
            .prop_map(|(k, m)| (k, m.into_iter().collect::<Vec<_>>()))
    })
}

fn brute_force_minimum(
    covers: &[BTreeSet<u64>],
    need: &BTreeSet<u64>,
) -> BTreeSet<BTreeSet<usize>> {
    let n = covers.len();
    for size in 1..=n {
        let mut found = BTreeSet::new();
        for mask in 0u32..(1 << n) {
            if mask.count_ones() as usize != size {
                continue;
            }
            let mut cov = BTreeSet::new();
            for (i, c) in covers.iter().enumerate() {
                if mask >> i & 1 == 1 {
                    cov.extend(c.iter().copied());
                }
            }
            if need.is_subset(&cov) {
                found.insert((0..n).filter(|i| mask >> i & 1 == 1).collect());
            }
        }
        if !found.is_empty() {
            return found;
        }
    }
    BTreeSet::new()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn models_are_exactly_the_minimum_covers((k, rows) in table(), remainders in any::<bool>()) {
        prop_assume!(rows.iter().any(|(_, y)| *y));
        prop_assume!(!remainders || rows.iter().any(|(_, y)| !*y));
        let data = matrix(k, &rows);
        let tt = TruthTable::build(&data, &TtParams::new("Y")).unwrap();
        let params = MinParams { include_remainders: remainders, ..MinParams::default() };
        let sol = minimize(&tt, &params).unwrap();
        let on: Vec<Vec<u8>> = tt.rows_with(Out::One).map(|r| r.values.clone()).collect();
        let off: Vec<Vec<u8>> = tt.rows_with(Out::Zero).map(|r| r.values.clone()).collect();
        let observed: BTreeSet<Vec<u8>> = tt.observed_rows.iter().map(|r| r.values.clone()).collect();
        for pi in &sol.implicants {
            // Consistent: no negative row (and, without remainders, no unobserved row).
            prop_assert!(off.iter().all(|r| !pi.covers(r)));
            if !remainders {
                for r in pi.expand(&tt.noflevels) {
                    prop_assert!(observed.contains(&r) && on.contains(&r));
                }
            }
            // Prime: dropping any literal makes it cover a forbidden row.
            for j in 0..k {
                if pi.codes()[j] != 0 {
                    let mut codes = pi.codes().to_vec();
                    codes[j] = 0;
                    let wider = Implicant::from_codes(codes);
                    let bad = if remainders {
                        off.iter().any(|r| wider.covers(r))
                    } else {
                        wider.expand(&tt.noflevels).iter().any(|r| !on.contains(r))
                    };
                    prop_assert!(bad, "{pi:?} is not prime");
                }
            }
        }
        // Every model covers every positive row.
        for m in &sol.model_indices {
            for r in &on {
                prop_assert!(m.iter().any(|&p| sol.implicants[p].covers(r)));
            }
        }
        // Models are exactly the minimum covers of the chart (brute force when small).
        if sol.implicants.len() <= 14 {
            let covers: Vec<BTreeSet<u64>> = sol.pi_chart.iter().map(|e| e.covers_rows.iter().copied().collect()).collect();
            let need: BTreeSet<u64> = tt.rows_with(Out::One).map(|r| r.row).collect();
            let ours: BTreeSet<BTreeSet<usize>> = sol.model_indices.iter().map(|m| m.iter().copied().collect()).collect();
            prop_assert_eq!(ours, brute_force_minimum(&covers, &need));
        }
        // Irredundant models include the minimal ones, and none can lose an implicant.
        let all = minimize(&tt, &MinParams { search: ModelSearch::AllIrredundant, ..params.clone() }).unwrap();
        for m in &sol.models {
            prop_assert!(all.models.contains(m));
        }
        for m in &all.model_indices {
            for drop in m {
                let rest: Vec<usize> = m.iter().copied().filter(|p| p != drop).collect();
                prop_assert!(on.iter().any(|r| !rest.iter().any(|&p| all.implicants[p].covers(r))));
            }
        }
        // The first-minimal search finds a model of the same size.
        let first = minimize(&tt, &MinParams { search: ModelSearch::FirstMinimal, ..params }).unwrap();
        prop_assert_eq!(first.models.len(), 1);
        prop_assert_eq!(first.models[0].len(), sol.models[0].len());
    }

    #[test]
    fn expressions_print_back_to_their_text(terms in proptest::collection::vec(proptest::collection::vec((0usize..4, 0u8..3), 1..4), 1..4)) {
        let names = ["A", "B", "CC", "D1"];
        let text: Vec<String> = terms.iter().map(|t| t.iter().map(|(j, v)| match v {
            0 => format!("~{}", names[*j]),
            1 => names[*j].to_string(),
            _ => format!("{}[2]", names[*j]),
        }).collect::<Vec<_>>().join("*")).collect();
        let text = text.join(" + ");
        let e = Expression::parse(&text).unwrap();
        prop_assert_eq!(e.to_string(), text);
    }
}

#[test]
fn fuzzy_expression_uses_min_and_max() {
    let data =
        DataMatrix::from_csv_reader("f.csv", "case,A,B,Y\nx,0.2,0.7,1\ny,0.9,0.4,0\n".as_bytes())
            .unwrap();
    let e = Expression::parse("A*~B + ~A*B").unwrap();
    // x: max(min(0.2, 0.3), min(0.8, 0.7)) = 0.7 ; y: max(min(0.9, 0.6), min(0.1, 0.4)) = 0.6
    let m = e.evaluate(&data).unwrap();
    assert!(
        (m[0] - 0.7).abs() < 1e-12 && (m[1] - 0.6).abs() < 1e-12,
        "{m:?}"
    );
}

#[test]
fn bad_data_errors_name_file_line_column_and_value() {
    let err =
        DataMatrix::from_csv_reader("d.csv", "case,A,Y\nx,1,1\ny,oops,0\n".as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "d.csv, line 3, column `A`: value `oops` is not a number"
    );
    let data =
        DataMatrix::from_csv_reader("d.csv", "case,A,Y\nx,1.5,1\ny,0.2,0\n".as_bytes()).unwrap();
    let err = TruthTable::build(&data, &TtParams::new("Y"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("d.csv, line 2, column `A`: value 1.5"),
        "{err}"
    );
    let err = TruthTable::build(&data, &TtParams::new("Z"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no column `Z`"), "{err}");
    let data = DataMatrix::from_csv_reader("d.csv", "case,A,Y\nx,,1\ny,0,0\n".as_bytes()).unwrap();
    let err = TruthTable::build(&data, &TtParams::new("Y"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 2, column `A`: missing value"), "{err}");
}

#[test]
fn half_memberships_are_warned_and_listed_nowhere() {
    let data =
        DataMatrix::from_csv_reader("h.csv", "case,A,Y\nx,0.5,1\ny,0.8,1\nz,0.1,0\n".as_bytes())
            .unwrap();
    let tt = TruthTable::build(&data, &TtParams::new("Y")).unwrap();
    assert_eq!(tt.warnings.len(), 1);
    assert!(tt
        .observed_rows
        .iter()
        .all(|r| !r.cases.contains(&"x".to_string())));
}
