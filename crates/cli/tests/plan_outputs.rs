//! `ambit plan`'s outputs are written whole or not at all, and its exit status says whether
//! every district meets its threshold.

mod common;

use common::{all_text, ambit, run};
use std::path::{Path, PathBuf};
use std::process::Stdio;

const UNITS: &str = "crates/plan/tests/fixtures/sids100/units.csv";
const EDGES: &str = "crates/plan/tests/fixtures/sids100/edges.csv";

/// Every entry of a folder with its bytes, sorted by name.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

fn names(dir: &Path) -> Vec<String> {
    snapshot(dir).into_iter().map(|(n, _)| n).collect()
}

fn bench_plan(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "plan",
        "--units",
        UNITS,
        "--edges",
        EDGES,
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn an_infeasible_plan_is_written_and_exits_3_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    // sids100 holds 329,962 inhabitants (sum of pop): a threshold of 2 million cannot be met
    let o = bench_plan(&out, &["--threshold", "2000000"]);
    assert_eq!(o.status.code(), Some(3), "{}", all_text(&o));
    assert!(
        all_text(&o).contains("do not meet their threshold"),
        "{}",
        all_text(&o)
    );
    assert!(out.join("assignment.csv").exists());
    // `ambit check` fails on the same plan
    let asg = out.join("assignment.csv");
    let c = run(&[
        "check",
        asg.to_str().unwrap(),
        "--units",
        UNITS,
        "--edges",
        EDGES,
        "--threshold",
        "2000000",
    ]);
    assert_eq!(c.status.code(), Some(1), "{}", all_text(&c));
    let o = bench_plan(&out, &["--threshold", "2000000", "--allow-infeasible"]);
    assert_eq!(o.status.code(), Some(0), "{}", all_text(&o));
    // a feasible plan exits 0 without the flag
    let o = bench_plan(&out, &["--threshold", "5000"]);
    assert_eq!(o.status.code(), Some(0), "{}", all_text(&o));
}

#[test]
fn thresholds_must_be_finite_and_positive() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    for bad in ["0", "-5", "NaN", "inf", "ten"] {
        let o = bench_plan(&out, &["--threshold", bad]);
        assert!(!o.status.success(), "--threshold {bad} accepted");
        assert!(all_text(&o).contains("--threshold"), "{}", all_text(&o));
        let o = bench_plan(
            &out,
            &[
                "--threshold",
                "5000",
                "--class-threshold",
                &format!("std={bad}"),
            ],
        );
        assert!(!o.status.success(), "--class-threshold std={bad} accepted");
        assert!(
            all_text(&o).contains("--class-threshold"),
            "{}",
            all_text(&o)
        );
    }
    assert!(!out.exists());
}

/// Time limits, cut-edge weights and exact time limits below 0 or not numbers are refused with
/// the flag named (a negative --time-limit used to panic).
#[test]
fn limits_and_weights_must_be_numbers_0_or_more() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    for flag in ["--time-limit", "--compactness-weight", "--exact-time-limit"] {
        for bad in ["-1", "NaN", "inf"] {
            let arg = format!("{flag}={bad}");
            let o = bench_plan(&out, &["--threshold", "5000", &arg]);
            let text = all_text(&o);
            assert_eq!(o.status.code(), Some(1), "{arg}: {text}");
            assert!(text.contains(flag) && !text.contains("panicked"), "{text}");
        }
    }
    assert!(!out.exists());
}

#[test]
fn a_class_threshold_for_a_class_the_units_lack_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let o = bench_plan(
        &out,
        &["--threshold", "5000", "--class-threshold", "mountain=2000"],
    );
    assert!(!o.status.success());
    let text = all_text(&o);
    assert!(
        text.contains("mountain") && text.contains("units.csv"),
        "{text}"
    );
    assert!(!out.exists());
    // the class the fixture has is accepted
    let o = bench_plan(
        &out,
        &["--threshold", "5000", "--class-threshold", "std=4000"],
    );
    assert!(o.status.success(), "{}", all_text(&o));
}

#[test]
fn a_header_only_units_file_is_an_error_not_an_empty_plan() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units.csv");
    let edges = dir.path().join("edges.csv");
    std::fs::write(&units, "idx,id,pop\n").unwrap();
    std::fs::write(&edges, "i,j\n").unwrap();
    let out = dir.path().join("plan");
    let o = run(&[
        "plan",
        "--units",
        units.to_str().unwrap(),
        "--edges",
        edges.to_str().unwrap(),
        "--threshold",
        "5",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(all_text(&o).contains("no units"), "{}", all_text(&o));
    assert!(!out.exists());
}

/// The bundled Lombardy folder copied to `dir`, its policy path made absolute.
fn lombardy_copy(dir: &Path) -> PathBuf {
    let src = common::repo().join("data/lombardy");
    let dst = dir.join("lombardy");
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
    }
    let manifest = std::fs::read_to_string(dst.join("dataset.toml")).unwrap();
    let policy = common::repo().join("policies/lombardy-2017.toml");
    let manifest = manifest.replace(
        "policy = \"../../policies/lombardy-2017.toml\"",
        &format!("policy = {:?}", policy.to_str().unwrap()),
    );
    std::fs::write(dst.join("dataset.toml"), manifest).unwrap();
    dst
}

fn lombardy_min_change(data: &Path, out: &Path) -> std::process::Output {
    run(&[
        "plan",
        "--data",
        data.to_str().unwrap(),
        "--objective",
        "min-change",
        "--baseline",
        "ambiti-2017",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ])
}

#[test]
fn a_bad_boundary_file_leaves_the_previous_plan_whole_and_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let data = lombardy_copy(dir.path());
    let parent = dir.path().join("results");
    std::fs::create_dir(&parent).unwrap();
    let out = parent.join("plan");
    let o = lombardy_min_change(&data, &out);
    assert!(o.status.success(), "{}", all_text(&o));
    assert_eq!(
        names(&out),
        [
            ".ambit-output",
            "assignment.csv",
            "diff.csv",
            "districts.csv",
            "plan.geojson",
            "plan.json",
            "plan.svg"
        ]
    );
    let before = snapshot(&out);
    // the GeoJSON is cut in half: the plan is made, its map cannot be
    let gj = std::fs::read(data.join("boundaries_2021.geojson")).unwrap();
    std::fs::write(data.join("boundaries_2021.geojson"), &gj[..gj.len() / 2]).unwrap();
    let o = lombardy_min_change(&data, &out);
    assert!(!o.status.success());
    assert!(
        all_text(&o).contains("boundaries_2021.geojson"),
        "{}",
        all_text(&o)
    );
    assert_eq!(snapshot(&out), before);
    assert_eq!(names(&parent), ["plan"]);
    // and a fresh folder is not even created
    let fresh = parent.join("fresh");
    let o = lombardy_min_change(&data, &fresh);
    assert!(!o.status.success());
    assert_eq!(names(&parent), ["plan"]);
}

#[test]
fn a_folder_holding_other_files_is_refused_before_planning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let o = bench_plan(dir.path(), &["--threshold", "5000"]);
    assert!(!o.status.success());
    assert!(all_text(&o).contains("notes.txt"), "{}", all_text(&o));
    assert_eq!(names(dir.path()), ["notes.txt"]);
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_the_search_writes_the_best_plan_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    // the earlier plan, to be replaced whole
    let o = lombardy_min_change(&common::repo().join("data/lombardy"), &out);
    assert!(o.status.success(), "{}", all_text(&o));
    let before = snapshot(&out);
    let child = ambit()
        .args([
            "plan",
            "--data",
            "data/lombardy",
            // 64 starts at ten times the default effort: minutes of search on 2 cores, far
            // longer than the wait below also where only the best constructions are improved
            "--starts",
            "64",
            "--effort",
            "300",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--allow-infeasible",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // wait for the search to be under way (loading the data takes about a second)
    std::thread::sleep(std::time::Duration::from_secs(4));
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    let text = all_text(&o);
    match o.status.code() {
        // stopped in the search: the best plan so far, whole; no diff of the earlier run left
        Some(0) => {
            assert!(text.contains("interrupted: best plan so far"), "{text}");
            assert_eq!(
                names(&out),
                [
                    ".ambit-output",
                    "assignment.csv",
                    "districts.csv",
                    "plan.geojson",
                    "plan.json",
                    "plan.svg"
                ]
            );
            let asg = std::fs::read_to_string(out.join("assignment.csv")).unwrap();
            assert_eq!(asg.lines().count(), 1 + 1516);
        }
        // stopped while still loading (a very busy machine): the earlier plan, untouched
        Some(130) => assert_eq!(snapshot(&out), before, "{text}"),
        other => panic!("exit {other:?}: {text}"),
    }
    assert_eq!(names(dir.path()), ["plan"]);
}
