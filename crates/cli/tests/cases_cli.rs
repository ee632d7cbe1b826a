//! `ambit cases` and `ambit assess` end to end: exit codes, messages, files, JSON shape.

mod common;

use common::{assert_success, repo, run, stdout_json, text};

#[test]
fn validate_accepts_the_study_and_names_errors_in_a_bad_file() {
    let out = run(&["cases", "validate", "cases/lombardy-2018"]);
    assert_success(&out);
    assert!(text(&out.stdout).contains("4 case(s) in 4 file(s): valid"));

    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(repo().join("cases/lombardy-2018/b.toml")).unwrap();
    let bad = good.replacen("value = true", "value = \"yes\"", 1);
    let file = dir.path().join("b.toml");
    std::fs::write(&file, bad).unwrap();
    let out = run(&["cases", "validate", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("b.toml:14:9: field `structures.ties.value` = \"yes\""),
        "{err}"
    );
}

#[test]
fn matrix_writes_the_seed_columns_and_refuses_unknowns_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.csv");
    let out = run(&[
        "cases",
        "matrix",
        "cases/lombardy-2018",
        "--conditions",
        "TIES,LEAD",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_success(&out);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "case,TIES,LEAD,SUCCESS\nA,1,1,1\nB,1,0,1\nC,0,0,0\nD,0,0,0\n"
    );

    let refused = dir.path().join("refused.csv");
    let out = run(&[
        "cases",
        "matrix",
        "cases/lombardy-2018",
        "--conditions",
        "TIES,HOMO",
        "-o",
        refused.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        !refused.exists(),
        "no file is written when the matrix is refused"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("d.toml:94: field `actors.political_homophily` = \"unknown\""),
        "{err}"
    );
    assert!(err.contains("--unknown drop"), "{err}");

    let out = run(&[
        "cases",
        "matrix",
        "cases/lombardy-2018",
        "--conditions",
        "TIES,HOMO",
        "--unknown",
        "drop",
    ]);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        "case,TIES,HOMO,SUCCESS\nA,1,1,1\nB,1,0,1\nC,0,1,0\n"
    );
    assert!(text(&out.stderr).contains("dropped 1 of 4 case(s) with unknown values: D"));
}

#[test]
fn assess_json_has_the_documented_shape() {
    let out = run(&[
        "assess",
        "cases/examples/partnership.toml",
        "--model",
        "study-2018",
        "--format",
        "json",
    ]);
    assert_success(&out);
    let v = stdout_json(&out);
    assert_eq!(v["schema"], "ambit-assess/1");
    assert_eq!(v["predicted"], "success");
    assert_eq!(v["membership"]["low"], 1.0);
    assert_eq!(v["membership"]["high"], 1.0);
    assert_eq!(v["rests_on_assumptions"], true);
    assert_eq!(v["data_only"]["predicted"], "uncovered");
    assert_eq!(v["paths"][1]["term"], "LEAD");
    assert_eq!(v["paths"][1]["holds"], "yes");
    assert_eq!(v["paths"][1]["support"], "directional_expectation");
    assert_eq!(v["paths"][0]["missing"][0], "TIES");
    assert_eq!(v["paths"][0]["unknown"][0], "TRUST");
    let kinds: Vec<&str> = v["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["directional_expectation", "unknown_condition"]);
    assert_eq!(v["paradoxes"][0]["name"], "leader or dominator");
}

#[test]
fn assess_with_a_qca_model_from_the_cases() {
    let out = run(&[
        "assess",
        "cases/lombardy-2018/c.toml",
        "--cases",
        "cases/lombardy-2018",
        "--conditions",
        "TIES,LEAD",
        "--format",
        "json",
    ]);
    assert_success(&out);
    let v = stdout_json(&out);
    assert_eq!(v["model"]["success"], "TIES");
    assert_eq!(v["model"]["failure"], "~TIES");
    assert_eq!(v["predicted"], "failure");
    assert_eq!(v["partnership"]["observed"], "failure");

    let out = run(&["assess", "cases/lombardy-2018/a.toml", "--model", "nope"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("neither a shipped model"));
}
