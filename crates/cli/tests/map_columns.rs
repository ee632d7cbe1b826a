//! A district map file given on the command line is read from its own columns: the usual
//! names, the column of the region's codes, or the ones `--code-column`/`--district-column`
//! name; a notice says which were used.

mod common;

use common::{all_text, run};

fn audit(map: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "audit",
        "--data",
        "data/lombardy",
        "--districts",
        map.to_str().unwrap(),
        "--format",
        "csv",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn the_regions_own_layout_is_read_with_a_notice() {
    // the shipped 2017 file: istat_code,comune,ambito,province,source_id
    let shipped = common::repo().join("data/lombardy/ambiti_2017.csv");
    let o = audit(&shipped, &[]);
    let text = all_text(&o);
    assert!(o.status.success(), "{text}");
    assert!(
        text.contains("columns `istat_code` (codes) and `ambito` (districts)"),
        "{text}"
    );
    // the same audit as the map named in the manifest
    let named = run(&[
        "audit",
        "--data",
        "data/lombardy",
        "--districts",
        "ambiti-2017",
        "--format",
        "csv",
    ]);
    assert!(named.status.success());
    let rows = |out: &std::process::Output| -> Vec<String> {
        common::text(&out.stdout)
            .lines()
            .filter(|l| {
                ["Seriate,", "Dalmine,", "Treviglio,"]
                    .iter()
                    .any(|d| l.starts_with(d))
            })
            .map(str::to_string)
            .collect()
    };
    assert_eq!(rows(&o).len(), 3);
    assert_eq!(rows(&o), rows(&named));
}

#[test]
fn unusual_headers_are_found_by_values_or_named_by_flags() {
    let dir = tempfile::tempdir().unwrap();
    let shipped =
        std::fs::read_to_string(common::repo().join("data/lombardy/ambiti_2017.csv")).unwrap();
    // rename the headers to something no list knows
    let body: String = shipped.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let f = dir.path().join("export.csv");
    std::fs::write(&f, format!("COD,NOME,GRUPPO,PROV,ID\n{body}")).unwrap();
    // the code column is found by its values; the district column cannot be guessed
    let o = audit(&f, &[]);
    assert!(!o.status.success());
    let text = all_text(&o);
    assert!(
        text.contains("export.csv")
            && text.contains("--district-column")
            && text.contains("GRUPPO"),
        "{text}"
    );
    let o = audit(&f, &["--district-column", "GRUPPO"]);
    let text = all_text(&o);
    assert!(o.status.success(), "{text}");
    assert!(
        text.contains("columns `COD` (codes) and `GRUPPO` (districts)"),
        "{text}"
    );
    assert!(text.contains("Seriate"), "{text}");
    // a named column that does not exist is an error naming it
    let o = audit(
        &f,
        &["--code-column", "istat", "--district-column", "GRUPPO"],
    );
    assert!(!o.status.success());
    assert!(all_text(&o).contains("istat"), "{}", all_text(&o));
}
