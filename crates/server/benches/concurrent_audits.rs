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
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load measurement: run by bench/studio/run.sh"]
async fn two_hundred_concurrent_audits() {
    let base = common::server();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let ambiti = common::get_json(base, "/api/district-maps/ambiti-2017").await;
    let territory = common::get_json(base, "/api/territory").await;
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
            common::burst(&client, label, body, districts),
        )
        .await
        .expect("each burst finishes within 120 s");
    }
    assert_eq!(errors, 0);
}
