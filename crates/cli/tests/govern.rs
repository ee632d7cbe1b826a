//! `ambit govern` end to end on the bundled data: power of the capoluogo, bad rule files,
//! budget sharing.

use std::path::PathBuf;
use std::process::Command;

fn ambit() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ambit"));
    c.current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."));
    c
}

#[test]
fn one_comune_one_vote_in_the_cremasco() {
    let out = ambit()
        .args([
            "govern",
            "Cremasco",
            "--map",
            "ambiti-2021",
            "--rules",
            "policies/assembly/one_comune_one_vote.toml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
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
    let dir = std::env::temp_dir().join(format!("ambit-govern-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
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
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:4"), "{err}");
    assert!(
        err.contains("decision.votes_at_least") && err.contains("150%"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn unknown_district_lists_the_known_ones() {
    let out = ambit()
        .args([
            "govern",
            "Atlantis",
            "--map",
            "ambiti-2021",
            "--budget",
            "1000",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Atlantis") && err.contains("Cremasco") && err.contains("Lodi"),
        "{err}"
    );
}

#[test]
fn budget_by_population_after_the_incentive() {
    let out = ambit()
        .args([
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
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["budget"]["net_cost"], 970000.0);
    // Lodi: 45,252 of the ambito's 237,159 inhabitants.
    let lodi = v["budget"]["lines"][0]["contribution"].as_f64().unwrap();
    assert!(
        (lodi - 970000.0 * 45252.0 / 237159.0).abs() < 1e-6,
        "{lodi}"
    );
}
