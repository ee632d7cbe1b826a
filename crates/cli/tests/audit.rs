//! `ambit audit` end to end: the bundled data, repaired input, refused input, atomic output.

mod common;

use common::{ambit, assert_success, run, stdout_json, text, tmp};

#[test]
fn audit_json_of_the_bundled_ambiti() {
    let out = run(&["audit", "--districts", "ambiti-2017", "--format", "json"]);
    assert_success(&out);
    let v = stdout_json(&out);
    assert_eq!(v["summary"]["municipalities"], 1516);
    assert_eq!(v["summary"]["small_municipalities"], 1047);
    assert_eq!(v["summary"]["population"], 10_036_245);
    assert_eq!(v["summary"]["non_compliant_districts"], 1);
    assert_eq!(v["districts"][0]["name"], "Seriate");
    assert_eq!(v["districts"][0]["population"], 77_716);
    assert_eq!(v["districts"][0]["compliant"], false);
}

#[test]
fn spreadsheet_export_is_repaired_with_notices() {
    let d = tmp("repair");
    let d = d.path();
    let f = d.join("map.csv");
    // BOM, semicolons and Latin-1 (the district name "Cantù" with 0xF9).
    let mut bytes = b"\xEF\xBB\xBFcode;district\n".to_vec();
    bytes.extend_from_slice(b"013041;Cant\xF9\n013042;Cant\xF9\n");
    std::fs::write(&f, bytes).unwrap();
    let out = run(&[
        "audit",
        "--districts",
        f.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("semicolon-separated"), "{err}");
    assert!(err.contains("read as Latin-1"), "{err}");
    assert!(text(&out.stdout).contains("\nCantù,2,"));
}

#[test]
fn lost_leading_zeros_and_double_membership_are_refused_and_nothing_is_written() {
    let d = tmp("refuse");
    let d = d.path();
    let f = d.join("map.csv");
    std::fs::write(&f, "code,district\n16016,A\n016029,A\n016029,B\n").unwrap();
    let target = d.join("audit.md");
    let out = ambit()
        .args(["audit", "--districts", f.to_str().unwrap(), "-o"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("map.csv: line 2: field `code`"), "{err}");
    assert!(err.contains("016016 is Azzano San Paolo"), "{err}");
    assert!(
        err.contains("line 4: field `code`: municipality already assigned"),
        "{err}"
    );
    assert!(!target.exists());
}

#[test]
fn malformed_policy_is_refused() {
    let d = tmp("policy");
    let d = d.path();
    let p = d.join("p.toml");
    std::fs::write(
        &p,
        "name = 'x'\n[[classes]]\nname = 's'\nmin_population = 'max(1,'\n",
    )
    .unwrap();
    let out = run(&["audit", "--policy", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("p.toml: line 4: class `s`, field `min_population`"),
        "{err}"
    );
}

#[test]
fn map_draws_every_comune_with_the_compliance_legend() {
    let d = tmp("map");
    let d = d.path();
    let svg = d.join("m.svg");
    let out = ambit()
        .args(["map", "--districts", "ambiti-2017", "-o"])
        .arg(&svg)
        .output()
        .unwrap();
    assert_success(&out);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<?xml") || text.starts_with("<svg"));
    assert_eq!(text.matches("class=\"comune\"").count(), 1506);
    for label in ["compliant", "non-compliant", "no district"] {
        assert!(text.contains(&format!(">{label}<")), "legend lacks {label}");
    }
    // Seriate's comuni carry the audit in their tooltip.
    assert!(
        text.contains("Seriate: 77,716 inhabitants, standard (more than 80,000), non-compliant")
    );
}

#[test]
fn queen_contiguity_on_request() {
    let out = run(&[
        "audit",
        "--contiguity",
        "queen",
        "--districts",
        "ambiti-2017",
        "--format",
        "json",
    ]);
    assert_success(&out);
}
