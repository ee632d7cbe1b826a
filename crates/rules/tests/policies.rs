//! The shipped policy files on hand-checked fixtures and on the bundled Lombardy data.

use ambit_rules::{audit, CompiledPolicy, PolicyFile};
use ambit_territory::{
    ContiguityGraph, Dataset, DistrictColumns, DistrictMap, MunicipalityColumns, Territory,
};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn france_notre_classes_and_thresholds_by_hand() {
    let dir = root().join("crates/rules/tests/fixtures/france");
    let cols = MunicipalityColumns {
        area_km2: Some("area_km2".into()),
        ..Default::default()
    };
    let t = Territory::load_csv(&dir.join("communes.csv"), &cols).unwrap();
    let map = DistrictMap::load_csv(&dir.join("epci.csv"), &DistrictColumns::default(), &t, None)
        .unwrap();
    let policy = PolicyFile::load(&root().join("policies/france-notre-2015.toml")).unwrap();
    let p = CompiledPolicy::compile(policy, &t).unwrap();
    let a = audit(&t, &ContiguityGraph::new(t.len()), &p, Some(&map));
    let get = |n: &str| a.districts.iter().find(|d| d.name == n).unwrap();

    // 14,999 inhabitants on 100 km2 (149.99/km2 > national 103.4): standard, at least 15,000.
    let plaine = get("Plaine");
    assert_eq!(
        (plaine.class.as_str(), plaine.threshold),
        ("standard", 15000.0)
    );
    assert!(!plaine.compliant);
    assert_eq!(plaine.shortfall, 1);
    // 1 of 2 communes in mountain zone: half, so the mountain exception (5,000); 6,000 meet it.
    let m = get("Montagne");
    assert_eq!(
        (m.class.as_str(), m.threshold, m.compliant),
        ("mountain", 5000.0, true)
    );
    // 4,000 on 200 km2 = 20/km2 < 0.3 x 103.4 = 31.02: 5,000, short by 1,000.
    let r = get("Rural");
    assert_eq!((r.class.as_str(), r.shortfall), ("very-low-density", 1000));
    // 8,000 on 200 km2 = 40/km2 (between 31.02 and 51.7); most communes in a departement of
    // 60/km2 < 103.4: threshold 15,000 x 60 / 103.4 = 8,704.06, short by 705.
    let s = get("Sparse");
    assert_eq!(s.class, "low-density");
    assert!((s.threshold - 15000.0 * 60.0 / 103.4).abs() < 1e-9);
    assert_eq!((s.compliant, s.shortfall), (false, 705));
    // A whole island: exempt.
    let i = get("Ile");
    assert_eq!((i.class.as_str(), i.compliant), ("island", true));
    assert_eq!(a.summary.non_compliant_districts, 3);
}

#[test]
fn lombardy_audit_of_the_bundled_ambiti() {
    let d = Dataset::load(&root().join("data/lombardy")).unwrap();
    let policy = PolicyFile::load(&d.default_policy().unwrap()).unwrap();
    let p = CompiledPolicy::compile(policy, &d.territory).unwrap();

    let none = audit(&d.territory, &d.graph, &p, None);
    assert_eq!(none.summary.municipalities, 1516);
    assert_eq!(none.summary.small_municipalities, 1047);
    assert_eq!(none.summary.population, 10_036_245);
    assert_eq!(none.summary.districts, 0);
    assert_eq!(none.summary.unassigned_municipalities, 1516);
    let bands: usize = none
        .fragmentation
        .bands
        .iter()
        .map(|b| b.municipalities)
        .sum();
    assert_eq!(bands, 1516);

    let map = d.district_map("ambiti-2017").unwrap();
    let a = audit(&d.territory, &d.graph, &p, Some(&map));
    assert_eq!(a.summary.districts, 5);
    assert_eq!(a.summary.unassigned_municipalities, 1516 - 88);
    // Populations as in ambiti_summary.csv (summed from comuni_2018.csv pop_best).
    let pops: Vec<(&str, u64, bool)> = a
        .districts
        .iter()
        .map(|d| (d.name.as_str(), d.population, d.compliant))
        .collect();
    assert_eq!(
        pops,
        vec![
            ("Seriate", 77_716, false),
            ("Dalmine", 146_222, true),
            ("Isola Bergamasca e Bassa Val San Martino", 136_246, true),
            ("Romano di Lombardia", 84_880, true),
            ("Treviglio", 111_603, true),
        ]
    );
    let seriate = &a.districts[0];
    assert_eq!(seriate.class, "standard");
    assert_eq!(seriate.threshold_text, "more than 80,000");
    assert_eq!(seriate.shortfall, 80_001 - 77_716);
    assert_eq!(seriate.municipalities, 11);
    assert_eq!(seriate.contiguous_parts, 1);
    // Seriate borders Dalmine? Not in this partial map; whatever it borders, the merger
    // options are computed, compliant, and sorted by population.
    for w in seriate.closing_mergers.windows(2) {
        assert!(w[0].population <= w[1].population);
    }
}

#[test]
fn lombardy_2021_valle_imagna_is_mountain() {
    let d = Dataset::load(&root().join("data/lombardy")).unwrap();
    let policy = PolicyFile::load(&d.default_policy().unwrap()).unwrap();
    let p = CompiledPolicy::compile(policy, &d.territory).unwrap();
    let map = d.district_map("ambiti-2021").unwrap();
    let a = audit(&d.territory, &d.graph, &p, Some(&map));
    let vi = a
        .districts
        .iter()
        .find(|d| d.name.starts_with("Valle Imagna"))
        .unwrap();
    assert_eq!((vi.population, vi.class.as_str()), (52_684, "mountain"));
    assert!(vi.compliant);
    assert!(
        vi.class_reason
            .contains("pop_share(mountain_code == 'T') = 0.5"),
        "{}",
        vi.class_reason
    );
    let lodi = a.districts.iter().find(|d| d.name == "Lodi").unwrap();
    assert_eq!((lodi.municipalities, lodi.population), (61, 237_159));
}

#[test]
fn the_incentive_reference_date_is_the_end_of_the_full_premium() {
    // DGR 7631: 30,000 EUR per new ambito agreed by 30 June 2018, then 15,000, then 10,000
    let lombardy = PolicyFile::load(&root().join("policies/lombardy-2017.toml")).unwrap();
    assert_eq!(
        lombardy.policy.incentive_reference_date(),
        Some("2018-06-30")
    );
    let first = &lombardy.policy.incentives[0];
    assert_eq!(first.amount_on("2018-06-30"), 30000.0);
    assert_eq!(first.amount_on("2018-07-01"), 15000.0);
    // NOTRe pays no scheduled incentive
    let france = PolicyFile::load(&root().join("policies/france-notre-2015.toml")).unwrap();
    assert_eq!(france.policy.incentive_reference_date(), None);
}
