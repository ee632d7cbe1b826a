//! Bad case files, case matrices and models get errors naming file, line, field and value.

use ambit_cases::error::Invalid;
use ambit_cases::{Case, CaseError, CaseTable, Model, Profile};

fn invalid(e: &CaseError) -> Vec<Invalid> {
    e.flatten()
        .into_iter()
        .map(|e| e.as_invalid().cloned().expect("an invalid entry"))
        .collect()
}

/// A complete, valid case file; tests break one line of it.
const GOOD: &str = r#"id = "X"
name = "Test case"
source = "a test"

[structures]
ties = true
trust = 0.8
previous_collaboration = "unknown"
municipalities = 12
small_municipalities = "unknown"
area_plans = 2
size_mix = "small_medium"
large_city = false

[processes]
formal_planning = 1
informal_relations = 0
joint_meetings = true
routinised_cooperation = "unknown"
third_sector_assembly = false
external_orchestrator = { value = true, played_by = ["a university"] }

[actors]
political_homophily = 0.4
administrative_leadership = false

[actors.roles]
sponsor = { value = true, played_by = ["the mayors"], quote = "they led", basis = "stated" }
champion = false
catalyst = "unknown"
implementer = false

[barriers]
conflicting_convictions = false
stereotyping = false
framing = false
fear_of_failure = false
cover_up = false

[[paradoxes]]
name = "p"
text = "a paradox"

[performance]
agreement = true
date = "2018-06"
"#;

fn parse(text: &str) -> Result<Case, CaseError> {
    Case::from_toml(text, "x.toml", Profile::Case)
}

#[test]
fn the_good_file_is_valid() {
    let c = parse(GOOD).unwrap();
    assert_eq!(
        c.structures.trust.value.known().map(|m| m.value()),
        Some(0.8)
    );
    assert_eq!(c.structures.trust.line, Some(7));
    assert_eq!(c.actors.roles.sponsor.played_by, ["the mayors"]);
    // a quote without its own source takes the case's
    assert_eq!(
        c.actors.roles.sponsor.evidence.source.as_deref(),
        Some("a test")
    );
    assert!(c.structures.previous_collaboration.value.known().is_none());
}

#[test]
fn a_score_out_of_range_names_line_field_and_value() {
    let text = GOOD.replace("trust = 0.8", "trust = 1.5");
    let e = parse(&text).unwrap_err();
    let inv = &invalid(&e)[0];
    assert_eq!(inv.file, "x.toml");
    assert_eq!(inv.line, Some(7));
    assert_eq!(inv.field, "structures.trust");
    assert_eq!(inv.value.as_deref(), Some("1.5"));
    assert!(inv.message.contains("not a membership score"), "{e}");
    assert!(e.to_string().starts_with("x.toml:7:"), "{e}");
}

#[test]
fn a_word_instead_of_a_score_is_refused() {
    let text = GOOD.replace("ties = true", "ties = \"yes\"");
    let inv = &invalid(&parse(&text).unwrap_err())[0];
    assert_eq!((inv.line, inv.field.as_str()), (Some(6), "structures.ties"));
    assert_eq!(inv.value.as_deref(), Some("\"yes\""));
    assert!(inv.message.contains("\"unknown\""), "{}", inv.message);
}

#[test]
fn a_negative_or_fractional_count_is_refused() {
    let text = GOOD.replace("municipalities = 12", "municipalities = -3");
    let inv = &invalid(&parse(&text).unwrap_err())[0];
    assert_eq!(inv.field, "structures.municipalities");
    assert_eq!(inv.line, Some(9));
    let text = GOOD.replace("municipalities = 12", "municipalities = 12.5");
    let inv = &invalid(&parse(&text).unwrap_err())[0];
    assert_eq!(inv.value.as_deref(), Some("12.5"));
}

#[test]
fn a_bad_size_mix_basis_or_date_is_refused() {
    let text = GOOD.replace("\"small_medium\"", "\"medium\"");
    let inv = &invalid(&parse(&text).unwrap_err())[0];
    assert_eq!(inv.field, "structures.size_mix");
    assert!(inv.message.contains("with_large"));

    let text = GOOD.replace("basis = \"stated\"", "basis = \"guessed\"");
    let inv = &invalid(&parse(&text).unwrap_err())[0];
    assert_eq!(inv.field, "actors.roles.sponsor.basis");
    assert_eq!(inv.line, Some(28));

    let text = GOOD.replace("2018-06", "June 2018");
    let inv = &invalid(&parse(&text).unwrap_err())[0];
    assert_eq!(inv.field, "performance.date");
    assert_eq!(inv.line, Some(46));
    assert_eq!(inv.value.as_deref(), Some("\"June 2018\""));
}

#[test]
fn unknown_fields_are_denied() {
    let text = GOOD.replace("ties = true", "ties = true\ntie_strength = 1");
    let e = parse(&text).unwrap_err();
    let inv = &invalid(&e)[0];
    assert_eq!(inv.line, Some(7));
    assert!(inv.field.starts_with("structures"), "{e}");
    assert!(inv.message.contains("unknown field `tie_strength`"), "{e}");

    // inside an evidence table
    let text = GOOD.replace("quote = \"they led\"", "quote = \"they led\", page = 4");
    let e = parse(&text).unwrap_err();
    assert!(e.to_string().contains("unknown field `page`"), "{e}");
    assert_eq!(invalid(&e)[0].line, Some(28));

    // played_by only where someone plays a role
    let text = GOOD.replace(
        "ties = true",
        "ties = { value = true, played_by = [\"x\"] }",
    );
    let e = parse(&text).unwrap_err();
    assert!(e.to_string().contains("unknown field `played_by`"), "{e}");

    // a whole unknown section
    let text = format!("{GOOD}\n[context]\nregion = \"Lombardy\"\n");
    let e = parse(&text).unwrap_err();
    assert!(e.to_string().contains("unknown field `context`"), "{e}");
}

#[test]
fn missing_fields_are_all_reported_for_a_case() {
    let text = GOOD
        .replace("trust = 0.8\n", "")
        .replace("cover_up = false\n", "");
    let e = parse(&text).unwrap_err();
    let all = invalid(&e);
    let fields: Vec<(&str, Option<usize>)> =
        all.iter().map(|i| (i.field.as_str(), i.line)).collect();
    // the line is the table that should hold the key
    assert_eq!(
        fields,
        [
            ("structures.trust", Some(5)),
            ("barriers.cover_up", Some(32))
        ]
    );
    assert!(all[0].message.contains("unknown is not absent"));

    // a whole table missing is one error, not one per field
    let start = GOOD.find("[barriers]").unwrap();
    let end = GOOD.find("[[paradoxes]]").unwrap();
    let text = format!("{}{}", &GOOD[..start], &GOOD[end..]);
    let e = parse(&text).unwrap_err();
    assert_eq!(invalid(&e).len(), 1, "{e}");
    assert!(e.to_string().contains("missing table [barriers]"), "{e}");

    let text = GOOD.replace("id = \"X\"\n", "");
    let e = parse(&text).unwrap_err();
    assert!(e.to_string().contains("missing field `id`"), "{e}");

    let text = GOOD.replace("[performance]\nagreement = true\n", "[performance]\n");
    let e = parse(&text).unwrap_err();
    assert!(e.to_string().contains("missing field `agreement`"), "{e}");
    assert_eq!(invalid(&e)[0].field, "performance");

    let text = GOOD.replace("text = \"a paradox\"\n", "");
    let e = parse(&text).unwrap_err();
    assert!(e.to_string().contains("missing field `text`"), "{e}");
    assert!(invalid(&e)[0].field.starts_with("paradoxes"), "{e}");
}

#[test]
fn a_partnership_may_leave_fields_out_but_not_misspell_them() {
    let p = Case::from_toml(
        "id = \"P\"\nname = \"p\"\n[structures]\nties = true\n",
        "p.toml",
        Profile::Partnership,
    )
    .unwrap();
    assert!(p.structures.trust.line.is_none());
    assert!(p.structures.trust.value.known().is_none());
    assert!(p.performance.is_none());
    let e = Case::from_toml(
        "id = \"P\"\nname = \"p\"\n[structures]\ntrsut = true\n",
        "p.toml",
        Profile::Partnership,
    )
    .unwrap_err();
    assert!(e.to_string().contains("unknown field `trsut`"), "{e}");
    // the case profile requires performance
    let e = Case::from_toml("id = \"P\"\nname = \"p\"\n", "p.toml", Profile::Case).unwrap_err();
    assert!(e
        .flatten()
        .iter()
        .any(|x| x.to_string().contains("[performance]")));
}

#[test]
fn toml_syntax_errors_have_a_line() {
    let text = GOOD.replace("ties = true", "ties = ");
    let inv = &invalid(&parse(&text).unwrap_err())[0];
    assert_eq!(inv.line, Some(6));
}

#[test]
fn csv_case_matrix_errors_name_line_column_and_value() {
    let good = "case,TIES,LEAD,NMUN,SUCCESS\nA,1,1,51,1\nB,1,0,,1\nC,0,?,NA,0\n";
    let t = CaseTable::from_csv(good, "m.csv").unwrap();
    assert_eq!(t.rows.len(), 3);
    assert_eq!(t.columns, ["TIES", "LEAD", "NMUN", "SUCCESS"]);

    let e = CaseTable::from_csv("case,TIES\nA,yes\nB,-1\n", "m.csv").unwrap_err();
    let all = invalid(&e);
    assert_eq!(all.len(), 2);
    assert_eq!(
        (all[0].line, all[0].field.as_str(), all[0].value.as_deref()),
        (Some(2), "TIES", Some("\"yes\""))
    );
    assert_eq!(
        (all[1].line, all[1].value.as_deref()),
        (Some(3), Some("\"-1\""))
    );

    let e = CaseTable::from_csv("id,TIES\nA,1\n", "m.csv").unwrap_err();
    assert!(e.to_string().contains("first column must be `case`"), "{e}");
    let e = CaseTable::from_csv("case,TIES,TIES\nA,1,1\n", "m.csv").unwrap_err();
    assert!(e.to_string().contains("duplicate column"), "{e}");
    let e = CaseTable::from_csv("case,TIES\nA,1\nA,0\n", "m.csv").unwrap_err();
    assert!(
        e.to_string()
            .contains("m.csv:3: field `id` = \"A\": duplicate case id"),
        "{e}"
    );
    let e = CaseTable::from_csv("case,N\nA,2.5\nB,3\n", "m.csv").unwrap_err();
    assert!(e.to_string().contains("whole number"), "{e}");
    let e = CaseTable::from_csv("case,TIES\nA,1,0\n", "m.csv").unwrap_err();
    assert_eq!(invalid(&e)[0].line, Some(2));
}

#[test]
fn model_files_are_checked() {
    let base = "name = \"m\"\ntitle = \"t\"\noutcome = \"SUCCESS\"\nsuccess = \"TIES + LEAD\"\n";
    assert!(Model::from_toml(base, "m.toml").is_ok());
    let e = Model::from_toml(&base.replace("TIES + LEAD", "TIES + "), "m.toml").unwrap_err();
    let inv = &invalid(&e)[0];
    assert_eq!((inv.line, inv.field.as_str()), (Some(4), "success"));
    let text = format!("{base}[[success_path]]\nterm = \"TRUST\"\nsupport = \"data\"\n");
    let e = Model::from_toml(&text, "m.toml").unwrap_err();
    assert!(e.to_string().contains("not a path"), "{e}");
    assert_eq!(invalid(&e)[0].line, Some(6));
    let text = format!("{base}[[success_path]]\nterm = \"LEAD\"\nsupport = \"hunch\"\n");
    let e = Model::from_toml(&text, "m.toml").unwrap_err();
    assert_eq!(invalid(&e)[0].line, Some(7));
    assert_eq!(invalid(&e)[0].field, "success_path[0].support");
}
