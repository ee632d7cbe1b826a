//! The audit of France's 1,259 EPCI in words: the undecided districts, the split ones with
//! their parts, the exempt island communes and the figures by departement appear in the text
//! and Markdown reports (figures: `crates/rules/tests/france.rs` and its peer).

use ambit_report::audit::{to_markdown, to_text};
use ambit_rules::{audit, CompiledPolicy, PolicyFile};
use ambit_territory::Dataset;
use std::path::PathBuf;

#[test]
fn the_french_audit_in_text_and_markdown() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let d = Dataset::load(&root.join("data/france")).unwrap();
    let policy = PolicyFile::load(&d.default_policy().unwrap()).unwrap();
    let p = CompiledPolicy::compile(policy, &d.territory).unwrap();
    let map = d.district_map("epci-2019").unwrap();
    let a = audit(&d.territory, &d.graph, &p, Some(&map));
    let text = to_text(&a);
    let line = |start: &str| {
        text.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line {start:?}"))
            .split_whitespace()
            .last()
            .unwrap()
            .to_string()
    };
    assert_eq!(line("districts undecided (data missing)"), "39");
    assert_eq!(line("non-compliant districts"), "8");
    assert_eq!(line("of them exempt by the policy"), "4");
    assert!(
        text.contains("\ndistricts that comply only if a rule whose data is missing applies:\n")
    );
    assert!(text.contains("\ndistricts not in one piece:\n"));
    let rochefort = text
        .lines()
        .find(|l| l.starts_with("CA Rochefort Océan ") && l.contains('|'))
        .unwrap();
    assert!(
        rochefort.ends_with("24 municipalities | 17004 Île-d'Aix"),
        "{rochefort}"
    );
    assert!(text.contains("85113  L'Île-d'Yeu"), "exempt island listed");
    assert!(text.contains("\nby departement (a district counts where most of its members are):\n"));
    let lot = text
        .lines()
        .find(|l| l.starts_with("46 "))
        .expect("the Lot's row");
    // Lot: its EPCI, of which the CC du Causse de Labastide Murat (3,869) fails.
    let cells: Vec<&str> = lot.split_whitespace().collect();
    let lot_epci = a
        .districts
        .iter()
        .filter(|x| x.group.as_deref() == Some("46"))
        .count();
    assert_eq!(cells[1], lot_epci.to_string());
    assert_eq!(cells[3], "1");
    // The report's audit section says how many wait on missing data, and which data.
    let (section, _) = ambit_report::report::audit::section(&a);
    let ambit_report::report::Block::Paragraph(summary) = &section.blocks[0] else {
        panic!("the section opens with its summary");
    };
    assert!(
        summary.contains("1212 compliant, 8 below their threshold."),
        "{summary}"
    );
    assert!(
        summary.contains(" 39 comply only if a rule whose data is missing applies (mountain: mountain zone (loi 85-30, art. 3); merger-2012-2015: merger of 2012-2015 (EPCI history))."),
        "{summary}"
    );
    assert!(summary.ends_with(" 4 of the municipalities in no district are exempt by the policy."));
    let md = to_markdown(&a);
    assert!(md.contains("\n## Districts not in one piece\n"));
    assert!(md.contains("| CC Berg et Coiron | 7,587 | low-density (at least 8,400 (8,399.32)) |"));
}
