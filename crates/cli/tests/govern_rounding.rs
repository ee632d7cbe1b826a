//! `ambit govern` under rounded weights: no member is called a dummy for weighing less than
//! the rounding unit, and the CSV output states the rounding as the table does.

mod common;

use common::{all_text, run, text};

fn govern(format: &str) -> std::process::Output {
    run(&[
        "govern",
        "Lodi",
        "--map",
        "ambiti-2021",
        "--rules",
        "policies/assembly/population_weighted.toml",
        "--index",
        "banzhaf",
        // a DP this small forces a coarse weight unit on Lodi's 61 comuni
        "--max-cells",
        "20000",
        "--format",
        format,
    ])
}

#[test]
fn rounded_weights_call_no_comune_a_dummy_and_csv_says_so() {
    let table = govern("table");
    assert!(table.status.success(), "{}", all_text(&table));
    let t = text(&table.stdout);
    assert!(t.contains("weights rounded to units of"), "{t}");
    assert!(t.contains("dummies: proven none"), "{t}");
    assert!(t.contains("weigh less than the rounding unit"), "{t}");
    let csv = govern("csv");
    assert!(csv.status.success(), "{}", all_text(&csv));
    let c = text(&csv.stdout);
    assert!(
        c.contains("\n# ") && c.contains("weights rounded to units of"),
        "{c}"
    );
    assert!(c.contains("# dummies: proven none"), "{c}");
}
