//! The four shipped case files, turned into a matrix and run through the QCA engine, reproduce
//! R QCA 3.25.1's `seed_imc` results: sufficiency `TIES` for SUCCESS, `~TIES` for ~SUCCESS.

use ambit_cases::collection::Collection;
use ambit_cases::derive::{model_from_cases, SolutionKind};
use ambit_cases::matrix::{ConditionSpec, Matrix, MatrixSpec, Scale, UnknownPolicy};
use ambit_cases::{assess, CaseTable, Model, Prediction, Support};
use ambit_qca::{minimize, MinParams, TruthTable, TtParams};
use serde_json::Value;
use std::path::Path;

fn table() -> CaseTable {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../cases/lombardy-2018");
    Collection::load(&[dir]).unwrap().table().unwrap()
}

fn spec(conds: &[&str]) -> MatrixSpec {
    MatrixSpec {
        conditions: conds.iter().map(|c| c.parse().unwrap()).collect(),
        outcome: Some(ConditionSpec {
            name: "SUCCESS".into(),
            at_least: None,
        }),
        scale: Scale::Crisp,
        unknowns: UnknownPolicy::Refuse,
    }
}

fn expected() -> Value {
    serde_json::from_str(include_str!("fixtures/seed_imc/expected.json")).unwrap()
}

fn analysis(id: &str) -> Value {
    expected()["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .cloned()
        .unwrap()
}

fn models(v: &Value) -> Vec<Vec<String>> {
    serde_json::from_value(v["result"]["models"].clone()).unwrap()
}

fn data() -> ambit_qca::DataMatrix {
    let m = Matrix::build(&table(), &spec(&["TIES", "LEAD"])).unwrap();
    m.to_data_matrix("lombardy-2018").unwrap()
}

fn solve(outcome: &str, remainders: bool, dir_exp: &[&str]) -> ambit_qca::Solution {
    let tt = TruthTable::build(&data(), &TtParams::new(outcome)).unwrap();
    let params = MinParams {
        include_remainders: remainders,
        dir_exp: dir_exp.iter().map(|s| s.to_string()).collect(),
        ..MinParams::default()
    };
    minimize(&tt, &params).unwrap()
}

#[test]
fn the_truth_table_is_r_qcas() {
    let tt = TruthTable::build(&data(), &TtParams::new("SUCCESS")).unwrap();
    let exp = &analysis("tt")["result"];
    assert_eq!(tt.conditions, ["TIES", "LEAD"]);
    let rows = exp["observed_rows"].as_array().unwrap();
    assert_eq!(tt.observed_rows.len(), rows.len());
    for (ours, r) in tt.observed_rows.iter().zip(rows) {
        assert_eq!(ours.row, r["row"].as_u64().unwrap());
        let values: Vec<u8> = serde_json::from_value(r["values"].clone()).unwrap();
        assert_eq!(ours.values, values);
        assert_eq!(ours.out.symbol(), r["OUT"].as_str().unwrap());
        assert_eq!(ours.n as u64, r["n"].as_u64().unwrap());
        assert!((ours.incl - r["incl"].as_f64().unwrap()).abs() < 1e-9);
        assert!((ours.pri - r["PRI"].as_f64().unwrap()).abs() < 1e-9);
        let cases: Vec<String> = serde_json::from_value(r["cases"].clone()).unwrap();
        assert_eq!(ours.cases, cases);
    }
}

#[test]
fn sufficiency_is_ties_and_failure_is_not_ties() {
    for (id, outcome, remainders, dir_exp) in [
        ("conservative", "SUCCESS", false, &[][..]),
        ("parsimonious", "SUCCESS", true, &[][..]),
        ("neg_conservative", "~SUCCESS", false, &[][..]),
        ("neg_parsimonious", "~SUCCESS", true, &[][..]),
    ] {
        let s = solve(outcome, remainders, dir_exp);
        assert_eq!(s.models, models(&analysis(id)), "{id}");
        let fit = &analysis(id)["result"]["fit"]["models"][0]["model_fit"];
        let ours = &s.fit.models[0].model_fit;
        assert!(
            (ours.incl_s - fit["inclS"].as_f64().unwrap()).abs() < 1e-9,
            "{id}"
        );
        assert!(
            (ours.cov_s - fit["covS"].as_f64().unwrap()).abs() < 1e-9,
            "{id}"
        );
    }
    assert_eq!(solve("SUCCESS", false, &[]).models, [["TIES"]]);
    assert_eq!(solve("~SUCCESS", true, &[]).models, [["~TIES"]]);
    // intermediate with both expected to contribute: still TIES, no easy counterfactual
    let s = solve("SUCCESS", true, &["TIES", "LEAD"]);
    assert_eq!(s.intermediate[0].models, [["TIES"]]);
    assert!(s.intermediate[0].easy_counterfactuals.is_empty());
}

#[test]
fn a_model_derived_from_the_cases_predicts_their_outcomes() {
    let t = table();
    let d = model_from_cases(
        &t,
        &spec(&["TIES", "LEAD"]),
        SolutionKind::Parsimonious,
        &[],
        "lombardy-2018",
    )
    .unwrap();
    assert_eq!(d.model.success.to_string(), "TIES");
    assert_eq!(d.model.failure.as_ref().unwrap().to_string(), "~TIES");
    // TIES covers only observed rows; ~TIES covers the remainder TIES=0, LEAD=1
    assert_eq!(d.model.success_paths[0].support, Support::Data);
    assert_eq!(
        d.model.failure_paths[0].support,
        Support::SimplifyingAssumption
    );
    assert!(d.model.failure_paths[0]
        .note
        .as_deref()
        .unwrap()
        .contains("row 2 (TIES=0, LEAD=1)"));
    let cases =
        Collection::load(
            &[Path::new(env!("CARGO_MANIFEST_DIR")).join("../../cases/lombardy-2018")],
        )
        .unwrap()
        .cases;
    for c in &cases {
        let a = assess(&d.model, c).unwrap();
        assert_eq!(Some(a.predicted), a.partnership.observed, "{}", c.id);
    }
    // conservative: the failure path is ~TIES*~LEAD and rests on the data
    let d = model_from_cases(
        &t,
        &spec(&["TIES", "LEAD"]),
        SolutionKind::Conservative,
        &[],
        "lombardy-2018",
    )
    .unwrap();
    assert_eq!(d.model.failure.as_ref().unwrap().to_string(), "~TIES*~LEAD");
    assert_eq!(d.model.failure_paths[0].support, Support::Data);
}

#[test]
fn a_leadership_only_partnership_is_uncovered_by_the_data_but_predicted_by_the_study() {
    let text = "id = \"P\"\nname = \"p\"\n[structures]\nties = false\ntrust = false\n[actors.roles]\nsponsor = true\n";
    let p =
        ambit_cases::Case::from_toml(text, "p.toml", ambit_cases::Profile::Partnership).unwrap();
    let study = Model::builtin("study-2018").unwrap().unwrap();
    let a = assess(&study, &p).unwrap();
    assert_eq!(a.predicted, Prediction::Success);
    assert!(a.rests_on_assumptions);
    assert_eq!(a.data_only.predicted, Prediction::Uncovered);

    let d = model_from_cases(
        &table(),
        &spec(&["TIES", "LEAD"]),
        SolutionKind::Conservative,
        &[],
        "lombardy-2018",
    )
    .unwrap();
    let a = assess(&d.model, &p).unwrap();
    assert_eq!(a.predicted, Prediction::Uncovered);
}

#[test]
fn unknowns_reach_qca_only_through_the_chosen_policy() {
    // HOMO is unknown for D: refused by default, dropped on request and named in the model
    let mut s = spec(&["TIES", "HOMO"]);
    let err = model_from_cases(&table(), &s, SolutionKind::Conservative, &[], "x").unwrap_err();
    assert!(
        err.to_string().contains("HOMO is unknown for case D"),
        "{err}"
    );
    s.unknowns = UnknownPolicy::DropCases;
    let d = model_from_cases(&table(), &s, SolutionKind::Conservative, &[], "x").unwrap();
    assert_eq!(d.matrix.cases, ["A", "B", "C"]);
    let note = d.model.provenance.note.unwrap();
    assert!(note.contains("dropped 1 of 4"), "{note}");
}

#[test]
fn a_remainder_configuration_is_not_the_same_as_an_observed_one() {
    // D is dropped (HOMO unknown); the candidate TIES=0, LEAD=1, HOMO=1 matches C on TIES but
    // no observed case on all three conditions: the failure path ~TIES covers it only by a
    // simplifying assumption.
    let mut s = spec(&["TIES", "LEAD", "HOMO"]);
    s.unknowns = UnknownPolicy::DropCases;
    let d = model_from_cases(&table(), &s, SolutionKind::Parsimonious, &[], "x").unwrap();
    assert_eq!(d.model.failure.as_ref().unwrap().to_string(), "~TIES");
    let text = "id = \"P\"\nname = \"p\"\n[structures]\nties = false\n[actors]\npolitical_homophily = true\n[actors.roles]\nsponsor = true\n";
    let p =
        ambit_cases::Case::from_toml(text, "p.toml", ambit_cases::Profile::Partnership).unwrap();
    let a = assess(&d.model, &p).unwrap();
    assert_eq!(a.predicted, Prediction::Failure);
    assert!(a.data_only.same_configuration.is_empty());
    let nearest: Vec<(&str, Vec<String>)> = a
        .reference_cases
        .iter()
        .map(|r| (r.case.as_str(), r.differs_on.clone()))
        .collect();
    // A (success) differs on TIES, C (failure) on LEAD: the candidate sits between them
    assert_eq!(nearest[0], ("A", vec!["TIES".to_string()]));
    assert_eq!(nearest[1], ("C", vec!["LEAD".to_string()]));
    assert!(a.rests_on_assumptions);
    assert!(a
        .assumptions
        .iter()
        .any(|x| x.kind == "simplifying_assumption" && x.subject == "~TIES"));
}
