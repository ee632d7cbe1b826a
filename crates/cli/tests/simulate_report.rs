//! `ambit simulate` and `ambit report` end to end, including a headless-browser check of the
//! report's map and charts (skipped, with a message, when Debian's chromium is not installed).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{ambit, assert_success, text, tmp};

const SMALL: [&str; 8] = [
    "--runs", "200", "--draws", "1500", "--accept", "40", "--quiet", "--seed=3",
];

#[test]
fn simulate_the_bundled_scenario_to_json() {
    let dir = tmp("json");
    let dir = dir.path();
    let out = dir.join("sim.json");
    let o = ambit()
        .args(["simulate", "--bundled", "lombardy-2018"])
        .args(SMALL)
        .args(["--variant", "bundled:double-incentive", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_success(&o);
    let stdout = text(&o.stdout);
    assert!(stdout.contains("Calibration: ABC rejection"), "{stdout}");
    assert!(
        stdout.contains("[double-incentive minus baseline]"),
        "{stdout}"
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["options"]["runs"], 200);
    assert_eq!(v["arms"].as_array().unwrap().len(), 2);
    assert_eq!(v["calibration"]["observed"]["subscribed"], 48);
}

#[test]
fn a_bad_scenario_is_refused_with_file_line_and_value() {
    let dir = tmp("bad");
    let dir = dir.path();
    std::fs::write(
        dir.join("scenario.toml"),
        "name = \"bad\"\nbaseline = \"d.csv\"\ncandidates = \"c.csv\"\npolicy = \"p.toml\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("d.csv"), "district,compliant\nx,1\ny,maybe\n").unwrap();
    std::fs::write(dir.join("c.csv"), "candidate,members\ng,x|y\n").unwrap();
    std::fs::write(
        dir.join("p.toml"),
        "name = \"p\"\n[[windows]]\nlabel = \"w\"\ndeadline = \"2018-06-30\"\nincentive_eur = 1\n",
    )
    .unwrap();
    let out = dir.join("never.json");
    let o = ambit()
        .arg("simulate")
        .arg(dir.join("scenario.toml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(err.contains("d.csv:3: field `compliant`"), "{err}");
    assert!(err.contains("\"maybe\""), "{err}");
    assert!(!out.exists());
}

const MAP: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" class="test-map" viewBox="0 0 100 100" width="200" height="200"><title>test map</title><path class="district" d="M10,10 L90,10 L90,90 Z" fill="#4a7ab0"/></svg>
"##;

fn report(dir: &Path, name: &str) -> PathBuf {
    let map = dir.join("districts.svg");
    std::fs::write(&map, MAP).unwrap();
    let out = dir.join(name);
    let o = ambit()
        .args(["report", "--bundled", "lombardy-2018"])
        .args(SMALL)
        .args(["--variant", "bundled:mandatory-2019", "--map"])
        .arg(&map)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_success(&o);
    out
}

#[test]
fn the_bundled_report_in_markdown_has_its_figures_beside_it() {
    let dir = tmp("md");
    let dir = dir.path();
    let out = report(dir, "report.md");
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(
        md.starts_with("# Scenario report: Lombardy DGR 7631"),
        "{md}"
    );
    assert!(md.contains("| Seriate | 11 | 77,716 |"), "{md}");
    assert!(md.contains("## Calibration to the observed outcome"));
    for fig in [
        "report-audit-thresholds.svg",
        "report-fan-subscribed.svg",
        "report-map-1-districts-map.svg",
        "report-map-compliance-map.svg",
    ] {
        assert!(md.contains(fig), "{fig} not linked");
        assert!(
            dir.join(fig).metadata().unwrap().len() > 0,
            "{fig} not written"
        );
    }
}

#[test]
fn the_bundled_report_renders_in_a_headless_browser_with_map_and_charts() {
    let dir = tmp("html");
    let dir = dir.path();
    let out = report(dir, "report.html");
    let html = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        html.matches("<figure class=\"map\"").count(),
        2,
        "the compliance map and the given map"
    );
    assert!(!html.contains("<script"), "the report must be static");
    assert!(
        !html.contains("http://")
            || html.matches("http://").count()
                == html.matches("http://www.w3.org/2000/svg").count(),
        "no external resource"
    );
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("skipped: /usr/bin/chromium not installed (CI installs Debian's chromium)");
        return;
    }
    let url = format!("file://{}", out.display());
    let dom = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(&url)
        .output()
        .unwrap();
    assert_success(&dom);
    let dom = text(&dom.stdout);
    // The browser parsed the inline SVG into the DOM: the map and every kind of chart.
    assert!(
        dom.contains("class=\"test-map\""),
        "map missing from the DOM"
    );
    for chart in ["fan", "histogram", "threshold-bars", "intervals"] {
        assert!(
            dom.contains(&format!("data-chart=\"{chart}\"")),
            "{chart} chart missing"
        );
    }
    assert!(
        dom.matches("<svg").count() >= 7,
        "expected at least 7 SVG elements"
    );
    let shot = dir.join("report.png");
    let s = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1200,3000",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert_success(&s);
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.len() > 10_000,
        "screenshot too small: {} bytes",
        png.len()
    );
    assert_eq!(&png[1..4], b"PNG");
}
