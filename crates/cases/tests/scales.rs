//! Crisp and fuzzy matrices, and assessments with fuzzy scores and unknowns.

use ambit_cases::matrix::{ConditionSpec, Matrix, MatrixSpec, Scale, UnknownPolicy};
use ambit_cases::{assess, Case, CaseTable, Model, Prediction, Profile};

fn spec(scale: Scale) -> MatrixSpec {
    MatrixSpec {
        conditions: vec!["X".parse().unwrap()],
        outcome: Some(ConditionSpec {
            name: "Y".into(),
            at_least: None,
        }),
        scale,
        unknowns: UnknownPolicy::Refuse,
    }
}

#[test]
fn fuzzy_scores_stay_fuzzy_or_are_dichotomised_at_the_crossover() {
    let t = CaseTable::from_csv("case,X,Y\na,0.8,1\nb,0.33,0\nc,1,1\n", "f.csv").unwrap();
    let m = Matrix::build(&t, &spec(Scale::Fuzzy)).unwrap();
    assert_eq!(m.to_csv(), "case,X,Y\na,0.8,1\nb,0.33,0\nc,1,1\n");
    assert!(m.dichotomised.is_empty());
    let m = Matrix::build(&t, &spec(Scale::Crisp)).unwrap();
    assert_eq!(m.to_csv(), "case,X,Y\na,1,1\nb,0,0\nc,1,1\n");
    assert_eq!(
        m.dichotomised,
        [
            ("a".to_string(), "X".to_string(), 0.8),
            ("b".to_string(), "X".to_string(), 0.33)
        ]
    );
    let t = CaseTable::from_csv("case,X,Y\na,0.5,1\n", "f.csv").unwrap();
    let e = Matrix::build(&t, &spec(Scale::Crisp)).unwrap_err();
    assert!(e.to_string().contains("exactly 0.5"), "{e}");
    assert!(e.to_string().starts_with("f.csv:2: field `X` = 0.5"), "{e}");
}

fn partnership(structures: &str) -> Case {
    let text = format!(
        "id = \"P\"\nname = \"p\"\n[structures]\n{structures}\n[actors.roles]\nsponsor = 0.3\n"
    );
    Case::from_toml(&text, "p.toml", Profile::Partnership).unwrap()
}

#[test]
fn fuzzy_assessment_uses_min_and_max() {
    let model = Model::builtin("study-2018").unwrap().unwrap();
    let a = assess(&model, &partnership("ties = 0.8\ntrust = 0.6")).unwrap();
    // LEAD = max(sponsor 0.3, champion ?, catalyst ?) is partly unknown: [0.3, 1]
    let lead = a.conditions["LEAD"].membership;
    assert_eq!((lead.low, lead.high), (0.3, 1.0));
    // success = max(min(0.8, 0.6), LEAD) = [0.6, 1]; failure = min(1 - 0.6, 1 - LEAD) = [0, 0.4]
    assert_eq!((a.membership.low, a.membership.high), (0.6, 1.0));
    assert!((a.failure_membership.high - 0.4).abs() < 1e-12);
    assert_eq!(a.failure_membership.low, 0.0);
    assert_eq!(a.predicted, Prediction::Success);
    assert!(!a.rests_on_unknowns);
    assert!(!a.rests_on_assumptions);
}

#[test]
fn unknowns_that_could_swing_the_outcome_leave_it_undetermined() {
    let model = Model::builtin("study-2018").unwrap().unwrap();
    let text = "id = \"P\"\nname = \"p\"\n[structures]\nties = true\ntrust = \"unknown\"\n[actors.roles]\nsponsor = false\nchampion = false\ncatalyst = false\n";
    let p = Case::from_toml(text, "p.toml", Profile::Partnership).unwrap();
    let a = assess(&model, &p).unwrap();
    assert_eq!(a.predicted, Prediction::Undetermined);
    assert!(a.rests_on_unknowns);
    assert_eq!(a.unknown_conditions, ["TRUST"]);
    assert_eq!(a.paths[0].unknown, ["TRUST"]);
    assert_eq!(a.paths[1].missing, ["LEAD"]);
}

#[test]
fn a_model_without_failure_paths_reads_failure_as_negation() {
    let model = Model::from_expressions("m", "SUCCESS", "TIES + LEAD", None).unwrap();
    let a = assess(&model, &partnership("ties = false")).unwrap();
    // LEAD is [0.3, 1]: the outcome depends on the unknown champion and catalyst
    assert_eq!(a.predicted, Prediction::Undetermined);
    assert!(a
        .assumptions
        .iter()
        .any(|x| x.kind == "failure_by_negation"));
    let e = assess(
        &Model::from_expressions("m", "SUCCESS", "TIES + NMUN", None).unwrap(),
        &partnership("ties = false"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("NMUN is a count"), "{e}");
    let e = assess(
        &Model::from_expressions("m", "SUCCESS", "TIES + WEALTH", None).unwrap(),
        &partnership("ties = false"),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("WEALTH is not a case condition"),
        "{e}"
    );
}
