//! bench/france (not a test: `--ignored`, numbers printed, never asserted): live validation of
//! one edit on France through `POST /api/audit/live` over loopback, request to answer read
//! (request parse, incremental audit of the EPCI touched, JSON answer).

mod common;

use serde_json::json;
use std::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: loads France; run in release"]
async fn france_live_validation_delta() {
    let base = common::start_server(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/france"),
    );
    let epci = common::get_json(&base, "/api/district-maps/epci-2019").await;
    let post = |body: serde_json::Value| {
        let base = base.clone();
        async move {
            let t = Instant::now();
            let (st, v) =
                common::request(&base, reqwest::Method::POST, "/api/audit/live", Some(&body)).await;
            assert!(st.is_success(), "{v}");
            (v, t.elapsed().as_secs_f64() * 1e3)
        }
    };
    let (start, ms) = post(json!({ "assignment": epci })).await;
    println!(
        "start: whole map, {} districts, {ms:.0} ms",
        start["summary"]["districts"]
    );
    let (session, mut seq) = (start["session"].clone(), start["seq"].as_u64().unwrap_or(0));
    let mut times = Vec::new();
    for k in 0..20 {
        let to = if k % 2 == 0 {
            &epci["46018"]
        } else {
            &epci["46138"]
        };
        let (d, ms) =
            post(json!({ "session": session, "base": seq, "changes": { "46138": to } })).await;
        seq = d["seq"].as_u64().unwrap_or(0);
        assert_eq!(d["changed"].as_array().map(Vec::len), Some(2));
        times.push(ms);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "one France edit by delta (46138 to the EPCI of 46018 and back, 20 edits): median {:.1} ms, max {:.1} ms",
        times[times.len() / 2],
        times[times.len() - 1]
    );
}
