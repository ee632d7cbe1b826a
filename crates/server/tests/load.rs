//! 200 concurrent audit requests to a loopback server (the request the page sends after each
//! edit, on the bundled 2017 ambiti): every answer right, none refused, bounded in time. The
//! timings it prints are indicative in a debug build; `bench/studio/run.sh` measures release
//! builds and the worst case (1,516 districts) with `benches/concurrent_audits.rs`.

mod common;

use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_audits_all_answered() {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let (_, ambiti) = common::request(
        common::server(),
        reqwest::Method::GET,
        "/api/district-maps/ambiti-2017",
        None,
    )
    .await;
    let body: Value = json!({ "assignment": ambiti, "closing_mergers": "skip" });
    let errors = tokio::time::timeout(
        Duration::from_secs(120),
        common::burst(&client, "2017 ambiti, live validation", body, 5),
    )
    .await
    .expect("the burst finishes within 120 s");
    assert_eq!(errors, 0);
}
