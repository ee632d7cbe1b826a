//! `ambit report` writes what it is asked for, whole or not at all.

mod common;

use common::{all_text, run};

fn names(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn an_unknown_extension_is_refused_not_written_as_html() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["report.pdf", "report"] {
        let out = dir.path().join(name);
        let o = run(&[
            "report",
            "--data",
            "data/lombardy",
            "--districts",
            "ambiti-2017",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(!o.status.success());
        let text = all_text(&o);
        assert!(text.contains(name) && text.contains("--format"), "{text}");
    }
    assert!(names(dir.path()).is_empty());
    // an explicit format is obeyed whatever the name
    let out = dir.path().join("report.txt");
    let o = run(&[
        "report",
        "--data",
        "data/lombardy",
        "--districts",
        "ambiti-2017",
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", all_text(&o));
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
}

#[test]
fn a_markdown_report_that_cannot_be_written_leaves_no_figure() {
    let dir = tempfile::tempdir().unwrap();
    // a folder stands where the .md should go
    let out = dir.path().join("report.md");
    std::fs::create_dir(&out).unwrap();
    let o = run(&[
        "report",
        "--data",
        "data/lombardy",
        "--districts",
        "ambiti-2017",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(all_text(&o).contains("report.md"), "{}", all_text(&o));
    assert_eq!(names(dir.path()), ["report.md"]);
    assert!(names(&out).is_empty());
    // written elsewhere, the text and its figures all appear
    let ok = dir.path().join("ok.md");
    let o = run(&[
        "report",
        "--data",
        "data/lombardy",
        "--districts",
        "ambiti-2017",
        "-o",
        ok.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", all_text(&o));
    let all = names(dir.path());
    assert!(all.contains(&"ok.md".to_string()), "{all:?}");
    assert!(all.iter().any(|n| n.ends_with(".svg")), "{all:?}");
    assert!(!all.iter().any(|n| n.ends_with(".tmp")), "{all:?}");
}
