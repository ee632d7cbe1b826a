//! The usable-implicant engine ([`ambit_qca::certified`]) against an independent brute force on
//! random truth tables: every cube is tried (3^k), the consistent prime ones kept, and every
//! combination of them of growing size tested as a cover. The engine must return exactly the
//! minimum covers, certified minimal and complete; a cancelled run must still return a cover and
//! a lower bound that no cover beats.

use ambit_qca::{
    minimize_with, Budget, ChartScope, DataMatrix, MinParams, ModelSearch, Out, StopReason,
    TruthTable, TtParams,
};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

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

/// Every prime implicant by brute force: codes per condition (0 absent, 1 = ~X, 2 = X).
fn brute_primes(k: usize, on: &[Vec<u8>], off: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let covers = |c: &[u8], r: &[u8]| c.iter().zip(r).all(|(&c, &v)| c == 0 || c == v + 1);
    let consistent = |c: &[u8]| !off.iter().any(|r| covers(c, r));
    let mut out = Vec::new();
    for idx in 0..3u32.pow(k as u32) {
        let codes: Vec<u8> = (0..k)
            .map(|j| (idx / 3u32.pow(j as u32) % 3) as u8)
            .collect();
        if !consistent(&codes) || !on.iter().any(|r| covers(&codes, r)) {
            continue;
        }
        let prime = (0..k).filter(|&j| codes[j] != 0).all(|j| {
            let mut w = codes.clone();
            w[j] = 0;
            !consistent(&w)
        });
        if prime {
            out.push(codes);
        }
    }
    out
}

/// Every minimum cover by brute force over combinations of growing size.
fn brute_minimum(primes: &[Vec<u8>], on: &[Vec<u8>]) -> BTreeSet<BTreeSet<Vec<u8>>> {
    let covers = |c: &[u8], r: &[u8]| c.iter().zip(r).all(|(&c, &v)| c == 0 || c == v + 1);
    let rows: Vec<u64> = primes
        .iter()
        .map(|p| {
            on.iter()
                .enumerate()
                .filter(|(_, r)| covers(p, r))
                .fold(0u64, |a, (i, _)| a | 1 << i)
        })
        .collect();
    let all = if on.len() == 64 {
        u64::MAX
    } else {
        (1u64 << on.len()) - 1
    };
    for size in 1..=primes.len() {
        let mut found = BTreeSet::new();
        let mut combo: Vec<usize> = (0..size).collect();
        loop {
            if combo.iter().fold(0u64, |a, &i| a | rows[i]) == all {
                found.insert(combo.iter().map(|&i| primes[i].clone()).collect());
            }
            let mut i = size;
            while i > 0 && combo[i - 1] == primes.len() - size + i - 1 {
                i -= 1;
            }
            if i == 0 {
                break;
            }
            combo[i - 1] += 1;
            for j in i..size {
                combo[j] = combo[j - 1] + 1;
            }
        }
        if !found.is_empty() {
            return found;
        }
    }
    BTreeSet::new()
}

fn table() -> impl Strategy<Value = (usize, Vec<(u32, bool)>)> {
    (2usize..=6).prop_flat_map(|k| {
        let n = 1u32 << k;
        (
            Just(k),
            proptest::collection::btree_map(0..n, any::<bool>(), 2..(n as usize).min(40)),
        )
            .prop_map(|(k, m)| (k, m.into_iter().collect::<Vec<_>>()))
    })
}

fn params() -> MinParams {
    MinParams {
        include_remainders: true,
        ..MinParams::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn usable_implicants_give_exactly_the_minimum_covers((k, rows) in table()) {
        prop_assume!(rows.iter().any(|(_, y)| *y) && rows.iter().any(|(_, y)| !*y));
        let data = matrix(k, &rows);
        let tt = TruthTable::build(&data, &TtParams::new("Y")).unwrap();
        let on: Vec<Vec<u8>> = tt.rows_with(Out::One).map(|r| r.values.clone()).collect();
        let off: Vec<Vec<u8>> = tt.rows_with(Out::Zero).map(|r| r.values.clone()).collect();
        let primes = brute_primes(k, &on, &off);
        prop_assume!(primes.len() <= 40);
        let expected = brute_minimum(&primes, &on);
        let sol = minimize_with(&tt, &params(), ChartScope::Usable, &Budget::unlimited()).unwrap();
        let ours: BTreeSet<BTreeSet<Vec<u8>>> = sol
            .model_indices
            .iter()
            .map(|m| m.iter().map(|&p| sol.implicants[p].codes().to_vec()).collect())
            .collect();
        prop_assert_eq!(&ours, &expected);
        let size = expected.iter().next().map_or(0, BTreeSet::len);
        prop_assert!(sol.certificate.proven_minimal && sol.certificate.complete);
        prop_assert_eq!(sol.certificate.lower_bound, size);
        prop_assert_eq!(sol.certificate.stopped, None);
        // The first minimal model has the same size and is one of them.
        let first = MinParams { search: ModelSearch::FirstMinimal, ..params() };
        let one = minimize_with(&tt, &first, ChartScope::Usable, &Budget::unlimited()).unwrap();
        let m: BTreeSet<Vec<u8>> = one.model_indices[0].iter().map(|&p| one.implicants[p].codes().to_vec()).collect();
        prop_assert!(expected.contains(&m));
        prop_assert!(one.certificate.proven_minimal);
    }

    #[test]
    fn a_cancelled_run_returns_a_cover_and_a_true_lower_bound((k, rows) in table()) {
        prop_assume!(rows.iter().any(|(_, y)| *y) && rows.iter().any(|(_, y)| !*y));
        let data = matrix(k, &rows);
        let tt = TruthTable::build(&data, &TtParams::new("Y")).unwrap();
        let on: Vec<Vec<u8>> = tt.rows_with(Out::One).map(|r| r.values.clone()).collect();
        let off: Vec<Vec<u8>> = tt.rows_with(Out::Zero).map(|r| r.values.clone()).collect();
        let primes = brute_primes(k, &on, &off);
        prop_assume!(primes.len() <= 40);
        let size = brute_minimum(&primes, &on).iter().next().map_or(0, BTreeSet::len);
        let budget = Budget { cancel: Some(Arc::new(AtomicBool::new(true))), ..Budget::default() };
        let sol = minimize_with(&tt, &params(), ChartScope::Usable, &budget).unwrap();
        let c = &sol.certificate;
        prop_assert_eq!(c.stopped, Some(StopReason::Interrupted));
        prop_assert!(c.lower_bound <= size && size <= c.model_size);
        prop_assert_eq!(c.proven_minimal, c.lower_bound == c.model_size);
        for m in &sol.model_indices {
            prop_assert_eq!(m.len(), c.model_size);
            for r in &on {
                prop_assert!(m.iter().any(|&p| sol.implicants[p].covers(r)));
            }
            for p in m {
                prop_assert!(off.iter().all(|r| !sol.implicants[*p].covers(r)));
            }
        }
    }
}

/// On the synthetic sets small enough to list every prime implicant, the usable-implicant chart
/// gives exactly the models of the full chart (R's chart), proven minimal and complete.
#[test]
fn usable_and_full_charts_agree_on_the_synthetic_sets() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data");
    for name in ["synth_cs_c08", "synth_cs_c10", "synth_cs_c12"] {
        let data = DataMatrix::from_csv_path(dir.join(format!("{name}.csv"))).unwrap();
        let tt = TruthTable::build(&data, &TtParams::new("Y")).unwrap();
        let every = minimize_with(&tt, &params(), ChartScope::Every, &Budget::unlimited()).unwrap();
        let usable =
            minimize_with(&tt, &params(), ChartScope::Usable, &Budget::unlimited()).unwrap();
        assert_eq!(usable.models, every.models, "{name}");
        assert!(usable.pi_chart.len() <= every.pi_chart.len());
        assert!(
            usable.certificate.proven_minimal && usable.certificate.complete,
            "{name}"
        );
        assert_eq!(usable.certificate.lower_bound, every.models[0].len());
    }
}

/// A memory limit too small for any priced implicant stops the search with a cover and a bound.
#[test]
fn a_memory_limit_stops_with_a_cover_and_a_true_bound() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data");
    let data = DataMatrix::from_csv_path(dir.join("synth_cs_c12.csv")).unwrap();
    let tt = TruthTable::build(&data, &TtParams::new("Y")).unwrap();
    let budget = Budget {
        max_memory: Some(1),
        ..Budget::default()
    };
    let sol = minimize_with(&tt, &params(), ChartScope::Usable, &budget).unwrap();
    let c = &sol.certificate;
    assert_eq!(c.stopped, Some(StopReason::MemoryLimit));
    assert!(!c.complete);
    // The full chart's minimum is 3 terms (bench/qca/RESULTS.md, R-order chart of 2582).
    assert!(c.lower_bound <= 3 && 3 <= c.model_size, "{c:?}");
    let on: Vec<Vec<u8>> = tt.rows_with(Out::One).map(|r| r.values.clone()).collect();
    for r in &on {
        assert!(sol.model_indices[0]
            .iter()
            .any(|&p| sol.implicants[p].covers(r)));
    }
}
