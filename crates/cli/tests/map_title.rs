//! A map's title names the district map it draws before the rules it is measured against.

mod common;

use common::{all_text, run};

#[test]
fn the_2021_map_is_titled_as_the_2021_map() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.svg");
    let o = run(&[
        "map",
        "--data",
        "data/lombardy",
        "--districts",
        "ambiti-2021",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", all_text(&o));
    let svg = std::fs::read_to_string(&out).unwrap();
    let title = svg
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap();
    assert!(
        title.starts_with("ambiti-2021: Ambiti after the re-zoning (Piani di Zona 2021-2023)"),
        "{title}"
    );
    assert!(
        title.contains(", against Lombardy DGR X/7631 (2017)"),
        "{title}"
    );
}
