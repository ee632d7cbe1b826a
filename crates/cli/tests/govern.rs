//! `ambit govern` end to end on the bundled data: power of the capoluogo, bad rule files,
//! budget sharing.

mod common;

use common::{ambit, assert_success, repo, run, stdout_json, text, tmp};

#[test]
fn one_comune_one_vote_in_the_cremasco() {
    let out = run(&[
        "govern",
        "Cremasco",
        "--map",
        "ambiti-2021",
        "--rules",
        "policies/assembly/one_comune_one_vote.toml",
        "--format",
        "json",
    ]);
    assert_success(&out);
    let v = stdout_json(&out);
    let a = &v["assessments"][0];
    assert_eq!(a["members"].as_array().unwrap().len(), 48);
    assert_eq!(a["members"][0]["name"], "Crema");
    // 48 equal votes: every member holds 1/48 of the power.
    let b = a["members"][0]["banzhaf"].as_f64().unwrap();
    assert!((b - 1.0 / 48.0).abs() < 1e-12, "{b}");
    assert_eq!(a["largest"]["smallest_blocking_coalition"], 24);
}

#[test]
fn bad_rule_file_names_file_line_field_and_value() {
    let dir = tmp("govern");
    let dir = dir.path();
    let path = dir.join("bad.toml");
    std::fs::write(
        &path,
        "[assembly]\nname = \"x\"\n[decision]\nvotes_at_least = \"150%\"\n",
    )
    .unwrap();
    let out = ambit()
        .args(["govern", "Lodi", "--map", "ambiti-2021", "--rules"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("bad.toml:4"), "{err}");
    assert!(
        err.contains("decision.votes_at_least") && err.contains("150%"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn unknown_district_lists_the_known_ones() {
    let out = run(&[
        "govern",
        "Atlantis",
        "--map",
        "ambiti-2021",
        "--budget",
        "1000",
    ]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("Atlantis") && err.contains("Cremasco") && err.contains("Lodi"),
        "{err}"
    );
}

#[test]
fn budget_by_population_after_the_incentive() {
    let out = run(&[
        "govern",
        "Lodi",
        "--map",
        "ambiti-2021",
        "--budget",
        "1000000",
        "--incentive",
        "30000",
        "--format",
        "json",
    ]);
    assert_success(&out);
    let v = stdout_json(&out);
    assert_eq!(v["budget"]["net_cost"], 970000.0);
    // Lodi: 45,252 of the ambito's 237,159 inhabitants.
    let lodi = v["budget"]["lines"][0]["contribution"].as_f64().unwrap();
    assert!(
        (lodi - 970000.0 * 45252.0 / 237159.0).abs() < 1e-6,
        "{lodi}"
    );
}

#[test]
fn budget_blend_against_what_comuni_pay_today() {
    let dir = tmp("govern-budget");
    let dir = dir.path();
    let data = dir.join("use.csv");
    // Every Cremasco comune uses the services equally, except Crema (019035) which uses 10 units;
    // only Crema states what it pays today.
    let map = std::fs::read_to_string(repo().join("data/lombardy/ambiti_2021.csv")).unwrap();
    let mut csv = String::from("istat_code,service_use,pays_today\n");
    let mut n = 0;
    for line in map.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[2] == "Cremasco" {
            n += 1;
            if f[0] == "019035" {
                csv += "019035,10,50000\n";
            } else {
                csv += &format!("{},1,\n", f[0]);
            }
        }
    }
    assert_eq!(n, 48);
    std::fs::write(&data, csv).unwrap();
    let out = ambit()
        .args([
            "govern",
            "Cremasco",
            "--map",
            "ambiti-2021",
            "--budget",
            "100000",
            "--allocation",
            "blend:0.5",
        ])
        .arg("--budget-data")
        .arg(&data)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_success(&out);
    let v = stdout_json(&out);
    let crema = &v["budget"]["lines"][0];
    assert_eq!(crema["name"], "Crema");
    // Crema: half by its population share, half by its use share 10 / (10 + 47).
    let pop = v["members"][0]["population"].as_f64().unwrap();
    let total: f64 = v["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["population"].as_f64().unwrap())
        .sum();
    let want = 100000.0 * (0.5 * pop / total + 0.5 * 10.0 / 57.0);
    let got = crema["contribution"].as_f64().unwrap();
    assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    assert!((crema["change"].as_f64().unwrap() - (want - 50000.0)).abs() < 1e-6);
    assert!(v["budget"]["lines"][1]["change"].is_null());
}

#[test]
fn a_missing_budget_file_is_named_with_its_reason_once() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("budget.csv");
    let out = run(&[
        "govern",
        "Cremasco",
        "--map",
        "ambiti-2021",
        "--budget",
        "1000",
        "--budget-data",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("budget.csv: cannot read"), "{err}");
    // the reason of the operating system, once (it was printed twice)
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}
