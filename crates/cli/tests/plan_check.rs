//! End-to-end tests of `ambit plan` and `ambit check` on the bundled Lombardy data and on a
//! benchmark-format fixture.

mod common;

use std::path::Path;

use common::{all_text, run};

/// Runs `ambit` from the repository root: whether it succeeded, and its stdout then stderr.
fn ambit(args: &[&str]) -> (bool, String) {
    let out = run(args);
    (out.status.success(), all_text(&out))
}

#[test]
fn min_change_makes_seriate_compliant_with_one_move() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let (ok, text) = ambit(&[
        "plan",
        "--data",
        "data/lombardy",
        "--objective",
        "min-change",
        "--baseline",
        "ambiti-2017",
        "--out",
        out,
        "--quiet",
    ]);
    assert!(ok, "{text}");
    // Seriate 77,716 < 80,000: one comune of Dalmine bordering Seriate (Urgnano 9,908 or Zanica
    // 8,744; Romano's Ghisalba would leave Romano at 78,710) is enough.
    assert!(
        text.contains("1 units moved, 0 merges, 0 non-compliant"),
        "{text}"
    );
    let diff = std::fs::read_to_string(dir.path().join("diff.csv")).unwrap();
    let lines: Vec<&str> = diff.lines().collect();
    assert_eq!(lines.len(), 2, "{diff}");
    assert!(
        lines[1] == "016222,Urgnano,Dalmine,Seriate" || lines[1] == "016248,Zanica,Dalmine,Seriate",
        "{diff}"
    );
    // the repaired plan passes the checker; the baseline does not, and it says why
    let asg = dir.path().join("assignment.csv");
    let (ok, text) = ambit(&[
        "check",
        asg.to_str().unwrap(),
        "--data",
        "data/lombardy",
        "--partial",
    ]);
    assert!(ok, "{text}");
    let (ok, text) = ambit(&[
        "check",
        "ambiti-2017",
        "--data",
        "data/lombardy",
        "--partial",
    ]);
    assert!(!ok);
    assert!(
        text.contains("FAIL threshold: district Seriate has 77716 inhabitants, class standard needs more than 80000 (short by 2285)"),
        "{text}"
    );
}

#[test]
fn max_districts_on_sids_reaches_the_peer_p_and_check_catches_breakage() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let fx = "crates/plan/tests/fixtures/sids100";
    let units = format!("{fx}/units.csv");
    let edges = format!("{fx}/edges.csv");
    let (ok, text) = ambit(&[
        "plan",
        "--units",
        &units,
        "--edges",
        &edges,
        "--threshold",
        "5000",
        "--out",
        out,
        "--quiet",
    ]);
    assert!(ok, "{text}");
    let p: usize = text
        .split_whitespace()
        .next()
        .and_then(|w| w.parse().ok())
        .expect("first word is the number of compliant districts");
    // GeoDa maxp_sa reaches 35 on this input (bench/maxp/runs/geoda.jsonl)
    assert!(p >= 35, "{text}");
    let check = |assignment: &Path| {
        ambit(&[
            "check",
            assignment.to_str().unwrap(),
            "--units",
            &units,
            "--edges",
            &edges,
            "--threshold",
            "5000",
        ])
    };
    let asg = dir.path().join("assignment.csv");
    let (ok, text) = check(&asg);
    assert!(ok, "{text}");
    // break it: drop a unit; the checker names it as unplaced
    let body = std::fs::read_to_string(&asg).unwrap();
    let mut lines: Vec<&str> = body.lines().collect();
    let dropped = lines.remove(1).split(',').next().unwrap().to_string();
    let broken = dir.path().join("broken.csv");
    std::fs::write(&broken, lines.join("\n") + "\n").unwrap();
    let (ok, text) = check(&broken);
    assert!(!ok);
    assert!(
        text.contains(&format!(
            "FAIL completeness: 1 units have no district: {dropped}"
        )),
        "{text}"
    );
}

#[test]
fn bad_input_names_file_line_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units.csv");
    let edges = dir.path().join("edges.csv");
    std::fs::write(&units, "idx,id,pop\n0,a,10\n1,b,ten\n").unwrap();
    std::fs::write(&edges, "i,j\n0,1\n").unwrap();
    let (ok, text) = ambit(&[
        "plan",
        "--units",
        units.to_str().unwrap(),
        "--edges",
        edges.to_str().unwrap(),
        "--threshold",
        "5",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(text.contains("units.csv") && text.contains("ten"), "{text}");
    assert!(!dir.path().join("assignment.csv").exists());
}
