//! Reads a game as JSON on stdin and prints its indices, the integer weights actually used and
//! the time taken, as JSON: the bridge used by `bench/govern/run.py` to compare with peers.
//!
//! Input: `{"weights": [..], "quota": Q}` (absolute quota) or
//! `{"weights": [..], "votes_at_least": 0.65, "min_members": 15, "members_always_win": 24}`,
//! optional `"max_cells"`, `"banzhaf_only": true`.

use ambit_govern::{power, Game, Indices, PowerOptions, Share, WeightQuota, WinningRule};
use std::io::Read;
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let weights: Vec<u64> = v["weights"]
        .as_array()
        .ok_or("missing weights")?
        .iter()
        .map(|w| w.as_u64().ok_or("weights must be non-negative integers"))
        .collect::<Result<_, _>>()?;
    let weight = if let Some(q) = v["quota"].as_u64() {
        WeightQuota::Absolute(q)
    } else {
        let s = v["votes_at_least"]
            .as_f64()
            .ok_or("give quota or votes_at_least")?;
        WeightQuota::AtLeast(Share::from_f64(s).ok_or("bad votes_at_least")?)
    };
    let rule = WinningRule {
        weight,
        min_members: v["min_members"].as_u64().unwrap_or(0) as usize,
        members_always_win: v["members_always_win"].as_u64().map(|x| x as usize),
    };
    let game = Game::new(weights, rule);
    let mut opts = PowerOptions::default();
    if let Some(m) = v["max_cells"].as_u64() {
        opts.max_cells = m;
    }
    let which = if v["banzhaf_only"].as_bool() == Some(true) {
        Indices::Banzhaf
    } else {
        Indices::Both
    };
    let t0 = Instant::now();
    let p = power(&game, which, &opts).map_err(|e| e.to_string())?;
    let secs = t0.elapsed().as_secs_f64();
    let unit = p.scaling.unit;
    let used: Vec<u64> = game.weights.iter().map(|w| (w + unit / 2) / unit).collect();
    let quota_used = if unit == 1 {
        game.rule.weight.threshold(game.total_weight())
    } else {
        match game.rule.weight {
            WeightQuota::Absolute(q) => q.div_ceil(unit),
            w => w.threshold(used.iter().sum()),
        }
    };
    let out = serde_json::json!({
        "seconds": secs,
        "banzhaf": p.banzhaf,
        "shapley_shubik": p.shapley_shubik,
        "p_win": p.p_win,
        "unit": unit,
        "weights_used": used,
        "quota_used": quota_used,
    });
    println!("{out}");
    Ok(())
}
