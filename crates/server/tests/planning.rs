//! Planning over a real server on a loopback port: optimiser runs (start, poll, cancel, store,
//! refuse), plan checks, and scenarios audited against their own rules.
//! The optimiser runs share the server's limit of two at once: they go in order in one test.

mod common;

use common::{population_of, server};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;

async fn send(method: Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
    common::request(server(), method, path, body).await
}

async fn wait(id: u64) -> Value {
    common::wait_run(server(), id).await
}

async fn start(body: Value) -> u64 {
    let (st, v) = send(Method::POST, "/api/optimiser/runs", Some(&body)).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v["state"], "running");
    v["id"].as_u64().unwrap()
}

async fn audit(assignment: &Value) -> Value {
    let (st, a) = send(
        Method::POST,
        "/api/audit",
        Some(&json!({ "assignment": assignment })),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{a}");
    a
}

#[tokio::test]
async fn optimiser_runs_plan_cancel_store_and_refuse() {
    let (_, map) = send(Method::GET, "/api/district-maps/ambiti-2017", None).await;

    // --- min-change repairs the 2017 map: Seriate (77,716) takes one comune of Dalmine
    let id =
        start(json!({ "objective": "min-change", "baseline": map, "name": "repair 2017" })).await;
    let run = wait(id).await;
    assert_eq!(run["state"], "done", "{run}");
    assert_eq!(run["request"]["baseline_units"], 88);
    assert!(run["request"].get("baseline").is_none());
    let r = &run["result"];
    assert_eq!(r["detail"]["units_moved"], 1, "{r}");
    assert_eq!(r["detail"]["merges"], 0);
    assert_eq!(r["units"], 88);
    assert_eq!(r["districts"], 5);
    assert_eq!(r["compliant"], 5);
    let before: BTreeMap<String, String> = serde_json::from_value(map.clone()).unwrap();
    let after: BTreeMap<String, String> = serde_json::from_value(r["assignment"].clone()).unwrap();
    let moved: Vec<&String> = before.keys().filter(|c| before[*c] != after[*c]).collect();
    assert_eq!(moved.len(), 1);
    assert!(
        moved[0] == "016222" || moved[0] == "016248",
        "Urgnano or Zanica, not {moved:?}"
    );
    assert_eq!(
        (&before[moved[0]][..], &after[moved[0]][..]),
        ("Dalmine", "Seriate")
    );
    // the rules' audit (not the planner) agrees, and Seriate's sum is the table's
    let a = audit(&r["assignment"]).await;
    assert_eq!(a["summary"]["non_compliant_districts"], 0, "{a}");
    let seriate: Vec<String> = after
        .iter()
        .filter(|(_, d)| *d == "Seriate")
        .map(|(c, _)| c.clone())
        .collect();
    let row = a["districts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "Seriate")
        .unwrap();
    assert_eq!(row["population"], population_of(&seriate));
    assert!(population_of(&seriate) > 80_000);
    // stored with its parameters
    let plan_id = r["plan_id"].as_i64().unwrap();
    let (st, stored) = send(Method::GET, &format!("/api/plans/{plan_id}"), None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(stored["name"], "repair 2017");
    assert_eq!(stored["params"]["objective"], "min-change");
    assert_eq!(stored["result"]["assignment"], r["assignment"]);
    let (_, plans) = send(Method::GET, "/api/plans", None).await;
    assert!(plans.as_array().unwrap().iter().any(|p| p["id"] == plan_id));

    // --- max-districts over the whole region, little effort: every district it calls
    // compliant is compliant for the rules' audit, every comune is placed
    let id =
        start(json!({ "objective": "max-districts", "starts": 2, "effort": 1, "seed": 7 })).await;
    let run = wait(id).await;
    assert_eq!(run["state"], "done", "{run}");
    let r = &run["result"];
    assert_eq!(r["units"], 1516);
    assert_eq!(r["assignment"].as_object().unwrap().len(), 1516);
    assert_eq!(run["progress"]["done"], 2);
    assert_eq!(run["progress"]["total"], 2);
    let a = audit(&r["assignment"]).await;
    assert_eq!(a["summary"]["districts"], r["districts"]);
    let compliant_by_audit = a["districts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["compliant"] == true)
        .count();
    assert_eq!(json!(compliant_by_audit), r["compliant"]);
    // 10,036,245 inhabitants and > 80,000 per standard district: at most 125 districts
    let n = r["compliant"].as_u64().unwrap();
    assert!((100..=125).contains(&n), "{n} compliant districts");
    assert_eq!(run["progress"]["best_districts"], r["compliant"]);

    // --- two long runs fill the server; a third is refused; cancelling keeps the best plan
    let long = json!({ "objective": "max-districts", "starts": 64, "effort": 1000 });
    let a_id = start(long.clone()).await;
    let b_id = start(long.clone()).await;
    let (st, v) = send(Method::POST, "/api/optimiser/runs", Some(&long)).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{v}");
    for id in [a_id, b_id] {
        let (st, v) = send(
            Method::POST,
            &format!("/api/optimiser/runs/{id}/cancel"),
            None,
        )
        .await;
        assert_eq!(st, StatusCode::ACCEPTED, "{v}");
    }
    for id in [a_id, b_id] {
        let run = wait(id).await;
        assert_eq!(run["state"], "cancelled", "{run}");
        match run.get("result") {
            Some(r) => {
                assert_eq!(r["interrupted"], true);
                assert!(run["progress"]["done"].as_u64().unwrap() < 64);
            }
            None => assert_eq!(run["error"], "cancelled before any plan was found"),
        }
    }
    let (_, runs) = send(Method::GET, "/api/optimiser/runs", None).await;
    let runs = runs.as_array().unwrap();
    assert_eq!(runs[0]["id"], b_id, "newest first");
    assert!(runs.iter().all(|r| r["result"].get("assignment").is_none()));

    // --- refused before anything runs
    for (body, needle) in [
        (json!({ "objective": "min-change" }), "needs a baseline"),
        (
            json!({ "objective": "max-districts", "baseline": map, "locked": ["Nowhere"] }),
            "Nowhere",
        ),
        (
            json!({ "objective": "max-districts", "starts": 0 }),
            "starts 0",
        ),
        (
            json!({ "objective": "max-districts", "nest_by": "no_such_column" }),
            "no_such_column",
        ),
        (
            json!({ "objective": "min-change", "baseline": { "999999": "X" } }),
            "999999",
        ),
    ] {
        let (st, v) = send(Method::POST, "/api/optimiser/runs", Some(&body)).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert!(v["error"].as_str().unwrap().contains(needle), "{v}");
    }
    // a body of the wrong shape or not JSON at all: a JSON error naming what is wrong
    let (st, v) = send(
        Method::POST,
        "/api/optimiser/runs",
        Some(&json!({ "objective": "sideways" })),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let e = v["error"].as_str().unwrap();
    assert!(e.contains("unknown variant `sideways`"), "{e}");
    let (st, v) = send(
        Method::POST,
        "/api/optimiser/runs",
        Some(&json!({ "objective": "min-change", "colour": "red" })),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("unknown field `colour`"),
        "{v}"
    );
    let r = reqwest::Client::new()
        .post(format!("{}/api/optimiser/runs", server()))
        .header("content-type", "application/json")
        .body("{\"objective\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .starts_with("request body refused"),
        "{v}"
    );
    let (st, v) = send(Method::GET, "/api/diff?a=1&b=two", None).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .starts_with("query string refused"),
        "{v}"
    );
    let (st, _) = send(Method::GET, "/api/optimiser/runs/999", None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn check_says_what_fails_where() {
    let (_, map) = send(Method::GET, "/api/district-maps/ambiti-2017", None).await;
    let (st, v) = send(
        Method::POST,
        "/api/check",
        Some(&json!({ "assignment": map, "partial": true })),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["units"], 88);
    assert_eq!(v["districts"], 5);
    assert_eq!(v["compliant"], 4);
    assert_eq!(v["valid"], false);
    // Seriate: 77,716 inhabitants, strictly more than 80,000 needed: 80,001 - 77,716 = 2,285
    assert_eq!(
        v["failures"],
        json!(["FAIL threshold: district Seriate has 77716 inhabitants, class standard needs more than 80000 (short by 2285)"])
    );
    // the whole region: 1,516 - 88 = 1,428 comuni without a district
    let (_, v) = send(
        Method::POST,
        "/api/check",
        Some(&json!({ "assignment": map, "max_population": 100000 })),
    )
    .await;
    let failures: Vec<&str> = v["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(failures
        .iter()
        .any(|f| f.starts_with("FAIL completeness: 1428 units have no district")));
    // Dalmine has 146,222 inhabitants
    assert!(failures.contains(
        &"FAIL maximum: district Dalmine has 146222 inhabitants, above the maximum 100000"
    ));
    let (st, v) = send(
        Method::POST,
        "/api/check",
        Some(&json!({ "assignment": map, "nest_by": "nowhere" })),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"].as_str().unwrap().contains("nowhere"));
}

/// A scenario's own rules (policy TOML) are what its audits and report use; rules that do not
/// parse are refused with the line, and nothing is stored.
#[tokio::test]
async fn a_scenario_is_audited_against_its_own_rules() {
    // the region's rules as text: the policy file the studio was started with
    let (_, region_rules) = send(Method::GET, "/api/policy", None).await;
    let file = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/lombardy-2017.toml"),
    )
    .unwrap();
    assert_eq!(region_rules["text"], file.as_str());
    assert_eq!(region_rules["file"], "lombardy-2017.toml");
    let (_, map) = send(Method::GET, "/api/district-maps/ambiti-2017", None).await;
    // one class, at least 70,000: Seriate's 77,716 passes, nothing else changes
    let rules = r#"
name = "What-if: 70,000 for every ambito"
district_word = "ambito"
[[classes]]
name = "standard"
min_population = 70000
[[incentives]]
name = "merger premium"
currency = "EUR"
amount = 12345
"#;
    let name = format!("own rules {}", std::process::id());
    let (st, v) = send(
        Method::POST,
        "/api/scenarios",
        Some(&json!({ "name": name, "content": { "assignment": map, "policy": rules } })),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let id = v["scenario_id"].as_i64().unwrap();
    let (_, audit) = send(Method::GET, &format!("/api/scenarios/{id}/audit"), None).await;
    assert_eq!(audit["policy"]["name"], "What-if: 70,000 for every ambito");
    assert_eq!(audit["summary"]["non_compliant_districts"], 0, "{audit}");
    // the same map under the region's policy: Seriate is 2,285 short
    let (_, region) = send(
        Method::POST,
        "/api/audit",
        Some(&json!({ "assignment": map })),
    )
    .await;
    assert_eq!(region["summary"]["non_compliant_districts"], 1);
    // live validation with the scenario's rules, as the page sends it
    let (_, live) = send(
        Method::POST,
        "/api/audit",
        Some(&json!({ "assignment": map, "policy": rules, "closing_mergers": "skip" })),
    )
    .await;
    assert_eq!(live["summary"]["non_compliant_districts"], 0);
    // and a check of the plan under them passes where the region's rules fail it
    let (_, check) = send(
        Method::POST,
        "/api/check",
        Some(&json!({ "assignment": map, "partial": true, "policy": rules })),
    )
    .await;
    assert_eq!(check["valid"], true, "{check}");
    // the report prints the scenario's rules and its incentive
    let html = reqwest::get(format!(
        "{}/api/scenarios/{id}/report?baseline_map=ambiti-2017",
        server()
    ))
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(html.contains("What-if: 70,000 for every ambito"));
    assert!(html.contains("merger premium"));

    // broken rules: refused with the line, nothing stored
    let (_, before) = send(Method::GET, "/api/scenarios", None).await;
    let broken = "name = \"x\"\n[[classes]]\nname = \"standard\"\nmin_population = \"80000 +\"\n";
    let (st, v) = send(
        Method::POST,
        "/api/scenarios",
        Some(
            &json!({ "name": "broken rules", "content": { "assignment": map, "policy": broken } }),
        ),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let e = v["error"].as_str().unwrap();
    assert!(e.starts_with("policy refused: scenario policy"), "{e}");
    let (_, after) = send(Method::GET, "/api/scenarios", None).await;
    assert_eq!(before, after);
}
