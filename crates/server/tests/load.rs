//! Load test: 200 concurrent audit requests of a complete map to a loopback server, bounded in
//! time. Ignored by default (it measures, it does not check behaviour); run it with
//! `bench/studio/run.sh` or `cargo test -p ambit-server --release --test load -- --ignored --nocapture`.

mod common;

use serde_json::{json, Value};
use std::time::{Duration, Instant};

const REQUESTS: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load test: run by bench/studio/run.sh"]
async fn two_hundred_concurrent_audits() {
    let base = common::server();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    // The bundled 2017 ambiti (88 comuni in 5 districts): the request the page sends after an
    // edit. A map of 1,516 one-comune districts costs far more (the audit looks for closing
    // mergers of every non-compliant district): see bench/studio/README.md.
    let assignment: Value = client
        .get(format!("{base}/api/district-maps/ambiti-2017"))
        .send()
        .await
        .expect("map")
        .json()
        .await
        .expect("json");
    let body = json!({ "assignment": assignment });
    let started = Instant::now();
    let tasks: Vec<_> = (0..REQUESTS)
        .map(|_| {
            let client = client.clone();
            let body = body.clone();
            let url = format!("{base}/api/audit");
            tokio::spawn(async move {
                let t = Instant::now();
                let r = client.post(url).json(&body).send().await;
                let ok = match r {
                    Ok(r) if r.status().is_success() => r
                        .json::<Value>()
                        .await
                        .map(|v| v["summary"]["districts"] == 5)
                        .unwrap_or(false),
                    _ => false,
                };
                (ok, t.elapsed())
            })
        })
        .collect();
    let all = tokio::time::timeout(Duration::from_secs(120), futures_join(tasks))
        .await
        .expect("the load test finishes within 120 s");
    let wall = started.elapsed();
    let errors = all.iter().filter(|(ok, _)| !ok).count();
    let mut lat: Vec<f64> = all.iter().map(|(_, d)| d.as_secs_f64() * 1e3).collect();
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{REQUESTS} concurrent audits of the 2017 ambiti: {errors} errors, wall {:.2} s, \
         {:.0} req/s, latency p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        wall.as_secs_f64(),
        REQUESTS as f64 / wall.as_secs_f64(),
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    assert_eq!(errors, 0);
}

async fn futures_join(
    tasks: Vec<tokio::task::JoinHandle<(bool, Duration)>>,
) -> Vec<(bool, Duration)> {
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.unwrap_or((false, Duration::ZERO)));
    }
    out
}
