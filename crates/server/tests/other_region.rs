//! The studio serves any region's data folder (`ambit serve --data DIR`): a made-up grid of six
//! communes under France's loi NOTRe policy (`tests/fixtures/grid-france`), with figures
//! computed by hand in its PROVENANCE.md.

mod common;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::OnceLock;

fn base() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        common::start_server(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/grid-france"),
        )
    })
}

async fn send(method: Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
    common::request(base(), method, path, body).await
}

#[tokio::test]
async fn a_french_grid_is_audited_planned_and_repaired_under_its_own_policy() {
    let (st, t) = send(Method::GET, "/api/territory", None).await;
    assert_eq!(st, StatusCode::OK, "{t}");
    assert_eq!(t["municipalities"].as_array().unwrap().len(), 6);
    assert_eq!(t["population"], 42_500);
    assert_eq!(t["policy"]["district_word"], "EPCI");
    assert_eq!(t["noun"], json!(["commune", "communes"]));
    assert_eq!(t["area_word"], "département");
    // rook contiguity computed from the squares: Escure (bottom middle) touches three
    let escure = t["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Escure")
        .unwrap();
    assert_eq!(escure["neighbours"], json!(["01002", "01004", "01006"]));

    let (_, map) = send(Method::GET, "/api/district-maps/epci", None).await;
    let (st, audit) = send(
        Method::POST,
        "/api/audit",
        Some(&json!({ "assignment": map })),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{audit}");
    assert_eq!(audit["summary"]["districts"], 3);
    assert_eq!(audit["summary"]["non_compliant_districts"], 1);
    let be = audit["districts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "CC Belair-Escure")
        .unwrap();
    assert_eq!(be["population"], 6_000 + 5_000);
    assert_eq!(be["class"], "standard");
    assert_eq!(be["shortfall"], 15_000 - 11_000); // "au moins": inclusive

    // 42,500 inhabitants: at most two EPCI of 15,000, and two contiguous ones exist
    let (st, run) = send(
        Method::POST,
        "/api/optimiser/runs",
        Some(&json!({ "objective": "max-districts", "starts": 4 })),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{run}");
    let run = wait(run["id"].as_u64().unwrap()).await;
    assert_eq!(run["state"], "done", "{run}");
    assert_eq!(run["result"]["districts"], 2);
    assert_eq!(run["result"]["compliant"], 2);
    let (_, check) = send(
        Method::POST,
        "/api/check",
        Some(&json!({ "assignment": run["result"]["assignment"] })),
    )
    .await;
    assert_eq!(check["valid"], true, "{check}");

    // the repair leaves no EPCI short
    let (_, run) = send(
        Method::POST,
        "/api/optimiser/runs",
        Some(&json!({ "objective": "min-change", "baseline": map })),
    )
    .await;
    let run = wait(run["id"].as_u64().unwrap()).await;
    assert_eq!(run["state"], "done", "{run}");
    let (_, audit) = send(
        Method::POST,
        "/api/audit",
        Some(&json!({ "assignment": run["result"]["assignment"] })),
    )
    .await;
    assert_eq!(audit["summary"]["non_compliant_districts"], 0, "{audit}");
}

async fn wait(id: u64) -> Value {
    common::wait_run(base(), id).await
}
