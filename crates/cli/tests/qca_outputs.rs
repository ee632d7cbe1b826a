//! `ambit qca`: repeated case labels are refused; a calibrated matrix is written whole or not
//! at all, even when Ctrl-C comes while it is being written.

mod common;

use common::{all_text, ambit, run};
use std::process::Stdio;

fn names(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn repeated_case_labels_are_refused_with_both_lines() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("dup.csv");
    std::fs::write(&f, "case,A,B,Y\nc1,1,0,1\nc2,0,1,0\nc1,1,1,1\n").unwrap();
    let o = run(&["qca", "tt", f.to_str().unwrap(), "--outcome", "Y"]);
    assert!(!o.status.success());
    let text = all_text(&o);
    assert!(
        text.contains("dup.csv: line 4") && text.contains("\"c1\"") && text.contains("line 2"),
        "{text}"
    );
    // distinct labels pass
    std::fs::write(&f, "case,A,B,Y\nc1,1,0,1\nc2,0,1,0\nc3,1,1,1\n").unwrap();
    let o = run(&["qca", "tt", f.to_str().unwrap(), "--outcome", "Y"]);
    assert!(o.status.success(), "{}", all_text(&o));
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_calibrating_leaves_the_old_file_or_the_whole_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("raw.csv");
    let rows = 400_000;
    let mut text = String::with_capacity(rows * 16);
    text.push_str("case,X\n");
    for i in 0..rows {
        text.push_str(&format!("c{i},{}\n", i % 1000));
    }
    std::fs::write(&raw, text).unwrap();
    let out = dir.path().join("cal.csv");
    for delay_ms in [300u64, 900, 1500, 2500] {
        std::fs::write(&out, "old").unwrap();
        let child = ambit()
            .args([
                "qca",
                "calibrate",
                raw.to_str().unwrap(),
                "--column",
                "X",
                "--thresholds",
                "e=100,c=500,i=900",
                "--output",
                out.to_str().unwrap(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let o = child.wait_with_output().unwrap();
        let written = std::fs::read_to_string(&out).unwrap();
        match o.status.code() {
            Some(0) => assert_eq!(written.lines().count(), rows + 1),
            Some(130) => assert_eq!(written, "old", "{}", all_text(&o)),
            other => panic!("exit {other:?}: {}", all_text(&o)),
        }
        assert_eq!(
            names(dir.path()),
            ["cal.csv", "raw.csv"],
            "after {delay_ms} ms"
        );
    }
}

/// Every qca subcommand renders every `--format`: the first line of CSV is the table's header,
/// Markdown is a pipe table, JSON parses.
#[test]
fn every_subcommand_renders_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("seed.csv");
    // TIES explains SUCCESS: A and B (TIES = 1) succeed, C and D do not.
    std::fs::write(
        &f,
        "case,TIES,LEAD,SUCCESS\nA,1,1,1\nB,1,0,1\nC,0,0,0\nD,0,0,0\n",
    )
    .unwrap();
    let f = f.to_str().unwrap();
    let runs: [(&[&str], &str); 6] = [
        (
            &["tt", f, "--outcome", "SUCCESS"],
            "row,TIES,LEAD,OUT,n,incl,PRI,cases",
        ),
        (
            &["minimize", f, "--outcome", "SUCCESS", "--include", "?"],
            "model,term,inclS,PRI,covS,covU,cases",
        ),
        (
            &["necessity", f, "--outcome", "SUCCESS"],
            ",expression,inclN,RoN,covN",
        ),
        (
            &["fit", f, "--outcome", "SUCCESS", "--expression", "TIES"],
            ",expression,inclS,PRI,covS,covU",
        ),
        (
            &[
                "calibrate",
                f,
                "--column",
                "LEAD",
                "--method",
                "crisp",
                "--thresholds",
                "1",
            ],
            "case,LEAD (raw),LEAD",
        ),
        (
            &["robust", f, "--outcome", "SUCCESS", "--incl-range", "0.5,1"],
            "parameter,from,to,base,same solution,other solutions",
        ),
    ];
    for (args, csv_header) in runs {
        let with = |format: &str| {
            let mut a = vec!["qca"];
            a.extend_from_slice(args);
            a.extend_from_slice(&["--format", format]);
            let o = run(&a);
            assert!(o.status.success(), "{a:?}: {}", all_text(&o));
            String::from_utf8(o.stdout).unwrap()
        };
        let csv = with("csv");
        assert_eq!(csv.lines().next(), Some(csv_header), "{args:?}: {csv}");
        let md = with("markdown");
        assert!(md.lines().any(|l| l.starts_with("| ")), "{args:?}: {md}");
        let json = with("json");
        assert!(
            serde_json::from_str::<serde_json::Value>(&json).is_ok(),
            "{args:?}: {json}"
        );
        assert!(!with("table").is_empty());
    }
}
