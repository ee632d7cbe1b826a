//! Golden tests (insta) of the Markdown reports.

use ambit_report::report::{
    self, Block, Document, Figure, FigureKind, ProvenanceEntry, Section, Table,
};
use ambit_sim::{simulate, Control, Scenario, SimError, SimOptions, Variant};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[test]
fn a_hand_made_document_renders_as_expected() {
    let mut doc = Document::new("Title | with pipe", "One line.");
    doc.sections.push(Section {
        id: "s1".into(),
        title: "Section one".into(),
        blocks: vec![
            Block::Paragraph("A paragraph.".into()),
            Block::List(vec!["first".into(), "second".into()]),
            Block::Table(Table {
                caption: "A table".into(),
                header: vec!["name".into(), "value".into()],
                rows: vec![vec!["a|b".into(), "1,000".into()]],
                numeric: vec![false, true],
            }),
            Block::Figure(Figure {
                id: "fig-a".into(),
                kind: FigureKind::Chart,
                caption: "A chart.".into(),
                svg: "<svg/>".into(),
            }),
        ],
    });
    doc.provenance.push(ProvenanceEntry {
        input: "data".into(),
        source: "file.csv".into(),
        note: "ISTAT 2018".into(),
    });
    let md = report::markdown::render(&doc, "rep");
    assert_eq!(
        md.figures,
        vec![("rep-fig-a.svg".to_string(), "<svg/>".to_string())]
    );
    insta::assert_snapshot!("hand_made", md.text);
}

/// Two below-threshold districts, each with a compliant partner; one grouping certain to agree
/// in the first window, the other never; fixed parameters (no calibration).
fn tiny_scenario() -> Scenario {
    let mut files: HashMap<&str, &str> = HashMap::new();
    files.insert(
        "scenario.toml",
        r#"name = "tiny"
description = "Two groupings: one certain, one impossible."
vintage = "test"
baseline = "districts.csv"
candidates = "candidates.csv"
assessments = "assessments.csv"
policy = "policy.toml"
[model.subscribe_logit]
value = 0.0
[model.agree_logit]
value = 0.0
[model.score_effect]
value = 1e9
[model.incentive_effect]
value = 0.0
[model.standby_logit]
value = inf
[model.defect_logit]
value = -inf
[model.second_level_rate]
value = 1.0
"#,
    );
    files.insert(
        "districts.csv",
        "district,population,threshold\nb1,30000,80000\na1,90000,80000\nb2,20000,80000\na2,100000,80000\n",
    );
    files.insert(
        "candidates.csv",
        "candidate,members\nsure,b1|a1\nnever,b2|a2\n",
    );
    files.insert(
        "assessments.csv",
        "candidate,outcome,source\nsure,success,test\nnever,failure,test\n",
    );
    files.insert(
        "policy.toml",
        r#"name = "two windows"
source = "test"
second_level_eur = 30000
[[windows]]
label = "W1"
deadline = "2018-06-30"
incentive_eur = 30000
[[windows]]
label = "W2"
deadline = "2018-12-31"
incentive_eur = 15000
"#,
    );
    Scenario::from_source(Path::new("scenario.toml"), |rel: &Path| {
        let k = rel.to_string_lossy().into_owned();
        files
            .get(k.as_str())
            .map(|t| (PathBuf::from(&k), t.to_string()))
            .ok_or(SimError::Invalid(k.clone()))
    })
    .unwrap()
}

#[test]
fn a_simulation_report_renders_as_expected() {
    let s = tiny_scenario();
    let mut mandatory = s.policy.clone();
    mandatory.name = "imposed at W2".into();
    mandatory.mandatory_from = Some("2018-12-31".into());
    let variants = [Variant {
        name: "mandatory".into(),
        path: "mandatory.toml".into(),
        policy: mandatory,
    }];
    let options = SimOptions {
        runs: 100,
        seed: 1,
        ..SimOptions::default()
    };
    let r = simulate(&s, &variants, options, &Control::default()).unwrap();
    let mut doc = Document::new("Tiny scenario", "Golden test.");
    let (sections, prov) = report::simulation::sections(&r);
    doc.sections.extend(sections);
    doc.provenance.extend(prov);
    let md = report::markdown::render(&doc, "tiny");
    let names: Vec<&str> = md.figures.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "tiny-fan-subscribed.svg",
            "tiny-fan-noncompliant.svg",
            "tiny-hist-merges.svg",
            "tiny-hist-spend.svg",
            "tiny-diff-mandatory.svg"
        ]
    );
    insta::assert_snapshot!("tiny_simulation", md.text);
}
