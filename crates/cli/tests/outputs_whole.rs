//! Every output path of `govern`, `assess`, `cases`, `audit`, `map`, `simulate`, `report` and
//! `plan --ensemble` is failed or interrupted midway (a bad input found late, a target that
//! cannot be written, Ctrl-C during the work), and the folder then holds either the whole old
//! state or the whole new one, never a temporary file. Ctrl-C exits 130.

mod common;

use common::{all_text, ambit, run};
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

/// Every entry of a folder (recursively) with its bytes, sorted by path.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() {
            v.push((format!("{name}/"), Vec::new()));
            for (n, b) in snapshot(&e.path()) {
                v.push((format!("{name}/{n}"), b));
            }
        } else {
            v.push((name, std::fs::read(e.path()).unwrap()));
        }
    }
    v.sort();
    v
}

fn names(dir: &Path) -> Vec<String> {
    snapshot(dir).into_iter().map(|(n, _)| n).collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs `args` in a folder holding `out` = "old": the command fails and the folder is exactly
/// as it was.
#[track_caller]
fn fails_and_keeps_the_old(dir: &Path, args: &[&str]) -> Output {
    let before = snapshot(dir);
    let o = run(args);
    assert!(!o.status.success(), "{:?} succeeded", args);
    assert_eq!(o.status.code(), Some(1), "{}", all_text(&o));
    assert_eq!(snapshot(dir), before, "{:?}: {}", args, all_text(&o));
    o
}

/// Starts `args`, sends Ctrl-C after `after`, and returns the exit status and output.
fn interrupted(args: &[&str], after: Duration) -> Output {
    let child = ambit()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    child.wait_with_output().unwrap()
}

const RULES: &str = "policies/assembly/population_weighted.toml";

#[test]
fn govern_with_a_bad_second_rule_book_keeps_the_old_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("power.csv");
    std::fs::write(&out, "old").unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[assembly]\nname = \"x\"\n[decision]\nvotes_at_least = \"150%\"\n",
    )
    .unwrap();
    // the first rule book is assessed before the second is found wrong
    let o = fails_and_keeps_the_old(
        dir.path(),
        &[
            "govern",
            "Lodi",
            "--map",
            "ambiti-2021",
            "--rules",
            RULES,
            "--rules",
            s(&bad),
            "--format",
            "csv",
            "-o",
            s(&out),
        ],
    );
    assert!(all_text(&o).contains("bad.toml:4"), "{}", all_text(&o));
    // a budget whose allocation is refused after the power tables were computed
    fails_and_keeps_the_old(
        dir.path(),
        &[
            "govern",
            "Lodi",
            "--map",
            "ambiti-2021",
            "--rules",
            RULES,
            "--budget",
            "1000",
            "--allocation",
            "blend:x",
            "-o",
            s(&out),
        ],
    );
    let ok = run(&[
        "govern",
        "Lodi",
        "--map",
        "ambiti-2021",
        "--rules",
        RULES,
        "--format",
        "csv",
        "-o",
        s(&out),
    ]);
    assert!(ok.status.success(), "{}", all_text(&ok));
    let csv = std::fs::read_to_string(&out).unwrap();
    // Lodi has 61 comuni: header, 61 rows, then the notes
    assert_eq!(csv.lines().filter(|l| !l.starts_with('#')).count(), 62);
    assert_eq!(names(dir.path()), ["bad.toml", "power.csv"]);
}

#[test]
fn assess_and_cases_keep_the_old_output_on_a_late_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.txt");
    std::fs::write(&out, "old").unwrap();
    // the model is derived from the cases, then the partnership turns out malformed
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "id = \"X\"\nname = 3\n").unwrap();
    fails_and_keeps_the_old(
        dir.path(),
        &[
            "assess",
            s(&bad),
            "--cases",
            "cases/lombardy-2018",
            "--conditions",
            "TIES,LEAD",
            "-o",
            s(&out),
        ],
    );
    // the cases load, then a chosen condition is unknown in one of them
    let o = fails_and_keeps_the_old(
        dir.path(),
        &[
            "cases",
            "matrix",
            "cases/lombardy-2018",
            "--conditions",
            "TIES,LEAD,FORMAL",
            "-o",
            s(&out),
        ],
    );
    assert!(all_text(&o).contains("FORMAL"), "{}", all_text(&o));
    // an output in a folder that does not exist: nothing anywhere
    let missing = dir.path().join("no/such/folder/list.md");
    fails_and_keeps_the_old(
        dir.path(),
        &[
            "cases",
            "list",
            "cases/lombardy-2018",
            "--format",
            "markdown",
            "-o",
            s(&missing),
        ],
    );
    let ok = run(&[
        "cases",
        "list",
        "cases/lombardy-2018",
        "--format",
        "csv",
        "-o",
        s(&out),
    ]);
    assert!(ok.status.success(), "{}", all_text(&ok));
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(
        csv.starts_with("id,name,SUCCESS,date,unknown,paradoxes,file\n"),
        "{csv}"
    );
    assert_eq!(names(dir.path()), ["bad.toml", "out.txt"]);
}

#[test]
fn audit_and_map_into_an_unwritable_place_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // a file stands where the output's folder should be
    let blocker = dir.path().join("plain-file");
    std::fs::write(&blocker, "old").unwrap();
    let under = blocker.join("audit.csv");
    fails_and_keeps_the_old(
        dir.path(),
        &[
            "audit",
            "--districts",
            "ambiti-2017",
            "--format",
            "csv",
            "-o",
            s(&under),
        ],
    );
    let map = blocker.join("map.svg");
    fails_and_keeps_the_old(
        dir.path(),
        &["map", "--districts", "ambiti-2017", "-o", s(&map)],
    );
    // a folder stands where the file should go: refused, the folder untouched
    let folder = dir.path().join("map.svg");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("keep"), "mine").unwrap();
    fails_and_keeps_the_old(
        dir.path(),
        &["map", "--districts", "ambiti-2017", "-o", s(&folder)],
    );
}

/// `ambit simulate` or `ambit report` over 5 million runs of the bundled scenario (minutes of
/// work), writing to `out` through `flag`, stopped by Ctrl-C after 3 s: during the runs.
fn long_simulation_interrupted(command: &str, flag: &str, out: &Path) -> Output {
    interrupted(
        &[
            command,
            "--bundled",
            "lombardy-2018",
            "--runs",
            "5000000",
            "--draws",
            "200",
            "--accept",
            "20",
            "--quiet",
            flag,
            s(out),
        ],
        Duration::from_secs(3),
    )
}

#[test]
fn ctrl_c_during_a_simulation_exits_130_and_keeps_the_old_result() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sim.json");
    std::fs::write(&out, "old").unwrap();
    let before = snapshot(dir.path());
    let o = long_simulation_interrupted("simulate", "--out", &out);
    assert_eq!(o.status.code(), Some(130), "{}", all_text(&o));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn ctrl_c_during_a_report_exits_130_and_keeps_the_old_report() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["r.html", "r.md"] {
        let out = dir.path().join(name);
        std::fs::write(&out, "old").unwrap();
        let before = snapshot(dir.path());
        let o = long_simulation_interrupted("report", "-o", &out);
        assert_eq!(o.status.code(), Some(130), "{}", all_text(&o));
        assert_eq!(snapshot(dir.path()), before, "{name}");
    }
}

#[test]
fn a_markdown_report_whose_last_figure_cannot_be_written_keeps_the_old_one_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.md");
    let args = |title: &str| {
        run(&[
            "report",
            "--districts",
            "ambiti-2017",
            "--title",
            title,
            "-o",
            s(&out),
            "--quiet",
        ])
    };
    let o = args("First");
    assert!(o.status.success(), "{}", all_text(&o));
    let figures: Vec<String> = names(dir.path())
        .into_iter()
        .filter(|n| n.ends_with(".svg"))
        .collect();
    assert!(figures.len() >= 2, "{figures:?}");
    // the last figure's name is taken by a folder: the text and the other figures are
    // staged, then the last one fails
    let last = dir.path().join(figures.last().unwrap());
    std::fs::remove_file(&last).unwrap();
    std::fs::create_dir(&last).unwrap();
    let before = snapshot(dir.path());
    let o = args("Second");
    assert_eq!(o.status.code(), Some(1), "{}", all_text(&o));
    assert_eq!(snapshot(dir.path()), before);
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.starts_with("# First"), "{md}");
}

/// `ambit plan --ensemble 3` of the sids100 fixture at 5,000 into `out`.
fn sids100_ensemble(out: &Path) -> [&str; 12] {
    [
        "plan",
        "--units",
        "crates/plan/tests/fixtures/sids100/units.csv",
        "--edges",
        "crates/plan/tests/fixtures/sids100/edges.csv",
        "--threshold",
        "5000",
        "--ensemble",
        "3",
        "--out",
        s(out),
        "--quiet",
    ]
}

#[test]
fn an_ensemble_into_a_folder_of_someone_elses_files_is_refused_before_the_search() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ens");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let o = fails_and_keeps_the_old(dir.path(), &sids100_ensemble(&out));
    assert!(all_text(&o).contains("notes.txt"), "{}", all_text(&o));
    // into a fresh folder: the three files, whole
    let fresh = dir.path().join("fresh");
    let o = run(&sids100_ensemble(&fresh));
    assert!(o.status.success(), "{}", all_text(&o));
    assert_eq!(
        names(&fresh),
        [".ambit-output", "pairs.csv", "stability.csv"]
    );
    // sids100 has 100 units: a header and one line each
    let stability = std::fs::read_to_string(fresh.join("stability.csv")).unwrap();
    assert_eq!(stability.lines().count(), 101);
}

#[test]
fn ctrl_c_during_a_rule_search_writes_the_rules_so_far_whole_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("search.txt");
    std::fs::write(&out, "old").unwrap();
    let o = interrupted(
        &[
            "govern",
            "Lodi",
            "--map",
            "ambiti-2021",
            "--search",
            "-o",
            s(&out),
        ],
        Duration::from_secs(3),
    );
    let text = std::fs::read_to_string(&out).unwrap();
    match o.status.code() {
        // stopped in the search: the rules evaluated so far, whole
        Some(130) if text != "old" => {
            assert!(
                all_text(&o).contains("interrupted: showing the"),
                "{}",
                all_text(&o)
            );
            assert!(text.contains("rules closest to population share"), "{text}");
            assert!(text.contains("rules evaluated"), "{text}");
        }
        // stopped while loading: the old file
        Some(130) => {}
        // the search finished before Ctrl-C: the whole new table
        Some(0) => assert!(text.contains("rules evaluated"), "{text}"),
        other => panic!("exit {other:?}: {}", all_text(&o)),
    }
    assert_eq!(names(dir.path()), ["search.txt"]);
}
