//! Our exact indices against peer values stored in `tests/fixtures/peer_games.json` (see
//! `PROVENANCE.md` there): the pip package `powerindex` for single-quota games, and an exact
//! enumeration of all 2^27 coalitions for the EU Council under the Lisbon double majority.

use ambit_govern::{power, Game, Indices, PowerOptions, Share, WeightQuota, WinningRule};
use serde_json::Value;

fn fixtures() -> Vec<Value> {
    let text = include_str!("fixtures/peer_games.json");
    let v: Value = serde_json::from_str(text).expect("fixture is JSON");
    v["games"].as_array().expect("games").clone()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn ints(v: &Value) -> Vec<u64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_u64().expect("integer"))
        .collect()
}

fn game_of(g: &Value) -> Game {
    let weights = ints(&g["weights"]);
    if let Some(q) = g["quota"].as_u64() {
        return Game::new(weights, WinningRule::weighted(WeightQuota::Absolute(q)));
    }
    let share = Share::parse(g["votes_at_least"].as_str().expect("votes_at_least")).expect("share");
    Game::new(
        weights,
        WinningRule {
            weight: WeightQuota::AtLeast(share),
            min_members: g["min_members"].as_u64().expect("min_members") as usize,
            members_always_win: g["members_always_win"].as_u64().map(|x| x as usize),
        },
    )
}

#[test]
fn indices_equal_the_peers() {
    let games = fixtures();
    assert_eq!(games.len(), 4);
    for g in &games {
        let game = game_of(g);
        if let Some(q) = g["quota_units"].as_u64() {
            // The enumeration's 65 % quota in population units must be ours too.
            assert_eq!(game.thresholds()[15], Some(q));
            assert_eq!(game.thresholds()[14], None);
        }
        let p = power(&game, Indices::Both, &PowerOptions::default()).expect("power");
        assert!(p.scaling.is_exact(), "{}: weights were rounded", g["name"]);
        let name = g["name"].as_str().unwrap_or("?");
        for (label, ours, theirs) in [
            ("Banzhaf", p.banzhaf.clone(), floats(&g["banzhaf"])),
            (
                "Shapley-Shubik",
                p.shapley_shubik.clone().expect("ss"),
                floats(&g["shapley_shubik"]),
            ),
        ] {
            assert_eq!(ours.len(), theirs.len());
            for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
                assert!(
                    (a - b).abs() < 1e-10,
                    "{name} {label} member {i}: ours {a} peer {b}"
                );
            }
        }
    }
}

#[test]
fn lisbon_germany_and_malta() {
    // A readable spot check of the enumeration: Germany's and Malta's indices.
    let games = fixtures();
    let eu = games
        .iter()
        .find(|g| g["names"].is_array())
        .expect("EU27 game");
    let p = power(&game_of(eu), Indices::Both, &PowerOptions::default()).expect("power");
    let ss = p.shapley_shubik.expect("ss");
    assert!((ss[0] - floats(&eu["shapley_shubik"])[0]).abs() < 1e-12);
    assert!(ss[0] > 0.17 && ss[0] < 0.18, "Germany SS {}", ss[0]);
    assert!(ss[26] > 0.008 && ss[26] < 0.009, "Malta SS {}", ss[26]);
}
