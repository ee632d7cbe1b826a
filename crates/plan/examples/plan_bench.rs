//! Times the max-p search alone on a benchmark instance (`units.csv` + `edges.csv` of
//! `bench/maxp`), without the CLI's reading and writing, and prints p, the bound, the objective,
//! wall and CPU seconds and the peak memory (Linux `/proc/self`).
//!
//! ```text
//! cargo run --release -p ambit-plan --features dataset --example plan_bench -- DIR THRESHOLD [--seed S] [--starts N] [--effort E] [--bound-only]
//! ```

use ambit_plan::input::{BenchRule, Input, Subset};
use ambit_plan::{max_districts, upper_bound, Control, SearchOptions};
use std::path::Path;
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("plan_bench: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--bound-only`: time the upper bound alone, without the search
    let bound_only = args.iter().any(|a| a == "--bound-only");
    args.retain(|a| a != "--bound-only");
    let (Some(dir), Some(threshold)) = (args.first(), args.get(1)) else {
        return Err("usage: plan_bench DIR THRESHOLD [--seed S] [--starts N] [--effort E] [--max-regrowths N]".into());
    };
    let threshold: f64 = threshold
        .parse()
        .map_err(|_| format!("threshold `{threshold}` is not a number"))?;
    let mut opts = SearchOptions::default();
    let mut i = 2;
    while i + 1 < args.len() {
        let v = &args[i + 1];
        let bad = || format!("{} `{v}` is not a number", args[i]);
        match args[i].as_str() {
            "--seed" => opts.seed = v.parse().map_err(|_| bad())?,
            "--starts" => opts.starts = v.parse().map_err(|_| bad())?,
            "--effort" => opts.regrowths_per_region = v.parse().map_err(|_| bad())?,
            "--max-regrowths" => opts.max_regrowths = Some(v.parse().map_err(|_| bad())?),
            other => return Err(format!("unknown option {other}")),
        }
        i += 2;
    }
    let t0 = Instant::now();
    // the benchmark format as `ambit plan --units --edges` reads it (every z_ column)
    let input = Input::from_bench(
        &Path::new(dir).join("units.csv"),
        &Path::new(dir).join("edges.csv"),
        &BenchRule {
            threshold,
            class_thresholds: Vec::new(),
            attributes: Vec::new(),
        },
    )
    .map_err(|e| e.to_string())?;
    let n = input.len();
    let pb = input.problem(&Subset::all(n)).map_err(|e| e.to_string())?;
    let rule = &*input.rule;
    let read_s = t0.elapsed().as_secs_f64();
    let (cpu0, t1) = (cpu_seconds(), Instant::now());
    let bound = upper_bound(&pb, rule);
    let (bound_wall, bound_cpu) = (t1.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
    println!(
        "n {n} bound {} (without least sizes {}) bound_wall_s {bound_wall:.3} bound_cpu_s {bound_cpu:.2} groups_bounded_by_sizes {} hub_clusters {}",
        bound.value, bound.without_sizes, bound.groups_bounded_by_sizes, bound.hub_clusters
    );
    if bound_only {
        return Ok(());
    }
    let (cpu0, t1) = (cpu_seconds(), Instant::now());
    let plan = max_districts(&pb, rule, &opts, &Control::default()).map_err(|e| e.to_string())?;
    let (wall, cpu) = (t1.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
    println!(
        "n {n} p {} bound {} heterogeneity {:.1} cut_edges {} search_wall_s {wall:.2} search_cpu_s {cpu:.2} read_s {read_s:.2} peak_rss_mb {}",
        plan.compliant_count(),
        bound.value,
        plan.heterogeneity,
        plan.cut_edges,
        peak_rss_mb()
    );
    Ok(())
}

/// User plus system CPU seconds of this process (`/proc/self/stat`, clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // fields after the command name (which may hold spaces) start at ") "
    let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name and state
    (ticks(11) + ticks(12)) / 100.0
}

/// Peak resident memory in MB (`VmHWM` of `/proc/self/status`).
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}
