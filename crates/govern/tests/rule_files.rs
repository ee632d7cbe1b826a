//! Rule files: the shipped examples parse, and bad files get errors naming file, line, field
//! and value.

use ambit_govern::{assess, AssemblyRules, GovernError, Indices, Member, PowerOptions};

fn err(text: &str) -> String {
    match AssemblyRules::parse(text, "bad.toml") {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn members() -> Vec<Member> {
    vec![
        Member::new("098031", "Lodi", 45252),
        Member::new("098019", "Codogno", 15901),
        Member::new("098010", "Casalpusterlengo", 15280),
        Member::new("098038", "Maccastorna", 68),
    ]
}

#[test]
fn shipped_rule_files_parse_and_run() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies/assembly");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let rules = AssemblyRules::parse(&text, &path.display().to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        // Twelve comuni, so that a 10 % cap can hold.
        let mut ms = members();
        for i in 0..8u64 {
            ms.push(Member::new(
                format!("9{i:05}"),
                format!("Comune {i}"),
                500 + 300 * i,
            ));
        }
        let a = assess(&rules, &ms, None, Indices::Both, &PowerOptions::default()).unwrap();
        let sum: f64 = a.members.iter().map(|m| m.banzhaf).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{}", path.display());
        seen += 1;
    }
    assert!(seen >= 8, "only {seen} rule files");
}

#[test]
fn unknown_basis_names_line_field_and_value() {
    let e = err("[assembly]\nname = \"x\"\n[weights]\nbasis = \"populaton\"\n[decision]\n");
    assert!(e.contains("bad.toml:4"), "{e}");
    assert!(e.contains("weights.basis"), "{e}");
    assert!(e.contains("\"populaton\""), "{e}");
}

#[test]
fn share_out_of_range() {
    let e = err("[assembly]\nname = \"x\"\n[decision]\nvotes_at_least = \"3/2\"\n");
    assert!(
        e.contains("bad.toml:4") && e.contains("decision.votes_at_least") && e.contains("3/2"),
        "{e}"
    );
    let e = err("[assembly]\nname = \"x\"\n[decision]\n\nmembers_at_least = 1.5\n");
    assert!(
        e.contains("bad.toml:5") && e.contains("decision.members_at_least") && e.contains("1.5"),
        "{e}"
    );
}

#[test]
fn syntax_errors_and_unknown_fields_have_lines() {
    let e = err("[assembly]\nname = \"x\"\n[decision]\nvotes_at_least = \n");
    assert!(e.contains("bad.toml:4"), "{e}");
    let e = err("[assembly]\nname = \"x\"\n[decision]\nquota = 0.5\n");
    assert!(e.contains("bad.toml:4") && e.contains("quota"), "{e}");
}

#[test]
fn conflicting_and_misplaced_fields() {
    let e =
        err("[assembly]\nname = \"x\"\n[decision]\nvotes_at_least = 0.6\nvotes_more_than = 0.5\n");
    assert!(
        e.contains("bad.toml:5") && e.contains("votes_more_than"),
        "{e}"
    );
    let e = err("[assembly]\nname = \"x\"\n[decision]\nmethod = \"largest\"\n");
    assert!(
        e.contains("bad.toml:4") && e.contains("decision.method"),
        "{e}"
    );
    let e = err("[assembly]\nname = \"x\"\n[decision]\n[[matter]]\nunanimity = true\n");
    assert!(e.contains("matter.name"), "{e}");
    let e = err("[assembly]\nname = \"x\"\n[decision]\n[president]\nmethod = \"lottery\"\n");
    assert!(
        e.contains("bad.toml:5") && e.contains("president.method") && e.contains("lottery"),
        "{e}"
    );
    let e = err("[assembly]\nname = \"x\"\n[weights]\nbasis = \"power\"\n[decision]\n");
    assert!(e.contains("exponent"), "{e}");
}

#[test]
fn unknown_veto_member_is_reported_with_its_line() {
    let text = "[assembly]\nname = \"x\"\n[decision]\nveto = [\"Crema\"]\n";
    let rules = AssemblyRules::parse(text, "veto.toml").unwrap();
    let e = rules.game(&members(), &rules.decision).unwrap_err();
    assert!(
        matches!(e, GovernError::UnknownMember { line: 4, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("veto.toml:4") && e.to_string().contains("Crema"));
}

#[test]
fn impossible_cap_is_an_error_not_a_panic() {
    let text = "[assembly]\nname = \"x\"\n[weights]\nbasis = \"population\"\ncap_share = 0.1\n[decision]\n";
    let rules = AssemblyRules::parse(text, "cap.toml").unwrap();
    let e = rules
        .game(&members(), &rules.decision)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cap.toml:5") && e.contains("weights.cap_share"),
        "{e}"
    );
}
