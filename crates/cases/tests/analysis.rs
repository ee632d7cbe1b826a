//! A QCA run over the four study cases held in memory (as the studio's store holds them):
//! matrix, truth table and solutions with fit, checked against values computed by hand from
//! the coding in `cases/lombardy-2018/CODING.md` and against the model `ambit assess --cases`
//! derives from the same files.

use ambit_cases::analysis::{analyse, OutcomeSet, QcaRun, QcaSpec, STUDY_CONDITIONS};
use ambit_cases::collection::Collection;
use ambit_cases::derive::{model_from_cases, SolutionKind};
use ambit_cases::{CaseTable, ConditionSpec, MatrixSpec, Profile, Scale, UnknownPolicy};
use ambit_qca::InclCut;
use std::path::Path;

fn study() -> CaseTable {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../cases/lombardy-2018");
    let texts: Vec<(String, String)> = ["a", "b", "c", "d"]
        .iter()
        .map(|n| {
            let name = format!("{n}.toml");
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            (name, text)
        })
        .collect();
    Collection::from_texts(&texts, Profile::Case)
        .unwrap()
        .table()
        .unwrap()
}

fn spec(conditions: &[&str], unknowns: UnknownPolicy) -> QcaSpec {
    QcaSpec::new(MatrixSpec {
        conditions: conditions.iter().map(|c| c.parse().unwrap()).collect(),
        outcome: Some(ConditionSpec {
            name: "SUCCESS".into(),
            at_least: None,
        }),
        scale: Scale::Crisp,
        unknowns,
    })
}

fn expressions(run: &QcaRun, kind: SolutionKind) -> Vec<String> {
    run.solution(kind)
        .unwrap_or_else(|| panic!("no {kind:?} solution"))
        .models
        .iter()
        .map(|m| m.expression.clone())
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn the_study_conditions_give_ties_and_its_absence() {
    assert_eq!(STUDY_CONDITIONS, ["TIES", "LEAD"]);
    let mut s = spec(STUDY_CONDITIONS, UnknownPolicy::Refuse);
    s.dir_exp = vec!["LEAD".into()];
    let run = analyse(&study(), &s).unwrap();
    assert_eq!(run.outcome, "SUCCESS");
    assert_eq!(run.conditions, ["TIES", "LEAD"]);
    assert_eq!(run.matrix.cases, ["A", "B", "C", "D"]);
    // Rows (TIES, LEAD), R numbering from 1: 00 -> 1 (C, D), 10 -> 3 (B), 11 -> 4 (A).
    let rows: Vec<(u64, usize, &str)> = run
        .truth_table
        .observed_rows
        .iter()
        .map(|r| (r.row, r.n, r.out.symbol()))
        .collect();
    assert_eq!(rows, [(1, 2, "0"), (3, 1, "1"), (4, 1, "1")]);
    // Rows 3 and 4 differ only in LEAD: TIES, which holds for A and B, both successes:
    // consistency 2/2 and coverage 2/2.
    for kind in [
        SolutionKind::Conservative,
        SolutionKind::Parsimonious,
        SolutionKind::Intermediate,
    ] {
        assert_eq!(expressions(&run, kind), ["TIES"], "{kind:?}");
        let m = &run.solution(kind).unwrap().models[0];
        assert_eq!((m.fit.incl_s, m.fit.cov_s), (1.0, 1.0));
        assert_eq!(m.terms[0].term, "TIES");
        // Cases of the covered rows in row order, as R prints them: row 3 (B), row 4 (A).
        assert_eq!(m.terms[0].cases, "B; A");
    }
    // The remainder ~TIES*LEAD (row 2) is not needed: no simplifying assumption.
    assert!(run.solution(SolutionKind::Parsimonious).unwrap().models[0]
        .assumptions
        .is_empty());

    let mut s = spec(STUDY_CONDITIONS, UnknownPolicy::Refuse);
    s.outcome_set = OutcomeSet::Absent;
    let run = analyse(&study(), &s).unwrap();
    assert_eq!(run.outcome, "~SUCCESS");
    assert_eq!(
        expressions(&run, SolutionKind::Conservative),
        ["~TIES*~LEAD"]
    );
    // The parsimonious solution uses row 2 (~TIES*LEAD, unobserved) as a simplifying assumption.
    assert_eq!(expressions(&run, SolutionKind::Parsimonious), ["~TIES"]);
    let ps = &run.solution(SolutionKind::Parsimonious).unwrap().models[0];
    let assumed: Vec<(u64, Vec<u8>)> = ps
        .assumptions
        .iter()
        .map(|r| (r.row, r.values.clone()))
        .collect();
    assert_eq!(assumed, [(2, vec![0, 1])]);
    assert!(run.solution(SolutionKind::Intermediate).is_none());
}

#[test]
fn leadership_alone_is_consistent_but_covers_half_the_successes() {
    let run = analyse(&study(), &spec(&["LEAD"], UnknownPolicy::Refuse)).unwrap();
    // LEAD = 0: B (success), C, D -> consistency 1/3, negative; LEAD = 1: A, consistency 1.
    let tt = &run.truth_table.observed_rows;
    assert_eq!(tt.len(), 2);
    assert_eq!(tt[0].cases, ["B", "C", "D"]);
    assert!(close(tt[0].incl, 1.0 / 3.0));
    assert_eq!(tt[0].out.symbol(), "0");
    assert_eq!(tt[1].cases, ["A"]);
    assert_eq!(expressions(&run, SolutionKind::Conservative), ["LEAD"]);
    let m = &run.solution(SolutionKind::Conservative).unwrap().models[0];
    // Consistency: A's min(LEAD, SUCCESS) / LEAD = 1/1; coverage: 1 of the 2 successes.
    assert_eq!(m.fit.incl_s, 1.0);
    assert_eq!(m.fit.cov_s, 0.5);
}

#[test]
fn a_lower_inclusion_cut_accepts_an_inconsistent_row() {
    // THIRD (third-sector assembly): only C. ~THIRD holds for A, B (successes) and D (failure).
    let mut s = spec(&["THIRD"], UnknownPolicy::Refuse);
    let run = analyse(&study(), &s).unwrap();
    assert!(run.solutions.is_empty());
    assert!(
        run.notes[0].starts_with("no configuration is sufficient for SUCCESS"),
        "{:?}",
        run.notes
    );
    s.incl_cut = InclCut::single(0.6);
    let run = analyse(&study(), &s).unwrap();
    assert_eq!(expressions(&run, SolutionKind::Conservative), ["~THIRD"]);
    let m = &run.solution(SolutionKind::Conservative).unwrap().models[0];
    assert!(close(m.fit.incl_s, 2.0 / 3.0), "{}", m.fit.incl_s);
    assert_eq!(m.fit.cov_s, 1.0);
}

#[test]
fn only_successes_give_no_parsimonious_solution_and_say_why() {
    let mut table = study();
    table.rows.retain(|r| r.id == "A" || r.id == "B");
    let run = analyse(&table, &spec(STUDY_CONDITIONS, UnknownPolicy::Refuse)).unwrap();
    // A (TIES, LEAD) and B (TIES, ~LEAD) merge into TIES; with the remainders as simplifying
    // assumptions nothing separates success from anything else: the outcome needs no condition.
    assert_eq!(expressions(&run, SolutionKind::Conservative), ["TIES"]);
    assert!(run.solution(SolutionKind::Parsimonious).is_none());
    assert_eq!(run.notes.len(), 1, "{:?}", run.notes);
    assert!(
        run.notes[0].starts_with("no parsimonious solution: all truth table configurations"),
        "{:?}",
        run.notes
    );
}

#[test]
fn fuzzy_scores_give_fuzzy_consistency_and_coverage() {
    let csv = "case,X,Y\nA,0.8,0.9\nB,0.6,0.4\nC,0.2,0.1\n";
    let table = Collection::from_texts(&[("f.csv", csv)], Profile::Case)
        .unwrap()
        .table()
        .unwrap();
    let mut s = QcaSpec::new(MatrixSpec {
        conditions: vec!["X".parse().unwrap()],
        outcome: Some("Y".parse().unwrap()),
        scale: Scale::Fuzzy,
        unknowns: UnknownPolicy::Refuse,
    });
    s.incl_cut = InclCut::single(0.8);
    let run = analyse(&table, &s).unwrap();
    // Row X: sum min(x, y) / sum x = (0.8 + 0.4 + 0.1) / (0.8 + 0.6 + 0.2) = 1.3 / 1.6;
    // row ~X: (0.2 + 0.4 + 0.1) / (0.2 + 0.4 + 0.8) = 0.5, below the cut-off.
    let tt = &run.truth_table.observed_rows;
    assert!(close(tt[0].incl, 0.5) && close(tt[1].incl, 1.3 / 1.6));
    assert_eq!(expressions(&run, SolutionKind::Conservative), ["X"]);
    let m = &run.solution(SolutionKind::Conservative).unwrap().models[0];
    assert!(close(m.fit.incl_s, 1.3 / 1.6), "{}", m.fit.incl_s);
    // Coverage: 1.3 / sum y = 1.3 / 1.4.
    assert!(close(m.fit.cov_s, 1.3 / 1.4), "{}", m.fit.cov_s);

    // Crisp: every score dichotomised at 0.5, and each one said.
    s.matrix.scale = Scale::Crisp;
    s.incl_cut = InclCut::single(1.0);
    let run = analyse(&table, &s).unwrap();
    assert_eq!(run.matrix.values, [[1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]);
    // Made crisp, B (X 0.6, Y 0.4) contradicts A in row X: nothing is sufficient any more.
    assert_eq!(run.notes.len(), 7, "{:?}", run.notes);
    assert!(run.solutions.is_empty());
    assert!(run.notes[6].starts_with("no configuration is sufficient for Y"));
    assert_eq!(
        run.notes[0],
        "X of case A is 0.8: dichotomised at 0.5 for a crisp matrix"
    );
}

#[test]
fn unknowns_are_refused_by_name_or_dropped_with_a_note() {
    let err = analyse(&study(), &spec(&["TIES", "FORMAL"], UnknownPolicy::Refuse)).unwrap_err();
    let all: Vec<String> = err.flatten().iter().map(|e| e.to_string()).collect();
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all[0].starts_with("a.toml:"), "{all:?}");
    assert!(all[0].contains("field `processes.formal_planning` = \"unknown\""));
    assert!(all[1].starts_with("d.toml:"), "{all:?}");

    let run = analyse(
        &study(),
        &spec(&["TIES", "FORMAL"], UnknownPolicy::DropCases),
    )
    .unwrap();
    assert_eq!(run.matrix.cases, ["B", "C"]);
    assert!(
        run.notes[0].contains("dropped 2 of 4 case(s)"),
        "{:?}",
        run.notes
    );
}

#[test]
fn bad_options_are_refused_with_the_field() {
    let mut s = spec(STUDY_CONDITIONS, UnknownPolicy::Refuse);
    s.dir_exp = vec!["HOMO".into()];
    let e = analyse(&study(), &s).unwrap_err();
    assert_eq!(e.as_invalid().unwrap().field, "dir_exp");
    let mut s = spec(STUDY_CONDITIONS, UnknownPolicy::Refuse);
    s.incl_cut = InclCut::single(1.5);
    let e = analyse(&study(), &s).unwrap_err();
    assert_eq!(e.as_invalid().unwrap().field, "incl_cut");
    let mut s = spec(STUDY_CONDITIONS, UnknownPolicy::Refuse);
    s.n_cut = 0;
    assert_eq!(
        analyse(&study(), &s)
            .unwrap_err()
            .as_invalid()
            .unwrap()
            .field,
        "n_cut"
    );
    let e = analyse(&study(), &spec(&["SUCCESS"], UnknownPolicy::Refuse)).unwrap_err();
    assert!(e.to_string().contains("chosen twice"), "{e}");
}

#[test]
fn the_same_solution_as_the_model_ambit_assess_derives() {
    let table = study();
    for (conds, kind) in [
        (&["TIES", "LEAD"][..], SolutionKind::Conservative),
        (&["TIES", "TRUST", "LEAD"][..], SolutionKind::Parsimonious),
        (&["LEAD", "PREV"][..], SolutionKind::Parsimonious),
    ] {
        let s = spec(conds, UnknownPolicy::Refuse);
        let run = analyse(&table, &s).unwrap();
        let derived = model_from_cases(&table, &s.matrix, kind, &[], "t").unwrap();
        let models: Vec<String> = derived
            .success
            .models
            .iter()
            .map(|m| m.join(" + "))
            .collect();
        assert_eq!(expressions(&run, kind), models, "{conds:?}");
        let ours = &run.solution(kind).unwrap().models;
        for (m, f) in ours.iter().zip(&derived.success.fit.models) {
            assert_eq!(m.fit, f.model_fit);
            assert_eq!(m.terms, f.term_fit);
        }
    }
}

#[test]
fn ties_and_trust_cannot_be_told_apart() {
    // TIES and TRUST have the same values on the four cases: two models, each alone.
    let run = analyse(
        &study(),
        &spec(&["TIES", "TRUST", "LEAD"], UnknownPolicy::Refuse),
    )
    .unwrap();
    let ps = run.solution(SolutionKind::Parsimonious).unwrap();
    assert!(ps.model_ambiguity);
    assert_eq!(
        expressions(&run, SolutionKind::Parsimonious),
        ["TIES", "TRUST"]
    );
    assert_eq!(
        ps.models
            .iter()
            .map(|m| m.label.as_str())
            .collect::<Vec<_>>(),
        ["M1", "M2"]
    );
}

mod invariants {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// On crisp data at inclusion cut-off 1 a remainder holds no case, so every model of
        /// every solution is fully consistent and covers exactly the outcome's cases that sit
        /// in a row where every case has the outcome.
        #[test]
        fn crisp_solutions_cover_exactly_the_consistent_rows(
            rows in prop::collection::vec((0u8..=1, 0u8..=1, 0u8..=1, 0u8..=1), 2..14),
        ) {
            let mut csv = String::from("case,P,Q,R,Y\n");
            for (i, (p, q, r, y)) in rows.iter().enumerate() {
                csv.push_str(&format!("k{i},{p},{q},{r},{y}\n"));
            }
            let table = Collection::from_texts(&[("m.csv", csv.as_str())], Profile::Case)
                .unwrap()
                .table()
                .unwrap();
            let mut s = QcaSpec::new(MatrixSpec {
                conditions: ["P", "Q", "R"].iter().map(|c| c.parse().unwrap()).collect(),
                outcome: Some(ConditionSpec { name: "Y".into(), at_least: None }),
                scale: Scale::Crisp,
                unknowns: UnknownPolicy::Refuse,
            });
            s.dir_exp = vec!["P".into(), "Q".into(), "R".into()];
            let run = analyse(&table, &s).unwrap();
            let config = |r: &(u8, u8, u8, u8)| (r.0, r.1, r.2);
            let consistent = |r: &(u8, u8, u8, u8)| {
                rows.iter().filter(|o| config(o) == config(r)).all(|o| o.3 == 1)
            };
            let with_y = rows.iter().filter(|r| r.3 == 1).count();
            let covered = rows.iter().filter(|r| r.3 == 1 && consistent(r)).count();
            let negative = rows.iter().any(|r| !consistent(r));
            let observed: std::collections::BTreeSet<_> = rows.iter().map(config).collect();
            let kinds: Vec<SolutionKind> = run.solutions.iter().map(|s| s.kind).collect();
            if covered == 0 {
                prop_assert!(kinds.is_empty());
                prop_assert!(run.notes.iter().any(|n| n.starts_with("no configuration")));
            } else {
                // With no negative row the remainders make every condition redundant, and with
                // every configuration observed and positive there is nothing to minimise.
                prop_assert_eq!(kinds.contains(&SolutionKind::Parsimonious), negative);
                prop_assert_eq!(
                    kinds.contains(&SolutionKind::Conservative),
                    negative || observed.len() < 8
                );
                prop_assert_eq!(
                    run.notes.iter().filter(|n| n.starts_with("no ")).count(),
                    usize::from(!negative) * (1 + usize::from(observed.len() == 8))
                );
                let expected = covered as f64 / with_y as f64;
                for sol in &run.solutions {
                    for m in &sol.models {
                        prop_assert_eq!(m.fit.incl_s, 1.0, "{:?} {}", sol.kind, m.expression);
                        prop_assert!((m.fit.cov_s - expected).abs() < 1e-12,
                            "{:?} {}: covS {} expected {}", sol.kind, m.expression, m.fit.cov_s, expected);
                    }
                }
            }
        }
    }
}
