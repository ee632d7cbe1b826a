//! The JSON API over a real server on a loopback port.

mod common;

use common::{population_of, server};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn get(path: &str) -> Value {
    common::get_json(server(), path).await
}

/// `GET path` as text (CSV, HTML), whatever the status.
async fn get_text(path: &str) -> String {
    client()
        .get(format!("{}{path}", server()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn send(method: reqwest::Method, path: &str, body: &Value) -> (StatusCode, Value) {
    common::request(server(), method, path, Some(body)).await
}

async fn ambiti_2017() -> Value {
    get("/api/district-maps/ambiti-2017").await
}

fn district<'a>(audit: &'a Value, name: &str) -> &'a Value {
    audit["districts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no district {name}"))
}

#[tokio::test]
async fn health_and_openapi_list_every_route() {
    let h = get("/api/health").await;
    assert_eq!(h["status"], "ok");
    assert_eq!(h["municipalities"], 1516);
    assert_eq!(h["polygons"], 1506);
    let doc = get("/api/openapi.json").await;
    assert_eq!(doc["openapi"], "3.0.3");
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            documented.insert((method.clone(), path.clone()));
        }
    }
    let routed: BTreeSet<(String, String)> = ambit_server::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, routed);
}

#[tokio::test]
async fn page_and_assets_are_served_from_the_binary() {
    for (path, kind) in [
        ("/", "text/html"),
        ("/cases", "text/html"),
        ("/assets/app.js", "text/javascript"),
        ("/assets/layers.js", "text/javascript"),
        ("/assets/canvas.js", "text/javascript"),
        ("/assets/panels.js", "text/javascript"),
        ("/assets/optimiser.js", "text/javascript"),
        ("/assets/style.css", "text/css"),
        ("/assets/favicon.svg", "image/svg+xml"),
        ("/favicon.ico", "image/svg+xml"),
    ] {
        let r = client()
            .get(format!("{}{path}", server()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let ct = r.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with(kind), "{path}: {ct}");
        // The SVG namespace is a name, not a download.
        let body = r
            .text()
            .await
            .unwrap()
            .replace("http://www.w3.org/2000/svg", "");
        assert!(
            !body.contains("http://") && !body.contains("https://"),
            "{path} loads nothing remote"
        );
    }
}

#[tokio::test]
async fn territory_and_boundaries_match_the_data_folder() {
    let t = get("/api/territory").await;
    let ms = t["municipalities"].as_array().unwrap();
    assert_eq!(ms.len(), 1516);
    // SOURCES.md: 1 Jan 2018 population 10,036,245.
    assert_eq!(t["population"], 10_036_245);
    // 1,506 boundary polygons: drawn as SVG (a canvas only above CANVAS_FROM = 5,000)
    assert_eq!(t["polygons"], 1506);
    assert_eq!(t["canvas"], false);
    assert_eq!(t["noun"], serde_json::json!(["comune", "comuni"]));
    assert_eq!(t["area_word"], "province");
    let agra = ms.iter().find(|m| m["code"] == "012001").unwrap();
    assert_eq!(agra["name"], "Agra");
    assert_eq!(agra["population"], 410);
    assert_eq!(agra["polygon"], "012001");
    // Cadrezzate (2018) is drawn by the polygon of Cadrezzate con Osmate (2021).
    let cad = ms.iter().find(|m| m["code"] == "012028").unwrap();
    assert_eq!(cad["polygon"], "012143");
    let geo = get("/api/territory/boundaries").await;
    assert_eq!(geo["features"].as_array().unwrap().len(), 1506);
}

#[tokio::test]
async fn audit_of_bundled_map_matches_hand_sums() {
    let map = ambiti_2017().await;
    assert_eq!(map.as_object().unwrap().len(), 88);
    let (st, audit) = send(
        reqwest::Method::POST,
        "/api/audit",
        &json!({ "assignment": map }),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(audit["summary"]["districts"], 5);
    assert_eq!(audit["summary"]["non_compliant_districts"], 1);
    // ambiti_summary.csv: Seriate 11 comuni, 77,716 inhabitants, below 80,000.
    let seriate = district(&audit, "Seriate");
    let codes: Vec<String> = map
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, d)| *d == "Seriate")
        .map(|(c, _)| c.clone())
        .collect();
    assert_eq!(codes.len(), 11);
    assert_eq!(population_of(&codes), 77_716);
    assert_eq!(seriate["population"], 77_716);
    assert_eq!(seriate["compliant"], false);
    assert_eq!(seriate["threshold"], 80_000.0);
    assert_eq!(seriate["shortfall"], 2_285); // strictly more than 80,000: 80,001 - 77,716
    assert_eq!(district(&audit, "Dalmine")["population"], 146_222);
}

#[tokio::test]
async fn merging_two_districts_changes_the_validation() {
    let mut map = ambiti_2017().await;
    for (_, d) in map.as_object_mut().unwrap().iter_mut() {
        if d == "Seriate" {
            *d = json!("Romano di Lombardia");
        }
    }
    let (_, audit) = send(
        reqwest::Method::POST,
        "/api/audit",
        &json!({ "assignment": map }),
    )
    .await;
    assert_eq!(audit["summary"]["districts"], 4);
    assert_eq!(audit["summary"]["non_compliant_districts"], 0);
    let merged = district(&audit, "Romano di Lombardia");
    assert_eq!(merged["population"], 84_880 + 77_716);
    assert_eq!(merged["compliant"], true);
}

#[tokio::test]
async fn bad_assignments_are_refused_with_the_code() {
    let (st, body) = send(
        reqwest::Method::POST,
        "/api/audit",
        &json!({ "assignment": { "999999": "x" } }),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().contains("999999"), "{body}");
    let r = client()
        .post(format!("{}/api/audit", server()))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
    // Only manifest names: no path may be read through this route.
    let r = client()
        .get(format!("{}/api/district-maps/%2Fetc%2Fpasswd", server()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn create(name: &str, assignment: Value) -> Value {
    let (st, v) = send(
        reqwest::Method::POST,
        "/api/scenarios",
        &json!({ "name": name, "content": { "assignment": assignment, "notes": "n" } }),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    v
}

#[tokio::test]
async fn scenario_history_conflict_and_restore() {
    let v1 = create("api history", ambiti_2017().await).await;
    let id = v1["scenario_id"].as_i64().unwrap();
    assert_eq!(v1["version"], 1);
    let path = format!("/api/scenarios/{id}");
    let (st, v2) = send(
        reqwest::Method::PUT,
        &path,
        &json!({ "expected_version": 1, "content": { "assignment": {"012001": "Nord"} }, "message": "second" }),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v2["version"], 2);
    // A colleague still on version 1 is refused, and told the current version.
    let (st, err) = send(
        reqwest::Method::PUT,
        &path,
        &json!({ "expected_version": 1, "content": { "assignment": {} } }),
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(err["current_version"], 2);
    let (st, v3) = send(
        reqwest::Method::POST,
        &format!("{path}/restore"),
        &json!({ "version": 1, "expected_version": 2 }),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v3["version"], 3);
    assert_eq!(v3["content"]["assignment"].as_object().unwrap().len(), 88);
    let hist = get(&format!("{path}/history")).await;
    assert_eq!(hist.as_array().unwrap().len(), 3);
    assert_eq!(hist[1]["message"], "second");
    let old = get(&format!("{path}/versions/2")).await;
    assert_eq!(old["content"]["assignment"]["012001"], "Nord");
    let list = get("/api/scenarios").await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == id && s["version"] == 3));
    let audit = get(&format!("{path}/audit")).await;
    assert_eq!(audit["summary"]["districts"], 5);
}

#[tokio::test]
async fn concurrent_saves_on_one_version_let_exactly_one_through() {
    let v = create("api concurrent", json!({})).await;
    let id = v["scenario_id"].as_i64().unwrap();
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            tokio::spawn(async move {
                send(
                    reqwest::Method::PUT,
                    &format!("/api/scenarios/{id}"),
                    &json!({ "expected_version": 1, "content": { "assignment": {"012001": format!("d{i}")} } }),
                )
                .await
                .0
            })
        })
        .collect();
    let mut ok = 0;
    let mut conflict = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => conflict += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((ok, conflict), (1, 9));
    assert_eq!(
        get(&format!("/api/scenarios/{id}/history"))
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

async fn import(id: i64, version: i64, body: Vec<u8>) -> (StatusCode, Value) {
    let r = client()
        .post(format!(
            "{}/api/scenarios/{id}/import?expected_version={version}",
            server()
        ))
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    common::status_and_json(r).await
}

#[tokio::test]
async fn failed_import_changes_nothing_and_good_import_reports() {
    let v = create("api import", json!({"012001": "A"})).await;
    let id = v["scenario_id"].as_i64().unwrap();
    let bad = "code,district\n012001,A\n999999,B\n012001,C\n";
    let (st, err) = import(id, 1, bad.into()).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let problems: Vec<&str> = err["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].contains("line 3") && problems[0].contains("999999"),
        "{problems:?}"
    );
    assert!(
        problems[1].contains("line 4") && problems[1].contains("already assigned"),
        "{problems:?}"
    );
    let head = get(&format!("/api/scenarios/{id}")).await;
    assert_eq!(head["version"], 1);
    assert_eq!(head["content"]["assignment"], json!({"012001": "A"}));
    // Too large: refused before reading, nothing changed.
    let big = format!("code,district\n{}", "012001,A\n".repeat(120_000)).into_bytes();
    assert!(big.len() > 1024 * 1024);
    let (st, _) = import(id, 1, big).await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(get(&format!("/api/scenarios/{id}")).await["version"], 1);
    // A good file (semicolon-separated, as spreadsheets write it) becomes version 2.
    let good = "code;district\n012001;Nord\n012002;Nord\n";
    let (st, rep) = import(id, 1, good.into()).await;
    assert_eq!(st, StatusCode::OK, "{rep}");
    assert_eq!(rep["assigned"], 2);
    assert_eq!(rep["districts"], 1);
    assert_eq!(rep["missing"], 1514);
    assert_eq!(rep["scenario"]["version"], 2);
    assert!(!rep["notices"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn exports_round_trip_and_report_page() {
    let map = ambiti_2017().await;
    let v = create("api export", map.clone()).await;
    let id = v["scenario_id"].as_i64().unwrap();
    let csv = get_text(&format!("/api/scenarios/{id}/export.csv")).await;
    assert!(csv.starts_with("code,name,district\n"));
    assert_eq!(csv.lines().count(), 89);
    // Importing the export gives back the same map (as version 2).
    let (st, rep) = import(id, 1, csv.into_bytes()).await;
    assert_eq!(st, StatusCode::OK, "{rep}");
    assert_eq!(rep["scenario"]["content"]["assignment"], map);
    let geo = get(&format!("/api/scenarios/{id}/export.geojson")).await;
    let features = geo["features"].as_array().unwrap();
    assert_eq!(features.len(), 1506);
    let seriate = features
        .iter()
        .filter(|f| f["properties"]["district"] == "Seriate")
        .count();
    assert_eq!(seriate, 11);
    let html = get_text(&format!("/api/scenarios/{id}/report")).await;
    assert!(
        html.contains("<td>Seriate</td><td class=\"num\">11</td><td class=\"num\">77,716</td>"),
        "{html}"
    );
}

/// Two stored scenarios: the 2017 ambiti (`first`) and the same with Seriate merged into Romano
/// di Lombardia (`second`); returns their ids.
async fn seriate_merged_pair(first: &str, second: &str) -> (i64, i64) {
    let before = ambiti_2017().await;
    let mut after = before.clone();
    for (_, d) in after.as_object_mut().unwrap().iter_mut() {
        if d == "Seriate" {
            *d = json!("Romano di Lombardia");
        }
    }
    let a = create(first, before).await["scenario_id"].as_i64().unwrap();
    let b = create(second, after).await["scenario_id"].as_i64().unwrap();
    (a, b)
}

#[tokio::test]
async fn diff_reports_the_merger_and_its_incentive() {
    let (a, b) = seriate_merged_pair("api diff before", "api diff after").await;
    let d = get(&format!("/api/diff?a={a}&b={b}")).await;
    assert_eq!(d["moved"].as_array().unwrap().len(), 0);
    assert_eq!(
        d["merged"],
        json!([{ "district": "Romano di Lombardia", "baseline": ["Romano di Lombardia", "Seriate"] }])
    );
    // policies/lombardy-2017.toml: EUR 30,000 per new merged ambito until 30 June 2018,
    // 10,000 until the end of 2019.
    assert_eq!(d["incentive"]["incentives"][0]["total"], 30_000.0);
    let later = get(&format!("/api/diff?a={a}&b={b}&date=2019-06-30")).await;
    assert_eq!(later["incentive"]["incentives"][0]["total"], 10_000.0);
    let r = client()
        .get(format!("{}/api/diff?a={a}&b={b}&date=June", server()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

const PARTNERSHIP: &str = r#"
id = "X"
name = "Two area plans with close ties"
[structures]
ties = true
trust = 1
[actors.roles]
sponsor = "unknown"
"#;

#[tokio::test]
async fn case_files_are_validated_before_storing_and_assessed() {
    let before = get("/api/case-files").await.as_array().unwrap().len();
    let (st, err) = send(
        reqwest::Method::POST,
        "/api/case-files",
        &json!({ "name": "broken.toml", "content": "id = \"Y\"\n[structures]\nties = \"maybe\"\n" }),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(
        err["error"].as_str().unwrap().contains("broken.toml"),
        "{err}"
    );
    assert_eq!(
        get("/api/case-files").await.as_array().unwrap().len(),
        before
    );
    let (st, rec) = send(
        reqwest::Method::POST,
        "/api/case-files",
        &json!({ "name": "api partnership.toml", "content": PARTNERSHIP }),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{rec}");
    let id = rec["id"].as_i64().unwrap();
    // The library's own example: TIES*TRUST holds whatever LEAD is, so success.
    let (st, r) = send(
        reqwest::Method::POST,
        &format!("/api/case-files/{id}/assess"),
        &json!({}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["assessment"]["predicted"], "success");
    assert_eq!(r["assessment"]["rests_on_assumptions"], false);
    let (st, _) = send(
        reqwest::Method::PUT,
        &format!("/api/case-files/{id}"),
        &json!({ "expected_version": 7, "content": PARTNERSHIP }),
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT);
}

/// The audit `ambit audit` computes for the bundled 2017 ambiti, independently of the server.
fn library_audit_of_ambiti_2017() -> ambit_rules::Audit {
    let d = ambit_territory::Dataset::load(&common::data_dir()).unwrap();
    let policy = ambit_rules::PolicyFile::load(&d.default_policy().unwrap()).unwrap();
    let p = ambit_rules::CompiledPolicy::compile(policy, &d.territory).unwrap();
    let map = d.district_map("ambiti-2017").unwrap();
    ambit_rules::audit(&d.territory, &d.graph, &p, Some(&map))
}

async fn report_page(query: &str) -> (StatusCode, String) {
    let r = client()
        .get(format!("{}{query}", server()))
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn report_is_the_report_crates_document_with_the_audit_numbers() {
    let lib = library_audit_of_ambiti_2017();
    let seriate = lib.districts.iter().find(|d| d.name == "Seriate").unwrap();
    assert_eq!((seriate.population, seriate.shortfall), (77_716, 2_285));
    let v = create("api report", ambiti_2017().await).await;
    let id = v["scenario_id"].as_i64().unwrap();
    let (st, html) = report_page(&format!("/api/scenarios/{id}/report")).await;
    assert_eq!(st, StatusCode::OK);
    // ambit_report's HTML: its generator tag, audit section, threshold chart and compliance map.
    assert!(html.contains("<meta name=\"generator\" content=\"ambit "));
    assert!(html.contains("<title>Scenario report: api report</title>"));
    let s = &lib.summary;
    assert!(html.contains(&format!(
        "{} districts audited under {}: {} compliant, {} below their threshold.",
        s.districts, lib.policy.name, s.compliant_districts, s.non_compliant_districts
    )));
    assert_eq!((s.districts, s.compliant_districts), (5, 4));
    assert!(html.contains(&format!(
        "<td>Seriate</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        seriate.municipalities,
        ambit_rules::format_count(seriate.population as f64)
    )));
    assert!(html.contains(&format!(
        "<td>NO</td><td class=\"num\">{}</td>",
        ambit_rules::format_count(seriate.shortfall as f64)
    )));
    assert!(html.contains("id=\"audit-thresholds\""));
    assert!(html.contains("id=\"map-compliance-map\""));
    assert_eq!(html.matches("<path class=\"comune\"").count(), 1506);
    assert!(html.contains("scenario api report (version 1), studio database"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("id=\"changes\""));
}

#[tokio::test]
async fn report_lists_the_changes_from_a_baseline() {
    let (a, b) = seriate_merged_pair("api report baseline", "api report merged").await;
    let merger = "<li>Romano di Lombardia from Romano di Lombardia + Seriate</li>";
    for query in [
        format!("/api/scenarios/{b}/report?baseline={a}"),
        format!("/api/scenarios/{b}/report?baseline_map=ambiti-2017"),
    ] {
        let (st, html) = report_page(&query).await;
        assert_eq!(st, StatusCode::OK, "{query}");
        assert!(html.contains("id=\"changes\""), "{query}");
        assert!(html.contains(merger), "{query}");
        // 4 districts, all compliant: 84,880 + 77,716 = 162,596 > 80,000.
        assert!(html.contains("4 districts audited under"));
        assert!(html.contains("<td class=\"num\">162,596</td>"));
    }
    let (st, _) = report_page(&format!(
        "/api/scenarios/{b}/report?baseline={a}&baseline_map=ambiti-2017"
    ))
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    // policies/lombardy-2017.toml: EUR 30,000 per new merged ambito until 30 June 2018,
    // 10,000 until the end of 2019.
    let (_, html) = report_page(&format!("/api/scenarios/{b}/report?baseline={a}")).await;
    assert!(html.contains("<td>new merged ambito</td><td class=\"num\">30,000 EUR</td>"));
    let (_, html) = report_page(&format!(
        "/api/scenarios/{b}/report?baseline={a}&date=2019-06-30"
    ))
    .await;
    assert!(html.contains("<td>new merged ambito</td><td class=\"num\">10,000 EUR</td>"));
    let (st, _) = report_page(&format!("/api/scenarios/{b}/report?date=June")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _) = report_page(&format!("/api/scenarios/{b}/report?baseline_map=../etc")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn live_validation_can_skip_or_limit_the_merger_search() {
    let lib = library_audit_of_ambiti_2017();
    let map = ambiti_2017().await;
    let (st, full) = send(
        reqwest::Method::POST,
        "/api/audit",
        &json!({ "assignment": map }),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(full["merger_search"], "all");
    let expected = serde_json::to_value(
        &lib.districts
            .iter()
            .find(|d| d.name == "Seriate")
            .unwrap()
            .closing_mergers,
    )
    .unwrap();
    assert_eq!(district(&full, "Seriate")["closing_mergers"], expected);
    assert_eq!(expected.as_array().unwrap().len(), 2);

    let (st, skip) = send(
        reqwest::Method::POST,
        "/api/audit",
        &json!({ "assignment": map, "closing_mergers": "skip" }),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(skip["merger_search"], "skip");
    assert_eq!(district(&skip, "Seriate")["closing_mergers"], json!([]));
    assert_eq!(skip["summary"], full["summary"]);

    let (st, one) = send(
        reqwest::Method::POST,
        "/api/audit",
        &json!({ "assignment": map, "closing_mergers": { "district": "Seriate" } }),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(one["merger_search"], json!({ "district": "Seriate" }));
    assert_eq!(district(&one, "Seriate")["closing_mergers"], expected);

    let (st, _) = send(
        reqwest::Method::POST,
        "/api/audit",
        &json!({ "assignment": map, "closing_mergers": "some" }),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Codes of the 2017 ambito `name`.
fn members(map: &Value, name: &str) -> Vec<String> {
    map.as_object()
        .unwrap()
        .iter()
        .filter(|(_, d)| *d == name)
        .map(|(c, _)| c.clone())
        .collect()
}

/// Regression (issue 12, defect 1): comparing the partial 2017 ambiti with a full map whose
/// Seriate took every comune in no ambito read as the merger "Seriate ⟵ (unassigned) + Seriate"
/// and paid 30,000 EUR. Unassigned comuni are never a district, never merged, never paid: the
/// change is 1,428 comuni newly assigned, nothing merged, nothing moved.
#[tokio::test]
async fn unassigned_comuni_are_never_merged_or_paid() {
    let partial = ambiti_2017().await;
    let territory = get("/api/territory").await;
    let mut full = partial.clone();
    for m in territory["municipalities"].as_array().unwrap() {
        let code = m["code"].as_str().unwrap();
        if full.get(code).is_none() {
            full[code] = json!("Seriate");
        }
    }
    let outside = 1516 - partial.as_object().unwrap().len();
    let a = create("api unassigned partial", partial).await["scenario_id"]
        .as_i64()
        .unwrap();
    let b = create("api unassigned full", full).await["scenario_id"]
        .as_i64()
        .unwrap();
    let d = get(&format!("/api/diff?a={a}&b={b}")).await;
    assert_eq!(d["merged"], json!([]), "{}", d["merged"]);
    assert_eq!(d["moved"], json!([]));
    assert_eq!(d["assigned"].as_array().unwrap().len(), outside);
    assert_eq!(d["unassigned"], json!([]));
    assert_eq!(d["incentive"]["incentives"][0]["total"], 0.0);
    // The four other ambiti keep their members; Seriate grew.
    assert_eq!(d["unchanged"], 4);
    let (st, html) = report_page(&format!("/api/scenarios/{b}/report?baseline={a}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        !html.contains("(unassigned) +"),
        "a merger names the unassigned"
    );
    assert!(html.contains("0 districts formed by merger"), "{html}");
}

/// Regression (issue 12, defect 2): one definition of "moved" (MapChanges) for the page's
/// comparison of two maps (`POST /api/diff`) and for two saved scenarios (`GET /api/diff`):
/// from the 2017 ambiti, 3 comuni of Seriate to Dalmine, 2 unassigned, 5 outside comuni to
/// Treviglio.
#[tokio::test]
async fn one_definition_of_moved_for_maps_and_scenarios() {
    let before = ambiti_2017().await;
    let mut after = before.clone();
    let seriate = members(&before, "Seriate");
    for c in &seriate[..3] {
        after[c] = json!("Dalmine");
    }
    for c in &seriate[3..5] {
        after.as_object_mut().unwrap().remove(c);
    }
    let territory = get("/api/territory").await;
    let outside: Vec<String> = territory["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap().to_string())
        .filter(|c| before.get(c).is_none())
        .take(5)
        .collect();
    for c in &outside {
        after[c] = json!("Treviglio");
    }
    let (st, posted) = send(
        reqwest::Method::POST,
        "/api/diff",
        &json!({ "baseline": before, "scenario": after, "baseline_name": "before" }),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{posted}");
    assert_eq!(posted["moved"].as_array().unwrap().len(), 3);
    assert_eq!(posted["unassigned"].as_array().unwrap().len(), 2);
    assert_eq!(posted["assigned"].as_array().unwrap().len(), 5);
    assert_eq!(posted["changed"], 10);
    assert_eq!(posted["merged"], json!([]));
    let a = create("api moved before", before).await["scenario_id"]
        .as_i64()
        .unwrap();
    let b = create("api moved after", after).await["scenario_id"]
        .as_i64()
        .unwrap();
    let saved = get(&format!("/api/diff?a={a}&b={b}")).await;
    for key in [
        "moved",
        "assigned",
        "unassigned",
        "changed",
        "merged",
        "unchanged",
    ] {
        assert_eq!(saved[key], posted[key], "{key}");
    }
}

/// Regression (issue 12, defect 3): a JSON district map naming a code twice was accepted (the
/// last won); it is refused while parsing, naming the code, and nothing is stored.
#[tokio::test]
async fn duplicate_codes_in_json_maps_are_refused() {
    let map = r#"{"016115":"A","016115":"B"}"#;
    let bodies = [
        (
            "POST",
            "/api/audit".to_string(),
            format!(r#"{{"assignment":{map}}}"#),
        ),
        (
            "POST",
            "/api/check".to_string(),
            format!(r#"{{"assignment":{map}}}"#),
        ),
        (
            "POST",
            "/api/scenarios".to_string(),
            format!(r#"{{"name":"api duplicate","content":{{"assignment":{map}}}}}"#),
        ),
        (
            "POST",
            "/api/diff".to_string(),
            format!(r#"{{"baseline":{{}},"scenario":{map}}}"#),
        ),
        (
            "POST",
            "/api/optimiser/runs".to_string(),
            format!(r#"{{"objective":"min-change","baseline":{map}}}"#),
        ),
    ];
    let v = create("api duplicate put", json!({"016115": "A"})).await;
    let id = v["scenario_id"].as_i64().unwrap();
    let put = (
        "PUT",
        format!("/api/scenarios/{id}"),
        format!(r#"{{"expected_version":1,"content":{{"assignment":{map}}}}}"#),
    );
    for (method, path, body) in bodies.iter().chain([&put]) {
        let r = client()
            .request(method.parse().unwrap(), format!("{}{path}", server()))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let (st, err) = common::status_and_json(r).await;
        assert_eq!(
            st,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{method} {path}: {err}"
        );
        let msg = err["error"].as_str().unwrap_or_default();
        assert!(
            msg.contains("016115 is given twice"),
            "{method} {path}: {msg}"
        );
    }
    let list = get("/api/scenarios").await;
    assert!(!list.to_string().contains("\"api duplicate\""));
    assert_eq!(get(&format!("/api/scenarios/{id}")).await["version"], 1);
}

/// Regression (issue 12, defect 4): every API error is `{"error": "..."}` JSON, also those
/// answered before a handler runs; an over-long name is not echoed back whole.
#[tokio::test]
async fn every_api_error_is_json() {
    let check = |what: &str, st: StatusCode, want: StatusCode, v: &Value| {
        assert_eq!(st, want, "{what}: {v}");
        let msg = v["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: not JSON: {v}"));
        assert!(!msg.is_empty(), "{what}");
    };
    let (st, v) = common::request(server(), reqwest::Method::GET, "/api/scenarios/abc", None).await;
    check("path of the wrong type", st, StatusCode::BAD_REQUEST, &v);
    let (st, v) = common::request(server(), reqwest::Method::GET, "/api/no-such-thing", None).await;
    check("unknown route", st, StatusCode::NOT_FOUND, &v);
    assert!(v["error"].as_str().unwrap().contains("/api/no-such-thing"));
    let (st, v) = common::request(server(), reqwest::Method::PUT, "/api/health", None).await;
    check("wrong method", st, StatusCode::METHOD_NOT_ALLOWED, &v);
    assert!(v["error"].as_str().unwrap().contains("PUT"), "{v}");
    let created = create("api errors import", json!({"012001": "A"})).await;
    let id = created["scenario_id"].as_i64().unwrap();
    let big = format!("code,district\n{}", "012001,A\n".repeat(120_000)).into_bytes();
    let (st, v) = import(id, 1, big).await;
    check(
        "import over the limit",
        st,
        StatusCode::PAYLOAD_TOO_LARGE,
        &v,
    );
    let huge = json!({ "assignment": {}, "notes": "x".repeat(5 * 1024 * 1024) });
    let (st, v) = send(reqwest::Method::POST, "/api/audit", &huge).await;
    check("body over the limit", st, StatusCode::PAYLOAD_TOO_LARGE, &v);
    let long = "N".repeat(5000);
    let (st, v) = send(
        reqwest::Method::POST,
        "/api/scenarios",
        &json!({ "name": long, "content": { "assignment": {} } }),
    )
    .await;
    check("over-long name", st, StatusCode::BAD_REQUEST, &v);
    let msg = v["error"].as_str().unwrap();
    assert!(
        msg.len() < 300,
        "the name is echoed back: {} bytes",
        msg.len()
    );
    assert!(msg.contains("5000"), "{msg}");
    // Pages outside /api keep their own answers (the studio page itself is HTML).
    let page = get_text("/").await;
    assert!(page.contains("<html"));
}

/// Scenarios are listed newest change first; archiving keeps every version and is undone;
/// renaming to a taken name is refused.
#[tokio::test]
async fn scenarios_archive_rename_and_order() {
    let a = create("api archive a", json!({"012001": "A"})).await;
    let b = create("api archive b", json!({"012002": "B"})).await;
    let (ida, idb) = (
        a["scenario_id"].as_i64().unwrap(),
        b["scenario_id"].as_i64().unwrap(),
    );
    // an edit of a makes it the newest change
    let (st, v) = send(
        reqwest::Method::PUT,
        &format!("/api/scenarios/{ida}"),
        &json!({ "expected_version": 1, "content": { "assignment": {"012001": "A2"} } }),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let list = get("/api/scenarios").await;
    let order: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .filter(|id| *id == ida || *id == idb)
        .collect();
    assert_eq!(order, vec![ida, idb]);
    let (st, list) = send(
        reqwest::Method::POST,
        &format!("/api/scenarios/{ida}/archive"),
        &json!({ "archived": true }),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let row = |list: &Value, id: i64| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .cloned()
            .unwrap()
    };
    assert!(row(&list, ida)["archived_at"].is_string());
    assert_eq!(
        get(&format!("/api/scenarios/{ida}/history"))
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (_, list) = send(
        reqwest::Method::POST,
        &format!("/api/scenarios/{ida}/archive"),
        &json!({ "archived": false }),
    )
    .await;
    assert!(row(&list, ida)["archived_at"].is_null());
    let (st, v) = send(
        reqwest::Method::POST,
        &format!("/api/scenarios/{ida}/rename"),
        &json!({ "name": "api archive b" }),
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    let (st, v) = send(
        reqwest::Method::POST,
        "/api/scenarios/999999/archive",
        &json!({ "archived": true }),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
}

/// Signed area of a ring (shoelace, in the file's degrees): positive when counter-clockwise.
fn ring_area(ring: &Value) -> f64 {
    let pts: Vec<(f64, f64)> = ring
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect();
    pts.windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum::<f64>()
        / 2.0
}

/// Area of a Polygon or MultiPolygon geometry: outer rings minus holes.
fn geometry_area(g: &Value) -> f64 {
    let polys: Vec<&Value> = match g["type"].as_str().unwrap() {
        "Polygon" => vec![&g["coordinates"]],
        "MultiPolygon" => g["coordinates"].as_array().unwrap().iter().collect(),
        other => panic!("geometry {other}"),
    };
    polys
        .iter()
        .flat_map(|rings| {
            let rings = rings.as_array().unwrap();
            rings
                .iter()
                .enumerate()
                .map(|(k, r)| if k == 0 { 1.0 } else { -1.0 } * ring_area(r).abs())
        })
        .sum()
}

#[tokio::test]
async fn district_geojson_export_dissolves_with_the_audit_figures() {
    let map = ambiti_2017().await;
    let r = client()
        .post(format!("{}/api/export/districts.geojson", server()))
        .json(&json!({ "assignment": map, "name": "ambiti 2017" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"ambiti-2017.geojson\""
    );
    let geo: Value = r.json().await.unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().unwrap();
    assert_eq!(features.len(), 5, "one feature per district");
    let seriate = features
        .iter()
        .find(|f| f["properties"]["district"] == "Seriate")
        .expect("Seriate");
    let p = &seriate["properties"];
    // ambiti_2017.csv read here: Seriate's 11 comuni, 77,716 inhabitants (comuni_2018.csv).
    let codes: Vec<String> = map
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, d)| *d == "Seriate")
        .map(|(c, _)| c.clone())
        .collect();
    assert_eq!(p["municipalities"], 11);
    assert_eq!(p["population"], population_of(&codes));
    assert_eq!(p["compliant"], false);
    assert_eq!(p["shortfall"], 2_285); // more than 80,000: 80,001 - 77,716
    assert_eq!(p["threshold"], 80_000.0);
    // The outline is dissolved from the member polygons: same surface, one polygon per
    // piece, outer rings counter-clockwise (RFC 7946).
    let territory = get("/api/territory").await;
    let polygons: BTreeSet<String> = territory["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| codes.contains(&m["code"].as_str().unwrap().to_string()))
        .map(|m| m["polygon"].as_str().unwrap().to_string())
        .collect();
    let members: BTreeSet<String> = p["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(members, polygons);
    let boundaries = get("/api/territory/boundaries").await;
    let parts: f64 = boundaries["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| polygons.contains(f["properties"]["istat_code"].as_str().unwrap()))
        .map(|f| geometry_area(&f["geometry"]))
        .sum();
    let g = &seriate["geometry"];
    assert_eq!(g["type"], "MultiPolygon");
    let dissolved = geometry_area(g);
    assert!(
        (dissolved - parts).abs() < 1e-6 * parts,
        "dissolved {dissolved} vs parts {parts}"
    );
    for poly in g["coordinates"].as_array().unwrap() {
        assert!(ring_area(&poly[0]) > 0.0, "outer ring counter-clockwise");
    }
    assert!(
        g["coordinates"].as_array().unwrap().len() < members.len(),
        "dissolved, not the member polygons side by side"
    );

    // Bad input: refused with the code, as the audit refuses it.
    let (st, e) = send(
        reqwest::Method::POST,
        "/api/export/districts.geojson",
        &json!({ "assignment": { "999999": "X" } }),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"].as_str().unwrap().contains("999999"), "{e}");
    let r = client()
        .post(format!("{}/api/export/districts.geojson", server()))
        .header("content-type", "application/json")
        .body(r#"{"assignment":{"016115":"A","016115":"B"}}"#)
        .send()
        .await
        .unwrap();
    let (st, e) = common::status_and_json(r).await;
    assert!(st.is_client_error(), "{st}");
    assert!(e["error"].as_str().unwrap().contains("given twice"), "{e}");
}

#[tokio::test]
async fn comuni_exports_of_an_unsaved_map_match_the_saved_exports() {
    // The page's CSV and GeoJSON (comuni) buttons post the current edit; what they get is
    // what the GET exports of the same map saved as a scenario give.
    let map = ambiti_2017().await;
    let v = create("api export unsaved", map.clone()).await;
    let id = v["scenario_id"].as_i64().unwrap();
    let saved_csv = get_text(&format!("/api/scenarios/{id}/export.csv")).await;
    let r = client()
        .post(format!("{}/api/export/comuni.csv", server()))
        .json(&json!({ "assignment": map, "name": "my edit" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"my-edit.csv\""
    );
    let csv = r.text().await.unwrap();
    assert_eq!(csv, saved_csv);
    assert_eq!(csv.lines().count(), 1 + map.as_object().unwrap().len());
    let saved_geo = get(&format!("/api/scenarios/{id}/export.geojson")).await;
    let (st, geo) = send(
        reqwest::Method::POST,
        "/api/export/comuni.geojson",
        &json!({ "assignment": map }),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(geo["features"], saved_geo["features"]);
    assert_eq!(geo["features"].as_array().unwrap().len(), 1506);
    let seriate = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["district"] == "Seriate")
        .count();
    assert_eq!(seriate, 11);
    // Bad input: refused with the code.
    for route in ["/api/export/comuni.csv", "/api/export/comuni.geojson"] {
        let (st, e) = send(
            reqwest::Method::POST,
            route,
            &json!({ "assignment": { "999999": "X" } }),
        )
        .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{route}");
        assert!(
            e["error"].as_str().unwrap().contains("999999"),
            "{route}: {e}"
        );
    }
}

#[tokio::test]
async fn live_validation_by_deltas_matches_the_whole_audit() {
    let map = ambiti_2017().await;
    let (st, start) = send(
        reqwest::Method::POST,
        "/api/audit/live",
        &json!({ "assignment": map }),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{start}");
    assert_eq!(start["full"], true);
    assert_eq!(start["summary"]["districts"], 5);
    assert_eq!(district(&start, "Seriate")["population"], 77_716);
    let session = start["session"].as_u64().unwrap();
    assert_eq!(start["seq"], 0);
    // Ghisalba (016113, 6,170 inhabitants) from Romano di Lombardia to Seriate.
    let (st, d) = send(
        reqwest::Method::POST,
        "/api/audit/live",
        &json!({ "session": session, "base": 0, "changes": { "016113": "Seriate" } }),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    assert_eq!(d["full"], false);
    assert_eq!(d["seq"], 1);
    let changed: BTreeSet<&str> = d["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(changed, BTreeSet::from(["Romano di Lombardia", "Seriate"]));
    let row = |name: &str| {
        d["changed"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(row("Seriate")["population"], 77_716 + 6_170);
    assert_eq!(row("Romano di Lombardia")["population"], 84_880 - 6_170);
    assert!(row("Seriate")["class_in_words"].as_str().unwrap().len() > 10);
    // The same figures as a whole audit of the edited map.
    let mut edited = map.clone();
    edited["016113"] = json!("Seriate");
    let (_, whole) = send(
        reqwest::Method::POST,
        "/api/audit",
        &json!({ "assignment": edited, "closing_mergers": "skip" }),
    )
    .await;
    assert_eq!(d["summary"], whole["summary"]);
    for name in &changed {
        assert_eq!(row(name), *district(&whole, name), "{name}");
    }
    // Seriate's 12 comuni out of every district: Seriate is removed.
    let out: serde_json::Map<String, Value> = edited
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, d)| *d == "Seriate")
        .map(|(c, _)| (c.clone(), Value::Null))
        .collect();
    assert_eq!(out.len(), 12);
    let (st, d2) = send(
        reqwest::Method::POST,
        "/api/audit/live",
        &json!({ "session": session, "base": 1, "changes": out }),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{d2}");
    assert_eq!(d2["removed"], json!(["Seriate"]));
    assert_eq!(d2["summary"]["districts"], 4);
    assert_eq!(d2["summary"]["unassigned_municipalities"], 1_428 + 12);
    // Out of step (an answer missed), unknown session, bad code: refused, nothing applied.
    let (st, e) = send(
        reqwest::Method::POST,
        "/api/audit/live",
        &json!({ "session": session, "base": 1, "changes": {} }),
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "{e}");
    assert!(e["error"].as_str().unwrap().contains("out of step"), "{e}");
    let (st, _) = send(
        reqwest::Method::POST,
        "/api/audit/live",
        &json!({ "session": 999_999, "base": 0, "changes": {} }),
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, e) = send(
        reqwest::Method::POST,
        "/api/audit/live",
        &json!({ "session": session, "base": 2, "changes": { "999999": "X" } }),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"].as_str().unwrap().contains("999999"), "{e}");
    let (st, d3) = send(
        reqwest::Method::POST,
        "/api/audit/live",
        &json!({ "session": session, "base": 2, "changes": {} }),
    )
    .await;
    assert_eq!(
        st,
        StatusCode::OK,
        "the refused edit left the session at 2: {d3}"
    );
}
