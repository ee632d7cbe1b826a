//! Load measurement: 200 concurrent `POST /api/audit` requests to a loopback server, for the
//! request the page sends after each edit (`"closing_mergers": "skip"`) on the 2017 ambiti and
//! on the worst case (every comune its own district, 1,516 districts), and for the full audit of
//! the worst case (every non-compliant district's merger options). Bounded in time; prints
//! wall time, throughput and latency percentiles; fails only on errors.
//!
//! A libtest target under `benches/` (not run by `cargo test --workspace`):
//! `cargo test -p ambit-server --release --bench concurrent_audits -- --ignored --nocapture`
//! (run by `bench/studio/run.sh`).

#[path = "../tests/common/mod.rs"]
mod common;

use serde_json::{json, Value};
use std::time::{Duration, Instant};

const REQUESTS: usize = 200;

/// Sends `REQUESTS` copies of `body` at once; prints the figures; returns the error count.
async fn burst(client: &reqwest::Client, label: &str, body: Value, districts: u64) -> usize {
    let url = format!("{}/api/audit", common::server());
    let started = Instant::now();
    let tasks: Vec<_> = (0..REQUESTS)
        .map(|_| {
            let (client, body, url) = (client.clone(), body.clone(), url.clone());
            tokio::spawn(async move {
                let t = Instant::now();
                let ok = match client.post(url).json(&body).send().await {
                    Ok(r) if r.status().is_success() => r
                        .json::<Value>()
                        .await
                        .map(|v| v["summary"]["districts"] == districts)
                        .unwrap_or(false),
                    _ => false,
                };
                (ok, t.elapsed())
            })
        })
        .collect();
    let mut all = Vec::with_capacity(REQUESTS);
    for t in tasks {
        all.push(t.await.unwrap_or((false, Duration::ZERO)));
    }
    let wall = started.elapsed();
    let errors = all.iter().filter(|(ok, _)| !ok).count();
    let mut lat: Vec<f64> = all.iter().map(|(_, d)| d.as_secs_f64() * 1e3).collect();
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{REQUESTS} concurrent audits, {label}: {errors} errors, wall {:.2} s, {:.0} req/s, \
         latency p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        wall.as_secs_f64(),
        REQUESTS as f64 / wall.as_secs_f64(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    errors
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load measurement: run by bench/studio/run.sh"]
async fn two_hundred_concurrent_audits() {
    let base = common::server();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let ambiti: Value = client
        .get(format!("{base}/api/district-maps/ambiti-2017"))
        .send()
        .await
        .expect("map")
        .json()
        .await
        .expect("json");
    let territory: Value = client
        .get(format!("{base}/api/territory"))
        .send()
        .await
        .expect("territory")
        .json()
        .await
        .expect("json");
    let singletons: serde_json::Map<String, Value> = territory["municipalities"]
        .as_array()
        .expect("municipalities")
        .iter()
        .map(|m| {
            let code = m["code"].as_str().expect("code").to_string();
            (code.clone(), Value::String(code))
        })
        .collect();
    let cases = [
        (
            "2017 ambiti, live validation (mergers skipped)",
            json!({ "assignment": ambiti, "closing_mergers": "skip" }),
            5,
        ),
        (
            "every comune alone, live validation (mergers skipped)",
            json!({ "assignment": singletons, "closing_mergers": "skip" }),
            1516,
        ),
        (
            "every comune alone, full audit (all merger options)",
            json!({ "assignment": singletons, "closing_mergers": "all" }),
            1516,
        ),
    ];
    let mut errors = 0;
    for (label, body, districts) in cases {
        errors += tokio::time::timeout(
            Duration::from_secs(120),
            burst(&client, label, body, districts),
        )
        .await
        .expect("each burst finishes within 120 s");
    }
    assert_eq!(errors, 0);
}
