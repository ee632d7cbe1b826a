//! The store against real SQLite files: migrations, history, concurrency, atomicity.

use ambit_store::{ScenarioContent, Store, StoreError, SCHEMA_VERSION};
use ambit_territory::MunicipalityCode;
use proptest::prelude::*;
use serde_json::json;

fn code(s: &str) -> MunicipalityCode {
    MunicipalityCode::parse(s).unwrap()
}

fn content(pairs: &[(&str, &str)], notes: &str) -> ScenarioContent {
    ScenarioContent {
        assignment: pairs
            .iter()
            .map(|(c, d)| (code(c), d.to_string()))
            .collect(),
        notes: notes.to_string(),
        ..ScenarioContent::default()
    }
}

#[test]
fn new_file_is_migrated_and_reopens_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("studio.db");
    {
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        store
            .create_scenario("A", &content(&[("012001", "d1")], "n"), "created")
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let list = store.list_scenarios().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "A");
    let s = store.scenario(list[0].id).unwrap();
    assert_eq!(s.content.assignment[&code("012001")], "d1");
}

#[test]
fn newer_schema_is_refused_with_the_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    {
        let conn = rusqlite_conn(&path);
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 7)
            .unwrap();
    }
    match Store::open(&path) {
        Err(StoreError::NewerSchema {
            found, supported, ..
        }) => {
            assert_eq!(found, SCHEMA_VERSION + 7);
            assert_eq!(supported, SCHEMA_VERSION);
        }
        Err(other) => panic!("wrong error: {other}"),
        Ok(_) => panic!("a newer schema must be refused"),
    }
}

fn rusqlite_conn(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn history_undo_and_restore_keep_every_version() {
    let mut store = Store::open_in_memory().unwrap();
    let v1 = store
        .create_scenario("plan", &content(&[("012001", "a")], "one"), "created")
        .unwrap();
    let id = v1.scenario_id;
    let v2 = store
        .save_scenario(id, 1, &content(&[("012001", "b")], "two"), "moved Agra")
        .unwrap();
    assert_eq!((v2.version, v2.head_version), (2, 2));
    // Undo = restore the previous version, appended as version 3.
    let v3 = store.restore_version(id, 1, 2).unwrap();
    assert_eq!(v3.version, 3);
    assert_eq!(v3.content, v1.content);
    assert_eq!(v3.message, "restore version 1");
    let hist = store.history(id).unwrap();
    let versions: Vec<i64> = hist.iter().map(|h| h.version).collect();
    assert_eq!(versions, [1, 2, 3]);
    assert_eq!(hist[1].message, "moved Agra");
    // Older versions are untouched and report the head.
    let old = store.scenario_version(id, 2).unwrap();
    assert_eq!(old.content.notes, "two");
    assert_eq!(old.head_version, 3);
}

#[test]
fn stale_save_is_a_conflict_and_changes_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let v1 = store
        .create_scenario("s", &content(&[], "base"), "created")
        .unwrap();
    let id = v1.scenario_id;
    // Two planners load version 1; the first saves.
    store
        .save_scenario(id, 1, &content(&[], "alice"), "alice")
        .unwrap();
    let err = store
        .save_scenario(id, 1, &content(&[], "bob"), "bob")
        .unwrap_err();
    match err {
        StoreError::Conflict {
            expected, actual, ..
        } => assert_eq!((expected, actual), (1, 2)),
        other => panic!("wrong error: {other}"),
    }
    let head = store.scenario(id).unwrap();
    assert_eq!((head.version, head.content.notes.as_str()), (2, "alice"));
    assert_eq!(store.history(id).unwrap().len(), 2);
    // Restoring on a stale base is refused too.
    assert!(matches!(
        store.restore_version(id, 1, 1),
        Err(StoreError::Conflict { .. })
    ));
}

#[test]
fn names_are_unique_and_checked() {
    let mut store = Store::open_in_memory().unwrap();
    store.create_scenario("x", &content(&[], ""), "c").unwrap();
    assert!(matches!(
        store.create_scenario(" x ", &content(&[], ""), "c"),
        Err(StoreError::NameTaken { .. })
    ));
    assert!(matches!(
        store.create_scenario("  ", &content(&[], ""), "c"),
        Err(StoreError::BadName { .. })
    ));
    let y = store.create_scenario("y", &content(&[], ""), "c").unwrap();
    assert!(matches!(
        store.rename_scenario(y.scenario_id, "x"),
        Err(StoreError::NameTaken { .. })
    ));
    store.rename_scenario(y.scenario_id, "z").unwrap();
    assert_eq!(store.scenario(y.scenario_id).unwrap().name, "z");
    assert_eq!(store.list_scenarios().unwrap().len(), 2);
}

#[test]
fn missing_records_are_not_found() {
    let mut store = Store::open_in_memory().unwrap();
    assert!(matches!(
        store.scenario(9),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.save_scenario(9, 1, &content(&[], ""), "m"),
        Err(StoreError::NotFound { .. })
    ));
    let v = store.create_scenario("s", &content(&[], ""), "c").unwrap();
    assert!(matches!(
        store.scenario_version(v.scenario_id, 5),
        Err(StoreError::NotFound { .. })
    ));
    store.delete_scenario(v.scenario_id, 1).unwrap();
    assert!(matches!(
        store.history(v.scenario_id),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn plans_case_files_and_analyses_round_trip() {
    let mut store = Store::open_in_memory().unwrap();
    let s = store.create_scenario("s", &content(&[], ""), "c").unwrap();
    let params = json!({"objective": "max-p", "seed": 7});
    let result = json!({"districts": 12});
    let pid = store
        .save_plan("run 1", Some(s.scenario_id), &params, &result)
        .unwrap();
    let plan = store.plan(pid).unwrap();
    assert_eq!(plan.params, params);
    assert_eq!(plan.result["districts"], 12);
    assert_eq!(plan.scenario_id, Some(s.scenario_id));
    assert_eq!(store.list_plans().unwrap()[0].name, "run 1");

    let cf = store.create_case_file("cases.toml", "a = 1\n").unwrap();
    assert_eq!(cf.version, 1);
    let cf2 = store.update_case_file(cf.id, 1, "a = 2\n").unwrap();
    assert_eq!((cf2.version, cf2.content.as_str()), (2, "a = 2\n"));
    assert!(matches!(
        store.update_case_file(cf.id, 1, "a = 3\n"),
        Err(StoreError::Conflict { actual: 2, .. })
    ));
    assert_eq!(store.case_file(cf.id).unwrap().content, "a = 2\n");

    let aid = store
        .save_analysis("qca", Some(cf.id), &json!({"outcome": "Y"}), &json!([1, 2]))
        .unwrap();
    let a = store.analysis(aid).unwrap();
    assert_eq!((a.kind.as_str(), a.case_file_id), ("qca", Some(cf.id)));
    assert_eq!(store.list_analyses().unwrap().len(), 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Whatever sequence of saves and restores, every version reads back exactly as written and
    /// versions are numbered 1..=n without gaps.
    #[test]
    fn every_version_reads_back_as_written(
        edits in proptest::collection::vec(
            (proptest::option::of(0usize..8), proptest::collection::btree_map("0120[0-9][0-9]", "d[0-3]", 0..6)),
            1..10,
        )
    ) {
        let mut store = Store::open_in_memory().unwrap();
        let first = ScenarioContent::default();
        let v = store.create_scenario("p", &first, "c").unwrap();
        let id = v.scenario_id;
        let mut expected = vec![first];
        for (restore, map) in edits {
            let head = expected.len() as i64;
            match restore {
                Some(k) => {
                    let target = (k % expected.len()) + 1;
                    store.restore_version(id, target as i64, head).unwrap();
                    expected.push(expected[target - 1].clone());
                }
                None => {
                    let c = ScenarioContent {
                        assignment: map.iter().map(|(k, d)| (code(k), d.clone())).collect(),
                        ..ScenarioContent::default()
                    };
                    store.save_scenario(id, head, &c, "edit").unwrap();
                    expected.push(c);
                }
            }
        }
        let hist = store.history(id).unwrap();
        prop_assert_eq!(hist.len(), expected.len());
        for (i, want) in expected.iter().enumerate() {
            let got = store.scenario_version(id, i as i64 + 1).unwrap();
            prop_assert_eq!(&got.content, want);
        }
    }
}

/// The message of a refused operation.
fn message<T>(r: Result<T, StoreError>) -> String {
    match r {
        Ok(_) => panic!("the store accepted what it should refuse"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn refusals_name_the_kind_the_record_and_the_versions() {
    let mut store = Store::open_in_memory().unwrap();
    let s = store.create_scenario("s", &content(&[], ""), "c").unwrap();
    let id = s.scenario_id;
    assert_eq!(
        message(store.create_scenario("s", &content(&[], ""), "c")),
        "scenario name \"s\" is already taken"
    );
    assert_eq!(
        message(store.rename_scenario(99, "t")),
        "scenario 99 not found"
    );
    assert_eq!(
        message(store.delete_scenario(id, 4)),
        format!("scenario {id} is at version 1, not 4: reload it and re-apply the edit")
    );
    assert_eq!(
        message(store.delete_scenario(99, 1)),
        "scenario 99 not found"
    );
    let cf = store.create_case_file("cases.toml", "a = 1\n").unwrap();
    assert_eq!(
        message(store.create_case_file(" cases.toml", "")),
        "case file name \"cases.toml\" is already taken"
    );
    assert_eq!(
        message(store.update_case_file(cf.id, 3, "")),
        format!(
            "case file {} is at version 1, not 3: reload it and re-apply the edit",
            cf.id
        )
    );
    assert_eq!(
        message(store.update_case_file(99, 1, "")),
        "case file 99 not found"
    );
    assert_eq!(message(store.plan(99)), "plan 99 not found");
    assert_eq!(message(store.analysis(99)), "analysis 99 not found");
    // A refused write changes nothing.
    assert_eq!(store.case_file(cf.id).unwrap().content, "a = 1\n");
    assert_eq!(store.scenario(id).unwrap().version, 1);
}

/// Two processes (two connections to one file) saving the same scenario at once: every save
/// either lands or is a version conflict, never a lost update and never a locking error.
#[test]
fn concurrent_saves_from_two_connections_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("studio.db");
    let id = Store::open(&path)
        .unwrap()
        .create_scenario("shared", &content(&[("016001", "A")], ""), "created")
        .unwrap()
        .scenario_id;
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                let (mut landed, mut conflicts) = (0, 0);
                for i in 0..25 {
                    let seen = store.scenario(id).unwrap().version;
                    let c = content(&[("016001", "A")], &format!("worker {w} edit {i}"));
                    match store.save_scenario(id, seen, &c, "edit") {
                        Ok(_) => landed += 1,
                        Err(StoreError::Conflict { .. }) => conflicts += 1,
                        Err(e) => panic!("worker {w}: {e}"),
                    }
                }
                (landed, conflicts)
            })
        })
        .collect();
    let results: Vec<(i64, i64)> = workers.into_iter().map(|h| h.join().unwrap()).collect();
    let landed: i64 = results.iter().map(|r| r.0).sum();
    assert_eq!(results.iter().map(|r| r.0 + r.1).sum::<i64>(), 50);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.scenario(id).unwrap().version, 1 + landed);
    assert_eq!(store.history(id).unwrap().len() as i64, 1 + landed);
}

#[test]
fn archiving_keeps_every_version_and_is_undone() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("studio.db")).unwrap();
    let v = store
        .create_scenario("kept", &content(&[("012001", "d1")], "n"), "created")
        .unwrap();
    let id = v.scenario_id;
    store
        .save_scenario(id, 1, &content(&[("012001", "d2")], "n"), "edit")
        .unwrap();
    store.archive_scenario(id).unwrap();
    let listed = store.list_scenarios().unwrap();
    let first = listed[0].archived_at.clone();
    assert!(first.is_some());
    // archiving again keeps the first date; the history is whole
    store.archive_scenario(id).unwrap();
    assert_eq!(store.list_scenarios().unwrap()[0].archived_at, first);
    assert_eq!(store.history(id).unwrap().len(), 2);
    assert_eq!(store.scenario(id).unwrap().version, 2);
    store.unarchive_scenario(id).unwrap();
    assert_eq!(store.list_scenarios().unwrap()[0].archived_at, None);
    assert!(matches!(
        store.archive_scenario(id + 99),
        Err(StoreError::NotFound { .. })
    ));
}
