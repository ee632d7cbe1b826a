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
