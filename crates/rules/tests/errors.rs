//! Malformed policy files are refused with file, line, field and value.

use ambit_rules::{CompiledPolicy, PolicyFile};
use ambit_territory::{table::Table, MunicipalityColumns, Territory};
use std::path::Path;

fn territory() -> Territory {
    let csv = "code,name,population,zone,alt\n1,A,100,T,200\n2,B,200,NM,abc\n";
    Territory::from_table(
        Table::parse(Path::new("m.csv"), csv.as_bytes()).unwrap(),
        &MunicipalityColumns::default(),
    )
    .unwrap()
}

fn compile(text: &str) -> String {
    match PolicyFile::parse(Path::new("p.toml"), text.to_string()) {
        Err(e) => e.to_string(),
        Ok(f) => match CompiledPolicy::compile(f, &territory()) {
            Err(e) => e.to_string(),
            Ok(_) => "ok".into(),
        },
    }
}

const STD: &str = "[[classes]]\nname = \"standard\"\nmin_population = 100\n";

#[test]
fn malformed_toml_names_line_and_column() {
    let e = compile("name = \"x\"\n[[classes]\n");
    assert!(e.starts_with("p.toml: line 2, column"), "{e}");
}

#[test]
fn unknown_field_is_refused() {
    let e = compile(&format!("name = \"x\"\nthreshold = 3\n{STD}"));
    assert!(
        e.contains("line 2") && e.contains("unknown field `threshold`"),
        "{e}"
    );
}

#[test]
fn bad_expression_names_class_field_line_and_column() {
    let e = compile(&format!(
        "name = \"x\"\n[[classes]]\nname = \"m\"\nwhen = \"density >> 3\"\nmin_population = 1\n{STD}"
    ));
    assert_eq!(
        e,
        "p.toml: line 4: class `m`, field `when`: column 10: unexpected `>` (value \"density >> 3\")"
    );
}

#[test]
fn missing_column_and_bad_value_are_named() {
    let e = compile(&format!(
        "name = \"x\"\n[[classes]]\nname = \"m\"\nwhen = \"pop_share(height > 3) > 0.5\"\nmin_population = 1\n{STD}"
    ));
    assert!(e.contains("has no column `height`"), "{e}");
    let e = compile(&format!(
        "name = \"x\"\n[[classes]]\nname = \"m\"\nwhen = \"pop_share(alt > 3) > 0.5\"\nmin_population = 1\n{STD}"
    ));
    assert_eq!(
        e,
        "m.csv: line 3: field `alt`: not a number (value \"abc\"), needed by the policy's class `m`"
    );
}

#[test]
fn default_class_must_be_last_and_types_must_match() {
    let e = compile(&format!("name = \"x\"\n{STD}[[classes]]\nname = \"m\"\nwhen = \"density > 1\"\nmin_population = 1\n"));
    assert!(
        e.contains("no `when` but is not last") || e.contains("must have no `when`"),
        "{e}"
    );
    let e = compile(&format!(
        "name = \"x\"\n[[classes]]\nname = \"m\"\nwhen = \"density + 1\"\nmin_population = 1\n{STD}"
    ));
    assert!(e.contains("expected a condition, found a number"), "{e}");
}
