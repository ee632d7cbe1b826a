//! The report of one district map (no simulation): its audit, compliance map and changes from
//! a baseline, on the bundled Lombardy data and the 2017 ambiti.

use ambit_report::report::districts::{
    compliance_map, document, incentive_costs, DistrictMapReport, MapChanges,
};
use ambit_report::report::html;
use ambit_rules::{audit, CompiledPolicy, PolicyFile};
use ambit_territory::{Dataset, DistrictMap};
use std::path::PathBuf;

fn lombardy() -> (Dataset, CompiledPolicy) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/lombardy");
    let d = Dataset::load(&dir).unwrap();
    let policy = PolicyFile::load(&d.default_policy().unwrap()).unwrap();
    let p = CompiledPolicy::compile(policy, &d.territory).unwrap();
    (d, p)
}

/// The 2017 ambiti with every member of `from` moved to `to`.
fn renamed(map: &DistrictMap, from: &str, to: &str) -> DistrictMap {
    DistrictMap::from_pairs(map.pairs().into_iter().map(|(c, d)| {
        let d = if d == from { to } else { d };
        (c.clone(), d.to_string())
    }))
}

#[test]
fn a_merger_and_a_move_are_named() {
    let (d, _) = lombardy();
    let base = d.district_map("ambiti-2017").unwrap();
    let merged = renamed(&base, "Seriate", "Romano di Lombardia");
    let c = MapChanges::between(&d.territory, "ambiti-2017", &base, &merged);
    assert!(c.moved.is_empty());
    assert_eq!(c.merged.len(), 1);
    assert_eq!(c.merged[0].district, "Romano di Lombardia");
    assert_eq!(
        c.merged[0].baseline,
        vec!["Romano di Lombardia".to_string(), "Seriate".to_string()]
    );
    // Dalmine, Isola Bergamasca, Treviglio and the comuni in no ambito keep their members.
    assert_eq!(c.unchanged, 4);

    // One comune of Seriate given to Dalmine; one unassigned comune added to Treviglio.
    let seriate = base
        .pairs()
        .into_iter()
        .find(|(_, d)| *d == "Seriate")
        .map(|(c, _)| c.clone())
        .unwrap();
    let outside = d
        .territory
        .municipalities()
        .iter()
        .find(|m| base.district_of(&m.code).is_none())
        .unwrap();
    let mut pairs: Vec<_> = base
        .pairs()
        .into_iter()
        .map(|(c, x)| {
            let x = if *c == seriate { "Dalmine" } else { x };
            (c.clone(), x.to_string())
        })
        .collect();
    pairs.push((outside.code.clone(), "Treviglio".into()));
    let moved = DistrictMap::from_pairs(pairs);
    let c = MapChanges::between(&d.territory, "ambiti-2017", &base, &moved);
    let mut got: Vec<(String, String, String)> = c
        .moved
        .iter()
        .map(|m| (m.code.to_string(), m.from.clone(), m.to.clone()))
        .collect();
    got.sort();
    let mut want = vec![
        (seriate.to_string(), "Seriate".into(), "Dalmine".into()),
        (
            outside.code.to_string(),
            "(unassigned)".into(),
            "Treviglio".into(),
        ),
    ];
    want.sort();
    assert_eq!(got, want);
    assert!(c.merged.is_empty());
    // No merger, nothing to pay; a later date pays the schedule's second step.
    let (_, p) = lombardy();
    let costs = incentive_costs(&p.file.policy.incentives, "2018-06-30", &c);
    assert!(costs.iter().all(|i| i.total == 0.0 && i.new_districts == 0));
    let one = MapChanges::between(
        &d.territory,
        "ambiti-2017",
        &base,
        &renamed(&base, "Seriate", "Dalmine"),
    );
    let later = incentive_costs(&p.file.policy.incentives, "2019-06-30", &one);
    assert_eq!((later[0].new_districts, later[0].total), (1, 10_000.0));
    // Only Isola Bergamasca and Romano di Lombardia keep their members.
    assert_eq!(c.unchanged, 2);
}

#[test]
fn report_of_the_2017_ambiti_holds_the_audit_map_and_changes() {
    let (d, p) = lombardy();
    let base = d.district_map("ambiti-2017").unwrap();
    let a = audit(&d.territory, &d.graph, &p, Some(&base));
    let boundaries = d.boundaries().unwrap();
    let svg = compliance_map("compliance", &boundaries, &d.polygon_districts(&base), &a);
    // One path per 2021 polygon; Seriate's members say why they are red.
    assert_eq!(svg.matches("<path class=\"comune\"").count(), 1506);
    assert!(svg.contains("Seriate: 77,716 inhabitants, more than 80,000"));
    let merged = renamed(&base, "Seriate", "Romano di Lombardia");
    let doc = document(DistrictMapReport {
        title: "Scenario report: test".into(),
        subtitle: "version 1".into(),
        map_name: "test".into(),
        notes: "Seriate & Romano <together>".into(),
        audit: &a,
        compliance_svg: Some(svg),
        changes: Some(MapChanges::between(
            &d.territory,
            "ambiti-2017",
            &base,
            &merged,
        )),
        incentives: &p.file.policy.incentives,
        agreement_date: "2018-06-30".into(),
    });
    let ids: Vec<&str> = doc.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["notes", "audit", "map-compliance", "changes"]);
    let h = html::render(&doc);
    assert!(h.contains("<p>Seriate &amp; Romano &lt;together&gt;</p>"));
    assert!(h.contains(&format!(
        "5 districts audited under {}: 4 compliant, 1 below their threshold.",
        a.policy.name
    )));
    // Seriate: 77,716 inhabitants, short of 80,001 by 2,285.
    assert!(h.contains("<td>Seriate</td><td class=\"num\">11</td><td class=\"num\">77,716</td>"));
    assert!(h.contains("<td class=\"num\">2,285</td>"));
    assert!(h.contains("0 municipalities moved to another district, 1 districts formed by merger, 4 baseline districts unchanged"));
    assert!(h.contains("<li>Romano di Lombardia from Romano di Lombardia + Seriate</li>"));
    assert_eq!(h.matches("<figure").count(), 2);
    // policies/lombardy-2017.toml: EUR 30,000 per new merged ambito until 30 June 2018.
    assert!(h.contains("agreement on 2018-06-30"));
    assert!(h.contains("<td class=\"num\">30,000 EUR</td><td class=\"num\">1</td><td class=\"num\">30,000 EUR</td>"), "{}", &h[h.find("Incentives for").unwrap_or(0)..][..800]);
}
