//! Invariants of every run, on random small worlds and parameters (proptest).

mod common;

use ambit_sim::engine::{metric, run_once, stream_rng};
use ambit_sim::World;
use common::*;
use proptest::prelude::*;

fn world(pairs_n: usize, solo: usize, overlap: bool, populations: bool) -> World {
    let mut d = String::from("district,population,threshold,compliant\n");
    let mut c = String::from("candidate,members\n");
    for i in 0..pairs_n {
        // With populations, some merged districts stay below the threshold (30k + 40k < 80k).
        let (pb, pa) = if populations {
            ("30000", if i % 2 == 0 { "90000" } else { "40000" })
        } else {
            ("", "")
        };
        let (cb, ca) = if populations { ("", "") } else { ("0", "1") };
        d.push_str(&format!("b{i},{pb},80000,{cb}\na{i},{pa},80000,{ca}\n"));
        c.push_str(&format!("g{i},b{i}|a{i}\n"));
    }
    for i in 0..solo {
        d.push_str(&format!(
            "s{i},{},80000,{}\n",
            if populations { "100000" } else { "" },
            if populations { "" } else { "1" }
        ));
    }
    if overlap && pairs_n >= 2 {
        c.push_str("gx,b0|b1|a1\n");
    }
    let s = scenario(
        &d,
        &c,
        None,
        &dgr_policy("mandatory_from = \"2019-12-31\""),
        "",
    )
    .unwrap();
    World::compile(&s, &s.policy).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn every_run_is_consistent(
        pairs_n in 1usize..6,
        solo in 0usize..4,
        overlap in any::<bool>(),
        populations in any::<bool>(),
        theta in prop::array::uniform9(-4.0f64..4.0),
        second in 0.0f64..1.0,
        seed in any::<u64>(),
    ) {
        let w = world(pairs_n, solo, overlap, populations);
        let mut theta = theta;
        theta[ambit_sim::model::idx::SECOND_LEVEL] = second;
        let mut rng = stream_rng(seed, 0);
        let r = run_once(&w, &theta, &mut rng, 3, None);
        let n = w.n_districts() as i64;
        let mut prev = [0i64; 9];
        for c in &r.counts {
            prop_assert!(c[metric::DISTRICTS] <= n && c[metric::DISTRICTS] >= 1);
            prop_assert_eq!(c[metric::COMPLIANT] + c[metric::NONCOMPLIANT], c[metric::DISTRICTS]);
            prop_assert!(c[metric::SUBSCRIBED] <= c[metric::DISTRICTS]);
            prop_assert!(c[metric::STANDBY] <= c[metric::BELOW_LEFT]);
            for m in [metric::MERGES, metric::IMPOSED, metric::SPEND] {
                prop_assert!(c[m] >= prev[m], "{} decreased", ambit_sim::METRICS[m]);
            }
            prop_assert!(c[metric::DISTRICTS] <= prev[metric::DISTRICTS] || prev[metric::DISTRICTS] == 0);
            prev = *c;
        }
        let last = r.counts[2];
        prop_assert_eq!(r.reasons.iter().sum::<i64>(), last[metric::BELOW_LEFT]);
        // The mandatory deadline leaves no open grouping with a below-threshold member.
        prop_assert_eq!(r.reasons[1], 0);
    }
}
