//! Hand-checked games and a brute-force cross-check of the DP on random small games.

use ambit_govern::{power, Game, Indices, PowerOptions, Share, WeightQuota, WinningRule};
use proptest::prelude::*;

fn abs(w: &[u64], q: u64) -> Game {
    Game::new(w.to_vec(), WinningRule::weighted(WeightQuota::Absolute(q)))
}

fn both(g: &Game) -> ambit_govern::Power {
    power(g, Indices::Both, &PowerOptions::default()).unwrap()
}

fn close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tol,
            "member {i}: {x} vs {y} (all: {a:?} vs {b:?})"
        );
    }
}

/// Enumerates every coalition: exact swing counts (Banzhaf) and Shapley-Shubik weights
/// k!(n-k-1)!/n! summed over the coalitions a member turns into winners.
fn brute(g: &Game) -> (Vec<f64>, Vec<f64>, f64) {
    let n = g.len();
    let mut fact = vec![1.0f64; n + 1];
    for k in 1..=n {
        fact[k] = fact[k - 1] * k as f64;
    }
    let mut swings = vec![0.0; n];
    let mut ss = vec![0.0; n];
    let mut wins = 0.0;
    for mask in 0u32..(1 << n) {
        let m: Vec<bool> = (0..n).map(|i| mask >> i & 1 == 1).collect();
        let w = g.wins(&m);
        if w {
            wins += 1.0;
        }
        if !w {
            continue;
        }
        let k = m.iter().filter(|&&b| b).count();
        for i in 0..n {
            if m[i] {
                let mut without = m.clone();
                without[i] = false;
                if !g.wins(&without) {
                    swings[i] += 1.0;
                    ss[i] += fact[k - 1] * fact[n - k] / fact[n];
                }
            }
        }
    }
    let total: f64 = swings.iter().sum();
    let bz = swings
        .iter()
        .map(|s| if total > 0.0 { s / total } else { 0.0 })
        .collect();
    (bz, ss, wins / (1u64 << n) as f64)
}

#[test]
fn dictator_takes_all_power() {
    let p = both(&abs(&[60, 20, 20], 51));
    close(&p.banzhaf, &[1.0, 0.0, 0.0], 1e-12);
    close(p.shapley_shubik.as_ref().unwrap(), &[1.0, 0.0, 0.0], 1e-12);
}

#[test]
fn luxembourg_is_a_dummy_in_the_eec_1958() {
    // EEC Council 1958: quota 12 of 17, weights 4 4 4 2 2 1; Banzhaf 5/21 ×3, 3/21 ×2, 0
    // (Felsenthal & Machover 1998; also the powerindex test-suite).
    let p = both(&abs(&[4, 4, 4, 2, 2, 1], 12));
    let f = 1.0 / 21.0;
    close(
        &p.banzhaf,
        &[5.0 * f, 5.0 * f, 5.0 * f, 3.0 * f, 3.0 * f, 0.0],
        1e-12,
    );
    // Shapley-Shubik (hand count over the 720 orders): 14/60 ×3, 9/60 ×2, 0.
    let s = 1.0 / 60.0;
    close(
        p.shapley_shubik.as_ref().unwrap(),
        &[14.0 * s, 14.0 * s, 14.0 * s, 9.0 * s, 9.0 * s, 0.0],
        1e-12,
    );
}

#[test]
fn symmetric_members_share_power_equally() {
    let rule = WinningRule::weighted(WeightQuota::MoreThan(Share::HALF));
    let p = both(&Game::new(vec![1; 61], rule));
    close(&p.banzhaf, &[1.0 / 61.0; 61], 1e-12);
    close(p.shapley_shubik.as_ref().unwrap(), &[1.0 / 61.0; 61], 1e-12);
}

#[test]
fn double_majority_by_hand() {
    // Weights 50, 30, 20; a coalition needs 2 members and 60 % of the weight.
    // Winning: AB, AC, ABC. Swings: A 3 (AB, AC, ABC), B 1 (AB), C 1 (AC) -> 3/5, 1/5, 1/5.
    // Pivots over 6 orders: A 4, B 1, C 1.
    let rule = WinningRule {
        weight: WeightQuota::AtLeast(Share::parse("0.6").unwrap()),
        min_members: 2,
        members_always_win: None,
    };
    let p = both(&Game::new(vec![50, 30, 20], rule));
    close(&p.banzhaf, &[0.6, 0.2, 0.2], 1e-12);
    close(
        p.shapley_shubik.as_ref().unwrap(),
        &[4.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0],
        1e-12,
    );
    assert!((p.p_win - 3.0 / 8.0).abs() < 1e-12);
}

#[test]
fn veto_member_and_unanimity() {
    // Simple majority of 5 equal members, member 0 holds a veto: winning coalitions contain 0
    // and at least 2 others. Swings of 0: every coalition of >= 2 others (11 of 16); of member j:
    // {0, j} + exactly one other of the 3 (3 coalitions) -> 11 : 3 : 3 : 3 : 3.
    let mut g = Game::new(
        vec![1; 5],
        WinningRule::weighted(WeightQuota::MoreThan(Share::HALF)),
    );
    g.veto = vec![0];
    let p = both(&g);
    let t = 23.0;
    close(
        &p.banzhaf,
        &[11.0 / t, 3.0 / t, 3.0 / t, 3.0 / t, 3.0 / t],
        1e-12,
    );
    // Unanimity: everyone equal.
    let mut u = Game::new(
        vec![5, 3, 1],
        WinningRule::weighted(WeightQuota::AtLeast(Share::ONE)),
    );
    u.veto = vec![];
    let p = both(&u);
    close(&p.banzhaf, &[1.0 / 3.0; 3], 1e-12);
}

fn arb_game() -> impl Strategy<Value = Game> {
    (
        prop::collection::vec(0u64..40, 1..10),
        1u64..100,
        0usize..6,
        prop::option::of(3usize..10),
        prop::collection::vec(any::<bool>(), 10),
        any::<bool>(),
    )
        .prop_map(|(weights, pct, min_members, always, veto_mask, strict)| {
            let n = weights.len();
            let share = Share::new(pct, 100).unwrap();
            let weight = if strict {
                WeightQuota::MoreThan(share)
            } else {
                WeightQuota::AtLeast(share)
            };
            let mut g = Game::new(
                weights,
                WinningRule {
                    weight,
                    min_members,
                    members_always_win: always,
                },
            );
            g.veto = (0..n).filter(|&i| veto_mask[i] && i % 3 == 0).collect();
            g
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn dp_equals_brute_force(g in arb_game()) {
        let (bz, ss, pw) = brute(&g);
        let p = both(&g);
        for (a, b) in p.banzhaf.iter().zip(&bz) {
            prop_assert!((a - b).abs() < 1e-9, "banzhaf {:?} vs {:?} for {:?}", p.banzhaf, bz, g);
        }
        let got = p.shapley_shubik.unwrap();
        let total: f64 = ss.iter().sum();
        for (a, b) in got.iter().zip(&ss) {
            let b = if total > 0.0 { b / total } else { 0.0 };
            prop_assert!((a - b).abs() < 1e-9, "ss {:?} vs {:?} for {:?}", got, ss, g);
        }
        prop_assert!((p.p_win - pw).abs() < 1e-12);
        // The one-dimensional Banzhaf path must agree with the two-dimensional one.
        let b1 = power(&g, Indices::Banzhaf, &PowerOptions::default()).unwrap();
        for (a, b) in b1.banzhaf.iter().zip(&bz) {
            prop_assert!((a - b).abs() < 1e-9);
        }
    }
}
