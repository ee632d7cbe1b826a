//! The four shipped cases of the Lombardy 2018 study: loading, evidence, matrix, fit, assessment.

use ambit_cases::collection::Collection;
use ambit_cases::field::Basis;
use ambit_cases::matrix::{ConditionSpec, Matrix, MatrixSpec, Scale, UnknownPolicy};
use ambit_cases::{assess, Case, Coded, Model, Prediction, Profile};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn study_dir() -> PathBuf {
    repo().join("cases/lombardy-2018")
}

fn load() -> Collection {
    match Collection::load(&[study_dir()]) {
        Ok(c) => c,
        Err(e) => panic!("study cases must load: {e}"),
    }
}

fn spec(conds: &[&str], unknowns: UnknownPolicy) -> MatrixSpec {
    MatrixSpec {
        conditions: conds.iter().map(|c| c.parse().unwrap()).collect(),
        outcome: Some(ConditionSpec {
            name: "SUCCESS".into(),
            at_least: None,
        }),
        scale: Scale::Crisp,
        unknowns,
    }
}

/// One row of seed_imc.csv: the case and its (column, value) pairs, `None` for empty.
type SeedRow = (String, Vec<(String, Option<f64>)>);

/// The seed_imc.csv fixture.
fn seed() -> Vec<SeedRow> {
    let text = include_str!("fixtures/seed_imc/seed_imc.csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let cells = headers
                .iter()
                .zip(r.iter())
                .skip(1)
                .map(|(h, v)| (h.to_string(), v.parse::<f64>().ok()))
                .collect();
            (r[0].to_string(), cells)
        })
        .collect()
}

#[test]
fn the_four_cases_load_with_their_outcomes() {
    let c = load();
    let ids: Vec<&str> = c.cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["A", "B", "C", "D"]);
    let outcomes: Vec<f64> = c
        .cases
        .iter()
        .map(|c| match c.agreement() {
            Coded::Known(m) => m.value(),
            Coded::Unknown => -1.0,
        })
        .collect();
    assert_eq!(outcomes, [1.0, 1.0, 0.0, 0.0]);
    assert_eq!(c.cases[0].paradoxes.len(), 1);
    assert_eq!(c.cases[2].paradoxes.len(), 2);
    assert_eq!(c.cases[3].paradoxes.len(), 3);
}

#[test]
fn every_stated_known_value_cites_a_quote_and_a_source() {
    for case in load().cases {
        for (path, ev) in case.evidence() {
            if ev.basis != Basis::Stated {
                assert!(
                    ev.note.is_some(),
                    "{} {path}: an inferred value needs a note",
                    case.id
                );
            }
            if let Some(q) = &ev.quote {
                assert!(!q.trim().is_empty());
                assert!(
                    ev.source.is_some(),
                    "{} {path}: quote without source",
                    case.id
                );
            }
        }
        // every known score or count of the schema has a quote
        let table = ambit_cases::CaseTable::from_cases(std::slice::from_ref(&case)).unwrap();
        for (name, (cell, origin)) in &table.rows[0].cells {
            let derived = ["LEAD", "ROLES", "BARRIER"].contains(&name.as_str());
            if cell.is_known() && !derived {
                let ev = ambit_cases::conditions::evidence_of(&case, name);
                assert!(
                    ev.iter().all(|(_, e, _)| e.quote.is_some()),
                    "{} {}: known value without a quote",
                    case.id,
                    origin.field
                );
            }
        }
    }
}

/// Normalises whitespace so that quotes match across the paper's line breaks.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_quote_is_verbatim_in_the_paper() {
    // `../shared` beside the checkout (as in CI), or where AMBIT_SHARED points.
    let shared = std::env::var_os("AMBIT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    let paper = shared.join("reference/000_db2a56e4942f7921.txt");
    let Ok(text) = std::fs::read_to_string(&paper) else {
        eprintln!(
            "skipped: the reference paper is not available at {}",
            paper.display()
        );
        return;
    };
    let text = squash(&text);
    let mut checked = 0;
    for case in load().cases {
        let quotes = case
            .evidence()
            .into_iter()
            .filter_map(|(p, e)| e.quote.clone().map(|q| (p, q)))
            .chain(
                case.paradoxes
                    .iter()
                    .filter_map(|p| p.quote.clone().map(|q| (p.name.clone(), q))),
            );
        for (path, q) in quotes {
            assert!(
                text.contains(&squash(&q)),
                "case {} {path}: quote not found verbatim: {q}",
                case.id
            );
            checked += 1;
        }
    }
    let model = Model::builtin("study-2018").unwrap().unwrap();
    for q in &model.provenance.quotes {
        assert!(text.contains(&squash(q)), "model quote not found: {q}");
        checked += 1;
    }
    assert!(checked > 80, "only {checked} quotes checked");
}

#[test]
fn matrix_of_ties_and_lead_is_seed_imc() {
    let table = load().table().unwrap();
    let m = Matrix::build(&table, &spec(&["TIES", "LEAD"], UnknownPolicy::Refuse)).unwrap();
    assert_eq!(
        m.to_csv(),
        "case,TIES,LEAD,SUCCESS\nA,1,1,1\nB,1,0,1\nC,0,0,0\nD,0,0,0\n"
    );
    // the same columns of the shared hand coding
    for (case, cells) in seed() {
        let row = m.cases.iter().position(|c| *c == case).unwrap();
        for (j, col) in ["TIES", "LEAD", "SUCCESS"].iter().enumerate() {
            let want = cells.iter().find(|(h, _)| h == col).unwrap().1;
            assert_eq!(Some(m.values[row][j]), want, "{case} {col}");
        }
    }
}

#[test]
fn coding_agrees_with_seed_imc_except_the_documented_difference() {
    let table = load().table().unwrap();
    let mut differences = Vec::new();
    for (case, cells) in seed() {
        let row = table.rows.iter().find(|r| r.id == case).unwrap();
        for (col, want) in cells {
            let (cell, _) = &row.cells[&col];
            let got = match cell {
                ambit_cases::conditions::Cell::Score(b) => b.known().map(|m| m.value()),
                ambit_cases::conditions::Cell::Count(c) => c.known().map(|&n| f64::from(n)),
            };
            if got != want {
                differences.push(format!("{case}.{col}: seed {want:?}, ours {got:?}"));
            }
        }
    }
    // CODING.md: case B's political homophily is stated absent in the paper.
    assert_eq!(differences, ["B.HOMO: seed None, ours Some(0.0)"]);
}

#[test]
fn unknowns_are_refused_or_the_cases_dropped_with_a_notice() {
    let table = load().table().unwrap();
    let err = Matrix::build(&table, &spec(&["TIES", "HOMO"], UnknownPolicy::Refuse)).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("d.toml"), "{msg}");
    assert!(msg.contains("actors.political_homophily"), "{msg}");
    assert!(msg.contains("HOMO is unknown for case D"), "{msg}");

    let m = Matrix::build(&table, &spec(&["TIES", "HOMO"], UnknownPolicy::DropCases)).unwrap();
    assert_eq!(m.cases, ["A", "B", "C"]);
    assert_eq!(m.dropped.len(), 1);
    assert_eq!(m.dropped[0].case, "D");
    assert_eq!(m.dropped[0].unknown, ["HOMO"]);
    let notice = m.dropped_notice();
    assert!(notice.contains("dropped 1 of 4"), "{notice}");
    assert!(notice.contains("D ("), "{notice}");

    // FORMAL is unknown for A and D, ADMIN for A: two dropped, both named
    let m = Matrix::build(
        &table,
        &spec(&["FORMAL", "ADMIN"], UnknownPolicy::DropCases),
    )
    .unwrap();
    assert_eq!(m.cases, ["B", "C"]);
    let dropped: Vec<(&str, Vec<String>)> = m
        .dropped
        .iter()
        .map(|d| (d.case.as_str(), d.unknown.clone()))
        .collect();
    assert_eq!(
        dropped,
        [
            ("A", vec!["FORMAL".to_string(), "ADMIN".to_string()]),
            ("D", vec!["FORMAL".to_string()])
        ]
    );
}

#[test]
fn counts_need_a_threshold() {
    let table = load().table().unwrap();
    let err = Matrix::build(&table, &spec(&["NMUN"], UnknownPolicy::DropCases)).unwrap_err();
    assert!(err.to_string().contains("give a threshold"), "{err}");
    let m = Matrix::build(&table, &spec(&["NMUN>=20"], UnknownPolicy::DropCases)).unwrap();
    assert_eq!(m.cases, ["A"]);
    assert_eq!(m.values, [[1.0, 1.0]]);
    assert_eq!(m.columns, ["NMUN_GE20", "SUCCESS"]);
}

fn expected() -> serde_json::Value {
    serde_json::from_str(include_str!("fixtures/seed_imc/expected.json")).unwrap()
}

fn analysis<'a>(exp: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    exp["analyses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap()
}

#[test]
fn the_papers_claim_fits_as_r_qca_says() {
    use ambit_qca::{pof, Expression, PofRow, Relation};
    let exp = expected();
    let table = load().table().unwrap();
    let m = Matrix::build(&table, &spec(&["TIES", "LEAD"], UnknownPolicy::Refuse)).unwrap();
    let data = m.to_data_matrix("lombardy-2018").unwrap();
    let close = |a: f64, b: &serde_json::Value, what: &str| {
        let b = b.as_f64().unwrap();
        assert!((a - b).abs() < 1e-9, "{what}: ours {a}, R {b}");
    };
    let claim = Expression::parse("TIES + LEAD").unwrap();
    let suff = pof(&data, &claim, "SUCCESS", Relation::Sufficiency).unwrap();
    let want = analysis(&exp, "paper_claim_sufficiency")["result"]["rows"].clone();
    assert_eq!(suff.len(), want.as_array().unwrap().len());
    for (row, r) in suff.iter().zip(want.as_array().unwrap()) {
        let PofRow::Sufficiency {
            expression,
            fit,
            cov_u,
        } = row
        else {
            panic!("a sufficiency row")
        };
        assert_eq!(expression, r["expression"].as_str().unwrap());
        close(fit.incl_s, &r["inclS"], "inclS");
        close(fit.pri, &r["PRI"], "PRI");
        close(fit.cov_s, &r["covS"], "covS");
        if let Some(u) = cov_u {
            close(*u, &r["covU"], "covU");
        }
    }
    let nec = pof(&data, &claim, "SUCCESS", Relation::Necessity).unwrap();
    let want = analysis(&exp, "paper_claim_necessity")["result"]["rows"].clone();
    for (row, r) in nec.iter().zip(want.as_array().unwrap()) {
        let PofRow::Necessity { expression, fit } = row else {
            panic!("a necessity row")
        };
        assert_eq!(expression, r["expression"].as_str().unwrap());
        close(fit.incl_n, &r["inclN"], "inclN");
        close(fit.ro_n, &r["RoN"], "RoN");
        close(fit.cov_n, &r["covN"], "covN");
    }
}

#[test]
fn assessing_the_study_cases_gives_their_observed_outcome() {
    let model = Model::builtin("study-2018").unwrap().unwrap();
    for case in load().cases {
        let a = assess(&model, &case).unwrap();
        assert_eq!(
            Some(a.predicted),
            a.partnership.observed,
            "case {}",
            case.id
        );
        assert!(!a.rests_on_assumptions, "case {}", case.id);
        assert!(a.membership.is_known());
    }
}

#[test]
fn the_model_file_and_the_shipped_model_are_the_same() {
    let shipped = Model::builtin("study-2018").unwrap().unwrap();
    let read = Model::read(&repo().join("cases/models/study-2018.toml")).unwrap();
    assert_eq!(read.success, shipped.success);
    assert_eq!(read.failure, shipped.failure);
    assert_eq!(read.success_paths, shipped.success_paths);
    assert_eq!(read.reference_cases, shipped.reference_cases);
    assert_eq!(read.reference_cases.len(), 4);
}

#[test]
fn counts_with_a_threshold_are_crisp_conditions() {
    let a = Case::read(&study_dir().join("a.toml"), Profile::Case).unwrap();
    let (cell, origin) = ambit_cases::conditions::value(&a, "NMUN_GE20").unwrap();
    assert_eq!(
        cell,
        ambit_cases::conditions::Cell::Score(ambit_cases::Bounds {
            low: 1.0,
            high: 1.0
        })
    );
    assert_eq!(&*origin.field, "structures.municipalities");
    let (cell, _) = ambit_cases::conditions::value(&a, "NMUN_GE52").unwrap();
    assert_eq!(
        cell,
        ambit_cases::conditions::Cell::Score(ambit_cases::Bounds {
            low: 0.0,
            high: 0.0
        })
    );
    assert!(ambit_cases::conditions::value(&a, "TIES_GE2").is_none());
}

#[test]
fn on_case_a_leadership_holds_as_a_directional_expectation() {
    let model = Model::builtin("study-2018").unwrap().unwrap();
    let a = Case::read(&study_dir().join("a.toml"), Profile::Case).unwrap();
    let r = assess(&model, &a).unwrap();
    assert_eq!(r.predicted, Prediction::Success);
    assert_eq!(r.membership.low, 1.0);
    let lead = r.paths.iter().find(|p| p.term == "LEAD").unwrap();
    assert_eq!(lead.support, ambit_cases::Support::DirectionalExpectation);
    // A's own configuration is observed (A itself): the expectation is not needed here
    assert!(!r
        .assumptions
        .iter()
        .any(|x| x.kind == "directional_expectation"));
    assert_eq!(r.data_only.predicted, Prediction::Success);
    assert_eq!(r.data_only.basis, "observed_configuration");
    assert_eq!(r.data_only.same_configuration, ["A"]);
    let nearest: Vec<(&str, usize)> = r
        .reference_cases
        .iter()
        .map(|m| (m.case.as_str(), m.differs_on.len()))
        .collect();
    // B lacks LEAD; C and D lack TIES, TRUST and LEAD
    assert_eq!(nearest, [("A", 0), ("B", 1), ("C", 3), ("D", 3)]);

    // a partnership with leadership but neither ties nor trust: no case looks like it, the
    // prediction of success rests on the directional expectation
    let p = Case::from_toml(
        "id = \"P\"\nname = \"p\"\n[structures]\nties = false\ntrust = false\n[actors.roles]\nsponsor = true\n",
        "p.toml",
        Profile::Partnership,
    )
    .unwrap();
    let r = assess(&model, &p).unwrap();
    assert_eq!(r.predicted, Prediction::Success);
    assert!(r.rests_on_assumptions);
    assert_eq!(r.data_only.basis, "data_backed_paths");
    assert!(r
        .assumptions
        .iter()
        .any(|x| x.kind == "directional_expectation" && x.subject == "LEAD"));
    // nearest are the failures C and D, which differ only on LEAD; A differs on TIES, TRUST
    let nearest: Vec<(&str, Vec<String>)> = r
        .reference_cases
        .iter()
        .map(|m| (m.case.as_str(), m.differs_on.clone()))
        .collect();
    assert_eq!(nearest[0], ("C", vec!["LEAD".to_string()]));
    assert_eq!(nearest[1], ("D", vec!["LEAD".to_string()]));
    assert_eq!(nearest[2].0, "A");
    assert_eq!(nearest[2].1, ["TIES", "TRUST"]);

    let c = Case::read(&study_dir().join("c.toml"), Profile::Case).unwrap();
    let r = assess(&model, &c).unwrap();
    assert_eq!(r.predicted, Prediction::Failure);
    let ties = r.paths.iter().find(|p| p.term == "TIES*TRUST").unwrap();
    assert_eq!(ties.missing, ["TIES", "TRUST"]);
    assert_eq!(r.failure_membership.low, 1.0);
    assert_eq!(
        r.barriers
            .iter()
            .filter(|b| b.membership.low == 1.0)
            .count(),
        5
    );
    assert_eq!(r.paradoxes.len(), 2);
}
