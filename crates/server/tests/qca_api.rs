//! QCA over stored case files, through the JSON API on a real loopback server: the study's four
//! cases stored as case files give the solutions computed by hand from their coding
//! (`cases/lombardy-2018/CODING.md`) and by the library path of `ambit assess --cases` on the
//! same files; a bad case set is refused with every problem and nothing is stored.

mod common;

use ambit_cases::collection::Collection;
use ambit_cases::derive::{model_from_cases, SolutionKind};
use ambit_cases::{ConditionSpec, MatrixSpec, Scale, UnknownPolicy};
use common::server;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::PathBuf;

fn study_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../cases/lombardy-2018")
}

async fn send(method: Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", server()));
    if let Some(b) = body {
        req = req.json(b);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Stores a case file under `name` and returns its id.
async fn store(name: &str, content: &str) -> i64 {
    let (st, rec) = send(
        Method::POST,
        "/api/case-files",
        Some(&json!({ "name": name, "content": content })),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{name}: {rec}");
    rec["id"].as_i64().unwrap()
}

/// Stores the four study cases as `{prefix}-a.toml`... (names are unique in the store, and the
/// tests share one server) and returns their ids.
async fn store_study(prefix: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for c in ["a", "b", "c", "d"] {
        let text = std::fs::read_to_string(study_dir().join(format!("{c}.toml"))).unwrap();
        ids.push(store(&format!("{prefix}-{c}.toml"), &text).await);
    }
    ids
}

async fn run(body: Value) -> (StatusCode, Value) {
    send(Method::POST, "/api/qca", Some(&body)).await
}

fn solution<'a>(analysis: &'a Value, kind: &str) -> &'a Value {
    analysis["result"]["solutions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} solution in {analysis}"))
}

fn expressions(analysis: &Value, kind: &str) -> Vec<String> {
    solution(analysis, kind)["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["expression"].as_str().unwrap().to_string())
        .collect()
}

fn spec(conditions: &[&str]) -> MatrixSpec {
    MatrixSpec {
        conditions: conditions.iter().map(|c| c.parse().unwrap()).collect(),
        outcome: Some(ConditionSpec {
            name: "SUCCESS".into(),
            at_least: None,
        }),
        scale: Scale::Crisp,
        unknowns: UnknownPolicy::Refuse,
    }
}

#[tokio::test]
async fn the_study_cases_give_the_studys_solution() {
    let ids = store_study("run").await;
    let (st, a) = run(json!({ "case_files": ids, "dir_exp": ["LEAD"] })).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    assert_eq!(a["kind"], "qca");
    // Default conditions: the study's own QCA (seed_imc), TIES and LEAD.
    assert_eq!(a["input"]["conditions"], json!(["TIES", "LEAD"]));
    assert_eq!(a["input"]["case_files"][0]["name"], "run-a.toml");
    assert_eq!(a["input"]["case_files"][0]["version"], 1);
    let r = &a["result"];
    assert_eq!(r["outcome"], "SUCCESS");
    // CODING.md: TIES 1,1,0,0; LEAD 1,0,0,0; SUCCESS 1,1,0,0 for A, B, C, D.
    assert_eq!(r["matrix"]["columns"], json!(["TIES", "LEAD", "SUCCESS"]));
    assert_eq!(r["matrix"]["cases"], json!(["A", "B", "C", "D"]));
    assert_eq!(
        r["matrix"]["values"],
        json!([
            [1.0, 1.0, 1.0],
            [1.0, 0.0, 1.0],
            [0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0]
        ])
    );
    // Truth table rows (TIES, LEAD) numbered from 1: 00 -> C, D fail; 10 -> B; 11 -> A.
    let rows: Vec<(u64, String, String)> = r["truth_table"]["observed_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["row"].as_u64().unwrap(),
                row["OUT"].as_str().unwrap().to_string(),
                row["cases"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (1, "0".into(), r#"["C","D"]"#.into()),
            (3, "1".into(), r#"["B"]"#.into()),
            (4, "1".into(), r#"["A"]"#.into())
        ]
    );
    // Rows 3 and 4 differ only in LEAD, so they merge into TIES: both cases with TIES succeeded
    // (consistency 2/2) and both successes have TIES (coverage 2/2), in every solution.
    for kind in ["conservative", "parsimonious", "intermediate"] {
        assert_eq!(expressions(&a, kind), ["TIES"], "{kind}");
        let m = &solution(&a, kind)["models"][0];
        assert_eq!(m["fit"]["inclS"], 1.0);
        assert_eq!(m["fit"]["covS"], 1.0);
        assert_eq!(m["terms"][0]["term"], "TIES");
        assert_eq!(m["terms"][0]["cases"], "B; A");
    }

    // The library path `ambit assess --cases cases/lombardy-2018 --conditions TIES,LEAD` takes
    // on the repository's files: the same models and the same fit, number for number.
    let table = Collection::load(&[study_dir()]).unwrap().table().unwrap();
    for kind in [SolutionKind::Conservative, SolutionKind::Parsimonious] {
        let d = model_from_cases(&table, &spec(&["TIES", "LEAD"]), kind, &[], "t").unwrap();
        let ours = &solution(&a, kind.as_str())["models"][0];
        let lib = &d.success.fit.models[0];
        assert_eq!(ours["fit"]["inclS"], lib.model_fit.incl_s);
        assert_eq!(ours["fit"]["covS"], lib.model_fit.cov_s);
        assert_eq!(ours["fit"]["PRI"], lib.model_fit.pri);
        assert_eq!(ours["terms"][0]["covS"], lib.term_fit[0].cov_s);
        assert_eq!(ours["expression"], d.success.models[0].join(" + "));
    }

    // The absence of the outcome: C and D lack both ties and leadership.
    let (st, neg) = run(json!({ "case_files": ids, "outcome": "~SUCCESS" })).await;
    assert_eq!(st, StatusCode::CREATED, "{neg}");
    assert_eq!(expressions(&neg, "conservative"), ["~TIES*~LEAD"]);
    // Parsimonious: ~TIES, assuming the unobserved row 2 (~TIES*LEAD) fails too.
    assert_eq!(expressions(&neg, "parsimonious"), ["~TIES"]);
    let m = &solution(&neg, "parsimonious")["models"][0];
    assert_eq!(m["assumptions"], json!([{ "row": 2, "values": [0, 1] }]));

    // Leadership alone: A is its only case (consistency 1/1) and one of two successes
    // (coverage 1/2); the row without it holds B, C and D (consistency 1/3, negative).
    let (st, lead) = run(json!({ "case_files": ids, "conditions": ["LEAD"] })).await;
    assert_eq!(st, StatusCode::CREATED, "{lead}");
    assert_eq!(expressions(&lead, "conservative"), ["LEAD"]);
    let m = &solution(&lead, "conservative")["models"][0];
    assert_eq!(m["fit"]["inclS"], 1.0);
    assert_eq!(m["fit"]["covS"], 0.5);
    let row0 = &lead["result"]["truth_table"]["observed_rows"][0];
    assert!((row0["incl"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);

    // Stored: read back whole, and listed with its solutions.
    let id = a["id"].as_i64().unwrap();
    let (st, back) = send(Method::GET, &format!("/api/qca/analyses/{id}"), None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(back, a);
    let (_, list) = send(Method::GET, "/api/qca/analyses", None).await;
    let item = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .expect("listed");
    assert_eq!(item["solutions"]["parsimonious"], json!(["TIES"]));
    assert_eq!(
        item["case_files"],
        json!(["run-a.toml", "run-b.toml", "run-c.toml", "run-d.toml"])
    );
    // Newest first.
    let pos = |x: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .position(|i| i["id"] == x["id"])
    };
    assert!(pos(&lead) < pos(&a));
}

/// Every stored QCA run that read one of `ids`.
async fn runs_reading(ids: &[i64]) -> usize {
    let (_, list) = send(Method::GET, "/api/qca/analyses", None).await;
    let mut n = 0;
    for item in list.as_array().unwrap() {
        let (_, a) = send(
            Method::GET,
            &format!("/api/qca/analyses/{}", item["id"]),
            None,
        )
        .await;
        let read: Vec<i64> = a["input"]["case_files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_i64().unwrap())
            .collect();
        n += usize::from(read.iter().any(|r| ids.contains(r)));
    }
    n
}

#[tokio::test]
async fn a_bad_case_set_is_refused_and_nothing_is_stored() {
    let ids = store_study("bad").await;
    let partnership = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../cases/examples/partnership.toml"),
    )
    .unwrap();
    // A candidate partnership is a valid case file, but not a study case (no outcome).
    let p = store("bad-partnership.toml", &partnership).await;
    let (st, e) = run(json!({ "case_files": [ids[0], ids[2], p] })).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"].as_str().unwrap().contains("nothing was stored"));
    let problems: Vec<&str> = e["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        problems.iter().any(|p| p
            .starts_with("bad-partnership.toml: field `performance`: missing table [performance]")),
        "{problems:?}"
    );
    assert!(problems
        .iter()
        .all(|p| p.starts_with("bad-partnership.toml")));

    // Unknowns refused, each named with its stored file, line, field and value.
    let (st, e) = run(json!({ "case_files": ids, "conditions": ["TIES", "FORMAL"] })).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let errors = e["details"]["errors"].as_array().unwrap();
    let files: Vec<&str> = errors.iter().map(|x| x["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["bad-a.toml", "bad-d.toml"]);
    let a_text = std::fs::read_to_string(study_dir().join("a.toml")).unwrap();
    let line = a_text
        .lines()
        .position(|l| l == "[processes.formal_planning]")
        .unwrap();
    // The line of the field's table in the stored text (1-based), as `ambit cases matrix` says.
    assert_eq!(errors[0]["line"], line + 1, "{}", errors[0]);
    assert_eq!(errors[0]["field"], "processes.formal_planning");
    assert_eq!(errors[0]["value"], "\"unknown\"");

    // Bad options: every one named at once.
    let (st, e) = run(json!({
        "case_files": [ids[0], ids[0], 999_999],
        "conditions": ["TIES", "1X"],
        "outcome": "~"
    }))
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let fields: Vec<&str> = e["details"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["outcome", "conditions", "case_files"]);
    let (st, e) = run(json!({ "case_files": [ids[0], 999_999] })).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(
        e["details"]["problems"],
        json!(["no stored case file 999999"])
    );
    for body in [
        json!({ "case_files": [] }),
        json!({ "case_files": ids, "incl_cut": 1.5 }),
        json!({ "case_files": ids, "dir_exp": ["HOMO"] }),
    ] {
        let (st, e) = run(body.clone()).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {e}");
    }
    // None of these runs was stored.
    let mut all = ids.clone();
    all.push(p);
    assert_eq!(runs_reading(&all).await, 0);

    // Dropping the cases with unknowns runs, and says so.
    let (st, a) = run(json!({
        "case_files": ids, "conditions": ["TIES", "FORMAL"], "unknown": "drop"
    }))
    .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    assert_eq!(a["result"]["matrix"]["cases"], json!(["B", "C"]));
    assert!(a["result"]["notes"][0]
        .as_str()
        .unwrap()
        .contains("dropped 2 of 4 case(s)"));
    assert_eq!(runs_reading(&all).await, 1);
}

#[tokio::test]
async fn other_analyses_are_not_qca_runs_and_conditions_are_listed() {
    let id = store(
        "other-partnership.toml",
        "id = \"P\"\nname = \"p\"\n[structures]\nties = true\ntrust = 1\n",
    )
    .await;
    let (st, a) = send(Method::POST, &format!("/api/case-files/{id}/assess"), None).await;
    assert_eq!(st, StatusCode::OK, "{a}");
    let analysis = a["analysis_id"].as_i64().unwrap();
    let (st, _) = send(Method::GET, &format!("/api/qca/analyses/{analysis}"), None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, list) = send(Method::GET, "/api/qca/analyses", None).await;
    assert!(list.as_array().unwrap().iter().all(|x| x["id"] != analysis));

    let (st, c) = send(Method::GET, "/api/qca/conditions", None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(c["default_conditions"], json!(["TIES", "LEAD"]));
    assert_eq!(c["default_outcome"], "SUCCESS");
    let nplans = c["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "NPLANS")
        .unwrap();
    assert_eq!(nplans["kind"], "count");
    assert_eq!(nplans["field"], "structures.area_plans");
}
